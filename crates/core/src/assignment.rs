//! Maximum-weight assignment of rows (officials, one seat each) to columns (positions,
//! each with a quota of seats) over a *sparse* set of allowed pairs, exact.
//!
//! The dense Kuhn–Munkres of the `pathfinding` crate is cubic in the number of seats and
//! needs the whole matrix in memory: at 10,000 officials × 3,000 positions that is
//! minutes and gigabytes. No well-kept, permissively licensed Rust crate solves sparse
//! min-cost flow (the ones that exist wrap C++ or are GPL), so this module does it:
//!
//! 1. **Candidate lists.** Each row keeps its `breadth` best columns and each column its
//!    `quota + breadth` best rows.
//! 2. **Shortest augmenting paths**, one row at a time (min-cost flow source → row →
//!    column → sink, the pair's cost being minus its weight, with a free way for a row to
//!    stay unplaced), Dijkstra on reduced costs.
//! 3. **Certificate.** The final node potentials leave no residual arc with negative
//!    reduced cost, so they certify the flow optimal over the pairs in the lists. Every allowed pair left out is checked against them; a pair that would
//!    improve the total is added and the flow solved again. When no pair violates its
//!    dual constraint the answer is optimal over *all* allowed pairs, not just the lists.
//!
//! Weights are integers so the optimisation is exact. Among assignments with the same
//! total weight the one that fills the most seats is chosen.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The result: for each row, the column it is placed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub column_of_row: Vec<Option<usize>>,
    /// Times the flow was solved (1 when the first candidate lists held the optimum).
    pub rounds: usize,
    /// Pairs in the candidate lists of the last round.
    pub pairs: usize,
}

const UNREACHED: i64 = i64::MAX;

/// Solves the assignment. `weight(row, column)` is `None` for a pair that is not allowed
/// and otherwise a weight ≥ 0; `breadth` is how many columns each row starts with.
pub fn assign<F>(rows: usize, quotas: &[u32], weight: F, breadth: usize) -> Assignment
where
    F: Fn(usize, usize) -> Option<i64>,
{
    let columns = quotas.len();
    let seats: u64 = quotas.iter().map(|q| u64::from(*q)).sum();
    // Scaling every weight by (seats + 1) and adding 1 per placement makes "more seats
    // filled" the tie-break without ever outweighing one point of fit.
    let scale = seats.min(rows as u64) as i64 + 1;
    // Saturating: an absurd weight cannot wrap around into a small one.
    let scaled =
        |r: usize, c: usize| weight(r, c).map(|w| w.saturating_mul(scale).saturating_add(1));
    let breadth = breadth.max(1);
    let mut lists = candidate_lists(rows, quotas, &scaled, breadth);
    let mut rounds = 0;
    let mut prices = vec![0; columns];
    loop {
        rounds += 1;
        let flow = Flow::solve(&lists, quotas, prices);
        // A pair outside the lists whose weight beats its row's potential minus its
        // column's could improve the total. Each row takes its `breadth` most profitable
        // such pairs (weight less the column's price) and the flow is solved again.
        let mut added = false;
        let mut violations: Vec<(i64, usize, i64)> = Vec::new();
        for (r, list) in lists.iter_mut().enumerate() {
            violations.clear();
            for c in 0..columns {
                if let Some(w) = scaled(r, c)
                    && w > flow.pot_row[r] - flow.pot_col[c]
                    && !list.iter().any(|(x, _)| *x == c)
                {
                    violations.push((w + flow.pot_col[c], c, w));
                }
            }
            if violations.len() > breadth {
                violations.select_nth_unstable_by(breadth, |a, b| b.cmp(a));
                violations.truncate(breadth);
            }
            if !violations.is_empty() {
                added = true;
                list.extend(violations.iter().map(|&(_, c, w)| (c, w)));
            }
        }
        prices = flow.pot_col.clone();
        if !added {
            return Assignment {
                column_of_row: flow.column_of_row,
                rounds,
                pairs: lists.iter().map(Vec::len).sum(),
            };
        }
    }
}

