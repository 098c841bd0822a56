//! Yume Wazzup triggers against a wiremock server: the seed-000 PUT example produces exactly
//! the documented request and its response decodes; list, create, partial update and delete
//! (not in the seed) follow the examples of `specs/yume.yaml`. Integer enums travel as their
//! integers, the service's `""`/`null` for unset statuses decode as `None`, and invalid
//! input never leaves the client.
#![cfg(feature = "yume")]

use crate::support::json_fixture;
use crate::support::matchers::{no_body, no_query, standard_headers_only};
use crm_bindings::Nullable;
use crm_bindings::yume::mock::mount_examples;
use crm_bindings::yume::{Client, Error, types};
use serde_json::json;

fn base_url(server: &MockServer) -> String {
    server.uri()
}
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.yume-test-signature";
const TRIGGERS: &str = "/v1/crm/integrations/wazzup/triggers/";
const TRIGGER_123: &str = "/v1/crm/integrations/wazzup/triggers/123/";

fn client(server: &MockServer) -> Client {
    Client::with_bearer_token(&base_url(server), TOKEN).unwrap()
}

fn expected_authorization() -> String {
    format!("Bearer {TOKEN}")
}

const USER_AGENT: &str = concat!("crm-bindings/", env!("CARGO_PKG_VERSION"));

/// The seed's PUT body (`--data '{...}'`) as typed values.
fn seed_request() -> types::WazzupTriggerRequest {
    types::WazzupTriggerRequest::builder()
        .documents(vec![123])
        .type_(types::TriggerType::Order)
        .order_status_from(types::OrderStatus::Exceed)
        .order_status_to(types::OrderStatus::Exceed)
        .order_payment_status_from(types::OrderPaymentStatus::AwaitingPayment)
        .order_payment_status_to(types::OrderPaymentStatus::AwaitingPayment)
        .sale_status_from(types::SaleStatus::Draft)
        .sale_status_to(types::SaleStatus::Draft)
        .delivery_type(types::DeliveryType::Delivery)
        .delivery_status(types::DeliveryStatus::Pending)
        .text("<string>".to_string())
        .order(-1)
        .template_id("<string>".parse::<types::WazzupTemplateId>().unwrap())
        .template_keys(vec![
            "<string>".parse::<types::WazzupTemplateKey>().unwrap(),
        ])
        .timeout("<string>".to_string())
        .try_into()
        .unwrap()
}

/// The PATCH operation's example in `specs/yume.yaml` (every field, the same values).
fn spec_patch() -> types::PatchedWazzupTriggerRequest {
    let full = seed_request();
    types::PatchedWazzupTriggerRequest::builder()
        .documents(full.documents)
        .type_(full.type_)
        .order_status_from(full.order_status_from)
        .order_status_to(full.order_status_to)
        .order_payment_status_from(full.order_payment_status_from)
        .order_payment_status_to(full.order_payment_status_to)
        .sale_status_from(full.sale_status_from)
        .sale_status_to(full.sale_status_to)
        .delivery_type(full.delivery_type)
        .delivery_status(full.delivery_status)
        .text(full.text)
        .order(full.order)
        .template_id(full.template_id)
        .template_keys(full.template_keys)
        .timeout(full.timeout)
        .try_into()
        .unwrap()
}

/// `2023-11-07T05:31:56Z`, the instant of every documented `created_at` / `updated_at`.
fn documented_instant() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone as _;
    chrono::Utc
        .with_ymd_and_hms(2023, 11, 7, 5, 31, 56)
        .unwrap()
}

/// Every field of the documented trigger (the seed's response, repeated by the spec).
fn assert_documented_trigger(trigger: &types::WazzupTrigger) {
    assert_eq!(trigger.id, 123);
    assert_eq!(trigger.created_at, documented_instant());
    assert_eq!(trigger.updated_at, documented_instant());
    assert_eq!(trigger.created_at.timestamp(), 1_699_335_116);
    assert_eq!(trigger.tenant, 123);
    assert_eq!(trigger.documents, vec![123]);
    assert_eq!(trigger.type_, Some(types::TriggerType::Order));
    assert_eq!(trigger.order_status_from, Some(types::OrderStatus::Exceed));
    assert_eq!(trigger.order_status_to, Some(types::OrderStatus::Exceed));
    assert_eq!(
        trigger.order_payment_status_from,
        Some(types::OrderPaymentStatus::AwaitingPayment)
    );
    assert_eq!(
        trigger.order_payment_status_to,
        Some(types::OrderPaymentStatus::AwaitingPayment)
    );
    assert_eq!(trigger.sale_status_from, Some(types::SaleStatus::Draft));
    assert_eq!(trigger.sale_status_to, Some(types::SaleStatus::Draft));
    assert_eq!(trigger.delivery_type, Some(types::DeliveryType::Delivery));
    assert_eq!(
        trigger.delivery_status,
        Some(types::DeliveryStatus::Pending)
    );
    assert_eq!(trigger.text.as_deref(), Some("<string>"));
    assert_eq!(trigger.order, Some(-1));
    assert_eq!(
        trigger.template_id.as_deref().map(String::as_str),
        Some("<string>")
    );
    let keys: Vec<&str> = trigger
        .template_keys
        .iter()
        .flatten()
        .map(|key| key.as_str())
        .collect();
    assert_eq!(keys, ["<string>"]);
    assert_eq!(trigger.timeout.as_deref(), Some("<string>"));
}

