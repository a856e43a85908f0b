//! Property values: typing against the STIX tables and conversion to JSON.

use crate::lower::Lowering;
use crate::Object;
use af_diagnostics::{closest, codes, Diagnostic};
use af_stix::check::{self, Problem, PropertyStatus};
use af_stix::object::{Key, Prop, SmolStr};
use af_stix::types::{self, PropKind};
use af_syntax::{Block, Span, Value, ValueKind};
use serde_json::{Map, Number, Value as Json};
use std::collections::HashMap;

/// The keys already given to an object, with where, to report repeats. Blocks are short, so
/// the first few keys are kept inline and most nodes allocate nothing for this; the rest (a
/// block with thousands of custom properties) go in a hash map.
pub(crate) struct Seen<'b> {
    len: usize,
    inline: [(&'b str, Span); 8],
    more: HashMap<&'b str, Span>,
}

impl<'b> Seen<'b> {
    pub(crate) fn new() -> Self {
        Seen {
            len: 0,
            inline: std::array::from_fn(|_| ("", 0..0)),
            more: HashMap::new(),
        }
    }

    pub(crate) fn push(&mut self, key: &'b str, span: Span) {
        match self.inline.get_mut(self.len) {
            Some(slot) => {
                *slot = (key, span);
                self.len += 1;
            }
            None => {
                self.more.entry(key).or_insert(span);
            }
        }
    }

    /// Where `key` was given first.
    pub(crate) fn get(&self, key: &str) -> Option<&Span> {
        self.inline[..self.len]
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, span)| span)
            .or_else(|| self.more.get(key))
    }
}

/// Keys the compiler handles itself before typing.
const HANDLED: &[&str] = &["id"];

