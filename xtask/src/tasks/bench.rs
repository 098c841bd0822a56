//! `cargo xtask bench`: runs the benchmarks in `benches/` and writes BENCHMARKS.md from what
//! they measured. Each figure is a ratio of the generated clients' time to hand-written
//! code's, measured in one run with the two interleaved (`benches/support/interleave.rs`);
//! where valgrind is on the machine, the same comparison is also counted in instructions
//! (callgrind), which a busy neighbour does not change.

use crate::tasks::bench_commands;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What each decode measure should reach: at most 1.05x hand-written serde's time.
const DECODE_GOAL: f64 = 1.05;

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(USAGE.into());
    }
    let status = Command::new("cargo")
        .current_dir(root)
        .args([
            "bench", "--locked", "--bench", "decode", "--bench", "requests",
        ])
        .status()
        .map_err(|e| format!("could not run cargo bench: {e}"))?;
    if !status.success() {
        return Err(format!("cargo bench failed ({status})"));
    }
    let decode = read_results(&root.join("target/bench/decode.json"))?;
    let requests = read_results(&root.join("target/bench/requests.json"))?;
    let counted = |bench: &str, results: &[Measured]| -> Result<Option<Vec<f64>>, String> {
        match bench_executable(root, bench)? {
            Some(exe) if valgrind_present() => Ok(Some(instruction_ratios(&exe, results)?)),
            _ => Ok(None),
        }
    };
    let decode_instructions = counted("decode", &decode)?;
    let requests_instructions = counted("requests", &requests)?;

    let jar = bench_commands::openapi_generator(root)?;
    let (generation, generation_seconds) =
        bench_commands::generation(root, &jar, rounds("CRM_BENCH_GENERATION_ROUNDS", 6))?;
    let builds = bench_commands::cold_builds(root, BUILDS, rounds("CRM_BENCH_BUILD_ROUNDS", 2))?;

    let mut text = render(&decode, decode_instructions.as_deref(), &machine());
    text += &render_requests(&requests, requests_instructions.as_deref());
    text += &render_commands(&generation, &generation_seconds, &builds);
    let notes = root.join("benches/NOTES.md");
    text += &std::fs::read_to_string(&notes).map_err(|e| format!("{}: {e}", notes.display()))?;
    std::fs::write(root.join("BENCHMARKS.md"), text).map_err(|e| e.to_string())?;
    println!("wrote BENCHMARKS.md");
    Ok(())
}

const USAGE: &str = "usage: cargo xtask bench
  environment: CRM_BENCH_ROUNDS (rounds of benches/), CRM_BENCH_GENERATION_ROUNDS (default 6),
  CRM_BENCH_BUILD_ROUNDS (cold builds per side and consumer, default 2)";

/// The consumers whose cold build is compared with openapi-generator's crates.
const BUILDS: &[bench_commands::Build] = &[
    bench_commands::Build {
        name: "cold build, one API (CS-Cart), ring (the default)",
        apis: &["cscart"],
        features: &["tls-ring"],
        goal: Some(BUILD_GOAL),
    },
    bench_commands::Build {
        name: "cold build, one API (CS-Cart), aws-lc (`tls-aws-lc`)",
        apis: &["cscart"],
        features: &["tls-aws-lc"],
        goal: None,
    },
    bench_commands::Build {
        name: "cold build, all five APIs, ring (the default)",
        apis: &bench_commands::APIS,
        features: &["tls-ring"],
        goal: None,
    },
];

fn rounds(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
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
    Ok(executable_of(&String::from_utf8_lossy(&out.stdout), bench))
}

/// The executable cargo's JSON build messages give for the bench target `bench`.
fn executable_of(messages: &str, bench: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|v| v["target"]["name"] == bench)
        .find_map(|v| v["executable"].as_str().map(PathBuf::from))
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
            let ours = instructions(exe, &m.name, "ours", 1)?;
            let theirs = instructions(exe, &m.name, "reference", 1)?;
            Ok(less_setup_ratio(ours, theirs, setup))
        })
        .collect()
}

