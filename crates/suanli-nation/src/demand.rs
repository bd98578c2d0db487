//! What a demand programme needs: compute by year, region and category, and the
//! accelerators and power that compute takes under a scenario's chips, PUE and load factor.
//!
//! For a training or fine-tuning item in year t:
//!   FLOP/yr = runs_per_year x FLOP per run x overhead, FLOP per run = tokens x 6 N (or as
//!   given); its hardware runs all year, so peak = mean = FLOP/yr / seconds per year, and
//!   hardware FLOP/s = mean / utilisation.
//! For an application:
//!   tokens/yr = users x adoption x requests_per_day x tokens_per_request x 365,
//!   FLOP/yr = tokens/yr x 2 N (or as given); interactive work is served at its busiest hour
//!   (peak = mean x peak_to_mean), batch work waits for spare hours (peak = mean); hardware
//!   FLOP/s = peak / utilisation.
//! Accelerators are hardware FLOP/s over one H100's; power is hardware FLOP/s times the watts
//! per FLOP/s of the region's fleet that year (all-in: server overhead and PUE, as the nation
//! model draws them); energy is power x the region's load factor x 8,760 h.

pub mod cover;

use serde::Serialize;
use suanli_scenario::model::NationInput;
use suanli_scenario::parse::Loc;
use suanli_scenario::programme::{Latency, Programme, RunCompute, RunKind, TokenCompute};
use suanli_scenario::ScenarioError;

use crate::outcome::{Outcome, H100_FLOPS};

/// Seconds in the model's year (8,760 h, as the nation model's TWh = GW x 8.76).
pub const SECONDS_PER_YEAR: f64 = 8760.0 * 3600.0;
/// Days in the model's year.
const DAYS_PER_YEAR: f64 = 365.0;
/// Training FLOP per parameter per token: 6 (forward and backward pass; Kaplan et al.
/// 2020, "Scaling Laws for Neural Language Models").
pub const TRAINING_FLOP_PER_PARAMETER: f64 = 6.0;
/// Inference FLOP per parameter per token: 2 (forward pass; Kaplan et al. 2020).
pub const INFERENCE_FLOP_PER_PARAMETER: f64 = 2.0;

/// What the compute is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Pre-training runs.
    Training,
    /// Fine-tuning runs.
    Finetuning,
    /// Interactive inference (sized at the busiest hour, bound to its users' latency).
    InferenceInteractive,
    /// Batch inference (sized at its mean, placeable anywhere).
    InferenceBatch,
}

impl Category {
    /// Every category, in output order.
    pub const ALL: [Category; 4] =
        [Category::Training, Category::Finetuning, Category::InferenceInteractive, Category::InferenceBatch];

    /// Name in tables, JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Training => "training",
            Category::Finetuning => "finetuning",
            Category::InferenceInteractive => "inference_interactive",
            Category::InferenceBatch => "inference_batch",
        }
    }

    /// Whether the work can run at any site and hour (the network's training quota).
    pub fn is_flexible(self) -> bool {
        self != Category::InferenceInteractive
    }
}

/// A programme tied to a scenario: items' regions as indices, years checked.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The programme.
    pub programme: &'a Programme,
    /// Scenario region index of each run, then of each application.
    run_regions: Vec<usize>,
    app_regions: Vec<usize>,
    /// Scenario region indices the programme uses, in first-use order.
    pub regions: Vec<usize>,
}

/// Ties `programme` to the scenario `input`: every item's region must be one of its
/// regions, and the programme's years within its years. Problems are located in the
/// programme file.
pub fn prepare<'a>(programme: &'a Programme, input: &NationInput) -> Result<Prepared<'a>, ScenarioError> {
    let mut errors = Vec::new();
    let ids: Vec<&str> = input.regions.iter().map(|r| r.id.as_str()).collect();
    let mut find = |region: &str, loc: &Loc| match ids.iter().position(|id| *id == region) {
        Some(i) => i,
        None => {
            errors.push(
                loc.error(format!("unknown region `{region}` in scenario `{}`", input.name))
                    .with_hint(format!("regions are {}", ids.join(", "))),
            );
            0
        }
    };
    let run_regions: Vec<usize> = programme.runs.iter().map(|r| find(&r.region, &r.loc)).collect();
    let app_regions: Vec<usize> = programme.applications.iter().map(|a| find(&a.region, &a.loc)).collect();
    if programme.first_year < input.first_year || programme.last_year > input.last_year {
        errors.push(
            programme
                .loc
                .error(format!(
                    "the programme's years {}..{} are outside scenario `{}`'s {}..{}",
                    programme.first_year, programme.last_year, input.name, input.first_year, input.last_year
                ))
                .with_hint("set `first_year` and `last_year` within the scenario's years"),
        );
    }
    if !errors.is_empty() {
        return Err(ScenarioError { diagnostics: errors });
    }
    let mut regions = Vec::new();
    for &r in run_regions.iter().chain(&app_regions) {
        if !regions.contains(&r) {
            regions.push(r);
        }
    }
    Ok(Prepared { programme, run_regions, app_regions, regions })
}

