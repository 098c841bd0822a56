//! UAPAY safe deal: the one operation (`update_deal`) against the seed-002 examples, with the
//! status rules and the validated types.

use crate::common::Result;
use crm_bindings::uapay::mock::mount_examples;

/// The documents' API root on the mock server.
fn base_url(server: &wiremock::MockServer) -> String {
    server.uri()
}
use crm_bindings::uapay::{Client, DealStatus, types};
use std::num::NonZeroU64;

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
    let payment: types::DealUpdatePayment = types::DealUpdatePayment::builder()
        .type_("P2P".to_string())
        .card_to_id("058a2fa1-8dee-4c39-8796-574cdc573530".to_string())
        .try_into()?;
    let handler: types::DealUpdateHandler = types::DealUpdateHandler::builder()
        .type_("NovaPoshta".to_string())
        .sender_first_name("Іван".parse::<types::PersonName>()?)
        .sender_last_name("Іванов".parse::<types::PersonName>()?)
        .sender_patronymic("Іванович".parse::<types::PersonName>()?)
        .sender_phone("380987654321".parse::<types::PhoneNumber>()?)
        .sender_email("ivanov@mail.test".parse::<types::Email>()?)
        .sender_city_id("8d5a980d-391c-11dd-90d9-001a92567626".to_string())
        .sender_office_id("7b2cc7fd-84ff-11e4-acce-0050568002cf".to_string())
        .recipient_first_name("Петро".parse::<types::PersonName>()?)
        .recipient_last_name("Петров".parse::<types::PersonName>()?)
        .recipient_patronymic("Петрович".parse::<types::PersonName>()?)
        .recipient_phone("380987654321".parse::<types::PhoneNumber>()?)
        .recipient_email("petrov@mail.test".parse::<types::Email>()?)
        .recipient_city_id("8d5a980d-391c-11dd-90d9-001a92567626".to_string())
        .recipient_office_id("1ec09d88-e1c2-11e3-8c4a-0050568002cf".to_string())
        .try_into()?;
    let example: types::DealUpdate = types::DealUpdate::builder()
        .ad_id("A-D7ZL93Z".to_string())
        .cart_id(338)
        .product_title("Стіл".to_string())
        .product_weight(NonZeroU64::try_from(15000)?)
        .product_price(NonZeroU64::try_from(100_000)?)
        .seller_first_name("Іван".parse::<types::PersonName>()?)
        .seller_last_name("Іванов".parse::<types::PersonName>()?)
        .seller_patronymic("Іванович".parse::<types::PersonName>()?)
        .seller_phone("380123456789".parse::<types::PhoneNumber>()?)
        .seller_email("ivanov@mail.test".parse::<types::Email>()?)
        .buyer_first_name("Петро".parse::<types::PersonName>()?)
        .buyer_last_name("Петров".parse::<types::PersonName>()?)
        .buyer_patronymic("Петрович".parse::<types::PersonName>()?)
        .buyer_phone("380987654321".parse::<types::PhoneNumber>()?)
        .buyer_email("petrov@mail.test".parse::<types::Email>()?)
        .payment(payment)
        .handler(handler)
        .try_into()?;
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
    let payout: types::DealUpdatePayment = types::DealUpdatePayment::builder()
        .card_to_id("b0be0af6-9c7e-4b62-bf16-9957b34549c9".to_string())
        .try_into()?;
    let paid: types::DealUpdate = types::DealUpdate::builder()
        .seller_phone("380123456789".parse::<types::PhoneNumber>()?)
        .payment(payout)
        .try_into()?;
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
