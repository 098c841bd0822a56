//! `cargo xtask new-api NAME`: everything an API needs besides its spec, made from the spec.
//! Adding an API is then its spec (`specs/NAME.yaml`, written from the source document); the
//! rest is written here: the API's crate (`crates/NAME`: its manifest and lib.rs; `cargo
//! xtask generate` writes its code and README), the facade's feature and re-export, a test
//! file whose wire snapshot calls every operation with the spec's examples, a fixtures
//! folder and a tour section that does the same. The cross-API suites cover it by
//! construction.
//!
//! The spec is generated completely before anything is written; every edit is planned in
//! memory and written only when all of them are known, so a refused spec or a missing marker
//! leaves the repository as it was. What is written is then formatted with rustfmt.

use crate::generator::additions::auth::Scheme;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The files to write, each whole, in the order given; files that exist are kept.
struct Plan {
    root: PathBuf,
    writes: Vec<(String, String)>,
    log: Vec<String>,
}

impl Plan {
    fn read(&self, rel: &str) -> Result<String, String> {
        // A file planned already is read as planned (two edits of one file).
        if let Some((_, text)) = self.writes.iter().rev().find(|(r, _)| r == rel) {
            return Ok(text.clone());
        }
        std::fs::read_to_string(self.root.join(rel)).map_err(|e| format!("{rel}: {e}"))
    }

    /// A new file, unless it exists (then kept as the maintainer left it).
    fn new_file(&mut self, rel: &str, text: String) {
        if self.root.join(rel).exists() {
            self.log.push(format!("  kept    {rel} (exists)"));
        } else {
            self.log.push(format!("  wrote   {rel}"));
            self.writes.push((rel.to_string(), text));
        }
    }

    /// `rel` with `line` inserted after the last line starting with `after` that does not
    /// open a block (once).
    fn insert_after(&mut self, rel: &str, after: &str, line: &str) -> Result<(), String> {
        let text = self.read(rel)?;
        if text.contains(line) {
            self.log
                .push(format!("  kept    {rel} ({} is there)", line.trim()));
            return Ok(());
        }
        let mut lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .rposition(|l| l.starts_with(after) && !l.ends_with('{'))
            .ok_or_else(|| format!("{rel}: no line starting with `{after}`"))?;
        lines.insert(at + 1, line);
        self.edit(rel, lines.join("\n") + "\n", line);
        Ok(())
    }

    /// `rel` with `line` inserted before the first line starting with `marker` (once).
    fn insert_before(&mut self, rel: &str, marker: &str, line: &str) -> Result<(), String> {
        let text = self.read(rel)?;
        if text.contains(line) {
            self.log
                .push(format!("  kept    {rel} ({} is there)", line.trim()));
            return Ok(());
        }
        let mut lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with(marker))
            .ok_or_else(|| format!("{rel}: no line starting with `{marker}`"))?;
        lines.insert(at, line);
        self.edit(rel, lines.join("\n") + "\n", line);
        Ok(())
    }

    fn edit(&mut self, rel: &str, text: String, what: &str) {
        self.log
            .push(format!("  edited  {rel} (+ {})", what.trim()));
        self.writes.push((rel.to_string(), text));
    }

    /// Writes every planned file; returns the Rust files among them.
    fn write(&self) -> Result<Vec<PathBuf>, String> {
        let mut rust = Vec::new();
        for (rel, text) in &self.writes {
            let path = self.root.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{rel}: {e}"))?;
            }
            std::fs::write(&path, text).map_err(|e| format!("{rel}: {e}"))?;
            if rel.ends_with(".rs") && !rust.contains(&path) {
                rust.push(path);
            }
        }
        Ok(rust)
    }
}

