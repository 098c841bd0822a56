//! What a call reports besides its answer: how many attempts it took (left on the answer by
//! the retry loop) and the id the service gave it. A leaf of the module tree.

/// What the attempts of a call left on its answer (`reqwest::Response::extensions`), for
/// the error built from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallFacts {
    pub(crate) attempts: u32,
}

/// The number of attempts recorded on `response` (1 when none was: a `Response` from
/// elsewhere).
pub(crate) fn attempts_of(response: &reqwest::Response) -> u32 {
    response
        .extensions()
        .get::<CallFacts>()
        .map_or(1, |facts| facts.attempts)
}

/// The request id a service sends back in a header (`x-request-id` or `request-id`).
pub(crate) fn request_id_header(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    // Names made once: looking a header up by `&str` parses the name on every call.
    use reqwest::header::HeaderName;
    const NAMES: [HeaderName; 2] = [
        HeaderName::from_static("x-request-id"),
        HeaderName::from_static("request-id"),
    ];
    NAMES
        .iter()
        .find_map(|name| headers.get(name))
        .and_then(|value| value.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= 200)
}

#[cfg(test)]
mod tests {
    use super::request_id_header;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn with(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_request_id_comes_from_either_header_and_only_when_plausible() {
        assert_eq!(
            request_id_header(&with("x-request-id", "req-1")),
            Some("req-1")
        );
        assert_eq!(
            request_id_header(&with("request-id", "req-2")),
            Some("req-2")
        );
        assert_eq!(request_id_header(&HeaderMap::new()), None);
        // Empty, or longer than an id (a page of text in a header), is no id.
        assert_eq!(request_id_header(&with("x-request-id", "")), None);
        assert_eq!(
            request_id_header(&with("x-request-id", &"7".repeat(200))).map(str::len),
            Some(200)
        );
        assert_eq!(
            request_id_header(&with("x-request-id", &"7".repeat(201))),
            None
        );
    }
}
