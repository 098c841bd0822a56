//! A schema read as the set of values it takes: through `$ref`s, `allOf` (all hold),
//! `oneOf`/`anyOf` (one holds) and `nullable`, into one flat description two specs can be
//! compared on, each keyword with the JSON pointer it was read from.
//!
//! Django REST framework's idiom reads as it means: `oneOf: [StatusEnum, BlankEnum,
//! NullEnum]` (`enum: [""]`, `enum: [null]`) is the status values, plus `""`, plus `null`.
//! OpenAPI 3.0's `nullable: true` beside an `allOf` makes the whole nullable, as every tool
//! reads it (ours writes nullable references that way).

use crate::generator::read::spec::escape;
use crate::tasks::compare::model::Note;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A bound (`minimum`, `maxLength`...): its value, whether it is exclusive, where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
    pub at: String,
}

/// The bound keywords; the `min*` ones are lower bounds.
pub const BOUNDS: [&str; 6] = [
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
];

/// Integer formats and the ranges they give (typify's Rust integer types).
const INTEGER_FORMATS: [(&str, f64, f64); 8] = [
    ("int8", -128.0, 127.0),
    ("int16", -32768.0, 32767.0),
    ("int32", -2147483648.0, 2147483647.0),
    ("int64", -9223372036854775808.0, 9223372036854775807.0),
    ("uint8", 0.0, 255.0),
    ("uint16", 0.0, 65535.0),
    ("uint32", 0.0, 4294967295.0),
    ("uint64", 0.0, 18446744073709551615.0),
];

#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// Where the schema is used: a property, array items, a body, a parameter.
    pub site: String,
    /// JSON types, without `null`; empty: any.
    pub types: BTreeSet<&'static str>,
    /// Where `null` is allowed (`nullable`, a `NullEnum`), if it is.
    pub nullable: Option<String>,
    pub format: Option<(String, String)>,
    /// Enum values (never `null`), each with where it is listed; `None`: no enum.
    pub values: Option<Vec<(Value, String)>>,
    pub bounds: BTreeMap<&'static str, Bound>,
    pub pattern: Option<(String, String)>,
    pub items: Option<Box<Shape>>,
    pub properties: BTreeMap<String, Shape>,
    /// Where the properties are listed (the object's `properties`).
    pub properties_at: Option<String>,
    /// Required properties, each with where it is required.
    pub required: BTreeMap<String, String>,
    pub read_only: bool,
    pub write_only: bool,
    /// Ours: `x-crm-empty-string-is-null` (an answer's `""` decodes as no value).
    pub empty_is_null: bool,
    /// Ours: `x-crm-number-or-string` (an answer's number decodes into the string).
    pub number_or_string: bool,
    pub notes: Vec<Note>,
    /// Only `null` (a `NullEnum`): adds nothing to a `oneOf` but `null`.
    null_only: bool,
}

/// A spec and its file's name, which every error names.
#[derive(Clone, Copy)]
pub struct Doc<'a> {
    pub file: &'a str,
    pub value: &'a Value,
}

/// Reads the schema `node` found at `at` in `doc`.
pub fn read(doc: Doc<'_>, node: &Value, at: &str) -> Result<Shape, String> {
    Reader {
        doc,
        stack: Vec::new(),
    }
    .node(node, at)
}

/// Follows a chain of `$ref`s (of anything: parameters, bodies, answers, schemas) to the
/// node it ends at, with its pointer.
pub fn deref<'a>(doc: Doc<'a>, node: &'a Value, at: &str) -> Result<(&'a Value, String), String> {
    let (mut node, mut at) = (node, at.to_string());
    for _ in 0..64 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return Ok((node, at));
        };
        let target = local(doc, reference, &at)?;
        let from = std::mem::replace(&mut at, target);
        node = doc
            .value
            .pointer(&at)
            .ok_or_else(|| nothing(doc, reference, &from))?;
    }
    Err(format!("{}: the `$ref`s at {at} form a loop", doc.file))
}

fn local(doc: Doc<'_>, reference: &str, at: &str) -> Result<String, String> {
    reference.strip_prefix('#').map(str::to_string).ok_or_else(|| {
        format!(
            "{}: `$ref: {reference}` (at {at}) is outside the file; only `#/...` references are read",
            doc.file
        )
    })
}

fn nothing(doc: Doc<'_>, reference: &str, at: &str) -> String {
    format!(
        "{}: `$ref: {reference}` (at {at}) points to nothing",
        doc.file
    )
}

struct Reader<'a> {
    doc: Doc<'a>,
    /// The `$ref`s being read: a schema that contains itself is read once.
    stack: Vec<String>,
}

