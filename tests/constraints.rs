//! Nothing invalid leaves the client: every documented constraint of every API (required,
//! range, length, pattern, enum, "email or phone", fields allowed by status) refuses a bad
//! value with a message naming the field, and the mock server receives zero requests.
//!
//! Parameters are refused by the operation builders when `send()` runs; body fields cannot
//! even be built with a bad value (validated types), and `crm_bindings::from_json` names the
//! field of a body decoded from JSON.

mod support;

use crm_bindings::{Error, HttpConfig, from_json};
use serde_json::json;
use support::operations::*;
use wiremock::MockServer;

/// Sends `call` to a server that would accept anything; it must be refused before sending
/// with a message naming `field`.
async fn refused_before_sending<T, E: std::fmt::Debug, F>(field: &str, call: F)
where
    F: AsyncFnOnce(String) -> Result<T, Error<E>>,
{
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let err = match call(server.uri()).await {
        Ok(_) => panic!("{field}: a bad value was accepted"),
        Err(err) => err,
    };
    let Error::InvalidRequest { message, .. } = &err else {
        panic!("{field}: expected InvalidRequest, got {err:?}");
    };
    assert!(
        message.contains(field),
        "{field}: the message names it: {message}"
    );
    assert!(err.to_string().contains(field), "{err}");
    let received = server.received_requests().await.unwrap();
    assert!(
        received.is_empty(),
        "{field}: {} request(s) reached the server",
        received.len()
    );
}

/// Decoding `body` into `T` is refused, naming `path`.
fn refused_in_body<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    path: &str,
    body: serde_json::Value,
) {
    match from_json::<T>(body.clone()) {
        Ok(value) => panic!("{path}: accepted {body} as {value:?}"),
        Err(err) => assert_eq!(err.path, path, "{body}: {err}"),
    }
}

#[cfg(feature = "cscart")]
mod cscart {
    use super::*;
    use crm_bindings::cscart::{Client, types};

    fn client(base: &str) -> Client {
        Client::with_basic_auth(base, CSCART_EMAIL, CSCART_API_KEY).unwrap()
    }

    #[tokio::test]
    async fn parameters_out_of_range_or_missing() {
        refused_before_sending("page", async |b| {
            client(&b).list_call_requests().page(0u64).send().await
        })
        .await;
        refused_before_sending("items_per_page", async |b| {
            client(&b)
                .list_call_requests()
                .items_per_page(0u64)
                .send()
                .await
        })
        .await;
        refused_before_sending("id", async |b| {
            client(&b).get_call_request().id(0u64).send().await
        })
        .await;
        refused_before_sending("id", async |b| client(&b).get_call_request().send().await).await;
        refused_before_sending("id", async |b| {
            client(&b).delete_call_request().id(0u64).send().await
        })
        .await;
    }

    #[tokio::test]
    async fn create_needs_email_or_phone() {
        for field in ["email", "phone"] {
            refused_before_sending(field, async |b| {
                client(&b)
                    .create_call_request()
                    .body(types::CallRequestInput {
                        name: Some("Api".into()),
                        ..Default::default()
                    })
                    .send()
                    .await
            })
            .await;
        }
    }

    #[test]
    fn body_fields() {
        refused_in_body::<types::CallRequestInput>(
            "status",
            json!({"phone": "1", "status": "maybe"}),
        );
        refused_in_body::<types::CallRequestInput>("user_id", json!({"phone": "1", "user_id": -1}));
        refused_in_body::<types::CallRequestInput>(
            "timestamp",
            json!({"phone": "1", "timestamp": "soon"}),
        );
    }
}

#[cfg(feature = "yume")]
mod yume {
    use super::*;
    use crm_bindings::yume::types;

    #[test]
    fn body_fields() {
        let long = "x".repeat(256);
        refused_in_body::<types::WazzupTriggerRequest>("template_id", json!({"template_id": long}));
        refused_in_body::<types::WazzupTriggerRequest>(
            "template_keys[1]",
            json!({"template_keys": ["ok", long]}),
        );
        refused_in_body::<types::WazzupTriggerRequest>("type", json!({"type": 7}));
        refused_in_body::<types::WazzupTriggerRequest>(
            "order_status_to",
            json!({"order_status_to": "lost"}),
        );
        refused_in_body::<types::WazzupTriggerRequest>(
            "delivery_status",
            json!({"delivery_status": 4}),
        );
        refused_in_body::<types::PatchedWazzupTriggerRequest>(
            "order",
            json!({"order": 2_147_483_648i64}),
        );
        let at_limit = "x".repeat(255);
        assert!(from_json::<types::WazzupTriggerRequest>(json!({"template_id": at_limit})).is_ok());
    }

    #[tokio::test]
    async fn the_path_id_is_required() {
        refused_before_sending("id", async |b| {
            crm_bindings::yume::Client::with_bearer_token(&b, YUME_TOKEN)
                .unwrap()
                .delete_wazzup_trigger()
                .send()
                .await
        })
        .await;
    }
}

