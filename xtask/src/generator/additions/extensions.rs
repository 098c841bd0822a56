//! Spec extensions progenitor does not understand, turned into generated code so that what
//! they say cannot drift from the spec:
//!
//! - every `enum` schema (named by `x-enum-varnames` and documented by `x-enum-descriptions`
//!   when given): a Rust enum serialised as the spec's integers or strings, with an `Unknown`
//!   variant for values the spec does not list, handed to progenitor as the replacement for
//!   that schema. typify's own enums have no such variant and make integer enums newtypes.
//! - `x-crm-empty-string-is-null: true` on a property: `""` decodes as `None`.
//!
//! The enums reach progenitor through its `with_replacement` setting (they replace typify's
//! own); the lenient field decoders are field attributes, which no setting of typify adds
//! (`passes/derives.rs` marks the fields).
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
    /// The wire value of the spec's `default`, if any.
    pub default: Option<Value>,
    /// The range an undocumented integer from the server must be in (`minimum`/`maximum`,
    /// or the `format`'s), else `i64`'s.
    pub range: (i64, i64),
}

/// Every component schema with an `enum`: all become Rust enums made here, with an `Unknown`
/// variant (typify's own have none, and make integer enums validated newtypes). Variant
/// names come from `x-enum-varnames`, else from the values as typify would name them.
/// (`spec_checks` has already refused enums whose names cannot be made.)
pub fn enums(spec: &Value) -> Vec<EnumSpec> {
    let mut out = Vec::new();
    for (name, schema) in components(spec) {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        let names: Vec<String> = match schema.get("x-enum-varnames").and_then(Value::as_array) {
            Some(names) => names
                .iter()
                .map(|n| n.as_str().unwrap_or_default().to_string())
                .collect(),
            None => values.iter().map(variant_name).collect(),
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
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("`{}`", wire(value)));
                (name, value.clone(), doc)
            })
            .collect();
        let bound =
            |key: &str, limit: i64| schema.get(key).and_then(Value::as_i64).unwrap_or(limit);
        let (fmin, fmax) = match schema.get("format").and_then(Value::as_str) {
            Some("int32" | "int") => (i32::MIN.into(), i32::MAX.into()),
            Some("int16") => (i16::MIN.into(), i16::MAX.into()),
            Some("int8") => (i8::MIN.into(), i8::MAX.into()),
            _ => (i64::MIN, i64::MAX),
        };
        out.push(EnumSpec {
            name: crate::generator::read::spec::type_name(name),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string(),
            integer: schema.get("type").and_then(Value::as_str) == Some("integer"),
            variants,
            default: schema.get("default").cloned(),
            range: (
                bound("minimum", fmin).max(fmin),
                bound("maximum", fmax).min(fmax),
            ),
        });
    }
    out
}

