//! Flows: each producer's message and what services published because of it, and how each
//! one ended (completed, compensated, in flight, stuck, inconsistent), in the outcome, its
//! JSON and the verdict.

use serde_json::{json, Value};

use crate::common::{self, scenario_json};

/// orders → q-orders → payment → q-payments → shipping → shipped (a direct exchange) →
/// q-notify → notify, where shipping gives up on order-3 (poison) and says ShippingFailed;
/// with `refunds`, a refunds service reads ShippingFailed from its own queue, bound to that
/// event type, and refunds the card.
fn shop(refunds: bool, flows: Value, orders: Value) -> String {
    let mut nodes = vec![
        json!({"id": "orders", "kind": "producer", "count": 10, "keys": "order-1..order-10", "event_type": "OrderPlaced"}),
        json!({"id": "q-orders", "kind": "queue"}),
        json!({"id": "payment", "kind": "consumer", "effect": "charge card",
               "publishes": [{"publish": "PaymentCaptured"}]}),
        json!({"id": "q-payments", "kind": "queue"}),
        json!({"id": "shipping", "kind": "consumer", "effect": "ship order",
               "retry": {"policy": "immediate", "max_attempts": 2, "then": "drop"},
               "faults": [{"poison": {"key": "order-3"}}],
               "publishes": [{"publish": "OrderShipped", "give_up": "ShippingFailed"}]}),
        json!({"id": "shipped", "kind": "exchange", "type": "direct"}),
        json!({"id": "q-notify", "kind": "queue"}),
        json!({"id": "notify", "kind": "consumer", "effect": "email customer"}),
    ];
    let mut wires = vec![
        json!(["orders", "q-orders"]),
        json!(["q-orders", "payment"]),
        json!(["payment", "q-payments"]),
        json!(["q-payments", "shipping"]),
        json!(["shipping", "shipped"]),
        json!({"from": "shipped", "to": "q-notify", "binding_key": "OrderShipped"}),
        json!(["q-notify", "notify"]),
    ];
    if refunds {
        nodes.push(json!({"id": "q-refunds", "kind": "queue"}));
        nodes.push(json!({"id": "refunds", "kind": "consumer", "effect": "refund card",
                          "publishes": [{"on": "ShippingFailed", "publish": "PaymentRefunded"}]}));
        nodes.push(json!({"id": "q-refunded", "kind": "queue"}));
        wires.extend([
            json!({"from": "shipped", "to": "q-refunds", "binding_key": "ShippingFailed"}),
            json!(["q-refunds", "refunds"]),
            json!(["refunds", "q-refunded"]),
        ]);
    }
    nodes[0].as_object_mut().unwrap().extend(orders.as_object().unwrap().clone());
    let mut v: Value = serde_json::from_str(&scenario_json(30_000, json!(nodes), json!(wires), json!([]))).unwrap();
    v["flows"] = flows;
    v.to_string()
}

fn flows_of(text: &str) -> (broker::Outcome, Value) {
    let (_, o) = common::run(text);
    common::assert_conserved(&o);
    let json = serde_json::to_value(&o).unwrap();
    (o, json["flows"].clone())
}

#[test]
fn a_failed_step_with_its_compensation_ends_compensated() {
    let flows = json!({"completed": "OrderShipped", "compensated": "PaymentRefunded",
                       "compensations": {"charge card": "refund card"}});
    let (o, f) = flows_of(&shop(true, flows, json!({})));
    assert_eq!((f["completed"].as_u64(), f["compensated"].as_u64()), (Some(9), Some(1)), "{f:#}");
    assert_eq!(f["stuck"], 0);
    let three = f["records"].as_array().unwrap().iter().find(|r| r["key"] == "order-3").unwrap();
    assert_eq!(three["state"], "compensated");
    assert_eq!(three["flow"], "orders-3");
    assert!(three["why"].as_str().unwrap().contains("PaymentRefunded (refunds-1)"), "{three}");
    assert!(o.verdict.iter().any(|l| l == "10 flows: 9 completed, 1 compensated."), "{:?}", o.verdict);
}

#[test]
fn a_step_that_gives_up_without_a_compensation_leaves_the_flow_stuck() {
    let (o, f) = flows_of(&shop(false, json!({"completed": ["OrderShipped"]}), json!({})));
    assert_eq!((f["completed"].as_u64(), f["stuck"].as_u64()), (Some(9), Some(1)), "{f:#}");
    let line = o.verdict.iter().position(|l| l.starts_with("order-3 (orders-3): stuck")).expect("a line for order-3");
    assert_eq!(
        o.verdict[line],
        "order-3 (orders-3): stuck, PaymentCaptured (payment-3) was dropped: the consumer gave up after its retries."
    );
    // The line links to the flow's messages: the order, its payment, the failure.
    assert_eq!(o.verdict_refs[line].len(), 3);
}

