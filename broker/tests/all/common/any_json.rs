//! A proptest strategy for arbitrary JSON that looks enough like a scenario to get past the
//! first checks: objects are keyed by the names a scenario, its view and its lesson use (and
//! by random names), strings are id-like or anything. The core's hostile-input tests and the
//! app's importer fuzzing (which includes this file by path) share it.

use proptest::prelude::*;
use serde_json::Value;

const KEYS: &[&str] =
    &["version", "nodes", "kind", "id", "wires", "duration_ms", "actions", "view", "positions", "lesson", "points"];

pub fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("JSON has no NaN", |f| f.is_finite()).prop_map(Value::from),
        "[a-z_\\-]{0,12}".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let key = prop_oneof![prop::sample::select(KEYS).prop_map(str::to_string), "[a-z_]{1,10}"];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..8).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
