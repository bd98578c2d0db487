//! Throughput of Monte Carlo on the built-in baseline (all regions, 2000-2040).
//! Run with `cargo bench -p suanli-mc --bench mc [-- DRAWS]` (default 1,000,000 draws).
//!
//! A plain timer rather than criterion: one long run is the figure of interest.

use std::time::Instant;

use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
use suanli_mc::run::{monte_carlo, McConfig, Model};
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::resolve::{resolve, DataSet};

fn main() {
    let draws: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    let b = resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("none".into()), data).unwrap();
    let model = Model::new(&b.input, &b.uncertainty);
    let region_years = ((b.input.regions.len() + 1) * b.input.years()) as f64;
    let threads = rayon::current_num_threads();
    let start = Instant::now();
    let r = monte_carlo(
        &model,
        &McConfig { draws, seed: 1, pairs: vec![(0, 1), (0, 8)], claims: vec![] },
        &|_| {},
    );
    let secs = start.elapsed().as_secs_f64();
    println!(
        "monte carlo: {draws} draws of baseline ({} factors) on {threads} threads in {secs:.2} s: {:.0} draws/s, {:.2e} region-years/s, {:.1} us per draw per thread",
        r.factors,
        draws as f64 / secs,
        draws as f64 * region_years / secs,
        secs * 1e6 * threads as f64 / draws as f64
    );
}