impl<'a> Lowering<'a> {
    /// Lowers the properties of a node's block into `obj`.
    pub(crate) fn lower_block<'b>(
        &mut self,
        stix_type: &str,
        block: &'b Block,
        obj: &mut Object,
        seen: &mut Seen<'b>,
    ) {
        for prop in &block.entries {
            // Sugar keys inside a node's block (`tactic`) stand for their STIX property.
            let key = match af_stix::language::sugar(stix_type, &prop.key.text) {
                Some(sugar) => sugar.sets,
                None => prop.key.text.as_str(),
            };
            if let Some(first) = seen.get(key) {
                self.diags.push(
                    Diagnostic::new(
                        codes::E0207,
                        prop.key.span.clone(),
                        format!("`{key}` is given twice"),
                    )
                    .with_label(first.clone(), "first given here")
                    .with_help("keep one of them"),
                );
                continue;
            }
            seen.push(key, prop.key.span.clone());
            let Some(value) = &prop.value else { continue };
            if HANDLED.contains(&key) {
                continue;
            }
            let sugar = key != prop.key.text.as_str();
            let property = match check::property_status(stix_type, key) {
                PropertyStatus::Defined(p) | PropertyStatus::Tolerated(p) => Some(p),
                // `tactic` sets `tactic_id`, which the catalog checks read as sugar.
                _ if sugar => None,
                PropertyStatus::InvalidName => {
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0212,
                            prop.key.span.clone(),
                            format!("`{key}` is not a valid STIX property name"),
                        )
                        .with_help("property names are lower-case letters, digits and `_`, at least three characters, starting with a letter; custom ones start with `x_`"),
                    );
                    continue;
                }
                PropertyStatus::Unknown => {
                    let mut d = Diagnostic::new(
                        codes::W0201,
                        prop.key.span.clone(),
                        format!("`{stix_type}` has no property `{key}`"),
                    )
                    .with_help("custom properties start with `x_`; it is kept as written");
                    if let Some(info) = types::type_info(stix_type) {
                        let cands = info
                            .properties
                            .iter()
                            .map(|p| p.name)
                            .chain(COMMON.iter().copied());
                        if let Some(c) = closest(key, cands) {
                            d = d.with_fix(format!("did you mean `{c}`?"), prop.key.span.clone(), c);
                        }
                    }
                    self.diags.push(d);
                    None
                }
                PropertyStatus::Custom | PropertyStatus::UncheckedType => None,
            };
            // The value rules STIX sets (formats, bounds, entries, empty lists): shared with
            // the validator. An empty list is not lowered at all.
            if !sugar && self.check_value(stix_type, key, value) {
                continue;
            }
            let json = match property {
                Some(p) => self.typed(key, &p.kind, value),
                None => self.generic(key, value).map(Prop::from),
            };
            if let Some(json) = json {
                // Known properties take their name from the type table: no key to allocate.
                let key: Key = match (property, key) {
                    (Some(p), _) => Key::Borrowed(p.name),
                    (None, "tactic_id") => Key::Borrowed("tactic_id"),
                    (None, other) => Key::Owned(other.to_string()),
                };
                obj.insert(key, json);
            }
        }
    }

    /// Runs the shared value checker of af-stix on a property's source value and reports what
    /// it finds; true when the value is an empty list (which is not lowered).
    pub(crate) fn check_value(&mut self, stix_type: &str, key: &str, value: &Value) -> bool {
        let mut empty = false;
        let diags = &mut self.diags;
        check::check_property(stix_type, key, Src(value), &mut |f| {
            empty |= f.at.0.span == value.span && f.problem == Problem::EmptyList;
            diags.push(problem_diagnostic(&f.problem, &f.what, f.at.0.span.clone()));
        });
        empty
    }

    /// Runs the shared value checker on a string the language writes outside a block (a
    /// node's title, which fills its display property).
    pub(crate) fn check_text(&mut self, stix_type: &str, key: &str, text: &str, span: Span) {
        let diags = &mut self.diags;
        check::check_property(stix_type, key, text, &mut |f| {
            diags.push(problem_diagnostic(&f.problem, &f.what, span.clone()));
        });
    }

    /// Converts a value whose expected kind is known.
    pub(crate) fn typed(&mut self, key: &str, kind: &PropKind, v: &Value) -> Option<Prop> {
        if let ValueKind::Titled(inner, block) = &v.kind {
            self.diags.push(
                Diagnostic::new(
                    codes::E0209,
                    block.span.clone(),
                    format!("`{key}` cannot take a block"),
                )
                .with_help("only `author` in the flow header is written `\"Name\" { … }`"),
            );
            return self.typed(key, kind, inner);
        }
        match kind {
            PropKind::String | PropKind::Binary | PropKind::Hex => match &v.kind {
                ValueKind::Str(s) => Some(Prop::from(s.value.as_str())),
                // Catalog ids are words: `tactic: TA0001`, `technique_id: T1566`.
                ValueKind::Word(w) if ID_KEYS.contains(&key) => Some(Prop::Str(w.clone())),
                ValueKind::Word(w) => {
                    self.diags.push(
                        Diagnostic::new(codes::E0201, v.span.clone(), format!("`{key}` takes a string"))
                            .with_safe_fix("put it in quotes", v.span.clone(), af_syntax::strings::quote(w)),
                    );
                    None
                }
                _ => self.wrong_type(key, "a string", v).map(Prop::from),
            },
            PropKind::Integer => {
                if key == "confidence" {
                    return self.confidence(v).map(Prop::from);
                }
                match &v.kind {
                    ValueKind::Int(text) => self.integer(text, v.span.clone()),
                    _ => self.wrong_type(key, "an integer", v),
                }
                .map(Prop::from)
            }
            PropKind::Number => match &v.kind {
                ValueKind::Int(text) => self.integer(text, v.span.clone()),
                ValueKind::Float(text) => self.float(text, v.span.clone()),
                _ => self.wrong_type(key, "a number", v),
            }
            .map(Prop::from),
            PropKind::Boolean => match &v.kind {
                ValueKind::Bool(b) => Some(Json::Bool(*b)),
                _ => self.wrong_type(key, "`true` or `false`", v),
            }
            .map(Prop::from),
            PropKind::Timestamp => match &v.kind {
                ValueKind::Timestamp(_) | ValueKind::Str(_) => self.timestamp(v).map(Prop::from),
                _ => self
                    .wrong_type(key, "a timestamp such as 2026-03-02T14:00:00Z", v)
                    .map(Prop::from),
            },
            PropKind::Ref(targets) => self.resolve_ref(v, targets, key).map(Prop::Str),
            PropKind::RefList(targets) => match &v.kind {
                ValueKind::List(items) => {
                    let ids: Vec<SmolStr> = items
                        .iter()
                        .filter_map(|i| self.resolve_ref(i, targets, key))
                        .collect();
                    Some(Prop::Strs(ids))
                }
                ValueKind::Word(w) => {
                    self.diags.push(
                        Diagnostic::new(codes::E0201, v.span.clone(), format!("`{key}` takes a list"))
                            .with_safe_fix("write it as a list", v.span.clone(), format!("[{w}]")),
                    );
                    None
                }
                _ => self.wrong_type(key, "a list of names", v).map(Prop::from),
            },
            PropKind::StringList => self
                .list_of(key, v, |this, item| match &item.kind {
                    ValueKind::Str(s) => Some(s.value.clone().into()),
                    ValueKind::Word(w) => Some(w.as_str().into()),
                    _ => this.wrong_type(key, "strings", item),
                })
                .map(Prop::from),
            PropKind::Enum(allowed) => self.enum_value(key, v, allowed).map(Prop::from),
            PropKind::OpenVocab(_) => self.word_or_string(key, v).map(Prop::from),
            PropKind::OpenVocabList(_) => self
                .list_of(key, v, |this, item| this.word_or_string(key, item))
                .map(Prop::from),
            // Entries are checked by the shared value checker (`check_value`).
            PropKind::ExternalReferences
            | PropKind::KillChainPhases
            | PropKind::GranularMarkings
            | PropKind::ObjectList => self
                .list_of(key, v, |this, item| match &item.kind {
                    ValueKind::Map(_) => this.generic(key, item),
                    _ => this.wrong_type(key, "a list of `{ … }` entries", item),
                })
                .map(Prop::from),
            PropKind::Hashes | PropKind::Dictionary | PropKind::Extensions | PropKind::Object => {
                match &v.kind {
                    ValueKind::Map(_) => self.generic(key, v),
                    _ => self.wrong_type(key, "a `{ key: value }` map", v),
                }
                .map(Prop::from)
            }
            PropKind::Any => self.generic(key, v).map(Prop::from),
        }
    }

    /// Converts a value with no type information. Keys ending in `_ref`/`_refs` are references
    /// (the STIX naming rule), so node names resolve there too.
    pub(crate) fn generic(&mut self, key: &str, v: &Value) -> Option<Json> {
        let rule = af_stix::refs::by_name(key);
        if rule.is_some_and(|r| !r.many) && !matches!(v.kind, ValueKind::List(_) | ValueKind::Map(_)) {
            return self.resolve_ref(v, &[], key).map(|id| Json::from(id.as_str()));
        }
        if rule.is_some_and(|r| r.many) {
            if let ValueKind::List(items) = &v.kind {
                return Some(Json::Array(
                    items
                        .iter()
                        .filter_map(|i| self.resolve_ref(i, &[], key))
                        .map(|id| Json::from(id.as_str()))
                        .collect(),
                ));
            }
        }
        match &v.kind {
            ValueKind::Str(s) => Some(s.value.clone().into()),
            ValueKind::Int(t) => self.integer(t, v.span.clone()),
            ValueKind::Float(t) => self.float(t, v.span.clone()),
            ValueKind::Bool(b) => Some(Json::Bool(*b)),
            ValueKind::Timestamp(_) => self.timestamp(v).map(Json::from),
            ValueKind::Word(w) => Some(w.as_str().into()),
            ValueKind::List(items) => Some(Json::Array(
                items.iter().filter_map(|i| self.generic(key, i)).collect(),
            )),
            ValueKind::Map(block) => Some(Json::Object(self.map(block))),
            ValueKind::Titled(inner, block) => {
                self.diags.push(
                    Diagnostic::new(
                        codes::E0209,
                        block.span.clone(),
                        format!("`{key}` cannot take a block"),
                    )
                    .with_help("only `author` in the flow header is written `\"Name\" { … }`"),
                );
                self.generic(key, inner)
            }
            ValueKind::Error => None,
        }
    }

    fn map(&mut self, block: &Block) -> Map<String, Json> {
        let mut out = Map::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for p in &block.entries {
            if let Some(first) = seen.get(p.key.text.as_str()) {
                self.diags.push(
                    Diagnostic::new(
                        codes::E0207,
                        p.key.span.clone(),
                        format!("`{}` is given twice", p.key.text),
                    )
                    .with_label(first.clone(), "first given here"),
                );
                continue;
            }
            seen.insert(&p.key.text, p.key.span.clone());
            if let Some(v) = &p.value {
                if let Some(j) = self.generic(&p.key.text, v) {
                    out.insert(p.key.text.to_string(), j);
                }
            }
        }
        out
    }

    fn list_of(
        &mut self,
        key: &str,
        v: &Value,
        mut each: impl FnMut(&mut Self, &Value) -> Option<Json>,
    ) -> Option<Json> {
        match &v.kind {
            ValueKind::List(items) => Some(Json::Array(items.iter().filter_map(|i| each(self, i)).collect())),
            _ => self.wrong_type(key, "a list `[…]`", v),
        }
    }

    fn word_or_string(&mut self, key: &str, v: &Value) -> Option<Json> {
        match &v.kind {
            ValueKind::Word(w) => Some(w.as_str().into()),
            ValueKind::Str(s) => Some(s.value.clone().into()),
            _ => self.wrong_type(key, "a word or a string", v),
        }
    }

    pub(crate) fn enum_value(&mut self, key: &str, v: &Value, allowed: &[&str]) -> Option<Json> {
        let text = match &v.kind {
            ValueKind::Word(w) => w.as_str(),
            ValueKind::Str(s) => s.value.as_str(),
            _ => return self.wrong_type(key, &format!("one of {}", allowed.join(", ")), v),
        };
        if allowed.contains(&text) {
            return Some(text.into());
        }
        let mut d = Diagnostic::new(
            codes::E0202,
            v.span.clone(),
            format!("`{text}` is not a valid `{key}`"),
        )
        .with_help(format!("use one of: {}", allowed.join(", ")));
        if let Some(c) = closest(text, allowed.iter().copied()) {
            d = d.with_fix(format!("did you mean `{c}`?"), v.span.clone(), c);
        }
        self.diags.push(d);
        None
    }

    fn confidence(&mut self, v: &Value) -> Option<Json> {
        match &v.kind {
            // The range (0–100) is the shared value checker's.
            ValueKind::Int(text) => self.integer(text, v.span.clone()),
            ValueKind::Word(w) => match af_stix::confidence::term_value(w) {
                Some(n) => Some(n.into()),
                None => {
                    let terms = af_stix::confidence::terms();
                    let mut d = Diagnostic::new(
                        codes::E0202,
                        v.span.clone(),
                        format!("`{w}` is not a confidence term"),
                    )
                    .with_help(format!(
                        "use 0–100 or one of: {}",
                        terms.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ")
                    ));
                    if let Some(c) = closest(w, terms.iter().map(|(t, _)| *t)) {
                        d = d.with_fix(format!("did you mean `{c}`?"), v.span.clone(), c);
                    }
                    self.diags.push(d);
                    None
                }
            },
            _ => self.wrong_type("confidence", "a number 0–100 or a term such as `likely`", v),
        }
    }

    fn integer(&mut self, text: &str, span: Span) -> Option<Json> {
        if let Ok(n) = text.parse::<i64>() {
            return Some(n.into());
        }
        if let Ok(n) = text.parse::<u64>() {
            return Some(n.into());
        }
        self.diags.push(Diagnostic::new(
            codes::E0205,
            span,
            format!("{text} does not fit in a 64-bit integer"),
        ));
        None
    }

    fn float(&mut self, text: &str, span: Span) -> Option<Json> {
        match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Some(Json::Number(n)),
            None => {
                self.diags.push(Diagnostic::new(
                    codes::E0205,
                    span,
                    format!("{text} is not a finite number"),
                ));
                None
            }
        }
    }

    /// Normalizes a timestamp value to STIX form, reporting bad ones.
    pub(crate) fn timestamp(&mut self, v: &Value) -> Option<String> {
        let text = match &v.kind {
            ValueKind::Timestamp(t) => t.as_str(),
            ValueKind::Str(s) => s.value.as_str(),
            _ => {
                self.wrong_type("timestamp", "a timestamp such as 2026-03-02T14:00:00Z", v);
                return None;
            }
        };
        match af_stix::timestamp::normalize(text) {
            Ok(t) => Some(t),
            Err(e) => {
                self.diags.push(
                    Diagnostic::new(
                        codes::E0301,
                        v.span.clone(),
                        format!("`{text}` is not a valid timestamp: {e}"),
                    )
                    .with_help(
                        "write RFC 3339 such as 2026-03-02T14:00:00Z or 2026-03-02T16:00:00.250+02:00",
                    ),
                );
                None
            }
        }
    }

    fn wrong_type(&mut self, key: &str, expected: &str, v: &Value) -> Option<Json> {
        if v.kind == ValueKind::Error {
            return None;
        }
        self.diags.push(Diagnostic::new(
            codes::E0201,
            v.span.clone(),
            format!("`{key}` takes {expected}, not {}", describe(&v.kind)),
        ));
        None
    }

    /// The id a node name (or quoted STIX id) stands for, checking the target's type. A name
    /// is not resolved here: the model ([`crate::analyze`]) recorded every reference with the
    /// types it may point at and the node it names, and lowering reads that.
    pub(crate) fn resolve_ref(&mut self, v: &Value, targets: &[&str], key: &str) -> Option<SmolStr> {
        let allowed = |targets: &[&str], t: &str| targets.is_empty() || targets.contains(&t);
        let expected = |targets: &[&str]| {
            targets
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        match &v.kind {
            ValueKind::Word(name) => {
                let model = self.model;
                let Some(r) = model.ref_spanning(&v.span) else {
                    // The model records every name written where a reference goes; a name it
                    // missed is a bug in `analyze`, reported as undeclared in release builds.
                    debug_assert!(false, "`{name}` ({key}) is not in the model");
                    self.undefined(name, v.span.clone(), targets);
                    return None;
                };
                debug_assert_eq!(r.targets, targets, "targets of `{key}`");
                let Some(m) = r.resolved else {
                    self.undefined(name, v.span.clone(), r.targets);
                    return None;
                };
                // A node whose explicit id another node has is not lowered; `E0103` says so.
                let i = self.lowered.get(m).copied().flatten()? as usize;
                let node = &self.nodes[i];
                if !allowed(r.targets, node.stix_type) {
                    let d = Diagnostic::new(
                        codes::E0106,
                        v.span.clone(),
                        format!(
                            "`{name}` is {}, but `{key}` takes {}",
                            crate::lower::kind_phrase(node.stix_type),
                            expected(r.targets)
                        ),
                    )
                    .with_label(node.name.span.clone(), "declared here");
                    self.diags.push(d);
                    return None;
                }
                let id = node.id.clone();
                self.links.push((self.current, i + 1));
                self.record_flow_ref(key, i);
                Some(id)
            }
            ValueKind::Str(s) => {
                if !af_stix::id::is_valid_id(&s.value) {
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0203,
                            v.span.clone(),
                            format!("`{}` is not a STIX id", s.value),
                        )
                        .with_help(format!(
                            "`{key}` takes a node name, or a quoted id such as \"identity--<uuid>\""
                        )),
                    );
                    return None;
                }
                let t = af_stix::id::split_id(&s.value).map_or("", |(t, _)| t);
                if !allowed(targets, t) {
                    self.diags.push(Diagnostic::new(
                        codes::E0106,
                        v.span.clone(),
                        format!("this id names a `{t}`, but `{key}` takes {}", expected(targets)),
                    ));
                    return None;
                }
                if let Some(&i) = self.by_id.get(s.value.as_str()) {
                    self.links.push((self.current, i + 1));
                    self.record_flow_ref(key, i);
                }
                Some(SmolStr::new(&s.value))
            }
            ValueKind::Error => None,
            other => {
                self.diags.push(Diagnostic::new(
                    codes::E0201,
                    v.span.clone(),
                    format!("`{key}` takes a node name, not {}", describe(other)),
                ));
                None
            }
        }
    }

    /// Records a flow ref (`effect_refs`, `on_true_refs`, `on_false_refs`) from the node being
    /// lowered to node `i`.
    fn record_flow_ref(&mut self, key: &str, i: usize) {
        let Some(which) = af_stix::flow::FlowRef::from_key(key) else {
            return;
        };
        // Written in a node's block (not the flow's): an edge saying the same is a repeat.
        if let Some(source) = self.current.checked_sub(1) {
            self.flow_refs.insert((source, which, i));
        }
    }

    pub(crate) fn undefined(&mut self, name: &str, span: Span, targets: &[&str]) {
        let candidates: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| targets.is_empty() || targets.contains(&n.stix_type))
            .map(|n| n.name.text.as_str())
            .collect();
        let mut d = Diagnostic::new(codes::E0105, span.clone(), format!("`{name}` is not declared"));
        if let Some(c) = closest(name, candidates.iter().copied()) {
            d = d.with_fix(format!("did you mean `{c}`?"), span, c.to_string());
        } else {
            d = d.with_help(format!("declare it, e.g. `action {name} T1078`"));
        }
        d.fixes
            .extend(crate::node_fixes::declare(self.file, name, targets));
        self.diags.push(d);
    }
}