impl Reader<'_> {
    fn node(&mut self, node: &Value, at: &str) -> Result<Shape, String> {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let target_at = local(self.doc, reference, at)?;
            let target = (self.doc.value.pointer(&target_at))
                .ok_or_else(|| nothing(self.doc, reference, at))?;
            if self.stack.contains(&target_at) || self.stack.len() > 64 {
                return Ok(Shape::any(at));
            }
            self.stack.push(target_at.clone());
            let shape = self.node(target, &target_at);
            self.stack.pop();
            let mut shape = shape?;
            shape.site = at.to_string();
            return Ok(shape);
        }
        let mut shape = self.own(node, at)?;
        if let Some(members) = self.members(node, at, "allOf")? {
            let whole = members.into_iter().reduce(|a, b| intersect(a, b, false));
            if let Some(whole) = whole {
                shape = intersect(shape, whole, true);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = self.members(node, at, key)? {
                shape = intersect(shape, union(members, at), true);
            }
        }
        Ok(shape.finish())
    }

    fn members(&mut self, node: &Value, at: &str, key: &str) -> Result<Option<Vec<Shape>>, String> {
        let Some(list) = node.get(key).and_then(Value::as_array) else {
            return Ok(None);
        };
        let shapes = list
            .iter()
            .enumerate()
            .map(|(i, m)| self.node(m, &format!("{at}/{key}/{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((!shapes.is_empty()).then_some(shapes))
    }

    /// The keywords written on the node itself.
    fn own(&mut self, node: &Value, at: &str) -> Result<Shape, String> {
        let mut s = Shape::any(at);
        let Some(map) = node.as_object() else {
            return Ok(s);
        };
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for t in types {
            match json_type(t) {
                Some(t) => {
                    s.types.insert(t);
                }
                None if t == "null" => s.nullable = Some(format!("{at}/type")),
                None => {}
            }
        }
        if map.get("nullable") == Some(&Value::Bool(true)) {
            s.nullable = Some(format!("{at}/nullable"));
        }
        if let Some(format) = map.get("format").and_then(Value::as_str) {
            s.format = Some((format.to_string(), format!("{at}/format")));
        }
        if let Some(list) = map.get("enum").and_then(Value::as_array) {
            let enum_at = format!("{at}/enum");
            if list.iter().any(Value::is_null) {
                s.nullable = Some(enum_at.clone());
            }
            let values: Vec<(Value, String)> = list
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| (v.clone(), enum_at.clone()))
                .collect();
            s.null_only = values.is_empty() && s.types.is_empty();
            s.values = Some(values);
        }
        for key in BOUNDS {
            if let Some(value) = map.get(key).and_then(Value::as_f64) {
                let at = format!("{at}/{key}");
                s.bounds.insert(
                    key,
                    Bound {
                        value,
                        exclusive: false,
                        at,
                    },
                );
            }
        }
        // 3.0 writes `exclusiveMinimum: true` beside `minimum`; 3.1 the bound itself.
        for (exclusive, key) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            match map.get(exclusive) {
                Some(Value::Bool(true)) => {
                    if let Some(b) = s.bounds.get_mut(key) {
                        b.exclusive = true;
                    }
                }
                Some(Value::Number(n)) => {
                    let at = format!("{at}/{exclusive}");
                    let value = n.as_f64().unwrap_or_default();
                    s.bounds.insert(
                        key,
                        Bound {
                            value,
                            exclusive: true,
                            at,
                        },
                    );
                }
                _ => {}
            }
        }
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            s.pattern = Some((pattern.to_string(), format!("{at}/pattern")));
        }
        if let Some(items) = map.get("items").filter(|i| i.is_object()) {
            s.items = Some(Box::new(self.node(items, &format!("{at}/items"))?));
        }
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            s.properties_at = Some(format!("{at}/properties"));
            for (name, prop) in props {
                let prop_at = format!("{at}/properties/{}", escape(name));
                s.properties
                    .insert(name.clone(), self.node(prop, &prop_at)?);
            }
        }
        for (i, name) in map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(name) = name.as_str() {
                s.required
                    .insert(name.to_string(), format!("{at}/required/{i}"));
            }
        }
        let flag = |key: &str| map.get(key) == Some(&Value::Bool(true));
        s.read_only = flag("readOnly");
        s.write_only = flag("writeOnly");
        s.empty_is_null = flag("x-crm-empty-string-is-null");
        s.number_or_string = flag("x-crm-number-or-string");
        if let Some(note) = map.get("x-vendor-difference") {
            s.notes
                .push(note_of(note, at).map_err(|e| format!("{}: {e}", self.doc.file))?);
        }
        Ok(s)
    }
}

