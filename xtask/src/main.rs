//! Maintainer tasks for crm-bindings (matklad's xtask convention): `cargo xtask <task>`.
//! Nothing here reaches the users of the library.

mod auth;
mod bench;
mod bench_commands;
mod builders;
mod constraints;
mod corpus;
mod extensions;
mod generate;
mod messages;
mod mocks;
mod mutants;
mod normalize;
mod nullable;
mod ranges;
mod report;
mod scaffold;
mod send_errors;
mod spec;
mod spec_checks;
#[path = "../../build_support/spec_hash.rs"]
mod spec_hash;
mod surface;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate           regenerate crates/<api>/ (code, README) and the suites' fixtures
                     from specs/<api>.yaml
  generate --check   fail with a diff when the committed code is not what the specs give
  check <spec.yaml>  run the spec checks and progenitor on one file; print a summary, write nothing
  new-api <name>     scaffold an API from specs/<name>.yaml (a template if missing): facade,
                     feature, tests, fixtures folder, tour section
  surface <api|spec.yaml>
                     print the API surface of one spec: operations, parameters, types, fields
  corpus [--accept] [--refused-only] [--keep]
                     the generator on every spec of xtask/tests/corpus/: each refused in one
                     line, or generated, added with new-api to a copy of the repository, linted,
                     documented and tested there
  lint [spec.yaml]   lint every spec (or one) with Redocly CLI and redocly.yaml (runs `npm ci` first)
  test               everything the test suite needs, then all tests (the README's test command)
  mutants [--in-diff <base>] [runtime|generator|scaffold]
                     cargo-mutants over the hand-written runtime and the generator (installs it)
  bench              run benches/ (interleaved with hand-written code; callgrind where valgrind
                     is installed) and write BENCHMARKS.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let result = match args.as_slice() {
        ["generate"] => generate(&root, false),
        ["generate", "--check"] => generate(&root, true),
        ["check", spec] => check(Path::new(spec)),
        ["surface", which] => surface(&root, which),
        ["new-api", name] => scaffold::new_api(&root, name).and_then(|log| {
            println!("{}", log.join("\n"));
            generate(&root, false)
        }),
        ["lint"] => lint(&root, None),
        ["lint", spec] => lint(&root, Some(spec)),
        ["test", rest @ ..] => test(&root, rest),
        ["mutants", rest @ ..] => mutants::run(&root, rest),
        ["bench", rest @ ..] => bench::run(&root, rest),
        ["corpus", rest @ ..] => corpus::run(&root, rest),
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

fn generate(root: &Path, check: bool) -> Result<(), String> {
    let mut stale = Vec::new();
    let mut failed = Vec::new();
    println!(
        "{:<10} {:>10} {:>6} {:>7}",
        "api", "operations", "types", "lines"
    );
    let mut specs: Vec<(String, PathBuf, String)> = generate::spec_files(root)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(api, path)| (api.clone(), path, api))
        .collect();
    // A scratch workspace (xtask's own tests) may have no golden samples.
    specs.extend(
        generate::golden_files(root)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, path)| (name.clone(), path, format!("golden_{name}"))),
    );
    let mut reports = String::new();
    for (api, spec_path, surface_name) in specs {
        let golden = surface_name != api;
        let generated = match generate::generate_one(root, &api, &spec_path, golden) {
            Ok(g) => g,
            Err(e) => {
                failed.push(e.to_string());
                continue;
            }
        };
        // What the edit does to users, against the accepted surface snapshot.
        let changes = report::changes(&report::committed(root, &surface_name), &generated.surface);
        reports += &report::render(&api, &changes);
        println!(
            "{:<10} {:>10} {:>6} {:>7}",
            generated.api,
            generated.operations,
            generated.types,
            generated.outputs[0].1.lines().count()
        );
        let spec_text = std::fs::read_to_string(&generated.spec_path).unwrap_or_default();
        for (rel, text) in &generated.outputs {
            let path = root.join(rel);
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current == *text {
                continue;
            }
            if check {
                let diff = similar::TextDiff::from_lines(&current, text);
                eprintln!(
                    "{}",
                    diff.unified_diff().context_radius(2).header(
                        &format!("{rel} (committed)"),
                        &format!("{rel} (from {})", spec_rel(root, &generated.spec_path))
                    )
                );
                // Tell the reviewer which side moved: the spec, or the generator itself.
                let recorded = spec_hash::recorded_hash(&current).unwrap_or("none");
                let cause = if recorded == spec_hash::spec_hash(&spec_text) {
                    "the generator changed (xtask settings or progenitor version)"
                } else {
                    "the spec changed since the code was generated"
                };
                stale.push(format!("{rel} ({cause})"));
            } else {
                write(&path, text).map_err(|e| format!("{rel}: {e}"))?;
                println!("  wrote {rel}");
            }
        }
    }
    let apis: Vec<String> = generate::spec_files(root)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(api, _)| api)
        .collect();
    let index = generate::fixtures_index(&apis);
    let index_rel = "tests/suite/generated/mod.rs";
    let index_path = root.join(index_rel);
    if std::fs::read_to_string(&index_path).unwrap_or_default() != index {
        if check {
            stale.push(format!("{index_rel} (the list of specs changed)"));
        } else {
            write(&index_path, &index).map_err(|e| format!("{index_rel}: {e}"))?;
            println!("  wrote {index_rel}");
        }
    }
    println!("\nWhat the specs change in the public surface (against xtask/tests/snapshots/):");
    print!("{reports}");
    if !failed.is_empty() {
        return Err(failed.join("\n"));
    }
    if !stale.is_empty() {
        return Err(format!(
            "out of date: {} (run `cargo xtask generate` and commit the result)",
            stale.join(", ")
        ));
    }
    Ok(())
}

