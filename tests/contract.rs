//! Contract tests against Prism, a mock server nobody here wrote: for every spec, Prism
//! serves it with request validation on and the typed client calls EVERY operation with
//! inputs taken from the spec's examples. Prism must report no violation, and the client
//! must decode what Prism answers: the spec's static examples, then responses generated
//! from the schemas (`--dynamic`). Each spec also gets a request that breaks it, sent around
//! the typed client's validation, which Prism must catch: the check can fail.
//!
//! Needs the npm tools: `cargo xtask test` installs them (`npm ci`).

mod support;

use crm_bindings::Error;
use progenitor_client::ResponseValue;
use std::fmt::Debug;
use support::prism::{Mode, Prism, report, violations};
use support::spec::SpecExamples;

/// The operations called against one Prism, and what went wrong.
#[derive(Default)]
struct Calls {
    operations: Vec<String>,
    failures: Vec<String>,
}

impl Calls {
    fn check<T: Debug, E: Debug>(
        &mut self,
        operation: &str,
        result: Result<ResponseValue<T>, Error<E>>,
    ) {
        self.operations.push(operation.to_string());
        match result {
            Ok(answer) if !answer.status().is_success() => self
                .failures
                .push(format!("{operation}: status {}", answer.status())),
            Ok(answer) => {
                if let Some(found) = violations(answer.headers()) {
                    self.failures
                        .push(format!("{operation}: violations {found}"));
                }
            }
            Err(err) => self.failures.push(format!("{operation}: {err:?}")),
        }
    }
}