/// Why `name` cannot name an API (a module and a feature), if it cannot.
fn name_problem(root: &Path, name: &str) -> Option<String> {
    let shaped = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !shaped || syn::parse_str::<syn::Ident>(name).is_err() {
        return Some(format!(
            "`{name}`: an API name is lower-case letters, digits and `_`, starting with a letter, and not a Rust keyword (it names a module and a feature)"
        ));
    }
    // The facade's own names, features and crates are taken (an API's own are not: it is the
    // API itself).
    let has_spec = root.join(format!("specs/{name}.yaml")).exists();
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap_or_default();
    // The facade's root also holds the runtime's re-exports (`reexports::*`).
    let runtime =
        std::fs::read_to_string(root.join("crates/runtime/src/lib.rs")).unwrap_or_default();
    let module_taken = facade_names(&lib)
        .iter()
        .chain(&runtime_reexports(&runtime))
        .any(|n| n == name);
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let feature_taken = [
        "tracing",
        "http2",
        "mock",
        "schemars",
        "tls_ring",
        "tls_aws_lc",
        "default",
    ]
    .contains(&name)
        || manifest
            .lines()
            .any(|l| l.starts_with(&format!("{name} = [")));
    let crate_taken =
        ["runtime", "golden"].contains(&name) || root.join("crates").join(name).exists();
    ((module_taken || feature_taken || crate_taken) && !has_spec).then(|| {
        format!("`{name}`: the crate already has a module, feature or crate of that name; choose another")
    })
}

/// The names the facade's `src/lib.rs` defines at its root: its modules, and what its `use`
/// items bring in (`pub use crm_bindings_cscart as cscart` is `cscart`).
fn facade_names(lib: &str) -> Vec<String> {
    fn walk(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => walk(&p.tree, out),
            syn::UseTree::Name(n) => out.push(n.ident.to_string()),
            syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let Ok(file) = syn::parse_file(lib) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Use(u) => walk(&u.tree, &mut names),
            syn::Item::Mod(m) => names.push(m.ident.to_string()),
            _ => {}
        }
    }
    names
}

/// The names the runtime's `reexports` module holds, which the facade re-exports by glob.
fn runtime_reexports(lib: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(lib) else {
        return Vec::new();
    };
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "reexports" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| {
            let uses = items.iter().filter_map(|i| match i {
                syn::Item::Use(u) => Some(quote::quote!(#u).to_string()),
                _ => None,
            });
            facade_names(&uses.collect::<Vec<_>>().join("\n"))
        })
        .unwrap_or_default()
}

/// Scaffolds the API `name`; returns what it did, line by line. Writes nothing if the spec
/// does not generate or a file to edit has changed shape.
pub fn new_api(root: &Path, name: &str) -> Result<Vec<String>, String> {
    if let Some(problem) = name_problem(root, name) {
        return Err(problem);
    }
    let mut plan = Plan {
        root: root.to_path_buf(),
        writes: Vec::new(),
        log: Vec::new(),
    };
    let spec_rel = format!("specs/{name}.yaml");
    let spec_path = root.join(&spec_rel);
    if !spec_path.exists() {
        // The template is a valid spec: it is written first, so the generator can read it.
        std::fs::create_dir_all(root.join("specs")).map_err(|e| format!("specs: {e}"))?;
        std::fs::write(&spec_path, SPEC.replace("NAME", name))
            .map_err(|e| format!("{spec_rel}: {e}"))?;
        plan.log.push(format!("  wrote   {spec_rel} (a template)"));
    }
    // The whole generator, before any file is touched.
    let model = crate::generator::pipeline::build(root, name, &spec_path).map_err(|e| {
        format!(
            "{e}\nnothing was written: fix {spec_rel} and run `cargo xtask new-api {name}` again"
        )
    })?;
    let text = std::fs::read_to_string(&spec_path).map_err(|e| format!("{spec_rel}: {e}"))?;
    let spec = &model.spec;
    let title = spec
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or(name)
        .to_string();
    let code = prettyplease::unparse(&model.file);
    let schemes = crate::generator::additions::auth::schemes(spec, &text)?;
    let scheme = schemes.first().cloned().unwrap_or(Scheme::None);

    // The API's crate: its manifest and lib.rs (`cargo xtask generate` writes the rest).
    plan.new_file(
        &format!("crates/{name}/Cargo.toml"),
        api_manifest(name, &code),
    );
    plan.new_file(
        &format!("crates/{name}/src/lib.rs"),
        api_lib(name, &title, spec),
    );
    // The facade: a feature, an optional dependency and a re-export.
    let package = crate::generator::files::package_name(name);
    let cfg = format!("#[cfg(feature = \"{name}\")]");
    plan.insert_after(
        "src/lib.rs",
        "pub use crm_bindings_",
        &format!("{cfg}\n#[doc(inline)]\npub use crm_bindings_{name} as {name};"),
    )?;
    plan.insert_after(
        "Cargo.toml",
        "solos = [",
        &format!("{name} = [\"dep:{package}\"]"),
    )?;
    for list in ["schemars", "mock"] {
        plan.insert_after(
            "Cargo.toml",
            &format!("    \"crm-bindings-solos?/{list}\""),
            &format!("    \"{package}?/{list}\","),
        )?;
    }
    plan.insert_after(
        "Cargo.toml",
        "crm-bindings-solos = {",
        &format!(
            "{package} = {{ path = \"crates/{name}\", version = \"0.1.0\", default-features = false, optional = true }}"
        ),
    )?;
    // The feature joins `default`, so the suites and the tour run over it.
    let manifest = plan.read("Cargo.toml")?;
    let start = manifest
        .find("default = [")
        .ok_or("Cargo.toml: no `default = [` feature")?;
    let end = start + manifest[start..].find(']').unwrap_or(0);
    if !manifest[start..end].contains(&format!("\"{name}\"")) {
        let edited = format!("{}, \"{name}\"{}", &manifest[..end], &manifest[end..]);
        plan.edit("Cargo.toml", edited, &format!("\"{name}\" in default"));
    }

    plan.new_file(
        &format!("tests/suite/apis/{name}.rs"),
        wire_test(name, &title),
    );
    plan.insert_after(
        "tests/suite/apis/mod.rs",
        "mod ",
        &format!("{cfg}\nmod {name};"),
    )?;
    plan.new_file(
        &format!("tests/fixtures/{name}/README.md"),
        format!(
            "The examples of the source document of `{name}`, verbatim, one file per request or answer.\n"
        ),
    );
    plan.new_file(
        &format!("examples/tour/{name}.rs"),
        tour(name, &title, &scheme, &model)?,
    );
    plan.insert_after(
        "examples/tour/main.rs",
        "mod ",
        &format!("{cfg}\nmod {name};"),
    )?;
    plan.insert_before(
        "examples/tour/main.rs",
        "    println!(\"\\nTour finished",
        &format!("    {cfg}\n    {name}::run().await?;"),
    )?;

    let rust = plan.write()?;
    rustfmt(&rust)?;
    let mut log = plan.log;
    log.push(format!(
        "next: put the seed's examples in tests/fixtures/{name}/ and check them in \
         tests/suite/apis/{name}.rs, make the tour section tell the API's story, add a row to \
         the README's table, `cargo xtask test` (then review and accept the new wire snapshot)"
    ));
    Ok(log)
}

/// Formats the Rust files written (the order of `mod` lines, line width), with the
/// toolchain's rustfmt and the workspace's edition.
fn rustfmt(files: &[PathBuf]) -> Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    let status = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .args(files)
        .status()
        .map_err(|e| format!("could not run rustfmt ({e}); run `cargo fmt` yourself"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "rustfmt failed ({status}); run `cargo fmt` and read its errors"
        ))
    }
}

