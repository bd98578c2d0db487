//! `suanli site plan` and `suanli profiles synth`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use suanli_data::profiles::{synthesize, to_csv, SynthSettings};
use suanli_site::plan::{plan, SiteError, SitePlan};

use crate::error::CliError;
use crate::output::{emit, write_atomic};
use crate::site_file::{load_site, LoadedSite};
use crate::table::{num, pct, Table};
use crate::Format;

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Least-cost hourly power supply for an AI campus described by a site TOML file.
    Plan {
        /// Site file (see examples/site/).
        file: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Directory for the hourly dispatch (dispatch.csv and dispatch.parquet), written
        /// atomically.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Also write charts (SVG): capacity, costs, dispatch heat maps, state of charge.
        #[arg(long)]
        chart: Option<PathBuf>,
        /// No spinner on stderr while the LP solves (none is shown off-terminal anyway).
        #[arg(long)]
        quiet: bool,
    },
}

#[derive(Subcommand)]
pub enum ProfilesCommand {
    /// Write labelled synthetic hourly profiles (solar from the sun's path, wind from a
    /// stochastic model), scaled to target capacity factors.
    Synth {
        /// Latitude, degrees north (-66 to 66).
        #[arg(long, allow_negative_numbers = true)]
        lat: f64,
        /// Target annual mean solar capacity factor (0 to 0.99).
        #[arg(long)]
        solar_cf: f64,
        /// Target annual mean wind capacity factor (0 to 0.99).
        #[arg(long)]
        wind_cf: f64,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 8784 hours (a leap year) instead of 8760.
        #[arg(long)]
        leap_year: bool,
        /// Output CSV file (written atomically).
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(cmd: SiteCommand) -> Result<(), CliError> {
    let SiteCommand::Plan { file, format, out_dir, chart, quiet } = cmd;
    if format == Format::Csv {
        return Err(CliError::Usage(
            "failed to write a plan as CSV: use --format table or json, and --out-dir for the hourly CSV"
                .into(),
        ));
    }
    check_out_dir(out_dir.as_deref())?;
    let spinner = Spinner::start(&file, quiet);
    let planned = plan_file(&file);
    spinner.stop();
    let (site, p) = planned?;
    if let Some(d) = &out_dir {
        let parquet = dispatch_parquet(&p)?;
        create_out_dir(d)?;
        write_atomic(&d.join("dispatch.csv"), dispatch_csv(&p, false).as_bytes())?;
        write_atomic(&d.join("dispatch.parquet"), &parquet)?;
    }
    if let Some(path) = &chart {
        write_atomic(path, suanli_report::site::site_figure(&p, &site_source(&site)).to_svg().as_bytes())?;
    }
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&p).map_err(|e| CliError::Runtime(e.to_string()))? + "\n"
        }
        _ => render(&p, &site.profiles_file),
    };
    emit(&text, None)
}

