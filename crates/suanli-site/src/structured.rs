//! The site LP written hour by hour for the banded interior-point method ([`crate::ipm`]).
//!
//! Same problem as [`crate::lp`], arranged so that every column touches rows of one hour
//! and its neighbour only:
//! * each capacity (solar, wind, gas, battery power and energy, training IT) has a copy per
//!   hour, chained by `cap_t - cap_{t-1} = 0`; the capital cost sits on the first copy;
//! * the cyclic state of charge starts from a copy `e0` of the final state carried along
//!   the year and closed by `e_{T-1} = e0_{T-1}`;
//! * annual sums (training quota, unserved energy) are running totals `z_t = z_{t-1} + x_t`
//!   with the bound on the last one;
//! * inequalities get slack columns (`g + sg = G`); renewable output r and curtailment k
//!   satisfy `r + k = cf_s S + cf_w W`.
//!
//! The matrix `A Θ A'` is then banded with a half-bandwidth of about one hour's rows.

use crate::input::SiteInput;
use crate::ipm::BoundedLp;
use crate::lp::Scale;

/// Columns of the hourly series and capacities, for reading the solution.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// First-hour copies of the capacities.
    pub solar: Option<usize>,
    pub wind: Option<usize>,
    pub gas: Option<usize>,
    pub battery_power: Option<usize>,
    pub battery_energy: Option<usize>,
    pub training: Option<usize>,
    /// Hourly columns (one per hour, `None` where absent).
    pub gas_t: Vec<Option<usize>>,
    pub grid_t: Vec<Option<usize>>,
    pub charge_t: Vec<Option<usize>>,
    pub discharge_t: Vec<Option<usize>>,
    pub soc_t: Vec<Option<usize>>,
    pub training_t: Vec<Option<usize>>,
    pub unserved_t: Vec<Option<usize>>,
}

/// The structured LP and how to read it.
pub struct Structured {
    pub lp: BoundedLp,
    pub scale: Scale,
    pub columns: Columns,
}

/// Row ids of one hour.
#[derive(Default, Clone)]
struct HourRows {
    /// Chain rows linking this hour's capacity copies to the previous hour's (t >= 1):
    /// solar, wind, gas, battery power, battery energy, training, e0.
    link: [Option<usize>; 7],
    balance: usize,
    renewable: Option<usize>,
    gas: Option<usize>,
    charge: Option<usize>,
    discharge: Option<usize>,
    soc_cap: Option<usize>,
    soc: Option<usize>,
    train_up: Option<usize>,
    train_low: Option<usize>,
    quota: Option<usize>,
    unserved: Option<usize>,
}

