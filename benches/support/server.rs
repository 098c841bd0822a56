//! An in-process loopback HTTP/1.1 server (hyper) answering fixed routes with fixed bodies:
//! the spec's example of each operation's success. It reads every request body whole, as a
//! real server would, so a client cannot gain by leaving it unsent.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::sync::Arc;

/// An answer to `method path` (the path without its query).
pub struct Route {
    pub method: &'static str,
    pub path: String,
    pub status: u16,
    pub body: Option<&'static str>,
}

/// Starts the server on the current tokio runtime; returns its base URL.
pub async fn start(routes: Vec<Route>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    let routes = Arc::new(routes);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let routes = routes.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(routes.clone(), request));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    base
}

async fn answer(
    routes: Arc<Vec<Route>>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = request.into_parts();
    body.collect().await?;
    let route = routes
        .iter()
        .find(|r| r.method == parts.method.as_str() && r.path == parts.uri.path());
    let response = match route {
        Some(route) => Response::builder()
            .status(route.status)
            .header("content-type", "application/json")
            .body(Full::new(
                route
                    .body
                    .map_or(Bytes::new(), |b| Bytes::from_static(b.as_bytes())),
            )),
        None => Response::builder()
            .status(404)
            .body(Full::new(Bytes::from_static(b"no such route"))),
    };
    Ok(response.expect("a valid response"))
}
