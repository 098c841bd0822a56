//! CS-Cart call requests against a wiremock server built from seed 001's examples: the docs'
//! curl examples produce exactly the documented requests, the documented responses decode,
//! errors are typed, and invalid input never leaves the client.
#![cfg(feature = "cscart")]

use crate::support::json_fixture;
use crate::support::matchers::{no_query, standard_headers_only};
use crm_bindings::cscart::mock::mount_examples;
use crm_bindings::cscart::{Client, Error, types};

/// The docs' `/api/2.0` root on the mock server.
fn base_url(server: &MockServer) -> String {
    format!("{}/api/2.0", server.uri())
}
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EMAIL: &str = "admin@example.com";
const API_KEY: &str = "cscart-test-key-9f3b";

fn client(server: &MockServer) -> Client {
    Client::with_basic_auth(&base_url(server), EMAIL, API_KEY).unwrap()
}

/// `Authorization: Basic base64("admin@example.com:cscart-test-key-9f3b")`.
fn expected_authorization() -> String {
    format!(
        "Basic {}",
        crate::support::operations::basic_token(EMAIL, API_KEY)
    )
}

#[tokio::test]
async fn list_sends_the_documented_request_and_decodes_the_documented_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/2.0/call_requests"))
        .and(no_query)
        .and(header("authorization", expected_authorization().as_str()))
        .and(header("accept", "application/json"))
        .and(header(
            "user-agent",
            concat!("crm-bindings/", env!("CARGO_PKG_VERSION")),
        ))
        .and(standard_headers_only)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("cscart/list_call_requests.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_call_requests().send().await.unwrap();

    assert_eq!(page.status(), 200);
    assert_eq!(page.call_requests.len(), 2);
    let inna = &page.call_requests[0];
    assert_eq!(inna.request_id, "2");
    assert_eq!(inna.name, "Inna");
    assert_eq!(inna.time_from, "__:__");
    assert_eq!(inna.status, types::CallRequestStatus::New);
    assert_eq!(inna.notes, None);
    assert_eq!(page.params.page, 1);
    assert_eq!(page.params.items_per_page, "10");
    assert_eq!(page.params.sort_by, types::CallRequestSortBy::Date);
    assert_eq!(page.params.sort_order, types::SortOrder::Desc);
    assert_eq!(page.params.sort_order_rev, types::SortOrder::Asc);
    assert_eq!(page.params.total_items, "2");
}

#[tokio::test]
async fn list_filters_are_sent_as_documented_query_parameters() {
    let server = MockServer::start().await;
    let expected = [
        ("page", "2"),
        ("items_per_page", "10"),
        ("sort_by", "order_status"),
        ("sort_order", "asc"),
        ("status", "in_progress"),
        ("name", "Vladimir"),
        ("phone", "+7(917)111-11-11"),
        ("company_id", "1"),
        ("order_status", "P"),
        ("user_id", "3"),
        ("order_exists", "N"),
    ];
    let mut mock = Mock::given(method("GET")).and(path("/api/2.0/call_requests"));
    for (name, value) in expected {
        mock = mock.and(query_param(name, value));
    }
    mock.respond_with(
        ResponseTemplate::new(200)
            .set_body_json(json_fixture("cscart/list_call_requests.response.json")),
    )
    .expect(1)
    .mount(&server)
    .await;

    client(&server)
        .list_call_requests()
        .page(2u64)
        .items_per_page(10u64)
        .sort_by(types::CallRequestSortBy::OrderStatus)
        .sort_order(types::SortOrder::Asc)
        .status(types::CallRequestStatus::InProgress)
        .name("Vladimir")
        .phone("+7(917)111-11-11")
        .company_id(1u64)
        .order_status("P")
        .user_id(3u64)
        .order_exists(types::OrderExists::N)
        .send()
        .await
        .unwrap();

    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        sent.url.query_pairs().count(),
        expected.len(),
        "no extra parameters"
    );
}

