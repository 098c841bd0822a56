//! What a retried call reports, for every operation of every API (from the generator's
//! table), when each of its attempts answers differently: 503, then 502, then a 504 or the
//! documented success, each with its own `x-request-id`, its own `x-attempt` header and its
//! own body. Whatever the crate reports of the call (the status, the request id, the headers
//! it keeps, the body excerpt, the attempts, the duration) must be the last attempt's, or the
//! whole call's, in the error, its `Display`, the call's span and what the hooks see, for a
//! call that fails and for one that succeeds. The first two answers are the retried ones, so
//! a crate that kept a fact of its first (or of any earlier) attempt fails here.
//!
//! The retry policy is the default one with POST and PATCH opted in (so every operation is
//! retried) and `Retry-After: 0` on each retried answer (no backoff waited); the first answer
//! comes 40 ms late. The calls run once, and each test checks one fact of all of them. The
//! ids, header values and bodies are made up here: they only need to differ from attempt to
//! attempt.
//! Thulium's request id from its error body is checked in `apis/thulium.rs`.

use crate::support::operations::{self, Operation, Outcome};
use crate::support::traces::{self, SpanRecord};
use crm_bindings::{Attempt, AttemptOutcome, HttpConfig, RequestHook, RetryPolicy};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

/// How the last (third) attempt ends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Last {
    /// 504 Gateway Timeout, which the default policy would retry but no attempt is left.
    Fails,
    /// The operation's documented success, with the spec's example.
    Succeeds,
}

/// The request id attempt `n` answers with.
fn request_id(n: usize) -> String {
    format!("req-attempt-{n}")
}

/// The status and body attempt `n` answers with, when it fails. Every body names its
/// attempt, with a word the others do not have.
fn failing_answer(n: usize) -> (u16, &'static str, &'static str) {
    match n {
        1 => (
            503,
            "text/html",
            "<html><body><h1>503 Service Unavailable</h1><p>attempt one: the pool is draining</p></body></html>",
        ),
        2 => (
            502,
            "text/plain",
            "502 Bad Gateway: attempt two, the upstream closed the connection",
        ),
        _ => (
            504,
            "text/html",
            "<html><body><h1>504 Gateway Timeout</h1><p>attempt three: the upstream did not answer</p></body></html>",
        ),
    }
}

/// Attempt `n`'s answer to `op`: a retried status for the first two, then as `last` says;
/// each with its own request id and `x-attempt: n`.
fn answer(op: &Operation, n: usize, last: Last) -> ResponseTemplate {
    let template = match (n, last) {
        (3, Last::Succeeds) => op.success_answer(),
        _ => {
            let (status, media, body) = failing_answer(n);
            ResponseTemplate::new(status).set_body_raw(body, media)
        }
    };
    let template = template
        .insert_header("x-request-id", request_id(n).as_str())
        .insert_header("x-attempt", n.to_string().as_str());
    if n < 3 {
        template.insert_header("retry-after", "0")
    } else {
        template
    }
}

/// Answers the n-th request with `answers[n]` (and a 500 past them: a fourth request is a
/// bug the counts below name).
struct InTurn {
    answers: Vec<ResponseTemplate>,
    served: AtomicUsize,
}

impl Respond for InTurn {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        self.answers
            .get(n)
            .cloned()
            .unwrap_or_else(|| ResponseTemplate::new(500))
    }
}

/// What a hook saw of one attempt.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    number: u32,
    status: Option<u16>,
    request_id: Option<String>,
    attempt_header: Option<String>,
    elapsed: Duration,
}

/// Records what `after_attempt` sees of every attempt.
#[derive(Default)]
struct Recorder(Mutex<Vec<Seen>>);

impl RequestHook for Recorder {
    fn after_attempt(&self, attempt: &Attempt, outcome: &AttemptOutcome<'_>) {
        let header = |headers: &reqwest::header::HeaderMap, name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let seen = match outcome {
            AttemptOutcome::Answered {
                status,
                headers,
                elapsed,
            } => Seen {
                number: attempt.number,
                status: Some(status.as_u16()),
                request_id: header(headers, "x-request-id"),
                attempt_header: header(headers, "x-attempt"),
                elapsed: *elapsed,
            },
            AttemptOutcome::Failed { elapsed, .. } => Seen {
                number: attempt.number,
                status: None,
                request_id: None,
                attempt_header: None,
                elapsed: *elapsed,
            },
            _ => unreachable!("an outcome this test does not know"),
        };
        self.0.lock().unwrap().push(seen);
    }
}

/// One retried call of `op` and everything it reported.
struct Run {
    what: String,
    outcome: Outcome,
    span: SpanRecord,
    seen: Vec<Seen>,
    requests: usize,
    /// The status of the last answer (the 504, or the documented success).
    last_status: u16,
    /// For a success: what the same operation decodes from its success answered at once.
    answered_at_once: Option<Option<serde_json::Value>>,
}

