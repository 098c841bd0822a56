//! The error every operation of every API returns. Each variant names the operation; when
//! the server answered, it keeps the status and the body, and `Display` shows an excerpt.
//!
//! progenitor's own error drops the status of a body that does not decode and names no
//! operation, so `cargo xtask generate` rewrites each generated `send()` to build this one.

use crate::facts::{attempts_of, request_id_header};
use crate::runtime::{ReadError, UNEXPECTED_BODY_KEPT, read_limited, read_prefix};
use crate::transport::{split_query, timed_out, transport_text};
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;

/// How many characters of a body an error message shows.
const EXCERPT_CHARS: usize = 200;

/// What went wrong with one call. `E` is the operation's documented error body
/// (`()` when the spec documents none).
///
/// `Display` and `Debug` show what a log line needs: the operation, the HTTP status of every
/// answer, an excerpt of a body the client could not use, a transport error's URL without
/// its query (query values can be private: a name, an e-mail; [`Error::full_url`] has it),
/// and never the client's credentials.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// A value was refused before anything was sent (out of range, not matching its pattern,
    /// missing, or breaking a rule of the spec): nothing left the client.
    InvalidRequest {
        /// The operationId.
        operation: &'static str,
        /// Which value, which rule, and what was given (`id must be at least 1 (got 0)`);
        /// the operation is not repeated here.
        message: String,
    },
    /// No complete answer: the connection was refused or broke, the request timed out, or a
    /// redirect was refused. See [`Error::is_timeout`].
    #[non_exhaustive]
    Communication {
        /// The operationId.
        operation: &'static str,
        /// reqwest's error. Its URL is kept without its query (where an API key in the
        /// query, or what users consider private, would be), so its text and `Debug` leave
        /// the query out too.
        source: reqwest::Error,
        /// How many attempts were made (see [`crate::RetryPolicy`]); 0 when the request
        /// could not be built.
        attempts: u32,
        /// The URL with its query, as [`Error::full_url`] gives it: in neither `Display`
        /// nor `Debug`.
        full_url: Option<Box<reqwest::Url>>,
    },
    /// A documented error status, with its typed body.
    #[non_exhaustive]
    ErrorResponse {
        /// The operationId.
        operation: &'static str,
        /// Status, headers and the typed error body.
        response: ResponseValue<E>,
        /// How many attempts were made (see [`crate::RetryPolicy`]).
        attempts: u32,
        /// The id the service gave this request, from the body field the spec marks
        /// `x-crm-request-id` or an `x-request-id` / `request-id` header.
        request_id: Option<String>,
    },
    /// A documented status whose body is not the documented JSON: HTML, empty, truncated,
    /// or of another shape.
    InvalidResponse(Box<ResponseFailure>),
    /// A status the spec does not document (a 5xx, a proxy's page, ...).
    UnexpectedResponse(Box<ResponseFailure>),
    /// The answer's body is larger than the client's limit
    /// ([`crate::HttpConfig::max_response_bytes`]): reading stopped at the limit, or before
    /// reading when its `Content-Length` announced more.
    ResponseTooLarge(Box<OversizedResponse>),
}

/// An answer larger than the client's body limit, with what was read of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct OversizedResponse {
    /// The operationId.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The limit, in bytes.
    pub limit: usize,
    /// The `Content-Length` the server announced, if any.
    pub content_length: Option<u64>,
    /// How many bytes were read before stopping (0 when `Content-Length` was over the limit).
    pub bytes_read: usize,
    /// The first bytes read, for the excerpt.
    pub start: bytes::Bytes,
    /// How many attempts were made (see [`crate::RetryPolicy`]).
    pub attempts: u32,
    /// The id the service gave this request, from an `x-request-id` / `request-id` header
    /// (or the body field the spec marks `x-crm-request-id`).
    pub request_id: Option<String>,
}

/// An answer the client could not use, kept for inspection: whole for a documented status
/// (up to the client's body limit), its first 64 KiB for an undocumented one.
#[non_exhaustive]
pub struct ResponseFailure {
    /// The operationId.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body (its first 64 KiB when `truncated`).
    pub body: bytes::Bytes,
    /// Why the body did not decode (for [`Error::InvalidResponse`]).
    pub decode_error: Option<serde_json::Error>,
    /// The server sent more than `body`; the rest was not read.
    pub truncated: bool,
    /// How many attempts were made (see [`crate::RetryPolicy`]).
    pub attempts: u32,
    /// The id the service gave this request, from an `x-request-id` / `request-id` header
    /// (or the body field the spec marks `x-crm-request-id`).
    pub request_id: Option<String>,
}

