//! API-surface snapshots, emitted by the generator (`cargo xtask surface <api>`): one line
//! per operation and parameter, one per type and field, with Rust types, required / nullable
//! and every enforced constraint. Read these first when reviewing a spec change: adding a
//! field is a one-line diff.

use std::path::Path;
use std::process::Command;

fn surface(api: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["surface", api])
        .output()
        .expect("xtask runs");
    assert!(
        out.status.success(),
        "{api}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One snapshot per spec in `specs/`, named `<api>_surface`; a spec without one fails.
#[test]
fn every_spec_has_a_reviewed_surface() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut apis: Vec<String> = std::fs::read_dir(specs)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension()? == "yaml").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    apis.sort();
    assert!(!apis.is_empty());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for api in &apis {
            insta::assert_snapshot!(format!("{api}_surface"), surface(api));
        }
        // The generator's golden sample: what each enforced keyword becomes.
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/keywords.yaml");
        insta::assert_snapshot!("golden_keywords_surface", surface(golden.to_str().unwrap()));
    });
}
