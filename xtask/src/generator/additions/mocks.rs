//! The `mock` module of a generated client (behind the API crate's `mock` feature): typed
//! wiremock mocks of every operation, the spec's examples as typed values and the
//! operations' facts (`OPERATIONS`) the mocks are built from. Apart from it, the suites'
//! fixtures of the API (`tests/suite/generated/<api>.rs`: a call of every operation with the
//! examples, a refusal per constraint, an undocumented value per enum), which no published
//! crate carries. All from the spec, so a new spec is covered by construction.
//!
//! Why not progenitor's own mocks: its `httpmock` generator targets the httpmock crate and
//! knows nothing of the spec's examples; users' tests here run on tokio with wiremock.

use crate::generator::read::spec::{
    builder_name, operations, parameters, ref_name, snake_case, type_name,
};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

/// Everything the generated mock code needs about one operation.
struct Op {
    index: usize,
    /// The credentials its example calls are made with.
    scheme: crate::generator::additions::auth::Scheme,
    /// The client's method name (`list_widgets` for `listWidgets`), which errors and spans
    /// name too.
    id: String,
    /// The spec's `operationId`.
    spec_id: String,
    method: String,
    path: String,
    params: Vec<Param>,
    body: Option<Body>,
    /// The first documented success: its status, body and example.
    success: Option<(u16, Answer, Option<Value>)>,
    /// Documented error statuses as ranges, their body, and an example.
    errors: Vec<(u16, u16)>,
    error: Answer,
    error_example: Option<Value>,
}

/// A request body: its type (as progenitor's builder takes it), the spec's example, and
/// whether it is sent as a form.
struct Body {
    ty: TokenStream,
    example: Option<Value>,
    form: bool,
}

/// An answer's body as the client reads it: none, bytes of a media type, or JSON of a type.
#[derive(Clone)]
enum Answer {
    Empty,
    Bytes(String),
    Json(TokenStream),
}

struct Param {
    name: String,
    ident: syn::Ident,
    in_path: bool,
    rust: TokenStream,
    example: Option<Value>,
}

