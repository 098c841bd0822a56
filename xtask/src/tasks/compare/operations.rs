//! Our operations against the vendor's: matched by method and path (path parameters by
//! position, so `{id}` matches `{trigger_id}`), then their parameters, request bodies and
//! answers. Only our paths are looked at: the rest of the vendor's spec is not ours to cover.

use crate::generator::read::spec::{METHODS, escape, request_schemas};
use crate::tasks::compare::model::{Class, Note, Place, Side, Sink};
use crate::tasks::compare::schema::{Cx, compare};
use crate::tasks::compare::shape::{Doc, deref, note_of, read};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use Class::{DocumentationOnly, OursLooser, OursStricter};

/// How many of our operations there are, and how many the vendor's spec has.
pub struct Counts {
    pub ours: usize,
    pub matched: usize,
}

/// Compares every operation of `ours` with the vendor's on the same path.
pub fn compare_specs(ours: Doc<'_>, vendor: Doc<'_>, sink: &mut Sink) -> Result<Counts, String> {
    let vendor_paths: BTreeMap<String, &str> = paths(vendor.value)
        .map(|(path, _)| (route(path), path))
        .collect();
    let request_structs = request_schemas(ours.value);
    let mut counts = Counts {
        ours: 0,
        matched: 0,
    };
    for (path, item) in paths(ours.value) {
        let item_at = format!("/paths/{}", escape(path));
        let item_notes = notes(item, &item_at)?;
        let found = vendor_paths.get(&route(path)).copied();
        let vendor_item_at = found.map_or("/paths".into(), |p| format!("/paths/{}", escape(p)));
        let vendor_item = found.and_then(|_| vendor.value.pointer(&vendor_item_at));
        let renames = found.map(|p| renamed(path, p)).unwrap_or_default();
        for (o, v) in &renames {
            let message = format!(
                "path parameter `{{{o}}}` is `{{{v}}}` in the vendor's spec (operations match by position)"
            );
            let at = (item_at.as_str(), vendor_item_at.as_str());
            let place = place(path, "path", at);
            sink.push(
                DocumentationOnly,
                "path-parameter",
                place,
                message,
                &refs(&item_notes),
            );
        }
        for method in METHODS {
            let operation = format!("{} {path}", method.to_uppercase());
            let ours_at = format!("{item_at}/{method}");
            let vendor_at = format!("{vendor_item_at}/{method}");
            match (item.get(method), vendor_item.and_then(|i| i.get(method))) {
                (None, None) => {}
                (Some(op), None) => {
                    counts.ours += 1;
                    let why = match found {
                        Some(_) => {
                            "only ours has it; our client may call what the service does not serve"
                        }
                        None => {
                            "the vendor's spec has no such path; our client may call what the service does not serve"
                        }
                    };
                    let place = place(&operation, "operation", (&ours_at, &vendor_item_at));
                    let notes = notes(op, &ours_at)?;
                    sink.push(OursLooser, "operation", place, why.into(), &refs(&notes));
                }
                (None, Some(_)) => {
                    let why = "only the vendor's spec has it; our client cannot call it";
                    let place = place(&operation, "operation", (&item_at, &vendor_at));
                    sink.push(
                        OursStricter,
                        "operation",
                        place,
                        why.into(),
                        &refs(&item_notes),
                    );
                }
                (Some(op), Some(_)) => {
                    counts.ours += 1;
                    counts.matched += 1;
                    let op = Op {
                        operation: &operation,
                        ours,
                        vendor,
                        notes: notes(op, &ours_at)?,
                        ours_at,
                        vendor_at,
                        renames: &renames,
                        request_structs: &request_structs,
                    };
                    op.parameters(sink)?;
                    op.request_body(sink)?;
                    op.answers(sink)?;
                }
            }
        }
    }
    Ok(counts)
}

