//! The site page: plan a campus's power supply from an uploaded or synthetic profile.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use suanli_data::profiles::{synthesize, to_csv, SynthSettings};
use suanli_report::site::site_figure;
use suanli_site::file::parse_site;
use suanli_site::plan::{plan as plan_site, SiteError};

use crate::api::ApiError;
use crate::AppState;

const PAGE: &str = include_str!("site.html");

pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// A synthetic profile's settings (see `suanli profiles synth`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synth {
    lat: f64,
    solar_cf: f64,
    wind_cf: f64,
    #[serde(default = "one")]
    seed: u64,
}

fn one() -> u64 {
    1
}

/// The body of `POST /api/site/plan`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    site: String,
    profiles: Option<String>,
    synth: Option<Synth>,
}

/// Releases the single plan slot when dropped.
struct Slot(Arc<AppState>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.site_plans.fetch_sub(1, Ordering::AcqRel);
    }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

pub async fn plan(
    State(s): State<Arc<AppState>>,
    body: Result<Json<PlanRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(req) = body.map_err(|e| {
        // Too large is 413; anything else is the client's mistake (400, 415, 422).
        ApiError(
            e.status(),
            format!(
                "the body must be JSON {{\"site\": TOML, \"profiles\": CSV}} or with \"synth\": {}",
                e.body_text()
            ),
        )
    })?;
    let profiles = match (req.profiles, req.synth) {
        (Some(csv), None) => ("uploaded profiles".to_string(), csv),
        (None, Some(g)) => {
            if !(-66.0..=66.0).contains(&g.lat)
                || !(0.0..=0.99).contains(&g.solar_cf)
                || !(0.0..=0.99).contains(&g.wind_cf)
            {
                return Err(bad("synthetic profiles need lat in -66..66 and capacity factors in 0..0.99"));
            }
            let p = synthesize(&SynthSettings {
                latitude_deg: g.lat,
                solar_cf: g.solar_cf,
                wind_cf: g.wind_cf,
                seed: g.seed,
                hours: 8760,
            });
            let label = format!(
                "synthetic profiles (lat {}, solar CF {}, wind CF {}, seed {})",
                g.lat, g.solar_cf, g.wind_cf, g.seed
            );
            (label.clone(), to_csv(&p, &[label]))
        }
        _ => return Err(bad("give either `profiles` (CSV text) or `synth` settings")),
    };
    let site = parse_site("site.toml", &req.site, &mut |_| Ok(profiles.clone())).map_err(bad)?;
    if s.site_plans.fetch_add(1, Ordering::AcqRel) >= 1 {
        s.site_plans.fetch_sub(1, Ordering::AcqRel);
        return Err(ApiError(
            StatusCode::TOO_MANY_REQUESTS,
            "another site plan is running; try again when it finishes".into(),
        ));
    }
    let slot = Slot(s.clone());
    let result = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        plan_site(&site.input, &site.settings).map(|p| {
            let source = format!(
                "Profiles: {}. Model: suanli site planner (hourly least-cost LP).",
                site.profiles_file
            );
            let svg = site_figure(&p, &source).to_svg();
            (p, svg)
        })
    })
    .await
    .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("the planner stopped: {e}")))?;
    match result {
        Ok((p, svg)) => Ok(Json(json!({ "plan": p, "svg": svg })).into_response()),
        Err(SiteError::Infeasible(m)) => {
            Err(ApiError(StatusCode::UNPROCESSABLE_ENTITY, format!("the plan is infeasible: {m}")))
        }
        Err(SiteError::Input(m)) => Err(bad(m)),
        Err(other) => Err(ApiError(StatusCode::INTERNAL_SERVER_ERROR, other.to_string())),
    }
}
