//! Levers for "what would have to be true": a scenario with one input changed, and the
//! bisection that finds the value of a lever at which a claim starts to hold.

use suanli_scenario::model::NationInput;

/// The scenario with region `r`'s generation growing at `g` per year after its data ends.
pub fn with_generation_growth(input: &NationInput, r: usize, g: f64) -> NationInput {
    let mut x = input.clone();
    x.regions[r].generation_growth_per_year.iter_mut().for_each(|v| *v = g);
    x
}

/// The scenario with everything region `r` can buy scaled by `m` after the calibration
/// year: accelerator budget, import caps, production caps of its own lines, and grid
/// connections per year.
pub fn with_buying_power(input: &NationInput, r: usize, m: f64) -> NationInput {
    let mut x = input.clone();
    let start = (x.calibration_year - x.first_year + 1) as usize;
    let region = &mut x.regions[r];
    for v in [&mut region.capex_usd_bn, &mut region.interconnect_gw_per_year] {
        v[start..].iter_mut().for_each(|v| *v *= m);
    }
    for caps in &mut region.import_cap_chips {
        caps[start..].iter_mut().for_each(|v| *v *= m);
    }
    scale_own_lines(&mut x, r, m, start);
    x
}

/// The scenario with region `r`'s domestic chip production scaled by `m` after the
/// calibration year.
pub fn with_domestic_supply(input: &NationInput, r: usize, m: f64) -> NationInput {
    let mut x = input.clone();
    let start = (x.calibration_year - x.first_year + 1) as usize;
    scale_own_lines(&mut x, r, m, start);
    x
}

fn scale_own_lines(x: &mut NationInput, r: usize, m: f64, start: usize) {
    for line in x.lines.iter_mut().filter(|l| l.origin == Some(r)) {
        line.production_cap_chips[start..].iter_mut().for_each(|v| *v *= m);
    }
}

/// Root of an increasing function on `[lo, hi]` by bisection, if it changes sign there.
pub fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> Option<f64> {
    let (flo, fhi) = (f(lo), f(hi));
    if flo.is_nan() || fhi.is_nan() || flo > 0.0 || fhi < 0.0 {
        return None;
    }
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Root of an increasing function of a multiplier in `[0.01, 1000]`, bisecting its logarithm.
pub fn bisect_log(f: impl Fn(f64) -> f64) -> Option<f64> {
    bisect(0.01f64.ln(), 1000f64.ln(), |x| f(x.exp())).map(f64::exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_roots_and_refuses_without_a_sign_change() {
        let r = bisect(0.0, 10.0, |x| x * x - 2.0).unwrap();
        assert!((r - 2f64.sqrt()).abs() < 1e-9);
        assert!(bisect(0.0, 1.0, |x| x + 1.0).is_none());
        let m = bisect_log(|m| m - 37.0).unwrap();
        assert!((m - 37.0).abs() < 1e-6);
    }
}
