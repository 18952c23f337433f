//! The document: the scenario the user is editing, as the JSON the format describes. It is
//! kept as JSON (not the core's typed `Scenario`) so that it can hold what the user typed
//! even while the core would refuse it: a negative prefetch stays in the document, shown
//! next to its field, and the player keeps running the last scenario that validated.
//!
//! ```text
//!   gesture ──▶ doc edit (add, move, wire, set field, delete) ──▶ new document
//!                                                                   │ validate (core)
//!                                     problems next to fields ◀─────┤
//!                                     player (last valid model) ◀───┘
//! ```
//!
//! Every edit is a pure function from a document to a new one, so undo and redo are a stack
//! of documents.

use broker::scenario::json::object;
use serde_json::{json, Map, Value};

use super::service;

/// Positions snap to this grid, in canvas units.
pub const GRID: f64 = 20.0;
/// A node's box on the canvas, in canvas units: room for a 12-character name at 17 units and
/// two status lines at 14 above the tokens that wait inside it (the bottom 34 units).
pub const NODE_W: f64 = 160.0;
pub const NODE_H: f64 = 100.0;
/// The automatic layout's steps, on the grid: a column (a box and a wire long enough to watch
/// a token glide along) and a row.
pub const COLUMN_STEP: f64 = NODE_W + 60.0;
pub const ROW_STEP: f64 = NODE_H + 40.0;
/// How far one arrow key press moves a node.
pub const NUDGE: f64 = GRID;

pub const MAX_NODES: usize = 200;
pub const MAX_WIRES: usize = 1_000;

pub fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}

/// The nodes, or an empty slice when the document has none.
pub fn nodes(doc: &Value) -> &[Value] {
    doc.get("nodes").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

pub fn wires(doc: &Value) -> &[Value] {
    doc.get("wires").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

pub fn node_id(node: &Value) -> &str {
    node.get("id").and_then(Value::as_str).unwrap_or("")
}

/// A node's kind as the format spells it ("dlq" read as "dead_letter_queue").
pub fn node_kind(node: &Value) -> &str {
    match node.get("kind").and_then(Value::as_str).unwrap_or("") {
        "dlq" => "dead_letter_queue",
        k => k,
    }
}

pub fn find_node<'a>(doc: &'a Value, id: &str) -> Option<(usize, &'a Value)> {
    nodes(doc).iter().enumerate().find(|(_, n)| node_id(n) == id)
}

pub fn wire_ends(wire: &Value) -> (&str, &str) {
    let end = |k: &str| wire.get(k).and_then(Value::as_str).unwrap_or("");
    (end("from"), end("to"))
}

/// The label people read: "Queue", "Dead-letter queue", ...
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "producer" => "Producer",
        "exchange" => "Exchange",
        "queue" => "Queue",
        "topic" => "Topic",
        "consumer" => "Consumer",
        "service" => "Service",
        "orchestrator" => "Orchestrator",
        "requester" => "Requester",
        "dead_letter_queue" => "Dead-letter queue",
        "read_model" => "Read model",
        "broker" => "Broker",
        _ => "Node",
    }
}

/// The palette, in the order it is shown: (kind, label). A service is a consumer with a rule.
pub const PALETTE: [(&str, &str); 9] = [
    ("producer", "Producer"),
    ("exchange", "Exchange"),
    ("queue", "Queue"),
    ("topic", "Topic"),
    ("consumer", "Consumer"),
    ("service", "Service"),
    ("dead_letter_queue", "Dead-letter queue"),
    ("read_model", "Read model"),
    ("broker", "Broker"),
];

