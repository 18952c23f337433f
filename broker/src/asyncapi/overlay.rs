//! The extensions' arithmetic. An overlay is what turns the scenario a document's standard
//! parts describe into the scenario that was exported: the fields whose values differ, and
//! `null` for a field the standard parts give that the scenario does not have (the format reads
//! an optional field's `null` as leaving it out; the import removes it). `diff` writes one,
//! `merge` applies one. Both compare scenarios in the form the format's own writer gives them
//! (`normal_*`: every default written out), so that a field left out and a field written with
//! its default are the same.

use serde_json::{json, Map, Value};

use crate::scenario::Scenario;

/// What to put over `derived` to make `orig`, descending `depth` levels of objects (1: the
/// fields of a node, replaced whole); `None` when they are the same.
pub(crate) fn diff(orig: &Value, derived: &Value, depth: usize) -> Option<Value> {
    if orig == derived {
        return None;
    }
    match (orig, derived) {
        (Value::Object(o), Value::Object(d)) if depth > 0 => {
            let mut out = Map::new();
            for (k, v) in o {
                match d.get(k) {
                    None => {
                        out.insert(k.clone(), v.clone());
                    }
                    Some(dv) => {
                        if let Some(x) = diff(v, dv, depth - 1) {
                            out.insert(k.clone(), x);
                        }
                    }
                }
            }
            for k in d.keys().filter(|k| !o.contains_key(*k)) {
                out.insert(k.clone(), Value::Null);
            }
            Some(Value::Object(out))
        }
        _ => Some(orig.clone()),
    }
}

/// Puts `overlay` over `base`, as `diff` wrote it.
pub(crate) fn merge(base: &mut Map<String, Value>, overlay: &Map<String, Value>, depth: usize) {
    for (k, v) in overlay {
        match (v, base.get_mut(k)) {
            (Value::Null, _) => {
                base.remove(k);
            }
            (Value::Object(o), Some(Value::Object(b))) if depth > 1 => merge(b, o, depth - 1),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// A node as the format's writer writes it, or `None` when the format does not read it.
pub(crate) fn normal_node(node: &Value) -> Option<Value> {
    let s = Scenario::from_value(json!({"version": 1, "duration_ms": 1, "nodes": [node]})).ok()?;
    serde_json::to_value(&s.nodes[0]).ok()
}

/// Wires as the format's writer writes them.
pub(crate) fn normal_wires(wires: &[Value]) -> Option<Vec<Value>> {
    let s = Scenario::from_value(json!({"version": 1, "duration_ms": 1, "nodes": [], "wires": wires})).ok()?;
    s.wires.iter().map(|w| serde_json::to_value(w).ok()).collect()
}

/// The scenario's own fields (everything but nodes, wires, view, lesson and expectations) as
/// the format's writer writes them.
pub(crate) fn normal_top(top: &Map<String, Value>) -> Option<Map<String, Value>> {
    let mut t = top.clone();
    for k in ["nodes", "wires", "view", "lesson", "expect"] {
        t.remove(k);
    }
    t.insert("nodes".into(), json!([]));
    let s = Scenario::from_value(Value::Object(t)).ok()?;
    let Value::Object(mut out) = serde_json::to_value(&s).ok()? else { return None };
    out.remove("nodes");
    out.remove("wires");
    Some(out)
}

/// A wire as short as the format allows: `["a", "b"]` when it has nothing but its ends.
pub(crate) fn short_wire(w: &Value) -> Value {
    match w.as_object() {
        Some(o) if o.len() == 2 && o.contains_key("from") && o.contains_key("to") => json!([o["from"], o["to"]]),
        _ => w.clone(),
    }
}

/// A wire's two ends.
pub(crate) fn ends(w: &Value) -> Option<(String, String)> {
    let (from, to) = match w {
        Value::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
        Value::Object(o) => (o.get("from")?, o.get("to")?),
        _ => return None,
    };
    Some((from.as_str()?.to_string(), to.as_str()?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_merged_over_what_it_was_made_from_gives_the_original() {
        let orig = json!({"id": "q", "kind": "queue", "prefetch": 5, "queue_type": "quorum", "x": {"a": 1, "b": 2}});
        let derived = json!({"id": "q", "kind": "queue", "queue_type": "quorum", "ttl_ms": 10, "x": {"a": 1}});
        for depth in [1, 2] {
            let o = diff(&orig, &derived, depth).unwrap();
            let mut base = derived.as_object().unwrap().clone();
            merge(&mut base, o.as_object().unwrap(), depth);
            assert_eq!(Value::Object(base), orig, "depth {depth}");
        }
        assert_eq!(diff(&orig, &derived, 1).unwrap(), json!({"prefetch": 5, "ttl_ms": null, "x": {"a": 1, "b": 2}}));
        assert_eq!(diff(&orig, &derived, 2).unwrap(), json!({"prefetch": 5, "ttl_ms": null, "x": {"b": 2}}));
        assert_eq!(diff(&orig, &orig, 1), None);
    }

    #[test]
    fn defaults_written_out_compare_equal_to_defaults_left_out() {
        let a = normal_node(&json!({"id": "c", "kind": "consumer"})).unwrap();
        let b = normal_node(&json!({"id": "c", "kind": "consumer", "semantics": "at-least-once", "concurrency": 1}))
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(normal_node(&json!({"id": "c", "kind": "consumer", "prefetchh": 1})), None);
        assert_eq!(normal_wires(&[json!(["a", "b"])]).unwrap(), [json!({"from": "a", "to": "b"})]);
        assert_eq!(short_wire(&json!({"from": "a", "to": "b"})), json!(["a", "b"]));
        assert_eq!(ends(&json!({"from": "a", "to": "b", "delay_ms": 2})), Some(("a".into(), "b".into())));
    }
}
