//! No constraint is dropped in silence: for every constraint keyword, a small spec holding it
//! either generates code that enforces it (the surface shows the constraint beside the field;
//! `tests/keywords.rs` checks the refusal at run time on the golden sample), or `generate`
//! fails naming the file, the schema's location and the keyword.

use std::path::PathBuf;
use std::process::Command;

/// A one-operation spec whose request body `T` has the property `x` given as YAML.
fn spec_with(property: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /t:
    post:
      operationId: create_t
      requestBody:
        required: true
        content: {{application/json: {{schema: {{$ref: "#/components/schemas/T"}}, example: {{}}}}}}
      responses:
        "204": {{description: done}}
components:
  schemas:
    T:
      type: object
      properties:
        x: {property}
"##
    )
}

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-constraints-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// `(stdout, stderr, success)` of `cargo xtask <args>`.
fn xtask(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

/// Enforced: generation succeeds and the surface line of `x` shows `shown`.
const ENFORCED: &[(&str, &str, &str)] = &[
    (
        "minimum",
        "{type: integer, minimum: 0}",
        "x: Option<u64>, optional [>= 0]",
    ),
    (
        "minimum",
        "{type: integer, minimum: 1}",
        "x: Option<NonZeroU64>, optional [>= 1]",
    ),
    (
        "minimum",
        "{type: integer, minimum: 5}",
        "x: Option<Tx>, optional [>= 5]",
    ),
    (
        "maximum",
        "{type: integer, minimum: 0, maximum: 10}",
        "x: Option<Tx>, optional [>= 0; <= 10]",
    ),
    (
        "exclusiveMinimum",
        "{type: integer, minimum: 0, exclusiveMinimum: true}",
        "x: Option<NonZeroU64>, optional [> 0]",
    ),
    (
        "exclusiveMaximum",
        "{type: integer, maximum: 10, exclusiveMaximum: true}",
        "x: Option<Tx>, optional [< 10]",
    ),
    (
        "multipleOf",
        "{type: integer, multipleOf: 5}",
        "x: Option<Tx>, optional [multiple of 5]",
    ),
    (
        "minLength",
        "{type: string, minLength: 2}",
        "x: Option<TX>, optional [length >= 2]",
    ),
    (
        "maxLength",
        "{type: string, maxLength: 2}",
        "x: Option<TX>, optional [length <= 2]",
    ),
    (
        "pattern",
        "{type: string, pattern: '^a+$'}",
        "x: Option<TX>, optional [pattern ^a+$]",
    ),
    (
        "format",
        "{type: integer, format: int32}",
        "x: Option<i32>, optional [format int32]",
    ),
    (
        "format",
        "{type: string, format: date}",
        "x: Option<NaiveDate>, optional [format date]",
    ),
    (
        "format",
        "{type: string, format: email, pattern: '^[^@]+@[^@]+$'}",
        "x: Option<TX>, optional [pattern ^[^@]+@[^@]+$; format email]",
    ),
    (
        "format",
        "{type: string, format: uuid}",
        "x: Option<Uuid>, optional [format uuid]",
    ),
    (
        "minimum",
        "{type: number, minimum: 0.5}",
        "x: Option<Tx>, optional [>= 0.5]",
    ),
    (
        "maximum",
        "{type: number, maximum: 9.5}",
        "x: Option<Tx>, optional [<= 9.5]",
    ),
    (
        "exclusiveMinimum",
        "{type: number, minimum: 0, exclusiveMinimum: true}",
        "x: Option<Tx>, optional [> 0]",
    ),
    (
        "exclusiveMaximum",
        "{type: number, maximum: 1, exclusiveMaximum: true}",
        "x: Option<Tx>, optional [< 1]",
    ),
    (
        "multipleOf",
        "{type: number, multipleOf: 0.5}",
        "x: Option<Tx>, optional [multiple of 0.5]",
    ),
];

/// Refused: generation fails naming the location and the keyword.
const REFUSED: &[(&str, &str)] = &[
    (
        "minItems",
        "{type: array, items: {type: string}, minItems: 1}",
    ),
    (
        "maxItems",
        "{type: array, items: {type: string}, maxItems: 3}",
    ),
    (
        "uniqueItems",
        "{type: array, items: {type: string}, uniqueItems: true}",
    ),
    ("multipleOf", "{type: number, multipleOf: 0}"),
    ("format", "{type: string, format: email}"),
    ("format", "{type: string, format: uri}"),
    ("pattern", "{type: string, format: date, pattern: '^2'}"),
    (
        "maxLength",
        "{type: string, format: date-time, maxLength: 30}",
    ),
    ("minLength", "{type: integer, minLength: 1}"),
    ("minimum", "{type: string, minimum: 1}"),
];

#[test]
fn every_enforced_keyword_shows_beside_its_field() {
    for (keyword, property, shown) in ENFORCED {
        let path = write(&format!("enforced-{keyword}"), &spec_with(property));
        let (stdout, stderr, ok) = xtask(&["surface", path.to_str().unwrap()]);
        assert!(ok, "{keyword} {property}: refused:\n{stderr}");
        assert!(
            stdout.lines().any(|l| l.trim() == *shown),
            "{keyword} {property}: expected `{shown}` in:\n{stdout}"
        );
    }
}

#[test]
fn every_keyword_the_generator_cannot_enforce_is_refused_with_its_location() {
    for (keyword, property) in REFUSED {
        let path = write(&format!("refused-{keyword}"), &spec_with(property));
        let (_, stderr, ok) = xtask(&["check", path.to_str().unwrap()]);
        assert!(!ok, "{keyword} {property} was accepted");
        let expected = format!(
            "{}: #/components/schemas/T/properties/x: [unenforced-constraint] `{keyword}`",
            path.display()
        );
        assert!(
            stderr.lines().any(|l| l.starts_with(&expected)),
            "{keyword} {property}: expected `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn a_range_where_no_type_can_be_made_is_refused() {
    // A path-level parameter is shared by operations: no one name for a validated type.
    let spec = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /t/{n}:
    parameters:
      - {name: n, in: path, required: true, schema: {type: integer, minimum: 0, maximum: 9}, example: 1}
    get:
      operationId: get_t
      responses:
        "204": {description: done}
"#;
    let path = write("path-level-range", spec);
    let (_, stderr, ok) = xtask(&["check", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("#/paths/~1t~1{n}/parameters/0/schema: [unenforced-constraint] `minimum`: typify would generate `i64` and drop it"),
        "{stderr}"
    );
}

#[test]
fn enum_values_must_keep_the_enums_own_range() {
    let spec = spec_with("{$ref: \"#/components/schemas/E\"}").replace(
        "    T:\n",
        "    E: {type: integer, minimum: 0, maximum: 5, enum: [1, 9], x-enum-varnames: [A, B]}\n    T:\n",
    );
    let path = write("enum-range", &spec);
    let (_, stderr, ok) = xtask(&["check", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("#/components/schemas/E: [unenforced-constraint] `enum`: the value 9 breaks the schema's own range"),
        "{stderr}"
    );
}
