//! The API-surface summary of a generated client, the first thing a spec reviewer reads:
//! one line per operation (operationId, method, path, parameters with their Rust types,
//! body, responses) and one line per type. Parsed from the generated code with `syn`, so it
//! shows what users get, not what the spec meant.

use quote::ToTokens;
use std::collections::BTreeMap;
use syn::{Fields, ImplItem, Item, Type};

pub fn summarize(generated_source: &str) -> String {
    let file = syn::parse_file(generated_source).expect("generated code parses");
    let mut out = String::from("# operations\n");
    let builders = builders(&file);
    for (name, method, path) in client_methods(&file) {
        let Some(builder) = builders.get(&pascal(&name)) else {
            out += &format!("{name} {method} {path} (no builder found)\n");
            continue;
        };
        let mut params = Vec::new();
        let mut body = None;
        for (field, ty) in &builder.fields {
            if field == "body" {
                body = Some(ty.trim_start_matches("builder::").to_string());
                continue;
            }
            let location = if path_names(&path).contains(&normalize(field)) {
                "path"
            } else {
                "query"
            };
            params.push(format!("{location} {field}: {ty}"));
        }
        let mut line = format!("{name}: {method} {path}");
        if !params.is_empty() {
            line += &format!(" ({})", params.join(", "));
        }
        if let Some(body) = body {
            line += &format!(" body {body}");
        }
        line += &format!(" -> {}", builder.responses.join(", "));
        out += &line;
        out.push('\n');
    }
    out += "\n# types\n";
    for line in types(&file) {
        out += &line;
        out.push('\n');
    }
    out
}

struct Builder {
    fields: Vec<(String, String)>,
    responses: Vec<String>,
}

/// `(operationId, METHOD, /path)` for every `Client` method, from progenitor's doc line
/// "Sends a `GET` request to `/path`".
fn client_methods(file: &syn::File) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || type_name(&imp.self_ty) != "Client" {
            continue;
        }
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            let doc = docs(&f.attrs);
            let Some(rest) = doc.split("Sends a `").nth(1) else {
                continue;
            };
            let mut parts = rest.split('`');
            let method = parts.next().unwrap_or_default().to_string();
            let path = parts.nth(1).unwrap_or_default().to_string();
            out.push((f.sig.ident.to_string(), method, path));
        }
    }
    out
}

/// Builder structs (parameter fields) and their `send` responses, by struct name.
fn builders(file: &syn::File) -> BTreeMap<String, Builder> {
    let mut out = BTreeMap::new();
    let Some(items) = module(&file.items, "builder") else {
        return out;
    };
    for item in items {
        if let Item::Struct(s) = item {
            let fields = s
                .fields
                .iter()
                .filter_map(|f| {
                    let name = f.ident.as_ref()?.to_string();
                    (name != "client").then(|| (name, first_generic(&f.ty)))
                })
                .collect();
            out.insert(
                s.ident.to_string(),
                Builder {
                    fields,
                    responses: Vec::new(),
                },
            );
        }
    }
    for item in items {
        let Item::Impl(imp) = item else { continue };
        let name = type_name(&imp.self_ty);
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            if let Some(builder) = out.get_mut(&name) {
                builder.responses = responses(f);
            }
        }
    }
    out
}

