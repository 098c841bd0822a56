//! A broken or hostile server cannot exhaust the client: for one operation of every API, a
//! loopback server that never ends its body, announces a huge `Content-Length`, drips one
//! byte at a time or goes silent after its headers, and bodies just under and just over the
//! limit. Each case asserts the error and, with a counting global allocator, that the call's
//! peak memory stays within the body limit plus one read chunk.
//!
//! The servers are raw TCP on 127.0.0.1, bounded in bytes and time, and stop by themselves
//! (when the client hangs up, or at their caps). Measured sections run one at a time.

mod support;

use crm_bindings::{Error, HttpConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
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
    /// `200` announcing `Content-Length: 10 TB`, then sending until the client hangs up.
    HugeLength,
    /// Headers, then one body byte every 50 ms.
    Drip,
    /// Headers, then nothing (until the client hangs up, or 10 s).
    Silent,
    /// `200` with exactly this body.
    Body(Vec<u8>),
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
                // The request's head; its (small) body, if any, is left unread.
                let mut head = Vec::new();
                let mut byte = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut byte).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&byte[..n]),
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
            let chunk = format!("{:x}\r\n{}\r\n", 64 * KIB, " ".repeat(64 * KIB));
            socket.write_all(b"1\r\n[\r\n").await?;
            for _ in 0..(2 * 1024 * MIB / (64 * KIB)) {
                if Instant::now() > deadline {
                    break;
                }
                socket.write_all(chunk.as_bytes()).await?;
            }
        }
        Behaviour::HugeLength => {
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10000000000000\r\n\r\n[")
                .await?;
            let block = vec![b' '; 64 * KIB];
            for _ in 0..(2 * 1024 * MIB / (64 * KIB)) {
                if Instant::now() > deadline {
                    break;
                }
                socket.write_all(&block).await?;
            }
        }
        Behaviour::Drip => {
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n")
                .await?;
            while Instant::now() < deadline {
                socket.write_all(b" ").await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Behaviour::Silent => {
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n")
                .await?;
            tokio::time::sleep_until(deadline.into()).await;
        }
        Behaviour::Body(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
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

/// One operation of each API, called with `config` against `base`: the error it gives, as
/// `Error<()>`-like text and its `ResponseTooLarge` details.
struct Outcome {
    error: Option<String>,
    too_large: Option<(usize, Option<u64>, usize)>,
    timeout: bool,
    unexpected_truncated: Option<bool>,
}

fn outcome<T, E: std::fmt::Debug>(result: Result<T, Error<E>>) -> Outcome {
    match result {
        Ok(_) => Outcome {
            error: None,
            too_large: None,
            timeout: false,
            unexpected_truncated: None,
        },
        Err(err) => Outcome {
            too_large: match &err {
                Error::ResponseTooLarge(o) => Some((o.limit, o.content_length, o.bytes_read)),
                _ => None,
            },
            timeout: err.is_timeout(),
            unexpected_truncated: match &err {
                Error::UnexpectedResponse(f) => Some(f.truncated),
                _ => None,
            },
            error: Some(err.to_string()),
        },
    }
}

/// The APIs, each with one operation, the JSON a successful answer may be, and the path
/// prefix its base URL needs.
const APIS: [(&str, &str); 5] = [
    (
        "cscart",
        r#"{"call_requests":[],"params":{"items_per_page":"10","page":1,"sort_order":"desc","sort_by":"date","sort_order_rev":"asc","total_items":"0"}}"#,
    ),
    ("yume", "[]"),
    ("uapay", r#"{"data":{"id":"L8M95ER"}}"#),
    // Thulium's success has no body: its documented error body (4XX) is what is read.
    ("thulium", r#"{"request_id":"1","errors":[]}"#),
    ("solos", "{}"),
];

async fn call(api: &str, base: &str, config: &HttpConfig) -> Outcome {
    use support::operations::*;
    match api {
        "cscart" => outcome(
            crm_bindings::cscart::Client::with_basic_auth_and_config(
                base,
                CSCART_EMAIL,
                CSCART_API_KEY,
                config,
            )
            .unwrap()
            .list_call_requests()
            .send()
            .await,
        ),
        "yume" => outcome(
            crm_bindings::yume::Client::with_bearer_token_and_config(base, YUME_TOKEN, config)
                .unwrap()
                .list_wazzup_triggers()
                .send()
                .await,
        ),
        "uapay" => outcome(
            crm_bindings::uapay::Client::with_http_config(base, config)
                .unwrap()
                .update_deal()
                .deal_id("L8M95ER")
                .body(crm_bindings::uapay::types::DealUpdate::default())
                .send()
                .await,
        ),
        "thulium" => outcome(
            crm_bindings::thulium::Client::with_basic_auth_and_config(
                base,
                THULIUM_USER,
                THULIUM_PASSWORD,
                config,
            )
            .unwrap()
            .update_outbound_record()
            .id("00001")
            .customer_id(441u64)
            .body(crm_bindings::thulium::types::OutboundRecordUpdate::default())
            .send()
            .await,
        ),
        "solos" => outcome(
            crm_bindings::solos::Client::with_keys_and_config(
                base,
                SOLOS_TOKEN,
                SOLOS_SECRET,
                config,
            )
            .unwrap()
            .list_projects()
            .send()
            .await,
        ),
        other => panic!("no operation for {other}"),
    }
}

/// A documented answer's status: Thulium's body-carrying answer is its 4XX error.
fn documented_status(api: &str) -> u16 {
    if api == "thulium" { 400 } else { 200 }
}

/// Memory allowed above the limit: one read chunk (hyper reads into a buffer of up to about
/// 400 KiB) and the client's and the test server's own bookkeeping.
const SLACK: usize = 2 * MIB;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_body_fails_at_the_default_limit_with_bounded_memory() {
    let _one = ONE_AT_A_TIME.lock().await;
    let limit = 32 * MIB; // `HttpConfig::default()`'s
    for (api, _) in APIS {
        let server = serve(Behaviour::Endless {
            status: documented_status(api),
        })
        .await;
        let (out, peak, took) = measured(call(api, &server.url, &HttpConfig::default())).await;
        let error = out.error.expect("an endless body is refused");
        assert_eq!(out.too_large, Some((limit, None, limit)), "{api}: {error}");
        assert!(
            error.contains("the body is larger than the client's limit of 33554432 bytes (no Content-Length); reading stopped after 33554432 bytes"),
            "{api}: {error}"
        );
        assert!(peak < limit + SLACK, "{api}: peak {peak} bytes");
        println!(
            "{api}: endless body -> ResponseTooLarge after {took:?}, peak {:.2} MiB ({} KiB above the limit)",
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
    let server = serve(Behaviour::Endless { status: 200 }).await;
    let config = HttpConfig::default()
        .unlimited_response_body()
        .timeout(Duration::from_millis(500));
    let (out, peak, _) = measured(call("yume", &server.url, &config)).await;
    assert!(out.timeout, "{:?}", out.error);
    assert!(
        peak > 64 * MIB,
        "unlimited read of an endless body: peak only {peak} bytes"
    );
    println!(
        "yume: endless body, no limit, 0.5 s timeout -> peak {:.1} MiB",
        peak as f64 / MIB as f64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announced_length_over_the_limit_fails_before_reading() {
    let _one = ONE_AT_A_TIME.lock().await;
    for (api, _) in APIS {
        if api == "thulium" {
            continue; // its 200 has no body; the 4XX cases above cover its error body
        }
        let server = serve(Behaviour::HugeLength).await;
        let (out, peak, _) = measured(call(api, &server.url, &HttpConfig::default())).await;
        assert_eq!(
            out.too_large,
            Some((32 * MIB, Some(10_000_000_000_000), 0)),
            "{api}: {:?}",
            out.error
        );
        assert!(
            out.error.unwrap().ends_with(
                "the body is larger than the client's limit of 33554432 bytes (Content-Length: 10000000000000); nothing of it was read"
            ),
            "{api}"
        );
        assert!(peak < SLACK, "{api}: peak {peak} bytes");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_just_under_and_just_over_a_configured_limit() {
    let _one = ONE_AT_A_TIME.lock().await;
    let limit = 256 * KIB;
    let config = HttpConfig::default().max_response_bytes(limit);
    for (api, json) in APIS {
        if api == "thulium" {
            continue; // its documented body is an error: covered by the endless 400 case
        }
        let under = serve(Behaviour::Body(padded(json, limit))).await;
        let (out, peak, _) = measured(call(api, &under.url, &config)).await;
        assert!(out.error.is_none(), "{api}: {:?}", out.error);
        assert!(peak < limit + SLACK, "{api}: peak {peak}");

        let over = serve(Behaviour::Body(padded(json, limit + 1))).await;
        let (out, peak, _) = measured(call(api, &over.url, &config)).await;
        assert_eq!(
            out.too_large,
            Some((limit, Some(limit as u64 + 1), 0)),
            "{api}: {:?}",
            out.error
        );
        assert!(peak < SLACK, "{api}: peak {peak}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_undocumented_error_page_keeps_64_kib() {
    let _one = ONE_AT_A_TIME.lock().await;
    for (api, _) in APIS {
        let server = serve(Behaviour::Endless { status: 502 }).await;
        let (out, peak, _) = measured(call(api, &server.url, &HttpConfig::default())).await;
        assert_eq!(
            out.unexpected_truncated,
            Some(true),
            "{api}: {:?}",
            out.error
        );
        let error = out.error.unwrap();
        assert!(
            error.contains("HTTP 502 Bad Gateway is not a documented answer; the first 65536 bytes of application/json"),
            "{api}: {error}"
        );
        assert!(peak < SLACK, "{api}: peak {peak}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dripping_server_ends_at_the_whole_call_timeout() {
    let _one = ONE_AT_A_TIME.lock().await;
    let config = HttpConfig::default().timeout(Duration::from_millis(600));
    for (api, _) in APIS {
        if api == "thulium" {
            continue; // a 200 with no body to drip
        }
        let server = serve(Behaviour::Drip).await;
        let (out, _, took) = measured(call(api, &server.url, &config)).await;
        assert!(out.timeout, "{api}: {:?}", out.error);
        assert!(out.error.unwrap().contains("timed out"), "{api}");
        assert!(took < Duration::from_secs(5), "{api}: took {took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_silent_after_its_headers_ends_at_the_read_timeout() {
    let _one = ONE_AT_A_TIME.lock().await;
    let config = HttpConfig::default().read_timeout(Duration::from_millis(300));
    for (api, _) in APIS {
        if api == "thulium" {
            continue; // a 200 with no body to wait for
        }
        let server = serve(Behaviour::Silent).await;
        let (out, _, took) = measured(call(api, &server.url, &config)).await;
        assert!(out.timeout, "{api}: {:?}", out.error);
        // The whole-call timeout is 30 s: this ended at the read timeout.
        assert!(took < Duration::from_secs(5), "{api}: took {took:?}");
    }
}
