//! What a new user met in their first hour with the crate (issue 25, part 3), each checked as
//! they met it: the trace a `tracing_subscriber::fmt` subscriber prints (each span field once,
//! every span and event under the one target `crm_bindings`), the status in `Debug` of an
//! error, a URL's query out of error texts (and the full URL on request), `from_json` taking
//! text, and a "503 then 200" test written with the typed mocks.

use crm_bindings::cscart::{self, mock, types};
use crm_bindings::{HttpConfig, RetryPolicy};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;
use wiremock::{MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------------------
// What a subscriber sees: every span with its target and each field as often as it was
// recorded, every event with its target, and the lines `tracing_subscriber::fmt` prints.

#[derive(Debug, Clone)]
struct SeenSpan {
    id: u64,
    name: String,
    target: String,
    /// The name of every field each time it was given a value, in order.
    recorded: Vec<String>,
}

#[derive(Debug, Clone)]
struct SeenEvent {
    target: String,
    message: String,
}

#[derive(Debug, Default)]
struct Seen {
    spans: Vec<SeenSpan>,
    events: Vec<SeenEvent>,
}

#[derive(Clone, Default)]
struct Watch(Arc<Mutex<Seen>>);

struct Names<'a>(&'a mut Vec<String>, Option<&'a mut String>);

impl Visit for Names<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message"
            && let Some(message) = self.1.as_deref_mut()
        {
            *message = format!("{value:?}");
        }
        self.0.push(field.name().to_string());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Watch {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut recorded = Vec::new();
        attrs.record(&mut Names(&mut recorded, None));
        self.0.lock().unwrap().spans.push(SeenSpan {
            id: id.into_u64(),
            name: attrs.metadata().name().to_string(),
            target: attrs.metadata().target().to_string(),
            recorded,
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut seen = self.0.lock().unwrap();
        if let Some(span) = seen.spans.iter_mut().rev().find(|s| s.id == id.into_u64()) {
            values.record(&mut Names(&mut span.recorded, None));
        }
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut message = String::new();
        event.record(&mut Names(&mut Vec::new(), Some(&mut message)));
        self.0.lock().unwrap().events.push(SeenEvent {
            target: event.metadata().target().to_string(),
            message,
        });
    }
}

/// What `tracing_subscriber::fmt` prints.
#[derive(Clone, Default)]
struct Printed(Arc<Mutex<Vec<u8>>>);

impl Write for Printed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Printed {
    fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// Runs `call` on this thread under a subscriber of its own: a user's `fmt` subscriber with
/// span close events at TRACE, and a layer recording every span and event.
async fn watched<F: std::future::Future>(call: F) -> (F::Output, Seen, Vec<String>) {
    // The suite's global subscriber first: every callsite is then of interest to one.
    let (_global, _) = crate::support::traces::capture();
    let watch = Watch::default();
    let printed = Printed::default();
    let writer = printed.clone();
    let subscriber = tracing_subscriber::registry().with(watch.clone()).with(
        tracing_subscriber::fmt::layer()
            .with_span_events(FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .with_filter(tracing_subscriber::filter::LevelFilter::TRACE),
    );
    let output = {
        let _local = tracing::subscriber::set_default(subscriber);
        call.await
    };
    let seen = std::mem::take(&mut *watch.0.lock().unwrap());
    (output, seen, printed.lines())
}

const EMAIL: &str = "admin@example.com";
const KEY: &str = "first-hour-key";

fn client(server: &MockServer, config: HttpConfig) -> cscart::Client {
    cscart::Client::with_basic_auth_and_config(&server.uri(), EMAIL, KEY, &config).unwrap()
}

/// No wait between retries: the 503s of these tests say `Retry-After: 0`.
fn unavailable() -> ResponseTemplate {
    with_request_id(ResponseTemplate::new(503).insert_header("retry-after", "0"))
}

/// Every answer of [`every_ending`] has a request id.
fn with_request_id(answer: ResponseTemplate) -> ResponseTemplate {
    answer.insert_header("x-request-id", "req-1")
}

/// The ways a call ends, each under a subscriber: success, success after a retry, a 503
/// without retries, a 503 after every retry, a documented error, a refused input.
async fn every_ending() -> Vec<(&'static str, Seen, Vec<String>)> {
    let mut out = Vec::new();
    for label in [
        "200",
        "503 then 200",
        "503, no retries",
        "503 three times",
        "400 documented",
        "refused input",
    ] {
        let server = MockServer::start().await;
        if label == "503 then 200" {
            mock::get_call_request()
                .respond_with(unavailable())
                .up_to_n_times(1)
                .mount(&server)
                .await;
        }
        match label {
            "200" | "503 then 200" => mock::get_call_request().respond_with(with_request_id(
                ResponseTemplate::new(200)
                    .set_body_json(mock::examples::get_call_request_response()),
            )),
            _ => mock::get_call_request().respond_with(unavailable()),
        }
        .mount(&server)
        .await;
        mock::update_call_request()
            .respond_with(with_request_id(
                ResponseTemplate::new(400)
                    .set_body_json(mock::examples::update_call_request_error()),
            ))
            .mount(&server)
            .await;
        let config = match label {
            "503, no retries" => HttpConfig::default().retries(RetryPolicy::none()),
            _ => HttpConfig::default(),
        };
        let client = client(&server, config);
        let (result, seen, printed) = if label == "400 documented" {
            let call = client
                .update_call_request()
                .id(7u64)
                .body(mock::examples::update_call_request_request())
                .send();
            let (result, seen, printed) = watched(call).await;
            (result.map(|_| ()).map_err(|e| e.to_string()), seen, printed)
        } else {
            let id = if label == "refused input" { 0u64 } else { 7 };
            let (result, seen, printed) = watched(client.get_call_request().id(id).send()).await;
            (result.map(|_| ()).map_err(|e| e.to_string()), seen, printed)
        };
        assert_eq!(
            result.is_ok(),
            matches!(label, "200" | "503 then 200"),
            "{label}: {result:?}"
        );
        out.push((label, seen, printed));
    }
    out
}

/// The span of the one call (the operation's name).
fn call_span(seen: &Seen, label: &str) -> SeenSpan {
    let spans: Vec<_> = seen
        .spans
        .iter()
        .filter(|s| s.name.ends_with("_call_request"))
        .collect();
    assert_eq!(spans.len(), 1, "{label}: {:?}", seen.spans);
    spans[0].clone()
}

/// Item 1: a span's `attempts` is recorded once, whatever the ending (a failed call's close
/// line printed `attempts=1 duration_ms=2 status=503 attempts=1`), and so is every other
/// field (a failed call's `request_id` from a header was recorded twice too).
#[tokio::test]
async fn a_span_records_each_field_once() {
    for (label, seen, printed) in every_ending().await {
        let span = call_span(&seen, label);
        for field in [
            "attempts",
            "status",
            "request_id",
            "duration_ms",
            "operation",
        ] {
            let times = span.recorded.iter().filter(|f| *f == field).count();
            let answered = label != "refused input";
            let expected = usize::from(answered || !matches!(field, "status" | "request_id"));
            assert_eq!(times, expected, "{label}: `{field}` in {:?}", span.recorded);
        }
        let close: Vec<_> = printed.iter().filter(|l| l.contains(": close")).collect();
        assert_eq!(close.len(), 1, "{label}: {printed:#?}");
        assert_eq!(
            close[0].matches("attempts=").count(),
            1,
            "{label}: {}",
            close[0]
        );
    }
}

/// Item 2: every span and event of the library has the target `crm_bindings`, whatever
/// crate emitted it (`RUST_LOG=crm_bindings=info` selects them all), never an internal
/// module path (`crm_bindings_cscart::generated::builder`, `crm_bindings_runtime::telemetry`).
#[tokio::test]
async fn every_span_and_event_has_the_target_crm_bindings() {
    for (label, seen, printed) in every_ending().await {
        let span = call_span(&seen, label);
        assert_eq!(span.target, "crm_bindings", "{label}");
        let ours: Vec<_> = seen
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.message.as_str(),
                    "call succeeded" | "call failed" | "retrying"
                )
            })
            .collect();
        assert!(!ours.is_empty(), "{label}: {:?}", seen.events);
        for event in ours {
            assert_eq!(event.target, "crm_bindings", "{label}: {event:?}");
        }
        for target in seen
            .spans
            .iter()
            .map(|s| &s.target)
            .chain(seen.events.iter().map(|e| &e.target))
        {
            assert!(
                !target.starts_with("crm_bindings_") && !target.starts_with("crm_bindings::"),
                "{label}: an internal target `{target}`"
            );
        }
        // What the user reads: every line of ours is under `crm_bindings:`.
        let ours = ["close", "call succeeded", "call failed", "retrying"];
        for line in printed
            .iter()
            .filter(|l| ours.iter().any(|m| l.contains(&format!(": {m}"))))
        {
            assert!(line.contains(" crm_bindings: "), "{label}: {line}");
        }
    }
}

/// Item 3: `Debug` of every error that carries an HTTP answer shows its status; secrets stay
/// out (`secrets.rs` checks every operation and fault).
#[tokio::test]
async fn debug_of_an_answered_error_shows_the_status() {
    let server = MockServer::start().await;
    mock::update_call_request()
        .respond_error(400, &mock::examples::update_call_request_error())
        .mount(&server)
        .await;
    mock::get_call_request()
        .id(7u64)
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>", "text/html"))
        .mount(&server)
        .await;
    mock::get_call_request()
        .id(8u64)
        .respond_with(ResponseTemplate::new(418))
        .mount(&server)
        .await;
    mock::get_call_request()
        .id(9u64)
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b' '; 64], "application/json"))
        .mount(&server)
        .await;
    let client = client(&server, HttpConfig::default());
    let documented = client
        .update_call_request()
        .id(7u64)
        .body(mock::examples::update_call_request_request())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(documented, cscart::Error::ErrorResponse { .. }));
    let debug = format!("{documented:?}");
    assert!(debug.contains("status: 400"), "{debug}");
    assert!(debug.starts_with("ErrorResponse {"), "{debug}");
    assert!(!debug.contains(KEY), "{debug}");
    // A limit of 16 bytes: the 64 spaces of the third are too many.
    let limited = self::client(&server, HttpConfig::default().max_response_bytes(16));
    let mut kinds = Vec::new();
    for (id, status) in [(7u64, "200"), (8, "418"), (9, "200")] {
        let err = limited.get_call_request().id(id).send().await.unwrap_err();
        let debug = format!("{err:?}");
        assert!(debug.contains(status), "{debug}");
        assert!(!debug.contains(KEY), "{debug}");
        kinds.push(debug.split([' ', '(']).next().unwrap().to_string());
    }
    assert_eq!(
        kinds,
        ["InvalidResponse", "UnexpectedResponse", "ResponseTooLarge"]
    );
}

