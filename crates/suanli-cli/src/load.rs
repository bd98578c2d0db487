//! Loading what commands run on: the data set (built-in, or refreshed by
//! `suanli data update`) and scenarios (built-in names or files).

use std::path::{Path, PathBuf};

use suanli_data::electricity::ElectricityTable;
use suanli_data::fleets::{builtin_fleets, FleetRow};
use suanli_scenario::builtin::{builtin_scenario, BUILTIN_NAMES};
use suanli_scenario::resolve::{resolve, DataSet, Resolved};
use suanli_scenario::SourceText;

use crate::error::CliError;

/// Tables the model runs on, and where the electricity table came from.
pub struct Data {
    /// Electricity generation.
    pub electricity: ElectricityTable,
    /// Fleet calibration.
    pub fleets: Vec<FleetRow>,
    /// Path of a user-refreshed electricity table, if one is in use.
    pub electricity_override: Option<PathBuf>,
}

/// Directory for refreshed data: `$SUANLI_DATA_DIR`, else `$XDG_DATA_HOME/suanli`, else
/// `~/.local/share/suanli`.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SUANLI_DATA_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return Some(PathBuf::from(d).join("suanli"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/suanli"))
}

/// Loads the data set, preferring a refreshed electricity table when there is one.
pub fn load_data() -> Result<Data, CliError> {
    let path = data_dir().map(|d| d.join("electricity.csv")).filter(|p| p.is_file());
    let electricity = match &path {
        Some(p) => {
            let text = read_text(p)?;
            ElectricityTable::from_csv(&p.display().to_string(), &text)?
        }
        None => ElectricityTable::builtin(),
    };
    Ok(Data { electricity, fleets: builtin_fleets(), electricity_override: path })
}

/// Reads a UTF-8 text file; unreadable or non-UTF-8 files are user errors.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::Usage(format!("failed to read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        CliError::Usage(format!(
            "{}:{line}:{column}: not UTF-8 text (invalid byte 0x{:02x} at offset {at})",
            path.display(),
            e.as_bytes()[at]
        ))
    })
}

/// Resolves a scenario given as a built-in name or a file path.
pub fn load_scenario(spec: &str, data: &Data) -> Result<Resolved, CliError> {
    let src = match builtin_scenario(spec) {
        Some(s) => s,
        None => {
            let path = Path::new(spec);
            if !path.exists() {
                return Err(CliError::Usage(format!(
                    "failed to find scenario `{spec}`: it is neither a built-in scenario ({}) nor a file",
                    BUILTIN_NAMES.join(", ")
                )));
            }
            SourceText { name: spec.to_string(), text: read_text(path)? }
        }
    };
    let mut loader = |name: &str, from: &SourceText| -> Result<SourceText, String> {
        let base = Path::new(&from.name).parent().unwrap_or(Path::new("."));
        let path = base.join(name);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(SourceText { name: path.display().to_string(), text })
    };
    let set = DataSet { electricity: &data.electricity, fleets: &data.fleets };
    Ok(resolve(src, &mut loader, set)?)
}
