//! Staffing by the four principles (PRODUCT.md point 1): how well an official fits a
//! position, explained criterion by criterion, and the assignment of officials to
//! positions with the best total fit that respects every mandatory requirement, every
//! quota and every choice the board locked. No I/O.
//!
//! Seniority is not a criterion unless the board adds it as one; wishes count with the
//! weight the board sets.

use crate::assignment::assign;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a position asks for one criterion (a domain skill, a qualification, a
/// certificate, years of experience): a minimum level, mandatory or weighted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub criterion: String,
    /// The level needed (1.0 for "has it"; years for experience).
    pub min_level: f64,
    /// Without it the official cannot hold the position.
    pub mandatory: bool,
    /// How much meeting it counts towards the fit.
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub id: i64,
    /// How many officials it takes.
    pub quota: u32,
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: i64,
    /// Levels by criterion.
    pub levels: BTreeMap<String, f64>,
    /// Preferred positions, most wanted first (at most three count).
    pub wishes: Vec<i64>,
}

/// The board's weights beside the positions' own.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Added when the position is the official's first, second or third wish.
    pub wish: [f64; 3],
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            wish: [3.0, 2.0, 1.0],
        }
    }
}

/// The fit of one official to one position, part by part; the parts sum to `total`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub total: f64,
    /// (criterion or `wish`, points).
    pub parts: Vec<(String, f64)>,
}

/// How well `c` fits `p`, or `None` when a mandatory requirement is not met. A weighted
/// requirement earns its weight in proportion to the level reached, capped at the need.
pub fn fit(c: &Candidate, p: &Position, w: &Weights) -> Option<Fit> {
    let mut parts = Vec::new();
    for r in &p.requirements {
        let level = c.levels.get(&r.criterion).copied().unwrap_or(0.0);
        if r.mandatory && level < r.min_level {
            return None;
        }
        let share = if r.min_level <= 0.0 {
            1.0
        } else {
            (level / r.min_level).clamp(0.0, 1.0)
        };
        if r.weight > 0.0 {
            parts.push((r.criterion.clone(), r.weight * share));
        }
    }
    if let Some(rank) = c.wishes.iter().take(3).position(|x| *x == p.id) {
        parts.push(("wish".to_string(), w.wish[rank]));
    }
    let total = parts.iter().map(|(_, v)| v).sum();
    Some(Fit { total, parts })
}

/// One official placed in one position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub candidate: i64,
    pub position: i64,
    pub fit: Fit,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub placements: Vec<Placement>,
    /// Sum of every placement's fit.
    pub total: f64,
    /// Seats left empty: (position, how many).
    pub vacancies: Vec<(i64, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error("a lock names an unknown candidate or position")]
    UnknownLock,
    #[error("locks place one candidate twice or exceed a quota")]
    ConflictingLocks,
    #[error("a locked candidate does not meet a mandatory requirement of the position")]
    LockedUnfit,
}

/// Fits are compared in thousandths, as integers, so the optimisation is exact.
fn points(v: f64) -> i64 {
    (v * 1000.0).round() as i64
}

/// How many positions each official's candidate list starts with; the assignment's
/// optimality check brings back any other pair that would improve the total.
const BREADTH: usize = 8;

