//! The wording of every refusal: which value, which rule, and what was given instead
//! (`id must be at least 1 (got 0)`). The generated code calls these, so every API says it
//! the same way; strings are described, never repeated whole when long.

use crate::unknown::quoted;
use std::fmt;

/// `count` characters, for a message.
fn characters(count: usize) -> String {
    match count {
        0 => "an empty string".into(),
        1 => "1 character".into(),
        n => format!("{n} characters"),
    }
}

/// A string length rule broken (`min`/`max` are the schema's `minLength`/`maxLength`), or
/// `None` when `value` keeps it.
#[doc(hidden)]
pub fn length(
    subject: &str,
    min: Option<usize>,
    max: Option<usize>,
    value: &str,
) -> Option<String> {
    let count = value.chars().count();
    let broken = min.is_some_and(|min| count < min) || max.is_some_and(|max| count > max);
    if !broken {
        // Every answer's strings pass here: no message is made for them.
        return None;
    }
    let rule = match (min, max) {
        (Some(min), Some(max)) if min == max => format!("be exactly {}", characters(min)),
        (Some(min), Some(max)) => format!("be from {min} to {}", characters(max)),
        (Some(1), None) => "not be empty".into(),
        (Some(min), None) => format!("be at least {}", characters(min)),
        (None, Some(max)) => format!("be at most {}", characters(max)),
        (None, None) => return None,
    };
    Some(format!("{subject} must {rule} (got {})", characters(count)))
}

/// A string that does not match the schema's `pattern`.
#[doc(hidden)]
pub fn mismatch(subject: &str, pattern: &str, value: &str) -> String {
    format!("{subject} must match `{pattern}` (got {})", quoted(value))
}

/// An integer outside `min..=max`, or not a multiple of `multiple_of`; `None` when it keeps
/// every rule.
#[doc(hidden)]
pub fn integer(
    subject: &str,
    min: Option<i128>,
    max: Option<i128>,
    multiple_of: Option<i128>,
    value: i128,
) -> Option<String> {
    let rule = match (min, max) {
        (Some(min), _) if value < min => format!("at least {min}"),
        (_, Some(max)) if value > max => format!("at most {max}"),
        _ => match multiple_of {
            Some(m) if m != 0 && value % m != 0 => format!("a multiple of {m}"),
            _ => return None,
        },
    };
    Some(format!("{subject} must be {rule} (got {value})"))
}

/// A bound of a number range: the value and whether it is exclusive (`> 0` rather than
/// `>= 0`).
#[doc(hidden)]
pub type NumberBound = Option<(f64, bool)>;

/// A number outside its range (`min`/`max`, each inclusive or exclusive), not a multiple of
/// `multiple_of`, or not finite; `None` when it keeps every rule. A multiple is checked with
/// a relative tolerance of 1e-9, as `0.3` is not an exact multiple of `0.1` in binary.
#[doc(hidden)]
pub fn number(
    subject: &str,
    min: NumberBound,
    max: NumberBound,
    multiple_of: Option<f64>,
    value: f64,
) -> Option<String> {
    let rule = if !value.is_finite() {
        "a finite number".to_string()
    } else {
        match (min, max) {
            (Some((min, true)), _) if value <= min => format!("greater than {min}"),
            (Some((min, false)), _) if value < min => format!("at least {min}"),
            (_, Some((max, true))) if value >= max => format!("less than {max}"),
            (_, Some((max, false))) if value > max => format!("at most {max}"),
            _ => match multiple_of {
                Some(m) if m > 0.0 && !is_multiple(value, m) => format!("a multiple of {m}"),
                _ => return None,
            },
        }
    };
    Some(format!("{subject} must be {rule} (got {value})"))
}