/// A spinner with the elapsed time on stderr while a site or network solves (seconds to
/// minutes for a year of hours), shown only on a terminal and without `--quiet`.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// Starts the spinner for `file`.
    pub fn start(file: &Path, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} planning {msg}: solving the hourly LP ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(file.display().to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }

    /// Clears it.
    pub fn stop(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Reads a site file and plans it; errors name the file.
pub fn plan_file(file: &Path) -> Result<(LoadedSite, SitePlan), CliError> {
    let site = load_site(file)?;
    let p = plan(&site.input, &site.settings).map_err(|e| plan_error(file, e))?;
    Ok((site, p))
}

/// A planner's error as the CLI reports it: bad input and infeasible plans are the
/// user's to fix (exit 2), the rest is ours (exit 1).
pub fn plan_error(file: &Path, e: SiteError) -> CliError {
    match e {
        SiteError::Input(m) => CliError::Usage(format!("{}: {m}", file.display())),
        SiteError::Infeasible(m) => {
            CliError::Usage(format!("{}: the plan is infeasible: {m}", file.display()))
        }
        other => CliError::Runtime(format!("{}: {other}", file.display())),
    }
}

/// Refuses an `--out-dir` that exists and is not a directory, before any work is done.
pub fn check_out_dir(out_dir: Option<&Path>) -> Result<(), CliError> {
    match out_dir {
        Some(d) if d.exists() && !d.is_dir() => Err(CliError::Usage(format!(
            "failed to write to {}: it exists and is not a directory; hint: name a directory (created if missing)",
            d.display()
        ))),
        _ => Ok(()),
    }
}

/// Creates `--out-dir` (and its parents) if missing, once there is something to write:
/// a run stopped by bad input leaves no new directory behind.
pub fn create_out_dir(d: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(d)
        .map_err(|e| CliError::Runtime(format!("failed to create directory {}: {e}", d.display())))
}

/// The attribution line of a site chart.
pub fn site_source(site: &LoadedSite) -> String {
    format!("Profiles: {}. Model: suanli site planner (hourly least-cost LP).", site.profiles_file)
}

pub fn run_profiles(cmd: ProfilesCommand) -> Result<(), CliError> {
    let ProfilesCommand::Synth { lat, solar_cf, wind_cf, seed, leap_year, out } = cmd;
    if !(-66.0..=66.0).contains(&lat) {
        return Err(CliError::Usage(format!("failed to synthesise: latitude {lat} is outside -66..66")));
    }
    for (name, v) in [("solar-cf", solar_cf), ("wind-cf", wind_cf)] {
        if !(0.0..=0.99).contains(&v) {
            return Err(CliError::Usage(format!("failed to synthesise: --{name} {v} is outside 0..0.99")));
        }
    }
    let settings = SynthSettings {
        latitude_deg: lat,
        solar_cf,
        wind_cf,
        seed,
        hours: if leap_year { 8784 } else { 8760 },
    };
    let p = synthesize(&settings);
    let label = vec![
        "SYNTHETIC profile written by suanli profiles synth: not measured weather.".to_string(),
        format!("latitude {lat}, target solar CF {solar_cf}, target wind CF {wind_cf}, seed {seed}"),
        "solar: clear-sky sun elevation x daily random clearness; wind: AR(1) speed through a cubic power curve".to_string(),
    ];
    write_atomic(&out, to_csv(&p, &label).as_bytes())?;
    eprintln!("wrote {} ({} hours, synthetic)", out.display(), settings.hours);
    Ok(())
}

/// The hourly dispatch columns, in output order (a site in a network adds `import_mw`).
/// Rounds away solver noise below a kW.
pub fn clean(v: f64) -> f64 {
    if v.abs() < 5e-4 {
        0.0
    } else {
        v
    }
}

/// The hourly dispatch as CSV, one row per hour; with `import_mw`, the power that links
/// bring (a site in a network).
pub fn dispatch_csv(p: &SitePlan, with_import: bool) -> String {
    let mut cols = p.dispatch.columns().to_vec();
    if with_import {
        cols.push(("import_mw", &p.dispatch.import_mw));
    }
    let mut s = String::from("hour");
    for (name, _) in &cols {
        s.push(',');
        s.push_str(name);
    }
    s.push('\n');
    for t in 0..p.dispatch.firm_mw.len() {
        s.push_str(&t.to_string());
        for (_, v) in &cols {
            s.push_str(&format!(",{:.3}", clean(v[t])));
        }
        s.push('\n');
    }
    s
}

/// The hourly dispatch as a Parquet file (one row group, INT32 hour and DOUBLE columns).
fn dispatch_parquet(p: &SitePlan) -> Result<Vec<u8>, CliError> {
    use parquet::data_type::{DoubleType, Int32Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    let fail = |e: parquet::errors::ParquetError| CliError::Runtime(format!("failed to write Parquet: {e}"));
    let cols = p.dispatch.columns();
    let mut schema = String::from("message dispatch { REQUIRED INT32 hour; ");
    for (name, _) in &cols {
        schema.push_str(&format!("REQUIRED DOUBLE {name}; "));
    }
    schema.push('}');
    let schema = std::sync::Arc::new(parse_message_type(&schema).map_err(fail)?);
    let props = std::sync::Arc::new(WriterProperties::builder().build());
    let mut buf = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut buf, schema, props).map_err(fail)?;
    let mut group = writer.next_row_group().map_err(fail)?;
    let hours: Vec<i32> = (0..p.dispatch.firm_mw.len() as i32).collect();
    let mut index = 0;
    while let Some(mut col) = group.next_column().map_err(fail)? {
        if index == 0 {
            col.typed::<Int32Type>().write_batch(&hours, None, None).map_err(fail)?;
        } else {
            let values: Vec<f64> = cols[index - 1].1.iter().map(|v| clean(*v)).collect();
            col.typed::<DoubleType>().write_batch(&values, None, None).map_err(fail)?;
        }
        col.close().map_err(fail)?;
        index += 1;
    }
    group.close().map_err(fail)?;
    writer.close().map_err(fail)?;
    Ok(buf)
}

fn render(p: &SitePlan, profiles: &str) -> String {
    let c = &p.capacities;
    let mut s = format!("site: {}   (profiles: {})\n\n", p.name, profiles);
    let mut t = Table::new(&["capacity", "built"]);
    for (name, v, unit) in [
        ("solar", c.solar_mw, "MW"),
        ("wind", c.wind_mw, "MW"),
        ("gas", c.gas_mw, "MW"),
        ("battery power", c.battery_mw, "MW"),
        ("battery energy", c.battery_mwh, "MWh"),
        ("training IT", c.training_mw, "MW"),
    ] {
        t.row(vec![name.into(), format!("{} {unit}", num(v, 1))]);
    }
    s.push_str(&t.render());
    let k = &p.cost_breakdown;
    let mut t = Table::new(&["cost per year", "amount"]);
    for (name, v) in [
        ("solar", k.solar),
        ("wind", k.wind),
        ("gas capacity", k.gas_capacity),
        ("gas fuel", k.gas_fuel),
        ("battery", k.battery),
        ("grid imports", k.grid),
        ("training capacity", k.training_capacity),
        ("unserved load", k.unserved),
        ("training value", k.training_value),
        ("total (objective)", p.objective_per_year),
    ] {
        t.row(vec![name.into(), num(v + 0.0, 0)]); // + 0.0 turns -0 into 0
    }
    s.push('\n');
    s.push_str(&t.render());
    s.push_str(&format!(
        "\ncost of supply: {:.2} per MWh delivered; gas {}, grid {}, curtailed {} of available renewable energy\nemissions: {:.0} t CO2/yr; unserved firm energy: {:.1} MWh/yr\n",
        p.lcoe_per_mwh,
        pct(p.gas_share),
        pct(p.grid_share),
        pct(p.curtailment_share),
        p.emissions_t_per_year,
        p.unserved_mwh
    ));
    if let Some(tr) = &p.training {
        s.push_str(&format!(
            "training: {:.0} MWh/yr, utilisation {}, {} hours at full compute, {:.3e} H100-hours, {:.3} per H100-hour, {:.1} per PFLOP-day\n",
            tr.energy_mwh,
            pct(tr.utilisation),
            tr.hours_at_full_compute,
            tr.h100_hours,
            tr.cost_per_h100_hour,
            tr.cost_per_pflop_day
        ));
    }
    let r = &p.solver;
    s.push_str(&format!(
        "solver: {} {} in {} iterations{}, {:.2} s (+{:.2} s to build); {} variables, {} constraints; dual bound {:.2}; max balance error {:.1e} MW\n",
        r.name, r.status, r.iterations, if r.retried_with_refinement { " (two attempts, the second with iterative refinement)" } else { "" }, r.solve_time_s, r.build_time_s, r.variables, r.constraints, r.dual_objective, r.max_balance_violation_mw
    ));
    if let Some(why) = &r.fallback {
        s.push_str(&format!("(Clarabel solved it because {why})\n"));
    }
    s
}
