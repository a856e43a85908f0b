//! A layered (Sugiyama-style) layout: break cycles, rank by longest path, add dummy nodes for
//! edges that span several ranks, order each rank with barycenter sweeps to reduce crossings,
//! place nodes along the rank with an order-preserving least-squares projection, and route
//! edges as straight stubs inside ranks and cubic curves across the gaps between them.
//!
//! Everything here works in *main* (along the flow: y for top-down, x for left-to-right) and
//! *cross* (along a rank) coordinates; [`Layout`] converts to screen x/y.

use std::collections::VecDeque;

/// Which way the flow runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Top to bottom.
    #[default]
    TopDown,
    /// Left to right.
    LeftRight,
}

/// The outline of a node, as far as edge endpoints are concerned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// A rectangle with rounded corners of this radius.
    Rect {
        /// Corner radius.
        radius: f64,
    },
    /// A hexagon whose left and right sides come to a point `inset` pixels in from the box.
    Hexagon {
        /// How far the points stick out beyond the flat top and bottom.
        inset: f64,
    },
    /// An ellipse filling the box (a circle when the box is square).
    Ellipse,
}

/// One node to place: its screen size and outline.
#[derive(Debug, Clone, Copy)]
pub struct NodeSpec {
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
    /// Outline.
    pub shape: Shape,
    /// May a node with no incoming edges move down next to its first successor (true for
    /// assets and other objects; false for the flow's steps, which start at the top)?
    pub float: bool,
}

/// One edge to route, in its drawing direction.
#[derive(Debug, Clone)]
pub struct EdgeSpec {
    /// Source node.
    pub from: usize,
    /// Target node.
    pub to: usize,
    /// Lay the edge out as if it pointed the other way (goal-at-top trees).
    pub flip: bool,
    /// Size (width, height) of the label box, if the edge has a label.
    pub label: Option<(f64, f64)>,
}

/// Spacing settings.
#[derive(Debug, Clone, Copy)]
pub struct Spacing {
    /// Gap between neighbouring nodes of one rank.
    pub node_gap: f64,
    /// Gap next to a dummy (a long edge passing through a rank).
    pub dummy_gap: f64,
    /// Minimum gap between ranks.
    pub rank_gap: f64,
    /// Margin around the drawing.
    pub margin: f64,
    /// Offset of the whole drawing along screen y (room for a heading).
    pub top: f64,
}

impl Default for Spacing {
    fn default() -> Self {
        Spacing {
            node_gap: 28.0,
            dummy_gap: 14.0,
            rank_gap: 44.0,
            margin: 24.0,
            top: 0.0,
        }
    }
}

/// A point on screen.
pub type Point = (f64, f64);

/// One piece of an edge's path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// A straight line to the point.
    Line(Point),
    /// A cubic Bézier curve with two control points to the point.
    Curve(Point, Point, Point),
}

/// A routed edge: a start point on the source's outline and segments ending on the
/// target's outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Start, on the source node's outline.
    pub start: Point,
    /// The pieces, the last ending on the target node's outline.
    pub segments: Vec<Segment>,
    /// Centre of the label box, when the edge has a label.
    pub label: Option<Point>,
}

impl Route {
    /// The end point.
    pub fn end(&self) -> Point {
        match self.segments.last() {
            Some(Segment::Line(p)) | Some(Segment::Curve(_, _, p)) => *p,
            None => self.start,
        }
    }
}

/// The result: node centres, edge routes and the drawing's size.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Centre of each node.
    pub centers: Vec<Point>,
    /// Route of each edge (same order as the input edges). Self-loops get a small loop on the
    /// node's side.
    pub routes: Vec<Route>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing (including the `top` offset).
    pub height: f64,
    /// Rank of each node.
    pub ranks: Vec<usize>,
}

