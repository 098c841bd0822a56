//! Nothing invalid leaves the client, and every refusal says why in the user's words: each
//! documented constraint of every API (required, range, length, pattern, format, enum,
//! "email or phone") refuses a bad value with a message that names the operation once, the
//! parameter or field, the rule and what was given; the mock server receives nothing.
//!
//! Parameters are refused by the operation builders when `send()` runs; body fields cannot
//! even be built with a bad value (validated types), so `crm_bindings::from_json` (building a
//! body from input) is where they are refused. Every message is in one snapshot
//! (`constraints__refusals.snap`) so a reviewer reads them all at once, and
//! `every_constraint_of_every_spec_has_a_case` fails when a spec gains a constraint without a
//! case here. The bad values are made up to break the spec's own rules.

mod support;

use crm_bindings::{Error, from_json};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::operations::*;
use wiremock::MockServer;

/// The refusals one API collected: `(case key, message)`.
#[derive(Default)]
struct Refusals(Vec<(String, String)>);

impl Refusals {
    /// A call refused before sending: its error's `Display`.
    fn param<T: std::fmt::Debug, E: std::fmt::Debug>(
        &mut self,
        key: &str,
        result: Result<T, Error<E>>,
    ) {
        let err = match result {
            Ok(value) => panic!("{key}: a bad value was accepted ({value:?})"),
            Err(err) => err,
        };
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "{key}: expected InvalidRequest, got {err:?}"
        );
        let shown = err.to_string();
        assert_eq!(
            shown.matches(err.operation()).count(),
            1,
            "{key}: the operation is named once: {shown}"
        );
        assert!(shown.ends_with("; nothing was sent"), "{key}: {shown}");
        self.0.push((key.to_string(), shown));
    }

    /// A body built from JSON and refused: the `FieldError`'s `Display`.
    fn body<T: serde::de::DeserializeOwned + std::fmt::Debug>(&mut self, key: &str, json: Value) {
        match from_json::<T>(json.clone()) {
            Ok(value) => panic!("{key}: {json} was accepted as {value:?}"),
            Err(err) => self.0.push((key.to_string(), err.to_string())),
        }
    }

    /// A constraint the Rust type enforces at compile time (no value can break it).
    fn typed(&mut self, key: &str, how: &str) {
        self.0
            .push((key.to_string(), format!("(enforced by the type: {how})")));
    }
}

/// A server that would accept anything; each API's test checks it received nothing.
async fn open_server() -> MockServer {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    server
}

async fn nothing_sent(server: &MockServer) {
    let received = server.received_requests().await.unwrap();
    assert!(
        received.is_empty(),
        "{} request(s) reached the server",
        received.len()
    );
}

#[cfg(all(
    feature = "cscart",
    feature = "yume",
    feature = "uapay",
    feature = "thulium",
    feature = "solos"
))]
#[tokio::test]
async fn every_refusal_names_the_value_the_rule_and_what_was_given() {
    let mut all = Refusals::default();
    cscart(&mut all).await;
    yume(&mut all).await;
    uapay(&mut all).await;
    thulium(&mut all).await;
    solos(&mut all).await;

    let covered: BTreeSet<String> = all.0.iter().map(|(k, _)| key_of(k)).collect();
    let missing: Vec<String> = spec_constraints()
        .into_iter()
        .filter(|k| !covered.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "constraints without a case: {missing:#?}"
    );

    let text: Vec<String> = all.0.iter().map(|(k, m)| format!("{k}\n  {m}")).collect();
    insta::assert_snapshot!("refusals", text.join("\n"));
}

/// `cscart list_call_requests page (0)` -> `cscart list_call_requests page`.
fn key_of(label: &str) -> String {
    label.split(" (").next().unwrap_or(label).to_string()
}

