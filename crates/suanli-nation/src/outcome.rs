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
    /// Installed FLOP/s of chips made in the region.
    pub installed_domestic_flops: Vec<f64>,
    /// Installed accelerators made in the region, chips.
    pub accelerators_domestic: Vec<f64>,
    /// Spending on chips made in the region, billion USD.
    pub spent_domestic_usd_bn: Vec<f64>,
    /// Binding constraint.
    pub binding: Vec<Binding>,
}

/// The names [`Outcome::quantity`] knows (fields of `suanli race --format json`).
pub const QUANTITY_NAMES: [&str; 14] = [
    "generation_twh",
    "dc_power_gw",
    "ai_power_demand_gw",
    "dc_electricity_twh",
    "dc_share_of_generation",
    "fleet_h100e",
    "installed_flops",
    "effective_flops",
    "accelerator_spend_usd_bn",
    "self_sufficiency",
    "self_sufficiency_units",
    "self_sufficiency_value",
    "domestic_share_installed",
    "domestic_share_installed_units",
];

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

    /// Domestic share of the year's spending on accelerators (by value); `None` without
    /// spending.
    pub fn self_sufficiency_value(&self, i: usize) -> Option<f64> {
        (self.spent_usd_bn[i] > 0.0).then(|| self.spent_domestic_usd_bn[i] / self.spent_usd_bn[i])
    }

    /// Domestic share of the installed fleet by FLOP/s; `None` without a fleet.
    pub fn domestic_share_installed(&self, i: usize) -> Option<f64> {
        (self.installed_flops[i] > 0.0).then(|| self.installed_domestic_flops[i] / self.installed_flops[i])
    }

    /// Domestic share of the installed fleet by units; `None` without a fleet.
    pub fn domestic_share_installed_units(&self, i: usize) -> Option<f64> {
        (self.accelerators[i] > 0.0).then(|| self.accelerators_domestic[i] / self.accelerators[i])
    }

    /// A quantity of region-year `i` by its `race` field name ([`QUANTITY_NAMES`]), in that
    /// field's unit; `None` for an unknown name or a share without a base.
    pub fn quantity(&self, name: &str, i: usize) -> Option<f64> {
        Some(match name {
            "generation_twh" => self.generation_twh[i],
            "dc_power_gw" => self.dc_power_gw[i],
            "ai_power_demand_gw" => self.ai_power_demand_gw[i],
            "dc_electricity_twh" => self.dc_electricity_twh[i],
            "dc_share_of_generation" => self.dc_share(i),
            "fleet_h100e" => self.fleet_h100e(i),
            "installed_flops" => self.installed_flops[i],
            "effective_flops" => self.effective_flops[i],
            "accelerator_spend_usd_bn" => self.spent_usd_bn[i],
            "self_sufficiency" => self.self_sufficiency(i)?,
            "self_sufficiency_units" => self.self_sufficiency_units(i)?,
            "self_sufficiency_value" => self.self_sufficiency_value(i)?,
            "domestic_share_installed" => self.domestic_share_installed(i)?,
            "domestic_share_installed_units" => self.domestic_share_installed_units(i)?,
            _ => return None,
        })
    }
}
