//! Solving the site LP and reading the plan back in MW, MWh and money per year, with an
//! independent check of every hour's energy balance before anything is reported.

use std::time::Instant;

use serde::Serialize;
use suanli_lp::{Method, Options, Problem, Solved, Unsolved};

use crate::input::SiteInput;
use crate::lp::{build, Layout};

/// Which solver plans the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SolverChoice {
    /// This crate's interior-point method on the augmented system (`suanli_lp::augmented`),
    /// falling back to Clarabel when it does not converge (Clarabel also certifies
    /// infeasibility).
    #[default]
    Augmented,
    /// Clarabel's general sparse interior-point method.
    Clarabel,
    /// HiGHS dual simplex, for vertex solutions; needs the `highs` cargo feature (cmake and
    /// a C++ compiler at build time).
    Highs,
}

impl SolverChoice {
    /// The interior-point method of `suanli_lp` this choice means (HiGHS has none: the
    /// default).
    pub fn method(self) -> Method {
        match self {
            SolverChoice::Clarabel => Method::Clarabel,
            SolverChoice::Augmented | SolverChoice::Highs => Method::Augmented,
        }
    }
}

/// Solver settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Solver. By default the augmented-system interior point with Clarabel as fallback.
    pub solver: SolverChoice,
    /// Relative and absolute duality-gap and feasibility tolerance of the interior-point
    /// method, in LP units. By default 1e-10, which gives objectives within ~1e-9 of a
    /// simplex solution on the reference problems.
    pub tolerance: f64,
    /// Iteration limit. By default 400.
    pub max_iterations: u32,
    /// Largest hourly energy-balance violation accepted in the returned dispatch, MW. By
    /// default 1e-3.
    pub balance_tolerance_mw: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            solver: SolverChoice::default(),
            tolerance: 1e-10,
            max_iterations: 400,
            balance_tolerance_mw: 1e-3,
        }
    }
}

/// Why a site could not be planned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SiteError {
    /// The input is inconsistent (lengths, ranges).
    #[error("invalid site input: {0}")]
    Input(String),
    /// No plan can meet a requirement; the message says which.
    #[error("infeasible: {0}")]
    Infeasible(String),
    /// The solver stopped without an optimal solution.
    #[error("the solver stopped with status {status} after {iterations} iterations: {hint}")]
    NotSolved {
        /// Solver status.
        status: String,
        /// Iterations run.
        iterations: u32,
        /// What to try.
        hint: String,
    },
    /// The solution failed an independent check.
    #[error("the solution fails its check: {0}")]
    Check(String),
}

/// Capacities built.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capacities {
    /// Solar PV, MW.
    pub solar_mw: f64,
    /// Onshore wind, MW.
    pub wind_mw: f64,
    /// Gas turbines, MW.
    pub gas_mw: f64,
    /// Battery power, MW.
    pub battery_mw: f64,
    /// Battery energy, MWh.
    pub battery_mwh: f64,
    /// Training IT capacity (facility MW).
    pub training_mw: f64,
}

/// Annual cost by item, money per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostBreakdown {
    /// Solar capacity.
    pub solar: f64,
    /// Wind capacity.
    pub wind: f64,
    /// Gas capacity.
    pub gas_capacity: f64,
    /// Gas fuel and variable cost.
    pub gas_fuel: f64,
    /// Battery power and energy capacity.
    pub battery: f64,
    /// Grid imports.
    pub grid: f64,
    /// Training IT capacity (accelerators).
    pub training_capacity: f64,
    /// Penalty for unserved firm load.
    pub unserved: f64,
    /// Value of training energy (negative cost).
    pub training_value: f64,
}

/// Flexible training load results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingSummary {
    /// Training energy delivered, MWh per year.
    pub energy_mwh: f64,
    /// Delivered energy / (capacity x hours).
    pub utilisation: f64,
    /// Hours at full training capacity.
    pub hours_at_full_compute: usize,
    /// H100-equivalent hours delivered per year.
    pub h100_hours: f64,
    /// Cost per delivered H100-hour (training capacity plus its energy at the site's
    /// average cost of supply), money.
    pub cost_per_h100_hour: f64,
    /// Cost per PFLOP-day of dense 16-bit compute (one H100 = 0.9894 PFLOP/s), money.
    pub cost_per_pflop_day: f64,
}

