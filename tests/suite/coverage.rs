//! Every spec in `specs/` is covered: its API is compiled in (so every cross-API suite runs
//! over it: each checks that too), and it has its own test file, fixtures from its seed and
//! a tour section. A spec dropped into `specs/` alone fails here, naming what is missing; an
//! operation added to a spec fails here until the API's wire snapshot shows it (the tour
//! checks itself that it calls every operation: `examples/tour/main.rs`).

use crate::support::spec_apis;
use std::path::Path;

#[test]
fn every_spec_has_its_api_tests_fixtures_and_tour() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compiled: Vec<&str> = crate::generated::apis()
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

/// Every operation of every API has an entry (`### <operation>...`) in its API's wire
/// snapshot (`tests/suite/apis/snapshots/suite__apis__<api>__wire.snap`): a spec edit that
/// adds an operation fails here, naming it, until the wire test calls it and the new
/// snapshot is reviewed.
#[test]
fn every_operation_is_in_its_apis_wire_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for api in crate::generated::apis() {
        let path = root.join(format!(
            "tests/suite/apis/snapshots/suite__apis__{}__wire.snap",
            api.name
        ));
        let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
        let titled: Vec<&str> = snapshot
            .lines()
            .filter_map(|line| line.strip_prefix("### "))
            .collect();
        for call in &api.calls {
            let id = call.operation.id;
            let shown = titled.iter().any(|title| {
                title
                    .strip_prefix(id)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':', '(']))
            });
            if !shown {
                missing.push(format!("{}: {id} ({})", api.name, path.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations without a wire snapshot entry (call them in tests/suite/apis/<api>.rs's \
         `wire` test, then review the new snapshot):\n{}",
        missing.join("\n")
    );
}
