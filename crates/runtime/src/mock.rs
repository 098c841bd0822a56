//! What the generated `mock` modules share (the `mock` feature): the spec's facts about an
//! operation, an expectation built from typed values and turned into a `wiremock::Mock`, and
//! the spec's examples decoded into typed values.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// How an API authenticates, from its spec's security schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic (`with_basic_auth`).
    Basic,
    /// A bearer token (`with_bearer_token`).
    Bearer,
    /// API-key headers, all sent together (`with_keys`), by name.
    ApiKeys(&'static [&'static str]),
    /// One API key in the header of this name (`with_api_key`).
    ApiKeyHeader(&'static str),
    /// One API key in the query parameter of this name (`with_api_key`).
    ApiKeyQuery(&'static str),
    /// None documented.
    None,
}

/// A status an operation documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A success, with whether it has a body.
    Success { code: u16, body: bool },
    /// An error status (or a range, `400..=499` for `4XX`) with the API's error body.
    Error { from: u16, to: u16 },
}

/// One operation as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The client's method name (`list_widgets`), which errors and spans name too.
    pub id: &'static str,
    /// The spec's `operationId` (`listWidgets`, or the same as `id`).
    pub operation_id: &'static str,
    /// `GET`, `POST`, ...
    pub method: &'static str,
    /// The path template, as in the spec (`/call_requests/{id}`).
    pub path: &'static str,
    /// The documented statuses.
    pub statuses: &'static [Status],
    /// How the API authenticates.
    pub auth: Auth,
    /// The spec's example of the request body, as JSON.
    pub request_example: Option<&'static str>,
    /// The request body's media type (`application/json` or
    /// `application/x-www-form-urlencoded`), if it has one.
    pub request_media: Option<&'static str>,
    /// The spec's example of the first documented success's body, as JSON.
    pub success_example: Option<&'static str>,
    /// The media type of the first documented success's body, if it has one.
    pub success_media: Option<&'static str>,
    /// The spec's example of the documented error body, as JSON.
    pub error_example: Option<&'static str>,
    /// The media type of the documented errors' body, if they have one.
    pub error_media: Option<&'static str>,
}

impl Operation {
    /// The first documented success: its status code and whether it has a body (`None`
    /// for an operation documenting none, which the generator's spec checks refuse).
    pub fn success(&self) -> Option<(u16, bool)> {
        self.statuses.iter().find_map(|s| match s {
            Status::Success { code, body } => Some((*code, *body)),
            Status::Error { .. } => None,
        })
    }
}

impl Operation {
    /// Whether a request with this method and path (under any base-URL prefix) is a call of
    /// this operation.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        method.eq_ignore_ascii_case(self.method)
            && path_matches(&path_pattern(self.path, &[]), path)
    }
}

/// The operations no received request called (their ids): what a tour or a test that should
/// call every operation left out.
pub fn uncalled(operations: &[Operation], requests: &[wiremock::Request]) -> Vec<&'static str> {
    operations
        .iter()
        .filter(|op| {
            !requests
                .iter()
                .any(|r| op.matches(r.method.as_str(), r.url.path()))
        })
        .map(|op| op.id)
        .collect()
}

/// Whether `text` matches the parts of [`path_pattern`], as the mocks' regex would (literal
/// text and `[^/]+` segments only, so no regex engine is needed).
fn path_matches(pattern: &[PathPart], text: &str) -> bool {
    fn go(parts: &[PathPart], text: &str) -> bool {
        match parts.split_first() {
            None => text.is_empty(),
            // Nothing, or `/...`, as the mocks' `(?:/.*)?`.
            Some((PathPart::Prefix, rest)) => {
                go(rest, text)
                    || (text.starts_with('/')
                        && (1..=text.len())
                            .any(|i| text.is_char_boundary(i) && go(rest, &text[i..])))
            }
            Some((PathPart::Literal(l), rest)) => {
                text.starts_with(l.as_str()) && go(rest, &text[l.len()..])
            }
            Some((PathPart::Segment, rest)) => {
                let end = text.find('/').unwrap_or(text.len());
                (1..=end).any(|i| text.is_char_boundary(i) && go(rest, &text[i..]))
            }
        }
    }
    go(pattern, text)
}

