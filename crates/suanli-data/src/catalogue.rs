//! The accelerator catalogue: dense 16-bit FLOP/s, TDP and price of AI accelerators, derived
//! from Epoch AI's "Data on Machine Learning Hardware" with cited gap fills.

use crate::error::{csv_records, field_column, record_line, DataError};

/// One accelerator type.
#[derive(Debug, Clone, PartialEq)]
pub struct Accelerator {
    /// Name as in the Epoch AI data, e.g. `NVIDIA H100 SXM5 80GB`.
    pub name: String,
    /// Vendor, e.g. `NVIDIA`.
    pub vendor: String,
    /// Region id of the designer's home (export-control origin), e.g. `united_states`.
    pub origin: String,
    /// Release date `YYYY-MM-DD`, empty when unknown.
    pub release_date: String,
    /// Dense (non-sparse) 16-bit tensor FLOP/s; plain FP16 where the tensor figure is absent.
    pub flops_16bit: f64,
    /// Thermal design power, W, when known.
    pub tdp_w: Option<f64>,
    /// Release price, USD, when known.
    pub price_usd: Option<f64>,
    /// Sources of values filled in where the Epoch data has none (empty: none filled).
    pub filled: String,
}

/// Dense 16-bit FLOP/s of one NVIDIA H100 SXM5, the unit of "H100-equivalents"
/// (Epoch AI hardware data: 989.4 TFLOP/s BF16 dense).
pub const H100_FLOPS_16BIT: f64 = 989.4e12;

/// Parses the catalogue CSV.
pub fn read_catalogue(file: &str, text: &str) -> Result<Vec<Accelerator>, DataError> {
    let (_, records) = csv_records(file, text)?;
    let opt = |rec: &csv::StringRecord, i: usize| -> Result<Option<f64>, DataError> {
        let raw = rec.get(i).unwrap_or("").trim();
        if raw.is_empty() {
            return Ok(None);
        }
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Ok(Some(v)),
            _ => Err(DataError::at(
                file,
                record_line(rec),
                field_column(rec, i),
                format!("expected a positive number, found `{raw}`"),
            )),
        }
    };
    records
        .iter()
        .map(|rec| {
            Ok(Accelerator {
                name: rec.get(0).unwrap_or("").to_string(),
                vendor: rec.get(1).unwrap_or("").to_string(),
                origin: rec.get(2).unwrap_or("").to_string(),
                release_date: rec.get(3).unwrap_or("").to_string(),
                flops_16bit: opt(rec, 4)?.ok_or_else(|| {
                    DataError::at(file, record_line(rec), field_column(rec, 4), "missing 16-bit FLOP/s")
                })?,
                tdp_w: opt(rec, 5)?,
                price_usd: opt(rec, 6)?,
                filled: rec.get(7).unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// The built-in catalogue.
pub fn builtin_catalogue() -> Vec<Accelerator> {
    read_catalogue("built-in accelerators.csv", include_str!("../data/accelerators.csv"))
        .expect("built-in catalogue is valid (checked by a test)")
}

/// Finds an accelerator by exact name, or else by case-insensitive substring when that is
/// unambiguous.
pub fn find_accelerator<'a>(catalogue: &'a [Accelerator], name: &str) -> Option<&'a Accelerator> {
    if let Some(a) = catalogue.iter().find(|a| a.name == name) {
        return Some(a);
    }
    let lower = name.to_lowercase();
    let mut hits = catalogue.iter().filter(|a| a.name.to_lowercase().contains(&lower));
    match (hits.next(), hits.next()) {
        (Some(a), None) => Some(a),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_key_parts() {
        let c = builtin_catalogue();
        let h100 = find_accelerator(&c, "NVIDIA H100 SXM5 80GB").unwrap();
        assert_eq!(h100.flops_16bit, H100_FLOPS_16BIT);
        assert_eq!(h100.tdp_w, Some(700.0));
        for name in ["Huawei Ascend 910B", "Huawei Ascend 910C", "Cambricon MLU370-X8", "Shensuan-1"] {
            let a = find_accelerator(&c, name).unwrap();
            assert_eq!(a.origin, "china", "{name}");
            assert!(a.tdp_w.is_some(), "{name} has a TDP");
        }
        assert!(c.iter().filter(|a| !a.filled.is_empty()).count() >= 5);
    }
}
