//! Brokers, replicas and producer acks, checked against what Kafka documents: a leader's crash
//! loses what only it had (records acks=1 confirmed), acks=all with `min.insync.replicas`
//! keeps them and refuses writes while too few replicas are in sync, followers leave the ISR
//! after `replica.lag.time.max.ms` and join it again once caught up, a partition with no live
//! in-sync replica is offline unless unclean election lets another lead (losing records
//! consumers had read), consumers never read past the high watermark, and the idempotent
//! producer's retries after a failover are written once. A property test crashes one broker
//! at a time and checks that no acks=all record is lost.

use crate::common;

use common::{assert_conserved, events, load, run, scenario_json};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Three brokers (with `crashes` as their `crash` settings, by index), a topic `t` with three
/// replicas and the given extra settings, a producer `p` with `acks`, and a consumer `c`.
fn cluster(acks: &str, topic: Value, crashes: &[(usize, u64, Option<u64>)], actions: Value) -> String {
    let mut nodes = Vec::new();
    for b in 0..3 {
        let mut node = json!({"id": format!("b{}", b + 1), "kind": "broker"});
        if let Some((_, at, back)) = crashes.iter().find(|c| c.0 == b) {
            node["crash"] = json!({"at_ms": at});
            if let Some(back) = back {
                node["crash"]["recover_after_ms"] = json!(back);
            }
        }
        nodes.push(node);
    }
    nodes.push(json!({"id": "p", "kind": "producer", "count": 40, "arrivals": {"fixed": {"interval_ms": 100}},
        "keys": "order-1..order-40", "acks": acks,
        "publish": {"timeout_ms": 2000, "retries": 20, "backoff_ms": 200}}));
    let mut t = json!({"id": "t", "kind": "topic", "partitions": 1, "replication_factor": 3,
        "min_insync_replicas": 2, "replica_fetch_ms": 250, "replica_lag_time_max_ms": 1000});
    for (k, v) in topic.as_object().expect("an object") {
        t[k] = v.clone();
    }
    nodes.push(t);
    nodes.push(json!({"id": "c", "kind": "consumer", "group": "g", "auto_offset_reset": "earliest",
        "processing": {"fixed": {"ms": 5}}, "effect": "charge card"}));
    scenario_json(12_000, Value::Array(nodes), json!([["p", "t"], ["t", "c"]]), actions)
}

fn lost_with(trace: &[Value], reason: &str) -> usize {
    events(trace, "Lost").iter().filter(|e| e["reason"] == reason).count()
}

#[test]
fn acks_1_loses_what_the_leader_confirmed_and_had_not_replicated() {
    let s = cluster("1", json!({}), &[(0, 3000, Some(2000))], json!([]));
    let trace = common::trace_of(&s);
    let (_, o) = run(&s);
    assert_conserved(&o);
    let elected = events(&trace, "LeaderElected");
    assert_eq!(elected[0]["leader"], "b2", "the first live in-sync replica in replica order leads");
    assert_eq!(elected[0]["unclean"], false);
    let cut = events(&trace, "Truncated");
    assert_eq!(cut.len(), 1, "{cut:?}");
    let lost = lost_with(&trace, "lost_in_leader_failover");
    assert!(lost > 0, "acks=1 confirms on the leader's append alone");
    // (A message can lose two copies: the delivery and a retried publish.)
    assert!(o.lost > 0 && o.lost as usize <= lost, "{} lost, {lost} copies: {:?}", o.lost, o.verdict);
    // Nobody had read them: they were above the high watermark.
    let cut_at = cut[0]["offset"].as_u64().unwrap();
    assert!(events(&trace, "Fetched")
        .iter()
        .all(|f| f["offset"].as_u64().unwrap() < cut_at
            || f["t_us"].as_u64().unwrap() > cut[0]["t_us"].as_u64().unwrap()));
}

#[test]
fn acks_all_keeps_every_record_through_the_same_crash() {
    let s = cluster("all", json!({}), &[(0, 3000, Some(2000))], json!([]));
    let trace = common::trace_of(&s);
    let (_, o) = run(&s);
    assert_conserved(&o);
    assert_eq!(o.lost, 0);
    assert_eq!(o.processed_once + o.processed_more_than_once, 40);
    // The unconfirmed writes the failover cut were sent again.
    assert!(events(&trace, "PublishFailed").iter().any(|e| e["reason"] == "leader_not_available"));
}

