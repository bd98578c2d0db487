//! Monte Carlo over a scenario's uncertain parameters.

use rayon::prelude::*;
use serde::Serialize;
use suanli_nation::claims::{Test, Verdict};
use suanli_nation::sliders::Sliders;
use suanli_nation::{Binding, History, Outcome, Simulation};
use suanli_scenario::model::NationInput;
use suanli_scenario::uncertainty::Uncertainty;

use crate::draw::uniforms;
use crate::output::{passing_year, Metric};
use crate::sketch::Sketch;

/// Draws per unit of parallel work and per progress report.
const BLOCK_DRAWS: u64 = 1024;

/// A scenario made ready for many draws: its history is run once.
pub struct Model<'a> {
    input: &'a NationInput,
    uncertainty: &'a Uncertainty,
    history: History,
    /// Changes applied on top of every draw (the dashboard's sliders).
    sliders: Option<Sliders>,
}

/// Per-thread buffers of [`Model`] runs.
pub struct Scratch {
    /// The scenario with a draw and the sliders applied (used only with sliders; without
    /// them a draw goes straight into `sim`'s parameters).
    input: NationInput,
    sim: Simulation,
    /// Uniforms of the current draw.
    pub u: Vec<f64>,
}

impl<'a> Model<'a> {
    /// Runs the history of `input` (the years up to calibration, which no draw changes).
    pub fn new(input: &'a NationInput, uncertainty: &'a Uncertainty) -> Self {
        Model { input, uncertainty, history: History::new(input), sliders: None }
    }

    /// Like [`Model::new`], with `sliders` applied on top of every draw: a slider moves
    /// the uncertain parameters' draws as it moves the deterministic values.
    pub fn with_sliders(input: &'a NationInput, uncertainty: &'a Uncertainty, sliders: Sliders) -> Self {
        let sliders = (sliders != Sliders::default()).then_some(sliders);
        Model { input, uncertainty, history: History::new(input), sliders }
    }

    /// The uncertain parameters.
    pub fn uncertainty(&self) -> &Uncertainty {
        self.uncertainty
    }

    /// The deterministic scenario.
    pub fn input(&self) -> &NationInput {
        self.input
    }

    /// Buffers for one thread.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            input: self.input.clone(),
            sim: self.history.scratch(),
            u: vec![0.5; self.uncertainty.dimension()],
        }
    }

    /// Runs the model with the uniforms in `s.u`.
    pub fn run<'s>(&self, s: &'s mut Scratch) -> &'s Outcome {
        if let Some(sliders) = &self.sliders {
            // Sliders change values the draw does not rewrite: start from the scenario.
            s.input.clone_from(self.input);
            self.uncertainty.apply(&s.u, &mut s.input);
            sliders.apply(&mut s.input);
            self.history.project(&s.input, &mut s.sim)
        } else {
            // The draw goes straight into the engine's rows of parameters, which hold the
            // scenario's values everywhere else (every value a draw touches, it rewrites).
            self.uncertainty.apply_to(&s.u, s.sim.parameters_mut());
            self.history.project_parameters(self.input, &mut s.sim)
        }
    }

    /// Runs draw `index` of `seed` (stream 0).
    pub fn run_draw<'s>(&self, seed: u64, index: u64, s: &'s mut Scratch) -> &'s Outcome {
        uniforms(seed, 0, index, &mut s.u);
        self.run(s)
    }
}

/// Pairs reported by default, (leader, follower) region ids: the headline races.
pub const DEFAULT_PAIRS: [(&str, &str); 2] = [("china", "united_states"), ("china", "rest_of_world")];

/// [`DEFAULT_PAIRS`] as region indices of `input`; pairs whose regions it lacks are left out.
pub fn default_pairs(input: &NationInput) -> Vec<(usize, usize)> {
    let find = |id: &str| input.regions.iter().position(|r| r.id == id);
    DEFAULT_PAIRS.iter().filter_map(|(a, b)| Some((find(a)?, find(b)?))).collect()
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct McConfig {
    /// Number of draws.
    pub draws: u64,
    /// Seed of the random streams.
    pub seed: u64,
    /// Pairs of region indices (leader, follower) whose lead probability is reported.
    pub pairs: Vec<(usize, usize)>,
    /// Claims (id, compiled test) whose verdicts are counted over the draws.
    pub claims: Vec<(String, Test)>,
}

/// Share of draws in which a claim holds, holds in part, or fails (in the order of
/// [`McConfig::claims`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClaimOdds {
    /// Claim id.
    pub id: String,
    /// Share of draws in which the claim holds.
    pub holds: f64,
    /// Share in which it holds in part.
    pub partly: f64,
    /// Share in which it fails.
    pub fails: f64,
}

