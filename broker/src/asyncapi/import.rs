//! `import`: an AsyncAPI 3.0 or 2.6 document, already parsed into a JSON value, as a
//! scenario. The standard parts give the scenario (`derive.rs`); then the `x-brokerlab-*`
//! extensions, where a Brokerlab export wrote them, are put on top: each node's
//! `x-brokerlab-node` over the node its channel or operation gives, and the top's
//! `x-brokerlab-scenario` over the scenario's own fields, with the order of the nodes (and the
//! nodes no channel or operation describes), and the wires. A node or a wire the standard
//! parts give that the extensions do not list (an operation added to the document by hand)
//! is kept, after the ones they list. Finally the nodes are laid out (`layout.rs`).

use std::fmt;

use serde_json::{Map, Value};

use super::derive::derive;
use super::overlay::{ends, merge};
use super::read::Doc;
use super::{NODE_EXTENSION, SCENARIO_EXTENSION};

/// A part of the document that the scenario does not carry, or carries only in part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmapped {
    /// Where it is in the document: `channels.audit.bindings.mqtt`.
    pub path: String,
    /// What became of it, in words.
    pub why: String,
}

impl fmt::Display for Unmapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, why) =
            (crate::scenario::quoted::escape_controls(&self.path), crate::scenario::quoted::escape_controls(&self.why));
        if path.is_empty() {
            f.write_str(&why)
        } else {
            write!(f, "{path}: {why}")
        }
    }
}

/// What an import gives: the scenario (a scenario file's JSON), and what it could not map.
#[derive(Clone, Debug)]
pub struct Imported {
    pub scenario: Value,
    pub unmapped: Vec<Unmapped>,
}

impl Imported {
    /// The scenario as a file: its fields in the format's order, each node, wire, action and
    /// schema version on a line of its own (a node's id and kind first, a field's name and
    /// type).
    pub fn text(&self) -> String {
        let Some(top) = self.scenario.as_object() else { return compact(&self.scenario) };
        let order = [
            "version",
            "title",
            "description",
            "seed",
            "duration_ms",
            "nodes",
            "wires",
            "actions",
            "flows",
            "schemas",
            "registry",
            "view",
        ];
        let mut keys: Vec<&String> = top.keys().collect();
        keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
        let rows = |items: &[Value], indent: &str| -> String {
            let lines: Vec<String> = items.iter().map(|i| format!("{indent}{}", compact(i))).collect();
            lines.join(",\n")
        };
        let mut parts: Vec<String> = Vec::new();
        for k in keys {
            let v = &top[k.as_str()];
            let body = match (k.as_str(), v) {
                ("nodes" | "wires" | "actions", Value::Array(items)) if !items.is_empty() => {
                    format!("[\n{}\n  ]", rows(items, "    "))
                }
                ("schemas", Value::Object(types)) if !types.is_empty() => {
                    let each: Vec<String> = types
                        .iter()
                        .map(|(t, spec)| {
                            let head = match spec.get("compatibility") {
                                Some(c) => format!("{{\"compatibility\": {}, \"versions\": [", compact(c)),
                                None => "{\"versions\": [".to_string(),
                            };
                            let versions =
                                spec.get("versions").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
                            format!(
                                "    {}: {head}\n{}\n    ]}}",
                                compact(&Value::from(t.as_str())),
                                rows(versions, "      ")
                            )
                        })
                        .collect();
                    format!("{{\n{}\n  }}", each.join(",\n"))
                }
                ("view", Value::Object(view)) => {
                    let each: Vec<String> = view
                        .iter()
                        .map(|(f, x)| match (f.as_str(), x) {
                            ("positions", Value::Object(p)) if !p.is_empty() => {
                                let at: Vec<String> = p
                                    .iter()
                                    .map(|(id, xy)| {
                                        format!("      {}: {}", compact(&Value::from(id.as_str())), compact(xy))
                                    })
                                    .collect();
                                format!("    \"positions\": {{\n{}\n    }}", at.join(",\n"))
                            }
                            _ => format!("    {}: {}", compact(&Value::from(f.as_str())), compact(x)),
                        })
                        .collect();
                    format!("{{\n{}\n  }}", each.join(",\n"))
                }
                _ => compact(v),
            };
            parts.push(format!("  {}: {body}", compact(&Value::from(k.as_str()))));
        }
        format!("{{\n{}\n}}\n", parts.join(",\n"))
    }
}