fn documented_headers(mock: wiremock::MockBuilder) -> wiremock::MockBuilder {
    mock.and(header("authorization", expected_authorization().as_str()))
        .and(header("accept", "application/json"))
        .and(header("user-agent", USER_AGENT))
        .and(standard_headers_only)
        .and(no_query)
}

#[tokio::test]
async fn list_sends_the_documented_request_and_decodes_the_bare_array() {
    let server = MockServer::start().await;
    documented_headers(Mock::given(method("GET")).and(path(TRIGGERS)))
        .and(no_body)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("yume/list_wazzup_triggers.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let triggers = client(&server).list_wazzup_triggers().send().await.unwrap();

    assert_eq!(triggers.status(), 200);
    assert_eq!(triggers.len(), 1);
    assert_documented_trigger(&triggers[0]);
    let documented: types::WazzupTriggerList =
        serde_json::from_value(json_fixture("yume/list_wazzup_triggers.response.json")).unwrap();
    assert_eq!(*triggers, documented);
}

#[tokio::test]
async fn create_sends_the_spec_example_body_and_decodes_201() {
    let server = MockServer::start().await;
    documented_headers(Mock::given(method("POST")).and(path(TRIGGERS)))
        .and(header("content-type", "application/json"))
        .and(body_json(json_fixture(
            "yume/create_wazzup_trigger.request.json",
        )))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json_fixture("yume/create_wazzup_trigger.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let created = client(&server)
        .create_wazzup_trigger()
        .body(seed_request())
        .send()
        .await
        .unwrap();

    assert_eq!(created.status(), 201);
    assert_documented_trigger(&created);
}

#[tokio::test]
async fn update_sends_the_seed_request_exactly_and_decodes_the_seed_response() {
    let server = MockServer::start().await;
    documented_headers(Mock::given(method("PUT")).and(path(TRIGGER_123)))
        .and(header("content-type", "application/json"))
        .and(body_json(json_fixture(
            "yume/update_wazzup_trigger.request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("yume/update_wazzup_trigger.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_wazzup_trigger()
        .id(123)
        .body(seed_request())
        .send()
        .await
        .unwrap();

    assert_eq!(updated.status(), 200);
    assert_documented_trigger(&updated);
    let documented: types::WazzupTrigger =
        serde_json::from_value(json_fixture("yume/update_wazzup_trigger.response.json")).unwrap();
    assert_eq!(*updated, documented);
    // The typed body is the seed's body, key for key, nothing more.
    assert_eq!(
        serde_json::to_value(seed_request()).unwrap(),
        json_fixture("yume/update_wazzup_trigger.request.json")
    );
}

#[tokio::test]
async fn partial_update_sends_the_spec_example_body_and_decodes_the_trigger() {
    let server = MockServer::start().await;
    documented_headers(Mock::given(method("PATCH")).and(path(TRIGGER_123)))
        .and(header("content-type", "application/json"))
        .and(body_json(json_fixture(
            "yume/partial_update_wazzup_trigger.request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json_fixture(
            "yume/partial_update_wazzup_trigger.response.json",
        )))
        .expect(1)
        .mount(&server)
        .await;

    let patched = client(&server)
        .partial_update_wazzup_trigger()
        .id(123)
        .body(spec_patch())
        .send()
        .await
        .unwrap();

    assert_eq!(patched.status(), 200);
    assert_documented_trigger(&patched);
}

#[tokio::test]
async fn a_one_field_patch_sends_exactly_that_field() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);
    let cases = [
        (
            types::PatchedWazzupTriggerRequest::builder().text("Ваш заказ готов".to_string()),
            json!({ "text": "Ваш заказ готов" }),
        ),
        (
            types::PatchedWazzupTriggerRequest::builder().type_(types::TriggerType::Delivery),
            json!({ "type": 3 }),
        ),
        (
            types::PatchedWazzupTriggerRequest::builder()
                .order_status_to(types::OrderStatus::Inrent),
            json!({ "order_status_to": "inrent" }),
        ),
        (
            types::PatchedWazzupTriggerRequest::builder()
                .delivery_status(types::DeliveryStatus::Cancel),
            json!({ "delivery_status": 3 }),
        ),
        (
            types::PatchedWazzupTriggerRequest::builder().documents(vec![5, 8]),
            json!({ "documents": [5, 8] }),
        ),
        (
            types::PatchedWazzupTriggerRequest::builder().template_keys(vec![
                "Анна".parse::<types::WazzupTemplateKey>().unwrap(),
                "12:00".parse::<types::WazzupTemplateKey>().unwrap(),
            ]),
            json!({ "template_keys": ["Анна", "12:00"] }),
        ),
        (
            types::PatchedWazzupTriggerRequest::builder().timeout("00:30:00".to_string()),
            json!({ "timeout": "00:30:00" }),
        ),
    ];
    for (body, _) in &cases {
        client
            .partial_update_wazzup_trigger()
            .id(123)
            .body(body.clone())
            .send()
            .await
            .unwrap();
    }

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), cases.len());
    for (request, (_, expected)) in received.iter().zip(&cases) {
        assert_eq!(request.method.as_str(), "PATCH");
        assert_eq!(request.url.path(), TRIGGER_123);
        let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(&sent, expected);
        assert_eq!(sent.as_object().unwrap().len(), 1, "exactly one field");
    }
}

#[tokio::test]
async fn delete_sends_no_body_and_succeeds_on_204() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(TRIGGER_123))
        .and(header("authorization", expected_authorization().as_str()))
        .and(header("user-agent", USER_AGENT))
        .and(standard_headers_only)
        .and(no_query)
        .and(no_body)
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let deleted = client(&server)
        .delete_wazzup_trigger()
        .id(123)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
}

