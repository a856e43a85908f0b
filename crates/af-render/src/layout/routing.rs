//! Stage 5, routing: ports spread the edges along each node's outline; every edge runs
//! straight inside the ranks it passes and as a cubic curve across each gap; self-loops bulge
//! out of the node's side; labels sit mid-gap and are nudged apart where they overlap.

use super::cycles::Acyclic;
use super::layering::{Proper, Ranking};
use super::placement::{place, Cross, Main};
use super::{Axes, Direction, EdgeSpec, NodeSpec, Point, Route, Segment, Shape, Spacing};

/// How far from the centre, along the main axis, the outline lies at cross offset `d`.
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

/// The largest cross offset from the centre at which edges may attach.
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

/// Cross offsets (from the node's centre) where each chain leaves its source and enters its
/// target: the edges of a node are spread along its outline in the order of the neighbours
/// they lead to, at most 14 px apart.
fn ports(nodes: &[NodeSpec], proper: &Proper, x: &[f64], dir: Direction) -> (Vec<f64>, Vec<f64>) {
    let n = nodes.len();
    let chains = &proper.chains;
    let mut out_port = vec![0.0f64; chains.len()];
    let mut in_port = vec![0.0f64; chains.len()];
    let mut by_node_out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut by_node_in: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, chain) in chains.iter().enumerate() {
        by_node_out[chain[0]].push(k);
        by_node_in[chain[chain.len() - 1]].push(k);
    }
    let spread = |ks: &mut Vec<usize>, range: f64, next: &dyn Fn(usize) -> f64, out: &mut Vec<f64>| {
        ks.sort_by(|&a, &b| next(a).total_cmp(&next(b)));
        let count = ks.len();
        let step = if count > 1 {
            (2.0 * range / (count - 1) as f64).min(14.0)
        } else {
            0.0
        };
        for (i, &k) in ks.iter().enumerate() {
            out[k] = (i as f64 - (count.saturating_sub(1)) as f64 / 2.0) * step;
        }
    };
    for v in 0..n {
        let range = port_range(nodes[v].shape, dir, nodes[v].width, nodes[v].height);
        spread(&mut by_node_out[v], range, &|k| x[chains[k][1]], &mut out_port);
        spread(
            &mut by_node_in[v],
            range,
            &|k| x[chains[k][chains[k].len() - 2]],
            &mut in_port,
        );
    }
    (out_port, in_port)
}

/// Everything routing needs from the earlier stages.
pub(crate) struct Placed<'a> {
    pub nodes: &'a [NodeSpec],
    pub specs: &'a [EdgeSpec],
    pub axes: &'a Axes<'a>,
    pub acyclic: &'a Acyclic,
    pub ranking: &'a Ranking,
    pub proper: &'a Proper,
    pub cross: &'a Cross,
    pub main: &'a Main,
    pub sp: Spacing,
}

/// Routes every edge; the result is indexed like the input edges.
pub(crate) fn route(p: &Placed<'_>) -> Vec<Route> {
    let (nodes, dir, x) = (p.nodes, p.axes.dir, &p.cross.x);
    let rank = &p.ranking.rank;
    let center_main = |v: usize| p.main.center(p.proper.rank[v]);
    let (out_port, in_port) = ports(nodes, p.proper, x, dir);
    let to_screen = |m: f64, c: f64| p.axes.to_screen(m, c);
    let mut routes: Vec<Route> = p
        .specs
        .iter()
        .map(|_| Route {
            start: (0.0, 0.0),
            segments: Vec::new(),
            label: None,
        })
        .collect();
    for (k, chain) in p.proper.chains.iter().enumerate() {
        let e = p.acyclic.edges[k];
        let (u, v) = (e.u, e.v);
        // Points in main/cross, from u to v: out of u, then into and out of each rank passed.
        let mut pts: Vec<(f64, f64)> = Vec::with_capacity(2 * chain.len());
        let cu = x[u] + out_port[k];
        let nu = &nodes[u];
        pts.push((
            center_main(u) + outline(nu.shape, dir, nu.width, nu.height, out_port[k]),
            cu,
        ));
        pts.push((p.main.end(rank[u]), cu));
        for &d in &chain[1..chain.len() - 1] {
            let r = p.proper.rank[d];
            pts.push((p.main.start[r], x[d]));
            pts.push((p.main.end(r), x[d]));
        }
        let cv = x[v] + in_port[k];
        let nv = &nodes[v];
        pts.push((p.main.start[rank[v]], cv));
        pts.push((
            center_main(v) - outline(nv.shape, dir, nv.width, nv.height, in_port[k]),
            cv,
        ));
        // Label in its gap: the middle of that gap's curve.
        let label = p.main.label_gap[e.edge].map(|g| {
            let idx = 2 * (g - rank[u]) + 1; // pts[idx] -> pts[idx + 1] crosses gap g
            let (a, b) = (pts[idx], pts[idx + 1]);
            ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
        });
        if !p.acyclic.drawn_from_u(&e, p.specs) {
            pts.reverse();
        }
        let screen: Vec<Point> = pts.iter().map(|&(m, c)| to_screen(m, c)).collect();
        let mut segments = Vec::with_capacity(pts.len());
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
        routes[e.edge] = Route {
            start: screen[0],
            segments,
            label: label.map(|(m, c)| to_screen(m, c)),
        };
    }
    self_loops(p, &mut routes);
    separate_labels(&mut routes, p.specs, dir);
    routes
}

/// Self-loops: out of the far side and back into the near side, bulging sideways.
fn self_loops(p: &Placed<'_>, routes: &mut [Route]) {
    let dir = p.axes.dir;
    for (i, e) in p.specs.iter().enumerate() {
        if e.from != e.to || e.from >= p.nodes.len() {
            continue;
        }
        let v = e.from;
        let nv = &p.nodes[v];
        let d = port_range(nv.shape, dir, nv.width, nv.height);
        let half_cross = p.axes.cross_size(v) / 2.0;
        let c = p.cross.x[v];
        let m = p.main.center(p.ranking.rank[v]);
        let off = outline(nv.shape, dir, nv.width, nv.height, d);
        let a = (m + off, c + d);
        let b = (m - off, c + d);
        let bulge = c + half_cross + p.sp.dummy_gap.min(12.0);
        routes[i] = Route {
            start: p.axes.to_screen(a.0, a.1),
            segments: vec![Segment::Curve(
                p.axes.to_screen(a.0 + 18.0, bulge),
                p.axes.to_screen(b.0 - 18.0, bulge),
                p.axes.to_screen(b.0, b.1),
            )],
            label: e.label.map(|_| p.axes.to_screen(m, bulge + 4.0)),
        };
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
