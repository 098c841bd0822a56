//! A broken or hostile server cannot exhaust the client: for one operation of every API, a
//! loopback server that never ends its body, announces a huge `Content-Length`, drips one
//! byte at a time or goes silent after its headers, and bodies just under and just over the
//! limit. Each case asserts the error and, with a counting global allocator, that the call's
//! peak memory stays within the body limit plus one read chunk.
//!
//! The servers are raw TCP on 127.0.0.1, bounded in bytes and time, and stop by themselves
//! (when the client hangs up, or at their caps). Measured sections run one at a time.

#[path = "suite/generated/mod.rs"]
mod generated;
#[path = "suite/support/mod.rs"]
mod support;

use crm_bindings::HttpConfig;
use crm_bindings_runtime::mock::Status;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::operations::{self, Operation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Counts the bytes allocated and the peak, for the whole test binary.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let now = CURRENT.fetch_add(grown, Ordering::SeqCst) + grown;
                PEAK.fetch_max(now, Ordering::SeqCst);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Measured sections run one at a time, so the peak is theirs.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// Runs `call` and returns its result, the peak bytes allocated above what was allocated
/// before, and how long it took. Callers hold [`ONE_AT_A_TIME`] for the whole test.
async fn measured<T>(call: impl std::future::Future<Output = T>) -> (T, usize, Duration) {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let start = Instant::now();
    let result = call.await;
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(before);
    (result, peak, elapsed)
}

/// What the server does after reading a request.
#[derive(Clone)]
enum Behaviour {
    /// `200`, chunked, a body that never ends (until the client hangs up, or 2 GiB).
    Endless { status: u16 },
    /// `status` announcing `Content-Length: 10 TB`, then sending until the client hangs up.
    HugeLength { status: u16 },
    /// Headers, then one body byte every 50 ms.
    Drip { status: u16 },
    /// Headers, then nothing (until the client hangs up, or 10 s).
    Silent { status: u16 },
    /// `status` with exactly this body.
    Body { status: u16, body: Vec<u8> },
}

/// A loopback server answering every connection with `behaviour`; stops with the test.
struct Server {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        // Dropped (so aborted) with the accept loop: no connection outlives its test.
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let behaviour = behaviour.clone();
            connections.spawn(async move {
                // The whole request: its head, then its body (closing with unread bytes
                // would reset the connection under the client's feet).
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                let complete = |request: &[u8]| {
                    let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
                        return false;
                    };
                    let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    request.len() >= end + 4 + length
                };
                while !complete(&request) {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&chunk[..n]),
                    }
                }
                let _ = answer(&mut socket, behaviour).await;
            });
        }
    });
    Server { url, task }
}