/// `crates/NAME/Cargo.toml`: the API's crate, with the dependencies its generated code names.
fn api_manifest(name: &str, code: &str) -> String {
    let package = crate::generator::files::package_name(name);
    let mut deps = String::new();
    for (krate, why) in [
        (
            "chrono",
            "Dates and times of the spec (`format: date-time`), as typify generates them.",
        ),
        (
            "regress",
            "Pattern-validated newtypes (`pattern:` in the spec), as typify generates them.",
        ),
        ("uuid", "`format: uuid` values, as typify generates them."),
    ] {
        if code.contains(&format!("{krate}::")) {
            deps += &format!("# {why}\n{krate}.workspace = true\n");
        }
    }
    let uuid_schema = if code.contains("uuid::") {
        ", \"schemars/uuid1\""
    } else {
        ""
    };
    format!(
        r#"[package]
name = "{package}"
version = "0.1.0"
description = "A typed Rust client of the API in specs/{name}.yaml of crm-bindings (generated with progenitor)"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
readme = "README.md"

[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]

# The runtime's features, passed on (see its Cargo.toml), and this API's own mocks.
[features]
default = ["tls-ring", "http2", "tracing"]
tls-ring = ["crm-bindings-runtime/tls-ring"]
tls-aws-lc = ["crm-bindings-runtime/tls-aws-lc"]
http2 = ["crm-bindings-runtime/http2"]
tracing = ["crm-bindings-runtime/tracing"]
# Derive `schemars::JsonSchema` on every type of the API.
schemars = ["dep:schemars", "crm-bindings-runtime/schemars"{uuid_schema}]
# Typed wiremock mocks of every operation, for users' tests (`mock`).
mock = ["dep:wiremock", "crm-bindings-runtime/mock"]

[dependencies]
# Executing calls, errors, configuration and the types generated code shares.
crm-bindings-runtime.workspace = true
# What progenitor's generated code calls into; pinned to the generator's version.
progenitor-client.workspace = true
reqwest.workspace = true
serde.workspace = true
serde_json.workspace = true
{deps}schemars = {{ workspace = true, optional = true }}
wiremock = {{ workspace = true, optional = true }}
"#
    )
}

