//! Loading the Attack Flow and OASIS STIX 2.1 JSON schemas from `shared/schema/` and
//! validating bundles against them, fully offline.

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Registry, Retrieve, Uri, ValidationError, Validator};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// File name of the Attack Flow schema inside `shared/schema/`.
const ATTACK_FLOW_SCHEMA: &str = "attack-flow-schema-2.0.0.json";
/// Folder with the OASIS STIX 2.1 schemas inside `shared/schema/`.
const OASIS_DIR: &str = "oasis-open";
/// Every absolute URL of an OASIS schema starts with this (then a branch and `/schemas/`).
const OASIS_URL_MARK: &str = "://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/";
/// Standard STIX objects whose schema lives in `common/` rather than sdos/sros/observables.
const COMMON_OBJECT_SCHEMAS: [&str; 3] = ["marking-definition", "extension-definition", "language-content"];
/// Where the bundle envelope schema is registered: beside common/bundle.json, so that its
/// relative references resolve the same way. It is never fetched from anywhere.
///
/// Why an envelope: bundle.json checks each element of `objects` with
/// `anyOf [oneOf [<36 standard schemas>], allOf [oneOf [core.json, cyber-observable-core.json],
/// <type is not standard>]]`. Any object of another type that carries SDO properties
/// (`created`, `modified`, ...) is valid under *both* core.json and cyber-observable-core.json
/// (the latter allows any lower-case property), so that `oneOf` fails for every Attack Flow
/// object, every extension-definition and every note, location, grouping, incident and
/// opinion (not in the list). No Attack Flow bundle could pass. [`SchemaSet::validate_bundle`]
/// therefore checks the envelope (type, id, objects) with bundle.json minus that rule and
/// applies the per-object schemas itself, choosing one core schema for a custom type.
const ENVELOPE_FILE: &str = "common/af-testkit-bundle-envelope.json";
/// Properties that STIX 2.0 bundles had and STIX 2.1 bundles must not have. bundle.json
/// does not reject them, so [`SchemaSet::validate_bundle`] checks this one rule itself.
const NOT_BUNDLE_PROPERTIES: [&str; 3] = ["spec_version", "created", "modified"];
/// Longest error message kept; JSON Schema messages can quote whole objects.
const MAX_MESSAGE: usize = 400;

/// The compiled validators for STIX bundles, built once from the schema files in `shared/`.
///
/// Build it with [`SchemaSet::load`] (or share one per process with [`SchemaSet::cached`])
/// and call [`SchemaSet::validate_bundle`] as often as needed.
pub struct SchemaSet {
    /// common/bundle.json without its rule for the items of `objects` (see [`ENVELOPE_FILE`]).
    bundle_envelope: Validator,
    /// common/bundle.json as published, kept to document its defect in tests.
    #[cfg_attr(not(test), allow(dead_code))]
    bundle_full: Validator,
    attack_flow: Validator,
    sdo_core: Validator,
    sco_core: Validator,
    /// Standard STIX type name → validator of its own OASIS schema.
    standard: HashMap<String, Validator>,
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut types: Vec<&str> = self.standard.keys().map(String::as_str).collect();
        types.sort_unstable();
        f.debug_struct("SchemaSet")
            .field("standard_types", &types)
            .finish_non_exhaustive()
    }
}

/// A retriever that never fetches anything: every reference must be a registered local file.
struct NoNetwork;

impl Retrieve for NoNetwork {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("{uri} is not a local schema file (af-testkit never uses the network)").into())
    }
}

/// One schema file read from disk.
struct SchemaFile {
    /// Path relative to `oasis-open/`, with `/` separators, e.g. `common/core.json`.
    rel: String,
    contents: Value,
}

