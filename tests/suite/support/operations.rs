//! Every operation of every API, called through its typed client with inputs taken from the
//! spec's own examples: the generator emits the calls (`generated::apis()`, written by `cargo xtask generate`),
//! so every cross-API suite covers every operation of every spec by construction. The test
//! credentials are made here per API, distinct so that a search of any output for them is
//! meaningful.

use crate::support::harness::{Api, Credentials};
use crm_bindings::HttpConfig;
use crm_bindings_runtime::mock::Auth;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

#[allow(unused_imports)] // each suite uses a part
pub use crate::support::harness::{Failure, Outcome};

/// Every API compiled in, as the generator made it from its spec (built once).
pub fn apis() -> &'static [Api] {
    static APIS: LazyLock<Vec<Api>> = LazyLock::new(crate::generated::apis);
    &APIS
}

/// The names of the APIs compiled in.
pub fn api_names() -> Vec<&'static str> {
    apis().iter().map(|api| api.name).collect()
}

/// How `api` authenticates (from its spec).
pub fn auth(api: &str) -> Auth {
    apis()
        .iter()
        .find(|a| a.name == api)
        .and_then(|a| a.calls.first())
        .map_or(Auth::None, |call| call.operation.auth)
}

/// The test credentials of `api`: `<api>-PASS-…`, `<api>-TOKEN-…`, `<api>-KEY-…`,
/// `<api>-SECRET-…`, with characters percent-encoding and Base64 change.
pub fn credentials(api: &str) -> &'static Credentials {
    static MADE: LazyLock<Mutex<HashMap<String, &'static Credentials>>> =
        LazyLock::new(Default::default);
    let mut made = MADE.lock().unwrap_or_else(|p| p.into_inner());
    made.entry(api.to_string()).or_insert_with(|| {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        Box::leak(Box::new(Credentials {
            user: leak(format!("{api}_user")),
            password: leak(format!("{api}-PASS-7f3a+9e21")),
            token: leak(format!("{api}-TOKEN-b81c4d.e30/sig5e")),
            keys: [
                leak(format!("{api}-KEY-5d2e8a13")),
                leak(format!("{api}-SECRET-a9b7=f402")),
            ],
        }))
    })
}

/// `base64(user:password)`, the token of an `Authorization: Basic` header.
pub fn basic_token(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// The secrets `api`'s client is given, and their Basic form.
pub fn secrets_of(api: &str) -> Vec<String> {
    let c = credentials(api);
    match auth(api) {
        Auth::Basic => vec![c.password.into(), basic_token(c.user, c.password)],
        Auth::Bearer => vec![c.token.into()],
        Auth::ApiKeys(_) => vec![c.keys[0].into(), c.keys[1].into()],
        Auth::ApiKeyHeader(_) | Auth::ApiKeyQuery(_) => vec![c.keys[0].into()],
        Auth::None => vec![],
    }
}

/// Every secret of every API compiled in.
pub fn secrets() -> Vec<String> {
    api_names().into_iter().flat_map(secrets_of).collect()
}

/// The credential headers `api`'s constructor sends with the test credentials, with their
/// exact values (none for an API without documented auth).
pub fn credential_headers(api: &str) -> Vec<(&'static str, String)> {
    let c = credentials(api);
    match auth(api) {
        Auth::Basic => vec![(
            "authorization",
            format!("Basic {}", basic_token(c.user, c.password)),
        )],
        Auth::Bearer => vec![("authorization", format!("Bearer {}", c.token))],
        Auth::ApiKeys(names) => names
            .iter()
            .zip(c.keys)
            .map(|(name, key)| {
                let name: &'static str = Box::leak(name.to_ascii_lowercase().into_boxed_str());
                (name, key.to_string())
            })
            .collect(),
        Auth::ApiKeyHeader(name) => {
            let name: &'static str = Box::leak(name.to_ascii_lowercase().into_boxed_str());
            vec![(name, c.keys[0].to_string())]
        }
        Auth::ApiKeyQuery(_) | Auth::None => vec![],
    }
}

/// The credential query parameters `api`'s constructor adds to every request (an API key
/// in the query), with their exact values.
pub fn credential_query(api: &str) -> Vec<(&'static str, String)> {
    match auth(api) {
        Auth::ApiKeyQuery(name) => vec![(name, credentials(api).keys[0].to_string())],
        _ => vec![],
    }
}

/// One operation: its API, its facts from the spec and a call of it with the spec's examples.
pub struct Operation {
    pub api: &'static str,
    pub id: &'static str,
    pub facts: &'static crm_bindings_runtime::mock::Operation,
    call: crate::support::harness::CallFn,
}

impl Operation {
    pub async fn run(&self, base_url: &str, config: HttpConfig) -> Outcome {
        (self.call)(base_url.to_string(), config, credentials(self.api)).await
    }

    /// The documented method.
    pub fn method(&self) -> reqwest::Method {
        self.facts.method.parse().expect("a documented method")
    }

    /// The first documented success: its status and whether it has a body.
    pub fn success_status(&self) -> (u16, bool) {
        self.facts
            .success()
            .expect("every operation documents a success")
    }

    /// That success as a mock's answer, with the spec's example as its body.
    pub fn success_answer(&self) -> ResponseTemplate {
        let (code, body) = self.success_status();
        match (body, self.facts.success_example) {
            (true, Some(example)) => {
                ResponseTemplate::new(code).set_body_raw(example, "application/json")
            }
            _ => ResponseTemplate::new(code),
        }
    }
}

/// A loopback base URL nothing listens on (a port that was just free): connections to it
/// are refused.
pub fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// A mock server giving `answer` to every request.
pub async fn serve(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(answer).mount(&server).await;
    server
}

/// Every operation of every API compiled in, in spec order.
pub fn all() -> Vec<Operation> {
    apis()
        .iter()
        .flat_map(|api| {
            api.calls.iter().map(move |call| Operation {
                api: api.name,
                id: call.operation.id,
                facts: call.operation,
                call: call.call,
            })
        })
        .collect()
}

/// The operations of one API.
pub fn of(api: &str) -> Vec<Operation> {
    all().into_iter().filter(|op| op.api == api).collect()
}
