//! `suanli network compare`: move bits or move watts.

use std::path::Path;

use serde::Serialize;
use suanli_network::compare::{compare, Design, DesignResult, Outcome};
use suanli_network::NetworkPlan;

use crate::error::CliError;
use crate::network_cmd::{load_with_programme, ProgrammeArgs};
use crate::output::emit;
use crate::site_cmd::{clean, plan_error, Spinner};
use crate::table::{num, pct, Table};
use crate::Format;

/// What the comparison prints for one design.
#[derive(Serialize)]
struct Row {
    design: Design,
    description: &'static str,
    /// Why the design has no plan, if it has none.
    infeasible: Option<String>,
    cost_per_year: Option<f64>,
    lower_bound_per_year: Option<f64>,
    cost_per_h100_hour: Option<f64>,
    /// Cost per year without the accelerators (inference and training IT capacity): the
    /// power supply, lines and fibre, where the designs differ.
    energy_and_transport_per_year: Option<f64>,
    /// Share of delivered H100-hours computed at `west` sites.
    west_share_of_compute: Option<f64>,
    lines_twh: Option<f64>,
    fibre_pb: Option<f64>,
    lines_cost_per_year: Option<f64>,
    fibre_cost_per_year: Option<f64>,
}

#[derive(Serialize)]
struct Comparison {
    network: String,
    designs: Vec<Row>,
    /// The cheapest design that has a plan.
    cheapest: Option<Design>,
}

pub fn run(file: &Path, format: Format, quiet: bool, programme: &ProgrammeArgs) -> Result<(), CliError> {
    if format == Format::Csv {
        return Err(CliError::Usage(
            "failed to write a comparison as CSV: use --format table or json".into(),
        ));
    }
    let net = load_with_programme(file, programme, quiet)?;
    let mut spinner: Option<Spinner> = None;
    let results = compare(&net.input, &net.zones, &net.settings, |design| {
        if let Some(s) = spinner.take() {
            s.stop();
        }
        if !quiet {
            eprintln!("planning design `{}`: {}", design.name(), design.describe());
        }
        spinner = Some(Spinner::start(file, quiet));
    });
    if let Some(s) = spinner {
        s.stop();
    }
    let results = results.map_err(|e| plan_error(file, e))?;
    let rows: Vec<Row> = results.iter().map(|r| row(r, &net.zones)).collect();
    let cheapest = rows
        .iter()
        .filter_map(|r| Some((r.design, r.cost_per_year?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| d);
    let cmp = Comparison { network: net.input.name.clone(), designs: rows, cheapest };
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&cmp).map_err(|e| CliError::Runtime(e.to_string()))? + "\n"
        }
        _ => render(&cmp),
    };
    emit(&text, None)
}

/// Share of delivered H100-hours computed at sites of zone `west`.
fn west_share(p: &NetworkPlan, zones: &[Option<String>]) -> f64 {
    let west: f64 = p
        .h100_hours_by_site()
        .iter()
        .zip(zones)
        .filter(|(_, z)| z.as_deref() == Some("west"))
        .map(|(h, _)| h)
        .sum();
    let total = p.delivered.h100_hours;
    if total > 0.0 {
        west / total
    } else {
        0.0
    }
}

fn row(r: &DesignResult, zones: &[Option<String>]) -> Row {
    let (p, infeasible) = match &r.outcome {
        Outcome::Plan(p) => (Some(p.as_ref()), None),
        Outcome::Infeasible(why) => (None, Some(why.clone())),
    };
    Row {
        design: r.design,
        description: r.design.describe(),
        infeasible,
        cost_per_year: p.map(|p| p.objective_per_year),
        lower_bound_per_year: p.map(|p| p.lower_bound_per_year),
        cost_per_h100_hour: p.map(|p| p.delivered.cost_per_h100_hour),
        energy_and_transport_per_year: p
            .map(|p| p.objective_per_year - p.costs.inference - p.costs.training_it),
        west_share_of_compute: p.map(|p| west_share(p, zones)),
        lines_twh: p.map(|p| p.delivered.lines_twh),
        fibre_pb: p.map(|p| p.delivered.fibre_pb),
        lines_cost_per_year: p.map(|p| p.costs.lines),
        fibre_cost_per_year: p.map(|p| p.costs.fibre),
    }
}

fn render(c: &Comparison) -> String {
    let mut s = format!("network: {}   move bits or move watts?\n\n", c.network);
    let mut t = Table::new(&[
        "design",
        "cost per year",
        "per H100-hour",
        "energy + transport",
        "compute in west",
        "TWh over lines",
        "PB over fibre",
        "lines cost",
        "fibre cost",
    ]);
    let opt = |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| num(v, digits));
    for r in &c.designs {
        t.row(vec![
            r.design.name().to_string(),
            opt(r.cost_per_year, 0),
            opt(r.cost_per_h100_hour, 4),
            opt(r.energy_and_transport_per_year, 0),
            r.west_share_of_compute.map_or("-".into(), pct),
            opt(r.lines_twh.map(clean), 2),
            opt(r.fibre_pb, 0),
            opt(r.lines_cost_per_year.map(clean), 0),
            opt(r.fibre_cost_per_year, 0),
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');
    for r in &c.designs {
        s.push_str(&format!("{:8} {}", r.design.name(), r.description));
        if let Some(why) = &r.infeasible {
            s.push_str(&format!(": no plan ({why})"));
        }
        s.push('\n');
    }
    if let Some(best) = c.cheapest {
        let find = |d: Design| c.designs.iter().find(|r| r.design == d);
        let best_row = find(best);
        let best_cost = best_row.and_then(|r| r.cost_per_year).unwrap_or(0.0);
        let best_energy = best_row.and_then(|r| r.energy_and_transport_per_year).unwrap_or(0.0);
        s.push_str(&format!("\ncheapest: {} ({})\n", best.name(), best.describe()));
        for d in Design::ALL.into_iter().filter(|d| *d != best) {
            let Some(r) = find(d) else { continue };
            if let (Some(cost), Some(energy)) = (r.cost_per_year, r.energy_and_transport_per_year) {
                s.push_str(&format!(
                    "  {} costs {} a year more: {} of the total, {} of energy and transport\n",
                    d.name(),
                    num(cost - best_cost, 0),
                    pct(cost / best_cost - 1.0),
                    pct(energy / best_energy - 1.0)
                ));
            }
        }
    }
    s
}
