//! Kafka transactions, checked against what Kafka documents: a read_uncommitted consumer reads
//! an aborted transaction's records (and applies their effects), a read_committed one skips
//! them and reads only below the last stable offset, so an open transaction holds back every
//! later record, transactional or not; the coordinator aborts a transaction on
//! `transaction.timeout.ms` and when a restarted producer's new epoch fences the old one; a
//! record that fails for good aborts its transaction. A property test checks over random runs
//! that read_committed never delivers an aborted record nor one of a transaction still open.

use std::collections::BTreeMap;

use crate::common;

use common::{assert_conserved, events, run, scenario_json};
use proptest::prelude::*;
use serde_json::{json, Value};

/// `checkout`, transactional (`txn` as its `transactions`), and `stock`, not, both writing to
/// `orders` (two partitions), read by `billing` with `isolation`.
fn shop(txn: Value, isolation: &str, actions: Value) -> String {
    let nodes = json!([
        {"id": "checkout", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 200}}, "count": 30,
         "event_type": "OrderPlaced", "keys": "order-1..order-30",
         "publish": {"timeout_ms": 1000, "retries": 5, "backoff_ms": 100}, "transactions": txn},
        {"id": "stock", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 500}}, "count": 12, "start_ms": 100,
         "event_type": "StockCounted", "keys": "sku-1..sku-4"},
        {"id": "orders", "kind": "topic", "partitions": 2},
        {"id": "billing", "kind": "consumer", "group": "billing", "auto_offset_reset": "earliest",
         "commit": "record", "effect": "charge card", "isolation_level": isolation,
         "processing": {"fixed": {"ms": 20}}}
    ]);
    let wires = json!([["checkout", "orders"], ["stock", "orders"], ["orders", "billing"]]);
    scenario_json(12_000, nodes, wires, actions)
}

/// For each message name of a transactional producer, the number of the transaction it was
/// sent in (from the `TxnBegun` events: a transaction takes its producer's messages from its
/// first on).
fn txn_of_messages(trace: &[Value]) -> BTreeMap<String, u64> {
    let begun: Vec<(String, u64, u64)> = events(trace, "TxnBegun")
        .iter()
        .map(|e| {
            let (producer, n) = split(e["msg"].as_str().unwrap());
            (producer, n, e["txn"].as_u64().unwrap())
        })
        .collect();
    let mut out = BTreeMap::new();
    for e in events(trace, "Published") {
        let name = e["msg"].as_str().unwrap();
        let (producer, n) = split(name);
        let txn = begun.iter().filter(|(p, first, _)| *p == producer && *first <= n).map(|b| b.2).next_back();
        if let Some(t) = txn {
            out.insert(name.to_string(), t);
        }
    }
    out
}

fn split(name: &str) -> (String, u64) {
    let (p, n) = name.rsplit_once('-').unwrap();
    (p.to_string(), n.parse().unwrap())
}

/// When each transaction (by number) ended, and whether it committed.
fn endings(trace: &[Value]) -> BTreeMap<u64, (u64, bool)> {
    let mut out = BTreeMap::new();
    for (event, committed) in [("TxnCommitted", true), ("TxnAborted", false)] {
        for e in events(trace, event) {
            out.insert(e["txn"].as_u64().unwrap(), (e["t_us"].as_u64().unwrap(), committed));
        }
    }
    out
}

#[test]
fn read_uncommitted_applies_aborted_records_and_read_committed_skips_them() {
    let txn = json!({"records": 3, "abort_every": 4});
    let (_, uncommitted) = run(&shop(txn.clone(), "read_uncommitted", json!([])));
    let (_, committed) = run(&shop(txn, "read_committed", json!([])));
    assert_conserved(&uncommitted);
    assert_conserved(&committed);
    // Transactions 4 and 8 of ten are aborted: six orders.
    assert_eq!(uncommitted.aborted_effects, 6);
    assert_eq!(uncommitted.processed_once, 42);
    assert_eq!(committed.aborted_effects, 0);
    assert_eq!(committed.dropped, 6);
    assert_eq!(committed.processed_once, 36);
    let trace = common::trace_of(&shop(json!({"records": 3, "abort_every": 4}), "read_committed", json!([])));
    assert_eq!(events(&trace, "AbortedSkipped").len(), 6);
    assert_eq!(events(&trace, "TxnAborted").len(), 2);
    assert!(events(&trace, "TxnAborted").iter().all(|e| e["reason"] == "aborted_by_producer"));
    assert_eq!(events(&trace, "TxnCommitted").len(), 8);
}

