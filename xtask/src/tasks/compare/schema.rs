//! Two schemas of one place (a body, a field, a parameter) compared keyword by keyword, each
//! difference classified by the side it is on:
//!
//! - in a request, ours narrower refuses what the vendor takes (ours stricter), ours wider
//!   sends what it may refuse (ours looser);
//! - in an answer, ours narrower fails to decode what the vendor may send (ours looser), ours
//!   wider costs nothing (documentation only).
//!
//! Where the generated client decodes leniently, an answer's difference costs nothing and the
//! line says why: every generated enum keeps an unlisted value in its `Unknown` variant
//! (`crates/runtime/src/unknown.rs`); an optional field that is not an array is an `Option`,
//! which takes `null`; `x-crm-empty-string-is-null` and `x-crm-number-or-string` decode `""`
//! and numbers (`crates/runtime/src/lenient.rs`); unknown fields are ignored (no
//! `deny_unknown_fields`).

use crate::tasks::compare::model::{Class, Note, Place, Side, Sink};
use crate::tasks::compare::shape::{BOUNDS, Bound, Shape, tighter};
use serde_json::Value;
use std::collections::BTreeSet;

use Class::{DocumentationOnly as Doc, OursLooser as Looser, OursStricter as Stricter};

/// String formats the generated types decode strictly (typify's `DateTime`, `NaiveDate`,
/// `Uuid`, `IpAddr`...); any other format is a plain `String`.
const TYPED_FORMATS: [&str; 6] = ["date-time", "date", "uuid", "ip", "ipv4", "ipv6"];

/// Where the two schemas are, and how ours decodes there.
#[derive(Clone)]
pub struct Cx<'a> {
    pub side: Side,
    pub operation: &'a str,
    pub subject: String,
    /// In an answer, ours decodes `null` as no value here (an optional field that is an
    /// `Option`).
    pub null_decodes: bool,
    /// Our component schemas a request body reaches (their optional arrays take `null`).
    pub request_structs: &'a BTreeSet<String>,
}

/// Records the differences of one place, explained by the notes of ours found there.
struct Out<'s, 'c> {
    sink: &'s mut Sink,
    cx: &'c Cx<'c>,
    subject: &'c str,
    notes: Vec<&'c Note>,
}

impl Out<'_, '_> {
    fn push(&mut self, class: Class, kind: &'static str, at: (&str, &str), message: String) {
        let place = Place {
            operation: self.cx.operation,
            subject: self.subject,
            ours: at.0,
            vendor: at.1,
        };
        self.sink.push(class, kind, place, message, &self.notes);
    }
}

/// Compares `ours` with `vendor` and everything inside them.
pub fn compare(ours: &Shape, vendor: &Shape, cx: &Cx<'_>, sink: &mut Sink) {
    let mut out = Out {
        sink,
        cx,
        subject: &cx.subject,
        notes: ours.notes.iter().collect(),
    };
    let request = cx.side == Side::Request;
    nullable(ours, vendor, request, cx.null_decodes, &mut out);
    if !types(ours, vendor, request, &mut out) {
        return; // no value has both types: nothing below compares
    }
    format(ours, vendor, request, &mut out);
    values(ours, vendor, request, &mut out);
    bounds(ours, vendor, request, &mut out);
    pattern(ours, vendor, request, &mut out);
    let sink = out.sink;
    if let (Some(o), Some(v)) = (&ours.items, &vendor.items) {
        let item = Cx {
            subject: format!("{}[]", cx.subject),
            null_decodes: false,
            ..cx.clone()
        };
        compare(o, v, &item, sink);
    }
    fields(ours, vendor, cx, sink);
}