/// How far from the centre, along the main axis, the outline lies at cross offset `d`; and
/// the largest |d| at which edges may attach.
fn outline(shape: Shape, dir: Direction, w: f64, h: f64, d: f64) -> f64 {
    let (half_main, half_cross) = match dir {
        Direction::TopDown => (h / 2.0, w / 2.0),
        Direction::LeftRight => (w / 2.0, h / 2.0),
    };
    match shape {
        Shape::Rect { .. } => half_main,
        Shape::Hexagon { inset } => match dir {
            Direction::TopDown => half_main,
            Direction::LeftRight => half_main - inset * (d.abs() / half_cross).min(1.0),
        },
        Shape::Ellipse => {
            let t = (d / half_cross).clamp(-1.0, 1.0);
            half_main * (1.0 - t * t).max(0.0).sqrt()
        }
    }
}

fn port_range(shape: Shape, dir: Direction, w: f64, h: f64) -> f64 {
    let half_cross = match dir {
        Direction::TopDown => w / 2.0,
        Direction::LeftRight => h / 2.0,
    };
    match shape {
        Shape::Rect { radius } => (half_cross - radius - 2.0).max(0.0).min(half_cross * 0.7),
        Shape::Hexagon { inset } => match dir {
            Direction::TopDown => (half_cross - inset - 2.0).max(0.0).min(half_cross * 0.7),
            Direction::LeftRight => half_cross * 0.6,
        },
        Shape::Ellipse => half_cross * 0.7,
    }
}

