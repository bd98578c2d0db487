//! `suanli claims`: quantitative claims from the public debate, each checked against the
//! data and every built-in scenario, with what would have to be true for it to hold.

use std::path::Path;

use suanli_nation::claims::{evaluate, Claim, ClaimsFile};
use suanli_scenario::builtin::BUILTIN_NAMES;

use crate::error::CliError;
use crate::load::{load_data, load_scenario, read_text};
use crate::output::emit;
use crate::race::ATTRIBUTION;
use crate::Format;

/// The built-in claims file.
const BUILTIN_CLAIMS: &str = include_str!("../../suanli-data/data/claims.toml");

/// Parses a claims file; errors name the file, line and column.
fn parse_claims(name: &str, text: &str) -> Result<Vec<Claim>, CliError> {
    toml::from_str::<ClaimsFile>(text).map(|f| f.claim).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        CliError::Usage(format!("{name}:{line}:{column}: failed to read claims: {}", e.message().trim()))
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, column)
}

pub fn run(
    scenario: &str,
    claims_file: Option<&Path>,
    format: Format,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let mut claims = parse_claims("built-in claims.toml", BUILTIN_CLAIMS)?;
    let mut text_of_user_file = None;
    if let Some(path) = claims_file {
        let text = read_text(path)?;
        claims.extend(parse_claims(&path.display().to_string(), &text)?);
        text_of_user_file = Some((path.display().to_string(), text));
    }
    let data = load_data()?;
    let mut names = vec![scenario.to_string()];
    names.extend(BUILTIN_NAMES.iter().filter(|n| **n != scenario).map(|n| n.to_string()));
    let inputs =
        names.iter().map(|n| load_scenario(n, &data).map(|r| r.input)).collect::<Result<Vec<_>, _>>()?;
    let results = evaluate(&claims, &inputs).map_err(|e| {
        // Point at the claim's `id` line in the user's file when it is there.
        let place = text_of_user_file
            .as_ref()
            .and_then(|(name, text)| text.find(&format!("\"{}\"", e.id)).map(|o| (name, line_col(text, o))))
            .map_or(String::new(), |(name, (l, c))| format!("{name}:{l}:{c}: "));
        CliError::Usage(format!("{place}failed to evaluate claim `{}`: {}", e.id, e.message))
    })?;
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&results).map_err(|e| CliError::Runtime(e.to_string()))? + "\n"
        }
        Format::Table | Format::Csv => {
            if format == Format::Csv {
                return Err(CliError::Usage(
                    "failed to write claims as CSV: use --format table or json".into(),
                ));
            }
            let mut s = String::new();
            for r in &results {
                let verdict = r.verdict.as_str().to_uppercase();
                s.push_str(&format!("{verdict:<7} {}\n        \"{}\" ({})\n", r.id, r.statement, r.said_by));
                s.push_str(&format!("        under {}: {}\n", r.scenario, r.detail));
                for f in r.by_scenario.iter().skip(1) {
                    s.push_str(&format!(
                        "        under {}: {}: {}\n",
                        f.scenario,
                        f.verdict.as_str(),
                        f.detail
                    ));
                }
                if let Some(n) = &r.needed {
                    s.push_str(&format!("        would need: {n}\n"));
                }
                s.push('\n');
            }
            s.push_str(ATTRIBUTION);
            s.push('\n');
            s
        }
    };
    emit(&text, out)
}
