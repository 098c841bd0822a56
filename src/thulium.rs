//! Thulium contact centre: records of CRM-fed outbound campaigns (`specs/thulium.yaml`).
//!
//! Base URL `https://{system}.thulium.com/api`; authenticate as an API user with HTTP Basic:
//! [`Client::with_basic_auth`]. Errors are [`types::ThuliumError`]: a request id and one
//! or more `{message, code}` entries.

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use crate::generated::thulium::mock;
pub use crate::generated::thulium::rules;
pub use crate::generated::thulium::{Client, ClientInfo, Error, ResponseValue, builder, types};

/// The wire format of [`types::NextCallDate`]: `YYYY-MM-DD hh:mm`.
const NEXT_CALL_DATE_FORMAT: &str = "%Y-%m-%d %H:%M";

impl Client {
    /// A client for `base_url` (`https://{system}.thulium.com/api`) authenticating as the
    /// API user `user` with `password` (HTTP Basic, header marked sensitive).
    ///
    /// ```
    /// let client = crm_bindings::thulium::Client::with_basic_auth(
    ///     "https://your-system-name.thulium.com/api",
    ///     "api_user",
    ///     "api_pass",
    /// )?;
    /// # Ok::<(), crm_bindings::ConfigError>(())
    /// ```
    pub fn with_basic_auth(
        base_url: &str,
        user: &str,
        password: &str,
    ) -> Result<Self, crate::ConfigError> {
        Self::with_basic_auth_and_config(base_url, user, password, &crate::HttpConfig::default())
    }

    /// [`Client::with_basic_auth`] with explicit timeouts.
    pub fn with_basic_auth_and_config(
        base_url: &str,
        user: &str,
        password: &str,
        config: &crate::HttpConfig,
    ) -> Result<Self, crate::ConfigError> {
        let auth = crate::config::basic_auth(user, password)?;
        let (base_url, http, runtime) = config.build(base_url, vec![auth])?;
        let mut client = Self::new_with_client(&base_url, http);
        client.runtime = runtime;
        Ok(client)
    }
}

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

crate::hooks::impl_client_hooks!();
