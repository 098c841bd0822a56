//! Contract tests against Prism, a mock server nobody here wrote: for every spec, Prism
//! serves it with request validation on and the typed client calls EVERY operation with
//! inputs taken from the spec's examples. Prism must report no violation, and the client
//! must decode what Prism answers: the spec's static examples, then responses generated
//! from the schemas (`--dynamic`). Each spec also gets a request that breaks it, sent around
//! the typed client's validation, which Prism must catch: the check can fail.
//!
//! Needs the npm tools: `cargo xtask test` installs them (`npm ci`).

use crate::support::operations;
use crate::support::prism::{Mode, Prism, report, violations};
use crate::support::spec::SpecExamples;

/// Calls every operation of `api` (inputs from the spec's examples) against a static and a
/// dynamic Prism; checks that the calls are exactly the spec's operations, each accepted
/// without violation and its answer decoded.
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
    for mode in [Mode::Static, Mode::Dynamic] {
        let Some(prism) = Prism::start(api, mode) else {
            return;
        };
        let mut failures = Vec::new();
        for operation in &operations {
            let outcome = operation.run(&prism.base_url, Default::default()).await;
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
        report(&format!(
            "{api} ({mode:?}): {}/{} operations called, no violations, every answer decoded",
            operations.len(),
            expected.len()
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_of_every_api_passes_prism() {
    let apis = operations::api_names();
    let runs: Vec<_> = apis.iter().map(|api| tokio::spawn(contract(api))).collect();
    for run in runs {
        run.await.expect("a contract run panicked");
    }
    crate::support::assert_every_spec("contract", apis);
}

/// What the typed client refuses (the generator's forbidden value for a body field, or for
/// a parameter when no body field has a constraint), sent around it with plain reqwest:
/// Prism must flag it too, for every API.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn prism_catches_a_request_the_client_refuses() {
    let mut runs = Vec::new();
    for api in operations::apis() {
        let refusal = api
            .refusals
            .iter()
            .find(|r| r.body.is_some())
            .or_else(|| api.refusals.iter().find(|r| r.param.is_some()))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no constraint on a body field or a parameter to break",
                    api.name
                )
            });
        let (api, op) = (api.name, refusal.operation);
        let (body, param) = (refusal.body, refusal.param.as_ref());
        runs.push(tokio::spawn(assert_caught(api, move |http, base| {
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
            let mut request = http
                .request(op.method.parse().unwrap(), format!("{base}{path}"))
                .query(&query);
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body);
            } else if let Some(example) = op.request_example {
                request = request
                    .header("content-type", "application/json")
                    .body(example);
            }
            for (name, value) in operations::credential_headers(api) {
                request = request.header(name, value);
            }
            request
        })));
    }
    for run in runs {
        run.await.expect("a Prism check panicked");
    }
    crate::support::assert_every_spec("contract", operations::api_names());
}

/// A request that breaks the spec, sent with plain reqwest: Prism must flag it.
async fn assert_caught(
    api: &str,
    request: impl FnOnce(&reqwest::Client, &str) -> reqwest::RequestBuilder,
) {
    let Some(prism) = Prism::start(api, Mode::Static) else {
        return;
    };
    let response = request(&reqwest::Client::new(), &prism.base_url)
        .send()
        .await
        .expect("Prism answers");
    let status = response.status();
    let flagged_header = violations(response.headers());
    let problem = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let body = response.text().await.unwrap_or_default();
    assert!(
        status.is_client_error(),
        "{api}: Prism accepted a request that breaks the spec ({status}): {body}"
    );
    assert!(
        flagged_header.is_some() || (problem && body.contains("validation")),
        "{api}: {status} without a violation report: {body}\n{}",
        prism.log_text()
    );
    report(&format!(
        "{api}: a spec-breaking request was caught ({status})"
    ));
}
