//! Stage 5, routing: ports spread the edges along each node's outline; every edge runs
//! straight inside the ranks it passes and as a cubic curve across each gap; self-loops bulge
//! out of the node's side; labels sit mid-gap and are nudged apart where they overlap.

use super::cycles::Acyclic;
use super::layering::{Proper, Ranking};
use super::placement::{place, Cross, Main};
use super::wrapping::{Lane, Wrap};
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
/// they lead to, at most 14 px apart; the edges of a bundle share one port at their drawn
/// source.
fn ports(p: &Placed<'_>) -> (Vec<f64>, Vec<f64>) {
    let (nodes, proper, x, dir) = (p.nodes, p.proper, &p.cross.x, p.axes.dir);
    let chains = &proper.chains;
    // One port per group of chains: a bundle at its drawn source, else each chain alone.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    enum Group {
        Bundle(usize),
        Chain(usize),
    }
    let group = |k: usize, at_u: bool| match proper.bundle[k] {
        Some(b) if p.acyclic.drawn_from_u(&p.acyclic.edges[k], p.specs) == at_u => Group::Bundle(b),
        _ => Group::Chain(k),
    };
    let mut out_port = vec![0.0f64; chains.len()];
    let mut in_port = vec![0.0f64; chains.len()];
    let mut by_node: Vec<Vec<(Group, usize, bool)>> = vec![Vec::new(); nodes.len()];
    for (k, chain) in chains.iter().enumerate() {
        by_node[chain[0]].push((group(k, true), k, true));
        by_node[chain[chain.len() - 1]].push((group(k, false), k, false));
    }
    for (v, users) in by_node.iter_mut().enumerate() {
        let range = port_range(nodes[v].shape, dir, nodes[v].width, nodes[v].height);
        for side in [true, false] {
            // (group, mean cross position of the neighbours its chains lead to)
            let mut groups: Vec<(Group, f64, usize)> = Vec::new();
            for &(g, k, at_u) in users.iter().filter(|u| u.2 == side) {
                let chain = &chains[k];
                let next = if at_u { chain[1] } else { chain[chain.len() - 2] };
                match groups.iter_mut().find(|e| e.0 == g) {
                    Some(e) => {
                        e.1 += x[next];
                        e.2 += 1;
                    }
                    None => groups.push((g, x[next], 1)),
                }
            }
            groups.sort_by(|a, b| {
                (a.1 / a.2 as f64)
                    .total_cmp(&(b.1 / b.2 as f64))
                    .then(a.0.cmp(&b.0))
            });
            let count = groups.len();
            let step = if count > 1 {
                (2.0 * range / (count - 1) as f64).min(14.0)
            } else {
                0.0
            };
            let ports = if side { &mut out_port } else { &mut in_port };
            for (i, (g, _, _)) in groups.iter().enumerate() {
                let offset = (i as f64 - (count - 1) as f64 / 2.0) * step;
                for &(h, k, at_u) in users.iter() {
                    if h == *g && at_u == side {
                        ports[k] = offset;
                    }
                }
            }
        }
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
    pub wrap: Option<&'a Wrap>,
    pub sp: Spacing,
}

/// Routes every edge; the result is indexed like the input edges.
pub(crate) fn route(p: &Placed<'_>) -> Vec<Route> {
    let (nodes, dir, x) = (p.nodes, p.axes.dir, &p.cross.x);
    let rank = &p.ranking.rank;
    let center_main = |v: usize| p.main.center(p.proper.rank[v]);
    let (out_port, in_port) = ports(p);
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
        // The lane of each gap that crosses from one band to the next (index of the point
        // after the gap).
        let mut lanes: Vec<Option<Lane>> = vec![None; pts.len()];
        if let Some(wrap) = p.wrap {
            for (i, w) in chain.windows(2).enumerate() {
                lanes[2 * i + 2] = wrap.lanes.get(&(w[0], w[1])).copied();
            }
        }
        let from_u = p.acyclic.drawn_from_u(&e, p.specs);
        let label = p.specs[e.edge]
            .label
            .and_then(|(lw, lh)| match p.proper.bundle[k] {
                // A bundle's label sits once on its stem, just off the drawn source.
                Some(b) => (p.proper.bundle_label[b] == k).then(|| {
                    let half = match dir {
                        Direction::TopDown => lh / 2.0,
                        Direction::LeftRight => lw / 2.0,
                    } + 4.0;
                    if from_u {
                        (p.main.end(rank[u]) + half, cu)
                    } else {
                        (p.main.start[rank[v]] - half, cv)
                    }
                }),
                // Other labels sit in the middle of the curve across the gap next to the source.
                None => {
                    let idx = if from_u { 1 } else { pts.len() - 3 };
                    let (a, b) = (pts[idx], pts[idx + 1]);
                    Some(match lanes[idx + 1] {
                        Some(lane) => ((lane.out_main + lane.in_main) / 2.0, lane.cross),
                        None => ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0),
                    })
                }
            });
        if !from_u {
            pts.reverse();
            lanes.reverse();
            // A lane belongs to the point after its gap.
            lanes.rotate_right(1);
        }
        let screen: Vec<Point> = pts.iter().map(|&(m, c)| to_screen(m, c)).collect();
        let mut segments = Vec::with_capacity(pts.len());
        for j in 1..pts.len() {
            let (a, b) = (pts[j - 1], pts[j]);
            // Odd steps (1→2, 3→4, …) cross a gap, or run back along a lane between bands.
            if let Some(lane) = lanes[j] {
                let forward = a.0 > b.0;
                let mut turns = vec![
                    a,
                    (lane.out_main, a.1),
                    (lane.out_main, lane.cross),
                    (lane.in_main, lane.cross),
                    (lane.in_main, b.1),
                    b,
                ];
                if !forward {
                    turns = vec![
                        a,
                        (lane.in_main, a.1),
                        (lane.in_main, lane.cross),
                        (lane.out_main, lane.cross),
                        (lane.out_main, b.1),
                        b,
                    ];
                }
                rounded(&turns, 8.0, &to_screen, &mut segments);
            } else if j % 2 == 0 {
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

/// Appends a path through `points` (main/cross) with corners rounded to radius `r`.
fn rounded(points: &[(f64, f64)], r: f64, to_screen: &dyn Fn(f64, f64) -> Point, out: &mut Vec<Segment>) {
    let toward = |from: (f64, f64), to: (f64, f64), d: f64| {
        let len = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
        if len < 1e-9 {
            from
        } else {
            (
                from.0 + (to.0 - from.0) * d / len,
                from.1 + (to.1 - from.1) * d / len,
            )
        }
    };
    let dist = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    for i in 1..points.len() {
        let p = points[i];
        if i + 1 == points.len() {
            out.push(Segment::Line(to_screen(p.0, p.1)));
            break;
        }
        let (prev, next) = (points[i - 1], points[i + 1]);
        let rr = r.min(dist(prev, p) / 2.0).min(dist(p, next) / 2.0);
        let a = toward(p, prev, rr);
        let b = toward(p, next, rr);
        out.push(Segment::Line(to_screen(a.0, a.1)));
        out.push(Segment::Curve(
            to_screen(p.0, p.1),
            to_screen(p.0, p.1),
            to_screen(b.0, b.1),
        ));
    }
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
