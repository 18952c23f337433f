//! Each lesson in `scenarios/` does what its description promises. These are the
//! claims a workshop makes out loud, checked against the outcome.

use crate::common;

use common::{assert_conserved, events, run_named, scenario, trace_of};
use serde_json::json;

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
    let dead: Vec<String> = o.messages.iter().filter(|m| m.fate == "dead_lettered").map(|m| m.id.to_string()).collect();
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

/// The lag of `group` (summed over its partitions) at virtual time `ms`.
fn group_lag_at(json: &str, group: &str, ms: u64) -> u64 {
    let mut sim = common::load(json);
    sim.advance_to(broker::SimTime(ms * 1000));
    let snap = sim.snapshot();
    snap.groups.iter().find(|g| g.name == group).unwrap_or_else(|| panic!("no group {group}")).lag
}

#[test]
fn splitting_by_event_type_reorders_an_order_and_keying_by_order_id_does_not() {
    let wrong = run_named("out-of-order-wrong-key");
    let keyed = run_named("out-of-order-keyed-by-order");
    assert!(wrong.out_of_order > 0, "the wrong key lets events of one order overtake each other");
    assert!(
        wrong.verdict.iter().any(|l| l.contains("out of order")
            && l.contains("OrderShipped for order-")
            && l.contains("was applied before OrderPaid")),
        "{:?}",
        wrong.verdict
    );
    assert_eq!(wrong.processed_once, wrong.published, "nothing is lost or duplicated: only the order is wrong");
    assert_eq!(keyed.out_of_order, 0, "{:?}", keyed.verdict);
    assert_eq!(keyed.processed_once, keyed.published);
    assert!(keyed.verdict.iter().all(|l| !l.contains("out of order")), "{:?}", keyed.verdict);
    // Keyed by order id: every event of an order is written to the same partition.
    let t = trace_of(&scenario("out-of-order-keyed-by-order"));
    let key_of: std::collections::BTreeMap<String, String> = events(&t, "Published")
        .iter()
        .map(|e| (e["msg"].as_str().unwrap().to_owned(), e["key"].as_str().unwrap().to_owned()))
        .collect();
    let mut partition_of_key = std::collections::BTreeMap::new();
    for e in events(&t, "Appended") {
        let key = &key_of[e["msg"].as_str().unwrap()];
        let p = e["partition"].as_u64().unwrap();
        assert_eq!(*partition_of_key.entry(key.clone()).or_insert(p), p, "{key} was split over partitions");
    }
    assert_eq!(partition_of_key.len(), 8);
    assert!(partition_of_key.values().collect::<std::collections::BTreeSet<_>>().len() > 1, "the orders are spread");
    // Only the orders on the slow member's partition wait for it.
    let wrong_latency = wrong.latency_ms.p95;
    assert!(keyed.latency_ms.p95 < wrong_latency, "{} vs {wrong_latency}", keyed.latency_ms.p95);
}

#[test]
fn lag_grows_behind_a_slow_consumer_and_a_new_member_drains_it_at_the_price_of_duplicates() {
    let json = scenario("consumer-lag-rebalance");
    let o = run_named("consumer-lag-rebalance");
    assert!(
        o.verdict.iter().any(|l| l == "Group fulfilment rebalanced once after it formed: fulfilment-2 joined at 12 s."),
        "{:?}",
        o.verdict
    );
    let t = trace_of(&json);
    // One member until 12 s: the lag grows.
    let (at_4, at_12, at_20) = (
        group_lag_at(&json, "fulfilment", 4000),
        group_lag_at(&json, "fulfilment", 12_000),
        group_lag_at(&json, "fulfilment", 20_000),
    );
    assert!(at_4 > 5 && at_12 > 3 * at_4, "lag at 4 s {at_4}, at 12 s {at_12}");
    assert!(o.max_consumer_lag >= at_12);
    // fulfilment-2 joins: a rebalance with a new generation that gives it partitions.
    let rebalances = events(&t, "Rebalanced");
    assert_eq!(rebalances.len(), 2);
    let join = rebalances[1];
    assert_eq!((join["generation"].as_u64(), join["t_us"].as_u64()), (Some(2), Some(12_000_000)));
    assert!(!join["assignment"]["fulfilment-2"].as_array().unwrap().is_empty(), "{join}");
    assert!(!join["assignment"]["fulfilment-1"].as_array().unwrap().is_empty(), "{join}");
    // Two members outpace the producer: the lag falls, and is gone by the end.
    assert!(at_20 < at_12, "lag at 12 s {at_12}, at 20 s {at_20}");
    assert_eq!(group_lag_at(&json, "fulfilment", 30_000), 0);
    assert_eq!((o.in_flight, o.lost), (0, 0));
    // The price: batch commits. fulfilment-1's uncommitted batch is refused and processed again
    // by fulfilment-2.
    assert!(events(&t, "CommitFailed").iter().any(|e| e["node"] == "fulfilment-1"));
    assert!(o.processed_more_than_once > 0 && o.duplicate_effects > 0);
    let again = events(&t, "EffectApplied").into_iter().filter(|e| e["count"].as_u64() > Some(1)).collect::<Vec<_>>();
    assert!(again.iter().all(|e| e["node"] == "fulfilment-2" && e["t_us"].as_u64() >= Some(12_000_000)));
    assert!(o.verdict.iter().any(|l| l.contains("\"update order\" happened 2 times")), "{:?}", o.verdict);
}

#[test]
fn a_late_group_misses_the_history_until_a_replay_from_the_earliest_offset() {
    let json = scenario("replay-late-joiner");
    // Before the reset: analytics joined at the log end and skipped everything.
    let mut sim = common::load(&json);
    sim.advance_to(broker::SimTime(11_999_000));
    let before = sim.outcome();
    assert!(before.lost > 0);
    assert_eq!(before.lost, before.published, "every order event so far is lost to analytics");
    assert!(before.messages.iter().all(|m| m.reason == Some("skipped_by_offset_reset") && m.effects == 1));
    assert!(
        before.verdict.iter().any(|l| l.contains("its group started reading after it (auto.offset.reset=latest)")),
        "{:?}",
        before.verdict
    );
    // The reset replays the log: in the end both groups have processed every event once.
    let o = run_named("replay-late-joiner");
    assert_eq!(o.processed_once, o.published);
    assert_eq!((o.lost, o.duplicate_effects, o.out_of_order), (0, 0, 0));
    assert!(o.messages.iter().all(|m| m.effects == 2), "one update and one revenue count per event");
    let t = trace_of(&json);
    let resets = events(&t, "OffsetsReset");
    assert!(resets.iter().any(|e| e["group"] == "analytics" && e["reason"] == "auto_offset_reset_latest"));
    let replay: Vec<_> = resets.iter().filter(|e| e["reason"] == "reset_offsets").collect();
    assert_eq!(replay.len(), 3, "one per partition");
    assert!(replay.iter().all(|e| e["group"] == "analytics" && e["offset"] == 0 && e["t_us"] == 12_000_000));
    assert_eq!(group_lag_at(&json, "analytics", 12_000), o.published, "the whole history to replay");
}

