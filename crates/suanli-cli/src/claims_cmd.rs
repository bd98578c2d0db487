use crate::{error::CliError, Format};
use std::path::Path;
pub fn run(_s: &str, _c: Option<&Path>, _f: Format, _o: Option<&Path>) -> Result<(), CliError> {
    Ok(())
}
