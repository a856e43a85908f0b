use crate::{Diagnostic, LineIndex, Severity};
use ariadne::{Color, Config, Label as ALabel, Report, ReportKind, Source};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

/// Lines longer than this many bytes are shown as windows around the places a diagnostic
/// points at, joined by `…`, so that a minified one-line file does not print megabytes per
/// diagnostic.
pub const MAX_EXCERPT_LINE_BYTES: usize = 240;

/// Chars shown on each side of a place a diagnostic points at, in a long line.
pub const EXCERPT_CONTEXT_CHARS: usize = 40;

/// Labels more than this many lines apart are shown in separate excerpts of the same file
/// (each with its own `├─[file:line:col]` header), so that the cost of a diagnostic does not
/// grow with the distance between its labels.
const EXCERPT_GAP_LINES: usize = 100;

/// Most blanks one diagnostic's excerpts hold for the lines inside its multi-line labels.
const INTERIOR_BUDGET_CHARS: usize = 64 * 1024;

/// Renders diagnostics for people, with source excerpts. `color` should be false when
/// `NO_COLOR` is set or the output is not a terminal. See [`HumanRenderer`].
pub fn render_human(diags: &[Diagnostic], file: &str, source: &str, color: bool) -> String {
    let mut out = Vec::new();
    let mut renderer = HumanRenderer::new(file, source, color);
    for d in diags {
        // Writing into a Vec cannot fail.
        let _ = renderer.write(d, &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Renders the diagnostics of one source text for people (ariadne reports), one at a time,
/// so that a caller can stream them.
///
/// Each diagnostic costs time and space in proportion to its own labels, never to the size
/// of the file or the length of its lines: the report is drawn from an excerpt of the lines
/// it points at (long lines cut to windows, see [`MAX_EXCERPT_LINE_BYTES`]), located through
/// one [`LineIndex`]. Control characters in the source, the messages and the file name are
/// shown escaped (see [`escape_control`]), so a file cannot drive the terminal.
pub struct HumanRenderer<'a> {
    name: String,
    source: &'a str,
    index: LineIndex,
    color: bool,
    buf: Vec<u8>,
}

impl<'a> HumanRenderer<'a> {
    /// A renderer for the diagnostics of `source`, a file shown as `file`.
    pub fn new(file: &str, source: &'a str, color: bool) -> Self {
        HumanRenderer {
            name: escape_control(file, false).into_owned(),
            source,
            index: LineIndex::new(source),
            color,
            buf: Vec::new(),
        }
    }

    /// Writes one diagnostic to `out`.
    pub fn write(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        self.buf.clear();
        let mut spans: Vec<Range<usize>> = Vec::with_capacity(1 + d.labels.len());
        spans.push(self.snap(&d.span));
        spans.extend(d.labels.iter().map(|l| self.snap(&l.span)));
        let excerpts = Excerpts::build(self.source, &self.index, &spans, &self.name);
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
            Severity::Note => ReportKind::Advice,
        };
        let primary_color = match d.severity {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
            Severity::Note => Color::Cyan,
        };
        let text = |s: &str| escape_control(s, true).into_owned();
        let mut report = Report::build(kind, excerpts.span(0))
            .with_config(
                Config::default()
                    .with_color(self.color)
                    .with_index_type(ariadne::IndexType::Char),
            )
            .with_code(d.code)
            .with_message(escape_control(&d.message, false).into_owned());
        // ariadne draws no underline for a label without text, so the primary always has one.
        let primary = ALabel::new(excerpts.span(0))
            .with_color(primary_color)
            .with_order(-1)
            .with_message(escape_control(d.span_label.as_deref().unwrap_or("here"), false).into_owned());
        report = report.with_label(primary);
        for (i, l) in d.labels.iter().enumerate() {
            report = report.with_label(
                ALabel::new(excerpts.span(i + 1))
                    .with_message(escape_control(&l.message, false).into_owned())
                    .with_color(Color::Blue),
            );
        }
        if let Some(h) = &d.help {
            report = report.with_help(text(h));
        }
        for f in &d.fixes {
            if let [edit] = f.edits.as_slice() {
                // An inserted statement comes with the line break before it: shown without.
                let shown = edit.replacement.trim();
                if !shown.is_empty() && !f.message.contains(shown) {
                    report = report.with_note(text(&format!("{}: `{shown}`", f.message)));
                    continue;
                }
            }
            report = report.with_note(text(&f.message));
        }
        let mut cache = excerpts.cache();
        report.finish().write(&mut cache, &mut self.buf)?;
        let fixed = excerpts.fix_report(&String::from_utf8_lossy(&self.buf));
        out.write_all(fixed.as_bytes())
    }

    /// A span clamped to the text and to char boundaries.
    fn snap(&self, span: &Range<usize>) -> Range<usize> {
        let start = floor_char(self.source, span.start);
        let end = floor_char(self.source, span.end.max(start)).max(start);
        start..end
    }
}

fn floor_char(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// The excerpts one diagnostic is drawn from: runs of nearby lines of the source (lines
/// without a label left empty, long lines windowed, control characters escaped), each an
/// ariadne source that keeps the real line numbers, and the spans mapped into them.
struct Excerpts<'n> {
    name: &'n str,
    /// Each excerpt: its text, and its first and last line (0-based) in the file. Line `n` of
    /// the text (0-based) is line `n + shift` of the file (see [`Excerpts::shift`]).
    sources: Vec<(String, usize, usize)>,
    /// For every span of the diagnostic: (excerpt, mapped range).
    spans: Vec<(usize, Range<usize>)>,
    /// Header fix-ups: (line, column in the excerpt) → column in the file, for the places
    /// whose column moved (in a windowed line, or after a widened escape).
    moved: HashMap<(usize, usize), usize>,
}

/// A line a diagnostic's excerpt shows, and a place on it to keep in view; an anchor is a
/// span's start or end, whose place in the excerpt is needed.
struct Need {
    line: usize,
    at: usize,
    anchor: bool,
}

/// A line of an excerpt being built: the places to keep in view on it, and the anchors.
struct LinePlan {
    line: usize,
    anchors: Vec<usize>,
    views: Vec<usize>,
}

impl<'n> Excerpts<'n> {
    fn build(source: &str, index: &LineIndex, spans: &[Range<usize>], name: &'n str) -> Self {
        // The lines to show for each span, with the places on them to keep in view: the line
        // of each end, and of its last char; and for a place at the start of a line, the line
        // before too (ariadne may draw an empty span there at the end of that line).
        let mut needs: Vec<Vec<Need>> = Vec::with_capacity(spans.len());
        for s in spans {
            let mut need = Vec::with_capacity(4);
            for pos in [s.start, s.end] {
                let line = index.line_of(pos);
                need.push(Need {
                    line,
                    at: pos,
                    anchor: true,
                });
                if line > 0 && index.line_start(line) == pos {
                    let before = index.line_range(source, line - 1).end;
                    need.push(Need {
                        line: line - 1,
                        at: before,
                        anchor: false,
                    });
                }
            }
            if s.end > s.start {
                let last = index.line_of(s.end - 1);
                let at = s.end.min(index.line_range(source, last).end);
                need.push(Need {
                    line: last,
                    at,
                    anchor: false,
                });
            }
            needs.push(need);
        }
        let span_lines = |need: &[Need]| {
            let lines = need.iter().map(|n| n.line);
            (lines.clone().min().unwrap_or(0), lines.max().unwrap_or(0))
        };
        // Runs of lines: the spans' lines, merged when close.
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(|&i| span_lines(&needs[i]));
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut run_of = vec![0; spans.len()];
        for &i in &order {
            let (first, last) = span_lines(&needs[i]);
            match runs.last_mut() {
                Some(run) if first <= run.1.saturating_add(EXCERPT_GAP_LINES) => run.1 = run.1.max(last),
                _ => runs.push((first, last)),
            }
            run_of[i] = runs.len() - 1;
        }
        // What each shown line keeps in view, per run.
        let mut plans: Vec<Vec<LinePlan>> = runs.iter().map(|_| Vec::new()).collect();
        for (i, need) in needs.iter().enumerate() {
            let plan = &mut plans[run_of[i]];
            for n in need {
                let p = match plan.iter().position(|p| p.line == n.line) {
                    Some(k) => &mut plan[k],
                    None => {
                        plan.push(LinePlan {
                            line: n.line,
                            anchors: Vec::new(),
                            views: Vec::new(),
                        });
                        let k = plan.len() - 1;
                        &mut plan[k]
                    }
                };
                p.views.push(n.at);
                if n.anchor {
                    p.anchors.push(n.at);
                }
            }
        }
        let last_line = index.line_count() - 1;
        let mut sources = Vec::with_capacity(runs.len());
        let mut placed: HashMap<usize, usize> = HashMap::new();
        let mut moved = HashMap::new();
        for (r, &(first, last)) in runs.iter().enumerate() {
            let plan = &mut plans[r];
            plan.sort_by_key(|p| p.line);
            // ariadne consults the first line of a source for the margins of the help and note
            // rows: an excerpt that does not start at the file's first line starts with an empty
            // line standing for the lines before it, so that no label touches it there either.
            let mut text = String::from(if first > 0 { "\n" } else { "" });
            // ariadne orders the margins of multi-line labels by their length in chars, so a
            // line inside one keeps its length (as blanks: its text is never drawn), up to a
            // budget that keeps the cost of one diagnostic bounded.
            let inside: Vec<(usize, usize)> = spans
                .iter()
                .enumerate()
                .filter(|(i, s)| run_of[*i] == r && s.end > s.start)
                .map(|(_, s)| (index.line_of(s.start), index.line_of(s.end - 1)))
                .filter(|(a, b)| b > a)
                .collect();
            let mut budget = INTERIOR_BUDGET_CHARS;
            let mut next = plan.iter_mut().peekable();
            for line in first..=last {
                if next.peek().is_none_or(|p| p.line != line)
                    && inside.iter().any(|&(a, b)| a < line && line < b)
                {
                    let r = index.line_range(source, line);
                    let chars = (index.line_col(source, r.end).column - 1).min(budget);
                    budget -= chars;
                    text.extend(std::iter::repeat_n(' ', chars));
                }
                if let Some(p) = next.next_if(|p| p.line == line) {
                    p.anchors.sort_unstable();
                    p.anchors.dedup();
                    p.views.sort_unstable();
                    p.views.dedup();
                    let base = text.len();
                    for (pos, at, column) in
                        excerpt_line(source, index, line, &p.views, &p.anchors, &mut text)
                    {
                        placed.insert(pos, base + at);
                        let real = index.line_col(source, pos).column;
                        if real != column {
                            moved.insert((line + 1, column), real);
                        }
                    }
                }
                // The file's last line has no line break after it (when the file ends with one,
                // that last line is empty and holds nothing at all).
                if line != last_line {
                    text.push('\n');
                }
            }
            sources.push((text, first, last));
        }
        // ariadne is given char offsets: with byte offsets it takes the char offset of a label
        // for a byte offset when it heads an excerpt other than the primary's, and slices inside
        // a character when text before it is not ASCII. An excerpt is short, so counting is cheap.
        let spans = spans
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let text = &sources[run_of[i]].0;
                let at = |pos: usize| {
                    let byte = placed.get(&pos).copied().unwrap_or(0);
                    text[..floor_char(text, byte)].chars().count()
                };
                (run_of[i], at(s.start)..at(s.end).max(at(s.start)))
            })
            .collect();
        Excerpts {
            name,
            sources,
            spans,
            moved,
        }
    }

    fn span(&self, i: usize) -> (usize, Range<usize>) {
        self.spans[i].clone()
    }

    fn cache(&self) -> ExcerptCache<'_> {
        ExcerptCache {
            name: self.name,
            sources: self
                .sources
                .iter()
                .map(|(text, first, _)| Source::from(text.as_str()).with_display_line_offset(shift(*first)))
                .collect(),
        }
    }

    /// ariadne numbers the lines of an excerpt from 1 in its margin (only its headers honour
    /// the excerpt's first line) and counts header columns in the excerpt: put the file's line
    /// numbers, the margin width they need, and the file's columns back. A report whose
    /// excerpts all start at the file's first line and whose columns did not move is left as
    /// it is, so it reads exactly as ariadne draws the whole file.
    fn fix_report(&self, report: &str) -> String {
        if self.moved.is_empty() && self.sources.iter().all(|(_, first, _)| shift(*first) == 0) {
            return report.to_string();
        }
        let lines: Vec<&str> = report.split_inclusive('\n').collect();
        // The margin width ariadne used: its first header is indented by it plus two.
        let old_width = lines
            .get(1)
            .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
            .saturating_sub(2);
        // First pass: which excerpt each margin line number belongs to (the last header
        // names a line of it), and the widest number in the file's terms.
        let mut offset = 0;
        let mut new_width = old_width;
        let mut shapes = Vec::with_capacity(lines.len());
        for line in lines.iter().skip(1) {
            let shape = Shape::of(line);
            match &shape {
                Shape::Header(line_no, _) => {
                    offset = self
                        .sources
                        .iter()
                        .find(|(_, first, last)| (*first..=*last).contains(&line_no.saturating_sub(1)))
                        .map_or(0, |(_, first, _)| shift(*first));
                }
                Shape::Numbered(n, _) => new_width = new_width.max(digits(n + offset)),
                _ => {}
            }
            shapes.push((shape, offset));
        }
        let wider = new_width - old_width;
        let mut out = String::with_capacity(report.len() + lines.len() * (wider + 2));
        out.push_str(lines.first().copied().unwrap_or(""));
        for (line, (shape, offset)) in lines.iter().skip(1).zip(shapes) {
            match shape {
                Shape::Numbered(n, range) => {
                    out.push_str(&line[..range.start]);
                    let _ = write!(out, "{:>new_width$}", n + offset);
                    out.push_str(&line[range.end..]);
                }
                Shape::Rule(at) => {
                    out.push_str(&line[..at]);
                    out.extend(std::iter::repeat_n('─', wider));
                    out.push_str(&line[at..]);
                }
                Shape::Header(line_no, col) => {
                    out.extend(std::iter::repeat_n(' ', wider));
                    match col.and_then(|c| Some((c, self.moved.get(&(line_no, c))?))) {
                        Some((col, real)) => {
                            let old = format!(" {}:{line_no}:{col} ", self.name);
                            let new = format!(" {}:{line_no}:{real} ", self.name);
                            out.push_str(&line.replacen(&old, &new, 1));
                        }
                        None => out.push_str(line),
                    }
                }
                Shape::Other => {
                    out.extend(std::iter::repeat_n(' ', wider));
                    out.push_str(line);
                }
            }
        }
        out
    }
}

