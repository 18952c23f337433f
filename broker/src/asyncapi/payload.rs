//! A message's payload as a version of its event type's schema (an Avro record). An Avro
//! payload (AsyncAPI's multi-format schema with `schemaFormat: application/vnd.apache.avro...`,
//! or a 2.6 message's `schemaFormat`) is taken as it is, once Brokerlab's Avro reader accepts
//! it. A JSON Schema payload (AsyncAPI's default format) that describes an object with
//! properties becomes a record field by field:
//!
//! | JSON Schema | Avro |
//! |---|---|
//! | `string` (`enum` of names: an Avro `enum`) | `string` |
//! | `integer` (`format: int32`: `int`) | `long` |
//! | `number` (`format: float`: `float`) | `double` |
//! | `boolean`, `null` | the same |
//! | `object` with `properties` / with only `additionalProperties` | a nested `record` / a `map` |
//! | `array` with one `items` schema | an `array` |
//! | a `type` list with `"null"`, `nullable: true`, a property not `required` | a union with `"null"` first, default `null` |
//! | `oneOf` / `anyOf` of such schemas | a union |
//!
//! What has no Avro type (a free-form object, an array without `items`, a name Avro does not
//! allow, `allOf` inside a property, another schema format) is left out and reported.

use serde_json::{json, Map, Value};

use super::import::Unmapped;
use super::read::{deref, shown};
use crate::schema::avro::MAX_DEPTH;
use crate::schema::Record;

/// A payload's schema format, as far as the import is concerned.
enum Format {
    Avro,
    JsonSchema,
    Other(String),
}

fn format_of(name: Option<&str>) -> Format {
    match name {
        None => Format::JsonSchema,
        Some(f) => {
            let f = f.to_ascii_lowercase();
            if f.starts_with("application/vnd.apache.avro") {
                Format::Avro
            } else if f.starts_with("application/vnd.aai.asyncapi")
                || f.starts_with("application/schema+json")
                || f.starts_with("application/schema+yaml")
                || f.starts_with("application/vnd.oai.openapi")
            {
                Format::JsonSchema
            } else {
                Format::Other(f)
            }
        }
    }
}

/// The Avro record a message's payload describes, if it describes one. `message_format` is a
/// 2.6 message's `schemaFormat`; `path` is the message's path, for what is reported.
pub(crate) fn record_of(
    root: &Value,
    message: &Value,
    event_type: &str,
    path: &str,
    unmapped: &mut Vec<Unmapped>,
) -> Option<Value> {
    let payload = message.get("payload")?;
    let at = format!("{path}.payload");
    let mut note = |p: String, why: String| unmapped.push(Unmapped { path: p, why });
    let payload = match deref(root, payload, None) {
        Ok((v, _)) => v,
        Err(why) => {
            note(at, why);
            return None;
        }
    };
    // AsyncAPI 3.0's multi-format schema, or a 2.6 message's own schemaFormat.
    let (format, schema, schema_at) = match (payload.get("schemaFormat"), payload.get("schema")) {
        (Some(f), Some(s)) => (format_of(f.as_str()), s, format!("{at}.schema")),
        _ => (format_of(message.get("schemaFormat").and_then(Value::as_str)), payload, at.clone()),
    };
    let schema = match deref(root, schema, None) {
        Ok((v, _)) => v,
        Err(why) => {
            note(schema_at, why);
            return None;
        }
    };
    let record = match format {
        Format::Other(f) => {
            note(at, format!("a payload in the format {} is not read (Avro and JSON Schema are)", shown(&f)));
            return None;
        }
        Format::Avro => schema.clone(),
        Format::JsonSchema => {
            let mut conv = Convert { root, unmapped: Vec::new(), names: Vec::new(), budget: MAX_TYPES };
            let record = conv.top(schema, event_type, &schema_at);
            unmapped.append(&mut conv.unmapped);
            record?
        }
    };
    match Record::read(&record, event_type) {
        Ok(_) => Some(record),
        Err((inner, why)) => {
            unmapped.push(Unmapped {
                path: format!("{schema_at}{inner}"),
                why: format!("not a schema Brokerlab reads: {why}"),
            });
            None
        }
    }
}

