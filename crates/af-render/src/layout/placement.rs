//! Stage 4, placement: coordinates along each rank (*cross*: weighted least squares towards
//! the neighbours, keeping order and spacing), rows of isolated nodes, and the position of
//! each rank along the flow (*main*), with gaps tall enough for the edge labels in them.

use super::cycles::Acyclic;
use super::layering::{Proper, Ranking};
use super::{Axes, Direction, EdgeSpec, Spacing};

/// Cross coordinates of every node (real and dummy), shifted so the drawing starts at the
/// margin, and the cross extent of the drawing (margins included).
pub(crate) struct Cross {
    pub x: Vec<f64>,
    pub extent: f64,
}

/// Places every rank's nodes along the rank.
pub(crate) fn cross_positions(
    proper: &Proper,
    layers: &[Vec<usize>],
    ranking: &Ranking,
    axes: &Axes<'_>,
    sp: Spacing,
) -> Cross {
    let total = proper.total();
    let csize = |v: usize| {
        if proper.is_dummy(v) {
            0.0
        } else {
            axes.cross_size(v)
        }
    };
    let gap = |a: usize, b: usize| {
        if proper.is_dummy(a) || proper.is_dummy(b) {
            sp.dummy_gap
        } else {
            sp.node_gap
        }
    };
    let sep = |a: usize, b: usize| gap(a, b) + (csize(a) + csize(b)) / 2.0;
    // Start packed from 0 in the initial order.
    let mut x = vec![0.0f64; total];
    for layer in layers {
        for i in 1..layer.len() {
            x[layer[i]] = x[layer[i - 1]] + sep(layer[i - 1], layer[i]);
        }
    }
    let floating = |v: usize| proper.floating[v];
    // Pull of neighbour `u` on node `v`: long edges stay straight; a flow step hardly moves
    // for the assets and objects hanging off it (or edges to them), while they follow it.
    let weight = |u: usize, v: usize| {
        if floating(u) && !floating(v) && !proper.is_dummy(v) {
            return 0.05;
        }
        match (proper.is_dummy(u), proper.is_dummy(v)) {
            (true, true) => 8.0,
            (false, false) => 1.0,
            _ => 2.0,
        }
    };
    // How strongly a node keeps its desired place when neighbours crowd it.
    // (Objects hanging off a flow step yield almost completely: otherwise every one of them
    // would nudge the step sideways, and a long chain would drift across the page.)
    let inertia = |v: usize| {
        if floating(v) {
            0.05
        } else if proper.is_dummy(v) {
            6.0
        } else {
            10.0
        }
    };
    let mut desired = vec![0.0f64; total];
    for iteration in 0..10 {
        // Sweeps down (towards the upper neighbours) and up (towards the lower ones); the
        // last iteration balances both.
        let passes: &[(bool, bool)] = if iteration == 9 {
            &[(true, true)]
        } else {
            &[(true, false), (false, true)]
        };
        for &(use_up, use_down) in passes {
            let ranks: Vec<usize> = if use_up && !use_down {
                (0..layers.len()).collect()
            } else {
                (0..layers.len()).rev().collect()
            };
            for r in ranks {
                for &v in &layers[r] {
                    let mut sum = 0.0;
                    let mut wsum = 0.0;
                    let neighbours = use_up
                        .then_some(&proper.up[v])
                        .into_iter()
                        .chain(use_down.then_some(&proper.down[v]))
                        .flatten();
                    for &u in neighbours {
                        let w = weight(u, v);
                        sum += w * x[u];
                        wsum += w;
                    }
                    desired[v] = if wsum > 0.0 { sum / wsum } else { x[v] };
                }
                place(&layers[r], &desired, &mut x, inertia, sep);
            }
        }
    }
    // Rows of isolated nodes start at the left edge of the rest.
    if !ranking.isolated.is_empty() {
        let mut is_isolated = vec![false; total];
        for &v in &ranking.isolated {
            is_isolated[v] = true;
        }
        let left = (0..total)
            .filter(|&v| !is_isolated[v])
            .map(|v| x[v] - csize(v) / 2.0)
            .fold(f64::INFINITY, f64::min);
        let left = if left.is_finite() { left } else { 0.0 };
        let mut row_pos: Vec<Option<f64>> = vec![None; ranking.count];
        for &v in &ranking.isolated {
            let r = ranking.rank[v];
            let pos = row_pos[r].unwrap_or(left);
            x[v] = pos + csize(v) / 2.0;
            row_pos[r] = Some(pos + csize(v) + sp.node_gap);
        }
    }
    let min_cross = (0..total)
        .map(|v| x[v] - csize(v) / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = if min_cross.is_finite() {
        sp.margin - min_cross
    } else {
        sp.margin
    };
    for xv in &mut x {
        *xv += shift;
    }
    let extent = (0..total).map(|v| x[v] + csize(v) / 2.0).fold(0.0, f64::max) + sp.margin;
    Cross { x, extent }
}

/// Places one layer's nodes as close as possible (weighted least squares) to their desired
/// positions while keeping their order and minimum separations: isotonic regression by
/// pooling adjacent violators. Heavier nodes move less.
pub(crate) fn place(
    layer: &[usize],
    desired: &[f64],
    x: &mut [f64],
    weight: impl Fn(usize) -> f64,
    sep: impl Fn(usize, usize) -> f64,
) {
    if layer.is_empty() {
        return;
    }
    // offsets[i]: minimal distance from the first node to node i.
    let mut offsets = vec![0.0f64; layer.len()];
    for i in 1..layer.len() {
        offsets[i] = offsets[i - 1] + sep(layer[i - 1], layer[i]);
    }
    // Blocks of (weighted sum, weight, first index).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (i, &v) in layer.iter().enumerate() {
        let w = weight(v);
        blocks.push((w * (desired[v] - offsets[i]), w, i));
        while blocks.len() > 1 {
            let (s2, c2, _) = blocks[blocks.len() - 1];
            let (s1, c1, _) = blocks[blocks.len() - 2];
            if s1 / c1 > s2 / c2 {
                blocks.pop();
                if let Some(last) = blocks.last_mut() {
                    last.0 = s1 + s2;
                    last.1 = c1 + c2;
                }
            } else {
                break;
            }
        }
    }
    for (b, &(s, c, first)) in blocks.iter().enumerate() {
        let end = blocks.get(b + 1).map_or(layer.len(), |n| n.2);
        let base = s / c;
        for i in first..end {
            x[layer[i]] = base + offsets[i];
        }
    }
}

