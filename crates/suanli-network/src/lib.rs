//! The network model of suanli: AI campuses linked by power lines, planned together.
//!
//! Each site is a full site model (`suanli_site`): its weather, firm and training load,
//! and the technologies it may build. Power lines join sites; their capacities are
//! decisions, and every hour power may flow either way. [`plan::plan`] builds one linear
//! program over all sites and hours ([`lp`]), solves it with the interior point of
//! `suanli_lp`, checks every site's hourly balance, and reports each site's plan beside
//! the links' capacities and flows, with a primal objective and a proven lower bound.
//!
//! The crate does no I/O.
#![deny(missing_docs)]

pub mod check;
pub mod compare;
mod demand_file;
pub mod file;
pub mod input;
pub mod lp;
pub mod plan;
pub mod programme;

pub use input::{DemandCentre, Link, NetworkInput, Route};
pub use plan::{plan, NetworkPlan};
