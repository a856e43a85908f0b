//! `afc render`: flows (`.af` sources or Attack Flow STIX bundles) to SVG, PNG, Mermaid,
//! Graphviz DOT, or ATT&CK and ATLAS Navigator layers.

use crate::input::{self, Input};
use crate::output;
use af_render::{Direction, Object, Theme};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    /// A standalone SVG picture, laid out by afc.
    Svg,
    /// The SVG picture as a PNG image, drawn with a bundled font (the same bytes everywhere).
    Png,
    /// A Mermaid flowchart (for Markdown on GitHub and elsewhere).
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// ATT&CK Navigator layers (format 4.5), one per ATT&CK domain, all inputs merged.
    Navigator,
}

impl To {
    fn extension(self) -> &'static str {
        match self {
            To::Svg => "svg",
            To::Png => "png",
            To::Mermaid => "mmd",
            To::Dot => "dot",
            To::Navigator => "json",
        }
    }
}

/// What `--overlay` marks on the picture.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverlayArg {
    /// Detection coverage (needs --detections): detected and partly detected steps, undetected
    /// choke points, and the ways to a goal no detection sees.
    Coverage,
    /// The ways to the goals (--goal, default: every action that leads nowhere), the rest
    /// dimmed.
    Paths,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ThemeArg {
    /// Dark text on light backgrounds.
    #[default]
    Light,
    /// Light text on dark backgrounds.
    Dark,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DirectionArg {
    /// Top to bottom.
    #[default]
    Tb,
    /// Left to right.
    Lr,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af), Attack Flow STIX bundles (.json), directories (searched for .af
    /// files) or `-` for standard input (a bundle when it starts with `{` or `[`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long = "to", value_enum, default_value_t = To::Svg)]
    to: To,
    /// Write to this file (one input). For navigator layers, a prefix: each layer goes to
    /// OUT-<matrix>.json (OUT-enterprise-attack.json, OUT-atlas.json, …).
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write each output to DIR/<name>.<svg|png|mmd|dot>, or layers to DIR/<name>-<matrix>.json.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Colour theme (svg, png, mermaid, dot).
    #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
    theme: ThemeArg,
    /// Flow direction (svg, png, mermaid, dot); attack trees keep their goal first. Long,
    /// narrow SVG and PNG drawings wrap into rows (lr) or columns (tb).
    #[arg(long, value_enum, default_value_t = DirectionArg::Tb)]
    direction: DirectionArg,
    /// Pixels per SVG unit of PNG output (2 for high-density screens and slides).
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0, value_parser = parse_scale)]
    scale: f32,
    /// Mark an analysis on the picture (svg, png): detection coverage or the ways to goals.
    /// See docs/analysis.md.
    #[arg(long, value_enum, value_name = "WHAT")]
    overlay: Option<OverlayArg>,
    /// With --overlay coverage: what you detect, as for `afc coverage` (a folder of Sigma
    /// rules, a rule, a Navigator layer or an id list). Repeatable.
    #[arg(long, short = 'd', value_name = "SRC", num_args = 1..)]
    detections: Vec<PathBuf>,
    /// With --overlay coverage: skip Sigma rules less mature than this.
    #[arg(long, value_enum, default_value_t = crate::coverage::StatusArg::Experimental)]
    min_status: crate::coverage::StatusArg,
    /// With --overlay: a goal (a step's `.af` name, STIX id or name). Repeatable. Default:
    /// every action that leads nowhere.
    #[arg(long, value_name = "NAME")]
    goal: Vec<String>,
    /// Name of the Navigator layer (default: the flow's name, or "N attack flows").
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Compile and look up techniques with this ATT&CK STIX bundle instead of the embedded
    /// ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
    #[command(flatten)]
    limit: output::Limit,
}

/// The overlay flags fit together: an overlay only on pictures, detections only for the
/// coverage overlay (which needs them), goals only with an overlay.
fn check_overlay_args(args: &Args) -> Result<(), String> {
    match args.overlay {
        Some(_) if !matches!(args.to, To::Svg | To::Png) => {
            Err("--overlay marks the picture: use it with --to svg or --to png".into())
        }
        Some(OverlayArg::Coverage) if args.detections.is_empty() => Err(
            "--overlay coverage needs --detections SRC (a folder of Sigma rules, a Navigator layer or an id list)"
                .into(),
        ),
        Some(OverlayArg::Paths) if !args.detections.is_empty() => {
            Err("--detections is for --overlay coverage, not --overlay paths".into())
        }
        None if !args.detections.is_empty() || !args.goal.is_empty() => {
            Err("--detections and --goal go with --overlay (coverage or paths)".into())
        }
        _ => Ok(()),
    }
}

/// `--scale`: a number from 0.1 to 10.
fn parse_scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(f) if (0.1..=10.0).contains(&f) => Ok(f),
        _ => Err(format!("`{text}` is not a scale from 0.1 to 10")),
    }
}

