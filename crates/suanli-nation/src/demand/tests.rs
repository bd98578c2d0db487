use suanli_data::{electricity::ElectricityTable, fleets::builtin_fleets};
use suanli_scenario::builtin::builtin_scenario;
use suanli_scenario::programme::parse_programme;
use suanli_scenario::resolve::{resolve, DataSet};
use suanli_scenario::{NationInput, SourceText};

use super::cover::{cover, first_shortfalls};
use super::*;
use crate::simulate;

fn baseline() -> (NationInput, Outcome) {
    let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
    let data = DataSet { electricity: &electricity, fleets: &fleets };
    let input =
        resolve(builtin_scenario("baseline").unwrap(), &mut |_, _| Err("".into()), data).unwrap().input;
    let outcome = simulate(&input);
    (input, outcome)
}

fn programme(body: &str) -> Programme {
    let text =
        format!("[programme]\nname = \"t\"\nregion = \"china\"\nfirst_year = 2026\nlast_year = 2028\n{body}");
    parse_programme(&SourceText { name: "p.toml".into(), text }).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn training_arithmetic_by_hand() {
    let (input, outcome) = baseline();
    let prog = programme(
        "[training.t]\nruns_per_year = 2\nparameters = 1e9\ntokens = 1e12\noverhead = 1.5\nutilisation = 0.5\n",
    );
    let p = prepare(&prog, &input).unwrap();
    let rows = demand_rows(&p, &input, &outcome, &[]).unwrap();
    let row = rows.iter().find(|r| r.year == 2027 && r.category == "training").unwrap();
    // 2 runs x 1e12 tokens x 6e9 FLOP/token x 1.5 = 1.8e22 FLOP.
    assert_eq!(row.flop_per_year, 1.8e22);
    let mean = 1.8e22 / 31_536_000.0;
    assert!(rel(row.mean_flops, mean) < 1e-12 && rel(row.peak_flops, mean) < 1e-12);
    assert!(rel(row.hardware_flops, mean / 0.5) < 1e-12);
    assert!(rel(row.h100e, mean / 0.5 / 989.4e12) < 1e-12);
    let china = outcome.region("China").unwrap();
    let i = outcome.at(china, 2027);
    let watts = outcome.ai_power_demand_gw[i] * 1e9 / outcome.installed_flops[i];
    assert!(rel(row.power_gw, mean / 0.5 * watts / 1e9) < 1e-12);
    let pue = input.regions[china].pue[input.year_index(2027).unwrap()];
    assert!(rel(row.it_power_gw, row.power_gw / pue) < 1e-12);
    let lf = input.regions[china].load_factor[input.year_index(2027).unwrap()];
    assert!(rel(row.energy_twh, row.power_gw * lf * 8.76) < 1e-12);
}

#[test]
fn application_arithmetic_by_hand() {
    let (input, outcome) = baseline();
    let prog = programme(
        "[applications.a]\nusers = 1000\nadoption = 0.5\nrequests_per_day = 100\ntokens_per_request = 1000\n\
         parameters = 1e10\npeak_to_mean = 3\nutilisation = 0.25\n\
         [applications.b]\nlatency = \"batch\"\nusers = 10\nrequests_per_day = 10\ntokens_per_request = 10\n\
         flop_per_token = 1e12\npeak_to_mean = 3\nutilisation = 0.5\n",
    );
    let p = prepare(&prog, &input).unwrap();
    let rows = demand_rows(&p, &input, &outcome, &[]).unwrap();
    let a = rows.iter().find(|r| r.year == 2026 && r.category == "inference_interactive").unwrap();
    // 1000 x 0.5 x 100 x 1000 x 365 = 1.825e10 tokens, x 2e10 FLOP/token.
    assert!(rel(a.flop_per_year, 3.65e20) < 1e-12);
    let mean = 3.65e20 / 31_536_000.0;
    assert!(rel(a.peak_flops, 3.0 * mean) < 1e-12);
    assert!(rel(a.hardware_flops, 3.0 * mean / 0.25) < 1e-12);
    let b = rows.iter().find(|r| r.year == 2026 && r.category == "inference_batch").unwrap();
    // 10 x 10 x 10 x 365 tokens x 1e12 FLOP; batch work is sized at its mean.
    let mean_b = 3.65e17 / 31_536_000.0;
    assert!(rel(b.peak_flops, mean_b) < 1e-12 && rel(b.hardware_flops, mean_b / 0.5) < 1e-12);
    let total = rows.iter().find(|r| r.year == 2026 && r.category == "total").unwrap();
    assert!(rel(total.hardware_flops, a.hardware_flops + b.hardware_flops) < 1e-12);
    assert!(rel(total.energy_twh, a.energy_twh + b.energy_twh) < 1e-12);
}

#[test]
fn defaults_are_the_cited_ones() {
    let (input, outcome) = baseline();
    let prog = programme("[training.t]\nruns_per_year = 1\nflop_per_run = 1e24\n");
    let p = prepare(&prog, &input).unwrap();
    let rows = demand_rows(&p, &input, &outcome, &[]).unwrap();
    // Overhead 2 and utilisation 0.4 by default.
    assert!(rel(rows[0].hardware_flops, 2e24 / 31_536_000.0 / 0.4) < 1e-12);
}

#[test]
fn more_users_and_more_runs_never_lower_demand() {
    let (input, outcome) = baseline();
    let mut last = 0.0;
    for users in [0.0, 1.0, 1e3, 1e6, 1e9] {
        let prog = programme(&format!(
            "[applications.a]\nusers = {users:e}\nrequests_per_day = 10\ntokens_per_request = 100\nparameters = 1e9\n\
             [training.t]\nruns_per_year = 1\nflop_per_run = 1e23\n"
        ));
        let p = prepare(&prog, &input).unwrap();
        let rows = demand_rows(&p, &input, &outcome, &[]).unwrap();
        let total: f64 = rows.iter().filter(|r| r.category == "total").map(|r| r.power_gw).sum();
        assert!(total >= last, "{users}: {total} < {last}");
        last = total;
    }
}

#[test]
fn shortfall_when_demand_passes_the_share_of_supply() {
    let (input, outcome) = baseline();
    // 1e31 FLOP a year is far more than China's fleet; 1e20 far less.
    let big =
        programme("[training.t]\nruns_per_year = { years = { 2026 = 0, 2027 = 1 } }\nflop_per_run = 1e31\n");
    let p = prepare(&big, &input).unwrap();
    let rows = cover(&p, &input, &outcome, &[]);
    assert!(!rows[0].shortfall && rows[1].shortfall && rows[2].shortfall);
    let first = first_shortfalls(&rows);
    assert_eq!(first[0].year, Some(2027));
    let china = outcome.region("China").unwrap();
    assert_eq!(first[0].limit, Some(outcome.binding[outcome.at(china, 2027)]));
    assert!(rows[1].headroom_h100e < 0.0 && rows[1].demand_over_supply > 1.0);
    let small = programme("supply_share = 0.5\n[training.t]\nruns_per_year = 1\nflop_per_run = 1e20\n");
    let p = prepare(&small, &input).unwrap();
    let rows = cover(&p, &input, &outcome, &[]);
    assert!(rows.iter().all(|r| !r.shortfall));
    let i = outcome.at(china, 2026);
    let powered = outcome.installed_flops[i] - outcome.stranded_flops[i];
    assert!(rel(rows[0].supply_h100e, 0.5 * powered / H100_FLOPS) < 1e-12);
}

#[test]
fn draws_move_uncertain_values_within_range() {
    let (input, outcome) = baseline();
    let prog = programme(
        "[training.t]\nruns_per_year = 1\nflop_per_run = 1e24\n\
         utilisation = { value = 0.4, uncertain = { dist = \"uniform\", min = 0.2, max = 2.0 } }\n",
    );
    assert_eq!(prog.factors, vec!["training.t.utilisation".to_string()]);
    let p = prepare(&prog, &input).unwrap();
    let at = |u: f64| demand_rows(&p, &input, &outcome, &[u]).unwrap()[0].hardware_flops;
    let mean = 2e24 / 31_536_000.0;
    assert!(rel(at(0.0), mean / 0.2) < 1e-12);
    // Draws above 1 are clamped to the valid range.
    assert!(rel(at(0.99), mean) < 1e-12);
    assert!(rel(demand_rows(&p, &input, &outcome, &[]).unwrap()[0].hardware_flops, mean / 0.4) < 1e-12);
}

#[test]
fn unknown_regions_and_years_are_errors_at_the_item() {
    let (input, _) = baseline();
    let prog = programme("[training.t]\nregion = \"atlantis\"\nruns_per_year = 1\nflop_per_run = 1e20\n");
    let e = prepare(&prog, &input).unwrap_err().diagnostics;
    assert_eq!(e[0].line, 6);
    assert!(e[0].message.contains("atlantis") && e[0].hint.as_ref().unwrap().contains("china"), "{e:?}");
    let text = "[programme]\nname = \"t\"\nregion = \"china\"\nfirst_year = 2026\nlast_year = 2090\n\
                [training.t]\nruns_per_year = 1\nflop_per_run = 1e20\n";
    let prog = parse_programme(&SourceText { name: "p.toml".into(), text: text.into() }).unwrap();
    assert!(prepare(&prog, &input).unwrap_err().diagnostics[0].message.contains("outside"));
}

#[test]
fn network_load_splits_interactive_from_flexible_work() {
    let (input, outcome) = baseline();
    let prog = programme(
        "[training.t]\nruns_per_year = 1\nflop_per_run = 1e24\nutilisation = 0.5\n\
         [applications.a]\nusers = 1e6\nrequests_per_day = 10\ntokens_per_request = 1000\nparameters = 1e10\n\
         peak_to_mean = 4\nutilisation = 0.25\n\
         [applications.b]\nlatency = \"batch\"\nusers = 1\nrequests_per_day = 1\ntokens_per_request = 1\nflop_per_token = 1e15\n",
    );
    let p = prepare(&prog, &input).unwrap();
    let china = outcome.region("China").unwrap();
    let load = network_load(&p, &input, &outcome, china, 2027, &[]).unwrap();
    let (_, w_it) = watts_per_flops(&input, &outcome, china, 2027).unwrap();
    // Interactive: mean useful FLOP/s over utilisation (the peak does not enter the mean).
    let mean = 1e6 * 10.0 * 1000.0 * 365.0 * 2e10 / SECONDS_PER_YEAR;
    assert!(rel(load.inference_it_mw, mean / 0.25 * w_it / 1e6) < 1e-12);
    // Flexible: training (overhead 2) and batch, in H100s running all year.
    let training = 2e24 / SECONDS_PER_YEAR / 0.5;
    let batch = 365.0 * 1e15 / SECONDS_PER_YEAR / 0.3;
    assert!(rel(load.flexible_h100_hours, (training + batch) / H100_FLOPS * 8760.0) < 1e-12);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Mean <= peak <= hardware, the total is the sum of its parts, and demand is
        /// linear in users and runs (doubling them doubles every figure).
        #[test]
        fn demand_adds_up_and_scales(
            runs in 0.0f64..20.0,
            users in 0.0f64..1e7,
            tokens in 1.0f64..1e4,
            peak in 1.0f64..5.0,
            util in 0.05f64..1.0,
            batch in any::<bool>(),
        ) {
            let (input, outcome) = baseline();
            let latency = if batch { "batch" } else { "interactive" };
            let text = |k: f64| format!(
                "[training.t]\nruns_per_year = {}\nflop_per_run = 1e24\nutilisation = {util}\n\
                 [applications.a]\nlatency = \"{latency}\"\nusers = {}\nrequests_per_day = 10\n\
                 tokens_per_request = {tokens}\nparameters = 1e10\npeak_to_mean = {peak}\nutilisation = {util}\n",
                runs * k, users * k
            );
            let (one, two) = (programme(&text(1.0)), programme(&text(2.0)));
            let (p1, p2) = (prepare(&one, &input).unwrap(), prepare(&two, &input).unwrap());
            let r1 = demand_rows(&p1, &input, &outcome, &[]).unwrap();
            let r2 = demand_rows(&p2, &input, &outcome, &[]).unwrap();
            prop_assert_eq!(r1.len(), r2.len());
            for (a, b) in r1.iter().zip(&r2) {
                prop_assert!(a.mean_flops <= a.peak_flops * (1.0 + 1e-12));
                prop_assert!(a.peak_flops <= a.hardware_flops * (1.0 + 1e-12));
                prop_assert!((b.power_gw - 2.0 * a.power_gw).abs() <= 1e-9 * b.power_gw.max(1e-30));
            }
            for year in 2026..=2028 {
                let parts: f64 = r1.iter().filter(|r| r.year == year && r.category != "total").map(|r| r.energy_twh).sum();
                let total = r1.iter().find(|r| r.year == year && r.category == "total").unwrap().energy_twh;
                prop_assert!((parts - total).abs() <= 1e-12 * total.max(1e-30));
            }
            // A larger share of supply never adds a shortfall.
            let c = cover(&p1, &input, &outcome, &[]);
            let mut more = one.clone();
            more.supply_share = suanli_scenario::programme::Quantity::constant(1.0);
            let p3 = prepare(&more, &input).unwrap();
            for (a, b) in c.iter().zip(cover(&p3, &input, &outcome, &[])) {
                prop_assert!(b.supply_h100e >= a.supply_h100e && (!b.shortfall || a.shortfall));
            }
        }
    }
}
