//! Building a typed body from JSON (a web form, a queue message) with errors that name the
//! refused field.

use serde::de::DeserializeOwned;
use std::fmt;

/// A value refused while decoding JSON into a type of these APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where: `sellerFirstName`, `handler.senderPhone`, `template_keys[0]` (`.` for the root).
    pub path: String,
    /// Why, e.g. `PersonName must match `^...$` (got "Ivan")`.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Decodes `json` into `T`, checking every constraint of the spec (patterns, lengths,
/// ranges, enums, required fields); the error names the field.
///
/// `json` is JSON text (`&str`, `String`: a request's body, a queue message) or an already
/// parsed `serde_json::Value` (or a reference to one): see [`JsonInput`]. Text that is not
/// JSON is refused at the root (`path` `.`, a message starting `not JSON: `), without
/// repeating the text.
///
/// This is the way to build a request body from input (a web form, a queue message), so it
/// is stricter than decoding an answer: an enum value the spec does not list is refused here
/// (`TriggerType must be 0, 1, 2 or 3 (got 7)`), while the client decodes the same value in
/// an answer into the enum's `Unknown` variant. A nullable field takes an explicit `null`
/// ([`crate::Nullable::Null`]).
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// struct Deal {
///     #[allow(dead_code)]
///     amount: u32,
/// }
/// use crm_bindings_runtime::from_json;
///
/// // From text,
/// let err = from_json::<Deal>(r#"{ "amount": -1 }"#).unwrap_err();
/// assert_eq!(err.path, "amount");
/// assert_eq!(err.message, "must be at least 0 (got -1)");
/// // or from a `serde_json::Value` (by value or by reference).
/// let deal: Deal = from_json(serde_json::json!({ "amount": 12 }))?;
/// assert_eq!(deal.amount, 12);
/// // Text that is not JSON:
/// let err = from_json::<Deal>("amount=12").unwrap_err();
/// assert_eq!(err.path, ".");
/// assert!(err.message.starts_with("not JSON: "), "{err}");
/// # Ok::<(), crm_bindings_runtime::FieldError>(())
/// ```
pub fn from_json<T: DeserializeOwned>(json: impl JsonInput) -> Result<T, FieldError> {
    json.decode()
}

/// What [`from_json`] takes: JSON text (`&str`, `String`, `&String`) or a
/// `serde_json::Value` (`Value`, `&Value`). Sealed: implemented here only.
pub trait JsonInput: sealed::Sealed {
    /// Decodes into `T` (what [`from_json`] calls).
    #[doc(hidden)]
    fn decode<T: DeserializeOwned>(self) -> Result<T, FieldError>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for serde_json::Value {}
    impl Sealed for &serde_json::Value {}
    impl Sealed for &str {}
    impl Sealed for String {}
    impl Sealed for &String {}
}

impl JsonInput for serde_json::Value {
    fn decode<T: DeserializeOwned>(self) -> Result<T, FieldError> {
        decode_from(self)
    }
}

impl JsonInput for &serde_json::Value {
    fn decode<T: DeserializeOwned>(self) -> Result<T, FieldError> {
        decode_from(self)
    }
}

impl JsonInput for &str {
    fn decode<T: DeserializeOwned>(self) -> Result<T, FieldError> {
        // Parsed first, then decoded as a value: serde_json's messages for text carry a
        // position (`at line 1 column 13`) the refusals' words do not expect.
        let value: serde_json::Value = serde_json::from_str(self).map_err(|e| FieldError {
            path: ".".into(),
            message: format!("not JSON: {e}"),
        })?;
        decode_from(value)
    }
}

impl JsonInput for String {
    fn decode<T: DeserializeOwned>(self) -> Result<T, FieldError> {
        self.as_str().decode()
    }
}

impl JsonInput for &String {
    fn decode<T: DeserializeOwned>(self) -> Result<T, FieldError> {
        self.as_str().decode()
    }
}

/// Decodes with the refused field's path, refusing enum values the spec does not list.
fn decode_from<'de, T, D>(json: D) -> Result<T, FieldError>
where
    T: DeserializeOwned,
    D: serde::Deserializer<'de, Error = serde_json::Error>,
{
    crate::unknown::refusing_unknown(|| serde_path_to_error::deserialize(json)).map_err(|e| {
        FieldError {
            path: e.path().to_string(),
            message: reworded(&e.into_inner().to_string()),
        }
    })
}

