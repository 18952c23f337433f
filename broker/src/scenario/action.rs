//! The action script (see `docs/scenario-format.md`): what happens at a given time during a
//! run (crash, recover, outage, redrive, slow, leave, join, reset offsets, rebuild, deploy,
//! crash and recover a broker, abort a transaction, crash a producer), and where a reset moves a group's offsets.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{float, int, settings, string, tagged, At, Read};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Action {
    pub at_ms: i64,
    #[serde(flatten)]
    pub what: ActionKind,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Crash a consumer now; it recovers after `recover_after_ms` (never, if absent).
    Crash {
        consumer: String,
        #[serde(skip_serializing_if = "Option::is_none")]
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
        #[serde(skip_serializing_if = "Option::is_none")]
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
        #[serde(skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        to: ResetTo,
    },
    /// Rebuild a read model: empty its table and replay its projections' topics from the start.
    Rebuild {
        read_model: String,
    },
    /// Deploy a producer or a consumer with another version of its event types' schemas: a
    /// producer then writes that version (if the registry accepts it), a consumer reads with it.
    Deploy {
        node: String,
        version: i64,
    },
    /// A broker's process dies: the partitions it led elect new leaders, and it stops
    /// fetching as a follower. It comes back after `recover_after_ms` (never, if absent).
    CrashBroker {
        broker: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        recover_after_ms: Option<i64>,
    },
    /// A transactional producer aborts the transaction it has open (Kafka's
    /// `abortTransaction`).
    AbortTransaction {
        producer: String,
    },
    /// A producer's process dies, leaving any transaction it had open; it restarts after
    /// `recover_after_ms` (never, if absent) as a new epoch of the same transactional id,
    /// which fences the old one and aborts what it left open.
    CrashProducer {
        producer: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        recover_after_ms: Option<i64>,
    },
    /// A crashed broker restarts with the log it had written.
    RecoverBroker {
        broker: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetTo {
    Earliest,
    Latest,
    /// The same offset in every partition.
    Offset(i64),
    /// The first record at or after this time, per partition.
    TimeMs(i64),
}

// ---------------------------------------------------------------------------------------
// Reading

impl ActionKind {
    /// The names of the kinds, as the file writes them.
    pub(crate) const NAMES: [&'static str; 14] = [
        "crash",
        "recover",
        "outage",
        "redrive",
        "slow",
        "leave",
        "join",
        "reset_offsets",
        "rebuild",
        "deploy",
        "crash_broker",
        "recover_broker",
        "abort_transaction",
        "crash_producer",
    ];

    /// Reads `{"<kind>": {...}}`, the action without its `at_ms`.
    pub(crate) fn read(v: &Value, at: &At) -> Read<ActionKind> {
        let (i, name, body) = tagged(v, at, &ActionKind::NAMES, "{\"crash\": {\"consumer\": \"billing\"}}")?;
        let at = at.key(name);
        let consumer = |names: &[&str]| settings(body, &at, names)?.req("consumer", string);
        Ok(match i {
            0 => {
                let f = settings(body, &at, &["consumer", "recover_after_ms"])?;
                ActionKind::Crash {
                    consumer: f.req("consumer", string)?,
                    recover_after_ms: f.opt("recover_after_ms", int)?,
                }
            }
            1 => ActionKind::Recover { consumer: consumer(&["consumer"])? },
            2 => {
                let f = settings(body, &at, &["node", "duration_ms"])?;
                ActionKind::Outage { node: f.req("node", string)?, duration_ms: f.req("duration_ms", int)? }
            }
            3 => {
                let f = settings(body, &at, &["dlq", "to"])?;
                ActionKind::Redrive { dlq: f.req("dlq", string)?, to: f.opt("to", string)? }
            }
            4 => {
                let f = settings(body, &at, &["consumer", "factor"])?;
                ActionKind::Slow { consumer: f.req("consumer", string)?, factor: f.req("factor", float)? }
            }
            5 => ActionKind::Leave { consumer: consumer(&["consumer"])? },
            6 => ActionKind::Join { consumer: consumer(&["consumer"])? },
            9 => {
                let f = settings(body, &at, &["node", "version"])?;
                ActionKind::Deploy { node: f.req("node", string)?, version: f.req("version", int)? }
            }
            10 => {
                let f = settings(body, &at, &["broker", "recover_after_ms"])?;
                ActionKind::CrashBroker {
                    broker: f.req("broker", string)?,
                    recover_after_ms: f.opt("recover_after_ms", int)?,
                }
            }
            11 => ActionKind::RecoverBroker { broker: settings(body, &at, &["broker"])?.req("broker", string)? },
            12 => {
                ActionKind::AbortTransaction { producer: settings(body, &at, &["producer"])?.req("producer", string)? }
            }
            13 => {
                let f = settings(body, &at, &["producer", "recover_after_ms"])?;
                ActionKind::CrashProducer {
                    producer: f.req("producer", string)?,
                    recover_after_ms: f.opt("recover_after_ms", int)?,
                }
            }
            8 => ActionKind::Rebuild { read_model: settings(body, &at, &["read_model"])?.req("read_model", string)? },
            _ => {
                let f = settings(body, &at, &["group", "topic", "to"])?;
                ActionKind::ResetOffsets {
                    group: f.req("group", string)?,
                    topic: f.opt("topic", string)?,
                    to: f.req("to", ResetTo::read)?,
                }
            }
        })
    }
}

impl ResetTo {
    /// `"earliest"`, `"latest"`, `{"offset": 5}` or `{"time_ms": 1000}`.
    fn read(v: &Value, at: &At) -> Read<ResetTo> {
        match v.as_str() {
            Some("earliest") => return Ok(ResetTo::Earliest),
            Some("latest") => return Ok(ResetTo::Latest),
            _ => {}
        }
        if !(v.is_string() || v.is_object()) {
            return Err(at.wrong("\"earliest\", \"latest\", {\"offset\": 5} or {\"time_ms\": 1000}", v));
        }
        let example = "{\"offset\": 5} or {\"time_ms\": 1000}";
        let (i, name, body) = tagged(v, at, &["earliest", "latest", "offset", "time_ms"], example)?;
        let at = at.key(name);
        Ok(match i {
            0 if body.is_null() => ResetTo::Earliest,
            1 if body.is_null() => ResetTo::Latest,
            0 | 1 => return Err(at.bad("takes no settings: write the choice as a string alone, e.g. \"earliest\"")),
            2 => ResetTo::Offset(int(body, &at)?),
            _ => ResetTo::TimeMs(int(body, &at)?),
        })
    }
}