#[cfg(feature = "uapay")]
mod uapay {
    use super::*;
    use crm_bindings::uapay::{Client, DealStatus, types};

    #[test]
    fn body_fields() {
        refused_in_body::<types::DealUpdate>("sellerFirstName", json!({"sellerFirstName": "Ivan"}));
        refused_in_body::<types::DealUpdate>(
            "buyerLastName",
            json!({"buyerLastName": "Пеееетров"}),
        );
        refused_in_body::<types::DealUpdate>(
            "handler.senderPhone",
            json!({"handler": {"senderPhone": "+380987654321"}}),
        );
        refused_in_body::<types::DealUpdate>(
            "buyerEmail",
            json!({"buyerEmail": "petrov.mail.test"}),
        );
        refused_in_body::<types::DealUpdate>("productPrice", json!({"productPrice": 0}));
        refused_in_body::<types::DealUpdate>("productWeight", json!({"productWeight": 1.5}));
        assert!(from_json::<types::DealUpdate>(json!({"sellerFirstName": "Мар'яна"})).is_ok());
    }

    #[tokio::test]
    async fn the_deal_id_cannot_change_the_path() {
        for bad in ["", ".", ".."] {
            refused_before_sending("deal_id", async |b| {
                Client::with_http_config(&b, &HttpConfig::default())
                    .unwrap()
                    .update_deal()
                    .deal_id(bad)
                    .body(types::DealUpdate::default())
                    .send()
                    .await
            })
            .await;
        }
    }

    #[test]
    fn fields_not_allowed_in_the_deals_status_are_named() {
        let update: types::DealUpdate =
            from_json(json!({"productPrice": 100000, "sellerPhone": "380123456789"})).unwrap();
        let err = update.check_allowed(DealStatus::Paid).unwrap_err();
        assert_eq!(err.fields, ["productPrice"]);
        assert!(err.to_string().contains("productPrice"), "{err}");
        assert!(update.check_allowed(DealStatus::New).is_ok());
    }
}

#[cfg(feature = "thulium")]
mod thulium {
    use super::*;
    use crm_bindings::thulium::{Client, types};

    fn client(base: &str) -> Client {
        Client::with_basic_auth(base, THULIUM_USER, THULIUM_PASSWORD).unwrap()
    }

    #[tokio::test]
    async fn path_parameters() {
        refused_before_sending("id", async |b| {
            client(&b)
                .update_outbound_record()
                .id("0001")
                .customer_id(441u64)
                .body(types::OutboundRecordUpdate::default())
                .send()
                .await
        })
        .await;
        refused_before_sending("customer_id", async |b| {
            client(&b)
                .update_outbound_record()
                .id("00001")
                .customer_id(0u64)
                .body(types::OutboundRecordUpdate::default())
                .send()
                .await
        })
        .await;
    }

    #[test]
    fn body_fields() {
        refused_in_body::<types::OutboundRecordUpdate>(
            "next_call_date",
            json!({"next_call_date": "24.05.2018 12:24"}),
        );
        refused_in_body::<types::OutboundRecordUpdate>("status_id", json!({"status_id": 0}));
        refused_in_body::<types::OutboundRecordUpdate>(
            "dictionary_status_id",
            json!({"dictionary_status_id": -8}),
        );
    }
}

#[cfg(feature = "solos")]
mod solos {
    use super::*;
    use crm_bindings::solos::{Client, types};

    fn client(base: &str) -> Client {
        Client::with_keys(base, SOLOS_TOKEN, SOLOS_SECRET).unwrap()
    }

    #[tokio::test]
    async fn query_parameters() {
        refused_before_sending("id", async |b| {
            client(&b).get_project().id(0u64).send().await
        })
        .await;
        refused_before_sending("id", async |b| client(&b).list_project_goods().send().await).await;
        refused_before_sending("filter_steps", async |b| {
            client(&b)
                .list_project_steps()
                .id(1u64)
                .filter_steps("1,2")
                .send()
                .await
        })
        .await;
        refused_before_sending("filter_actions", async |b| {
            client(&b)
                .list_project_actions()
                .id(1u64)
                .filter_actions("_1")
                .send()
                .await
        })
        .await;
        refused_before_sending("reverse", async |b| {
            client(&b).list_projects().reverse("2").send().await
        })
        .await;
    }

    #[test]
    fn body_fields() {
        refused_in_body::<types::ProjectFilter>(
            "buildin_data.created",
            json!({"buildin_data": {"created": "2020-13-01;2020-12-31"}}),
        );
        refused_in_body::<types::ProjectFilter>("reverse", json!({"reverse": "2"}));
        refused_in_body::<types::ProjectFilter>("having", json!({"having": "everything"}));
        refused_in_body::<types::ProjectFilter>("count", json!({"count": -1}));
    }
}
