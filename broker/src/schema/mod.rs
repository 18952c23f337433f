//! Event schemas as contracts, in Avro's model: the types a version of an event may have
//! (`avro.rs`, read from the Avro JSON a scenario's `schemas` holds), how a reader's schema
//! reads what a writer's schema wrote (`resolution.rs`, Avro's schema resolution), and which
//! new versions a schema registry accepts (`compatibility.rs`, the compatibility modes of
//! Confluent's Schema Registry).
//!
//! ```text
//!   "schemas": {"OrderPlaced": {"versions": [{...}, {...}]}}
//!        │ avro::Record::read
//!        ▼
//!   Record per version ──resolve(writer, reader)──▶ Ok, or the Clash that names the field
//!        │                                              │
//!        └───────────── compatibility::check(mode, new, registered) ◀┘
//! ```
//!
//! Nothing here knows a simulation: `compile/` reads the schemas and works out every pair of
//! versions once, and the runtime (`registry/`) looks the answers up.

pub mod avro;
pub mod compatibility;
pub mod resolution;

pub use avro::{Field, Record, Type};
pub use compatibility::{Broken, Mode};
pub use resolution::{resolve, Clash};
