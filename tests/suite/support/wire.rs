//! The wire form of requests a mock server received, for snapshots: method, path and
//! query, headers (secrets masked, volatile values redacted), pretty JSON body.

use wiremock::Request;

/// Headers whose values are credentials: shown as `<scheme> ***`.
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-crypto-token", "x-crypto-secret"];
/// Headers that differ between runs or machines and say nothing about the API.
const VOLATILE_HEADERS: [&str; 1] = ["host"];

pub fn render(title: &str, request: &Request) -> String {
    let mut out = format!("### {title}\n{} {}", request.method, request.url.path());
    if let Some(query) = request.url.query() {
        // An API key in the query is a test secret: masked like a credential header.
        out += &format!("?{}", unsecret(query));
    }
    out.push('\n');
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| !VOLATILE_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or("<non-ascii>").to_string();
            (name.as_str().to_string(), mask(name.as_str(), &value))
        })
        .collect();
    headers.sort();
    for (name, value) in headers {
        out += &format!("{name}: {value}\n");
    }
    if request.body.is_empty() {
        out += "(no body)\n";
    } else {
        match serde_json::from_slice::<serde_json::Value>(&request.body) {
            Ok(json) => out += &(serde_json::to_string_pretty(&json).unwrap() + "\n"),
            Err(_) => out += &format!("{}\n", String::from_utf8_lossy(&request.body)),
        }
    }
    out
}

/// `text` with every test secret of every API (`operations::secrets()`, in the forms a URL
/// writes them) replaced by `***`.
fn unsecret(text: &str) -> String {
    let mut text = text.to_string();
    for secret in crate::support::operations::secrets() {
        let encoded: String = reqwest::Url::parse_with_params("http://x/", &[("s", &secret)])
            .ok()
            .and_then(|url| url.query().map(|q| q.trim_start_matches("s=").to_string()))
            .unwrap_or_default();
        for form in [secret.as_str(), encoded.as_str()] {
            if !form.is_empty() {
                text = text.replace(form, "***");
            }
        }
    }
    text
}

fn mask(name: &str, value: &str) -> String {
    if value != unsecret(value) {
        // A credential header of any API (an API key's own header too): its scheme, if any.
        return match value.split_once(' ') {
            Some((scheme, _)) => format!("{scheme} ***"),
            None => "***".into(),
        };
    }
    if SECRET_HEADERS.contains(&name) {
        match value.split_once(' ') {
            Some((scheme, _)) => format!("{scheme} ***"),
            None => "***".into(),
        }
    } else if name == "user-agent" {
        value.replace(env!("CARGO_PKG_VERSION"), "<version>")
    } else {
        value.to_string()
    }
}
