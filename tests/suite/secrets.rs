//! No secret ever leaves through anything but its own request header, for every API:
//! not in `Debug` of a client, a config or a `ConfigError`, not in `Display` or `Debug` of
//! any error of any operation (a 401, a 500 page, a timeout, a refused connection, an input
//! refused before sending), not in a log line (every `log` record at TRACE), not in any
//! `tracing` span or event (every field of every one, at every level), not in a URL,
//! and on the wire only in the credential header.
//!
//! The secrets are `operations::secrets()` (every API's test credentials and their Basic
//! base64 forms) plus credentials hidden in base URLs. Every captured text is searched for
//! every secret in one place. Every API of `specs/` is covered by construction; a client
//! built by a caller with their own credentials (`new_with_client`) is checked by that API's
//! own tests.

use crate::support::harness::{Check, Credentials};
use crate::support::operations::{self, Failure, Outcome, apis, credentials};
use crm_bindings::{ConfigError, HttpConfig};
use crm_bindings_runtime::mock::Auth;
use std::sync::{Mutex, Once};
use std::time::Duration;
use wiremock::matchers::header;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A password and a token written into a base URL by mistake.
const URL_PASSWORD: &str = "URL-PASS-5b1e0d";
const URL_TOKEN: &str = "QUERY-TOKEN-8c2f44";

/// Every secret searched for: every API's test credentials and their Basic forms, and this
/// file's own.
fn all_secrets() -> Vec<String> {
    let mut secrets = operations::secrets();
    secrets.extend([URL_PASSWORD, URL_TOKEN].map(String::from));
    secrets
}

// ---------------------------------------------------------------------------------------
// Log capture: every `log` record of the process at TRACE (reqwest logs through `log`).

static LOG_TEXT: Mutex<String> = Mutex::new(String::new());
static CLIENT_RECORDS: Mutex<usize> = Mutex::new(0);

struct CaptureLog;

impl log::Log for CaptureLog {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        // wiremock is the *server*: it prints requests it cannot match, headers included,
        // which is the server seeing the credential, not the client leaking it.
        if record.target().starts_with("wiremock") {
            return;
        }
        let line = format!(
            "{} {}: {}\n",
            record.level(),
            record.target(),
            record.args()
        );
        LOG_TEXT.lock().unwrap().push_str(&line);
        *CLIENT_RECORDS.lock().unwrap() += 1;
    }

    fn flush(&self) {}
}

/// Installs the capturing logger once for the whole test binary, at TRACE.
fn capture_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // `set_logger` with a static: `set_boxed_logger` needs `log`'s `std` feature.
        static LOGGER: CaptureLog = CaptureLog;
        log::set_logger(&LOGGER).expect("no other logger in this binary");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

fn log_text() -> String {
    LOG_TEXT.lock().unwrap().clone()
}

// ---------------------------------------------------------------------------------------
// Running every operation.

