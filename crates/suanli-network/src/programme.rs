//! A demand programme's load on a network, for one year: its interactive inference feeds
//! the demand centres (each keeps its hourly shape and its share of the file's inference),
//! and its flexible work (training, fine-tuning, batch inference) becomes the network's
//! training quota in H100-hours, which the sites meet wherever it costs least.

use crate::input::NetworkInput;

/// What a programme asks of a network in one year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgrammeLoad {
    /// Interactive inference to serve, MW of IT averaged over the year.
    pub inference_it_mw: f64,
    /// Flexible work, H100-hours per year.
    pub flexible_h100_hours: f64,
}

/// Replaces the network's inference and training quota by the programme's. The demand
/// centres' hourly series are scaled together so that their mean sum is the programme's
/// inference (centres without inference in the file share it equally, flat). Errors when
/// the network has nowhere to put a part of the load.
pub fn apply_programme(net: &mut NetworkInput, load: &ProgrammeLoad) -> Result<(), String> {
    if load.inference_it_mw > 0.0 {
        if net.demands.is_empty() {
            return Err(format!(
                "network `{}` has no demand centre to serve the programme's {:.1} MW of interactive inference: add a [demand.NAME] section",
                net.name, load.inference_it_mw
            ));
        }
        let hours = net.hours().max(1) as f64;
        let mean: f64 = net.demands.iter().map(|d| d.inference_mw.iter().sum::<f64>() / hours).sum();
        if mean > 0.0 {
            let scale = load.inference_it_mw / mean;
            net.demands.iter_mut().flat_map(|d| d.inference_mw.iter_mut()).for_each(|x| *x *= scale);
        } else {
            let each = load.inference_it_mw / net.demands.len() as f64;
            net.demands.iter_mut().for_each(|d| d.inference_mw.iter_mut().for_each(|x| *x = each));
        }
    } else {
        net.demands.iter_mut().for_each(|d| d.inference_mw.iter_mut().for_each(|x| *x = 0.0));
    }
    if load.flexible_h100_hours > 0.0 && net.sites.iter().all(|s| s.training.is_none()) {
        return Err(format!(
            "network `{}` has no site with training to run the programme's {:.3e} H100-hours of flexible work: add [defaults.training]",
            net.name, load.flexible_h100_hours
        ));
    }
    net.training_quota_mwh = 0.0;
    net.training_quota_h100_hours = load.flexible_h100_hours;
    Ok(())
}
