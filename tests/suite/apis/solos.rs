//! solOS CRM projects against a wiremock server built from seed 004's examples: each of the
//! docs' nine curl examples, sent through the typed client with the same values, produces
//! exactly the documented request (method, path, query, both crypto headers, JSON body);
//! responses are free-form JSON objects; string flags and encoded values are typed; and
//! invalid input never leaves the client.
//!
//! The seed shows NO response bodies, so the documented requests are answered with `{}`
//! (the generated `mock::mount_examples` answers `{}`); decoding is tested with made-up objects instead.
#![cfg(feature = "solos")]

use crate::support::json_fixture;
use crate::support::matchers::standard_headers_only;
use chrono::NaiveDate;
use crm_bindings::solos::mock::{OPERATIONS, mount_examples};
use crm_bindings::solos::{Client, Error, types};
use serde_json::{Map, Value, json};

/// The docs' `/backend/public` root on the mock server.
fn base_url(server: &MockServer) -> String {
    format!("{}/backend/public", server.uri())
}

/// `200 {}`: the docs show no response body, and `{}` invents nothing.
fn empty_object() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string("{}")
}
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "solos-test-token-4b1d";
const SECRET: &str = "solos-test-secret-8c2e";

fn client(server: &MockServer) -> Client {
    Client::with_keys(&base_url(server), TOKEN, SECRET).unwrap()
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// What every operation answers, as the free-form object it is.
type Answer = Result<Map<String, Value>, Error>;

/// The seed's curl example for `operation` (`tests/fixtures/solos/curl_examples.json`,
/// extracted from the seed by script): method, path and query pairs in the docs' order.
struct Documented {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    curl_url: String,
}

fn documented(operation: &str) -> Documented {
    let examples = json_fixture("solos/curl_examples.json");
    let example = &examples[operation];
    let curl_url = example["url"].as_str().unwrap().to_string();
    let url = reqwest::Url::parse(&curl_url.replace("{YOUR_CRM_URL}", "crm.example.com")).unwrap();
    Documented {
        method: example["method"].as_str().unwrap().to_string(),
        path: url.path().to_string(),
        query: url.query_pairs().into_owned().collect(),
        curl_url,
    }
}

/// The seed's `--data-raw` body of the project filter, verbatim.
fn documented_filter_body() -> Value {
    json_fixture("solos/filter_projects.request.json")
}

/// Mounts a mock that accepts the documented request of `operation` (method, path, every
/// documented query parameter, both crypto headers exactly, standard headers) exactly once.
fn documented_mock(operation: &str) -> wiremock::MockBuilder {
    let documented = documented(operation);
    let mut mock = Mock::given(method(documented.method.as_str()))
        .and(path(documented.path.as_str()))
        .and(header("x-crypto-token", TOKEN))
        .and(header("x-crypto-secret", SECRET))
        .and(header("accept", "application/json"))
        .and(header(
            "user-agent",
            concat!("crm-bindings/", env!("CARGO_PKG_VERSION")),
        ))
        .and(standard_headers_only);
    for (name, value) in documented.query {
        mock = mock.and(query_param(name, value));
    }
    mock
}

/// The one request the server received carried the documented query parameters and no
/// others (same multiset of pairs), and a GET carried no body.
async fn assert_exactly_the_documented_query(server: &MockServer, operation: &str) {
    let documented = documented(operation);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "{operation}: one request");
    let mut sent: Vec<(String, String)> = received[0].url.query_pairs().into_owned().collect();
    let mut expected = documented.query.clone();
    sent.sort();
    expected.sort();
    assert_eq!(
        sent, expected,
        "{operation}: no extra or missing parameters"
    );
    if documented.method == "GET" {
        assert!(
            received[0].body.is_empty(),
            "{operation}: a GET has no body"
        );
    }
}

/// Sends `operation`'s curl example through `call` and checks the server saw exactly it.
async fn check_documented_example(operation: &str, call: impl AsyncFnOnce(&Client) -> Answer) {
    let server = MockServer::start().await;
    documented_mock(operation)
        // The docs show no response body: the documented request is answered with `{}`.
        .respond_with(empty_object())
        .expect(1)
        .mount(&server)
        .await;

    let answer = call(&client(&server)).await.unwrap();

    assert!(answer.is_empty(), "{operation}: {answer:?}");
    assert_exactly_the_documented_query(&server, operation).await;
}

