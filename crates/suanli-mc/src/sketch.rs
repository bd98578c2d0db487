//! A mergeable quantile sketch with bounded relative error, for percentiles over a
//! million draws in constant memory.
//!
//! Values are counted in buckets whose edges are the floating-point numbers with the low
//! 45 mantissa bits cleared: 128 buckets per power of two, each 2^-7 (0.78 %) wide, so a
//! reported quantile (the bucket's midpoint) is within 0.4 % of the exact sample quantile.
//! Counts are integers, so merging sketches in any order gives identical results: the
//! basis of thread-count-independent output. (The same idea as DDSketch, Masson et al.,
//! VLDB 2019, with buckets read off the float's bits instead of a logarithm.)

/// Mantissa bits kept in a bucket key.
const KEPT_MANTISSA_BITS: u32 = 7;
const SHIFT: u32 = 52 - KEPT_MANTISSA_BITS;

/// Relative accuracy of a quantile: half a bucket width.
pub const RELATIVE_ACCURACY: f64 = 1.0 / (1u64 << (KEPT_MANTISSA_BITS + 1)) as f64;

/// Counts of non-negative values in log-spaced buckets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sketch {
    /// Values that are zero (or not positive).
    zeros: u64,
    /// Key of `counts[0]`.
    lo: u64,
    counts: Vec<u32>,
}

impl Sketch {
    /// Counts one value. Values at or below zero (and NaN) count as zero.
    #[inline]
    pub fn add(&mut self, x: f64) {
        // One comparison catches zero, negatives and NaN.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !(x > 0.0) {
            self.zeros += 1;
            return;
        }
        let key = x.to_bits() >> SHIFT;
        // A key below `lo` wraps to a huge index and takes the slow path with those above.
        match self.counts.get_mut(key.wrapping_sub(self.lo) as usize) {
            Some(count) => *count += 1,
            None => self.add_outside(key),
        }
    }

    /// Counts a positive value's `key` that falls outside the buckets held so far.
    #[cold]
    fn add_outside(&mut self, key: u64) {
        if self.counts.is_empty() {
            self.lo = key;
            self.counts.push(1);
            return;
        }
        if key < self.lo {
            let grow = (self.lo - key) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.lo = key;
        } else {
            self.counts.resize((key - self.lo + 1) as usize, 0);
        }
        self.counts[(key - self.lo) as usize] += 1;
    }

    /// Number of values counted.
    pub fn len(&self) -> u64 {
        self.zeros + self.counts.iter().map(|&c| u64::from(c)).sum::<u64>()
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds another sketch's counts.
    pub fn merge(&mut self, other: &Sketch) {
        self.zeros += other.zeros;
        for (k, &c) in other.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let key = other.lo + k as u64;
            // Grow through `add`'s logic, then correct the count.
            self.add(f64::from_bits(key << SHIFT));
            self.counts[(key - self.lo) as usize] += c - 1;
        }
    }

    /// The `q` quantile (0..=1): the value of rank `round(q * (n - 1))` in sorted order,
    /// within [`RELATIVE_ACCURACY`]. `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * (n - 1) as f64).round() as u64;
        if rank < self.zeros {
            return Some(0.0);
        }
        let mut seen = self.zeros;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen > rank {
                let key = self.lo + k as u64;
                let (lower, upper) = (f64::from_bits(key << SHIFT), f64::from_bits((key + 1) << SHIFT));
                return Some((lower + upper) / 2.0);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exact(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).round() as usize]
    }

    proptest! {
        #[test]
        fn quantiles_are_within_the_stated_accuracy_and_merging_is_order_free(
            xs in proptest::collection::vec(prop_oneof![Just(0.0), 1e-3f64..1e22], 1..400),
            split in 0usize..400,
        ) {
            let mut one = Sketch::default();
            xs.iter().for_each(|&x| one.add(x));
            let split = split.min(xs.len());
            let (mut a, mut b) = (Sketch::default(), Sketch::default());
            xs[..split].iter().for_each(|&x| a.add(x));
            xs[split..].iter().for_each(|&x| b.add(x));
            let mut ab = a.clone();
            ab.merge(&b);
            let mut ba = b.clone();
            ba.merge(&a);
            prop_assert_eq!(&ab, &ba);
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
                let (got, want) = (one.quantile(q).unwrap(), exact(&sorted, q));
                prop_assert!((got - want).abs() <= want * RELATIVE_ACCURACY * 1.0001, "q {q}: {got} vs {want}");
                prop_assert_eq!(ab.quantile(q), one.quantile(q));
            }
        }
    }
}