#[test]
fn a_dual_write_loses_events_and_an_outbox_duplicates_them_instead() {
    let dual = run_named("dual-write");
    let outbox = run_named("outbox");
    assert!(dual.lost >= 2, "a couple of orders saved and never published: {:?}", dual.verdict);
    assert!(dual
        .messages
        .iter()
        .filter(|m| m.fate == "lost")
        .all(|m| m.reason == Some("producer_crashed_before_publish") && m.effects == 0));
    assert_eq!(dual.duplicate_effects, 0);
    assert!(
        dual.verdict.iter().any(|l| l.contains("crashed after its business write and before publishing")),
        "{:?}",
        dual.verdict
    );
    let dual_trace = trace_of(&scenario("dual-write"));
    assert!(events(&dual_trace, "Crashed").iter().all(|e| e["reason"] == "between_write_and_publish"));
    assert_eq!(events(&dual_trace, "Written").len() as u64, dual.published, "every order was saved");

    assert_eq!(outbox.lost, 0, "{:?}", outbox.verdict);
    assert!(outbox.processed_more_than_once > 0 && outbox.duplicate_effects > 0);
    assert_eq!(outbox.in_flight, 0, "the relay has published everything by the end");
    assert!(outbox.verdict.iter().any(|l| l.contains("\"ship parcel\" happened 2 times")), "{:?}", outbox.verdict);
    let outbox_trace = trace_of(&scenario("outbox"));
    let crashes = events(&outbox_trace, "Crashed");
    assert!(!crashes.is_empty() && crashes.iter().all(|e| e["reason"] == "relay_before_marking_sent"));
}

#[test]
fn publish_retries_duplicate_and_the_idempotent_producer_does_not() {
    let plain = run_named("producer-retries-duplicates");
    let idem = run_named("producer-idempotent");
    assert!(plain.duplicate_effects > 0 && plain.processed_more_than_once > 0);
    assert_eq!(plain.lost, 0);
    assert!(plain.verdict.iter().any(|l| l.contains("\"send receipt\" happened 2 times")), "{:?}", plain.verdict);
    let t = trace_of(&scenario("producer-retries-duplicates"));
    assert!(!events(&t, "ConfirmLost").is_empty());
    assert!(events(&t, "Published").iter().any(|e| e["attempt"] == 2));
    assert!(events(&t, "Appended").len() as u64 > plain.published, "the topic holds some events twice");
    assert!(events(&t, "PublishDeduplicated").is_empty());

    assert_eq!(idem.duplicate_effects, 0);
    assert_eq!(idem.processed_once, idem.published);
    assert!(idem.publish_retries > 0, "the same retries happen");
    let t = trace_of(&scenario("producer-idempotent"));
    let deduplicated = events(&t, "PublishDeduplicated");
    assert!(!deduplicated.is_empty());
    assert_eq!(deduplicated.len(), events(&t, "ConfirmLost").len(), "every retry after a lost ack is deduplicated");
    assert_eq!(events(&t, "Appended").len() as u64, idem.published, "each event written once");
}

#[test]
fn acks_1_loses_acknowledged_orders_with_their_leader_and_acks_all_keeps_them() {
    let one = run_named("durability-acks-1");
    assert_eq!(one.lost, 3, "{:?}", one.verdict);
    let t = trace_of(&scenario("durability-acks-1"));
    let lost = events(&t, "Lost");
    assert!(lost.iter().all(|e| e["reason"] == "lost_in_leader_failover"), "{lost:?}");
    // Each lost order had been acknowledged: acks=1 never retried it.
    for l in &lost {
        assert!(!events(&t, "PublishFailed").iter().any(|f| f["msg"] == l["msg"]));
    }
    let cut = events(&t, "Truncated");
    assert_eq!((cut.len(), &cut[0]["partition"], &cut[0]["t_us"]), (1, &json!(0), &json!(3_000_000)));

    let all = run_named("durability-acks-all");
    assert_eq!((all.lost, all.processed_more_than_once), (0, 0), "{:?}", all.verdict);
    let t = trace_of(&scenario("durability-acks-all"));
    let refused: Vec<_> =
        events(&t, "PublishFailed").into_iter().filter(|e| e["reason"] == "not_enough_replicas").collect();
    assert!(!refused.is_empty(), "with b1 and b2 down, min.insync.replicas=2 refuses writes");
    let caught_up = events(&t, "IsrExpanded").iter().map(|e| e["t_us"].as_u64().unwrap()).min().unwrap();
    assert!(refused.iter().all(|e| e["t_us"].as_u64().unwrap() < caught_up), "refused only until a replica caught up");
    assert!(events(&t, "PublishFailed").iter().any(|e| e["reason"] == "leader_not_available"));
}

#[test]
fn a_clean_election_waits_for_the_last_in_sync_replica_and_an_unclean_one_loses_what_it_lacked() {
    let clean = run_named("durability-clean-election");
    assert_eq!((clean.lost, clean.processed_once), (0, clean.published), "{:?}", clean.verdict);
    let t = trace_of(&scenario("durability-clean-election"));
    assert_eq!(events(&t, "PartitionOffline").len(), 3);
    assert!(events(&t, "LeaderElected").iter().all(|e| e["unclean"] == false));
    let back = events(&t, "LeaderElected").iter().map(|e| e["t_us"].as_u64().unwrap()).max().unwrap();
    assert_eq!(back, 9_000_000, "the topic is back when b1 is");

    let unclean = run_named("durability-unclean-election");
    assert_eq!(unclean.lost, 26, "{:?}", unclean.verdict);
    let t = trace_of(&scenario("durability-unclean-election"));
    let elected: Vec<_> = events(&t, "LeaderElected").into_iter().filter(|e| e["unclean"] == true).collect();
    assert_eq!(elected.len(), 3);
    assert!(elected.iter().all(|e| e["t_us"] == 6_000_000));
    // What audit misses, billing had charged: the records were committed (read) before they were cut.
    let lost = events(&t, "Lost");
    assert!(lost.iter().all(|e| e["reason"] == "lost_to_unclean_election"));
    for l in &lost {
        let charged = events(&t, "EffectApplied").iter().any(|e| e["msg"] == l["msg"] && e["node"] == "billing");
        assert!(charged, "{} was charged by billing before it was cut", l["msg"]);
    }
}

#[test]
fn a_compacted_topic_reads_as_a_table_and_a_slow_reader_misses_a_delete() {
    let table = run_named("compaction-table");
    assert_conserved(&table);
    assert_eq!((table.published, table.dropped, table.processed_once), (50, 45, 5), "{:?}", table.verdict);
    let t = trace_of(&scenario("compaction-table"));
    // Catalogue reads the last record of each product, in offset order, fig's delete among them.
    let read: Vec<_> = events(&t, "Fetched").iter().map(|e| e["offset"].as_u64().unwrap()).collect();
    assert_eq!(read, vec![45, 46, 47, 48, 49]);
    let fig = events(&t, "Published").into_iter().find(|e| e["msg"] == "pricing-49").expect("fig's tombstone");
    assert_eq!((&fig["key"], &fig["t_us"]), (&json!("fig"), &json!(9_600_000)));
    assert!(events(&t, "TombstoneRemoved").iter().all(|e| e["t_us"].as_u64().unwrap() > 14_200_000));

    let slow = run_named("compaction-slow-reader");
    assert_conserved(&slow);
    assert_eq!(slow.missed_deletes, 1, "{:?}", slow.verdict);
    let t = trace_of(&scenario("compaction-slow-reader"));
    let gone = events(&t, "TombstoneRemoved");
    assert_eq!((gone.len(), &gone[0]["msg"], &gone[0]["t_us"]), (1, &json!("pricing-49"), &json!(15_000_000)));
    // Search had indexed fig's price before it went down, and never reads the delete.
    let indexed = |m: &str| events(&t, "EffectApplied").iter().any(|e| e["msg"] == m && e["node"] == "search");
    assert!(indexed("pricing-39") && !indexed("pricing-49"));
}