fn check(spec: &Path) -> Result<(), String> {
    let api = spec
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a spec file", spec.display()))?;
    let generated =
        generate::generate_one(&workspace_root(), api, spec, false).map_err(|e| e.to_string())?;
    println!(
        "{}: ok ({} operations, {} types, {} lines)",
        spec.display(),
        generated.operations,
        generated.types,
        generated.outputs[0].1.lines().count()
    );
    Ok(())
}

/// The surface summary of `specs/<api>.yaml` (or of a spec file) on stdout.
fn surface(root: &Path, which: &str) -> Result<(), String> {
    let path = if which.ends_with(".yaml") {
        PathBuf::from(which)
    } else {
        root.join("specs").join(format!("{which}.yaml"))
    };
    let api = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a spec file", path.display()))?;
    let model = generate::build(root, api, &path).map_err(|e| e.to_string())?;
    print!("{}", surface::render(&model));
    Ok(())
}

/// Writes `text` to `path`, creating its folder.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(path.parent().expect("a file has a folder"))?;
    std::fs::write(path, text)
}

fn spec_rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// With neither TLS feature, the build stops with `src/tls.rs`'s `compile_error!`, which says
/// what to enable (README: Features). Checked with clippy, whose dependency builds the
/// per-feature lints above have just made.
fn neither_tls_provider_stops_the_build(root: &Path) -> Result<(), String> {
    let out = Command::new(cargo())
        .current_dir(root)
        .args([
            "clippy",
            "--quiet",
            "--lib",
            "--locked",
            "--no-default-features",
        ])
        .args(["--package", "crm-bindings-cscart"])
        .output()
        .map_err(|e| format!("could not run cargo clippy: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stopped_for_want_of_tls(out.status.success(), &stderr) {
        return Err(format!(
            "a build without a TLS feature should stop with \"{NO_TLS_MESSAGE} ...\"; it gave:\n{stderr}"
        ));
    }
    println!("without a TLS feature the build stops, naming the features to enable");
    Ok(())
}

/// The start of `crates/runtime/src/tls.rs`'s `compile_error!`.
const NO_TLS_MESSAGE: &str = "crm-bindings needs a TLS provider: enable the `tls-ring` feature";

/// Whether a build without TLS features failed, and with the `compile_error!`.
fn stopped_for_want_of_tls(succeeded: bool, stderr: &str) -> bool {
    !succeeded && stderr.contains(NO_TLS_MESSAGE)
}

/// The README's test command: checks the generated code is current, lints the specs
/// (installing the npm tools), checks that every API feature builds on its own, then runs
/// every test of the workspace, the Prism contract tests included (extra arguments go to
/// `cargo test`, and then the run stops there), the tour, and the spec corpus
/// (`cargo xtask corpus`).
fn test(root: &Path, extra: &[&str]) -> Result<(), String> {
    generate(root, true)?;
    lint(root, None)?;
    // Each API's crate alone, and the facade with none: what a user depending on one API
    // compiles, with warnings denied (a helper only another API uses would warn there).
    let apis: Vec<String> = generate::spec_files(root)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(api, _)| api)
        .collect();
    // Each with the default TLS provider (one is required), and one with the other.
    let alone: Vec<(String, &str)> = apis
        .iter()
        .map(|api| (generate::package_name(api), "tls-ring"))
        .chain([
            ("crm-bindings".to_string(), "tls-ring"),
            ("crm-bindings-cscart".to_string(), "tls-aws-lc"),
        ])
        .collect();
    for (package, features) in &alone {
        let args = [
            "clippy",
            "--quiet",
            "--lib",
            "--locked",
            "--package",
            package,
            "--no-default-features",
            "--features",
            features,
            "--",
            "-D",
            "warnings",
        ];
        run(root, Command::new(cargo()).args(args))?;
    }
    neither_tls_provider_stops_the_build(root)?;
    // ring alone: reqwest has no provider of its own, and every constructor must find the
    // one the runtime installs (`crates/runtime/src/tls.rs`; alone in its process, so
    // nothing installed one before).
    run(
        root,
        Command::new(cargo()).args([
            "test",
            "--quiet",
            "--lib",
            "--locked",
            "--package",
            "crm-bindings-runtime",
            "--no-default-features",
            "--features",
            "tls-ring",
            "--",
            "config::tls_provider::",
        ]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let report = target.join("tmp/prism-contract-report.txt");
    let _ = std::fs::remove_file(&report);
    run(
        root,
        Command::new(cargo())
            .args(["test", "--workspace", "--all-features", "--locked"])
            .args(extra)
            // Prism was installed above: a contract test that cannot start it fails.
            .env("CRM_REQUIRE_NODE_TOOLS", "1"),
    )?;
    if !extra.is_empty() {
        return Ok(()); // a filtered run need not include the contract tests
    }
    // The Prism contract tests list what they checked; without them the run proves less.
    let mut lines: Vec<String> = std::fs::read_to_string(&report)
        .map_err(|_| {
            format!(
                "the Prism contract tests did not run (no {})",
                report.display()
            )
        })?
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    println!("\nPrism contract checks:");
    for line in &lines {
        println!("  {line}");
    }
    let specs = generate::spec_files(root).map_err(|e| e.to_string())?;
    let missing = without_contract_run(specs.iter().map(|(api, _)| api.as_str()), &lines);
    if !missing.is_empty() {
        return Err(format!("no Prism contract run for: {}", missing.join(", ")));
    }
    // The tour, which fails naming an operation it did not call (built by `cargo test`).
    run(
        root,
        Command::new(cargo()).args(["run", "--quiet", "--locked", "--example", "tour"]),
    )?;
    // The generator on every spec of the corpus, each API built and tested in a copy.
    corpus::run(root, &[])
}

/// The APIs with no line of the Prism contract report (each run writes `<api> (Dynamic) ...`).
fn without_contract_run<'a>(apis: impl Iterator<Item = &'a str>, lines: &[String]) -> Vec<&'a str> {
    apis.filter(|api| {
        !lines
            .iter()
            .any(|l| l.starts_with(&format!("{api} (Dynamic)")))
    })
    .collect()
}

