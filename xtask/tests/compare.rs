//! `cargo xtask compare`: our spec against a vendor's, on the small specs of
//! `xtask/tests/compare/`. `ours.yaml` is our side; each other file is it with one kind of
//! difference (its first lines say which), so every expected line below follows from the
//! two files: its class, its kind, where in the operation, and both JSON pointers.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compare")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("compare")
        .args(args)
        .current_dir(fixtures())
        .output()
        .expect("xtask runs")
}

/// The `--json` report of `ours` against `vendor`.
fn report(ours: &str, vendor: &str) -> Value {
    let out = xtask(&[ours, vendor, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// One expected line: class (`looser`, `stricter`, `doc`), kind, subject, ours, vendor.
type Expected<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

fn lines(report: &Value) -> Vec<(String, String, String, String, String)> {
    let text = |d: &Value, k: &str| d[k].as_str().unwrap().to_string();
    let mut out: Vec<_> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let class = match d["class"].as_str().unwrap() {
                "ours_looser" => "looser",
                "ours_stricter" => "stricter",
                "documentation_only" => "doc",
                other => panic!("unknown class {other}"),
            };
            let (kind, subject) = (text(d, "kind"), text(d, "subject"));
            (
                class.to_string(),
                kind,
                subject,
                text(d, "ours"),
                text(d, "vendor"),
            )
        })
        .collect();
    out.sort();
    out
}

/// The report of `ours.yaml` against `vendor` has exactly the `expected` lines.
fn assert_lines(vendor: &str, expected: &[Expected<'_>]) -> Value {
    let report = report("ours.yaml", vendor);
    let mut want: Vec<_> = expected
        .iter()
        .map(|(c, k, s, o, v)| {
            (
                c.to_string(),
                k.to_string(),
                s.to_string(),
                o.to_string(),
                v.to_string(),
            )
        })
        .collect();
    want.sort();
    assert_eq!(lines(&report), want, "{vendor}: {report:#}");
    report
}

/// The messages of the lines of `kind` at `subject`.
fn message<'a>(report: &'a Value, kind: &str, subject: &str) -> Vec<&'a str> {
    let differences = report["differences"].as_array().unwrap();
    differences
        .iter()
        .filter(|d| d["kind"] == kind && d["subject"] == subject)
        .map(|d| d["message"].as_str().unwrap())
        .collect()
}

const ITEM: &str = "/components/schemas/Item";
const REQUEST: &str = "/components/schemas/ItemRequest";

#[test]
fn the_same_values_in_other_words_and_a_renamed_path_parameter_are_no_difference() {
    // same.json: JSON; `$ref`s to parameters, request bodies and answers; `allOf` of two
    // parts; `oneOf` with a `NullEnum`; a readOnly field in the request; an Authorization
    // header; `{item_id}` for our `{id}`.
    let report = assert_lines(
        "same.json",
        &[(
            "doc",
            "path-parameter",
            "path",
            "/paths/~1items~1{id}~1",
            "/paths/~1items~1{item_id}~1",
        )],
    );
    assert_eq!(
        report["operations"],
        serde_json::json!({"ours": 3, "matched": 3})
    );
    assert_lines("ours.yaml", &[]);
}

#[test]
fn operations_missing_on_either_side() {
    let report = assert_lines(
        "operations.yaml",
        &[
            (
                "looser",
                "operation",
                "operation",
                "/paths/~1items~1/get",
                "/paths",
            ),
            (
                "looser",
                "operation",
                "operation",
                "/paths/~1items~1/post",
                "/paths",
            ),
            (
                "looser",
                "operation",
                "operation",
                "/paths/~1items~1{id}~1/put",
                "/paths/~1items~1{id}~1",
            ),
            (
                "stricter",
                "operation",
                "operation",
                "/paths/~1items~1{id}~1",
                "/paths/~1items~1{id}~1/delete",
            ),
        ],
    );
    assert_eq!(
        report["operations"],
        serde_json::json!({"ours": 3, "matched": 0})
    );
}

