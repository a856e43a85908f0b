//! The embedded data file: a tab-separated text format, one record a line.
//!
//! ```text
//! # comment lines (attribution, provenance, this legend)
//! @attack-version<TAB>19.1
//! A  catalog domain id name shortname stix_id name_v18 deprecated        (tactic)
//! T  catalog domains id name stix_id tactics tactics_v18 platforms parent status status_ref name_v18   (technique)
//! O  kind domains id name stix_id status status_ref aliases              (group / software / campaign / mitigation)
//! L  mitigates mitigation_id technique_ids                                (relationships)
//! ```
//!
//! `catalog` is `attack`/`atlas`/`d3fend`/`f3`; domains are `E`/`M`/`I` (comma-separated
//! lists); lists (tactics, platforms) are comma-separated; `status` is `A` active, `D`
//! deprecated, `R` revoked (status_ref: end of the revoked-by chain), `X` not current in v19
//! (status_ref: name-matched successor); `deprecated` is `1` or empty; empty fields mean none.
//! Records appear in listing order (tactics in matrix order, techniques by catalog then id,
//! objects by kind then id, links by mitigation id).

use crate::error::CatalogError;
use crate::model::{AttackObject, CatalogKind, Domain, ObjectKind, Status, Tactic, Technique, Text};
use std::borrow::Cow;
use std::fmt::Write as _;

/// The records of a catalog before indexing.
#[derive(Debug, Default, Clone)]
pub(crate) struct Parts {
    pub tactics: Vec<Tactic>,
    pub techniques: Vec<Technique>,
    pub objects: Vec<AttackObject>,
    /// (mitigation id, technique id), sorted.
    pub mitigates: Vec<(Text, Text)>,
    pub attack_version: Option<Text>,
}

const TACTIC_FIELDS: usize = 9;
const TECHNIQUE_FIELDS: usize = 13;
const OBJECT_FIELDS: usize = 9;
const LINK_FIELDS: usize = 4;

/// Parses the data file. Malformed lines are skipped and described in the returned warnings
/// (the committed file is checked by tests to produce none).
pub(crate) fn read(text: &'static str) -> (Parts, Vec<String>) {
    let mut parts = Parts::default();
    let mut warnings = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        let result = match fields[0] {
            "@attack-version" => match fields.get(1) {
                Some(v) if !v.is_empty() => {
                    parts.attack_version = Some(Cow::Borrowed(*v));
                    Ok(())
                }
                _ => Err("missing version".to_string()),
            },
            "A" => read_tactic(&fields).map(|t| parts.tactics.push(t)),
            "T" => read_technique(&fields).map(|t| parts.techniques.push(t)),
            "O" => read_object(&fields).map(|o| parts.objects.push(o)),
            "L" => read_links(&fields).map(|links| parts.mitigates.extend(links)),
            other => Err(format!("unknown record kind `{other}`")),
        };
        if let Err(why) = result {
            warnings.push(format!("data line {line_no}: {why}"));
        }
    }
    (parts, warnings)
}

fn opt(s: &'static str) -> Option<Text> {
    (!s.is_empty()).then_some(Cow::Borrowed(s))
}

fn list(s: &'static str) -> Vec<Text> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split(',').map(Cow::Borrowed).collect()
    }
}

fn catalog(s: &str) -> Result<CatalogKind, String> {
    CatalogKind::from_code(s).ok_or_else(|| format!("unknown catalog `{s}`"))
}

fn domains(s: &str) -> Result<Vec<Domain>, String> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|d| Domain::from_code(d).ok_or_else(|| format!("unknown domain `{d}`")))
        .collect()
}

fn status(code: &str, reference: &'static str) -> Result<Status, String> {
    match code {
        "A" => Ok(Status::Active),
        "D" => Ok(Status::Deprecated),
        "R" => Ok(Status::Revoked { by: opt(reference) }),
        "X" => Ok(Status::Removed {
            successor: opt(reference),
        }),
        other => Err(format!("unknown status `{other}`")),
    }
}

fn check_len(fields: &[&str], want: usize) -> Result<(), String> {
    if fields.len() == want {
        Ok(())
    } else {
        Err(format!(
            "`{}` record has {} fields, expected {want}",
            fields[0],
            fields.len()
        ))
    }
}

fn nonempty(s: &'static str, what: &str) -> Result<Text, String> {
    opt(s).ok_or_else(|| format!("empty {what}"))
}

