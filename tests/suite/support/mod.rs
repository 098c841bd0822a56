//! Helpers shared by the suites (each uses a part of them).
#![allow(dead_code)]

pub mod harness;
pub mod matchers;
pub mod operations;
pub mod prism;
pub mod spec;
pub mod tls;
pub mod traces;
pub mod wire;

/// A fixture file from `tests/fixtures/`: the source documents' own examples, verbatim.
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// A JSON answer whose body is a fixture file: `json_response(200, "<api>/x.json")`.
pub fn json_response(status: u16, path: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .set_body_string(fixture(path))
}

/// A fixture parsed as JSON.
pub fn json_fixture(path: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The API names of `specs/*.yaml`, sorted: what every cross-API suite must exercise.
pub fn spec_apis() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    let mut apis: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "yaml").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    apis.sort();
    apis
}

/// Fails unless `suite` exercised every spec's API: a spec added without its feature, facade
/// or generated code is named here by every cross-API suite.
pub fn assert_every_spec(suite: &str, exercised: impl IntoIterator<Item = impl AsRef<str>>) {
    let mut exercised: Vec<String> = exercised
        .into_iter()
        .map(|a| a.as_ref().to_string())
        .collect();
    exercised.sort();
    exercised.dedup();
    let missing: Vec<String> = spec_apis()
        .into_iter()
        .filter(|api| !exercised.contains(api))
        .collect();
    assert!(
        missing.is_empty(),
        "the {suite} suite did not exercise {missing:?}: each spec in specs/ needs its cargo \
         feature (and in `default`), its facade src/<api>.rs and `cargo xtask generate`"
    );
}