#[test]
fn acks_all_is_refused_while_too_few_replicas_are_in_sync() {
    // b2 and b3 go down for 4 s: after 1 s they leave the ISR, and acks=all writes are refused
    // until they are back and caught up.
    let s = cluster("all", json!({}), &[(1, 2000, Some(4000)), (2, 2000, Some(4000))], json!([]));
    let trace = common::trace_of(&s);
    let shrunk = events(&trace, "IsrShrunk");
    assert_eq!(shrunk.len(), 2, "{shrunk:?}");
    assert_eq!(shrunk[0]["t_us"], 3_000_000, "replica.lag.time.max.ms after the crash");
    let refused: Vec<_> =
        events(&trace, "PublishFailed").into_iter().filter(|e| e["reason"] == "not_enough_replicas").collect();
    assert!(!refused.is_empty());
    assert!(refused.iter().all(|e| (3_000_000..=6_600_000).contains(&e["t_us"].as_u64().unwrap())), "{refused:?}");
    let expanded = events(&trace, "IsrExpanded");
    assert_eq!(expanded.len(), 2, "both come back into the ISR: {expanded:?}");
    let (_, o) = run(&s);
    assert_eq!(o.lost, 0, "the producer retries until the ISR is big enough again");
    // acks=1 is not held to min.insync.replicas.
    let s = cluster("1", json!({}), &[(1, 2000, Some(4000)), (2, 2000, Some(4000))], json!([]));
    assert!(!events(&common::trace_of(&s), "PublishFailed").iter().any(|e| e["reason"] == "not_enough_replicas"));
}

#[test]
fn a_partition_without_a_live_in_sync_replica_is_offline_unless_unclean_election_is_allowed() {
    // The followers go down at 1 s and leave the ISR at 2 s; the leader goes on alone
    // (min.insync.replicas 1) and crashes at 5 s; the followers are back at 6 s.
    let crashes = [(1, 1000, Some(5000)), (2, 1000, Some(5000)), (0, 5000, Some(4000))];
    let clean = cluster("all", json!({"min_insync_replicas": 1}), &crashes, json!([]));
    let trace = common::trace_of(&clean);
    let offline = events(&trace, "PartitionOffline");
    assert_eq!(offline.len(), 1);
    assert_eq!(offline[0]["t_us"], 5_000_000);
    let elected = events(&trace, "LeaderElected");
    assert_eq!(elected.last().unwrap()["leader"], "b1", "the last in-sync replica leads again when it is back");
    assert_eq!(elected.last().unwrap()["t_us"], 9_000_000);
    assert!(events(&trace, "Truncated").is_empty());
    let (_, o) = run(&clean);
    assert_eq!(o.lost, 0, "unavailable for 4 s, but nothing lost");

    let unclean =
        cluster("all", json!({"min_insync_replicas": 1, "unclean_leader_election": true}), &crashes, json!([]));
    let trace = common::trace_of(&unclean);
    let elected = events(&trace, "LeaderElected");
    let at_six = elected.iter().find(|e| e["t_us"] == 6_000_000).expect("an election as soon as a replica is back");
    assert_eq!(at_six["unclean"], true);
    let lost = lost_with(&trace, "lost_to_unclean_election");
    let cut = events(&trace, "Truncated");
    assert_eq!(cut.len(), 1);
    // Records the consumer had already read (and charged) are gone from the log.
    let cut_at = cut[0]["offset"].as_u64().unwrap();
    let read_then_cut = events(&trace, "Fetched")
        .iter()
        .filter(|f| f["offset"].as_u64().unwrap() >= cut_at)
        .filter(|f| f["t_us"].as_u64().unwrap() < 6_000_000)
        .count();
    assert!(read_then_cut > 0, "unclean election loses records below the old high watermark");
    // The one group had processed them: not lost to it, but gone for any group that reads later.
    assert_eq!(lost, 0, "one group, which had read everything: {:?}", events(&trace, "Lost"));
}

#[test]
fn no_consumer_reads_past_the_high_watermark() {
    // With a slow follower, a record is readable only once both replicas have it.
    let s = cluster("1", json!({"replica_fetch_ms": 400}), &[], json!([]));
    let trace = common::trace_of(&s);
    for f in events(&trace, "Fetched") {
        let offset = &f["offset"];
        let appended = events(&trace, "Appended").into_iter().find(|a| &a["offset"] == offset).unwrap();
        let waited = f["t_us"].as_u64().unwrap() - appended["t_us"].as_u64().unwrap();
        assert!(waited >= 400_000, "offset {offset} read {waited} us after its append");
    }
}

#[test]
fn the_idempotent_producer_writes_a_failover_retry_once() {
    let mut s: Value = serde_json::from_str(&cluster("all", json!({}), &[(0, 3000, Some(2000))], json!([]))).unwrap();
    s["nodes"][3]["idempotent"] = json!(true);
    let s = s.to_string();
    let plain = run(&cluster("all", json!({}), &[(0, 3000, Some(2000))], json!([]))).1;
    let (_, o) = run(&s);
    assert_eq!(o.lost, 0);
    assert_eq!(o.processed_more_than_once, 0, "plain producer: {} duplicated", plain.processed_more_than_once);
}

