//! Consumer behaviour: retry policies and backoff, what happens when attempts run out, ack
//! timeouts, the delivery semantics, crashes at each point, slow consumers, the effect ledger
//! and out-of-order detection, and the event budget that keeps a tight loop from hanging.

use crate::common;

use common::{events, run, scenario_json, trace_of};
use serde_json::json;

fn one_consumer(consumer: serde_json::Value, count: u32, actions: serde_json::Value) -> String {
    let mut c = consumer;
    c["id"] = json!("c");
    c["kind"] = json!("consumer");
    scenario_json(
        20_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 100}}, "count": count, "keys": "k-1..k-100"},
               {"id": "q", "kind": "queue", "dead_letter": "dlq"}, c, {"id": "dlq", "kind": "dead_letter_queue"}]),
        json!([["p", "q"], ["q", "c"]]),
        actions,
    )
}

#[test]
fn exponential_backoff_without_jitter_doubles() {
    let s = one_consumer(
        json!({"retry": {"policy": "exponential", "base_ms": 100, "cap_ms": 350, "max_attempts": 5, "then": "dead_letter"},
               "faults": [{"poison": {"every_nth": 1}}]}),
        1,
        json!([]),
    );
    let t = trace_of(&s);
    let delays: Vec<u64> = events(&t, "RetryScheduled").iter().map(|e| e["delay_us"].as_u64().unwrap()).collect();
    assert_eq!(delays, [100_000, 200_000, 350_000, 350_000]);
    let attempts: Vec<u64> = events(&t, "ProcessingStarted").iter().map(|e| e["attempt"].as_u64().unwrap()).collect();
    assert_eq!(attempts, [1, 2, 3, 4, 5]);
    let dl = events(&t, "DeadLettered");
    assert_eq!(dl.len(), 1);
    assert_eq!(dl[0]["reason"], "rejected");
}

#[test]
fn what_happens_when_attempts_run_out() {
    let fate = |then: &str| {
        let s = one_consumer(
            json!({"retry": {"policy": "fixed", "base_ms": 10, "max_attempts": 2, "then": then}, "faults": [{"poison": {"every_nth": 1}}]}),
            1,
            json!([]),
        );
        let (_, o) = run(&s);
        (o.messages.get(0).unwrap().fate.name(), o.messages.get(0).unwrap().reason, o.halted)
    };
    assert_eq!(fate("dead_letter"), ("dead_lettered", Some("rejected"), false));
    assert_eq!(fate("drop"), ("dropped", Some("consumer_gave_up"), false));
    // requeue on a classic queue with no limit, and block: it never ends.
    assert_eq!(fate("requeue"), ("in_flight", None, false));
    assert_eq!(fate("block"), ("in_flight", None, false));
}

#[test]
fn transient_errors_are_retried_and_mostly_succeed() {
    let s = one_consumer(
        json!({"retry": {"policy": "fixed", "base_ms": 5, "max_attempts": 10}, "faults": [{"transient_errors": {"rate": 0.3}}]}),
        100,
        json!([]),
    );
    let (_, o) = run(&s);
    assert_eq!(o.processed_once, 100);
    assert!(o.consumer_retries > 15, "{}", o.consumer_retries);
}

#[test]
fn at_most_once_loses_a_message_that_fails_after_the_ack() {
    let s = one_consumer(json!({"semantics": "at-most-once", "faults": [{"poison": {"every_nth": 5}}]}), 10, json!([]));
    let (_, o) = run(&s);
    assert_eq!(o.lost, 2);
    assert!(o.messages.iter().filter(|m| m.fate == "lost").all(|m| m.reason == Some("failed_after_ack")));
}

#[test]
fn crash_points_decide_loss_and_duplication() {
    let outcome = |semantics: &str, point: &str| {
        let s = one_consumer(
            json!({"semantics": semantics, "faults": [{"crash": {"probability": 0.2, "point": point, "recover_after_ms": 50}}]}),
            100,
            json!([]),
        );
        let (_, o) = run(&s);
        (o.lost, o.duplicate_effects)
    };
    let (lost, dup) = outcome("at-most-once", "before_processing");
    assert!(lost > 0 && dup == 0);
    let (lost, dup) = outcome("at-least-once", "before_processing");
    assert!(lost == 0 && dup == 0, "requeued before any effect: neither");
    let (lost, dup) = outcome("at-least-once", "after_effect");
    assert!(lost == 0 && dup > 0);
    let (lost, dup) = outcome("exactly-once", "after_effect");
    assert!(lost == 0 && dup == 0);
    let (lost, dup) = outcome("at-least-once", "after_ack");
    assert!(lost == 0 && dup == 0, "a crash after the ack costs nothing");
}

