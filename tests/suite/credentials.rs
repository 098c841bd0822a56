//! Credentials never travel in clear text and never come back in an error, for every API.
//!
//! - A client that carries credentials refuses a plain `http://` base URL on a host other
//!   than loopback, at construction (so no connection can be made), unless
//!   `HttpConfig::allow_insecure_http()` says so; loopback is allowed.
//! - A redirect from `https` to `http` is refused, also with that opt-in: to another host,
//!   and on the same host name; one from `https` to `https` on the same host is followed.
//! - A server that echoes a client's credential (raw, as the Basic Base64 token, or
//!   percent-encoded) in a 4xx, a 5xx or a 200-with-HTML body, or in a header, shows
//!   `[REDACTED]` in the error's `Display`, `Debug`, excerpt, kept body and headers, never
//!   the credential.
//!
//! The test credentials (`support::operations::credentials`) hold characters that Base64 and
//! percent-encoding change; APIs without documented auth have none to protect.

use crate::support::operations::{self, apis, credentials, secrets_of};
use crm_bindings::HttpConfig;
use crm_bindings_runtime::mock::{Auth, Status};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `Debug` of each API's client for `base` with `config` (`None`: the plain constructor).
fn build_all(
    base: &str,
    config: Option<&HttpConfig>,
) -> Vec<(&'static str, Result<String, crm_bindings::ConfigError>)> {
    apis()
        .iter()
        .map(|api| {
            (
                api.name,
                (api.client_debug)(base, config, credentials(api.name)),
            )
        })
        .collect()
}

fn has_credentials(api: &str) -> bool {
    operations::auth(api) != Auth::None
}

#[test]
fn plain_http_to_another_host_is_refused_at_construction() {
    // No network here: the refusal happens before any client exists.
    let mut refused = 0;
    for base in [
        "http://shop.example.com/api/2.0",
        "http://10.0.0.7:8080",
        "http://localhost.example.com",
        "http://[2001:db8::1]/api",
    ] {
        for config in [None, Some(&HttpConfig::default())] {
            for (api, result) in build_all(base, config) {
                if !has_credentials(api) {
                    assert!(result.is_ok(), "{api} {base}: no credential to protect");
                    continue;
                }
                let err = result.expect_err(&format!("{api} accepted {base}"));
                assert!(
                    matches!(err, crm_bindings::ConfigError::InsecureBaseUrl(_)),
                    "{api}: {err:?}"
                );
                let text = format!("{err} {err:?}");
                assert!(text.contains("clear text"), "{text}");
                assert!(text.contains("allow_insecure_http"), "says how: {text}");
                for secret in secrets_of(api) {
                    assert!(!text.contains(&secret), "{api}: {text}");
                }
                refused += 1;
            }
        }
    }
    assert!(refused > 0, "no API with credentials");
    crate::support::assert_every_spec("credentials", operations::api_names());
}

#[test]
fn loopback_is_allowed() {
    for base in [
        "http://127.0.0.1:9",
        "http://127.8.9.10/api",
        "http://[::1]:9",
        "http://localhost:9/api",
        "http://LOCALHOST",
    ] {
        for (api, result) in build_all(base, Some(&HttpConfig::default())) {
            assert!(result.is_ok(), "{api} {base}: {result:?}");
        }
    }
}

#[test]
fn the_opt_in_allows_plain_http_and_https_needs_none() {
    let insecure = HttpConfig::default().allow_insecure_http();
    for (api, result) in build_all("http://shop.example.com/api/2.0", Some(&insecure)) {
        assert!(result.is_ok(), "{api}: {result:?}");
    }
    for (api, result) in build_all("https://shop.example.com/api/2.0", None) {
        assert!(result.is_ok(), "{api}: {result:?}");
    }
}

/// The forms of `api`'s credentials a server might echo: raw (and Basic's Base64), and
/// percent-encoded.
fn echoed_forms(api: &str) -> Vec<String> {
    let percent = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let raw = secrets_of(api);
    let mut forms = raw.clone();
    forms.extend(raw.iter().map(|s| percent(s)).filter(|p| !raw.contains(p)));
    forms
}

/// `json` with every string replaced by `text`.
fn strings_replaced(json: serde_json::Value, text: &str) -> serde_json::Value {
    use serde_json::Value;
    match json {
        Value::String(_) => Value::String(text.to_string()),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| strings_replaced(v, text))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, strings_replaced(v, text)))
                .collect(),
        ),
        other => other,
    }
}

