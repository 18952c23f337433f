//! Commands: what the outside world (a scenario's action script, or a person pressing
//! "crash this consumer now") does to a running simulation. They go in through
//! [`crate::Simulation::apply`] and are recorded in the trace like everything else.

use serde::{Deserialize, Serialize};

use crate::ids::NodeId;
use crate::time::Duration;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
}
