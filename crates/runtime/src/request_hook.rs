//! The user's own per-attempt hooks (logging, metrics, signing), run inside the client's
//! safety: after them, the request must still go to the same origin and must not set a
//! credential header, or nothing is sent.

use reqwest::header::HeaderMap;
use std::time::Duration;

/// A hook run around every attempt of every call of a client, added with
/// [`crate::HttpConfig::hook`]. Both methods have empty defaults.
///
/// `before_attempt` sees the request as the operation built it, before the client's
/// credentials and default headers are added, so a hook never sees a credential. It may
/// add headers (a signature, a trace id) or change the body; it may not change the
/// scheme, host or port, nor set a credential header of the client: the call then fails
/// with [`crate::Error::InvalidRequest`] and nothing is sent. Returning `Err(message)` also
/// refuses the call (`refused by a request hook: <message>`).
///
/// ```
/// use crm_bindings_runtime::{Attempt, AttemptOutcome, HttpConfig, RequestHook};
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
///
/// #[derive(Default)]
/// struct CountStatuses(AtomicU64);
///
/// impl RequestHook for CountStatuses {
///     fn before_attempt(
///         &self,
///         request: &mut crm_bindings_runtime::reqwest::Request,
///         attempt: &Attempt,
///     ) -> Result<(), String> {
///         let id = format!("{}-{}", attempt.operation, attempt.number);
///         request.headers_mut().insert("x-trace-id", id.parse().map_err(|_| "bad id")?);
///         Ok(())
///     }
///     fn after_attempt(&self, _attempt: &Attempt, outcome: &AttemptOutcome<'_>) {
///         if let AttemptOutcome::Answered { .. } = outcome {
///             self.0.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// let answered = Arc::new(CountStatuses::default());
/// let config = HttpConfig::default().hook(answered.clone());
/// # let _ = config;
/// ```
pub trait RequestHook: Send + Sync + 'static {
    /// Runs before each attempt is sent.
    fn before_attempt(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt,
    ) -> Result<(), String> {
        let _ = (request, attempt);
        Ok(())
    }

    /// Runs after each attempt, with its answer or failure.
    fn after_attempt(&self, attempt: &Attempt, outcome: &AttemptOutcome<'_>) {
        let _ = (attempt, outcome);
    }
}

/// Which attempt of which call a hook is run for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attempt {
    /// The operationId.
    pub operation: &'static str,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub number: u32,
    /// The HTTP method.
    pub method: reqwest::Method,
}

/// How an attempt ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The server answered (any status); the body is not read yet.
    Answered {
        /// The status.
        status: reqwest::StatusCode,
        /// The answer's headers (credentials a server echoes are not scrubbed here).
        headers: &'a HeaderMap,
        /// From sending to the answer's headers.
        elapsed: Duration,
    },
    /// No answer: connecting failed, the attempt timed out, or a redirect was refused.
    Failed {
        /// reqwest's error.
        error: &'a reqwest::Error,
        /// From sending to the failure.
        elapsed: Duration,
    },
}
