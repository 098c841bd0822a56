//! Thulium CRM-fed outbound campaign records: every example of seed 003, served under `/api`.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The base URL a client should use against `server` (the docs' `/api` root).
pub fn base_url(server: &MockServer) -> String {
    format!("{}/api", server.uri())
}

/// Answers every documented request with the documented response.
///
/// The seed documents one request, `PUT /api/crm_outbounds/00001/records/441`, and its
/// response: `200 OK` with an empty body ("pusty"), so there is no response fixture.
pub async fn mount_examples(server: &MockServer) {
    Mock::given(method("PUT"))
        .and(path("/api/crm_outbounds/00001/records/441"))
        .respond_with(ResponseTemplate::new(200))
        .mount(server)
        .await;
}