#[tokio::test]
async fn delete_sends_the_default_accept_header() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    client(&server)
        .delete_wazzup_trigger()
        .id(123)
        .send()
        .await
        .unwrap();
    // No response body is declared, so progenitor sets no `accept`: reqwest's default goes.
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers["accept"], "*/*");
}

#[tokio::test]
async fn integer_enums_are_sent_as_their_integers() {
    let server = MockServer::start().await;
    let expected = json!({
        "type": 1,
        "order_payment_status_from": 0,
        "order_payment_status_to": 2,
        "sale_status_from": 1,
        "sale_status_to": 2,
        "delivery_type": 1,
        "delivery_status": 3,
        "order_status_from": "request",
        "order_status_to": "completed",
    });
    Mock::given(method("POST"))
        .and(path(TRIGGERS))
        .and(body_json(&expected))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json_fixture("yume/create_wazzup_trigger.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .create_wazzup_trigger()
        .body(
            types::WazzupTriggerRequest::builder()
                .type_(types::TriggerType::OrderPayment)
                .order_payment_status_from(types::OrderPaymentStatus::AwaitingPayment)
                .order_payment_status_to(types::OrderPaymentStatus::PartiallyPaid)
                .sale_status_from(types::SaleStatus::Sold)
                .sale_status_to(types::SaleStatus::Cancelled)
                .delivery_type(types::DeliveryType::PickUp)
                .delivery_status(types::DeliveryStatus::Cancel)
                .order_status_from(types::OrderStatus::Request)
                .order_status_to(types::OrderStatus::Completed),
        )
        .send()
        .await
        .unwrap();

    let sent: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["type"], json!(1));
    assert!(sent["type"].is_u64(), "a JSON number, not a string: {sent}");
    assert!(sent["delivery_status"].is_u64(), "{sent}");
}

