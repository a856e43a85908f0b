//! Stage 2, layering: every node gets a rank (longest path over the acyclic edges; floating
//! sources move next to their successors; isolated nodes fill rows below everything else),
//! and edges that span several ranks get a dummy node in each rank they pass, giving the
//! *proper* layered graph the later stages work on.

use super::cycles::LayoutEdge;
use super::{Axes, NodeSpec};
use std::collections::VecDeque;

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
    /// Per layout edge: its source, its dummies in rank order, its target.
    pub chains: Vec<Vec<usize>>,
    /// Neighbours one rank up, per node.
    pub up: Vec<Vec<usize>>,
    /// Neighbours one rank down, per node.
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

/// Adds a dummy node in every rank a layout edge passes.
pub(crate) fn insert_dummies(nodes: &[NodeSpec], edges: &[LayoutEdge], ranking: &Ranking) -> Proper {
    let n = nodes.len();
    let mut rank = ranking.rank.clone();
    let mut floating: Vec<bool> = nodes.iter().map(|s| s.float).collect();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for e in edges {
        let mut chain = vec![e.u];
        for r in ranking.rank[e.u] + 1..ranking.rank[e.v] {
            chain.push(rank.len());
            rank.push(r);
            floating.push(nodes[e.u].float || nodes[e.v].float);
        }
        chain.push(e.v);
        chains.push(chain);
    }
    let total = rank.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); total];
    for chain in &chains {
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }
    Proper {
        n,
        rank,
        chains,
        up,
        down,
        floating,
    }
}
