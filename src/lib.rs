//! orderbridge: a self-hosted order connector between marketplaces and webshops.
//!
//! The library holds everything the `orderbridge` binary does — configuration, the state
//! store, the order engine and its jobs, the scheduler, the CLI commands and the demo — so
//! tests can start the real daemon in-process. See `ARCHITECTURE.md` for the map.

pub mod admin;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connectors;
pub mod daemon;
pub mod documents;
pub mod engine;
pub mod i18n;
pub mod metrics;
pub mod ops;
pub mod scheduler;
pub mod shutdown;
pub mod status;
pub mod store;
pub mod table;
pub mod telemetry;
pub mod web;