/// String properties that hold catalog ids, written as bare words.
const ID_KEYS: &[&str] = &["tactic_id", "technique_id"];

/// Common properties offered for did-you-mean.
const COMMON: &[&str] = &[
    "created_by_ref",
    "created",
    "modified",
    "revoked",
    "labels",
    "confidence",
    "lang",
    "external_references",
    "object_marking_refs",
    "granular_markings",
    "extensions",
];

pub(crate) fn describe(v: &ValueKind) -> &'static str {
    match v {
        ValueKind::Str(_) => "a string",
        ValueKind::Int(_) => "an integer",
        ValueKind::Float(_) => "a number",
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Timestamp(_) => "a timestamp",
        ValueKind::Word(_) => "a bare word",
        ValueKind::List(_) => "a list",
        ValueKind::Map(_) => "a map",
        ValueKind::Titled(..) => "a value with a block",
        ValueKind::Error => "an invalid value",
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn seen_keeps_keys_past_its_inline_room() {
        let keys: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
        let mut seen = Seen::new();
        for (i, k) in keys.iter().enumerate() {
            assert!(seen.get(k).is_none());
            seen.push(k, i..i + 1);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(seen.get(k), Some(&(i..i + 1)));
        }
        assert!(seen.get("k20").is_none());
    }
}

