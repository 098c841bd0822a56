//! Request throughput: a representative operation of every API through the generated
//! client, against the same request written by hand with reqwest + serde, on an in-process
//! loopback server (`support/server.rs`) answering the spec's example of each success.
//!
//! Each operation is measured one call at a time and with 32 calls in flight, against two
//! hand-written references:
//! - "bare": `reqwest::Client` with only the credential headers, reqwest's defaults otherwise;
//! - "same config": the settings this crate's client uses by default (connect and total
//!   timeouts, the User-Agent, the same-host redirect policy).
//!
//! The figure is the reference's time divided by ours (our throughput as a share of the
//! reference's: below 1 = slower), interleaved (`support/interleave.rs`).
//!
//! `cargo bench --bench requests` (or `cargo xtask bench`, which writes BENCHMARKS.md).

#[path = "support/interleave.rs"]
mod interleave;
#[path = "support/reference.rs"]
mod reference;
#[path = "support/server.rs"]
mod server;

use crm_bindings::{HttpConfig, cscart, solos, thulium, uapay, yume};
use crm_bindings_runtime::mock::Operation;
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

/// Calls per round, one at a time.
const SEQUENTIAL: usize = 300;
/// Calls in flight at once, and calls each of them makes per round.
const IN_FLIGHT: usize = 32;
const EACH_IN_FLIGHT: usize = 16;

/// The test credentials (the same on both sides).
const USER: &str = "admin@example.com";
const PASSWORD: &str = "api-key";
const TOKEN: &str = "token";
const SECRET: &str = "secret";

/// One measured operation.
#[derive(Clone, Copy, Debug)]
enum Op {
    CscartGet,
    CscartCreate,
    YumeList,
    YumeUpdate,
    UapayUpdate,
    ThuliumUpdate,
    SolosGet,
}

const OPS: [Op; 7] = [
    Op::CscartGet,
    Op::CscartCreate,
    Op::YumeList,
    Op::YumeUpdate,
    Op::UapayUpdate,
    Op::ThuliumUpdate,
    Op::SolosGet,
];

impl Op {
    /// The spec's description of the operation (`OPERATIONS` of the API's mocks).
    fn facts(self) -> &'static Operation {
        let (operations, id) = match self {
            Op::CscartGet => (cscart::mock::OPERATIONS, "get_call_request"),
            Op::CscartCreate => (cscart::mock::OPERATIONS, "create_call_request"),
            Op::YumeList => (yume::mock::OPERATIONS, "list_wazzup_triggers"),
            Op::YumeUpdate => (yume::mock::OPERATIONS, "update_wazzup_trigger"),
            Op::UapayUpdate => (uapay::mock::OPERATIONS, "update_deal"),
            Op::ThuliumUpdate => (thulium::mock::OPERATIONS, "update_outbound_record"),
            Op::SolosGet => (solos::mock::OPERATIONS, "get_project"),
        };
        operations
            .iter()
            .find(|o| o.id == id)
            .expect("the operation is in its spec")
    }

    fn api(self) -> &'static str {
        match self {
            Op::CscartGet | Op::CscartCreate => "CS-Cart",
            Op::YumeList | Op::YumeUpdate => "Yume",
            Op::UapayUpdate => "UAPAY",
            Op::ThuliumUpdate => "Thulium",
            Op::SolosGet => "solOS",
        }
    }

    /// The path the call goes to, with the spec's example of each path parameter.
    fn path(self) -> String {
        match self {
            Op::CscartGet => format!(
                "/call_requests/{}",
                cscart::mock::examples::get_call_request_id()
            ),
            Op::CscartCreate => "/call_requests".into(),
            Op::YumeList => "/v1/crm/integrations/wazzup/triggers/".into(),
            Op::YumeUpdate => format!(
                "/v1/crm/integrations/wazzup/triggers/{}/",
                yume::mock::examples::update_wazzup_trigger_id()
            ),
            Op::UapayUpdate => format!("/deals/{}", *uapay::mock::examples::update_deal_deal_id()),
            Op::ThuliumUpdate => format!(
                "/crm_outbounds/{}/records/{}",
                *thulium::mock::examples::update_outbound_record_id(),
                thulium::mock::examples::update_outbound_record_customer_id()
            ),
            Op::SolosGet => "/projects/info".into(),
        }
    }

    /// The route answering it: the documented success with the spec's example.
    fn route(self) -> server::Route {
        let facts = self.facts();
        let (status, body) = facts.success().expect("a documented success");
        server::Route {
            method: facts.method,
            path: self.path(),
            status,
            body: if body { facts.success_example } else { None },
        }
    }

    fn label(self) -> String {
        let facts = self.facts();
        format!("{} {} {}", self.api(), facts.method, facts.path)
    }
}

