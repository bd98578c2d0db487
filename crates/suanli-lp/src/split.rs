//! Factorising and solving with a simplicial LDL' on two cores.
//!
//! Columns of L in two disjoint subtrees of the elimination tree never update each other:
//! a column only updates its ancestors, and row k of L only involves the subtree under k.
//! So the tree is cut into two halves of about equal work and a small top (the ancestors
//! of both); with the halves ordered first, each half's rows of the factorisation and
//! each half's forward solve run on their own core (their updates to the top gathered
//! apart and added after), the top is done alone, and the backward solve runs the other
//! way. Any order in which every column comes before its parent gives the same factor,
//! so the reordering costs no fill. faer's simplicial factorisation and solve are
//! sequential, and its parallel supernodal ones do not pay on factors this sparse
//! (`ldl.rs`), hence this file.

use std::collections::BinaryHeap;

/// Where the parts of a split order lie: columns `..first` are one half, `first..top`
/// the other, `top..` the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Halves {
    pub first: usize,
    pub top: usize,
}

/// Largest share of the work left in the top for a split to be worth it.
const TOP_SHARE_MAX: f64 = 0.1;
/// Largest difference between the halves' work, as a share of the whole.
const IMBALANCE_MAX: f64 = 0.1;

/// A split of the elimination tree of the simplicial factor with pattern `col_ptr`/
/// `row_idx` (diagonal first in each column): the new place of each column and where the
/// parts lie, or `None` when no split leaves the halves balanced and the top small.
pub(crate) fn split_order(col_ptr: &[usize], row_idx: &[usize]) -> Option<(Vec<usize>, Halves)> {
    let n = col_ptr.len() - 1;
    let parent = parents(col_ptr, row_idx);
    // Work of a column: its entries (one multiply-add each way); of a subtree: the sum.
    let mut subtree: Vec<usize> = (0..n).map(|j| col_ptr[j + 1] - col_ptr[j]).collect();
    let mut children = vec![Vec::new(); n];
    let mut candidates = BinaryHeap::new();
    for j in 0..n {
        match parent[j] {
            usize::MAX => candidates.push((subtree[j], j)),
            p => {
                subtree[p] += subtree[j];
                children[p].push(j);
            }
        }
    }
    let total: usize = candidates.iter().map(|&(w, _)| w).sum();
    // Part of each column: 0 or 1 (a half) or 2 (the top). Open the heaviest subtree
    // (its root joins the top) until the subtrees left share out evenly.
    let mut part = vec![u8::MAX; n];
    let (mut top_work, mut open_work) = (0, total);
    let slack = (IMBALANCE_MAX * total as f64) as usize;
    loop {
        // No even share while one subtree outweighs the others together.
        let &(heaviest, j) = candidates.peek()?;
        if 2 * heaviest <= open_work + slack {
            let mut bins = [0usize; 2];
            let assigned: Vec<(usize, u8)> = candidates
                .clone()
                .into_sorted_vec()
                .iter()
                .rev()
                .map(|&(w, j)| {
                    let bin = usize::from(bins[1] < bins[0]);
                    bins[bin] += w;
                    (j, bin as u8)
                })
                .collect();
            if bins[0].abs_diff(bins[1]) <= slack {
                assigned.iter().for_each(|&(j, bin)| part[j] = bin);
                break;
            }
        }
        candidates.pop();
        part[j] = 2;
        let own = col_ptr[j + 1] - col_ptr[j];
        (top_work, open_work) = (top_work + own, open_work - own);
        if top_work as f64 > TOP_SHARE_MAX * total as f64 {
            return None;
        }
        candidates.extend(children[j].iter().map(|&c| (subtree[c], c)));
    }
    // Columns below a subtree's root take its part (parents come after their children).
    for j in (0..n).rev() {
        if part[j] == u8::MAX {
            part[j] = part[parent[j]];
        }
    }
    let mut place = vec![0; n];
    let mut next = 0;
    let mut ends = [0; 3];
    for (which, end) in ends.iter_mut().enumerate() {
        for j in (0..n).filter(|&j| usize::from(part[j]) == which) {
            place[j] = next;
            next += 1;
        }
        *end = next;
    }
    Some((place, Halves { first: ends[0], top: ends[1] }))
}

