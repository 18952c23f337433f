//! The read side: what a run looks like from outside. The outcome (every message's fate and
//! the damage in business terms), the verdict in plain words, the snapshot of what every
//! node holds now, the tokens the animation draws, a lesson's answers, and the deletes a
//! group missed on a compacted topic. Nothing in the
//! runtime imports this folder.

pub mod answer;
pub mod compaction;
pub mod flow;
pub mod message_parts;
pub mod outcome;
pub mod read_model;
pub mod schema;
pub mod snapshot;
pub mod token;
pub mod verdict;
