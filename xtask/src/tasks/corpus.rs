//! `cargo xtask corpus`: the generator on the specs maintainers write every day, not only
//! on this crate's five. Each spec of `xtask/tests/corpus/` says on its first line what must
//! happen to it:
//!
//! - `# expect: refused: <text>`: `generate` answers in one line that names the file and
//!   contains `<text>` (the place and the rule), and nothing else;
//! - `# expect: supported`: it generates, and is added as an API (`new-api`) to a copy of the
//!   repository (under the target directory) with all the others; there the code must pass
//!   `cargo fmt --check`, clippy with `-D warnings` (with every feature, and with each
//!   API's feature alone), rustdoc with `-D warnings`,
//!   the doctests, the cross-API suites (wire, refusals, enums, fuzz, Prism contract,
//!   misbehaviour, secrets, credentials, hooks, coverage) and the tour. Each API's surface and wire form are compared
//!   with `xtask/tests/corpus/snapshots/`, so a generator change shows there as a diff
//!   (`--accept` writes them after review).
//!
//! The second line, `# case: ...`, says what the spec shows; a refused spec's third,
//! `# why: ...`, why it is refused and what to write instead (CONTRIBUTING.md's table).

use std::path::{Path, PathBuf};
use std::process::Command;

pub const USAGE: &str = "\
usage: cargo xtask corpus [--accept] [--refused-only] [--keep] | --table
  --accept        write the corpus's surface and wire snapshots after reviewing the diff
  --refused-only  check the refused specs only (seconds; no build)
  --keep          keep the scratch copy of the repository (target/corpus/workspace)
  --table         print CONTRIBUTING.md's table of the corpus";

/// One spec of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub path: PathBuf,
    pub expect: Expect,
    /// What the spec shows (its `# case:` line).
    pub case: String,
    /// Why a refused spec is refused, and what to write instead (its `# why:` line).
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    Supported,
    /// Refused with a line containing this text.
    Refused(String),
}

/// The arguments of `cargo xtask corpus`.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    pub accept: bool,
    pub refused_only: bool,
    pub keep: bool,
}

pub fn parse(args: &[&str]) -> Result<Options, String> {
    let mut options = Options::default();
    for arg in args {
        match *arg {
            "--accept" => options.accept = true,
            "--refused-only" => options.refused_only = true,
            "--keep" => options.keep = true,
            _ => return Err(USAGE.to_string()),
        }
    }
    Ok(options)
}

/// Reads a case's header: `# expect: supported` or `# expect: refused: <text>`, then
/// `# case: <what it shows>`.
pub fn read_case(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let expect = match lines.next().and_then(|l| l.strip_prefix("# expect: ")) {
        Some("supported") => Expect::Supported,
        Some(rest) => match rest.strip_prefix("refused: ") {
            Some(text) if !text.trim().is_empty() => Expect::Refused(text.trim().to_string()),
            _ => {
                return Err(format!(
                    "{}: `# expect: {rest}` is neither `supported` nor `refused: <text>`",
                    path.display()
                ));
            }
        },
        None => {
            return Err(format!(
                "{}: the first line must be `# expect: supported` or `# expect: refused: <text>`",
                path.display()
            ));
        }
    };
    let case = lines
        .next()
        .and_then(|l| l.strip_prefix("# case: "))
        .ok_or_else(|| {
            format!(
                "{}: the second line must be `# case: <what it shows>`",
                path.display()
            )
        })?
        .to_string();
    let why = lines
        .next()
        .and_then(|l| l.strip_prefix("# why: "))
        .map(str::to_string);
    if matches!(expect, Expect::Refused(_)) && why.is_none() {
        return Err(format!(
            "{}: a refused case's third line must be `# why: <the reason, and what to write instead>`",
            path.display()
        ));
    }
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a spec file", path.display()))?
        .to_string();
    Ok(Case {
        name,
        path: path.to_path_buf(),
        expect,
        case,
        why,
    })
}