/// For each row, its allowed pairs (column, weight) among its best `breadth` columns and
/// the columns for which it is among the best `quota + breadth` rows.
fn candidate_lists<F>(
    rows: usize,
    quotas: &[u32],
    weight: &F,
    breadth: usize,
) -> Vec<Vec<(usize, i64)>>
where
    F: Fn(usize, usize) -> Option<i64>,
{
    let columns = quotas.len();
    let mut lists: Vec<Vec<(usize, i64)>> = Vec::with_capacity(rows);
    // Per column, a min-heap of its best rows so far.
    let mut best_rows: Vec<BinaryHeap<Reverse<(i64, usize)>>> = vec![BinaryHeap::new(); columns];
    let mut row_pairs: Vec<(i64, usize)> = Vec::with_capacity(columns);
    for r in 0..rows {
        row_pairs.clear();
        for (c, heap) in best_rows.iter_mut().enumerate() {
            let Some(w) = weight(r, c) else { continue };
            row_pairs.push((w, c));
            let keep = quotas[c] as usize + breadth;
            if heap.len() < keep {
                heap.push(Reverse((w, r)));
            } else if heap.peek().is_some_and(|Reverse(low)| *low < (w, r)) {
                heap.pop();
                heap.push(Reverse((w, r)));
            }
        }
        if row_pairs.len() > breadth {
            row_pairs.select_nth_unstable_by(breadth, |a, b| b.cmp(a));
            row_pairs.truncate(breadth);
        }
        lists.push(row_pairs.iter().map(|&(w, c)| (c, w)).collect());
    }
    for (c, heap) in best_rows.into_iter().enumerate() {
        for Reverse((w, r)) in heap {
            if !lists[r].iter().any(|(x, _)| *x == c) {
                lists[r].push((c, w));
            }
        }
    }
    lists
}

/// Min-cost flow on source → row (1) → column (1 per pair) → sink (quota), cost −weight
/// on the pairs, plus an arc row → sink of cost 0 ("left unplaced"), so every row carries
/// one unit and the minimum cost is the maximum total weight. Rows are added one at a
/// time (the incremental Hungarian method): the optimum for the first k rows plus the
/// shortest augmenting path from row k + 1 is the optimum for k + 1 rows. Dijkstra runs on
/// reduced costs and stops at the sink, so a row that takes a free seat or stays out
/// touches little of the graph.
struct Flow {
    column_of_row: Vec<Option<usize>>,
    pot_row: Vec<i64>,
    pot_col: Vec<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    // First, so that on a tie the search ends rather than wandering a plateau.
    Sink,
    Row(usize),
    Column(usize),
}

