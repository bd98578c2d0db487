//! Typed input of the network model: sites (each a full site model), the power lines
//! between them, demand centres whose inference may be served at any site within their
//! latency bound, and the fibre routes that carry the bits. Money is per year in the
//! user's currency; power in MW.

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

/// A place whose users send inference requests; each hour's requests are served at
/// sites within the centre's latency bound, over fibre routes.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandCentre {
    /// Demand centre name.
    pub name: String,
    /// Inference IT load to be served each hour, MW of IT (the serving site adds its PUE).
    pub inference_mw: Vec<f64>,
}

/// A fibre route between a demand centre and a site: its capacity (Gbit/s) is a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Index of the demand centre (in [`NetworkInput::demands`]).
    pub demand: usize,
    /// Index of the site (in [`NetworkInput::sites`]).
    pub site: usize,
    /// Route length, km (for reporting; the cost below already includes it).
    pub length_km: f64,
    /// Round-trip latency, ms.
    pub latency_ms: f64,
    /// Annualised cost of capacity, money per Gbit/s per year.
    pub capital_cost_per_gbps_year: f64,
    /// Whether the site may serve the centre's inference (the latency is within bound).
    pub serves_inference: bool,
    /// Whether the site's training capacity needs bandwidth to the centre (the centre is
    /// the network's training home).
    pub carries_training: bool,
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
    /// Training compute the sites must deliver together, H100-hours per year (0: none),
    /// each site's MWh counted at its own kW per H100 (so a site with a lower PUE delivers
    /// more per MWh); at most one of the two quotas is set.
    pub training_quota_h100_hours: f64,
    /// Demand centres.
    pub demands: Vec<DemandCentre>,
    /// Fibre routes from demand centres to sites.
    pub routes: Vec<Route>,
    /// Each site's power usage effectiveness, applied to the inference it serves for
    /// demand centres (facility MW per IT MW; one per site).
    pub pue: Vec<f64>,
    /// Annualised cost of inference IT capacity, money per MW of IT per year.
    pub inference_cost_per_mw_year: f64,
    /// Bandwidth needed per MW of inference IT served over a route, Gbit/s.
    pub gbps_per_mw_inference: f64,
    /// Bandwidth needed per MW of training capacity to the training home, Gbit/s.
    pub gbps_per_mw_training: f64,
    /// Hours of the year each profile hour stands for (1: the profiles are the year;
    /// 8760 / 672 for four representative weeks). Results are reported per year.
    pub hour_weight: f64,
}

impl NetworkInput {
    /// A network of sites and lines, with no quota, no demand centres and hours that
    /// weigh one hour each.
    pub fn new(name: impl Into<String>, sites: Vec<SiteInput>, links: Vec<Link>) -> Self {
        let pue = vec![1.0; sites.len()];
        NetworkInput {
            name: name.into(),
            sites,
            links,
            training_quota_mwh: 0.0,
            training_quota_h100_hours: 0.0,
            demands: Vec::new(),
            routes: Vec::new(),
            pue,
            inference_cost_per_mw_year: 0.0,
            gbps_per_mw_inference: 0.0,
            gbps_per_mw_training: 0.0,
            hour_weight: 1.0,
        }
    }

    /// Number of hours (of the first site; all sites must have the same).
    pub fn hours(&self) -> usize {
        self.sites.first().map_or(0, SiteInput::hours)
    }
}

impl NetworkInput {
    /// The network's training quota as one row: each site's weight per MWh of training
    /// load (`None` for a site without training) and the right-hand side, in MWh at the
    /// first training site's kW per H100 when the quota is in H100-hours (weights then
    /// near one); `None` without a quota.
    pub fn training_quota(&self) -> Option<(Vec<Option<f64>>, f64)> {
        let kw = |s: &SiteInput| s.training.as_ref().map(|t| t.kw_per_h100);
        if self.training_quota_mwh > 0.0 {
            Some((self.sites.iter().map(|s| kw(s).map(|_| 1.0)).collect(), self.training_quota_mwh))
        } else if self.training_quota_h100_hours > 0.0 {
            let reference = self.sites.iter().find_map(kw)?;
            let weights = self.sites.iter().map(|s| kw(s).map(|k| reference / k)).collect();
            Some((weights, self.training_quota_h100_hours * reference / 1000.0))
        } else {
            None
        }
    }

    /// The same network with annual capital costs and quotas divided by the hour weight
    /// (see [`SiteInput::per_profile_hours`]); itself when hours weigh one hour.
    pub fn per_profile_hours(&self) -> NetworkInput {
        let w = self.hour_weight;
        let mut n = self.clone();
        if w == 1.0 {
            return n;
        }
        n.sites = self.sites.iter().map(|s| s.per_profile_hours(w)).collect();
        for l in &mut n.links {
            l.capital_cost_per_mw_year /= w;
        }
        for r in &mut n.routes {
            r.capital_cost_per_gbps_year /= w;
        }
        n.inference_cost_per_mw_year /= w;
        n.training_quota_mwh /= w;
        n.training_quota_h100_hours /= w;
        n.hour_weight = 1.0;
        n
    }
}
