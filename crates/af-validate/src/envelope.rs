//! The bundle itself: `type`, `id`, `objects`, exactly one `attack-flow`, the Attack Flow
//! extension definition, and the STIX 2.0 properties the Builder puts on bundles.

use crate::json::Value;
use crate::{Cx, Obj};
use af_diagnostics::codes;
use af_diagnostics::Diagnostic;
use af_stix::attack_flow::EXTENSION_ID;

/// Checks the envelope; returns the `objects` list when there is one to look into.
pub(crate) fn check<'a>(cx: &mut Cx, root: &'a Value) -> Option<&'a [Value]> {
    if root.as_object().is_none() {
        cx.push(
            Diagnostic::new(
                codes::V0010,
                root.head_span(),
                format!("the file holds {}, not a STIX bundle object", root.type_name()),
            )
            .with_help(
                r#"an Attack Flow file is one object: {"type": "bundle", "id": "bundle--…", "objects": […]}"#,
            ),
        );
        return None;
    }
    match root.member("type") {
        None => cx.push(
            Diagnostic::new(
                codes::V0010,
                root.head_span(),
                "the top-level object has no `type`",
            )
            .with_help(r#"a bundle starts with "type": "bundle""#),
        ),
        Some(m) if m.value.as_str() != Some("bundle") => cx.push(
            Diagnostic::new(
                codes::V0010,
                m.value.span.clone(),
                "the top-level object must be a bundle (`\"type\": \"bundle\"`)",
            )
            .with_help("Attack Flow files are STIX bundles; a single object must be wrapped in one"),
        ),
        Some(_) => {}
    }
    match root.member("id") {
        None => cx.push(
            Diagnostic::new(codes::V0011, root.head_span(), "the bundle has no `id`")
                .with_help("add \"id\": \"bundle--<UUID>\""),
        ),
        Some(m) => {
            let ok = m
                .value
                .as_str()
                .and_then(af_stix::id::split_id)
                .is_some_and(|(ty, _)| ty == "bundle");
            if !ok {
                cx.push(
                    Diagnostic::new(
                        codes::V0011,
                        m.value.span.clone(),
                        "the bundle id must be `bundle--` followed by a UUID",
                    )
                    .with_help("e.g. bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"),
                );
            }
        }
    }
    let stix20: Vec<_> = ["spec_version", "created", "modified"]
        .iter()
        .filter_map(|k| root.member(k))
        .collect();
    if let Some((first, rest)) = stix20.split_first() {
        let mut d = Diagnostic::new(
            codes::V0015,
            first.key_span.clone(),
            format!(
                "`{}` on the bundle is a STIX 2.0 property: current STIX libraries (stix2 3.x) then \
                 read the bundle as STIX 2.0 and reject it",
                first.key
            ),
        )
        .with_help(
            "STIX 2.1 bundles carry only type, id and objects; the Attack Flow Builder writes \
             spec_version, created and modified on the bundle; remove them",
        );
        for m in rest {
            d = d.with_label(m.key_span.clone(), format!("`{}` too", m.key));
        }
        cx.push(d);
    }
    match root.member("objects") {
        None => {
            cx.push(
                Diagnostic::new(codes::V0012, root.head_span(), "the bundle has no `objects` list")
                    .with_help("the flow's objects go in \"objects\": […]"),
            );
            None
        }
        Some(m) => match m.value.as_array() {
            Some(list) => Some(list),
            None => {
                cx.push(Diagnostic::new(
                    codes::V0012,
                    m.value.head_span(),
                    format!("`objects` must be a list, not {}", m.value.type_name()),
                ));
                None
            }
        },
    }
}

/// Exactly one `attack-flow`, and the Attack Flow `extension-definition`.
pub(crate) fn check_flow_and_extension(cx: &mut Cx, root: &Value, objs: &[Obj<'_>]) {
    let objects_key = root
        .member("objects")
        .map_or_else(|| root.head_span(), |m| m.key_span.clone());
    let flows: Vec<&Obj<'_>> = objs.iter().filter(|o| o.ty == Some("attack-flow")).collect();
    match flows.as_slice() {
        [] => cx.push(
            Diagnostic::new(
                codes::V0013,
                objects_key.clone(),
                "the bundle has no `attack-flow` object",
            )
            .with_help("an Attack Flow bundle holds exactly one attack-flow (name, scope, start_refs)"),
        ),
        [_] => {}
        [first, rest @ ..] => {
            for extra in rest {
                cx.push(
                    Diagnostic::new(
                        codes::V0013,
                        extra.anchor.clone(),
                        "a second `attack-flow` object: a bundle holds exactly one",
                    )
                    .with_label(first.anchor.clone(), "the first attack-flow")
                    .with_help("split the flows into separate bundles"),
                );
            }
        }
    }
    let has_extension = objs
        .iter()
        .any(|o| o.ty == Some("extension-definition") && o.id == Some(EXTENSION_ID));
    if !has_extension {
        cx.push(
            Diagnostic::new(
                codes::V0014,
                objects_key,
                "the bundle does not include the Attack Flow `extension-definition`",
            )
            .with_help(format!(
                "add the published extension-definition object `{EXTENSION_ID}` (afc compile \
                 writes it; see the Attack Flow schema documentation)"
            )),
        );
    }
}
