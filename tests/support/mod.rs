//! Helpers shared by the test files (each test file uses a part of them).
#![allow(dead_code)]

// Test-only helpers; `examples/tour` shares this module for the mocks and fixtures.
#[cfg(test)]
pub mod operations;
#[cfg(test)]
pub mod prism;
#[cfg(test)]
pub mod spec;
#[cfg(test)]
pub mod wire;

/// A fixture file from `tests/fixtures/`: the source documents' own examples, verbatim.
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// A JSON answer whose body is a fixture file: `json_response(200, "cscart/x.json")`.
pub fn json_response(status: u16, path: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .set_body_string(fixture(path))
}

/// A fixture parsed as JSON.
pub fn json_fixture(path: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub mod mocks;
