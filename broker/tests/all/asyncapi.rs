//! AsyncAPI both ways, through the facade: every shipped lesson exported and imported again is
//! the same scenario (its view, lesson and expectations aside), in JSON and in YAML; documents
//! written by hand, as another tool or a team would write them (an e-commerce system on
//! RabbitMQ in AsyncAPI 3.0, a Kafka pipeline in AsyncAPI 2.6), import into scenarios that
//! check, with what could not be mapped said path by path; and the command line's
//! `asyncapi import`, its exit codes and its stderr.

use crate::common;

use std::path::PathBuf;
use std::process::{Command, Output};

use broker::asyncapi::{self, Imported};
use broker::Scenario;
use serde_json::{json, Value};

/// A scenario as the format's writer writes it, without what the round trip does not carry.
fn normal(v: &Value) -> Value {
    let s = Scenario::from_value(v.clone()).unwrap_or_else(|p| panic!("{p:?}\n{v:#}"));
    let mut v = serde_json::to_value(&s).unwrap();
    let top = v.as_object_mut().unwrap();
    for k in ["view", "lesson", "expect"] {
        top.remove(k);
    }
    v
}

fn export(text: &str) -> Value {
    let scenario = Scenario::from_json(text).unwrap();
    let model = broker::validate(&scenario).unwrap();
    asyncapi::export(&scenario, &model)
}

/// Imports `doc`, and holds the scenario to what `brokerlab check` asks of it.
fn import(doc: &Value) -> Imported {
    let imported = asyncapi::import(doc).unwrap();
    let text = imported.text();
    let scenario = Scenario::from_json(&text).unwrap_or_else(|p| panic!("{p:?}\n{text}"));
    if let Err(p) = broker::validate(&scenario) {
        let shown: Vec<String> = p.iter().take(5).map(ToString::to_string).collect();
        let head: String = text.chars().take(4000).collect();
        panic!("the imported scenario does not check ({} problems): {shown:#?}\n{head}", p.len());
    }
    imported
}

fn node<'a>(scenario: &'a Value, id: &str) -> &'a Value {
    scenario["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
        .unwrap_or_else(|| panic!("no node {id}: {scenario:#}"))
}

/// A file of `broker/tests/asyncapi/`: the hand-written documents and the fixture scenario.
fn fixture_path(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("asyncapi").join(name).to_string_lossy().into_owned()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

fn lines(imported: &Imported) -> Vec<String> {
    imported.unmapped.iter().map(ToString::to_string).collect()
}

/// The first difference between two values, as a path, for a failure that can be read.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            first_difference(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}"))
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]")))
        }
        _ => (a != b).then(|| format!("{at}: {a} != {b}")),
    }
}

#[test]
fn every_shipped_lesson_comes_back_the_same_from_its_export() {
    let mut checked = 0;
    for (name, text) in common::scenarios() {
        let doc = export(&text);
        let imported = import(&doc);
        let (want, got) = (normal(&serde_json::from_str(&text).unwrap()), normal(&imported.scenario));
        if let Some(d) = first_difference(&want, &got, "") {
            panic!("{name}: {d}");
        }
        assert!(imported.unmapped.is_empty(), "{name}: {:?}", lines(&imported));
        // Every node is drawn.
        let positions = imported.scenario["view"]["positions"].as_object().unwrap();
        assert_eq!(positions.len(), want["nodes"].as_array().unwrap().len(), "{name}");
        checked += 1;
    }
    assert!(checked >= 40, "{checked} lessons");
}

#[test]
fn the_yaml_export_comes_back_the_same_too() {
    for name in ["work-queue", "order-orchestration", "consumer-lag-rebalance", "dual-write", "request-reply-direct"] {
        let text = common::scenario(name);
        let yaml = asyncapi::yaml::write(&export(&text));
        let doc = asyncapi::yaml::read(&yaml).unwrap();
        let imported = import(&doc);
        assert_eq!(normal(&serde_json::from_str(&text).unwrap()), normal(&imported.scenario), "{name}");
    }
}

#[test]
fn the_round_trip_keeps_the_run() {
    // Same nodes in the same order, same wires: the same trace.
    let text = common::scenario("order-choreography");
    let back = import(&export(&text)).text();
    let hash = |t: &str| {
        let (sim, _) = common::run(t);
        sim.trace_hash()
    };
    assert_eq!(hash(&text), hash(&back));
}

