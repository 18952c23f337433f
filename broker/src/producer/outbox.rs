//! The producer's side of reliability: its own business write (e.g. "save order") and how the
//! event about it gets published.
//!
//! ```text
//!   dual write, write then publish:   Written ──✗ crash──▶ the event is never published (lost)
//!   dual write, publish then write:   Published ──✗ crash──▶ WriteRolledBack (a phantom event)
//!   transactional outbox:             Written (+ outbox row, one transaction)
//!                                     relay, every relay_interval: Published ... mark sent
//!                                       ✗ crash before marking: published again (duplicate)
//! ```
//!
//! A crashed producer is down for its recovery time: requests that arrive meanwhile fail
//! before anything is written, so they make no event. When it comes back it is a new producer
//! id to the broker (a new epoch), so the idempotent producer's sequence numbers cannot
//! deduplicate what the outbox relay publishes again; the consumer has to (exactly-once).

use crate::model::ids::{MsgId, NodeId};
use crate::scenario::WriteOrder;
use crate::sim::message::EnvState;
use crate::sim::trace::{CrashCause, Event, LossReason};
use crate::sim::{Due, Simulation};

impl Simulation {
    /// The business write for a new message, then its publish as the design says.
    pub(crate) fn write_and_publish(&mut self, producer: NodeId, msg: MsgId) {
        let w = self.producer_model(producer).write.clone().expect("a producer with a business write");
        if w.outbox {
            self.emit(producer, Some(msg), None, Event::Written { outbox: true });
            self.msgs[msg.index()].set_publishing(true);
            self.producer_mut(producer).outbox.push_back(msg);
            return;
        }
        match w.order {
            WriteOrder::WriteThenPublish => {
                self.emit(producer, Some(msg), None, Event::Written { outbox: false });
                if self.producer_crash_draw(producer) {
                    self.producer_crash(producer, msg, CrashCause::BetweenWriteAndPublish);
                    self.msgs[msg.index()].set_publishing(false);
                    let env = self.new_envelope(msg, Default::default());
                    self.end_copy(producer, env, EnvState::Lost(LossReason::NeverPublished));
                } else {
                    self.publish_attempt(msg, None);
                }
            }
            WriteOrder::PublishThenWrite => {
                self.publish_attempt(msg, None);
                if self.producer_crash_draw(producer) {
                    self.producer_crash(producer, msg, CrashCause::BetweenWriteAndPublish);
                    self.msgs[msg.index()].set_phantom();
                    self.emit(producer, Some(msg), None, Event::WriteRolledBack);
                } else {
                    self.emit(producer, Some(msg), None, Event::Written { outbox: false });
                }
            }
        }
    }

    fn producer_crash_draw(&mut self, producer: NodeId) -> bool {
        match self.producer_model(producer).crash {
            Some((p, _)) if p > 0.0 => self.rng.chance(p),
            _ => false,
        }
    }

    fn producer_crash(&mut self, producer: NodeId, msg: MsgId, cause: CrashCause) {
        let recover = self.producer_model(producer).crash.map(|(_, r)| r).unwrap_or_default();
        let until = self.later(recover);
        let s = self.producer_mut(producer);
        s.epoch += 1;
        s.down_until = Some(until);
        self.emit(producer, Some(msg), None, Event::Crashed { cause });
        self.sched.schedule(until, Due::ProducerRecover { producer });
    }

    pub(crate) fn producer_recover(&mut self, producer: NodeId) {
        let now = self.now;
        let s = self.producer_mut(producer);
        if s.down_until.is_some_and(|u| u <= now) {
            s.down_until = None;
            self.emit(producer, None, None, Event::Recovered);
            // A transactional producer comes back as a new epoch of its transactional id.
            self.txn_fence(producer);
        }
    }

    /// The outbox relay publishes every row not yet marked sent, oldest first, marking each
    /// sent once it is published.
    pub(crate) fn relay_tick(&mut self, producer: NodeId) {
        let every = self.producer_model(producer).write.as_ref().map(|w| w.relay_interval).unwrap_or_default();
        let next = self.later(every.max(crate::model::time::Duration(1)));
        if next <= self.end {
            self.sched.schedule(next, Due::RelayTick { producer });
        }
        if self.producer_down(producer) {
            return;
        }
        let service = matches!(self.model.nodes[producer.index()].kind, crate::model::NodeKind::Consumer(_));
        while let Some(&msg) = self.producer_mut(producer).outbox.front() {
            self.publish_attempt(msg, None);
            if service {
                // A service's relay runs in its process: its crash at `after_publish` is here.
                let env = *self.msgs[msg.index()].envelopes().last().expect("just published");
                if self.crash_check(producer, crate::scenario::CrashPoint::AfterPublish, env) {
                    return;
                }
            } else if self.producer_crash_draw(producer) {
                self.producer_crash(producer, msg, CrashCause::RelayBeforeMarkingSent);
                return;
            }
            self.producer_mut(producer).outbox.pop_front();
        }
    }
}