/// `crates/NAME/src/lib.rs`: the generated client, re-exported, documented from the spec's
/// `info`; hand-written additions go below it.
fn api_lib(name: &str, title: &str, spec: &Value) -> String {
    let description = spec
        .pointer("/info/description")
        .and_then(Value::as_str)
        .and_then(|d| d.split("\n\n").next())
        .map(|d| {
            let lines: Vec<String> = d.lines().map(|l| format!("//! {}", l.trim())).collect();
            format!("//!\n{}\n", lines.join("\n"))
        })
        .unwrap_or_default();
    format!(
        "//! {title} (`specs/{name}.yaml`).\n{description}//!\n\
         //! This crate is also `crm_bindings::{name}` (the `{name}` feature of `crm-bindings`); alone, it\n\
         //! re-exports what building a client takes from `crm-bindings-runtime` ([`HttpConfig`],\n\
         //! [`Error`], [`Nullable`], ...).\n\n\
         // docs.rs builds with `--cfg docsrs`: items show the feature they need.\n\
         #![cfg_attr(docsrs, feature(doc_cfg))]\n\n\
         /// Written by `cargo xtask generate` from `specs/{name}.yaml`: the client, `types`,\n\
         /// `builder`, the spec's `rules`, the auth constructors and (`mock` feature) the typed mocks.\n\
         // Generated code is reviewed through its snapshots, not linted: progenitor's `prelude` is\n\
         // unused here and its doc lists trip clippy's doc lints (progenitor allows `clippy::all`\n\
         // on its own `types` and `builder` modules for the same reason).\n\
         #[rustfmt::skip]\n\
         #[allow(unused_imports, clippy::all)]\n\
         mod generated;\n\
         pub use generated::*;\n"
    )
}

/// `tests/suite/apis/NAME.rs`: the wire snapshot of every operation called with the spec's
/// examples.
fn wire_test(name: &str, title: &str) -> String {
    format!(
        "//! {title}: what is specific to this API. Every cross-API suite already covers it\n\
         //! (contract, misbehaviour, fuzz, secrets, transport, constraints, enums, credentials);\n\
         //! here every operation is called with the spec's examples and checked on the wire.\n\n\
         use crm_bindings::{name}::mock;\n\n\
         /// Every operation, called with the spec's examples against the spec's example answers,\n\
         /// as it goes on the wire (reviewed in `snapshots/suite__apis__{name}__wire.snap`).\n\
         #[tokio::test]\n\
         async fn wire() {{\n\
             let server = wiremock::MockServer::start().await;\n\
             let mut text = Vec::new();\n\
             for call in crate::generated::{name}::example_calls() {{\n\
                 server.reset().await;\n\
                 mock::mount_examples(&server).await;\n\
                 let credentials = crate::support::operations::credentials(\"{name}\");\n\
                 let outcome = (call.call)(server.uri(), Default::default(), credentials).await;\n\
                 assert!(outcome.result.is_ok(), \"{{}}: {{:?}}\", call.operation.id, outcome.result);\n\
                 for request in server.received_requests().await.unwrap() {{\n\
                     text.push(crate::support::wire::render(call.operation.id, &request));\n\
                 }}\n\
             }}\n\
             insta::assert_snapshot!(\"wire\", text.join(\"\\n\"));\n\
         }}\n"
    )
}

