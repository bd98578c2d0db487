//! `suanli hindcast`: the baseline rebuilt as it could have been at the end of earlier base
//! years, projected, and scored against what was observed since and against two naive
//! forecasts.

use std::path::Path;

use serde::Serialize;
use suanli_data::catalogue::builtin_catalogue;
use suanli_data::observed::{
    observations, Observation, ACCELERATOR_SPEND_USD_BN, DC_ELECTRICITY_TWH, FLEET_H100E, GENERATION_TWH,
    QUANTITIES,
};
use suanli_nation::hindcast::score::{rows, skill, Row, Skill};
use suanli_nation::hindcast::{as_of, price_fills, LATER_DATA};
use suanli_nation::simulate;

use crate::error::CliError;
use crate::load::{load_data, load_scenario};
use crate::output::emit;
use crate::race::ATTRIBUTION;
use crate::table::{num, Table};
use crate::Format;

/// Base years run when none is given.
pub const DEFAULT_BASE_YEARS: [i32; 4] = [2019, 2020, 2021, 2022];

/// One base year's hindcast.
#[derive(Serialize)]
struct BaseYear {
    base_year: i32,
    spending_growth_per_year: f64,
}

#[derive(Serialize)]
struct Report<'a> {
    attribution: &'a str,
    base_years: Vec<BaseYear>,
    rows: Vec<Row>,
    skill: Vec<Skill>,
    later_data: &'a [&'a str],
    observations: Vec<ObservationOut<'a>>,
}

/// An observation as the JSON lists it (where each observed value comes from).
#[derive(Serialize)]
struct ObservationOut<'a> {
    region: &'a str,
    year: i32,
    quantity: &'a str,
    value: f64,
    source: &'a str,
}

pub fn run(base_years: &[i32], to: Option<i32>, format: Format, out: Option<&Path>) -> Result<(), CliError> {
    let data = load_data()?;
    let baseline = load_scenario("baseline", &data)?.input;
    let catalogue = builtin_catalogue();
    let observed = observations(&data.electricity, &data.fleets);
    let last_observed = observed.iter().map(|o| o.year).max().unwrap_or(baseline.calibration_year);
    let to = to.unwrap_or(last_observed);
    let base_years = if base_years.is_empty() { &DEFAULT_BASE_YEARS[..] } else { base_years };
    let mut all_rows = Vec::new();
    let mut runs = Vec::new();
    for &base_year in base_years {
        if to <= base_year {
            return Err(CliError::Usage(format!("--to {to} must come after the base year {base_year}")));
        }
        let hindcast = as_of(&baseline, base_year, &data.fleets, &catalogue, &observed)
            .map_err(|e| CliError::Usage(format!("hindcast from {base_year}: {e}")))?;
        let outcome = simulate(&hindcast.input);
        all_rows.extend(rows(&hindcast.input, &outcome, to, &observed));
        runs.push(BaseYear { base_year, spending_growth_per_year: hindcast.spending_growth_per_year });
    }
    let skills = skill(&all_rows);
    let text = match format {
        Format::Json => {
            let report = Report {
                attribution: ATTRIBUTION,
                base_years: runs,
                rows: all_rows,
                skill: skills,
                later_data: LATER_DATA,
                observations: observed.iter().map(observation_out).collect(),
            };
            serde_json::to_string_pretty(&report).map_err(|e| CliError::Runtime(e.to_string()))? + "\n"
        }
        Format::Csv => csv(&all_rows),
        Format::Table => table(&runs, &all_rows, &skills),
    };
    emit(&text, out)
}

fn observation_out(o: &Observation) -> ObservationOut<'_> {
    ObservationOut {
        region: &o.region,
        year: o.year,
        quantity: &o.quantity,
        value: o.value,
        source: &o.source,
    }
}

fn csv(rows: &[Row]) -> String {
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let mut s = "base_year,region,year,quantity,modelled,observed,relative_error,naive_last,naive_trend\n"
        .to_string();
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            r.base_year,
            r.region,
            r.year,
            r.quantity,
            r.modelled,
            opt(r.observed),
            opt(r.relative_error),
            opt(r.naive_last),
            opt(r.naive_trend)
        ));
    }
    s
}

