//! Thulium CRM-fed outbound campaign records against a wiremock server built from seed 003's
//! examples: the documented `PUT` goes out exactly as documented (bar the status id's JSON
//! type, see below), the empty `200` is a success, Thulium's error object is typed, and
//! invalid input never leaves the client.
#![cfg(feature = "thulium")]

use crate::support::json_fixture;
use crate::support::matchers::{no_query, standard_headers_only};
use crm_bindings::thulium::mock::mount_examples;
use crm_bindings::thulium::{Client, Error, types};
use std::num::NonZeroU64;

use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The docs' `/api` root on the mock server.
fn base_url(server: &MockServer) -> String {
    format!("{}/api", server.uri())
}

/// The documentation's API user (`curl -u api_user:api_pass`).
const USER: &str = "api_user";
const PASSWORD: &str = "api_pass";
/// `Authorization: Basic base64("api_user:api_pass")`, spelled out.
const AUTHORIZATION: &str = "Basic YXBpX3VzZXI6YXBpX3Bhc3M=";
const RECORD_PATH: &str = "/api/crm_outbounds/00001/records/441";

fn client(server: &MockServer) -> Client {
    Client::with_basic_auth(&base_url(server), USER, PASSWORD).unwrap()
}

fn campaign() -> types::CampaignId {
    "00001".parse().unwrap()
}

fn id(value: u64) -> NonZeroU64 {
    NonZeroU64::new(value).unwrap()
}

/// The seed's request, typed: `{"status_id":"3"}` (see `the_seed_sends_...` for the "3").
fn seed_body() -> types::OutboundRecordUpdate {
    types::OutboundRecordUpdate::builder()
        .status_id(id(3))
        .try_into()
        .unwrap()
}

/// The spec's `OutboundRecordUpdate` example: every field, with the seed's example values.
fn spec_example_json() -> serde_json::Value {
    serde_json::json!({
        "status_id": 8,
        "dictionary_status_id": 8,
        "agent_login": "j.doe",
        "next_call_date": "2018-05-24 12:24",
        "order": 50
    })
}

fn every_field_body() -> types::OutboundRecordUpdate {
    types::OutboundRecordUpdate::builder()
        .status_id(id(8))
        .dictionary_status_id(id(8))
        .agent_login("j.doe".to_string())
        .next_call_date("2018-05-24 12:24".parse::<types::NextCallDate>().unwrap())
        .order(50)
        .try_into()
        .unwrap()
}

/// The spec's `ThuliumError` example (Thulium's general error-handling documentation).
fn thulium_error_json() -> serde_json::Value {
    serde_json::json!({
        "request_id": "53678450401cf",
        "errors": [
            { "message": "Wrong format of phone number.", "code": 111111 },
            { "message": "Duplicated customer name.", "code": 222222 }
        ]
    })
}

#[test]
fn the_spelled_out_authorization_is_base64_of_the_documented_user_and_password() {
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    assert_eq!(AUTHORIZATION, format!("Basic {token}"));
}

#[tokio::test]
async fn update_sends_the_documented_request_and_succeeds_on_an_empty_200() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(RECORD_PATH))
        .and(no_query)
        .and(header("authorization", AUTHORIZATION))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(header(
            "user-agent",
            concat!("crm-bindings/", env!("CARGO_PKG_VERSION")),
        ))
        .and(standard_headers_only)
        // The seed's `{"status_id":"3"}` with the id as a number (the typed client's form).
        .and(body_json(serde_json::json!({ "status_id": 3 })))
        // The documented answer: 200, empty body, no content-type at all.
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(seed_body())
        .send()
        .await
        .unwrap();

    assert_eq!(updated.status(), 200);
    assert!(!updated.headers().contains_key("content-type"));
    let () = updated.into_inner();
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.body, br#"{"status_id":3}"#);
}

