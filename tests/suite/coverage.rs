//! Every spec in `specs/` is covered: its API is compiled in (so every cross-API suite runs
//! over it: each checks that too), and it has its own test file, fixtures from its seed and
//! a tour section. A spec dropped into `specs/` alone fails here, naming what is missing.

use crate::support::spec_apis;
use std::path::Path;

#[test]
fn every_spec_has_its_api_tests_fixtures_and_tour() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compiled: Vec<&str> = crm_bindings::mock_support::apis()
        .iter()
        .map(|api| api.name)
        .collect();
    let mut missing = Vec::new();
    for api in spec_apis() {
        let needs = [
            (
                compiled.contains(&api.as_str()),
                format!(
                    "its cargo feature `{api}` (and in `default`), src/{api}.rs, `cargo xtask generate`"
                ),
            ),
            (
                root.join(format!("tests/suite/apis/{api}.rs")).exists(),
                format!("tests/suite/apis/{api}.rs (and its line in apis/mod.rs)"),
            ),
            (
                root.join(format!("tests/fixtures/{api}")).is_dir(),
                format!("tests/fixtures/{api}/ with the seed's examples"),
            ),
            (
                root.join(format!("examples/tour/{api}.rs")).exists(),
                format!("examples/tour/{api}.rs"),
            ),
        ];
        for (present, what) in needs {
            if !present {
                missing.push(format!("{api}: {what}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "specs without what they need:\n{}",
        missing.join("\n")
    );
}
