//! The resolved, typed input of the nation model: every parameter evaluated for every year.

/// A fully resolved scenario: what the nation engine runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct NationInput {
    /// Scenario name.
    pub name: String,
    /// First year of output (history starts here), e.g. 2000.
    pub first_year: i32,
    /// Last year whose fleet is taken from data; the model projects after it.
    pub calibration_year: i32,
    /// Last year simulated, e.g. 2040.
    pub last_year: i32,
    /// Accelerator service life, years: a chip shipped in year v runs in years v..v+life-1.
    pub accelerator_life_years: u32,
    /// Yearly growth factor of fleets before the calibration year (2.3 = 2.3x per year),
    /// used to back-cast history from the calibrated fleet.
    pub history_fleet_growth_factor: f64,
    /// Chip lines (kinds of accelerator on sale), in input order.
    pub lines: Vec<LineInput>,
    /// Regions, in output order (World is computed, not listed).
    pub regions: Vec<RegionInput>,
}

impl NationInput {
    /// Number of simulated years.
    pub fn years(&self) -> usize {
        (self.last_year - self.first_year + 1) as usize
    }

    /// Index of the calibration year into the per-year vectors.
    pub fn calibration_index(&self) -> usize {
        (self.calibration_year - self.first_year) as usize
    }

    /// Index of a year into the per-year vectors.
    pub fn year_index(&self, year: i32) -> Option<usize> {
        (self.first_year..=self.last_year).contains(&year).then(|| (year - self.first_year) as usize)
    }
}

/// A chip line: the accelerators of one kind sold in each year (the "current part").
#[derive(Debug, Clone, PartialEq)]
pub struct LineInput {
    /// Line identifier, e.g. `us_frontier`.
    pub id: String,
    /// Index into [`NationInput::regions`] of the region where the line is designed and
    /// made; buyers elsewhere import it.
    pub origin: Option<usize>,
    /// Dense 16-bit FLOP/s per chip of the year's shipments, by year.
    pub flops_per_chip: Vec<f64>,
    /// TDP per chip, W, by year.
    pub tdp_w: Vec<f64>,
    /// Price per chip, USD (2024), by year.
    pub price_usd: Vec<f64>,
    /// Global production capacity, chips per year, by year (`f64::INFINITY`: unlimited).
    pub production_cap_chips: Vec<f64>,
    /// Back-cast growth factor of this line's fleets before the calibration year; `None`
    /// uses [`NationInput::history_fleet_growth_factor`].
    pub history_fleet_growth_factor: Option<f64>,
}

/// One region's parameters, by year.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionInput {
    /// Identifier, e.g. `china`.
    pub id: String,
    /// Output name, e.g. `China`.
    pub name: String,
    /// Reported electricity generation, TWh, for years up to `last_reported_year`.
    pub generation_reported_twh: Vec<f64>,
    /// Last year with reported generation; projected after it.
    pub last_reported_year: i32,
    /// Growth of generation per year after the last reported year (0.05 = 5 %/yr).
    pub generation_growth_per_year: Vec<f64>,
    /// Largest share of generation that data centres may use (0..1).
    pub dc_share_max: Vec<f64>,
    /// Largest yearly addition of grid-connected data-centre power, GW/yr.
    pub interconnect_gw_per_year: Vec<f64>,
    /// Conventional (non-AI) data-centre load, GW.
    pub conventional_dc_gw: Vec<f64>,
    /// Power usage effectiveness (facility / IT power).
    pub pue: Vec<f64>,
    /// Server power per accelerator TDP (CPU, memory, network), ratio.
    pub server_overhead: Vec<f64>,
    /// Average draw as a share of all-in peak power (0..1).
    pub load_factor: Vec<f64>,
    /// Share of peak FLOP/s turned into useful work (0..1).
    pub utilisation: Vec<f64>,
    /// Largest share of the fleet's power demand that buyers let wait for power; they buy
    /// no chips beyond it (1: buy regardless of power).
    pub max_unpowered_share: Vec<f64>,
    /// Spending on AI accelerators, billion USD (2024) per year.
    pub capex_usd_bn: Vec<f64>,
    /// Import cap per line, chips per year (index = line; `f64::INFINITY`: no cap).
    pub import_cap_chips: Vec<Vec<f64>>,
    /// Installed fleet at the end of the calibration year per line, H100-equivalents.
    pub calibration_fleet_h100e: Vec<f64>,
}
