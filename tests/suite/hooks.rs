//! Users' own request hooks (`HttpConfig::hook`), for every operation of every API (from the
//! generator's table): a hook's header is sent beside the client's credentials, a hook sees
//! every attempt and its outcome but never a credential, and a hook cannot send the request
//! elsewhere, replace a credential header or let a refused request out.

use crate::support::operations::{self, Operation, credential_headers};
use crm_bindings::{Attempt, AttemptOutcome, HttpConfig, RequestHook, RetryPolicy};
use std::sync::{Arc, Mutex};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

/// Adds `x-trace-id: <operation>-<attempt>` and records what it saw.
#[derive(Default)]
struct Tracer {
    seen_headers: Mutex<Vec<String>>,
    outcomes: Mutex<Vec<(String, u32, Option<u16>)>>,
}

impl RequestHook for Tracer {
    fn before_attempt(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt,
    ) -> Result<(), String> {
        let mut seen = self.seen_headers.lock().unwrap();
        seen.extend(request.headers().keys().map(|k| k.to_string()));
        let id = format!("{}-{}", attempt.operation, attempt.number);
        request
            .headers_mut()
            .insert("x-trace-id", id.parse().map_err(|_| "not a header value")?);
        Ok(())
    }

    fn after_attempt(&self, attempt: &Attempt, outcome: &AttemptOutcome<'_>) {
        let status = match outcome {
            AttemptOutcome::Answered { status, .. } => Some(status.as_u16()),
            _ => None,
        };
        self.outcomes
            .lock()
            .unwrap()
            .push((attempt.operation.to_string(), attempt.number, status));
    }
}

#[tokio::test]
async fn a_hooks_header_is_sent_with_the_credentials_and_it_never_sees_them() {
    for op in operations::all() {
        let tracer = Arc::new(Tracer::default());
        let server = operations::serve(op.success_answer()).await;
        let config = HttpConfig::default().hook(tracer.clone());
        let outcome = op.run(&server.uri(), config).await;
        assert!(outcome.result.is_ok(), "{}: {:?}", op.id, outcome.result);
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1);
        let headers = &received[0].headers;
        assert_eq!(
            headers.get("x-trace-id").map(|v| v.to_str().unwrap()),
            Some(format!("{}-1", op.id).as_str()),
            "{}",
            op.id
        );
        for (name, value) in credential_headers(op.api) {
            assert_eq!(
                headers.get(name).map(|v| v.as_bytes()),
                Some(value.as_bytes()),
                "{}: the credential `{name}` is still sent",
                op.id
            );
            let seen = tracer.seen_headers.lock().unwrap();
            assert!(
                !seen.contains(&name.to_string()),
                "{}: the hook saw {name}",
                op.id
            );
        }
        assert_eq!(
            *tracer.outcomes.lock().unwrap(),
            [(op.id.to_string(), 1, Some(op.success_status().0))],
            "{}",
            op.id
        );
    }
}

#[tokio::test]
async fn a_hook_sees_every_attempt_of_a_retried_call() {
    let op = operations::all()
        .into_iter()
        .find(|op| op.facts.method == "GET")
        .expect("a GET");
    let tracer = Arc::new(Tracer::default());
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
    let outcome = op
        .run(&server.uri(), HttpConfig::default().hook(tracer.clone()))
        .await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    let outcomes = tracer.outcomes.lock().unwrap().clone();
    assert_eq!(
        outcomes,
        [
            (op.id.to_string(), 1, Some(503)),
            (op.id.to_string(), 2, Some(op.success_status().0))
        ]
    );
    let ids: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["x-trace-id"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [format!("{}-1", op.id), format!("{}-2", op.id)]);
}

/// What a bad hook does to every request.
type Change = fn(&mut reqwest::Request) -> Result<(), String>;

/// A hook that does one bad thing to every request.
struct Bad(Change);

impl RequestHook for Bad {
    fn before_attempt(&self, request: &mut reqwest::Request, _: &Attempt) -> Result<(), String> {
        (self.0)(request)
    }
}

/// Runs every operation with `hook`; returns, per operation that the check applies to, the
/// refusal's text, and fails if anything reached the server.
async fn refused_by(hook: Bad, applies: impl Fn(&Operation) -> bool) -> Vec<String> {
    let hook = Arc::new(hook);
    let mut texts = Vec::new();
    // One server for all: it answers everything, and must receive nothing.
    let server = operations::serve(ResponseTemplate::new(200)).await;
    for op in operations::all().into_iter().filter(|op| applies(op)) {
        let config = HttpConfig::default().hook(hook.clone());
        let failure = op
            .run(&server.uri(), config)
            .await
            .result
            .expect_err("refused");
        assert_eq!(failure.kind, "InvalidRequest", "{}: {failure:?}", op.id);
        assert!(
            failure.display.ends_with("; nothing was sent"),
            "{}",
            failure.display
        );
        texts.push(failure.display);
    }
    let received = server.received_requests().await.unwrap();
    assert!(received.is_empty(), "requests left: {received:?}");
    assert!(!texts.is_empty(), "no operation to check");
    texts
}