#[test]
fn every_enum_variant_round_trips() {
    fn round_trip<T>(all: &[T], value: fn(T) -> i64, expected: &[(i64, &str)])
    where
        T: Copy
            + std::fmt::Debug
            + PartialEq
            + serde::Serialize
            + serde::de::DeserializeOwned
            + TryFrom<i64, Error = types::error::ConversionError>,
    {
        assert_eq!(all.len(), expected.len());
        for (variant, (number, name)) in all.iter().zip(expected) {
            assert_eq!(value(*variant), *number, "{variant:?}");
            assert_eq!(format!("{variant:?}"), *name);
            assert_eq!(T::try_from(*number).unwrap(), *variant);
            assert_eq!(serde_json::to_value(variant).unwrap(), json!(number));
            assert_eq!(
                serde_json::from_value::<T>(json!(number)).unwrap(),
                *variant
            );
        }
        for undocumented in [-1, expected.len() as i64, 7, 32767] {
            // Users cannot make one up; an answer's decodes and keeps its value.
            assert!(T::try_from(undocumented).is_err(), "{undocumented}");
            assert!(crm_bindings::from_json::<T>(json!(undocumented)).is_err());
            let decoded = serde_json::from_value::<T>(json!(undocumented)).unwrap();
            assert_eq!(value(decoded), undocumented);
            assert_eq!(serde_json::to_value(decoded).unwrap(), json!(undocumented));
        }
        // Outside the schema's range (smallint / int32) it is not a value of the type at all.
        assert!(serde_json::from_value::<T>(json!(i64::MAX)).is_err());
        assert!(
            serde_json::from_value::<T>(json!("0")).is_err(),
            "not a string"
        );
    }

    use types::{DeliveryStatus, DeliveryType, OrderPaymentStatus, SaleStatus, TriggerType};
    round_trip(
        &TriggerType::ALL,
        TriggerType::value,
        &[
            (0, "Order"),
            (1, "OrderPayment"),
            (2, "Sale"),
            (3, "Delivery"),
        ],
    );
    round_trip(
        &OrderPaymentStatus::ALL,
        OrderPaymentStatus::value,
        &[(0, "AwaitingPayment"), (1, "Paid"), (2, "PartiallyPaid")],
    );
    round_trip(
        &SaleStatus::ALL,
        SaleStatus::value,
        &[(0, "Draft"), (1, "Sold"), (2, "Cancelled")],
    );
    round_trip(
        &DeliveryType::ALL,
        DeliveryType::value,
        &[(0, "Delivery"), (1, "PickUp")],
    );
    round_trip(
        &DeliveryStatus::ALL,
        DeliveryStatus::value,
        &[
            (0, "Pending"),
            (1, "InProgress"),
            (2, "Done"),
            (3, "Cancel"),
        ],
    );
    assert_eq!(i64::from(TriggerType::OrderPayment), 1);
    assert_eq!(DeliveryStatus::Cancel.to_string(), "3");
    assert_eq!(
        TriggerType::try_from(7).unwrap_err().to_string(),
        "TriggerType must be 0, 1, 2 or 3 (got 7)"
    );

    // The string enum: every documented value, and nothing else.
    let order_statuses = [
        ("exceed", types::OrderStatus::Exceed),
        ("request", types::OrderStatus::Request),
        ("reserve", types::OrderStatus::Reserve),
        ("inrent", types::OrderStatus::Inrent),
        ("cancel", types::OrderStatus::Cancel),
        ("completed", types::OrderStatus::Completed),
        ("debtor", types::OrderStatus::Debtor),
    ];
    for (text, status) in order_statuses {
        assert_eq!(text.parse::<types::OrderStatus>().unwrap(), status);
        assert_eq!(status.to_string(), text);
        assert_eq!(serde_json::to_value(&status).unwrap(), json!(text));
        assert_eq!(
            serde_json::from_value::<types::OrderStatus>(json!(text)).unwrap(),
            status
        );
    }
    for bad in ["", "Exceed", "in_rent", "shipped", "Запрос"] {
        assert!(bad.parse::<types::OrderStatus>().is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_value_of_the_wrong_kind_or_range_in_a_response_is_an_error_not_a_panic() {
    // Undocumented values of the right kind decode (see `tests/suite/enums.rs`); these
    // are not values of the field's type at all.
    let server = MockServer::start().await;
    let client = client(&server);
    let cases = [
        ("type", json!(3_000_000_000i64)),
        ("order_payment_status_from", json!(40_000)),
        ("sale_status_to", json!(-40_000)),
        ("delivery_type", json!(1.5)),
        ("delivery_status", json!("1")),
        ("order_status_to", json!(7)),
        ("type", json!("1")),
    ];
    for (field, bad) in cases {
        let mut body = json_fixture("yume/update_wazzup_trigger.response.json");
        body[field] = bad.clone();
        server.reset().await;
        Mock::given(method("PUT"))
            .and(path(TRIGGER_123))
            .respond_with(ResponseTemplate::new(200).set_body_json(&body))
            .expect(1)
            .mount(&server)
            .await;

        let err = client
            .update_wazzup_trigger()
            .id(123)
            .body(seed_request())
            .send()
            .await
            .unwrap_err();
        let Error::InvalidResponse(failure) = &err else {
            panic!("{field} = {bad}: expected InvalidResponse, got {err:?}");
        };
        let received: serde_json::Value = serde_json::from_slice(&failure.body).unwrap();
        assert_eq!(received[field], bad);
        server.verify().await;
    }
}

#[tokio::test]
async fn unset_statuses_sent_as_empty_string_null_or_left_out_decode_as_none() {
    let server = MockServer::start().await;
    let documented = json_fixture("yume/update_wazzup_trigger.response.json");
    let with = |changes: serde_json::Value| {
        let mut trigger = documented.clone();
        for (field, value) in changes.as_object().unwrap() {
            trigger[field] = value.clone();
        }
        trigger
    };
    let empty_strings = with(json!({
        "order_status_from": "", "order_status_to": "",
        "order_payment_status_from": null, "order_payment_status_to": null,
        "sale_status_from": null, "sale_status_to": null, "delivery_status": null,
        "text": null, "template_id": null, "template_keys": null,
    }));
    let nulls = with(json!({
        "order_status_from": null, "order_status_to": null,
        "order_payment_status_from": null, "order_payment_status_to": null,
        "sale_status_from": null, "sale_status_to": null, "delivery_status": null,
        "text": null, "template_id": null, "template_keys": null,
    }));
    let left_out = json!({
        "id": 124,
        "created_at": "2023-11-07T05:31:56Z",
        "updated_at": "2023-11-07T05:31:56Z",
        "tenant": 123,
    });
    let mixed = with(json!({ "order_status_from": "", "order_status_to": "completed" }));
    Mock::given(method("GET"))
        .and(path(TRIGGERS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            empty_strings,
            nulls,
            left_out,
            mixed
        ])))
        .expect(1)
        .mount(&server)
        .await;

    let triggers = client(&server).list_wazzup_triggers().send().await.unwrap();

    assert_eq!(triggers.len(), 4);
    for (index, trigger) in triggers[..3].iter().enumerate() {
        assert_eq!(trigger.order_status_from, None, "trigger {index}");
        assert_eq!(trigger.order_status_to, None, "trigger {index}");
        assert_eq!(trigger.order_payment_status_from, None, "trigger {index}");
        assert_eq!(trigger.order_payment_status_to, None, "trigger {index}");
        assert_eq!(trigger.sale_status_from, None, "trigger {index}");
        assert_eq!(trigger.sale_status_to, None, "trigger {index}");
        assert_eq!(trigger.delivery_status, None, "trigger {index}");
        assert_eq!(trigger.text, None, "trigger {index}");
        assert_eq!(trigger.template_id, None, "trigger {index}");
        assert_eq!(trigger.template_keys, None, "trigger {index}");
    }
    // Fields not touched keep their documented values.
    assert_eq!(triggers[0].type_, Some(types::TriggerType::Order));
    assert_eq!(
        triggers[1].delivery_type,
        Some(types::DeliveryType::Delivery)
    );
    // Left out entirely: every optional field is empty.
    let bare = &triggers[2];
    assert_eq!((bare.id, bare.tenant), (124, 123));
    assert_eq!(bare.created_at, documented_instant());
    assert_eq!(bare.type_, None);
    assert_eq!(bare.delivery_type, None);
    assert!(bare.documents.is_empty());
    assert_eq!((bare.order, bare.timeout.as_deref()), (None, None));
    // `""` is "unset" only: a real status next to it still decodes.
    assert_eq!(triggers[3].order_status_from, None);
    assert_eq!(
        triggers[3].order_status_to,
        Some(types::OrderStatus::Completed)
    );
}

#[test]
fn template_id_and_keys_are_at_most_255_characters() {
    let at_limit = ["a".repeat(255), "я".repeat(255), String::new()];
    let too_long = ["a".repeat(256), "я".repeat(256), "x".repeat(1000)];
    for good in &at_limit {
        assert_eq!(
            good.parse::<types::WazzupTemplateId>().unwrap().as_str(),
            good
        );
        assert_eq!(
            types::WazzupTemplateKey::try_from(good.clone())
                .unwrap()
                .as_str(),
            good
        );
    }
    for bad in &too_long {
        let err = bad.parse::<types::WazzupTemplateId>().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "WazzupTemplateId must be at most 255 characters (got {} characters)",
                bad.chars().count()
            )
        );
        assert!(types::WazzupTemplateKey::try_from(bad.clone()).is_err());
        assert!(types::WazzupTemplateId::try_from(bad.as_str()).is_err());
    }

    // A request body as JSON: refused when decoding, whichever body type.
    let body = |template_id: &str, key: &str| json!({ "template_id": template_id, "template_keys": ["ok", key] });
    let good = body(&"a".repeat(255), &"я".repeat(255));
    assert!(serde_json::from_value::<types::WazzupTriggerRequest>(good.clone()).is_ok());
    assert!(serde_json::from_value::<types::PatchedWazzupTriggerRequest>(good).is_ok());
    for bad in [
        body(&"a".repeat(256), "ok"),
        body("ok", &"a".repeat(256)),
        body(&"я".repeat(256), "ok"),
    ] {
        let err = serde_json::from_value::<types::WazzupTriggerRequest>(bad.clone()).unwrap_err();
        assert!(
            err.to_string()
                .contains("must be at most 255 characters (got 256 characters)"),
            "{err}"
        );
        assert!(serde_json::from_value::<types::PatchedWazzupTriggerRequest>(bad.clone()).is_err());
        // A trigger in a response is held to the same limit.
        let mut trigger = json_fixture("yume/update_wazzup_trigger.response.json");
        trigger["template_id"] = bad["template_id"].clone();
        trigger["template_keys"] = bad["template_keys"].clone();
        assert!(serde_json::from_value::<types::WazzupTrigger>(trigger).is_err());
    }
}