#[test]
fn a_slow_poll_loop_is_put_out_of_its_group_and_cards_are_charged_twice() {
    let json = scenario("slow-poll-loop");
    let o = run_named("slow-poll-loop");
    assert!(o.processed_more_than_once > 0, "{:?}", o.verdict);
    assert_eq!((o.lost, o.in_flight), (0, 0));
    assert!(
        o.verdict.iter().any(|l| l.starts_with("billing-1 took longer than max.poll.interval (2000 ms)")),
        "{:?}",
        o.verdict
    );
    let t = trace_of(&json);
    let left = events(&t, "LeftGroup");
    assert!(
        !left.is_empty()
            && left.iter().all(|e| e["node"] == "billing-1" && e["reason"] == "max_poll_interval_exceeded")
    );
    assert!(events(&t, "CommitFailed").iter().all(|e| e["node"] == "billing-1"));
    assert!(!events(&t, "CommitFailed").is_empty());
    // The fixes the narration suggests: a smaller poll, or an exactly-once consumer.
    for (field, value) in
        [("max_poll_records", serde_json::json!(10)), ("semantics", serde_json::json!("exactly-once"))]
    {
        let mut s: serde_json::Value = serde_json::from_str(&json).unwrap();
        for n in s["nodes"].as_array_mut().unwrap().iter_mut().filter(|n| n["group"] == "billing") {
            n[field] = value.clone();
        }
        let mut sim = common::load(&s.to_string());
        sim.run_to_end();
        let fixed = sim.outcome();
        assert_eq!(fixed.processed_once, fixed.published, "{field}: {:?}", fixed.verdict);
    }
}

// ---------------------------------------------------------------------------------------
// The narration (`lesson` in each file): it exists, its questions have the answers the
// course expects, and the verdict and the "try" say what the narration promises.

fn lesson_of(name: &str) -> broker::scenario::lesson::Lesson {
    let s = broker::Scenario::from_json(&scenario(name)).unwrap();
    s.lesson.unwrap_or_else(|| panic!("{name} has no lesson"))
}

#[test]
fn every_scenario_has_a_lesson_with_watch_try_and_fix() {
    let mut questions = 0;
    for (name, json) in common::scenarios() {
        let s = broker::Scenario::from_json(&json).unwrap();
        let l = s.lesson.as_ref().unwrap_or_else(|| panic!("{name} has no lesson"));
        for (field, text) in [("watch", &l.watch), ("try", &l.try_this), ("fix", &l.fix)] {
            assert!(text.len() > 80, "{name}: lesson.{field} should say something concrete: {text:?}");
        }
        assert!(!l.points.is_empty(), "{name}: point at a moment or a node");
        for p in &l.points {
            if let Some(node) = &p.node {
                assert!(s.nodes.iter().any(|n| n.id() == node), "{name}: point at unknown node {node}");
            }
        }
        questions += usize::from(l.question.is_some());
        // The narration is data for the app: the run is the same with or without it.
        let mut bare: serde_json::Value = serde_json::from_str(&json).unwrap();
        bare.as_object_mut().unwrap().remove("lesson");
        assert_eq!(common::run(&bare.to_string()).1.trace_hash, common::run(&json).1.trace_hash, "{name}");
    }
    assert!(questions >= 8, "a question in at least 8 lessons, {questions} now");
}

/// The lessons carry their promises as expectations (`"expect"`, what `brokerlab test`
/// checks): the answer to the question, and what the verdict says.
fn expectations(json: &str) -> Vec<broker::expect::Expectation> {
    broker::expect::read(&broker::Scenario::from_json(json).unwrap().expect).unwrap()
}

#[test]
fn every_question_has_its_answer_among_the_lessons_expectations() {
    use broker::expect::{Compare, Expectation};
    let mut asked = 0;
    for (name, json) in common::scenarios() {
        let Some(q) = lesson_of(&name).question else { continue };
        asked += 1;
        let pinned = expectations(&json).into_iter().find_map(|e| match e {
            Expectation::Count { measure, key, compare: Compare::Equals, value }
                if measure == q.measure && key == q.key =>
            {
                Some(value)
            }
            _ => None,
        });
        let want = pinned.unwrap_or_else(|| panic!("{name}: no \"equals\" expectation answers its question"));
        let got = broker::answer(&q, &run_named(&name));
        assert_eq!(got, want, "{name}: {:?} answers {got}; {}", q.ask, broker::answer_words(&q, got));
    }
    assert!(asked >= 8, "a question in at least 8 lessons, {asked} now");
}

#[test]
fn every_lesson_keeps_the_promises_it_carries() {
    for (name, json) in common::scenarios() {
        let expected = expectations(&json);
        assert!(
            expected.iter().any(|e| matches!(e, broker::expect::Expectation::Verdict(_))),
            "{name}: say what the verdict must say"
        );
        let o = run_named(&name);
        for e in expected {
            let c = e.check(&o, 0);
            assert!(c.passed, "{name}: {}: {}", c.name, c.detail);
        }
    }
}

#[test]
fn a_flow_across_services_is_compensated_and_without_its_compensation_is_inconsistent() {
    let o = run_named("order-flow-compensation");
    let failed = o.messages.iter().find(|m| m.event_type.as_ref() == "StockFailed").expect("inventory gave up once");
    assert_eq!((failed.key.as_deref(), failed.id.to_string().as_str()), (Some("order-7"), "inventory-7"));
    // The narration's moments, and the refund: payment's own rule for StockFailed.
    let trace = trace_of(&scenario("order-flow-compensation"));
    let at = |msg: &str, event: &str| {
        events(&trace, event).iter().find(|e| e["msg"] == msg).map(|e| e["t_us"].as_u64().unwrap() / 1000)
    };
    assert_eq!(at("payment-7", "Caused"), Some(1560));
    assert_eq!(at("inventory-7", "Caused"), Some(2000));
    let refund = events(&trace, "EffectApplied").into_iter().find(|e| e["msg"] == "inventory-7").expect("a refund");
    assert_eq!((refund["node"].as_str(), refund["t_us"].as_u64()), (Some("payment"), Some(2_120_000)));
    // The flow's effect ledger: charged once, refunded once; a completed order has no refund.
    let ledger = |key: &str| {
        let r = o.flows.as_ref().unwrap().records.iter().find(|r| r.key.as_deref() == Some(key)).unwrap();
        r.effects.iter().map(|(e, n)| (e.to_string(), *n)).collect::<Vec<_>>()
    };
    assert_eq!(ledger("order-7"), [("charge card".to_string(), 1), ("refund card".to_string(), 1)]);
    assert!(!ledger("order-8").iter().any(|(e, _)| e == "refund card"), "{:?}", ledger("order-8"));
    let json = serde_json::to_value(o.flows.as_ref().unwrap()).unwrap();
    let seven = json["records"].as_array().unwrap().iter().find(|r| r["key"] == "order-7").unwrap();
    assert_eq!(seven["effects"], serde_json::json!({"charge card": 1, "refund card": 1}));
}

