//! What a careful user would write by hand with serde for the same answers, accepting the
//! same inputs as the generated types: ids and counters as numbers or strings, Yume's
//! empty status strings as none. Plain types (integers and strings for the enums; no
//! length checks), as hand-written code would have them.

// The fields are decoded, which is what is measured, and never read.
#![allow(dead_code)]

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A number or a string, as the text of the number.
fn number_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Text;
    impl Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    deserializer.deserialize_any(Text)
}

/// An integer sent as a number or a string of digits.
fn integer_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct Integer;
    impl Visitor<'_> for Integer {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a string of one")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(E::custom)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            v.trim().parse().map_err(E::custom)
        }
    }
    deserializer.deserialize_any(Integer)
}

/// `""` or null as `None`.
fn empty_as_none<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.filter(|s| !s.is_empty()))
}

pub mod cscart {
    use super::*;

    #[derive(Deserialize, Debug)]
    pub struct CallRequestList {
        pub call_requests: Vec<CallRequest>,
        pub params: Params,
    }

    #[derive(Deserialize, Debug)]
    pub struct CallRequest {
        pub cart_products: String,
        #[serde(deserialize_with = "number_or_string")]
        pub company_id: String,
        pub name: String,
        #[serde(deserialize_with = "Option::deserialize")]
        pub notes: Option<String>,
        #[serde(deserialize_with = "number_or_string")]
        pub order_id: String,
        #[serde(deserialize_with = "Option::deserialize")]
        pub order_status: Option<String>,
        pub phone: String,
        #[serde(deserialize_with = "Option::deserialize")]
        pub product: Option<String>,
        #[serde(deserialize_with = "number_or_string")]
        pub product_id: String,
        #[serde(deserialize_with = "number_or_string")]
        pub request_id: String,
        pub status: String,
        pub time_from: String,
        pub time_to: String,
        #[serde(deserialize_with = "number_or_string")]
        pub timestamp: String,
        #[serde(deserialize_with = "number_or_string")]
        pub user_id: String,
    }

    #[derive(Deserialize, Debug)]
    pub struct Params {
        #[serde(deserialize_with = "number_or_string")]
        pub items_per_page: String,
        #[serde(deserialize_with = "integer_or_string")]
        pub page: i64,
        pub sort_by: String,
        pub sort_order: String,
        pub sort_order_rev: String,
        #[serde(deserialize_with = "number_or_string")]
        pub total_items: String,
    }
}

pub mod yume {
    use super::*;
    use chrono::{DateTime, Utc};

    #[derive(Deserialize, Debug)]
    pub struct WazzupTrigger {
        pub created_at: DateTime<Utc>,
        pub delivery_status: Option<i64>,
        pub delivery_type: Option<i64>,
        #[serde(default)]
        pub documents: Vec<i64>,
        pub id: i64,
        pub order: Option<i32>,
        pub order_payment_status_from: Option<i64>,
        pub order_payment_status_to: Option<i64>,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub order_status_from: Option<String>,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub order_status_to: Option<String>,
        pub sale_status_from: Option<i64>,
        pub sale_status_to: Option<i64>,
        pub template_id: Option<String>,
        pub template_keys: Option<Vec<String>>,
        pub tenant: i64,
        pub text: Option<String>,
        pub timeout: Option<String>,
        #[serde(rename = "type")]
        pub type_: Option<i64>,
        pub updated_at: DateTime<Utc>,
    }
}
