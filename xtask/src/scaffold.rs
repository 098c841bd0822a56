//! `cargo xtask new-api NAME`: everything an API needs besides its spec, made from the spec.
//! Adding an API is then its spec (`specs/NAME.yaml`, written from the source document), the
//! facade this writes (`src/NAME.rs`: the auth constructor its security scheme asks for), its
//! own tests (`tests/suite/apis/NAME.rs`: the seed's examples on the wire) and its tour
//! section; the cross-API suites cover it by construction.

use serde_json::Value;
use std::path::Path;

/// The facade's constructor for the spec's security scheme, as the generated mocks call it.
fn constructor(spec: &Value, text: &str) -> (&'static str, String) {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap_or_default();
    let names: Vec<String> = yaml
        .get("security")
        .and_then(|s| s.as_sequence())
        .and_then(|r| r.first())
        .and_then(|r| r.as_mapping())
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let schemes: Vec<&Value> = names
        .iter()
        .filter_map(|n| spec.pointer(&format!("/components/securitySchemes/{n}")))
        .collect();
    let kind = |s: &Value| {
        (
            s.get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            s.get("scheme")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        )
    };
    match schemes.first().map(|s| kind(s)) {
        Some((t, scheme)) if t == "http" && scheme == "basic" => ("basic", BASIC.to_string()),
        Some((t, scheme)) if t == "http" && scheme == "bearer" => ("bearer", BEARER.to_string()),
        Some((t, _)) if t == "apiKey" && schemes.len() == 2 => {
            let header = |s: &Value| {
                s.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            };
            let keys = KEYS
                .replace("FIRST_HEADER", &header(schemes[0]))
                .replace("SECOND_HEADER", &header(schemes[1]));
            ("keys", keys)
        }
        _ => ("none", NONE.to_string()),
    }
}

const BASIC: &str = r#"    /// A client for `base_url` authenticating with HTTP Basic (`user`, `password`); the
    /// header is marked sensitive.
    pub fn with_basic_auth(base_url: &str, user: &str, password: &str) -> Result<Self, crate::ConfigError> {
        Self::with_basic_auth_and_config(base_url, user, password, &crate::HttpConfig::default())
    }

    /// [`Client::with_basic_auth`] with an explicit [`crate::HttpConfig`].
    pub fn with_basic_auth_and_config(
        base_url: &str,
        user: &str,
        password: &str,
        config: &crate::HttpConfig,
    ) -> Result<Self, crate::ConfigError> {
        let auth = crate::config::basic_auth(user, password)?;
        let (base_url, http, runtime) = config.build(base_url, vec![auth])?;
        let mut client = Self::new_with_client(&base_url, http);
        client.runtime = runtime;
        Ok(client)
    }
"#;

const BEARER: &str = r#"    /// A client for `base_url` sending `Authorization: Bearer <token>` (marked sensitive).
    pub fn with_bearer_token(base_url: &str, token: &str) -> Result<Self, crate::ConfigError> {
        Self::with_bearer_token_and_config(base_url, token, &crate::HttpConfig::default())
    }

    /// [`Client::with_bearer_token`] with an explicit [`crate::HttpConfig`].
    pub fn with_bearer_token_and_config(
        base_url: &str,
        token: &str,
        config: &crate::HttpConfig,
    ) -> Result<Self, crate::ConfigError> {
        let (base_url, http, runtime) = config.build(base_url, vec![crate::config::bearer(token)?])?;
        let mut client = Self::new_with_client(&base_url, http);
        client.runtime = runtime;
        Ok(client)
    }
"#;

const KEYS: &str = r#"    /// A client for `base_url` sending both API keys (`FIRST_HEADER`, `SECOND_HEADER`) on
    /// every request, marked sensitive.
    pub fn with_keys(base_url: &str, first: &str, second: &str) -> Result<Self, crate::ConfigError> {
        Self::with_keys_and_config(base_url, first, second, &crate::HttpConfig::default())
    }

    /// [`Client::with_keys`] with an explicit [`crate::HttpConfig`].
    pub fn with_keys_and_config(
        base_url: &str,
        first: &str,
        second: &str,
        config: &crate::HttpConfig,
    ) -> Result<Self, crate::ConfigError> {
        let headers = vec![
            crate::config::secret_header("FIRST_HEADER", first)?,
            crate::config::secret_header("SECOND_HEADER", second)?,
        ];
        let (base_url, http, runtime) = config.build(base_url, headers)?;
        let mut client = Self::new_with_client(&base_url, http);
        client.runtime = runtime;
        Ok(client)
    }