async fn cscart(all: &mut Refusals) {
    use crm_bindings::cscart::{Client, types};
    let server = open_server().await;
    let c = Client::with_basic_auth(&server.uri(), CSCART_EMAIL, CSCART_API_KEY).unwrap();
    let list = || c.list_call_requests();
    all.param(
        "cscart list_call_requests page (0)",
        list().page(0u64).send().await,
    );
    all.param(
        "cscart list_call_requests items_per_page (0)",
        list().items_per_page(0u64).send().await,
    );
    all.param(
        "cscart list_call_requests sort_by (undocumented)",
        list().sort_by("relevance").send().await,
    );
    all.param(
        "cscart list_call_requests sort_order (undocumented)",
        list().sort_order("random").send().await,
    );
    all.param(
        "cscart list_call_requests status (undocumented)",
        list().status("maybe").send().await,
    );
    all.param(
        "cscart list_call_requests company_id (negative)",
        list().company_id(-1i64).send().await,
    );
    all.param(
        "cscart list_call_requests user_id (negative)",
        list().user_id(-3i32).send().await,
    );
    all.param(
        "cscart list_call_requests order_exists (undocumented)",
        list().order_exists("M").send().await,
    );
    all.param(
        "cscart get_call_request id (0)",
        c.get_call_request().id(0u64).send().await,
    );
    all.param(
        "cscart get_call_request id (missing)",
        c.get_call_request().send().await,
    );
    all.param(
        "cscart update_call_request id (0)",
        c.update_call_request()
            .id(0u64)
            .body(types::CallRequestInput::default())
            .send()
            .await,
    );
    all.param(
        "cscart delete_call_request id (missing)",
        c.delete_call_request().send().await,
    );
    all.param(
        "cscart create_call_request x-crm-required-one-of (neither)",
        c.create_call_request()
            .body(types::CallRequestInput {
                name: Some("Api".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    type Input = types::CallRequestInput;
    all.body::<Input>(
        "cscart CallRequestInput.email",
        json!({ "email": "no-at-sign" }),
    );
    all.body::<Input>("cscart CallRequestInput.user_id", json!({ "user_id": -1 }));
    all.body::<Input>(
        "cscart CallRequestInput.order_id",
        json!({ "order_id": -1 }),
    );
    all.body::<Input>(
        "cscart CallRequestInput.product_id",
        json!({ "product_id": 1.5 }),
    );
    all.body::<Input>(
        "cscart CallRequestInput.timestamp",
        json!({ "timestamp": "soon" }),
    );
    all.body::<Input>(
        "cscart CallRequestInput.status",
        json!({ "status": "maybe" }),
    );
    nothing_sent(&server).await;
}

async fn yume(all: &mut Refusals) {
    use crm_bindings::yume::{Client, types};
    let server = open_server().await;
    let c = Client::with_bearer_token(&server.uri(), YUME_TOKEN).unwrap();
    all.param(
        "yume update_wazzup_trigger id (missing)",
        c.update_wazzup_trigger()
            .body(types::WazzupTriggerRequest::default())
            .send()
            .await,
    );
    all.param(
        "yume partial_update_wazzup_trigger id (beyond i64)",
        c.partial_update_wazzup_trigger()
            .id(u64::MAX)
            .body(types::PatchedWazzupTriggerRequest::default())
            .send()
            .await,
    );
    all.param(
        "yume delete_wazzup_trigger id (missing)",
        c.delete_wazzup_trigger().send().await,
    );
    let long = "x".repeat(256);
    for schema in ["WazzupTriggerRequest", "PatchedWazzupTriggerRequest"] {
        let cases = [
            ("type", json!(7)),
            ("order_status_from", json!("lost")),
            ("order_status_to", json!("")),
            ("order_payment_status_from", json!(3)),
            ("order_payment_status_to", json!(-1)),
            ("sale_status_from", json!(3)),
            ("sale_status_to", json!(9)),
            ("delivery_type", json!(2)),
            ("delivery_status", json!("3")),
            ("order", json!(2_147_483_648i64)),
            ("template_id", json!(long)),
            ("template_keys", json!(["ok", long])),
        ];
        for (field, bad) in cases {
            let key = format!("yume {schema}.{field}");
            let body = json!({ field: bad });
            match schema {
                "WazzupTriggerRequest" => all.body::<types::WazzupTriggerRequest>(&key, body),
                _ => all.body::<types::PatchedWazzupTriggerRequest>(&key, body),
            }
        }
    }
    nothing_sent(&server).await;
}

async fn uapay(all: &mut Refusals) {
    use crm_bindings::uapay::{Client, types};
    let server = open_server().await;
    let c = Client::with_http_config(&server.uri(), &Default::default()).unwrap();
    let update = || c.update_deal().body(types::DealUpdate::default());
    all.param(
        "uapay update_deal dealId (empty)",
        update().deal_id("").send().await,
    );
    all.param(
        "uapay update_deal dealId (..)",
        update().deal_id("..").send().await,
    );
    all.param("uapay update_deal dealId (missing)", update().send().await);
    type Deal = types::DealUpdate;
    all.body::<Deal>(
        "uapay DealUpdate.productWeight",
        json!({ "productWeight": 0 }),
    );
    all.body::<Deal>(
        "uapay DealUpdate.productPrice",
        json!({ "productPrice": 1.5 }),
    );
    // Names: Cyrillic and the apostrophe only, no character three times in a row.
    let names = [
        ("Ivan", "Latin"),
        ("Пеееетров", "repeated"),
        ("Іван-Петро", "hyphen"),
    ];
    for (i, person) in ["seller", "buyer"].iter().enumerate() {
        for part in ["FirstName", "LastName", "Patronymic"] {
            let field = format!("{person}{part}");
            let (bad, why) = names[(i + part.len()) % names.len()];
            all.body::<Deal>(
                &format!("uapay DealUpdate.{field} ({why})"),
                json!({ field: bad }),
            );
        }
        let phone = format!("{person}Phone");
        all.body::<Deal>(
            &format!("uapay DealUpdate.{phone}"),
            json!({ phone: "+380123456789" }),
        );
        let email = format!("{person}Email");
        all.body::<Deal>(
            &format!("uapay DealUpdate.{email}"),
            json!({ email: "petrov.mail.test" }),
        );
    }
    for (i, person) in ["sender", "recipient"].iter().enumerate() {
        for part in ["FirstName", "LastName", "Patronymic"] {
            let field = format!("{person}{part}");
            let (bad, why) = names[(i + part.len()) % names.len()];
            all.body::<Deal>(
                &format!("uapay DealUpdateHandler.{field} ({why})"),
                json!({ "handler": { field: bad } }),
            );
        }
        let phone = format!("{person}Phone");
        all.body::<Deal>(
            &format!("uapay DealUpdateHandler.{phone}"),
            json!({ "handler": { phone: "38012345678" } }),
        );
        let email = format!("{person}Email");
        all.body::<Deal>(
            &format!("uapay DealUpdateHandler.{email}"),
            json!({ "handler": { email: "ivanov@mail" } }),
        );
    }
    nothing_sent(&server).await;
}

async fn thulium(all: &mut Refusals) {
    use crm_bindings::thulium::{Client, types};
    let server = open_server().await;
    let c = Client::with_basic_auth(&server.uri(), THULIUM_USER, THULIUM_PASSWORD).unwrap();
    let update = || {
        c.update_outbound_record()
            .body(types::OutboundRecordUpdate::default())
    };
    all.param(
        "thulium update_outbound_record id (4 characters)",
        update().id("0001").customer_id(441u64).send().await,
    );
    all.param(
        "thulium update_outbound_record id (missing)",
        update().customer_id(441u64).send().await,
    );
    all.param(
        "thulium update_outbound_record customer_id (0)",
        update().id("00001").customer_id(0u64).send().await,
    );
    type Record = types::OutboundRecordUpdate;
    all.body::<Record>(
        "thulium OutboundRecordUpdate.status_id",
        json!({ "status_id": 0 }),
    );
    all.body::<Record>(
        "thulium OutboundRecordUpdate.dictionary_status_id",
        json!({ "dictionary_status_id": -8 }),
    );
    all.body::<Record>(
        "thulium OutboundRecordUpdate.next_call_date",
        json!({ "next_call_date": "24.05.2018 12:24" }),
    );
    nothing_sent(&server).await;
}

async fn solos(all: &mut Refusals) {
    use crm_bindings::solos::{Client, types};
    let server = open_server().await;
    let c = Client::with_keys(&server.uri(), SOLOS_TOKEN, SOLOS_SECRET).unwrap();
    all.param(
        "solos list_projects count (negative)",
        c.list_projects().count(-1i64).send().await,
    );
    all.param(
        "solos list_projects offset (negative)",
        c.list_projects().offset(-1i32).send().await,
    );
    all.param(
        "solos list_projects reverse (undocumented)",
        c.list_projects().reverse("2").send().await,
    );
    all.param(
        "solos list_projects deleted (undocumented)",
        c.list_projects().deleted("all").send().await,
    );
    all.param(
        "solos get_project id (0)",
        c.get_project().id(0u64).send().await,
    );
    all.param(
        "solos get_project_action id (missing)",
        c.get_project_action().send().await,
    );
    all.param(
        "solos list_project_checklists id (0)",
        c.list_project_checklists().id(0u64).send().await,
    );
    all.param(
        "solos list_project_goods id (missing)",
        c.list_project_goods().send().await,
    );
    all.param(
        "solos list_project_steps id (missing)",
        c.list_project_steps().send().await,
    );
    all.typed("solos list_project_steps filter_date", "chrono::NaiveDate");
    all.param(
        "solos list_project_steps filter_steps (commas)",
        c.list_project_steps()
            .id(1u64)
            .filter_steps("1,2")
            .send()
            .await,
    );
    let actions = || c.list_project_actions().id(1u64);
    all.param(
        "solos list_project_actions id (0)",
        c.list_project_actions().id(0u64).send().await,
    );
    all.param(
        "solos list_project_actions count (negative)",
        actions().count(-1i64).send().await,
    );
    all.param(
        "solos list_project_actions offset (negative)",
        actions().offset(-5i64).send().await,
    );
    all.param(
        "solos list_project_actions filter_id (negative)",
        actions().filter_id(-1i64).send().await,
    );
    all.typed(
        "solos list_project_actions filter_date",
        "chrono::NaiveDate",
    );
    all.param(
        "solos list_project_actions filter_actions (leading underscore)",
        actions().filter_actions("_1").send().await,
    );
    let payments = || c.list_project_payments().id(1u64);
    all.param(
        "solos list_project_payments id (missing)",
        c.list_project_payments().send().await,
    );
    all.param(
        "solos list_project_payments count (negative)",
        payments().count(-2i64).send().await,
    );
    all.param(
        "solos list_project_payments offset (negative)",
        payments().offset(-2i64).send().await,
    );
    all.param(
        "solos list_project_payments filter_id (negative)",
        payments().filter_id(-2i64).send().await,
    );
    all.typed(
        "solos list_project_payments filter_date",
        "chrono::NaiveDate",
    );
    all.param(
        "solos list_project_payments filter_type (undocumented)",
        payments().filter_type("2").send().await,
    );
    type Filter = types::ProjectFilter;
    all.body::<Filter>("solos ProjectFilter.count", json!({ "count": -1 }));
    all.body::<Filter>("solos ProjectFilter.offset", json!({ "offset": 1.5 }));
    all.body::<Filter>("solos ProjectFilter.reverse", json!({ "reverse": 0 }));
    all.body::<Filter>("solos ProjectFilter.deleted", json!({ "deleted": "yes" }));
    all.body::<Filter>(
        "solos ProjectFilter.condition",
        json!({ "condition": "AND" }),
    );
    all.body::<Filter>(
        "solos ProjectFilter.having",
        json!({ "having": "sometimes" }),
    );
    all.body::<Filter>(
        "solos ProjectFilterBuiltinData.created",
        json!({ "buildin_data": { "created": "2020-13-01;2020-12-31" } }),
    );
    for field in [
        "sales_funnel_id",
        "step_id",
        "user_id",
        "group_id",
        "currency_id",
        "participants_user_id",
        "participants_group_id",
        "actions_type_id",
        "good_id",
    ] {
        all.body::<Filter>(
            &format!("solos ProjectFilterBuiltinData.{field}"),
            json!({ "buildin_data": { field: [1, -2] } }),
        );
    }
    nothing_sent(&server).await;
}

/// Every constraint the specs state on what a client sends, as case keys:
/// `<api> <operationId> <parameter>` for a required or constrained parameter,
/// `<api> <Schema>.<property>` for a constrained property of a request body, and
/// `<api> <operationId> x-crm-required-one-of`.
fn spec_constraints() -> Vec<String> {
    const KEYWORDS: [&str; 10] = [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "enum",
    ];
    let constrained = |spec: &Value, schema: &Value| {
        let mut schemas = vec![schema.clone()];
        while let Some(s) = schemas.pop() {
            if KEYWORDS.iter().any(|k| s.get(*k).is_some()) {
                return true;
            }
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                schemas.push(spec.pointer(&r[1..]).cloned().unwrap_or_default());
            }
            for nested in s
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                schemas.push(nested.clone());
            }
            if let Some(items) = s.get("items") {
                schemas.push(items.clone());
            }
        }
        false
    };
    let mut out = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let api = path.file_stem().unwrap().to_str().unwrap().to_string();
        let spec: Value =
            serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let resolve = |v: &Value| match v.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(&r[1..]).cloned().unwrap_or_default(),
            None => v.clone(),
        };
        let mut bodies = Vec::new();
        for (_, item) in spec["paths"].as_object().into_iter().flatten() {
            for method in ["get", "put", "post", "delete", "patch"] {
                let Some(op) = item.get(method) else { continue };
                let id = op["operationId"].as_str().unwrap();
                let params = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(item["parameters"].as_array().into_iter().flatten());
                for param in params.map(resolve) {
                    let required = param["required"] == json!(true);
                    if required || constrained(&spec, &param["schema"]) {
                        out.push(format!("{api} {id} {}", param["name"].as_str().unwrap()));
                    }
                }
                if op.get("x-crm-required-one-of").is_some() {
                    out.push(format!("{api} {id} x-crm-required-one-of"));
                }
                if let Some(r) = op.pointer("/requestBody/content/application~1json/schema/$ref") {
                    bodies.push(r.as_str().unwrap().to_string());
                }
            }
        }
        // Request-body schemas and the object schemas they hold.
        let mut seen = BTreeSet::new();
        while let Some(reference) = bodies.pop() {
            if !seen.insert(reference.clone()) {
                continue;
            }
            let name = reference.rsplit('/').next().unwrap().to_string();
            let schema = spec.pointer(&reference[1..]).cloned().unwrap_or_default();
            for (prop, prop_schema) in schema["properties"].as_object().into_iter().flatten() {
                let target = prop_schema.get("$ref").and_then(Value::as_str);
                let is_object = target
                    .and_then(|r| spec.pointer(&r[1..]))
                    .is_some_and(|t| t["type"] == json!("object"));
                if is_object {
                    bodies.push(target.unwrap().to_string());
                } else if constrained(&spec, prop_schema) {
                    out.push(format!("{api} {name}.{prop}"));
                }
            }
        }
    }
    out
}