/// How a caller builds a template trigger from raw strings: the limit is checked before
/// anything is sent.
async fn create_template_trigger(
    client: &Client,
    template_id: &str,
    key: &str,
) -> Result<types::WazzupTrigger, Box<dyn std::error::Error>> {
    let body = types::WazzupTriggerRequest::builder()
        .template_id(template_id.parse::<types::WazzupTemplateId>()?)
        .template_keys(vec![key.parse::<types::WazzupTemplateKey>()?]);
    Ok(client
        .create_wazzup_trigger()
        .body(body)
        .send()
        .await?
        .into_inner())
}

#[tokio::test]
async fn a_template_id_or_key_over_255_characters_is_never_sent() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    for (template_id, key) in [
        ("a".repeat(256), "ok".to_string()),
        ("ok".to_string(), "a".repeat(256)),
        ("я".repeat(256), "я".repeat(256)),
    ] {
        let err = create_template_trigger(&client, &template_id, &key)
            .await
            .unwrap_err();
        // The message names the refused type: the id's, or the key's.
        let text = err.to_string();
        assert!(
            text == "WazzupTemplateId must be at most 255 characters (got 256 characters)"
                || text == "WazzupTemplateKey must be at most 255 characters (got 256 characters)",
            "{text}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // 255 characters (multi-byte ones too) are sent as they are.
    let (template_id, key) = ("a".repeat(255), "я".repeat(255));
    create_template_trigger(&client, &template_id, &key)
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let sent: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        sent,
        json!({ "template_id": template_id, "template_keys": [key] })
    );
}