#[test]
fn a_scenario_with_schemas_a_registry_and_a_deploy_comes_back_the_same() {
    let text = fixture("evolving-order-schema.json");
    let doc = export(&text);
    // Each version of OrderPlaced is a message with its Avro record as payload; the channel
    // lists the two versions checkout writes (the second from its deploy).
    let v2 = &doc["components"]["messages"]["OrderPlaced.v2"];
    assert_eq!(v2["payload"]["schemaFormat"], asyncapi::AVRO_FORMAT);
    assert_eq!(v2["payload"]["schema"]["fields"][2]["name"], "currency");
    let keys: Vec<&String> = doc["channels"]["billing-q"]["messages"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["OrderPlaced.v1", "OrderPlaced.v2"]);
    assert!(
        doc["components"]["messages"]["OrderPlaced.v3"].is_object(),
        "a version nobody writes is in the components"
    );
    let imported = import(&doc);
    assert_eq!(normal(&serde_json::from_str(&text).unwrap()), normal(&imported.scenario));
    assert_eq!(imported.scenario["registry"], json!({"compatibility": "BACKWARD"}));
    assert_eq!(imported.scenario["actions"][0]["deploy"], json!({"node": "checkout", "version": 2}));
}

#[test]
fn names_that_are_not_keys_and_nodes_no_channel_describes_come_back_too() {
    // "a b" and "a_b" are the same AsyncAPI key; "order.placed" is a dotted Avro name; the
    // read model, the idle producer and the projection have no channel or operation of their
    // own, or share one.
    let text = json!({"version": 1, "title": "Odd", "duration_ms": 5000, "seed": 9,
        "schemas": {"order.placed": {"versions": [{"fields": [{"name": "id", "type": "string"}]}]}},
        "nodes": [
            {"id": "a b", "kind": "producer", "event_type": "order.placed", "keys": "o-1..o-5", "count": 10},
            {"id": "a_b", "kind": "topic", "partitions": 2, "retention_records": 100},
            {"id": "idle", "kind": "producer"},
            {"id": "projection", "kind": "consumer", "auto_offset_reset": "earliest", "version_check": true},
            {"id": "orders view", "kind": "read_model", "readers": {"share": 0.5}},
            {"id": "q", "kind": "queue", "ttl_ms": 0, "overflow": "reject-publish", "max_length": 3},
            {"id": "a.b", "kind": "consumer", "start_ms": 100},
            {"id": "a?b", "kind": "producer", "event_type": "order.placed", "count": 1}],
        "wires": [{"from": "a b", "to": "a_b", "delay_ms": 1.5, "jitter_ms": 2}, ["a_b", "projection"],
                  ["projection", "orders view"], ["q", "a.b"], ["a?b", "q"]],
        "actions": [{"at_ms": 1000, "rebuild": {"read_model": "orders view"}}],
        "flows": {"completed": "order.placed"}})
    .to_string();
    let doc = export(&text);
    let keys: Vec<&String> = doc["operations"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["a.b.receive", "a_b.send", "a_b_3.send", "projection.receive"], "a_b_2 is the topic's");
    assert_eq!(doc["components"]["messages"]["order.placed.v1"]["payload"]["schema"]["namespace"], "order");
    let imported = import(&doc);
    if let Some(d) = first_difference(&normal(&serde_json::from_str(&text).unwrap()), &normal(&imported.scenario), "") {
        panic!("{d}");
    }
    let positions = imported.scenario["view"]["positions"].as_object().unwrap();
    // No exchange here: its column closes up, and the read model comes after its projection.
    assert_eq!(positions["projection"], json!([600, 40]));
    assert_eq!(positions["orders view"], json!([880, 40]), "read models in the column after the consumers");
}

#[test]
fn without_its_extensions_an_export_still_imports_what_its_standard_parts_say() {
    // Another tool that drops the x- keys still gets the graph, the bindings and the schemas.
    let mut doc = export(&fixture("evolving-order-schema.json"));
    strip_extensions(&mut doc);
    let imported = import(&doc);
    let s = &imported.scenario;
    assert_eq!(node(s, "orders-x")["type"], "fanout");
    assert_eq!(node(s, "billing-q")["dead_letter"], "billing-dlq");
    assert_eq!(node(s, "billing-dlq")["kind"], "dead_letter_queue");
    assert_eq!(node(s, "order-events")["partitions"], 2);
    assert_eq!(node(s, "analytics")["group"], "bi");
    assert_eq!(node(s, "checkout")["event_type"], "OrderPlaced");
    assert_eq!(s["schemas"]["OrderPlaced"]["versions"].as_array().unwrap().len(), 3);
    assert_eq!(s["schemas"]["OrderShipped"]["versions"].as_array().unwrap().len(), 1);
    let wires: Vec<Value> = s["wires"].as_array().unwrap().clone();
    for pair in [
        ["checkout", "orders-x"],
        ["billing-q", "billing"],
        ["shipping", "order-events"],
        ["order-events", "analytics"],
    ] {
        assert!(wires.contains(&json!(pair)), "{pair:?} in {wires:?}");
    }
    // What only the extensions carried is gone: the seed, the prefetch, the deploy.
    assert!(s.get("seed").is_none() && s.get("actions").is_none());
    assert!(node(s, "billing-q").get("prefetch").is_none());
    // The exchange's binding to billing-q is not in the standard parts: nothing is guessed
    // from a channel that stands for the exchange itself.
    assert!(!wires.iter().any(|w| w["from"] == "orders-x" || w.get(0) == Some(&json!("orders-x"))), "{wires:?}");
}

