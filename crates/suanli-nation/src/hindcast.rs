//! Hindcasts: the baseline as it could have been built at the end of an earlier base year,
//! run forward and scored ([`score`]) against what was observed since.
//!
//! [`as_of`] turns the resolved baseline into the input a modeller could have written at the
//! end of base year B:
//!
//! * generation reported up to B, then each region's trailing five-year growth to B;
//! * fleets calibrated from the clusters operational by the end of B;
//! * chip lines shipping the parts of each year up to B (Epoch AI's catalogue), and after B
//!   the newest part released by then, growing at the baseline's trends;
//! * export controls as known at B (the US rules of October 2022 and 2023);
//! * spending after B: each region's spending in B (what its calibrated history bought)
//!   growing at the trailing three-year growth of NVIDIA's data-centre revenue to B;
//!   China's domestic production after B: its shipments in B at the baseline's growth.
//!
//! What could only be set from later data is listed in [`LATER_DATA`].

use suanli_data::catalogue::{find_accelerator, Accelerator};
use suanli_data::fleets::{fleet_h100e, FleetRow};
use suanli_data::observed::{Observation, ACCELERATOR_SPEND_USD_BN, WORLD_ID};
use suanli_scenario::model::NationInput;

use crate::engine::simulate;

pub mod score;

/// Parameters of a hindcast input that come from data published after the base year, and
/// how each is treated (printed by `suanli hindcast`, in docs/calibration.md).
pub const LATER_DATA: &[&str] = &[
    "cluster coverage (15 %) is Epoch AI's estimate of March 2025, used for every year; the clusters of a year come from an export compiled in 2025",
    "China's split between chip lines is a suanli estimate from press reports of 2023-2025",
    "chip trends after the base year (FLOP/s, TDP, price growth) are the baseline's, fitted to 2017-2025 parts",
    "conventional data-centre load is the baseline's, calibrated to IEA (2025) for 2024 and back-cast at its growth: data-centre electricity errors measure the AI part",
    "PUE, server overhead, load factor, utilisation, grid connections per year and the data-centre share ceiling are the baseline's, set from 2023-2025 sources",
];

/// The first base year a hindcast can start from: the fleet table starts in 2018.
pub const FIRST_BASE_YEAR: i32 = 2018;

