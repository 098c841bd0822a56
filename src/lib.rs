//! Typed, code-generated HTTP clients for CRM, e-commerce and contact-centre APIs.
//!
//! Each API is a module behind a cargo feature of the same name (all on by default), and a
//! crate of its own (`crm-bindings-<api>`, usable alone) re-exported here:
//!
//! | module | API |
//! |---|---|
//! | `crm_bindings::cscart` | CS-Cart REST API 2.0, call requests |
//! | `crm_bindings::yume` | Yume rental CRM, Wazzup triggers |
//! | `crm_bindings::uapay` | UAPAY "Безпечна угода" (safe deal), deal update |
//! | `crm_bindings::thulium` | Thulium contact centre, outbound campaign records |
//! | `crm_bindings::solos` | solOS CRM, projects |
//!
//! Each module holds the `Client`, `types` and `builder` that progenitor generated from
//! `specs/<api>.yaml`, constructors that set up authentication and [`HttpConfig`], and
//! (with the `mock` feature) typed mocks. What they share (configuration, errors, retries,
//! `Nullable`, `from_json`) is the runtime crate, re-exported here at the root.
//!
#![doc = include_str!("../docs/usage.md")]
// docs.rs builds with `--cfg docsrs` (see `[package.metadata.docs.rs]`): each API module
// then shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The runtime every API shares: building a client, errors, retries, hooks, shared types.
pub use crm_bindings_runtime::reexports::*;

/// Testing your own code against typed mocks of the APIs (the `mock` feature, in your
/// `[dev-dependencies]`), and what the mocks of every API share.
///
/// Each API's mocks are `crm_bindings::<api>::mock` (`crm_bindings::cscart::mock`, ...),
/// generated from its spec: one function per operation returns a
/// [wiremock](https://docs.rs/wiremock) mock that matches the operation's method and path,
/// narrowed by typed setters for its parameters and body, and answers with a typed value
/// (`respond`), the spec's example (`respond_example`), a documented error
/// (`respond_error`) or anything else (`respond_with`). Mount them on a
/// `wiremock::MockServer` and point a client at `server.uri()`.
///
/// # A first answer 503, then 200: the client retries
///
/// wiremock answers a request with the first mock mounted that matches it and is not used
/// up, so a 503 mounted first with `.up_to_n_times(1)` answers the first attempt and the
/// example answers the retry. `Retry-After: 0` makes the client retry at once (without it,
/// it waits its backoff, 100 to 200 ms the first time; see [`RetryPolicy`]). GET, PUT and
/// DELETE are retried by default; a POST or PATCH only with
/// `RetryPolicy::default().retry_non_idempotent(true)`.
///
/// ```
/// # #[cfg(feature = "cscart")]
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use crm_bindings::cscart::{self, mock};
/// use wiremock::{MockServer, ResponseTemplate};
///
/// let server = MockServer::start().await;
/// let unavailable = ResponseTemplate::new(503).insert_header("retry-after", "0");
/// mock::get_call_request()
///     .id(7u64)
///     .respond_with(unavailable.clone())
///     .up_to_n_times(1) // the first attempt only
///     .expect(1)        // checked by `verify` (or when `server` is dropped)
///     .mount(&server)
///     .await;
/// mock::get_call_request()
///     .id(7u64)
///     .respond_example()
///     .expect(1)
///     .mount(&server)
///     .await;
///
/// let client = cscart::Client::with_basic_auth(&server.uri(), "admin@example.com", "api-key")?;
/// let answer = client.get_call_request().id(7u64).send().await?;
/// assert_eq!(answer.status(), crm_bindings::StatusCode::OK);
/// assert_eq!(*answer, mock::examples::get_call_request_response());
/// server.verify().await; // each mock answered once
///
/// // A 503 every time: the last one is the error, after the policy's 3 attempts.
/// server.reset().await;
/// mock::get_call_request().respond_with(unavailable).mount(&server).await;
/// let err = client.get_call_request().id(7u64).send().await.unwrap_err();
/// assert_eq!(err.status(), Some(crm_bindings::StatusCode::SERVICE_UNAVAILABLE));
/// assert_eq!(err.attempts(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock {
    /// An operation's facts from its spec (every API's `mock::OPERATIONS`), and the
    /// operations a test's requests never reached.
    pub use crm_bindings_runtime::mock::{Auth, Operation, Status, explain_unmatched, uncalled};
}

// One crate per API, each behind the feature of its name.
#[cfg(feature = "cscart")]
#[doc(inline)]
pub use crm_bindings_cscart as cscart;
#[cfg(feature = "solos")]
#[doc(inline)]
pub use crm_bindings_solos as solos;
#[cfg(feature = "thulium")]
#[doc(inline)]
pub use crm_bindings_thulium as thulium;
#[cfg(feature = "uapay")]
#[doc(inline)]
pub use crm_bindings_uapay as uapay;
#[cfg(feature = "yume")]
#[doc(inline)]
pub use crm_bindings_yume as yume;

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
