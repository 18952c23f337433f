//! Work that records nothing is still charged: small files whose runs used to take minutes
//! (a producer that is down and keeps ticking, a consumer that crashes before processing on a
//! 1,000-partition topic and rebalances every time it comes back) stop at the work budget and
//! say which limit stopped them and which node did most of the work. A redrive of a long
//! dead-letter queue moves every message once. Random scenarios with extreme settings finish
//! within the budget.

use crate::common;

use broker::{Limit, Simulation};
use common::random_scenario::{scenario, topic_scenario, TopicMix};
use proptest::prelude::*;

/// A producer that crashes on its first publish and stays down for the whole day.
const DOWN_PRODUCER: &str = r#"{"version": 1, "duration_ms": 86400000, "nodes": [{"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 0.01}}, "count": 1000000, "write": {}, "faults": [{"crash": {"probability": 1, "recover_after_ms": 86400000}}]}, {"id": "q", "kind": "queue"}], "wires": [["p", "q"]]}"#;

/// A consumer that crashes before processing, recovers at once, and rebalances a
/// 1,000-partition topic every time.
const REBALANCE_LOOP: &str = r#"{"version": 1, "duration_ms": 1000, "nodes": [{"id": "p", "kind": "producer", "count": 1}, {"id": "t", "kind": "topic", "partitions": 1000}, {"id": "c", "kind": "consumer", "auto_offset_reset": "earliest", "faults": [{"crash": {"probability": 1, "point": "before_processing", "recover_after_ms": 0}}]}], "wires": [["p", "t"], ["t", "c"]]}"#;

/// Runs `json` with a work budget of `steps`.
fn run_with(json: &str, steps: u64) -> Simulation {
    let mut sim = common::load(json);
    sim.set_work_budget(steps);
    sim.run_to_end();
    sim
}

#[test]
fn a_producer_that_is_down_is_charged_for_its_ticks_and_named() {
    let sim = run_with(DOWN_PRODUCER, 300_000);
    let p = sim.node_id("p");
    assert_eq!(sim.limit(), Some(Limit::Work { busiest: p }));
    assert!(sim.work() >= 300_000 && sim.work() < 300_010, "stops as soon as the budget is spent: {}", sim.work());
    let o = sim.outcome();
    assert!(o.halted);
    let why = o.stopped_by.as_deref().unwrap();
    assert!(why.contains("300,000 steps of work, most of them by producer p"), "{why}");
    assert_eq!(o.verdict[0], why, "the verdict says it first");
    common::assert_conserved(&o);
}

#[test]
fn a_rebalance_loop_on_many_partitions_is_charged_per_partition() {
    let sim = run_with(REBALANCE_LOOP, 2_000_000);
    assert_eq!(sim.limit(), Some(Limit::Work { busiest: sim.node_id("c") }));
    // Each round looks at 1,000 partitions, so 2,000,000 steps are a few hundred rounds, not
    // millions of events.
    assert!(sim.outcome().events < 20_000, "{} events", sim.outcome().events);
}

#[test]
fn a_run_within_its_budget_is_not_stopped_and_counts_its_work() {
    let sim = run_with(&common::scenario("work-queue"), broker::WORK_BUDGET);
    assert_eq!(sim.limit(), None);
    assert!(sim.work() > 0);
    assert!(sim.outcome().stopped_by.is_none());
}

#[test]
fn the_event_budget_is_named_when_it_stops_a_run() {
    let mut sim = common::load(&common::scenario("poison-no-dlq"));
    sim.set_event_budget(500);
    sim.run_to_end();
    assert_eq!(sim.limit(), Some(Limit::Events));
    let why = sim.outcome().stopped_by.unwrap();
    assert!(why.contains("limit of 500 events"), "{why}");
}

