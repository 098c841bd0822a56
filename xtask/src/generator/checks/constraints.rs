//! No constraint of a spec is dropped in silence. Every constraint keyword on every schema is
//! either enforced by the generated code or refused here, with the file, the schema's JSON
//! pointer and the keyword.
//!
//! How each is enforced:
//! - `minLength`, `maxLength`, `pattern` on a string: typify's validated newtype (inline ones
//!   too), whose messages `messages.rs` rewords.
//! - `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf` on an integer:
//!   the integer type typify picks when its range is exactly the schema's (`u64` for
//!   `minimum: 0`, `NonZeroU64` for `minimum: 1`, `i32` for the int32 range); any other range
//!   becomes a validated newtype made here ([`RangeType`]). An inline schema with such a range
//!   is first moved to `components/schemas` under the name typify would give it
//!   ([`move_ranges_to_components`]).
//! - the same keywords on a `type: number`: a validated newtype over `f64` made here (typify
//!   makes a plain `f64`), with exclusive bounds kept exclusive; moved to the components like
//!   the integers.
//! - `format`: the integer widths, `float`/`double`, `date` and `date-time` (chrono), `uuid`
//!   (the uuid crate), `ip`, `ipv4`, `ipv6` (std) are types; `email` is enforced by the
//!   schema's `pattern`, which it must have.
//! - on an `enum`: the values must keep the constraints (checked here), and an undocumented
//!   integer from the server must be inside the range (checked when decoding).
//!
//! Refused: `minItems`/`maxItems`/`uniqueItems`, `minProperties`/`maxProperties`, string
//! rules beside a `format` typify turns into a type (it drops them), `format: email` without
//! a `pattern`, and formats nothing here checks (`uri`, `hostname`, ...).

use crate::generator::errors::Violation;
use crate::generator::read::spec::{Site, escape, sites};
use serde_json::Value;

/// The keywords this module answers for.
pub const KEYWORDS: [&str; 12] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "format",
];

/// A named number schema with a range no Rust type expresses: generated as a validated
/// newtype (over `i64` for an integer, `f64` for a number).
#[derive(Debug, Clone, PartialEq)]
pub struct RangeType {
    pub name: String,
    pub description: String,
    pub bounds: Bounds,
}

/// The range of a [`RangeType`].
#[derive(Debug, Clone, PartialEq)]
pub enum Bounds {
    /// Whole numbers, exclusive bounds already applied (`> 0` is `>= 1`).
    Integer {
        min: Option<i128>,
        max: Option<i128>,
        multiple_of: Option<i128>,
    },
    /// Numbers: each bound with whether it is exclusive.
    Number {
        min: Option<(f64, bool)>,
        max: Option<(f64, bool)>,
        multiple_of: Option<f64>,
    },
}

/// The range keywords of a number schema.
const RANGE_KEYWORDS: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

/// The range of a `type: number` schema, or why it cannot be read.
fn number_range(schema: &Value) -> Result<Bounds, String> {
    let bound = |key: &str, flag: &str| -> Result<Option<(f64, bool)>, String> {
        match schema.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64().filter(|n| n.is_finite()) {
                Some(n) => Ok(Some((
                    n,
                    schema.get(flag).and_then(Value::as_bool).unwrap_or(false),
                ))),
                None => Err(format!("`{key}: {v}` is not a number")),
            },
        }
    };
    let multiple_of = match schema.get("multipleOf") {
        None => None,
        Some(v) => match v.as_f64().filter(|m| m.is_finite() && *m > 0.0) {
            Some(m) => Some(m),
            None => return Err(format!("`multipleOf: {v}` must be a number above 0")),
        },
    };
    Ok(Bounds::Number {
        min: bound("minimum", "exclusiveMinimum")?,
        max: bound("maximum", "exclusiveMaximum")?,
        multiple_of,
    })
}

/// Whether a `type: number` schema has a range to enforce.
fn has_number_range(schema: &Value) -> bool {
    RANGE_KEYWORDS.iter().any(|k| schema.get(*k).is_some())
}

/// The integer range of a schema: `(min, max, multipleOf)` after applying OpenAPI 3.0's
/// boolean `exclusiveMinimum`/`exclusiveMaximum` and the bounds its `format` implies. `None`
/// means unbounded; an error names a keyword whose value is not a whole number.
/// `(minimum, maximum, multipleOf)`, each `None` when unbounded.
type Range = (Option<i128>, Option<i128>, Option<i128>);

