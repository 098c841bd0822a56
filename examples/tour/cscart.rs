//! CS-Cart call requests: every operation against the seed-001 examples.

use crate::common::Result;
use crm_bindings::cscart::mock::mount_examples;

/// The documents' API root on the mock server.
fn base_url(server: &wiremock::MockServer) -> String {
    format!("{}/api/2.0", server.uri())
}
use crm_bindings::cscart::{Client, types};

pub async fn run() -> Result {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    println!(
        "== CS-Cart call requests (mock store at {})",
        base_url(&server)
    );
    let client = Client::with_basic_auth(&base_url(&server), "admin@example.com", "demo-api-key")?;

    let page = client
        .list_call_requests()
        .sort_by(types::CallRequestSortBy::Date)
        .sort_order(types::SortOrder::Desc)
        .send()
        .await?;
    println!(
        "list_call_requests -> {} of {} (page {}):",
        page.call_requests.len(),
        page.params.total_items,
        page.params.page
    );
    for request in &page.call_requests {
        println!(
            "  #{} {:?} {} {} ({}..{})",
            request.request_id,
            request.status,
            request.name,
            request.phone,
            request.time_from,
            request.time_to
        );
    }

    let one = client.get_call_request().id(1u64).send().await?;
    println!("get_call_request(1) -> {:?}", one.into_inner());

    let created = client
        .create_call_request()
        .body(
            types::CallRequestInput::builder()
                .phone("+7(999)111-22-33".to_string())
                .name("Api".to_string()),
        )
        .send()
        .await?;
    println!(
        "create_call_request -> {} {:?}",
        created.status(),
        created.into_inner()
    );

    let refused = client
        .create_call_request()
        .body(types::CallRequestInput::builder().name("No contact".to_string()))
        .send()
        .await;
    if let Err(err) = refused {
        println!("create_call_request without email or phone -> refused: {err}");
    }

    let updated = client
        .update_call_request()
        .id(7u64)
        .body(
            types::CallRequestInput::builder()
                .status(types::CallRequestStatus::NoAnswer)
                .notes("No answer".to_string()),
        )
        .send()
        .await?;
    println!("update_call_request(7) -> {:?}", updated.into_inner());

    let deleted = client.delete_call_request().id(7u64).send().await?;
    println!("delete_call_request(7) -> {}", deleted.status());
    crate::common::every_operation_called(&server, crm_bindings::cscart::mock::OPERATIONS).await
}