impl ResponseFailure {
    /// The first characters of the body, on one line (`(empty body)` when there is none).
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.body)
    }

    fn content_type(&self) -> &str {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
    }
}

impl fmt::Debug for ResponseFailure {
    // The body is shown as an excerpt: a server's page can be megabytes long.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFailure")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("body_len", &self.body.len())
            .field("truncated", &self.truncated)
            .field("body_excerpt", &self.body_excerpt())
            .field("decode_error", &self.decode_error)
            .field("attempts", &self.attempts)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl<E> Error<E> {
    /// The operationId of the call that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::InvalidRequest { operation, .. }
            | Error::Communication { operation, .. }
            | Error::ErrorResponse { operation, .. } => operation,
            Error::InvalidResponse(failure) | Error::UnexpectedResponse(failure) => {
                failure.operation
            }
            Error::ResponseTooLarge(oversized) => oversized.operation,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidRequest { .. } => None,
            Error::Communication { source, .. } => source.status(),
            Error::ErrorResponse { response, .. } => Some(response.status()),
            Error::InvalidResponse(failure) | Error::UnexpectedResponse(failure) => {
                Some(failure.status)
            }
            Error::ResponseTooLarge(oversized) => Some(oversized.status),
        }
    }

    /// An excerpt of the body the client could not use, when there is one.
    pub fn body_excerpt(&self) -> Option<String> {
        match self {
            Error::InvalidResponse(failure) | Error::UnexpectedResponse(failure) => {
                Some(failure.body_excerpt())
            }
            Error::ResponseTooLarge(oversized) => Some(excerpt(&oversized.start)),
            _ => None,
        }
    }

    /// How many attempts were made: 1 without a retry, 0 when nothing was sent.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::InvalidRequest { .. } => 0,
            Error::Communication { attempts, .. } | Error::ErrorResponse { attempts, .. } => {
                *attempts
            }
            Error::InvalidResponse(failure) | Error::UnexpectedResponse(failure) => {
                failure.attempts
            }
            Error::ResponseTooLarge(oversized) => oversized.attempts,
        }
    }

    /// The id the service gave this request, when it sent one (Thulium's `request_id`, an
    /// `x-request-id` header): quote it when reporting a problem to the service.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::InvalidRequest { .. } | Error::Communication { .. } => None,
            Error::ErrorResponse { request_id, .. } => request_id.as_deref(),
            Error::InvalidResponse(failure) | Error::UnexpectedResponse(failure) => {
                failure.request_id.as_deref()
            }
            Error::ResponseTooLarge(oversized) => oversized.request_id.as_deref(),
        }
    }

    /// The request timed out (connecting, or waiting for the whole answer).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Communication { source, .. } if timed_out(source))
    }

    /// The whole URL of the request a transport error ([`Error::Communication`]) is about,
    /// its query included, for when you need it (`None` for the other variants, or when
    /// reqwest kept no URL).
    ///
    /// `Display`, `Debug`, the error's `source()` and the traces show the URL without its
    /// query, since query values can be what your users consider private (a name, an
    /// e-mail, a phone number filter): print this only where that is fine. The client's own
    /// credentials are never in it (an API key sent as a query parameter is left out).
    ///
    /// ```
    /// fn report<E: std::fmt::Debug>(err: &crm_bindings_runtime::Error<E>) {
    ///     // `list_call_requests: timed out: error sending request for url
    ///     // (https://shop.example.com/api/2.0/call_requests)`
    ///     eprintln!("{err}");
    ///     if let Some(url) = err.full_url() {
    ///         // `.../call_requests?name=Ivan+Petrov&status=new`
    ///         eprintln!("(for the request {url})");
    ///     }
    /// }
    /// ```
    pub fn full_url(&self) -> Option<&reqwest::Url> {
        match self {
            Error::Communication { full_url, .. } => full_url.as_deref(),
            _ => None,
        }
    }

    /// The documented error body, for [`Error::ErrorResponse`].
    pub fn error_body(&self) -> Option<&E> {
        match self {
            Error::ErrorResponse { response, .. } => Some(response),
            _ => None,
        }
    }

    // Constructors the generated `send()` calls (see xtask/src/generator/passes/send_errors.rs).

    #[doc(hidden)]
    pub fn invalid_request(operation: &'static str, message: String) -> Self {
        Error::InvalidRequest { operation, message }
    }

    #[doc(hidden)]
    pub fn communication(operation: &'static str, source: reqwest::Error) -> Self {
        // The request was not built: no credential is in its URL yet.
        Error::transport(operation, source, 0, &[])
    }

    /// A transport error, its query split off (see [`Error::full_url`]; `credentials`: the
    /// client's query parameters that carry its credentials, left out of the full URL).
    pub(crate) fn transport(
        operation: &'static str,
        source: reqwest::Error,
        attempts: u32,
        credentials: &[(String, String)],
    ) -> Self {
        let (source, full_url) = split_query(source, credentials);
        Error::Communication {
            operation,
            source,
            attempts,
            full_url,
        }
    }

    /// An answer that decoded but cannot be used (`why` says what is wrong with it), as an
    /// API crate's hand-written additions find one: CS-Cart's stream, whose page does not say
    /// where the next one is. It keeps no body: a success body is not scrubbed of the
    /// client's credentials. `attempts` is 1: how many there were is not kept on a decoded
    /// answer.
    #[doc(hidden)]
    pub fn unusable_answer(operation: &'static str, status: StatusCode, why: String) -> Self {
        Error::InvalidResponse(Box::new(ResponseFailure {
            operation,
            status,
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
            decode_error: Some(<serde_json::Error as serde::de::Error>::custom(why)),
            truncated: false,
            attempts: 1,
            request_id: None,
        }))
    }

    /// An error from a `ClientHooks` hook (ours only refuse requests).
    #[doc(hidden)]
    pub fn from_hook(operation: &'static str, error: progenitor_client::Error<E>) -> Self {
        match error {
            progenitor_client::Error::InvalidRequest(message)
            | progenitor_client::Error::Custom(message) => {
                Error::InvalidRequest { operation, message }
            }
            // Before sending: no credential is in the URL yet.
            progenitor_client::Error::CommunicationError(source)
            | progenitor_client::Error::ResponseBodyError(source)
            | progenitor_client::Error::InvalidUpgrade(source) => {
                Error::transport(operation, source, 0, &[])
            }
            // Our hooks never answer for the server; keep the shape if one ever does.
            other => Error::InvalidRequest {
                operation,
                message: format!("refused by a hook: {:?}", other.status()),
            },
        }
    }
}