/// Item 4: a transport error's text (`Display`, `Debug`, the trace) shows the URL without
/// its query: a `name` filter is a person's name.
#[tokio::test]
async fn a_timeout_shows_the_url_without_its_query() {
    let server = MockServer::start().await;
    mock::list_call_requests()
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let config = HttpConfig::default()
        .timeout(Duration::from_millis(200))
        .retries(RetryPolicy::none());
    let client = client(&server, config);
    let call = client
        .list_call_requests()
        .name("Vladimir Petrov")
        .status(types::CallRequestStatus::New)
        .send();
    let (result, seen, printed) = watched(call).await;
    let err = result.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    let display = err.to_string();
    let debug = format!("{err:?}");
    for text in [&display, &debug] {
        assert!(text.contains("/call_requests"), "the URL is shown: {text}");
        assert!(!text.contains("Vladimir"), "the query is not: {text}");
        assert!(!text.contains("status=new"), "the query is not: {text}");
    }
    for line in printed {
        assert!(!line.contains("Vladimir"), "{line}");
    }
    assert!(!seen.spans.is_empty());
}

/// Item 4: the full URL, query included, is there when asked for (`Error::full_url`), and
/// only then.
#[tokio::test]
async fn the_full_url_is_given_when_asked_for() {
    let server = MockServer::start().await;
    mock::list_call_requests()
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let config = HttpConfig::default()
        .timeout(Duration::from_millis(200))
        .retries(RetryPolicy::none());
    let err = client(&server, config)
        .list_call_requests()
        .name("Vladimir Petrov")
        .status(types::CallRequestStatus::New)
        .send()
        .await
        .unwrap_err();
    let url = err.full_url().expect("a transport error has its URL");
    assert_eq!(url.path(), "/call_requests");
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(
        query.contains(&("name".into(), "Vladimir Petrov".into())),
        "{query:?}"
    );
    assert!(
        query.contains(&("status".into(), "new".into())),
        "{query:?}"
    );
    // Only `full_url` has it: the error's `source()` (reqwest's error) has the URL without.
    let source = std::error::Error::source(&err).expect("reqwest's error");
    let source = source
        .downcast_ref::<reqwest::Error>()
        .expect("reqwest's error");
    assert_eq!(source.url().map(|u| u.query()), Some(None));
    // An error without a request has none.
    let refused = client(&server, HttpConfig::default())
        .get_call_request()
        .id(0u64)
        .send()
        .await
        .unwrap_err();
    assert!(refused.full_url().is_none());
}

