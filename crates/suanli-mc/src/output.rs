//! Scalar outputs of a run that uncertainty analysis looks at.

use suanli_nation::crossing::stays_above;
use suanli_nation::Outcome;

/// A model output reduced to one number per run.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A metric of one region in one year.
    Value {
        /// Which metric.
        metric: Metric,
        /// Region index in the outcome (World last).
        region: usize,
        /// Calendar year.
        year: i32,
    },
    /// The year from which `leader`'s effective compute stays above `follower`'s through
    /// the last year, searched from the first projected year; last year + 1 if never.
    PassingYear {
        /// Region index.
        leader: usize,
        /// Region index.
        follower: usize,
    },
}

/// Metrics with percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Effective compute, FLOP/s.
    EffectiveFlops,
    /// Electricity generation, TWh.
    GenerationTwh,
    /// Data-centre electricity, TWh.
    DcElectricityTwh,
}

impl Metric {
    /// Every metric, in output order.
    pub const ALL: [Metric; 3] = [Metric::EffectiveFlops, Metric::GenerationTwh, Metric::DcElectricityTwh];

    /// Name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::EffectiveFlops => "effective_flops",
            Metric::GenerationTwh => "generation_twh",
            Metric::DcElectricityTwh => "dc_electricity_twh",
        }
    }

    /// Parses a name as in JSON.
    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The metric's values in an outcome, region-major.
    pub fn values(self, o: &Outcome) -> &[f64] {
        match self {
            Metric::EffectiveFlops => &o.effective_flops,
            Metric::GenerationTwh => &o.generation_twh,
            Metric::DcElectricityTwh => &o.dc_electricity_twh,
        }
    }
}

/// Year from which `leader` stays above `follower` (effective compute), searching years
/// `from..=last`; `last + 1` when it is behind in the last year.
pub fn passing_year(o: &Outcome, leader: usize, follower: usize, from: i32) -> i32 {
    let eff = |r: usize| move |y: i32| o.effective_flops[o.at(r, y)];
    stays_above(from, o.last_year(), 1.0, eff(leader), eff(follower)).unwrap_or(o.last_year() + 1)
}

impl Output {
    /// The output's value in `o` (years as numbers).
    pub fn value(&self, o: &Outcome) -> f64 {
        match *self {
            Output::Value { metric, region, year } => metric.values(o)[o.at(region, year)],
            Output::PassingYear { leader, follower } => {
                f64::from(passing_year(o, leader, follower, o.calibration_year + 1))
            }
        }
    }

    /// A label, e.g. `effective_flops of China in 2030` or `year China passes United States`.
    pub fn label(&self, o: &Outcome) -> String {
        match *self {
            Output::Value { metric, region, year } => {
                format!("{} of {} in {year}", metric.as_str(), o.regions[region])
            }
            Output::PassingYear { leader, follower } => {
                format!("year {} passes {} (effective compute)", o.regions[leader], o.regions[follower])
            }
        }
    }
}

/// Region index (in the outcome: World last) of a region id or name of `input`, or `world`.
pub fn region_index(input: &suanli_scenario::model::NationInput, name: &str) -> Result<usize, String> {
    let norm = |s: &str| s.to_lowercase().replace(['_', '-'], " ");
    if norm(name) == "world" {
        return Ok(input.regions.len());
    }
    input.regions.iter().position(|x| norm(&x.id) == norm(name) || norm(&x.name) == norm(name)).ok_or_else(
        || {
            let names: Vec<&str> = input.regions.iter().map(|x| x.id.as_str()).collect();
            format!("unknown region `{name}`; regions are {}, world", names.join(", "))
        },
    )
}

/// Parses an output spec: `passing-year:LEADER:FOLLOWER` or `METRIC:REGION:YEAR` (a
/// projected year of `input`).
pub fn parse_output(input: &suanli_scenario::model::NationInput, spec: &str) -> Result<Output, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let bad = || {
        format!(
            "write `passing-year:LEADER:FOLLOWER` or `METRIC:REGION:YEAR` with METRIC one of {}",
            Metric::ALL.map(|m| m.as_str()).join(", ")
        )
    };
    match parts.as_slice() {
        ["passing-year", a, b] => {
            Ok(Output::PassingYear { leader: region_index(input, a)?, follower: region_index(input, b)? })
        }
        [m, region, year] => {
            let metric = Metric::parse(m).ok_or_else(bad)?;
            let year: i32 = year.parse().map_err(|_| bad())?;
            let (first, last) = (input.calibration_year + 1, input.last_year);
            if !(first..=last).contains(&year) {
                return Err(format!("the year must be a projected year, {first}..{last}"));
            }
            Ok(Output::Value { metric, region: region_index(input, region)?, year })
        }
        _ => Err(bad()),
    }
}