/// How far the line numbers of an excerpt starting at line `first` (0-based) are from the
/// file's: it starts with one empty line standing for the lines before it, if there are any.
fn shift(first: usize) -> usize {
    first.saturating_sub(1)
}

fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// The kinds of lines in an ariadne report, after its first (the message), by their margin.
enum Shape {
    /// `  12 │ source`: the line number and the byte range of its field (padding and digits).
    Numbered(usize, Range<usize>),
    /// `───╯`: the closing rule; the byte offset of its first `─`.
    Rule(usize),
    /// `   ╭─[ file:line:col ]` or `   ├─[ … ]`: the line and column it names.
    Header(usize, Option<usize>),
    /// Any other line: the margin is spaces, then a bar.
    Other,
}

impl Shape {
    fn of(line: &str) -> Shape {
        // The first visible char, skipping spaces and colour sequences.
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut pad_start = None;
        while i < bytes.len() {
            match bytes[i] {
                b' ' => {
                    pad_start.get_or_insert(i);
                    i += 1;
                }
                0x1b => {
                    pad_start = None;
                    while i < bytes.len() && !bytes[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    i += 1;
                }
                _ => break,
            }
        }
        let rest = &line[i.min(line.len())..];
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            let len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let n = rest[..len].parse().unwrap_or(0);
            // The field is the padding right before the digits, and the digits; the space
            // that always opens the line is not part of it.
            let start = pad_start.map_or(i, |p| if p == 0 { 1.min(i) } else { p });
            return Shape::Numbered(n, start..i + len);
        }
        if rest.starts_with('─') {
            return Shape::Rule(i);
        }
        let plain = strip_ansi(rest);
        if plain.starts_with("╭─[") || plain.starts_with("├─[") {
            let inner = plain
                .trim_end()
                .trim_end_matches(']')
                .get("╭─[".len()..)
                .unwrap_or("")
                .trim();
            let mut parts = inner.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok());
            let line_no = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            return Shape::Header(line_no, col);
        }
        Shape::Other
    }
}

