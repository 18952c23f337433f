//! # Brokerlab's broker core
//!
//! A deterministic discrete-event simulation of a message broker in RabbitMQ's style:
//! producers, exchanges (fanout, direct, topic), queues with prefetch, acks, requeues,
//! delivery limits, TTL, max length and dead-lettering, consumers with delivery semantics,
//! retries and an effect ledger, and dead-letter queues with redrive.
//!
//! ```text
//!   scenario JSON ──Scenario::from_json──▶ Scenario ──validate──▶ Model
//!                                                                  │
//!   Command ──apply──▶ Simulation ◀──advance_to(t) / step()        ▼
//!                         │  one scheduler (time, seq), one seeded PCG RNG,
//!                         │  integer microseconds, libm for ln/exp
//!                         ├──▶ drain_trace()  append-only events + FNV-1a trace hash
//!                         ├──▶ snapshot()     what is where now
//!                         └──▶ outcome()      fates, damage, latency, verdict in words
//! ```
//!
//! The core is sans-IO: no clock, no DOM, no file or network access, and no iteration over
//! hash maps. The same scenario and seed give the same trace hash natively and in wasm32.

pub mod assignor;
pub mod command;
mod consume;
pub mod consumer;
pub mod consumer_group;
mod dead_letter;
pub mod death;
mod duplicate_keys;
pub mod exchange;
mod fault;
pub mod ids;
pub mod invariants;
pub mod lesson;
pub mod link;
pub mod log;
pub mod message;
pub mod model;
mod outbox;
pub mod outcome;
pub mod partitioner;
pub mod poll;
pub mod problem;
pub mod producer;
pub mod queue;
pub mod retry;
pub mod rng;
mod routing;
pub mod scenario;
pub mod scheduler;
pub mod sim;
pub mod snapshot;
pub mod sort;
pub mod time;
pub mod token;
pub mod trace;
pub mod validate;
mod verdict;

pub use command::Command;
pub use ids::{EnvId, MsgId, NodeId};
pub use outcome::{Fate, Outcome};
pub use problem::Problem;
pub use scenario::Scenario;
pub use sim::Simulation;
pub use snapshot::Snapshot;
pub use time::{Duration, SimTime};
pub use token::{Place, Token};
pub use trace::{Entry, Event};
pub use validate::{validate, wire_refusal};

/// Reads and validates scenario JSON into the model a simulation runs
/// (`Simulation::with_seed(model, seed)` runs it with another seed).
pub fn load_model(json: &str) -> Result<model::Model, Vec<Problem>> {
    validate(&Scenario::from_json(json)?)
}

/// Reads, validates and builds a simulation from scenario JSON in one go, with its own seed.
pub fn load(json: &str) -> Result<Simulation, Vec<Problem>> {
    load_model(json).map(Simulation::new)
}
