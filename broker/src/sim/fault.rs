//! Failures that happen to consumers and queues: crashes and recoveries, ack timeouts that make
//! the broker close a channel, and broker outages. A crash abandons all work in progress and
//! the broker requeues every unacked delivery, flagged as redelivered; under at-most-once the
//! messages already acked are lost with the work. A closed channel (ack timeout, outage) also
//! requeues the unacked deliveries, but work already started carries on and applies its
//! effect: its ack then fails, and the redelivery is a duplicate.
//!
//! RabbitMQ's delivery acknowledgement timeout (`consumer_timeout`, 30 minutes by default)
//! closes the whole channel with a PRECONDITION_FAILED error; the consumer here reopens its
//! channel at once, as a client library with automatic recovery would.

use crate::model::ids::{EnvId, NodeId};
use crate::model::time::Duration;
use crate::model::NodeKind;
use crate::sim::message::EnvState;
use crate::sim::trace::{CrashCause, Event, LossReason, RequeueReason};
use crate::sim::{Due, NodeState, Simulation};

impl Simulation {
    pub(crate) fn crash(&mut self, consumer: NodeId, cause: CrashCause, recover_after: Option<Duration>) {
        self.crash_during(consumer, cause, recover_after, None);
    }

    /// A crash, naming the message it happened on (a crash fault fires on a message).
    pub(crate) fn crash_during(
        &mut self,
        consumer: NodeId,
        cause: CrashCause,
        recover_after: Option<Duration>,
        during: Option<EnvId>,
    ) {
        if self.consumer(consumer).crashed {
            return;
        }
        let cs = self.consumer_mut(consumer);
        cs.crashed = true;
        cs.life += 1;
        cs.crashes += 1;
        if let Some(out) = cs.output.as_mut() {
            // A service's publish retries die with its process, as a producer's do.
            out.publisher.epoch += 1;
        }
        let works = std::mem::take(&mut cs.works);
        let life = cs.life;
        match during {
            Some(env) => self.emit_env(consumer, env, Event::Crashed { cause }),
            None => self.emit(consumer, None, None, Event::Crashed { cause }),
        }
        for w in &works {
            if w.acked_early && self.envs[w.env.index()].state == (EnvState::AckedInProcess { consumer }) {
                self.end_copy(consumer, w.env, EnvState::Lost(LossReason::CrashAfterAck));
            }
        }
        if self.consumer_model(consumer).log.is_some() {
            self.log_crashed(consumer, &works);
        }
        self.return_unacked(consumer, RequeueReason::ConsumerCrash);
        self.consumer_mut(consumer).recover_at = recover_after.map(|d| self.now.after(d));
        if let Some(d) = recover_after {
            self.sched.schedule(self.later(d), Due::Recover { consumer, life });
        }
        if let Some(q) = self.consumer_model(consumer).queue {
            self.pump(q);
        }
    }

    pub(crate) fn recover(&mut self, consumer: NodeId) {
        let cs = self.consumer_mut(consumer);
        cs.crashed = false;
        cs.recover_at = None;
        self.emit(consumer, None, None, Event::Recovered);
        if let Some(q) = self.consumer_model(consumer).queue {
            self.pump(q);
        }
        if self.consumer_model(consumer).log.is_some() && !self.consumer(consumer).away {
            // A restarted client is a new member: the old one leaves (if the coordinator has
            // not already timed it out) and the new one joins.
            if self.consumer(consumer).log.member {
                self.leave_group(consumer, crate::sim::trace::LeaveReason::Restarted, false);
            }
            self.join_group(consumer);
        }
    }

    /// A consumer starts, or comes back after a `leave`.
    pub(crate) fn start_consumer(&mut self, consumer: NodeId) {
        if !self.consumer(consumer).away {
            return;
        }
        self.consumer_mut(consumer).away = false;
        if self.consumer(consumer).crashed {
            return;
        }
        if self.consumer_model(consumer).log.is_some() {
            self.join_group(consumer);
        } else if let Some(q) = self.consumer_model(consumer).queue {
            self.pump(q);
        }
    }

