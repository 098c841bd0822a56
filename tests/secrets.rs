//! No secret ever leaves through anything but its own request header, for all five APIs:
//! not in `Debug` of a client, a config or a `ConfigError`, not in `Display` or `Debug` of
//! any error of any operation (a 401, a 500 page, a timeout, a refused connection, an input
//! refused before sending), not in a log line (every `log` record at TRACE), not in a URL,
//! and on the wire only in the credential header.
//!
//! The secrets are `operations::secrets()` (the raw credentials and their Basic base64
//! forms) plus those this file adds (UAPAY's caller-supplied token, credentials hidden in
//! base URLs). Every captured text is searched for every secret in one place.

mod support;

use crm_bindings::{ConfigError, HttpConfig};
use std::fmt::Debug;
use std::sync::{Mutex, Once};
use std::time::Duration;
use support::operations::{
    self, CSCART_API_KEY, CSCART_EMAIL, Failure, Outcome, SOLOS_SECRET, SOLOS_TOKEN,
    THULIUM_PASSWORD, THULIUM_USER, YUME_TOKEN,
};
use support::spec::SpecExamples;
use wiremock::matchers::header;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// UAPAY documents no authentication: a caller passes their own `reqwest::Client` carrying
/// this token as a sensitive `Authorization` header (`Client::new_with_client`).
const UAPAY_TOKEN: &str = "uapay-PARTNER-3e9d71c0";
/// A password and a token written into a base URL by mistake.
const URL_PASSWORD: &str = "URL-PASS-5b1e0d";
const URL_TOKEN: &str = "QUERY-TOKEN-8c2f44";

/// Every secret searched for: the shared test credentials and their Basic forms, and this
/// file's own.
fn all_secrets() -> Vec<String> {
    let mut secrets = operations::secrets();
    secrets.extend([UAPAY_TOKEN, URL_PASSWORD, URL_TOKEN].map(String::from));
    secrets
}