"#;

const NONE: &str = r#"    /// A client for `base_url` with `config` and no credentials (the spec documents none).
    pub fn with_http_config(base_url: &str, config: &crate::HttpConfig) -> Result<Self, crate::ConfigError> {
        let (base_url, http, runtime) = config.build(base_url, Vec::new())?;
        let mut client = Self::new_with_client(&base_url, http);
        client.runtime = runtime;
        Ok(client)
    }
"#;

/// A minimal spec to start from when `specs/NAME.yaml` does not exist yet.
const SPEC: &str = r##"openapi: 3.0.3
info:
  title: NAME API
  version: "1"
  description: |
    Write this spec from the source document (../shared/seeds/): every endpoint, parameter,
    field, enum value, constraint, auth scheme and example it describes.
servers:
  - url: https://api.example.invalid
security:
  - bearerAuth: []
paths:
  /things/{id}:
    get:
      operationId: get_thing
      description: Returns a thing.
      parameters:
        - name: id
          in: path
          required: true
          description: Id of the thing.
          schema:
            type: integer
            minimum: 1
          example: 1
      responses:
        "200":
          description: The thing.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing"
              example:
                id: 1
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
  schemas:
    Thing:
      type: object
      description: A thing.
      required: [id]
      properties:
        id:
          type: integer
          description: Id of the thing.
          example: 1
"##;

/// Writes `path` unless it exists; says what it did.
fn write_new(root: &Path, rel: &str, text: &str, log: &mut Vec<String>) -> Result<(), String> {
    let path = root.join(rel);
    if path.exists() {
        log.push(format!("  kept    {rel} (exists)"));
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{rel}: {e}"))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("{rel}: {e}"))?;
    log.push(format!("  wrote   {rel}"));
    Ok(())
}

/// Inserts `line` into `rel` after the last line starting with `after` (once).
fn insert_line(
    root: &Path,
    rel: &str,
    after: &str,
    line: &str,
    log: &mut Vec<String>,
) -> Result<(), String> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
    if text.contains(line) {
        log.push(format!("  kept    {rel} ({} is there)", line.trim()));
        return Ok(());
    }
    let mut lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.starts_with(after) && !l.ends_with('{'))
        .ok_or_else(|| format!("{rel}: no line starting with `{after}`"))?;
    lines.insert(at + 1, line);
    std::fs::write(&path, lines.join("\n") + "\n").map_err(|e| format!("{rel}: {e}"))?;
    log.push(format!("  edited  {rel} (+ {})", line.trim()));
    Ok(())
}

/// Inserts `line` into `rel` before the first line starting with `marker` (once).
fn insert_before(
    root: &Path,
    rel: &str,
    marker: &str,
    line: &str,
    log: &mut Vec<String>,
) -> Result<(), String> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
    if text.contains(line) {
        log.push(format!("  kept    {rel} ({} is there)", line.trim()));
        return Ok(());
    }
    let mut lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(marker))
        .ok_or_else(|| format!("{rel}: no line starting with `{marker}`"))?;
    lines.insert(at, line);
    std::fs::write(&path, lines.join("\n") + "\n").map_err(|e| format!("{rel}: {e}"))?;
    log.push(format!("  edited  {rel} (+ {})", line.trim()));
    Ok(())
}

