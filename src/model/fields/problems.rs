//! Problem mapping: the core's validator names a problem by a path into the scenario
//! (`nodes[2].retry.base_ms`); this finds the node or wire and the field it is about, so the
//! inspector shows the message next to that field.

use serde_json::Value;

use super::catalogue::{fields_for, kind_of, Field};

/// Where a problem belongs: the node or the wire with this index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Node(usize),
    Wire(usize),
}

/// Maps a core problem path (`nodes[2].retry.base_ms`, `nodes[1].faults[0].poison.every_nth`,
/// `nodes[4].publishes[0].publish[1]`, `wires[3].binding_key`) to the node or wire and the
/// field it is about; None when no field matches. A path below a field (e.g.
/// `nodes[0].arrivals.burst`) maps to that field, and one of a whole rule to its first field.
pub fn field_for_problem(scenario: &Value, path: &str) -> Option<(Target, &'static Field)> {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let (list, index) = head.strip_suffix(']')?.split_once('[')?;
    let i: usize = index.parse().ok()?;
    let obj = scenario.get(list)?.get(i)?;
    let (target, kind) = match list {
        "nodes" => (Target::Node(i), kind_of(obj)),
        "wires" => (Target::Wire(i), "wire"),
        _ => return None,
    };
    let mut ptr = String::new();
    let mut segs = rest.split('.').filter(|s| !s.is_empty());
    while let Some(seg) = segs.next() {
        ptr.push('/');
        match seg.strip_suffix(']').and_then(|s| s.split_once('[')) {
            // "publishes[1].on" is "/publishes/1/on"; "publish[0]" is the list's first name.
            Some((name, j)) if name != "faults" => {
                ptr.push_str(name);
                ptr.push('/');
                ptr.push_str(j);
            }
            // "faults[1].poison" is "/faults/@poison": `@name` already steps into the key.
            Some((name, j)) => {
                let entry = obj.get(name)?.get(j.parse::<usize>().ok()?)?.as_object()?;
                ptr.push_str(name);
                ptr.push_str("/@");
                ptr.push_str(entry.keys().next()?);
                segs.next();
            }
            None => ptr.push_str(seg),
        }
    }
    let fields = fields_for(kind);
    let mut p = ptr.as_str();
    while !p.is_empty() {
        if let Some(f) = fields.iter().find(|f| f.path == p) {
            return Some((target, f));
        }
        // A problem with a whole rule (`publishes[1]`) goes to its first field.
        if p.ends_with(|c: char| c.is_ascii_digit()) {
            if let Some(f) = fields.iter().find(|f| f.path.strip_prefix(p).is_some_and(|r| r.starts_with('/'))) {
                return Some((target, f));
            }
        }
        p = &p[..p.rfind('/')?];
    }
    None
}
