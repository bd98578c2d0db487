//! Running a case: the base file with the case's values set, read by the site, network or
//! scenario parser, then planned or run; its outputs as numbers in a fixed column order.

use std::sync::OnceLock;

use suanli_data::electricity::ElectricityTable;
use suanli_data::fleets::{builtin_fleets, FleetRow};
use suanli_data::profiles::{synthesize, to_csv, SynthSettings};
use suanli_scenario::resolve::{resolve, DataSet};
use suanli_scenario::SourceText;
use suanli_site::file::ProfileLoader;
use suanli_site::plan::SiteError;

use crate::{
    case, case_text, chunk_parquet, chunk_range, covering_cases, Case, Kind, Manifest, SYNTHETIC_PROFILES,
};

/// Output columns of a site case: money per year in the base file's currency, MW, MWh,
/// shares 0..1, t CO2 per year.
const SITE_OUTPUTS: [&str; 13] = [
    "objective_per_year",
    "lcoe_per_mwh",
    "solar_mw",
    "wind_mw",
    "gas_mw",
    "battery_mw",
    "battery_mwh",
    "training_mw",
    "gas_share",
    "grid_share",
    "curtailment_share",
    "emissions_t_per_year",
    "unserved_mwh",
];

/// Output columns of a network case: money per year, H100-hours, money per H100-hour, TWh
/// over power lines, PB over fibre.
const NETWORK_OUTPUTS: [&str; 12] = [
    "objective_per_year",
    "lower_bound_per_year",
    "relative_gap",
    "cost_sites",
    "cost_training_it",
    "cost_lines",
    "cost_fibre",
    "cost_inference",
    "h100_hours",
    "cost_per_h100_hour",
    "lines_twh",
    "fibre_pb",
];

/// The output columns of the manifest's cases, in Parquet order.
pub fn output_columns(m: &Manifest) -> Vec<String> {
    match m.kind {
        Kind::Site => SITE_OUTPUTS.map(String::from).to_vec(),
        Kind::Network => NETWORK_OUTPUTS.map(String::from).to_vec(),
        Kind::Scenario => m.outputs.iter().map(|(q, r, y)| format!("{q}:{r}:{y}")).collect(),
    }
}

/// What a case came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Its outputs, in the order of [`output_columns`].
    Done(Vec<f64>),
    /// Not done: `status` (`input error`, `infeasible`, `solver error`, `check error`) and why.
    Failed {
        /// Kind of failure.
        status: &'static str,
        /// Message.
        message: String,
    },
}

/// One case and what it came to.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// Its outcome.
    pub outcome: Outcome,
}

/// A case read and ready to run.
enum Ready {
    Site(Box<suanli_site::file::LoadedSite>),
    Network(Box<suanli_network::file::LoadedNetwork>),
    Scenario(Box<suanli_scenario::NationInput>),
}

/// The built-in electricity and fleet tables, parsed once per process: a scenario case
/// runs in well under a millisecond, and parsing them took several.
fn builtin_tables() -> (&'static ElectricityTable, &'static [FleetRow]) {
    static TABLES: OnceLock<(ElectricityTable, Vec<FleetRow>)> = OnceLock::new();
    let (electricity, fleets) = TABLES.get_or_init(|| (ElectricityTable::builtin(), builtin_fleets()));
    (electricity, fleets)
}

/// Reads a case's file: its parser, with the profiles (or extended scenarios) it names read
/// through `load`, and synthetic profiles for a location.
fn read_case(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    c: &Case,
    load: &mut ProfileLoader<'_>,
) -> Result<Ready, String> {
    let text = case_text(base, c)?;
    let name = format!("{base_name} (case {})", c.id);
    let seed = m.locations.as_ref().map_or(1, |l| l.seed);
    let mut with_synthetic = |file: &str| match c.location {
        Some([lat, solar_cf, wind_cf]) if file == SYNTHETIC_PROFILES => {
            let p = synthesize(&SynthSettings { latitude_deg: lat, solar_cf, wind_cf, seed, hours: 8760 });
            let label = format!(
                "synthetic profiles (lat {lat}, solar CF {solar_cf}, wind CF {wind_cf}, seed {seed})"
            );
            Ok((label, to_csv(&p, &[])))
        }
        _ => load(file),
    };
    match m.kind {
        Kind::Site => {
            suanli_site::file::parse_site(&name, &text, &mut with_synthetic).map(|s| Ready::Site(Box::new(s)))
        }
        Kind::Network => suanli_network::file::parse_network(&name, &text, &mut with_synthetic)
            .map(|n| Ready::Network(Box::new(n))),
        Kind::Scenario => {
            let (electricity, fleets) = builtin_tables();
            let mut extends =
                |file: &str, _: &SourceText| load(file).map(|(name, text)| SourceText { name, text });
            resolve(SourceText { name, text }, &mut extends, DataSet { electricity, fleets })
                .map(|r| Ready::Scenario(Box::new(r.input)))
                .map_err(|e| e.to_string())
        }
    }
}