/// Decodes a documented status's JSON body, read up to the client's body limit; a body that
/// does not decode is [`Error::InvalidResponse`], one past the limit
/// [`Error::ResponseTooLarge`]. Whatever an error keeps (the body of an error status or of
/// one that did not decode, its headers, the decoder's message) has the client's own
/// credentials replaced by `[REDACTED]`, in case the server echoes them.
#[doc(hidden)]
#[allow(dead_code)] // with an API alone whose operations have no JSON body
pub async fn decode<T: serde::de::DeserializeOwned, E>(
    runtime: &crate::runtime::Runtime,
    response: reqwest::Response,
    operation: &'static str,
) -> Result<ResponseValue<T>, Error<E>> {
    decode_keeping_body(runtime, response, operation)
        .await
        .map(|(value, _, _)| value)
}

/// A documented error status: its typed body in [`Error::ErrorResponse`], with the
/// attempts and the request id (the body's `request_id_field`, from the spec's
/// `x-crm-request-id`, else a header); or the error of a body that does not decode.
#[doc(hidden)]
#[allow(dead_code)] // with an API alone that documents no error body
pub async fn error_response<E: serde::de::DeserializeOwned>(
    runtime: &crate::runtime::Runtime,
    response: reqwest::Response,
    operation: &'static str,
    request_id_field: Option<&str>,
) -> Error<E> {
    match decode_keeping_body(runtime, response, operation).await {
        Ok((response, body, facts)) => {
            let from_body = request_id_field.and_then(|field| body_field_text(&body, field));
            Error::ErrorResponse {
                operation,
                response,
                attempts: facts.attempts,
                request_id: from_body.or(facts.request_id),
            }
        }
        Err(error) => error,
    }
}

/// A documented error status without a body: [`Error::ErrorResponse`] with `()`.
#[doc(hidden)]
#[allow(dead_code)] // with an API alone whose errors all have bodies
pub fn empty_error_response(
    runtime: &crate::runtime::Runtime,
    mut response: reqwest::Response,
    operation: &'static str,
) -> Error<()> {
    let facts = Facts::of(&response);
    let headers = runtime
        .secrets()
        .scrub_headers(std::mem::take(response.headers_mut()));
    Error::ErrorResponse {
        operation,
        response: ResponseValue::new((), response.status(), headers),
        attempts: facts.attempts,
        request_id: facts.request_id,
    }
}

