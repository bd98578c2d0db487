//! Claims: quantitative statements from the public debate, checked against model runs.
//!
//! Each claim gets a verdict under the primary scenario, its value under every scenario
//! given, and — where a single lever can make it true — what would have to change, found
//! by bisection on that lever (for example the growth rate of China's generation needed
//! for "3x the US by 2026").

use serde::{Deserialize, Serialize};
use suanli_scenario::model::NationInput;

use crate::engine::simulate;
use crate::levers::{bisect, bisect_log, with_buying_power, with_domestic_supply, with_generation_growth};
use crate::outcome::{Binding, Outcome};

mod test;
pub use test::{compile, Test};

/// A file of claims (`[[claim]]` tables).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsFile {
    /// The claims.
    pub claim: Vec<Claim>,
}

/// What kind of test a claim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// `numerator / denominator` of a metric in a year equals `expected` within `tolerance`.
    Ratio,
    /// A region's metric exceeds `factor` times another's by `by_year`.
    Exceeds,
    /// One constraint binds more often than another over `from..=to`.
    Binding,
    /// A region's metric passes through `points`.
    Trajectory,
}

/// A model output a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Electricity generation, TWh.
    GenerationTwh,
    /// Effective compute, FLOP/s.
    EffectiveFlops,
    /// Installed compute, FLOP/s.
    InstalledFlops,
    /// Fleet, H100-equivalents.
    FleetH100e,
    /// Data-centre electricity, TWh.
    DcElectricityTwh,
    /// Domestic share of shipments by FLOP/s.
    SelfSufficiency,
    /// Domestic share of shipments by units.
    SelfSufficiencyUnits,
    /// Domestic share of the year's accelerator spending (by value).
    SelfSufficiencyValue,
    /// Domestic share of the installed fleet by FLOP/s.
    DomesticShareInstalled,
    /// Domestic share of the installed fleet by units.
    DomesticShareInstalledUnits,
}

/// One point of a trajectory claim.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Year.
    pub year: i32,
    /// Expected value (within the claim's tolerance).
    pub value: Option<f64>,
    /// Upper bound instead of a value.
    pub at_most: Option<f64>,
    /// Lower bound instead of a value.
    pub at_least: Option<f64>,
}

/// A claim as written in the claims file. Which fields are needed depends on `kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Short identifier.
    pub id: String,
    /// The claim in words.
    pub statement: String,
    /// Who makes it.
    #[serde(default)]
    pub said_by: String,
    /// Kind of test.
    pub kind: ClaimKind,
    /// Metric tested (ratio, exceeds, trajectory).
    pub metric: Option<Metric>,
    /// Ratio numerator region id.
    pub numerator: Option<String>,
    /// Ratio denominator region id.
    pub denominator: Option<String>,
    /// Year of a ratio claim.
    pub year: Option<i32>,
    /// Expected ratio.
    pub expected: Option<f64>,
    /// Relative tolerance (ratio) or absolute tolerance (trajectory).
    pub tolerance: Option<f64>,
    /// Region of an exceeds or trajectory claim.
    pub region: Option<String>,
    /// Region compared against (`rest_of_world_combined`: World minus `region`), or the
    /// competing constraint of a binding claim.
    pub versus: Option<String>,
    /// Factor by which `region` must exceed `versus`.
    pub factor: Option<f64>,
    /// Year by which an exceeds claim must hold.
    pub by_year: Option<i32>,
    /// Constraint of a binding claim (`power`, `chips`, `capital`).
    pub constraint: Option<String>,
    /// First year of a binding claim.
    pub from: Option<i32>,
    /// Last year of a binding claim.
    pub to: Option<i32>,
    /// Points of a trajectory claim.
    pub points: Option<Vec<Point>>,
}

/// Verdict on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The claim holds under the primary scenario.
    Holds,
    /// It holds in part.
    Partly,
    /// It does not hold.
    Fails,
}

impl Verdict {
    /// Lowercase name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Partly => "partly",
            Verdict::Fails => "fails",
        }
    }
}

/// The finding under one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioFinding {
    /// Scenario name.
    pub scenario: String,
    /// The claim's headline number under this scenario.
    pub value: Option<f64>,
    /// Verdict under this scenario.
    pub verdict: Verdict,
    /// The numbers in words.
    pub detail: String,
}