/// The generated clients and the typed bodies they send. Each call sends a fresh copy of its
/// body, on both sides: a caller builds the body of each call from their own data, and the
/// copy stands for that (the generated builders take it by value; the hand-written calls
/// borrow it).
struct Ours {
    cscart: cscart::Client,
    yume: yume::Client,
    uapay: uapay::Client,
    thulium: thulium::Client,
    solos: solos::Client,
    call_request: cscart::types::CallRequestInput,
    trigger: yume::types::WazzupTriggerRequest,
    deal: uapay::types::DealUpdate,
    record: thulium::types::OutboundRecordUpdate,
}

impl Ours {
    fn new(base: &str) -> Self {
        let config = HttpConfig::default();
        Ours {
            cscart: cscart::Client::with_basic_auth(base, USER, PASSWORD).expect("client"),
            yume: yume::Client::with_bearer_token(base, TOKEN).expect("client"),
            uapay: uapay::Client::with_credential_header(base, "authorization", TOKEN, &config)
                .expect("client"),
            thulium: thulium::Client::with_basic_auth(base, USER, PASSWORD).expect("client"),
            solos: solos::Client::with_keys(base, TOKEN, SECRET).expect("client"),
            call_request: cscart::mock::examples::create_call_request_request(),
            trigger: yume::mock::examples::update_wazzup_trigger_request(),
            deal: uapay::mock::examples::update_deal_request(),
            record: thulium::mock::examples::update_outbound_record_request(),
        }
    }

    async fn send(&self, op: Op) {
        use cscart::mock::examples as cs;
        match op {
            Op::CscartGet => {
                let id = cs::get_call_request_id();
                let answer = self.cscart.get_call_request().id(id).send().await;
                black_box(answer.expect("a success").into_inner());
            }
            Op::CscartCreate => {
                let body = self.call_request.clone();
                let answer = self.cscart.create_call_request().body(body).send().await;
                black_box(answer.expect("a success").into_inner());
            }
            Op::YumeList => {
                let answer = self.yume.list_wazzup_triggers().send().await;
                black_box(answer.expect("a success").into_inner());
            }
            Op::YumeUpdate => {
                let answer = self
                    .yume
                    .update_wazzup_trigger()
                    .id(yume::mock::examples::update_wazzup_trigger_id())
                    .body(self.trigger.clone())
                    .send()
                    .await;
                black_box(answer.expect("a success").into_inner());
            }
            Op::UapayUpdate => {
                let answer = self
                    .uapay
                    .update_deal()
                    .deal_id(uapay::mock::examples::update_deal_deal_id())
                    .body(self.deal.clone())
                    .send()
                    .await;
                black_box(answer.expect("a success").into_inner());
            }
            Op::ThuliumUpdate => {
                let answer = self
                    .thulium
                    .update_outbound_record()
                    .id(thulium::mock::examples::update_outbound_record_id())
                    .customer_id(thulium::mock::examples::update_outbound_record_customer_id())
                    .body(self.record.clone())
                    .send()
                    .await;
                black_box(answer.expect("a success"));
            }
            Op::SolosGet => {
                let id = solos::mock::examples::get_project_id();
                let answer = self.solos.get_project().id(id).send().await;
                black_box(answer.expect("a success").into_inner());
            }
        }
    }
}