/// serde's own refusals of numbers and types (`invalid value: integer `-1`, expected u64`)
/// in the words the generated types use (`must be at least 0 (got -1)`); anything else as is.
fn reworded(message: &str) -> String {
    let Some((found, expected)) = message
        .strip_prefix("invalid value: ")
        .or_else(|| message.strip_prefix("invalid type: "))
        .and_then(|rest| rest.split_once(", expected "))
    else {
        return message.to_string();
    };
    let got = if let Some(n) = found.strip_prefix("integer `") {
        n.trim_end_matches('`').to_string()
    } else if let Some(n) = found.strip_prefix("floating point `") {
        n.trim_end_matches('`').to_string()
    } else if let Some(s) = found.strip_prefix("string ") {
        // serde shows the string `Debug`-quoted; a long one is described, not repeated.
        let inner = s.trim_matches('"');
        if inner.chars().count() > 24 {
            format!("a string of {} characters", inner.chars().count())
        } else {
            s.to_string()
        }
    } else {
        found.to_string()
    };
    let number = got.parse::<i128>().ok();
    let range = |min: i128, max: i128| match number {
        Some(n) if n < min => format!("must be at least {min} (got {got})"),
        Some(n) if n > max => format!("must be at most {max} (got {got})"),
        _ => format!("must be a whole number from {min} to {max} (got {got})"),
    };
    let unsigned = |max: u128| range(0, max as i128);
    match expected {
        "u8" => unsigned(u8::MAX.into()),
        "u16" => unsigned(u16::MAX.into()),
        "u32" => unsigned(u32::MAX.into()),
        "u64" | "usize" => unsigned(u64::MAX.into()),
        "a nonzero u8" => range(1, u8::MAX.into()),
        "a nonzero u16" => range(1, u16::MAX.into()),
        "a nonzero u32" => range(1, u32::MAX.into()),
        "a nonzero u64" => range(1, u64::MAX.into()),
        "i8" => range(i8::MIN.into(), i8::MAX.into()),
        "i16" => range(i16::MIN.into(), i16::MAX.into()),
        "i32" => range(i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => range(i64::MIN.into(), i64::MAX.into()),
        "a string" => format!("must be a string (got {got})"),
        "a boolean" => format!("must be true or false (got {got})"),
        other => match (other.strip_prefix("a "), other.split(' ').next_back()) {
            // The generated enums: `a TriggerType integer`, `a SortOrder string`.
            (Some(rest), Some(kind @ ("integer" | "string"))) => {
                let name = rest.trim_end_matches(kind).trim();
                format!("{name} must be an {kind} (got {got})").replace("an string", "a string")
            }
            _ => message.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::reworded;

    #[test]
    fn serde_refusals_in_the_crates_words() {
        let cases = [
            (
                "invalid value: integer `-1`, expected u64",
                "must be at least 0 (got -1)",
            ),
            (
                "invalid value: integer `0`, expected a nonzero u64",
                "must be at least 1 (got 0)",
            ),
            (
                "invalid value: integer `2147483648`, expected i32",
                "must be at most 2147483647 (got 2147483648)",
            ),
            (
                "invalid type: floating point `1.5`, expected u64",
                "must be a whole number from 0 to 18446744073709551615 (got 1.5)",
            ),
            (
                "invalid type: string \"soon\", expected u64",
                "must be a whole number from 0 to 18446744073709551615 (got \"soon\")",
            ),
            (
                "invalid type: string \"3\", expected a DeliveryStatus integer",
                "DeliveryStatus must be an integer (got \"3\")",
            ),
            (
                "invalid type: integer `0`, expected a SortReverse string",
                "SortReverse must be a string (got 0)",
            ),
            ("missing field `x`", "missing field `x`"),
        ];
        for (serde, ours) in cases {
            assert_eq!(reworded(serde), ours);
        }
        let long = format!("invalid type: string \"{}\", expected u64", "k".repeat(40));
        assert!(reworded(&long).ends_with("(got a string of 40 characters)"));
        // Up to 24 characters a string is repeated, from 25 described.
        let at_24 = format!("invalid type: string \"{}\", expected u64", "k".repeat(24));
        assert!(reworded(&at_24).ends_with(&format!("(got \"{}\")", "k".repeat(24))));
        let at_25 = format!("invalid type: string \"{}\", expected u64", "k".repeat(25));
        assert!(reworded(&at_25).ends_with("(got a string of 25 characters)"));
        // A number on a bound is inside the range: not "at least" / "at most".
        for (serde, ours) in [
            (
                "invalid value: integer `1`, expected a nonzero u8",
                "must be a whole number from 1 to 255 (got 1)",
            ),
            (
                "invalid value: integer `255`, expected u8",
                "must be a whole number from 0 to 255 (got 255)",
            ),
        ] {
            assert_eq!(reworded(serde), ours);
        }
    }
}