/// A claim checked against the model.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimResult {
    /// Claim id.
    pub id: String,
    /// The claim in words.
    pub statement: String,
    /// Who makes it.
    pub said_by: String,
    /// Kind of test.
    pub kind: ClaimKind,
    /// Primary scenario.
    pub scenario: String,
    /// Verdict under the primary scenario.
    pub verdict: Verdict,
    /// Headline number under the primary scenario (see `value_meaning`).
    pub value: Option<f64>,
    /// What `value` is.
    pub value_meaning: String,
    /// The numbers behind the verdict.
    pub detail: String,
    /// What would have to be true for the claim to hold, where one lever can do it.
    pub needed: Option<String>,
    /// The lever's value in `needed` (a growth rate per year or a multiplier).
    pub needed_value: Option<f64>,
    /// Findings under every scenario evaluated, primary first.
    pub by_scenario: Vec<ScenarioFinding>,
}

/// A claim that cannot be evaluated as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimError {
    /// Id of the claim.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

/// Evaluates claims under `scenarios` (primary first).
pub fn evaluate(claims: &[Claim], scenarios: &[NationInput]) -> Result<Vec<ClaimResult>, ClaimError> {
    let outcomes: Vec<Outcome> = scenarios.iter().map(simulate).collect();
    claims.iter().map(|c| evaluate_one(c, scenarios, &outcomes)).collect()
}