#[test]
fn a_redrive_of_many_dead_letters_moves_each_once_in_order() {
    // 5,000 messages expire into the DLQ from a queue nobody reads; at 20 s a redrive sends
    // them to a queue a consumer reads.
    let json = r#"{"version": 1, "duration_ms": 60000, "seed": 3, "nodes": [
        {"id": "orders", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 1}}, "count": 5000},
        {"id": "work", "kind": "queue", "dead_letter": "dlq", "ttl_ms": 1},
        {"id": "dlq", "kind": "dead_letter_queue"},
        {"id": "retry", "kind": "queue"},
        {"id": "billing", "kind": "consumer", "processing": {"fixed": {"ms": 1}}}],
      "wires": [["orders", "work"], ["retry", "billing"]],
      "actions": [{"at_ms": 20000, "redrive": {"dlq": "dlq", "to": "retry"}}]}"#;
    let (mut sim, o) = common::run(json);
    assert_eq!(sim.limit(), None);
    assert_eq!(o.published, 5000);
    assert_eq!(o.processed_once, 5000, "every dead letter came back once and was processed");
    // Counts in the verdict are grouped as in the figures beside it.
    assert!(o.verdict.iter().any(|l| l.contains("5,000")), "{:?}", o.verdict);
    assert!(o.verdict.iter().all(|l| !l.contains("5000")), "{:?}", o.verdict);
    let redriven: Vec<u64> = sim
        .drain_trace()
        .iter()
        .filter(|e| matches!(e.event, broker::Event::Redriven { .. }))
        .map(|e| e.msg().map_or(u64::MAX, |m| u64::from(m.0)))
        .collect();
    assert_eq!(redriven.len(), 5000);
    assert!(redriven.windows(2).all(|w| w[0] < w[1]), "oldest first");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the settings, a run ends: at its end time, or at a limit it names.
    #[test]
    fn every_run_ends_within_its_work_budget(json in prop_oneof![
        scenario("at-least-once", true),
        topic_scenario(TopicMix { semantics: &["at-most-once", "at-least-once", "exactly-once"], may_lose: true, may_duplicate: true }),
    ]) {
        let mut sim = broker::load(&json).unwrap_or_else(|p| panic!("{p:?}\n{json}"));
        sim.set_work_budget(50_000);
        sim.set_event_budget(400_000);
        sim.run_to_end();
        prop_assert!(sim.is_finished());
        // One event's charge is at most a rebalance's: ten steps per member and partition.
        prop_assert!(sim.work() < 50_000 + 100_000, "work {}", sim.work());
        let o = sim.outcome();
        prop_assert_eq!(o.halted, o.stopped_by.is_some());
    }
}

/// A publish at the very moment an outage runs out, before the outage's end (due then too) is
/// handled: the queue delivers again, so the publish runs the delivery round that a publish
/// behind a backlog may otherwise skip. (Found by the property above: debug builds, which run
/// the skipped round and check that it delivers nothing, stopped here; a release build
/// delivered later in the same instant, a different trace.)
#[test]
fn a_publish_as_an_outage_runs_out_delivers_as_the_outage_end_would() {
    let json = r#"{"actions":[{"at_ms":54,"outage":{"duration_ms":6,"node":"q"}}],"duration_ms":3000,"nodes":[{"arrivals":{"burst":{"every_ms":20.0,"size":5}},"count":5,"event_type":["Created","Updated"],"faults":[{"publish_lost":{"probability":0.05261047144254842}},{"confirm_lost":{"probability":0.29759681137417127}}],"id":"p","keys":"k-1..k-1","kind":"producer","publish":{"backoff_ms":10,"retries":1,"timeout_ms":50}},{"id":"q","kind":"queue","prefetch":1,"queue_type":"classic"},{"id":"dlq","kind":"dead_letter_queue"},{"concurrency":1,"effect":"charge card","faults":[],"id":"c0","kind":"consumer","processing":{"uniform":{"max_ms":24.593699178797088,"min_ms":0.0}},"retry":{"policy":"none","then":"requeue"},"semantics":"at-least-once"}],"seed":9239906499501033760,"version":1,"wires":[["p","q"],["q","c0"]]}"#;
    let mut sim = broker::load(json).unwrap();
    sim.run_to_end();
    assert!(sim.is_finished());
    assert_eq!(sim.outcome().published, 5);
}

