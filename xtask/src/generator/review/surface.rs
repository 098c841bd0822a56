//! The API surface of one generated client as plain text, the first thing a spec reviewer
//! reads: every operation with one line per parameter, and every type with one line per field
//! or variant: its Rust type (from the generated code, so it shows what users get), whether
//! it is required, nullable or decoded leniently, and every constraint the generated code
//! enforces on it (from the spec). Adding a field is a one-line diff.

use crate::generator::additions::extensions::EnumSpec;
use crate::generator::checks::constraints::describe;
use crate::generator::model::Model;
use crate::generator::read::spec::{
    builder_name, effective, escape, operations, parameters, ref_name, request_schemas,
};
use quote::ToTokens;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use syn::{Fields, Item, Type};

pub fn render(model: &Model) -> String {
    let spec = &model.spec;
    let mut out = String::from("# operations\n");
    let builders = builder_fields(&model.file);
    let generated = &model.builders;
    let one_of = crate::generator::additions::extensions::required_one_of(spec);
    for (path, method, op) in operations(spec) {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
        let builder = generated.iter().find(|b| b.name == builder_name(id));
        let responses = responses(op, builder);
        // The method's name, and the spec's operationId when it differs.
        let method_name = crate::generator::read::spec::snake_case(id);
        let shown = if method_name == id {
            method_name
        } else {
            format!("{method_name} ({id})")
        };
        let _ = writeln!(
            out,
            "{shown}: {} {path} -> {responses}",
            method.to_uppercase()
        );
        let fields = builders.get(&builder_name(id)).cloned().unwrap_or_default();
        for (param, _) in parameters(spec, path, method) {
            let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
            let location = param.get("in").and_then(Value::as_str).unwrap_or("?");
            let rust = fields
                .get(&crate::generator::read::spec::snake_case(name))
                .cloned()
                .unwrap_or_else(|| "(no builder field)".into());
            let required = if param.get("required") == Some(&Value::Bool(true)) {
                "required"
            } else {
                "optional"
            };
            let schema = param.get("schema").cloned().unwrap_or_default();
            let rules = bracket(&rules_of(spec, &schema));
            let _ = writeln!(out, "  {location} {name}: {rust}, {required}{rules}");
        }
        if let Some(content) = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
        {
            for (media, body) in content {
                let name = match (
                    body.get("schema").and_then(ref_name),
                    builder.and_then(|b| b.body.as_ref()),
                ) {
                    (Some(name), _) => name.to_string(),
                    (None, Some(ty)) => type_text(ty),
                    (None, None) => "(inline)".to_string(),
                };
                let _ = writeln!(out, "  body {media}: {name}");
            }
        }
        for (operation, fields) in &one_of {
            if operation == id {
                let fields: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
                let _ = writeln!(out, "  rule: the body needs {}", fields.join(" or "));
            }
        }
    }

    out.push_str("\n# constructors\n");
    for scheme in crate::generator::additions::auth::schemes(spec, &model.text).unwrap_or_default()
    {
        let _ = writeln!(
            out,
            "{}",
            crate::generator::additions::auth::signature(&scheme)
        );
    }

    out.push_str("\n# types\n");
    let enums: BTreeMap<String, EnumSpec> = crate::generator::additions::extensions::enums(spec)
        .into_iter()
        .map(|e| (e.name.clone(), e))
        .collect();
    let requests: Vec<String> = request_schemas(spec)
        .iter()
        .map(|n| crate::generator::read::spec::type_name(n))
        .collect();
    // Generated types are named by typify from the component names (`TX` -> `Tx`).
    let components: BTreeMap<String, &Value> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (crate::generator::read::spec::type_name(k), v))
        .collect();
    let inline_sites: BTreeMap<String, String> = crate::generator::read::spec::sites(spec)
        .into_iter()
        .filter(|s| !s.component)
        .map(|s| (s.name, s.pointer))
        .collect();
    let mut items: Vec<&Item> = crate::generator::code_model::types_items(&model.file);
    items.sort_by_key(|item| item_name(item));
    for item in items {
        let name = item_name(item);
        let component = components.get(&name).copied();
        let schema = component.or_else(|| {
            inline_sites
                .get(&name)
                .and_then(|pointer| spec.pointer(pointer))
        });
        match item {
            Item::Enum(item) => match enums.get(&name) {
                Some(e) => enum_lines(&mut out, e),
                // typify's enum of a `oneOf`/`anyOf`: its variants and how they are told apart.
                None => {
                    let untagged = item.attrs.iter().any(|a| {
                        a.path().is_ident("serde")
                            && crate::generator::code_model::serde_keys(a)
                                .iter()
                                .any(|k| k == "untagged")
                    });
                    let how = if untagged {
                        "the first variant that decodes"
                    } else {
                        "tagged by its one key"
                    };
                    let _ = writeln!(out, "{name}: enum of a oneOf/anyOf, {how}");
                    for variant in &item.variants {
                        let wire = crate::generator::passes::nullable::variant_wire_name(variant);
                        let inner: Vec<String> = variant
                            .fields
                            .iter()
                            .map(|f| match &f.ident {
                                Some(name) => format!("{name}: {}", type_text(&f.ty)),
                                None => type_text(&f.ty),
                            })
                            .collect();
                        let inner = match &variant.fields {
                            Fields::Named(_) => format!(" {{ {} }}", inner.join(", ")),
                            _ => format!("({})", inner.join(", ")),
                        };
                        let shown = match wire {
                            Some(wire) => format!(" as \"{wire}\""),
                            None => String::new(),
                        };
                        let _ = writeln!(out, "  {}{inner}{shown}", variant.ident);
                    }
                }
            },
            Item::Struct(s) => match &s.fields {
                Fields::Named(named) => {
                    let role = if requests.contains(&name) {
                        " (request body)"
                    } else {
                        ""
                    };
                    // Whether users may build it with a literal: a new field breaks them then.
                    let closed = if s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
                        ", non-exhaustive"
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "{name}: struct{role}{closed}");
                    let required: Vec<&str> = schema
                        .and_then(|s| s.get("required"))
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    for field in &named.named {
                        let wire = crate::generator::passes::nullable::wire_name(field)
                            .unwrap_or_default();
                        let ident = field.ident.as_ref().map(ToString::to_string);
                        let shown = match ident {
                            Some(i) if i != wire => format!("{i} as \"{wire}\""),
                            _ => wire.clone(),
                        };
                        let property = schema
                            .and_then(|s| s.pointer(&format!("/properties/{}", escape(&wire))));
                        // Required as serde reads it too: not an `Option` and no `default`
                        // (an `allOf`'s merged fields are required by the member listing them).
                        let defaulted = field.attrs.iter().any(|a| {
                            a.path().is_ident("serde")
                                && crate::generator::code_model::serde_keys(a)
                                    .iter()
                                    .any(|k| k == "default")
                        });
                        let decoded_required =
                            !defaulted && !crate::generator::code_model::is_option(&field.ty);
                        let mut facts = vec![
                            if required.contains(&wire.as_str()) || decoded_required {
                                "required"
                            } else {
                                "optional"
                            }
                            .to_string(),
                        ];
                        if property.is_some_and(crate::generator::passes::nullable::is_nullable) {
                            facts.push("nullable".into());
                        }
                        for (extension, what) in [
                            ("x-crm-number-or-string", "number or string"),
                            ("x-crm-empty-string-is-null", "\"\" is None"),
                        ] {
                            if property
                                .is_some_and(|p| p.get(extension) == Some(&Value::Bool(true)))
                            {
                                facts.push(what.into());
                            }
                        }
                        let rules = property
                            .map(|p| bracket(&rules_of(spec, p)))
                            .unwrap_or_default();
                        let _ = writeln!(
                            out,
                            "  {shown}: {}, {}{rules}",
                            type_text(&field.ty),
                            facts.join(", ")
                        );
                    }
                }
                Fields::Unnamed(unnamed) => {
                    let inner: Vec<String> =
                        unnamed.unnamed.iter().map(|f| type_text(&f.ty)).collect();
                    let rules = schema
                        .and_then(Value::as_object)
                        .map(|s| bracket(&describe(s)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "{name}: newtype {}{rules}", inner.join(", "));
                }
                Fields::Unit => {
                    let _ = writeln!(out, "{name}: unit struct");
                }
            },
            _ => {}
        }
    }
    out
}

