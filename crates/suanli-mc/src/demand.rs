//! Monte Carlo of a demand programme against its regions' supply: in each draw the
//! scenario's uncertain parameters and the programme's are drawn together (from separate
//! streams of one seed), and a region-year is short when the programme needs more
//! accelerators than its share of the region's powered fleet.

use rayon::prelude::*;
use serde::Serialize;
use suanli_nation::demand::cover::{hardware_by_region, supply_flops};
use suanli_nation::demand::Prepared;
use suanli_nation::outcome::H100_FLOPS;
use suanli_nation::Binding;

use crate::draw::uniforms;
use crate::run::Model;
use crate::sketch::Sketch;

/// Stream of the programme's uniforms (the scenario's draw `i` uses stream 0, Saltelli's
/// matrices 1 and 2).
const PROGRAMME_STREAM: u64 = 3;
/// Draws per unit of parallel work and per progress report.
const BLOCK_DRAWS: u64 = 256;

/// The odds of a shortfall in one region-year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortfallOdds {
    /// Region name.
    pub region: String,
    /// Year.
    pub year: i32,
    /// Share of draws in which demand exceeds supply.
    pub probability: f64,
    /// Median demand over the draws, H100e.
    pub demand_h100e_p50: f64,
    /// 5th percentile of demand, H100e.
    pub demand_h100e_p5: f64,
    /// 95th percentile of demand, H100e.
    pub demand_h100e_p95: f64,
    /// Median supply available to the programme, H100e.
    pub supply_h100e_p50: f64,
    /// 5th percentile of supply, H100e.
    pub supply_h100e_p5: f64,
    /// 95th percentile of supply, H100e.
    pub supply_h100e_p95: f64,
    /// Among draws short that year, the share in which power, chips and capital bind
    /// the region's supply (each 0..1; all zero without shortfalls).
    pub limit_power: f64,
    /// Share of short draws bound by chips.
    pub limit_chips: f64,
    /// Share of short draws bound by capital.
    pub limit_capital: f64,
}

#[derive(Clone)]
struct Tally {
    short: Vec<u64>,
    limits: Vec<[u64; 3]>,
    demand: Vec<Sketch>,
    supply: Vec<Sketch>,
}

impl Tally {
    fn new(cells: usize) -> Self {
        Tally {
            short: vec![0; cells],
            limits: vec![[0; 3]; cells],
            demand: vec![Sketch::default(); cells],
            supply: vec![Sketch::default(); cells],
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        for c in 0..self.short.len() {
            self.short[c] += other.short[c];
            (0..3).for_each(|b| self.limits[c][b] += other.limits[c][b]);
            self.demand[c].merge(&other.demand[c]);
            self.supply[c].merge(&other.supply[c]);
        }
        self
    }
}

/// Runs `draws` joint draws of the scenario behind `model` and of the programme `p`.
/// Results are the same whatever the number of threads. `progress` is called with the
/// number of draws finished since its last call.
pub fn shortfall_odds(
    model: &Model<'_>,
    p: &Prepared<'_>,
    draws: u64,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<ShortfallOdds> {
    let prog = p.programme;
    let years: Vec<i32> = (prog.first_year..=prog.last_year).collect();
    let regions = p.regions.len();
    let cells = regions * years.len();
    let blocks = draws.div_ceil(BLOCK_DRAWS);
    let tally = (0..blocks)
        .into_par_iter()
        .fold(
            || (model.scratch(), vec![0.0; prog.factors.len()], vec![0.0; regions], Tally::new(cells)),
            |(mut scratch, mut u, mut demand, mut tally), b| {
                let end = ((b + 1) * BLOCK_DRAWS).min(draws);
                for index in b * BLOCK_DRAWS..end {
                    uniforms(seed, PROGRAMME_STREAM, index, &mut u);
                    let outcome = model.run_draw(seed, index, &mut scratch);
                    for (y, &year) in years.iter().enumerate() {
                        hardware_by_region(p, year, &u, &mut demand);
                        for (k, &r) in p.regions.iter().enumerate() {
                            let c = k * years.len() + y;
                            let supply = supply_flops(p, outcome, r, year, &u);
                            tally.demand[c].add(demand[k] / H100_FLOPS);
                            tally.supply[c].add(supply / H100_FLOPS);
                            if demand[k] > supply {
                                tally.short[c] += 1;
                                tally.limits[c][outcome.binding[outcome.at(r, year)] as usize] += 1;
                            }
                        }
                    }
                }
                progress(end - b * BLOCK_DRAWS);
                (scratch, u, demand, tally)
            },
        )
        .map(|(_, _, _, t)| t)
        .reduce(|| Tally::new(cells), Tally::merge);
    let n = draws.max(1) as f64;
    let mut rows = Vec::with_capacity(cells);
    for (k, &r) in p.regions.iter().enumerate() {
        for (y, &year) in years.iter().enumerate() {
            let c = k * years.len() + y;
            let q = |s: &Sketch, at: f64| s.quantile(at).unwrap_or(f64::NAN);
            let short = tally.short[c].max(1) as f64;
            let share = |b: Binding| tally.limits[c][b as usize] as f64 / short;
            rows.push(ShortfallOdds {
                region: model.input().regions[r].name.clone(),
                year,
                probability: tally.short[c] as f64 / n,
                demand_h100e_p50: q(&tally.demand[c], 0.5),
                demand_h100e_p5: q(&tally.demand[c], 0.05),
                demand_h100e_p95: q(&tally.demand[c], 0.95),
                supply_h100e_p50: q(&tally.supply[c], 0.5),
                supply_h100e_p5: q(&tally.supply[c], 0.05),
                supply_h100e_p95: q(&tally.supply[c], 0.95),
                limit_power: share(Binding::Power),
                limit_chips: share(Binding::Chips),
                limit_capital: share(Binding::Capital),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
    use suanli_nation::demand::prepare;
    use suanli_scenario::builtin::builtin_scenario;
    use suanli_scenario::programme::parse_programme;
    use suanli_scenario::resolve::{resolve, DataSet};
    use suanli_scenario::SourceText;

    use super::*;

    #[test]
    fn odds_rise_with_demand_and_do_not_depend_on_threads() {
        let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
        let data = DataSet { electricity: &electricity, fleets: &fleets };
        let resolved =
            resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("".into()), data).unwrap();
        let model = Model::new(&resolved.input, &resolved.uncertainty);
        let odds = |flop: f64| {
            let text = format!(
                "[programme]\nname = \"t\"\nregion = \"china\"\nfirst_year = 2027\nlast_year = 2030\n\
                 [training.t]\nruns_per_year = 1\nflop_per_run = {flop:e}\n\
                 utilisation = {{ value = 0.4, uncertain = {{ dist = \"uniform\", min = 0.1, max = 0.7 }} }}\n"
            );
            let prog = parse_programme(&SourceText { name: "p".into(), text }).unwrap();
            let p = prepare(&prog, &resolved.input).unwrap();
            shortfall_odds(&model, &p, 300, 5, &|_| {})
        };
        let (small, middle, huge) = (odds(1e20), odds(3e28), odds(1e32));
        assert!(small.iter().all(|r| r.probability == 0.0));
        assert!(huge.iter().all(|r| r.probability == 1.0));
        assert!(middle.iter().any(|r| r.probability > 0.0 && r.probability < 1.0), "{middle:#?}");
        for r in &huge {
            assert!((r.limit_power + r.limit_chips + r.limit_capital - 1.0).abs() < 1e-12);
        }
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        assert_eq!(one.install(|| odds(3e28)), middle);
    }
}