/// A documented error status whose body is of a media type other than JSON (text, say):
/// [`Error::ErrorResponse`] with the body as text, read up to the client's body limit (a
/// larger one is [`Error::ResponseTooLarge`]), the client's credentials replaced.
#[doc(hidden)]
#[allow(dead_code)] // with an API alone that documents no such error
pub async fn text_error_response(
    runtime: &crate::runtime::Runtime,
    mut response: reqwest::Response,
    operation: &'static str,
) -> Error<String> {
    let status = response.status();
    let facts = Facts::of(&response);
    let secrets = runtime.secrets();
    match read_body(runtime, &mut response, operation, &facts).await {
        Ok(body) => Error::ErrorResponse {
            operation,
            response: ResponseValue::new(
                String::from_utf8_lossy(&secrets.scrub_bytes(body)).into_owned(),
                status,
                secrets.scrub_headers(std::mem::take(response.headers_mut())),
            ),
            attempts: facts.attempts,
            request_id: facts.request_id,
        },
        Err(error) => error,
    }
}

/// A documented answer's body, read up to the client's limit: a transport failure is
/// [`Error::Communication`], a larger body [`Error::ResponseTooLarge`] with its start.
async fn read_body<E>(
    runtime: &crate::runtime::Runtime,
    response: &mut reqwest::Response,
    operation: &'static str,
    facts: &Facts,
) -> Result<bytes::Bytes, Error<E>> {
    let secrets = runtime.secrets();
    match read_limited(response, runtime.max_response_bytes()).await {
        Ok(body) => Ok(body),
        Err(ReadError::Transport(source)) => Err(Error::transport(
            operation,
            source,
            facts.attempts,
            &runtime.settings().query_credentials,
        )),
        Err(ReadError::TooLarge {
            limit,
            content_length,
            read,
        }) => Err(Error::ResponseTooLarge(Box::new(OversizedResponse {
            operation,
            status: response.status(),
            headers: secrets.scrub_headers(std::mem::take(response.headers_mut())),
            limit,
            content_length,
            bytes_read: read.len(),
            start: secrets.scrub_bytes(read.slice(..read.len().min(EXCERPT_CHARS * 8))),
            attempts: facts.attempts,
            request_id: facts.request_id.clone(),
        }))),
    }
}

/// What an error reports of the call besides the answer.
struct Facts {
    attempts: u32,
    request_id: Option<String>,
}

impl Facts {
    fn of(response: &reqwest::Response) -> Self {
        Facts {
            attempts: attempts_of(response),
            request_id: request_id_header(response.headers()).map(str::to_owned),
        }
    }
}

/// A top-level string or number field of a JSON object body, as text.
#[allow(dead_code)] // see `error_response`
fn body_field_text(body: &[u8], field: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match value.get(field)? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// [`decode`], also returning the body read (scrubbed for an error status) and the facts.
async fn decode_keeping_body<T: serde::de::DeserializeOwned, E>(
    runtime: &crate::runtime::Runtime,
    mut response: reqwest::Response,
    operation: &'static str,
) -> Result<(ResponseValue<T>, bytes::Bytes, Facts), Error<E>> {
    let status = response.status();
    let secrets = runtime.secrets();
    let facts = Facts::of(&response);
    let body = read_body(runtime, &mut response, operation, &facts).await?;
    let mut headers = std::mem::take(response.headers_mut());
    // A documented error's typed body is for showing: decode it without the credentials.
    let body = if status.is_success() {
        body
    } else {
        headers = secrets.scrub_headers(headers);
        secrets.scrub_bytes(body)
    };
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok((ResponseValue::new(inner, status, headers), body, facts)),
        Err(decode_error) => {
            // serde quotes the offending value: it may be an echoed credential.
            let message = decode_error.to_string();
            let scrubbed = secrets.scrub_string(message.clone());
            let decode_error = if scrubbed == message {
                decode_error
            } else {
                <serde_json::Error as serde::de::Error>::custom(scrubbed)
            };
            Err(Error::InvalidResponse(Box::new(ResponseFailure {
                operation,
                status,
                headers: secrets.scrub_headers(headers),
                body: secrets.scrub_bytes(body),
                decode_error: Some(decode_error),
                truncated: false,
                attempts: facts.attempts,
                request_id: facts.request_id,
            })))
        }
    }
}