fn evaluate_one(c: &Claim, inputs: &[NationInput], outcomes: &[Outcome]) -> Result<ClaimResult, ClaimError> {
    let test = compile(c, &inputs[0])?;
    let findings: Vec<ScenarioFinding>;
    let (mut needed, mut needed_value) = (None, None);
    let value_meaning: String;
    match &test {
        &Test::Ratio { metric, a, b, year, expected, tolerance: tol } => {
            let ratio = |o: &Outcome| value(o, metric, a, year) / value(o, metric, b, year);
            value_meaning = format!(
                "{} of {} / {} in {year}",
                metric_name(metric),
                o_name(&outcomes[0], a),
                o_name(&outcomes[0], b)
            );
            findings = outcomes
                .iter()
                .map(|o| {
                    let r = ratio(o);
                    finding(
                        o,
                        Some(r),
                        test.verdict(o),
                        format!(
                            "ratio {r:.2} in {year} (claimed {expected}, tolerance {:.0} %)",
                            tol * 100.0
                        ),
                    )
                })
                .collect();
            if findings[0].verdict != Verdict::Holds {
                if metric == Metric::GenerationTwh {
                    let base = &inputs[0];
                    let last = base.regions[a].last_reported_year;
                    if year > last {
                        let solved = bisect(-0.5, 2.0, |g| {
                            ratio(&simulate(&with_generation_growth(base, a, g))) - expected
                        });
                        if let Some(g) = solved {
                            needed = Some(format!(
                                "{}'s generation would have to grow {:.1} %/yr from {last} to {year}, against {:.1} %/yr in the scenario",
                                base.regions[a].name,
                                g * 100.0,
                                base.regions[a].generation_growth_per_year[(last + 1 - base.first_year) as usize] * 100.0
                            ));
                            needed_value = Some(g);
                        }
                    }
                } else if let Some(m) =
                    bisect_log(|m| ratio(&simulate(&with_buying_power(&inputs[0], a, m))) - expected)
                {
                    needed = Some(format!(
                        "{} would need {m:.2}x the scenario's chip budget, chip supply and grid connections",
                        inputs[0].regions[a].name
                    ));
                    needed_value = Some(m);
                }
            }
        }
        &Test::Exceeds { metric, a, b, factor, by, from } => {
            let other = |o: &Outcome, y: i32| test.other(o, y);
            let versus_name = match b {
                Some(b) => o_name(&outcomes[0], b).to_string(),
                None => format!("the rest of the world combined (World minus {})", o_name(&outcomes[0], a)),
            };
            value_meaning = format!(
                "first year from which {} stays above {factor}x {versus_name}",
                o_name(&outcomes[0], a)
            );
            let last = inputs[0].last_year;
            findings = outcomes
                .iter()
                .map(|o| {
                    let y = test.exceeds_from(o);
                    let ratio_by = value(o, metric, a, by) / other(o, by);
                    let verdict = test.verdict(o);
                    let when = y.map_or(format!("not by {last}"), |y| format!("from {y}"));
                    finding(
                        o,
                        y.map(f64::from),
                        verdict,
                        format!("{when}; ratio in {by}: {ratio_by:.2} (needs {factor})"),
                    )
                })
                .collect();
            if findings[0].verdict != Verdict::Holds {
                let base = &inputs[0];
                let ratio = |m: f64| {
                    let o = simulate(&with_buying_power(base, a, m));
                    value(&o, metric, a, by) / other(&o, by)
                };
                if let Some(m) = bisect_log(|m| ratio(m) - factor) {
                    needed = Some(format!(
                        "{} would need {m:.1}x the scenario's chip budget, chip supply and grid connections after {from} to reach {factor}x {versus_name} in {by}",
                        base.regions[a].name
                    ));
                    needed_value = Some(m);
                } else {
                    let o = simulate(&with_buying_power(base, a, 1000.0));
                    let at = o.at(a, by);
                    needed = Some(format!(
                        "not reachable by buying: even with 1000x the chip budget, chip supply and grid connections, {} reaches {:.2}x in {by}, limited by {} (data centres may use at most {:.0} % of its generation)",
                        base.regions[a].name,
                        ratio(1000.0),
                        o.binding[at].as_str(),
                        base.regions[a].dc_share_max[(by - base.first_year) as usize] * 100.0
                    ));
                }
            }
        }
        &Test::Binding { constraint, versus, from, to } => {
            value_meaning = format!(
                "share of region-years {from}-{to} where {} binds, among those where {} or {} binds",
                constraint.as_str(),
                constraint.as_str(),
                versus.as_str()
            );
            findings = outcomes
                .iter()
                .map(|o| {
                    let count = |k: Binding| {
                        (0..o.world())
                            .flat_map(|r| (from..=to).map(move |y| (r, y)))
                            .filter(|&(r, y)| o.binding[o.at(r, y)] == k)
                            .count()
                    };
                    let (n_a, n_b) = (count(constraint), count(versus));
                    let share = if n_a + n_b > 0 { Some(n_a as f64 / (n_a + n_b) as f64) } else { None };
                    let verdict = test.verdict(o);
                    let regions_with = |k: Binding| {
                        let names: Vec<String> = (0..o.world())
                            .filter_map(|r| {
                                let years: Vec<i32> =
                                    (from..=to).filter(|&y| o.binding[o.at(r, y)] == k).collect();
                                (!years.is_empty()).then(|| format!("{} ({})", o.regions[r], span(&years)))
                            })
                            .collect();
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    };
                    let detail = format!(
                        "{} binds in {n_a} region-years: {}; {} binds in {n_b}: {}",
                        constraint.as_str(),
                        regions_with(constraint),
                        versus.as_str(),
                        regions_with(versus)
                    );
                    finding(o, share, verdict, detail)
                })
                .collect();
        }
        Test::Trajectory { metric, a, points, tolerance } => {
            let (metric, a, tol) = (*metric, *a, *tolerance);
            let last = points[points.len() - 1];
            value_meaning =
                format!("{} of {} in {}", metric_name(metric), o_name(&outcomes[0], a), last.year);
            let cal = inputs[0].calibration_year;
            findings = outcomes
                .iter()
                .map(|o| {
                    let parts: Vec<String> = points
                        .iter()
                        .map(|p| {
                            let v = value(o, metric, a, p.year);
                            let ok = point_ok(p, v, tol);
                            format!(
                                "{}: {:.2} vs {} {}{}",
                                p.year,
                                v,
                                point_claim(p),
                                if ok { "ok" } else { "off" },
                                if p.year <= cal { " (calibration input)" } else { "" }
                            )
                        })
                        .collect();
                    finding(o, Some(value(o, metric, a, last.year)), test.verdict(o), parts.join("; "))
                })
                .collect();
            if let Some(target) =
                last.value.filter(|_| !point_ok(&last, value(&outcomes[0], metric, a, last.year), tol))
            {
                let base = &inputs[0];
                if let Some(m) = bisect_log(|m| {
                    value(&simulate(&with_domestic_supply(base, a, m)), metric, a, last.year) - target
                }) {
                    needed = Some(format!(
                        "{}'s domestic chip production would have to be {m:.2}x the scenario's after {cal} for {:.0} % in {}",
                        base.regions[a].name,
                        target * 100.0,
                        last.year
                    ));
                    needed_value = Some(m);
                }
            }
        }
    }
    Ok(ClaimResult {
        id: c.id.clone(),
        statement: c.statement.clone(),
        said_by: c.said_by.clone(),
        kind: c.kind,
        scenario: outcomes[0].scenario.clone(),
        verdict: findings[0].verdict,
        value: findings[0].value,
        value_meaning,
        detail: findings[0].detail.clone(),
        needed,
        needed_value,
        by_scenario: findings,
    })
}