/// Drops ANSI colour sequences (ariadne's own, the only ones in its output: the source and
/// messages are escaped).
fn strip_ansi(s: &str) -> Cow<'_, str> {
    if !s.contains('\x1b') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Appends line `line` of `source` (without its line break) to `text`, escaped, and when the
/// line is long, windowed around `views` (sorted byte offsets on the line). Returns where each
/// of `anchors` (sorted, each among `views`) landed: (anchor, byte offset in the appended
/// text, 1-based column there).
fn excerpt_line(
    source: &str,
    index: &LineIndex,
    line: usize,
    views: &[usize],
    anchors: &[usize],
    text: &mut String,
) -> Vec<(usize, usize, usize)> {
    let range = index.line_range(source, line);
    // Kept pieces of the line, as byte ranges of `source`.
    let mut pieces: Vec<Range<usize>> = Vec::new();
    if range.len() <= MAX_EXCERPT_LINE_BYTES {
        pieces.push(range.clone());
    } else {
        for &v in views {
            let v = v.clamp(range.start, range.end);
            let before = source[range.start..v]
                .char_indices()
                .rev()
                .nth(EXCERPT_CONTEXT_CHARS - 1)
                .map_or(range.start, |(i, _)| range.start + i);
            let after = source[v..range.end]
                .char_indices()
                .nth(EXCERPT_CONTEXT_CHARS)
                .map_or(range.end, |(i, _)| v + i);
            match pieces.last_mut() {
                Some(p) if before <= p.end => p.end = p.end.max(after),
                _ => pieces.push(before..after),
            }
        }
    }
    let base = text.len();
    let mut landed = Vec::with_capacity(anchors.len());
    let mut anchors = anchors.iter().copied().peekable();
    let mut column = 1;
    let mut cursor = range.start;
    for piece in &pieces {
        if piece.start > cursor {
            text.push('…');
            column += 1;
        }
        for (i, c) in source[piece.clone()].char_indices() {
            let pos = piece.start + i;
            while let Some(a) = anchors.next_if(|&a| a <= pos) {
                landed.push((a, text.len() - base, column));
            }
            column += push_escaped(text, c, false);
        }
        cursor = piece.end;
        while let Some(a) = anchors.next_if(|&a| a <= cursor) {
            landed.push((a, text.len() - base, column));
        }
    }
    if cursor < range.end {
        text.push('…');
        column += 1;
    }
    // Anchors inside the line break (between `\r` and `\n`) land at the line's end.
    for a in anchors {
        landed.push((a, text.len() - base, column));
    }
    landed
}