/// Ours over theirs, each less the instructions both spend building the inputs.
fn less_setup_ratio(ours: f64, theirs: f64, setup: f64) -> f64 {
    (ours - setup) / (theirs - setup)
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
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("could not run valgrind: {e}"))?;
    if !status.success() {
        return Err(format!("callgrind of {only} ({side}) failed ({status})"));
    }
    let text = std::fs::read_to_string(&out_file).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&out_file);
    instruction_total(&text).ok_or_else(|| "no instruction total in callgrind's output".into())
}

/// The instruction count of a callgrind output file (its `summary:` or `totals:` line).
fn instruction_total(callgrind: &str) -> Option<f64> {
    callgrind
        .lines()
        .find_map(|l| l.strip_prefix("summary: ").or(l.strip_prefix("totals: ")))
        .and_then(|n| n.trim().parse().ok())
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
         Written by `cargo xtask bench`; do not edit (the notes at the end come from\n\
         `benches/NOTES.md`). Every figure compares the generated clients with hand-written\n\
         code (or with openapi-generator) measured in the same run, the two interleaved: in\n\
         alternating rounds in one process for `benches/` (`benches/support/interleave.rs`),\n\
         in alternating commands for generation and builds. Wall-clock figures are the median\n\
         of the rounds' ratios with their interquartile range (or range); instruction figures\n\
         are callgrind's count of each side less the setup, which a busy machine does not\n\
         change. Where both exist, the goal is judged on instructions.\n\n",
    );
    out += &format!("Machine: {machine}.\n\n");
    out += "Commands: `cargo xtask bench` (all of it, about 30 minutes: the cold builds take\n\
            most); `cargo bench --bench decode` or `--bench requests` (one wall-clock table);\n\
            `CRM_BENCH_PROFILE=ours CRM_BENCH_ONLY=Yume valgrind --tool=callgrind\n\
            target/release/deps/decode-*` to profile one side of one measure.\n\n";
    out += "## Decoding large answers\n\n\
            Time ratio: above 1 is slower than hand-written serde accepting the same inputs\n\
            (`benches/support/reference.rs`).\n\n";
    out += &format!(
        "| measure | time vs hand-written | interquartile | rounds | instructions vs hand-written | goal (<= {DECODE_GOAL:.2}x) |\n"
    );
    out += "|---|---|---|---|---|---|\n";
    for (i, m) in results.iter().enumerate() {
        let counted = instructions.map(|r| r[i]);
        let decisive = counted.unwrap_or(m.median);
        out += &row(m, counted, verdict(decisive <= DECODE_GOAL));
    }
    out
}

/// One measure's table row: its name, the wall-clock median with its interquartile range,
/// the rounds, the instruction ratio, then the goal's cells.
fn row(m: &Measured, counted: Option<f64>, goal_cells: &str) -> String {
    format!(
        "| {} | {:.2}x | {:.2}-{:.2} | {} | {} | {goal_cells} |\n",
        m.name,
        m.median,
        m.q1,
        m.q3,
        m.rounds,
        shown(counted)
    )
}

fn shown(counted: Option<f64>) -> String {
    counted.map_or("not measured (no valgrind)".to_string(), |r| {
        format!("{r:.3}x")
    })
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "missed" }
}

/// What each throughput measure should reach: a share of the hand-written client's.
fn throughput_goal(name: &str) -> f64 {
    if name.ends_with("vs same config") {
        0.98
    } else {
        0.97
    }
}

fn render_requests(results: &[Measured], instructions: Option<&[f64]>) -> String {
    let mut out = String::from(
        "\n## Request throughput\n\n\
         Throughput ratio: the hand-written client's time divided by ours, below 1 is slower\n\
         (`benches/requests.rs`: a loopback hyper server answering the spec's examples; one\n\
         call at a time, or 32 tasks in flight). \"bare\" is `reqwest::Client` with only the\n\
         credentials; \"same config\" adds this crate's default timeouts, `User-Agent` and\n\
         redirect policy, but not its retries or body limit (part of the gap is those\n\
         features). Instruction counts include the in-process server's, the same on\n\
         both sides, which narrows the gap they show.\n\n\
         | measure | throughput vs hand-written | interquartile | rounds | instructions (theirs / ours) | goal | |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for (i, m) in results.iter().enumerate() {
        // The bench saves time ratios' inverse; callgrind's are ours / theirs.
        let counted = instructions.map(|r| 1.0 / r[i]);
        let goal = throughput_goal(&m.name);
        let decisive = counted.unwrap_or(m.median);
        let judged = format!(">= {goal:.2} | {}", verdict(decisive >= goal));
        out += &row(m, counted, &judged);
    }
    out
}

