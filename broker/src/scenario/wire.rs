//! A wire between two nodes (see `docs/scenario-format.md`): its ends, the binding key from a
//! direct or topic exchange, and the network delay and jitter on a publish path. The short
//! form `["from", "to"]` is read in `mod.rs`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wire {
    pub from: String,
    pub to: String,
    /// For a wire from a direct or topic exchange to a queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_key: Option<String>,
    /// Network delay on a publish path (from a producer or an exchange).
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub delay_ms: f64,
    /// Extra delay drawn uniformly from [0, jitter_ms] per message: it reorders messages.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub jitter_ms: f64,
}

fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}
