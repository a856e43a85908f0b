//! Rasterizes afc's SVG pictures to PNG, in pure Rust (resvg), with DejaVu Sans bundled as
//! the only font: the same SVG gives the same PNG bytes on every machine, whatever fonts it
//! has installed.
//!
//! This crate must not know about flows, STIX or the `.af` language: it takes SVG text (what
//! `af_render::render_svg` writes) and returns PNG bytes. The fonts and their licence are in
//! `fonts/`; `af-render` measures its text with the same fonts' widths.

use resvg::tiny_skia;
use resvg::usvg;
use std::sync::{Arc, OnceLock};

/// The largest picture drawn at full size, in pixels (40 megapixels, 160 MB of pixels):
/// bigger ones are scaled down to fit.
pub const MAX_PIXELS: u64 = 40_000_000;

/// The bundled font family; every family the SVG names falls back to it.
pub const FONT_FAMILY: &str = "DejaVu Sans";

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A PNG image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png {
    /// The encoded file.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// True when the picture was scaled down to stay within [`MAX_PIXELS`].
    pub scaled_down: bool,
}

/// Why an SVG could not be rasterized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PngError {
    /// The SVG could not be parsed.
    Svg(String),
    /// The picture has no area.
    Empty,
    /// PNG encoding failed.
    Encode(String),
}

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PngError::Svg(e) => write!(f, "cannot read the SVG: {e}"),
            PngError::Empty => f.write_str("the picture is empty"),
            PngError::Encode(e) => write!(f, "cannot encode the PNG: {e}"),
        }
    }
}

impl std::error::Error for PngError {}

/// The bundled fonts (DejaVu Sans, regular and bold), the only fonts PNG output draws with;
/// every generic family (sans-serif, serif, monospace) is DejaVu Sans.
pub fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(REGULAR.to_vec());
            db.load_font_data(BOLD.to_vec());
            db.set_sans_serif_family(FONT_FAMILY);
            db.set_serif_family(FONT_FAMILY);
            db.set_monospace_family(FONT_FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// Draws `svg` at `scale` pixels per SVG unit (1 for the SVG's own size, 2 for high-density
/// screens), scaled down further if the picture would exceed [`MAX_PIXELS`].
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Png, PngError> {
    let options = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree.size();
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    let area = f64::from(size.width() * scale) * f64::from(size.height() * scale);
    let fit = if area > MAX_PIXELS as f64 {
        (MAX_PIXELS as f64 / area).sqrt() as f32
    } else {
        1.0
    };
    let scale = scale * fit;
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(PngError::Empty)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let data = pixmap.encode_png().map_err(|e| PngError::Encode(e.to_string()))?;
    Ok(Png {
        data,
        width,
        height,
        scaled_down: fit < 1.0,
    })
}
