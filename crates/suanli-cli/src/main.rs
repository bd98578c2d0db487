//! `suanli`: how much AI compute a nation, a region or a campus can run, given its
//! electricity and its chips.
//!
//! `main` parses arguments and turns every error into an exit status in one place:
//! 0 success, 2 bad input (with file, line and column where there are lines), 1 anything
//! else. Each subcommand lives in its own module.

mod claims_cmd;
mod data_cmd;
mod demand_cmd;
mod error;
mod hindcast_cmd;
mod load;
mod mc_cmd;
mod network_cmd;
mod network_compare;
mod output;
mod race;
mod report_cmd;
mod scenario_cmd;
mod site_cmd;
mod site_file;
mod sweep_cmd;
mod table;
mod validate_cmd;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::CliError;

#[derive(Parser)]
#[command(
    name = "suanli",
    version,
    about = "Turns watts into FLOPs: AI compute by region from electricity and chips."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format of tabular results.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// JSON for programs.
    Json,
    /// CSV, one row per region-year.
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// Run the nation model: generation, data-centre power, fleets, compute, binding
    /// constraint and crossings for every region and year.
    Race {
        /// Built-in scenario name or path to a scenario TOML file [default: baseline; with
        /// --demand, the programme's scenario].
        #[arg(long)]
        scenario: Option<String>,
        /// First year to report (default: 2020 for tables, the scenario's first year otherwise).
        #[arg(long)]
        from: Option<i32>,
        /// Last year to report (default: the scenario's last year).
        #[arg(long)]
        to: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write charts (SVG): compute by region, binding constraint, generation by
        /// source, data-centre share, self-sufficiency.
        #[arg(long)]
        chart: Option<PathBuf>,
        /// Monte Carlo draws for the chart's uncertainty bands (0: no bands).
        #[arg(long, default_value_t = 0)]
        bands: u64,
        /// A demand programme (TOML, see examples/demand/): show its demand beside each
        /// region's supply over the programme's years, the first year of shortfall and
        /// the limit that binds then.
        /// With --chart, the chart shows the programme's need beside supply (with 5-95 %
        /// bands when --draws is given).
        #[arg(long, conflicts_with_all = ["from", "to", "bands"])]
        demand: Option<PathBuf>,
        /// With --demand: Monte Carlo draws of the scenario's and the programme's uncertain
        /// values for the probability of a shortfall by year (0: none).
        #[arg(long, default_value_t = 0, requires = "demand")]
        draws: u64,
        /// Seed of the draws.
        #[arg(long, default_value_t = 1, requires = "demand")]
        seed: u64,
    },
    /// What a demand programme (models to train, fine-tunes, deployed applications) needs:
    /// compute by year, region and category, and the accelerators and power it takes
    /// under the scenario's chips and PUE.
    Demand {
        /// Programme file (TOML; see examples/demand/ and docs/demand.md), or a built-in
        /// programme's name (ai-manufacturing).
        file: PathBuf,
        /// Scenario to use instead of the one the programme names.
        #[arg(long)]
        scenario: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write a chart (SVG): accelerators needed by category, and need beside the
        /// share of supply, per region.
        #[arg(long)]
        chart: Option<PathBuf>,
    },
    /// Check quantitative claims from the public debate against data and scenarios.
    Claims {
        /// Scenario the claims are evaluated under first (all built-ins are also run).
        #[arg(long, default_value = "baseline")]
        scenario: String,
        /// Claims file (TOML) to use instead of the built-in claims.
        #[arg(long)]
        claims: Option<PathBuf>,
        /// Monte Carlo draws of the scenario's uncertain parameters for each claim's
        /// probability (0: none).
        #[arg(long, default_value_t = 2000)]
        draws: u64,
        /// Seed of the draws.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Monte Carlo over the scenario's uncertain parameters: percentiles by region and
    /// year, the probability that one region leads another, binding-constraint odds.
    Mc {
        /// Built-in scenario name or path to a scenario TOML file.
        #[arg(long, default_value = "baseline")]
        scenario: String,
        /// Number of draws.
        #[arg(long, default_value_t = 10_000)]
        draws: u64,
        /// Seed: the same seed gives the same output, whatever the number of threads.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Another pair LEADER:FOLLOWER whose lead probability to report (region ids or
        /// names); China:United States and China:Rest of World are always reported.
        #[arg(long)]
        pair: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Which uncertain parameter drives an output: tornado (p10 to p90 swings) and Sobol
    /// first-order and total indices.
    Sensitivity {
        /// Built-in scenario name or path to a scenario TOML file.
        #[arg(long, default_value = "baseline")]
        scenario: String,
        /// Output to analyse: `passing-year:LEADER:FOLLOWER` or `METRIC:REGION:YEAR`
        /// (METRIC: effective_flops, generation_twh, dc_electricity_twh). Repeatable;
        /// default: passing-year:china:united_states and effective_flops:china:2030.
        #[arg(long)]
        output: Vec<String>,
        /// Sobol base samples N (the model runs N x (factors + 2) times).
        #[arg(long, default_value_t = 4096)]
        samples: usize,
        /// Seed of the Sobol samples.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write one self-contained HTML report: charts, key figures with uncertainty,
    /// claims with verdicts, every assumption with its source, data attribution.
    Report {
        /// Built-in scenario name or path to a scenario TOML file.
        #[arg(long, default_value = "baseline")]
        scenario: String,
        /// Also plan this site and include it.
        #[arg(long)]
        site: Option<PathBuf>,
        /// Also plan this network (see examples/network/) and include it.
        #[arg(long)]
        network: Option<PathBuf>,
        /// Also include this demand programme (see examples/demand/), run under --scenario,
        /// with the odds of a shortfall over up to 2,000 of the draws.
        #[arg(long)]
        demand: Option<PathBuf>,
        /// Monte Carlo draws for ranges and probabilities (0: none).
        #[arg(long, default_value_t = 5000)]
        draws: u64,
        /// Seed of the draws.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The HTML file to write (atomically).
        #[arg(long)]
        out: PathBuf,
    },
    /// Rebuild the baseline as of earlier base years, project, and score against what was
    /// observed since and against naive forecasts.
    Hindcast {
        /// Base year (repeat for several); default 2019, 2020, 2021 and 2022.
        #[arg(long = "base-year")]
        base_year: Vec<i32>,
        /// Last year scored (default: the last observed year).
        #[arg(long)]
        to: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The baseline (or a scenario) and its Monte Carlo 5-95 % band beside each published
    /// projection built in (`suanli data projections`).
    Validate {
        #[arg(long, default_value = "baseline")]
        scenario: String,
        #[arg(long, default_value_t = 2000)]
        draws: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run every case of a sweep manifest (a base site, network or scenario file and the values to vary) on all
    /// local cores; results as Parquet, one file per chunk of cases, resumable.
    Sweep {
        /// The sweep manifest (TOML; see docs/sweeps.md).
        manifest: PathBuf,
        /// Directory for the Parquet files (created if missing; chunks already there are
        /// skipped).
        #[arg(long)]
        out: PathBuf,
        /// Run only shard i of N (0-based): chunks i, i+N, i+2N, ... (Slurm arrays,
        /// Kubernetes Indexed Jobs).
        #[arg(long)]
        shard: Option<String>,
        #[arg(long, short)]
        quiet: bool,
    },
    /// Serve the local dashboard: pick a scenario, move sliders, see the charts redrawn;
    /// Monte Carlo in the background. Stop with Ctrl-C.
    Serve {
        /// Address to bind; the default serves this machine only.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Port (0: any free port, printed at start).
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Show, list or create scenarios.
    Scenario {
        #[command(subcommand)]
        command: scenario_cmd::ScenarioCommand,
    },
    /// Plan the power supply of an AI campus (hourly least-cost LP).
    Site {
        #[command(subcommand)]
        command: site_cmd::SiteCommand,
    },
    /// Plan AI campuses joined by power lines together (hourly least-cost LP).
    Network {
        #[command(subcommand)]
        command: network_cmd::NetworkCommand,
    },
    /// Hourly capacity-factor profiles: write synthetic ones.
    Profiles {
        #[command(subcommand)]
        command: site_cmd::ProfilesCommand,
    },
    /// Built-in data: sources and attribution, and refreshing the electricity table.
    Data {
        #[command(subcommand)]
        command: data_cmd::DataCommand,
    },
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Race { scenario, demand: Some(file), draws, seed, format, out, chart, .. } => {
            demand_cmd::run_cover(
                &file,
                scenario.as_deref(),
                draws,
                seed,
                format,
                out.as_deref(),
                chart.as_deref(),
            )
        }
        Command::Race { scenario, from, to, format, out, chart, bands, .. } => race::run(
            scenario.as_deref().unwrap_or("baseline"),
            from,
            to,
            format,
            out.as_deref(),
            chart.as_deref(),
            bands,
        ),
        Command::Demand { file, scenario, format, out, chart } => {
            demand_cmd::run(&file, scenario.as_deref(), format, out.as_deref(), chart.as_deref())
        }
        Command::Claims { scenario, claims, draws, seed, format, out } => {
            claims_cmd::run(&scenario, claims.as_deref(), draws, seed, format, out.as_deref())
        }
        Command::Mc { scenario, draws, seed, pair, format, quiet, out } => {
            mc_cmd::run_mc(&scenario, draws, seed, &pair, format, quiet, out.as_deref())
        }
        Command::Sensitivity { scenario, output, samples, seed, format, quiet, out } => {
            mc_cmd::run_sensitivity(&scenario, &output, samples, seed, format, quiet, out.as_deref())
        }
        Command::Report { scenario, site, network, demand, draws, seed, out } => report_cmd::run(
            &scenario,
            site.as_deref(),
            network.as_deref(),
            demand.as_deref(),
            draws,
            seed,
            &out,
        ),
        Command::Hindcast { base_year, to, format, out } => {
            hindcast_cmd::run(&base_year, to, format, out.as_deref())
        }
        Command::Validate { scenario, draws, seed, format, out } => {
            validate_cmd::run(&scenario, draws, seed, format, out.as_deref())
        }
        Command::Sweep { manifest, out, shard, quiet } => {
            sweep_cmd::run(&manifest, &out, shard.as_deref(), quiet)
        }
        Command::Serve { host, port } => {
            let data = load::load_data()?;
            let state =
                suanli_server::AppState::new(data.electricity, &data.fleets).map_err(CliError::Runtime)?;
            suanli_server::serve(std::net::SocketAddr::new(host, port), state, |addr| {
                println!("suanli dashboard: http://{addr}/  (API: http://{addr}/api; Ctrl-C stops)");
            })
            .map_err(|e| CliError::Runtime(format!("failed to serve on {host}:{port}: {e}")))
        }
        Command::Scenario { command } => scenario_cmd::run(command),
        Command::Data { command } => data_cmd::run(command),
        Command::Site { command } => site_cmd::run(command),
        Command::Network { command } => network_cmd::run(command),
        Command::Profiles { command } => site_cmd::run_profiles(command),
    }
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Usage mistakes are bad input (2); --help and --version succeed.
            std::process::exit(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if !matches!(cli.command, Command::Serve { .. }) {
        output::remove_temporary_files_on_interrupt();
    }
    if let Err(e) = run(cli) {
        eprintln!("{e}");
        std::process::exit(e.exit_code());
    }
}
