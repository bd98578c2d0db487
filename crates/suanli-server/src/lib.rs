//! The local web dashboard of suanli.
//!
//! A page with a scenario picker and sliders for the main parameters; every move redraws
//! the charts from the nation engine in-process (a run takes microseconds, the picture
//! about a millisecond), and Monte Carlo runs in the background with progress. A JSON API
//! serves the same documents as the command line. It binds loopback by default; requests
//! are checked, and a malformed one gets a 4xx with a message.
//!
//! API (all GET unless noted; sliders are query parameters, see [`sliders`]):
//!
//! | path | returns |
//! |---|---|
//! | `/` | the dashboard page |
//! | `/api` | this list, as JSON |
//! | `/api/scenarios` | built-in scenarios: name and description |
//! | `/api/race?scenario=baseline` | the JSON of `suanli race --format json` |
//! | `/api/chart/race.svg?scenario=...&mc=JOB` | the charts of `suanli race --chart`, with bands from a finished Monte Carlo job |
//! | `POST /api/mc?scenario=...&draws=N&seed=S` | starts a Monte Carlo job: `{"job": id}` (429 when busy) |
//! | `/api/mc/JOB` | `{"state": "running", "done", "total"}` or `{"state": "done", "result": ...}` (the JSON of `suanli mc`) |
//! | `/site` | the site page |
//! | `POST /api/site/plan` | body `{"site": TOML, "profiles": CSV}` or `{"site": TOML, "synth": {"lat", "solar_cf", "wind_cf", "seed"}}`: `{"plan": ..., "svg": ...}` (429 while another plan runs) |
#![deny(missing_docs)]

mod api;
mod jobs;
mod site;
pub mod sliders;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use suanli_data::electricity::ElectricityTable;
use suanli_data::fleets::FleetRow;
use suanli_scenario::builtin::{builtin_scenario, BUILTIN_NAMES};
use suanli_scenario::resolve::{resolve, DataSet, Resolved};

/// Largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Longest a request may take (reading the body and answering), after which it gets 408.
/// A site plan, the slowest request, takes a few seconds.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// What the server knows: the built-in scenarios, resolved once against the data.
pub struct AppState {
    scenarios: BTreeMap<String, Resolved>,
    electricity: ElectricityTable,
    jobs: Mutex<jobs::Jobs>,
    /// Site plans running (at most one: a plan takes seconds and ~100 MB).
    site_plans: std::sync::atomic::AtomicUsize,
}

impl AppState {
    /// Resolves every built-in scenario against `electricity` and `fleets`.
    pub fn new(electricity: ElectricityTable, fleets: &[FleetRow]) -> Result<Self, String> {
        let data = DataSet { electricity: &electricity, fleets };
        let mut scenarios = BTreeMap::new();
        for name in BUILTIN_NAMES {
            let src =
                builtin_scenario(name).ok_or_else(|| format!("built-in scenario `{name}` is missing"))?;
            let r = resolve(src, &mut |_, _| Err("the dashboard reads no files".into()), data)
                .map_err(|e| e.to_string())?;
            scenarios.insert(name.to_string(), r);
        }
        Ok(AppState {
            scenarios,
            electricity,
            jobs: Mutex::new(jobs::Jobs::default()),
            site_plans: Default::default(),
        })
    }
}

/// The dashboard and its API.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(api::index))
        .route("/favicon.ico", get(api::favicon))
        .route("/api", get(api::describe))
        .route("/api/scenarios", get(api::scenarios))
        .route("/api/race", get(api::race))
        .route("/api/chart/race.svg", get(api::race_chart))
        .route("/api/mc", post(api::start_mc))
        .route("/api/mc/{job}", get(api::mc_status))
        .route("/site", get(site::page))
        .route("/api/site/plan", post(site::plan))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(api::refuse_declared_oversize))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

/// Binds `addr` and serves until Ctrl-C. `ready` gets the bound address (port 0 picks a
/// free one) once requests can be taken.
pub fn serve(
    addr: std::net::SocketAddr,
    state: AppState,
    ready: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        axum::serve(listener, router(Arc::new(state)))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}
