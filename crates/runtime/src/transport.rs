//! Telling transport failures apart, and showing them without what they must not show: a
//! leaf of the module tree, used by the errors, the retries and the traces.

/// `source` with its URL's query taken out: an API key sent in the query, or what users
/// keep there, never reaches an error's text.
pub(crate) fn without_query(mut source: reqwest::Error) -> reqwest::Error {
    if let Some(url) = source.url_mut() {
        url.set_query(None);
    }
    source
}

/// reqwest's `is_timeout`, or a connect timeout: reqwest reports the connector's timeout as
/// a connect error whose cause is an I/O `TimedOut`, and its own `is_timeout` misses it.
pub(crate) fn timed_out(source: &reqwest::Error) -> bool {
    if source.is_timeout() {
        return true;
    }
    let mut cause = std::error::Error::source(source);
    while let Some(error) = cause {
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        cause = error.source();
    }
    false
}

/// A transport error's text without its URL (for traces and `Error::without_url`): what
/// failed, and why.
pub(crate) fn transport_text(source: &reqwest::Error) -> String {
    let what = if timed_out(source) {
        "timed out"
    } else if source.is_connect() {
        "could not connect"
    } else if source.is_redirect() {
        "redirect refused"
    } else {
        "no complete answer"
    };
    let mut text = what.to_string();
    let mut cause = std::error::Error::source(source);
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}
