//! The yearly stock-flow of the nation model (DESIGN.md, "Nation model").
//!
//! For region r and year t, with chip lines k and vintages v:
//!
//! ```text
//! G[r,t]      = reported, or G[r,t-1] * (1 + g[r,t])                          TWh
//! S[r,t,k]    = t <= calibration: fleet back-cast from data
//!               else: budget capex[r,t] / price[k,t], cheapest FLOP/s first,
//!                     capped by import_cap[r,k,t] (k made elsewhere), by the power the
//!                     grid can connect this year / (1 - max_unpowered_share) less what
//!                     older chips draw, and, pro rata across buyers, by
//!                     production_cap[k,t]                                     chips
//! N[r,t,k,v]  = S[r,v,k] for t - life < v <= t                                 chips
//! P_fleet     = sum N * tdp[k,v] * server_overhead * pue                       GW
//! Pdc_cap     = t <= calibration: P_conv + P_fleet (history was powered)
//!               else min(dc_share_max * G / 8.76,
//!                        max(Pdc_cap[t-1], min(P_conv + P_fleet, Pdc_cap[t-1] + interconnect)))
//! P_ai        = max(0, Pdc_cap - P_conv);   phi = min(1, P_ai / P_fleet)
//! C_inst      = sum N * flops[k,v]
//! C_powered   = FLOP/s of the cohorts P_ai can run, most FLOP/s per watt first (= C_inst if phi = 1)
//! C_eff       = C_powered * utilisation;  stranded = C_inst - C_powered
//! E_dc        = phi * P_fleet * load_factor * 8.76 + P_conv * 8.76            TWh
//! binding     = power if phi < 1 or power cut purchases, chips if supply caps cut
//!               purchases, else capital
//! ```
//!
//! Data-centre capacity follows demand: it is built when needed, as fast as the grid
//! allows, rather than at the interconnection limit every year.

use suanli_scenario::model::NationInput;

use crate::outcome::{Binding, Outcome, H100_FLOPS};

/// Hours per year divided by 1000: GW times this is TWh per year.
const TWH_PER_GW_YEAR: f64 = 8.76;

/// Relative tolerance below which a constraint does not count as binding.
const BIND_TOLERANCE: f64 = 1e-9;

/// Runs the model over all regions and years.
pub fn simulate(input: &NationInput) -> Outcome {
    let mut sim = Simulation::new(input);
    sim.run(input, 0..input.years());
    sim.out
}

/// The state of a run: the outcome so far, shipments by vintage and the running sums of
/// the surviving fleet, plus scratch space. Reused across runs of inputs of the same shape,
/// it makes a run allocation-free (Monte Carlo runs the model a million times).
#[derive(Debug, Clone)]
pub struct Simulation {
    out: Outcome,
    /// Shipments in chips by [region][line][year].
    shipped: Vec<f64>,
    /// Running sums over the surviving vintages of each region and line: chips, FLOP/s and
    /// TDP (W). Kept incrementally so that a year costs O(lines), not O(lines x life).
    win_chips: Vec<f64>,
    win_flops: Vec<f64>,
    win_tdp_w: Vec<f64>,
    /// history_scale[l][k] = growth_l^-k: the calibrated fleet k years before calibration.
    history_scale: Vec<Vec<f64>>,
    /// Lines ordered by FLOP/s per dollar, best first (same for every buyer).
    order: Vec<usize>,
    budget: Vec<f64>,
    chips_capped: Vec<bool>,
    power_capped: Vec<bool>,
    headroom_w: Vec<f64>,
    demand: Vec<f64>,
    /// Surviving (FLOP/s per W of TDP, line, vintage) of the current year, most efficient
    /// first; kept up to date year by year (retire the oldest, insert the newest).
    merit: Vec<(f64, usize, usize)>,
}

/// The model run through the calibration year, kept to project many variants of one
/// scenario that differ only after it (Monte Carlo draws, sensitivity swings).
#[derive(Debug, Clone)]
pub struct History {
    after_calibration: Simulation,
}

impl History {
    /// Runs the years up to and including the calibration year of `input`.
    pub fn new(input: &NationInput) -> Self {
        let mut sim = Simulation::new(input);
        sim.run(input, 0..input.calibration_index() + 1);
        History { after_calibration: sim }
    }

    /// A simulation to pass to [`History::project`]; one per thread.
    pub fn scratch(&self) -> Simulation {
        self.after_calibration.clone()
    }