/// Every case, sorted by name.
pub fn cases(root: &Path) -> Result<Vec<Case>, String> {
    let dir = root.join("xtask/tests/corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read_case(p)).collect()
}

/// Whether a refusal is what the case expects: one line, naming the file, with the text.
pub fn refusal_matches(name: &str, expected: &str, message: &str) -> Result<(), String> {
    let lines: Vec<&str> = message.trim_end().lines().collect();
    if lines.len() != 1 {
        return Err(format!(
            "{name}: expected one line, got {}:\n{message}",
            lines.len()
        ));
    }
    if !lines[0].contains(&format!("{name}.yaml")) {
        return Err(format!(
            "{name}: the refusal does not name the file: {message}"
        ));
    }
    if !lines[0].contains(expected) {
        return Err(format!("{name}: expected `{expected}` in: {message}"));
    }
    for internal in [
        "panicked",
        "add a rule",
        "progenitor's output changed",
        "changed shape",
        "bug of the generator",
    ] {
        if lines[0].contains(internal) {
            return Err(format!(
                "{name}: a message for the generator's authors, not the spec's: {message}"
            ));
        }
    }
    Ok(())
}

/// CONTRIBUTING.md's table of the corpus: each spec, what it shows and what happens to it
/// (`cargo xtask corpus --table` prints it; a test holds CONTRIBUTING.md to it).
pub fn readme_table(cases: &[Case]) -> String {
    let mut out = String::from("| spec | what it shows | outcome |\n|---|---|---|\n");
    for case in cases {
        let outcome = match &case.expect {
            Expect::Supported => "supported".to_string(),
            Expect::Refused(text) => {
                // The rule, as the refusal names it: `[rule]`.
                let rule = text
                    .split('[')
                    .nth(1)
                    .and_then(|r| r.split(']').next())
                    .map_or_else(|| text.clone(), |r| format!("`{r}`"));
                let why = case.why.as_deref().unwrap_or_default();
                format!("refused, {rule}: {why}")
            }
        };
        out += &format!("| `{}` | {} | {outcome} |\n", case.name, case.case);
    }
    out
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    if args == ["--table"] {
        print!("{}", readme_table(&cases(root)?));
        return Ok(());
    }
    let options = parse(args)?;
    let cases = cases(root)?;
    let mut failures = Vec::new();
    let mut supported = Vec::new();
    for case in &cases {
        let generated = crate::generator::pipeline::build(root, &case.name, &case.path);
        match (&case.expect, generated) {
            (Expect::Refused(text), Err(e)) => {
                if let Err(why) = refusal_matches(&case.name, text, &e.to_string()) {
                    failures.push(why);
                }
            }
            (Expect::Refused(_), Ok(_)) => failures.push(format!(
                "{}: generated, but the case expects a refusal",
                case.name
            )),
            (Expect::Supported, Err(e)) => failures.push(format!("{}: refused: {e}", case.name)),
            (Expect::Supported, Ok(model)) => {
                supported.push((case, crate::generator::review::surface::render(&model)))
            }
        }
    }
    if !failures.is_empty() {
        return Err(failures.join("\n"));
    }
    println!(
        "corpus: {} specs: {} generate, {} are refused in one line as expected",
        cases.len(),
        supported.len(),
        cases.len() - supported.len()
    );
    let snapshots = root.join("xtask/tests/corpus/snapshots");
    let mut outputs: Vec<(String, String)> = supported
        .iter()
        .map(|(case, surface)| (format!("{}.surface.txt", case.name), surface.clone()))
        .collect();
    if !options.refused_only {
        let names: Vec<&str> = supported.iter().map(|(c, _)| c.name.as_str()).collect();
        outputs.extend(build_in_a_copy(root, &names, &options)?);
    }
    compare_snapshots(&snapshots, &outputs, options.accept)
}

/// The corpus's surface and wire snapshots against the committed ones: a diff for each that
/// differs (or is new), or, with `accept`, written.
fn compare_snapshots(dir: &Path, outputs: &[(String, String)], accept: bool) -> Result<(), String> {
    let mut differ = Vec::new();
    for (file, text) in outputs {
        let path = dir.join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == *text {
            continue;
        }
        if accept {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("  wrote xtask/tests/corpus/snapshots/{file}");
            continue;
        }
        let diff = similar::TextDiff::from_lines(&committed, text);
        eprintln!(
            "{}",
            diff.unified_diff()
                .context_radius(2)
                .header(&format!("{file} (committed)"), &format!("{file} (now)"))
        );
        differ.push(file.clone());
    }
    if differ.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "corpus snapshots differ: {} (review the diff, then `cargo xtask corpus --accept`)",
            differ.join(", ")
        ))
    }
}

