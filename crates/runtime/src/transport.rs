//! Telling transport failures apart, and showing them without what they must not show: a
//! leaf of the module tree, used by the errors, the retries and the traces.

/// `source` with its URL's query taken out, so an API key sent in the query, or what users
/// keep there (a name, an e-mail), never reaches an error's text, `Debug` or a trace; and the
/// URL as it was, for `Error::full_url`, without the query parameters that carry the
/// client's own credentials (`credentials`, by name: an API key in the query).
pub(crate) fn split_query(
    mut source: reqwest::Error,
    credentials: &[(String, String)],
) -> (reqwest::Error, Option<Box<reqwest::Url>>) {
    let full = source.url_mut().map(|url| {
        let full = without_credentials(url, credentials);
        url.set_query(None);
        Box::new(full)
    });
    (source, full)
}

/// `url` without the query parameters named in `credentials` (the rest as sent).
fn without_credentials(url: &reqwest::Url, credentials: &[(String, String)]) -> reqwest::Url {
    let is_credential = |name: &str| credentials.iter().any(|(credential, _)| credential == name);
    let mut full = url.clone();
    if !url.query_pairs().any(|(name, _)| is_credential(&name)) {
        return full;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !is_credential(name))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        full.set_query(None);
    } else {
        full.query_pairs_mut().clear().extend_pairs(kept);
    }
    full
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

#[cfg(test)]
mod tests {
    use super::split_query;

    /// The error keeps its URL without the query; the full URL keeps the query, except the
    /// client's own credential parameter (a refused connection to port 9 on loopback).
    #[tokio::test]
    async fn the_query_is_split_off_and_credentials_left_out() {
        crate::tls::install_tls_provider();
        let failure = || async {
            reqwest::Client::new()
                .get("http://127.0.0.1:9/items?name=Ivan+Petrov&api_key=k-secret&page=2")
                .send()
                .await
                .unwrap_err()
        };
        let credentials = [("api_key".to_string(), "k-secret".to_string())];
        let (error, full) = split_query(failure().await, &credentials);
        assert_eq!(error.url().unwrap().as_str(), "http://127.0.0.1:9/items");
        assert!(!format!("{error} {error:?}").contains("Ivan"));
        let full = full.expect("the URL");
        assert_eq!(
            full.as_str(),
            "http://127.0.0.1:9/items?name=Ivan+Petrov&page=2"
        );
        // Without credentials in the query, the URL is exactly the one sent.
        let (_, full) = split_query(failure().await, &[]);
        assert_eq!(
            full.unwrap().as_str(),
            "http://127.0.0.1:9/items?name=Ivan+Petrov&api_key=k-secret&page=2"
        );
        // A query of credentials only: none left.
        let only = [
            ("name".to_string(), String::new()),
            credentials[0].clone(),
            ("page".to_string(), String::new()),
        ];
        let (_, full) = split_query(failure().await, &only);
        assert_eq!(full.unwrap().as_str(), "http://127.0.0.1:9/items");
    }
}
