//! The script a real broker is driven through: the client side of the simulator's run, in the
//! order and at the (virtual) times it happened. Consumers subscribe, producers publish (each
//! attempt), consumers ack, nack and reject the messages the simulator's consumers did, crash
//! and recover when they did, and a queue's outage closes its consumers' channels.
//!
//! What the broker does in between (routing, queueing, requeue positions, which consumer gets
//! which message, dead-lettering, TTL, max length, ack timeouts) is not scripted: that is what
//! is compared.

use crate::observed::Observed;
use crate::topology::Topology;

/// One thing a client does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Open a channel, set basic.qos to the consumer's prefetch, basic.consume its queue.
    Subscribe {
        consumer: String,
    },
    /// One publish attempt of a message.
    Publish {
        producer: String,
        msg: String,
        key: Option<String>,
        event_type: String,
        attempt: u32,
    },
    Ack {
        consumer: String,
        msg: String,
    },
    /// basic.nack (requeue) or basic.reject (no requeue) of the consumer's delivery of `msg`.
    Nack {
        consumer: String,
        msg: String,
        requeue: bool,
    },
    /// The consumer's process dies: its connection closes, and so its channel.
    Crash {
        consumer: String,
    },
    /// It comes back: subscribes again.
    Recover {
        consumer: String,
    },
    /// The queue's outage begins: its consumers' channels close until it ends.
    OutageStart {
        queue: String,
    },
    OutageEnd {
        queue: String,
    },
    /// Move every dead letter in `dlq` back to the queue its newest `x-death` names, or `to`.
    Redrive {
        dlq: String,
        to: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Virtual time, in microseconds.
    pub at_us: u64,
    pub op: Op,
    /// How many deliveries the simulator's broker made at once because of it (before the next
    /// step, at the same time): the driver waits for as many before it goes on, so that two
    /// steps at the same instant, from two consumers' connections, reach the broker in the
    /// script's order.
    pub then_deliveries: u32,
}

#[derive(Clone, Debug)]
pub struct Script {
    pub title: String,
    pub topology: Topology,
    pub steps: Vec<Step>,
    /// The last virtual time anything happened at, in microseconds.
    pub end_us: u64,
    /// The scenario's `duration_ms`, in microseconds: the broker is watched until then.
    pub duration_us: u64,
    /// The queues where the simulator dead-lettered or dropped a message for its delivery
    /// limit.
    pub delivery_limit_hit: std::collections::BTreeSet<String>,
    /// Per consumer whose nack first sent a message past a delivery limit: how many
    /// deliveries it had had by then.
    pub limit_nacked_after: std::collections::BTreeMap<String, usize>,
    /// What the simulator's broker did.
    pub expected: Observed,
}

impl Script {
    /// Settles by competing consumers of one queue that happen less than `gap_us` apart (but
    /// not at the same virtual time, which the script orders): on a real broker their order
    /// is a matter of timing, so which consumer gets the next message may differ.
    pub fn races(&self, gap_us: u64) -> usize {
        let settles = self.steps.iter().filter_map(|s| match &s.op {
            Op::Ack { consumer, .. } | Op::Nack { consumer, .. } => {
                Some((s.at_us, consumer.as_str(), self.topology.consumers.get(consumer).map(|c| c.queue.as_str())))
            }
            _ => None,
        });
        let mut last: std::collections::BTreeMap<&str, (u64, &str)> = std::collections::BTreeMap::new();
        let mut races = 0;
        for (t, consumer, queue) in settles {
            let Some(queue) = queue else { continue };
            if let Some((t0, c0)) = last.get(queue) {
                if *c0 != consumer && t > *t0 && t - *t0 < gap_us {
                    races += 1;
                }
            }
            last.insert(queue, (t, consumer));
        }
        races
    }
}
