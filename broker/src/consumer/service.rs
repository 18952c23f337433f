//! A service: a consumer that publishes what it handles. For each message it has handled (or
//! given up on), the rule for its event type names the event types to publish; each becomes a
//! new message from the service, with the input's key and the input as its cause, published
//! through the producer machinery (the one outgoing wire, confirms and retries, partitions).
//!
//! ```text
//!   publish_mode after_effect:   effect ─✗ after_effect─▶ publish ─✗ after_publish─▶ ack
//!   publish_mode before_effect:  publish ─✗ after_publish─▶ effect ─✗ after_effect─▶ ack
//!   publish_mode outbox:         effect + outbox row ─✗ after_effect─▶ ack
//!                                relay, every 100 ms: publish ─✗ after_publish─▶ mark sent
//!   publish_mode transaction:    effect + outputs + read offset, one Kafka transaction
//! ```
//!
//! A crash between the effect and the publish loses the event downstream when the redelivery
//! finds the effect done and skips it (an idempotent consumer skips the publish with it); a
//! crash between the publish and the effect has announced work that was not done.

use crate::model::ids::{MsgId, NodeId};
use crate::model::NodeKind;
use crate::producer::ProducerState;
use crate::scenario::{CrashPoint, PublishMode};
use crate::sim::message::Message;
use crate::sim::trace::Event;
use crate::sim::Simulation;

/// A service's publishing side while it runs.
#[derive(Clone, Debug)]
pub struct ServiceState {
    /// Its publishes, as a producer's: numbering, retries in flight, epochs.
    pub publisher: ProducerState,
    /// Its rules, event types and effects interned.
    pub rules: Vec<Rule>,
    /// Its sagas, if it is an orchestrator.
    pub saga: Option<Box<crate::saga::Orchestration>>,
}

/// One rule of a service, interned.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The input event type, or any.
    pub on: Option<u16>,
    pub publish: Vec<u16>,
    pub give_up: Vec<u16>,
    /// The effect for this input, instead of the consumer's.
    pub effect: Option<u16>,
    /// The reply to a request's reply-to.
    pub reply: Option<u16>,
}

impl Simulation {
    /// The message a service handled when it published `msg` (its causation id), if a service
    /// published it and it exists yet.
    pub fn cause_of(&self, msg: MsgId) -> Option<MsgId> {
        (msg.index() < self.msgs.len()).then(|| self.msgs[msg.index()].cause()).flatten()
    }

    /// The first message of `msg`'s flow (its correlation id): up its causes to the
    /// producer's message that started it.
    pub fn flow_of(&self, msg: MsgId) -> MsgId {
        let mut at = msg;
        while let Some(cause) = self.msgs[at.index()].cause() {
            at = cause;
        }
        at
    }

    /// The service's rule for `msg`'s event type: the one that names it, else the one for any.
    pub(crate) fn rule_for(&self, service: NodeId, msg: MsgId) -> Option<&Rule> {
        self.rule_for_type(service, self.msgs[msg.index()].event_type)
    }

    fn rule_for_type(&self, service: NodeId, input: u16) -> Option<&Rule> {
        let out = self.consumer(service).output.as_deref()?;
        out.rules.iter().find(|r| r.on == Some(input)).or_else(|| out.rules.iter().find(|r| r.on.is_none()))
    }

    /// The effect the consumer applies for `msg`: its rule's, if that names one, else its own.
    pub(crate) fn effect_for(&self, consumer: NodeId, msg: MsgId) -> u16 {
        self.effect_for_type(consumer, self.msgs[msg.index()].event_type)
    }

    /// The effect the consumer applies to a message of `event_type`.
    pub(crate) fn effect_for_type(&self, consumer: NodeId, event_type: u16) -> u16 {
        self.rule_for_type(consumer, event_type)
            .and_then(|r| r.effect)
            .unwrap_or(self.consumer_effect[consumer.index()])
    }

    /// The consumer's publish mode, if it is a service.
    pub(crate) fn publish_mode(&self, consumer: NodeId) -> Option<PublishMode> {
        match &self.model.nodes[consumer.index()].kind {
            NodeKind::Consumer(c) => c.output.as_ref().map(|o| o.mode),
            _ => None,
        }
    }

    /// The service publishes its outputs for `cause`, handled, then may crash at
    /// `after_publish`. Returns whether it crashed.
    pub(crate) fn publish_handled(&mut self, service: NodeId, cause: MsgId, env: crate::model::ids::EnvId) -> bool {
        self.publish_outputs(service, cause, false);
        self.crash_check(service, CrashPoint::AfterPublish, env)
    }

    /// Publishes what the service's rule for `cause`'s event type says: on success, or on
    /// giving up. A rule that names the event type wins over one for any.
    pub(crate) fn publish_outputs(&mut self, service: NodeId, cause: MsgId, gave_up: bool) {
        let Some(rule) = self.rule_for(service, cause) else { return };
        let types = if gave_up { rule.give_up.clone() } else { rule.publish.clone() };
        for event_type in types {
            if self.publish_caused(service, cause, event_type, gave_up).is_none() {
                return;
            }
        }
    }

    /// Publishes one message of `event_type` from the service, caused by `cause` and keyed as
    /// it is; `None` when the run has reached its message budget (and halts).
    pub(crate) fn publish_caused(
        &mut self,
        service: NodeId,
        cause: MsgId,
        event_type: u16,
        gave_up: bool,
    ) -> Option<MsgId> {
        let msg = self.new_caused(service, cause, event_type, gave_up)?;
        self.choose_partition(service, msg);
        if self.publish_mode(service) == Some(PublishMode::Outbox) {
            // Written in the transaction with the effect; the relay publishes it.
            self.emit(service, Some(msg), None, Event::Written { outbox: true });
            self.msgs[msg.index()].set_publishing(true);
            self.producer_mut(service).outbox.push_back(msg);
        } else {
            self.publish_attempt(msg, None);
        }
        Some(msg)
    }

    /// A new message of `event_type` from the service, caused by `cause` and keyed as it is,
    /// not yet published; `None` when the run has reached its message budget (and halts).
    pub(crate) fn new_caused(
        &mut self,
        service: NodeId,
        cause: MsgId,
        event_type: u16,
        gave_up: bool,
    ) -> Option<MsgId> {
        if self.msgs.len() >= crate::sim::MESSAGE_BUDGET {
            self.halt(crate::sim::Limit::Messages);
            return None;
        }
        let c = &self.msgs[cause.index()];
        let (key, key_seq) = (c.key(), c.key_seq);
        let s = self.producer_mut(service);
        s.published += 1;
        let number = s.published;
        let msg = MsgId(self.msgs.len() as u32);
        let mut m = Message::new(service, number, key, key_seq, event_type, 1, self.now);
        m.set_cause(cause);
        self.msgs.push(m);
        self.emit(service, Some(msg), None, Event::Caused { cause, gave_up });
        Some(msg)
    }
}
