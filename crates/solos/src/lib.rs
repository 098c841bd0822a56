//! solOS CRM: projects (`specs/solos.yaml`).
//!
//! Base URL `https://{crm_url}/backend/public`; every request carries both `X-Crypto-Token`
//! and `X-Crypto-Secret`: [`Client::with_keys`]. The documents show no response bodies, so
//! responses are JSON objects (`serde_json::Map`) with no declared fields.
//!
//! This crate is also `crm_bindings::solos` (the `solos` feature of `crm-bindings`); alone, it
//! re-exports what building a client takes from `crm-bindings-runtime` ([`HttpConfig`],
//! [`Error`], [`Nullable`], ...).

// docs.rs builds with `--cfg docsrs`: items show the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Written by `cargo xtask generate` from `specs/solos.yaml`: the client, `types`,
/// `builder`, the spec's `rules`, the auth constructors and (`mock` feature) the typed mocks.
// Generated code is reviewed through its snapshots, not linted: progenitor's `prelude` is
// unused here and its doc lists trip clippy's doc lints (progenitor allows `clippy::all`
// on its own `types` and `builder` modules for the same reason).
#[rustfmt::skip]
#[allow(unused_imports, clippy::all)]
mod generated;
pub use generated::*;

/// Why a typed helper could not build an encoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError(String);

impl std::fmt::Display for EncodingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EncodingError {}

impl types::DateRange {
    /// `from;to` (`YYYY-MM-DD;YYYY-MM-DD`), the encoding of the `created` filter.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use crm_bindings_solos::types::DateRange;
    /// let range = DateRange::new(
    ///     NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
    ///     NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
    /// )?;
    /// assert_eq!(range.as_str(), "2020-01-01;2020-12-31");
    /// # Ok::<(), crm_bindings_solos::EncodingError>(())
    /// ```
    pub fn new(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<Self, EncodingError> {
        if from > to {
            return Err(EncodingError(format!("date range: {from} is after {to}")));
        }
        format!("{};{}", from.format("%Y-%m-%d"), to.format("%Y-%m-%d"))
            .parse()
            .map_err(|e| EncodingError(format!("date range: {e}")))
    }

    /// The encoded value, as sent.
    pub fn as_str(&self) -> &str {
        self
    }

    /// The two dates, `(from, to)`.
    pub fn bounds(&self) -> Result<(chrono::NaiveDate, chrono::NaiveDate), EncodingError> {
        let parse = |s: &str| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|e| EncodingError(format!("date range `{}`: {e}", self.as_str())))
        };
        let (from, to) = self.split_once(';').unwrap_or_default();
        Ok((parse(from)?, parse(to)?))
    }
}

impl types::UnderscoreIdList {
    /// Ids joined by `_` (`1_2_3`), the encoding of `filter_steps` and `filter_actions`.
    ///
    /// ```
    /// use crm_bindings_solos::types::UnderscoreIdList;
    /// assert_eq!(UnderscoreIdList::from_ids([1, 2, 3])?.as_str(), "1_2_3");
    /// assert!(UnderscoreIdList::from_ids([]).is_err());
    /// # Ok::<(), crm_bindings_solos::EncodingError>(())
    /// ```
    pub fn from_ids(ids: impl IntoIterator<Item = u64>) -> Result<Self, EncodingError> {
        let joined: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
        if joined.is_empty() {
            return Err(EncodingError("id list: at least one id is needed".into()));
        }
        joined
            .join("_")
            .parse()
            .map_err(|e| EncodingError(format!("id list: {e}")))
    }

    /// The encoded value, as sent.
    pub fn as_str(&self) -> &str {
        self
    }

    /// The ids, in order; an error when one does not fit a `u64` (the pattern only checks
    /// that they are digits).
    pub fn ids(&self) -> Result<Vec<u64>, EncodingError> {
        self.split('_')
            .map(|id| {
                id.parse()
                    .map_err(|e| EncodingError(format!("id list: `{id}`: {e}")))
            })
            .collect()
    }
}