#[tokio::test]
async fn the_seed_sends_the_status_id_as_a_string_the_typed_client_as_a_number() {
    // The seed's example body is `{"status_id":"3"}` (a numeric string); the spec types the
    // id as an integer and says the service accepts both. The fixture stays verbatim.
    let documented = json_fixture("thulium/update_outbound_record.request.json");
    let typed = serde_json::to_value(seed_body()).unwrap();

    assert_eq!(documented, serde_json::json!({ "status_id": "3" }));
    assert_eq!(typed, serde_json::json!({ "status_id": 3 }));
    assert_ne!(
        documented, typed,
        "the wire form differs in the JSON type only"
    );
    assert_eq!(
        documented["status_id"].as_str().unwrap(),
        typed["status_id"].as_u64().unwrap().to_string(),
        "same status id"
    );
    // Same keys, nothing else in either body.
    assert_eq!(
        documented.as_object().unwrap().keys().collect::<Vec<_>>(),
        typed.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    // The typed body reads the number form only.
    assert!(serde_json::from_value::<types::OutboundRecordUpdate>(documented).is_err());
    assert_eq!(
        serde_json::from_value::<types::OutboundRecordUpdate>(typed).unwrap(),
        seed_body()
    );
}

#[tokio::test]
async fn every_body_field_is_sent_exactly_as_the_spec_example() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(RECORD_PATH))
        .and(header("authorization", AUTHORIZATION))
        .and(body_json(spec_example_json()))
        .and(standard_headers_only)
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(every_field_body())
        .send()
        .await
        .unwrap();

    assert_eq!(updated.status(), 200);
    let typed: types::OutboundRecordUpdate = serde_json::from_value(spec_example_json()).unwrap();
    assert_eq!(typed, every_field_body());
}

