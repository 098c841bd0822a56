//! The three states of a clearable request field: left out, `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A request-body field the spec marks `nullable`: the server keeps its value when the field
/// is left out ([`Nullable::Absent`], the default), clears it on `null` ([`Nullable::Null`]),
/// and sets it otherwise ([`Nullable::Value`]).
///
/// `Option<T>` has only two states, so it cannot say "clear this field" and "leave it alone"
/// apart; every nullable field of a request body is generated as `Nullable<T>` instead.
/// Fields of answers stay `Option<T>`: for reading, `null` and "left out" mean the same.
///
/// The generated structs skip an absent field, as here (an API's own example:
/// `crm_bindings::yume::types::PatchedWazzupTriggerRequest`):
///
/// ```
/// use crm_bindings_runtime::Nullable;
///
/// #[derive(Default, serde::Serialize)]
/// struct Patch {
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     text: Nullable<String>,
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     template_id: Nullable<String>,
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     delay: Nullable<u32>,
/// }
///
/// let patch = Patch {
///     text: Nullable::Null,                       // clear the text
///     template_id: Nullable::Value("welcome".into()),
///     ..Default::default()                        // everything else is left out
/// };
/// assert_eq!(
///     serde_json::to_value(&patch)?,
///     serde_json::json!({ "text": null, "template_id": "welcome" }),
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Left out of the body: the server keeps the field's value.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the field.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `Some(v)` becomes [`Nullable::Value`], `None` becomes [`Nullable::Null`] (clear it).
    pub fn or_null(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }

    /// `Some(v)` becomes [`Nullable::Value`], `None` becomes [`Nullable::Absent`] (keep it).
    pub fn or_absent(value: Option<T>) -> Self {
        value.map_or(Nullable::Absent, Nullable::Value)
    }

    /// The field is left out of the body (the generated structs skip it when serialising).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// The field is sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if there is one, by value.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(value),
        }
    }

    /// Maps the value, keeping `Absent` and `Null`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(f(value)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // `Absent` is skipped by the generated structs (`skip_serializing_if`); anywhere
            // else there is no way to leave a value out, so it is `null` too.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// `null` is [`Nullable::Null`]; a missing field is [`Nullable::Absent`] through the
    /// generated structs' `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::or_null)
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Nullable<T> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        format!("Nullable_{}", T::schema_name())
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <Option<T> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;

    /// What each state answers (values made up here).
    #[test]
    fn each_state_answers_for_itself() {
        let states = [Nullable::Absent, Nullable::Null, Nullable::Value(7)];
        let answers: Vec<_> = states
            .iter()
            .map(|n| (n.is_absent(), n.is_null(), n.value().copied()))
            .collect();
        assert_eq!(
            answers,
            [
                (true, false, None),
                (false, true, None),
                (false, false, Some(7))
            ]
        );
        let owned: Vec<Option<i32>> = states.into_iter().map(Nullable::into_value).collect();
        assert_eq!(owned, [None, None, Some(7)]);
        assert_eq!(Nullable::Value(2).map(|v| v * 3), Nullable::Value(6));
        assert_eq!(Nullable::<i32>::Null.map(|v| v * 3), Nullable::Null);
        assert_eq!(Nullable::or_null(None::<i32>), Nullable::Null);
        assert_eq!(Nullable::or_absent(None::<i32>), Nullable::Absent);
        assert_eq!(Nullable::or_absent(Some(4)), Nullable::Value(4));
        assert_eq!(Nullable::or_null(Some(4)), Nullable::Value(4));
        assert_eq!(Nullable::<i32>::Absent.map(|v| v * 3), Nullable::Absent);
        let refs: Vec<Nullable<&i32>> = states.iter().map(Nullable::as_ref).collect();
        assert_eq!(
            refs,
            [Nullable::Absent, Nullable::Null, Nullable::Value(&7)]
        );
        assert_eq!(Nullable::from(1), Nullable::Value(1));
    }

    /// In a JSON schema a `Nullable<T>` field is what an `Option<T>` field is, inline; its
    /// name says what it wraps.
    #[cfg(feature = "schemars")]
    #[test]
    fn the_schema_is_the_option_schema_inline() {
        use schemars::JsonSchema;
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct Patch {
            text: Nullable<String>,
        }
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct Plain {
            text: Option<String>,
        }
        let patch = serde_json::to_value(schemars::schema_for!(Patch)).unwrap();
        let plain = serde_json::to_value(schemars::schema_for!(Plain)).unwrap();
        assert_eq!(patch["properties"]["text"], plain["properties"]["text"]);
        assert_eq!(patch.get("definitions"), None, "{patch}");
        assert_eq!(Nullable::<String>::schema_name(), "Nullable_String");
    }
}
