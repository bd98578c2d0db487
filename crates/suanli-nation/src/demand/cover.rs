//! A programme's demand beside its regions' supply: the powered accelerators of the
//! region, times the share of them the programme may use.

use serde::Serialize;
use suanli_scenario::model::NationInput;

use super::Prepared;
use crate::outcome::{Binding, Outcome, H100_FLOPS};

/// Demand and supply of one region-year, in H100-equivalents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverRow {
    /// Region name.
    pub region: String,
    /// Year.
    pub year: i32,
    /// Accelerators the programme needs, H100e.
    pub demand_h100e: f64,
    /// Powered accelerators of the region times the programme's supply share, H100e.
    pub supply_h100e: f64,
    /// Supply minus demand, H100e (negative: a shortfall).
    pub headroom_h100e: f64,
    /// Demand over supply (above 1: a shortfall).
    pub demand_over_supply: f64,
    /// Whether demand exceeds supply.
    pub shortfall: bool,
    /// The limit that binds the region's supply that year.
    pub binding: Binding,
}

/// Hardware FLOP/s the programme needs in each of `p.regions` in `year`.
pub fn hardware_by_region(p: &Prepared<'_>, year: i32, u: &[f64], out: &mut [f64]) {
    out.iter_mut().for_each(|x| *x = 0.0);
    p.needs(year, u, |n| {
        if let Some(k) = p.regions.iter().position(|&r| r == n.region) {
            out[k] += n.hardware_flops;
        }
    });
}

/// Powered hardware FLOP/s of a region-year available to the programme.
pub fn supply_flops(p: &Prepared<'_>, outcome: &Outcome, region: usize, year: i32, u: &[f64]) -> f64 {
    let i = outcome.at(region, year);
    (outcome.installed_flops[i] - outcome.stranded_flops[i]).max(0.0) * p.programme.supply_share.at(year, u)
}

/// Demand beside supply for every region and year of the programme, region by region.
pub fn cover(p: &Prepared<'_>, input: &NationInput, outcome: &Outcome, u: &[f64]) -> Vec<CoverRow> {
    let years: Vec<i32> = (p.programme.first_year..=p.programme.last_year).collect();
    let demand: Vec<Vec<f64>> = years
        .iter()
        .map(|&year| {
            let mut d = vec![0.0; p.regions.len()];
            hardware_by_region(p, year, u, &mut d);
            d
        })
        .collect();
    let mut rows = Vec::new();
    for (k, &r) in p.regions.iter().enumerate() {
        for (&year, d) in years.iter().zip(&demand) {
            let (demand, supply) = (d[k], supply_flops(p, outcome, r, year, u));
            rows.push(CoverRow {
                region: input.regions[r].name.clone(),
                year,
                demand_h100e: demand / H100_FLOPS,
                supply_h100e: supply / H100_FLOPS,
                headroom_h100e: (supply - demand) / H100_FLOPS,
                demand_over_supply: if supply > 0.0 { demand / supply } else { f64::INFINITY },
                shortfall: demand > supply,
                binding: outcome.binding[outcome.at(r, year)],
            });
        }
    }
    rows
}

/// A region's first year of shortfall and the limit binding its supply then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstShortfall {
    /// Region name.
    pub region: String,
    /// First year demand exceeds supply (`None`: covered in every year).
    pub year: Option<i32>,
    /// The limit binding the region's supply in that year.
    pub limit: Option<Binding>,
}

/// The first shortfall of each region in `rows` (as [`cover`] orders them).
pub fn first_shortfalls(rows: &[CoverRow]) -> Vec<FirstShortfall> {
    let mut out: Vec<FirstShortfall> = Vec::new();
    for row in rows {
        let k = match out.iter().position(|f| f.region == row.region) {
            Some(k) => k,
            None => {
                out.push(FirstShortfall { region: row.region.clone(), year: None, limit: None });
                out.len() - 1
            }
        };
        if row.shortfall && out[k].year.is_none() {
            out[k].year = Some(row.year);
            out[k].limit = Some(row.binding);
        }
    }
    out
}
