//! Spec extensions progenitor does not understand, turned into generated code so that what
//! they say cannot drift from the spec:
//!
//! - `x-enum-varnames` (+ `x-enum-descriptions`) on an `enum` schema: a Rust enum with named
//!   variants (serialised as the spec's integers or strings), handed to progenitor as the
//!   replacement for that schema. typify alone makes integer enums validated newtypes.
//! - `x-crm-empty-string-is-null: true` on a property: `""` decodes as `None`.
//! - `x-crm-number-or-string: true` on a property: `7` and `"7"` both decode into its type.
//! - `x-crm-required-one-of` / `x-crm-allowed-fields-by-status` on an operation: data in a
//!   `rules` module that the facade checks before sending.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

pub struct EnumSpec {
    pub name: String,
    pub description: String,
    pub integer: bool,
    /// `(variant name, wire value, description)`.
    pub variants: Vec<(String, Value, String)>,
}

/// Every component schema with `enum` and `x-enum-varnames`.
/// (`spec_checks` has already refused malformed ones.)
pub fn named_enums(spec: &Value) -> Vec<EnumSpec> {
    let mut out = Vec::new();
    for (name, schema) in components(spec) {
        let (Some(values), Some(names)) = (
            schema.get("enum").and_then(Value::as_array),
            schema.get("x-enum-varnames").and_then(Value::as_array),
        ) else {
            continue;
        };
        let descriptions = schema.get("x-enum-descriptions").and_then(Value::as_array);
        let variants = values
            .iter()
            .zip(names)
            .enumerate()
            .map(|(i, (value, name))| {
                let doc = descriptions
                    .and_then(|d| d.get(i))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                (
                    name.as_str().unwrap_or_default().to_string(),
                    value.clone(),
                    doc,
                )
            })
            .collect();
        out.push(EnumSpec {
            name: name.clone(),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string(),
            integer: schema.get("type").and_then(Value::as_str) == Some("integer"),
            variants,
        });
    }
    out
}

/// The path progenitor writes wherever the schema is used: the enum is placed in the
/// generated file's `types` module, which the crate mounts at `crate::generated::<api>`.
pub fn enum_path(api: &str, name: &str) -> String {
    format!("crate::generated::{api}::types::{name}")
}

/// The enum's definition and impls, to be placed in the `types` module.
pub fn enum_tokens(e: &EnumSpec) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let doc = &e.description;
    let idents: Vec<_> = e
        .variants
        .iter()
        .map(|(v, _, _)| format_ident!("{v}"))
        .collect();
    let docs: Vec<&String> = e.variants.iter().map(|(_, _, d)| d).collect();
    let count = idents.len();
    let schema_name = &e.name;
    if e.integer {
        let values: Vec<Literal> = e
            .variants
            .iter()
            .map(|(_, v, _)| Literal::i64_unsuffixed(v.as_i64().unwrap_or_default()))
            .collect();
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
                ::serde_repr::Serialize_repr, ::serde_repr::Deserialize_repr)]
            #[repr(i64)]
            pub enum #name {
                #( #[doc = #docs] #idents = #values, )*
            }
            impl #name {
                /// Every value, in the spec's order.
                pub const ALL: [Self; #count] = [#(Self::#idents),*];
                /// The integer sent on the wire.
                pub fn value(self) -> i64 {
                    self as i64
                }
            }
            impl ::std::convert::From<#name> for i64 {
                fn from(value: #name) -> Self {
                    value.value()
                }
            }
            impl ::std::convert::TryFrom<i64> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: i64) -> ::std::result::Result<Self, Self::Error> {
                    match value {
                        #( #values => Ok(Self::#idents), )*
                        _ => Err(format!("{value} is not a valid {}", #schema_name).into()),
                    }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    write!(f, "{}", self.value())
                }
            }
            #[cfg(feature = "schemars")]
            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::string::String {
                    #schema_name.to_string()
                }
                fn json_schema(
                    _: &mut ::schemars::r#gen::SchemaGenerator,
                ) -> ::schemars::schema::Schema {
                    let mut schema = ::schemars::schema::SchemaObject {
                        instance_type: Some(::schemars::schema::InstanceType::Integer.into()),
                        enum_values: Some(vec![#(#values.into()),*]),
                        ..Default::default()
                    };
                    schema.metadata().description = Some(#doc.to_string());
                    schema.into()
                }
            }
        }
    } else {
        let values: Vec<&str> = e
            .variants
            .iter()
            .map(|(_, v, _)| v.as_str().unwrap_or_default())
            .collect();
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
                ::serde::Serialize, ::serde::Deserialize)]
            #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
            pub enum #name {
                #( #[doc = #docs] #[serde(rename = #values)] #idents, )*
            }
            impl #name {
                /// Every value, in the spec's order.
                pub const ALL: [Self; #count] = [#(Self::#idents),*];
                /// The string sent on the wire.
                pub fn as_str(self) -> &'static str {
                    match self {
                        #( Self::#idents => #values, )*
                    }
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    match value {
                        #( #values => Ok(Self::#idents), )*
                        _ => Err(format!("`{value}` is not a valid {}", #schema_name).into()),
                    }
                }
            }
            impl ::std::convert::TryFrom<&str> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                    value.parse()
                }
            }
            impl ::std::convert::TryFrom<::std::string::String> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                    value.parse()
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    }
}

