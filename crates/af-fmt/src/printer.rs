//! The pretty-printer: walks the tree, writes lines, and places every comment.
//!
//! Comments are placed by position. Each statement owns the comments from the end of the
//! previous statement's last line to the end of its own last line. Before a token is written,
//! every comment of the statement that starts before the token in the source is placed: a
//! comment on the same source line as the last token written is a trailing comment and goes
//! at the end of that token's output line, keeping the spaces the source had before it; any
//! other comment gets a line of its own before the token. A comment that would fall in the
//! middle of an output line is moved to the end of that line, or to a line of its own just
//! before it.

use crate::WIDTH;
use af_syntax::lexer::{lex, Token};
use af_syntax::strings::{decode, quote};
use af_syntax::{
    Block, Comment, EdgeStmt, File, FlowDecl, Item, Key, NodeDecl, Property, Span, StrLit, Value, ValueKind,
};

/// Spaces per indentation level.
const STEP: usize = 2;

/// Where the last token written is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nothing written yet in this statement (or only a comment).
    None,
    /// In the line being built.
    Cur,
    /// In this finished line.
    Line(usize),
}

pub(crate) fn print_file(file: &File, src: &str) -> String {
    let mut comments: Vec<&Comment> = file.comments.iter().collect();
    comments.sort_by_key(|c| c.span.start);
    let items = &file.items;
    // bounds[k]..bounds[k + 1] is the part of the source whose comments statement k owns.
    let mut bounds = Vec::with_capacity(items.len() + 1);
    bounds.push(0usize);
    for item in items {
        let prev = bounds.last().copied().unwrap_or(0);
        bounds.push(line_end(src, item.span().end).max(prev));
    }
    let flow = items.iter().position(|i| matches!(i, Item::Flow(_)));
    let order: Vec<usize> = flow
        .into_iter()
        .chain((0..items.len()).filter(|i| Some(*i) != flow))
        .collect();

    let mut p = Printer::new(src, comments);
    let mut prev_multi = false;
    let mut first = true;
    for k in order {
        let item = &items[k];
        let start = item.span().start;
        p.begin_chunk(bounds[k], bounds[k + 1]);
        let chunk_start = p.out.len();
        let first_pos = p.first_comment_pos().map_or(start, |c| c.min(start));
        let blank_in_source = blank_between(src, bounds[k], first_pos);
        p.flush_before(start, 0);
        p.maybe_blank(start);
        let stmt_start = p.out.len();
        p.start_line(0);
        p.item(item);
        p.end_line();
        let multi = p.out.len() - stmt_start > 1;
        p.flush_before(usize::MAX, 0);
        if !first && (multi || prev_multi || blank_in_source) {
            p.out.insert(chunk_start, OutLine::blank());
        }
        first = false;
        prev_multi = multi;
    }
    let last_bound = bounds.last().copied().unwrap_or(0);
    p.begin_chunk(last_bound, usize::MAX);
    if let Some(pos) = p.first_comment_pos() {
        let chunk_start = p.out.len();
        let blank_in_source = blank_between(src, last_bound, pos);
        p.flush_before(usize::MAX, 0);
        if !first && blank_in_source {
            p.out.insert(chunk_start, OutLine::blank());
        }
    }
    align_trailing_comments(&mut p.out);
    let lines: Vec<String> = p.out.into_iter().map(|l| l.text).collect();
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

struct Printer<'a> {
    src: &'a str,
    /// Offsets of the source's line breaks.
    newlines: Vec<usize>,
    comments: Vec<&'a Comment>,
    used: Vec<bool>,
    /// Finished lines.
    out: Vec<OutLine>,
    /// The trailing comment appended to the line being built.
    cur_trailing: Option<Trailing>,
    /// The line being built (with its indentation).
    cur: String,
    cur_indent: usize,
    cur_has_token: bool,
    /// Source offset just past the last token (or comment) placed.
    last_end: usize,
    last: Last,
    /// Comments met in the middle of the current line, placed when it is finished.
    deferred: Vec<usize>,
    /// Index range of the comments the current statement owns.
    region: (usize, usize),
    /// Whether a blank line from the source may be kept before the next line.
    allow_blank: bool,
}

