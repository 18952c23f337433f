//! Topic behaviour, checked against what Kafka documents: the default partitioner, retention,
//! consumer groups with their assignors and session timeouts, commit modes and what each
//! delivery semantics loses or duplicates, replay, head-of-line blocking and dead-letter
//! topics, the idempotent producer, the dual write and the transactional outbox, outages, and
//! the lag figures in the snapshot and the outcome.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use broker::assignor::{self, Assignment, PartitionCounts, Subscriptions, TopicPartition};
use broker::{SimTime, Simulation};
use common::{assert_conserved, events, load, run, scenario_json, trace_of};
use serde_json::{json, Value};

/// A producer of `count` records, one every `interval_ms`, with keys (a range or a list) or
/// none.
fn producer(count: u32, interval_ms: f64, keys: Option<Value>) -> Value {
    let mut p =
        json!({"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": interval_ms}}, "count": count});
    if let Some(k) = keys {
        p["keys"] = k;
    }
    p
}

/// `count` records at once, at time 0, all on key k-1.
fn burst(count: u32) -> Value {
    json!({"id": "p", "kind": "producer", "arrivals": {"burst": {"size": count, "every_ms": 3_600_000}}, "count": count, "keys": ["k-1"]})
}

fn topic(id: &str, partitions: u32) -> Value {
    json!({"id": id, "kind": "topic", "partitions": partitions})
}

/// A topic consumer: the defaults below (group "g", earliest, 10 ms per record) plus `extra`.
fn consumer(id: &str, extra: Value) -> Value {
    let mut c = json!({"id": id, "kind": "consumer", "group": "g", "auto_offset_reset": "earliest",
                       "processing": {"fixed": {"ms": 10}}, "effect": "charge card"});
    for (k, v) in extra.as_object().expect("an object") {
        c[k] = v.clone();
    }
    c
}

/// A producer `p` wired to topic `t`, read by the given consumers.
fn on_topic(duration_ms: u64, p: Value, t: Value, consumers: Vec<Value>, actions: Value) -> String {
    let mut wires = vec![json!(["p", "t"])];
    for c in &consumers {
        wires.push(json!(["t", c["id"]]));
    }
    let mut nodes = vec![p, t];
    nodes.extend(consumers);
    scenario_json(duration_ms, Value::Array(nodes), Value::Array(wires), actions)
}

/// Runs to the end and returns the simulation (for its snapshot and outcome) and the trace.
fn run_traced(s: &str) -> (Simulation, Vec<Value>) {
    let mut sim = load(s);
    sim.run_to_end();
    let entries = sim.drain_trace();
    let t = entries.iter().map(|e| e.to_json(&sim)).collect();
    (sim, t)
}

fn at_ms(e: &Value) -> f64 {
    e["t_us"].as_u64().expect("t_us") as f64 / 1000.0
}

fn fate_of<'a>(o: &'a broker::Outcome, id: &str) -> (&'a str, Option<&'a str>) {
    let m = o.messages.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("no message {id}"));
    (m.fate.name(), m.reason)
}

fn count_reason(o: &broker::Outcome, fate: &str, reason: &str) -> usize {
    o.messages.iter().filter(|m| m.fate == fate && m.reason == Some(reason)).count()
}

/// The assignment of a Rebalanced line, as the assignor module spells it.
fn assignment_of(e: &Value) -> Assignment {
    e["assignment"]
        .as_object()
        .expect("an assignment object")
        .iter()
        .map(|(m, parts)| {
            let parts = parts
                .as_array()
                .expect("a list")
                .iter()
                .map(|tp| {
                    let (t, p) = tp.as_str().unwrap().rsplit_once('/').expect("topic/partition");
                    TopicPartition::new(t, p.parse().unwrap())
                })
                .collect();
            (m.clone(), parts)
        })
        .collect()
}

fn subscriptions(members: &[&str], topic: &str) -> Subscriptions {
    members.iter().map(|m| (m.to_string(), broker::sorted_map::SortedSet::from([topic.to_string()]))).collect()
}

// ---------------------------------------------------------------------------------------------
// Partitioning

#[test]
fn keyed_records_land_where_the_partition_command_says() {
    let s = on_topic(
        5_000,
        producer(40, 10.0, Some(json!("order-1..order-40"))),
        topic("t", 7),
        vec![consumer("c", json!({}))],
        json!([]),
    );
    let t = trace_of(&s);
    let keys: BTreeMap<String, String> = events(&t, "Published")
        .iter()
        .map(|e| (e["msg"].as_str().unwrap().to_string(), e["key"].as_str().unwrap().to_string()))
        .collect();
    let appended = events(&t, "Appended");
    assert_eq!(appended.len(), 40);
    let mut used = BTreeSet::new();
    for e in appended {
        let key = &keys[e["msg"].as_str().unwrap()];
        let partition = e["partition"].as_u64().unwrap() as u32;
        assert_eq!(partition, broker::partition_for_key(key.as_bytes(), 7), "{key}");
        used.insert(partition);
    }
    assert!(used.len() > 3, "forty keys spread over the partitions: {used:?}");
    // The command line says the same, for a few of them.
    for key in ["order-1", "order-2", "order-17", "order-40"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_brokerlab"))
            .args(["partition", key, "--partitions", "7"])
            .output()
            .expect("runs");
        assert!(out.status.success());
        let printed: u32 = String::from_utf8(out.stdout).unwrap().trim().parse().unwrap();
        assert_eq!(printed, broker::partition_for_key(key.as_bytes(), 7), "{key}");
        let appended_to = events(&t, "Appended")
            .iter()
            .find(|e| keys[e["msg"].as_str().unwrap()] == key)
            .map(|e| e["partition"].as_u64().unwrap() as u32);
        assert_eq!(appended_to, Some(printed), "{key}");
    }
}