/// The credential headers and query parameters of every API compiled in.
fn every_credential() -> &'static (Vec<&'static str>, Vec<&'static str>) {
    static NAMES: std::sync::LazyLock<(Vec<&'static str>, Vec<&'static str>)> =
        std::sync::LazyLock::new(|| {
            let apis = operations::api_names();
            let mut headers: Vec<&'static str> = apis
                .iter()
                .flat_map(|api| credential_headers(api))
                .map(|(name, _)| name)
                .collect();
            let mut query: Vec<&'static str> = apis
                .iter()
                .flat_map(|api| operations::credential_query(api))
                .map(|(name, _)| name)
                .collect();
            headers.sort_unstable();
            headers.dedup();
            query.sort_unstable();
            query.dedup();
            (headers, query)
        });
    &NAMES
}

#[tokio::test]
async fn a_hook_cannot_replace_a_credential_header() {
    let texts = refused_by(
        Bad(|request| {
            for name in &every_credential().0 {
                request
                    .headers_mut()
                    .insert(*name, "attacker".parse().unwrap());
            }
            Ok(())
        }),
        |op| !credential_headers(op.api).is_empty(),
    )
    .await;
    for text in texts {
        assert!(
            text.contains("a request hook set `")
                && text.contains("a header that carries the client's credentials"),
            "{text}"
        );
    }
}

/// A hook may not set the query parameter an API key travels in: the client adds it after
/// the hooks, and a hook's value would be sent beside it.
#[tokio::test]
async fn a_hook_cannot_set_a_credential_query_parameter() {
    if every_credential().1.is_empty() {
        println!("no API compiled in sends an API key in the query: nothing to check");
        return;
    }
    let texts = refused_by(
        Bad(|request| {
            for name in &every_credential().1 {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(name, "attacker");
            }
            Ok(())
        }),
        |op| !operations::credential_query(op.api).is_empty(),
    )
    .await;
    for text in texts {
        assert!(
            text.contains("a query parameter that carries the client's credentials"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_hook_cannot_send_the_request_to_another_host_port_or_scheme() {
    let moves: [Change; 3] = [
        |r| {
            r.url_mut().set_host(Some("evil.example")).unwrap();
            Ok(())
        },
        |r| {
            r.url_mut().set_port(Some(1)).unwrap();
            Ok(())
        },
        |r| {
            r.url_mut().set_scheme("https").unwrap();
            Ok(())
        },
    ];
    for change in moves {
        for text in refused_by(Bad(change), |_| true).await {
            assert!(
                text.contains("a request hook changed where the request goes"),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn a_hook_refusal_is_the_calls_error_and_nothing_is_sent() {
    for text in refused_by(Bad(|_| Err("no signing key".into())), |_| true).await {
        assert!(
            text.contains(": refused by a request hook: no signing key; nothing was sent"),
            "{text}"
        );
    }
}

/// `after_attempt` sees each failed attempt's transport error and how long it took: a
/// refused connection, once per attempt the retry policy makes.
#[tokio::test]
async fn after_attempt_sees_each_transport_failure() {
    type Seen = (String, u32, bool, std::time::Duration);
    #[derive(Default)]
    struct Failures(Mutex<Vec<Seen>>);
    impl RequestHook for Failures {
        fn after_attempt(&self, attempt: &Attempt, outcome: &AttemptOutcome<'_>) {
            if let AttemptOutcome::Failed { error, elapsed } = outcome {
                self.0.lock().unwrap().push((
                    attempt.operation.to_string(),
                    attempt.number,
                    error.is_connect(),
                    *elapsed,
                ));
            }
        }
    }
    let refused = operations::refused_base_url();
    let fast = std::time::Duration::from_millis(1);
    let policy = RetryPolicy::default().backoff(fast, fast);
    for op in operations::all() {
        let hook = Arc::new(Failures::default());
        let config = HttpConfig::default()
            .hook(hook.clone())
            .retries(policy.clone());
        let failure = op.run(&refused, config).await.result.unwrap_err();
        assert_eq!(failure.kind, "Communication", "{}", op.id);
        let attempts = match policy.retries_method(&op.method()) {
            true => policy.attempts_allowed(),
            false => 1,
        };
        let seen = hook.0.lock().unwrap().clone();
        let numbers: Vec<u32> = seen.iter().map(|s| s.1).collect();
        assert_eq!(numbers, (1..=attempts).collect::<Vec<_>>(), "{}", op.id);
        for (operation, _, connect, elapsed) in &seen {
            assert_eq!(operation, op.id);
            assert!(connect, "{}: not a connect error", op.id);
            assert!(*elapsed < std::time::Duration::from_secs(10), "{}", op.id);
        }
    }
}