fn strip_extensions(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.starts_with("x-brokerlab"));
            m.values_mut().for_each(strip_extensions);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_extensions),
        _ => {}
    }
}

#[test]
fn an_amqp_shop_in_asyncapi_3_0_yaml_imports_as_exchange_queues_and_consumers() {
    let doc = asyncapi::yaml::read(&fixture("shop-amqp-3.0.yaml")).unwrap();
    let imported = import(&doc);
    let s = &imported.scenario;
    assert_eq!(s["title"], "Shop order events");
    assert!(s["description"].as_str().unwrap().starts_with("Checkout publishes order events"), "one line, no newlines");
    // Two routing-key channels on one exchange: one topic exchange.
    assert_eq!(node(s, "shop.orders")["type"], "topic");
    assert_eq!(node(s, "placeOrder")["routing_key"], "order.placed");
    assert_eq!(node(s, "cancelOrder")["routing_key"], "order.cancelled");
    // The billing queue's RabbitMQ arguments, and its dead-letter queue.
    let billing = node(s, "billing");
    assert_eq!(
        (&billing["queue_type"], &billing["delivery_limit"], &billing["ttl_ms"], &billing["dead_letter"]),
        (&json!("quorum"), &json!(5), &json!(60000), &json!("billing.dlq"))
    );
    assert_eq!(node(s, "billing.dlq")["kind"], "dead_letter_queue");
    // A consumer of the exchange's channel reads a queue bound by its routing key.
    let wires = s["wires"].as_array().unwrap();
    assert!(
        wires.contains(&json!({"from": "shop.orders", "to": "orderPlaced-queue", "binding_key": "order.placed"})),
        "{wires:?}"
    );
    assert!(wires.contains(&json!(["orderPlaced-queue", "shipOrder"])));
    assert_eq!(node(s, "shipOrder")["semantics"], "at-most-once", "ack: false");
    assert!(node(s, "chargeCard").get("semantics").is_none(), "ack: true is the default");
    // The payload: JSON Schema turned into Avro, and an Avro payload as it is.
    let placed = &s["schemas"]["OrderPlaced"]["versions"][0];
    let field = |n: &str| placed["fields"].as_array().unwrap().iter().find(|f| f["name"] == n).cloned();
    assert_eq!(field("total").unwrap()["type"], "double");
    assert_eq!(field("currency").unwrap()["type"]["symbols"], json!(["EUR", "USD", "GBP"]));
    assert_eq!(field("giftNote").unwrap()["type"], json!(["null", "string"]));
    assert_eq!(field("items").unwrap()["type"]["items"]["fields"][0], json!({"name": "quantity", "type": "int"}));
    assert!(field("metadata").is_none());
    assert_eq!(s["schemas"]["OrderCancelled"]["versions"][0]["namespace"], "shop.orders");
    assert_eq!(
        lines(&imported),
        [
            "servers.edge: its protocol \"mqtt\" is not simulated (Brokerlab simulates AMQP and Kafka)",
            "channels.auditLog.bindings.mqtt: MQTT bindings are not simulated",
            "channels.auditLog: on \"mqtt\" servers only, which are not simulated: read as a queue",
            "channels.billing.bindings.amqp.queue.x-max-priority: this queue argument is not simulated",
            "operations.cancelOrder.bindings.amqp.priority: is not simulated",
            "channels.auditLog: bound to the exchange \"shop.orders\" by \"order.placed\", because it carries \"OrderPlaced\" as channels.orderPlaced does (AsyncAPI does not say which queue an exchange routes to)",
            "channels.billing: bound to the exchange \"shop.orders\" by \"order.placed\", because it carries \"OrderPlaced\" as channels.orderPlaced does (AsyncAPI does not say which queue an exchange routes to)",
            "components.messages.OrderPlaced.correlationId: every Brokerlab message carries a correlation id (its flow's first message): where this one says it is, is not used",
            "components.messages.OrderPlaced.payload.properties.metadata: a free-form object (no properties, no additionalProperties schema) has no Avro type: left out",
        ]
    );
    // It runs: orders reach billing through the guessed binding.
    let (_, outcome) = common::run(&imported.text());
    assert!(outcome.published > 0 && outcome.processed_once > 0, "{:?}", outcome.verdict);
}