/// Item 5: `from_json` takes JSON text as well as a `serde_json::Value` (and a reference to
/// one), and text that is not JSON is refused at the root.
#[test]
fn from_json_takes_text_or_a_value() {
    use crm_bindings::from_json;
    use types::CallRequestInput;
    let text = r#"{ "phone": "+7(999)111-22-33", "name": "Api" }"#;
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let from_str: CallRequestInput = from_json(text).unwrap();
    let from_string = from_json::<CallRequestInput>(text.to_string()).unwrap();
    let from_ref = from_json::<CallRequestInput>(&value).unwrap();
    let from_value = from_json::<CallRequestInput>(value).unwrap();
    for decoded in [&from_string, &from_ref, &from_value] {
        assert_eq!(decoded, &from_str);
    }
    // A refusal names the field whatever the input.
    let err = from_json::<CallRequestInput>(r#"{ "order_id": -1 }"#).unwrap_err();
    assert_eq!(err.path, "order_id", "{err}");
    assert_eq!(err.message, "must be at least 0 (got -1)");
    let not_json = from_json::<CallRequestInput>("{ phone: 1 }").unwrap_err();
    assert_eq!(not_json.path, ".");
    assert!(not_json.message.starts_with("not JSON: "), "{not_json}");
}

/// A request no typed mock matches: with `mock::explain_unmatched` mounted, the client's
/// error names the operation and shows what was sent, instead of wiremock's bare `404`
/// with an empty body. (The id 7 and the body are the seed's update example, seed 001.)
#[tokio::test]
async fn an_unmatched_request_is_answered_with_its_operation() {
    let server = MockServer::start().await;
    mock::update_call_request()
        .id(7u64)
        .respond_example()
        .mount(&server)
        .await;
    mock::explain_unmatched(&server).await;
    let client = client(&server, HttpConfig::default().retries(RetryPolicy::none()));
    let err = client
        .update_call_request()
        .id(8u64)
        .body(types::CallRequestInput::builder().notes("No answer".to_string()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(501), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("no mock of `update_call_request` (PUT /call_requests/{id}) matched this request: PUT /call_requests/8"),
        "{text}"
    );
    // The mocked call itself is still answered by its mock.
    let answer = client
        .update_call_request()
        .id(7u64)
        .body(types::CallRequestInput::builder().notes("No answer".to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(*answer, mock::examples::update_call_request_response());
}

/// A typed mock is named after its operation, so a failed `expect` says which operation
/// was not called as expected (wiremock named it `Mock #0` before).
#[tokio::test]
async fn a_failed_expectation_names_the_operation() {
    let server = MockServer::start().await;
    mock::get_call_request()
        .id(7u64)
        .respond_example()
        .expect(1)
        .mount(&server)
        .await;
    let verified = tokio::spawn(async move { server.verify().await }).await;
    let panic = verified.expect_err("nothing called it").into_panic();
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        message.contains("get_call_request (GET /call_requests/{id})"),
        "{message}"
    );
}
