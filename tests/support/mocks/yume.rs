//! Yume Wazzup triggers: the PUT example of seed 000 and, for the operations the seed does
//! not describe (list, create, partial update, delete), the examples of `specs/yume.yaml`.
//! Served at the server's root (paths start with `/v1/`), trigger id 123.

use crate::support::json_response;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The base URL a client should use against `server` (like `https://api.yume.cloud`).
pub fn base_url(server: &MockServer) -> String {
    server.uri()
}

/// Answers every documented request with the documented response.
pub async fn mount_examples(server: &MockServer) {
    let json = |status: u16, file: &str| json_response(status, &format!("yume/{file}"));
    let triggers = "/v1/crm/integrations/wazzup/triggers/";
    let trigger = "/v1/crm/integrations/wazzup/triggers/123/";
    let routes = [
        (
            "GET",
            triggers,
            json(200, "list_wazzup_triggers.response.json"),
        ),
        (
            "POST",
            triggers,
            json(201, "create_wazzup_trigger.response.json"),
        ),
        (
            "PUT",
            trigger,
            json(200, "update_wazzup_trigger.response.json"),
        ),
        (
            "PATCH",
            trigger,
            json(200, "partial_update_wazzup_trigger.response.json"),
        ),
        ("DELETE", trigger, ResponseTemplate::new(204)),
    ];
    for (verb, route, response) in routes {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(response)
            .mount(server)
            .await;
    }
}
