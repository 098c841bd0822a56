//! `cargo xtask semver [--report-only] [name...]`: the change report checked against Rust's
//! semver rules on a corpus of spec edits (`xtask/tests/semver/edits.yaml`).
//!
//! Each edit is applied to a copy of the repository (`target/semver/workspace`), its API is
//! regenerated there, and two verdicts are read: the change report's (`report.rs`, against
//! the unedited surface: major, minor, or patch when only the generated code changed) and
//! cargo-semver-checks' (`check-release --release-type minor` of the regenerated crate
//! against the unedited one: a failure means major). Every verdict must be the one the
//! corpus records; every edit cargo-semver-checks calls major the report must call major;
//! where the report is stricter the entry says why. cargo-semver-checks is installed at a
//! pinned version the first time (about 13 minutes on two cores), which is why CI runs only
//! `--report-only`; run it whole when the report's rules or the generator change.

use crate::generator::pipeline;
use crate::generator::review::report::{self, Level};
use crate::tasks::corpus::copy_repository;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = "0.51.0";
const CORPUS: &str = "xtask/tests/semver/edits.yaml";

/// One edit of the corpus.
struct Edit {
    name: String,
    api: String,
    replace: Vec<(String, String)>,
    report: String,
    semver_checks: String,
    why: Option<String>,
}

/// Where an API's files are: its spec, whether it is the golden sample, its crate's package.
struct Target {
    spec: PathBuf,
    golden: bool,
    surface: String,
    package: String,
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let report_only = args.contains(&"--report-only");
    let only: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with("--"))
        .collect();
    let edits = read_corpus(root)?;
    let unknown: Vec<&&str> = only
        .iter()
        .filter(|n| !edits.iter().any(|e| e.name == **n))
        .collect();
    if !unknown.is_empty() {
        return Err(format!("{CORPUS}: no edit named {unknown:?}"));
    }
    if !report_only {
        install()?;
    }
    let work = root.join("target/semver/workspace");
    let _ = std::fs::remove_dir_all(&work);
    copy_repository(root, &work)?;
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for edit in edits
        .iter()
        .filter(|e| only.is_empty() || only.contains(&e.name.as_str()))
    {
        let target = target(root, &edit.api)?;
        let (report_verdict, lines) = apply(root, &work, edit, &target)?;
        let checks = if report_only {
            None
        } else {
            Some(semver_checks(root, &work, &target.package)?)
        };
        let mut problems = Vec::new();
        if report_verdict != edit.report {
            problems.push(format!(
                "the report says {report_verdict}, the corpus {}",
                edit.report
            ));
        }
        if let Some(checks) = checks.as_ref().filter(|c| **c != edit.semver_checks) {
            problems.push(format!(
                "cargo-semver-checks says {checks}, the corpus {}",
                edit.semver_checks
            ));
        }
        if edit.semver_checks == "major" && edit.report != "major" {
            problems.push("cargo-semver-checks calls it major, the report does not".into());
        }
        if edit.report == "major" && edit.semver_checks != "major" && edit.why.is_none() {
            problems.push("the report is stricter than cargo-semver-checks: say why".into());
        }
        let agreement = if edit.report == edit.semver_checks
            || (edit.report == "patch" && edit.semver_checks == "minor")
        {
            "agree".to_string()
        } else {
            edit.why.clone().unwrap_or_default()
        };
        rows.push(format!(
            "| {} | {} | {report_verdict} | {} | {agreement} |",
            edit.name,
            edit.api,
            checks.as_deref().unwrap_or("(not run)")
        ));
        println!(
            "{:<60} report {report_verdict:<6} cargo-semver-checks {}\n{lines}",
            edit.name,
            checks.as_deref().unwrap_or("(not run)")
        );
        if !problems.is_empty() {
            failures.push(format!("{}: {}", edit.name, problems.join("; ")));
        }
        restore(root, &work, edit, &target)?;
    }
    let table = format!(
        "| edit | api | report | cargo-semver-checks {VERSION} | agreement, or why the report is stricter |\n\
         |---|---|---|---|---|\n{}\n",
        rows.join("\n")
    );
    let _ = std::fs::write(root.join("target/semver/table.md"), &table);
    println!("\n{table}");
    if failures.is_empty() {
        println!("{} edit(s): every verdict as the corpus says", rows.len());
        Ok(())
    } else {
        Err(format!("semver corpus:\n  {}", failures.join("\n  ")))
    }
}