/// `examples/tour/NAME.rs`: every operation called with the spec's examples against the
/// typed mocks, printing what came back; it fails when an operation was not called.
fn tour(
    name: &str,
    title: &str,
    scheme: &Scheme,
    model: &crate::generator::model::Model,
) -> Result<String, String> {
    let ctor = scheme.example_call("&server.uri()", "&Default::default()");
    let builders = &model.builders;
    let mut calls = String::new();
    for (path, method, op) in crate::generator::read::spec::operations(&model.spec) {
        let spec_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let id = crate::generator::read::spec::snake_case(spec_id);
        let builder = builders
            .iter()
            .find(|b| b.name == crate::generator::read::spec::builder_name(spec_id))
            .ok_or_else(|| format!("no builder for {spec_id}"))?;
        let mut setters = String::new();
        for (param, _) in crate::generator::read::spec::parameters(&model.spec, path, method) {
            let has_example =
                param.get("example").is_some() || param.pointer("/schema/example").is_some();
            if has_example {
                let pname = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let field = crate::generator::read::spec::snake_case(pname);
                setters += &format!("\n        .{field}(mock::examples::{id}_{field}())");
            }
        }
        if builder.body.is_some() {
            setters += &format!("\n        .body(mock::examples::{id}_request())");
        }
        let shown = match builder.success_kind() {
            crate::generator::code_model::Kind::Json => {
                format!(
                    "    println!(\"{id} -> {{}} {{}}\", answer.status(), serde_json::to_string(&*answer)?);\n"
                )
            }
            _ => format!("    println!(\"{id} -> {{}}\", answer.status());\n"),
        };
        calls += &format!(
            "\n    let answer = client\n        .{id}(){setters}\n        .send()\n        .await?;\n{shown}"
        );
    }
    Ok(format!(
        "//! {title}: every operation called with the spec's examples against a mock server that\n\
         //! answers with the spec's example answers (`specs/{name}.yaml`).\n\n\
         use crate::common::Result;\n\
         use crm_bindings::{name}::{{Client, mock}};\n\n\
         pub async fn run() -> Result {{\n\
             let server = wiremock::MockServer::start().await;\n\
             mock::mount_examples(&server).await;\n\
             println!(\"\\n== {title} (mock API at {{}})\", server.uri());\n\
             let client = Client::{ctor}?;\n\
         {calls}\n\
             crate::common::every_operation_called(&server, mock::OPERATIONS).await\n\
         }}\n"
    ))
}

#[cfg(test)]
mod tests {
    /// A line goes after the last line starting with the marker that does not open a block,
    /// once; a second edit of one file reads the first.
    #[test]
    fn a_line_is_inserted_after_its_marker_once() {
        let root = std::env::temp_dir().join(format!("xtask-insert-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("f.toml"), "api = 1\napi {\n}\n").unwrap();
        let mut plan = super::Plan {
            root: root.clone(),
            writes: Vec::new(),
            log: Vec::new(),
        };
        plan.insert_after("f.toml", "api", "new = 2").unwrap();
        plan.insert_after("f.toml", "api", "new = 2").unwrap();
        plan.insert_before("f.toml", "api {", "before = 3").unwrap();
        // Nothing is written until the plan is.
        assert_eq!(
            std::fs::read_to_string(root.join("f.toml")).unwrap(),
            "api = 1\napi {\n}\n"
        );
        plan.write().unwrap();
        let text = std::fs::read_to_string(root.join("f.toml")).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(text, "api = 1\nnew = 2\nbefore = 3\napi {\n}\n");
        assert_eq!(
            plan.log,
            [
                "  edited  f.toml (+ new = 2)",
                "  kept    f.toml (new = 2 is there)",
                "  edited  f.toml (+ before = 3)"
            ]
        );
        assert!(plan.insert_after("f.toml", "nowhere", "x").is_err());
    }

    /// An API name is a module and a feature name that the crate does not use already.
    /// Nothing is written for a bad one.
    #[test]
    fn a_bad_api_name_is_refused_before_anything_is_written() {
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for name in ["aB", "9lives", "", "a-b", "type", "_x"] {
            let error = super::new_api(&real, name).unwrap_err();
            assert!(
                error.starts_with(&format!("`{name}`: an API name is lower-case letters")),
                "{error}"
            );
        }
        for taken in [
            "tracing",
            "mock",
            "reqwest",
            "runtime",
            "golden",
            "from_json",
        ] {
            let error = super::new_api(&real, taken).unwrap_err();
            assert!(
                error.contains("already has a module, feature or crate"),
                "{error}"
            );
        }
        // The name of an API the crate has is the API itself: not refused by the name.
        assert_eq!(super::name_problem(&real, "yume"), None);
        assert_eq!(super::name_problem(&real, "new_crm2"), None);
    }
}
