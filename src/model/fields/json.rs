//! A field's value on a node's (or wire's) JSON object, as text: `read` shows it the way
//! people type it, `write` takes what they typed (or says why not), `visible` hides the
//! parameters of a variant, fault or settings object that is off, and `template` is a new
//! node with teaching defaults.

use broker::scenario::json::object;
use serde_json::{json, Map, Value};

use super::catalogue::{fields_for, kind_of, Field, Input::*};

fn is_entry(e: &Value, name: &str) -> bool {
    e.as_object().is_some_and(|o| o.len() == 1 && o.contains_key(name))
}

/// The value at a field path; `null` counts as absent. A number steps into an array
/// (`/publishes/0/on`).
fn get<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = obj;
    for s in path.split('/').skip(1) {
        v = match (s.strip_prefix('@'), v, s.parse::<usize>()) {
            (Some(name), ..) => v.as_array()?.iter().find(|e| is_entry(e, name))?.get(name)?,
            (None, Value::Array(a), Ok(i)) => a.get(i)?,
            _ => v.get(s)?,
        };
    }
    Some(v).filter(|v| !v.is_null())
}

/// The object at `head`, creating objects, fault entries and array entries on the way (an
/// array is filled with empty objects up to the index).
fn dig<'a>(mut v: &'a mut Value, head: &str) -> &'a mut Map<String, Value> {
    for s in head.split('/').skip(1) {
        v = match (s.strip_prefix('@'), s.parse::<usize>()) {
            (None, Ok(i)) => {
                if !v.is_array() {
                    *v = json!([]);
                }
                let arr = v.as_array_mut().unwrap();
                while arr.len() <= i {
                    arr.push(json!({}));
                }
                &mut arr[i]
            }
            (Some(name), _) => {
                if !v.is_array() {
                    *v = json!([]);
                }
                let arr = v.as_array_mut().unwrap();
                let i = match arr.iter().position(|e| is_entry(e, name)) {
                    Some(i) => i,
                    None => {
                        arr.push(json!({ name: {} }));
                        arr.len() - 1
                    }
                };
                &mut arr[i][name]
            }
            (None, Err(_)) => {
                if !v.is_object() {
                    *v = json!({});
                }
                v.as_object_mut().unwrap().entry(s).or_insert(Value::Null)
            }
        };
    }
    if !v.is_object() {
        *v = json!({});
    }
    v.as_object_mut().unwrap()
}

/// The field that switches `f` on (a Variant, Fault or Toggle whose path is a prefix of f's):
/// the innermost, where one is inside another (a read model's readers, then their timing).
pub(super) fn gate(obj: &Value, f: &Field) -> Option<&'static Field> {
    fields_for(kind_of(obj)).iter().rev().find(|g| {
        matches!(g.input, Variant(_) | Fault(..) | Toggle(_))
            && f.path.len() > g.path.len()
            && f.path.starts_with(g.path)
            && f.path.as_bytes()[g.path.len()] == b'/'
    })
}

/// Whether the field is shown for this object: a parameter of a variant, fault or optional
/// settings object only while that variant is chosen or that fault or object is on; a
/// consumer's publish settings once it has a rule (it is a service), a rule's once it exists, a
/// saga step's for the steps its saga has.
pub fn visible(obj: &Value, f: &Field) -> bool {
    // A saga step's setting, for a step the saga has.
    if let Some(rest) = f.path.strip_prefix("/orchestrates/steps/") {
        let slot: usize = rest.split('/').next().and_then(|k| k.parse().ok()).unwrap_or(0);
        let steps = obj.get("orchestrates").and_then(|o| o.get("steps")).and_then(Value::as_array);
        return steps.is_some_and(|s| s.len() > slot);
    }
    let rule = match f.path.strip_prefix("/publish") {
        Some(rest) if kind_of(obj) == "consumer" => {
            let slot = rest.strip_prefix("es/").and_then(|r| r.split('/').next()?.parse().ok()).unwrap_or(0);
            crate::model::service::rules(obj).len() > slot
        }
        _ => true,
    };
    rule && (gate(obj, f).is_none() || get(obj, &f.path[..f.path.rfind('/').unwrap_or(0)]).is_some())
}

fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Some(x) => broker::decimal::plain(x),
        None => String::new(),
    }
}

/// A number as people type it: "1.5", ".5", "2.", "+3", "1e3". Read as a file's number is
/// (after tidying the forms JSON does not allow), correctly rounded; Rust's own float parser
/// would add its tables to the wasm.
pub fn parse_number(t: &str) -> Option<f64> {
    let t = t.strip_prefix('+').unwrap_or(t);
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t),
    };
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let mut s = format!("{sign}{}{body}", if body.starts_with('.') { "0" } else { "" });
    if s.ends_with('.') {
        s.push('0');
    }
    broker::scenario::json::number(&s)
}

/// A JSON value as compact text, for showing it in a field. Written here rather than with
/// serde_json's serializer, which would bring a second float formatter into the wasm.
pub fn json_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_text(n),
        Value::String(s) => broker::link::json_string(s),
        Value::Array(a) => format!("[{}]", a.iter().map(json_text).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            let pairs: Vec<String> =
                m.iter().map(|(k, v)| format!("{}: {}", broker::link::json_string(k), json_text(v))).collect();
            format!("{{{}}}", pairs.join(", "))
        }
    }
}

/// The field's current value as text for an input ("" when absent).
pub fn read(obj: &Value, f: &Field) -> String {
    let v = get(obj, f.path);
    match (&f.input, v) {
        (Bool | Fault(..) | Toggle(_), v) => {
            let on = if matches!(f.input, Bool) { v.and_then(Value::as_bool).unwrap_or(false) } else { v.is_some() };
            on.to_string()
        }
        (_, None) => String::new(),
        (Variant(_), Some(Value::Object(m))) => m.keys().next().cloned().unwrap_or_default(),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(Value::Number(n))) => number_text(n),
        (_, Some(Value::Array(a))) => {
            a.iter().map(|x| x.as_str().map_or_else(|| json_text(x), str::to_string)).collect::<Vec<_>>().join(", ")
        }
        (_, Some(other)) => json_text(other),
    }
}

fn choose(options: impl Iterator<Item = &'static str>, text: &str) -> Result<(), String> {
    let all: Vec<&str> = options.collect();
    if all.contains(&text) {
        Ok(())
    } else {
        Err(format!("Choose one of: {}", all.join(", ")))
    }
}

fn on_off(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        _ => Err("Enter true or false".into()),
    }
}

