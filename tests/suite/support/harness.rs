//! What the generated fixtures of each API (`tests/suite/generated/<api>.rs`, written by
//! `cargo xtask generate`) are made of: the example calls, refusals and enum probes the
//! cross-API suites run over, and the per-thread client cache behind the calls. Test code
//! only: none of it is in a published crate.

use crm_bindings_runtime::mock::Operation;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Test credentials for [`ExampleCall`]s: each API's constructor takes what its auth needs.
#[derive(Debug)]
pub struct Credentials {
    pub user: &'static str,
    pub password: &'static str,
    pub token: &'static str,
    pub keys: [&'static str; 2],
}

/// Calls the operation with the spec's examples against a base URL.
pub type CallFn = fn(
    String,
    crm_bindings::HttpConfig,
    &'static Credentials,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + Send>>;

/// One operation of an API with a call of it made from the spec's examples.
pub struct ExampleCall {
    pub operation: &'static Operation,
    pub call: CallFn,
}

/// What the crate's cross-API suites get of one API, generated from its spec.
pub struct Api {
    /// The API's name (its module and feature).
    pub name: &'static str,
    /// Every operation, with a call made from the spec's examples.
    pub calls: Vec<ExampleCall>,
    /// A value each constraint forbids.
    pub refusals: Vec<Refusal>,
    /// An undocumented value of each enum.
    pub enum_probes: Vec<EnumProbe>,
    /// `Debug` of a client built with the test credentials: with `Some(config)` through the
    /// `with_*_and_config` constructor, with `None` through the plain one.
    pub client_debug: fn(
        &str,
        Option<&crm_bindings::HttpConfig>,
        &Credentials,
    ) -> Result<String, crm_bindings::ConfigError>,
}

/// What a call gave, reduced to what every API shares.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub operation: &'static str,
    /// `Ok(status)`, or the error's details.
    pub result: Result<u16, Failure>,
    /// The decoded body of a success, serialised back to JSON (`null` for none), for
    /// comparing what was decoded with what was served.
    pub value: Option<serde_json::Value>,
    /// The answer's headers as the caller gets them: a success's, or those the error keeps
    /// (`None` when it keeps none: nothing was sent, or no answer came).
    pub headers: Option<reqwest::header::HeaderMap>,
}

/// A failed call's details.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The operation the error names.
    pub operation: &'static str,
    pub status: Option<u16>,
    pub body_excerpt: Option<String>,
    pub is_timeout: bool,
    /// `InvalidRequest`, `Communication`, `ErrorResponse`, `InvalidResponse`,
    /// `UnexpectedResponse`, `ResponseTooLarge`, `Config` or `PrismViolation`.
    pub kind: &'static str,
    pub display: String,
    pub debug: String,
    /// `sl-violations` reported by Prism on a successful answer, if any.
    pub violations: Option<String>,
}

impl Outcome {
    pub fn of<T: Serialize, E: std::fmt::Debug>(
        operation: &'static str,
        result: Result<progenitor_client::ResponseValue<T>, crm_bindings::Error<E>>,
    ) -> Outcome {
        let value = result
            .as_ref()
            .ok()
            .and_then(|answer| serde_json::to_value(&**answer).ok());
        let headers = match &result {
            Ok(answer) => Some(answer.headers().clone()),
            Err(crm_bindings::Error::ErrorResponse { response, .. }) => {
                Some(response.headers().clone())
            }
            Err(
                crm_bindings::Error::InvalidResponse(failure)
                | crm_bindings::Error::UnexpectedResponse(failure),
            ) => Some(failure.headers.clone()),
            Err(crm_bindings::Error::ResponseTooLarge(oversized)) => {
                Some(oversized.headers.clone())
            }
            Err(_) => None,
        };
        let result = match result {
            Ok(answer) => match answer.headers().get("sl-violations") {
                None => Ok(answer.status().as_u16()),
                Some(found) => Err(Failure {
                    operation,
                    status: Some(answer.status().as_u16()),
                    body_excerpt: None,
                    is_timeout: false,
                    kind: "PrismViolation",
                    display: String::new(),
                    debug: String::new(),
                    violations: Some(String::from_utf8_lossy(found.as_bytes()).into_owned()),
                }),
            },
            Err(err) => Err(Failure {
                operation: err.operation(),
                status: err.status().map(|s| s.as_u16()),
                body_excerpt: err.body_excerpt(),
                is_timeout: err.is_timeout(),
                kind: match &err {
                    crm_bindings::Error::InvalidRequest { .. } => "InvalidRequest",
                    crm_bindings::Error::Communication { .. } => "Communication",
                    crm_bindings::Error::ErrorResponse { .. } => "ErrorResponse",
                    crm_bindings::Error::InvalidResponse(_) => "InvalidResponse",
                    crm_bindings::Error::UnexpectedResponse(_) => "UnexpectedResponse",
                    crm_bindings::Error::ResponseTooLarge(_) => "ResponseTooLarge",
                    _ => "a kind this harness does not know yet",
                },
                display: err.to_string(),
                debug: format!("{err:?}"),
                violations: None,
            }),
        };
        Outcome {
            operation,
            result,
            value,
            headers,
        }
    }

