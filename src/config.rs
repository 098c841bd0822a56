//! Building the `reqwest::Client` every API module uses: credentials as sensitive default
//! headers, timeouts, the `User-Agent`, and a redirect policy that never carries them to
//! another host.

use crate::{RequestHook, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Transport settings shared by every API client. `HttpConfig::default()` is what the
/// `with_*` constructors use: 10 s to connect, 30 s for a whole request, no limit on the
/// wait for each read, and answers of at most 32 MiB.
///
/// Which timeout ends which phase: `connect_timeout` the TCP and TLS connection;
/// `read_timeout` (off by default) each wait for the next bytes (headers or body), so a
/// server that sends headers and then goes silent ends after it; `timeout` the whole call,
/// from connecting to the last byte of the body, so a server that drips one byte a second
/// ends after it.
///
/// ```
/// use std::time::Duration;
/// let config = crm_bindings::HttpConfig::default()
///     .timeout(Duration::from_secs(60))
///     .read_timeout(Duration::from_secs(15))
///     .max_response_bytes(8 * 1024 * 1024);
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct HttpConfig {
    connect_timeout: Duration,
    timeout: Duration,
    read_timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    allow_insecure_http: bool,
    root_certificates: Vec<reqwest::Certificate>,
    retry: RetryPolicy,
    proxy: Option<reqwest::Proxy>,
    no_proxy: bool,
    headers: HeaderMap,
    user_agent_suffix: Option<String>,
    hooks: Vec<Arc<dyn RequestHook>>,
}

impl fmt::Debug for HttpConfig {
    // Header values may be secrets of the user's own (a gateway key): names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("read_timeout", &self.read_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("root_certificates", &self.root_certificates.len())
            .field("retry", &self.retry)
            .field("proxy", &self.proxy.as_ref().map(|_| "set"))
            .field("no_proxy", &self.no_proxy)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("user_agent", &self.user_agent())
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

impl HttpConfig {
    /// What tells two configs apart, for the mocks' client cache
    /// ([`crate::mock_support::client_key`]); `None` for a config with root certificates,
    /// which cannot be compared (its client is not shared). Hooks and a custom clock are
    /// told apart by address: a cached client keeps them alive, so no other can take the
    /// address while the entry exists. Never shown to anyone: the proxy's URL is in it.
    #[cfg(feature = "mock")]
    pub(crate) fn identity(&self) -> Option<String> {
        if !self.root_certificates.is_empty() {
            return None;
        }
        let hooks: Vec<_> = self.hooks.iter().map(Arc::as_ptr).collect();
        // Every `SystemClock` is the same clock, whatever its address.
        let clock = match self.retry.clock.is_system() {
            true => "system".to_string(),
            false => format!("{:p}", Arc::as_ptr(&self.retry.clock)),
        };
        Some(format!(
            "{self:?} proxy={:?} hooks={hooks:?} clock={clock} headers={:?}",
            self.proxy, self.headers,
        ))
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            read_timeout: None,
            max_response_bytes: Some(crate::runtime::DEFAULT_MAX_RESPONSE_BYTES),
            allow_insecure_http: false,
            root_certificates: Vec::new(),
            retry: RetryPolicy::default(),
            proxy: None,
            no_proxy: false,
            headers: HeaderMap::new(),
            user_agent_suffix: None,
            hooks: Vec::new(),
        }
    }
}

impl HttpConfig {
    /// Time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole request, from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed for each wait for the server's next bytes (off by default).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The largest answer body a call reads, in bytes (default 32 MiB, far above any
    /// documented answer). A larger answer fails with [`crate::Error::ResponseTooLarge`]:
    /// before reading when its `Content-Length` says so, else as soon as the limit is passed,
    /// so a broken or hostile server cannot exhaust memory. Undocumented error pages are
    /// kept only up to 64 KiB (or this limit, if lower).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Reads answers of any size: memory is then bounded only by the `timeout`. Only for
    /// servers you trust (an export endpoint, say).
    pub fn unlimited_response_body(mut self) -> Self {
        self.max_response_bytes = None;
        self
    }

    /// Trusts `certificate` as a root, beside the system's and Mozilla's (a company CA, a
    /// test server's self-signed certificate).
    ///
    /// ```
    /// # fn pem() -> &'static [u8] { b"" }
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let ca = crm_bindings::reqwest::Certificate::from_pem(pem())?;
    /// let config = crm_bindings::HttpConfig::default().add_root_certificate(ca);
    /// # let _ = config; Ok(()) }
    /// ```
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// When calls are retried ([`RetryPolicy::default`]: connection failures, timeouts and
    /// 429/502/503/504 for GET, PUT and DELETE, at most 3 attempts within 60 s);
    /// `RetryPolicy::none()` turns retries off.
    pub fn retries(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends every request through `proxy` (reqwest's: `Proxy::all("http://proxy:3128")`,
    /// with `.basic_auth(..)` for a proxy that wants it). Without it, the `HTTP_PROXY`,
    /// `HTTPS_PROXY` and `NO_PROXY` environment variables apply, as in reqwest.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxy = Some(proxy);
        self.no_proxy = false;
        self
    }

    /// Ignores proxies, those of the environment included.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = None;
        self.no_proxy = true;
        self
    }

    /// Sends `name: value` on every request (a tenant or routing header). A header that
    /// carries the client's credentials (`authorization`, `x-crypto-token`, ...) cannot be
    /// set this way: building the client fails with [`ConfigError::InvalidHeader`].
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// [`HttpConfig::header`] for a secret (a gateway's API key): the value is marked
    /// sensitive (`Debug` shows `Sensitive`) and, like the credentials, replaced by
    /// `[REDACTED]` wherever a server echoes it into an error.
    pub fn sensitive_header(self, name: HeaderName, mut value: HeaderValue) -> Self {
        value.set_sensitive(true);
        self.header(name, value)
    }

    /// Appends ` suffix` to the `User-Agent` (`crm-bindings/0.1.0 my-app/2.3`), so the
    /// service can tell your application's calls apart.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Runs `hook` around every attempt of every call ([`RequestHook`]: logging, metrics,
    /// signing). Hooks run in the order they were added, inside the client's checks: a hook
    /// cannot send the request elsewhere or replace a credential header.
    pub fn hook(mut self, hook: Arc<dyn RequestHook>) -> Self {
        self.hooks.push(hook);
        self
    }

    fn user_agent(&self) -> String {
        let base = concat!("crm-bindings/", env!("CARGO_PKG_VERSION"));
        match &self.user_agent_suffix {
            Some(suffix) => format!("{base} {suffix}"),
            None => base.to_string(),
        }
    }

    /// Lets a client that carries credentials use a plain `http://` base URL on a host other
    /// than loopback, sending the credentials in clear text to anyone on the path. Only for a
    /// network you trust (a VPN, a sidecar). Without it such a client is refused with
    /// [`ConfigError::InsecureBaseUrl`]. Redirects from `https` to `http` stay refused.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// The `reqwest::Client` for `base_url` with `headers` (credentials) sent on every
    /// request, and the run-time settings of the client. Returns the validated base URL
    /// without a trailing slash.
    pub(crate) fn build(
        &self,
        base_url: &str,
        credentials: Vec<crate::auth::Credential>,
    ) -> Result<(String, reqwest::Client, crate::runtime::Runtime), ConfigError> {
        use crate::auth::Place;
        let carries_credentials = !credentials.is_empty();
        let base_url = check_base_url(base_url, carries_credentials && !self.allow_insecure_http)?;
        let mut default_headers = self.headers.clone();
        let mut secrets: Vec<String> = self
            .headers
            .values()
            .filter(|value| value.is_sensitive())
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect();
        let mut credential_headers = Vec::new();
        let mut query_credentials = Vec::new();
        for credential in credentials {
            secrets.extend(credential.secrets);
            match credential.place {
                Place::Header(name, value) => {
                    if self.headers.contains_key(&name) {
                        return Err(ConfigError::InvalidHeader(format!(
                            "`{name}` carries the client's credentials; pass them to the constructor"
                        )));
                    }
                    credential_headers.push(name.clone());
                    default_headers.insert(name, value);
                }
                Place::Query(name, value) => query_credentials.push((name, value)),
            }
        }
        let user_agent = HeaderValue::from_str(&self.user_agent()).map_err(|_| {
            ConfigError::InvalidHeader("the User-Agent suffix must be visible ASCII".into())
        })?;
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent)
            .default_headers(default_headers)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .redirect(same_host_redirects());
        if let Some(read_timeout) = self.read_timeout {
            builder = builder.read_timeout(read_timeout);
        }
        for certificate in &self.root_certificates {
            builder = builder.add_root_certificate(certificate.clone());
        }
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy.clone());
        } else if self.no_proxy {
            builder = builder.no_proxy();
        }
        crate::tls::install_tls_provider();
        let client = builder
            .build()
            .map_err(|e| ConfigError::Transport(e.to_string()))?;
        let runtime = crate::runtime::Runtime::new(crate::runtime::Settings {
            max_response_bytes: self.max_response_bytes,
            secrets: crate::runtime::Secrets::new(secrets),
            credential_headers,
            query_credentials,
            retry: self.retry.clone(),
            timeout: Some(self.timeout),
            hooks: self.hooks.clone(),
        });
        Ok((base_url, client, runtime))
    }
}

