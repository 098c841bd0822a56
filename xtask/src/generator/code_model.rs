//! The one model of progenitor's output the passes share: where its `types` and `builder`
//! modules are, what a field's type and serde attributes say, and what it generated for
//! each operation (read once from `builder`: the builder's name, each parameter's value
//! type, the body's type, and the success and error types of `send()`). The mocks and the
//! surface read types from here rather than recompute them from the spec, so they always
//! name what users get.

use syn::visit_mut::VisitMut;

/// The items of progenitor's module `name` (`types`, `builder`), if it made one.
pub fn module<'a>(file: &'a syn::File, name: &str) -> Option<&'a Vec<syn::Item>> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })
}

/// [`module`], to edit.
pub fn module_mut<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<syn::Item>> {
    submodule_mut(&mut file.items, name)
}

/// The items of the module `name` among `items` (typify's `types::builder`), to edit.
pub fn submodule_mut<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The structs and enums of progenitor's `types` module.
pub fn types_items(file: &syn::File) -> Vec<&syn::Item> {
    module(file, "types")
        .into_iter()
        .flatten()
        .filter(|item| matches!(item, syn::Item::Struct(_) | syn::Item::Enum(_)))
        .collect()
}

/// How many structs and enums the `types` module holds.
pub fn count_types(file: &syn::File) -> usize {
    types_items(file).len()
}

/// Whether the field's type is `Option<..>` (`::std::option::Option` or a shorter path).
pub fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The keys of a `#[serde(...)]` attribute (`default`, `deserialize_with`, ...).
pub fn serde_keys(attr: &syn::Attribute) -> Vec<String> {
    let mut keys = Vec::new();
    let _ = attr.parse_nested_meta(|meta| {
        if let Some(key) = meta.path.get_ident() {
            keys.push(key.to_string());
        }
        // Skip the value, if any (`= "..."`), so the next key parses.
        if meta.input.peek(syn::Token![=]) {
            meta.value()?.parse::<syn::Expr>()?;
        }
        Ok(())
    });
    keys
}

/// The value of a `#[serde(rename = "..")]` among `attrs`.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let Ok(metas) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        for meta in metas {
            if let syn::Meta::NameValue(nv) = meta
                && nv.path.is_ident("rename")
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = nv.value
            {
                return Some(s.value());
            }
        }
    }
    None
}

/// The last segment of a type's path, by name, with its generic type arguments
/// (`Option<Nullable<T>>` -> `("Option", [Nullable<T>])`).
pub fn last_segment(ty: &syn::Type) -> Option<(String, Vec<syn::Type>)> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    let args = generics(ty, &name).unwrap_or_default();
    Some((name, args))
}

/// One operation builder.
pub struct Builder {
    /// `ListWidgets`.
    pub name: String,
    /// `(field, value type)` of each parameter: the type inside the builder's
    /// `Result<Option<..>, String>`.
    pub params: Vec<(String, syn::Type)>,
    /// The request body's type (`types::NewWidget`, the type behind typify's builder).
    pub body: Option<syn::Type>,
    /// The success's body type: `()` for none, `ByteStream` for bytes.
    pub success: syn::Type,
    /// The documented errors' body type (`()` when none is documented).
    pub error: syn::Type,
}

impl Builder {
    /// How the success answer is read.
    pub fn success_kind(&self) -> Kind {
        kind(&self.success)
    }

    /// How a documented error's body is read.
    pub fn error_kind(&self) -> Kind {
        kind(&self.error)
    }
}

/// What an answer's body is to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// No body (`()`).
    Empty,
    /// Bytes passed through (`ByteStream`: a media type other than JSON).
    Bytes,
    /// JSON decoded into the type.
    Json,
}

fn kind(ty: &syn::Type) -> Kind {
    match ty {
        syn::Type::Tuple(t) if t.elems.is_empty() => Kind::Empty,
        syn::Type::Path(p)
            if p.path
                .segments
                .last()
                .is_some_and(|s| s.ident == "ByteStream") =>
        {
            Kind::Bytes
        }
        _ => Kind::Json,
    }
}

/// Every operation builder of progenitor's `builder` module.
pub fn read(file: &syn::File) -> Result<Vec<Builder>, String> {
    let items = module(file, "builder").ok_or("no `builder` module")?;
    let mut out = Vec::new();
    for item in items {
        let syn::Item::Struct(s) = item else { continue };
        let mut params = Vec::new();
        let mut body = None;
        for field in &s.fields {
            let Some(name) = field.ident.as_ref().map(ToString::to_string) else {
                continue;
            };
            let Some(ty) = first_generic(&field.ty, "Result") else {
                continue; // `client`
            };
            if name == "body" {
                body = Some(without_builder(ty));
            } else {
                params.push((name, first_generic(&ty, "Option").unwrap_or(ty)));
            }
        }
        let name = s.ident.to_string();
        let (success, error) = send_types(items, &name).ok_or_else(|| {
            format!("`{name}`: no `send()` returning `Result<ResponseValue<T>, Error<E>>`")
        })?;
        out.push(Builder {
            name,
            params,
            body,
            success,
            error,
        });
    }
    Ok(out)
}

