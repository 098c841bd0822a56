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

pub(crate) struct Settings {
    /// `None` only when the user turned the limit off (`HttpConfig::unlimited_response_body`).
    pub(crate) max_response_bytes: Option<usize>,
    /// The client's own credentials, in every form a server might echo.
    pub(crate) secrets: Secrets,
    /// The names of the headers that carry them: a request hook may not set these.
    pub(crate) credential_headers: Vec<reqwest::header::HeaderName>,
    /// Query parameters that carry them (`apiKey` in the query), added to every request
    /// after the hooks ran.
    pub(crate) query_credentials: Vec<(String, String)>,
    /// When a call is tried again.
    pub(crate) retry: crate::retry::RetryPolicy,
    /// The `reqwest::Client`'s whole-request timeout, cut to the deadline for retries
    /// (`None` for `new_with_client`, whose timeout is the user's).
    pub(crate) timeout: Option<std::time::Duration>,
    /// The user's hooks, in the order they were added.
    pub(crate) hooks: Vec<std::sync::Arc<dyn crate::request_hook::RequestHook>>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("max_response_bytes", &self.max_response_bytes)
            .field("secrets", &self.secrets)
            .field("credential_headers", &self.credential_headers)
            .field(
                "query_credentials",
                &self
                    .query_credentials
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new(Settings {
            max_response_bytes: Some(DEFAULT_MAX_RESPONSE_BYTES),
            secrets: Secrets::default(),
            credential_headers: Vec::new(),
            query_credentials: Vec::new(),
            retry: crate::retry::RetryPolicy::default(),
            timeout: None,
            hooks: Vec::new(),
        })
    }
}

impl Runtime {
    pub(crate) fn new(settings: Settings) -> Self {
        Runtime(Arc::new(settings))
    }

    /// The largest answer body a call reads, `None` for no limit.
    pub fn max_response_bytes(&self) -> Option<usize> {
        self.0.max_response_bytes
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.0
    }

    /// The client's credentials, to be replaced in anything an error shows or keeps.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.0.secrets
    }

    /// `text` with the client's credentials replaced by [`REDACTED`] (refusal messages).
    pub fn scrub(&self, text: String) -> String {
        self.0.secrets.scrub_string(text)
    }
}

/// What replaces a credential in an error's text, body or headers.
pub const REDACTED: &str = "[REDACTED]";

/// A client's credentials in the forms a server may echo them: raw, the Base64 of a Basic
/// `user:password` (and the whole header value), and percent-encoded. Longest first, so a
/// header value is replaced before the token inside it.
#[derive(Default)]
pub(crate) struct Secrets(Vec<Vec<u8>>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} forms of the credentials, not shown>", self.0.len())
    }
}