#[tokio::test]
async fn get_decodes_the_documented_call_request() {
    let server = MockServer::start().await;
    mount_examples(&server).await;

    let request = client(&server)
        .get_call_request()
        .id(1u64)
        .send()
        .await
        .unwrap();

    let documented: types::CallRequest =
        serde_json::from_value(json_fixture("cscart/get_call_request.response.json")).unwrap();
    assert_eq!(*request, documented);
    assert_eq!(request.request_id, "1");
    assert_eq!(request.name, "Vladimir");
    assert_eq!(request.phone, "+7(917)111-11-11");
    assert_eq!(request.time_from, "10:00");
    assert_eq!(request.timestamp, "1442933072");
    assert_eq!(request.order_status, None);
    assert_eq!(request.product, None);
}

#[tokio::test]
async fn create_sends_the_documented_body_and_decodes_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/2.0/call_requests"))
        .and(header("content-type", "application/json"))
        .and(body_json(json_fixture(
            "cscart/create_call_request.request.json",
        )))
        .and(standard_headers_only)
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json_fixture("cscart/create_call_request.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let created = client(&server)
        .create_call_request()
        .body(
            types::CallRequestInput::builder()
                .phone("+7(999)111-22-33".to_string())
                .name("Api".to_string()),
        )
        .send()
        .await
        .unwrap();

    assert_eq!(created.status(), 201);
    assert_eq!(created.request_id, "7");
}

