//! Python bindings of suanli: the module `suanli._suanli`, which the pure-Python package
//! `suanli` (python/suanli) wraps into pandas DataFrames and typed results.
//!
//! A thin layer like the CLI: it reads files and turns results into NumPy columns; the
//! engines stay pure. Every computation runs on its own thread while the caller waits
//! without the GIL ([`compute`]), so other Python threads run and Ctrl-C is seen, and inside
//! `catch_unwind`, so that an internal error reaches Python as `suanli.SuanliError` rather
//! than as a `PanicException`, which cannot be pickled and hangs a Dask future.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde_json::Value;
use suanli_data::electricity::ElectricityTable;
use suanli_data::fleets::builtin_fleets;
use suanli_mc::run::{default_pairs, monte_carlo, McConfig, Model};
use suanli_nation::claims::{evaluate, ClaimsFile};
use suanli_nation::simulate;
use suanli_scenario::builtin::{builtin_scenario, BUILTIN_NAMES};
use suanli_scenario::resolve::{resolve, DataSet, Resolved};
use suanli_scenario::{ScenarioError, SourceText};

mod convert;
mod errors;

use convert::{columns, dict_to_toml, json_to_py, key_path, series};
use errors::{located_input_error, scenario_error, site_error, suanli_error};

/// Name given to TOML written from a Python dict, in errors.
const DICT_NAME: &str = "<dict>";

/// How often a waiting call looks for Ctrl-C (Python's signal handlers run only when the
/// interpreter gets control back).
const SIGNAL_CHECK: std::time::Duration = std::time::Duration::from_millis(100);

/// Runs `work` on its own thread, with panics caught (a panic becomes `SuanliError`), while
/// this thread waits without the GIL and looks for Ctrl-C every [`SIGNAL_CHECK`]: on Ctrl-C
/// the call raises `KeyboardInterrupt` at once and the work's result is dropped when it
/// ends (the solvers have no cancellation point; a site plan ends within seconds).
fn compute<T: Send + 'static>(py: Python<'_>, work: impl FnOnce() -> T + Send + 'static) -> PyResult<T> {
    use std::sync::mpsc::{channel, RecvTimeoutError};
    let (tx, mut rx) = channel();
    std::thread::spawn(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(work)));
    });
    loop {
        // The receiver goes into the GIL-free closure and back (it is Send, not Sync).
        let (got, back) = py.detach(move || (rx.recv_timeout(SIGNAL_CHECK), rx));
        rx = back;
        match got {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(panic)) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                return Err(suanli_error(py, &format!("internal error (please report it): {what}")));
            }
            Err(RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(suanli_error(py, "internal error: the computation ended without a result"))
            }
        }
    }
}

/// The text of an input given as a built-in name (when `builtin` knows it), a path, or a
/// dict in the shape of the file; and the directory files it names are read from.
fn input_text(
    py: Python<'_>,
    spec: &Bound<'_, PyAny>,
    builtin: impl Fn(&str) -> Option<SourceText>,
) -> PyResult<(SourceText, PathBuf)> {
    if spec.cast::<PyDict>().is_ok() {
        let text = dict_to_toml(spec)?;
        return Ok((SourceText { name: DICT_NAME.into(), text }, PathBuf::from(".")));
    }
    let name: String = spec.extract().or_else(|_| spec.str()?.extract())?;
    if let Some(src) = builtin(&name) {
        return Ok((src, PathBuf::from(".")));
    }
    let path = Path::new(&name);
    let text = std::fs::read_to_string(path).map_err(|e| {
        errors::input_error(py, &format!("failed to read {name}: {e}"), Some(&name), None, None, None)
    })?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    Ok((SourceText { name, text }, dir))
}

/// Resolves a scenario (built-in name, path or dict) against the built-in data.
fn load_scenario(py: Python<'_>, spec: &Bound<'_, PyAny>) -> PyResult<Resolved> {
    let (src, dir) = input_text(py, spec, builtin_scenario)?;
    let dict_text = (src.name == DICT_NAME).then(|| src.text.clone());
    let result = compute(py, move || {
        let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
        let mut loader = |name: &str, from: &SourceText| -> Result<SourceText, String> {
            let base = if from.name == DICT_NAME {
                dir.clone()
            } else {
                Path::new(&from.name).parent().unwrap_or(Path::new(".")).to_path_buf()
            };
            let path = base.join(name);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(SourceText { name: path.display().to_string(), text })
        };
        resolve(src, &mut loader, DataSet { electricity: &electricity, fleets: &fleets })
    })?;
    result.map_err(|e| dict_scenario_error(py, e, dict_text.as_deref()))
}