// The nine curl examples of the seed, with the seed's values, through the typed client.

async fn list_projects_example(client: &Client) -> Answer {
    // ?count=100&offset=0&order_by=id&reverse=0&deleted=0
    let response = client
        .list_projects()
        .count(100u64)
        .offset(0u64)
        .order_by("id")
        .reverse(types::SortReverse::Ascending)
        .deleted(types::DeletedFlag::Active)
        .send()
        .await?;
    Ok(response.into_inner().0)
}

/// The seed's filter body, built from the typed structs, enums and helpers.
fn documented_filter() -> types::ProjectFilter {
    let mut dynamic = Map::new();
    dynamic.insert("client_id".into(), json!([1, 3]));
    dynamic.insert("contract_date".into(), json!("2020-01-01"));
    let builtin_data: types::ProjectFilterBuiltinData = types::ProjectFilterBuiltinData::builder()
        .created(types::DateRange::new(day(2020, 1, 1), day(2020, 12, 31)).unwrap())
        .sales_funnel_id(vec![1, 2])
        .step_id(vec![1, 2, 3, 4, 5])
        .user_id(vec![2, 4, 6, 8])
        .group_id(vec![1, 2, 3])
        .price(100)
        .currency_id(vec![1, 2, 3])
        .participants_user_id(vec![1, 2, 4, 5, 7, 8])
        .participants_group_id(vec![1, 2, 4, 5, 7, 8])
        .actions_type_id(vec![1, 2, 3])
        .good_id(vec![10, 11, 12])
        .try_into()
        .unwrap();
    types::ProjectFilter::builder()
        .count(100)
        .offset(0)
        .order_by("id".to_string())
        .reverse(types::SortReverse::Ascending)
        .deleted(types::DeletedFlag::Active)
        .condition(types::FilterCondition::And)
        .having(types::ProjectHaving::ChecklistsExpired)
        .buildin_data(builtin_data)
        .data(types::ProjectFilterDynamicData(dynamic))
        .try_into()
        .unwrap()
}

async fn filter_projects_example(client: &Client) -> Answer {
    let response = client
        .filter_projects()
        .body(documented_filter())
        .send()
        .await?;
    Ok(response.into_inner().0)
}

async fn get_project_example(client: &Client) -> Answer {
    // ?id=1
    let response = client.get_project().id(1u64).send().await?;
    Ok(response.into_inner().0)
}

async fn list_project_steps_example(client: &Client) -> Answer {
    // ?id=1&filter_date=2021-05-21&filter_steps=1_2_3_4_5
    let response = client
        .list_project_steps()
        .id(1u64)
        .filter_date(day(2021, 5, 21))
        .filter_steps(types::UnderscoreIdList::from_ids([1, 2, 3, 4, 5]).unwrap())
        .send()
        .await?;
    Ok(response.into_inner().0)
}

async fn list_project_actions_example(client: &Client) -> Answer {
    // ?id=1&count=100&offset=0&filter_id=1&filter_date=2021-05-21&filter_actions=1_2_3_4_5
    let response = client
        .list_project_actions()
        .id(1u64)
        .count(100u64)
        .offset(0u64)
        .filter_id(1u64)
        .filter_date(day(2021, 5, 21))
        .filter_actions(types::UnderscoreIdList::from_ids([1, 2, 3, 4, 5]).unwrap())
        .send()
        .await?;
    Ok(response.into_inner().0)
}

async fn get_project_action_example(client: &Client) -> Answer {
    // ?id=1 (the event's id)
    let response = client.get_project_action().id(1u64).send().await?;
    Ok(response.into_inner().0)
}

async fn list_project_checklists_example(client: &Client) -> Answer {
    // ?id=1
    let response = client.list_project_checklists().id(1u64).send().await?;
    Ok(response.into_inner().0)
}

async fn list_project_goods_example(client: &Client) -> Answer {
    // ?id=1
    let response = client.list_project_goods().id(1u64).send().await?;
    Ok(response.into_inner().0)
}

async fn list_project_payments_example(client: &Client) -> Answer {
    // ?id=1&count=100&offset=0&filter_id=1&filter_date=2021-05-21&filter_type=1
    let response = client
        .list_project_payments()
        .id(1u64)
        .count(100u64)
        .offset(0u64)
        .filter_id(1u64)
        .filter_date(day(2021, 5, 21))
        .filter_type(types::PaymentType::Receipt)
        .send()
        .await?;
    Ok(response.into_inner().0)
}

