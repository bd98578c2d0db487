//! Monte Carlo on the built-in baseline: percentiles converge as draws grow, and results
//! do not depend on how draws are split among threads.

use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
use suanli_mc::run::{monte_carlo, McConfig, McResult, Model};
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::resolve::{resolve, DataSet, Resolved};

fn baseline() -> Resolved {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("none".into()), data).unwrap()
}

fn percentiles(r: &McResult, region: &str, year: i32, metric: &str) -> [f64; 5] {
    let p =
        r.percentiles.iter().find(|p| p.region == region && p.year == year && p.metric == metric).unwrap();
    [p.p5, p.p25, p.p50, p.p75, p.p95]
}

#[test]
fn percentiles_converge_as_draws_grow() {
    let b = baseline();
    let model = Model::new(&b.input, &b.uncertainty);
    let run = |draws| {
        monte_carlo(&model, &McConfig { draws, seed: 11, pairs: vec![(0, 1)], claims: vec![] }, &|_| {})
    };
    let reference = run(64_000);
    let worst = |r: &McResult| {
        let mut worst = 0.0f64;
        for (region, metric) in [("China", "effective_flops"), ("United States", "dc_electricity_twh")] {
            let (got, want) =
                (percentiles(r, region, 2035, metric), percentiles(&reference, region, 2035, metric));
            for (g, w) in got.iter().zip(want) {
                worst = worst.max((g / w - 1.0).abs());
            }
        }
        worst
    };
    let (small, large) = (worst(&run(500)), worst(&run(16_000)));
    // Sampling error shrinks like 1/sqrt(N): 16000 draws sit far closer to the reference.
    assert!(large < 0.04, "16000 draws: worst relative error {large}");
    assert!(large < small, "500 draws {small} vs 16000 draws {large}");
    let lead = |r: &McResult| r.lead_probability.iter().find(|l| l.year == 2040).unwrap().p;
    assert!((lead(&run(16_000)) - lead(&reference)).abs() < 0.02);
}

#[test]
fn a_draw_written_into_the_engines_rows_runs_as_the_same_draw_written_into_the_input() {
    for name in ["baseline", "export-controls-tight", "china-self-sufficiency"] {
        let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
        let data = DataSet { electricity: &electricity, fleets: &fleets };
        let b = resolve(builtin_scenario(name).unwrap(), &mut |_, _| Err("none".into()), data).unwrap();
        let model = Model::new(&b.input, &b.uncertainty);
        // One scratch across draws: each draw must rewrite everything the last one set.
        let mut scratch = model.scratch();
        for index in [0, 1, 2, 977, 31_000] {
            let fast = model.run_draw(3, index, &mut scratch).clone();
            let mut input = b.input.clone();
            b.uncertainty.apply(&scratch.u, &mut input);
            assert_eq!(fast, suanli_nation::simulate(&input), "{name}, draw {index}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_result_on_any_pool() {
    let b = baseline();
    let model = Model::new(&b.input, &b.uncertainty);
    let config = McConfig { draws: 3000, seed: 5, pairs: vec![(0, 1), (0, 8)], claims: vec![] };
    let pool = |threads| rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let one = pool(1).install(|| monte_carlo(&model, &config, &|_| {}));
    let four = pool(4).install(|| monte_carlo(&model, &config, &|_| {}));
    assert_eq!(one, four);
}

#[test]
fn sliders_move_the_draws_of_uncertain_parameters_too() {
    use suanli_nation::sliders::Sliders;
    let b = baseline();
    let config = McConfig { draws: 2000, seed: 9, pairs: vec![], claims: vec![] };
    let plain = monte_carlo(&Model::new(&b.input, &b.uncertainty), &config, &|_| {});
    let same =
        monte_carlo(&Model::with_sliders(&b.input, &b.uncertainty, Sliders::default()), &config, &|_| {});
    assert_eq!(plain, same);
    // China's and the US's grid connections are uncertain (drawn as a scale of the
    // scenario's path); a faster-connections slider must still raise what power allows.
    let faster = Sliders { interconnect_factor: 3.0, ..Sliders::default() };
    let moved = monte_carlo(&Model::with_sliders(&b.input, &b.uncertainty, faster), &config, &|_| {});
    let dc = |r: &McResult| percentiles(r, "United States", 2030, "dc_electricity_twh")[2];
    assert!(dc(&moved) > dc(&plain), "{} vs {}", dc(&moved), dc(&plain));
    // No compounding from draw to draw: the same draws again give the same answer.
    let again = monte_carlo(&Model::with_sliders(&b.input, &b.uncertainty, faster), &config, &|_| {});
    assert_eq!(moved, again);
}