fn is_multiple(value: f64, of: f64) -> bool {
    let quotient = value / of;
    (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
}

/// A parameter refused by an integer type (`NonZeroU64`, `u64`, `i32`, ...) whose range is
/// `min..=max`: `value` is what the caller passed (any integer type, shown by `Debug`).
#[doc(hidden)]
pub fn integer_param(name: &str, min: i128, max: i128, value: &dyn fmt::Debug) -> String {
    let shown = format!("{value:?}");
    match shown.parse::<i128>() {
        Ok(number) => integer(name, Some(min), Some(max), None, number)
            .unwrap_or_else(|| format!("{name} must be from {min} to {max} (got {number})")),
        Err(_) => format!("{name} must be an integer from {min} to {max} (got {shown})"),
    }
}

/// A parameter refused by its type (a validated newtype or an enum): the type's own message
/// (`CampaignId must be exactly 5 characters (got 4 characters)`) with the parameter's name
/// in place of the type's.
#[doc(hidden)]
pub fn typed_param(name: &str, type_name: &str, error: &dyn fmt::Display) -> String {
    let message = error.to_string();
    match message.strip_prefix(type_name) {
        Some(rest) if rest.starts_with(' ') => format!("{name}{rest}"),
        _ => format!("{name}: {message}"),
    }
}

/// A required parameter the caller did not set.
#[doc(hidden)]
pub fn missing(name: &str) -> String {
    format!("{name} is required (not set)")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made-up bounds: inclusive and exclusive on each side, multiples of a decimal
    /// fraction, values that are not finite.
    #[test]
    fn numbers() {
        let price = |v| number("Price", Some((0.0, true)), Some((1000.0, false)), None, v);
        assert_eq!(price(0.01), None);
        assert_eq!(price(1000.0), None);
        assert_eq!(price(0.0).unwrap(), "Price must be greater than 0 (got 0)");
        assert_eq!(
            price(1000.5).unwrap(),
            "Price must be at most 1000 (got 1000.5)"
        );
        let share = |v| number("Share", Some((0.0, false)), Some((1.0, true)), None, v);
        assert_eq!(share(0.0), None);
        assert_eq!(share(-0.5).unwrap(), "Share must be at least 0 (got -0.5)");
        assert_eq!(share(1.0).unwrap(), "Share must be less than 1 (got 1)");
        let step = |v| number("Step", None, None, Some(0.1), v);
        assert_eq!(step(0.3), None);
        assert_eq!(step(-2.5), None);
        assert_eq!(
            step(0.25).unwrap(),
            "Step must be a multiple of 0.1 (got 0.25)"
        );
        assert_eq!(
            step(f64::NAN).unwrap(),
            "Step must be a finite number (got NaN)"
        );
        assert_eq!(
            number("X", None, None, None, f64::INFINITY).unwrap(),
            "X must be a finite number (got inf)"
        );
    }

    #[test]
    fn lengths() {
        assert_eq!(length("T", Some(5), Some(5), "12345"), None);
        assert_eq!(
            length("T", Some(5), Some(5), "1234").unwrap(),
            "T must be exactly 5 characters (got 4 characters)"
        );
        assert_eq!(
            length("T", None, Some(3), "ёжик").unwrap(),
            "T must be at most 3 characters (got 4 characters)"
        );
        assert_eq!(
            length("T", Some(1), None, "").unwrap(),
            "T must not be empty (got an empty string)"
        );
        assert_eq!(
            length("T", Some(2), Some(4), "1").unwrap(),
            "T must be from 2 to 4 characters (got 1 character)"
        );
        assert_eq!(length("T", Some(2), None, "12"), None);
        assert_eq!(length("T", None, None, ""), None);
    }

    #[test]
    fn integers() {
        assert_eq!(
            integer("id", Some(1), None, None, 0).unwrap(),
            "id must be at least 1 (got 0)"
        );
        assert_eq!(
            integer("n", Some(0), Some(10), None, 11).unwrap(),
            "n must be at most 10 (got 11)"
        );
        assert_eq!(
            integer("n", None, None, Some(5), 7).unwrap(),
            "n must be a multiple of 5 (got 7)"
        );
        assert_eq!(integer("n", Some(0), Some(10), Some(5), 10), None);
        assert_eq!(integer("n", Some(0), Some(10), Some(5), 0), None);
    }

    #[test]
    fn params() {
        assert_eq!(
            integer_param("id", 1, u64::MAX.into(), &0u64),
            "id must be at least 1 (got 0)"
        );
        assert_eq!(
            integer_param("id", 0, i32::MAX.into(), &(u64::MAX)),
            "id must be at most 2147483647 (got 18446744073709551615)"
        );
        assert_eq!(
            typed_param("id", "CampaignId", &"CampaignId must be x (got y)"),
            "id must be x (got y)"
        );
        assert_eq!(typed_param("id", "Other", &"oops"), "id: oops");
        // The type's name must be a whole word: `CampaignIdList ...` is another type's text.
        assert_eq!(
            typed_param("id", "CampaignId", &"CampaignIdList must be x"),
            "id: CampaignIdList must be x"
        );
        assert_eq!(missing("page"), "page is required (not set)");
    }

    #[test]
    fn long_strings_are_described_not_repeated() {
        let secret = "s".repeat(40);
        let message = mismatch("T", "^a$", &secret);
        assert!(!message.contains(&secret), "{message}");
        assert!(
            message.ends_with("(got a string of 40 characters)"),
            "{message}"
        );
        assert_eq!(mismatch("T", "^a$", "b"), "T must match `^a$` (got \"b\")");
    }
}