/// Percentiles of one metric of one region in one year.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PercentileRow {
    /// Region name.
    pub region: String,
    /// Calendar year.
    pub year: i32,
    /// Metric name (`effective_flops` FLOP/s, `generation_twh` TWh, `dc_electricity_twh` TWh).
    pub metric: &'static str,
    /// 5th percentile.
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Probability that `leader` has more effective compute than `follower` in `year`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LeadRow {
    /// Region name.
    pub leader: String,
    /// Region name.
    pub follower: String,
    /// Calendar year.
    pub year: i32,
    /// Share of draws in which the leader leads.
    pub p: f64,
}

/// Probability of each binding constraint in a region-year.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BindingRow {
    /// Region name.
    pub region: String,
    /// Calendar year.
    pub year: i32,
    /// Share of draws in which power binds.
    pub power: f64,
    /// Share of draws in which chip supply binds.
    pub chips: f64,
    /// Share of draws in which capital binds.
    pub capital: f64,
}

/// Distribution of the year from which `leader` stays ahead of `follower`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PassingRow {
    /// Region name.
    pub leader: String,
    /// Region name.
    pub follower: String,
    /// Share of draws in which the leader is ahead from this year on, by year (first
    /// projected year to the last); a draw counts in one year only.
    pub by_year: Vec<(i32, f64)>,
    /// Share of draws in which the leader is not ahead in the last year.
    pub never: f64,
    /// Median year, or `None` if in at least half the draws it never passes.
    pub median_year: Option<i32>,
}

/// Everything a Monte Carlo run reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct McResult {
    /// Scenario name.
    pub scenario: String,
    /// Number of draws.
    pub draws: u64,
    /// Seed.
    pub seed: u64,
    /// Number of independent uncertain factors.
    pub factors: usize,
    /// Relative accuracy of the percentiles (the sketch's half bucket width).
    pub percentile_relative_accuracy: f64,
    /// Percentiles by region, year and metric (years up to calibration are data: all
    /// percentiles equal).
    pub percentiles: Vec<PercentileRow>,
    /// Lead probabilities by pair and year.
    pub lead_probability: Vec<LeadRow>,
    /// Binding-constraint probabilities by region and year (projected years).
    pub binding_probability: Vec<BindingRow>,
    /// When each pair's leader passes its follower.
    pub passing_year: Vec<PassingRow>,
    /// Verdict shares of each claim of [`McConfig::claims`], in order.
    pub claims: Vec<ClaimOdds>,
}

/// Integer tallies of a set of draws; adding them is exact, so the order of merging does
/// not matter.
#[derive(Debug, Clone, PartialEq)]
struct Tally {
    /// [metric][region][projected year].
    sketches: Vec<Sketch>,
    /// [pair][projected year].
    leads: Vec<u64>,
    /// [region][projected year][binding].
    binding: Vec<u64>,
    /// [pair][projected year + never].
    passing: Vec<u64>,
    /// [claim][verdict: holds, partly, fails].
    verdicts: Vec<u64>,
}

