//! Dead-lettering, expiry and redrive, following RabbitMQ's "Dead Letter Exchanges" and "Time-
//! To-Live and Expiration" pages (3.13/4.0): a message that is rejected without requeue,
//! expires, is pushed out by max length, or passes its delivery limit goes to the queue's
//! dead-letter target with a death record; with no target it is dropped. A redrive moves the
//! contents of a dead-letter queue back to the queue (or topic) each message died in.
//!
//! One simplification: RabbitMQ's classic queues only discard expired messages when they reach
//! the head; here every message expires at its own time. Consumers never see an expired
//! message either way; only the moment of dead-lettering differs.

use crate::model::ids::{EnvId, NodeId};
use crate::model::NodeKind;
use crate::sim::death::{is_cycle, record_death, DeathReason};
use crate::sim::message::EnvState;
use crate::sim::trace::{DropReason, Event};
use crate::sim::{NodeState, Simulation};

impl Simulation {
    /// `env` has already left the queue's ready list and its consumer's unacked list.
    /// Dead-letters a copy; an orchestrator whose saga waits on it hears of it.
    pub(crate) fn dead_letter(&mut self, env: EnvId, queue: NodeId, reason: DeathReason) {
        self.dead_letter_copy(env, queue, reason);
        self.saga_command_died(self.envs[env.index()].msg);
    }

    fn dead_letter_copy(&mut self, env: EnvId, queue: NodeId, reason: DeathReason) {
        debug_assert!(!self.envs[env.index()].acked(), "an acked message cannot be dead-lettered");
        self.envs[env.index()].set_dead_lettered(true);
        self.queue_mut(queue).dead_lettered += 1;
        let target = self.queue_model(queue).dead_letter;
        let Some(target) = target else {
            let why = DropReason::for_death(reason);
            self.end_copy(queue, env, EnvState::Dropped(why));
            return;
        };
        if is_cycle(&self.envs[env.index()].deaths, target) {
            self.end_copy(queue, env, EnvState::Dropped(DropReason::DeadLetterCycle));
            return;
        }
        let now = self.now;
        let count = record_death(&mut self.envs[env.index()].deaths, queue, reason, now);
        self.emit_env(queue, env, Event::DeadLettered { reason, target, count });
        match &mut self.nodes[target.index()] {
            NodeState::DeadLetterQueue { held } => {
                held.push(env);
                self.set_state(env, EnvState::DeadLettered { dlq: target });
            }
            NodeState::Queue(_) => self.enqueue(env, target),
            _ => unreachable!("validation admits only queues and dead-letter queues as targets"),
        }
    }

    pub(crate) fn expire(&mut self, env: EnvId, queue: NodeId) {
        let e = &self.envs[env.index()];
        if e.state != (EnvState::Ready { queue }) || self.expiries.get(env).is_none_or(|t| t > self.now) {
            return;
        }
        let order = e.order;
        self.queue_mut(queue).remove(order);
        self.emit_env(queue, env, Event::Expired);
        self.dead_letter(env, queue, DeathReason::Expired);
    }

    /// Moves every dead letter in `dlq` back to the queue it died in (its newest death
    /// record), or to `to`.
    pub(crate) fn redrive(&mut self, dlq: NodeId, to: Option<NodeId>) {
        let target_of = |sim: &Simulation, env: EnvId| -> Option<NodeId> {
            let t = to.or_else(|| sim.envs[env.index()].deaths.first().map(|d| d.queue))?;
            (matches!(sim.model.nodes[t.index()].kind, NodeKind::Queue(_) | NodeKind::Topic(_)) && t != dlq)
                .then_some(t)
        };
        let moves: Vec<(EnvId, NodeId)> = match &self.nodes[dlq.index()] {
            NodeState::DeadLetterQueue { held } => {
                held.iter().filter_map(|e| target_of(self, *e).map(|t| (*e, t))).collect()
            }
            // A plain queue used as a dead-letter target: take the messages that died.
            NodeState::Queue(q) => q
                .ready
                .envelopes()
                .filter(|e| !self.envs[e.index()].deaths.is_empty())
                .filter_map(|e| target_of(self, e).map(|t| (e, t)))
                .collect(),
            _ => return,
        };
        // The moved ones leave the dead-letter queue in one pass (one at a time would cost a
        // pass over the whole queue per message). Nothing below reads it before they are gone.
        let mut moving = moves.iter().map(|m| m.0).peekable();
        let mut gone = |e: EnvId| {
            let gone = moving.peek() == Some(&e);
            if gone {
                moving.next();
            }
            gone
        };
        match &mut self.nodes[dlq.index()] {
            NodeState::DeadLetterQueue { held } => held.retain(|e| !gone(*e)),
            NodeState::Queue(q) => q.ready.retain(|e| !gone(e)),
            _ => {}
        }
        for (env, target) in moves {
            self.emit_env(dlq, env, Event::Redriven { to: target });
            if let NodeKind::Topic(_) = self.model.nodes[target.index()].kind {
                // Back to the topic it failed in: a new record at the end of its partition.
                self.set_state(env, EnvState::Publishing);
                let msg = self.envs[env.index()].msg;
                let partition = self.partition_for(msg, target);
                let route = self.envs[env.index()].route;
                self.append(env, target, partition, Some(route));
            } else {
                self.enqueue(env, target);
            }
        }
    }
}
