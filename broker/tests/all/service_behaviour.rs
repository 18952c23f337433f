//! Services: consumers that publish what they handle. An order flow (orders → payment →
//! shipping) through queues and through a topic; what each publish mode loses or duplicates
//! when the service crashes between its effect and its publish; the event published on giving
//! up; causation and correlation in the outcome and the trace; and the file's checks.

use serde_json::{json, Value};

use crate::common::{self, events, scenario_json, trace_of};

/// orders → q-orders → payment (a service) → q-payments → shipping; `payment` is merged into
/// the payment service's node.
fn flow(payment: Value, seed: u64) -> String {
    let mut p = json!({"id": "payment", "kind": "consumer", "effect": "charge card",
        "processing": {"fixed": {"ms": 5}},
        "publishes": [{"on": "OrderPlaced", "publish": "PaymentCaptured", "give_up": "PaymentFailed"}]});
    p.as_object_mut().unwrap().extend(payment.as_object().unwrap().clone());
    let text = scenario_json(
        60_000,
        json!([
            {"id": "orders", "kind": "producer", "count": 40, "keys": "order-1..order-40", "event_type": "OrderPlaced",
             "arrivals": {"fixed": {"interval_ms": 50}}},
            {"id": "q-orders", "kind": "queue", "prefetch": 1},
            p,
            {"id": "q-payments", "kind": "queue"},
            {"id": "shipping", "kind": "consumer", "effect": "ship order", "processing": {"fixed": {"ms": 5}}}
        ]),
        json!([["orders", "q-orders"], ["q-orders", "payment"], ["payment", "q-payments"], ["q-payments", "shipping"]]),
        json!([]),
    );
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["seed"] = json!(seed);
    v.to_string()
}

/// The outcome's rows as JSON, for reading fields by name.
fn rows(o: &broker::Outcome) -> Vec<Value> {
    o.messages.iter().map(|m| serde_json::to_value(m).unwrap()).collect()
}

fn of_type<'a>(rows: &'a [Value], t: &str) -> Vec<&'a Value> {
    rows.iter().filter(|r| r["event_type"] == t).collect()
}

#[test]
fn a_service_publishes_one_event_per_order_with_its_key_cause_and_flow() {
    let (_, o) = common::run(&flow(json!({}), 1));
    common::assert_conserved(&o);
    let rows = rows(&o);
    let captured = of_type(&rows, "PaymentCaptured");
    assert_eq!(captured.len(), 40);
    assert_eq!(o.published, 80, "40 orders and 40 payments");
    assert_eq!(o.processed_once, 80);
    for r in &captured {
        let cause = rows.iter().find(|c| c["id"] == r["caused_by"]).expect("its cause is a row");
        assert_eq!(cause["event_type"], "OrderPlaced");
        assert_eq!(r["key"], cause["key"], "the business id carries over");
        assert_eq!(r["flow"], cause["id"], "a two-step flow starts at the order");
        assert!(r["id"].as_str().unwrap().starts_with("payment-"));
    }
    // The trace says which message caused which, before the new one's publish.
    let trace = trace_of(&flow(json!({}), 1));
    let caused = events(&trace, "Caused");
    assert_eq!(caused.len(), 40);
    assert_eq!(caused[0]["node"], "payment");
    assert_eq!(caused[0]["msg"], "payment-1");
    assert_eq!(caused[0]["caused_by"], "orders-1");
    let i = trace.iter().position(|e| e["event"] == "Caused").unwrap();
    assert_eq!((trace[i + 1]["event"].as_str(), trace[i + 1]["msg"].as_str()), (Some("Published"), Some("payment-1")));
}