/// Where the ranks lie along the flow.
pub(crate) struct Main {
    /// Start of each rank.
    pub start: Vec<f64>,
    /// Size of each rank (its largest node).
    pub size: Vec<f64>,
    /// Main extent of the drawing (margins and the `top` offset included).
    pub extent: f64,
}

impl Main {
    /// End of rank `r`.
    pub fn end(&self, r: usize) -> f64 {
        self.start[r] + self.size[r]
    }

    /// Centre of rank `r`.
    pub fn center(&self, r: usize) -> f64 {
        self.start[r] + self.size[r] / 2.0
    }
}

/// Positions the ranks along the flow: each rank is as deep as its largest node, and each gap
/// grows to hold the labels of the edges drawn from the rank before it.
pub(crate) fn main_positions(
    ranking: &Ranking,
    acyclic: &Acyclic,
    specs: &[EdgeSpec],
    axes: &Axes<'_>,
    sp: Spacing,
) -> Main {
    let count = ranking.count;
    let mut size = vec![0.0f64; count];
    for (v, &r) in ranking.rank.iter().enumerate() {
        size[r] = size[r].max(axes.main_size(v));
    }
    // Label of each edge sits in the gap next to its drawn source.
    let mut gap_extra = vec![0.0f64; count];
    for e in &acyclic.edges {
        let Some((lw, lh)) = specs[e.edge].label else {
            continue;
        };
        let gap = if acyclic.drawn_from_u(e, specs) {
            ranking.rank[e.u]
        } else {
            ranking.rank[e.v] - 1
        };
        let need = match axes.dir {
            Direction::TopDown => lh + 20.0,
            Direction::LeftRight => lw + 28.0,
        };
        gap_extra[gap] = gap_extra[gap].max(need);
    }
    let mut start = vec![0.0f64; count];
    let mut pos = sp.margin
        + match axes.dir {
            Direction::TopDown => sp.top,
            Direction::LeftRight => 0.0,
        };
    for r in 0..count {
        start[r] = pos;
        pos += size[r] + sp.rank_gap.max(gap_extra[r]);
    }
    let extent = pos - sp.rank_gap.max(gap_extra.last().copied().unwrap_or(0.0)) + sp.margin;
    Main { start, size, extent }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_keeps_order_and_separation() {
        let layer = vec![0, 1, 2];
        let desired = vec![0.0, 0.0, 0.0];
        let mut x = vec![0.0; 3];
        place(&layer, &desired, &mut x, |_| 1.0, |_, _| 10.0);
        assert_eq!(x, vec![-10.0, 0.0, 10.0]);
    }
}