/// A chip line's part from a year on: the accelerator that shipped most (suanli's reading of
/// Epoch AI's hardware data and press reports), with a price where Epoch AI has none.
struct Part {
    line: &'static str,
    from_year: i32,
    name: &'static str,
    /// USD, and why.
    price_fill: Option<(f64, &'static str)>,
}

const PARTS: &[Part] = &[
    Part { line: "us_frontier", from_year: 2017, name: "NVIDIA Tesla V100 SXM2", price_fill: None },
    Part { line: "us_frontier", from_year: 2020, name: "NVIDIA A100 SXM4 40 GB", price_fill: None },
    Part { line: "us_frontier", from_year: 2023, name: "NVIDIA H100 SXM5 80GB", price_fill: None },
    Part {
        line: "us_china_compliant",
        from_year: 2022,
        name: "NVIDIA A800 SXM",
        price_fill: Some((
            15_000.0,
            "the A100 SXM4's release price: the same die, with a slower interconnect",
        )),
    },
    Part {
        line: "us_china_compliant",
        from_year: 2023,
        name: "NVIDIA H800 SXM5",
        price_fill: Some((
            33_600.0,
            "the H100 SXM5's release price: the same die, with a slower interconnect",
        )),
    },
    Part { line: "us_china_compliant", from_year: 2024, name: "NVIDIA HGX H20", price_fill: None },
    Part {
        line: "china_domestic",
        from_year: 2019,
        name: "Huawei Ascend 910",
        price_fill: Some((16_854.0, "the Ascend 910B's release price; none was published for the 910")),
    },
    Part { line: "china_domestic", from_year: 2022, name: "Huawei Ascend 910B", price_fill: None },
];

/// The year of the US export rules that closed frontier accelerators to China (BIS,
/// 2022-10-07); the rules of 2023-10-17 closed the A800/H800 and left the H20.
const FRONTIER_BAN_YEAR: i32 = 2022;

/// A chip's values: dense 16-bit FLOP/s, TDP (W), price (USD).
#[derive(Debug, Clone, Copy)]
struct Chip {
    flops: f64,
    tdp_w: f64,
    price_usd: f64,
}

/// The baseline as it could have been built at the end of a base year.
#[derive(Debug, Clone)]
pub struct AsOf {
    /// The input, calibrated at the base year.
    pub input: NationInput,
    /// Growth of spending after the base year, per year (0.5 = 50 %/yr).
    pub spending_growth_per_year: f64,
}

/// Builds the hindcast input of `base_year` from the resolved `baseline` (module docs).
pub fn as_of(
    baseline: &NationInput,
    base_year: i32,
    fleets: &[FleetRow],
    catalogue: &[Accelerator],
    observations: &[Observation],
) -> Result<AsOf, String> {
    let latest = baseline.calibration_year - 1;
    if !(FIRST_BASE_YEAR..=latest).contains(&base_year) {
        return Err(format!("base year {base_year} is outside {FIRST_BASE_YEAR}-{latest}"));
    }
    let spending_growth_per_year = spending_growth(observations, base_year)?;
    let mut input = baseline.clone();
    input.name = format!("baseline as of {base_year}");
    input.calibration_year = base_year;
    let b = input.calibration_index();
    let first = input.first_year;
    let year_of = |i: usize| first + i as i32;

    for region in &mut input.regions {
        if region.last_reported_year > base_year {
            region.last_reported_year = base_year;
            region.generation_reported_twh.truncate(b + 1);
        }
        let at = |y: i32| region.generation_reported_twh.get((y - first) as usize).copied();
        let last = region.last_reported_year;
        let growth = match (at(last - 5), at(last)) {
            (Some(a), Some(z)) if a > 0.0 => (z / a).powf(0.2) - 1.0,
            _ => 0.0,
        };
        region.generation_growth_per_year.fill(growth);
        let fleet = |line: &str| fleet_h100e(fleets, &region.id, line, base_year);
        region.calibration_fleet_h100e = input.lines.iter().map(|l| fleet(&l.id)).collect();
    }

    for line in &mut input.lines {
        let id = line.id.clone();
        let history = |y: i32| part_of(&id, y, None, catalogue);
        let Some(next) = part_of(&id, base_year + 1, Some(base_year), catalogue)? else {
            // No part released by the base year (China-compliant parts before late 2022):
            // the line exists in the input but ships nothing after it.
            let frontier = part_of("us_frontier", base_year, None, catalogue)?
                .ok_or("the hindcast parts have no frontier part")?;
            for i in 0..line.flops_per_chip.len() {
                let chip = history(year_of(i))?.unwrap_or(frontier);
                set_chip(line, i, chip);
            }
            line.production_cap_chips[b + 1..].fill(0.0);
            continue;
        };
        let trend = |v: &[f64]| v[v.len() - 1] / v[v.len() - 2];
        let (g_flops, g_tdp, g_price) =
            (trend(&line.flops_per_chip), trend(&line.tdp_w), trend(&line.price_usd));
        for i in 0..line.flops_per_chip.len() {
            let chip = if i <= b {
                history(year_of(i))?.unwrap_or(next)
            } else {
                let k = (i - b - 1) as i32;
                Chip {
                    flops: next.flops * g_flops.powi(k),
                    tdp_w: next.tdp_w * g_tdp.powi(k),
                    price_usd: next.price_usd * g_price.powi(k),
                }
            };
            set_chip(line, i, chip);
        }
    }

    // Export controls as known at the base year.
    let china = input.regions.iter().position(|r| r.id == "china");
    let frontier = input.lines.iter().position(|l| l.id == "us_frontier");
    if let Some(c) = china {
        for (l, caps) in input.regions[c].import_cap_chips.iter_mut().enumerate() {
            let banned = Some(l) == frontier && base_year >= FRONTIER_BAN_YEAR;
            caps[b + 1..].fill(if banned { 0.0 } else { f64::INFINITY });
        }
    }

    // Spending and domestic production after the base year, from what the calibrated
    // history bought in it.
    let history = simulate(&input);
    let ny = input.years();
    for (r, region) in input.regions.iter_mut().enumerate() {
        let spent = history.spent_usd_bn[r * ny + b];
        for (k, capex) in region.capex_usd_bn[b + 1..].iter_mut().enumerate() {
            *capex = spent * (1.0 + spending_growth_per_year).powi(k as i32 + 1);
        }
    }
    if let Some(c) = china {
        let domestic_chips = history.shipped_domestic_chips[c * ny + b];
        for line in input.lines.iter_mut().filter(|l| l.origin == Some(c)) {
            let caps = &mut line.production_cap_chips;
            let growth = caps[caps.len() - 1] / caps[caps.len() - 2];
            for (k, cap) in caps[b + 1..].iter_mut().enumerate() {
                *cap = domestic_chips * growth.powi(k as i32 + 1);
            }
        }
    }
    Ok(AsOf { input, spending_growth_per_year })
}

fn set_chip(line: &mut suanli_scenario::model::LineInput, i: usize, chip: Chip) {
    line.flops_per_chip[i] = chip.flops;
    line.tdp_w[i] = chip.tdp_w;
    line.price_usd[i] = chip.price_usd;
}

/// The part a line ships in `year`: the latest part from that year or before, restricted to
/// parts released by `known_by` when given. `Ok(None)`: none; the earliest part stands for
/// years before the first when `known_by` is `None`.
fn part_of(
    line: &str,
    year: i32,
    known_by: Option<i32>,
    catalogue: &[Accelerator],
) -> Result<Option<Chip>, String> {
    let parts = PARTS.iter().filter(|p| p.line == line);
    let released = |p: &&Part| {
        known_by.is_none_or(|k| {
            find_accelerator(catalogue, p.name)
                .and_then(|a| a.release_date.get(..4)?.parse::<i32>().ok())
                .is_some_and(|y| y <= k)
        })
    };
    let chosen = parts.clone().filter(released).rfind(|p| p.from_year <= year);
    let chosen = match (chosen, known_by) {
        (Some(p), _) => p,
        (None, Some(_)) => return Ok(None),
        (None, None) => match parts.min_by_key(|p| p.from_year) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let a = find_accelerator(catalogue, chosen.name)
        .ok_or_else(|| format!("the catalogue has no accelerator `{}`", chosen.name))?;
    let price_usd = a.price_usd.or(chosen.price_fill.map(|(p, _)| p));
    match (a.tdp_w, price_usd) {
        (Some(tdp_w), Some(price_usd)) => Ok(Some(Chip { flops: a.flops_16bit, tdp_w, price_usd })),
        _ => Err(format!("the catalogue's `{}` has no TDP or price", chosen.name)),
    }
}

/// Trailing three-year growth of observed spending to `base_year` (NVIDIA's data-centre
/// revenue), per year.
fn spending_growth(observations: &[Observation], base_year: i32) -> Result<f64, String> {
    let spend = |y: i32| {
        observations
            .iter()
            .find(|o| o.region == WORLD_ID && o.year == y && o.quantity == ACCELERATOR_SPEND_USD_BN)
            .map(|o| o.value)
    };
    match (spend(base_year - 3), spend(base_year)) {
        (Some(a), Some(z)) if a > 0.0 => Ok((z / a).powf(1.0 / 3.0) - 1.0),
        _ => Err(format!("no observed spending for {} and {base_year}", base_year - 3)),
    }
}

/// The price fills used by the hindcast parts, as `(part, USD, why)`, for the docs and
/// `suanli hindcast`'s notes.
pub fn price_fills() -> impl Iterator<Item = (&'static str, f64, &'static str)> {
    PARTS.iter().filter_map(|p| p.price_fill.map(|(usd, why)| (p.name, usd, why)))
}
