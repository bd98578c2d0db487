//! The nation model of suanli: a yearly stock-flow of AI accelerators per region, limited
//! by capital, by chip supply (domestic production, imports under export controls) and by
//! electricity (grid connection, share of generation, PUE).
//!
//! [`engine::simulate`] takes a resolved [`suanli_scenario::NationInput`] and returns an
//! [`outcome::Outcome`]: generation, data-centre power, fleets, installed, effective and
//! stranded FLOP/s, the binding constraint and self-sufficiency for every region and year.
//! [`crossing::crossings`] finds when one region passes another; [`claims`] checks
//! quantitative claims from the public debate against runs of the model.
//!
//! ```
//! use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
//! use suanli_scenario::{builtin::builtin_scenario, resolve::{resolve, DataSet}};
//!
//! let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
//! let data = DataSet { electricity: &electricity, fleets: &fleets };
//! let input = resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("".into()), data).unwrap().input;
//! let outcome = suanli_nation::engine::simulate(&input);
//! let china = outcome.region("China").unwrap();
//! assert!(outcome.generation_twh[outcome.at(china, 2024)] > 10_000.0);
//! ```
//!
//! The engine is pure: no I/O, no printing, deterministic.
#![deny(missing_docs)]

pub mod claims;
pub mod crossing;
pub mod demand;
pub mod engine;
pub mod hindcast;
pub mod levers;
pub mod outcome;
pub mod params;
pub mod sliders;

pub use engine::{simulate, History, Simulation};
pub use outcome::{Binding, Outcome};
pub use params::Parameters;
