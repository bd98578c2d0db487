//! `suanli mc` and `suanli sensitivity`: the nation model under uncertainty.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use suanli_mc::output::{parse_output, region_index, Output};
use suanli_mc::run::{default_pairs, monte_carlo, McConfig, McResult, Model};
use suanli_mc::sensitivity::{sobol, tornado, Sobol, Tornado};
use suanli_nation::claims::compile;
use suanli_nation::simulate;
use suanli_scenario::resolve::Resolved;

use crate::error::CliError;
use crate::load::{load_data, load_scenario};
use crate::output::{csv_text, emit, json_text};
use crate::race::ATTRIBUTION;
use crate::table::{num, pct, Table};
use crate::Format;

/// A progress bar on stderr that appears once a run has taken a second, and never when
/// `quiet` or when stderr is not a terminal.
pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    shown: OnceLock<()>,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(total: u64, what: &str, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{what} {{bar:30}} {{human_pos}}/{{human_len}} ({{per_sec}}, eta {{eta}})"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            start: Instant::now(),
            shown: OnceLock::new(),
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    pub(crate) fn advance(&self, n: u64) {
        self.bar.inc(n);
        if self.enabled && self.start.elapsed() > Duration::from_secs(1) {
            self.shown.get_or_init(|| self.bar.set_draw_target(ProgressDrawTarget::stderr()));
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn parse_pair(r: &Resolved, s: &str) -> Result<(usize, usize), CliError> {
    let (a, b) = s.split_once(':').ok_or_else(|| {
        CliError::Usage(format!("`--pair {s}`: write LEADER:FOLLOWER, e.g. china:united_states"))
    })?;
    let index = |name: &str| region_index(&r.input, name).map_err(CliError::Usage);
    Ok((index(a)?, index(b)?))
}

fn no_uncertainty(r: &Resolved) -> CliError {
    CliError::Usage(format!(
        "scenario `{}` has no uncertain parameter: add `uncertain = {{ dist = ... }}` to a value, or extend `baseline` (see docs/uncertainty.md)",
        r.input.name
    ))
}

/// `suanli mc`.
#[allow(clippy::too_many_arguments)]
pub fn run_mc(
    scenario: &str,
    draws: u64,
    seed: u64,
    pairs: &[String],
    format: Format,
    quiet: bool,
    out: Option<&Path>,
) -> Result<(), CliError> {
    if draws == 0 {
        return Err(CliError::Usage("`--draws` must be at least 1".into()));
    }
    let data = load_data()?;
    let resolved = load_scenario(scenario, &data)?;
    if resolved.uncertainty.is_empty() {
        return Err(no_uncertainty(&resolved));
    }
    let mut pair_idx = default_pairs(&resolved.input);
    for p in pairs {
        let p = parse_pair(&resolved, p)?;
        if !pair_idx.contains(&p) {
            pair_idx.push(p);
        }
    }
    // Claims about years the scenario does not cover are left out.
    let claims = crate::claims_cmd::builtin_claims()?
        .iter()
        .filter_map(|c| compile(c, &resolved.input).ok().map(|t| (c.id.clone(), t)))
        .collect();
    let model = Model::new(&resolved.input, &resolved.uncertainty);
    let progress = Progress::new(draws, "draws", quiet);
    let result =
        monte_carlo(&model, &McConfig { draws, seed, pairs: pair_idx, claims }, &|n| progress.advance(n));
    progress.finish();
    let text = match format {
        Format::Json => json_text(&result)?,
        Format::Csv => csv_text(&result.percentiles)?,
        Format::Table => mc_table(&result),
    };
    emit(&text, out)
}

/// Years shown in tables: the first projected year, then every fifth.
fn table_years(first: i32, last: i32) -> Vec<i32> {
    let mut years: Vec<i32> = (first..=last).filter(|y| y % 5 == 0 || *y == first).collect();
    if years.last() != Some(&last) {
        years.push(last);
    }
    years
}

fn mc_table(r: &McResult) -> String {
    let years: Vec<i32> = {
        let first = r.binding_probability.first().map_or(2025, |b| b.year);
        let last = r.binding_probability.last().map_or(2040, |b| b.year);
        table_years(first, last)
    };
    let mut s = format!(
        "scenario: {} — {} draws, seed {}, {} uncertain factors (percentiles within {:.1} %)\n\n",
        r.scenario,
        r.draws,
        r.seed,
        r.factors,
        r.percentile_relative_accuracy * 100.0
    );
    let mut t = Table::new(&[
        "region",
        "year",
        "eff. EFLOP/s p5",
        "p50",
        "p95",
        "gen. TWh p50",
        "DC TWh p5",
        "p50",
        "p95",
        "P(power binds)",
    ]);
    let find = |region: &str, year: i32, metric: &str| {
        r.percentiles.iter().find(|p| p.region == region && p.year == year && p.metric == metric)
    };
    let regions: Vec<&str> = {
        let mut v: Vec<&str> = r.percentiles.iter().map(|p| p.region.as_str()).collect();
        v.dedup();
        v
    };
    for region in &regions {
        for &y in &years {
            let (Some(e), Some(g), Some(d)) = (
                find(region, y, "effective_flops"),
                find(region, y, "generation_twh"),
                find(region, y, "dc_electricity_twh"),
            ) else {
                continue;
            };
            let power = r
                .binding_probability
                .iter()
                .find(|b| b.region == *region && b.year == y)
                .map_or(0.0, |b| b.power);
            t.row(vec![
                region.to_string(),
                y.to_string(),
                num(e.p5 / 1e18, 1),
                num(e.p50 / 1e18, 1),
                num(e.p95 / 1e18, 1),
                num(g.p50, 0),
                num(d.p5, 0),
                num(d.p50, 0),
                num(d.p95, 0),
                pct(power),
            ]);
        }
    }
    s.push_str(&t.render());
    s.push_str("\nprobability that the first region has more effective compute:\n\n");
    let mut header = vec!["leader", "follower"];
    let year_labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    header.extend(year_labels.iter().map(String::as_str));
    header.push("median year ahead for good");
    let mut t = Table::new(&header);
    for p in &r.passing_year {
        let mut row = vec![p.leader.clone(), p.follower.clone()];
        for &y in &years {
            let l = r
                .lead_probability
                .iter()
                .find(|l| l.leader == p.leader && l.follower == p.follower && l.year == y);
            row.push(l.map_or("-".into(), |l| pct(l.p)));
        }
        row.push(
            p.median_year
                .map_or(format!("not by {} ({} never)", years.last().unwrap_or(&0), pct(p.never)), |y| {
                    y.to_string()
                }),
        );
        t.row(row);
    }
    s.push_str(&t.render());
    s.push_str("\nbuilt-in claims (`suanli claims`) over the draws:\n\n");
    let mut t = Table::new(&["claim", "holds", "partly", "fails"]);
    for c in &r.claims {
        t.row(vec![c.id.clone(), pct(c.holds), pct(c.partly), pct(c.fails)]);
    }
    s.push_str(&t.render());
    s.push_str(&format!("\n{ATTRIBUTION}\n"));
    s
}

/// Sensitivity of one output.
#[derive(Serialize)]
struct Analysis {
    output: String,
    tornado: Tornado,
    sobol: Sobol,
}

#[derive(Serialize)]
struct SensitivityReport {
    scenario: String,
    seed: u64,
    tornado_quantiles: (f64, f64),
    analyses: Vec<Analysis>,
}

/// `suanli sensitivity`.
pub fn run_sensitivity(
    scenario: &str,
    outputs: &[String],
    samples: usize,
    seed: u64,
    format: Format,
    quiet: bool,
    out: Option<&Path>,
) -> Result<(), CliError> {
    if samples < 2 {
        return Err(CliError::Usage("`--samples` must be at least 2".into()));
    }
    let data = load_data()?;
    let resolved = load_scenario(scenario, &data)?;
    if resolved.uncertainty.is_empty() {
        return Err(no_uncertainty(&resolved));
    }
    let specs: Vec<String> = if outputs.is_empty() {
        vec!["passing-year:china:united_states".into(), "effective_flops:china:2030".into()]
    } else {
        outputs.to_vec()
    };
    let parsed: Vec<Output> = specs
        .iter()
        .map(|s| {
            parse_output(&resolved.input, s).map_err(|e| CliError::Usage(format!("`--output {s}`: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let model = Model::new(&resolved.input, &resolved.uncertainty);
    let base = simulate(&resolved.input);
    let k = resolved.uncertainty.factors.len() as u64;
    let progress = Progress::new(parsed.len() as u64, "outputs", quiet);
    if !quiet && std::io::stderr().is_terminal() {
        eprintln!("sensitivity: {} outputs x {samples} samples x {} runs", parsed.len(), k + 2);
    }
    let analyses = parsed
        .iter()
        .map(|o| {
            let a = Analysis {
                output: o.label(&base),
                tornado: tornado(&model, o),
                sobol: sobol(&model, o, samples, seed),
            };
            progress.advance(1);
            a
        })
        .collect();
    progress.finish();
    let report = SensitivityReport {
        scenario: resolved.input.name.clone(),
        seed,
        tornado_quantiles: (suanli_mc::sensitivity::TORNADO_LOW, suanli_mc::sensitivity::TORNADO_HIGH),
        analyses,
    };
    let text = match format {
        Format::Json => json_text(&report)?,
        Format::Table | Format::Csv => sensitivity_table(&report),
    };
    emit(&text, out)
}

fn sensitivity_table(r: &SensitivityReport) -> String {
    let mut s = format!("scenario: {}\n", r.scenario);
    for a in &r.analyses {
        let scale = |v: f64| if a.output.starts_with("effective_flops") { v / 1e18 } else { v };
        let unit = if a.output.starts_with("effective_flops") { " (EFLOP/s)" } else { "" };
        s.push_str(&format!(
            "\n{}{unit}: {} with every factor at its median; Sobol over {} samples: mean {}, sd {}\n\n",
            a.output,
            num(scale(a.tornado.base), 1),
            a.sobol.base_samples,
            num(scale(a.sobol.mean), 1),
            num(scale(a.sobol.variance.sqrt()), 1)
        ));
        let mut t = Table::new(&["factor", "at p10", "at p90", "swing", "Sobol first", "Sobol total"]);
        let total =
            |factor: &str| a.sobol.indices.iter().find(|i| i.factor == factor).map_or(0.0, |i| i.total);
        let mut bars: Vec<_> = a.tornado.bars.iter().collect();
        // By swing, then (when a swing from the median is zero) by total Sobol index.
        bars.sort_by(|x, y| y.swing.total_cmp(&x.swing).then(total(&y.factor).total_cmp(&total(&x.factor))));
        for bar in bars {
            let idx = a.sobol.indices.iter().find(|i| i.factor == bar.factor);
            t.row(vec![
                bar.factor.clone(),
                num(scale(bar.low), 1),
                num(scale(bar.high), 1),
                num(scale(bar.swing), 1),
                idx.map_or("-".into(), |i| num(i.first_order, 2)),
                idx.map_or("-".into(), |i| num(i.total, 2)),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}