impl SchemaSet {
    /// Reads every schema under `<shared>/schema/` and compiles the validators.
    ///
    /// Fails with a readable message when a file is missing or unreadable, declares an
    /// unsupported JSON Schema draft, or refers to a schema that is not available locally.
    pub fn load(shared: &Path) -> Result<SchemaSet, String> {
        let schema_dir = shared.join("schema");
        let oasis_dir = schema_dir.join(OASIS_DIR);
        let mut files = Vec::new();
        collect_json_files(&oasis_dir, &oasis_dir, &mut files)?;
        if files.is_empty() {
            return Err(format!("no schema files under {}", oasis_dir.display()));
        }
        let af_path = schema_dir.join(ATTACK_FLOW_SCHEMA);
        let attack_flow_schema = read_json(&af_path)?;

        for file in &files {
            check_draft(&file.contents, &file.rel)?;
        }
        check_draft(&attack_flow_schema, ATTACK_FLOW_SCHEMA)?;
        let af_id = attack_flow_schema
            .get("$id")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{ATTACK_FLOW_SCHEMA} has no \"$id\""))?
            .to_owned();

        // The schemas name each other by absolute URLs in several spellings (http and https,
        // the `stix2.1` and the `master` branch). Collect every spelling that occurs and
        // register each local file under all of them, so every reference resolves locally.
        let local: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        let mut prefixes = BTreeSet::new();
        let mut urls = Vec::new();
        for file in &files {
            collect_absolute_urls(&file.contents, &mut urls);
        }
        collect_absolute_urls(&attack_flow_schema, &mut urls);
        for url in &urls {
            if url.trim_end_matches('#') == af_id {
                continue;
            }
            let (prefix, rel) = split_oasis_url(url).ok_or_else(|| {
                format!("schema reference {url} is neither an OASIS STIX schema nor the Attack Flow schema")
            })?;
            if !local.contains(rel) {
                return Err(format!(
                    "schema reference {url} names {rel}, which is not under {}",
                    oasis_dir.display()
                ));
            }
            prefixes.insert(prefix.to_owned());
        }
        let canonical_prefix = files
            .iter()
            .find(|f| f.rel == "common/core.json")
            .and_then(|f| f.contents.get("$id"))
            .and_then(Value::as_str)
            .and_then(split_oasis_url)
            .map(|(prefix, _)| prefix.to_owned())
            .ok_or_else(|| "common/core.json is missing or has no OASIS \"$id\"".to_owned())?;
        prefixes.insert(canonical_prefix.clone());

        let mut resources: Vec<(String, Value)> = Vec::new();
        for file in &files {
            for prefix in &prefixes {
                resources.push((format!("{prefix}{}", file.rel), file.contents.clone()));
            }
        }
        resources.push((af_id.clone(), attack_flow_schema));
        let mut envelope = files
            .iter()
            .find(|f| f.rel == "common/bundle.json")
            .map(|f| f.contents.clone())
            .ok_or_else(|| "common/bundle.json is missing".to_owned())?;
        let items_removed = envelope
            .pointer_mut("/properties/objects")
            .and_then(Value::as_object_mut)
            .and_then(|objects| objects.remove("items"))
            .is_some();
        if !items_removed {
            return Err("common/bundle.json has no rule for the items of \"objects\"".to_owned());
        }
        let envelope_id = format!("{canonical_prefix}{ENVELOPE_FILE}");
        if let Some(map) = envelope.as_object_mut() {
            map.insert("$id".to_owned(), Value::String(envelope_id.clone()));
        }
        resources.push((envelope_id.clone(), envelope));
        let registry = Registry::new()
            .retriever(NoNetwork)
            .extend(resources)
            .and_then(|builder| builder.prepare())
            .map_err(|e| format!("cannot register the schemas: {e}"))?;

        let compile = |url: &str| -> Result<Validator, String> {
            jsonschema::options()
                .with_draft(Draft::Draft202012)
                .with_retriever(NoNetwork)
                .with_registry(&registry)
                .build(&json!({ "$ref": url }))
                .map_err(|e| format!("cannot compile {url}: {e}"))
        };
        let oasis = |rel: &str| format!("{canonical_prefix}{rel}");

        let mut standard = HashMap::new();
        for file in &files {
            let Some((folder, name)) = file.rel.split_once('/') else {
                continue;
            };
            let Some(type_name) = name.strip_suffix(".json") else {
                continue;
            };
            let is_object_schema = matches!(folder, "sdos" | "sros" | "observables")
                || (folder == "common" && COMMON_OBJECT_SCHEMAS.contains(&type_name));
            if is_object_schema {
                let validator = compile(&oasis(&file.rel))?;
                standard.insert(type_name.to_owned(), validator);
            }
        }
        Ok(SchemaSet {
            bundle_envelope: compile(&envelope_id)?,
            bundle_full: compile(&oasis("common/bundle.json"))?,
            attack_flow: compile(&af_id)?,
            sdo_core: compile(&oasis("common/core.json"))?,
            sco_core: compile(&oasis("common/cyber-observable-core.json"))?,
            standard,
        })
    }

    /// Returns a process-wide `SchemaSet` for `shared`, loading it on first use.
    ///
    /// Test binaries run many tests; this compiles the schemas once per folder instead of
    /// once per test. A failed load is not cached.
    pub fn cached(shared: &Path) -> Result<&'static SchemaSet, String> {
        static CACHE: OnceLock<Mutex<HashMap<PathBuf, &'static SchemaSet>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
        let mut map = cache
            .lock()
            .map_err(|_| "the schema cache was poisoned by a panicking test".to_owned())?;
        if let Some(set) = map.get(shared) {
            return Ok(set);
        }
        let set: &'static SchemaSet = Box::leak(Box::new(SchemaSet::load(shared)?));
        map.insert(shared.to_path_buf(), set);
        Ok(set)
    }

    /// The STIX types that have their own OASIS schema (sdos/, sros/, observables/ and the
    /// object schemas of common/), sorted.
    pub fn standard_types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = self.standard.keys().map(String::as_str).collect();
        types.sort_unstable();
        types
    }

    /// Validates a whole bundle: the bundle envelope (`type`, `id`, a non-empty `objects`
    /// array) against oasis-open/common/bundle.json, every object of an Attack Flow type
    /// against attack-flow-schema-2.0.0.json, every standard STIX object against its own OASIS
    /// schema (sdos/, sros/, observables/, common/marking-definition.json,
    /// common/extension-definition.json, common/language-content.json), and any other
    /// (custom) type against common/core.json when it has `created` or `modified` (a custom
    /// SDO), else against common/cyber-observable-core.json (a custom SCO).
    ///
    /// bundle.json's own rule for the elements of `objects` is replaced by these per-object
    /// checks because it rejects every Attack Flow object (see `ENVELOPE_FILE` in the source).
    /// One rule the schemas miss is added: the bundle itself must not carry `spec_version`,
    /// `created` or `modified` (STIX 2.0 properties that make stix2 3.0.2 reject the bundle).
    ///
    /// Returns one human-readable error string per violation, e.g.
    /// `objects[3] (attack-flow--…): /scope: "bogus" is not one of [...] [at <schema rule>]`
    /// or `bundle: /id: …`; empty when the bundle is valid.
    pub fn validate_bundle(&self, bundle: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        let objects = bundle.get("objects").and_then(Value::as_array);
        if let Some(objects) = objects {
            for (index, object) in objects.iter().enumerate() {
                errors.extend(self.validate_object(index, object));
            }
        }
        for key in NOT_BUNDLE_PROPERTIES {
            if bundle.get(key).is_some() {
                errors.push(format!(
                    "bundle: /{key}: a STIX 2.1 bundle has no \"{key}\" property (stix2 3.0.2 \
                     reads a bundle with \"spec_version\" as STIX 2.0); bundle.json does not \
                     forbid it [at af-testkit rule: STIX 2.1 bundle properties]"
                ));
            }
        }
        for error in self.bundle_envelope.iter_errors(bundle) {
            errors.push(format!(
                "bundle: {}: {}",
                pointer_or_root(error.instance_path().as_str()),
                message(&error)
            ));
        }
        errors
    }

    /// Validates one element of `objects` against the schema its type calls for.
    fn validate_object(&self, index: usize, object: &Value) -> Vec<String> {
        let label = object_label(index, object);
        let Some(type_name) = object.get("type").and_then(Value::as_str) else {
            let what = if object.is_object() {
                "has no string \"type\""
            } else {
                "is not a JSON object"
            };
            return vec![format!("{label}: (root): the object {what}")];
        };
        let report = |validator: &Validator| -> Vec<String> {
            let errors: Vec<ValidationError<'_>> = validator.iter_errors(object).collect();
            // A failing subschema drops its annotations, so after any other error
            // `unevaluatedProperties` calls nearly every property unexpected. Such a cascade is
            // left out; alone (on an otherwise valid object) it is reported.
            let other_errors = errors
                .iter()
                .any(|e| e.kind().keyword() != "unevaluatedProperties");
            errors
                .iter()
                .filter(|e| !(other_errors && e.kind().keyword() == "unevaluatedProperties"))
                .map(|e| {
                    format!(
                        "{label}: {}: {}",
                        pointer_or_root(e.instance_path().as_str()),
                        message(e)
                    )
                })
                .collect()
        };
        if af_stix::attack_flow::is_attack_flow_type(type_name) {
            return report(&self.attack_flow);
        }
        if let Some(validator) = self.standard.get(type_name) {
            return report(validator);
        }
        // A custom type. Any object is valid under cyber-observable-core.json (it allows every
        // lower-case property), so only an object without SDO timestamps is judged by it; one
        // with `created` or `modified` is a custom SDO and must satisfy core.json.
        let looks_like_sdo = object.get("created").is_some() || object.get("modified").is_some();
        if looks_like_sdo {
            report(&self.sdo_core)
        } else {
            report(&self.sco_core)
        }
    }
}

