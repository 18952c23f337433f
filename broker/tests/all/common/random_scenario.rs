//! Random queue scenarios for property tests and cross-target checks: every node kind, every
//! setting and fault, and timed actions, within the validator's limits.

use proptest::prelude::*;
use serde_json::{json, Value};

fn arrivals() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1.0f64..40.0).prop_map(|i| json!({"fixed": {"interval_ms": i}})),
        (5.0f64..300.0).prop_map(|r| json!({"poisson": {"rate_per_s": r}})),
        (1i64..8, 20.0f64..500.0).prop_map(|(s, e)| json!({"burst": {"size": s, "every_ms": e}})),
    ]
}

fn processing() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0.0f64..40.0).prop_map(|ms| json!({"fixed": {"ms": ms}})),
        (0.0f64..20.0, 0.0f64..40.0).prop_map(|(a, b)| json!({"uniform": {"min_ms": a, "max_ms": a + b}})),
        (1.0f64..40.0).prop_map(|m| json!({"exponential": {"mean_ms": m}})),
    ]
}

fn retry() -> impl Strategy<Value = Value> {
    let then = prop_oneof![Just("requeue"), Just("dead_letter"), Just("drop")];
    let jitter = prop_oneof![Just("none"), Just("full"), Just("equal"), Just("decorrelated")];
    prop_oneof![
        then.clone().prop_map(|t| json!({"policy": "none", "then": t})),
        (then.clone(), 1i64..4).prop_map(|(t, n)| json!({"policy": "immediate", "max_attempts": n, "then": t})),
        (then.clone(), 1i64..4, 1.0f64..50.0).prop_map(|(t, n, b)| json!({"policy": "fixed", "base_ms": b, "max_attempts": n, "then": t})),
        (then, jitter, 1i64..5, 1.0f64..50.0)
            .prop_map(|(t, j, n, b)| json!({"policy": "exponential", "base_ms": b, "cap_ms": b * 8.0, "jitter": j, "max_attempts": n, "then": t})),
    ]
}

fn faults() -> impl Strategy<Value = Vec<Value>> {
    let point = prop_oneof![Just("before_processing"), Just("after_effect"), Just("after_ack")];
    let fault = prop_oneof![
        (0.0f64..0.3, point, 0i64..300)
            .prop_map(|(p, pt, r)| json!({"crash": {"probability": p, "point": pt, "recover_after_ms": r}})),
        (0.0f64..0.4).prop_map(|r| json!({"transient_errors": {"rate": r}})),
        (2i64..12).prop_map(|n| json!({"poison": {"every_nth": n}})),
        (0.0f64..0.3).prop_map(|p| json!({"lose_acks": {"probability": p}})),
        (0.5f64..3.0).prop_map(|f| json!({"slow": {"factor": f}})),
        (0i64..3000, 1i64..1000).prop_map(|(a, d)| json!({"downstream_outage": {"at_ms": a, "duration_ms": d}})),
    ];
    prop::collection::vec(fault, 0..4)
}

fn queue() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("classic"), Just("quorum")],
        1i64..5,
        prop::option::of(prop_oneof![Just(-1i64), 1i64..4]),
        prop::option::of(1i64..400),
        prop::option::of((
            0i64..15,
            prop_oneof![Just("drop-head"), Just("reject-publish"), Just("reject-publish-dlx")],
        )),
        any::<bool>(),
        prop::option::of(50i64..600),
    )
        .prop_map(|(qt, prefetch, limit, ttl, maxlen, dlq, ack_timeout)| {
            let mut q = json!({"id": "q", "kind": "queue", "queue_type": qt, "prefetch": prefetch});
            // RabbitMQ: delivery limits on quorum queues only, reject-publish-dlx on classic only.
            if let Some(l) = limit.filter(|l| qt == "quorum" || *l == -1) {
                q["delivery_limit"] = json!(l);
            }
            if let Some(t) = ttl {
                q["ttl_ms"] = json!(t);
            }
            if let Some((m, o)) = maxlen {
                q["max_length"] = json!(m);
                q["overflow"] = json!(if qt == "quorum" && o == "reject-publish-dlx" { "reject-publish" } else { o });
            }
            if dlq {
                q["dead_letter"] = json!("dlq");
            }
            if let Some(a) = ack_timeout {
                q["ack_timeout_ms"] = json!(a);
            }
            q
        })
}

