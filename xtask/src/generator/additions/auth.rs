//! The one table from a spec's security schemes to a client's constructors. progenitor
//! ignores `securitySchemes` (no setting reads them); the generator reads them here and writes, into the generated
//! `impl Client`, one constructor per kind of credential the spec accepts, with its
//! `_and_config` twin. The typed mocks, the suites' example calls and the surface name the
//! same constructors, from the same table.
//!
//! | scheme | constructor |
//! |---|---|
//! | `http` `basic` | `with_basic_auth(base_url, user, password)` |
//! | `http` `bearer`, `oauth2`, `openIdConnect` (their access token) | `with_bearer_token(base_url, token)` |
//! | `apiKey` in a header, or in the query | `with_api_key(base_url, key)` |
//! | two `apiKey` headers required together | `with_keys(base_url, first, second)` |
//! | none (no `security`, or `security: []` on an operation) | `with_http_config(base_url, &config)` |
//!
//! A spec that accepts several (alternatives in `security`) gets each. Anything else (HTTP
//! digest, a cookie key, other combinations) is refused with the reason.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// What one security requirement asks a client to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    None,
    Basic,
    Bearer,
    /// An API key in the header of this name.
    ApiKeyHeader(String),
    /// An API key in the query parameter of this name.
    ApiKeyQuery(String),
    /// Two API-key headers, sent together, in the spec's order.
    KeyPair(String, String),
}