fn nullable(ours: &Shape, vendor: &Shape, request: bool, decodes: bool, out: &mut Out<'_, '_>) {
    let (at, class, why) = match (&ours.nullable, &vendor.nullable, request) {
        (Some(at), None, true) => (
            (at, &vendor.site),
            Looser,
            "ours is nullable, the vendor's is not; our client may send null, which the vendor refuses",
        ),
        (Some(at), None, false) => (
            (at, &vendor.site),
            Doc,
            "ours is nullable, the vendor's is not; the vendor never sends null",
        ),
        (None, Some(at), true) => (
            (&ours.site, at),
            Stricter,
            "the vendor's is nullable, ours is not; our client cannot send null",
        ),
        (None, Some(at), false) if decodes => (
            (&ours.site, at),
            Doc,
            "the vendor's is nullable, ours is not; our client decodes null as no value (an optional field is an `Option`)",
        ),
        (None, Some(at), false) => (
            (&ours.site, at),
            Looser,
            "the vendor's is nullable, ours is not; our client fails to decode the null the vendor may send",
        ),
        _ => return,
    };
    out.push(class, "nullable", (at.0, at.1), why.into());
}

/// Compares the JSON types; false when no value has both (nothing else compares then).
fn types(ours: &Shape, vendor: &Shape, request: bool, out: &mut Out<'_, '_>) -> bool {
    let mut o = ours.types.clone();
    if !request && ours.number_or_string && o.contains("string") {
        o.extend(["integer", "number"]);
    }
    let v = &vendor.types;
    let at = (ours.site.as_str(), vendor.site.as_str());
    let (ours_only, vendor_only) = (beyond(&o, v), beyond(v, &o));
    let described = format!("ours is {}, the vendor's is {}", words(&o), words(v));
    let (class, why) = match (o.is_empty(), v.is_empty(), request) {
        (true, true, _) => return true,
        (false, true, true) => (Stricter, "our client cannot send another type".to_string()),
        (false, true, false) => (Looser, "our client fails to decode another type".into()),
        (true, false, true) => (Looser, "our client may send another type".into()),
        (true, false, false) => (Doc, "our client decodes any type".into()),
        _ if !ours_only.is_empty() && request => (
            Looser,
            format!(
                "our client may send {}, which the vendor refuses",
                a(&ours_only)
            ),
        ),
        _ if !vendor_only.is_empty() && request => (
            Stricter,
            format!("our client cannot send {}", a(&vendor_only)),
        ),
        _ if !vendor_only.is_empty() => (
            Looser,
            format!(
                "our client fails to decode {} the vendor may send",
                a(&vendor_only)
            ),
        ),
        _ if !ours_only.is_empty() => (Doc, format!("the vendor never sends {}", a(&ours_only))),
        _ => return true,
    };
    out.push(class, "type", at, format!("{described}; {why}"));
    o.is_empty() || v.is_empty() || ours_only.len() < o.len() || vendor_only.len() < v.len()
}

fn format(ours: &Shape, vendor: &Shape, request: bool, out: &mut Out<'_, '_>) {
    let (o, v) = (ours.format.as_ref(), vendor.format.as_ref());
    // Equal, or an integer's: an integer format is a range, compared with the bounds.
    let integer = ours.types.contains("integer") || vendor.types.contains("integer");
    if o.map(|f| &f.0) == v.map(|f| &f.0) || integer {
        return;
    }
    let at = |f: Option<&(String, String)>, s: &Shape| f.map_or(s.site.clone(), |f| f.1.clone());
    let name = |f: Option<&(String, String)>| f.map_or("none".into(), |f| format!("`{}`", f.0));
    let typed = |f: Option<&(String, String)>| f.is_some_and(|f| TYPED_FORMATS.contains(&&*f.0));
    let (class, why) = match (typed(o), typed(v), request) {
        (true, true, _) => (Looser, "each takes strings the other refuses"),
        (true, false, true) => (
            Stricter,
            "our client sends only that format, the vendor takes other strings",
        ),
        (true, false, false) => (
            Looser,
            "our client fails to decode a string of another form",
        ),
        (false, true, true) => (Looser, "our client may send a string the vendor refuses"),
        (false, true, false) => (Doc, "our client decodes any string"),
        (false, false, _) => (Doc, "neither is checked (a plain string)"),
    };
    let message = format!("ours {}, the vendor's {}; {why}", name(o), name(v));
    let (ours_at, vendor_at) = (at(o, ours), at(v, vendor));
    out.push(class, "format", (&ours_at, &vendor_at), message);
}

