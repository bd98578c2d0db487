//! The network LP: every site's own formulation (`suanli_site::lp`) in one problem, in
//! common units, with the link flows added to the sites' hourly balances.
//!
//! ```text
//! min  sum_k site_cost_k + sum_l c_l F_l
//! s.t. every site k's rows, its balance in hour t gaining inflow_kt:
//!        lossless link l (eff = 1):  f_lt in [-F_l, F_l];  inflow_from -= f_lt, inflow_to += f_lt
//!        lossy link l (eff < 1):     p_lt, n_lt in [0, F_l];
//!                                    inflow_from += eff n_lt - p_lt,  inflow_to += eff p_lt - n_lt
//!      0 <= F_l <= max_l
//!      sum_k w_k sum_t x_kt >= Q                 (network training quota, if any)
//!      sum_{r of d} y_rt = D_dt                  (each demand centre's inference, each hour)
//!      y_rt >= 0;  balance_k += -pue_k y_rt      (route r from centre d to site k)
//!      sum_{r to k} y_rt <= I_k                  (site k's inference IT capacity)
//!      b_inf y_rt + b_train K_k [r to the training home] <= B_r,  B_r >= 0
//! ```
//! Symbols: F_l link capacity (MW), c_l its annual cost per MW, f_lt the flow from `from`
//! to `to`, p_lt and n_lt the power sent each way (losses on arrival), x_kt the training
//! load of site k, Q the network's training quota (MWh; w_k = 1) or H100-hours
//! (w_k the H100-hours a MWh buys at site k, relative to the first training site); D_dt a centre's inference (MW of
//! IT), y_rt the part served over route r, I_k a site's inference IT capacity (MW, cost
//! per MW-year), K_k its training capacity, B_r a route's bandwidth (Gbit/s, cost per
//! Gbit/s-year), b_inf and b_train the Gbit/s needed per MW of inference and of training.
//! Only routes within the centre's latency bound carry inference.
//! A lossless link has one free flow per hour rather than a pair: two directions that
//! cancel would make the optimum non-unique for no reason and slow the interior point.

use suanli_lp::{Builder, Problem};
use suanli_site::lp::{add_site, Layout, Scale};

use crate::input::NetworkInput;

/// Where a link's variables sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkLayout {
    /// Capacity column.
    pub capacity: usize,
    /// First hourly flow column (from -> to; free when lossless).
    pub forward_t: usize,
    /// First hourly column of the flow to -> from, for a lossy link.
    pub backward_t: Option<usize>,
}

/// Where a fibre route's variables sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteLayout {
    /// Bandwidth column (Gbit/s x the power scale), if the route needs any.
    pub bandwidth: Option<usize>,
    /// First hourly column of the inference served over the route, if it serves any.
    pub served_t: Option<usize>,
}

/// The assembled network problem.
pub struct NetworkLp {
    /// Common units of every site.
    pub scale: Scale,
    /// Each site's columns and balance rows.
    pub sites: Vec<Layout>,
    /// Each link's columns.
    pub links: Vec<LinkLayout>,
    /// Each route's columns.
    pub routes: Vec<RouteLayout>,
    /// Each site's inference IT capacity column, if it serves a demand centre.
    pub inference: Vec<Option<usize>>,
    /// The problem.
    pub problem: Problem,
}

/// Units common to the whole network: the largest site peak is one power unit and the
/// largest capacity cost one money unit per power unit.
pub fn scale(net: &NetworkInput) -> Scale {
    let quota_mw = net.training_quota().map_or(0.0, |(_, mwh)| mwh) / net.hours().max(1) as f64;
    let demand_mw: f64 = net.demands.iter().map(|d| d.inference_mw.iter().copied().fold(0.0, f64::max)).sum();
    let peak = net.sites.iter().map(Scale::peak_mw).fold(quota_mw.max(demand_mw), f64::max);
    let largest = net
        .sites
        .iter()
        .map(Scale::largest_capacity_cost)
        .chain(net.links.iter().map(|l| l.capital_cost_per_mw_year))
        .chain([net.inference_cost_per_mw_year])
        .fold(0.0, f64::max);
    Scale::from_peak_and_cost(peak, largest)
}