impl Scheme {
    /// The constructor's name (`with_basic_auth`); its twin adds `_and_config`.
    pub fn constructor(&self) -> &'static str {
        match self {
            Scheme::None => "with_http_config",
            Scheme::Basic => "with_basic_auth",
            Scheme::Bearer => "with_bearer_token",
            Scheme::ApiKeyHeader(_) | Scheme::ApiKeyQuery(_) => "with_api_key",
            Scheme::KeyPair(..) => "with_keys",
        }
    }

    /// The credentials the constructor takes after `base_url`, as (parameter, example value):
    /// the one list the signatures, the generated docs' examples, the tour and the bench
    /// consumers read.
    pub fn parameters(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Scheme::None => &[],
            Scheme::Basic => &[("user", "user"), ("password", "password")],
            Scheme::Bearer => &[("token", "token")],
            Scheme::ApiKeyHeader(_) | Scheme::ApiKeyQuery(_) => &[("key", "key")],
            Scheme::KeyPair(..) => &[("first", "first-key"), ("second", "second-key")],
        }
    }

    /// Source text calling the constructor with the example credentials: `base` (a `&str`)
    /// and, for the scheme without credentials, `config` (a `&HttpConfig`) are expressions.
    pub fn example_call(&self, base: &str, config: &str) -> String {
        let mut args = vec![base.to_string()];
        if *self == Scheme::None {
            args.push(config.to_string());
        }
        args.extend(
            self.parameters()
                .iter()
                .map(|(_, value)| format!("{value:?}")),
        );
        format!("{}({})", self.constructor(), args.join(", "))
    }

    /// A short name for cache keys and messages.
    pub fn label(&self) -> &'static str {
        match self {
            Scheme::None => "none",
            Scheme::Basic => "basic",
            Scheme::Bearer => "bearer",
            Scheme::ApiKeyHeader(_) => "api-key-header",
            Scheme::ApiKeyQuery(_) => "api-key-query",
            Scheme::KeyPair(..) => "keys",
        }
    }

    /// `::crm_bindings_runtime::mock::Auth` of this scheme, for the operations' facts.
    pub fn facts(&self) -> TokenStream {
        match self {
            Scheme::None => quote!(::crm_bindings_runtime::mock::Auth::None),
            Scheme::Basic => quote!(::crm_bindings_runtime::mock::Auth::Basic),
            Scheme::Bearer => quote!(::crm_bindings_runtime::mock::Auth::Bearer),
            Scheme::ApiKeyHeader(name) => {
                quote!(::crm_bindings_runtime::mock::Auth::ApiKeyHeader(#name))
            }
            Scheme::ApiKeyQuery(name) => {
                quote!(::crm_bindings_runtime::mock::Auth::ApiKeyQuery(#name))
            }
            Scheme::KeyPair(a, b) => quote!(::crm_bindings_runtime::mock::Auth::ApiKeys(&[#a, #b])),
        }
    }

    /// A call of this scheme's constructor (`Client` in scope) with the test credentials (`credentials:
    /// &mock_support::Credentials`), `base: &str` and, when `with_config` is true, `config:
    /// &HttpConfig` in scope.
    pub fn call(&self, with_config: bool) -> TokenStream {
        let credentials = match self {
            Scheme::None => quote!(),
            Scheme::Basic => quote!(credentials.user, credentials.password,),
            Scheme::Bearer => quote!(credentials.token,),
            Scheme::ApiKeyHeader(_) | Scheme::ApiKeyQuery(_) => quote!(credentials.keys[0],),
            Scheme::KeyPair(..) => quote!(credentials.keys[0], credentials.keys[1],),
        };
        let plain = format_ident!("{}", self.constructor());
        let twin = format_ident!("{}_and_config", self.constructor());
        match (self, with_config) {
            (Scheme::None, true) => quote!(Client::#plain(base, config)),
            (Scheme::None, false) => {
                quote!(Client::#plain(base, &::std::default::Default::default()))
            }
            (_, true) => quote!(Client::#twin(base, #credentials config)),
            (_, false) => quote!(Client::#plain(base, #credentials)),
        }
    }
}

/// The constructor as the surface shows it: `with_basic_auth(base_url, user, password)`.
pub fn signature(scheme: &Scheme) -> String {
    let mut args = vec!["base_url"];
    if *scheme == Scheme::None {
        args.push("config");
    }
    args.extend(scheme.parameters().iter().map(|(name, _)| *name));
    let place = match scheme {
        Scheme::None => "no credentials".to_string(),
        Scheme::Basic => "HTTP Basic".to_string(),
        Scheme::Bearer => "Authorization: Bearer".to_string(),
        Scheme::ApiKeyHeader(name) => format!("header {name}"),
        Scheme::ApiKeyQuery(name) => format!("query {name}"),
        Scheme::KeyPair(a, b) => format!("headers {a}, {b}"),
    };
    format!("{}({}): {place}", scheme.constructor(), args.join(", "))
}

/// The security requirements of the document (`security:` at the top), in the YAML's order:
/// each a list of scheme names required together. `None` when the spec has none.
fn requirements(security: Option<&serde_yaml_ng::Value>) -> Option<Vec<Vec<String>>> {
    let list = security?.as_sequence()?;
    Some(
        list.iter()
            .map(|requirement| {
                requirement
                    .as_mapping()
                    .into_iter()
                    .flat_map(|m| m.keys())
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect()
            })
            .collect(),
    )
}

/// The scheme of one requirement, or why it is not supported.
fn scheme_of(spec: &Value, names: &[String]) -> Result<Scheme, String> {
    let lookup = |name: &String| {
        spec.pointer(&format!(
            "/components/securitySchemes/{}",
            crate::generator::read::spec::escape(name)
        ))
        .ok_or_else(|| {
            format!("security scheme `{name}` is not declared under `components/securitySchemes`")
        })
    };
    let text = |scheme: &Value, key: &str| {
        scheme
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match names {
        [] => Ok(Scheme::None),
        [name] => {
            let scheme = lookup(name)?;
            match (
                text(scheme, "type").as_str(),
                text(scheme, "scheme").to_ascii_lowercase().as_str(),
                text(scheme, "in").as_str(),
            ) {
                ("http", "basic", _) => Ok(Scheme::Basic),
                ("http", "bearer", _) | ("oauth2" | "openIdConnect", _, _) => Ok(Scheme::Bearer),
                ("apiKey", _, "header") => Ok(Scheme::ApiKeyHeader(text(scheme, "name"))),
                ("apiKey", _, "query") => Ok(Scheme::ApiKeyQuery(text(scheme, "name"))),
                ("apiKey", _, "cookie") => Err(format!(
                    "security scheme `{name}` is an API key in a cookie, which the generated client cannot send; send it with `HttpConfig::sensitive_header(COOKIE, ..)` and drop the scheme"
                )),
                ("http", other, _) => Err(format!(
                    "security scheme `{name}` is HTTP `{other}` auth; the generated client sends Basic and bearer only"
                )),
                (other, _, _) => Err(format!(
                    "security scheme `{name}` has `type: {other}`; write http (basic, bearer), apiKey, oauth2 or openIdConnect"
                )),
            }
        }
        [first, second] => {
            let (a, b) = (lookup(first)?, lookup(second)?);
            let header_key = |s: &Value| text(s, "type") == "apiKey" && text(s, "in") == "header";
            if header_key(a) && header_key(b) {
                Ok(Scheme::KeyPair(text(a, "name"), text(b, "name")))
            } else {
                Err(format!(
                    "security schemes `{first}` and `{second}` required together: only two API-key headers can be, sent as a pair"
                ))
            }
        }
        more => Err(format!(
            "{} security schemes required together ({}); the generated client sends at most two API-key headers together",
            more.len(),
            more.join(", ")
        )),
    }
}

/// The spec's YAML, for the order of keys (the JSON form sorts them: `with_keys` takes its
/// keys in the order the spec lists them).
fn yaml(text: &str) -> serde_yaml_ng::Value {
    serde_yaml_ng::from_str(text).unwrap_or_default()
}

/// Every scheme a client of the spec may use, distinct, in the spec's order: the document's
/// requirements, then those operations declare for themselves; `None` when some operation
/// needs no credentials.
pub fn schemes(spec: &Value, text: &str) -> Result<Vec<Scheme>, String> {
    let doc = yaml(text);
    let top = requirements(doc.get("security"));
    let mut all: Vec<Vec<String>> = top.clone().unwrap_or_default();
    let mut unauthenticated = top.as_ref().is_none_or(Vec::is_empty);
    for (path, method, _) in crate::generator::read::spec::operations(spec) {
        let own = doc
            .get("paths")
            .and_then(|p| p.get(path))
            .and_then(|item| item.get(method))
            .and_then(|op| requirements(op.get("security")));
        match own {
            Some(list) if list.is_empty() => unauthenticated = true,
            Some(list) => all.extend(list),
            None => {}
        }
    }
    let mut out = Vec::new();
    for requirement in &all {
        let scheme = scheme_of(spec, requirement)?;
        if !out.contains(&scheme) {
            out.push(scheme);
        }
    }
    if unauthenticated && !out.contains(&Scheme::None) {
        out.push(Scheme::None);
    }
    for (i, a) in out.iter().enumerate() {
        if let Some(b) = out[i + 1..]
            .iter()
            .find(|b| b.constructor() == a.constructor())
        {
            return Err(format!(
                "the spec accepts two credentials of one kind ({} and {}), which would need two `{}` constructors; keep one scheme",
                describe(a),
                describe(b),
                a.constructor()
            ));
        }
    }
    Ok(out)
}

fn describe(scheme: &Scheme) -> String {
    match scheme {
        Scheme::ApiKeyHeader(name) => format!("an API key in the `{name}` header"),
        Scheme::ApiKeyQuery(name) => format!("an API key in the `{name}` query parameter"),
        Scheme::KeyPair(a, b) => format!("the `{a}` and `{b}` headers"),
        other => other.label().to_string(),
    }
}

/// A base URL for the constructors' examples: the spec's first server with its variables'
/// defaults, when that is an absolute `https` URL.
fn example_base_url(spec: &Value) -> String {
    let server = spec.pointer("/servers/0");
    let mut url = server
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    for (name, variable) in server
        .and_then(|s| s.get("variables"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(default) = variable.get("default").and_then(Value::as_str) {
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    let usable = url.starts_with("https://") && !url.contains('{') && !url.contains(' ');
    if usable {
        url
    } else {
        "https://api.example.com".to_string()
    }
}

/// The constructors of every scheme, the one-step constructor they share, and the hooks
/// every request runs (`ClientHooks`, which progenitor's `HooksMode::Expected` requires).
pub fn client_impl(api: &str, spec: &Value, schemes: &[Scheme]) -> TokenStream {
    let base = example_base_url(spec);
    // Doctests run in the API's own crate, which re-exports the runtime's items.
    let path = format!("crm_bindings_{api}::Client");
    let constructors = schemes
        .iter()
        .map(|scheme| constructor(scheme, &path, &base));
    quote! {
        impl Client {
            #(#constructors)*

            /// A client for `base_url` with `config` and `credentials`, in one step: what every
            /// `with_*` constructor calls.
            #[doc(hidden)]
            pub fn with_credentials(
                base_url: &str,
                credentials: ::std::vec::Vec<::crm_bindings_runtime::auth::Credential>,
                config: &::crm_bindings_runtime::HttpConfig,
            ) -> ::std::result::Result<Self, ::crm_bindings_runtime::ConfigError> {
                let (baseurl, client, runtime) = config.build(base_url, credentials)?;
                Ok(Self {
                    baseurl,
                    client,
                    runtime,
                })
            }
        }

        ::crm_bindings_runtime::impl_client_hooks!();
    }
}

/// `text` as one `#[doc]` attribute per line, so the generated code shows `///` lines.
fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// One scheme's constructor and its `_and_config` twin, documented with a runnable example.
fn constructor(scheme: &Scheme, client: &str, base: &str) -> TokenStream {
    let name = format_ident!("{}", scheme.constructor());
    let with_config = format_ident!("{}_and_config", scheme.constructor());
    let twin_doc = doc(&format!(
        "[`Client::{}`] with an explicit [`::crm_bindings_runtime::HttpConfig`] (timeouts, retries, proxy, hooks, ...).",
        scheme.constructor()
    ));
    let krate = client.trim_end_matches("::Client");
    let (what, credentials): (String, TokenStream) = match scheme {
        Scheme::None => {
            let doc = doc(&format!(
                "A client for `base_url` with `config` and no credentials.\n\n```\nlet client = {client}::{}?;\n# Ok::<(), Box<dyn std::error::Error>>(())\n```",
                scheme.example_call(&format!("{base:?}"), &format!("&{krate}::HttpConfig::default()")),
            ));
            return quote! {
                #doc
                pub fn #name(
                    base_url: &str,
                    config: &::crm_bindings_runtime::HttpConfig,
                ) -> ::std::result::Result<Self, ::crm_bindings_runtime::ConfigError> {
                    Self::with_credentials(base_url, ::std::vec::Vec::new(), config)
                }
            };
        }
        Scheme::Basic => (
            "authenticating with HTTP Basic: `user` and `password` go in the `Authorization` header".into(),
            quote!(::crm_bindings_runtime::auth::basic(user, password)?),
        ),
        Scheme::Bearer => (
            "sending `Authorization: Bearer <token>`".into(),
            quote!(::crm_bindings_runtime::auth::bearer(token)?),
        ),
        Scheme::ApiKeyHeader(header) => (
            format!("sending the API key in the `{header}` header"),
            quote!(::crm_bindings_runtime::auth::header(#header, key)?),
        ),
        Scheme::ApiKeyQuery(param) => (
            format!("sending the API key as the `{param}` query parameter of every request"),
            quote!(::crm_bindings_runtime::auth::query(#param, key)?),
        ),
        Scheme::KeyPair(a, b) => (
            format!("sending both API keys, `first` in the `{a}` header and `second` in `{b}`"),
            quote!(::crm_bindings_runtime::auth::header(#a, first)?, ::crm_bindings_runtime::auth::header(#b, second)?),
        ),
    };
    let secret = if matches!(scheme, Scheme::ApiKeyQuery(_)) {
        "The key is replaced by `[REDACTED]` wherever an error would show it."
    } else {
        "The header is marked sensitive, so `Debug` never shows it."
    };
    let doc = doc(&format!(
        "A client for `base_url` {what}. {secret}\n\n```\nlet client = {client}::{}?;\n# Ok::<(), Box<dyn std::error::Error>>(())\n```",
        scheme.example_call(&format!("{base:?}"), "")
    ));
    let names: Vec<_> = scheme
        .parameters()
        .iter()
        .map(|(name, _)| format_ident!("{name}"))
        .collect();
    let (params, args) = (quote!(#(#names: &str,)*), quote!(#(#names,)*));
    quote! {
        #doc
        pub fn #name(base_url: &str, #params) -> ::std::result::Result<Self, ::crm_bindings_runtime::ConfigError> {
            Self::#with_config(base_url, #args &::crm_bindings_runtime::HttpConfig::default())
        }

        #twin_doc
        pub fn #with_config(
            base_url: &str,
            #params
            config: &::crm_bindings_runtime::HttpConfig,
        ) -> ::std::result::Result<Self, ::crm_bindings_runtime::ConfigError> {
            Self::with_credentials(base_url, ::std::vec![#credentials], config)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schemes of a made-up spec with `security` and `components/securitySchemes`.
    fn schemes_of(security: &str, declared: &str) -> Result<Vec<Scheme>, String> {
        let text = format!(
            "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      operationId: a\n{security}components:\n  securitySchemes:\n{declared}"
        );
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        schemes(&serde_json::to_value(yaml).unwrap(), &text)
    }

    const DECLARED: &str = "    basic: {type: http, scheme: basic}\n    bearer: {type: http, scheme: bearer}\n    oauth: {type: oauth2, flows: {}}\n    key: {type: apiKey, in: header, name: X-Api-Key}\n    query: {type: apiKey, in: query, name: api_key}\n    token: {type: apiKey, in: header, name: X-Crypto-Token}\n    secret: {type: apiKey, in: header, name: X-Crypto-Secret}\n    cookie: {type: apiKey, in: cookie, name: sid}\n    digest: {type: http, scheme: digest}\n";

    #[test]
    fn each_kind_of_scheme_gets_its_constructor() {
        let one = |security: &str| schemes_of(&format!("security:\n  - {security}\n"), DECLARED);
        assert_eq!(one("basic: []"), Ok(vec![Scheme::Basic]));
        assert_eq!(one("bearer: []"), Ok(vec![Scheme::Bearer]));
        assert_eq!(one("oauth: [read]"), Ok(vec![Scheme::Bearer]));
        assert_eq!(
            one("key: []"),
            Ok(vec![Scheme::ApiKeyHeader("X-Api-Key".into())])
        );
        assert_eq!(
            one("query: []"),
            Ok(vec![Scheme::ApiKeyQuery("api_key".into())])
        );
        // A pair keeps the spec's order, not the JSON form's sorted one.
        assert_eq!(
            one("{token: [], secret: []}"),
            Ok(vec![Scheme::KeyPair(
                "X-Crypto-Token".into(),
                "X-Crypto-Secret".into()
            )])
        );
        assert_eq!(schemes_of("", DECLARED), Ok(vec![Scheme::None]));
        assert_eq!(
            schemes_of("security: []\n", DECLARED),
            Ok(vec![Scheme::None])
        );
        let names: Vec<&str> = [
            Scheme::None,
            Scheme::Basic,
            Scheme::Bearer,
            Scheme::ApiKeyHeader("h".into()),
            Scheme::ApiKeyQuery("q".into()),
            Scheme::KeyPair("a".into(), "b".into()),
        ]
        .iter()
        .map(Scheme::constructor)
        .collect();
        assert_eq!(
            names,
            [
                "with_http_config",
                "with_basic_auth",
                "with_bearer_token",
                "with_api_key",
                "with_api_key",
                "with_keys"
            ]
        );
    }

    #[test]
    fn alternatives_each_get_one_and_an_open_operation_adds_none() {
        let text = "security:\n  - basic: []\n  - bearer: []\n";
        assert_eq!(
            schemes_of(text, DECLARED),
            Ok(vec![Scheme::Basic, Scheme::Bearer])
        );
        let text = "      security: []\nsecurity:\n  - key: []\n";
        assert_eq!(
            schemes_of(text, DECLARED),
            Ok(vec![Scheme::ApiKeyHeader("X-Api-Key".into()), Scheme::None])
        );
    }

    #[test]
    fn what_cannot_be_sent_is_refused_with_the_reason() {
        let refused = |security: &str| {
            schemes_of(&format!("security:\n  - {security}\n"), DECLARED).unwrap_err()
        };
        assert!(refused("cookie: []").contains("in a cookie"));
        assert!(refused("digest: []").contains("HTTP `digest` auth"));
        assert!(refused("missing: []").contains("is not declared"));
        assert!(refused("{basic: [], key: []}").contains("required together"));
        assert!(refused("{key: [], token: [], secret: []}").contains("3 security schemes"));
        let two_keys = schemes_of("security:\n  - key: []\n  - query: []\n", DECLARED);
        assert!(
            two_keys
                .unwrap_err()
                .contains("two `with_api_key` constructors"),
        );
    }

    #[test]
    fn examples_use_the_first_server_when_it_is_https() {
        let spec = |servers: Value| serde_json::json!({"servers": servers});
        assert_eq!(
            example_base_url(&spec(serde_json::json!([{"url": "https://api.x.com/v1"}]))),
            "https://api.x.com/v1"
        );
        let with_variable = serde_json::json!([{
            "url": "https://{host}/api",
            "variables": {"host": {"default": "shop.example.com"}},
        }]);
        assert_eq!(
            example_base_url(&spec(with_variable)),
            "https://shop.example.com/api"
        );
        for unusable in [
            serde_json::json!([{"url": "/v1"}]),
            serde_json::json!([{"url": "https://{store_url}/api"}]),
            serde_json::json!([]),
        ] {
            assert_eq!(example_base_url(&spec(unusable)), "https://api.example.com");
        }
    }
}