#[test]
fn a_kafka_pipeline_in_asyncapi_2_6_json_imports_with_publish_and_subscribe_the_right_way_round() {
    let doc: Value = serde_json::from_str(&fixture("payments-kafka-2.6.json")).unwrap();
    let imported = import(&doc);
    let s = &imported.scenario;
    // `subscribe` is what the application sends: the gateway is a producer.
    assert_eq!(node(s, "paymentGateway")["kind"], "producer");
    assert_eq!(node(s, "paymentGateway")["keys"], json!(["acct-1", "acct-2", "acct-3"]), "the Kafka key's enum");
    assert_eq!(node(s, "payments.authorized")["partitions"], 6);
    // Three replicas: three brokers to hold them.
    assert_eq!(node(s, "payments.authorized")["replication_factor"], 3);
    assert_eq!(node(s, "b3")["kind"], "broker");
    // cleanup.policy ["compact"]: a compacted topic, whose retention.ms would delete nothing.
    assert_eq!(node(s, "payments.settled")["cleanup_policy"], "compact");
    assert!(node(s, "payments.settled").get("retention_ms").is_none());
    // The ledger writer receives (`publish`) on one channel and sends on the other: a service.
    let ledger = node(s, "ledgerWriter");
    assert_eq!((&ledger["kind"], &ledger["group"]), (&json!("consumer"), &json!("ledger")));
    assert_eq!(ledger["publishes"], json!([{"publish": ["PaymentSettled", "PaymentFailed"]}]));
    assert_eq!(
        s["wires"],
        json!([
            ["paymentGateway", "payments.authorized"],
            ["payments.authorized", "ledgerWriter"],
            ["ledgerWriter", "payments.settled"],
            ["payments.settled", "notifier"]
        ])
    );
    assert_eq!(node(s, "notifier")["kind"], "consumer");
    // An Avro payload, and a JSON Schema one with a $ref into the components.
    assert_eq!(
        s["schemas"]["PaymentAuthorized"]["versions"][0]["fields"][2],
        json!({"name": "amountCents", "type": "long"})
    );
    let settled = &s["schemas"]["PaymentSettled"]["versions"][0]["fields"];
    assert_eq!(settled[0]["type"][1]["fields"][0], json!({"name": "cents", "type": "long"}));
    assert!(s["schemas"].get("PaymentFailed").is_none());
    assert_eq!(
        lines(&imported),
        [
            "channels[\"payments.authorized\"].bindings.kafka.topicConfiguration[\"retention.ms\"]: must be -1 or 1 to 86400000 ms here: records are kept",
            "channels[\"payments.settled\"].bindings.kafka.topicConfiguration[\"retention.ms\"]: deletes nothing on a topic whose cleanup.policy is [\"compact\"] only: not read",
            "components.messages.PaymentFailed.payload: a payload of type \"string\", not an object with properties: no schema is made of it",
        ]
    );
}

#[test]
fn two_channels_of_one_topic_one_compacted_do_not_leave_it_a_retention_it_cannot_have() {
    // The first channel gives the topic a retention, the second makes it compacted only: a
    // scenario refuses a retention on such a topic, so the import must not write one.
    let doc = json!({"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"},
    "channels": {
        "a": {"address": "prices", "bindings": {"kafka": {"topic": "prices", "topicConfiguration": {"retention.ms": 1000}}}},
        "b": {"address": "prices", "bindings": {"kafka": {"topic": "prices", "topicConfiguration": {"cleanup.policy": ["compact"]}}}}
    }});
    let imported = import(&doc);
    let scenario: Value = serde_json::from_str(&imported.text()).unwrap();
    let topic = node(&scenario, "prices");
    assert_eq!(topic["cleanup_policy"], "compact");
    assert!(topic.get("retention_ms").is_none(), "{topic}");
    broker::validate(&Scenario::from_json(&imported.text()).unwrap()).unwrap();
    assert!(lines(&imported).iter().any(|l| l.contains("compacts only")), "{:?}", lines(&imported));
}