/// Builds the network LP.
pub fn build(net: &NetworkInput) -> NetworkLp {
    let scale = scale(net);
    let per_gw = scale.money / scale.power;
    let t_n = net.hours();
    let mut lp = Builder::default();
    let sites: Vec<Layout> = net.sites.iter().map(|s| add_site(&mut lp, s, scale)).collect();
    let mut links = Vec::with_capacity(net.links.len());
    for link in &net.links {
        let capacity = lp.columns(1);
        lp.mark_border(capacity);
        lp.set_cost(capacity, link.capital_cost_per_mw_year * per_gw);
        lp.at_most(&[(capacity, -1.0)], 0.0);
        if link.max_mw.is_finite() {
            lp.at_most(&[(capacity, 1.0)], link.max_mw * scale.power);
        }
        let (from, to) = (&sites[link.from].balance, &sites[link.to].balance);
        let forward_t = lp.columns(t_n);
        let lossless = link.efficiency >= 1.0;
        let backward_t = (!lossless).then(|| lp.columns(t_n));
        for t in 0..t_n {
            let f = forward_t + t;
            lp.at_most(&[(f, 1.0), (capacity, -1.0)], 0.0);
            match backward_t {
                None => {
                    lp.at_most(&[(f, -1.0), (capacity, -1.0)], 0.0);
                    from[t].add_inflow(&mut lp, f, -1.0);
                    to[t].add_inflow(&mut lp, f, 1.0);
                }
                Some(b) => {
                    let b = b + t;
                    lp.at_most(&[(f, -1.0)], 0.0);
                    lp.at_most(&[(b, -1.0)], 0.0);
                    lp.at_most(&[(b, 1.0), (capacity, -1.0)], 0.0);
                    from[t].add_inflow(&mut lp, f, -1.0);
                    from[t].add_inflow(&mut lp, b, link.efficiency);
                    to[t].add_inflow(&mut lp, f, link.efficiency);
                    to[t].add_inflow(&mut lp, b, -1.0);
                }
            }
        }
        links.push(LinkLayout { capacity, forward_t, backward_t });
    }
    if let Some((weights, quota)) = net.training_quota() {
        let all: Vec<(usize, f64)> = sites
            .iter()
            .zip(weights)
            .filter_map(|(l, w)| Some((l.training_t?, w?)))
            .flat_map(|(x, w)| (0..t_n).map(move |t| (x + t, -w)))
            .collect();
        lp.at_most(&all, -quota * scale.power);
    }
    let (inference, routes) = add_demand(&mut lp, net, &sites, scale);
    NetworkLp { scale, sites, links, routes, inference, problem: lp.finish() }
}

/// Adds the demand centres' inference, the sites' inference capacities and the fibre
/// routes.
fn add_demand(
    lp: &mut Builder,
    net: &NetworkInput,
    sites: &[Layout],
    scale: Scale,
) -> (Vec<Option<usize>>, Vec<RouteLayout>) {
    let per_gw = scale.money / scale.power;
    let t_n = net.hours();
    let serving = |k: usize| net.routes.iter().any(|r| r.site == k && r.serves_inference);
    let inference: Vec<Option<usize>> = (0..net.sites.len())
        .map(|k| {
            serving(k).then(|| {
                let c = lp.columns(1);
                lp.mark_border(c);
                lp.set_cost(c, net.inference_cost_per_mw_year * per_gw);
                lp.at_most(&[(c, -1.0)], 0.0);
                c
            })
        })
        .collect();
    let mut layouts = Vec::with_capacity(net.routes.len());
    for r in &net.routes {
        let served_t = r.serves_inference.then(|| lp.columns(t_n));
        let training =
            sites[r.site].training.filter(|_| r.carries_training && net.gbps_per_mw_training > 0.0);
        let needs_bits = (served_t.is_some() && net.gbps_per_mw_inference > 0.0) || training.is_some();
        let bandwidth = needs_bits.then(|| {
            let b = lp.columns(1);
            lp.mark_border(b);
            lp.set_cost(b, r.capital_cost_per_gbps_year * per_gw);
            lp.at_most(&[(b, -1.0)], 0.0);
            b
        });
        let mut row = Vec::with_capacity(3);
        match served_t {
            Some(y) => {
                for t in 0..t_n {
                    lp.at_most(&[(y + t, -1.0)], 0.0);
                    sites[r.site].balance[t].add_inflow(lp, y + t, -net.pue[r.site]);
                    if let Some(b) = bandwidth {
                        row.clear();
                        row.push((b, -1.0));
                        if net.gbps_per_mw_inference > 0.0 {
                            row.push((y + t, net.gbps_per_mw_inference));
                        }
                        if let Some(k) = training {
                            row.push((k, net.gbps_per_mw_training));
                        }
                        lp.at_most(&row, 0.0);
                    }
                }
            }
            None => {
                if let (Some(b), Some(k)) = (bandwidth, training) {
                    lp.at_most(&[(b, -1.0), (k, net.gbps_per_mw_training)], 0.0);
                }
            }
        }
        layouts.push(RouteLayout { bandwidth, served_t });
    }
    // First hourly column of each serving route, by demand centre and by site.
    let serving_routes = |of: &dyn Fn(&crate::input::Route) -> usize, n: usize| {
        let mut lists = vec![Vec::new(); n];
        for (r, l) in net.routes.iter().zip(&layouts) {
            if let Some(y) = l.served_t {
                lists[of(r)].push(y);
            }
        }
        lists
    };
    let by_centre = serving_routes(&|r| r.demand, net.demands.len());
    let by_site = serving_routes(&|r| r.site, net.sites.len());
    let mut terms = Vec::new();
    for t in 0..t_n {
        for (centre, routes) in net.demands.iter().zip(&by_centre) {
            // A centre no route serves has no load (checked): no empty row.
            if !routes.is_empty() {
                terms.clear();
                terms.extend(routes.iter().map(|y| (y + t, 1.0)));
                lp.equality(&terms, centre.inference_mw[t] * scale.power);
            }
        }
        for (cap, routes) in inference.iter().zip(&by_site) {
            if let Some(cap) = *cap {
                terms.clear();
                terms.push((cap, -1.0));
                terms.extend(routes.iter().map(|y| (y + t, 1.0)));
                lp.at_most(&terms, 0.0);
            }
        }
    }
    (inference, layouts)
}