/// Every operation of every API against `base_url`, concurrently.
async fn run_all(base_url: &str, config: &HttpConfig) -> Vec<Outcome> {
    let handles: Vec<_> = operations::all()
        .into_iter()
        .map(|op| {
            let (base_url, config) = (base_url.to_string(), config.clone());
            tokio::spawn(async move { op.run(&base_url, config).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for handle in handles {
        outcomes.push(handle.await.expect("an operation panicked"));
    }
    outcomes
}

/// The operations of one API against `base_url`, one after the other.
async fn run_api(api: &str, base_url: &str, config: &HttpConfig) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for op in operations::of(api) {
        outcomes.push(op.run(base_url, config.clone()).await);
    }
    outcomes
}

/// What an error shows: `Display`, `Debug` and the body excerpt.
#[derive(Debug, Clone)]
struct Shown {
    label: String,
    communication: bool,
    is_timeout: bool,
    texts: Vec<String>,
}

fn shown_failure(label: String, failure: &Failure) -> Shown {
    Shown {
        label,
        communication: failure.kind == "Communication",
        is_timeout: failure.is_timeout,
        texts: vec![
            failure.display.clone(),
            failure.debug.clone(),
            failure.body_excerpt.clone().unwrap_or_default(),
        ],
    }
}

/// A server fault and how to set it up.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    Unauthorized,
    HtmlServerError,
    Timeout,
    Refused,
}

const FAULTS: [Fault; 4] = [
    Fault::Unauthorized,
    Fault::HtmlServerError,
    Fault::Timeout,
    Fault::Refused,
];

/// A short total timeout for the stalling server.
const SHORT: Duration = Duration::from_millis(300);

/// Every operation of every API under `fault`: each must fail, and what each failure shows
/// is returned.
async fn errors_under(fault: Fault) -> Vec<Shown> {
    let server = MockServer::start().await;
    let answer = match fault {
        Fault::Unauthorized => Some(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "message": "Unauthorized",
            "detail": "Authentication credentials were not provided.",
            "request_id": "53678450401cf",
            "errors": [{ "message": "Authentication failed", "code": 401 }]
        }))),
        // A PHP error page that echoes nothing of the request.
        Fault::HtmlServerError => Some(ResponseTemplate::new(500).set_body_raw(
            "<html><head><title>500 Internal Server Error</title></head><body>\
             <h1>Internal Server Error</h1><p>PHP Fatal error: Uncaught Exception in \
             /var/www/api/index.php:42</p></body></html>",
            "text/html",
        )),
        Fault::Timeout => Some(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({}))
                .set_delay(Duration::from_secs(10)),
        ),
        Fault::Refused => None,
    };
    let base_url = match answer {
        Some(answer) => {
            Mock::given(wiremock::matchers::any())
                .respond_with(answer)
                .mount(&server)
                .await;
            server.uri()
        }
        None => operations::refused_base_url(),
    };
    // Only the stalling server gets the short timeout: the others must answer, however
    // busy the test machine is.
    let timeout = if fault == Fault::Timeout {
        SHORT
    } else {
        Duration::from_secs(30)
    };
    let config = HttpConfig::default().timeout(timeout);
    let outcomes = run_all(&base_url, &config).await;
    let mut shown = Vec::new();
    for outcome in outcomes {
        let failure = match outcome.result {
            Err(failure) => failure,
            Ok(status) => panic!("{fault:?}: {} answered {status}", outcome.operation),
        };
        shown.push(shown_failure(
            format!("{fault:?}: {}", outcome.operation),
            &failure,
        ));
    }
    for s in &shown {
        match fault {
            Fault::Timeout => assert!(s.is_timeout, "{}: not a timeout: {:?}", s.label, s.texts),
            Fault::Refused => assert!(s.communication, "{}: {:?}", s.label, s.texts),
            _ => assert!(!s.communication, "{}: {:?}", s.label, s.texts),
        }
    }
    shown
}

/// Every input the generator knows a constraint forbids, for every operation: refused
/// before sending, against a port nothing listens on (no connection may even be tried).
async fn refused_inputs() -> Vec<Shown> {
    let base = operations::refused_base_url();
    let mut out = Vec::new();
    for api in apis() {
        for refusal in &api.refusals {
            let Check::Call(call) = &refusal.check else {
                continue;
            };
            let label = format!(
                "refused input: {} {} {}",
                api.name, refusal.operation.id, refusal.what
            );
            let outcome = call(base.clone(), HttpConfig::default(), credentials(api.name)).await;
            let failure = match outcome.result {
                Err(failure) => failure,
                Ok(status) => panic!("{label}: sent, answered {status}"),
            };
            assert_eq!(
                failure.kind, "InvalidRequest",
                "{label}: {}",
                failure.display
            );
            out.push(shown_failure(label, &failure));
        }
    }
    assert!(!out.is_empty(), "no refusal to check");
    out
}

// ---------------------------------------------------------------------------------------
// Constructors and configuration.