#[test]
fn an_open_transaction_holds_back_every_later_record_from_read_committed() {
    // checkout crashes at 3.1 s with transaction 6 open and comes back at 5.1 s.
    let crash = json!([{"at_ms": 3100, "crash_producer": {"producer": "checkout", "recover_after_ms": 2000}}]);
    let s = shop(json!({"records": 3}), "read_committed", crash.clone());
    let trace = common::trace_of(&s);
    let aborted = events(&trace, "TxnAborted");
    assert_eq!(aborted.len(), 1, "{aborted:?}");
    assert_eq!(aborted[0]["reason"], "fenced", "the restarted producer's new epoch fences the old one");
    assert_eq!(aborted[0]["t_us"], 5_100_000);
    // The open transaction's first record, and stock's records written after it on the same
    // partition, reach billing only once the transaction is aborted.
    let first = &events(&trace, "Appended").into_iter().find(|e| e["msg"] == aborted[0]["msg"]).unwrap().clone();
    let held: Vec<_> = events(&trace, "Appended")
        .into_iter()
        .filter(|e| e["partition"] == first["partition"] && e["offset"].as_u64() > first["offset"].as_u64())
        .filter(|e| e["t_us"].as_u64().unwrap() < 5_100_000)
        .collect();
    assert!(held.iter().any(|e| e["msg"].as_str().unwrap().starts_with("stock")), "{held:?}");
    for e in &held {
        let fetched = events(&trace, "Fetched").into_iter().find(|f| f["msg"] == e["msg"]).expect("read in the end");
        assert!(fetched["t_us"].as_u64().unwrap() >= 5_100_000, "{fetched} was read past the open transaction");
    }
    // read_uncommitted does not wait: it reads stock's records as they come.
    let trace = common::trace_of(&shop(json!({"records": 3}), "read_uncommitted", crash));
    let late = events(&trace, "Fetched")
        .into_iter()
        .filter(|f| f["msg"].as_str().unwrap().starts_with("stock"))
        .any(|f| (3_200_000..5_100_000).contains(&f["t_us"].as_u64().unwrap()));
    assert!(late, "read_uncommitted reads stock's records while the transaction is open");
}

#[test]
fn the_coordinator_aborts_a_transaction_open_past_its_timeout() {
    let crash = json!([{"at_ms": 3100, "crash_producer": {"producer": "checkout"}}]);
    let s = shop(json!({"records": 3, "timeout_ms": 1500}), "read_committed", crash);
    let trace = common::trace_of(&s);
    let aborted = events(&trace, "TxnAborted");
    assert_eq!(aborted.len(), 1);
    assert_eq!(aborted[0]["reason"], "transaction_timeout");
    // Transaction 6 began at 3.0 s: the coordinator aborts it at 4.5 s.
    assert_eq!(aborted[0]["t_us"], 4_500_000);
    assert_eq!(aborted[0]["records"], 1);
}

#[test]
fn the_action_aborts_the_open_transaction_and_a_failed_record_aborts_its_own() {
    let abort = json!([{"at_ms": 1300, "abort_transaction": {"producer": "checkout"}}]);
    let trace = common::trace_of(&shop(json!({"records": 3}), "read_committed", abort));
    let aborted = events(&trace, "TxnAborted");
    assert_eq!(aborted.len(), 1);
    assert_eq!((aborted[0]["reason"].as_str(), aborted[0]["txn"].as_u64()), (Some("action"), Some(3)));
    // Transaction 3 (from 1.2 s) had one record when it was aborted; the next record begins
    // transaction 4.
    assert_eq!(aborted[0]["records"], 1);
    let begun: Vec<_> = events(&trace, "TxnBegun").iter().map(|e| e["msg"].as_str().unwrap().to_string()).collect();
    assert!(begun.contains(&"checkout-8".to_string()), "{begun:?}");

    // The topic is down from 1.9 s to 4 s and checkout gives up after one retry: the
    // transaction of the record it gave up on cannot commit.
    let outage = json!([{"at_ms": 1900, "outage": {"node": "orders", "duration_ms": 2100}}]);
    let mut v: Value = serde_json::from_str(&shop(json!({"records": 3}), "read_committed", outage)).unwrap();
    v["nodes"][0]["publish"] = json!({"timeout_ms": 300, "retries": 1, "backoff_ms": 100});
    let trace = common::trace_of(&v.to_string());
    let aborted = events(&trace, "TxnAborted");
    assert!(!aborted.is_empty());
    assert!(aborted.iter().all(|e| e["reason"] == "record_failed"), "{aborted:?}");
    let (_, o) = run(&v.to_string());
    assert_conserved(&o);
    assert_eq!(o.aborted_effects, 0);
}