fn enum_lines(out: &mut String, e: &EnumSpec) {
    if e.integer {
        let (min, max) = e.range;
        let _ = writeln!(
            out,
            "{}: enum of integers, undocumented values in {min}..={max} kept as Unknown",
            e.name
        );
        for (variant, value, _) in &e.variants {
            let _ = writeln!(out, "  {variant} = {value}");
        }
    } else {
        let _ = writeln!(
            out,
            "{}: enum of strings, undocumented values kept as Unknown",
            e.name
        );
        for (variant, value, _) in &e.variants {
            let _ = writeln!(out, "  {variant} = {value}");
        }
    }
    if let Some(default) = &e.default {
        let _ = writeln!(out, "  (default {default})");
    }
}

/// `200 CallRequestList, 400 error ApiError, 204 (no body)`: each status with the Rust type
/// its body decodes into (the builder's), or the media type of bytes passed through.
fn responses(op: &Value, builder: Option<&crate::generator::code_model::Builder>) -> String {
    let mut out = Vec::new();
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let content = response.get("content").and_then(Value::as_object);
        let success = status.starts_with('2');
        let json = content.and_then(|c| c.iter().find(|(m, _)| m.starts_with("application/json")));
        let body = match (json, content.and_then(|c| c.keys().next())) {
            (Some((_, media)), _) => {
                let typed = builder.map(|b| if success { &b.success } else { &b.error });
                Some(match (media.get("schema").and_then(ref_name), typed) {
                    (Some(name), _) => name.to_string(),
                    (None, Some(ty)) => type_text(ty),
                    (None, None) => "(inline)".to_string(),
                })
            }
            (None, Some(media)) => Some(format!("bytes ({media})")),
            (None, None) => None,
        };
        let error = if success { "" } else { "error " };
        out.push(match body {
            Some(body) => format!("{status} {error}{body}"),
            None => format!("{status} {error}(no body)"),
        });
    }
    out.join(", ")
}

