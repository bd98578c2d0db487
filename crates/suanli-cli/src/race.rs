//! `suanli race`: the nation model on a scenario, as a table, JSON or CSV.

use std::path::Path;

use suanli_mc::run::{monte_carlo, McConfig, Model};
use suanli_nation::crossing::{crossings, Crossing};
use suanli_nation::{simulate, Outcome};
use suanli_report::nation::NationChart;
pub use suanli_report::race::ATTRIBUTION;
use suanli_report::race::{race_json, rows};

use crate::error::CliError;
use crate::load::{load_data, load_scenario};
use crate::output::{csv_text, emit, write_atomic};
use crate::table::{num, pct, Table};
use crate::Format;

/// Checks a requested year range against the simulated one.
pub fn year_range(
    out: &Outcome,
    from: Option<i32>,
    to: Option<i32>,
    default_from: i32,
) -> Result<(i32, i32), CliError> {
    let (first, last) = (out.first_year, out.last_year());
    let from = from.unwrap_or(default_from.clamp(first, last));
    let to = to.unwrap_or(last);
    if from < first || to > last || from > to {
        return Err(CliError::Usage(format!(
            "failed to report years {from}..{to}: the scenario covers {first}..{last}"
        )));
    }
    Ok((from, to))
}

pub fn run(
    scenario: &str,
    from: Option<i32>,
    to: Option<i32>,
    format: Format,
    out: Option<&Path>,
    chart: Option<&Path>,
    bands: u64,
) -> Result<(), CliError> {
    let data = load_data()?;
    let resolved = load_scenario(scenario, &data)?;
    let outcome = simulate(&resolved.input);
    let default_from = if format == Format::Table { 2020 } else { outcome.first_year };
    let (from, to) = year_range(&outcome, from, to, default_from)?;
    if let Some(path) = chart {
        let mc = (bands > 0 && !resolved.uncertainty.is_empty()).then(|| {
            let model = Model::new(&resolved.input, &resolved.uncertainty);
            monte_carlo(&model, &McConfig { draws: bands, seed: 1, pairs: vec![], claims: vec![] }, &|_| {})
        });
        let figure = NationChart {
            outcome: &outcome,
            input: &resolved.input,
            electricity: &data.electricity,
            mc: mc.as_ref(),
            from: from.max(2010),
            to,
            source: ATTRIBUTION,
        }
        .figure();
        write_atomic(path, figure.to_svg().as_bytes())?;
    }
    let rows = rows(&outcome, from, to);
    let found = crossings(&outcome, from, to);
    let text = match format {
        Format::Json => race_json(&outcome, from, to),
        Format::Csv => csv_text(&rows)?,
        Format::Table => render(&outcome, from, to, &found),
    };
    emit(&text, out)
}

fn render(out: &Outcome, from: i32, to: i32, found: &[Crossing]) -> String {
    let mut s = format!(
        "scenario: {}   (history to {}, projected after; EFLOP/s = 1e18 FLOP/s, 16-bit dense)\n",
        out.scenario, out.calibration_year
    );
    for year in from..=to {
        let mut t = Table::new(&[
            &format!("{year}{}", if year <= out.calibration_year { " (data)" } else { "" }),
            "gen TWh",
            "DC GW",
            "DC TWh",
            "DC share",
            "fleet M H100e",
            "eff EFLOP/s",
            "stranded",
            "binding",
            "self-suff",
            "world share",
        ]);
        for r in 0..out.regions.len() {
            let i = out.at(r, year);
            let stranded = if out.installed_flops[i] > 0.0 {
                out.stranded_flops[i] / out.installed_flops[i]
            } else {
                0.0
            };
            t.row(vec![
                out.regions[r].clone(),
                format!(
                    "{}{}",
                    num(out.generation_twh[i], 0),
                    if out.generation_projected[i] { "*" } else { "" }
                ),
                num(out.dc_power_gw[i], 1),
                num(out.dc_electricity_twh[i], 0),
                pct(out.dc_share(i)),
                num(out.fleet_h100e(i) / 1e6, 2),
                num(out.effective_flops[i] / 1e18, 1),
                pct(stranded),
                out.binding[i].as_str().to_string(),
                out.self_sufficiency(i).map_or("-".into(), pct),
                pct(out.world_share(r, year)),
            ]);
        }
        s.push('\n');
        s.push_str(&t.render());
    }
    s.push_str("\n* projected generation\n\ncrossings of effective compute (leader passes follower and stays ahead):\n");
    if found.is_empty() {
        s.push_str("  none in this range\n");
    }
    for c in found {
        s.push_str(&format!("  {} passes {} in {}\n", c.leader, c.follower, c.year));
    }
    s.push_str(&format!("\n{ATTRIBUTION}\n"));
    s
}