/// Lays out `nodes` and `edges`.
pub fn layout(
    nodes: &[NodeSpec],
    edges: &[EdgeSpec],
    start: &[usize],
    dir: Direction,
    sp: Spacing,
) -> Layout {
    let n = nodes.len();
    let main_size = |i: usize| match dir {
        Direction::TopDown => nodes[i].height,
        Direction::LeftRight => nodes[i].width,
    };
    let cross_size = |i: usize| match dir {
        Direction::TopDown => nodes[i].width,
        Direction::LeftRight => nodes[i].height,
    };

    // Layout edges (u -> v) after flipping; self-loops are set aside.
    let mut ledges: Vec<(usize, usize, usize)> = Vec::new(); // (u, v, edge index)
    for (i, e) in edges.iter().enumerate() {
        if e.from == e.to || e.from >= n || e.to >= n {
            continue;
        }
        let (u, v) = if e.flip { (e.to, e.from) } else { (e.from, e.to) };
        ledges.push((u, v, i));
    }
    let mut reversed = vec![false; edges.len()];
    break_cycles(n, &mut ledges, &mut reversed, start);

    // Ranks by longest path, then floating sources pulled next to their successors.
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(u, v, _) in &ledges {
        succ[u].push(v);
        pred[v].push(u);
    }
    let order = topo_order(n, &succ, &pred);
    let mut rank = vec![0usize; n];
    for &v in &order {
        for &w in &succ[v] {
            rank[w] = rank[w].max(rank[v] + 1);
        }
    }
    for &v in order.iter().rev() {
        if pred[v].is_empty() && nodes[v].float && !start.contains(&v) {
            if let Some(m) = succ[v].iter().map(|&w| rank[w]).min() {
                rank[v] = m.saturating_sub(1);
            }
        }
    }
    // Isolated nodes go in rows of their own below everything else.
    let isolated: Vec<usize> = (0..n)
        .filter(|&v| succ[v].is_empty() && pred[v].is_empty())
        .collect();
    let connected_max = (0..n)
        .filter(|v| !succ[*v].is_empty() || !pred[*v].is_empty())
        .map(|v| rank[v])
        .max();
    let mut nranks = connected_max.map_or(0, |m| m + 1);
    if !isolated.is_empty() {
        let mut widths = vec![0.0f64; nranks];
        for v in 0..n {
            if !succ[v].is_empty() || !pred[v].is_empty() {
                widths[rank[v]] += cross_size(v) + sp.node_gap;
            }
        }
        let limit = widths.iter().copied().fold(0.0, f64::max).max(900.0);
        let mut used = 0.0;
        let mut row = nranks;
        for &v in &isolated {
            if used > 0.0 && used + cross_size(v) > limit {
                row += 1;
                used = 0.0;
            }
            rank[v] = row;
            used += cross_size(v) + sp.node_gap;
        }
        nranks = row + 1;
    }

    // Dummy nodes: ids n.. ; chains per layout edge.
    let mut node_rank: Vec<usize> = rank.clone();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(ledges.len()); // full chain u, d.., v
                                                                        // Dummies of edges to or from a floating node.
    let mut dummy_float: Vec<bool> = Vec::new();
    for &(u, v, _) in &ledges {
        let mut chain = vec![u];
        for r in rank[u] + 1..rank[v] {
            chain.push(node_rank.len());
            node_rank.push(r);
            dummy_float.push(nodes[u].float || nodes[v].float);
        }
        chain.push(v);
        chains.push(chain);
    }
    let total = node_rank.len();
    let is_dummy = |v: usize| v >= n;
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); total];
    for chain in &chains {
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }

    // Initial order: depth-first from the start nodes, then the rest in input order.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); nranks];
    let mut placed = vec![false; total];
    let mut roots: Vec<usize> = start.iter().copied().filter(|&s| s < n).collect();
    roots.extend((0..n).filter(|&v| up[v].is_empty()));
    roots.extend(0..total);
    for root in roots {
        if placed[root] {
            continue;
        }
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if placed[v] {
                continue;
            }
            placed[v] = true;
            layers[node_rank[v]].push(v);
            for &w in down[v].iter().rev() {
                if !placed[w] {
                    stack.push(w);
                }
            }
        }
    }
    order_layers(&mut layers, &up, &down, total);

    // Coordinates along the ranks.
    let csize = |v: usize| if is_dummy(v) { 0.0 } else { cross_size(v) };
    let mut x = vec![0.0f64; total];
    for layer in &layers {
        let mut pos = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                pos += gap_between(layer[i - 1], v, n, sp) + csize(layer[i - 1]) / 2.0;
            }
            pos += if i > 0 { csize(v) / 2.0 } else { 0.0 };
            x[v] = pos;
        }
    }
    let floating = |v: usize| if v < n { nodes[v].float } else { dummy_float[v - n] };
    // Pull of neighbour `u` on node `v`: long edges stay straight; a flow step hardly moves
    // for the assets and objects hanging off it (or edges to them), while they follow it.
    let weight = |u: usize, v: usize| {
        if floating(u) && !floating(v) && !is_dummy(v) {
            return 0.05;
        }
        match (is_dummy(u), is_dummy(v)) {
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
        } else if is_dummy(v) {
            6.0
        } else {
            10.0
        }
    };
    let mut desired = vec![0.0f64; total];
    for iteration in 0..10 {
        let passes: Vec<(bool, bool)> = if iteration == 9 {
            vec![(true, true)]
        } else {
            vec![(true, false), (false, true)]
        };
        for (use_up, use_down) in passes {
            let ranks: Vec<usize> = if use_up && !use_down {
                (0..nranks).collect()
            } else {
                (0..nranks).rev().collect()
            };
            for r in ranks {
                for &v in &layers[r] {
                    let mut sum = 0.0;
                    let mut wsum = 0.0;
                    if use_up {
                        for &u in &up[v] {
                            let w = weight(u, v);
                            sum += w * x[u];
                            wsum += w;
                        }
                    }
                    if use_down {
                        for &u in &down[v] {
                            let w = weight(u, v);
                            sum += w * x[u];
                            wsum += w;
                        }
                    }
                    desired[v] = if wsum > 0.0 { sum / wsum } else { x[v] };
                }
                place(&layers[r], &desired, &mut x, inertia, |a, b| {
                    gap_between(a, b, n, sp) + (csize(a) + csize(b)) / 2.0
                });
            }
        }
    }
    // Rows of isolated nodes start at the left edge of the rest.
    if !isolated.is_empty() {
        let left = (0..total)
            .filter(|&v| v >= n || !isolated.contains(&v))
            .map(|v| x[v] - csize(v) / 2.0)
            .fold(f64::INFINITY, f64::min);
        let left = if left.is_finite() { left } else { 0.0 };
        let mut row_pos: Vec<Option<f64>> = vec![None; nranks];
        for &v in &isolated {
            let r = rank[v];
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
    let cross_extent = (0..total).map(|v| x[v] + csize(v) / 2.0).fold(0.0, f64::max) + sp.margin;

    // Ranks along the main axis; gaps grow to hold the labels placed in them.
    let mut rank_size = vec![0.0f64; nranks];
    for v in 0..n {
        rank_size[rank[v]] = rank_size[rank[v]].max(main_size(v));
    }
    // Label of each edge sits in the gap next to its drawn source.
    let mut label_gap: Vec<Option<usize>> = vec![None; edges.len()];
    let mut gap_extra = vec![0.0f64; nranks];
    for &(u, v, i) in &ledges {
        let Some((lw, lh)) = edges[i].label else { continue };
        let drawn_source_is_u = !(reversed[i] ^ edges[i].flip);
        let gap = if drawn_source_is_u { rank[u] } else { rank[v] - 1 };
        label_gap[i] = Some(gap);
        let need = match dir {
            Direction::TopDown => lh + 20.0,
            Direction::LeftRight => lw + 28.0,
        };
        gap_extra[gap] = gap_extra[gap].max(need);
    }
    let mut rank_start = vec![0.0f64; nranks];
    let mut pos = sp.margin
        + match dir {
            Direction::TopDown => sp.top,
            Direction::LeftRight => 0.0,
        };
    for r in 0..nranks {
        rank_start[r] = pos;
        pos += rank_size[r] + sp.rank_gap.max(gap_extra[r]);
    }
    let main_extent = pos - sp.rank_gap.max(gap_extra.last().copied().unwrap_or(0.0)) + sp.margin;
    let rank_end = |r: usize| rank_start[r] + rank_size[r];
    let center_main = |v: usize| rank_start[node_rank[v]] + rank_size[node_rank[v]] / 2.0;

    // Ports: spread the edges leaving (and entering) each node along its outline.
    let mut out_port = vec![0.0f64; ledges.len()];
    let mut in_port = vec![0.0f64; ledges.len()];
    let mut by_node_out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut by_node_in: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, chain) in chains.iter().enumerate() {
        by_node_out[chain[0]].push(k);
        by_node_in[chain[chain.len() - 1]].push(k);
    }
    for v in 0..n {
        let range = port_range(nodes[v].shape, dir, nodes[v].width, nodes[v].height);
        let spread = |ks: &mut Vec<usize>, next: &dyn Fn(usize) -> f64, out: &mut Vec<f64>| {
            ks.sort_by(|&a, &b| next(a).total_cmp(&next(b)));
            let count = ks.len();
            if count == 0 {
                return;
            }
            let step = if count > 1 {
                (2.0 * range / (count - 1) as f64).min(14.0)
            } else {
                0.0
            };
            for (i, &k) in ks.iter().enumerate() {
                out[k] = (i as f64 - (count - 1) as f64 / 2.0) * step;
            }
        };
        spread(&mut by_node_out[v], &|k| x[chains[k][1]], &mut out_port);
        spread(
            &mut by_node_in[v],
            &|k| x[chains[k][chains[k].len() - 2]],
            &mut in_port,
        );
    }

    let to_screen = |main: f64, cross: f64| -> Point {
        match dir {
            Direction::TopDown => (cross, main),
            Direction::LeftRight => (main, cross),
        }
    };
    let mut routes: Vec<Route> = edges
        .iter()
        .map(|_| Route {
            start: (0.0, 0.0),
            segments: Vec::new(),
            label: None,
        })
        .collect();
    for (k, chain) in chains.iter().enumerate() {
        let (u, v, i) = ledges[k];
        // Points in main/cross, from u to v.
        let mut pts: Vec<(f64, f64)> = Vec::new();
        let cu = x[u] + out_port[k];
        let nu = &nodes[u];
        pts.push((
            center_main(u) + outline(nu.shape, dir, nu.width, nu.height, out_port[k]),
            cu,
        ));
        pts.push((rank_end(rank[u]), cu));
        for &d in &chain[1..chain.len() - 1] {
            pts.push((rank_start[node_rank[d]], x[d]));
            pts.push((rank_end(node_rank[d]), x[d]));
        }
        let cv = x[v] + in_port[k];
        let nv = &nodes[v];
        pts.push((rank_start[rank[v]], cv));
        pts.push((
            center_main(v) - outline(nv.shape, dir, nv.width, nv.height, in_port[k]),
            cv,
        ));
        // Label in its gap: the middle of that gap's curve.
        let label = label_gap[i].map(|g| {
            let idx = 2 * (g - rank[u]) + 1; // pts[idx] -> pts[idx + 1] crosses gap g
            let a = pts[idx];
            let b = pts[idx + 1];
            ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
        });
        let flip_drawing = reversed[i] ^ edges[i].flip;
        if flip_drawing {
            pts.reverse();
        }
        let screen: Vec<Point> = pts.iter().map(|&(m, c)| to_screen(m, c)).collect();
        let mut segments = Vec::new();
        for j in 1..pts.len() {
            let (a, b) = (pts[j - 1], pts[j]);
            // Odd steps (1→2, 3→4, …) cross a gap.
            if j % 2 == 0 {
                let mid = (a.0 + b.0) / 2.0;
                segments.push(Segment::Curve(
                    to_screen(mid, a.1),
                    to_screen(mid, b.1),
                    screen[j],
                ));
            } else if (a.0 - b.0).abs() > 1e-9 || (a.1 - b.1).abs() > 1e-9 {
                segments.push(Segment::Line(screen[j]));
            }
        }
        routes[i] = Route {
            start: screen[0],
            segments,
            label: label.map(|(m, c)| to_screen(m, c)),
        };
    }
    // Self-loops: out of the far side and back into the near side, bulging sideways.
    for (i, e) in edges.iter().enumerate() {
        if e.from != e.to || e.from >= n {
            continue;
        }
        let v = e.from;
        let nv = &nodes[v];
        let d = port_range(nv.shape, dir, nv.width, nv.height);
        let half_cross = csize(v) / 2.0;
        let c = x[v];
        let m = center_main(v);
        let off = outline(nv.shape, dir, nv.width, nv.height, d);
        let a = (m + off, c + d);
        let b = (m - off, c + d);
        let bulge = c + half_cross + sp.dummy_gap.min(12.0);
        let segs = vec![Segment::Curve(
            to_screen(a.0 + 18.0, bulge),
            to_screen(b.0 - 18.0, bulge),
            to_screen(b.0, b.1),
        )];
        routes[i] = Route {
            start: to_screen(a.0, a.1),
            segments: segs,
            label: e.label.map(|_| to_screen(m, bulge + 4.0)),
        };
    }
    separate_labels(&mut routes, edges, dir);

    let centers: Vec<Point> = (0..n).map(|v| to_screen(center_main(v), x[v])).collect();
    let (width, height) = match dir {
        Direction::TopDown => (cross_extent, main_extent),
        Direction::LeftRight => (main_extent, cross_extent + sp.top),
    };
    let centers = match dir {
        Direction::TopDown => centers,
        Direction::LeftRight => centers.into_iter().map(|(a, b)| (a, b + sp.top)).collect(),
    };
    if dir == Direction::LeftRight {
        for r in &mut routes {
            shift_route(r, sp.top);
        }
    }
    Layout {
        centers,
        routes,
        width,
        height,
        ranks: rank,
    }
}

