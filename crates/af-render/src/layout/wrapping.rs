//! Stage 4b, wrapping: a drawing much longer along the flow than across it (a chain of many
//! steps) is cut into bands of consecutive ranks, laid side by side across the flow like lines
//! of text (rows below each other for left-to-right flows, columns for top-down ones). Cuts
//! go where few edges cross; each edge that crosses a cut runs back along a lane of its own
//! between the bands.

use super::layering::{Proper, Ranking};
use super::placement::{Cross, Main};
use super::{Axes, Spacing};
use std::collections::HashMap;

/// Wrap only drawings at least this many times longer than wide.
const STRIP: f64 = 3.0;
/// The shape wrapping aims at: length along the flow over the width across it.
const TARGET: f64 = 1.6;
/// Fewest ranks per band.
const MIN_RANKS: usize = 3;
/// Distance between lanes, and from a band to its first lane.
const LANE: f64 = 10.0;
/// Room between a band's end (or start) and the nearest turn of a lane.
const TURN: f64 = 16.0;

/// The path of an edge that crosses from the end of one band to the start of the next.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lane {
    /// Main coordinate where the edge turns after leaving the earlier band.
    pub out_main: f64,
    /// Cross coordinate of the lane between the bands.
    pub cross: f64,
    /// Main coordinate where the edge turns before entering the later band.
    pub in_main: f64,
}

/// How the drawing was wrapped: the lane of each pair of nodes (a in the earlier band, b in
/// the next) whose edge crosses a cut.
pub(crate) struct Wrap {
    pub lanes: HashMap<(usize, usize), Lane>,
}

/// Cuts a long drawing into bands when that brings it nearer a readable shape; moves the
/// ranks and nodes accordingly and returns the lanes of the edges crossing the cuts.
pub(crate) fn wrap(
    proper: &Proper,
    layers: &[Vec<usize>],
    ranking: &Ranking,
    axes: &Axes<'_>,
    sp: Spacing,
    cross: &mut Cross,
    main: &mut Main,
) -> Option<Wrap> {
    let csize = |v: usize| {
        if proper.is_dummy(v) {
            0.0
        } else {
            axes.cross_size(v)
        }
    };
    // Rows of isolated nodes stay at the end of the last band.
    let ranks = ranking
        .isolated
        .iter()
        .map(|&v| ranking.rank[v])
        .min()
        .unwrap_or(ranking.count);
    let direct = proper
        .chains
        .iter()
        .any(|c| c.len() == 2 && proper.rank[c[1]] > proper.rank[c[0]] + 1);
    if ranks < 2 * MIN_RANKS || direct {
        return None;
    }
    let span = |x: &[f64], vs: &mut dyn Iterator<Item = usize>| {
        vs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(x[v] - csize(v) / 2.0), hi.max(x[v] + csize(v) / 2.0))
        })
    };
    let (lo, hi) = span(&cross.x, &mut layers[..ranks].iter().flatten().copied());
    let width = hi - lo;
    let length = main.end(ranks - 1) - main.start[0];
    if width.is_nan() || width <= 0.0 || length / width <= STRIP {
        return None;
    }
    // The number of bands whose shape comes nearest the target.
    let gap = sp.rank_gap + 2.0 * LANE;
    let shape = |k: usize| {
        let k = k as f64;
        ((length / k + 2.0 * TURN) / (k * width + (k - 1.0) * gap) / TARGET)
            .ln()
            .abs()
    };
    let k = (1..=ranks / MIN_RANKS).min_by(|&a, &b| shape(a).total_cmp(&shape(b)))?;
    if k < 2 {
        return None;
    }
    // Cuts (first rank of each later band) near equal lengths, where fewest edges cross.
    let crossing = |r: usize| layers[r].iter().map(|&v| proper.up[v].len()).sum::<usize>();
    let mut firsts = vec![0usize];
    for i in 1..k {
        let target = main.start[0] + length * i as f64 / k as f64;
        let prev = firsts[firsts.len() - 1];
        let (lowest, highest) = (prev + MIN_RANKS, ranks - MIN_RANKS * (k - i));
        if lowest > highest {
            return None;
        }
        let slack = 0.25 * length / k as f64;
        let cut = (lowest..=highest)
            .filter(|&r| (main.start[r] - target).abs() <= slack)
            .min_by(|&a, &b| {
                crossing(a).cmp(&crossing(b)).then(
                    (main.start[a] - target)
                        .abs()
                        .total_cmp(&(main.start[b] - target).abs()),
                )
            })
            .or_else(|| {
                (lowest..=highest).min_by(|&a, &b| {
                    (main.start[a] - target)
                        .abs()
                        .total_cmp(&(main.start[b] - target).abs())
                })
            })?;
        firsts.push(cut);
    }
    let band_of = |r: usize| firsts.iter().rposition(|&f| f <= r).unwrap_or(0);
    let last_of = |b: usize| firsts.get(b + 1).map_or(ranking.count, |&f| f) - 1;
    // The edges crossing each cut, outermost exit (largest cross) first.
    let mut crossings: Vec<Vec<(usize, usize)>> = vec![Vec::new(); k - 1];
    for (b, list) in crossings.iter_mut().enumerate() {
        for &a in &layers[firsts[b + 1] - 1] {
            for &d in &proper.down[a] {
                if !list.contains(&(a, d)) {
                    list.push((a, d));
                }
            }
        }
        list.sort_by(|p, q| cross.x[q.0].total_cmp(&cross.x[p.0]));
    }
    let most = crossings.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let pad = TURN + LANE * most;
    // Along the flow: every band starts where the first one did, after room for the turns.
    let origin = main.start[0] + pad;
    let mut band_end = vec![0.0f64; k];
    for (b, end) in band_end.iter_mut().enumerate() {
        let shift = origin - main.start[firsts[b]];
        for r in firsts[b]..=last_of(b) {
            main.start[r] += shift;
        }
        *end = main.end(last_of(b));
    }
    main.extent = band_end.iter().copied().fold(0.0, f64::max) + pad + sp.margin;
    // Across the flow: bands one after the other, with room for their lanes in between.
    let mut offset = sp.margin;
    let mut lanes = HashMap::new();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for v in 0..proper.total() {
        members[band_of(proper.rank[v])].push(v);
    }
    for b in 0..k {
        let (lo, hi) = span(&cross.x, &mut members[b].iter().copied());
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) };
        for &v in &members[b] {
            cross.x[v] += offset - lo;
        }
        offset += hi - lo;
        if let Some(list) = crossings.get(b) {
            let n = list.len();
            for (i, &pair) in list.iter().enumerate() {
                lanes.insert(
                    pair,
                    Lane {
                        out_main: band_end[b] + TURN + LANE * i as f64,
                        cross: offset + 2.0 * LANE + LANE * i as f64,
                        in_main: origin - TURN - LANE * (n - 1 - i) as f64,
                    },
                );
            }
            offset += sp.rank_gap.max(3.0 * LANE) + LANE * (n as f64 + 1.0);
        }
    }
    cross.extent = offset + sp.margin;
    Some(Wrap { lanes })
}
