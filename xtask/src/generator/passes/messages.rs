//! Refusals in the user's words. progenitor's builders say `conversion to
//! `::std::num::NonZeroU64` for customer_id failed` and typify's newtypes `longer than 5
//! characters`; every refusal here names the parameter or field, the rule and what was given
//! (`customer_id must be at least 1 (got 0)`), through `crm_bindings_runtime::validate`.
//!
//! Each rewrite looks for progenitor's or typify's exact shape and fails generation when it is
//! not there, so an upgrade that changes them is caught here.
//!
//! Why no setting does it: progenitor's builders format their conversion errors inline in
//! each setter, and typify's newtypes in their `TryFrom`; `with_conversion` chooses a type
//! for a schema, not its messages, and `with_pre_hook` runs on a built request, after a
//! setter has already refused.

use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, Stmt, Type, parse_quote};

/// Integer types progenitor uses for parameters, with their ranges.
fn integer_range(ty: &Type) -> Option<(i128, i128)> {
    let Type::Path(path) = ty else { return None };
    let name = path.path.segments.last()?.ident.to_string();
    Some(match name.as_str() {
        "NonZeroU8" => (1, u8::MAX.into()),
        "NonZeroU16" => (1, u16::MAX.into()),
        "NonZeroU32" => (1, u32::MAX.into()),
        "NonZeroU64" => (1, u64::MAX.into()),
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

/// Rewrites the parameter setters of every operation builder (the top-level `builder`
/// module) and progenitor's other refusal texts. Returns how many setters changed.
pub fn rewrite_operation_builders(file: &mut syn::File) -> Result<usize, String> {
    let builder =
        crate::generator::code_model::module_mut(file, "builder").ok_or("no `builder` module")?;
    let mut setters = 0;
    let mut required = 0;
    for item in builder.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let builder_name = match &*imp.self_ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
        .unwrap_or_default();
        for item in imp.items.iter_mut() {
            let ImplItem::Fn(f) = item else { continue };
            let name = f.sig.ident.to_string();
            if matches!(
                name.as_str(),
                "new" | "send" | "send_inner" | "body" | "body_map"
            ) {
                continue;
            }
            let optional =
                rewrite_setter(f).map_err(|e| format!("`{builder_name}::{name}`: {e}"))?;
            setters += 1;
            required += usize::from(!optional);
        }
    }
    let mut texts = Texts::default();
    for item in builder.iter_mut() {
        texts.visit_item_mut(item);
    }
    // progenitor writes the text for required parameters only: an API whose parameters are
    // all optional has none.
    if required > 0 && texts.missing == 0 {
        return Err("no `<param> was not initialized` text found in the builders".into());
    }
    Ok(setters)
}

/// `self.x = value.try_into()[.map(Some)].map_err(|_| "conversion to ..".to_string());`
/// becomes a refusal that names `x`, the rule and the value. Returns whether the parameter
/// is optional (`.map(Some)`).
fn rewrite_setter(f: &mut syn::ImplItemFn) -> Result<bool, String> {
    let field = f.sig.ident.clone();
    let name = field.to_string();
    let calls = method_calls(&f.block);
    if !calls.iter().any(|(m, _)| m == "try_into") || !calls.iter().any(|(m, _)| m == "map_err") {
        return Err("progenitor's setter changed shape (no `try_into().map_err(|_| ..)`)".into());
    }
    let optional = calls.iter().any(|(m, some)| m == "map" && *some);
    let where_clause = f
        .sig
        .generics
        .where_clause
        .as_mut()
        .ok_or("no where clause")?;
    let target = where_clause
        .predicates
        .iter()
        .find_map(|p| {
            let syn::WherePredicate::Type(bound) = p else {
                return None;
            };
            bound.bounds.iter().find_map(|b| {
                let syn::TypeParamBound::Trait(t) = b else {
                    return None;
                };
                let last = t.path.segments.last()?;
                if last.ident != "TryInto" {
                    return None;
                }
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                match args.args.first()? {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                }
            })
        })
        .ok_or("no `V: TryInto<T>` bound")?;
    let map_some = if optional {
        quote::quote!(.map(Some))
    } else {
        quote::quote!()
    };
    if let Some((min, max)) = integer_range(&target) {
        // Integers are `Copy`: the value is still there to be shown after `try_into`.
        where_clause
            .predicates
            .push(parse_quote!(V: ::std::marker::Copy + ::std::fmt::Debug));
        f.block = parse_quote!({
            self.#field = value
                .try_into()
                #map_some
                .map_err(|_| ::crm_bindings_runtime::validate::integer_param(#name, #min, #max, &value));
            self
        });
    } else {
        let type_name = match &target {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
        .ok_or("the parameter's type is not a path")?;
        where_clause.predicates.push(parse_quote!(
            <V as std::convert::TryInto<#target>>::Error: ::std::fmt::Display
        ));
        f.block = parse_quote!({
            self.#field = value
                .try_into()
                #map_some
                .map_err(|e| ::crm_bindings_runtime::validate::typed_param(#name, #type_name, &e));
            self
        });
    }
    Ok(optional)
}

/// The method calls in `block`: `(name, whether its one argument is the path `Some`)`.
fn method_calls(block: &syn::Block) -> Vec<(String, bool)> {
    struct Calls(Vec<(String, bool)>);
    impl<'ast> syn::visit::Visit<'ast> for Calls {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            let some = matches!(call.args.first(), Some(Expr::Path(p)) if p.path.is_ident("Some"));
            self.0.push((call.method.to_string(), some));
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut calls = Calls(Vec::new());
    syn::visit::Visit::visit_block(&mut calls, block);
    calls.0
}

/// `value.chars().count() > N` / `< N`: `(is_max, N)`.
fn length_check(cond: &Expr) -> Option<(bool, usize)> {
    let Expr::Binary(binary) = cond else {
        return None;
    };
    let is_max = match binary.op {
        syn::BinOp::Gt(_) => true,
        syn::BinOp::Lt(_) => false,
        _ => return None,
    };
    let Expr::MethodCall(count) = &*binary.left else {
        return None;
    };
    let Expr::MethodCall(chars) = &*count.receiver else {
        return None;
    };
    let on_value = matches!(&*chars.receiver, Expr::Path(p) if p.path.is_ident("value"));
    if count.method != "count" || chars.method != "chars" || !on_value {
        return None;
    }
    let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(n),
        ..
    }) = &*binary.right
    else {
        return None;
    };
    Some((is_max, n.base10_parse().ok()?))
}

/// `PATTERN.find(value).is_none()`.
fn is_pattern_check(cond: &Expr) -> bool {
    let Expr::MethodCall(is_none) = cond else {
        return false;
    };
    let Expr::MethodCall(find) = &*is_none.receiver else {
        return false;
    };
    is_none.method == "is_none"
        && find.method == "find"
        && matches!(&*find.receiver, Expr::Path(p) if p.path.is_ident("PATTERN"))
}

/// The string literal given to `Regex::new(..)` in an expression.
fn regex_literal(expr: &Expr) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            let is_regex_new = matches!(&*call.func, Expr::Path(p)
                if p.path.segments.iter().rev().take(2).map(|s| s.ident.to_string()).collect::<Vec<_>>() == ["new", "Regex"]);
            if let (
                true,
                Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                })),
            ) = (is_regex_new, call.args.first())
            {
                self.0 = Some(s.value());
            }
            syn::visit::visit_expr_call(self, call);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_expr(&mut find, expr);
    find.0
}

/// progenitor's and typify's fixed refusal texts, reworded.
#[derive(Default)]
struct Texts {
    missing: usize,
}

impl VisitMut for Texts {
    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        let text = lit.value();
        let reworded = if let Some(param) = text.strip_suffix(" was not initialized") {
            self.missing += 1;
            Some(format!("{param} is required (not set)"))
        } else if let Some(field) = text.strip_prefix("no value supplied for ") {
            Some(format!("{field} is required (not set)"))
        } else if let Some(rest) = text.strip_prefix("error converting supplied value for ") {
            // `text: {e}`: the field, then the type's own message.
            Some(rest.to_string())
        } else if text.starts_with("conversion to `") && text.ends_with(" for body failed: {}") {
            Some("body: {}".to_string())
        } else {
            None
        };
        if let Some(reworded) = reworded {
            *lit = syn::LitStr::new(&reworded, lit.span());
        }
    }
}

/// Rewords the refusals of typify's `types` module: the type builders' texts and the
/// validated newtypes' length and pattern checks. Returns how many newtypes changed.
pub fn rewrite_types(types: &mut [Item]) -> Result<usize, String> {
    let mut texts = Texts::default();
    let mut newtypes = 0;
    for item in types.iter_mut() {
        if let Item::Mod(m) = item {
            if m.ident == "builder" {
                texts.visit_item_mod_mut(m);
            }
            continue;
        }
        let Item::Impl(imp) = item else { continue };
        let is_from_str = imp
            .trait_
            .as_ref()
            .is_some_and(|t| t.0.segments.last().is_some_and(|s| s.ident == "FromStr"));
        let Type::Path(ty) = &*imp.self_ty else {
            continue;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        if !is_from_str {
            continue;
        }
        for item in imp.items.iter_mut() {
            let ImplItem::Fn(f) = item else { continue };
            if rewrite_newtype_checks(&name, &mut f.block)? {
                newtypes += 1;
            }
        }
    }
    Ok(newtypes)
}

/// In a typify newtype's `from_str`: the `chars().count()` and `PATTERN.find(..)` checks.
fn rewrite_newtype_checks(name: &str, block: &mut syn::Block) -> Result<bool, String> {
    let mut min = None;
    let mut max = None;
    let mut pattern = None;
    for stmt in &block.stmts {
        match stmt {
            Stmt::Expr(Expr::If(check), _) => match length_check(&check.cond) {
                Some((true, n)) => max = Some(n),
                Some((false, n)) => min = Some(n),
                None => {}
            },
            Stmt::Item(Item::Static(s)) if s.ident == "PATTERN" => {
                pattern =
                    Some(regex_literal(&s.expr).ok_or_else(|| {
                        format!("{name}: a `PATTERN` without `Regex::new(\"..\")`")
                    })?);
            }
            _ => {}
        }
    }
    if min.is_none() && max.is_none() && pattern.is_none() {
        return Ok(false);
    }
    let some = |n: Option<usize>| match n {
        Some(n) => quote::quote!(::std::option::Option::Some(#n)),
        None => quote::quote!(::std::option::Option::None),
    };
    let (min_tokens, max_tokens) = (some(min), some(max));
    let mut length_done = false;
    let mut stmts = Vec::new();
    for stmt in block.stmts.drain(..) {
        let cond = match &stmt {
            Stmt::Expr(Expr::If(check), _) => Some(&*check.cond),
            _ => None,
        };
        if cond.and_then(length_check).is_some() {
            if !length_done {
                length_done = true;
                stmts.push(parse_quote! {
                    if let ::std::option::Option::Some(message) =
                        ::crm_bindings_runtime::validate::length(#name, #min_tokens, #max_tokens, value)
                    {
                        return Err(message.into());
                    }
                });
            }
        } else if cond.is_some_and(is_pattern_check) {
            let pattern = pattern.as_deref().unwrap_or_default();
            stmts.push(parse_quote! {
                if PATTERN.find(value).is_none() {
                    return Err(::crm_bindings_runtime::validate::mismatch(#name, #pattern, value).into());
                }
            });
        } else {
            stmts.push(stmt);
        }
    }
    block.stmts = stmts;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn each_integer_type_has_its_range() {
        let cases: [(Type, i128, i128); 12] = [
            (parse_quote!(::std::num::NonZeroU8), 1, 255),
            (parse_quote!(::std::num::NonZeroU16), 1, 65535),
            (parse_quote!(::std::num::NonZeroU32), 1, u32::MAX.into()),
            (parse_quote!(::std::num::NonZeroU64), 1, u64::MAX.into()),
            (parse_quote!(u8), 0, 255),
            (parse_quote!(u16), 0, 65535),
            (parse_quote!(u32), 0, u32::MAX.into()),
            (parse_quote!(u64), 0, u64::MAX.into()),
            (parse_quote!(i8), -128, 127),
            (parse_quote!(i16), -32768, 32767),
            (parse_quote!(i32), i32::MIN.into(), i32::MAX.into()),
            (parse_quote!(i64), i64::MIN.into(), i64::MAX.into()),
        ];
        for (ty, min, max) in cases {
            assert_eq!(
                integer_range(&ty),
                Some((min, max)),
                "{}",
                quote::quote!(#ty)
            );
        }
        assert_eq!(integer_range(&parse_quote!(String)), None);
    }

    /// typify's length and pattern checks are recognised in their exact shape only.
    #[test]
    fn typifys_checks_are_recognised_exactly() {
        let cond = |text: &str| -> Expr { syn::parse_str(text).unwrap() };
        assert_eq!(
            length_check(&cond("value.chars().count() > 5")),
            Some((true, 5))
        );
        assert_eq!(
            length_check(&cond("value.chars().count() < 2")),
            Some((false, 2))
        );
        for other in [
            "other.chars().count() > 5",
            "value.bytes().count() > 5",
            "value.chars().len() > 5",
            "value.chars().count() == 5",
        ] {
            assert_eq!(length_check(&cond(other)), None, "{other}");
        }
        assert!(is_pattern_check(&cond("PATTERN.find(value).is_none()")));
        for other in [
            "PATTERN.find(value).is_some()",
            "OTHER.find(value).is_none()",
            "PATTERN.search(value).is_none()",
        ] {
            assert!(!is_pattern_check(&cond(other)), "{other}");
        }
    }

    /// Only progenitor's own texts are reworded.
    #[test]
    fn only_the_known_texts_are_reworded() {
        let reworded = |text: &str| {
            let mut lit = syn::LitStr::new(text, proc_macro2::Span::call_site());
            Texts::default().visit_lit_str_mut(&mut lit);
            lit.value()
        };
        assert_eq!(
            reworded("id was not initialized"),
            "id is required (not set)"
        );
        assert_eq!(
            reworded("conversion to `Body` for body failed: {}"),
            "body: {}"
        );
        assert_eq!(
            reworded("conversion to `u64` for id failed"),
            "conversion to `u64` for id failed"
        );
        assert_eq!(
            reworded("text for body failed: {}"),
            "text for body failed: {}"
        );
    }

    /// A builder as progenitor writes it, with `setter` as the `id` setter's body.
    fn builder(setter: syn::Block) -> syn::File {
        parse_quote! {
            pub mod builder {
                pub struct GetThing<'a> {
                    client: &'a super::Client,
                    id: Result<u64, String>,
                }
                impl<'a> GetThing<'a> {
                    pub fn id<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<u64>,
                    #setter
                    pub async fn send(self) -> Result<(), ()> {
                        let id = self.id.map_err(Error::InvalidRequest)?;
                        let _ = "id was not initialized";
                        Ok(())
                    }
                }
            }
        }
    }

    #[test]
    fn progenitors_setter_is_rewritten() {
        let mut file = builder(parse_quote!({
            self.id = value
                .try_into()
                .map_err(|_| "conversion to `u64` for id failed".to_string());
            self
        }));
        assert_eq!(rewrite_operation_builders(&mut file), Ok(1));
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("id is required (not set)"), "{text}");
    }

    /// A setter needs both `try_into` and `map_err`; `.map(Some)` (an optional parameter)
    /// is kept, any other `.map` is not taken for it.
    #[test]
    fn the_setter_shape_is_checked_call_by_call() {
        for body in [
            quote::quote!({
                self.id = value.try_into().or(Err(String::new()));
                self
            }),
            quote::quote!({
                self.id = value.into_id().map_err(|_| String::new());
                self
            }),
        ] {
            let mut file = builder(syn::parse2(body.clone()).unwrap());
            let error = rewrite_operation_builders(&mut file).unwrap_err();
            assert!(error.contains("changed shape"), "{body}: {error}");
        }
        let rewritten = |body: proc_macro2::TokenStream| {
            let mut file = builder(syn::parse2(body).unwrap());
            assert_eq!(rewrite_operation_builders(&mut file), Ok(1));
            quote::quote!(#file).to_string()
        };
        let optional = rewritten(quote::quote!({
            self.id = value.try_into().map(Some).map_err(|_| String::new());
            self
        }));
        assert!(optional.contains(". map (Some)"), "{optional}");
        let other_map = rewritten(quote::quote!({
            self.id = value
                .try_into()
                .map(std::convert::identity)
                .map_err(|_| String::new());
            self
        }));
        assert!(!other_map.contains("map (Some)"), "{other_map}");
        // Setters but not progenitor's "was not initialized" text: its texts changed.
        let file = builder(parse_quote!({
            self.id = value.try_into().map_err(|_| String::new());
            self
        }));
        let text = quote::quote!(#file)
            .to_string()
            .replace("id was not initialized", "id is missing");
        let mut file: syn::File = syn::parse_str(&text).unwrap();
        let error = rewrite_operation_builders(&mut file).unwrap_err();
        assert!(error.contains("was not initialized"), "{error}");
    }

    /// A typify newtype's `from_str` checks are reworded (a made-up newtype of typify's
    /// shape); a `static` other than `PATTERN` is not taken for its pattern.
    #[test]
    fn newtype_checks_are_counted() {
        let file: syn::File = syn::parse_quote! {
            impl ::std::str::FromStr for Code {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    static OTHER: i32 = 1;
                    if value.chars().count() > 5usize {
                        return Err("longer than 5 characters".into());
                    }
                    Ok(Self(value.to_string()))
                }
            }
        };
        let mut types = file.items;
        assert_eq!(rewrite_types(&mut types), Ok(1));
    }

    /// An operation whose parameters are all optional: progenitor writes no
    /// "was not initialized" text, and that is no change of shape (a made-up builder).
    #[test]
    fn optional_parameters_alone_need_no_missing_text() {
        let file = builder(parse_quote!({
            self.id = value.try_into().map(Some).map_err(|_| String::new());
            self
        }));
        let text = quote::quote!(#file)
            .to_string()
            .replace("id was not initialized", "unused");
        let mut file: syn::File = syn::parse_str(&text).unwrap();
        assert_eq!(rewrite_operation_builders(&mut file), Ok(1));
    }

    /// If progenitor's setters or texts change shape, generation fails and says which
    /// setter, instead of emitting a setter whose refusals are not reworded.
    #[test]
    fn another_shape_fails_generation() {
        let mut file = builder(parse_quote!({
            self.id = Ok(value.into());
            self
        }));
        assert_eq!(
            rewrite_operation_builders(&mut file),
            Err(
                "`GetThing::id`: progenitor's setter changed shape (no `try_into().map_err(|_| ..)`)"
                    .into()
            )
        );
        let mut no_builders: syn::File = parse_quote!(
            pub mod types {}
        );
        assert_eq!(
            rewrite_operation_builders(&mut no_builders),
            Err("no `builder` module".into())
        );
    }
}
