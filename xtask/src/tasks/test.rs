//! `cargo xtask test` (the README's test command, what CI runs) and `cargo xtask lint`:
//! every check and test the repository has, the npm tools installed first.

use crate::generator::files;
use crate::tasks::process::{cargo, run};
use crate::tasks::{corpus, generate::generate};
use std::path::{Path, PathBuf};
use std::process::Command;

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
pub fn test(root: &Path, extra: &[&str]) -> Result<(), String> {
    generate(root, true)?;
    lint(root, None)?;
    // Each API's crate alone, and the facade with none: what a user depending on one API
    // compiles, with warnings denied (a helper only another API uses would warn there).
    let apis: Vec<String> = files::spec_files(root)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(api, _)| api)
        .collect();
    // Each with the default TLS provider (one is required), and one with the other.
    let alone: Vec<(String, &str)> = apis
        .iter()
        .map(|api| (files::package_name(api), "tls-ring"))
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
    // The facade's rustdoc with each API alone, warnings denied: its guide may name only
    // what every feature set has (an API module's link breaks the others' builds).
    for api in &apis {
        run(
            root,
            Command::new(cargo())
                .args(["doc", "--quiet", "--no-deps", "--locked", "--package"])
                .args(["crm-bindings", "--no-default-features", "--features"])
                .arg(format!("{api},tls-ring"))
                .env("RUSTDOCFLAGS", "-D warnings"),
        )?;
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
    let specs = files::spec_files(root).map_err(|e| e.to_string())?;
    let missing = without_contract_run(specs.iter().map(|(api, _)| api.as_str()), &lines);
    if !missing.is_empty() {
        return Err(format!("no Prism contract run for: {}", missing.join(", ")));
    }
    // The tour, which fails naming an operation it did not call (built by `cargo test`).
    run(
        root,
        Command::new(cargo()).args(["run", "--quiet", "--locked", "--example", "tour"]),
    )?;
    // Every published crate packages, and builds from its package alone: the API crates
    // against the packaged runtime, the facade against the packaged API crates (cargo's
    // local registry of the workspace's packages). `xtask/tests/layout.rs` checks what the
    // packages hold.
    forget_unpacked_packages();
    run(root, Command::new(cargo()).args(PACKAGE))?;
    // The generator on every spec of the corpus, each API built and tested in a copy.
    corpus::run(root, &[])
}

/// Removes the copies of our own crates that an earlier `cargo package` unpacked into
/// cargo's registry sources: cargo reuses an unpacked `name-version` directory instead of
/// the fresh package, so a crate changed without a version bump would be verified against
/// its stale dependency.
fn forget_unpacked_packages() {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = home {
        forget_unpacked_in(&home.join("registry/src"));
    }
}

/// Removes `<sources>/<index>/crm-bindings*` (see [`forget_unpacked_packages`]).
fn forget_unpacked_in(sources: &Path) {
    for index in std::fs::read_dir(sources).into_iter().flatten().flatten() {
        for unpacked in std::fs::read_dir(index.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if unpacked
                .file_name()
                .to_string_lossy()
                .starts_with("crm-bindings")
            {
                let _ = std::fs::remove_dir_all(unpacked.path());
            }
        }
    }
}

/// `cargo package` of every published crate (not xtask, not the golden sample), verified.
const PACKAGE: &[&str] = &[
    "package",
    "--quiet",
    "--workspace",
    "--exclude",
    "xtask",
    "--exclude",
    "crm-bindings-keywords",
    "--allow-dirty",
    "--locked",
];

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
pub fn lint(root: &Path, spec: Option<&str>) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    /// Only our own crates' unpacked copies go; other crates stay.
    #[test]
    fn only_our_unpacked_crates_are_forgotten() {
        let sources = std::env::temp_dir().join(format!("xtask-unpacked-{}", std::process::id()));
        let index = sources.join("index.example-1234");
        for dir in [
            "crm-bindings-runtime-0.2.0",
            "crm-bindings-0.2.0",
            "serde-1.0.0",
        ] {
            std::fs::create_dir_all(index.join(dir)).unwrap();
        }
        super::forget_unpacked_in(&sources);
        let left: Vec<String> = std::fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, ["serde-1.0.0"]);
        std::fs::remove_dir_all(&sources).unwrap();
    }

    use super::*;
    use std::time::{Duration, SystemTime};

    /// The no-TLS check wants a failed build with the `compile_error!`, not any failure.
    #[test]
    fn only_the_tls_compile_error_passes_the_no_tls_check() {
        // The text is src/tls.rs's own, not a copy that could drift from it.
        assert!(
            include_str!("../../../crates/runtime/src/tls.rs")
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
}
