//! What every generated client runs before a request leaves (`ClientHooks::pre`).

use progenitor_client::{Error, OperationInfo};

/// Enforces the spec's `x-crm-required-one-of` rules, so an invalid body is refused here
/// and never sent. (progenitor's `api-version` header is removed at generation:
/// `xtask/src/generator/passes/send_errors.rs`.)
#[allow(clippy::result_large_err)] // the error type is progenitor's, fixed by `ClientHooks`
pub fn before_send<E>(
    request: &mut reqwest::Request,
    info: &OperationInfo,
    required_one_of: &[(&str, &[&str])],
) -> Result<(), Error<E>> {
    for (operation, fields) in required_one_of {
        if *operation != info.operation_id {
            continue;
        }
        let body: Option<serde_json::Value> = request
            .body()
            .and_then(|body| body.as_bytes())
            .and_then(|bytes| serde_json::from_slice(bytes).ok());
        let given = |field: &&str| {
            body.as_ref()
                .and_then(|body| body.get(*field))
                .is_some_and(|value| !value.is_null() && value.as_str() != Some(""))
        };
        if !fields.iter().any(given) {
            return Err(Error::InvalidRequest(format!(
                "the body needs {} (got none of them)",
                fields
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        }
    }
    Ok(())
}

/// `impl ClientHooks for Client` for a generated client, run before every request: what
/// [`before_send`] does, with the API's generated `rules`. progenitor's
/// `HooksMode::Expected` makes forgetting this a compile error.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_client_hooks {
    () => {
        impl ::progenitor_client::ClientHooks for Client {
            async fn pre<E>(
                &self,
                request: &mut $crate::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                $crate::hooks::before_send(request, info, rules::REQUIRED_ONE_OF)
            }
        }
    };
}
