//! Nothing invalid leaves the client, and every refusal says why in the user's words: for
//! each constraint of every API (required, range, length, pattern, format, enum, a body
//! rule), the generator made a value that breaks it (`<api>::mock::refusals()`); a parameter
//! is refused by the operation's builder with a message naming the operation once, the
//! parameter, the rule and what was given, and the server receives nothing; a body field
//! cannot even be built with such a value (validated types), so `from_json`, which builds a
//! body from input, is where it is refused.
//!
//! Every message is in one snapshot (`refusals`), read at once by a reviewer. A walk of the
//! specs, independent of the generator, fails when a constraint has no refusal.

use crate::support::harness::Check;
use crate::support::operations::{apis, credentials};
use crate::support::spec::SpecExamples;
use crm_bindings::HttpConfig;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use wiremock::MockServer;

#[tokio::test]
async fn every_refusal_names_the_value_the_rule_and_what_was_given() {
    // A server that would accept anything: it must receive nothing.
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let mut lines = Vec::new();
    let mut covered = BTreeSet::new();
    for api in apis() {
        for refusal in &api.refusals {
            let label = format!("{} {} {}", api.name, refusal.operation.id, refusal.what);
            // Keyed by the spec's operationId, as the walk of the specs below finds it.
            covered.insert(key(api.name, refusal.operation.operation_id, &refusal.what));
            let message = match &refusal.check {
                Check::Call(call) => {
                    let base = format!("{}/base", server.uri());
                    let outcome = call(base, HttpConfig::default(), credentials(api.name)).await;
                    let failure = match outcome.result {
                        Err(failure) => failure,
                        Ok(status) => panic!("{label}: sent, answered {status}"),
                    };
                    assert_eq!(
                        failure.kind, "InvalidRequest",
                        "{label}: {}",
                        failure.display
                    );
                    let shown = failure.display;
                    assert_eq!(
                        shown.matches(refusal.operation.id).count(),
                        1,
                        "{label}: the operation is named once: {shown}"
                    );
                    assert!(shown.ends_with("; nothing was sent"), "{label}: {shown}");
                    shown
                }
                Check::Body(check) => {
                    check().unwrap_or_else(|accepted| panic!("{label}: {accepted}"))
                }
                Check::Type(how) => format!("(enforced by the type: {how})"),
            };
            lines.push(format!("{label}\n  {message}"));
        }
    }
    let received = server.received_requests().await.unwrap();
    assert!(
        received.is_empty(),
        "{} request(s) reached the server",
        received.len()
    );

    let missing: Vec<String> = spec_constraints()
        .into_iter()
        .filter(|k| !covered.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "constraints without a refusal: {missing:#?}"
    );
    crate::support::assert_every_spec("constraints", apis().iter().map(|a| a.name));
    insta::assert_snapshot!("refusals", lines.join("\n"));
}

/// The case key of a refusal: `<api> <operation> <parameter>`, `<api> <operation> body
/// <a.b>`, or `<api> <operation> rule`.
fn key(api: &str, operation: &str, what: &str) -> String {
    let subject = if let Some(rest) = what.strip_prefix("body `") {
        format!("body {}", rest.split('`').next().unwrap_or_default())
    } else if what.starts_with("body without") {
        "rule".to_string()
    } else {
        what.split([' ']).next().unwrap_or_default().to_string()
    };
    format!("{api} {operation} {subject}")
}

/// Every constraint the specs state on what a client sends, as case keys: a required or
/// constrained parameter, a constrained field of a request body (dotted path, through
/// object references), an `x-crm-required-one-of` rule.
fn spec_constraints() -> Vec<String> {
    const KEYWORDS: [&str; 10] = [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "enum",
    ];
    fn constrained(spec: &Value, schema: &Value) -> bool {
        let mut schemas = vec![schema.clone()];
        while let Some(s) = schemas.pop() {
            if KEYWORDS.iter().any(|k| s.get(*k).is_some()) {
                return true;
            }
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                schemas.push(spec.pointer(&r[1..]).cloned().unwrap_or_default());
            }
            for nested in s
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                schemas.push(nested.clone());
            }
            if let Some(items) = s.get("items") {
                schemas.push(items.clone());
            }
        }
        false
    }
    fn fields(spec: &Value, schema: &Value, prefix: &str, out: &mut Vec<String>) {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(&r[1..]).cloned().unwrap_or_default(),
            None => schema.clone(),
        };
        for (prop, prop_schema) in schema["properties"].as_object().into_iter().flatten() {
            let path = if prefix.is_empty() {
                prop.clone()
            } else {
                format!("{prefix}.{prop}")
            };
            let target = prop_schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| spec.pointer(&r[1..]));
            if target.is_some_and(|t| t["type"] == json!("object") && t.get("properties").is_some())
            {
                fields(spec, prop_schema, &path, out);
            } else if constrained(spec, prop_schema) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for api in crate::support::spec_apis() {
        let spec = SpecExamples::cached(&api).value();
        let resolve = |v: &Value| match v.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(&r[1..]).cloned().unwrap_or_default(),
            None => v.clone(),
        };
        for (_, item) in spec["paths"].as_object().into_iter().flatten() {
            for method in ["get", "put", "post", "delete", "patch"] {
                let Some(op) = item.get(method) else { continue };
                let id = op["operationId"].as_str().unwrap();
                let params = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(item["parameters"].as_array().into_iter().flatten());
                for param in params.map(resolve) {
                    if param["required"] == json!(true) || constrained(spec, &param["schema"]) {
                        out.push(format!("{api} {id} {}", param["name"].as_str().unwrap()));
                    }
                }
                if op.get("x-crm-required-one-of").is_some() {
                    out.push(format!("{api} {id} rule"));
                }
                if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                    let mut paths = Vec::new();
                    fields(spec, schema, "", &mut paths);
                    out.extend(paths.into_iter().map(|p| format!("{api} {id} body {p}")));
                }
            }
        }
    }
    out
}