/// What the solver did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverReport {
    /// Solver name.
    pub name: &'static str,
    /// Final status.
    pub status: String,
    /// Interior-point iterations (of both attempts when Clarabel retried).
    pub iterations: u32,
    /// Whether Clarabel solved a second time with iterative refinement of the Newton
    /// steps, after a first attempt without it ended in no optimum.
    pub retried_with_refinement: bool,
    /// Why the default solver handed over to Clarabel, if it did.
    pub fallback: Option<String>,
    /// Time to build the LP, s.
    pub build_time_s: f64,
    /// Solver time, s.
    pub solve_time_s: f64,
    /// Primal objective, money per year.
    pub primal_objective: f64,
    /// Dual objective (a lower bound), money per year.
    pub dual_objective: f64,
    /// LP size.
    pub variables: usize,
    /// LP size.
    pub constraints: usize,
    /// Largest hourly energy-balance violation in the returned dispatch, MW.
    pub max_balance_violation_mw: f64,
}

/// Hourly dispatch, MW (state of charge in MWh).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dispatch {
    /// Solar output used.
    pub solar_mw: Vec<f64>,
    /// Wind output used.
    pub wind_mw: Vec<f64>,
    /// Renewable output available but not used.
    pub curtailed_mw: Vec<f64>,
    /// Gas output.
    pub gas_mw: Vec<f64>,
    /// Grid import.
    pub grid_mw: Vec<f64>,
    /// Battery charging (from the bus).
    pub charge_mw: Vec<f64>,
    /// Battery discharging (to the bus, after losses).
    pub discharge_mw: Vec<f64>,
    /// Battery state of charge at the end of the hour, MWh.
    pub soc_mwh: Vec<f64>,
    /// Firm load served.
    pub firm_mw: Vec<f64>,
    /// Training load.
    pub training_mw: Vec<f64>,
    /// Unserved firm load.
    pub unserved_mw: Vec<f64>,
    /// Power arriving over links from other sites (negative: sent away); zero for a site
    /// planned alone.
    pub import_mw: Vec<f64>,
}

impl Dispatch {
    /// Every hourly series with its column name (MW; `soc_mwh` in MWh), in output order.
    pub fn columns(&self) -> [(&'static str, &[f64]); 11] {
        [
            ("solar_mw", &self.solar_mw),
            ("wind_mw", &self.wind_mw),
            ("curtailed_mw", &self.curtailed_mw),
            ("gas_mw", &self.gas_mw),
            ("grid_mw", &self.grid_mw),
            ("charge_mw", &self.charge_mw),
            ("discharge_mw", &self.discharge_mw),
            ("soc_mwh", &self.soc_mwh),
            ("firm_mw", &self.firm_mw),
            ("training_mw", &self.training_mw),
            ("unserved_mw", &self.unserved_mw),
        ]
    }
}

/// A least-cost plan for a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SitePlan {
    /// Site name.
    pub name: String,
    /// Total annual cost, money per year (the LP objective).
    pub objective_per_year: f64,
    /// Capacities built.
    pub capacities: Capacities,
    /// Annual cost by item.
    pub cost_breakdown: CostBreakdown,
    /// Cost of supply per MWh delivered to loads (firm and training), excluding training
    /// capacity and training value.
    pub lcoe_per_mwh: f64,
    /// Share of delivered energy from gas.
    pub gas_share: f64,
    /// Share of delivered energy from the grid.
    pub grid_share: f64,
    /// Curtailed renewable energy as a share of available renewable energy.
    pub curtailment_share: f64,
    /// Emissions, t CO2 per year (gas and grid).
    pub emissions_t_per_year: f64,
    /// Firm energy not served, MWh per year.
    pub unserved_mwh: f64,
    /// Training results, when there is a training load.
    pub training: Option<TrainingSummary>,
    /// What the solver did.
    pub solver: SolverReport,
    /// Hourly dispatch.
    #[serde(skip)]
    pub dispatch: Dispatch,
}

