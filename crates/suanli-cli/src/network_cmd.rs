//! `suanli network plan` and `suanli network compare`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use suanli_network::file::{parse_network, LoadedNetwork};
use suanli_network::programme::apply_programme;
use suanli_network::{plan, NetworkPlan};
use suanli_report::chart::Figure;
use suanli_report::network::{network_figure, Places};

use crate::error::CliError;
use crate::load::read_text;
use crate::output::{emit, write_atomic};
use crate::site_cmd::{check_out_dir, clean, create_out_dir, dispatch_csv, plan_error, Spinner};
use crate::site_file::beside;
use crate::table::{num, pct, Table};
use crate::Format;

#[derive(Subcommand)]
pub enum NetworkCommand {
    /// Least-cost hourly plan of AI campuses joined by power lines (see examples/network/).
    Plan {
        /// Network file.
        file: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Directory for the hourly results: links.csv (flows), routes.csv (inference
        /// served over each fibre route) and site-NAME.csv (each site's dispatch), written
        /// atomically.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Also write a chart (SVG): map of sites, lines and fibre; cost by kind; compute
        /// by site; where training runs.
        #[arg(long)]
        chart: Option<PathBuf>,
        /// No spinner on stderr while the LP solves.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        programme: ProgrammeArgs,
    },
    /// Move bits or move watts: plans compute in the west with bits sent east, compute in
    /// the east with power sent over lines, and the optimum, side by side (sites tagged
    /// zone = "west" / "east"; see examples/network/east-data-west.toml).
    Compare {
        /// Network file.
        file: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// No spinner on stderr while the LPs solve.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        programme: ProgrammeArgs,
    },
}

/// A demand programme as the network's load.
#[derive(Args)]
pub struct ProgrammeArgs {
    /// A demand programme (TOML, see examples/demand/): in --year, its interactive
    /// inference replaces the demand centres' (scaled together, each keeping its hourly
    /// shape and share) and its training, fine-tuning and batch work the training quota.
    #[arg(long, requires = "year")]
    demand: Option<PathBuf>,
    /// The programme's year to plan for.
    #[arg(long, requires = "demand")]
    year: Option<i32>,
    /// Share of the programme's load this network carries (0..1].
    #[arg(long, default_value_t = 1.0, requires = "demand")]
    demand_share: f64,
    /// The programme's region the network serves (default: its only region).
    #[arg(long, requires = "demand")]
    demand_region: Option<String>,
}

pub fn run(cmd: NetworkCommand) -> Result<(), CliError> {
    match cmd {
        NetworkCommand::Plan { file, format, out_dir, chart, quiet, programme } => {
            run_plan(&file, format, out_dir, chart, quiet, &programme)
        }
        NetworkCommand::Compare { file, format, quiet, programme } => {
            crate::network_compare::run(&file, format, quiet, &programme)
        }
    }
}

fn run_plan(
    file: &Path,
    format: Format,
    out_dir: Option<PathBuf>,
    chart: Option<PathBuf>,
    quiet: bool,
    programme: &ProgrammeArgs,
) -> Result<(), CliError> {
    if format == Format::Csv {
        return Err(CliError::Usage(
            "failed to write a network plan as CSV: use --format table or json, and --out-dir for hourly CSVs"
                .into(),
        ));
    }
    check_out_dir(out_dir.as_deref())?;
    let net = load_with_programme(file, programme, quiet)?;
    let spinner = Spinner::start(file, quiet);
    let planned = plan(&net.input, &net.settings);
    spinner.stop();
    let p = planned.map_err(|e| plan_error(file, e))?;
    if let Some(d) = &out_dir {
        // Everything is rendered before the first file is written.
        let mut files = vec![("links.csv".to_string(), links_csv(&p))];
        if !p.routes.is_empty() {
            files.push(("routes.csv".to_string(), routes_csv(&p)));
        }
        files.extend(p.sites.iter().map(|s| (format!("site-{}.csv", s.name), dispatch_csv(s, true))));
        create_out_dir(d)?;
        for (name, text) in files {
            write_atomic(&d.join(name), text.as_bytes())?;
        }
    }
    if let Some(path) = &chart {
        write_atomic(path, figure(file, &net, &p).to_svg().as_bytes())?;
    }
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&p).map_err(|e| CliError::Runtime(e.to_string()))? + "\n"
        }
        _ => render(&p, &net),
    };
    emit(&text, None)
}