/// `"objects[3] (attack-action--…)"`, or without the id when there is none.
fn object_label(index: usize, object: &Value) -> String {
    match object.get("id").and_then(Value::as_str) {
        Some(id) => format!("objects[{index}] ({id})"),
        None => format!("objects[{index}]"),
    }
}

/// A JSON pointer for people: the empty pointer (the whole value) reads `(root)`.
fn pointer_or_root(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

/// The error's message with the schema rule that raised it. Objects and arrays are not
/// quoted whole; a failed `anyOf`/`oneOf` also tells why its closest alternative failed.
fn message(error: &ValidationError<'_>) -> String {
    explain(error, 0)
}

/// [`message`], following failed alternatives down to `depth` 2.
fn explain(error: &ValidationError<'_>, depth: usize) -> String {
    let mut text = if error.instance().is_object() || error.instance().is_array() {
        error.masked_with("the value").to_string()
    } else {
        error.to_string()
    };
    if text.chars().count() > MAX_MESSAGE {
        text = text.chars().take(MAX_MESSAGE).collect::<String>() + "…";
    }
    let rule = match error.absolute_keyword_location() {
        Some(uri) => short_schema_location(uri.as_str()),
        None => error.schema_path().as_str().to_owned(),
    };
    text = format!("{text} [at {rule}]");
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }
            if depth < 2 =>
        {
            let closest = context
                .iter()
                .enumerate()
                .filter(|(_, errors)| !errors.is_empty())
                .min_by_key(|(_, errors)| errors.iter().map(weight).sum::<usize>());
            if let Some((k, errors)) = closest {
                let reasons: Vec<String> = errors.iter().map(|e| explain(e, depth + 1)).collect();
                text = format!("{text}; closest alternative #{k} fails: {}", reasons.join("; "));
            }
        }
        ValidationErrorKind::OneOfMultipleValid { context } => {
            let valid: Vec<String> = context
                .iter()
                .enumerate()
                .filter(|(_, errors)| errors.is_empty())
                .map(|(k, _)| format!("#{k}"))
                .collect();
            if !valid.is_empty() {
                text = format!("{text} (valid under alternatives {})", valid.join(" and "));
            }
        }
        _ => {}
    }
    text
}

