//! Transport defaults, for every API: rustls only (no OpenSSL, no native-tls), connect
//! and total timeouts on by default and settable, redirects followed only on the same host
//! (credentials never travel elsewhere), the `crm-bindings/<version>` User-Agent and no
//! `api-version` header on every operation.
//!
//! Nothing here leaves the machine: every server is a loopback wiremock server or listener.

use crate::support::operations::{self, apis, credentials};
use crm_bindings::{HttpConfig, RetryPolicy};
use std::time::Duration;
use wiremock::matchers::{any, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const USER_AGENT: &str = concat!("crm-bindings/", env!("CARGO_PKG_VERSION"));

fn ok_json() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({}))
}

// ---------------------------------------------------------------------------------------
// rustls only.

/// The library's normal dependency tree, every feature on: no OpenSSL and no native-tls
/// crate, rustls present. `openssl-probe` is allowed: a dependency-free, pure-Rust crate
/// that only looks up where the system keeps its CA files (for `rustls-native-certs`); it
/// links nothing.
#[test]
fn only_rustls_is_in_the_dependency_tree() {
    let tree = tree_text(&["--all-features"]);
    let crates = crate_names(&tree);
    assert!(crates.contains(&"rustls"), "no rustls in:\n{tree}");
    assert!(
        crates.contains(&"hyper-rustls"),
        "no hyper-rustls in:\n{tree}"
    );
    // Both providers, as `tls-ring` and `tls-aws-lc` are both on.
    assert!(crates.contains(&"ring"), "no ring in:\n{tree}");
    assert!(crates.contains(&"aws-lc-rs"), "no aws-lc-rs in:\n{tree}");
    let forbidden: Vec<&str> = tree
        .lines()
        .filter(|line| line.contains("openssl") || line.contains("native-tls"))
        .filter(|line| !line.starts_with("openssl-probe "))
        .collect();
    assert!(
        forbidden.is_empty(),
        "OpenSSL or native-tls in the tree:\n{}",
        forbidden.join("\n")
    );
    // `openssl-probe`, if there, depends on nothing (so it cannot bring OpenSSL in).
    if crates.contains(&"openssl-probe") {
        let probe = std::process::Command::new(env!("CARGO"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "tree",
                "--locked",
                "-e",
                "normal",
                "-p",
                "openssl-probe",
                "--prefix",
                "none",
            ])
            .output()
            .expect("cargo tree runs");
        let probe = String::from_utf8_lossy(&probe.stdout);
        let lines: Vec<&str> = probe.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].starts_with("openssl-probe "),
            "openssl-probe depends on:\n{probe}"
        );
    }
    println!(
        "transport: {} crates in the tree, rustls, no openssl/native-tls",
        crates.len()
    );
}

