//! Refuses to build when a spec no longer matches its generated code. Dependency-free:
//! it only hashes files, so progenitor never reaches users' builds.

#[path = "build_support/spec_hash.rs"]
mod spec_hash;

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=specs");
    println!("cargo::rerun-if-changed=src/generated");
    let Ok(entries) = std::fs::read_dir("specs") else {
        return; // a packaged crate without specs has nothing to guard
    };
    let mut stale = Vec::new();
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let api = path.file_stem().unwrap().to_string_lossy().to_string();
        let generated = Path::new("src/generated").join(format!("{api}.rs"));
        let spec = std::fs::read_to_string(&path).unwrap_or_default();
        let code = std::fs::read_to_string(&generated).unwrap_or_default();
        let want = spec_hash::spec_hash(&spec);
        match spec_hash::recorded_hash(&code) {
            Some(have) if have == want => {}
            have => stale.push(format!(
                "specs/{api}.yaml (hash {want}) does not match {} (records {})",
                generated.display(),
                have.unwrap_or("nothing")
            )),
        }
    }
    if !stale.is_empty() {
        for line in &stale {
            println!("cargo::error={line}");
        }
        println!(
            "cargo::error=run `cargo xtask generate` to regenerate, then review and commit src/generated/"
        );
    }
}
