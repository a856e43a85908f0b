//! Ways to a goal, choke points and minimal cut sets over the AND/OR graph of a flow.
//!
//! - A step is *reached* when it can start the flow, or when an input of it is reached (all
//!   inputs for an `AND`). This is a least fixpoint, so a cycle never reaches itself and never
//!   hangs anything.
//! - A *way* to a goal is a smallest set of actions and conditions, with the branch taken at
//!   each condition, that together reach it (for an `AND`, the union of a way to each
//!   input). A route that needs more steps than another one it contains, through the same
//!   branches, is not a separate way; the two branches of a condition always make different
//!   ways.
//! - A *choke point* of a goal is an action that every way to it contains: blocking it alone
//!   makes the goal unreachable. They are the goal's dominators in the AND/OR graph, found by
//!   a data-flow pass (intersection over alternatives, union over `AND` inputs).
//! - A *minimal cut set* is a set of actions whose blocking makes the goal unreachable while
//!   no smaller part of it does. Sets of one, two and three actions are found exactly, within
//!   a work budget; when the budget runs out the result says so.
//!
//! The goal itself is never counted as its own choke point or part of a cut.

use crate::graph::{FlowGraph, StepKind};

/// Steps reached when the `blocked` steps cannot happen.
pub fn reach(g: &FlowGraph, blocked: &[bool]) -> Vec<bool> {
    let n = g.len();
    let mut reached = vec![false; n];
    let mut have = vec![0usize; n];
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..n {
        if g.source[i] && !blocked[i] {
            reached[i] = true;
            stack.push(i);
        }
    }
    while let Some(v) = stack.pop() {
        for &(w, _) in &g.succ[v] {
            if reached[w] || blocked[w] {
                continue;
            }
            let fire = match g.steps[w].kind {
                StepKind::And => {
                    have[w] += 1;
                    have[w] == g.pred[w].len()
                }
                _ => true,
            };
            if fire {
                reached[w] = true;
                stack.push(w);
            }
        }
    }
    reached
}

/// A fixed-width set of step indices.
#[derive(Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn full(n: usize) -> Bits {
        let mut b = Bits(vec![u64::MAX; n.div_ceil(64)]);
        if !n.is_multiple_of(64) {
            if let Some(last) = b.0.last_mut() {
                *last = (1u64 << (n % 64)) - 1;
            }
        }
        b
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits >> b & 1 == 1)
                .map(move |b| w * 64 + b)
        })
    }
}