/// Solves `L D L' x = b` in place with a simplicial factor (by column, diagonal first and
/// holding D, unit L below) whose columns are in a split order ([`split_order`]);
/// `gathered` holds two vectors of the top's length.
pub(crate) fn solve_split(
    (col_ptr, row_idx, values): (&[usize], &[usize], &[f64]),
    halves: Halves,
    x: &mut [f64],
    gathered: &mut [Vec<f64>; 2],
) {
    let factor = (col_ptr, row_idx, values);
    let (first, top) = (halves.first, halves.top);
    let n = x.len();
    {
        let (x0, rest) = x.split_at_mut(first);
        let (x1, _) = rest.split_at_mut(top - first);
        let [g0, g1] = gathered;
        rayon::join(|| forward_half(factor, 0, x0, top, g0), || forward_half(factor, first, x1, top, g1));
    }
    for (i, x) in x[top..].iter_mut().enumerate() {
        *x += gathered[0][i] + gathered[1][i];
    }
    for j in top..n {
        let xj = x[j];
        for p in col_ptr[j] + 1..col_ptr[j + 1] {
            x[row_idx[p]] -= values[p] * xj;
        }
    }
    for j in (top..n).rev() {
        let mut v = x[j] / values[col_ptr[j]];
        for p in col_ptr[j] + 1..col_ptr[j + 1] {
            v -= values[p] * x[row_idx[p]];
        }
        x[j] = v;
    }
    let (x0, rest) = x.split_at_mut(first);
    let (x1, x_top) = rest.split_at_mut(top - first);
    let x_top = &*x_top;
    rayon::join(|| backward_half(factor, 0, x0, top, x_top), || backward_half(factor, first, x1, top, x_top));
}

/// Forward solve of the half whose columns start at `offset`; its updates to the top
/// (from `top` on) go to `gathered`.
fn forward_half(
    (col_ptr, row_idx, values): (&[usize], &[usize], &[f64]),
    offset: usize,
    x: &mut [f64],
    top: usize,
    gathered: &mut [f64],
) {
    gathered.iter_mut().for_each(|g| *g = 0.0);
    for j in 0..x.len() {
        let xj = x[j];
        if xj == 0.0 {
            continue;
        }
        let column = col_ptr[offset + j] + 1..col_ptr[offset + j + 1];
        for (&i, &l) in row_idx[column.clone()].iter().zip(&values[column]) {
            match i.checked_sub(top) {
                Some(t) => gathered[t] -= l * xj,
                None => x[i - offset] -= l * xj,
            }
        }
    }
}

/// Backward solve (with D) of the half whose columns start at `offset`, the top solved.
fn backward_half(
    (col_ptr, row_idx, values): (&[usize], &[usize], &[f64]),
    offset: usize,
    x: &mut [f64],
    top: usize,
    x_top: &[f64],
) {
    for j in (0..x.len()).rev() {
        let column = col_ptr[offset + j] + 1..col_ptr[offset + j + 1];
        let mut v = x[j] / values[column.start - 1];
        for (&i, &l) in row_idx[column.clone()].iter().zip(&values[column]) {
            v -= l * match i.checked_sub(top) {
                Some(t) => x_top[t],
                None => x[i - offset],
            };
        }
        x[j] = v;
    }
}

/// Vectors the split factorisation works in, kept from one factorisation to the next.
pub(crate) struct FactorWork {
    parent: Vec<usize>,
    next: Vec<usize>,
    x: Vec<f64>,
    visited: Vec<usize>,
    reach: Vec<usize>,
}

impl FactorWork {
    /// Work vectors for the simplicial factor with pattern `col_ptr`/`row_idx`.
    pub(crate) fn new(col_ptr: &[usize], row_idx: &[usize]) -> Self {
        let n = col_ptr.len() - 1;
        FactorWork {
            parent: parents(col_ptr, row_idx),
            next: vec![0; n],
            x: vec![0.0; n],
            visited: vec![usize::MAX; n],
            reach: vec![0; n],
        }
    }
}

/// The elimination tree's parent of each column (`usize::MAX` for a root).
fn parents(col_ptr: &[usize], row_idx: &[usize]) -> Vec<usize> {
    (0..col_ptr.len() - 1)
        .map(|j| row_idx[col_ptr[j] + 1..col_ptr[j + 1]].iter().copied().min().unwrap_or(usize::MAX))
        .collect()
}

/// Pivots: the sign each must have, the magnitude below which it is replaced, and by what
/// (as faer's and QDLDL's dynamic regularisation).
#[derive(Clone, Copy)]
pub(crate) struct Pivots<'a> {
    pub signs: &'a [i8],
    pub epsilon: f64,
    pub delta: f64,
}