#[test]
fn a_duplicate_at_the_first_hop_makes_the_flow_inconsistent() {
    // Lost confirms make the producer publish orders again; without idempotent consumers the
    // duplicate is charged, paid and shipped twice.
    let orders = json!({"publish": {"timeout_ms": 50, "retries": 3, "backoff_ms": 10},
                        "faults": [{"confirm_lost": {"probability": 0.3}}]});
    let (o, f) = flows_of(&shop(false, json!({"completed": ["OrderShipped"]}), orders));
    assert!(f["inconsistent"].as_u64() > Some(0), "{f:#}");
    let bad = f["records"].as_array().unwrap().iter().find(|r| r["state"] == "inconsistent").unwrap();
    assert!(bad["why"].as_str().unwrap().contains("happened 2 times"), "{bad}");
    assert!(o.verdict.iter().any(|l| l.contains(": inconsistent, \"")), "{:?}", o.verdict);
}

#[test]
fn a_flow_still_moving_when_the_run_ends_is_in_flight() {
    let mut v: Value = serde_json::from_str(&shop(false, json!({"completed": "OrderShipped"}), json!({}))).unwrap();
    v["nodes"][4]["processing"] = json!({"fixed": {"ms": 100000}});
    let (_, f) = flows_of(&v.to_string());
    assert_eq!(f["in_flight"], 10, "{f:#}");
}

#[test]
fn every_flow_ends_in_exactly_one_state() {
    for (refunds, orders) in [
        (true, json!({})),
        (false, json!({"faults": [{"publish_lost": {"probability": 0.2}}], "publish": {"timeout_ms": 10}})),
    ] {
        let flows = if refunds {
            json!({"completed": "OrderShipped", "compensated": "PaymentRefunded"})
        } else {
            json!({"completed": "OrderShipped"})
        };
        let (o, f) = flows_of(&shop(refunds, flows, orders));
        let sum: u64 = ["completed", "compensated", "in_flight", "stuck", "inconsistent"]
            .iter()
            .map(|k| f[k].as_u64().unwrap())
            .sum();
        assert_eq!(sum, 10);
        assert_eq!(f["records"].as_array().unwrap().len(), 10);
        // Each message belongs to one flow: the flows' message counts add up to the run's.
        let messages: u64 = f["records"].as_array().unwrap().iter().map(|r| r["messages"].as_u64().unwrap()).sum();
        assert_eq!(messages, o.published);
    }
}

#[test]
fn the_file_says_what_is_wrong_with_its_flows() {
    let problems = |flows: Value| match broker::load(&shop(true, flows, json!({}))) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(ToString::to_string).collect::<Vec<_>>(),
    };
    assert!(problems(json!({})).iter().any(|p| p.starts_with("flows: names no event type")));
    assert!(problems(json!({"completed": "A", "compensated": ["A"]}))
        .iter()
        .any(|p| p.contains("both as completed and as compensated")));
    assert!(problems(json!({"completed": "A", "compensations": {"charge cash": "refund card"}}))
        .iter()
        .any(|p| p == "flows.compensations[\"charge cash\"]: no consumer applies the effect \"charge cash\""));
    assert!(problems(json!({"completed": "A", "compensations": {"charge card": "refund cash"}})).is_empty());
    assert!(problems(json!({"completed": "A", "finished": "B"})).iter().any(|p| p.starts_with("flows")));
    // Without "flows" the outcome has no account of them.
    let (_, o) = common::run(&common::scenario("work-queue"));
    assert!(o.flows.is_none());
}

mod random_chains {
    //! Random chains of services (modes, semantics, crashes, poison, lost confirms), checked
    //! for what must hold in any of them.
    use proptest::prelude::*;
    use serde_json::{json, Value};

    use crate::common::{self, scenario_json};

    const MODES: [&str; 3] = ["after_effect", "before_effect", "outbox"];
    const POINTS: [&str; 3] = ["after_effect", "after_publish", "before_processing"];
    const SEMANTICS: [&str; 3] = ["at-most-once", "at-least-once", "exactly-once"];

