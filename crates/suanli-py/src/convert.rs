//! Between Python and Rust values: results as whole NumPy columns (pandas builds its frame
//! from them without touching a Python object per cell), and Python dicts as the TOML text
//! the file parsers read.

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

/// Rows (JSON objects with the same keys, as the CLI writes them) as columns: numbers as
/// `float64` arrays (null as NaN), integers as `int64`, booleans as `bool`, anything else
/// as a list.
pub fn columns<'py>(py: Python<'py>, rows: &[Value]) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let Some(Value::Object(first)) = rows.first() else {
        return Ok(out);
    };
    for key in first.keys() {
        let cells: Vec<&Value> = rows.iter().map(|r| r.get(key).unwrap_or(&Value::Null)).collect();
        if cells.iter().all(|v| v.is_i64()) {
            let v: Vec<i64> = cells.iter().filter_map(|v| v.as_i64()).collect();
            out.set_item(key, v.into_pyarray(py))?;
        } else if cells.iter().all(|v| v.is_number() || v.is_null()) {
            let v: Vec<f64> = cells.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect();
            out.set_item(key, v.into_pyarray(py))?;
        } else if cells.iter().all(|v| v.is_boolean()) {
            let v: Vec<bool> = cells.iter().filter_map(|v| v.as_bool()).collect();
            out.set_item(key, v.into_pyarray(py))?;
        } else {
            let list = PyList::empty(py);
            for v in cells {
                list.append(json_to_py(py, v)?)?;
            }
            out.set_item(key, list)?;
        }
    }
    Ok(out)
}

/// Named `f64` series as NumPy columns.
pub fn series<'py>(py: Python<'py>, named: &[(&str, &[f64])]) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for (name, values) in named {
        out.set_item(name, values.to_vec().into_pyarray(py))?;
    }
    Ok(out)
}

/// A JSON value as plain Python objects.
pub fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(json_to_py(py, x)?)?;
            }
            list.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// A Python dict in the shape of a TOML file (tables as dicts, arrays as lists) as TOML text.
pub fn dict_to_toml(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match to_toml(obj, "")? {
        toml::Value::Table(t) => toml::to_string(&t).map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("cannot write the dict as TOML: {e}"))
        }),
        _ => Err(pyo3::exceptions::PyTypeError::new_err("expected a dict")),
    }
}

fn to_toml(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<toml::Value> {
    let bad = |what: &str| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "{}: {what} cannot be written in a TOML file",
            if path.is_empty() { "the dict" } else { path }
        ))
    };
    // bool before int: Python's bool is an int.
    if obj.is_instance_of::<PyBool>() {
        Ok(toml::Value::Boolean(obj.extract()?))
    } else if obj.is_instance_of::<PyInt>() {
        Ok(toml::Value::Integer(obj.extract()?))
    } else if obj.is_instance_of::<PyFloat>() {
        Ok(toml::Value::Float(obj.extract()?))
    } else if obj.is_instance_of::<PyString>() {
        Ok(toml::Value::String(obj.extract()?))
    } else if let Ok(d) = obj.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, v) in d.iter() {
            let key: String = k.extract().map_err(|_| bad("a key that is not a string"))?;
            let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            t.insert(key, to_toml(&v, &at)?);
        }
        Ok(toml::Value::Table(t))
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items: Vec<Bound<'_, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
        let values = items
            .iter()
            .enumerate()
            .map(|(i, x)| to_toml(x, &format!("{path}[{i}]")))
            .collect::<PyResult<_>>()?;
        Ok(toml::Value::Array(values))
    } else {
        Err(bad(&format!("a {}", obj.get_type().name()?)))
    }
}

/// Where line `line` (1-based) of TOML text written from a dict sits in that dict, as a
/// key path (`regions.china.pue`), for errors about a dict.
pub fn key_path(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?.trim();
    if let Some(header) = here.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return Some(header.trim_matches(['[', ']']).to_string());
    }
    let table = lines[..line.saturating_sub(1)]
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']')))
        .map(|t| t.trim_matches(['[', ']']).to_string());
    let key = here.split('=').next().map(str::trim).filter(|k| !k.is_empty());
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (None, Some(k)) => Some(k.to_string()),
        (table, None) => table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_follow_tables() {
        let text = "name = \"x\"\n\n[regions.china]\npue = 9\n";
        assert_eq!(key_path(text, 1).as_deref(), Some("name"));
        assert_eq!(key_path(text, 4).as_deref(), Some("regions.china.pue"));
        assert_eq!(key_path(text, 3).as_deref(), Some("regions.china"));
    }
}