/// A path template as parts: any base-URL prefix, literal text, and one non-empty segment
/// per parameter (or the parameter's given, encoded value).
#[derive(Debug, Clone, PartialEq)]
enum PathPart {
    Prefix,
    Literal(String),
    Segment,
}

fn path_pattern(template: &str, given: &[(&'static str, String)]) -> Vec<PathPart> {
    let mut parts = vec![PathPart::Prefix];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        parts.push(PathPart::Literal(rest[..open].to_string()));
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let name = &rest[open + 1..close];
        match given.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => parts.push(PathPart::Literal(value.clone())),
            None => parts.push(PathPart::Segment),
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    parts.push(PathPart::Literal(rest.to_string()));
    parts
}

/// Decodes one of the spec's examples into its type (checked by the crate's tests, so a
/// failure here means the spec and its example disagree).
pub fn example<T: DeserializeOwned>(what: &str, json: &str) -> T {
    crate::json::from_json(
        serde_json::from_str::<serde_json::Value>(json).expect("examples are JSON"),
    )
    .unwrap_or_else(|e| panic!("the spec's example of {what} does not decode: {e}"))
}

/// The wire form of a query parameter, as the client sends it.
pub fn query_value<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => panic!("a query value that does not serialize: {e}"),
    }
}

/// What a typed mock matches: the method, the path (any base-URL prefix), the path and
/// query parameters given, and the body.
#[derive(Debug, Clone)]
pub struct Expectation {
    operation: &'static str,
    method: &'static str,
    template: &'static str,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    body: Option<BodyMatch>,
}

/// A body to match: its fields as JSON, whether others may be there, whether it is a form.
#[derive(Debug, Clone)]
struct BodyMatch {
    json: serde_json::Value,
    partial: bool,
    form: bool,
}

impl Expectation {
    pub fn new(operation: &Operation) -> Self {
        Expectation {
            operation: operation.id,
            method: operation.method,
            template: operation.path,
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
        }
    }

    /// Matches the path parameter `name` (as the client encodes it).
    pub fn path_param(mut self, name: &'static str, value: &str) -> Self {
        let encoded = progenitor_client::encode_path(value);
        self.path_params.push((name, encoded));
        self
    }

    /// Matches the query parameter `name`.
    pub fn query_param<T: Serialize>(mut self, name: &'static str, value: &T) -> Self {
        self.query.push((name, query_value(value)));
        self
    }

    /// Matches the body exactly (`partial`: the body contains these fields), as JSON or as
    /// an `application/x-www-form-urlencoded` form (`form`).
    pub fn body<T: Serialize>(mut self, body: &T, partial: bool, form: bool) -> Self {
        let json = serde_json::to_value(body).expect("a body that serializes");
        self.body = Some(BodyMatch {
            json,
            partial,
            form,
        });
        self
    }

    /// The `wiremock::Mock` answering with `response`.
    /// The mock is named after the operation (`update_wazzup_trigger (PUT /v1/...)`), so
    /// wiremock's failed `expect` names it.
    pub fn respond_with(self, response: wiremock::ResponseTemplate) -> wiremock::Mock {
        use wiremock::matchers::{body_json, body_partial_json, method, path_regex, query_param};
        let pattern = route_pattern(self.template, &self.path_params);
        let name = format!("{} ({} {})", self.operation, self.method, self.template);
        let mut mock = wiremock::Mock::given(method(self.method)).and(path_regex(pattern));
        for (name, value) in self.query {
            mock = mock.and(query_param(name, value));
        }
        match self.body {
            Some(BodyMatch {
                json,
                partial,
                form: true,
            }) => mock = mock.and(FormBody { json, partial }),
            Some(BodyMatch {
                json,
                partial: false,
                ..
            }) => mock = mock.and(body_json(json)),
            Some(BodyMatch { json, .. }) => mock = mock.and(body_partial_json(json)),
            None => {}
        }
        mock.respond_with(response).named(name)
    }

