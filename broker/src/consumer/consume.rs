//! Delivery and processing: the queue hands messages to its consumers round-robin within their
//! prefetch; each consumer works on up to `concurrency` of them at once, applies its business
//! effect, and acks, nacks or retries according to its delivery semantics and retry policy.
//!
//! ```text
//!  ready ──Delivered──▶ buffer ──ProcessingStarted──▶ work ──┬─ EffectApplied ─▶ Acked
//!    ▲                                                       ├─ ProcessingFailed ─▶ RetryScheduled ─▶ work
//!    └────────────── Requeued (nack, crash, ack timeout) ◀───┴─ gives up: Nacked / Dropped
//! ```
//!
//! At-most-once acks when processing starts; at-least-once acks after the effect; exactly-once
//! is at-least-once plus an idempotency table keyed by event ID, written in the same
//! transaction as the effect (so a redelivery finds it and skips the effect).

use crate::consumer::retry::backoff_ms;
use crate::consumer::Work;
use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::Duration;
use crate::model::ProcessingModel;
use crate::scenario::{CrashPoint, GiveUp, PublishMode, Semantics};
use crate::sim::death::DeathReason;
use crate::sim::message::EnvState;
use crate::sim::trace::{CrashCause, Event, FailReason, LossReason, RequeueReason};
use crate::sim::{Due, Simulation};

impl Simulation {
    /// Delivers what the queue can, starts what its consumers can, and repeats while starting
    /// work frees prefetch (at-most-once acks on start).
    pub(crate) fn pump(&mut self, queue: NodeId) {
        loop {
            self.deliver_round(queue);
            let mut freed = false;
            let n = self.queue_model(queue).consumers.len();
            for i in 0..n {
                let c = self.queue_model(queue).consumers[i];
                freed |= self.start_work(c);
            }
            let q = self.queue(queue);
            if !freed || q.ready.is_empty() || q.in_outage(self.now) {
                break;
            }
        }
    }

    fn deliver_round(&mut self, queue: NodeId) {
        let n = self.queue_model(queue).consumers.len();
        if n == 0 {
            return;
        }
        loop {
            let q = self.queue(queue);
            if q.ready.is_empty() || q.in_outage(self.now) {
                return;
            }
            // Round-robin from the cursor: the first consumer with room in its prefetch.
            let mut idx = q.rr % n;
            let mut chosen = None;
            for _ in 0..n {
                let c = self.queue_model(queue).consumers[idx];
                let cs = self.consumer(c);
                if !cs.crashed && !cs.away && cs.unacked.len() < self.prefetch_of(c, queue) {
                    chosen = Some((idx, c));
                    break;
                }
                idx = if idx + 1 == n { 0 } else { idx + 1 };
            }
            let Some((idx, consumer)) = chosen else { return };
            let q = self.queue_mut(queue);
            q.rr = if idx + 1 == n { 0 } else { idx + 1 };
            let env = q.pop_head().expect("checked non-empty");
            self.deliver(env, queue, consumer);
        }
    }

    /// basic.qos: the consumer's own prefetch, or else its queue's.
    #[inline]
    pub(crate) fn prefetch_of(&self, consumer: NodeId, queue: NodeId) -> usize {
        self.consumer_model(consumer).prefetch.unwrap_or(self.queue_model(queue).prefetch) as usize
    }

    fn deliver(&mut self, env: EnvId, queue: NodeId, consumer: NodeId) {
        let channel = self.consumer(consumer).channel;
        let e = &mut self.envs[env.index()];
        e.delivery_count += 1;
        e.channel = channel;
        let delivery_count = e.delivery_count;
        let redelivered = delivery_count > 1 || e.returns > 0;
        self.msgs[e.msg.index()].deliveries += 1;
        let q = self.queue_mut(queue);
        q.unacked += 1;
        q.delivered += 1;
        q.note_depth();
        let cs = self.consumer_mut(consumer);
        cs.unacked.push(env);
        cs.buffer.push_back(env);
        self.set_state(env, EnvState::Unacked { queue, consumer });
        if redelivered {
            self.counters.redeliveries += 1;
        }
        self.emit_env(queue, env, Event::Delivered { consumer, delivery_count, redelivered });
        if let Some(timeout) = self.queue_model(queue).ack_timeout {
            self.sched.schedule(self.later(timeout), Due::AckTimeout { consumer, env, channel, delivery_count });
        }
    }

