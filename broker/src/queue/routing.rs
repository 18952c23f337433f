//! Where a published envelope goes when it reaches a node: an exchange routes it (copying it
//! for each matching binding), a queue stores it, subject to its maximum length. A node in an
//! outage refuses it; a producer that waits for publisher confirms is nacked and may retry.

use crate::model::ids::{EnvId, NodeId};
use crate::model::NodeKind;
use crate::scenario::exchange;
use crate::scenario::Overflow;
use crate::sim::death::DeathReason;
use crate::sim::message::EnvState;
use crate::sim::trace::{DropReason, Event, LossReason, PublishFailure};
use crate::sim::{Due, NodeState, Simulation};

impl Simulation {
    pub(crate) fn arrive(&mut self, env: EnvId, node: NodeId, published: bool, attempt: u32) {
        let e = &mut self.envs[env.index()];
        e.set_in_transit(false);
        e.set_at_broker(true);
        let in_outage = match &self.nodes[node.index()] {
            NodeState::Exchange { outage_until } => outage_until.is_some_and(|u| self.now < u),
            NodeState::Queue(q) => q.in_outage(self.now),
            NodeState::Topic(t) => t.in_outage(self.now),
            _ => false,
        };
        if in_outage {
            self.refused(env, node, published, attempt);
            return;
        }
        match &self.model.nodes[node.index()].kind {
            NodeKind::Exchange(_) => self.route(env, node, attempt),
            NodeKind::Queue(_) => self.enqueue_published(env, node, published.then_some(attempt)),
            NodeKind::Topic(_) => self.log_arrive(env, node, attempt),
            _ => unreachable!("validation admits only exchanges and queues as publish targets"),
        }
    }

    /// A node in an outage refuses a published copy. A producer waiting for confirms (or
    /// publishing straight to this node) hears of it and may retry; otherwise the copy is lost.
    fn refused(&mut self, env: EnvId, node: NodeId, published: bool, attempt: u32) {
        let msg = self.envs[env.index()].msg;
        let direct = self.producer_target(msg) == Some(node);
        if published && (direct || self.uses_confirms(msg)) {
            let loss = if direct { LossReason::PublishRefused } else { LossReason::QueueUnavailable };
            self.nack_publish(env, node, attempt, PublishFailure::Outage, EnvState::Lost(loss));
        } else {
            self.end_copy(node, env, EnvState::Lost(LossReason::QueueUnavailable));
        }
    }

    /// The broker nacks publish attempt `attempt` (RabbitMQ's basic.nack under publisher
    /// confirms): the producer retries or gives up, leaving this copy in `gave_up`. If the
    /// attempt was already answered (another of its copies was refused first, or a later
    /// attempt is under way), this copy is simply refused.
    pub(crate) fn nack_publish(
        &mut self,
        env: EnvId,
        node: NodeId,
        attempt: u32,
        reason: PublishFailure,
        gave_up: EnvState,
    ) {
        if !self.tell_refused(env, attempt, reason, Some(env), gave_up) {
            self.end_copy(node, env, gave_up);
        }
    }

    /// The producer of `env`'s message hears that attempt `attempt` was refused, if it still
    /// waits for that attempt's answer, and retries (with the copy `reuse`, or a new one) or
    /// gives up. Says whether it was told.
    fn tell_refused(
        &mut self,
        env: EnvId,
        attempt: u32,
        reason: PublishFailure,
        reuse: Option<EnvId>,
        gave_up: EnvState,
    ) -> bool {
        let msg = self.envs[env.index()].msg;
        let m = &self.msgs[msg.index()];
        if !m.awaits_answer(attempt) {
            return false;
        }
        let producer = m.producer;
        self.emit_env(producer, env, Event::PublishFailed { attempt, reason });
        self.msgs[msg.index()].set_settled_attempt(attempt);
        self.retry_or_give_up(msg, reuse, gave_up);
        true
    }

    fn producer_target(&self, msg: crate::model::ids::MsgId) -> Option<NodeId> {
        match &self.model.nodes[self.msgs[msg.index()].producer.index()].kind {
            NodeKind::Producer(p) => p.target.as_ref().map(|l| l.to),
            _ => None,
        }
    }

    fn route(&mut self, env: EnvId, exchange: NodeId, attempt: u32) {
        let NodeKind::Exchange(em) = &self.model.nodes[exchange.index()].kind else { unreachable!() };
        let msg = self.envs[env.index()].msg;
        let m = &self.msgs[msg.index()];
        let routing_key = match &self.model.nodes[m.producer.index()].kind {
            NodeKind::Producer(p) => p.routing_key.clone(),
            _ => None,
        }
        .unwrap_or_else(|| self.event_types[m.event_type as usize].clone());
        let targets: Vec<_> = em
            .bindings
            .iter()
            .enumerate()
            .filter(|(_, b)| exchange::routes(em.exchange_type, b.key.as_deref(), &routing_key))
            .map(|(i, b)| (i as u16, b.link))
            .collect();
        if targets.is_empty() {
            self.end_copy(exchange, env, EnvState::Dropped(DropReason::Unroutable));
            return;
        }
        for (i, (route, link)) in targets.into_iter().enumerate() {
            let copy = if i == 0 {
                env
            } else {
                let deaths = self.envs[env.index()].deaths.clone();
                self.new_envelope(msg, deaths)
            };
            self.envs[copy.index()].route = route;
            let delay = self.wire_delay(link.delay, link.jitter);
            self.send(copy, link.to, delay, true, attempt);
        }
    }