/// Whether `c` is shown escaped: C0 controls but tab and line feed, DEL, C1 controls, the
/// line and paragraph separators, and the bidirectional formatting characters that can make
/// text display differently from what it is.
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0B'..='\x1F' | '\x7F'..='\u{9F}'
        | '\u{2028}' | '\u{2029}'
        | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Appends `c` to `out`, escaped when it must be; returns the number of chars appended.
/// C0 controls become their Unicode control pictures (`␛` for ESC, one char, so columns stay
/// aligned), the others `\u{…}`. With `keep_newline`, `\n` stays a line break (messages);
/// else it is shown as `␊` (file names).
fn push_escaped(out: &mut String, c: char, keep_newline: bool) -> usize {
    match c {
        '\n' if keep_newline => {
            out.push('\n');
            1
        }
        '\n' | '\r' => {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?'));
            1
        }
        '\0'..='\x1F' if needs_escape(c) => {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?'));
            1
        }
        '\x7F' => {
            out.push('␡');
            1
        }
        c if needs_escape(c) => {
            let before = out.len();
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
            out.len() - before
        }
        c => {
            out.push(c);
            1
        }
    }
}

/// `s` with control characters made visible (see [`needs_escape`]): ESC becomes `␛`, NEL
/// `\u{85}`. With `keep_newlines`, `\n` stays a line break (for messages); a `\r` is always
/// escaped. Borrowed when nothing needs escaping.
pub fn escape_control(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs = |c: char| needs_escape(c) || c == '\r' || (c == '\n' && !keep_newlines);
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c, keep_newlines);
    }
    Cow::Owned(out)
}

