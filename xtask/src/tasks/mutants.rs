//! `cargo xtask mutants`: cargo-mutants over the hand-written code, each part with the tests
//! that cover it. The library's hand-written code (the runtime crate, each API crate's
//! `lib.rs`, not its `generated.rs`) is tested by its unit tests and the facade's
//! integration suites; xtask (the generator and the tasks, `xtask/src/**`) by its own tests.
//! Equivalent mutants are skipped in `.cargo/mutants.toml`, each with its reason.

use std::path::Path;
use std::process::Command;

/// The cargo-mutants release this command installs when none is on the machine.
const VERSION: &str = "27.1.0";

const USAGE: &str = "\
usage: cargo xtask mutants [--in-diff <git-base>] [library|xtask|new-api] [-- <cargo-mutants args>]
       (`-- --file crates/runtime/src/retry.rs` narrows a run to some files)

  library     crates/runtime/src/*.rs (errors, config, hooks, retries, tracing, body limits,
              JSON) and crates/<api>/src/lib.rs (each API's hand-written additions), tested
              by their unit tests, tests/suite and tests/adversarial
  xtask       xtask/src/** but tasks/new_api.rs (the generator: spec checks, passes, additions;
              the tasks), tested by xtask's tests but the two that cargo-check a copy of the
              repository
  new-api     xtask/src/tasks/new_api.rs, tested by all of xtask's tests
  (none)      all three, one after the other

  --in-diff B only the lines changed since git revision B (what a change touched)
  results in target/mutants/<part>/mutants.out/ (caught.txt, missed.txt, timeout.txt, ...)";

/// One part of the code and the tests that cover it.
struct Part {
    name: &'static str,
    files: &'static [&'static str],
    /// Files of `files` left to another part.
    exclude: &'static [&'static str],
    /// The packages whose code is mutated.
    packages: &'static [&'static str],
    /// The packages whose tests run against each mutant.
    test_packages: &'static [&'static str],
    test_args: &'static [&'static str],
}

const PARTS: &[Part] = &[
    Part {
        name: "library",
        files: &["crates/runtime/src/*.rs", "crates/*/src/lib.rs"],
        exclude: &[],
        packages: &[
            "crm-bindings-runtime",
            "crm-bindings-cscart",
            "crm-bindings-yume",
            "crm-bindings-uapay",
            "crm-bindings-thulium",
            "crm-bindings-solos",
        ],
        // The runtime's unit tests, and the suites (through the facade) for everything.
        test_packages: &["crm-bindings-runtime", "crm-bindings"],
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
        name: "xtask",
        files: &["xtask/src/**/*.rs"],
        exclude: &["xtask/src/tasks/new_api.rs"],
        packages: &["xtask"],
        test_packages: &["xtask"],
        // Every xtask test (among them `generate --check` of the real specs, which fails
        // on any change to generated code) but the two that `cargo check` a copy of the
        // whole repository (about 25 s each): they cover `new-api` (tasks/new_api.rs) and
        // `build.rs`'s guard, so only the scaffold part runs them.
        test_args: &[
            "--",
            "--skip",
            "what_new_api_writes_compiles",
            "--skip",
            "a_spec_edited_without_regenerating_stops_the_build",
        ],
    },
    Part {
        name: "new-api",
        files: &["xtask/src/tasks/new_api.rs"],
        exclude: &[],
        packages: &["xtask"],
        test_packages: &["xtask"],
        test_args: &[],
    },
];

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let asked = parse(args)?;
    install(root)?;
    let diff = match asked.base {
        Some(base) => Some(write_diff(root, base)?),
        None => None,
    };
    let mut failed = Vec::new();
    for part in PARTS
        .iter()
        .filter(|p| asked.only.is_none_or(|o| o == p.name))
    {
        let mut cmd = command(root, part, diff.as_deref(), asked.extra);
        println!("mutants {}: {cmd:?}", part.name);
        let status = cmd
            .status()
            .map_err(|e| format!("could not run cargo mutants: {e}"))?;
        failed.extend(failure(part.name, status.code(), &status.to_string()));
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("\n"))
    }
}

