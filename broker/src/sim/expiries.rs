//! Expiries: when each copy waiting in a queue with a message TTL expires. They are kept here,
//! beside the copies, rather than in every copy: most queues have no TTL, so a copy pays
//! nothing for one, and an entry lives only from the moment a copy enters a queue with a TTL
//! until it enters another queue (which starts its clock afresh) or its fate is final.
//!
//! A B-tree, not a [`crate::sorted_map::SortedMap`] like the core's other maps: it can hold
//! an entry for every copy of a big run (up to a million), added and removed in any order, and
//! a sorted `Vec` would shift half of them on each, quadratic.

use std::collections::BTreeMap;

use crate::model::ids::EnvId;
use crate::model::time::SimTime;

#[derive(Clone, Debug, Default)]
pub struct Expiries(BTreeMap<EnvId, SimTime>);

impl Expiries {
    /// When `env` expires in the queue it is in, if that queue has a TTL.
    pub fn get(&self, env: EnvId) -> Option<SimTime> {
        self.0.get(&env).copied()
    }

    pub fn set(&mut self, env: EnvId, at: SimTime) {
        self.0.insert(env, at);
    }

    pub fn clear(&mut self, env: EnvId) {
        if !self.0.is_empty() {
            self.0.remove(&env);
        }
    }
}
