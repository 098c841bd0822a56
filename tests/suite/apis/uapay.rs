//! UAPAY safe deal (deal update) against a wiremock server built from seed 002's examples:
//! the documented example request goes out exactly as documented, the documented response
//! decodes, the documented constraints and status rules hold before anything is sent, and
//! errors are typed.
#![cfg(feature = "uapay")]

use crate::support::json_fixture;
use crate::support::matchers::{no_query, standard_headers_only};
use crm_bindings::uapay::mock::mount_examples;
use crm_bindings::uapay::{Client, DealStatus, Error, rules, types};
use std::num::NonZeroU64;

fn base_url(server: &MockServer) -> String {
    server.uri()
}
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::with_http_config(&base_url(server), &crm_bindings::HttpConfig::default()).unwrap()
}

/// The source documents no authentication, so `with_http_config` sends none.
fn no_authorization(request: &Request) -> bool {
    !request.headers.contains_key("authorization")
}

fn name(value: &str) -> types::PersonName {
    value.parse().unwrap()
}

fn phone(value: &str) -> types::PhoneNumber {
    value.parse().unwrap()
}

fn email(value: &str) -> types::Email {
    value.parse().unwrap()
}

/// The seed's example body (`PATCH /deals/L8M95ER`), built through the typed body.
fn example_body() -> types::DealUpdate {
    let payment: types::DealUpdatePayment = types::DealUpdatePayment::builder()
        .type_("P2P".to_string())
        .card_to_id("058a2fa1-8dee-4c39-8796-574cdc573530".to_string())
        .try_into()
        .unwrap();
    let handler: types::DealUpdateHandler = types::DealUpdateHandler::builder()
        .type_("NovaPoshta".to_string())
        .sender_first_name(name("Іван"))
        .sender_last_name(name("Іванов"))
        .sender_patronymic(name("Іванович"))
        .sender_phone(phone("380987654321"))
        .sender_email(email("ivanov@mail.test"))
        .sender_city_id("8d5a980d-391c-11dd-90d9-001a92567626".to_string())
        .sender_office_id("7b2cc7fd-84ff-11e4-acce-0050568002cf".to_string())
        .recipient_first_name(name("Петро"))
        .recipient_last_name(name("Петров"))
        .recipient_patronymic(name("Петрович"))
        .recipient_phone(phone("380987654321"))
        .recipient_email(email("petrov@mail.test"))
        .recipient_city_id("8d5a980d-391c-11dd-90d9-001a92567626".to_string())
        .recipient_office_id("1ec09d88-e1c2-11e3-8c4a-0050568002cf".to_string())
        .try_into()
        .unwrap();
    types::DealUpdate::builder()
        .ad_id("A-D7ZL93Z".to_string())
        .cart_id(338)
        .product_title("Стіл".to_string())
        .product_weight(NonZeroU64::new(15000).unwrap())
        .product_price(NonZeroU64::new(100_000).unwrap())
        .seller_first_name(name("Іван"))
        .seller_last_name(name("Іванов"))
        .seller_patronymic(name("Іванович"))
        .seller_phone(phone("380123456789"))
        .seller_email(email("ivanov@mail.test"))
        .buyer_first_name(name("Петро"))
        .buyer_last_name(name("Петров"))
        .buyer_patronymic(name("Петрович"))
        .buyer_phone(phone("380987654321"))
        .buyer_email(email("petrov@mail.test"))
        .payment(payment)
        .handler(handler)
        .try_into()
        .unwrap()
}

/// An update the seed allows while the deal is `PAID`: the seller's phone and payout card.
fn paid_update() -> types::DealUpdate {
    let payment: types::DealUpdatePayment = types::DealUpdatePayment::builder()
        .card_to_id("b0be0af6-9c7e-4b62-bf16-9957b34549c9".to_string())
        .try_into()
        .unwrap();
    types::DealUpdate::builder()
        .seller_phone(phone("380123456789"))
        .payment(payment)
        .try_into()
        .unwrap()
}