/// What generating the five clients should take, in seconds.
const GENERATION_GOAL_SECONDS: f64 = 0.3;
/// What a consumer's cold build of one API should take, as a share of openapi-generator's.
const BUILD_GOAL: f64 = 0.75;

fn render_commands(
    generation: &bench_commands::Timed,
    generation_seconds: &[f64],
    builds: &[bench_commands::Timed],
) -> String {
    let mut sorted = generation_seconds.to_vec();
    sorted.sort_by(f64::total_cmp);
    let seconds = sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN);
    let (low, high) = generation.range();
    let mut out = format!(
        "\n## Generation and builds, against openapi-generator 7.26.0\n\n\
         Time ratio: ours divided by openapi-generator's (`rust` generator, `reqwest` library;\n\
         its crates built with their `rustls` feature), below 1 is faster\n\
         (`xtask/src/tasks/bench_commands.rs`).\n\n\
         | measure | time vs openapi-generator | range | pairs | goal | |\n\
         |---|---|---|---|---|---|\n\
         | {} (ours {seconds:.2} s, release build) | {:.3}x | {low:.3}-{high:.3} | {} | < {GENERATION_GOAL_SECONDS} s | {} |\n",
        generation.name,
        generation.median(),
        generation.ratios.len(),
        verdict(seconds < GENERATION_GOAL_SECONDS)
    );
    for build in builds {
        let (low, high) = build.range();
        let (goal, met) = match build.goal {
            Some(goal) => (format!("<= {goal:.2}x"), verdict(build.median() <= goal)),
            None => ("none".to_string(), ""),
        };
        out += &format!(
            "| {} | {:.2}x | {low:.2}-{high:.2} | {} | {goal} | {met} |\n",
            build.name,
            build.median(),
            build.ratios.len()
        );
    }
    out + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(name: &str, median: f64) -> Measured {
        Measured {
            name: name.to_string(),
            median,
            q1: median - 0.01,
            q3: median + 0.01,
            rounds: 20,
        }
    }

    #[test]
    fn throughput_goals_depend_on_the_reference() {
        assert_eq!(
            throughput_goal("Yume GET /x, one at a time, vs same config"),
            0.98
        );
        assert_eq!(throughput_goal("Yume GET /x, one at a time, vs bare"), 0.97);
    }

    /// Instructions decide where counted (their inverse: the file holds ours / theirs);
    /// wall clock where not.
    #[test]
    fn a_throughput_row_is_judged_on_instructions_when_counted() {
        let rows = [
            measured("A, vs bare", 0.99),
            measured("B, vs same config", 0.90),
        ];
        let text = render_requests(&rows, Some(&[1.0 / 0.96, 1.0 / 0.99]));
        assert!(
            text.contains("| A, vs bare | 0.99x | 0.98-1.00 | 20 | 0.960x | >= 0.97 | missed |"),
            "{text}"
        );
        assert!(
            text.contains(
                "| B, vs same config | 0.90x | 0.89-0.91 | 20 | 0.990x | >= 0.98 | met |"
            ),
            "{text}"
        );
        let text = render_requests(&rows, None);
        assert!(text.contains("| A, vs bare | 0.99x | 0.98-1.00 | 20 | not measured (no valgrind) | >= 0.97 | met |"), "{text}");
    }

    #[test]
    fn commands_report_medians_and_the_goals() {
        let generation = bench_commands::Timed {
            name: "generate".into(),
            ratios: vec![0.02, 0.01, 0.03],
            goal: None,
        };
        let one = bench_commands::Timed {
            name: "cold build, one API (CS-Cart)".into(),
            ratios: vec![0.6, 0.8],
            goal: Some(BUILD_GOAL),
        };
        let text = render_commands(&generation, &[0.31, 0.2, 0.25, 0.4, 0.1], &[one]);
        assert!(text.contains("| generate (ours 0.25 s, release build) | 0.020x | 0.010-0.030 | 3 | < 0.3 s | met |"), "{text}");
        assert!(
            text.contains(
                "| cold build, one API (CS-Cart) | 0.70x | 0.60-0.80 | 2 | <= 0.75x | met |"
            ),
            "{text}"
        );
    }

    /// The setup's instructions come off both sides before the ratio.
    #[test]
    fn instruction_ratios_leave_out_the_setup() {
        assert_eq!(less_setup_ratio(1_100.0, 600.0, 100.0), 2.0);
    }

    /// The bench's executable from cargo's messages (lines shaped as cargo writes them).
    #[test]
    fn the_bench_executable_is_found_in_cargo_messages() {
        let messages = "{\"reason\":\"compiler-artifact\",\"target\":{\"name\":\"requests\"},\"executable\":\"/t/requests-1\"}\n\
                        not json\n\
                        {\"reason\":\"compiler-artifact\",\"target\":{\"name\":\"decode\"},\"executable\":\"/t/decode-2\"}\n";
        assert_eq!(
            executable_of(messages, "decode"),
            Some(PathBuf::from("/t/decode-2"))
        );
        assert_eq!(
            executable_of(messages, "requests"),
            Some(PathBuf::from("/t/requests-1"))
        );
        assert_eq!(executable_of(messages, "other"), None);
    }

    /// callgrind's total, from either line it writes it on.
    #[test]
    fn the_instruction_total_is_read_from_callgrind_output() {
        assert_eq!(
            instruction_total("events: Ir\nsummary: 12345\n"),
            Some(12345.0)
        );
        assert_eq!(instruction_total("fn=x\n1 2\ntotals: 678\n"), Some(678.0));
        assert_eq!(instruction_total("events: Ir\n"), None);
    }

    /// An unset or unreadable variable gives the default; a number replaces it.
    #[test]
    fn rounds_come_from_the_environment_or_the_default() {
        assert_eq!(rounds("CRM_BENCH_NO_SUCH_VARIABLE", 6), 6);
        assert_eq!(rounds("PATH", 4), 4);
        // Cargo sets the package version's parts for the tests it runs (xtask is 0.0.0 or
        // newer, so the patch level is a number).
        let patch: usize = env!("CARGO_PKG_VERSION_PATCH").parse().unwrap();
        assert_eq!(rounds("CARGO_PKG_VERSION_PATCH", patch + 7), patch);
    }

    /// A decode row meets its goal at or under 1.05x, judged on instructions where counted.
    #[test]
    fn a_decode_row_is_judged_against_its_goal() {
        let rows = [measured("at the goal", 1.05), measured("over it", 1.2)];
        let text = render(&rows, None, "test machine");
        assert!(text.starts_with("# Benchmarks\n"), "{text}");
        assert!(text.contains("Machine: test machine.\n"), "{text}");
        assert!(
            text.contains(
                "| at the goal | 1.05x | 1.04-1.06 | 20 | not measured (no valgrind) | met |"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "| over it | 1.20x | 1.19-1.21 | 20 | not measured (no valgrind) | missed |"
            ),
            "{text}"
        );
        let text = render(&rows, Some(&[1.2, 1.0]), "test machine");
        assert!(
            text.contains("| at the goal | 1.05x | 1.04-1.06 | 20 | 1.200x | missed |"),
            "{text}"
        );
        assert!(
            text.contains("| over it | 1.20x | 1.19-1.21 | 20 | 1.000x | met |"),
            "{text}"
        );
    }

    /// A program's output, trimmed; a program that is not there is named.
    #[test]
    fn command_lines_and_the_machine_are_described() {
        assert!(command_line("rustc", &["--version"]).starts_with("rustc "));
        assert_eq!(
            command_line("crm-no-such-program", &[]),
            "crm-no-such-program: not found"
        );
        let machine = machine();
        assert!(machine.starts_with("measured 2"), "{machine}");
        assert!(machine.contains(" cores ("), "{machine}");
        assert!(
            machine.ends_with(&command_line("rustc", &["--version"])),
            "{machine}"
        );
    }

    #[test]
    fn saved_results_are_read_back() {
        let path = std::env::temp_dir().join(format!("crm-bench-read-{}.json", std::process::id()));
        std::fs::write(
            &path,
            "{\"name\":\"decode x\",\"median\":1.0300,\"q1\":1.0100,\"q3\":1.0500,\"rounds\":30}\n",
        )
        .unwrap();
        let read = read_results(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            (read[0].name.as_str(), read[0].median, read[0].rounds),
            ("decode x", 1.03, 30)
        );
    }
}