fn actions(consumers: usize) -> impl Strategy<Value = Vec<Value>> {
    let a = prop_oneof![
        (0i64..3000, 0..consumers, prop::option::of(0i64..500))
            .prop_map(|(t, c, r)| json!({"at_ms": t, "crash": {"consumer": format!("c{c}"), "recover_after_ms": r.unwrap_or(100)}})),
        (0i64..3000, 1i64..500).prop_map(|(t, d)| json!({"at_ms": t, "outage": {"node": "q", "duration_ms": d}})),
        (0i64..3000).prop_map(|t| json!({"at_ms": t, "redrive": {"dlq": "dlq"}})),
        (0i64..3000, 0..consumers, 0.2f64..4.0).prop_map(|(t, c, f)| json!({"at_ms": t, "slow": {"consumer": format!("c{c}"), "factor": f}})),
    ];
    prop::collection::vec(a, 0..4)
}

/// A random single-queue scenario whose consumers all use `semantics`. `publish_dups` allows
/// producer retries after lost confirms, which duplicate by design.
pub fn scenario(semantics: &'static str, publish_dups: bool) -> impl Strategy<Value = String> {
    (1usize..4).prop_flat_map(move |n| {
        (
            arrivals(),
            1i64..40,
            1i64..6,
            queue(),
            prop::collection::vec((processing(), 1i64..3, retry(), faults()), n),
            actions(n),
            any::<u64>(),
            3000i64..6000,
            (prop::option::of((0.0f64..0.3, 0.0f64..0.3, 0i64..3)), prop::option::of((0.0f64..30.0, 0.0f64..30.0))),
        )
            .prop_map(move |(arr, count, keys, q, consumers, acts, seed, duration, (publish, wire))| {
                let mut p = json!({"id": "p", "kind": "producer", "arrivals": arr, "count": count,
                                   "keys": format!("k-1..k-{keys}"), "event_type": ["Created", "Updated"]});
                if let Some((lost, conf, retries)) = publish {
                    // A reject-publish-dlx queue nacks the publish it dead-letters, so a retry
                    // dead-letters a second copy: a duplicate made by the producer.
                    let retries = if !publish_dups && q["overflow"] == "reject-publish-dlx" { 0 } else { retries };
                    p["publish"] = json!({"timeout_ms": 50, "retries": retries, "backoff_ms": 10});
                    p["faults"] = if publish_dups {
                        json!([{"publish_lost": {"probability": lost}}, {"confirm_lost": {"probability": conf}}])
                    } else {
                        json!([{"publish_lost": {"probability": lost}}])
                    };
                }
                let mut nodes = vec![p, q, json!({"id": "dlq", "kind": "dead_letter_queue"})];
                let mut wires = vec![match wire {
                    Some((delay, jitter)) => json!({"from": "p", "to": "q", "delay_ms": delay, "jitter_ms": jitter}),
                    None => json!(["p", "q"]),
                }];
                for (i, (proc_, conc, r, f)) in consumers.into_iter().enumerate() {
                    nodes.push(json!({"id": format!("c{i}"), "kind": "consumer", "semantics": semantics, "processing": proc_,
                                      "concurrency": conc, "retry": r, "faults": f, "effect": "charge card"}));
                    wires.push(json!(["q", format!("c{i}")]));
                }
                json!({"version": 1, "seed": seed, "duration_ms": duration, "nodes": nodes, "wires": wires, "actions": acts}).to_string()
            })
    })
}

/// What a random topic scenario may contain, so that a property can leave out what would
/// break it by design.
#[derive(Clone, Copy, Debug)]
pub struct TopicMix {
    /// The semantics each group draws from.
    pub semantics: &'static [&'static str],
    /// Things that lose records whatever the consumer does: retention, `latest` offset resets,
    /// offset resets forward, lost publishes, topic outages, dual-write crashes, and wire
    /// jitter (the idempotent producer refuses a sequence that overtakes the one before).
    pub may_lose: bool,
    /// Things that duplicate whatever the consumer does: lost confirms (on any producer for
    /// now, see `topic_producer`), outbox relay crashes, and offset resets back (replay).
    pub may_duplicate: bool,
}

