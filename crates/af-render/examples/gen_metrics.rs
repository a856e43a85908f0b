//! Generates `src/metrics.rs`: the advance widths `af_render::text` sizes text with.
//!
//! ```text
//! cargo run -p af-render --example gen_metrics [-- LIBERATION_DIR]
//! ```
//!
//! The SVG names the font stack `Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans',
//! sans-serif`, and PNG output draws with DejaVu Sans (bundled in `crates/af-png/fonts`).
//! Helvetica, Arial and Liberation Sans share their advance widths, so the table records, per
//! character, the widest of DejaVu Sans and Liberation Sans (regular and bold): text sized by
//! it fits whichever of those fonts a viewer picks. `LIBERATION_DIR` defaults to
//! `/usr/share/fonts/truetype/liberation` (Debian's `fonts-liberation`).
//!
//! Kerning mostly narrows text, but some pairs are set wider than their advances (DejaVu Sans
//! Bold's `TT`). Every pair of the characters in `KERN_RANGES` is shaped (with rustybuzz, as
//! resvg and browsers shape with HarfBuzz), and each character that widens a pair as its left
//! member gets an allowance: the most any pair starting with it widens, over the fonts.

use rustybuzz::ttf_parser;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The characters measured: Latin, IPA, combining marks, Greek, Cyrillic, Vietnamese,
/// punctuation, currency, letterlike symbols, arrows, mathematical operators, technical
/// symbols, enclosed alphanumerics, box drawing and shapes, symbols, dingbats, ligatures and
/// the replacement character (the same ranges the bundled DejaVu subset keeps).
const RANGES: &[(u32, u32)] = &[
    (0x0020, 0x007E),
    (0x00A0, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x218F),
    (0x2190, 0x23FF),
    (0x2460, 0x24FF),
    (0x2500, 0x27BF),
    (0xFB00, 0xFB06),
    (0xFFFD, 0xFFFD),
];

/// The characters whose pairs are shaped to find positive kerning: Latin, Greek, Cyrillic.
const KERN_RANGES: &[(u32, u32)] = &[(0x0020, 0x017F), (0x0370, 0x03FF), (0x0400, 0x045F)];

struct Font {
    label: String,
    data: Vec<u8>,
}

