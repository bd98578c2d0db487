//! The site model of suanli: the least-cost hourly power supply of an AI campus.
//!
//! Technologies (each optional): solar and onshore wind with capacity-factor series, a
//! battery with power and energy sized separately, gas turbines, and a grid connection.
//! Load: a firm part (inference) met every hour unless a reliability allowance says
//! otherwise, and a flexible training part whose IT capacity is a decision and which may
//! follow the wind and sun. [`plan::plan`] builds the linear program ([`lp`]), solves it
//! in scaled units with an interior-point method on the augmented system (suanli-lp;
//! Clarabel when that does not converge), checks the hourly energy balance
//! of the result independently, and reports capacities, costs, shares, emissions and the
//! cost of delivered compute.
//!
//! ```
//! use suanli_site::input::{Gas, SiteInput};
//! use suanli_site::plan::{plan, Settings};
//!
//! // 10 MW of firm load and only gas: 10 MW of turbines running every hour.
//! let site = SiteInput {
//!     name: "gas only".into(),
//!     solar_cf: vec![0.0; 24],
//!     wind_cf: vec![0.0; 24],
//!     firm_load_mw: vec![10.0; 24],
//!     solar: None, wind: None, battery: None,
//!     gas: Some(Gas { capital_cost_per_mw_year: 1000.0, marginal_cost_per_mwh: 50.0, co2_t_per_mwh: 0.4 }),
//!     grid: None, training: None, reliability: None,
//! };
//! let p = plan(&site, &Settings::default()).unwrap();
//! assert!((p.objective_per_year - (10.0 * 1000.0 + 240.0 * 50.0)).abs() < 1e-4);
//! ```
//!
//! The crate does no I/O: profiles and site files are read by the CLI.
#![deny(missing_docs)]

pub mod check;
pub mod file;
pub mod input;
pub mod lp;
pub mod plan;
pub mod report;

pub use input::SiteInput;
pub use plan::{plan, Settings, SiteError, SitePlan};
