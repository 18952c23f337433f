//! Commands: what the outside world (a scenario's action script, or a person pressing
//! "crash this consumer now") does to a running simulation. They go in through
//! [`crate::Simulation::apply`] and are recorded in the trace like everything else.

use serde::{Deserialize, Serialize};

use crate::model::ids::NodeId;
use crate::model::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    Crash {
        consumer: NodeId,
        recover_after: Option<Duration>,
    },
    Recover {
        consumer: NodeId,
    },
    Outage {
        node: NodeId,
        duration: Duration,
    },
    Redrive {
        dlq: NodeId,
        to: Option<NodeId>,
    },
    /// Processing time multiplier, in thousandths (1000 = normal speed), so that commands stay
    /// exact integers.
    Slow {
        consumer: NodeId,
        factor_milli: u32,
    },
    /// A clean leave: a topic consumer leaves its group (commits first under auto-commit); a
    /// queue consumer cancels its subscription and its unacked deliveries are requeued.
    Leave {
        consumer: NodeId,
    },
    Join {
        consumer: NodeId,
    },
    /// Moves a group's committed offsets, on one topic or all it reads, and makes its members
    /// seek there.
    ResetOffsets {
        group: u16,
        topic: Option<NodeId>,
        to: ResetTarget,
    },
    /// Empties a read model's table and moves its projections' groups back to the start of
    /// the topics they read, so that they replay them into it.
    Rebuild {
        read_model: NodeId,
    },
    /// A producer starts writing its event types with this schema version, if the registry
    /// accepts it; a consumer starts reading with it.
    Deploy {
        node: NodeId,
        version: u16,
    },
    /// A broker's process dies; it restarts after `recover_after`, if given.
    CrashBroker {
        broker: NodeId,
        recover_after: Option<Duration>,
    },
    RecoverBroker {
        broker: NodeId,
    },
    /// A transactional producer aborts its open transaction.
    AbortTransaction {
        producer: NodeId,
    },
    /// A producer's process dies; it restarts after `recover_after`, if given, as a new
    /// producer epoch.
    CrashProducer {
        producer: NodeId,
        recover_after: Option<Duration>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetTarget {
    Earliest,
    Latest,
    Offset(u64),
    /// The first record appended at or after this time.
    Time(crate::model::time::SimTime),
}
