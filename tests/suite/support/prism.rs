//! Prism (`@stoplight/prism-cli`, pinned in package.json) as a mock server built from a spec,
//! with request validation on: an independent check that what the typed client sends is
//! what the spec says, and that the client decodes what the spec allows.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Static answers come from the spec's examples; dynamic ones are generated from its schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Static,
    Dynamic,
}

/// A running Prism; stopped (killed and reaped) when dropped, also when a test panics.
pub struct Prism {
    child: Child,
    pub base_url: String,
    pub log: PathBuf,
}

impl Prism {
    /// Starts Prism, or `None` when it is not installed and the run allows skipping: plain
    /// `cargo test` says the check was skipped and how to run it; `cargo xtask test` (which
    /// installs Prism and sets `CRM_REQUIRE_NODE_TOOLS=1`) fails instead.
    pub fn start(api: &str) -> Option<Prism> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let bin = root.join("node_modules/.bin/prism");
        if !bin.exists() {
            let how = "run `cargo xtask test` (it runs `npm ci`; needs Node.js 20+ and npm: \
                       https://nodejs.org/ or `apt-get install nodejs npm`), or `npm ci` in \
                       the repository root";
            assert!(
                std::env::var_os("CRM_REQUIRE_NODE_TOOLS").is_none(),
                "Prism is not installed ({}): {how}",
                bin.display()
            );
            // Written to the process's stderr directly: libtest captures `eprintln!` of a
            // passing test, and a skip must be seen.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: the Prism contract test of {api}: Prism is not installed; {how}"
            );
            return None;
        }
        // Another test's server may take the free port before Prism binds it: then Prism
        // exits, and starts again on another.
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port();
            let log =
                Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{api}-{port}.log"));
            let log_file = std::fs::File::create(&log).expect("Prism log file");
            // Static answers by default; `Prefer: dynamic=true` asks for generated ones, with
            // a fixed seed.
            let child = Command::new(&bin)
                .args(["mock", &format!("specs/{api}.yaml"), "-h", "127.0.0.1"])
                .args(["-p", &port.to_string(), "--errors", "--seed", "42"])
                .current_dir(root)
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().unwrap())
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
            let mut prism = Prism {
                child,
                base_url: format!("http://127.0.0.1:{port}"),
                log,
            };
            match prism.wait_until_listening(port) {
                Ok(()) => return Some(prism),
                Err(text) if text.contains("EADDRINUSE") => last = text,
                Err(text) => panic!("Prism exited before listening:\n{text}"),
            }
        }
        panic!("Prism found no free port in 5 tries:\n{last}")
    }

    /// Waits for Prism's own "listening" line; its log if it exited first.
    fn wait_until_listening(&mut self, port: u16) -> Result<(), String> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("({status}) {}", self.log_text()));
            }
            // Prism's own line, not only an open port: between `free_port` and Prism's bind,
            // another test's server may take the port (then Prism exits, above).
            let listening = self
                .log_text()
                .contains(&format!("is listening on http://127.0.0.1:{port}"));
            if listening && TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "Prism did not listen on {port} within 60 s:\n{}",
            self.log_text()
        );
    }

    /// What Prism logged (requests, violations), for failure messages.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Keep the log only when a test failed: it is named in the failure message.
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// Where the contract tests list what they checked; `cargo xtask test` prints it.
pub const REPORT: &str = "prism-contract-report.txt";

/// Prints `line` and appends it to the report.
pub fn report(line: &str) {
    use std::io::Write as _;
    println!("{line}");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(REPORT);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    writeln!(file, "{line}").unwrap();
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Prism's report of a request that breaks the spec: a `sl-violations` header, or a
/// 422 problem+json with a `validation` list.
pub fn violations(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("sl-violations")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}