/// An undocumented status, with the first 64 KiB of its body read for the error (or less,
/// when the client's body limit is lower).
#[doc(hidden)]
pub async fn unexpected<E>(
    runtime: &crate::runtime::Runtime,
    mut response: reqwest::Response,
    operation: &'static str,
) -> Error<E> {
    let status = response.status();
    let facts = Facts::of(&response);
    let keep = runtime
        .max_response_bytes()
        .map_or(UNEXPECTED_BODY_KEPT, |limit| {
            limit.min(UNEXPECTED_BODY_KEPT)
        });
    match read_prefix(&mut response, keep).await {
        Ok((body, truncated)) => Error::UnexpectedResponse(Box::new(ResponseFailure {
            operation,
            status,
            headers: runtime
                .secrets()
                .scrub_headers(std::mem::take(response.headers_mut())),
            body: runtime.secrets().scrub_bytes(body),
            decode_error: None,
            truncated,
            attempts: facts.attempts,
            request_id: facts.request_id,
        })),
        Err(source) => Error::transport(
            operation,
            source,
            facts.attempts,
            &runtime.settings().query_credentials,
        ),
    }
}

/// The first [`EXCERPT_CHARS`] characters of `body` with runs of white space folded; stops
/// reading there, so a megabyte page costs no more than a short one.
fn excerpt(body: &[u8]) -> String {
    let window = &body[..body.len().min(EXCERPT_CHARS * 8)];
    let text = String::from_utf8_lossy(window);
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count == EXCERPT_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    match (out.is_empty(), window.len() < body.len()) {
        (true, false) => "(empty body)".into(),
        (true, true) => "(white space…)".into(),
        (false, true) => out + "…",
        (false, false) => out,
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    // As derived, except that a documented error shows its status (progenitor's
    // `ResponseValue` shows only the body in `Debug`), and a transport error leaves its full
    // URL out (`source` shows the URL without its query).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest { operation, message } => f
                .debug_struct("InvalidRequest")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::Communication {
                operation,
                source,
                attempts,
                ..
            } => f
                .debug_struct("Communication")
                .field("operation", operation)
                .field("source", source)
                .field("attempts", attempts)
                .finish_non_exhaustive(),
            Error::ErrorResponse {
                operation,
                response,
                attempts,
                request_id,
            } => f
                .debug_struct("ErrorResponse")
                .field("operation", operation)
                .field("status", &response.status())
                .field("body", &**response)
                .field("attempts", attempts)
                .field("request_id", request_id)
                .finish(),
            Error::InvalidResponse(failure) => {
                f.debug_tuple("InvalidResponse").field(failure).finish()
            }
            Error::UnexpectedResponse(failure) => {
                f.debug_tuple("UnexpectedResponse").field(failure).finish()
            }
            Error::ResponseTooLarge(oversized) => {
                f.debug_tuple("ResponseTooLarge").field(oversized).finish()
            }
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f, true)?;
        let attempts = self.attempts();
        if attempts > 1 {
            write!(f, " (after {attempts} attempts)")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> Error<E> {
    /// The error's text with a transport error's URL left out (for traces, where a query
    /// value does not belong).
    #[cfg(feature = "tracing")]
    pub(crate) fn without_url(&self) -> String {
        struct NoUrl<'a, E>(&'a Error<E>);
        impl<E: fmt::Debug> fmt::Display for NoUrl<'_, E> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.describe(f, false)
            }
        }
        NoUrl(self).to_string()
    }

    /// What went wrong, without the attempts and request id (`with_url`: reqwest's own
    /// text for a transport error, which names the URL).
    fn describe(&self, f: &mut fmt::Formatter<'_>, with_url: bool) -> fmt::Result {
        match self {
            Error::InvalidRequest { operation, message } => {
                write!(f, "{operation}: {message}; nothing was sent")
            }
            Error::Communication {
                operation, source, ..
            } if !with_url => write!(f, "{operation}: {}", transport_text(source)),
            Error::Communication {
                operation, source, ..
            } => {
                let what = if timed_out(source) {
                    "timed out"
                } else if source.is_connect() {
                    "could not connect"
                } else if source.is_redirect() {
                    "redirect refused"
                } else {
                    "no complete answer"
                };
                write!(f, "{operation}: {what}: {source}")
            }
            Error::ErrorResponse {
                operation,
                response,
                ..
            } => {
                write!(
                    f,
                    "{operation}: HTTP {}: {:?}",
                    response.status(),
                    **response
                )
            }
            Error::InvalidResponse(failure) => write!(
                f,
                "{}: HTTP {}: the body is not the documented JSON ({}); {} bytes of {}: `{}`",
                failure.operation,
                failure.status,
                failure
                    .decode_error
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                failure.body.len(),
                failure.content_type(),
                failure.body_excerpt()
            ),
            Error::UnexpectedResponse(failure) => write!(
                f,
                "{}: HTTP {} is not a documented answer; {}{} bytes of {}: `{}`",
                failure.operation,
                failure.status,
                if failure.truncated { "the first " } else { "" },
                failure.body.len(),
                failure.content_type(),
                failure.body_excerpt()
            ),
            Error::ResponseTooLarge(oversized) => {
                write!(
                    f,
                    "{}: HTTP {}: the body is larger than the client's limit of {} bytes",
                    oversized.operation, oversized.status, oversized.limit
                )?;
                match oversized.content_length {
                    Some(length) if oversized.bytes_read == 0 => {
                        write!(f, " (Content-Length: {length}); nothing of it was read")
                    }
                    Some(length) => write!(
                        f,
                        " (Content-Length: {length}); reading stopped after {} bytes: `{}`",
                        oversized.bytes_read,
                        excerpt(&oversized.start)
                    ),
                    None => write!(
                        f,
                        " (no Content-Length); reading stopped after {} bytes: `{}`",
                        oversized.bytes_read,
                        excerpt(&oversized.start)
                    ),
                }
            }
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Communication { source, .. } => Some(source),
            Error::InvalidResponse(failure) => failure
                .decode_error
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{EXCERPT_CHARS, Error, OversizedResponse, excerpt};
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    /// An oversized answer's message says what was announced and what was read (values made
    /// up here; a server cannot send more than its `Content-Length`, so the middle case is
    /// reached only by a body that grows in transfer).
    #[test]
    fn an_oversized_answer_says_what_was_read() {
        let text = |content_length: Option<u64>, bytes_read: usize| {
            Error::<()>::ResponseTooLarge(Box::new(OversizedResponse {
                operation: "get_thing",
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                limit: 10,
                content_length,
                bytes_read,
                start: bytes::Bytes::from_static(b"{\"a\": 1"),
                attempts: 1,
                request_id: None,
            }))
            .to_string()
        };
        let start =
            "get_thing: HTTP 200 OK: the body is larger than the client's limit of 10 bytes";
        assert_eq!(
            text(Some(50), 0),
            format!("{start} (Content-Length: 50); nothing of it was read")
        );
        assert_eq!(
            text(Some(8), 11),
            format!("{start} (Content-Length: 8); reading stopped after 11 bytes: `{{\"a\": 1`")
        );
        assert_eq!(
            text(None, 11),
            format!("{start} (no Content-Length); reading stopped after 11 bytes: `{{\"a\": 1`")
        );
    }

    /// A transport failure keeps reqwest's error as its `source()`; a refusal has none.
    #[test]
    fn a_transport_failure_has_its_source() {
        use std::error::Error as _;
        crate::tls::install_tls_provider();
        let failure = reqwest::Client::new().get("not a url").build().unwrap_err();
        let error = Error::<()>::transport("get_thing", failure, 1, &[]);
        assert!(error.source().is_some());
        let refusal = Error::<()>::InvalidRequest {
            operation: "get_thing",
            message: "id must be at least 1 (got 0)".into(),
        };
        assert!(refusal.source().is_none());
    }

    #[test]
    fn an_excerpt_folds_white_space_and_says_when_it_stops_short() {
        assert_eq!(excerpt(b""), "(empty body)");
        assert_eq!(excerpt(b" \n\t "), "(empty body)");
        assert_eq!(excerpt(b"a  b\n\nc"), "a b c");
        // Past the window (8 bytes per character shown): what was cut is marked.
        let spaces = vec![b' '; EXCERPT_CHARS * 8 + 1];
        assert_eq!(excerpt(&spaces), "(white space\u{2026})");
        let mut word_then_spaces = b"a".to_vec();
        word_then_spaces.extend(&spaces);
        assert_eq!(excerpt(&word_then_spaces), "a\u{2026}");
        let long = "x".repeat(EXCERPT_CHARS + 1);
        assert_eq!(
            excerpt(long.as_bytes()),
            format!("{}\u{2026}", "x".repeat(EXCERPT_CHARS))
        );
    }
}
