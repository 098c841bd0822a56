//! A compiled example on every operation's rustdoc, in place of progenitor's placeholder
//! (`.id(id).body(body)`, marked `ignore`): the client built with the API's auth
//! constructor, every parameter the spec exemplifies, and the body built with its type's
//! builder from the spec's example, as a user writes it. The examples are `no_run` doctests:
//! compiled by `cargo test --doc`, so they cannot rot. (progenitor writes the placeholder
//! from names only; it has no setting for examples.)
//!
//! A value is written the way its Rust type takes it: enums by variant, validated newtypes by
//! `parse`, objects by their builder, dates by `parse`; a value of any other type, or one
//! the renderer does not know, by `serde_json::from_value` of the example, which compiles
//! for every type.

use crate::generator::additions::auth::Scheme;
use crate::generator::additions::extensions::EnumSpec;
use crate::generator::code_model::{Builder, last_segment, module, serde_rename};
use crate::generator::read::spec::{builder_name, operations, parameters, snake_case};
use quote::ToTokens;
use serde_json::Value;
use std::collections::BTreeMap;

/// What the renderer knows of the generated types.
struct Types {
    /// Struct name -> (wire key -> field ident, field type), for structs with a builder.
    structs: BTreeMap<String, Vec<(String, String, syn::Type)>>,
    /// Enum name -> (wire value -> variant ident).
    enums: BTreeMap<String, Vec<(Value, String)>>,
    /// Every type of the `types` module, which the generated code may name bare.
    names: std::collections::BTreeSet<String>,
}

/// Replaces the placeholder example of every operation method of `impl Client` in `file`.
/// Returns how many it replaced.
pub fn apply(
    file: &mut syn::File,
    krate: &str,
    spec: &Value,
    schemes: &[Scheme],
    builders: &[Builder],
    enums: &[EnumSpec],
) -> Result<usize, String> {
    let types = read_types(file, enums);
    let scheme = schemes.first().cloned().unwrap_or(Scheme::None);
    let base = base_url(spec);
    let mut examples = BTreeMap::new();
    for (path, method, op) in operations(spec) {
        let Some(spec_id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let Some(builder) = builders.iter().find(|b| b.name == builder_name(spec_id)) else {
            continue;
        };
        let id = snake_case(spec_id);
        let mut call = format!("let answer = client\n    .{id}()");
        for (param, _) in parameters(spec, path, method) {
            let example = param
                .get("example")
                .or_else(|| param.pointer("/schema/example"));
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let field = snake_case(name);
            let (Some(example), Some((_, ty))) =
                (example, builder.params.iter().find(|(f, _)| *f == field))
            else {
                continue;
            };
            call += &format!("\n    .{field}({})", types.param(ty, example));
        }
        if let Some(ty) = &builder.body {
            let example = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("example").or_else(|| m.pointer("/schema/example")));
            if let Some(example) = example {
                call += &format!("\n    .body({})", types.value(ty, example, 1, true));
            }
        }
        call += "\n    .send()\n    .await?;\nprintln!(\"{}\", answer.status());";
        let lines: Vec<String> = call.lines().map(|l| l.to_string()).collect();
        let mut names = vec!["Client"];
        for name in ["types", "Nullable"] {
            if call.contains(&format!("{name}::")) {
                names.push(name);
            }
        }
        let text = format!(
            "# Example\n\n```no_run\n\
             # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
             use {krate}::{{{}}};\n\
             let client = Client::{}?;\n{}\n\
             # Ok(())\n\
             # }}\n```",
            names.join(", "),
            scheme.example_call(&format!("{base:?}"), "&Default::default()"),
            lines.join("\n")
        );
        examples.insert(id, text);
    }
    let mut replaced = 0;
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let Some(example) = examples.get(&f.sig.ident.to_string()) else {
                continue;
            };
            for attr in &mut f.attrs {
                let syn::Meta::NameValue(nv) = &mut attr.meta else {
                    continue;
                };
                if !nv.path.is_ident("doc") {
                    continue;
                }
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(doc),
                    ..
                }) = &nv.value
                else {
                    continue;
                };
                let text = doc.value();
                let Some(at) = text.find("```ignore") else {
                    continue;
                };
                let new = format!("{}{example}", &text[..at]);
                nv.value = syn::parse_quote!(#new);
                replaced += 1;
            }
        }
    }
    if replaced != examples.len() {
        return Err(format!(
            "placed {replaced} of {} operation examples: progenitor's method docs no longer \
             end with an ```ignore example",
            examples.len()
        ));
    }
    Ok(replaced)
}

