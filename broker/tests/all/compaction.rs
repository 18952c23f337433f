//! Compacted topics, checked against what Kafka documents: the cleaner keeps the latest record
//! of each key with its offset, readers skip the gaps in order, the active segment and records
//! younger than `min.compaction.lag.ms` are never cleaned, a tombstone stays for
//! `delete.retention.ms` once reached and then goes, a group further behind misses the delete,
//! and a compacted topic refuses unkeyed records without the producer retrying. The checker's
//! messages for bad settings, and a property test against a naive model of compaction.

use crate::common;

use common::{assert_conserved, events, run, scenario_json};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A producer `p` publishing `count` records over `keys` every `every_ms`, with `tombstones`;
/// a compacted topic `t` with `topic` settings added; a consumer `c` in group `g` starting at
/// `start_ms` (none if `None`).
fn compacted(count: u64, keys: Value, every_ms: u64, tombstones: Value, topic: Value, start_ms: Option<u64>) -> String {
    let mut t = json!({"id": "t", "kind": "topic", "cleanup_policy": "compact", "segment_ms": 1000,
        "cleaner_backoff_ms": 500, "delete_retention_ms": 3000});
    for (k, v) in topic.as_object().expect("an object") {
        t[k] = v.clone();
    }
    let mut nodes = vec![
        json!({"id": "p", "kind": "producer", "count": count, "arrivals": {"fixed": {"interval_ms": every_ms}},
            "keys": keys, "tombstones": tombstones}),
        t,
    ];
    let mut wires = vec![json!(["p", "t"])];
    if let Some(start) = start_ms {
        nodes.push(json!({"id": "c", "kind": "consumer", "group": "g", "auto_offset_reset": "earliest",
            "commit": "record", "start_ms": start, "processing": {"fixed": {"ms": 1}}}));
        wires.push(json!(["t", "c"]));
    }
    scenario_json(20_000, Value::Array(nodes), Value::Array(wires), json!([]))
}

/// Each appended record: (offset, message, key) in offset order (one partition).
fn appended(trace: &[Value]) -> Vec<(u64, String, String)> {
    events(trace, "Appended")
        .iter()
        .map(|e| (e["offset"].as_u64().unwrap(), e["msg"].as_str().unwrap().to_string(), String::new()))
        .collect()
}

fn offsets(trace: &[Value], event: &str) -> Vec<u64> {
    events(trace, event).iter().map(|e| e["offset"].as_u64().unwrap()).collect()
}

#[test]
fn a_reader_from_the_start_reads_the_latest_record_of_each_key_in_offset_order() {
    // 3 keys, 12 records: a-b-c a-b-c ...; the consumer starts long after the cleaner's passes.
    let s = compacted(12, json!(["a", "b", "c"]), 100, json!([]), json!({}), Some(5000));
    let trace = common::trace_of(&s);
    let (_, o) = run(&s);
    assert_conserved(&o);
    assert_eq!(appended(&trace).len(), 12);
    let removed = offsets(&trace, "Compacted");
    assert_eq!(removed, (0..9).collect::<Vec<u64>>(), "every record but the last of each key, in offset order");
    let read: Vec<u64> = events(&trace, "Fetched").iter().map(|e| e["offset"].as_u64().unwrap()).collect();
    assert_eq!(read, vec![9, 10, 11], "the gaps are skipped and the order kept");
    assert_eq!((o.dropped, o.processed_once), (9, 3));
    let dropped = events(&trace, "Dropped");
    assert!(dropped.iter().all(|e| e["reason"] == "compacted"), "{dropped:?}");
    assert!(o.verdict.iter().any(|l| l.contains("replaced by a newer value for its key")), "{:?}", o.verdict);
}

#[test]
fn the_active_segment_and_records_younger_than_the_lag_are_not_compacted() {
    // A segment longer than the run: everything stays in the active segment.
    let s = compacted(12, json!(["a", "b", "c"]), 100, json!([]), json!({"segment_ms": 60_000}), None);
    assert!(events(&common::trace_of(&s), "Compacted").is_empty());
    // Kafka's default segment.ms is a week: nothing is ever cleaned in a run.
    let mut v: Value = serde_json::from_str(&s).unwrap();
    v["nodes"][1].as_object_mut().unwrap().remove("segment_ms");
    assert!(events(&common::trace_of(&v.to_string()), "Compacted").is_empty());
    // min.compaction.lag.ms of 15 s: the records (at 0 to 1.1 s) are cleaned only from 15 s on.
    let s = compacted(12, json!(["a", "b", "c"]), 100, json!([]), json!({"min_compaction_lag_ms": 15_000}), None);
    let trace = common::trace_of(&s);
    let times: Vec<u64> = events(&trace, "Compacted").iter().map(|e| e["t_us"].as_u64().unwrap()).collect();
    assert_eq!(times.len(), 9);
    assert!(times.iter().all(|&t| t >= 15_000_000), "{times:?}");
    // The active segment: at the pass at 1 s the records of [1 s, 2 s) are not cleaned yet.
    let s = compacted(20, json!(["a", "b"]), 100, json!([]), json!({"cleaner_backoff_ms": 1000}), None);
    let trace = common::trace_of(&s);
    let first: Vec<u64> = events(&trace, "Compacted")
        .iter()
        .filter(|e| e["t_us"] == 1_000_000)
        .map(|e| e["offset"].as_u64().unwrap())
        .collect();
    // Records at 0..900 ms are offsets 0..9; at 1 s the last of a (8) and of b (9) stay.
    assert_eq!(first, (0..8).collect::<Vec<u64>>());
}