    /// Answers `status` with `body` as `media` (a text or binary answer).
    pub fn respond_bytes(self, status: u16, body: Vec<u8>, media: &str) -> wiremock::Mock {
        self.respond_with(wiremock::ResponseTemplate::new(status).set_body_raw(body, media))
    }

    /// Answers `status` with `body` as JSON.
    pub fn respond_json<T: Serialize>(self, status: u16, body: &T) -> wiremock::Mock {
        self.respond_with(wiremock::ResponseTemplate::new(status).set_body_json(body))
    }

    /// Answers `status` with no body.
    pub fn respond_empty(self, status: u16) -> wiremock::Mock {
        self.respond_with(wiremock::ResponseTemplate::new(status))
    }
}

/// The regex of an operation's path (any base-URL prefix), with the path parameters given.
fn route_pattern(template: &str, given: &[(&'static str, String)]) -> String {
    let mut pattern = String::from("^");
    for part in path_pattern(template, given) {
        match part {
            PathPart::Prefix => pattern.push_str("(?:/.*)?"),
            PathPart::Literal(text) => pattern.push_str(&regex_escape(&text)),
            PathPart::Segment => pattern.push_str("[^/]+"),
        }
    }
    pattern.push('$');
    pattern
}

/// Mounts, below every other mock, one per operation that answers a request to the
/// operation's method and path which no other mock matched: `501` with a text naming the
/// operation and showing what was sent (path, query, the body's start), so the client's
/// error says which typed mock did not match, instead of wiremock's bare `404`. (It cannot
/// say which of the mounted mocks' expectations differed: wiremock keeps them private.)
pub async fn explain_unmatched(server: &wiremock::MockServer, operations: &[Operation]) {
    use wiremock::matchers::{method, path_regex};
    for operation in operations {
        wiremock::Mock::given(method(operation.method))
            .and(path_regex(route_pattern(operation.path, &[])))
            .respond_with(Unmatched(*operation))
            .with_priority(u8::MAX)
            .named(format!(
                "{} ({} {}): no other mock matched",
                operation.id, operation.method, operation.path
            ))
            .mount(server)
            .await;
    }
}

/// The answer of [`explain_unmatched`].
struct Unmatched(Operation);

impl wiremock::Respond for Unmatched {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        wiremock::ResponseTemplate::new(501).set_body_string(unmatched_text(&self.0, request))
    }
}

/// What [`explain_unmatched`] answers: the operation first (error texts keep a body's
/// first 200 characters), then the request as it came.
fn unmatched_text(operation: &Operation, request: &wiremock::Request) -> String {
    const BODY_CHARS: usize = 300;
    let body = String::from_utf8_lossy(&request.body);
    let mut shown: String = body.chars().take(BODY_CHARS).collect();
    if body.chars().count() > BODY_CHARS {
        shown.push('…');
    }
    let query = request
        .url
        .query()
        .map_or_else(String::new, |q| format!("?{q}"));
    format!(
        "no mock of `{}` ({} {}) matched this request: {} {}{query}, body: {}. \
         Check the parameters and body of the mocks mounted for it (`mock::{}()`).",
        operation.id,
        operation.method,
        operation.path,
        request.method,
        request.url.path(),
        if shown.is_empty() {
            "(none)".to_string()
        } else {
            shown
        },
        operation.id,
    )
}

/// Matches an `application/x-www-form-urlencoded` body whose fields are those of a JSON
/// object (each value as the form writes it: strings as they are, others as JSON text), all
/// of them or (`partial`) at least them.
struct FormBody {
    json: serde_json::Value,
    partial: bool,
}

impl wiremock::Match for FormBody {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let Ok(sent) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&request.body) else {
            return false;
        };
        let Some(wanted) = self.json.as_object() else {
            return false;
        };
        let wanted: Vec<(String, String)> = wanted
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| (name.clone(), query_value(value)))
            .collect();
        let all_there = wanted.iter().all(|field| sent.contains(field));
        all_there && (self.partial || sent.len() == wanted.len())
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An operation made up here (not from a seed): an error range listed first, two
    /// successes, and one with no success at all.
    #[test]
    fn the_first_documented_success_is_the_answer() {
        let mut op = Operation {
            id: "made_up",
            operation_id: "madeUp",
            method: "POST",
            path: "/made_up",
            statuses: &[
                Status::Error { from: 400, to: 499 },
                Status::Success {
                    code: 201,
                    body: true,
                },
                Status::Success {
                    code: 204,
                    body: false,
                },
            ],
            auth: Auth::None,
            request_example: None,
            request_media: None,
            success_example: None,
            success_media: None,
            error_example: None,
            error_media: None,
        };
        assert_eq!(op.success(), Some((201, true)));
        op.statuses = &[Status::Success {
            code: 204,
            body: false,
        }];
        assert_eq!(op.success(), Some((204, false)));
        op.statuses = &[Status::Error { from: 500, to: 599 }];
        assert_eq!(op.success(), None);
    }

    /// A request is a call of an operation by method and path template, under any base-URL
    /// prefix; the operations no request called are named (made-up operations).
    #[tokio::test]
    async fn operations_are_told_apart_by_method_and_path() {
        let op = |id, method, path| Operation {
            id,
            operation_id: id,
            method,
            path,
            statuses: &[],
            auth: Auth::None,
            request_example: None,
            request_media: None,
            success_example: None,
            success_media: None,
            error_example: None,
            error_media: None,
        };
        let get = op("get_item", "GET", "/items/{id}");
        assert!(get.matches("GET", "/items/7"));
        assert!(get.matches("get", "/api/v1/items/a%20b"));
        assert!(!get.matches("GET", "/items/"));
        assert!(!get.matches("GET", "/items/7/parts"));
        assert!(!get.matches("DELETE", "/items/7"));
        assert!(!get.matches("GET", "x/items/7"));
        let list = op("list_items", "GET", "/items");
        assert!(list.matches("GET", "/items"));
        assert!(!list.matches("GET", "/items/7"));

        let ops = [get, list];
        let uncalled_after = |paths: &'static [&'static str]| async move {
            let server = wiremock::MockServer::start().await;
            crate::tls::install_tls_provider();
            let http = reqwest::Client::new();
            for path in paths {
                let _ = http.get(format!("{}{path}", server.uri())).send().await;
            }
            let requests = server.received_requests().await.unwrap_or_default();
            uncalled(&ops, &requests)
        };
        assert_eq!(uncalled_after(&["/items/7"]).await, ["list_items"]);
        assert_eq!(uncalled_after(&["/base/items"]).await, ["get_item"]);
        assert!(uncalled_after(&["/items", "/items/1"]).await.is_empty());
    }

    /// A typed mock's path parameters match their own values only, each by its name (an
    /// operation made up here: two parameters, set in the other order).
    #[tokio::test]
    async fn path_parameters_match_their_own_values() {
        let op = Operation {
            id: "made_up",
            operation_id: "madeUp",
            method: "GET",
            path: "/deals/{dealId}/items/{item}",
            statuses: &[],
            auth: Auth::None,
            request_example: None,
            request_media: None,
            success_example: None,
            success_media: None,
            error_example: None,
            error_media: None,
        };
        let server = wiremock::MockServer::start().await;
        Expectation::new(&op)
            .path_param("item", "7")
            .path_param("dealId", "a b")
            .respond_empty(204)
            .mount(&server)
            .await;
        crate::tls::install_tls_provider();
        let client = reqwest::Client::new();
        let status = |path: &str| {
            let request = client.get(format!("{}{path}", server.uri())).send();
            async { request.await.unwrap().status().as_u16() }
        };
        assert_eq!(status("/deals/a%20b/items/7").await, 204);
        assert_eq!(status("/deals/other/items/7").await, 404);
        assert_eq!(status("/deals/a%20b/items/8").await, 404);
        assert_eq!(status("/deals/7/items/a%20b").await, 404);
    }
}
