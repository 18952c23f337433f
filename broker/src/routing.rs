//! Where a published envelope goes when it reaches a node: an exchange routes it (copying it
//! for each matching binding), a queue stores it, subject to its maximum length. A node in an
//! outage refuses it, and the producer finds out.

use crate::death::DeathReason;
use crate::exchange;
use crate::ids::{EnvId, NodeId};
use crate::message::EnvState;
use crate::model::NodeKind;
use crate::scenario::Overflow;
use crate::sim::{Due, NodeState, Simulation};
use crate::trace::{DropReason, Event, LossReason, PublishFailure};

impl Simulation {
    pub(crate) fn arrive(&mut self, env: EnvId, node: NodeId, from_producer: bool, attempt: u32) {
        let in_outage = match &self.nodes[node.index()] {
            NodeState::Exchange { outage_until } => outage_until.is_some_and(|u| self.now < u),
            NodeState::Queue(q) => q.in_outage(self.now),
            _ => false,
        };
        if in_outage {
            self.refused(env, node, from_producer, attempt);
            return;
        }
        match &self.model.nodes[node.index()].kind {
            NodeKind::Exchange(_) => self.route(env, node, attempt),
            NodeKind::Queue(_) => self.enqueue_published(env, node, from_producer.then_some(attempt)),
            _ => unreachable!("validation admits only exchanges and queues as publish targets"),
        }
    }

    fn refused(&mut self, env: EnvId, node: NodeId, from_producer: bool, attempt: u32) {
        let msg = self.envs[env.index()].msg;
        if from_producer {
            let producer = self.msgs[msg.index()].producer;
            self.emit_env(producer, env, Event::PublishFailed { attempt, reason: PublishFailure::Outage });
            self.msgs[msg.index()].settled_attempt = attempt;
            self.retry_or_give_up(msg, Some(env), EnvState::Lost(LossReason::PublishRefused));
        } else {
            self.emit_env(node, env, Event::Lost { reason: LossReason::QueueUnavailable });
            self.set_state(env, EnvState::Lost(LossReason::QueueUnavailable));
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
            .map(|(i, b)| (i as u16, b.link.clone()))
            .collect();
        if targets.is_empty() {
            self.emit_env(exchange, env, Event::Dropped { reason: DropReason::Unroutable });
            self.set_state(env, EnvState::Dropped(DropReason::Unroutable));
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
            self.send(copy, link.to, delay, false, attempt);
        }
    }

    /// Stores an envelope at the tail of a queue, then lets the queue deliver.
    pub(crate) fn enqueue(&mut self, env: EnvId, queue: NodeId) {
        self.enqueue_published(env, queue, None);
    }

    /// As `enqueue`; `attempt` is set when the producer published straight to this queue, so
    /// that a full `reject-publish` queue can nack the publish back to a producer that waits
    /// for confirms (which may then retry).
    pub(crate) fn enqueue_published(&mut self, env: EnvId, queue: NodeId, attempt: Option<u32>) {
        if self.envs[env.index()].route == crate::message::UNROUTED {
            self.envs[env.index()].route = 0;
        }
        let qm = self.queue_model(queue);
        let (max_length, overflow, ttl) = (qm.max_length, qm.overflow, qm.ttl);
        if let Some(max) = max_length {
            if self.queue(queue).ready.len() as u32 >= max {
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
                        match attempt {
                            Some(attempt) if self.uses_confirms(msg) => {
                                let producer = self.msgs[msg.index()].producer;
                                self.emit_env(
                                    producer,
                                    env,
                                    Event::PublishFailed { attempt, reason: PublishFailure::Rejected },
                                );
                                self.msgs[msg.index()].settled_attempt = attempt;
                                self.retry_or_give_up(msg, Some(env), EnvState::Dropped(DropReason::RejectPublish));
                            }
                            _ => {
                                self.emit_env(queue, env, Event::Dropped { reason: DropReason::RejectPublish });
                                self.set_state(env, EnvState::Dropped(DropReason::RejectPublish));
                            }
                        }
                        return;
                    }
                    Overflow::RejectPublishDlx => {
                        self.reset_for_queue(env);
                        return self.dead_letter(env, queue, DeathReason::Maxlen);
                    }
                }
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
            self.envs[env.index()].expires_at = Some(at);
            self.sched.schedule(at, Due::Expire { env, queue });
        }
        self.pump(queue);
    }

    /// A message entering a queue starts afresh there: no deliveries, no returns, no expiry.
    fn reset_for_queue(&mut self, env: EnvId) {
        let e = &mut self.envs[env.index()];
        e.delivery_count = 0;
        e.returns = 0;
        e.acked = false;
        e.dead_lettered = false;
        e.expires_at = None;
    }
}