/// A file's problems as `InputError`; for a dict, each names its key (`<dict>[a][b]`).
fn dict_scenario_error(py: Python<'_>, mut e: ScenarioError, dict_text: Option<&str>) -> PyErr {
    if let Some(text) = dict_text {
        for d in e.diagnostics.iter_mut().filter(|d| d.file == DICT_NAME) {
            if let Some(key) = key_path(text, d.line) {
                d.file = format!("{DICT_NAME}[{}]", key.replace('.', "]["));
            }
        }
    }
    scenario_error(py, &e)
}

/// A demand programme (built-in name, path or dict; `suanli demand` and `suanli race --demand`): demand
/// rows, every item in the last year, demand beside supply, first shortfalls and, with
/// `draws`, the odds of a shortfall. The scenario is `scenario`, else the programme's own.
#[pyfunction]
#[pyo3(signature = (programme, scenario=None, draws=0, seed=1))]
fn demand<'py>(
    py: Python<'py>,
    programme: &Bound<'py, PyAny>,
    scenario: Option<&Bound<'py, PyAny>>,
    draws: u64,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    use suanli_nation::demand::cover::{cover, first_shortfalls};
    use suanli_nation::demand::{demand_rows, prepare};
    let (src, dir) = input_text(py, programme, suanli_scenario::programme::builtin_programme)?;
    let dict_text = (src.name == DICT_NAME).then(|| src.text.clone());
    let prog = suanli_scenario::programme::parse_programme(&src)
        .map_err(|e| dict_scenario_error(py, e, dict_text.as_deref()))?;
    let resolved = match scenario {
        Some(s) => load_scenario(py, s)?,
        None if builtin_scenario(&prog.scenario).is_some() => {
            load_scenario(py, pyo3::types::PyString::new(py, &prog.scenario).as_any())?
        }
        None => {
            let path = dir.join(&prog.scenario).display().to_string();
            load_scenario(py, pyo3::types::PyString::new(py, &path).as_any())?
        }
    };
    let result = compute(py, move || {
        let input = &resolved.input;
        let p = prepare(&prog, input).map_err(Err)?;
        let outcome = simulate(input);
        let rows = demand_rows(&p, input, &outcome, &[]).map_err(Ok)?;
        let items = p.items(input, prog.last_year);
        let cover = cover(&p, input, &outcome, &[]);
        let first = first_shortfalls(&cover);
        let odds = (draws > 0).then(|| {
            let model = Model::new(input, &resolved.uncertainty);
            suanli_mc::demand::shortfall_odds(&model, &p, draws, seed, &|_| {})
        });
        Ok((rows, items, cover, first, odds))
    })?;
    let (rows, items, cover, first, odds) = result.map_err(|e: Result<String, ScenarioError>| match e {
        Ok(message) => errors::input_error(py, &message, None, None, None, None),
        Err(e) => dict_scenario_error(py, e, dict_text.as_deref()),
    })?;
    let out = PyDict::new(py);
    let cols = |v: Value| columns(py, v.as_array().map_or(&[], |v| v));
    out.set_item("rows", cols(to_json(py, &rows)?)?)?;
    out.set_item("items", cols(to_json(py, &items)?)?)?;
    out.set_item("cover", cols(to_json(py, &cover)?)?)?;
    out.set_item("first_shortfall", json_to_py(py, &to_json(py, &first)?)?)?;
    if let Some(odds) = odds {
        out.set_item("odds", cols(to_json(py, &odds)?)?)?;
    }
    Ok(out)
}

/// Serialises `value` to JSON (for the generic column and dict conversions).
fn to_json<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Value> {
    serde_json::to_value(value).map_err(|e| suanli_error(py, &e.to_string()))
}