fn integer_range(schema: &Value) -> Result<Range, String> {
    let whole = |key: &str| -> Result<Option<i128>, String> {
        match schema.get(key) {
            None => Ok(None),
            Some(v) => match (v.as_i64(), v.as_u64()) {
                (Some(n), _) => Ok(Some(n.into())),
                (_, Some(n)) => Ok(Some(n.into())),
                _ => Err(format!("`{key}: {v}` is not a whole number")),
            },
        }
    };
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool).unwrap_or(false);
    let mut min = whole("minimum")?.map(|m| if flag("exclusiveMinimum") { m + 1 } else { m });
    let mut max = whole("maximum")?.map(|m| if flag("exclusiveMaximum") { m - 1 } else { m });
    if let Some((fmin, fmax)) = schema
        .get("format")
        .and_then(Value::as_str)
        .and_then(format_range)
    {
        min = Some(min.map_or(fmin, |m| m.max(fmin)));
        max = Some(max.map_or(fmax, |m| m.min(fmax)));
    }
    let multiple = whole("multipleOf")?;
    if multiple == Some(0) {
        return Err("`multipleOf: 0` is not a valid multiple".into());
    }
    Ok((min, max, multiple))
}

/// The range an integer `format` implies.
fn format_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "int" | "int32" => (i32::MIN.into(), i32::MAX.into()),
        "uint" | "uint32" => (0, u32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The Rust integer type typify 0.8 generates for an integer schema, with its range
/// (typify-impl's `convert_integer`, restated: formats first, then an exact range match,
/// `NonZero*` for `minimum: 1`, else `i64`).
pub fn typify_integer(schema: &Value) -> (&'static str, i128, i128) {
    const TYPES: [(&str, &str, &str, i128, i128); 10] = [
        ("int8", "i8", "NonZeroU8", i8::MIN as i128, i8::MAX as i128),
        ("uint8", "u8", "NonZeroU8", 0, u8::MAX as i128),
        (
            "int16",
            "i16",
            "NonZeroU16",
            i16::MIN as i128,
            i16::MAX as i128,
        ),
        ("uint16", "u16", "NonZeroU16", 0, u16::MAX as i128),
        (
            "int",
            "i32",
            "NonZeroU32",
            i32::MIN as i128,
            i32::MAX as i128,
        ),
        (
            "int32",
            "i32",
            "NonZeroU32",
            i32::MIN as i128,
            i32::MAX as i128,
        ),
        ("uint", "u32", "NonZeroU32", 0, u32::MAX as i128),
        ("uint32", "u32", "NonZeroU32", 0, u32::MAX as i128),
        (
            "int64",
            "i64",
            "NonZeroU64",
            i64::MIN as i128,
            i64::MAX as i128,
        ),
        ("uint64", "u64", "NonZeroU64", 0, u64::MAX as i128),
    ];
    let range_of = |ty: &str| -> (&'static str, i128, i128) {
        match ty {
            "NonZeroU8" => ("NonZeroU8", 1, u8::MAX.into()),
            "NonZeroU16" => ("NonZeroU16", 1, u16::MAX.into()),
            "NonZeroU32" => ("NonZeroU32", 1, u32::MAX.into()),
            "NonZeroU64" => ("NonZeroU64", 1, u64::MAX.into()),
            other => {
                let (_, ty, _, min, max) = TYPES.iter().find(|t| t.1 == other).unwrap();
                (ty, *min, *max)
            }
        }
    };
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool).unwrap_or(false);
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let min = number("minimum").map(|m| if flag("exclusiveMinimum") { m + 1.0 } else { m });
    let max = number("maximum").map(|m| if flag("exclusiveMaximum") { m - 1.0 } else { m });
    let multiple = schema.get("multipleOf").is_some();
    let format = schema.get("format").and_then(Value::as_str);
    if let Some((_, ty, nz, imin, imax)) = format.and_then(|f| TYPES.iter().find(|t| t.0 == f)) {
        let (imin, imax) = (*imin as f64, *imax as f64);
        if !multiple && min.is_none_or(|m| m >= imin) && max.is_none_or(|m| m <= imax) {
            return range_of(if min == Some(1.0) { nz } else { ty });
        }
    }
    let found = match (min, max) {
        (None, None) => None,
        (None, Some(max)) => TYPES.iter().rev().find(|t| t.4 as f64 == max).map(|t| t.1),
        (Some(min), None) => TYPES.iter().rev().find_map(|t| {
            if min == 1.0 {
                Some(t.2)
            } else {
                (t.3 as f64 == min).then_some(t.1)
            }
        }),
        (Some(min), Some(max)) => TYPES.iter().rev().find_map(|t| {
            if min == 1.0 {
                Some(t.2)
            } else {
                (t.3 as f64 == min && t.4 as f64 == max).then_some(t.1)
            }
        }),
    };
    range_of(found.unwrap_or("i64"))
}