/// Numeric LDL' of the symmetric matrix with upper triangle `a` (by column) into `values`,
/// laid out as faer's simplicial factor with pattern `col_ptr`/`row_idx` (diagonal first
/// and holding D, then rows in increasing order), the columns in a split order: the
/// halves' rows on one core each, then the top's. The same up-looking algorithm as
/// faer's (row k of L from a sparse triangular solve over the tree reach of A's column
/// k), so the same values. Returns the column of a zero or non-finite pivot as error.
pub(crate) fn factor_split(
    a: (&[usize], &[usize], &[f64]),
    (col_ptr, row_idx): (&[usize], &[usize]),
    halves: Halves,
    pivots: Pivots,
    values: &mut [f64],
    work: &mut FactorWork,
) -> Result<(), usize> {
    let (first, top) = (halves.first, halves.top);
    let n = col_ptr.len() - 1;
    let l = (col_ptr, row_idx);
    for (j, next) in work.next.iter_mut().enumerate() {
        *next = col_ptr[j] + 1;
    }
    work.visited.iter_mut().for_each(|v| *v = usize::MAX);
    let parent = &work.parent[..];
    {
        let (values0, rest) = values.split_at_mut(col_ptr[first]);
        let (values1, _) = rest.split_at_mut(col_ptr[top] - col_ptr[first]);
        let (next0, rest) = work.next.split_at_mut(first);
        let (next1, _) = rest.split_at_mut(top - first);
        let (x0, rest) = work.x.split_at_mut(first);
        let (x1, _) = rest.split_at_mut(top - first);
        let (visited0, rest) = work.visited.split_at_mut(first);
        let (visited1, _) = rest.split_at_mut(top - first);
        let (reach0, rest) = work.reach.split_at_mut(first);
        let (reach1, _) = rest.split_at_mut(top - first);
        let part0 = Part { base: 0, values: values0, next: next0, x: x0, visited: visited0, reach: reach0 };
        let part1 =
            Part { base: first, values: values1, next: next1, x: x1, visited: visited1, reach: reach1 };
        let (r0, r1) = rayon::join(
            || up_looking(a, l, parent, 0..first, part0, pivots),
            || up_looking(a, l, parent, first..top, part1, pivots),
        );
        r0?;
        r1?;
    }
    let all = Part {
        base: 0,
        values,
        next: &mut work.next,
        x: &mut work.x,
        visited: &mut work.visited,
        reach: &mut work.reach,
    };
    up_looking(a, l, parent, top..n, all, pivots)
}

/// The columns from `base` on that a run of rows works in: L's values (from
/// `col_ptr[base]`), each column's next free slot, the dense row being solved, marks and
/// the reach.
struct Part<'a> {
    base: usize,
    values: &'a mut [f64],
    next: &'a mut [usize],
    x: &'a mut [f64],
    visited: &'a mut [usize],
    reach: &'a mut [usize],
}

