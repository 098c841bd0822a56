//! Every operation of every API, called through its typed client with inputs taken from the
//! spec's own examples. Shared by the Prism contract tests, the server-misbehaviour suite
//! and the fuzz targets, so each of them covers every operation by construction.

use super::spec::SpecExamples;
use crm_bindings::HttpConfig;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

/// The test credentials, distinctive so a search of any output for them is meaningful.
pub const CSCART_EMAIL: &str = "admin@example.com";
pub const CSCART_API_KEY: &str = "cscart-KEY-7f3a9e21";
pub const YUME_TOKEN: &str = "yume-JWT-b81c4d.e30.sig5e";
pub const THULIUM_USER: &str = "api_user";
pub const THULIUM_PASSWORD: &str = "thulium-PASS-c0ffee77";
pub const SOLOS_TOKEN: &str = "solos-TOKEN-5d2e8a13";
pub const SOLOS_SECRET: &str = "solos-SECRET-a9b7f402";
/// `base64(user:password)`, the token of an `Authorization: Basic` header.
pub fn basic_token(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// Every secret above, and the encoded forms that go on the wire.
pub fn secrets() -> Vec<String> {
    vec![
        CSCART_API_KEY.into(),
        YUME_TOKEN.into(),
        THULIUM_PASSWORD.into(),
        SOLOS_TOKEN.into(),
        SOLOS_SECRET.into(),
        basic_token(CSCART_EMAIL, CSCART_API_KEY),
        basic_token(THULIUM_USER, THULIUM_PASSWORD),
    ]
}

/// The credential headers each API's constructor sends with the test credentials, with
/// their exact values (UAPAY's constructor sends none: the source documents no auth).
pub fn credential_headers(api: &str) -> Vec<(&'static str, String)> {
    let basic = |user: &str, password: &str| format!("Basic {}", basic_token(user, password));
    match api {
        "cscart" => vec![("authorization", basic(CSCART_EMAIL, CSCART_API_KEY))],
        "yume" => vec![("authorization", format!("Bearer {YUME_TOKEN}"))],
        "thulium" => vec![("authorization", basic(THULIUM_USER, THULIUM_PASSWORD))],
        "solos" => vec![
            ("x-crypto-token", SOLOS_TOKEN.to_string()),
            ("x-crypto-secret", SOLOS_SECRET.to_string()),
        ],
        "uapay" => vec![],
        other => panic!("unknown API {other}"),
    }
}

/// What a call gave, reduced to what every API shares.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub operation: &'static str,
    /// `Ok(status)`, or the error's details.
    pub result: Result<u16, Failure>,
}

#[derive(Debug, Clone)]
pub struct Failure {
    /// The operation the error names.
    pub operation: &'static str,
    pub status: Option<u16>,
    pub body_excerpt: Option<String>,
    pub is_timeout: bool,
    /// `InvalidRequest`, `Communication`, `ErrorResponse`, `InvalidResponse`, `UnexpectedResponse`.
    pub kind: &'static str,
    pub display: String,
    pub debug: String,
    /// `sl-violations` reported by Prism on a successful answer, if any.
    pub violations: Option<String>,
}

type Call = fn(String, HttpConfig) -> Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// Clients and parsed specs are reused across calls with the same base URL and settings:
/// building a client (its TLS roots) costs far more than a call to a local mock.
fn reused<C: Clone + Send + Sync + 'static>(key: String, build: impl FnOnce() -> C) -> C {
    use std::any::Any;
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static CACHE: LazyLock<Mutex<HashMap<String, Box<dyn Any + Send + Sync>>>> =
        LazyLock::new(Default::default);
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = cache.get(&key).and_then(|c| c.downcast_ref::<C>()) {
        return found.clone();
    }
    let built = build();
    cache.insert(key, Box::new(built.clone()));
    built
}

fn examples(api: &'static str) -> std::sync::Arc<SpecExamples> {
    reused(format!("spec {api}"), || {
        std::sync::Arc::new(SpecExamples::load(api))
    })
}