#[test]
fn enum_values_outside_the_documented_sets_are_refused_in_a_body() {
    let good = json!({
        "type": 3, "order_status_from": "debtor", "order_status_to": "reserve",
        "order_payment_status_from": 1, "order_payment_status_to": 2,
        "sale_status_from": 0, "sale_status_to": 2, "delivery_type": 1, "delivery_status": 3,
    });
    let request: types::WazzupTriggerRequest = serde_json::from_value(good.clone()).unwrap();
    assert_eq!(request.type_, Some(types::TriggerType::Delivery));
    assert_eq!(
        request.order_status_from,
        Nullable::Value(types::OrderStatus::Debtor)
    );
    assert!(serde_json::from_value::<types::PatchedWazzupTriggerRequest>(good.clone()).is_ok());

    for (field, bad) in [
        ("type", json!(4)),
        ("type", json!(7)),
        ("type", json!(-1)),
        ("order_status_from", json!("shipped")),
        ("order_status_to", json!("")),
        ("order_payment_status_from", json!(3)),
        ("order_payment_status_to", json!(-32768)),
        ("sale_status_from", json!(3)),
        ("sale_status_to", json!(32767)),
        ("delivery_type", json!(2)),
        ("delivery_status", json!(4)),
        ("delivery_status", json!("3")),
    ] {
        let mut body = good.clone();
        body[field] = bad.clone();
        // `from_json` builds bodies from input: undocumented values are refused there.
        assert!(
            crm_bindings::from_json::<types::WazzupTriggerRequest>(body.clone()).is_err(),
            "{field} = {bad}"
        );
        assert!(
            crm_bindings::from_json::<types::PatchedWazzupTriggerRequest>(body).is_err(),
            "{field} = {bad}"
        );
    }
}

#[test]
fn order_is_an_int32() {
    for good in [-2_147_483_648_i64, -1, 0, 2_147_483_647] {
        let body: types::WazzupTriggerRequest =
            serde_json::from_value(json!({ "order": good })).unwrap();
        assert_eq!(body.order.map(i64::from), Some(good));
    }
    for bad in [
        json!(2_147_483_648_i64),
        json!(-2_147_483_649_i64),
        json!(1.5),
        json!("1"),
    ] {
        assert!(
            serde_json::from_value::<types::WazzupTriggerRequest>(json!({ "order": bad })).is_err(),
            "{bad}"
        );
        assert!(
            serde_json::from_value::<types::PatchedWazzupTriggerRequest>(json!({ "order": bad }))
                .is_err(),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_response_without_a_required_field_is_an_error() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut cases: Vec<serde_json::Value> = ["id", "created_at", "updated_at", "tenant"]
        .into_iter()
        .map(|field| {
            let mut trigger = json_fixture("yume/update_wazzup_trigger.response.json");
            trigger.as_object_mut().unwrap().remove(field);
            trigger
        })
        .collect();
    for (field, bad) in [
        ("created_at", json!("07.11.2023 05:31")),
        ("updated_at", json!(null)),
        ("id", json!("123")),
    ] {
        let mut trigger = json_fixture("yume/update_wazzup_trigger.response.json");
        trigger[field] = bad;
        cases.push(trigger);
    }
    for trigger in cases {
        server.reset().await;
        Mock::given(method("PATCH"))
            .and(path(TRIGGER_123))
            .respond_with(ResponseTemplate::new(200).set_body_json(&trigger))
            .expect(1)
            .mount(&server)
            .await;
        let err = client
            .partial_update_wazzup_trigger()
            .id(123)
            .body(types::PatchedWazzupTriggerRequest::default())
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidResponse(_)),
            "{trigger}: {err:?}"
        );
        server.verify().await;
    }
}

#[tokio::test]
async fn the_trigger_id_is_required_and_an_i64_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    let errors = [
        client
            .update_wazzup_trigger()
            .body(seed_request())
            .send()
            .await
            .unwrap_err(),
        client
            .partial_update_wazzup_trigger()
            .body(spec_patch())
            .send()
            .await
            .unwrap_err(),
        client.delete_wazzup_trigger().send().await.unwrap_err(),
    ];
    for err in errors {
        assert!(
            matches!(&err, Error::InvalidRequest { message: m, .. } if m == "id is required (not set)"),
            "{err:?}"
        );
    }
    let err = client
        .delete_wazzup_trigger()
        .id(u64::MAX)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "delete_wazzup_trigger: id must be at most 9223372036854775807 (got 18446744073709551615); nothing was sent"
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    // An id that fits is sent (so the checks above can fail).
    client
        .delete_wazzup_trigger()
        .id(123u64)
        .send()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn undocumented_error_statuses_are_unexpected_responses_with_the_body() {
    // The source document declares no error response: a DRF error (`{"detail": ...}`)
    // arrives as `UnexpectedResponse`, its body readable.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({ "detail": "Given token not valid for any token type" })),
        )
        .mount(&server)
        .await;
    let client = client(&server);

    let errors = [
        client.list_wazzup_triggers().send().await.unwrap_err(),
        client
            .create_wazzup_trigger()
            .body(seed_request())
            .send()
            .await
            .unwrap_err(),
        client
            .update_wazzup_trigger()
            .id(123)
            .body(seed_request())
            .send()
            .await
            .unwrap_err(),
        client
            .partial_update_wazzup_trigger()
            .id(123)
            .body(spec_patch())
            .send()
            .await
            .unwrap_err(),
        client
            .delete_wazzup_trigger()
            .id(123)
            .send()
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
        let Error::UnexpectedResponse(failure) = &err else {
            panic!("expected UnexpectedResponse, got {err:?}");
        };
        let body = String::from_utf8_lossy(&failure.body);
        assert!(body.contains("Given token not valid"), "{body}");
        assert!(err.to_string().contains("Given token not valid"), "{err}");
    }
}