impl<'a> Printer<'a> {
    fn new(src: &'a str, comments: Vec<&'a Comment>) -> Self {
        let used = vec![false; comments.len()];
        Printer {
            src,
            newlines: src.match_indices('\n').map(|(i, _)| i).collect(),
            comments,
            used,
            out: Vec::new(),
            cur_trailing: None,
            cur: String::new(),
            cur_indent: 0,
            cur_has_token: false,
            last_end: 0,
            last: Last::None,
            deferred: Vec::new(),
            region: (0, 0),
            allow_blank: false,
        }
    }

    // ----- statements -----

    fn begin_chunk(&mut self, from: usize, to: usize) {
        let lo = self.comments.partition_point(|c| c.span.start < from);
        let hi = self.comments.partition_point(|c| c.span.start < to);
        self.region = (lo, hi.max(lo));
        self.last = Last::None;
        self.last_end = from;
        self.allow_blank = false;
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Flow(f) => self.flow(f),
            Item::Node(n) => self.node(n),
            Item::Edge(e) => self.edge(e),
        }
    }

    fn flow(&mut self, f: &FlowDecl) {
        self.token("flow", &f.keyword);
        if let Some(t) = &f.title {
            self.text(" ");
            self.string(t, 0);
        }
        if let Some(b) = &f.body {
            self.text(" ");
            self.block(b, 0, 0);
        }
    }

    fn node(&mut self, n: &NodeDecl) {
        self.token(&n.kind.text, &n.kind.span);
        for id in [&n.name, &n.word].into_iter().flatten() {
            self.text(" ");
            self.token(&id.text, &id.span);
        }
        if let Some(t) = &n.title {
            self.text(" ");
            self.string(t, 0);
        }
        if let Some(b) = &n.body {
            self.text(" ");
            self.block(b, 0, 0);
        }
    }

    fn edge(&mut self, e: &EdgeStmt) {
        let head_end = e
            .groups
            .last()
            .and_then(|g| g.last())
            .map_or(e.span.start, |i| i.span.end);
        let head = e.span.start..head_end;
        let mut flat = group_text(e.groups.first().map_or(&[][..], Vec::as_slice));
        for (arrow, group) in e.arrows.iter().zip(e.groups.iter().skip(1)) {
            flat.push(' ');
            flat.push_str(&arrow_text(arrow));
            flat.push(' ');
            flat.push_str(&group_text(group));
        }
        let broken = self.comments_inside(&head) || self.col() + width(&flat) > WIDTH;
        if let Some(g) = e.groups.first() {
            self.group(g);
        }
        for (arrow, group) in e.arrows.iter().zip(e.groups.iter().skip(1)) {
            if broken {
                self.end_line();
                self.start_line(STEP);
            } else {
                self.text(" ");
            }
            self.token(&arrow_text(arrow), &arrow.span);
            self.text(" ");
            self.group(group);
        }
        if let Some(b) = &e.body {
            self.text(" ");
            let indent = if broken && !e.arrows.is_empty() { STEP } else { 0 };
            self.block(b, indent, 0);
        }
    }

    fn group(&mut self, names: &[af_syntax::Ident]) {
        for (i, id) in names.iter().enumerate() {
            if i > 0 {
                self.text(", ");
            }
            self.token(&id.text, &id.span);
        }
    }

    // ----- blocks, properties, values -----

    fn block(&mut self, b: &Block, indent: usize, reserve: usize) {
        if !self.comments_inside(&b.span) {
            if let Some(flat) = self.flat_block(b) {
                if self.fits(&flat, reserve) {
                    self.flat(&flat, &b.span);
                    return;
                }
            }
        }
        let open = b.span.start..b.span.start + 1;
        let close = b.span.end.saturating_sub(1)..b.span.end;
        self.token("{", &open);
        self.end_line();
        self.allow_blank = false;
        for p in &b.entries {
            self.property(p, indent + STEP);
        }
        self.flush_before(close.start, indent + STEP);
        self.start_line(indent);
        self.token("}", &close);
    }

    fn property(&mut self, p: &Property, indent: usize) {
        self.flush_before(p.span.start, indent);
        self.maybe_blank(p.span.start);
        self.start_line(indent);
        self.token(&key_text(&p.key), &p.key.span);
        self.text(": ");
        match &p.value {
            Some(v) => self.value(v, indent, 0),
            None => {
                let raw = self.raw(p.key.span.end..p.span.end);
                let raw = raw.trim().trim_start_matches(':').trim().to_string();
                self.text(&raw);
            }
        }
        self.end_line();
    }

    fn value(&mut self, v: &Value, indent: usize, reserve: usize) {
        match &v.kind {
            ValueKind::Str(s) => self.string(s, indent),
            ValueKind::Int(t) | ValueKind::Float(t) | ValueKind::Timestamp(t) | ValueKind::Word(t) => {
                self.token(t, &v.span)
            }
            ValueKind::Bool(b) => self.token(if *b { "true" } else { "false" }, &v.span),
            ValueKind::List(items) => self.list(items, &v.span, indent, reserve),
            ValueKind::Map(b) => self.block(b, indent, reserve),
            ValueKind::Titled(inner, b) => {
                self.value(inner, indent, 0);
                self.text(" ");
                self.block(b, indent, reserve);
            }
            ValueKind::Error => {
                let raw = self.raw(v.span.clone());
                self.token(&raw, &v.span);
            }
        }
    }

    fn list(&mut self, items: &[Value], span: &Span, indent: usize, reserve: usize) {
        if !self.comments_inside(span) {
            if let Some(flat) = self.flat_list(items) {
                if self.fits(&flat, reserve) {
                    self.flat(&flat, span);
                    return;
                }
            }
        }
        self.token("[", &(span.start..span.start + 1));
        self.end_line();
        self.allow_blank = false;
        for item in items {
            self.flush_before(item.span.start, indent + STEP);
            self.start_line(indent + STEP);
            self.value(item, indent + STEP, 1);
            self.text(",");
            self.end_line();
        }
        let close = span.end.saturating_sub(1)..span.end;
        self.flush_before(close.start, indent + STEP);
        self.start_line(indent);
        self.token("]", &close);
    }

    fn string(&mut self, s: &StrLit, indent: usize) {
        let block = if s.multiline {
            block_literal(&s.value, indent)
        } else {
            None
        };
        let Some(literal) = block else {
            self.token(&quote(&s.value), &s.span);
            return;
        };
        // `"""` then the content lines, then the closing quotes at `indent`.
        self.flush_before(s.span.start, self.cur_indent);
        let mut lines = literal.split('\n');
        self.cur.push_str(lines.next().unwrap_or("\"\"\""));
        self.cur_has_token = true;
        self.last = Last::Cur;
        self.newline();
        let rest: Vec<&str> = lines.collect();
        if let Some((closing, content)) = rest.split_last() {
            self.out
                .extend(content.iter().map(|l| OutLine::plain(l.to_string())));
            self.cur.push_str(closing);
        }
        self.cur_indent = indent;
        self.cur_has_token = true;
        self.last = Last::Cur;
        self.last_end = s.span.end;
        self.allow_blank = true;
    }

    /// The one-line form of a value, if it has one.
    fn flat_value(&self, v: &Value) -> Option<String> {
        match &v.kind {
            ValueKind::Str(s) => {
                if s.multiline && block_literal(&s.value, 0).is_some() {
                    None
                } else {
                    Some(quote(&s.value))
                }
            }
            ValueKind::Int(t) | ValueKind::Float(t) | ValueKind::Timestamp(t) | ValueKind::Word(t) => {
                Some(t.to_string())
            }
            ValueKind::Bool(b) => Some(b.to_string()),
            ValueKind::List(items) => self.flat_list(items),
            ValueKind::Map(b) => self.flat_block(b),
            ValueKind::Titled(inner, b) => {
                Some(format!("{} {}", self.flat_value(inner)?, self.flat_block(b)?))
            }
            ValueKind::Error => Some(self.raw(v.span.clone())),
        }
    }

    /// `[a, b]`, unless an item is a map (maps in lists are always written as blocks).
    fn flat_list(&self, items: &[Value]) -> Option<String> {
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            if matches!(item.kind, ValueKind::Map(_) | ValueKind::Titled(..)) {
                return None;
            }
            parts.push(self.flat_value(item)?);
        }
        Some(format!("[{}]", parts.join(", ")))
    }

    /// `{}`, or `{ key: value }` where the value is a scalar or a one-line list: the only
    /// blocks written on one line. A list counts like a scalar, so that neighbouring nodes with
    /// one property each are laid out alike (`{ tactic: TA0001 }`, `{ asset_refs: [laptop] }`).
    fn flat_block(&self, b: &Block) -> Option<String> {
        match b.entries.as_slice() {
            [] => Some("{}".to_string()),
            [p] => {
                let v = p.value.as_ref()?;
                let one_line = match &v.kind {
                    ValueKind::Str(_)
                    | ValueKind::Int(_)
                    | ValueKind::Float(_)
                    | ValueKind::Timestamp(_)
                    | ValueKind::Word(_)
                    | ValueKind::Bool(_)
                    | ValueKind::List(_) => self.flat_value(v)?,
                    _ => return None,
                };
                Some(format!("{{ {}: {one_line} }}", key_text(&p.key)))
            }
            _ => None,
        }
    }

    // ----- lines and comments -----

    fn col(&self) -> usize {
        width(&self.cur)
    }

    fn fits(&self, text: &str, reserve: usize) -> bool {
        self.col() + width(text) + reserve <= WIDTH
    }

    fn start_line(&mut self, indent: usize) {
        if self.cur.is_empty() && !self.cur_has_token {
            self.cur.push_str(&" ".repeat(indent));
            self.cur_indent = indent;
        }
    }

    fn text(&mut self, s: &str) {
        self.cur.push_str(s);
    }

    /// Writes a token that stands at `span` in the source, placing the comments before it.
    fn token(&mut self, s: &str, span: &Span) {
        self.flush_before(span.start, self.cur_indent);
        self.cur.push_str(s);
        self.cur_has_token = true;
        self.last = Last::Cur;
        self.last_end = span.end;
        self.allow_blank = true;
    }

    /// Writes a one-line form that covers `span` (which holds no comment).
    fn flat(&mut self, s: &str, span: &Span) {
        self.token(s, &(span.start..span.start));
        self.last_end = span.end;
    }

    /// Finishes the line, taking a trailing comment that follows the last token in the source.
    fn end_line(&mut self) {
        if self.last == Last::Cur {
            let next = (self.region.0..self.region.1)
                .find(|&i| !self.used[i] && self.comments[i].span.start >= self.last_end);
            if let Some(i) = next {
                let between = self
                    .src
                    .get(self.last_end..self.comments[i].span.start)
                    .unwrap_or("\n");
                if between.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | ',')) {
                    self.used[i] = true;
                    self.deferred.push(i);
                    self.last_end = self.comments[i].span.end;
                }
            }
        }
        self.newline();
    }

    fn newline(&mut self) {
        let deferred = std::mem::take(&mut self.deferred);
        if let Some((&last, rest)) = deferred.split_last() {
            for &i in rest {
                let line = format!("{}{}", " ".repeat(self.cur_indent), self.comments[i].text);
                self.out.push(OutLine::plain(line));
            }
            let c = self.comments[last];
            let trailing = append_trailing(&mut self.cur, c, self.src, &self.newlines);
            self.cur_trailing = Some(trailing);
        }
        let had_token = self.cur_has_token;
        let line = self.cur.trim_end_matches(' ').to_string();
        let trailing = self.cur_trailing.take();
        self.cur.clear();
        self.cur_has_token = false;
        if line.is_empty() && !had_token {
            return;
        }
        self.out.push(OutLine { text: line, trailing });
        if self.last == Last::Cur {
            self.last = Last::Line(self.out.len() - 1);
        }
    }

    fn first_comment_pos(&self) -> Option<usize> {
        (self.region.0..self.region.1)
            .find(|&i| !self.used[i])
            .map(|i| self.comments[i].span.start)
    }

    fn comments_inside(&self, span: &Span) -> bool {
        (self.region.0..self.region.1).any(|i| {
            let s = self.comments[i].span.start;
            !self.used[i] && s > span.start && s < span.end
        })
    }

    /// Places every comment of the statement that starts before `pos`.
    fn flush_before(&mut self, pos: usize, indent: usize) {
        for i in self.region.0..self.region.1 {
            if self.used[i] {
                continue;
            }
            if self.comments[i].span.start >= pos {
                break;
            }
            self.used[i] = true;
            self.place(i, indent);
        }
    }

    fn place(&mut self, i: usize, indent: usize) {
        let c = self.comments[i];
        let same_line = self.last_end <= c.span.start
            && !self
                .src
                .get(self.last_end..c.span.start)
                .unwrap_or("\n")
                .contains('\n');
        match self.last {
            Last::Cur if same_line => {
                self.deferred.push(i);
                self.last_end = c.span.end;
                return;
            }
            Last::Line(k) if same_line && k + 1 == self.out.len() => {
                let trailing = append_trailing(&mut self.out[k].text, c, self.src, &self.newlines);
                self.out[k].trailing = Some(trailing);
                self.last_end = c.span.end;
                return;
            }
            _ => {}
        }
        if self.cur_has_token {
            // In the middle of a line: give the comment its own line just before it.
            let line = format!("{}{}", " ".repeat(self.cur_indent), c.text);
            self.out.push(OutLine::plain(line));
        } else {
            self.maybe_blank(c.span.start);
            self.out
                .push(OutLine::plain(format!("{}{}", " ".repeat(indent), c.text)));
            self.allow_blank = true;
            self.last = Last::None;
        }
        self.last_end = self.last_end.max(c.span.end);
    }

    /// Keeps one blank line where the source has at least one before `pos`.
    fn maybe_blank(&mut self, pos: usize) {
        if self.allow_blank
            && blank_between(self.src, self.last_end, pos)
            && self.out.last().is_some_and(|l| !l.text.is_empty())
        {
            self.out.push(OutLine::blank());
        }
    }

    /// Source text of a piece that failed to parse, on one line.
    fn raw(&self, span: Span) -> String {
        self.src
            .get(span)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A finished output line, and where its trailing comment came from.
struct OutLine {
    text: String,
    trailing: Option<Trailing>,
}

impl OutLine {
    fn plain(text: String) -> Self {
        OutLine { text, trailing: None }
    }

    fn blank() -> Self {
        OutLine::plain(String::new())
    }
}

/// A trailing comment on an output line.
#[derive(Clone, Copy)]
struct Trailing {
    /// Where the code before the comment ends in the output line (characters).
    code_end: usize,
    /// The spaces the source had before the comment.
    gap: usize,
    /// The comment's line and column (characters) in the source.
    src_line: usize,
    src_col: usize,
}

/// Appends a trailing comment, keeping the spaces the source had before it (at least one).
/// `newlines` holds the offsets of the source's line breaks.
fn append_trailing(line: &mut String, c: &Comment, src: &str, newlines: &[usize]) -> Trailing {
    line.truncate(line.trim_end_matches(' ').len());
    let before = src.get(..c.span.start).unwrap_or("");
    let gap = before
        .chars()
        .rev()
        .take_while(|ch| *ch == ' ' || *ch == '\t')
        .count()
        .max(1);
    let src_line = newlines.partition_point(|&nl| nl < c.span.start);
    let line_start = src_line.checked_sub(1).map_or(0, |l| newlines[l] + 1);
    let trailing = Trailing {
        code_end: width(line),
        gap,
        src_line,
        src_col: width(before.get(line_start..).unwrap_or("")),
    };
    line.push_str(&" ".repeat(gap));
    line.push_str(&c.text);
    trailing
}

/// Trailing comments that stood in one column on consecutive source lines, and still stand on
/// consecutive output lines, are put in one column again: the column that keeps the smallest
/// gap the source had (so a group whose code did not change keeps its column, and one whose
/// code grew moves right as a whole).
fn align_trailing_comments(out: &mut [OutLine]) {
    let mut k = 0;
    while k < out.len() {
        let Some(first) = out[k].trailing else {
            k += 1;
            continue;
        };
        let mut end = k + 1;
        let mut prev = first;
        while let Some(t) = out.get(end).and_then(|l| l.trailing) {
            if t.src_col != first.src_col || t.src_line != prev.src_line + 1 {
                break;
            }
            prev = t;
            end += 1;
        }
        if end - k > 1 {
            let group: Vec<Trailing> = out[k..end].iter().filter_map(|l| l.trailing).collect();
            let gap = group.iter().map(|t| t.gap).min().unwrap_or(1);
            let column = group.iter().map(|t| t.code_end + gap).max().unwrap_or(0);
            for line in &mut out[k..end] {
                let Some(t) = line.trailing else { continue };
                let code: String = line.text.chars().take(t.code_end).collect();
                let comment: String = line.text.chars().skip(t.code_end + t.gap).collect();
                line.text = format!("{code}{}{comment}", " ".repeat(column - t.code_end));
                line.trailing = Some(Trailing {
                    gap: column - t.code_end,
                    ..t
                });
            }
        }
        k = end;
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// The offset of the line break that ends the line holding `pos` (or the end of the text).
fn line_end(src: &str, pos: usize) -> usize {
    let pos = pos.min(src.len());
    src.get(pos..)
        .and_then(|rest| rest.find('\n'))
        .map_or(src.len(), |i| pos + i)
}

/// Whether the source between the two offsets holds an empty line.
fn blank_between(src: &str, from: usize, to: usize) -> bool {
    let Some(text) = (from < to).then(|| src.get(from..to)).flatten() else {
        return false;
    };
    let mut newlines = 0;
    for c in text.chars() {
        match c {
            '\n' => {
                newlines += 1;
                if newlines == 2 {
                    return true;
                }
            }
            ' ' | '\t' | '\r' => {}
            _ => newlines = 0,
        }
    }
    false
}

fn group_text(names: &[af_syntax::Ident]) -> String {
    names
        .iter()
        .map(|i| i.text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn arrow_text(arrow: &af_syntax::Arrow) -> String {
    match &arrow.label {
        Some(l) => format!("-[{}]->", l.text),
        None => "->".to_string(),
    }
}

/// A key as written: bare when it reads back as one word, quoted otherwise.
fn key_text(k: &Key) -> String {
    if is_word(&k.text) {
        k.text.to_string()
    } else {
        quote(&k.text)
    }
}

/// Whether `s` lexes as exactly one word token.
pub(crate) fn is_word(s: &str) -> bool {
    let (tokens, comments) = lex(s);
    comments.is_empty() && matches!(tokens.as_slice(), [(Token::Word(w), _)] if *w == s)
}

/// A `"""` literal for a value with line breaks, content indented one step past `indent` and
/// the closing quotes at `indent`; `None` when such a literal would not read back as the same
/// value (then the value is written as an ordinary string with `\n` escapes).
pub(crate) fn block_literal(value: &str, indent: usize) -> Option<String> {
    if !value.contains('\n') {
        return None;
    }
    let pad = " ".repeat(indent + STEP);
    let mut lit = String::with_capacity(value.len() + 16);
    lit.push_str("\"\"\"\n");
    for line in value.split('\n') {
        if !line.is_empty() {
            lit.push_str(&pad);
            escape_block_line(line, &mut lit);
        }
        lit.push('\n');
    }
    lit.push_str(&" ".repeat(indent));
    lit.push_str("\"\"\"");
    let (decoded, errors) = decode(&lit, true);
    let (tokens, _) = lex(&lit);
    let one_token = matches!(tokens.as_slice(), [(Token::TripleStr(t), _)] if t.len() == lit.len());
    (errors.is_empty() && decoded == value && one_token).then_some(lit)
}

fn escape_block_line(line: &str, out: &mut String) {
    for c in line.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' if out.ends_with("\"\"") => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
}
