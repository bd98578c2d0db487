//! Benchmark of one baseline run of the nation model (all regions, 2000-2040), the unit of
//! work that Monte Carlo multiplies. Run with `cargo bench -p suanli-nation --bench race`.
//!
//! A hand-rolled timer rather than criterion: the figure of interest is a plain median
//! over many runs, and criterion would add ~80 crates to every CI build.

use std::hint::black_box;
use std::time::{Duration, Instant};

use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
use suanli_nation::{simulate, History};
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::resolve::{resolve, DataSet};

/// Median and spread of `rounds` timings of `batch` calls each, per call.
fn measure(name: &str, rounds: usize, batch: usize, mut f: impl FnMut()) {
    for _ in 0..batch {
        f(); // warm-up
    }
    let mut per_call: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                f();
            }
            t.elapsed() / batch as u32
        })
        .collect();
    per_call.sort();
    let (lo, med, hi) = (per_call[0], per_call[rounds / 2], per_call[rounds - 1]);
    println!("{name:<44} median {med:>10.2?}  min {lo:>10.2?}  max {hi:>10.2?}  ({rounds} x {batch} calls)");
}

fn main() {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    let load =
        || resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("none".into()), data).unwrap();
    let input = load().input;
    let region_years = (input.regions.len() + 1) * input.years();
    println!(
        "baseline: {} regions + World, {}..{} ({region_years} region-years)",
        input.regions.len(),
        input.first_year,
        input.last_year
    );
    // `cargo bench --bench race -- project` times only the projection (for profiling).
    let only_project = std::env::args().any(|a| a == "project");
    let history = History::new(&input);
    let mut sim = history.scratch();
    measure("project from history (2025-2040, reused buffers)", 50, 5000, || {
        black_box(history.project(black_box(&input), &mut sim));
    });
    measure("project from history, parameters already in rows (as Monte Carlo)", 50, 5000, || {
        black_box(history.project_parameters(black_box(&input), &mut sim));
    });
    if only_project {
        return;
    }
    measure("simulate (one baseline run)", 50, 2000, || {
        black_box(simulate(black_box(&input)));
    });
    measure("resolve baseline scenario (parse + check)", 20, 100, || {
        black_box(load());
    });
    measure("built-in tables (parse electricity, fleets)", 20, 100, || {
        black_box((ElectricityTable::builtin(), builtin_fleets()));
    });
}