/// The constraints on a value of `schema`, and on each item of an array.
fn rules_of(spec: &Value, schema: &Value) -> Vec<String> {
    let own = effective(spec, schema);
    let mut rules = describe(&own);
    if let Some(items) = own.get("items") {
        rules.extend(
            describe(&effective(spec, items))
                .into_iter()
                .map(|r| format!("each {r}")),
        );
    }
    rules
}

fn bracket(rules: &[String]) -> String {
    if rules.is_empty() {
        String::new()
    } else {
        format!(" [{}]", rules.join("; "))
    }
}

/// `field -> Rust type` of every operation builder, by builder name.
fn builder_fields(file: &syn::File) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let items = crate::generator::code_model::module(file, "builder");
    for item in items.into_iter().flatten() {
        let Item::Struct(s) = item else { continue };
        let fields = s
            .fields
            .iter()
            .filter_map(|f| {
                let name = f.ident.as_ref()?.to_string();
                let text = type_text(&f.ty);
                let inner = text
                    .strip_prefix("Result<")
                    .and_then(|t| t.strip_suffix(", String>"))
                    .unwrap_or(&text)
                    .to_string();
                Some((name, inner))
            })
            .collect();
        out.insert(s.ident.to_string(), fields);
    }
    out
}

fn item_name(item: &Item) -> String {
    match item {
        Item::Struct(s) => s.ident.to_string(),
        Item::Enum(e) => e.ident.to_string(),
        _ => String::new(),
    }
}

/// A type as users write it: `Option<Nullable<OrderStatus>>`, each path down to its last
/// segment and that segment's generic arguments.
fn type_text(ty: &Type) -> String {
    match ty {
        Type::Path(p) if p.qself.is_none() => match p.path.segments.last() {
            Some(last) => {
                let mut text = last.ident.to_string();
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    let args: Vec<String> = args
                        .args
                        .iter()
                        .map(|arg| match arg {
                            syn::GenericArgument::Type(t) => type_text(t),
                            other => other.to_token_stream().to_string(),
                        })
                        .collect();
                    text = format!("{text}<{}>", args.join(", "));
                }
                text
            }
            None => String::new(),
        },
        Type::Tuple(t) => format!(
            "({})",
            t.elems.iter().map(type_text).collect::<Vec<_>>().join(", ")
        ),
        Type::Reference(r) => format!("&{}", type_text(&r.elem)),
        Type::Array(a) => format!("[{}; {}]", type_text(&a.elem), a.len.to_token_stream()),
        Type::Slice(s) => format!("[{}]", type_text(&s.elem)),
        other => other.to_token_stream().to_string(),
    }
}

#[cfg(test)]
mod tests {
    /// The types are the structs and enums of the `types` module, whichever module comes
    /// first (a made-up file: progenitor's puts `types` first today).
    #[test]
    fn types_come_from_the_types_module_only() {
        let file: syn::File = syn::parse_quote! {
            mod builder { pub struct NotAType; }
            pub mod types {
                pub struct A;
                pub enum B {}
                pub fn not_an_item_kept() {}
            }
        };
        let names: Vec<String> = crate::generator::code_model::types_items(&file)
            .into_iter()
            .map(super::item_name)
            .collect();
        assert_eq!(names, ["A", "B"]);
    }

    /// Types as users write them: paths cut to their last segment, generic arguments kept;
    /// a qualified path (`<T as Trait>::X`) in full, tokens as syn prints them.
    #[test]
    fn types_are_shown_as_users_write_them() {
        let shown = |ty: syn::Type| super::type_text(&ty);
        assert_eq!(
            shown(syn::parse_quote!(
                ::std::option::Option<crate::Nullable<types::Status>>
            )),
            "Option<Nullable<Status>>"
        );
        assert_eq!(shown(syn::parse_quote!((u8, &str))), "(u8, &str)");
        assert_eq!(shown(syn::parse_quote!([u8; 4])), "[u8; 4]");
        assert_eq!(shown(syn::parse_quote!(&[String])), "&[String]");
        assert_eq!(
            shown(syn::parse_quote!(<Vec<u8> as IntoIterator>::Item)),
            "< Vec < u8 > as IntoIterator > :: Item"
        );
    }
}
