//! Wire snapshots: every documented example request exactly as the typed client sends it
//! (method, path and query, headers with secrets masked, body). A spec edit that changes
//! what goes over the wire shows up here as a small diff.

mod support;

#[cfg(feature = "cscart")]
#[tokio::test]
async fn cscart_wire() {
    use crm_bindings::cscart::{Client, types};
    use support::mocks::cscart::{base_url, mount_examples};

    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    let client =
        Client::with_basic_auth(&base_url(&server), "admin@example.com", "cscart-wire-key")
            .unwrap();

    let mut titles = Vec::new();
    titles.push("list_call_requests: curl -X GET 'http://example.com/api/2.0/call_requests'");
    client.list_call_requests().send().await.unwrap();

    titles.push("list_call_requests with every filter (the spec's parameter examples)");
    client
        .list_call_requests()
        .page(1u64)
        .items_per_page(10u64)
        .sort_by(types::CallRequestSortBy::Date)
        .sort_order(types::SortOrder::Desc)
        .status(types::CallRequestStatus::New)
        .name("Vladimir")
        .phone("+7(917)111-11-11")
        .company_id(1u64)
        .order_status("P")
        .user_id(1u64)
        .order_exists(types::OrderExists::Y)
        .send()
        .await
        .unwrap();

    titles.push("get_call_request: curl -X GET 'http://example.com/api/2.0/call_requests/1'");
    client.get_call_request().id(1u64).send().await.unwrap();

    titles.push("create_call_request: -d '{\"phone\":\"+7(999)111-22-33\", \"name\":\"Api\"}'");
    client
        .create_call_request()
        .body(types::CallRequestInput {
            phone: Some("+7(999)111-22-33".into()),
            name: Some("Api".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();

    titles.push("update_call_request: -d '{\"status\":\"no_answer\", \"notes\":\"No answer\"}'");
    client
        .update_call_request()
        .id(7u64)
        .body(types::CallRequestInput {
            status: Some(types::CallRequestStatus::NoAnswer),
            notes: Some("No answer".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();

    titles.push("delete_call_request: curl -X DELETE 'http://example.com/api/2.0/call_requests/7'");
    client.delete_call_request().id(7u64).send().await.unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), titles.len());
    let text: Vec<String> = titles
        .iter()
        .zip(&received)
        .map(|(title, request)| support::wire::render(title, request))
        .collect();
    insta::assert_snapshot!("cscart_wire", text.join("\n"));
}
