//! Reads a site file and the profiles it names (relative to it) from disk; the checking
//! is [`suanli_site::file::parse_site`]. Network files read their profiles the same way.

use std::path::Path;

pub use suanli_site::file::LoadedSite;

use crate::error::CliError;
use crate::load::read_text;

/// Reads and checks a site file and its profiles.
pub fn load_site(path: &Path) -> Result<LoadedSite, CliError> {
    let text = read_text(path)?;
    suanli_site::file::parse_site(&path.display().to_string(), &text, &mut beside(path))
        .map_err(CliError::Usage)
}

/// Reads files named in the file at `path`, relative to it: their display names and texts.
pub fn beside(path: &Path) -> impl FnMut(&str) -> Result<(String, String), String> + '_ {
    let base = path.parent().unwrap_or(Path::new("."));
    move |name: &str| {
        let p = base.join(name);
        read_text(&p)
            .map(|t| (p.display().to_string(), t))
            .map_err(|e| e.to_string().trim_start_matches("error: ").to_string())
    }
}