#[tokio::test]
async fn create_with_an_email_and_no_phone_is_sent() {
    let server = MockServer::start().await;
    mount_examples(&server).await;

    let created = client(&server)
        .create_call_request()
        .body(
            types::CallRequestInput::builder()
                .email("customer@example.com".parse::<types::Email>().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.request_id, "7");
}

#[tokio::test]
async fn create_without_email_or_phone_is_refused_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    for body in [
        types::CallRequestInput::builder()
            .name("Api".to_string())
            .notes("call me".to_string()),
        types::CallRequestInput::builder().phone(String::new()),
    ] {
        let err = client
            .create_call_request()
            .body(body)
            .send()
            .await
            .unwrap_err();
        let Error::InvalidRequest { message, .. } = &err else {
            panic!("expected InvalidRequest, got {err:?}");
        };
        assert_eq!(
            message, "the body needs `email` or `phone` (got none of them)",
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "create_call_request: the body needs `email` or `phone` (got none of them); nothing was sent"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn update_without_email_or_phone_is_allowed() {
    // The email-or-phone rule is create's alone: an update changes only the given fields.
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/2.0/call_requests/7"))
        .and(body_json(json_fixture(
            "cscart/update_call_request.request.json",
        )))
        .and(standard_headers_only)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("cscart/update_call_request.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_call_request()
        .id(7u64)
        .body(
            types::CallRequestInput::builder()
                .status(types::CallRequestStatus::NoAnswer)
                .notes("No answer".to_string()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.request_id, "7");
}

#[tokio::test]
async fn delete_succeeds_on_204() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/2.0/call_requests/7"))
        .and(standard_headers_only)
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let deleted = client(&server)
        .delete_call_request()
        .id(7u64)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn bad_request_becomes_a_typed_error_carrying_the_body() {
    let server = MockServer::start().await;
    let error_body = serde_json::json!({ "message": "Call request could not be saved" });
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(400).set_body_json(&error_body))
        .mount(&server)
        .await;
    let client = client(&server);
    let body = || types::CallRequestInput::builder().phone("+7(999)111-22-33".to_string());

    let errors = [
        client
            .create_call_request()
            .body(body())
            .send()
            .await
            .unwrap_err(),
        client
            .update_call_request()
            .id(7u64)
            .body(body())
            .send()
            .await
            .unwrap_err(),
        client
            .delete_call_request()
            .id(7u64)
            .send()
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_REQUEST));
        let Error::ErrorResponse { response, .. } = err else {
            panic!("expected ErrorResponse, got {err:?}");
        };
        assert_eq!(response.message, "Call request could not be saved");
    }
}

#[tokio::test]
async fn out_of_range_values_are_refused_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    let err = client
        .list_call_requests()
        .page(0u64)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "list_call_requests: page must be at least 1 (got 0); nothing was sent"
    );
    let err = client.get_call_request().id(0u64).send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "get_call_request: id must be at least 1 (got 0); nothing was sent"
    );
    let err = client.get_call_request().send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "get_call_request: id is required (not set); nothing was sent"
    );
    let err = client
        .list_call_requests()
        .status("maybe")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "list_call_requests: status must be `new`, `in_progress`, `completed` or `no_answer` (got \"maybe\"); nothing was sent"
    );

    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Every documented example request exactly as the typed client sends it (method, path and
/// query, headers with secrets masked, body): a spec edit that changes the wire shows here.
#[tokio::test]
async fn wire() {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    let client =
        Client::with_basic_auth(&base_url(&server), "admin@example.com", "cscart-wire-key")
            .unwrap();

    let mut titles = Vec::new();
    titles.push("list_call_requests: curl -X GET 'http://example.com/api/2.0/call_requests'");
    client.list_call_requests().send().await.unwrap();

    titles.push("list_call_requests with every filter (the spec's parameter examples)");
    client
        .list_call_requests()
        .page(1u64)
        .items_per_page(10u64)
        .sort_by(types::CallRequestSortBy::Date)
        .sort_order(types::SortOrder::Desc)
        .status(types::CallRequestStatus::New)
        .name("Vladimir")
        .phone("+7(917)111-11-11")
        .company_id(1u64)
        .order_status("P")
        .user_id(1u64)
        .order_exists(types::OrderExists::Y)
        .send()
        .await
        .unwrap();

    titles.push("get_call_request: curl -X GET 'http://example.com/api/2.0/call_requests/1'");
    client.get_call_request().id(1u64).send().await.unwrap();

    titles.push("create_call_request: -d '{\"phone\":\"+7(999)111-22-33\", \"name\":\"Api\"}'");
    client
        .create_call_request()
        .body(
            types::CallRequestInput::builder()
                .phone("+7(999)111-22-33".to_string())
                .name("Api".to_string()),
        )
        .send()
        .await
        .unwrap();

    titles.push("update_call_request: -d '{\"status\":\"no_answer\", \"notes\":\"No answer\"}'");
    client
        .update_call_request()
        .id(7u64)
        .body(
            types::CallRequestInput::builder()
                .status(types::CallRequestStatus::NoAnswer)
                .notes("No answer".to_string()),
        )
        .send()
        .await
        .unwrap();

    titles.push("delete_call_request: curl -X DELETE 'http://example.com/api/2.0/call_requests/7'");
    client.delete_call_request().id(7u64).send().await.unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), titles.len());
    let text: Vec<String> = titles
        .iter()
        .zip(&received)
        .map(|(title, request)| crate::support::wire::render(title, request))
        .collect();
    insta::assert_snapshot!("wire", text.join("\n"));
}

