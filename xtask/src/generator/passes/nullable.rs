//! Request bodies that can clear a field. typify merges "optional" and "nullable" into one
//! `Option` and skips `None`, and skips an empty optional array, so no PUT or PATCH could
//! send `null` or `[]`. In every struct a request body reaches:
//!
//! - a property marked `nullable: true` becomes `::crm_bindings_runtime::Nullable<T>` (left out, `null`, or a
//!   value; left out by default);
//! - an optional array becomes `Option<Vec<T>>`, so `Some(vec![])` sends `[]`.
//!
//! The struct's field and its typify builder (`types::builder::<Struct>`: the field and its
//! setter's bound) change together. Each edit must find what it expects, or generation fails.
//!
//! Why no setting does it: `with_patch` renames a type and changes its derives, not a
//! field's type or serde attributes; `with_replacement` and `with_conversion` change a schema
//! everywhere it is used, answers included, where `Option` is right.

use crate::generator::code_model::serde_rename;
use crate::generator::read::spec::{request_schemas, target};
use quote::ToTokens;
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::{Field, Item, Meta, Token, Type, parse_quote};

/// One field to change: `(struct, wire name, new kind)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `Option<T>` -> `Nullable<T>`.
    Nullable,
    /// `Vec<T>` skipped when empty -> `Option<Vec<T>>`.
    OptionalArray,
}

/// What the spec asks for: `(struct, wire name, change)` for every request-body field.
pub fn changes(spec: &Value) -> Vec<(String, String, Change)> {
    let mut out = Vec::new();
    for name in request_schemas(spec) {
        let Some(schema) = spec.pointer(&format!("/components/schemas/{name}")) else {
            continue;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (prop, prop_schema) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let nullable = is_nullable(prop_schema);
            let array = target(spec, prop_schema)
                .get("type")
                .and_then(Value::as_str)
                == Some("array");
            let type_name = crate::generator::read::spec::type_name(&name);
            if nullable {
                out.push((type_name, prop.clone(), Change::Nullable));
            } else if array && !required.contains(&prop.as_str()) {
                out.push((type_name, prop.clone(), Change::OptionalArray));
            }
        }
    }
    out
}

/// `nullable: true`, or `x-crm-nullable: true` on a property `constraints.rs` moved to the
/// components (a plain `$ref` cannot say it).
pub fn is_nullable(property: &Value) -> bool {
    ["nullable", "x-crm-nullable"]
        .iter()
        .any(|key| property.get(key) == Some(&Value::Bool(true)))
}

/// Applies `changes` to the generated `types` module.
pub fn apply(types: &mut [Item], changes: &[(String, String, Change)]) -> Result<(), String> {
    for (struct_name, wire, change) in changes {
        let field = find_field(types, struct_name, wire)?;
        let ident = field.ident.clone().ok_or("a tuple field")?;
        let (old, new) =
            retype_field(field, change).map_err(|e| format!("`{struct_name}.{wire}`: {e}"))?;
        let _ = new;
        retype_builder(types, struct_name, &ident, &old, change)
            .map_err(|e| format!("builder of `{struct_name}.{wire}`: {e}"))?;
    }
    Ok(())
}

/// The field of `struct_name` whose wire name is `wire`.
fn find_field<'a>(
    types: &'a mut [Item],
    struct_name: &str,
    wire: &str,
) -> Result<&'a mut Field, String> {
    let item = types
        .iter_mut()
        .find_map(|item| match item {
            Item::Struct(s) if s.ident == struct_name => Some(s),
            _ => None,
        })
        .ok_or_else(|| format!("no struct `{struct_name}` in the generated types"))?;
    item.fields
        .iter_mut()
        .find(|f| wire_name(f).as_deref() == Some(wire))
        .ok_or_else(|| format!("no field `{wire}` in `{struct_name}`"))
}

