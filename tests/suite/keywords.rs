//! Every constraint keyword the generator enforces refuses what breaks it, at run time: the
//! generator's golden sample (`xtask/tests/golden/keywords.yaml`, generated into the unpublished
//! crate `crates/golden`) holds each keyword in each place it can sit. The keywords the generator
//! cannot enforce are refused by `cargo xtask generate` (`xtask/tests/constraints.rs`).
//! Expected values come from the sample spec's own keywords.
use crm_bindings::{Nullable, from_json};
use crm_bindings_keywords::{Client, types};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `from_json::<T>(json)` is refused with exactly `expected` (`` `path`: message ``).
fn refused<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    json: serde_json::Value,
    expected: &str,
) {
    match from_json::<T>(json.clone()) {
        Ok(value) => panic!("{json} was accepted as {value:?}"),
        Err(err) => assert_eq!(err.to_string(), expected, "{json}"),
    }
}

fn thing(changes: serde_json::Value) -> serde_json::Value {
    let mut thing = json!({ "percent": 50 });
    for (k, v) in changes.as_object().unwrap() {
        thing[k] = v.clone();
    }
    thing
}

#[test]
fn minimum_and_maximum() {
    assert_eq!(types::Percent::try_from(0i64).unwrap().get(), 0);
    assert_eq!(types::Percent::try_from(100u8).unwrap().get(), 100);
    assert_eq!(
        types::Percent::try_from(-1i32).unwrap_err().to_string(),
        "Percent must be at least 0 (got -1)"
    );
    assert_eq!(
        types::Percent::try_from(u64::MAX).unwrap_err().to_string(),
        "Percent must be at most 100 (got 18446744073709551615)"
    );
    assert_eq!(
        "101".parse::<types::Percent>().unwrap_err().to_string(),
        "Percent must be at most 100 (got 101)"
    );
    refused::<types::Thing>(
        thing(json!({ "percent": 101 })),
        "`percent`: Percent must be at most 100 (got 101)",
    );
    // Inline ranges on a property and on array items became validated types too.
    refused::<types::Thing>(
        thing(json!({ "rating": 0 })),
        "`rating`: ThingRating must be at least 1 (got 0)",
    );
    refused::<types::Thing>(
        thing(json!({ "weights": [0, 501] })),
        "`weights[1]`: ThingWeightsItem must be at most 500 (got 501)",
    );
    let ok: types::Thing = from_json(thing(json!({ "rating": 5, "weights": [0, 500] }))).unwrap();
    assert_eq!(ok.rating.map(|r| r.get()), Some(5));
}

#[test]
fn exclusive_minimum_and_maximum() {
    for good in [1, 999] {
        assert_eq!(types::Positive::new(good).unwrap().get(), good);
    }
    assert_eq!(
        types::Positive::new(0).unwrap_err().to_string(),
        "Positive must be at least 1 (got 0)"
    );
    assert_eq!(
        types::Positive::new(1000).unwrap_err().to_string(),
        "Positive must be at most 999 (got 1000)"
    );
}

#[test]
fn multiple_of() {
    assert_eq!(types::Even::new(-4).unwrap().get(), -4);
    assert_eq!(
        types::Even::new(3).unwrap_err().to_string(),
        "Even must be a multiple of 2 (got 3)"
    );
    refused::<types::Thing>(
        thing(json!({ "even": 7 })),
        "`even`: Even must be a multiple of 2 (got 7)",
    );
}

/// Numbers: `minimum` exclusive and `maximum` inclusive (`Price`, a component), an inline
/// range on a property (`share`, moved to a component), `multipleOf` on a parameter.
#[test]
fn number_ranges() {
    assert_eq!(types::Price::try_from(0.01).unwrap().get(), 0.01);
    assert_eq!(types::Price::try_from(1000u16).unwrap().get(), 1000.0);
    assert_eq!(
        types::Price::try_from(0.0).unwrap_err().to_string(),
        "Price must be greater than 0 (got 0)"
    );
    assert_eq!(
        types::Price::new(1000.5).unwrap_err().to_string(),
        "Price must be at most 1000 (got 1000.5)"
    );
    assert_eq!(
        "abc".parse::<types::Price>().unwrap_err().to_string(),
        "Price must be a number (got \"abc\")"
    );
    assert!(types::Price::new(f64::NAN).is_err());
    refused::<types::Thing>(
        thing(json!({ "price": -3 })),
        "`price`: Price must be greater than 0 (got -3)",
    );
    refused::<types::Thing>(
        thing(json!({ "share": 1 })),
        "`share`: ThingShare must be less than 1 (got 1)",
    );
    let ok: types::Thing = from_json(thing(json!({ "price": 4.5, "share": 0 }))).unwrap();
    assert_eq!(ok.price.map(|p| p.get()), Some(4.5));
    assert_eq!(
        types::PutThingBudget::try_from(0.3)
            .unwrap_err()
            .to_string(),
        "PutThingBudget must be a multiple of 0.25 (got 0.3)"
    );
    assert_eq!(types::PutThingBudget::try_from(-0.75).unwrap().get(), -0.75);
    // An answer outside the range does not decode either.
    assert!(serde_json::from_value::<types::Thing>(thing(json!({ "price": 0 }))).is_err());
}