fn finding(o: &Outcome, value: Option<f64>, verdict: Verdict, detail: String) -> ScenarioFinding {
    ScenarioFinding { scenario: o.scenario.clone(), value, verdict, detail }
}

fn o_name(o: &Outcome, r: usize) -> &str {
    &o.regions[r]
}

fn kind_name(k: ClaimKind) -> &'static str {
    match k {
        ClaimKind::Ratio => "ratio",
        ClaimKind::Exceeds => "exceeds",
        ClaimKind::Binding => "binding",
        ClaimKind::Trajectory => "trajectory",
    }
}

fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::GenerationTwh => "generation (TWh)",
        Metric::EffectiveFlops => "effective compute (FLOP/s)",
        Metric::InstalledFlops => "installed compute (FLOP/s)",
        Metric::FleetH100e => "fleet (H100e)",
        Metric::DcElectricityTwh => "data-centre electricity (TWh)",
        Metric::SelfSufficiency => "self-sufficiency by FLOP/s",
        Metric::SelfSufficiencyUnits => "self-sufficiency by units",
        Metric::SelfSufficiencyValue => "self-sufficiency by value (spending)",
        Metric::DomesticShareInstalled => "domestic share of the installed fleet by FLOP/s",
        Metric::DomesticShareInstalledUnits => "domestic share of the installed fleet by units",
    }
}

fn binding(s: Option<&str>) -> Option<Binding> {
    match s? {
        "power" => Some(Binding::Power),
        "chips" => Some(Binding::Chips),
        "capital" => Some(Binding::Capital),
        _ => None,
    }
}

/// "2025-2031" for a contiguous run, else "2025-2027, 2030".
fn span(years: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut start = years[0];
    for w in years.windows(2) {
        if w[1] != w[0] + 1 {
            parts.push(if start == w[0] { start.to_string() } else { format!("{start}-{}", w[0]) });
            start = w[1];
        }
    }
    let end = years[years.len() - 1];
    parts.push(if start == end { start.to_string() } else { format!("{start}-{end}") });
    parts.join(", ")
}

fn point_ok(p: &Point, v: f64, tol: f64) -> bool {
    p.value.is_none_or(|x| (v - x).abs() <= tol)
        && p.at_most.is_none_or(|x| v <= x)
        && p.at_least.is_none_or(|x| v >= x)
}

fn point_claim(p: &Point) -> String {
    match (p.value, p.at_most, p.at_least) {
        (Some(v), _, _) => format!("claimed ~{v:.2}"),
        (_, Some(v), _) => format!("claimed under {v:.2}"),
        (_, _, Some(v)) => format!("claimed over {v:.2}"),
        _ => String::new(),
    }
}

/// A metric of region `r` (World included) in `year`; shares without shipments are 0.
pub fn value(o: &Outcome, metric: Metric, r: usize, year: i32) -> f64 {
    let i = o.at(r, year);
    match metric {
        Metric::GenerationTwh => o.generation_twh[i],
        Metric::EffectiveFlops => o.effective_flops[i],
        Metric::InstalledFlops => o.installed_flops[i],
        Metric::FleetH100e => o.fleet_h100e(i),
        Metric::DcElectricityTwh => o.dc_electricity_twh[i],
        Metric::SelfSufficiency => o.self_sufficiency(i).unwrap_or(0.0),
        Metric::SelfSufficiencyUnits => o.self_sufficiency_units(i).unwrap_or(0.0),
        Metric::SelfSufficiencyValue => o.self_sufficiency_value(i).unwrap_or(0.0),
        Metric::DomesticShareInstalled => o.domestic_share_installed(i).unwrap_or(0.0),
        Metric::DomesticShareInstalledUnits => o.domestic_share_installed_units(i).unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_collapse_runs() {
        assert_eq!(span(&[2025, 2026, 2027, 2030]), "2025-2027, 2030");
        assert_eq!(span(&[2031]), "2031");
    }
}