/// The crates of the normal dependency tree with `features`.
fn tree_crates(features: &[&str]) -> Vec<String> {
    crate_names(&tree_text(features))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// `cargo tree` of the library's normal dependencies with `features`, one crate per line.
fn tree_text(features: &[&str]) -> String {
    let mut args = vec!["tree", "--locked", "-e", "normal", "-p", "crm-bindings"];
    args.extend(["--prefix", "none"]);
    args.extend(features);
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&args)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The crate names of a `tree_text`, sorted, once each.
fn crate_names(tree: &str) -> Vec<&str> {
    let mut crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    crates.sort();
    crates.dedup();
    crates
}

/// The default features use ring, not aws-lc (whose C build is most of a consumer's cold
/// build: BENCHMARKS.md); `tls-aws-lc` brings aws-lc (reqwest's own default) instead.
#[test]
fn ring_by_default_and_aws_lc_on_request() {
    let default = tree_crates(&[]);
    assert!(default.iter().any(|c| c == "ring"), "{default:?}");
    assert!(
        !default.iter().any(|c| c.starts_with("aws-lc")),
        "{default:?}"
    );
    let aws = tree_crates(&["--no-default-features", "--features", "cscart,tls-aws-lc"]);
    assert!(aws.iter().any(|c| c == "aws-lc-rs"), "{aws:?}");
    assert!(!aws.iter().any(|c| c == "ring"), "{aws:?}");
}

/// The `http2` feature (a default) is what builds reqwest's HTTP/2 (the `h2` crate, which
/// reqwest negotiates over TLS by ALPN where the server offers it); without it the client
/// speaks HTTP/1.1 only and `h2` is not built.
#[test]
fn http2_is_built_only_with_its_feature() {
    let default = tree_crates(&[]);
    assert!(default.iter().any(|c| c == "h2"), "{default:?}");
    let without = tree_crates(&["--no-default-features", "--features", "cscart,tls-ring"]);
    assert!(!without.iter().any(|c| c == "h2"), "{without:?}");
    let with = tree_crates(&[
        "--no-default-features",
        "--features",
        "cscart,tls-ring,http2",
    ]);
    assert!(with.iter().any(|c| c == "h2"), "{with:?}");
}

/// What users compile (the default features, the normal dependency tree) holds none of the
/// maintainers' crates: not the generator, not the spec parsers, not the test tools.
#[test]
fn the_generator_and_test_tools_never_reach_users_builds() {
    let tree = tree_text(&[]);
    let crates = crate_names(&tree);
    assert!(crates.contains(&"progenitor-client"), "{tree}");
    let maintainers = [
        "progenitor",
        "progenitor-impl",
        "typify",
        "typify-impl",
        "openapiv3",
        "serde_yaml_ng",
        "prettyplease",
        "similar",
        "insta",
        "wiremock",
        "xtask",
        "tracing-subscriber",
    ];
    let found: Vec<&&str> = maintainers.iter().filter(|m| crates.contains(m)).collect();
    assert!(found.is_empty(), "{found:?} in users' tree:\n{tree}");
}

// ---------------------------------------------------------------------------------------
// Timeouts.

/// A loopback listener whose accept queue is full (backlog 0, one connection queued and
/// never accepted): the kernel drops further SYNs, so a connection to it never completes.
/// Returns the listener and the queued connection, which must stay open.
fn listener_nobody_accepts() -> (socket2::Socket, std::net::TcpStream) {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .expect("bind");
    socket.listen(0).expect("listen");
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    // Fill the queue: connect until a connection does not complete.
    let mut queued = Vec::new();
    loop {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(_) => break,
        }
        assert!(queued.len() < 64, "the accept queue never filled");
    }
    let first = queued.into_iter().next().expect("one queued connection");
    (socket, first)
}

/// `connect_timeout` ends a connection attempt that never completes (on loopback only), for
/// every operation of every API: the error is a connect error, long before `timeout`.
#[tokio::test]
async fn the_connect_timeout_ends_a_connection_nobody_accepts() {
    let (listener, _queued) = listener_nobody_accepts();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let config = HttpConfig::default()
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(20))
        .retries(crm_bindings::RetryPolicy::none());
    for op in operations::all() {
        let failure = op
            .run(&format!("http://{addr}"), config.clone())
            .await
            .result
            .expect_err("never connects");
        // reqwest's `Debug` names the phase: a connect error caused by a timeout (hyper's
        // `Elapsed` inside a `ConnectError`, or reqwest's connector `TimedOut`, depending on
        // which timer fires first), not the whole call's timeout.
        assert!(
            failure
                .debug
                .contains("hyper_util::client::legacy::Error(Connect")
                && (failure.debug.contains("Elapsed") || failure.debug.contains("TimedOut")),
            "{}: {}",
            op.id,
            failure.debug
        );
        assert!(failure.is_timeout, "{}: {}", op.id, failure.display);
    }
}