/// `200 CallRequestList`, `400 error ApiError`, from `send`'s match on the status code and
/// its return type `Result<ResponseValue<T>, Error<E>>`.
fn responses(send: &syn::ImplItemFn) -> Vec<String> {
    let syn::ReturnType::Type(_, ret) = &send.sig.output else {
        return vec![];
    };
    let ret = tidy(&ret.to_token_stream().to_string());
    let ok = between(&ret, "ResponseValue<", ">,Error<");
    let err = between(&ret, "Error<", ">>")
        .trim_start_matches("Error<")
        .to_string();
    let body = tidy(&send.block.to_token_stream().to_string());
    // Each arm of `match response.status().as_u16() { 200u16 => ..., 400u16 => ... }`.
    let pieces: Vec<&str> = body.split("u16=>").collect();
    let mut out = Vec::new();
    for pair in pieces.windows(2) {
        let status = arm_status(pair[0]);
        let arm = pair[1].trim_start_matches('{');
        if arm.starts_with("Err(Error::ErrorResponse")
            || arm.starts_with("Err(Error::error_response")
        {
            out.push(format!("{status} error {err}"));
        } else if arm.starts_with("Ok(ResponseValue::empty") {
            out.push(format!("{status} (no body)"));
        } else {
            out.push(format!("{status} {ok}"));
        }
    }
    out
}

/// One line per type of the `types` module, sorted by name: fields with their Rust types
/// and wire names, enum variants with their wire values, newtypes with their validation.
fn types(file: &syn::File) -> Vec<String> {
    let Some(items) = module(&file.items, "types") else {
        return vec![];
    };
    let mut constraints: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items {
        if let Item::Impl(imp) = item {
            let tokens = tidy(&imp.to_token_stream().to_string());
            let name = type_name(&imp.self_ty);
            let entry = constraints.entry(name).or_default();
            // From the raw tokens: `tidy` would drop the spaces inside the literal.
            let raw = imp.to_token_stream().to_string();
            if let Some(rest) = raw.split("Regex :: new (").nth(1) {
                entry.push(format!("pattern {}", string_literal(rest.trim_start())));
            }
            for (marker, label) in [
                ("value.chars().count()>", "max"),
                ("value.chars().count()<", "min"),
            ] {
                if let Some(rest) = tokens.split(marker).nth(1) {
                    let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    entry.push(format!("{label} {n} chars"));
                }
            }
        }
    }
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let line = match &s.fields {
                    Fields::Named(named) => {
                        let fields: Vec<String> = named
                            .named
                            .iter()
                            .map(|f| {
                                let ident = f.ident.as_ref().unwrap().to_string();
                                let wire = serde_rename(&f.attrs)
                                    .map(|r| format!(" as \"{r}\""))
                                    .unwrap_or_default();
                                let lenient = match serde_deserializer(&f.attrs).as_deref() {
                                    Some("number_or_string") => " (number or string)",
                                    Some("empty_string_as_none") => " (\"\" is None)",
                                    _ => "",
                                };
                                format!("{ident}{wire}: {}{lenient}", type_string(&f.ty))
                            })
                            .collect();
                        format!("struct {name} {{ {} }}", fields.join(", "))
                    }
                    Fields::Unnamed(unnamed) => {
                        let inner: Vec<String> =
                            unnamed.unnamed.iter().map(|f| type_string(&f.ty)).collect();
                        format!("struct {name}({})", inner.join(", "))
                    }
                    Fields::Unit => format!("struct {name}"),
                };
                let extra = constraints
                    .get(&name)
                    .filter(|c| !c.is_empty())
                    .map(|c| format!(" [{}]", c.join("; ")))
                    .unwrap_or_default();
                out.push(line + &extra);
            }
            Item::Enum(e) => {
                let tagging = serde_container(&e.attrs);
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| {
                        let mut s = v.ident.to_string();
                        if let Some(r) = serde_rename(&v.attrs) {
                            s += &format!(" = \"{r}\"");
                        }
                        if let Some((_, d)) = &v.discriminant {
                            s += &format!(" = {}", d.to_token_stream());
                        }
                        match &v.fields {
                            Fields::Unnamed(u) => {
                                let inner: Vec<String> =
                                    u.unnamed.iter().map(|f| type_string(&f.ty)).collect();
                                s += &format!("({})", inner.join(", "));
                            }
                            Fields::Named(_) => s += "{ .. }",
                            Fields::Unit => {}
                        }
                        s
                    })
                    .collect();
                out.push(format!(
                    "enum {}{tagging} {{ {} }}",
                    e.ident,
                    variants.join(", ")
                ));
            }
            _ => {}
        }
    }
    // typify sorts its types by name; the generator's own enums come last: merge them in.
    out.sort_by_key(|line| {
        line.split([' ', '(', '{'])
            .nth(1)
            .unwrap_or_default()
            .to_string()
    });
    out
}

