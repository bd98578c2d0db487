//! Request handlers.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::json;
use suanli_mc::run::{default_pairs, monte_carlo, McConfig, McResult, Model};
use suanli_nation::simulate;
use suanli_nation::sliders::Sliders;
use suanli_report::nation::NationChart;
use suanli_report::race::{race_json, ATTRIBUTION};
use suanli_scenario::model::NationInput;
use suanli_scenario::resolve::Resolved;

use crate::sliders::{integer, parse};
use crate::{AppState, MAX_BODY_BYTES};

/// The dashboard page, embedded at build time: no CDN, works offline.
const INDEX: &str = include_str!("index.html");

/// An error answered as `{"error": message}`.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

/// Answers 413 to a request whose declared `Content-Length` is over [`MAX_BODY_BYTES`]
/// before reading any of its body: the client gets its answer at once instead of a
/// connection closed under it mid-upload. Bodies without a declared length are cut at the
/// same size by the body limit while they are read.
pub async fn refuse_declared_oversize(req: Request, next: Next) -> Response {
    let declared_bytes = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared_bytes {
        Some(n) if n > MAX_BODY_BYTES as u64 => ApiError(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is {n} bytes; at most {MAX_BODY_BYTES} are accepted"),
        )
        .into_response(),
        _ => next.run(req).await,
    }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

type Q = Query<HashMap<String, String>>;

pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// A small icon (rising bars), so that browsers find one.
pub async fn favicon() -> Response {
    const ICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#0072B2"/><rect x="2" y="9" width="3" height="5" fill="#fff"/><rect x="6.5" y="6" width="3" height="8" fill="#fff"/><rect x="11" y="2" width="3" height="12" fill="#fff"/></svg>"##;
    ([(header::CONTENT_TYPE, "image/svg+xml")], ICON).into_response()
}

pub async fn method_not_allowed() -> ApiError {
    ApiError(StatusCode::METHOD_NOT_ALLOWED, "this path takes another method (GET or POST); see /api".into())
}

pub async fn not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "no such page; the API is listed at /api".into())
}

pub async fn describe() -> Json<serde_json::Value> {
    Json(json!({
        "endpoints": [
            {"method": "GET", "path": "/api/scenarios", "returns": "built-in scenarios: name, description"},
            {"method": "GET", "path": "/api/race", "query": "scenario, sliders", "returns": "the JSON of `suanli race --format json`"},
            {"method": "GET", "path": "/api/chart/race.svg", "query": "scenario, sliders, from, to, mc (a finished job)", "returns": "SVG charts"},
            {"method": "POST", "path": "/api/mc", "query": "scenario, sliders, draws (1..1000000), seed", "returns": "{\"job\": id}; 429 while busy"},
            {"method": "GET", "path": "/api/mc/{job}", "returns": "progress, then the JSON of `suanli mc --format json`"},
        ],
        "sliders": suanli_nation::sliders::Sliders::RANGES.iter().map(|(n, lo, hi)| json!({"name": n, "min": lo, "max": hi})).collect::<Vec<_>>(),
    }))
}

pub async fn scenarios(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let list: Vec<_> =
        s.scenarios.iter().map(|(name, r)| json!({"name": name, "description": r.description})).collect();
    Json(json!(list))
}

/// The scenario named in the query (default `baseline`) and the sliders.
fn scenario<'a>(
    s: &'a AppState,
    q: &HashMap<String, String>,
    allowed: &[&str],
) -> Result<(&'a Resolved, Sliders), ApiError> {
    let sliders = parse(q, allowed).map_err(bad)?;
    let name = q.get("scenario").map_or("baseline", String::as_str);
    let r = s.scenarios.get(name).ok_or_else(|| {
        bad(format!(
            "unknown scenario `{name}`; built-in: {}",
            s.scenarios.keys().cloned().collect::<Vec<_>>().join(", ")
        ))
    })?;
    Ok((r, sliders))
}

/// The scenario's input with the sliders applied.
fn moved(r: &Resolved, sliders: &Sliders) -> NationInput {
    let mut input = r.input.clone();
    sliders.apply(&mut input);
    input
}