/// Property extensions that give a field a lenient deserializer:
/// `(extension, deserializer function placed in types)`.
pub const FIELD_DESERIALIZERS: [(&str, &str); 2] = [
    ("x-crm-empty-string-is-null", "empty_string_as_none"),
    ("x-crm-number-or-string", "number_or_string"),
];

/// `(struct, field, deserializer)` for every property marked with one of
/// [`FIELD_DESERIALIZERS`]' extensions.
pub fn field_deserializers(spec: &Value) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    for (name, schema) in components(spec) {
        for (prop, prop_schema) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (extension, function) in FIELD_DESERIALIZERS {
                if prop_schema.get(extension) == Some(&Value::Bool(true)) {
                    out.push((name.clone(), snake_case(prop), function));
                }
            }
        }
    }
    out
}

/// The deserializer functions the marked fields use, placed in `types` (only those used).
pub fn deserializer_functions(used: &[&str]) -> TokenStream {
    let mut out = TokenStream::new();
    if used.contains(&"empty_string_as_none") {
        out.extend(empty_string_helper());
    }
    if used.contains(&"number_or_string") {
        out.extend(quote! {
            /// Decodes a value sent as a number or as a string (`7` or `"7"`) into the
            /// field's one type (`x-crm-number-or-string` in the spec).
            fn number_or_string<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::de::DeserializeOwned,
            {
                use ::serde::Deserialize as _;
                use ::serde_json::Value;
                let value = Value::deserialize(deserializer)?;
                let first = match ::serde_json::from_value(value.clone()) {
                    Ok(decoded) => return Ok(decoded),
                    Err(error) => error,
                };
                // Only exact integers change form: a float's text (`1.8e19`) is another id.
                let other = match &value {
                    Value::Number(n) if n.is_u64() || n.is_i64() => Some(Value::String(n.to_string())),
                    Value::String(s) => s
                        .trim()
                        .parse::<::serde_json::Number>()
                        .ok()
                        .map(Value::Number),
                    _ => None,
                };
                match other {
                    Some(other) => ::serde_json::from_value(other).map_err(::serde::de::Error::custom),
                    None => Err(::serde::de::Error::custom(first)),
                }
            }
        });
    }
    out
}

/// The deserializer `x-crm-empty-string-is-null` fields use.
fn empty_string_helper() -> TokenStream {
    quote! {
        /// Decodes `""` and `null` as `None` (`x-crm-empty-string-is-null` in the spec).
        fn empty_string_as_none<'de, D, T>(deserializer: D) -> ::std::result::Result<Option<T>, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            T: ::serde::de::DeserializeOwned,
        {
            use ::serde::Deserialize as _;
            match Option::<::serde_json::Value>::deserialize(deserializer)? {
                None | Some(::serde_json::Value::Null) => Ok(None),
                Some(::serde_json::Value::String(s)) if s.is_empty() => Ok(None),
                Some(value) => ::serde_json::from_value(value)
                    .map(Some)
                    .map_err(::serde::de::Error::custom),
            }
        }
    }
}

/// The `rules` module: request rules from operation extensions, as data.
pub fn rules_module(spec: &Value) -> TokenStream {
    let mut one_of = Vec::new();
    let mut by_status = Vec::new();
    for op in operations(spec) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        if let Some(fields) = op.get("x-crm-required-one-of").and_then(Value::as_array) {
            let fields: Vec<&str> = fields.iter().filter_map(Value::as_str).collect();
            one_of.push(quote! { (#id, &[#(#fields),*]) });
        }
        if let Some(statuses) = op
            .get("x-crm-allowed-fields-by-status")
            .and_then(Value::as_object)
        {
            for (status, fields) in statuses {
                let fields: Vec<&str> = fields
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                by_status.push(quote! { (#id, #status, &[#(#fields),*]) });
            }
        }
    }
    quote! {
        /// Request rules from the spec's `x-crm-*` extensions, checked by the facade
        /// before a request leaves the client.
        pub mod rules {
            /// `(operationId, fields)`: the JSON body must carry at least one of `fields`
            /// with a non-empty value (`x-crm-required-one-of`).
            pub const REQUIRED_ONE_OF: &[(&str, &[&str])] = &[#(#one_of),*];
            /// `(operationId, status, fields)`: the only body fields (dotted paths) that may
            /// be sent while the resource has `status` (`x-crm-allowed-fields-by-status`).
            pub const ALLOWED_FIELDS_BY_STATUS: &[(&str, &str, &[&str])] = &[#(#by_status),*];
        }
    }
}

fn components(spec: &Value) -> impl Iterator<Item = (&String, &Value)> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn operations(spec: &Value) -> impl Iterator<Item = &Value> {
    spec.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| item.as_object().into_iter().flatten().map(|(_, op)| op))
}

/// `orderStatusFrom` / `order_status_from` -> `order_status_from`, as typify names fields.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}