    /// One hop: (publish mode, semantics, crash point, crash probability in %, poisons order-3).
    type Hop = (usize, usize, usize, u32, bool);

    fn chain(hops: &[Hop], confirm_lost: u32, seed: u64) -> String {
        let mut nodes = vec![json!({"id": "orders", "kind": "producer", "count": 15, "keys": "order-1..order-15",
            "event_type": "E0", "publish": {"timeout_ms": 40, "retries": 2},
            "faults": [{"confirm_lost": {"probability": f64::from(confirm_lost) / 100.0}}]})];
        let mut wires = vec![json!(["orders", "q0"])];
        for (i, &(mode, sem, point, p, poison)) in hops.iter().enumerate() {
            let mut faults = vec![
                json!({"crash": {"probability": f64::from(p) / 100.0, "point": POINTS[point], "recover_after_ms": 30}}),
            ];
            if poison {
                faults.push(json!({"poison": {"key": "order-3"}}));
            }
            nodes.push(json!({"id": format!("q{i}"), "kind": "queue"}));
            nodes.push(json!({"id": format!("s{i}"), "kind": "consumer", "effect": format!("effect {i}"),
                "semantics": SEMANTICS[sem], "publish_mode": MODES[mode], "faults": faults,
                "retry": {"policy": "immediate", "max_attempts": 2, "then": "drop"},
                "publishes": [{"publish": format!("E{}", i + 1), "give_up": "Failed"}]}));
            wires.push(json!([format!("q{i}"), format!("s{i}")]));
            wires.push(json!([format!("s{i}"), format!("q{}", i + 1)]));
        }
        let last = hops.len();
        nodes.push(json!({"id": format!("q{last}"), "kind": "queue"}));
        nodes.push(json!({"id": "sink", "kind": "consumer", "semantics": "exactly-once"}));
        wires.push(json!([format!("q{last}"), "sink"]));
        let mut v: Value = serde_json::from_str(&scenario_json(20_000, json!(nodes), json!(wires), json!([]))).unwrap();
        v["seed"] = json!(seed);
        v["flows"] = json!({"completed": format!("E{last}"), "compensated": "Failed"});
        v.to_string()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn flows_causes_and_idempotency_hold_in_any_chain(
            hops in prop::collection::vec((0usize..3, 0usize..3, 0usize..3, 0u32..30, any::<bool>()), 1..4),
            confirm_lost in 0u32..30,
            seed in 0u64..1_000,
        ) {
            let text = chain(&hops, confirm_lost, seed);
            let (_, o) = common::run(&text);
            common::assert_conserved(&o);
            let rows: Vec<Value> = o.messages.iter().map(|m| serde_json::to_value(m).unwrap()).collect();
            let f = serde_json::to_value(o.flows.as_ref().unwrap()).unwrap();
            // Every flow ends in exactly one state, one record per producer message, and every
            // message belongs to one flow.
            let roots = rows.iter().filter(|r| r["caused_by"].is_null()).count() as u64;
            let states: u64 = ["completed", "compensated", "in_flight", "stuck", "inconsistent"].iter().map(|k| f[k].as_u64().unwrap()).sum();
            prop_assert_eq!(states, roots);
            let records = f["records"].as_array().unwrap();
            prop_assert_eq!(records.len() as u64, roots);
            prop_assert_eq!(records.iter().map(|r| r["messages"].as_u64().unwrap()).sum::<u64>(), o.published);
            // Causes form a tree per flow: each cause is an earlier message with the same key,
            // and the flow is the cause's flow (or the cause itself, when it starts one).
            for (i, r) in rows.iter().enumerate() {
                if let Some(cause) = r["caused_by"].as_str() {
                    let c = rows.iter().position(|x| x["id"] == cause).expect("the cause is a message of the run");
                    prop_assert!(c < i);
                    prop_assert_eq!(&rows[c]["key"], &r["key"]);
                    let want = if rows[c]["flow"].is_null() { rows[c]["id"].clone() } else { rows[c]["flow"].clone() };
                    prop_assert_eq!(&r["flow"], &want);
                }
            }
            // An idempotent (exactly-once) consumer never applies its effect twice for one event
            // id, anywhere in the chain: here the sink, which reads the last hop.
            let sink_twice = o.messages.iter().filter(|m| m.id.producer.as_ref() == format!("s{}", hops.len() - 1)).any(|m| m.effects > 1);
            prop_assert!(!sink_twice, "the exactly-once sink applied an effect twice");
        }
    }
}