pub async fn race(State(s): State<Arc<AppState>>, Query(q): Q) -> Result<Response, ApiError> {
    let (r, sliders) = scenario(&s, &q, &["scenario"])?;
    let input = moved(r, &sliders);
    let outcome = simulate(&input);
    let body = race_json(&outcome, outcome.first_year, outcome.last_year());
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub async fn race_chart(State(s): State<Arc<AppState>>, Query(q): Q) -> Result<Response, ApiError> {
    let (r, sliders) = scenario(&s, &q, &["scenario", "from", "to", "mc"])?;
    let input = moved(r, &sliders);
    let outcome = simulate(&input);
    let (first, last) = (i64::from(outcome.first_year), i64::from(outcome.last_year()));
    let from = integer(&q, "from", first.max(2010), first, last).map_err(bad)? as i32;
    let to = integer(&q, "to", last, first, last).map_err(bad)? as i32;
    if from >= to {
        return Err(bad(format!("`from` ({from}) must be before `to` ({to})")));
    }
    let mc: Option<Arc<McResult>> = match q.get("mc") {
        None => None,
        Some(id) => {
            let id: u64 = id.parse().map_err(|_| bad(format!("`mc` must be a job id, got `{id}`")))?;
            let jobs = s
                .jobs
                .lock()
                .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "job table poisoned".into()))?;
            let job = jobs
                .get(id)
                .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no Monte Carlo job {id}")))?;
            Some(
                job.result
                    .clone()
                    .ok_or_else(|| ApiError(StatusCode::CONFLICT, format!("job {id} is still running")))?,
            )
        }
    };
    let svg = NationChart {
        outcome: &outcome,
        input: &input,
        electricity: &s.electricity,
        mc: mc.as_deref(),
        from,
        to,
        source: ATTRIBUTION,
    }
    .figure()
    .to_svg();
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

pub async fn start_mc(State(s): State<Arc<AppState>>, Query(q): Q) -> Result<Response, ApiError> {
    let (r, sliders) = scenario(&s, &q, &["scenario", "draws", "seed"])?;
    let input = r.input.clone();
    if r.uncertainty.is_empty() {
        return Err(bad(format!("scenario `{}` has no uncertain parameter", r.input.name)));
    }
    let draws = integer(&q, "draws", 10_000, 1, 1_000_000).map_err(bad)? as u64;
    let seed = integer(&q, "seed", 1, 0, i64::MAX).map_err(bad)? as u64;
    let (id, done) = s
        .jobs
        .lock()
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "job table poisoned".into()))?
        .start(draws)
        .map_err(|m| ApiError(StatusCode::TOO_MANY_REQUESTS, m))?;
    let (state, uncertainty) = (s.clone(), r.uncertainty.clone());
    tokio::task::spawn_blocking(move || {
        let pairs = default_pairs(&input);
        let model = Model::with_sliders(&input, &uncertainty, sliders);
        let result = monte_carlo(&model, &McConfig { draws, seed, pairs, claims: vec![] }, &|n| {
            done.fetch_add(n, Ordering::Relaxed);
        });
        if let Ok(mut jobs) = state.jobs.lock() {
            jobs.finish(id, result);
        }
    });
    Ok((StatusCode::ACCEPTED, Json(json!({ "job": id, "draws": draws }))).into_response())
}

pub async fn mc_status(
    State(s): State<Arc<AppState>>,
    Path(job): Path<String>,
) -> Result<Response, ApiError> {
    let id: u64 = job.parse().map_err(|_| bad(format!("job ids are numbers, got `{job}`")))?;
    let jobs = s
        .jobs
        .lock()
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "job table poisoned".into()))?;
    let j =
        jobs.get(id).ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no Monte Carlo job {id}")))?;
    Ok(match &j.result {
        Some(result) => {
            Json(json!({ "state": "done", "done": j.total, "total": j.total, "result": result.as_ref() }))
        }
        None => Json(json!({ "state": "running", "done": j.done.load(Ordering::Relaxed), "total": j.total })),
    }
    .into_response())
}