#[tokio::test]
async fn the_body_builder_sends_the_same_body() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(RECORD_PATH))
        .and(body_json(spec_example_json()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .update_outbound_record()
        .id("00001")
        .customer_id(441u64)
        .body_map(|body| {
            body.status_id(NonZeroU64::new(8))
                .dictionary_status_id(NonZeroU64::new(8))
                .agent_login("j.doe".to_string())
                .next_call_date("2018-05-24 12:24".parse::<types::NextCallDate>().unwrap())
                .order(50)
        })
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_body_is_sent_with_the_content_type_the_docs_state() {
    let docs: String = include_str!("../../../crates/thulium/src/generated.rs")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(docs.contains("sends `Content-Type: application/json` (this client does the same"));
    let server = MockServer::start().await;
    mount_examples(&server).await;
    client(&server)
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(seed_body())
        .send()
        .await
        .unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.headers["content-type"], "application/json");
}

#[tokio::test]
async fn fields_left_out_are_not_sent() {
    // "Fields left out keep their value": an update without a body sends `{}`, never nulls.
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(RECORD_PATH))
        .and(body_json(serde_json::json!({})))
        .respond_with(ResponseTemplate::new(200))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);

    client
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .send()
        .await
        .unwrap();
    client
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(types::OutboundRecordUpdate::default())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn success_is_any_200_with_or_without_a_content_type() {
    for response in [
        ResponseTemplate::new(200),
        ResponseTemplate::new(200).insert_header("content-type", "application/json"),
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .set_body_string("{}"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        let updated = client(&server)
            .update_outbound_record()
            .id(campaign())
            .customer_id(441u64)
            .body(seed_body())
            .send()
            .await
            .unwrap();
        assert_eq!(updated.status(), 200);
    }
}

#[tokio::test]
async fn system_status_rules_are_documented_not_enforced() {
    // MY_RECORD needs agent_login + next_call_date, CALL_NO_SOONER_THAN needs next_call_date:
    // the client cannot know a status id's system status, so the rules live in the docs.
    let docs: String = include_str!("../../../crates/thulium/src/generated.rs")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for rule in [
        "is `MY_RECORD` (\"Mój rekord\", my record) requires `agent_login` and `next_call_date`",
        "is `CALL_NO_SOONER_THAN` (\"Kontakt nie wcześniej niż\", call no sooner than) requires `next_call_date`",
        "`MY_RECORD` statuses need `agent_login` and `next_call_date`; `CALL_NO_SOONER_THAN` statuses need `next_call_date`",
        "Required for the system status `MY_RECORD`",
        "Required for the system statuses `MY_RECORD` and `CALL_NO_SOONER_THAN`",
    ] {
        assert!(docs.contains(rule), "missing from the rustdoc: {rule}");
    }
    assert!(crm_bindings::thulium::rules::REQUIRED_ONE_OF.is_empty());

    // A status without agent_login or next_call_date goes out as given.
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);
    for body in [
        seed_body(),
        types::OutboundRecordUpdate::builder()
            .status_id(id(8))
            .agent_login("j.doe".to_string())
            .try_into()
            .unwrap(),
    ] {
        client
            .update_outbound_record()
            .id(campaign())
            .customer_id(441u64)
            .body(body)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[test]
fn next_call_date_from_chrono_drops_seconds_and_round_trips() {
    use chrono::{NaiveDate, NaiveDateTime};
    let at: NaiveDateTime = NaiveDate::from_ymd_opt(2018, 5, 24)
        .unwrap()
        .and_hms_opt(12, 24, 59)
        .unwrap();

    let date = types::NextCallDate::from(at);
    assert_eq!(date.as_str(), "2018-05-24 12:24");
    assert_eq!(
        serde_json::to_value(&date).unwrap(),
        serde_json::json!("2018-05-24 12:24")
    );
    let minute = NaiveDate::from_ymd_opt(2018, 5, 24)
        .unwrap()
        .and_hms_opt(12, 24, 0)
        .unwrap();
    assert_eq!(date.to_naive(), Some(minute));
    assert_eq!(types::NextCallDate::from(minute).to_naive(), Some(minute));

    let parsed: types::NextCallDate = "2018-05-24 12:24".parse().unwrap();
    assert_eq!(parsed, date);
    assert_eq!(parsed.to_naive(), Some(minute));

    // Edges of the day and year.
    for text in ["2018-01-01 00:00", "2018-12-31 23:59", "2024-02-29 09:05"] {
        let date: types::NextCallDate = text.parse().unwrap();
        assert_eq!(
            types::NextCallDate::from(date.to_naive().unwrap()).as_str(),
            text
        );
    }
}

#[test]
fn next_call_date_refuses_other_formats() {
    assert!("2018-05-24 12:24".parse::<types::NextCallDate>().is_ok());
    for bad in [
        "2018-05-24 12:24:00",
        "2018-13-01 10:00",
        "2018-05-32 10:00",
        "2018-05-24 24:00",
        "24.05.2018 12:24",
        "",
        "2018-05-24T12:24",
        "2018-05-24 12:60",
        "2018-00-10 10:00",
        "2018-05-00 10:00",
        "2018-5-24 12:24",
        "2018-05-24 9:05",
        "2018-05-24",
        " 2018-05-24 12:24",
        "2018-05-24 12:24 ",
        "2018-05-24 12:24\n",
        "2018-05-24 12:24+02:00",
        // Non-ASCII digits: `\d` is ASCII-only, so `to_naive()` can always parse.
        "２０１８-05-24 12:24",
        "٢٠١٨-05-24 12:24",
    ] {
        assert!(
            bad.parse::<types::NextCallDate>().is_err(),
            "{bad:?} was accepted"
        );
        assert!(
            types::NextCallDate::try_from(bad.to_string()).is_err(),
            "{bad:?}"
        );
        let body = serde_json::json!({ "next_call_date": bad });
        assert!(
            serde_json::from_value::<types::OutboundRecordUpdate>(body).is_err(),
            "{bad:?} deserialized"
        );
    }
}

#[test]
fn calendar_impossible_dates_have_the_shape_but_no_chrono_value() {
    // The pattern checks `YYYY-MM-DD hh:mm`, not the calendar: these parse, and
    // `to_naive()` says `None` instead of panicking.
    for impossible in ["2018-02-31 10:00", "2019-02-29 10:00", "2018-04-31 10:00"] {
        let date: types::NextCallDate = impossible.parse().unwrap();
        assert_eq!(date.to_naive(), None, "{impossible}");
    }
    let leap: types::NextCallDate = "2020-02-29 10:00".parse().unwrap();
    assert!(leap.to_naive().is_some());
}

#[tokio::test]
async fn campaign_id_must_be_exactly_five_characters() {
    assert_eq!(campaign().as_str(), "00001");
    assert!("ABCDE".parse::<types::CampaignId>().is_ok());
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    for (bad, got) in [
        ("0001", "4 characters"),
        ("000001", "6 characters"),
        ("", "an empty string"),
        ("1", "1 character"),
        ("0000001", "7 characters"),
    ] {
        assert!(bad.parse::<types::CampaignId>().is_err(), "{bad:?}");
        assert!(
            serde_json::from_value::<types::CampaignId>(serde_json::json!(bad)).is_err(),
            "{bad:?}"
        );
        let err = client
            .update_outbound_record()
            .id(bad)
            .customer_id(441u64)
            .body(seed_body())
            .send()
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "update_outbound_record: id must be exactly 5 characters (got {got}); nothing was sent"
            )
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // The good value through the same path reaches the server.
    client
        .update_outbound_record()
        .id("00001")
        .customer_id(441u64)
        .body(seed_body())
        .send()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn customer_id_zero_and_missing_path_parameters_are_refused_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    let err = client
        .update_outbound_record()
        .id(campaign())
        .customer_id(0u64)
        .body(seed_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "update_outbound_record: customer_id must be at least 1 (got 0); nothing was sent"
    );
    let err = client
        .update_outbound_record()
        .customer_id(441u64)
        .body(seed_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "update_outbound_record: id is required (not set); nothing was sent"
    );
    let err = client
        .update_outbound_record()
        .id(campaign())
        .body(seed_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "update_outbound_record: customer_id is required (not set); nothing was sent"
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    client
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(seed_body())
        .send()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[test]
fn status_ids_must_be_positive_integers() {
    // `minimum: 1`: the typed field is a NonZeroU64, so 0 cannot be built at all...
    assert_eq!(NonZeroU64::new(0), None);
    // ...and a body holding one does not deserialize.
    for field in ["status_id", "dictionary_status_id"] {
        let good = serde_json::json!({ field: 8 });
        assert!(serde_json::from_value::<types::OutboundRecordUpdate>(good).is_ok());
        for bad in [
            serde_json::json!(0),
            serde_json::json!(-1),
            serde_json::json!(1.5),
            serde_json::json!("8"),
        ] {
            let body = serde_json::json!({ field: bad });
            assert!(
                serde_json::from_value::<types::OutboundRecordUpdate>(body).is_err(),
                "{field}: {bad}"
            );
        }
    }
}

#[tokio::test]
async fn a_campaign_id_stays_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/crm_outbounds/ab%2Fcd/records/441"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/crm_outbounds/..%2F../records/441"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    for campaign in ["ab/cd", "../.."] {
        client
            .update_outbound_record()
            .id(campaign)
            .customer_id(441u64)
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn thulium_errors_decode_on_every_4xx_with_every_entry() {
    for status in [400u16, 401, 404, 422] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_json(thulium_error_json()))
            .expect(1)
            .mount(&server)
            .await;

        let err = client(&server)
            .update_outbound_record()
            .id(campaign())
            .customer_id(441u64)
            .body(seed_body())
            .send()
            .await
            .unwrap_err();

        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        // The seed's request id, from the body field the spec marks `x-crm-request-id`.
        assert_eq!(err.request_id(), Some("53678450401cf"));
        assert!(
            err.to_string().ends_with("(request id 53678450401cf)"),
            "{err}"
        );
        assert_eq!(err.attempts(), 1);
        let Error::ErrorResponse { response, .. } = err else {
            panic!("{status}: expected ErrorResponse, got {err:?}");
        };
        assert_eq!(response.status().as_u16(), status);
        let error = response.into_inner();
        assert_eq!(
            error,
            serde_json::from_value::<types::ThuliumError>(thulium_error_json()).unwrap()
        );
        assert_eq!(error.request_id, "53678450401cf");
        assert_eq!(error.errors.len(), 2);
        assert_eq!(error.errors[0].code, 111111);
        assert_eq!(error.errors[0].message, "Wrong format of phone number.");
        assert_eq!(error.errors[1].code, 222222);
        assert_eq!(error.errors[1].message, "Duplicated customer name.");
        assert_eq!(
            error.to_string(),
            "Thulium request 53678450401cf: [111111] Wrong format of phone number.; \
             [222222] Duplicated customer name."
        );
        let _: &dyn std::error::Error = &error;
    }
}

/// The request id is read from the body in either form the service may use: a number
/// becomes its digits (the field is `x-crm-number-or-string`); an empty one is no id.
/// (The values are made up; the seed's is a string.)
#[tokio::test]
async fn a_request_id_sent_as_a_number_is_its_digits_and_an_empty_one_is_none() {
    for (sent, expected) in [
        (serde_json::json!(53678450401u64), Some("53678450401")),
        (serde_json::json!(""), None),
    ] {
        let mut body = thulium_error_json();
        body["request_id"] = sent;
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(400).set_body_json(body))
            .mount(&server)
            .await;
        let err = client(&server)
            .update_outbound_record()
            .id(campaign())
            .customer_id(441u64)
            .body(seed_body())
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ErrorResponse { .. }), "{err:?}");
        assert_eq!(err.request_id(), expected);
    }
}

