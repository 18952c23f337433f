//! The core's integration tests, one test binary with a module per area, so that proptest,
//! serde and the core are linked once. They use the crate only through its facade, as the
//! app and the command line do.
//!
//! - behaviour per part: `queue_behaviour`, `topic_behaviour`, `consumer_behaviour`, `service_behaviour`,
//!   `producer_behaviour`, `saga_behaviour`, `request_reply`, `read_model`, `replication`, `transactions`, `compaction`, and the public API
//!   (`api`);
//! - the shipped lessons and their trace hashes: `lessons`, `golden`;
//! - properties over random scenarios and queueing theory: `properties`, `queueing_theory`;
//! - bad input of every kind: `hostile_input`, `links`, and the JSON reader against serde_json's
//!   (`json_reader`);
//! - the `brokerlab` command line: `cli`;
//! - AsyncAPI export and import, round trips and hand-written documents: `asyncapi`;
//! - the layout's import rules: `layout`.

mod api;
mod asyncapi;
mod bounded_work;
mod cli;
mod common;
mod compaction;
mod consumer_behaviour;
mod flows;
mod golden;
mod hostile_input;
mod json_reader;
mod layout;
mod lessons;
mod links;
mod producer_behaviour;
mod properties;
mod queue_behaviour;
mod queueing_theory;
mod read_model;
mod replication;
mod request_reply;
mod saga_behaviour;
mod schema_compatibility;
mod schema_evolution;
mod service_behaviour;
mod topic_behaviour;
mod transactions;