#[test]
fn unkeyed_records_go_round_robin() {
    let s = on_topic(5_000, producer(9, 10.0, None), topic("t", 3), vec![consumer("c", json!({}))], json!([]));
    let t = trace_of(&s);
    let parts: Vec<u64> = events(&t, "Appended").iter().map(|e| e["partition"].as_u64().unwrap()).collect();
    assert_eq!(parts, [0, 1, 2, 0, 1, 2, 0, 1, 2]);
    let offsets: Vec<u64> = events(&t, "Appended").iter().map(|e| e["offset"].as_u64().unwrap()).collect();
    assert_eq!(offsets, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
}

// ---------------------------------------------------------------------------------------------
// Retention and auto.offset.reset

#[test]
fn retention_by_count_moves_the_log_start_and_loses_unread_records() {
    // Ten records on one partition that keeps three; the only consumer joins at 1 s.
    let mut t = topic("t", 1);
    t["retention_records"] = json!(3);
    let s = on_topic(5_000, producer(10, 10.0, None), t, vec![consumer("c", json!({"start_ms": 1000}))], json!([]));
    let mut sim = load(&s);
    sim.advance_to(SimTime::from_ms(55));
    let snap = sim.snapshot();
    let part = &snap.nodes.iter().find(|n| n.id == "t").unwrap().partitions.as_ref().unwrap()[0];
    assert_eq!((part.log_start, part.log_end), (3, 6), "records 0..=5 written, 3 kept");
    sim.run_to_end();
    let snap = sim.snapshot();
    let part = &snap.nodes.iter().find(|n| n.id == "t").unwrap().partitions.as_ref().unwrap()[0];
    assert_eq!((part.log_start, part.log_end), (7, 10));
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!(count_reason(&o, "lost", "deleted_by_retention"), 7);
    assert_eq!(o.processed_once, 3, "the three kept are read from the log start (earliest)");
    for id in ["p-1", "p-7"] {
        assert_eq!(fate_of(&o, id), ("lost", Some("deleted_by_retention")));
    }
    assert_eq!(fate_of(&o, "p-8").0, "processed_once");
}

#[test]
fn retention_by_time_deletes_records_older_than_the_retention() {
    // Records at 0, 10, ..., 90 ms, kept 100 ms; the consumer joins at 1 s and finds nothing.
    let mut t = topic("t", 1);
    t["retention_ms"] = json!(100);
    let s = on_topic(5_000, producer(10, 10.0, None), t, vec![consumer("c", json!({"start_ms": 1000}))], json!([]));
    let mut sim = load(&s);
    sim.advance_to(SimTime::from_ms(155));
    let snap = sim.snapshot();
    let part = &snap.nodes.iter().find(|n| n.id == "t").unwrap().partitions.as_ref().unwrap()[0];
    assert_eq!((part.log_start, part.log_end), (6, 10), "0..=50 ms are older than 100 ms at 155 ms");
    sim.run_to_end();
    let entries = sim.drain_trace();
    let deleted: Vec<(u64, u64)> = entries
        .iter()
        .map(|e| e.to_json(&sim))
        .filter(|e| e["event"] == "Deleted")
        .map(|e| (e["offset"].as_u64().unwrap(), e["t_us"].as_u64().unwrap()))
        .collect();
    assert_eq!(deleted, (0..10).map(|i| (i, 100_000 + i * 10_000)).collect::<Vec<_>>(), "each at append + 100 ms");
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!(count_reason(&o, "lost", "deleted_by_retention"), 10);
}

/// One partition keeping 3 records; the consumer reads and commits 0..=2 record by record,
/// crashes at 25 ms and comes back at 500 ms, when the log holds 7..=9 only.
fn behind_the_log_start(reset: &str) -> String {
    let mut t = topic("t", 1);
    t["retention_records"] = json!(3);
    on_topic(
        5_000,
        producer(10, 10.0, None),
        t,
        vec![consumer(
            "c",
            json!({"commit": "record", "processing": {"fixed": {"ms": 1}}, "auto_offset_reset": reset}),
        )],
        json!([{"at_ms": 25, "crash": {"consumer": "c", "recover_after_ms": 475}}]),
    )
}

#[test]
fn a_group_behind_the_log_start_is_reset_by_auto_offset_reset() {
    for (reset, reason, to, processed) in
        [("earliest", "auto_offset_reset_earliest", 7, 6), ("latest", "auto_offset_reset_latest", 10, 3)]
    {
        let s = behind_the_log_start(reset);
        let (sim, t) = run_traced(&s);
        let commits: Vec<u64> = events(&t, "Committed").iter().map(|e| e["offset"].as_u64().unwrap()).collect();
        assert_eq!(&commits[..3], [1, 2, 3], "{reset}");
        let resets = events(&t, "OffsetsReset");
        assert_eq!(resets.len(), 1, "{reset}: {resets:?}");
        assert_eq!(resets[0]["reason"], reason);
        assert_eq!(resets[0]["offset"], to);
        assert!(at_ms(resets[0]) >= 500.0);
        let o = sim.outcome();
        assert_conserved(&o);
        assert_eq!(o.processed_once, processed, "{reset}");
        assert_eq!(count_reason(&o, "lost", "deleted_by_retention"), 4, "{reset}: 3..=6 deleted unread");
        let skipped = if reset == "latest" { 3 } else { 0 };
        assert_eq!(count_reason(&o, "lost", "skipped_by_offset_reset"), skipped, "{reset}");
    }
}

// ---------------------------------------------------------------------------------------------
// Commit modes

#[test]
fn record_commit_follows_every_record() {
    let s = on_topic(2_000, burst(5), topic("t", 1), vec![consumer("c", json!({"commit": "record"}))], json!([]));
    let t = trace_of(&s);
    let commits = events(&t, "Committed");
    assert_eq!(commits.iter().map(|e| e["offset"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    // Each one straight after its record's effect.
    for c in &commits {
        let i = t.iter().position(|e| e["seq"] == c["seq"]).unwrap();
        assert_eq!(t[i - 1]["event"], "EffectApplied");
        assert_eq!(at_ms(&t[i - 1]), at_ms(c));
        assert_eq!(
            (c["group"].as_str(), c["topic"].as_str(), c["partition"].as_u64()),
            (Some("g"), Some("t"), Some(0))
        );
    }
}

#[test]
fn batch_commit_follows_each_poll() {
    // Five records at once, two per poll: the first poll finds one (the rest are not written
    // yet), then [1, 2] and [3, 4].
    let s = on_topic(
        2_000,
        burst(5),
        topic("t", 1),
        vec![consumer("c", json!({"commit": "batch", "max_poll_records": 2}))],
        json!([]),
    );
    let t = trace_of(&s);
    let commits: Vec<(u64, f64)> =
        events(&t, "Committed").iter().map(|e| (e["offset"].as_u64().unwrap(), at_ms(e))).collect();
    assert_eq!(commits, [(1, 10.0), (3, 30.0), (5, 50.0)]);
    let fetches: Vec<f64> = events(&t, "Fetched").iter().map(|e| at_ms(e)).collect();
    assert_eq!(fetches, [0.0, 10.0, 10.0, 30.0, 30.0]);
}

#[test]
fn auto_commit_happens_at_the_interval() {
    // A record every 30 ms for 300 ms; auto-commit every 100 ms.
    let s = on_topic(
        2_000,
        producer(10, 30.0, None),
        topic("t", 1),
        vec![consumer("c", json!({"commit": "auto", "auto_commit_interval_ms": 100}))],
        json!([]),
    );
    let t = trace_of(&s);
    let commits = events(&t, "Committed");
    assert!((2..=4).contains(&commits.len()), "{commits:?}");
    let mut last = 0.0;
    for c in &commits {
        assert!(at_ms(c) - last >= 100.0, "{} ms after the last commit at {last} ms", at_ms(c) - last);
        last = at_ms(c);
    }
    assert_eq!(commits.last().unwrap()["offset"], 10, "the idle consumer commits the rest at its next interval");
    let (_, o) = run(&s);
    assert_eq!(o.processed_once, 10);
}

// ---------------------------------------------------------------------------------------------
// Delivery semantics and crashes

/// Five records at once; the consumer crashes at 25 ms, while processing the third, and comes
/// back at 100 ms.
fn crash_mid_batch(semantics: &str, commit: &str) -> String {
    on_topic(
        2_000,
        burst(5),
        topic("t", 1),
        vec![consumer("c", json!({"semantics": semantics, "commit": commit}))],
        json!([{"at_ms": 25, "crash": {"consumer": "c", "recover_after_ms": 75}}]),
    )
}

#[test]
fn at_most_once_commits_before_processing_and_loses_records_to_a_crash() {
    let s = crash_mid_batch("at-most-once", "auto");
    let t = trace_of(&s);
    // The offsets are committed at each poll, before the records are processed.
    let first_commit = events(&t, "Committed")[0];
    let i = t.iter().position(|e| e["seq"] == first_commit["seq"]).unwrap();
    assert!(t[..i].iter().all(|e| e["event"] != "ProcessingStarted"));
    assert_eq!(first_commit["offset"], 1);
    let (_, o) = run(&s);
    assert_conserved(&o);
    assert_eq!(o.processed_once, 2);
    assert_eq!(o.processed_more_than_once, 0);
    assert_eq!(count_reason(&o, "lost", "consumer_crashed_after_commit"), 3);
    for id in ["p-3", "p-4", "p-5"] {
        assert_eq!(fate_of(&o, id), ("lost", Some("consumer_crashed_after_commit")));
    }
}

#[test]
fn at_least_once_redelivers_after_a_crash_and_auto_commit_duplicates() {
    let s = crash_mid_batch("at-least-once", "auto");
    let t = trace_of(&s);
    let redelivered: Vec<&str> =
        events(&t, "Fetched").iter().filter(|e| e["redelivered"] == true).map(|e| e["msg"].as_str().unwrap()).collect();
    assert_eq!(redelivered, ["p-1", "p-2", "p-3", "p-4", "p-5"], "nothing was committed: all read again");
    let (_, o) = run(&s);
    assert_conserved(&o);
    assert_eq!(o.lost, 0);
    assert_eq!(o.processed_more_than_once, 2, "p-1 and p-2 were processed before the crash");
    assert_eq!(o.processed_once, 3);

    // Committing record by record leaves nothing to repeat.
    let (_, o) = run(&crash_mid_batch("at-least-once", "record"));
    assert_eq!((o.lost, o.processed_more_than_once, o.processed_once), (0, 0, 5));
}

#[test]
fn a_crash_rebalances_only_after_the_session_timeout_and_the_consumer_rejoins() {
    // a and b share two partitions; a crashes at 1 s. Heartbeats every 300 ms, so its last one
    // was at 900 ms and the group notices at 900 + 1000 ms. It comes back at 4 s.
    let c = |id: &str| consumer(id, json!({"session_timeout_ms": 1000, "heartbeat_interval_ms": 300}));
    let s = on_topic(
        6_000,
        producer(100, 50.0, None),
        topic("t", 2),
        vec![c("a"), c("b")],
        json!([{"at_ms": 1000, "crash": {"consumer": "a", "recover_after_ms": 3000}}]),
    );
    let t = trace_of(&s);
    let left = events(&t, "LeftGroup");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!((left[0]["node"].as_str(), left[0]["reason"].as_str()), (Some("a"), Some("session_timeout")));
    assert_eq!(at_ms(left[0]), 1900.0);
    let rebalances = events(&t, "Rebalanced");
    let gens: Vec<(u64, f64)> = rebalances.iter().map(|e| (e["generation"].as_u64().unwrap(), at_ms(e))).collect();
    assert_eq!(gens, [(1, 0.0), (2, 1900.0), (3, 4000.0)]);
    assert_eq!(rebalances[1]["assignment"], json!({"b": ["t/0", "t/1"]}));
    assert_eq!(rebalances[2]["assignment"], json!({"a": ["t/0"], "b": ["t/1"]}));
    // Between the crash and the session timeout nobody reads a's partition.
    let stalled =
        events(&t, "Fetched").iter().filter(|e| e["partition"] == 0 && (1000.0..1900.0).contains(&at_ms(e))).count();
    assert_eq!(stalled, 0);
    let joined: Vec<(&str, f64)> =
        events(&t, "JoinedGroup").iter().map(|e| (e["node"].as_str().unwrap(), at_ms(e))).collect();
    assert_eq!(joined, [("a", 0.0), ("b", 0.0), ("a", 4000.0)]);
}

#[test]
fn a_consumer_back_before_its_session_timeout_rejoins_as_a_new_member() {
    let c = |id: &str| consumer(id, json!({"session_timeout_ms": 10_000}));
    let s = on_topic(
        6_000,
        producer(100, 50.0, None),
        topic("t", 2),
        vec![c("a"), c("b")],
        json!([{"at_ms": 1000, "crash": {"consumer": "a", "recover_after_ms": 500}}]),
    );
    let t = trace_of(&s);
    let left = events(&t, "LeftGroup");
    assert_eq!(left.len(), 1);
    assert_eq!((left[0]["reason"].as_str(), at_ms(left[0])), (Some("restarted"), 1500.0));
    let gens: Vec<(u64, f64)> =
        events(&t, "Rebalanced").iter().map(|e| (e["generation"].as_u64().unwrap(), at_ms(e))).collect();
    assert_eq!(gens, [(1, 0.0), (2, 1500.0)]);
}

// ---------------------------------------------------------------------------------------------
// Assignors

#[test]
fn the_rebalanced_line_has_the_assignors_assignment() {
    let members = ["a", "b", "c"];
    let mut counts = PartitionCounts::new();
    counts.insert("t".to_string(), 7);
    let subs = subscriptions(&members, "t");
    for strategy in ["range", "roundrobin", "cooperative-sticky"] {
        let cs = members.iter().map(|m| consumer(m, json!({"assignment": strategy}))).collect();
        let t = trace_of(&on_topic(1_000, producer(1, 10.0, None), topic("t", 7), cs, json!([])));
        let r = events(&t, "Rebalanced");
        assert_eq!(r.len(), 1, "{strategy}");
        assert_eq!(r[0]["group"], "g");
        assert_eq!(r[0]["strategy"], strategy);
        assert_eq!(r[0]["generation"], 1);
        assert_eq!(r[0]["node"], "t");
        let want = match strategy {
            "range" => assignor::range(&subs, &counts),
            "roundrobin" => assignor::round_robin(&subs, &counts),
            _ => assignor::cooperative_sticky(&subs, &counts, &Assignment::new()).assignment,
        };
        assert_eq!(assignment_of(r[0]), want, "{strategy}");
    }
    // Spelled out for range: 7 = 3 + 2 + 2.
    let t = trace_of(&on_topic(
        1_000,
        producer(1, 10.0, None),
        topic("t", 7),
        members.iter().map(|m| consumer(m, json!({}))).collect(),
        json!([]),
    ));
    assert_eq!(
        events(&t, "Rebalanced")[0]["assignment"],
        json!({"a": ["t/0", "t/1", "t/2"], "b": ["t/3", "t/4"], "c": ["t/5", "t/6"]})
    );
}

#[test]
fn eager_assignors_reassign_on_a_join_as_kafka_does() {
    for strategy in ["range", "roundrobin"] {
        let cs = vec![
            consumer("a", json!({"assignment": strategy})),
            consumer("b", json!({"assignment": strategy})),
            consumer("c", json!({"assignment": strategy, "start_ms": 500})),
        ];
        let t = trace_of(&on_topic(1_000, producer(1, 10.0, None), topic("t", 5), cs, json!([])));
        let r = events(&t, "Rebalanced");
        assert_eq!(r.len(), 2, "{strategy}");
        let mut counts = PartitionCounts::new();
        counts.insert("t".to_string(), 5);
        let subs = subscriptions(&["a", "b", "c"], "t");
        let want =
            if strategy == "range" { assignor::range(&subs, &counts) } else { assignor::round_robin(&subs, &counts) };
        assert_eq!(assignment_of(r[1]), want, "{strategy}");
        assert!(r[1].get("revoked").is_none(), "eager: nothing held back");
    }
}

#[test]
fn cooperative_sticky_revokes_then_hands_over_in_a_follow_up_generation() {
    let cs = vec![
        consumer("a", json!({"assignment": "cooperative-sticky"})),
        consumer("b", json!({"assignment": "cooperative-sticky"})),
        consumer("c", json!({"assignment": "cooperative-sticky", "start_ms": 500})),
    ];
    let t = trace_of(&on_topic(1_000, producer(1, 10.0, None), topic("t", 6), cs, json!([])));
    let r = events(&t, "Rebalanced");
    assert_eq!(r.len(), 3, "{r:?}");
    assert_eq!(r.iter().map(|e| e["generation"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!((at_ms(r[1]), at_ms(r[2])), (500.0, 500.0), "the follow-up comes at once");
    let first = assignment_of(r[0]);
    let mut counts = PartitionCounts::new();
    counts.insert("t".to_string(), 6);
    let subs = subscriptions(&["a", "b", "c"], "t");
    let rounds = assignor::cooperative_sticky_settle(&subs, &counts, &first);
    assert_eq!(rounds.len(), 2);
    assert_eq!(assignment_of(r[1]), rounds[0].assignment);
    assert_eq!(assignment_of(r[2]), rounds[1].assignment);
    let revoked: Vec<TopicPartition> = r[1]["revoked"]
        .as_array()
        .expect("the first rebalance revokes")
        .iter()
        .map(|v| {
            let (t, p) = v.as_str().unwrap().split_once('/').unwrap();
            TopicPartition::new(t, p.parse().unwrap())
        })
        .collect();
    assert_eq!(revoked, rounds[0].revoked);
    assert_eq!(revoked.len(), 2, "c's fair share, one from each");
    assert!(assignment_of(r[1])["c"].is_empty(), "c gets nothing until the follow-up");
    assert_eq!(assignment_of(r[2])["c"], revoked);
    assert!(r[2].get("revoked").is_none());
    // a and b keep what they had, less what went to c.
    for m in ["a", "b"] {
        let kept = &assignment_of(r[2])[m];
        assert!(kept.iter().all(|tp| first[m].contains(tp)), "{m} moved nothing else");
    }
}

// ---------------------------------------------------------------------------------------------
// Replay

/// Ten records on one partition, processed by 200 ms; a reset at 1 s.
fn replay(to: Value, semantics: &str) -> String {
    on_topic(
        2_000,
        producer(10, 10.0, None),
        topic("t", 1),
        vec![consumer("c", json!({"commit": "record", "processing": {"fixed": {"ms": 1}}, "semantics": semantics}))],
        json!([{"at_ms": 1000, "reset_offsets": {"group": "g", "topic": "t", "to": to}}]),
    )
}

fn replayed(t: &[Value]) -> Vec<u64> {
    events(t, "Fetched").iter().filter(|e| at_ms(e) >= 1000.0).map(|e| e["offset"].as_u64().unwrap()).collect()
}

#[test]
fn reset_offsets_replays_from_earliest_an_offset_or_a_time() {
    for (to, from) in [(json!("earliest"), 0u64), (json!({"offset": 6}), 6), (json!({"time_ms": 35}), 4)] {
        let s = replay(to.clone(), "at-least-once");
        let t = trace_of(&s);
        let resets = events(&t, "OffsetsReset");
        assert_eq!(resets.len(), 1, "{to}");
        assert_eq!((resets[0]["reason"].as_str(), resets[0]["offset"].as_u64()), (Some("reset_offsets"), Some(from)));
        assert_eq!(replayed(&t), (from..10).collect::<Vec<_>>(), "{to}");
        assert!(events(&t, "Fetched").iter().filter(|e| at_ms(e) >= 1000.0).all(|e| e["redelivered"] == true));
        let (_, o) = run(&s);
        assert_conserved(&o);
        assert_eq!(o.processed_more_than_once, 10 - from, "{to}: every replayed effect again");
    }
    // Past the log end is clamped to it: nothing to replay.
    let t = trace_of(&replay(json!({"offset": 99}), "at-least-once"));
    assert_eq!(events(&t, "OffsetsReset")[0]["offset"], 10);
    assert!(replayed(&t).is_empty());
}

#[test]
fn an_exactly_once_consumer_replays_without_applying_effects_again() {
    let (_, o) = run(&replay(json!("earliest"), "exactly-once"));
    assert_eq!(o.processed_more_than_once, 0);
    assert_eq!(o.duplicate_effects, 0);
    assert_eq!(o.duplicates_suppressed, 10);
    assert_eq!(o.processed_once, 10);
}

// ---------------------------------------------------------------------------------------------
// Head-of-line blocking and dead-letter topics

/// Two partitions; k-1's records are poison. Keys alternate, so k-1's partition also holds
/// whatever other keys hash there.
fn poison(retry: Value, extra_nodes: Vec<Value>, dead_letter: Option<&str>) -> String {
    let mut c = consumer("c", json!({"retry": retry, "faults": [{"poison": {"key": "k-1"}}], "commit": "record"}));
    if let Some(d) = dead_letter {
        c["dead_letter"] = json!(d);
    }
    let mut nodes = vec![producer(12, 20.0, Some(json!("k-1..k-6"))), topic("t", 2), c];
    nodes.extend(extra_nodes);
    scenario_json(3_000, Value::Array(nodes), json!([["p", "t"], ["t", "c"]]), json!([]))
}

fn partition_of(key: &str) -> u32 {
    broker::partition_for_key(key.as_bytes(), 2)
}

#[test]
fn a_poison_record_blocks_its_partition() {
    let s = poison(json!({"policy": "fixed", "base_ms": 50, "max_attempts": 3, "then": "block"}), vec![], None);
    let mut sim = load(&s);
    sim.run_to_end();
    let blocked_p = partition_of("k-1");
    let snap = sim.snapshot();
    let parts = snap.nodes.iter().find(|n| n.id == "t").unwrap().partitions.clone().unwrap();
    assert!(parts[blocked_p as usize].groups[0].blocked, "{parts:#?}");
    assert!(!parts[1 - blocked_p as usize].groups[0].blocked);
    assert_eq!(parts[blocked_p as usize].groups[0].committed, None, "stuck at its first record");
    let o = sim.outcome();
    assert_conserved(&o);
    // Everything on k-1's partition waits behind it; the other partition is read in full.
    // (One consumer works on one record at a time, so a blocked record holds it up entirely.)
    let keys_on = |p: u32| {
        o.messages.iter().filter(|m| partition_of(m.key.as_deref().unwrap()) == p).map(|m| m.fate).collect::<Vec<_>>()
    };
    assert!(keys_on(blocked_p).iter().all(|f| *f == "in_flight"), "{:?}", keys_on(blocked_p));
    assert!(o.in_flight >= 2);
    // "requeue", the default, blocks in the same way.
    let s = poison(json!({"policy": "fixed", "base_ms": 50, "max_attempts": 2, "then": "requeue"}), vec![], None);
    let mut sim = load(&s);
    sim.run_to_end();
    let snap = sim.snapshot();
    let parts = snap.nodes.iter().find(|n| n.id == "t").unwrap().partitions.clone().unwrap();
    assert!(parts[blocked_p as usize].groups[0].blocked);
}

#[test]
fn a_dead_letter_topic_takes_the_poison_record_and_the_partition_moves_on() {
    let s = poison(
        json!({"policy": "fixed", "base_ms": 50, "max_attempts": 3, "then": "dead_letter"}),
        vec![topic("dlt", 1)],
        Some("dlt"),
    );
    let (sim, t) = run_traced(&s);
    let dl = events(&t, "DeadLettered");
    assert_eq!(dl.len(), 2, "k-1 twice");
    assert!(dl.iter().all(|e| e["target"] == "dlt" && e["reason"] == "rejected" && e["node"] == "c"));
    let into_dlt: Vec<&str> =
        events(&t, "Appended").iter().filter(|e| e["node"] == "dlt").map(|e| e["msg"].as_str().unwrap()).collect();
    assert_eq!(into_dlt, ["p-1", "p-7"]);
    let snap = sim.snapshot();
    let parts = snap.nodes.iter().find(|n| n.id == "t").unwrap().partitions.clone().unwrap();
    assert!(parts.iter().all(|p| !p.groups[0].blocked));
    assert!(parts.iter().all(|p| p.groups[0].committed == Some(p.log_end)), "{parts:#?}");
    let dlt = snap.nodes.iter().find(|n| n.id == "dlt").unwrap().partitions.clone().unwrap();
    assert_eq!(dlt[0].log_end, 2);
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!((o.processed_once, o.dead_lettered, o.in_flight), (10, 2, 0));
    let m = o.messages.iter().find(|m| m.id == "p-1").unwrap();
    assert_eq!((m.fate.name(), m.reason), ("dead_lettered", Some("rejected")));
    assert_eq!(m.deaths.len(), 1);
    assert_eq!((m.deaths[0].queue.as_str(), m.deaths[0].reason, m.deaths[0].count), ("t", "rejected", 1));
}

#[test]
fn a_dead_letter_topic_with_its_own_consumer_gets_the_record_processed() {
    let s = poison(
        json!({"policy": "fixed", "base_ms": 50, "max_attempts": 3, "then": "dead_letter"}),
        vec![topic("dlt", 1), json!({"id": "fixer", "kind": "consumer", "auto_offset_reset": "earliest"})],
        Some("dlt"),
    )
    .replace(r#"["t","c"]]"#, r#"["t","c"],["dlt","fixer"]]"#);
    assert!(s.contains("fixer\"]"));
    let (sim, t) = run_traced(&s);
    let fetched: Vec<&str> =
        events(&t, "Fetched").iter().filter(|e| e["node"] == "fixer").map(|e| e["msg"].as_str().unwrap()).collect();
    assert_eq!(fetched, ["p-1", "p-7"]);
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!(o.processed_once, 12);
}

// ---------------------------------------------------------------------------------------------
// Exactly-once and transactions across crashes and rebalances

/// Two members on four partitions, auto-commit every 5 s; a crashes at 2 s and b takes over
/// after the session timeout, re-reading what a processed since its last commit.
fn takeover(semantics: &str, transactional: bool) -> String {
    let c = |id: &str| {
        let mut c =
            consumer(id, json!({"semantics": semantics, "session_timeout_ms": 500, "heartbeat_interval_ms": 100}));
        if transactional {
            c["transactional"] = json!(true);
        }
        c
    };
    on_topic(
        6_000,
        producer(200, 20.0, Some(json!("k-1..k-20"))),
        topic("t", 4),
        vec![c("a"), c("b")],
        json!([{"at_ms": 2000, "crash": {"consumer": "a"}}]),
    )
}

#[test]
fn at_least_once_duplicates_across_a_takeover_and_exactly_once_does_not() {
    let (_, o) = run(&takeover("at-least-once", false));
    assert_conserved(&o);
    assert!(o.processed_more_than_once > 10, "{o:#?}");
    assert_eq!(o.lost, 0);
    assert_eq!(o.processed_once + o.processed_more_than_once, 200);

    let (_, o) = run(&takeover("exactly-once", false));
    assert_conserved(&o);
    assert_eq!((o.processed_more_than_once, o.duplicate_effects, o.lost), (0, 0, 0));
    assert!(o.duplicates_suppressed > 10);
    assert_eq!(o.processed_once, 200);

    // Transactional commits: the offset commits with each effect, so nothing is re-read.
    let (_, o) = run(&takeover("at-least-once", true));
    assert_conserved(&o);
    assert_eq!((o.processed_more_than_once, o.duplicate_effects, o.lost), (0, 0, 0));
    assert_eq!(o.processed_once, 200);
}

/// a owns both partitions and processes slowly; b joins at 175 ms, while a is processing its
/// first record of partition 1 (p-2, 150..200 ms), and takes that partition.
fn fenced(commit: &str, transactional: bool) -> String {
    let mut a = consumer("a", json!({"commit": commit, "processing": {"fixed": {"ms": 50}}}));
    if transactional {
        a["transactional"] = json!(true);
    }
    on_topic(
        3_000,
        producer(20, 10.0, None),
        topic("t", 2),
        vec![a, consumer("b", json!({"commit": commit, "processing": {"fixed": {"ms": 50}}, "start_ms": 175}))],
        json!([]),
    )
}

#[test]
fn a_transactional_commit_is_fenced_by_a_rebalance_and_nothing_is_applied_twice() {
    let (sim, t) = run_traced(&fenced("record", false));
    assert!(!events(&t, "CommitFailed").is_empty(), "a's commit after losing the partition is refused");
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!(o.processed_more_than_once, 1, "b processes a's last record of it again");

    let (sim, t) = run_traced(&fenced("record", true));
    assert_eq!(events(&t, "TransactionAborted").len(), 1);
    assert!(events(&t, "CommitFailed").is_empty());
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!((o.processed_more_than_once, o.duplicate_effects, o.lost), (0, 0, 0));
    assert_eq!(o.processed_once, 20);
}

// ---------------------------------------------------------------------------------------------
// The producer side

fn retrying_producer(idempotent: bool) -> Value {
    json!({"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 10}}, "count": 200,
           "keys": "k-1..k-10", "idempotent": idempotent,
           "publish": {"timeout_ms": 50, "retries": 5, "backoff_ms": 10},
           "faults": [{"confirm_lost": {"probability": 0.2}}]})
}

#[test]
fn the_idempotent_producer_drops_retries_and_the_plain_one_duplicates() {
    let s = on_topic(20_000, retrying_producer(true), topic("t", 3), vec![consumer("c", json!({}))], json!([]));
    let (sim, t) = run_traced(&s);
    let dedup = events(&t, "PublishDeduplicated");
    assert!(dedup.len() > 10, "{}", dedup.len());
    assert!(dedup.iter().all(|e| e["node"] == "t" && e["sequence"].is_u64() && e["partition"].is_u64()));
    assert_eq!(events(&t, "Appended").len(), 200, "each record written once");
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!((o.processed_once, o.processed_more_than_once), (200, 0));
    assert!(o.publish_retries > 10);

    let s = on_topic(20_000, retrying_producer(false), topic("t", 3), vec![consumer("c", json!({}))], json!([]));
    let (sim, t) = run_traced(&s);
    assert!(events(&t, "PublishDeduplicated").is_empty());
    let appended = events(&t, "Appended").len();
    assert!(appended > 210, "{appended}: the retries were written again");
    let o = sim.outcome();
    assert_conserved(&o);
    assert!(o.processed_more_than_once > 10, "{o:#?}");
    assert_eq!(o.duplicate_effects as usize, appended - 200, "every extra copy applied its effect again");
}

fn writer(order: &str, outbox: bool) -> Value {
    json!({"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 10}}, "count": 200, "keys": "k-1..k-10",
           "write": {"name": "save order", "outbox": outbox, "order": order, "relay_interval_ms": 50},
           "faults": [{"crash": {"probability": 0.1, "recover_after_ms": 30}}]})
}

#[test]
fn the_dual_write_loses_events_or_publishes_phantoms() {
    let s =
        on_topic(20_000, writer("write_then_publish", false), topic("t", 2), vec![consumer("c", json!({}))], json!([]));
    let (sim, t) = run_traced(&s);
    let o = sim.outcome();
    assert_conserved(&o);
    let lost = count_reason(&o, "lost", "producer_crashed_before_publish");
    assert!(lost > 5, "{o:#?}");
    assert_eq!(lost as u64, o.lost);
    assert_eq!(o.phantom_events, 0);
    assert_eq!(events(&t, "Written").len(), 200);
    assert!(events(&t, "Crashed").iter().all(|e| e["reason"] == "between_write_and_publish"));

    let s =
        on_topic(20_000, writer("publish_then_write", false), topic("t", 2), vec![consumer("c", json!({}))], json!([]));
    let (sim, t) = run_traced(&s);
    let o = sim.outcome();
    assert_conserved(&o);
    assert!(o.phantom_events > 5, "{o:#?}");
    assert_eq!(o.phantom_events as usize, events(&t, "WriteRolledBack").len());
    assert_eq!(o.lost, 0);
}

#[test]
fn the_outbox_neither_loses_nor_publishes_phantoms_but_may_duplicate() {
    let s =
        on_topic(20_000, writer("write_then_publish", true), topic("t", 2), vec![consumer("c", json!({}))], json!([]));
    let (sim, t) = run_traced(&s);
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!((o.lost, o.phantom_events, o.in_flight), (0, 0, 0));
    assert!(events(&t, "Written").iter().all(|e| e["outbox"] == true));
    assert!(events(&t, "Crashed").iter().all(|e| e["reason"] == "relay_before_marking_sent"));
    assert!(o.processed_more_than_once > 0, "{o:#?}");
    // Published after the write, by the relay: up to a relay interval later.
    let published = events(&t, "Published");
    let written = events(&t, "Written");
    assert!(at_ms(published[0]) >= at_ms(written[0]));

    // With an exactly-once consumer the duplicates do no harm.
    let s = on_topic(
        20_000,
        writer("write_then_publish", true),
        topic("t", 2),
        vec![consumer("c", json!({"semantics": "exactly-once"}))],
        json!([]),
    );
    let (_, o) = run(&s);
    assert_eq!((o.lost, o.processed_more_than_once, o.processed_once), (0, 0, 200));
}

#[test]
fn a_topic_in_outage_refuses_publishes() {
    let s = on_topic(
        2_000,
        producer(20, 10.0, None),
        topic("t", 2),
        vec![consumer("c", json!({}))],
        json!([{"at_ms": 50, "outage": {"node": "t", "duration_ms": 100}}]),
    );
    let (sim, t) = run_traced(&s);
    let failed = events(&t, "PublishFailed");
    assert_eq!(failed.len(), 10, "50, 60, ..., 140 ms");
    assert!(failed.iter().all(|e| e["reason"] == "broker_outage" && (50.0..150.0).contains(&at_ms(e))));
    let o = sim.outcome();
    assert_conserved(&o);
    assert_eq!(count_reason(&o, "lost", "publish_refused_by_outage"), 10);
    assert_eq!(o.processed_once, 10);

    // A producer with retries gets them through after the outage.
    let mut p = producer(20, 10.0, None);
    p["publish"] = json!({"timeout_ms": 100, "retries": 10, "backoff_ms": 40});
    let s = on_topic(
        2_000,
        p,
        topic("t", 2),
        vec![consumer("c", json!({}))],
        json!([{"at_ms": 50, "outage": {"node": "t", "duration_ms": 100}}]),
    );
    let (_, o) = run(&s);
    assert_eq!((o.lost, o.processed_once), (0, 20));
}

// ---------------------------------------------------------------------------------------------
// Lag

#[test]
fn lag_per_partition_per_group_and_the_maximum() {
    // Twelve records over two partitions; "fast" reads them as they come, "late" joins at 1 s.
    let s = on_topic(
        3_000,
        producer(12, 10.0, None),
        topic("t", 2),
        vec![
            consumer(
                "fast",
                json!({"group": "fast", "effect": "index", "commit": "record", "processing": {"fixed": {"ms": 1}}}),
            ),
            consumer(
                "late",
                json!({"group": "late", "effect": "audit", "commit": "record", "processing": {"fixed": {"ms": 1}}, "start_ms": 1000}),
            ),
        ],
        json!([]),
    );
    let mut sim = load(&s);
    sim.advance_to(SimTime::from_ms(500));
    let snap = sim.snapshot();
    let parts = snap.nodes.iter().find(|n| n.id == "t").unwrap().partitions.clone().unwrap();
    for p in &parts {
        assert_eq!(p.log_end, 6);
        let g: BTreeMap<&str, (u64, Option<u64>)> =
            p.groups.iter().map(|g| (g.group.as_str(), (g.lag, g.committed))).collect();
        assert_eq!(g["fast"], (0, Some(6)));
        assert_eq!(g["late"], (6, None));
    }
    let lag: BTreeMap<&str, u64> = snap.groups.iter().map(|g| (g.name.as_str(), g.lag)).collect();
    assert_eq!(lag, BTreeMap::from([("fast", 0), ("late", 12)]));
    assert_eq!(sim.outcome().max_consumer_lag, 12);
    sim.run_to_end();
    let snap = sim.snapshot();
    assert!(snap.groups.iter().all(|g| g.lag == 0), "{:?}", snap.groups);
    let o = sim.outcome();
    assert_eq!(o.max_consumer_lag, 12);
    assert_eq!(o.processed_once, 12);
}

// ---------------------------------------------------------------------------------------------
// Core bugs found by these tests (kept failing, and ignored, until the core is fixed)

#[test]
fn an_idempotent_producer_does_not_duplicate_across_its_own_crash() {
    // p-1 is written at 0 ms and its confirm is lost. At 20 ms the producer crashes between
    // the business write of p-2 and its publish (down until 120 ms). p-1's retry, due at
    // 60 ms, should die with the crashed process (or, if it were sent, keep its sequence
    // number); instead it is published at 60 ms while the producer is down, under the new
    // epoch, and appended again at offset 1.
    let s = r#"{"version":1,"seed":2,"duration_ms":2000,"nodes":[
      {"id":"p","kind":"producer","arrivals":{"fixed":{"interval_ms":20}},"count":4,"idempotent":true,
       "publish":{"timeout_ms":50,"retries":1,"backoff_ms":10},"write":{"order":"write_then_publish"},
       "faults":[{"confirm_lost":{"probability":1}},{"crash":{"probability":0.5,"recover_after_ms":100}}]},
      {"id":"t","kind":"topic"},
      {"id":"c","kind":"consumer","auto_offset_reset":"earliest","commit":"record"}],
      "wires":[["p","t"],["t","c"]]}"#;
    let (sim, t) = run_traced(s);
    let crashed = events(&t, "Crashed").iter().find(|e| e["node"] == "p").map(|e| at_ms(e)).expect("p crashes");
    assert_eq!(crashed, 20.0, "the scenario still reproduces");
    let sent_while_down = events(&t, "Published").iter().filter(|e| (20.0..120.0).contains(&at_ms(e))).count();
    assert_eq!(sent_while_down, 0, "a crashed producer publishes nothing");
    let p1_appended = events(&t, "Appended").iter().filter(|e| e["msg"] == "p-1").count();
    assert_eq!(p1_appended, 1, "the idempotent producer writes p-1 once");
    assert_eq!(sim.outcome().processed_more_than_once, 0);
}

#[test]
fn an_idempotent_producer_does_not_duplicate_when_another_record_gives_up() {
    // Every confirm is lost and one retry is allowed. p-1 (0 ms) gives up at 110 ms after its
    // deduplicated retry. p-4 (60 ms) is retried at 120 ms: it keeps its sequence number, so
    // the broker recognises it (an epoch bump here used to write it a second time).
    let s = r#"{"version":1,"seed":1,"duration_ms":2000,"nodes":[
      {"id":"p","kind":"producer","arrivals":{"fixed":{"interval_ms":20}},"count":4,"idempotent":true,
       "publish":{"timeout_ms":50,"retries":1,"backoff_ms":10},"faults":[{"confirm_lost":{"probability":1}}]},
      {"id":"t","kind":"topic"},
      {"id":"c","kind":"consumer","auto_offset_reset":"earliest","commit":"record"}],
      "wires":[["p","t"],["t","c"]]}"#;
    let (sim, t) = run_traced(s);
    assert_eq!(events(&t, "Appended").len(), 4, "each record written once");
    assert_eq!(events(&t, "PublishDeduplicated").len(), 4, "every retry deduplicated");
    assert_eq!(sim.outcome().processed_more_than_once, 0);
}

#[test]
fn a_member_too_slow_between_polls_leaves_its_group_and_its_commits_fail() {
    // 30 records at once, 2 partitions; b1 needs 100 ms a record and may take 1 s between
    // polls: with up to 20 records a poll it is put out of the group, b2 takes its partition
    // and reads from the committed offset, and b1's batch commit is refused.
    let s = r#"{"version":1,"seed":4,"duration_ms":6000,"nodes":[
      {"id":"p","kind":"producer","count":30,"arrivals":{"burst":{"size":30,"every_ms":3000}},"keys":"k-1..k-30"},
      {"id":"t","kind":"topic","partitions":2},
      {"id":"b1","kind":"consumer","group":"g","effect":"charge card","processing":{"fixed":{"ms":100}},"auto_offset_reset":"earliest",
       "commit":"batch","max_poll_records":20,"max_poll_interval_ms":1000},
      {"id":"b2","kind":"consumer","group":"g","effect":"charge card","processing":{"fixed":{"ms":20}},"auto_offset_reset":"earliest",
       "commit":"batch","max_poll_records":20,"max_poll_interval_ms":1000}],
      "wires":[["p","t"],["t","b1"],["t","b2"]]}"#;
    let (sim, t) = run_traced(s);
    let left = events(&t, "LeftGroup");
    assert!(!left.is_empty());
    assert_eq!(left[0]["node"], "b1");
    assert_eq!(left[0]["reason"], "max_poll_interval_exceeded");
    // Its first poll (at 0 ms, as the first record was written) took one record; the second,
    // at 100 ms, took the rest of its partition: 1 s later it is still at it.
    assert_eq!(at_ms(left[0]), 1_100.0, "one max.poll.interval after the poll that took the batch");
    let generation2 = events(&t, "Rebalanced").into_iter().find(|e| e["generation"] == 2).expect("a rebalance");
    assert_eq!(generation2["assignment"]["b2"], json!(["t/0", "t/1"]));
    let failed: Vec<_> = events(&t, "CommitFailed").into_iter().filter(|e| e["node"] == "b1").collect();
    assert_eq!(failed.len(), 1, "one refused batch commit, {failed:?}");
    // It joins again at its next poll.
    let joined = events(&t, "JoinedGroup").into_iter().filter(|e| e["node"] == "b1").count();
    assert_eq!(joined, 2);
    let o = sim.outcome();
    assert!(o.processed_more_than_once > 0, "b2 re-reads what b1 processed without a commit");
    assert!(o.verdict.iter().any(|l| l.contains("took longer than max.poll.interval (1000 ms)")), "{:?}", o.verdict);
    assert!(
        o.verdict.iter().any(|l| l.starts_with("Group g rebalanced 2 times after it formed: b1 took longer than max.poll.interval.ms between two polls at 1.1 s, b1 joined at ")),
        "{:?}",
        o.verdict
    );
    assert_eq!(o.lost, 0);
}

/// A replay reads again records whose copies went on to the dead-letter topic; a skip forward
/// while such a record is being processed must not take the copy out of the dead-letter topic
/// (it is there, not lost at its old offset), and whatever happens, every copy stays in one
/// place (the invariants, checked after every event in debug builds, say so).
#[test]
fn a_replay_over_dead_lettered_records_then_a_skip_keeps_each_copy_in_one_place() {
    for seed in 1..=40u64 {
        let c = consumer(
            "c",
            json!({"commit": "record", "dead_letter": "dlt", "faults": [{"transient_errors": {"rate": 0.5}}],
                   "retry": {"policy": "none", "then": "dead_letter"}}),
        );
        let mut s: Value = serde_json::from_str(&on_topic(
            2_000,
            producer(30, 10.0, None),
            topic("t", 1),
            vec![c],
            json!([{"at_ms": 500, "reset_offsets": {"group": "g", "to": "earliest"}},
                   {"at_ms": 605, "reset_offsets": {"group": "g", "to": "latest"}}]),
        ))
        .unwrap();
        s["seed"] = json!(seed);
        s["nodes"].as_array_mut().unwrap().push(topic("dlt", 1));
        let s = s.to_string();
        let (sim, _) = run_traced(&s);
        let o = sim.outcome();
        assert_conserved(&o);
        let dead = o.messages.iter().filter(|m| m.fate == broker::Fate::DeadLettered).count();
        assert!(dead > 0, "seed {seed}: some records failed and went to the dead-letter topic");
    }
}