/// A value of the syntax tree as the shared value checker reads it: bare words and
/// timestamps read as strings, `"Title" { … }` as its title, values that failed to parse as
/// broken.
#[derive(Clone, Copy)]
pub(crate) struct Src<'a>(pub &'a Value);

impl<'a> check::Json<'a> for Src<'a> {
    fn as_str(self) -> Option<&'a str> {
        match &self.0.kind {
            ValueKind::Str(s) => Some(&s.value),
            ValueKind::Word(w) | ValueKind::Timestamp(w) => Some(w),
            ValueKind::Titled(inner, _) => Src(inner).as_str(),
            _ => None,
        }
    }
    fn as_number(self) -> Option<f64> {
        match &self.0.kind {
            ValueKind::Int(t) | ValueKind::Float(t) => t.parse().ok(),
            ValueKind::Titled(inner, _) => Src(inner).as_number(),
            _ => None,
        }
    }
    fn is_bool(self) -> bool {
        matches!(self.0.kind, ValueKind::Bool(_))
    }
    fn items(self, each: &mut dyn FnMut(Self)) -> bool {
        match &self.0.kind {
            ValueKind::List(items) => {
                items.iter().for_each(|i| each(Src(i)));
                true
            }
            _ => false,
        }
    }
    fn members(self, each: &mut dyn FnMut(&'a str, Self)) -> bool {
        match &self.0.kind {
            ValueKind::Map(block) => {
                for p in &block.entries {
                    if let Some(v) = &p.value {
                        each(&p.key.text, Src(v));
                    }
                }
                true
            }
            _ => false,
        }
    }
    fn get(self, key: &str) -> Option<Self> {
        match &self.0.kind {
            ValueKind::Map(block) => block
                .entries
                .iter()
                .find(|p| p.key.text == key)
                .and_then(|p| p.value.as_ref())
                .map(Src),
            _ => None,
        }
    }
    fn is_broken(self) -> bool {
        self.0.kind == ValueKind::Error
    }
}

