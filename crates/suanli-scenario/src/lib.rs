//! Scenario files of suanli: TOML in, a typed [`model::NationInput`] out.
//!
//! Parsing is two steps, as in ripgrep's low and high arguments:
//! [`parse::parse`] reads what was written (syntax, types, known keys, finite numbers) and
//! [`resolve::resolve`] merges `extends`, fills defaults from data, checks ranges and
//! completeness, and evaluates every parameter for every year. Both report every problem
//! at once as [`diag::Diagnostic`]s with file, line and column.
//!
//! Every parameter is declared once in [`params::PARAMS`] (name, unit, range, meaning).
//!
//! ```
//! use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
//! use suanli_scenario::{builtin::builtin_scenario, resolve::{resolve, DataSet}};
//!
//! let electricity = ElectricityTable::builtin();
//! let fleets = builtin_fleets();
//! let data = DataSet { electricity: &electricity, fleets: &fleets };
//! let src = builtin_scenario("baseline").unwrap();
//! let resolved = resolve(src, &mut |_, _| Err("no files".into()), data).unwrap();
//! assert_eq!(resolved.input.regions.len(), 9);
//! ```
//!
//! This crate does no I/O: files named by `extends` are read by a loader the caller passes.
#![deny(missing_docs)]

pub mod builtin;
pub mod diag;
pub mod dist;
pub mod model;
pub mod params;
pub mod parse;
pub mod programme;
pub mod resolve;
pub mod series;
pub mod template;
pub mod uncertainty;

pub use diag::{Diagnostic, ScenarioError, SourceText};
pub use model::NationInput;