    /// Runs the years after the calibration year of `input`, which must equal the input
    /// this history was made from in every value up to the calibration year, in its
    /// chip lines' history growth factors and in the accelerator life (unchecked: results
    /// would mix two scenarios). Costs about what the projected years cost.
    pub fn project<'a>(&self, input: &NationInput, sim: &'a mut Simulation) -> &'a Outcome {
        let from = &self.after_calibration;
        sim.win_chips.copy_from_slice(&from.win_chips);
        sim.win_flops.copy_from_slice(&from.win_flops);
        sim.win_tdp_w.copy_from_slice(&from.win_tdp_w);
        sim.merit.clone_from(&from.merit);
        sim.run(input, input.calibration_index() + 1..input.years());
        &sim.out
    }
}

impl Simulation {
    /// Empty state for `input`'s shape.
    fn new(input: &NationInput) -> Self {
        let ny = input.years();
        let nr = input.regions.len();
        let nl = input.lines.len();
        let life = input.accelerator_life_years.max(1) as usize;
        let total = (nr + 1) * ny;
        let cal_index = input.calibration_index();
        let out = Outcome {
            scenario: input.name.clone(),
            first_year: input.first_year,
            calibration_year: input.calibration_year,
            years: ny,
            regions: input
                .regions
                .iter()
                .map(|r| r.name.clone())
                .chain([suanli_data::regions::WORLD.to_string()])
                .collect(),
            generation_twh: vec![0.0; total],
            generation_projected: vec![false; total],
            dc_power_gw: vec![0.0; total],
            conventional_dc_gw: vec![0.0; total],
            ai_power_demand_gw: vec![0.0; total],
            powered_fraction: vec![1.0; total],
            dc_electricity_twh: vec![0.0; total],
            accelerators: vec![0.0; total],
            installed_flops: vec![0.0; total],
            effective_flops: vec![0.0; total],
            stranded_flops: vec![0.0; total],
            shipped_flops: vec![0.0; total],
            shipped_domestic_flops: vec![0.0; total],
            shipped_chips: vec![0.0; total],
            shipped_domestic_chips: vec![0.0; total],
            spent_usd_bn: vec![0.0; total],
            binding: vec![Binding::Capital; total],
        };
        let history_scale = input
            .lines
            .iter()
            .map(|line| {
                let growth = line.history_fleet_growth_factor.unwrap_or(input.history_fleet_growth_factor);
                let mut v = Vec::with_capacity(cal_index + 1);
                let mut x = 1.0;
                for _ in 0..=cal_index {
                    v.push(x);
                    x /= growth;
                }
                v
            })
            .collect();
        Simulation {
            out,
            shipped: vec![0.0; nr * nl * ny],
            win_chips: vec![0.0; nr * nl],
            win_flops: vec![0.0; nr * nl],
            win_tdp_w: vec![0.0; nr * nl],
            history_scale,
            order: (0..nl).collect(),
            budget: vec![0.0; nr],
            chips_capped: vec![false; nr],
            power_capped: vec![false; nr],
            headroom_w: vec![0.0; nr],
            demand: vec![0.0; nr],
            merit: Vec::with_capacity(nl * life),
        }
    }

    /// Runs the years `years` (indices), which must follow the years already run.
    fn run(&mut self, input: &NationInput, years: std::ops::Range<usize>) {
        for i in years {
            self.year(input, i);
        }
    }

