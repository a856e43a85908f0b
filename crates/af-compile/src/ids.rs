//! The ids of observables: the STIX 2.1 deterministic id from the ID-contributing properties,
//! or a UUIDv4-shaped one derived from the flow and the node name when there are none (see
//! [`af_stix::id`]). Computed after lowering, because they depend on the values (and on the
//! ids of the observables those values refer to); references made with the provisional ids
//! are then renamed.

use crate::lower::Lowering;
use crate::{FastMap, Object};
use af_diagnostics::codes;
use af_diagnostics::Diagnostic;
use af_stix::object::{Prop, SmolStr};
use af_stix::types::{self, Category};
use serde_json::Value as Json;

/// Provisional id → final id.
pub(crate) type Renames = FastMap<SmolStr, SmolStr>;

impl Lowering<'_> {
    /// Gives every observable without an explicit id its final id, reporting two observables
    /// that STIX says are the same one. Observables whose contributing properties refer to
    /// other observables (a file's directory, an email's sender, traffic's ends) come second,
    /// when the ids they refer to are final.
    pub(crate) fn assign_observable_ids(&mut self) -> Renames {
        let mut renames = Renames::default();
        let mut taken: FastMap<SmolStr, usize> = FastMap::default();
        for second in [false, true] {
            for i in 0..self.nodes.len() {
                let node = &self.nodes[i];
                if node.explicit
                    || types::type_info(node.stix_type).is_none_or(|t| t.category != Category::Sco)
                {
                    continue;
                }
                let contributing =
                    af_stix::id::id_contributing_properties(node.stix_type).unwrap_or_default();
                if contributing.iter().any(|k| af_stix::refs::is_reference_key(k)) != second {
                    continue;
                }
                let Some(Some(obj)) = self.objects.get(i) else {
                    continue;
                };
                let id = af_stix::id::sco_id(node.stix_type, |k| {
                    obj.get_value(k).map(|mut v| {
                        rename_json(&mut v, &renames);
                        v
                    })
                })
                .map(SmolStr::from)
                .unwrap_or_else(|| af_stix::id::derive_v4(node.stix_type, &[&self.flow_id, &node.name.text]));
                if let Some(&first) = taken.get(&id) {
                    let (a, b) = (&self.nodes[first], &self.nodes[i]);
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0103,
                            b.name.span.clone(),
                            format!("`{}` is the same observable as `{}`", b.name.text, a.name.text),
                        )
                        .with_label(a.name.span.clone(), "the same values are given here")
                        .with_help("STIX gives observables with the same identifying values the same id; declare it once and refer to it by that name"),
                    );
                    continue;
                }
                taken.insert(id.clone(), i);
                if id != node.id {
                    renames.insert(node.id.clone(), id.clone());
                    self.nodes[i].id = id;
                }
            }
        }
        renames
    }
}

/// Renames every provisional id in an object's values.
pub(crate) fn rename(obj: &mut Object, renames: &Renames) {
    for value in obj.values_mut() {
        match value {
            Prop::Str(s) => {
                if let Some(new) = renames.get(s) {
                    *s = new.clone();
                }
            }
            Prop::Strs(items) => {
                for s in items {
                    if let Some(new) = renames.get(s) {
                        *s = new.clone();
                    }
                }
            }
            Prop::Json(v) => rename_json(v, renames),
            Prop::Num(_) | Prop::Shared(_) => {}
        }
    }
}

fn rename_json(v: &mut Json, renames: &Renames) {
    match v {
        Json::String(s) => {
            if let Some(new) = renames.get(s.as_str()) {
                *s = new.to_string();
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| rename_json(i, renames)),
        Json::Object(m) => m.values_mut().for_each(|i| rename_json(i, renames)),
        _ => {}
    }
}