    /// Stores an envelope at the tail of a queue, then lets the queue deliver.
    pub(crate) fn enqueue(&mut self, env: EnvId, queue: NodeId) {
        self.enqueue_published(env, queue, None);
    }

    /// As `enqueue`; `attempt` is set for a copy of a producer's publish (straight or through
    /// an exchange), so that a full `reject-publish` queue can nack it back to a producer that
    /// waits for confirms (which may then retry, duplicating the copies other queues took).
    pub(crate) fn enqueue_published(&mut self, env: EnvId, queue: NodeId, attempt: Option<u32>) {
        if self.envs[env.index()].route == crate::sim::message::UNROUTED {
            self.envs[env.index()].route = 0;
        }
        let qm = self.queue_model(queue);
        let (max_length, overflow, ttl) = (qm.max_length, qm.overflow, qm.ttl);
        let quorum = qm.queue_type == crate::scenario::QueueType::Quorum;
        if let Some(max) = max_length {
            let ready = self.queue(queue).ready.len() as u32;
            // A quorum queue (RabbitMQ's rabbit_fifo) checks its length after it has taken a
            // message: reject-publish lets the queue go one over max_length, then refuses
            // publishes until it is down to its soft limit, 80% of max_length. A classic
            // queue refuses any publish that would go over.
            let full = if quorum && overflow == Overflow::RejectPublish {
                let q = self.queue_mut(queue);
                if q.rejecting && u64::from(ready) <= u64::from(max) * 4 / 5 {
                    q.rejecting = false;
                }
                q.rejecting
            } else {
                ready >= max
            };
            if full {
                match overflow {
                    Overflow::DropHead => {
                        // RabbitMQ drops (or dead-letters) from the head to make room; with a
                        // max length of 0 the new message is the one at the head.
                        let head = if max == 0 { None } else { self.queue_mut(queue).pop_head() };
                        match head {
                            Some(h) => self.dead_letter(h, queue, DeathReason::Maxlen),
                            None => {
                                self.reset_for_queue(env);
                                return self.dead_letter(env, queue, DeathReason::Maxlen);
                            }
                        }
                    }
                    Overflow::RejectPublish => {
                        let msg = self.envs[env.index()].msg;
                        let gave_up = EnvState::Dropped(DropReason::RejectPublish);
                        match attempt {
                            Some(attempt) if self.uses_confirms(msg) => {
                                self.nack_publish(env, queue, attempt, PublishFailure::Rejected, gave_up)
                            }
                            _ => {
                                self.end_copy(queue, env, EnvState::Dropped(DropReason::RejectPublish));
                            }
                        }
                        return;
                    }
                    Overflow::RejectPublishDlx => {
                        // Dead-lettered, and a producer that waits for confirms is nacked too
                        // (it may publish again, and that copy is dead-lettered as well).
                        self.reset_for_queue(env);
                        let msg = self.envs[env.index()].msg;
                        self.dead_letter(env, queue, DeathReason::Maxlen);
                        if let Some(attempt) = attempt.filter(|_| self.uses_confirms(msg)) {
                            let gave_up = EnvState::Dropped(DropReason::RejectPublish);
                            self.tell_refused(env, attempt, PublishFailure::Rejected, None, gave_up);
                        }
                        return;
                    }
                }
            }
            if quorum && overflow == Overflow::RejectPublish && ready + 1 > max {
                self.queue_mut(queue).rejecting = true;
            }
        }
        self.reset_for_queue(env);
        let q = self.queue_mut(queue);
        let order = q.tail_order();
        let position = q.insert(order, env);
        self.envs[env.index()].order = order;
        self.set_state(env, EnvState::Ready { queue });
        self.emit_env(queue, env, Event::Enqueued { position });
        if let Some(ttl) = ttl {
            let at = self.later(ttl);
            self.expiries.set(env, at);
            self.sched.schedule(at, Due::Expire { env, queue });
        }
        // Messages were already waiting: the last delivery round left them because no consumer
        // could take one (every change that frees a consumer runs a round), so a message
        // behind them changes nothing. Skipping the round matters on a long backlog, where a
        // publish is most of the events. Debug builds run it anyway and check that it does
        // nothing. The one exception is an outage that has run out at this very moment while
        // its end, due now too, has not been handled yet: the queue delivers again, and no
        // round has run since, so this publish runs it.
        if position == 0 || self.queue(queue).outage_until.is_some() {
            self.pump(queue);
        } else if cfg!(debug_assertions) {
            let events = self.trace.len();
            self.pump(queue);
            debug_assert_eq!(
                events,
                self.trace.len(),
                "a publish behind a backlog delivered something at {}",
                self.now
            );
        }
    }

    /// A message entering a queue starts afresh there: no deliveries, no returns, no expiry.
    fn reset_for_queue(&mut self, env: EnvId) {
        let e = &mut self.envs[env.index()];
        e.delivery_count = 0;
        e.returns = 0;
        e.set_acked(false);
        e.set_dead_lettered(false);
        self.expiries.clear(env);
    }
}
