//! The site linear program, written into a [`suanli_lp::Builder`] (so that a network can
//! hold many sites and add its link flows to their balance rows).
//!
//! ```text
//! min  sum_k capex_k * Cap_k + sum_t (mc_gas g_t + price_t m_t + voll u_t - value x_t)
//! s.t. 0 <= r_t := L_t + x_t - g_t - m_t + c_t - eta d_t - u_t <= cf_s,t S + cf_w,t W   (balance)
//!      e_t = e_{t-1} + eta c_t - d_t,  e_{-1} = e_{T-1}                                (storage, cyclic)
//!      0 <= g_t <= G;  0 <= m_t <= M;  0 <= c_t <= P;  0 <= eta d_t <= P;  0 <= e_t <= E
//!      min_share K <= x_t <= K;  sum_t x_t >= quota;  u_t >= 0, sum_t u_t <= share sum_t L_t
//! ```
//! Symbols: S, W, G, P, E, K capacities of solar, wind, gas, battery power, battery energy
//! and training IT (MW, MWh); r renewable output (solar + wind, implicit: curtailment is
//! what the capacity factors allow beyond r); g gas, m grid import, c charge, d discharge
//! (energy taken from the store), e state of charge, x training load, u unserved firm load;
//! eta = sqrt(round-trip efficiency). Where no renewable can produce in an hour the
//! balance is an equality (an inequality pair with no interior would slow the solver).
//!
//! Units inside the LP are chosen so that coefficients sit near one, since interior-point
//! accuracy depends on it (see the reference problem's notes): power in units of the peak
//! firm load (GW for a 1 GW campus), money in units that make the largest annual capacity
//! cost per power unit equal to one.

use suanli_lp::{Builder, Problem, Row};

use crate::input::SiteInput;

/// Scale factors from MW and money to LP units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// LP power units per MW.
    pub power: f64,
    /// LP money units per unit of money.
    pub money: f64,
}

impl Scale {
    /// Scales for a site: the peak load becomes 1 and the largest capacity cost 1.
    pub fn of(site: &SiteInput) -> Self {
        Scale::from_peak_and_cost(Scale::peak_mw(site), Scale::largest_capacity_cost(site))
    }

    /// Scales that make `peak_mw` one power unit and `largest_cost_per_mw_year` one money
    /// unit per power unit.
    pub fn from_peak_and_cost(peak_mw: f64, largest_cost_per_mw_year: f64) -> Self {
        let power = if peak_mw > 0.0 { 1.0 / peak_mw } else { 1.0 };
        let money =
            if largest_cost_per_mw_year > 0.0 { power / largest_cost_per_mw_year } else { power * 1e-6 };
        Scale { power, money }
    }

    /// A site's peak firm load, or its average training quota if larger, MW.
    pub fn peak_mw(site: &SiteInput) -> f64 {
        let peak = site.firm_load_mw.iter().copied().fold(0.0, f64::max);
        peak.max(site.training.as_ref().map_or(0.0, |t| t.energy_quota_mwh / site.hours() as f64))
    }

    /// A site's largest annual capacity cost, money per MW (or MWh) per year.
    pub fn largest_capacity_cost(site: &SiteInput) -> f64 {
        let costs = [
            site.solar.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year),
            site.wind.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year),
            site.gas.as_ref().map_or(0.0, |g| g.capital_cost_per_mw_year),
            site.battery.as_ref().map_or(0.0, |b| b.power_cost_per_mw_year.max(b.energy_cost_per_mwh_year)),
            site.training.as_ref().map_or(0.0, |t| t.it_capacity_cost_per_mw_year),
        ];
        costs.into_iter().fold(0.0, f64::max)
    }
}

/// The energy balance of one hour: where terms of power arriving at the site's bus are
/// added (a network adds its link flows here, +1 per MW into the bus in LP units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// `lower`: `-r_t <= 0`, `upper`: `r_t <= cf_s S + cf_w W`.
    Pair {
        /// The row saying that renewable output used is not negative.
        lower: Row,
        /// The row saying that it is at most what the capacities allow.
        upper: Row,
    },
    /// `r_t = 0`: no renewable can produce in this hour.
    Equality(Row),
}

impl Balance {
    /// Adds `coef` x `column` of power into the bus (LP power units) to this balance.
    pub fn add_inflow(&self, lp: &mut Builder, column: usize, coef: f64) {
        // The rows hold -r_t (the lower row, and the equality) and +r_t (the upper row);
        // power arriving lowers r_t, so it enters like gas: + in -r_t.
        match *self {
            Balance::Pair { lower, upper } => {
                lp.add_term(lower, column, coef);
                lp.add_term(upper, column, -coef);
            }
            Balance::Equality(row) => lp.add_term(row, column, coef),
        }
    }
}