/// Avro's names: a letter or `_`, then letters, digits or `_`.
fn avro_name(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name Avro allows, made from any text: other characters become `_`.
fn as_avro_name(n: &str) -> String {
    let mut out: String = n.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

struct Convert<'a> {
    root: &'a Value,
    unmapped: Vec<Unmapped>,
    /// The record and enum names given so far: Avro's names are unique within a schema.
    names: Vec<String>,
    /// How many more types one payload may have: a schema whose properties refer back to it
    /// several times would otherwise take forever to unfold.
    budget: usize,
}

/// The most types one payload's conversion looks at.
const MAX_TYPES: usize = 2_000;

impl Convert<'_> {
    fn note(&mut self, path: &str, why: impl Into<String>) {
        self.unmapped.push(Unmapped { path: path.to_string(), why: why.into() });
    }

    fn fresh_name(&mut self, wanted: &str) -> String {
        let base = as_avro_name(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.names.push(name.clone());
        name
    }

    /// The payload: a record when it is an object with properties; nothing (and nothing to
    /// report) when it is an object it does not describe.
    fn top(&mut self, schema: &Value, event_type: &str, at: &str) -> Option<Value> {
        let (props, required) = self.properties(schema, at, 0)?;
        if props.is_empty() {
            let kind = schema.get("type").and_then(Value::as_str).unwrap_or("object");
            if kind != "object" {
                self.note(
                    at,
                    format!(
                        "a payload of type {}, not an object with properties: no schema is made of it",
                        shown(kind)
                    ),
                );
            }
            return None;
        }
        let name = self.fresh_name(event_type);
        let fields = self.fields(&props, &required, &name, at, 1);
        Some(json!({"type": "record", "name": name, "fields": fields}))
    }

    /// An object schema's properties and required names, `allOf` parts merged.
    fn properties(&mut self, schema: &Value, at: &str, depth: usize) -> Option<(Map<String, Value>, Vec<String>)> {
        let mut props = Map::new();
        let mut required: Vec<String> = Vec::new();
        if let Some(Value::Object(p)) = schema.get("properties") {
            props.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        if let Some(Value::Array(r)) = schema.get("required") {
            required.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            if depth >= MAX_DEPTH {
                self.note(at, "nested too deep");
                return None;
            }
            for (i, part) in parts.iter().enumerate() {
                if self.budget == 0 {
                    self.note(at, format!("the payload has more than {MAX_TYPES} types once its references are followed: no schema is made of it"));
                    return None;
                }
                self.budget -= 1;
                let part_at = format!("{at}.allOf[{i}]");
                match deref(self.root, part, None) {
                    Ok((p, _)) => {
                        let (more, req) = self.properties(p, &part_at, depth + 1)?;
                        props.extend(more);
                        required.extend(req);
                    }
                    Err(why) => self.note(&part_at, why),
                }
            }
        }
        Some((props, required))
    }

    fn fields(
        &mut self,
        props: &Map<String, Value>,
        required: &[String],
        parent: &str,
        at: &str,
        depth: usize,
    ) -> Vec<Value> {
        let mut fields = Vec::new();
        for (name, schema) in props {
            let field_at = crate::scenario::quoted::key_path(&format!("{at}.properties"), name);
            if !avro_name(name) {
                self.note(
                    &field_at,
                    format!(
                        "{} is not an Avro name (a letter or _, then letters, digits or _): the field is left out",
                        shown(name)
                    ),
                );
                continue;
            }
            let Some((ty, nullable)) = self.ty(schema, &format!("{parent}_{name}"), &field_at, depth) else { continue };
            let mut field = Map::new();
            field.insert("name".into(), Value::from(name.as_str()));
            if nullable || !required.contains(name) {
                field.insert("type".into(), with_null(ty));
                field.insert("default".into(), Value::Null);
            } else {
                field.insert("type".into(), ty);
            }
            fields.push(Value::Object(field));
        }
        fields
    }

    /// A property's type, and whether it may be null.
    fn ty(&mut self, schema: &Value, name: &str, at: &str, depth: usize) -> Option<(Value, bool)> {
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        if self.budget == 0 {
            self.note(at, format!("the payload has more than {MAX_TYPES} types once its references are followed: the rest is left out"));
            return None;
        }
        if depth >= MAX_DEPTH {
            self.note(at, "nested too deep (or a schema that contains itself): left out");
            return None;
        }
        let schema = match deref(self.root, schema, None) {
            Ok((v, _)) => v,
            Err(why) => {
                self.note(at, why);
                return None;
            }
        };
        let Some(obj) = schema.as_object() else {
            self.note(at, "a schema must be an object: left out");
            return None;
        };
        let mut nullable = obj.get("nullable") == Some(&Value::Bool(true));
        let kind: Option<String> = match obj.get("type") {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Array(ts)) => {
                let ts: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
                nullable |= ts.contains(&"null");
                let rest: Vec<&str> = ts.into_iter().filter(|t| *t != "null").collect();
                match rest.as_slice() {
                    [] => Some("null".into()),
                    [one] => Some(one.to_string()),
                    many => {
                        self.note(at, format!("a property of several types ({}) is left out", many.join(", ")));
                        return None;
                    }
                }
            }
            _ => None,
        };
        let kind = kind.or_else(|| {
            if obj.contains_key("properties") {
                Some("object".into())
            } else if let Some(Value::Array(values)) = obj.get("enum") {
                values.iter().all(Value::is_string).then(|| "string".into())
            } else {
                None
            }
        });
        let ty = match kind.as_deref() {
            Some("string") => match obj.get("enum").and_then(Value::as_array) {
                Some(values) if values.iter().all(|v| v.as_str().is_some_and(avro_name)) && !values.is_empty() => {
                    let symbols: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
                    json!({"type": "enum", "name": self.fresh_name(name), "symbols": symbols})
                }
                Some(_) => {
                    self.note(at, "its enum values are not all Avro symbols: read as a string");
                    json!("string")
                }
                None => json!("string"),
            },
            Some("integer") => {
                json!(if obj.get("format").and_then(Value::as_str) == Some("int32") { "int" } else { "long" })
            }
            Some("number") => {
                json!(if obj.get("format").and_then(Value::as_str) == Some("float") { "float" } else { "double" })
            }
            Some("boolean") => json!("boolean"),
            Some("null") => return Some((json!("null"), false)),
            Some("array") => {
                let Some(items) = obj.get("items").filter(|i| i.is_object()) else {
                    self.note(at, "an array without one `items` schema has no Avro type: left out");
                    return None;
                };
                let (item, item_null) = self.ty(items, &format!("{name}_item"), &format!("{at}.items"), depth + 1)?;
                json!({"type": "array", "items": if item_null { with_null(item) } else { item }})
            }
            Some("object") => {
                let (props, required) = self.properties(schema, at, depth)?;
                if !props.is_empty() {
                    let record = self.fresh_name(name);
                    let fields = self.fields(&props, &required, &record, at, depth + 1);
                    json!({"type": "record", "name": record, "fields": fields})
                } else if let Some(values) = obj.get("additionalProperties").filter(|v| v.is_object()) {
                    let (v, v_null) =
                        self.ty(values, &format!("{name}_value"), &format!("{at}.additionalProperties"), depth + 1)?;
                    json!({"type": "map", "values": if v_null { with_null(v) } else { v }})
                } else {
                    self.note(
                        at,
                        "a free-form object (no properties, no additionalProperties schema) has no Avro type: left out",
                    );
                    return None;
                }
            }
            Some(other) => {
                self.note(at, format!("the type {} has no Avro type: left out", shown(other)));
                return None;
            }
            None => match obj.get("oneOf").or_else(|| obj.get("anyOf")).and_then(Value::as_array) {
                Some(branches) => {
                    let mut union: Vec<Value> = Vec::new();
                    for (i, b) in branches.iter().enumerate() {
                        let (t, b_null) = self.ty(b, &format!("{name}_{i}"), &format!("{at}.oneOf[{i}]"), depth + 1)?;
                        nullable |= b_null;
                        if t == json!("null") {
                            nullable = true;
                        } else if !union.contains(&t) {
                            union.push(t);
                        }
                    }
                    match union.len() {
                        0 => json!("null"),
                        1 => union.remove(0),
                        _ => Value::Array(union),
                    }
                }
                None => {
                    self.note(at, "no type Brokerlab can turn into Avro: left out");
                    return None;
                }
            },
        };
        Some((ty, nullable))
    }
}

/// `t` or null: a union with `"null"` first, so that its default can be null.
fn with_null(t: Value) -> Value {
    match t {
        Value::Array(mut branches) => {
            branches.retain(|b| b != "null");
            branches.insert(0, json!("null"));
            Value::Array(branches)
        }
        t if t == "null" => t,
        t => json!(["null", t]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(payload: Value) -> (Option<Value>, Vec<String>) {
        let message = json!({"payload": payload});
        let mut unmapped = Vec::new();
        let r = record_of(&json!({}), &message, "OrderPlaced", "m", &mut unmapped);
        (r, unmapped.iter().map(|u| u.to_string()).collect())
    }

    #[test]
    fn a_json_schema_object_becomes_an_avro_record() {
        let (r, lines) = convert(json!({"type": "object", "required": ["order_id", "amount", "status", "lines"],
            "properties": {
                "order_id": {"type": "string"}, "amount": {"type": "number"}, "qty": {"type": "integer", "format": "int32"},
                "paid": {"type": "boolean"}, "status": {"type": "string", "enum": ["NEW", "PAID"]},
                "note": {"type": ["string", "null"]},
                "lines": {"type": "array", "items": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}}},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}}}}));
        assert!(lines.is_empty(), "{lines:?}");
        let r = r.unwrap();
        let field = |n: &str| r["fields"].as_array().unwrap().iter().find(|f| f["name"] == n).unwrap().clone();
        assert_eq!(field("order_id"), json!({"name": "order_id", "type": "string"}));
        assert_eq!(field("amount")["type"], "double");
        assert_eq!(
            field("qty"),
            json!({"name": "qty", "type": ["null", "int"], "default": null}),
            "not required: optional"
        );
        assert_eq!(
            field("status")["type"],
            json!({"type": "enum", "name": "OrderPlaced_status", "symbols": ["NEW", "PAID"]})
        );
        assert_eq!(field("note")["type"], json!(["null", "string"]));
        assert_eq!(field("lines")["type"]["items"]["fields"][0], json!({"name": "sku", "type": "string"}));
        assert_eq!(field("tags")["type"], json!(["null", {"type": "map", "values": "string"}]));
        assert!(Record::read(&r, "OrderPlaced").is_ok());
    }

    #[test]
    fn what_has_no_avro_type_is_left_out_and_said() {
        let (r, lines) = convert(json!({"type": "object", "properties": {
            "ok": {"type": "string"}, "bad-name": {"type": "string"}, "blob": {"type": "object"},
            "list": {"type": "array"}, "when": {"type": "string", "enum": ["a b"]}}}));
        let r = r.unwrap();
        let names: Vec<&str> = r["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["ok", "when"]);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(
            lines.iter().any(|l| l.starts_with("m.payload.properties.bad-name: ") && l.contains("not an Avro name")),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.starts_with("m.payload.properties.blob: a free-form object")));
        assert!(lines.iter().any(|l| l.starts_with("m.payload.properties.list: an array without")));
    }

    #[test]
    fn an_avro_payload_is_taken_as_it_is_once_it_reads() {
        let avro = json!({"type": "record", "name": "OrderPlaced", "fields": [{"name": "id", "type": "string"}]});
        let (r, lines) = convert(json!({"schemaFormat": AVRO, "schema": avro.clone()}));
        assert_eq!((r, lines.len()), (Some(avro), 0));
        let (r, lines) = convert(
            json!({"schemaFormat": AVRO, "schema": {"type": "record", "name": "X", "fields": [{"name": "id", "type": "fixed"}]}}),
        );
        assert!(r.is_none());
        assert!(lines[0].starts_with("m.payload.schema.fields[0].type: not a schema Brokerlab reads"), "{lines:?}");
        let (r, lines) = convert(json!({"schemaFormat": "application/x-protobuf", "schema": "message X {}"}));
        assert!(r.is_none() && lines[0].contains("is not read"), "{lines:?}");
    }

    const AVRO: &str = super::super::AVRO_FORMAT;

    #[test]
    fn a_schema_that_refers_to_itself_everywhere_is_cut_short() {
        let props: Map<String, Value> = (0..10).map(|i| (format!("p{i}"), json!({"$ref": "#/S"}))).collect();
        let parts: Vec<Value> = (0..10).map(|_| json!({"$ref": "#/A"})).collect();
        let root = json!({"S": {"type": "object", "properties": props}, "A": {"type": "object", "allOf": parts}});
        for payload in ["#/S", "#/A"] {
            let message = json!({"payload": {"$ref": payload}});
            let mut unmapped = Vec::new();
            let started = std::time::Instant::now();
            let _ = record_of(&root, &message, "E", "m", &mut unmapped);
            assert!(started.elapsed().as_secs() < 5, "{payload}");
            assert!(
                payload == "#/A" || unmapped.iter().any(|u| u.why.contains("more than 2000 types")),
                "{unmapped:?}"
            );
        }
    }

    #[test]
    fn an_object_it_does_not_describe_makes_no_schema_and_no_complaint() {
        assert_eq!(convert(json!({"type": "object", "description": "anything"})), (None, Vec::new()));
        let (r, lines) = convert(json!({"type": "string"}));
        assert!(r.is_none() && lines.len() == 1, "{lines:?}");
    }
}