/// Plans a site: builds the LP, solves it and checks the result.
pub fn plan(site: &SiteInput, settings: &Settings) -> Result<SitePlan, SiteError> {
    crate::check::validate(site)?;
    crate::check::feasibility(site)?;
    let (raw, mut report) = match settings.solver {
        SolverChoice::Augmented | SolverChoice::Clarabel => solve_lp(site, settings)?,
        SolverChoice::Highs => solve_highs(site, settings)?,
    };
    let dispatch = to_dispatch(site, &raw, None);
    report.max_balance_violation_mw = checked_balance(site, &dispatch, settings)?;
    Ok(crate::report::summarise(site, raw.capacities, dispatch, report))
}

/// The largest hourly balance violation of a dispatch, MW, or an error when it exceeds
/// the settings' tolerance.
fn checked_balance(site: &SiteInput, dispatch: &Dispatch, settings: &Settings) -> Result<f64, SiteError> {
    let violation = crate::check::balance_violation_mw(site, dispatch);
    if violation > settings.balance_tolerance_mw {
        return Err(SiteError::Check(format!(
            "the hourly energy balance of {} is off by up to {violation:.3e} MW (tolerance {:.1e} MW)",
            site.name, settings.balance_tolerance_mw
        )));
    }
    Ok(violation)
}

/// Reads one site's plan from the solution `x` of a problem that holds the site (a
/// network's), given the power arriving from elsewhere each hour (`import_mw`, negative
/// when the site sends power away), checks its hourly balance and summarises it. The
/// site's objective is its own costs; `report` is the whole problem's.
pub fn site_plan_from_solution(
    site: &SiteInput,
    layout: &Layout,
    power_scale: f64,
    x: &[f64],
    import_mw: &[f64],
    mut report: SolverReport,
    settings: &Settings,
) -> Result<SitePlan, SiteError> {
    let raw = raw_from_layout(layout, power_scale, x);
    let dispatch = to_dispatch(site, &raw, Some(import_mw));
    report.max_balance_violation_mw = checked_balance(site, &dispatch, settings)?;
    Ok(crate::report::summarise(site, raw.capacities, dispatch, report))
}

/// The LP's answer in MW: capacities and hourly series (discharge on the store side).
struct Raw {
    capacities: Capacities,
    gas: Vec<f64>,
    grid: Vec<f64>,
    charge: Vec<f64>,
    store_discharge: Vec<f64>,
    soc: Vec<f64>,
    training: Vec<f64>,
    unserved: Vec<f64>,
}

/// Solves the site's LP with the chosen interior point (Clarabel as fallback).
fn solve_lp(site: &SiteInput, settings: &Settings) -> Result<(Raw, SolverReport), SiteError> {
    let t0 = Instant::now();
    let lp = build(site);
    let build_time_s = t0.elapsed().as_secs_f64();
    let solved = solve_problem(&lp.problem, settings.solver.method(), settings)?;
    let raw = raw_from_layout(&lp.layout, lp.scale.power, &solved.x);
    let report = solver_report(&solved, lp.scale.money, build_time_s, &lp.problem);
    Ok((raw, report))
}

/// Solves a problem (a site's or a network's), turning what went wrong into a
/// [`SiteError`] that says what to change.
pub fn solve_problem(problem: &Problem, method: Method, settings: &Settings) -> Result<Solved, SiteError> {
    let options = Options { method, tolerance: settings.tolerance, max_iterations: settings.max_iterations };
    suanli_lp::solve(problem, &options).map_err(|e| match e {
        Unsolved::Infeasible => SiteError::Infeasible(
            "no combination of the allowed technologies meets every requirement (the pre-checks found no single hour or quota to blame)".into(),
        ),
        Unsolved::Unbounded => SiteError::Infeasible(
            "the problem is unbounded: a training value per MWh above the cost of supply with no capacity limit makes more training always pay; set training max_mw or lower value_per_mwh".into(),
        ),
        Unsolved::Stopped { status, iterations } => SiteError::NotSolved {
            status,
            iterations,
            hint: "try a looser tolerance or check for extreme costs".into(),
        },
        Unsolved::Rejected(m) => SiteError::Input(m),
    })
}

