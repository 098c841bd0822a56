//! The credentials a client sends, one constructor per kind of security scheme an OpenAPI
//! spec declares: HTTP Basic, a bearer token (OAuth2 and OpenID Connect access tokens too),
//! an API key in a header, an API key in the query. Each value is checked (visible ASCII,
//! not empty) and kept with the forms a server could echo it in, so errors show
//! `[REDACTED]` instead. The generated `with_*` constructors call these; none is cfg-gated,
//! so an API's constructors build with that API's feature alone.

use crate::config_error::ConfigError;
use reqwest::header::{HeaderName, HeaderValue};

/// One credential of a client: where it goes on every request, and the secrets in it.
#[doc(hidden)]
pub struct Credential {
    pub(crate) place: Place,
    pub(crate) secrets: Vec<String>,
}

/// Where a credential goes: a header marked sensitive, or a query parameter added to every
/// request after the user's hooks ran (so a hook never sees it).
pub(crate) enum Place {
    Header(HeaderName, HeaderValue),
    Query(String, String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = match &self.place {
            Place::Header(name, _) => format!("header {name}"),
            Place::Query(name, _) => format!("query {name}"),
        };
        write!(f, "Credential({place}, not shown)")
    }
}

/// Visible ASCII (spaces inside allowed), not empty or only spaces.
fn visible(value: &str) -> bool {
    !value.trim().is_empty() && value.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
}

/// The `&'static str` a `ConfigError` names a header by.
fn header_label(name: &HeaderName) -> &'static str {
    match name.as_str() {
        "authorization" => "authorization",
        "x-crypto-token" => "x-crypto-token",
        "x-crypto-secret" => "x-crypto-secret",
        _ => "a credential header",
    }
}

/// `name: value` on every request, the value marked sensitive (`Debug` and logs show
/// `Sensitive`); the value is the secret.
#[doc(hidden)]
pub fn header(name: &str, value: &str) -> Result<Credential, ConfigError> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ConfigError::InvalidCredential("a credential header"))?;
    // The value is deliberately left out of the error: it is a secret.
    let invalid = || ConfigError::InvalidCredential(header_label(&name));
    if !visible(value) {
        return Err(invalid());
    }
    let mut header = HeaderValue::from_str(value).map_err(|_| invalid())?;
    header.set_sensitive(true);
    Ok(Credential {
        place: Place::Header(name, header),
        secrets: vec![value.to_string()],
    })
}

/// `Authorization: Basic base64(user:password)`, marked sensitive. The secrets are the
/// password and the Base64 token (the user, an e-mail or login, is not one).
#[doc(hidden)]
pub fn basic(user: &str, password: &str) -> Result<Credential, ConfigError> {
    use base64::Engine as _;
    // Checked before encoding: base64 would hide a stray newline read from a file.
    if !visible(user) || !visible(password) || user.contains(':') {
        return Err(ConfigError::InvalidCredential("authorization"));
    }
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut credential = header("authorization", &format!("Basic {token}"))?;
    credential.secrets.extend([token, password.to_string()]);
    Ok(credential)
}

/// `Authorization: Bearer <token>`, marked sensitive.
#[doc(hidden)]
pub fn bearer(token: &str) -> Result<Credential, ConfigError> {
    if token.trim().is_empty() {
        return Err(ConfigError::InvalidCredential("authorization"));
    }
    let mut credential = header("authorization", &format!("Bearer {token}"))?;
    credential.secrets.push(token.to_string());
    Ok(credential)
}

/// `?name=key` on every request (an `apiKey` scheme `in: query`). A key in a URL can end up
/// in the logs of proxies and servers on the way; this crate never shows it (errors and
/// traces carry no URL query, and an echoed key is `[REDACTED]`).
#[doc(hidden)]
pub fn query(name: &str, key: &str) -> Result<Credential, ConfigError> {
    if !visible(key) || name.is_empty() {
        return Err(ConfigError::InvalidCredential(
            "a credential query parameter",
        ));
    }
    Ok(Credential {
        place: Place::Query(name.to_string(), key.to_string()),
        secrets: vec![key.to_string()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made-up credentials: each kind is checked before anything is built, and `Debug` never
    /// shows a value.
    #[test]
    fn credentials_are_checked_and_never_shown() {
        for (credential, place) in [
            (basic("user", "pass word").unwrap(), "header authorization"),
            (bearer("tok.en").unwrap(), "header authorization"),
            (header("X-Api-Key", "k-1").unwrap(), "header x-api-key"),
            (query("api_key", "k-2").unwrap(), "query api_key"),
        ] {
            let shown = format!("{credential:?}");
            assert_eq!(shown, format!("Credential({place}, not shown)"));
        }
        assert_eq!(
            basic("us:er", "p").unwrap_err(),
            ConfigError::InvalidCredential("authorization")
        );
        assert!(bearer(" ").is_err());
        assert!(header("X-Api-Key", "line\nbreak").is_err());
        assert!(header("bad header", "v").is_err());
        assert_eq!(
            query("api_key", "").unwrap_err(),
            ConfigError::InvalidCredential("a credential query parameter")
        );
        // The Basic secrets: the password and the token, not the user.
        let secrets = basic("user", "pw").unwrap().secrets;
        assert!(secrets.contains(&"pw".to_string()), "{secrets:?}");
        assert!(!secrets.contains(&"user".to_string()), "{secrets:?}");
    }
}
