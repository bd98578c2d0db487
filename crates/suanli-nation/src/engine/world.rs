//! Writing a region-year's values into the outcome, and World as the sum of regions.

use crate::outcome::{Binding, Outcome};

/// Values written per region-year.
pub(super) const VALUES: usize = 17;

/// Writes a region-year's values (in [`WorldSums`] order) into the outcome at `at`.
/// Inlined: as a call (144 a Monte Carlo draw) it cost 3 % of a draw's time.
#[inline(always)]
pub(super) fn write_values(out: &mut Outcome, at: usize, values: &[f64; VALUES]) {
    for (v, x) in [
        &mut out.generation_twh,
        &mut out.dc_power_gw,
        &mut out.conventional_dc_gw,
        &mut out.ai_power_demand_gw,
        &mut out.dc_electricity_twh,
        &mut out.accelerators,
        &mut out.installed_flops,
        &mut out.effective_flops,
        &mut out.stranded_flops,
        &mut out.shipped_flops,
        &mut out.shipped_domestic_flops,
        &mut out.shipped_chips,
        &mut out.shipped_domestic_chips,
        &mut out.spent_usd_bn,
        &mut out.installed_domestic_flops,
        &mut out.accelerators_domestic,
        &mut out.spent_domestic_usd_bn,
    ]
    .into_iter()
    .zip(values)
    {
        v[at] = *x;
    }
}

/// World = sum of regions, gathered while the regions are computed; its binding
/// constraint is the one that binds for the largest share of world installed compute.
#[derive(Default)]
pub(super) struct WorldSums {
    sums: [f64; VALUES],
    binding_weight: [f64; 3],
    projected: bool,
}

impl WorldSums {
    /// Adds a region-year's values (in [`write_values`] order).
    pub(super) fn add(&mut self, values: &[f64; VALUES], binding: Binding, projected: bool) {
        for (s, v) in self.sums.iter_mut().zip(values) {
            *s += v;
        }
        // values[6] is installed FLOP/s.
        self.binding_weight[binding as usize] += values[6];
        self.projected |= projected;
    }

    /// Writes the World entries at index `w`.
    pub(super) fn write(&self, out: &mut Outcome, w: usize) {
        write_values(out, w, &self.sums);
        out.generation_projected[w] = self.projected;
        let installed = out.installed_flops[w];
        out.powered_fraction[w] = if installed > 0.0 { 1.0 - out.stranded_flops[w] / installed } else { 1.0 };
        let weight = self.binding_weight;
        out.binding[w] = [Binding::Power, Binding::Chips, Binding::Capital]
            .into_iter()
            .max_by(|a, b| weight[*a as usize].total_cmp(&weight[*b as usize]).then(b.cmp(a)))
            .unwrap_or(Binding::Capital);
    }
}