/// `T` and `E` of `send(self) -> Result<ResponseValue<T>, Error<E>>` in `name`'s impl.
fn send_types(items: &[syn::Item], name: &str) -> Option<(syn::Type, syn::Type)> {
    let send = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .filter(|imp| matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name)))
        .flat_map(|imp| &imp.items)
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        })?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let (ok, err) = two_generics(ty, "Result")?;
    Some((
        first_generic(&ok, "ResponseValue")?,
        first_generic(&err, "Error")?,
    ))
}

/// `types::builder::X` -> `types::X`: typify's builder stands for the type it builds.
fn without_builder(ty: syn::Type) -> syn::Type {
    struct Strip;
    impl VisitMut for Strip {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let Some(i) = segments.windows(2).position(|w| w == ["types", "builder"]) {
                let kept: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> = path
                    .segments
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i + 1)
                    .map(|(_, s)| s.clone())
                    .collect();
                path.segments = kept;
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut ty = ty;
    Strip.visit_type_mut(&mut ty);
    ty
}

/// `T` of `Wrapper<T, ..>` (by the last path segment's name).
pub fn first_generic(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    generics(ty, wrapper)?.into_iter().next()
}

fn two_generics(ty: &syn::Type, wrapper: &str) -> Option<(syn::Type, syn::Type)> {
    let mut args = generics(ty, wrapper)?.into_iter();
    Some((args.next()?, args.next()?))
}

fn generics(ty: &syn::Type, wrapper: &str) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    /// A file of progenitor's shape (made up here), with items the steps must tell apart.
    fn progenitor_file() -> syn::File {
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
    fn the_types_module_is_found_and_counted() {
        let mut file = progenitor_file();
        assert_eq!(count_types(&file), 2);
        let types = module_mut(&mut file, "types").expect("the types module");
        assert_eq!(types.len(), 3);
    }

    #[test]
    fn serde_keys_are_read_past_their_values() {
        let attr: syn::Attribute =
            parse_quote!(#[serde(default, deserialize_with = "f", rename = "x")]);
        assert_eq!(serde_keys(&attr), ["default", "deserialize_with", "rename"]);
    }
    use super::*;
    use quote::ToTokens;

    /// Builders of progenitor's shape (made up here): parameters, a body through typify's
    /// builder, and the three kinds of answer.
    #[test]
    fn builders_are_read_with_their_types() {
        let file: syn::File = parse_quote! {
            pub mod builder {
                pub struct GetThing<'a> {
                    client: &'a super::Client,
                    id: Result<::std::num::NonZeroU64, String>,
                    colour: Result<Option<types::Colour>, String>,
                    body: Result<types::builder::NewThing, String>,
                }
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<types::Problem>> { todo!() }
                }
                pub struct Export<'a> { client: &'a super::Client }
                impl<'a> Export<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> { todo!() }
                }
                pub struct Delete<'a> { client: &'a super::Client }
                impl<'a> Delete<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> { todo!() }
                }
            }
        };
        let builders = read(&file).unwrap();
        let text = |ty: &syn::Type| ty.to_token_stream().to_string();
        let get = &builders[0];
        assert_eq!(get.name, "GetThing");
        let params: Vec<(String, String)> = get
            .params
            .iter()
            .map(|(n, t)| (n.clone(), text(t)))
            .collect();
        assert_eq!(
            params,
            [
                ("id".to_string(), ":: std :: num :: NonZeroU64".to_string()),
                ("colour".to_string(), "types :: Colour".to_string())
            ]
        );
        assert_eq!(text(get.body.as_ref().unwrap()), "types :: NewThing");
        assert_eq!(text(&get.success), "types :: Thing");
        assert_eq!(get.success_kind(), Kind::Json);
        assert_eq!(text(&get.error), "types :: Problem");
        assert_eq!(builders[1].success_kind(), Kind::Bytes);
        assert_eq!(builders[2].success_kind(), Kind::Empty);
        assert_eq!(builders[2].error_kind(), Kind::Empty);
    }

    #[test]
    fn a_builder_without_send_is_an_error() {
        let file: syn::File = parse_quote! {
            pub mod builder {
                pub struct GetThing<'a> { client: &'a super::Client }
            }
        };
        let error = read(&file).err().unwrap();
        assert!(error.contains("`GetThing`: no `send()`"), "{error}");
    }
}