/// An unbounded side of the schema matches a type that reaches the 64-bit limit: JSON
/// integers beyond it do not decode anyway.
fn same_min(spec: Option<i128>, ty: i128) -> bool {
    spec.map_or(ty <= i64::MIN.into(), |min| min == ty)
}

fn same_max(spec: Option<i128>, ty: i128) -> bool {
    spec.map_or(ty >= i64::MAX.into(), |max| max == ty)
}

/// Whether an integer schema needs a validated newtype: typify's type would not hold exactly
/// its range (or it has a `multipleOf`).
fn needs_range_type(schema: &Value) -> Result<bool, String> {
    let (min, max, multiple) = integer_range(schema)?;
    let (_, tmin, tmax) = typify_integer(schema);
    Ok(multiple.is_some() || !same_min(min, tmin) || !same_max(max, tmax))
}

fn is_type(schema: &Value, ty: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(ty)
}

/// Moves every inline integer schema with a range no integer type expresses, and every
/// inline number schema with a range (an inline property, array item or operation
/// parameter), to `components/schemas`, under the name typify would give an inline type
/// there, so that it becomes a validated newtype. Returns the moved names.
pub fn move_ranges_to_components(spec: &mut Value) -> Result<Vec<String>, String> {
    let mut moved = Vec::new();
    // Deepest first, so a parent's pointer stays valid while its children move.
    let mut candidates: Vec<Site> = sites(spec)
        .into_iter()
        .filter(|site| site.movable)
        .filter(|site| {
            spec.pointer(&site.pointer).is_some_and(|s| {
                s.get("enum").is_none()
                    && s.get("$ref").is_none()
                    && ((is_type(s, "integer") && needs_range_type(s).unwrap_or(false))
                        || (is_type(s, "number") && has_number_range(s) && number_range(s).is_ok()))
            })
        })
        .collect();
    candidates.sort_by_key(|site| std::cmp::Reverse(site.pointer.len()));
    for mut site in candidates {
        site.name = crate::generator::read::spec::type_name(&site.name);
        let components = spec
            .pointer(&format!("/components/schemas/{}", escape(&site.name)))
            .is_some();
        if components {
            return Err(format!(
                "#{}: the range needs a validated type named `{}`, but a schema of that name exists; move the range to a schema of its own under components/schemas",
                site.pointer, site.name
            ));
        }
        let required = required_property(spec, &site.pointer);
        let slot = spec.pointer_mut(&site.pointer).expect("the site exists");
        let mut schema = std::mem::take(slot);
        let nullable = schema
            .as_object_mut()
            .and_then(|m| m.remove("nullable"))
            .unwrap_or(Value::Bool(false));
        // A plain `$ref`: typify merges an `allOf` wrapper into a type of its own. Nullability
        // travels as `x-crm-nullable`, which `nullable.rs` and the surface read like `nullable`.
        let mut reference = serde_json::json!({
            "$ref": format!("#/components/schemas/{}", site.name)
        });
        if nullable == Value::Bool(true) {
            if required {
                return Err(format!(
                    "#{}: a required, nullable number with a range: declare its schema under components/schemas and refer to it with `type: {}, nullable: true, allOf: [$ref]`",
                    site.pointer,
                    schema
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("number")
                ));
            }
            reference["x-crm-nullable"] = true.into();
        }
        *slot = reference;
        let schemas = spec
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or("the spec has no components/schemas")?;
        schemas.insert(site.name.clone(), schema);
        moved.push(site.name);
    }
    moved.sort();
    Ok(moved)
}

