//! Building the `reqwest::Client` every API module uses: credentials as sensitive default
//! headers, timeouts, the `User-Agent`, and a redirect policy that never carries them to
//! another host.

use crate::config_error::ConfigError;
use crate::request_hook::RequestHook;
use crate::retry::RetryPolicy;
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
/// let config = crm_bindings_runtime::HttpConfig::default()
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
    /// let ca = crm_bindings_runtime::reqwest::Certificate::from_pem(pem())?;
    /// let config = crm_bindings_runtime::HttpConfig::default().add_root_certificate(ca);
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
    #[doc(hidden)]
    pub fn build(
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

/// The TLS provider every way of building a client finds (`crate::tls`), tested here where
/// clients are built.
#[cfg(test)]
mod tls_provider {
    use super::HttpConfig;
    use crate::tls::install_tls_provider;

    /// The two ways a generated client gets its HTTP client: `Client::new` (the generator makes
    /// it call [`install_tls_provider`] first) and the `with_*` constructors
    /// ([`HttpConfig::build`]).
    fn build_both_ways() {
        install_tls_provider();
        drop(reqwest::Client::new());
        let basic = crate::auth::basic("admin@example.com", "api-key").expect("a credential");
        HttpConfig::default()
            .build("https://shop.example/api", vec![basic])
            .expect("a valid configuration");
    }

    #[cfg(all(test, feature = "tls-ring"))]
    mod tests {
        /// `cargo xtask test` runs this alone (a fresh process, no provider installed) with
        /// `--no-default-features --features tls-ring`: there reqwest has no provider of its own,
        /// and building a client without this crate's installing ring would panic.
        #[test]
        fn every_constructor_finds_a_provider() {
            super::build_both_ways();
            assert!(rustls::crypto::CryptoProvider::get_default().is_some());
            super::install_tls_provider(); // again: nothing to do, and no panic
        }
    }

    /// With both TLS features on, the provider a program installed first stands, and ring is
    /// installed when there is none. The process default is global and the other tests of this
    /// binary install ring, so each case runs in a child process of this test binary.
    #[cfg(all(test, feature = "tls-ring", feature = "tls-aws-lc"))]
    mod both_providers {
        use std::process::Command;

        /// Set in the child process to the case it runs: `none` or `aws-lc` installed first.
        const CASE: &str = "CRM_TLS_PROVIDER_CASE";

        #[test]
        fn the_programs_provider_stands_and_ring_is_the_fallback() {
            for (case, expected) in [("none", "provider: ring"), ("aws-lc", "provider: aws-lc")] {
                let child = Command::new(std::env::current_exe().expect("the test binary's path"))
                    .args([
                        "config::tls_provider::both_providers::child_case",
                        "--exact",
                        "--nocapture",
                    ])
                    .env(CASE, case)
                    .output()
                    .expect("the test binary runs again");
                let stdout = String::from_utf8_lossy(&child.stdout);
                assert!(
                    child.status.success(),
                    "case {case}: {stdout}{}",
                    String::from_utf8_lossy(&child.stderr)
                );
                assert!(
                    stdout.lines().any(|line| line == expected),
                    "case {case}: expected {expected:?} in {stdout}"
                );
            }
        }

        /// Does nothing unless run by the test above, in its own process.
        #[test]
        fn child_case() {
            let Ok(case) = std::env::var(CASE) else {
                return;
            };
            if case == "aws-lc" {
                rustls::crypto::aws_lc_rs::default_provider()
                    .install_default()
                    .expect("nothing installed yet in a fresh process");
            }
            super::build_both_ways();
            let provider = rustls::crypto::CryptoProvider::get_default().expect("a provider");
            // rustls names its providers' random sources `Ring` and `AwsLcRs` in `Debug`.
            let shown = format!("{provider:?}");
            let name = if shown.contains("secure_random: Ring") {
                "ring"
            } else if shown.contains("secure_random: AwsLcRs") {
                "aws-lc"
            } else {
                "unknown"
            };
            println!("provider: {name}");
        }
    }
}