/// The nation model: one row per region and year with the fields of `suanli race --format
/// json`, as columns.
#[pyfunction]
#[pyo3(signature = (scenario, from_year=None, to_year=None))]
fn race<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    from_year: Option<i32>,
    to_year: Option<i32>,
) -> PyResult<Bound<'py, PyDict>> {
    let resolved = load_scenario(py, scenario)?;
    let outcome = compute(py, move || simulate(&resolved.input))?;
    let (first, last) = (outcome.first_year, outcome.last_year());
    let from = from_year.unwrap_or(first);
    let to = to_year.unwrap_or(last);
    if from < first || to > last || from > to {
        return Err(errors::input_error(
            py,
            &format!("years {from}-{to} are outside {first}-{last}"),
            None,
            None,
            None,
            None,
        ));
    }
    let rows = to_json(py, &suanli_report::race::rows(&outcome, from, to))?;
    columns(py, rows.as_array().map_or(&[], |v| v.as_slice()))
}

/// Monte Carlo over the scenario's uncertain parameters: percentiles, lead and binding
/// probabilities as columns, passing years as a list.
#[pyfunction]
#[pyo3(signature = (scenario, draws, seed))]
fn mc<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    draws: u64,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let resolved = load_scenario(py, scenario)?;
    if resolved.uncertainty.is_empty() {
        return Err(errors::input_error(
            py,
            &format!("scenario `{}` has no uncertain parameters to draw", resolved.input.name),
            None,
            None,
            None,
            Some("add `uncertain = {...}` to parameters, or extend the baseline"),
        ));
    }
    let result = compute(py, move || {
        let model = Model::new(&resolved.input, &resolved.uncertainty);
        let config = McConfig { draws, seed, pairs: default_pairs(&resolved.input), claims: vec![] };
        monte_carlo(&model, &config, &|_| {})
    })?;
    let out = PyDict::new(py);
    out.set_item(
        "percentiles",
        columns(py, to_json(py, &result.percentiles)?.as_array().map_or(&[], |v| v))?,
    )?;
    out.set_item(
        "lead_probability",
        columns(py, to_json(py, &result.lead_probability)?.as_array().map_or(&[], |v| v))?,
    )?;
    out.set_item(
        "binding_probability",
        columns(py, to_json(py, &result.binding_probability)?.as_array().map_or(&[], |v| v))?,
    )?;
    out.set_item("passing_year", json_to_py(py, &to_json(py, &result.passing_year)?)?)?;
    out.set_item("factors", result.factors)?;
    Ok(out)
}

/// Tornado and Sobol indices of one output (`suanli sensitivity --output SPEC`): `SPEC` is
/// `passing-year:LEADER:FOLLOWER` or `METRIC:REGION:YEAR`.
#[pyfunction]
#[pyo3(signature = (scenario, output, samples, seed))]
fn sensitivity<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    output: &str,
    samples: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let resolved = load_scenario(py, scenario)?;
    let spec = suanli_mc::output::parse_output(&resolved.input, output)
        .map_err(|e| errors::input_error(py, &format!("output `{output}`: {e}"), None, None, None, None))?;
    if resolved.uncertainty.is_empty() || samples < 2 {
        let why = if samples < 2 {
            "`samples` must be at least 2"
        } else {
            "the scenario has no uncertain parameters"
        };
        return Err(errors::input_error(py, why, None, None, None, None));
    }
    let (label, t, s) = compute(py, move || {
        let model = Model::new(&resolved.input, &resolved.uncertainty);
        let label = spec.label(&simulate(&resolved.input));
        (
            label,
            suanli_mc::sensitivity::tornado(&model, &spec),
            suanli_mc::sensitivity::sobol(&model, &spec, samples, seed),
        )
    })?;
    let out = PyDict::new(py);
    out.set_item("output", label)?;
    out.set_item("tornado_base", t.base)?;
    out.set_item("tornado", columns(py, to_json(py, &t.bars)?.as_array().map_or(&[], |v| v))?)?;
    out.set_item("sobol_mean", s.mean)?;
    out.set_item("sobol_variance", s.variance)?;
    out.set_item("sobol", columns(py, to_json(py, &s.indices)?.as_array().map_or(&[], |v| v))?)?;
    Ok(out)
}