/// Every operation with its seed example, in the seed's order.
async fn every_documented_example(client: &Client) -> Vec<(&'static str, Answer)> {
    vec![
        ("list_projects", list_projects_example(client).await),
        ("filter_projects", filter_projects_example(client).await),
        ("get_project", get_project_example(client).await),
        (
            "list_project_steps",
            list_project_steps_example(client).await,
        ),
        (
            "list_project_actions",
            list_project_actions_example(client).await,
        ),
        (
            "get_project_action",
            get_project_action_example(client).await,
        ),
        (
            "list_project_checklists",
            list_project_checklists_example(client).await,
        ),
        (
            "list_project_goods",
            list_project_goods_example(client).await,
        ),
        (
            "list_project_payments",
            list_project_payments_example(client).await,
        ),
    ]
}

#[tokio::test]
async fn list_projects_sends_the_documented_request() {
    check_documented_example("list_projects", list_projects_example).await;
}

#[tokio::test]
async fn get_project_sends_the_documented_request() {
    check_documented_example("get_project", get_project_example).await;
}

#[tokio::test]
async fn list_project_steps_sends_the_documented_request() {
    check_documented_example("list_project_steps", list_project_steps_example).await;
}

#[tokio::test]
async fn list_project_actions_sends_the_documented_request() {
    check_documented_example("list_project_actions", list_project_actions_example).await;
}

#[tokio::test]
async fn get_project_action_sends_the_documented_request() {
    check_documented_example("get_project_action", get_project_action_example).await;
}

#[tokio::test]
async fn list_project_checklists_sends_the_documented_request() {
    check_documented_example("list_project_checklists", list_project_checklists_example).await;
}

#[tokio::test]
async fn list_project_goods_sends_the_documented_request() {
    check_documented_example("list_project_goods", list_project_goods_example).await;
}

#[tokio::test]
async fn list_project_payments_sends_the_documented_request() {
    check_documented_example("list_project_payments", list_project_payments_example).await;
}

#[tokio::test]
async fn filter_projects_sends_the_documented_body_exactly() {
    let server = MockServer::start().await;
    documented_mock("filter_projects")
        .and(header("content-type", "application/json"))
        .and(body_json(documented_filter_body()))
        .respond_with(empty_object())
        .expect(1)
        .mount(&server)
        .await;

    filter_projects_example(&client(&server)).await.unwrap();
    assert_exactly_the_documented_query(&server, "filter_projects").await;
}

#[tokio::test]
async fn string_flags_go_out_as_json_strings() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    filter_projects_example(&client(&server)).await.unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    let text = String::from_utf8_lossy(&sent.body);
    assert!(
        text.contains(r#""reverse":"0""#),
        "flags are JSON strings: {text}"
    );
    assert!(
        text.contains(r#""price":100,"#),
        "price is the seed's whole number: {text}"
    );
}

#[test]
fn a_parsed_date_range_checks_shape_and_ranges_and_new_checks_the_calendar() {
    for bad in [
        "2020-13-01;2020-12-31",
        "2020-01-45;2020-12-31",
        "2020-01-01;2020-00-10",
    ] {
        assert!(bad.parse::<types::DateRange>().is_err(), "{bad:?} accepted");
    }
    // A reversed range has the documented shape (the docs do not forbid it), so parsing
    // accepts it; the typed constructor refuses it, and `bounds()` shows the order.
    let reversed: types::DateRange = "2020-12-31;2020-01-01".parse().unwrap();
    let (from, to) = reversed.bounds().unwrap();
    assert!(from > to);
    assert!(types::DateRange::new(from, to).is_err());
    // The calendar is checked by `bounds()`, not by the pattern.
    let impossible: types::DateRange = "2021-02-31;2021-03-01".parse().unwrap();
    let error = impossible.bounds().unwrap_err().to_string();
    // The message quotes the range as sent (the seed's `created` format, `from;to`).
    assert!(
        error.contains("date range `2021-02-31;2021-03-01`"),
        "{error}"
    );
    assert_eq!(reversed.as_str(), "2020-12-31;2020-01-01");
}

#[tokio::test]
async fn underscore_id_lists_encode_ids_and_refuse_bad_lists_before_sending() {
    let list = types::UnderscoreIdList::from_ids([1, 2, 3]).unwrap();
    assert_eq!(list.as_str(), "1_2_3");
    assert_eq!(list.ids().unwrap(), [1, 2, 3]);
    assert_eq!(
        types::UnderscoreIdList::from_ids([7]).unwrap().as_str(),
        "7"
    );
    let parsed: types::UnderscoreIdList = "1_2_3_4_5".parse().unwrap();
    assert_eq!(parsed.ids().unwrap(), [1, 2, 3, 4, 5]);
    let empty = types::UnderscoreIdList::from_ids(Vec::new()).unwrap_err();
    assert!(empty.to_string().contains("at least one"), "{empty}");

    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);
    let bad_lists = ["1,2", "_1", "1__2", "", "1_", "1 2", "a_b", "-1"];
    for bad in bad_lists {
        assert!(bad.parse::<types::UnderscoreIdList>().is_err(), "{bad:?}");
        let err = client
            .list_project_steps()
            .id(1u64)
            .filter_steps(bad)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { message: m, .. } if m.contains("filter_steps")),
            "{err:?}"
        );
        let err = client
            .list_project_actions()
            .id(1u64)
            .filter_actions(bad)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { message: m, .. } if m.contains("filter_actions")),
            "{err:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // A valid list given as text is sent as it is.
    client
        .list_project_steps()
        .id(1u64)
        .filter_steps("7")
        .send()
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.query(), Some("filter_steps=7&id=1"));
}