/// Builds the structured LP of a site.
pub fn build(site: &SiteInput) -> Structured {
    let scale = Scale::of(site);
    let (ps, per_mw) = (scale.power, scale.money / scale.power);
    let t_n = site.hours();
    let eta = site.battery.as_ref().map_or(1.0, |b| b.round_trip_efficiency.sqrt());
    let tr = site.training.as_ref();
    let has = [
        site.solar.is_some(),
        site.wind.is_some(),
        site.gas.is_some(),
        site.battery.is_some(),
        site.battery.is_some(),
        tr.is_some(),
        site.battery.is_some(),
    ];
    let quota = tr.map_or(0.0, |t| t.energy_quota_mwh);
    let min_share = tr.map_or(0.0, |t| t.min_load_share);

    // Pass 1: rows, hour by hour.
    let mut rows = 0usize;
    let mut next = || {
        rows += 1;
        rows - 1
    };
    let mut hours: Vec<HourRows> = Vec::with_capacity(t_n);
    for t in 0..t_n {
        let mut h = HourRows::default();
        if t > 0 {
            for (k, present) in has.iter().enumerate() {
                if *present {
                    h.link[k] = Some(next());
                }
            }
        }
        h.balance = next();
        let cf = site.solar.as_ref().map_or(0.0, |_| site.solar_cf[t])
            + site.wind.as_ref().map_or(0.0, |_| site.wind_cf[t]);
        if cf > 0.0 {
            h.renewable = Some(next());
        }
        if site.gas.is_some() {
            h.gas = Some(next());
        }
        if site.battery.is_some() {
            h.charge = Some(next());
            h.discharge = Some(next());
            h.soc_cap = Some(next());
            h.soc = Some(next());
        }
        if tr.is_some() {
            h.train_up = Some(next());
            if min_share > 0.0 {
                h.train_low = Some(next());
            }
            if quota > 0.0 {
                h.quota = Some(next());
            }
        }
        if site.reliability.is_some() {
            h.unserved = Some(next());
        }
        hours.push(h);
    }
    let cycle = site.battery.is_some().then(&mut next);

    let mut lp = BoundedLp { rows, b: vec![0.0; rows], ..BoundedLp::default() };
    for (t, h) in hours.iter().enumerate() {
        lp.b[h.balance] = site.firm_load_mw[t] * ps;
    }

    // Pass 2: columns.
    let inf = f64::INFINITY;
    let mut cols = Columns {
        gas_t: vec![None; t_n],
        grid_t: vec![None; t_n],
        charge_t: vec![None; t_n],
        discharge_t: vec![None; t_n],
        soc_t: vec![None; t_n],
        training_t: vec![None; t_n],
        unserved_t: vec![None; t_n],
        ..Columns::default()
    };
    let capex = [
        site.solar.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year),
        site.wind.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year),
        site.gas.as_ref().map_or(0.0, |g| g.capital_cost_per_mw_year),
        site.battery.as_ref().map_or(0.0, |b| b.power_cost_per_mw_year),
        site.battery.as_ref().map_or(0.0, |b| b.energy_cost_per_mwh_year),
        tr.map_or(0.0, |t| t.it_capacity_cost_per_mw_year),
        0.0,
    ];
    let max = [
        site.solar.as_ref().map_or(inf, |s| s.max_mw * ps),
        site.wind.as_ref().map_or(inf, |s| s.max_mw * ps),
        inf,
        inf,
        inf,
        tr.map_or(inf, |t| t.max_mw * ps),
        inf,
    ];
    let mut e: Vec<(usize, f64)> = Vec::with_capacity(8);
    for t in 0..t_n {
        let h = &hours[t];
        let later = hours.get(t + 1);
        // Capacity copies (and e0).
        let mut copies = [None; 7];
        for k in 0..7 {
            if !has[k] {
                continue;
            }
            e.clear();
            if let Some(r) = h.link[k] {
                e.push((r, 1.0));
            }
            if let Some(r) = later.and_then(|n| n.link[k]) {
                e.push((r, -1.0));
            }
            match k {
                0 | 1 => {
                    if let Some(r) = h.renewable {
                        let cf = if k == 0 { site.solar_cf[t] } else { site.wind_cf[t] };
                        e.push((r, -cf));
                    }
                }
                2 => e.push((h.gas.expect("gas row"), -1.0)),
                3 => {
                    e.push((h.charge.expect("charge row"), -1.0));
                    e.push((h.discharge.expect("discharge row"), -1.0));
                }
                4 => e.push((h.soc_cap.expect("soc row"), -1.0)),
                5 => {
                    e.push((h.train_up.expect("training row"), -1.0));
                    if let Some(r) = h.train_low {
                        e.push((r, min_share));
                    }
                }
                _ => {
                    if t == 0 {
                        e.push((h.soc.expect("soc row"), -1.0));
                    }
                    if t == t_n - 1 {
                        e.push((cycle.expect("cycle row"), -1.0));
                    }
                }
            }
            let cost = if t == 0 { capex[k] * per_mw } else { 0.0 };
            copies[k] = Some(lp.column(cost, 0.0, max[k], &e));
        }
        if t == 0 {
            cols.solar = copies[0];
            cols.wind = copies[1];
            cols.gas = copies[2];
            cols.battery_power = copies[3];
            cols.battery_energy = copies[4];
            cols.training = copies[5];
        }
        // Renewable output and curtailment.
        if let Some(r) = h.renewable {
            lp.column(0.0, 0.0, inf, &[(h.balance, 1.0), (r, 1.0)]);
            lp.column(0.0, 0.0, inf, &[(r, 1.0)]);
        }
        if let (Some(gas), Some(r)) = (&site.gas, h.gas) {
            cols.gas_t[t] =
                Some(lp.column(gas.marginal_cost_per_mwh * per_mw, 0.0, inf, &[(h.balance, 1.0), (r, 1.0)]));
            lp.column(0.0, 0.0, inf, &[(r, 1.0)]);
        }
        if let Some(grid) = &site.grid {
            cols.grid_t[t] = Some(lp.column(
                grid.price_per_mwh[t] * per_mw,
                0.0,
                grid.connection_mw * ps,
                &[(h.balance, 1.0)],
            ));
        }
        if let (Some(rc), Some(rd), Some(rcap), Some(rs)) = (h.charge, h.discharge, h.soc_cap, h.soc) {
            cols.charge_t[t] = Some(lp.column(0.0, 0.0, inf, &[(h.balance, -1.0), (rc, 1.0), (rs, -eta)]));
            lp.column(0.0, 0.0, inf, &[(rc, 1.0)]);
            cols.discharge_t[t] = Some(lp.column(0.0, 0.0, inf, &[(h.balance, eta), (rd, eta), (rs, 1.0)]));
            lp.column(0.0, 0.0, inf, &[(rd, 1.0)]);
            e.clear();
            e.push((rcap, 1.0));
            e.push((rs, 1.0));
            if let Some(n) = later {
                e.push((n.soc.expect("soc row"), -1.0));
            } else {
                e.push((cycle.expect("cycle row"), 1.0));
            }
            cols.soc_t[t] = Some(lp.column(0.0, 0.0, inf, &e));
            lp.column(0.0, 0.0, inf, &[(rcap, 1.0)]);
        }
        if let (Some(tr), Some(up)) = (tr, h.train_up) {
            e.clear();
            e.push((h.balance, -1.0));
            e.push((up, 1.0));
            if let Some(r) = h.train_low {
                e.push((r, 1.0));
            }
            if let Some(r) = h.quota {
                e.push((r, -1.0));
            }
            cols.training_t[t] = Some(lp.column(-tr.value_per_mwh * per_mw, 0.0, inf, &e));
            lp.column(0.0, 0.0, inf, &[(up, 1.0)]);
            if let Some(r) = h.train_low {
                lp.column(0.0, 0.0, inf, &[(r, -1.0)]);
            }
            if let Some(r) = h.quota {
                e.clear();
                e.push((r, 1.0));
                if let Some(n) = later {
                    e.push((n.quota.expect("quota row"), -1.0));
                }
                let lower = if later.is_none() { quota * ps } else { 0.0 };
                lp.column(0.0, lower, inf, &e);
            }
        }
        if let (Some(rel), Some(r)) = (&site.reliability, h.unserved) {
            let voll = rel.value_of_lost_load_per_mwh;
            let cost = if voll.is_finite() { voll * per_mw } else { 0.0 };
            cols.unserved_t[t] = Some(lp.column(cost, 0.0, inf, &[(h.balance, 1.0), (r, -1.0)]));
            e.clear();
            e.push((r, 1.0));
            if let Some(n) = later {
                e.push((n.unserved.expect("unserved row"), -1.0));
            }
            let firm: f64 = site.firm_load_mw.iter().sum();
            let upper = if later.is_none() { rel.max_unserved_share * firm * ps } else { inf };
            lp.column(0.0, 0.0, upper, &e);
        }
    }
    Structured { lp, scale, columns: cols }
}