fn client_key(api: &str, base: &str, config: &HttpConfig) -> String {
    format!("client {api} {base} {config:?}")
}

/// One operation: its API, its operationId and how to call it against a base URL.
pub struct Operation {
    pub api: &'static str,
    pub id: &'static str,
    pub call: Call,
}

impl Operation {
    pub async fn run(&self, base_url: &str, config: HttpConfig) -> Outcome {
        (self.call)(base_url.to_string(), config).await
    }
}

fn outcome<T, E: Debug>(
    operation: &'static str,
    result: Result<progenitor_client::ResponseValue<T>, crm_bindings::Error<E>>,
) -> Outcome {
    let result = match result {
        Ok(answer) => match answer.headers().get("sl-violations") {
            None => Ok(answer.status().as_u16()),
            Some(found) => Err(Failure {
                operation,
                status: Some(answer.status().as_u16()),
                body_excerpt: None,
                is_timeout: false,
                kind: "PrismViolation",
                display: String::new(),
                debug: String::new(),
                violations: Some(String::from_utf8_lossy(found.as_bytes()).into_owned()),
            }),
        },
        Err(err) => Err(Failure {
            operation: err.operation(),
            status: err.status().map(|s| s.as_u16()),
            body_excerpt: err.body_excerpt(),
            is_timeout: err.is_timeout(),
            kind: match &err {
                crm_bindings::Error::InvalidRequest { .. } => "InvalidRequest",
                crm_bindings::Error::Communication { .. } => "Communication",
                crm_bindings::Error::ErrorResponse { .. } => "ErrorResponse",
                crm_bindings::Error::InvalidResponse(_) => "InvalidResponse",
                crm_bindings::Error::UnexpectedResponse(_) => "UnexpectedResponse",
                _ => "other",
            },
            display: err.to_string(),
            debug: format!("{err:?}"),
            violations: None,
        }),
    };
    Outcome { operation, result }
}

macro_rules! operation {
    ($api:literal, $id:literal, |$base:ident, $config:ident, $ex:ident| $call:expr) => {
        Operation {
            api: $api,
            id: $id,
            call: |$base: String, $config: HttpConfig| {
                Box::pin(async move {
                    let $ex = examples($api);
                    outcome($id, $call)
                })
            },
        }
    };
}

/// Every operation of the APIs compiled in, in spec order.
pub fn all() -> Vec<Operation> {
    let mut all = Vec::new();
    #[cfg(feature = "cscart")]
    all.extend(cscart());
    #[cfg(feature = "yume")]
    all.extend(yume());
    #[cfg(feature = "uapay")]
    all.extend(uapay());
    #[cfg(feature = "thulium")]
    all.extend(thulium());
    #[cfg(feature = "solos")]
    all.extend(solos());
    all
}

/// The operations of one API.
pub fn of(api: &str) -> Vec<Operation> {
    all().into_iter().filter(|op| op.api == api).collect()
}

