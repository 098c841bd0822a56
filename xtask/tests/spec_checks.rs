//! The generator's command line on specs: every refused spec of the corpus
//! (`tests/corpus/`, first line `# expect: refused: ...`) gives its one-line error, never a
//! panic; generation, its `--check`, the change report, `new-api` and the build guard on
//! scratch copies of the workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_of_repository;

fn xtask(args: &[&str], root: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args);
    if let Some(root) = root {
        cmd.env("XTASK_ROOT", root);
    }
    cmd.output().expect("xtask runs")
}

/// The refused specs of the corpus, with the text their refusal must contain.
fn refused_specs() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut specs: Vec<(PathBuf, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let expected = text.lines().next()?.strip_prefix("# expect: refused: ")?;
            Some((p.clone(), expected.to_string()))
        })
        .collect();
    specs.sort();
    specs
}

#[test]
fn every_refused_spec_gives_its_one_line_error() {
    let specs = refused_specs();
    assert!(
        specs.len() >= 20,
        "the refused specs of the corpus are there"
    );
    for (spec, expected) in specs {
        let out = xtask(&["check", spec.to_str().unwrap()], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = spec.file_name().unwrap().to_string_lossy();
        assert!(!out.status.success(), "{name} was accepted");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{name}: one line:\n{stderr}"
        );
        assert!(stderr.contains(&*name), "{name}: names the file: {stderr}");
        assert!(
            stderr.contains(&expected),
            "{name}: expected `{expected}` in:\n{stderr}"
        );
    }
}