    /// [`Outcome::of`] for an answer of bytes (a media type other than JSON): the body is
    /// read whole, and its text is the decoded value.
    pub async fn of_stream<E: std::fmt::Debug>(
        operation: &'static str,
        result: Result<
            progenitor_client::ResponseValue<progenitor_client::ByteStream>,
            crm_bindings::Error<E>,
        >,
    ) -> Outcome {
        let answer = match result {
            Ok(answer) => answer,
            Err(err) => return Outcome::of::<(), E>(operation, Err(err)),
        };
        let (status, headers) = (answer.status(), answer.headers().clone());
        let mut stream = answer.into_inner().into_inner();
        let mut body = Vec::new();
        while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            match chunk {
                Ok(bytes) => body.extend_from_slice(&bytes),
                Err(source) => {
                    // The constructor the generated code uses (it drops the URL's query);
                    // this is the first and only attempt at reading the body.
                    let mut err = crm_bindings::Error::<E>::communication(operation, source);
                    if let crm_bindings::Error::Communication { attempts, .. } = &mut err {
                        *attempts = 1;
                    }
                    return Outcome::of::<(), E>(operation, Err(err));
                }
            }
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        Outcome::of::<String, E>(
            operation,
            Ok(progenitor_client::ResponseValue::new(text, status, headers)),
        )
    }

    /// The client could not be built.
    pub fn config(operation: &'static str, error: crm_bindings::ConfigError) -> Outcome {
        Outcome {
            operation,
            result: Err(Failure {
                operation,
                status: None,
                body_excerpt: None,
                is_timeout: false,
                kind: "Config",
                display: error.to_string(),
                debug: format!("{error:?}"),
                violations: None,
            }),
            value: None,
            headers: None,
        }
    }
}

/// The key a client of the API module `scope` for `base` and `config` is cached under, or
/// `None` when the config cannot be compared from its `Debug` (which shows counts, not
/// values): root certificates, a proxy, default headers, hooks or a custom clock. Per thread:
/// a thread belongs to one tokio runtime, and a client's pooled connections die with the
/// runtime that opened them (wiremock reuses ports, so the base URL alone can come back in
/// another test's runtime).
pub fn client_key(scope: &str, base: &str, config: &crm_bindings::HttpConfig) -> Option<String> {
    let shown = format!("{config:?}");
    let plain = [
        "root_certificates: 0",
        "proxy: None",
        "headers: []",
        "hooks: 0",
        "SystemClock",
    ]
    .iter()
    .all(|part| shown.contains(part));
    plain.then(|| format!("{:?} {scope} {base} {shown}", std::thread::current().id()))
}

/// Clients are reused across calls with the same key: building one (its TLS roots) costs
/// far more than a call to a local mock. With no key the client is built afresh.
pub fn cached<C: Clone + Send + Sync + 'static>(
    key: Option<String>,
    build: impl FnOnce() -> Result<C, crm_bindings::ConfigError>,
) -> Result<C, crm_bindings::ConfigError> {
    let Some(key) = key else {
        return build();
    };
    use std::any::Any;
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static CACHE: LazyLock<Mutex<HashMap<String, Box<dyn Any + Send + Sync>>>> =
        LazyLock::new(Default::default);
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = cache.get(&key).and_then(|c| c.downcast_ref::<C>()) {
        return Ok(found.clone());
    }
    let built = build()?;
    cache.insert(key, Box::new(built.clone()));
    Ok(built)
}