/// Checks that a case's file reads (without planning it); for a scenario, that its
/// outputs name regions and years it has.
pub fn check_case(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    c: &Case,
    load: &mut ProfileLoader<'_>,
) -> Result<(), String> {
    if let Ready::Scenario(input) = read_case(m, base_name, base, c, load)? {
        let o = suanli_nation::simulate(&input);
        for (q, r, y) in &m.outputs {
            scenario_output(&o, q, r, *y)?;
        }
    }
    Ok(())
}

/// A scenario output; an error names what the outcome lacks.
fn scenario_output(
    o: &suanli_nation::Outcome,
    quantity: &str,
    region: &str,
    year: i32,
) -> Result<f64, String> {
    let r = o
        .region(region)
        .ok_or_else(|| format!("output `{quantity}:{region}:{year}`: no region `{region}`"))?;
    if !(o.first_year..=o.last_year()).contains(&year) {
        return Err(format!(
            "output `{quantity}:{region}:{year}`: {year} is outside {}-{}",
            o.first_year,
            o.last_year()
        ));
    }
    // A share without a base (no shipments that year) is NaN: nothing to share.
    Ok(o.quantity(quantity, o.at(r, year)).unwrap_or(f64::NAN))
}

/// Checks that every value the manifest gives reads ([`covering_cases`]), naming the
/// first case that does not and what it sets.
pub fn check_manifest(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    load: &mut ProfileLoader<'_>,
) -> Result<(), String> {
    for id in covering_cases(m) {
        let c = case(m, id);
        check_case(m, base_name, base, &c, load).map_err(|e| {
            let set: Vec<String> = c.params.iter().map(|(p, v)| format!("{p} = {v}")).collect();
            format!("case {id} ({}) does not read: {e}", set.join(", "))
        })?;
    }
    Ok(())
}

fn failed(e: SiteError) -> Outcome {
    let status = match &e {
        SiteError::Input(_) => "input error",
        SiteError::Infeasible(_) => "infeasible",
        SiteError::NotSolved { .. } => "solver error",
        SiteError::Check(_) => "check error",
    };
    Outcome::Failed { status, message: e.to_string() }
}

/// Plans (or runs) one case.
pub fn run_case(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    c: Case,
    load: &mut ProfileLoader<'_>,
) -> CaseResult {
    let outcome = match read_case(m, base_name, base, &c, load) {
        Err(message) => Outcome::Failed { status: "input error", message },
        Ok(Ready::Site(s)) => match suanli_site::plan::plan(&s.input, &s.settings) {
            Ok(p) => {
                let k = &p.capacities;
                Outcome::Done(vec![
                    p.objective_per_year,
                    p.lcoe_per_mwh,
                    k.solar_mw,
                    k.wind_mw,
                    k.gas_mw,
                    k.battery_mw,
                    k.battery_mwh,
                    k.training_mw,
                    p.gas_share,
                    p.grid_share,
                    p.curtailment_share,
                    p.emissions_t_per_year,
                    p.unserved_mwh,
                ])
            }
            Err(e) => failed(e),
        },
        Ok(Ready::Network(n)) => match suanli_network::plan(&n.input, &n.settings) {
            Ok(p) => {
                let (k, d) = (&p.costs, &p.delivered);
                Outcome::Done(vec![
                    p.objective_per_year,
                    p.lower_bound_per_year,
                    p.relative_gap,
                    k.sites,
                    k.training_it,
                    k.lines,
                    k.fibre,
                    k.inference,
                    d.h100_hours,
                    d.cost_per_h100_hour,
                    d.lines_twh,
                    d.fibre_pb,
                ])
            }
            Err(e) => failed(e),
        },
        Ok(Ready::Scenario(input)) => {
            let o = suanli_nation::simulate(&input);
            match m.outputs.iter().map(|(q, r, y)| scenario_output(&o, q, r, *y)).collect() {
                Ok(values) => Outcome::Done(values),
                Err(message) => Outcome::Failed { status: "input error", message },
            }
        }
    };
    CaseResult { case: c, outcome }
}

/// Plans every case of chunk `k` in order and encodes them as Parquet; also returns how many
/// failed.
pub fn run_chunk(
    m: &Manifest,
    base_name: &str,
    base: &toml::Table,
    k: usize,
    load: &mut ProfileLoader<'_>,
    done: &dyn Fn(),
) -> Result<(Vec<u8>, usize), String> {
    let results: Vec<CaseResult> = chunk_range(m, k)
        .map(|id| {
            let r = run_case(m, base_name, base, case(m, id), load);
            done();
            r
        })
        .collect();
    let failed = results.iter().filter(|r| !matches!(r.outcome, Outcome::Done(_))).count();
    Ok((chunk_parquet(m, &results)?, failed))
}
