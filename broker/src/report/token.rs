//! Tokens: where each live copy of a message is, in the compact form the app's animation
//! needs sixty times a second. A [`Snapshot`](crate::Snapshot) says the same in words and
//! strings for people and tests; a token is a few integers, so that drawing thousands of
//! messages costs no allocation per message.
//!
//! ```text
//!   trace entry (env) ──▶ Simulation::token(env) ──▶ Some(Token { place, attempt, .. })
//!                                                    None: the copy is done (acked,
//!                                                          processed, dropped or lost)
//!   after a seek ───────▶ Simulation::tokens()   ──▶ every live copy, in copy order
//! ```
//!
//! The place is the core's own account of the copy; the app only decides how it looks.

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::sim::message::EnvState;
use crate::sim::{NodeState, Simulation};

/// Where a copy is, by node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// On its way from its producer to the broker (or waiting to be sent again).
    Publishing { producer: NodeId },
    /// Waiting in a queue.
    Queued { queue: NodeId },
    /// In a topic's partition, not yet processed by its consumer group.
    InLog { topic: NodeId, partition: u32 },
    /// Delivered to (or fetched by) a consumer: waiting in its buffer, being processed, or
    /// waiting out a retry backoff.
    AtConsumer { consumer: NodeId },
    /// Held by a dead-letter queue.
    DeadLettered { dlq: NodeId },
}

impl Place {
    pub fn node(self) -> NodeId {
        match self {
            Place::Publishing { producer } => producer,
            Place::Queued { queue } => queue,
            Place::InLog { topic, .. } => topic,
            Place::AtConsumer { consumer } => consumer,
            Place::DeadLettered { dlq } => dlq,
        }
    }
}

/// One live copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub copy: EnvId,
    pub msg: MsgId,
    /// Index of the message's key (see [`Simulation::key_name`]); `None` when unkeyed.
    pub key: Option<u32>,
    pub place: Place,
    /// Deliveries from its current queue (1 for the first), or 0 before any.
    pub delivery_count: u32,
    /// The consumer's attempt at it, while a consumer holds it (1 for the first).
    pub attempt: u32,
    /// It has died at least once (dead-lettered, perhaps redriven since).
    pub dead: bool,
}

impl Simulation {
    /// Where copy `env` is now, or `None` when it is done or gone (or no such copy exists).
    pub fn token(&self, env: EnvId) -> Option<Token> {
        let e = self.envs.get(env.index())?;
        let place = match e.state {
            EnvState::Publishing => Place::Publishing { producer: self.msgs[e.msg.index()].producer },
            EnvState::Ready { queue } => Place::Queued { queue },
            EnvState::Unacked { consumer, .. } | EnvState::AckedInProcess { consumer } => {
                Place::AtConsumer { consumer }
            }
            EnvState::InLog { topic, partition } => match self.worker_of(env) {
                Some(consumer) => Place::AtConsumer { consumer },
                // Processed by its group: the log keeps it, but nothing is left to show.
                None if e.effect_at.is_some() => return None,
                None => Place::InLog { topic, partition },
            },
            EnvState::DeadLettered { dlq } => Place::DeadLettered { dlq },
            EnvState::Acked | EnvState::Dropped(_) | EnvState::Lost(_) => return None,
        };
        let attempt = match place {
            Place::AtConsumer { consumer } => self.attempt_at(consumer, env),
            _ => 0,
        };
        Some(Token {
            copy: env,
            msg: e.msg,
            key: self.msgs[e.msg.index()].key(),
            place,
            delivery_count: e.delivery_count,
            attempt,
            dead: !e.deaths.is_empty(),
        })
    }

    /// Every live copy, in copy order. It scans every copy ever made: call it after a seek,
    /// not every frame (per frame, ask [`Simulation::token`] about the copies the trace
    /// mentions).
    pub fn tokens(&self) -> Vec<Token> {
        let mut out = Vec::new();
        for (i, e) in self.envs.iter().enumerate() {
            if e.state.is_final() {
                continue;
            }
            if let Some(t) = self.token(EnvId(i as u32)) {
                out.push(t);
            }
        }
        out
    }