fn topic_retry() -> impl Strategy<Value = Value> {
    // "requeue" and "block" retry for ever on a topic: keep a gap between attempts so that a
    // blocked partition does not spin at one instant.
    let then = prop_oneof![Just("requeue"), Just("block"), Just("dead_letter"), Just("drop")];
    prop_oneof![
        Just(json!({"policy": "none", "then": "drop"})),
        Just(json!({"policy": "none", "then": "dead_letter"})),
        (then.clone(), 1i64..4, 5.0f64..50.0)
            .prop_map(|(t, n, b)| json!({"policy": "fixed", "base_ms": b, "max_attempts": n, "then": t})),
        (then, 1i64..5, 5.0f64..50.0, prop_oneof![Just("none"), Just("full"), Just("equal"), Just("decorrelated")])
            .prop_map(|(t, n, b, j)| json!({"policy": "exponential", "base_ms": b, "cap_ms": b * 8.0, "jitter": j, "max_attempts": n, "then": t})),
    ]
}

fn topic_consumer_faults() -> impl Strategy<Value = Vec<Value>> {
    let point = prop_oneof![Just("before_processing"), Just("after_effect"), Just("after_ack")];
    let fault = prop_oneof![
        (0.0f64..0.2, point, 0i64..1500)
            .prop_map(|(p, pt, r)| json!({"crash": {"probability": p, "point": pt, "recover_after_ms": r}})),
        (0.0f64..0.4).prop_map(|r| json!({"transient_errors": {"rate": r}})),
        (2i64..15).prop_map(|n| json!({"poison": {"every_nth": n}})),
        (1i64..4).prop_map(|k| json!({"poison": {"key": format!("k-{k}")}})),
        (0.5f64..3.0).prop_map(|f| json!({"slow": {"factor": f}})),
        (0i64..3000, 1i64..1000).prop_map(|(a, d)| json!({"downstream_outage": {"at_ms": a, "duration_ms": d}})),
    ];
    prop::collection::vec(fault, 0..3)
}

/// One group's settings, shared by its members: strategy, commit mode, semantics, poll size,
/// offset reset, session timeout, transactional commits, retry policy.
#[derive(Clone, Debug)]
struct GroupSettings {
    strategy: &'static str,
    commit: &'static str,
    auto_commit_ms: i64,
    semantics: &'static str,
    max_poll: i64,
    reset: &'static str,
    session_ms: i64,
    heartbeat_ms: i64,
    transactional: bool,
    retry: Value,
}

fn group_settings(mix: TopicMix) -> impl Strategy<Value = GroupSettings> {
    (
        prop_oneof![Just("range"), Just("roundrobin"), Just("round-robin"), Just("cooperative-sticky")],
        prop_oneof![Just("auto"), Just("record"), Just("batch")],
        1i64..800,
        prop::sample::select(mix.semantics),
        1i64..20,
        prop_oneof![Just("earliest"), Just("latest")],
        (50i64..3000, 1i64..=3),
        any::<bool>(),
        topic_retry(),
    )
        .prop_map(
            move |(strategy, commit, auto_commit_ms, semantics, max_poll, reset, (session_ms, hb_div), tx, retry)| {
                GroupSettings {
                    strategy,
                    commit,
                    auto_commit_ms,
                    semantics,
                    max_poll,
                    reset: if mix.may_lose { reset } else { "earliest" },
                    session_ms,
                    heartbeat_ms: (session_ms / hb_div).max(1),
                    transactional: tx && semantics != "at-most-once",
                    retry,
                }
            },
        )
}

fn topic_member(
    id: String,
    group: &str,
    g: &GroupSettings,
    processing: Value,
    faults: Vec<Value>,
    start_ms: i64,
) -> Value {
    let mut c = json!({"id": id, "kind": "consumer", "group": group, "assignment": g.strategy, "commit": g.commit,
                       "semantics": g.semantics, "max_poll_records": g.max_poll, "auto_offset_reset": g.reset,
                       "session_timeout_ms": g.session_ms, "heartbeat_interval_ms": g.heartbeat_ms,
                       "processing": processing, "retry": g.retry, "faults": faults,
                       // One effect per group: two groups are two services, each with its own ledger.
                       "effect": format!("effect-{group}")});
    if g.commit == "auto" {
        c["auto_commit_interval_ms"] = json!(g.auto_commit_ms);
    }
    if g.transactional {
        c["transactional"] = json!(true);
    }
    if g.retry["then"] == "dead_letter" {
        c["dead_letter"] = json!(format!("{group}-dlt"));
    }
    if start_ms > 0 {
        c["start_ms"] = json!(start_ms);
    }
    c
}