#[test]
fn an_amqp_2_6_document_in_yaml_with_an_exchange_and_its_queue_in_one_binding() {
    // AMQP bindings 0.2.0 as older tools write them: one routing-key channel naming both the
    // exchange and the queue its subscribers read.
    let yaml = r#"
asyncapi: '2.6.0'
info: {title: Invoices, version: '1'}
servers:
  rabbit: {url: 'amqp://rabbit:5672', protocol: amqp}
channels:
  invoice/issued:
    bindings:
      amqp:
        is: routingKey
        exchange: {name: invoices, type: direct}
        queue: {name: mailer-inbox, x-message-ttl: 30000}
        bindingVersion: 0.2.0
    subscribe:
      operationId: issueInvoice
      bindings: {amqp: {cc: [invoice.issued, invoice.any]}}
      message: {name: InvoiceIssued, payload: {type: object, required: [id], properties: {id: {type: string}}}}
    publish:
      operationId: mailer
      bindings: {amqp: {ack: false}}
      message: {name: InvoiceIssued}
"#;
    let imported = import(&asyncapi::yaml::read(yaml).unwrap());
    let s = &imported.scenario;
    assert_eq!(node(s, "invoices")["type"], "direct");
    assert_eq!(node(s, "issueInvoice")["routing_key"], "invoice.issued", "the first cc");
    assert_eq!(node(s, "mailer")["semantics"], "at-most-once");
    assert_eq!(node(s, "mailer-inbox")["ttl_ms"], 30000, "the queue's arguments beside the exchange");
    assert!(s["wires"]
        .as_array()
        .unwrap()
        .contains(&json!({"from": "invoices", "to": "mailer-inbox", "binding_key": "invoice/issued"})));
    assert!(s["wires"].as_array().unwrap().contains(&json!(["mailer-inbox", "mailer"])));
    assert_eq!(s["schemas"]["InvoiceIssued"]["versions"][0], json!({"fields": [{"name": "id", "type": "string"}]}));
    assert_eq!(
        lines(&imported),
        ["channels[\"invoice/issued\"].subscribe.bindings.amqp.cc: a message goes out with one routing key here: the first is used"]
    );
}

#[test]
fn message_keys_name_the_versions_of_an_event_type() {
    let doc: Value = serde_json::from_str(&fixture("orders-kafka-3.0.json")).unwrap();
    let imported = import(&doc);
    let s = &imported.scenario;
    assert_eq!(node(s, "shop.orders")["partitions"], 12, "the binding's topic names the node, not the address");
    assert_eq!(node(s, "shop.orders")["retention_ms"], 86_400_000);
    let versions = s["schemas"]["OrderPlaced"]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["fields"][2], json!({"name": "currency", "type": "string", "default": "EUR"}));
    assert_eq!(node(s, "publishOrder")["schema_version"], 2, "it sends OrderPlaced.v2");
    // fulfilment.receive and fulfilment.send are one service; the Kafka group is its own name.
    let f = node(s, "fulfilment");
    assert_eq!(f["publishes"], json!([{"publish": "ParcelShipped"}]));
    assert!(f.get("group").is_none());
    assert_eq!(node(s, "analytics")["kind"], "consumer");
    assert_eq!(
        lines(&imported),
        ["operations.analytics.reply: AsyncAPI's request-reply is not mapped: a requester in Brokerlab is a consumer with `requests` (add it to the scenario)"]
    );
}

#[test]
fn a_document_that_is_not_asyncapi_3_0_or_2_6_is_refused_with_a_reason() {
    for (doc, words) in [
        (json!({"openapi": "3.1.0"}), "not an AsyncAPI document"),
        (json!({"asyncapi": "2.4.0", "channels": {}}), "reads AsyncAPI 3.0 and 2.6"),
        (json!({"asyncapi": 3}), "the version as text"),
        (json!(["asyncapi"]), "an object"),
    ] {
        let why = asyncapi::import(&doc).unwrap_err();
        assert!(why.contains(words), "{why}");
    }
    // An AsyncAPI document with nothing in it is an empty scenario.
    let empty = import(&json!({"asyncapi": "3.0.0", "info": {"title": "Nothing", "version": "1"}}));
    assert_eq!(empty.scenario["nodes"], json!([]));
}

#[test]
fn broken_references_and_odd_names_are_said_not_panicked_on() {
    let doc = json!({"asyncapi": "3.0.0", "info": {"title": "Odd\nnames", "version": "1"},
        "channels": {
            "a": {"address": "queue\twith a tab", "messages": {"M": {"$ref": "#/components/messages/Missing"}}},
            "b": {"$ref": "other.yaml#/channels/b"},
            "c": {"address": null, "bindings": {"amqp": {"is": "routingKey", "exchange": {"name": "x", "type": "direct"}}}}},
        "operations": {
            "send": {"action": "send", "channel": {"$ref": "#/channels/a"}},
            "lost": {"action": "receive", "channel": {"$ref": "#/channels/nowhere"}},
            "odd": {"action": "publish", "channel": {"$ref": "#/channels/a"}},
            "r": {"action": "receive", "channel": {"$ref": "#/channels/c"}}}});
    let imported = import(&doc);
    let said = lines(&imported);
    for want in [
        "channels.a.messages.M: the reference \"#/components/messages/Missing\" points at nothing",
        "channels.b: the reference \"other.yaml#/channels/b\" is outside this document: it is not followed",
        "operations.lost.channel: does not refer to one of the document's channels: the operation is left out",
        "operations.odd.action: must be \"send\" or \"receive\": the operation is left out",
    ] {
        assert!(said.iter().any(|l| l == want), "{want}\n{said:#?}");
    }
    let s = &imported.scenario;
    assert_eq!(s["title"], "Odd names");
    assert_eq!(node(s, "queue with a tab")["kind"], "queue");
    // A direct exchange's channel without an address binds its consumer's queue by the
    // channel's key.
    assert!(s["wires"].as_array().unwrap().contains(&json!({"from": "x", "to": "c-queue", "binding_key": "c"})));
}