/// The assignment with the best total fit: every position gets at most its quota of
/// officials, every official at most one position, nobody where a mandatory requirement
/// fails, and the locked pairs as given. Among equally good assignments, the one that
/// fills most seats. Exact, over sparse candidate lists (see [`crate::assignment`]).
pub fn propose(
    candidates: &[Candidate],
    positions: &[Position],
    locks: &[(i64, i64)],
    w: &Weights,
) -> Result<Proposal, ProposalError> {
    let mut placements = Vec::new();
    let mut remaining: BTreeMap<i64, u32> = positions.iter().map(|p| (p.id, p.quota)).collect();
    let mut taken = std::collections::HashSet::new();
    for &(cid, pid) in locks {
        let c = candidates
            .iter()
            .find(|c| c.id == cid)
            .ok_or(ProposalError::UnknownLock)?;
        let p = positions
            .iter()
            .find(|p| p.id == pid)
            .ok_or(ProposalError::UnknownLock)?;
        let seats = remaining.get_mut(&pid).ok_or(ProposalError::UnknownLock)?;
        if *seats == 0 || !taken.insert(cid) {
            return Err(ProposalError::ConflictingLocks);
        }
        *seats -= 1;
        let f = fit(c, p, w).ok_or(ProposalError::LockedUnfit)?;
        placements.push(Placement {
            candidate: cid,
            position: pid,
            fit: f,
            locked: true,
        });
    }
    let free: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !taken.contains(&c.id))
        .collect();
    let open: Vec<&Position> = positions
        .iter()
        .filter(|p| remaining.get(&p.id).is_some_and(|n| *n > 0))
        .collect();
    let quotas: Vec<u32> = open.iter().map(|p| remaining[&p.id]).collect();
    let scorer = Scorer::new(&free, &open, w);
    let chosen = assign(free.len(), &quotas, |r, c| scorer.points(r, c), BREADTH);
    for (row, column) in chosen.column_of_row.iter().enumerate() {
        if let Some(column) = column
            && let Some(f) = fit(free[row], open[*column], w)
        {
            placements.push(Placement {
                candidate: free[row].id,
                position: open[*column].id,
                fit: f,
                locked: false,
            });
        }
    }
    let mut filled: BTreeMap<i64, u32> = BTreeMap::new();
    for p in &placements {
        *filled.entry(p.position).or_default() += 1;
    }
    let vacancies = positions
        .iter()
        .filter_map(|p| {
            let empty = p
                .quota
                .saturating_sub(filled.get(&p.id).copied().unwrap_or(0));
            (empty > 0).then_some((p.id, empty))
        })
        .collect();
    placements.sort_by_key(|p| (p.position, p.candidate));
    let total = placements.iter().map(|p| p.fit.total).sum();
    Ok(Proposal {
        placements,
        total,
        vacancies,
    })
}

/// [`fit`]'s total without the explanation, over criteria numbered once, so the millions
/// of pairs of a city-wide round are scored without allocating. Adds the same terms in
/// the same order as [`fit`], so both give the same points.
struct Scorer<'a> {
    /// Per position: (criterion number, requirement).
    requirements: Vec<Vec<(usize, &'a Requirement)>>,
    /// Per candidate: level by criterion number.
    levels: Vec<Vec<f64>>,
    /// Per candidate: (position number, wish rank), first mention only.
    wishes: Vec<Vec<(usize, usize)>>,
    wish_weights: [f64; 3],
}

impl<'a> Scorer<'a> {
    fn new(candidates: &[&Candidate], positions: &[&'a Position], w: &Weights) -> Scorer<'a> {
        let mut numbers: BTreeMap<&str, usize> = BTreeMap::new();
        let requirements: Vec<Vec<(usize, &Requirement)>> = positions
            .iter()
            .map(|p| {
                p.requirements
                    .iter()
                    .map(|r| {
                        let next = numbers.len();
                        (*numbers.entry(r.criterion.as_str()).or_insert(next), r)
                    })
                    .collect()
            })
            .collect();
        let index: BTreeMap<i64, usize> = positions
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let levels = candidates
            .iter()
            .map(|c| {
                let mut dense = vec![0.0; numbers.len()];
                for (criterion, n) in &numbers {
                    if let Some(level) = c.levels.get(*criterion) {
                        dense[*n] = *level;
                    }
                }
                dense
            })
            .collect();
        let wishes = candidates
            .iter()
            .map(|c| {
                let mut seen: Vec<(usize, usize)> = Vec::new();
                for (rank, id) in c.wishes.iter().take(3).enumerate() {
                    if let Some(&p) = index.get(id)
                        && !seen.iter().any(|(x, _)| *x == p)
                    {
                        seen.push((p, rank));
                    }
                }
                seen
            })
            .collect();
        Scorer {
            requirements,
            levels,
            wishes,
            wish_weights: w.wish,
        }
    }

    fn points(&self, candidate: usize, position: usize) -> Option<i64> {
        let levels = &self.levels[candidate];
        let mut total = 0.0;
        for (n, r) in &self.requirements[position] {
            let level = levels[*n];
            if r.mandatory && level < r.min_level {
                return None;
            }
            let share = if r.min_level <= 0.0 {
                1.0
            } else {
                (level / r.min_level).clamp(0.0, 1.0)
            };
            if r.weight > 0.0 {
                total += r.weight * share;
            }
        }
        if let Some((_, rank)) = self.wishes[candidate].iter().find(|(p, _)| *p == position) {
            total += self.wish_weights[*rank];
        }
        Some(points(total))
    }
}

/// For one official, the positions that fit best, best first (runner-up options).
pub fn best_options(
    c: &Candidate,
    positions: &[Position],
    w: &Weights,
    n: usize,
) -> Vec<(i64, Fit)> {
    let mut options: Vec<(i64, Fit)> = positions
        .iter()
        .filter_map(|p| fit(c, p, w).map(|f| (p.id, f)))
        .collect();
    options.sort_by(|a, b| b.1.total.total_cmp(&a.1.total).then(a.0.cmp(&b.0)));
    options.truncate(n);
    options
}

/// How a ballot is decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// Share of the eligible voters an option needs (e.g. 0.5 for "more than half").
    pub share_of_eligible: f64,
}

/// The outcome of a closed ballot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub counts: Vec<(String, u64)>,
    pub turnout: u64,
    pub eligible: u64,
    /// Options whose votes are strictly above the threshold's share of the eligible.
    pub passed: Vec<String>,
}

