//! Schema evolution in a run: random pairs of versions of one event type, a producer that
//! deploys the second part-way through, and consumers reading with each version, held to the
//! checker's word. Whatever the registry's check accepts never makes a message unreadable for
//! the readers that mode protects, and a run reports exactly the unreadable messages that
//! resolution predicts; a refused deploy leaves every message on the old version. Then the
//! validator's refusals, each with its path.

use proptest::prelude::*;
use serde_json::{json, Value};

use broker::schema::{resolve, Mode, Record};

/// A field from a small universe, so that two random versions share names and types often.
fn field() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec!["order_id", "amount", "currency", "note", "qty"]);
    let types = prop::sample::select(vec![
        json!("int"),
        json!("long"),
        json!("float"),
        json!("double"),
        json!("string"),
        json!("bytes"),
        json!(["null", "string"]),
        json!(["null", "string", "int"]),
        json!({"type": "enum", "name": "Status", "symbols": ["PLACED", "PAID"]}),
        json!({"type": "enum", "name": "Status", "symbols": ["PLACED", "PAID", "REFUNDED"]}),
    ]);
    (names, types, any::<bool>()).prop_map(|(name, ty, with_default)| {
        let mut f = json!({"name": name, "type": ty});
        if with_default {
            f["default"] = match &f["type"] {
                Value::Array(_) => Value::Null,
                Value::Object(_) => json!("PLACED"),
                Value::String(s) if s == "string" || s == "bytes" => json!(""),
                _ => json!(0),
            };
        }
        f
    })
}

/// A version: up to four fields with distinct names, the enum (a named type) at most once.
fn version() -> impl Strategy<Value = Value> {
    prop::collection::vec(field(), 0..5).prop_map(|fields| {
        let mut seen: Vec<Value> = Vec::new();
        for f in fields {
            let second_enum = f["type"].is_object() && seen.iter().any(|s| s["type"].is_object());
            if !second_enum && !seen.iter().any(|s| s["name"] == f["name"]) {
                seen.push(f);
            }
        }
        json!({ "fields": seen })
    })
}

fn mode() -> impl Strategy<Value = Mode> {
    prop::sample::select(Mode::ALL.to_vec())
}

/// Orders published every 100 ms for 4 s; the producer deploys version 2 at 2 s; `old`
/// reads with version 1, `new` with version 2; both dead-letter what they cannot read.
fn scenario(v1: &Value, v2: &Value, registry: Option<Mode>) -> Value {
    let consumer = |id: &str, v: u32| {
        json!({"id": id, "kind": "consumer", "schema_version": v, "processing": {"fixed": {"ms": 5}},
               "retry": {"policy": "none", "then": "dead_letter"}})
    };
    let mut s = json!({
        "version": 1, "duration_ms": 5000,
        "nodes": [
            {"id": "checkout", "kind": "producer", "count": 40, "arrivals": {"fixed": {"interval_ms": 100}},
             "event_type": "OrderPlaced", "keys": "order-1..order-40"},
            {"id": "fan", "kind": "exchange", "type": "fanout"},
            {"id": "q-old", "kind": "queue", "dead_letter": "dlq"},
            {"id": "q-new", "kind": "queue", "dead_letter": "dlq"},
            consumer("old", 1), consumer("new", 2),
            {"id": "dlq", "kind": "dead_letter_queue"}
        ],
        "wires": [["checkout", "fan"], ["fan", "q-old"], ["fan", "q-new"], ["q-old", "old"], ["q-new", "new"]],
        "actions": [{"at_ms": 2000, "deploy": {"node": "checkout", "version": 2}}],
        "schemas": {"OrderPlaced": {"versions": [v1, v2]}}
    });
    if let Some(m) = registry {
        s["registry"] = json!({"compatibility": m.name()});
    }
    s
}

fn run(s: &Value) -> broker::Outcome {
    let mut sim = broker::load(&s.to_string()).unwrap_or_else(|p| panic!("{p:?}\n{s}"));
    sim.run_to_end();
    sim.outcome()
}

