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
use suanli_scenario::uncertainty::{LineField, RegionField};

use crate::outcome::{Binding, Outcome, H100_FLOPS};
use crate::params::{Parameters, RegionRow};

mod merit;
mod world;

use merit::update_merit_order;
use world::{write_values, WorldSums};

/// Hours per year divided by 1000: GW times this is TWh per year.
const TWH_PER_GW_YEAR: f64 = 8.76;

/// Its inverse. Multiplying by inverses rather than dividing keeps divisions (20-odd cycles
/// each) out of the inner loops; results move in the last bit only.
const GW_YEAR_PER_TWH: f64 = 1.0 / TWH_PER_GW_YEAR;

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
///
/// The inner loops read small per-year structs ([`RegionYear`], [`LineYear`]) filled at
/// the start of each year from the rows of [`Parameters`], rather than a dozen per-year
/// vectors each: the run is bound by instruction count, and every vector access costs a
/// bounds check.
#[derive(Debug, Clone)]
pub struct Simulation {
    out: Outcome,
    /// The per-year parameters the years are run with.
    params: Parameters,
    /// Shipments in chips by [year][region][line].
    shipped: Vec<f64>,
    /// Running sums over the surviving vintages of each region and line ([region][line]).
    /// Kept incrementally so that a year costs O(lines), not O(lines x life).
    windows: Vec<Window>,
    /// history_scale[l][k] = growth_l^-k: the calibrated fleet k years before calibration.
    history_scale: Vec<Vec<f64>>,
    /// Lines ordered by FLOP/s per dollar, best first (same for every buyer).
    order: Vec<usize>,
    /// This year's parameters by region and by line, and import caps by [region][line].
    regions_now: Vec<RegionYear>,
    lines_now: Vec<LineYear>,
    caps_now: Vec<f64>,
    /// Per region: the state of this year's purchases.
    buyers: Vec<Buyer>,
    /// Every cohort run so far, by `vintage * lines + line`.
    cohorts: Vec<Cohort>,
    /// The surviving cohorts of the current year, most efficient first, as (FLOP/s per
    /// watt, id into `cohorts`); kept up to date year by year (retire the oldest, insert
    /// the newest) without branches on the data.
    merit: Vec<(f64, u32)>,
}

/// A region's surviving chips of one line: count, FLOP/s and TDP (W).
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    chips: f64,
    flops: f64,
    tdp_w: f64,
}

/// A region's purchases in the year being run.
#[derive(Debug, Clone, Copy, Default)]
struct Buyer {
    /// Money left, USD.
    budget_usd: f64,
    /// Power left for new chips, all-in W.
    headroom_w: f64,
    /// Chips of the line being bought that the region asks for.
    demand: f64,
    /// Whether supply caps (export controls, production) cut purchases.
    chips_capped: bool,
    /// Whether power cut purchases.
    power_capped: bool,
}

/// One region's parameters in the year being run.
#[derive(Debug, Clone, Copy, Default)]
struct RegionYear {
    /// All-in watts per watt of chip TDP (server overhead x PUE).
    watts_per_tdp_w: f64,
    capex_usd: f64,
    interconnect_gw: f64,
    conventional_gw: f64,
    /// Largest data-centre capacity the share-of-generation ceiling allows, GW.
    share_cap_gw: f64,
    load_factor: f64,
    utilisation: f64,
    max_unpowered_share: f64,
}

/// One chip line's parameters in the year being run.
#[derive(Debug, Clone, Copy, Default)]
struct LineYear {
    flops_per_chip: f64,
    tdp_w: f64,
    price_usd: f64,
    production_cap_chips: f64,
    /// Region of origin, `usize::MAX` if none.
    origin: usize,
}

/// Chips of one line shipped in one year (a vintage), as the merit order lists them.
#[derive(Debug, Clone, Copy, Default)]
struct Cohort {
    flops_per_chip: f64,
    tdp_w: f64,
    /// `(vintage * regions) * lines + line`: with `+ region * lines`, the cohort's index
    /// into the shipments.
    shipped_at: usize,
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
        sim.params.load(input, input.calibration_index() + 1..input.years());
        self.project_parameters(input, sim)
    }

    /// Like [`History::project`], with the projected years' parameters as they are in
    /// `sim` ([`Simulation::parameters_mut`]: Monte Carlo writes its draws there) rather
    /// than in `input`, of which only what no draw sets is read (its shape, reported
    /// generation, origins of lines): `input` is the one this history was made from.
    pub fn project_parameters<'a>(&self, input: &NationInput, sim: &'a mut Simulation) -> &'a Outcome {
        let from = &self.after_calibration;
        sim.windows.copy_from_slice(&from.windows);
        sim.merit.clone_from(&from.merit);
        sim.run(input, input.calibration_index() + 1..input.years());
        &sim.out
    }
}