/// Makes a document the editor can work on from any scenario JSON the core reads: wires
/// written as `["a", "b"]` become objects (so their settings can be edited), and every node
/// gets a position (laid out in columns from producers to consumers when the file has none).
pub fn normalise(mut doc: Value) -> Value {
    if !doc.is_object() {
        return doc;
    }
    if let Some(ws) = doc.get_mut("wires").and_then(Value::as_array_mut) {
        for w in ws.iter_mut() {
            if let Some([from, to]) = w.as_array().map(Vec::as_slice) {
                *w = object([("from", from.clone()), ("to", to.clone())]);
            }
        }
    }
    let ids: Vec<String> = nodes(&doc).iter().map(|n| node_id(n).to_owned()).collect();
    let auto = auto_layout(&doc);
    let view = doc.as_object_mut().unwrap().entry("view").or_insert_with(|| json!({}));
    if !view.is_object() {
        *view = json!({});
    }
    let positions = view.as_object_mut().unwrap().entry("positions").or_insert_with(|| json!({}));
    if !positions.is_object() {
        *positions = json!({});
    }
    let positions = positions.as_object_mut().unwrap();
    for (id, at) in ids.iter().zip(auto) {
        let valid =
            positions.get(id).and_then(Value::as_array).is_some_and(|p| p.len() == 2 && p.iter().all(Value::is_number));
        if !valid {
            positions.insert(id.clone(), Value::from(vec![at.0, at.1]));
        }
    }
    doc
}

/// Columns by distance from a producer along the wires (a dead-letter target one column to
/// the right of its source), rows in file order. Columns nothing stands in close up, so a
/// producer wired straight to a queue sits next to it rather than a wire's length away.
fn auto_layout(doc: &Value) -> Vec<(f64, f64)> {
    let ns = nodes(doc);
    let index = |id: &str| ns.iter().position(|n| node_id(n) == id);
    let mut depth: Vec<usize> = ns
        .iter()
        .map(|n| match node_kind(n) {
            "producer" => 0,
            "exchange" => 1,
            // Brokers stand under the topics whose replicas they hold.
            "queue" | "topic" | "broker" => 2,
            "consumer" => 3,
            _ => 1,
        })
        .collect();
    // A few rounds of relaxation are enough for the shapes people draw.
    for _ in 0..4 {
        for w in wires(doc) {
            let (a, b) = wire_ends(w);
            if let (Some(a), Some(b)) = (index(a), index(b)) {
                depth[b] = depth[b].max(depth[a] + 1).min(8);
            }
        }
        for (i, n) in ns.iter().enumerate() {
            if let Some(t) = n.get("dead_letter").and_then(Value::as_str).and_then(index) {
                depth[t] = depth[t].max(depth[i] + 1).min(8);
            }
        }
    }
    let mut used = [false; 9];
    for &d in &depth {
        used[d] = true;
    }
    // A column whose wires carry labels (binding keys, delays) stands further from the next,
    // so each label fits beside its wire rather than over the boxes.
    let mut wider = [0.0f64; 9];
    for w in wires(doc) {
        let (a, _) = wire_ends(w);
        if let Some(a) = index(a) {
            let room = wire_label_width(&wire_label(w)) - (COLUMN_STEP - NODE_W - 16.0);
            wider[depth[a]] = wider[depth[a]].max((room / GRID).ceil() * GRID);
        }
    }
    let left = |d: usize| (0..d).filter(|c| used[*c]).map(|c| COLUMN_STEP + wider[c]).sum::<f64>();
    // The next free height in each column: a topic's partition lines take room below it.
    // Brokers come last in their column, under the topics.
    let mut next_y = [40.0f64; 9];
    let mut at = vec![(0.0, 0.0); ns.len()];
    let (brokers, others): (Vec<usize>, Vec<usize>) = (0..ns.len()).partition(|&i| node_kind(&ns[i]) == "broker");
    for i in others.into_iter().chain(brokers) {
        let d = depth[i];
        at[i] = (40.0 + left(d), next_y[d]);
        next_y[d] += ((ROW_STEP + below(doc, &ns[i])) / GRID).ceil() * GRID;
    }
    at
}

/// The height of what is drawn under a node's box: a topic's partition lines (at most six,
/// then a "+N more" line), two per partition when the document has brokers (the second says
/// where its replicas are).
pub fn below(doc: &Value, n: &Value) -> f64 {
    if node_kind(n) == "read_model" {
        return PARTITION_LINE * (TABLE_ROWS + 1) as f64 + 6.0;
    }
    if node_kind(n) != "topic" {
        return 0.0;
    }
    let partitions = n.get("partitions").and_then(Value::as_u64).unwrap_or(1).clamp(1, 7);
    let per = if nodes(doc).iter().any(|n| node_kind(n) == "broker") { 2.0 } else { 1.0 };
    PARTITION_LINE * (partitions as f64 * per - (per - 1.0) * f64::from(partitions == 7)) + 6.0
}