/// The defaults: 10 s to connect, 30 s in all; the total timeout reaches every API's
/// client (reqwest's `Debug` of a built client shows the total timeout, not the connect
/// one: that one is proved by `the_connect_timeout_ends_a_connection_nobody_accepts`).
#[test]
fn timeouts_are_on_by_default_and_settable() {
    let default = format!("{:?}", HttpConfig::default());
    assert!(default.contains("connect_timeout: 10s"), "{default}");
    assert!(default.contains("timeout: 30s"), "{default}");
    let custom = HttpConfig::default()
        .connect_timeout(Duration::from_secs(4))
        .timeout(Duration::from_secs(45));
    let shown = format!("{custom:?}");
    assert!(
        shown.contains("connect_timeout: 4s") && shown.contains("timeout: 45s"),
        "{shown}"
    );

    let url = "https://crm.example.com/api";
    for api in apis() {
        let c = credentials(api.name);
        // The plain constructor uses the default; the `_and_config` one the config given.
        let plain = (api.client_debug)(url, None, c).unwrap();
        let default = (api.client_debug)(url, Some(&HttpConfig::default()), c).unwrap();
        let configured = (api.client_debug)(url, Some(&custom), c).unwrap();
        for debug in [&plain, &default] {
            assert!(debug.contains("TotalTimeout: 30s"), "{}: {debug}", api.name);
        }
        assert!(
            configured.contains("TotalTimeout: 45s"),
            "{}: {configured}",
            api.name
        );
    }
    crate::support::assert_every_spec("transport", operations::api_names());
}

/// A server that stalls past a short configured total timeout: one operation of each API
/// gives a `Communication` error with `is_timeout()`.
#[tokio::test]
async fn a_stalling_server_times_out_for_every_api() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json().set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let config = HttpConfig::default().timeout(Duration::from_millis(300));
    for api in operations::api_names() {
        let op = operations::of(api).remove(0);
        let outcome = op.run(&server.uri(), config.clone()).await;
        let failure = outcome
            .result
            .expect_err(&format!("{api} {}: answered despite the stall", op.id));
        assert!(
            failure.is_timeout && failure.kind == "Communication",
            "{api} {}: {failure:?}",
            op.id
        );
        assert!(failure.display.contains("timed out"), "{}", failure.display);
    }
}

// ---------------------------------------------------------------------------------------
// Redirects.

/// Redirects every request to `target` + its own path and query.
struct RedirectTo {
    status: u16,
    target: String,
}

impl Respond for RedirectTo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut location = format!("{}{}", self.target, request.url.path());
        if let Some(query) = request.url.query() {
            location.push('?');
            location.push_str(query);
        }
        ResponseTemplate::new(self.status).insert_header("location", location.as_str())
    }
}

/// A redirect to another name of the same server (`localhost` instead of `127.0.0.1`, same
/// port) or to another scheme on the same host and port is not followed: the host is
/// compared, not only the port, and the scheme too. The one server receives one request.
#[tokio::test]
async fn redirects_to_another_host_name_or_scheme_on_the_same_port_are_not_followed() {
    let mut checked = 0;
    for op in operations::all() {
        let server = MockServer::start().await;
        let port = server.address().port();
        for target in [
            format!("http://localhost:{port}"),
            format!("https://127.0.0.1:{port}"),
        ] {
            server.reset().await;
            Mock::given(any())
                .respond_with(RedirectTo {
                    status: 307,
                    target: target.clone(),
                })
                .mount(&server)
                .await;
            let outcome = op.run(&server.uri(), HttpConfig::default()).await;
            let what = format!("{} {} -> {target}", op.api, op.id);
            let received = server.received_requests().await.unwrap();
            assert_eq!(received.len(), 1, "{what}: the redirect was followed");
            let failure = outcome.result.expect_err(&what);
            assert_eq!(failure.kind, "UnexpectedResponse", "{what}: {failure:?}");
            assert_eq!(failure.status, Some(307), "{what}");
            checked += 1;
        }
    }
    println!("redirects: {checked} redirects to another host name or scheme refused");
}

