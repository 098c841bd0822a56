//! What xtask's test files share.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of the repository's files (tracked and new, not ignored) in a fresh temporary
/// directory named after `name`.
pub fn copy_of_repository(name: &str) -> PathBuf {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let tracked = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(&real)
        .output()
        .expect("git runs");
    assert!(tracked.status.success(), "git ls-files");
    for file in tracked.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = std::str::from_utf8(file).unwrap();
        if !real.join(file).is_file() {
            continue; // deleted in the working tree
        }
        std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        std::fs::copy(real.join(file), root.join(file)).unwrap();
    }
    root
}