/// One constructor of one API (`with_*` or `with_*_and_config`): its credentials, which
/// of them its auth uses, and how to build it. `build` returns the client's `Debug`.
struct Constructor {
    name: String,
    credentials: &'static Credentials,
    /// The credentials the API's auth takes: `(slot, is a Basic user, the header it is sent
    /// in)`.
    slots: Vec<(Slot, bool, &'static str)>,
    build: Build,
}

/// Where an API key in the query goes, as `ConfigError::InvalidCredential` names it.
const QUERY_KEY: &str = "a credential query parameter";

/// Builds a client for a base URL with credentials: its `Debug`, or why not.
type Build = Box<dyn Fn(&str, &Credentials) -> Result<String, ConfigError>>;

#[derive(Clone, Copy)]
enum Slot {
    User,
    Password,
    Token,
    Key(usize),
}

fn with_slot(c: &Credentials, slot: Slot, value: &str) -> Credentials {
    let value: &'static str = Box::leak(value.to_string().into_boxed_str());
    let mut out = Credentials {
        user: c.user,
        password: c.password,
        token: c.token,
        keys: c.keys,
    };
    match slot {
        Slot::User => out.user = value,
        Slot::Password => out.password = value,
        Slot::Token => out.token = value,
        Slot::Key(i) => out.keys[i] = value,
    }
    out
}

fn slot_value(c: &Credentials, slot: Slot) -> &'static str {
    match slot {
        Slot::User => c.user,
        Slot::Password => c.password,
        Slot::Token => c.token,
        Slot::Key(i) => c.keys[i],
    }
}

fn constructors() -> Vec<Constructor> {
    let mut out = Vec::new();
    for api in apis() {
        let slots = match operations::auth(api.name) {
            Auth::Basic => vec![
                (Slot::User, true, "authorization"),
                (Slot::Password, false, "authorization"),
            ],
            Auth::Bearer => vec![(Slot::Token, false, "authorization")],
            // The spec's header names, lower-cased as HTTP/2 and `HeaderName` write them.
            Auth::ApiKeys(names) => names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let name: &'static str = name.to_ascii_lowercase().leak();
                    (Slot::Key(i), false, name)
                })
                .collect(),
            // `ConfigError::InvalidCredential` names the headers it knows, others generally.
            Auth::ApiKeyHeader(_) => vec![(Slot::Key(0), false, "a credential header")],
            Auth::ApiKeyQuery(_) => vec![(Slot::Key(0), false, QUERY_KEY)],
            Auth::None => vec![],
        };
        let debug = api.client_debug;
        out.push(Constructor {
            name: format!("{}::Client (plain constructor)", api.name),
            credentials: credentials(api.name),
            slots: slots.clone(),
            build: Box::new(move |url, c| debug(url, None, c)),
        });
        out.push(Constructor {
            name: format!("{}::Client (with a config)", api.name),
            credentials: credentials(api.name),
            slots,
            build: Box::new(move |url, c| debug(url, Some(&custom_config()), c)),
        });
    }
    out
}

fn custom_config() -> HttpConfig {
    HttpConfig::default()
        .timeout(Duration::from_secs(45))
        .connect_timeout(Duration::from_secs(3))
}

const GOOD_URL: &str = "https://crm.example.com/api";