    /// One year: generation, retirements, purchases, then fleet, power and compute.
    fn year(&mut self, input: &NationInput, i: usize) {
        let ny = input.years();
        let nl = input.lines.len();
        let life = input.accelerator_life_years.max(1) as usize;
        let cal_index = input.calibration_index();
        let ship = |r: usize, l: usize, i: usize| (r * nl + l) * ny + i;
        let year = input.first_year + i as i32;
        let Simulation {
            out,
            shipped,
            win_chips,
            win_flops,
            win_tdp_w,
            history_scale,
            order,
            budget,
            chips_capped,
            power_capped,
            headroom_w,
            demand,
            merit,
        } = self;
        update_merit_order(input, i, life, merit);
        for (r, region) in input.regions.iter().enumerate() {
            let at = r * ny + i;
            out.generation_twh[at] = if year <= region.last_reported_year {
                region.generation_reported_twh.get(i).copied().unwrap_or(0.0)
            } else {
                out.generation_twh[at - 1] * (1.0 + region.generation_growth_per_year[i])
            };
            out.generation_projected[at] = year > region.last_reported_year;
            chips_capped[r] = false;
            power_capped[r] = false;
            budget[r] = 0.0;
        }
        // Retire the vintage that reaches the end of its life this year.
        if i >= life {
            let v = i - life;
            for r in 0..input.regions.len() {
                for (l, line) in input.lines.iter().enumerate() {
                    let n = shipped[ship(r, l, v)];
                    let k = r * nl + l;
                    win_chips[k] -= n;
                    win_flops[k] -= n * line.flops_per_chip[v];
                    win_tdp_w[k] -= n * line.tdp_w[v];
                }
            }
        }
        if i <= cal_index {
            for r in 0..input.regions.len() {
                let region = &input.regions[r];
                for (l, line) in input.lines.iter().enumerate() {
                    let target_h100e = region.calibration_fleet_h100e[l] * history_scale[l][cal_index - i];
                    let surviving_h100e = win_flops[r * nl + l] / H100_FLOPS;
                    let new_h100e = (target_h100e - surviving_h100e).max(0.0);
                    shipped[ship(r, l, i)] = new_h100e * H100_FLOPS / line.flops_per_chip[i];
                }
            }
        } else {
            order.sort_by(|&a, &b| {
                let value = |l: usize| input.lines[l].flops_per_chip[i] / input.lines[l].price_usd[i];
                value(b).total_cmp(&value(a)).then(a.cmp(&b))
            });
            for (r, region) in input.regions.iter().enumerate() {
                budget[r] = region.capex_usd_bn[i] * 1e9;
                let older_tdp_w: f64 = win_tdp_w[r * nl..(r + 1) * nl].iter().sum();
                headroom_w[r] = power_headroom_w(input, out, older_tdp_w, r, i);
            }
            for &l in order.iter() {
                let line = &input.lines[l];
                let price = line.price_usd[i];
                let mut total_demand = 0.0;
                for (r, region) in input.regions.iter().enumerate() {
                    let wanted = budget[r] / price;
                    let cap =
                        if line.origin == Some(r) { f64::INFINITY } else { region.import_cap_chips[l][i] };
                    let chip_w = line.tdp_w[i] * region.server_overhead[i] * region.pue[i];
                    let powerable = headroom_w[r] / chip_w;
                    if cap < wanted * (1.0 - BIND_TOLERANCE) {
                        chips_capped[r] = true;
                    }
                    if powerable < wanted.min(cap) * (1.0 - BIND_TOLERANCE) {
                        power_capped[r] = true;
                    }
                    demand[r] = wanted.min(cap).min(powerable);
                    total_demand += demand[r];
                }
                let supply = line.production_cap_chips[i];
                let scale = if total_demand > supply { supply / total_demand } else { 1.0 };
                for (r, region) in input.regions.iter().enumerate() {
                    if scale < 1.0 && demand[r] > 0.0 {
                        chips_capped[r] = true;
                    }
                    let bought = demand[r] * scale;
                    shipped[ship(r, l, i)] = bought;
                    budget[r] = (budget[r] - bought * price).max(0.0);
                    headroom_w[r] -= bought * line.tdp_w[i] * region.server_overhead[i] * region.pue[i];
                }
            }
        }

        for (r, region) in input.regions.iter().enumerate() {
            let at = r * ny + i;
            let generation = out.generation_twh[at];

            // Fleet, power and compute over surviving vintages: add this year's shipments
            // to the running sums.
            let watts_per_tdp_w = region.server_overhead[i] * region.pue[i];
            let (mut chips, mut flops, mut tdp_w, mut spent_usd) = (0.0, 0.0, 0.0, 0.0);
            let (mut new_flops, mut new_dom_flops, mut new_chips, mut new_dom_chips) = (0.0, 0.0, 0.0, 0.0);
            for (l, line) in input.lines.iter().enumerate() {
                let n = shipped[ship(r, l, i)];
                let k = r * nl + l;
                win_chips[k] += n;
                win_flops[k] += n * line.flops_per_chip[i];
                win_tdp_w[k] += n * line.tdp_w[i];
                chips += win_chips[k];
                flops += win_flops[k];
                tdp_w += win_tdp_w[k];
                new_chips += n;
                new_flops += n * line.flops_per_chip[i];
                if line.origin == Some(r) {
                    new_dom_chips += n;
                    new_dom_flops += n * line.flops_per_chip[i];
                }
                spent_usd += n * line.price_usd[i];
            }
            let fleet_gw = tdp_w * watts_per_tdp_w / 1e9;
            let conventional_gw = region.conventional_dc_gw[i];
            let required_gw = conventional_gw + fleet_gw;
            let capacity_gw = if i <= cal_index {
                required_gw
            } else {
                let previous = out.dc_power_gw[at - 1];
                let grown = required_gw.min(previous + region.interconnect_gw_per_year[i]).max(previous);
                grown.min(region.dc_share_max[i] * generation / TWH_PER_GW_YEAR)
            };
            let ai_available_gw = (capacity_gw - conventional_gw).max(0.0);
            let (phi, powered_flops) = if fleet_gw <= ai_available_gw {
                (1.0, flops)
            } else {
                // Power is short: run the most efficient cohorts (line, vintage) first.
                let mut left_w = ai_available_gw * 1e9;
                let mut powered_flops = 0.0;
                for &(_, l, v) in merit.iter() {
                    let n = shipped[ship(r, l, v)];
                    let line = &input.lines[l];
                    let watts = n * line.tdp_w[v] * watts_per_tdp_w;
                    if watts <= left_w {
                        powered_flops += n * line.flops_per_chip[v];
                        left_w -= watts;
                    } else {
                        powered_flops += n * line.flops_per_chip[v] * (left_w / watts);
                        break;
                    }
                }
                (ai_available_gw / fleet_gw, powered_flops)
            };

            out.dc_power_gw[at] = capacity_gw;
            out.conventional_dc_gw[at] = conventional_gw;
            out.ai_power_demand_gw[at] = fleet_gw;
            out.powered_fraction[at] = phi;
            out.dc_electricity_twh[at] =
                (phi * fleet_gw * region.load_factor[i] + conventional_gw) * TWH_PER_GW_YEAR;
            out.accelerators[at] = chips;
            out.installed_flops[at] = flops;
            out.effective_flops[at] = powered_flops * region.utilisation[i];
            out.stranded_flops[at] = (flops - powered_flops).max(0.0);
            out.shipped_flops[at] = new_flops;
            out.shipped_domestic_flops[at] = new_dom_flops;
            out.shipped_chips[at] = new_chips;
            out.shipped_domestic_chips[at] = new_dom_chips;
            out.spent_usd_bn[at] = spent_usd / 1e9;
            let unspent = budget[r] > BIND_TOLERANCE * region.capex_usd_bn[i] * 1e9;
            out.binding[at] = if phi < 1.0 - BIND_TOLERANCE || (power_capped[r] && unspent) {
                Binding::Power
            } else if chips_capped[r] && unspent {
                Binding::Chips
            } else {
                Binding::Capital
            };
        }
        sum_world(out, input.regions.len(), i);
    }
}