/// The target directory builds share.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// A copy of the repository's files (tracked and new, not ignored) in `to`.
pub fn copy_repository(root: &Path, to: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(to);
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !listed.status.success() {
        return Err("git ls-files failed: the corpus copies the repository's files".into());
    }
    for file in listed.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = std::str::from_utf8(file).map_err(|e| e.to_string())?;
        let from = root.join(file);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let dest = to.join(file);
        std::fs::create_dir_all(dest.parent().expect("a file has a parent"))
            .map_err(|e| format!("{}: {e}", dest.display()))?;
        std::fs::copy(&from, &dest).map_err(|e| format!("{file}: {e}"))?;
    }
    Ok(())
}

/// The modules of the integration suite run over the corpus's APIs.
const CORPUS_SUITES: [&str; 10] = [
    "apis::",
    "constraints::",
    "contract::",
    "coverage::",
    "credentials::",
    "enums::",
    "fuzz::",
    "hooks::",
    "misbehaviour::",
    "secrets::",
];

/// Adds every supported case as an API to a copy of the repository with `new-api`, checks
/// and tests the copy, and returns each case's wire snapshot.
fn build_in_a_copy(
    root: &Path,
    names: &[&str],
    options: &Options,
) -> Result<Vec<(String, String)>, String> {
    let target = target_dir(root);
    let copy = target.join("corpus/workspace");
    println!(
        "corpus: adding {} APIs to a copy of the repository in {}",
        names.len(),
        copy.display()
    );
    copy_repository(root, &copy)?;
    distinct_version(&copy)?;
    // The npm tools the contract tests start, as the test command installed them.
    #[cfg(unix)]
    if root.join("node_modules").is_dir() {
        std::os::unix::fs::symlink(root.join("node_modules"), copy.join("node_modules"))
            .map_err(|e| format!("node_modules: {e}"))?;
    }
    for name in names {
        let spec = root.join(format!("xtask/tests/corpus/{name}.yaml"));
        std::fs::copy(&spec, copy.join(format!("specs/{name}.yaml")))
            .map_err(|e| format!("{name}: {e}"))?;
        let log = crate::tasks::new_api::new_api(&copy, name)?;
        println!("new-api {name}:\n{}", log.join("\n"));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The new API crates join the lock file; nothing else in it moves.
    let lock = Command::new(&cargo)
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(&copy)
        .status()
        .map_err(|e| format!("could not run cargo update: {e}"))?;
    if !lock.success() {
        return Err(format!("corpus: cargo update --workspace failed ({lock})"));
    }
    let step = |what: &str, cmd: &mut Command| -> Result<(), String> {
        let started = std::time::Instant::now();
        let shown = format!("{cmd:?}");
        let status = cmd
            .current_dir(&copy)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .map_err(|e| format!("could not start {shown}: {e}"))?;
        println!("corpus: {what}: {:.0} s", started.elapsed().as_secs_f64());
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "corpus: {what} failed in {}: {shown} ({status})",
                copy.display()
            ))
        }
    };
    // In this process: a test run may have rebuilt this binary meanwhile.
    let started = std::time::Instant::now();
    crate::tasks::generate::generate(&copy, false)?;
    println!("corpus: generate: {:.0} s", started.elapsed().as_secs_f64());
    step(
        "fmt",
        Command::new(&cargo).args(["fmt", "--all", "--", "--check"]),
    )?;
    let clippy = |features: &[&str]| {
        let mut cmd = Command::new(&cargo);
        cmd.args(["clippy", "--quiet", "--locked", "--offline"])
            .args(features)
            .args(["--", "-D", "warnings"]);
        cmd
    };
    step(
        "clippy, every feature",
        &mut clippy(&["--lib", "--tests", "--examples", "--all-features"]),
    )?;
    // What a user depending on that API's crate alone compiles (seconds each).
    for name in names {
        let package = crate::generator::files::package_name(name);
        step(
            &format!("clippy, {name} alone"),
            &mut clippy(&[
                "--lib",
                "--package",
                &package,
                "--no-default-features",
                "--features",
                "tls-ring",
            ]),
        )?;
    }
    step(
        "rustdoc",
        Command::new(&cargo)
            .args([
                "doc",
                "--quiet",
                "--no-deps",
                "--all-features",
                "--locked",
                "--offline",
            ])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    step(
        "the doctests",
        Command::new(&cargo).args([
            "test",
            "--quiet",
            "--all-features",
            "--locked",
            "--offline",
            "--doc",
        ]),
    )?;
    step(
        "the suites",
        Command::new(&cargo)
            .args([
                "test",
                "--quiet",
                "--all-features",
                "--locked",
                "--offline",
                "--test",
                "suite",
                "--",
            ])
            // The suites that read what the generator made of each spec. (Retries, traces and
            // transport test the runtime, the same for every API: the main run covers them.)
            .args(CORPUS_SUITES)
            // New snapshots (the corpus APIs' wire form) are written, and compared below.
            .env("INSTA_UPDATE", "always")
            .env("CRM_REQUIRE_NODE_TOOLS", "1")
            .env("CRM_FUZZ_SECONDS", "1"),
    )?;
    step(
        "the tour",
        // With the features the suites were built with, so the library is built once.
        Command::new(&cargo).args([
            "run",
            "--quiet",
            "--locked",
            "--offline",
            "--all-features",
            "--example",
            "tour",
        ]),
    )?;
    let mut wire = Vec::new();
    for name in names {
        let path = copy.join(format!(
            "tests/suite/apis/snapshots/suite__apis__{name}__wire.snap"
        ));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        wire.push((format!("{name}.wire.txt"), snapshot_body(&text)));
    }
    if !options.keep {
        let _ = std::fs::remove_dir_all(&copy);
    }
    Ok(wire)
}