/// `format: uuid` is the uuid crate's `Uuid`: text that is not one is refused.
#[test]
fn uuids() {
    let ok: types::Thing = from_json(thing(
        json!({ "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6" }),
    ))
    .unwrap();
    assert_eq!(
        ok.id.map(|id| id.to_string()).as_deref(),
        Some("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    );
    assert!(from_json::<types::Thing>(thing(json!({ "id": "not-a-uuid" }))).is_err());
}

#[test]
fn integer_formats() {
    let ok: types::Thing = from_json(thing(json!({ "small": -32768 }))).unwrap();
    assert_eq!(ok.small.map(|s| s.0), Some(-32768));
    assert!(from_json::<types::Thing>(thing(json!({ "small": 32768 }))).is_err());
}

#[test]
fn min_length_max_length_and_pattern() {
    assert_eq!("ABC".parse::<types::Code>().unwrap().as_str(), "ABC");
    assert_eq!(
        "AB".parse::<types::Code>().unwrap_err().to_string(),
        "Code must be exactly 3 characters (got 2 characters)"
    );
    assert_eq!(
        "ABCD".parse::<types::Code>().unwrap_err().to_string(),
        "Code must be exactly 3 characters (got 4 characters)"
    );
    assert_eq!(
        "abc".parse::<types::Code>().unwrap_err().to_string(),
        "Code must match `^[A-Z]+$` (got \"abc\")"
    );
    refused::<types::Thing>(
        thing(json!({ "note": "x".repeat(21) })),
        "`note`: ThingNote must be at most 20 characters (got 21 characters)",
    );
    refused::<types::Thing>(
        thing(json!({ "tags": ["ok", "ninechars"] })),
        "`tags[1]`: ThingTagsItem must be at most 8 characters (got 9 characters)",
    );
}

#[test]
fn formats_email_date_time() {
    assert!("a@b.c".parse::<types::Email>().is_ok());
    assert_eq!(
        "a.b.c".parse::<types::Email>().unwrap_err().to_string(),
        "Email must match `^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$` (got \"a.b.c\")"
    );
    assert!(from_json::<types::Thing>(thing(json!({ "at": "2024-02-30T10:00:00Z" }))).is_err());
    assert!(from_json::<types::Thing>(thing(json!({ "at": "2024-02-29T10:00:00Z" }))).is_ok());
}

#[test]
fn enums_and_their_range() {
    // A documented value, an undocumented one inside the range (kept), one outside (refused).
    let level: types::Level = serde_json::from_value(json!(2)).unwrap();
    assert_eq!(level, types::Level::Middle);
    let unknown: types::Level = serde_json::from_value(json!(7)).unwrap();
    assert!(unknown.is_unknown());
    assert_eq!(unknown.value(), 7);
    assert!(serde_json::from_value::<types::Level>(json!(10)).is_err());
    refused::<types::Thing>(
        thing(json!({ "level": 7 })),
        "`level`: Level must be 1, 2 or 3 (got 7)",
    );
    assert_eq!(types::Size::default(), types::Size::Small);
}

#[test]
fn nullable_fields_keep_their_constraints() {
    let cleared: types::Thing = from_json(thing(json!({ "note": null }))).unwrap();
    assert_eq!(cleared.note, Nullable::Null);
    let absent: types::Thing = from_json(thing(json!({}))).unwrap();
    assert_eq!(absent.note, Nullable::Absent);
    assert_eq!(
        serde_json::to_value(&absent).unwrap(),
        json!({ "percent": 50 }),
        "absent fields and empty options are left out"
    );
}

/// Parameters: each keyword refuses before sending, the message naming the parameter once.
#[tokio::test]
async fn parameters_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "percent": 1 })))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri());
    let body = || from_json::<types::Thing>(json!({ "percent": 1 })).unwrap();
    let cases = [
        (
            client.put_thing().id(0u64).body(body()).send().await.err(),
            "put_thing: id must be at least 1 (got 0); nothing was sent",
        ),
        (
            client
                .put_thing()
                .id(1u64)
                .score(11)
                .body(body())
                .send()
                .await
                .err(),
            "put_thing: score must be at most 10 (got 11); nothing was sent",
        ),
        (
            client
                .put_thing()
                .id(1u64)
                .code("X")
                .body(body())
                .send()
                .await
                .err(),
            "put_thing: code must be from 2 to 4 characters (got 1 character); nothing was sent",
        ),
        (
            client
                .put_thing()
                .id(1u64)
                .size("medium")
                .body(body())
                .send()
                .await
                .err(),
            "put_thing: size must be `small` or `large` (got \"medium\"); nothing was sent",
        ),
        (
            client
                .put_thing()
                .id(1u64)
                .budget(100.5)
                .body(body())
                .send()
                .await
                .err(),
            "put_thing: budget must be at most 100 (got 100.5); nothing was sent",
        ),
        (
            client.put_thing().body(body()).send().await.err(),
            "put_thing: id is required (not set); nothing was sent",
        ),
    ];
    for (err, expected) in cases {
        assert_eq!(err.expect(expected).to_string(), expected);
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // The same parameters within their rules are sent.
    client
        .put_thing()
        .id(1u64)
        .score(10)
        .code("AB")
        .size(types::Size::Large)
        .budget(99.75)
        .ref_(
            "3fa85f64-5717-4562-b3fc-2c963f66afa6"
                .parse::<uuid::Uuid>()
                .unwrap(),
        )
        .body(body())
        .send()
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].url.query(),
        Some("budget=99.75&code=AB&ref=3fa85f64-5717-4562-b3fc-2c963f66afa6&score=10&size=large")
    );
}