/// The solver report of a solution, objectives in money per year (`money_scale` LP money
/// units per unit of money).
pub fn solver_report(
    solved: &Solved,
    money_scale: f64,
    build_time_s: f64,
    problem: &Problem,
) -> SolverReport {
    SolverReport {
        name: solved.solver,
        status: "Solved".into(),
        iterations: solved.iterations,
        retried_with_refinement: solved.retried_with_refinement,
        fallback: solved.fallback.clone(),
        build_time_s,
        solve_time_s: solved.solve_time_s,
        primal_objective: solved.primal_objective / money_scale,
        dual_objective: solved.dual_objective / money_scale,
        variables: problem.columns(),
        constraints: problem.rows(),
        max_balance_violation_mw: 0.0,
    }
}

#[cfg(not(feature = "highs"))]
fn solve_highs(_: &SiteInput, _: &Settings) -> Result<(Raw, SolverReport), SiteError> {
    Err(SiteError::Input(
        "this build has no HiGHS: rebuild with `cargo build --release --features suanli-site/highs` (needs cmake, libclang and a C++ compiler)".into(),
    ))
}

/// Solves the compact LP with HiGHS (simplex: a vertex solution).
#[cfg(feature = "highs")]
fn solve_highs(site: &SiteInput, _settings: &Settings) -> Result<(Raw, SolverReport), SiteError> {
    use highs::{ColProblem, HighsModelStatus, Sense};

    let t0 = Instant::now();
    let built = build(site);
    let lp = &built.problem;
    let n_eq = lp.equalities;
    // Rows with one nonzero are bounds: give them to HiGHS as column bounds.
    let a = &lp.a;
    let n = lp.columns();
    let mut row_nnz = vec![0usize; lp.b.len()];
    a.rowval.iter().for_each(|&r| row_nnz[r] += 1);
    let (mut lower, mut upper) = (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]);
    for j in 0..n {
        for k in a.colptr[j]..a.colptr[j + 1] {
            let (r, v) = (a.rowval[k], a.nzval[k]);
            if row_nnz[r] != 1 {
                continue;
            }
            let bound = lp.b[r] / v;
            if r < n_eq || v > 0.0 {
                upper[j] = upper[j].min(bound);
            }
            if r < n_eq || v < 0.0 {
                lower[j] = lower[j].max(bound);
            }
        }
    }
    let mut pb = ColProblem::default();
    let rows: Vec<Option<highs::Row>> =
        lp.b.iter()
            .enumerate()
            .map(|(i, &b)| match row_nnz[i] {
                1 => None,
                _ if i < n_eq => Some(pb.add_row(b..=b)),
                _ => Some(pb.add_row(..=b)),
            })
            .collect();
    for j in 0..n {
        let entries: Vec<(highs::Row, f64)> = (a.colptr[j]..a.colptr[j + 1])
            .filter_map(|k| rows[a.rowval[k]].map(|row| (row, a.nzval[k])))
            .collect();
        pb.add_column(lp.q[j], lower[j]..=upper[j], entries);
    }
    let build_time_s = t0.elapsed().as_secs_f64();
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    model.set_option("solver", "simplex");
    let t1 = Instant::now();
    let solved = model.solve();
    let solve_time_s = t1.elapsed().as_secs_f64();
    match solved.status() {
        HighsModelStatus::Optimal => {}
        HighsModelStatus::Infeasible => {
            return Err(SiteError::Infeasible("HiGHS finds no plan that meets every requirement".into()))
        }
        HighsModelStatus::Unbounded | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(SiteError::Infeasible(
                "the problem is unbounded: a training value per MWh above the cost of supply with no capacity limit makes more training always pay; set training max_mw".into(),
            ))
        }
        other => {
            return Err(SiteError::NotSolved {
                status: format!("{other:?}"),
                iterations: solved.simplex_iteration_count().max(0) as u32,
                hint: "try `solver = \"clarabel\"`".into(),
            })
        }
    }
    let x = solved.get_solution().columns().to_vec();
    let objective = solved.objective_value() / built.scale.money;
    let raw = raw_from_layout(&built.layout, built.scale.power, &x);
    let report = SolverReport {
        name: "highs (dual simplex)",
        status: "Optimal".into(),
        iterations: solved.simplex_iteration_count().max(0) as u32,
        build_time_s,
        solve_time_s,
        primal_objective: objective,
        dual_objective: objective,
        variables: lp.columns(),
        constraints: lp.rows(),
        max_balance_violation_mw: 0.0,
        retried_with_refinement: false,
        fallback: None,
    };
    Ok((raw, report))
}

