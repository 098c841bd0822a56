//! Checks run on every spec before progenitor sees it. Each rule turns one of progenitor's
//! panics or silent surprises into a one-line error naming the file, the operation and the rule.

use crate::generator::errors::Violation;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

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
    // `listWidgets` and `list_widgets` are one Rust method, `list_widgets`.
    let mut seen_methods: BTreeMap<String, String> = BTreeMap::new();
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
                    } else if let Some(first) = seen_methods.insert(
                        crate::generator::read::spec::snake_case(id),
                        format!("`{id}` ({where_})"),
                    ) {
                        push(
                            &format!("{id} ({where_})"),
                            "unique-operation-id",
                            format!(
                                "operationId `{id}` and {first} give one Rust method, `{}`; rename one",
                                crate::generator::read::spec::snake_case(id)
                            ),
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
            check_operation(spec, &name, path, op, path_params, &mut push);
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
    for site in crate::generator::read::spec::sites(spec) {
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

    if let Err(why) = crate::generator::additions::auth::schemes(spec, text) {
        push("(document)", "security", why);
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
            let line = crate::generator::read::spec::ref_line(text, &reference)
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
        let name = crate::generator::additions::extensions::variant_name(value);
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
    spec: &Value,
    name: &str,
    path: &str,
    op: &Value,
    path_params: Option<&Value>,
    push: &mut impl FnMut(&str, &'static str, String),
) {
    let resolve = |param: &'_ Value| -> Option<Value> {
        match param.get("$ref").and_then(Value::as_str) {
            Some(reference) => crate::generator::read::spec::resolve(spec, reference).cloned(),
            None => Some(param.clone()),
        }
    };
    let list = |value: Option<&Value>| -> Vec<Value> {
        value
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(resolve)
            .collect()
    };
    let own = list(op.get("parameters"));
    let shared = list(path_params);
    let key = |p: &Value| {
        (
            p.get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
            p.get("in")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
        )
    };
    // OpenAPI forbids a parameter twice in one list; YAML keeps both, and progenitor the last.
    for (params, where_) in [(&own, "the operation"), (&shared, "the path")] {
        let mut seen = BTreeSet::new();
        for param in params.iter() {
            let (pname, location) = key(param);
            if !seen.insert((pname.clone(), location.clone())) {
                push(
                    name,
                    "duplicate-parameter",
                    format!(
                        "{location} parameter `{pname}` is listed twice in {where_}'s `parameters` (OpenAPI forbids it; the last copy would silently replace the first): keep one"
                    ),
                );
            }
        }
    }
    // An operation's parameter overrides the path's of the same name and place.
    let own_keys: BTreeSet<(String, String)> = own.iter().map(key).collect();
    let params: Vec<&Value> = own
        .iter()
        .chain(shared.iter().filter(|p| !own_keys.contains(&key(p))))
        .collect();
    // progenitor names each parameter (and its builder setter) by its name alone.
    let mut rust_names: BTreeMap<String, (String, String)> = BTreeMap::new();
    for param in &params {
        let (pname, location) = key(param);
        let rust = crate::generator::read::spec::snake_case(&pname);
        if rust == "body" && op.get("requestBody").is_some() {
            push(
                name,
                "parameter-name",
                format!(
                    "{location} parameter `{pname}` has the name of the request body's setter, `body`; rename it"
                ),
            );
        }
        if let Some((first, first_in)) =
            rust_names.insert(rust.clone(), (pname.clone(), location.clone()))
            && (first.as_str(), first_in.as_str()) != (pname.as_str(), location.as_str())
        {
            push(
                name,
                "parameter-name",
                format!(
                    "{first_in} parameter `{first}` and {location} parameter `{pname}` give one builder setter, `{rust}`; rename one"
                ),
            );
        }
    }
    let template: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
        .collect();
    for param in &params {
        let pname = param.get("name").and_then(Value::as_str).unwrap_or("?");
        match param.get("in").and_then(Value::as_str) {
            Some("path") => {
                if param.get("required") != Some(&Value::Bool(true)) {
                    push(
                        name,
                        "path-parameter",
                        format!(
                            "path parameter `{pname}` needs `required: true` (OpenAPI requires it of every path parameter)"
                        ),
                    );
                }
                if !template.contains(&pname) {
                    push(
                        name,
                        "path-parameter",
                        format!(
                            "path parameter `{pname}` is not in the path `{path}`; add `{{{pname}}}` to the path or remove the parameter"
                        ),
                    );
                }
            }
            Some("cookie") => push(
                name,
                "no-cookie-parameter",
                format!(
                    "cookie parameter `{pname}` cannot be sent by progenitor's client; send it with `HttpConfig::header(COOKIE, ..)` and remove it from the spec"
                ),
            ),
            Some("query" | "header") => {}
            other => push(
                name,
                "parameter-in",
                format!(
                    "parameter `{pname}` has `in: {}`; it must be path, query or header",
                    other.unwrap_or("(none)")
                ),
            ),
        }
        let has_example = param.get("example").is_some()
            || param.pointer("/schema/example").is_some()
            || param.get("schema").is_some_and(|schema| {
                crate::generator::read::spec::target(spec, schema)
                    .get("example")
                    .is_some()
            });
        if param.get("required") == Some(&Value::Bool(true)) && !has_example {
            push(
                name,
                "param-example",
                format!(
                    "required parameter `{pname}` has no `example`: the typed mocks, the tour and the example calls of every suite are built from it; add `example:` beside its `schema`"
                ),
            );
        }
        if param.get("schema").is_none() {
            push(
                name,
                "parameter-schema",
                format!(
                    "parameter `{pname}` has no `schema` (a `content` map is not supported); write `schema: {{type: string}}` or the type it has"
                ),
            );
        }
        let style = param.get("style").and_then(Value::as_str);
        if style == Some("deepObject") {
            push(
                name,
                "no-deep-object",
                format!(
                    "parameter `{pname}` uses `style: deepObject`, which progenitor cannot send; flatten the object into one query parameter per field"
                ),
            );
        } else if let Some(style) = style.filter(|s| !matches!(*s, "form" | "simple")) {
            push(
                name,
                "parameter-style",
                format!(
                    "parameter `{pname}` uses `style: {style}`; progenitor sends only the default style (`form` in the query, `simple` in the path and headers): drop `style`"
                ),
            );
        }
        let is_query = param.get("in").and_then(Value::as_str) == Some("query");
        let schema_type = param
            .get("schema")
            .map(|schema| crate::generator::read::spec::target(spec, schema))
            .and_then(|schema| schema.get("type"))
            .and_then(Value::as_str);
        if is_query && schema_type == Some("object") {
            push(
                name,
                "no-object-query",
                format!(
                    "query parameter `{pname}` is an object, which progenitor cannot send in a query; give each field a query parameter of its own"
                ),
            );
        }
    }
    for pname in &template {
        let declared = params.iter().any(|p| {
            p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("name").and_then(Value::as_str) == Some(pname)
        });
        if !declared {
            push(
                name,
                "path-parameter",
                format!(
                    "`{{{pname}}}` in the path has no `in: path` parameter; declare it (with `required: true` and a schema)"
                ),
            );
        }
    }

    check_request_body(name, op, push);
    check_responses(name, op, push);
    check_success_example(spec, name, op, push);
}

/// The first documented success with a body needs an example: the typed mocks answer with it
/// (`mount_examples`), and so do the tour and the wire snapshot.
fn check_success_example(
    spec: &Value,
    name: &str,
    op: &Value,
    push: &mut impl FnMut(&str, &'static str, String),
) {
    let responses = op.get("responses").and_then(Value::as_object);
    let has_success = responses.is_some_and(|r| r.keys().any(|s| s.starts_with('2')));
    let Some((status, response)) = responses.into_iter().flatten().find(|(status, _)| {
        status.starts_with('2') || (status.as_str() == "default" && !has_success)
    }) else {
        return;
    };
    let Some((media, body)) = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| {
            c.iter()
                .find(|(m, _)| is_json(m))
                .or_else(|| c.iter().next())
        })
    else {
        return;
    };
    let example = body.get("example").is_some()
        || body.get("schema").is_some_and(|schema| {
            crate::generator::read::spec::target(spec, schema)
                .get("example")
                .is_some()
        });
    if !example {
        push(
            name,
            "response-example",
            format!(
                "the {status} answer ({media}) has no `example`: the typed mocks answer with it, and the tour and the wire snapshot read it; add `example:` beside its `schema` (or on the schema)"
            ),
        );
    }
}

/// The media types of a request body that the generated client can send.
const REQUEST_MEDIA: [&str; 2] = ["application/json", "application/x-www-form-urlencoded"];

fn check_request_body(name: &str, op: &Value, push: &mut impl FnMut(&str, &'static str, String)) {
    let Some(body) = op.get("requestBody") else {
        return;
    };
    let content = body.get("content").and_then(Value::as_object);
    let Some(content) = content.filter(|c| !c.is_empty()) else {
        push(
            name,
            "request-body",
            "the request body has no `content`: give it `application/json: {schema: ...}`".into(),
        );
        return;
    };
    if content.len() > 1 {
        let media: Vec<&str> = content.keys().map(String::as_str).collect();
        push(
            name,
            "request-body",
            format!(
                "the request body offers {} media types ({}); progenitor sends one: keep `application/json`",
                media.len(),
                media.join(", ")
            ),
        );
        return;
    }
    for (media, body) in content {
        let essence = media.split(';').next().unwrap_or_default().trim();
        if essence.starts_with("multipart/") {
            push(
                name,
                "no-multipart",
                format!(
                    "request body `{media}` (a file upload) cannot be sent by progenitor's client; send it with `reqwest` (`crm_bindings::reqwest::multipart`) and remove the operation, or describe a JSON body"
                ),
            );
            continue;
        }
        if !REQUEST_MEDIA.contains(&essence) {
            push(
                name,
                "request-media-type",
                format!(
                    "request body `{media}` is not supported; the generated client sends `application/json` or `application/x-www-form-urlencoded`"
                ),
            );
            continue;
        }
        if body.get("encoding").is_some() {
            push(
                name,
                "request-body",
                format!(
                    "request body `{media}` has an `encoding` map, which progenitor does not read; drop it"
                ),
            );
        }
        let Some(schema) = body.get("schema") else {
            push(
                name,
                "request-body",
                format!(
                    "request body `{media}` has no `schema`; add one (a `$ref` to `#/components/schemas/...`)"
                ),
            );
            continue;
        };
        if !names_no_new_type(schema) {
            push(
                name,
                "body-ref",
                format!(
                    "the request body ({media}) has an inline schema; move it under `components/schemas` and refer to it with `$ref`, so its type gets a name of its own"
                ),
            );
        }
        if body.get("example").is_none() {
            push(
                name,
                "body-example",
                format!(
                    "the request body ({media}) has no `example`: the typed mocks, the tour and the example calls of every suite are built from it; add `example:` beside its `schema`"
                ),
            );
        }
    }
}

/// How an answer decodes: the success (2xx) and error shapes must each be one per operation,
/// as progenitor decodes one of each. `default` is an error beside a documented success, and
/// the success when it is the only answer.
fn check_responses(name: &str, op: &Value, push: &mut impl FnMut(&str, &'static str, String)) {
    let responses = op.get("responses").and_then(Value::as_object);
    let Some(responses) = responses.filter(|r| !r.is_empty()) else {
        push(
            name,
            "responses",
            "the operation documents no response; add at least its success (`'200': {description: ..}`)".into(),
        );
        return;
    };
    let has_success = responses.keys().any(|s| s.starts_with('2'));
    let mut success: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failure: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (status, response) in responses {
        let valid_status = status == "default"
            || (status.len() == 3
                && (status.chars().all(|c| c.is_ascii_digit())
                    || (status[1..] == *"XX"
                        && matches!(&status[..1], "1" | "2" | "3" | "4" | "5"))));
        if !valid_status {
            push(
                name,
                "responses",
                format!(
                    "`{status}` is not a status: write a code (`404`), a range (`4XX`) or `default`"
                ),
            );
            continue;
        }
        let shape = match response.get("content").and_then(Value::as_object) {
            None => "no body".to_string(),
            Some(content) if content.is_empty() => "no body".to_string(),
            Some(content) => {
                // progenitor decodes the JSON media type and passes any other through as bytes.
                match content.iter().find(|(m, _)| is_json(m)) {
                    Some((media, body)) => match body.get("schema") {
                        None => {
                            push(
                                name,
                                "response-schema",
                                format!(
                                    "response {status} ({media}) has no `schema`; add one, or remove `content` for an answer without a body"
                                ),
                            );
                            continue;
                        }
                        Some(schema) => {
                            if !names_no_new_type(schema) {
                                push(
                                    name,
                                    "response-ref",
                                    format!(
                                        "response {status} ({media}) has an inline schema that makes a type; move it under `components/schemas` and refer to it with `$ref`, so the type gets a name of its own"
                                    ),
                                );
                            }
                            format!("`{}`", shape_of(schema))
                        }
                    },
                    None => "bytes".to_string(),
                }
            }
        };
        let is_success = status.starts_with('2') || (status == "default" && !has_success);
        let is_error = status.starts_with('4')
            || status.starts_with('5')
            || (status == "default" && has_success);
        let into = if is_success {
            &mut success
        } else if is_error {
            &mut failure
        } else {
            continue;
        };
        into.entry(shape).or_default().push(status.clone());
    }
    for (kind, shapes) in [("success", success), ("error", failure)] {
        if shapes.len() > 1 {
            let listed: Vec<String> = shapes
                .iter()
                .map(|(shape, statuses)| format!("{} {shape}", statuses.join(", ")))
                .collect();
            let advice = if kind == "success" {
                "document the success the service sends, or one schema for all of them"
            } else {
                "give them one schema (a `$ref` to an error type with the fields of all of them), or leave out the statuses whose body differs (an undocumented status is still an error, with its status and body)"
            };
            push(
                name,
                "one-body-shape",
                format!(
                    "{kind} responses have {} different body shapes ({}); progenitor decodes one {kind} shape per operation: {advice}",
                    shapes.len(),
                    listed.join("; ")
                ),
            );
        }
    }
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}

/// A short text of a schema, for naming body shapes in messages.
fn shape_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference
            .trim_start_matches("#/components/schemas/")
            .to_string();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "[{}]",
            shape_of(schema.get("items").unwrap_or(&Value::Null))
        ),
        Some(other) => other.to_string(),
        None => "any".to_string(),
    }
}

/// Whether an inline request or response schema names no new type: a `$ref`, a scalar, an
/// array of those, a free-form object or a map of those (typify makes `Vec<T>`, `String`,
/// `serde_json::Map`, `HashMap<String, T>`). An object with properties, an enum or a
/// constrained scalar would be a type named after the operation, renamed with it.
fn names_no_new_type(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    // `{}`: any JSON value (`serde_json::Value`).
    if map.is_empty() {
        return true;
    }
    if let Some(reference) = map.get("$ref") {
        let to_a_schema = reference
            .as_str()
            .is_some_and(|r| r.starts_with("#/components/schemas/"));
        return to_a_schema && map.len() == 1;
    }
    let documentation = ["description", "example", "title", "format"];
    let allowed = |extra: &[&str]| {
        map.keys().all(|k| {
            k == "type" || documentation.contains(&k.as_str()) || extra.contains(&k.as_str())
        })
    };
    match map.get("type").and_then(Value::as_str) {
        Some("string" | "integer" | "number" | "boolean") => allowed(&[]),
        Some("array") => allowed(&["items"]) && map.get("items").is_some_and(names_no_new_type),
        Some("object") => {
            allowed(&["additionalProperties"])
                && match map.get("additionalProperties") {
                    None | Some(Value::Bool(true)) => true,
                    Some(schema) => names_no_new_type(schema),
                }
        }
        _ => false,
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

    /// One made-up operation `op` on `/a/{id}` with the given parameters and responses.
    fn operation(parameters: &str, responses: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a/{{id}}:\n    get:\n      \
             operationId: op\n      parameters: {parameters}\n      responses: {responses}\n"
        )
    }

    const ID: &str = "{name: id, in: path, required: true, schema: {type: string}, example: x}";
    const OK: &str = "{'204': {description: ok}}";

    #[test]
    fn parameters_are_checked_as_progenitor_reads_them() {
        assert_eq!(
            rules(&operation(&format!("[{ID}]"), OK)),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&operation(&format!("[{ID}, {ID}]"), OK)),
            ["duplicate-parameter"]
        );
        let page = |name: &str| format!("{{name: {name}, in: query, schema: {{type: integer}}}}");
        assert_eq!(
            rules(&operation(
                &format!("[{ID}, {}, {}]", page("pageSize"), page("page_size")),
                OK
            )),
            ["parameter-name"]
        );
        // `id` in the path and in a header: progenitor keys parameters by name.
        let header = "{name: id, in: header, schema: {type: string}}";
        assert_eq!(
            rules(&operation(&format!("[{ID}, {header}]"), OK)),
            ["parameter-name"]
        );
        let optional_path = "{name: id, in: path, schema: {type: string}, example: x}";
        assert_eq!(
            rules(&operation(&format!("[{optional_path}]"), OK)),
            ["path-parameter"]
        );
        assert_eq!(rules(&operation("[]", OK)), ["path-parameter"]);
        let unexampled = "{name: id, in: path, required: true, schema: {type: string}}";
        assert_eq!(
            rules(&operation(&format!("[{unexampled}]"), OK)),
            ["param-example"]
        );
        let cookie = "{name: sid, in: cookie, schema: {type: string}}";
        assert_eq!(
            rules(&operation(&format!("[{ID}, {cookie}]"), OK)),
            ["no-cookie-parameter"]
        );
        let piped = "{name: tags, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}";
        assert_eq!(
            rules(&operation(&format!("[{ID}, {piped}]"), OK)),
            ["parameter-style"]
        );
    }

    #[test]
    fn answers_are_checked_as_the_client_reads_them() {
        let params = format!("[{ID}]");
        let json = |schema: &str| {
            format!(
                "{{description: d, content: {{application/json: {{schema: {schema}, example: {{}}}}}}}}"
            )
        };
        let a = json("{$ref: '#/components/schemas/A'}");
        let b = json("{$ref: '#/components/schemas/B'}");
        let with = |responses: String| {
            format!(
                "{}components:\n  schemas:\n    A: {{type: object}}\n    B: {{type: object}}\n",
                operation(&params, &responses)
            )
        };
        // `default` beside a success is the errors: one error shape with the 400's.
        assert_eq!(
            rules(&with(format!("{{'200': {a}, '400': {b}, default: {b}}}"))),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&with(format!("{{'200': {a}, '400': {a}, default: {b}}}"))),
            ["one-body-shape"]
        );
        // `default` alone is the success.
        assert_eq!(
            rules(&with(format!("{{default: {a}}}"))),
            Vec::<&str>::new()
        );
        // A status without a body is a shape of its own.
        assert_eq!(
            rules(&with(format!(
                "{{'200': {a}, '404': {{description: gone}}, '400': {b}}}"
            ))),
            ["one-body-shape"]
        );
        // An array of a `$ref` or of scalars makes no type; an object does.
        assert_eq!(
            rules(&with(format!(
                "{{'200': {}}}",
                json("{type: array, items: {$ref: '#/components/schemas/A'}}")
            ))),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&with(format!(
                "{{'200': {}}}",
                json("{type: object, properties: {a: {type: string}}}")
            ))),
            ["response-ref"]
        );
        let unexampled = "{description: d, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}";
        assert_eq!(
            rules(&with(format!("{{'200': {unexampled}}}"))),
            ["response-example"]
        );
        assert_eq!(
            rules(&with("{'2xx': {description: d}}".into())),
            ["responses"]
        );
        assert_eq!(rules(&with("{}".into())), ["responses"]);
    }

    #[test]
    fn request_bodies_are_json_or_forms_with_an_example() {
        let body = |content: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      \
                 operationId: op\n      requestBody: {{content: {content}}}\n      responses: {OK}\n\
                 components:\n  schemas:\n    A: {{type: object}}\n"
            )
        };
        let a = "{schema: {$ref: '#/components/schemas/A'}, example: {}}";
        assert_eq!(
            rules(&body(&format!("{{application/json: {a}}}"))),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&body(&format!(
                "{{application/x-www-form-urlencoded: {a}}}"
            ))),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&body(&format!("{{application/xml: {a}}}"))),
            ["request-media-type"]
        );
        assert_eq!(
            rules(&body(&format!(
                "{{application/json: {a}, application/xml: {a}}}"
            ))),
            ["request-body"]
        );
        assert_eq!(
            rules(&body(
                "{application/json: {schema: {$ref: '#/components/schemas/A'}}}"
            )),
            ["body-example"]
        );
        assert_eq!(
            rules(&body(
                "{application/json: {schema: {type: object, properties: {a: {type: string}}}, example: {}}}"
            )),
            ["body-ref"]
        );
    }

    #[test]
    fn a_response_must_be_a_lone_ref_to_a_component_schema() {
        let spec = |schema: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      \
                 operationId: get_a\n      responses:\n        '200': {{description: ok, content: \
                 {{application/json: {{schema: {schema}, example: {{}}}}}}}}\ncomponents:\n  schemas:\n    \
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