/// Scaffolds the API `name`; returns what it did, line by line.
pub fn new_api(root: &Path, name: &str) -> Result<Vec<String>, String> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !valid {
        return Err(format!(
            "`{name}`: an API name is lower-case letters and digits (it names a module and a feature)"
        ));
    }
    let mut log = Vec::new();
    let spec_rel = format!("specs/{name}.yaml");
    write_new(root, &spec_rel, &SPEC.replace("NAME", name), &mut log)?;
    let (_, spec) =
        crate::generate::load_spec(&spec_rel, &root.join(&spec_rel)).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(root.join(&spec_rel)).map_err(|e| e.to_string())?;
    let (auth, constructor) = constructor(&spec, &text);
    let title = spec
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or(name);

    let facade = format!(
        "//! {title} (`specs/{name}.yaml`).\n\n\
         #[cfg(feature = \"mock\")]\n\
         #[cfg_attr(docsrs, doc(cfg(feature = \"mock\")))]\n\
         pub use crate::generated::{name}::mock;\n\
         pub use crate::generated::{name}::rules;\n\
         pub use crate::generated::{name}::{{Client, ClientInfo, Error, ResponseValue, builder, types}};\n\n\
         impl Client {{\n{constructor}}}\n\n\
         crate::hooks::impl_client_hooks!();\n"
    );
    write_new(root, &format!("src/{name}.rs"), &facade, &mut log)?;
    insert_line(
        root,
        "src/lib.rs",
        "pub mod ",
        &format!(
            "#[cfg(feature = \"{name}\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"{name}\")))]\npub mod {name};"
        ),
        &mut log,
    )?;
    let regress = if text.contains("pattern:") {
        "\"dep:regress\""
    } else {
        ""
    };
    insert_before(
        root,
        "Cargo.toml",
        "# Derive `schemars::JsonSchema`",
        &format!("{name} = [{regress}]"),
        &mut log,
    )?;
    // The feature joins `default`, so the suites and the tour run over it.
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    if let Some(start) = cargo.find("default = [") {
        let end = start + cargo[start..].find(']').unwrap_or(0);
        if !cargo[start..end].contains(&format!("\"{name}\"")) {
            let edited = format!("{}, \"{name}\"{}", &cargo[..end], &cargo[end..]);
            std::fs::write(root.join("Cargo.toml"), edited).map_err(|e| e.to_string())?;
            log.push(format!("  edited  Cargo.toml (+ \"{name}\" in default)"));
        }
    }

    let tests = format!(
        "//! {title}: what is specific to this API. Every cross-API suite already covers it\n\
         //! (contract, misbehaviour, fuzz, secrets, transport, constraints, enums, credentials);\n\
         //! here the seed's own examples (`tests/fixtures/{name}/`) are checked on the wire.\n\n\
         use crm_bindings::{name}::mock;\n\n\
         /// Every operation, called with the spec's examples against the spec's example answers,\n\
         /// as it goes on the wire (reviewed in `snapshots/suite__apis__{name}__wire.snap`).\n\
         #[tokio::test]\n\
         async fn wire() {{\n    \
             let server = wiremock::MockServer::start().await;\n    \
             mock::mount_examples(&server).await;\n    \
             let mut text = Vec::new();\n    \
             for call in mock::example_calls() {{\n        \
                 server.reset().await;\n        \
                 mock::mount_examples(&server).await;\n        \
                 let credentials = crate::support::operations::credentials(\"{name}\");\n        \
                 let outcome = (call.call)(server.uri(), Default::default(), credentials).await;\n        \
                 assert!(outcome.result.is_ok(), \"{{}}: {{:?}}\", call.operation.id, outcome.result);\n        \
                 for request in server.received_requests().await.unwrap() {{\n            \
                     text.push(crate::support::wire::render(call.operation.id, &request));\n        \
                 }}\n    \
             }}\n    \
             insta::assert_snapshot!(\"wire\", text.join(\"\\n\"));\n\
         }}\n"
    );
    write_new(
        root,
        &format!("tests/suite/apis/{name}.rs"),
        &tests,
        &mut log,
    )?;
    insert_line(
        root,
        "tests/suite/apis/mod.rs",
        "mod ",
        &format!("#[cfg(feature = \"{name}\")]\nmod {name};"),
        &mut log,
    )?;
    write_new(
        root,
        &format!("tests/fixtures/{name}/README.md"),
        &format!(
            "The examples of the source document of `{name}`, verbatim, one file per request or answer.\n"
        ),
        &mut log,
    )?;

    let tour = format!(
        "//! {title}: every operation against the spec's examples.\n\n\
         use crate::Result;\n\n\
         pub async fn run() -> Result {{\n    \
             let server = wiremock::MockServer::start().await;\n    \
             crm_bindings::{name}::mock::mount_examples(&server).await;\n    \
             println!(\"\\n== {title} (mock at {{}})\", server.uri());\n    \
             let client = crm_bindings::{name}::Client::{ctor};\n    \
             let _ = &client; // call each operation here, printing what the API returns\n    \
             Ok(())\n\
         }}\n",
        ctor = match auth {
            "basic" => "with_basic_auth(&server.uri(), \"user\", \"password\")?",
            "bearer" => "with_bearer_token(&server.uri(), \"token\")?",
            "keys" => "with_keys(&server.uri(), \"key\", \"secret\")?",
            _ => "with_http_config(&server.uri(), &Default::default())?",
        }
    );
    write_new(root, &format!("examples/tour/{name}.rs"), &tour, &mut log)?;
    insert_line(
        root,
        "examples/tour/main.rs",
        "mod ",
        &format!("#[cfg(feature = \"{name}\")]\nmod {name};"),
        &mut log,
    )?;
    insert_before(
        root,
        "examples/tour/main.rs",
        "    println!(\"\\nTour finished",
        &format!("    #[cfg(feature = \"{name}\")]\n    {name}::run().await?;"),
        &mut log,
    )?;
    log.push(format!(
        "next: write specs/{name}.yaml from its source document, `cargo xtask generate`, put the \
         seed's examples in tests/fixtures/{name}/, check them in tests/suite/apis/{name}.rs, \
         fill the tour, add a row to the README's table, `cargo xtask test`"
    ));
    Ok(log)
}