impl Font {
    fn load(path: &Path) -> Font {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let face = ttf_parser::Face::parse(&data, 0).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            rustybuzz::Face::from_slice(&data, 0).is_some(),
            "{}: the shaper cannot read it",
            path.display()
        );
        let name = |id: u16| {
            face.names()
                .into_iter()
                .find(|n| n.name_id == id && n.is_unicode())
                .and_then(|n| n.to_string())
                .unwrap_or_default()
        };
        let label = format!("{} {} ({})", name(1), name(2), name(5));
        Font { label, data }
    }

    /// Advance of `c` in thousandths of an em, rounded up; `None` without a glyph.
    fn advance(&self, c: char) -> Option<u16> {
        let face = ttf_parser::Face::parse(&self.data, 0).ok()?;
        let glyph = face.glyph_index(c).filter(|g| g.0 != 0)?;
        let advance = f64::from(face.glyph_hor_advance(glyph)?);
        Some((advance * 1000.0 / f64::from(face.units_per_em())).ceil() as u16)
    }

    /// How much wider than their advances `a` and `b` are set together, in font units (0 when
    /// narrower), for every `b` of `chars`: the most of them.
    fn widening(&self, a: char, chars: &[char]) -> i32 {
        let Some(face) = rustybuzz::Face::from_slice(&self.data, 0) else {
            return 0;
        };
        let advance = |c: char| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(0, i32::from)
        };
        let Some(_) = face.glyph_index(a).filter(|g| g.0 != 0) else {
            return 0;
        };
        let mut most = 0;
        for &b in chars {
            if face.glyph_index(b).filter(|g| g.0 != 0).is_none() {
                continue;
            }
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(&format!("{a}{b}"));
            let shaped = rustybuzz::shape(&face, &[], buffer);
            let total: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
            most = most.max(total - advance(a) - advance(b));
        }
        most
    }

    /// [`Font::widening`] in thousandths of an em, rounded up.
    fn allowance(&self, a: char, chars: &[char]) -> u16 {
        let units = self.widening(a, chars);
        let upem = ttf_parser::Face::parse(&self.data, 0).map_or(1000, |f| f.units_per_em());
        (f64::from(units) * 1000.0 / f64::from(upem)).ceil() as u16
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bundled = root.join("../af-png/fonts");
    let liberation = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/fonts/truetype/liberation"));
    let regular = [
        Font::load(&bundled.join("DejaVuSans.ttf")),
        Font::load(&liberation.join("LiberationSans-Regular.ttf")),
    ];
    let bold = [
        Font::load(&bundled.join("DejaVuSans-Bold.ttf")),
        Font::load(&liberation.join("LiberationSans-Bold.ttf")),
    ];
    let widest = |fonts: &[Font], c: char| fonts.iter().filter_map(|f| f.advance(c)).max();
    let mut rows = Vec::new();
    for &(first, last) in RANGES {
        for code in first..=last {
            let Some(c) = char::from_u32(code) else { continue };
            if let (Some(r), Some(b)) = (widest(&regular, c), widest(&bold, c)) {
                rows.push((code, r, b));
            }
        }
    }
    let kern_chars: Vec<char> = KERN_RANGES
        .iter()
        .flat_map(|&(first, last)| (first..=last).filter_map(char::from_u32))
        .collect();
    let most = |fonts: &[Font], c: char| {
        fonts
            .iter()
            .map(|f| f.allowance(c, &kern_chars))
            .max()
            .unwrap_or(0)
    };
    let mut kerns = Vec::new();
    for &c in &kern_chars {
        let (r, b) = (most(&regular, c), most(&bold, c));
        if r > 0 || b > 0 {
            kerns.push((c as u32, r, b));
        }
    }
    let mut out = String::new();
    out.push_str(
        "//! Advance widths of the fonts the SVG names, for sizing text without a font engine.\n\
         //!\n\
         //! GENERATED by `cargo run -p af-render --example gen_metrics`; do not edit. Measured from:\n",
    );
    for f in regular.iter().chain(&bold) {
        let _ = writeln!(out, "//! - {}", f.label);
    }
    out.push_str(
        "//!\n\
         //! DejaVu Sans: Bitstream Vera and Arev font licences, DejaVu changes in the public\n\
         //! domain (`crates/af-png/fonts/LICENSE-DejaVu.txt`). Liberation Sans: (c) Red Hat,\n\
         //! metric-compatible with Arial and Helvetica. Only advance widths are recorded: per\n\
         //! character, the widest of the fonts that have it, in thousandths of an em.\n\n\
         /// (code point, regular width, bold width), sorted by code point.\n\
         #[rustfmt::skip]\n\
         pub(crate) const WIDTHS: &[(u32, u16, u16)] = &[\n",
    );
    for chunk in rows.chunks(5) {
        out.push_str("   ");
        for (code, r, b) in chunk {
            let _ = write!(out, " (0x{code:04X}, {r}, {b}),");
        }
        out.push('\n');
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// (code point, regular, bold): how much wider than their advances the pairs starting\n\
         /// with the character can be set (positive kerning), the most over the fonts, in\n\
         /// thousandths of an em; sorted by code point. Characters not listed never widen a pair.\n\
         #[rustfmt::skip]\n\
         pub(crate) const KERN_ALLOWANCE: &[(u32, u16, u16)] = &[\n",
    );
    for chunk in kerns.chunks(5) {
        out.push_str("   ");
        for (code, r, b) in chunk {
            let _ = write!(out, " (0x{code:04X}, {r}, {b}),");
        }
        out.push('\n');
    }
    out.push_str("];\n");
    let path = root.join("src/metrics.rs");
    std::fs::write(&path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    println!(
        "wrote {} ({} characters, {} with a kerning allowance)",
        path.display(),
        rows.len(),
        kerns.len()
    );
}
