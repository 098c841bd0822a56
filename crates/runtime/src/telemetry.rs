//! The trace of every call (the `tracing` feature, on by default): one span per call,
//! named after the operation, and events for retries and failures. Without the feature,
//! or without a subscriber, this costs a disabled-callsite check per call.
//!
//! Every span and event has the target [`crate::TRACING_TARGET`] (`crm_bindings`), given
//! explicitly: a span is created by the `call_span!` expansion in an API crate's generated
//! code, whose module path (`crm_bindings_yume::generated::builder`) would otherwise be its
//! target, and the events here would be `crm_bindings_runtime::telemetry::enabled`.
//!
//! Nothing here records a header value, a URL or a request body, so no credential or
//! query value reaches a subscriber; error texts are the scrubbed ones, and a transport
//! error is shown without its URL.

#[cfg(feature = "tracing")]
pub use enabled::*;

#[cfg(not(feature = "tracing"))]
pub use disabled::*;

/// `call_span!("operation", "METHOD", "/path/{template}")`: the span of one call (the
/// generator wraps every `send()` in it; a span's name must be a literal).
#[cfg(feature = "tracing")]
#[doc(hidden)]
#[macro_export]
macro_rules! call_span {
    ($operation:literal, $method:literal, $path:literal) => {
        $crate::__tracing::info_span!(
            target: $crate::TRACING_TARGET,
            $operation,
            operation = $operation,
            method = $method,
            path = $path,
            status = $crate::__tracing::field::Empty,
            attempts = $crate::__tracing::field::Empty,
            duration_ms = $crate::__tracing::field::Empty,
            request_id = $crate::__tracing::field::Empty,
        )
    };
}

#[cfg(not(feature = "tracing"))]
#[doc(hidden)]
#[macro_export]
macro_rules! call_span {
    ($operation:literal, $method:literal, $path:literal) => {
        $crate::telemetry::NoSpan
    };
}

#[cfg(feature = "tracing")]
mod enabled {
    use crate::TRACING_TARGET;
    use crate::error::Error;
    use progenitor_client::ResponseValue;
    use std::fmt::Debug;
    use std::future::Future;
    use std::time::{Duration, Instant};
    use tracing::Instrument as _;

    /// Runs a call's future inside `span` and records how it ended: status, duration,
    /// request id, and an event for a failure (WARN for a refused request or a documented
    /// error status, ERROR for everything else). Each field is recorded once, since a
    /// subscriber such as `tracing_subscriber::fmt` prints a field as often as it is
    /// recorded: `attempts` by [`crate::execute::execute`] for a call that sent something
    /// (`record_attempts`), here (as 0) for one refused before sending; the request id here
    /// only, from the answer's headers or the error (which prefers the body's id).
    pub async fn in_call<T, E: Debug>(
        span: tracing::Span,
        call: impl Future<Output = Result<ResponseValue<T>, Error<E>>>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        if span.is_disabled() {
            // No subscriber records it: nothing to time or report.
            return call.await;
        }
        let started = Instant::now();
        let result = call.instrument(span.clone()).await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(answer) => {
                span.record("status", answer.status().as_u16());
                if let Some(id) = crate::facts::request_id_header(answer.headers()) {
                    span.record("request_id", id);
                }
                tracing::debug!(
                    target: TRACING_TARGET,
                    parent: &span,
                    status = answer.status().as_u16(),
                    "call succeeded"
                );
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
                // A call that sent something had its attempts recorded by `execute`.
                if error.attempts() == 0 {
                    span.record("attempts", 0);
                }
                let message = error.without_url();
                match error {
                    Error::InvalidRequest { .. } | Error::ErrorResponse { .. } => {
                        tracing::warn!(
                            target: TRACING_TARGET,
                            parent: &span,
                            error = %message,
                            "call failed"
                        );
                    }
                    _ => tracing::error!(
                        target: TRACING_TARGET,
                        parent: &span,
                        error = %message,
                        "call failed"
                    ),
                }
            }
        }
        result
    }

    /// An event for a retry (in the call's span).
    pub(crate) fn retrying(
        operation: &'static str,
        attempt: u32,
        outcome: &Result<reqwest::Response, reqwest::Error>,
        wait: Duration,
    ) {
        let wait_ms = wait.as_millis() as u64;
        match outcome {
            Ok(response) => tracing::info!(
                target: TRACING_TARGET,
                operation,
                attempt,
                status = response.status().as_u16(),
                wait_ms,
                "retrying"
            ),
            Err(error) => tracing::info!(
                target: TRACING_TARGET,
                operation,
                attempt,
                error = %crate::transport::transport_text(error),
                wait_ms,
                "retrying"
            ),
        }
    }

    /// Records on the call's span how many attempts were made (once per call: `in_call`
    /// records them only for a call that sent nothing).
    pub(crate) fn record_attempts(attempts: u32) {
        tracing::Span::current().record("attempts", attempts);
    }
}

#[cfg(not(feature = "tracing"))]
mod disabled {
    use std::future::Future;
    use std::time::Duration;

    /// The span of a call without the `tracing` feature: nothing.
    pub struct NoSpan;

    pub async fn in_call<R>(_span: NoSpan, call: impl Future<Output = R>) -> R {
        call.await
    }

    pub(crate) fn retrying(
        _operation: &'static str,
        _attempt: u32,
        _outcome: &Result<reqwest::Response, reqwest::Error>,
        _wait: Duration,
    ) {
    }

    pub(crate) fn record_attempts(_attempts: u32) {}
}