/// `127.0.0.0/8`, `::1` and `localhost`: a request to them never leaves the machine.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // An IPv6 host is written `[::1]`.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks the base URL; `credentials_need_tls` refuses plain `http` to a host other than
/// loopback (a client with credentials and no `allow_insecure_http`).
fn check_base_url(base_url: &str, credentials_need_tls: bool) -> Result<String, ConfigError> {
    let url = reqwest::Url::parse(base_url)
        // The input is not echoed: a mistyped argument may be a secret.
        .map_err(|e| ConfigError::InvalidBaseUrl(format!("not an absolute URL ({e})")))?;
    let invalid = |why: &str| ConfigError::InvalidBaseUrl(format!("{why} (got `{}`)", shown(&url)));
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials do not belong in the URL; pass them to the constructor",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the base URL takes no query or fragment"));
    }
    if credentials_need_tls && url.scheme() == "http" && !is_loopback(&url) {
        return Err(ConfigError::InsecureBaseUrl(format!(
            "`{}` is plain http: the client's credentials would travel in clear text to {}. \
             Use https, or HttpConfig::allow_insecure_http() for a network you trust \
             (loopback hosts are always allowed)",
            shown(&url),
            url.host_str().unwrap_or("the host")
        )));
    }
    Ok(base_url.trim_end_matches('/').to_string())
}

