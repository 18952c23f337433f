//! Queue behaviour, checked against what RabbitMQ documents: prefetch and round-robin
//! dispatch, requeue positions, delivery limits, TTL, max length and dead-lettering with death
//! records, redrive, outages.

use crate::common;

use common::{assert_conserved, events, run, scenario_json, trace_of};
use serde_json::json;

fn producer(count: u32, interval_ms: f64) -> serde_json::Value {
    json!({"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": interval_ms}}, "count": count, "keys": "k-1..k-1000"})
}

#[test]
fn round_robin_dispatch_shares_work_evenly() {
    let s = scenario_json(
        10_000,
        json!([producer(90, 10.0), {"id": "q", "kind": "queue", "prefetch": 1},
               {"id": "a", "kind": "consumer", "processing": {"fixed": {"ms": 25}}},
               {"id": "b", "kind": "consumer", "processing": {"fixed": {"ms": 25}}},
               {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 25}}}]),
        json!([["p", "q"], ["q", "a"], ["q", "b"], ["q", "c"]]),
        json!([]),
    );
    let t = trace_of(&s);
    for c in ["a", "b", "c"] {
        assert_eq!(events(&t, "Delivered").iter().filter(|e| e["consumer"] == c).count(), 30, "{c}");
    }
}

#[test]
fn prefetch_limits_unacked_deliveries_per_consumer() {
    // Ten messages at once, one slow consumer with prefetch 3: at most 3 delivered before the
    // first ack, and the queue holds the rest.
    let s = scenario_json(
        5_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 10, "every_ms": 10000}}, "count": 10},
               {"id": "q", "kind": "queue", "prefetch": 3},
               {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 100}}}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    );
    let t = trace_of(&s);
    let first_ack = t.iter().position(|e| e["event"] == "Acked").unwrap();
    assert_eq!(t[..first_ack].iter().filter(|e| e["event"] == "Delivered").count(), 3);
    let (_, o) = run(&s);
    assert_eq!(o.processed_once, 10);
    assert_eq!(o.max_consumer_lag, 7);
}

fn requeue_scenario(queue: serde_json::Value) -> String {
    // One consumer that fails k-1 once (transient errors are random, so use a poison key that
    // is only poison until the consumer is told otherwise: here simply the key k-1, requeued).
    scenario_json(
        300,
        json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 4, "every_ms": 10000}}, "count": 4, "keys": ["k-1", "k-2", "k-3", "k-4"]},
               queue,
               {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 10}}, "faults": [{"poison": {"key": "k-1"}}]}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    )
}

#[test]
fn classic_queue_requeues_at_the_original_position() {
    let t = trace_of(&requeue_scenario(json!({"id": "q", "kind": "queue", "prefetch": 1})));
    let r = events(&t, "Requeued");
    assert!(!r.is_empty());
    assert_eq!(r[0]["position"], 0, "back at the head, where it was");
    assert_eq!(r[0]["reason"], "nack");
    // It is delivered again straight away, ahead of k-2.
    let d = events(&t, "Delivered");
    assert_eq!(d[1]["msg"], "p-1");
    assert_eq!(d[1]["redelivered"], true);
    assert_eq!(d[1]["delivery_count"], 2);
}

#[test]
fn quorum_queue_without_a_limit_requeues_at_the_back() {
    let t = trace_of(&requeue_scenario(
        json!({"id": "q", "kind": "queue", "queue_type": "quorum", "delivery_limit": -1, "prefetch": 1}),
    ));
    let r = events(&t, "Requeued");
    assert_eq!(r[0]["position"], 3, "behind k-2, k-3 and k-4");
    let d = events(&t, "Delivered");
    assert_eq!(d[1]["msg"], "p-2");
}