/// `Debug` of every client from every constructor, of the configs, and `Display` + `Debug`
/// of every `ConfigError` each constructor can return.
fn constructor_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for config in [HttpConfig::default(), custom_config()] {
        out.push(("HttpConfig".to_string(), format!("{config:?}")));
    }
    for ctor in constructors() {
        let debug = (ctor.build)(GOOD_URL, ctor.credentials)
            .unwrap_or_else(|e| panic!("{}: {e}", ctor.name));
        if ctor.slots.iter().any(|(_, _, place)| *place != QUERY_KEY) {
            // The credential header is there, masked.
            assert!(debug.contains("Sensitive"), "{}: {debug}", ctor.name);
        }
        out.push((format!("Debug of {}", ctor.name), debug));

        // Bad base URLs, some hiding a secret; a secret passed as the URL by mistake.
        let secret = ctor.slots.last().map_or(URL_PASSWORD, |(slot, _, _)| {
            slot_value(ctor.credentials, *slot)
        });
        // Each with the exact reason, and the URL shown without its secret parts.
        let no_url = "not an absolute URL (relative URL without a base)";
        let in_url = "credentials do not belong in the URL; pass them to the constructor";
        let hidden = "(got `https://crm.example.com/api with parts hidden`)";
        let no_query = "the base URL takes no query or fragment";
        let bad_urls = [
            (secret.to_string(), no_url.to_string()),
            (
                "ftp://crm.example.com/api".to_string(),
                "the scheme must be http or https (got `ftp://crm.example.com/api`)".into(),
            ),
            (
                format!("https://admin:{URL_PASSWORD}@crm.example.com/api"),
                format!("{in_url} {hidden}"),
            ),
            (
                format!("https://{URL_PASSWORD}@crm.example.com/api"),
                format!("{in_url} {hidden}"),
            ),
            (
                format!("https://crm.example.com/api?token={URL_TOKEN}"),
                format!("{no_query} {hidden}"),
            ),
            (
                format!("https://crm.example.com/api#{URL_TOKEN}"),
                format!("{no_query} {hidden}"),
            ),
        ];
        for (url, why) in bad_urls {
            let err = (ctor.build)(&url, ctor.credentials)
                .expect_err(&format!("{}: accepted the base URL {url}", ctor.name));
            assert_eq!(
                err,
                ConfigError::InvalidBaseUrl(why),
                "{}: {url}",
                ctor.name
            );
            out.push((format!("{} with a bad URL", ctor.name), err.to_string()));
            out.push((format!("{} with a bad URL", ctor.name), format!("{err:?}")));
        }

        // Bad credentials, each slot in turn.
        for (slot, basic_user, header) in &ctor.slots {
            let good = slot_value(ctor.credentials, *slot);
            let mut bad = vec![
                String::new(),
                format!("{good}\n"),
                format!("{good}\r\nX-Injected: yes"),
                format!("{good}é"),
                format!("{good}\u{0}"),
                "   ".into(),
            ];
            if *basic_user {
                bad.push(format!("{good}:{}", ctor.credentials.password));
            }
            for value in &bad {
                let credentials = with_slot(ctor.credentials, *slot, value);
                let label = format!("{} with a bad credential", ctor.name);
                match (ctor.build)(GOOD_URL, &credentials) {
                    Err(err) => {
                        assert_eq!(err, ConfigError::InvalidCredential(header), "{value:?}");
                        out.push((label.clone(), err.to_string()));
                        out.push((label, format!("{err:?}")));
                    }
                    Ok(debug) => panic!("{}: accepted {value:?}: {debug}", ctor.name),
                }
            }
        }
    }
    out
}

