//! `cargo xtask lint` is a real check: a spec with a deliberately broken example fails it,
//! and so does one with only warnings.

use std::path::Path;
use std::process::Command;

/// Redocly needs Node.js: without it, plain `cargo test` says the lint test was skipped and
/// how to run it; `cargo xtask test` (which sets `CRM_REQUIRE_NODE_TOOLS=1`) fails instead.
fn node_available() -> bool {
    let found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CRM_REQUIRE_NODE_TOOLS").is_none(),
            "Node.js is not installed and the lint test is required"
        );
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the Redocly lint test needs Node.js 20+ and npm (https://nodejs.org/ or `apt-get install nodejs npm`); then run `cargo xtask test`"
        );
    }
    found
}

#[test]
fn a_broken_example_fails_the_lint() {
    if !node_available() {
        return;
    }
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/cscart.yaml");
    let text = std::fs::read_to_string(real).unwrap();
    // The `status` filter's example: a value outside its enum.
    let broken = text.replacen("      example: new\n", "      example: maybe_later\n", 1);
    assert_ne!(text, broken, "the example is in the spec");
    let dir = std::env::temp_dir().join(format!("xtask-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("broken-cscart.yaml");
    std::fs::write(&spec, broken).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["lint", spec.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the broken example passed:\n{text}");
    assert!(text.contains("no-invalid-parameter-examples"), "{text}");
    assert!(
        text.contains("must be equal to one of the allowed values"),
        "{text}"
    );

    // The same file unbroken, outside `specs/`, fails on warnings alone: the per-API rules
    // of redocly.yaml (CS-Cart's GETs document no 4XX) apply only to `specs/cscart.yaml`,
    // and Redocly exits 0 on warnings, which the lint refuses.
    std::fs::write(
        &spec,
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/cscart.yaml"))
            .unwrap(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["lint", spec.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "warnings passed:\n{text}");
    assert!(
        text.contains("Redocly reported warnings (You have 2 warnings.)"),
        "{text}"
    );

    // And the real specs pass, one and all: the failures above are the example's and the
    // warnings'.
    for args in [&["lint", "specs/cscart.yaml"][..], &["lint"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
