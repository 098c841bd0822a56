//! UAPAY safe deal: every example of seed 002, served at the server's root (the source
//! documents no base URL; the spec's paths start at `/deals`).

use crate::support::json_response;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

/// The base URL a client should use against `server`: its root, no path stem.
pub fn base_url(server: &MockServer) -> String {
    server.uri()
}

/// Answers every documented request with the documented response: `PATCH /deals/L8M95ER`
/// (the seed's example) and the same deal by its external id,
/// `PATCH /deals/myExternalId537916?byExternalId=true`.
pub async fn mount_examples(server: &MockServer) {
    let json = |status: u16, file: &str| json_response(status, &format!("uapay/{file}"));
    Mock::given(method("PATCH"))
        .and(path("/deals/L8M95ER"))
        .respond_with(json(200, "update_deal.response.json"))
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/deals/myExternalId537916"))
        .and(query_param("byExternalId", "true"))
        .respond_with(json(200, "update_deal.response.json"))
        .mount(server)
        .await;
}