/// How far a value is from satisfying the schema that raised `error`: the number of plain
/// errors, counting a failed `anyOf`/`oneOf` by its closest alternative.
fn weight(error: &ValidationError<'_>) -> usize {
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => context
            .iter()
            .map(|errors| errors.iter().map(weight).sum::<usize>())
            .filter(|&w| w > 0)
            .min()
            .unwrap_or(1),
        _ => 1,
    }
}

/// `http://…/schemas/common/core.json#/properties/id` → `common/core.json#/properties/id`;
/// any other URI keeps only its last path segment and fragment.
fn short_schema_location(uri: &str) -> String {
    if let Some((_, rest)) = uri.split_once("/schemas/") {
        return rest.to_owned();
    }
    let (base, fragment) = match uri.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (uri, None),
    };
    let file = base.rsplit('/').next().unwrap_or(base);
    match fragment {
        Some(fragment) => format!("{file}#{fragment}"),
        None => file.to_owned(),
    }
}

/// Splits an OASIS schema URL into its prefix (up to and including `/schemas/`) and the
/// path of the file below it, dropping any fragment.
fn split_oasis_url(url: &str) -> Option<(&str, &str)> {
    let url = url.split('#').next()?;
    let start = url.find(OASIS_URL_MARK)?;
    let after_mark = start + OASIS_URL_MARK.len();
    let schemas = url[after_mark..].find("/schemas/")? + after_mark + "/schemas/".len();
    Some((&url[..schemas], &url[schemas..]))
}

/// Every absolute `http(s)://` value of a `$ref` or `$id` keyword inside `value`.
fn collect_absolute_urls(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" || key == "$id" {
                    if let Some(s) = child.as_str() {
                        if s.starts_with("http://") || s.starts_with("https://") {
                            out.push(s.to_owned());
                        }
                    }
                }
                collect_absolute_urls(child, out);
            }
        }
        Value::Array(items) => {
            for child in items {
                collect_absolute_urls(child, out);
            }
        }
        _ => {}
    }
}

