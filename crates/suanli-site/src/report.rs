//! Turning a solved dispatch into the figures a planner reads: costs, shares, emissions,
//! and the cost of delivered compute.

use crate::input::SiteInput;
use crate::plan::{Capacities, CostBreakdown, Dispatch, SitePlan, SolverReport, TrainingSummary};

/// Dense 16-bit PFLOP/s of one H100 (Epoch AI hardware data: 989.4 TFLOP/s).
const H100_PFLOPS: f64 = 0.9894;

/// Builds the plan's summary figures from capacities and dispatch.
pub fn summarise(site: &SiteInput, caps: Capacities, d: Dispatch, solver: SolverReport) -> SitePlan {
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    let gas_mwh = sum(&d.gas_mw);
    let grid_mwh = sum(&d.grid_mw);
    let grid_cost: f64 =
        site.grid.as_ref().map_or(0.0, |g| d.grid_mw.iter().zip(&g.price_per_mwh).map(|(m, p)| m * p).sum());
    let unserved_mwh = sum(&d.unserved_mw);
    let training_mwh = sum(&d.training_mw);
    let costs = CostBreakdown {
        solar: site.solar.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year * caps.solar_mw),
        wind: site.wind.as_ref().map_or(0.0, |s| s.capital_cost_per_mw_year * caps.wind_mw),
        gas_capacity: site.gas.as_ref().map_or(0.0, |g| g.capital_cost_per_mw_year * caps.gas_mw),
        gas_fuel: site.gas.as_ref().map_or(0.0, |g| g.marginal_cost_per_mwh * gas_mwh),
        battery: site.battery.as_ref().map_or(0.0, |b| {
            b.power_cost_per_mw_year * caps.battery_mw + b.energy_cost_per_mwh_year * caps.battery_mwh
        }),
        grid: grid_cost,
        training_capacity: site
            .training
            .as_ref()
            .map_or(0.0, |t| t.it_capacity_cost_per_mw_year * caps.training_mw),
        unserved: site.reliability.as_ref().map_or(0.0, |r| {
            if r.value_of_lost_load_per_mwh.is_finite() {
                r.value_of_lost_load_per_mwh * unserved_mwh
            } else {
                0.0
            }
        }),
        training_value: -site.training.as_ref().map_or(0.0, |t| t.value_per_mwh * training_mwh),
    };
    let supply_cost =
        costs.solar + costs.wind + costs.gas_capacity + costs.gas_fuel + costs.battery + costs.grid;
    let objective = supply_cost + costs.training_capacity + costs.unserved + costs.training_value;
    let delivered = sum(&d.firm_mw) + training_mwh;
    let share = |x: f64| if delivered > 0.0 { x / delivered } else { 0.0 };
    let available = sum(&d.solar_mw) + sum(&d.wind_mw) + sum(&d.curtailed_mw);
    let lcoe = if delivered > 0.0 { supply_cost / delivered } else { 0.0 };
    let training = site.training.as_ref().map(|t| {
        let hours = d.training_mw.len();
        let full = d
            .training_mw
            .iter()
            .filter(|x| caps.training_mw > 0.0 && **x >= caps.training_mw * (1.0 - 1e-6))
            .count();
        let h100_hours = training_mwh * 1000.0 / t.kw_per_h100;
        let cost = costs.training_capacity + lcoe * training_mwh;
        let per_hour = if h100_hours > 0.0 { cost / h100_hours } else { 0.0 };
        TrainingSummary {
            energy_mwh: training_mwh,
            utilisation: if caps.training_mw > 0.0 {
                training_mwh / (caps.training_mw * hours as f64)
            } else {
                0.0
            },
            hours_at_full_compute: full,
            h100_hours,
            cost_per_h100_hour: per_hour,
            // One H100-hour is 0.9894 PFLOP/s for 1/24 day.
            cost_per_pflop_day: per_hour * 24.0 / H100_PFLOPS,
        }
    });
    SitePlan {
        name: site.name.clone(),
        objective_per_year: objective,
        capacities: caps,
        cost_breakdown: costs,
        lcoe_per_mwh: lcoe,
        gas_share: share(gas_mwh),
        grid_share: share(grid_mwh),
        curtailment_share: if available > 0.0 { sum(&d.curtailed_mw) / available } else { 0.0 },
        emissions_t_per_year: site.gas.as_ref().map_or(0.0, |g| g.co2_t_per_mwh * gas_mwh)
            + site.grid.as_ref().map_or(0.0, |g| g.co2_t_per_mwh * grid_mwh),
        unserved_mwh,
        training,
        solver,
        dispatch: d,
    }
}

impl SitePlan {
    /// Turns the plan of profile hours that stand for `hour_weight` hours each (solved with
    /// [`SiteInput::per_profile_hours`]) into annual figures: money, energy, emissions and
    /// hours times the weight; capacities, shares and unit costs unchanged; the dispatch
    /// stays that of the profile hours.
    pub fn scale_to_year(&mut self, hour_weight: f64) {
        let w = hour_weight;
        self.objective_per_year *= w;
        let c = &mut self.cost_breakdown;
        for v in [
            &mut c.solar,
            &mut c.wind,
            &mut c.gas_capacity,
            &mut c.gas_fuel,
            &mut c.battery,
            &mut c.grid,
            &mut c.training_capacity,
            &mut c.unserved,
            &mut c.training_value,
        ] {
            *v *= w;
        }
        self.emissions_t_per_year *= w;
        self.unserved_mwh *= w;
        if let Some(t) = &mut self.training {
            t.energy_mwh *= w;
            t.h100_hours *= w;
            t.hours_at_full_compute = (t.hours_at_full_compute as f64 * w).round() as usize;
        }
        self.solver.primal_objective *= w;
        self.solver.dual_objective *= w;
    }
}
