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
