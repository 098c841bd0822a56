//! Checks run on every spec before progenitor sees it. Each rule turns one of progenitor's
//! panics or silent surprises into a one-line error naming the file, the operation and the rule.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One broken rule, printed as `file: operation: [rule] message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub file: String,
    pub operation: String,
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: [{}] {}",
            self.file, self.operation, self.rule, self.message
        )
    }
}

/// Runs every rule on a parsed spec (`text` is its source, for line numbers); an empty
/// result means progenitor may run.
pub fn check_spec(file: &str, text: &str, spec: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut push = |operation: &str, rule: &'static str, message: String| {
        out.push(Violation {
            file: file.to_string(),
            operation: operation.to_string(),
            rule,
            message,
        })
    };

    match spec.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => push(
            "(document)",
            "openapi-3.0",
            format!("`openapi: {v}` is not supported; progenitor reads OpenAPI 3.0.x only"),
        ),
        None => push(
            "(document)",
            "openapi-3.0",
            "no `openapi: 3.0.x` field".into(),
        ),
    }

    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let path_params = item.get("parameters");
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let where_ = format!("{} {path}", method.to_uppercase());
            let name = match op.get("operationId").and_then(Value::as_str) {
                Some(id) => {
                    if let Some(first) = seen_ids.insert(id.to_string(), where_.clone()) {
                        push(
                            &format!("{id} ({where_})"),
                            "unique-operation-id",
                            format!("operationId `{id}` is already used by {first}"),
                        );
                    }
                    format!("{id} ({where_})")
                }
                None => {
                    push(
                        &where_,
                        "operation-id",
                        "every operation needs an `operationId` (it names the client method)"
                            .into(),
                    );
                    where_.clone()
                }
            };
            check_operation(&name, op, path_params, &mut push);
        }
    }

    // Two paths that differ only in their parameters' names are the same route.
    let mut routes: BTreeMap<String, &str> = BTreeMap::new();
    for (path, _) in paths.into_iter().flatten() {
        let route = route_shape(path);
        if let Some(first) = routes.insert(route, path) {
            push(
                path,
                "duplicate-path",
                format!(
                    "`{path}` and `{first}` differ only in parameter names: one route, written twice"
                ),
            );
        }
    }

    for (name, schema) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(message) = enum_varnames_problem(schema) {
            push(
                &format!("#/components/schemas/{name}"),
                "enum-varnames",
                message,
            );
        }
    }
    // Prism crashes putting a violation message with non-Latin-1 text into its
    // `sl-violations` header (stoplightio/prism#1934); an enum value is quoted in the message
    // of a request Prism answers with a 4xx.
    let declares_4xx = paths.into_iter().flatten().any(|(_, item)| {
        METHODS.iter().filter_map(|m| item.get(*m)).any(|op| {
            op.get("responses")
                .and_then(Value::as_object)
                .is_some_and(|r| r.keys().any(|code| code.starts_with('4')))
        })
    });
    for (name, schema) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let values = schema.get("enum").and_then(Value::as_array);
        let non_ascii = values
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|v| !v.is_ascii());
        if let (true, Some(value)) = (declares_4xx, non_ascii) {
            push(
                &format!("#/components/schemas/{name}"),
                "ascii-enum",
                format!(
                    "enum value `{value}` is not ASCII in a spec with a 4xx answer: Prism crashes quoting it in its `sl-violations` header (stoplightio/prism#1934); write the value in ASCII and its label in the description"
                ),
            );
        }
    }
    for site in crate::spec::sites(spec) {
        let inline_enum = spec
            .pointer(&site.pointer)
            .is_some_and(|s| s.get("enum").is_some());
        if inline_enum && !site.component {
            push(
                &format!("#{}", site.pointer),
                "inline-enum",
                "an `enum` must be a schema of its own under components/schemas (it becomes a Rust enum with a name and an `Unknown` variant); refer to it with `$ref`".into(),
            );
        }
    }

    let mut refs = Vec::new();
    collect_refs(spec, &mut refs);
    refs.sort();
    refs.dedup();
    for reference in refs {
        let found = reference
            .strip_prefix('#')
            .is_some_and(|pointer| spec.pointer(pointer).is_some());
        if !found {
            let line = crate::spec::ref_line(text, &reference)
                .map(|l| format!("line {l}"))
                .unwrap_or_else(|| "line ?".into());
            let why = if reference.starts_with('#') {
                "points to nothing in this file"
            } else {
                "is outside this file; only `#/...` references are supported"
            };
            push(&line, "missing-ref", format!("`$ref: {reference}` {why}"));
        }
    }

    walk_schemas(spec, "#", &mut |pointer, schema| {
        let Some(obj) = schema.as_object() else {
            return;
        };
        if obj.contains_key("$ref") && obj.len() > 1 {
            let extra: Vec<&str> = obj
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "$ref")
                .collect();
            push(
                pointer,
                "ref-siblings",
                format!(
                    "`$ref` beside {extra:?} is ignored in OpenAPI 3.0; for a nullable reference write `type: object, nullable: true, allOf: [{{$ref: ...}}]`"
                ),
            );
        }
    });
    out
}

