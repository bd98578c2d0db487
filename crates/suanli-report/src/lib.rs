//! Charts (SVG) and the self-contained HTML report of suanli.
//!
//! Everything here is pure: typed results in, SVG or HTML text out. The CLI and server
//! write the files.
//!
//! * [`chart`]: panels (lines with uncertainty bands, stacked areas, category timelines,
//!   heat maps, bars) stacked into a [`chart::Figure`], written by [`svg`].
//! * [`nation`]: the figure of a nation-model run (optionally with Monte Carlo bands).
//! * [`site`]: the figure of a site plan.
//! * [`html`]: the self-contained HTML report.
//! * [`race`]: the rows and JSON document of a run.
#![deny(missing_docs)]

pub mod chart;
pub mod demand;
pub mod html;
pub mod map;
pub mod nation;
pub mod network;
pub mod race;
pub mod scale;
pub mod site;
pub mod svg;
pub mod validation;
