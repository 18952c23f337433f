//! Each queue lesson in `scenarios/` does what its description promises. These are the
//! claims a workshop makes out loud, checked against the outcome.

mod common;

use common::{assert_conserved, run_named, scenario, trace_of};

#[test]
fn every_scenario_conserves_messages_and_describes_itself() {
    for (name, json) in common::scenarios() {
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let d = v["description"].as_str().unwrap_or("");
        assert!(d.len() > 150, "{name}: the description should be a real paragraph");
        assert!(!v["title"].as_str().unwrap_or("").is_empty(), "{name}: needs a title");
        let (sim, o) = common::run(&json);
        assert_conserved(&o);
        assert!(!o.halted, "{name} ran out of event budget");
        assert!(o.published > 0, "{name} published nothing");
        assert!(!o.verdict.is_empty());
        assert!(sim.is_finished());
    }
}

#[test]
fn fan_out_gives_every_subscriber_its_own_copy() {
    let o = run_named("fan-out");
    assert_eq!(o.processed_once, o.published);
    assert!(o.messages.iter().all(|m| m.effects == 3 && m.deliveries == 3), "three services, one copy each");
}

#[test]
fn work_queue_shares_the_work_and_survives_a_crash() {
    let json = scenario("work-queue");
    let o = run_named("work-queue");
    assert_eq!(o.processed_once, o.published);
    let trace = trace_of(&json);
    let done = |w: &str| trace.iter().filter(|e| e["event"] == "EffectApplied" && e["node"] == w).count();
    assert!(
        done("worker-a") > 2 * done("worker-c") && done("worker-b") > done("worker-c"),
        "with prefetch 1 the fast workers take most"
    );
    assert!(done("worker-c") > 0);
    assert!(trace.iter().any(|e| e["event"] == "Crashed" && e["node"] == "worker-b"));
    assert!(
        trace.iter().any(|e| e["event"] == "Delivered" && e["redelivered"] == true),
        "the crashed worker's unacked message comes back flagged as redelivered"
    );
    // The "try": prefetch 50 lets the slow worker hoard a backlog.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["nodes"][1]["prefetch"] = serde_json::json!(50);
    let (_, hoard) = common::run(&v.to_string());
    assert!(hoard.latency_ms.p95 > 5.0 * o.latency_ms.p95, "{} vs {}", hoard.latency_ms.p95, o.latency_ms.p95);
    assert!(hoard.out_of_order > 0);
}

#[test]
fn poison_without_a_dlq_loops_and_blocks_the_queue() {
    let o = run_named("poison-no-dlq");
    let poison = o.messages.iter().find(|m| m.id == "orders-10").unwrap();
    assert_eq!(poison.fate, "in_flight");
    assert!(poison.deliveries > 100, "delivered {} times", poison.deliveries);
    assert_eq!(o.dead_lettered, 0);
    assert!(o.processed_once < 10, "everything behind the poison message waits");
    assert!(o.verdict.iter().any(|l| l.contains("poison loop") && l.contains("order-10")), "{:?}", o.verdict);
    assert!(o.max_queue_depth > 100);
}

#[test]
fn poison_with_a_dlq_dead_letters_exactly_the_poison_messages() {
    let o = run_named("poison-with-dlq");
    let dead: Vec<&str> = o.messages.iter().filter(|m| m.fate == "dead_lettered").map(|m| m.id.as_str()).collect();
    let poison: Vec<String> = (1..=15).map(|i| format!("orders-{}", i * 10)).collect();
    assert_eq!(dead, poison.iter().map(String::as_str).collect::<Vec<_>>());
    for m in o.messages.iter().filter(|m| m.fate == "dead_lettered") {
        assert_eq!(m.reason, Some("delivery_limit"));
        assert_eq!(m.deaths.len(), 1);
        assert_eq!((m.deaths[0].queue.as_str(), m.deaths[0].reason, m.deaths[0].count), ("work", "delivery_limit", 1));
        assert_eq!(m.deliveries, 4, "a delivery limit of 3 allows 3 returns: 4 deliveries");
    }
    assert_eq!(o.processed_once, o.published - 15);
    let trace = trace_of(&scenario("poison-with-dlq"));
    let dl: Vec<_> = trace.iter().filter(|e| e["event"] == "DeadLettered").collect();
    assert_eq!(dl.len(), 15);
    assert!(dl.iter().all(|e| e["reason"] == "delivery_limit" && e["target"] == "dlq" && e["count"] == 1));
}

#[test]
fn immediate_retries_storm_and_jittered_backoff_rides_out_the_outage() {
    let storm = run_named("retry-storm");
    let jitter = run_named("retry-jitter");
    assert!(storm.dead_lettered > 50, "immediate retries give up inside the outage: {}", storm.dead_lettered);
    assert!(jitter.dead_lettered * 10 < storm.dead_lettered, "backoff outlasts the outage: {}", jitter.dead_lettered);
    assert!(jitter.latency_ms.p99 > storm.latency_ms.p99, "the price of waiting is latency");
    // The storm: attempts per second against the dead service.
    let storm_trace = trace_of(&scenario("retry-storm"));
    let jitter_trace = trace_of(&scenario("retry-jitter"));
    let fails = |t: &[serde_json::Value]| t.iter().filter(|e| e["event"] == "ProcessingFailed").count();
    assert!(fails(&storm_trace) > 2 * fails(&jitter_trace), "{} vs {}", fails(&storm_trace), fails(&jitter_trace));
}

#[test]
fn duplicates_appear_without_idempotency_and_are_suppressed_with_it() {
    let plain = run_named("duplicates-no-idempotency");
    let idem = run_named("duplicates-idempotent");
    assert!(plain.processed_more_than_once > 0 && plain.duplicate_effects > 0);
    assert!(plain.verdict.iter().any(|l| l.contains("\"charge card\" happened 2 times")), "{:?}", plain.verdict);
    assert_eq!(idem.duplicate_effects, 0);
    assert_eq!(idem.processed_once, idem.published);
    assert!(idem.duplicates_suppressed > 0);
    // Both kinds of duplicate are in play: redelivery after a lost ack, and a publish retry.
    let t = trace_of(&scenario("duplicates-no-idempotency"));
    assert!(t.iter().any(|e| e["event"] == "AckLost"));
    assert!(t.iter().any(|e| e["event"] == "AckTimedOut"));
    assert!(t.iter().any(|e| e["event"] == "ConfirmLost"));
    assert!(t.iter().any(|e| e["event"] == "Published" && e["attempt"] == 2));
}

#[test]
fn delivery_guarantees_under_a_crash() {
    let most = run_named("crash-at-most-once");
    let least = run_named("crash-at-least-once");
    let exactly = run_named("crash-exactly-once");
    assert!(most.lost > 0 && most.duplicate_effects == 0, "at-most-once loses, never duplicates");
    assert!(most.messages.iter().filter(|m| m.fate == "lost").all(|m| m.reason == Some("consumer_crashed_after_ack")));
    assert!(least.lost == 0 && least.duplicate_effects > 0, "at-least-once duplicates, never loses");
    assert!(
        exactly.lost == 0 && exactly.duplicate_effects == 0 && exactly.duplicates_suppressed > 0,
        "exactly-once: neither"
    );
    assert_eq!(exactly.processed_once, exactly.published);
}
