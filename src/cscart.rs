//! CS-Cart REST API 2.0: call requests (`specs/cscart.yaml`).
//!
//! The store's "Call requests" add-on must be enabled. Authenticate with the
//! administrator's e-mail and API key: [`Client::with_basic_auth`].

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use crate::generated::cscart::mock;
pub use crate::generated::cscart::rules;
pub use crate::generated::cscart::{Client, ClientInfo, Error, ResponseValue, builder, types};

impl Client {
    /// A client for the store's API root (`{store_url}/api/2.0`), authenticating with
    /// HTTP Basic: the administrator's `email` as user and the `api_key` as password.
    /// The `Authorization` header is marked sensitive, so `Debug` never shows it.
    ///
    /// ```
    /// let client = crm_bindings::cscart::Client::with_basic_auth(
    ///     "https://shop.example.com/api/2.0",
    ///     "admin@example.com",
    ///     "api-key",
    /// )?;
    /// # Ok::<(), crm_bindings::ConfigError>(())
    /// ```
    pub fn with_basic_auth(
        base_url: &str,
        email: &str,
        api_key: &str,
    ) -> Result<Self, crate::ConfigError> {
        Self::with_basic_auth_and_config(base_url, email, api_key, &crate::HttpConfig::default())
    }

    /// [`Client::with_basic_auth`] with explicit timeouts.
    pub fn with_basic_auth_and_config(
        base_url: &str,
        email: &str,
        api_key: &str,
        config: &crate::HttpConfig,
    ) -> Result<Self, crate::ConfigError> {
        let auth = crate::config::basic_auth(email, api_key)?;
        let (base_url, http, runtime) = config.build(base_url, vec![auth])?;
        let mut client = Self::new_with_client(&base_url, http);
        client.runtime = runtime;
        Ok(client)
    }
}

crate::hooks::impl_client_hooks!();