/// A scenario with `producers` producers, each with `keys` and `types`.
fn many_producers(producers: usize, keys: &str, types: serde_json::Value) -> String {
    let mut nodes = vec![serde_json::json!({"id": "q", "kind": "queue"})];
    let mut wires = Vec::new();
    for i in 0..producers {
        nodes.push(serde_json::json!({"id": format!("p{i}"), "kind": "producer", "count": 1, "keys": keys, "event_type": types}));
        wires.push(serde_json::json!([format!("p{i}"), "q"]));
    }
    serde_json::json!({"version": 1, "duration_ms": 1000, "nodes": nodes, "wires": wires}).to_string()
}

#[test]
fn keys_are_limited_in_all_before_any_is_written_out() {
    // 199 producers with 100,000 keys of 64 characters each asked for gigabytes.
    let long = format!("{}-1..{}-100000", "k".repeat(56), "k".repeat(56));
    let problems = broker::load_model(&many_producers(199, &long, serde_json::json!("E"))).unwrap_err();
    let first = problems.iter().find(|p| p.path.ends_with(".keys")).expect("a problem with the keys");
    assert_eq!(first.path, "nodes[3].keys", "the producer that goes past the limit is named");
    assert!(
        first.message.contains("at most 200000 keys in all; with this one's 100000 they have 300000"),
        "{}",
        first.message
    );
    // Two producers with 100,000 keys each are within it.
    assert!(broker::load_model(&many_producers(2, "k-1..k-100000", serde_json::json!("E"))).is_ok());
}

#[test]
fn event_types_are_limited_in_all_so_their_ids_never_wrap() {
    let types: Vec<String> = (0..600).map(|i| format!("E{i}")).collect();
    let problems = broker::load_model(&many_producers(2, "k-1..k-2", serde_json::json!(types))).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "nodes[2].event_type");
    assert!(problems[0].message.contains("at most 1000 event types in all; with this one's 600 they list 1200"));
    assert!(broker::load_model(&many_producers(1, "k-1..k-2", serde_json::json!(types))).is_ok());
}

#[test]
fn outbox_relays_with_nothing_to_send_and_idle_groups_are_charged() {
    // 100 relays polling their outbox every millisecond for a day, for one message each.
    let mut nodes = vec![serde_json::json!({"id": "q", "kind": "queue"})];
    let mut wires = Vec::new();
    for i in 0..100 {
        nodes.push(serde_json::json!({"id": format!("p{i}"), "kind": "producer", "count": 1, "write": {"outbox": true, "relay_interval_ms": 1}}));
        wires.push(serde_json::json!([format!("p{i}"), "q"]));
    }
    let relays =
        serde_json::json!({"version": 1, "duration_ms": 86_400_000, "nodes": nodes, "wires": wires}).to_string();
    let sim = run_with(&relays, 500_000);
    assert!(matches!(sim.limit(), Some(Limit::Work { busiest: Some(_) })), "{:?}", sim.limit());
    assert!(sim.outcome().stopped_by.unwrap().contains("most of them by producer p"));

    // Ten idle groups on a 1,000-partition topic, polling for one message.
    let mut nodes = vec![
        serde_json::json!({"id": "p", "kind": "producer", "count": 1}),
        serde_json::json!({"id": "t", "kind": "topic", "partitions": 1000}),
    ];
    let mut wires = vec![serde_json::json!(["p", "t"])];
    for g in 0..10 {
        nodes.push(serde_json::json!({"id": format!("c{g}"), "kind": "consumer", "group": format!("g{g}")}));
        wires.push(serde_json::json!(["t", format!("c{g}")]));
    }
    let groups =
        serde_json::json!({"version": 1, "duration_ms": 86_400_000, "nodes": nodes, "wires": wires}).to_string();
    let sim = run_with(&groups, 2_000_000);
    assert!(matches!(sim.limit(), Some(Limit::Work { busiest: Some(_) })), "{:?}", sim.limit());
    assert!(sim.outcome().stopped_by.unwrap().contains("most of them by consumer c"));
}
