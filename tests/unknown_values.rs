//! An enum value the spec does not list (a CRM added a status) does not break an answer:
//! every enum of every API decodes one into its `Unknown` variant, keeping the raw value, the
//! rest of the answer intact; sending it back sends the same raw value; and nothing a user
//! builds can hold a made-up value (`FromStr`, `TryFrom` and `from_json` refuse it, and
//! `UnknownValue` has no public constructor: see its `compile_fail` doctest).
//!
//! The documented answers are the seeds' examples (`tests/fixtures/`); the undocumented
//! values are made up here, marked as such.

mod support;

use serde_json::json;
use support::json_fixture;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The enums each test below covers, by API. A spec that gains an enum, or a new spec, fails
/// `every_enum_of_every_spec_is_covered` until a test covers it.
const COVERED: &[(&str, &[&str])] = &[
    (
        "cscart",
        &[
            "CallRequestSortBy",
            "CallRequestStatus",
            "OrderExists",
            "SortOrder",
        ],
    ),
    (
        "solos",
        &[
            "DeletedFlag",
            "FilterCondition",
            "PaymentType",
            "ProjectHaving",
            "SortReverse",
        ],
    ),
    ("thulium", &[]),
    ("uapay", &[]),
    (
        "yume",
        &[
            "DeliveryStatus",
            "DeliveryType",
            "OrderPaymentStatus",
            "OrderStatus",
            "SaleStatus",
            "TriggerType",
        ],
    ),
];

#[test]
fn every_enum_of_every_spec_is_covered() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let api = path.file_stem().unwrap().to_str().unwrap().to_string();
        let spec: serde_json::Value =
            serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut enums: Vec<String> = spec["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, schema)| schema.get("enum").is_some())
            .map(|(name, _)| name.clone())
            .collect();
        enums.sort();
        found.push((api, enums));
    }
    found.sort();
    let covered: Vec<(String, Vec<String>)> = COVERED
        .iter()
        .map(|(api, enums)| {
            (
                api.to_string(),
                enums.iter().map(|e| e.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(found, covered, "update COVERED and add the enum's test");
}

#[cfg(feature = "cscart")]
mod cscart {
    use super::*;
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
            .body(types::CallRequestInput {
                status: Some(status.clone()),
                ..Default::default()
            })
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

#[cfg(feature = "yume")]
mod yume {
    use super::*;
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
            .body(types::WazzupTriggerRequest {
                type_: t.type_,
                order_status_from: Nullable::or_null(t.order_status_from.clone()),
                order_payment_status_from: Nullable::or_null(t.order_payment_status_from),
                sale_status_to: Nullable::or_null(t.sale_status_to),
                delivery_type: Nullable::or_null(t.delivery_type),
                delivery_status: Nullable::or_null(t.delivery_status),
                ..Default::default()
            })
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

#[cfg(feature = "solos")]
mod solos {
    use super::*;
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
            .body(types::ProjectFilter {
                reverse: Some(reverse.clone()),
                deleted: Some(deleted.clone()),
                condition: Some(condition),
                having: Some(having),
                ..Default::default()
            })
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
