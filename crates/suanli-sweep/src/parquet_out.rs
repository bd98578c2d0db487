//! A chunk of case results as one Parquet file: a case's inputs and outputs in one row.
//! Every chunk of a manifest has the same columns, so the parts read as one table
//! (`pandas.read_parquet(dir)`, `polars.scan_parquet`, DuckDB `read_parquet('dir/*.parquet')`).
//!
//! Written with the `parquet` crate's column writers rather than through Arrow: the rows are
//! a few dozen numbers, and the Arrow crates would add minutes to a clean build.

use std::sync::Arc;

use parquet::basic::{ConvertedType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::{output_columns, CaseResult, Manifest, Outcome};

/// A column's values, `None` where the row has none.
enum Column {
    Int(Vec<i64>),
    Double(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<String>>),
}

/// The parameter columns of a manifest, in order: the axes, then keys of listed cases.
fn param_paths(m: &Manifest) -> Vec<String> {
    let mut paths: Vec<String> = m.axes.iter().map(|(p, _)| p.clone()).collect();
    for case in &m.listed {
        for (p, _) in case {
            if !paths.contains(p) {
                paths.push(p.clone());
            }
        }
    }
    paths
}

/// All values the manifest gives `path`.
fn values_of<'a>(m: &'a Manifest, path: &'a str) -> impl Iterator<Item = &'a toml::Value> + 'a {
    let axis = m.axes.iter().filter(move |(p, _)| p == path).flat_map(|(_, v)| v.iter());
    let listed = m.listed.iter().flat_map(move |c| c.iter().filter(move |(p, _)| p == path).map(|(_, v)| v));
    axis.chain(listed)
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The Parquet bytes of a chunk's results (rows in case order).
pub fn chunk_parquet(m: &Manifest, results: &[CaseResult]) -> Result<Vec<u8>, String> {
    let mut columns: Vec<(String, Column)> = Vec::new();
    columns.push(("case".into(), Column::Int(results.iter().map(|r| r.case.id as i64).collect())));
    for path in param_paths(m) {
        let value = |r: &CaseResult| r.case.params.iter().find(|(p, _)| *p == path).map(|(_, v)| v.clone());
        let column = if values_of(m, &path).all(|v| number(v).is_some()) {
            Column::Double(results.iter().map(|r| value(r).as_ref().and_then(number)).collect())
        } else if values_of(m, &path).all(|v| v.is_bool()) {
            Column::Bool(results.iter().map(|r| value(r).and_then(|v| v.as_bool())).collect())
        } else {
            let text = |v: toml::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
            Column::Text(results.iter().map(|r| value(r).map(text)).collect())
        };
        columns.push((path, column));
    }
    if m.locations.is_some() {
        for (k, name) in ["lat", "solar_cf", "wind_cf"].into_iter().enumerate() {
            columns.push((
                name.into(),
                Column::Double(results.iter().map(|r| r.case.location.map(|l| l[k])).collect()),
            ));
        }
    }
    let done = |r: &CaseResult| match &r.outcome {
        Outcome::Done(values) => Some(values.clone()),
        Outcome::Failed { .. } => None,
    };
    let rows: Vec<Option<Vec<f64>>> = results.iter().map(done).collect();
    for (k, name) in output_columns(m).into_iter().enumerate() {
        columns.push((name, Column::Double(rows.iter().map(|o| o.as_ref().map(|o| o[k])).collect())));
    }
    let (status, message): (Vec<_>, Vec<_>) = results
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Done(_) => (Some("ok".to_string()), None),
            Outcome::Failed { status, message } => (Some(status.to_string()), Some(message.clone())),
        })
        .unzip();
    columns.push(("status".into(), Column::Text(status)));
    columns.push(("message".into(), Column::Text(message)));
    write(&m.name, &columns).map_err(|e| format!("failed to write Parquet: {e}"))
}

fn write(name: &str, columns: &[(String, Column)]) -> Result<Vec<u8>, parquet::errors::ParquetError> {
    let fields = columns
        .iter()
        .map(|(name, c)| {
            let (physical, repetition) = match c {
                Column::Int(_) => (Physical::INT64, Repetition::REQUIRED),
                Column::Double(_) => (Physical::DOUBLE, Repetition::OPTIONAL),
                Column::Bool(_) => (Physical::BOOLEAN, Repetition::OPTIONAL),
                Column::Text(_) => (Physical::BYTE_ARRAY, Repetition::OPTIONAL),
            };
            let mut b = Type::primitive_type_builder(name, physical).with_repetition(repetition);
            if matches!(c, Column::Text(_)) {
                b = b.with_converted_type(ConvertedType::UTF8);
            }
            b.build().map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Arc::new(
        Type::group_type_builder(&name.replace(|c: char| !c.is_alphanumeric(), "_"))
            .with_fields(fields)
            .build()?,
    );
    let mut buf = Vec::new();
    let mut writer =
        SerializedFileWriter::new(&mut buf, schema, Arc::new(WriterProperties::builder().build()))?;
    let mut group = writer.next_row_group()?;
    let mut index = 0;
    while let Some(mut col) = group.next_column()? {
        // Definition levels: 1 where an optional value is present, 0 where it is null.
        fn levels<T>(v: &[Option<T>]) -> Vec<i16> {
            v.iter().map(|x| i16::from(x.is_some())).collect()
        }
        match &columns[index].1 {
            Column::Int(v) => {
                col.typed::<Int64Type>().write_batch(v, None, None)?;
            }
            Column::Double(v) => {
                let present: Vec<f64> = v.iter().flatten().copied().collect();
                col.typed::<DoubleType>().write_batch(&present, Some(&levels(v)), None)?;
            }
            Column::Bool(v) => {
                let present: Vec<bool> = v.iter().flatten().copied().collect();
                col.typed::<BoolType>().write_batch(&present, Some(&levels(v)), None)?;
            }
            Column::Text(v) => {
                let present: Vec<ByteArray> =
                    v.iter().flatten().map(|s| ByteArray::from(s.as_str())).collect();
                col.typed::<ByteArrayType>().write_batch(&present, Some(&levels(v)), None)?;
            }
        }
        col.close()?;
        index += 1;
    }
    group.close()?;
    writer.close()?;
    Ok(buf)
}