#[tokio::test]
async fn an_echoed_credential_shows_as_redacted_in_every_error() {
    let mut checked = 0;
    for op in operations::all() {
        if !has_credentials(op.api) {
            continue;
        }
        let forms = echoed_forms(op.api);
        let echo = forms.join(" | ");
        // A documented error with its documented body (every string the echo) where the
        // operation documents one, else a 401; a 500 page; a 200 with an HTML page.
        let documented = op.facts.statuses.iter().find_map(|s| match s {
            Status::Error { from, .. } => Some(*from),
            _ => None,
        });
        let four = match (documented, op.facts.error_example) {
            (Some(status), Some(example)) => {
                let body = strings_replaced(serde_json::from_str(example).unwrap(), &echo);
                (status, "application/json", body.to_string())
            }
            _ => (
                401,
                "application/json",
                serde_json::json!({ "detail": echo }).to_string(),
            ),
        };
        let html = format!("<html><body>Denied for {echo}</body></html>");
        let has_success_body = op
            .facts
            .statuses
            .iter()
            .any(|s| matches!(s, Status::Success { body: true, .. }));
        let mut answers = vec![four, (500, "text/html", html.clone())];
        if has_success_body {
            answers.push((200, "text/html", html));
        }
        for (status, content_type, body) in answers {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(
                    ResponseTemplate::new(status)
                        .insert_header("content-type", content_type)
                        .insert_header("x-echo", forms[0].as_str())
                        .set_body_string(body),
                )
                .mount(&server)
                .await;
            let outcome = op.run(&server.uri(), HttpConfig::default()).await;
            let what = format!("{} {} {status}", op.api, op.id);
            let failure = outcome.result.expect_err(&what);
            let texts = [
                failure.display,
                failure.debug,
                failure.body_excerpt.unwrap_or_default(),
            ];
            let joined = texts.join("\n");
            for form in &forms {
                assert!(
                    !joined.contains(form.as_str()),
                    "{what}: `{form}` shown in:\n{joined}"
                );
            }
            assert!(
                joined.contains("[REDACTED]"),
                "{what}: the marker is shown:\n{joined}"
            );
            checked += texts.len();
        }
    }
    assert!(checked > 0);
    println!("credentials: {checked} error texts, no credential in any");
}

/// A loopback HTTPS server (self-signed certificate for `localhost`) answering every request
/// with a redirect to `location`.
async fn tls_redirect_server(location: String) -> (String, reqwest::Certificate) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let trusted = reqwest::Certificate::from_pem(cert.pem().as_bytes()).unwrap();
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let location = location.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}"), trusted)
}