/// Accepts only schema files that declare a JSON Schema draft this validator knows.
///
/// The shipped files all declare draft 2020-12, spelled both
/// `http://json-schema.org/draft/2020-12/schema#` and `https://json-schema.org/draft/2020-12/schema`.
/// Another known draft is accepted too (each file is compiled under the draft it declares);
/// a missing or unknown `$schema` is an error, so a changed file cannot be misread silently.
fn check_draft(contents: &Value, name: &str) -> Result<Draft, String> {
    let declared = contents
        .get("$schema")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{name} declares no \"$schema\""))?;
    match Draft::from_schema_uri(declared) {
        Draft::Unknown => Err(format!(
            "{name} declares an unsupported JSON Schema dialect {declared}"
        )),
        draft => Ok(draft),
    }
}

/// Reads and parses one JSON file.
fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

/// Reads every `*.json` file below `dir` (recursively), named relative to `root`.
fn collect_json_files(root: &Path, dir: &Path, out: &mut Vec<SchemaFile>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        paths.insert(name, path);
    }
    for path in paths.into_values() {
        if path.is_dir() {
            collect_json_files(root, &path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            let rel = path
                .strip_prefix(root)
                .map_err(|_| format!("{} is outside {}", path.display(), root.display()))?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(SchemaFile {
                rel,
                contents: read_json(&path)?,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_oasis_urls_of_every_spelling() {
        let http = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/core.json";
        let https = "https://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/master/schemas/common/timestamp.json#/x";
        assert_eq!(
            split_oasis_url(http),
            Some((
                "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/",
                "common/core.json"
            ))
        );
        assert_eq!(
            split_oasis_url(https),
            Some((
                "https://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/master/schemas/",
                "common/timestamp.json"
            ))
        );
        assert_eq!(split_oasis_url("https://example.com/schemas/a.json"), None);
    }

    /// Documents why `validate_bundle` does not apply bundle.json's rule for `objects`: as
    /// published, it rejects every object of the official Attack Flow example that is not of
    /// a type it lists, because such an object is valid under both core schemas of a `oneOf`.
    /// If this starts failing, the shipped schema changed and the envelope may be dropped.
    #[test]
    fn published_bundle_rule_rejects_attack_flow_objects_through_a_oneof() {
        let Some(shared) = crate::shared_or_skip("published_bundle_rule_rejects_attack_flow_objects") else {
            return;
        };
        let set = match SchemaSet::cached(&shared) {
            Ok(set) => set,
            Err(e) => panic!("schemas do not load: {e}"),
        };
        let path = shared.join("schema/attack-flow-example.json");
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bundle: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(set.validate_bundle(&bundle).is_empty());

        let mut rejected = BTreeSet::new();
        for error in set.bundle_full.iter_errors(&bundle) {
            let text = message(&error);
            assert!(
                text.contains("valid under more than one of the schemas listed in the 'oneOf'")
                    && text.contains("(valid under alternatives #0 and #1)"),
                "unexpected bundle.json error: {text}"
            );
            let pointer = error.instance_path().as_str().to_owned();
            let index: usize = pointer
                .strip_prefix("/objects/")
                .and_then(|i| i.parse().ok())
                .unwrap_or_else(|| panic!("error outside objects: {pointer}"));
            let object_type = bundle["objects"][index]["type"].as_str().unwrap_or("");
            rejected.insert(object_type.to_owned());
        }
        let expected: BTreeSet<String> = [
            "attack-action",
            "attack-asset",
            "attack-condition",
            "attack-flow",
            "attack-operator",
            "extension-definition",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(rejected, expected);
    }

    #[test]
    fn shortens_schema_locations() {
        assert_eq!(
            short_schema_location("https://example.org/attack-flow/schema/af.json#/$defs/x/enum"),
            "af.json#/$defs/x/enum"
        );
        assert_eq!(
            short_schema_location(
                "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/core.json#/required"
            ),
            "common/core.json#/required"
        );
    }

    #[test]
    fn rejects_unknown_dialects() {
        assert!(check_draft(&json!({"$schema": "https://example.com/meta"}), "x").is_err());
        assert!(check_draft(&json!({}), "x").is_err());
        assert_eq!(
            check_draft(
                &json!({"$schema": "http://json-schema.org/draft/2020-12/schema#"}),
                "x"
            ),
            Ok(Draft::Draft202012)
        );
    }
}