#[test]
fn a_tombstone_stays_for_delete_retention_after_the_cleaner_reaches_it_then_goes() {
    // b's second record (at 400 ms, offset 4... b is every other record) is a tombstone.
    let s = compacted(6, json!(["a", "b"]), 100, json!([{"key": "b", "at_ms": 200}]), json!({}), None);
    let trace = common::trace_of(&s);
    // Records at 0..500 ms: a0 b1 a2 b3(tombstone) a4 b5. The pass at 1 s (the segment of
    // [0, 1 s) is no longer active) removes a0 b1 a2 b3; b5 later supersedes the tombstone.
    let published = events(&trace, "Published");
    assert_eq!(published.len(), 6);
    let removed = offsets(&trace, "Compacted");
    assert_eq!(removed, vec![0, 1, 2, 3]);
    assert!(events(&trace, "TombstoneRemoved").is_empty(), "a later value replaced the tombstone");

    // Now the tombstone is b's last record: it stays 3 s after the pass at 1 s, and goes at 4 s.
    let s = compacted(4, json!(["a", "b"]), 100, json!([{"key": "b", "at_ms": 200}]), json!({}), None);
    let trace = common::trace_of(&s);
    assert_eq!(offsets(&trace, "Compacted"), vec![0, 1]);
    let gone = events(&trace, "TombstoneRemoved");
    assert_eq!(gone.len(), 1);
    assert_eq!((gone[0]["offset"].as_u64(), gone[0]["t_us"].as_u64()), (Some(3), Some(4_000_000)));
    // A reader that starts before it goes sees the delete; one that starts after does not.
    let (_, early) =
        run(&compacted(4, json!(["a", "b"]), 100, json!([{"key": "b", "at_ms": 200}]), json!({}), Some(2000)));
    assert_eq!((early.processed_once, early.missed_deletes), (2, 0));
    let (_, late) =
        run(&compacted(4, json!(["a", "b"]), 100, json!([{"key": "b", "at_ms": 200}]), json!({}), Some(6000)));
    assert_eq!((late.processed_once, late.dropped, late.missed_deletes), (1, 3, 0), "it never had b: nothing missed");
    let dropped = events(
        &common::trace_of(&compacted(
            4,
            json!(["a", "b"]),
            100,
            json!([{"key": "b", "at_ms": 200}]),
            json!({}),
            Some(6000),
        )),
        "Dropped",
    )
    .iter()
    .filter(|e| e["reason"] == "tombstone_removed")
    .count();
    assert_eq!(dropped, 1);
}

#[test]
fn a_group_that_read_a_value_and_missed_its_delete_still_shows_the_value() {
    let o = common::run_named("compaction-slow-reader");
    assert_conserved(&o);
    assert_eq!(o.missed_deletes, 1);
    assert!(o.verdict.iter().any(|l| l.contains("missed the delete of 1 key on prices: fig")), "{:?}", o.verdict);
    let table = common::run_named("compaction-table");
    assert_eq!(table.missed_deletes, 0);
}

#[test]
fn a_compacted_topic_refuses_unkeyed_records_and_the_producer_does_not_retry() {
    let s = scenario_json(
        5000,
        json!([
            {"id": "p", "kind": "producer", "count": 3, "arrivals": {"fixed": {"interval_ms": 100}},
             "publish": {"timeout_ms": 500, "retries": 5, "backoff_ms": 100}},
            {"id": "t", "kind": "topic", "cleanup_policy": "compact"},
            {"id": "c", "kind": "consumer", "group": "g"}
        ]),
        json!([["p", "t"], ["t", "c"]]),
        json!([]),
    );
    let trace = common::trace_of(&s);
    let (_, o) = run(&s);
    assert_conserved(&o);
    assert_eq!(o.lost, 3);
    assert_eq!(o.publish_retries, 0, "an invalid record is not retried");
    let failed = events(&trace, "PublishFailed");
    assert_eq!(failed.len(), 3);
    assert!(failed.iter().all(|e| e["reason"] == "compacted_topic_requires_key"));
    assert!(events(&trace, "Appended").is_empty());
    assert!(
        o.verdict.iter().any(|l| l.contains("a compacted topic refused it because it had no key")),
        "{:?}",
        o.verdict
    );
    // Without publisher confirms the producer never hears of it; the record is lost the same.
    let mut v: Value = serde_json::from_str(&s).unwrap();
    v["nodes"][0].as_object_mut().unwrap().remove("publish");
    let (_, o) = run(&v.to_string());
    assert_eq!(o.lost, 3);
}