fn values(ours: &Shape, vendor: &Shape, request: bool, out: &mut Out<'_, '_>) {
    let first = |s: &Shape| {
        let listed = s.values.iter().flatten().next();
        listed.map_or(s.site.clone(), |(_, at)| at.clone())
    };
    let (ours_at, vendor_at) = (first(ours), first(vendor));
    let (o, v) = match (&ours.values, &vendor.values) {
        (None, None) => return,
        (Some(_), None) => {
            let (class, why) = match request {
                true => (Stricter, "our client cannot send another value"),
                false => (
                    Doc,
                    "our client decodes another into the enum's `Unknown` variant",
                ),
            };
            let message = format!("ours lists {}, the vendor's any value; {why}", shown(ours));
            return out.push(class, "enum", (&ours_at, &vendor.site), message);
        }
        (None, Some(_)) => {
            let (class, why) = match request {
                true => (
                    Looser,
                    "our client may send another, which the vendor refuses",
                ),
                false => (Doc, "our client decodes any value"),
            };
            let message = format!(
                "the vendor's lists {}, ours any value; {why}",
                shown(vendor)
            );
            return out.push(class, "enum", (&ours.site, &vendor_at), message);
        }
        (Some(o), Some(v)) => (o, v),
    };
    let beyond = |a: &[(Value, String)], b: &[(Value, String)]| -> Vec<(Value, String)> {
        let missing = |(x, _): &&(Value, String)| !b.iter().any(|(y, _)| x == y);
        a.iter().filter(missing).cloned().collect()
    };
    let list = |vs: &[(Value, String)]| {
        let shown: Vec<String> = vs.iter().map(|(v, _)| v.to_string()).collect();
        shown.join(", ")
    };
    // In an answer, `""` is no value where ours says so; any other unlisted value is an
    // `Unknown` variant.
    let (blank, vendor_only): (Vec<_>, Vec<_>) = beyond(v, o)
        .into_iter()
        .partition(|(v, _)| v == "" && ours.empty_is_null && !request);
    if let Some((_, at)) = blank.first() {
        let why = "our client decodes it as no value (`x-crm-empty-string-is-null`)";
        out.push(
            Doc,
            "enum",
            (&ours_at, at),
            format!("the vendor also lists \"\"; {why}"),
        );
    }
    if let Some((_, at)) = vendor_only.first() {
        let (class, why) = match request {
            true => (Stricter, "our client cannot send it"),
            false => (
                Doc,
                "our client decodes it into the enum's `Unknown` variant",
            ),
        };
        let message = format!("the vendor also lists {}; {why}", list(&vendor_only));
        out.push(class, "enum", (&ours_at, at), message);
    }
    let ours_only = beyond(o, v);
    if let Some((_, at)) = ours_only.first() {
        let (class, why) = match request {
            true => (Looser, "our client may send it, which the vendor refuses"),
            false => (Doc, "the vendor never sends it"),
        };
        let message = format!("ours also lists {}; {why}", list(&ours_only));
        out.push(class, "enum", (at, &vendor_at), message);
    }
}

fn shown(shape: &Shape) -> String {
    let values: Vec<String> = shape.listed().iter().map(|v| v.to_string()).collect();
    values.join(", ")
}

