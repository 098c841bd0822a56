//! `cargo xtask release [--dry-run] [--date YYYY-MM-DD]`: the next version of each API crate
//! from its change report, written to its manifest and CHANGELOG.md, and the facade's to
//! match.
//!
//! The baseline of an API crate is its last release: the last commit that changed the
//! `version` line of `crates/<api>/Cargo.toml`. Its surface then (the surface snapshot in
//! that commit) is compared with the surface the spec gives now (`report.rs`): a breaking
//! change needs a major release, an additive one a minor release, and a crate whose spec or
//! files changed with no change to the surface a patch release. Below 1.0 Cargo's rules
//! shift one place: `0.y.z` -> `0.(y+1).0` for breaking, `0.y.(z+1)` for the rest.
//! The facade re-exports every API crate, so it takes the largest of their releases.
//! The runtime is hand-written and has no report: the command says when it changed, for
//! `cargo semver-checks` to judge.

use crate::generator::review::report::{self, Change, Level};
use crate::generator::{files, pipeline};
use std::path::Path;
use std::process::Command;

/// One crate's release: which crate, from and to which version, and why.
struct Release {
    package: String,
    manifest: String,
    from: String,
    to: String,
    level: Level,
    changes: Vec<Change>,
    base: String,
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let mut dry_run = false;
    let mut date = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--dry-run" => dry_run = true,
            "--date" => date = rest.next().map(|d| d.to_string()),
            other => return Err(format!("release: unknown argument `{other}`\n{USAGE}")),
        }
    }
    let date = match date {
        Some(d) => d,
        None => today()?,
    };
    let mut releases = Vec::new();
    for (api, spec) in files::spec_files(root).map_err(|e| e.to_string())? {
        if let Some(release) = api_release(root, &api, &spec)? {
            releases.push(release);
        }
    }
    if let Some(runtime) = changed_since_release(root, "crates/runtime")? {
        println!(
            "note: crm-bindings-runtime changed since its release ({runtime}); it is hand-written, \
             so judge it with `cargo semver-checks -p crm-bindings-runtime` and set its version by hand"
        );
    }
    if releases.is_empty() {
        println!("no API crate changed since its release: nothing to do");
        return Ok(());
    }
    let facade = facade_release(root, &releases)?;
    for r in &releases {
        println!(
            "{}: {} -> {} ({} release; {} surface change(s) since {})",
            r.package,
            r.from,
            r.to,
            level_name(r.level),
            r.changes.len(),
            short(&r.base)
        );
    }
    println!(
        "{}: {} -> {} ({} release: the largest of its API crates')",
        facade.package,
        facade.from,
        facade.to,
        level_name(facade.level)
    );
    if dry_run {
        return Ok(());
    }
    for r in &releases {
        set_package_version(root, &r.manifest, &r.from, &r.to)?;
        set_dependency_version(root, &r.package, &r.from, &r.to)?;
        let dir = Path::new(&r.manifest).parent().unwrap_or(Path::new("."));
        add_changelog_entry(
            &root.join(dir).join("CHANGELOG.md"),
            &r.package,
            &r.to,
            &date,
            &entry_of(r),
        )?;
    }
    set_package_version(root, &facade.manifest, &facade.from, &facade.to)?;
    let lines: Vec<String> = releases
        .iter()
        .map(|r| {
            format!(
                "- {}`{}` {} -> {} (see `{}`)",
                if r.level == Level::Major {
                    "**Breaking:** "
                } else {
                    ""
                },
                r.package,
                r.from,
                r.to,
                Path::new(&r.manifest)
                    .with_file_name("CHANGELOG.md")
                    .display()
            )
        })
        .collect();
    add_changelog_entry(
        &root.join("CHANGELOG.md"),
        "crm-bindings",
        &facade.to,
        &date,
        &format!("### Changed\n\n{}\n", lines.join("\n")),
    )?;
    // Cargo.lock names every workspace crate's version.
    let status = Command::new("cargo")
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not run cargo update: {e}"))?;
    if !status.success() {
        return Err("cargo update --workspace failed: Cargo.lock keeps the old versions".into());
    }
    println!("wrote the versions, CHANGELOG.md files and Cargo.lock; review and commit them");
    Ok(())
}

const USAGE: &str = "usage: cargo xtask release [--dry-run] [--date YYYY-MM-DD]";