fn problems(s: &str) -> Vec<String> {
    match broker::load(s) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn the_checker_explains_bad_compaction_settings() {
    let with = |topic: Value, tombstones: Value| compacted(4, json!(["a", "b"]), 100, tombstones, topic, None);
    let p = problems(&with(json!({"delete_retention_ms": -1}), json!([])));
    assert!(p.iter().any(|p| p.contains("delete_retention_ms") && p.contains("must not be negative")), "{p:?}");
    let p = problems(&with(json!({"segment_ms": 0, "cleaner_backoff_ms": 100_000_000}), json!([])));
    assert!(p.iter().any(|p| p.contains("segment_ms") && p.contains("at least 1")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("cleaner_backoff_ms") && p.contains("at most 86400000 ms")), "{p:?}");
    let p = problems(&with(json!({"min_compaction_lag_ms": 1e20}), json!([])));
    assert!(!p.is_empty());
    let p = problems(&with(json!({"cleanup_policy": "delete"}), json!([])));
    assert!(p.iter().any(|p| p.contains("segment_ms") && p.contains("this topic is not compacted")), "{p:?}");
    let p = problems(&with(json!({"retention_ms": 1000}), json!([])));
    assert!(p.iter().any(|p| p.contains("retention_ms") && p.contains("\"compact,delete\"")), "{p:?}");
    assert!(problems(&with(json!({"retention_ms": 1000, "cleanup_policy": "compact,delete"}), json!([]))).is_empty());
    let p = problems(&with(json!({"cleanup_policy": "compacted"}), json!([])));
    assert!(p.iter().any(|p| p.contains("cleanup_policy") && p.contains("compact,delete")), "{p:?}");
    let p = problems(&with(json!({}), json!([{"key": "z", "at_ms": 0}])));
    assert!(
        p.iter().any(|p| p.contains("tombstones[0].key") && p.contains("not one of this producer's keys")),
        "{p:?}"
    );
    let p = problems(&with(json!({}), json!([{"key": "a", "at_ms": -5}])));
    assert!(p.iter().any(|p| p.contains("tombstones[0].at_ms")), "{p:?}");
    let many: Vec<Value> = (0..1001).map(|_| json!({"key": "a"})).collect();
    let p = problems(&with(json!({}), json!(many)));
    assert!(p.iter().any(|p| p.contains("lists 1001 deletes; the most is 1000")), "{p:?}");
    // Tombstones on a topic that is not compacted would delete nothing: refused, with why.
    let mut v: Value = serde_json::from_str(&with(json!({}), json!([{"key": "a"}]))).unwrap();
    v["nodes"][1] = json!({"id": "t", "kind": "topic"});
    let p = problems(&v.to_string());
    assert!(p.iter().any(|p| p.contains("tombstones") && p.contains("only on a compacted topic")), "{p:?}");
    // An unkeyed producer on a compacted topic is allowed: the broker refuses its records.
    let mut v: Value = serde_json::from_str(&with(json!({}), json!([]))).unwrap();
    v["nodes"][0].as_object_mut().unwrap().remove("keys");
    v["nodes"][0].as_object_mut().unwrap().remove("tombstones");
    assert!(problems(&v.to_string()).is_empty());
}

/// What compaction must leave once everything has been cleaned: the last record of each key,
/// at its own offset, and no tombstone once `delete.retention.ms` has passed (none when
/// `keep_tombstones` is false).
fn naive(records: &[(String, bool)], keep_tombstones: bool) -> Vec<u64> {
    let mut kept: Vec<u64> = Vec::new();
    for (i, (key, tombstone)) in records.iter().enumerate() {
        let last = records[i + 1..].iter().all(|(k, _)| k != key);
        if last && (keep_tombstones || !tombstone) {
            kept.push(i as u64);
        }
    }
    kept
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random keys and deletes: once the cleaner has cleaned everything, the records left are
    /// the latest of each key at their own offsets (tombstones too, until they expire), and a
    /// reader from the start reads exactly those, in offset order.
    #[test]
    fn compaction_keeps_the_latest_record_of_each_key_in_offset_order(
        picks in proptest::collection::vec(0usize..5, 1..40),
        deletes in proptest::collection::vec((0usize..5, 0u64..4000), 0..4),
        expire in proptest::bool::ANY,
    ) {
        let keys: Vec<String> = (0..5).map(|k| format!("k{k}")).collect();
        // Random keys, one record per 100 ms, each pick its key (the producer cycles through
        // a list with the keys in the order picked).
        let list: Vec<&str> = picks.iter().map(|&k| keys[k].as_str()).collect();
        // A delete names a key the producer sends.
        let deletes: Vec<(usize, u64)> = deletes.into_iter().filter(|(k, _)| picks.contains(k)).collect();
        let tombstones: Vec<Value> = deletes.iter().map(|(k, at)| json!({"key": keys[*k], "at_ms": at})).collect();
        let retention = if expire { 1000 } else { 60_000 };
        let mut s: Value = serde_json::from_str(&compacted(
            picks.len() as u64, json!(list), 100, json!(tombstones),
            json!({"delete_retention_ms": retention}), Some(15_000),
        )).unwrap();
        // Keys repeat in the list: the producer picks list entries round-robin, so record i
        // has key list[i].
        s["duration_ms"] = json!(30_000);
        let trace = common::trace_of(&s.to_string());
        let published = events(&trace, "Published");
        prop_assert_eq!(published.len(), picks.len());
        // Which records are tombstones: the first record of a key at or after each delete's time.
        let mut records: Vec<(String, bool)> = list.iter().map(|k| (k.to_string(), false)).collect();
        for (k, at) in &deletes {
            if let Some(i) = (0..records.len()).find(|&i| list[i] == keys[*k] && (i as u64) * 100 >= *at && !records[i].1) {
                records[i].1 = true;
            }
        }
        let removed: Vec<u64> = offsets(&trace, "Compacted").into_iter().chain(offsets(&trace, "TombstoneRemoved")).collect();
        let mut left: Vec<u64> = (0..records.len() as u64).filter(|o| !removed.contains(o)).collect();
        left.sort_unstable();
        let want = naive(&records, !expire);
        prop_assert_eq!(&left, &want);
        let read = offsets(&trace, "Fetched");
        prop_assert_eq!(&read, &want, "a reader from the start reads what is left, in offset order");
    }
}

#[test]
fn the_cleaner_never_passes_the_high_watermark_of_a_replicated_topic() {
    // Followers fetch every 3 s: the high watermark lags the log end by up to that much, and
    // the cleaner (every 500 ms, 1 s segments) must stay below it.
    let mut nodes: Vec<Value> = (1..=3).map(|b| json!({"id": format!("b{b}"), "kind": "broker"})).collect();
    nodes.push(json!({"id": "p", "kind": "producer", "count": 40, "arrivals": {"fixed": {"interval_ms": 100}},
        "keys": ["a", "b"], "acks": "1"}));
    nodes.push(json!({"id": "t", "kind": "topic", "cleanup_policy": "compact", "segment_ms": 1000,
        "cleaner_backoff_ms": 500, "replication_factor": 3, "replica_fetch_ms": 3000,
        "replica_lag_time_max_ms": 60000}));
    let s = scenario_json(20_000, Value::Array(nodes), json!([["p", "t"]]), json!([]));
    let trace = common::trace_of(&s);
    let compacted = events(&trace, "Compacted");
    assert!(!compacted.is_empty());
    for e in compacted {
        // Record n was appended at n * 100 ms; the followers had it 3 s later at the earliest.
        let (offset, t) = (e["offset"].as_u64().unwrap(), e["t_us"].as_u64().unwrap());
        assert!(offset * 100_000 + 3_000_000 <= t, "offset {offset} cleaned at {t} µs, above the high watermark");
    }
}

#[test]
fn an_idempotent_producer_refused_for_its_missing_keys_gives_each_record_up_at_once() {
    let s = scenario_json(
        5000,
        json!([
            {"id": "p", "kind": "producer", "count": 5, "arrivals": {"fixed": {"interval_ms": 100}}, "idempotent": true,
             "publish": {"timeout_ms": 500, "retries": 5, "backoff_ms": 100}},
            {"id": "t", "kind": "topic", "cleanup_policy": "compact,delete", "retention_ms": 60000}
        ]),
        json!([["p", "t"]]),
        json!([]),
    );
    let trace = common::trace_of(&s);
    let (_, o) = run(&s);
    assert_eq!((o.lost, o.publish_retries, o.in_flight), (5, 0, 0));
    let failed = events(&trace, "PublishFailed");
    assert!(failed.iter().all(|e| e["reason"] == "compacted_topic_requires_key"), "{failed:?}");
    assert_eq!(failed.len(), 5, "each refused once, none held back as out of sequence");
}