#[test]
fn parameters_missing_on_either_side_required_and_typed_otherwise() {
    let get = "/paths/~1items~1/get/parameters";
    assert_lines(
        "parameters.yaml",
        &[
            (
                "looser",
                "parameter",
                "parameter fields (query)",
                &format!("{get}/0"),
                get,
            ),
            (
                "looser",
                "required",
                "parameter sort (query)",
                &format!("{get}/1"),
                &format!("{get}/0"),
            ),
            (
                "looser",
                "parameter",
                "parameter X-Tenant (header)",
                get,
                &format!("{get}/2"),
            ),
            (
                "stricter",
                "parameter",
                "parameter page (query)",
                get,
                &format!("{get}/1"),
            ),
            (
                "looser",
                "type",
                "parameter id (path)",
                "/paths/~1items~1{id}~1/parameters/0/schema",
                "/paths/~1items~1{id}~1/put/parameters/0/schema",
            ),
        ],
    );
}

#[test]
fn fields_missing_on_either_side_of_requests_and_answers() {
    let (item, request) = (
        format!("{ITEM}/properties"),
        format!("{REQUEST}/properties"),
    );
    let p = |base: &str, name: &str| format!("{base}/{name}");
    let mut expected = vec![
        (
            "looser",
            "field",
            "request body .due".to_string(),
            p(&request, "due"),
            request.clone(),
        ),
        (
            "looser",
            "field",
            "request body .owner".into(),
            request.clone(),
            p(&request, "owner"),
        ),
        (
            "stricter",
            "field",
            "request body .color".into(),
            request.clone(),
            p(&request, "color"),
        ),
    ];
    for answer in ["answer", "answer[]"] {
        expected.extend([
            (
                "looser",
                "field",
                format!("{answer} .name"),
                p(&item, "name"),
                item.clone(),
            ),
            (
                "doc",
                "field",
                format!("{answer} .created"),
                p(&item, "created"),
                item.clone(),
            ),
            (
                "doc",
                "field",
                format!("{answer} .extra"),
                item.clone(),
                p(&item, "extra"),
            ),
        ]);
    }
    let expected: Vec<Expected<'_>> = expected
        .iter()
        .map(|(c, k, s, o, v)| (*c, *k, s.as_str(), o.as_str(), v.as_str()))
        .collect();
    assert_lines("fields.yaml", &expected);
}

#[test]
fn required_differs() {
    let mut expected = vec![
        (
            "stricter",
            "request body .name".to_string(),
            format!("{REQUEST}/required/0"),
            format!("{REQUEST}/properties/name"),
        ),
        (
            "looser",
            "request body .count".into(),
            format!("{REQUEST}/properties/count"),
            format!("{REQUEST}/required/0"),
        ),
    ];
    for answer in ["answer", "answer[]"] {
        expected.extend([
            (
                "looser",
                format!("{answer} .id"),
                format!("{ITEM}/required/0"),
                format!("{ITEM}/properties/id"),
            ),
            (
                "doc",
                format!("{answer} .status"),
                format!("{ITEM}/properties/status"),
                format!("{ITEM}/required/1"),
            ),
        ]);
    }
    let expected: Vec<Expected<'_>> = expected
        .iter()
        .map(|(c, s, o, v)| (*c, "required", s.as_str(), o.as_str(), v.as_str()))
        .collect();
    assert_lines("required.yaml", &expected);
}

#[test]
fn nullable_differs_and_an_optional_field_takes_null_unless_it_is_an_array() {
    let (item, request) = (
        format!("{ITEM}/properties"),
        format!("{REQUEST}/properties"),
    );
    let mut expected = vec![
        (
            "looser",
            "request body .note".to_string(),
            format!("{request}/note/nullable"),
            format!("{request}/note"),
        ),
        (
            "stricter",
            "request body .count".into(),
            format!("{request}/count"),
            format!("{request}/count/nullable"),
        ),
    ];
    for answer in ["answer", "answer[]"] {
        expected.extend([
            // Required: `String` refuses null.
            (
                "looser",
                format!("{answer} .name"),
                format!("{item}/name"),
                format!("{item}/name/nullable"),
            ),
            // Optional: `Option<i64>` takes null.
            (
                "doc",
                format!("{answer} .count"),
                format!("{item}/count"),
                format!("{item}/count/nullable"),
            ),
            // An optional array: `Vec<String>` refuses null.
            (
                "looser",
                format!("{answer} .tags"),
                format!("{item}/tags"),
                format!("{item}/tags/nullable"),
            ),
            (
                "doc",
                format!("{answer} .note"),
                format!("{item}/note/nullable"),
                format!("{item}/note"),
            ),
        ]);
    }
    let expected: Vec<Expected<'_>> = expected
        .iter()
        .map(|(c, s, o, v)| (*c, "nullable", s.as_str(), o.as_str(), v.as_str()))
        .collect();
    let report = assert_lines("nullable.yaml", &expected);
    assert!(
        message(&report, "nullable", "answer .count")[0]
            .contains("an optional field is an `Option`")
    );
}