    /// Starts buffered deliveries while the consumer has free slots. Returns whether any
    /// prefetch was freed (at-most-once acks on start), so the queue can deliver more.
    fn start_work(&mut self, consumer: NodeId) -> bool {
        let concurrency = self.consumer_model(consumer).concurrency as usize;
        let at_most_once = self.consumer_model(consumer).semantics == Semantics::AtMostOnce;
        let mut freed = false;
        loop {
            let cs = self.consumer(consumer);
            if cs.crashed || cs.away || cs.works.len() >= concurrency || cs.buffer.is_empty() {
                return freed;
            }
            let cs = self.consumer_mut(consumer);
            let env = cs.buffer.pop_front().expect("checked non-empty");
            let channel = cs.channel;
            let EnvState::Unacked { queue, .. } = self.envs[env.index()].state else {
                unreachable!("a buffered delivery is unacked");
            };
            let serial = self.next_work;
            self.next_work += 1;
            let base = self.consumer_model(consumer).retry.base_ms;
            self.consumer_mut(consumer).works.push(Work {
                serial,
                env,
                queue,
                channel,
                attempt: 1,
                acked_early: false,
                last_backoff_ms: base,
                log: None,
            });
            freed |= at_most_once;
            self.begin_attempt(consumer, serial);
        }
    }

    pub(crate) fn begin_attempt(&mut self, consumer: NodeId, serial: u32) {
        let cs = self.consumer(consumer);
        let Some(i) = cs.work_index(serial) else { return };
        let w = cs.works[i];
        let cm = self.consumer_model(consumer);
        let semantics = cm.semantics;
        // (A record from a topic was committed, or not, and crash-checked by the poll loop.)
        if w.attempt == 1 && w.log.is_none() {
            if semantics == Semantics::AtMostOnce {
                self.emit_env(consumer, w.env, Event::Acked);
                self.broker_forget(w.env, w.queue, consumer);
                self.envs[w.env.index()].set_acked(true);
                self.set_state(w.env, EnvState::AckedInProcess { consumer });
                self.consumer_mut(consumer).works[i].acked_early = true;
            }
            if self.crash_check(consumer, CrashPoint::BeforeProcessing, w.env) {
                return;
            }
        }
        self.emit_env(consumer, w.env, Event::ProcessingStarted { attempt: w.attempt });
        let ms = match self.consumer_model(consumer).processing {
            ProcessingModel::Fixed { ms } => ms,
            ProcessingModel::Uniform { min_ms, max_ms } => self.rng.uniform(min_ms, max_ms),
            ProcessingModel::Exponential { mean_ms } => self.rng.exponential(mean_ms),
        };
        let slow =
            self.consumer_model(consumer).slow_factor * self.consumer(consumer).action_slow_milli as f64 / 1000.0;
        let took = Duration::from_ms_f64(ms * slow);
        let life = self.consumer(consumer).life;
        self.sched.schedule(self.later(took), Due::ProcessingDone { consumer, life, serial });
    }

    /// Draws each crash fault configured for `point`; crashes the consumer if one fires.
    pub(crate) fn crash_check(&mut self, consumer: NodeId, point: CrashPoint, env: EnvId) -> bool {
        let n = self.consumer_model(consumer).crashes.len();
        for k in 0..n {
            let c = &self.consumer_model(consumer).crashes[k];
            if c.point != point || c.probability <= 0.0 {
                continue;
            }
            let (p, recover) = (c.probability, c.recover_after);
            if self.rng.chance(p) {
                let cause = match point {
                    CrashPoint::BeforeProcessing => CrashCause::BeforeProcessing,
                    CrashPoint::AfterEffect => CrashCause::AfterEffect,
                    CrashPoint::AfterAck => CrashCause::AfterAck,
                    CrashPoint::AfterPublish => CrashCause::AfterPublish,
                };
                self.crash_during(consumer, cause, Some(recover), Some(env));
                return true;
            }
        }
        false
    }

    fn is_poison(&self, consumer: NodeId, msg: MsgId) -> bool {
        let m = &self.msgs[msg.index()];
        self.consumer_model(consumer).poison.iter().any(|p| {
            p.every_nth.is_some_and(|n| (msg.0 + 1) % n == 0)
                || p.key.as_ref().is_some_and(|k| m.key().is_some_and(|i| self.keys[i as usize] == *k))
                || p.schema_version_above.is_some_and(|v| m.schema_version() > v)
        })
    }

