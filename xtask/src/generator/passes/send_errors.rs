//! Rewrites progenitor's generated `send()` methods to return `::crm_bindings_runtime::Error<E>`, whose every
//! variant names the operation and, when the server answered, keeps the status and body.
//! progenitor's own error names no operation and drops the status of a body that does not
//! decode, so users could not tell what failed where.
//!
//! The rewrite is token-level and narrow: each pattern below must be found, or generation
//! fails (a progenitor upgrade that changes its output is caught here, not by users).

//!
//! Why no setting does it: progenitor's `Error` is progenitor-client's own type, and
//! `with_pre_hook`/`with_post_hook` (or `ClientHooks`) see the request and the response, not
//! the result `send()` returns. `with_inner_type` could carry the runtime, but it makes
//! `Client::new` take it as an argument (a breaking change to every user's `new(base_url)`),
//! so the `runtime` field is added here instead.
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote};

/// Rewrites every `send()` in the generated `builder` module and re-exports `::crm_bindings_runtime::Error`
/// in place of progenitor's. Returns how many `send()`s were rewritten.
///
/// Each `send()` also goes through the client's runtime (`::crm_bindings_runtime::execute::execute`: the
/// user's hooks, retries) in place of progenitor's `exec`, and runs in a `tracing` span
/// named after the operation, with the method and path template of `routes`
/// (operationId -> (METHOD, path)).
pub fn rewrite(
    file: &mut syn::File,
    routes: &std::collections::BTreeMap<String, (String, String)>,
) -> Result<usize, String> {
    let mut reexported = false;
    for item in &mut file.items {
        if let syn::Item::Use(item_use) = item {
            let public = matches!(item_use.vis, syn::Visibility::Public(_));
            if public && reexports_error(&item_use.tree) {
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
            pub use ::crm_bindings_runtime::Error;
        },
    );
    // The runtime's public items, so that the API's crate alone is all its users need
    // (the facade `crm-bindings` re-exports the same items at its root).
    file.items.insert(
        1,
        parse_quote! {
            pub use ::crm_bindings_runtime::reexports::*;
        },
    );

    add_runtime_field(file)?;

    let mut sends = 0;
    let builder =
        crate::generator::code_model::module_mut(file, "builder").ok_or("no `builder` module")?;
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let mut inner = None;
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let operation =
                operation_id(&mut f.block).ok_or("a `send` without an `operation_id`")?;
            let (method, path) = routes
                .get(&operation)
                .ok_or_else(|| format!("no route for `{operation}` in the spec"))?;
            text_errors(&mut f.sig);
            let executed = execute_through_runtime(&mut f.block, &operation);
            drop_api_version(&mut f.block)
                .map_err(|e| format!("`send` of {operation}: progenitor's output changed: {e}"))?;
            let mut rewriter = SendRewriter {
                operation,
                found: Found {
                    communication: executed,
                    ..Default::default()
                },
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
            // `send` opens the span and runs progenitor's body, moved unchanged (and so
            // indented as progenitor wrote it) into a private `send_inner`.
            let mut send_inner = f.clone();
            send_inner.sig.ident = parse_quote!(send_inner);
            send_inner.vis = syn::Visibility::Inherited;
            send_inner.attrs.retain(|a| !a.path().is_ident("doc"));
            inner = Some(syn::ImplItem::Fn(send_inner));
            let op = &rewriter.operation;
            // The call's future is boxed: it holds every step of the call (several KB), and
            // a future that size is copied each time it moves (into `send`'s future, into a
            // task, into a `join`); a box is one allocation and then a pointer.
            f.block = parse_quote! {{
                let span = ::crm_bindings_runtime::call_span!(#op, #method, #path);
                ::crm_bindings_runtime::telemetry::in_call(span, ::std::boxed::Box::pin(self.send_inner())).await
            }};
            sends += 1;
        }
        imp.items.extend(inner);
    }
    Ok(sends)
}

/// Gives the generated `Client` a `runtime: ::crm_bindings_runtime::runtime::Runtime` field (the settings its
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
                    pub(crate) runtime: ::crm_bindings_runtime::runtime::Runtime
                });
                added = true;
            }
            syn::Item::Impl(imp)
                if imp.trait_.is_none()
                    && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
            {
                for item in &mut imp.items {
                    let syn::ImplItem::Fn(f) = item else { continue };
                    if f.sig.ident == "new" || f.sig.ident == "new_with_client" {
                        // Say in their rustdoc that they are the unprotected path.
                        f.attrs.retain(|a| !a.path().is_ident("doc"));
                        let doc = if f.sig.ident == "new" {
                            UNPROTECTED_NEW
                        } else {
                            UNPROTECTED_NEW_WITH_CLIENT
                        };
                        for line in doc.lines() {
                            // A blank doc line stays blank (no trailing space).
                            let line = if line.is_empty() {
                                String::new()
                            } else {
                                format!(" {line}")
                            };
                            f.attrs.push(syn::parse_quote!(#[doc = #line]));
                        }
                    }
                    if f.sig.ident == "new" {
                        // progenitor's `new` builds a `reqwest::Client`: with the `tls-ring`
                        // feature alone, rustls has no provider until this installs one.
                        f.block.stmts.insert(
                            0,
                            syn::parse_quote!(::crm_bindings_runtime::install_tls_provider();),
                        );
                        continue;
                    }
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

/// Replaces progenitor's
/// `let result = client.exec(request, &info).await; client.post(&result, &info).await?;
/// let response = result?;` with one call of the runtime, which runs the user's hooks and
/// retries and returns the last answer or an error with the attempts made.
fn execute_through_runtime(block: &mut syn::Block, operation: &str) -> bool {
    let position = block.stmts.iter().position(|stmt| {
        matches!(stmt, syn::Stmt::Local(local)
            if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "result")
                && local.init.as_ref().is_some_and(|init| is_method_on(&init.expr, "client", "exec")))
    });
    let Some(at) = position else { return false };
    let is_post = |stmt: &syn::Stmt| matches!(stmt, syn::Stmt::Expr(Expr::Try(t), _) if is_method_on(&t.expr, "client", "post"));
    let is_response = |stmt: &syn::Stmt| {
        matches!(stmt, syn::Stmt::Local(local)
            if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "response"))
    };
    if !(block.stmts.get(at + 1).is_some_and(is_post)
        && block.stmts.get(at + 2).is_some_and(is_response))
    {
        return false;
    }
    block.stmts.splice(
        at..at + 3,
        [parse_quote! {
            let response =
                ::crm_bindings_runtime::execute::execute(&client.client, &client.runtime, request, #operation)
                    .await?;
        }],
    );
    true
}

/// Removes the `api-version` header progenitor adds to every request (none of these APIs
/// documents one): the `header_map.append(..)` that adds it and, when that was the map's
/// only header, the map and its `.headers(header_map)`. Building the map and then removing
/// the header again cost every call a map and two header lookups.
fn drop_api_version(block: &mut syn::Block) -> Result<(), String> {
    let mentions = |stmt: &syn::Stmt, text: &str| {
        quote::quote!(#stmt)
            .to_string()
            .replace(' ', "")
            .contains(text)
    };
    let before = block.stmts.len();
    block.stmts.retain(|stmt| {
        !(mentions(stmt, "header_map.append(") && mentions(stmt, "\"api-version\""))
    });
    if block.stmts.len() != before - 1 {
        return Err("not one `header_map.append(\"api-version\", ..)`".into());
    }
    if block
        .stmts
        .iter()
        .any(|stmt| mentions(stmt, "header_map.append("))
    {
        return Ok(()); // the operation's own header parameters: the map stays
    }
    let before = block.stmts.len();
    block.stmts.retain(|stmt| {
        !matches!(stmt, syn::Stmt::Local(local)
            if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "header_map"))
    });
    if block.stmts.len() != before - 1 {
        return Err("no `let mut header_map`".into());
    }
    let mut unchained = HeadersCall { removed: 0 };
    unchained.visit_block_mut(block);
    match unchained.removed {
        1 => Ok(()),
        n => Err(format!("{n} `.headers(header_map)` calls, not one")),
    }
}

/// Replaces `<request>.headers(header_map)` with `<request>`.
struct HeadersCall {
    removed: usize,
}

impl VisitMut for HeadersCall {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && matches!(&call.args[0], Expr::Path(p) if p.path.is_ident("header_map"))
        {
            *expr = (*call.receiver).clone();
            self.removed += 1;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// The rustdoc of progenitor's constructors: what they keep and what they leave out.
const UNPROTECTED_NEW: &str = "\
A client for `baseurl` on progenitor's default `reqwest::Client` (15 s to connect and 15 s
per request): **the unprotected path**. It sends no credentials and applies none of
[`::crm_bindings_runtime::HttpConfig`] (no same-host redirect policy, no `User-Agent`, no refusal of plain
`http`, no request hooks); it keeps the 32 MiB body limit and the default retry policy,
runs each call in its `tracing` span, and sends no `api-version` header. Prefer the
module's `with_*` constructors.

# Panics

When reqwest cannot build the client, i.e. its TLS setup fails (a crypto provider is
always there: [`::crm_bindings_runtime::install_tls_provider`]). The `with_*` constructors return that
failure as [`::crm_bindings_runtime::ConfigError::Transport`] instead.";

const UNPROTECTED_NEW_WITH_CLIENT: &str = "\
A client for `baseurl` on your own `reqwest::Client`: **the unprotected path**. Whatever
that client does is what is sent: none of [`::crm_bindings_runtime::HttpConfig`] is applied (no same-host
redirect policy, no `User-Agent`, no refusal of plain `http`), and credentials are only
those you put in its default headers (mark them sensitive yourself); no request hooks
run. It keeps the 32 MiB body limit and the default retry policy (each
retry bounded by the deadline, your client's timeout otherwise), runs each call in its
`tracing` span, and sends no `api-version` header. Prefer the module's
`with_*` constructors.";

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

/// The `operation_id: "..."` literal of the `OperationInfo { .. }` in a `send` body.
fn operation_id(block: &mut syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl VisitMut for Find {
        fn visit_expr_struct_mut(&mut self, s: &mut syn::ExprStruct) {
            if s.path.is_ident("OperationInfo") {
                for field in &s.fields {
                    let is_id =
                        matches!(&field.member, syn::Member::Named(n) if n == "operation_id");
                    if let (
                        true,
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(l),
                            ..
                        }),
                    ) = (is_id, &field.expr)
                    {
                        self.0 = Some(l.value());
                    }
                }
            }
            visit_mut::visit_expr_struct_mut(self, s);
        }
    }
    let mut find = Find(None);
    find.visit_block_mut(block);
    find.0
}

#[derive(Default)]
struct Found {
    communication: bool,
    hooks: bool,
    unexpected: bool,
    /// An `Error::ErrorResponse(..)` of another shape: generation fails.
    other_error_response: bool,
}

impl Found {
    fn missing(&self) -> Vec<&'static str> {
        [
            (
                self.communication,
                "`let result = client.exec(..).await; client.post(..)?; let response = result?;`",
            ),
            (self.hooks, "`client.pre(..).await?`"),
            (self.unexpected, "`Error::UnexpectedResponse(response)`"),
        ]
        .into_iter()
        .chain([(
            !self.other_error_response,
            "`Error::ErrorResponse(ResponseValue::from_response(response).await?)`",
        )])
        .filter(|(found, _)| !found)
        .map(|(_, what)| what)
        .collect()
    }
}

struct SendRewriter {
    operation: String,
    found: Found,
}

/// `pub use progenitor_client::{.., Error, ..};`
fn reexports_error(tree: &syn::UseTree) -> bool {
    let syn::UseTree::Path(path) = tree else {
        return false;
    };
    if path.ident != "progenitor_client" {
        return false;
    }
    match &*path.tree {
        syn::UseTree::Group(group) => group
            .items
            .iter()
            .any(|item| matches!(item, syn::UseTree::Name(n) if n.ident == "Error")),
        syn::UseTree::Name(n) => n.ident == "Error",
        _ => false,
    }
}

/// `expr` is the path `a::b::..` exactly.
fn is_path(expr: &Expr, segments: &[&str]) -> bool {
    match expr {
        Expr::Path(p) => {
            p.qself.is_none()
                && p.path.segments.len() == segments.len()
                && p.path.segments.iter().zip(segments).all(|(s, want)| {
                    s.ident == want && matches!(s.arguments, syn::PathArguments::None)
                })
        }
        _ => false,
    }
}

/// `expr` is `func(arg)` with `func` the path `segments` and one argument, the path `arg`.
fn is_call(expr: &Expr, segments: &[&str], arg: &str) -> bool {
    matches!(expr, Expr::Call(call)
        if is_path(&call.func, segments)
            && call.args.len() == 1
            && is_path(&call.args[0], &[arg]))
}

/// `expr` is `receiver.method(..)` (possibly followed by `.await`) with `receiver` the path
/// `receiver`.
fn is_method_on(expr: &Expr, receiver: &str, method: &str) -> bool {
    let expr = match expr {
        Expr::Await(a) => &*a.base,
        other => other,
    };
    matches!(expr, Expr::MethodCall(m) if m.method == method && is_path(&m.receiver, &[receiver]))
}

/// `-> Result<ResponseValue<T>, Error<ByteStream>>` -> `Error<String>`: a documented error
/// body of a media type other than JSON is read as text (`::crm_bindings_runtime::error::text_error_response`),
/// which `Display`s and is bounded like every body the client reads.
fn text_errors(sig: &mut syn::Signature) {
    struct Retype;
    impl VisitMut for Retype {
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            if segment.ident == "Error"
                && let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments
            {
                for arg in &mut args.args {
                    if matches!(arg, syn::GenericArgument::Type(syn::Type::Path(p))
                        if p.path.is_ident("ByteStream"))
                    {
                        *arg = parse_quote!(::std::string::String);
                    }
                }
            }
            visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    Retype.visit_signature_mut(sig);
}

/// `response.status().as_u16()`, what progenitor matches the documented statuses against.
fn is_status_match(expr: &Expr) -> bool {
    matches!(expr, Expr::MethodCall(as_u16) if as_u16.method == "as_u16"
        && matches!(&*as_u16.receiver, Expr::MethodCall(status) if status.method == "status"
            && is_path(&status.receiver, &["response"])))
}

/// `expr` ends with the method call `.method()` (`... .build()`).
fn ends_with_call(expr: &Expr, method: &str) -> bool {
    matches!(expr, Expr::MethodCall(m) if m.method == method && m.args.is_empty())
}

impl VisitMut for SendRewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let op = self.operation.clone();
        let op = &op;
        let replacement: Option<Expr> = if is_path(expr, &["Error", "InvalidRequest"]) {
            // `.map_err(Error::InvalidRequest)`: a parameter or body failed its conversion.
            // The message may quote a value given: never a credential of the client.
            Some(parse_quote! {
                |message| Error::invalid_request(#op, client.runtime.scrub(message))
            })
        } else if matches!(expr, Expr::Await(a)
            if is_call(&a.base, &["ResponseValue", "from_response"], "response"))
        {
            // Bodies are read through the client's runtime: bounded by its body limit.
            Some(parse_quote! {
                ::crm_bindings_runtime::error::decode(&client.runtime, response, #op).await
            })
        } else if is_call(expr, &["Error", "UnexpectedResponse"], "response") {
            self.found.unexpected = true;
            Some(
                parse_quote! { ::crm_bindings_runtime::error::unexpected(&client.runtime, response, #op).await },
            )
        } else {
            None
        };
        if let Some(replacement) = replacement {
            *expr = replacement;
            return;
        }
        match expr {
            // `Error::ErrorResponse(ResponseValue::from_response(response).await?)` -> the
            // typed body with the attempts and the request id.
            Expr::Call(call)
                if is_path(&call.func, &["Error", "ErrorResponse"])
                    && call.args.len() == 1
                    && matches!(&call.args[0], Expr::Try(t) if matches!(&*t.expr,
                        Expr::Await(a) if is_call(&a.base, &["ResponseValue", "from_response"], "response"))) =>
            {
                *expr = parse_quote! {
                    ::crm_bindings_runtime::error::error_response(
                        &client.runtime,
                        response,
                        #op,
                        super::rules::ERROR_REQUEST_ID_FIELD,
                    )
                    .await
                };
            }
            // A documented error without a body, or with bytes of another media type.
            Expr::Call(call)
                if is_path(&call.func, &["Error", "ErrorResponse"])
                    && call.args.len() == 1
                    && is_call(&call.args[0], &["ResponseValue", "empty"], "response") =>
            {
                *expr = parse_quote! {
                    ::crm_bindings_runtime::error::empty_error_response(&client.runtime, response, #op)
                };
            }
            Expr::Call(call)
                if is_path(&call.func, &["Error", "ErrorResponse"])
                    && call.args.len() == 1
                    && is_call(&call.args[0], &["ResponseValue", "stream"], "response") =>
            {
                // Read as text (bounded): the send() of such an operation returns
                // `Error<String>` (`text_errors` below).
                *expr = parse_quote! {
                    ::crm_bindings_runtime::error::text_error_response(&client.runtime, response, #op).await
                };
            }
            Expr::Call(call) if is_path(&call.func, &["Error", "ErrorResponse"]) => {
                self.found.other_error_response = true;
            }
            // The statuses an answer is matched against: exact codes before ranges (progenitor
            // orders `4XX` before `404`, and the code's arm would never be reached).
            Expr::Match(m) if is_status_match(&m.expr) => {
                m.arms.sort_by_key(|arm| match &arm.pat {
                    syn::Pat::Lit(_) => 0,
                    syn::Pat::Range(_) => 1,
                    _ => 2,
                });
                visit_mut::visit_expr_mut(self, expr);
            }
            // `header_map.append("Name", value.to_string().try_into()?)`: a header parameter
            // that cannot be a header value is refused, naming it.
            Expr::MethodCall(call)
                if call.method == "append"
                    && is_path(&call.receiver, &["header_map"])
                    && call.args.len() == 2
                    && matches!(&call.args[1], Expr::Try(t)
                        if matches!(&*t.expr, Expr::MethodCall(m) if m.method == "try_into")) =>
            {
                let name = call.args[0].clone();
                let Expr::Try(t) = &call.args[1] else {
                    unreachable!("matched above")
                };
                let value = t.expr.clone();
                call.args[1] = parse_quote! {
                    #value.map_err(|_| Error::invalid_request(
                        #op,
                        format!("the `{}` header must be visible ASCII text", #name),
                    ))?
                };
            }
            // A form body that cannot be written as a form (a nested object) is refused.
            Expr::Try(try_expr) if matches!(&*try_expr.expr, Expr::MethodCall(m) if m.method == "form_urlencoded") =>
            {
                let inner = &*try_expr.expr;
                *expr = parse_quote! {
                    #inner.map_err(|e: progenitor_client::Error<()>| {
                        Error::invalid_request(#op, client.runtime.scrub(e.to_string()))
                    })?
                };
            }
            // `x?` on reqwest's or a hook's error -> with the operation. (A `result?` is
            // left only when `execute_through_runtime` did not match, which fails the
            // rewrite: the call would skip the runtime.)
            Expr::Try(try_expr) => {
                // What the request is built from is rewritten first (a form body's `?`).
                let mut inner = (*try_expr.expr).clone();
                if ends_with_call(&inner, "build") {
                    visit_mut::visit_expr_mut(self, &mut inner);
                }
                let inner = &inner;
                if is_path(inner, &["result"]) || ends_with_call(inner, "build") {
                    *expr = parse_quote! {
                        #inner.map_err(|source| Error::communication(#op, source))?
                    };
                } else if is_method_on(inner, "client", "pre")
                    || is_method_on(inner, "client", "post")
                {
                    self.found.hooks |= is_method_on(inner, "client", "pre");
                    *expr = parse_quote! { #inner.map_err(|e| Error::from_hook(#op, e))? };
                } else {
                    visit_mut::visit_expr_mut(self, expr);
                }
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `send()` of the shape progenitor 0.15.1 emits, with `exec` replaced by `edit`,
    /// beside items the rewrite must leave alone (`Other`, another `pub use`).
    fn client_file(exec: &str) -> syn::File {
        client_file_with(exec, "let response = result?;", "401u16 => todo!(),")
    }

    /// The same, with `response` (progenitor's `let response = result?;`) replaced, and
    /// `arm` among the status arms.
    fn client_file_with(exec: &str, response: &str, arm: &str) -> syn::File {
        let exec: syn::Expr = syn::parse_str(exec).unwrap();
        let response: syn::Stmt = syn::parse_str(response).unwrap();
        let arm: syn::Arm = syn::parse_str(arm).unwrap();
        parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            pub use self::builder::GetThing;
            pub struct Client { pub(crate) baseurl: String, pub(crate) client: reqwest::Client }
            impl Client {
                pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self {
                    Self { baseurl: baseurl.to_string(), client }
                }
            }
            pub struct Other { pub a: u8 }
            impl Other {
                pub fn new() -> Self {
                    Self { a: 1 }
                }
            }
            pub mod builder {
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let Self { client } = self;
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                        );
                        let mut request = client.client.get(url).headers(header_map).build()?;
                        let info = OperationInfo { operation_id: "get_thing" };
                        client.pre(&mut request, &info).await?;
                        let result = #exec;
                        client.post(&result, &info).await?;
                        #response
                        match response.status().as_u16() {
                            200u16 => Ok(ResponseValue::empty(response)),
                            #arm
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        }
    }

    fn routes() -> std::collections::BTreeMap<String, (String, String)> {
        [(
            "get_thing".to_string(),
            ("GET".to_string(), "/thing".to_string()),
        )]
        .into()
    }

    #[test]
    fn progenitors_shape_is_rewritten() {
        let mut file = client_file("client.exec(request, &info).await");
        assert_eq!(rewrite(&mut file, &routes()), Ok(1));
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains(":: crm_bindings_runtime :: execute :: execute"),
            "{text}"
        );
        assert!(
            text.contains("call_span ! (\"get_thing\" , \"GET\" , \"/thing\")"),
            "{text}"
        );
        // `send` runs the body, kept as progenitor wrote it, in a private `send_inner`.
        assert!(
            text.contains(
                "in_call (span , :: std :: boxed :: Box :: pin (self . send_inner ())) . await"
            ),
            "{text}"
        );
        assert!(text.contains("} async fn send_inner (self)"), "{text}");
        // progenitor's `api-version` header is not built at all.
        assert!(!text.contains("header_map"), "{text}");
        assert!(!text.contains("\"api-version\""), "{text}");
        // The runtime goes into `Client` and its constructors only.
        assert!(
            text.contains("pub (crate) runtime : :: crm_bindings_runtime :: runtime :: Runtime"),
            "{text}"
        );
        assert!(text.contains("pub struct Other { pub a : u8 }"), "{text}");
        assert!(
            text.contains("impl Other { pub fn new () -> Self { Self { a : 1 } } }"),
            "{text}"
        );
        assert!(
            text.contains("pub use self :: builder :: GetThing ;"),
            "{text}"
        );
    }

    #[test]
    fn the_error_reexport_is_found_in_either_form() {
        let tree = |text: &str| -> syn::UseTree { syn::parse_str(text).unwrap() };
        assert!(reexports_error(&tree("progenitor_client::Error")));
        assert!(reexports_error(&tree(
            "progenitor_client::{ByteStream, Error}"
        )));
        assert!(!reexports_error(&tree("progenitor_client::{ByteStream}")));
        assert!(!reexports_error(&tree("progenitor_client::ByteStream")));
        assert!(!reexports_error(&tree("other::Error")));
    }

    /// A documented error status decodes the API's error body through the runtime; an
    /// `Error::ErrorResponse` of any other shape fails generation.
    #[test]
    fn only_progenitors_error_response_shape_is_rewritten() {
        let exec = "client.exec(request, &info).await";
        let response = "let response = result?;";
        let documented =
            "400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),";
        let mut file = client_file_with(exec, response, documented);
        assert_eq!(rewrite(&mut file, &routes()), Ok(1));
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains(":: crm_bindings_runtime :: error :: error_response ("),
            "{text}"
        );
        // A documented error without a body, or with text: their own readers.
        for (arm, reader) in [
            (
                "400u16 => Err(Error::ErrorResponse(ResponseValue::empty(response))),",
                ":: crm_bindings_runtime :: error :: empty_error_response (",
            ),
            (
                "400u16 => Err(Error::ErrorResponse(ResponseValue::stream(response))),",
                ":: crm_bindings_runtime :: error :: text_error_response (",
            ),
        ] {
            let mut file = client_file_with(exec, response, arm);
            assert_eq!(rewrite(&mut file, &routes()), Ok(1), "{arm}");
            let text = quote::quote!(#file).to_string();
            assert!(text.contains(reader), "{arm}: {text}");
        }
        for other in [
            "400u16 => Err(Error::ErrorResponse(ResponseValue::empty(other))),",
            "400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(other).await?)),",
            "400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await)),",
        ] {
            let mut file = client_file_with(exec, response, other);
            let error = rewrite(&mut file, &routes()).unwrap_err();
            assert!(error.contains("Error::ErrorResponse"), "{other}: {error}");
        }
    }

    /// Without progenitor's `let response = result?;` after the hooks, generation fails.
    #[test]
    fn a_missing_response_binding_fails_generation() {
        let mut file = client_file_with(
            "client.exec(request, &info).await",
            "let answer = result?;",
            "401u16 => todo!(),",
        );
        let error = rewrite(&mut file, &routes()).unwrap_err();
        assert!(error.contains("progenitor's output changed"), "{error}");
    }

    /// An operation with header parameters of its own keeps its map, less `api-version`.
    #[test]
    fn header_parameters_keep_their_map() {
        let mut block: syn::Block = parse_quote! {{
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            header_map.append("x-tenant", value.to_string().try_into()?);
            let request = client.client.get(url).headers(header_map).build()?;
        }};
        assert_eq!(drop_api_version(&mut block), Ok(()));
        let text = quote::quote!(#block).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("header_map . append (\"x-tenant\""), "{text}");
        assert!(text.contains(". headers (header_map)"), "{text}");
    }

    /// Without the `api-version` header to remove, progenitor changed: generation fails.
    #[test]
    fn no_api_version_header_fails_generation() {
        let mut block: syn::Block = parse_quote! {{
            let request = client.client.get(url).build()?;
        }};
        let error = drop_api_version(&mut block).unwrap_err();
        assert!(error.contains("api-version"), "{error}");
    }

    /// If progenitor's output changes shape, generation fails and says what is missing,
    /// instead of emitting a client that skips the runtime.
    #[test]
    fn another_shape_fails_generation() {
        let mut file = client_file("client.execute_somehow(request).await");
        let error = rewrite(&mut file, &routes()).unwrap_err();
        assert!(
            error.contains("`send` of get_thing: progenitor's output changed"),
            "{error}"
        );
        assert!(error.contains("client.exec(..).await"), "{error}");
    }
}
