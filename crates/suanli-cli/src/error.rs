//! Errors of the command line and their exit codes: 2 for anything the user can fix in
//! their input, 1 for everything else.

use std::fmt;

use suanli_data::DataError;
use suanli_scenario::ScenarioError;

/// An error that ends the command.
#[derive(Debug)]
pub enum CliError {
    /// A scenario file has problems.
    Scenario(ScenarioError),
    /// A data file has a problem.
    Data(DataError),
    /// Any other mistake in what the user asked for.
    Usage(String),
    /// Something outside the user's input failed (I/O, network).
    Runtime(String),
}

impl CliError {
    /// Process exit status.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Runtime(_) => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Scenario(e) => write!(f, "{e}"),
            CliError::Data(e) => write!(f, "error: {e}"),
            CliError::Usage(m) | CliError::Runtime(m) => write!(f, "error: {m}"),
        }
    }
}

impl From<ScenarioError> for CliError {
    fn from(e: ScenarioError) -> Self {
        CliError::Scenario(e)
    }
}

impl From<DataError> for CliError {
    fn from(e: DataError) -> Self {
        CliError::Data(e)
    }
}
