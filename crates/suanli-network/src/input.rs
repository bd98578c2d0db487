//! Typed input of the network model: sites (each a full site model) and the power lines
//! between them. Money is per year in the user's currency; power in MW.

use suanli_site::SiteInput;

/// A power line between two sites; power may flow either way up to its capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Link name.
    pub name: String,
    /// Index of the site at one end (in [`NetworkInput::sites`]).
    pub from: usize,
    /// Index of the site at the other end.
    pub to: usize,
    /// Annualised cost of capacity, money per MW per year (both converter stations and
    /// the line).
    pub capital_cost_per_mw_year: f64,
    /// Share of the power sent that arrives (0..1]; 1 is lossless.
    pub efficiency: f64,
    /// Largest buildable capacity, MW (`f64::INFINITY`: unlimited).
    pub max_mw: f64,
}

/// Sites and the power lines between them, planned as one.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkInput {
    /// Network name.
    pub name: String,
    /// The sites, each with its own weather, load and technologies (same hours each).
    pub sites: Vec<SiteInput>,
    /// Power lines.
    pub links: Vec<Link>,
    /// Training energy the sites' training loads must receive together, MWh per year
    /// (0: none), placed wherever it costs least; each site's own quota still applies.
    pub training_quota_mwh: f64,
}

impl NetworkInput {
    /// Number of hours (of the first site; all sites must have the same).
    pub fn hours(&self) -> usize {
        self.sites.first().map_or(0, SiteInput::hours)
    }
}
