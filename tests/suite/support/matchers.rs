//! wiremock matchers the per-API files share (request shapes no operation documents).

use wiremock::Request;

/// Only headers from an allow-list: the standard ones reqwest sends (`host`, `user-agent`,
/// `accept`, `content-type`, `content-length`) and the credential headers the specs
/// document (`authorization`, solOS's `x-crypto-token` and `x-crypto-secret`). The specs
/// document no header parameter, so anything else (progenitor's `api-version`, a stray
/// default header) fails the match.
pub fn standard_headers_only(request: &Request) -> bool {
    const ALLOWED: &[&str] = &[
        "host",
        "user-agent",
        "accept",
        "content-type",
        "content-length",
        "authorization",
        "x-crypto-token",
        "x-crypto-secret",
    ];
    request
        .headers
        .keys()
        .all(|name| ALLOWED.contains(&name.as_str()))
}

/// No query string at all (operations that document no query parameter).
pub fn no_query(request: &Request) -> bool {
    request.url.query().is_none()
}

/// An empty body (operations that document none).
pub fn no_body(request: &Request) -> bool {
    request.body.is_empty()
}