/// Whether the schema at `pointer` is a property its object lists in `required`.
fn required_property(spec: &Value, pointer: &str) -> bool {
    let Some((parent, name)) = pointer.rsplit_once("/properties/") else {
        return false;
    };
    let name = name.replace("~1", "/").replace("~0", "~");
    spec.pointer(parent)
        .and_then(|p| p.get("required"))
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(&name)))
}

/// Every component schema that becomes a validated number newtype.
pub fn range_types(spec: &Value) -> Vec<RangeType> {
    let mut out = Vec::new();
    for (name, schema) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if schema.get("enum").is_some() {
            continue;
        }
        let bounds = if is_type(schema, "integer") {
            let Ok(true) = needs_range_type(schema) else {
                continue;
            };
            let Ok((min, max, multiple_of)) = integer_range(schema) else {
                continue;
            };
            Bounds::Integer {
                min,
                max,
                multiple_of,
            }
        } else if is_type(schema, "number") && has_number_range(schema) {
            let Ok(bounds) = number_range(schema) else {
                continue;
            };
            bounds
        } else {
            continue;
        };
        out.push(RangeType {
            name: crate::generator::read::spec::type_name(name),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string(),
            bounds,
        });
    }
    out
}

/// Formats of strings whose type typify picks by itself (dropping any string rule beside).
const TYPED_STRING_FORMATS: [&str; 6] = ["date", "date-time", "ip", "ipv4", "ipv6", "uuid"];

/// Every constraint that would not be enforced, one violation each.
pub fn check(file: &str, spec: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    for site in sites(spec) {
        let Some(schema) = spec.pointer(&site.pointer) else {
            continue;
        };
        let mut refuse = |keyword: &str, why: String| {
            out.push(Violation {
                file: file.to_string(),
                operation: format!("#{}", site.pointer),
                rule: "unenforced-constraint",
                message: format!("`{keyword}`: {why}"),
            })
        };
        let has = |k: &str| schema.get(k).is_some();
        let ty = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        let is_enum = has("enum");

        for keyword in ["minItems", "maxItems"] {
            if has(keyword) {
                refuse(keyword, "array sizes are not checked by the generated code (typify drops them); drop it or check it in the facade".into());
            }
        }
        for keyword in ["minProperties", "maxProperties"] {
            if has(keyword) {
                refuse(keyword, "object sizes are not checked by the generated code; drop it or check it in the facade".into());
            }
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            refuse(
                "uniqueItems",
                "typify generates a `Vec` and does not check it; drop it or check it in the facade"
                    .into(),
            );
        }

        match ty {
            Some("integer") => {
                if let Err(why) = integer_range(schema) {
                    refuse("minimum", why);
                    continue;
                }
                if let Some(f) = format.filter(|f| format_range(f).is_none()) {
                    refuse(
                        "format",
                        format!("`{f}` is not an integer format (int8 ... uint64)"),
                    );
                }
                if is_enum {
                    let (min, max, multiple) = integer_range(schema).unwrap_or_default();
                    for value in schema["enum"].as_array().into_iter().flatten() {
                        let Some(n) = value.as_i64().map(i128::from) else {
                            continue;
                        };
                        let broken = min.is_some_and(|m| n < m)
                            || max.is_some_and(|m| n > m)
                            || multiple.is_some_and(|m| n % m != 0);
                        if broken {
                            refuse(
                                "enum",
                                format!("the value {n} breaks the schema's own range"),
                            );
                        }
                    }
                    if has("multipleOf") {
                        refuse("multipleOf", "beside an `enum` it is not checked on undocumented values; drop it (the enum's values say it)".into());
                    }
                    for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
                        if has(keyword) {
                            refuse(
                                keyword,
                                "beside an `enum`, write the range with `minimum`/`maximum`".into(),
                            );
                        }
                    }
                } else if needs_range_type(schema).unwrap_or(false) && !site.component {
                    // `move_ranges_to_components` moves the movable ones before this runs.
                    refuse(
                        first_range_keyword(schema),
                        format!(
                            "typify would generate `{}` and drop it; declare this schema under components/schemas (the generator then makes it a validated type)",
                            typify_integer(schema).0
                        ),
                    );
                }
                for keyword in ["minLength", "maxLength", "pattern"] {
                    if has(keyword) {
                        refuse(
                            keyword,
                            "a string rule on an integer is never checked".into(),
                        );
                    }
                }
            }
            Some("number") => {
                if let Err(why) = number_range(schema) {
                    refuse(first_range_keyword(schema), why);
                } else if has_number_range(schema) && is_enum {
                    refuse(
                        first_range_keyword(schema),
                        "beside an `enum` of numbers it is not checked; the enum's values say it"
                            .into(),
                    );
                } else if has_number_range(schema) && !site.component {
                    // `move_ranges_to_components` moves the movable ones before this runs.
                    refuse(
                        first_range_keyword(schema),
                        "typify would generate `f64` and drop it; declare this schema under components/schemas (the generator then makes it a validated type)".into(),
                    );
                }
                if let Some(f) = format.filter(|f| !matches!(*f, "float" | "double")) {
                    refuse(
                        "format",
                        format!("`{f}` is not a number format (float, double)"),
                    );
                }
            }
            Some("string") | None => {
                let string_rules: Vec<&str> = ["minLength", "maxLength", "pattern"]
                    .into_iter()
                    .filter(|k| has(k))
                    .collect();
                match format {
                    Some(f) if TYPED_STRING_FORMATS.contains(&f) => {
                        for keyword in &string_rules {
                            refuse(keyword, format!("typify makes `format: {f}` its own type and drops this; drop it"));
                        }
                    }
                    Some("email") if !has("pattern") => refuse(
                        "format",
                        "`email` is not checked by the generated code; add a `pattern` that checks it (e.g. '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')".into(),
                    ),
                    Some("email") | None => {}
                    Some(f) => refuse("format", format!("`{f}` is not checked by the generated code; drop it (the value is then any string), or add a `pattern` that checks it")),
                }
                if is_enum {
                    for keyword in &string_rules {
                        refuse(
                            keyword,
                            "beside an `enum` it is not checked; the enum's values say it".into(),
                        );
                    }
                }
                if ty.is_none() && !string_rules.is_empty() && schema.get("allOf").is_some() {
                    for keyword in &string_rules {
                        refuse(
                            keyword,
                            "beside `allOf` it is not checked; put it on the referenced schema"
                                .into(),
                        );
                    }
                }
                for keyword in [
                    "minimum",
                    "maximum",
                    "exclusiveMinimum",
                    "exclusiveMaximum",
                    "multipleOf",
                ] {
                    if has(keyword) && ty == Some("string") {
                        refuse(keyword, "a number rule on a string is never checked".into());
                    }
                }
            }
            Some("array") => {
                if let Some(f) = format {
                    refuse("format", format!("`{f}` on an array is never checked"));
                }
            }
            Some(_) => {
                for keyword in KEYWORDS {
                    if has(keyword) && !matches!(keyword, "uniqueItems" | "minItems" | "maxItems") {
                        refuse(
                            keyword,
                            format!("not checked on a `{}`", ty.unwrap_or_default()),
                        );
                    }
                }
            }
        }
    }
    out
}

