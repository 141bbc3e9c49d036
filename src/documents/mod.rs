//! The printed documents: the pick & pack list of a batch and the packing slip of an order,
//! as PDF. `pdf.rs` lays out pages; the other files say what goes on them. What they hold is
//! gathered by the application layer (`crate::ops::PickPack`, `crate::ops::PackOrder`).

mod pack;
mod pdf;
mod pick_pack;

pub use pack::packing_slip;
pub use pick_pack::pick_pack_list;