/// `x-enum-varnames` must name every value once, with a Rust type name; descriptions, if
/// given, one per value.
fn enum_varnames_problem(schema: &Value) -> Option<String> {
    let Some(names) = schema.get("x-enum-varnames") else {
        return derived_names_problem(schema);
    };
    let values = schema.get("enum").and_then(Value::as_array);
    let Some(values) = values else {
        return Some("`x-enum-varnames` without an `enum`".into());
    };
    let Some(names) = names.as_array() else {
        return Some("`x-enum-varnames` must be a list".into());
    };
    if names.len() != values.len() {
        return Some(format!(
            "{} values but {} `x-enum-varnames`",
            values.len(),
            names.len()
        ));
    }
    let mut seen = BTreeSet::new();
    for name in names {
        let ok = name.as_str().is_some_and(|n| {
            n.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && n.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if !ok {
            return Some(format!(
                "variant name {name} is not a PascalCase Rust identifier"
            ));
        }
        if !seen.insert(name.as_str()) {
            return Some(format!("variant name {name} is used twice"));
        }
    }
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    if values
        .iter()
        .any(|v| if integer { !v.is_i64() } else { !v.is_string() })
    {
        return Some("enum values must all be integers (type: integer) or all strings".into());
    }
    let descriptions = schema.get("x-enum-descriptions").and_then(Value::as_array);
    if let Some(descriptions) = descriptions.filter(|d| d.len() != values.len()) {
        return Some(format!(
            "{} values but {} `x-enum-descriptions`",
            values.len(),
            descriptions.len()
        ));
    }
    None
}

/// An `enum` without `x-enum-varnames` gets variant names from its values, as typify would
/// name them: they must be Rust identifiers, distinct, and the values strings.
fn derived_names_problem(schema: &Value) -> Option<String> {
    let values = schema.get("enum")?.as_array()?;
    if schema.get("type").and_then(Value::as_str) == Some("integer") {
        return Some("an integer `enum` needs `x-enum-varnames` (its variants' names)".into());
    }
    let mut seen = BTreeSet::new();
    for value in values {
        let Some(text) = value.as_str() else {
            return Some(format!(
                "enum value {value} is not a string; give `type: integer` and `x-enum-varnames`"
            ));
        };
        let name = crate::extensions::variant_name(value);
        let usable = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        if !usable {
            return Some(format!(
                "the value `{text}` gives no Rust variant name; add `x-enum-varnames`"
            ));
        }
        if !seen.insert(name.clone()) {
            return Some(format!(
                "two values give the variant name `{name}`; add `x-enum-varnames`"
            ));
        }
    }
    None
}

/// `/a/{id}/b` -> `/a/{}/b`.
fn route_shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Every `$ref` value in the document (examples included: a `$ref` there is data).
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "example" || k == "examples" {
                    continue;
                }
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn check_operation(
    name: &str,
    op: &Value,
    path_params: Option<&Value>,
    push: &mut impl FnMut(&str, &'static str, String),
) {
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(path_params.and_then(Value::as_array).into_iter().flatten());
    for param in params {
        let pname = param.get("name").and_then(Value::as_str).unwrap_or("?");
        if param.get("style").and_then(Value::as_str) == Some("deepObject") {
            push(
                name,
                "no-deep-object",
                format!(
                    "parameter `{pname}` uses `style: deepObject`, which progenitor cannot send"
                ),
            );
        }
        let is_query = param.get("in").and_then(Value::as_str) == Some("query");
        let schema_type = param.pointer("/schema/type").and_then(Value::as_str);
        if is_query && schema_type == Some("object") {
            push(
                name,
                "no-object-query",
                format!(
                    "query parameter `{pname}` is an object; progenitor's builder panics on those"
                ),
            );
        }
    }

    if let Some(content) = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    {
        for (media, body) in content {
            if media == "application/json" && body.get("example").is_none() {
                push(
                    name,
                    "body-example",
                    "the JSON request body has no `example`: the typed mocks and the example calls of every suite are built from it".into(),
                );
            }
        }
        for media in content.keys() {
            if media.starts_with("multipart/") {
                push(
                    name,
                    "no-multipart",
                    format!("request body `{media}` is not supported by progenitor"),
                );
            }
        }
    }

    let mut success = BTreeSet::new();
    let mut failure = BTreeSet::new();
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            continue;
        };
        for (media, body) in content {
            let shape = match body.get("schema") {
                Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
                    Some(r)
                        if r.starts_with("#/components/schemas/")
                            && schema.as_object().map(|o| o.len()) == Some(1) =>
                    {
                        r.to_string()
                    }
                    _ => {
                        push(
                            name,
                            "response-ref",
                            format!(
                                "response {status} ({media}) has an inline schema; make it a `$ref` to `#/components/schemas/...` so it gets a stable name"
                            ),
                        );
                        format!("inline {status}")
                    }
                },
                None => format!("untyped {media}"),
            };
            if status.starts_with('2') {
                success.insert(shape);
            } else {
                failure.insert(shape);
            }
        }
    }
    for (kind, shapes) in [("success", success), ("error", failure)] {
        if shapes.len() > 1 {
            push(
                name,
                "one-body-shape",
                format!(
                    "{kind} responses have {} different body shapes ({}); progenitor allows one per operation",
                    shapes.len(),
                    shapes.into_iter().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
}

/// Calls `f` on every JSON object below `value` that sits where a schema may sit, with its
/// JSON pointer. Walks everything: a schema-like object anywhere is worth checking.
fn walk_schemas(value: &Value, pointer: &str, f: &mut impl FnMut(&str, &Value)) {
    match value {
        Value::Object(map) => {
            f(pointer, value);
            for (k, v) in map {
                // `example`s are data, not schemas.
                if k == "example" || k == "examples" {
                    continue;
                }
                walk_schemas(
                    v,
                    &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                    f,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_schemas(v, &format!("{pointer}/{i}"), f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The rules a spec (YAML, made up here) breaks.
    fn rules(yaml: &str) -> Vec<&'static str> {
        let spec: Value = serde_yaml_ng::from_str(yaml).expect("test YAML");
        check_spec("t.yaml", yaml, &spec)
            .into_iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn variant_names_must_be_pascal_case_identifiers() {
        let named = |names: Value| json!({"enum": ["a", "b"], "x-enum-varnames": names});
        assert_eq!(
            enum_varnames_problem(&named(json!(["Alpha", "Beta2"]))),
            None
        );
        for bad in [json!(["Alpha", "Beta_2"]), json!(["Alpha", "beta"])] {
            let problem = enum_varnames_problem(&named(bad.clone())).unwrap_or_default();
            assert!(problem.contains("is not a PascalCase"), "{bad}: {problem}");
        }
    }

    #[test]
    fn a_route_shape_hides_only_the_parameter_names() {
        assert_eq!(route_shape("/a/{id}/b"), "/a/{}/b");
        assert_eq!(route_shape("/a/{id}/b/{c}"), "/a/{}/b/{}");
    }

    #[test]
    fn refs_are_found_in_lists_but_not_in_examples() {
        let doc = json!({
            "allOf": [{"$ref": "#/components/schemas/A"}],
            "example": {"$ref": "#/data/one"},
            "examples": {"x": {"$ref": "#/data/two"}},
        });
        let mut found = Vec::new();
        collect_refs(&doc, &mut found);
        assert_eq!(found, ["#/components/schemas/A"]);
    }

    /// Schemas are checked inside lists (`allOf`) but not inside examples, which are data.
    #[test]
    fn schemas_in_lists_are_checked_and_examples_are_not() {
        let spec = |schema: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  \
                 schemas:\n    B: {{type: object}}\n    A: {schema}\n"
            )
        };
        let sibling = "{$ref: '#/components/schemas/B', nullable: true}";
        let listed = format!("{{allOf: [{sibling}]}}");
        assert_eq!(rules(&spec(&listed)), ["ref-siblings"]);
        let example = format!("{{type: object, example: {sibling}}}");
        assert_eq!(rules(&spec(&example)), Vec::<&str>::new());
        let examples = format!("{{type: object, examples: [{sibling}]}}");
        assert_eq!(rules(&spec(&examples)), Vec::<&str>::new());
    }

    #[test]
    fn a_response_must_be_a_lone_ref_to_a_component_schema() {
        let spec = |schema: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      \
                 operationId: get_a\n      responses:\n        '200': {{description: ok, content: \
                 {{application/json: {{schema: {schema}}}}}}}\ncomponents:\n  schemas:\n    \
                 A: {{type: object}}\n  responses:\n    R: {{description: r}}\n"
            )
        };
        assert_eq!(
            rules(&spec("{$ref: '#/components/schemas/A'}")),
            Vec::<&str>::new()
        );
        assert!(rules(&spec("{$ref: '#/components/responses/R'}")).contains(&"response-ref"));
    }
}
