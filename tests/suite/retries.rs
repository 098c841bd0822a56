//! The retry policy, for every operation of every API (from the generator's table): which
//! answers and failures are tried again, how long the client waits (backoff with jitter,
//! `Retry-After` in seconds and as an HTTP date), the attempt limit, the deadline, POST and
//! PATCH sent once unless the client opts in, and what the final error reports.
//!
//! Waits go through an injected [`Clock`] that records them and returns at once, so no test
//! sleeps; the servers are loopback wiremock servers answering in sequence.

use crate::support::operations::{self, Operation, Outcome};
use crm_bindings::{Clock, HttpConfig, RetryPolicy};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

/// A clock whose waits return at once and move its time forward; its wall clock starts at
/// a fixed date (for `Retry-After` dates).
struct FakeClock {
    start: Instant,
    waited: Mutex<Vec<Duration>>,
}

/// The fake wall clock's time: 2026-11-27 12:00:00 UTC.
fn wall_start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_780_800)
}

impl FakeClock {
    fn new() -> Arc<FakeClock> {
        Arc::new(FakeClock {
            start: Instant::now(),
            waited: Mutex::new(Vec::new()),
        })
    }

    fn waits(&self) -> Vec<Duration> {
        self.waited.lock().unwrap().clone()
    }

    fn elapsed(&self) -> Duration {
        self.waits().iter().sum()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }

