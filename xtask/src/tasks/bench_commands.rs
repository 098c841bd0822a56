//! The measures of `cargo xtask bench` that time whole commands, against openapi-generator
//! 7.26.0 (its `rust` generator, from PyPI; it runs offline on the machine's Java):
//! - generating the five clients: our release-built generator (`xtask generate --check`:
//!   the whole generation, compared with the committed files instead of written) against
//!   openapi-generator run on each spec;
//! - a consumer's cold build: a binary that builds a client of one API (or of all five) with
//!   this crate, against the same with the crates openapi-generator makes from the same
//!   specs, each `cargo build` in an empty target directory, downloads done beforehand.
//!
//! Both are interleaved (ours, theirs, then theirs, ours, ...), one ratio per pair.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The APIs, as their specs and modules are named.
pub const APIS: [&str; 5] = ["cscart", "yume", "uapay", "thulium", "solos"];

const OPENAPI_GENERATOR: &str = "openapi-generator-cli==7.26.0";

/// One comparison: our time divided by theirs, per interleaved pair.
pub struct Timed {
    pub name: String,
    pub ratios: Vec<f64>,
    /// The ratio the median should not exceed, where there is one.
    pub goal: Option<f64>,
}

impl Timed {
    pub fn median(&self) -> f64 {
        let mut sorted = self.ratios.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        }
    }

    pub fn range(&self) -> (f64, f64) {
        let min = self.ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self
            .ratios
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (min, max)
    }
}

/// Runs `ours` and `theirs` `rounds` times each in alternating order; returns the ratios
/// and the seconds each side took, per round.
fn interleave(
    name: &str,
    rounds: usize,
    mut ours: impl FnMut() -> Result<f64, String>,
    mut theirs: impl FnMut() -> Result<f64, String>,
) -> Result<(Timed, Vec<(f64, f64)>), String> {
    let mut ratios = Vec::new();
    let mut seconds = Vec::new();
    for round in 0..rounds {
        let (a, b) = if round % 2 == 0 {
            let a = ours()?;
            (a, theirs()?)
        } else {
            let b = theirs()?;
            (ours()?, b)
        };
        eprintln!(
            "  {name}, round {}: ours {a:.2} s, theirs {b:.2} s",
            round + 1
        );
        ratios.push(a / b);
        seconds.push((a, b));
    }
    let timed = Timed {
        name: name.to_string(),
        ratios,
        goal: None,
    };
    Ok((timed, seconds))
}

/// Seconds `command` took; an error if it failed.
fn timed(command: &mut Command) -> Result<f64, String> {
    let start = Instant::now();
    let out = command
        .output()
        .map_err(|e| format!("could not run {command:?}: {e}"))?;
    let elapsed = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "{command:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(elapsed)
}

/// openapi-generator's jar, installed from PyPI into `target/bench/tools` the first time.
pub fn openapi_generator(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/bench/tools/venv");
    let find = || {
        let lib = venv.join("lib");
        std::fs::read_dir(&lib).ok()?.find_map(|python| {
            let jar = python
                .ok()?
                .path()
                .join("site-packages/openapi_generator_cli/openapi-generator.jar");
            jar.exists().then_some(jar)
        })
    };
    if let Some(jar) = find() {
        return Ok(jar);
    }
    eprintln!(
        "installing {OPENAPI_GENERATOR} from PyPI into {}",
        venv.display()
    );
    timed(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    timed(Command::new(venv.join("bin/pip")).args(["install", "--quiet", OPENAPI_GENERATOR]))?;
    find().ok_or_else(|| format!("{OPENAPI_GENERATOR} installed no openapi-generator.jar"))
}

/// Where openapi-generator's crate for `api` is written.
fn their_crate(root: &Path, api: &str) -> PathBuf {
    root.join("target/bench/openapi-generator").join(api)
}

fn run_openapi_generator(root: &Path, jar: &Path) -> Result<f64, String> {
    let mut total = 0.0;
    for api in APIS {
        total += timed(
            Command::new("java")
                .current_dir(root)
                .arg("-jar")
                .arg(jar)
                .args(["generate", "-g", "rust", "-i"])
                .arg(format!("specs/{api}.yaml"))
                .arg("-o")
                .arg(their_crate(root, api))
                .arg(format!(
                    "--additional-properties=packageName=og_{api},packageVersion=1.0.0,library=reqwest,supportAsync=true"
                )),
        )?;
    }
    Ok(total)
}

/// Generation of the five clients, ours against openapi-generator's. Returns the ratios and
/// our seconds per round (the goal is absolute: under 0.3 s).
pub fn generation(root: &Path, jar: &Path, rounds: usize) -> Result<(Timed, Vec<f64>), String> {
    eprintln!("building the generator in release");
    timed(Command::new("cargo").current_dir(root).args([
        "build",
        "--release",
        "--locked",
        "--package",
        "xtask",
    ]))?;
    let xtask = root.join("target/release/xtask");
    let (timed_pairs, seconds) = interleave(
        "generate the five clients",
        rounds,
        || {
            timed(
                Command::new(&xtask)
                    .current_dir(root)
                    .args(["generate", "--check"]),
            )
        },
        || run_openapi_generator(root, jar),
    )?;
    Ok((timed_pairs, seconds.iter().map(|(ours, _)| *ours).collect()))
}

/// One consumer build to compare: which APIs, and the features of this crate it uses.
pub struct Build {
    pub name: &'static str,
    pub apis: &'static [&'static str],
    /// This crate's features besides the APIs (the TLS provider).
    pub features: &'static [&'static str],
    pub goal: Option<f64>,
}

