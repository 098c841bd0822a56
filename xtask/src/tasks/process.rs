//! Running the tools the tasks start: cargo (the one running xtask) and anything else,
//! each failure naming the command.

use std::path::Path;
use std::process::Command;

/// The cargo that runs xtask (`CARGO`), or `cargo`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `cmd` in `root`; a failure names it.
pub fn run(root: &Path, cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("failed: {shown} ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_step_fails_the_run_and_is_named() {
        assert_eq!(run(Path::new("."), &mut Command::new("true")), Ok(()));
        let failure = run(Path::new("."), &mut Command::new("false")).unwrap_err();
        assert!(failure.starts_with("failed: \"false\""), "{failure}");
    }

    /// `CARGO` (set by cargo for what it runs) names the cargo to call.
    #[test]
    fn cargo_is_the_one_that_runs_us() {
        assert_eq!(cargo(), std::env::var("CARGO").unwrap());
    }
}