#[test]
fn a_three_step_chain_through_a_topic_keeps_the_first_order_as_the_flow() {
    let text = scenario_json(
        60_000,
        json!([
            {"id": "orders", "kind": "producer", "count": 10, "keys": "order-1..order-10"},
            {"id": "q", "kind": "queue"},
            {"id": "payment", "kind": "consumer", "publishes": [{"publish": "PaymentCaptured"}]},
            {"id": "payments", "kind": "topic", "partitions": 2},
            {"id": "inventory", "kind": "consumer", "auto_offset_reset": "earliest",
             "publishes": [{"on": "PaymentCaptured", "publish": ["StockReserved"]}]},
            {"id": "q-stock", "kind": "queue"},
            {"id": "shipping", "kind": "consumer"}
        ]),
        json!([
            ["orders", "q"],
            ["q", "payment"],
            ["payment", "payments"],
            ["payments", "inventory"],
            ["inventory", "q-stock"],
            ["q-stock", "shipping"]
        ]),
        json!([]),
    );
    let (_, o) = common::run(&text);
    common::assert_conserved(&o);
    let rows = rows(&o);
    let reserved = of_type(&rows, "StockReserved");
    assert_eq!(reserved.len(), 10);
    for r in reserved {
        let payment = rows.iter().find(|c| c["id"] == r["caused_by"]).unwrap();
        assert_eq!(payment["event_type"], "PaymentCaptured");
        assert_eq!(r["flow"], payment["caused_by"], "the flow is the order, two hops up");
        assert_eq!(r["key"], payment["key"]);
    }
}

/// Payments captured per order key, and orders charged (the payment effect applied).
fn captured_and_charged(payment: Value, seed: u64) -> (usize, u64, broker::Outcome) {
    let (_, o) = common::run(&flow(payment, seed));
    common::assert_conserved(&o);
    let rows = rows(&o);
    let charged = of_type(&rows, "OrderPlaced").iter().filter(|r| r["effects"].as_u64() > Some(0)).count() as u64;
    (of_type(&rows, "PaymentCaptured").len(), charged, o)
}

#[test]
fn publishing_after_the_effect_loses_the_event_when_an_idempotent_service_crashes_between_them() {
    let crash = json!({"semantics": "exactly-once",
        "faults": [{"crash": {"probability": 0.2, "point": "after_effect", "recover_after_ms": 20}}]});
    let (captured, charged, _) = captured_and_charged(crash, 3);
    assert_eq!(charged, 40, "every card is charged once");
    assert!(captured < 40, "the redelivery finds the charge done and skips the publish: {captured} of 40");
}

#[test]
fn publishing_after_the_effect_without_idempotency_charges_twice_but_publishes() {
    let crash = json!({"faults": [{"crash": {"probability": 0.2, "point": "after_effect", "recover_after_ms": 20}}]});
    let (captured, _, o) = captured_and_charged(crash, 3);
    assert_eq!(captured, 40, "the redelivery charges again and then publishes");
    assert!(o.duplicate_effects > 0);
}

#[test]
fn publishing_before_the_effect_announces_work_twice_when_the_service_crashes_after_publishing() {
    let crash = json!({"semantics": "exactly-once", "publish_mode": "before_effect",
        "faults": [{"crash": {"probability": 0.2, "point": "after_publish", "recover_after_ms": 20}}]});
    let (captured, charged, o) = captured_and_charged(crash, 3);
    assert_eq!(charged, 40);
    assert!(captured > 40, "each crash after a publish publishes the payment again: {captured}");
    assert_eq!(o.duplicate_effects, 0, "the charge itself is idempotent");
}

