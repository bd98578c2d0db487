//! Planning a network: build the LP, solve it, read every site's plan and every link's
//! capacity and flows back in MW, and check each site's hourly balance.

use std::time::Instant;

use serde::Serialize;
use suanli_site::plan::{site_plan_from_solution, solve_problem, solver_report, Settings, SolverReport};
use suanli_site::{SiteError, SitePlan};

use crate::input::NetworkInput;
use crate::lp::{build, NetworkLp};

/// IT power of one H100-equivalent serving inference, kW: 700 W of chip times 1.7 for the
/// rest of the server (NVIDIA DGX H100: 10.2 kW for 8 GPUs), as the site's training default.
pub const IT_KW_PER_H100: f64 = 0.7 * 1.7;
/// Data moved by 1 Gbit/s for an hour, PB (3600 Gbit = 450 GB).
const PB_PER_GBPS_HOUR: f64 = 450e-6;

/// A fibre route's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutePlan {
    /// `CENTRE-SITE`.
    pub name: String,
    /// Demand centre.
    pub demand: String,
    /// Site.
    pub site: String,
    /// Route length, km.
    pub length_km: f64,
    /// Round-trip latency, ms.
    pub latency_ms: f64,
    /// Bandwidth built, Gbit/s.
    pub capacity_gbps: f64,
    /// Annual cost of that bandwidth, money per year.
    pub cost_per_year: f64,
    /// Inference of the centre served at the site, MWh of IT per year.
    pub inference_mwh: f64,
    /// Data carried (inference traffic, and training traffic on a route to the training
    /// home), PB per year.
    pub data_pb: f64,
    /// Hourly inference served over the route, MW of IT.
    #[serde(skip)]
    pub served_mw: Vec<f64>,
}

/// A site's inference serving for the demand centres.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InferencePlan {
    /// Site.
    pub name: String,
    /// Inference IT capacity built, MW.
    pub capacity_mw: f64,
    /// Its annual cost, money per year.
    pub cost_per_year: f64,
    /// Inference served, MWh of IT per year.
    pub served_mwh: f64,
    /// Hourly inference served, MW of IT.
    #[serde(skip)]
    pub served_mw: Vec<f64>,
}

/// The network's annual cost by kind, money per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkCosts {
    /// The sites' own costs: supply, training capacity, unserved load, less training value.
    pub sites: f64,
    /// Of which training IT capacity (the accelerators).
    pub training_it: f64,
    /// Power lines.
    pub lines: f64,
    /// Fibre routes.
    pub fibre: f64,
    /// Inference IT capacity.
    pub inference: f64,
}

/// What the network delivers and moves in a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivered {
    /// Inference served for the demand centres, MWh of IT.
    pub inference_it_mwh: f64,
    /// Training energy, MWh of facility load.
    pub training_mwh: f64,
    /// H100-equivalent hours: training (at each site's kW per H100) and inference (at
    /// `IT_KW_PER_H100`).
    pub h100_hours: f64,
    /// Total annual cost per H100-hour delivered, money (0 when none).
    pub cost_per_h100_hour: f64,
    /// Energy sent over power lines (before losses), TWh.
    pub lines_twh: f64,
    /// Data over fibre routes, PB.
    pub fibre_pb: f64,
}

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
    /// Each fibre route's plan, keyed by `CENTRE-SITE`.
    #[serde(serialize_with = "by_name")]
    pub routes: Vec<RoutePlan>,
    /// Inference capacity of each site that serves demand centres, keyed by site.
    #[serde(serialize_with = "by_name")]
    pub inference: Vec<InferencePlan>,
    /// Annual cost by kind.
    pub costs: NetworkCosts,
    /// Compute delivered and what moved.
    pub delivered: Delivered,
    /// What the solver did, for the whole problem.
    pub solver: SolverReport,
}

/// Plans a network: every site, line and route together, in one LP.
pub fn plan(net: &NetworkInput, settings: &Settings) -> Result<NetworkPlan, SiteError> {
    crate::check::validate(net)?;
    let w = net.hour_weight;
    let period = net.per_profile_hours();
    let t0 = Instant::now();
    let lp = build(&period);
    let build_time_s = t0.elapsed().as_secs_f64();
    let solved = solve_problem(&lp.problem, settings.solver.method(), settings)?;
    let x = &solved.x;
    let mut report = solver_report(&solved, lp.scale.money, build_time_s, &lp.problem);
    let mut import_mw = vec![vec![0.0; net.hours()]; net.sites.len()];
    let links = read_links(net, &lp, x, &mut import_mw);
    let (routes, inference) = read_routes(net, &lp, x);

    let mut sites = Vec::with_capacity(net.sites.len());
    let mut worst: f64 = 0.0;
    for (k, (layout, import)) in lp.sites.iter().zip(&import_mw).enumerate() {
        // The inference a site serves for demand centres is firm load at its meter.
        let mut site = period.sites[k].clone();
        if let Some(i) = inference.iter().find(|i| i.name == site.name) {
            for (load, served) in site.firm_load_mw.iter_mut().zip(&i.served_mw) {
                *load += net.pue[k] * served;
            }
        }
        let mut p =
            site_plan_from_solution(&site, layout, lp.scale.power, x, import, report.clone(), settings)?;
        worst = worst.max(p.solver.max_balance_violation_mw);
        p.scale_to_year(w);
        sites.push(p);
    }
    report.max_balance_violation_mw = worst;
    report.primal_objective *= w;
    report.dual_objective *= w;
    let costs = NetworkCosts {
        sites: sites.iter().map(|s| s.objective_per_year).sum(),
        training_it: sites.iter().map(|s| s.cost_breakdown.training_capacity).sum(),
        lines: links.iter().map(|l| l.cost_per_year).sum(),
        fibre: routes.iter().map(|r| r.cost_per_year).sum(),
        inference: inference.iter().map(|i| i.cost_per_year).sum(),
    };
    let inference_it_mwh: f64 = inference.iter().map(|i| i.served_mwh).sum();
    let h100_hours: f64 = h100_hours_by_site(&sites, &inference).iter().sum();
    let (objective, bound) = (report.primal_objective, report.dual_objective);
    let delivered = Delivered {
        inference_it_mwh,
        training_mwh: sites.iter().filter_map(|s| s.training.as_ref()).map(|t| t.energy_mwh).sum(),
        h100_hours,
        cost_per_h100_hour: if h100_hours > 0.0 { objective / h100_hours } else { 0.0 },
        lines_twh: links.iter().map(|l| l.forward_mwh + l.backward_mwh).sum::<f64>() / 1e6,
        fibre_pb: routes.iter().map(|r| r.data_pb).sum(),
    };
    Ok(NetworkPlan {
        name: net.name.clone(),
        objective_per_year: objective,
        lower_bound_per_year: bound,
        relative_gap: (objective - bound) / bound.abs().max(1e-300),
        sites,
        links,
        routes,
        inference,
        costs,
        delivered,
        solver: report,
    })
}

