//! What a nation-model run returns: every metric for every region (World last) and year.

use serde::Serialize;

/// Which limit binds in a region-year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    /// Part of the fleet cannot be powered (powered fraction below one).
    Power,
    /// Supply caps (export controls, production capacity) cut shipments below what the
    /// budget would buy.
    Chips,
    /// Neither: the budget limits what is bought.
    Capital,
}

impl Binding {
    /// Lowercase name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Power => "power",
            Binding::Chips => "chips",
            Binding::Capital => "capital",
        }
    }
}

/// Results stored as region-major arrays: index `region * years + year_index`. The last
/// region is World (sum of the others).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Scenario name.
    pub scenario: String,
    /// First simulated year.
    pub first_year: i32,
    /// Last year whose fleet is calibrated from data.
    pub calibration_year: i32,
    /// Number of years.
    pub years: usize,
    /// Region names, World last.
    pub regions: Vec<String>,
    /// Electricity generation, TWh.
    pub generation_twh: Vec<f64>,
    /// Whether generation is projected (after the last reported year).
    pub generation_projected: Vec<bool>,
    /// Grid-connected data-centre power capacity, GW.
    pub dc_power_gw: Vec<f64>,
    /// Conventional data-centre load, GW.
    pub conventional_dc_gw: Vec<f64>,
    /// All-in power the AI fleet would draw at peak, GW.
    pub ai_power_demand_gw: Vec<f64>,
    /// Powered fraction of the AI fleet (0..1).
    pub powered_fraction: Vec<f64>,
    /// Data-centre electricity use, TWh (AI plus conventional).
    pub dc_electricity_twh: Vec<f64>,
    /// Installed accelerators, chips.
    pub accelerators: Vec<f64>,
    /// Installed compute, FLOP/s (dense 16-bit peak).
    pub installed_flops: Vec<f64>,
    /// Effective compute, FLOP/s: powered, times utilisation.
    pub effective_flops: Vec<f64>,
    /// Installed but unpowered compute, FLOP/s.
    pub stranded_flops: Vec<f64>,
    /// Shipments of the year, FLOP/s.
    pub shipped_flops: Vec<f64>,
    /// Shipments of the year from lines made in the region, FLOP/s.
    pub shipped_domestic_flops: Vec<f64>,
    /// Shipments of the year, chips.
    pub shipped_chips: Vec<f64>,
    /// Shipments of the year from lines made in the region, chips.
    pub shipped_domestic_chips: Vec<f64>,
    /// Money spent on accelerators, billion USD.
    pub spent_usd_bn: Vec<f64>,
    /// Binding constraint.
    pub binding: Vec<Binding>,
}

/// Dense 16-bit FLOP/s of one H100 (see [`suanli_data::catalogue::H100_FLOPS_16BIT`]).
pub const H100_FLOPS: f64 = suanli_data::catalogue::H100_FLOPS_16BIT;

impl Outcome {
    /// Index of a region-year.
    #[inline]
    pub fn at(&self, region: usize, year: i32) -> usize {
        region * self.years + (year - self.first_year) as usize
    }

    /// Index of the World pseudo-region.
    pub fn world(&self) -> usize {
        self.regions.len() - 1
    }

    /// Index of a region by name or id-like spelling (case and `_`/space insensitive).
    pub fn region(&self, name: &str) -> Option<usize> {
        let norm = |s: &str| s.to_lowercase().replace(['_', '-'], " ");
        self.regions.iter().position(|r| norm(r) == norm(name))
    }

    /// Last simulated year.
    pub fn last_year(&self) -> i32 {
        self.first_year + self.years as i32 - 1
    }

    /// Fleet in H100-equivalents.
    pub fn fleet_h100e(&self, i: usize) -> f64 {
        self.installed_flops[i] / H100_FLOPS
    }

    /// Data-centre electricity as a share of generation.
    pub fn dc_share(&self, i: usize) -> f64 {
        if self.generation_twh[i] > 0.0 {
            self.dc_electricity_twh[i] / self.generation_twh[i]
        } else {
            0.0
        }
    }

    /// Share of world effective compute.
    pub fn world_share(&self, region: usize, year: i32) -> f64 {
        let w = self.effective_flops[self.at(self.world(), year)];
        if w > 0.0 {
            self.effective_flops[self.at(region, year)] / w
        } else {
            0.0
        }
    }

    /// Domestic share of the year's shipments by FLOP/s; `None` without shipments.
    pub fn self_sufficiency(&self, i: usize) -> Option<f64> {
        (self.shipped_flops[i] > 0.0).then(|| self.shipped_domestic_flops[i] / self.shipped_flops[i])
    }

    /// Domestic share of the year's shipments by units; `None` without shipments.
    pub fn self_sufficiency_units(&self, i: usize) -> Option<f64> {
        (self.shipped_chips[i] > 0.0).then(|| self.shipped_domestic_chips[i] / self.shipped_chips[i])
    }
}