#[test]
fn the_checker_explains_what_transactions_need() {
    let problems = |v: &Value| -> String {
        match broker::load(&v.to_string()) {
            Ok(_) => String::new(),
            Err(p) => format!("{p:?}"),
        }
    };
    let base: Value = serde_json::from_str(&shop(json!({"records": 3}), "read_committed", json!([]))).unwrap();
    // Without publish, Kafka's defaults for a transactional producer's retries apply.
    let mut v = base.clone();
    v["nodes"][0].as_object_mut().unwrap().remove("publish");
    assert_eq!(problems(&v), "");
    let mut v = base.clone();
    v["nodes"][0]["acks"] = json!("1");
    assert!(problems(&v).contains("a transactional producer needs acks \\\"all\\\""), "{}", problems(&v));
    let mut v = base.clone();
    v["nodes"][0]["transactions"]["records"] = json!(0);
    assert!(problems(&v).contains("transactions.records"), "{}", problems(&v));
    let mut v = base.clone();
    v["actions"] = json!([{"at_ms": 10, "abort_transaction": {"producer": "stock"}}]);
    assert!(problems(&v).contains("has no transactions to abort"), "{}", problems(&v));
    let mut v = base.clone();
    v["nodes"][2] = json!({"id": "orders", "kind": "queue"});
    assert!(problems(&v).contains("Kafka transactions write to a topic"), "{}", problems(&v));
    assert!(problems(&v).contains("isolation_level"), "{}", problems(&v));
    assert_eq!(problems(&base), "");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Kafka's read_committed promise: never an aborted transaction's record, and never a
    /// record of a transaction not yet committed; every committed record is read.
    #[test]
    fn read_committed_never_delivers_an_aborted_or_open_record(
        seed in 0u64..1000,
        records in 1u32..6,
        abort_every in proptest::option::of(1u32..5),
        crash in proptest::option::of((500u64..6000, proptest::option::of(100u64..3000))),
        abort_at in proptest::option::of(500u64..6000),
        lost in 0.0f64..0.3,
    ) {
        let mut actions = Vec::new();
        if let Some((at, back)) = crash {
            let mut c = json!({"producer": "checkout"});
            if let Some(b) = back {
                c["recover_after_ms"] = json!(b);
            }
            actions.push(json!({"at_ms": at, "crash_producer": c}));
        }
        if let Some(at) = abort_at {
            actions.push(json!({"at_ms": at, "abort_transaction": {"producer": "checkout"}}));
        }
        let mut txn = json!({"records": records, "timeout_ms": 2000});
        if let Some(n) = abort_every {
            txn["abort_every"] = json!(n);
        }
        let mut v: Value = serde_json::from_str(&shop(txn, "read_committed", Value::Array(actions))).unwrap();
        v["seed"] = json!(seed);
        v["nodes"][0]["arrivals"] = json!({"poisson": {"rate_per_s": 8}});
        v["nodes"][0]["faults"] = json!([{"confirm_lost": {"probability": lost}}]);
        v["nodes"][0]["publish"] = json!({"timeout_ms": 300, "retries": 3, "backoff_ms": 50});
        let s = v.to_string();
        let trace = common::trace_of(&s);
        let txn_of = txn_of_messages(&trace);
        let ended = endings(&trace);
        for f in events(&trace, "Fetched") {
            let Some(t) = txn_of.get(f["msg"].as_str().unwrap()) else { continue };
            let when = f["t_us"].as_u64().unwrap();
            match ended.get(t) {
                Some((at, true)) => prop_assert!(*at <= when, "{} read before its transaction committed: {}", f, s),
                Some((_, false)) => prop_assert!(false, "{} of an aborted transaction was read: {}", f, s),
                None => prop_assert!(false, "{} of a transaction still open was read: {}", f, s),
            }
        }
        let (_, o) = run(&s);
        assert_conserved(&o);
        prop_assert_eq!(o.aborted_effects, 0);
    }
}