/// The dominators of `goal` when the `blocked` steps cannot happen: the steps every way to
/// it contains (including `goal`), or `None` when it is not reached. `work` counts the words
/// touched, for budgets.
fn dominators(g: &FlowGraph, blocked: &[bool], goal: usize, work: &mut u64) -> Option<Bits> {
    let n = g.len();
    let reached = reach(g, blocked);
    if !reached[goal] {
        return None;
    }
    let relevant = g.ancestors(goal);
    let mut dom: Vec<Option<Bits>> = vec![None; n];
    for &v in &g.order {
        if reached[v] && relevant[v] {
            dom[v] = Some(Bits::full(n));
        }
    }
    let words = n.div_ceil(64) as u64;
    loop {
        let mut changed = false;
        for &v in &g.order {
            if dom[v].is_none() {
                continue;
            }
            let mut d = if g.source[v] {
                Bits::empty(n)
            } else if g.steps[v].kind == StepKind::And {
                let mut acc = Bits::empty(n);
                for &p in &g.pred[v] {
                    if let Some(pd) = &dom[p] {
                        for (a, b) in acc.0.iter_mut().zip(&pd.0) {
                            *a |= *b;
                        }
                    }
                }
                acc
            } else {
                let mut acc: Option<Bits> = None;
                for &p in &g.pred[v] {
                    if let Some(pd) = &dom[p] {
                        match &mut acc {
                            None => acc = Some(pd.clone()),
                            Some(a) => {
                                for (x, y) in a.0.iter_mut().zip(&pd.0) {
                                    *x &= *y;
                                }
                            }
                        }
                    }
                }
                acc.unwrap_or_else(|| Bits::empty(n))
            };
            *work += words * (g.pred[v].len() as u64 + 1);
            d.set(v);
            if dom[v].as_ref() != Some(&d) {
                dom[v] = Some(d);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    dom[goal].take()
}

/// Choke points and minimal cut sets of one goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cuts {
    /// The goal.
    pub goal: usize,
    /// Whether the goal is reached at all (if not, there is nothing to cut).
    pub reachable: bool,
    /// Actions every way to the goal passes through, in flow order.
    pub choke_points: Vec<usize>,
    /// Minimal cut sets of one to three actions (the choke points first, as sets of one),
    /// by size, then in flow order.
    pub cut_sets: Vec<Vec<usize>>,
    /// The largest size searched completely (3 unless the budget ran out).
    pub complete_up_to: usize,
}

impl Cuts {
    /// Whether the search stopped before it had tried every set of up to three actions.
    pub fn cut_short(&self) -> bool {
        self.reachable && self.complete_up_to < 3
    }
}

/// Default work budget of [`cuts`]: words of set operations, about a second of work.
pub const DEFAULT_BUDGET: u64 = 400_000_000;

/// Choke points and minimal cut sets (up to three actions) of `goal`, spending at most
/// `budget` units of work on sets of two and three.
pub fn cuts(g: &FlowGraph, goal: usize, budget: u64) -> Cuts {
    let n = g.len();
    let mut blocked = vec![false; n];
    let mut work = 0u64;
    let Some(dom) = dominators(g, &blocked, goal, &mut work) else {
        return Cuts {
            goal,
            reachable: false,
            choke_points: Vec::new(),
            cut_sets: Vec::new(),
            complete_up_to: 3,
        };
    };
    let by_order = |mut v: Vec<usize>| {
        v.sort_by_key(|&i| g.rank[i]);
        v
    };
    let choke_points: Vec<usize> = by_order(
        dom.iter()
            .filter(|&i| i != goal && g.steps[i].blockable())
            .collect(),
    );
    let reached = reach(g, &blocked);
    let relevant = g.ancestors(goal);
    // Candidates for larger sets: reachable actions that lead to the goal, not choke points.
    let candidates: Vec<usize> = by_order(
        (0..n)
            .filter(|&i| i != goal && reached[i] && relevant[i] && g.steps[i].blockable() && !dom.has(i))
            .collect(),
    );
    let mut cut_sets: Vec<Vec<usize>> = choke_points.iter().map(|&c| vec![c]).collect();
    let pos_of = |i: usize| g.rank[i];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut complete_up_to = 1;
    // Pairs: b cuts the goal once a is blocked.
    let mut pair_done = true;
    let mut after_a: Vec<Vec<usize>> = vec![Vec::new(); candidates.len()];
    for (ai, &a) in candidates.iter().enumerate() {
        if work > budget {
            pair_done = false;
            break;
        }
        blocked[a] = true;
        if let Some(d) = dominators(g, &blocked, goal, &mut work) {
            for b in d.iter() {
                if b != goal && b != a && g.steps[b].blockable() && !dom.has(b) && pos_of(b) > pos_of(a) {
                    pairs.push((a, b));
                }
            }
            after_a[ai] = d.iter().collect();
        }
        blocked[a] = false;
    }
    pairs.sort_by_key(|&(a, b)| (pos_of(a), pos_of(b)));
    cut_sets.extend(pairs.iter().map(|&(a, b)| vec![a, b]));
    if pair_done {
        complete_up_to = 2;
        let is_pair = |x: usize, y: usize| {
            let (x, y) = if pos_of(x) < pos_of(y) { (x, y) } else { (y, x) };
            pairs
                .binary_search_by_key(&(pos_of(x), pos_of(y)), |&(a, b)| (pos_of(a), pos_of(b)))
                .is_ok()
        };
        let mut triples = Vec::new();
        let mut triple_done = true;
        'outer: for (ai, &a) in candidates.iter().enumerate() {
            for &b in &candidates[ai + 1..] {
                if is_pair(a, b) {
                    continue;
                }
                if work > budget {
                    triple_done = false;
                    break 'outer;
                }
                blocked[a] = true;
                blocked[b] = true;
                if let Some(d) = dominators(g, &blocked, goal, &mut work) {
                    for c in d.iter() {
                        if c != goal
                            && g.steps[c].blockable()
                            && !dom.has(c)
                            && pos_of(c) > pos_of(b)
                            && !is_pair(a, c)
                            && !is_pair(b, c)
                        {
                            triples.push(vec![a, b, c]);
                        }
                    }
                }
                blocked[a] = false;
                blocked[b] = false;
            }
        }
        blocked.iter_mut().for_each(|b| *b = false);
        triples.sort_by_key(|t| t.iter().map(|&i| pos_of(i)).collect::<Vec<_>>());
        cut_sets.extend(triples);
        if triple_done {
            complete_up_to = 3;
        }
    }
    Cuts {
        goal,
        reachable: true,
        choke_points,
        cut_sets,
        complete_up_to,
    }
}

/// The minimal ways to one goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ways {
    /// The goal.
    pub goal: usize,
    /// Each way: its actions and conditions in flow order (the goal last).
    pub ways: Vec<Vec<usize>>,
    /// For each way, the branch it takes at each of its conditions: `(condition, true)` for
    /// `on_true_refs` (and Builder branches), `(condition, false)` for `on_false_refs`.
    pub branches: Vec<Vec<(usize, bool)>>,
    /// Whether the enumeration stopped at its bound, so that more ways may exist.
    pub truncated: bool,
}

