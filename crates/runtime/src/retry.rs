//! When a failed call is tried again, and how long the client waits first.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Which failures are retried, how often and how long apart.
/// `RetryPolicy::default()` (what [`crate::HttpConfig`] starts with):
///
/// - **what**: a refused or failed connection, a timeout, and the answers 429, 502, 503 and
///   504, for GET, PUT, DELETE, HEAD and OPTIONS; POST and PATCH only after
///   [`RetryPolicy::retry_non_idempotent`], since a retried create can create twice;
/// - **how often**: at most 3 attempts in all;
/// - **how long apart**: exponential backoff from 200 ms, doubling, capped at 5 s, with
///   equal jitter (a wait is between half and all of its step), or the answer's
///   `Retry-After` (seconds or an HTTP date) when it has one;
/// - **for how long**: no retry starts once 60 s have passed since the first attempt, or
///   when its wait would end past that; each retry's timeout is cut to what remains.
///
/// The error of the last attempt is returned (with its answer, if any), and
/// [`crate::Error::attempts`] says how many were made. `RetryPolicy::none()` turns
/// retries off.
///
/// ```
/// use crm_bindings_runtime::{HttpConfig, RetryPolicy};
/// use std::time::Duration;
/// let config = HttpConfig::default().retries(
///     RetryPolicy::default()
///         .max_attempts(5)
///         .backoff(Duration::from_millis(100), Duration::from_secs(2))
///         .deadline(Duration::from_secs(20)),
/// );
/// let no_retries = HttpConfig::default().retries(RetryPolicy::none());
/// # let _ = (config, no_retries);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) deadline: Duration,
    pub(crate) non_idempotent: bool,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            deadline: Duration::from_secs(60),
            non_idempotent: false,
            clock: Arc::new(SystemClock),
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("deadline", &self.deadline)
            .field("non_idempotent", &self.non_idempotent)
            .field("clock", &clock_label(&self.clock))
            .finish()
    }
}

/// `SystemClock`, or a custom one (a test's fake clock).
fn clock_label(clock: &Arc<dyn Clock>) -> &'static str {
    if clock.is_system() {
        "SystemClock"
    } else {
        "custom clock"
    }
}

impl RetryPolicy {
    /// One attempt per call: nothing is retried.
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts in all, the first included (at least 1; default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait, and the cap the doubling stops at (defaults 200 ms and 5 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// No retry starts, and none waits, past this time since the first attempt began
    /// (default 60 s). The first attempt is bounded by the client's `timeout` alone.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Also retries POST and PATCH (CS-Cart's create, Yume's create and patch, UAPAY's
    /// update): only for a client whose calls are safe to repeat, since an attempt that
    /// timed out may have been carried out.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.non_idempotent = retry;
        self
    }

    /// Waits and reads the time through `clock` instead of tokio's timer and the system
    /// clock: for tests that check a policy without sleeping.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Whether a request with `method` may be sent again: GET, PUT, DELETE, HEAD and
    /// OPTIONS, and every method after [`retry_non_idempotent(true)`](Self::retry_non_idempotent).
    pub fn retries_method(&self, method: &reqwest::Method) -> bool {
        use reqwest::Method;
        self.non_idempotent
            || [
                Method::GET,
                Method::PUT,
                Method::DELETE,
                Method::HEAD,
                Method::OPTIONS,
            ]
            .contains(method)
    }

    /// How many attempts a call may make in all (the first one included).
    pub fn attempts_allowed(&self) -> u32 {
        self.max_attempts
    }

    /// Whether an answer with `status` is tried again (when its method may be, and attempts
    /// and time are left): 429, 502, 503 and 504.
    pub fn retries_status(&self, status: reqwest::StatusCode) -> bool {
        retryable_status(status)
    }

    /// The wait before attempt `attempt + 1` (after `attempt` failed): the step
    /// `initial * 2^(attempt - 1)` capped at `max_backoff`, then equal jitter.
    pub(crate) fn backoff_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        let step = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Whether an answer's status is worth another attempt: too many requests, or a gateway
/// or the service saying it is briefly unavailable.
pub(crate) fn retryable_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Whether a failure without an answer is worth another attempt: the connection could not
/// be made, or the attempt timed out. A refused redirect or a broken body is not.
pub(crate) fn retryable_failure(error: &reqwest::Error) -> bool {
    error.is_connect() || crate::transport::timed_out(error) || closed_before_answering(error)
}

/// The server closed the connection before its answer began: most often a pooled
/// connection the server had just timed out as idle (Node's default is 5 s, nginx's 75 s),
/// met by a new request. Nothing was answered, so a repeatable request may go again.
fn closed_before_answering(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>() {
            return hyper.is_incomplete_message();
        }
        source = cause.source();
    }
    false
}

/// The wait an answer asks for in `Retry-After`: seconds, or an HTTP date (a date in the
/// past means no wait). `None` without the header or when it does not parse.
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The time source of retries. [`SystemClock`] (tokio's timer and the system clock) is the
/// default; tests give a clock that records waits and returns at once.
pub trait Clock: Send + Sync + 'static {
    /// A monotonic instant, for the deadline.
    fn now(&self) -> Instant;
    /// The wall-clock time, for `Retry-After` dates.
    fn system_time(&self) -> SystemTime;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// Whether this is [`SystemClock`] (for `Debug`).
    #[doc(hidden)]
    fn is_system(&self) -> bool {
        false
    }
}

/// tokio's timer and the system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn system_time(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }

