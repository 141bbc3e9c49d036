//! The printed documents: the pick & pack list of a batch and the packing slip of an order,
//! as PDF, and a batch's marketplace labels joined into one PDF (`labels.rs`). `pdf.rs` lays out pages; the other files say what goes on them. What they hold is
//! gathered by the application layer (`crate::ops::PickPack`, `crate::ops::PackOrder`).

mod labels;
mod pack;
mod pdf;
mod pick_pack;

pub use labels::{join_labels, JoinError};
pub use pack::packing_slip;
pub use pick_pack::pick_pack_list;