#[cfg(feature = "cscart")]
fn cscart() -> Vec<Operation> {
    use crm_bindings::cscart::{Client, types};
    fn client(base: &str, config: &HttpConfig) -> Client {
        reused(client_key("cscart", base, config), || {
            Client::with_basic_auth_and_config(base, CSCART_EMAIL, CSCART_API_KEY, config).unwrap()
        })
    }
    vec![
        operation!("cscart", "list_call_requests", |base, config, ex| {
            let op = "list_call_requests";
            client(&base, &config)
                .list_call_requests()
                .page(ex.param::<u64>(op, "page"))
                .items_per_page(ex.param::<u64>(op, "items_per_page"))
                .sort_by(ex.param::<types::CallRequestSortBy>(op, "sort_by"))
                .sort_order(ex.param::<types::SortOrder>(op, "sort_order"))
                .status(ex.param::<types::CallRequestStatus>(op, "status"))
                .name(ex.param::<String>(op, "name"))
                .phone(ex.param::<String>(op, "phone"))
                .company_id(ex.param::<u64>(op, "company_id"))
                .order_status(ex.param::<String>(op, "order_status"))
                .user_id(ex.param::<u64>(op, "user_id"))
                .order_exists(ex.param::<types::OrderExists>(op, "order_exists"))
                .send()
                .await
        }),
        operation!("cscart", "create_call_request", |base, config, ex| {
            client(&base, &config)
                .create_call_request()
                .body(ex.body::<types::CallRequestInput>("create_call_request"))
                .send()
                .await
        }),
        operation!("cscart", "get_call_request", |base, config, ex| {
            client(&base, &config)
                .get_call_request()
                .id(ex.param::<u64>("get_call_request", "id"))
                .send()
                .await
        }),
        operation!("cscart", "update_call_request", |base, config, ex| {
            let op = "update_call_request";
            client(&base, &config)
                .update_call_request()
                .id(ex.param::<u64>(op, "id"))
                .body(ex.body::<types::CallRequestInput>(op))
                .send()
                .await
        }),
        operation!("cscart", "delete_call_request", |base, config, ex| {
            client(&base, &config)
                .delete_call_request()
                .id(ex.param::<u64>("delete_call_request", "id"))
                .send()
                .await
        }),
    ]
}

#[cfg(feature = "yume")]
fn yume() -> Vec<Operation> {
    use crm_bindings::yume::{Client, types};
    fn client(base: &str, config: &HttpConfig) -> Client {
        reused(client_key("yume", base, config), || {
            Client::with_bearer_token_and_config(base, YUME_TOKEN, config).unwrap()
        })
    }
    vec![
        operation!("yume", "list_wazzup_triggers", |base, config, _ex| {
            client(&base, &config).list_wazzup_triggers().send().await
        }),
        operation!("yume", "create_wazzup_trigger", |base, config, ex| {
            client(&base, &config)
                .create_wazzup_trigger()
                .body(ex.body::<types::WazzupTriggerRequest>("create_wazzup_trigger"))
                .send()
                .await
        }),
        operation!("yume", "update_wazzup_trigger", |base, config, ex| {
            let op = "update_wazzup_trigger";
            client(&base, &config)
                .update_wazzup_trigger()
                .id(ex.param::<i64>(op, "id"))
                .body(ex.body::<types::WazzupTriggerRequest>(op))
                .send()
                .await
        }),
        operation!(
            "yume",
            "partial_update_wazzup_trigger",
            |base, config, ex| {
                let op = "partial_update_wazzup_trigger";
                client(&base, &config)
                    .partial_update_wazzup_trigger()
                    .id(ex.param::<i64>(op, "id"))
                    .body(ex.body::<types::PatchedWazzupTriggerRequest>(op))
                    .send()
                    .await
            }
        ),
        operation!("yume", "delete_wazzup_trigger", |base, config, ex| {
            client(&base, &config)
                .delete_wazzup_trigger()
                .id(ex.param::<i64>("delete_wazzup_trigger", "id"))
                .send()
                .await
        }),
    ]
}

#[cfg(feature = "uapay")]
fn uapay() -> Vec<Operation> {
    use crm_bindings::uapay::{Client, types};
    vec![operation!("uapay", "update_deal", |base, config, ex| {
        let op = "update_deal";
        reused(client_key("uapay", &base, &config), || {
            Client::with_http_config(&base, &config).unwrap()
        })
        .update_deal()
        .deal_id(ex.param::<types::DealId>(op, "dealId"))
        .by_external_id(ex.param::<bool>(op, "byExternalId"))
        .body(ex.body::<types::DealUpdate>(op))
        .send()
        .await
    })]
}

