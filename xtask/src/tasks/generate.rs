//! `cargo xtask generate [--check]`, `check <spec>` and `surface <api|spec>`: the
//! generator's pipeline over every spec, its files written (or compared with what is
//! committed), and what each edit does to users printed against the accepted surfaces.

use crate::generator::review::{report, surface};
use crate::generator::{files, pipeline, spec_hash};
use std::path::{Path, PathBuf};

/// Generates every spec (and the golden samples) into its files: written, or with `check`
/// compared with what is committed, each difference shown as a diff and blamed on the spec
/// or the generator.
pub fn generate(root: &Path, check: bool) -> Result<(), String> {
    let mut stale = Vec::new();
    let mut failed = Vec::new();
    println!(
        "{:<10} {:>10} {:>6} {:>7}",
        "api", "operations", "types", "lines"
    );
    let mut specs: Vec<(String, PathBuf, String)> = files::spec_files(root)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(api, path)| (api.clone(), path, api))
        .collect();
    // A scratch workspace (xtask's own tests) may have no golden samples.
    specs.extend(
        files::golden_files(root)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, path)| (name.clone(), path, format!("golden_{name}"))),
    );
    let mut reports = String::new();
    for (api, spec_path, surface_name) in specs {
        let golden = surface_name != api;
        let generated = match pipeline::generate_one(root, &api, &spec_path, golden) {
            Ok(g) => g,
            Err(e) => {
                failed.push(e.to_string());
                continue;
            }
        };
        // What the edit does to users, against the accepted surface snapshot.
        let changes = report::changes(&report::committed(root, &surface_name), &generated.surface);
        reports += &report::render(&api, &changes);
        println!(
            "{:<10} {:>10} {:>6} {:>7}",
            generated.api,
            generated.operations,
            generated.types,
            generated.outputs[0].1.lines().count()
        );
        let spec_text = std::fs::read_to_string(&generated.spec_path).unwrap_or_default();
        for (rel, text) in &generated.outputs {
            let path = root.join(rel);
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current == *text {
                continue;
            }
            if check {
                let diff = similar::TextDiff::from_lines(&current, text);
                eprintln!(
                    "{}",
                    diff.unified_diff().context_radius(2).header(
                        &format!("{rel} (committed)"),
                        &format!("{rel} (from {})", spec_rel(root, &generated.spec_path))
                    )
                );
                // Tell the reviewer which side moved: the spec, or the generator itself.
                let recorded = spec_hash::recorded_hash(&current).unwrap_or("none");
                let cause = if recorded == spec_hash::spec_hash(&spec_text) {
                    "the generator changed (xtask settings or progenitor version)"
                } else {
                    "the spec changed since the code was generated"
                };
                stale.push(format!("{rel} ({cause})"));
            } else {
                write(&path, text).map_err(|e| format!("{rel}: {e}"))?;
                println!("  wrote {rel}");
            }
        }
    }
    let apis: Vec<String> = files::spec_files(root)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(api, _)| api)
        .collect();
    let index = files::fixtures_index(&apis);
    let index_rel = "tests/suite/generated/mod.rs";
    let index_path = root.join(index_rel);
    if std::fs::read_to_string(&index_path).unwrap_or_default() != index {
        if check {
            stale.push(format!("{index_rel} (the list of specs changed)"));
        } else {
            write(&index_path, &index).map_err(|e| format!("{index_rel}: {e}"))?;
            println!("  wrote {index_rel}");
        }
    }
    println!("\nWhat the specs change in the public surface (against xtask/tests/snapshots/):");
    print!("{reports}");
    if !failed.is_empty() {
        return Err(failed.join("\n"));
    }
    if !stale.is_empty() {
        return Err(format!(
            "out of date: {} (run `cargo xtask generate` and commit the result)",
            stale.join(", ")
        ));
    }
    Ok(())
}

/// Runs the checks and progenitor on one spec file; writes nothing.
pub fn check(root: &Path, spec: &Path) -> Result<(), String> {
    let api = spec
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a spec file", spec.display()))?;
    let generated = pipeline::generate_one(root, api, spec, false).map_err(|e| e.to_string())?;
    println!(
        "{}: ok ({} operations, {} types, {} lines)",
        spec.display(),
        generated.operations,
        generated.types,
        generated.outputs[0].1.lines().count()
    );
    Ok(())
}

/// The surface summary of `specs/<api>.yaml` (or of a spec file) on stdout.
pub fn surface(root: &Path, which: &str) -> Result<(), String> {
    let path = if which.ends_with(".yaml") {
        PathBuf::from(which)
    } else {
        root.join("specs").join(format!("{which}.yaml"))
    };
    let api = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a spec file", path.display()))?;
    let model = pipeline::build(root, api, &path).map_err(|e| e.to_string())?;
    print!("{}", surface::render(&model));
    Ok(())
}

/// Writes `text` to `path`, creating its folder.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(path.parent().expect("a file has a folder"))?;
    std::fs::write(path, text)
}

fn spec_rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_path_is_shown_from_the_root() {
        let root = Path::new("/repo");
        assert_eq!(
            spec_rel(root, Path::new("/repo/specs/cscart.yaml")),
            "specs/cscart.yaml"
        );
        assert_eq!(
            spec_rel(root, Path::new("/elsewhere/x.yaml")),
            "/elsewhere/x.yaml"
        );
    }
}
