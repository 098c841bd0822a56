//! Typed, code-generated HTTP clients for CRM, e-commerce and contact-centre APIs.
//!
//! Each API is a module behind a cargo feature of the same name (all on by default):
//!
//! | module | API |
//! |---|---|
//! | [`cscart`] | CS-Cart REST API 2.0, call requests |
//! | [`yume`] | Yume rental CRM, Wazzup triggers |
//! | [`uapay`] | UAPAY "Безпечна угода" (safe deal), deal update |
//! | [`thulium`] | Thulium contact centre, outbound campaign records |
//! | [`solos`] | solOS CRM, projects |
//!
//! Each module is an API's own crate (`crm-bindings-<api>`, usable alone), re-exported: the
//! `Client`, `types` and `builder` that progenitor generated from `specs/<api>.yaml`, and
//! constructors that set up authentication, timeouts and the `User-Agent` ([`HttpConfig`]).
//! What they share (configuration, errors, retries) is the runtime crate
//! (`crm-bindings-runtime`), re-exported here at the root.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use crm_bindings::cscart::{Client, types::CallRequestStatus};
//!
//! let client = Client::with_basic_auth(
//!     "https://shop.example.com/api/2.0",
//!     "admin@example.com",
//!     "api-key",
//! )?;
//! let page = client
//!     .list_call_requests()
//!     .status(CallRequestStatus::New)
//!     .send()
//!     .await?;
//! for request in &page.call_requests {
//!     println!("{} {}", request.name, request.phone);
//! }
//! # Ok(())
//! # }
//! ```

//! A request body's clearable fields are [`Nullable`]: left out, sent as `null`, or set.
//!
//! ```
//! # #[cfg(feature = "yume")] {
//! use crm_bindings::Nullable;
//! use crm_bindings::yume::types::PatchedWazzupTriggerRequest;
//!
//! let patch = PatchedWazzupTriggerRequest {
//!     text: Nullable::Null,                // clear the text
//!     template_id: "welcome".parse::<crm_bindings::yume::types::WazzupTemplateId>()?.into(),
//!     ..Default::default()                 // everything else is left out
//! };
//! assert_eq!(
//!     serde_json::to_value(&patch)?,
//!     serde_json::json!({ "text": null, "template_id": "welcome" }),
//! );
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A body built from input (a web form, a queue message) goes through [`from_json`], which
//! checks every constraint of the spec and names the refused field:
//!
//! ```
//! # #[cfg(feature = "uapay")] {
//! use crm_bindings::uapay::types::DealUpdate;
//! let err = crm_bindings::from_json::<DealUpdate>(serde_json::json!({
//!     "sellerFirstName": "Ivan",
//! }))
//! .unwrap_err();
//! assert_eq!(err.path, "sellerFirstName");
//! assert!(err.message.starts_with("PersonName must match"), "{err}");
//! # }
//! ```

// docs.rs builds with `--cfg docsrs` (see `[package.metadata.docs.rs]`): each API module
// then shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The runtime every API shares: building a client, errors, retries, hooks, shared types.
pub use crm_bindings_runtime::{
    Attempt, AttemptOutcome, Clock, ConfigError, Error, FieldError, HttpConfig, Nullable,
    OversizedResponse, RequestHook, ResponseFailure, RetryPolicy, StatusCode, SystemClock,
    UnknownValue, from_json, install_tls_provider, reqwest,
};

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