pub fn decide(counts: &[(String, u64)], eligible: u64, rule: &Threshold) -> Outcome {
    let turnout = counts.iter().map(|(_, n)| n).sum();
    let needed = rule.share_of_eligible * eligible as f64;
    Outcome {
        counts: counts.to_vec(),
        turnout,
        eligible,
        passed: counts
            .iter()
            .filter(|(_, n)| *n as f64 > needed)
            .map(|(o, _)| o.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn req(criterion: &str, min_level: f64, mandatory: bool, weight: f64) -> Requirement {
        Requirement {
            criterion: criterion.into(),
            min_level,
            mandatory,
            weight,
        }
    }

    fn cand(id: i64, levels: &[(&str, f64)], wishes: &[i64]) -> Candidate {
        Candidate {
            id,
            levels: levels.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            wishes: wishes.to_vec(),
        }
    }

    #[test]
    fn a_fit_is_explained_part_by_part() {
        let p = Position {
            id: 1,
            quota: 1,
            requirements: vec![
                req("dat_dai", 1.0, true, 5.0),
                req("kinh_nghiem", 4.0, false, 2.0),
            ],
        };
        let c = cand(7, &[("dat_dai", 1.0), ("kinh_nghiem", 2.0)], &[3, 1]);
        let f = fit(&c, &p, &Weights::default()).unwrap();
        assert_eq!(
            f.parts,
            vec![
                ("dat_dai".to_string(), 5.0),
                ("kinh_nghiem".to_string(), 1.0),
                ("wish".to_string(), 2.0)
            ]
        );
        assert_eq!(f.total, 8.0);
        assert_eq!(fit(&cand(8, &[], &[]), &p, &Weights::default()), None);
    }

    #[test]
    fn the_best_total_beats_the_greedy_choice_and_locks_hold() {
        // Greedy would give A the position both fit best; the optimum moves A.
        let positions = vec![
            Position {
                id: 1,
                quota: 1,
                requirements: vec![req("x", 1.0, false, 10.0)],
            },
            Position {
                id: 2,
                quota: 1,
                requirements: vec![req("y", 1.0, true, 1.0)],
            },
        ];
        let a = cand(1, &[("x", 1.0), ("y", 1.0)], &[]);
        let b = cand(2, &[("x", 0.9)], &[]);
        let p = propose(
            &[a.clone(), b.clone()],
            &positions,
            &[],
            &Weights::default(),
        )
        .unwrap();
        let pairs: Vec<(i64, i64)> = p
            .placements
            .iter()
            .map(|x| (x.candidate, x.position))
            .collect();
        assert_eq!(pairs, vec![(2, 1), (1, 2)]);
        assert!((p.total - 10.0).abs() < 1e-9);
        let locked = propose(&[a.clone(), b], &positions, &[(1, 1)], &Weights::default()).unwrap();
        assert!(
            locked
                .placements
                .iter()
                .any(|x| x.candidate == 1 && x.position == 1 && x.locked)
        );
        assert_eq!(locked.vacancies, vec![(2, 1)], "B cannot hold position 2");
        assert_eq!(
            propose(&[a], &positions, &[(1, 1), (1, 2)], &Weights::default()),
            Err(ProposalError::ConflictingLocks)
        );
    }

    #[test]
    fn ballots_pass_only_above_the_share_of_the_eligible() {
        let o = decide(
            &[("tín nhiệm".into(), 6), ("không tín nhiệm".into(), 3)],
            11,
            &Threshold {
                share_of_eligible: 0.5,
            },
        );
        assert_eq!(o.turnout, 9);
        assert_eq!(o.passed, vec!["tín nhiệm".to_string()]);
        let tie = decide(
            &[("A".into(), 5)],
            10,
            &Threshold {
                share_of_eligible: 0.5,
            },
        );
        assert!(tie.passed.is_empty(), "exactly half is not more than half");
    }

    /// Every way to seat the candidates, by brute force.
    fn brute_force(cands: &[Candidate], positions: &[Position], w: &Weights) -> f64 {
        let seats: Vec<&Position> = positions
            .iter()
            .flat_map(|p| std::iter::repeat_n(p, p.quota as usize))
            .collect();
        fn go(
            i: usize,
            seats: &[&Position],
            cands: &[Candidate],
            used: &mut Vec<bool>,
            w: &Weights,
        ) -> f64 {
            if i == seats.len() {
                return 0.0;
            }
            let mut best = go(i + 1, seats, cands, used, w);
            for (j, c) in cands.iter().enumerate() {
                if !used[j]
                    && let Some(f) = fit(c, seats[i], w)
                {
                    used[j] = true;
                    best = best.max(f.total + go(i + 1, seats, cands, used, w));
                    used[j] = false;
                }
            }
            best
        }
        go(0, &seats, cands, &mut vec![false; cands.len()], w)
    }

    fn arb_case() -> impl Strategy<Value = (Vec<Candidate>, Vec<Position>)> {
        let criteria = ["a", "b", "c"];
        let position = (
            1u32..=2,
            prop::collection::vec((0usize..3, 0.5f64..3.0, any::<bool>(), 0.0f64..5.0), 1..3),
        );
        let candidate = (
            prop::collection::vec((0usize..3, 0.0f64..3.0), 0..3),
            prop::collection::vec(1i64..=3, 0..3),
        );
        (
            prop::collection::vec(candidate, 1..5),
            prop::collection::vec(position, 1..4),
        )
            .prop_map(move |(cs, ps)| {
                let positions = ps
                    .into_iter()
                    .enumerate()
                    .map(|(i, (quota, reqs))| Position {
                        id: i as i64 + 1,
                        quota,
                        requirements: reqs
                            .into_iter()
                            .map(|(k, lvl, m, wt)| req(criteria[k], lvl, m, wt))
                            .collect(),
                    })
                    .collect();
                let candidates = cs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (levels, wishes))| Candidate {
                        id: i as i64 + 1,
                        levels: levels
                            .into_iter()
                            .map(|(k, v)| (criteria[k].to_string(), v))
                            .collect(),
                        wishes,
                    })
                    .collect();
                (candidates, positions)
            })
    }

    proptest! {
        #[test]
        fn proposals_are_optimal_and_never_break_a_rule((cands, positions) in arb_case()) {
            let w = Weights::default();
            let p = propose(&cands, &positions, &[], &w).unwrap();
            let best = brute_force(&cands, &positions, &w);
            prop_assert!((p.total - best).abs() < 0.01, "{} vs {}", p.total, best);
            let mut seen = std::collections::HashSet::new();
            for pl in &p.placements {
                prop_assert!(seen.insert(pl.candidate), "one seat per official");
                let pos = positions.iter().find(|x| x.id == pl.position).unwrap();
                let c = cands.iter().find(|x| x.id == pl.candidate).unwrap();
                prop_assert_eq!(fit(c, pos, &w), Some(pl.fit.clone()), "mandatory requirements hold");
                let sum: f64 = pl.fit.parts.iter().map(|(_, v)| v).sum();
                prop_assert!((sum - pl.fit.total).abs() < 1e-9, "the explanation sums to the score");
            }
            for pos in &positions {
                let n = p.placements.iter().filter(|x| x.position == pos.id).count() as u32;
                prop_assert!(n <= pos.quota);
            }
            let cs: Vec<&Candidate> = cands.iter().collect();
            let ps: Vec<&Position> = positions.iter().collect();
            let scorer = Scorer::new(&cs, &ps, &w);
            for (i, c) in cands.iter().enumerate() {
                for (j, pos) in positions.iter().enumerate() {
                    prop_assert_eq!(scorer.points(i, j), fit(c, pos, &w).map(|f| points(f.total)));
                }
            }
        }
    }
}