/// One item's compute in a year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Need {
    /// Index of the item: runs first, then applications, in file order.
    pub item: usize,
    /// Scenario region index.
    pub region: usize,
    /// What it is for.
    pub category: Category,
    /// Useful FLOP per year.
    pub flop_per_year: f64,
    /// Useful FLOP/s, mean over the year.
    pub mean_flops: f64,
    /// Useful FLOP/s the hardware is sized for.
    pub peak_flops: f64,
    /// Peak hardware FLOP/s (dense 16-bit) needed: peak over utilisation.
    pub hardware_flops: f64,
}

impl Prepared<'_> {
    /// Calls `each` with every item's need in `year` under the uniforms `u` (empty: the
    /// deterministic values).
    pub fn needs(&self, year: i32, u: &[f64], mut each: impl FnMut(Need)) {
        let per_token = |t: &TokenCompute, factor: f64| match t {
            TokenCompute::Parameters(n) => factor * n.at(year, u),
            TokenCompute::FlopPerToken(f) => f.at(year, u),
        };
        let runs = self.programme.runs.len();
        for (k, (item, &region)) in self.programme.runs.iter().zip(&self.run_regions).enumerate() {
            let per_run = match &item.compute {
                RunCompute::Tokens { tokens, per_token: t } => {
                    tokens.at(year, u) * per_token(t, TRAINING_FLOP_PER_PARAMETER)
                }
                RunCompute::Flop(f) => f.at(year, u),
            };
            let flop = item.runs_per_year.at(year, u) * per_run * item.overhead.at(year, u);
            let mean = flop / SECONDS_PER_YEAR;
            let category = match item.kind {
                RunKind::Training => Category::Training,
                RunKind::FineTuning => Category::Finetuning,
            };
            each(Need {
                item: k,
                region,
                category,
                flop_per_year: flop,
                mean_flops: mean,
                peak_flops: mean,
                hardware_flops: mean / item.utilisation.at(year, u),
            });
        }
        for (k, (app, &region)) in self.programme.applications.iter().zip(&self.app_regions).enumerate() {
            let tokens = app.users.at(year, u)
                * app.adoption.at(year, u)
                * app.requests_per_day.at(year, u)
                * app.tokens_per_request.at(year, u)
                * DAYS_PER_YEAR;
            let flop = tokens * per_token(&app.per_token, INFERENCE_FLOP_PER_PARAMETER);
            let mean = flop / SECONDS_PER_YEAR;
            let (category, peak) = match app.latency {
                Latency::Interactive => (Category::InferenceInteractive, mean * app.peak_to_mean.at(year, u)),
                Latency::Batch => (Category::InferenceBatch, mean),
            };
            each(Need {
                item: runs + k,
                region,
                category,
                flop_per_year: flop,
                mean_flops: mean,
                peak_flops: peak,
                hardware_flops: peak / app.utilisation.at(year, u),
            });
        }
    }
}

/// The demand of one region, year and category (or `total`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandRow {
    /// Region name.
    pub region: String,
    /// Year.
    pub year: i32,
    /// Category name, or `total`.
    pub category: &'static str,
    /// Useful FLOP per year.
    pub flop_per_year: f64,
    /// Useful FLOP/s, mean over the year.
    pub mean_flops: f64,
    /// Useful FLOP/s at the busiest hour (training and batch: the mean).
    pub peak_flops: f64,
    /// Peak hardware FLOP/s (dense 16-bit) needed.
    pub hardware_flops: f64,
    /// Accelerators needed, H100-equivalents.
    pub h100e: f64,
    /// IT power of those accelerators at full draw (with server overhead), GW.
    pub it_power_gw: f64,
    /// All-in power at full draw (times PUE), GW.
    pub power_gw: f64,
    /// Electricity per year at the region's load factor, TWh.
    pub energy_twh: f64,
}

/// One item's demand in a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRow {
    /// Item name, e.g. `training.general-models`.
    pub item: String,
    /// Region name.
    pub region: String,
    /// Year.
    pub year: i32,
    /// Category name.
    pub category: &'static str,
    /// Useful FLOP per year.
    pub flop_per_year: f64,
    /// Accelerators needed, H100-equivalents.
    pub h100e: f64,
}