/// The chart of a network plan.
fn figure(file: &Path, net: &LoadedNetwork, p: &NetworkPlan) -> Figure {
    let places = Places { sites: &net.site_places, demands: &net.demand_places, zones: &net.zones };
    let source = format!(
        "suanli network plan {}; profiles {}. Money in the file's currency.",
        file.display(),
        net.profiles_file
    );
    network_figure(p, &net.input, &places, &source)
}

/// Reads a network file, plans it and draws its chart (for the report); errors name the file.
pub fn plan_network_figure(file: &Path) -> Result<(NetworkPlan, Figure), CliError> {
    let net = load_network(file)?;
    let p = plan(&net.input, &net.settings).map_err(|e| plan_error(file, e))?;
    let f = figure(file, &net, &p);
    Ok((p, f))
}

/// Reads a network file and, with `--demand`, puts the programme's load on it.
pub fn load_with_programme(
    file: &Path,
    args: &ProgrammeArgs,
    quiet: bool,
) -> Result<LoadedNetwork, CliError> {
    let mut net = load_network(file)?;
    let (Some(path), Some(year)) = (&args.demand, args.year) else {
        return Ok(net);
    };
    if !(args.demand_share > 0.0 && args.demand_share <= 1.0) {
        return Err(CliError::Usage(format!("--demand-share {} must be in (0, 1]", args.demand_share)));
    }
    let (load, what) =
        crate::demand_cmd::network_load_of(path, year, args.demand_share, args.demand_region.as_deref())?;
    apply_programme(&mut net.input, &load)
        .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    if !quiet {
        eprintln!(
            "{what}: {:.1} MW of interactive inference IT over {} demand centres; {:.3e} H100-hours of training, fine-tuning and batch work as the training quota",
            load.inference_it_mw,
            net.input.demands.len(),
            load.flexible_h100_hours
        );
    }
    Ok(net)
}

/// Reads and checks a network file and its profiles (relative to it).
fn load_network(path: &Path) -> Result<LoadedNetwork, CliError> {
    let text = read_text(path)?;
    parse_network(&path.display().to_string(), &text, &mut beside(path)).map_err(CliError::Usage)
}

/// Hourly flow of every link (MW as sent, positive from `from` to `to`).
fn links_csv(p: &NetworkPlan) -> String {
    let mut s = String::from("hour");
    for l in &p.links {
        s.push_str(&format!(",{}_mw", l.name));
    }
    s.push('\n');
    let hours = p.links.first().map_or(0, |l| l.flow_mw.len());
    for t in 0..hours {
        s.push_str(&t.to_string());
        for l in &p.links {
            s.push_str(&format!(",{:.3}", clean(l.flow_mw[t])));
        }
        s.push('\n');
    }
    s
}

/// Hourly inference served over every route that serves any (MW of IT).
fn routes_csv(p: &NetworkPlan) -> String {
    let serving: Vec<_> = p.routes.iter().filter(|r| !r.served_mw.is_empty()).collect();
    let mut s = String::from("hour");
    for r in &serving {
        s.push_str(&format!(",{}_mw", r.name));
    }
    s.push('\n');
    let hours = serving.first().map_or(0, |r| r.served_mw.len());
    for t in 0..hours {
        s.push_str(&t.to_string());
        for r in &serving {
            s.push_str(&format!(",{:.3}", clean(r.served_mw[t])));
        }
        s.push('\n');
    }
    s
}