/// The answer of the compact LP ([`crate::lp`]) in MW.
fn raw_from_layout(l: &Layout, power_scale: f64, x: &[f64]) -> Raw {
    let t_n = l.hours;
    let series = |col: Option<usize>| -> Vec<f64> {
        col.map_or_else(|| vec![0.0; t_n], |c| (0..t_n).map(|t| x[c + t] / power_scale).collect())
    };
    Raw {
        capacities: capacities(
            [l.solar, l.wind, l.gas, l.battery_power, l.battery_energy, l.training],
            x,
            power_scale,
        ),
        gas: series(l.gas_t),
        grid: series(l.grid_t),
        charge: series(l.charge_t),
        store_discharge: series(l.discharge_t),
        soc: series(l.soc_t),
        training: series(l.training_t),
        unserved: series(l.unserved_t),
    }
}

/// Capacities in MW from their columns (solar, wind, gas, battery power, battery energy,
/// training) in a solution in LP units.
fn capacities(cols: [Option<usize>; 6], x: &[f64], power_scale: f64) -> Capacities {
    // Interior points never reach exactly zero: below 1e-7 of the peak load is noise.
    let read = |c: usize| if x[c] < 1e-7 { 0.0 } else { x[c] / power_scale };
    let [solar, wind, gas, power, energy, training] = cols.map(|c| c.map_or(0.0, read));
    Capacities {
        solar_mw: solar,
        wind_mw: wind,
        gas_mw: gas,
        battery_mw: power,
        battery_mwh: energy,
        training_mw: training,
    }
}

/// The hourly dispatch in MW from the LP's answer: renewable output follows from the
/// balance, split between solar and wind in proportion to what each could give (both cost
/// nothing to run), the rest of what they could give is curtailed. `import_mw` is the
/// power arriving from other sites (none for a site alone).
fn to_dispatch(site: &SiteInput, raw: &Raw, import_mw: Option<&[f64]>) -> Dispatch {
    let eta = site.battery.as_ref().map_or(1.0, |b| b.round_trip_efficiency.sqrt());
    let mut d = Dispatch {
        gas_mw: raw.gas.clone(),
        grid_mw: raw.grid.clone(),
        charge_mw: raw.charge.clone(),
        discharge_mw: raw.store_discharge.iter().map(|v| v * eta).collect(),
        soc_mwh: raw.soc.clone(),
        training_mw: raw.training.clone(),
        unserved_mw: raw.unserved.clone(),
        import_mw: import_mw.map_or_else(|| vec![0.0; site.hours()], <[f64]>::to_vec),
        ..Dispatch::default()
    };
    let (solar_cap, wind_cap) = (raw.capacities.solar_mw, raw.capacities.wind_mw);
    for t in 0..site.hours() {
        let firm = site.firm_load_mw[t] - d.unserved_mw[t];
        let renewable = firm + d.training_mw[t] + d.charge_mw[t]
            - d.gas_mw[t]
            - d.grid_mw[t]
            - d.discharge_mw[t]
            - d.import_mw[t];
        let (avail_s, avail_w) = (site.solar_cf[t] * solar_cap, site.wind_cf[t] * wind_cap);
        let avail = avail_s + avail_w;
        let used = renewable.clamp(0.0, avail);
        let solar = if avail > 0.0 { used * avail_s / avail } else { 0.0 };
        d.solar_mw.push(solar);
        d.wind_mw.push(used - solar);
        d.curtailed_mw.push(avail - used);
        d.firm_mw.push(firm);
    }
    d
}
