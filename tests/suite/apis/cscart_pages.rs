//! CS-Cart's list as a stream (`ListCallRequests::stream`): every page followed in order with
//! the builder's filters, one request per page and none past the last, errors ending the
//! stream, and no loop or panic whatever `params` says.
//!
//! The call requests are seed 001's (`GET /call_requests`, also
//! `tests/fixtures/cscart/list_call_requests.response.json`, served here through
//! `mock::examples`): #2 Inna and #1 Vladimir, newest first (`sort_by: date`,
//! `sort_order: desc`). Longer lists add #5, #4 and #3, copies of Inna's record with their
//! own `request_id` and a later `timestamp`. Each page has the documented shape: the items
//! and `params` with `items_per_page` and `total_items` as strings and `page` as a number.
#![cfg(feature = "cscart")]

use crm_bindings::cscart::mock::{self, examples};
use crm_bindings::cscart::{Client, Error, types};
use futures_util::StreamExt;
use std::time::Duration;
use wiremock::{MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    let base_url = format!("{}/api/2.0", server.uri());
    Client::with_basic_auth(&base_url, "admin@example.com", "cscart-test-key-9f3b").unwrap()
}

/// Five call requests, newest first: #5, #4, #3 (Inna's record of seed 001 with another id
/// and timestamp), then seed 001's #2 Inna and #1 Vladimir as documented.
fn five_call_requests() -> Vec<types::CallRequest> {
    let documented = examples::list_call_requests_response().call_requests;
    let mut all: Vec<types::CallRequest> = [
        ("5", "1442933190"),
        ("4", "1442933160"),
        ("3", "1442933130"),
    ]
    .into_iter()
    .map(|(id, timestamp)| {
        let mut request = documented[0].clone();
        request.request_id = id.into();
        request.timestamp = timestamp.into();
        request
    })
    .collect();
    all.extend(documented);
    all
}

/// A page in the documented shape (seed 001's `params`, with these counters).
fn page_of(
    items: &[types::CallRequest],
    page: i64,
    items_per_page: &str,
    total_items: &str,
) -> types::CallRequestList {
    let mut list = examples::list_call_requests_response();
    list.call_requests = items.to_vec();
    list.params.page = page;
    list.params.items_per_page = items_per_page.into();
    list.params.total_items = total_items.into();
    list
}

/// The query of every request the server received, each sorted by name.
async fn queries(server: &MockServer) -> Vec<Vec<(String, String)>> {
    let received = server.received_requests().await.unwrap();
    received
        .iter()
        .map(|request| {
            let mut pairs: Vec<(String, String)> = request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.sort();
            pairs
        })
        .collect()
}

fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.sort();
    pairs
}

fn ids(items: &[Result<types::CallRequest, Error>]) -> Vec<&str> {
    items
        .iter()
        .map(|item| item.as_ref().unwrap().request_id.as_str())
        .collect()
}

/// Collects the whole stream, failing the test if it does not end within 10 s.
async fn collect_all(
    stream: impl futures_core::Stream<Item = Result<types::CallRequest, Error>>,
) -> Vec<Result<types::CallRequest, Error>> {
    tokio::time::timeout(Duration::from_secs(10), stream.collect::<Vec<_>>())
        .await
        .expect("the stream ended")
}

#[tokio::test]
async fn three_pages_yield_every_call_request_in_order_with_one_request_each() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    // The first request is the builder as the user built it (no `page`): this mock matches
    // any page, after the two below.
    mock::list_call_requests()
        .status(types::CallRequestStatus::New)
        .items_per_page(2u64)
        .respond(&page_of(&all[0..2], 1, "2", "5"))
        .with_priority(10)
        .expect(1)
        .mount(&server)
        .await;
    for (page, items) in [(2u64, &all[2..4]), (3, &all[4..5])] {
        mock::list_call_requests()
            .status(types::CallRequestStatus::New)
            .items_per_page(2u64)
            .page(page)
            .respond(&page_of(items, page as i64, "2", "5"))
            .expect(1)
            .mount(&server)
            .await;
    }

    let items = collect_all(
        client(&server)
            .list_call_requests()
            .status(types::CallRequestStatus::New)
            .items_per_page(2u64)
            .stream(),
    )
    .await;

    assert_eq!(ids(&items), ["5", "4", "3", "2", "1"]);
    let seed: Vec<types::CallRequest> = examples::list_call_requests_response().call_requests;
    assert_eq!(
        items[3].as_ref().unwrap(),
        &seed[0],
        "seed 001's Inna, as documented"
    );
    assert_eq!(
        items[4].as_ref().unwrap(),
        &seed[1],
        "seed 001's Vladimir, as documented"
    );
    assert_eq!(
        queries(&server).await,
        [
            query(&[("status", "new"), ("items_per_page", "2")]),
            query(&[("status", "new"), ("items_per_page", "2"), ("page", "2")]),
            query(&[("status", "new"), ("items_per_page", "2"), ("page", "3")]),
        ],
        "one request per page, none past the last, the filters on each"
    );
}

