//! Every nation-model parameter, declared once: name, unit, scope, valid range and meaning.
//! Validation, `scenario new` and the docs are generated from this table.

/// Where a parameter lives in a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `[world]`: one value for the whole model.
    World,
    /// `[lines.ID]`: one value per chip line.
    Line,
    /// `[regions.ID]` or `[regions.all]`: one value per region.
    Region,
    /// `[regions.ID.import_cap_chips]`: one value per region and chip line.
    RegionLine,
}

/// Declaration of one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamDef {
    /// Key in the scenario file.
    pub name: &'static str,
    /// Unit, e.g. `GW/yr`; `1` for dimensionless ratios.
    pub unit: &'static str,
    /// Where it is set.
    pub scope: Scope,
    /// Smallest valid value.
    pub min: f64,
    /// Largest valid value.
    pub max: f64,
    /// Whether a scenario must set it (otherwise it has a documented default).
    pub required: bool,
    /// One-line meaning.
    pub description: &'static str,
}

const fn p(
    name: &'static str,
    unit: &'static str,
    scope: Scope,
    min: f64,
    max: f64,
    required: bool,
    description: &'static str,
) -> ParamDef {
    ParamDef { name, unit, scope, min, max, required, description }
}

/// All parameters.
pub const PARAMS: &[ParamDef] = &[
    p("accelerator_life_years", "yr", Scope::World, 1.0, 30.0, true, "service life of an accelerator; a chip shipped in year v runs through year v+life-1"),
    p("history_fleet_growth_factor", "1/yr", Scope::World, 1.0, 10.0, true, "yearly growth factor of fleets before the calibration year, used to back-cast history (2.3 = 2.3x per year)"),
    p("flops_per_chip", "FLOP/s", Scope::Line, 1e9, 1e20, true, "dense 16-bit FLOP/s of one chip shipped in that year"),
    p("tdp_w", "W", Scope::Line, 1.0, 1e5, true, "thermal design power of one chip shipped in that year"),
    p("price_usd", "USD", Scope::Line, 1.0, 1e8, true, "price of one chip shipped in that year, 2024 US dollars"),
    p("history_fleet_growth_factor", "1/yr", Scope::Line, 1.0, 10.0, false, "back-cast growth factor of this line's fleets; by default the [world] value"),
    p("production_cap_chips_per_year", "chips/yr", Scope::Line, 0.0, f64::INFINITY, false, "global production of the line; by default unlimited"),
    p("generation_growth_per_year", "1/yr", Scope::Region, -0.5, 2.0, false, "growth of electricity generation after the last reported year; by default the region's trailing five-year growth"),
    p("dc_share_max", "1", Scope::Region, 0.0, 1.0, true, "largest share of generation that data centres may use"),
    p("interconnect_gw_per_year", "GW/yr", Scope::Region, 0.0, 1e4, true, "largest yearly addition of grid-connected data-centre power"),
    p("conventional_dc_gw", "GW", Scope::Region, 0.0, 1e4, true, "conventional (non-AI) data-centre load"),
    p("pue", "1", Scope::Region, 1.0, 5.0, true, "power usage effectiveness: facility power / IT power"),
    p("server_overhead", "1", Scope::Region, 1.0, 5.0, true, "server power per accelerator TDP (CPU, memory, network)"),
    p("load_factor", "1", Scope::Region, 0.0, 1.0, true, "average draw of AI servers as a share of their all-in peak power"),
    p("utilisation", "1", Scope::Region, 0.0, 1.0, true, "share of peak FLOP/s turned into useful work"),
    p("max_unpowered_share", "1", Scope::Region, 0.0, 1.0, true, "largest share of the fleet's power demand that buyers let wait for grid power; no chips are bought beyond it (1: buy regardless)"),
    p("capex_usd_bn", "USD bn/yr", Scope::Region, 0.0, 1e6, true, "spending on AI accelerators, billion 2024 US dollars per year"),
    p("import_cap_chips", "chips/yr", Scope::RegionLine, 0.0, f64::INFINITY, false, "largest yearly purchase of a chip line made outside the region (export controls); by default unlimited"),
];

/// Looks a parameter up by name within a scope.
pub fn param(scope: Scope, name: &str) -> Option<&'static ParamDef> {
    PARAMS.iter().find(|p| p.scope == scope && p.name == name)
}

/// Names of the parameters of a scope.
pub fn names(scope: Scope) -> impl Iterator<Item = &'static str> {
    PARAMS.iter().filter(move |p| p.scope == scope).map(|p| p.name)
}
