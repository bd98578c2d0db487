//! The commented template written by `suanli scenario new`, generated from the parameter
//! table so that it always lists every parameter.

use crate::params::{Scope, PARAMS};

/// A scenario template that extends the baseline, with every parameter commented out.
pub fn template() -> String {
    let mut s = String::from(
        "# suanli scenario. Start from a built-in scenario and override what you need.\n\
         # A value is a number, or a table:\n\
         #   pue = 1.3                                             # constant\n\
         #   pue = { value = 1.3, source = \"where it comes from\" }\n\
         #   capex_usd_bn = { years = { 2025 = 100, 2030 = 200 } }  # per year, linear between\n\
         #   capex_usd_bn = { years = { 2025 = 100 }, growth_per_year = 0.1 }  # then +10 %/yr\n\
         #   capex_usd_bn = { value = 100, base_year = 2025, growth_per_year = 0.1 }\n\
         # An optional `unit = \"...\"` is checked against the parameter's unit.\n\n\
         name = \"my-scenario\"\n\
         description = \"What this scenario assumes.\"\n\
         extends = \"baseline\"  # or another built-in, or a path relative to this file\n\n\
         [years]\n# first = 2000\n# calibration = 2024\n# last = 2040\n",
    );
    let sections = [
        (Scope::World, "[world]"),
        (Scope::Line, "[lines.us_frontier]  # also: us_china_compliant, china_domestic, or a new line with `origin = \"REGION\"`"),
        (Scope::Region, "[regions.china]  # or [regions.all]; regions: china, united_states, european_union, india, japan, south_korea, taiwan, gulf_states, rest_of_world"),
        (Scope::RegionLine, "[regions.china.import_cap_chips]  # one key per chip line"),
    ];
    for (scope, header) in sections {
        s.push_str(&format!("\n{header}\n"));
        for p in PARAMS.iter().filter(|p| p.scope == scope) {
            let key = if scope == Scope::RegionLine { "us_frontier" } else { p.name };
            s.push_str(&format!("# {key} = ...  # {}, {}\n", p.unit, p.description));
        }
    }
    s
}