/// The first server's URL with its variables' defaults, on https (the client refuses plain
/// http to another host).
fn base_url(spec: &Value) -> String {
    let Some(server) = spec.pointer("/servers/0") else {
        return "https://api.example.com".into();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("https://api.example.com")
        .to_string();
    for (name, var) in server
        .get("variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let default = var.get("default").and_then(Value::as_str).unwrap_or("");
        url = url.replace(&format!("{{{name}}}"), default);
    }
    if let Some(rest) = url.strip_prefix("http://") {
        url = format!("https://{rest}");
    }
    if !url.starts_with("https://") {
        url = format!("https://api.example.com{url}");
    }
    url
}

fn read_types(file: &syn::File, enums: &[EnumSpec]) -> Types {
    let mut types = Types {
        structs: BTreeMap::new(),
        enums: BTreeMap::new(),
        names: Default::default(),
    };
    for spec in enums {
        types.enums.insert(
            spec.name.clone(),
            spec.variants
                .iter()
                .map(|(name, value, _)| (value.clone(), name.clone()))
                .collect(),
        );
    }
    let items = module(file, "types").cloned().unwrap_or_default();
    let with_builder: Vec<String> = items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| {
            items
                .iter()
                .filter_map(|i| match i {
                    syn::Item::Struct(s) => Some(s.ident.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for item in &items {
        match item {
            syn::Item::Struct(s) => {
                types.names.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) => {
                types.names.insert(e.ident.to_string());
            }
            _ => {}
        }
    }
    types.names.extend(types.enums.keys().cloned());
    for item in &items {
        match item {
            syn::Item::Struct(s) if with_builder.contains(&s.ident.to_string()) => {
                let syn::Fields::Named(named) = &s.fields else {
                    continue;
                };
                let fields = named
                    .named
                    .iter()
                    .filter_map(|f| {
                        let ident = f.ident.as_ref()?.to_string();
                        let key = f
                            .attrs
                            .iter()
                            .find_map(|a| serde_rename(std::slice::from_ref(a)))
                            .unwrap_or_else(|| ident.clone());
                        Some((key, ident, f.ty.clone()))
                    })
                    .collect();
                types.structs.insert(s.ident.to_string(), fields);
            }
            syn::Item::Enum(e) if !types.enums.contains_key(&e.ident.to_string()) => {
                // typify's own enums (inline ones): the wire value is the serde rename.
                let variants = e
                    .variants
                    .iter()
                    .filter(|v| matches!(v.fields, syn::Fields::Unit))
                    .map(|v| {
                        let wire = v
                            .attrs
                            .iter()
                            .find_map(|a| serde_rename(std::slice::from_ref(a)))
                            .unwrap_or_else(|| v.ident.to_string());
                        (Value::String(wire), v.ident.to_string())
                    })
                    .collect();
                types.enums.insert(e.ident.to_string(), variants);
            }
            _ => {}
        }
    }
    types
}

/// The type as a user names it: `types::X` for generated types, short std paths.
fn shown(ty: &syn::Type, names: &std::collections::BTreeSet<String>) -> String {
    let text = ty.to_token_stream().to_string();
    let text = if names.contains(&text) {
        format!("types :: {text}")
    } else {
        text
    };
    text.replace("crate :: generated :: types ::", "types ::")
        .replace(":: std :: string :: String", "String")
        .replace(":: std :: vec :: Vec", "Vec")
        .replace(":: std :: option :: Option", "Option")
        .replace(":: serde_json :: Map", "serde_json::Map")
        .replace(":: serde_json :: Value", "serde_json::Value")
        .replace(' ', "")
}

impl Types {
    /// A parameter's value: progenitor's setters take `TryInto<T>`, so numbers stay plain
    /// (a `u64` literal for `NonZeroU64`).
    fn param(&self, ty: &syn::Type, value: &Value) -> String {
        match (last_segment(ty), value) {
            (Some((name, _)), Value::Number(n)) if name.starts_with("NonZero") => {
                format!("{n}_{}", name.trim_start_matches("NonZero").to_lowercase())
            }
            (Some((name, _)), Value::String(s)) if name == "String" => format!("{s:?}"),
            _ => self.value(ty, value, 1, true),
        }
    }

    /// An expression of type `ty` (or one its builder's setter takes) holding `value`;
    /// `depth` indents nested builders; `direct`: a setter of type `ty` itself takes it, so
    /// an object may stay a builder (inside an `Option` or a `Vec` it is converted).
    fn value(&self, ty: &syn::Type, value: &Value, depth: usize, direct: bool) -> String {
        let fallback = || {
            format!(
                "serde_json::from_value::<{}>(serde_json::json!({value}))?",
                shown(ty, &self.names)
            )
        };
        let Some((name, args)) = last_segment(ty) else {
            return fallback();
        };
        match (name.as_str(), value) {
            ("Option" | "Nullable", _) if args.len() == 1 => {
                if value.is_null() {
                    return if name == "Nullable" {
                        "Nullable::Null".into()
                    } else {
                        fallback()
                    };
                }
                self.value(&args[0], value, depth, false)
            }
            ("Vec", Value::Array(items)) if args.len() == 1 => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| self.value(&args[0], i, depth, false))
                    .collect();
                format!("vec![{}]", items.join(", "))
            }
            ("String", Value::String(s)) => format!("{s:?}.to_string()"),
            ("bool", Value::Bool(b)) => b.to_string(),
            (
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64",
                Value::Number(n),
            ) => {
                if name.starts_with('f') && !n.to_string().contains(['.', 'e']) {
                    format!("{n}.0_{name}")
                } else {
                    format!("{n}_{name}")
                }
            }
            (n, Value::Number(num)) if n.starts_with("NonZero") => {
                let inner = n.trim_start_matches("NonZero").to_lowercase();
                format!("std::num::{n}::try_from({num}_{inner})?")
            }
            (
                "DateTime" | "NaiveDate" | "NaiveDateTime" | "NaiveTime" | "Uuid",
                Value::String(s),
            ) => {
                format!("{s:?}.parse::<{}>()?", shown(ty, &self.names))
            }
            (n, _) if self.enums.contains_key(n) => {
                match self.enums[n].iter().find(|(wire, _)| wire == value) {
                    Some((_, variant)) => format!("types::{n}::{variant}"),
                    None => fallback(),
                }
            }
            (n, Value::Object(object)) if self.structs.contains_key(n) => {
                let fields = &self.structs[n];
                let indent = "    ".repeat(depth + 1);
                let mut out = format!("types::{n}::builder()");
                for (key, v) in object {
                    let Some((_, ident, fty)) = fields.iter().find(|(k, _, _)| k == key) else {
                        return fallback();
                    };
                    // A null the field's type cannot hold as a value is left out.
                    if v.is_null() && last_segment(fty).is_some_and(|(n, _)| n == "Option") {
                        continue;
                    }
                    out += &format!(
                        "\n{indent}.{ident}({})",
                        self.value(fty, v, depth + 1, true)
                    );
                }
                if direct {
                    out
                } else {
                    format!("types::{n}::try_from({out})?")
                }
            }
            (n, Value::String(s)) if self.names.contains(n) => {
                format!("{s:?}.parse::<types::{n}>()?")
            }
            (n, Value::Number(num)) if self.names.contains(n) => {
                format!("\"{num}\".parse::<types::{n}>()?")
            }
            _ => fallback(),
        }
    }
}

/// One operation's parameter docs (by setter name), success and error statuses.
type OperationDocs = (BTreeMap<String, String>, Vec<String>, Vec<String>);

/// Rustdoc for what progenitor and typify leave undocumented: each operation builder's
/// setters (from the spec's parameter), `body` and `body_map`, and `send()`'s errors (from the
/// operation's documented statuses); each typify builder's setters (the field's own doc).
/// Returns how many items it documented: none means progenitor's output changed shape.
pub fn document_builders(file: &mut syn::File, spec: &Value) -> Result<usize, String> {
    // Operation builder (`UpdateWazzupTrigger`) -> its parameters' docs and statuses.
    let mut ops: BTreeMap<String, OperationDocs> = BTreeMap::new();
    for (path, method, op) in operations(spec) {
        let Some(spec_id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let mut params = BTreeMap::new();
        for (param, _) in parameters(spec, path, method) {
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let place = param.get("in").and_then(Value::as_str).unwrap_or("query");
            let required = param.get("required") == Some(&Value::Bool(true));
            let description = param
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim();
            params.insert(
                snake_case(name),
                format!(
                    "{description}\n\nThe {place} parameter `{name}`, {}. Takes anything that \
                     converts into its type; a value the spec refuses makes `send()` return \
                     [`Error::InvalidRequest`](crate::Error::InvalidRequest) without sending.",
                    if required { "required" } else { "optional" }
                ),
            );
        }
        let (mut ok, mut errors) = (Vec::new(), Vec::new());
        for status in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(s, _)| s.clone())
        {
            if status.starts_with('2') {
                ok.push(status);
            } else if status.starts_with(['4', '5']) || status == "default" {
                errors.push(status);
            }
        }
        ops.insert(builder_name(spec_id), (params, ok, errors));
    }
    let mut documented = 0;
    let builder_items = crate::generator::code_model::module_mut(file, "builder")
        .ok_or("progenitor emitted no `builder` module")?;
    for item in builder_items.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let name = match &*imp.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let Some((params, ok, errors)) = name.and_then(|n| ops.get(&n)) else {
            continue;
        };
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let fname = f.sig.ident.to_string();
            let doc = match fname.as_str() {
                "body" => "The request body: the type itself, its builder \
                           (`types::X::builder()`), or anything that converts into it. A body \
                           the spec refuses makes `send()` return \
                           [`Error::InvalidRequest`](crate::Error::InvalidRequest) without \
                           sending."
                    .to_string(),
                "body_map" => "Edits the body through its builder: \
                               `.body_map(|body| body.field(value))`, starting from the body set \
                               so far (or an empty one)."
                    .to_string(),
                "send" => send_doc(ok, errors),
                other => match params.get(other) {
                    Some(doc) => doc.clone(),
                    None => continue,
                },
            };
            if fname != "send" {
                f.attrs.retain(|a| !a.path().is_ident("doc"));
            }
            for line in doc.lines() {
                let line = if line.is_empty() {
                    String::new()
                } else {
                    format!(" {line}")
                };
                f.attrs.push(syn::parse_quote!(#[doc = #line]));
            }
            documented += 1;
        }
    }
    if documented == 0 && !ops.is_empty() {
        return Err(
            "no operation builder method matched: progenitor's output changed shape".into(),
        );
    }
    documented += document_type_builders(file);
    Ok(documented)
}

/// What `send()` returns, from the operation's documented statuses.
fn send_doc(ok: &[String], errors: &[String]) -> String {
    let documented = if errors.is_empty() {
        "- [`Error::ErrorResponse`](crate::Error::ErrorResponse): never; the spec documents no \
         error status for this operation, so every error status is \
         [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse)."
            .to_string()
    } else {
        format!(
            "- [`Error::ErrorResponse`](crate::Error::ErrorResponse): a documented error status \
             ({}) with its documented body.",
            errors.join(", ")
        )
    };
    format!(
        "\nSends the request (retrying what the client's retry policy allows) and decodes \
         the answer ({}).\n\n# Errors\n\n\
         - [`Error::InvalidRequest`](crate::Error::InvalidRequest): a parameter or the body \
         breaks the spec; nothing was sent.\n\
         - [`Error::Communication`](crate::Error::Communication): no complete answer \
         (connection refused or broken, timeout, a refused redirect).\n\
         {documented}\n\
         - [`Error::InvalidResponse`](crate::Error::InvalidResponse): a documented status whose \
         body is not the documented JSON (HTML, empty, truncated).\n\
         - [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse): a status the spec \
         does not document.\n\
         - [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge): a body larger than \
         the client's limit.",
        ok.join(", ")
    )
}

/// typify's builder setters get the doc of the field they set.
fn document_type_builders(file: &mut syn::File) -> usize {
    let Some(types) = crate::generator::code_model::module_mut(file, "types") else {
        return 0;
    };
    let mut docs: BTreeMap<(String, String), Vec<syn::Attribute>> = BTreeMap::new();
    for item in types.iter() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &s.fields else {
            continue;
        };
        for field in &named.named {
            let Some(ident) = &field.ident else { continue };
            let doc: Vec<syn::Attribute> = field
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            if !doc.is_empty() {
                docs.insert((s.ident.to_string(), ident.to_string()), doc);
            }
        }
    }
    let mut documented = 0;
    let Some(builders) = crate::generator::code_model::submodule_mut(types, "builder") else {
        return 0;
    };
    for item in builders.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(name) = (match &*imp.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }) else {
            continue;
        };
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if let Some(doc) = docs.get(&(name.clone(), f.sig.ident.to_string())) {
                f.attrs.retain(|a| !a.path().is_ident("doc"));
                f.attrs.splice(0..0, doc.iter().cloned());
                documented += 1;
            }
        }
    }
    documented
}