#[test]
fn giving_up_publishes_the_failure_event() {
    let poison = json!({"retry": {"policy": "fixed", "base_ms": 5, "max_attempts": 2, "then": "drop"},
        "faults": [{"poison": {"key": "order-3"}}]});
    let (_, o) = common::run(&flow(poison, 1));
    common::assert_conserved(&o);
    let rows = rows(&o);
    let failed = of_type(&rows, "PaymentFailed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["key"], "order-3");
    assert_eq!(of_type(&rows, "PaymentCaptured").len(), 39);
    let trace = trace_of(&flow(
        json!({"retry": {"policy": "fixed", "base_ms": 5, "max_attempts": 2, "then": "drop"},
               "faults": [{"poison": {"key": "order-3"}}]}),
        1,
    ));
    assert_eq!(events(&trace, "Caused").iter().filter(|e| e["gave_up"] == true).count(), 1);
}

#[test]
fn a_service_with_confirms_retries_a_lost_publish_like_a_producer() {
    // The shipping queue is down for a while: the service's publishes are refused and retried.
    let mut v: Value =
        serde_json::from_str(&flow(json!({"publish": {"timeout_ms": 100, "retries": 50, "backoff_ms": 100}}), 1))
            .unwrap();
    v["actions"] = json!([{"at_ms": 500, "outage": {"node": "q-payments", "duration_ms": 1000}}]);
    let (_, o) = common::run(&v.to_string());
    common::assert_conserved(&o);
    assert_eq!(of_type(&rows(&o), "PaymentCaptured").len(), 40);
    assert!(o.publish_retries > 0, "{o:#?}");
    assert_eq!(o.processed_once, 80);
}

fn problems(text: &str) -> Vec<String> {
    match broker::load(text) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_file_says_what_is_wrong_with_a_service() {
    let has = |payment: Value, want: &str| {
        let got = problems(&flow(payment, 1));
        assert!(got.iter().any(|p| p.contains(want)), "want {want:?} in {got:?}");
    };
    has(json!({"publishes": []}), "consumer \"payment\" publishes nothing");
    has(json!({"publishes": [{"on": "OrderPlaced"}]}), "nodes[2].publishes[0]: publishes nothing");
    has(json!({"publishes": [{"publish": "A"}, {"publish": "B"}]}), "nodes[2].publishes[1]: repeats publishes[0]");
    has(json!({"publishes": [{"publish": "A\nB"}]}), "nodes[2].publishes[0].publish[0]");
    has(json!({"publishes": [{"publish": 3}]}), "nodes[2].publishes[0].publish");
    has(
        json!({"publishes": [], "publish_mode": "before_effect"}),
        "nodes[2].publish_mode: applies to what a consumer publishes",
    );
    has(json!({"publish_mode": "sideways"}), "nodes[2].publish_mode");
    let plain = scenario_json(
        1_000,
        json!([{"id": "p", "kind": "producer"}, {"id": "q", "kind": "queue"},
               {"id": "c", "kind": "consumer", "faults": [{"crash": {"probability": 0.1, "point": "after_publish"}}]}]),
        json!([["p", "q"], ["q", "c"]]),
        json!([]),
    );
    assert!(
        problems(&plain)
            .iter()
            .any(|p| p
                .starts_with("nodes[2].faults[0].crash.point: \"after_publish\" is a point in a service's handler")),
        "{:?}",
        problems(&plain)
    );
    // A service that would read its own output.
    let mut v: Value = serde_json::from_str(&flow(json!({}), 1)).unwrap();
    v["wires"][2] = json!(["payment", "q-orders"]);
    let got = problems(&v.to_string());
    assert!(got.iter().any(|p| p.contains("would publish to the queue it reads from")), "{got:?}");
    // One output wire.
    let mut v: Value = serde_json::from_str(&flow(json!({}), 1)).unwrap();
    v["nodes"].as_array_mut().unwrap().push(json!({"id": "audit", "kind": "queue"}));
    v["wires"].as_array_mut().unwrap().push(json!(["payment", "audit"]));
    let got = problems(&v.to_string());
    assert!(got.iter().any(|p| p.contains("already publishes elsewhere")), "{got:?}");
    assert_eq!(broker::wire_refusal("consumer", "exchange"), None);
    assert!(broker::wire_refusal("consumer", "producer").is_some());
}

#[test]
fn a_rule_may_name_its_own_effect() {
    // payment charges for OrderPlaced and, by its rule for PaymentFailed, refunds.
    let text = scenario_json(
        10_000,
        json!([
            {"id": "checkout", "kind": "producer", "count": 3, "keys": "order-1..order-3", "event_type": ["OrderPlaced", "PaymentFailed"]},
            {"id": "q", "kind": "queue"},
            {"id": "payment", "kind": "consumer", "effect": "charge card",
             "publishes": [{"on": "PaymentFailed", "effect": "refund card"}]}
        ]),
        json!([["checkout", "q"], ["q", "payment"]]),
        json!([]),
    );
    let trace = trace_of(&text);
    assert!(events(&trace, "Caused").is_empty(), "a rule with only an effect publishes nothing");
    let (sim, o) = common::run(&text);
    common::assert_conserved(&o);
    let rows = rows(&o);
    assert_eq!(of_type(&rows, "OrderPlaced").len(), 3);
    let _ = sim;
    // The flows' compensation check knows the rule's effect as one a consumer applies.
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["flows"] = json!({"completed": "OrderPlaced", "compensations": {"refund card": "charge card"}});
    assert!(problems(&v.to_string()).is_empty(), "{:?}", problems(&v.to_string()));
    assert!(problems(&flow(json!({"publishes": [{"on": "X", "effect": "a\u{7}b"}]}), 1))
        .iter()
        .any(|p| p.starts_with("nodes[2].publishes[0].effect")));
}

#[test]
fn a_service_file_reads_back_the_same() {
    let text = flow(json!({"publish_mode": "before_effect", "publish": {"timeout_ms": 500, "retries": 2}}), 1);
    let s = broker::Scenario::from_json(&text).unwrap();
    let again = broker::Scenario::from_json(&s.to_json_pretty()).unwrap();
    assert_eq!(s, again);
    assert!(s.to_json_pretty().contains("\"publish_mode\": \"before_effect\""));
}

#[test]
fn an_outbox_never_loses_the_event_and_a_relay_crash_publishes_it_twice() {
    // Crashing between the effect and the ack: the outbox row was written with the effect.
    let crash_after_effect = json!({"semantics": "exactly-once", "publish_mode": "outbox",
        "faults": [{"crash": {"probability": 0.2, "point": "after_effect", "recover_after_ms": 20}}]});
    let (captured, charged, o) = captured_and_charged(crash_after_effect, 3);
    assert_eq!((captured, charged), (40, 40), "every charge has its one event");
    assert_eq!(o.processed_once, 80);
    // The relay crashes after publishing, before marking the row sent: the same event again.
    let relay_crash = json!({"semantics": "exactly-once", "publish_mode": "outbox",
        "faults": [{"crash": {"probability": 0.2, "point": "after_publish", "recover_after_ms": 20}}]});
    let (captured, _, o) = captured_and_charged(relay_crash, 3);
    assert_eq!(captured, 40, "a row published twice is still one event");
    let twice = of_type(&rows(&o), "PaymentCaptured").iter().filter(|r| r["deliveries"].as_u64() > Some(1)).count();
    assert!(twice > 0, "some events reached shipping twice");
    assert!(o.processed_more_than_once > 0, "shipping is not idempotent here: {o:#?}");
    let trace = trace_of(&flow(json!({"publish_mode": "outbox"}), 1));
    assert_eq!(events(&trace, "Written").len(), 40);
}

/// orders → topic in → enrich (consume-transform-produce) → topic out → ledger.
fn transform(enrich: Value) -> String {
    let mut e = json!({"id": "enrich", "kind": "consumer", "auto_offset_reset": "earliest",
        "processing": {"fixed": {"ms": 5}}, "publishes": [{"publish": "OrderEnriched"}]});
    e.as_object_mut().unwrap().extend(enrich.as_object().unwrap().clone());
    scenario_json(
        60_000,
        json!([
            {"id": "orders", "kind": "producer", "count": 40, "keys": "order-1..order-40",
             "arrivals": {"fixed": {"interval_ms": 50}}},
            {"id": "in", "kind": "topic", "partitions": 2},
            e,
            {"id": "out", "kind": "topic", "partitions": 2},
            {"id": "ledger", "kind": "consumer", "auto_offset_reset": "earliest", "processing": {"fixed": {"ms": 1}}}
        ]),
        json!([["orders", "in"], ["in", "enrich"], ["enrich", "out"], ["out", "ledger"]]),
        json!([]),
    )
}

#[test]
fn a_consume_transform_produce_transaction_writes_each_output_once_through_crashes() {
    let crash = json!({"faults": [{"crash": {"probability": 0.2, "point": "after_effect", "recover_after_ms": 20}}]});
    let mut with = crash.clone();
    with.as_object_mut()
        .unwrap()
        .extend(json!({"transactional": true, "publish_mode": "transaction"}).as_object().unwrap().clone());
    let (_, o) = common::run(&transform(with));
    common::assert_conserved(&o);
    assert_eq!(of_type(&rows(&o), "OrderEnriched").len(), 40, "one output per order, committed with its offset");
    // Without the transaction, a crash after the publish and before the commit re-reads the
    // record and publishes its output again.
    let (_, o) = common::run(&transform(crash));
    assert!(of_type(&rows(&o), "OrderEnriched").len() > 40);
    // The mode needs a transactional read of a topic and a topic to write to.
    let got = problems(&transform(json!({"publish_mode": "transaction"})));
    assert!(
        got.iter().any(|p| p.starts_with("nodes[2].publish_mode: a consume-transform-produce transaction")),
        "{got:?}"
    );
}