/// The built-in claims under `scenario` and every built-in scenario, as plain dicts.
#[pyfunction]
fn claims<'py>(py: Python<'py>, scenario: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let primary = load_scenario(py, scenario)?;
    let mut inputs = vec![primary.input.clone()];
    for name in BUILTIN_NAMES.iter().filter(|n| **n != primary.input.name) {
        let spec = pyo3::types::PyString::new(py, name);
        inputs.push(load_scenario(py, spec.as_any())?.input);
    }
    let text = include_str!("../../suanli-data/data/claims.toml");
    let file: ClaimsFile = toml::from_str(text).map_err(|e| suanli_error(py, &e.to_string()))?;
    // Built-in claims about years or regions the scenario lacks are left out, as the CLI does.
    let fitting: Vec<_> = file
        .claim
        .into_iter()
        .filter(|c| suanli_nation::claims::compile(c, &primary.input).is_ok())
        .collect();
    let results = compute(py, move || evaluate(&fitting, &inputs))?
        .map_err(|e| suanli_error(py, &format!("failed to evaluate claim `{}`: {}", e.id, e.message)))?;
    json_to_py(py, &to_json(py, &results)?)
}

/// Hindcasts from `base_years` scored to `to` (`suanli hindcast --format json`): rows and
/// skill as columns, and what was set from later data.
#[pyfunction]
#[pyo3(signature = (base_years, to=None))]
fn hindcast<'py>(py: Python<'py>, base_years: Vec<i32>, to: Option<i32>) -> PyResult<Bound<'py, PyDict>> {
    let baseline = load_scenario(py, pyo3::types::PyString::new(py, "baseline").as_any())?.input;
    let result = compute(py, move || {
        let (electricity, fleets) = (ElectricityTable::builtin(), builtin_fleets());
        let catalogue = suanli_data::catalogue::builtin_catalogue();
        let observed = suanli_data::observed::observations(&electricity, &fleets);
        let to =
            to.unwrap_or_else(|| observed.iter().map(|o| o.year).max().unwrap_or(baseline.calibration_year));
        let mut rows = Vec::new();
        for &b in &base_years {
            if to <= b {
                return Err(format!("`to` {to} must come after the base year {b}"));
            }
            let h = suanli_nation::hindcast::as_of(&baseline, b, &fleets, &catalogue, &observed)
                .map_err(|e| format!("hindcast from {b}: {e}"))?;
            rows.extend(suanli_nation::hindcast::score::rows(&h.input, &simulate(&h.input), to, &observed));
        }
        let skill = suanli_nation::hindcast::score::skill(&rows);
        Ok((rows, skill))
    })?;
    let (rows, skill) = result.map_err(|e| errors::input_error(py, &e, None, None, None, None))?;
    let out = PyDict::new(py);
    out.set_item("rows", columns(py, to_json(py, &rows)?.as_array().map_or(&[], |v| v))?)?;
    let skill: Vec<Value> = skill
        .iter()
        .map(|k| {
            let mut v = serde_json::to_value(k).unwrap_or_default();
            v["score"] = serde_json::json!(k.score());
            v
        })
        .collect();
    out.set_item("skill", columns(py, &skill)?)?;
    out.set_item("later_data", suanli_nation::hindcast::LATER_DATA.to_vec())?;
    Ok(out)
}

/// The built-in published projections, as columns.
#[pyfunction]
fn projections<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
    let all = suanli_data::projections::builtin_projections();
    columns(py, to_json(py, &all)?.as_array().map_or(&[], |v| v))
}

/// The scenario and its Monte Carlo 5-95 % band beside each published projection
/// (`suanli validate --format json`), as columns.
#[pyfunction]
#[pyo3(signature = (scenario, draws, seed))]
fn validate<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyAny>,
    draws: u64,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let resolved = load_scenario(py, scenario)?;
    let comparisons = compute(py, move || {
        let model = Model::new(&resolved.input, &resolved.uncertainty);
        let draws = if resolved.uncertainty.is_empty() { 0 } else { draws };
        suanli_mc::validate::validate(&model, &suanli_data::projections::builtin_projections(), draws, seed).0
    })?;
    columns(py, to_json(py, &comparisons)?.as_array().map_or(&[], |v| v))
}

/// The built-in scenarios: name and description.
#[pyfunction]
fn scenario_list<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for name in BUILTIN_NAMES {
        let spec = pyo3::types::PyString::new(py, name);
        let resolved = load_scenario(py, spec.as_any())?;
        list.append((name.to_string(), resolved.description))?;
    }
    Ok(list)
}