#[cfg(test)]
mod tests {
    /// The auth constructor for the first security requirement's schemes (made-up specs,
    /// one per kind the five APIs use, and two that match none).
    #[test]
    fn each_security_scheme_gets_its_constructor() {
        let kind = |schemes: &str, security: &str| {
            let text =
                format!("security:\n  - {security}\ncomponents:\n  securitySchemes:\n{schemes}");
            let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
            let spec = serde_json::to_value(yaml).unwrap();
            super::constructor(&spec, &text)
        };
        let basic = "    b:\n      type: http\n      scheme: basic\n";
        let bearer = "    t:\n      type: http\n      scheme: bearer\n";
        let keys = "    k1:\n      type: apiKey\n      in: header\n      name: X-Crypto-Token\n    k2:\n      type: apiKey\n      in: header\n      name: X-Secret\n";
        assert_eq!(kind(basic, "b: []").0, "basic");
        assert_eq!(kind(bearer, "t: []").0, "bearer");
        let (auth, code) = kind(keys, "{k1: [], k2: []}");
        assert_eq!(auth, "keys");
        assert!(code.contains("(`x-crypto-token`, `x-secret`)"), "{code}");
        // One API key alone, or HTTP digest: no constructor of those kinds fits.
        assert_eq!(kind(keys, "k1: []").0, "none");
        let digest = "    d:\n      type: http\n      scheme: digest\n";
        assert_eq!(kind(digest, "d: []").0, "none");
        let basic_key = "    b:\n      type: apiKey\n      scheme: basic\n      name: k\n";
        assert_eq!(kind(basic_key, "b: []").0, "none");
        let key_bearer = "    t:\n      type: apiKey\n      scheme: bearer\n      name: k\n";
        assert_eq!(kind(key_bearer, "t: []").0, "none");
    }

    /// A line goes after the last line starting with the marker that does not open a block,
    /// once.
    #[test]
    fn a_line_is_inserted_after_its_marker_once() {
        let root = std::env::temp_dir().join(format!("xtask-insert-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("f.toml"), "api = 1\napi {\n}\n").unwrap();
        let mut log = Vec::new();
        super::insert_line(&root, "f.toml", "api", "new = 2", &mut log).unwrap();
        super::insert_line(&root, "f.toml", "api", "new = 2", &mut log).unwrap();
        let text = std::fs::read_to_string(root.join("f.toml")).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(text, "api = 1\nnew = 2\napi {\n}\n");
        assert_eq!(
            log,
            [
                "  edited  f.toml (+ new = 2)",
                "  kept    f.toml (new = 2 is there)"
            ]
        );
    }

    /// An API name starts with a lower-case letter and has only lower-case letters and
    /// digits: it names a module and a feature. Nothing is written for a bad one.
    #[test]
    fn a_bad_api_name_is_refused_before_anything_is_written() {
        let root = std::env::temp_dir().join(format!("xtask-bad-name-{}", std::process::id()));
        for name in ["aB", "9lives", "", "a-b"] {
            let error = super::new_api(&root, name).unwrap_err();
            assert!(
                error.starts_with(&format!(
                    "`{name}`: an API name is lower-case letters and digits"
                )),
                "{error}"
            );
        }
        assert!(!root.exists());
    }
}