#[tokio::test]
async fn every_filter_set_on_the_builder_is_sent_with_every_page() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    mock::list_call_requests()
        .respond(&page_of(&all[0..2], 1, "2", "3"))
        .with_priority(10)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(2u64)
        .respond(&page_of(&all[2..3], 2, "2", "3"))
        .mount(&server)
        .await;

    let items = collect_all(
        client(&server)
            .list_call_requests()
            .items_per_page(2u64)
            .sort_by(types::CallRequestSortBy::OrderStatus)
            .sort_order(types::SortOrder::Asc)
            .status(types::CallRequestStatus::InProgress)
            .name("Vladimir")
            .phone("+7(917)111-11-11")
            .company_id(1u64)
            .order_status("P")
            .user_id(3u64)
            .order_exists(types::OrderExists::N)
            .stream(),
    )
    .await;

    assert_eq!(ids(&items), ["5", "4", "3"]);
    let filters = [
        ("items_per_page", "2"),
        ("sort_by", "order_status"),
        ("sort_order", "asc"),
        ("status", "in_progress"),
        ("name", "Vladimir"),
        ("phone", "+7(917)111-11-11"),
        ("company_id", "1"),
        ("order_status", "P"),
        ("user_id", "3"),
        ("order_exists", "N"),
    ];
    let second: Vec<(&str, &str)> = filters.iter().copied().chain([("page", "2")]).collect();
    assert_eq!(queries(&server).await, [query(&filters), query(&second)]);
}

#[tokio::test]
async fn an_empty_store_ends_after_one_request_with_no_item() {
    let server = MockServer::start().await;
    mock::list_call_requests()
        .respond(&page_of(&[], 1, "10", "0"))
        .expect(1)
        .mount(&server)
        .await;

    let items = collect_all(client(&server).list_call_requests().stream()).await;

    assert!(items.is_empty(), "{items:?}");
    assert_eq!(queries(&server).await, [query(&[])]);
}

#[tokio::test]
async fn a_failing_page_yields_its_error_after_the_items_before_it_and_ends() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    mock::list_call_requests()
        .respond(&page_of(&all[0..2], 1, "2", "5"))
        .with_priority(10)
        .expect(1)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(2u64)
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><body><h1>500 Internal Server Error</h1></body></html>"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(3u64)
        .respond(&page_of(&all[4..5], 3, "2", "5"))
        .expect(0)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut stream = client.list_call_requests().items_per_page(2u64).stream();
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }

    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(ids(&items[..2]), ["5", "4"]);
    let error = items[2].as_ref().unwrap_err();
    assert_eq!(error.operation(), "list_call_requests");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
    let shown = error.to_string();
    assert!(
        shown.starts_with("list_call_requests: HTTP 500 Internal Server Error")
            && shown.contains("<h1>500"),
        "{shown}"
    );
    assert!(
        stream.next().await.is_none(),
        "still ended when polled again"
    );
    assert_eq!(
        queries(&server).await.len(),
        2,
        "nothing asked after the error"
    );
}