#[tokio::test]
async fn a_patch_can_unlink_every_document() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    client(&server)
        .partial_update_wazzup_trigger()
        .id(123)
        .body(types::PatchedWazzupTriggerRequest::builder().documents(vec![]))
        .send()
        .await
        .unwrap();
    let sent: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent, json!({ "documents": [] }));
}

/// Seed 000 marks `text`, `template_id` and `template_keys` `string | null`: a field is left
/// out (kept by the service), sent as `null` (cleared) or sent with a value, in PUT and PATCH.
#[tokio::test]
async fn nullable_fields_have_three_states_in_put_and_patch() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);
    let mut cleared = types::PatchedWazzupTriggerRequest::default();
    cleared.text = Nullable::Null;
    cleared.template_id = Nullable::Null;
    cleared.template_keys = Nullable::Null;
    cleared.order_status_from = Nullable::Null;
    cleared.delivery_status = Nullable::Null;
    client
        .partial_update_wazzup_trigger()
        .id(123)
        .body(cleared.clone())
        .send()
        .await
        .unwrap();
    // `template_keys` left out.
    let put = types::WazzupTriggerRequest::builder()
        .text(Nullable::Null)
        .template_id("tpl-1".parse::<types::WazzupTemplateId>().unwrap());
    client
        .update_wazzup_trigger()
        .id(123)
        .body(put)
        .send()
        .await
        .unwrap();
    let sent: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        sent[0],
        json!({
            "text": null, "template_id": null, "template_keys": null,
            "order_status_from": null, "delivery_status": null,
        })
    );
    assert_eq!(sent[1], json!({ "text": null, "template_id": "tpl-1" }));

    // The same three states decode from JSON (a form, a queue message).
    let decoded: types::PatchedWazzupTriggerRequest = crm_bindings::from_json(json!({
        "text": null, "template_id": null, "template_keys": null,
        "order_status_from": null, "delivery_status": null,
    }))
    .unwrap();
    assert_eq!(decoded, cleared);
    let decoded: types::WazzupTriggerRequest =
        crm_bindings::from_json(json!({ "text": "hi" })).unwrap();
    assert_eq!(decoded.text, Nullable::Value("hi".to_string()));
    assert_eq!(decoded.template_id, Nullable::Absent);
}

#[test]
fn a_non_ascii_token_is_refused() {
    let err = Client::with_bearer_token("https://api.yume.cloud", "токен-eyJ.e30.sig").unwrap_err();
    assert_eq!(
        err,
        crm_bindings::ConfigError::InvalidCredential("authorization")
    );
}

