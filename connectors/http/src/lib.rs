//! The HTTP kit of orderbridge's connectors: what every vendor client needs and none should
//! write again.
//!
//! - `replay.rs` — [`Replay`]: whether a request may be sent again after a failure whose
//!   effect is unknown, and [`wait_before_retry`], the one rule every connector follows
//!   (reads retry transient failures; creating writes only when the vendor provably did not
//!   act; a 429 waits out its `Retry-After`);
//! - `failure.rs` — [`Failure`]: one failed attempt as a [`ConnectorError`] plus what the
//!   retry rule needs (never sent? a damaged body?), built from an HTTP status with the
//!   vendor's error body ([`Classify`] hook) or from a transport error;
//! - `decode.rs` — JSON bodies decoded with the path of the first bad field, and the
//!   "accepted but unreadable" rule for creating writes;
//! - `adaptive.rs` — [`AdaptiveBudget`]: per-endpoint rate budgets learned from the vendor's
//!   answers ([`RateHeaders`], read by [`Classify::rate_headers`]) and its 429s;
//! - `pacing.rs` — waiting for that budget (or the configured one until the vendor told one),
//!   handing back waits too long to sit out;
//! - `client.rs` — [`HttpKit`]: one vendor's connection pool, timeout, retry policy and rate
//!   budgets, and the send loop that applies all of the above to a [`Request`];
//! - `root.rs` — [`ApiRoot`]: the kit bound to a REST API's root (paths, endpoint names, JSON);
//! - `paging.rs` — [`OffsetPager`]: walking `limit`/`offset` lists to the end;
//! - `redact.rs` — secrets kept out of URLs that end up in messages and logs;
//! - `address.rs` — where credentials may go (`https`, or `http` on loopback).
//!
//! [`ConnectorError`]: orderbridge_core::ConnectorError

mod adaptive;
mod address;
mod client;
mod decode;
mod failure;
mod pacing;
mod paging;
mod redact;
mod replay;
mod root;

pub use adaptive::{AdaptiveBudget, Admission, RateHeaders, Reply};
pub use address::{is_loopback, safe_for_credentials};
pub use client::{Authorize, HttpKit, KitSettings, Raw, Request};
pub use decode::{acted_but_unreadable, decode_json};
pub use failure::{Classify, Failure, PlainClassify, VendorError};
pub use pacing::{Slot, MAX_WINDOW_WAIT};
pub use paging::OffsetPager;
pub use redact::{redact_query, without_query};
pub use replay::{wait_before_retry, Replay};
pub use root::ApiRoot;