#[test]
fn a_crashed_consumer_takes_no_deliveries_until_it_recovers() {
    let s = one_consumer(json!({}), 30, json!([{"at_ms": 1000, "crash": {"consumer": "c", "recover_after_ms": 1500}}]));
    let t = trace_of(&s);
    let crashed = events(&t, "Crashed")[0]["t_us"].as_u64().unwrap();
    let recovered = events(&t, "Recovered")[0]["t_us"].as_u64().unwrap();
    assert_eq!((crashed, recovered), (1_000_000, 2_500_000));
    assert!(events(&t, "Delivered").iter().all(|e| {
        let at = e["t_us"].as_u64().unwrap();
        at < crashed || at >= recovered
    }));
    let (_, o) = run(&s);
    assert_eq!(o.processed_once, 30);
}

#[test]
fn an_ack_timeout_closes_the_channel_and_the_redelivery_duplicates() {
    let s = scenario_json(
        10_000,
        json!([{"id": "p", "kind": "producer", "count": 1},
               {"id": "q", "kind": "queue", "ack_timeout_ms": 1000},
               {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 1500}}, "effect": "charge card"}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    );
    let t = trace_of(&s);
    let names: Vec<&str> = t.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(
        names[..18],
        [
            "Published",
            "Enqueued",
            "Delivered",
            "ProcessingStarted",
            "AckTimedOut",
            "ChannelClosed",
            "Requeued",
            "Delivered",
            "EffectApplied",
            "AckFailed",
            "ProcessingStarted",
            "AckTimedOut",
            "ChannelClosed",
            "Requeued",
            "Delivered",
            "EffectApplied",
            "AckFailed",
            "ProcessingStarted",
        ]
    );
    let (_, o) = run(&s);
    assert_eq!(o.processed_more_than_once, 1);
}

#[test]
fn a_slow_action_stretches_processing() {
    let s = one_consumer(
        json!({"processing": {"fixed": {"ms": 50}}}),
        3,
        json!([{"at_ms": 150, "slow": {"consumer": "c", "factor": 4}}]),
    );
    let t = trace_of(&s);
    let started: Vec<u64> = events(&t, "ProcessingStarted").iter().map(|e| e["t_us"].as_u64().unwrap()).collect();
    let applied: Vec<u64> = events(&t, "EffectApplied").iter().map(|e| e["t_us"].as_u64().unwrap()).collect();
    assert_eq!(applied[0] - started[0], 50_000);
    assert_eq!(applied[2] - started[2], 200_000);
    assert_eq!(events(&t, "SlowedDown")[0]["factor"], 4.0);
}

#[test]
fn network_jitter_reorders_events_for_a_key_and_the_verdict_says_so() {
    let s = scenario_json(
        10_000,
        json!([{"id": "shop", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 5}}, "count": 60,
                "event_type": ["OrderPlaced", "OrderShipped"], "keys": "order-1..order-30"},
               {"id": "q", "kind": "queue", "prefetch": 10},
               {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 1}}, "effect": "update order"}]),
        json!([{"from": "shop", "to": "q", "delay_ms": 5, "jitter_ms": 400}, ["q", "c"]]),
        json!([]),
    );
    let (_, o) = run(&s);
    assert!(o.out_of_order > 0);
    assert!(
        o.verdict.iter().any(|l| l.contains("OrderShipped for order-") && l.contains("was applied before OrderPlaced")),
        "{:?}",
        o.verdict
    );
    let overtaken = o.messages.iter().find(|m| m.applied_after.is_some()).unwrap();
    assert_eq!(&*overtaken.event_type, "OrderPlaced");
}

#[test]
fn a_tight_poison_loop_stops_at_the_event_budget() {
    let s = one_consumer(
        json!({"processing": {"fixed": {"ms": 0}}, "retry": {"policy": "immediate", "then": "block", "max_attempts": 2}, "faults": [{"poison": {"every_nth": 1}}]}),
        1,
        json!([]),
    );
    let mut sim = common::load(&s);
    sim.set_event_budget(50_000);
    sim.run_to_end();
    let o = sim.outcome();
    assert!(o.halted);
    assert!(o.verdict[0].contains("stopped early"));
    assert!(sim.is_finished());
    assert_eq!(sim.next_event_at(), None);
}

#[test]
fn concurrency_runs_deliveries_in_parallel() {
    let s = scenario_json(
        2_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 8, "every_ms": 5000}}, "count": 8},
               {"id": "q", "kind": "queue", "prefetch": 8},
               {"id": "c", "kind": "consumer", "concurrency": 4, "processing": {"fixed": {"ms": 100}}}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    );
    let t = trace_of(&s);
    let done: Vec<u64> = events(&t, "EffectApplied").iter().map(|e| e["t_us"].as_u64().unwrap()).collect();
    assert_eq!(done, [100_000, 100_000, 100_000, 100_000, 200_000, 200_000, 200_000, 200_000]);
}