/// `/items/{id}/` -> `/items/{}/`: the route, whatever its parameters are called.
fn route(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// The path parameters the vendor names otherwise: `(ours, the vendor's)`, by position.
fn renamed(ours: &str, vendor: &str) -> Vec<(String, String)> {
    let names = |path: &str| -> Vec<String> {
        let inside = path.split('{').skip(1).filter_map(|s| s.split_once('}'));
        inside.map(|(name, _)| name.to_string()).collect()
    };
    let pairs = names(ours).into_iter().zip(names(vendor));
    pairs.filter(|(o, v)| o != v).collect()
}

fn paths(doc: &Value) -> impl Iterator<Item = (&str, &Value)> {
    let paths = doc.get("paths").and_then(Value::as_object);
    paths
        .into_iter()
        .flatten()
        .map(|(p, item)| (p.as_str(), item))
}

/// The `x-vendor-difference` note on `node` of our spec, if it has one.
fn notes(node: &Value, at: &str) -> Result<Vec<Note>, String> {
    let note = node.get("x-vendor-difference").map(|n| note_of(n, at));
    note.transpose().map(|n| n.into_iter().collect())
}

fn refs(notes: &[Note]) -> Vec<&Note> {
    notes.iter().collect()
}

fn place<'a>(operation: &'a str, subject: &'a str, at: (&'a str, &'a str)) -> Place<'a> {
    Place {
        operation,
        subject,
        ours: at.0,
        vendor: at.1,
    }
}

/// One operation found in both specs.
struct Op<'a> {
    operation: &'a str,
    ours: Doc<'a>,
    vendor: Doc<'a>,
    /// The note on our operation: it explains what concerns the whole operation.
    notes: Vec<Note>,
    ours_at: String,
    vendor_at: String,
    renames: &'a [(String, String)],
    request_structs: &'a BTreeSet<String>,
}

/// A parameter, with where it is and its key: `in` and name (a header's in lower case; a
/// path parameter by the vendor's name).
struct Param<'a> {
    key: (String, String),
    name: String,
    node: &'a Value,
    at: String,
}

impl Param<'_> {
    fn required(&self) -> bool {
        self.key.0 == "path" || self.node.get("required") == Some(&Value::Bool(true))
    }

    fn subject(&self) -> String {
        format!("parameter {} ({})", self.name, self.key.0)
    }
}