/// The compiler's diagnostic for a finding of the shared value checker: `problem` with the
/// value named `what`, at `span`.
pub(crate) fn problem_diagnostic(problem: &Problem, what: &str, span: Span) -> Diagnostic {
    let code = match problem {
        Problem::OutOfRange { .. } => codes::E0205,
        Problem::EmptyList => codes::E0204,
        Problem::WrongType { .. } => codes::E0201,
        Problem::MissingKey { .. } | Problem::NeedsOneOf { .. } => codes::E0208,
        Problem::PropertyName => codes::E0212,
        Problem::Format(f) if !f.is_pattern() => codes::W0204,
        Problem::Format(_)
        | Problem::NotBase64
        | Problem::NotHex
        | Problem::ExternalId { .. }
        | Problem::HashAlgorithm
        | Problem::ExtensionKey { .. }
        | Problem::EmptyExtension
        | Problem::ExtensionType => codes::E0211,
    };
    let mut d = Diagnostic::new(code, span, problem.message(what));
    if let Some(help) = problem.help() {
        d = d.with_help(help);
    }
    if matches!(problem, Problem::OutOfRange { .. }) && what == "`confidence`" {
        d = d.with_help("use a number from 0 to 100, or a word of a confidence scale such as `likely`");
    }
    d
}