#[test]
fn ids_and_counters_decode_from_numbers_or_strings_into_one_type() {
    // The documented form: ids as strings, `page` as a number.
    let documented: types::CallRequestList =
        serde_json::from_value(json_fixture("cscart/list_call_requests.response.json")).unwrap();
    // The other form some stores send: ids as numbers, `page` as a string.
    let mut other = json_fixture("cscart/list_call_requests.response.json");
    for request in other["call_requests"].as_array_mut().unwrap() {
        for field in [
            "request_id",
            "company_id",
            "order_id",
            "user_id",
            "product_id",
            "timestamp",
        ] {
            let text = request[field].as_str().unwrap().to_string();
            request[field] = serde_json::json!(text.parse::<u64>().unwrap());
        }
    }
    other["params"]["page"] = serde_json::json!("1");
    other["params"]["items_per_page"] = serde_json::json!(10);
    other["params"]["total_items"] = serde_json::json!(2);
    let decoded: types::CallRequestList = serde_json::from_value(other).unwrap();
    assert_eq!(decoded, documented);
    assert_eq!(decoded.call_requests[0].request_id, "2");

    let id: types::CallRequestId =
        serde_json::from_value(serde_json::json!({"request_id": 7})).unwrap();
    assert_eq!(id.request_id, "7");
    // Anything else is still refused.
    for bad in [
        serde_json::json!({"request_id": true}),
        serde_json::json!({"request_id": null}),
        serde_json::json!({}),
    ] {
        assert!(
            serde_json::from_value::<types::CallRequestId>(bad.clone()).is_err(),
            "{bad}"
        );
    }
    let page: Result<types::CallRequestListParams, _> = serde_json::from_value(serde_json::json!({
        "items_per_page": "10", "page": "one", "sort_order": "desc", "sort_by": "date",
        "sort_order_rev": "asc", "total_items": "2"
    }));
    assert!(page.is_err(), "a non-numeric page is refused");
}

