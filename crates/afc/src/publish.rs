//! `afc publish`: flows (compiled from `.af`, or bundles as they are) added to a TAXII 2.1
//! collection, one envelope per flow, following each status until the server is done.

use crate::input::{self, Input};
use crate::output;
use crate::taxii::{self, Access};
use af_diagnostics::Counts;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af), Attack Flow STIX bundles (.json), directories (searched for .af
    /// files) or glob patterns.
    #[arg(required = true, value_name = "FLOW")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    server: taxii::Server,
    /// The container each flow is sent in. A TAXII collection holds objects, not bundles:
    /// the report is what keeps a flow together, for `afc pull` and for platforms such as
    /// OpenCTI. With `none`, objects that nothing connects to the flow (a threat actor and its
    /// victim, say) cannot be told apart from other flows' when the flow is pulled.
    #[arg(long, value_enum, value_name = "CONTAINER", default_value_t = crate::compile::Wrap::Report)]
    wrap: crate::compile::Wrap,
    /// How long to wait for the server to finish adding the objects of a flow, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    wait: u64,
    /// Check techniques against this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
}

/// One flow ready to send.
struct Flow {
    name: String,
    objects: Vec<Value>,
}

fn is_json(inp: &Input) -> bool {
    inp.path
        .as_deref()
        .and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The objects of a bundle file, as they are.
fn bundle_objects(inp: &Input, text: &str) -> Result<Vec<Value>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("{}: not JSON: {e}", inp.name))?;
    match value.get("objects").and_then(Value::as_array) {
        Some(items) if value.get("type").and_then(Value::as_str) == Some("bundle") => {
            if !items
                .iter()
                .any(|o| o.get("type").and_then(Value::as_str) == Some("attack-flow"))
            {
                return Err(format!("{}: the bundle has no `attack-flow` object", inp.name));
            }
            Ok(items.clone())
        }
        _ => Err(format!(
            "{}: not a STIX bundle (an object with \"type\": \"bundle\" and \"objects\")",
            inp.name
        )),
    }
}