/// Why an input produced no objects.
pub(crate) enum Failure {
    /// Diagnostics or a bad bundle were reported: exit 1.
    Content,
    /// I/O error: exit 2.
    Io,
}

fn is_bundle(inp: &Input, text: &str) -> bool {
    match &inp.path {
        Some(p) => p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")),
        None => af_stix::input::strip_bom(text)
            .trim_start()
            .starts_with(['{', '[']),
    }
}

pub(crate) fn load(
    inp: &Input,
    options: &af_compile::Options,
    sink: &mut output::Sink,
) -> Result<Vec<Object>, Failure> {
    let text = input::read(inp).map_err(|e| {
        output::fail(e);
        Failure::Io
    })?;
    if is_bundle(inp, &text) {
        return af_render::parse_objects(&text).map_err(|e| {
            output::fail(format!("{}: {e}", inp.name));
            Failure::Content
        });
    }
    let compiled = af_compile::compile_str(&text, options);
    // Diagnostics always go to stderr: stdout may carry the rendered output.
    sink.file(&compiled.diagnostics, &inp.name, &text);
    if compiled.has_errors() {
        return Err(Failure::Content);
    }
    Ok(compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect())
}

pub fn run(args: Args, color: bool) -> u8 {
    let inputs = match input::expand(&args.files, &["af"]) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut sink = output::Sink::human(color, args.limit);
    if let Err(e) = check_overlay_args(&args) {
        output::fail(e);
        return output::USAGE;
    }
    if args.to == To::Navigator {
        return navigator(&args, &inputs, &options, &mut sink);
    }
    let detections = match (args.overlay, crate::analysis_input::catalog(&options)) {
        (Some(OverlayArg::Coverage), catalog) => {
            match crate::coverage::read_detections(&args.detections, args.min_status, None, catalog) {
                Ok((_, index)) => Some(index),
                Err(()) => return output::USAGE,
            }
        }
        _ => None,
    };
    let theme = match args.theme {
        ThemeArg::Light => Theme::Light,
        ThemeArg::Dark => Theme::Dark,
    };
    let direction = match args.direction {
        DirectionArg::Tb => Direction::TopDown,
        DirectionArg::Lr => Direction::LeftRight,
    };
    let catalog = options.catalog.clone();
    let many = inputs.len() > 1;
    // Every destination is known and checked before anything is rendered.
    let naming = input::Naming {
        output: args.output.as_deref(),
        out_dir: args.out_dir.as_deref(),
        ext: args.to.extension(),
        stdout_when_one: true,
    };
    let Ok(dests) = input::Outputs::new(&inputs).plan(&inputs, &naming) else {
        return output::USAGE;
    };
    let (mut failed, mut io_error) = (false, false);
    for (inp, dest) in inputs.iter().zip(dests) {
        let (objects, overlay) = if let Some(what) = args.overlay {
            let mut code = output::OK;
            let Some((loaded, g, goals)) =
                crate::analysis_input::load_with_goals(inp, &options, color, &args.goal, &mut code)
            else {
                failed |= code == output::FAILED;
                io_error |= code == output::USAGE;
                continue;
            };
            let overlay = match (what, &detections) {
                (OverlayArg::Coverage, Some(index)) => {
                    let cov = af_analyze::coverage::analyze(
                        &g,
                        &goals,
                        index,
                        crate::analysis_input::catalog(&options),
                        af_analyze::paths::DEFAULT_BUDGET,
                    );
                    af_report::coverage_overlay(&g, &cov)
                }
                _ => af_report::paths_overlay(&g, &af_analyze::paths::ways(&g, &goals, &[])),
            };
            (loaded.objects, Some(Arc::new(overlay)))
        } else {
            match load(inp, &options, &mut sink) {
                Ok(o) => (o, None),
                Err(Failure::Content) => {
                    failed = true;
                    continue;
                }
                Err(Failure::Io) => {
                    io_error = true;
                    continue;
                }
            }
        };
        let data = match render_one(
            &objects,
            args.to,
            args.scale,
            theme,
            direction,
            catalog.clone(),
            overlay,
        ) {
            Ok(data) => data,
            Err(e) => {
                output::fail(format!("{}: {e}", inp.name));
                failed = true;
                continue;
            }
        };
        match &dest {
            input::Dest::Stdout if args.to == To::Png && std::io::stdout().is_terminal() => {
                output::fail("a PNG is binary: give -o FILE or --out-dir DIR, or redirect the output");
                io_error = true;
            }
            input::Dest::Stdout => io_error |= input::emit(&dest, &data).is_none(),
            input::Dest::File(path) => match input::emit(&dest, &data) {
                Some(_) => {
                    if many || args.out_dir.is_some() {
                        output::say!("wrote {}", path.display());
                    }
                }
                None => io_error = true,
            },
        }
    }
    if io_error {
        output::USAGE
    } else if failed {
        output::FAILED
    } else {
        output::OK
    }
}

