//! Presents the analyses of `af-analyze` to people:
//!
//! - **overlays** for the SVG picture ([`overlay`]): detection coverage (detected steps,
//!   undetected choke points, the ways no detection sees) and the ways to chosen goals, as
//!   [`af_render::Overlay`] marks on STIX ids;
//! - the **briefing** ([`brief`]): one self-contained HTML page per set of flows (title, scope,
//!   summary, the picture, a timeline, a tactic table, coverage and mitigations) for people
//!   who do not read STIX, printable to PDF.
//!
//! This crate decides what to show and how to word it; the analyses themselves are
//! `af-analyze`'s and the drawing is `af-render`'s. It must not know the `.af` language,
//! files or the command line: the caller hands over objects, graphs and detections and gets
//! text.

pub mod brief;
pub mod overlay;

pub use brief::{render_brief, BriefFlow, BriefOptions};
pub use overlay::{coverage_overlay, paths_overlay};
