//! `cargo xtask compare <api|spec> <vendor-spec> [--json]`: where our hand-written spec and
//! the vendor's published one disagree, for the operations of ours. A vendor's own spec is
//! the best evidence of what the live service takes and sends, and it changes without
//! notice; this says, in one line per difference, what each one means for our users (ours
//! looser, ours stricter, documentation only) and where it is in both files.
//!
//! A difference ours keeps on purpose is explained by an `x-vendor-difference` note on the
//! node of ours it concerns (`{kind: why}`, beside the description that says it to users);
//! a note that explains nothing the comparison found is reported, so none goes stale.
//!
//! Nothing is written; the exit code is 0 whenever the comparison ran (the report is the
//! output), and not 0, with one line saying why, on an unknown api or an unreadable file.

mod model;
mod operations;
mod report;
mod schema;
mod shape;

use crate::generator::{files, read::load::load_spec};
use model::{Class, Place, Sink};
use serde_json::Value;
use shape::{Doc, note_of};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask compare <api|spec.yaml> <vendor-spec.json|yaml> [--json]";

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let json = args.contains(&"--json");
    let rest: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
    let [which, vendor_file] = rest.as_slice() else {
        return Err(USAGE.into());
    };
    let (ours_file, ours_path) = our_spec(root, which)?;
    let (_, ours) = load_spec(&ours_file, &ours_path).map_err(|e| e.to_string())?;
    openapi_version(&ours, &ours_file)?;
    let vendor = load_vendor(vendor_file)?;
    let vendor_version = openapi_version(&vendor, vendor_file)?;

    let ours = Doc {
        file: &ours_file,
        value: &ours,
    };
    let vendor_doc = Doc {
        file: vendor_file,
        value: &vendor,
    };
    let declared = declared_notes(ours)?;
    let mut sink = Sink::default();
    let counts = operations::compare_specs(ours, vendor_doc, &mut sink)?;
    for (at, kind) in declared {
        if !sink.used.contains(&(at.clone(), kind.clone())) {
            let node = at.trim_end_matches("/x-vendor-difference");
            let place = Place {
                operation: "(spec)",
                subject: "note",
                ours: &at,
                vendor: "",
            };
            let message = format!(
                "the note on {node} explains `{kind}`, which no difference found there has: remove it, or name the kind the report gives"
            );
            sink.push(Class::DocumentationOnly, "note", place, message, &[]);
        }
    }
    let header = report::Header {
        ours: &ours_file,
        vendor: vendor_file,
        vendor_version: &vendor_version,
        operations: counts.ours,
        matched: counts.matched,
    };
    let lines = sink.lines();
    match json {
        true => print!("{}", report::json(&header, &lines)),
        false => print!("{}", report::text(&header, &lines)),
    }
    Ok(())
}

/// `specs/<api>.yaml`, or a spec file named by its path.
fn our_spec(root: &Path, which: &str) -> Result<(String, PathBuf), String> {
    let is_path = [".yaml", ".yml", ".json"]
        .iter()
        .any(|e| which.ends_with(e))
        || which.contains('/');
    if is_path {
        return Ok((which.to_string(), PathBuf::from(which)));
    }
    let specs = files::spec_files(root).map_err(|e| e.to_string())?;
    match specs
        .into_iter()
        .partition::<Vec<_>, _>(|(api, _)| api == which)
    {
        (mut found, _) if !found.is_empty() => {
            let (_, path) = found.remove(0);
            Ok((format!("specs/{which}.yaml"), path))
        }
        (_, others) => {
            let known: Vec<String> = others.into_iter().map(|(api, _)| api).collect();
            Err(format!(
                "unknown api `{which}`: there is no specs/{which}.yaml (the apis are: {})",
                known.join(", ")
            ))
        }
    }
}

/// The vendor's spec, JSON or YAML. JSON is read as JSON: a large file reads in a fraction
/// of the time a YAML parser takes.
fn load_vendor(file: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: cannot read it: {e}"))?;
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(&text).map_err(|e| format!("{file}: not valid JSON: {e}"));
    }
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text)
        .map_err(|e| format!("{file}: not valid YAML or JSON: {e}"))?;
    serde_json::to_value(yaml).map_err(|e| format!("{file}: not a JSON-compatible document: {e}"))
}

/// The `openapi` version of an OpenAPI 3 document with `paths`, or why it is not one.
fn openapi_version(doc: &Value, file: &str) -> Result<String, String> {
    if doc.get("swagger").is_some() {
        return Err(format!(
            "{file}: a Swagger 2.0 document; convert it to OpenAPI 3 first"
        ));
    }
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("3.") {
        return Err(format!(
            "{file}: not an OpenAPI 3 document (no `openapi: 3.x` field)"
        ));
    }
    if !doc.get("paths").is_some_and(Value::is_object) {
        return Err(format!("{file}: an OpenAPI document without `paths`"));
    }
    Ok(version.to_string())
}

/// Every `x-vendor-difference` of our spec as `(its pointer, a kind it explains)`; a note
/// that is not `{kind: why}` is refused here, naming the file.
fn declared_notes(doc: Doc<'_>) -> Result<Vec<(String, String)>, String> {
    fn walk(
        node: &Value,
        at: &str,
        file: &str,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), String> {
        match node {
            Value::Object(map) => {
                if let Some(note) = map.get("x-vendor-difference") {
                    let note = note_of(note, at).map_err(|e| format!("{file}: {e}"))?;
                    out.extend(note.kinds.into_keys().map(|k| (note.at.clone(), k)));
                }
                for (key, value) in map {
                    if key != "example" && key != "examples" {
                        let child = format!("{at}/{}", crate::generator::read::spec::escape(key));
                        walk(value, &child, file, out)?;
                    }
                }
            }
            Value::Array(list) => {
                for (i, value) in list.iter().enumerate() {
                    walk(value, &format!("{at}/{i}"), file, out)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(doc.value, "", doc.file, &mut out)?;
    Ok(out)
}