    pub(crate) fn processing_done(&mut self, consumer: NodeId, serial: u32) {
        let Some(i) = self.consumer(consumer).work_index(serial) else { return };
        let w = self.consumer(consumer).works[i];
        let msg = self.envs[w.env.index()].msg;
        let now = self.now.0;
        let failure = if let Some(clash) = self.unreadable(consumer, msg) {
            self.note_unreadable(consumer, w.env, msg, clash);
            Some(FailReason::SchemaIncompatible)
        } else if self.is_poison(consumer, msg) {
            Some(FailReason::Poison)
        } else if self.consumer_model(consumer).downstream_outages.iter().any(|(a, b)| a.0 <= now && now < b.0) {
            Some(FailReason::DownstreamOutage)
        } else {
            let rate = self.consumer_model(consumer).transient_error_rate;
            (rate > 0.0 && self.rng.chance(rate)).then_some(FailReason::TransientError)
        };
        match failure {
            Some(reason) => self.attempt_failed(consumer, i, reason),
            None if self.consumer(consumer).works[i].log.is_some() => self.log_attempt_succeeded(consumer, i),
            None => self.attempt_succeeded(consumer, i),
        }
    }

    fn attempt_succeeded(&mut self, consumer: NodeId, i: usize) {
        let w = self.consumer(consumer).works[i];
        let msg = self.envs[w.env.index()].msg;
        let effect = self.effect_for(consumer, msg);
        let semantics = self.consumer_model(consumer).semantics;
        // An orchestrator's effect is its saga's next move, which sends what follows it.
        let orchestrates = self.orchestrates(consumer);
        let mode = if orchestrates { None } else { self.publish_mode(consumer) };
        if mode == Some(PublishMode::BeforeEffect) && self.publish_handled(consumer, msg, w.env) {
            return;
        }
        let applied = !(semantics == Semantics::ExactlyOnce && self.msgs[msg.index()].effect_count(effect) > 0);
        if orchestrates {
            self.saga_handle(consumer, msg);
        } else if applied {
            self.apply_effect(consumer, w.env, effect);
            if mode == Some(PublishMode::Outbox) {
                self.publish_outputs(consumer, msg, false);
            }
        } else {
            self.counters.duplicates_suppressed += 1;
            self.emit_env(consumer, w.env, Event::DuplicateSuppressed);
        }
        let now = self.now;
        self.envs[w.env.index()].effect_at.get_or_set(now);
        self.consumer_mut(consumer).processed += 1;
        if w.acked_early {
            // At-most-once acked on start: the broker is done with it, and so is the effect.
            self.set_state(w.env, EnvState::Acked);
        }
        if self.crash_check(consumer, CrashPoint::AfterEffect, w.env) {
            return;
        }
        if !orchestrates {
            // A responder answers a request, whether it did the work now or had done it before.
            self.send_reply(consumer, msg);
        }
        // An idempotent consumer that finds the effect done skips what follows it, the publish too.
        if applied && mode == Some(PublishMode::AfterEffect) && self.publish_handled(consumer, msg, w.env) {
            return;
        }
        if w.acked_early {
        } else if w.channel != self.consumer(consumer).channel {
            self.emit_env(consumer, w.env, Event::AckFailed);
        } else {
            let lose = self.consumer_model(consumer).lose_acks;
            if lose > 0.0 && self.rng.chance(lose) {
                self.emit_env(consumer, w.env, Event::AckLost);
                if self.queue_model(w.queue).ack_timeout.is_none() {
                    self.counters.acks_lost_without_timeout += 1;
                }
            } else {
                self.emit_env(consumer, w.env, Event::Acked);
                self.broker_forget(w.env, w.queue, consumer);
                self.envs[w.env.index()].set_acked(true);
                self.set_state(w.env, EnvState::Acked);
            }
        }
        self.finish_work(consumer, w.serial, w.queue);
        if self.crash_check(consumer, CrashPoint::AfterAck, w.env) {
            return;
        }
        self.pump(w.queue);
    }

    pub(crate) fn apply_effect(&mut self, consumer: NodeId, env: EnvId, effect: u16) {
        if let Some(p) = self.consumer_model(consumer).projection {
            return self.project(env, p);
        }
        let msg = self.envs[env.index()].msg;
        let m = &mut self.msgs[msg.index()];
        let count = match m.effects_mut().iter_mut().find(|(e, _)| *e == effect) {
            Some((_, c)) => {
                *c += 1;
                *c
            }
            None => {
                m.push_effect((effect, 1));
                1
            }
        };
        self.counters.effects_applied += 1;
        if count > 1 {
            self.counters.duplicate_effects += 1;
        }
        if let Some(key) = m.key() {
            if let Some(later) = self.applied_key_seq.apply(effect, key, m.key_seq, msg) {
                if m.overtaken_by().is_none() {
                    m.set_overtaken_by(later);
                    self.counters.out_of_order += 1;
                }
            }
        }
        self.emit_env(consumer, env, Event::EffectApplied { count });
    }