#[test]
fn types_and_formats() {
    let (item, request) = (
        format!("{ITEM}/properties"),
        format!("{REQUEST}/properties"),
    );
    let mut expected = vec![
        // An integer is a number: ours cannot send 1.5.
        (
            "stricter",
            "type",
            "request body .count".to_string(),
            format!("{request}/count"),
            format!("{request}/count"),
        ),
        // `date` is a typed `NaiveDate`; `email` is a plain `String` on both sides.
        (
            "stricter",
            "format",
            "request body .due".into(),
            format!("{request}/due/format"),
            format!("{request}/due"),
        ),
        (
            "doc",
            "format",
            "request body .name".into(),
            format!("{request}/name"),
            format!("{request}/name/format"),
        ),
    ];
    for answer in ["answer", "answer[]"] {
        expected.extend([
            (
                "looser",
                "type",
                format!("{answer} .id"),
                format!("{item}/id"),
                format!("{item}/id"),
            ),
            (
                "looser",
                "type",
                format!("{answer} .count"),
                format!("{item}/count"),
                format!("{item}/count"),
            ),
            (
                "looser",
                "format",
                format!("{answer} .created"),
                format!("{item}/created/format"),
                format!("{item}/created"),
            ),
        ]);
    }
    let expected: Vec<Expected<'_>> = expected
        .iter()
        .map(|(c, k, s, o, v)| (*c, *k, s.as_str(), o.as_str(), v.as_str()))
        .collect();
    assert_lines("types.yaml", &expected);
}

#[test]
fn enum_values_added_and_missing_in_requests_and_answers() {
    let ours = "/components/schemas/Status/enum";
    let (request, answer) = (
        "/components/schemas/StatusRequest/enum",
        "/components/schemas/StatusAnswer/enum",
    );
    let report = assert_lines(
        "enums.yaml",
        &[
            ("looser", "enum", "request body .status", ours, request),
            ("stricter", "enum", "request body .status", ours, request),
            ("doc", "enum", "answer .status", ours, answer),
            ("doc", "enum", "answer .status", ours, answer),
            ("doc", "enum", "answer[] .status", ours, answer),
            ("doc", "enum", "answer[] .status", ours, answer),
        ],
    );
    let mut answers = message(&report, "enum", "answer .status");
    answers.sort();
    assert_eq!(
        answers,
        [
            "ours also lists \"done\"; the vendor never sends it",
            "the vendor also lists \"late\"; our client decodes it into the enum's `Unknown` variant",
        ]
    );
    let mut requests = message(&report, "enum", "request body .status");
    requests.sort();
    assert_eq!(
        requests,
        [
            "ours also lists \"done\"; our client may send it, which the vendor refuses",
            "the vendor also lists \"archived\"; our client cannot send it",
        ]
    );
}

#[test]
fn ranges_lengths_and_patterns_tightened_and_loosened() {
    let (item, request) = (
        format!("{ITEM}/properties"),
        format!("{REQUEST}/properties"),
    );
    let mut expected = vec![
        (
            "stricter",
            "minimum",
            "request body .count".to_string(),
            format!("{request}/count/minimum"),
            format!("{request}/count"),
        ),
        (
            "looser",
            "maximum",
            "request body .count".into(),
            format!("{request}/count/maximum"),
            format!("{request}/count/maximum"),
        ),
        (
            "looser",
            "maxLength",
            "request body .name".into(),
            format!("{request}/name/maxLength"),
            format!("{request}/name/maxLength"),
        ),
        (
            "stricter",
            "pattern",
            "request body .name".into(),
            format!("{request}/name/pattern"),
            format!("{request}/name"),
        ),
    ];
    for answer in ["answer", "answer[]"] {
        expected.extend([
            (
                "looser",
                "minimum",
                format!("{answer} .count"),
                format!("{item}/count/minimum"),
                format!("{item}/count"),
            ),
            (
                "looser",
                "maxLength",
                format!("{answer} .name"),
                format!("{item}/name/maxLength"),
                format!("{item}/name/maxLength"),
            ),
            (
                "doc",
                "minLength",
                format!("{answer} .name"),
                format!("{item}/name"),
                format!("{item}/name/minLength"),
            ),
            // `format: int32` is a range.
            (
                "doc",
                "minimum",
                format!("{answer} .id"),
                format!("{item}/id"),
                format!("{item}/id/format"),
            ),
            (
                "doc",
                "maximum",
                format!("{answer} .id"),
                format!("{item}/id"),
                format!("{item}/id/format"),
            ),
        ]);
    }
    let expected: Vec<Expected<'_>> = expected
        .iter()
        .map(|(c, k, s, o, v)| (*c, *k, s.as_str(), o.as_str(), v.as_str()))
        .collect();
    let report = assert_lines("bounds.yaml", &expected);
    assert_eq!(
        message(&report, "maximum", "answer .id"),
        [
            "ours none, the vendor's 2147483647 (its format); our client decodes every value the vendor sends"
        ]
    );
}