#[test]
fn quorum_queue_with_a_limit_requeues_near_the_head_then_dead_letters() {
    let t = trace_of(&requeue_scenario(json!({"id": "q", "kind": "queue", "queue_type": "quorum", "delivery_limit": 2, "prefetch": 1, "dead_letter": "dlq"})
        .as_object().cloned().map(serde_json::Value::Object).unwrap()).replace("\"nodes\":[", "\"nodes\":[{\"id\":\"dlq\",\"kind\":\"dead_letter_queue\"},"));
    let r = events(&t, "Requeued");
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|e| e["position"] == 0));
    let dl = events(&t, "DeadLettered");
    assert_eq!(dl.len(), 1);
    assert_eq!(dl[0]["msg"], "p-1");
    assert_eq!(dl[0]["reason"], "delivery_limit");
    assert_eq!(events(&t, "Delivered").iter().filter(|e| e["msg"] == "p-1").count(), 3);
}

#[test]
fn nack_without_requeue_and_no_dead_letter_target_drops() {
    let s = scenario_json(
        1_000,
        json!([producer(3, 10.0), {"id": "q", "kind": "queue"},
               {"id": "c", "kind": "consumer", "retry": {"then": "dead_letter"}, "faults": [{"poison": {"every_nth": 2}}]}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    );
    let (_, o) = run(&s);
    let m = o.messages.iter().find(|m| m.id == "p-2").unwrap();
    assert_eq!((m.fate.name(), m.reason), ("dropped", Some("rejected_without_dead_letter_target")));
    assert_conserved(&o);
}

#[test]
fn ttl_expires_into_the_dead_letter_queue_with_a_death_record_and_redrive_brings_it_back() {
    // The consumer is down for the first 3 s; messages live 1 s; at 4 s the DLQ is redriven.
    let s = scenario_json(
        8_000,
        json!([producer(5, 100.0), {"id": "q", "kind": "queue", "ttl_ms": 1000, "dead_letter": "dlq"},
               {"id": "c", "kind": "consumer"}, {"id": "dlq", "kind": "dead_letter_queue"}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([{"at_ms": 0, "crash": {"consumer": "c", "recover_after_ms": 3000}},
               {"at_ms": 4000, "redrive": {"dlq": "dlq"}}]),
    );
    let t = trace_of(&s);
    assert_eq!(events(&t, "Expired").len(), 5);
    let dl = events(&t, "DeadLettered");
    assert_eq!(dl.len(), 5);
    assert!(dl.iter().all(|e| e["reason"] == "expired" && e["node"] == "q" && e["target"] == "dlq"));
    assert_eq!(events(&t, "Redriven").len(), 5);
    let (_, o) = run(&s);
    assert_eq!(o.processed_once, 5, "redriven after the consumer came back");

    // Without the redrive they stay dead-lettered.
    let s2 = s.replace(r#",{"at_ms":4000,"redrive":{"dlq":"dlq"}}"#, "");
    assert_ne!(s, s2);
    let (_, o2) = run(&s2);
    assert_eq!(o2.dead_lettered, 5);
    assert!(o2.messages.iter().all(|m| m.reason == Some("expired")));
}

#[test]
fn max_length_overflow_policies() {
    let make = |overflow: &str| {
        scenario_json(
            2_000,
            json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 5, "every_ms": 10000}}, "count": 5},
                   {"id": "q", "kind": "queue", "max_length": 2, "overflow": overflow, "dead_letter": "dlq"},
                   {"id": "dlq", "kind": "dead_letter_queue"}]),
            json!([["p", "q"]]),
            json!([]),
        )
    };
    let fates = |s: &str| -> Vec<(String, &'static str)> {
        run(s).1.messages.iter().map(|m| (m.id.to_string(), m.fate.name())).collect()
    };
    // drop-head: the oldest go, the newest two stay.
    let f = fates(&make("drop-head"));
    assert_eq!(
        f.iter().filter(|(_, f)| *f == "dead_lettered").map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
        ["p-1", "p-2", "p-3"]
    );
    // reject-publish: the newest are refused and dropped (not dead-lettered).
    let f = fates(&make("reject-publish"));
    assert_eq!(
        f.iter().filter(|(_, f)| *f == "dropped").map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
        ["p-3", "p-4", "p-5"]
    );
    // reject-publish-dlx: refused and dead-lettered.
    let f = fates(&make("reject-publish-dlx"));
    assert_eq!(
        f.iter().filter(|(_, f)| *f == "dead_lettered").map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
        ["p-3", "p-4", "p-5"]
    );
    let t = trace_of(&make("drop-head"));
    assert!(events(&t, "DeadLettered").iter().all(|e| e["reason"] == "maxlen"));
}

