//! UAPAY safe deal: the one operation (`update_deal`) against the seed-002 examples, with the
//! status rules and the validated types.

use crate::common::Result;
use crm_bindings::uapay::mock::mount_examples;

/// The documents' API root on the mock server.
fn base_url(server: &wiremock::MockServer) -> String {
    server.uri()
}
use crm_bindings::uapay::{Client, DealStatus, types};

pub async fn run() -> Result {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    println!(
        "\n== UAPAY safe deal (mock service at {})",
        base_url(&server)
    );
    // The source documents no authentication: this client sends none.
    let client =
        Client::with_http_config(&base_url(&server), &crm_bindings::HttpConfig::default())?;

    // The seed's example body, built through the validated types.
    let example = types::DealUpdate {
        ad_id: Some("A-D7ZL93Z".into()),
        cart_id: Some(338),
        product_title: Some("Стіл".into()),
        product_weight: Some(15000.try_into()?),
        product_price: Some(100_000.try_into()?),
        seller_first_name: Some("Іван".parse()?),
        seller_last_name: Some("Іванов".parse()?),
        seller_patronymic: Some("Іванович".parse()?),
        seller_phone: Some("380123456789".parse()?),
        seller_email: Some("ivanov@mail.test".parse()?),
        buyer_first_name: Some("Петро".parse()?),
        buyer_last_name: Some("Петров".parse()?),
        buyer_patronymic: Some("Петрович".parse()?),
        buyer_phone: Some("380987654321".parse()?),
        buyer_email: Some("petrov@mail.test".parse()?),
        payment: Some(types::DealUpdatePayment {
            type_: Some("P2P".into()),
            card_to_id: Some("058a2fa1-8dee-4c39-8796-574cdc573530".into()),
        }),
        handler: Some(types::DealUpdateHandler {
            type_: Some("NovaPoshta".into()),
            sender_first_name: Some("Іван".parse()?),
            sender_last_name: Some("Іванов".parse()?),
            sender_patronymic: Some("Іванович".parse()?),
            sender_phone: Some("380987654321".parse()?),
            sender_email: Some("ivanov@mail.test".parse()?),
            sender_city_id: Some("8d5a980d-391c-11dd-90d9-001a92567626".into()),
            sender_office_id: Some("7b2cc7fd-84ff-11e4-acce-0050568002cf".into()),
            recipient_first_name: Some("Петро".parse()?),
            recipient_last_name: Some("Петров".parse()?),
            recipient_patronymic: Some("Петрович".parse()?),
            recipient_phone: Some("380987654321".parse()?),
            recipient_email: Some("petrov@mail.test".parse()?),
            recipient_city_id: Some("8d5a980d-391c-11dd-90d9-001a92567626".into()),
            recipient_office_id: Some("1ec09d88-e1c2-11e3-8c4a-0050568002cf".into()),
        }),
        ..Default::default()
    };
    example.check_allowed(DealStatus::New)?;
    println!(
        "update_deal body: {} fields, allowed while NEW",
        example.set_fields().len()
    );
    if let Err(refused) = example.check_allowed(DealStatus::Paid) {
        println!("  while PAID it would be refused: {refused}");
    }

    let updated = client
        .update_deal()
        .deal_id("L8M95ER")
        .body(example)
        .send()
        .await?;
    println!(
        "update_deal(L8M95ER) -> {} id {} externalId {:?}",
        updated.status(),
        updated.data.id,
        updated.data.external_id
    );

    // A PAID deal may still change the seller's phone and payout card; found by external id.
    let paid = types::DealUpdate {
        seller_phone: Some("380123456789".parse()?),
        payment: Some(types::DealUpdatePayment {
            card_to_id: Some("b0be0af6-9c7e-4b62-bf16-9957b34549c9".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    paid.check_allowed(DealStatus::Paid)?;
    let updated = client
        .update_deal()
        .deal_id("myExternalId537916")
        .by_external_id(true)
        .body(paid)
        .send()
        .await?;
    println!(
        "update_deal(myExternalId537916, byExternalId) {:?} -> id {}",
        ["sellerPhone", "payment.cardToId"],
        updated.data.id
    );

    // Invalid values never become a body: refused when parsed, before any request.
    if let Err(err) = "Ivan".parse::<types::PersonName>() {
        println!("seller name \"Ivan\" -> refused: {err}");
    }
    if let Err(err) = "+380123456789".parse::<types::PhoneNumber>() {
        println!("phone \"+380123456789\" -> refused: {err}");
    }
    // A body decoded from input (a form, a queue message) names the refused field.
    if let Err(err) = crm_bindings::from_json::<types::DealUpdate>(
        serde_json::json!({ "productPrice": 0, "sellerFirstName": "Іван" }),
    ) {
        println!("{{\"productPrice\": 0}} -> refused: {err}");
    }
    crate::common::every_operation_called(&server, crm_bindings::uapay::mock::OPERATIONS).await
}
