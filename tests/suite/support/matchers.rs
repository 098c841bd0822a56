//! wiremock matchers the per-API files share (request shapes no operation documents).

use wiremock::Request;

/// Only the headers the API documents plus standard ones: no progenitor `api-version`.
pub fn standard_headers_only(request: &Request) -> bool {
    !request.headers.contains_key("api-version")
}

/// No query string at all (operations that document no query parameter).
pub fn no_query(request: &Request) -> bool {
    request.url.query().is_none()
}

/// An empty body (operations that document none).
pub fn no_body(request: &Request) -> bool {
    request.body.is_empty()
}