/// A retried call reports its last attempt's request id, read from Thulium's error body: the
/// documented `4XX` includes 429, which the default policy retries for this `PUT`. The
/// attempts answer a 503 with an `x-request-id` header, a 429 with another Thulium error
/// (its request id, message and code made up here), then the seed's error object: the
/// error, its `Display` and the span name the seed's request id and carry its errors. A
/// call whose last attempt succeeds without an id reports none, not an earlier attempt's.
#[tokio::test]
async fn a_retried_call_reports_the_request_id_of_its_last_attempt() {
    let earlier_error = serde_json::json!({
        "request_id": "53678450401a2",
        "errors": [{ "message": "Too many requests.", "code": 429001 }]
    });
    let attempts = |last: ResponseTemplate| {
        [
            ResponseTemplate::new(503)
                .insert_header("x-request-id", "53678450401a1")
                .insert_header("retry-after", "0"),
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(earlier_error.clone()),
            last,
        ]
    };
    let call = |server: &MockServer| {
        let client = client(server);
        async move {
            client
                .update_outbound_record()
                .id(campaign())
                .customer_id(441u64)
                .body(seed_body())
                .send()
                .await
        }
    };
    let span_request_id = |captured: &crate::support::traces::Captured| {
        let spans: Vec<_> = captured
            .spans()
            .into_iter()
            .filter(|s| s.name == "update_outbound_record")
            .collect();
        assert_eq!(spans.len(), 1, "{spans:?}");
        spans[0].fields.get("request_id").cloned()
    };

    let last = ResponseTemplate::new(429).set_body_json(thulium_error_json());
    let server = MockServer::start().await;
    for (priority, answer) in (1u8..).zip(attempts(last)) {
        Mock::given(any())
            .respond_with(answer)
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    let (guard, captured) = crate::support::traces::capture();
    let err = call(&server).await.unwrap_err();
    drop(guard);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.request_id(), Some("53678450401cf"));
    assert!(
        err.to_string()
            .ends_with("(after 3 attempts) (request id 53678450401cf)"),
        "{err}"
    );
    assert_eq!(span_request_id(&captured).as_deref(), Some("53678450401cf"));
    let shown = format!("{err} {err:?}");
    for earlier in ["53678450401a1", "53678450401a2", "429001"] {
        assert!(!shown.contains(earlier), "{earlier} in {shown}");
    }
    let body = err.error_body().expect("Thulium's error object");
    assert_eq!(
        *body,
        serde_json::from_value::<types::ThuliumError>(thulium_error_json()).unwrap()
    );

    let server = MockServer::start().await;
    for (priority, answer) in (1u8..).zip(attempts(ResponseTemplate::new(200))) {
        Mock::given(any())
            .respond_with(answer)
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    let (guard, captured) = crate::support::traces::capture();
    let updated = call(&server).await.unwrap();
    drop(guard);
    assert_eq!(updated.status(), 200);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(
        span_request_id(&captured),
        None,
        "no id on the last attempt"
    );
}

#[test]
fn a_thulium_error_with_one_entry_displays_without_separator() {
    let error: types::ThuliumError = serde_json::from_value(serde_json::json!({
        "request_id": "abc",
        "errors": [{ "message": "Invalid campaign.", "code": 404001 }]
    }))
    .unwrap();
    assert_eq!(
        error.to_string(),
        "Thulium request abc: [404001] Invalid campaign."
    );
    // Both fields are required.
    for incomplete in [
        serde_json::json!({ "errors": [] }),
        serde_json::json!({ "request_id": "abc" }),
        serde_json::json!({ "request_id": "abc", "errors": [{ "message": "x" }] }),
    ] {
        assert!(serde_json::from_value::<types::ThuliumError>(incomplete).is_err());
    }
}

#[tokio::test]
async fn a_500_is_not_decoded_as_a_thulium_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_json(thulium_error_json()))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(seed_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert!(
        matches!(err, Error::UnexpectedResponse(_)),
        "expected UnexpectedResponse, got {err:?}"
    );
}

