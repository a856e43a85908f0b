//! A layered (Sugiyama-style) layout in five stages, one module each:
//!
//! 1. [`cycles`]: orient the edges and reverse those that close a cycle;
//! 2. [`layering`]: rank by longest path and add dummy nodes for edges that span several ranks;
//! 3. [`ordering`]: order each rank with barycenter sweeps to reduce crossings;
//! 4. [`placement`]: place nodes along each rank with an order-preserving least-squares
//!    projection, and the ranks along the flow; [`wrapping`] cuts a long, narrow drawing into
//!    bands laid side by side;
//! 5. [`routing`]: route edges as straight stubs inside ranks and cubic curves across the gaps
//!    between them.
//!
//! Everything here works in *main* (along the flow: y for top-down, x for left-to-right) and
//! *cross* (along a rank) coordinates; [`Layout`] converts to screen x/y.

mod cycles;
mod layering;
mod ordering;
mod placement;
mod routing;
mod wrapping;

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
    /// Edges with the same drawn source and the same bundle key are drawn as one bundle: they
    /// leave the source from one point and share their path while they run together, and only
    /// the first of them carries the label (so give the edges of a bundle the same label).
    /// `None` never bundles.
    pub bundle: Option<usize>,
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

/// The most nodes a drawing should have: [`layout`] stays near-linear beyond it, but a
/// picture of more nodes is of no use to anyone, so the SVG renderer refuses it.
pub const MAX_NODES: usize = 2_000;

/// The most edges a drawing should have (see [`MAX_NODES`]).
pub const MAX_EDGES: usize = 10_000;

/// How many rank crossings (an edge passing a rank it has no node in) are routed around the
/// nodes in between, shortest edges first. Longer edges beyond this budget are drawn
/// directly from node to node, so time, memory and output stay linear in the edges.
pub const ROUTE_BUDGET: usize = 100_000;

/// Screen orientation of the main and cross axes, and node sizes along them.
pub(crate) struct Axes<'a> {
    pub dir: Direction,
    nodes: &'a [NodeSpec],
    /// Offset along screen y of a left-to-right drawing (top-down drawings include it in
    /// their rank positions).
    top: f64,
}

impl Axes<'_> {
    /// Size of node `v` along the flow.
    pub fn main_size(&self, v: usize) -> f64 {
        match self.dir {
            Direction::TopDown => self.nodes[v].height,
            Direction::LeftRight => self.nodes[v].width,
        }
    }

    /// Size of node `v` along its rank.
    pub fn cross_size(&self, v: usize) -> f64 {
        match self.dir {
            Direction::TopDown => self.nodes[v].width,
            Direction::LeftRight => self.nodes[v].height,
        }
    }

    /// Screen point of main/cross coordinates.
    pub fn to_screen(&self, main: f64, cross: f64) -> Point {
        match self.dir {
            Direction::TopDown => (cross, main),
            Direction::LeftRight => (main, cross + self.top),
        }
    }
}

/// Lays out `nodes` and `edges`; `start` names the nodes the flow starts from (they begin
/// the depth-first walks of cycle breaking and ordering).
pub fn layout(
    nodes: &[NodeSpec],
    edges: &[EdgeSpec],
    start: &[usize],
    dir: Direction,
    sp: Spacing,
) -> Layout {
    let axes = Axes {
        dir,
        nodes,
        top: sp.top,
    };
    let acyclic = cycles::break_cycles(nodes.len(), edges, start);
    let ranking = layering::rank(nodes, &acyclic.edges, start, &axes, sp.node_gap);
    let proper = layering::insert_dummies(nodes, edges, &acyclic, &ranking, ROUTE_BUDGET);
    let layers = ordering::order(&proper, start, ranking.count);
    let mut cross = placement::cross_positions(&proper, &layers, &ranking, &axes, sp);
    let mut main = placement::main_positions(&ranking, &acyclic, edges, &axes, sp);
    let wrap = wrapping::wrap(&proper, &layers, &ranking, &axes, sp, &mut cross, &mut main);
    let routes = routing::route(&routing::Placed {
        nodes,
        specs: edges,
        axes: &axes,
        acyclic: &acyclic,
        ranking: &ranking,
        proper: &proper,
        cross: &cross,
        main: &main,
        wrap: wrap.as_ref(),
        sp,
    });
    let centers: Vec<Point> = (0..nodes.len())
        .map(|v| axes.to_screen(main.center(ranking.rank[v]), cross.x[v]))
        .collect();
    let (width, height) = match dir {
        Direction::TopDown => (cross.extent, main.extent),
        Direction::LeftRight => (main.extent, cross.extent + sp.top),
    };
    Layout {
        centers,
        routes,
        width,
        height,
        ranks: ranking.rank,
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
            bundle: None,
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
        let (x0, x1) = (l.centers[0].0, l.centers[1].0);
        let (x2, x3) = (l.centers[2].0, l.centers[3].0);
        // Whatever the order, edge 0->3 and 1->2 must not cross.
        assert_eq!((x0 < x1), (x3 < x2), "{x0} {x1} {x2} {x3}");
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
