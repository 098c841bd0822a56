//! Thulium CRM-fed outbound campaign records: every operation against the seed-003 examples.

use crate::common::Result;
use crm_bindings::thulium::mock::mount_examples;

/// The documents' API root on the mock server.
fn base_url(server: &wiremock::MockServer) -> String {
    format!("{}/api", server.uri())
}
use crm_bindings::thulium::{Client, types};
use std::num::NonZeroU64;

pub async fn run() -> Result {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    println!(
        "\n== Thulium outbound campaign records (mock system at {})",
        base_url(&server)
    );
    let client = Client::with_basic_auth(&base_url(&server), "api_user", "api_pass")?;
    let campaign: types::CampaignId = "00001".parse()?;

    // The documentation's example: `{"status_id":"3"}` (sent with the id as a number).
    let updated = client
        .update_outbound_record()
        .id(campaign.clone())
        .customer_id(441u64)
        .body(types::OutboundRecordUpdate::builder().status_id(NonZeroU64::new(3)))
        .send()
        .await?;
    println!(
        "update_outbound_record(00001, 441) status_id=3 -> {} (empty body)",
        updated.status()
    );

    // A MY_RECORD status needs an agent and a next call date; build the date from chrono.
    let next_call = chrono::NaiveDate::from_ymd_opt(2018, 5, 24)
        .and_then(|day| day.and_hms_opt(12, 24, 0))
        .ok_or("invalid date")?;
    let body: types::OutboundRecordUpdate = types::OutboundRecordUpdate::builder()
        .status_id(NonZeroU64::new(8))
        .dictionary_status_id(NonZeroU64::new(8))
        .agent_login("j.doe".to_string())
        .next_call_date(types::NextCallDate::from(next_call))
        .order(50)
        .try_into()?;
    println!("  every field: {}", serde_json::to_string(&body)?);
    let updated = client
        .update_outbound_record()
        .id(campaign)
        .customer_id(441u64)
        .body(body)
        .send()
        .await?;
    println!(
        "update_outbound_record(00001, 441) every field -> {}",
        updated.status()
    );

    if let Err(err) = "2018-05-24 12:24:00".parse::<types::NextCallDate>() {
        println!("next_call_date with seconds -> refused: {err}");
    }
    let refused = client
        .update_outbound_record()
        .id("0001")
        .customer_id(441u64)
        .send()
        .await;
    if let Err(err) = refused {
        println!("update_outbound_record with a four-character campaign id -> refused: {err}");
    }
    crate::common::every_operation_called(&server, crm_bindings::thulium::mock::OPERATIONS).await
}