/// What a caller holding untyped input does: decode it into the typed body, then send it.
/// `Err` says where it stopped.
async fn send_json(client: &Client, body: serde_json::Value) -> Result<(), String> {
    let body: types::DealUpdate =
        serde_json::from_value(body).map_err(|e| format!("refused by the type: {e}"))?;
    client
        .update_deal()
        .deal_id("L8M95ER")
        .body(body)
        .send()
        .await
        .map(drop)
        .map_err(|e| format!("send failed: {e}"))
}

fn sorted(mut fields: Vec<String>) -> Vec<String> {
    fields.sort();
    fields
}

fn strings(fields: &[&str]) -> Vec<String> {
    sorted(fields.iter().map(|f| f.to_string()).collect())
}

// ---------------------------------------------------------------------------------------
// The documented example
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn update_sends_the_documented_body_and_decodes_the_documented_response() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/deals/L8M95ER"))
        .and(no_query)
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header(
            "user-agent",
            concat!("crm-bindings/", env!("CARGO_PKG_VERSION")),
        ))
        .and(body_json(json_fixture("uapay/update_deal.request.json")))
        .and(no_authorization)
        .and(standard_headers_only)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("uapay/update_deal.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_deal()
        .deal_id("L8M95ER")
        .body(example_body())
        .send()
        .await
        .unwrap();

    assert_eq!(updated.status(), 200);
    assert_eq!(updated.data.id, "L8M95ER");
    assert_eq!(
        updated.data.external_id.as_deref(),
        Some("myExternalId537916")
    );
    let documented: types::DealUpdateResponse =
        serde_json::from_value(json_fixture("uapay/update_deal.response.json")).unwrap();
    assert_eq!(*updated, documented);
}

#[test]
fn the_typed_example_body_is_the_documented_body() {
    let documented = json_fixture("uapay/update_deal.request.json");
    assert_eq!(serde_json::to_value(example_body()).unwrap(), documented);
    let decoded: types::DealUpdate = serde_json::from_value(documented).unwrap();
    assert_eq!(decoded, example_body());
}

#[tokio::test]
async fn by_external_id_adds_the_flag_and_puts_the_external_id_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/deals/myExternalId537916"))
        .and(query_param("byExternalId", "true"))
        .and(body_json(serde_json::json!({
            "sellerPhone": "380123456789",
            "payment": { "cardToId": "b0be0af6-9c7e-4b62-bf16-9957b34549c9" }
        })))
        .and(standard_headers_only)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("uapay/update_deal.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_deal()
        .deal_id("myExternalId537916")
        .by_external_id(true)
        .body(paid_update())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.data.id, "L8M95ER");

    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        sent.url.query(),
        Some("byExternalId=true"),
        "no extra parameters"
    );
}

#[tokio::test]
async fn by_external_id_false_is_sent_as_false() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    client(&server)
        .update_deal()
        .deal_id("L8M95ER")
        .by_external_id(false)
        .body(paid_update())
        .send()
        .await
        .unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.url.query(), Some("byExternalId=false"));
}

#[tokio::test]
async fn a_deal_id_stays_one_path_segment_whatever_it_contains() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("uapay/update_deal.response.json")),
        )
        .mount(&server)
        .await;

    client(&server)
        .update_deal()
        .deal_id("ext/42 a?b#c")
        .by_external_id(true)
        .body(paid_update())
        .send()
        .await
        .unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.url.path(), "/deals/ext%2F42%20a%3Fb%23c");
    assert_eq!(sent.url.query(), Some("byExternalId=true"));
}

#[tokio::test]
async fn an_empty_or_dot_segment_deal_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);
    let mut not_refused = Vec::new();
    for deal_id in ["", ".", ".."] {
        let result = client
            .update_deal()
            .deal_id(deal_id)
            .body(paid_update())
            .send()
            .await;
        if !matches!(result, Err(Error::InvalidRequest { message: _, .. })) {
            not_refused.push(deal_id);
        }
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert!(
        not_refused.is_empty() && paths.is_empty(),
        "{not_refused:?} were sent to {paths:?}"
    );
}

