//! Versions from the change report: `cargo xtask semver --report-only` (the report's verdict
//! on every spec edit of the semver corpus), and `cargo xtask release` on a scratch git copy
//! of the repository, where an edit to the Yume spec bumps only the Yume crate and the facade.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_of_repository;

fn xtask(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_ROOT", root)
        .output()
        .expect("xtask runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The report's verdict on each edit of `xtask/tests/semver/edits.yaml` is the one the corpus
/// records (cargo-semver-checks' side runs in `cargo xtask semver`, too slow to build here).
#[test]
fn the_report_gives_each_corpus_edit_its_recorded_release() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = xtask(&["semver", "--report-only"], &real);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("37 edit(s): every verdict as the corpus says"),
        "{}",
        text(&out)
    );
}

/// A copy of the repository's files (tracked and new) as a fresh git repository.
fn git_copy(name: &str) -> PathBuf {
    let root = copy_of_repository(name);
    git(&root, &["init", "-q"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "released"]);
    root
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(root)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn version(manifest: &Path) -> String {
    let text = format!("\n{}", std::fs::read_to_string(manifest).unwrap());
    let package = text
        .split("\n[")
        .find(|s| s.starts_with("package]"))
        .unwrap();
    package
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("a package version")
        .to_string()
}

/// `0.y.z` -> `0.y.(z+1)`, what an additive change needs below 1.0.
fn next_patch(v: &str) -> String {
    let (head, patch) = v.rsplit_once('.').unwrap();
    format!("{head}.{}", patch.parse::<u64>().unwrap() + 1)
}

/// A new answer field in the Yume spec: the Yume crate and the facade get the next
/// compatible version, a CHANGELOG entry with the report's line under "Added", and the
/// facade's requirement follows; no other crate changes. Run twice, it does nothing more.
#[test]
fn a_yume_edit_releases_only_yume_and_the_facade() {
    let root = git_copy("xtask-release");
    let manifests = ["cscart", "yume", "uapay", "thulium", "solos"]
        .map(|api| root.join(format!("crates/{api}/Cargo.toml")));
    let before: Vec<String> = manifests.iter().map(|m| version(m)).collect();
    let changelog = |m: &Path| std::fs::read_to_string(m.with_file_name("CHANGELOG.md")).ok();
    let logs_before: Vec<Option<String>> = manifests.iter().map(|m| changelog(m)).collect();
    let facade_before = version(&root.join("Cargo.toml"));
    let spec = root.join("specs/yume.yaml");
    let anchor = "      required: [id, created_at, updated_at, tenant]\n      properties:\n";
    let edited = std::fs::read_to_string(&spec).unwrap().replacen(
        anchor,
        &format!(
            "{anchor}        archived_at:\n          type: string\n          format: date-time\n          nullable: true\n          description: When the trigger was archived.\n"
        ),
        1,
    );
    std::fs::write(&spec, edited).unwrap();
    let out = xtask(&["generate"], &root);
    assert!(out.status.success(), "{}", text(&out));

    let out = xtask(&["release", "--date", "2026-12-03"], &root);
    assert!(out.status.success(), "{}", text(&out));
    let yume = next_patch(&before[1]);
    assert!(
        text(&out).contains(&format!(
            "crm-bindings-yume: {} -> {yume} (additive release",
            before[1]
        )),
        "{}",
        text(&out)
    );
    for (i, manifest) in manifests.iter().enumerate() {
        let expected = if i == 1 {
            yume.clone()
        } else {
            before[i].clone()
        };
        assert_eq!(version(manifest), expected, "{}", manifest.display());
        assert_eq!(
            changelog(manifest) != logs_before[i],
            i == 1,
            "only Yume's CHANGELOG is written"
        );
    }
    let facade = next_patch(&facade_before);
    assert_eq!(version(&root.join("Cargo.toml")), facade);
    let cargo_toml = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains(&format!(
            "crm-bindings-yume = {{ path = \"crates/yume\", version = \"{yume}\""
        )),
        "the facade requires the new version"
    );
    let changelog = std::fs::read_to_string(root.join("crates/yume/CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains(&format!(
            "## [{yume}] - 2026-12-03\n\n### Added\n\n- type `WazzupTrigger`: new `archived_at: Option<DateTime<Utc>>, optional, nullable"
        )),
        "{changelog}"
    );
    let facade_log = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    assert!(
        facade_log.contains(&format!("- `crm-bindings-yume` {} -> {yume}", before[1])),
        "{facade_log}"
    );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    assert!(lock.contains(&format!(
        "name = \"crm-bindings-yume\"\nversion = \"{yume}\""
    )));

    // Not yet committed: a second run bumps nothing again.
    let again = xtask(&["release", "--date", "2026-12-03"], &root);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(version(&manifests[1]), yume);
    std::fs::remove_dir_all(&root).unwrap();
}