/// A value as written on the wire, for docs and messages.
fn wire(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

/// `in_progress` -> `InProgress`, as typify names enum variants.
pub fn variant_name(value: &Value) -> String {
    crate::generator::read::spec::pascal(&wire(value))
}

/// The path progenitor writes wherever the schema is used: the type is placed in the
/// generated file's `types` module, which each API crate mounts at `crate::generated`.
pub fn enum_path(name: &str) -> String {
    format!("crate::generated::types::{name}")
}

/// The enum's definition and impls, to be placed in the `types` module.
///
/// Known values are unit variants; any other value the server sends decodes into
/// `Unknown(::crm_bindings_runtime::UnknownValue<_>)`, which users cannot construct, so it is sent back
/// unchanged and never made up. `#[non_exhaustive]` keeps adding a value to the spec
/// source-compatible.
pub fn enum_tokens(e: &EnumSpec) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let schema_name = &e.name;
    let mut doc = e.description.clone();
    doc.push_str(
        "\n\nAn undocumented value sent by the server decodes into `Unknown`, keeping the raw \
         value; only decoding an answer can create one (`from_json`, `FromStr` and `TryFrom` \
         refuse undocumented values).",
    );
    let idents: Vec<_> = e
        .variants
        .iter()
        .map(|(v, _, _)| format_ident!("{v}"))
        .collect();
    let docs: Vec<String> = e
        .variants
        .iter()
        .map(|(_, v, d)| {
            let wire = wire(v);
            if d.contains(&format!("`{wire}`")) {
                d.clone()
            } else {
                format!("`{wire}`: {d}")
            }
        })
        .collect();
    let indexes: Vec<usize> = (0..idents.len()).collect();
    let count = idents.len();
    let default_impl = e.default.as_ref().and_then(|default| {
        let index = e.variants.iter().position(|(_, v, _)| v == default)?;
        let variant = &idents[index];
        Some(quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::#variant
                }
            }
        })
    });
    let unknown_doc = "A value the spec does not list, as the server sent it. Do not match on a \
                       particular one: when the spec lists it, it becomes a named variant.";
    if e.integer {
        let values: Vec<Literal> = e
            .variants
            .iter()
            .map(|(_, v, _)| Literal::i64_unsuffixed(v.as_i64().unwrap_or_default()))
            .collect();
        let (min, max) = e.range;
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #docs] #idents, )*
                #[doc = #unknown_doc]
                Unknown(::crm_bindings_runtime::UnknownValue<i64>),
            }
            impl #name {
                /// Every documented value, in the spec's order.
                pub const ALL: [Self; #count] = [#(Self::#idents),*];
                /// The documented values on the wire, in the spec's order.
                const VALUES: &'static [i64] = &[#(#values),*];
                /// The integer sent on the wire.
                pub fn value(self) -> i64 {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Unknown(raw) => raw.get(),
                    }
                }
                /// A value the spec does not list (see [`Self::Unknown`]).
                pub fn is_unknown(self) -> bool {
                    matches!(self, Self::Unknown(_))
                }
            }
            impl ::std::convert::From<#name> for i64 {
                fn from(value: #name) -> Self {
                    value.value()
                }
            }
            impl ::std::convert::TryFrom<i64> for #name {
                type Error = self::error::ConversionError;
                /// Only documented values: users cannot make up an undocumented one.
                fn try_from(value: i64) -> ::std::result::Result<Self, Self::Error> {
                    match value {
                        #( #values => Ok(Self::#idents), )*
                        _ => Err(::crm_bindings_runtime::unknown::not_listed(#schema_name, Self::VALUES, &value.to_string()).into()),
                    }
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    match value.trim().parse::<i64>() {
                        Ok(number) => Self::try_from(number),
                        Err(_) => Err(::crm_bindings_runtime::unknown::not_listed(#schema_name, Self::VALUES, &format!("{value:?}")).into()),
                    }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    write!(f, "{}", self.value())
                }
            }
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.value())
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    Ok(match ::crm_bindings_runtime::unknown::decode_i64(deserializer, #schema_name, Self::VALUES, (#min, #max))? {
                        #( Ok(#indexes) => Self::#idents, )*
                        Ok(_) => unreachable!("decode_i64 returns an index of VALUES"),
                        Err(raw) => Self::Unknown(::crm_bindings_runtime::unknown::decoded(raw)),
                    })
                }
            }
            #default_impl
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
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #docs] #idents, )*
                #[doc = #unknown_doc]
                Unknown(::crm_bindings_runtime::UnknownValue<::std::string::String>),
            }
            impl #name {
                /// Every documented value, in the spec's order.
                pub const ALL: [Self; #count] = [#(Self::#idents),*];
                /// The documented values on the wire, in the spec's order.
                const VALUES: &'static [&'static str] = &[#(#values),*];
                /// The string sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Unknown(raw) => raw.as_str(),
                    }
                }
                /// A value the spec does not list (see [`Self::Unknown`]).
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::Unknown(_))
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = self::error::ConversionError;
                /// Only documented values: users cannot make up an undocumented one.
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    match value {
                        #( #values => Ok(Self::#idents), )*
                        _ => Err(::crm_bindings_runtime::unknown::not_listed(#schema_name, Self::VALUES, &format!("{value:?}")).into()),
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
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    Ok(match ::crm_bindings_runtime::unknown::decode_str(deserializer, #schema_name, Self::VALUES)? {
                        #( Ok(#indexes) => Self::#idents, )*
                        Ok(_) => unreachable!("decode_str returns an index of VALUES"),
                        Err(raw) => Self::Unknown(::crm_bindings_runtime::unknown::decoded(raw)),
                    })
                }
            }
            #default_impl
            #[cfg(feature = "schemars")]
            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::string::String {
                    #schema_name.to_string()
                }
                fn json_schema(
                    _: &mut ::schemars::r#gen::SchemaGenerator,
                ) -> ::schemars::schema::Schema {
                    let mut schema = ::schemars::schema::SchemaObject {
                        instance_type: Some(::schemars::schema::InstanceType::String.into()),
                        enum_values: Some(vec![#(#values.into()),*]),
                        ..Default::default()
                    };
                    schema.metadata().description = Some(#doc.to_string());
                    schema.into()
                }
            }
        }
    }
}