fn shift_route(r: &mut Route, dy: f64) {
    let s = |p: &mut Point| p.1 += dy;
    s(&mut r.start);
    for seg in &mut r.segments {
        match seg {
            Segment::Line(p) => s(p),
            Segment::Curve(a, b, c) => {
                s(a);
                s(b);
                s(c);
            }
        }
    }
    if let Some(l) = &mut r.label {
        s(l);
    }
}

fn gap_between(a: usize, b: usize, n: usize, sp: Spacing) -> f64 {
    if a >= n || b >= n {
        sp.dummy_gap
    } else {
        sp.node_gap
    }
}

/// Reverses edges closing a cycle, found by depth-first search from the start nodes.
fn break_cycles(n: usize, ledges: &mut [(usize, usize, usize)], reversed: &mut [bool], start: &[usize]) {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for (k, &(u, v, _)) in ledges.iter().enumerate() {
        out[u].push(k);
        indeg[v] += 1;
    }
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut roots: Vec<usize> = start.iter().copied().filter(|&s| s < n).collect();
    roots.extend((0..n).filter(|&v| indeg[v] == 0));
    roots.extend(0..n);
    let mut to_reverse = Vec::new();
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < out[v].len() {
                let k = out[v][*next];
                *next += 1;
                let w = ledges[k].1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => to_reverse.push(k),
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    for k in to_reverse {
        let (u, v, i) = ledges[k];
        ledges[k] = (v, u, i);
        reversed[i] = !reversed[i];
    }
}

/// Kahn's algorithm; the graph is acyclic after [`break_cycles`], but any leftovers are
/// appended so every node appears once.
fn topo_order(n: usize, succ: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
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

/// Barycenter sweeps down and up, keeping the order with the fewest crossings.
fn order_layers(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], total: usize) {
    let mut pos = vec![0usize; total];
    let index = |layers: &[Vec<usize>], pos: &mut [usize]| {
        for layer in layers {
            for (i, &v) in layer.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    index(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut best_cross = crossings(layers, down, &pos);
    for sweep in 0..12 {
        if best_cross == 0 {
            break;
        }
        let downward = sweep % 2 == 0;
        let ranks: Vec<usize> = if downward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for r in ranks {
            let neighbours = if downward { up } else { down };
            let mut keyed: Vec<(f64, usize, usize)> = layers[r]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        i as f64
                    } else {
                        ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[r] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = crossings(layers, down, &pos);
        if c < best_cross {
            best_cross = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Number of edge crossings between consecutive layers (inversion count with a Fenwick tree).
pub(crate) fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for r in 0..layers.len().saturating_sub(1) {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for &u in &layers[r] {
            for &v in &down[u] {
                pairs.push((pos[u], pos[v]));
            }
        }
        pairs.sort_unstable();
        let size = layers[r + 1].len() + 1;
        let mut tree = vec![0usize; size + 1];
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            // Count earlier pairs with a larger target position.
            let mut i = b + 1;
            let mut le = 0;
            while i > 0 {
                le += tree[i];
                i &= i - 1;
            }
            total += seen - le;
            let mut i = b + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Places one layer's nodes as close as possible (weighted least squares) to their desired
/// positions while keeping their order and minimum separations: isotonic regression by
/// pooling adjacent violators. Heavier nodes move less.
fn place(
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

/// Moves label boxes that overlap sideways apart (keeping their order).
fn separate_labels(routes: &mut [Route], edges: &[EdgeSpec], dir: Direction) {
    // Group by main coordinate (labels in one gap share it only roughly, so bucket them).
    let mut items: Vec<(usize, f64, f64, f64)> = Vec::new(); // (edge, main, cross, cross size)
    for (i, r) in routes.iter().enumerate() {
        if let (Some(p), Some((w, h))) = (r.label, edges[i].label) {
            let (main, cross, cs) = match dir {
                Direction::TopDown => (p.1, p.0, w),
                Direction::LeftRight => (p.0, p.1, h),
            };
            items.push((i, main, cross, cs));
        }
    }
    items.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)));
    let mut groups: Vec<Vec<(usize, f64, f64, f64)>> = Vec::new();
    for it in items {
        match groups.last_mut() {
            Some(g) if (g[0].1 - it.1).abs() < 24.0 => g.push(it),
            _ => groups.push(vec![it]),
        }
    }
    for mut g in groups {
        g.sort_by(|a, b| a.2.total_cmp(&b.2));
        let layer: Vec<usize> = (0..g.len()).collect();
        let desired: Vec<f64> = g.iter().map(|it| it.2).collect();
        let mut xs = desired.clone();
        place(
            &layer,
            &desired,
            &mut xs,
            |_| 1.0,
            |a, b| (g[a].3 + g[b].3) / 2.0 + 6.0,
        );
        for (k, it) in g.iter().enumerate() {
            if let Some(p) = &mut routes[it.0].label {
                match dir {
                    Direction::TopDown => p.0 = xs[k],
                    Direction::LeftRight => p.1 = xs[k],
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> NodeSpec {
        NodeSpec {
            width: 100.0,
            height: 40.0,
            shape: Shape::Rect { radius: 4.0 },
            float: false,
        }
    }

    fn edge(from: usize, to: usize) -> EdgeSpec {
        EdgeSpec {
            from,
            to,
            flip: false,
            label: None,
        }
    }

    #[test]
    fn chain_ranks_follow_edges_and_cycles_are_broken() {
        let nodes = vec![spec(); 3];
        let edges = vec![edge(0, 1), edge(1, 2), edge(2, 0)];
        let l = layout(&nodes, &edges, &[0], Direction::TopDown, Spacing::default());
        assert_eq!(l.ranks, vec![0, 1, 2]);
        assert!(l.centers[0].1 < l.centers[1].1 && l.centers[1].1 < l.centers[2].1);
        // The back edge still ends at node 0.
        let end = l.routes[2].end();
        assert!(
            (end.1 - (l.centers[0].1 - 20.0)).abs() < 1e-6 || (end.1 - (l.centers[0].1 + 20.0)).abs() < 1e-6
        );
    }

    #[test]
    fn barycenter_removes_an_avoidable_crossing() {
        // 0 -> 3, 1 -> 2 with 2 and 3 initially in the "wrong" order.
        let nodes = vec![spec(); 4];
        let edges = vec![edge(0, 3), edge(1, 2), edge(0, 2)];
        let l = layout(&nodes, &edges, &[0, 1], Direction::TopDown, Spacing::default());
        let mut layers = vec![vec![0, 1], vec![2, 3]];
        let (x0, x1) = (l.centers[0].0, l.centers[1].0);
        let (x2, x3) = (l.centers[2].0, l.centers[3].0);
        // Whatever the order, edge 0->3 and 1->2 must not cross.
        assert_eq!((x0 < x1), (x3 < x2), "{x0} {x1} {x2} {x3}");
        let down = vec![vec![3, 2], vec![2], vec![], vec![]];
        let pos = vec![0, 1, 0, 1];
        assert_eq!(crossings(&layers, &down, &pos), 1);
        layers[1].swap(0, 1);
        let pos = vec![0, 1, 1, 0];
        assert_eq!(crossings(&layers, &down, &pos), 0);
    }

    #[test]
    fn placement_keeps_order_and_separation() {
        let layer = vec![0, 1, 2];
        let desired = vec![0.0, 0.0, 0.0];
        let mut x = vec![0.0; 3];
        place(&layer, &desired, &mut x, |_| 1.0, |_, _| 10.0);
        assert_eq!(x, vec![-10.0, 0.0, 10.0]);
    }

    #[test]
    fn floating_sources_move_next_to_their_successor() {
        let mut nodes = vec![spec(); 4];
        nodes[3].float = true;
        let edges = vec![edge(0, 1), edge(1, 2), edge(3, 2)];
        let l = layout(&nodes, &edges, &[0], Direction::TopDown, Spacing::default());
        assert_eq!(l.ranks, vec![0, 1, 2, 1]);
    }
}
