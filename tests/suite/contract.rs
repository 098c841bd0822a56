//! Contract tests against Prism, a mock server nobody here wrote: for every spec, Prism
//! serves it with request validation on and the typed client calls EVERY operation with
//! inputs taken from the spec's examples. Prism must report no violation, and the client
//! must decode what Prism answers: the spec's static examples, then responses generated
//! from the schemas (`Prefer: dynamic=true`, with a fixed seed). Each spec also gets a
//! request that breaks it, sent around the typed client's validation, which Prism must catch:
//! the check can fail. One Prism per spec serves all three.
//!
//! Needs the npm tools: `cargo xtask test` installs them (`npm ci`).

use crate::support::harness::{Api, Refusal};
use crate::support::operations;
use crate::support::prism::{Mode, Prism, report, violations};
use crate::support::spec::SpecExamples;
use crm_bindings::HttpConfig;
use crm_bindings::reqwest::header::{HeaderName, HeaderValue};

/// Everything the contract checks of one API, on one Prism: every operation called with the
/// spec's examples, answered with the spec's static examples and then with answers Prism
/// generates from the schemas (`Prefer: dynamic=true`, seeded), each accepted without
/// violation and decoded; then a request that breaks the spec, which Prism must catch.
async fn contract(api: &'static str) {
    let mut expected = SpecExamples::load(api).operation_ids();
    expected.sort();
    let operations = operations::of(api);
    let mut called: Vec<String> = operations
        .iter()
        .map(|op| op.facts.operation_id.to_string())
        .collect();
    called.sort();
    assert_eq!(
        called, expected,
        "{api}: the operation table covers the spec exactly"
    );
    let Some(prism) = Prism::start(api) else {
        return;
    };
    for mode in [Mode::Static, Mode::Dynamic] {
        let config = match mode {
            Mode::Static => HttpConfig::default(),
            Mode::Dynamic => HttpConfig::default().header(
                HeaderName::from_static("prefer"),
                HeaderValue::from_static("dynamic=true"),
            ),
        };
        let mut failures = Vec::new();
        let mut skipped = Vec::new();
        for operation in &operations {
            if mode == Mode::Dynamic && fakes_break_their_schema(api, operation.facts.operation_id)
            {
                skipped.push(operation.id);
                continue;
            }
            let outcome = operation.run(&prism.base_url, config.clone()).await;
            match outcome.result {
                Ok(status) if (200..300).contains(&status) => {}
                Ok(status) => failures.push(format!("{}: status {status}", operation.id)),
                Err(failure) => failures.push(format!("{}: {failure:?}", operation.id)),
            }
        }
        assert!(
            failures.is_empty(),
            "{api} ({mode:?}) against Prism:\n{}\n--- Prism log ---\n{}",
            failures.join("\n"),
            prism.log_text()
        );
        let called = operations.len() - skipped.len();
        let skipped = match skipped.is_empty() {
            true => String::new(),
            false => format!(
                " ({} skipped: Prism's generated answers break `multipleOf`, boolean \
                 `exclusiveMinimum`/`exclusiveMaximum` and unexampled `pattern`s, which their \
                 schemas have)",
                skipped.join(", ")
            ),
        };
        report(&format!(
            "{api} ({mode:?}): {called}/{} operations called, no violations, every answer decoded{skipped}",
            expected.len()
        ));
    }
    prism_catches_a_request_the_client_refuses(api, &prism).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_of_every_api_passes_prism_and_prism_catches_what_the_client_refuses() {
    let apis = operations::api_names();
    // A few Prism servers at a time: each is a Node.js process, and dozens starting at once
    // on two cores answer past the client's timeout.
    for batch in apis.chunks(PRISMS_AT_ONCE) {
        let runs: Vec<_> = batch
            .iter()
            .map(|api| tokio::spawn(contract(api)))
            .collect();
        for run in runs {
            run.await.expect("a contract run panicked");
        }
    }
    let checked = operations::apis()
        .iter()
        .filter(|api| refusal_to_send(api).is_some())
        .count();
    assert!(checked > 0, "no API has a constraint to break");
    crate::support::assert_every_spec("contract", apis);
}

/// How many Prism servers run at once.
const PRISMS_AT_ONCE: usize = 4;

/// The refusal a spec-breaking request is made of: a body field's, else a parameter's.
fn refusal_to_send(api: &Api) -> Option<&Refusal> {
    api.refusals
        .iter()
        .find(|r| r.body.is_some())
        .or_else(|| api.refusals.iter().find(|r| r.param.is_some()))
}

/// What the typed client refuses (the generator's forbidden value for a body field, or for
/// a parameter when no body field has a constraint), sent around it with plain reqwest:
/// Prism must flag it too.
async fn prism_catches_a_request_the_client_refuses(api: &'static str, prism: &Prism) {
    let Some(refusal) = operations::apis()
        .iter()
        .find(|a| a.name == api)
        .and_then(refusal_to_send)
    else {
        // An API whose requests have no constraint has nothing to break.
        report(&format!("{api}: no constraint to break, nothing to check"));
        return;
    };
    let op = refusal.operation;
    let (body, param) = (refusal.body, refusal.param.as_ref());
    let spec = SpecExamples::cached(api);
    let mut path = op.path.to_string();
    let mut query = Vec::new();
    for (name, value) in spec.path_examples(op.operation_id) {
        path = path.replace(&format!("{{{name}}}"), &value);
    }
    if let Some(bad) = param {
        if bad.in_path {
            // The examples are in already: put the forbidden value back in its place.
            path = op.path.to_string();
            for (name, value) in spec.path_examples(op.operation_id) {
                let value = if name == bad.name {
                    bad.value.to_string()
                } else {
                    value
                };
                path = path.replace(&format!("{{{name}}}"), &value);
            }
        } else {
            query.push((bad.name, bad.value));
        }
    }
    let base = &prism.base_url;
    let mut request = reqwest::Client::new()
        .request(op.method.parse().unwrap(), format!("{base}{path}"))
        .query(&query);
    // The body as the operation sends it: JSON, or a form of the JSON's fields.
    if let Some(json) = body.or(op.request_example) {
        request = match op.request_media {
            Some(form @ "application/x-www-form-urlencoded") => {
                request.header("content-type", form).body(form_of(json))
            }
            _ => request
                .header("content-type", "application/json")
                .body(json),
        };
    }
    for (name, value) in operations::credential_headers(api) {
        request = request.header(name, value);
    }
    request = request.query(&operations::credential_query(api));
    let response = request.send().await.expect("Prism answers");
    let status = response.status();
    let flagged_header = violations(response.headers());
    let problem = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let text = response.text().await.unwrap_or_default();
    assert!(
        status.is_client_error(),
        "{api}: Prism accepted a request that breaks the spec ({status}): {text}"
    );
    assert!(
        flagged_header.is_some() || (problem && text.contains("validation")),
        "{api}: {status} without a violation report: {text}\n{}",
        prism.log_text()
    );
    report(&format!(
        "{api}: a spec-breaking request was caught ({status})"
    ));
}

/// Whether the documented success answer of `operation` holds a number with `multipleOf` or
/// a boolean `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI 3.0's form), or a string with a
/// `pattern` and no `example` of its own: Prism 5.14's faker ignores the first, and makes
/// strings from a pattern that its own `format` check refuses (a pattern-made `email`), so
/// its dynamic answers break their own schema (measured: a 500 with `sl-violations` on the
/// response). Its static answers (the spec's examples) are checked.
fn fakes_break_their_schema(api: &str, operation: &str) -> bool {
    let spec = SpecExamples::cached(api);
    let op = spec.operation_by_id(operation);
    let mut todo: Vec<&serde_json::Value> = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.starts_with('2') || status.as_str() == "default")
        .filter_map(|(_, response)| spec.resolve_ref(response)["content"].as_object())
        .flat_map(|content| content.values())
        .map(|media| &media["schema"])
        .collect();
    let mut seen = 0;
    while let Some(schema) = todo.pop() {
        seen += 1;
        if seen > 10_000 {
            break; // a recursive schema: what was seen is enough
        }
        let schema = spec.resolve_ref(schema);
        let number = schema["type"] == "number" || schema["type"] == "integer";
        let breaks = schema.get("multipleOf").is_some()
            || schema["exclusiveMinimum"] == true
            || schema["exclusiveMaximum"] == true;
        let unexampled_pattern = schema.get("pattern").is_some() && schema.get("example").is_none();
        if (number && breaks) || unexampled_pattern {
            return true;
        }
        for key in ["items", "additionalProperties"] {
            if schema[key].is_object() {
                todo.push(&schema[key]);
            }
        }
        todo.extend(
            schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(_, v)| v),
        );
        for key in ["allOf", "oneOf", "anyOf"] {
            todo.extend(schema[key].as_array().into_iter().flatten());
        }
    }
    false
}

/// The fields of a JSON object as an `application/x-www-form-urlencoded` body (strings as
/// they are, other values as JSON text), as the client sends a form.
fn form_of(json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let mut url = reqwest::Url::parse("http://form.invalid/").expect("a URL");
    for (name, field) in value.as_object().into_iter().flatten() {
        let text = match field {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        url.query_pairs_mut().append_pair(name, &text);
    }
    url.query().unwrap_or_default().to_string()
}
