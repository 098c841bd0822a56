//! Maintainer tasks for crm-bindings (matklad's xtask convention): `cargo xtask <task>`.
//! Nothing here reaches the users of the library.

mod generator;
mod tasks;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate           regenerate crates/<api>/ (code, README) and the suites' fixtures
                     from specs/<api>.yaml
  generate --check   fail with a diff when the committed code is not what the specs give
  check <spec.yaml>  run the spec checks and progenitor on one file; print a summary, write nothing
  new-api <name>     scaffold an API from specs/<name>.yaml (a template if missing): its crate,
                     the facade's feature and re-export, tests, fixtures folder, tour section
  surface <api|spec.yaml>
                     print the API surface of one spec: operations, parameters, types, fields
  compare <api|spec.yaml> <vendor-spec> [--json]
                     where our spec and the vendor's published one (JSON or YAML) disagree on
                     our operations, one line each: ours looser, ours stricter, documentation only
  corpus [--accept] [--refused-only] [--keep]
                     the generator on every spec of xtask/tests/corpus/: each refused in one
                     line, or generated, added with new-api to a copy of the repository, linted,
                     documented and tested there
  lint [spec.yaml]   lint every spec (or one) with Redocly CLI and redocly.yaml (runs `npm ci` first)
  test               everything the test suite needs, then all tests (the README's test command)
  mutants [--in-diff <base>] [library|xtask|new-api]
                     cargo-mutants over the hand-written library code and xtask (installs it)
  release [--dry-run] [--date YYYY-MM-DD]
                     the next version of each changed API crate from its change report
                     (Rust's semver rules), written to its Cargo.toml and CHANGELOG.md, and
                     the facade's to match
  semver [--report-only] [edit name...]
                     the change report against cargo-semver-checks (installs it) on the spec
                     edits of xtask/tests/semver/edits.yaml
  bench              run benches/ (interleaved with hand-written code; callgrind where valgrind
                     is installed) and write BENCHMARKS.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let result = match args.as_slice() {
        ["generate"] => tasks::generate::generate(&root, false),
        ["generate", "--check"] => tasks::generate::generate(&root, true),
        ["check", spec] => tasks::generate::check(&root, Path::new(spec)),
        ["surface", which] => tasks::generate::surface(&root, which),
        ["compare", rest @ ..] => tasks::compare::run(&root, rest),
        ["new-api", name] => tasks::new_api::new_api(&root, name).and_then(|log| {
            println!("{}", log.join("\n"));
            tasks::generate::generate(&root, false)
        }),
        ["lint"] => tasks::test::lint(&root, None),
        ["lint", spec] => tasks::test::lint(&root, Some(spec)),
        ["test", rest @ ..] => tasks::test::test(&root, rest),
        ["mutants", rest @ ..] => tasks::mutants::run(&root, rest),
        ["bench", rest @ ..] => tasks::bench::run(&root, rest),
        ["corpus", rest @ ..] => tasks::corpus::run(&root, rest),
        ["release", rest @ ..] => tasks::release::run(&root, rest),
        ["semver", rest @ ..] => tasks::semver::run(&root, rest),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace, or `XTASK_ROOT` (xtask's own tests run it on a scratch copy).
fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
