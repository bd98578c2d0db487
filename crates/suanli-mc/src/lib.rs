//! Uncertainty for the suanli nation model.
//!
//! A scenario's uncertain parameters ([`suanli_scenario::uncertainty::Uncertainty`]) are
//! drawn by their quantile functions from uniform numbers; every draw projects the years
//! after calibration from one shared history ([`suanli_nation::History`]).
//!
//! * [`run::monte_carlo`]: percentiles by region, year and metric (streamed into
//!   [`sketch::Sketch`]es, so memory does not grow with the number of draws), the
//!   probability that one region leads another, the probability of each binding
//!   constraint, and the distribution of the year one region passes another.
//! * [`sensitivity`]: one-at-a-time tornado swings (p10 to p90) and Sobol first-order and
//!   total indices by Saltelli sampling.
//!
//! Draw `i` of seed `s` always uses the same uniforms, and every aggregate is an integer
//! count, so results are byte-identical whatever the number of threads.
#![deny(missing_docs)]

pub mod demand;
pub mod draw;
pub mod output;
pub mod run;
pub mod sensitivity;
pub mod sketch;
pub mod validate;
