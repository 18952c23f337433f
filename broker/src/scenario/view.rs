//! The view (see `docs/scenario-format.md`): where the editor draws each node, and its zoom.
//! It never changes a run.

use crate::sorted_map::SortedMap;

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{float, At, Fields, Read};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct View {
    pub positions: SortedMap<String, [f64; 2]>,
    pub zoom: f64,
}

impl View {
    pub(crate) fn read(v: &Value, at: &At) -> Read<View> {
        let wanted = "a view like {\"positions\": {\"orders\": [80, 120]}, \"zoom\": 1}";
        let f = Fields::new(v, at, &["positions", "zoom"], wanted)?;
        Ok(View { positions: f.or("positions", positions, SortedMap::default())?, zoom: f.or("zoom", float, 1.0)? })
    }
}

/// Node id to `[x, y]`.
fn positions(v: &Value, at: &At) -> Read<SortedMap<String, [f64; 2]>> {
    let map = v.as_object().ok_or_else(|| at.wrong("an object", v))?;
    // serde_json hands an object over in key order: each insert is at the end.
    let mut out = SortedMap::default();
    for (id, point) in map {
        let at = at.key(id);
        let xy = match point {
            Value::Array(xy) if xy.len() == 2 => [float(&xy[0], &at.index(0))?, float(&xy[1], &at.index(1))?],
            Value::Array(xy) => return Err(at.bad(format!("must be a point like [x, y] (got a list of {})", xy.len()))),
            other => return Err(at.wrong("a point like [x, y]", other)),
        };
        out.insert(id.clone(), xy);
    }
    Ok(out)
}
