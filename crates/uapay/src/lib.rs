//! UAPAY "Безпечна угода" (safe deal): updating a deal (`specs/uapay.yaml`).
//!
//! The source documents neither the deals service's base URL nor its authentication, so
//! this module declares none: build the client with [`Client::with_credential_header`] and
//! the credential UAPAY gave you, or [`Client::with_http_config`] without one.
//!
//! Names, phones, e-mails, weights and prices are validated types: an invalid value is
//! refused before anything is sent. Which fields may change depends on the deal's status:
//! check with [`types::DealUpdate::check_allowed`] before sending.
//!
//! This crate is also `crm_bindings::uapay` (the `uapay` feature of `crm-bindings`); alone, it
//! re-exports what building a client takes from `crm-bindings-runtime` ([`HttpConfig`],
//! [`Error`], [`Nullable`], ...).

// docs.rs builds with `--cfg docsrs`: items show the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Written by `cargo xtask generate` from `specs/uapay.yaml`: the client, `types`,
/// `builder`, the spec's `rules`, the auth constructors and (`mock` feature) the typed mocks.
// Generated code is reviewed through its snapshots, not linted: progenitor's `prelude` is
// unused here and its doc lists trip clippy's doc lints (progenitor allows `clippy::all`
// on its own `types` and `builder` modules for the same reason).
#[rustfmt::skip]
#[allow(unused_imports, clippy::all)]
mod generated;
pub use generated::*;

impl Client {
    /// A client for `base_url` sending the credential UAPAY gave you in `header` (for example
    /// `Authorization`, which UAPAY's general error page names) on every request. The value
    /// is marked sensitive, replaced by `[REDACTED]` in anything an error shows, and, like
    /// every client with credentials, needs an `https` base URL (or a loopback one, or
    /// [`crate::HttpConfig::allow_insecure_http`]).
    ///
    /// ```
    /// use crm_bindings_uapay::{Client, HttpConfig};
    /// let client = Client::with_credential_header(
    ///     "https://deals.example",
    ///     "authorization",
    ///     "Bearer partner-token",
    ///     &HttpConfig::default(),
    /// )?;
    /// // Plain http to another host would send it in clear text: refused.
    /// assert!(Client::with_credential_header(
    ///     "http://deals.example",
    ///     "authorization",
    ///     "Bearer partner-token",
    ///     &HttpConfig::default(),
    /// )
    /// .is_err());
    /// # Ok::<(), crm_bindings_uapay::ConfigError>(())
    /// ```
    pub fn with_credential_header(
        base_url: &str,
        header: &str,
        value: &str,
        config: &crate::HttpConfig,
    ) -> Result<Self, crate::ConfigError> {
        Self::with_credentials(
            base_url,
            vec![crm_bindings_runtime::auth::header(header, value)?],
            config,
        )
    }
}

/// The statuses in which a deal may be updated (the spec's `x-crm-allowed-fields-by-status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DealStatus {
    /// `NEW`: most fields may change.
    New,
    /// `PAID`: only the seller's contact data, the payout card and the handler's people and
    /// offices may change.
    Paid,
}

impl DealStatus {
    /// Every status the spec lists.
    pub const ALL: [Self; 2] = [Self::New, Self::Paid];

    /// The status as the service writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "NEW",
            Self::Paid => "PAID",
        }
    }

    /// The body fields (dotted paths) that may be sent in this status, from the spec.
    pub fn allowed_fields(self) -> &'static [&'static str] {
        rules::ALLOWED_FIELDS_BY_STATUS
            .iter()
            .find(|(op, status, _)| *op == "update_deal" && *status == self.as_str())
            .map(|(_, _, fields)| *fields)
            .unwrap_or(&[])
    }
}

/// A [`types::DealUpdate`] sets fields its deal's status does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldsNotAllowed {
    /// The deal's status.
    pub status: DealStatus,
    /// The offending fields, as dotted paths (`payment.type`).
    pub fields: Vec<String>,
}

impl std::fmt::Display for FieldsNotAllowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "fields not allowed while the deal is {}: {}",
            self.status.as_str(),
            self.fields.join(", ")
        )
    }
}

impl std::error::Error for FieldsNotAllowed {}

impl types::DealUpdate {
    /// The fields this update sets (dotted paths, as the spec lists them), in wire order.
    pub fn set_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_paths(
            &serde_json::to_value(self).unwrap_or_default(),
            "",
            &mut out,
        );
        out
    }

    /// The fields this update sets that a deal in `status` does not allow.
    pub fn fields_not_allowed(&self, status: DealStatus) -> Vec<String> {
        let allowed = status.allowed_fields();
        self.set_fields()
            .into_iter()
            .filter(|path| {
                !allowed
                    .iter()
                    .any(|a| path == a || path.starts_with(&format!("{a}.")))
            })
            .collect()
    }

    /// `Ok` when every field this update sets may change while the deal is `status`.
    ///
    /// ```
    /// use crm_bindings_uapay::{DealStatus, types::DealUpdate};
    /// let update: DealUpdate = DealUpdate::builder()
    ///     .product_price(std::num::NonZeroU64::try_from(100_000).unwrap())
    ///     .try_into()
    ///     .unwrap();
    /// assert!(update.check_allowed(DealStatus::New).is_ok());
    /// let err = update.check_allowed(DealStatus::Paid).unwrap_err();
    /// assert_eq!(err.fields, ["productPrice"]);
    /// ```
    pub fn check_allowed(&self, status: DealStatus) -> Result<(), FieldsNotAllowed> {
        let fields = self.fields_not_allowed(status);
        if fields.is_empty() {
            Ok(())
        } else {
            Err(FieldsNotAllowed { status, fields })
        }
    }
}

/// Dotted paths of every non-null leaf (or empty object) of `value`.
fn collect_paths(value: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        // An empty nested object (`"payment": {}`) is sent, so it counts as setting it.
        serde_json::Value::Object(map) if map.is_empty() && !prefix.is_empty() => {
            out.push(prefix.to_string())
        }
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                collect_paths(value, &path, out);
            }
        }
        serde_json::Value::Null => {}
        _ if !prefix.is_empty() => out.push(prefix.to_string()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    /// Leaves and empty objects count, each by its dotted path; `null` does not (a made-up
    /// value: the generated `DealUpdate` skips unset fields, so `null` comes only from
    /// free-form JSON inside it).
    #[test]
    fn set_paths_are_the_non_null_leaves_and_empty_objects() {
        let value = serde_json::json!({
            "a": null,
            "b": {"c": 1, "d": {}, "e": null},
            "f": [1, null],
            "g": "x",
        });
        let mut out = Vec::new();
        super::collect_paths(&value, "", &mut out);
        assert_eq!(out, ["b.c", "b.d", "f", "g"]);
        out.clear();
        super::collect_paths(&serde_json::json!({}), "", &mut out);
        super::collect_paths(&serde_json::json!(5), "", &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
