//! Checks before and after solving: input consistency, requirements that no plan can
//! meet (named by hour), and the energy balance of the returned dispatch.

use crate::input::SiteInput;
use crate::plan::{Dispatch, SiteError};

/// Checks lengths and ranges of a site input.
pub fn validate(site: &SiteInput) -> Result<(), SiteError> {
    let n = site.hours();
    let bad = |m: String| Err(SiteError::Input(m));
    if n == 0 {
        return bad("the site has no hours".into());
    }
    if site.solar_cf.len() != n || site.wind_cf.len() != n {
        return bad(format!(
            "capacity-factor series have {} and {} hours, the load {n}",
            site.solar_cf.len(),
            site.wind_cf.len()
        ));
    }
    for (name, series) in [("solar_cf", &site.solar_cf), ("wind_cf", &site.wind_cf)] {
        if let Some(t) = series.iter().position(|v| !(0.0..=1.0).contains(v)) {
            return bad(format!("{name} is {} in hour {t}, expected 0..1", series[t]));
        }
    }
    if let Some(t) = site.firm_load_mw.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        return bad(format!("firm load is {} MW in hour {t}", site.firm_load_mw[t]));
    }
    if let Some(g) = &site.grid {
        if g.price_per_mwh.len() != n {
            return bad(format!("the grid price series has {} hours, the load {n}", g.price_per_mwh.len()));
        }
        if let Some(t) = g.price_per_mwh.iter().position(|p| !p.is_finite()) {
            return bad(format!("the grid price is not a number in hour {t}"));
        }
    }
    if let Some(b) = &site.battery {
        if !(b.round_trip_efficiency > 0.0 && b.round_trip_efficiency <= 1.0) {
            return bad(format!(
                "battery round_trip_efficiency is {}, expected in (0, 1]",
                b.round_trip_efficiency
            ));
        }
    }
    Ok(())
}

/// Finds requirements that no plan can meet, before solving, and says which.
pub fn feasibility(site: &SiteInput) -> Result<(), SiteError> {
    let n = site.hours();
    let unserved_ok = site.reliability.as_ref().is_some_and(|r| r.max_unserved_share >= 1.0);
    if unserved_ok {
        return Ok(());
    }
    let grid_mw = site.grid.as_ref().map_or(0.0, |g| g.connection_mw);
    let has_energy_somewhere = site.gas.is_some()
        || grid_mw > 0.0
        || (site.solar.is_some() && site.solar_cf.iter().any(|v| *v > 0.0))
        || (site.wind.is_some() && site.wind_cf.iter().any(|v| *v > 0.0));
    let total_firm: f64 = site.firm_load_mw.iter().sum();
    let needs_energy = total_firm > 0.0
        || site.training.as_ref().is_some_and(|t| t.energy_quota_mwh > 0.0 || t.min_load_share > 0.0);
    if needs_energy && !has_energy_somewhere {
        return Err(SiteError::Infeasible(
            "there is no source of energy: no gas, no grid, and solar and wind are absent or their capacity factors are zero in every hour".into(),
        ));
    }
    // Without gas or storage, each hour stands alone.
    if site.gas.is_none() && site.battery.is_none() && site.reliability.is_none() {
        for t in 0..n {
            let renewable = (site.solar.is_some() && site.solar_cf[t] > 0.0)
                || (site.wind.is_some() && site.wind_cf[t] > 0.0);
            if !renewable && site.firm_load_mw[t] > grid_mw {
                return Err(SiteError::Infeasible(format!(
                    "firm load {:.0} MW cannot be met in hour {t}: solar and wind give nothing then, the grid connection is {:.0} MW, and there is no gas or battery",
                    site.firm_load_mw[t], grid_mw
                )));
            }
        }
    }
    if let Some(tr) = &site.training {
        if tr.max_mw.is_finite() && tr.energy_quota_mwh > tr.max_mw * n as f64 {
            return Err(SiteError::Infeasible(format!(
                "the training quota of {:.0} MWh exceeds what {:.0} MW of training capacity can use in {n} hours",
                tr.energy_quota_mwh, tr.max_mw
            )));
        }
    }
    Ok(())
}

/// Largest violation, MW (MWh for storage), of the hourly energy balance and the storage
/// equation in a dispatch, recomputed from the dispatch alone.
pub fn balance_violation_mw(site: &SiteInput, d: &Dispatch) -> f64 {
    let n = site.hours();
    let eta = site.battery.as_ref().map_or(1.0, |b| b.round_trip_efficiency.sqrt());
    let mut worst: f64 = 0.0;
    for t in 0..n {
        let supply =
            d.solar_mw[t] + d.wind_mw[t] + d.gas_mw[t] + d.grid_mw[t] + d.discharge_mw[t] + d.import_mw[t];
        let demand = d.firm_mw[t] + d.training_mw[t] + d.charge_mw[t];
        worst = worst.max((supply - demand).abs());
        if site.battery.is_some() {
            let prev = d.soc_mwh[if t == 0 { n - 1 } else { t - 1 }];
            let expected = prev + eta * d.charge_mw[t] - d.discharge_mw[t] / eta;
            worst = worst.max((d.soc_mwh[t] - expected).abs());
        }
    }
    worst
}
