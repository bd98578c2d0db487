//! The merit order: the surviving cohorts of chips, most efficient first, in which
//! operators power them when power is short.

use super::{Cohort, LineYear};

/// Moves the merit order to year `i`: drops the vintage retired this year and inserts
/// this year's, keeping cohorts sorted by FLOP/s per watt, best first. Operators power the
/// most efficient chips first; with this merit order, adding chips or power never lowers
/// effective compute. The order is the same in every region: a region's server overhead
/// and PUE scale every chip's power alike.
pub(super) fn update_merit_order(
    lines_now: &[LineYear],
    regions: usize,
    i: usize,
    life: usize,
    cohorts: &mut [Cohort],
    merit: &mut Vec<(f64, u32)>,
) {
    let nl = lines_now.len();
    // Ids are vintage * lines + line: the surviving vintages are the ids from here on.
    // Where each cohort lands differs from draw to draw, so the loops below choose with
    // arithmetic and selects rather than branches (a mispredicted branch costs ~20 cycles,
    // and a merit order takes a dozen of them a year) and move entries themselves rather
    // than calling memmove for a few bytes.
    let first_alive = ((i + 1).saturating_sub(life) * nl) as u32;
    let mut kept = 0;
    for k in 0..merit.len() {
        let entry = merit[k];
        merit[kept] = entry;
        kept += usize::from(entry.1 >= first_alive);
    }
    merit.truncate(kept);
    for (l, line) in lines_now.iter().enumerate() {
        let (flops_per_chip, tdp_w) = (line.flops_per_chip, line.tdp_w);
        let efficiency = flops_per_chip / tdp_w;
        let id = i * nl + l;
        cohorts[id] = Cohort { flops_per_chip, tdp_w, shipped_at: i * regions * nl + l };
        // After equals: the order among equally efficient chips does not change the result.
        // The order is sorted, so the entries at least as efficient are the ones before.
        let at = merit.iter().map(|m| usize::from(m.0 >= efficiency)).sum::<usize>();
        let new = (efficiency, id as u32);
        merit.push(new);
        for k in (1..merit.len()).rev() {
            let shifted = if k > at { merit[k - 1] } else { merit[k] };
            merit[k] = shifted;
        }
        merit[at] = new;
    }
}