/// Where each variable sits in the column vector. Capacity columns hold one value;
/// hourly blocks (`*_t`) start at the column given, hour t at `start + t`. `None`: the
/// site has no such variable.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Number of hours.
    pub hours: usize,
    /// Solar capacity, LP power units.
    pub solar: Option<usize>,
    /// Wind capacity.
    pub wind: Option<usize>,
    /// Gas capacity.
    pub gas: Option<usize>,
    /// Battery power.
    pub battery_power: Option<usize>,
    /// Battery energy (LP power units x 1 h).
    pub battery_energy: Option<usize>,
    /// Training IT capacity.
    pub training: Option<usize>,
    /// Gas output per hour.
    pub gas_t: Option<usize>,
    /// Grid import per hour.
    pub grid_t: Option<usize>,
    /// Battery charging per hour.
    pub charge_t: Option<usize>,
    /// Energy taken from the store per hour (before discharge losses).
    pub discharge_t: Option<usize>,
    /// State of charge at the end of each hour.
    pub soc_t: Option<usize>,
    /// Training load per hour.
    pub training_t: Option<usize>,
    /// Unserved firm load per hour.
    pub unserved_t: Option<usize>,
    /// The energy balance of each hour.
    pub balance: Vec<Balance>,
}

/// The assembled problem of one site.
pub struct Lp {
    /// Where the site's variables are.
    pub layout: Layout,
    /// Its units.
    pub scale: Scale,
    /// The problem.
    pub problem: Problem,
}

fn alloc(lp: &mut Builder, n: usize, present: bool) -> Option<usize> {
    present.then(|| lp.columns(n))
}

/// Builds the LP of a site alone, in its own scale.
pub fn build(site: &SiteInput) -> Lp {
    let scale = Scale::of(site);
    let mut lp = Builder::default();
    let layout = add_site(&mut lp, site, scale);
    Lp { layout, scale, problem: lp.finish() }
}

