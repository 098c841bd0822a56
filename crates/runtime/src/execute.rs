//! Sending one call: the user's hooks and the checks after them, the attempts the retry
//! policy allows, and the facts the error and the trace report (the attempts; the request id
//! is read from the answer by both). Every generated `send()` calls [`execute`] in place of
//! progenitor's `exec`.

use crate::error::Error;
use crate::request_hook::{Attempt, AttemptOutcome};
use crate::retry;
use crate::runtime::Runtime;
use std::time::Instant;

/// Sends `request` with `http`, trying again as the client's retry policy allows. Returns
/// the last answer, whatever its status (the caller decodes it), or the last failure.
#[doc(hidden)]
pub async fn execute<E>(
    http: &reqwest::Client,
    runtime: &Runtime,
    request: reqwest::Request,
    operation: &'static str,
) -> Result<reqwest::Response, Error<E>> {
    let settings = runtime.settings();
    let policy = &settings.retry;
    let clock = &policy.clock;
    let started = clock.now();
    // A streamed body cannot be cloned, so it is sent once (what `try_clone` checks, without
    // making a copy only to drop it).
    let repeatable = policy.retries_method(request.method())
        && request.body().is_none_or(|body| body.as_bytes().is_some());
    let method = request.method().clone();
    // Where the request goes, for checking what the hooks did (none: nothing to check).
    let origin = (!settings.hooks.is_empty()).then(|| origin(request.url()));
    let mut request = request;
    let mut number = 0;
    loop {
        number += 1;
        // The copy a retry would send (none when this attempt is the last one allowed).
        let spare = match repeatable && number < policy.max_attempts {
            true => request.try_clone(),
            false => None,
        };
        if number > 1 {
            // A retry may use only what is left before the deadline.
            let left = policy
                .deadline
                .saturating_sub(clock.now().duration_since(started));
            let timeout = settings.timeout.map_or(left, |t| t.min(left));
            *request.timeout_mut() = Some(timeout);
        }
        let attempt = Attempt {
            operation,
            number,
            method: method.clone(),
        };
        for hook in &settings.hooks {
            if let Err(message) = hook.before_attempt(&mut request, &attempt) {
                let message = runtime.scrub(format!("refused by a request hook: {message}"));
                return Err(Error::invalid_request(operation, message));
            }
        }
        if let Some(origin) = &origin {
            check_after_hooks(&request, origin, settings)
                .map_err(|message| Error::invalid_request(operation, message))?;
        }
        // An API key in the query goes on after the hooks, which so never see it.
        if !settings.query_credentials.is_empty() {
            let mut pairs = request.url_mut().query_pairs_mut();
            for (name, value) in &settings.query_credentials {
                pairs.append_pair(name, value);
            }
        }

        // The clock is read only for the hooks: without them nobody sees the time taken.
        let sent = (!settings.hooks.is_empty()).then(Instant::now);
        let outcome = http.execute(request).await;
        if let Some(sent) = sent {
            let elapsed = sent.elapsed();
            let view = match &outcome {
                Ok(response) => AttemptOutcome::Answered {
                    status: response.status(),
                    headers: response.headers(),
                    elapsed,
                },
                Err(error) => AttemptOutcome::Failed { error, elapsed },
            };
            for hook in &settings.hooks {
                hook.after_attempt(&attempt, &view);
            }
        }

        let wait = match &outcome {
            Ok(response) if retry::retryable_status(response.status()) => Some(
                retry::retry_after(response.headers(), clock.system_time())
                    .unwrap_or_else(|| policy.backoff_after(number)),
            ),
            Err(error) if retry::retryable_failure(error) => Some(policy.backoff_after(number)),
            _ => None,
        };
        let retry_in =
            wait.filter(|wait| clock.now().duration_since(started) + *wait < policy.deadline);
        if let (Some(wait), Some(spare)) = (retry_in, spare) {
            crate::telemetry::retrying(operation, number, &outcome, wait);
            clock.sleep(wait).await;
            request = spare;
            continue;
        }
        crate::telemetry::record_attempts(number);
        return match outcome {
            Ok(mut response) => {
                response
                    .extensions_mut()
                    .insert(crate::facts::CallFacts { attempts: number });
                Ok(response)
            }
            Err(source) => Err(Error::transport(
                operation,
                source,
                number,
                &settings.query_credentials,
            )),
        };
    }
}

/// Refuses a request a hook sent elsewhere, or on which it set a header that carries the
/// client's credentials (reqwest adds a default header only when the request has none, so
/// the hook's value would replace the credential).
fn check_after_hooks(
    request: &reqwest::Request,
    before: &Origin,
    settings: &crate::runtime::Settings,
) -> Result<(), String> {
    let after = origin(request.url());
    if after != *before {
        return Err(format!(
            "a request hook changed where the request goes ({}://{}:{} instead of {}://{}:{}); \
             the client's credentials go only to its base URL",
            after.0,
            after.1,
            after.2.unwrap_or_default(),
            before.0,
            before.1,
            before.2.unwrap_or_default()
        ));
    }
    if let Some(name) = settings
        .credential_headers
        .iter()
        .find(|name| request.headers().contains_key(*name))
    {
        return Err(format!(
            "a request hook set `{name}`, a header that carries the client's credentials"
        ));
    }
    if let Some((name, _)) = settings
        .query_credentials
        .iter()
        .find(|(name, _)| request.url().query_pairs().any(|(sent, _)| sent == *name))
    {
        return Err(format!(
            "a request hook set `{name}`, a query parameter that carries the client's credentials"
        ));
    }
    Ok(())
}

/// Scheme, host and port.
type Origin = (String, String, Option<u16>);

fn origin(url: &reqwest::Url) -> Origin {
    (
        url.scheme().to_string(),
        url.host_str().unwrap_or_default().to_string(),
        url.port_or_known_default(),
    )
}