/// One partition line's height under a topic, in canvas units.
pub const PARTITION_LINE: f64 = 17.0;

/// The most rows a read model's table shows under its box (after its header).
pub const TABLE_ROWS: usize = 5;

/// How wide a node's drawing is: its box, or a read model's table under it when that is
/// wider (24 characters of 13-unit monospace).
pub fn width(n: &Value) -> f64 {
    if node_kind(n) == "read_model" {
        190.0
    } else {
        NODE_W
    }
}

/// The words on a wire: its binding key and its delay ("key order.*, 20 ms").
pub fn wire_label(w: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(k) = w.get("binding_key").and_then(Value::as_str) {
        parts.push(format!("key {k}"));
    }
    if let Some(d) = w.get("delay_ms").and_then(Value::as_f64).filter(|d| *d > 0.0) {
        parts.push(format!("{} ms", broker::decimal::Plain(d)));
    }
    parts.join(", ")
}

/// Canvas units a wire's label takes (13-unit text and a little air).
pub fn wire_label_width(label: &str) -> f64 {
    if label.is_empty() {
        0.0
    } else {
        crate::model::text_width::em_width(label, false) * 13.0 + 8.0
    }
}

/// A node's position (top-left corner of its box).
pub fn position(doc: &Value, id: &str) -> (f64, f64) {
    doc.pointer("/view/positions")
        .and_then(|p| p.get(id))
        .and_then(Value::as_array)
        .and_then(|p| Some((p.first()?.as_f64()?, p.get(1)?.as_f64()?)))
        .unwrap_or((0.0, 0.0))
}

fn positions_mut(doc: &mut Value) -> &mut Map<String, Value> {
    let obj = doc.as_object_mut().expect("a document is an object");
    let view = obj.entry("view").or_insert_with(|| json!({"positions": {}}));
    if !view.is_object() {
        *view = json!({});
    }
    let positions = view.as_object_mut().unwrap().entry("positions").or_insert_with(|| json!({}));
    if !positions.is_object() {
        *positions = json!({});
    }
    positions.as_object_mut().unwrap()
}

pub fn set_position(doc: &mut Value, id: &str, at: (f64, f64)) {
    let clamp = |v: f64| snap(v.clamp(-100_000.0, 100_000.0));
    positions_mut(doc).insert(id.to_owned(), Value::from(vec![clamp(at.0), clamp(at.1)]));
}

/// An id not yet taken: "queue", then "queue-2", "queue-3", ...
pub fn fresh_id(doc: &Value, kind: &str) -> String {
    let base = match kind {
        "dead_letter_queue" => "dlq",
        "read_model" => "view",
        k => k,
    };
    let taken = |id: &str| find_node(doc, id).is_some();
    if kind == "broker" {
        // Brokers are numbered as a cluster's are: b1, b2, b3, ...
        return (1..).map(|n| format!("b{n}")).find(|id| !taken(id)).unwrap();
    }
    if !taken(base) {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base}-{n}")).find(|id| !taken(id)).unwrap()
}

/// Adds a node of `kind` with the palette's defaults at `at` (snapped); returns its id.
pub fn add_node(doc: &mut Value, kind: &str, at: (f64, f64)) -> Result<String, String> {
    if nodes(doc).len() >= MAX_NODES {
        return Err(format!("A scenario holds at most {MAX_NODES} nodes."));
    }
    let id = fresh_id(doc, kind);
    let node = crate::model::fields::template(kind, &id);
    array_mut(doc, "nodes").push(node);
    set_position(doc, &id, at);
    Ok(id)
}

fn array_mut<'a>(doc: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    let obj = doc.as_object_mut().expect("a document is an object");
    let v = obj.entry(key).or_insert_with(|| json!([]));
    if !v.is_array() {
        *v = json!([]);
    }
    v.as_array_mut().unwrap()
}