#[test]
fn drf_blank_and_null_enums_read_as_the_values_plus_blank_plus_null() {
    let report = assert_lines(
        "drf.yaml",
        &[
            (
                "stricter",
                "nullable",
                "request body .status",
                &format!("{REQUEST}/properties/status"),
                &format!("{REQUEST}/properties/status/nullable"),
            ),
            (
                "stricter",
                "enum",
                "request body .status",
                "/components/schemas/Status/enum",
                "/components/schemas/BlankEnum/enum",
            ),
            (
                "doc",
                "nullable",
                "answer .status",
                &format!("{ITEM}/properties/status"),
                &format!("{ITEM}/properties/status/nullable"),
            ),
            (
                "doc",
                "nullable",
                "answer[] .status",
                &format!("{ITEM}/properties/status"),
                &format!("{ITEM}/properties/status/nullable"),
            ),
            (
                "doc",
                "enum",
                "answer .status",
                "/components/schemas/Status/enum",
                "/components/schemas/BlankEnum/enum",
            ),
            (
                "doc",
                "enum",
                "answer[] .status",
                "/components/schemas/Status/enum",
                "/components/schemas/BlankEnum/enum",
            ),
        ],
    );
    // Only `""` is new: the statuses themselves are the same on both sides.
    assert_eq!(
        message(&report, "enum", "request body .status"),
        ["the vendor also lists \"\"; our client cannot send it"]
    );
    assert!(message(&report, "enum", "answer .status")[0].contains("x-crm-empty-string-is-null"));
}

#[test]
fn bodies_media_types_and_answer_statuses() {
    let put = "/paths/~1items~1{id}~1/put";
    let get = "/paths/~1items~1/get";
    assert_lines(
        "body.yaml",
        &[
            (
                "stricter",
                "body-required",
                "request body",
                &format!("{put}/requestBody"),
                &format!("{put}/requestBody"),
            ),
            (
                "doc",
                "media",
                "request body",
                &format!("{put}/requestBody/content"),
                &format!("{put}/requestBody/content"),
            ),
            (
                "doc",
                "status",
                "answer 200",
                &format!("{put}/responses/200"),
                &format!("{put}/responses"),
            ),
            (
                "looser",
                "status",
                "answer 201",
                &format!("{put}/responses"),
                &format!("{put}/responses/201"),
            ),
            (
                "doc",
                "status",
                "answer 400",
                &format!("{put}/responses"),
                &format!("{put}/responses/400"),
            ),
            (
                "looser",
                "answer-body",
                "answer 200",
                &format!("{get}/responses/200"),
                &format!("{get}/responses/200"),
            ),
        ],
    );
}

#[test]
fn one_difference_in_several_operations_is_one_line() {
    let report = report("ours.yaml", "fields.yaml");
    let due: Vec<&Value> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["subject"] == "request body .due")
        .collect();
    assert_eq!(due.len(), 1);
    assert_eq!(
        due[0]["operations"],
        serde_json::json!(["POST /items/", "PUT /items/{id}/"])
    );
}

