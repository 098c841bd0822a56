//! The trace of every call, for every operation of every API (from the generator's table):
//! one span named after the operation with its method, path template, status, attempts,
//! duration and the service's request id; an INFO event per retry; a failure event at WARN
//! (refused before sending, a documented error status) or ERROR (anything else).
//!
//! That no secret reaches a span or event is checked by `secrets.rs`, which captures every
//! span and event of its runs.

use crate::support::harness::Check;
use crate::support::operations::{self, Operation};
use crate::support::traces::{self, Captured, SpanRecord};
use crm_bindings::{HttpConfig, RetryPolicy};
use crm_bindings_runtime::mock::Status;
use std::time::Duration;
use tracing::Level;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

/// The one span named after `op` (a call is one span).
fn span_of(captured: &Captured, op: &Operation) -> SpanRecord {
    let spans: Vec<SpanRecord> = captured
        .spans()
        .into_iter()
        .filter(|s| s.name == op.id)
        .collect();
    assert_eq!(spans.len(), 1, "{}: spans {spans:?}", op.id);
    spans[0].clone()
}

fn field<'a>(span: &'a SpanRecord, name: &str) -> &'a str {
    span.fields
        .get(name)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("{}: no `{name}` in {:?}", span.name, span.fields))
}

#[tokio::test]
async fn every_call_is_a_span_named_after_its_operation() {
    for op in operations::all() {
        let (_guard, captured) = traces::capture();
        let answer = op
            .success_answer()
            .insert_header("x-request-id", "req-ok-1");
        let server = operations::serve(answer).await;
        let outcome = op.run(&server.uri(), HttpConfig::default()).await;
        assert!(outcome.result.is_ok(), "{}: {:?}", op.id, outcome.result);
        let span = span_of(&captured, &op);
        // A success's request id header is the span's too.
        assert_eq!(field(&span, "request_id"), "req-ok-1");
        assert_eq!(field(&span, "operation"), op.id);
        assert_eq!(field(&span, "method"), op.facts.method);
        assert_eq!(field(&span, "path"), op.facts.path);
        let (status, _) = op.success_status();
        assert_eq!(field(&span, "status"), status.to_string());
        assert_eq!(field(&span, "attempts"), "1");
        assert!(field(&span, "duration_ms").parse::<u64>().is_ok());
        // A success is one DEBUG event of ours (reqwest and hyper add their own), in the
        // call's span, with the status.
        let events: Vec<_> = captured
            .events()
            .into_iter()
            .filter(|e| e.target.starts_with("crm_bindings"))
            .collect();
        assert_eq!(events.len(), 1, "{}: {events:?}", op.id);
        assert_eq!(events[0].level, Level::DEBUG, "{}", op.id);
        assert_eq!(events[0].fields["message"], "call succeeded", "{}", op.id);
        assert_eq!(events[0].fields["status"], status.to_string(), "{}", op.id);
        let in_span = events[0].span.map(|i| captured.spans()[i].id);
        assert_eq!(in_span, Some(span.id), "{}", op.id);
    }
}

#[tokio::test]
async fn a_retry_is_an_info_event_and_the_span_counts_the_attempts() {
    for op in operations::all()
        .into_iter()
        .filter(|op| matches!(op.facts.method, "GET" | "PUT" | "DELETE"))
    {
        let (_guard, captured) = traces::capture();
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(op.success_answer())
            .mount(&server)
            .await;
        let outcome = op.run(&server.uri(), HttpConfig::default()).await;
        assert!(outcome.result.is_ok(), "{}: {:?}", op.id, outcome.result);
        let span = span_of(&captured, &op);
        assert_eq!(field(&span, "attempts"), "2", "{}", op.id);
        let retries: Vec<_> = captured
            .events()
            .into_iter()
            .filter(|e| e.fields.get("message").map(String::as_str) == Some("retrying"))
            .collect();
        assert_eq!(
            retries.len(),
            1,
            "{}: {:?} {:?}",
            op.id,
            captured.events(),
            captured.spans()
        );
        assert_eq!(retries[0].level, Level::INFO);
        assert_eq!(retries[0].fields["status"], "503");
        assert_eq!(retries[0].fields["wait_ms"], "0");
        let in_span = retries[0].span.map(|i| captured.spans()[i].name.clone());
        assert_eq!(
            in_span.as_deref(),
            Some(op.id),
            "the retry is in the call's span"
        );
    }
}

