//! Helpers shared by the network tests: small sites, links and a seeded generator.
#![allow(dead_code)]

use suanli_network::Link;
use suanli_site::input::{Battery, Gas, Renewable, SiteInput};

pub fn site(name: &str, hours: usize, load_mw: f64) -> SiteInput {
    SiteInput {
        name: name.into(),
        solar_cf: vec![0.0; hours],
        wind_cf: vec![0.0; hours],
        firm_load_mw: vec![load_mw; hours],
        solar: None,
        wind: None,
        battery: None,
        gas: None,
        grid: None,
        training: None,
        reliability: None,
    }
}

pub fn link(from: usize, to: usize, cost: f64, efficiency: f64) -> Link {
    Link {
        name: format!("l{from}-{to}"),
        from,
        to,
        capital_cost_per_mw_year: cost,
        efficiency,
        max_mw: f64::INFINITY,
    }
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

/// A small deterministic generator (xorshift), so that the random cases are the same on
/// every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A site with random weather, costs and technologies (gas always, so that it is feasible).
pub fn random_site(rng: &mut Rng, name: &str, hours: usize) -> SiteInput {
    let mut s = site(name, hours, 50.0 + 100.0 * rng.next());
    let phase = rng.next() * 6.0;
    s.solar_cf =
        (0..hours).map(|t| ((t as f64 - 6.0 - phase) / 12.0 * std::f64::consts::PI).sin().max(0.0)).collect();
    s.wind_cf = (0..hours).map(|_| rng.next()).collect();
    s.solar = Some(Renewable { capital_cost_per_mw_year: 20.0 + 60.0 * rng.next(), max_mw: f64::INFINITY });
    s.wind = Some(Renewable { capital_cost_per_mw_year: 40.0 + 80.0 * rng.next(), max_mw: f64::INFINITY });
    s.gas = Some(Gas {
        capital_cost_per_mw_year: 30.0 + 60.0 * rng.next(),
        marginal_cost_per_mwh: 2.0 + 8.0 * rng.next(),
        co2_t_per_mwh: 0.37,
    });
    if rng.next() < 0.7 {
        s.battery = Some(Battery {
            power_cost_per_mw_year: 5.0 + 10.0 * rng.next(),
            energy_cost_per_mwh_year: 2.0 + 8.0 * rng.next(),
            round_trip_efficiency: 0.8 + 0.2 * rng.next(),
        });
    }
    s
}