/// A URL for an error message: scheme, host, port and path only, never user info, query or
/// fragment, where credentials might hide.
fn shown(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    let has_userinfo = !url.username().is_empty() || url.password().is_some();
    let hidden = url.query().is_some() || url.fragment().is_some() || has_userinfo;
    if hidden {
        format!("{shown} with parts hidden")
    } else {
        shown.to_string()
    }
}

/// Follows up to 10 redirects, but only within the same scheme, host and port: the
/// credential headers are default headers and would otherwise travel to the new host. A
/// redirect from `https` to `http` is an error, whatever the configuration.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let downgrade = attempt.previous().iter().any(|url| url.scheme() == "https")
            && attempt.url().scheme() == "http";
        if downgrade {
            return attempt.error("redirect from https to plain http refused");
        }
        let same_origin = first.scheme() == attempt.url().scheme()
            && first.host_str() == attempt.url().host_str()
            && first.port_or_known_default() == attempt.url().port_or_known_default();
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Why a client could not be built. Never contains a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `http(s)` URL without credentials.
    InvalidBaseUrl(String),
    /// A credential is empty or cannot be sent in an HTTP header (names the header).
    InvalidCredential(&'static str),
    /// A client with credentials and a plain `http://` base URL on a host other than
    /// loopback, without [`HttpConfig::allow_insecure_http`]: says why and how.
    InsecureBaseUrl(String),
    /// The HTTP client could not be set up (TLS backend, system configuration).
    Transport(String),
    /// A header of [`HttpConfig::header`] or the `User-Agent` suffix cannot be sent.
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
