//! A consumer as a service: a consumer with `publishes` rules publishes events down its one
//! outgoing wire (see docs/scenario-format.md, "Services"). In the editor the two are one
//! thing: wiring a consumer onwards gives it a first rule, and removing its last rule makes it
//! a plain consumer again, without its output wire and publish settings, which mean nothing
//! without rules (the core would refuse them). A rule the app writes publishes an event named
//! after the consumer, `shipping` → `ShippingDone`, until the user names another.

use serde_json::Value;

use super::doc;

/// The rules the inspector has fields for (`/publishes/0` to `/publishes/3`).
pub const RULE_SLOTS: usize = 4;

/// The rules of a consumer, or an empty slice.
pub fn rules(node: &Value) -> &[Value] {
    node.get("publishes").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Whether a node is a service: a consumer with at least one rule.
pub fn is_service(node: &Value) -> bool {
    doc::node_kind(node) == "consumer" && !rules(node).is_empty()
}

/// The kind a node is shown as: "orchestrator" for a consumer that runs a saga, "requester"
/// for one that sends requests, "service" for a service, else its kind.
pub fn shown_kind(node: &Value) -> &str {
    let consumer = doc::node_kind(node) == "consumer";
    let has = |k: &str| node.get(k).is_some_and(|v| !v.is_null());
    if consumer && has("orchestrates") {
        "orchestrator"
    } else if consumer && has("requests") {
        "requester"
    } else if is_service(node) {
        "service"
    } else {
        doc::node_kind(node)
    }
}

/// The event a new rule publishes: the id's words run together and capitalised, then "Done"
/// (`shipping` → `ShippingDone`, `stock-check` → `StockCheckDone`); at most 64 characters.
pub fn done_event(id: &str) -> String {
    let mut out = String::new();
    // ASCII only: Unicode's tables would cost the wasm kilobytes; other letters stay as typed.
    for word in id.split(|c: char| c == ' ' || c.is_ascii_punctuation()) {
        let mut cs = word.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(cs.as_str());
        }
    }
    let mut out: String = out.chars().take(60).collect();
    out.push_str("Done");
    out
}

/// A new rule for consumer `id`: on any event type, publish its done event.
pub fn new_rule(id: &str) -> Value {
    broker::scenario::json::object([("publish", Value::from(vec![done_event(id)]))])
}

/// Appends a rule to consumer `id`.
pub fn add_rule(d: &mut Value, id: &str) {
    let Some((i, _)) = doc::find_node(d, id) else { return };
    let node = &mut d["nodes"][i];
    if !node["publishes"].is_array() {
        node["publishes"] = Value::from(Vec::<Value>::new());
    }
    if let Some(list) = node["publishes"].as_array_mut() {
        list.push(new_rule(id));
    }
}

/// Removes rule `k` of consumer `id`. Its last rule gone, it is a plain consumer: its publish
/// settings and its outgoing wire go with it. Returns where that wire went, if one went.
pub fn remove_rule(d: &mut Value, id: &str, k: usize) -> Option<String> {
    let i = doc::find_node(d, id)?.0;
    let node = d["nodes"][i].as_object_mut()?;
    let list = node.get_mut("publishes")?.as_array_mut()?;
    if k < list.len() {
        list.remove(k);
    }
    if !list.is_empty() {
        return None;
    }
    for key in ["publishes", "publish_mode", "publish"] {
        node.remove(key);
    }
    let w = doc::wires(d).iter().position(|w| doc::wire_ends(w).0 == id)?;
    let to = doc::wire_ends(&doc::wires(d)[w]).1.to_owned();
    doc::remove_wire(d, w);
    Some(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_done_event_is_named_after_the_consumer() {
        assert_eq!(done_event("shipping"), "ShippingDone");
        assert_eq!(done_event("stock-check_2"), "StockCheck2Done");
        assert_eq!(done_event("--"), "Done");
        assert_eq!(done_event(&"a".repeat(64)).chars().count(), 64);
    }
}
