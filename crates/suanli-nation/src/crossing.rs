//! Crossing years: when one region's effective compute passes another's for good.

use serde::Serialize;

use crate::outcome::Outcome;

/// Region `leader` passes `follower` in `year` and stays ahead to the end of the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crossing {
    /// Region that passes.
    pub leader: String,
    /// Region that is passed.
    pub follower: String,
    /// First year from which the leader stays strictly ahead.
    pub year: i32,
}

/// Crossings of effective compute between every pair of regions (World excluded) within
/// `from..=to`: pairs where the leader is not ahead in `from` but is ahead from some year on.
pub fn crossings(out: &Outcome, from: i32, to: i32) -> Vec<Crossing> {
    let metric = &out.effective_flops;
    let mut found = Vec::new();
    for a in 0..out.world() {
        for b in 0..out.world() {
            if a == b || from >= to {
                continue;
            }
            let ahead = |y: i32| metric[out.at(a, y)] > metric[out.at(b, y)];
            if ahead(from) || !ahead(to) {
                continue;
            }
            let year = (from..=to).rev().take_while(|&y| ahead(y)).last().unwrap_or(to);
            found.push(Crossing { leader: out.regions[a].clone(), follower: out.regions[b].clone(), year });
        }
    }
    found.sort_by(|x, y| {
        x.year.cmp(&y.year).then_with(|| x.leader.cmp(&y.leader)).then_with(|| x.follower.cmp(&y.follower))
    });
    found
}

/// The first year in `from..=to` from which `a`'s `metric` stays above `factor` times
/// `b`'s (where `b` may be a sum of regions given as a closure).
pub fn stays_above(
    from: i32,
    to: i32,
    factor: f64,
    a: impl Fn(i32) -> f64,
    b: impl Fn(i32) -> f64,
) -> Option<i32> {
    let ahead = |y: i32| a(y) > factor * b(y);
    if !ahead(to) {
        return None;
    }
    (from..=to).rev().take_while(|&y| ahead(y)).last()
}