/// A consumer crate of this crate (`ours`) or of openapi-generator's crates, in
/// `target/bench/consumers/<dir>`: a binary that builds one client of each API.
fn consumer(root: &Path, dir: &str, build: &Build, ours: bool) -> Result<PathBuf, String> {
    let path = root.join("target/bench/consumers").join(dir);
    std::fs::create_dir_all(path.join("src")).map_err(|e| e.to_string())?;
    let (manifest, main) = consumer_files(root, dir, build, ours);
    std::fs::write(path.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(path.join("src/main.rs"), main).map_err(|e| e.to_string())?;
    // Resolve and download now, so the timed builds only compile.
    timed(Command::new("cargo").current_dir(&path).arg("fetch"))?;
    Ok(path)
}

/// A call of the first constructor `specs/<api>.yaml`'s security schemes give (the table in
/// `generator/additions/auth.rs`), with example credentials.
fn example_constructor(root: &Path, api: &str) -> String {
    let rel = format!("specs/{api}.yaml");
    let scheme = crate::generator::read::load::load_spec(&rel, &root.join(&rel))
        .ok()
        .and_then(|(text, spec)| crate::generator::additions::auth::schemes(&spec, &text).ok())
        .and_then(|schemes| schemes.into_iter().next())
        .unwrap_or(crate::generator::additions::auth::Scheme::None);
    scheme.example_call("\"https://crm.example\"", "&Default::default()")
}

/// A consumer's `Cargo.toml` and `src/main.rs`.
fn consumer_files(root: &Path, dir: &str, build: &Build, ours: bool) -> (String, String) {
    let mut manifest = format!(
        "[package]\nname = \"consumer-{dir}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n# Its own workspace, not a member of crm-bindings'.\n[workspace]\n\n\
         [dependencies]\n"
    );
    let mut main = String::from("fn main() {\n");
    if ours {
        let features: Vec<String> = build
            .apis
            .iter()
            .chain(build.features)
            .map(|f| format!("{f:?}"))
            .collect();
        manifest += &format!(
            "crm-bindings = {{ path = {:?}, default-features = false, features = [{}] }}\n",
            root.display().to_string(),
            features.join(", ")
        );
        for api in build.apis {
            let constructor = example_constructor(root, api);
            main += &format!(
                "    let client = crm_bindings::{api}::Client::{constructor}.expect(\"a client\");\n    \
                 println!(\"{{:?}}\", client);\n"
            );
        }
    } else {
        for api in build.apis {
            manifest += &format!(
                "og_{api} = {{ path = {:?}, default-features = false, features = [\"rustls\"] }}\n",
                their_crate(root, api).display().to_string()
            );
            main += &format!(
                "    let configuration = og_{api}::apis::configuration::Configuration::new();\n    \
                 println!(\"{{:?}}\", configuration);\n"
            );
        }
    }
    main += "}\n";
    (manifest, main)
}

fn cold_build(path: &Path) -> Result<f64, String> {
    let target = path.join("target");
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| e.to_string())?;
    }
    timed(
        Command::new("cargo")
            .current_dir(path)
            .args(["build", "--quiet", "--offline"])
            .stdout(std::process::Stdio::null())
            .env("CARGO_TARGET_DIR", &target),
    )
}

