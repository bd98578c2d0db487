//! Query parameters of the dashboard API: the scenario, the sliders and a few options,
//! each checked against its range.

use std::collections::HashMap;

use suanli_nation::sliders::Sliders;

/// Query parameters every endpoint accepts besides its own.
pub const SLIDER_NAMES: [&str; 6] = [
    "generation_growth_delta",
    "interconnect_factor",
    "export_cap_factor",
    "domestic_supply_factor",
    "pue",
    "chip_efficiency_growth_delta",
];

/// Reads the sliders from query parameters; unknown keys (other than `allowed`) and values
/// that are not numbers in range are errors with a message for the user.
pub fn parse(query: &HashMap<String, String>, allowed: &[&str]) -> Result<Sliders, String> {
    for key in query.keys() {
        if !SLIDER_NAMES.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
            let mut known: Vec<&str> = allowed.to_vec();
            known.extend(SLIDER_NAMES);
            return Err(format!("unknown parameter `{key}`; known: {}", known.join(", ")));
        }
    }
    let mut s = Sliders::default();
    for (name, lo, hi) in Sliders::RANGES {
        let Some(text) = query.get(name) else { continue };
        let v: f64 = text.parse().map_err(|_| format!("`{name}` must be a number, got `{text}`"))?;
        if !(lo..=hi).contains(&v) {
            return Err(format!("`{name}` must be between {lo} and {hi}, got {v}"));
        }
        match name {
            "generation_growth_delta" => s.generation_growth_delta = v,
            "interconnect_factor" => s.interconnect_factor = v,
            "export_cap_factor" => s.export_cap_factor = v,
            "domestic_supply_factor" => s.domestic_supply_factor = v,
            "pue" => s.pue = Some(v),
            _ => s.chip_efficiency_growth_delta = v,
        }
    }
    Ok(s)
}

/// An integer parameter in `lo..=hi`, or `default` when absent.
pub fn integer(
    query: &HashMap<String, String>,
    name: &str,
    default: i64,
    lo: i64,
    hi: i64,
) -> Result<i64, String> {
    let Some(text) = query.get(name) else { return Ok(default) };
    let v: i64 = text.parse().map_err(|_| format!("`{name}` must be a whole number, got `{text}`"))?;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!("`{name}` must be between {lo} and {hi}, got {v}"))
    }
}