impl Run {
    fn field(&self, name: &str) -> &str {
        self.span
            .fields
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{}: no `{name}` in {:?}", self.what, self.span.fields))
    }

    fn header(&self, name: &str) -> Option<&str> {
        let headers = self.outcome.headers.as_ref()?;
        headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// How late the first answer comes: longer than a last attempt takes, so a duration of the
/// last attempt alone is shorter than the call's.
const FIRST_DELAY: Duration = Duration::from_millis(40);

/// Calls the `op_index`-th operation against a server whose three attempts answer as above,
/// the first [`FIRST_DELAY`] late.
async fn run(op_index: usize, last: Last) -> Run {
    let ops = operations::all();
    let op = &ops[op_index];
    let mut answers: Vec<ResponseTemplate> = (1..=3).map(|n| answer(op, n, last)).collect();
    answers[0] = answers[0].clone().set_delay(FIRST_DELAY);
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(InTurn {
            answers,
            served: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let config = HttpConfig::default()
        .retries(RetryPolicy::default().retry_non_idempotent(true))
        .hook(recorder.clone());
    let (guard, captured) = traces::capture();
    let outcome = op.run(&server.uri(), config).await;
    drop(guard);
    let what = format!("{} {} ({last:?})", op.api, op.id);
    let spans: Vec<SpanRecord> = captured
        .spans()
        .into_iter()
        .filter(|s| s.name == op.id)
        .collect();
    assert_eq!(spans.len(), 1, "{what}: spans {spans:?}");
    let requests = server.received_requests().await.unwrap().len();
    assert_eq!(requests, 3, "{what}: three attempts");
    let seen = recorder.0.lock().unwrap().clone();
    let last_status = match last {
        Last::Fails => 504,
        Last::Succeeds => op.success_status().0,
    };
    let answered_at_once = match last {
        Last::Fails => None,
        Last::Succeeds => {
            let at_once = operations::serve(op.success_answer()).await;
            let reference = op.run(&at_once.uri(), HttpConfig::default()).await;
            assert!(reference.result.is_ok(), "{what}: {:?}", reference.result);
            Some(reference.value)
        }
    };
    Run {
        what,
        outcome,
        span: spans[0].clone(),
        seen,
        requests,
        last_status,
        answered_at_once,
    }
}

/// Every operation, once failing and once succeeding on its last attempt: run once (on a
/// thread and runtime of their own) for all the tests below, each of which checks one fact.
fn every_run() -> &'static [Run] {
    static RUNS: std::sync::OnceLock<Vec<Run>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| {
        let runs = std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut runs = Vec::new();
                for op_index in 0..operations::all().len() {
                    for last in [Last::Fails, Last::Succeeds] {
                        runs.push(run(op_index, last).await);
                    }
                }
                runs
            })
        })
        .join()
        .expect("the retried calls ran (their failure is printed above)");
        crate::support::assert_every_spec("retried calls", operations::api_names());
        runs
    })
}

/// The status: the error's and its `Display`'s (a failure), the answer's (a success), the
/// span's; each hook call sees its own attempt's, the last one the last status.
#[test]
fn a_retried_call_reports_the_status_of_its_last_attempt() {
    for run in every_run() {
        let what = &run.what;
        match &run.outcome.result {
            Err(failure) => {
                assert_eq!(failure.status, Some(504), "{what}: {failure:?}");
                assert_eq!(failure.kind, "UnexpectedResponse", "{what}");
                assert!(
                    failure
                        .display
                        .contains(": HTTP 504 Gateway Timeout is not"),
                    "{what}: {}",
                    failure.display
                );
                for earlier in ["HTTP 503", "HTTP 502"] {
                    assert!(!failure.display.contains(earlier), "{what}: {earlier}");
                }
            }
            Ok(status) => assert_eq!(*status, run.last_status, "{what}"),
        }
        assert_eq!(run.field("status"), run.last_status.to_string(), "{what}");
        let statuses: Vec<Option<u16>> = run.seen.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [Some(503), Some(502), Some(run.last_status)],
            "{what}"
        );
    }
}