#[test]
fn a_fourth_subscriber_changes_nothing_on_the_command_side() {
    let side = |name: &str| {
        let trace = trace_of(&scenario(name));
        let command_side = ["checkout", "payment-commands", "payment"];
        trace
            .into_iter()
            .filter(|e| command_side.contains(&e["node"].as_str().unwrap()))
            .map(|mut e| {
                // Sequence numbers and copy ids count the topic's readers too.
                e.as_object_mut().unwrap().remove("seq");
                e.as_object_mut().unwrap().remove("copy");
                e
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(side("commands-and-events"), side("commands-and-events-fourth-subscriber"));
    let deliveries = |name: &str| {
        let o = run_named(name);
        let m = o
            .messages
            .iter()
            .find(|m| m.key.as_deref() == Some("order-7") && m.event_type.as_ref() == "PaymentCaptured")
            .unwrap();
        m.deliveries
    };
    assert_eq!((deliveries("commands-and-events"), deliveries("commands-and-events-fourth-subscriber")), (3, 4));
}

#[test]
fn one_duplicate_becomes_two_shipments_at_the_moments_the_narration_names() {
    let trace = trace_of(&scenario("duplicate-amplification"));
    let at = |msg: &str, event: &str| {
        events(&trace, event)
            .iter()
            .filter(|e| e["msg"] == msg)
            .map(|e| e["t_us"].as_u64().unwrap() / 1000)
            .collect::<Vec<_>>()
    };
    assert_eq!(at("checkout-11", "ConfirmLost"), [2700]);
    assert_eq!(at("checkout-11", "Published"), [2500, 2750]);
    assert_eq!(at("payment-13", "Caused"), [2870]);
    assert_eq!(at("shipping-13", "Caused"), [3010]);
}

/// `name` with `edit` applied to its JSON, run to the end.
fn tried(name: &str, edit: impl Fn(&mut serde_json::Value)) -> broker::Outcome {
    let mut v: serde_json::Value = serde_json::from_str(&scenario(name)).unwrap();
    edit(&mut v);
    common::run(&v.to_string()).1
}

/// The node called `id` in a scenario's JSON.
fn node<'a>(v: &'a mut serde_json::Value, id: &str) -> &'a mut serde_json::Value {
    v["nodes"].as_array_mut().unwrap().iter_mut().find(|n| n["id"] == id).unwrap()
}

/// Applies `f` to each of the nodes called `ids`.
fn each(v: &mut serde_json::Value, ids: &[&str], f: impl Fn(&mut serde_json::Value)) {
    ids.iter().for_each(|id| f(node(v, id)));
}

#[test]
fn every_try_does_what_the_narration_says() {
    use serde_json::json;
    let key = |o: &broker::Outcome, k: &str| o.messages.iter().find(|m| m.key.as_deref() == Some(k)).unwrap().clone();
    // order-flow-compensation: without the StockFailed binding, StockFailed is unroutable.
    let o = tried("order-flow-compensation", |v| {
        v["wires"].as_array_mut().unwrap().retain(|w| w["binding_key"] != "StockFailed");
    });
    assert!(
        o.verdict.iter().any(|l| l.starts_with("order-7 (checkout-7): inconsistent")
            && l.contains("\"charge card\" happened and \"refund card\" never undid it")),
        "{:?}",
        o.verdict
    );
    // service-outbox: a relay crash after publishing publishes the row again.
    let o = tried("service-outbox", |v| node(v, "payment")["faults"][0]["crash"]["point"] = json!("after_publish"));
    assert!(
        o.messages.iter().any(|m| m.event_type.as_ref() == "PaymentCaptured" && m.deliveries > 1),
        "{:?}",
        o.verdict
    );
    // duplicate-amplification: an idempotent payment stops the duplicate at the first hop.
    let o = tried("duplicate-amplification", |v| node(v, "payment")["semantics"] = json!("exactly-once"));
    assert_eq!((o.duplicates_suppressed, o.flows.as_ref().unwrap().completed), (1, 20));
    // work-queue: prefetch 50 lets the slow worker hoard.
    let o = tried("work-queue", |v| node(v, "work")["prefetch"] = json!(50));
    assert_eq!((o.out_of_order, o.in_flight), (51, 17));
    assert!(o.latency_ms.p95 > 12_000.0 && run_named("work-queue").latency_ms.p95 < 1_000.0);
    // poison-no-dlq: a quorum queue's default delivery limit of 20 ends the loop, and drops.
    let o = tried("poison-no-dlq", |v| node(v, "work")["queue_type"] = json!("quorum"));
    assert_eq!((o.dropped, o.processed_once, key(&o, "order-10").deliveries), (15, 135, 21));
    // poison-with-dlq: a delivery limit of 1 means 2 deliveries; a redrive with the bug still
    // there dead-letters them again, with an x-death count of 2.
    let o = tried("poison-with-dlq", |v| node(v, "work")["delivery_limit"] = json!(1));
    assert_eq!((o.dead_lettered, key(&o, "order-10").deliveries), (15, 2));
    let o = tried("poison-with-dlq", |v| v["actions"] = json!([{"at_ms": 8000, "redrive": {"dlq": "dlq"}}]));
    assert_eq!(o.dead_lettered, 15);
    assert!(o.messages.iter().filter(|m| m.fate == "dead_lettered").all(|m| m.deaths[0].count == 2));
    // retry-storm: backoff with jitter and the same 5 attempts; retry-jitter with 5 attempts.
    let backoff =
        json!({"policy": "exponential", "base_ms": 100, "jitter": "full", "max_attempts": 5, "then": "dead_letter"});
    let o = tried("retry-storm", |v| each(v, &["payer-1", "payer-2"], |n| n["retry"] = backoff.clone()));
    assert_eq!(o.dead_lettered, 20);
    let o = tried("retry-jitter", |v| each(v, &["payer-1", "payer-2"], |n| n["retry"]["max_attempts"] = json!(5)));
    assert_eq!(o.dead_lettered, 20);
    let o = tried("retry-jitter", |v| each(v, &["payer-1", "payer-2"], |n| n["retry"]["jitter"] = json!("none")));
    assert_eq!(o.dead_lettered, 0);
    // The crash lessons: at-most-once to at-least-once on the same seed.
    let o = tried("crash-at-most-once", |v| node(v, "billing")["semantics"] = json!("at-least-once"));
    assert_eq!((o.lost, o.processed_more_than_once), (0, 5));
    // fan-out: a crashed subscriber holds up only its own queue.
    let o = tried("fan-out", |v| {
        v["actions"] = json!([{"at_ms": 2000, "crash": {"consumer": "shipping", "recover_after_ms": 2000}}])
    });
    assert_eq!(o.processed_once, o.published);
    // Duplicates: a shorter ack timeout shrinks the stalls, not the double charges; more lost
    // acks with an idempotent consumer charge nobody twice but leave orders waiting.
    let o = tried("duplicates-no-idempotency", |v| node(v, "billing-q")["ack_timeout_ms"] = json!(500));
    assert_eq!((o.max_queue_depth, o.processed_more_than_once), (25, 12));
    let o =
        tried("duplicates-idempotent", |v| node(v, "billing")["faults"][0]["lose_acks"]["probability"] = json!(0.2));
    assert_eq!((o.duplicate_effects, o.in_flight), (0, 53));
    // Ordering: jitter on the wire reorders even with the right key.
    let o = tried("out-of-order-keyed-by-order", |v| {
        v["wires"][0] = json!({"from": "checkout", "to": "orders", "jitter_ms": 1500})
    });
    assert_eq!(o.out_of_order, 2);
    // Lag: per-record commits, or a second member from the start.
    let o = tried("consumer-lag-rebalance", |v| {
        each(v, &["fulfilment-1", "fulfilment-2"], |n| n["commit"] = json!("record"))
    });
    assert_eq!(o.processed_more_than_once, 1);
    let o = tried("consumer-lag-rebalance", |v| node(v, "fulfilment-2")["start_ms"] = json!(0));
    assert!(o.max_consumer_lag <= 6 && o.processed_more_than_once == 0, "{}", o.max_consumer_lag);
    // slow-poll-loop: the fixes on billing-1 alone.
    for (field, value) in [("max_poll_records", json!(10)), ("max_poll_interval_ms", json!(10_000))] {
        let o = tried("slow-poll-loop", |v| node(v, "billing-1")[field] = value.clone());
        assert_eq!(o.processed_once, o.published, "{field}");
    }
    // replay-late-joiner: earliest from the start, or a replay over events already counted.
    let o = tried("replay-late-joiner", |v| {
        node(v, "analytics")["auto_offset_reset"] = json!("earliest");
        v["actions"] = json!([]);
    });
    assert_eq!((o.processed_once, o.lost), (o.published, 0));
    let o = tried("replay-late-joiner", |v| node(v, "analytics")["start_ms"] = json!(4000));
    assert_eq!((o.processed_more_than_once, o.out_of_order), (16, 24));
    let o = tried("replay-late-joiner", |v| {
        node(v, "analytics")["start_ms"] = json!(4000);
        node(v, "analytics")["semantics"] = json!("exactly-once");
    });
    assert_eq!((o.duplicate_effects, o.out_of_order), (0, 20));
    // The producer side.
    let o = tried("dual-write", |v| node(v, "checkout")["write"]["order"] = json!("publish_then_write"));
    assert_eq!((o.phantom_events, o.lost), (3, 0));
    let o = tried("outbox", |v| node(v, "shipping")["semantics"] = json!("exactly-once"));
    assert_eq!((o.processed_once, o.duplicate_effects), (o.published, 0));
    let o = tried("outbox", |v| node(v, "checkout")["write"]["relay_interval_ms"] = json!(1000));
    assert_eq!((o.processed_more_than_once, o.latency_ms.p50), (4, 770.0));
    assert_eq!(run_named("outbox").latency_ms.p50, 190.0);
    let o = tried("producer-retries-duplicates", |v| node(v, "billing")["semantics"] = json!("exactly-once"));
    assert_eq!((o.processed_once, o.duplicate_effects), (o.published, 0));
    let o =
        tried("producer-idempotent", |v| node(v, "checkout")["faults"][0]["confirm_lost"]["probability"] = json!(0.3));
    assert_eq!((o.publish_retries, o.publishes_deduplicated, o.duplicate_effects), (15, 15, 0));
    // Read models: the lag, and what a faster projection and read-your-writes change.
    let table = |o: &broker::Outcome| o.read_models[0].1.clone();
    let o = tried("read-model-lag", |v| node(v, "projection")["concurrency"] = json!(3));
    assert_eq!(o.missed_reads, 46, "prefetch 1 still hands out one event at a time");
    let o = tried("read-model-lag", |v| {
        node(v, "projection")["concurrency"] = json!(3);
        node(v, "projection")["prefetch"] = json!(3);
    });
    assert_eq!((o.missed_reads, table(&o).visible_after_ms.p50.round()), (24, 126.0));
    assert_eq!(table(&run_named("read-model-lag")).visible_after_ms.p50.round(), 218.0);
    let o = tried("read-model-faster-projection", |v| {
        node(v, "my-orders")["readers"]["after"] = json!({"fixed": {"ms": 10}})
    });
    assert_eq!(o.missed_reads, 54);
    let o = tried("read-model-read-your-writes", |v| {
        node(v, "my-orders")["readers"]["after"] = json!({"uniform": {"min_ms": 0, "max_ms": 1000}})
    });
    assert_eq!((o.missed_reads, table(&o).counts.routed), (0, 11));
    let o =
        tried("read-model-read-your-writes", |v| node(v, "my-orders")["readers"]["read_your_writes"] = json!(false));
    assert_eq!((o.missed_reads, table(&o).counts.routed), (46, 0));
    // Projections: the version check, a longer max.poll.interval, and what a rebuild needs.
    let o = tried("projection-no-version-check", |v| {
        each(v, &["projection-1", "projection-2"], |n| n["version_check"] = json!(true))
    });
    assert_eq!((o.rows_behind, table(&o).counts.skipped_stale), (0, 4));
    let o = tried("projection-no-version-check", |v| {
        each(v, &["projection-1", "projection-2"], |n| n["max_poll_interval_ms"] = json!(5000))
    });
    assert_eq!((o.rows_behind, table(&o).counts.overwrote_newer, table(&o).visible_after_ms.p50), (0, 0, 2520.0));
    assert_eq!(table(&run_named("projection-no-version-check")).visible_after_ms.p50, 1540.0);
    let o = tried("projection-version-check", |v| {
        node(v, "projection-1").as_object_mut().unwrap().remove("version_check");
    });
    assert_eq!((o.rows_behind, table(&o).counts.overwrote_newer), (4, 4));
    let o = tried("projection-version-check", |v| {
        node(v, "projection-2").as_object_mut().unwrap().remove("version_check");
    });
    assert_eq!((o.rows_behind, table(&o).counts.skipped_stale), (0, 4));
    let o = tried("projection-rebuild", |v| node(v, "orders")["retention_ms"] = json!(4000));
    assert_eq!(o.rows_behind, 5);
    assert!(
        o.verdict.iter().any(|l| l.contains("order-1 is not in the table where the write side has OrderShipped")),
        "{:?}",
        o.verdict
    );
    let o = tried("projection-rebuild", |v| {
        let last = v["actions"].as_array().unwrap().len() - 1;
        v["actions"][last]["at_ms"] = json!(3000);
    });
    assert_eq!(o.rows_behind, 4);
    // Schemas: a reader upgraded before the rename fails the other half; a reader on the
    // version the registry refused reads nothing.
    let o = tried("schema-deploy-breaks", |v| node(v, "billing")["schema_version"] = json!(2));
    assert_eq!(
        (o.unreadable, key(&o, "order-1").fate, key(&o, "order-31").fate),
        (30, broker::Fate::DeadLettered, broker::Fate::ProcessedOnce)
    );
    assert!(
        o.verdict.iter().any(|l| l.starts_with("billing could not read 30 OrderPlaced messages written with version 1, reading with version 2: field \"currency_code\" is not in version 1")),
        "{:?}",
        o.verdict
    );
    let o = tried("schema-registry-refuses", |v| node(v, "billing")["schema_version"] = json!(2));
    assert_eq!((o.unreadable, o.dead_lettered, o.deploys_refused), (60, 60, 1));
    // An alias lets version 2 read version 1's orders: BACKWARD accepts it, and the reader
    // still on version 1 fails as if there were no registry.
    let o = tried("schema-registry-refuses", |v| {
        v["schemas"]["OrderPlaced"]["versions"][1]["fields"][2]["aliases"] = json!(["currency"])
    });
    assert_eq!((o.unreadable, o.dead_lettered, o.deploys_refused), (30, 30, 0));
    // Who upgrades first: a redrive once billing reads version 2 charges the window's orders,
    // late; a redrive of version-1 orders to a version-2 reader dead-letters them again.
    let redrive = |v: &mut serde_json::Value| {
        v["actions"].as_array_mut().unwrap().push(json!({"at_ms": 5000, "redrive": {"dlq": "dlq"}}))
    };
    let o = tried("schema-backward-producer-first", redrive);
    assert_eq!((o.unreadable, o.dead_lettered, o.processed_once), (20, 0, 60));
    assert!(
        o.verdict.iter().any(|l| l == "20 messages were dead-lettered on the way and processed in the end."),
        "{:?}",
        o.verdict
    );
    let o = tried("schema-forward-consumers-first", redrive);
    assert_eq!((o.unreadable, o.dead_lettered), (20, 20));
    assert!(o.messages.iter().filter(|m| m.fate == "dead_lettered").all(|m| m.deaths[0].count == 2));
    // ... and the wrong order without the registry noticing: take away the deploy that came first.
    let without = |who: &'static str| {
        move |v: &mut serde_json::Value| v["actions"].as_array_mut().unwrap().retain(|a| a["deploy"]["node"] != who)
    };
    for (name, first) in [("schema-backward-consumers-first", "billing"), ("schema-forward-producer-first", "checkout")]
    {
        let o = tried(name, without(first));
        assert_eq!((o.unreadable, o.dead_lettered, o.deploys_refused), (20, 20, 0), "{name}");
        assert_eq!(
            (key(&o, "order-40").fate, key(&o, "order-41").fate),
            (broker::Fate::ProcessedOnce, broker::Fate::DeadLettered)
        );
    }
    // The tolerant reader: without shipping's early deploy, checkout goes first and both
    // variants read every order, default or not.
    for name in ["schema-field-with-default", "schema-field-without-default"] {
        let o = tried(name, without("shipping"));
        assert_eq!((o.unreadable, o.dead_lettered, o.processed_once), (0, 0, 60), "{name}");
    }
    // A FULL registry accepts the field with a default; without one it refuses checkout's
    // deploy but not shipping's, which then reads nothing from order-14 on.
    let full = |v: &mut serde_json::Value| v["registry"] = json!({"compatibility": "FULL"});
    let o = tried("schema-field-with-default", full);
    assert_eq!((o.unreadable, o.deploys_refused), (0, 0));
    let o = tried("schema-field-without-default", full);
    assert_eq!((o.unreadable, o.dead_lettered, o.deploys_refused), (47, 47, 1));
}