#[test]
fn a_broker_crash_action_and_recovery_work_like_its_own_crash() {
    let by_setting = cluster("1", json!({}), &[(0, 3000, Some(2000))], json!([]));
    let by_action = cluster(
        "1",
        json!({}),
        &[],
        json!([{"at_ms": 3000, "crash_broker": {"broker": "b1"}}, {"at_ms": 5000, "recover_broker": {"broker": "b1"}}]),
    );
    let a = common::trace_of(&by_setting);
    let b = common::trace_of(&by_action);
    assert_eq!(events(&a, "Lost").len(), events(&b, "Lost").len());
    assert_eq!(events(&b, "BrokerCrashed").len(), 1);
    assert_eq!(events(&b, "BrokerRecovered").len(), 1);
    let mut sim = load(&by_action);
    sim.advance_to(broker::SimTime::from_ms(4000));
    let snap = sim.snapshot();
    let b1 = snap.nodes.iter().find(|n| n.id == "b1").unwrap();
    assert_eq!(b1.state, "down");
    let t = snap.nodes.iter().find(|n| n.id == "t").unwrap();
    let replicas = &t.partitions.as_ref().unwrap()[0].replicas;
    assert_eq!(
        replicas.iter().map(|r| (r.broker.as_str(), r.leader, r.up)).collect::<Vec<_>>(),
        [("b1", false, false), ("b2", true, true), ("b3", false, true)]
    );
}