/// Each API's credential headers and their exact values on the wire; for UAPAY, the
/// header of the caller's own client (`new_with_client`).
fn credential_headers(api: &str) -> Vec<(&'static str, String)> {
    match api {
        "uapay" => vec![("authorization", format!("Bearer {UAPAY_TOKEN}"))],
        api => operations::credential_headers(api),
    }
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
        .map(|op| tokio::spawn((op.call)(base_url.to_string(), config.clone())))
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

/// A caller's own `reqwest::Client` carrying UAPAY credentials as a sensitive header.
fn uapay_http(timeout: Duration) -> reqwest::Client {
    let mut token =
        reqwest::header::HeaderValue::from_str(&format!("Bearer {UAPAY_TOKEN}")).unwrap();
    token.set_sensitive(true);
    reqwest::Client::builder()
        .default_headers(reqwest::header::HeaderMap::from_iter([(
            reqwest::header::AUTHORIZATION,
            token,
        )]))
        .timeout(timeout)
        .build()
        .unwrap()
}

/// What an error shows: `Display`, `Debug` and the body excerpt.
#[derive(Debug, Clone)]
struct Shown {
    label: String,
    communication: bool,
    is_timeout: bool,
    texts: Vec<String>,
}

fn shown<E: Debug>(label: String, err: &crm_bindings::Error<E>) -> Shown {
    Shown {
        label,
        communication: matches!(err, crm_bindings::Error::Communication { .. }),
        is_timeout: err.is_timeout(),
        texts: vec![
            err.to_string(),
            format!("{err:?}"),
            err.body_excerpt().unwrap_or_default(),
        ],
    }
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

/// UAPAY's `update_deal` with the spec's example through a caller's own client with
/// credentials (`new_with_client`).
async fn uapay_own_client(base_url: &str, timeout: Duration) -> Result<u16, Shown> {
    use crm_bindings::uapay::{Client, types};
    let ex = SpecExamples::load("uapay");
    let op = "update_deal";
    Client::new_with_client(base_url, uapay_http(timeout))
        .update_deal()
        .deal_id(ex.param::<types::DealId>(op, "dealId"))
        .by_external_id(ex.param::<bool>(op, "byExternalId"))
        .body(ex.body::<types::DealUpdate>(op))
        .send()
        .await
        .map(|answer| answer.status().as_u16())
        .map_err(|err| {
            shown(
                format!("uapay update_deal (own client) at {base_url}"),
                &err,
            )
        })
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

/// A loopback port nothing listens on.
fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Every operation of every API (and UAPAY through a caller's own client) under `fault`:
/// each must fail, and what each failure shows is returned.
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
        None => refused_base_url(),
    };
    // Only the stalling server gets the short timeout: the others must answer, however
    // busy the test machine is.
    let timeout = if fault == Fault::Timeout {
        SHORT
    } else {
        Duration::from_secs(30)
    };
    let config = HttpConfig::default().timeout(timeout);
    let (outcomes, own) = tokio::join!(
        run_all(&base_url, &config),
        uapay_own_client(&base_url, timeout)
    );
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
    shown.push(own.expect_err("uapay (own client) must fail"));
    for s in &shown {
        match fault {
            Fault::Timeout => assert!(s.is_timeout, "{}: not a timeout: {:?}", s.label, s.texts),
            Fault::Refused => assert!(s.communication, "{}: {:?}", s.label, s.texts),
            _ => assert!(!s.communication, "{}: {:?}", s.label, s.texts),
        }
    }
    shown
}

/// An input refused before sending, for every operation that takes one.
async fn refused_inputs() -> Vec<Shown> {
    // A base URL no request may reach: a refusal must come before any connection.
    let base = refused_base_url();
    let config = HttpConfig::default();
    let mut out = Vec::new();
    let mut push = |api: &str, op: &str, shown_err: Option<Shown>| {
        let shown_err = shown_err.unwrap_or_else(|| panic!("{api} {op}: the input was sent"));
        assert!(
            !shown_err.communication,
            "{api} {op}: refused only after trying to send: {:?}",
            shown_err.texts
        );
        out.push(shown_err);
    };
    macro_rules! refused {
        ($api:literal, $op:literal, $call:expr) => {
            push(
                $api,
                $op,
                $call
                    .await
                    .err()
                    .map(|e| shown(format!("refused input: {} {}", $api, $op), &e)),
            )
        };
    }

    let c = crm_bindings::cscart::Client::with_basic_auth_and_config(
        &base,
        CSCART_EMAIL,
        CSCART_API_KEY,
        &config,
    )
    .unwrap();
    use crm_bindings::cscart::types::CallRequestInput;
    refused!(
        "cscart",
        "list_call_requests",
        c.list_call_requests().page(0u64).send()
    );
    refused!(
        "cscart",
        "create_call_request",
        c.create_call_request()
            .body(CallRequestInput::default())
            .send()
    );
    refused!(
        "cscart",
        "get_call_request",
        c.get_call_request().id(0u64).send()
    );
    refused!(
        "cscart",
        "update_call_request",
        c.update_call_request()
            .body(CallRequestInput::default())
            .send()
    );
    refused!(
        "cscart",
        "delete_call_request",
        c.delete_call_request().send()
    );

    let y = crm_bindings::yume::Client::with_bearer_token_and_config(&base, YUME_TOKEN, &config)
        .unwrap();
    // `list_wazzup_triggers` takes no input; `create_wazzup_trigger`'s body has no required
    // field and every field is a typed value, so no invalid input reaches it.
    refused!(
        "yume",
        "update_wazzup_trigger",
        y.update_wazzup_trigger().send()
    );
    refused!(
        "yume",
        "partial_update_wazzup_trigger",
        y.partial_update_wazzup_trigger().send()
    );
    refused!(
        "yume",
        "delete_wazzup_trigger",
        y.delete_wazzup_trigger().send()
    );

    let u = crm_bindings::uapay::Client::new_with_client(&base, uapay_http(SHORT));
    refused!("uapay", "update_deal", u.update_deal().deal_id("..").send());

    let t = crm_bindings::thulium::Client::with_basic_auth_and_config(
        &base,
        THULIUM_USER,
        THULIUM_PASSWORD,
        &config,
    )
    .unwrap();
    refused!(
        "thulium",
        "update_outbound_record",
        t.update_outbound_record()
            .id("00001")
            .customer_id(0u64)
            .send()
    );

    let s = crm_bindings::solos::Client::with_keys_and_config(
        &base,
        SOLOS_TOKEN,
        SOLOS_SECRET,
        &config,
    )
    .unwrap();
    refused!(
        "solos",
        "list_projects",
        s.list_projects().count(-1i64).send()
    );
    // `filter_projects`: every field is optional and typed, so no invalid body reaches it.
    refused!("solos", "get_project", s.get_project().id(0u64).send());
    refused!("solos", "list_project_steps", s.list_project_steps().send());
    refused!(
        "solos",
        "list_project_actions",
        s.list_project_actions().id(1u64).count(-1i64).send()
    );
    refused!("solos", "get_project_action", s.get_project_action().send());
    refused!(
        "solos",
        "list_project_checklists",
        s.list_project_checklists().id(0u64).send()
    );
    refused!("solos", "list_project_goods", s.list_project_goods().send());
    refused!(
        "solos",
        "list_project_payments",
        s.list_project_payments().id(1u64).offset(-5i64).send()
    );
    // Every operation but the three that take no refusable input.
    assert_eq!(out.len(), operations::all().len() - 3);
    out
}

// ---------------------------------------------------------------------------------------
// Constructors and configuration.

/// One constructor: its valid credentials and how to build it. `build` returns the client's
/// `Debug`.
struct Constructor {
    name: &'static str,
    credentials: &'static [&'static str],
    /// Whether the first credential is a Basic user (may not contain `:`).
    basic_user: bool,
    build: fn(&str, &[&str]) -> Result<String, ConfigError>,
}

fn constructors() -> Vec<Constructor> {
    vec![
        Constructor {
            name: "cscart::Client::with_basic_auth",
            credentials: &[CSCART_EMAIL, CSCART_API_KEY],
            basic_user: true,
            build: |url, c| {
                crm_bindings::cscart::Client::with_basic_auth(url, c[0], c[1])
                    .map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "cscart::Client::with_basic_auth_and_config",
            credentials: &[CSCART_EMAIL, CSCART_API_KEY],
            basic_user: true,
            build: |url, c| {
                crm_bindings::cscart::Client::with_basic_auth_and_config(
                    url,
                    c[0],
                    c[1],
                    &custom_config(),
                )
                .map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "yume::Client::with_bearer_token",
            credentials: &[YUME_TOKEN],
            basic_user: false,
            build: |url, c| {
                crm_bindings::yume::Client::with_bearer_token(url, c[0]).map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "yume::Client::with_bearer_token_and_config",
            credentials: &[YUME_TOKEN],
            basic_user: false,
            build: |url, c| {
                crm_bindings::yume::Client::with_bearer_token_and_config(
                    url,
                    c[0],
                    &custom_config(),
                )
                .map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "thulium::Client::with_basic_auth",
            credentials: &[THULIUM_USER, THULIUM_PASSWORD],
            basic_user: true,
            build: |url, c| {
                crm_bindings::thulium::Client::with_basic_auth(url, c[0], c[1])
                    .map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "thulium::Client::with_basic_auth_and_config",
            credentials: &[THULIUM_USER, THULIUM_PASSWORD],
            basic_user: true,
            build: |url, c| {
                crm_bindings::thulium::Client::with_basic_auth_and_config(
                    url,
                    c[0],
                    c[1],
                    &custom_config(),
                )
                .map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "solos::Client::with_keys",
            credentials: &[SOLOS_TOKEN, SOLOS_SECRET],
            basic_user: false,
            build: |url, c| {
                crm_bindings::solos::Client::with_keys(url, c[0], c[1]).map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "solos::Client::with_keys_and_config",
            credentials: &[SOLOS_TOKEN, SOLOS_SECRET],
            basic_user: false,
            build: |url, c| {
                crm_bindings::solos::Client::with_keys_and_config(url, c[0], c[1], &custom_config())
                    .map(|c| format!("{c:?}"))
            },
        },
        Constructor {
            name: "uapay::Client::with_http_config",
            credentials: &[],
            basic_user: false,
            build: |url, _| {
                crm_bindings::uapay::Client::with_http_config(url, &custom_config())
                    .map(|c| format!("{c:?}"))
            },
        },
    ]
}

fn custom_config() -> HttpConfig {
    HttpConfig::default()
        .timeout(Duration::from_secs(45))
        .connect_timeout(Duration::from_secs(3))
}

const GOOD_URL: &str = "https://crm.example.com/api";

/// `Debug` of every client from every constructor (and UAPAY's `new_with_client`), of the
/// configs, and `Display` + `Debug` of every `ConfigError` each constructor can return.
fn constructor_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for config in [HttpConfig::default(), custom_config()] {
        out.push(("HttpConfig".to_string(), format!("{config:?}")));
    }
    for ctor in constructors() {
        let debug = (ctor.build)(GOOD_URL, ctor.credentials)
            .unwrap_or_else(|e| panic!("{}: {e}", ctor.name));
        if !ctor.credentials.is_empty() {
            // The credential header is there, masked.
            assert!(debug.contains("Sensitive"), "{}: {debug}", ctor.name);
        }
        out.push((format!("Debug of {}", ctor.name), debug));

        // Bad base URLs, some hiding a secret; a secret passed as the URL by mistake.
        let secret = ctor.credentials.last().copied().unwrap_or(URL_PASSWORD);
        let bad_urls = [
            secret.to_string(),
            "ftp://crm.example.com/api".to_string(),
            format!("https://admin:{URL_PASSWORD}@crm.example.com/api"),
            format!("https://{URL_PASSWORD}@crm.example.com/api"),
            format!("https://crm.example.com/api?token={URL_TOKEN}"),
            format!("https://crm.example.com/api#{URL_TOKEN}"),
        ];
        for url in bad_urls {
            let err = (ctor.build)(&url, ctor.credentials)
                .expect_err(&format!("{}: accepted the base URL {url}", ctor.name));
            assert!(matches!(err, ConfigError::InvalidBaseUrl(_)), "{err:?}");
            out.push((format!("{} with a bad URL", ctor.name), err.to_string()));
            out.push((format!("{} with a bad URL", ctor.name), format!("{err:?}")));
        }

        // Bad credentials, each position in turn.
        for (i, good) in ctor.credentials.iter().enumerate() {
            let mut bad = vec![
                String::new(),
                format!("{good}\n"),
                format!("{good}\r\nX-Injected: yes"),
                format!("{good}é"),
                format!("{good}\u{0}"),
            ];
            if i == 0 && ctor.basic_user {
                bad.push(format!("{good}:{}", ctor.credentials[1]));
            }
            if ctor.name.starts_with("yume") {
                bad.push("   ".into());
            }
            for value in &bad {
                let mut credentials = ctor.credentials.to_vec();
                credentials[i] = value;
                let label = format!("{} with a bad credential", ctor.name);
                match (ctor.build)(GOOD_URL, &credentials) {
                    Err(err) => {
                        assert!(matches!(err, ConfigError::InvalidCredential(_)), "{err:?}");
                        out.push((label.clone(), err.to_string()));
                        out.push((label, format!("{err:?}")));
                    }
                    Ok(debug) => {
                        panic!("{}: accepted credential #{i} {value:?}: {debug}", ctor.name)
                    }
                }
            }
        }
    }
    // UAPAY: a caller's own client with credentials.
    let own = crm_bindings::uapay::Client::new_with_client(GOOD_URL, uapay_http(SHORT));
    let debug = format!("{own:?}");
    assert!(debug.contains("Sensitive"), "{debug}");
    out.push(("Debug of uapay::Client::new_with_client".into(), debug));
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
    let _ = uapay_own_client(&ok.uri(), Duration::from_secs(30)).await;
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
    for api in ["cscart", "yume", "uapay", "thulium", "solos"] {
        let server = MockServer::start().await;
        let expected = credential_headers(api);
        let operations = operations::of(api).len() as u64;
        let mut with_credentials = Mock::given(wiremock::matchers::any());
        for (name, value) in &expected {
            with_credentials = with_credentials.and(header(*name, value.as_str()));
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

        if api == "uapay" {
            // The crate's own constructor sends no credential (none is documented); the
            // caller's client sends theirs.
            // The answer (`{}`) does not decode; only what was sent matters here.
            let _ = uapay_own_client(&server.uri(), Duration::from_secs(30)).await;
        } else {
            run_api(api, &server.uri(), &HttpConfig::default()).await;
        }

        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len() as u64, operations, "{api}");
        for request in &received {
            assert_only_in_headers(api, request, &expected, &secrets);
            checked += 1;
        }
        server.verify().await;
    }
    println!("wire: {checked} requests, credentials only in their headers");
}

fn assert_only_in_headers(
    api: &str,
    request: &Request,
    expected: &[(&str, String)],
    secrets: &[String],
) {
    let what = format!("{api} {} {}", request.method, request.url);
    let url = &request.url;
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{what}"
    );
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

/// `ConfigError::InvalidCredential` says a credential "must be non-empty visible ASCII", and
/// the Bearer and solOS constructors refuse anything else, but a Basic user or password
/// with a newline, a NUL, CR LF or a non-ASCII letter is accepted: `config::basic_auth`
/// checks only for empty values and `:`, then base64 hides the bytes from
/// `secret_header`'s check. A trailing newline read from a file then fails every request
/// with a 401 instead of at construction.
#[test]
fn basic_credentials_must_be_visible_ascii_as_the_error_says() {
    let mut accepted = Vec::new();
    for ctor in constructors().iter().filter(|c| c.basic_user) {
        for i in 0..2 {
            let good = ctor.credentials[i];
            for value in [
                format!("{good}\n"),
                format!("{good}\r\nX-Injected: yes"),
                format!("{good}é"),
                format!("{good}\u{0}"),
            ] {
                let mut credentials = ctor.credentials.to_vec();
                credentials[i] = &value;
                if (ctor.build)(GOOD_URL, &credentials).is_ok() {
                    accepted.push(format!("{} credential #{i} {value:?}", ctor.name));
                }
            }
        }
    }
    assert!(accepted.is_empty(), "accepted:\n{}", accepted.join("\n"));
}
