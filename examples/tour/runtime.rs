//! The production runtime on CS-Cart: a call retried after a 503 and its trace, a user's
//! hook beside the credentials, and the call-request list read as a stream of every page.

use crate::common::Result;
use crm_bindings::cscart::{Client, mock};
use crm_bindings::{Attempt, AttemptOutcome, HttpConfig, RequestHook, RetryPolicy};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::{MockServer, ResponseTemplate};

/// A metrics hook: prints each attempt's outcome (a real one would count them).
struct PrintAttempts;

impl RequestHook for PrintAttempts {
    fn after_attempt(&self, attempt: &Attempt, outcome: &AttemptOutcome<'_>) {
        if let AttemptOutcome::Answered {
            status, elapsed, ..
        } = outcome
        {
            println!(
                "  hook: {} attempt {} -> {status} in {elapsed:.1?}",
                attempt.operation, attempt.number
            );
        }
    }
}

pub async fn run() -> Result {
    println!("\n== The runtime: retries, the trace, a hook, every page as a stream");
    // Any `tracing` subscriber sees each call's span; this one prints it when it closes.
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .without_time()
        .finish();
    let _trace = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    // The store is briefly unavailable once, then answers with the seed's example.
    mock::get_call_request()
        .id(1u64)
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock::get_call_request()
        .id(1u64)
        .respond_example()
        .mount(&server)
        .await;
    mock::list_call_requests()
        .respond_example()
        .mount(&server)
        .await;

    let config = HttpConfig::default()
        .retries(RetryPolicy::default().backoff(Duration::from_millis(50), Duration::from_secs(1)))
        .user_agent_suffix("crm-bindings-tour/1")
        .hook(Arc::new(PrintAttempts));
    let client = Client::with_basic_auth_and_config(
        &format!("{}/api/2.0", server.uri()),
        "admin@example.com",
        "demo-api-key",
        &config,
    )?;

    let one = client.get_call_request().id(1u64).send().await?;
    println!(
        "get_call_request(1) after a 503 -> {} {}",
        one.status(),
        one.name
    );

    let mut requests = client.list_call_requests().stream();
    let mut count = 0;
    while let Some(request) = requests.next().await {
        let request = request?;
        count += 1;
        println!("  stream: #{} {}", request.request_id, request.phone);
    }
    println!("list_call_requests().stream() -> {count} call requests over every page");
    Ok(())
}
