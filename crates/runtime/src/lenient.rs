//! The lenient field decoders the spec extensions ask for (`x-crm-number-or-string`,
//! `x-crm-empty-string-is-null`), which the generated types name in `deserialize_with`.
//!
//! They read a scalar as it comes (a number, or a string borrowed from the input where it
//! can be) and hand it to the field's type through `Scalar`, a deserializer that behaves
//! as `serde_json::Value`'s does for scalars, without building a `Value` or cloning one. A
//! first attempt that may fail (an id sent as a number for a `String` field) fails with
//! `Mismatch`, which allocates nothing; only the answer that is finally refused gets a
//! real message.

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A value as it was sent: a number or a string kept as is, anything else as JSON.
#[derive(Debug, Clone)]
enum Sent<'de> {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(Cow<'de, str>),
    Other(serde_json::Value),
}

impl<'de> Deserialize<'de> for Sent<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SentVisitor)
    }
}

struct SentVisitor;

impl<'de> Visitor<'de> for SentVisitor {
    type Value = Sent<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Sent<'de>, E> {
        Ok(Sent::Unsigned(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Sent<'de>, E> {
        Ok(Sent::Signed(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Sent<'de>, E> {
        Ok(Sent::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Sent<'de>, E> {
        Ok(Sent::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Sent<'de>, E> {
        Ok(Sent::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Sent<'de>, E> {
        Ok(Sent::Text(Cow::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Sent<'de>, E> {
        Ok(Sent::Other(serde_json::Value::Bool(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Sent<'de>, E> {
        Ok(Sent::Other(serde_json::Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Sent<'de>, E> {
        Ok(Sent::Other(serde_json::Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Sent<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Sent<'de>, A::Error> {
        let value = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Sent::Other(value))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Sent<'de>, A::Error> {
        let value = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Sent::Other(value))
    }
}

/// An error that carries nothing: a first attempt's refusal, which is either retried in the
/// other form or redone with the real error type for its message.
#[derive(Debug)]
struct Mismatch;

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mismatch")
    }
}

impl std::error::Error for Mismatch {}

impl de::Error for Mismatch {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Mismatch
    }
}

/// A scalar as a deserializer, answering every request as `serde_json::Value`'s does for a
/// number or a string (so a field decodes the same as through a `Value`).
/// Borrowed for an attempt that may fail; owned for the last one, so an owned string moves
/// into a `String` field instead of being copied.
struct Scalar<'a, E> {
    sent: Cow<'a, Sent<'a>>,
    error: PhantomData<E>,
}

fn scalar<'a, E>(sent: &'a Sent<'a>) -> Scalar<'a, E> {
    Scalar {
        sent: Cow::Borrowed(sent),
        error: PhantomData,
    }
}

fn owned_scalar<E>(sent: Sent<'_>) -> Scalar<'_, E> {
    Scalar {
        sent: Cow::Owned(sent),
        error: PhantomData,
    }
}

impl<'de, E: de::Error> Deserializer<'de> for Scalar<'_, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.sent {
            Cow::Owned(Sent::Text(Cow::Owned(s))) => visitor.visit_string(s),
            sent => match sent.as_ref() {
                Sent::Unsigned(n) => visitor.visit_u64(*n),
                Sent::Signed(n) => visitor.visit_i64(*n),
                Sent::Float(n) => visitor.visit_f64(*n),
                Sent::Text(s) => visitor.visit_str(s),
                // Not reached from the decoders below (they decode other values as JSON), but
                // answered as JSON all the same.
                Sent::Other(value) => value.clone().deserialize_any(visitor).map_err(E::custom),
            },
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        // A number or a string is never null (the decoders take `null` apart first).
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.sent.as_ref() {
            // A unit variant by its name, as `Value::String` gives it.
            Sent::Text(s) => {
                let text: de::value::StrDeserializer<'_, E> = s.as_ref().into_deserializer();
                text.deserialize_enum(name, variants, visitor)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// `x-crm-number-or-string`: a value sent as a number or as a string (`7` or `"7"`) decodes
/// into the field's one type. An integer is also tried as its digits, and a string as the
/// number it spells; a float is never turned into text (`1.8e19` is not an id's digits).
pub fn number_or_string<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let sent = Sent::deserialize(deserializer)?;
    if let Sent::Other(value) = sent {
        return T::deserialize(value).map_err(de::Error::custom);
    }
    if let Ok(decoded) = T::deserialize(scalar::<Mismatch>(&sent)) {
        return Ok(decoded);
    }
    let other = match &sent {
        Sent::Unsigned(n) => Some(Sent::Text(Cow::Owned(n.to_string()))),
        Sent::Signed(n) => Some(Sent::Text(Cow::Owned(n.to_string()))),
        Sent::Text(s) => s.trim().parse::<serde_json::Number>().ok().map(|n| {
            match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => Sent::Unsigned(u),
                (None, Some(i), _) => Sent::Signed(i),
                (None, None, f) => Sent::Float(f.unwrap_or(f64::NAN)),
            }
        }),
        Sent::Float(_) | Sent::Other(_) => None,
    };
    match other {
        Some(other) => T::deserialize(owned_scalar::<D::Error>(other)),
        // Refused in its only form: that refusal's own message.
        None => T::deserialize(scalar::<D::Error>(&sent)),
    }
}

/// `x-crm-empty-string-is-null`: `""` and `null` (and a field left out) decode as `None`.
pub fn empty_string_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Sent>::deserialize(deserializer)? {
        None | Some(Sent::Other(serde_json::Value::Null)) => Ok(None),
        Some(Sent::Text(s)) if s.is_empty() => Ok(None),
        Some(Sent::Other(value)) => T::deserialize(value).map(Some).map_err(de::Error::custom),
        Some(sent) => T::deserialize(owned_scalar::<D::Error>(sent)).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Ids {
        #[serde(deserialize_with = "number_or_string")]
        text: String,
        #[serde(deserialize_with = "number_or_string")]
        number: i64,
    }

    fn ids(json: &str) -> Result<Ids, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_and_strings_decode_into_the_fields_type() {
        let seven = Ids {
            text: "7".into(),
            number: 7,
        };
        assert_eq!(ids(r#"{"text": "7", "number": 7}"#), Ok(seven));
        let swapped = ids(r#"{"text": 7, "number": " 7 "}"#).unwrap();
        assert_eq!((swapped.text.as_str(), swapped.number), ("7", 7));
        let negative = ids(r#"{"text": -3, "number": "-3"}"#).unwrap();
        assert_eq!((negative.text.as_str(), negative.number), ("-3", -3));
        // Digits past u64 keep their text as a string; as a number they are a float.
        let huge = ids(r#"{"text": "18446744073709551616", "number": 1}"#).unwrap();
        assert_eq!(huge.text, "18446744073709551616");
        // An escaped string (not borrowed from the input) decodes the same.
        assert_eq!(ids(r#"{"text": "\u0037", "number": 1}"#).unwrap().text, "7");
    }

    #[test]
    fn what_is_refused_says_why() {
        let cases = [
            (
                r#"{"text": 1.5, "number": 1}"#,
                "invalid type: floating point `1.5`, expected a string at line 1 column 12",
            ),
            (
                r#"{"text": 18446744073709551616, "number": 1}"#,
                "invalid type: floating point `1.8446744073709552e+19`, expected a string at line 1 column 29",
            ),
            (
                r#"{"text": "1", "number": "soon"}"#,
                "invalid type: string \"soon\", expected i64 at line 1 column 31",
            ),
            (
                r#"{"text": "1", "number": "7.5"}"#,
                "invalid type: floating point `7.5`, expected i64 at line 1 column 30",
            ),
            (
                r#"{"text": true, "number": 1}"#,
                "invalid type: boolean `true`, expected a string at line 1 column 13",
            ),
            (
                r#"{"text": null, "number": 1}"#,
                "invalid type: null, expected a string at line 1 column 13",
            ),
            (
                r#"{"text": [1], "number": 1}"#,
                "invalid type: sequence, expected a string at line 1 column 12",
            ),
        ];
        for (json, message) in cases {
            assert_eq!(ids(json), Err(message.to_string()), "{json}");
        }
    }

    #[test]
    fn a_value_json_cannot_hold_is_refused_by_name() {
        let bytes = de::value::BytesDeserializer::<de::value::Error>::new(b"x");
        let refused = Sent::deserialize(bytes).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "invalid type: byte array, expected any JSON value"
        );
    }

    #[derive(Deserialize, Debug, PartialEq)]
    enum Status {
        #[serde(rename = "exceed")]
        Exceed,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Optional {
        #[serde(default, deserialize_with = "empty_string_as_none")]
        status: Option<Status>,
        #[serde(default, deserialize_with = "empty_string_as_none")]
        count: Option<u8>,
    }

    #[test]
    fn empty_strings_and_null_are_none() {
        let decode = |json: &str| serde_json::from_str::<Optional>(json).map_err(|e| e.to_string());
        let none = Optional {
            status: None,
            count: None,
        };
        assert_eq!(
            decode(r#"{"status": "", "count": null}"#).as_ref(),
            Ok(&none)
        );
        assert_eq!(decode("{}").as_ref(), Ok(&none));
        assert_eq!(
            decode(r#"{"status": "exceed", "count": 3}"#),
            Ok(Optional {
                status: Some(Status::Exceed),
                count: Some(3),
            })
        );
        assert_eq!(
            decode(r#"{"status": "late"}"#),
            Err("unknown variant `late`, expected `exceed` at line 1 column 18".to_string())
        );
        assert_eq!(
            decode(r#"{"count": 300}"#),
            Err("invalid value: integer `300`, expected u8 at line 1 column 14".to_string())
        );
        assert_eq!(
            decode(r#"{"count": [3]}"#),
            Err("invalid type: sequence, expected u8 at line 1 column 14".to_string())
        );
    }
}
