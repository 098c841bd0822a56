//! Passes over the items progenitor generated that add or move attributes and items,
//! where no setting of progenitor or typify does it:
//!
//! - `schemars::JsonSchema` moves into `cfg_attr(feature = "schemars", ...)`: typify's
//!   `with_derive` adds a derive unconditionally, and the dependency must stay optional;
//! - lenient field decoders (`deserialize_with`) on the fields the spec marks: typify has
//!   no per-field serde attribute setting (`with_patch` renames types, not fields' serde);
//! - a `Send + Sync` proof over every operation: it needs the list of operations progenitor
//!   made, known only from its output;
//! - `#[non_exhaustive]` on every struct with named fields, so a field the spec adds is a
//!   minor release under Rust's semver rules (users build values with the typify builder or
//!   `Default` and assignments, never a literal): typify's `with_attr` would do it, but
//!   progenitor passes only per-type patches (`with_patch`, keyed by names that inline
//!   schemas get only during generation), and it would also mark enums and newtypes.

use crate::generator::code_model::{is_option, serde_keys};
use syn::visit_mut::VisitMut;

/// A never-called function that compiles only while the client is `Send + Sync + Clone +
/// 'static` and the future of every operation's `send()` is `Send`, so clients and calls
/// can move across tokio tasks: a proof in the library itself, for every operation
/// progenitor made (the `impl Client` methods returning a `builder::` type).
pub fn send_sync_proof(file: &syn::File) -> Result<syn::Item, String> {
    let operations: Vec<&syn::Ident> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) if i.trait_.is_none() && is_client(&i.self_ty) => Some(&i.items),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) if returns_builder(&f.sig) => Some(&f.sig.ident),
            _ => None,
        })
        .collect();
    if operations.is_empty() {
        return Err("no `impl Client` method returns a `builder::` type".into());
    }
    Ok(syn::parse_quote! {
        /// Compiles only while the client is `Send + Sync + Clone + 'static` and every
        /// operation's `send()` future is `Send` (never called).
        #[allow(dead_code)]
        fn assert_send_sync(client: &Client) {
            fn send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
            fn send<T: Send>(_: T) {}
            send_sync(client);
            #( send(client.#operations().send()); )*
        }
    })
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

fn returns_builder(sig: &syn::Signature) -> bool {
    matches!(&sig.output, syn::ReturnType::Type(_, ty)
        if matches!(&**ty, syn::Type::Path(p)
            if p.path.segments.first().is_some_and(|s| s.ident == "builder")))
}

/// Makes every list newtype (`pub struct List(pub Vec<T>)`, a JSON array answer) work like
/// the `Vec` it holds: typify gives it only `Deref`, so `list[0].id = 7`, `iter_mut()` and
/// `for item in list` do not compile. Adds `DerefMut` and `IntoIterator` for the list, `&`
/// and `&mut` of it.
pub fn list_access(types: &mut Vec<syn::Item>) {
    let mut added: Vec<syn::Item> = Vec::new();
    for item in types.iter() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Unnamed(fields) = &s.fields else {
            continue;
        };
        let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        if !matches!(field.vis, syn::Visibility::Public(_)) {
            continue;
        }
        let Some(element) = crate::generator::code_model::first_generic(&field.ty, "Vec") else {
            continue;
        };
        let name = &s.ident;
        let vec = &field.ty;
        let items: syn::File = syn::parse_quote! {
            impl ::std::ops::DerefMut for #name {
                fn deref_mut(&mut self) -> &mut #vec {
                    &mut self.0
                }
            }
            impl ::std::iter::IntoIterator for #name {
                type Item = #element;
                type IntoIter = ::std::vec::IntoIter<#element>;
                fn into_iter(self) -> Self::IntoIter {
                    self.0.into_iter()
                }
            }
            impl<'a> ::std::iter::IntoIterator for &'a #name {
                type Item = &'a #element;
                type IntoIter = ::std::slice::Iter<'a, #element>;
                fn into_iter(self) -> Self::IntoIter {
                    self.0.iter()
                }
            }
            impl<'a> ::std::iter::IntoIterator for &'a mut #name {
                type Item = &'a mut #element;
                type IntoIter = ::std::slice::IterMut<'a, #element>;
                fn into_iter(self) -> Self::IntoIter {
                    self.0.iter_mut()
                }
            }
        };
        added.extend(items.items);
    }
    types.extend(added);
}