/// The release `api`'s crate needs, or `None` when nothing changed since its last one.
fn api_release(root: &Path, api: &str, spec: &Path) -> Result<Option<Release>, String> {
    let dir = files::crate_dir(api, false);
    let manifest = format!("{dir}/Cargo.toml");
    let from = package_version(&read(root, &manifest)?)
        .ok_or_else(|| format!("{manifest}: no `version = \"x.y.z\"` in [package]"))?;
    let base = last_release(root, &manifest)?;
    let released = git(root, &["show", &format!("{base}:{manifest}")])?;
    if package_version(&released).as_deref() != Some(from.as_str()) {
        println!(
            "{}: already at {from}, not yet committed; commit it first",
            files::package_name(api)
        );
        return Ok(None);
    }
    let snapshot = format!("xtask/tests/snapshots/{api}_surface.snap");
    let before = report::without_snapshot_header(
        &git(root, &["show", &format!("{base}:{snapshot}")]).unwrap_or_default(),
    );
    let now = pipeline::generate_one(root, api, spec, false)
        .map_err(|e| e.to_string())?
        .surface;
    let changes = report::changes(&before, &now);
    let touched = [dir.clone(), format!("specs/{api}.yaml")];
    let level = match report::level(&changes) {
        Some(level) => level,
        None if files_changed(root, &base, &touched)? => Level::Patch,
        None => return Ok(None),
    };
    Ok(Some(Release {
        package: files::package_name(api),
        to: next_version(&from, level)?,
        from,
        manifest,
        level,
        changes,
        base,
    }))
}

/// The facade's release: the largest of the API crates'.
fn facade_release(root: &Path, releases: &[Release]) -> Result<Release, String> {
    let manifest = "Cargo.toml".to_string();
    let from = package_version(&read(root, &manifest)?)
        .ok_or("Cargo.toml: no `version = \"x.y.z\"` in [package]")?;
    let level = releases
        .iter()
        .map(|r| r.level)
        .max()
        .unwrap_or(Level::Patch);
    Ok(Release {
        package: "crm-bindings".into(),
        to: next_version(&from, level)?,
        from,
        manifest: manifest.clone(),
        level,
        changes: Vec::new(),
        base: last_release(root, &manifest)?,
    })
}

/// The next version after `version` for a release of `level`, by Cargo's rules (0.x shifts
/// one place: its minor number is the one that breaks).
pub fn next_version(version: &str, level: Level) -> Result<String, String> {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{version}` is not a plain x.y.z version"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("`{version}` is not a plain x.y.z version"));
    };
    Ok(match (major, minor, level) {
        (0, 0, _) => format!("0.0.{}", patch + 1),
        (0, _, Level::Major) => format!("0.{}.0", minor + 1),
        (0, _, _) => format!("0.{minor}.{}", patch + 1),
        (_, _, Level::Major) => format!("{}.0.0", major + 1),
        (_, _, Level::Minor) => format!("{major}.{}.0", minor + 1),
        (_, _, Level::Patch) => format!("{major}.{minor}.{}", patch + 1),
    })
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Major => "breaking",
        Level::Minor => "additive",
        Level::Patch => "patch",
    }
}

/// The report's lines in Keep a Changelog's sections.
fn entry_of(release: &Release) -> String {
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let mut removed = Vec::new();
    for change in &release.changes {
        let line = format!(
            "- {}{}",
            if change.breaking {
                "**Breaking:** "
            } else {
                ""
            },
            change.what
        );
        if change.what.starts_with("new ") || change.what.contains(": new ") {
            added.push(line);
        } else if change.what.ends_with(" removed") {
            removed.push(line);
        } else {
            changed.push(line);
        }
    }
    if release.changes.is_empty() {
        changed.push(
            "- No change to the public API: documentation or generated code only.".to_string(),
        );
    }
    let mut out = String::new();
    for (title, lines) in [("Added", added), ("Changed", changed), ("Removed", removed)] {
        if !lines.is_empty() {
            out += &format!("### {title}\n\n{}\n\n", lines.join("\n"));
        }
    }
    out.trim_end().to_string() + "\n"
}

/// Puts a `## [version] - date` section at the top of a Keep a Changelog file (made when
/// missing).
fn add_changelog_entry(
    path: &Path,
    package: &str,
    version: &str,
    date: &str,
    entry: &str,
) -> Result<(), String> {
    let current = std::fs::read_to_string(path).unwrap_or_else(|_| {
        format!(
            "# Changelog\n\nAll notable changes to `{package}`. The format follows \
             [Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and versions follow \
             [Rust's semver rules](https://doc.rust-lang.org/cargo/reference/semver.html) \
             (written by `cargo xtask release` from the change report).\n"
        )
    });
    let section = format!("## [{version}] - {date}\n\n{entry}");
    let text = match current.find("\n## [") {
        Some(at) => format!("{}{section}\n{}", &current[..at + 1], &current[at + 1..]),
        None => format!("{}\n{section}", current.trim_end().to_string() + "\n"),
    };
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `version = "..."` of a manifest's `[package]`.
fn package_version(manifest: &str) -> Option<String> {
    let manifest = format!("\n{manifest}");
    let package = manifest.split("\n[").find(|s| s.starts_with("package]"))?;
    package.lines().find_map(|line| {
        line.strip_prefix("version = \"")
            .and_then(|rest| rest.strip_suffix('"'))
            .map(str::to_string)
    })
}

fn set_package_version(root: &Path, manifest: &str, from: &str, to: &str) -> Result<(), String> {
    let text = read(root, manifest)?;
    let old = format!("\nversion = \"{from}\"\n");
    if !text.contains(&old) {
        return Err(format!("{manifest}: no line `version = \"{from}\"`"));
    }
    let text = text.replacen(&old, &format!("\nversion = \"{to}\"\n"), 1);
    std::fs::write(root.join(manifest), text).map_err(|e| format!("{manifest}: {e}"))
}

/// The facade's requirement on an API crate: `crm-bindings-<api> = { ..., version = "..." }`.
fn set_dependency_version(root: &Path, package: &str, from: &str, to: &str) -> Result<(), String> {
    let text = read(root, "Cargo.toml")?;
    let mut found = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with(&format!("{package} = {{")) {
                found = true;
                line.replace(
                    &format!("version = \"{from}\""),
                    &format!("version = \"{to}\""),
                )
            } else {
                line.to_string()
            }
        })
        .collect();
    if !found {
        return Err(format!("Cargo.toml: no dependency `{package} = {{ ... }}`"));
    }
    std::fs::write(root.join("Cargo.toml"), lines.join("\n") + "\n")
        .map_err(|e| format!("Cargo.toml: {e}"))
}