/// Every occurrence of a secret in the texts, as `label: secret`.
fn leaks(texts: &[(String, String)], secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (label, text) in texts {
        for secret in secrets {
            if text.contains(secret.as_str()) {
                found.push(format!("{label}: contains `{secret}` in {text}"));
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Tests.

/// The one search: every captured text (client and config `Debug`, every `ConfigError`,
/// every error of every operation under every fault, every refused input, the log so far)
/// for every secret.
#[tokio::test]
async fn no_secret_in_any_debug_error_or_log_text() {
    capture_logs();
    // Every span and event of every call below, at every level (this test's thread).
    let (_guard, traced) = crate::support::traces::capture();
    let mut texts = constructor_texts();
    for fault in FAULTS {
        for shown in errors_under(fault).await {
            for text in shown.texts {
                texts.push((shown.label.clone(), text));
            }
        }
    }
    for shown in refused_inputs().await {
        for text in shown.texts {
            texts.push((shown.label.clone(), text));
        }
    }
    for line in log_text().lines() {
        texts.push(("log".into(), line.to_string()));
    }
    let trace_lines = traced.lines();
    // This crate's span for every operation under every fault: the search of the trace is
    // not vacuous.
    let spans = traced.spans();
    for op in operations::all() {
        let calls = spans
            .iter()
            .filter(|s| s.name == op.id && s.fields.get("operation") == Some(&op.id.to_string()))
            .count();
        assert!(
            calls >= FAULTS.len(),
            "{}: {calls} call spans captured, at least {} expected",
            op.id,
            FAULTS.len()
        );
    }
    for line in trace_lines {
        texts.push(("trace".into(), line));
    }

    let secrets = all_secrets();
    let found = leaks(&texts, &secrets);
    println!(
        "secrets: searched {} strings for {} secrets: {} found",
        texts.len(),
        secrets.len(),
        found.len()
    );
    assert!(found.is_empty(), "secrets leaked:\n{}", found.join("\n"));
    // Every operation under every fault, plus the constructors: the search is not vacuous.
    let operations = operations::all().len();
    assert!(texts.len() > FAULTS.len() * (operations + 1) * 3);
}

/// Every `log` record at TRACE, while every operation of every API meets a success, a 401,
/// a redirect elsewhere, a timeout and a refused connection: no secret in any line.
#[tokio::test]
async fn no_secret_in_any_log_line() {
    capture_logs();
    let ok = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&ok)
        .await;
    let elsewhere = MockServer::start().await;
    let redirecting = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/elsewhere", elsewhere.uri()).as_str(),
        ))
        .mount(&redirecting)
        .await;
    let config = HttpConfig::default();
    run_all(&ok.uri(), &config).await;
    run_all(&redirecting.uri(), &config).await;
    for fault in FAULTS {
        errors_under(fault).await;
    }

    let text = log_text();
    let records = *CLIENT_RECORDS.lock().unwrap();
    assert!(
        text.contains("reqwest"),
        "the logger captured no reqwest record; is `log` wired? {text}"
    );
    let found = leaks(&[("log".to_string(), text.clone())], &all_secrets());
    println!(
        "logs: {records} records at TRACE, {} bytes, {} secrets found",
        text.len(),
        found.len()
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The URL a `Communication` error shows (reqwest's `for url (...)`) carries no user info
/// and no secret, for every operation of every API under a timeout and a refused
/// connection.
#[tokio::test]
async fn communication_errors_show_urls_without_credentials() {
    capture_logs();
    let secrets = all_secrets();
    let mut checked = 0;
    for fault in [Fault::Timeout, Fault::Refused] {
        for shown in errors_under(fault).await {
            assert!(shown.communication, "{}", shown.label);
            let urls: Vec<reqwest::Url> =
                shown.texts.iter().flat_map(|text| urls_in(text)).collect();
            assert!(
                !urls.is_empty(),
                "{}: no URL in {:?}",
                shown.label,
                shown.texts
            );
            for url in urls {
                assert!(
                    url.username().is_empty() && url.password().is_none(),
                    "{}: {url}",
                    shown.label
                );
                let decoded: String = url
                    .query_pairs()
                    .map(|(k, v)| format!("{k}={v}&"))
                    .chain([url.path().to_string()])
                    .collect();
                for secret in &secrets {
                    assert!(
                        !url.as_str().contains(secret.as_str())
                            && !decoded.contains(secret.as_str()),
                        "{}: {url}",
                        shown.label
                    );
                }
                checked += 1;
            }
        }
    }
    println!("communication errors: {checked} URLs checked, none with credentials");
}

/// Every `http://...` URL in a text.
fn urls_in(text: &str) -> Vec<reqwest::Url> {
    text.match_indices("http://")
        .map(|(start, _)| {
            let rest = &text[start..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '`' | ','))
                .unwrap_or(rest.len());
            reqwest::Url::parse(&rest[..end])
                .unwrap_or_else(|e| panic!("{}: {e} in {text}", &rest[..end]))
        })
        .collect()
}

/// On the wire, for every operation of every API: each credential is in its own header with
/// its exact value (a wiremock matcher), and no secret is in the URL, the query, another
/// header or the body.
#[tokio::test]
async fn credentials_reach_the_server_only_in_their_headers() {
    capture_logs();
    let secrets = all_secrets();
    let mut checked = 0;
    for api in operations::api_names() {
        let server = MockServer::start().await;
        let expected = operations::credential_headers(api);
        let in_query = operations::credential_query(api);
        let operations = operations::of(api).len() as u64;
        let mut with_credentials = Mock::given(wiremock::matchers::any());
        for (name, value) in &expected {
            with_credentials = with_credentials.and(header(*name, value.as_str()));
        }
        for (name, value) in &in_query {
            with_credentials =
                with_credentials.and(wiremock::matchers::query_param(*name, value.as_str()));
        }
        with_credentials
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
            .expect(operations)
            .named(format!("{api}: the credential headers, exactly"))
            .mount(&server)
            .await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(418))
            .expect(0)
            .named(format!(
                "{api}: a request without the exact credential headers"
            ))
            .mount(&server)
            .await;

        run_api(api, &server.uri(), &HttpConfig::default()).await;

        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len() as u64, operations, "{api}");
        for request in &received {
            assert_only_in_headers(api, request, &expected, &in_query, &secrets);
            checked += 1;
        }
        server.verify().await;
    }
    crate::support::assert_every_spec("secrets", operations::api_names());
    println!("wire: {checked} requests, credentials only in their headers");
}

/// Each credential is in its own header (or, for an API key in the query, its own query
/// parameter, once), and no secret is anywhere else.
fn assert_only_in_headers(
    api: &str,
    request: &Request,
    expected: &[(&str, String)],
    in_query: &[(&str, String)],
    secrets: &[String],
) {
    let what = format!("{api} {} {}", request.method, request.url);
    let mut url = request.url.clone();
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{what}"
    );
    for (name, value) in in_query {
        let sent: Vec<_> = url.query_pairs().filter(|(k, _)| k == name).collect();
        assert_eq!(sent.len(), 1, "{what}: `{name}` sent {} times", sent.len());
        assert_eq!(sent[0].1, value.as_str(), "{what}: {name}");
    }
    // The rest of the URL holds no secret.
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !in_query.iter().any(|(name, _)| k == name))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(&others);
    let url = &url;
    let decoded_query: String = url
        .query_pairs()
        .map(|(k, v)| format!("{k}={v}&"))
        .collect();
    let body = String::from_utf8_lossy(&request.body);
    for secret in secrets {
        let secret = secret.as_str();
        assert!(!url.as_str().contains(secret), "{what}: secret in the URL");
        assert!(
            !decoded_query.contains(secret),
            "{what}: secret in the query"
        );
        assert!(!body.contains(secret), "{what}: secret in the body");
    }
    for (name, value) in &expected.to_vec() {
        let values: Vec<_> = request.headers.get_all(*name).iter().collect();
        assert_eq!(
            values.len(),
            1,
            "{what}: {name} sent {} times",
            values.len()
        );
        assert_eq!(values[0].as_bytes(), value.as_bytes(), "{what}: {name}");
    }
    for (name, value) in &request.headers {
        if expected.iter().any(|(n, _)| name.as_str() == *n) {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes());
        for secret in secrets {
            assert!(
                !value.contains(secret.as_str()),
                "{what}: secret in the `{name}` header"
            );
        }
    }
}

/// A Basic user or password with a newline, a NUL, CR LF or a non-ASCII letter is refused at
/// construction (base64 would otherwise hide the bytes, and every request fail with a 401).
#[test]
fn basic_credentials_must_be_visible_ascii_as_the_error_says() {
    let mut accepted = Vec::new();
    let mut checked = 0;
    for ctor in constructors()
        .iter()
        .filter(|c| c.slots.iter().any(|(_, user, _)| *user))
    {
        for (slot, _, _) in &ctor.slots {
            let good = slot_value(ctor.credentials, *slot);
            for value in [
                format!("{good}\n"),
                format!("{good}\r\nX-Injected: yes"),
                format!("{good}é"),
                format!("{good}\u{0}"),
            ] {
                checked += 1;
                if (ctor.build)(GOOD_URL, &with_slot(ctor.credentials, *slot, &value)).is_ok() {
                    accepted.push(format!("{} {value:?}", ctor.name));
                }
            }
        }
    }
    assert!(checked > 0, "no Basic API to check");
    assert!(accepted.is_empty(), "accepted:\n{}", accepted.join("\n"));
}
