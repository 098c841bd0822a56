//! Building a typed body from JSON (a web form, a queue message) with errors that name the
//! refused field.

use serde::de::DeserializeOwned;
use std::fmt;

/// A value refused while decoding JSON into a type of these APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where: `sellerFirstName`, `handler.senderPhone`, `template_keys[0]` (`.` for the root).
    pub path: String,
    /// Why, e.g. `PersonName: doesn't match pattern "..."`.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Decodes `json` into `T`, checking every constraint of the spec (patterns, lengths,
/// ranges, enums, required fields); the error names the field.
///
/// This is the way to build a request body from input (a web form, a queue message), so it
/// is stricter than decoding an answer: an enum value the spec does not list is refused here
/// (`TriggerType must be 0, 1, 2 or 3 (got 7)`), while the client decodes the same value in
/// an answer into the enum's `Unknown` variant. A nullable field takes an explicit `null`
/// ([`crate::Nullable::Null`]).
///
/// ```
/// use crm_bindings::uapay::types::DealUpdate;
/// let err = crm_bindings::from_json::<DealUpdate>(serde_json::json!({
///     "sellerFirstName": "Ivan",
/// }))
/// .unwrap_err();
/// assert_eq!(err.path, "sellerFirstName");
/// assert!(err.message.starts_with("PersonName must match"), "{err}");
/// ```
pub fn from_json<T: DeserializeOwned>(json: serde_json::Value) -> Result<T, FieldError> {
    crate::unknown::refusing_unknown(|| serde_path_to_error::deserialize(json)).map_err(|e| {
        FieldError {
            path: e.path().to_string(),
            message: e.into_inner().to_string(),
        }
    })
}