/// A server that redirects to itself forever: the client follows 10 redirects on the same
/// host and stops with an error (no loop, no credential anywhere but that host).
#[tokio::test]
async fn a_redirect_loop_stops_after_ten_redirects() {
    for op in operations::all() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(RedirectTo {
                status: 302,
                target: server.uri(),
            })
            .mount(&server)
            .await;
        let failure = op
            .run(&server.uri(), HttpConfig::default())
            .await
            .result
            .expect_err("a loop");
        let what = format!("{} {}", op.api, op.id);
        assert_eq!(failure.kind, "Communication", "{what}: {failure:?}");
        assert!(
            failure.display.contains("redirect refused"),
            "{what}: {}",
            failure.display
        );
        assert!(
            failure.debug.contains("too many redirects"),
            "{what}: {}",
            failure.debug
        );
        // The first request and ten redirects, and not one more (no retry of a redirect error).
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            11,
            "{what}"
        );
    }
}

/// For every operation of every API, a 302 and a 307 to another host (a second server) are
/// not followed: the other host receives nothing and the error reports the redirect.
#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let mut checked = 0;
    for status in [302, 307] {
        for op in operations::all() {
            let origin = MockServer::start().await;
            let elsewhere = MockServer::start().await;
            Mock::given(any())
                .respond_with(RedirectTo {
                    status,
                    target: elsewhere.uri(),
                })
                .mount(&origin)
                .await;
            Mock::given(any())
                .respond_with(ok_json())
                .mount(&elsewhere)
                .await;

            let outcome = op.run(&origin.uri(), HttpConfig::default()).await;

            let what = format!("{} {} ({status})", op.api, op.id);
            assert_eq!(origin.received_requests().await.unwrap().len(), 1, "{what}");
            let stolen = elsewhere.received_requests().await.unwrap();
            assert!(stolen.is_empty(), "{what}: followed to {stolen:?}");
            let failure = outcome
                .result
                .expect_err(&format!("{what}: the redirect was taken as a success"));
            assert_eq!(failure.status, Some(status), "{what}: {failure:?}");
            assert_eq!(failure.kind, "UnexpectedResponse", "{what}: {failure:?}");
            checked += 1;
        }
    }
    println!("redirects: {checked} cross-host redirects refused, nothing reached the other host");
}

/// For every operation of every API, a 302 and a 307 to the same host are followed, and the
/// credential headers arrive there with their exact values; a 307 keeps the method and body.
#[tokio::test]
async fn redirects_on_the_same_host_are_followed_with_the_credentials() {
    let mut checked = 0;
    for status in [302, 307] {
        for op in operations::all() {
            let server = MockServer::start().await;
            Mock::given(path_regex("^/moved/"))
                .respond_with(ok_json())
                .with_priority(1)
                .mount(&server)
                .await;
            Mock::given(any())
                .respond_with(RedirectTo {
                    status,
                    target: format!("{}/moved", server.uri()),
                })
                .with_priority(10)
                .mount(&server)
                .await;

            op.run(&server.uri(), HttpConfig::default()).await;

            let what = format!("{} {} ({status})", op.api, op.id);
            let received = server.received_requests().await.unwrap();
            assert_eq!(received.len(), 2, "{what}: {received:?}");
            let (first, moved) = (&received[0], &received[1]);
            assert_eq!(
                moved.url.path(),
                format!("/moved{}", first.url.path()),
                "{what}"
            );
            assert_eq!(moved.url.query(), first.url.query(), "{what}");
            for (name, value) in operations::credential_headers(op.api) {
                let arrived = moved.headers.get(name).map(|v| v.as_bytes());
                assert_eq!(
                    arrived,
                    Some(value.as_bytes()),
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
    println!("redirects: {checked} same-host redirects followed with the credentials");
}

// ---------------------------------------------------------------------------------------
// Headers.

/// Every operation of every API, each on its own server: the requests it sent.
async fn every_request() -> Vec<(String, Request)> {
    let mut all = Vec::new();
    for op in operations::all() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ok_json())
            .mount(&server)
            .await;
        op.run(&server.uri(), HttpConfig::default()).await;
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1, "{} {}", op.api, op.id);
        all.extend(
            received
                .into_iter()
                .map(|request| (format!("{} {}", op.api, op.id), request)),
        );
    }
    assert_eq!(all.len(), operations::all().len());
    all
}

#[tokio::test]
async fn every_operation_sends_the_crm_bindings_user_agent() {
    let requests = every_request().await;
    for (what, request) in &requests {
        let agents: Vec<_> = request.headers.get_all("user-agent").iter().collect();
        assert_eq!(agents.len(), 1, "{what}: {agents:?}");
        assert_eq!(agents[0].as_bytes(), USER_AGENT.as_bytes(), "{what}");
    }
    println!(
        "user-agent: {} operations send `{USER_AGENT}`",
        requests.len()
    );
}

#[tokio::test]
async fn no_operation_sends_an_api_version_header() {
    let requests = every_request().await;
    for (what, request) in &requests {
        assert!(
            !request.headers.contains_key("api-version"),
            "{what}: {:?}",
            request.headers
        );
    }
    println!(
        "api-version: none of {} operations sends it",
        requests.len()
    );
}

/// A trailing slash on the base URL changes nothing: every operation of every API sends the
/// same path with and without it.
#[tokio::test]
async fn a_trailing_slash_on_the_base_url_is_harmless() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(599))
        .mount(&server)
        .await;
    for op in operations::all() {
        op.run(&server.uri(), HttpConfig::default()).await;
        op.run(&format!("{}/", server.uri()), HttpConfig::default())
            .await;
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2 * operations::all().len());
    for pair in received.chunks(2) {
        assert_eq!(pair[0].url.path(), pair[1].url.path());
        assert!(!pair[1].url.path().contains("//"), "{}", pair[1].url);
    }
}