/// Where a new node goes when it is added without a drop point: right of everything, on
/// the first free row.
pub fn free_spot(doc: &Value, kind: &str) -> (f64, f64) {
    let column = match kind {
        "producer" => 0.0,
        "exchange" => 1.0,
        "queue" | "topic" => 2.0,
        "consumer" | "service" => 3.0,
        _ => 4.0,
    };
    let x = 40.0 + column * COLUMN_STEP;
    let busy = |y: f64| {
        nodes(doc).iter().any(|n| {
            let (nx, ny) = position(doc, node_id(n));
            (nx - x).abs() < NODE_W && (ny - y).abs() < NODE_H + 10.0
        })
    };
    let y = (0..200).map(|r| 40.0 + r as f64 * ROW_STEP).find(|y| !busy(*y)).unwrap_or(40.0);
    (x, y)
}

/// Removes nodes and everything that points at them: their wires, the actions about them,
/// their positions, and `dead_letter` settings that named them.
pub fn remove_nodes(doc: &mut Value, ids: &[String]) {
    let gone = |s: &str| ids.iter().any(|i| i == s);
    array_mut(doc, "nodes").retain(|n| !gone(node_id(n)));
    array_mut(doc, "wires").retain(|w| {
        let (a, b) = wire_ends(w);
        !gone(a) && !gone(b)
    });
    array_mut(doc, "actions").retain(|a| !action_targets(a).iter().any(|t| gone(t)));
    for n in array_mut(doc, "nodes") {
        if n.get("dead_letter").and_then(Value::as_str).is_some_and(gone) {
            n.as_object_mut().unwrap().remove("dead_letter");
        }
    }
    // Narration points about a removed node keep their moment, or go if that was all.
    if let Some(points) = lesson_points(doc) {
        for p in points.iter_mut() {
            if p.get("node").and_then(Value::as_str).is_some_and(gone) {
                p.as_object_mut().map(|o| o.remove("node"));
            }
        }
        points.retain(|p| p.get("node").is_some() || p.get("at_ms").is_some());
    }
    let positions = positions_mut(doc);
    for id in ids {
        positions.remove(id);
    }
}

/// The lesson narration's points, if the document has any.
fn lesson_points(doc: &mut Value) -> Option<&mut Vec<Value>> {
    doc.get_mut("lesson")?.get_mut("points")?.as_array_mut()
}

