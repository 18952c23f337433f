//! The view (see `docs/scenario-format.md`): where the editor draws each node, and its zoom.
//! It never changes a run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    #[serde(default)]
    pub positions: BTreeMap<String, [f64; 2]>,
    #[serde(default = "one_f64")]
    pub zoom: f64,
}

fn one_f64() -> f64 {
    1.0
}
