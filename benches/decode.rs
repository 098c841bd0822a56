//! Decoding large answers: the generated types against hand-written serde structs that
//! accept the same inputs (`support/reference.rs`), interleaved (`support/interleave.rs`).
//! The lists are the seeds' examples repeated 10,000 times with distinct ids (seed 001's
//! two CS-Cart call requests; the Yume spec's trigger example).
//!
//! `cargo bench --bench decode` (or `cargo xtask bench`, which writes BENCHMARKS.md).

#[path = "support/interleave.rs"]
mod interleave;
#[path = "support/reference.rs"]
mod reference;

use crm_bindings::{cscart, yume};
use serde_json::{Value, json};
use std::hint::black_box;

const ITEMS: usize = 10_000;

/// 10,000 CS-Cart call requests from the seed's two, with ids (and the other counters) as
/// the service sends them (strings), or as numbers.
fn cscart_list(ids_as_numbers: bool) -> Vec<u8> {
    let example = serde_json::to_value(cscart::mock::examples::list_call_requests_response())
        .expect("the example encodes");
    let seed = example["call_requests"].as_array().expect("a list").clone();
    let counters = [
        "company_id",
        "order_id",
        "product_id",
        "timestamp",
        "user_id",
    ];
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let mut item = seed[i % seed.len()].clone();
            item["request_id"] = json!((i + 1).to_string());
            if ids_as_numbers {
                for key in counters.iter().chain(&["request_id"]) {
                    let n: u64 = item[*key].as_str().unwrap().parse().unwrap();
                    item[*key] = json!(n);
                }
            }
            item
        })
        .collect();
    let mut list = example;
    list["call_requests"] = Value::Array(items);
    list["params"]["total_items"] = json!(ITEMS.to_string());
    serde_json::to_vec(&list).unwrap()
}

/// 10,000 Yume triggers from the spec's example, with distinct ids.
fn yume_list() -> Vec<u8> {
    let example = serde_json::to_value(yume::mock::examples::list_wazzup_triggers_response())
        .expect("the example encodes");
    let seed = example[0].clone();
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let mut item = seed.clone();
            item["id"] = json!(i + 1);
            item
        })
        .collect();
    serde_json::to_vec(&items).unwrap()
}

fn main() {
    let rounds = interleave::rounds(30);
    let mut results = Vec::new();

    for (label, numbers) in [("ids as strings", false), ("ids as numbers", true)] {
        let body = cscart_list(numbers);
        // Both decode every item: the comparison is not of two different answers.
        let ours: cscart::types::CallRequestList = serde_json::from_slice(&body).unwrap();
        let theirs: reference::cscart::CallRequestList = serde_json::from_slice(&body).unwrap();
        assert_eq!(ours.call_requests.len(), ITEMS);
        assert_eq!(
            theirs.call_requests[ITEMS - 1].request_id,
            ours.call_requests[ITEMS - 1].request_id
        );
        results.push(interleave::compare(
            &format!("decode 10k CS-Cart call requests, {label}"),
            rounds,
            3,
            || {
                black_box(
                    serde_json::from_slice::<cscart::types::CallRequestList>(black_box(&body))
                        .unwrap(),
                );
            },
            || {
                black_box(
                    serde_json::from_slice::<reference::cscart::CallRequestList>(black_box(&body))
                        .unwrap(),
                );
            },
        ));
    }

    let body = yume_list();
    let ours: yume::types::WazzupTriggerList = serde_json::from_slice(&body).unwrap();
    let theirs: Vec<reference::yume::WazzupTrigger> = serde_json::from_slice(&body).unwrap();
    assert_eq!((ours.len(), theirs.len()), (ITEMS, ITEMS));
    results.push(interleave::compare(
        "decode 10k Yume triggers",
        rounds,
        3,
        || {
            black_box(
                serde_json::from_slice::<yume::types::WazzupTriggerList>(black_box(&body)).unwrap(),
            );
        },
        || {
            black_box(
                serde_json::from_slice::<Vec<reference::yume::WazzupTrigger>>(black_box(&body))
                    .unwrap(),
            );
        },
    ));

    println!("| measure | time vs hand-written serde | interquartile | rounds |");
    println!("|---|---|---|---|");
    for result in &results {
        println!("{}", result.row());
    }
    if std::env::var_os("CRM_BENCH_PROFILE").is_none() {
        interleave::save("decode", &results);
    }
}
