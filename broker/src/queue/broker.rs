//! Where a queue lives when the scenario has brokers, and what a broker's crash does to it, as
//! RabbitMQ documents it (the guides "Classic Queues", "Quorum Queues" and "Queues", section
//! durability):
//!
//! - A **classic queue** lives on one broker. While that broker is down the queue is
//!   unavailable: publishes to it are refused, and it delivers nothing. A transient queue's
//!   messages, ready and unacknowledged, die with the broker (`lost_with_its_broker`). A
//!   durable queue with persistent messages (`durable`) keeps them on disk: they are there
//!   again when the broker comes back.
//! - A **quorum queue** is replicated with Raft over up to three brokers; its leader is the
//!   first of them that is up. It stays available while a majority of its replicas is up: when
//!   its leader's broker crashes another replica leads (`QueueLeaderMoved`) and nothing is
//!   lost. With no majority it is unavailable until one is back, and still loses nothing.
//!
//! While unavailable (`QueueDown` ... `QueueUp`) a queue behaves as in an outage: its
//! consumers' channels are closed when it goes down, their unacknowledged deliveries
//! requeued, and a producer waiting for confirms is nacked and may retry.
//!
//! Simplifications (in `docs/scenario-format.md`): a quorum queue confirms a publish at once
//! (replication takes no time, so a confirm needs only a live majority); a leader change does
//! not close consumers' channels; durability is one setting for the queue and its messages;
//! exchanges, bindings and dead-letter queues are cluster-wide and never go down.

use crate::model::ids::NodeId;
use crate::scenario::QueueType;
use crate::sim::message::EnvState;
use crate::sim::trace::{Event, LossReason, RequeueReason};
use crate::sim::{NodeState, Simulation};

impl Simulation {
    /// The queues with a replica on `broker`, in node order.
    fn queues_on(&self, broker: NodeId) -> Vec<NodeId> {
        (0..self.model.nodes.len())
            .map(|i| NodeId(i as u32))
            .filter(|&q| matches!(&self.model.nodes[q.index()].kind, crate::model::NodeKind::Queue(m) if m.brokers.contains(&broker)))
            .collect()
    }

    fn broker_up(&self, broker: NodeId) -> bool {
        !matches!(&self.nodes[broker.index()], NodeState::Broker(b) if b.down)
    }

    /// Whether a queue on brokers can serve: a classic queue's broker is up; a quorum queue
    /// has a majority of its replicas up.
    pub(crate) fn queue_serves(&self, queue: NodeId) -> bool {
        let m = self.queue_model(queue);
        let up = m.brokers.iter().filter(|&&b| self.broker_up(b)).count();
        match m.queue_type {
            QueueType::Classic => up == m.brokers.len(),
            QueueType::Quorum => up * 2 > m.brokers.len(),
        }
    }

    /// The broker that leads a queue now: the first of its replicas that is up, while it
    /// serves.
    pub(crate) fn queue_leader(&self, queue: NodeId) -> Option<NodeId> {
        if !self.queue_serves(queue) {
            return None;
        }
        self.queue_model(queue).brokers.iter().copied().find(|&b| self.broker_up(b))
    }

    /// `broker` has just crashed: each queue on it loses its leader, or goes down.
    pub(crate) fn queues_lose_broker(&mut self, broker: NodeId) {
        for q in self.queues_on(broker) {
            if self.queue(q).down {
                continue;
            }
            if !self.queue_serves(q) {
                self.queue_goes_down(q);
                continue;
            }
            // Still a majority: if the crashed broker led it, the next replica up leads now.
            let brokers = &self.queue_model(q).brokers;
            let led = brokers.iter().copied().find(|&b| b == broker || self.broker_up(b)) == Some(broker);
            if let (true, Some(leader)) = (led, self.queue_leader(q)) {
                self.emit(q, None, None, Event::QueueLeaderMoved { leader });
            }
        }
    }

    /// `broker` is back: each queue on it that was down and can serve again comes back.
    pub(crate) fn queues_regain_broker(&mut self, broker: NodeId) {
        for q in self.queues_on(broker) {
            if self.queue(q).down && self.queue_serves(q) {
                self.queue_mut(q).down = false;
                self.emit(q, None, None, Event::QueueUp);
                self.pump(q);
            }
        }
    }

    fn queue_goes_down(&mut self, queue: NodeId) {
        self.queue_mut(queue).down = true;
        self.emit(queue, None, None, Event::QueueDown);
        for c in self.queue_model(queue).consumers.clone() {
            if !self.consumer(c).crashed {
                self.close_channel(c, RequeueReason::ChannelClosed);
            }
        }
        let m = self.queue_model(queue);
        if m.queue_type == QueueType::Classic && !m.durable {
            // A transient queue's messages were in its broker's memory only.
            while let Some(env) = self.queue_mut(queue).pop_head() {
                self.end_copy(queue, env, EnvState::Lost(LossReason::BrokerLost));
            }
        }
    }
}