/// Every resolved parameter of a scenario with unit, value and source, as columns.
#[pyfunction]
fn scenario_show<'py>(py: Python<'py>, scenario: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let resolved = load_scenario(py, scenario)?;
    let rows: Vec<Value> = resolved
        .provenance
        .iter()
        .map(|p| {
            serde_json::json!({
                "scope": p.scope, "param": p.param, "unit": p.unit, "value": p.value,
                "source": p.source, "uncertain": p.uncertain,
            })
        })
        .collect();
    columns(py, &rows)
}

/// Reads a site or network file (or dict) and the profiles it names (relative to it, or to
/// the working directory for a dict).
fn read_plan_input(py: Python<'_>, spec: &Bound<'_, PyAny>) -> PyResult<(SourceText, PathBuf)> {
    input_text(py, spec, |_| None)
}

fn profile_loader(dir: PathBuf) -> impl FnMut(&str) -> Result<(String, String), String> {
    move |name: &str| {
        let p = dir.join(name);
        std::fs::read_to_string(&p)
            .map(|t| (p.display().to_string(), t))
            .map_err(|e| format!("{}: {e}", p.display()))
    }
}

/// The least-cost plan of a site file (or dict): the plan as a dict and the hourly dispatch
/// as columns.
#[pyfunction]
fn site_plan<'py>(py: Python<'py>, site: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let (src, dir) = read_plan_input(py, site)?;
    let name = src.name.clone();
    let (loaded, planned) = compute(py, move || {
        let loaded = suanli_site::file::parse_site(&src.name, &src.text, &mut profile_loader(dir))?;
        let planned = suanli_site::plan::plan(&loaded.input, &loaded.settings);
        Ok::<_, String>((loaded.profiles_file, planned))
    })?
    .map_err(|e| located_input_error(py, &e))?;
    let plan = planned.map_err(|e| site_error(py, &name, e))?;
    let out = PyDict::new(py);
    out.set_item("plan", json_to_py(py, &to_json(py, &plan)?)?)?;
    out.set_item("dispatch", series(py, &plan.dispatch.columns())?)?;
    out.set_item("profiles_file", loaded)?;
    Ok(out)
}

/// Reads a network file (or dict) and runs `run` on it without the GIL: a file error is an
/// `InputError`, a planner's error as [`site_error`] maps it.
fn with_network<T: Send + 'static>(
    py: Python<'_>,
    network: &Bound<'_, PyAny>,
    run: fn(&suanli_network::file::LoadedNetwork) -> Result<T, suanli_site::plan::SiteError>,
) -> PyResult<T> {
    let (src, dir) = read_plan_input(py, network)?;
    let name = src.name.clone();
    let result = compute(py, move || {
        let loaded = suanli_network::file::parse_network(&src.name, &src.text, &mut profile_loader(dir))?;
        Ok::<_, String>(run(&loaded))
    })?
    .map_err(|e| located_input_error(py, &e))?;
    result.map_err(|e| site_error(py, &name, e))
}

/// The least-cost plan of a network file (or dict): the plan as a dict and each site's
/// hourly dispatch as columns.
#[pyfunction]
fn network_plan<'py>(py: Python<'py>, network: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let plan = with_network(py, network, |n| suanli_network::plan::plan(&n.input, &n.settings))?;
    let out = PyDict::new(py);
    out.set_item("plan", json_to_py(py, &to_json(py, &plan)?)?)?;
    let dispatch = PyDict::new(py);
    for site in &plan.sites {
        dispatch.set_item(&site.name, series(py, &site.dispatch.columns())?)?;
    }
    out.set_item("dispatch", dispatch)?;
    Ok(out)
}

/// Move bits or move watts (`suanli network compare`): the network planned as each design
/// (bits, watts, optimum), each with its plan as a dict or why it has none.
#[pyfunction]
fn network_compare<'py>(py: Python<'py>, network: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let results = with_network(py, network, |n| {
        suanli_network::compare::compare(&n.input, &n.zones, &n.settings, |_| {})
    })?;
    json_to_py(py, &to_json(py, &results)?)
}