/// Every spec of the corpus is refused as its first line says, or generates; the supported
/// ones' surfaces are the committed `tests/corpus/snapshots/` (the build of each in a copy of
/// the repository is `cargo xtask corpus`, which the test command runs).
#[test]
fn the_corpus_is_refused_or_generated_as_each_spec_says() {
    let out = xtask(&["corpus", "--refused-only"], None);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The committed generated code (`crates/<api>/src/generated.rs`, each crate's README, the
/// suites' fixtures) is exactly what the generator writes from `specs/` (the
/// check CI runs too, here as a test): a generator change that alters any generated line
/// fails it with the diff, until `cargo xtask generate` is run and the diff reviewed.
#[test]
fn the_committed_code_is_what_the_generator_writes() {
    let out = xtask(&["generate", "--check"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_real_specs_pass_the_checks() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut checked = 0;
    for entry in std::fs::read_dir(specs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "yaml") {
            checked += 1;
            let out = xtask(&["check", path.to_str().unwrap()], None);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    assert_eq!(checked, 5, "the five specs were checked");
}

/// A scratch copy of the workspace parts `generate` reads and writes.
fn scratch_workspace(name: &str) -> PathBuf {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for dir in [
        "specs",
        "crates",
        "tests/suite/generated",
        "xtask/tests/golden",
        "xtask/tests/snapshots",
    ] {
        copy_dir(&real.join(dir), &root.join(dir));
    }
    std::fs::copy(real.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    root
}

/// `from` copied into `to`, folders and all.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn an_enum_edit_fails_check_with_a_small_diff_until_regenerated() {
    let root = scratch_workspace("enum-edit");
    let out = xtask(&["generate", "--check"], Some(&root));
    assert!(
        out.status.success(),
        "committed code is current: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let spec = root.join("specs/cscart.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let edited = text.replace(
        "enum: [new, in_progress, completed, no_answer]",
        "enum: [new, in_progress, completed, no_answer, callback_later]",
    );
    assert_ne!(text, edited, "the enum line is in the spec");
    std::fs::write(&spec, edited).unwrap();

    let out = xtask(&["generate", "--check"], Some(&root));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("+        CallbackLater,"), "{stderr}");
    // The diff's header names both sides, the spec from the workspace's root.
    assert!(
        stderr.contains("+++ crates/cscart/src/generated.rs (from specs/cscart.yaml)"),
        "{stderr}"
    );
    // The test command starts with the same check, and stops there.
    let out = xtask(&["test"], Some(&root));
    let test_stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        test_stderr.contains("the spec changed since the code was generated"),
        "{test_stderr}"
    );
    assert!(
        stderr.contains("the spec changed since the code was generated"),
        "{stderr}"
    );
    let changed = stderr
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .count();
    assert!(
        changed < 40,
        "a one-value edit is a small diff ({changed} lines):\n{stderr}"
    );

    let out = xtask(&["generate"], Some(&root));
    assert!(out.status.success());
    let out = xtask(&["generate", "--check"], Some(&root));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// `generate --check` says what each kind of spec edit does to users, against the accepted
/// surface snapshots: breaking or additive.
#[test]
fn a_spec_edit_prints_what_it_does_to_users() {
    let root = scratch_workspace("report");
    let spec = root.join("specs/cscart.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let edits = [
        // An enum value removed.
        (
            "enum: [new, in_progress, completed, no_answer]",
            "enum: [new, in_progress, completed]",
        ),
        // A new optional field in a request body.
        (
            "        cart_products:\n          type: string\n          description: Products of the customer's cart (serialized by the store).",
            "        comment:\n          type: string\n          description: A comment.\n          example: hi\n        cart_products:\n          type: string\n          description: Products of the customer's cart (serialized by the store).",
        ),
        // A tightened constraint on a parameter.
        (
            "          description: Only requests of this storefront (CS-Cart) or vendor (Multi-Vendor).\n          schema:\n            type: integer\n            minimum: 0",
            "          description: Only requests of this storefront (CS-Cart) or vendor (Multi-Vendor).\n          schema:\n            type: integer\n            minimum: 5",
        ),
    ];
    let mut edited = text.clone();
    for (from, to) in edits {
        assert!(edited.contains(from), "the spec has `{from}`");
        edited = edited.replacen(from, to, 1);
    }
    // A new required field in the request body.
    edited = edited.replacen(
        "      description: |\n        Body of create and update.",
        "      required: [phone]\n      description: |\n        Body of create and update.",
        1,
    );
    std::fs::write(&spec, edited).unwrap();

    let out = xtask(&["generate", "--check"], Some(&root));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    for expected in [
        "cscart: 5 change(s) to the public surface, 3 breaking, 2 additive",
        "  additive: new type `ListCallRequestsCompanyId: newtype i64 [>= 5]`",
        "  breaking: type `CallRequestStatus`: `NoAnswer` removed",
        "  additive: type `CallRequestInput`: new `comment: Option<String>, optional`",
        "  breaking: type `CallRequestInput`: `phone` type `Option<String>` -> `String`",
        "  breaking: operation `list_call_requests`: `query company_id` type `Option<u64>` -> `Option<ListCallRequestsCompanyId>`",
        "yume: no change to the public surface",
    ] {
        assert!(
            stdout.contains(expected),
            "expected `{expected}` in:\n{stdout}"
        );
    }
    std::fs::remove_dir_all(&root).unwrap();
}

/// `cargo xtask new-api NAME` makes everything an API needs besides its spec, from the spec
/// (here a template, as the spec does not exist yet), and generates its code. (The corpus,
/// `cargo xtask corpus`, builds and tests what it writes for every supported spec.)
#[test]
fn new_api_scaffolds_crate_facade_feature_tests_and_tour() {
    let root = copy_of_repository("xtask-new-api");
    let out = xtask(&["new-api", "demo"], Some(&root));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for made in [
        "specs/demo.yaml",
        "crates/demo/Cargo.toml",
        "crates/demo/src/lib.rs",
        "crates/demo/src/generated.rs",
        "crates/demo/README.md",
        "tests/suite/generated/demo.rs",
        "tests/suite/apis/demo.rs",
        "tests/fixtures/demo/README.md",
        "examples/tour/demo.rs",
    ] {
        assert!(root.join(made).exists(), "{made} was not made:\n{stdout}");
    }
    let read = |f: &str| std::fs::read_to_string(root.join(f)).unwrap();
    // The API's crate re-exports its generated code; the template's bearer scheme gives the
    // generated client its bearer constructor, which the generated mocks call.
    assert!(read("crates/demo/src/lib.rs").contains("mod generated;\npub use generated::*;"));
    assert!(read("crates/demo/Cargo.toml").contains("name = \"crm-bindings-demo\""));
    assert!(read("crates/demo/src/generated.rs").contains("pub fn with_bearer_token_and_config("));
    // The facade: a feature (on by default), an optional dependency, a re-export.
    assert!(read("src/lib.rs").contains(
        "#[cfg(feature = \"demo\")]\n#[doc(inline)]\npub use crm_bindings_demo as demo;"
    ));
    let manifest = read("Cargo.toml");
    assert!(
        manifest.contains("\ndemo = [\"dep:crm-bindings-demo\"]\n"),
        "{manifest}"
    );
    assert!(manifest.contains("\"demo\"]"), "in default");
    assert!(
        manifest.contains("    \"crm-bindings-demo?/mock\",\n"),
        "{manifest}"
    );
    assert!(
        manifest.contains("\ncrm-bindings-demo = { path = \"crates/demo\""),
        "{manifest}"
    );
    assert!(read("tests/suite/generated/mod.rs").contains("all.push(demo::api());"));
    assert!(read("tests/suite/apis/mod.rs").contains("mod demo;"));
    assert!(read("examples/tour/main.rs").contains("demo::run().await?;"));
    // The tour section calls the operation with the spec's examples, and checks it did.
    let tour = read("examples/tour/demo.rs");
    assert!(tour.contains(".get_thing()"), "{tour}");
    assert!(
        tour.contains(".id(mock::examples::get_thing_id())"),
        "{tour}"
    );
    assert!(
        tour.contains("crate::common::every_operation_called(&server, mock::OPERATIONS)"),
        "{tour}"
    );
    assert!(
        stdout.contains("demo: 3 change(s) to the public surface, 0 breaking, 3 additive"),
        "{stdout}"
    );
    // What it wrote is formatted (rustfmt's order of `mod` lines, its line width).
    let fmt = Command::new(env!("CARGO"))
        .args(["fmt", "--all", "--", "--check"])
        .current_dir(&root)
        .output()
        .expect("cargo fmt runs");
    assert!(
        fmt.status.success(),
        "{}",
        String::from_utf8_lossy(&fmt.stdout)
    );
    // A second run keeps what is there.
    let again = xtask(&["new-api", "demo"], Some(&root));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("kept    crates/demo/src/lib.rs (exists)")
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// Every file under `root` (but `target/`) with its content.
fn tree(root: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("target") {
                    todo.push(path);
                }
            } else {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// `new-api` on a spec the generator refuses writes nothing: the refusal is printed, one line,
/// and every file of the repository is as it was.
#[test]
fn new_api_on_a_refused_spec_writes_nothing() {
    let root = copy_of_repository("xtask-new-api-refused");
    let refused = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/duplicate_param.yaml");
    std::fs::copy(&refused, root.join("specs/demo.yaml")).unwrap();
    let before = tree(&root);
    let out = xtask(&["new-api", "demo"], Some(&root));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("specs/demo.yaml: list_orders (GET /orders): [duplicate-parameter]"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(
        tree(&root) == before,
        "new-api changed files of the repository"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// `build.rs` refuses to build the library when a spec was edited without regenerating:
/// a copy of the repository with one comment added to a spec fails `cargo check`, naming
/// the spec and the command to run.
#[test]
fn a_spec_edited_without_regenerating_stops_the_build() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = copy_of_repository("xtask-stale-spec");
    let spec = root.join("specs/uapay.yaml");
    let mut text = std::fs::read_to_string(&spec).unwrap();
    text.push_str("# edited, not regenerated\n");
    std::fs::write(&spec, text).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| real.join("target"));
    let check = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--locked", "--lib"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "a stale spec built:\n{stderr}");
    assert!(
        stderr.contains("specs/uapay.yaml (hash")
            && stderr.contains("does not match crates/uapay/src/generated.rs"),
        "{stderr}"
    );
    assert!(stderr.contains("run `cargo xtask generate`"), "{stderr}");
    std::fs::remove_dir_all(&root).unwrap();
}

/// When the committed code differs from what generation gives but the spec is the one it
/// was generated from (its recorded hash matches), `--check` blames the generator, not the
/// spec. Here the committed file is the older output: a line the generator no longer writes.
#[test]
fn check_says_when_the_generator_moved() {
    let root = scratch_workspace("generator-moved");
    let path = root.join("crates/uapay/src/generated.rs");
    let text = std::fs::read_to_string(&path).unwrap();
    let older = text.replacen(
        "pub mod types {",
        "pub mod types {\n    // older output\n",
        1,
    );
    assert_ne!(text, older, "the generated file has a `types` module");
    std::fs::write(&path, older).unwrap();

    let out = xtask(&["generate", "--check"], Some(&root));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("-    // older output"), "{stderr}");
    assert!(
        stderr.contains(
            "crates/uapay/src/generated.rs (the generator changed (xtask settings or progenitor version))"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("the spec changed"), "{stderr}");
}

/// Each command reads its own arguments: a wrong one gets that command's usage, not the
/// list of commands.
#[test]
fn commands_answer_wrong_arguments_with_their_own_usage() {
    for (args, usage) in [
        (
            &["mutants", "--no-such-option"][..],
            "usage: cargo xtask mutants",
        ),
        (&["bench", "extra"][..], "usage: cargo xtask bench"),
        (&["no-such-command"][..], "usage: cargo xtask <task>"),
    ] {
        let out = xtask(args, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr.starts_with(usage), "{args:?}: {stderr}");
    }
}
