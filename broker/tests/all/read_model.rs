//! Read models: random scenarios with a writer, a projection (on a queue with competing
//! consumers, or on a topic read by a group), readers and perhaps a rebuild, held to the read
//! model's rules, read off the trace and the outcome: every read is classified exactly once; a
//! version-checking projection never sets a row back and ends right; read-your-writes routing
//! leaves no read without the reader's write; the table the outcome reports is the table the
//! trace's writes make, held to the truth the writer's publishes make. Then the validator's
//! refusals, each with its path.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::{self, events, trace_of};

struct Shape {
    seed: u64,
    /// Read from a topic with this many partitions and members, else from a queue with
    /// `members` competing consumers of concurrency 2.
    topic: Option<u32>,
    members: u32,
    version_check: bool,
    jitter_ms: u64,
    mean_ms: u64,
    transient: f64,
    share: f64,
    read_your_writes: bool,
    rebuild_at: Option<u64>,
}

fn scenario(s: &Shape) -> String {
    let source = if s.topic.is_some() { "events" } else { "q" };
    let mut nodes = vec![
        json!({"id": "orders", "kind": "producer", "count": 120, "arrivals": {"poisson": {"rate_per_s": 40}},
               "keys": "order-1..order-15", "key_choice": "random",
               "event_type": ["OrderPlaced", "OrderPaid", "OrderShipped"]}),
        json!({"id": "view", "kind": "read_model",
               "readers": {"share": s.share, "after": {"uniform": {"min_ms": 0, "max_ms": 600}},
                           "read_your_writes": s.read_your_writes}}),
    ];
    let mut wires = vec![json!({"from": "orders", "to": source, "jitter_ms": s.jitter_ms})];
    match s.topic {
        Some(p) => nodes.push(json!({"id": "events", "kind": "topic", "partitions": p})),
        None => nodes.push(json!({"id": "q", "kind": "queue", "prefetch": 4})),
    }
    for m in 0..s.members {
        let id = format!("projection-{m}");
        let mut c = json!({"id": id, "kind": "consumer", "processing": {"exponential": {"mean_ms": s.mean_ms}},
                           "version_check": s.version_check,
                           "retry": {"policy": "fixed", "base_ms": 30, "max_attempts": 1000}});
        if s.transient > 0.0 {
            c["faults"] = json!([{"transient_errors": {"rate": s.transient}}]);
        }
        match s.topic {
            Some(_) => {
                c["group"] = json!("projection");
                c["commit"] = json!("record");
                c["auto_offset_reset"] = json!("earliest");
            }
            None => c["concurrency"] = json!(2),
        }
        nodes.push(c);
        wires.push(json!([source, id]));
        wires.push(json!([id, "view"]));
    }
    let actions = match s.rebuild_at {
        Some(at) if s.topic.is_some() => json!([{"at_ms": at, "rebuild": {"read_model": "view"}}]),
        _ => json!([]),
    };
    json!({"version": 1, "seed": s.seed, "duration_ms": 30_000, "nodes": nodes, "wires": wires, "actions": actions})
        .to_string()
}