// ---------------------------------------------------------------------------------------
// The rest of `HttpConfig`: extra headers, the User-Agent suffix, a proxy.

#[tokio::test]
async fn extra_headers_and_the_user_agent_suffix_reach_every_operation() {
    use crm_bindings::reqwest::header::{HeaderName, HeaderValue};
    let config = HttpConfig::default()
        .header(
            HeaderName::from_static("x-tenant"),
            HeaderValue::from_static("shop-7"),
        )
        .sensitive_header(
            HeaderName::from_static("x-gateway-key"),
            HeaderValue::from_static("GATEWAY-KEY-91c3"),
        )
        .user_agent_suffix("inventory-sync/2.3");
    // `Debug` names the headers, never their values.
    let shown = format!("{config:?}");
    assert!(
        shown.contains("x-gateway-key") && !shown.contains("GATEWAY-KEY-91c3"),
        "{shown}"
    );
    for op in operations::all() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ok_json())
            .mount(&server)
            .await;
        op.run(&server.uri(), config.clone()).await;
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1, "{}", op.id);
        let headers = &received[0].headers;
        assert_eq!(headers["x-tenant"], "shop-7", "{}", op.id);
        assert_eq!(headers["x-gateway-key"], "GATEWAY-KEY-91c3", "{}", op.id);
        assert_eq!(
            headers["user-agent"].to_str().unwrap(),
            format!("{USER_AGENT} inventory-sync/2.3"),
            "{}",
            op.id
        );
        // The credentials are still the constructor's.
        for (name, value) in operations::credential_headers(op.api) {
            assert_eq!(headers[name].as_bytes(), value.as_bytes(), "{}", op.id);
        }
    }
}

#[tokio::test]
async fn a_sensitive_header_echoed_by_a_server_is_redacted_in_the_error() {
    use crm_bindings::reqwest::header::{HeaderName, HeaderValue};
    let config = HttpConfig::default().sensitive_header(
        HeaderName::from_static("x-gateway-key"),
        HeaderValue::from_static("GATEWAY-KEY-91c3"),
    );
    for op in operations::all() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(418).set_body_string("bad key GATEWAY-KEY-91c3"))
            .mount(&server)
            .await;
        let failure = op
            .run(&server.uri(), config.clone())
            .await
            .result
            .expect_err("418");
        assert!(
            !failure.display.contains("GATEWAY-KEY-91c3"),
            "{}",
            failure.display
        );
        assert!(
            failure.display.contains("bad key [REDACTED]"),
            "{}",
            failure.display
        );
    }
}