#[test]
fn a_dead_letter_cycle_without_rejection_is_dropped() {
    // a expires into b, b expires back into a: RabbitMQ drops it rather than loop.
    let s = scenario_json(
        5_000,
        json!([producer(1, 10.0), {"id": "a", "kind": "queue", "ttl_ms": 100, "dead_letter": "b"},
               {"id": "b", "kind": "queue", "ttl_ms": 100, "dead_letter": "a"}]),
        json!([["p", "a"]]),
        json!([]),
    );
    let (_, o) = run(&s);
    assert_eq!(o.messages.get(0).unwrap().reason, Some("dead_letter_cycle"));
}

#[test]
fn exchanges_route_by_type() {
    let s = |t: &str, keys: [&str; 2]| {
        scenario_json(
            1_000,
            json!([{"id": "p", "kind": "producer", "count": 4, "event_type": ["order.placed", "order.shipped"], "keys": ["o-1"]},
                   {"id": "x", "kind": "exchange", "type": t},
                   {"id": "q1", "kind": "queue"}, {"id": "q2", "kind": "queue"}]),
            json!([["p", "x"], {"from": "x", "to": "q1", "binding_key": keys[0]}, {"from": "x", "to": "q2", "binding_key": keys[1]}]),
            json!([]),
        )
    };
    let t = trace_of(&s("direct", ["order.placed", "nothing"]));
    assert_eq!(events(&t, "Enqueued").len(), 2);
    assert_eq!(events(&t, "Dropped").len(), 2);
    assert!(events(&t, "Dropped").iter().all(|e| e["reason"] == "unroutable"));
    let t = trace_of(&s("topic", ["order.*", "#.shipped"]));
    assert_eq!(events(&t, "Enqueued").iter().filter(|e| e["node"] == "q1").count(), 4);
    assert_eq!(events(&t, "Enqueued").iter().filter(|e| e["node"] == "q2").count(), 2);
}

#[test]
fn a_queue_outage_refuses_publishes_and_closes_consumer_channels() {
    let s = |publish: serde_json::Value| {
        let mut p = producer(20, 100.0);
        if !publish.is_null() {
            p["publish"] = publish;
        }
        scenario_json(
            6_000,
            json!([p, {"id": "q", "kind": "queue"}, {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 150}}}]),
            json!([["p", "q"], ["q", "c"]]),
            json!([{"at_ms": 500, "outage": {"node": "q", "duration_ms": 500}}]),
        )
    };
    let (_, o) = run(&s(serde_json::Value::Null));
    assert!(o.lost >= 4, "fire-and-forget publishes during the outage are lost: {}", o.lost);
    assert!(o.messages.iter().filter(|m| m.fate == "lost").all(|m| m.reason == Some("publish_refused_by_outage")));
    let t = trace_of(&s(serde_json::Value::Null));
    assert_eq!(events(&t, "ChannelClosed").len(), 1);
    assert!(events(&t, "Requeued").iter().any(|e| e["reason"] == "channel_closed"));
    assert!(!events(&t, "AckFailed").is_empty(), "the work in progress finishes but its ack fails");
    // With confirms and retries the producer rides it out.
    let (_, o) = run(&s(json!({"timeout_ms": 200, "retries": 10, "backoff_ms": 200})));
    assert_eq!(o.lost, 0);
    assert!(o.publish_retries > 0);
}

#[test]
fn reject_publish_nacks_a_confirming_producer_which_retries() {
    let s = |retries: u32| {
        scenario_json(
            5_000,
            json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 5, "every_ms": 10000}}, "count": 5,
                    "publish": {"timeout_ms": 100, "retries": retries, "backoff_ms": 150}},
                   {"id": "q", "kind": "queue", "max_length": 2, "overflow": "reject-publish"},
                   {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 100}}}]),
            json!([["p", "q"], ["q", "c"]]),
            json!([]),
        )
    };
    let t = trace_of(&s(10));
    assert!(events(&t, "PublishFailed").iter().all(|e| e["reason"] == "rejected_by_full_queue"));
    assert!(!events(&t, "PublishFailed").is_empty());
    let (_, o) = run(&s(10));
    assert_eq!(o.processed_once, 5, "the retries get in once the queue drains");
    assert!(o.publish_retries > 0);
    let (_, o) = run(&s(0));
    assert!(o.dropped > 0);
    assert!(o.messages.iter().filter(|m| m.fate == "dropped").all(|m| m.reason == Some("maxlen_reject_publish")));
}