#[tokio::test]
async fn a_server_that_ignores_page_is_stopped_by_total_items() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    // Whatever page is asked for: the first full page again, claiming 5 items in all.
    mock::list_call_requests()
        .respond(&page_of(&all[0..2], 1, "2", "5"))
        .mount(&server)
        .await;

    let items = collect_all(
        client(&server)
            .list_call_requests()
            .items_per_page(2u64)
            .stream(),
    )
    .await;

    // ceil(5 / 2) = 3 pages asked for, then the stream ends: the server's repeats are
    // yielded as it sent them.
    assert_eq!(ids(&items), ["5", "4", "5", "4", "5", "4"]);
    let pages: Vec<Option<String>> = queries(&server)
        .await
        .into_iter()
        .map(|q| q.into_iter().find(|(k, _)| k == "page").map(|(_, v)| v))
        .collect();
    assert_eq!(pages, [None, Some("2".into()), Some("3".into())]);
}

#[tokio::test]
async fn a_server_that_ignores_items_per_page_is_stopped_by_the_items_received() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    // Every item on every page while saying the page size is 2: the first page already
    // holds `total_items`.
    mock::list_call_requests()
        .respond(&page_of(&all, 1, "2", "5"))
        .mount(&server)
        .await;

    let items = collect_all(client(&server).list_call_requests().stream()).await;

    assert_eq!(ids(&items), ["5", "4", "3", "2", "1"]);
    assert_eq!(queries(&server).await.len(), 1);
}

#[tokio::test]
async fn creating_the_stream_sends_nothing_and_pages_are_asked_for_when_needed() {
    fn send_unpin<T: Send + Unpin>(_: &T) {}
    let server = MockServer::start().await;
    let all = five_call_requests();
    mock::list_call_requests()
        .respond(&page_of(&all[0..2], 1, "2", "5"))
        .with_priority(10)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(2u64)
        .respond(&page_of(&all[2..4], 2, "2", "5"))
        .mount(&server)
        .await;
    let client = client(&server);

    let mut stream = client.list_call_requests().items_per_page(2u64).stream();
    send_unpin(&stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        queries(&server).await.len(),
        0,
        "nothing sent before polling"
    );

    assert_eq!(stream.next().await.unwrap().unwrap().request_id, "5");
    assert_eq!(stream.next().await.unwrap().unwrap().request_id, "4");
    assert_eq!(queries(&server).await.len(), 1, "page 2 not asked for yet");
    assert_eq!(stream.next().await.unwrap().unwrap().request_id, "3");
    assert_eq!(queries(&server).await.len(), 2);
    drop(stream);

    let unused = client.list_call_requests().stream();
    drop(unused);
    assert_eq!(
        queries(&server).await.len(),
        2,
        "a stream dropped unpolled sent nothing"
    );
}

#[tokio::test]
async fn starting_at_a_later_page_counts_the_pages_before_it() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    mock::list_call_requests()
        .page(2u64)
        .respond(&page_of(&all[2..4], 2, "2", "5"))
        .expect(1)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(3u64)
        .respond(&page_of(&all[4..5], 3, "2", "5"))
        .expect(1)
        .mount(&server)
        .await;

    let items = collect_all(
        client(&server)
            .list_call_requests()
            .page(2u64)
            .items_per_page(2u64)
            .stream(),
    )
    .await;

    assert_eq!(ids(&items), ["3", "2", "1"]);
    assert_eq!(
        queries(&server).await,
        [
            query(&[("items_per_page", "2"), ("page", "2")]),
            query(&[("items_per_page", "2"), ("page", "3")]),
        ]
    );
}

#[tokio::test]
async fn the_store_s_default_page_size_is_asked_for_on_the_following_pages() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    // No `items_per_page` sent: the store applies its global setting, 2 here, and says so.
    mock::list_call_requests()
        .respond(&page_of(&all[0..2], 1, "2", "3"))
        .with_priority(10)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(2u64)
        .respond(&page_of(&all[2..3], 2, "2", "3"))
        .mount(&server)
        .await;

    let items = collect_all(client(&server).list_call_requests().stream()).await;

    assert_eq!(ids(&items), ["5", "4", "3"]);
    assert_eq!(
        queries(&server).await,
        [query(&[]), query(&[("items_per_page", "2"), ("page", "2")])]
    );
}