/// Reads and compiles every input; `None` when any has errors (then nothing is sent).
fn prepare(args: &Args, inputs: &[Input], color: bool) -> Option<Vec<Flow>> {
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return None;
        }
    };
    let mut flows = Vec::new();
    let mut ok = true;
    for inp in inputs {
        let text = match input::read(inp) {
            Ok(t) => t,
            Err(e) => {
                output::fail(e);
                ok = false;
                continue;
            }
        };
        if is_json(inp) {
            let wrapped = bundle_objects(inp, &text).and_then(|objects| {
                let mut objects: Vec<af_stix::Object> = objects
                    .into_iter()
                    .filter_map(|o| match o {
                        Value::Object(m) => Some(af_stix::Object::from(m)),
                        _ => None,
                    })
                    .collect();
                crate::compile::wrap(&mut objects, args.wrap).map_err(|e| format!("{}: {e}", inp.name))?;
                Ok(objects)
            });
            match wrapped {
                Ok(objects) => flows.push(Flow {
                    name: inp.name.clone(),
                    objects: objects.into_iter().map(Value::from).collect(),
                }),
                Err(e) => {
                    output::fail(e);
                    ok = false;
                }
            }
            continue;
        }
        let mut compiled = af_compile::compile_str(&text, &options);
        output::human(&compiled.diagnostics, &inp.name, &text, color);
        if Counts::of(&compiled.diagnostics).errors > 0 {
            ok = false;
            continue;
        }
        if let Err(e) = crate::compile::wrap(&mut compiled.objects, args.wrap) {
            output::fail(format!("{}: {e}", inp.name));
            ok = false;
            continue;
        }
        flows.push(Flow {
            name: inp.name.clone(),
            objects: compiled.objects.into_iter().map(Value::from).collect(),
        });
    }
    ok.then_some(flows)
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn run(args: Args, color: bool) -> u8 {
    let inputs = match input::expand(&args.files, &["af"]) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let Some(flows) = prepare(&args, &inputs, color) else {
        output::say!("nothing was published: fix the errors above first");
        return output::FAILED;
    };
    let (client, collection) =
        match taxii::connect(&args.server, Access::Write, Duration::from_secs(args.wait)) {
            Ok(c) => c,
            Err(e) => {
                output::fail(e);
                output::say!("nothing was published");
                return output::USAGE;
            }
        };
    // Objects several flows share (markings, authors, the extension definition) are sent
    // with the first flow only.
    let mut sent: HashMap<String, Value> = HashMap::new();
    let mut refused = false;
    for (i, flow) in flows.iter().enumerate() {
        let objects: Vec<Value> = flow
            .objects
            .iter()
            .filter(|o| {
                let id = o.get("id").and_then(Value::as_str).unwrap_or_default();
                sent.get(id) != Some(*o)
            })
            .cloned()
            .collect();
        let shared = flow.objects.len() - objects.len();
        if objects.is_empty() {
            output::say!(
                "published {}: every object was sent with an earlier flow",
                flow.name
            );
            continue;
        }
        let status = match client
            .add_objects(&collection.id, &objects)
            .and_then(|s| client.wait(s))
        {
            Ok(s) => s,
            Err(e) => {
                output::fail(format!("{}: {e}", flow.name));
                let rest: Vec<&str> = flows[i..].iter().map(|f| f.name.as_str()).collect();
                output::say!("not published: {}", rest.join(", "));
                return output::USAGE;
            }
        };
        for o in &objects {
            if let Some(id) = o.get("id").and_then(Value::as_str) {
                sent.insert(id.to_string(), o.clone());
            }
        }
        // Refusals of an object version the collection already holds are no failure: the
        // flow was published before.
        let failed_ids: Vec<&str> = status.failures.iter().map(|f| f.id.as_str()).collect();
        let held: Vec<(String, String)> = if failed_ids.is_empty() {
            Vec::new()
        } else {
            client
                .manifest(&collection.id, &failed_ids)
                .map(|records| records.into_iter().map(|r| (r.id, r.version)).collect())
                .unwrap_or_default()
        };
        // An object without `modified` has one version only (observables, markings): the
        // server may name the time of the request as the refused version.
        let versioned = |id: &str| {
            objects
                .iter()
                .any(|o| o.get("id").and_then(Value::as_str) == Some(id) && o.get("modified").is_some())
        };
        let (already, real): (Vec<_>, Vec<_>) = status.failures.iter().partition(|f| {
            held.iter()
                .any(|(id, v)| *id == f.id && (*v == f.version || !versioned(id)))
        });
        // Servers may count refusals without listing them.
        let unlisted = status.failure_count.saturating_sub(status.failures.len() as u64);
        let refusals = real.len() as u64 + unlisted;
        let mut parts = vec![format!("{} added", status.success_count)];
        if !already.is_empty() {
            parts.push(format!("{} already in the collection", already.len()));
        }
        if shared > 0 {
            parts.push(format!("{shared} sent with an earlier flow"));
        }
        if refusals > 0 {
            parts.push(format!("{refusals} refused"));
        }
        if !status.is_complete() {
            parts.push(format!("{} pending", status.pending_count));
        }
        output::say!(
            "{} {}: {} ({})",
            if refusals == 0 && status.is_complete() {
                "published"
            } else {
                "error:"
            },
            flow.name,
            plural(flow.objects.len() as u64, "object"),
            parts.join(", ")
        );
        for f in &real {
            output::say!(
                "  refused {} (version {}): {}",
                f.id,
                f.version,
                f.message.as_deref().unwrap_or("no reason given")
            );
        }
        if unlisted > 0 {
            output::say!(
                "  {} refused without the server saying which",
                plural(unlisted, "object")
            );
        }
        if !status.is_complete() {
            output::say!(
                "  the server is still working on it after {} s; its status is {}status/{}/",
                args.wait,
                client.url(),
                status.id
            );
        }
        refused |= refusals > 0 || !status.is_complete();
    }
    if refused {
        output::FAILED
    } else {
        output::OK
    }
}
