//! # Brokerlab's broker core
//!
//! A deterministic discrete-event simulation of the two broker models event-driven systems
//! are built on, and of the clients around them:
//!
//! - **Queues in RabbitMQ's style**: exchanges (fanout, direct, topic) route to queues
//!   (classic or quorum) with prefetch, acks and nacks, requeues, delivery limits, TTL, max
//!   length with its overflow rule, and dead-lettering with `x-death` records and redrive.
//! - **Topics in Kafka's style**: partitioned append-only logs with retention, the default
//!   partitioner for keyed records, consumer groups with committed offsets, and the range,
//!   roundrobin and cooperative-sticky assignors with rebalances.
//! - **The producer side**: arrivals (fixed, Poisson, bursts), publisher confirms and
//!   retries, the idempotent producer, and the business write beside the publish (dual write
//!   or transactional outbox).
//! - **Consumers**: from a queue (consume, ack) or from a topic (poll, commit), with delivery
//!   semantics (at-most-once, at-least-once, exactly-once), retries with backoff, an effect
//!   ledger, and the failures that break them (crashes, poison messages, lost acks, slow
//!   processing, outages).
//!
//! ```text
//!   scenario JSON ──Scenario::from_json──▶ Scenario ──validate (compile/)──▶ Model
//!                                                                             │
//!   Command ──apply──▶ Simulation ◀──advance_to(t) / step()                   ▼
//!                         │  one scheduler (time, seq), one seeded PCG RNG,
//!                         │  integer microseconds, libm for ln/exp
//!                         ├──▶ drain_trace()  append-only events + FNV-1a trace hash
//!                         ├──▶ snapshot()     what is where now
//!                         └──▶ outcome()      fates, damage, latency, verdict in words
//! ```
//!
//! The core is sans-IO: no clock, no DOM, no file or network access, and no iteration over
//! hash maps. The same scenario and seed give the same trace hash natively and in wasm32.
//!
//! This file is the crate's facade: the app and the command line use what it re-exports,
//! and the folders behind it are private to the crate (`docs/architecture.md` maps them).
//! The file format (`scenario`) is public whole, since the app edits scenarios as documents.

pub mod asyncapi;
mod compile;
mod consumer;
pub mod decimal;
pub mod expect;
pub mod markup;
mod model;
mod producer;
mod queue;
mod read_model;
mod registry;
mod report;
mod saga;
pub mod scenario;
pub mod schema;
mod sim;
pub mod sort;
pub mod sorted_map;
mod topic;

pub use compile::{validate, wire_refusal};
pub use model::command::{Command, ResetTarget};
pub use model::ids::{EnvId, MsgId, NodeId};
pub use model::time::{Duration, SimTime};
pub use model::{Model, NodeKind};
pub use read_model::{RowView, TableCounts, Version};
pub use report::answer::{answer, answer_words};
pub use report::message_parts::MessageParts;
pub use report::outcome::{Latency, MessageOutcome, MsgName, Outcome, OutcomeBuilder, Rows};
pub use report::read_model::{AgeBucket, ReadModelReport};
pub use report::snapshot::{NodeSnapshot, Snapshot, TableSnapshot};
pub use report::token::{Place, Token};
pub use report::verdict::{plural, thousands};
pub use saga::SagaCounts;
pub use scenario::limits::*;
pub use scenario::link;
pub use scenario::problem::Problem;
pub use scenario::quoted::quote;
pub use scenario::Scenario;
pub use sim::fate::Fate;
pub use sim::guarantee::{breach, end_to_end, promise, semantics_of, Breach, Evidence, Guarantee};
pub use sim::invariants::check as check_invariants;
pub use sim::trace::{hash_hex, Entry, Event, LossReason, Names, ProjectionWrite, ReadResult, SagaEnd};
pub use sim::{Limit, Simulation, COPY_BUDGET, MESSAGE_BUDGET, WORK_BUDGET};
/// The assignors on their own, as Kafka ships them: the tests set a simulated rebalance beside
/// what the assignor computes directly.
pub use topic::assignor;
pub use topic::partitioner::partition_for_key;

/// Reads and validates scenario JSON into the model a simulation runs
/// (`Simulation::with_seed(model, seed)` runs it with another seed).
pub fn load_model(json: &str) -> Result<model::Model, Vec<Problem>> {
    validate(&Scenario::from_json(json)?)
}

/// Reads, validates and builds a simulation from scenario JSON in one go, with its own seed.
pub fn load(json: &str) -> Result<Simulation, Vec<Problem>> {
    load_model(json).map(Simulation::new)
}
