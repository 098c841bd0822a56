//! Refuses to build when a spec no longer matches its generated code (`specs/<api>.yaml` ->
//! `crates/<api>/src/generated.rs`; the golden sample -> `crates/golden`). Dependency-free:
//! it only hashes files, so progenitor never reaches users' builds.

#[path = "build_support/spec_hash.rs"]
mod spec_hash;

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=specs");
    println!("cargo::rerun-if-changed=crates");
    println!("cargo::rerun-if-changed=xtask/tests/golden");
    let Ok(entries) = std::fs::read_dir("specs") else {
        return; // a packaged crate without specs has nothing to guard
    };
    // The generator's golden samples are generated the same way (absent from a package).
    let golden = std::fs::read_dir("xtask/tests/golden")
        .into_iter()
        .flatten()
        .map(|entry| (entry, true));
    let mut stale = Vec::new();
    for (path, is_golden) in entries
        .map(|entry| (entry, false))
        .chain(golden)
        .filter_map(|(entry, is_golden)| Some((entry.ok()?.path(), is_golden)))
    {
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let api = path.file_stem().unwrap().to_string_lossy().to_string();
        let folder = if is_golden { "golden".to_string() } else { api };
        let generated = Path::new("crates").join(folder).join("src/generated.rs");
        let spec = std::fs::read_to_string(&path).unwrap_or_default();
        let code = std::fs::read_to_string(&generated).unwrap_or_default();
        let want = spec_hash::spec_hash(&spec);
        match spec_hash::recorded_hash(&code) {
            Some(have) if have == want => {}
            have => stale.push(format!(
                "{} (hash {want}) does not match {} (records {})",
                path.display(),
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
            "cargo::error=run `cargo xtask generate` to regenerate, then review and commit crates/"
        );
    }
}