/// The name a field has on the wire: its `#[serde(rename = "..")]`, else its identifier.
pub fn wire_name(field: &Field) -> Option<String> {
    serde_rename(&field.attrs).or_else(|| field.ident.as_ref().map(ToString::to_string))
}

/// The `#[serde(rename = "..")]` of an enum variant, if it has one.
pub fn variant_wire_name(variant: &syn::Variant) -> Option<String> {
    serde_rename(&variant.attrs)
}

/// `Option<T>` / `Vec<T>`: the generic argument of a `::std::option::Option` or
/// `::std::vec::Vec` type.
fn inner(ty: &Type, wrapper: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// Changes the field's type and its serde attributes; returns `(old type, new type)`.
fn retype_field(field: &mut Field, change: &Change) -> Result<(Type, Type), String> {
    let old = field.ty.clone();
    let (new, skip): (Type, &str) = match change {
        Change::Nullable => {
            let t = inner(&old, "Option").ok_or("expected an `Option<T>`")?;
            (
                parse_quote!(::crm_bindings_runtime::Nullable<#t>),
                "::crm_bindings_runtime::Nullable::is_absent",
            )
        }
        Change::OptionalArray => {
            ["Vec", "BTreeSet", "HashSet"]
                .iter()
                .find_map(|w| inner(&old, w))
                .ok_or("expected a `Vec<T>` or a set")?;
            (
                parse_quote!(::std::option::Option<#old>),
                "::std::option::Option::is_none",
            )
        }
    };
    let mut found_skip = false;
    for attr in field
        .attrs
        .iter_mut()
        .filter(|a| a.path().is_ident("serde"))
    {
        let metas = attr
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .map_err(|e| e.to_string())?;
        let mut kept: Vec<Meta> = Vec::new();
        let mut changed = false;
        for meta in metas {
            match &meta {
                Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                    kept.push(parse_quote!(skip_serializing_if = #skip));
                    changed = true;
                }
                Meta::Path(p) if p.is_ident("default") => {}
                _ => kept.push(meta),
            }
        }
        if changed {
            found_skip = true;
            // A missing field is `Absent` / `None`.
            kept.insert(0, parse_quote!(default));
            *attr = parse_quote!(#[serde(#(#kept),*)]);
        }
    }
    if !found_skip {
        return Err("no `skip_serializing_if` to replace (typify's output changed?)".into());
    }
    field.ty = new.clone();
    let note = match change {
        Change::Nullable => {
            "Nullable: left out by default; `Nullable::Null` sends `null`, which clears it."
        }
        Change::OptionalArray => "Left out when `None`; `Some(vec![])` sends `[]`.",
    };
    let has_doc = field.attrs.iter().any(|a| a.path().is_ident("doc"));
    if has_doc {
        field.attrs.insert(
            field
                .attrs
                .iter()
                .rposition(|a| a.path().is_ident("doc"))
                .map_or(0, |i| i + 1),
            parse_quote!(#[doc = ""]),
        );
    }
    let position = field
        .attrs
        .iter()
        .rposition(|a| a.path().is_ident("doc"))
        .map_or(0, |i| i + 1);
    field.attrs.insert(position, parse_quote!(#[doc = #note]));
    Ok((old, new))
}

/// The same change in typify's builder for the struct: the field `Result<old, String>` and
/// the setter's `T: TryInto<old>` bound.
fn retype_builder(
    types: &mut [Item],
    struct_name: &str,
    field: &syn::Ident,
    old: &Type,
    change: &Change,
) -> Result<(), String> {
    let builder = crate::generator::code_model::submodule_mut(types, "builder")
        .ok_or("no `types::builder` module")?;
    // typify writes `super::X` in the builder where the struct says `X`.
    let same = |a: &Type, b: &Type| without_super(a) == without_super(b);
    // The builder spells the inner type its own way (`super::X`): change its own type.
    let builder_old = find_builder_field(builder, struct_name, field)?;
    if !same(&builder_old, old) {
        return Err(format!(
            "builder field is `{}`, expected `{}`",
            builder_old.to_token_stream(),
            old.to_token_stream()
        ));
    }
    let new_in_builder: Type = match change {
        Change::Nullable => {
            let t = inner(&builder_old, "Option").ok_or("expected an `Option<T>`")?;
            parse_quote!(::crm_bindings_runtime::Nullable<#t>)
        }
        Change::OptionalArray => parse_quote!(::std::option::Option<#builder_old>),
    };
    let mut replaced = 0;
    for item in builder.iter_mut() {
        match item {
            Item::Struct(s) if s.ident == struct_name => {
                for f in s
                    .fields
                    .iter_mut()
                    .filter(|f| f.ident.as_ref() == Some(field))
                {
                    let arg = result_ok_type(&mut f.ty).ok_or("builder field is not a Result")?;
                    *arg = new_in_builder.clone();
                    replaced += 1;
                }
            }
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident(struct_name)) =>
            {
                for item in imp.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = item else { continue };
                    if &f.sig.ident != field {
                        continue;
                    }
                    let where_clause = f.sig.generics.where_clause.as_mut().ok_or("no where")?;
                    for predicate in where_clause.predicates.iter_mut() {
                        let syn::WherePredicate::Type(bound) = predicate else {
                            continue;
                        };
                        for b in bound.bounds.iter_mut() {
                            let syn::TypeParamBound::Trait(t) = b else {
                                continue;
                            };
                            let Some(last) = t.path.segments.last_mut() else {
                                continue;
                            };
                            if last.ident != "TryInto" {
                                continue;
                            }
                            let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
                            else {
                                continue;
                            };
                            if let Some(syn::GenericArgument::Type(t)) = args.args.first_mut() {
                                *t = new_in_builder.clone();
                                replaced += 1;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if replaced != 2 {
        return Err(format!(
            "expected the builder's field and setter, changed {replaced} places"
        ));
    }
    Ok(())
}

fn find_builder_field(
    builder: &mut [Item],
    struct_name: &str,
    field: &syn::Ident,
) -> Result<Type, String> {
    for item in builder.iter_mut() {
        if let Item::Struct(s) = item {
            if s.ident != struct_name {
                continue;
            }
            for f in s.fields.iter_mut() {
                if f.ident.as_ref() == Some(field) {
                    return result_ok_type(&mut f.ty)
                        .map(|t| t.clone())
                        .ok_or_else(|| "builder field is not a Result".into());
                }
            }
        }
    }
    Err(format!("no builder field `{struct_name}.{field}`"))
}

/// `T` of `::std::result::Result<T, ::std::string::String>`.
fn result_ok_type(ty: &mut Type) -> Option<&mut Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last_mut()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return None;
    };
    match args.args.first_mut()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// The type with every leading `super::` segment of its paths dropped, for comparing a
/// builder's field type with its struct's.
fn without_super(ty: &Type) -> Type {
    struct DropSuper;
    impl syn::visit_mut::VisitMut for DropSuper {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            while path.segments.first().is_some_and(|s| s.ident == "super") {
                let rest: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> =
                    path.segments.iter().skip(1).cloned().collect();
                path.segments = rest;
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut DropSuper, &mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use super::{Change, apply};
    use syn::{Item, parse_quote};

    fn types(field_attrs: proc_macro2::TokenStream) -> Vec<Item> {
        let file: syn::File = parse_quote! {
            pub struct Update {
                #field_attrs
                pub name: ::std::option::Option<::std::string::String>,
            }
        };
        file.items
    }

    /// If typify's output changes shape, generation fails and says what is missing,
    /// instead of emitting a field that can no longer send `null`.
    #[test]
    fn another_shape_fails_generation() {
        let change = [("Update".to_string(), "name".to_string(), Change::Nullable)];
        // No `skip_serializing_if` on the field: typify changed.
        let mut items = types(parse_quote!(#[serde(default)]));
        let error = apply(&mut items, &change).unwrap_err();
        assert_eq!(
            error,
            "`Update.name`: no `skip_serializing_if` to replace (typify's output changed?)"
        );
        // A struct or a field the spec names but typify did not write.
        let missing = [("Other".to_string(), "name".to_string(), Change::Nullable)];
        let error = apply(&mut items, &missing).unwrap_err();
        assert_eq!(error, "no struct `Other` in the generated types");
        let missing = [("Update".to_string(), "title".to_string(), Change::Nullable)];
        let error = apply(&mut items, &missing).unwrap_err();
        assert_eq!(error, "no field `title` in `Update`");
    }

    /// A whole shape, made up after typify 0.8's output: the field's other serde settings
    /// and the other modules stay; the skip rule, the type and the builder's field and
    /// setter bound change.
    #[test]
    fn only_the_skip_rule_and_the_types_change() {
        let file: syn::File = parse_quote! {
            pub struct Update {
                #[serde(rename = "full-name", flatten, default, skip_serializing_if = "::std::option::Option::is_none")]
                pub full_name: ::std::option::Option<::std::string::String>,
            }
            pub mod other {}
            pub mod builder {
                pub struct Update {
                    full_name: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                }
                impl Update {
                    pub fn full_name<T>(self, value: T) -> Self
                    where
                        T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                    {
                        self
                    }
                }
            }
        };
        let mut items = file.items;
        let change = [(
            "Update".to_string(),
            "full-name".to_string(),
            Change::Nullable,
        )];
        apply(&mut items, &change).expect("the shape is rewritten");
        let text: String = items
            .iter()
            .map(|item| quote::quote!(#item).to_string().replace(' ', ""))
            .collect();
        for expected in [
            r#"#[serde(default,rename="full-name",flatten,skip_serializing_if="::crm_bindings_runtime::Nullable::is_absent")]"#,
            "pubfull_name:::crm_bindings_runtime::Nullable<::std::string::String>",
            "full_name:::std::result::Result<::crm_bindings_runtime::Nullable<::std::string::String>",
            "TryInto<::crm_bindings_runtime::Nullable<::std::string::String>>",
            "pubmodother{}",
        ] {
            assert!(text.contains(expected), "{expected} not in {text}");
        }
    }

    /// The builder must hold the struct's type (spelled with `super::`): another type fails
    /// generation.
    #[test]
    fn a_builder_of_another_type_fails_generation() {
        let builder = |inner: proc_macro2::TokenStream| -> Vec<Item> {
            let file: syn::File = parse_quote! {
                pub struct Update {
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub thing: ::std::option::Option<Thing>,
                }
                pub mod builder {
                    pub struct Update {
                        thing: ::std::result::Result<::std::option::Option<#inner>, ::std::string::String>,
                    }
                    impl Update {
                        pub fn thing<T>(self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<#inner>>,
                        {
                            self
                        }
                    }
                }
            };
            file.items
        };
        let change = [("Update".to_string(), "thing".to_string(), Change::Nullable)];
        let mut same = builder(parse_quote!(super::Thing));
        assert_eq!(apply(&mut same, &change), Ok(()));
        let mut other = builder(parse_quote!(super::Other));
        let error = apply(&mut other, &change).unwrap_err();
        assert!(error.contains("builder field is"), "{error}");
    }

    /// The shape it expects is rewritten: `Nullable<T>`, left out by default. Without the
    /// typify builder module, generation fails on that instead.
    #[test]
    fn the_field_is_rewritten_and_its_builder_is_required() {
        let change = [("Update".to_string(), "name".to_string(), Change::Nullable)];
        let mut items = types(parse_quote!(
            #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
        ));
        let error = apply(&mut items, &change).unwrap_err();
        assert!(error.starts_with("builder of `Update.name`: "), "{error}");
        let Item::Struct(s) = &items[0] else {
            panic!("a struct")
        };
        let field = quote::quote!(#s).to_string();
        assert!(field.contains("Nullable"), "{field}");
    }
}