fn unreadable_by(o: &broker::Outcome, consumer: &str) -> u64 {
    o.schemas.as_ref().map_or(0, |r| r.unreadable.iter().filter(|u| u.consumer == consumer).map(|u| u.messages).sum())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn a_change_the_registry_accepts_never_breaks_the_readers_its_mode_protects(v1 in version(), v2 in version(), m in mode()) {
        let (r1, r2) = (Record::read(&v1, "OrderPlaced").unwrap(), Record::read(&v2, "OrderPlaced").unwrap());
        let records = [&r1, &r2];
        let clash = |w: u16, r: u16| resolve(records[usize::from(w) - 1], records[usize::from(r) - 1]).err();
        let accepted = m.check(2, &[1], clash).is_none();
        let o = run(&scenario(&v1, &v2, Some(m)));
        prop_assert_eq!(o.deploys_refused, u64::from(!accepted));
        // After the deploy at 2 s, 20 of the 40 orders are written with version 2, if it went
        // through; `old` reads them with version 1, `new` reads the 20 before it with version 2.
        let old_breaks = accepted && resolve(&r2, &r1).is_err();
        let new_breaks = resolve(&r1, &r2).is_err();
        prop_assert_eq!(unreadable_by(&o, "old"), if old_breaks { 20 } else { 0 });
        prop_assert_eq!(unreadable_by(&o, "new"), if new_breaks { if accepted { 20 } else { 40 } } else { 0 });
        if accepted && m.forward() {
            prop_assert_eq!(unreadable_by(&o, "old"), 0, "FORWARD protects readers on the old version");
        }
        if m.backward() && m != Mode::None {
            // BACKWARD protects the new reader from old data whenever the deploy went through.
            prop_assert!(!accepted || unreadable_by(&o, "new") == 0);
        }
        // Every unreadable message was dead-lettered, and nothing else was.
        prop_assert_eq!(o.dead_lettered, unreadable_by(&o, "old") + unreadable_by(&o, "new"));
    }

    #[test]
    fn without_a_registry_every_deploy_goes_through(v1 in version(), v2 in version()) {
        let o = run(&scenario(&v1, &v2, None));
        prop_assert_eq!(o.deploys_refused, 0);
        let s = o.schemas.as_ref().unwrap();
        prop_assert_eq!(s.deploys.len(), 1);
        prop_assert_eq!((s.deploys[0].from, s.deploys[0].version), (1, 2));
    }
}

/// A change to a scenario.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn bad_schemas_and_versions_are_refused_with_their_paths() {
    let v = json!({"fields": [{"name": "order_id", "type": "string"}]});
    let base = scenario(&v, &v, None);
    let problems = |edit: &dyn Fn(&mut Value)| -> Vec<String> {
        let mut s = base.clone();
        edit(&mut s);
        match broker::load(&s.to_string()) {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(|p| p.to_string()).collect(),
        }
    };
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "an unknown Avro type",
            Box::new(|s| s["schemas"]["OrderPlaced"]["versions"][1]["fields"][0]["type"] = json!("money")),
            "schemas.OrderPlaced.versions[1].fields[0].type: unknown type \"money\"",
        ),
        (
            "a version the event type does not have",
            Box::new(|s| s["actions"][0]["deploy"]["version"] = json!(3)),
            "actions[0].deploy.version: OrderPlaced has 2 versions (\"checkout\" writes it); there is no version 3",
        ),
        (
            "a reader version beyond the versions",
            Box::new(|s| s["nodes"][4]["schema_version"] = json!(5)),
            "nodes[4].schema_version: OrderPlaced has 2 versions (\"old\" reads it); there is no version 5",
        ),
        (
            "a deploy to a queue",
            Box::new(|s| s["actions"][0]["deploy"]["node"] = json!("q-old")),
            "actions[0].deploy.node: \"q-old\" is a queue; this action needs a producer or consumer",
        ),
        (
            "a mode that does not exist",
            Box::new(|s| s["registry"] = json!({"compatibility": "SIDEWAYS"})),
            "registry.compatibility: unknown variant `SIDEWAYS`",
        ),
        (
            "no versions",
            Box::new(|s| s["schemas"]["OrderPlaced"]["versions"] = json!([])),
            "schemas.OrderPlaced.versions: must list 1 to 20 versions",
        ),
        (
            "a producer deploying without schemas",
            Box::new(|s| {
                s["schemas"] = json!({});
            }),
            "actions[0].deploy.node: \"checkout\" writes no event type with schemas",
        ),
    ];
    for (what, edit, want) in cases {
        let got = problems(&*edit);
        assert!(got.iter().any(|p| p.contains(want)), "{what}: wanted {want:?} among {got:?}");
    }
}