/// Redocly CLI over every spec (`redocly.yaml` lists them) or one file.
fn lint(root: &Path, spec: Option<&str>) -> Result<(), String> {
    npm_ci(root)?;
    let mut cmd = Command::new(root.join("node_modules/.bin/redocly"));
    cmd.args(["lint", "--lint-config", "error", "--format", "stylish"])
        .args(spec)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    // Redocly exits 0 on warnings; a warning fails the lint here too.
    let shown = format!("{cmd:?}");
    let out = cmd
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        return Err(format!("failed: {shown} ({})", out.status));
    }
    if let Some(line) = text
        .lines()
        .find(|l| l.trim_start().starts_with("You have") && l.contains("warning"))
    {
        return Err(format!(
            "Redocly reported warnings ({}): fix them, or turn the rule off in redocly.yaml / .redocly.lint-ignore.yaml with the reason",
            line.trim()
        ));
    }
    Ok(())
}

/// Installs the pinned npm tools (Redocly CLI, Prism) from `package-lock.json`, unless
/// `node_modules` is already up to date with it.
fn npm_ci(root: &Path) -> Result<(), String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|out| out.status.success()) {
        return Err(
            "Node.js (20 or newer) and npm are needed for the spec lint and the Prism \
            contract tests, and `node` was not found. Install them (https://nodejs.org/, or \
            `apt-get install nodejs npm`), then run `cargo xtask test` again."
                .into(),
        );
    }
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(root.join("node_modules/.package-lock.json"));
    let wanted = modified(root.join("package-lock.json"));
    if installed_is_current(installed, wanted) {
        return Ok(());
    }
    run(
        root,
        Command::new("npm").args(["ci", "--no-audit", "--no-fund"]),
    )
}

