//! A wire between two nodes (see `docs/scenario-format.md`): its ends, the binding key from a
//! direct or topic exchange, and the network delay and jitter on a publish path. The short
//! form `["from", "to"]` is read in `mod.rs`.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{float, string, At, Fields, Read};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Wire {
    pub from: String,
    pub to: String,
    /// For a wire from a direct or topic exchange to a queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binding_key: Option<String>,
    /// Network delay on a publish path (from a producer or an exchange).
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub delay_ms: f64,
    /// Extra delay drawn uniformly from [0, jitter_ms] per message: it reorders messages.
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub jitter_ms: f64,
}

fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}

impl Wire {
    /// The long form, an object; `mod.rs` reads the short one.
    pub(crate) fn read(v: &Value, at: &At) -> Read<Wire> {
        let names = ["from", "to", "binding_key", "delay_ms", "jitter_ms"];
        let f = Fields::new(v, at, &names, "a wire like {\"from\": \"orders\", \"to\": \"work\"}")?;
        Ok(Wire {
            from: f.req("from", string)?,
            to: f.req("to", string)?,
            binding_key: f.opt("binding_key", string)?,
            delay_ms: f.or("delay_ms", float, 0.0)?,
            jitter_ms: f.or("jitter_ms", float, 0.0)?,
        })
    }
}