fn read_tactic(f: &[&'static str]) -> Result<Tactic, String> {
    check_len(f, TACTIC_FIELDS)?;
    let domain = match domains(f[2])?.as_slice() {
        [] => Domain::None,
        [d] => *d,
        _ => return Err("a tactic has one domain".into()),
    };
    Ok(Tactic {
        catalog: catalog(f[1])?,
        domain,
        id: nonempty(f[3], "id")?,
        name: nonempty(f[4], "name")?,
        shortname: opt(f[5]),
        stix_id: opt(f[6]),
        name_v18: opt(f[7]),
        deprecated: f[8] == "1",
    })
}

fn read_technique(f: &[&'static str]) -> Result<Technique, String> {
    check_len(f, TECHNIQUE_FIELDS)?;
    Ok(Technique {
        catalog: catalog(f[1])?,
        domains: domains(f[2])?,
        id: nonempty(f[3], "id")?,
        name: nonempty(f[4], "name")?,
        stix_id: opt(f[5]),
        tactics: list(f[6]),
        tactics_v18: list(f[7]),
        platforms: list(f[8]),
        parent: opt(f[9]),
        status: status(f[10], f[11])?,
        name_v18: opt(f[12]),
        subtechniques: Vec::new(),
        parent_name: None,
    })
}

fn read_object(f: &[&'static str]) -> Result<AttackObject, String> {
    check_len(f, OBJECT_FIELDS)?;
    Ok(AttackObject {
        kind: ObjectKind::from_code(f[1]).ok_or_else(|| format!("unknown kind `{}`", f[1]))?,
        domains: domains(f[2])?,
        id: nonempty(f[3], "id")?,
        name: nonempty(f[4], "name")?,
        stix_id: opt(f[5]),
        status: status(f[6], f[7])?,
        aliases: list(f[8]),
    })
}

fn read_links(f: &[&'static str]) -> Result<Vec<(Text, Text)>, String> {
    check_len(f, LINK_FIELDS)?;
    if f[1] != "mitigates" {
        return Err(format!("unknown relationship `{}`", f[1]));
    }
    let from = nonempty(f[2], "mitigation id")?;
    Ok(list(f[3]).into_iter().map(|t| (from.clone(), t)).collect())
}

/// Writes the data file. Fails when a value contains a tab or line break, or a list item a
/// comma, since the format could not carry it.
pub(crate) fn write(parts: &Parts, header: &str) -> Result<String, CatalogError> {
    let mut out = String::with_capacity(512 * 1024);
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    if let Some(v) = &parts.attack_version {
        out.push_str("@attack-version\t");
        out.push_str(&field(v)?);
        out.push('\n');
    }
    let opt_field = |v: &Option<Text>| match v {
        Some(v) => field(v),
        None => Ok(String::new()),
    };
    for t in &parts.tactics {
        let row = [
            "A".to_string(),
            t.catalog.code().to_string(),
            t.domain.code().to_string(),
            field(&t.id)?,
            field(&t.name)?,
            opt_field(&t.shortname)?,
            opt_field(&t.stix_id)?,
            opt_field(&t.name_v18)?,
            if t.deprecated { "1" } else { "" }.to_string(),
        ];
        push_row(&mut out, &row);
    }
    for t in &parts.techniques {
        let row = [
            "T".to_string(),
            t.catalog.code().to_string(),
            domain_list(&t.domains),
            field(&t.id)?,
            field(&t.name)?,
            opt_field(&t.stix_id)?,
            list_field(&t.tactics)?,
            list_field(&t.tactics_v18)?,
            list_field(&t.platforms)?,
            opt_field(&t.parent)?,
            t.status.code().to_string(),
            field(t.status.replacement().unwrap_or(""))?,
            opt_field(&t.name_v18)?,
        ];
        push_row(&mut out, &row);
    }
    for o in &parts.objects {
        let row = [
            "O".to_string(),
            o.kind.code().to_string(),
            domain_list(&o.domains),
            field(&o.id)?,
            field(&o.name)?,
            opt_field(&o.stix_id)?,
            o.status.code().to_string(),
            field(o.status.replacement().unwrap_or(""))?,
            list_field(&o.aliases)?,
        ];
        push_row(&mut out, &row);
    }
    let mut rest = parts.mitigates.as_slice();
    while let Some((from, _)) = rest.first() {
        let n = rest.iter().take_while(|(f, _)| f == from).count();
        let targets: Vec<Text> = rest[..n].iter().map(|(_, t)| t.clone()).collect();
        let row = [
            "L".to_string(),
            "mitigates".to_string(),
            field(from)?,
            list_field(&targets)?,
        ];
        push_row(&mut out, &row);
        rest = &rest[n..];
    }
    Ok(out)
}

fn push_row(out: &mut String, row: &[String]) {
    for (i, f) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        out.push_str(f);
    }
    out.push('\n');
}

fn field(v: &str) -> Result<String, CatalogError> {
    if v.contains(['\t', '\n', '\r']) {
        return Err(CatalogError::Invalid(format!(
            "value {v:?} contains a tab or line break"
        )));
    }
    Ok(v.to_string())
}

fn list_field(items: &[Text]) -> Result<String, CatalogError> {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if item.contains(',') || item.is_empty() {
            return Err(CatalogError::Invalid(format!(
                "list item {item:?} is empty or contains a comma"
            )));
        }
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}", field(item)?);
    }
    Ok(out)
}

fn domain_list(domains: &[Domain]) -> String {
    domains
        .iter()
        .map(|d| d.code())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_reads_without_warnings_and_writes_back_identically() {
        let (parts, warnings) = read(crate::EMBEDDED_DATA);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(parts.techniques.len() > 1000);
        let again = write(&parts, crate::generate::HEADER).expect("writable");
        assert!(
            again == crate::EMBEDDED_DATA,
            "read/write round trip changed the data file"
        );
    }

    #[test]
    fn malformed_lines_are_skipped_with_a_warning() {
        let text: &'static str = "# c\n\
            T\tattack\tE\tT1\tOne\t\t\t\t\t\tA\t\t\n\
            T\tattack\tE\tT2\n\
            T\tnope\tE\tT3\tThree\t\t\t\t\t\tA\t\t\n\
            Q\tx\n\
            T\tattack\tE\tT4\tFour\t\t\t\t\t\t?\t\t\n";
        let (parts, warnings) = read(text);
        assert_eq!(parts.techniques.len(), 1);
        assert_eq!(parts.techniques[0].id, "T1");
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].starts_with("data line 3:"), "{}", warnings[0]);
    }

    #[test]
    fn writer_refuses_values_it_cannot_carry() {
        let (mut parts, _) = read(crate::EMBEDDED_DATA);
        parts.techniques[0].platforms.push(Cow::Borrowed("a,b"));
        assert!(write(&parts, "").is_err());
        let (mut parts, _) = read(crate::EMBEDDED_DATA);
        parts.tactics[0].name = Cow::Borrowed("tab\there");
        assert!(write(&parts, "").is_err());
    }
}