/// The read and projection events of a trace for `msg`: (event, result or write, time in ms).
fn view_events(trace: &[serde_json::Value], msg: &str) -> Vec<(String, String, u64)> {
    trace
        .iter()
        .filter(|e| e["msg"] == msg && (e["event"] == "ViewRead" || e["event"] == "Projected"))
        .map(|e| {
            let what = e.get("result").or(e.get("write")).and_then(|w| w.as_str()).unwrap_or_default();
            (e["event"].as_str().unwrap().to_string(), what.to_string(), e["t_us"].as_u64().unwrap() / 1000)
        })
        .collect()
}

#[test]
fn a_read_model_lags_its_writes_and_read_your_writes_sends_the_reads_it_would_miss_to_the_write_side() {
    let lag = run_named("read-model-lag");
    let fast = run_named("read-model-faster-projection");
    let ryw = run_named("read-model-read-your-writes");
    let counts = |o: &broker::Outcome| o.read_models[0].1.counts;
    // Every event is followed by one read, and the projection keeps up in the end.
    for o in [&lag, &fast, &ryw] {
        assert_eq!((o.published, counts(o).writes, counts(o).applied, counts(o).reads), (80, 80, 80, 80));
        assert_eq!((o.rows_behind, o.processed_once, counts(o).overwrote_newer), (0, 80, 0));
    }
    assert_eq!((counts(&lag).missing, counts(&lag).stale, counts(&lag).routed), (23, 23, 0));
    assert_eq!(lag.read_models[0].1.early_reads(), Some((200, 43, 33)));
    assert!(fast.missed_reads * 10 < lag.missed_reads, "a faster projection misses far fewer");
    // The narration's moments.
    let t = trace_of(&scenario("read-model-lag"));
    assert_eq!(
        view_events(&t, "checkout-9"),
        [("ViewRead".into(), "missing".into(), 1402), ("Projected".into(), "applied".into(), 1660)]
    );
    assert_eq!(
        view_events(&t, "checkout-41"),
        [("ViewRead".into(), "stale".into(), 7394), ("Projected".into(), "applied".into(), 7511)]
    );
    let t = trace_of(&scenario("read-model-faster-projection"));
    let missed: Vec<(String, u64)> = events(&t, "ViewRead")
        .iter()
        .filter(|e| e["result"] != "fresh")
        .map(|e| (e["msg"].as_str().unwrap().to_string(), e["t_us"].as_u64().unwrap() / 1000))
        .collect();
    assert_eq!(missed, [("checkout-12".to_string(), 2234), ("checkout-46".to_string(), 9661)]);
    // Read-your-writes changes no draw: the reads that missed are exactly the ones routed.
    assert_eq!((counts(&ryw).routed, counts(&ryw).missed_own_write), (46, 0));
    let reads = |name: &str, results: &[&str]| -> Vec<String> {
        events(&trace_of(&scenario(name)), "ViewRead")
            .iter()
            .filter(|e| results.iter().any(|r| e["result"] == *r))
            .map(|e| format!("{} {}", e["msg"], e["t_us"]))
            .collect()
    };
    assert_eq!(reads("read-model-lag", &["missing", "stale"]), reads("read-model-read-your-writes", &["routed"]));
}