impl Simulation {
    /// The per-year parameters that the next [`History::project_parameters`] runs with.
    pub fn parameters_mut(&mut self) -> &mut Parameters {
        &mut self.params
    }

    /// Empty state for `input`'s shape, with `input`'s parameters.
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
            installed_domestic_flops: vec![0.0; total],
            accelerators_domestic: vec![0.0; total],
            spent_domestic_usd_bn: vec![0.0; total],
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
            params: Parameters::new(input),
            shipped: vec![0.0; ny * nr * nl],
            windows: vec![Window::default(); nr * nl],
            history_scale,
            order: (0..nl).collect(),
            regions_now: vec![RegionYear::default(); nr],
            lines_now: vec![LineYear::default(); nl],
            caps_now: vec![0.0; nr * nl],
            buyers: vec![Buyer::default(); nr],
            cohorts: vec![Cohort::default(); ny * nl],
            merit: Vec::with_capacity(nl * life),
        }
    }

    /// Runs the years `years` (indices), which must follow the years already run.
    fn run(&mut self, input: &NationInput, years: std::ops::Range<usize>) {
        for i in years {
            // The built-in scenarios have three chip lines and nine regions: copies of the
            // year compiled for these counts unroll the per-line loops and give the region
            // loops constant trip counts.
            if input.lines.len() == 3 && input.regions.len() == 9 {
                self.year::<3, 9>(input, i);
            } else if input.lines.len() == 3 {
                self.year::<3, 0>(input, i);
            } else {
                self.year::<0, 0>(input, i);
            }
        }
    }

    /// One year: generation, retirements, purchases, then fleet, power and compute.
    fn year<const LINES: usize, const REGIONS: usize>(&mut self, input: &NationInput, i: usize) {
        let ny = input.years();
        let nr = if REGIONS > 0 { REGIONS } else { input.regions.len() };
        let nl = if LINES > 0 { LINES } else { input.lines.len() };
        let life = input.accelerator_life_years.max(1) as usize;
        let cal_index = input.calibration_index();
        let year = input.first_year + i as i32;
        let Simulation {
            out,
            params,
            shipped,
            windows,
            history_scale,
            order,
            regions_now,
            lines_now,
            caps_now,
            buyers,
            cohorts,
            merit,
        } = self;
        // Cut to the counts: with constant counts the loops below have constant trip counts.
        let (input_regions, input_lines) = (&input.regions[..nr], &input.lines[..nl]);
        let (regions_now, buyers, windows) =
            (&mut regions_now[..nr], &mut buyers[..nr], &mut windows[..nr * nl]);
        let (lines_now, caps_now) = (&mut lines_now[..nl], &mut caps_now[..nr * nl]);

        // Generation, and this year's parameters.
        let line_rows = |i: usize| &params.line_rows[i * nl..(i + 1) * nl];
        for ((line, now), row) in input_lines.iter().zip(lines_now.iter_mut()).zip(line_rows(i)) {
            let get = |f: LineField| row[f as usize];
            *now = LineYear {
                flops_per_chip: get(LineField::FlopsPerChip),
                tdp_w: get(LineField::TdpW),
                price_usd: get(LineField::PriceUsd),
                production_cap_chips: get(LineField::ProductionCap),
                origin: line.origin.unwrap_or(usize::MAX),
            };
        }
        let region_rows: &[RegionRow] = &params.region_rows[i * nr..(i + 1) * nr];
        let import_caps = &params.import_caps[i * nr * nl..(i + 1) * nr * nl];
        for (r, ((((region, row), now), caps), import_caps)) in input_regions
            .iter()
            .zip(region_rows)
            .zip(regions_now.iter_mut())
            .zip(caps_now.chunks_exact_mut(nl))
            .zip(import_caps.chunks_exact(nl))
            .enumerate()
        {
            let get = |f: RegionField| row[f as usize];
            let at = r * ny + i;
            let generation = if year <= region.last_reported_year {
                region.generation_reported_twh.get(i).copied().unwrap_or(0.0)
            } else {
                out.generation_twh[at - 1] * (1.0 + get(RegionField::GenerationGrowth))
            };
            out.generation_twh[at] = generation;
            out.generation_projected[at] = year > region.last_reported_year;
            *now = RegionYear {
                watts_per_tdp_w: get(RegionField::ServerOverhead) * get(RegionField::Pue),
                capex_usd: get(RegionField::Capex) * 1e9,
                interconnect_gw: get(RegionField::Interconnect),
                conventional_gw: get(RegionField::ConventionalDc),
                share_cap_gw: get(RegionField::DcShareMax) * generation * GW_YEAR_PER_TWH,
                load_factor: get(RegionField::LoadFactor),
                utilisation: get(RegionField::Utilisation),
                max_unpowered_share: get(RegionField::MaxUnpoweredShare),
            };
            for ((cap, &import_cap), line) in caps.iter_mut().zip(import_caps).zip(lines_now.iter()) {
                *cap = if line.origin == r { f64::INFINITY } else { import_cap };
            }
        }
        update_merit_order(lines_now, nr, i, life, cohorts, merit);

        // Retire the vintage that reaches the end of its life this year.
        if i >= life {
            let v = i - life;
            // The retiring vintage's chips, as its cohorts recorded them when it shipped.
            let retiring = &cohorts[v * nl..(v + 1) * nl];
            let old = &shipped[v * nr * nl..(v + 1) * nr * nl];
            for (w_r, old_r) in windows.chunks_exact_mut(nl).zip(old.chunks_exact(nl)) {
                for ((w, n), c) in w_r.iter_mut().zip(old_r).zip(retiring) {
                    w.chips -= n;
                    w.flops -= n * c.flops_per_chip;
                    w.tdp_w -= n * c.tdp_w;
                }
            }
        }

        let now_shipped = &mut shipped[i * nr * nl..(i + 1) * nr * nl];
        if i <= cal_index {
            for (r, region) in input_regions.iter().enumerate() {
                for (l, line) in lines_now.iter().enumerate() {
                    let k = r * nl + l;
                    let target_h100e = region.calibration_fleet_h100e[l] * history_scale[l][cal_index - i];
                    let surviving_h100e = windows[k].flops / H100_FLOPS;
                    let new_h100e = greater(target_h100e - surviving_h100e, 0.0);
                    now_shipped[k] = new_h100e * H100_FLOPS / line.flops_per_chip;
                }
            }
        } else {
            order.sort_by(|&a, &b| {
                let value = |l: usize| lines_now[l].flops_per_chip / lines_now[l].price_usd;
                value(b).total_cmp(&value(a)).then(a.cmp(&b))
            });
            for (r, ((now, b), w_r)) in
                regions_now.iter().zip(buyers.iter_mut()).zip(windows.chunks_exact(nl)).enumerate()
            {
                let older_w = w_r.iter().map(|w| w.tdp_w).sum::<f64>() * now.watts_per_tdp_w;
                *b = Buyer {
                    budget_usd: now.capex_usd,
                    headroom_w: power_headroom_w(now, out.dc_power_gw[r * ny + i - 1], older_w),
                    demand: 0.0,
                    chips_capped: false,
                    power_capped: false,
                };
            }
            for &l in order.iter() {
                let line = lines_now[l];
                let (chips_per_usd, chips_per_tdp_w) = (1.0 / line.price_usd, 1.0 / line.tdp_w);
                let mut total_demand = 0.0;
                for ((now, b), caps) in
                    regions_now.iter().zip(buyers.iter_mut()).zip(caps_now.chunks_exact(nl))
                {
                    let wanted = b.budget_usd * chips_per_usd;
                    let cap = caps[l];
                    let powerable = b.headroom_w * chips_per_tdp_w / now.watts_per_tdp_w;
                    b.chips_capped |= cap < wanted * (1.0 - BIND_TOLERANCE);
                    b.power_capped |= powerable < lesser(wanted, cap) * (1.0 - BIND_TOLERANCE);
                    b.demand = lesser(lesser(wanted, cap), powerable);
                    total_demand += b.demand;
                }
                let supply = line.production_cap_chips;
                let scale = if total_demand > supply { supply / total_demand } else { 1.0 };
                for ((now, b), ship_r) in
                    regions_now.iter().zip(buyers.iter_mut()).zip(now_shipped.chunks_exact_mut(nl))
                {
                    b.chips_capped |= (scale < 1.0) & (b.demand > 0.0);
                    let bought = b.demand * scale;
                    ship_r[l] = bought;
                    b.budget_usd = greater(b.budget_usd - bought * line.price_usd, 0.0);
                    b.headroom_w -= bought * line.tdp_w * now.watts_per_tdp_w;
                }
            }
        }

        let now_shipped = &shipped[i * nr * nl..(i + 1) * nr * nl];
        let mut world = WorldSums::default();
        for (r, (((now, b), w_r), ship_r)) in regions_now
            .iter()
            .zip(buyers.iter())
            .zip(windows.chunks_exact_mut(nl))
            .zip(now_shipped.chunks_exact(nl))
            .enumerate()
        {
            let at = r * ny + i;
            // Fleet, power and compute over surviving vintages: add this year's shipments
            // to the running sums.
            let (mut chips, mut flops, mut tdp_w, mut spent_usd) = (0.0, 0.0, 0.0, 0.0);
            let (mut new_flops, mut new_dom_flops, mut new_chips, mut new_dom_chips) = (0.0, 0.0, 0.0, 0.0);
            let (mut dom_flops, mut dom_chips, mut dom_spent_usd) = (0.0, 0.0, 0.0);
            for ((w, &n), line) in w_r.iter_mut().zip(ship_r).zip(lines_now.iter()) {
                w.chips += n;
                w.flops += n * line.flops_per_chip;
                w.tdp_w += n * line.tdp_w;
                chips += w.chips;
                flops += w.flops;
                tdp_w += w.tdp_w;
                new_chips += n;
                new_flops += n * line.flops_per_chip;
                if line.origin == r {
                    new_dom_chips += n;
                    new_dom_flops += n * line.flops_per_chip;
                    dom_chips += w.chips;
                    dom_flops += w.flops;
                    dom_spent_usd += n * line.price_usd;
                }
                spent_usd += n * line.price_usd;
            }
            let fleet_gw = tdp_w * now.watts_per_tdp_w * 1e-9;
            let conventional_gw = now.conventional_gw;
            let required_gw = conventional_gw + fleet_gw;
            let capacity_gw = if i <= cal_index {
                required_gw
            } else {
                let previous = out.dc_power_gw[at - 1];
                let grown = greater(lesser(required_gw, previous + now.interconnect_gw), previous);
                lesser(grown, now.share_cap_gw)
            };
            let ai_available_gw = greater(capacity_gw - conventional_gw, 0.0);
            let (phi, powered_flops) = if fleet_gw <= ai_available_gw {
                (1.0, flops)
            } else {
                // Power is short: run the most efficient cohorts (line, vintage) first.
                let mut left_w = ai_available_gw * 1e9;
                let mut powered_flops = 0.0;
                for &(_, id) in merit.iter() {
                    let c = &cohorts[id as usize];
                    let n = shipped[c.shipped_at + r * nl];
                    let watts = n * c.tdp_w * now.watts_per_tdp_w;
                    if watts <= left_w {
                        powered_flops += n * c.flops_per_chip;
                        left_w -= watts;
                    } else {
                        powered_flops += n * c.flops_per_chip * (left_w / watts);
                        break;
                    }
                }
                (ai_available_gw / fleet_gw, powered_flops)
            };
            let power_short = phi < 1.0 - BIND_TOLERANCE;
            let binding = if i <= cal_index {
                if power_short {
                    Binding::Power
                } else {
                    Binding::Capital
                }
            } else {
                // Bitwise rather than short-circuit operators and a select: which limit
                // binds changes from draw to draw, and branches on it mispredict.
                let unspent = b.budget_usd > BIND_TOLERANCE * now.capex_usd;
                let power = power_short | (b.power_capped & unspent);
                let chips = b.chips_capped & unspent;
                let other = if chips { Binding::Chips } else { Binding::Capital };
                if power {
                    Binding::Power
                } else {
                    other
                }
            };
            let values = [
                out.generation_twh[at],
                capacity_gw,
                conventional_gw,
                fleet_gw,
                (phi * fleet_gw * now.load_factor + conventional_gw) * TWH_PER_GW_YEAR,
                chips,
                flops,
                powered_flops * now.utilisation,
                greater(flops - powered_flops, 0.0),
                new_flops,
                new_dom_flops,
                new_chips,
                new_dom_chips,
                spent_usd * 1e-9,
                dom_flops,
                dom_chips,
                dom_spent_usd * 1e-9,
            ];
            world.add(&values, binding, out.generation_projected[at]);
            write_values(out, at, &values);
            out.powered_fraction[at] = phi;
            out.binding[at] = binding;
        }
        world.write(out, nr * ny + i);
    }
}

/// The smaller of `a` and `b` in one comparison (`minsd`). `f64::min` also orders NaN,
/// which the model never produces, at the cost of three more instructions, and the inner
/// loops are bound by instruction count.
#[inline(always)]
fn lesser(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// The larger of `a` and `b` in one comparison (`maxsd`); see [`lesser`].
#[inline(always)]
fn greater(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// Power, in W, that a region can still give to chips bought this year: the most AI power
/// the grid can connect this year (from `previous_gw` of data-centre capacity), allowing
/// `max_unpowered_share` of the fleet to wait for power, less what the surviving older
/// chips draw (`old_w`, all-in W).
fn power_headroom_w(now: &RegionYear, previous_gw: f64, old_w: f64) -> f64 {
    if now.max_unpowered_share >= 1.0 {
        return f64::INFINITY;
    }
    let capacity_gw = lesser(previous_gw + now.interconnect_gw, now.share_cap_gw);
    let ai_w = greater(capacity_gw - now.conventional_gw, 0.0) * 1e9;
    greater(ai_w / (1.0 - now.max_unpowered_share) - old_w, 0.0)
}