/// `x-vendor-difference: {kind: why, ...}` at `at`.
pub fn note_of(node: &Value, at: &str) -> Result<Note, String> {
    let wrong = || {
        format!(
            "{at}/x-vendor-difference: must map each kind of difference it explains to why (`{{enum: \"why ours differs\"}}`)"
        )
    };
    let map = node
        .as_object()
        .filter(|m| !m.is_empty())
        .ok_or_else(wrong)?;
    let mut kinds = BTreeMap::new();
    for (kind, why) in map {
        let why = why
            .as_str()
            .filter(|w| !w.trim().is_empty())
            .ok_or_else(wrong)?;
        kinds.insert(
            kind.clone(),
            why.split_whitespace().collect::<Vec<_>>().join(" "),
        );
    }
    Ok(Note {
        at: format!("{at}/x-vendor-difference"),
        kinds,
    })
}

fn json_type(t: &str) -> Option<&'static str> {
    ["string", "integer", "number", "boolean", "array", "object"]
        .into_iter()
        .find(|known| *known == t)
}

impl Shape {
    fn any(at: &str) -> Shape {
        Shape {
            site: at.to_string(),
            ..Shape::default()
        }
    }

    /// What the keywords imply: an enum's types from its values, an integer format's range,
    /// an exclusive integer bound as the inclusive one.
    fn finish(mut self) -> Shape {
        if self.types.is_empty()
            && let Some(values) = &self.values
        {
            self.types = values.iter().filter_map(|(v, _)| value_type(v)).collect();
        }
        let integer = self.types.len() == 1 && self.types.contains("integer");
        let range = (self.format.as_ref())
            .and_then(|(format, at)| Some((INTEGER_FORMATS.iter().find(|f| f.0 == format)?, at)));
        if let Some(((_, lo, hi), at)) = range.filter(|_| integer) {
            for (key, value) in [("minimum", *lo), ("maximum", *hi)] {
                let at = at.clone();
                let bound = Bound {
                    value,
                    exclusive: false,
                    at,
                };
                tighten(&mut self.bounds, key, bound);
            }
        }
        if integer {
            for (key, step) in [("minimum", 1.0), ("maximum", -1.0)] {
                if let Some(b) = self.bounds.get_mut(key).filter(|b| b.exclusive) {
                    b.value += step;
                    b.exclusive = false;
                }
            }
        }
        self
    }

    /// The enum values, as displayed: `"a"`, `0`.
    pub fn listed(&self) -> Vec<&Value> {
        self.values.iter().flatten().map(|(v, _)| v).collect()
    }
}

pub fn value_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(_) => Some("string"),
        Value::Number(n) if n.is_f64() => Some("number"),
        Value::Number(_) => Some("integer"),
        Value::Bool(_) => Some("boolean"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
        Value::Null => None,
    }
}

/// Whether bound `a` (of keyword `key`) is tighter than `b`.
pub fn tighter(key: &str, a: &Bound, b: &Bound) -> bool {
    let lower = key.starts_with("min");
    if a.value == b.value {
        return a.exclusive && !b.exclusive;
    }
    (a.value > b.value) == lower
}

fn tighten(bounds: &mut BTreeMap<&'static str, Bound>, key: &'static str, bound: Bound) {
    match bounds.get(key) {
        Some(old) if !tighter(key, &bound, old) => {}
        _ => {
            bounds.insert(key, bound);
        }
    }
}

