//! solOS CRM projects: every curl example of seed 004, served under `/backend/public`.
//!
//! The seed documents requests only (`curl_examples.json`, `filter_projects.request.json`)
//! and shows NO response bodies, so every route answers `200 {}`: the spec declares each
//! response as a free-form JSON object, and `{}` is the only body that invents nothing.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The documented routes, `(method, path)`, one per operation in the seed's order.
pub const ROUTES: [(&str, &str); 9] = [
    ("GET", "/backend/public/projects"),
    ("POST", "/backend/public/projects/filter"),
    ("GET", "/backend/public/projects/info"),
    ("GET", "/backend/public/projects/steps"),
    ("GET", "/backend/public/projects/actions"),
    ("GET", "/backend/public/projects/actions/info"),
    ("GET", "/backend/public/projects/checklists"),
    ("GET", "/backend/public/projects/goods"),
    ("GET", "/backend/public/projects/payments"),
];

/// The base URL a client should use against `server` (the docs' `/backend/public` root).
pub fn base_url(server: &MockServer) -> String {
    format!("{}/backend/public", server.uri())
}

/// The answer to every documented request: an empty JSON object (the docs show none).
pub fn empty_object() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string("{}")
}

/// Answers every documented request with `200 {}`.
pub async fn mount_examples(server: &MockServer) {
    for (verb, route) in ROUTES {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(empty_object())
            .mount(server)
            .await;
    }
}
