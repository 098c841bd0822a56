//! What every generated client carries besides its `reqwest::Client`: the settings its calls
//! read at run time (set from [`crate::HttpConfig`] by the `with_*` constructors), and the
//! bounded reading of answers.

use bytes::Bytes;
use std::sync::Arc;

/// The body limit of a client made without an [`crate::HttpConfig`] (`Client::new`,
/// `Client::new_with_client`), the same as `HttpConfig::default()`'s.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// How much of an undocumented answer (an error page, a proxy's HTML) is kept for the error:
/// enough for its excerpt and for inspection; the rest is not read.
pub(crate) const UNEXPECTED_BODY_KEPT: usize = 64 * 1024;

/// Run-time settings shared by the clones of one client (a field of every generated
/// `Client`, added by `cargo xtask generate`).
#[derive(Clone, Debug)]
pub struct Runtime(Arc<Settings>);

#[derive(Debug)]
struct Settings {
    /// `None` only when the user turned the limit off (`HttpConfig::unlimited_response_body`).
    max_response_bytes: Option<usize>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new(Some(DEFAULT_MAX_RESPONSE_BYTES))
    }
}

impl Runtime {
    pub(crate) fn new(max_response_bytes: Option<usize>) -> Self {
        Runtime(Arc::new(Settings { max_response_bytes }))
    }

    /// The largest answer body a call reads, `None` for no limit.
    pub fn max_response_bytes(&self) -> Option<usize> {
        self.0.max_response_bytes
    }
}

/// Why a body was not read whole.
pub(crate) enum ReadError {
    /// The connection failed or timed out while reading.
    Transport(reqwest::Error),
    /// More than `limit` bytes: `Content-Length` announced it (nothing read) or the body
    /// went past it (`read` is what was read before stopping).
    TooLarge {
        limit: usize,
        content_length: Option<u64>,
        read: Bytes,
    },
}

/// Reads the body, stopping with [`ReadError::TooLarge`] as soon as it is larger than
/// `limit` (before reading anything when `Content-Length` says so). The buffer never grows
/// past the limit, so memory stays within the limit plus the chunk being read.
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: Option<usize>,
) -> Result<Bytes, ReadError> {
    let announced = response.content_length();
    if let (Some(limit), Some(length)) = (limit, announced)
        && length > limit as u64
    {
        return Err(ReadError::TooLarge {
            limit,
            content_length: Some(length),
            read: Bytes::new(),
        });
    }
    let cap = limit.unwrap_or(usize::MAX);
    // Trust `Content-Length` only up to the limit for the first allocation.
    let first = announced.map_or(0, |l| (l as usize).min(cap));
    let mut body: Vec<u8> = Vec::with_capacity(first);
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        let needed = body.len() + chunk.len();
        if needed > cap {
            // Keep what fits, for the error's excerpt; the rest is never read.
            let room = cap - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Err(ReadError::TooLarge {
                limit: cap,
                content_length: announced,
                read: Bytes::from(body),
            });
        }
        if needed > body.capacity() {
            // Double, as a `Vec` would, but never past the limit.
            let target = needed.max(body.capacity().saturating_mul(2)).min(cap);
            body.reserve_exact(target - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// Reads at most `keep` bytes of the body and stops: `(kept, whether more was sent)`.
pub(crate) async fn read_prefix(
    response: &mut reqwest::Response,
    keep: usize,
) -> Result<(Bytes, bool), reqwest::Error> {
    let mut body: Vec<u8> = Vec::with_capacity(
        response
            .content_length()
            .map_or(0, |l| (l as usize).min(keep)),
    );
    while let Some(chunk) = response.chunk().await? {
        let room = keep - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((Bytes::from(body), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((Bytes::from(body), false))
}