#[test]
fn the_checker_holds_replication_to_the_brokers_there_are() {
    let problems =
        |s: &str| broker::load(s).err().map(|p| p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"));
    let none =
        scenario_json(1000, json!([{"id": "t", "kind": "topic", "replication_factor": 3}]), json!([]), json!([]));
    assert!(problems(&none).unwrap().contains("no brokers"), "{:?}", problems(&none));
    let s = cluster("all", json!({"replication_factor": 4}), &[], json!([]));
    assert!(problems(&s).unwrap().contains("number of brokers, 3"));
    let s = cluster("all", json!({"min_insync_replicas": 4}), &[], json!([]));
    assert!(problems(&s).unwrap().contains("min_insync_replicas"));
    let mut v: Value = serde_json::from_str(&cluster("1", json!({}), &[], json!([]))).unwrap();
    v["nodes"][3]["idempotent"] = json!(true);
    assert!(
        problems(&v.to_string()).unwrap().contains("acks \\\"all\\\"")
            || problems(&v.to_string()).unwrap().contains("acks \"all\"")
    );
    let mut v: Value = serde_json::from_str(&cluster("0", json!({}), &[], json!([]))).unwrap();
    assert!(problems(&v.to_string()).unwrap().contains("cannot retry"));
    v["wires"] = json!([["b1", "t"]]);
    assert!(problems(&v.to_string()).unwrap().contains("a broker is not wired"));
    let queue = scenario_json(
        1000,
        json!([{"id": "p", "kind": "producer", "acks": "1"}, {"id": "q", "kind": "queue"}]),
        json!([["p", "q"]]),
        json!([]),
    );
    assert!(problems(&queue).unwrap().contains("acks is Kafka's producer setting"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Kafka's promise: with acks=all, min.insync.replicas 2 of 3 and clean election, no
    /// acknowledged record is lost while at most one broker is down at a time; and no consumer
    /// reads a record that is later cut from the log.
    #[test]
    fn acks_all_loses_nothing_with_one_broker_down_at_a_time(
        seed in 0u64..1000,
        partitions in 1u32..4,
        fetch_ms in 5u64..300,
        crashes in proptest::collection::vec((0usize..3, 200u64..1800), 1..4),
    ) {
        let mut actions = Vec::new();
        // One broker down at a time: each crash lasts less than the gap to the next.
        for (i, (broker, down_ms)) in crashes.iter().enumerate() {
            let at = 1000 + i as u64 * 2500;
            actions.push(json!({"at_ms": at, "crash_broker": {"broker": format!("b{}", broker + 1), "recover_after_ms": down_ms}}));
        }
        let mut v: Value = serde_json::from_str(&cluster(
            "all",
            json!({"partitions": partitions, "replica_fetch_ms": fetch_ms}),
            &[],
            Value::Array(actions),
        )).unwrap();
        v["seed"] = json!(seed);
        v["nodes"][3]["arrivals"] = json!({"poisson": {"rate_per_s": 20}});
        let s = v.to_string();
        let trace = common::trace_of(&s);
        let (_, o) = run(&s);
        prop_assert_eq!(o.lost, 0, "{}", s);
        prop_assert_eq!(o.processed_once + o.processed_more_than_once, 40, "{}", s);
        for cut in events(&trace, "Truncated") {
            let at = cut["t_us"].as_u64().unwrap();
            let from = cut["offset"].as_u64().unwrap();
            let read_then_cut = events(&trace, "Fetched").iter().any(|f| {
                f["partition"] == cut["partition"] && f["offset"].as_u64().unwrap() >= from && f["t_us"].as_u64().unwrap() <= at
            });
            prop_assert!(!read_then_cut, "a record read below the high watermark was cut: {}", s);
        }
    }
}

/// Three brokers (`crashes` as actions), a producer with confirms and retries, `queue` (its
/// settings), and a consumer.
fn queue_cluster(queue: Value, actions: Value) -> String {
    let mut q = json!({"id": "q", "kind": "queue"});
    for (k, v) in queue.as_object().expect("an object") {
        q[k] = v.clone();
    }
    let nodes = json!([
        {"id": "b1", "kind": "broker"}, {"id": "b2", "kind": "broker"}, {"id": "b3", "kind": "broker"},
        {"id": "p", "kind": "producer", "count": 60, "arrivals": {"fixed": {"interval_ms": 100}},
         "keys": "order-1..order-60", "publish": {"timeout_ms": 500, "retries": 20, "backoff_ms": 200}},
        q,
        {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 150}}}
    ]);
    scenario_json(15_000, nodes, json!([["p", "q"], ["q", "c"]]), actions)
}

fn crash(at: u64, broker: &str, back: u64) -> Value {
    json!({"at_ms": at, "crash_broker": {"broker": broker, "recover_after_ms": back}})
}

#[test]
fn a_transient_classic_queue_loses_its_messages_with_its_broker_and_a_durable_one_keeps_them() {
    let s = queue_cluster(json!({}), json!([crash(2000, "b1", 2000)]));
    let trace = common::trace_of(&s);
    assert_eq!(events(&trace, "QueueDown").len(), 1, "a classic queue lives on b1 alone");
    assert_eq!(events(&trace, "QueueUp")[0]["t_us"], 4_000_000);
    let lost = lost_with(&trace, "lost_with_its_broker");
    assert!(lost > 0, "the messages it held were in b1's memory");
    let (_, o) = run(&s);
    assert_conserved(&o);
    // (A message can lose two copies: the delivery and a retried publish.)
    assert!(o.lost > 0 && o.lost as usize <= lost, "{} lost, {lost} copies: {:?}", o.lost, o.verdict);

    let s = queue_cluster(json!({"durable": true}), json!([crash(2000, "b1", 2000)]));
    let trace = common::trace_of(&s);
    assert_eq!(lost_with(&trace, "lost_with_its_broker"), 0);
    let (_, o) = run(&s);
    assert_conserved(&o);
    assert_eq!((o.lost, o.processed_once + o.processed_more_than_once), (0, 60), "{:?}", o.verdict);
    // While b1 is down the producer's publishes are refused, and retried until it is back.
    assert!(events(&trace, "PublishFailed").iter().all(|e| e["reason"] == "broker_outage"));
    assert!(!events(&trace, "PublishFailed").is_empty());
}

#[test]
fn a_quorum_queue_survives_a_minority_and_waits_for_a_majority_losing_nothing() {
    let s = queue_cluster(json!({"queue_type": "quorum"}), json!([crash(2000, "b1", 3000)]));
    let trace = common::trace_of(&s);
    assert!(events(&trace, "QueueDown").is_empty(), "two of three replicas are a majority");
    let moved = events(&trace, "QueueLeaderMoved");
    assert_eq!((moved.len(), &moved[0]["leader"]), (1, &json!("b2")));
    let (_, o) = run(&s);
    assert_eq!((o.lost, o.processed_once), (0, 60), "{:?}", o.verdict);

    let s = queue_cluster(json!({"queue_type": "quorum"}), json!([crash(2000, "b1", 3000), crash(2500, "b2", 1000)]));
    let trace = common::trace_of(&s);
    let down = events(&trace, "QueueDown");
    assert_eq!((down.len(), &down[0]["t_us"]), (1, &json!(2_500_000)), "b1 and b2 down: no majority");
    assert_eq!(events(&trace, "QueueUp")[0]["t_us"], 3_500_000, "b2 back: two of three again");
    let (_, o) = run(&s);
    assert_conserved(&o);
    assert_eq!(o.lost, 0, "{:?}", o.verdict);
    assert_eq!(o.processed_once + o.processed_more_than_once, 60);
}

#[test]
fn durable_is_a_classic_queue_setting() {
    let s = queue_cluster(json!({"queue_type": "quorum", "durable": true}), json!([]));
    let problems = format!("{:?}", broker::load(&s).err().expect("refused"));
    assert!(problems.contains("a quorum queue is always durable"), "{problems}");
}