#[tokio::test]
async fn a_short_page_is_the_last_even_when_total_items_says_more() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    // The store lost three call requests between the pages; `total_items` still says 8.
    mock::list_call_requests()
        .respond(&page_of(&all[0..2], 1, "2", "8"))
        .with_priority(10)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(2u64)
        .respond(&page_of(&all[2..3], 2, "2", "8"))
        .mount(&server)
        .await;

    let items = collect_all(
        client(&server)
            .list_call_requests()
            .items_per_page(2u64)
            .stream(),
    )
    .await;

    assert_eq!(ids(&items), ["5", "4", "3"]);
    assert_eq!(queries(&server).await.len(), 2);
}

#[tokio::test]
async fn counters_sent_as_numbers_or_strings_are_read_alike() {
    let server = MockServer::start().await;
    let all = five_call_requests();
    // `items_per_page` and `total_items` as numbers, `page` as a string: the other forms
    // the spec says the service may send (`x-crm-number-or-string`).
    let mut first = serde_json::to_value(page_of(&all[0..2], 1, "2", "3")).unwrap();
    first["params"]["items_per_page"] = 2.into();
    first["params"]["total_items"] = 3.into();
    first["params"]["page"] = "1".into();
    mock::list_call_requests()
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .with_priority(10)
        .mount(&server)
        .await;
    mock::list_call_requests()
        .page(2u64)
        .respond(&page_of(&all[2..3], 2, "2", "3"))
        .mount(&server)
        .await;

    let items = collect_all(client(&server).list_call_requests().stream()).await;

    assert_eq!(ids(&items), ["5", "4", "3"]);
    assert_eq!(queries(&server).await.len(), 2);
}

#[tokio::test]
async fn params_that_do_not_say_where_the_next_page_is_end_with_an_error_never_a_panic() {
    // (items_per_page, total_items, page) of a full first page of 2 items, and the field the
    // error names.
    let unreadable = [
        ("", "5", 1, "`params.items_per_page` is not a page size"),
        ("0", "5", 1, "`params.items_per_page` is not a page size"),
        ("-2", "5", 1, "`params.items_per_page` is not a page size"),
        ("2.0", "5", 1, "`params.items_per_page` is not a page size"),
        ("2", "", 1, "`params.total_items` is not a whole number"),
        ("2", "many", 1, "`params.total_items` is not a whole number"),
        ("2", "-1", 1, "`params.total_items` is not a whole number"),
        (
            "2",
            "18446744073709551616",
            1,
            "`params.total_items` is not a whole number",
        ),
        ("2", "5", 0, "`params.page` is not a page number (got 0)"),
        ("2", "5", -3, "`params.page` is not a page number (got -3)"),
    ];
    let all = five_call_requests();
    for (items_per_page, total_items, page, field) in unreadable {
        let server = MockServer::start().await;
        mock::list_call_requests()
            .respond(&page_of(&all[0..2], page, items_per_page, total_items))
            .mount(&server)
            .await;

        let items = collect_all(client(&server).list_call_requests().stream()).await;

        let case = format!("{items_per_page:?} {total_items:?} {page}");
        assert_eq!(items.len(), 3, "{case}: {items:?}");
        assert_eq!(ids(&items[..2]), ["5", "4"], "{case}");
        let error = items[2].as_ref().unwrap_err();
        assert!(
            matches!(error, Error::InvalidResponse(_)),
            "{case}: {error:?}"
        );
        assert_eq!(error.operation(), "list_call_requests");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        let shown = error.to_string();
        assert!(
            shown.contains(&format!(
                "{field} in the answer to the first page asked for, so the next page cannot be found"
            )),
            "{case}: {shown}"
        );
        assert_eq!(queries(&server).await.len(), 1, "{case}");
    }

    // Counters that are odd but still decide: one request, no error.
    let decided = [
        // a page size larger than the page: the last page
        ("18446744073709551615", "5", 1),
        // a page so far that its position passes any total
        ("2", "5", i64::MAX),
        // a total the page already reaches
        ("2", "0", 1),
        ("2", " 2 ", 1),
    ];
    for (items_per_page, total_items, page) in decided {
        let server = MockServer::start().await;
        mock::list_call_requests()
            .respond(&page_of(&all[0..2], page, items_per_page, total_items))
            .mount(&server)
            .await;

        let items = collect_all(client(&server).list_call_requests().stream()).await;

        let case = format!("{items_per_page:?} {total_items:?} {page}");
        assert_eq!(ids(&items), ["5", "4"], "{case}");
        assert_eq!(queries(&server).await.len(), 1, "{case}");
    }

    // An empty page ends the stream whatever its counters say.
    let server = MockServer::start().await;
    mock::list_call_requests()
        .respond(&page_of(&[], -1, "", "many"))
        .mount(&server)
        .await;
    let items = collect_all(client(&server).list_call_requests().stream()).await;
    assert!(items.is_empty(), "{items:?}");
}