#[test]
fn a_late_write_sets_rows_back_unless_versions_are_checked_and_a_rebuild_replays_them_right() {
    let plain = run_named("projection-no-version-check");
    let checked = run_named("projection-version-check");
    let rebuilt = run_named("projection-rebuild");
    let (p, c, r) = (&plain.read_models[0].1, &checked.read_models[0].1, &rebuilt.read_models[0].1);
    assert_eq!((plain.rows_behind, p.counts.overwrote_newer, p.counts.skipped_stale), (4, 4, 0));
    let behind: Vec<&str> = p.behind.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(behind, ["order-2", "order-3", "order-4"], "the first three of order-2 to order-5");
    assert_eq!((checked.rows_behind, c.counts.overwrote_newer, c.counts.skipped_stale), (0, 0, 4));
    assert_eq!((rebuilt.rows_behind, r.counts.rebuilds, r.rows), (0, 1, 5));
    assert_eq!(r.counts.applied, 30, "every event written twice: live and in the replay");
    for o in [&plain, &checked, &rebuilt] {
        assert_eq!((o.published, o.in_flight, o.lost), (15, 0, 0));
    }
    // The narration's moments: the stall, the handover, the late writes, the rejoin.
    let t = trace_of(&scenario("projection-no-version-check"));
    let left = events(&t, "LeftGroup");
    assert_eq!(left.len(), 1);
    assert_eq!(
        (left[0]["node"].as_str(), left[0]["reason"].as_str(), left[0]["t_us"].as_u64()),
        (Some("projection-1"), Some("max_poll_interval_exceeded"), Some(2_620_000))
    );
    let refetch = events(&t, "Fetched").into_iter().find(|e| e["node"] == "projection-2").unwrap();
    assert_eq!((refetch["offset"].as_u64(), refetch["t_us"].as_u64()), (Some(6), Some(2_620_000)));
    let late = |t: &[serde_json::Value], write: &str| -> Vec<(String, u64)> {
        events(t, "Projected")
            .iter()
            .filter(|e| e["write"] == write)
            .map(|e| (e["msg"].as_str().unwrap().to_string(), e["t_us"].as_u64().unwrap() / 1000))
            .collect()
    };
    let want: Vec<(String, u64)> = (7..=10).map(|i| (format!("checkout-{i}"), 3620 + 20 * (i - 7))).collect();
    assert_eq!(late(&t, "overwrote_newer"), want, "order-2 to order-5's OrderPaid, over OrderShipped");
    let caught_up = events(&t, "Projected").into_iter().filter(|e| e["msg"] == "checkout-15").collect::<Vec<_>>();
    assert_eq!(caught_up[0]["t_us"].as_u64(), Some(2_800_000));
    let back = events(&t, "Rebalanced").into_iter().last().unwrap();
    assert_eq!(back["t_us"].as_u64(), Some(3_680_000));
    assert_eq!(back["assignment"]["projection-1"], serde_json::json!(["orders/0"]));
    // With the check, the same writes arrive and are skipped.
    assert_eq!(late(&trace_of(&scenario("projection-version-check")), "skipped_stale"), want);
    // The rebuild: emptied at 6 s, replayed by projection-1 from offset 0, done at 6.3 s.
    let t = trace_of(&scenario("projection-rebuild"));
    assert_eq!(events(&t, "Rebuilt").iter().map(|e| e["t_us"].as_u64().unwrap()).collect::<Vec<_>>(), [6_000_000]);
    let reset = events(&t, "OffsetsReset");
    assert_eq!(reset.len(), 1, "one partition");
    let refetched = events(&t, "Fetched").into_iter().filter(|e| e["t_us"] == 6_000_000).collect::<Vec<_>>();
    assert!(refetched.len() == 15 && refetched.iter().all(|e| e["node"] == "projection-1"));
    assert!(reset.iter().all(|e| e["offset"] == 0 && e["group"] == "order-projection" && e["t_us"] == 6_000_000));
    let replay: Vec<_> =
        events(&t, "Projected").into_iter().filter(|e| e["t_us"].as_u64() >= Some(6_000_000)).collect();
    assert_eq!(replay.len(), 15);
    assert!(replay.iter().all(|e| e["write"] == "applied"), "the replay writes each order's events in order");
    assert_eq!(replay.last().unwrap()["t_us"].as_u64(), Some(6_300_000));
    assert!(rebuilt.verdict.iter().all(|l| !l.contains("behind the write side")), "{:?}", rebuilt.verdict);
}