/// The node ids an action names.
fn action_targets(action: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    if let Some(obj) = action.as_object() {
        for (k, v) in obj {
            if k == "at_ms" {
                continue;
            }
            for key in ["consumer", "node", "dlq", "to", "topic", "read_model", "broker"] {
                if let Some(s) = v.get(key).and_then(Value::as_str) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// Renames a node and every reference to it. Refuses a blank or taken id.
pub fn rename(doc: &mut Value, from: &str, to: &str) -> Result<(), String> {
    let to = to.trim();
    if to.is_empty() {
        return Err("A name cannot be empty.".into());
    }
    if to.chars().count() > 64 {
        return Err("A name is at most 64 characters.".into());
    }
    if to.chars().any(char::is_control) {
        return Err("A name cannot contain control characters.".into());
    }
    if to == from {
        return Ok(());
    }
    if find_node(doc, to).is_some() {
        return Err(format!("There is already a node called \"{to}\"."));
    }
    let swap = |v: &mut Value| {
        if v.as_str() == Some(from) {
            *v = Value::from(to);
        }
    };
    for n in array_mut(doc, "nodes") {
        if let Some(obj) = n.as_object_mut() {
            for key in ["id", "dead_letter"] {
                if let Some(v) = obj.get_mut(key) {
                    swap(v);
                }
            }
        }
    }
    for w in array_mut(doc, "wires") {
        if let Some(obj) = w.as_object_mut() {
            for key in ["from", "to"] {
                if let Some(v) = obj.get_mut(key) {
                    swap(v);
                }
            }
        }
    }
    for a in array_mut(doc, "actions") {
        if let Some(obj) = a.as_object_mut() {
            for (k, body) in obj.iter_mut() {
                if k == "at_ms" {
                    continue;
                }
                if let Some(b) = body.as_object_mut() {
                    for key in ["consumer", "node", "dlq", "to", "topic", "read_model", "broker"] {
                        if let Some(v) = b.get_mut(key) {
                            swap(v);
                        }
                    }
                }
            }
        }
    }
    for p in lesson_points(doc).into_iter().flatten() {
        if let Some(v) = p.get_mut("node") {
            swap(v);
        }
    }
    let positions = positions_mut(doc);
    if let Some(p) = positions.remove(from) {
        positions.insert(to.to_owned(), p);
    }
    Ok(())
}

/// Adds a wire from `from` to `to`, or says in a few words why it makes no sense.
pub fn add_wire(doc: &mut Value, from: &str, to: &str) -> Result<usize, String> {
    let (Some((_, a)), Some((_, b))) = (find_node(doc, from), find_node(doc, to)) else {
        return Err("Both ends of a wire must be nodes.".into());
    };
    if from == to {
        return Err("A node cannot be wired to itself.".into());
    }
    let (ka, kb) = (node_kind(a), node_kind(b));
    if let Some(why) = broker::wire_refusal(ka, kb) {
        return Err(capitalise(&why));
    }
    if wires(doc).iter().any(|w| wire_ends(w) == (from, to)) {
        return Err(format!("{from} is already wired to {to}."));
    }
    // A consumer wired onwards is a service: one outgoing wire, and a first rule if it has
    // none, so that it publishes something at once. Wired to a read model it is a projection,
    // which publishes nothing.
    let first_rule = ka == "consumer" && kb != "read_model" && service::rules(a).is_empty();
    if ka == "consumer" {
        if let Some(w) = wires(doc).iter().find(|w| wire_ends(w).0 == from) {
            return Err(format!(
                "{from} already publishes to {}: a service has one outgoing wire (a fanout exchange or a topic reaches several). Remove that wire first.",
                wire_ends(w).1
            ));
        }
    }
    if kb == "consumer" {
        if let Some(w) = wires(doc).iter().find(|w| wire_ends(w).1 == to) {
            return Err(format!(
                "A consumer reads from one queue or topic, and {to} already reads from {}. Remove that wire first.",
                wire_ends(w).0
            ));
        }
    }
    if wires(doc).len() >= MAX_WIRES {
        return Err(format!("A scenario holds at most {MAX_WIRES} wires."));
    }
    let mut wire = object([("from", Value::from(from)), ("to", Value::from(to))]);
    // A direct or topic exchange routes by binding key: start with one that matches the
    // default routing key (the event type), so the new wire works at once.
    if ka == "exchange" && matches!(a.get("type").and_then(Value::as_str), Some("direct" | "topic")) {
        wire["binding_key"] = Value::from("#");
        if a.get("type").and_then(Value::as_str) == Some("direct") {
            wire["binding_key"] = Value::from("OrderPlaced");
        }
    }
    let ws = array_mut(doc, "wires");
    ws.push(wire);
    let i = ws.len() - 1;
    if first_rule {
        service::add_rule(doc, from);
    }
    Ok(i)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str() + ".",
        None => String::new(),
    }
}

pub fn remove_wire(doc: &mut Value, index: usize) {
    let ws = array_mut(doc, "wires");
    if index < ws.len() {
        ws.remove(index);
    }
}

/// Records an action (e.g. `{"crash": {"consumer": "billing"}}`) at `at_ms` into the action
/// script, keeping it in time order (after actions at the same moment).
pub fn record_action(doc: &mut Value, at_ms: i64, mut action: Value) {
    action["at_ms"] = Value::from(at_ms);
    let actions = array_mut(doc, "actions");
    let i = actions.partition_point(|a| a.get("at_ms").and_then(Value::as_i64).unwrap_or(0) <= at_ms);
    actions.insert(i, action);
}

pub fn remove_action(doc: &mut Value, index: usize) {
    let actions = array_mut(doc, "actions");
    if index < actions.len() {
        actions.remove(index);
    }
}

/// One line about an action, for the inspector's action script.
pub fn describe_action(action: &Value) -> String {
    let at = action.get("at_ms").and_then(Value::as_i64).unwrap_or(0);
    let Some((what, body)) = action.as_object().and_then(|o| o.iter().find(|(k, _)| *k != "at_ms")) else {
        return format!("at {at} ms: (empty)");
    };
    let arg = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("?").to_owned();
    let text = match what.as_str() {
        "crash" => match body.get("recover_after_ms").and_then(Value::as_i64) {
            Some(r) => format!("crash {}, recover after {r} ms", arg("consumer")),
            None => format!("crash {}", arg("consumer")),
        },
        "recover" => format!("recover {}", arg("consumer")),
        "outage" => {
            format!("outage of {} for {} ms", arg("node"), body.get("duration_ms").and_then(Value::as_i64).unwrap_or(0))
        }
        "redrive" => format!("redrive {}", arg("dlq")),
        "slow" => format!("slow down {}", arg("consumer")),
        "leave" => format!("{} leaves its group", arg("consumer")),
        "join" => format!("{} joins its group", arg("consumer")),
        "reset_offsets" => format!("reset offsets of group {}", arg("group")),
        "rebuild" => format!("rebuild {}", arg("read_model")),
        "crash_broker" => match body.get("recover_after_ms").and_then(Value::as_i64) {
            Some(r) => format!("crash broker {}, recover after {r} ms", arg("broker")),
            None => format!("crash broker {}", arg("broker")),
        },
        "recover_broker" => format!("recover broker {}", arg("broker")),
        "abort_transaction" => format!("{} aborts its open transaction", arg("producer")),
        "crash_producer" => match body.get("recover_after_ms").and_then(Value::as_i64) {
            Some(r) => format!("crash producer {}, restart after {r} ms", arg("producer")),
            None => format!("crash producer {}", arg("producer")),
        },
        "deploy" => {
            format!("deploy version {} to {}", body.get("version").and_then(Value::as_i64).unwrap_or(0), arg("node"))
        }
        other => other.replace('_', " "),
    };
    format!("at {at} ms: {text}")
}

/// How many schema versions the node's event types have, when some have schemas: for a
/// producer, the fewest among the event types it publishes that have schemas; for a consumer,
/// the most any event type has (the validator holds a reader version to what reaches it).
pub fn schema_versions(doc: &Value, id: &str) -> Option<usize> {
    let schemas = doc.get("schemas")?.as_object()?;
    let count = |t: &str| schemas.get(t).and_then(|s| s.get("versions")).and_then(Value::as_array).map(Vec::len);
    let node = nodes(doc).iter().find(|n| node_id(n) == id)?;
    match node_kind(node) {
        "producer" => {
            let types: Vec<&str> = match node.get("event_type") {
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                Some(Value::String(t)) => vec![t.as_str()],
                _ => vec!["Event"],
            };
            types.iter().filter_map(|t| count(t)).min()
        }
        "consumer" => schemas.keys().filter_map(|t| count(t)).max(),
        _ => None,
    }
}

/// Which nodes have their box (mostly) inside the rectangle between two canvas points.
pub fn nodes_in_rect(doc: &Value, a: (f64, f64), b: (f64, f64)) -> Vec<String> {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    nodes(doc)
        .iter()
        .filter(|n| {
            let (x, y) = position(doc, node_id(n));
            let (cx, cy) = (x + NODE_W / 2.0, y + NODE_H / 2.0);
            cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1
        })
        .map(|n| node_id(n).to_owned())
        .collect()
}

/// The node under a canvas point, topmost (last drawn) first.
pub fn node_at(doc: &Value, p: (f64, f64)) -> Option<String> {
    nodes(doc).iter().rev().find_map(|n| {
        let (x, y) = position(doc, node_id(n));
        let inside = p.0 >= x - 8.0 && p.0 <= x + NODE_W + 8.0 && p.1 >= y - 8.0 && p.1 <= y + NODE_H + 8.0;
        inside.then(|| node_id(n).to_owned())
    })
}

/// The core's reading of the document: problems, or the model a player runs. The lesson's
/// narration is left out: it never changes the run, the inspector does not edit it, and an
/// edit (a shorter run, other keys) must not stop the player because a point or a question
/// now names something that is gone. The lesson view reads what it can of it.
pub fn check(doc: &Value) -> Result<broker::Model, Vec<broker::Problem>> {
    let mut d = doc.clone();
    if let Some(o) = d.as_object_mut() {
        o.remove("lesson");
    }
    broker::Scenario::from_value(d).and_then(|s| broker::validate(&s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    fn empty() -> Value {
        json!({"version": 1, "duration_ms": 10000, "nodes": [], "wires": []})
    }

    #[test]
    fn the_automatic_layout_leaves_no_empty_column_and_puts_a_dead_letter_queue_after_its_source() {
        let lesson = |slug: &str| {
            normalise(serde_json::from_str(PRESETS.iter().find(|p| p.slug == slug).unwrap().json).unwrap())
        };
        let d = lesson("work-queue");
        let xs: Vec<f64> = ["orders", "work", "worker-a", "worker-c"].iter().map(|id| position(&d, id).0).collect();
        assert_eq!(xs, [40.0, 40.0 + COLUMN_STEP, 40.0 + 2.0 * COLUMN_STEP, 40.0 + 2.0 * COLUMN_STEP]);
        let d = lesson("poison-with-dlq");
        assert_eq!(position(&d, "dlq"), (position(&d, "billing").0, position(&d, "billing").1 + ROW_STEP));
        // Every position is on the grid.
        for p in PRESETS {
            let d = normalise(serde_json::from_str(p.json).unwrap());
            for n in nodes(&d) {
                let (x, y) = position(&d, node_id(n));
                assert_eq!((snap(x), snap(y)), (x, y), "{} {}", p.slug, node_id(n));
            }
        }
    }

    #[test]
    fn every_lesson_normalises_to_a_valid_document_with_positions() {
        for p in PRESETS {
            let doc = normalise(serde_json::from_str(p.json).unwrap());
            let model = check(&doc).unwrap_or_else(|e| panic!("{}: {e:?}", p.slug));
            let before = broker::Simulation::new(broker::load_model(p.json).unwrap());
            let mut a = broker::Simulation::new(model);
            let mut b = before;
            a.run_to_end();
            b.run_to_end();
            assert_eq!(a.trace_hash(), b.trace_hash(), "{}: normalising changed the run", p.slug);
            for n in nodes(&doc) {
                assert!(doc.pointer(&format!("/view/positions/{}", node_id(n))).is_some(), "{}", p.slug);
            }
        }
    }

    #[test]
    fn a_producer_a_queue_and_two_consumers_wired_by_hand_run() {
        let mut doc = empty();
        let p = add_node(&mut doc, "producer", (0.0, 0.0)).unwrap();
        let q = add_node(&mut doc, "queue", (200.0, 0.0)).unwrap();
        let c1 = add_node(&mut doc, "consumer", (400.0, 0.0)).unwrap();
        let c2 = add_node(&mut doc, "consumer", (400.0, 100.0)).unwrap();
        assert_eq!((p.as_str(), q.as_str(), c1.as_str(), c2.as_str()), ("producer", "queue", "consumer", "consumer-2"));
        add_wire(&mut doc, &p, &q).unwrap();
        add_wire(&mut doc, &q, &c1).unwrap();
        add_wire(&mut doc, &q, &c2).unwrap();
        let mut sim = broker::Simulation::new(check(&doc).unwrap());
        sim.run_to_end();
        assert!(sim.outcome().processed_once > 0);
    }

    #[test]
    fn wires_that_make_no_sense_are_refused_with_a_reason() {
        let mut doc = empty();
        for k in ["producer", "queue", "consumer", "dead_letter_queue"] {
            add_node(&mut doc, k, (0.0, 0.0)).unwrap();
        }
        assert_eq!(add_wire(&mut doc, "consumer", "producer").unwrap_err(), "A consumer cannot publish to a producer.");
        assert!(add_wire(&mut doc, "queue", "queue").unwrap_err().contains("itself"));
        assert!(add_wire(&mut doc, "queue", "dlq").unwrap_err().contains("dead_letter"));
        add_wire(&mut doc, "queue", "consumer").unwrap();
        assert!(add_wire(&mut doc, "queue", "consumer").unwrap_err().contains("already wired"));
        add_node(&mut doc, "queue", (0.0, 0.0)).unwrap();
        assert!(add_wire(&mut doc, "queue-2", "consumer").unwrap_err().contains("one queue or topic"));
        assert_eq!(wires(&doc).len(), 1);
    }

    #[test]
    fn removing_a_node_removes_what_points_at_it() {
        let mut doc = normalise(
            serde_json::from_str(PRESETS.iter().find(|p| p.slug == "poison-with-dlq").unwrap().json).unwrap(),
        );
        let dlq =
            nodes(&doc).iter().find(|n| node_kind(n) == "dead_letter_queue").map(|n| node_id(n).to_owned()).unwrap();
        remove_nodes(&mut doc, std::slice::from_ref(&dlq));
        assert!(find_node(&doc, &dlq).is_none());
        assert!(nodes(&doc).iter().all(|n| n.get("dead_letter").and_then(Value::as_str) != Some(dlq.as_str())));
        assert!(doc.pointer(&format!("/view/positions/{dlq}")).is_none());
        check(&doc).unwrap();
        // Narration points about it keep their moment; the file still reads in the CLI.
        let points = doc["lesson"]["points"].as_array().unwrap();
        assert!(!points.is_empty() && points.iter().all(|p| p.get("node") != Some(&json!(dlq))));
        broker::load(&doc.to_string()).unwrap();
    }

    #[test]
    fn an_edit_the_narration_no_longer_fits_still_runs() {
        // A shorter run than a narration point's moment, and keys the question does not ask about.
        let mut doc = normalise(serde_json::from_str(PRESETS[0].json).unwrap());
        doc["duration_ms"] = json!(1000);
        doc["actions"] = json!([]);
        doc["lesson"]["question"] = json!({"ask": "?", "measure": "effects", "key": "order-9999"});
        check(&doc).unwrap();
    }

    #[test]
    fn renaming_updates_every_reference() {
        let mut doc = normalise(serde_json::from_str(PRESETS[0].json).unwrap());
        let before = check(&doc).map(|m| {
            let mut s = broker::Simulation::new(m);
            s.run_to_end();
            s.outcome().processed_once
        });
        rename(&mut doc, "worker-b", "packer").unwrap();
        assert!(rename(&mut doc, "packer", "work").unwrap_err().contains("already"));
        assert!(rename(&mut doc, "packer", "  ").is_err());
        let after = check(&doc).map(|m| {
            let mut s = broker::Simulation::new(m);
            s.run_to_end();
            s.outcome().processed_once
        });
        assert_eq!(before.unwrap(), after.unwrap());
        assert!(serde_json::to_string(&doc).unwrap().contains("\"consumer\":\"packer\""));
        // The narration follows the rename, so the file as saved still reads in the CLI.
        assert_eq!(doc["lesson"]["points"][0]["node"], json!("packer"));
        broker::load(&doc.to_string()).unwrap();
    }

    #[test]
    fn actions_stay_in_time_order() {
        let mut doc = empty();
        record_action(&mut doc, 500, json!({"crash": {"consumer": "a"}}));
        record_action(&mut doc, 100, json!({"crash": {"consumer": "b"}}));
        record_action(&mut doc, 500, json!({"recover": {"consumer": "a"}}));
        let at: Vec<i64> = doc["actions"].as_array().unwrap().iter().map(|a| a["at_ms"].as_i64().unwrap()).collect();
        assert_eq!(at, [100, 500, 500]);
        assert_eq!(describe_action(&doc["actions"][2]), "at 500 ms: recover a");
    }

    #[test]
    fn rectangles_and_points_find_nodes() {
        let mut doc = empty();
        add_node(&mut doc, "queue", (100.0, 100.0)).unwrap();
        add_node(&mut doc, "topic", (400.0, 100.0)).unwrap();
        assert_eq!(nodes_in_rect(&doc, (0.0, 0.0), (300.0, 300.0)), ["queue"]);
        assert_eq!(node_at(&doc, (450.0, 120.0)).as_deref(), Some("topic"));
        assert_eq!(node_at(&doc, (330.0, 120.0)), None);
    }
}
