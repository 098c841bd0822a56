//! Contract tests against Prism, a mock server nobody here wrote: for every spec, Prism
//! serves it with request validation on and the typed client calls EVERY operation with
//! inputs taken from the spec's examples. Prism must report no violation, and the client
//! must decode what Prism answers: the spec's static examples, then responses generated
//! from the schemas (`--dynamic`). Each spec also gets a request that breaks it, sent around
//! the typed client's validation, which Prism must catch: the check can fail.
//!
//! Needs the npm tools: `cargo xtask test` installs them (`npm ci`).

mod support;

use support::operations;
use support::prism::{Mode, Prism, report, violations};
use support::spec::SpecExamples;

/// Calls every operation of `api` (inputs from the spec's examples) against a static and a
/// dynamic Prism; checks that the calls are exactly the spec's operations, each accepted
/// without violation and its answer decoded.
async fn contract(api: &str) {
    let mut expected = SpecExamples::load(api).operation_ids();
    expected.sort();
    let operations = operations::of(api);
    let mut called: Vec<String> = operations.iter().map(|op| op.id.to_string()).collect();
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

#[cfg(feature = "cscart")]
mod cscart {
    use super::*;

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("cscart").await;
    }

    #[tokio::test]
    async fn prism_catches_a_request_that_breaks_the_spec() {
        assert_caught("cscart", |http, base| {
            http.get(format!("{base}/call_requests?sort_by=bogus"))
                .basic_auth("admin@example.com", Some("contract-key"))
        })
        .await;
    }
}

#[cfg(feature = "yume")]
mod yume {
    use super::*;

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("yume").await;
    }

    #[tokio::test]
    async fn prism_catches_a_request_that_breaks_the_spec() {
        assert_caught("yume", |http, base| {
            http.post(format!("{base}/v1/crm/integrations/wazzup/triggers/"))
                .bearer_auth("eyJhbGciOiJIUzI1NiJ9.e30.contract")
                .json(&serde_json::json!({ "type": 9 }))
        })
        .await;
    }
}

#[cfg(feature = "uapay")]
mod uapay {
    use super::*;

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("uapay").await;
    }

    #[tokio::test]
    async fn prism_catches_a_request_that_breaks_the_spec() {
        // A Latin name: the typed `PersonName` refuses it, so it goes around the client.
        assert_caught("uapay", |http, base| {
            http.patch(format!("{base}/deals/L8M95ER"))
                .json(&serde_json::json!({ "sellerFirstName": "Ivan" }))
        })
        .await;
    }
}

#[cfg(feature = "thulium")]
mod thulium {
    use super::*;

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("thulium").await;
    }

    #[tokio::test]
    async fn prism_catches_a_request_that_breaks_the_spec() {
        assert_caught("thulium", |http, base| {
            http.put(format!("{base}/crm_outbounds/00001/records/441"))
                .basic_auth("api_user", Some("api_pass"))
                .json(&serde_json::json!({ "next_call_date": "24.05.2018 12:24" }))
        })
        .await;
    }
}

#[cfg(feature = "solos")]
mod solos {
    use super::*;

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("solos").await;
    }

    #[tokio::test]
    async fn prism_catches_a_request_that_breaks_the_spec() {
        // No `id`: the typed builder refuses to send that.
        assert_caught("solos", |http, base| {
            http.get(format!("{base}/projects/info"))
                .header("X-Crypto-Token", "contract-token")
                .header("X-Crypto-Secret", "contract-secret")
        })
        .await;
    }
}