impl Flow {
    /// `prices` are column potentials to start from (a previous round's): any values
    /// are correct, near-optimal ones make the searches short.
    fn solve(lists: &[Vec<(usize, i64)>], quotas: &[u32], prices: Vec<i64>) -> Flow {
        let rows = lists.len();
        let columns = quotas.len();
        let mut column_of_row: Vec<Option<usize>> = vec![None; rows];
        let mut weight_of_row = vec![0i64; rows];
        let mut rows_of_column: Vec<Vec<usize>> = vec![Vec::new(); columns];
        // Potentials keep every residual arc's reduced cost ≥ 0.
        let mut pot_row = vec![0i64; rows];
        let mut pot_col = prices;
        // Every column's arc to the sink starts with reduced cost ≥ 0.
        let pot_sink = pot_col.iter().copied().fold(0, i64::min);

        let mut dist_row = vec![UNREACHED; rows];
        let mut dist_col = vec![UNREACHED; columns];
        let mut from_col = vec![usize::MAX; columns];
        let mut touched_rows = Vec::new();
        let mut touched_cols = Vec::new();
        let mut heap = BinaryHeap::new();
        for source in 0..rows {
            // The new row's arcs all start with reduced cost ≥ 0.
            pot_row[source] = lists[source]
                .iter()
                .map(|&(c, w)| w + pot_col[c])
                .fold(pot_sink, i64::max);
            for &r in &touched_rows {
                dist_row[r] = UNREACHED;
            }
            for &c in &touched_cols {
                dist_col[c] = UNREACHED;
            }
            touched_rows.clear();
            touched_cols.clear();
            heap.clear();
            let mut dist_sink = UNREACHED;
            // The sink is entered from a column with a free seat or by a row leaving.
            let mut sink_from = Node::Sink;
            dist_row[source] = 0;
            touched_rows.push(source);
            heap.push(Reverse((0, Node::Row(source))));
            while let Some(Reverse((d, node))) = heap.pop() {
                match node {
                    Node::Sink => break,
                    Node::Row(r) => {
                        if d > dist_row[r] {
                            continue;
                        }
                        let nd = d + pot_row[r] - pot_sink;
                        if nd < dist_sink {
                            dist_sink = nd;
                            sink_from = Node::Row(r);
                            heap.push(Reverse((nd, Node::Sink)));
                        }
                        for &(c, w) in &lists[r] {
                            if column_of_row[r] == Some(c) {
                                continue;
                            }
                            let nd = d + (-w + pot_row[r] - pot_col[c]);
                            if nd < dist_col[c] {
                                if dist_col[c] == UNREACHED {
                                    touched_cols.push(c);
                                }
                                dist_col[c] = nd;
                                from_col[c] = r;
                                heap.push(Reverse((nd, Node::Column(c))));
                            }
                        }
                    }
                    Node::Column(c) => {
                        if d > dist_col[c] {
                            continue;
                        }
                        if (rows_of_column[c].len() as u32) < quotas[c] {
                            let nd = d + pot_col[c] - pot_sink;
                            if nd < dist_sink {
                                dist_sink = nd;
                                sink_from = Node::Column(c);
                                heap.push(Reverse((nd, Node::Sink)));
                            }
                        }
                        for &r in &rows_of_column[c] {
                            let nd = d + (weight_of_row[r] + pot_col[c] - pot_row[r]);
                            if nd < dist_row[r] {
                                if dist_row[r] == UNREACHED {
                                    touched_rows.push(r);
                                }
                                dist_row[r] = nd;
                                heap.push(Reverse((nd, Node::Row(r))));
                            }
                        }
                    }
                }
            }
            // Nodes settled before the sink move by their distance, all others by the
            // sink's: reduced costs stay ≥ 0.
            for &r in &touched_rows {
                pot_row[r] += dist_row[r].min(dist_sink) - dist_sink;
            }
            for &c in &touched_cols {
                pot_col[c] += dist_col[c].min(dist_sink) - dist_sink;
            }
            // (Everything else, the sink included, moves by dist_sink; shifting every
            // potential by the same amount changes nothing, so they stay where they are.)
            // Walk the path back from the sink: each row moves to the column it was
            // reached through (or out, for the row whose arc to the sink was used).
            let (mut r, mut into) = match sink_from {
                Node::Column(c) => (from_col[c], Some(c)),
                Node::Row(x) => (x, None),
                Node::Sink => unreachable!("the new row's own arc reaches the sink"),
            };
            loop {
                let previous = column_of_row[r];
                if let Some(p) = previous {
                    rows_of_column[p].retain(|x| *x != r);
                }
                column_of_row[r] = into;
                if let Some(c) = into {
                    rows_of_column[c].push(r);
                    weight_of_row[r] = lists[r]
                        .iter()
                        .find(|(x, _)| *x == c)
                        .map_or(0, |(_, w)| *w);
                }
                match previous {
                    Some(p) if r != source => {
                        into = Some(p);
                        r = from_col[p];
                    }
                    _ => break,
                }
            }
        }
        Flow {
            column_of_row,
            pot_row,
            pot_col,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every assignment, by brute force: (best total weight, seats filled at that total).
    fn brute(weights: &[Vec<Option<i64>>], quotas: &[u32]) -> (i64, usize) {
        fn go(r: usize, w: &[Vec<Option<i64>>], left: &mut [u32]) -> (i64, usize) {
            if r == w.len() {
                return (0, 0);
            }
            let mut best = go(r + 1, w, left);
            for c in 0..left.len() {
                if let Some(x) = w[r][c]
                    && left[c] > 0
                {
                    left[c] -= 1;
                    let (t, n) = go(r + 1, w, left);
                    left[c] += 1;
                    best = best.max((t + x, n + 1));
                }
            }
            best
        }
        go(0, weights, &mut quotas.to_vec())
    }

    fn check(weights: &[Vec<Option<i64>>], quotas: &[u32], breadth: usize) -> Assignment {
        let a = assign(weights.len(), quotas, |r, c| weights[r][c], breadth);
        let mut load = vec![0u32; quotas.len()];
        let mut total = 0;
        let mut filled = 0;
        for (r, c) in a.column_of_row.iter().enumerate() {
            if let Some(c) = c {
                total += weights[r][*c].expect("only allowed pairs are used");
                load[*c] += 1;
                filled += 1;
            }
        }
        for (c, l) in load.iter().enumerate() {
            assert!(*l <= quotas[c], "quota of column {c} exceeded");
        }
        assert_eq!((total, filled), brute(weights, quotas));
        a
    }

    #[test]
    fn the_optimum_moves_a_row_away_from_its_own_best_column() {
        // Row 0 fits column 0 best, but only row 0 may take column 1.
        let w = vec![vec![Some(10), Some(9)], vec![Some(9), None]];
        let a = check(&w, &[1, 1], 1);
        assert_eq!(a.column_of_row, vec![Some(1), Some(0)]);
    }

    #[test]
    fn pairs_left_out_of_the_first_lists_are_found_by_the_certificate() {
        // With one column per row (and quota + 1 rows per column) to start with, the
        // optimum needs a pair only the dual check brings back.
        let w = vec![
            vec![None, Some(1), None, Some(8)],
            vec![None, Some(6), Some(3), Some(6)],
            vec![Some(2), Some(1), Some(4), Some(1)],
            vec![Some(3), None, Some(5), Some(2)],
            vec![Some(0), None, None, Some(8)],
        ];
        let a = check(&w, &[1, 1, 1, 1], 1);
        assert!(a.rounds > 1, "the first lists did not hold the optimum");
    }

    #[test]
    fn zero_weight_pairs_still_fill_seats_and_nothing_allowed_means_nobody_placed() {
        let w = vec![vec![Some(0)], vec![None]];
        assert_eq!(check(&w, &[2], 3).column_of_row, vec![Some(0), None]);
        assert_eq!(assign(0, &[1], |_, _| Some(1), 2).column_of_row, vec![]);
        assert_eq!(
            assign(2, &[], |_, _| Some(1), 2).column_of_row,
            vec![None, None]
        );
    }

    fn arb_problem() -> impl Strategy<Value = (Vec<Vec<Option<i64>>>, Vec<u32>, usize)> {
        (1usize..6, 1usize..5).prop_flat_map(|(rows, columns)| {
            (
                prop::collection::vec(
                    prop::collection::vec(prop::option::weighted(0.7, 0i64..20), columns),
                    rows,
                ),
                prop::collection::vec(0u32..3, columns),
                1usize..4,
            )
        })
    }

    /// The best total by the dense Kuhn–Munkres of the `pathfinding` crate on seats ×
    /// (rows, then one "leave it empty" column per seat).
    fn dense_optimum(weights: &[Vec<Option<i64>>], quotas: &[u32]) -> i64 {
        use pathfinding::kuhn_munkres::kuhn_munkres;
        use pathfinding::matrix::Matrix;
        let seats: Vec<usize> = (0..quotas.len())
            .flat_map(|c| std::iter::repeat_n(c, quotas[c] as usize))
            .collect();
        if seats.is_empty() {
            return 0;
        }
        let rows = weights.len();
        let never = -(1i64 << 40);
        let m = Matrix::from_fn(seats.len(), rows + seats.len(), |(s, col)| {
            if col < rows {
                weights[col][seats[s]].unwrap_or(never)
            } else if col - rows == s {
                0
            } else {
                never
            }
        });
        kuhn_munkres(&m).0
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn larger_assignments_match_the_dense_kuhn_munkres(
            (w, quotas) in (20usize..60, 5usize..20).prop_flat_map(|(rows, columns)| (
                prop::collection::vec(
                    prop::collection::vec(prop::option::weighted(0.3, 0i64..1000), columns),
                    rows,
                ),
                prop::collection::vec(0u32..4, columns),
            )),
            breadth in 1usize..4,
        ) {
            let a = assign(w.len(), &quotas, |r, c| w[r][c], breadth);
            let total: i64 = a
                .column_of_row
                .iter()
                .enumerate()
                .filter_map(|(r, c)| c.map(|c| w[r][c].expect("allowed")))
                .sum();
            prop_assert_eq!(total, dense_optimum(&w, &quotas));
        }
    }

    proptest! {
        #[test]
        fn assignments_match_brute_force((w, quotas, breadth) in arb_problem()) {
            check(&w, &quotas, breadth);
        }
    }
}