#[tokio::test]
async fn a_redirect_from_https_to_http_is_refused_even_with_the_opt_in() {
    // The plain-http side counts connections: none may arrive.
    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let plain_url = format!("http://127.0.0.1:{}", plain.local_addr().unwrap().port());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while plain.accept().await.is_ok() {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let (base, trusted) = tls_redirect_server(format!("{plain_url}/moved")).await;
    let mut checked = 0;
    for op in operations::all() {
        for config in [
            HttpConfig::default(),
            HttpConfig::default().allow_insecure_http(),
        ] {
            let config = config.add_root_certificate(trusted.clone());
            let outcome = op.run(&base, config).await;
            let what = format!("{} {}", op.api, op.id);
            let failure = outcome.result.expect_err(&what);
            assert_eq!(failure.kind, "Communication", "{what}: {failure:?}");
            assert!(
                failure.display.contains("redirect refused"),
                "{what}: {}",
                failure.display
            );
            checked += 1;
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "no request reached plain http"
    );
    crate::support::assert_every_spec("credentials", operations::api_names());
    println!("credentials: {checked} https -> http redirects refused");
}

/// A plain listener on the host name `localhost` (127.0.0.1, and `::1` on the same port
/// when it can be had, so no address `localhost` resolves to is missed), counting the
/// connections it gets and closing them unanswered. Returns its port and the count.
async fn plain_localhost_listener() -> (u16, Arc<AtomicUsize>) {
    let v4 = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = v4.local_addr().unwrap().port();
    let v6 = tokio::net::TcpListener::bind(("::1", port)).await.ok();
    let connections = Arc::new(AtomicUsize::new(0));
    for listener in std::iter::once(v4).chain(v6) {
        let counted = connections.clone();
        tokio::spawn(async move {
            while listener.accept().await.is_ok() {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
    }
    (port, connections)
}

/// The downgrade check alone: a redirect from `https://localhost:<a>` to
/// `http://localhost:<b>`, the same host name, is refused as a downgrade (not merely not
/// followed), with and without the plain-http opt-in, for every operation (302 and 307);
/// the plain side gets no connection. (The test above redirects to another host,
/// `127.0.0.1`, so a check that compared hosts first would pass it. The same host and the
/// same port differing only by scheme cannot be served: one port speaks TLS or not, so
/// the plain side is another port of the same host name.)
#[tokio::test]
async fn a_redirect_from_https_to_http_on_the_same_host_is_refused() {
    let (plain_port, connections) = plain_localhost_listener().await;
    let target = format!("http://localhost:{plain_port}");
    let server = crate::support::tls::serve(move |request| {
        // 307 for a POST or PATCH (a 302 turns them into a GET), 302 for the rest.
        let status = if matches!(request.method.as_str(), "POST" | "PATCH") {
            307
        } else {
            302
        };
        crate::support::tls::Answer {
            status,
            headers: vec![("location".into(), format!("{target}{}", request.target))],
            body: Vec::new(),
        }
    })
    .await;
    let mut checked = 0;
    for op in operations::all() {
        for config in [
            HttpConfig::default(),
            HttpConfig::default().allow_insecure_http(),
        ] {
            let before = server.received().len();
            let config = config.add_root_certificate(server.trusted.clone());
            let outcome = op.run(&server.base, config).await;
            let what = format!("{} {}", op.api, op.id);
            assert_eq!(server.received().len(), before + 1, "{what}: one request");
            let failure = outcome.result.expect_err(&what);
            assert_eq!(failure.kind, "Communication", "{what}: {failure:?}");
            assert!(
                failure.display.contains("redirect refused"),
                "{what}: {}",
                failure.display
            );
            assert!(
                failure
                    .debug
                    .contains("redirect from https to plain http refused"),
                "{what}: {}",
                failure.debug
            );
            checked += 1;
        }
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "no request reached plain http"
    );
    crate::support::assert_every_spec("credentials", operations::api_names());
    println!("credentials: {checked} same-host https -> http redirects refused");
}

/// Its counterpart: a redirect from `https://localhost:<port>` to another path of
/// `https://localhost:<port>` is followed for every operation (302 and 307), and the
/// credential headers arrive there with their exact values (a 307 with the method and body):
/// the downgrade check refuses `http` targets only, not every redirect after `https`.
#[tokio::test]
async fn a_redirect_from_https_to_https_on_the_same_host_is_followed() {
    let mut checked = 0;
    for status in [302u16, 307] {
        for op in operations::all() {
            let (code, with_body) = op.success_status();
            let example = match (with_body, op.facts.success_example) {
                (true, Some(example)) => Some(example),
                _ => None,
            };
            let server = crate::support::tls::serve(move |request| {
                if request.target.starts_with("/moved/") {
                    let headers = match example {
                        Some(_) => vec![("content-type".into(), "application/json".into())],
                        None => Vec::new(),
                    };
                    return crate::support::tls::Answer {
                        status: code,
                        headers,
                        body: example.unwrap_or_default().as_bytes().to_vec(),
                    };
                }
                // The host the client asked for (`localhost:<port>`): the same origin.
                let host = request.header("host").expect("a Host header");
                crate::support::tls::Answer {
                    status,
                    headers: vec![(
                        "location".into(),
                        format!("https://{host}/moved{}", request.target),
                    )],
                    body: Vec::new(),
                }
            })
            .await;
            let config = HttpConfig::default().add_root_certificate(server.trusted.clone());
            let outcome = op.run(&server.base, config).await;

            let what = format!("{} {} ({status})", op.api, op.id);
            assert_eq!(
                outcome.result.as_ref().ok(),
                Some(&code),
                "{what}: {outcome:?}"
            );
            let received = server.received();
            assert_eq!(received.len(), 2, "{what}: {received:?}");
            let (first, moved) = (&received[0], &received[1]);
            assert_eq!(moved.target, format!("/moved{}", first.target), "{what}");
            assert_eq!(
                moved.header("host"),
                Some(format!("localhost:{}", server.port).as_str()),
                "{what}"
            );
            for (name, value) in operations::credential_headers(op.api) {
                assert_eq!(
                    moved.header(name),
                    Some(value.as_str()),
                    "{what}: `{name}` did not arrive after the redirect"
                );
            }
            if status == 307 {
                assert_eq!(moved.method, first.method, "{what}");
                assert_eq!(moved.body, first.body, "{what}");
            }
            checked += 1;
        }
    }
    crate::support::assert_every_spec("credentials", operations::api_names());
    println!("credentials: {checked} same-host https -> https redirects followed");
}