impl<'a> Op<'a> {
    fn cx(&self, side: Side, subject: &str) -> Cx<'_> {
        Cx {
            side,
            operation: self.operation,
            subject: subject.to_string(),
            null_decodes: false,
            request_structs: self.request_structs,
        }
    }

    /// The operation's parameters and its path item's (an operation's own win), without the
    /// headers OpenAPI says are ignored (`Accept`, `Content-Type`, `Authorization`).
    fn params(
        doc: Doc<'a>,
        op_at: &str,
        renames: &[(String, String)],
    ) -> Result<Vec<Param<'a>>, String> {
        let item_at = op_at.rsplit_once('/').map_or("", |(item, _)| item);
        let mut out: Vec<Param<'a>> = Vec::new();
        for list_at in [
            format!("{op_at}/parameters"),
            format!("{item_at}/parameters"),
        ] {
            let list = doc.value.pointer(&list_at).and_then(Value::as_array);
            for (i, node) in list.into_iter().flatten().enumerate() {
                let (node, at) = deref(doc, node, &format!("{list_at}/{i}"))?;
                let text = |key| node.get(key).and_then(Value::as_str).unwrap_or_default();
                let (name, location) = (text("name").to_string(), text("in").to_string());
                let key_name = match location.as_str() {
                    "header" => name.to_ascii_lowercase(),
                    "path" => (renames.iter().find(|(o, _)| *o == name))
                        .map_or(name.clone(), |(_, v)| v.clone()),
                    _ => name.clone(),
                };
                let ignored = location == "header"
                    && ["accept", "content-type", "authorization"].contains(&key_name.as_str());
                let key = (location, key_name);
                if !ignored && !out.iter().any(|p| p.key == key) {
                    out.push(Param {
                        key,
                        name,
                        node,
                        at,
                    });
                }
            }
        }
        Ok(out)
    }

    fn parameters(&self, sink: &mut Sink) -> Result<(), String> {
        let ours = Self::params(self.ours, &self.ours_at, self.renames)?;
        let vendor = Self::params(self.vendor, &self.vendor_at, &[])?;
        let (ours_list, vendor_list) = (
            format!("{}/parameters", self.ours_at),
            format!("{}/parameters", self.vendor_at),
        );
        for o in &ours {
            let subject = o.subject();
            let notes = notes(o.node, &o.at)?;
            let Some(v) = vendor.iter().find(|v| v.key == o.key) else {
                let why = "only ours has it; our client sends a parameter the vendor does not take";
                let place = place(self.operation, &subject, (&o.at, &vendor_list));
                sink.push(OursLooser, "parameter", place, why.into(), &refs(&notes));
                continue;
            };
            let differs = match (o.required(), v.required()) {
                (true, false) => Some((
                    OursStricter,
                    "ours requires it, the vendor's does not; our client cannot leave it out",
                )),
                (false, true) => Some((
                    OursLooser,
                    "the vendor's requires it, ours does not; our client may leave out what the vendor requires",
                )),
                _ => None,
            };
            if let Some((class, why)) = differs {
                let place = place(self.operation, &subject, (&o.at, &v.at));
                sink.push(class, "required", place, why.into(), &refs(&notes));
            }
            let schema = |p: &Param<'_>, doc: Doc<'_>| {
                read(
                    doc,
                    p.node.get("schema").unwrap_or(&Value::Null),
                    &format!("{}/schema", p.at),
                )
            };
            let mut ours_shape = schema(o, self.ours)?;
            ours_shape.notes.extend(notes);
            let vendor_shape = schema(v, self.vendor)?;
            compare(
                &ours_shape,
                &vendor_shape,
                &self.cx(Side::Request, &subject),
                sink,
            );
        }
        for v in vendor
            .iter()
            .filter(|v| !ours.iter().any(|o| o.key == v.key))
        {
            let (class, why) = match v.required() {
                true => (
                    OursLooser,
                    "only the vendor's has it, and requires it; our client never sends it",
                ),
                false => (
                    OursStricter,
                    "only the vendor's has it (optional); our client cannot send it",
                ),
            };
            let subject = v.subject();
            let place = place(self.operation, &subject, (&ours_list, &v.at));
            sink.push(class, "parameter", place, why.into(), &refs(&self.notes));
        }
        Ok(())
    }

    fn request_body(&self, sink: &mut Sink) -> Result<(), String> {
        let body = |doc: Doc<'a>, op_at: &str| {
            let at = format!("{op_at}/requestBody");
            doc.value
                .pointer(&at)
                .map(|b| deref(doc, b, &at))
                .transpose()
        };
        let subject = "request body";
        let (o, o_at, v, v_at) = match (
            body(self.ours, &self.ours_at)?,
            body(self.vendor, &self.vendor_at)?,
        ) {
            (None, None) => return Ok(()),
            (Some((_, at)), None) => {
                let why = "only ours has a body; our client sends one the vendor does not take";
                let place = place(self.operation, subject, (&at, &self.vendor_at));
                sink.push(OursLooser, "body", place, why.into(), &refs(&self.notes));
                return Ok(());
            }
            (None, Some((node, at))) => {
                let (class, why) = match node.get("required") == Some(&Value::Bool(true)) {
                    true => (
                        OursLooser,
                        "only the vendor's has a body, and requires it; our client never sends one",
                    ),
                    false => (
                        OursStricter,
                        "only the vendor's has a body (optional); our client cannot send one",
                    ),
                };
                let place = place(self.operation, subject, (&self.ours_at, &at));
                sink.push(class, "body", place, why.into(), &refs(&self.notes));
                return Ok(());
            }
            (Some((o, o_at)), Some((v, v_at))) => (o, o_at, v, v_at),
        };
        let body_notes = notes(o, &o_at)?;
        if v.get("required") != Some(&Value::Bool(true)) {
            let why = "the vendor's body is optional; our client always sends one (progenitor sends every body it documents)";
            let place = place(self.operation, subject, (&o_at, &v_at));
            sink.push(
                OursStricter,
                "body-required",
                place,
                why.into(),
                &refs(&body_notes),
            );
        }
        let Some((media, o_media)) = first_media(o) else {
            return Ok(());
        };
        let content = v.get("content").and_then(Value::as_object);
        let taken: Vec<&str> = content
            .into_iter()
            .flatten()
            .map(|(m, _)| m.as_str())
            .collect();
        let Some(v_media) = content.and_then(|c| c.get(media)) else {
            let message = format!(
                "the vendor's body does not take `{media}` (it takes {}); our client sends what it may refuse",
                list(&taken)
            );
            let place = place(self.operation, subject, (&o_at, &v_at));
            sink.push(OursLooser, "media", place, message, &refs(&body_notes));
            return Ok(());
        };
        let others: Vec<&str> = taken.into_iter().filter(|m| *m != media).collect();
        if !others.is_empty() {
            let message = format!(
                "the vendor's body also takes {}; our client sends `{media}`",
                list(&others)
            );
            let at = (format!("{o_at}/content"), format!("{v_at}/content"));
            let place = place(self.operation, subject, (&at.0, &at.1));
            sink.push(
                DocumentationOnly,
                "media",
                place,
                message,
                &refs(&body_notes),
            );
        }
        let at = |b: &str| format!("{b}/content/{}/schema", escape(media));
        let schema = |m: &Value| m.get("schema").unwrap_or(&Value::Null).clone();
        let mut ours_shape = read(self.ours, &schema(o_media), &at(&o_at))?;
        ours_shape.notes.extend(body_notes);
        let vendor_shape = read(self.vendor, &schema(v_media), &at(&v_at))?;
        compare(
            &ours_shape,
            &vendor_shape,
            &self.cx(Side::Request, subject),
            sink,
        );
        Ok(())
    }

    fn answers(&self, sink: &mut Sink) -> Result<(), String> {
        let all = |doc: Doc<'a>, op_at: &str| -> Result<Vec<(String, &'a Value, String)>, String> {
            let at = format!("{op_at}/responses");
            let statuses = doc.value.pointer(&at).and_then(Value::as_object);
            let mut out = Vec::new();
            for (status, node) in statuses.into_iter().flatten() {
                let (node, at) = deref(doc, node, &format!("{at}/{}", escape(status)))?;
                out.push((status.clone(), node, at));
            }
            Ok(out)
        };
        let ours = all(self.ours, &self.ours_at)?;
        let vendor = all(self.vendor, &self.vendor_at)?;
        for (status, o, o_at) in &ours {
            let subject = format!("answer {status}");
            let notes = notes(o, o_at)?;
            let Some((_, v, v_at)) = vendor.iter().find(|(s, ..)| s == status) else {
                let why = "only ours documents it; the vendor's never sends it";
                let at = format!("{}/responses", self.vendor_at);
                let place = place(self.operation, &subject, (o_at, &at));
                sink.push(
                    DocumentationOnly,
                    "status",
                    place,
                    why.into(),
                    &refs(&notes),
                );
                continue;
            };
            let content = v.get("content").and_then(Value::as_object);
            let content = content.filter(|c| !c.is_empty());
            let (media, o_media, v_media) = match (first_media(o), content) {
                (None, None) => continue,
                (None, Some(_)) => {
                    let why = "only the vendor's has a body; our client does not read it";
                    let place = place(self.operation, &subject, (o_at, v_at));
                    sink.push(
                        DocumentationOnly,
                        "answer-body",
                        place,
                        why.into(),
                        &refs(&notes),
                    );
                    continue;
                }
                (Some((media, _)), None) => {
                    let message = format!(
                        "only ours has a body (`{media}`); our client fails on the vendor's answer without one"
                    );
                    let place = place(self.operation, &subject, (o_at, v_at));
                    sink.push(OursLooser, "answer-body", place, message, &refs(&notes));
                    continue;
                }
                (Some((media, o_media)), Some(content)) => match content.get(media) {
                    Some(v_media) => (media, o_media, v_media),
                    None => {
                        let sent: Vec<&str> = content.keys().map(String::as_str).collect();
                        let message = format!(
                            "the vendor's answer is not `{media}` (it is {}); our client fails to decode it",
                            list(&sent)
                        );
                        let place = place(self.operation, &subject, (o_at, v_at));
                        sink.push(OursLooser, "media", place, message, &refs(&notes));
                        continue;
                    }
                },
            };
            let at = |b: &str| format!("{b}/content/{}/schema", escape(media));
            let schema = |m: &Value| m.get("schema").unwrap_or(&Value::Null).clone();
            let mut ours_shape = read(self.ours, &schema(o_media), &at(o_at))?;
            ours_shape.notes.extend(notes);
            let vendor_shape = read(self.vendor, &schema(v_media), &at(v_at))?;
            // One subject for every answer: a component's difference is one line.
            compare(
                &ours_shape,
                &vendor_shape,
                &self.cx(Side::Answer, "answer"),
                sink,
            );
        }
        let missing = vendor
            .iter()
            .filter(|(s, ..)| !ours.iter().any(|(o, ..)| o == s));
        for (status, _, v_at) in missing {
            let (class, why) = match status.starts_with('2') {
                true => (
                    OursLooser,
                    "only the vendor's documents it; our client reports this success as an unexpected response",
                ),
                false => (
                    DocumentationOnly,
                    "only the vendor's documents it; the call fails either way, without its typed body",
                ),
            };
            let subject = format!("answer {status}");
            let at = format!("{}/responses", self.ours_at);
            let place = place(self.operation, &subject, (&at, v_at));
            sink.push(class, "status", place, why.into(), &refs(&self.notes));
        }
        Ok(())
    }
}

/// The media type our client uses for a body or an answer: JSON where there is one.
fn first_media(node: &Value) -> Option<(&str, &Value)> {
    let content = node.get("content").and_then(Value::as_object)?;
    let json = |m: &str| {
        let essence = m.split(';').next().unwrap_or_default().trim();
        essence == "application/json" || essence.ends_with("+json")
    };
    let chosen = content.iter().find(|(m, _)| json(m));
    chosen
        .or_else(|| content.iter().next())
        .map(|(m, v)| (m.as_str(), v))
}

fn list(items: &[&str]) -> String {
    match items {
        [] => "nothing".into(),
        _ => {
            let quoted: Vec<String> = items.iter().map(|m| format!("`{m}`")).collect();
            quoted.join(", ")
        }
    }
}
