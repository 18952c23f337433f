//! Where an imported scenario's nodes are drawn (`view.positions`): columns read left to right
//! as messages flow (producers, exchanges, queues and topics with the dead-letter queues,
//! consumers; read models after them; brokers under the topics), each node below the one
//! before it in its column (a column no node takes closes up). A
//! node wired from another is drawn in a column to its right, so a service's output topic and
//! the consumers of that topic come after the service, and every wire runs forward. The
//! app draws a node as a 160 by 100 box, a topic's partition lines and a read model's table
//! under it; columns are a box and a 120-unit gap apart, rows a box and 40 units, and every
//! position is on the app's 20-unit grid, so no two drawings overlap.

use serde_json::{json, Map, Value};

const BOX_W: f64 = 160.0;
const BOX_H: f64 = 100.0;
const GAP_X: f64 = 120.0;
const GAP_Y: f64 = 40.0;
const MARGIN: f64 = 40.0;
const GRID: f64 = 20.0;
/// One partition line under a topic (the app shows at most seven lines).
const LINE: f64 = 17.0;

/// The leftmost column a node of `kind` takes.
fn column(kind: &str) -> usize {
    match kind {
        "producer" => 0,
        "exchange" => 1,
        "consumer" => 3,
        "read_model" => 4,
        _ => 2,
    }
}

/// What the app draws under a node's box: with brokers, two lines per partition (its offsets,
/// and where its replicas are).
fn below(node: &Value, brokers: bool) -> f64 {
    match node.get("kind").and_then(Value::as_str) {
        Some("topic") => {
            let partitions = node.get("partitions").and_then(Value::as_u64).unwrap_or(1).clamp(1, 7);
            let lines = if brokers { partitions * 2 - u64::from(partitions == 7) } else { partitions };
            LINE * lines as f64 + 6.0
        }
        Some("read_model") => LINE * 6.0 + 6.0,
        _ => 0.0,
    }
}

/// Each node's column: its kind's, or one right of the rightmost node wired to it, with the
/// columns no node takes left out. A loop of wires (services that feed each other) is cut
/// where the node count runs out.
fn columns(nodes: &[Value], wires: &[(String, String)]) -> Vec<usize> {
    let ids: Vec<&str> = nodes.iter().map(|n| n.get("id").and_then(Value::as_str).unwrap_or("")).collect();
    let mut col: Vec<usize> =
        nodes.iter().map(|n| column(n.get("kind").and_then(Value::as_str).unwrap_or(""))).collect();
    let index = |id: &str| ids.iter().position(|i| *i == id);
    let edges: Vec<(usize, usize)> =
        wires.iter().filter_map(|(from, to)| Some((index(from)?, index(to)?))).filter(|(a, b)| a != b).collect();
    for _ in 0..nodes.len() {
        let mut moved = false;
        for &(a, b) in &edges {
            if col[b] <= col[a] && col[a] < nodes.len() + 4 {
                col[b] = col[a] + 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    // Columns no node took (no exchange, say) close up.
    let mut used = col.clone();
    used.sort_unstable();
    used.dedup();
    col.iter().map(|c| used.partition_point(|u| u < c)).collect()
}

/// Positions for `nodes`, by id, with the `(from, to)` wires between them.
pub(crate) fn positions(nodes: &[Value], wires: &[(String, String)]) -> Map<String, Value> {
    let col = columns(nodes, wires);
    let mut next_y = vec![MARGIN; col.iter().max().map_or(0, |m| m + 1)];
    let mut out = Map::new();
    let is_broker = |n: &Value| n.get("kind").and_then(Value::as_str) == Some("broker");
    let brokers = nodes.iter().any(is_broker);
    // Brokers come last in their column, under the topics whose replicas they hold.
    let order = nodes
        .iter()
        .zip(&col)
        .filter(|(n, _)| !is_broker(n))
        .chain(nodes.iter().zip(&col).filter(|(n, _)| is_broker(n)));
    for (n, &c) in order {
        let Some(id) = n.get("id").and_then(Value::as_str) else { continue };
        let x = MARGIN + c as f64 * (BOX_W + GAP_X);
        out.insert(id.to_string(), json!([x as i64, next_y[c] as i64]));
        next_y[c] += ((BOX_H + below(n, brokers) + GAP_Y) / GRID).ceil() * GRID;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_runs_left_to_right_through_services() {
        let nodes = [
            json!({"id": "checkout", "kind": "producer"}),
            json!({"id": "orders", "kind": "topic"}),
            json!({"id": "billing", "kind": "consumer"}),
            json!({"id": "payments", "kind": "topic"}),
            json!({"id": "shipping", "kind": "consumer"}),
            json!({"id": "a", "kind": "consumer"}),
            json!({"id": "b", "kind": "queue"}),
        ];
        let w = |a: &str, b: &str| (a.to_string(), b.to_string());
        let wires = [
            w("checkout", "orders"),
            w("orders", "billing"),
            w("billing", "payments"),
            w("payments", "shipping"),
            // A loop: two services feeding each other still get columns.
            w("a", "b"),
            w("b", "a"),
        ];
        let p = positions(&nodes, &wires);
        let x = |id: &str| p[id][0].as_f64().unwrap();
        for (from, to) in &wires[..4] {
            assert!(x(from) < x(to), "{from} -> {to}: {} then {}", x(from), x(to));
        }
        // No exchange: the topics take the second column, the services the third.
        assert_eq!((x("orders"), x("billing"), x("payments")), (320.0, 600.0, 880.0));
        assert!(x("a").is_finite() && x("b").is_finite());
    }

    #[test]
    fn columns_by_kind_and_no_two_boxes_overlap() {
        let nodes = [
            json!({"id": "p", "kind": "producer"}),
            json!({"id": "x", "kind": "exchange"}),
            json!({"id": "t", "kind": "topic", "partitions": 3}),
            json!({"id": "q", "kind": "queue"}),
            json!({"id": "c1", "kind": "consumer"}),
            json!({"id": "c2", "kind": "consumer"}),
        ];
        let p = positions(&nodes, &[]);
        let at = |id: &str| (p[id][0].as_f64().unwrap(), p[id][1].as_f64().unwrap());
        assert_eq!(at("p"), (40.0, 40.0));
        assert_eq!(at("x"), (320.0, 40.0));
        assert_eq!(at("t"), (600.0, 40.0));
        // The topic's three partition lines take 57 units under its box.
        assert_eq!(at("q"), (600.0, 240.0));
        assert_eq!(at("c2"), (880.0, 180.0));
        for (a, b) in [("t", "q"), ("c1", "c2")] {
            let ((ax, ay), (bx, by)) = (at(a), at(b));
            assert!(ax != bx || (by - ay).abs() >= BOX_H + GAP_Y, "{a} and {b} overlap");
        }
        for v in p.values() {
            assert!(v.as_array().unwrap().iter().all(|x| x.as_f64().unwrap() % GRID == 0.0));
        }
    }
}
