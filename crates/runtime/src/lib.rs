//! The runtime of the crm-bindings clients: what every generated API client runs on and
//! shares with its users. It names no API.
//!
//! - a call's life: [`execute`](execute::execute) (the user's hooks, retries, the attempts'
//!   facts), [`RetryPolicy`], [`RequestHook`], the [`telemetry`] of every call;
//! - building a client: [`HttpConfig`], the credentials (`auth`), the TLS provider;
//! - the errors every operation returns: [`Error`], [`ConfigError`];
//! - the types generated code and users share: [`Nullable`], [`UnknownValue`], and the
//!   validation and lenient decoding behind them ([`from_json`]);
//! - with the `mock` feature, what the generated typed mocks are built on (`mock`).
//!
//! Users reach all of it through `crm-bindings` (or an API crate's re-exports); the
//! modules marked hidden are called by generated code only.
//!
//! The modules form a tree: leaves first (`facts`, `transport`, `config_error`, `unknown`,
//! `nullable`, `lenient`, `request_hook`, `runtime`, `tls`), then what uses them; none
//! imports a module that imports it back (`xtask/tests/layout.rs`).

// docs.rs builds with `--cfg docsrs`: items show the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Called by the generated constructors; hidden because only they should.
#[doc(hidden)]
pub mod auth;
mod config;
mod config_error;
// Called by the generated code; hidden because only it should.
#[doc(hidden)]
pub mod error;
#[doc(hidden)]
pub mod execute;
mod facts;
#[doc(hidden)]
pub mod hooks;
mod json;
// Public for the generated types' `deserialize_with` paths only (as `validate` and
// `unknown`): not part of the API.
#[doc(hidden)]
pub mod lenient;
/// What the generated typed mocks are built on (the `mock` feature): an operation's facts
/// from its spec, and the `wiremock` expectation a typed mock builds.
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod nullable;
mod request_hook;
mod retry;
#[doc(hidden)]
pub mod runtime;
#[doc(hidden)]
pub mod telemetry;
mod tls;
mod transport;
#[doc(hidden)]
pub mod unknown;
#[doc(hidden)]
pub mod validate;

pub use config::HttpConfig;
pub use config_error::ConfigError;
pub use error::{Error, OversizedResponse, ResponseFailure};
pub use json::{FieldError, JsonInput, from_json};
pub use nullable::Nullable;
pub use request_hook::{Attempt, AttemptOutcome, RequestHook};
pub use retry::{Clock, RetryPolicy, SystemClock};
pub use tls::install_tls_provider;
pub use unknown::UnknownValue;

/// What each API crate and the facade re-export to their users, the one list of it:
/// `pub use crm_bindings_runtime::reexports::*` (written by the generator into every
/// `generated.rs`, and in the facade's `lib.rs`). An item added here reaches every crate.
pub mod reexports {
    pub use crate::{
        Attempt, AttemptOutcome, Clock, ConfigError, Error, FieldError, HttpConfig, JsonInput,
        Nullable, OversizedResponse, RequestHook, ResponseFailure, RetryPolicy, StatusCode,
        SystemClock, TRACING_TARGET, UnknownValue, from_json, install_tls_provider, reqwest,
    };
}

/// The `tracing` target of every span and event of the clients (the `tracing` feature),
/// whichever crate emits it and whichever you depend on (`crm-bindings` or an API crate
/// alone): select them with `RUST_LOG=crm_bindings=info` (`EnvFilter`), or
/// `Targets::new().with_target(TRACING_TARGET, Level::INFO)`. Each call is a span named
/// after its operation; retries and failures are events in it.
pub const TRACING_TARGET: &str = "crm_bindings";

/// The HTTP client the generated clients use, for the types users name
/// (`reqwest::StatusCode`, `reqwest::Certificate`, `reqwest::Client` for `new_with_client`).
pub use reqwest;
/// HTTP status codes, as [`Error::status`] returns them:
/// `err.status() == Some(StatusCode::BAD_REQUEST)`.
pub use reqwest::StatusCode;

// For the `call_span!` macro's expansion in the generated crates.
#[cfg(feature = "tracing")]
#[doc(hidden)]
pub use tracing as __tracing;
