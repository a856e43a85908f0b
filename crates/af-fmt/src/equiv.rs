//! Meaning-level comparison of two syntax trees: what the formatter must keep. Spans, the
//! quoting of keys and the style of string literals are layout; everything else (statements
//! in order, with the first flow header moved to the front; names, values, comment texts)
//! must be equal.

use af_syntax::{Block, File, Item, Value, ValueKind};

/// Whether two parsed files say the same thing (see the module doc).
pub(crate) fn same_file(a: &File, b: &File) -> bool {
    let (ia, ib) = (canonical_order(a), canonical_order(b));
    if ia.len() != ib.len() || !ia.iter().zip(&ib).all(|(x, y)| same_item(x, y)) {
        return false;
    }
    let mut ca: Vec<&str> = a.comments.iter().map(|c| c.text.as_str()).collect();
    let mut cb: Vec<&str> = b.comments.iter().map(|c| c.text.as_str()).collect();
    ca.sort_unstable();
    cb.sort_unstable();
    ca == cb
}

/// The items with the first flow header first, the rest in source order.
pub(crate) fn canonical_order(file: &File) -> Vec<&Item> {
    let flow = file.items.iter().position(|i| matches!(i, Item::Flow(_)));
    let mut out: Vec<&Item> = Vec::with_capacity(file.items.len());
    if let Some(f) = flow {
        out.push(&file.items[f]);
    }
    out.extend(
        file.items
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != flow)
            .map(|(_, item)| item),
    );
    out
}

fn same_item(a: &Item, b: &Item) -> bool {
    match (a, b) {
        (Item::Flow(x), Item::Flow(y)) => {
            x.title.as_ref().map(|t| &t.value) == y.title.as_ref().map(|t| &t.value)
                && same_opt_block(x.body.as_ref(), y.body.as_ref())
        }
        (Item::Node(x), Item::Node(y)) => {
            x.kind.text == y.kind.text
                && x.name.as_ref().map(|n| &n.text) == y.name.as_ref().map(|n| &n.text)
                && x.word.as_ref().map(|n| &n.text) == y.word.as_ref().map(|n| &n.text)
                && x.title.as_ref().map(|t| &t.value) == y.title.as_ref().map(|t| &t.value)
                && same_opt_block(x.body.as_ref(), y.body.as_ref())
        }
        (Item::Edge(x), Item::Edge(y)) => {
            x.groups.len() == y.groups.len()
                && x.groups
                    .iter()
                    .zip(&y.groups)
                    .all(|(g, h)| g.len() == h.len() && g.iter().zip(h).all(|(m, n)| m.text == n.text))
                && x.arrows.len() == y.arrows.len()
                && x.arrows
                    .iter()
                    .zip(&y.arrows)
                    .all(|(m, n)| m.label.as_ref().map(|l| &l.text) == n.label.as_ref().map(|l| &l.text))
                && same_opt_block(x.body.as_ref(), y.body.as_ref())
        }
        _ => false,
    }
}

fn same_opt_block(a: Option<&Block>, b: Option<&Block>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => same_block(x, y),
        _ => false,
    }
}

fn same_block(a: &Block, b: &Block) -> bool {
    a.entries.len() == b.entries.len()
        && a.entries.iter().zip(&b.entries).all(|(p, q)| {
            p.key.text == q.key.text
                && match (&p.value, &q.value) {
                    (None, None) => true,
                    (Some(v), Some(w)) => same_value(v, w),
                    _ => false,
                }
        })
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (ValueKind::Str(x), ValueKind::Str(y)) => x.value == y.value,
        (ValueKind::Int(x), ValueKind::Int(y))
        | (ValueKind::Float(x), ValueKind::Float(y))
        | (ValueKind::Timestamp(x), ValueKind::Timestamp(y))
        | (ValueKind::Word(x), ValueKind::Word(y)) => x == y,
        (ValueKind::Bool(x), ValueKind::Bool(y)) => x == y,
        (ValueKind::List(x), ValueKind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w))
        }
        (ValueKind::Map(x), ValueKind::Map(y)) => same_block(x, y),
        (ValueKind::Titled(v, x), ValueKind::Titled(w, y)) => same_value(v, w) && same_block(x, y),
        (ValueKind::Error, ValueKind::Error) => true,
        _ => false,
    }
}
