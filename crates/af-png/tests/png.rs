//! PNG output: deterministic bytes, a file that decodes to the picture's size with its text
//! drawn, the same result whatever fonts the machine has, and no exhaustion on hostile sizes.

use af_png::{svg_to_png, Png, MAX_PIXELS};

fn png(svg: &str) -> Png {
    match svg_to_png(svg, 1.0) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

/// Decodes a PNG into (width, height, RGBA pixels).
fn decode(data: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(data);
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = match decoder.read_info() {
        Ok(r) => r,
        Err(e) => panic!("not a PNG: {e}"),
    };
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = match reader.next_frame(&mut buf) {
        Ok(i) => i,
        Err(e) => panic!("cannot decode: {e}"),
    };
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgba);
    (info.width, info.height, buf)
}

/// FNV-1a, to pin bytes without a hashing dependency.
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

const CARD: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60" font-family="Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<rect x="4" y="4" width="232" height="52" rx="6" fill="#eef4ff" stroke="#2f5fb3" stroke-width="1.5"/>
<text x="12" y="26" font-size="13" font-weight="bold" fill="#000000">Enumerate domain trusts</text>
<text x="12" y="44" font-size="11" fill="#000000">T1482 · Domain Trust Discovery</text>
</svg>"##;

/// Dark pixels (text) in a region.
fn dark_pixels(width: u32, pixels: &[u8], x0: u32, x1: u32, y0: u32, y1: u32) -> usize {
    let mut n = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = ((y * width + x) * 4) as usize;
            if pixels[i] < 96 && pixels[i + 1] < 96 && pixels[i + 2] < 96 {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn the_same_svg_gives_the_same_bytes_and_a_decodable_picture() {
    let a = png(CARD);
    let b = png(CARD);
    assert_eq!(a, b, "two runs differ");
    assert!(a.data.starts_with(b"\x89PNG\r\n\x1a\n"));
    let (w, h, pixels) = decode(&a.data);
    assert_eq!((w, h), (240, 60));
    assert_eq!((a.width, a.height, a.scaled_down), (240, 60, false));
    // The text is drawn (with the bundled font: no system font is ever consulted), inside
    // the card, and nothing is drawn past the text's measured end.
    assert!(
        dark_pixels(w, &pixels, 10, 230, 12, 30) > 150,
        "bold line missing"
    );
    assert!(
        dark_pixels(w, &pixels, 10, 230, 34, 48) > 100,
        "second line missing"
    );
    assert_eq!(dark_pixels(w, &pixels, 0, 240, 50, 60), 0);
}

/// Pinned on x86_64, where tiny-skia's SIMD paths are fixed at compile time (other
/// architectures round some blends differently).
#[cfg(target_arch = "x86_64")]
#[test]
fn output_is_pinned_to_the_bundled_font() {
    // The bytes depend on resvg and the bundled DejaVu Sans only, never on the machine's
    // fonts. If this changes, the PNG output of every flow changed: check it on purpose (a
    // new font or resvg release) and update the pin.
    let p = png(CARD);
    assert_eq!(
        (p.data.len(), fnv(&p.data)),
        (PINNED_LEN, PINNED_HASH),
        "{} {:#x}",
        p.data.len(),
        fnv(&p.data)
    );
}

#[cfg(target_arch = "x86_64")]
const PINNED_LEN: usize = 11_095;
#[cfg(target_arch = "x86_64")]
const PINNED_HASH: u64 = 0x87f9_6bb8_11bd_c7f0;

#[test]
fn scale_draws_more_pixels() {
    let p = match svg_to_png(CARD, 2.0) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert_eq!((p.width, p.height), (480, 120));
    assert_eq!(decode(&p.data).0, 480);
}

#[test]
fn hostile_svgs_are_errors_or_bounded() {
    assert!(svg_to_png("not svg", 1.0).is_err());
    assert!(svg_to_png(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\"/>",
        1.0
    )
    .is_err());
    // A picture of 10^12 pixels is scaled down to the cap, not allocated.
    let huge = png("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000000\" height=\"1000000\"><rect width=\"10\" height=\"10\"/></svg>");
    assert!(huge.scaled_down);
    assert!(u64::from(huge.width) * u64::from(huge.height) <= MAX_PIXELS + 2 * 10_000);
    assert!(
        huge.width > 6_000,
        "scaled to the cap, not below it: {}",
        huge.width
    );
}
