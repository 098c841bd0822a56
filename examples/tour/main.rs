//! A tour of crm-bindings: every operation of every API against an embedded mock server
//! that answers with the specs' examples (taken from the source documents), through each
//! API's generated typed mocks (`crm_bindings::<api>::mock`). No credentials, no network.
//!
//!     cargo run --example tour

#[cfg(feature = "cscart")]
mod cscart;
#[cfg(all(feature = "cscart", feature = "tracing"))]
mod runtime;
#[cfg(feature = "solos")]
mod solos;
#[cfg(feature = "thulium")]
mod thulium;
#[cfg(feature = "uapay")]
mod uapay;
#[cfg(feature = "yume")]
mod yume;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Fails naming the operations of an API that a section did not call: the tour shows every
/// operation, and says so only when it did.
#[allow(dead_code)] // with no API feature on, no section calls it
async fn every_operation_called(
    server: &wiremock::MockServer,
    operations: &[crm_bindings::mock_support::Operation],
) -> Result {
    let requests = server.received_requests().await.unwrap_or_default();
    let missing = crm_bindings::mock_support::uncalled(operations, &requests);
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("the tour did not call {}", missing.join(", ")).into())
    }
}

#[tokio::main]
async fn main() -> Result {
    #[cfg(feature = "cscart")]
    cscart::run().await?;
    #[cfg(feature = "yume")]
    yume::run().await?;
    #[cfg(feature = "uapay")]
    uapay::run().await?;
    #[cfg(feature = "thulium")]
    thulium::run().await?;
    #[cfg(feature = "solos")]
    solos::run().await?;
    #[cfg(all(feature = "cscart", feature = "tracing"))]
    runtime::run().await?;
    println!("\nTour finished: every operation answered.");
    Ok(())
}
