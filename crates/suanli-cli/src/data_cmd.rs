//! `suanli data`: where the built-in tables come from, and refreshing the electricity
//! table from a current Our World in Data export.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use suanli_data::owid::{aggregate, builtin_supplement, read_owid_csv};
use suanli_data::sources::TABLE_SOURCES;

use crate::error::CliError;
use crate::load::{data_dir, load_data, read_text};
use crate::output::{emit, write_atomic};

#[derive(Subcommand)]
pub enum DataCommand {
    /// Print origin, licence and attribution of every built-in table.
    Sources,
    /// Published projections built in (IEA, LBNL, EPRI, RAND, Morgan Stanley, ...), each with
    /// its case, source and publication date.
    Projections {
        #[arg(long, value_enum, default_value = "table")]
        format: crate::Format,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rebuild a table from a current public file.
    Update {
        #[command(subcommand)]
        table: UpdateTable,
    },
}

#[derive(Subcommand)]
pub enum UpdateTable {
    /// Rebuild the electricity table from OWID "electricity-prod-source-stacked" CSV exports.
    Electricity {
        /// URL (http or https) or file of an OWID export; repeat to combine vintages, newest
        /// first (the first that has a country-year wins).
        #[arg(long = "from", required = true)]
        from: Vec<String>,
        /// Where to write the table (default: the data directory, where suanli picks it up:
        /// $SUANLI_DATA_DIR, else $XDG_DATA_HOME/suanli, else ~/.local/share/suanli).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn run(cmd: DataCommand) -> Result<(), CliError> {
    match cmd {
        DataCommand::Sources => sources(),
        DataCommand::Projections { format, out } => crate::validate_cmd::projections(format, out.as_deref()),
        DataCommand::Update { table: UpdateTable::Electricity { from, out } } => {
            update_electricity(&from, out)
        }
    }
}

fn sources() -> Result<(), CliError> {
    let data = load_data()?;
    let mut s = String::new();
    for t in TABLE_SOURCES {
        s.push_str(&format!(
            "{}\n  contents:    {}\n  origin:      {}\n  licence:     {}\n  attribution: {}\n  derivation:  {}\n",
            t.table, t.contents, t.origin, t.licence, t.attribution, t.derivation
        ));
        if t.table == "electricity" {
            match &data.electricity_override {
                Some(p) => s.push_str(&format!(
                    "  in use:      refreshed table {} (from `suanli data update electricity`)\n",
                    p.display()
                )),
                None => s.push_str("  in use:      built-in table\n"),
            }
        }
        s.push('\n');
    }
    emit(&s, None)
}

/// Fetches an export: over HTTP(S) for URLs, from disk otherwise.
fn fetch(source: &str) -> Result<String, CliError> {
    if source.starts_with("http://") || source.starts_with("https://") {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(120)))
            .build()
            .into();
        let mut response = agent
            .get(source)
            .call()
            .map_err(|e| CliError::Runtime(format!("failed to download {source}: {e}")))?;
        response
            .body_mut()
            .with_config()
            .limit(256 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| CliError::Runtime(format!("failed to download {source}: {e}")))
    } else {
        read_text(Path::new(source))
    }
}

fn update_electricity(from: &[String], out: Option<PathBuf>) -> Result<(), CliError> {
    let mut vintages = Vec::new();
    for source in from {
        let text = fetch(source)?;
        vintages.push(read_owid_csv(source, &text)?);
    }
    let table = aggregate(&vintages, &builtin_supplement());
    let path = match out {
        Some(p) => p,
        None => {
            let dir = data_dir().ok_or_else(|| {
                CliError::Usage("failed to find a data directory: set SUANLI_DATA_DIR".into())
            })?;
            std::fs::create_dir_all(&dir)
                .map_err(|e| CliError::Runtime(format!("failed to create {}: {e}", dir.display())))?;
            dir.join("electricity.csv")
        }
    };
    write_atomic(&path, table.to_csv().as_bytes())?;
    let regions = suanli_data::regions::DEFAULT_REGIONS;
    let mut summary = format!("wrote {} ({} rows)\n", path.display(), table.rows.len());
    for r in regions {
        if let Some(last) = table.last_year(r.id) {
            let row = table.region(r.id).find(|x| x.year == last).expect("last year exists");
            summary.push_str(&format!(
                "  {:<15} to {last}: {:>8.0} TWh ({:.1} % estimated)\n",
                r.name,
                row.total_twh(),
                100.0 * row.estimated_twh / row.total_twh().max(1e-9)
            ));
        }
    }
    eprint!("{summary}");
    Ok(())
}
