//! Stage 2, layering: every node gets a rank (longest path over the acyclic edges; floating
//! sources move next to their successors; isolated nodes fill rows below everything else),
//! and edges that span several ranks get a dummy node in each rank they pass, giving the
//! *proper* layered graph the later stages work on.

use super::cycles::{Acyclic, LayoutEdge};
use super::{Axes, EdgeSpec, NodeSpec};
use std::collections::{HashMap, HashSet, VecDeque};

/// Ranks of the real nodes.
pub(crate) struct Ranking {
    /// Rank of each node.
    pub rank: Vec<usize>,
    /// Number of ranks (including the rows of isolated nodes).
    pub count: usize,
    /// Nodes without any edge, in input order.
    pub isolated: Vec<usize>,
}

/// Ranks the nodes; `node_gap` spaces the rows of isolated nodes.
pub(crate) fn rank(
    nodes: &[NodeSpec],
    edges: &[LayoutEdge],
    start: &[usize],
    axes: &Axes<'_>,
    node_gap: f64,
) -> Ranking {
    let n = nodes.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges {
        succ[e.u].push(e.v);
        pred[e.v].push(e.u);
    }
    let order = topo_order(&succ, &pred);
    let mut rank = vec![0usize; n];
    for &v in &order {
        for &w in &succ[v] {
            rank[w] = rank[w].max(rank[v] + 1);
        }
    }
    // Floating sources (assets, objects) sit just above their nearest successor.
    for &v in order.iter().rev() {
        if pred[v].is_empty() && nodes[v].float && !start.contains(&v) {
            if let Some(m) = succ[v].iter().map(|&w| rank[w]).min() {
                rank[v] = m.saturating_sub(1);
            }
        }
    }
    let connected = |v: usize| !succ[v].is_empty() || !pred[v].is_empty();
    let isolated: Vec<usize> = (0..n).filter(|&v| !connected(v)).collect();
    let mut count = (0..n)
        .filter(|&v| connected(v))
        .map(|v| rank[v] + 1)
        .max()
        .unwrap_or(0);
    // Isolated nodes fill rows of their own below the rest, as wide as the widest rank.
    if !isolated.is_empty() {
        let mut widths = vec![0.0f64; count];
        for v in (0..n).filter(|&v| connected(v)) {
            widths[rank[v]] += axes.cross_size(v) + node_gap;
        }
        let limit = widths.iter().copied().fold(0.0, f64::max).max(900.0);
        let mut used = 0.0;
        let mut row = count;
        for &v in &isolated {
            if used > 0.0 && used + axes.cross_size(v) > limit {
                row += 1;
                used = 0.0;
            }
            rank[v] = row;
            used += axes.cross_size(v) + node_gap;
        }
        count = row + 1;
    }
    Ranking {
        rank,
        count,
        isolated,
    }
}

