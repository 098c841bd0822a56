//! `cargo xtask mutants`: cargo-mutants over the hand-written code, each part with the tests
//! that cover it. The library's runtime and facade (`src/*.rs`, not `src/generated/`) are
//! tested by the integration suites; the generator (`xtask/src/*.rs`) by its own tests.
//! Equivalent mutants are skipped in `.cargo/mutants.toml`, each with its reason.

use std::path::Path;
use std::process::Command;

/// The cargo-mutants release this command installs when none is on the machine.
const VERSION: &str = "27.1.0";

const USAGE: &str = "\
usage: cargo xtask mutants [--in-diff <git-base>] [runtime|generator|scaffold] [-- <cargo-mutants args>]
       (`-- --file src/retry.rs` narrows a run to some files)

  runtime     src/*.rs (errors, config, hooks, retries, tracing, body limits, JSON), tested by
              its unit tests, tests/suite and tests/adversarial
  generator   xtask/src/*.rs but scaffold.rs (spec checks, extensions, post-processing), tested
              by xtask's tests but the two that cargo-check a copy of the repository
  scaffold    xtask/src/scaffold.rs (`new-api`), tested by all of xtask's tests
  (none)      all three, one after the other

  --in-diff B only the lines changed since git revision B (what a change touched)
  results in target/mutants/<part>/mutants.out/ (caught.txt, missed.txt, timeout.txt, ...)";

/// One part of the code and the tests that cover it.
struct Part {
    name: &'static str,
    files: &'static [&'static str],
    /// Files of `files` left to another part.
    exclude: &'static [&'static str],
    package: &'static str,
    test_args: &'static [&'static str],
}

/// The two xtask tests that `cargo check` a copy of the whole repository (about 25 s each):
/// they cover `new-api` (scaffold.rs) and `build.rs`'s guard, so only the scaffold part
/// runs them.
const REPOSITORY_COPY_TESTS: [&str; 4] = [
    "--skip",
    "what_new_api_writes_compiles",
    "--skip",
    "a_spec_edited_without_regenerating_stops_the_build",
];

const PARTS: &[Part] = &[
    Part {
        name: "runtime",
        files: &["src/*.rs"],
        exclude: &[],
        package: "crm-bindings",
        // Not the Prism contract checks: they test the specs, which no mutant changes.
        test_args: &[
            "--lib",
            "--test",
            "suite",
            "--test",
            "adversarial",
            "--",
            "--skip",
            "contract::",
        ],
    },
    Part {
        name: "generator",
        files: &["xtask/src/*.rs"],
        exclude: &["xtask/src/scaffold.rs"],
        package: "xtask",
        // Every xtask test (among them `generate --check` of the real specs, which fails
        // on any change to generated code) but the repository copies.
        test_args: &[
            "--",
            REPOSITORY_COPY_TESTS[0],
            REPOSITORY_COPY_TESTS[1],
            REPOSITORY_COPY_TESTS[2],
            REPOSITORY_COPY_TESTS[3],
        ],
    },
    Part {
        name: "scaffold",
        files: &["xtask/src/scaffold.rs"],
        exclude: &[],
        package: "xtask",
        test_args: &[],
    },
];

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let (ours, extra) = match args.iter().position(|a| *a == "--") {
        Some(at) => (&args[..at], &args[at + 1..]),
        None => (args, &[][..]),
    };
    let mut base = None;
    let mut only = None;
    let mut rest = ours.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--in-diff" => base = Some(*rest.next().ok_or(USAGE)?),
            "runtime" | "generator" | "scaffold" => only = Some(*arg),
            _ => return Err(USAGE.into()),
        }
    }
    install(root)?;
    let diff = match base {
        Some(base) => Some(write_diff(root, base)?),
        None => None,
    };
    let mut failed = Vec::new();
    for part in PARTS.iter().filter(|p| only.is_none_or(|o| o == p.name)) {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root)
            .args(["mutants", "--package", part.package, "--all-features"])
            .args(["--output", &format!("target/mutants/{}", part.name)])
            .args(["--exclude", "src/generated/**"])
            // Two cores: one build and test run at a time is what fits.
            .args(["--jobs", "1"]);
        // `-- --file src/retry.rs` narrows a run to some files.
        if !extra.iter().any(|a| *a == "--file" || *a == "-f") {
            for file in part.files {
                cmd.args(["--file", file]);
            }
        }
        for file in part.exclude {
            cmd.args(["--exclude", file]);
        }
        if let Some(diff) = &diff {
            // A change's run (CI) comes after the test command passed: the unmutated
            // baseline is known good, so it is not run again, and the timeout is explicit.
            cmd.arg("--in-diff").arg(diff);
            cmd.args(["--baseline", "skip", "--timeout", "300"]);
        } else {
            cmd.args(["--timeout-multiplier", "3"]);
        }
        // One second per fuzz target: enough to catch a runtime mutant that breaks
        // decoding (the generated decoders are not mutated).
        cmd.env("CRM_FUZZ_SECONDS", "1");
        cmd.args(extra);
        if !part.test_args.is_empty() {
            cmd.arg("--").args(part.test_args);
        }
        println!("mutants {}: {cmd:?}", part.name);
        let status = cmd
            .status()
            .map_err(|e| format!("could not run cargo mutants: {e}"))?;
        // cargo-mutants exits 0 when all were caught (or nothing was mutated), 2 when a
        // mutant survived, 3 on a timeout, 4 when the unmutated tree fails its tests.
        let out = format!("target/mutants/{}/mutants.out", part.name);
        match status.code() {
            Some(0) => {}
            Some(2) => failed.push(format!(
                "{}: mutants survived ({out}/missed.txt)",
                part.name
            )),
            Some(3) => failed.push(format!(
                "{}: mutants made the tests hang ({out}/timeout.txt)",
                part.name
            )),
            _ => failed.push(format!("{}: cargo mutants failed ({status})", part.name)),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("\n"))
    }
}

/// Installs cargo-mutants when `cargo mutants` is not there.
fn install(root: &Path) -> Result<(), String> {
    let present = Command::new("cargo")
        .args(["mutants", "--version"])
        .current_dir(root)
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    println!("installing cargo-mutants {VERSION} (once, a few minutes)");
    let status = Command::new("cargo")
        .args(["install", "--locked", "cargo-mutants", "--version", VERSION])
        .status()
        .map_err(|e| format!("could not run cargo install: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo install cargo-mutants failed ({status})"))
    }
}

/// `git diff <base>` of the code cargo-mutants examines, in `target/mutants/changes.diff`.
fn write_diff(root: &Path, base: &str) -> Result<std::path::PathBuf, String> {
    let out = Command::new("git")
        .args(["diff", base, "--", "src", "xtask/src"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git diff {base} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let dir = root.join("target/mutants");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("changes.diff");
    std::fs::write(&path, &out.stdout).map_err(|e| e.to_string())?;
    Ok(path)
}