/// The last commit that changed the `version` line of `manifest`: its last release.
fn last_release(root: &Path, manifest: &str) -> Result<String, String> {
    let out = git(
        root,
        &["log", "-n1", "--format=%H", "-G^version = ", "--", manifest],
    )?;
    let base = out.trim().to_string();
    if base.is_empty() {
        return Err(format!(
            "{manifest}: no commit sets its version (is it committed?)"
        ));
    }
    Ok(base)
}

/// The last release of the crate in `dir` when a file of it changed since, else `None`.
fn changed_since_release(root: &Path, dir: &str) -> Result<Option<String>, String> {
    let base = last_release(root, &format!("{dir}/Cargo.toml"))?;
    Ok(files_changed(root, &base, &[dir.to_string()])?.then(|| short(&base).to_string()))
}

fn files_changed(root: &Path, base: &str, paths: &[String]) -> Result<bool, String> {
    let mut args = vec!["diff", "--quiet", base, "--"];
    args.extend(paths.iter().map(String::as_str));
    let status = Command::new("git")
        .args(&args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not run git: {e}"))?;
    match status.code() {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        _ => Err(format!("git diff {base} failed ({status})")),
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn read(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("{rel}: {e}"))
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(7)]
}

/// Today's date (UTC) for the CHANGELOG.
fn today() -> Result<String, String> {
    let out = Command::new("date")
        .args(["-u", "+%F"])
        .output()
        .map_err(|e| format!("could not run date (pass --date YYYY-MM-DD): {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cargo's rules, with 0.x shifted one place and 0.0.x breaking on every release.
    #[test]
    fn next_versions() {
        let cases = [
            ("0.1.0", Level::Major, "0.2.0"),
            ("0.1.3", Level::Minor, "0.1.4"),
            ("0.1.3", Level::Patch, "0.1.4"),
            ("0.0.3", Level::Minor, "0.0.4"),
            ("1.2.3", Level::Major, "2.0.0"),
            ("1.2.3", Level::Minor, "1.3.0"),
            ("1.2.3", Level::Patch, "1.2.4"),
        ];
        for (from, level, to) in cases {
            assert_eq!(next_version(from, level).unwrap(), to, "{from} {level:?}");
        }
        assert!(next_version("1.0.0-rc.1", Level::Patch).is_err());
    }

    #[test]
    fn the_package_version_not_a_dependency_version() {
        let manifest = "[package]\nname = \"a\"\nversion = \"0.3.1\"\n\n[dependencies]\nb = { version = \"9\" }\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.3.1"));
        assert_eq!(package_version("[dependencies]\nversion = \"1\"\n"), None);
    }

    #[test]
    fn changelog_sections_from_the_report() {
        let release = Release {
            package: "p".into(),
            manifest: "crates/p/Cargo.toml".into(),
            from: "0.1.0".into(),
            to: "0.2.0".into(),
            level: Level::Major,
            base: "abc".into(),
            changes: vec![
                Change {
                    breaking: true,
                    what: "type `S`: `Debtor` removed".into(),
                },
                Change {
                    breaking: false,
                    what: "type `A`: new `note: Option<String>, optional`".into(),
                },
                Change {
                    breaking: true,
                    what: "type `A`: `timeout` type `Option<String>` -> `String`".into(),
                },
            ],
        };
        assert_eq!(
            entry_of(&release),
            "### Added\n\n- type `A`: new `note: Option<String>, optional`\n\n\
             ### Changed\n\n- **Breaking:** type `A`: `timeout` type `Option<String>` -> `String`\n\n\
             ### Removed\n\n- **Breaking:** type `S`: `Debtor` removed\n"
        );
    }
}