/// The request id: the error's (`Display` ends with it), the span's, and the header a
/// success's caller gets are the last attempt's; no earlier attempt's id shows anywhere
/// the call is reported. Each hook call sees its own attempt's.
#[test]
fn a_retried_call_reports_the_request_id_of_its_last_attempt() {
    for run in every_run() {
        let what = &run.what;
        let last = request_id(3);
        assert_eq!(run.field("request_id"), last, "{what}");
        assert_eq!(run.header("x-request-id"), Some(last.as_str()), "{what}");
        let mut reported: Vec<String> = run.span.fields.values().cloned().collect();
        if let Err(failure) = &run.outcome.result {
            assert!(
                failure
                    .display
                    .ends_with(&format!("(after 3 attempts) (request id {last})")),
                "{what}: {}",
                failure.display
            );
            assert!(
                failure
                    .debug
                    .contains(&format!("request_id: Some(\"{last}\")")),
                "{what}: {}",
                failure.debug
            );
            reported.extend([failure.display.clone(), failure.debug.clone()]);
        }
        for earlier in [request_id(1), request_id(2)] {
            let shown: Vec<&String> = reported.iter().filter(|r| r.contains(&earlier)).collect();
            assert!(shown.is_empty(), "{what}: {earlier} in {shown:?}");
        }
        let ids: Vec<Option<String>> = run.seen.iter().map(|s| s.request_id.clone()).collect();
        assert_eq!(
            ids,
            [Some(request_id(1)), Some(request_id(2)), Some(last)],
            "{what}"
        );
    }
}

/// The headers: those the error keeps (a failure) and those the answer has (a success) are
/// the last attempt's (`x-attempt: 3`, its content type); each hook call sees its own
/// attempt's.
#[test]
fn a_retried_call_keeps_the_headers_of_its_last_attempt() {
    for run in every_run() {
        let what = &run.what;
        assert_eq!(run.header("x-attempt"), Some("3"), "{what}");
        if let Err(failure) = &run.outcome.result {
            assert_eq!(run.header("content-type"), Some("text/html"), "{what}");
            assert!(
                failure.display.contains(" bytes of text/html: `"),
                "{what}: {}",
                failure.display
            );
            assert!(
                failure.debug.contains("content_type: \"text/html\""),
                "{what}: {}",
                failure.debug
            );
        }
        let attempts: Vec<Option<&str>> = run
            .seen
            .iter()
            .map(|s| s.attempt_header.as_deref())
            .collect();
        assert_eq!(attempts, [Some("1"), Some("2"), Some("3")], "{what}");
    }
}

/// The body: a failure's excerpt (and its `Display`, which shows it and its length) is the
/// last attempt's page, with nothing of the earlier ones; a success decodes the last
/// attempt's body, as a call answered at once decodes it.
#[test]
fn a_retried_call_shows_the_body_of_its_last_attempt() {
    for run in every_run() {
        let what = &run.what;
        match &run.outcome.result {
            Err(failure) => {
                let (_, _, body) = failing_answer(3);
                assert_eq!(failure.body_excerpt.as_deref(), Some(body), "{what}");
                assert!(
                    failure
                        .display
                        .contains(&format!("{} bytes of text/html: `{body}`", body.len())),
                    "{what}: {}",
                    failure.display
                );
                for earlier in ["attempt one", "attempt two"] {
                    assert!(!failure.display.contains(earlier), "{what}: {earlier}");
                    assert!(!failure.debug.contains(earlier), "{what}: {earlier}");
                }
            }
            Ok(_) => {
                let at_once = run
                    .answered_at_once
                    .as_ref()
                    .expect("a success's reference");
                assert_eq!(&run.outcome.value, at_once, "{what}");
            }
        }
    }
}

/// The attempts: three, in the error's `Display` and the span (failure and success), the
/// server saw three requests and the hooks ran for attempts 1, 2 and 3 in order.
#[test]
fn a_retried_call_counts_every_attempt() {
    for run in every_run() {
        let what = &run.what;
        assert_eq!(run.requests, 3, "{what}");
        assert_eq!(run.field("attempts"), "3", "{what}");
        if let Err(failure) = &run.outcome.result {
            assert!(
                failure.display.contains("(after 3 attempts)"),
                "{what}: {}",
                failure.display
            );
        }
        let numbers: Vec<u32> = run.seen.iter().map(|s| s.number).collect();
        assert_eq!(numbers, [1, 2, 3], "{what}");
    }
}

/// The duration: the span's `duration_ms` is the whole call's, so it is at least what the
/// hooks measured of all three attempts together; the first answer comes 40 ms late, so a
/// span timing only its last attempt (a few milliseconds) reports less than that. No bound
/// on the time itself is asserted: the check compares two measurements of the same call.
#[test]
fn a_retried_call_s_duration_covers_every_attempt() {
    for run in every_run() {
        let what = &run.what;
        let span_ms: u128 = run.field("duration_ms").parse().expect("milliseconds");
        let attempts: Duration = run.seen.iter().map(|s| s.elapsed).sum();
        assert!(
            span_ms >= attempts.as_millis(),
            "{what}: the span says {span_ms} ms, its attempts took {attempts:?} ({:?})",
            run.seen
        );
    }
}
