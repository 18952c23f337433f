//! Producer behaviour: arrival processes, counts, keys and event types, publisher confirms
//! with timeouts and retries (and the duplicates they make), and lost publishes.

use crate::common;

use common::{events, run, scenario_json, trace_of};
use serde_json::json;

fn with_producer(p: serde_json::Value, duration_ms: u64) -> String {
    let mut p = p;
    p["id"] = json!("p");
    p["kind"] = json!("producer");
    scenario_json(
        duration_ms,
        json!([p, {"id": "q", "kind": "queue"}, {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 1}}}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    )
}

fn publish_times(s: &str) -> Vec<u64> {
    events(&trace_of(s), "Published")
        .iter()
        .filter(|e| e["attempt"] == 1)
        .map(|e| e["t_us"].as_u64().unwrap())
        .collect()
}

#[test]
fn fixed_interval_and_start_time() {
    let s = with_producer(json!({"arrivals": {"fixed": {"interval_ms": 250}}, "count": 4, "start_ms": 100}), 5_000);
    assert_eq!(publish_times(&s), [100_000, 350_000, 600_000, 850_000]);
}

#[test]
fn bursts_publish_size_messages_every_period() {
    let s = with_producer(json!({"arrivals": {"burst": {"size": 3, "every_ms": 1000}}, "count": 7}), 5_000);
    assert_eq!(publish_times(&s), [0, 0, 0, 1_000_000, 1_000_000, 1_000_000, 2_000_000]);
}

#[test]
fn unlimited_producers_stop_when_the_scenario_ends() {
    let s = with_producer(json!({"arrivals": {"fixed": {"interval_ms": 100}}}), 1_000);
    assert_eq!(publish_times(&s).len(), 11, "0, 100, ..., 1000 ms");
}

#[test]
fn poisson_arrivals_have_the_right_rate() {
    let s = with_producer(json!({"arrivals": {"poisson": {"rate_per_s": 50}}}), 200_000);
    let n = publish_times(&s).len() as f64;
    assert!((n - 10_000.0).abs() < 300.0, "{n} arrivals, expected about 10000");
}

#[test]
fn keys_go_round_robin_and_event_types_cycle_per_key() {
    let s = with_producer(
        json!({"count": 6, "keys": "order-1..order-2", "event_type": ["OrderPlaced", "OrderPaid", "OrderShipped"], "schema_version": 2}),
        5_000,
    );
    let (_, o) = run(&s);
    let got: Vec<(String, String)> =
        o.messages.iter().map(|m| (m.key.as_deref().unwrap().to_string(), m.event_type.to_string())).collect();
    let want = [
        ("order-1", "OrderPlaced"),
        ("order-2", "OrderPlaced"),
        ("order-1", "OrderPaid"),
        ("order-2", "OrderPaid"),
        ("order-1", "OrderShipped"),
        ("order-2", "OrderShipped"),
    ];
    assert_eq!(got, want.map(|(k, t)| (k.to_string(), t.to_string())));
}

#[test]
fn a_lost_confirm_makes_the_retry_a_duplicate() {
    let s = with_producer(
        json!({"count": 200, "publish": {"timeout_ms": 100, "retries": 2}, "faults": [{"confirm_lost": {"probability": 0.1}}]}),
        60_000,
    );
    let (_, o) = run(&s);
    assert!(o.publish_retries > 5);
    assert!(o.processed_more_than_once > 5, "the broker had the first copy: {}", o.processed_more_than_once);
    let t = trace_of(&s);
    assert!(!events(&t, "ConfirmLost").is_empty());
}

#[test]
fn a_lost_publish_is_retried_without_duplicating_or_lost_without_retries() {
    let s = with_producer(
        json!({"count": 200, "publish": {"timeout_ms": 100, "retries": 3}, "faults": [{"publish_lost": {"probability": 0.1}}]}),
        60_000,
    );
    let (_, o) = run(&s);
    assert!(o.publish_retries > 5);
    assert_eq!(o.processed_once, 200, "a retry of a publish that never arrived is not a duplicate");
    let s = with_producer(
        json!({"count": 200, "publish": {"timeout_ms": 100, "retries": 0}, "faults": [{"publish_lost": {"probability": 0.1}}]}),
        60_000,
    );
    let (_, o) = run(&s);
    assert!(o.lost > 5);
    assert!(o.messages.iter().filter(|m| m.fate == "lost").all(|m| m.reason == Some("publish_lost_in_transit")));
}

#[test]
fn an_unwired_producer_drops_what_it_publishes() {
    let s = scenario_json(1_000, json!([{"id": "p", "kind": "producer", "count": 2}]), json!([]), json!([]));
    let (_, o) = run(&s);
    assert_eq!(o.dropped, 2);
    assert_eq!(o.messages.get(0).unwrap().reason, Some("not_wired"));
}

#[test]
fn a_timeout_shorter_than_the_wire_makes_a_new_copy_not_a_second_trip_of_the_same_one() {
    // The first copy is still on the wire when the producer gives up waiting: the retry is a
    // second copy, and both arrive (a duplicate), never the same copy twice.
    let s = scenario_json(
        1_000,
        json!([{"id": "p", "kind": "producer", "count": 1, "publish": {"timeout_ms": 5, "retries": 1},
                "faults": [{"confirm_lost": {"probability": 1.0}}]},
               {"id": "q", "kind": "queue", "prefetch": 2}, {"id": "c", "kind": "consumer"}]),
        json!([{"from": "p", "to": "q", "delay_ms": 20}, ["q", "c"]]),
        json!([]),
    );
    let t = trace_of(&s);
    let enq: Vec<u64> = events(&t, "Enqueued").iter().map(|e| e["copy"].as_u64().unwrap()).collect();
    assert_eq!(enq, [0, 1], "two copies, each enqueued once");
    let (_, o) = run(&s);
    assert_eq!((o.published, o.processed_more_than_once, o.publish_retries), (1, 1, 1));
}

#[test]
fn a_late_nack_for_an_attempt_that_already_timed_out_is_ignored() {
    let s = scenario_json(
        2_000,
        json!([{"id": "p", "kind": "producer", "count": 1, "publish": {"timeout_ms": 5, "retries": 1, "backoff_ms": 50},
                "faults": [{"confirm_lost": {"probability": 1.0}}]},
               {"id": "x", "kind": "exchange"}, {"id": "qa", "kind": "queue"},
               {"id": "qb", "kind": "queue", "max_length": 0, "overflow": "reject-publish"},
               {"id": "ca", "kind": "consumer"}]),
        json!([["p", "x"], ["x", "qa"], {"from": "x", "to": "qb", "delay_ms": 20}, ["qa", "ca"]]),
        json!([]),
    );
    let t = trace_of(&s);
    let attempts: Vec<u64> = events(&t, "Published").iter().map(|e| e["attempt"].as_u64().unwrap()).collect();
    assert_eq!(attempts, [1, 2], "retries: 1 means at most two attempts");
    let failed: Vec<(u64, &str)> = events(&t, "PublishFailed")
        .iter()
        .map(|e| (e["attempt"].as_u64().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(failed.iter().filter(|(a, _)| *a == 1).count(), 1, "one answer per attempt: {failed:?}");
}