    /// The text of key number `key` (see [`Token::key`]).
    pub fn key_name(&self, key: u32) -> &str {
        self.keys.get(key as usize).map_or("", String::as_str)
    }

    /// How many messages have been published so far.
    pub fn messages(&self) -> usize {
        self.msgs.len()
    }

    /// Copies not yet in a final state (acked, dropped or lost): what a clone of the
    /// simulation copies, since finished messages stay shared (see `sim::cow_vec`).
    pub fn live_copies(&self) -> usize {
        let all: u64 = self.env_counts.iter().sum();
        (all - EnvState::FINAL_SLOTS.iter().map(|&s| self.env_counts[s]).sum::<u64>()) as usize
    }

    /// The consumer working on a topic record's copy, if one is.
    fn worker_of(&self, env: EnvId) -> Option<NodeId> {
        self.nodes.iter().enumerate().find_map(|(i, n)| match n {
            NodeState::Consumer(c) if c.works.iter().any(|w| w.env == env) || c.buffer.contains(&env) => {
                Some(NodeId(i as u32))
            }
            _ => None,
        })
    }

    fn attempt_at(&self, consumer: NodeId, env: EnvId) -> u32 {
        match &self.nodes[consumer.index()] {
            NodeState::Consumer(c) => c.works.iter().find(|w| w.env == env).map_or(0, |w| w.attempt),
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimTime;

    #[test]
    fn tokens_follow_a_message_from_queue_to_consumer_to_the_dead_letter_queue() {
        let mut sim = crate::load(crate::report::snapshot::POISON_TO_DLQ).unwrap();
        sim.advance_to(SimTime::from_ms(50));
        let tokens = sim.tokens();
        assert_eq!(tokens.len(), 6);
        let (q, c, dlq) = (sim.node_id("q").unwrap(), sim.node_id("c").unwrap(), sim.node_id("dlq").unwrap());
        assert_eq!(tokens.iter().filter(|t| t.place == Place::Queued { queue: q }).count(), 4);
        // Prefetch 2: one being processed, one waiting in the consumer's buffer.
        let at_consumer: Vec<&Token> = tokens.iter().filter(|t| t.place == Place::AtConsumer { consumer: c }).collect();
        assert_eq!(at_consumer.len(), 2);
        let held = at_consumer.iter().find(|t| t.attempt == 1).unwrap();
        assert_eq!((held.attempt, held.delivery_count, held.dead), (1, 1, false));
        assert_eq!(sim.key_name(held.key.unwrap()), "k-1");
        assert_eq!(sim.token(held.copy), Some(**held));
        sim.run_to_end();
        let tokens = sim.tokens();
        assert_eq!(tokens.len(), 6);
        assert!(tokens.iter().all(|t| t.place == Place::DeadLettered { dlq } && t.dead));
        assert_eq!(sim.token(EnvId(999)), None);
    }

    #[test]
    fn a_processed_topic_record_is_no_longer_a_token() {
        let mut sim = crate::load(
            r#"{"version":1,"duration_ms":5000,"nodes":[
              {"id":"p","kind":"producer","count":2,"arrivals":{"fixed":{"interval_ms":10}},"keys":["a","b"]},
              {"id":"t","kind":"topic","partitions":2},
              {"id":"c","kind":"consumer","processing":{"fixed":{"ms":100}},"auto_offset_reset":"earliest"}],
              "wires":[["p","t"],["t","c"]]}"#,
        )
        .unwrap();
        let mut seen_in_log = false;
        while sim.step() {
            seen_in_log |= sim.tokens().iter().any(|t| matches!(t.place, Place::InLog { .. }));
        }
        assert!(seen_in_log);
        assert!(sim.tokens().is_empty(), "{:?}", sim.tokens());
        assert_eq!(sim.messages(), 2);
    }
}
