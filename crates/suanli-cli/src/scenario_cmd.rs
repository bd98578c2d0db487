//! `suanli scenario`: list the built-in scenarios, show a resolved scenario with the
//! source of every value, or write a commented template.

use std::path::PathBuf;

use clap::Subcommand;
use suanli_scenario::builtin::{builtin_scenario, BUILTIN_NAMES};
use suanli_scenario::params::{Scope, PARAMS};
use suanli_scenario::series::fmt_num;
use suanli_scenario::template::template;

use crate::error::CliError;
use crate::load::{load_data, load_scenario};
use crate::output::{emit, write_atomic};
use crate::table::Table;

#[derive(Subcommand)]
pub enum ScenarioCommand {
    /// List the built-in scenarios.
    List,
    /// Print a scenario's resolved parameters with their units and sources.
    Show {
        /// Built-in scenario name or path to a scenario file.
        #[arg(default_value = "baseline")]
        name: String,
    },
    /// Print every scenario parameter: section, unit, valid range and meaning.
    Params,
    /// Write a commented scenario template (refuses to overwrite).
    New {
        /// File to create.
        file: PathBuf,
    },
}

pub fn run(cmd: ScenarioCommand) -> Result<(), CliError> {
    match cmd {
        ScenarioCommand::List => {
            let data = load_data()?;
            let mut s = String::new();
            for name in BUILTIN_NAMES {
                let r = load_scenario(name, &data)?;
                s.push_str(&format!("{name:<24} {}\n", r.description));
            }
            emit(&s, None)
        }
        ScenarioCommand::Show { name } => {
            let data = load_data()?;
            let r = load_scenario(&name, &data)?;
            let i = &r.input;
            let mut s = format!(
                "scenario: {}\n{}\nyears: {}..{} (fleets from data to {})\n\n",
                i.name, r.description, i.first_year, i.last_year, i.calibration_year
            );
            let mut t = Table::new(&["section", "parameter", "unit", "value", "source"]);
            for p in &r.provenance {
                t.row(vec![
                    p.scope.clone(),
                    p.param.clone(),
                    p.unit.clone(),
                    p.value.clone(),
                    p.source.clone(),
                ]);
            }
            s.push_str(&t.render());
            if !r.uncertainty.is_empty() {
                s.push_str(&format!(
                    "\nuncertain in Monte Carlo (`suanli mc`), {} independent factors; the years after {} are drawn:\n\n",
                    r.uncertainty.factors.len(),
                    i.calibration_year
                ));
                let mut t = Table::new(&["factor", "distribution and source"]);
                for f in &r.uncertainty.factors {
                    let label = if f.per_year { format!("{} (per year)", f.label) } else { f.label.clone() };
                    t.row(vec![label, f.description.clone()]);
                }
                s.push_str(&t.render());
            }
            if builtin_scenario(&name).is_none() {
                s.push_str(&format!("\n(from file {name})\n"));
            }
            emit(&s, None)
        }
        ScenarioCommand::Params => {
            let mut t = Table::new(&["section", "parameter", "unit", "range", "required", "meaning"]);
            for p in PARAMS {
                let section = match p.scope {
                    Scope::World => "[world]",
                    Scope::Line => "[lines.ID]",
                    Scope::Region => "[regions.ID]",
                    Scope::RegionLine => "[regions.ID.import_cap_chips] LINE",
                };
                t.row(vec![
                    section.into(),
                    p.name.into(),
                    p.unit.into(),
                    format!("{} .. {}", fmt_num(p.min), fmt_num(p.max)),
                    if p.required { "yes" } else { "no" }.into(),
                    p.description.into(),
                ]);
            }
            emit(&t.render(), None)
        }
        ScenarioCommand::New { file } => {
            if file.exists() {
                return Err(CliError::Usage(format!("failed to create {}: the file exists", file.display())));
            }
            write_atomic(&file, template().as_bytes())?;
            eprintln!("wrote {}; run `suanli scenario show {}` to check it", file.display(), file.display());
            Ok(())
        }
    }
}