/// A value the spec forbids, and how the client refuses it.
pub struct Refusal {
    /// The operation it is sent to.
    pub operation: &'static Operation,
    /// What is wrong (`page = 0`, `id missing`, body `status` = `"undocumented"`).
    pub what: String,
    /// For a body field: the whole body with the forbidden value, as JSON.
    pub body: Option<&'static str>,
    /// For a parameter: the forbidden value as it would be written on the wire.
    pub param: Option<BadParam>,
    pub check: Check,
}

/// A parameter's forbidden value as raw text, to send around the client's checks.
pub struct BadParam {
    pub name: &'static str,
    /// In the path (`{name}`), or else in the query.
    pub in_path: bool,
    pub value: &'static str,
}

/// How a [`Refusal`] is checked.
pub enum Check {
    /// The operation called with the value: it must be refused before sending.
    Call(CallFn),
    /// A body decoded from JSON (`from_json`) with the value: `Ok(message)` when refused.
    Body(fn() -> Result<String, String>),
    /// The value cannot even be written in Rust (the parameter's type is `chrono`'s).
    Type(&'static str),
}

/// `from_json::<T>(json)` must refuse: `Ok(its message)`, or `Err` when it was accepted.
pub fn refused<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> Result<String, String> {
    match crm_bindings::from_json::<T>(
        serde_json::from_str::<serde_json::Value>(json).expect("JSON"),
    ) {
        Ok(value) => Err(format!("accepted as {value:?}")),
        Err(err) => Ok(err.to_string()),
    }
}

/// An undocumented value of an enum, decoded as in an answer.
pub struct EnumProbe {
    /// The enum's type name.
    pub name: &'static str,
    /// The undocumented value, as JSON.
    pub raw: &'static str,
    /// `Ok(from_json's refusal)` when the value decodes into `Unknown`, shows and re-encodes
    /// raw, and cannot be parsed or built by `from_json`; `Err(why)` otherwise.
    pub check: fn() -> Result<String, String>,
}

/// The checks of an [`EnumProbe`].
pub fn probe_enum<T>(raw: &str, is_unknown: fn(&T) -> bool) -> Result<String, String>
where
    T: DeserializeOwned + Serialize + std::fmt::Display + std::str::FromStr + std::fmt::Debug,
{
    let value: T = serde_json::from_str(raw)
        .map_err(|e| format!("an answer's undocumented value did not decode: {e}"))?;
    if !is_unknown(&value) {
        return Err(format!("{raw} decoded into {value:?}, not Unknown"));
    }
    let shown = value.to_string();
    if shown != raw.trim_matches('"') {
        return Err(format!("{raw} is shown as {shown}"));
    }
    let back = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    if back != raw {
        return Err(format!("{raw} is sent back as {back}"));
    }
    if shown.parse::<T>().is_ok() {
        return Err(format!("{shown} parses: a user could make it up"));
    }
    match crm_bindings::from_json::<T>(
        serde_json::from_str::<serde_json::Value>(raw).expect("JSON"),
    ) {
        Ok(_) => Err(format!("from_json accepts {raw}")),
        Err(err) => Ok(err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cached clients are per scope, base, config and thread.
    #[test]
    fn client_keys_tell_clients_apart() {
        let config = crm_bindings::HttpConfig::default();
        let key = client_key("cscart", "http://a", &config).expect("a key");
        assert_eq!(client_key("cscart", "http://a", &config), Some(key.clone()));
        assert_ne!(client_key("yume", "http://a", &config), Some(key.clone()));
        assert_ne!(client_key("cscart", "http://b", &config), Some(key.clone()));
        let other = config.clone().timeout(std::time::Duration::from_secs(1));
        assert_ne!(client_key("cscart", "http://a", &other), Some(key.clone()));
        let elsewhere = std::thread::spawn(move || client_key("cscart", "http://a", &config));
        assert_ne!(elsewhere.join().unwrap(), Some(key));
    }

    /// A config whose `Debug` hides what tells two apart gets no key (a fresh client).
    #[test]
    fn configs_with_hidden_parts_are_not_cached() {
        use crm_bindings::reqwest::header::{HeaderName, HeaderValue};
        let config = crm_bindings::HttpConfig::default().header(
            HeaderName::from_static("x-gateway"),
            HeaderValue::from_static("gateway"),
        );
        assert_eq!(client_key("cscart", "http://a", &config), None);
    }
}