/// Runs `exercise` against a static and a dynamic Prism for `api` and checks that every
/// operation of the spec was called, accepted and decoded.
async fn contract<F, Fut>(api: &str, exercise: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Calls>,
{
    let mut expected = SpecExamples::load(api).operation_ids();
    expected.sort();
    for mode in [Mode::Static, Mode::Dynamic] {
        let prism = Prism::start(api, mode);
        let calls = exercise(prism.base_url.clone()).await;
        let mut called = calls.operations.clone();
        called.sort();
        called.dedup();
        assert_eq!(
            called, expected,
            "{api} ({mode:?}): every operation of the spec is called"
        );
        assert!(
            calls.failures.is_empty(),
            "{api} ({mode:?}) against Prism:\n{}\n--- Prism log ---\n{}",
            calls.failures.join("\n"),
            prism.log_text()
        );
        report(&format!(
            "{api} ({mode:?}): {}/{} operations called, no violations, every answer decoded",
            called.len(),
            expected.len()
        ));
    }
}

/// A request that breaks the spec, sent with plain reqwest: Prism must flag it.
async fn assert_caught(
    api: &str,
    request: impl FnOnce(&reqwest::Client, &str) -> reqwest::RequestBuilder,
) {
    let prism = Prism::start(api, Mode::Static);
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
    use crm_bindings::cscart::{Client, types};

    async fn exercise(base_url: String) -> Calls {
        let ex = SpecExamples::load("cscart");
        let c = Client::with_basic_auth(&base_url, "admin@example.com", "contract-key").unwrap();
        let mut calls = Calls::default();
        let op = "list_call_requests";
        calls.check(
            op,
            c.list_call_requests()
                .page(ex.param::<u64>(op, "page"))
                .items_per_page(ex.param::<u64>(op, "items_per_page"))
                .sort_by(ex.param::<types::CallRequestSortBy>(op, "sort_by"))
                .sort_order(ex.param::<types::SortOrder>(op, "sort_order"))
                .status(ex.param::<types::CallRequestStatus>(op, "status"))
                .name(ex.param::<String>(op, "name"))
                .phone(ex.param::<String>(op, "phone"))
                .company_id(ex.param::<u64>(op, "company_id"))
                .order_status(ex.param::<String>(op, "order_status"))
                .user_id(ex.param::<u64>(op, "user_id"))
                .order_exists(ex.param::<types::OrderExists>(op, "order_exists"))
                .send()
                .await,
        );
        let op = "create_call_request";
        calls.check(
            op,
            c.create_call_request()
                .body(ex.body::<types::CallRequestInput>(op))
                .send()
                .await,
        );
        let op = "get_call_request";
        calls.check(
            op,
            c.get_call_request()
                .id(ex.param::<u64>(op, "id"))
                .send()
                .await,
        );
        let op = "update_call_request";
        calls.check(
            op,
            c.update_call_request()
                .id(ex.param::<u64>(op, "id"))
                .body(ex.body::<types::CallRequestInput>(op))
                .send()
                .await,
        );
        let op = "delete_call_request";
        calls.check(
            op,
            c.delete_call_request()
                .id(ex.param::<u64>(op, "id"))
                .send()
                .await,
        );
        calls
    }

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("cscart", exercise).await;
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
    use crm_bindings::yume::{Client, types};

    async fn exercise(base_url: String) -> Calls {
        let ex = SpecExamples::load("yume");
        let c = Client::with_bearer_token(&base_url, "eyJhbGciOiJIUzI1NiJ9.e30.contract").unwrap();
        let mut calls = Calls::default();
        calls.check(
            "list_wazzup_triggers",
            c.list_wazzup_triggers().send().await,
        );
        let op = "create_wazzup_trigger";
        calls.check(
            op,
            c.create_wazzup_trigger()
                .body(ex.body::<types::WazzupTriggerRequest>(op))
                .send()
                .await,
        );
        let op = "update_wazzup_trigger";
        calls.check(
            op,
            c.update_wazzup_trigger()
                .id(ex.param::<i64>(op, "id"))
                .body(ex.body::<types::WazzupTriggerRequest>(op))
                .send()
                .await,
        );
        let op = "partial_update_wazzup_trigger";
        calls.check(
            op,
            c.partial_update_wazzup_trigger()
                .id(ex.param::<i64>(op, "id"))
                .body(ex.body::<types::PatchedWazzupTriggerRequest>(op))
                .send()
                .await,
        );
        let op = "delete_wazzup_trigger";
        calls.check(
            op,
            c.delete_wazzup_trigger()
                .id(ex.param::<i64>(op, "id"))
                .send()
                .await,
        );
        calls
    }

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("yume", exercise).await;
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
    use crm_bindings::uapay::{Client, types};

    async fn exercise(base_url: String) -> Calls {
        let ex = SpecExamples::load("uapay");
        let c = Client::with_http_config(&base_url, &crm_bindings::HttpConfig::default()).unwrap();
        let mut calls = Calls::default();
        let op = "update_deal";
        calls.check(
            op,
            c.update_deal()
                .deal_id(ex.param::<types::DealId>(op, "dealId"))
                .by_external_id(ex.param::<bool>(op, "byExternalId"))
                .body(ex.body::<types::DealUpdate>(op))
                .send()
                .await,
        );
        calls
    }

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("uapay", exercise).await;
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
    use crm_bindings::thulium::{Client, types};

    async fn exercise(base_url: String) -> Calls {
        let ex = SpecExamples::load("thulium");
        let c = Client::with_basic_auth(&base_url, "api_user", "api_pass").unwrap();
        let mut calls = Calls::default();
        let op = "update_outbound_record";
        calls.check(
            op,
            c.update_outbound_record()
                .id(ex.param::<types::CampaignId>(op, "id"))
                .customer_id(ex.param::<u64>(op, "customer_id"))
                .body(ex.body::<types::OutboundRecordUpdate>(op))
                .send()
                .await,
        );
        calls
    }

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("thulium", exercise).await;
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
    use crm_bindings::solos::{Client, types};

    async fn exercise(base_url: String) -> Calls {
        let ex = SpecExamples::load("solos");
        let c = Client::with_keys(&base_url, "contract-token", "contract-secret").unwrap();
        let mut calls = Calls::default();
        let op = "list_projects";
        calls.check(
            op,
            c.list_projects()
                .count(ex.param::<u64>(op, "count"))
                .offset(ex.param::<u64>(op, "offset"))
                .order_by(ex.param::<String>(op, "order_by"))
                .reverse(ex.param::<types::SortReverse>(op, "reverse"))
                .deleted(ex.param::<types::DeletedFlag>(op, "deleted"))
                .send()
                .await,
        );
        let op = "filter_projects";
        calls.check(
            op,
            c.filter_projects()
                .body(ex.body::<types::ProjectFilter>(op))
                .send()
                .await,
        );
        let op = "get_project";
        calls.check(
            op,
            c.get_project().id(ex.param::<u64>(op, "id")).send().await,
        );
        let op = "list_project_steps";
        calls.check(
            op,
            c.list_project_steps()
                .id(ex.param::<u64>(op, "id"))
                .filter_date(ex.param::<chrono::NaiveDate>(op, "filter_date"))
                .filter_steps(ex.param::<types::UnderscoreIdList>(op, "filter_steps"))
                .send()
                .await,
        );
        let op = "list_project_actions";
        calls.check(
            op,
            c.list_project_actions()
                .id(ex.param::<u64>(op, "id"))
                .count(ex.param::<u64>(op, "count"))
                .offset(ex.param::<u64>(op, "offset"))
                .filter_id(ex.param::<u64>(op, "filter_id"))
                .filter_date(ex.param::<chrono::NaiveDate>(op, "filter_date"))
                .filter_actions(ex.param::<types::UnderscoreIdList>(op, "filter_actions"))
                .send()
                .await,
        );
        let op = "get_project_action";
        calls.check(
            op,
            c.get_project_action()
                .id(ex.param::<u64>(op, "id"))
                .send()
                .await,
        );
        let op = "list_project_checklists";
        calls.check(
            op,
            c.list_project_checklists()
                .id(ex.param::<u64>(op, "id"))
                .send()
                .await,
        );
        let op = "list_project_goods";
        calls.check(
            op,
            c.list_project_goods()
                .id(ex.param::<u64>(op, "id"))
                .send()
                .await,
        );
        let op = "list_project_payments";
        calls.check(
            op,
            c.list_project_payments()
                .id(ex.param::<u64>(op, "id"))
                .count(ex.param::<u64>(op, "count"))
                .offset(ex.param::<u64>(op, "offset"))
                .filter_id(ex.param::<u64>(op, "filter_id"))
                .filter_date(ex.param::<chrono::NaiveDate>(op, "filter_date"))
                .filter_type(ex.param::<types::PaymentType>(op, "filter_type"))
                .send()
                .await,
        );
        calls
    }

    #[tokio::test]
    async fn every_operation_passes_prism() {
        contract("solos", exercise).await;
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
