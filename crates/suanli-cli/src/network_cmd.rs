//! `suanli network plan`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use suanli_network::file::{parse_network, LoadedNetwork};
use suanli_network::{plan, NetworkPlan};

use crate::error::CliError;
use crate::load::read_text;
use crate::output::{emit, write_atomic};
use crate::site_cmd::{check_out_dir, clean, dispatch_csv, plan_error, Spinner};
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
        /// Directory for the hourly results: links.csv (flows) and site-NAME.csv (each
        /// site's dispatch), written atomically.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// No spinner on stderr while the LP solves.
        #[arg(long)]
        quiet: bool,
    },
}

pub fn run(cmd: NetworkCommand) -> Result<(), CliError> {
    let NetworkCommand::Plan { file, format, out_dir, quiet } = cmd;
    if format == Format::Csv {
        return Err(CliError::Usage(
            "failed to write a network plan as CSV: use --format table or json, and --out-dir for hourly CSVs"
                .into(),
        ));
    }
    check_out_dir(out_dir.as_deref())?;
    let net = load_network(&file)?;
    let spinner = Spinner::start(&file, quiet);
    let planned = plan(&net.input, &net.settings);
    spinner.stop();
    let p = planned.map_err(|e| plan_error(&file, e))?;
    if let Some(d) = &out_dir {
        // Everything is rendered before the first file is written.
        let mut files = vec![("links.csv".to_string(), links_csv(&p))];
        files.extend(p.sites.iter().map(|s| (format!("site-{}.csv", s.name), dispatch_csv(s, true))));
        for (name, text) in files {
            write_atomic(&d.join(name), text.as_bytes())?;
        }
    }
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&p).map_err(|e| CliError::Runtime(e.to_string()))? + "\n"
        }
        _ => render(&p, &net),
    };
    emit(&text, None)
}

/// Reads and checks a network file and its profiles (relative to it).
pub fn load_network(path: &Path) -> Result<LoadedNetwork, CliError> {
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
        let import_gwh = site.dispatch.import_mw.iter().sum::<f64>() / 1000.0;
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
    if net.input.training_quota_mwh > 0.0 {
        let placed: Vec<String> = p
            .sites
            .iter()
            .filter_map(|s| s.training.as_ref().map(|t| (s, t.energy_mwh)))
            .filter(|(_, mwh)| *mwh > 0.5)
            .map(|(s, mwh)| format!("{} {}", s.name, pct(mwh / net.input.training_quota_mwh)))
            .collect();
        s.push_str(&format!(
            "\ntraining quota {} MWh placed at: {}\n",
            num(net.input.training_quota_mwh, 0),
            placed.join(", ")
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
