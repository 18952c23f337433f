//! The compatibility checker, case by case, in the spirit of the Avro and Confluent Schema
//! Registry test suites (the cases written here in our own words): each row is an old schema,
//! a new one, and whether a registry in each mode accepts the new one, with the field a
//! refusal names. Then the transitive trap, where a change passes against the latest version
//! and fails against an older one.

use broker::schema::{resolve, Mode, Record};
use serde_json::{json, Value};

fn record(fields: Value) -> Record {
    Record::read(&json!({ "fields": fields }), "OrderPlaced").unwrap_or_else(|e| panic!("{fields}: {e:?}"))
}

/// Whether mode `m` accepts `new` after `old` (versions 1 and 2), and the field it names if not.
fn accepts(m: Mode, old: &Record, new: &Record) -> Result<(), String> {
    let versions = [old, new];
    let clash = |w: u16, r: u16| resolve(versions[usize::from(w) - 1], versions[usize::from(r) - 1]).err();
    match m.check(2, &[1], clash) {
        None => Ok(()),
        Some(b) => Err(b.clash.field),
    }
}

struct Case {
    what: &'static str,
    old: Value,
    new: Value,
    /// BACKWARD (the new reads the old), FORWARD (the old reads the new): None if accepted,
    /// the field named if refused.
    backward: Option<&'static str>,
    forward: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let id = json!({"name": "order_id", "type": "string"});
    vec![
        Case {
            what: "add a field with a default",
            old: json!([id]),
            new: json!([id, {"name": "currency", "type": "string", "default": "EUR"}]),
            backward: None,
            forward: None,
        },
        Case {
            what: "add a field without a default",
            old: json!([id]),
            new: json!([id, {"name": "currency", "type": "string"}]),
            backward: Some("currency"),
            forward: None,
        },
        Case {
            what: "remove a field that had a default",
            old: json!([id, {"name": "note", "type": "string", "default": ""}]),
            new: json!([id]),
            backward: None,
            forward: None,
        },
        Case {
            what: "remove a field without a default",
            old: json!([id, {"name": "note", "type": "string"}]),
            new: json!([id]),
            backward: None,
            forward: Some("note"),
        },
        Case {
            what: "rename a field without an alias",
            old: json!([id, {"name": "currency", "type": "string"}]),
            new: json!([id, {"name": "currency_code", "type": "string"}]),
            backward: Some("currency_code"),
            forward: Some("currency"),
        },
        Case {
            what: "rename a field with the old name as an alias (only the new reader knows it)",
            old: json!([id, {"name": "currency", "type": "string"}]),
            new: json!([id, {"name": "currency_code", "type": "string", "aliases": ["currency"]}]),
            backward: None,
            forward: Some("currency"),
        },
        Case {
            what: "promote int to long",
            old: json!([{"name": "qty", "type": "int"}]),
            new: json!([{"name": "qty", "type": "long"}]),
            backward: None,
            forward: Some("qty"),
        },
        Case {
            what: "promote float to double, and long to float",
            old: json!([{"name": "a", "type": "float"}, {"name": "b", "type": "long"}]),
            new: json!([{"name": "a", "type": "double"}, {"name": "b", "type": "float"}]),
            backward: None,
            forward: Some("a"),
        },
        Case {
            what: "narrow long to int",
            old: json!([{"name": "qty", "type": "long"}]),
            new: json!([{"name": "qty", "type": "int"}]),
            backward: Some("qty"),
            forward: None,
        },
        Case {
            what: "string to bytes and back",
            old: json!([{"name": "blob", "type": "string"}]),
            new: json!([{"name": "blob", "type": "bytes"}]),
            backward: None,
            forward: None,
        },
        Case {
            what: "change a string to an int",
            old: json!([{"name": "amount", "type": "string"}]),
            new: json!([{"name": "amount", "type": "int"}]),
            backward: Some("amount"),
            forward: Some("amount"),
        },
        Case {
            what: "widen a union",
            old: json!([{"name": "coupon", "type": ["null", "string"], "default": null}]),
            new: json!([{"name": "coupon", "type": ["null", "string", "int"], "default": null}]),
            backward: None,
            forward: Some("coupon"),
        },
        Case {
            what: "narrow a union",
            old: json!([{"name": "coupon", "type": ["null", "string", "int"], "default": null}]),
            new: json!([{"name": "coupon", "type": ["null", "string"], "default": null}]),
            backward: Some("coupon"),
            forward: None,
        },
        Case {
            what: "make a field optional (a union with null)",
            old: json!([{"name": "email", "type": "string"}]),
            new: json!([{"name": "email", "type": ["null", "string"], "default": null}]),
            backward: None,
            forward: Some("email"),
        },
        Case {
            what: "add an enum symbol, the old reader with no default symbol",
            old: json!([{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["PLACED", "PAID"]}}]),
            new: json!([{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["PLACED", "PAID", "REFUNDED"]}}]),
            backward: None,
            forward: Some("status"),
        },
        Case {
            what: "add an enum symbol, the old reader with a default symbol",
            old: json!([{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["PLACED", "PAID", "OTHER"], "default": "OTHER"}}]),
            new: json!([{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["PLACED", "PAID", "OTHER", "REFUNDED"], "default": "OTHER"}}]),
            backward: None,
            forward: None,
        },
        Case {
            what: "add a field without a default inside a nested record",
            old: json!([{"name": "address", "type": {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string"}]}}]),
            new: json!([{"name": "address", "type": {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string"}, {"name": "zip", "type": "string"}]}}]),
            backward: Some("address.zip"),
            forward: None,
        },
        Case {
            what: "rename a nested record, with the old name as an alias",
            old: json!([{"name": "address", "type": {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string"}]}}]),
            new: json!([{"name": "address", "type": {"type": "record", "name": "PostalAddress", "aliases": ["Address"], "fields": [{"name": "city", "type": "string"}]}}]),
            backward: None,
            forward: Some("address"),
        },
        Case {
            what: "promote the items of an array",
            old: json!([{"name": "qtys", "type": {"type": "array", "items": "int"}}]),
            new: json!([{"name": "qtys", "type": {"type": "array", "items": "double"}}]),
            backward: None,
            forward: Some("qtys[]"),
        },
    ]
}

#[test]
fn each_mode_accepts_what_the_registry_accepts() {
    for c in cases() {
        let (old, new) = (record(c.old.clone()), record(c.new.clone()));
        let field = |r: Result<(), String>| r.err();
        let backward = field(accepts(Mode::Backward, &old, &new));
        let forward = field(accepts(Mode::Forward, &old, &new));
        assert_eq!(backward.as_deref(), c.backward, "BACKWARD, {}", c.what);
        assert_eq!(forward.as_deref(), c.forward, "FORWARD, {}", c.what);
        // FULL is both; the transitive modes are the same against one older version; NONE
        // accepts anything.
        let full = field(accepts(Mode::Full, &old, &new));
        assert_eq!(full.is_none(), c.backward.is_none() && c.forward.is_none(), "FULL, {}", c.what);
        assert_eq!(field(accepts(Mode::BackwardTransitive, &old, &new)), backward, "{}", c.what);
        assert_eq!(field(accepts(Mode::ForwardTransitive, &old, &new)), forward, "{}", c.what);
        assert_eq!(field(accepts(Mode::FullTransitive, &old, &new)), full, "{}", c.what);
        assert_eq!(accepts(Mode::None, &old, &new), Ok(()), "{}", c.what);
    }
}

#[test]
fn the_transitive_trap_passes_against_the_latest_version_and_fails_against_an_older_one() {
    // v2 adds "channel" with a default; v3 drops the default. Against v2, v3's reader finds
    // the field in v2's data; against v1, it finds nothing and has no default.
    let v1 = record(json!([{"name": "order_id", "type": "string"}]));
    let v2 = record(
        json!([{"name": "order_id", "type": "string"}, {"name": "channel", "type": "string", "default": "web"}]),
    );
    let v3 = record(json!([{"name": "order_id", "type": "string"}, {"name": "channel", "type": "string"}]));
    let all = [&v1, &v2, &v3];
    let clash = |w: u16, r: u16| resolve(all[usize::from(w) - 1], all[usize::from(r) - 1]).err();
    assert_eq!(Mode::Backward.check(3, &[1, 2], clash), None);
    let broken = Mode::BackwardTransitive.check(3, &[1, 2], clash).expect("refused");
    assert_eq!((broken.against, broken.new_reads_old, broken.clash.field.as_str()), (1, true, "channel"));
    assert_eq!(
        broken.words(Mode::BackwardTransitive, 3),
        "BACKWARD_TRANSITIVE: version 3 must read what version 1 wrote, but field \"channel\" is not in version 1, and version 3 gives it no default"
    );
}

#[test]
fn a_clash_says_which_field_and_why_in_words() {
    let old = record(json!([{"name": "amount", "type": "string"}]));
    let new = record(json!([{"name": "amount", "type": "double"}]));
    let c = resolve(&old, &new).unwrap_err();
    assert_eq!(
        c.words("version 1", "version 2"),
        "field \"amount\" is a string in version 1 but a double in version 2, which Avro does not read as one another"
    );
    let e1 = record(json!([{"name": "s", "type": {"type": "enum", "name": "S", "symbols": ["A"]}}]));
    let e2 = record(json!([{"name": "s", "type": {"type": "enum", "name": "S", "symbols": ["A", "B"]}}]));
    assert!(resolve(&e2, &e1).unwrap_err().words("version 2", "version 1").contains("may hold \"B\" in version 2"));
}
