//! The dashboard's sliders: broad changes to a scenario after its calibration year, each
//! a single number a user can move.

use suanli_scenario::model::NationInput;

/// Changes to every region or chip line after the calibration year. The default changes
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sliders {
    /// Added to every region's generation growth per year (0.01 = one more percentage
    /// point a year).
    pub generation_growth_delta: f64,
    /// Multiplies every region's data-centre grid connections per year.
    pub interconnect_factor: f64,
    /// Multiplies every import cap: below 1 tightens export controls, above 1 loosens them.
    pub export_cap_factor: f64,
    /// Multiplies the production capacity of every chip line whose output is capped (the
    /// domestic lines behind self-sufficiency).
    pub domestic_supply_factor: f64,
    /// Power usage effectiveness in every region; `None` keeps the scenario's.
    pub pue: Option<f64>,
    /// Added to the yearly growth of FLOP/s per chip of every line (0.05 = five points).
    pub chip_efficiency_growth_delta: f64,
}

impl Default for Sliders {
    fn default() -> Self {
        Sliders {
            generation_growth_delta: 0.0,
            interconnect_factor: 1.0,
            export_cap_factor: 1.0,
            domestic_supply_factor: 1.0,
            pue: None,
            chip_efficiency_growth_delta: 0.0,
        }
    }
}

impl Sliders {
    /// Valid range of each slider, by name: (min, max).
    pub const RANGES: [(&'static str, f64, f64); 6] = [
        ("generation_growth_delta", -0.05, 0.15),
        ("interconnect_factor", 0.0, 5.0),
        ("export_cap_factor", 0.0, 10.0),
        ("domestic_supply_factor", 0.0, 10.0),
        ("pue", 1.0, 3.0),
        ("chip_efficiency_growth_delta", -0.3, 0.5),
    ];

    /// Applies the sliders to the years after `input`'s calibration year.
    pub fn apply(&self, input: &mut NationInput) {
        let start = input.calibration_index() + 1;
        for region in &mut input.regions {
            // Growth only acts on projected generation; reported years stay data.
            region.generation_growth_per_year[start..]
                .iter_mut()
                .for_each(|g| *g += self.generation_growth_delta);
            region.interconnect_gw_per_year[start..].iter_mut().for_each(|v| *v *= self.interconnect_factor);
            if let Some(pue) = self.pue {
                region.pue[start..].iter_mut().for_each(|v| *v = pue);
            }
            for caps in &mut region.import_cap_chips {
                caps[start..].iter_mut().filter(|v| v.is_finite()).for_each(|v| *v *= self.export_cap_factor);
            }
        }
        for line in &mut input.lines {
            line.production_cap_chips[start..]
                .iter_mut()
                .filter(|v| v.is_finite())
                .for_each(|v| *v *= self.domestic_supply_factor);
            let mut factor = 1.0;
            for flops in &mut line.flops_per_chip[start..] {
                factor *= 1.0 + self.chip_efficiency_growth_delta;
                *flops *= factor;
            }
        }
    }
}
