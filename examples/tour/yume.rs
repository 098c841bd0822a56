//! Yume Wazzup triggers: every operation against the seed-000 PUT example and, for the
//! operations the seed does not describe, the examples of `specs/yume.yaml`.

use crate::common::Result;
use crm_bindings::yume::mock::mount_examples;

/// The documents' API root on the mock server.
fn base_url(server: &wiremock::MockServer) -> String {
    server.uri()
}
use crm_bindings::Nullable;
use crm_bindings::yume::{Client, types};

fn describe(trigger: &types::WazzupTrigger) -> String {
    let show = |value: Option<String>| value.unwrap_or_else(|| "-".into());
    format!(
        "#{} tenant {}: type {}, order {}->{}, template {} {:?}, created {}",
        trigger.id,
        trigger.tenant,
        show(trigger.type_.map(|t| format!("{t:?}"))),
        show(trigger.order_status_from.as_ref().map(|s| s.to_string())),
        show(trigger.order_status_to.as_ref().map(|s| s.to_string())),
        show(trigger.template_id.as_ref().map(|id| id.to_string())),
        trigger
            .template_keys
            .iter()
            .flatten()
            .map(|key| key.as_str())
            .collect::<Vec<_>>(),
        trigger.created_at.to_rfc3339(),
    )
}

pub async fn run() -> Result {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    println!(
        "\n== Yume Wazzup triggers (mock API at {})",
        base_url(&server)
    );
    let client = Client::with_bearer_token(&base_url(&server), "demo-jwt-access-token")?;

    let triggers = client.list_wazzup_triggers().send().await?;
    println!("list_wazzup_triggers -> {} trigger(s):", triggers.len());
    for trigger in triggers.iter() {
        println!("  {}", describe(trigger));
    }

    let body: types::WazzupTriggerRequest = types::WazzupTriggerRequest::builder()
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
        .template_id("<string>".parse::<types::WazzupTemplateId>()?)
        .template_keys(vec!["<string>".parse::<types::WazzupTemplateKey>()?])
        .timeout("<string>".to_string())
        .try_into()?;

    let created = client
        .create_wazzup_trigger()
        .body(body.clone())
        .send()
        .await?;
    println!(
        "create_wazzup_trigger -> {} {}",
        created.status(),
        describe(&created)
    );

    let updated = client
        .update_wazzup_trigger()
        .id(123)
        .body(body)
        .send()
        .await?;
    println!("update_wazzup_trigger(123) -> {}", describe(&updated));

    let patched = client
        .partial_update_wazzup_trigger()
        .id(123)
        .body(
            types::PatchedWazzupTriggerRequest::builder()
                .type_(types::TriggerType::Delivery)
                .delivery_status(types::DeliveryStatus::Cancel),
        )
        .send()
        .await?;
    println!(
        "partial_update_wazzup_trigger(123, {{\"type\": {}, \"delivery_status\": {}}}) -> {}",
        types::TriggerType::Delivery,
        types::DeliveryStatus::Cancel,
        describe(&patched)
    );

    // Clearing: `Nullable::Null` is sent as `null` (the service clears the field); fields
    // left at their default are not sent at all (the service keeps them).
    let mut cleared = types::PatchedWazzupTriggerRequest::default();
    cleared.text = Nullable::Null;
    cleared.template_keys = Nullable::Null;
    let wire = serde_json::to_string(&cleared)?;
    client
        .partial_update_wazzup_trigger()
        .id(123)
        .body(cleared)
        .send()
        .await?;
    println!("partial_update_wazzup_trigger(123, {wire}) -> cleared");

    if let Err(err) = "x".repeat(256).parse::<types::WazzupTemplateId>() {
        println!("a 256-character template_id -> {err}");
    }

    let deleted = client.delete_wazzup_trigger().id(123).send().await?;
    println!("delete_wazzup_trigger(123) -> {}", deleted.status());
    crate::common::every_operation_called(&server, crm_bindings::yume::mock::OPERATIONS).await
}
