//! Comparing two pieces of code on a shared, noisy machine: the two are run in alternating
//! rounds (A then B, then B then A, ...), so a slow patch of the machine hits both, and the
//! figure is the median of the per-round time ratios with its interquartile range. No
//! absolute time is reported: they do not survive a busy neighbour. (criterion and divan
//! time one benchmark after the other, which is what this avoids.)

use std::time::{Duration, Instant};

/// One comparison's result: `ours` time divided by `reference` time, per round.
#[derive(Debug, Clone)]
pub struct Ratio {
    pub name: String,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    pub rounds: usize,
}

impl Ratio {
    /// `| name | 1.07x | 1.05-1.09 | rounds |`: the ratio, its quartiles and the rounds.
    pub fn row(&self) -> String {
        format!(
            "| {} | {:.2}x | {:.2}-{:.2} | {} |",
            self.name, self.median, self.q1, self.q3, self.rounds
        )
    }

    /// The same comparison as a throughput ratio (the reference's time divided by ours:
    /// below 1 = ours slower), its quartiles swapped accordingly.
    #[allow(dead_code)] // `requests.rs` only; `decode.rs` includes this file too
    pub fn throughput(&self) -> Ratio {
        Ratio {
            name: self.name.clone(),
            median: 1.0 / self.median,
            q1: 1.0 / self.q3,
            q3: 1.0 / self.q1,
            rounds: self.rounds,
        }
    }

    pub fn json(&self) -> String {
        format!(
            "{{\"name\":{:?},\"median\":{:.4},\"q1\":{:.4},\"q3\":{:.4},\"rounds\":{}}}",
            self.name, self.median, self.q1, self.q3, self.rounds
        )
    }
}

/// Runs `ours` and `reference` in alternating rounds of `per_round` calls each (after one
/// untimed round of each) and returns the time ratios' median and quartiles.
pub fn compare(
    name: &str,
    rounds: usize,
    per_round: usize,
    mut ours: impl FnMut(),
    mut reference: impl FnMut(),
) -> Ratio {
    // Profiling (`CRM_BENCH_PROFILE=ours|reference` under callgrind): one side only, and
    // only the measures whose name contains `CRM_BENCH_ONLY`.
    let only = std::env::var("CRM_BENCH_ONLY").unwrap_or_default();
    if let Ok(side) = std::env::var("CRM_BENCH_PROFILE") {
        let f: &mut dyn FnMut() = if side == "ours" {
            &mut ours
        } else {
            &mut reference
        };
        if name.contains(&only) {
            for _ in 0..rounds * per_round {
                f();
            }
        }
        return Ratio {
            name: format!("{name} (profiled: {side} only)"),
            median: f64::NAN,
            q1: f64::NAN,
            q3: f64::NAN,
            rounds,
        };
    }
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..per_round {
            f();
        }
        start.elapsed()
    };
    time(&mut ours);
    time(&mut reference);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (a, b): (Duration, Duration) = if round % 2 == 0 {
            let a = time(&mut ours);
            (a, time(&mut reference))
        } else {
            let b = time(&mut reference);
            (time(&mut ours), b)
        };
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    Ratio {
        name: name.to_string(),
        median: at(0.5),
        q1: at(0.25),
        q3: at(0.75),
        rounds,
    }
}

/// The rounds to run: `CRM_BENCH_ROUNDS`, else `default` (a quick run sets it low).
pub fn rounds(default: usize) -> usize {
    std::env::var("CRM_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}

/// Writes the results as JSON lines to `target/bench/<bench>.json` for `cargo xtask bench`.
pub fn save(bench: &str, results: &[Ratio]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    let lines: Vec<String> = results.iter().map(Ratio::json).collect();
    std::fs::write(dir.join(format!("{bench}.json")), lines.join("\n") + "\n")
        .expect("the results file");
}