fn render(p: &NetworkPlan, net: &LoadedNetwork) -> String {
    let mut s = format!(
        "network: {}   ({} sites, {} links; profiles: {})\n\n",
        p.name,
        p.sites.len(),
        p.links.len(),
        net.profiles_file
    );
    let mut t = Table::new(&[
        "site",
        "solar MW",
        "wind MW",
        "gas MW",
        "battery MW",
        "battery MWh",
        "training MW",
        "net import GWh",
        "cost per year",
    ]);
    for site in &p.sites {
        let c = &site.capacities;
        let import_gwh = site.dispatch.import_mw.iter().sum::<f64>() * net.input.hour_weight / 1000.0;
        t.row(vec![
            site.name.clone(),
            num(c.solar_mw, 1),
            num(c.wind_mw, 1),
            num(c.gas_mw, 1),
            num(c.battery_mw, 1),
            num(c.battery_mwh, 1),
            num(c.training_mw, 1),
            num(import_gwh + 0.0, 1),
            num(site.objective_per_year, 0),
        ]);
    }
    s.push_str(&t.render());
    if !p.links.is_empty() {
        let mut t =
            Table::new(&["link", "capacity MW", "sent GWh", "losses GWh", "utilisation", "cost per year"]);
        for l in &p.links {
            t.row(vec![
                l.name.clone(),
                num(l.capacity_mw, 1),
                num((l.forward_mwh + l.backward_mwh) / 1000.0, 1),
                num(l.losses_mwh / 1000.0, 1),
                pct(l.utilisation),
                num(l.cost_per_year, 0),
            ]);
        }
        s.push('\n');
        s.push_str(&t.render());
    }
    if !p.routes.is_empty() {
        let mut t = Table::new(&[
            "fibre route",
            "km",
            "latency ms",
            "Gbit/s",
            "inference GWh",
            "data PB",
            "cost per year",
        ]);
        let used: Vec<_> =
            p.routes.iter().filter(|r| r.capacity_gbps >= 0.05 || r.data_pb >= 0.005).collect();
        for r in &used {
            t.row(vec![
                r.name.clone(),
                num(r.length_km, 0),
                num(r.latency_ms, 1),
                num(r.capacity_gbps, 1),
                num(clean(r.inference_mwh / 1000.0), 1),
                num(r.data_pb, 2),
                num(r.cost_per_year, 0),
            ]);
        }
        s.push('\n');
        s.push_str(&t.render());
        if used.len() < p.routes.len() {
            s.push_str(&format!("({} routes within reach carry nothing)\n", p.routes.len() - used.len()));
        }
        let mut t = Table::new(&["inference at", "IT capacity MW", "served GWh (IT)", "cost per year"]);
        for i in &p.inference {
            t.row(vec![
                i.name.clone(),
                num(i.capacity_mw, 1),
                num(i.served_mwh / 1000.0, 1),
                num(i.cost_per_year, 0),
            ]);
        }
        s.push('\n');
        s.push_str(&t.render());
    }
    if net.input.training_quota().is_some() {
        let total: f64 = p.sites.iter().filter_map(|s| s.training.as_ref()).map(|t| t.h100_hours).sum();
        let placed: Vec<String> = p
            .sites
            .iter()
            .filter_map(|s| s.training.as_ref().map(|t| (s, t.h100_hours)))
            .filter(|(_, h)| *h > 1e-6 * total)
            .map(|(s, h)| format!("{} {}", s.name, pct(h / total)))
            .collect();
        s.push_str(&format!(
            "\ntraining: {} H100-hours ({} MWh) placed at: {}\n",
            num(total, 0),
            num(p.delivered.training_mwh, 0),
            placed.join(", ")
        ));
    }
    let (c, d) = (&p.costs, &p.delivered);
    s.push_str(&format!(
        "\ncost per year: sites {}, power lines {}, fibre {}, inference IT {}\n",
        num(c.sites, 0),
        num(c.lines, 0),
        num(c.fibre, 0),
        num(c.inference, 0)
    ));
    if d.h100_hours > 0.0 {
        s.push_str(&format!(
            "delivered: {} H100-hours at {} each; {} TWh over power lines, {} PB over fibre\n",
            num(d.h100_hours, 0),
            num(d.cost_per_h100_hour, 3),
            num(d.lines_twh, 3),
            num(d.fibre_pb, 2)
        ));
    }
    if net.input.hour_weight != 1.0 {
        s.push_str(&format!(
            "(each of the {} profile hours stands for {:.2} hours of the year; figures are per year)\n",
            p.sites.first().map_or(0, |s| s.dispatch.firm_mw.len()),
            net.input.hour_weight
        ));
    }
    let r = &p.solver;
    s.push_str(&format!(
        "\ntotal cost: {} per year; proven lower bound {} (relative gap {:.1e})\n",
        num(p.objective_per_year, 2),
        num(p.lower_bound_per_year, 2),
        p.relative_gap
    ));
    s.push_str(&format!(
        "solver: {} in {} iterations, {:.2} s (+{:.2} s to build); {} variables, {} constraints; max balance error {:.1e} MW\n",
        r.name, r.iterations, r.solve_time_s, r.build_time_s, r.variables, r.constraints, r.max_balance_violation_mw
    ));
    if let Some(why) = &r.fallback {
        s.push_str(&format!("(Clarabel solved it because {why})\n"));
    }
    s
}
