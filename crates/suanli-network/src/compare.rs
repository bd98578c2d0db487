//! Move bits or move watts: the same network planned under three designs, side by side.
//!
//! * **bits**: compute (training and inference) only at the `west` sites; no power lines;
//!   results travel east over fibre.
//! * **watts**: compute only at the `east` sites; power lines carry western power east.
//! * **optimum**: everything allowed; the planner chooses.
//!
//! Sites are tagged `zone = "west"` or `zone = "east"` in the network file; sites with
//! another zone (or none) host no compute in the first two designs.

use serde::Serialize;
use suanli_site::plan::Settings;
use suanli_site::SiteError;

use crate::input::NetworkInput;
use crate::plan::{plan, NetworkPlan};

/// One of the three designs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Design {
    /// Compute in the west, bits sent east.
    Bits,
    /// Compute in the east, power sent over lines.
    Watts,
    /// Everything allowed.
    Optimum,
}

impl Design {
    /// All three, in the order they are reported.
    pub const ALL: [Design; 3] = [Design::Bits, Design::Watts, Design::Optimum];

    /// Short name (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            Design::Bits => "bits",
            Design::Watts => "watts",
            Design::Optimum => "optimum",
        }
    }

    /// What the design means, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Design::Bits => "compute in the west, bits sent east (no power lines)",
            Design::Watts => "compute in the east, power sent over lines",
            Design::Optimum => "everything allowed",
        }
    }
}

/// The network restricted to a design: `zones` holds each site's zone label.
pub fn restrict(
    net: &NetworkInput,
    zones: &[Option<String>],
    design: Design,
) -> Result<NetworkInput, String> {
    for wanted in ["west", "east"] {
        if !zones.iter().any(|z| z.as_deref() == Some(wanted)) {
            return Err(format!(
                "no site has zone = \"{wanted}\"; hint: tag sites zone = \"west\" or \"east\" to compare designs"
            ));
        }
    }
    let zone = match design {
        Design::Optimum => return Ok(net.clone()),
        Design::Bits => "west",
        Design::Watts => "east",
    };
    let computes = |k: usize| zones.get(k).and_then(|z| z.as_deref()) == Some(zone);
    let mut n = net.clone();
    for (k, site) in n.sites.iter_mut().enumerate() {
        if let Some(t) = site.training.as_mut().filter(|_| !computes(k)) {
            t.max_mw = 0.0;
        }
    }
    for r in &mut n.routes {
        r.serves_inference &= computes(r.site);
        r.carries_training &= computes(r.site);
    }
    n.routes.retain(|r| r.serves_inference || r.carries_training);
    if design == Design::Bits {
        n.links.clear();
    }
    Ok(n)
}

/// One design's result.
#[derive(Debug, Clone, Serialize)]
pub struct DesignResult {
    /// Which design.
    pub design: Design,
    /// Its plan, or why it has none (for example a demand centre beyond reach of every
    /// site the design allows).
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A design's plan or the reason it has none.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Planned.
    Plan(Box<NetworkPlan>),
    /// Could not be planned.
    Infeasible(String),
}

/// Plans every design (one after the other; `progress` is told which starts).
pub fn compare(
    net: &NetworkInput,
    zones: &[Option<String>],
    settings: &Settings,
    mut progress: impl FnMut(Design),
) -> Result<Vec<DesignResult>, SiteError> {
    let mut results = Vec::with_capacity(3);
    for design in Design::ALL {
        let restricted = restrict(net, zones, design).map_err(SiteError::Input)?;
        progress(design);
        let outcome = match plan(&restricted, settings) {
            Ok(p) => Outcome::Plan(Box::new(p)),
            Err(SiteError::Infeasible(why)) => Outcome::Infeasible(why),
            Err(e) => return Err(e),
        };
        results.push(DesignResult { design, outcome });
    }
    Ok(results)
}