/// Gives each crate of the copy a version of its own (`-corpus`). Cargo names a workspace
/// member's artifacts by its name, version and path from the workspace's root, which are the
/// same in the copy: without this, each build of the copy would replace the repository's own
/// artifacts in the shared target directory, and the next build of the repository would
/// start again from its crates (measured: 140 s of CI's next step). The requirements on them
/// (`version = "..."` beside their `path`) and the lock file follow.
fn distinct_version(copy: &Path) -> Result<(), String> {
    let mut manifests = vec![copy.join("Cargo.toml")];
    for entry in std::fs::read_dir(copy.join("crates")).map_err(|e| format!("crates: {e}"))? {
        let path = entry.map_err(|e| e.to_string())?.path().join("Cargo.toml");
        if path.is_file() {
            manifests.push(path);
        }
    }
    let mut marked = Vec::new();
    for path in &manifests {
        let manifest =
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (name, version, edited) = mark_package(&manifest).ok_or_else(|| {
            format!(
                "{}: no `[package] name = .. version = ..` to mark",
                path.display()
            )
        })?;
        std::fs::write(path, mark_requirements(&edited))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        marked.push((name, version));
    }
    // The lock file names them too (the builds are `--locked`).
    let lock_path = copy.join("Cargo.lock");
    let mut lock =
        std::fs::read_to_string(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    for (name, version) in &marked {
        let entry = format!("name = \"{name}\"\nversion = \"{version}\"");
        if !lock.contains(&entry) {
            return Err(format!("Cargo.lock: no entry for {name} to mark"));
        }
        lock = lock.replace(
            &entry,
            &format!("name = \"{name}\"\nversion = \"{version}-corpus\""),
        );
    }
    std::fs::write(&lock_path, lock).map_err(|e| format!("{}: {e}", lock_path.display()))
}

/// The manifest's package name and version, and the manifest with the version marked.
fn mark_package(manifest: &str) -> Option<(String, String, String)> {
    let package = manifest.find("[package]\nname = \"")? + "[package]\nname = \"".len();
    let name_end = package + manifest[package..].find('"')?;
    let name = &manifest[package..name_end];
    let start = name_end + manifest[name_end..].find("\nversion = \"")? + "\nversion = \"".len();
    let end = start + manifest[start..].find('"')?;
    let version = &manifest[start..end];
    let edited = format!("{}{version}-corpus{}", &manifest[..start], &manifest[end..]);
    Some((name.to_string(), version.to_string(), edited))
}

/// Every requirement on a workspace crate (a `crm-bindings-*` line with a `path` and a
/// `version`) asks for the marked version.
fn mark_requirements(manifest: &str) -> String {
    let lines: Vec<String> = manifest
        .lines()
        .map(|line| {
            let ours = line.starts_with("crm-bindings") && line.contains("path = ");
            match line.find("version = \"") {
                Some(at) if ours => {
                    let start = at + "version = \"".len();
                    let end = start + line[start..].find('"').unwrap_or(0);
                    format!("{}-corpus{}", &line[..end], &line[end..])
                }
                _ => line.to_string(),
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

/// An insta snapshot without its header (`---` ... `---`).
fn snapshot_body(text: &str) -> String {
    let mut parts = text.splitn(3, "---\n");
    match (parts.next(), parts.next(), parts.next()) {
        (Some(""), Some(_header), Some(body)) => body.to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy's crates get versions of their own, and the requirements on them follow;
    /// other dependencies and other lines keep theirs.
    #[test]
    fn the_copys_crates_and_the_requirements_on_them_are_marked() {
        let manifest = "[package]\nname = \"crm-bindings\"\nversion = \"0.1.0\"\n\n[dependencies]\n\
            crm-bindings-yume = { path = \"crates/yume\", version = \"0.1.0\", optional = true }\n\
            serde = { version = \"1\" }\n";
        let (name, version, edited) = mark_package(manifest).unwrap();
        assert_eq!((name.as_str(), version.as_str()), ("crm-bindings", "0.1.0"));
        assert_eq!(
            mark_requirements(&edited),
            "[package]\nname = \"crm-bindings\"\nversion = \"0.1.0-corpus\"\n\n[dependencies]\n\
             crm-bindings-yume = { path = \"crates/yume\", version = \"0.1.0-corpus\", optional = true }\n\
             serde = { version = \"1\" }\n"
        );
        assert_eq!(mark_package("[workspace]\n"), None);
    }

    #[test]
    fn arguments_are_read_or_refused_with_the_usage() {
        assert_eq!(parse(&[]), Ok(Options::default()));
        assert_eq!(
            parse(&["--accept", "--keep"]),
            Ok(Options {
                accept: true,
                keep: true,
                refused_only: false
            })
        );
        assert_eq!(parse(&["--other"]), Err(USAGE.to_string()));
    }

    /// Made-up headers: each expectation, and what is not one.
    #[test]
    fn each_case_says_what_to_expect() {
        let dir = std::env::temp_dir().join(format!("xtask-case-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            read_case(&path)
        };
        let supported = write(
            "a.yaml",
            "# expect: supported\n# case: a thing\nopenapi: 3.0.3\n",
        );
        assert_eq!(supported.as_ref().unwrap().expect, Expect::Supported);
        assert_eq!(supported.unwrap().case, "a thing");
        let refused = write(
            "b.yaml",
            "# expect: refused: x (GET /x): [rule]\n# case: c\n# why: w\n",
        );
        assert_eq!(
            refused.unwrap().expect,
            Expect::Refused("x (GET /x): [rule]".into())
        );
        for bad in [
            "openapi: 3.0.3\n",
            "# expect: maybe\n# case: c\n",
            "# expect: refused: \n# case: c\n",
            "# expect: supported\nopenapi: 3.0.3\n",
            "# expect: refused: [rule]\n# case: c\nopenapi: 3.0.3\n",
        ] {
            assert!(write("c.yaml", bad).is_err(), "{bad}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_refusal_is_one_line_naming_the_file_and_the_rule_for_the_specs_author() {
        let line =
            "x/dup.yaml: list (GET /a): [duplicate-parameter] query parameter `a` is listed twice";
        assert_eq!(
            refusal_matches("dup", "[duplicate-parameter]", line),
            Ok(())
        );
        assert!(refusal_matches("dup", "[other]", line).is_err());
        assert!(refusal_matches("other", "[duplicate-parameter]", line).is_err());
        assert!(
            refusal_matches("dup", "[duplicate-parameter]", &format!("{line}\n{line}")).is_err()
        );
        let internal = "x/dup.yaml: progenitor panicked (boom); add a rule for this";
        assert!(refusal_matches("dup", "progenitor", internal).is_err());
    }

    /// CONTRIBUTING.md lists every spec of the corpus with its outcome: the table this
    /// prints.
    #[test]
    fn the_contributing_guide_has_the_corpus_table() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cases = cases(&root).unwrap();
        assert!(cases.len() >= 25, "{} specs", cases.len());
        let table = readme_table(&cases);
        let guide = std::fs::read_to_string(root.join("CONTRIBUTING.md")).unwrap();
        assert!(
            guide.contains(&table),
            "CONTRIBUTING.md lacks the corpus table (`cargo xtask corpus --table` prints it):\n{table}"
        );
    }

    #[test]
    fn a_snapshots_header_is_left_out() {
        let snap = "---\nsource: tests/suite/apis/a.rs\nexpression: x\n---\n### op\nGET /a\n";
        assert_eq!(snapshot_body(snap), "### op\nGET /a\n");
        assert_eq!(snapshot_body("no header\n"), "no header\n");
    }
}
