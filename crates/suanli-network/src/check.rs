//! Checks of a network input before it is solved.

use suanli_site::SiteError;

use crate::input::NetworkInput;

/// Checks that the network has sites of equal length, that every site is valid, that
/// links join two different known sites with sensible costs and efficiencies, and that
/// every demand centre's inference can be served.
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
    for (what, q) in [("MWh", net.training_quota_mwh), ("H100-hours", net.training_quota_h100_hours)] {
        if !(q.is_finite() && q >= 0.0) {
            return bad(format!("the network's training quota is {q} {what}"));
        }
    }
    if net.training_quota_mwh > 0.0 && net.training_quota_h100_hours > 0.0 {
        return bad("the network has a training quota in MWh and one in H100-hours: give one".into());
    }
    if net.training_quota_h100_hours > 0.0 && net.training_quota().is_none() {
        return Err(SiteError::Infeasible(
            "the network's training quota needs sites with a [training] section".into(),
        ));
    }
    if let Some((weights, quota)) = net.training_quota() {
        let room: f64 = net
            .sites
            .iter()
            .zip(weights)
            .filter_map(|(s, w)| Some(s.training.as_ref()?.max_mw * w?))
            .map(|mw| mw * first.hours() as f64 * net.hour_weight)
            .sum();
        if room < quota {
            return Err(SiteError::Infeasible(format!(
                "the network's training quota of {quota:.0} MWh{} exceeds what the sites' training capacity can take ({room:.0} MWh): give sites a [training] section or raise their max_mw",
                if net.training_quota_h100_hours > 0.0 { " (its H100-hours at the first training site's kW per H100)" } else { "" }
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
    validate_demand(net)
}

fn validate_demand(net: &NetworkInput) -> Result<(), SiteError> {
    let bad = |m: String| Err(SiteError::Input(m));
    let (n, hours) = (net.sites.len(), net.hours());
    if !(net.hour_weight.is_finite() && net.hour_weight > 0.0) {
        return bad(format!("each hour weighs {} hours, expected a positive number", net.hour_weight));
    }
    if net.pue.len() != n || net.pue.iter().any(|p| !(p.is_finite() && *p >= 1.0)) {
        return bad(format!("expected one PUE of at least 1 per site, got {:?}", net.pue));
    }
    for (name, v) in [
        ("inference capacity cost per MW-year", net.inference_cost_per_mw_year),
        ("Gbit/s per MW of inference", net.gbps_per_mw_inference),
        ("Gbit/s per MW of training", net.gbps_per_mw_training),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return bad(format!("the {name} is {v}, expected a number >= 0"));
        }
    }
    for r in &net.routes {
        if r.demand >= net.demands.len() || r.site >= n {
            return bad("a fibre route joins a demand centre or site that does not exist".into());
        }
        if !(r.capital_cost_per_gbps_year.is_finite() && r.capital_cost_per_gbps_year >= 0.0) {
            return bad(format!("a fibre route costs {} per Gbit/s-year", r.capital_cost_per_gbps_year));
        }
    }
    for (d, centre) in net.demands.iter().enumerate() {
        if centre.inference_mw.len() != hours {
            return bad(format!(
                "demand centre {} has {} hours, the sites {hours}",
                centre.name,
                centre.inference_mw.len()
            ));
        }
        if let Some(v) = centre.inference_mw.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return bad(format!("demand centre {} has an inference load of {v} MW", centre.name));
        }
        let served = net.routes.iter().any(|r| r.demand == d && r.serves_inference);
        if !served && centre.inference_mw.iter().any(|v| *v > 0.0) {
            return Err(SiteError::Infeasible(format!(
                "no site may serve the inference of demand centre {}: no fibre route within its latency bound",
                centre.name
            )));
        }
    }
    Ok(())
}