fn first_range_keyword(schema: &Value) -> &'static str {
    [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "format",
    ]
    .into_iter()
    .find(|k| schema.get(k).is_some())
    .unwrap_or("minimum")
}

/// The constraints a value of `schema` must keep, for the surface summary: `>= 1`,
/// `length <= 255`, `pattern ^...$`, `format date`, `unique`.
pub fn describe(schema: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    let get = |k: &str| schema.get(k);
    let flag = |k: &str| get(k).and_then(Value::as_bool).unwrap_or(false);
    if let Some(min) = get("minimum") {
        out.push(format!(
            "{} {min}",
            if flag("exclusiveMinimum") { ">" } else { ">=" }
        ));
    }
    if let Some(max) = get("maximum") {
        out.push(format!(
            "{} {max}",
            if flag("exclusiveMaximum") { "<" } else { "<=" }
        ));
    }
    if let Some(m) = get("multipleOf") {
        out.push(format!("multiple of {m}"));
    }
    match (get("minLength"), get("maxLength")) {
        (Some(a), Some(b)) if a == b => out.push(format!("length {a}")),
        (Some(a), Some(b)) => out.push(format!("length {a}..={b}")),
        (Some(a), None) => out.push(format!("length >= {a}")),
        (None, Some(b)) => out.push(format!("length <= {b}")),
        (None, None) => {}
    }
    if let Some(p) = get("pattern").and_then(Value::as_str) {
        out.push(format!("pattern {p}"));
    }
    if let Some(f) = get("format").and_then(Value::as_str) {
        out.push(format!("format {f}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_format_implies_its_range() {
        let cases: [(&str, i128, i128); 10] = [
            ("int8", -128, 127),
            ("uint8", 0, 255),
            ("int16", -32768, 32767),
            ("uint16", 0, 65535),
            ("int", i32::MIN.into(), i32::MAX.into()),
            ("int32", i32::MIN.into(), i32::MAX.into()),
            ("uint", 0, u32::MAX.into()),
            ("uint32", 0, u32::MAX.into()),
            ("int64", i64::MIN.into(), i64::MAX.into()),
            ("uint64", 0, u64::MAX.into()),
        ];
        for (format, min, max) in cases {
            assert_eq!(format_range(format), Some((min, max)), "{format}");
        }
        assert_eq!(format_range("float"), None);
    }

    /// What typify 0.8 makes of integer schemas (made-up schemas): our restatement of
    /// typify-impl's `convert_integer`, and typify itself run on each.
    #[test]
    fn typify_integer_follows_format_then_exact_range_then_minimum_one() {
        let cases = [
            (json!({"format": "uint8"}), ("u8", 0, 255)),
            (json!({"format": "int8", "maximum": 100}), ("i8", -128, 127)),
            (
                json!({"format": "int32", "minimum": -5, "maximum": 10}),
                ("i32", i32::MIN.into(), i32::MAX.into()),
            ),
            (
                json!({"format": "int32", "minimum": 1}),
                ("NonZeroU32", 1, u32::MAX.into()),
            ),
            // A bound outside the format, or a `multipleOf`: the format is not used.
            (
                json!({"format": "int8", "minimum": -10, "maximum": 1000}),
                ("i64", i64::MIN.into(), i64::MAX.into()),
            ),
            (
                json!({"format": "int8", "minimum": -10, "multipleOf": 5}),
                ("i64", i64::MIN.into(), i64::MAX.into()),
            ),
            (
                json!({"format": "int32", "minimum": -1_099_511_627_776_i64}),
                ("i64", i64::MIN.into(), i64::MAX.into()),
            ),
            // No format: an exact range, with exclusive bounds applied.
            (
                json!({"maximum": 128, "exclusiveMaximum": true}),
                ("i8", -128, 127),
            ),
            (
                json!({"minimum": 1, "maximum": 100}),
                ("NonZeroU64", 1, u64::MAX.into()),
            ),
            (json!({"minimum": 0, "maximum": 65535}), ("u16", 0, 65535)),
        ];
        for (schema, expected) in cases {
            assert_eq!(typify_integer(&schema), expected, "{schema}");
            assert_eq!(
                typify_generates(&schema),
                expected.0,
                "typify itself: {schema}"
            );
        }
    }

    /// The type typify (through progenitor, as `generate` runs it) gives a required field
    /// of an integer schema.
    fn typify_generates(schema: &Value) -> String {
        let mut integer = schema.clone();
        integer["type"] = json!("integer");
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"Holder": {
                "type": "object",
                "required": ["v"],
                "properties": {"v": integer},
            }}},
        });
        let spec: openapiv3::OpenAPI = serde_json::from_value(spec).unwrap();
        let tokens = progenitor::Generator::new(&progenitor::GenerationSettings::new())
            .generate_tokens(&spec)
            .unwrap();
        let file: syn::File = syn::parse2(tokens).unwrap();
        let holder = crate::generator::code_model::types_items(&file)
            .into_iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == "Holder" => Some(s),
                _ => None,
            })
            .expect("typify made the struct");
        let field = holder.fields.iter().next().unwrap();
        let syn::Type::Path(path) = &field.ty else {
            panic!("a path type")
        };
        path.path.segments.last().unwrap().ident.to_string()
    }

    /// Integer schemas whose range no type holds, and numbers with a range, move to the
    /// components; a required one may not be nullable there (a made-up spec).
    #[test]
    fn ranged_integers_move_to_the_components() {
        let mut spec = json!({"components": {"schemas": {"Thing": {
            "type": "object",
            "required": ["a"],
            "properties": {
                "a": {"type": "integer", "minimum": 5, "maximum": 10},
                "b": {"type": "integer", "minimum": 5, "maximum": 10, "nullable": true},
                "c": {"type": "number", "minimum": 0, "maximum": 10},
            },
        }}}});
        let moved = move_ranges_to_components(&mut spec).expect("moved");
        assert_eq!(moved, ["ThingA", "ThingB", "ThingC"]);
        let properties = &spec["components"]["schemas"]["Thing"]["properties"];
        assert!(properties["a"]["$ref"].is_string(), "{properties}");
        assert_eq!(properties["a"].get("x-crm-nullable"), None);
        assert_eq!(properties["b"]["x-crm-nullable"], true, "{properties}");
        // A number with a range moves too (it becomes a validated `f64`).
        assert!(properties["c"]["$ref"].is_string(), "{properties}");
        assert_eq!(spec["components"]["schemas"]["ThingC"]["type"], "number");

        let mut required_nullable = json!({"components": {"schemas": {"Thing": {
            "type": "object",
            "required": ["a"],
            "properties": {"a": {"type": "integer", "minimum": 5, "maximum": 10, "nullable": true}},
        }}}});
        let refused = move_ranges_to_components(&mut required_nullable).unwrap_err();
        assert!(
            refused.contains("a required, nullable number with a range"),
            "{refused}"
        );
    }

    /// What `check` refuses in one component schema (made up here): each refusal's
    /// keyword, with the enum value it names if any.
    fn refused(schema: Value) -> Vec<String> {
        let spec = json!({"components": {"schemas": {"S": schema}}});
        check("t.yaml", &spec)
            .into_iter()
            .map(|v| {
                let keyword = v.message.split('`').nth(1).unwrap_or_default().to_string();
                match v.message.split("the value ").nth(1) {
                    Some(rest) => format!("{keyword} {}", rest.split(' ').next().unwrap_or("")),
                    None => keyword,
                }
            })
            .collect()
    }

    #[test]
    fn enum_values_must_keep_the_schemas_own_range() {
        let enumerated =
            json!({"type": "integer", "enum": [1, 5, 9, 10], "minimum": 1, "maximum": 9});
        assert_eq!(refused(enumerated), ["enum 10"]);
        let enumerated = json!({"type": "integer", "enum": [0, 5], "minimum": 1});
        assert_eq!(refused(enumerated), ["enum 0"]);
        let multiples = json!({"type": "integer", "enum": [5, 7], "multipleOf": 5});
        assert_eq!(refused(multiples), ["enum 7", "multipleOf"]);
        for exclusive in ["exclusiveMinimum", "exclusiveMaximum"] {
            let mut schema = json!({"type": "integer", "enum": [5], "minimum": 1, "maximum": 9});
            schema[exclusive] = true.into();
            assert_eq!(refused(schema), [exclusive], "{exclusive}");
        }
    }

    #[test]
    fn rules_nothing_checks_are_refused() {
        assert_eq!(
            refused(json!({"type": "number", "format": "double"})),
            Vec::<String>::new()
        );
        assert_eq!(
            refused(json!({"type": "number", "format": "int32"})),
            ["format"]
        );
        let beside_all_of = json!({"allOf": [{"type": "string"}], "maxLength": 5});
        assert_eq!(refused(beside_all_of), ["maxLength"]);
        let typed = json!({"type": "string", "allOf": [{"type": "string"}], "maxLength": 5});
        assert_eq!(refused(typed), Vec::<String>::new());
        assert_eq!(
            refused(json!({"allOf": [{"type": "string"}]})),
            Vec::<String>::new()
        );
        assert_eq!(refused(json!({"maxLength": 5})), Vec::<String>::new());
        assert_eq!(
            refused(json!({"type": "boolean", "minimum": 1})),
            ["minimum"]
        );
        assert_eq!(
            refused(json!({"type": "boolean", "maxItems": 1})),
            ["maxItems"]
        );
    }

    /// A bound beyond `i64` (made up, not from a seed) is still a whole number.
    #[test]
    fn bounds_beyond_i64_are_whole_numbers() {
        let range = integer_range(&json!({"type": "integer", "maximum": u64::MAX}));
        assert_eq!(range, Ok((None, Some(u64::MAX.into()), None)));
        let range = integer_range(&json!({"type": "integer", "minimum": -5, "maximum": 1.5}));
        assert_eq!(
            range,
            Err("`maximum: 1.5` is not a whole number".to_string())
        );
    }
}