impl Prepared<'_> {
    /// Name of item `k` of [`Need::item`], as `section.name`.
    pub fn item_name(&self, k: usize) -> String {
        let prog = self.programme;
        match prog.runs.get(k) {
            Some(r) => format!("{}.{}", r.kind.as_str(), r.id),
            None => format!("applications.{}", prog.applications[k - prog.runs.len()].id),
        }
    }

    /// Every item's deterministic demand in `year`, largest first.
    pub fn items(&self, input: &NationInput, year: i32) -> Vec<ItemRow> {
        let mut rows = Vec::new();
        self.needs(year, &[], |n| {
            rows.push(ItemRow {
                item: self.item_name(n.item),
                region: input.regions[n.region].name.clone(),
                year,
                category: n.category.as_str(),
                flop_per_year: n.flop_per_year,
                h100e: n.hardware_flops / H100_FLOPS,
            })
        });
        rows.sort_by(|a, b| b.h100e.total_cmp(&a.h100e));
        rows
    }
}

/// Watts (all-in) and IT watts per hardware FLOP/s of a region's fleet in a year; an
/// error when the region has no fleet that year (or the year is outside the scenario).
pub fn watts_per_flops(
    input: &NationInput,
    outcome: &Outcome,
    region: usize,
    year: i32,
) -> Result<(f64, f64), String> {
    let i = outcome.at(region, year);
    match input.year_index(year) {
        Some(y) if outcome.installed_flops[i] > 0.0 => {
            let all_in = outcome.ai_power_demand_gw[i] * 1e9 / outcome.installed_flops[i];
            Ok((all_in, all_in / input.regions[region].pue[y]))
        }
        _ => Err(format!(
            "{} has no accelerators in {year} in scenario `{}`: no watts per FLOP/s to use",
            input.regions[region].name, input.name
        )),
    }
}

/// Rows by region, year and category (then `total` per region-year), deterministic or
/// under the uniforms `u` of a draw. Errors when a region has no fleet in a year, so that
/// no watts per FLOP/s can be read from it.
pub fn demand_rows(
    p: &Prepared<'_>,
    input: &NationInput,
    outcome: &Outcome,
    u: &[f64],
) -> Result<Vec<DemandRow>, String> {
    let prog = p.programme;
    let cats = Category::ALL.len();
    let mut rows = Vec::new();
    for &r in &p.regions {
        for year in prog.first_year..=prog.last_year {
            let mut sums = vec![[0.0; 4]; cats];
            p.needs(year, u, |n| {
                if n.region == r {
                    let s = &mut sums[n.category as usize];
                    s[0] += n.flop_per_year;
                    s[1] += n.mean_flops;
                    s[2] += n.peak_flops;
                    s[3] += n.hardware_flops;
                }
            });
            let region = &input.regions[r];
            let (w_all_in, w_it) = watts_per_flops(input, outcome, r, year)?;
            let load_factor = region.load_factor[input.year_index(year).unwrap_or(0)];
            let row = |category: &'static str, s: [f64; 4]| DemandRow {
                region: region.name.clone(),
                year,
                category,
                flop_per_year: s[0],
                mean_flops: s[1],
                peak_flops: s[2],
                hardware_flops: s[3],
                h100e: s[3] / H100_FLOPS,
                it_power_gw: s[3] * w_it / 1e9,
                power_gw: s[3] * w_all_in / 1e9,
                energy_twh: s[3] * w_all_in / 1e9 * load_factor * 8.76,
            };
            let mut total = [0.0; 4];
            for (c, s) in Category::ALL.iter().zip(&sums) {
                if s[3] > 0.0 || s[0] > 0.0 {
                    rows.push(row(c.as_str(), *s));
                }
                total.iter_mut().zip(s).for_each(|(t, x)| *t += x);
            }
            rows.push(row("total", total));
        }
    }
    Ok(rows)
}

/// A programme's load on a network of one region in a year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkLoad {
    /// Interactive inference, MW of IT averaged over the year: the hardware that serves the
    /// mean at its utilisation, at the region's IT watts per FLOP/s.
    pub inference_it_mw: f64,
    /// Training, fine-tuning and batch inference, H100-hours per year (hardware running all
    /// year).
    pub flexible_h100_hours: f64,
}

/// The load the programme's items in `region` put on a network in `year`.
pub fn network_load(
    p: &Prepared<'_>,
    input: &NationInput,
    outcome: &Outcome,
    region: usize,
    year: i32,
    u: &[f64],
) -> Result<NetworkLoad, String> {
    let (_, w_it) = watts_per_flops(input, outcome, region, year)?;
    let mut load = NetworkLoad { inference_it_mw: 0.0, flexible_h100_hours: 0.0 };
    p.needs(year, u, |n| {
        if n.region != region {
            return;
        }
        if n.category.is_flexible() {
            load.flexible_h100_hours += n.hardware_flops / H100_FLOPS * 8760.0;
        } else if n.peak_flops > 0.0 {
            load.inference_it_mw += n.hardware_flops * n.mean_flops / n.peak_flops * w_it / 1e6;
        }
    });
    Ok(load)
}

#[cfg(test)]
mod tests;