async fn answer(socket: &mut tokio::net::TcpStream, behaviour: Behaviour) -> std::io::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    match behaviour {
        Behaviour::Endless { status } => {
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await?;
            // `[1,  1,  ...`: never valid JSON, and text for the error's excerpt.
            let chunk = format!("{:x}\r\n{}\r\n", 64 * KIB, "1,  ".repeat(16 * KIB));
            socket.write_all(b"1\r\n[\r\n").await?;
            for _ in 0..(2 * 1024 * MIB / (64 * KIB)) {
                if Instant::now() > deadline {
                    break;
                }
                socket.write_all(chunk.as_bytes()).await?;
            }
        }
        Behaviour::HugeLength { status } => {
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ncontent-length: 10000000000000\r\n\r\n["
            );
            socket.write_all(head.as_bytes()).await?;
            let block = vec![b' '; 64 * KIB];
            for _ in 0..(2 * 1024 * MIB / (64 * KIB)) {
                if Instant::now() > deadline {
                    break;
                }
                socket.write_all(&block).await?;
            }
        }
        Behaviour::Drip { status } => {
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await?;
            while Instant::now() < deadline {
                socket.write_all(b" ").await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Behaviour::Silent { status } => {
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await?;
            tokio::time::sleep_until(deadline.into()).await;
        }
        Behaviour::Body { status, body } => {
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(&body).await?;
        }
    }
    socket.shutdown().await
}

/// `json` padded with spaces to exactly `size` bytes (still the same JSON).
fn padded(json: &str, size: usize) -> Vec<u8> {
    assert!(json.len() <= size);
    let mut body = json.as_bytes().to_vec();
    body.resize(size, b' ');
    body
}

/// One operation of an API whose answer has a documented body, the status of that answer
/// and the spec's example of it: a success where the API has one, else a documented error
/// (an API whose successes carry no body reads its error bodies).
struct Target {
    op: Operation,
    status: u16,
    example: String,
}

/// The target of every API compiled in.
fn targets() -> Vec<Target> {
    let mut out = Vec::new();
    for api in operations::api_names() {
        let ops = operations::of(api);
        let success = ops.iter().position(|op| {
            op.facts.success_example.is_some()
                && op
                    .facts
                    .statuses
                    .iter()
                    .any(|s| matches!(s, Status::Success { body: true, .. }))
        });
        let error = ops.iter().position(|op| op.facts.error_example.is_some());
        let (index, status, example) = match (success, error) {
            (Some(i), _) => {
                let code = ops[i].facts.statuses.iter().find_map(|s| match s {
                    Status::Success { code, .. } => Some(*code),
                    _ => None,
                });
                (i, code.unwrap(), ops[i].facts.success_example.unwrap())
            }
            (None, Some(i)) => {
                let code = ops[i].facts.statuses.iter().find_map(|s| match s {
                    Status::Error { from, .. } => Some(*from),
                    _ => None,
                });
                (i, code.unwrap(), ops[i].facts.error_example.unwrap())
            }
            (None, None) => panic!("{api}: no operation with a documented body to read"),
        };
        let op = ops.into_iter().nth(index).unwrap();
        out.push(Target {
            op,
            status,
            example: example.to_string(),
        });
    }
    support::assert_every_spec("adversarial", operations::api_names());
    out
}

/// What a call gave: its error's kind and text, if any.
async fn call(target: &Target, base: &str, config: &HttpConfig) -> Option<operations::Failure> {
    target.op.run(base, config.clone()).await.result.err()
}

/// Memory allowed above the limit: one read chunk (hyper reads into a buffer of up to about
/// 400 KiB) and the client's and the test server's own bookkeeping.
const SLACK: usize = 2 * MIB;

/// The example calls cache their clients: built outside the measured sections, a client's
/// TLS roots do not count.
async fn warm(targets: &[Target]) {
    let server = serve(Behaviour::Body {
        status: 200,
        body: b"{}".to_vec(),
    })
    .await;
    for target in targets {
        let _ = call(target, &server.url, &HttpConfig::default()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_body_fails_at_the_default_limit_with_bounded_memory() {
    let _one = ONE_AT_A_TIME.lock().await;
    let limit = 32 * MIB; // `HttpConfig::default()`'s
    for target in targets() {
        let api = target.op.api;
        let server = serve(Behaviour::Endless {
            status: target.status,
        })
        .await;
        let (failure, peak, took) =
            measured(call(&target, &server.url, &HttpConfig::default())).await;
        let failure = failure.expect("an endless body is refused");
        assert_eq!(
            failure.kind, "ResponseTooLarge",
            "{api}: {}",
            failure.display
        );
        assert!(
            failure.display.contains("the body is larger than the client's limit of 33554432 bytes (no Content-Length); reading stopped after 33554432 bytes"),
            "{api}: {}",
            failure.display
        );
        assert!(peak < limit + SLACK, "{api}: peak {peak} bytes");
        // The error keeps the answer's start: its first 200 characters, then `…`.
        let excerpt = failure.body_excerpt.as_deref().unwrap_or_default();
        assert!(excerpt.starts_with("[1, 1, 1,"), "{api}: {excerpt}");
        assert_eq!(excerpt.chars().count(), 201, "{api}: {excerpt}");
        assert!(excerpt.ends_with('…'), "{api}: {excerpt}");
        println!(
            "{api} {}: endless body -> ResponseTooLarge after {took:?}, peak {:.2} MiB ({} KiB above the limit)",
            target.op.id,
            peak as f64 / MIB as f64,
            peak.saturating_sub(limit) / KIB
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_limit_memory_follows_the_server() {
    let _one = ONE_AT_A_TIME.lock().await;
    // The measurement can fail: with the limit turned off, reading the same endless body
    // for half a second grows with what the server sends (the behaviour before the limit).
    let target = targets().remove(0);
    let server = serve(Behaviour::Endless {
        status: target.status,
    })
    .await;
    let config = HttpConfig::default()
        .unlimited_response_body()
        .timeout(Duration::from_millis(500));
    let (failure, peak, _) = measured(call(&target, &server.url, &config)).await;
    let failure = failure.expect("an endless body never ends");
    assert!(failure.is_timeout, "{}", failure.display);
    assert!(
        peak > 64 * MIB,
        "unlimited read of an endless body: peak only {peak} bytes"
    );
    println!(
        "{} {}: endless body, no limit, 0.5 s timeout -> peak {:.1} MiB",
        target.op.api,
        target.op.id,
        peak as f64 / MIB as f64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announced_length_over_the_limit_fails_before_reading() {
    let _one = ONE_AT_A_TIME.lock().await;
    let targets = targets();
    warm(&targets).await;
    for target in &targets {
        let api = target.op.api;
        let server = serve(Behaviour::HugeLength {
            status: target.status,
        })
        .await;
        let (failure, peak, _) = measured(call(target, &server.url, &HttpConfig::default())).await;
        let failure = failure.expect("a 10 TB body is refused");
        assert_eq!(
            failure.kind, "ResponseTooLarge",
            "{api}: {}",
            failure.display
        );
        assert!(
            failure.display.ends_with(
                "the body is larger than the client's limit of 33554432 bytes (Content-Length: 10000000000000); nothing of it was read"
            ),
            "{api}: {}",
            failure.display
        );
        assert!(peak < SLACK, "{api}: peak {peak} bytes");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_just_under_and_just_over_a_configured_limit() {
    let _one = ONE_AT_A_TIME.lock().await;
    let limit = 256 * KIB;
    let config = HttpConfig::default().max_response_bytes(limit);
    let targets = targets();
    for target in &targets {
        let api = target.op.api;
        let under = serve(Behaviour::Body {
            status: target.status,
            body: padded(&target.example, limit),
        })
        .await;
        let (failure, peak, _) = measured(call(target, &under.url, &config)).await;
        // Decoded: a success, or the documented error with its typed body.
        if let Some(failure) = &failure {
            assert_eq!(failure.kind, "ErrorResponse", "{api}: {}", failure.display);
        }
        assert!(peak < limit + SLACK, "{api}: peak {peak}");

        let over = serve(Behaviour::Body {
            status: target.status,
            body: padded(&target.example, limit + 1),
        })
        .await;
        let (failure, peak, _) = measured(call(target, &over.url, &config)).await;
        let failure = failure.expect("one byte over the limit is refused");
        assert_eq!(
            failure.kind, "ResponseTooLarge",
            "{api}: {}",
            failure.display
        );
        assert!(
            failure.display.contains(&format!(
                "limit of {limit} bytes (Content-Length: {}); nothing of it was read",
                limit + 1
            )),
            "{api}: {}",
            failure.display
        );
        assert!(peak < SLACK, "{api}: peak {peak}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_undocumented_error_page_keeps_64_kib() {
    let _one = ONE_AT_A_TIME.lock().await;
    let targets = targets();
    warm(&targets).await;
    for target in &targets {
        let api = target.op.api;
        let server = serve(Behaviour::Endless { status: 502 }).await;
        let (failure, peak, _) = measured(call(target, &server.url, &HttpConfig::default())).await;
        let failure = failure.expect("a 502 is an error");
        assert_eq!(
            failure.kind, "UnexpectedResponse",
            "{api}: {}",
            failure.display
        );
        assert!(
            failure.display.contains("HTTP 502 Bad Gateway is not a documented answer; the first 65536 bytes of application/json"),
            "{api}: {}",
            failure.display
        );
        assert!(peak < SLACK, "{api}: peak {peak}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dripping_server_ends_at_the_whole_call_timeout() {
    let _one = ONE_AT_A_TIME.lock().await;
    let config = HttpConfig::default().timeout(Duration::from_millis(600));
    for target in targets() {
        let api = target.op.api;
        let server = serve(Behaviour::Drip {
            status: target.status,
        })
        .await;
        let (failure, _, took) = measured(call(&target, &server.url, &config)).await;
        let failure = failure.expect("a drip never ends");
        assert!(failure.is_timeout, "{api}: {}", failure.display);
        assert!(failure.display.contains("timed out"), "{api}");
        assert!(took < Duration::from_secs(5), "{api}: took {took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_silent_after_its_headers_ends_at_the_read_timeout() {
    let _one = ONE_AT_A_TIME.lock().await;
    let config = HttpConfig::default().read_timeout(Duration::from_millis(300));
    for target in targets() {
        let api = target.op.api;
        let server = serve(Behaviour::Silent {
            status: target.status,
        })
        .await;
        let (failure, _, took) = measured(call(&target, &server.url, &config)).await;
        let failure = failure.expect("silence never ends");
        assert!(failure.is_timeout, "{api}: {}", failure.display);
        // The whole-call timeout is 30 s: this ended at the read timeout.
        assert!(took < Duration::from_secs(5), "{api}: took {took:?}");
    }
}
