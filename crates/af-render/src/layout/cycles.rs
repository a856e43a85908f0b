//! Stage 1, cycle breaking: the layout edges (after `flip`) minus self-loops, with the edges
//! that close a cycle reversed so that the graph becomes acyclic.

use super::EdgeSpec;

/// An edge as the layout sees it: from `u` to `v` (possibly reversed from the input), for
/// input edge `edge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LayoutEdge {
    pub u: usize,
    pub v: usize,
    pub edge: usize,
}

/// The acyclic layout edges and, per input edge, whether cycle breaking reversed it.
pub(crate) struct Acyclic {
    pub edges: Vec<LayoutEdge>,
    pub reversed: Vec<bool>,
}

impl Acyclic {
    /// Is the edge drawn from its layout end `u` (true) or from `v` (false)?
    pub fn drawn_from_u(&self, e: &LayoutEdge, specs: &[EdgeSpec]) -> bool {
        !(self.reversed[e.edge] ^ specs[e.edge].flip)
    }
}

/// Orients the edges (a flipped edge is laid out from its target), sets self-loops and edges
/// to unknown nodes aside, and reverses the edges that close cycles.
pub(crate) fn break_cycles(n: usize, specs: &[EdgeSpec], start: &[usize]) -> Acyclic {
    let mut edges: Vec<LayoutEdge> = specs
        .iter()
        .enumerate()
        .filter(|(_, e)| e.from != e.to && e.from < n && e.to < n)
        .map(|(edge, e)| {
            let (u, v) = if e.flip { (e.to, e.from) } else { (e.from, e.to) };
            LayoutEdge { u, v, edge }
        })
        .collect();
    let mut reversed = vec![false; specs.len()];
    for k in back_edges(n, &edges, start) {
        let e = &mut edges[k];
        std::mem::swap(&mut e.u, &mut e.v);
        reversed[e.edge] = !reversed[e.edge];
    }
    Acyclic { edges, reversed }
}

/// The edges (indices into `edges`) that close a cycle, found by an iterative depth-first
/// search from the start nodes, then from the sources, then from every other node.
fn back_edges(n: usize, edges: &[LayoutEdge], start: &[usize]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for (k, e) in edges.iter().enumerate() {
        out[e.u].push(k);
        indeg[e.v] += 1;
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnStack,
        Done,
    }
    let mut state = vec![State::New; n];
    let roots = start
        .iter()
        .copied()
        .filter(|&s| s < n)
        .chain((0..n).filter(|&v| indeg[v] == 0))
        .chain(0..n);
    let mut back = Vec::new();
    for root in roots {
        if state[root] != State::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::OnStack;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&k) = out[v].get(*next) {
                *next += 1;
                let w = edges[k].v;
                match state[w] {
                    State::New => {
                        state[w] = State::OnStack;
                        stack.push((w, 0));
                    }
                    State::OnStack => back.push(k),
                    State::Done => {}
                }
            } else {
                state[v] = State::Done;
                stack.pop();
            }
        }
    }
    back
}
