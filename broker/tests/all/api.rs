//! The API the app drives the core with: `apply`, `advance_to`, `next_event_at`, `step`,
//! `snapshot`, `outcome` and the trace. "Crash this consumer now" must behave exactly like the
//! same crash written in the action script at that time.

use crate::common;

use broker::{Command, Duration, SimTime};

#[test]
fn a_crash_applied_now_equals_the_same_crash_in_the_script() {
    let base = common::scenario("work-queue");
    // The lesson's own script crashes worker-b at 6 s for 3 s. Remove it and apply it by hand.
    let mut v: serde_json::Value = serde_json::from_str(&base).unwrap();
    v["actions"] = serde_json::json!([]);
    let mut sim = common::load(&v.to_string());
    sim.advance_to(SimTime::from_ms(6_000));
    let b = sim.node_id("worker-b").unwrap();
    sim.apply(Command::Crash { consumer: b, recover_after: Some(Duration::from_ms(3_000)) }).unwrap();
    sim.run_to_end();
    // The action ran at the same virtual time; the one difference is when it was scheduled,
    // which changes sequence numbers but nothing that happens.
    let by_hand = sim.outcome();
    let (_, scripted_outcome) = common::run(&base);
    assert_eq!(by_hand.messages, scripted_outcome.messages);
    assert_eq!(by_hand.latency_ms, scripted_outcome.latency_ms);
}

#[test]
fn commands_for_the_wrong_node_are_refused() {
    let mut sim = common::load(&common::scenario("work-queue"));
    let q = sim.node_id("work").unwrap();
    let err = sim.apply(Command::Crash { consumer: q, recover_after: None }).unwrap_err();
    assert_eq!(err, "work is not a consumer");
    assert!(sim.apply(Command::Recover { consumer: broker::NodeId(999) }).is_err());
    assert_eq!(sim.events(), 0, "a refused command leaves no trace");
}

#[test]
fn the_clock_moves_only_forward_and_stops_at_the_end() {
    let mut sim = common::load(&common::scenario("fan-out"));
    assert_eq!(sim.now(), SimTime::ZERO);
    let first = sim.next_event_at().unwrap();
    assert_eq!(first, SimTime::ZERO);
    sim.advance_to(SimTime::from_ms(500));
    assert_eq!(sim.now(), SimTime::from_ms(500));
    sim.advance_to(SimTime::from_ms(100));
    assert_eq!(sim.now(), SimTime::from_ms(500), "never backwards");
    sim.advance_to(SimTime::from_ms(10_000_000));
    assert_eq!(sim.now(), sim.end());
    assert!(sim.is_finished());
    assert!(!sim.step());
}

#[test]
fn draining_the_trace_does_not_change_the_hash() {
    let json = common::scenario("poison-with-dlq");
    let (whole, _) = common::run(&json);
    let mut sim = common::load(&json);
    let mut seen = 0;
    while !sim.is_finished() {
        let t = sim.now().as_us() + 250_000;
        sim.advance_to(SimTime(t));
        seen += sim.drain_trace().len() as u64;
    }
    assert_eq!(seen, sim.events());
    assert_eq!(sim.trace_hash(), whole.trace_hash());
}

#[test]
fn the_verdict_speaks_of_one_message_as_the_message() {
    // One message, and a consumer that fails it every time: dropped after its last try.
    let mut sim = common::load(
        r#"{"version": 1, "seed": 1, "duration_ms": 5000,
            "nodes": [
              {"id": "orders", "kind": "producer", "count": 1, "arrivals": {"fixed": {"interval_ms": 100}}},
              {"id": "work", "kind": "queue"},
              {"id": "billing", "kind": "consumer", "faults": [{"transient_errors": {"rate": 1.0}}],
               "retry": {"policy": "fixed", "base_ms": 10, "max_attempts": 2}}
            ],
            "wires": [["orders", "work"], ["work", "billing"]]}"#,
    );
    sim.run_to_end();
    let verdict = sim.outcome().verdict;
    assert!(verdict.iter().any(|l| l == "The message was not processed exactly once."), "{verdict:?}");
    assert!(!verdict.iter().any(|l| l.contains("of 1 message")), "{verdict:?}");
}