fn check(s: &Shape) -> Result<(), TestCaseError> {
    let json = scenario(s);
    let trace = trace_of(&json);
    let (_, o) = common::run(&json);
    common::assert_conserved(&o);
    let v = serde_json::to_value(&o).unwrap();
    let r = &v["read_models"]["view"];
    let n = |k: &str| r[k].as_u64().unwrap();

    // Every read is classified once, as the trace says.
    let reads = events(&trace, "ViewRead");
    prop_assert_eq!(n("reads"), reads.len() as u64);
    prop_assert_eq!(n("fresh") + n("stale") + n("missing") + n("routed"), n("reads"), "{}", r);
    for class in ["fresh", "stale", "missing", "routed"] {
        prop_assert_eq!(n(class), reads.iter().filter(|e| e["result"] == class).count() as u64, "{}", class);
    }
    for e in &reads {
        let behind = e["behind_us"].as_u64().unwrap() > 0;
        prop_assert!(!behind || e["result"] == "stale" || e["result"] == "missing", "{}", e);
    }
    if s.read_your_writes {
        prop_assert_eq!(n("missed_own_write"), 0, "read-your-writes routing: every reader sees its write");
    } else {
        prop_assert_eq!(n("routed"), 0);
    }
    prop_assert!(n("missed_own_write") <= n("stale") + n("missing"));
    prop_assert_eq!(v["missed_reads"].as_u64().unwrap(), n("missed_own_write"));

    // The truth from the writer's publishes, the table from the projections' writes.
    let mut key_of: BTreeMap<&str, &str> = BTreeMap::new();
    let mut truth: BTreeMap<&str, u64> = BTreeMap::new();
    for e in events(&trace, "Published").into_iter().filter(|e| e["attempt"] == 1) {
        let key = e["key"].as_str().unwrap();
        key_of.insert(e["msg"].as_str().unwrap(), key);
        *truth.entry(key).or_default() += 1;
    }
    prop_assert_eq!(n("writes"), key_of.len() as u64);
    let mut shown: BTreeMap<&str, u64> = BTreeMap::new();
    for e in trace.iter().filter(|e| e["event"] == "Projected" || e["event"] == "Rebuilt") {
        if e["event"] == "Rebuilt" {
            shown.clear();
            continue;
        }
        let key = key_of[e["msg"].as_str().unwrap()];
        let version = e["version"].as_u64().unwrap();
        let row = shown.entry(key).or_default();
        match e["write"].as_str().unwrap() {
            "skipped_stale" => prop_assert!(s.version_check && version <= *row, "{}", e),
            "overwrote_newer" => prop_assert!(!s.version_check && version < *row, "{}", e),
            _ => prop_assert!(version >= *row, "{}", e),
        }
        if e["write"] != "skipped_stale" {
            *row = version;
        }
    }
    let behind = truth.iter().filter(|(k, t)| shown.get(*k).copied().unwrap_or(0) < **t).count() as u64;
    prop_assert_eq!(n("rows_behind"), behind, "the table the trace makes, held to the truth");
    prop_assert_eq!(n("rows"), shown.values().filter(|v| **v > 0).count() as u64);
    prop_assert_eq!(
        n("overwrote_newer"),
        events(&trace, "Projected").iter().filter(|e| e["write"] == "overwrote_newer").count() as u64
    );
    // A version-checking projection that has handled everything ends with the truth.
    let settled = o.in_flight == 0 && o.lost == 0 && o.dead_lettered == 0 && o.dropped == 0;
    if s.version_check && settled && s.rebuild_at.is_none() {
        prop_assert_eq!(n("rows_behind"), 0, "{}", r);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn reads_are_classified_and_the_table_is_what_its_writes_make(
        seed in 0u64..1_000,
        topic in prop_oneof![Just(None), (1u32..4).prop_map(Some)],
        members in 1u32..4,
        version_check: bool,
        jitter_ms in prop_oneof![Just(0u64), 1u64..300],
        mean_ms in 1u64..120,
        transient in prop_oneof![Just(0.0), 0.05f64..0.3],
        share in prop_oneof![Just(1.0), 0.0f64..1.0],
        read_your_writes: bool,
        rebuild_at in prop_oneof![Just(None), (1_000u64..20_000).prop_map(Some)],
    ) {
        check(&Shape { seed, topic, members, version_check, jitter_ms, mean_ms, transient, share, read_your_writes, rebuild_at })?;
    }
}

/// A plain shape: one projection on a queue, two consumers racing, jitter on the way in.
fn racing(version_check: bool) -> Shape {
    Shape {
        seed: 3,
        topic: None,
        members: 2,
        version_check,
        jitter_ms: 150,
        mean_ms: 40,
        transient: 0.1,
        share: 1.0,
        read_your_writes: false,
        rebuild_at: None,
    }
}

#[test]
fn out_of_order_events_set_an_unchecked_table_back_and_a_checked_one_skips_them() {
    let run = |check: bool| {
        serde_json::to_value(common::run(&scenario(&racing(check))).1).unwrap()["read_models"]["view"].clone()
    };
    let (unchecked, checked) = (run(false), run(true));
    assert!(unchecked["overwrote_newer"].as_u64().unwrap() > 0, "{unchecked}");
    assert!(unchecked["rows_behind"].as_u64().unwrap() > 0, "{unchecked}");
    assert!(checked["skipped_stale"].as_u64().unwrap() > 0, "{checked}");
    assert_eq!(checked["rows_behind"], 0, "{checked}");
    for s in [racing(false), racing(true)] {
        check(&s).unwrap();
    }
}

#[test]
fn a_rebuild_empties_the_table_and_the_replay_fills_it_again() {
    let s =
        Shape { topic: Some(1), members: 1, jitter_ms: 0, transient: 0.0, rebuild_at: Some(10_000), ..racing(false) };
    let json = scenario(&s);
    let mut sim = common::load(&json);
    sim.advance_to(broker::SimTime::from_ms(10_000));
    let before = sim.node_snapshots().into_iter().find(|n| n.id == "view").unwrap().table.unwrap();
    assert_eq!((before.rows, before.counts.rebuilds), (0, 1), "emptied at the rebuild");
    sim.run_to_end();
    let o = sim.outcome();
    let r = &o.read_models[0].1;
    assert_eq!((r.rows_behind, r.counts.rebuilds), (0, 1), "the replay of one partition in order ends right");
    assert!(r.rows > 0);
    check(&s).unwrap();
}

#[test]
fn the_verdict_says_how_many_reads_missed_and_what_ends_behind() {
    let o = common::run(&scenario(&racing(false))).1;
    let lines = o.verdict.join("\n");
    assert!(lines.contains("view: ") && lines.contains("did not find the write they followed"), "{lines}");
    assert!(lines.contains("written over a newer version (no version check)"), "{lines}");
    assert!(lines.contains("behind the write side at the end;"), "{lines}");
    let o = common::run(&scenario(&Shape { read_your_writes: true, ..racing(true) })).1;
    let lines = o.verdict.join("\n");
    assert!(lines.contains("went to the write side, which had it (read-your-writes)"), "{lines}");
    assert!(lines.contains("the version check skipped"), "{lines}");
}

/// The validator's refusals, each at its path.
#[test]
fn what_a_read_model_refuses() {
    let base = || -> Value { serde_json::from_str(&scenario(&racing(false))).unwrap() };
    let refused = |v: Value, path: &str, words: &str| {
        let problems = broker::load(&v.to_string()).err().unwrap_or_else(|| panic!("accepted: {v}"));
        assert!(
            problems.iter().any(|p| p.path == path && p.message.contains(words)),
            "{path}: {words:?} not in {problems:?}"
        );
    };
    let node = |v: &mut Value, id: &str| -> usize {
        v["nodes"].as_array().unwrap().iter().position(|n| n["id"] == id).unwrap()
    };
    // Checking versions is a projection's setting.
    let mut v = base();
    v["wires"].as_array_mut().unwrap().retain(|w| w != &json!(["projection-1", "view"]));
    let i = node(&mut v, "projection-1");
    v["nodes"][i]["version_check"] = json!(true);
    refused(v, &format!("nodes[{i}].version_check"), "only a projection checks versions");
    // One write side.
    let mut v = base();
    v["nodes"].as_array_mut().unwrap().push(json!({"id": "returns", "kind": "producer", "keys": ["r-1"]}));
    v["wires"].as_array_mut().unwrap().push(json!(["returns", "q"]));
    let i = node(&mut v, "view");
    refused(v, &format!("nodes[{i}]"), "a read model follows one write side");
    // Keyed rows.
    let mut v = base();
    v["nodes"][0].as_object_mut().unwrap().remove("keys");
    refused(v, "nodes[0].keys", "rows are keyed by the message key");
    // A rebuild replays a topic.
    let mut v = base();
    v["actions"] = json!([{"at_ms": 5000, "rebuild": {"read_model": "view"}}]);
    refused(v, "actions[0].rebuild.read_model", "reads a queue, which keeps nothing it has delivered");
    let mut v = base();
    v["actions"] = json!([{"at_ms": 5000, "rebuild": {"read_model": "q"}}]);
    refused(v, "actions[0].rebuild.read_model", "this action needs a read model");
    // Wires: nothing reads a read model through a wire; a projection publishes nothing.
    let mut v = base();
    v["wires"].as_array_mut().unwrap().push(json!(["view", "q"]));
    refused(v, "wires[5]", "read by its readers");
    let mut v = base();
    v["wires"].as_array_mut().unwrap().push(json!(["orders", "view"]));
    refused(v, "wires[5]", "written by its projection");
    let mut v = base();
    v["nodes"].as_array_mut().unwrap().push(json!({"id": "t2", "kind": "topic"}));
    v["wires"].as_array_mut().unwrap().push(json!(["projection-0", "t2"]));
    refused(v, "wires[5]", "a projection publishes nothing");
    // Readers' settings.
    let mut v = base();
    let i = node(&mut v, "view");
    v["nodes"][i]["readers"]["share"] = json!(1.5);
    refused(v, &format!("nodes[{i}].readers.share"), "");
    let mut v = base();
    v["nodes"][i]["readers"]["after"] = json!({"uniform": {"min_ms": 500, "max_ms": 100}});
    refused(v, &format!("nodes[{i}].readers.after.uniform.max_ms"), "must not be less than min_ms");
    let mut v = base();
    v["nodes"][i]["readers"]["afer"] = json!(1);
    refused(v, &format!("nodes[{i}].readers.afer"), "");
}