    fn is_system(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct OtherClock;

    impl Clock for OtherClock {
        fn now(&self) -> Instant {
            Instant::now()
        }
        fn system_time(&self) -> SystemTime {
            SystemTime::now()
        }
        fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
            Box::pin(std::future::ready(()))
        }
    }

    /// `Debug` tells clocks apart: the mocks' client cache keys on it, so two policies with
    /// different clocks must not look the same.
    #[test]
    fn debug_names_the_clock() {
        let system = format!("{:?}", RetryPolicy::default());
        assert!(system.contains("clock: \"SystemClock\""), "{system}");
        let clock: Arc<dyn Clock> = Arc::new(OtherClock);
        let custom = format!("{:?}", RetryPolicy::default().clock(clock.clone()));
        assert!(custom.contains("clock: \"custom clock\""), "{custom}");
        assert!(
            system.contains("max_attempts: 3")
                && system.contains("initial_backoff: 200ms")
                && system.contains("max_backoff: 5s")
                && system.contains("deadline: 60s")
                && system.contains("non_idempotent: false"),
            "{system}"
        );
    }

    #[test]
    fn what_is_retried_by_default_and_after_the_opt_in() {
        use reqwest::{Method, StatusCode};
        let policy = RetryPolicy::default();
        let idempotent = [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
        ];
        for method in &idempotent {
            assert!(policy.retries_method(method), "{method}");
        }
        for method in [Method::POST, Method::PATCH, Method::CONNECT, Method::TRACE] {
            assert!(!policy.retries_method(&method), "{method}");
            let opted_in = RetryPolicy::default().retry_non_idempotent(true);
            assert!(
                opted_in.retries_method(&method),
                "{method} after the opt-in"
            );
        }
        let retried: Vec<u16> = (100..600)
            .filter(|&code| policy.retries_status(StatusCode::from_u16(code).unwrap()))
            .collect();
        assert_eq!(retried, [429, 502, 503, 504]);
        assert_eq!(policy.attempts_allowed(), 3);
        assert_eq!(RetryPolicy::none().attempts_allowed(), 1);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_780_800);
        let headers = |value: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert("retry-after", value.parse().unwrap());
            h
        };
        assert_eq!(
            retry_after(&headers(" 7 "), now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&later), now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&headers(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&reqwest::header::HeaderMap::new(), now), None);
    }

    #[test]
    fn at_least_one_attempt_and_the_cap_not_below_the_start() {
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
        let policy = RetryPolicy::default().backoff(Duration::from_secs(2), Duration::from_secs(1));
        assert_eq!(policy.max_backoff, Duration::from_secs(2));
        // Steps 2, 4 (capped at 2 here): every wait between half and all of its step.
        for attempt in 1..5 {
            let wait = policy.backoff_after(attempt);
            assert!(
                wait >= Duration::from_secs(1) && wait <= Duration::from_secs(2),
                "{wait:?}"
            );
        }
    }
}