/// All of `a` and `b` hold (`allOf`, or a node's own keywords and its composition). With
/// `own_nullable`, `a` is the node itself and its `nullable: true` makes the whole nullable.
fn intersect(mut a: Shape, b: Shape, own_nullable: bool) -> Shape {
    a.types = match (a.types.is_empty(), b.types.is_empty()) {
        (true, _) => b.types,
        (_, true) => a.types,
        _ => {
            let mut both: BTreeSet<_> = a.types.intersection(&b.types).copied().collect();
            // An integer is a number.
            if a.types.contains("integer") && b.types.contains("number")
                || b.types.contains("integer") && a.types.contains("number")
            {
                both.insert("integer");
            }
            if both.is_empty() { a.types } else { both }
        }
    };
    a.nullable = match own_nullable {
        true => a.nullable.or(b.nullable),
        false => a.nullable.and(b.nullable),
    };
    a.format = a.format.or(b.format);
    a.values = match (a.values, b.values) {
        (Some(x), Some(y)) => Some(
            x.into_iter()
                .filter(|(v, _)| y.iter().any(|(w, _)| v == w))
                .collect(),
        ),
        (x, y) => x.or(y),
    };
    for (key, bound) in b.bounds {
        tighten(&mut a.bounds, key, bound);
    }
    a.pattern = a.pattern.or(b.pattern);
    a.items = match (a.items, b.items) {
        (Some(x), Some(y)) => Some(Box::new(intersect(*x, *y, false))),
        (x, y) => x.or(y),
    };
    for (name, prop) in b.properties {
        let merged = match a.properties.remove(&name) {
            Some(mine) => intersect(mine, prop, false),
            None => prop,
        };
        a.properties.insert(name, merged);
    }
    a.properties_at = a.properties_at.or(b.properties_at);
    for (name, at) in b.required {
        a.required.entry(name).or_insert(at);
    }
    a.read_only |= b.read_only;
    a.write_only |= b.write_only;
    a.empty_is_null |= b.empty_is_null;
    a.number_or_string |= b.number_or_string;
    a.notes.extend(b.notes);
    a.null_only = a.null_only && b.null_only;
    a
}

/// One of `members` holds (`oneOf`, `anyOf`): a `NullEnum` adds `null`, a `BlankEnum` adds
/// `""`, and a keyword holds only where every member has it.
fn union(members: Vec<Shape>, at: &str) -> Shape {
    let mut out = Shape::any(at);
    out.nullable = members.iter().find_map(|m| m.nullable.clone());
    let (nulls, values): (Vec<Shape>, Vec<Shape>) = members.into_iter().partition(|m| m.null_only);
    for m in &nulls {
        out.notes.extend(m.notes.iter().cloned());
    }
    if values.is_empty() {
        out.null_only = true;
        return out;
    }
    if values.iter().all(|m| !m.types.is_empty()) {
        out.types = values
            .iter()
            .flat_map(|m| m.types.iter().copied())
            .collect();
    }
    if values.iter().all(|m| m.values.is_some()) {
        let mut all: Vec<(Value, String)> = Vec::new();
        for (v, at) in values.iter().flat_map(|m| m.values.iter().flatten()) {
            if !all.iter().any(|(w, _)| w == v) {
                all.push((v.clone(), at.clone()));
            }
        }
        out.values = Some(all);
    }
    let first = &values[0];
    if values
        .iter()
        .all(|m| m.format.as_ref().map(|f| &f.0) == first.format.as_ref().map(|f| &f.0))
    {
        out.format.clone_from(&first.format);
    }
    if values
        .iter()
        .all(|m| m.pattern.as_ref().map(|p| &p.0) == first.pattern.as_ref().map(|p| &p.0))
    {
        out.pattern.clone_from(&first.pattern);
    }
    for key in BOUNDS {
        // The loosest bound, where every member has one.
        let bounds: Option<Vec<&Bound>> = values.iter().map(|m| m.bounds.get(key)).collect();
        if let Some(loosest) = bounds.and_then(|b| {
            b.into_iter()
                .reduce(|x, y| if tighter(key, x, y) { y } else { x })
        }) {
            out.bounds.insert(key, loosest.clone());
        }
    }
    let objects: Vec<&Shape> = values
        .iter()
        .filter(|m| m.properties_at.is_some())
        .collect();
    if let Some(first) = objects.first() {
        out.properties_at.clone_from(&first.properties_at);
        out.required = first
            .required
            .iter()
            .filter(|(name, _)| objects.iter().all(|m| m.required.contains_key(*name)))
            .map(|(n, at)| (n.clone(), at.clone()))
            .collect();
    }
    out.read_only = values.iter().all(|m| m.read_only);
    out.write_only = values.iter().all(|m| m.write_only);
    out.empty_is_null = values.iter().any(|m| m.empty_is_null);
    out.number_or_string = values.iter().any(|m| m.number_or_string);
    for m in values {
        out.notes.extend(m.notes);
        for (name, prop) in m.properties {
            let merged = match out.properties.remove(&name) {
                Some(mine) => union(vec![mine, prop], &at_of(&name, &out)),
                None => prop,
            };
            out.properties.insert(name, merged);
        }
        if let Some(items) = m.items {
            out.items = Some(Box::new(match out.items.take() {
                Some(mine) => union(vec![*mine, *items], &format!("{at}/items")),
                None => *items,
            }));
        }
    }
    out
}

fn at_of(name: &str, shape: &Shape) -> String {
    let base = shape.properties_at.as_deref().unwrap_or(&shape.site);
    format!("{base}/{}", escape(name))
}
