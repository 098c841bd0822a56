//! The body limit (`HttpConfig::max_response_bytes`) on answers without a `Content-Length`,
//! for every operation of every API that reads a documented JSON body: a chunked answer whose
//! every chunk is far under the limit is refused once its total passes the limit, and read
//! whole when its total is exactly the limit. So the limit counts what was read in all, not
//! each chunk. (`tests/adversarial.rs` measures memory with endless and huge answers; this is
//! the boundary, in the main suite.)
//!
//! Bodies are the spec's example of the answer padded with spaces (still the same JSON); the
//! servers are raw loopback listeners sending `Transfer-Encoding: chunked`.

use crate::support::operations::{self, Operation};
use crm_bindings::HttpConfig;
use crm_bindings_runtime::mock::Status;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The limit these clients are given.
const LIMIT: usize = 8 * 1024;
/// Each chunk's size: an eighth of the limit, so no single chunk is near it.
const CHUNK: usize = LIMIT / 8;

/// A documented answer of `op` with a JSON body: its status and the spec's example (the
/// success, else the documented error); `None` when it documents no such body.
fn documented_body(op: &Operation) -> Option<(u16, &'static str)> {
    match (op.success_status(), op.facts.success_example) {
        ((code, true), Some(example)) => Some((code, example)),
        _ => {
            let error = op.facts.statuses.iter().find_map(|s| match s {
                Status::Error { from, .. } => Some(*from),
                Status::Success { .. } => None,
            })?;
            Some((error, op.facts.error_example?))
        }
    }
}

/// `json` padded with spaces to exactly `size` bytes.
fn padded(json: &str, size: usize) -> Vec<u8> {
    assert!(json.len() < size, "an example of {} bytes", json.len());
    let mut body = json.as_bytes().to_vec();
    body.resize(size, b' ');
    body
}

/// A loopback server answering one request with `status` and `body` sent in chunks of
/// [`CHUNK`] bytes, without a `Content-Length`. Returns its URL.
async fn chunked_server(status: u16, body: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        // The whole request (head and body) before answering: closing with unread bytes
        // would reset the connection under the client's feet.
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if request.len() >= end + 4 + length {
                    break;
                }
            }
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buffer[..n]),
            }
        }
        let head = format!(
            "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        );
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for chunk in body.chunks(CHUNK) {
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(chunk);
            framed.extend_from_slice(b"\r\n");
            // The client hangs up once past its limit.
            if socket.write_all(&framed).await.is_err() {
                return;
            }
            let _ = socket.flush().await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
        let _ = socket.shutdown().await;
    });
    url
}

#[tokio::test]
async fn a_chunked_answer_is_refused_once_its_total_passes_the_limit() {
    let config = HttpConfig::default().max_response_bytes(LIMIT);
    let mut checked = Vec::new();
    for op in operations::all() {
        let Some((status, example)) = documented_body(&op) else {
            continue;
        };
        let what = format!("{} {} ({status})", op.api, op.id);

        // Exactly the limit, in eight chunks: read whole and decoded (a success, or the
        // documented error with its typed body).
        let url = chunked_server(status, padded(example, LIMIT)).await;
        let outcome = op.run(&url, config.clone()).await;
        match &outcome.result {
            Ok(code) => assert_eq!(*code, status, "{what}"),
            Err(failure) => assert_eq!(failure.kind, "ErrorResponse", "{what}: {failure:?}"),
        }

        // One byte more, and four times the limit: no chunk is over the limit, their total
        // is, so the answer is refused at the limit with what was read of it.
        for size in [LIMIT + 1, 4 * LIMIT] {
            let url = chunked_server(status, padded(example, size)).await;
            let outcome = op.run(&url, config.clone()).await;
            let failure = outcome
                .result
                .expect_err(&format!("{what}: {size} bytes were read whole"));
            assert_eq!(
                failure.kind, "ResponseTooLarge",
                "{what}, {size} bytes: {failure:?}"
            );
            assert_eq!(failure.status, Some(status), "{what}");
            assert!(
                failure.display.contains(&format!(
                    "the body is larger than the client's limit of {LIMIT} bytes (no \
                     Content-Length); reading stopped after {LIMIT} bytes: `"
                )),
                "{what}, {size} bytes: {}",
                failure.display
            );
            // The excerpt is the answer's start: the example's first characters.
            let start: String = example.split_whitespace().collect::<Vec<_>>().join(" ");
            let excerpt = failure.body_excerpt.as_deref().unwrap_or_default();
            let shown = excerpt.trim_end_matches('…');
            assert!(
                start.starts_with(shown) && !shown.is_empty(),
                "{what}: `{excerpt}` is not the start of `{start}`"
            );
        }
        checked.push(op.api);
    }
    crate::support::assert_every_spec("body limit", checked);
}