/// The edit applied to the copy and its API regenerated there: the report's verdict and
/// its lines.
fn apply(
    root: &Path,
    work: &Path,
    edit: &Edit,
    target: &Target,
) -> Result<(String, String), String> {
    let rel = target.spec.strip_prefix(root).unwrap_or(&target.spec);
    let mut text = std::fs::read_to_string(&target.spec).map_err(|e| format!("{rel:?}: {e}"))?;
    for (from, to) in &edit.replace {
        if !text.contains(from.as_str()) {
            return Err(format!(
                "{CORPUS}: `{}`: {} has no text `{from}` (was the spec edited? update the corpus)",
                edit.name,
                rel.display()
            ));
        }
        text = text.replacen(from.as_str(), to, 1);
    }
    let spec = work.join(rel);
    std::fs::write(&spec, &text).map_err(|e| format!("{}: {e}", spec.display()))?;
    let generated = pipeline::generate_one(work, &edit.api, &spec, target.golden)
        .map_err(|e| format!("`{}`: the edited spec does not generate: {e}", edit.name))?;
    let mut code_changed = false;
    for (file, content) in &generated.outputs {
        let before = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        code_changed |= before != *content;
        std::fs::write(work.join(file), content).map_err(|e| format!("{file}: {e}"))?;
    }
    let changes = report::changes(
        &report::committed(root, &target.surface),
        &generated.surface,
    );
    let verdict = match report::level(&changes) {
        Some(Level::Major) => "major",
        Some(Level::Minor) => "minor",
        Some(Level::Patch) | None if code_changed => "patch",
        _ => "none",
    };
    let lines = report::render(&edit.api, &changes)
        .lines()
        .skip(1)
        .map(|l| format!("  {l}\n"))
        .collect();
    Ok((verdict.to_string(), lines))
}

/// The copy's files the edit changed, back as they are in the repository.
fn restore(root: &Path, work: &Path, edit: &Edit, target: &Target) -> Result<(), String> {
    let rel = target.spec.strip_prefix(root).unwrap_or(&target.spec);
    let generated = pipeline::generate_one(root, &edit.api, &target.spec, target.golden)
        .map_err(|e| e.to_string())?;
    let mut files: Vec<PathBuf> = generated
        .outputs
        .iter()
        .map(|(f, _)| PathBuf::from(f))
        .collect();
    files.push(rel.to_path_buf());
    for file in files {
        std::fs::copy(root.join(&file), work.join(&file))
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

/// cargo-semver-checks' verdict on the copy's crate against the repository's: `minor` when
/// a minor release may carry it, `major` when it fails.
fn semver_checks(root: &Path, work: &Path, package: &str) -> Result<String, String> {
    let out = Command::new("cargo")
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(work.join("Cargo.toml"))
        .args(["-p", package, "--baseline-root"])
        .arg(root)
        .args(["--release-type", "minor"])
        .env("CARGO_TARGET_DIR", root.join("target/semver/target"))
        .output()
        .map_err(|e| format!("could not run cargo semver-checks: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok("minor".into())
    } else if text.contains("requires new major version") {
        Ok("major".into())
    } else {
        Err(format!("cargo semver-checks failed on {package}:\n{text}"))
    }
}

fn install() -> Result<(), String> {
    let present = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if present {
        return Ok(());
    }
    println!("installing cargo-semver-checks {VERSION} (once, about 13 minutes on two cores)");
    let status = Command::new("cargo")
        .args([
            "install",
            "--locked",
            "cargo-semver-checks",
            "--version",
            VERSION,
        ])
        .status()
        .map_err(|e| format!("could not run cargo install: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo install cargo-semver-checks failed ({status})"
        ))
    }
}

fn target(root: &Path, api: &str) -> Result<Target, String> {
    if api == "keywords" {
        return Ok(Target {
            spec: root.join("xtask/tests/golden/keywords.yaml"),
            golden: true,
            surface: "golden_keywords".into(),
            package: "crm-bindings-keywords".into(),
        });
    }
    let spec = root.join(format!("specs/{api}.yaml"));
    if !spec.is_file() {
        return Err(format!("{CORPUS}: no spec specs/{api}.yaml"));
    }
    Ok(Target {
        spec,
        golden: false,
        surface: api.to_string(),
        package: crate::generator::files::package_name(api),
    })
}

fn read_corpus(root: &Path) -> Result<Vec<Edit>, String> {
    let text = std::fs::read_to_string(root.join(CORPUS)).map_err(|e| format!("{CORPUS}: {e}"))?;
    let value: Value = serde_yaml_ng::from_str(&text).map_err(|e| format!("{CORPUS}: {e}"))?;
    let entries = value.as_array().ok_or(format!("{CORPUS}: not a list"))?;
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = |key: &str| -> Result<String, String> {
                entry
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or(format!("{CORPUS}: entry {}: no `{key}`", i + 1))
            };
            let verdict = |key: &str, allowed: &[&str]| -> Result<String, String> {
                let v = field(key)?;
                if allowed.contains(&v.as_str()) {
                    Ok(v)
                } else {
                    Err(format!(
                        "{CORPUS}: entry {}: `{key}: {v}` is not one of {allowed:?}",
                        i + 1
                    ))
                }
            };
            let replace = entry
                .get("replace")
                .and_then(Value::as_array)
                .ok_or(format!("{CORPUS}: entry {}: no `replace` list", i + 1))?
                .iter()
                .map(|pair| {
                    let text = |k: &str| pair.get(k).and_then(Value::as_str).map(str::to_string);
                    text("from")
                        .filter(|f| !f.is_empty())
                        .zip(text("to"))
                        .ok_or(format!(
                            "{CORPUS}: entry {}: a `replace` needs `from` and `to`",
                            i + 1
                        ))
                })
                .collect::<Result<_, _>>()?;
            Ok(Edit {
                name: field("name")?,
                api: field("api")?,
                replace,
                report: verdict("report", &["major", "minor", "patch"])?,
                semver_checks: verdict("semver_checks", &["major", "minor"])?,
                why: entry.get("why").and_then(Value::as_str).map(str::to_string),
            })
        })
        .collect()
}
