//! Yume rental CRM: Wazzup message triggers (`specs/yume.yaml`).
//!
//! Production `https://api.yume.cloud`, staging `https://api.stage.yume.cloud`; authenticate
//! with a JWT access token: [`Client::with_bearer_token`]. Integer statuses are Rust enums
//! (`types::TriggerType::OrderPayment`) sent as their integers.

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use crate::generated::yume::mock;
pub use crate::generated::yume::rules;
pub use crate::generated::yume::{Client, ClientInfo, Error, ResponseValue, builder, types};

impl Client {
    /// A client for `base_url` (e.g. `https://api.yume.cloud`) sending
    /// `Authorization: Bearer <token>` (marked sensitive, so `Debug` never shows it).
    ///
    /// ```
    /// let client = crm_bindings::yume::Client::with_bearer_token(
    ///     "https://api.yume.cloud",
    ///     "eyJhbGciOiJIUzI1NiJ9.e30.token",
    /// )?;
    /// # Ok::<(), crm_bindings::ConfigError>(())
    /// ```
    pub fn with_bearer_token(base_url: &str, token: &str) -> Result<Self, crate::ConfigError> {
        Self::with_bearer_token_and_config(base_url, token, &crate::HttpConfig::default())
    }

    /// [`Client::with_bearer_token`] with explicit timeouts.
    pub fn with_bearer_token_and_config(
        base_url: &str,
        token: &str,
        config: &crate::HttpConfig,
    ) -> Result<Self, crate::ConfigError> {
        let (base_url, http, runtime) =
            config.build(base_url, vec![crate::config::bearer(token)?])?;
        let mut client = Self::new_with_client(&base_url, http);
        client.runtime = runtime;
        Ok(client)
    }
}

crate::hooks::impl_client_hooks!();
