//! # Brokerlab's conformance runner
//!
//! Checks the simulator against a real RabbitMQ. A scenario's queue side (producers,
//! exchanges, queues, consumers, dead-letter targets) runs on the simulator first; its trace
//! gives the script of what the clients did (`script.rs`) and the record of what the simulated
//! broker did. Then the same topology is declared on a real broker, the script is acted out
//! there in real time (`rabbitmq.rs`), what the broker did is recorded the same way, and the two
//! records are compared message by message (`compare.rs`). Differences that RabbitMQ's
//! versions explain are labelled as such (`versions.rs`).
//!
//! ```text
//!  scenario ─▶ simulator ─▶ trace ─┬─▶ Script ──▶ RabbitMQ (AMQP 0-9-1) ─▶ Observed ─┐
//!                                  └────────────────────────────────────▶ Observed ─┴─▶ differences
//! ```
//!
//! The crate sits beside the core, which stays pure; the app never links it.

pub mod compare;
pub mod observed;
pub mod rabbitmq;
pub mod report;
pub mod script;
pub mod simulated;
pub mod topology;
pub mod versions;