/// ariadne's view of the excerpts: every one is shown under the file's name.
struct ExcerptCache<'a> {
    name: &'a str,
    sources: Vec<Source<&'a str>>,
}

impl<'a> ariadne::Cache<usize> for ExcerptCache<'a> {
    type Storage = &'a str;

    fn fetch(&mut self, id: &usize) -> Result<&Source<&'a str>, impl std::fmt::Debug> {
        self.sources.get(*id).ok_or("no such excerpt")
    }

    fn display<'b>(&self, _id: &'b usize) -> Option<impl std::fmt::Display + 'b> {
        Some(self.name.to_string())
    }
}

/// Which diagnostics of one file to show when at most `max` may be (`0`: all of them).
#[derive(Debug)]
pub struct Limited<'a> {
    /// The diagnostics shown, in their original order: the most severe first chosen (errors,
    /// then warnings, then notes), the earliest of a severity before later ones.
    pub shown: Vec<&'a Diagnostic>,
    /// The codes of the diagnostics left out, with how many of each, most frequent first.
    pub omitted: Vec<(String, usize)>,
}

impl Limited<'_> {
    /// How many diagnostics were left out.
    pub fn omitted_count(&self) -> usize {
        self.omitted.iter().map(|(_, n)| n).sum()
    }

    /// `… and 9,950 more (9,900 V0201, 50 W0102)`, or `None` when nothing was left out.
    pub fn summary(&self) -> Option<String> {
        let total = self.omitted_count();
        if total == 0 {
            return None;
        }
        let by_code: Vec<String> = self
            .omitted
            .iter()
            .map(|(code, n)| format!("{} {code}", thousands(*n)))
            .collect();
        Some(format!(
            "… and {} more ({})",
            thousands(total),
            by_code.join(", ")
        ))
    }
}