/// What `cargo xtask mutants` was asked for.
#[derive(Debug, PartialEq)]
struct Asked<'a> {
    /// `--in-diff`'s git revision.
    base: Option<&'a str>,
    /// One part, or all.
    only: Option<&'a str>,
    /// What follows `--`, for cargo-mutants.
    extra: &'a [&'a str],
}

fn parse<'a>(args: &'a [&'a str]) -> Result<Asked<'a>, String> {
    let (ours, extra) = match args.iter().position(|a| *a == "--") {
        Some(at) => (&args[..at], &args[at + 1..]),
        None => (args, &[][..]),
    };
    let mut asked = Asked {
        base: None,
        only: None,
        extra,
    };
    let mut rest = ours.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--in-diff" => asked.base = Some(*rest.next().ok_or(USAGE)?),
            "library" | "xtask" | "new-api" => asked.only = Some(*arg),
            _ => return Err(USAGE.into()),
        }
    }
    Ok(asked)
}

/// The cargo-mutants command for one part (`diff`: only the lines it changes).
fn command(root: &Path, part: &Part, diff: Option<&Path>, extra: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root).args(["mutants", "--all-features"]);
    for package in part.packages {
        cmd.args(["--package", package]);
    }
    for package in part.test_packages {
        cmd.args(["--test-package", package]);
    }
    cmd.args(["--output", &format!("target/mutants/{}", part.name)])
        // Generated code is the generator's output, tested through the generator.
        .args(["--exclude", "**/generated.rs"])
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
    if let Some(diff) = diff {
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
    cmd
}

