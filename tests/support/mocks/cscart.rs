//! CS-Cart call requests: every example of seed 001, served under `/api/2.0`.

use crate::support::json_response;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The base URL a client should use against `server` (the docs' `/api/2.0` root).
pub fn base_url(server: &MockServer) -> String {
    format!("{}/api/2.0", server.uri())
}

/// Answers every documented request with the documented response.
pub async fn mount_examples(server: &MockServer) {
    let json = |status: u16, file: &str| json_response(status, &format!("cscart/{file}"));
    let routes = [
        (
            "GET",
            "/api/2.0/call_requests",
            json(200, "list_call_requests.response.json"),
        ),
        (
            "GET",
            "/api/2.0/call_requests/1",
            json(200, "get_call_request.response.json"),
        ),
        (
            "POST",
            "/api/2.0/call_requests",
            json(201, "create_call_request.response.json"),
        ),
        (
            "PUT",
            "/api/2.0/call_requests/7",
            json(200, "update_call_request.response.json"),
        ),
        (
            "DELETE",
            "/api/2.0/call_requests/7",
            ResponseTemplate::new(204),
        ),
    ];
    for (verb, route, response) in routes {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(response)
            .mount(server)
            .await;
    }
}