/// Writes a site's columns and rows into `lp` in the units of `scale`.
pub fn add_site(lp: &mut Builder, site: &SiteInput, scale: Scale) -> Layout {
    let (power_scale, money_scale) = (scale.power, scale.money);
    let t_n = site.hours();
    // Training capped at zero does nothing (a quota beyond the cap is refused earlier).
    let training = site.training.as_ref().filter(|t| t.max_mw > 0.0);
    let mut l = Layout {
        hours: t_n,
        // A technology capped at zero is left out: a capacity held at zero by a pair of
        // inequalities has no interior, which stalls interior-point methods.
        solar: alloc(lp, 1, site.solar.as_ref().is_some_and(|s| s.max_mw > 0.0)),
        wind: alloc(lp, 1, site.wind.as_ref().is_some_and(|w| w.max_mw > 0.0)),
        gas: alloc(lp, 1, site.gas.is_some()),
        battery_power: alloc(lp, 1, site.battery.is_some()),
        battery_energy: alloc(lp, 1, site.battery.is_some()),
        training: alloc(lp, 1, training.is_some()),
        ..Layout::default()
    };
    l.gas_t = alloc(lp, t_n, site.gas.is_some());
    l.grid_t = alloc(lp, t_n, site.grid.as_ref().is_some_and(|g| g.connection_mw > 0.0));
    l.charge_t = alloc(lp, t_n, site.battery.is_some());
    l.discharge_t = alloc(lp, t_n, site.battery.is_some());
    l.soc_t = alloc(lp, t_n, site.battery.is_some());
    l.training_t = alloc(lp, t_n, training.is_some());
    l.unserved_t = alloc(lp, t_n, site.reliability.is_some());

    let per_gw = money_scale / power_scale; // money per MW -> LP money per LP power unit
    let mut cap_cost = |col: Option<usize>, cost: f64| {
        if let Some(c) = col {
            lp.set_cost(c, cost * per_gw);
        }
    };
    cap_cost(l.solar, site.solar.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year));
    cap_cost(l.wind, site.wind.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year));
    cap_cost(l.gas, site.gas.as_ref().map_or(0.0, |g| g.capital_cost_per_mw_year));
    if let Some(b) = &site.battery {
        cap_cost(l.battery_power, b.power_cost_per_mw_year);
        cap_cost(l.battery_energy, b.energy_cost_per_mwh_year);
    }
    cap_cost(l.training, training.map_or(0.0, |t| t.it_capacity_cost_per_mw_year));
    for t in 0..t_n {
        if let (Some(g), Some(gas)) = (l.gas_t, &site.gas) {
            lp.set_cost(g + t, gas.marginal_cost_per_mwh * per_gw);
        }
        if let (Some(m), Some(grid)) = (l.grid_t, &site.grid) {
            lp.set_cost(m + t, grid.price_per_mwh[t] * per_gw);
        }
        if let (Some(x), Some(tr)) = (l.training_t, training) {
            lp.set_cost(x + t, -tr.value_per_mwh * per_gw);
        }
        if let (Some(u), Some(rel)) = (l.unserved_t, &site.reliability) {
            let voll = rel.value_of_lost_load_per_mwh;
            lp.set_cost(u + t, if voll.is_finite() { voll * per_gw } else { 0.0 });
        }
    }

    let eta = site.battery.as_ref().map_or(1.0, |b| b.round_trip_efficiency.sqrt());
    let mut terms: Vec<(usize, f64)> = Vec::with_capacity(16);
    for t in 0..t_n {
        let load = site.firm_load_mw[t] * power_scale;
        // Terms of -r_t without the load: -x + g + m - c + eta d + u.
        terms.clear();
        if let Some(x) = l.training_t {
            terms.push((x + t, -1.0));
        }
        if let Some(g) = l.gas_t {
            terms.push((g + t, 1.0));
        }
        if let Some(m) = l.grid_t {
            terms.push((m + t, 1.0));
        }
        if let (Some(c), Some(d)) = (l.charge_t, l.discharge_t) {
            terms.push((c + t, -1.0));
            terms.push((d + t, eta));
        }
        if let Some(u) = l.unserved_t {
            terms.push((u + t, 1.0));
        }
        let cf_s = l.solar.map_or(0.0, |_| site.solar_cf[t]);
        let cf_w = l.wind.map_or(0.0, |_| site.wind_cf[t]);
        if cf_s + cf_w > 0.0 {
            let lower = lp.at_most(&terms, load); // r_t >= 0
            let mut upper: Vec<(usize, f64)> = terms.iter().map(|&(c, v)| (c, -v)).collect();
            if let Some(s) = l.solar {
                upper.push((s, -cf_s));
            }
            if let Some(w) = l.wind {
                upper.push((w, -cf_w));
            }
            let upper = lp.at_most(&upper, -load); // r_t <= cf_s S + cf_w W
            l.balance.push(Balance::Pair { lower, upper });
        } else {
            l.balance.push(Balance::Equality(lp.equality(&terms, load))); // r_t = 0
        }

        if let (Some(g), Some(cap)) = (l.gas_t, l.gas) {
            lp.at_most(&[(g + t, 1.0), (cap, -1.0)], 0.0);
            lp.at_most(&[(g + t, -1.0)], 0.0);
        }
        if let (Some(m), Some(grid)) = (l.grid_t, &site.grid) {
            if grid.connection_mw.is_finite() {
                lp.at_most(&[(m + t, 1.0)], grid.connection_mw * power_scale);
            }
            lp.at_most(&[(m + t, -1.0)], 0.0);
        }
        if let (Some(c), Some(d), Some(e), Some(p), Some(cap_e)) =
            (l.charge_t, l.discharge_t, l.soc_t, l.battery_power, l.battery_energy)
        {
            lp.at_most(&[(c + t, 1.0), (p, -1.0)], 0.0);
            lp.at_most(&[(c + t, -1.0)], 0.0);
            lp.at_most(&[(d + t, eta), (p, -1.0)], 0.0);
            lp.at_most(&[(d + t, -1.0)], 0.0);
            lp.at_most(&[(e + t, 1.0), (cap_e, -1.0)], 0.0);
            lp.at_most(&[(e + t, -1.0)], 0.0);
            let prev = if t == 0 { t_n - 1 } else { t - 1 };
            lp.equality(&[(e + t, 1.0), (e + prev, -1.0), (c + t, -eta), (d + t, 1.0)], 0.0);
        }
        if let (Some(x), Some(k), Some(tr)) = (l.training_t, l.training, training) {
            if tr.min_load_share >= 1.0 {
                // Flat training: an equality, not an inequality pair with no interior.
                lp.equality(&[(x + t, 1.0), (k, -1.0)], 0.0);
            } else {
                lp.at_most(&[(x + t, 1.0), (k, -1.0)], 0.0);
                lp.at_most(&[(x + t, -1.0), (k, tr.min_load_share)], 0.0);
            }
        }
        if let Some(u) = l.unserved_t {
            lp.at_most(&[(u + t, -1.0)], 0.0);
        }
    }
    for col in [l.solar, l.wind, l.gas, l.battery_power, l.battery_energy, l.training].into_iter().flatten() {
        lp.mark_border(col);
    }
    // Capacities are non-negative and bounded where a maximum is given.
    let maxima = [
        (l.solar, site.solar.as_ref().map_or(f64::INFINITY, |s| s.max_mw)),
        (l.wind, site.wind.as_ref().map_or(f64::INFINITY, |s| s.max_mw)),
        (l.gas, f64::INFINITY),
        (l.battery_power, f64::INFINITY),
        (l.battery_energy, f64::INFINITY),
        (l.training, training.map_or(f64::INFINITY, |t| t.max_mw)),
    ];
    for (col, max) in maxima {
        if let Some(c) = col {
            lp.at_most(&[(c, -1.0)], 0.0);
            if max.is_finite() {
                lp.at_most(&[(c, 1.0)], max * power_scale);
            }
        }
    }
    if let (Some(x), Some(tr)) = (l.training_t, training) {
        if tr.energy_quota_mwh > 0.0 {
            let all: Vec<(usize, f64)> = (0..t_n).map(|t| (x + t, -1.0)).collect();
            lp.at_most(&all, -tr.energy_quota_mwh * power_scale);
        }
    }
    if let (Some(u), Some(rel)) = (l.unserved_t, &site.reliability) {
        let firm: f64 = site.firm_load_mw.iter().sum();
        let all: Vec<(usize, f64)> = (0..t_n).map(|t| (u + t, 1.0)).collect();
        lp.at_most(&all, rel.max_unserved_share * firm * power_scale);
    }

    l
}
