//! Yume rental CRM: Wazzup message triggers (`specs/yume.yaml`).
//!
//! Production `https://api.yume.cloud`, staging `https://api.stage.yume.cloud`; authenticate
//! with a JWT access token: [`Client::with_bearer_token`]. Integer statuses are Rust enums
//! (`types::TriggerType::OrderPayment`) sent as their integers.
//!
//! This crate is also `crm_bindings::yume` (the `yume` feature of `crm-bindings`); alone, it
//! re-exports what building a client takes from `crm-bindings-runtime` ([`HttpConfig`],
//! [`Error`], [`Nullable`], ...).

// docs.rs builds with `--cfg docsrs`: items show the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Written by `cargo xtask generate` from `specs/yume.yaml`: the client, `types`,
/// `builder`, the spec's `rules`, the auth constructors and (`mock` feature) the typed mocks.
// Generated code is reviewed through its snapshots, not linted: progenitor's `prelude` is
// unused here and its doc lists trip clippy's doc lints (progenitor allows `clippy::all`
// on its own `types` and `builder` modules for the same reason).
#[rustfmt::skip]
#[allow(unused_imports, clippy::all)]
mod generated;
pub use generated::*;
