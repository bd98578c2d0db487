//! `suanli claims`: quantitative claims from the public debate, each checked against the
//! data and every built-in scenario, with what would have to be true for it to hold.

use std::path::Path;

use suanli_mc::run::{monte_carlo, McConfig, Model};
use suanli_nation::claims::{compile, evaluate, Claim, ClaimResult, ClaimsFile, Test};
use suanli_scenario::builtin::BUILTIN_NAMES;
use suanli_scenario::resolve::Resolved;

use crate::error::CliError;
use crate::load::{load_data, load_scenario, read_text, Data};
use crate::output::emit;
use crate::race::ATTRIBUTION;
use crate::table::pct;
use crate::Format;

/// The built-in claims file.
const BUILTIN_CLAIMS: &str = include_str!("../../suanli-data/data/claims.toml");

/// The built-in claims.
pub fn builtin_claims() -> Result<Vec<Claim>, CliError> {
    parse_claims("built-in claims.toml", BUILTIN_CLAIMS)
}

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

/// Claims evaluated under `scenario` first and every built-in scenario.
pub struct Evaluated {
    /// The claims evaluated.
    pub claims: Vec<Claim>,
    /// Their results, in the same order.
    pub results: Vec<ClaimResult>,
    /// The resolved primary scenario.
    pub primary: Resolved,
    /// Ids of the claims left out because they do not fit the primary scenario.
    pub left_out: Vec<String>,
}

/// Claims (built-in, plus a user file) evaluated under `scenario` first and every built-in
/// scenario. Built-in claims that do not fit the primary scenario (a year it does not
/// cover, a region it lacks) are left out and listed; so are the user's own with
/// `skip_unfit_user_claims`, which otherwise fail with their reason.
pub fn evaluate_claims(
    scenario: &str,
    claims_file: Option<&Path>,
    data: &Data,
    skip_unfit_user_claims: bool,
) -> Result<Evaluated, CliError> {
    let primary = load_scenario(scenario, data)?;
    let mut left_out = Vec::new();
    let mut claims = builtin_claims()?;
    drop_unfit(&mut claims, &primary, &mut left_out);
    let mut text_of_user_file = None;
    if let Some(path) = claims_file {
        let text = read_text(path)?;
        let mut own = parse_claims(&path.display().to_string(), &text)?;
        if skip_unfit_user_claims {
            drop_unfit(&mut own, &primary, &mut left_out);
        }
        claims.extend(own);
        text_of_user_file = Some((path.display().to_string(), text));
    }
    let mut names = vec![scenario.to_string()];
    names.extend(BUILTIN_NAMES.iter().filter(|n| **n != scenario).map(|n| n.to_string()));
    let mut inputs = vec![primary.input.clone()];
    for n in &names[1..] {
        inputs.push(load_scenario(n, data)?.input);
    }
    let results = evaluate(&claims, &inputs).map_err(|e| {
        // Point at the claim's `id` line in the user's file when it is there.
        let place = text_of_user_file
            .as_ref()
            .and_then(|(name, text)| text.find(&format!("\"{}\"", e.id)).map(|o| (name, line_col(text, o))))
            .map_or(String::new(), |(name, (l, c))| format!("{name}:{l}:{c}: "));
        CliError::Usage(format!("{place}failed to evaluate claim `{}`: {}", e.id, e.message))
    })?;
    Ok(Evaluated { claims, results, primary, left_out })
}

/// Removes the claims that do not fit `primary` (a year it does not cover, a region it
/// lacks), adding their ids to `left_out`.
fn drop_unfit(claims: &mut Vec<Claim>, primary: &Resolved, left_out: &mut Vec<String>) {
    claims.retain(|c| {
        let fits = compile(c, &primary.input).is_ok();
        if !fits {
            left_out.push(c.id.clone());
        }
        fits
    });
}

/// Claims compiled against a scenario, for Monte Carlo.
pub fn compile_claims(claims: &[Claim], resolved: &Resolved) -> Result<Vec<(String, Test)>, CliError> {
    claims
        .iter()
        .map(|c| compile(c, &resolved.input).map(|t| (c.id.clone(), t)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::Usage(format!("failed to evaluate claim `{}`: {}", e.id, e.message)))
}

pub fn run(
    scenario: &str,
    claims_file: Option<&Path>,
    draws: u64,
    seed: u64,
    format: Format,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let data = load_data()?;
    let Evaluated { claims, results, primary, left_out } =
        evaluate_claims(scenario, claims_file, &data, false)?;
    if !left_out.is_empty() {
        eprintln!(
            "note: {} built-in claim(s) left out: {} does not cover them ({})",
            left_out.len(),
            primary.input.name,
            left_out.join(", ")
        );
    }
    // Verdict shares over Monte Carlo draws of the primary scenario's uncertain parameters.
    let odds = if draws > 0 && !primary.uncertainty.is_empty() {
        let tests = compile_claims(&claims, &primary)?;
        let model = Model::new(&primary.input, &primary.uncertainty);
        monte_carlo(&model, &McConfig { draws, seed, pairs: vec![], claims: tests }, &|_| {}).claims
    } else {
        Vec::new()
    };
    let text = match format {
        Format::Json => {
            let mut value = serde_json::to_value(&results).map_err(|e| CliError::Runtime(e.to_string()))?;
            if let Some(items) = value.as_array_mut() {
                for (item, o) in items.iter_mut().zip(&odds) {
                    item["probability"] = serde_json::json!({
                        "scenario": primary.input.name,
                        "draws": draws,
                        "seed": seed,
                        "holds": o.holds,
                        "partly": o.partly,
                        "fails": o.fails,
                    });
                }
            }
            serde_json::to_string_pretty(&value).map_err(|e| CliError::Runtime(e.to_string()))? + "\n"
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
                if let Some(o) = odds.iter().find(|o| o.id == r.id) {
                    s.push_str(&format!(
                        "        under the uncertain {} ({draws} draws): holds {}, partly {}, fails {}\n",
                        r.scenario,
                        pct(o.holds),
                        pct(o.partly),
                        pct(o.fails)
                    ));
                }
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