/// The same requests written by hand: one `reqwest::Client` per API with its credentials as
/// default headers, `serde` structs for the bodies (`support/reference.rs`).
struct Reference {
    base: String,
    cscart: reqwest::Client,
    yume: reqwest::Client,
    uapay: reqwest::Client,
    thulium: reqwest::Client,
    solos: reqwest::Client,
    call_request: reference::requests::CallRequestInput,
    trigger: reference::requests::WazzupTriggerRequest,
    deal: reference::requests::DealUpdate,
    record: reference::requests::OutboundRecordUpdate,
}

fn example<T: DeserializeOwned>(op: Op) -> T {
    serde_json::from_str(op.facts().request_example.expect("a request example"))
        .expect("the reference type reads the example")
}

fn sensitive(value: &str) -> HeaderValue {
    let mut value = HeaderValue::from_str(value).expect("a header value");
    value.set_sensitive(true);
    value
}

fn basic(user: &str, password: &str) -> HeaderValue {
    use base64::Engine;
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    sensitive(&format!("Basic {pair}"))
}

impl Reference {
    /// `configured`: with this crate's default transport settings; otherwise reqwest's.
    fn new(base: &str, configured: bool) -> Self {
        let client = |headers: &[(&'static str, HeaderValue)]| {
            let mut map = HeaderMap::new();
            for (name, value) in headers {
                map.insert(*name, value.clone());
            }
            let mut builder = reqwest::Client::builder().default_headers(map);
            if configured {
                builder = builder
                    .user_agent(concat!("crm-bindings/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(Duration::from_secs(10))
                    .timeout(Duration::from_secs(30))
                    .redirect(same_host_redirects());
            }
            builder.build().expect("a reqwest client")
        };
        Reference {
            base: base.to_string(),
            cscart: client(&[("authorization", basic(USER, PASSWORD))]),
            yume: client(&[("authorization", sensitive(&format!("Bearer {TOKEN}")))]),
            uapay: client(&[("authorization", sensitive(TOKEN))]),
            thulium: client(&[("authorization", basic(USER, PASSWORD))]),
            solos: client(&[
                ("x-crypto-token", sensitive(TOKEN)),
                ("x-crypto-secret", sensitive(SECRET)),
            ]),
            call_request: example(Op::CscartCreate),
            trigger: example(Op::YumeUpdate),
            deal: example(Op::UapayUpdate),
            record: example(Op::ThuliumUpdate),
        }
    }

    async fn send(&self, op: Op) {
        use reference::{answers, cscart, yume};
        let url = format!("{}{}", self.base, op.path());
        match op {
            Op::CscartGet => {
                black_box(json::<cscart::CallRequest>(self.cscart.get(url)).await);
            }
            Op::CscartCreate => {
                let request = self.cscart.post(url).json(&self.call_request.clone());
                black_box(json::<answers::CallRequestId>(request).await);
            }
            Op::YumeList => {
                black_box(json::<Vec<yume::WazzupTrigger>>(self.yume.get(url)).await);
            }
            Op::YumeUpdate => {
                let request = self.yume.put(url).json(&self.trigger.clone());
                black_box(json::<yume::WazzupTrigger>(request).await);
            }
            Op::UapayUpdate => {
                let request = self.uapay.patch(url).json(&self.deal.clone());
                black_box(json::<answers::DealUpdateResponse>(request).await);
            }
            Op::ThuliumUpdate => {
                let request = self.thulium.put(url).json(&self.record.clone());
                let response = request.send().await.expect("sent");
                assert!(response.status().is_success(), "{}", response.status());
                black_box(response.bytes().await.expect("the body"));
            }
            Op::SolosGet => {
                let id = solos::mock::examples::get_project_id();
                let request = self.solos.get(url).query(&[("id", id)]);
                black_box(json::<answers::Project>(request).await);
            }
        }
    }
}

/// Sends, checks the status, reads the body and decodes it: what a careful hand-written
/// call does.
async fn json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let response = request
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .expect("sent");
    assert!(response.status().is_success(), "{}", response.status());
    let body = response.bytes().await.expect("the body");
    serde_json::from_slice(&body).expect("the answer decodes")
}

/// The redirect policy this crate's clients use (`src/config.rs`), written out again.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let downgrade = attempt.previous().iter().any(|url| url.scheme() == "https")
            && attempt.url().scheme() == "http";
        if downgrade {
            return attempt.error("redirect from https to plain http refused");
        }
        let same_origin = first.scheme() == attempt.url().scheme()
            && first.host_str() == attempt.url().host_str()
            && first.port_or_known_default() == attempt.url().port_or_known_default();
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// One side of a comparison: makes one call of `op`.
trait Side: Send + Sync + 'static {
    fn call(&self, op: Op) -> impl Future<Output = ()> + Send + '_;
}

impl Side for Ours {
    fn call(&self, op: Op) -> impl Future<Output = ()> + Send + '_ {
        self.send(op)
    }
}