/// Property extensions that give a field a lenient deserializer:
/// `(extension, the runtime's deserializer function)` (`src/lenient.rs`).
pub const FIELD_DESERIALIZERS: [(&str, &str); 2] = [
    (
        "x-crm-empty-string-is-null",
        "::crm_bindings_runtime::lenient::empty_string_as_none",
    ),
    (
        "x-crm-number-or-string",
        "::crm_bindings_runtime::lenient::number_or_string",
    ),
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
                    out.push((
                        name.clone(),
                        crate::generator::read::spec::snake_case(prop),
                        function,
                    ));
                }
            }
        }
    }
    out
}

/// `(operationId, fields)` of every `x-crm-required-one-of`.
pub fn required_one_of(spec: &Value) -> Vec<(String, Vec<String>)> {
    operations(spec)
        .filter_map(|op| {
            let id = op.get("operationId")?.as_str()?;
            let fields = op.get("x-crm-required-one-of")?.as_array()?;
            Some((
                id.to_string(),
                fields
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            ))
        })
        .collect()
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
    let request_id = match request_id_field(spec) {
        Some(field) => quote! { Some(#field) },
        None => quote! { None },
    };
    quote! {
        /// Request rules from the spec's `x-crm-*` extensions, checked by the facade
        /// before a request leaves the client.
        pub mod rules {
            /// The error body's property that carries the service's request id, reported
            /// by `Error::request_id` and the call's trace (`x-crm-request-id`).
            pub const ERROR_REQUEST_ID_FIELD: Option<&str> = #request_id;
            /// `(operationId, fields)`: the JSON body must carry at least one of `fields`
            /// with a non-empty value (`x-crm-required-one-of`).
            pub const REQUIRED_ONE_OF: &[(&str, &[&str])] = &[#(#one_of),*];
            /// `(operationId, status, fields)`: the only body fields (dotted paths) that may
            /// be sent while the resource has `status` (`x-crm-allowed-fields-by-status`).
            pub const ALLOWED_FIELDS_BY_STATUS: &[(&str, &str, &[&str])] = &[#(#by_status),*];
        }
    }
}

/// The property marked `x-crm-request-id: true` in a component schema (the first, by
/// schema name), if any.
pub fn request_id_field(spec: &Value) -> Option<String> {
    components(spec).find_map(|(_, schema)| {
        schema
            .get("properties")?
            .as_object()?
            .iter()
            .find(|(_, property)| property.get("x-crm-request-id") == Some(&Value::Bool(true)))
            .map(|(name, _)| name.clone())
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The range of an undocumented integer (made-up schemas, not from a seed): the schema's
    /// bounds within its format's, else the format's, else `i64`'s.
    #[test]
    fn an_integer_enums_range_comes_from_its_bounds_or_format() {
        let range = |extra: Value| {
            let mut schema = json!({"type": "integer", "enum": [1, 2]});
            for (k, v) in extra.as_object().expect("an object") {
                schema[k] = v.clone();
            }
            let spec = json!({"components": {"schemas": {"E": schema}}});
            enums(&spec).pop().expect("one enum").range
        };
        let (i32min, i32max) = (i32::MIN.into(), i32::MAX.into());
        assert_eq!(range(json!({"format": "int32"})), (i32min, i32max));
        assert_eq!(range(json!({"format": "int"})), (i32min, i32max));
        assert_eq!(range(json!({"format": "int16"})), (-32768, 32767));
        assert_eq!(range(json!({"format": "int8"})), (-128, 127));
        assert_eq!(range(json!({})), (i64::MIN, i64::MAX));
        let bounded = json!({"format": "int16", "minimum": 0, "maximum": 100_000});
        assert_eq!(range(bounded), (0, 32767));
    }
}