/// Keeps at most `max` of `diags` (`0` keeps all); see [`Limited`].
pub fn limit(diags: &[Diagnostic], max: usize) -> Limited<'_> {
    if max == 0 || diags.len() <= max {
        return Limited {
            shown: diags.iter().collect(),
            omitted: Vec::new(),
        };
    }
    // The least severe level that is still shown, and how many of that level fit.
    let mut room = max;
    let mut cutoff = (Severity::Error, 0);
    for level in [Severity::Error, Severity::Warning, Severity::Note] {
        let n = diags.iter().filter(|d| d.severity == level).count();
        cutoff = (level, room.min(n));
        if n >= room {
            break;
        }
        room -= n;
    }
    let mut taken_at_cutoff = 0;
    let mut shown = Vec::with_capacity(max);
    let mut omitted: Vec<(String, usize)> = Vec::new();
    for d in diags {
        let keep = if d.severity > cutoff.0 {
            true
        } else if d.severity == cutoff.0 && taken_at_cutoff < cutoff.1 {
            taken_at_cutoff += 1;
            true
        } else {
            false
        };
        if keep {
            shown.push(d);
        } else {
            let code = d.code.to_string();
            match omitted.iter_mut().find(|(c, _)| *c == code) {
                Some((_, n)) => *n += 1,
                None => omitted.push((code, 1)),
            }
        }
    }
    omitted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Limited { shown, omitted }
}

/// `9950` → `9,950`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The stable JSON shape of one diagnostic (`--format json`, one object per line).
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<JsonFix<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonRelated<'a> {
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonFix<'a> {
    pub message: &'a str,
    /// `safe`, `unsafe` or `placeholder` (see [`crate::Applicability`]).
    pub applicability: crate::Applicability,
    pub edits: Vec<JsonEdit<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonEdit<'a> {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub replacement: &'a str,
}

/// Converts diagnostics to their JSON shape (1-based lines and columns, end exclusive).
pub fn to_json<'a>(diags: &'a [Diagnostic], file: &'a str, source: &str) -> Vec<JsonDiagnostic<'a>> {
    let index = LineIndex::new(source);
    diags.iter().map(|d| json_of(d, file, source, &index)).collect()
}