/// A sweep manifest read and checked, with its base site (path, parsed TOML).
fn load_sweep(py: Python<'_>, manifest: &str) -> PyResult<(suanli_sweep::Manifest, PathBuf, toml::Table)> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| {
            let name = path.display().to_string();
            errors::input_error(py, &format!("failed to read {name}: {e}"), Some(&name), None, None, None)
        })
    };
    let m = suanli_sweep::parse_manifest(manifest, &read(Path::new(manifest))?)
        .map_err(|e| located_input_error(py, &e))?;
    let base_path = Path::new(manifest).parent().unwrap_or(Path::new(".")).join(&m.base);
    let base: toml::Table = read(&base_path)?.parse().map_err(|e: toml::de::Error| {
        let name = base_path.display().to_string();
        errors::input_error(
            py,
            &format!("failed to read the base file: {}", e.message().trim()),
            Some(&name),
            None,
            None,
            None,
        )
    })?;
    Ok((m, base_path, base))
}

/// A sweep manifest's name, number of cases and chunks, after checking that every value
/// it gives reads.
#[pyfunction]
fn sweep_info<'py>(py: Python<'py>, manifest: &str) -> PyResult<Bound<'py, PyDict>> {
    let (m, base_path, base) = load_sweep(py, manifest)?;
    let dir = base_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let base_name = base_path.display().to_string();
    let (name, cases, chunks, chunk_cases) =
        (m.name.clone(), suanli_sweep::case_count(&m), suanli_sweep::chunk_count(&m), m.chunk_cases);
    let checked =
        compute(py, move || suanli_sweep::check_manifest(&m, &base_name, &base, &mut profile_loader(dir)))?;
    checked.map_err(|e| errors::input_error(py, &e, Some(manifest), None, None, None))?;
    let out = PyDict::new(py);
    out.set_item("name", name)?;
    out.set_item("cases", cases)?;
    out.set_item("chunks", chunks)?;
    out.set_item("chunk_cases", chunk_cases)?;
    Ok(out)
}

/// Plans chunk `chunk` of a sweep and writes `out/part-NNNNN.parquet` atomically (a
/// temporary file renamed into place: a retried chunk replaces it whole). Returns the
/// chunk, its cases, how many failed and the path.
#[pyfunction]
fn sweep_chunk<'py>(
    py: Python<'py>,
    manifest: &str,
    chunk: usize,
    out: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let (m, base_path, base) = load_sweep(py, manifest)?;
    if chunk >= suanli_sweep::chunk_count(&m) {
        return Err(errors::input_error(
            py,
            &format!("chunk {chunk} is past the last ({})", suanli_sweep::chunk_count(&m)),
            Some(manifest),
            None,
            None,
            None,
        ));
    }
    let dir = base_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let base_name = base_path.display().to_string();
    let path = Path::new(out).join(format!("part-{chunk:05}.parquet"));
    let cases = suanli_sweep::chunk_range(&m, chunk).len();
    let out = out.to_string();
    let shown = path.display().to_string();
    let written = compute(py, move || {
        let (bytes, failed) =
            suanli_sweep::run_chunk(&m, &base_name, &base, chunk, &mut profile_loader(dir), &|| {})?;
        // Hidden (a leading dot), so that readers of the directory skip it if a killed
        // worker leaves it behind; unique per process and thread.
        let thread = format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
        let tmp =
            Path::new(&out).join(format!(".part-{chunk:05}.parquet.{}.{thread}.tmp", std::process::id()));
        std::fs::write(&tmp, &bytes).and_then(|_| std::fs::rename(&tmp, &path)).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("failed to write {}: {e}", path.display())
        })?;
        Ok::<_, String>(failed)
    })?;
    let failed = written.map_err(|e| suanli_error(py, &e))?;
    let result = PyDict::new(py);
    result.set_item("chunk", chunk)?;
    result.set_item("cases", cases)?;
    result.set_item("failed", failed)?;
    result.set_item("path", shown)?;
    Ok(result)
}

/// The attribution every result built on the built-in data carries.
#[pyfunction]
fn attribution() -> &'static str {
    suanli_report::race::ATTRIBUTION
}

#[pymodule]
fn _suanli(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(race, m)?)?;
    m.add_function(wrap_pyfunction!(mc, m)?)?;
    m.add_function(wrap_pyfunction!(claims, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(hindcast, m)?)?;
    m.add_function(wrap_pyfunction!(projections, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(demand, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_list, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_show, m)?)?;
    m.add_function(wrap_pyfunction!(site_plan, m)?)?;
    m.add_function(wrap_pyfunction!(network_plan, m)?)?;
    m.add_function(wrap_pyfunction!(network_compare, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_info, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_chunk, m)?)?;
    m.add_function(wrap_pyfunction!(attribution, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