/// Marks every struct with named fields of the `types` module `#[non_exhaustive]` (not the
/// builders, not newtypes: a newtype's one field is private already).
pub fn mark_non_exhaustive(types: &mut [syn::Item]) {
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        if !matches!(s.fields, syn::Fields::Named(_)) {
            continue;
        }
        if !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
}

/// Moves `schemars::JsonSchema` out of every `#[derive(...)]` into
/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`, so the schemars
/// dependency stays optional for users.
/// Counts the types it gated: none means progenitor's output changed shape.
#[derive(Default)]
pub struct GateSchemars {
    pub gated: usize,
}

impl VisitMut for GateSchemars {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.gated += usize::from(gate_schemars(&mut item.attrs));
        syn::visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.gated += usize::from(gate_schemars(&mut item.attrs));
        syn::visit_mut::visit_item_enum_mut(self, item);
    }
}

/// `schemars::JsonSchema` (or `::schemars::JsonSchema`), by its path segments.
fn is_json_schema(path: &syn::Path) -> bool {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .eq(["schemars", "JsonSchema"])
}

fn gate_schemars(attrs: &mut Vec<syn::Attribute>) -> bool {
    let mut gated = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_json_schema(p)).collect();
        if kept.len() != paths.len() {
            gated = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    if gated {
        attrs.push(syn::parse_quote!(
            #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        ));
    }
    gated
}

/// Adds `#[serde(deserialize_with = "<function>")]` to each `(struct, field, function)`.
pub fn mark_lenient_fields(
    types: &mut [syn::Item],
    fields: &[(String, String, &str)],
) -> Result<(), String> {
    for (struct_name, field_name, function) in fields {
        let field = types
            .iter_mut()
            .filter_map(|item| match item {
                syn::Item::Struct(s) if s.ident == struct_name => Some(s),
                _ => None,
            })
            .flat_map(|s| s.fields.iter_mut())
            .find(|f| f.ident.as_ref().is_some_and(|i| i == field_name))
            .ok_or_else(|| {
                format!("no field `{struct_name}.{field_name}` in the generated types")
            })?;
        let serde_keys: Vec<String> = field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("serde"))
            .flat_map(serde_keys)
            .collect();
        if serde_keys.iter().any(|k| k == "deserialize_with") {
            return Err(format!(
                "`{struct_name}.{field_name}` already has a deserializer (required and nullable?)"
            ));
        }
        // A missing optional field must still decode as `None`: `deserialize_with` needs
        // `default` then; a required field stays required.
        let optional = is_option(&field.ty);
        let has_default = serde_keys.iter().any(|k| k == "default");
        field.attrs.push(if optional && !has_default {
            syn::parse_quote!(#[serde(default, deserialize_with = #function)])
        } else {
            syn::parse_quote!(#[serde(deserialize_with = #function)])
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    /// A file of progenitor's shape (made up here), with items the steps must tell apart.
    fn file() -> syn::File {
        parse_quote! {
            pub struct Client {}
            impl Client {
                pub fn get_thing(&self) -> builder::GetThing<'_> { todo!() }
                pub fn baseurl(&self) -> &str { todo!() }
            }
            impl ClientInfo for Client {
                fn make(&self) -> builder::Made<'_> { todo!() }
            }
            impl Other {
                pub fn other_thing(&self) -> builder::OtherThing<'_> { todo!() }
            }
            pub mod other {
                pub struct NotAType;
            }
            pub mod types {
                #[derive(Debug, schemars::JsonSchema, Clone)]
                pub struct Thing {
                    #[serde(default, deserialize_with = "f", rename = "x")]
                    pub x: Option<u8>,
                }
                #[derive(::schemars::JsonSchema)]
                pub enum Kind { A }
                pub fn not_a_type() {}
            }
        }
    }

    #[test]
    fn the_send_proof_covers_the_clients_own_operations_only() {
        let proof = send_sync_proof(&file()).expect("a proof");
        let text = quote::quote!(#proof).to_string();
        assert!(
            text.contains("send (client . get_thing () . send ())"),
            "{text}"
        );
        for other in ["baseurl", "make", "other_thing"] {
            assert!(!text.contains(other), "{other} in {text}");
        }
    }

    #[test]
    fn schemars_is_gated_on_structs_and_enums() {
        let mut file = file();
        let mut gate = GateSchemars::default();
        gate.visit_file_mut(&mut file);
        assert_eq!(gate.gated, 2);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("# [derive (Debug , Clone)]"), "{text}");
        // Only the gated derives name it.
        assert_eq!(text.matches("JsonSchema").count(), 2, "{text}");
        let gated = "# [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))]";
        assert_eq!(text.matches(gated).count(), 2, "{text}");
    }
}
