//! What every section of the tour shares.

pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Fails naming the operations of an API that a section did not call: the tour shows every
/// operation, and says so only when it did.
#[allow(dead_code)] // with no API feature on, no section calls it
pub async fn every_operation_called(
    server: &wiremock::MockServer,
    operations: &[crm_bindings_runtime::mock::Operation],
) -> Result {
    let requests = server.received_requests().await.unwrap_or_default();
    let missing = crm_bindings_runtime::mock::uncalled(operations, &requests);
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("the tour did not call {}", missing.join(", ")).into())
    }
}