/// Timed actions, all within the shortest duration (2 s).
fn topic_actions(consumers: Vec<String>, groups: usize, mix: TopicMix) -> impl Strategy<Value = Vec<Value>> {
    let pick = prop::sample::select(consumers);
    let reset_to = prop_oneof![
        Just(json!("earliest")),
        Just(json!("latest")),
        (0i64..40).prop_map(|o| json!({"offset": o})),
        (0i64..4000).prop_map(|t| json!({"time_ms": t})),
    ]
    .prop_filter("resets this mix allows", move |to| {
        // Back (replay) duplicates; forward (skip) loses; "earliest" only ever goes back,
        // "latest" only forward, an offset or a time either way.
        let back = to == "earliest";
        let forward = to == "latest";
        (mix.may_duplicate || forward) && (mix.may_lose || back)
    });
    let a = prop_oneof![
        (0i64..2000, pick.clone(), prop::option::of(0i64..1500)).prop_map(|(t, c, r)| match r {
            Some(r) => json!({"at_ms": t, "crash": {"consumer": c, "recover_after_ms": r}}),
            None => json!({"at_ms": t, "crash": {"consumer": c}}),
        }),
        (0i64..2000, pick.clone()).prop_map(|(t, c)| json!({"at_ms": t, "recover": {"consumer": c}})),
        (0i64..2000, pick.clone()).prop_map(|(t, c)| json!({"at_ms": t, "leave": {"consumer": c}})),
        (0i64..2000, pick).prop_map(|(t, c)| json!({"at_ms": t, "join": {"consumer": c}})),
        (0i64..2000, 0..groups, reset_to, any::<bool>()).prop_map(|(t, g, to, whole)| {
            if whole {
                json!({"at_ms": t, "reset_offsets": {"group": format!("g{g}"), "to": to}})
            } else {
                json!({"at_ms": t, "reset_offsets": {"group": format!("g{g}"), "topic": "t", "to": to}})
            }
        }),
        (0i64..2000, 1i64..800).prop_map(|(t, d)| json!({"at_ms": t, "outage": {"node": "t", "duration_ms": d}})),
    ]
    .prop_filter("outages lose publishes", move |a| mix.may_lose || a.get("outage").is_none());
    prop::collection::vec(a, 0..6)
}

/// The producer: arrivals, keys, publisher confirms with lost publishes and confirms, the
/// idempotent producer, a business write (dual write or outbox) with crashes, wire delay.
fn topic_producer(mix: TopicMix) -> impl Strategy<Value = (Value, Value)> {
    (
        arrivals(),
        1i64..120,
        prop::option::of(1i64..12),
        prop::option::of((0.0f64..0.3, 0.0f64..0.3, 0i64..4, any::<bool>())),
        prop::option::of((any::<bool>(), any::<bool>(), 0.0f64..0.3, 1i64..200)),
        prop::option::of((0.0f64..20.0, 0.0f64..20.0)),
    )
        .prop_map(move |(arr, count, keys, publish, write, wire)| {
            let mut p = json!({"id": "p", "kind": "producer", "arrivals": arr, "count": count,
                               "event_type": ["Created", "Updated"]});
            if let Some(k) = keys {
                p["keys"] = json!(format!("k-1..k-{k}"));
            }
            let mut faults = Vec::new();
            if let Some((outbox, publish_first, crash, relay)) = write {
                let order = if publish_first { "publish_then_write" } else { "write_then_publish" };
                p["write"] =
                    json!({"name": "save order", "outbox": outbox, "order": order, "relay_interval_ms": relay});
                // A dual write loses (or publishes a phantom); an outbox relay duplicates.
                if (outbox && mix.may_duplicate) || (!outbox && mix.may_lose) {
                    faults.push(json!({"crash": {"probability": crash, "recover_after_ms": 100}}));
                }
            }
            if let Some((lost, conf, retries, idempotent)) = publish {
                p["publish"] = json!({"timeout_ms": 50, "retries": retries, "backoff_ms": 10});
                p["idempotent"] = json!(idempotent);
                if mix.may_lose {
                    faults.push(json!({"publish_lost": {"probability": lost}}));
                }
                // Lost confirms make retries: duplicates, unless the producer is idempotent.
                if mix.may_duplicate || idempotent {
                    faults.push(json!({"confirm_lost": {"probability": conf}}));
                }
            }
            p["faults"] = Value::Array(faults);
            let wire = match wire {
                Some((delay, jitter)) if mix.may_lose => {
                    json!({"from": "p", "to": "t", "delay_ms": delay, "jitter_ms": jitter})
                }
                Some((delay, _)) => json!({"from": "p", "to": "t", "delay_ms": delay}),
                None => json!(["p", "t"]),
            };
            (p, wire)
        })
}