    fn attempt_failed(&mut self, consumer: NodeId, i: usize, reason: FailReason) {
        let w = self.consumer(consumer).works[i];
        self.emit_env(consumer, w.env, Event::ProcessingFailed { attempt: w.attempt, reason });
        let retry = self.consumer_model(consumer).retry;
        if retry.then == GiveUp::Block || w.attempt < retry.max_attempts || self.log_failure_blocks(&w, retry.then) {
            let delay_ms = backoff_ms(&retry, w.attempt, w.last_backoff_ms, &mut self.rng);
            let delay = Duration::from_ms_f64(delay_ms);
            let cs = self.consumer_mut(consumer);
            let work = &mut cs.works[i];
            work.attempt += 1;
            work.last_backoff_ms = delay_ms;
            let attempt = work.attempt;
            let life = cs.life;
            self.counters.consumer_retries += 1;
            self.emit_env(consumer, w.env, Event::RetryScheduled { attempt, delay_us: delay.0 });
            self.sched.schedule(self.later(delay), Due::RetryAttempt { consumer, life, serial: w.serial });
        } else {
            self.give_up(consumer, w, retry.then);
        }
    }

    pub(crate) fn retry_due(&mut self, consumer: NodeId, serial: u32) {
        self.begin_attempt(consumer, serial);
    }

    fn give_up(&mut self, consumer: NodeId, w: Work, then: GiveUp) {
        let msg = self.envs[w.env.index()].msg;
        self.publish_outputs(consumer, msg, true);
        if w.log.is_some() {
            return self.log_give_up(consumer, w, then);
        }
        self.finish_work(consumer, w.serial, w.queue);
        if w.acked_early {
            self.end_copy(consumer, w.env, EnvState::Lost(LossReason::FailedAfterAck));
        } else if w.channel != self.consumer(consumer).channel {
            // The broker already took it back when the channel closed.
            self.emit_env(consumer, w.env, Event::AckFailed);
        } else {
            match then {
                GiveUp::Requeue => {
                    self.emit_env(consumer, w.env, Event::Nacked { requeue: true });
                    self.broker_forget(w.env, w.queue, consumer);
                    self.requeue(w.env, w.queue, RequeueReason::Nack);
                }
                GiveUp::DeadLetter => {
                    self.emit_env(consumer, w.env, Event::Nacked { requeue: false });
                    self.broker_forget(w.env, w.queue, consumer);
                    self.dead_letter(w.env, w.queue, DeathReason::Rejected);
                }
                GiveUp::Drop | GiveUp::Block => {
                    self.emit_env(consumer, w.env, Event::Acked);
                    self.broker_forget(w.env, w.queue, consumer);
                    self.envs[w.env.index()].set_acked(true);
                    let why = crate::sim::trace::DropReason::GaveUp;
                    self.end_copy(consumer, w.env, EnvState::Dropped(why));
                }
            }
        }
        self.pump(w.queue);
    }

    fn finish_work(&mut self, consumer: NodeId, serial: u32, _queue: NodeId) {
        let cs = self.consumer_mut(consumer);
        if let Some(i) = cs.work_index(serial) {
            cs.works.remove(i);
        }
    }

    /// The broker forgets a delivery: an ack or a nack arrived on the live channel.
    pub(crate) fn broker_forget(&mut self, env: EnvId, queue: NodeId, consumer: NodeId) {
        if self.consumer_mut(consumer).remove_unacked(env) {
            self.queue_mut(queue).unacked -= 1;
        }
    }

    /// Puts an unacked envelope back in its queue (RabbitMQ's requeue), or dead-letters it if
    /// it has now been returned more often than the queue's delivery limit allows.
    pub(crate) fn requeue(&mut self, env: EnvId, queue: NodeId, reason: RequeueReason) {
        let qm = self.queue_model(queue);
        let (limit, at) = (qm.delivery_limit, crate::queue::requeue_position(qm.queue_type, qm.delivery_limit));
        let e = &mut self.envs[env.index()];
        e.returns += 1;
        if limit.is_some_and(|l| e.returns > l) {
            return self.dead_letter(env, queue, DeathReason::DeliveryLimit);
        }
        if self.expiries.get(env).is_some_and(|t| t <= self.now) {
            self.emit_env(queue, env, Event::Expired);
            return self.dead_letter(env, queue, DeathReason::Expired);
        }
        let original = e.order;
        let delivery_count = e.delivery_count;
        let q = self.queue_mut(queue);
        let order = q.requeue_order(at, original);
        let position = q.insert(order, env);
        self.envs[env.index()].order = order;
        self.set_state(env, EnvState::Ready { queue });
        self.emit_env(queue, env, Event::Requeued { position, reason, delivery_count });
    }
}