#[test]
fn a_version_without_the_ones_before_it_and_a_sender_named_twice_still_check() {
    // Found by the property test below: a message keyed `m.v2` with no version 1 makes no
    // schema (it once made an empty list of versions); two send operations that share a
    // 2.6 operationId with one receive join it once (it once got two outgoing wires).
    let doc = json!({"asyncapi": "2.6.0", "info": {"title": "t", "version": "1"}, "channels": {
        "in": {"publish": {"operationId": "svc", "message": {"name": "A"}}},
        "out1": {"subscribe": {"operationId": "svc", "message": {"name": "B"}}},
        "out2": {"subscribe": {"operationId": "svc", "message": {"$ref": "#/components/messages/m.v2"}}}},
        "components": {"messages": {"m.v2": {"payload": {"type": "object", "properties": {"x": {"type": "string"}}}}}}});
    let imported = import(&doc);
    let s = &imported.scenario;
    assert!(s.get("schemas").is_none(), "{s:#}");
    assert_eq!(
        lines(&imported),
        ["components.messages[\"m.v2\"]: version 2 of \"m\" comes after a missing version 1: left out"]
    );
    let from_svc = s["wires"].as_array().unwrap().iter().filter(|w| w[0] == "svc").count();
    assert_eq!(from_svc, 1, "{s:#}");
}

#[test]
fn a_document_past_the_formats_limits_still_gives_a_scenario_that_checks() {
    // 250 queues, each with a sender and a receiver and a dead-letter target, and a channel
    // with 1,200 messages: more nodes and event types than a scenario may have.
    let mut channels = serde_json::Map::new();
    let mut operations = serde_json::Map::new();
    for i in 0..250 {
        let queue = json!({"name": format!("q{i}"), "x-dead-letter-exchange": "", "x-dead-letter-routing-key": format!("q{}", (i + 1) % 250)});
        channels.insert(format!("q{i}"), json!({"bindings": {"amqp": {"is": "queue", "queue": queue}}}));
        operations.insert(format!("p{i}"), json!({"action": "send", "channel": {"$ref": format!("#/channels/q{i}")}}));
        operations
            .insert(format!("c{i}"), json!({"action": "receive", "channel": {"$ref": format!("#/channels/q{i}")}}));
    }
    let many: serde_json::Map<String, Value> =
        (0..1200).map(|i| (format!("E{i}"), json!({"name": format!("E{i}")}))).collect();
    channels.insert("busy".into(), json!({"messages": many}));
    operations.insert("busy".into(), json!({"action": "send", "channel": {"$ref": "#/channels/busy"}}));
    let imported = import(
        &json!({"asyncapi": "3.0.0", "info": {"title": "Big", "version": "1"}, "channels": channels, "operations": operations}),
    );
    assert_eq!(imported.scenario["nodes"].as_array().unwrap().len(), 200);
    let said = lines(&imported);
    assert!(
        said.iter().any(|l| l
            == "operations.busy: a scenario's producers and services list at most 1000 event types together: \"busy-2\" keeps 801"),
        "{said:?}"
    );
    assert!(said.iter().any(|l| l.ends_with("is left out") && l.contains("at most 200 nodes")), "{said:?}");
}

// ---------------------------------------------------------------------------------------
// The command line

fn brokerlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("runs")
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("brokerlab-asyncapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn stderr_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr).lines().map(str::to_string).collect()
}