/// A value on one line, with a space after each colon and comma, and an object's `id`, `kind`,
/// `name` and `type` first.
fn compact(v: &Value) -> String {
    match v {
        Value::Array(items) => format!("[{}]", items.iter().map(compact).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            let first = ["id", "kind", "name", "type", "from", "to"];
            let mut fields: Vec<(&String, &Value)> = m.iter().collect();
            fields.sort_by_key(|(k, _)| first.iter().position(|f| f == k).unwrap_or(first.len()));
            let parts: Vec<String> =
                fields.iter().map(|(k, x)| format!("{}: {}", compact(&Value::from(k.as_str())), compact(x))).collect();
            format!("{{{}}}", parts.join(", "))
        }
        scalar => crate::scenario::link::write_json(scalar, false),
    }
}

/// Reads an AsyncAPI 3.0 or 2.6 document into a scenario. `Err` says why the document is not
/// one (not an object, no `asyncapi` field, another version); anything else in it gives a
/// scenario, with what could not be mapped listed.
pub fn import(doc: &Value) -> Result<Imported, String> {
    let read = Doc::read(doc)?;
    let derived = derive(&read);
    let ext = doc.get(SCENARIO_EXTENSION).and_then(Value::as_object);

    // Each node with its channels' and operations' extensions over it.
    let mut nodes: Vec<Map<String, Value>> = Vec::new();
    // A node's id in the standard parts, and after its extension.
    let mut renamed: Vec<(String, String)> = Vec::new();
    for d in &derived.nodes {
        let mut node = d.node.clone();
        for home in &d.homes {
            if let Some(o) = doc.pointer(home).and_then(|h| h.get(NODE_EXTENSION)).and_then(Value::as_object) {
                merge(&mut node, o, 1);
            }
        }
        let now = node.get("id").and_then(Value::as_str).unwrap_or("").to_string();
        renamed.push((d.id().to_string(), now));
        nodes.push(node);
    }
    let id_of = |n: &Map<String, Value>| n.get("id").and_then(Value::as_str).unwrap_or("").to_string();

    // The order the extension lists, with the nodes it carries whole; then the rest.
    let mut ordered: Vec<Value> = Vec::new();
    if let Some(list) = ext.and_then(|e| e.get("nodes")).and_then(Value::as_array) {
        for entry in list {
            match entry {
                Value::String(id) => {
                    if let Some(i) = nodes.iter().position(|n| id_of(n) == *id) {
                        ordered.push(Value::Object(nodes.remove(i)));
                    }
                }
                Value::Object(whole) => {
                    let id = id_of(whole);
                    if !ordered.iter().any(|n| n.get("id") == Some(&Value::from(id.clone()))) {
                        nodes.retain(|n| id_of(n) != id);
                        ordered.push(entry.clone());
                    }
                }
                _ => {}
            }
        }
    }
    ordered.extend(nodes.into_iter().map(Value::Object));
    let present = |id: &str| ordered.iter().any(|n| n.get("id").and_then(Value::as_str) == Some(id));

    // The wires the extension lists, then those of the standard parts it does not.
    let mut wires: Vec<Value> = Vec::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(list) = ext.and_then(|e| e.get("wires")).and_then(Value::as_array) {
        for w in list {
            if let Some((from, to)) = ends(w) {
                if present(&from) && present(&to) && !pairs.contains(&(from.clone(), to.clone())) {
                    pairs.push((from, to));
                    wires.push(w.clone());
                }
            }
        }
    }
    let now = |id: &str| renamed.iter().find(|(was, _)| was == id).map_or(id.to_string(), |(_, now)| now.clone());
    for w in &derived.wires {
        let Some((from, to)) = ends(w) else { continue };
        let (from, to) = (now(&from), now(&to));
        if present(&from) && present(&to) && !pairs.contains(&(from.clone(), to.clone())) {
            let mut w = w.clone();
            w["from"] = Value::from(from.clone());
            w["to"] = Value::from(to.clone());
            pairs.push((from, to));
            wires.push(super::overlay::short_wire(&w));
        }
    }

    // The scenario's own fields, and where everything is drawn.
    let mut scenario = derived.top.clone();
    if let Some(e) = ext {
        let mut fields = e.clone();
        fields.remove("nodes");
        fields.remove("wires");
        merge(&mut scenario, &fields, 3);
    }
    let positions = super::layout::positions(&ordered, &pairs);
    scenario.insert("nodes".into(), Value::Array(ordered));
    scenario.insert("wires".into(), Value::Array(wires));
    let mut view = Map::new();
    view.insert("positions".into(), Value::Object(positions));
    scenario.insert("view".into(), Value::Object(view));
    Ok(Imported { scenario: Value::Object(scenario), unmapped: derived.unmapped })
}