/// Power, in W, that region `r` can still give to chips bought in year `i`: the most AI
/// power the grid can connect this year, allowing `max_unpowered_share` of the fleet to
/// wait for power, less what the surviving older chips draw (`older_tdp_w`, W of TDP).
fn power_headroom_w(input: &NationInput, out: &Outcome, older_tdp_w: f64, r: usize, i: usize) -> f64 {
    let region = &input.regions[r];
    let unpowered = region.max_unpowered_share[i];
    if unpowered >= 1.0 {
        return f64::INFINITY;
    }
    let at = r * input.years() + i;
    let share_cap_gw = region.dc_share_max[i] * out.generation_twh[at] / TWH_PER_GW_YEAR;
    let capacity_gw = (out.dc_power_gw[at - 1] + region.interconnect_gw_per_year[i]).min(share_cap_gw);
    let ai_w = (capacity_gw - region.conventional_dc_gw[i]).max(0.0) * 1e9;
    let old_w = older_tdp_w * region.server_overhead[i] * region.pue[i];
    (ai_w / (1.0 - unpowered) - old_w).max(0.0)
}

/// Moves the merit order to year `i`: drops the vintage retired this year and inserts
/// this year's, keeping (line, vintage) pairs sorted by FLOP/s per watt, best first.
/// Operators power the most efficient chips first; with this merit order, adding chips or
/// power never lowers effective compute. The order is the same in every region: a
/// region's server overhead and PUE scale every chip's power alike.
fn update_merit_order(input: &NationInput, i: usize, life: usize, merit: &mut Vec<(f64, usize, usize)>) {
    merit.retain(|&(_, _, v)| v + life > i);
    for (l, line) in input.lines.iter().enumerate() {
        let efficiency = line.flops_per_chip[i] / line.tdp_w[i];
        // After equals: the order among equally efficient chips does not change the result.
        let at = merit.partition_point(|&(e, _, _)| e >= efficiency);
        merit.insert(at, (efficiency, l, i));
    }
}

/// World = sum of regions; its binding constraint is the one that binds for the largest
/// share of world installed compute. Overwrites the World entries of year `i`.
fn sum_world(out: &mut Outcome, nr: usize, i: usize) {
    let ny = out.years;
    let w = nr * ny + i;
    for v in [
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
    ] {
        v[w] = (0..nr).map(|r| v[r * ny + i]).sum();
    }
    let mut weight = [0.0f64; 3];
    let mut projected = false;
    for r in 0..nr {
        let at = r * ny + i;
        projected |= out.generation_projected[at];
        weight[out.binding[at] as usize] += out.installed_flops[at];
    }
    out.generation_projected[w] = projected;
    let installed = out.installed_flops[w];
    out.powered_fraction[w] = if installed > 0.0 { 1.0 - out.stranded_flops[w] / installed } else { 1.0 };
    out.binding[w] = [Binding::Power, Binding::Chips, Binding::Capital]
        .into_iter()
        .max_by(|a, b| weight[*a as usize].total_cmp(&weight[*b as usize]).then(b.cmp(a)))
        .unwrap_or(Binding::Capital);
}