fn bounds(ours: &Shape, vendor: &Shape, request: bool, out: &mut Out<'_, '_>) {
    for key in BOUNDS {
        let (o, v) = (ours.bounds.get(key), vendor.bounds.get(key));
        let ours_tighter = match (o, v) {
            (Some(a), Some(b)) if tighter(key, a, b) => true,
            (Some(a), Some(b)) if tighter(key, b, a) => false,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            _ => continue,
        };
        let (class, why) = match (ours_tighter, request) {
            (true, true) => (Stricter, "our client refuses values the vendor takes"),
            (false, true) => (Looser, "our client may send values the vendor refuses"),
            (true, false) => (
                Looser,
                "our client fails to decode values the vendor may send",
            ),
            (false, false) => (Doc, "our client decodes every value the vendor sends"),
        };
        let ours_at = o.map_or(ours.site.clone(), |b| b.at.clone());
        let vendor_at = v.map_or(vendor.site.clone(), |b| b.at.clone());
        let message = format!("ours {}, the vendor's {}; {why}", bound(o), bound(v));
        out.push(class, key, (&ours_at, &vendor_at), message);
    }
}

fn bound(b: Option<&Bound>) -> String {
    let Some(b) = b else {
        return "none".into();
    };
    let exclusive = if b.exclusive { " (exclusive)" } else { "" };
    let from_format = if b.at.ends_with("/format") {
        " (its format)"
    } else {
        ""
    };
    // Bounds are read as f64; a whole one is shown without `.0`.
    let value = match b.value.fract() == 0.0 && b.value.abs() < 1e19 {
        true => format!("{}", b.value as i128),
        false => b.value.to_string(),
    };
    format!("{value}{exclusive}{from_format}")
}

fn pattern(ours: &Shape, vendor: &Shape, request: bool, out: &mut Out<'_, '_>) {
    let (o, v) = (ours.pattern.as_ref(), vendor.pattern.as_ref());
    if o.map(|p| &p.0) == v.map(|p| &p.0) {
        return;
    }
    let (class, why) = match (o.is_some(), v.is_some(), request) {
        (true, true, true) => (
            Looser,
            "our client may send strings the vendor refuses (and refuses some it takes)",
        ),
        (true, true, false) => (
            Looser,
            "our client may fail to decode strings the vendor sends",
        ),
        (true, false, true) => (Stricter, "our client refuses strings the vendor takes"),
        (true, false, false) => (
            Looser,
            "our client fails to decode strings the vendor may send",
        ),
        (false, _, true) => (Looser, "our client may send strings the vendor refuses"),
        (false, _, false) => (Doc, "our client decodes any string"),
    };
    let at = |p: Option<&(String, String)>, s: &Shape| p.map_or(s.site.clone(), |p| p.1.clone());
    let name = |p: Option<&(String, String)>| p.map_or("none".into(), |p| format!("`{}`", p.0));
    let message = format!("ours {}, the vendor's {}; {why}", name(o), name(v));
    let (ours_at, vendor_at) = (at(o, ours), at(v, vendor));
    out.push(class, "pattern", (&ours_at, &vendor_at), message);
}