/// What a part's cargo-mutants exit code means, if it is a failure. cargo-mutants exits 0
/// when all were caught (or nothing was mutated), 2 when a mutant survived, 3 on a timeout,
/// 4 when the unmutated tree fails its tests.
fn failure(part: &str, code: Option<i32>, status: &str) -> Option<String> {
    let out = format!("target/mutants/{part}/mutants.out");
    match code {
        Some(0) => None,
        Some(2) => Some(format!("{part}: mutants survived ({out}/missed.txt)")),
        Some(3) => Some(format!(
            "{part}: mutants made the tests hang ({out}/timeout.txt)"
        )),
        _ => Some(format!("{part}: cargo mutants failed ({status})")),
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
        .args(["diff", base, "--", "src", "crates", "xtask/src"])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_the_base_the_part_and_what_goes_to_cargo_mutants() {
        let args = [
            "--in-diff",
            "HEAD~1",
            "library",
            "--",
            "--file",
            "crates/runtime/src/retry.rs",
        ];
        assert_eq!(
            parse(&args),
            Ok(Asked {
                base: Some("HEAD~1"),
                only: Some("library"),
                extra: &["--file", "crates/runtime/src/retry.rs"],
            })
        );
        assert_eq!(
            parse(&["xtask"]),
            Ok(Asked {
                base: None,
                only: Some("xtask"),
                extra: &[],
            })
        );
        assert_eq!(parse(&["--in-diff"]), Err(USAGE.to_string()));
        assert_eq!(parse(&["everything"]), Err(USAGE.to_string()));
    }

    fn args_of(cmd: &Command) -> Vec<String> {
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    /// A change's run: only its diff, no baseline, a fixed timeout; the part's tests after
    /// `--`; fuzzing cut to 1 s per target.
    #[test]
    fn a_change_is_mutated_from_its_diff_with_the_part_tests() {
        let xtask = &PARTS[1];
        let cmd = command(
            Path::new("/repo"),
            xtask,
            Some(Path::new("/repo/target/mutants/changes.diff")),
            &[],
        );
        let args = args_of(&cmd).join(" ");
        assert_eq!(
            args,
            "mutants --all-features --package xtask --test-package xtask \
             --output target/mutants/xtask --exclude **/generated.rs --jobs 1 \
             --file xtask/src/**/*.rs --exclude xtask/src/tasks/new_api.rs \
             --in-diff /repo/target/mutants/changes.diff \
             --baseline skip --timeout 300 -- -- --skip what_new_api_writes_compiles \
             --skip a_spec_edited_without_regenerating_stops_the_build"
        );
        assert_eq!(cmd.get_current_dir(), Some(Path::new("/repo")));
        let fuzz: Vec<_> = cmd.get_envs().collect();
        assert_eq!(
            fuzz,
            [(
                std::ffi::OsStr::new("CRM_FUZZ_SECONDS"),
                Some(std::ffi::OsStr::new("1"))
            )]
        );
    }

    /// A whole run keeps cargo-mutants' baseline and scaled timeout; `--file` given after
    /// `--` replaces the part's files.
    #[test]
    fn a_whole_run_or_a_narrowed_one() {
        let library = &PARTS[0];
        let args = args_of(&command(Path::new("."), library, None, &[])).join(" ");
        assert!(
            args.contains(
                "--package crm-bindings-solos --test-package crm-bindings-runtime \
                 --test-package crm-bindings --output target/mutants/library"
            ),
            "{args}"
        );
        assert!(
            args.ends_with(
                "--file crates/runtime/src/*.rs --file crates/*/src/lib.rs --timeout-multiplier 3 \
                 -- --lib --test suite --test adversarial -- --skip contract::"
            ),
            "{args}"
        );
        let narrowed = ["--file", "crates/runtime/src/retry.rs"];
        let args = args_of(&command(Path::new("."), library, None, &narrowed)).join(" ");
        assert!(!args.contains("src/*.rs"), "{args}");
        assert!(
            args.contains("--timeout-multiplier 3 --file crates/runtime/src/retry.rs --"),
            "{args}"
        );
        let listed = args_of(&command(Path::new("."), library, None, &["--list"])).join(" ");
        assert!(
            listed.contains("--file crates/*/src/lib.rs --timeout-multiplier 3 --list --"),
            "{listed}"
        );
        let new_api = &PARTS[2];
        let args = args_of(&command(Path::new("."), new_api, None, &["-f", "x"])).join(" ");
        assert!(args.ends_with("--timeout-multiplier 3 -f x"), "{args}");
    }

    /// The diff holds the code's changes since the base (a scratch git repository).
    #[test]
    fn the_diff_is_the_change_to_the_code_since_the_base() {
        let root = std::env::temp_dir().join(format!("xtask-mutants-diff-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src")).unwrap();
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@t"])
                .args(args)
                .current_dir(&root)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        git(&["init", "-q"]);
        std::fs::write(root.join("src/lib.rs"), "fn a() {}\n").unwrap();
        std::fs::write(root.join("README.md"), "old\n").unwrap();
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "base"]);
        std::fs::write(root.join("src/lib.rs"), "fn b() {}\n").unwrap();
        std::fs::write(root.join("README.md"), "new\n").unwrap();
        let path = write_diff(&root, "HEAD").unwrap();
        assert_eq!(path, root.join("target/mutants/changes.diff"));
        let diff = std::fs::read_to_string(&path).unwrap();
        assert!(diff.contains("-fn a() {}\n+fn b() {}\n"), "{diff}");
        assert!(!diff.contains("README"), "only the code: {diff}");
        let failure = write_diff(&root, "no-such-revision").unwrap_err();
        assert!(
            failure.starts_with("git diff no-such-revision failed: "),
            "{failure}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn exit_codes_become_failures() {
        assert_eq!(failure("library", Some(0), "exit status: 0"), None);
        assert_eq!(
            failure("library", Some(2), "exit status: 2").as_deref(),
            Some("library: mutants survived (target/mutants/library/mutants.out/missed.txt)")
        );
        assert_eq!(
            failure("xtask", Some(3), "exit status: 3").as_deref(),
            Some(
                "xtask: mutants made the tests hang (target/mutants/xtask/mutants.out/timeout.txt)"
            )
        );
        assert_eq!(
            failure("new-api", Some(4), "exit status: 4").as_deref(),
            Some("new-api: cargo mutants failed (exit status: 4)")
        );
        assert_eq!(
            failure("scaffold", None, "signal: 9").as_deref(),
            Some("scaffold: cargo mutants failed (signal: 9)")
        );
    }
}