/// Every documented example request exactly as the typed client sends it (method, path and
/// query, headers with secrets masked, body): a spec edit that changes the wire shows here.
#[tokio::test]
async fn wire() {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    let client = Client::with_basic_auth(&base_url(&server), "api_user", "api_pass").unwrap();

    let mut titles = Vec::new();
    titles.push(
        "update_outbound_record: curl -u api_user:api_pass -X PUT -d '{\"status_id\":\"3\"}' \
         '.../api/crm_outbounds/00001/records/441' (the typed client sends the id as a number)",
    );
    client
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(seed_body())
        .send()
        .await
        .unwrap();

    titles.push("update_outbound_record with every body field (the spec's example)");
    client
        .update_outbound_record()
        .id(campaign())
        .customer_id(441u64)
        .body(every_field_body())
        .send()
        .await
        .unwrap();

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
fn error_ids_and_codes_decode_from_numbers_or_strings() {
    let other: types::ThuliumError = serde_json::from_value(serde_json::json!({
        "request_id": 53678450401u64,
        "errors": [{"message": "Wrong format of phone number.", "code": "111111"}]
    }))
    .unwrap();
    assert_eq!(other.request_id, "53678450401");
    assert_eq!(other.errors[0].code, 111111);
    let bad = serde_json::from_value::<types::ThuliumErrorItem>(
        serde_json::json!({"message": "x", "code": "abc"}),
    );
    assert!(bad.is_err());
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

    use crm_bindings::thulium::{Client, Error, types};

    /// `update_outbound_record` against a server answering `status` with `body`.
    async fn update(status: u16, body: &Value) -> Error<types::ThuliumError> {
        let server = answering("PUT", status, body).await;
        Client::with_basic_auth(
            &server.uri(),
            operations::credentials("thulium").user,
            operations::credentials("thulium").password,
        )
        .unwrap()
        .update_outbound_record()
        .id("00001")
        .customer_id(441u64)
        .body(types::OutboundRecordUpdate::default())
        .send()
        .await
        .expect_err("a 4xx is an error")
    }

    #[tokio::test]
    async fn error_with_a_string_code_and_a_numeric_request_id_decodes_into_the_same_type() {
        let mixed = json!({
            "request_id": 5367,
            "errors": [
                {"message": "Wrong format of phone number.", "code": "111111"},
                {"message": "Duplicated customer name.", "code": 222222},
            ],
        });
        let err = update(400, &mixed).await;
        let Error::ErrorResponse { response, .. } = &err else {
            panic!("expected the typed error body, got {err}");
        };
        let request_id: &String = &response.request_id;
        assert_eq!(request_id, "5367");
        assert_eq!(response.errors[0].code, 111111);
        assert_eq!(response.errors[1].code, 222222);
        let canonical: types::ThuliumError = serde_json::from_value(json!({
            "request_id": "5367",
            "errors": [
                {"message": "Wrong format of phone number.", "code": 111111},
                {"message": "Duplicated customer name.", "code": 222222},
            ],
        }))
        .unwrap();
        assert_eq!(**response, canonical, "the same value either way");

        // The documented form still decodes (a non-numeric request id stays a string).
        let documented = schema_example("thulium", "ThuliumError");
        let err = update(422, &documented).await;
        let body = err.error_body().unwrap_or_else(|| panic!("{err}"));
        assert_eq!(body.request_id, "53678450401cf");
        assert_eq!(body.errors[0].code, 111111);
    }

    #[tokio::test]
    async fn other_codes_are_still_invalid_responses() {
        let mut failures = Vec::new();
        for code in [
            json!("abc"),
            json!("1.5"),
            json!(1.5),
            json!(true),
            Value::Null,
        ] {
            let body = json!({
                "request_id": 5367,
                "errors": [{"message": "Wrong format of phone number.", "code": code}],
            });
            match update(400, &body).await {
                Error::InvalidResponse(failure) => {
                    assert_eq!(failure.operation, "update_outbound_record");
                    assert_eq!(failure.status, 400);
                    assert!(failure.body_excerpt().contains("Wrong format"));
                }
                other => failures.push(format!("code {code}: {other:?}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