/// Ids sent as numbers or strings (`x-crm-number-or-string`): CS-Cart and Thulium mix both
/// encodings of the same id; both decode into one Rust type, and anything else (a word, a
/// fraction, a bool, an object) is still refused as `InvalidResponse`, without a panic.
mod number_or_string {
    use crate::support::operations;
    use serde_json::{Value, json};
    use wiremock::matchers::{method, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A server answering every `verb` request with `status` and `body`.
    async fn answering(verb: &str, status: u16, body: &Value) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method(verb))
            .and(path_regex(".*"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
        server
    }

    fn schema_example(api: &str, schema: &str) -> Value {
        crate::support::spec::SpecExamples::cached(api).value()["components"]["schemas"][schema]["example"].clone()
    }

    use crm_bindings::cscart::{Client, Error, types};
    use progenitor_client::ResponseValue;

    fn client(server: &MockServer) -> Client {
        Client::with_basic_auth(
            &server.uri(),
            operations::credentials("cscart").user,
            operations::credentials("cscart").password,
        )
        .unwrap()
    }

    async fn list(body: &Value) -> Result<ResponseValue<types::CallRequestList>, Error<()>> {
        let server = answering("GET", 200, body).await;
        client(&server).list_call_requests().send().await
    }

    async fn get(body: &Value) -> Result<ResponseValue<types::CallRequest>, Error<()>> {
        let server = answering("GET", 200, body).await;
        client(&server).get_call_request().id(2u64).send().await
    }

    /// The ids and the timestamp of a call request as numbers.
    fn with_numeric_ids(request: &mut Value) {
        for field in [
            "request_id",
            "company_id",
            "order_id",
            "user_id",
            "product_id",
            "timestamp",
        ] {
            let text = request[field].as_str().unwrap().to_string();
            request[field] = json!(text.parse::<u64>().unwrap());
        }
    }

    #[tokio::test]
    async fn list_with_numeric_ids_and_a_string_page_decodes_into_the_same_types() {
        let documented = schema_example("cscart", "CallRequestList");
        let mut mixed = documented.clone();
        // The first call request with numbers, the second as documented (strings).
        with_numeric_ids(&mut mixed["call_requests"][0]);
        mixed["params"]["page"] = json!("1");
        mixed["params"]["total_items"] = json!(2);
        mixed["params"]["items_per_page"] = json!(10);
        assert_eq!(mixed["call_requests"][0]["request_id"], json!(2));

        let page = list(&mixed).await.unwrap_or_else(|e| panic!("{e}"));
        let first: &String = &page.call_requests[0].request_id;
        assert_eq!(first, "2");
        assert_eq!(page.call_requests[0].timestamp, "1442933097");
        assert_eq!(page.call_requests[0].company_id, "1");
        assert_eq!(page.call_requests[0].order_id, "0");
        assert_eq!(page.call_requests[1].request_id, "1");
        assert_eq!(page.params.page, 1);
        assert_eq!(page.params.total_items, "2");
        assert_eq!(page.params.items_per_page, "10");
        let as_documented = list(&documented).await.unwrap();
        assert_eq!(*page, *as_documented, "the same value either way");
    }

    #[tokio::test]
    async fn get_with_numeric_ids_decodes_into_the_same_type() {
        let documented = schema_example("cscart", "CallRequest");
        let mut numeric = documented.clone();
        with_numeric_ids(&mut numeric);
        assert_eq!(numeric["timestamp"], json!(1442933072));

        let request = get(&numeric).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(request.request_id, "1");
        assert_eq!(request.timestamp, "1442933072");
        assert_eq!(request.user_id, "0");
        assert_eq!(*request, *get(&documented).await.unwrap());
    }

    #[tokio::test]
    async fn create_and_update_decode_a_numeric_request_id() {
        let server = answering("POST", 201, &json!({"request_id": 7})).await;
        let created = client(&server)
            .create_call_request()
            .body(types::CallRequestInput::builder().phone("+7(999)111-22-33".to_string()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(created.request_id, "7");

        let server = answering("PUT", 200, &json!({"request_id": 7})).await;
        let updated = client(&server)
            .update_call_request()
            .id(7u64)
            .body(types::CallRequestInput::default())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(*updated, *created);
    }

    /// Accepting both forms does not accept anything: what is neither a number nor a
    /// numeric string for an integer, nor a scalar for a string id, is refused.
    #[tokio::test]
    async fn other_values_are_still_invalid_responses() {
        let documented = schema_example("cscart", "CallRequestList");
        let cases: [(&str, &str, Value); 8] = [
            ("params", "page", json!("one")),
            ("params", "page", json!("1.5")),
            ("params", "page", json!(1.5)),
            ("params", "page", json!("99999999999999999999")),
            ("params", "page", json!(true)),
            ("params", "page", Value::Null),
            ("params", "total_items", json!({"n": 2})),
            ("params", "items_per_page", json!([10])),
        ];
        let mut failures = Vec::new();
        for (object, field, value) in cases {
            let mut body = documented.clone();
            body[object][field] = value.clone();
            match list(&body).await {
                Err(Error::InvalidResponse(failure)) => {
                    assert_eq!(failure.operation, "list_call_requests");
                    assert_eq!(failure.status, 200);
                }
                other => failures.push(format!("{field}: {value} gave {other:?}")),
            }
        }
        for value in [json!(true), json!({"id": 2}), json!([2]), Value::Null] {
            let mut body = schema_example("cscart", "CallRequest");
            body["request_id"] = value.clone();
            match get(&body).await {
                Err(Error::InvalidResponse(_)) => {}
                other => failures.push(format!("request_id: {value} gave {other:?}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// Found by `seed-huge-numbers.json`: an id sent as a JSON number beyond `u64`/`i64` decodes
/// (through `x-crm-number-or-string`) into the f64 text of a *different* number, e.g.
/// `18446744073709551616` becomes `"1.8446744073709552e+19"`. The decoded id must be the
/// server's digits or an error, never another id.
#[tokio::test]
async fn number_or_string_keeps_or_refuses_an_id_beyond_u64() {
    use crm_bindings::cscart::{Client, types};
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    for digits in ["18446744073709551616", "-9223372036854775809"] {
        server.reset().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_raw(format!(r#"{{"request_id":{digits}}}"#), "application/json"),
            )
            .mount(&server)
            .await;
        let created = Client::with_basic_auth(&server.uri(), EMAIL, API_KEY)
            .unwrap()
            .create_call_request()
            .body(types::CallRequestInput::builder().phone("+7(999)111-22-33".to_string()))
            .send()
            .await;
        match created {
            Ok(created) => assert_eq!(created.request_id, digits, "the id was altered"),
            Err(err) => assert_eq!(err.status().map(|s| s.as_u16()), Some(201), "{err}"),
        }
    }
}

/// An undocumented enum value in an answer (made up here) decodes, is kept and round-trips;
/// a user cannot make one up (`tests/suite/enums.rs` checks every enum of every API).
mod unknown_values {
    use crate::support::json_fixture;
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crm_bindings::cscart::{Client, types};

    fn client(server: &MockServer) -> Client {
        Client::with_basic_auth(
            &format!("{}/api/2.0", server.uri()),
            "admin@example.com",
            "api-key",
        )
        .unwrap()
    }

    #[tokio::test]
    async fn a_list_with_undocumented_statuses_and_sort_values_decodes_and_round_trips() {
        // Seed 001's list, with one made-up value per enum the answer carries.
        let mut answer = json_fixture("cscart/list_call_requests.response.json");
        answer["call_requests"][1]["status"] = json!("callback_later");
        answer["params"]["sort_by"] = json!("relevance");
        answer["params"]["sort_order"] = json!("random");
        answer["params"]["sort_order_rev"] = json!("sideways");
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/2.0/call_requests"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/api/2.0/call_requests/1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"request_id": "1"})))
            .mount(&server)
            .await;
        let client = client(&server);

        let page = client.list_call_requests().send().await.unwrap();
        // Nothing else about the answer is lost.
        assert_eq!(page.call_requests.len(), 2);
        assert_eq!(page.call_requests[0].status, types::CallRequestStatus::New);
        assert_eq!(page.call_requests[1].name, "Vladimir");
        assert_eq!(page.params.total_items, "2");
        let status = &page.call_requests[1].status;
        assert!(status.is_unknown());
        assert_eq!(status.to_string(), "callback_later");
        assert!(
            matches!(status, types::CallRequestStatus::Unknown(raw) if raw.as_str() == "callback_later")
        );
        assert_eq!(page.params.sort_by.as_str(), "relevance");
        assert_eq!(page.params.sort_order.to_string(), "random");
        assert_eq!(page.params.sort_order_rev.as_str(), "sideways");

        // Sent back (as a filter, and in a body), the raw values travel unchanged.
        client
            .list_call_requests()
            .status(status.clone())
            .sort_by(page.params.sort_by.clone())
            .sort_order(page.params.sort_order.clone())
            .send()
            .await
            .unwrap();
        client
            .update_call_request()
            .id(1u64)
            .body(types::CallRequestInput::builder().status(status.clone()))
            .send()
            .await
            .unwrap();
        let sent = server.received_requests().await.unwrap();
        assert_eq!(
            sent[1].url.query(),
            Some("sort_by=relevance&sort_order=random&status=callback_later")
        );
        let body: serde_json::Value = serde_json::from_slice(&sent[2].body).unwrap();
        assert_eq!(body, json!({ "status": "callback_later" }));
    }

    #[test]
    fn users_cannot_make_up_a_value() {
        assert!(
            "callback_later"
                .parse::<types::CallRequestStatus>()
                .is_err()
        );
        assert!(types::CallRequestSortBy::try_from("relevance").is_err());
        assert!("random".parse::<types::SortOrder>().is_err());
        assert_eq!(
            "maybe"
                .parse::<types::OrderExists>()
                .unwrap_err()
                .to_string(),
            "OrderExists must be `Y` or `N` (got \"maybe\")"
        );
        let err = crm_bindings::from_json::<types::CallRequestInput>(
            json!({ "phone": "1", "status": "callback_later" }),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`status`: CallRequestStatus must be `new`, `in_progress`, `completed` or `no_answer` (got \"callback_later\")"
        );
        // `order_exists` is a filter only (never in an answer): still lenient when decoded.
        let decoded: types::OrderExists = serde_json::from_value(json!("M")).unwrap();
        assert_eq!(decoded.as_str(), "M");
    }
}
