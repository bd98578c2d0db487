//! Uniform numbers of a draw, from the seed and the draw's index alone.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// SplitMix64 finaliser: spreads consecutive integers over all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fills `u` with the uniforms in (0, 1) of draw `index` of stream `seed`. The same
/// `(seed, stream, index)` always gives the same numbers, on any thread. `stream` separates
/// independent uses of one seed (Saltelli's matrices A and B).
pub fn uniforms(seed: u64, stream: u64, index: u64, u: &mut [f64]) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(seed ^ mix(stream ^ mix(index))));
    for x in u.iter_mut() {
        // 53 random bits, centred in their cell: never 0 or 1.
        *x = ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_reproducible_uniform_and_distinct() {
        let (mut a, mut b) = ([0.0; 4], [0.0; 4]);
        uniforms(7, 0, 3, &mut a);
        uniforms(7, 0, 3, &mut b);
        assert_eq!(a, b);
        uniforms(7, 0, 4, &mut b);
        assert_ne!(a, b);
        uniforms(7, 1, 3, &mut b);
        assert_ne!(a, b);
        let mut u = vec![0.0; 100_000];
        uniforms(1, 0, 0, &mut u);
        let mean = u.iter().sum::<f64>() / u.len() as f64;
        assert!((mean - 0.5).abs() < 0.005 && u.iter().all(|x| *x > 0.0 && *x < 1.0));
    }
}