#[tokio::test]
async fn a_refused_parameter_is_the_only_item_and_nothing_is_sent() {
    let server = MockServer::start().await;
    mock::list_call_requests()
        .respond_example()
        .expect(0)
        .mount(&server)
        .await;

    let items = collect_all(
        client(&server)
            .list_call_requests()
            .items_per_page(0u64)
            .stream(),
    )
    .await;

    assert_eq!(items.len(), 1, "{items:?}");
    let error = items[0].as_ref().unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "list_call_requests: items_per_page must be at least 1 (got 0); nothing was sent"
    );
}

// ---------------------------------------------------------------------------------------
// Every total, page size and first page: a property.

/// A store of `total` call requests answering `GET /call_requests` as the service does: the
/// page asked for (`page`, 1 when not sent) of `items_per_page` items (the store's own
/// setting when not sent), with `params` saying which page, what page size and how many in
/// all. It records the query of every request. The call requests are seed 001's Inna record
/// with their own `request_id` (`total` down to 1, newest first); the counters are the
/// property's.
struct Store {
    state: std::sync::Mutex<StoreState>,
}

#[derive(Default)]
struct StoreState {
    total: u64,
    /// The store's page size, used when a request sends none.
    default_per_page: u64,
    /// The query of every request received, sorted by name.
    asked: Vec<Vec<(String, String)>>,
}

impl Store {
    /// The id of the item at `index` (0 is the newest).
    fn id(total: u64, index: u64) -> String {
        (total - index).to_string()
    }
}

impl wiremock::Respond for Store {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        let mut pairs: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        let number = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.parse::<u64>().expect("a page number or size"))
        };
        let page = number("page").unwrap_or(1);
        let per_page = number("items_per_page").unwrap_or(state.default_per_page);
        let total = state.total;
        state.asked.push(pairs);
        let template = examples::list_call_requests_response().call_requests[0].clone();
        let start = (page - 1).saturating_mul(per_page).min(total);
        let end = start.saturating_add(per_page).min(total);
        let items: Vec<types::CallRequest> = (start..end)
            .map(|index| {
                let mut item = template.clone();
                item.request_id = Store::id(total, index);
                item
            })
            .collect();
        let list = page_of(
            &items,
            page as i64,
            &per_page.to_string(),
            &total.to_string(),
        );
        ResponseTemplate::new(200).set_body_json(list)
    }
}

/// One case of the property.
#[derive(Debug, Clone)]
struct PagingCase {
    /// Items on a page: the store's setting, or the one the builder sends.
    per_page: u64,
    /// How many call requests the store holds: 0, 1, a multiple of the page size or one
    /// either side of it.
    total: u64,
    /// Whether the builder sets `items_per_page` (else the store's setting applies).
    sets_page_size: bool,
    /// The builder's `page`, if set: before, on or past the last page.
    first_page: Option<u64>,
}

fn paging_cases() -> impl proptest::strategy::Strategy<Value = PagingCase> {
    use proptest::prelude::*;
    let total = |per_page: u64| {
        prop_oneof![
            1 => Just(0u64),
            1 => Just(1u64),
            // A multiple of the page size (0 to 5 full pages), or one either side of it.
            6 => (0u64..=5, prop_oneof![2 => Just(0i64), 1 => Just(-1i64), 1 => Just(1i64)])
                .prop_map(move |(pages, delta)| {
                    (pages * per_page).saturating_add_signed(delta)
                }),
        ]
    };
    (1u64..=6)
        .prop_flat_map(move |per_page| (Just(per_page), total(per_page)))
        .prop_flat_map(|(per_page, total)| {
            // Any page from the first to the one past the last, or none set.
            let last = total.div_ceil(per_page);
            (
                Just(per_page),
                Just(total),
                any::<bool>(),
                proptest::option::of(1u64..=last + 1),
            )
        })
        .prop_map(|(per_page, total, sets_page_size, first_page)| PagingCase {
            per_page,
            total,
            sets_page_size,
            first_page,
        })
}