/// The `mock` module of one API, and the test suites' fixtures of it.
pub fn mock_module(
    api: &str,
    spec: &Value,
    text: &str,
    builders: &[crate::generator::code_model::Builder],
) -> Result<(TokenStream, TokenStream), String> {
    let schemes = crate::generator::additions::auth::schemes(spec, text)?;
    let mut ops = Vec::new();
    for (index, (path, method, op)) in operations(spec).into_iter().enumerate() {
        let spec_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or("an operation without operationId")?
            .to_string();
        let id = snake_case(&spec_id);
        let builder = builders
            .iter()
            .find(|b| b.name == builder_name(&spec_id))
            .ok_or_else(|| format!("no builder for {spec_id}"))?;
        let mut params = Vec::new();
        for (param, _) in parameters(spec, path, method) {
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let ident = snake_case(name);
            let rust = builder
                .params
                .iter()
                .find(|(f, _)| *f == ident)
                .map(|(_, t)| t.to_token_stream())
                .ok_or_else(|| format!("{spec_id}: no builder field `{ident}`"))?;
            let example = param
                .get("example")
                .or_else(|| param.pointer("/schema/example"))
                .cloned();
            params.push(Param {
                name: name.to_string(),
                ident: format_ident!("{ident}"),
                in_path: param.get("in").and_then(Value::as_str) == Some("path"),
                rust,
                example,
            });
        }
        let body = builder.body.as_ref().map(|ty| {
            let content = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().next());
            let form = content
                .is_some_and(|(media, _)| media.starts_with("application/x-www-form-urlencoded"));
            let example = content.and_then(|(_, media)| {
                media
                    .get("example")
                    .or_else(|| media.get("schema").and_then(|s| schema_example(spec, s)))
                    .cloned()
            });
            Body {
                ty: ty.to_token_stream(),
                example,
                form,
            }
        });
        // JSON is decoded into the builder's type; another media type is bytes (an answer)
        // or text (an error's body).
        let answer = |kind: crate::generator::code_model::Kind,
                      ty: &syn::Type,
                      media: Option<&str>| match (kind, media) {
            (crate::generator::code_model::Kind::Empty, _) | (_, None) => Answer::Empty,
            (_, Some(media)) if !media.starts_with("application/json") => {
                Answer::Bytes(media.to_string())
            }
            _ => Answer::Json(ty.to_token_stream()),
        };
        let mut success = None;
        let mut errors = Vec::new();
        let mut error_example = None;
        let mut error_media = None;
        for (status, response) in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let content = response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| {
                    c.iter()
                        .find(|(m, _)| m.starts_with("application/json"))
                        .or_else(|| c.iter().next())
                });
            let media = content.map(|(m, _)| m.clone());
            let example = content.and_then(|(_, m)| {
                m.get("example")
                    .or_else(|| m.get("schema").and_then(|s| schema_example(spec, s)))
                    .cloned()
            });
            let (from, to) = match status.parse::<u16>() {
                Ok(code) => (code, code),
                Err(_) => {
                    let hundred = status[..1].parse::<u16>().unwrap_or(5) * 100;
                    (hundred, hundred + 99)
                }
            };
            if (200..300).contains(&from) {
                if success.is_none() {
                    let kind = answer(builder.success_kind(), &builder.success, media.as_deref());
                    success = Some((from, kind, example));
                }
            } else if from >= 400 {
                errors.push((from, to));
                if media.is_some() {
                    error_media = error_media.or(media);
                    error_example = error_example.or(example);
                }
            }
        }
        let error = answer(builder.error_kind(), &builder.error, error_media.as_deref());
        ops.push(Op {
            index,
            // One client for every operation, as users build it: the API's first
            // constructor (an operation that needs no credentials is sent them too).
            scheme: schemes
                .first()
                .cloned()
                .unwrap_or(crate::generator::additions::auth::Scheme::None),
            id,
            spec_id,
            method: method.to_uppercase(),
            path: path.to_string(),
            params,
            body,
            success,
            errors,
            error,
            error_example,
        });
    }

    let facts = ops.iter().map(|op| {
        let (id, spec_id, method, path) = (&op.id, &op.spec_id, &op.method, &op.path);
        let mut statuses: Vec<TokenStream> = Vec::new();
        if let Some((code, answer, _)) = &op.success {
            let body = !matches!(answer, Answer::Empty);
            statuses.push(
                quote!(::crm_bindings_runtime::mock::Status::Success { code: #code, body: #body }),
            );
        }
        for (from, to) in &op.errors {
            statuses
                .push(quote!(::crm_bindings_runtime::mock::Status::Error { from: #from, to: #to }));
        }
        let some_text = |v: Option<String>| match v {
            Some(text) => quote!(::std::option::Option::Some(#text)),
            None => quote!(::std::option::Option::None),
        };
        let json = |v: Option<&Value>| some_text(v.map(Value::to_string));
        let request = json(op.body.as_ref().and_then(|b| b.example.as_ref()));
        let request_media = some_text(op.body.as_ref().map(|b| {
            if b.form {
                "application/x-www-form-urlencoded".to_string()
            } else {
                "application/json".to_string()
            }
        }));
        let success = json(op.success.as_ref().and_then(|(_, _, e)| e.as_ref()));
        let success_media = some_text(op.success.as_ref().and_then(|(_, a, _)| a.media()));
        let error = json(op.error_example.as_ref());
        let error_media = some_text(op.error.media());
        let auth = op.scheme.facts();
        quote! {
            ::crm_bindings_runtime::mock::Operation {
                id: #id,
                operation_id: #spec_id,
                method: #method,
                path: #path,
                statuses: &[#(#statuses),*],
                auth: #auth,
                request_example: #request,
                request_media: #request_media,
                success_example: #success,
                success_media: #success_media,
                error_example: #error,
                error_media: #error_media,
            }
        }
    });
    let types_path: syn::Path = syn::parse_quote!(crate::generated::types);
    let builders_tokens = ops.iter().map(mock_builder);
    let examples = ops.iter().map(example_fns);
    let mounts = ops.iter().filter_map(|op| {
        let f = format_ident!("{}", op.id);
        match &op.success {
            Some((_, Answer::Empty, _)) => Some(quote!(#f().respond().mount(server).await;)),
            Some((_, _, Some(_))) => Some(quote!(#f().respond_example().mount(server).await;)),
            // No example to answer with: the JSON answer is left to the test.
            _ => None,
        }
    });
    let doc = format!(
        "Typed [wiremock](https://docs.rs/wiremock) mocks of this API, generated from \
         `specs/{api}.yaml` (the `mock` feature): one function per operation returns a mock \
         named after the operation that matches the operation's method and path (under any \
         base-URL prefix), optionally its parameters and body, and answers with a typed \
         value, the spec's example or a documented error. [`examples`](mock::examples) holds \
         the spec's examples as typed values; [`OPERATIONS`](mock::OPERATIONS) the \
         operations' facts; [`explain_unmatched`](mock::explain_unmatched) answers a request \
         no mock matched with a text naming its operation.{}",
        mock_doc_example(api, &ops)
    );
    let module = quote! {
        #[doc = #doc]
        #[cfg(feature = "mock")]
        pub mod mock {
            #[allow(unused_imports)]
            use #types_path;
            /// What an operation's facts are made of, and `uncalled`: the operations a test's
            /// requests never reached.
            pub use ::crm_bindings_runtime::mock::{Auth, Operation, Status, uncalled};
            /// Every operation, as the spec describes it, sorted by path.
            pub const OPERATIONS: &[Operation] = &[#(#facts),*];
            /// Answers every operation (any parameters and body) with the spec's example of
            /// its first documented success.
            pub async fn mount_examples(server: &::wiremock::MockServer) {
                let _ = server;
                #(#mounts)*
            }
            /// Answers, below every other mock, a request to an operation's method and
            /// path that no mock matched: `501` with a text naming the operation and showing
            /// what was sent, so the client's error says which mock did not match (instead
            /// of wiremock's bare `404`). Mount it once per server.
            pub async fn explain_unmatched(server: &::wiremock::MockServer) {
                ::crm_bindings_runtime::mock::explain_unmatched(server, OPERATIONS).await;
            }
            #(#builders_tokens)*
            /// The spec's examples as typed values: parameters (`<operation>_<parameter>`),
            /// request bodies (`<operation>_request`), answers (`<operation>_response`) and
            /// documented errors (`<operation>_error`).
            pub mod examples {
                #[allow(unused_imports)]
                use #types_path;
                #(#examples)*
            }
        }
    };
    let fixtures = fixtures(api, spec, &ops, &schemes)?;
    Ok((module, fixtures))
}

/// The test suites' fixtures of one API (`tests/suite/generated/<api>.rs`): a call of every
/// operation made from the spec's examples, a value each constraint forbids, an
/// undocumented value of every enum, the `Debug` of a client. None of it is in what users
/// build.
fn fixtures(
    api: &str,
    spec: &Value,
    ops: &[Op],
    schemes: &[crate::generator::additions::auth::Scheme],
) -> Result<TokenStream, String> {
    let calls = ops.iter().map(example_call);
    let refusals = ops
        .iter()
        .map(|op| refusals(op, spec))
        .collect::<Result<Vec<_>, String>>()?
        .into_iter()
        .flatten();
    let probes = enum_probes(spec);
    // The API's first scheme, as its first constructor.
    let scheme = schemes
        .first()
        .cloned()
        .unwrap_or(crate::generator::additions::auth::Scheme::None);
    let (with_config, plain) = (scheme.call(true), scheme.call(false));
    // A spec file's name need not be an identifier (`surface some-file.yaml`).
    let module = api.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let crate_path: syn::Path =
        syn::parse_str(&format!("crm_bindings::{module}")).map_err(|e| e.to_string())?;
    Ok(quote! {
        #![allow(unused_imports)]
        use #crate_path::mock::{OPERATIONS, examples};
        use #crate_path::{Client, types};
        /// Calls every operation with the spec's examples.
        pub fn example_calls() -> ::std::vec::Vec<crate::support::harness::ExampleCall> {
            ::std::vec::Vec::from([#(#calls),*])
        }
        /// A value each constraint of the spec forbids, for every parameter and request
        /// field that has one.
        pub fn refusals() -> ::std::vec::Vec<crate::support::harness::Refusal> {
            ::std::vec::Vec::from([#(#refusals),*])
        }
        /// An undocumented value of every enum.
        pub fn enum_probes() -> ::std::vec::Vec<crate::support::harness::EnumProbe> {
            ::std::vec::Vec::from([#(#probes),*])
        }
        /// `Debug` of a client with the test credentials (`None`: the plain constructor).
        pub fn client_debug(
            base: &str,
            config: ::std::option::Option<&crm_bindings::HttpConfig>,
            credentials: &crate::support::harness::Credentials,
        ) -> ::std::result::Result<::std::string::String, crm_bindings::ConfigError> {
            let _ = credentials;
            let client = match config {
                ::std::option::Option::Some(config) => #with_config,
                ::std::option::Option::None => #plain,
            };
            client.map(|c| format!("{c:?}"))
        }
        /// Everything above.
        pub fn api() -> crate::support::harness::Api {
            crate::support::harness::Api {
                name: #api,
                calls: example_calls(),
                refusals: refusals(),
                enum_probes: enum_probes(),
                client_debug,
            }
        }
    })
}

impl Answer {
    /// The media type it is served as, if it has a body.
    fn media(&self) -> Option<String> {
        match self {
            Answer::Empty => None,
            Answer::Bytes(media) => Some(media.clone()),
            Answer::Json(_) => Some("application/json".to_string()),
        }
    }
}

/// The typed mock builder of one operation.
fn mock_builder(op: &Op) -> TokenStream {
    let f = format_ident!("{}", op.id);
    let ty = format_ident!("{}", builder_name(&op.id));
    let index = op.index;
    let (id, method, path) = (&op.id, &op.method, &op.path);
    let doc = format!(
        "A mock of `{id}` (`{method} {path}`), matching any parameters and body until told otherwise."
    );
    let setters = op.params.iter().map(|p| {
        let (ident, name, rust) = (&p.ident, &p.name, &p.rust);
        let doc = format!("Matches requests whose `{name}` is `value`.");
        let expect = format!("mock `{id}`: `{name}` is not a valid value");
        let matcher = if p.in_path {
            // `to_string` as progenitor writes paths (newtypes through `Deref<Target = String>`).
            quote!(self.0.path_param(#name, &value.to_string()))
        } else {
            quote!(self.0.query_param(#name, &value))
        };
        quote! {
            #[doc = #doc]
            pub fn #ident<V>(self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#rust>,
                V::Error: ::std::fmt::Debug,
            {
                let value: #rust = value.try_into().expect(#expect);
                Self(#matcher)
            }
        }
    });
    let body = op.body.as_ref().map(|body| {
        let body_ty = &body.ty;
        let how = if body.form { "form" } else { "JSON" };
        let exact = format!(" Matches requests whose {how} body is exactly `body`.");
        let partial = format!(
            " Matches requests whose {how} body contains the fields of `json` (other fields may be there)."
        );
        let form = body.form;
        quote! {
            #[doc = #exact]
            pub fn body(self, body: &#body_ty) -> Self {
                Self(self.0.body(body, false, #form))
            }
            #[doc = #partial]
            pub fn body_partial(self, json: ::serde_json::Value) -> Self {
                Self(self.0.body(&json, true, #form))
            }
        }
    });
    let respond = match &op.success {
        Some((code, Answer::Json(body_ty), example)) => {
            let example_fn = format_ident!("{}_response", op.id);
            let with_example = example.as_ref().map(|_| {
                quote! {
                    /// Answers with the spec's example.
                    pub fn respond_example(self) -> ::wiremock::Mock {
                        self.respond(&examples::#example_fn())
                    }
                }
            });
            let doc = format!("Answers `{code}` with `body`.");
            quote! {
                #[doc = #doc]
                pub fn respond(self, body: &#body_ty) -> ::wiremock::Mock {
                    self.0.respond_json(#code, body)
                }
                #with_example
            }
        }
        Some((code, Answer::Bytes(media), example)) => {
            let example_fn = format_ident!("{}_response", op.id);
            let with_example = example.as_ref().map(|_| {
                quote! {
                    /// Answers with the spec's example.
                    pub fn respond_example(self) -> ::wiremock::Mock {
                        self.respond(examples::#example_fn())
                    }
                }
            });
            let doc = format!("Answers `{code}` with `body` as `{media}`.");
            quote! {
                #[doc = #doc]
                pub fn respond(self, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> ::wiremock::Mock {
                    self.0.respond_bytes(#code, body.into(), #media)
                }
                #with_example
            }
        }
        Some((code, Answer::Empty, _)) => {
            let doc = format!("Answers `{code}` with no body, as the spec documents.");
            quote! {
                #[doc = #doc]
                pub fn respond(self) -> ::wiremock::Mock {
                    self.0.respond_empty(#code)
                }
            }
        }
        None => quote!(),
    };
    let error = (!op.errors.is_empty()).then(|| {
        let ranges = op
            .errors
            .iter()
            .map(|(from, to)| quote!((#from..=#to).contains(&status)));
        let documented: Vec<String> = op
            .errors
            .iter()
            .map(|(from, to)| {
                if from == to {
                    from.to_string()
                } else {
                    format!("{}XX", from / 100)
                }
            })
            .collect();
        let message = format!(
            "mock `{}`: {{status}} is not a documented error status ({})",
            op.id,
            documented.join(", ")
        );
        let (argument, answer) = match &op.error {
            Answer::Json(error_ty) => (
                quote!(body: &#error_ty),
                quote!(self.0.respond_json(status, body)),
            ),
            Answer::Bytes(media) => (
                quote!(body: impl ::std::convert::Into<::std::vec::Vec<u8>>),
                quote!(self.0.respond_bytes(status, body.into(), #media)),
            ),
            Answer::Empty => (quote!(), quote!(self.0.respond_empty(status))),
        };
        quote! {
            /// Answers a documented error status with the API's error body (panics on a
            /// status the spec does not document for this operation).
            pub fn respond_error(self, status: u16, #argument) -> ::wiremock::Mock {
                assert!(#(#ranges)||*, #message);
                #answer
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub fn #f() -> #ty {
            #ty(::crm_bindings_runtime::mock::Expectation::new(&OPERATIONS[#index]))
        }
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #ty(::crm_bindings_runtime::mock::Expectation);
        impl #ty {
            #(#setters)*
            #body
            #respond
            #error
            /// Answers with any response (a status or body the spec does not document).
            pub fn respond_with(self, response: ::wiremock::ResponseTemplate) -> ::wiremock::Mock {
                self.0.respond_with(response)
            }
        }
    }
}

/// `examples::<op>_<param>()`, `<op>_request()`, `<op>_response()`, `<op>_error()`.
fn example_fns(op: &Op) -> TokenStream {
    let mut out = TokenStream::new();
    let mut push = |name: String, ty: &TokenStream, example: &Value, what: String| {
        let f = format_ident!("{name}");
        let json = example.to_string();
        let doc = format!("The spec's example of {what}: `{}`.", truncate(&json));
        out.extend(quote! {
            #[doc = #doc]
            pub fn #f() -> #ty {
                ::crm_bindings_runtime::mock::example(#what, #json)
            }
        });
    };
    for p in &op.params {
        if let Some(example) = &p.example {
            let what = format!("`{}` of `{}`", p.name, op.id);
            push(format!("{}_{}", op.id, p.ident), &p.rust, example, what);
        }
    }
    if let Some(Body {
        ty,
        example: Some(example),
        ..
    }) = &op.body
    {
        push(
            format!("{}_request", op.id),
            ty,
            example,
            format!("the body of `{}`", op.id),
        );
    }
    let mut bytes_example = None;
    match &op.success {
        Some((_, Answer::Json(ty), Some(example))) => push(
            format!("{}_response", op.id),
            ty,
            example,
            format!("the answer of `{}`", op.id),
        ),
        Some((_, Answer::Bytes(media), Some(example))) => {
            let f = format_ident!("{}_response", op.id);
            let text = example
                .as_str()
                .map_or_else(|| example.to_string(), str::to_string);
            let doc = format!(
                "The spec's example of the answer of `{}` (`{media}`): `{}`.",
                op.id,
                truncate(&text)
            );
            bytes_example = Some(quote! {
                #[doc = #doc]
                pub fn #f() -> &'static str {
                    #text
                }
            });
        }
        _ => {}
    }
    if let (Answer::Json(ty), Some(example)) = (&op.error, &op.error_example) {
        push(
            format!("{}_error", op.id),
            ty,
            example,
            format!("the error of `{}`", op.id),
        );
    }
    out.extend(bytes_example);
    out
}

fn truncate(json: &str) -> String {
    if json.chars().count() > 80 {
        json.chars().take(77).collect::<String>() + "..."
    } else {
        json.to_string()
    }
}

/// A compiled example for the `mock` module's rustdoc: the first operation with an example
/// answer mocked with its example parameters, called, and its answer compared.
fn mock_doc_example(api: &str, ops: &[Op]) -> String {
    let Some(op) = ops
        .iter()
        .find(|op| matches!(&op.success, Some((_, Answer::Json(_), Some(_)))))
    else {
        return String::new();
    };
    let krate = crate::generator::files::package_name(api).replace('-', "_");
    let id = &op.id;
    let setters: String = op
        .params
        .iter()
        .filter(|p| p.example.is_some())
        .map(|p| format!(".{}(mock::examples::{id}_{}())", p.ident, p.ident))
        .collect();
    let body = if op.body.as_ref().is_some_and(|b| b.example.is_some()) {
        format!(".body(mock::examples::{id}_request())")
    } else {
        String::new()
    };
    let client = op
        .scheme
        .example_call("&server.uri()", "&Default::default()");
    format!(
        "\n\n# Example\n\n```no_run\n\
         # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {krate}::{{Client, mock}};\n\n\
         let server = wiremock::MockServer::start().await;\n\
         mock::{id}(){setters}\n    .respond_example()\n    .expect(1) // checked when `server` is dropped\n    .mount(&server)\n    .await;\n\
         mock::explain_unmatched(&server).await; // any other request: a text naming its operation\n\n\
         let client = Client::{client}?;\n\
         let answer = client.{id}(){setters}{body}.send().await?;\n\
         assert_eq!(*answer, mock::examples::{id}_response());\n\
         # Ok(())\n# }}\n```"
    )
}

/// One entry of `example_calls()`: the operation called through the facade's constructor
/// for the API's auth kind, with every parameter and the body the spec exemplifies.
fn example_call(op: &Op) -> TokenStream {
    let params: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.example.is_some())
        .map(|p| example_setter(op, p))
        .collect();
    let body = op.body.as_ref().map(|_| {
        let example = format_ident!("{}_request", op.id);
        quote!(.body(examples::#example()))
    });
    let index = op.index;
    let call = call_tokens(op, quote!(#(#params)* #body));
    quote! {
        crate::support::harness::ExampleCall {
            operation: &OPERATIONS[#index],
            call: #call,
        }
    }
}

fn example_setter(op: &Op, p: &Param) -> TokenStream {
    let ident = &p.ident;
    let example = format_ident!("{}_{}", op.id, p.ident);
    quote!(.#ident(examples::#example()))
}

/// A `CallFn` calling the operation with `setters` on its builder, through the constructor
/// of the operation's scheme.
fn call_tokens(op: &Op, setters: TokenStream) -> TokenStream {
    let f = format_ident!("{}", op.id);
    let id = &op.id;
    let client = op.scheme.call(true);
    let scope = format!("/{}", op.scheme.label());
    let outcome = match &op.success {
        Some((_, Answer::Bytes(_), _)) => quote! {
            crate::support::harness::Outcome::of_stream(#id, client.#f()#setters.send().await).await
        },
        _ => quote!(crate::support::harness::Outcome::of(#id, client.#f()#setters.send().await)),
    };
    quote! {
        |base, config, credentials| ::std::boxed::Box::pin(async move {
            let _ = credentials;
            let key = crate::support::harness::client_key(concat!(module_path!(), #scope), &base, &config);
            let client = match crate::support::harness::cached(key, || {
                let (base, config) = (&base, &config);
                #client
            }) {
                Ok(client) => client,
                Err(e) => return crate::support::harness::Outcome::config(#id, e),
            };
            #outcome
        })
    }
}

/// The refusal cases of one operation: each constrained or required parameter broken (or
/// left out), each constrained field of its body broken, its body rule broken.
fn refusals(op: &Op, spec: &Value) -> Result<Vec<TokenStream>, String> {
    let index = op.index;
    let mut out = Vec::new();
    let body_example = op.body.as_ref().map(|_| {
        let example = format_ident!("{}_request", op.id);
        quote!(.body(examples::#example()))
    });
    let (path, method) = (op.path.as_str(), op.method.to_lowercase());
    for (param, _) in parameters(spec, path, &method) {
        let Some(p) = op.params.iter().find(|p| {
            p.name
                == param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
        }) else {
            continue;
        };
        let others: Vec<TokenStream> = op
            .params
            .iter()
            .filter(|o| o.name != p.name && o.example.is_some())
            .map(|o| example_setter(op, o))
            .collect();
        let schema = param.get("schema").cloned().unwrap_or_default();
        let effective = Value::Object(crate::generator::read::spec::effective(spec, &schema));
        let format = effective.get("format").and_then(Value::as_str);
        if param.get("required") == Some(&Value::Bool(true)) {
            let call = call_tokens(op, quote!(#(#others)* #body_example));
            let what = format!("{} missing", p.name);
            out.push(quote! {
                crate::support::harness::Refusal {
                    operation: &OPERATIONS[#index],
                    what: #what.to_string(),
                    body: ::std::option::Option::None,
                    param: ::std::option::Option::None,
                    check: crate::support::harness::Check::Call(#call),
                }
            });
        }
        if matches!(format, Some("date" | "date-time" | "uuid")) {
            let (what, how) = match format {
                Some("uuid") => (
                    format!("{} = not a uuid", p.name),
                    format!("{} takes a uuid::Uuid", p.name),
                ),
                _ => (
                    format!("{} = not a date", p.name),
                    format!("{} takes a chrono date", p.name),
                ),
            };
            out.push(quote! {
                crate::support::harness::Refusal {
                    operation: &OPERATIONS[#index],
                    what: #what.to_string(),
                    body: ::std::option::Option::None,
                    param: ::std::option::Option::None,
                    check: crate::support::harness::Check::Type(#how),
                }
            });
            continue;
        }
        let Some(bad) = violation(&effective)? else {
            continue;
        };
        // An integer enum converts from `i64` only.
        let literal = match (&bad, effective.get("enum")) {
            (Value::Number(n), Some(_)) if n.is_i64() => {
                let lit = proc_macro2::Literal::i64_suffixed(n.as_i64().unwrap_or_default());
                quote!(#lit)
            }
            _ => rust_literal(&bad),
        };
        let ident = &p.ident;
        let call = call_tokens(op, quote!(#(#others)* .#ident(#literal) #body_example));
        let what = format!("{} = {}", p.name, shown(&bad));
        let name = &p.name;
        let in_path = p.in_path;
        let wire = match &bad {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        out.push(quote! {
            crate::support::harness::Refusal {
                operation: &OPERATIONS[#index],
                what: #what.to_string(),
                body: ::std::option::Option::None,
                param: ::std::option::Option::Some(crate::support::harness::BadParam {
                    name: #name,
                    in_path: #in_path,
                    value: #wire,
                }),
                check: crate::support::harness::Check::Call(#call),
            }
        });
    }
    let Some(Body {
        ty: body_ty,
        example: Some(example),
        ..
    }) = &op.body
    else {
        return Ok(out);
    };
    let body_ref = op_body_ref(spec, op);
    let mut fields = Vec::new();
    if let Some(name) = &body_ref {
        body_fields(spec, name, "", &mut fields);
    }
    for (pointer, schema) in fields {
        let effective = Value::Object(crate::generator::read::spec::effective(spec, &schema));
        let bad = match effective.get("type").and_then(Value::as_str) {
            Some("array") => {
                let items = effective.get("items").cloned().unwrap_or_default();
                let items = Value::Object(crate::generator::read::spec::effective(spec, &items));
                violation(&items)?.map(|v| Value::Array(vec![v]))
            }
            _ if matches!(
                effective.get("format").and_then(Value::as_str),
                Some("date" | "date-time")
            ) =>
            {
                Some(Value::String("not-a-date".into()))
            }
            _ if effective.get("format").and_then(Value::as_str) == Some("uuid") => {
                Some(Value::String("not-a-uuid".into()))
            }
            _ => violation(&effective)?,
        };
        let Some(bad) = bad else { continue };
        let mut json = example.clone();
        set_pointer(&mut json, &pointer, bad.clone());
        let text = json.to_string();
        let what = format!(
            "body `{}` = {}",
            pointer.trim_start_matches('/').replace('/', "."),
            shown(&bad)
        );
        out.push(quote! {
            crate::support::harness::Refusal {
                operation: &OPERATIONS[#index],
                what: #what.to_string(),
                body: ::std::option::Option::Some(#text),
                param: ::std::option::Option::None,
                check: crate::support::harness::Check::Body(|| crate::support::harness::refused::<#body_ty>(#text)),
            }
        });
    }
    let spec_op = crate::generator::read::spec::operations(spec)
        .into_iter()
        .find(|(_, _, o)| o.get("operationId").and_then(Value::as_str) == Some(&op.spec_id))
        .map(|(_, _, o)| o);
    if let Some(fields) = spec_op
        .and_then(|o| o.get("x-crm-required-one-of"))
        .and_then(Value::as_array)
    {
        let mut json = example.clone();
        let names: Vec<&str> = fields.iter().filter_map(Value::as_str).collect();
        for name in &names {
            if let Some(object) = json.as_object_mut() {
                object.remove(*name);
            }
        }
        let text = json.to_string();
        let what = format!(
            "body without {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        );
        let body =
            quote!(.body(::crm_bindings_runtime::mock::example::<#body_ty>("a body", #text)));
        let others: Vec<TokenStream> = op
            .params
            .iter()
            .filter(|o| o.example.is_some())
            .map(|o| example_setter(op, o))
            .collect();
        let call = call_tokens(op, quote!(#(#others)* #body));
        out.push(quote! {
            crate::support::harness::Refusal {
                operation: &OPERATIONS[#index],
                what: #what.to_string(),
                body: ::std::option::Option::None,
                param: ::std::option::Option::None,
                check: crate::support::harness::Check::Call(#call),
            }
        });
    }
    Ok(out)
}

/// The request body's component name.
fn op_body_ref(spec: &Value, op: &Op) -> Option<String> {
    crate::generator::read::spec::operations(spec)
        .into_iter()
        .find(|(_, _, o)| o.get("operationId").and_then(Value::as_str) == Some(&op.spec_id))
        .and_then(|(_, _, o)| {
            let (_, media) = o
                .pointer("/requestBody/content")
                .and_then(Value::as_object)?
                .iter()
                .next()?;
            ref_name(media.get("schema")?).map(str::to_string)
        })
}

/// `(JSON pointer in the body, schema)` of every property of the body schema `name` that has
/// a constraint (through object references, recursively).
fn body_fields(spec: &Value, name: &str, prefix: &str, out: &mut Vec<(String, Value)>) {
    let Some(schema) = spec.pointer(&format!(
        "/components/schemas/{}",
        crate::generator::read::spec::escape(name)
    )) else {
        return;
    };
    for (prop, prop_schema) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let pointer = format!("{prefix}/{}", crate::generator::read::spec::escape(prop));
        let target = crate::generator::read::spec::target(spec, prop_schema);
        if target.get("type").and_then(Value::as_str) == Some("object")
            && target.get("properties").is_some()
        {
            if let Some(inner) = ref_name(prop_schema) {
                body_fields(spec, inner, &pointer, out);
            }
            continue;
        }
        out.push((pointer, prop_schema.clone()));
    }
}

fn set_pointer(json: &mut Value, pointer: &str, value: Value) {
    let mut current = json;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let key = part.replace("~1", "/").replace("~0", "~");
        if !current.is_object() {
            *current = Value::Object(Default::default());
        }
        let map = current.as_object_mut().expect("an object");
        if i + 1 == parts.len() {
            map.insert(key, value);
            return;
        }
        current = map
            .entry(key)
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

/// A JSON value the (effective) schema forbids, if its constraints allow finding one.
fn violation(schema: &Value) -> Result<Option<Value>, String> {
    let get_i = |k: &str| schema.get(k).and_then(Value::as_i64).map(i128::from);
    let flag = |k: &str| schema.get(k).and_then(Value::as_bool).unwrap_or(false);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => {
            let (fmin, fmax) = match schema.get("format").and_then(Value::as_str) {
                Some("int32" | "int") => (Some(i32::MIN.into()), Some(i32::MAX.into())),
                Some("int16") => (Some(i16::MIN.into()), Some(i16::MAX.into())),
                Some("int8") => (Some(i8::MIN.into()), Some(i8::MAX.into())),
                _ => (None, None),
            };
            let min = get_i("minimum")
                .map(|m| if flag("exclusiveMinimum") { m + 1 } else { m })
                .or(fmin);
            let max = get_i("maximum")
                .map(|m| if flag("exclusiveMaximum") { m - 1 } else { m })
                .or(fmax);
            if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                let listed: Vec<i128> = values
                    .iter()
                    .filter_map(Value::as_i64)
                    .map(i128::from)
                    .collect();
                let candidate = listed.iter().max().map_or(0, |m| m + 1);
                return Ok(Some(Value::from(candidate as i64)));
            }
            let bad = match (min, max, get_i("multipleOf")) {
                (Some(min), _, _) if min > i64::MIN as i128 => Some(min - 1),
                (_, Some(max), _) if max < i64::MAX as i128 => Some(max + 1),
                (_, _, Some(m)) if m > 1 => Some(m + 1),
                _ => None,
            };
            Ok(bad.map(|b| Value::from(b as i64)))
        }
        Some("number") => {
            let get = |k: &str| schema.get(k).and_then(Value::as_f64);
            let bad = match (get("minimum"), get("maximum"), get("multipleOf")) {
                (Some(min), _, _) if flag("exclusiveMinimum") => Some(min),
                (Some(min), _, _) => Some(min - 1.0),
                (_, Some(max), _) if flag("exclusiveMaximum") => Some(max),
                (_, Some(max), _) => Some(max + 1.0),
                // Half a step is never a multiple.
                (_, _, Some(m)) if m > 0.0 => Some(m / 2.0),
                _ => None,
            };
            Ok(bad
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number))
        }
        Some("string") | None => {
            if schema.get("enum").is_some() {
                return Ok(Some(Value::String("undocumented".into())));
            }
            let min = schema.get("minLength").and_then(Value::as_u64);
            let max = schema.get("maxLength").and_then(Value::as_u64);
            if let Some(min) = min.filter(|m| *m > 0) {
                return Ok(Some(Value::String("a".repeat(min as usize - 1))));
            }
            if let Some(max) = max {
                return Ok(Some(Value::String("a".repeat(max as usize + 1))));
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                let regex =
                    regress::Regex::new(pattern).map_err(|e| format!("pattern {pattern}: {e}"))?;
                let candidates = ["", "a", "!", " ", "0", "Z9 z", "\u{1}"];
                return Ok(candidates
                    .iter()
                    .find(|c| regex.find(c).is_none())
                    .map(|c| Value::String(c.to_string())));
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// A forbidden value for a case's label: long strings by their length.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 24 => {
            format!("a string of {} characters", s.chars().count())
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// A Rust literal for a setter: `-1i64`, `"abc"`.
fn rust_literal(value: &Value) -> TokenStream {
    match value {
        Value::Number(n) if n.is_f64() => {
            let lit = proc_macro2::Literal::f64_suffixed(n.as_f64().unwrap_or_default());
            quote!(#lit)
        }
        // Non-negative as `u64` (`NonZeroU64` converts only from unsigned), negative as `i64`.
        Value::Number(n) => match n.as_u64() {
            Some(u) => {
                let lit = proc_macro2::Literal::u64_suffixed(u);
                quote!(#lit)
            }
            None => {
                let lit = proc_macro2::Literal::i64_suffixed(n.as_i64().unwrap_or_default());
                quote!(#lit)
            }
        },
        Value::String(s) => quote!(#s),
        other => {
            let text = other.to_string();
            quote!(#text)
        }
    }
}

/// `enum_probes()`: one undocumented value per enum component.
fn enum_probes(spec: &Value) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for e in crate::generator::additions::extensions::enums(spec) {
        let schema = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .and_then(|m| m.iter().find(|(k, _)| type_name(k) == e.name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let raw = match violation(&schema) {
            Ok(Some(v)) => v.to_string(),
            _ => continue,
        };
        let name = &e.name;
        let ty = format_ident!("{}", e.name);
        out.push(quote! {
            crate::support::harness::EnumProbe {
                name: #name,
                raw: #raw,
                check: || crate::support::harness::probe_enum::<types::#ty>(#raw, |v| v.is_unknown()),
            }
        });
    }
    out
}

/// A schema's own `example`, or that of the component it refers to.
fn schema_example<'a>(spec: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    schema.get("example").or_else(|| {
        let name = ref_name(schema)?;
        spec.pointer(&format!(
            "/components/schemas/{}/example",
            crate::generator::read::spec::escape(name)
        ))
    })
}

#[cfg(test)]
mod tests {
    /// Examples quoted in rustdoc are cut past 80 characters (made-up text).
    #[test]
    fn examples_longer_than_80_characters_are_cut() {
        let exact = "x".repeat(80);
        assert_eq!(super::truncate(&exact), exact);
        let longer = "ж".repeat(81);
        assert_eq!(super::truncate(&longer), format!("{}...", "ж".repeat(77)));
    }

    /// The value a refusal test sends: just outside the format's width or the range (made-up
    /// schemas: the real specs use only a few of these shapes).
    #[test]
    fn an_integer_violation_steps_just_outside_its_bounds() {
        use serde_json::{Value, json};
        let v = |schema: Value| super::violation(&schema).unwrap();
        let int = |extra: Value| {
            let mut schema = json!({"type": "integer"});
            schema
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            v(schema)
        };
        assert_eq!(
            int(json!({"format": "int32"})),
            Some(json!(-2_147_483_649i64))
        );
        assert_eq!(
            int(json!({"format": "int"})),
            Some(json!(-2_147_483_649i64))
        );
        assert_eq!(int(json!({"format": "int16"})), Some(json!(-32_769)));
        assert_eq!(int(json!({"format": "int8"})), Some(json!(-129)));
        assert_eq!(int(json!({"format": "int64"})), None);
        assert_eq!(int(json!({"minimum": 5})), Some(json!(4)));
        assert_eq!(
            int(json!({"minimum": 5, "exclusiveMinimum": true})),
            Some(json!(5))
        );
        assert_eq!(int(json!({"maximum": 9})), Some(json!(10)));
        assert_eq!(
            int(json!({"maximum": 9, "exclusiveMaximum": true})),
            Some(json!(9))
        );
        assert_eq!(
            int(json!({"format": "int8", "maximum": 9})),
            Some(json!(-129))
        );
        // No value below `i64::MIN` fits the JSON an `i64` setter takes: the maximum's turn.
        assert_eq!(
            int(json!({"minimum": i64::MIN, "maximum": 3})),
            Some(json!(4))
        );
        // Nor above `i64::MAX`: `multipleOf`'s turn.
        assert_eq!(
            int(json!({"maximum": i64::MAX, "multipleOf": 3})),
            Some(json!(4))
        );
        assert_eq!(int(json!({"multipleOf": 1})), None);
        assert_eq!(int(json!({"enum": [1, 5, 3]})), Some(json!(6)));
    }

    /// Strings: too short, else too long, else one the pattern refuses.
    #[test]
    fn a_string_violation_breaks_its_length_or_pattern() {
        use serde_json::json;
        let v = |schema| super::violation(&schema).unwrap();
        assert_eq!(
            v(json!({"type": "string", "minLength": 2, "maxLength": 3})),
            Some(json!("a"))
        );
        assert_eq!(
            v(json!({"type": "string", "minLength": 0, "maxLength": 3})),
            Some(json!("aaaa"))
        );
        assert_eq!(
            v(json!({"type": "string", "minLength": 1})),
            Some(json!(""))
        );
        assert_eq!(
            v(json!({"type": "string", "pattern": "^[a-z]+$"})),
            Some(json!(""))
        );
        assert_eq!(
            v(json!({"type": "string", "enum": ["x"]})),
            Some(json!("undocumented"))
        );
        assert_eq!(v(json!({"type": "string"})), None);
    }

    /// Case labels show strings up to 24 characters, longer ones by their length.
    #[test]
    fn long_strings_are_shown_by_their_length() {
        use serde_json::json;
        let exact = "ж".repeat(24);
        assert_eq!(super::shown(&json!(exact)), format!("\"{exact}\""));
        assert_eq!(
            super::shown(&json!(["a", "b".repeat(25), 3])),
            "[\"a\", a string of 25 characters, 3]"
        );
    }

    /// A body's constrained fields: nested objects by their fields, a free-form object as
    /// one field.
    #[test]
    fn body_fields_go_into_referenced_objects_only() {
        let spec = serde_json::json!({"components": {"schemas": {
            "Body": {"type": "object", "properties": {
                "free": {"type": "object"},
                "nested": {"$ref": "#/components/schemas/Inner"},
                "plain": {"type": "string", "maxLength": 3},
            }},
            "Inner": {"type": "object", "properties": {"deep": {"type": "integer", "minimum": 1}}},
        }}});
        let mut out = Vec::new();
        super::body_fields(&spec, "Body", "", &mut out);
        let pointers: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["/free", "/nested/deep", "/plain"]);
    }
}
