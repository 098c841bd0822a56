//! The trace of every call (the `tracing` feature, on by default): one span per call,
//! named after the operation, and events for retries and failures. Without the feature,
//! or without a subscriber, this costs a disabled-callsite check per call.
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
    use crate::error::Error;
    use progenitor_client::ResponseValue;
    use std::fmt::Debug;
    use std::future::Future;
    use std::time::{Duration, Instant};
    use tracing::Instrument as _;

    /// Runs a call's future inside `span` and records how it ended: status, duration,
    /// request id, and an event for a failure (WARN for a refused request or a documented
    /// error status, ERROR for everything else).
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
                tracing::debug!(parent: &span, status = answer.status().as_u16(), "call succeeded");
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
                span.record("attempts", error.attempts());
                let message = error.without_url();
                match error {
                    Error::InvalidRequest { .. } | Error::ErrorResponse { .. } => {
                        tracing::warn!(parent: &span, error = %message, "call failed");
                    }
                    _ => tracing::error!(parent: &span, error = %message, "call failed"),
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
                operation,
                attempt,
                status = response.status().as_u16(),
                wait_ms,
                "retrying"
            ),
            Err(error) => tracing::info!(
                operation,
                attempt,
                error = %crate::transport::transport_text(error),
                wait_ms,
                "retrying"
            ),
        }
    }

    /// Records on the call's span how many attempts were made.
    pub(crate) fn record_attempts(attempts: u32) {
        tracing::Span::current().record("attempts", attempts);
    }

    /// Records on the call's span the request id a service sent in a header (looked for
    /// only when the span is recorded).
    pub(crate) fn record_request_id(headers: &reqwest::header::HeaderMap) {
        let span = tracing::Span::current();
        if span.is_disabled() {
            return;
        }
        if let Some(id) = crate::facts::request_id_header(headers) {
            span.record("request_id", id);
        }
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

    pub(crate) fn record_request_id(_headers: &reqwest::header::HeaderMap) {}
}