/// MW of a capacity column; tiny interior-point remainders read as zero.
fn capacity(x: &[f64], column: usize, power: f64) -> f64 {
    if x[column] < 1e-7 {
        0.0
    } else {
        x[column] / power
    }
}

/// Each line's capacity, annual cost and flows; adds what arrives at each site to `import_mw`.
fn read_links(net: &NetworkInput, lp: &NetworkLp, x: &[f64], import_mw: &mut [Vec<f64>]) -> Vec<LinkPlan> {
    let (power, w, t_n) = (lp.scale.power, net.hour_weight, net.hours());
    let mut links = Vec::with_capacity(net.links.len());
    for (link, at) in net.links.iter().zip(&lp.links) {
        let capacity_mw = capacity(x, at.capacity, power);
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
            forward_mwh: sent_fwd * w,
            backward_mwh: sent_back * w,
            losses_mwh: (1.0 - link.efficiency) * carried * w,
            utilisation: if capacity_mw > 0.0 { carried / (capacity_mw * t_n as f64) } else { 0.0 },
            flow_mw,
        });
    }
    links
}

/// Each route's bandwidth and traffic, and each serving site's inference capacity.
fn read_routes(net: &NetworkInput, lp: &NetworkLp, x: &[f64]) -> (Vec<RoutePlan>, Vec<InferencePlan>) {
    let (power, w, t_n) = (lp.scale.power, net.hour_weight, net.hours());
    let mut served_at: Vec<Vec<f64>> = vec![vec![0.0; t_n]; net.sites.len()];
    let mut routes = Vec::with_capacity(net.routes.len());
    for (r, at) in net.routes.iter().zip(&lp.routes) {
        let served_mw: Vec<f64> = match at.served_t {
            Some(y) => (0..t_n).map(|t| (x[y + t] / power).max(0.0)).collect(),
            None => Vec::new(),
        };
        for (sum, s) in served_at[r.site].iter_mut().zip(&served_mw) {
            *sum += s;
        }
        let inference_mwh = served_mw.iter().sum::<f64>();
        let training_mwh = if r.carries_training {
            lp.sites[r.site].training_t.map_or(0.0, |c| (0..t_n).map(|t| x[c + t] / power).sum())
        } else {
            0.0
        };
        let gbps_hours = net.gbps_per_mw_inference * inference_mwh + net.gbps_per_mw_training * training_mwh;
        let capacity_gbps = at.bandwidth.map_or(0.0, |b| capacity(x, b, power));
        routes.push(RoutePlan {
            name: format!("{}-{}", net.demands[r.demand].name, net.sites[r.site].name),
            demand: net.demands[r.demand].name.clone(),
            site: net.sites[r.site].name.clone(),
            length_km: r.length_km,
            latency_ms: r.latency_ms,
            capacity_gbps,
            cost_per_year: capacity_gbps * r.capital_cost_per_gbps_year,
            inference_mwh: inference_mwh * w,
            data_pb: gbps_hours * PB_PER_GBPS_HOUR * w,
            served_mw,
        });
    }
    let inference = lp
        .inference
        .iter()
        .zip(served_at)
        .enumerate()
        .filter_map(|(k, (col, served_mw))| {
            let capacity_mw = capacity(x, (*col)?, power);
            Some(InferencePlan {
                name: net.sites[k].name.clone(),
                capacity_mw,
                cost_per_year: capacity_mw * net.inference_cost_per_mw_year,
                served_mwh: served_mw.iter().sum::<f64>() * w,
                served_mw,
            })
        })
        .collect();
    (routes, inference)
}

impl NetworkPlan {
    /// H100-hours per year delivered at each site (in site order): its training, at its
    /// own kW per H100, and the inference it serves, at `IT_KW_PER_H100`.
    pub fn h100_hours_by_site(&self) -> Vec<f64> {
        h100_hours_by_site(&self.sites, &self.inference)
    }
}

fn h100_hours_by_site(sites: &[SitePlan], inference: &[InferencePlan]) -> Vec<f64> {
    sites
        .iter()
        .map(|s| {
            let training = s.training.as_ref().map_or(0.0, |t| t.h100_hours);
            let served = inference.iter().find(|i| i.name == s.name).map_or(0.0, |i| i.served_mwh);
            training + served * 1000.0 / IT_KW_PER_H100
        })
        .collect()
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

impl Named for RoutePlan {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for InferencePlan {
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