/// Kahn's algorithm; the graph is acyclic after cycle breaking, but any leftovers are
/// appended so every node appears once.
fn topo_order(succ: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let n = succ.len();
    let mut indeg: Vec<usize> = pred.iter().map(Vec::len).collect();
    let mut queue: VecDeque<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    while let Some(v) = queue.pop_front() {
        order.push(v);
        seen[v] = true;
        for &w in &succ[v] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    order.extend((0..n).filter(|&v| !seen[v]));
    order
}

/// The proper layered graph: real nodes `0..n`, dummy nodes `n..`, and for every layout edge
/// the chain of nodes it runs through.
pub(crate) struct Proper {
    /// Number of real nodes.
    pub n: usize,
    /// Rank of every node, real and dummy.
    pub rank: Vec<usize>,
    /// Per layout edge: its source, its dummies in rank order, its target. A *direct* edge
    /// (one past the route budget) has no dummies even when it spans several ranks.
    pub chains: Vec<Vec<usize>>,
    /// Per layout edge: the bundle it belongs to, for bundles of two or more edges.
    pub bundle: Vec<Option<usize>>,
    /// Per bundle: the layout edge that carries the bundle's label (its first edge).
    pub bundle_label: Vec<usize>,
    /// Neighbours one rank up, per node (direct edges left out).
    pub up: Vec<Vec<usize>>,
    /// Neighbours one rank down, per node (direct edges left out).
    pub down: Vec<Vec<usize>>,
    /// Floating nodes (assets, objects) and the dummies of edges to or from them.
    pub floating: Vec<bool>,
}

impl Proper {
    /// Real and dummy nodes.
    pub fn total(&self) -> usize {
        self.rank.len()
    }

    /// Is `v` a dummy?
    pub fn is_dummy(&self, v: usize) -> bool {
        v >= self.n
    }
}

/// Adds dummy nodes in the ranks that layout edges pass: one per rank and edge, except that
/// the edges of one bundle share theirs (so a bundle runs as one line until its edges part),
/// and that edges are served shortest first until `budget` rank crossings are spent; longer
/// edges stay direct.
pub(crate) fn insert_dummies(
    nodes: &[NodeSpec],
    specs: &[EdgeSpec],
    acyclic: &Acyclic,
    ranking: &Ranking,
    budget: usize,
) -> Proper {
    let n = nodes.len();
    let edges = &acyclic.edges;
    let span = |e: &LayoutEdge| ranking.rank[e.v].saturating_sub(ranking.rank[e.u] + 1);
    // Bundles: (drawn source, key, drawn from the layout source?) -> bundle index.
    let mut bundle_ids: HashMap<(usize, usize, bool), usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut bundle_of: Vec<Option<usize>> = vec![None; edges.len()];
    for (k, e) in edges.iter().enumerate() {
        let Some(key) = specs[e.edge].bundle else { continue };
        let from_u = acyclic.drawn_from_u(e, specs);
        let source = if from_u { e.u } else { e.v };
        let b = *bundle_ids.entry((source, key, from_u)).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[b].push(k);
        bundle_of[k] = Some(b);
    }
    // Only bundles of two or more edges count; renumber them.
    let mut renumber: Vec<Option<usize>> = vec![None; members.len()];
    let mut bundle_label = Vec::new();
    for (b, m) in members.iter().enumerate() {
        if m.len() > 1 {
            renumber[b] = Some(bundle_label.len());
            bundle_label.push(m[0]);
        }
    }
    let bundle: Vec<Option<usize>> = bundle_of.iter().map(|b| b.and_then(|b| renumber[b])).collect();
    // Shortest edges first get their dummies.
    let mut by_span: Vec<usize> = (0..edges.len()).collect();
    by_span.sort_by_key(|&k| span(&edges[k]));
    let mut routed = vec![false; edges.len()];
    let mut spent = 0usize;
    for k in by_span {
        let cost = span(&edges[k]);
        if spent + cost > budget {
            break;
        }
        spent += cost;
        routed[k] = true;
    }
    let mut rank = ranking.rank.clone();
    let mut floating: Vec<bool> = nodes.iter().map(|s| s.float).collect();
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new(); // (bundle, rank) -> dummy
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for (k, e) in edges.iter().enumerate() {
        let mut chain = vec![e.u];
        let float = nodes[e.u].float || nodes[e.v].float;
        if routed[k] {
            for r in ranking.rank[e.u] + 1..ranking.rank[e.v] {
                let mut fresh = || {
                    rank.push(r);
                    floating.push(float);
                    rank.len() - 1
                };
                let d = match bundle[k] {
                    Some(b) => *shared.entry((b, r)).or_insert_with(&mut fresh),
                    None => fresh(),
                };
                floating[d] |= float;
                chain.push(d);
            }
        }
        chain.push(e.v);
        chains.push(chain);
    }
    let total = rank.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut linked: HashSet<(usize, usize)> = HashSet::new();
    for (k, chain) in chains.iter().enumerate() {
        if !routed[k] && span(&edges[k]) > 0 {
            continue;
        }
        for w in chain.windows(2) {
            // A bundle's shared pieces are linked once.
            if bundle[k].is_none() || linked.insert((w[0], w[1])) {
                down[w[0]].push(w[1]);
                up[w[1]].push(w[0]);
            }
        }
    }
    Proper {
        n,
        rank,
        chains,
        bundle,
        bundle_label,
        up,
        down,
        floating,
    }
}