impl Tally {
    fn new(regions: usize, projected: usize, pairs: usize, claims: usize) -> Self {
        Tally {
            sketches: vec![Sketch::default(); Metric::ALL.len() * regions * projected],
            leads: vec![0; pairs * projected],
            binding: vec![0; regions * projected * 3],
            passing: vec![0; pairs * (projected + 1)],
            verdicts: vec![0; claims * 3],
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        self.sketches.iter_mut().zip(&other.sketches).for_each(|(a, b)| a.merge(b));
        for (a, b) in [
            (&mut self.leads, &other.leads),
            (&mut self.binding, &other.binding),
            (&mut self.passing, &other.passing),
            (&mut self.verdicts, &other.verdicts),
        ] {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self
    }

    /// Counts one run's outcome.
    fn add(&mut self, o: &Outcome, first: usize, pairs: &[(usize, usize)], claims: &[(String, Test)]) {
        for (c, (_, test)) in claims.iter().enumerate() {
            let v = match test.verdict(o) {
                Verdict::Holds => 0,
                Verdict::Partly => 1,
                Verdict::Fails => 2,
            };
            self.verdicts[c * 3 + v] += 1;
        }
        let projected = o.years - first;
        // Region-major series, each region's projected years tallied by its run of sketches.
        let mut sketches = self.sketches.chunks_exact_mut(projected);
        for metric in Metric::ALL {
            // Values first: zip stops on them without taking the next metric's sketches.
            for (v_r, s_r) in metric.values(o).chunks_exact(o.years).zip(sketches.by_ref()) {
                s_r.iter_mut().zip(&v_r[first..]).for_each(|(s, &v)| s.add(v));
            }
        }
        for (c_r, b_r) in self.binding.chunks_exact_mut(3 * projected).zip(o.binding.chunks_exact(o.years)) {
            for (c, &b) in c_r.chunks_exact_mut(3).zip(&b_r[first..]) {
                c[b as usize] += 1;
            }
        }
        let first_year = o.first_year + first as i32;
        for (p, &(a, b)) in pairs.iter().enumerate() {
            for i in first..o.years {
                if o.effective_flops[a * o.years + i] > o.effective_flops[b * o.years + i] {
                    self.leads[p * projected + i - first] += 1;
                }
            }
            let year = passing_year(o, a, b, first_year);
            self.passing[p * (projected + 1) + (year - first_year) as usize] += 1;
        }
    }
}

/// Runs `config.draws` draws of `model` in parallel. `progress` is called with the number
/// of draws finished since its last call, from any thread.
pub fn monte_carlo(model: &Model<'_>, config: &McConfig, progress: &(dyn Fn(u64) + Sync)) -> McResult {
    let input = model.input;
    let first = input.calibration_index() + 1;
    let projected = input.years() - first;
    let regions = input.regions.len() + 1;
    let pairs = &config.pairs;
    let blocks = config.draws.div_ceil(BLOCK_DRAWS);
    let tally = (0..blocks)
        .into_par_iter()
        .fold(
            || (model.scratch(), Tally::new(regions, projected, pairs.len(), config.claims.len())),
            |(mut scratch, mut tally), b| {
                let end = ((b + 1) * BLOCK_DRAWS).min(config.draws);
                for index in b * BLOCK_DRAWS..end {
                    let o = model.run_draw(config.seed, index, &mut scratch);
                    tally.add(o, first, pairs, &config.claims);
                }
                progress(end - b * BLOCK_DRAWS);
                (scratch, tally)
            },
        )
        .map(|(_, t)| t)
        .reduce(|| Tally::new(regions, projected, pairs.len(), config.claims.len()), Tally::merge);
    summarise(model, config, &tally)
}

fn summarise(model: &Model<'_>, config: &McConfig, t: &Tally) -> McResult {
    let input = model.input;
    let mut deterministic = input.clone();
    if let Some(sliders) = &model.sliders {
        sliders.apply(&mut deterministic);
    }
    let base = suanli_nation::simulate(&deterministic);
    let first = input.calibration_index() + 1;
    let projected = input.years() - first;
    let regions = base.regions.len();
    let n = config.draws.max(1) as f64;
    let mut percentiles = Vec::new();
    for r in 0..regions {
        for (m, metric) in Metric::ALL.into_iter().enumerate() {
            for i in 0..input.years() {
                let year = input.first_year + i as i32;
                let q = |p: f64| {
                    if i < first {
                        metric.values(&base)[r * input.years() + i]
                    } else {
                        t.sketches[(m * regions + r) * projected + i - first].quantile(p).unwrap_or(f64::NAN)
                    }
                };
                percentiles.push(PercentileRow {
                    region: base.regions[r].clone(),
                    year,
                    metric: metric.as_str(),
                    p5: q(0.05),
                    p25: q(0.25),
                    p50: q(0.5),
                    p75: q(0.75),
                    p95: q(0.95),
                });
            }
        }
    }
    let year_of = |i: usize| input.first_year + (first + i) as i32;
    let mut lead_probability = Vec::new();
    let mut passing_year = Vec::new();
    for (p, &(a, b)) in config.pairs.iter().enumerate() {
        for i in 0..projected {
            lead_probability.push(LeadRow {
                leader: base.regions[a].clone(),
                follower: base.regions[b].clone(),
                year: year_of(i),
                p: t.leads[p * projected + i] as f64 / n,
            });
        }
        let counts = &t.passing[p * (projected + 1)..][..projected + 1];
        let mut seen = 0;
        let median_year = counts[..projected].iter().enumerate().find_map(|(i, &c)| {
            seen += c;
            (2 * seen >= config.draws).then(|| year_of(i))
        });
        passing_year.push(PassingRow {
            leader: base.regions[a].clone(),
            follower: base.regions[b].clone(),
            by_year: (0..projected).map(|i| (year_of(i), counts[i] as f64 / n)).collect(),
            never: counts[projected] as f64 / n,
            median_year,
        });
    }
    let mut binding_probability = Vec::new();
    for r in 0..regions {
        for i in 0..projected {
            let c = &t.binding[(r * projected + i) * 3..][..3];
            binding_probability.push(BindingRow {
                region: base.regions[r].clone(),
                year: year_of(i),
                power: c[Binding::Power as usize] as f64 / n,
                chips: c[Binding::Chips as usize] as f64 / n,
                capital: c[Binding::Capital as usize] as f64 / n,
            });
        }
    }
    let claims = t
        .verdicts
        .chunks(3)
        .zip(&config.claims)
        .map(|(c, (id, _))| ClaimOdds {
            id: id.clone(),
            holds: c[0] as f64 / n,
            partly: c[1] as f64 / n,
            fails: c[2] as f64 / n,
        })
        .collect();
    McResult {
        claims,
        scenario: input.name.clone(),
        draws: config.draws,
        seed: config.seed,
        factors: model.uncertainty.factors.len(),
        percentile_relative_accuracy: crate::sketch::RELATIVE_ACCURACY,
        percentiles,
        lead_probability,
        binding_probability,
        passing_year,
    }
}