impl Side for Reference {
    fn call(&self, op: Op) -> impl Future<Output = ()> + Send + '_ {
        self.send(op)
    }
}

/// Runs one side's round: `SEQUENTIAL` calls one after the other, or `IN_FLIGHT` tasks of
/// `EACH_IN_FLIGHT` calls each.
fn round<S: Side>(runtime: &tokio::runtime::Runtime, side: &Arc<S>, op: Op, in_flight: bool) {
    runtime.block_on(async {
        if !in_flight {
            for _ in 0..SEQUENTIAL {
                side.call(op).await;
            }
            return;
        }
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..IN_FLIGHT {
            let side = side.clone();
            tasks.spawn(async move {
                for _ in 0..EACH_IN_FLIGHT {
                    side.call(op).await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a task");
        }
    });
}

fn main() {
    let rounds = interleave::rounds(20);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let base = runtime.block_on(server::start(OPS.iter().map(|op| op.route()).collect()));
    let ours = Arc::new(Ours::new(&base));
    let references = [
        ("bare", Arc::new(Reference::new(&base, false))),
        ("same config", Arc::new(Reference::new(&base, true))),
    ];
    // Both sides send the same bodies: the spec's examples, encoded alike.
    let same = |a: serde_json::Value, b: serde_json::Value| assert_eq!(a, b);
    let theirs = &references[0].1;
    same(json_of(&ours.call_request), json_of(&theirs.call_request));
    same(json_of(&ours.trigger), json_of(&theirs.trigger));
    same(json_of(&ours.deal), json_of(&theirs.deal));
    same(json_of(&ours.record), json_of(&theirs.record));

    let modes = [
        ("one at a time".to_string(), false),
        (format!("{IN_FLIGHT} in flight"), true),
    ];
    let mut results = Vec::new();
    for op in OPS {
        for (mode, in_flight) in &modes {
            for (name, reference) in &references {
                let ratio = interleave::compare(
                    &format!("{}, {mode}, vs {name}", op.label()),
                    rounds,
                    1,
                    || round(&runtime, &ours, op, *in_flight),
                    || round(&runtime, reference, op, *in_flight),
                );
                results.push(ratio.throughput());
            }
        }
    }

    println!("| measure | throughput vs hand-written | interquartile | rounds |");
    println!("|---|---|---|---|");
    for result in &results {
        println!("{}", result.row());
    }
    if std::env::var_os("CRM_BENCH_PROFILE").is_none() {
        interleave::save("requests", &results);
    }
}

fn json_of(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).expect("encodes")
}
