//! The action script (see `docs/scenario-format.md`): what happens at a given time during a
//! run (crash, recover, outage, redrive, slow, leave, join, reset offsets), and where a reset
//! moves a group's offsets.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub at_ms: i64,
    #[serde(flatten)]
    pub what: ActionKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionKind {
    /// Crash a consumer now; it recovers after `recover_after_ms` (never, if absent).
    Crash {
        consumer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recover_after_ms: Option<i64>,
    },
    Recover {
        consumer: String,
    },
    /// The queue, exchange or topic refuses publishes and stops delivering for `duration_ms`; its
    /// consumers' channels are closed, so their unacked messages are requeued.
    Outage {
        node: String,
        duration_ms: i64,
    },
    /// Move every message in a dead-letter queue back to the queue it died in (or to `to`).
    Redrive {
        dlq: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Multiply a consumer's processing time by `factor` (1 restores it).
    Slow {
        consumer: String,
        factor: f64,
    },
    /// The consumer leaves its group (or cancels its queue subscription) cleanly.
    Leave {
        consumer: String,
    },
    /// The consumer joins again after a `leave`.
    Join {
        consumer: String,
    },
    /// Replay: move a group's committed offsets (`kafka-consumer-groups --reset-offsets`).
    ResetOffsets {
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        to: ResetTo,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ResetTo {
    Earliest,
    Latest,
    /// The same offset in every partition.
    Offset(i64),
    /// The first record at or after this time, per partition.
    TimeMs(i64),
}
