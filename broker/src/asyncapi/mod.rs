//! AsyncAPI, both ways: a scenario written out as the document that describes its messaging,
//! for a team that keeps its contracts in AsyncAPI (`brokerlab asyncapi export`), and an
//! AsyncAPI 3.0 or 2.6 document read into a scenario (`brokerlab asyncapi import`). See
//! `docs/asyncapi.md` for what is mapped and what is not.
//!
//! ```text
//!   Scenario + Model ──export.rs──▶ AsyncAPI 3.0 document (standard parts + x-brokerlab-*)
//!                                        │
//!   AsyncAPI 3.0 / 2.6 (JSON value) ──read.rs──▶ channels, operations, messages
//!                                        │ derive.rs: nodes, wires, schemas from the
//!                                        │            standard parts alone
//!                                        ▼
//!                                   overlay.rs: the x-brokerlab-* extensions on top
//!                                        │ layout.rs: positions
//!                                        ▼
//!                                   scenario JSON + what could not be mapped
//! ```
//!
//! The standard parts (channels with their AMQP and Kafka bindings, operations, messages and
//! their payloads) carry what they can on their own, so that a document from another tool
//! imports meaningfully. The export adds, in specification extensions, exactly what those
//! parts do not reproduce: it imports its own standard parts and writes the difference
//! (`x-brokerlab-node` on a channel or an operation, `x-brokerlab-scenario` at the top), so
//! that a scenario exported and imported again is the same scenario. Event schemas travel as
//! message payloads in Avro (`payload.rs` also turns a JSON Schema payload into Avro fields).
//! `yaml.rs` writes YAML, and reads it behind the `cli` feature: `import` itself takes a JSON
//! value, so the page's wasm could call it without a YAML parser.

mod derive;
mod export;
mod import;
mod layout;
mod overlay;
mod payload;
mod read;
mod text;
pub mod yaml;

pub use export::export;
pub use import::{import, Imported, Unmapped};
pub use text::{export_text, import_text, read_document, FromDocument};

/// The AsyncAPI version written.
pub const VERSION: &str = "3.0.0";
const AMQP_BINDING: &str = "0.3.0";
const KAFKA_BINDING: &str = "0.5.0";
/// The schema format of an Avro payload (AsyncAPI's multi-format schema).
pub const AVRO_FORMAT: &str = "application/vnd.apache.avro;version=1.9.0";
/// On a channel or an operation: the settings of the node it describes that its standard
/// parts do not carry, in the scenario format's own words.
pub const NODE_EXTENSION: &str = "x-brokerlab-node";
/// At the top: the scenario's own fields that the document does not carry, the order of its
/// nodes (with the nodes no channel or operation describes, whole) and its wires.
pub const SCENARIO_EXTENSION: &str = "x-brokerlab-scenario";
/// Where a message's correlation id is in the documents written here.
const CORRELATION_LOCATION: &str = "$message.header#/correlation_id";

/// A key AsyncAPI accepts for a channel, an operation or a message (`^[a-zA-Z0-9.\-_]+$`):
/// every other character becomes `_`.
fn key(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

/// A JSON pointer to `keys` (each escaped: `~` as `~0`, `/` as `~1`).
fn pointer(keys: &[&str]) -> String {
    keys.iter().map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1"))).collect()
}

/// The message key of an event type's version: `OrderPlaced.v2`.
fn version_key(event_type: &str, version: u16) -> String {
    format!("{}.v{version}", key(event_type))
}

/// A version as Avro's own JSON writes a record, which AsyncAPI's Avro schema asks for: the
/// scenario's short form `{"fields": [...]}` gets `"type": "record"` and the event type's name
/// (a dotted one split into a namespace and a name).
fn full_record(v: &serde_json::Value, event_type: &str) -> serde_json::Value {
    let Some(o) = v.as_object().filter(|o| !o.contains_key("type")) else { return v.clone() };
    let mut out = serde_json::Map::new();
    out.insert("type".into(), "record".into());
    if !o.contains_key("name") {
        match event_type.rsplit_once('.') {
            Some((namespace, name)) if !o.contains_key("namespace") => {
                out.insert("name".into(), name.into());
                out.insert("namespace".into(), namespace.into());
            }
            _ => {
                out.insert("name".into(), event_type.into());
            }
        }
    }
    out.extend(o.iter().map(|(k, x)| (k.clone(), x.clone())));
    serde_json::Value::Object(out)
}

/// The other way: a record with nothing but its type, its fields and the event type's name is
/// written in the scenario's short form, `{"fields": [...]}`.
fn short_record(v: &serde_json::Value, event_type: &str) -> serde_json::Value {
    let Some(o) = v.as_object() else { return v.clone() };
    let name = o.get("name").and_then(serde_json::Value::as_str);
    let fullname = match (o.get("namespace").and_then(serde_json::Value::as_str), name) {
        (Some(ns), Some(n)) => format!("{ns}.{n}"),
        (None, Some(n)) => n.to_string(),
        _ => return v.clone(),
    };
    let plain = o.keys().all(|k| matches!(k.as_str(), "type" | "name" | "namespace" | "fields"));
    match o.get("fields") {
        Some(fields) if plain && o.get("type").is_some_and(|t| t == "record") && fullname == event_type => {
            serde_json::json!({"fields": fields})
        }
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_short_record_is_written_whole_and_read_back_short() {
        let short = json!({"fields": [{"name": "id", "type": "string"}]});
        let whole = full_record(&short, "OrderPlaced");
        assert_eq!(
            whole,
            json!({"type": "record", "name": "OrderPlaced", "fields": [{"name": "id", "type": "string"}]})
        );
        assert_eq!(short_record(&whole, "OrderPlaced"), short);
        let dotted = full_record(&short, "shop.order.placed");
        assert_eq!((&dotted["namespace"], &dotted["name"]), (&json!("shop.order"), &json!("placed")));
        assert_eq!(short_record(&dotted, "shop.order.placed"), short);
        // A record with more to it, or another name, stays as it is.
        let documented = json!({"type": "record", "name": "OrderPlaced", "doc": "d", "fields": []});
        assert_eq!(short_record(&documented, "OrderPlaced"), documented);
        assert_eq!(short_record(&whole, "Other"), whole);
        assert_eq!(full_record(&documented, "OrderPlaced"), documented);
    }
}
