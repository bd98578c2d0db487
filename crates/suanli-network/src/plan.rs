//! Planning a network: build the LP, solve it, read every site's plan and every link's
//! capacity and flows back in MW, and check each site's hourly balance.

use std::time::Instant;

use serde::Serialize;
use suanli_site::plan::{site_plan_from_solution, solve_problem, solver_report, Settings, SolverReport};
use suanli_site::{SiteError, SitePlan};

use crate::input::NetworkInput;
use crate::lp::build;

/// A link's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkPlan {
    /// Link name.
    pub name: String,
    /// Capacity built, MW.
    pub capacity_mw: f64,
    /// Annual cost of that capacity, money per year.
    pub cost_per_year: f64,
    /// Energy sent from `from` to `to`, MWh per year (before losses).
    pub forward_mwh: f64,
    /// Energy sent from `to` to `from`, MWh per year (before losses).
    pub backward_mwh: f64,
    /// Energy lost on the way, MWh per year.
    pub losses_mwh: f64,
    /// Energy carried / (capacity x hours).
    pub utilisation: f64,
    /// Hourly flow from `from` to `to` as sent (negative: the other way), MW.
    #[serde(skip)]
    pub flow_mw: Vec<f64>,
}

/// A least-cost plan of a network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkPlan {
    /// Network name.
    pub name: String,
    /// Total annual cost (the LP's primal objective), money per year.
    pub objective_per_year: f64,
    /// A proven lower bound on the least cost (the LP's dual objective), money per year.
    pub lower_bound_per_year: f64,
    /// (objective - bound) / bound.
    pub relative_gap: f64,
    /// Each site's plan (its own costs; its dispatch includes what links bring); in JSON
    /// an object keyed by site name.
    #[serde(serialize_with = "by_name")]
    pub sites: Vec<SitePlan>,
    /// Each link's plan; in JSON an object keyed by link name.
    #[serde(serialize_with = "by_name")]
    pub links: Vec<LinkPlan>,
    /// What the solver did, for the whole problem.
    pub solver: SolverReport,
}

/// Plans a network: every site and link together, in one LP.
pub fn plan(net: &NetworkInput, settings: &Settings) -> Result<NetworkPlan, SiteError> {
    crate::check::validate(net)?;
    let t0 = Instant::now();
    let lp = build(net);
    let build_time_s = t0.elapsed().as_secs_f64();
    let solved = solve_problem(&lp.problem, settings.solver.method(), settings)?;
    let x = &solved.x;
    let mut report = solver_report(&solved, lp.scale.money, build_time_s, &lp.problem);
    let power = lp.scale.power;
    let t_n = net.hours();

    let mut import_mw = vec![vec![0.0; t_n]; net.sites.len()];
    let mut links = Vec::with_capacity(net.links.len());
    for (link, at) in net.links.iter().zip(&lp.links) {
        let capacity_mw = if x[at.capacity] < 1e-7 { 0.0 } else { x[at.capacity] / power };
        let (mut sent_fwd, mut sent_back) = (0.0, 0.0);
        let mut flow_mw = Vec::with_capacity(t_n);
        for t in 0..t_n {
            let forward = x[at.forward_t + t] / power;
            // A lossless link's one flow is negative when power goes back.
            let (fwd, back) = match at.backward_t {
                None => (forward.max(0.0), (-forward).max(0.0)),
                Some(b) => (forward.max(0.0), (x[b + t] / power).max(0.0)),
            };
            sent_fwd += fwd;
            sent_back += back;
            import_mw[link.from][t] += link.efficiency * back - fwd;
            import_mw[link.to][t] += link.efficiency * fwd - back;
            flow_mw.push(fwd - back);
        }
        let carried = sent_fwd + sent_back;
        links.push(LinkPlan {
            name: link.name.clone(),
            capacity_mw,
            cost_per_year: capacity_mw * link.capital_cost_per_mw_year,
            forward_mwh: sent_fwd,
            backward_mwh: sent_back,
            losses_mwh: (1.0 - link.efficiency) * carried,
            utilisation: if capacity_mw > 0.0 { carried / (capacity_mw * t_n as f64) } else { 0.0 },
            flow_mw,
        });
    }
    let mut sites = Vec::with_capacity(net.sites.len());
    let mut worst: f64 = 0.0;
    for ((site, layout), import) in net.sites.iter().zip(&lp.sites).zip(&import_mw) {
        let p = site_plan_from_solution(site, layout, power, x, import, report.clone(), settings)?;
        worst = worst.max(p.solver.max_balance_violation_mw);
        sites.push(p);
    }
    report.max_balance_violation_mw = worst;
    let (objective, bound) = (report.primal_objective, report.dual_objective);
    Ok(NetworkPlan {
        name: net.name.clone(),
        objective_per_year: objective,
        lower_bound_per_year: bound,
        relative_gap: (objective - bound) / bound.abs().max(1e-300),
        sites,
        links,
        solver: report,
    })
}

/// Something with a name, written into JSON as an object keyed by it.
trait Named {
    fn name(&self) -> &str;
}

impl Named for SitePlan {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for LinkPlan {
    fn name(&self) -> &str {
        &self.name
    }
}

/// Serialises a list as an object from each item's name to the item, in list order.
fn by_name<T: Named + Serialize, S: serde::Serializer>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(items.len()))?;
    for item in items {
        map.serialize_entry(item.name(), item)?;
    }
    map.end()
}
