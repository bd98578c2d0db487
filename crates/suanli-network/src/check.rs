//! Checks of a network input before it is solved.

use suanli_site::SiteError;

use crate::input::NetworkInput;

/// Checks that the network has sites of equal length, that every site is valid, and
/// that links join two different known sites with sensible costs and efficiencies.
pub fn validate(net: &NetworkInput) -> Result<(), SiteError> {
    let bad = |m: String| Err(SiteError::Input(m));
    let Some(first) = net.sites.first() else {
        return bad("the network has no sites".into());
    };
    for site in &net.sites {
        suanli_site::check::validate(site)?;
        if site.hours() != first.hours() {
            return bad(format!(
                "site {} has {} hours, site {} has {}",
                site.name,
                site.hours(),
                first.name,
                first.hours()
            ));
        }
    }
    if !(net.training_quota_mwh.is_finite() && net.training_quota_mwh >= 0.0) {
        return bad(format!("the network's training quota is {} MWh", net.training_quota_mwh));
    }
    if net.training_quota_mwh > 0.0 {
        let room: f64 = net
            .sites
            .iter()
            .filter_map(|s| s.training.as_ref())
            .map(|t| t.max_mw * first.hours() as f64)
            .sum();
        if room < net.training_quota_mwh {
            return Err(SiteError::Infeasible(format!(
                "the network's training quota of {:.0} MWh exceeds what the sites' training capacity can take ({:.0} MWh): give sites a [training] section or raise their max_mw",
                net.training_quota_mwh, room
            )));
        }
    }
    let n = net.sites.len();
    for l in &net.links {
        if l.from >= n || l.to >= n {
            return bad(format!("link {} joins a site that does not exist", l.name));
        }
        if l.from == l.to {
            return bad(format!("link {} joins site {} to itself", l.name, net.sites[l.from].name));
        }
        if !(l.capital_cost_per_mw_year.is_finite() && l.capital_cost_per_mw_year >= 0.0) {
            return bad(format!("link {} costs {} per MW-year", l.name, l.capital_cost_per_mw_year));
        }
        if !(l.efficiency > 0.0 && l.efficiency <= 1.0) {
            return bad(format!("link {} has efficiency {}, expected in (0, 1]", l.name, l.efficiency));
        }
        if l.max_mw.is_nan() || l.max_mw < 0.0 {
            return bad(format!("link {} has max_mw {}", l.name, l.max_mw));
        }
    }
    Ok(())
}
