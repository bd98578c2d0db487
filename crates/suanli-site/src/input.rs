//! Typed input of the site model. Money is in the user's currency per year (the reference
//! problem uses EUR); power in MW, energy in MWh; hours weigh one hour each.

/// A generator with a capacity-factor series (solar or onshore wind).
#[derive(Debug, Clone, PartialEq)]
pub struct Renewable {
    /// Annualised capital cost, currency per MW of capacity per year.
    pub capital_cost_per_mw_year: f64,
    /// Largest buildable capacity, MW (`f64::INFINITY`: unlimited).
    pub max_mw: f64,
}

/// A battery with separately sized power (one rating for charge and discharge, AC side)
/// and energy.
#[derive(Debug, Clone, PartialEq)]
pub struct Battery {
    /// Annualised cost of power capacity, currency per MW per year.
    pub power_cost_per_mw_year: f64,
    /// Annualised cost of energy capacity, currency per MWh per year.
    pub energy_cost_per_mwh_year: f64,
    /// Round-trip efficiency (0..1], split evenly: sqrt on charge, sqrt on discharge.
    pub round_trip_efficiency: f64,
}

/// A gas turbine.
#[derive(Debug, Clone, PartialEq)]
pub struct Gas {
    /// Annualised capital cost, currency per MW per year.
    pub capital_cost_per_mw_year: f64,
    /// Fuel and variable cost, currency per MWh generated.
    pub marginal_cost_per_mwh: f64,
    /// Emissions, t CO2 per MWh generated (0.37 for a combined cycle, IPCC 2014 median
    /// direct emissions; 0.55 for an open-cycle turbine).
    pub co2_t_per_mwh: f64,
}

/// A grid connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Import price per hour, currency per MWh.
    pub price_per_mwh: Vec<f64>,
    /// Connection limit, MW (`f64::INFINITY`: unlimited).
    pub connection_mw: f64,
    /// Emissions of imported electricity, t CO2 per MWh.
    pub co2_t_per_mwh: f64,
}

/// Flexible training load: IT capacity is a decision, and the load may follow supply.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Annualised cost of training capacity (the accelerators), currency per MW of
    /// facility load per year.
    pub it_capacity_cost_per_mw_year: f64,
    /// Annual energy the training load must receive, MWh (0: no quota).
    pub energy_quota_mwh: f64,
    /// Value of a MWh of training load, currency (0: none). With a value and no quota the
    /// model builds training capacity only where it pays.
    pub value_per_mwh: f64,
    /// Lowest load as a share of the training capacity, every hour (0..1).
    pub min_load_share: f64,
    /// Largest buildable training capacity, MW (`f64::INFINITY`: unlimited).
    pub max_mw: f64,
    /// Facility power per H100-equivalent, kW, to turn MWh into H100-hours.
    pub kw_per_h100: f64,
}

/// What may happen to the firm load when supply falls short.
#[derive(Debug, Clone, PartialEq)]
pub struct Reliability {
    /// Largest share of annual firm energy that may go unserved (0..1).
    pub max_unserved_share: f64,
    /// Cost of a MWh of unserved firm load, currency (`f64::INFINITY`: not allowed
    /// beyond the share).
    pub value_of_lost_load_per_mwh: f64,
}

/// A site: its hourly weather and load, and the technologies it may build.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteInput {
    /// Site name.
    pub name: String,
    /// Solar capacity factor per hour (0..1).
    pub solar_cf: Vec<f64>,
    /// Wind capacity factor per hour (0..1).
    pub wind_cf: Vec<f64>,
    /// Firm (inference) load per hour, MW.
    pub firm_load_mw: Vec<f64>,
    /// Solar PV, if it may be built.
    pub solar: Option<Renewable>,
    /// Onshore wind, if it may be built.
    pub wind: Option<Renewable>,
    /// Battery, if it may be built.
    pub battery: Option<Battery>,
    /// Gas turbine, if it may be built.
    pub gas: Option<Gas>,
    /// Grid connection, if there is one.
    pub grid: Option<Grid>,
    /// Flexible training load, if any.
    pub training: Option<Training>,
    /// Unserved firm load allowed, if any.
    pub reliability: Option<Reliability>,
}

impl SiteInput {
    /// Number of hours.
    pub fn hours(&self) -> usize {
        self.firm_load_mw.len()
    }
}

impl SiteInput {
    /// The same site for profiles that stand for `hour_weight` hours each: annual capital
    /// costs and annual quotas divided by the weight, so that the plan of the profile hours
    /// costs 1 / weight of a year (PyPSA's snapshot weightings, written as a rescaling).
    pub fn per_profile_hours(&self, hour_weight: f64) -> SiteInput {
        let w = hour_weight;
        let mut s = self.clone();
        for r in [&mut s.solar, &mut s.wind].into_iter().flatten() {
            r.capital_cost_per_mw_year /= w;
        }
        if let Some(b) = &mut s.battery {
            b.power_cost_per_mw_year /= w;
            b.energy_cost_per_mwh_year /= w;
        }
        if let Some(g) = &mut s.gas {
            g.capital_cost_per_mw_year /= w;
        }
        if let Some(t) = &mut s.training {
            t.it_capacity_cost_per_mw_year /= w;
            t.energy_quota_mwh /= w;
        }
        s
    }
}
