//! Reading a spec (as JSON): resolving `$ref`s, listing operations, and finding every place a
//! schema sits, with a JSON pointer for messages and a name for types made from it.

use serde_json::Value;

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `#/components/schemas/A` -> the schema, if the spec has it.
pub fn resolve<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    spec.pointer(reference.strip_prefix('#')?)
}

/// The component name of `{$ref: "#/components/schemas/A"}` (or of a one-element `allOf`
/// holding it): `A`.
pub fn ref_name(schema: &Value) -> Option<&str> {
    let reference = schema.get("$ref").and_then(Value::as_str).or_else(|| {
        match schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => only.get("$ref").and_then(Value::as_str),
            _ => None,
        }
    })?;
    reference.strip_prefix("#/components/schemas/")
}

/// The schema itself, or the component it refers to (one level: `$ref` or `allOf: [$ref]`),
/// for reading its `type`, `enum` and constraints.
pub fn target<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    ref_name(schema)
        .and_then(|name| spec.pointer(&format!("/components/schemas/{}", escape(name))))
        .unwrap_or(schema)
}

/// The keywords that hold on a value of `schema`: its own and those of the component it
/// refers to (`$ref` or `allOf: [$ref]`), the schema's own winning.
pub fn effective(spec: &Value, schema: &Value) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    let referred = target(spec, schema);
    if !std::ptr::eq(referred, schema)
        && let Some(map) = referred.as_object()
    {
        out.extend(map.clone());
    }
    if let Some(map) = schema.as_object() {
        for (k, v) in map {
            if k != "allOf" && k != "$ref" {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// Every `(path, method, operation)` of the spec, in file order.
pub fn operations(spec: &Value) -> Vec<(&str, &str, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((path.as_str(), method, op));
            }
        }
    }
    out
}

/// The parameters of an operation: its own, then the path item's (resolving
/// `#/components/parameters/...`), as `(parameter, JSON pointer of the parameter)`.
pub fn parameters<'a>(spec: &'a Value, path: &str, method: &str) -> Vec<(&'a Value, String)> {
    let item_ptr = format!("/paths/{}", escape(path));
    let mut out = Vec::new();
    for ptr in [
        format!("{item_ptr}/{method}/parameters"),
        format!("{item_ptr}/parameters"),
    ] {
        let Some(list) = spec.pointer(&ptr).and_then(Value::as_array) else {
            continue;
        };
        for (i, param) in list.iter().enumerate() {
            match param.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    if let Some(p) = resolve(spec, reference) {
                        out.push((p, reference.trim_start_matches('#').to_string()));
                    }
                }
                None => out.push((param, format!("{ptr}/{i}"))),
            }
        }
    }
    out
}

/// A place where a schema sits.
#[derive(Debug, Clone)]
pub struct Site {
    /// JSON pointer to the schema (`/components/schemas/A/properties/b`).
    pub pointer: String,
    /// The name a type made from this schema gets (`AB`), as typify names inline types.
    pub name: String,
    /// The schema is a component (`#/components/schemas/<name>`), so it has its own type.
    pub component: bool,
    /// A type made here can be moved to the components (an inline property, array item or
    /// parameter schema), keeping the name above.
    pub movable: bool,
}

/// Every schema of the spec, parents before children: components and what they hold,
/// parameters, request and response bodies.
pub fn sites(spec: &Value) -> Vec<Site> {
    let mut out = Vec::new();
    for (name, _) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let pointer = format!("/components/schemas/{}", escape(name));
        walk(spec, pointer, name.clone(), true, false, &mut out);
    }
    for (name, _) in spec
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let pointer = format!("/components/parameters/{}/schema", escape(name));
        walk(spec, pointer, pascal(name), false, true, &mut out);
    }
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_ptr = format!("/paths/{}", escape(path));
        for (i, param) in item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = param.get("name").and_then(Value::as_str).unwrap_or("param");
            // Shared by the path's operations: no one operation names it.
            let pointer = format!("{item_ptr}/parameters/{i}/schema");
            walk(spec, pointer, pascal(name), false, false, &mut out);
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_ptr = format!("{item_ptr}/{method}");
            let op_name = pascal(
                op.get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or(method),
            );
            for (i, param) in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let name = param.get("name").and_then(Value::as_str).unwrap_or("param");
                let pointer = format!("{op_ptr}/parameters/{i}/schema");
                walk(
                    spec,
                    pointer,
                    op_name.clone() + &pascal(name),
                    false,
                    true,
                    &mut out,
                );
            }
            for (media, _) in op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let pointer = format!("{op_ptr}/requestBody/content/{}/schema", escape(media));
                walk(
                    spec,
                    pointer,
                    op_name.clone() + "Body",
                    false,
                    false,
                    &mut out,
                );
            }
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                for (media, _) in response
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let pointer = format!(
                        "{op_ptr}/responses/{status}/content/{}/schema",
                        escape(media)
                    );
                    walk(
                        spec,
                        pointer,
                        format!("{op_name}Response"),
                        false,
                        false,
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

fn walk(
    spec: &Value,
    pointer: String,
    name: String,
    component: bool,
    movable: bool,
    out: &mut Vec<Site>,
) {
    let Some(schema) = spec.pointer(&pointer) else {
        return;
    };
    if !schema.is_object() {
        return;
    }
    out.push(Site {
        pointer: pointer.clone(),
        name: name.clone(),
        component,
        movable,
    });
    for (prop, _) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let child = format!("{pointer}/properties/{}", escape(prop));
        walk(spec, child, name.clone() + &pascal(prop), false, true, out);
    }
    if schema.get("items").is_some_and(Value::is_object) {
        walk(
            spec,
            format!("{pointer}/items"),
            name.clone() + "Item",
            false,
            true,
            out,
        );
    }
    if schema
        .get("additionalProperties")
        .is_some_and(Value::is_object)
    {
        let child = format!("{pointer}/additionalProperties");
        walk(spec, child, name.clone() + "Value", false, false, out);
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        for (i, _) in schema
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let child = format!("{pointer}/{combinator}/{i}");
            walk(spec, child, name.clone(), false, false, out);
        }
    }
}

