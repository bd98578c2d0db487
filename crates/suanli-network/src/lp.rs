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
//!      sum_k sum_t x_kt >= Q                     (network training quota, if any)
//! ```
//! Symbols: F_l link capacity (MW), c_l its annual cost per MW, f_lt the flow from `from`
//! to `to`, p_lt and n_lt the power sent each way (losses on arrival), x_kt the training
//! load of site k, Q the network's training quota (MWh).
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

/// The assembled network problem.
pub struct NetworkLp {
    /// Common units of every site.
    pub scale: Scale,
    /// Each site's columns and balance rows.
    pub sites: Vec<Layout>,
    /// Each link's columns.
    pub links: Vec<LinkLayout>,
    /// The problem.
    pub problem: Problem,
}

/// Units common to the whole network: the largest site peak is one power unit and the
/// largest capacity cost one money unit per power unit.
pub fn scale(net: &NetworkInput) -> Scale {
    let quota_mw = net.training_quota_mwh / net.hours().max(1) as f64;
    let peak = net.sites.iter().map(Scale::peak_mw).fold(quota_mw, f64::max);
    let largest = net
        .sites
        .iter()
        .map(Scale::largest_capacity_cost)
        .chain(net.links.iter().map(|l| l.capital_cost_per_mw_year))
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
    if net.training_quota_mwh > 0.0 {
        let all: Vec<(usize, f64)> = sites
            .iter()
            .filter_map(|l| l.training_t)
            .flat_map(|x| (0..t_n).map(move |t| (x + t, -1.0)))
            .collect();
        lp.at_most(&all, -net.training_quota_mwh * scale.power);
    }
    NetworkLp { scale, sites, links, problem: lp.finish() }
}