#[test]
fn a_quorum_queue_with_reject_publish_goes_one_over_then_refuses_until_its_soft_limit() {
    // As RabbitMQ's quorum queues (checked by the conformance suite on a real broker): the
    // length is checked after a message is taken, so max_length 3 holds 4 before refusing.
    let s = |queue_type: &str| {
        scenario_json(
            2_000,
            json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 6, "every_ms": 10000}}, "count": 6,
                    "keys": "k1..6", "publish": {"timeout_ms": 100}},
                   {"id": "q", "kind": "queue", "queue_type": queue_type, "max_length": 3, "overflow": "reject-publish"}]),
            json!([["p", "q"]]),
            json!([]),
        )
    };
    let refused = |queue_type: &str| -> Vec<String> {
        run(&s(queue_type)).1.messages.iter().filter(|m| m.fate.name() == "dropped").map(|m| m.id.to_string()).collect()
    };
    assert_eq!(refused("quorum"), ["p-5", "p-6"]);
    assert_eq!(refused("classic"), ["p-4", "p-5", "p-6"]);

    // Once refusing, it takes publishes again only at 80% of max_length (here 4 of 5).
    let drained = scenario_json(
        2_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 100}}, "count": 12, "keys": "k1..12",
                "publish": {"timeout_ms": 50}},
               {"id": "q", "kind": "queue", "queue_type": "quorum", "prefetch": 1, "max_length": 5, "overflow": "reject-publish"},
               {"id": "c", "kind": "consumer", "start_ms": 650, "processing": {"fixed": {"ms": 150}}}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    );
    let t = trace_of(&drained);
    let failed: Vec<String> =
        events(&t, "PublishFailed").iter().map(|e| e["msg"].as_str().unwrap().to_string()).collect();
    // p-1..p-6 fill it (one over) and p-7 is refused. The consumer starts at 650 ms and takes
    // one every 150 ms: at 700 ms 5 are ready (p-8 refused), at 800 ms 4 (p-9 taken), at 900 ms
    // 5 (p-10 taken, one over again), at 1000 ms 5 (p-11 refused), at 1100 ms 4 (p-12 taken).
    assert_eq!(failed, ["p-7", "p-8", "p-11"]);
}

#[test]
fn reject_publish_dlx_dead_letters_and_nacks_a_confirming_producer() {
    let s = scenario_json(
        2_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 3, "every_ms": 10000}}, "count": 3,
                "publish": {"timeout_ms": 100, "retries": 1, "backoff_ms": 10}},
               {"id": "q", "kind": "queue", "max_length": 2, "overflow": "reject-publish-dlx", "dead_letter": "dlq"},
               {"id": "dlq", "kind": "dead_letter_queue"}]),
        json!([["p", "q"]]),
        json!([]),
    );
    let t = trace_of(&s);
    let failed = events(&t, "PublishFailed");
    assert_eq!(failed.len(), 2, "the first attempt and the retry of p-3 are both nacked");
    assert!(failed.iter().all(|e| e["msg"] == "p-3" && e["reason"] == "rejected_by_full_queue"));
    let dead = events(&t, "DeadLettered");
    assert_eq!(dead.len(), 2, "and both copies are dead-lettered");
    assert!(dead.iter().all(|e| e["msg"] == "p-3" && e["reason"] == "maxlen"));
}

