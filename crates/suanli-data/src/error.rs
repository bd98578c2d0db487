//! Errors from reading data files.

use std::fmt;

/// A problem in a data file, located by line and column where the file has them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct DataError {
    /// Name of the file or table, as the user knows it.
    pub file: String,
    /// 1-based line number, when known.
    pub line: Option<u64>,
    /// 1-based column (character) number, when known.
    pub column: Option<u64>,
    /// What was wrong, as a lowercase fragment.
    pub message: String,
    /// What to do about it, if anything useful can be said.
    pub hint: Option<String>,
}

impl DataError {
    /// An error about the file as a whole.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        DataError { file: file.into(), line: None, column: None, message: message.into(), hint: None }
    }

    /// An error at a line and column.
    pub fn at(file: &str, line: u64, column: u64, message: impl Into<String>) -> Self {
        DataError {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Reads CSV text with a header into records, turning parse errors into [`DataError`]s.
pub(crate) fn csv_records(
    file: &str,
    text: &str,
) -> Result<(csv::StringRecord, Vec<csv::StringRecord>), DataError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
    let mut records = Vec::new();
    for rec in reader.records() {
        records.push(rec.map_err(|e| csv_error(file, &e))?);
    }
    Ok((header, records))
}

fn csv_error(file: &str, e: &csv::Error) -> DataError {
    match e.position() {
        Some(p) => DataError::at(file, p.line(), 1, format!("malformed CSV record: {e}")),
        None => DataError::file(file, format!("malformed CSV: {e}")),
    }
}

/// 1-based character column of field `index` in a record (exact for unquoted fields).
pub(crate) fn field_column(rec: &csv::StringRecord, index: usize) -> u64 {
    1 + rec.iter().take(index).map(|f| f.chars().count() as u64 + 1).sum::<u64>()
}

/// Line number of a record.
pub(crate) fn record_line(rec: &csv::StringRecord) -> u64 {
    rec.position().map_or(0, |p| p.line())
}

/// Parses a finite, non-negative number from a CSV field, or says where it is not one.
pub(crate) fn parse_non_negative(
    file: &str,
    rec: &csv::StringRecord,
    index: usize,
    name: &str,
) -> Result<f64, DataError> {
    let raw = rec.get(index).unwrap_or("").trim();
    let value: f64 = raw.parse().map_err(|_| {
        DataError::at(
            file,
            record_line(rec),
            field_column(rec, index),
            format!("expected a number for `{name}`, found `{raw}`"),
        )
    })?;
    if !value.is_finite() || value < 0.0 {
        return Err(DataError::at(
            file,
            record_line(rec),
            field_column(rec, index),
            format!("expected a finite non-negative number for `{name}`, found `{raw}`"),
        ));
    }
    Ok(value)
}