/// Component schemas a request body reaches (through `$ref`s, properties, items and
/// combinators): the types users build and send.
pub fn request_schemas(spec: &Value) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    let mut todo: Vec<&Value> = operations(spec)
        .into_iter()
        .filter_map(|(_, _, op)| {
            op.pointer("/requestBody/content")
                .and_then(Value::as_object)
        })
        .flat_map(|content| content.values())
        .filter_map(|media| media.get("schema"))
        .collect();
    while let Some(schema) = todo.pop() {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            if found.insert(name.to_string())
                && let Some(s) = spec.pointer(&format!("/components/schemas/{}", escape(name)))
            {
                todo.push(s);
            }
            continue;
        }
        let Some(map) = schema.as_object() else {
            continue;
        };
        for (key, value) in map {
            match key.as_str() {
                "properties" => {
                    todo.extend(value.as_object().into_iter().flatten().map(|(_, v)| v))
                }
                "items" | "additionalProperties" => todo.push(value),
                "allOf" | "oneOf" | "anyOf" => todo.extend(value.as_array().into_iter().flatten()),
                _ => {}
            }
        }
    }
    found
}

/// The Rust type typify makes of a component schema's name (heck's PascalCase: `TX` ->
/// `Tx`, `api_error` -> `ApiError`), which names made here must match.
pub fn type_name(component: &str) -> String {
    use heck::ToPascalCase;
    component.to_pascal_case()
}

/// `a/b~c` -> `a~1b~0c`, a key inside a JSON pointer.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `order_status_from`, `cardToId`, `in-progress` -> `OrderStatusFrom`, `CardToId`,
/// `InProgress`: how typify names types and enum variants.
pub fn pascal(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// `orderStatusFrom` / `order_status_from` / `X-Request-Source` -> `order_status_from`,
/// `x_request_source`: how progenitor names parameters and builder setters, and typify
/// struct fields (progenitor-impl's `sanitize(.., Case::Snake)`, restated).
pub fn snake_case(name: &str) -> String {
    sanitize(name, heck::ToSnakeCase::to_snake_case)
}

/// `list_widgets` -> `ListWidgets`: how progenitor names an operation's builder
/// (`sanitize(.., Case::Pascal)`).
pub fn builder_name(operation_id: &str) -> String {
    sanitize(operation_id, heck::ToPascalCase::to_pascal_case)
}

/// progenitor-impl's `sanitize`: characters that cannot continue an identifier become `-`,
/// the case is applied, a leading non-identifier character gets `_`, a keyword gets `_` after.
fn sanitize(input: &str, to_case: fn(&str) -> String) -> String {
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// The line (1-based) of the first `$ref` to `reference` in `text`.
pub fn ref_line(text: &str, reference: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            !line.trim_start().starts_with('#') && line.contains("$ref") && line.contains(reference)
        })
        .map(|i| i + 1)
}

/// The line (1-based) of the second `key:` at the indentation of the mapping that starts at
/// `line`/`column` (serde_yaml reports a duplicate key at its mapping's start).
pub fn duplicate_key_line(text: &str, key: &str, line: usize, column: usize) -> Option<usize> {
    let indent = column.saturating_sub(1);
    let spellings = [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ];
    text.lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .filter(|(_, l)| {
            // `is_char_boundary` is false past the end: a shorter line is skipped.
            l.is_char_boundary(indent)
                && l[..indent].trim().is_empty()
                && spellings
                    .iter()
                    .any(|s| l[indent..].starts_with(s.as_str()))
        })
        .nth(1)
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Made-up schemas, not from a seed.
    #[test]
    fn the_effective_schema_merges_the_referred_one_without_its_links() {
        let spec =
            json!({"components": {"schemas": {"A": {"type": "string", "description": "a"}}}});
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "d"});
        let merged = effective(&spec, &schema);
        assert_eq!(
            Value::Object(merged),
            json!({"type": "string", "description": "d"})
        );
    }

    #[test]
    fn request_schemas_follow_items_maps_and_combinations() {
        let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        let spec = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {
                "schema": reference("Body")
            }}}}}},
            "components": {"schemas": {
                "Body": {"type": "object", "properties": {
                    "list": {"type": "array", "items": reference("Item")},
                    "map": {"type": "object", "additionalProperties": reference("Value")},
                    "part": {"allOf": [reference("Part")]},
                }},
                "Item": {"type": "string"},
                "Value": {"type": "string"},
                "Part": {"type": "string"},
                "Answer": {"type": "string"},
            }},
        });
        let found: Vec<String> = request_schemas(&spec).into_iter().collect();
        assert_eq!(found, ["Body", "Item", "Part", "Value"]);
    }

    #[test]
    fn snake_case_as_typify_names_fields() {
        assert_eq!(snake_case("OrderStatusFrom"), "order_status_from");
        assert_eq!(snake_case("cardToId"), "card_to_id");
        assert_eq!(snake_case("order_Status"), "order_status");
        assert_eq!(snake_case("in-progress"), "in_progress");
        assert_eq!(snake_case("X-Request-Source"), "x_request_source");
        assert_eq!(snake_case("userID"), "user_id");
        assert_eq!(snake_case("type"), "type_");
        assert_eq!(snake_case("2fa"), "_2fa");
        assert_eq!(builder_name("list_widgets"), "ListWidgets");
        assert_eq!(builder_name("getHTTPThing"), "GetHttpThing");
    }
}
