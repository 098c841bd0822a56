//! Rewrites progenitor's generated `send()` methods to return `crate::Error<E>`, whose every
//! variant names the operation and, when the server answered, keeps the status and body.
//! progenitor's own error names no operation and drops the status of a body that does not
//! decode, so users could not tell what failed where.
//!
//! The rewrite is token-level and narrow: each pattern below must be found, or generation
//! fails (a progenitor upgrade that changes its output is caught here, not by users).

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote};

/// Rewrites every `send()` in the generated `builder` module and re-exports `crate::Error`
/// in place of progenitor's. Returns how many `send()`s were rewritten.
pub fn rewrite(file: &mut syn::File) -> Result<usize, String> {
    let mut reexported = false;
    for item in &mut file.items {
        if let syn::Item::Use(item_use) = item {
            let tree = item_use.tree.to_token_stream().to_string();
            let public = matches!(item_use.vis, syn::Visibility::Public(_));
            if public && tree.starts_with("progenitor_client") && tree.contains("Error") {
                item_use.tree =
                    parse_quote!(progenitor_client::{ByteStream, ClientInfo, ResponseValue});
                reexported = true;
            }
        }
    }
    if !reexported {
        return Err("no `pub use progenitor_client::{.., Error, ..}` to replace".into());
    }
    file.items.insert(
        0,
        parse_quote! {
            /// The error of every operation: names the operation, keeps status and body.
            pub use crate::Error;
        },
    );

    add_runtime_field(file)?;

    let mut sends = 0;
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or("no `builder` module")?;
    for item in &mut builder.1 {
        let syn::Item::Impl(imp) = item else { continue };
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let operation = operation_id(&f.block).ok_or("a `send` without an `operation_id`")?;
            let mut rewriter = SendRewriter {
                operation,
                found: Default::default(),
            };
            rewriter.visit_block_mut(&mut f.block);
            let missing = rewriter.found.missing();
            if !missing.is_empty() {
                return Err(format!(
                    "`send` of {}: progenitor's output changed, not found: {}",
                    rewriter.operation,
                    missing.join(", ")
                ));
            }
            sends += 1;
        }
    }
    Ok(sends)
}

/// Gives the generated `Client` a `runtime: crate::runtime::Runtime` field (the settings its
/// calls read: the body limit), set to the default by progenitor's constructors and from
/// `HttpConfig` by the facade's.
fn add_runtime_field(file: &mut syn::File) -> Result<(), String> {
    let mut added = false;
    let mut constructed = false;
    for item in &mut file.items {
        match item {
            syn::Item::Struct(s) if s.ident == "Client" => {
                let syn::Fields::Named(fields) = &mut s.fields else {
                    return Err("`Client` has no named fields".into());
                };
                fields.named.push(syn::parse_quote! {
                    pub(crate) runtime: crate::runtime::Runtime
                });
                added = true;
            }
            syn::Item::Impl(imp)
                if imp.trait_.is_none()
                    && imp.self_ty.to_token_stream().to_string() == "Client" =>
            {
                for item in &mut imp.items {
                    let syn::ImplItem::Fn(f) = item else { continue };
                    if f.sig.ident != "new_with_client" {
                        continue;
                    }
                    let mut visitor = AddRuntimeInit(false);
                    visitor.visit_block_mut(&mut f.block);
                    constructed |= visitor.0;
                }
            }
            _ => {}
        }
    }
    match (added, constructed) {
        (true, true) => Ok(()),
        _ => Err("no `pub struct Client` and `Self { .. }` in `new_with_client`".into()),
    }
}

/// `Self { baseurl, client }` -> `Self { baseurl, client, runtime: Default::default() }`.
struct AddRuntimeInit(bool);

impl VisitMut for AddRuntimeInit {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        if expr.path.is_ident("Self") {
            expr.fields.push(syn::parse_quote! {
                runtime: ::std::default::Default::default()
            });
            self.0 = true;
        }
    }
}

/// The `operation_id: "..."` literal of `OperationInfo` in a `send` body.
fn operation_id(block: &syn::Block) -> Option<String> {
    let text = block.to_token_stream().to_string();
    let rest = text.split("operation_id : \"").nth(1)?;
    Some(rest.split('"').next()?.to_string())
}

#[derive(Default)]
struct Found {
    communication: bool,
    hooks: bool,
    unexpected: bool,
}

impl Found {
    fn missing(&self) -> Vec<&'static str> {
        [
            (self.communication, "`result?`"),
            (self.hooks, "`client.pre(..).await?`"),
            (self.unexpected, "`Error::UnexpectedResponse(response)`"),
        ]
        .into_iter()
        .filter(|(found, _)| !found)
        .map(|(_, what)| what)
        .collect()
    }
}

struct SendRewriter {
    operation: String,
    found: Found,
}

impl VisitMut for SendRewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let op = self.operation.clone();
        let op = &op;
        let text = expr.to_token_stream().to_string();
        let replacement: Option<Expr> = match text.as_str() {
            // `.map_err(Error::InvalidRequest)`: a parameter or body failed its conversion.
            // The message may quote a value given: never a credential of the client.
            "Error :: InvalidRequest" => Some(parse_quote! {
                |message| Error::invalid_request(#op, client.runtime.scrub(message))
            }),
            // Bodies are read through the client's runtime: bounded by its body limit.
            "ResponseValue :: from_response (response) . await" => Some(parse_quote! {
                crate::error::decode(&client.runtime, response, #op).await
            }),
            "Error :: UnexpectedResponse (response)" => {
                self.found.unexpected = true;
                Some(
                    parse_quote! { crate::error::unexpected(&client.runtime, response, #op).await },
                )
            }
            _ => None,
        };
        if let Some(replacement) = replacement {
            *expr = replacement;
            return;
        }
        match expr {
            // `Error::ErrorResponse(value)` -> with the operation.
            Expr::Call(call)
                if call.func.to_token_stream().to_string() == "Error :: ErrorResponse" =>
            {
                let mut arg = call.args.first().cloned().expect("one argument");
                self.visit_expr_mut(&mut arg);
                *expr = parse_quote! { Error::error_response(#op, #arg) };
            }
            // `x?` on reqwest's or a hook's error -> with the operation.
            Expr::Try(try_expr) => {
                let inner = try_expr.expr.to_token_stream().to_string();
                if inner == "result" || inner.ends_with(". build ()") {
                    self.found.communication |= inner == "result";
                    let inner = &try_expr.expr;
                    *expr = parse_quote! {
                        #inner.map_err(|source| Error::communication(#op, source))?
                    };
                } else if inner.starts_with("client . pre (")
                    || inner.starts_with("client . post (")
                {
                    self.found.hooks |= inner.starts_with("client . pre (");
                    let inner = &try_expr.expr;
                    *expr = parse_quote! { #inner.map_err(|e| Error::from_hook(#op, e))? };
                } else {
                    visit_mut::visit_expr_mut(self, expr);
                }
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }
}
