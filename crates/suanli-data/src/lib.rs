//! Built-in datasets of suanli, each with its provenance, and readers for the public
//! formats they are derived from.
//!
//! * [`electricity::ElectricityTable`]: generation by region, year and source (TWh), from
//!   Our World in Data / Ember ([`owid`] reads and aggregates their exports).
//! * [`catalogue`]: AI accelerators with dense 16-bit FLOP/s, TDP and price (Epoch AI).
//! * [`fleets`]: installed accelerators by region in H100-equivalents (Epoch AI).
//! * [`observed`]: what was observed, to score projections against (hindcasts).
//! * [`projections`]: published projections, to set the baseline beside.
//! * [`sources::TABLE_SOURCES`]: origin, licence and attribution of each table.
//!
//! ```
//! let table = suanli_data::electricity::ElectricityTable::builtin();
//! let china_2024 = table.total_twh("china", 2024).unwrap();
//! assert!(china_2024 > 10_000.0);
//! ```
//!
//! This crate does no file or network I/O: the built-in tables are compiled in, and the
//! readers take text. The CLI owns reading files and downloading.
#![deny(missing_docs)]

pub mod catalogue;
pub mod electricity;
pub mod error;
pub mod fleets;
pub mod observed;
pub mod owid;
pub mod profiles;
pub mod projections;
pub mod regions;
pub mod sources;

pub use error::DataError;