/// Every documented example request exactly as the typed client sends it (method, path,
/// headers with the token masked, body): the seed's PUT, and one request per operation the
/// seed does not describe, built from the examples of `specs/yume.yaml`.
#[tokio::test]
async fn wire() {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    let client = Client::with_bearer_token(&base_url(&server), "yume-wire-token").unwrap();

    let mut titles = Vec::new();
    titles.push("list_wazzup_triggers (spec, not in the seed): GET .../wazzup/triggers/");
    client.list_wazzup_triggers().send().await.unwrap();

    titles.push("create_wazzup_trigger (spec's request example, not in the seed)");
    client
        .create_wazzup_trigger()
        .body(seed_request())
        .send()
        .await
        .unwrap();

    titles.push(
        "update_wazzup_trigger: curl --request PUT --url https://api.example.com/v1/crm/integrations/wazzup/triggers/{id}/ --data '{...}'",
    );
    client
        .update_wazzup_trigger()
        .id(123)
        .body(seed_request())
        .send()
        .await
        .unwrap();

    titles.push("partial_update_wazzup_trigger (spec's operation example, not in the seed)");
    client
        .partial_update_wazzup_trigger()
        .id(123)
        .body(spec_patch())
        .send()
        .await
        .unwrap();

    titles.push("partial_update_wazzup_trigger (spec's PatchedWazzupTriggerRequest example)");
    client
        .partial_update_wazzup_trigger()
        .id(123)
        .body(
            types::PatchedWazzupTriggerRequest::builder()
                .text("<string>".to_string())
                .timeout("<string>".to_string()),
        )
        .send()
        .await
        .unwrap();

    titles.push(
        "partial_update_wazzup_trigger clearing fields: `Nullable::Null` is `null`, `Absent` is left out",
    );
    client
        .partial_update_wazzup_trigger()
        .id(123)
        .body(
            types::PatchedWazzupTriggerRequest::builder()
                .text(Nullable::Null)
                .template_keys(Nullable::Null)
                .template_id("<string>".parse::<types::WazzupTemplateId>().unwrap())
                .documents(vec![]),
        )
        .send()
        .await
        .unwrap();

    titles.push(
        "update_wazzup_trigger (PUT) clearing `text`, setting `template_id`, leaving the rest out",
    );
    client
        .update_wazzup_trigger()
        .id(123)
        .body(
            types::WazzupTriggerRequest::builder()
                .text(Nullable::Null)
                .template_id("<string>".parse::<types::WazzupTemplateId>().unwrap()),
        )
        .send()
        .await
        .unwrap();

    titles.push("delete_wazzup_trigger (spec, not in the seed): DELETE .../wazzup/triggers/123/");
    client.delete_wazzup_trigger().id(123).send().await.unwrap();

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
    use crate::support::json_fixture;
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use crm_bindings::Nullable;
    use crm_bindings::yume::{Client, types};

    #[tokio::test]
    async fn a_list_with_one_undocumented_value_per_enum_decodes_and_round_trips() {
        // The spec's list example (seed 000's trigger), second entry with made-up values.
        let mut answer = json_fixture("yume/list_wazzup_triggers.response.json");
        let mut second = answer[0].clone();
        second["id"] = json!(124);
        second["type"] = json!(7);
        second["order_status_from"] = json!("archived");
        second["order_payment_status_from"] = json!(5);
        second["sale_status_to"] = json!(9);
        second["delivery_type"] = json!(2);
        second["delivery_status"] = json!(4);
        answer.as_array_mut().unwrap().push(second);
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/crm/integrations/wazzup/triggers/"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/v1/crm/integrations/wazzup/triggers/124/"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json_fixture("yume/update_wazzup_trigger.response.json")),
            )
            .mount(&server)
            .await;
        let client = Client::with_bearer_token(&server.uri(), "jwt").unwrap();

        let triggers = client.list_wazzup_triggers().send().await.unwrap();
        assert_eq!(triggers.len(), 2);
        assert_eq!(triggers[0].type_, Some(types::TriggerType::Order));
        let t = &triggers[1];
        assert_eq!(t.id, 124);
        assert_eq!(t.text.as_deref(), Some("<string>"), "the rest is kept");
        let unknown_ints = [
            t.type_.map(|v| (v.is_unknown(), v.value())),
            t.order_payment_status_from
                .map(|v| (v.is_unknown(), v.value())),
            t.sale_status_to.map(|v| (v.is_unknown(), v.value())),
            t.delivery_type.map(|v| (v.is_unknown(), v.value())),
            t.delivery_status.map(|v| (v.is_unknown(), v.value())),
        ];
        assert_eq!(
            unknown_ints,
            [
                Some((true, 7)),
                Some((true, 5)),
                Some((true, 9)),
                Some((true, 2)),
                Some((true, 4))
            ]
        );
        let status = t.order_status_from.clone().unwrap();
        assert!(status.is_unknown());
        assert_eq!(status.to_string(), "archived");
        assert_eq!(t.delivery_type.unwrap().to_string(), "2");

        // A PUT built from the answer sends the raw values back.
        client
            .update_wazzup_trigger()
            .id(t.id)
            .body(
                types::WazzupTriggerRequest::builder()
                    .type_(t.type_)
                    .order_status_from(Nullable::or_null(t.order_status_from.clone()))
                    .order_payment_status_from(Nullable::or_null(t.order_payment_status_from))
                    .sale_status_to(Nullable::or_null(t.sale_status_to))
                    .delivery_type(Nullable::or_null(t.delivery_type))
                    .delivery_status(Nullable::or_null(t.delivery_status)),
            )
            .send()
            .await
            .unwrap();
        let sent = server.received_requests().await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&sent[1].body).unwrap();
        assert_eq!(
            body,
            json!({
                "type": 7, "order_status_from": "archived", "order_payment_status_from": 5,
                "sale_status_to": 9, "delivery_type": 2, "delivery_status": 4,
            })
        );
    }

    #[test]
    fn users_cannot_make_up_a_value() {
        assert!(types::TriggerType::try_from(7).is_err());
        assert!(types::OrderPaymentStatus::try_from(5).is_err());
        assert!("9".parse::<types::SaleStatus>().is_err());
        assert!(types::DeliveryType::try_from(2).is_err());
        assert!(types::DeliveryStatus::try_from(4).is_err());
        assert!("archived".parse::<types::OrderStatus>().is_err());
        let err = crm_bindings::from_json::<types::PatchedWazzupTriggerRequest>(
            json!({ "delivery_type": 2 }),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`delivery_type`: DeliveryType must be 0 or 1 (got 2)"
        );
    }
}

/// A list answer works like the `Vec` it holds: indexable and mutable in place, iterable
/// by value, by reference and by mutable reference (typify gave it only `Deref`, so
/// `listed[0].id = 7` did not compile). The values are the spec's list example (seed 000:
/// one trigger, id 123, tenant 123, order -1).
#[test]
fn a_list_answer_is_indexable_mutable_and_iterable() {
    let mut listed = crm_bindings::yume::mock::examples::list_wazzup_triggers_response();
    // Two items, so a loop that touched only the first would show.
    let second = listed[0].clone();
    listed.push(second);
    listed[1].id = 7;
    for trigger in listed.iter_mut() {
        trigger.order = Some(1);
    }
    for trigger in &mut listed {
        trigger.tenant += 1;
    }
    let ids: Vec<i64> = (&listed).into_iter().map(|t| t.id).collect();
    assert_eq!(ids, [123, 7]);
    let owned: Vec<types::WazzupTrigger> = listed.into_iter().collect();
    let changed: Vec<_> = owned.iter().map(|t| (t.order, t.tenant)).collect();
    assert_eq!(changed, [(Some(1), 124), (Some(1), 124)]);
}