impl Secrets {
    /// Every form of `values` (raw credential values and header values).
    pub(crate) fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for value in values {
            for form in [
                percent_encoded(&value, true),
                percent_encoded(&value, false),
                value.replace(' ', "+"),
                value,
            ] {
                // An empty form would match everywhere (and `replace_all` never end).
                if !form.is_empty() && !forms.iter().any(|f| f == form.as_bytes()) {
                    forms.push(form.into_bytes());
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        Secrets(forms)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `bytes` with every form replaced; the same `Bytes` (no copy) when none occurs.
    pub(crate) fn scrub_bytes(&self, bytes: Bytes) -> Bytes {
        if !self
            .0
            .iter()
            .any(|form| memchr::memmem::find(&bytes, form).is_some())
        {
            return bytes;
        }
        let mut out = bytes.to_vec();
        for form in &self.0 {
            out = replace_all(&out, form, REDACTED.as_bytes());
        }
        Bytes::from(out)
    }

    pub(crate) fn scrub_string(&self, text: String) -> String {
        if self.is_empty() {
            return text;
        }
        let scrubbed = self.scrub_bytes(Bytes::from(text.into_bytes()));
        // Replacing whole UTF-8 sequences by ASCII keeps the text UTF-8.
        String::from_utf8_lossy(&scrubbed).into_owned()
    }

    /// Header values with a credential in them are replaced (and marked sensitive).
    pub(crate) fn scrub_headers(
        &self,
        mut headers: reqwest::header::HeaderMap,
    ) -> reqwest::header::HeaderMap {
        if self.is_empty() {
            return headers;
        }
        for value in headers.values_mut() {
            let scrubbed = self.scrub_bytes(Bytes::copy_from_slice(value.as_bytes()));
            if scrubbed != value.as_bytes() {
                let mut clean = reqwest::header::HeaderValue::from_bytes(&scrubbed)
                    .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(REDACTED));
                clean.set_sensitive(true);
                *value = clean;
            }
        }
        headers
    }
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Every byte outside `A-Z a-z 0-9 - . _ ~` as `%XX` (upper- or lower-case hex).
fn percent_encoded(value: &str, upper: bool) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else if upper {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push_str(&format!("%{byte:02x}"));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime_with(secret: &str) -> Runtime {
        Runtime::new(Settings {
            max_response_bytes: Some(DEFAULT_MAX_RESPONSE_BYTES),
            secrets: Secrets::new([secret.to_string()]),
            credential_headers: Vec::new(),
            query_credentials: Vec::new(),
            retry: crate::retry::RetryPolicy::default(),
            timeout: None,
            hooks: Vec::new(),
        })
    }

    /// A client's `Debug` shows its settings and how many forms of the credentials it
    /// knows, never the credentials (found by a mutation run: an emptied `Debug` passed).
    #[test]
    fn debug_shows_the_settings_and_hides_the_secrets() {
        let shown = format!("{:?}", runtime_with("tok en").settings());
        assert!(
            shown.contains("max_response_bytes: Some(33554432)"),
            "{shown}"
        );
        assert!(shown.contains("hooks: 0"), "{shown}");
        // Raw, both percent-encodings (one and the same here) and `+` for the space.
        assert!(
            shown.contains("secrets: <3 forms of the credentials, not shown>"),
            "{shown}"
        );
        assert!(!shown.contains("tok"), "{shown}");
    }

    /// Texts and header values with a credential in them are scrubbed; with no credential
    /// they come back as they were (found by a mutation run: `is_empty` always true, which
    /// skips scrubbing, passed every suite).
    /// An answer's prefix is "cut short" only when bytes follow what was kept (bodies made up
    /// here).
    #[tokio::test]
    async fn a_prefix_is_cut_short_only_when_more_follows() {
        let answer = |body: &'static str| reqwest::Response::from(hyper::Response::new(body));
        let kept = read_prefix(&mut answer("hello"), 5).await.expect("read");
        assert_eq!((&kept.0[..], kept.1), (&b"hello"[..], false));
        let kept = read_prefix(&mut answer("hello!"), 5).await.expect("read");
        assert_eq!((&kept.0[..], kept.1), (&b"hello"[..], true));
        let kept = read_prefix(&mut answer("hi"), 5).await.expect("read");
        assert_eq!((&kept.0[..], kept.1), (&b"hi"[..], false));
    }

    #[test]
    fn texts_and_headers_are_scrubbed_of_every_form() {
        let secrets = Secrets::new(["tok en".to_string()]);
        assert!(!secrets.is_empty());
        assert_eq!(
            secrets.scrub_string("a tok en, tok%20en and tok+en".into()),
            "a [REDACTED], [REDACTED] and [REDACTED]"
        );
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-echo", "Bearer tok en".parse().unwrap());
        headers.insert("x-other", "plain".parse().unwrap());
        let scrubbed = secrets.scrub_headers(headers);
        assert_eq!(scrubbed["x-echo"], "Bearer [REDACTED]");
        assert!(scrubbed["x-echo"].is_sensitive());
        assert_eq!(scrubbed["x-other"], "plain");
        let none = Secrets::default();
        assert!(none.is_empty());
        assert_eq!(none.scrub_string("tok en".into()), "tok en");
        // An empty credential has no form to find (an empty one would match everywhere).
        let empty = Secrets::new([String::new()]);
        assert!(empty.is_empty());
        assert_eq!(empty.scrub_string("text".into()), "text");
        // Percent-encoding in either case of hex digits; unreserved bytes stay as they are.
        let slashed = Secrets::new(["a/b-c.d_e~f".to_string()]);
        assert_eq!(
            slashed.scrub_string("a%2Fb-c.d_e~f a%2fb-c.d_e~f a/b-c.d_e~f".into()),
            "[REDACTED] [REDACTED] [REDACTED]"
        );
    }
}