/// A value in the table's unit: fleets in millions of H100e, the rest as they are.
fn shown(quantity: &str, v: f64) -> String {
    if quantity == FLEET_H100E {
        num(v / 1e6, 2)
    } else {
        num(v, 0)
    }
}

fn label(quantity: &str) -> &str {
    match quantity {
        FLEET_H100E => "fleet (M H100e)",
        GENERATION_TWH => "generation (TWh)",
        DC_ELECTRICITY_TWH => "data centres (TWh)",
        ACCELERATOR_SPEND_USD_BN => "spending (bn USD)",
        q => q,
    }
}

fn signed_pct(v: f64) -> String {
    format!("{:+.0}%", v * 100.0)
}

/// Regions the table shows; CSV and JSON have every region.
const TABLE_REGIONS: [&str; 4] = ["World", "United States", "China", "European Union"];

fn table(runs: &[BaseYear], rows: &[Row], skills: &[Skill]) -> String {
    let mut s = String::from(
        "Hindcasts: the model as of the end of each base year against what was observed since\n",
    );
    for run in runs {
        s.push_str(&format!(
            "  from {}: spending after it {:+.1} %/yr (NVIDIA's data-centre revenue over the three years to {})\n",
            run.base_year,
            run.spending_growth_per_year * 100.0,
            run.base_year
        ));
    }
    s.push_str("Each cell: modelled (error against observed). World, United States, China and EU here; every region with --format csv|json.\n\n");
    let mut header = vec!["quantity".to_string(), "region".into(), "year".into(), "observed".into()];
    header.extend(runs.iter().map(|r| format!("from {}", r.base_year)));
    let mut t = Table::new(&header.iter().map(String::as_str).collect::<Vec<_>>());
    let mut keys: Vec<(usize, usize, i32)> = rows
        .iter()
        .filter(|r| r.observed.is_some())
        .filter_map(|r| {
            let q = QUANTITIES.iter().position(|q| *q == r.quantity)?;
            let region = TABLE_REGIONS.iter().position(|n| *n == r.region)?;
            Some((q, region, r.year))
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for (q, region, year) in keys {
        let (quantity, name) = (QUANTITIES[q], TABLE_REGIONS[region]);
        let of = |b: i32| {
            rows.iter()
                .find(|r| r.base_year == b && r.quantity == quantity && r.region == name && r.year == year)
        };
        let observed = runs.iter().find_map(|run| of(run.base_year)?.observed).unwrap_or_default();
        let mut cells =
            vec![label(quantity).to_string(), name.to_string(), year.to_string(), shown(quantity, observed)];
        cells.extend(runs.iter().map(|run| match of(run.base_year) {
            Some(r) => format!(
                "{} ({})",
                shown(quantity, r.modelled),
                r.relative_error.map_or("-".into(), signed_pct)
            ),
            None => String::new(),
        }));
        t.row(cells);
    }
    s.push_str(&t.render());
    s.push('\n');
    s.push_str("Skill: mean |ln(forecast / observed)| over the rows above (0.10 is about 10 % off);\n");
    s.push_str("skill = 1 - model / the better naive forecast (above 0: the model beats both)\n");
    let mut t = Table::new(&["base year", "quantity", "rows", "model", "last value", "trend", "skill"]);
    for k in skills {
        t.row(vec![
            k.base_year.map_or("all".into(), |b| b.to_string()),
            label(k.quantity).into(),
            k.rows.to_string(),
            num(k.model, 2),
            num(k.naive_last, 2),
            num(k.naive_trend, 2),
            num(k.score(), 2),
        ]);
    }
    s.push_str(&t.render());
    s.push_str("\nSet from data published after the base year (so not a true forecast):\n");
    for note in LATER_DATA {
        s.push_str(&format!("  * {note}\n"));
    }
    s.push_str("Prices filled where Epoch AI has none:\n");
    for (part, usd, why) in price_fills() {
        s.push_str(&format!("  * {part}: {usd:.0} USD, {why}\n"));
    }
    s.push_str(&format!("\n{ATTRIBUTION} Observed spending: NVIDIA 10-K filings; data-centre electricity: IEA (2025), LBNL (2024).\n"));
    s
}