#[test]
fn a_note_explains_its_kind_and_a_note_that_explains_nothing_is_reported() {
    let report = report("noted.yaml", "bounds.yaml");
    let differences = report["differences"].as_array().unwrap();
    let explained: Vec<(&str, &str)> = differences
        .iter()
        .filter(|d| !d["explained"].is_null())
        .map(|d| {
            (
                d["kind"].as_str().unwrap(),
                d["explained"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        explained,
        [(
            "pattern",
            "The source document gives this pattern; the vendor's spec has none."
        )]
    );
    // The note on the field does not explain its other difference (its maxLength).
    let stale: Vec<&Value> = differences.iter().filter(|d| d["kind"] == "note").collect();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["class"], "documentation_only");
    assert_eq!(
        stale[0]["ours"],
        "/components/schemas/Item/x-vendor-difference"
    );
    assert!(stale[0]["message"].as_str().unwrap().contains("`enum`"));
    assert_eq!(
        report["counts"]["ours_stricter"],
        serde_json::json!({"total": 2, "explained": 1})
    );
}

#[test]
fn the_text_report_is_one_line_per_difference_with_both_pointers() {
    let out = xtask(&["ours.yaml", "body.yaml"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("ours.yaml (ours) against body.yaml (the vendor's, OpenAPI 3.0.3)")
    );
    assert_eq!(
        lines.next(),
        Some("operations: 3 of ours, 3 found in the vendor's spec")
    );
    assert_eq!(
        lines.next(),
        Some(
            "differences: 6; 2 ours looser (2 unexplained), 1 ours stricter (0 explained), 3 documentation only (0 explained)"
        )
    );
    assert_eq!(lines.next(), Some(""));
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len(), 6, "{text}");
    // Classes in order: ours looser first.
    assert!(rest[0].starts_with("ours looser | "), "{text}");
    assert!(rest[5].starts_with("documentation only | "), "{text}");
    assert!(rest.contains(&"ours looser | status | PUT /items/{id}/ | answer 201 | only the vendor's documents it; our client reports this success as an unexpected response | ours /paths/~1items~1{id}~1/put/responses | vendor /paths/~1items~1{id}~1/put/responses/201"), "{text}");
}

#[test]
fn the_json_report_has_its_documented_shape() {
    let report = report("ours.yaml", "enums.yaml");
    let keys = |v: &Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(&report),
        [
            "counts",
            "differences",
            "operations",
            "ours",
            "vendor",
            "vendor_openapi"
        ]
    );
    assert_eq!(report["ours"], "ours.yaml");
    assert_eq!(report["vendor"], "enums.yaml");
    assert_eq!(report["vendor_openapi"], "3.0.3");
    assert_eq!(
        report["counts"],
        serde_json::json!({
            "ours_looser": {"total": 1, "explained": 0},
            "ours_stricter": {"total": 1, "explained": 0},
            "documentation_only": {"total": 4, "explained": 0},
        })
    );
    for d in report["differences"].as_array().unwrap() {
        assert_eq!(
            keys(d),
            [
                "class",
                "explained",
                "kind",
                "message",
                "operations",
                "ours",
                "subject",
                "vendor"
            ]
        );
        assert!(d["operations"].as_array().is_some_and(|o| !o.is_empty()));
    }
}

#[test]
fn bad_input_fails_with_one_clear_line() {
    let cases: [(&[&str], &str); 8] = [
        (&["ours.yaml"], "usage: cargo xtask compare"),
        (
            &["nosuch", "same.json"],
            "unknown api `nosuch`: there is no specs/nosuch.yaml (the apis are: ",
        ),
        (
            &["ours.yaml", "missing.yaml"],
            "missing.yaml: cannot read it",
        ),
        (
            &["ours.yaml", "not_json.json"],
            "not_json.json: not valid JSON",
        ),
        (
            &["ours.yaml", "not_openapi.yaml"],
            "not_openapi.yaml: not an OpenAPI 3 document",
        ),
        (
            &["ours.yaml", "swagger.yaml"],
            "swagger.yaml: a Swagger 2.0 document",
        ),
        (
            &["ours.yaml", "broken_ref.yaml"],
            "broken_ref.yaml: `$ref: #/components/schemas/Missing` (at /paths/~1items~1{id}~1/put/responses/200/content/application~1json/schema) points to nothing",
        ),
        (
            &["bad_note.yaml", "same.json"],
            "bad_note.yaml: /components/schemas/Item/x-vendor-difference: must map each kind",
        ),
    ];
    for (args, expected) in cases {
        let out = xtask(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn an_api_is_read_from_specs() {
    // Yume against itself: the name finds specs/yume.yaml, and a spec has no difference
    // with itself.
    let yume = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/yume.yaml");
    let report = report("yume", yume.to_str().unwrap());
    assert_eq!(report["ours"], "specs/yume.yaml");
    assert_eq!(
        report["operations"]["ours"],
        report["operations"]["matched"]
    );
    let left: Vec<&Value> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] != "note")
        .collect();
    assert!(left.is_empty(), "{report:#}");
}
