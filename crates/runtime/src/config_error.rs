//! Why a client could not be built: a leaf of the module tree, used by the credentials and
//! the configuration.

use std::fmt;

/// Why a client could not be built. Never contains a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `http(s)` URL without credentials.
    InvalidBaseUrl(String),
    /// A credential is empty or cannot be sent in an HTTP header (names the header).
    InvalidCredential(&'static str),
    /// A client with credentials and a plain `http://` base URL on a host other than
    /// loopback, without [`crate::HttpConfig::allow_insecure_http`]: says why and how.
    InsecureBaseUrl(String),
    /// The HTTP client could not be set up (TLS backend, system configuration).
    Transport(String),
    /// A header of [`crate::HttpConfig::header`] or the `User-Agent` suffix cannot be sent.
    InvalidHeader(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidBaseUrl(why) => write!(f, "invalid base URL: {why}"),
            ConfigError::InvalidCredential(header) => write!(
                f,
                "invalid credential for the `{header}` header: it must be visible ASCII, not empty or only spaces (a Basic user may not contain `:`)"
            ),
            ConfigError::Transport(why) => write!(f, "could not build the HTTP client: {why}"),
            ConfigError::InsecureBaseUrl(why) => write!(f, "insecure base URL: {why}"),
            ConfigError::InvalidHeader(why) => write!(f, "invalid header: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}