/// npm writes `node_modules/.package-lock.json` when it installs: no newer than the lock file
/// means the lock changed since.
fn installed_is_current(
    installed: Option<std::time::SystemTime>,
    wanted: Option<std::time::SystemTime>,
) -> bool {
    installed.is_some() && installed >= wanted
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn run(root: &Path, cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("failed: {shown} ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_spec_path_is_shown_from_the_root() {
        let root = Path::new("/repo");
        assert_eq!(
            spec_rel(root, Path::new("/repo/specs/cscart.yaml")),
            "specs/cscart.yaml"
        );
        assert_eq!(
            spec_rel(root, Path::new("/elsewhere/x.yaml")),
            "/elsewhere/x.yaml"
        );
    }

    /// The no-TLS check wants a failed build with the `compile_error!`, not any failure.
    #[test]
    fn only_the_tls_compile_error_passes_the_no_tls_check() {
        // The text is src/tls.rs's own, not a copy that could drift from it.
        assert!(
            include_str!("../../crates/runtime/src/tls.rs")
                .contains(&format!("\"{NO_TLS_MESSAGE}"))
        );
        let stderr = format!("error: {NO_TLS_MESSAGE} (or `tls-aws-lc`)");
        assert!(stopped_for_want_of_tls(false, &stderr));
        assert!(!stopped_for_want_of_tls(true, &stderr));
        assert!(!stopped_for_want_of_tls(false, "error: could not compile"));
        assert!(!stopped_for_want_of_tls(true, ""));
    }

    #[test]
    fn an_api_without_a_contract_line_is_missing() {
        let lines = ["cscart (Dynamic): 5 operations".to_string()];
        assert_eq!(
            without_contract_run(["cscart", "yume"].into_iter(), &lines),
            ["yume"]
        );
        assert!(without_contract_run(["cscart"].into_iter(), &lines).is_empty());
    }

    /// npm's tools are installed again when the lock file is newer, or nothing was installed.
    #[test]
    fn npm_ci_runs_when_the_lock_is_newer_or_nothing_is_installed() {
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let new = old + Duration::from_secs(60);
        assert!(installed_is_current(Some(new), Some(old)));
        assert!(installed_is_current(Some(old), Some(old)));
        assert!(!installed_is_current(Some(old), Some(new)));
        assert!(!installed_is_current(None, Some(old)));
        assert!(!installed_is_current(None, None));
        assert!(installed_is_current(Some(old), None));
    }

    #[test]
    fn a_failing_step_fails_the_run_and_is_named() {
        assert_eq!(run(Path::new("."), &mut Command::new("true")), Ok(()));
        let failure = run(Path::new("."), &mut Command::new("false")).unwrap_err();
        assert!(failure.starts_with("failed: \"false\""), "{failure}");
    }

    /// `CARGO` (set by cargo for what it runs) names the cargo to call.
    #[test]
    fn cargo_is_the_one_that_runs_us() {
        assert_eq!(cargo(), std::env::var("CARGO").unwrap());
    }
}