#[test]
fn ids_reports_an_id_too_large_instead_of_dropping_it() {
    let list: types::UnderscoreIdList = "1_99999999999999999999".parse().unwrap();
    let err = list.ids().unwrap_err();
    assert!(err.to_string().contains("99999999999999999999"), "{err}");
}

#[tokio::test]
async fn a_zero_or_missing_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let c = client(&server);

    let zero = [
        ("get_project", c.get_project().id(0u64).send().await.err()),
        (
            "list_project_steps",
            c.list_project_steps()
                .id(0u64)
                .filter_steps("1_2")
                .send()
                .await
                .err(),
        ),
        (
            "list_project_actions",
            c.list_project_actions()
                .id(0u64)
                .count(100u64)
                .send()
                .await
                .err(),
        ),
        (
            "get_project_action",
            c.get_project_action().id(0u64).send().await.err(),
        ),
        (
            "list_project_checklists",
            c.list_project_checklists().id(0u64).send().await.err(),
        ),
        (
            "list_project_goods",
            c.list_project_goods().id(0u64).send().await.err(),
        ),
        (
            "list_project_payments",
            c.list_project_payments()
                .id(0u64)
                .filter_type(types::PaymentType::Receipt)
                .send()
                .await
                .err(),
        ),
    ];
    for (operation, err) in zero {
        let err = err.unwrap_or_else(|| panic!("{operation}: id 0 was accepted"));
        assert!(matches!(&err, Error::InvalidRequest { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("{operation}: id must be at least 1 (got 0); nothing was sent")
        );
    }

    let missing = [
        ("get_project", c.get_project().send().await.err()),
        (
            "list_project_steps",
            c.list_project_steps()
                .filter_date(day(2021, 5, 21))
                .send()
                .await
                .err(),
        ),
        (
            "list_project_actions",
            c.list_project_actions().count(100u64).send().await.err(),
        ),
        (
            "get_project_action",
            c.get_project_action().send().await.err(),
        ),
        (
            "list_project_checklists",
            c.list_project_checklists().send().await.err(),
        ),
        (
            "list_project_goods",
            c.list_project_goods().send().await.err(),
        ),
        (
            "list_project_payments",
            c.list_project_payments().count(100u64).send().await.err(),
        ),
    ];
    for (operation, err) in missing {
        let err = err.unwrap_or_else(|| panic!("{operation}: a missing id was accepted"));
        assert!(matches!(&err, Error::InvalidRequest { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("{operation}: id is required (not set); nothing was sent")
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // The smallest valid id is sent.
    c.get_project().id(1u64).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn negative_counts_offsets_and_filter_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let c = client(&server);

    let errors = [
        (
            c.list_projects().count(-1i64).send().await.err(),
            "list_projects: count must be at least 0 (got -1)",
        ),
        (
            c.list_projects().offset(-100i64).send().await.err(),
            "list_projects: offset must be at least 0 (got -100)",
        ),
        (
            c.list_project_actions()
                .id(1u64)
                .count(-1i32)
                .send()
                .await
                .err(),
            "list_project_actions: count must be at least 0 (got -1)",
        ),
        (
            c.list_project_actions()
                .id(1u64)
                .filter_id(-1i64)
                .send()
                .await
                .err(),
            "list_project_actions: filter_id must be at least 0 (got -1)",
        ),
        (
            c.list_project_payments()
                .id(1u64)
                .offset(-1i64)
                .send()
                .await
                .err(),
            "list_project_payments: offset must be at least 0 (got -1)",
        ),
        (
            c.list_project_payments()
                .id(1u64)
                .filter_id(-5i64)
                .send()
                .await
                .err(),
            "list_project_payments: filter_id must be at least 0 (got -5)",
        ),
    ];
    for (err, expected) in errors {
        let err = err.expect("a negative value was accepted");
        assert!(matches!(&err, Error::InvalidRequest { .. }), "{err:?}");
        assert_eq!(err.to_string(), format!("{expected}; nothing was sent"));
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // Zero is the documented minimum and is sent.
    c.list_projects()
        .count(0u64)
        .offset(0u64)
        .send()
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.query(), Some("count=0&offset=0"));
}

#[test]
fn invalid_filter_bodies_are_refused() {
    let good = json!({ "reverse": "1", "condition": "or", "having": "no_goods", "count": 0 });
    serde_json::from_value::<types::ProjectFilter>(good).unwrap();
    for bad in [
        json!({ "reverse": 0 }),
        json!({ "reverse": "2" }),
        json!({ "deleted": "yes" }),
        json!({ "condition": "AND" }),
        json!({ "having": "sometimes" }),
        json!({ "count": -1 }),
        json!({ "offset": 1.5 }),
        json!({ "buildin_data": { "step_id": ["1"] } }),
        json!({ "buildin_data": { "user_id": [-2] } }),
        json!({ "buildin_data": { "price": "100" } }),
        json!({ "data": [1, 3] }),
    ] {
        // `from_json` builds bodies from input: undocumented enum values are refused there.
        assert!(
            crm_bindings::from_json::<types::ProjectFilter>(bad.clone()).is_err(),
            "{bad} accepted"
        );
    }
}

#[tokio::test]
async fn every_operation_decodes_a_free_form_object() {
    // The docs show no response body: any JSON object is a valid answer.
    let server = MockServer::start().await;
    let answer = json!({
        "id": 1,
        "title": "Проект",
        "price": 100.5,
        "steps": [{ "id": 1 }, { "id": 2 }],
        "data": { "client_id": [1, 3], "contract_date": "2020-01-01" },
        "deleted": null
    });
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .mount(&server)
        .await;

    let results = every_documented_example(&client(&server)).await;

    assert_eq!(results.len(), OPERATIONS.len());
    for (operation, result) in results {
        let object = result.unwrap_or_else(|e| panic!("{operation}: {e:?}"));
        assert_eq!(Value::Object(object.clone()), answer, "{operation}");
        assert_eq!(object["title"], "Проект");
        assert_eq!(object["data"]["client_id"], json!([1, 3]));
    }
    let received = server.received_requests().await.unwrap();
    let mut routes: Vec<(String, String)> = received
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_string()))
        .collect();
    routes.sort();
    // Every operation of the spec, under the docs' root.
    let mut expected: Vec<(String, String)> = OPERATIONS
        .iter()
        .map(|op| (op.method.to_string(), format!("/backend/public{}", op.path)))
        .collect();
    expected.sort();
    assert_eq!(routes, expected);
}

#[tokio::test]
async fn mount_examples_answers_every_documented_request_with_an_empty_object() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    for (operation, result) in every_documented_example(&client(&server)).await {
        let object = result.unwrap_or_else(|e| panic!("{operation}: {e:?}"));
        assert!(object.is_empty(), "{operation}: {object:?}");
    }
}

#[tokio::test]
async fn a_json_array_or_scalar_answer_is_an_error_not_a_panic() {
    for body in [json!([{ "id": 1 }]), json!([]), json!("ok"), json!(null)] {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200).set_body_json(&body))
            .mount(&server)
            .await;
        for (operation, result) in every_documented_example(&client(&server)).await {
            let err = result.expect_err(operation);
            assert!(
                matches!(err, Error::InvalidResponse(_)),
                "{operation} with {body}: {err:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_error_status_is_an_unexpected_response() {
    // The docs declare no error responses: any non-200 status is `UnexpectedResponse`.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({ "error": "denied" })))
        .mount(&server)
        .await;

    for (operation, result) in every_documented_example(&client(&server)).await {
        let err = result.expect_err(operation);
        assert_eq!(err.status(), Some(reqwest::StatusCode::FORBIDDEN));
        assert!(
            matches!(err, Error::UnexpectedResponse(_)),
            "{operation}: {err:?}"
        );
    }
}

/// Every documented example request exactly as the typed client sends it (method, path and
/// query, headers with secrets masked, body): a spec edit that changes the wire shows here.
#[tokio::test]
async fn wire() {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    let client = Client::with_keys(&base_url(&server), "wire-token", "wire-secret").unwrap();

    let results = every_documented_example(&client).await;
    let titles: Vec<String> = results
        .iter()
        .map(|(operation, result)| {
            assert!(result.is_ok(), "{operation}: {result:?}");
            let documented = documented(operation);
            format!(
                "{operation}: curl --request {} '{}'",
                documented.method, documented.curl_url
            )
        })
        .collect();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), titles.len());
    let text: Vec<String> = titles
        .iter()
        .zip(&received)
        .map(|(title, request)| crate::support::wire::render(title, request))
        .collect();
    insta::assert_snapshot!("wire", text.join("\n"));
}

/// An undocumented enum value in an answer (made up here) decodes, is kept and round-trips;
/// a user cannot make one up (`tests/suite/enums.rs` checks every enum of every API).
mod unknown_values {
    use serde_json::json;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crm_bindings::solos::{Client, types};

    /// solOS answers are free-form objects, so no enum comes from the server; a value
    /// decoded leniently (a stored filter, say) is still sent back unchanged.
    #[tokio::test]
    async fn undocumented_flags_decode_and_are_sent_back_unchanged() {
        let reverse: types::SortReverse = serde_json::from_value(json!("2")).unwrap();
        let deleted: types::DeletedFlag = serde_json::from_value(json!("all")).unwrap();
        let condition: types::FilterCondition = serde_json::from_value(json!("xor")).unwrap();
        let having: types::ProjectHaving = serde_json::from_value(json!("files")).unwrap();
        let payment: types::PaymentType = serde_json::from_value(json!("2")).unwrap();
        for (value, raw) in [
            (reverse.to_string(), "2"),
            (deleted.to_string(), "all"),
            (condition.to_string(), "xor"),
            (having.to_string(), "files"),
            (payment.to_string(), "2"),
        ] {
            assert_eq!(value, raw);
        }
        assert!(reverse.is_unknown() && deleted.is_unknown() && condition.is_unknown());
        assert!(having.is_unknown() && payment.is_unknown());

        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        let client = Client::with_keys(&server.uri(), "token", "secret").unwrap();
        client
            .filter_projects()
            .body(
                types::ProjectFilter::builder()
                    .reverse(reverse.clone())
                    .deleted(deleted.clone())
                    .condition(condition)
                    .having(having),
            )
            .send()
            .await
            .unwrap();
        client
            .list_project_payments()
            .id(1u64)
            .filter_type(payment)
            .send()
            .await
            .unwrap();
        let sent = server.received_requests().await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
        assert_eq!(
            body,
            json!({ "reverse": "2", "deleted": "all", "condition": "xor", "having": "files" })
        );
        assert_eq!(sent[1].url.query(), Some("filter_type=2&id=1"));
    }

    #[test]
    fn users_cannot_make_up_a_value() {
        assert!("2".parse::<types::SortReverse>().is_err());
        assert!("all".parse::<types::DeletedFlag>().is_err());
        assert!("xor".parse::<types::FilterCondition>().is_err());
        assert!("files".parse::<types::ProjectHaving>().is_err());
        assert!("2".parse::<types::PaymentType>().is_err());
        let err = crm_bindings::from_json::<types::ProjectFilter>(json!({ "having": "files" }))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`having`: ProjectHaving must be `actions`"),
            "{err}"
        );
    }
}