/// Rows `rows` of L and their pivots, by the up-looking method.
fn up_looking(
    (a_colptr, a_rowval, a_values): (&[usize], &[usize], &[f64]),
    (col_ptr, row_idx): (&[usize], &[usize]),
    parent: &[usize],
    rows: std::ops::Range<usize>,
    part: Part,
    pivots: Pivots,
) -> Result<(), usize> {
    let Part { base, values, next, x, visited, reach } = part;
    let at = col_ptr[base];
    for k in rows {
        // The reach of column k of A in the tree, below k, in topological order: each
        // path up from an entry placed before the paths found earlier.
        let mut start = reach.len();
        visited[k - base] = k;
        for p in a_colptr[k]..a_colptr[k + 1] {
            let i = a_rowval[p];
            x[i - base] += a_values[p];
            let mut length = 0;
            let mut j = i;
            while j < k && visited[j - base] != k {
                reach[length] = j;
                length += 1;
                visited[j - base] = k;
                j = parent[j];
            }
            while length > 0 {
                length -= 1;
                start -= 1;
                reach[start] = reach[length];
            }
        }
        let mut d = x[k - base];
        x[k - base] = 0.0;
        for &j in &reach[start..] {
            let slot = next[j - base];
            next[j - base] += 1;
            let xj = x[j - base];
            x[j - base] = 0.0;
            let lkj = xj / values[col_ptr[j] - at];
            for p in col_ptr[j] + 1..slot {
                x[row_idx[p] - base] -= values[p - at] * xj;
            }
            d -= lkj * xj;
            values[slot - at] = lkj;
        }
        let sign = pivots.signs[k];
        if sign > 0 && d <= pivots.epsilon {
            d = pivots.delta;
        } else if sign < 0 && d >= -pivots.epsilon {
            d = -pivots.delta;
        }
        if d == 0.0 || !d.is_finite() {
            return Err(k);
        }
        values[col_ptr[k] - at] = d;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// L D L' of a dense symmetric matrix stored by column as a simplicial factor
    /// (structural zeros dropped).
    fn simplicial(a: &[Vec<f64>]) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
        let n = a.len();
        let mut l = vec![vec![0.0; n]; n];
        let mut d = vec![0.0; n];
        for j in 0..n {
            d[j] = a[j][j] - (0..j).map(|k| l[j][k] * l[j][k] * d[k]).sum::<f64>();
            for i in j + 1..n {
                l[i][j] = (a[i][j] - (0..j).map(|k| l[i][k] * l[j][k] * d[k]).sum::<f64>()) / d[j];
            }
        }
        let (mut col_ptr, mut row_idx, mut values) = (vec![0], Vec::new(), Vec::new());
        for j in 0..n {
            row_idx.push(j);
            values.push(d[j]);
            for (i, row) in l.iter().enumerate().skip(j + 1) {
                if row[j].abs() > 1e-300 {
                    row_idx.push(i);
                    values.push(row[j]);
                }
            }
            col_ptr.push(row_idx.len());
        }
        (col_ptr, row_idx, values)
    }

    /// Two chains of 30 unknowns (each coupled to the next) that meet in a top of 3, the
    /// columns interleaved so that a split has to reorder them; and its size.
    fn two_chains() -> (Vec<Vec<f64>>, usize) {
        let (chain, top) = (30, 3);
        let n = 2 * chain + top;
        let index = |c: usize, k: usize| 2 * k + c; // chain c, place k
        let mut a = vec![vec![0.0; n]; n];
        for c in 0..2 {
            for k in 0..chain {
                let i = index(c, k);
                a[i][i] = 4.0 + k as f64 * 0.01;
                let next = if k + 1 < chain { index(c, k + 1) } else { 2 * chain + c };
                a[i][next] = -1.0;
                a[next][i] = -1.0;
            }
        }
        for t in 2 * chain..n {
            a[t][t] = 5.0;
            if t + 1 < n {
                a[t][t + 1] = 1.0;
                a[t + 1][t] = 1.0;
            }
        }
        (a, n)
    }

    #[test]
    fn two_chains_under_a_shared_top_are_solved_in_halves_as_in_one() {
        let (a, n) = two_chains();
        let (col_ptr, row_idx, _) = simplicial(&a);
        let (place, halves) = split_order(&col_ptr, &row_idx).expect("two equal chains split");
        assert!(halves.first > 0 && halves.top > halves.first && halves.top < n);
        let mut permuted = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..n {
                permuted[place[i]][place[j]] = a[i][j];
            }
        }
        let factor = simplicial(&permuted);
        let want: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
        let mut x: Vec<f64> = (0..n).map(|i| (0..n).map(|j| permuted[i][j] * want[j]).sum()).collect();
        let mut gathered = [vec![0.0; n - halves.top], vec![0.0; n - halves.top]];
        solve_split((&factor.0, &factor.1, &factor.2), halves, &mut x, &mut gathered);
        for (got, want) in x.iter().zip(&want) {
            assert!((got - want).abs() < 1e-12, "{got} against {want}");
        }
    }

    #[test]
    fn the_factor_worked_out_in_halves_is_the_factor_of_the_whole() {
        let (a, n) = two_chains();
        let (col_ptr, row_idx, _) = simplicial(&a);
        let (place, halves) = split_order(&col_ptr, &row_idx).unwrap();
        let mut permuted = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..n {
                permuted[place[i]][place[j]] = a[i][j];
            }
        }
        let (col_ptr, row_idx, want) = simplicial(&permuted);
        let (mut a_colptr, mut a_rowval, mut a_values) = (vec![0], Vec::new(), Vec::new());
        for j in 0..n {
            for (i, row) in permuted.iter().enumerate().take(j + 1) {
                if row[j] != 0.0 {
                    a_rowval.push(i);
                    a_values.push(row[j]);
                }
            }
            a_colptr.push(a_rowval.len());
        }
        let mut values = vec![0.0; want.len()];
        let mut work = FactorWork::new(&col_ptr, &row_idx);
        let pivots = Pivots { signs: &vec![1; n], epsilon: 1e-13, delta: 2e-7 };
        let a = (&a_colptr[..], &a_rowval[..], &a_values[..]);
        // Twice: the work vectors are reused.
        for _ in 0..2 {
            factor_split(a, (&col_ptr, &row_idx), halves, pivots, &mut values, &mut work).unwrap();
            for (got, want) in values.iter().zip(&want) {
                assert!((got - want).abs() < 1e-12, "{got} against {want}");
            }
        }
    }

    #[test]
    fn one_chain_has_no_balanced_split() {
        let n = 40;
        let mut a = vec![vec![0.0; n]; n];
        for i in 0..n {
            a[i][i] = 4.0;
            if i + 1 < n {
                a[i][i + 1] = -1.0;
                a[i + 1][i] = -1.0;
            }
        }
        let (col_ptr, row_idx, _) = simplicial(&a);
        assert_eq!(split_order(&col_ptr, &row_idx), None);
    }
}