#[cfg(feature = "thulium")]
fn thulium() -> Vec<Operation> {
    use crm_bindings::thulium::{Client, types};
    vec![operation!(
        "thulium",
        "update_outbound_record",
        |base, config, ex| {
            let op = "update_outbound_record";
            Client::with_basic_auth_and_config(&base, THULIUM_USER, THULIUM_PASSWORD, &config)
                .unwrap()
                .update_outbound_record()
                .id(ex.param::<types::CampaignId>(op, "id"))
                .customer_id(ex.param::<u64>(op, "customer_id"))
                .body(ex.body::<types::OutboundRecordUpdate>(op))
                .send()
                .await
        }
    )]
}

#[cfg(feature = "solos")]
fn solos() -> Vec<Operation> {
    use crm_bindings::solos::{Client, types};
    fn client(base: &str, config: &HttpConfig) -> Client {
        reused(client_key("solos", base, config), || {
            Client::with_keys_and_config(base, SOLOS_TOKEN, SOLOS_SECRET, config).unwrap()
        })
    }
    vec![
        operation!("solos", "list_projects", |base, config, ex| {
            let op = "list_projects";
            client(&base, &config)
                .list_projects()
                .count(ex.param::<u64>(op, "count"))
                .offset(ex.param::<u64>(op, "offset"))
                .order_by(ex.param::<String>(op, "order_by"))
                .reverse(ex.param::<types::SortReverse>(op, "reverse"))
                .deleted(ex.param::<types::DeletedFlag>(op, "deleted"))
                .send()
                .await
        }),
        operation!("solos", "filter_projects", |base, config, ex| {
            client(&base, &config)
                .filter_projects()
                .body(ex.body::<types::ProjectFilter>("filter_projects"))
                .send()
                .await
        }),
        operation!("solos", "get_project", |base, config, ex| {
            client(&base, &config)
                .get_project()
                .id(ex.param::<u64>("get_project", "id"))
                .send()
                .await
        }),
        operation!("solos", "list_project_steps", |base, config, ex| {
            let op = "list_project_steps";
            client(&base, &config)
                .list_project_steps()
                .id(ex.param::<u64>(op, "id"))
                .filter_date(ex.param::<chrono::NaiveDate>(op, "filter_date"))
                .filter_steps(ex.param::<types::UnderscoreIdList>(op, "filter_steps"))
                .send()
                .await
        }),
        operation!("solos", "list_project_actions", |base, config, ex| {
            let op = "list_project_actions";
            client(&base, &config)
                .list_project_actions()
                .id(ex.param::<u64>(op, "id"))
                .count(ex.param::<u64>(op, "count"))
                .offset(ex.param::<u64>(op, "offset"))
                .filter_id(ex.param::<u64>(op, "filter_id"))
                .filter_date(ex.param::<chrono::NaiveDate>(op, "filter_date"))
                .filter_actions(ex.param::<types::UnderscoreIdList>(op, "filter_actions"))
                .send()
                .await
        }),
        operation!("solos", "get_project_action", |base, config, ex| {
            client(&base, &config)
                .get_project_action()
                .id(ex.param::<u64>("get_project_action", "id"))
                .send()
                .await
        }),
        operation!("solos", "list_project_checklists", |base, config, ex| {
            client(&base, &config)
                .list_project_checklists()
                .id(ex.param::<u64>("list_project_checklists", "id"))
                .send()
                .await
        }),
        operation!("solos", "list_project_goods", |base, config, ex| {
            client(&base, &config)
                .list_project_goods()
                .id(ex.param::<u64>("list_project_goods", "id"))
                .send()
                .await
        }),
        operation!("solos", "list_project_payments", |base, config, ex| {
            let op = "list_project_payments";
            client(&base, &config)
                .list_project_payments()
                .id(ex.param::<u64>(op, "id"))
                .count(ex.param::<u64>(op, "count"))
                .offset(ex.param::<u64>(op, "offset"))
                .filter_id(ex.param::<u64>(op, "filter_id"))
                .filter_date(ex.param::<chrono::NaiveDate>(op, "filter_date"))
                .filter_type(ex.param::<types::PaymentType>(op, "filter_type"))
                .send()
                .await
        }),
    ]
}
