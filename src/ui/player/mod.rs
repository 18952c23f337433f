//! Playing the scenario: the transport (play, step, speed, timeline), the Outcome region
//! that tells where every message ended up, and Compare's read-only pane for a second run.

pub mod compare;
pub mod outcome;
pub mod outcome_line;
pub mod transport;