/// Parse `text` as the field's input type and write it into `obj`; empty text removes an
/// optional setting so the core's default applies. On a type error `obj` is left unchanged.
pub fn write(obj: &mut Value, f: &Field, text: &str) -> Result<(), String> {
    let t = text.trim();
    let ms = f.unit == "ms";
    // The new value, or None to remove the setting.
    let value: Option<Value> = match &f.input {
        _ if t.is_empty() && !matches!(f.input, Fault(..) | Toggle(_)) => None,
        Int => Some(t.parse::<i64>().map(Value::from).map_err(|_| {
            if ms { "Enter a whole number of milliseconds, e.g. 1000" } else { "Enter a whole number, e.g. 10" }
                .to_string()
        })?),
        Number => {
            let x = parse_number(t).filter(|x| x.is_finite()).ok_or_else(|| {
                if ms { "Enter a number of milliseconds, e.g. 150" } else { "Enter a number, e.g. 0.5" }.to_string()
            })?;
            Some(if x.fract() == 0.0 && x.abs() < 1e15 { Value::from(x as i64) } else { Value::from(x) })
        }
        Bool => Some(Value::Bool(on_off(t)?)),
        Text | NodeRef(_) => Some(Value::from(text)),
        Choice(opts) => {
            choose(opts.iter().map(|o| o.0), t)?;
            Some(Value::from(t))
        }
        List { range } => {
            let names: Vec<&str> = t.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            Some(if t.contains(',') || (*range && !t.contains("..")) { Value::from(names) } else { Value::from(t) })
        }
        Variant(opts) => {
            choose(opts.iter().map(|o| o.0), t)?;
            if get(obj, f.path).and_then(Value::as_object).is_some_and(|m| m.len() == 1 && m.contains_key(t)) {
                return Ok(());
            }
            let params = opts.iter().find(|o| o.0 == t).map_or("{}", |o| o.2);
            Some(object([(t, broker::scenario::json::read(params).unwrap_or_default())]))
        }
        Fault(name, params) => {
            let on = on_off(t)?;
            if on == get(obj, f.path).is_some() {
                return Ok(());
            }
            let root = dig(obj, "");
            let faults = root.entry("faults").or_insert(json!([]));
            if !faults.is_array() {
                *faults = json!([]);
            }
            let list = faults.as_array_mut().unwrap();
            if on {
                list.push(object([(*name, broker::scenario::json::read(params).unwrap_or_default())]));
            } else {
                list.retain(|e| !is_entry(e, name));
            }
            if list.is_empty() {
                root.remove("faults");
            }
            return Ok(());
        }
        Toggle(params) => {
            let on = on_off(t)?;
            if on == get(obj, f.path).is_some() {
                return Ok(());
            }
            on.then(|| broker::scenario::json::read(params).unwrap_or_default())
        }
    };
    let (head, last) = f.path.rsplit_once('/').unwrap_or(("", f.path));
    if value.is_none() && get(obj, head).is_none() {
        return Ok(());
    }
    // A short wire ["from", "to"] becomes an object before it takes settings.
    if let Some([from, to]) = obj.as_array().map(Vec::as_slice) {
        *obj = object([("from", from.clone()), ("to", to.clone())]);
    }
    // A rule typed into a slot it does not have yet starts as a whole rule, which publishes.
    let fresh = (value.is_some() && head.starts_with("/publishes/") && get(obj, head).is_none())
        .then(|| crate::model::service::new_rule(obj.get("id").and_then(Value::as_str).unwrap_or("")));
    let map = dig(obj, head);
    if let Some(Value::Object(rule)) = fresh {
        *map = rule;
    }
    match value {
        Some(v) => {
            // A poison fault names exactly one kind of poison: filling one clears the others.
            if head == "/faults/@poison" {
                map.clear();
            }
            map.insert(last.to_string(), v);
        }
        None => {
            map.remove(last);
        }
    }
    Ok(())
}

/// A new node of `kind` with id `id`, with teaching defaults that are valid once wired. A
/// "service" is a consumer with a rule.
pub fn template(kind: &str, id: &str) -> Value {
    let settings = match kind {
        "producer" => {
            r#"{"arrivals": {"fixed": {"interval_ms": 200}}, "count": 20, "event_type": "OrderPlaced", "keys": "order-1..order-5"}"#
        }
        "exchange" => r#"{"type": "fanout"}"#,
        "queue" => r#"{"prefetch": 1}"#,
        "topic" => r#"{"partitions": 3}"#,
        "read_model" => r#"{"readers": {"share": 1, "after": {"uniform": {"min_ms": 0, "max_ms": 1000}}}}"#,
        "consumer" => {
            r#"{"semantics": "at-least-once", "processing": {"fixed": {"ms": 150}}, "effect": "charge card"}"#
        }
        "service" => {
            r#"{"semantics": "at-least-once", "processing": {"fixed": {"ms": 150}}, "effect": "charge card", "publishes": [{"publish": ["PaymentCaptured"]}]}"#
        }
        _ => "{}",
    };
    let kind = if kind == "service" { "consumer" } else { kind };
    let mut node = object([("id", Value::from(id)), ("kind", Value::from(kind))]);
    if let (Some(node), Ok(Value::Object(settings))) = (node.as_object_mut(), broker::scenario::json::read(settings)) {
        node.extend(settings);
    }
    node
}