    /// A clean stop: a topic consumer leaves its group (committing first under auto-commit);
    /// a queue consumer closes its channel, so its unacked deliveries are requeued. Work in
    /// progress is abandoned as in a crash.
    pub(crate) fn leave(&mut self, consumer: NodeId) {
        if self.consumer(consumer).away {
            return;
        }
        if self.consumer_model(consumer).log.is_some() {
            self.leave_group(consumer, crate::sim::trace::LeaveReason::Left, true);
        }
        let cs = self.consumer_mut(consumer);
        cs.away = true;
        cs.life += 1;
        let works = std::mem::take(&mut cs.works);
        for w in &works {
            if w.acked_early && self.envs[w.env.index()].state == (EnvState::AckedInProcess { consumer }) {
                self.end_copy(consumer, w.env, EnvState::Lost(LossReason::CrashAfterAck));
            }
        }
        if self.consumer_model(consumer).log.is_some() {
            let batch = std::mem::take(&mut self.consumer_mut(consumer).log.batch);
            for w in &works {
                if let Some(l) = w.log.as_ref().filter(|l| l.committed_before) {
                    self.lose_unprocessed(
                        consumer,
                        w.env,
                        ((l.topic, l.partition), l.offset),
                        LossReason::RevokedAfterCommit,
                    );
                }
            }
            for p in batch {
                if p.committed_before {
                    self.lose_unprocessed(
                        consumer,
                        p.env,
                        ((p.topic, p.partition), p.offset),
                        LossReason::RevokedAfterCommit,
                    );
                }
            }
        } else if self.consumer_model(consumer).queue.is_some() {
            self.close_channel(consumer, RequeueReason::ChannelClosed);
        }
    }

    /// The broker closes the consumer's channel and requeues its unacked deliveries.
    fn return_unacked(&mut self, consumer: NodeId, reason: RequeueReason) -> u32 {
        let cs = self.consumer_mut(consumer);
        cs.channel += 1;
        cs.buffer.clear();
        let unacked = std::mem::take(&mut cs.unacked);
        let n = unacked.len() as u32;
        let Some(queue) = self.consumer_model(consumer).queue else { return n };
        // Latest first, so that where requeues go to the head the earliest ends up first.
        for env in unacked.into_iter().rev() {
            self.queue_mut(queue).unacked -= 1;
            self.requeue(env, queue, reason);
        }
        n
    }

    pub(crate) fn ack_timeout(&mut self, consumer: NodeId, env: EnvId, channel: u32, delivery_count: u32) {
        let cs = self.consumer(consumer);
        let still = cs.channel == channel
            && cs.unacked.contains(&env)
            && self.envs[env.index()].delivery_count == delivery_count
            && matches!(self.envs[env.index()].state, EnvState::Unacked { consumer: c, .. } if c == consumer);
        if !still {
            return;
        }
        self.emit_env(consumer, env, Event::AckTimedOut);
        self.close_channel(consumer, RequeueReason::AckTimeout);
    }

    pub(crate) fn close_channel(&mut self, consumer: NodeId, reason: RequeueReason) {
        let requeued = self.consumer(consumer).unacked.len() as u32;
        self.emit(consumer, None, None, Event::ChannelClosed { requeued });
        self.return_unacked(consumer, reason);
        if let Some(q) = self.consumer_model(consumer).queue {
            self.pump(q);
        }
    }

    pub(crate) fn outage(&mut self, node: NodeId, duration: Duration) {
        let until = self.now.after(duration);
        let slot = match &mut self.nodes[node.index()] {
            NodeState::Exchange { outage_until } => outage_until,
            NodeState::Queue(q) => &mut q.outage_until,
            NodeState::Topic(t) => &mut t.outage_until,
            _ => return,
        };
        *slot = Some(slot.map_or(until, |u| u.max(until)));
        self.emit(node, None, None, Event::OutageStarted { until });
        self.sched.schedule(until, Due::OutageEnd { node });
        if let NodeKind::Queue(qm) = &self.model.nodes[node.index()].kind {
            let consumers = qm.consumers.clone();
            for c in consumers {
                if !self.consumer(c).crashed {
                    self.close_channel(c, RequeueReason::ChannelClosed);
                }
            }
        }
    }

    pub(crate) fn outage_end(&mut self, node: NodeId) {
        let now = self.now;
        let slot = match &mut self.nodes[node.index()] {
            NodeState::Exchange { outage_until } => outage_until,
            NodeState::Queue(q) => &mut q.outage_until,
            NodeState::Topic(t) => &mut t.outage_until,
            _ => return,
        };
        if slot.is_some_and(|u| u <= now) {
            *slot = None;
            self.emit(node, None, None, Event::OutageEnded);
            match &self.model.nodes[node.index()].kind {
                NodeKind::Queue(_) => self.pump(node),
                NodeKind::Topic(t) => {
                    for c in t.consumers.clone() {
                        self.log_pump(c);
                    }
                }
                _ => {}
            }
        }
    }
}