/// The JSON shape of one diagnostic, with the file's [`LineIndex`] (see [`to_json`]).
pub fn json_of<'a>(d: &'a Diagnostic, file: &'a str, source: &str, index: &LineIndex) -> JsonDiagnostic<'a> {
    let start = index.line_col(source, d.span.start);
    let end = index.line_col(source, d.span.end);
    JsonDiagnostic {
        file,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        code: d.code,
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        related: d
            .labels
            .iter()
            .map(|l| {
                let p = index.line_col(source, l.span.start);
                JsonRelated {
                    line: p.line,
                    column: p.column,
                    message: &l.message,
                }
            })
            .collect(),
        fixes: d
            .fixes
            .iter()
            .map(|f| JsonFix {
                message: &f.message,
                applicability: f.applicability,
                edits: f
                    .edits
                    .iter()
                    .map(|e| {
                        let s = index.line_col(source, e.span.start);
                        let t = index.line_col(source, e.span.end);
                        JsonEdit {
                            line: s.line,
                            column: s.column,
                            end_line: t.line,
                            end_column: t.column,
                            replacement: &e.replacement,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(diags: &[Diagnostic], source: &str) -> String {
        render_human(diags, "t.af", source, false)
    }

    #[test]
    fn long_lines_are_windowed_around_the_span_and_keep_their_columns() {
        let mut source = "x".repeat(100_000);
        source.replace_range(50_000..50_003, "BAD");
        let d = Diagnostic::new(crate::codes::E0003, 50_000..50_003, "bad thing");
        let out = render(&[d], &source);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(out.contains("t.af:1:50001"), "{out}");
        assert!(
            out.contains(&format!("…{}BAD{}…", "x".repeat(40), "x".repeat(40))),
            "{out}"
        );
    }

    #[test]
    fn far_apart_labels_get_their_own_excerpts() {
        let mut source = String::from("action a T1566\n");
        for _ in 0..10_000 {
            source.push_str("# filler\n");
        }
        let second = source.len();
        source.push_str("action a T1078\n");
        let d = Diagnostic::new(
            crate::codes::E0102,
            second + 7..second + 8,
            "`a` is declared twice",
        )
        .with_label(7..8, "first declared here");
        let out = render(&[d], &source);
        assert!(out.len() < 1_000, "{out}");
        assert!(out.contains("t.af:10002:8"), "{out}");
        assert!(out.contains("t.af:1:8"), "{out}");
        assert!(out.contains("10002 │ action a T1078"), "{out}");
        assert!(out.contains("1 │ action a T1566"), "{out}");
    }

    /// Found by the `compile` fuzz target: a label heading an excerpt of its own, after text
    /// that is not ASCII, made ariadne slice inside a character.
    #[test]
    fn far_apart_labels_after_text_that_is_not_ascii() {
        for (first, second) in [("─[ é", "action a"), ("action a", "──── é")] {
            let mut source = format!("{first} x\n");
            for _ in 0..200 {
                source.push('\n');
            }
            let at = source.len();
            source.push_str(&format!("{second} y\n"));
            let x = first.len() + 1;
            let y = at + second.len() + 1;
            for (primary, label) in [(x..x + 1, y..y + 1), (y..y + 1, x..x + 1)] {
                let d = Diagnostic::new(crate::codes::E0102, primary, "two").with_label(label, "one");
                let out = render(&[d], &source);
                assert!(out.contains("t.af:1:") && out.contains("t.af:202:"), "{out}");
                assert!(out.contains(&format!("{first} x")), "{out}");
            }
        }
    }

    #[test]
    fn control_characters_are_escaped_everywhere() {
        let source = "action \x1b[31mx\x07 T1566\n";
        let d = Diagnostic::new(crate::codes::E0003, 7..8, "unexpected \x1b]0;title\x07")
            .with_help("see \x1b[2J")
            .with_label(13..14, "bell \x07");
        let out = render_human(&[d], "a\x1bb.af", source, false);
        assert!(!out.contains('\x1b'), "{out:?}");
        assert!(!out.contains('\x07'), "{out:?}");
        assert!(out.contains("␛[31mx␇"), "{out}");
        assert!(out.contains("unexpected ␛]0;title␇"), "{out}");
        assert!(out.contains("a␛b.af"), "{out}");
        assert_eq!(escape_control("a\u{85}b\u{202e}c", true), "a\\u{85}b\\u{202e}c");
        assert_eq!(escape_control("plain\ntext", true), "plain\ntext");
        assert_eq!(escape_control("two\nlines", false), "two␊lines");
    }

    #[test]
    fn colour_codes_come_only_from_the_renderer() {
        let source = "x".repeat(1000) + "\x1b";
        let d = Diagnostic::new(crate::codes::E0003, 1000..1001, "bad");
        let out = render_human(&[d], "t.af", &source, true);
        // The header column is fixed even with colour.
        assert!(strip_ansi(&out).contains("t.af:1:1001"), "{out}");
        assert!(!strip_ansi(&out).contains('\x1b'));
    }

    /// What the renderer drew before excerpts: ariadne over the whole file.
    fn whole_file(d: &Diagnostic, file: &str, source: &str) -> String {
        let cache = (file, Source::from(source));
        let clamp = |s: &Range<usize>| {
            s.start.min(source.len())..s.end.clamp(s.start.min(source.len()), source.len())
        };
        let mut report = Report::build(ReportKind::Error, (file, clamp(&d.span)))
            .with_config(
                Config::default()
                    .with_color(false)
                    .with_index_type(ariadne::IndexType::Byte),
            )
            .with_code(d.code)
            .with_message(&d.message);
        report = report.with_label(
            ALabel::new((file, clamp(&d.span)))
                .with_order(-1)
                .with_message(d.span_label.as_deref().unwrap_or("here")),
        );
        for l in &d.labels {
            report = report.with_label(ALabel::new((file, clamp(&l.span))).with_message(&l.message));
        }
        if let Some(h) = &d.help {
            report = report.with_help(h);
        }
        for f in &d.fixes {
            report = report.with_note(format!("{}: `{}`", f.message, f.edits[0].replacement));
        }
        let mut out = Vec::new();
        let _ = report.finish().write(cache, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Excerpts draw what ariadne draws over the whole file, wherever the labels are
        /// (as long as they are near each other and the lines short and plain).
        #[test]
        fn excerpts_draw_what_the_whole_file_draws(
            lines in proptest::collection::vec("[a-z é→{}\\[\\]]{0,30}", 1..260),
            first in 0usize..10_000,
            labels in proptest::collection::vec((0usize..60, 0usize..10, 0usize..90), 0..4),
            wide in 0usize..3,
        ) {
            let source: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let index = LineIndex::new(&source);
            // Byte offsets at char boundaries, around a line of the file.
            let at = |line: usize, col: usize| {
                let line = line.min(index.line_count() - 1);
                let r = index.line_range(&source, line);
                let mut o = (r.start + col).min(r.end + usize::from(wide == 2));
                while !source.is_char_boundary(o.min(source.len())) { o -= 1; }
                o.min(source.len())
            };
            let base = first % index.line_count();
            let start = at(base, first % 7);
            let end = at(base + first % 3 * (wide % 2), first % 11 + 1).max(start);
            let mut d = Diagnostic::new(crate::codes::E0001, start..end, "message").with_help("help text");
            for (dl, len, col) in labels {
                let line = base.saturating_sub(dl % 50) + dl / 50 * 40;
                let s = at(line, col);
                let e = at(line + len / 6, col + len).max(s);
                d = d.with_label(s..e, "label");
            }
            if first % 5 == 0 {
                d = d.with_fix("use this", start..end, "zz");
            }
            let ours = render_human(std::slice::from_ref(&d), "f.af", &source, false);
            let theirs = whole_file(&d, "f.af", &source);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn limits_keep_the_most_severe_and_count_the_rest() {
        let mut diags = Vec::new();
        for i in 0..10 {
            diags.push(Diagnostic::new(crate::codes::W0102, i..i + 1, "w"));
        }
        diags.push(Diagnostic::new(crate::codes::E0102, 20..21, "e"));
        diags.push(Diagnostic::new(crate::codes::N0111, 30..31, "n"));
        let l = limit(&diags, 3);
        let codes: Vec<&str> = l.shown.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["W0102", "W0102", "E0102"]);
        assert_eq!(l.omitted, [("W0102".to_string(), 8), ("N0111".to_string(), 1)]);
        assert_eq!(l.summary().as_deref(), Some("… and 9 more (8 W0102, 1 N0111)"));
        assert_eq!(limit(&diags, 0).shown.len(), 12);
        assert!(limit(&diags, 12).summary().is_none());
        assert_eq!(thousands(9950), "9,950");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(12), "12");
    }
}