#[test]
fn a_plain_queue_without_consumers_used_as_a_dead_letter_target_counts_as_dead_lettered() {
    let s = scenario_json(
        3_000,
        json!([producer(3, 10.0), {"id": "q", "kind": "queue", "ttl_ms": 50, "dead_letter": "parking"},
               {"id": "parking", "kind": "queue"}]),
        json!([["p", "q"]]),
        json!([]),
    );
    let (_, o) = run(&s);
    assert_eq!(o.dead_lettered, 3);
    assert!(o.messages.iter().all(|m| m.reason == Some("expired")));
    // With a consumer on it, the parking queue is just a queue: its messages get processed.
    let s = scenario_json(
        3_000,
        json!([producer(3, 10.0), {"id": "q", "kind": "queue", "ttl_ms": 50, "dead_letter": "parking"},
               {"id": "parking", "kind": "queue"}, {"id": "c", "kind": "consumer"}]),
        json!([["p", "q"], ["parking", "c"]]),
        json!([]),
    );
    assert_eq!(run(&s).1.processed_once, 3);
}

#[test]
fn a_consumer_prefetch_overrides_the_queues() {
    // basic.qos is per consumer: a greedy consumer with prefetch 6 hoards a burst, a careful
    // one with the queue's prefetch 1 takes one at a time.
    let s = scenario_json(
        5_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 8, "every_ms": 10000}}, "count": 8},
               {"id": "q", "kind": "queue", "prefetch": 1},
               {"id": "greedy", "kind": "consumer", "prefetch": 6, "processing": {"fixed": {"ms": 100}}},
               {"id": "careful", "kind": "consumer", "processing": {"fixed": {"ms": 100}}}]),
        json!([["p", "q"], ["q", "greedy"], ["q", "careful"]]),
        json!([]),
    );
    let t = trace_of(&s);
    let first_ack = t.iter().position(|e| e["event"] == "Acked").unwrap();
    let early: Vec<_> = t[..first_ack].iter().filter(|e| e["event"] == "Delivered").collect();
    assert_eq!(early.iter().filter(|e| e["consumer"] == "greedy").count(), 6);
    assert_eq!(early.iter().filter(|e| e["consumer"] == "careful").count(), 1);
}

#[test]
fn confirms_work_through_an_exchange_and_a_nack_retry_duplicates_into_the_other_queues() {
    // A queue behind an exchange is down for a while: the confirming producer is nacked and
    // retries, so nothing is lost.
    let s = scenario_json(
        3_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"fixed": {"interval_ms": 100}}, "count": 5,
                "publish": {"timeout_ms": 100, "retries": 5, "backoff_ms": 100}},
               {"id": "x", "kind": "exchange"}, {"id": "q", "kind": "queue"},
               {"id": "c", "kind": "consumer", "processing": {"fixed": {"ms": 1}}}]),
        json!([["p", "x"], ["x", "q"], ["q", "c"]]),
        json!([{"at_ms": 50, "outage": {"node": "q", "duration_ms": 200}}]),
    );
    let (_, o) = run(&s);
    assert_eq!((o.lost, o.processed_once), (0, 5));
    assert!(o.publish_retries > 0);
    // Fan-out to a full reject-publish queue and a healthy one: the nack makes the producer
    // publish again, and the healthy queue gets the message twice.
    let s = scenario_json(
        3_000,
        json!([{"id": "p", "kind": "producer", "arrivals": {"burst": {"size": 4, "every_ms": 10000}}, "count": 4,
                "publish": {"timeout_ms": 100, "retries": 5, "backoff_ms": 200}},
               {"id": "x", "kind": "exchange"},
               {"id": "full", "kind": "queue", "max_length": 1, "overflow": "reject-publish"},
               {"id": "ok", "kind": "queue"},
               {"id": "slow", "kind": "consumer", "processing": {"fixed": {"ms": 150}}, "effect": "archive"},
               {"id": "fast", "kind": "consumer", "processing": {"fixed": {"ms": 1}}, "effect": "notify"}]),
        json!([["p", "x"], ["x", "full"], ["x", "ok"], ["full", "slow"], ["ok", "fast"]]),
        json!([]),
    );
    let t = trace_of(&s);
    assert!(events(&t, "PublishFailed").iter().any(|e| e["reason"] == "rejected_by_full_queue"));
    let (_, o) = run(&s);
    assert!(o.processed_more_than_once > 0, "the retry duplicated into the queue that had accepted");
    assert_conserved(&o);
}