#[test]
fn import_prints_the_scenario_and_says_what_it_could_not_map() {
    let path = fixture_path("shop-amqp-3.0.yaml");
    let out = brokerlab(&["asyncapi", "import", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let scenario = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(broker::load_model(&scenario).is_ok(), "{scenario}");
    let err = stderr_lines(&out);
    assert_eq!(err.len(), 10, "{err:#?}");
    assert_eq!(err[1], "channels.auditLog.bindings.mqtt: MQTT bindings are not simulated");
    assert_eq!(err[9], format!("{path}: 10 nodes, 8 wires; 9 parts not mapped"));
    // The scenario checks, as `brokerlab check` says.
    let file = temp_file("shop.json", &scenario);
    let check = brokerlab(&["check", &file]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
}

#[test]
fn import_writes_to_out_and_reads_back_what_export_wrote() {
    let scenario = common::scenarios_dir().join("order-orchestration.json").to_string_lossy().into_owned();
    for yaml in [false, true] {
        let mut args = vec!["asyncapi", "export", scenario.as_str()];
        if yaml {
            args.push("--yaml");
        }
        let doc = brokerlab(&args);
        assert!(doc.status.success());
        let doc_file = temp_file(
            if yaml { "orchestration.yaml" } else { "orchestration.asyncapi.json" },
            &String::from_utf8(doc.stdout).unwrap(),
        );
        let out_file = temp_file(if yaml { "back-yaml.json" } else { "back-json.json" }, "");
        let out = brokerlab(&["asyncapi", "import", &doc_file, "--out", &out_file]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.is_empty(), "--out: nothing on stdout");
        assert_eq!(stderr_lines(&out), [format!("{doc_file}: 10 nodes, 12 wires; 0 parts not mapped")]);
        let back: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
        let orig: Value = serde_json::from_str(&common::scenario("order-orchestration")).unwrap();
        assert_eq!(normal(&orig), normal(&back), "yaml: {yaml}");
    }
}

#[test]
fn import_exits_2_on_what_is_not_an_asyncapi_3_0_or_2_6_document() {
    let cases = [
        ("not-json.json", "{\"asyncapi\": \"3.0.0\",", "not valid JSON"),
        ("not-yaml.yaml", "asyncapi: [3.0.0\nchannels: {\n", "not valid YAML"),
        ("openapi.yaml", "openapi: 3.1.0\ninfo: {title: x, version: '1'}\n", "not an AsyncAPI document"),
        ("old.json", "{\"asyncapi\": \"2.0.0\", \"channels\": {}}", "AsyncAPI \"2.0.0\" is not read"),
        ("list.yaml", "- asyncapi\n", "an object"),
        ("empty.yaml", "", "empty"),
    ];
    for (name, text, words) in cases {
        let file = temp_file(name, text);
        let out = brokerlab(&["asyncapi", "import", &file]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        let err = stderr_lines(&out);
        assert_eq!(err.len(), 1, "{name}: {err:?}");
        assert!(err[0].starts_with(&format!("{file}: ")) && err[0].contains(words), "{name}: {err:?}");
    }
    let missing = brokerlab(&["asyncapi", "import", "/nonexistent/asyncapi.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}

// ---------------------------------------------------------------------------------------
// Any document: whatever a document holds, the import says what it could not map and gives
// a scenario that checks.

mod any_document {
    use super::*;
    use proptest::prelude::*;

    /// Names as documents have them, and some they should not: empty, blank, with a tab, with
    /// topic-exchange wildcards, longer than 64 characters, shared by several things.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "orders",
                "billing",
                "a.b",
                "order.*",
                "#",
                "",
                "  ",
                "x\ty",
                "orders.v2",
                "-",
                "dlq"
            ])
            .prop_map(str::to_string),
            "[a-z]{1,8}",
            Just("n".repeat(70)),
        ]
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (-5i64..2_000_000_000).prop_map(Value::from),
            (-1.0e12f64..1.0e12).prop_map(Value::from),
            name().prop_map(Value::from),
        ]
    }

    /// A JSON Schema (or an Avro record) such as a payload holds, sometimes broken.
    fn schema() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            prop::sample::select(vec![
                "string", "integer", "number", "boolean", "null", "object", "array", "record", "fixed"
            ])
            .prop_map(|t| json!({"type": t})),
            Just(json!({"enum": ["A", "B c"]})),
            Just(json!({"$ref": "#/components/schemas/S"})),
            Just(json!({"type": ["string", "null"]})),
            scalar(),
        ];
        leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                (prop::collection::btree_map(name(), inner.clone(), 0..5), prop::collection::vec(name(), 0..3))
                    .prop_map(|(p, r)| json!({"type": "object", "properties": p, "required": r})),
                inner.clone().prop_map(|i| json!({"type": "array", "items": i})),
                prop::collection::vec(inner.clone(), 0..3).prop_map(|b| json!({"oneOf": b})),
                prop::collection::vec(inner.clone(), 0..3).prop_map(|b| json!({"allOf": b})),
                inner.clone().prop_map(|v| json!({"type": "object", "additionalProperties": v})),
                prop::collection::vec(inner, 0..3).prop_map(|f| json!({"type": "record", "name": "R", "fields": f})),
            ]
        })
    }

    /// A payload that makes a schema: an object with a few properties of plain types.
    fn object() -> impl Strategy<Value = Value> {
        prop::collection::btree_map(
            name(),
            prop::sample::select(vec!["string", "integer", "number", "boolean"]).prop_map(|t| json!({"type": t})),
            1..4,
        )
        .prop_map(|p| json!({"type": "object", "properties": p}))
    }

    fn message() -> impl Strategy<Value = Value> {
        (
            name(),
            prop::option::of(prop_oneof![schema(), object()]),
            prop::option::of(prop::sample::select(vec![AVRO, "application/x-protobuf"])),
            any::<bool>(),
        )
            .prop_map(|(n, payload, format, multi)| {
                let mut m = json!({"name": n});
                if let Some(p) = payload {
                    m["payload"] = match (format, multi) {
                        (Some(f), true) => json!({"schemaFormat": f, "schema": p}),
                        (Some(f), false) => {
                            m["schemaFormat"] = json!(f);
                            p
                        }
                        (None, _) => p,
                    };
                }
                m
            })
    }

    const AVRO: &str = asyncapi::AVRO_FORMAT;

    fn bindings() -> impl Strategy<Value = Value> {
        let amqp = (
            prop::sample::select(vec!["queue", "routingKey", "other"]),
            name(),
            prop::sample::select(vec!["topic", "direct", "fanout", "default", "headers", ""]),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "x-queue-type",
                    "x-message-ttl",
                    "x-max-length",
                    "x-overflow",
                    "x-delivery-limit",
                    "x-consumer-timeout",
                    "x-dead-letter-exchange",
                    "x-dead-letter-routing-key",
                    "x-other",
                ])
                .prop_map(str::to_string),
                prop_oneof![
                    scalar(),
                    prop::sample::select(vec!["quorum", "classic", "reject-publish", "reject-publish-dlx"])
                        .prop_map(Value::from)
                ],
                0..5,
            ),
            any::<bool>(),
        )
            .prop_map(|(is, n, ty, args, both)| {
                let mut queue = json!({"name": n});
                queue.as_object_mut().unwrap().extend(args);
                let mut b = json!({"is": is});
                if is == "queue" || both {
                    b["queue"] = queue;
                }
                if is != "queue" {
                    b["exchange"] = json!({"name": n, "type": ty});
                }
                json!({"amqp": b})
            });
        let kafka = (name(), scalar(), scalar(), prop::option::of(Just(json!(["compact"]))))
            .prop_map(|(t, p, r, c)| json!({"kafka": {"topic": t, "partitions": p, "topicConfiguration": {"retention.ms": r, "cleanup.policy": c}}}));
        prop_oneof![amqp, kafka, Just(json!({"mqtt": {}})), Just(json!({}))]
    }

    fn document() -> impl Strategy<Value = Value> {
        let channel = (prop::option::of(name()), bindings(), prop::collection::vec(message(), 0..3));
        let operation =
            (name(), prop::sample::select(vec!["send", "receive", "publish"]), 0usize..6, any::<bool>(), scalar());
        (prop::collection::vec(channel, 0..6), prop::collection::vec(operation, 0..8), any::<bool>(), schema()).prop_map(
            |(channels, ops, v2, s)| {
                let key = |i: usize| format!("c{i}");
                if v2 {
                    // 2.6: operations in the channels.
                    let mut cs = serde_json::Map::new();
                    for (i, (_, b, ms)) in channels.iter().enumerate() {
                        cs.insert(key(i), json!({"bindings": b}));
                        for (j, (id, action, c, ack, group)) in ops.iter().enumerate() {
                            if *c == i {
                                let field = if *action == "send" { "subscribe" } else { "publish" };
                                cs.get_mut(&key(i)).unwrap()[field] = json!({"operationId": id, "message": {"oneOf": ms},
                                    "bindings": {"amqp": {"ack": ack}, "kafka": {"groupId": group}}, "x-n": j});
                            }
                        }
                    }
                    json!({"asyncapi": "2.6.0", "info": {"title": "t", "version": "1"}, "channels": cs,
                           "components": {"schemas": {"S": s}}})
                } else {
                    let mut cs = serde_json::Map::new();
                    for (i, (address, b, ms)) in channels.iter().enumerate() {
                        let messages: serde_json::Map<String, Value> = ms.iter().enumerate().map(|(j, m)| (format!("m{j}.v{}", j + 1), m.clone())).collect();
                        cs.insert(key(i), json!({"address": address, "bindings": b, "messages": messages}));
                    }
                    let mut os = serde_json::Map::new();
                    for (j, (id, action, c, ack, group)) in ops.into_iter().enumerate() {
                        os.insert(format!("{id}{j}.{action}"), json!({"action": action, "channel": {"$ref": format!("#/channels/{}", key(c))},
                            "bindings": {"amqp": {"ack": ack}, "kafka": {"groupId": {"const": group}}}}));
                    }
                    json!({"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"}, "channels": cs, "operations": os,
                           "components": {"schemas": {"S": s}}})
                }
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn whatever_a_document_holds_the_scenario_checks(doc in document()) {
            let imported = asyncapi::import(&doc).unwrap();
            let text = imported.text();
            let scenario = Scenario::from_json(&text).map_err(|p| TestCaseError::fail(format!("{p:?}\n{text}")))?;
            broker::validate(&scenario).map_err(|p| TestCaseError::fail(format!("{p:?}\n{text}\n{doc:#}")))?;
            for u in &imported.unmapped {
                prop_assert!(!u.to_string().contains('\n'), "{u}");
            }
        }
    }
}