/// The status an arm matches, from the text before its `=>`: `200`, or `400..=499` as `4XX`.
fn arm_status(before: &str) -> String {
    let trailing_number = |text: &str| {
        let digits = text.len() - text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        text[text.len() - digits..].to_string()
    };
    let last = trailing_number(before);
    match before[..before.len() - last.len()].strip_suffix("u16..=") {
        Some(range_start) => {
            let first = trailing_number(range_start);
            match (first.as_str(), last.as_str()) {
                ("400", "499") => "4XX".into(),
                ("500", "599") => "5XX".into(),
                _ => format!("{first}..={last}"),
            }
        }
        None => last,
    }
}

fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a Vec<Item>> {
    items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })
}

fn docs(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `#[serde(rename = "x")]` on a field or variant.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let text = a.to_token_stream().to_string();
            let rest = text.split("rename = \"").nth(1)?;
            Some(rest.split('"').next()?.to_string())
        })
}

/// `#[serde(deserialize_with = "f")]` on a field: our lenient decoders.
fn serde_deserializer(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let text = a.to_token_stream().to_string();
            let rest = text.split("deserialize_with = \"").nth(1)?;
            Some(rest.split('"').next()?.to_string())
        })
        .filter(|f| !f.contains("::"))
}

/// ` (untagged)` and similar container-level serde settings that change the wire form.
fn serde_container(attrs: &[syn::Attribute]) -> String {
    let text: String = attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.to_token_stream().to_string())
        .collect();
    if text.contains("untagged") {
        " (untagged)".into()
    } else if text.contains("try_from") {
        " (validated)".into()
    } else {
        String::new()
    }
}

/// `Result<T, String>` -> `T`, tidied.
fn first_generic(ty: &Type) -> String {
    let text = tidy(&ty.to_token_stream().to_string());
    let inner = text
        .strip_prefix("Result<")
        .and_then(|t| t.strip_suffix(",String>"))
        .unwrap_or(&text);
    spaced(inner)
}

fn type_string(ty: &Type) -> String {
    spaced(&tidy(&ty.to_token_stream().to_string()))
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The string literal at the start of `text` (`"..."`, escapes kept), quotes included.
fn string_literal(text: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for (i, c) in text.chars().enumerate() {
        out.push(c);
        match c {
            '\\' if !escaped => escaped = true,
            '"' if i > 0 && !escaped => break,
            _ => escaped = false,
        }
    }
    out
}

/// Token text without spaces or well-known path prefixes.
fn tidy(tokens: &str) -> String {
    let mut text = tokens.replace(' ', "").replace(",>", ">");
    // Named enums are referenced by absolute path: `crate::generated::<api>::types::X`.
    while let Some(start) = text.find("crate::generated::") {
        let rest = &text[start + "crate::generated::".len()..];
        let api_len = rest.find("::").map(|i| i + 2).unwrap_or(0);
        text.replace_range(start..start + "crate::generated::".len() + api_len, "");
    }
    for prefix in [
        "naive::",
        "offset::",
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::num::",
        "::std::collections::",
        "::serde_json::",
        "::chrono::",
        "types::",
    ] {
        text = text.replace(prefix, "");
    }
    text
}

fn spaced(text: &str) -> String {
    text.replace(',', ", ")
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).map(|i| i + start.len()).unwrap_or(0);
    let to = text[from..]
        .rfind(end)
        .map(|i| from + i)
        .unwrap_or(text.len());
    &text[from..to]
}

fn path_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .map(normalize)
        .collect()
}

fn normalize(name: &str) -> String {
    name.replace(['_', '-'], "").to_lowercase()
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