/// The output of one flow, as bytes (text for every format but PNG, which is drawn at `scale`);
/// an error for a flow too large to lay out.
pub(crate) fn render_one(
    objects: &[Object],
    to: To,
    scale: f32,
    theme: Theme,
    direction: Direction,
    catalog: Option<Arc<af_catalog::Catalog>>,
    overlay: Option<Arc<af_render::Overlay>>,
) -> Result<Vec<u8>, String> {
    let svg = |catalog| {
        af_render::render_svg(
            objects,
            &af_render::SvgOptions {
                theme,
                direction,
                catalog,
                overlay: overlay.clone(),
            },
        )
        .map_err(|e| e.to_string())
    };
    Ok(match to {
        To::Svg => svg(catalog)?.into_bytes(),
        To::Png => {
            let png = af_png::svg_to_png(&svg(catalog)?, scale).map_err(|e| e.to_string())?;
            if png.scaled_down {
                output::say!(
                    "note: the picture is larger than {} megapixels; scaled down to {} × {}",
                    af_png::MAX_PIXELS / 1_000_000,
                    png.width,
                    png.height
                );
            }
            png.data
        }
        To::Mermaid => af_render::render_mermaid(
            objects,
            &af_render::MermaidOptions {
                theme,
                direction,
                catalog,
            },
        )
        .into_bytes(),
        To::Dot => af_render::render_dot(
            objects,
            &af_render::DotOptions {
                theme,
                direction,
                catalog,
            },
        )
        .into_bytes(),
        // Layers merge every input and are written by `navigator`.
        To::Navigator => Vec::new(),
    })
}

fn navigator(args: &Args, inputs: &[Input], options: &af_compile::Options, sink: &mut output::Sink) -> u8 {
    let mut loaded: Vec<(String, Vec<Object>)> = Vec::new();
    let (mut failed, mut io_error) = (false, false);
    for inp in inputs {
        match load(inp, options, sink) {
            Ok(objects) => {
                let name = af_render::flow_name(&objects).unwrap_or_else(|| input::stem(inp));
                loaded.push((name, objects));
            }
            Err(Failure::Content) => failed = true,
            Err(Failure::Io) => io_error = true,
        }
    }
    if failed || io_error {
        output::fail("no layer written: every input must render for a merged layer");
        return if io_error { output::USAGE } else { output::FAILED };
    }
    let flows: Vec<af_render::FlowObjects<'_>> = loaded
        .iter()
        .map(|(name, objects)| af_render::FlowObjects { name, objects })
        .collect();
    let result = af_render::navigator_layers(
        &flows,
        &af_render::NavigatorOptions {
            name: args.name.clone(),
            catalog: options.catalog.clone(),
        },
    );
    for note in &result.notes {
        output::say!("note: {note}");
    }
    if result.layers.is_empty() {
        output::fail("no ATT&CK or ATLAS techniques in the inputs; no layer written");
        return output::FAILED;
    }
    let several = result.layers.len() > 1;
    if several && args.output.is_none() && args.out_dir.is_none() {
        let matrices: Vec<&str> = result.layers.iter().map(|l| l.matrix).collect();
        output::fail(format!(
            "the flows use techniques of {} matrices ({}): give -o PREFIX or --out-dir DIR \
             for one layer file per matrix",
            matrices.len(),
            matrices.join(", ")
        ));
        return output::USAGE;
    }
    // One rule, whatever the matrices: PREFIX-<matrix>.json, PREFIX being -o's value (less a
    // `.json` ending) or DIR/<name of the input, or `layer` for several>.
    let prefix = match (&args.output, &args.out_dir) {
        (Some(o), _) if o.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) => {
            Some(o.with_extension(""))
        }
        (Some(o), _) => Some(o.clone()),
        (None, Some(dir)) => Some(dir.join(if inputs.len() == 1 {
            input::stem(&inputs[0])
        } else {
            "layer".to_string()
        })),
        (None, None) => None,
    };
    // Every layer's file is checked before any is written.
    let mut outputs = input::Outputs::new(inputs);
    let mut layers = Vec::with_capacity(result.layers.len());
    for layer in &result.layers {
        let dest = match &prefix {
            Some(p) => {
                let mut name = p.clone().into_os_string();
                name.push(format!("-{}.json", layer.matrix));
                let path = PathBuf::from(name);
                if let Err(e) = outputs.claim(&path, &format!("the {} layer", layer.matrix)) {
                    output::fail(e);
                    output::fail("no layer written");
                    return output::USAGE;
                }
                input::Dest::File(path)
            }
            None => input::Dest::Stdout,
        };
        layers.push((layer, dest));
    }
    for (layer, dest) in layers {
        match (input::emit(&dest, layer.text()), &dest) {
            (None, _) => io_error = true,
            (Some(_), input::Dest::File(path)) => output::say!("wrote {}", path.display()),
            (Some(_), input::Dest::Stdout) => {}
        }
    }
    if io_error {
        output::USAGE
    } else {
        output::OK
    }
}
