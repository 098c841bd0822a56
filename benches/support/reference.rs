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

/// The request bodies, as a user would write them for `serde_json` (`Option`s left out of
/// the JSON when unset, as a PATCH needs). The benchmark fills them from the spec's
/// examples, hence `Deserialize`.
pub mod requests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Clone, Debug)]
    pub struct CallRequestInput {
        pub name: String,
        pub phone: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default)]
    pub struct WazzupTriggerRequest {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub delivery_status: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub delivery_type: Option<i64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub documents: Vec<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub order: Option<i32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub order_payment_status_from: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub order_payment_status_to: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub order_status_from: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub order_status_to: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub sale_status_from: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub sale_status_to: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub template_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub template_keys: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub text: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub timeout: Option<String>,
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        pub type_: Option<i64>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default)]
    #[serde(rename_all = "camelCase")]
    pub struct DealUpdate {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ad_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub buyer_email: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub buyer_first_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub buyer_last_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub buyer_patronymic: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub buyer_phone: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cart_id: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub handler: Option<Handler>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub payment: Option<Payment>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub product_price: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub product_title: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub product_weight: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub seller_email: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub seller_first_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub seller_last_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub seller_patronymic: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub seller_phone: Option<String>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default)]
    #[serde(rename_all = "camelCase")]
    pub struct Handler {
        pub recipient_city_id: String,
        pub recipient_email: String,
        pub recipient_first_name: String,
        pub recipient_last_name: String,
        pub recipient_office_id: String,
        pub recipient_patronymic: String,
        pub recipient_phone: String,
        pub sender_city_id: String,
        pub sender_email: String,
        pub sender_first_name: String,
        pub sender_last_name: String,
        pub sender_office_id: String,
        pub sender_patronymic: String,
        pub sender_phone: String,
        #[serde(rename = "type")]
        pub type_: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default)]
    #[serde(rename_all = "camelCase")]
    pub struct Payment {
        pub card_to_id: String,
        #[serde(rename = "type")]
        pub type_: String,
    }

    #[derive(Serialize, Deserialize, Clone, Debug)]
    pub struct OutboundRecordUpdate {
        pub status_id: i64,
    }
}

/// The answers the request benchmarks decode that `cscart` and `yume` above do not cover.
pub mod answers {
    use super::*;

    #[derive(Deserialize, Debug)]
    pub struct CallRequestId {
        #[serde(deserialize_with = "number_or_string")]
        pub request_id: String,
    }

    #[derive(Deserialize, Debug)]
    pub struct DealUpdateResponse {
        pub data: DealRef,
    }

    #[derive(Deserialize, Debug)]
    pub struct DealRef {
        #[serde(rename = "externalId", default)]
        pub external_id: Option<String>,
        pub id: String,
    }

    /// solOS documents no fields of a project: an object of anything.
    pub type Project = serde_json::Map<String, serde_json::Value>;
}
