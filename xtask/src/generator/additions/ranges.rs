//! Validated number newtypes: a schema whose range no Rust type holds becomes a type that
//! can only hold values inside it (`Price::try_from(0.0)` fails with `Price must be greater
//! than 0 (got 0)`), checked before anything is sent and when an answer is decoded.
//! progenitor uses them in place of typify's own type (`with_replacement`): typify would make
//! `i64` or `f64` and drop the range.

use crate::generator::checks::constraints::{Bounds, RangeType};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The newtype of one range schema, placed in the generated `types` module.
pub fn range_tokens(r: &RangeType) -> TokenStream {
    match r.bounds {
        Bounds::Integer {
            min,
            max,
            multiple_of,
        } => integer_tokens(r, min, max, multiple_of),
        Bounds::Number {
            min,
            max,
            multiple_of,
        } => number_tokens(r, min, max, multiple_of),
    }
}

/// A validated integer newtype for a schema whose range no integer type expresses
/// (`minimum: 0, maximum: 10`, `multipleOf: 5`, ...): built only through checks.
fn integer_tokens(
    r: &RangeType,
    min: Option<i128>,
    max: Option<i128>,
    multiple_of: Option<i128>,
) -> TokenStream {
    let name = format_ident!("{}", r.name);
    let schema_name = &r.name;
    let bound = |b: Option<i128>| match b {
        Some(b) => quote!(::std::option::Option::Some(#b)),
        None => quote!(::std::option::Option::None),
    };
    let (min_tokens, max_tokens, multiple) = (bound(min), bound(max), bound(multiple_of));
    let mut rules = Vec::new();
    if let Some(min) = min {
        rules.push(format!("at least {min}"));
    }
    if let Some(max) = max {
        rules.push(format!("at most {max}"));
    }
    if let Some(m) = multiple_of {
        rules.push(format!("a multiple of {m}"));
    }
    let doc = format!(
        "{}\n\nAn integer {}; refused otherwise, before anything is sent.",
        r.description,
        rules.join(", ")
    );
    let min_json = min.map(|m| quote!(Some(#m as f64))).unwrap_or(quote!(None));
    let max_json = max.map(|m| quote!(Some(#m as f64))).unwrap_or(quote!(None));
    let multiple_json = multiple_of
        .map(|m| quote!(Some(#m as f64)))
        .unwrap_or(quote!(None));
    let sources = [
        quote!(i8),
        quote!(i16),
        quote!(i32),
        quote!(i64),
        quote!(isize),
        quote!(u8),
        quote!(u16),
        quote!(u32),
        quote!(u64),
        quote!(usize),
    ];
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(i64);
        impl #name {
            /// The value, checked against the spec's range.
            pub fn new(value: i64) -> ::std::result::Result<Self, self::error::ConversionError> {
                Self::check(value.into())
            }
            fn check(value: i128) -> ::std::result::Result<Self, self::error::ConversionError> {
                match ::crm_bindings_runtime::validate::integer(#schema_name, #min_tokens, #max_tokens, #multiple, value) {
                    Some(message) => Err(message.into()),
                    // In range, so it fits an `i64` (the range is within `i64`'s).
                    None => Ok(Self(value as i64)),
                }
            }
            /// The integer sent on the wire.
            pub fn get(self) -> i64 {
                self.0
            }
        }
        impl ::std::ops::Deref for #name {
            type Target = i64;
            fn deref(&self) -> &i64 {
                &self.0
            }
        }
        impl ::std::convert::From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.0
            }
        }
        #(
            impl ::std::convert::TryFrom<#sources> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: #sources) -> ::std::result::Result<Self, Self::Error> {
                    Self::check(value as i128)
                }
            }
        )*
        impl ::std::str::FromStr for #name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value.trim().parse::<i128>() {
                    Ok(number) => Self::check(number),
                    Err(_) => Err(format!("{} must be an integer (got {value:?})", #schema_name).into()),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = i64::deserialize(deserializer)?;
                Self::new(value).map_err(|e| <D::Error as ::serde::de::Error>::custom(e.to_string()))
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
                    ..Default::default()
                };
                let number = schema.number();
                number.minimum = #min_json;
                number.maximum = #max_json;
                number.multiple_of = #multiple_json;
                schema.metadata().description = Some(#doc.to_string());
                schema.into()
            }
        }
    }
}

/// A validated number newtype over `f64` for a `type: number` schema with a range
/// (`minimum: 0, exclusiveMinimum: true`, `multipleOf: 0.5`, ...): typify makes a plain
/// `f64` and drops the range. Built only through checks; an answer outside the range does
/// not decode, as with the integers.
fn number_tokens(
    r: &RangeType,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
    multiple_of: Option<f64>,
) -> TokenStream {
    let name = format_ident!("{}", r.name);
    let schema_name = &r.name;
    let bound = |b: Option<(f64, bool)>| match b {
        Some((value, exclusive)) => quote!(::std::option::Option::Some((#value, #exclusive))),
        None => quote!(::std::option::Option::None),
    };
    let (min_tokens, max_tokens) = (bound(min), bound(max));
    let multiple = match multiple_of {
        Some(m) => quote!(::std::option::Option::Some(#m)),
        None => quote!(::std::option::Option::None),
    };
    let mut rules = Vec::new();
    match min {
        Some((m, true)) => rules.push(format!("greater than {m}")),
        Some((m, false)) => rules.push(format!("at least {m}")),
        None => {}
    }
    match max {
        Some((m, true)) => rules.push(format!("less than {m}")),
        Some((m, false)) => rules.push(format!("at most {m}")),
        None => {}
    }
    if let Some(m) = multiple_of {
        rules.push(format!("a multiple of {m}"));
    }
    let doc = format!(
        "{}\n\nA number {}; refused otherwise, before anything is sent.",
        r.description,
        rules.join(", ")
    );
    let json_bound = |b: Option<(f64, bool)>, exclusive: bool| match b {
        Some((value, e)) if e == exclusive => quote!(Some(#value)),
        _ => quote!(None),
    };
    let (minimum, exclusive_minimum) = (json_bound(min, false), json_bound(min, true));
    let (maximum, exclusive_maximum) = (json_bound(max, false), json_bound(max, true));
    let multiple_json = match multiple_of {
        Some(m) => quote!(Some(#m)),
        None => quote!(None),
    };
    let integers = [
        quote!(i8),
        quote!(i16),
        quote!(i32),
        quote!(u8),
        quote!(u16),
        quote!(u32),
    ];
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, PartialOrd, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(f64);
        impl #name {
            /// The value, checked against the spec's range.
            pub fn new(value: f64) -> ::std::result::Result<Self, self::error::ConversionError> {
                match ::crm_bindings_runtime::validate::number(#schema_name, #min_tokens, #max_tokens, #multiple, value) {
                    Some(message) => Err(message.into()),
                    None => Ok(Self(value)),
                }
            }
            /// The number sent on the wire.
            pub fn get(self) -> f64 {
                self.0
            }
        }
        impl ::std::ops::Deref for #name {
            type Target = f64;
            fn deref(&self) -> &f64 {
                &self.0
            }
        }
        impl ::std::convert::From<#name> for f64 {
            fn from(value: #name) -> Self {
                value.0
            }
        }
        impl ::std::convert::TryFrom<f64> for #name {
            type Error = self::error::ConversionError;
            fn try_from(value: f64) -> ::std::result::Result<Self, Self::Error> {
                Self::new(value)
            }
        }
        // Integers whose every value is exact as an `f64` (no `f32`: `try_from(0.5)` would
        // then need a type annotation).
        #(
            impl ::std::convert::TryFrom<#integers> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: #integers) -> ::std::result::Result<Self, Self::Error> {
                    Self::new(value.into())
                }
            }
        )*
        impl ::std::str::FromStr for #name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value.trim().parse::<f64>() {
                    Ok(number) => Self::new(number),
                    Err(_) => Err(format!("{} must be a number (got {value:?})", #schema_name).into()),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = f64::deserialize(deserializer)?;
                Self::new(value).map_err(|e| <D::Error as ::serde::de::Error>::custom(e.to_string()))
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
                    instance_type: Some(::schemars::schema::InstanceType::Number.into()),
                    ..Default::default()
                };
                let number = schema.number();
                number.minimum = #minimum;
                number.exclusive_minimum = #exclusive_minimum;
                number.maximum = #maximum;
                number.exclusive_maximum = #exclusive_maximum;
                number.multiple_of = #multiple_json;
                schema.metadata().description = Some(#doc.to_string());
                schema.into()
            }
        }
    }
}