/// The stream of `case` against `store`: every item exactly once, in order, from the first
/// page asked for; exactly the pages that exist from there (one request when there is none),
/// each with the builder's page size or the store's.
async fn check_paging(
    client: &Client,
    store: &Store,
    case: &PagingCase,
) -> Result<(), proptest::test_runner::TestCaseError> {
    use proptest::prop_assert_eq;
    {
        let mut state = store.state.lock().unwrap();
        state.total = case.total;
        state.default_per_page = case.per_page;
        state.asked.clear();
    }
    let mut builder = client.list_call_requests();
    if case.sets_page_size {
        builder = builder.items_per_page(case.per_page);
    }
    if let Some(page) = case.first_page {
        builder = builder.page(page);
    }
    let items = collect_all(builder.stream()).await;
    let yielded: Vec<String> = items
        .iter()
        .map(|item| match item {
            Ok(item) => item.request_id.clone(),
            Err(error) => format!("error: {error}"),
        })
        .collect();

    let (total, per_page) = (case.total, case.per_page);
    let pages = total.div_ceil(per_page);
    let first = case.first_page.unwrap_or(1);
    let expected: Vec<String> = ((first - 1) * per_page..total)
        .map(|index| Store::id(total, index))
        .collect();
    prop_assert_eq!(&yielded, &expected, "the items");

    // The pages asked for: the first as the user built it, then each following one that
    // exists with the page size the first answer reported; none past the last.
    let mut first_query: Vec<(&str, String)> = Vec::new();
    if case.sets_page_size {
        first_query.push(("items_per_page", per_page.to_string()));
    }
    if let Some(page) = case.first_page {
        first_query.push(("page", page.to_string()));
    }
    let mut expected_pages = vec![query(
        &first_query
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )];
    for page in first + 1..=pages {
        expected_pages.push(query(&[
            ("items_per_page", &per_page.to_string()),
            ("page", &page.to_string()),
        ]));
    }
    let asked = store.state.lock().unwrap().asked.clone();
    prop_assert_eq!(asked, expected_pages, "the requests");
    Ok(())
}

/// The stream against a store of every size (proptest; a fixed seed, so every run checks
/// the same 96 cases): totals of 0, 1, multiples of the page size and one either side of
/// them, page sizes 1 to 6, starting on the first page (set or not), a later one or one past
/// the end. A stream that ended a page early or asked for one page too many when the last
/// page is full (`total_items` a multiple of the page size) fails here, shrunk to its
/// smallest case.
#[test]
fn every_item_once_and_exactly_the_pages_that_exist_for_any_total() {
    use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = std::sync::Arc::new(Store {
        state: Default::default(),
    });
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        let shared = store.clone();
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(move |request: &wiremock::Request| {
                wiremock::Respond::respond(&*shared, request)
            })
            .mount(&server)
            .await;
        server
    });
    let client = client(&server);

    let config = Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[27; 32]));
    // Cases of several pages whose last page is full, started on or before the last page:
    // the boundary this property is for must be among the cases run.
    let full_last_pages = AtomicUsize::new(0);
    let result = runner.run(&paging_cases(), |case| {
        let pages = case.total.div_ceil(case.per_page);
        if pages >= 2 && case.total % case.per_page == 0 && case.first_page.unwrap_or(1) < pages {
            full_last_pages.fetch_add(1, Ordering::Relaxed);
        }
        runtime.block_on(check_paging(&client, &store, &case))
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, case)) => panic!("{why}\nthe smallest failing case: {case:?}"),
        Err(other) => panic!("{other}"),
    }
    let full_last_pages = full_last_pages.load(Ordering::Relaxed);
    assert!(
        full_last_pages >= 5,
        "only {full_last_pages} cases of several pages with a full last page"
    );
}
