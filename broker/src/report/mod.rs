//! The read side: what a run looks like from outside. The outcome (every message's fate and
//! the damage in business terms), the verdict in plain words, the snapshot of what every
//! node holds now, the tokens the animation draws, and a lesson's answers. Nothing in the
//! runtime imports this folder.

pub mod answer;
pub mod flow;
pub mod message_parts;
pub mod outcome;
pub mod read_model;
pub mod schema;
pub mod snapshot;
pub mod token;
pub mod verdict;
