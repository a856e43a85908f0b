//! Stage 3, ordering: the order of the nodes within each rank. A depth-first walk from the
//! start nodes gives the first order; barycenter sweeps down and up then reduce crossings,
//! keeping the order with the fewest.

use super::layering::Proper;

/// The nodes of each rank, in order along the rank.
pub(crate) fn order(proper: &Proper, start: &[usize], ranks: usize) -> Vec<Vec<usize>> {
    let mut layers = initial_order(proper, start, ranks);
    reduce_crossings(&mut layers, &proper.up, &proper.down, proper.total());
    layers
}

/// Depth-first from the start nodes, then from the other sources, then the rest in input
/// order: each node is appended to its rank when first reached.
fn initial_order(proper: &Proper, start: &[usize], ranks: usize) -> Vec<Vec<usize>> {
    let total = proper.total();
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    let mut placed = vec![false; total];
    let roots = start
        .iter()
        .copied()
        .filter(|&s| s < proper.n)
        .chain((0..proper.n).filter(|&v| proper.up[v].is_empty()))
        .chain(0..total);
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
            layers[proper.rank[v]].push(v);
            stack.extend(proper.down[v].iter().rev().filter(|&&w| !placed[w]));
        }
    }
    layers
}

/// Barycenter sweeps down and up, keeping the order with the fewest crossings.
fn reduce_crossings(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], total: usize) {
    let mut pos = vec![0usize; total];
    for layer in layers.iter() {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
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
        let neighbours = if downward { up } else { down };
        for r in ranks {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_count_inversions_between_ranks() {
        // 0 -> 3, 0 -> 2, 1 -> 2.
        let mut layers = vec![vec![0, 1], vec![2, 3]];
        let down = vec![vec![3, 2], vec![2], vec![], vec![]];
        assert_eq!(crossings(&layers, &down, &[0, 1, 0, 1]), 1);
        layers[1].swap(0, 1);
        assert_eq!(crossings(&layers, &down, &[0, 1, 1, 0]), 0);
    }
}