    fn system_time(&self) -> SystemTime {
        wall_start() + self.elapsed()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.waited.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// Answers the n-th request with `answers[n]` (the last one again after that).
struct Sequence {
    answers: Vec<ResponseTemplate>,
    served: AtomicUsize,
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        self.answers[n.min(self.answers.len() - 1)].clone()
    }
}

async fn serve_in_turn(answers: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Sequence {
            answers,
            served: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    server
}

fn repeatable(op: &Operation) -> bool {
    matches!(op.facts.method, "GET" | "PUT" | "DELETE")
}

async fn run(op: &Operation, server: &MockServer, policy: RetryPolicy) -> Outcome {
    op.run(&server.uri(), HttpConfig::default().retries(policy))
        .await
}

fn requests(server_requests: Option<Vec<Request>>) -> usize {
    server_requests.map_or(0, |r| r.len())
}

#[tokio::test]
async fn a_503_then_a_503_then_success_is_retried_for_get_put_and_delete_only() {
    let mut failures = Vec::new();
    let mut retried = 0;
    for op in operations::all() {
        let clock = FakeClock::new();
        let server = serve_in_turn(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(503),
            op.success_answer(),
        ])
        .await;
        let outcome = run(&op, &server, RetryPolicy::default().clock(clock.clone())).await;
        let sent = requests(server.received_requests().await);
        let waits = clock.waits();
        if repeatable(&op) {
            retried += 1;
            // Equal jitter: the first wait is within [100, 200] ms, the second [200, 400].
            let in_steps = waits.len() == 2
                && (100..=200).contains(&waits[0].as_millis())
                && (200..=400).contains(&waits[1].as_millis());
            if outcome.result.is_err() || sent != 3 || !in_steps {
                failures.push(format!(
                    "{} {}: {sent} requests, waits {waits:?}, {:?}",
                    op.api, op.id, outcome.result
                ));
            }
        } else {
            // POST and PATCH: one request, the 503 is the answer.
            let failure = outcome.result.as_ref().err();
            if sent != 1 || !waits.is_empty() || failure.and_then(|f| f.status) != Some(503) {
                failures.push(format!(
                    "{} {} ({}): {sent} requests, waits {waits:?}, {:?}",
                    op.api, op.id, op.facts.method, outcome.result
                ));
            }
        }
    }
    assert!(retried >= 10, "only {retried} GET/PUT/DELETE operations");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn post_and_patch_are_retried_after_the_client_opts_in() {
    let mut checked = 0;
    for op in operations::all().iter().filter(|op| !repeatable(op)) {
        let clock = FakeClock::new();
        let server = serve_in_turn(vec![ResponseTemplate::new(502), op.success_answer()]).await;
        let policy = RetryPolicy::default()
            .retry_non_idempotent(true)
            .clock(clock.clone());
        let outcome = run(op, &server, policy).await;
        assert!(outcome.result.is_ok(), "{}: {:?}", op.id, outcome.result);
        assert_eq!(requests(server.received_requests().await), 2, "{}", op.id);
        assert_eq!(clock.waits().len(), 1, "{}", op.id);
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} POST/PATCH operations");
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_an_http_date_is_the_wait() {
    for op in operations::all().iter().filter(|op| repeatable(op)) {
        // 2026-11-27 12:00:30 GMT: 30 s after the fake clock's start.
        let date = httpdate::fmt_http_date(wall_start() + Duration::from_secs(30));
        for (header, expected) in [("7", 7), (date.as_str(), 30)] {
            let clock = FakeClock::new();
            let server = serve_in_turn(vec![
                ResponseTemplate::new(429).insert_header("retry-after", header),
                op.success_answer(),
            ])
            .await;
            let outcome = run(op, &server, RetryPolicy::default().clock(clock.clone())).await;
            assert!(outcome.result.is_ok(), "{}: {:?}", op.id, outcome.result);
            assert_eq!(
                clock.waits(),
                [Duration::from_secs(expected)],
                "{} with Retry-After: {header}",
                op.id
            );
        }
    }
}

#[tokio::test]
async fn a_wait_past_the_deadline_is_not_taken_and_the_last_answer_is_the_error() {
    for op in operations::all().iter().filter(|op| repeatable(op)) {
        let clock = FakeClock::new();
        let server = serve_in_turn(vec![
            ResponseTemplate::new(429).insert_header("retry-after", "120"),
            op.success_answer(),
        ])
        .await;
        // The default deadline is 60 s: a 120 s wait would end past it.
        let outcome = run(op, &server, RetryPolicy::default().clock(clock.clone())).await;
        let failure = outcome.result.expect_err("the 429 is the answer");
        assert_eq!(failure.status, Some(429), "{}", op.id);
        assert_eq!(requests(server.received_requests().await), 1, "{}", op.id);
        assert!(clock.waits().is_empty(), "{}", op.id);
        assert!(!failure.display.contains("attempts"), "{}", failure.display);
    }
}

#[tokio::test]
async fn backoff_stops_at_the_deadline_and_at_the_attempt_limit() {
    let op = operations::all()
        .into_iter()
        .find(repeatable)
        .expect("a GET, PUT or DELETE");
    // Steps of 1, 2, 4, 8 s (halved at least by jitter): with a 5 s deadline, the
    // attempts stop long before the limit of 50.
    let clock = FakeClock::new();
    let server = serve_in_turn(vec![ResponseTemplate::new(503)]).await;
    let policy = RetryPolicy::default()
        .max_attempts(50)
        .backoff(Duration::from_secs(1), Duration::from_secs(8))
        .deadline(Duration::from_secs(5))
        .clock(clock.clone());
    let outcome = run(&op, &server, policy).await;
    let sent = requests(server.received_requests().await);
    assert!(
        clock.elapsed() < Duration::from_secs(5),
        "{:?}",
        clock.waits()
    );
    assert!((2..=4).contains(&sent), "{sent} attempts in 5 s");
    let failure = outcome.result.expect_err("503 every time");
    assert_eq!(failure.status, Some(503));
    assert!(
        failure
            .display
            .ends_with(&format!("(after {sent} attempts)")),
        "{}",
        failure.display
    );

    // The attempt limit: 3 by default, each a request, the last answer kept.
    let clock = FakeClock::new();
    let server = serve_in_turn(vec![ResponseTemplate::new(504)]).await;
    let outcome = run(&op, &server, RetryPolicy::default().clock(clock.clone())).await;
    assert_eq!(requests(server.received_requests().await), 3);
    assert_eq!(clock.waits().len(), 2);
    let failure = outcome.result.expect_err("504 every time");
    assert_eq!(failure.status, Some(504));
    assert!(
        failure.display.contains("(after 3 attempts)"),
        "{}",
        failure.display
    );
}

#[tokio::test]
async fn statuses_that_are_not_transient_are_not_retried() {
    let op = operations::all()
        .into_iter()
        .find(repeatable)
        .expect("a GET, PUT or DELETE");
    for status in [400, 401, 404, 500, 501] {
        let clock = FakeClock::new();
        let server = serve_in_turn(vec![ResponseTemplate::new(status), op.success_answer()]).await;
        let outcome = run(&op, &server, RetryPolicy::default().clock(clock.clone())).await;
        assert_eq!(outcome.result.expect_err("the error").status, Some(status));
        assert_eq!(requests(server.received_requests().await), 1, "{status}");
        assert!(clock.waits().is_empty());
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_with_its_attempts() {
    let base = operations::refused_base_url();
    for op in operations::all() {
        let clock = FakeClock::new();
        let config = HttpConfig::default().retries(RetryPolicy::default().clock(clock.clone()));
        let failure = op.run(&base, config).await.result.expect_err("refused");
        assert_eq!(failure.kind, "Communication", "{}", op.id);
        let (attempts, waits) = if repeatable(&op) { (3, 2) } else { (1, 0) };
        assert_eq!(clock.waits().len(), waits, "{}", op.id);
        if attempts > 1 {
            assert!(
                failure.display.contains("(after 3 attempts)"),
                "{}",
                failure.display
            );
        }
    }
}

#[tokio::test]
async fn retries_off_is_one_call() {
    for op in operations::all() {
        let server = serve_in_turn(vec![ResponseTemplate::new(503), op.success_answer()]).await;
        let outcome = run(&op, &server, RetryPolicy::none()).await;
        assert_eq!(outcome.result.expect_err("503").status, Some(503));
        assert_eq!(requests(server.received_requests().await), 1, "{}", op.id);
    }
}

#[tokio::test]
async fn a_retry_gets_only_what_is_left_before_the_deadline() {
    let op = operations::all()
        .into_iter()
        .find(repeatable)
        .expect("a GET, PUT or DELETE");
    // The first answer asks for a 19 s wait (taken on the fake clock); the deadline is 19.3 s,
    // so the retry's timeout is cut from the default 30 s to 0.3 s, and the second answer,
    // 5 s late, is not waited for.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "19"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(op.success_answer().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let clock = FakeClock::new();
    // Two attempts: the fake clock does not move while an attempt runs, so it would see time
    // left for a third.
    let policy = RetryPolicy::default()
        .max_attempts(2)
        .deadline(Duration::from_millis(19_300))
        .clock(clock.clone());
    let failure = run(&op, &server, policy)
        .await
        .result
        .expect_err("the retry times out");
    assert!(failure.is_timeout, "{}", failure.display);
    assert_eq!(clock.waits(), [Duration::from_secs(19)]);
    assert!(
        failure.display.contains("(after 2 attempts)"),
        "{}",
        failure.display
    );
}

#[tokio::test]
async fn a_wait_ending_exactly_at_the_deadline_is_not_taken() {
    let op = operations::all()
        .into_iter()
        .find(repeatable)
        .expect("a GET, PUT or DELETE");
    let clock = FakeClock::new();
    let server = serve_in_turn(vec![
        ResponseTemplate::new(503).insert_header("retry-after", "60"),
        op.success_answer(),
    ])
    .await;
    // The default deadline is 60 s: a retry that would start at 60 s does not start.
    let outcome = run(&op, &server, RetryPolicy::default().clock(clock.clone())).await;
    assert_eq!(outcome.result.expect_err("the 503").status, Some(503));
    assert!(clock.waits().is_empty());
}

#[tokio::test]
async fn the_first_attempt_is_bounded_by_the_timeout_alone() {
    let op = operations::all()
        .into_iter()
        .find(repeatable)
        .expect("a GET, PUT or DELETE");
    // A deadline far shorter than the answer's delay: it bounds retries, not the first
    // attempt, which waits for the answer within the client's 30 s timeout.
    let server = serve_in_turn(vec![
        op.success_answer().set_delay(Duration::from_millis(500)),
    ])
    .await;
    let policy = RetryPolicy::default()
        .deadline(Duration::from_millis(50))
        .clock(FakeClock::new());
    let outcome = run(&op, &server, policy).await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
}

/// An attempt that times out is tried again where the method may be repeated, and the
/// error keeps `is_timeout()` and the count; a POST or PATCH that times out is sent once.
/// One operation of each method, each attempt cut at 150 ms by a server stalling 5 s.
#[tokio::test]
async fn a_timed_out_attempt_is_retried_for_a_repeatable_method_only() {
    let mut methods_seen = Vec::new();
    for op in operations::all() {
        if methods_seen.contains(&op.facts.method) {
            continue;
        }
        methods_seen.push(op.facts.method);
        let clock = FakeClock::new();
        let server =
            serve_in_turn(vec![op.success_answer().set_delay(Duration::from_secs(5))]).await;
        let config = HttpConfig::default()
            .timeout(Duration::from_millis(150))
            .retries(RetryPolicy::default().clock(clock.clone()));
        let failure = op
            .run(&server.uri(), config)
            .await
            .result
            .expect_err("every attempt stalls");
        assert!(failure.is_timeout, "{}: {failure:?}", op.id);
        let expected = if repeatable(&op) { 3 } else { 1 };
        assert_eq!(
            requests(server.received_requests().await),
            expected,
            "{}",
            op.id
        );
        if expected > 1 {
            assert!(
                failure.display.ends_with("(after 3 attempts)"),
                "{}",
                failure.display
            );
        }
    }
    assert!(methods_seen.len() >= 4, "{methods_seen:?}");
}

/// A loopback server that closes its first connection after reading the request, without
/// answering (as a server does with a pooled connection it has just timed out), and answers
/// every later one with `status` and `body`. Returns its URL and how many requests it read.
async fn closes_first_then_answers(status: u16, body: &'static str) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(read) => request.extend_from_slice(&buffer[..read]),
                }
            }
            if n == 0 {
                continue; // dropped: closed with no answer
            }
            let head = format!(
                "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
        }
    });
    (url, seen)
}

/// A connection closed before any answer (a stale pooled connection) is tried again for a
/// repeatable method, and ends the call for POST and PATCH.
#[tokio::test]
async fn a_connection_closed_before_answering_is_retried_for_a_repeatable_method_only() {
    for op in operations::all() {
        let (status, has_body) = op.success_status();
        let body = match (has_body, op.facts.success_example) {
            (true, Some(example)) => example,
            _ => "",
        };
        let (url, seen) = closes_first_then_answers(status, body).await;
        let clock = FakeClock::new();
        let config = HttpConfig::default()
            .allow_insecure_http()
            .retries(RetryPolicy::default().clock(clock.clone()));
        let outcome = op.run(&url, config).await;
        if repeatable(&op) {
            let answered = outcome.result.as_ref().ok().copied();
            assert_eq!(answered, Some(status), "{}: {:?}", op.id, outcome.result);
            assert_eq!(seen.load(Ordering::SeqCst), 2, "{}", op.id);
            assert_eq!(clock.waits().len(), 1, "{}", op.id);
        } else {
            let failure = outcome.result.expect_err("sent once");
            assert_eq!(failure.kind, "Communication", "{}: {failure:?}", op.id);
            assert_eq!(seen.load(Ordering::SeqCst), 1, "{}", op.id);
        }
    }
}
