//! The built-in scenarios, compiled into the binary.

use crate::diag::SourceText;

/// Names of the built-in scenarios, baseline first.
pub const BUILTIN_NAMES: [&str; 5] =
    ["baseline", "export-controls-tight", "us-grid-unlocked", "china-self-sufficiency", "china-3x-power"];

const TEXTS: [&str; 5] = [
    include_str!("../scenarios/baseline.toml"),
    include_str!("../scenarios/export-controls-tight.toml"),
    include_str!("../scenarios/us-grid-unlocked.toml"),
    include_str!("../scenarios/china-self-sufficiency.toml"),
    include_str!("../scenarios/china-3x-power.toml"),
];

/// The text of a built-in scenario, named `built-in NAME` in diagnostics.
pub fn builtin_scenario(name: &str) -> Option<SourceText> {
    BUILTIN_NAMES
        .iter()
        .position(|n| *n == name)
        .map(|i| SourceText { name: format!("built-in {name}"), text: TEXTS[i].to_string() })
}
