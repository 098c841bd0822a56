//! Thulium contact centre: records of CRM-fed outbound campaigns (`specs/thulium.yaml`).
//!
//! Base URL `https://{system}.thulium.com/api`; authenticate as an API user with HTTP Basic:
//! [`Client::with_basic_auth`]. Errors are [`types::ThuliumError`]: a request id and one
//! or more `{message, code}` entries.
//!
//! This crate is also `crm_bindings::thulium` (the `thulium` feature of `crm-bindings`); alone, it
//! re-exports what building a client takes from `crm-bindings-runtime` ([`HttpConfig`],
//! [`Error`], [`Nullable`], ...).

// docs.rs builds with `--cfg docsrs`: items show the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Written by `cargo xtask generate` from `specs/thulium.yaml`: the client, `types`,
/// `builder`, the spec's `rules`, the auth constructors and (`mock` feature) the typed mocks.
// Generated code is reviewed through its snapshots, not linted: progenitor's `prelude` is
// unused here and its doc lists trip clippy's doc lints (progenitor allows `clippy::all`
// on its own `types` and `builder` modules for the same reason).
#[rustfmt::skip]
#[allow(unused_imports, clippy::all)]
mod generated;
pub use generated::*;

/// The wire format of [`types::NextCallDate`]: `YYYY-MM-DD hh:mm`.
const NEXT_CALL_DATE_FORMAT: &str = "%Y-%m-%d %H:%M";

impl From<chrono::NaiveDateTime> for types::NextCallDate {
    /// Formats as `YYYY-MM-DD hh:mm` (seconds are dropped: the API takes minutes).
    fn from(at: chrono::NaiveDateTime) -> Self {
        at.format(NEXT_CALL_DATE_FORMAT)
            .to_string()
            .parse()
            .expect("chrono's `%Y-%m-%d %H:%M` always matches the NextCallDate pattern")
    }
}

impl types::NextCallDate {
    /// The date and time as chrono's type; `None` for a date the calendar does not have
    /// (`2018-02-31 10:00`): the spec's pattern checks the shape, not the calendar.
    pub fn to_naive(&self) -> Option<chrono::NaiveDateTime> {
        chrono::NaiveDateTime::parse_from_str(self, NEXT_CALL_DATE_FORMAT).ok()
    }
}

impl std::fmt::Display for types::ThuliumError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Thulium request {}: ", self.request_id)?;
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "[{}] {}", error.code, error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for types::ThuliumError {}