/// A random topic scenario: a producer to a topic `t` of 1 to 6 partitions, read by 1 to 3
/// groups (`g0`..) of 1 to 3 members (`g0-c0`..). Each group dead-letters to a topic of its
/// own (`g0-dlt`..), which a consumer may read (`g0-dlt-reader`..): one per group, because two
/// groups dead-letter the same event and one reader of both would apply its effect twice by
/// design. Separate from [`scenario`], whose output the cross-target golden file pins down.
pub fn topic_scenario(mix: TopicMix) -> impl Strategy<Value = String> {
    prop::collection::vec((group_settings(mix), 1usize..=3), 1..=3).prop_flat_map(move |groups| {
        let members: Vec<(usize, usize)> =
            groups.iter().enumerate().flat_map(|(g, (_, n))| (0..*n).map(move |k| (g, k))).collect();
        let ids: Vec<String> = members.iter().map(|(g, k)| format!("g{g}-c{k}")).collect();
        let n_groups = groups.len();
        (
            Just(groups),
            prop::collection::vec((processing(), topic_consumer_faults(), prop_oneof![3 => Just(0i64), 1 => 1i64..3000]), members.len()),
            topic_producer(mix),
            (1u32..=6, prop::option::of(50i64..3000), prop::option::of(1i64..40)),
            prop::collection::vec((1u32..=3, prop::option::of(prop::sample::select(mix.semantics))), n_groups),
            topic_actions(ids, n_groups, mix),
            any::<u64>(),
            2000i64..5000,
        )
            .prop_map(move |(groups, member_settings, (p, wire), (partitions, ret_ms, ret_records), dlts, actions, seed, duration)| {
                let mut t = json!({"id": "t", "kind": "topic", "partitions": partitions});
                if mix.may_lose {
                    if let Some(r) = ret_ms {
                        t["retention_ms"] = json!(r);
                    }
                    if let Some(r) = ret_records {
                        t["retention_records"] = json!(r);
                    }
                }
                let mut nodes = vec![p, t];
                let mut wires = vec![wire];
                let mut settings = member_settings.into_iter();
                for (g, (gs, n)) in groups.iter().enumerate() {
                    for k in 0..*n {
                        let (proc_, faults, start) = settings.next().expect("one per member");
                        let id = format!("g{g}-c{k}");
                        nodes.push(topic_member(id.clone(), &format!("g{g}"), gs, proc_, faults, start));
                        wires.push(json!(["t", id]));
                    }
                }
                for (g, (dlt_parts, reader)) in dlts.into_iter().enumerate() {
                    let dlt = format!("g{g}-dlt");
                    nodes.push(json!({"id": dlt, "kind": "topic", "partitions": dlt_parts}));
                    if let Some(s) = reader {
                        let id = format!("{dlt}-reader");
                        nodes.push(json!({"id": id, "kind": "consumer", "semantics": s, "auto_offset_reset": "earliest",
                                          "commit": "record", "effect": format!("effect-{dlt}"), "processing": {"fixed": {"ms": 5}}}));
                        wires.push(json!([dlt, id]));
                    }
                }
                json!({"version": 1, "seed": seed, "duration_ms": duration, "nodes": nodes, "wires": wires, "actions": actions})
                    .to_string()
            })
    })
}