#[tokio::test]
async fn a_credential_header_cannot_be_set_as_an_extra_header() {
    use crm_bindings::reqwest::header::{HeaderName, HeaderValue};
    let mut refused = 0;
    for op in operations::all() {
        // Every header the API's credentials go in, set as a plain or a sensitive header.
        for (name, _) in operations::credential_headers(op.api) {
            let (name, value) = (
                HeaderName::from_static(name),
                HeaderValue::from_static("replaced"),
            );
            for config in [
                HttpConfig::default().header(name.clone(), value.clone()),
                HttpConfig::default().sensitive_header(name.clone(), value.clone()),
            ] {
                let failure = op
                    .run("http://127.0.0.1:9", config)
                    .await
                    .result
                    .expect_err("refused");
                assert_eq!(failure.kind, "Config", "{}", op.id);
                assert!(
                    failure.debug.starts_with("InvalidHeader("),
                    "{}",
                    failure.debug
                );
                assert!(
                    failure.display.contains("carries the client's credentials"),
                    "{}",
                    failure.display
                );
                refused += 1;
            }
        }
    }
    assert!(refused > 0);
}

/// A proxy set in `HttpConfig` carries every request: the loopback "proxy" receives the
/// request for the CRM's host (reqwest sends plain-http requests to a proxy in absolute
/// form), so nothing reaches the CRM's host directly.
#[tokio::test]
async fn a_proxy_carries_every_operation() {
    let proxy = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json())
        .mount(&proxy)
        .await;
    let config = HttpConfig::default()
        .proxy(crm_bindings::reqwest::Proxy::http(proxy.uri()).unwrap())
        .allow_insecure_http();
    for op in operations::all() {
        op.run("http://crm.invalid", config.clone()).await;
    }
    let received = proxy.received_requests().await.unwrap();
    assert_eq!(received.len(), operations::all().len());
    for request in received {
        assert_eq!(request.headers["host"], "crm.invalid");
    }
}

/// `no_proxy()` undoes `proxy()`: every operation goes straight to the CRM's host (here one
/// that does not resolve, so each fails to connect) and the proxy receives nothing.
#[tokio::test]
async fn no_proxy_undoes_a_configured_proxy() {
    let proxy = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json())
        .mount(&proxy)
        .await;
    let config = HttpConfig::default()
        .proxy(crm_bindings::reqwest::Proxy::http(proxy.uri()).unwrap())
        .no_proxy()
        .allow_insecure_http()
        .retries(RetryPolicy::none());
    for op in operations::all() {
        let outcome = op.run("http://crm.invalid", config.clone()).await;
        let failure = outcome.result.expect_err("crm.invalid does not resolve");
        assert_eq!(failure.kind, "Communication", "{}: {failure:?}", op.id);
    }
    assert_eq!(proxy.received_requests().await.unwrap().len(), 0);
}

/// `no_proxy()` also turns off the proxy the environment names (`HTTP_PROXY`), which is
/// used otherwise. The environment is per process, so each case runs this test binary again
/// as a child with `HTTP_PROXY` set to a loopback "proxy", running only
/// [`proxy_from_the_environment_child`].
#[tokio::test]
async fn no_proxy_turns_off_the_environments_proxy() {
    let proxy = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json())
        .mount(&proxy)
        .await;
    let mut received_before = 0;
    for (mode, reaches_proxy) in [("default", true), ("no_proxy", false)] {
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "transport::proxy_from_the_environment_child"])
            .args(["--nocapture", "--test-threads=1"])
            .env("HTTP_PROXY", proxy.uri())
            .env("http_proxy", proxy.uri())
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env("CRM_PROXY_CHILD", mode)
            .output()
            .unwrap();
        let output = String::from_utf8_lossy(&child.stdout).into_owned()
            + &String::from_utf8_lossy(&child.stderr);
        assert!(child.status.success(), "{mode}: {output}");
        assert!(
            output.contains("1 passed"),
            "{mode}: the child did not run: {output}"
        );
        let received = proxy.received_requests().await.unwrap().len();
        assert_eq!(
            received > received_before,
            reaches_proxy,
            "{mode}: the proxy received {} requests: {output}",
            received - received_before
        );
        received_before = received;
    }
}