#[tokio::test]
async fn failures_are_events_at_their_level_with_the_request_id() {
    let mut ids_from_bodies = 0;
    for op in operations::all() {
        // An undocumented status: ERROR, and the header's request id on the span.
        let (guard, captured) = traces::capture();
        let server =
            operations::serve(ResponseTemplate::new(418).insert_header("x-request-id", "req-7f3a"))
                .await;
        let failure = op
            .run(&server.uri(), HttpConfig::default())
            .await
            .result
            .expect_err("418 is not documented");
        assert!(
            failure.display.ends_with("(request id req-7f3a)"),
            "{}",
            failure.display
        );
        let span = span_of(&captured, &op);
        assert_eq!(field(&span, "status"), "418");
        assert_eq!(field(&span, "request_id"), "req-7f3a");
        let failed: Vec<_> = captured
            .events()
            .into_iter()
            .filter(|e| e.fields.get("message").map(String::as_str) == Some("call failed"))
            .collect();
        assert_eq!(failed.len(), 1, "{}: {failed:?}", op.id);
        assert_eq!(failed[0].level, Level::ERROR, "{}", op.id);
        assert!(failed[0].fields["error"].contains("418"), "{failed:?}");
        drop(guard);

        // A documented error status (where the spec has one): WARN.
        let documented = op.facts.statuses.iter().find_map(|s| match s {
            Status::Error { from, .. } => Some(*from),
            Status::Success { .. } => None,
        });
        let (Some(status), Some(example)) = (documented, op.facts.error_example) else {
            continue;
        };
        let (_guard, captured) = traces::capture();
        let server = operations::serve(
            ResponseTemplate::new(status).set_body_raw(example, "application/json"),
        )
        .await;
        let failure = op
            .run(
                &server.uri(),
                HttpConfig::default().retries(RetryPolicy::none()),
            )
            .await
            .result
            .expect_err("a documented error");
        assert_eq!(failure.kind, "ErrorResponse", "{}", op.id);
        let failed: Vec<_> = captured
            .events()
            .into_iter()
            .filter(|e| e.fields.get("message").map(String::as_str) == Some("call failed"))
            .collect();
        assert_eq!(failed.len(), 1, "{}: {failed:?}", op.id);
        assert_eq!(failed[0].level, Level::WARN, "{}", op.id);
        // A request id in the error body (the spec's `x-crm-request-id` field, Thulium's
        // `request_id`) is the span's, as in the seed's example.
        let body: serde_json::Value = serde_json::from_str(example).unwrap();
        if let Some(id) = body.get("request_id").and_then(|v| v.as_str()) {
            assert_eq!(
                field(&span_of(&captured, &op), "request_id"),
                id,
                "{}",
                op.id
            );
            ids_from_bodies += 1;
        }
    }
    assert!(ids_from_bodies > 0, "no error example has a request id");
}

/// A call refused before sending (a value the spec forbids) is one `call failed` event at
/// WARN, in the call's span: the caller's mistake, not the service's.
#[tokio::test]
async fn a_refused_input_is_a_warn_event() {
    let mut checked = 0;
    for api in operations::apis() {
        for refusal in &api.refusals {
            let Check::Call(call) = &refusal.check else {
                continue;
            };
            let (_guard, captured) = traces::capture();
            // Port 9 (discard) on loopback: never reached, as nothing is sent.
            let outcome = call(
                "http://127.0.0.1:9".into(),
                HttpConfig::default(),
                operations::credentials(api.name),
            )
            .await;
            let label = format!("{} {}", refusal.operation.id, refusal.what);
            let failure = outcome.result.expect_err(&label);
            assert_eq!(failure.kind, "InvalidRequest", "{label}");
            let failed: Vec<_> = captured
                .events()
                .into_iter()
                .filter(|e| e.fields.get("message").map(String::as_str) == Some("call failed"))
                .collect();
            assert_eq!(failed.len(), 1, "{label}: {failed:?}");
            assert_eq!(failed[0].level, Level::WARN, "{label}");
            let span = failed[0].span.map(|i| captured.spans()[i].name.clone());
            assert_eq!(span.as_deref(), Some(refusal.operation.id), "{label}");
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[tokio::test]
async fn a_timeout_is_an_error_event_without_the_url() {
    let op = operations::all()
        .into_iter()
        .find(|op| op.facts.method == "GET")
        .expect("a GET");
    let (_guard, captured) = traces::capture();
    let server = operations::serve(op.success_answer().set_delay(Duration::from_secs(5))).await;
    let config = HttpConfig::default()
        .timeout(Duration::from_millis(200))
        .retries(RetryPolicy::none());
    let failure = op
        .run(&server.uri(), config)
        .await
        .result
        .expect_err("timeout");
    assert!(failure.is_timeout);
    let failed: Vec<_> = captured
        .events()
        .into_iter()
        .filter(|e| e.level == Level::ERROR)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let text = &failed[0].fields["error"];
    assert!(text.contains("timed out"), "{text}");
    assert!(!text.contains("127.0.0.1"), "the URL is left out: {text}");
    // The error itself still names the URL, for the developer reading it.
    assert!(failure.display.contains("127.0.0.1"), "{}", failure.display);
}
