//! `afc render`: flows (`.af` sources or Attack Flow STIX bundles) to SVG, Mermaid, Graphviz
//! DOT, or ATT&CK Navigator layers.

use crate::input::{self, Input};
use crate::output::{self, Format};
use af_render::{Direction, Object, Theme};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    /// A standalone SVG picture, laid out by afc.
    Svg,
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
            To::Mermaid => "mmd",
            To::Dot => "dot",
            To::Navigator => "json",
        }
    }
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
    /// Write to this file (one input). For navigator layers of several ATT&CK domains, a
    /// prefix: OUT-enterprise-attack.json, OUT-mobile-attack.json, …
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write each output to DIR/<name>.<svg|mmd|dot>, or layers to DIR/<name>-<domain>.json.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Colour theme (svg, mermaid, dot).
    #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
    theme: ThemeArg,
    /// Flow direction (svg, mermaid, dot); attack trees keep their goal first.
    #[arg(long, value_enum, default_value_t = DirectionArg::Tb)]
    direction: DirectionArg,
    /// Name of the Navigator layer (default: the flow's name, or "N attack flows").
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Compile and look up techniques with this ATT&CK STIX bundle instead of the embedded
    /// ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
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
        None => text.trim_start().starts_with(['{', '[']),
    }
}

pub(crate) fn load(inp: &Input, options: &af_compile::Options, color: bool) -> Result<Vec<Object>, Failure> {
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
    output::emit(&compiled.diagnostics, &inp.name, &text, Format::Human, color);
    if compiled.has_errors() {
        return Err(Failure::Content);
    }
    Ok(compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect())
}

fn write_stdout(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).is_ok()
}

pub fn run(args: Args, color: bool) -> u8 {
    let inputs = match input::expand(&args.files, "af") {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    // A Navigator layer is one file for all inputs.
    if args.to != To::Navigator {
        if let Err(e) = input::check_single_output(args.output.as_deref(), inputs.len()) {
            output::fail(e);
            return output::USAGE;
        }
    }
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    if args.to == To::Navigator {
        return navigator(&args, &inputs, &options, color);
    }
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
    let (mut failed, mut io_error) = (false, false);
    for inp in &inputs {
        let objects = match load(inp, &options, color) {
            Ok(o) => o,
            Err(Failure::Content) => {
                failed = true;
                continue;
            }
            Err(Failure::Io) => {
                io_error = true;
                continue;
            }
        };
        let text = render_one(&objects, args.to, theme, direction, catalog.clone());
        let dest = if let Some(o) = &args.output {
            Some(o.clone())
        } else if let Some(dir) = &args.out_dir {
            Some(dir.join(format!("{}.{}", input::stem(inp), args.to.extension())))
        } else if !many {
            None
        } else {
            match &inp.path {
                Some(p) => Some(p.with_extension(args.to.extension())),
                None => {
                    output::fail("standard input has no place beside it: give -o or --out-dir");
                    io_error = true;
                    continue;
                }
            }
        };
        match dest {
            None => io_error |= !write_stdout(&text),
            Some(path) => match input::write_file(&path, &text) {
                Ok(()) => {
                    if many || args.out_dir.is_some() {
                        eprintln!("wrote {}", path.display());
                    }
                }
                Err(e) => {
                    output::fail(e);
                    io_error = true;
                }
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

pub(crate) fn render_one(
    objects: &[Object],
    to: To,
    theme: Theme,
    direction: Direction,
    catalog: Option<Arc<af_catalog::Catalog>>,
) -> String {
    match to {
        To::Svg => af_render::render_svg(
            objects,
            &af_render::SvgOptions {
                theme,
                direction,
                catalog,
            },
        ),
        To::Mermaid => af_render::render_mermaid(
            objects,
            &af_render::MermaidOptions {
                theme,
                direction,
                catalog,
            },
        ),
        // Layers merge every input and are written by `navigator`.
        To::Navigator => String::new(),
        To::Dot => af_render::render_dot(
            objects,
            &af_render::DotOptions {
                theme,
                direction,
                catalog,
            },
        ),
    }
}

fn navigator(args: &Args, inputs: &[Input], options: &af_compile::Options, color: bool) -> u8 {
    let mut loaded: Vec<(String, Vec<Object>)> = Vec::new();
    let (mut failed, mut io_error) = (false, false);
    for inp in inputs {
        match load(inp, options, color) {
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
        eprintln!("note: {note}");
    }
    if result.layers.is_empty() {
        output::fail("no ATT&CK techniques in the inputs; no layer written");
        return output::FAILED;
    }
    let several = result.layers.len() > 1;
    let base = if inputs.len() == 1 {
        input::stem(&inputs[0])
    } else {
        "layer".to_string()
    };
    if several && args.output.is_none() && args.out_dir.is_none() {
        let domains: Vec<&str> = result.layers.iter().map(|l| l.domain).collect();
        output::fail(format!(
            "the flows use techniques of {} ATT&CK domains ({}): give -o PREFIX or --out-dir DIR \
             for one layer file per domain",
            domains.len(),
            domains.join(", ")
        ));
        return output::USAGE;
    }
    for layer in &result.layers {
        let text = layer.text();
        let dest = match (&args.output, &args.out_dir) {
            (Some(o), _) if !several => Some(o.clone()),
            (Some(o), _) => {
                let prefix = if o.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
                    o.with_extension("")
                } else {
                    o.clone()
                };
                let mut name = prefix.into_os_string();
                name.push(format!("-{}.json", layer.domain));
                Some(PathBuf::from(name))
            }
            (None, Some(dir)) => Some(dir.join(format!("{base}-{}.json", layer.domain))),
            (None, None) => None,
        };
        match dest {
            None => io_error |= !write_stdout(&text),
            Some(path) => match input::write_file(&path, &text) {
                Ok(()) => eprintln!("wrote {}", path.display()),
                Err(e) => {
                    output::fail(e);
                    io_error = true;
                }
            },
        }
    }
    if io_error {
        output::USAGE
    } else {
        output::OK
    }
}