/// (published, unreadable, dead-lettered, deploys refused): the figures of a schema lesson.
fn schema_figures(o: &broker::Outcome) -> (u64, u64, u64, u64) {
    (o.published, o.unreadable, o.dead_lettered, o.deploys_refused)
}

/// The keys of the messages that were dead-lettered, in publish order.
fn dead_keys(o: &broker::Outcome) -> Vec<String> {
    o.messages.iter().filter(|m| m.fate == "dead_lettered").map(|m| m.key.as_deref().unwrap().to_string()).collect()
}

fn orders(range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|i| format!("order-{i}")).collect()
}

/// A trace's deploys, accepted or refused: (time in ms, node, version, refused).
fn deploys(t: &[serde_json::Value]) -> Vec<(u64, String, u64, bool)> {
    t.iter()
        .filter(|e| e["event"] == "Deployed" || e["event"] == "DeployRefused")
        .map(|e| {
            let node = e["node"].as_str().unwrap().to_string();
            (e["t_us"].as_u64().unwrap() / 1000, node, e["version"].as_u64().unwrap(), e["event"] == "DeployRefused")
        })
        .collect()
}

/// A trace's unreadable messages: (message, time in ms, consumer, writer's version, reader's).
fn unreadable(t: &[serde_json::Value]) -> Vec<(String, u64, String, u64, u64)> {
    events(t, "Unreadable")
        .iter()
        .map(|e| {
            let (msg, node) = (e["msg"].as_str().unwrap().to_string(), e["node"].as_str().unwrap().to_string());
            (
                msg,
                e["t_us"].as_u64().unwrap() / 1000,
                node,
                e["writer"].as_u64().unwrap(),
                e["reader"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_deploy_that_renames_a_field_breaks_its_consumer_unless_the_registry_refuses_it() {
    let broke = run_named("schema-deploy-breaks");
    let refused = run_named("schema-registry-refuses");
    assert_eq!(schema_figures(&broke), (60, 30, 30, 0));
    assert_eq!(schema_figures(&refused), (60, 0, 0, 1));
    assert_eq!((broke.processed_once, refused.processed_once), (30, 60));
    // Exactly the orders written after the deploy fail, each once, as soon as billing reads it.
    assert_eq!(dead_keys(&broke), orders(31..=60));
    let t = trace_of(&scenario("schema-deploy-breaks"));
    assert_eq!(deploys(&t), [(3000, "checkout".to_string(), 2, false)]);
    let u = unreadable(&t);
    assert_eq!(u.len(), 30);
    assert_eq!((u[0].0.as_str(), u[0].1), ("checkout-31", 3030));
    assert!(u.iter().all(|(_, _, node, w, r)| (node.as_str(), *w, *r) == ("billing", 2, 1)));
    let failed = events(&t, "ProcessingFailed");
    assert!(failed.len() == 30 && failed.iter().all(|e| e["reason"] == "schema_incompatible"));
    let report = broke.schemas.as_ref().unwrap();
    assert_eq!(report.unreadable.len(), 1);
    let r = &report.unreadable[0];
    assert_eq!((r.consumer.as_str(), r.writer_version, r.reader_version, r.messages), ("billing", 2, 1, 30));
    assert_eq!(r.why, "field \"currency\" is not in version 2, and version 1 (the reader's) gives it no default");
    // The registry: refused at 3 s, checkout kept version 1, and nobody failed to read anything.
    let t = trace_of(&scenario("schema-registry-refuses"));
    assert_eq!(deploys(&t), [(3000, "checkout".to_string(), 2, true)]);
    assert!(unreadable(&t).is_empty() && events(&t, "ProcessingFailed").is_empty());
    let d = &refused.schemas.as_ref().unwrap().deploys[..];
    assert_eq!((d.len(), d[0].from, d[0].version), (1, 1, 2));
    assert!(
        d[0].refused
            .as_deref()
            .unwrap()
            .starts_with("OrderPlaced is BACKWARD: version 2 must read what version 1 wrote"),
        "{:?}",
        d[0].refused
    );
}

#[test]
fn the_registry_accepts_both_orders_of_deploys_and_only_the_one_its_mode_is_made_for_reads_every_order() {
    let names = [
        "schema-backward-producer-first",
        "schema-backward-consumers-first",
        "schema-forward-consumers-first",
        "schema-forward-producer-first",
    ];
    let runs = names.map(run_named);
    // The wrong order for the mode fails the 20 orders of the window; the right one none.
    assert_eq!(runs.each_ref().map(schema_figures), [(60, 20, 20, 0), (60, 0, 0, 0), (60, 20, 20, 0), (60, 0, 0, 0)]);
    for (name, o) in names.iter().zip(&runs) {
        // Both deploys taken in every variant: the registry found each version compatible.
        let d = &o.schemas.as_ref().unwrap().deploys;
        assert!(d.len() == 2 && d.iter().all(|d| d.refused.is_none() && d.version == 2), "{name}: {d:?}");
        let first = if name.ends_with("producer-first") { "checkout" } else { "billing" };
        let second = if first == "checkout" { "billing" } else { "checkout" };
        let want = [(2000, first.to_string(), 2, false), (4000, second.to_string(), 2, false)];
        assert_eq!(deploys(&trace_of(&scenario(name))), want, "{name}");
    }
    // The window between the two deploys, and which way the reading failed: under BACKWARD a
    // version-1 reader meets version 2's orders, under FORWARD a version-2 reader version 1's.
    assert_eq!((dead_keys(&runs[0]), dead_keys(&runs[2])), (orders(21..=40), orders(21..=40)));
    for (name, writer, reader) in [(names[0], 2, 1), (names[2], 1, 2)] {
        let u = unreadable(&trace_of(&scenario(name)));
        assert_eq!(u.len(), 20, "{name}");
        assert_eq!((u[0].0.as_str(), u[0].1, u[19].0.as_str(), u[19].1), ("checkout-21", 2030, "checkout-40", 3930));
        assert!(u.iter().all(|(_, _, node, w, r)| (node.as_str(), *w, *r) == ("billing", writer, reader)), "{name}");
    }
    let field = |o: &broker::Outcome| o.schemas.as_ref().unwrap().unreadable[0].why.clone();
    assert!(field(&runs[0]).starts_with("field \"gift_note\" is not in version 2"), "{}", field(&runs[0]));
    assert!(field(&runs[2]).starts_with("field \"currency\" is not in version 1"), "{}", field(&runs[2]));
}

#[test]
fn a_default_lets_an_upgraded_reader_read_the_backlog_and_without_one_the_backlog_fails() {
    let with = run_named("schema-field-with-default");
    let without = run_named("schema-field-without-default");
    assert_eq!(schema_figures(&with), (60, 0, 0, 0));
    assert_eq!(schema_figures(&without), (60, 27, 27, 0));
    // billing, never upgraded, reads every order in both: it skips the field it does not know.
    assert!(with.messages.iter().all(|m| m.effects == 2), "shipped and charged, every order");
    assert!(without.messages.iter().all(|m| m.effects >= 1), "charged, every order");
    // Without the default: the version-1 orders shipping had not read when it upgraded
    // (order-14 in hand, order-15 to order-20 queued), those written until checkout's deploy
    // at 4 s, and those still queued behind them then.
    assert_eq!(dead_keys(&without), orders(14..=40));
    let t = trace_of(&scenario("schema-field-without-default"));
    assert_eq!(deploys(&t), [(2000, "shipping".to_string(), 2, false), (4000, "checkout".to_string(), 2, false)]);
    let u = unreadable(&t);
    assert!(u.iter().all(|(_, _, node, w, r)| (node.as_str(), *w, *r) == ("shipping", 1, 2)));
    assert_eq!((u[0].0.as_str(), u[0].1), ("checkout-14", 2100));
    assert_eq!(u.iter().filter(|x| x.1 > 4000).count(), 14, "order-27 to order-40 fail after checkout's deploy");
    let shipped = |t: &[serde_json::Value], msg: &str| -> Vec<u64> {
        events(t, "EffectApplied")
            .iter()
            .filter(|e| e["msg"] == msg && e["node"] == "shipping")
            .map(|e| e["t_us"].as_u64().unwrap() / 1000)
            .collect()
    };
    assert_eq!(shipped(&t, "checkout-41"), [6150]);
    // With the default the same orders, read at the same moments, ship.
    let t = trace_of(&scenario("schema-field-with-default"));
    assert!(unreadable(&t).is_empty());
    assert_eq!((shipped(&t, "checkout-14"), shipped(&t, "checkout-40")), (vec![2100], vec![6000]));
}

#[test]
fn read_uncommitted_charges_aborted_baskets_and_read_committed_skips_them_and_waits() {
    let uncommitted = run_named("transactions-read-uncommitted");
    assert_eq!((uncommitted.aborted_effects, uncommitted.processed_once), (7, 46), "{:?}", uncommitted.verdict);
    let t = trace_of(&scenario("transactions-read-uncommitted"));
    let aborted: Vec<_> =
        events(&t, "TxnAborted").iter().map(|e| (e["txn"].as_u64().unwrap(), e["reason"].clone())).collect();
    assert_eq!(
        aborted,
        vec![(4, json!("aborted_by_producer")), (6, json!("fenced")), (8, json!("aborted_by_producer"))],
        "baskets 4 and 8 fail at payment, basket 6 is fenced when checkout restarts"
    );

    let committed = run_named("transactions-read-committed");
    assert_eq!((committed.aborted_effects, committed.dropped, committed.lost), (0, 7, 0), "{:?}", committed.verdict);
    let t = trace_of(&scenario("transactions-read-committed"));
    assert_eq!(events(&t, "AbortedSkipped").len(), 7);
    // While basket 6 is open (3 s to 5.1 s) billing reads nothing from its partition that was
    // written after its first record, the marketplace's orders included.
    let first = events(&t, "Appended").into_iter().find(|e| e["msg"] == "checkout-16").unwrap().clone();
    let behind: Vec<_> = events(&t, "Appended")
        .into_iter()
        .filter(|e| e["partition"] == first["partition"] && e["offset"].as_u64() > first["offset"].as_u64())
        .filter(|e| e["t_us"].as_u64().unwrap() < 5_100_000)
        .collect();
    assert!(behind.iter().any(|e| e["msg"].as_str().unwrap().starts_with("marketplace")), "{behind:?}");
    for e in &behind {
        let read = events(&t, "Fetched").into_iter().find(|f| f["msg"] == e["msg"]).unwrap();
        assert!(read["t_us"].as_u64().unwrap() >= 5_100_000, "{read} was read past the open basket");
    }
}
