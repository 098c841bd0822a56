//! Enum values the spec does not list. CRMs add statuses all the time: one new value from the
//! server must not fail a whole answer, and a value a user makes up must never be sent.
//!
//! Every generated enum has an `Unknown(UnknownValue<_>)` variant. Only decoding can create
//! an [`UnknownValue`] (it has no public constructor), so an undocumented value reaches a
//! request only by sending back one the server sent. [`crate::from_json`], `FromStr` and
//! `TryFrom` refuse undocumented values: they build requests from user input.

use std::cell::Cell;
use std::fmt;

/// A value the server sent for an enum that the spec does not list, kept as it was sent
/// (`UnknownValue<String>` for string enums, `UnknownValue<i64>` for integer enums) so that it
/// is shown and sent back unchanged.
///
/// Users cannot create one:
///
/// ```compile_fail
/// let made_up = crm_bindings_runtime::UnknownValue("shipped".to_string());
/// ```
///
/// Do not match on a particular unknown value: when the spec lists it, a later version of
/// this crate decodes it into a named variant instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue<T>(T);

/// Only decoding creates these: the generated enums' decoders call this (the module is
/// hidden and not part of the API, so a user's code calling it is not covered by semver).
pub fn decoded<T>(raw: T) -> UnknownValue<T> {
    UnknownValue(raw)
}

impl<T> UnknownValue<T> {
    /// The value as the server sent it.
    pub fn raw(&self) -> &T {
        &self.0
    }
}

impl UnknownValue<String> {
    /// The string the server sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl UnknownValue<i64> {
    /// The integer the server sent.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl<T: fmt::Display> fmt::Display for UnknownValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: serde::Serialize> serde::Serialize for UnknownValue<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

thread_local! {
    /// Set while [`crate::from_json`] decodes: undocumented enum values are refused then.
    static REFUSE_UNKNOWN: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with undocumented enum values refused (on this thread; serde decodes
/// synchronously), restoring the previous setting afterwards, also on panic.
pub(crate) fn refusing_unknown<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            REFUSE_UNKNOWN.with(|cell| cell.set(self.0));
        }
    }
    let _restore = Restore(REFUSE_UNKNOWN.with(|cell| cell.replace(true)));
    f()
}

fn unknown_refused() -> bool {
    REFUSE_UNKNOWN.with(Cell::get)
}

/// `a`, `b` or `c`: the documented values for a message.
fn listed<T: fmt::Display>(values: &[T]) -> String {
    let shown: Vec<String> = values
        .iter()
        .map(|v| v.to_string())
        .map(|v| match v.parse::<i64>() {
            Ok(_) => v,
            Err(_) => format!("`{v}`"),
        })
        .collect();
    match shown.as_slice() {
        [] => "nothing".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The message of a refused enum value: `TriggerType must be 0, 1, 2 or 3 (got 7)`.
#[doc(hidden)]
pub fn not_listed<T: fmt::Display>(type_name: &str, values: &[T], got: &str) -> String {
    format!("{type_name} must be {} (got {got})", listed(values))
}

/// Decodes a string enum: `Ok(index)` of a documented value, or `Err(raw)` for another
/// string, which is an `Unknown` variant (or an error inside [`crate::from_json`]).
/// Called by the generated `Deserialize` impls.
#[doc(hidden)]
pub fn decode_str<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    type_name: &'static str,
    values: &'static [&'static str],
) -> Result<Result<usize, String>, D::Error> {
    struct Visitor(&'static str, &'static [&'static str]);
    impl serde::de::Visitor<'_> for Visitor {
        type Value = Result<usize, String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a {} string", self.0)
        }
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
            if let Some(index) = self.1.iter().position(|v| *v == value) {
                return Ok(Ok(index));
            }
            if unknown_refused() {
                return Err(E::custom(not_listed(self.0, self.1, &quoted(value))));
            }
            Ok(Err(value.to_string()))
        }
    }
    deserializer.deserialize_str(Visitor(type_name, values))
}

/// Decodes an integer enum: `Ok(index)` of a documented value, or `Err(raw)` for another
/// integer within the schema's range (`min..=max`). Called by the generated `Deserialize`
/// impls.
#[doc(hidden)]
pub fn decode_i64<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    type_name: &'static str,
    values: &'static [i64],
    range: (i64, i64),
) -> Result<Result<usize, i64>, D::Error> {
    struct Visitor(&'static str, &'static [i64], (i64, i64));
    impl Visitor {
        fn check<E: serde::de::Error>(&self, value: i128) -> Result<Result<usize, i64>, E> {
            if let Some(index) = self.1.iter().position(|v| i128::from(*v) == value) {
                return Ok(Ok(index));
            }
            let (min, max) = self.2;
            let listed = not_listed(self.0, self.1, &value.to_string());
            if unknown_refused() {
                return Err(E::custom(listed));
            }
            match i64::try_from(value) {
                Ok(raw) if (min..=max).contains(&raw) => Ok(Err(raw)),
                _ => Err(E::custom(format!(
                    "{} must be from {min} to {max} (got {value})",
                    self.0
                ))),
            }
        }
    }
    impl serde::de::Visitor<'_> for Visitor {
        type Value = Result<usize, i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a {} integer", self.0)
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
            self.check(value.into())
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
            self.check(value.into())
        }
    }
    deserializer.deserialize_i64(Visitor(type_name, values, range))
}

/// `"text"` for a short string; `a string of N characters` for a long one, which may be
/// anything (even a credential pasted in the wrong place) and is not repeated whole.
pub(crate) fn quoted(value: &str) -> String {
    const SHOWN: usize = 24;
    let count = value.chars().count();
    if count <= SHOWN {
        format!("{value:?}")
    } else {
        format!("a string of {count} characters")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUES: &[&str] = &["new", "done"];

    fn decode_text(json: &str) -> Result<Result<usize, String>, serde_json::Error> {
        decode_str(
            &mut serde_json::Deserializer::from_str(json),
            "Status",
            VALUES,
        )
    }

    fn decode_number(json: &str) -> Result<Result<usize, i64>, serde_json::Error> {
        decode_i64(
            &mut serde_json::Deserializer::from_str(json),
            "Level",
            &[1, 2],
            (0, 9),
        )
    }

    /// A value of the wrong JSON kind is refused saying what the enum expects (a made-up
    /// enum: `Status` of strings, `Level` of integers 0 to 9).
    #[test]
    fn the_wrong_kind_of_value_names_what_was_expected() {
        assert_eq!(decode_text("\"done\"").unwrap(), Ok(1));
        assert_eq!(decode_text("\"late\"").unwrap(), Err("late".to_string()));
        let error = decode_text("3").unwrap_err().to_string();
        assert!(error.contains("expected a Status string"), "{error}");
        assert_eq!(decode_number("2").unwrap(), Ok(1));
        assert_eq!(decode_number("7").unwrap(), Err(7));
        let error = decode_number("\"2\"").unwrap_err().to_string();
        assert!(error.contains("expected a Level integer"), "{error}");
    }

    /// An unknown value shows as what the server sent.
    #[test]
    fn an_unknown_value_shows_the_raw_value() {
        assert_eq!(UnknownValue("late".to_string()).to_string(), "late");
        assert_eq!(UnknownValue(-7i64).to_string(), "-7");
    }
}