/// The child of [`no_proxy_turns_off_the_environments_proxy`]: does nothing unless that test
/// started it (`CRM_PROXY_CHILD`). Calls one operation on `http://crm.invalid` with the
/// default config, or with `no_proxy()`, and checks what the call itself can see.
#[tokio::test]
async fn proxy_from_the_environment_child() {
    let Ok(mode) = std::env::var("CRM_PROXY_CHILD") else {
        return;
    };
    let mut config = HttpConfig::default()
        .allow_insecure_http()
        .retries(RetryPolicy::none());
    if mode == "no_proxy" {
        config = config.no_proxy();
    }
    let op = &operations::all()[0];
    let outcome = op.run("http://crm.invalid", config).await;
    match (mode.as_str(), &outcome.result) {
        // Straight to a host that does not resolve.
        ("no_proxy", Err(failure)) => assert_eq!(failure.kind, "Communication", "{failure:?}"),
        // Through the proxy, which answered.
        ("default", result) => assert!(
            !matches!(result, Err(f) if f.kind == "Communication"),
            "{result:?}"
        ),
        (_, result) => panic!("{mode}: {result:?}"),
    }
}

/// Clients can be cloned and shared across tasks and threads, and their errors sent
/// between them (README: "can be shared across tasks"): a compile-time check.
#[test]
fn clients_and_errors_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    fn sendable_error<T: std::error::Error + Send + Sync + 'static>() {}
    shareable::<crm_bindings::cscart::Client>();
    shareable::<crm_bindings::yume::Client>();
    shareable::<crm_bindings::uapay::Client>();
    shareable::<crm_bindings::thulium::Client>();
    shareable::<crm_bindings::solos::Client>();
    shareable::<HttpConfig>();
    sendable_error::<crm_bindings::cscart::Error>();
    sendable_error::<crm_bindings::thulium::Error>();
    sendable_error::<crm_bindings::ConfigError>();
}

/// `Client::new` (the unprotected path) still keeps the default body limit and retry policy
/// and traces the call, as its rustdoc and the README say. CS-Cart's `get_call_request`.
#[tokio::test]
async fn the_plain_constructor_keeps_the_body_limit_retries_and_the_span() {
    use crm_bindings::cscart::Client;
    let (_guard, captured) = crate::support::traces::capture();

    // 503 on every attempt: the default policy makes 3.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = Client::new(&server.uri())
        .get_call_request()
        .id(std::num::NonZeroU64::new(1).unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3, "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    let spans = captured.spans();
    assert!(
        spans.iter().any(|s| s.name == "get_call_request"),
        "{spans:?}"
    );

    // A body past the default 32 MiB limit: refused, not buffered, its start kept.
    let server = MockServer::start().await;
    let big = vec![b' '; 33 * 1024 * 1024];
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .mount(&server)
        .await;
    let err = Client::new(&server.uri())
        .get_call_request()
        .id(std::num::NonZeroU64::new(1).unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, crm_bindings::Error::ResponseTooLarge(_)),
        "{err}"
    );
    // It names the operation and the limit (SECURITY.md, "Bounded memory").
    assert_eq!(err.operation(), "get_call_request");
    let shown = err.to_string();
    assert!(shown.starts_with("get_call_request: "), "{shown}");
    assert!(shown.contains("33554432"), "{shown}");
    // The announced length was over the limit: nothing was read, so nothing is shown.
    assert_eq!(err.body_excerpt().as_deref(), Some("(empty body)"));
}