/// The fields of two objects: the ones on one side only, `required`, and each field's schema.
/// A request never holds a `readOnly` field, an answer never a `writeOnly` one.
fn fields(ours: &Shape, vendor: &Shape, cx: &Cx<'_>, sink: &mut Sink) {
    let (Some(ours_at), Some(vendor_at)) = (&ours.properties_at, &vendor.properties_at) else {
        return;
    };
    let request = cx.side == Side::Request;
    let shown = |s: &&Shape| if request { !s.read_only } else { !s.write_only };
    let names: BTreeSet<&String> = (ours.properties.iter().chain(&vendor.properties))
        .filter(|(_, s)| shown(s))
        .map(|(n, _)| n)
        .collect();
    for name in names {
        let o = ours.properties.get(name).filter(shown);
        let v = vendor.properties.get(name).filter(shown);
        let subject = format!("{} .{name}", cx.subject);
        let (ours_required, vendor_required) = (ours.required.get(name), vendor.required.get(name));
        let mut out = Out {
            sink: &mut *sink,
            cx,
            subject: &subject,
            notes: o.iter().flat_map(|s| &s.notes).chain(&ours.notes).collect(),
        };
        let (kind, at, class, why) = match (o, v) {
            (None, None) => continue,
            (None, Some(v)) => {
                let (class, why) = match (request, vendor_required.is_some()) {
                    (true, true) => (
                        Looser,
                        "only the vendor's has it, and requires it; our client never sends it",
                    ),
                    (true, false) => (
                        Stricter,
                        "only the vendor's has it (optional); our client cannot send it",
                    ),
                    (false, _) => (
                        Doc,
                        "only the vendor's has it; our client ignores it in an answer",
                    ),
                };
                ("field", (ours_at, &v.site), class, why)
            }
            (Some(o), None) => {
                let (class, why) = match (request, ours_required.is_some()) {
                    (true, _) => (
                        Looser,
                        "only ours has it; our client may send a field the vendor does not take",
                    ),
                    (false, true) => (
                        Looser,
                        "only ours has it, and requires it; our client fails to decode an answer without it",
                    ),
                    (false, false) => (
                        Doc,
                        "only ours has it (optional); the vendor never sends it",
                    ),
                };
                ("field", (&o.site, vendor_at), class, why)
            }
            (Some(o), Some(v)) => {
                let at = (
                    ours_required.unwrap_or(&o.site),
                    vendor_required.unwrap_or(&v.site),
                );
                let differs = match (request, ours_required.is_some(), vendor_required.is_some()) {
                    (true, true, false) => Some((
                        Stricter,
                        "ours requires it, the vendor's does not; our client cannot leave it out",
                    )),
                    (true, false, true) => Some((
                        Looser,
                        "the vendor's requires it, ours does not; our client may leave out what the vendor requires",
                    )),
                    (false, true, false) => Some((
                        Looser,
                        "ours requires it, the vendor's does not; our client fails to decode an answer without it",
                    )),
                    (false, false, true) => Some((
                        Doc,
                        "the vendor's requires it, ours does not; the vendor always sends it",
                    )),
                    _ => None,
                };
                if let Some((class, why)) = differs {
                    out.push(class, "required", (at.0, at.1), why.into());
                }
                let field = Cx {
                    subject: subject.clone(),
                    null_decodes: ours_required.is_none()
                        && decodes_null_when_optional(o, cx.request_structs),
                    ..cx.clone()
                };
                compare(o, v, &field, sink);
                continue;
            }
        };
        out.push(class, kind, (at.0, at.1), why.into());
    }
}

/// An optional field of an answer is an `Option<T>` (it takes `null`), but an optional array
/// is a `Vec<T>` left empty when missing, which refuses `null`, unless its struct is also a
/// request body's (`passes/nullable.rs` makes it `Option<Vec<T>>` there).
fn decodes_null_when_optional(field: &Shape, request_structs: &BTreeSet<String>) -> bool {
    if !field.types.contains("array") {
        return true;
    }
    let owner = (field.site.strip_prefix("/components/schemas/"))
        .and_then(|rest| rest.split_once("/properties/"))
        .filter(|(_, prop)| !prop.contains('/'))
        .map(|(owner, _)| owner.replace("~1", "/").replace("~0", "~"));
    owner.is_some_and(|owner| request_structs.contains(&owner))
}

/// Types of `a` that `b` does not take (an integer is a number).
fn beyond(a: &BTreeSet<&'static str>, b: &BTreeSet<&'static str>) -> BTreeSet<&'static str> {
    let taken = |t: &str| b.contains(t) || t == "integer" && b.contains("number");
    a.iter().filter(|t| !taken(t)).copied().collect()
}

/// `a value of type integer or string`.
fn a(types: &BTreeSet<&'static str>) -> String {
    format!("a value of type {}", words(types))
}

fn words(types: &BTreeSet<&'static str>) -> String {
    match types.is_empty() {
        true => "any type".into(),
        false => types.iter().copied().collect::<Vec<_>>().join(" or "),
    }
}
