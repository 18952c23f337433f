//! The format's limits, defined once: the validator refuses a scenario past them, the link
//! reader caps a link with them before inflating or reading further, and the editor stops
//! adding nodes and wires at them. They keep a hostile or mistaken file from making a run
//! last for ever or eat all memory.

/// The most bytes of scenario JSON the core will read.
pub const MAX_SCENARIO_BYTES: usize = 2 * 1024 * 1024;
/// The most nodes a scenario may have.
pub const MAX_NODES: usize = 200;
/// The most wires a scenario may have.
pub const MAX_WIRES: usize = 1_000;
/// The most actions a scenario's script may have.
pub const MAX_ACTIONS: usize = 1_000;
pub const MAX_DURATION_MS: i64 = 86_400_000;
pub const MAX_RATE_PER_S: f64 = 100_000.0;
/// The most messages one producer may publish, and about the most a run will hold.
pub const MAX_COUNT: i64 = 1_000_000;
/// The most keys one producer may have, and all producers together (each key is kept as a
/// name, so this bounds the memory a file can ask for).
pub const MAX_KEYS: i64 = 100_000;
pub const MAX_TOTAL_KEYS: u64 = 200_000;
/// The most event-type names all producers may list together.
pub const MAX_EVENT_TYPES: u64 = 1_000;
/// Versions of one event type's schema: every pair of them is worked out when the scenario is
/// checked, so this keeps that to 400 resolutions a type.
pub const MAX_SCHEMA_VERSIONS: usize = 20;
/// Event types with schemas.
pub const MAX_SCHEMAS: usize = 50;
pub const MAX_PREFETCH: i64 = 10_000;
pub const MAX_CONCURRENCY: i64 = 1_000;
pub const MAX_MS: f64 = 3_600_000.0;
pub const MAX_ATTEMPTS: i64 = 1_000;
pub const MAX_NAME_LEN: usize = 64;
pub const MAX_PARTITIONS: i64 = 1_000;
/// The most deletes (`tombstones`) one producer may list: each message it publishes looks
/// through them.
pub const MAX_TOMBSTONES: usize = 1_000;