/// A way and the branches it takes.
type WayWithBranches = (Vec<usize>, Vec<(usize, bool)>);

/// Most ways kept for one step while enumerating.
pub const MAX_WAYS_PER_STEP: usize = 2_000;
/// Most step entries held across all ways while enumerating (bounds memory and time).
pub const MAX_WAY_ENTRIES: usize = 4_000_000;

/// Keeps only the sets no other set is contained in (each sorted and distinct).
fn minimize(mut sets: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    sets.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    sets.dedup();
    let mut out: Vec<Vec<usize>> = Vec::with_capacity(sets.len());
    for s in sets {
        if !out.iter().any(|o| is_subset(o, &s)) {
            out.push(s);
        }
    }
    out
}

fn is_subset(small: &[usize], big: &[usize]) -> bool {
    if small.len() > big.len() {
        return false;
    }
    let mut j = 0;
    for &x in small {
        while j < big.len() && big[j] < x {
            j += 1;
        }
        if j == big.len() || big[j] != x {
            return false;
        }
        j += 1;
    }
    true
}

fn union(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x == y => {
                out.push(x);
                i += 1;
                j += 1;
            }
            (Some(&x), Some(&y)) if x < y => {
                out.push(x);
                i += 1;
            }
            (Some(_), Some(&y)) => {
                out.push(y);
                j += 1;
            }
            (Some(&x), None) => {
                out.push(x);
                i += 1;
            }
            (None, Some(&y)) => {
                out.push(y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The minimal ways to each goal when the `blocked` steps cannot happen (an empty slice
/// blocks nothing). Bounded by [`MAX_WAYS_PER_STEP`] and [`MAX_WAY_ENTRIES`]; a goal whose
/// list hit a bound is marked `truncated`.
pub fn ways(g: &FlowGraph, goals: &[usize], blocked: &[bool]) -> Vec<Ways> {
    let n = g.len();
    let is_blocked = |i: usize| blocked.get(i).copied().unwrap_or(false);
    let mut relevant = vec![false; n];
    for &goal in goals {
        for (i, r) in g.ancestors(goal).into_iter().enumerate() {
            relevant[i] |= r;
        }
    }
    // Ids of branch markers: n + edge_base[p] + position of the edge in succ[p].
    let mut edge_base = vec![0usize; n];
    let mut next = 0;
    for (i, out) in g.succ.iter().enumerate() {
        edge_base[i] = next;
        next += out.len();
    }
    let mut w: Vec<Vec<Vec<usize>>> = vec![Vec::new(); n];
    let mut truncated = vec![false; n];
    let mut entries = 0usize;
    let mut over = false;
    // Least fixpoint: sets only become smaller or more numerous; bounded passes.
    for _pass in 0..=n + 1 {
        let mut changed = false;
        for &v in &g.order {
            if !relevant[v] || is_blocked(v) {
                continue;
            }
            let own = |set: &mut Vec<usize>| {
                if g.steps[v].shown() {
                    *set = union(set, &[v]);
                }
            };
            let mut cands: Vec<Vec<usize>> = Vec::new();
            let mut trunc = g.pred[v].iter().any(|&p| truncated[p]);
            if g.source[v] {
                cands.push(Vec::new());
            }
            if g.steps[v].kind == StepKind::And {
                if !g.pred[v].is_empty() && g.pred[v].iter().all(|&p| !w[p].is_empty()) {
                    let mut acc: Vec<Vec<usize>> = vec![Vec::new()];
                    for &p in &g.pred[v] {
                        let mut next = Vec::new();
                        'prod: for a in &acc {
                            for b in &w[p] {
                                if next.len() >= MAX_WAYS_PER_STEP * 4 {
                                    trunc = true;
                                    break 'prod;
                                }
                                next.push(union(a, b));
                            }
                        }
                        acc = minimize(next);
                    }
                    cands.extend(acc);
                }
            } else {
                for &p in &g.pred[v] {
                    // A branch of a condition is part of the way: the two outcomes of a
                    // condition are different ways even when one needs more steps.
                    let marker = (g.steps[p].kind == StepKind::Condition)
                        .then(|| {
                            g.succ[p]
                                .iter()
                                .position(|&(t, _)| t == v)
                                .map(|k| n + edge_base[p] + k)
                        })
                        .flatten();
                    cands.extend(w[p].iter().map(|set| match marker {
                        Some(m) => union(set, &[m]),
                        None => set.clone(),
                    }));
                }
            }
            for c in &mut cands {
                own(c);
            }
            let mut m = minimize(cands);
            if m.len() > MAX_WAYS_PER_STEP {
                m.truncate(MAX_WAYS_PER_STEP);
                trunc = true;
            }
            if m != w[v] || trunc != truncated[v] {
                let size: usize = m.iter().map(Vec::len).sum();
                let old: usize = w[v].iter().map(Vec::len).sum();
                entries = entries.saturating_sub(old) + size;
                w[v] = m;
                truncated[v] = trunc;
                changed = true;
                if entries > MAX_WAY_ENTRIES {
                    over = true;
                    break;
                }
            }
        }
        if !changed || over {
            break;
        }
    }
    goals
        .iter()
        .map(|&goal| {
            let branch_of = |m: usize| -> Option<(usize, bool)> {
                let e = m - n;
                let p = edge_base.partition_point(|&b| b <= e).checked_sub(1)?;
                let (_, kind) = g.succ[p].get(e - edge_base[p])?;
                Some((
                    p,
                    *kind != crate::graph::EdgeKind::Ref(af_stix::flow::FlowRef::OnFalse),
                ))
            };
            let mut pairs: Vec<WayWithBranches> = w[goal]
                .iter()
                .map(|set| {
                    let mut s: Vec<usize> = set.iter().copied().filter(|&i| i < n).collect();
                    s.sort_by_key(|&i| (i == goal, g.rank[i]));
                    let mut b: Vec<(usize, bool)> = set
                        .iter()
                        .copied()
                        .filter(|&i| i >= n)
                        .filter_map(branch_of)
                        .collect();
                    b.sort_by_key(|&(c, t)| (g.rank[c], !t));
                    (s, b)
                })
                .collect();
            pairs.sort_by(|(a, ab), (b, bb)| {
                a.len()
                    .cmp(&b.len())
                    .then_with(|| a.iter().map(|&i| g.rank[i]).cmp(b.iter().map(|&i| g.rank[i])))
                    .then_with(|| ab.iter().map(|&(_, t)| !t).cmp(bb.iter().map(|&(_, t)| !t)))
            });
            let (ways, branches) = pairs.into_iter().unzip();
            Ways {
                goal,
                ways,
                branches,
                truncated: truncated[goal] || over,
            }
        })
        .collect()
}

/// Brute force for tests: the goal's choke points found by blocking each action in turn.
#[doc(hidden)]
pub fn choke_points_by_blocking(g: &FlowGraph, goal: usize) -> Vec<usize> {
    let mut blocked = vec![false; g.len()];
    if !reach(g, &blocked)[goal] {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &i in &g.order {
        if i == goal || !g.steps[i].blockable() {
            continue;
        }
        blocked[i] = true;
        if !reach(g, &blocked)[goal] {
            out.push(i);
        }
        blocked[i] = false;
    }
    out
}
