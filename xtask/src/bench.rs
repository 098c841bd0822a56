//! `cargo xtask bench`: runs the benchmarks in `benches/` and writes BENCHMARKS.md from what
//! they measured. Each figure is a ratio of the generated clients' time to hand-written
//! code's, measured in one run with the two interleaved (`benches/support/interleave.rs`);
//! where valgrind is on the machine, the same comparison is also counted in instructions
//! (callgrind), which a busy neighbour does not change.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What each decode measure should reach: at most 1.05x hand-written serde's time.
const DECODE_GOAL: f64 = 1.05;

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask bench (CRM_BENCH_ROUNDS=<n> for a quicker run)".into());
    }
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["bench", "--locked", "--bench", "decode"])
        .status()
        .map_err(|e| format!("could not run cargo bench: {e}"))?;
    if !status.success() {
        return Err(format!("cargo bench failed ({status})"));
    }
    let results = read_results(&root.join("target/bench/decode.json"))?;
    let instructions = match bench_executable(root, "decode")? {
        Some(exe) if valgrind_present() => Some(instruction_ratios(&exe, &results)?),
        _ => None,
    };
    let text = render(&results, instructions.as_deref(), &machine());
    std::fs::write(root.join("BENCHMARKS.md"), text).map_err(|e| e.to_string())?;
    println!("wrote BENCHMARKS.md");
    Ok(())
}

/// One measure as the bench saved it.
struct Measured {
    name: String,
    median: f64,
    q1: f64,
    q3: f64,
    rounds: u64,
}

fn read_results(path: &Path) -> Result<Vec<Measured>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).map_err(|e| format!("{line}: {e}"))?;
            let num = |key: &str| v[key].as_f64().ok_or(format!("{line}: no `{key}`"));
            Ok(Measured {
                name: v["name"].as_str().ok_or("no name")?.to_string(),
                median: num("median")?,
                q1: num("q1")?,
                q3: num("q3")?,
                rounds: v["rounds"].as_u64().ok_or("no rounds")?,
            })
        })
        .collect()
}

/// The bench's executable, from cargo's build messages.
fn bench_executable(root: &Path, bench: &str) -> Result<Option<PathBuf>, String> {
    let out = Command::new("cargo")
        .current_dir(root)
        .args(["bench", "--locked", "--bench", bench, "--no-run"])
        .args(["--message-format", "json"])
        .output()
        .map_err(|e| format!("could not run cargo bench: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|v| v["target"]["name"] == bench)
        .find_map(|v| v["executable"].as_str().map(PathBuf::from)))
}

fn valgrind_present() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Instructions of one side of each measure, less those of building the inputs, as a ratio
/// (ours / hand-written).
fn instruction_ratios(exe: &Path, results: &[Measured]) -> Result<Vec<f64>, String> {
    // Rounds 0: only building the inputs and checking both decoders agree.
    let setup = instructions(exe, "", "ours", 0)?;
    results
        .iter()
        .map(|m| {
            let ours = instructions(exe, &m.name, "ours", 1)? - setup;
            let theirs = instructions(exe, &m.name, "reference", 1)? - setup;
            Ok(ours / theirs)
        })
        .collect()
}

fn instructions(exe: &Path, only: &str, side: &str, rounds: u32) -> Result<f64, String> {
    let out_file = std::env::temp_dir().join(format!("crm-bench-{}.callgrind", std::process::id()));
    let status = Command::new("valgrind")
        .args(["--tool=callgrind", "--quiet"])
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .env("CRM_BENCH_ONLY", only)
        .env("CRM_BENCH_PROFILE", side)
        .env("CRM_BENCH_ROUNDS", rounds.to_string())
        .status()
        .map_err(|e| format!("could not run valgrind: {e}"))?;
    if !status.success() {
        return Err(format!("callgrind of {only} ({side}) failed ({status})"));
    }
    let text = std::fs::read_to_string(&out_file).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&out_file);
    text.lines()
        .find_map(|l| l.strip_prefix("summary: ").or(l.strip_prefix("totals: ")))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| "no instruction total in callgrind's output".into())
}

/// The machine, as the bench saw it.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = command_line("rustc", &["--version"]);
    let date = command_line("date", &["-u", "+%Y-%m-%d"]);
    format!("measured {date} on {cores} cores ({cpu}), {rustc}")
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| format!("{program}: not found"))
}

fn render(results: &[Measured], instructions: Option<&[f64]>, machine: &str) -> String {
    let mut out = String::from(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench`; do not edit. Each figure is the generated client's\n\
         time (or instruction count) divided by hand-written serde's for the same input,\n\
         accepting the same inputs (`benches/support/reference.rs`): above 1 is slower. The\n\
         two run in alternating rounds in one process (`benches/support/interleave.rs`);\n\
         the wall-clock figure is the median of the rounds' ratios with its interquartile\n\
         range, and the instruction figure is callgrind's count of each side, less building\n\
         the inputs (stable on a busy machine).\n\n",
    );
    out += &format!("Machine: {machine}.\n\n");
    out += "Commands: `cargo xtask bench` (all of it); `cargo bench --bench decode` (the wall-clock\n\
            table only); `CRM_BENCH_PROFILE=ours CRM_BENCH_ONLY=Yume valgrind --tool=callgrind\n\
            target/release/deps/decode-*` to profile one side of one measure.\n\n";
    out += "## Decoding large answers\n\n";
    out += &format!(
        "| measure | time vs hand-written | interquartile | rounds | instructions vs hand-written | goal (<= {DECODE_GOAL:.2}x) |\n"
    );
    out += "|---|---|---|---|---|---|\n";
    for (i, m) in results.iter().enumerate() {
        let counted = instructions.map(|r| r[i]);
        let shown = counted.map_or("not measured (no valgrind)".to_string(), |r| {
            format!("{r:.3}x")
        });
        // The instruction count decides where there is one: wall-clock ratios on a shared
        // machine move by more than the goal's margin.
        let decisive = counted.unwrap_or(m.median);
        let goal = if decisive <= DECODE_GOAL {
            "met"
        } else {
            "missed"
        };
        out += &format!(
            "| {} | {:.2}x | {:.2}-{:.2} | {} | {shown} | {goal} |\n",
            m.name, m.median, m.q1, m.q3, m.rounds
        );
    }
    out += "\n## Not measured yet\n\n\
            Request throughput against hand-written reqwest, generation time against\n\
            openapi-generator, and a consumer's cold build (issue 14) have no bench yet.\n";
    out
}
