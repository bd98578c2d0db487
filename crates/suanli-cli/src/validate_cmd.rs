//! `suanli data projections` (the published projections built in) and `suanli validate`
//! (the baseline and its Monte Carlo band beside each of them).

use std::path::Path;

use serde::Serialize;
use suanli_data::projections::{builtin_projections, Projection};
use suanli_mc::run::Model;
use suanli_mc::validate::{validate, Comparison, Verdict};
use suanli_scenario::resolve::Resolved;

use crate::error::CliError;
use crate::load::{load_data, load_scenario};
use crate::output::{emit, json_text};
use crate::table::Table;
use crate::Format;

/// A value in its quantity's usual unit: shares as percentages, the rest whole.
fn shown(quantity: &str, v: f64) -> String {
    if quantity.contains("self_sufficiency") || quantity.contains("share") {
        format!("{:.1}%", v * 100.0)
    } else if v.is_nan() {
        "-".into()
    } else {
        format!("{v:.0}")
    }
}

fn range(quantity: &str, low: f64, central: Option<f64>, high: f64) -> String {
    match central {
        Some(c) if low == high => shown(quantity, c),
        Some(c) => format!("{} ({}-{})", shown(quantity, c), shown(quantity, low), shown(quantity, high)),
        None => format!("{}-{}", shown(quantity, low), shown(quantity, high)),
    }
}

/// `suanli data projections`.
pub fn projections(format: Format, out: Option<&Path>) -> Result<(), CliError> {
    let all = builtin_projections();
    let text = match format {
        Format::Json => json_text(&all)?,
        Format::Csv => include_str!("../../suanli-data/data/projections.csv").to_string(),
        Format::Table => {
            let mut t =
                Table::new(&["region", "year", "quantity", "published value", "case", "source", "date"]);
            for p in &all {
                let (low, high) = p.range();
                t.row(vec![
                    p.region.clone(),
                    p.year.to_string(),
                    p.quantity.clone(),
                    range(&p.quantity, low, p.central, high),
                    p.case.clone(),
                    p.source.clone(),
                    p.published.clone(),
                ]);
            }
            let mut s = t.render();
            for p in all.iter().filter(|p| !p.basis.is_empty()) {
                s.push_str(&format!("basis of {} {} {}: {}\n", p.region, p.year, p.quantity, p.basis));
            }
            s
        }
    };
    emit(&text, out)
}

#[derive(Serialize)]
struct Report<'a> {
    scenario: &'a str,
    draws: u64,
    seed: u64,
    comparisons: &'a [Comparison],
}

/// `suanli validate`: the comparisons of a resolved scenario (shared with the report).
pub fn comparisons(resolved: &Resolved, draws: u64, seed: u64) -> (Vec<Comparison>, Vec<Projection>) {
    let model = Model::new(&resolved.input, &resolved.uncertainty);
    let draws = if resolved.uncertainty.is_empty() { 0 } else { draws };
    validate(&model, &builtin_projections(), draws, seed)
}

/// `suanli validate`.
pub fn run(
    scenario: &str,
    draws: u64,
    seed: u64,
    format: Format,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let resolved = load_scenario(scenario, &load_data()?)?;
    let (all, left_out) = comparisons(&resolved, draws, seed);
    let text = match format {
        Format::Json => json_text(&Report { scenario, draws, seed, comparisons: &all })?,
        Format::Csv => {
            let mut s = "region,year,quantity,model,p5,p95,published_low,published_central,published_high,verdict,case,published,source\n".to_string();
            for c in &all {
                s.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},\"{}\"\n",
                    c.region,
                    c.year,
                    c.quantity,
                    c.model,
                    c.p5,
                    c.p95,
                    c.published_low,
                    c.published_central.map_or(String::new(), |v| v.to_string()),
                    c.published_high,
                    verdict_word(c.verdict),
                    c.case,
                    c.published,
                    c.source.replace('"', "\"\"")
                ));
            }
            s
        }
        Format::Table => table(scenario, draws, &all, &left_out),
    };
    emit(&text, out)
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Inside => "inside",
        Verdict::Above => "above",
        Verdict::Below => "below",
    }
}

/// The comparisons as a table (also printed in the HTML report).
pub fn table(scenario: &str, draws: u64, all: &[Comparison], left_out: &[Projection]) -> String {
    let mut s = format!(
        "{scenario} beside published projections: model value, its Monte Carlo 5-95 % band over {draws} draws,\nand whether the band meets the published range\n"
    );
    let mut t = Table::new(&[
        "region",
        "year",
        "quantity",
        "model",
        "5-95 % band",
        "published",
        "case",
        "verdict",
        "source",
    ]);
    for c in all {
        let short_source = c.source.split(':').next().unwrap_or(&c.source).to_string();
        t.row(vec![
            c.region.clone(),
            c.year.to_string(),
            c.quantity.clone(),
            shown(&c.quantity, c.model),
            format!("{}-{}", shown(&c.quantity, c.p5), shown(&c.quantity, c.p95)),
            range(&c.quantity, c.published_low, c.published_central, c.published_high),
            c.case.clone(),
            verdict_word(c.verdict).into(),
            format!("{short_source} ({})", c.published),
        ]);
    }
    s.push_str(&t.render());
    let counts = |v: Verdict| all.iter().filter(|c| c.verdict == v).count();
    s.push_str(&format!(
        "\n{} inside, {} above, {} below. Bases of the published figures:\n",
        counts(Verdict::Inside),
        counts(Verdict::Above),
        counts(Verdict::Below)
    ));
    for c in all.iter().filter(|c| !c.basis.is_empty()) {
        s.push_str(&format!("  {} {} {}: {}\n", c.region, c.year, c.quantity, c.basis));
    }
    for p in left_out {
        s.push_str(&format!("left out (outside the scenario): {} {} {}\n", p.region, p.year, p.quantity));
    }
    s.push_str("Why the model differs where it does: docs/calibration.md, \"Validation\".\n");
    s
}