#[tokio::test]
async fn a_missing_deal_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let err = client(&server)
        .update_deal()
        .body(example_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "update_deal: deal_id is required (not set); nothing was sent"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// Constraints enforced by the types
// ---------------------------------------------------------------------------------------

/// `{"sellerFirstName": v}`, `{"buyerPatronymic": v}`, `{"handler": {"recipientLastName": v}}`:
/// the same constraint at the top level and inside `handler`.
fn name_bodies(value: &serde_json::Value) -> [serde_json::Value; 3] {
    [
        serde_json::json!({ "sellerFirstName": value }),
        serde_json::json!({ "buyerPatronymic": value }),
        serde_json::json!({ "handler": { "recipientLastName": value } }),
    ]
}

#[tokio::test]
async fn person_names_are_cyrillic_or_apostrophe_without_triple_letters() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    let bad = [
        "Ivan",       // Latin
        "Iван",       // a Latin `I` among Cyrillic letters
        "Іван2",      // a digit
        "Іван Петро", // a space
        "Анна-Марія", // a hyphen
        "Аааа",       // `а` three times in a row
        "Іваннн",     // `н` three times in a row
        "",           // empty
        "Ιван",       // a Greek capital iota
    ];
    for value in bad {
        assert!(
            value.parse::<types::PersonName>().is_err(),
            "{value:?} was accepted"
        );
        for body in name_bodies(&value.into()) {
            let result = send_json(&client, body.clone()).await;
            assert!(
                matches!(&result, Err(e) if e.starts_with("refused by the type")),
                "{body}: {result:?}"
            );
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    let good = [
        "Мар'яна",  // ASCII apostrophe
        "Мар’яна",  // U+2019
        "Марʼяна",  // U+02BC, the Ukrainian orthographic apostrophe
        "Ґалаґан",  // Ukrainian Ґ ґ
        "Ёлкин",    // Russian Ё
        "Їжачок",   // Ukrainian Ї
        "Єва",      // Ukrainian Є
        "Ааа",      // `А` then `а` twice: case-sensitive, at most two in a row
        "Мар''яна", // two apostrophes in a row
    ];
    for value in good {
        assert_eq!(&*name(value), value);
        for body in name_bodies(&value.into()) {
            send_json(&client, body.clone())
                .await
                .unwrap_or_else(|e| panic!("{body}: {e}"));
        }
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        good.len() * 3
    );
}

#[tokio::test]
async fn phones_are_380_and_nine_digits() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);
    let bodies = |value: serde_json::Value| {
        [
            serde_json::json!({ "sellerPhone": value }),
            serde_json::json!({ "buyerPhone": value }),
            serde_json::json!({ "handler": { "senderPhone": value } }),
        ]
    };

    for value in [
        "+380123456789",
        "38012345678",
        "0501234567",
        "3801234567890",
        "380 12 345 6789",
        "480123456789",
        "38012345678a",
        "",
    ] {
        assert!(
            value.parse::<types::PhoneNumber>().is_err(),
            "{value:?} was accepted"
        );
        for body in bodies(value.into()) {
            let result = send_json(&client, body.clone()).await;
            assert!(
                matches!(&result, Err(e) if e.starts_with("refused by the type")),
                "{body}: {result:?}"
            );
        }
    }
    // A JSON number is not the documented string.
    for body in bodies(serde_json::json!(380_123_456_789u64)) {
        assert!(send_json(&client, body).await.is_err());
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    assert_eq!(&*phone("380123456789"), "380123456789");
    for body in bodies("380123456789".into()) {
        send_json(&client, body).await.unwrap();
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn emails_need_one_at_and_a_dotted_domain() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);
    let bodies = |value: serde_json::Value| {
        [
            serde_json::json!({ "sellerEmail": value }),
            serde_json::json!({ "buyerEmail": value }),
            serde_json::json!({ "handler": { "recipientEmail": value } }),
        ]
    };

    for value in [
        "ivanov",
        "ivanov@",
        "@mail.test",
        "ivanov@mail",
        "iva nov@mail.test",
        "ivanov@@mail.test",
        "ivanov@mail.",
        "",
    ] {
        assert!(
            value.parse::<types::Email>().is_err(),
            "{value:?} was accepted"
        );
        for body in bodies(value.into()) {
            let result = send_json(&client, body.clone()).await;
            assert!(
                matches!(&result, Err(e) if e.starts_with("refused by the type")),
                "{body}: {result:?}"
            );
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    assert_eq!(&*email("ivanov@mail.test"), "ivanov@mail.test");
    for body in bodies("ivanov@mail.test".into()) {
        send_json(&client, body).await.unwrap();
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn weight_and_price_are_whole_numbers_above_zero() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    assert!(NonZeroU64::try_from(0u64).is_err());
    for field in ["productWeight", "productPrice"] {
        for bad in [
            serde_json::json!(0),
            serde_json::json!(-5),
            serde_json::json!(1.5),
            serde_json::json!(1e3),
            serde_json::json!("15000"),
        ] {
            let body = serde_json::json!({ field: bad });
            assert!(
                serde_json::from_value::<types::DealUpdate>(body.clone()).is_err(),
                "{body} was accepted"
            );
            assert!(send_json(&client, body).await.is_err());
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    for field in ["productWeight", "productPrice"] {
        for good in [1u64, 15000, 100_000] {
            send_json(&client, serde_json::json!({ field: good }))
                .await
                .unwrap();
        }
    }
    let update: types::DealUpdate =
        serde_json::from_value(serde_json::json!({ "productWeight": 1, "productPrice": 100000 }))
            .unwrap();
    assert_eq!(update.product_weight, NonZeroU64::new(1));
    assert_eq!(update.product_price, NonZeroU64::new(100_000));
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

// ---------------------------------------------------------------------------------------
// Status rules (which fields may change while the deal is NEW / PAID)
// ---------------------------------------------------------------------------------------

/// The seed's "Дозволені поля для оновлення при статусі угоди "NEW"", written out by hand
/// (the seed runs `cartIdcartExternalIdproductTitleproductPrice` and
/// `payment.typepayment.cardToId` together; split here).
const SEED_NEW: [&str; 34] = [
    "cartId",
    "cartExternalId",
    "productTitle",
    "productPrice",
    "productWeight",
    "sellerFirstName",
    "sellerLastName",
    "sellerPatronymic",
    "sellerPhone",
    "sellerEmail",
    "buyerFirstName",
    "buyerLastName",
    "buyerPatronymic",
    "buyerPhone",
    "buyerEmail",
    "lg",
    "adId",
    "payment.type",
    "payment.cardToId",
    "handler.type",
    "handler.senderFirstName",
    "handler.senderLastName",
    "handler.senderPatronymic",
    "handler.senderPhone",
    "handler.senderEmail",
    "handler.senderCityId",
    "handler.senderOfficeId",
    "handler.recipientFirstName",
    "handler.recipientLastName",
    "handler.recipientPatronymic",
    "handler.recipientPhone",
    "handler.recipientEmail",
    "handler.recipientCityId",
    "handler.recipientOfficeId",
];

/// The seed's "PAID" list, by hand (`sellerEmailpayment.cardToIdhandler.senderFirstName`
/// split).
const SEED_PAID: [&str; 18] = [
    "sellerFirstName",
    "sellerLastName",
    "sellerPatronymic",
    "sellerPhone",
    "sellerEmail",
    "payment.cardToId",
    "handler.senderFirstName",
    "handler.senderLastName",
    "handler.senderPatronymic",
    "handler.senderPhone",
    "handler.senderEmail",
    "handler.senderOfficeId",
    "handler.recipientFirstName",
    "handler.recipientLastName",
    "handler.recipientPatronymic",
    "handler.recipientPhone",
    "handler.recipientEmail",
    "handler.recipientOfficeId",
];

#[test]
fn the_allowed_fields_are_the_seeds_lists() {
    assert_eq!(DealStatus::New.allowed_fields(), SEED_NEW);
    assert_eq!(DealStatus::Paid.allowed_fields(), SEED_PAID);
}

#[test]
fn deal_status_all_is_exactly_the_specs_statuses() {
    let mut in_rules: Vec<&str> = rules::ALLOWED_FIELDS_BY_STATUS
        .iter()
        .map(|(operation, status, _)| {
            assert_eq!(*operation, "update_deal");
            *status
        })
        .collect();
    in_rules.sort();
    let mut all: Vec<&str> = DealStatus::ALL.iter().map(|s| s.as_str()).collect();
    all.sort();
    assert_eq!(all, in_rules);
    assert_eq!(all, ["NEW", "PAID"]);
}

#[test]
fn the_seed_example_sets_its_32_fields_and_all_are_allowed_while_new() {
    let body = example_body();
    // Every leaf of the seed's example, by hand: all of SEED_NEW but `cartExternalId` and `lg`.
    let expected: Vec<&str> = SEED_NEW
        .into_iter()
        .filter(|f| !["cartExternalId", "lg"].contains(f))
        .collect();
    assert_eq!(sorted(body.set_fields()), strings(&expected));
    assert_eq!(body.set_fields().len(), 32);

    assert!(body.fields_not_allowed(DealStatus::New).is_empty());
    assert_eq!(body.check_allowed(DealStatus::New), Ok(()));
}

#[test]
fn the_seed_example_while_paid_names_exactly_the_fields_paid_forbids() {
    let body = example_body();
    // The example's fields that are not in the seed's PAID list, by hand.
    let forbidden = [
        "adId",
        "cartId",
        "productTitle",
        "productWeight",
        "productPrice",
        "buyerFirstName",
        "buyerLastName",
        "buyerPatronymic",
        "buyerPhone",
        "buyerEmail",
        "payment.type",
        "handler.type",
        "handler.senderCityId",
        "handler.recipientCityId",
    ];
    assert_eq!(
        sorted(body.fields_not_allowed(DealStatus::Paid)),
        strings(&forbidden)
    );

    let err = body.check_allowed(DealStatus::Paid).unwrap_err();
    assert_eq!(err.status, DealStatus::Paid);
    assert_eq!(sorted(err.fields.clone()), strings(&forbidden));
    let shown = err.to_string();
    assert!(shown.contains("PAID"), "{shown}");
    for field in forbidden {
        assert!(shown.contains(field), "{field} missing from: {shown}");
    }
    for allowed in ["sellerPhone", "payment.cardToId", "handler.senderOfficeId"] {
        assert!(
            !err.fields.iter().any(|f| f == allowed),
            "{allowed}: {shown}"
        );
    }
}

#[tokio::test]
async fn seller_phone_and_payout_card_may_change_while_paid() {
    let update = paid_update();
    assert_eq!(
        sorted(update.set_fields()),
        strings(&["sellerPhone", "payment.cardToId"])
    );
    assert_eq!(update.check_allowed(DealStatus::Paid), Ok(()));
    assert_eq!(update.check_allowed(DealStatus::New), Ok(()));

    // The payment system itself may not change once paid.
    let mut with_type = update.clone();
    with_type.payment.as_mut().unwrap().type_ = Some("P2P".into());
    let err = with_type.check_allowed(DealStatus::Paid).unwrap_err();
    assert_eq!(err.fields, ["payment.type"]);
    assert_eq!(
        err.to_string(),
        "fields not allowed while the deal is PAID: payment.type"
    );

    // And the allowed update goes out as it is.
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/deals/L8M95ER"))
        .and(body_json(serde_json::json!({
            "sellerPhone": "380123456789",
            "payment": { "cardToId": "b0be0af6-9c7e-4b62-bf16-9957b34549c9" }
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("uapay/update_deal.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .update_deal()
        .deal_id("L8M95ER")
        .body(update)
        .send()
        .await
        .unwrap();
}

#[test]
fn cart_external_id_and_lg_may_change_only_while_new() {
    let update: types::DealUpdate = types::DealUpdate::builder()
        .cart_external_id("myExternalId478454".to_string())
        .lg("uk".to_string())
        .try_into()
        .unwrap();
    assert_eq!(update.check_allowed(DealStatus::New), Ok(()));
    assert_eq!(
        sorted(update.fields_not_allowed(DealStatus::Paid)),
        strings(&["cartExternalId", "lg"])
    );
    let nobody = types::DealUpdate::default();
    assert!(nobody.set_fields().is_empty());
    for status in DealStatus::ALL {
        assert_eq!(nobody.check_allowed(status), Ok(()));
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_400_decodes_into_the_typed_api_error() {
    let server = MockServer::start().await;
    // The spec's example (the service's general Escrow Box error format), then one with
    // `fields` mirroring the body's structure.
    let not_allowed = serde_json::json!({
        "error": { "code": "NOT_ALLOWED", "message": "Authorization credentials are required" }
    });
    let invalid = serde_json::json!({
        "error": {
            "code": "VALIDATION_ERROR",
            "message": "Invalid fields",
            "fields": { "sellerPhone": "INVALID_FORMAT", "handler": { "senderPhone": "INVALID_FORMAT" } }
        }
    });
    Mock::given(method("PATCH"))
        .and(path("/deals/L8M95ER"))
        .respond_with(ResponseTemplate::new(400).set_body_json(&not_allowed))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/deals/BADPHONE"))
        .respond_with(ResponseTemplate::new(400).set_body_json(&invalid))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client
        .update_deal()
        .deal_id("L8M95ER")
        .body(example_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_REQUEST));
    let Error::ErrorResponse { response, .. } = err else {
        panic!("expected ErrorResponse, got {err:?}");
    };
    assert_eq!(response.error.code, "NOT_ALLOWED");
    assert_eq!(
        response.error.message.as_deref(),
        Some("Authorization credentials are required")
    );
    assert!(response.error.fields.is_empty());

    let err = client
        .update_deal()
        .deal_id("BADPHONE")
        .body(paid_update())
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse { response, .. } = err else {
        panic!("expected ErrorResponse, got {err:?}");
    };
    assert_eq!(response.error.code, "VALIDATION_ERROR");
    assert_eq!(response.error.fields["sellerPhone"], "INVALID_FORMAT");
    assert_eq!(
        response.error.fields["handler"]["senderPhone"],
        "INVALID_FORMAT"
    );
    let decoded: types::ApiError = serde_json::from_value(invalid).unwrap();
    assert_eq!(*response, decoded);
}

#[tokio::test]
async fn a_response_without_external_id_decodes_and_one_without_id_does_not() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/deals/NOEXT"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "data": { "id": "NOEXT" } })),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/deals/NOID"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "data": { "externalId": "x" } })),
        )
        .mount(&server)
        .await;
    let client = client(&server);

    let updated = client
        .update_deal()
        .deal_id("NOEXT")
        .body(paid_update())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.data.id, "NOEXT");
    assert_eq!(updated.data.external_id, None);

    let err = client
        .update_deal()
        .deal_id("NOID")
        .body(paid_update())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// Construction: no documented auth, a caller's own client, base URLs
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn with_http_config_sends_no_credentials() {
    let server = MockServer::start().await;
    mount_examples(&server).await;
    client(&server)
        .update_deal()
        .deal_id("L8M95ER")
        .body(paid_update())
        .send()
        .await
        .unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    let mut names: Vec<&str> = sent.headers.keys().map(|n| n.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "accept",
            "content-length",
            "content-type",
            "host",
            "user-agent"
        ],
        "{:?}",
        sent.headers
    );
}

#[tokio::test]
async fn a_callers_own_reqwest_client_and_its_credentials_are_used() {
    const TOKEN: &str = "Bearer uapay-partner-token-51c2";
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/deals/L8M95ER"))
        .and(header("authorization", TOKEN))
        .and(header("user-agent", "partner-app/1.0"))
        .and(header("accept", "application/json"))
        .and(body_json(json_fixture("uapay/update_deal.request.json")))
        .and(standard_headers_only)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("uapay/update_deal.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut token = reqwest::header::HeaderValue::from_static(TOKEN);
    token.set_sensitive(true);
    let http = reqwest::Client::builder()
        .default_headers(reqwest::header::HeaderMap::from_iter([(
            reqwest::header::AUTHORIZATION,
            token,
        )]))
        .user_agent("partner-app/1.0")
        .build()
        .unwrap();
    let client = Client::new_with_client(&base_url(&server), http);
    let debug = format!("{client:?}");
    assert!(!debug.contains("uapay-partner-token"), "{debug}");

    let updated = client
        .update_deal()
        .deal_id("L8M95ER")
        .body(example_body())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.data.id, "L8M95ER");
}

#[tokio::test]
async fn the_generated_new_sends_no_api_version_either() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/deals/L8M95ER"))
        .and(no_authorization)
        .and(standard_headers_only)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json_fixture("uapay/update_deal.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Client::new(&base_url(&server))
        .update_deal()
        .deal_id("L8M95ER")
        .body(paid_update())
        .send()
        .await
        .unwrap();
}

/// Every documented example request exactly as the typed client sends it (method, path and
/// query, headers with secrets masked, body): a spec edit that changes the wire shows here.
#[tokio::test]
async fn wire() {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    let client = client(&server);

    let mut titles = Vec::new();
    titles.push("update_deal: PATCH /deals/L8M95ER with the seed's example body");
    client
        .update_deal()
        .deal_id("L8M95ER")
        .body(example_body())
        .send()
        .await
        .unwrap();

    titles.push(
        "update_deal by external id (byExternalId=true), PAID-allowed fields \
         (sellerPhone, payment.cardToId; the seed's parameter examples)",
    );
    client
        .update_deal()
        .deal_id("myExternalId537916")
        .by_external_id(true)
        .body(paid_update())
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

/// UAPAY documents no authentication: the credential a partner is given travels only in the
/// header they name, marked sensitive, never in an error; through `with_credential_header`
/// (under the crate's rules) and through a caller's own `reqwest::Client`
/// (`new_with_client`, the caller's rules).
mod caller_credentials {
    use super::*;
    use crm_bindings::HttpConfig;

    const TOKEN: &str = "uapay-PARTNER-3e9d/71c0+";

    fn own_client(base: &str) -> Client {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {TOKEN}")).unwrap();
        value.set_sensitive(true);
        let http = reqwest::Client::builder()
            .default_headers(reqwest::header::HeaderMap::from_iter([(
                reqwest::header::AUTHORIZATION,
                value,
            )]))
            .build()
            .unwrap();
        Client::new_with_client(base, http)
    }

    fn with_header(base: &str) -> Client {
        Client::with_credential_header(
            base,
            "authorization",
            &format!("Bearer {TOKEN}"),
            &HttpConfig::default(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn the_credential_is_sent_in_its_header_only_and_never_shown() {
        for (how, build) in [
            ("with_credential_header", with_header as fn(&str) -> Client),
            ("new_with_client", own_client),
        ] {
            let server = MockServer::start().await;
            Mock::given(method("PATCH"))
                .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
                .respond_with(
                    ResponseTemplate::new(401)
                        .set_body_string(format!("<html>bad token Bearer {TOKEN}</html>")),
                )
                .expect(1)
                .mount(&server)
                .await;
            let client = build(&server.uri());
            let debug = format!("{client:?}");
            assert!(
                debug.contains("Sensitive") && !debug.contains(TOKEN),
                "{how}: {debug}"
            );
            let err = client
                .update_deal()
                .deal_id("L8M95ER")
                .body(types::DealUpdate::default())
                .send()
                .await
                .unwrap_err();
            let shown = format!("{err} {err:?}");
            let request = &server.received_requests().await.unwrap()[0];
            assert!(!request.url.as_str().contains("PARTNER"), "{how}");
            assert!(
                !String::from_utf8_lossy(&request.body).contains("PARTNER"),
                "{how}"
            );
            if how == "with_credential_header" {
                // The crate knows this credential: an echo of it is replaced.
                assert!(!shown.contains(TOKEN), "{how}: {shown}");
                assert!(shown.contains("[REDACTED]"), "{how}: {shown}");
            }
            server.verify().await;
        }
    }

    #[test]
    fn plain_http_to_another_host_is_refused_for_a_credential_header() {
        let err = Client::with_credential_header(
            "http://deals.example",
            "authorization",
            TOKEN,
            &HttpConfig::default(),
        )
        .unwrap_err();
        assert!(
            matches!(err, crm_bindings::ConfigError::InsecureBaseUrl(_)),
            "{err:?}"
        );
        assert!(!err.to_string().contains(TOKEN));
    }
}