/// Cold builds of each consumer, ours against openapi-generator's (which must have been
/// generated: [`generation`]).
pub fn cold_builds(root: &Path, builds: &[Build], rounds: usize) -> Result<Vec<Timed>, String> {
    let mut results = Vec::new();
    for (i, build) in builds.iter().enumerate() {
        let ours = consumer(root, &format!("ours-{i}"), build, true)?;
        let theirs = consumer(root, &format!("theirs-{i}"), build, false)?;
        let (mut timed_pairs, _) = interleave(
            build.name,
            rounds,
            || cold_build(&ours),
            || cold_build(&theirs),
        )?;
        timed_pairs.goal = build.goal;
        results.push(timed_pairs);
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed_ratios(ratios: &[f64]) -> Timed {
        Timed {
            name: "x".into(),
            ratios: ratios.to_vec(),
            goal: None,
        }
    }

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(timed_ratios(&[5.0, 1.0, 4.0, 2.0, 3.0]).median(), 3.0);
        assert_eq!(timed_ratios(&[4.0, 1.0, 3.0, 2.0]).median(), 2.5);
        assert_eq!(timed_ratios(&[4.0, 1.0, 3.0, 2.0]).range(), (1.0, 4.0));
    }

    /// Rounds alternate which side goes first; each ratio is ours over theirs of its round.
    #[test]
    fn interleaving_alternates_the_sides() {
        let order = std::cell::RefCell::new(Vec::new());
        let (timed, seconds) = interleave(
            "x",
            4,
            || {
                order.borrow_mut().push("ours");
                Ok(order.borrow().len() as f64)
            },
            || {
                order.borrow_mut().push("theirs");
                Ok(1.0)
            },
        )
        .unwrap();
        assert_eq!(
            order.into_inner(),
            [
                "ours", "theirs", "theirs", "ours", "ours", "theirs", "theirs", "ours"
            ]
        );
        assert_eq!(seconds, [(1.0, 1.0), (4.0, 1.0), (5.0, 1.0), (8.0, 1.0)]);
        assert_eq!(timed.ratios, [1.0, 4.0, 5.0, 8.0]);
        let (timed, _) = interleave("x", 1, || Ok(3.0), || Ok(2.0)).unwrap();
        assert_eq!(timed.ratios, [1.5]);
        assert!(interleave("x", 1, || Err("no".into()), || Ok(2.0)).is_err());
    }

    /// A command's seconds are at least what it took (`sleep 1.1`); a failing one is an
    /// error naming it.
    #[test]
    fn a_command_is_timed_or_its_failure_reported() {
        let seconds = timed(Command::new("sleep").arg("1.1")).unwrap();
        assert!(seconds >= 1.1, "{seconds}");
        let failure = timed(&mut Command::new("false")).unwrap_err();
        assert!(failure.contains("\"false\" failed"), "{failure}");
    }

    /// Each API's consumer calls the constructor its facade has (README: the auth schemes).
    #[test]
    fn consumers_build_each_api_with_its_own_constructor() {
        let build = Build {
            name: "all",
            apis: &APIS,
            features: &["tls-ring"],
            goal: None,
        };
        // The real workspace: the constructors come from its specs.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let (manifest, main) = consumer_files(root, "ours-0", &build, true);
        assert!(
            manifest.contains("name = \"consumer-ours-0\""),
            "{manifest}"
        );
        assert!(
            manifest.contains(&format!("crm-bindings = {{ path = {:?}, default-features = false, features = [\"cscart\", \"yume\", \"uapay\", \"thulium\", \"solos\", \"tls-ring\"] }}", root.display().to_string())),
            "{manifest}"
        );
        for (api, constructor) in [
            ("cscart", "with_basic_auth"),
            ("thulium", "with_basic_auth"),
            ("yume", "with_bearer_token"),
            ("uapay", "with_http_config"),
            ("solos", "with_keys"),
        ] {
            let call = format!("crm_bindings::{api}::Client::{constructor}(");
            assert!(main.contains(&call), "{call}: {main}");
            // The generated client has it (its source, read here: xtask does not build the
            // library), made from the spec's security schemes.
            let generated = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(format!("../crates/{api}/src/generated.rs")),
            )
            .unwrap();
            assert!(
                generated.contains(&format!("pub fn {constructor}(")),
                "{api}"
            );
        }
        let (manifest, main) = consumer_files(root, "theirs-0", &build, false);
        assert!(
            manifest.contains(&format!(
                "og_yume = {{ path = {:?}, default-features = false, features = [\"rustls\"] }}",
                root.join("target/bench/openapi-generator/yume")
                    .display()
                    .to_string()
            )),
            "{manifest}"
        );
        assert!(
            main.contains("og_solos::apis::configuration::Configuration::new()"),
            "{main}"
        );
    }
}
