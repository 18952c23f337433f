//! Expiries: when each copy waiting in a queue with a message TTL expires. They are kept here,
//! beside the copies, rather than in every copy: most queues have no TTL, so a run without
//! one pays nothing for them, and an entry holds only from the moment a copy enters a queue
//! with a TTL until it enters another queue (which starts its clock afresh) or its fate is
//! final.
//!
//! A table by copy id, not a map: a big run can have a million copies waiting with a TTL, set
//! and cleared in any order. A B-tree would do (it did), but it is a few kilobytes of wasm for
//! its one key and value type, and a sorted `Vec` would be quadratic. The table grows only
//! as far as the last copy given an expiry, eight bytes a copy, and in the chunked
//! copy-on-write store the copies themselves use, so a checkpoint shares it rather than
//! copying it.

use crate::model::ids::EnvId;
use crate::model::time::{MaybeTime, SimTime};
use crate::sim::cow_vec::CowVec;

#[derive(Clone, Debug, Default)]
pub struct Expiries(CowVec<MaybeTime>);

impl Expiries {
    /// When `env` expires in the queue it is in, if that queue has a TTL.
    pub fn get(&self, env: EnvId) -> Option<SimTime> {
        self.0.get(env.index()).and_then(|t| t.get())
    }

    pub fn set(&mut self, env: EnvId, at: SimTime) {
        while self.0.len() <= env.index() {
            self.0.push(MaybeTime::NONE);
        }
        self.0[env.index()].set(Some(at));
    }

    pub fn clear(&mut self, env: EnvId) {
        // Reads first: most copies never had an expiry, and a write would copy a chunk a
        // checkpoint still shares.
        if self.0.get(env.index()).is_some_and(|t| t.is_some()) {
            self.0[env.index()] = MaybeTime::NONE;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_an_expiry_per_copy_until_cleared() {
        let mut e = Expiries::default();
        assert_eq!(e.get(EnvId(3)), None);
        e.clear(EnvId(5));
        e.set(EnvId(2000), SimTime(7));
        e.set(EnvId(3), SimTime(9));
        assert_eq!((e.get(EnvId(3)), e.get(EnvId(2000)), e.get(EnvId(4))), (Some(SimTime(9)), Some(SimTime(7)), None));
        let checkpoint = e.clone();
        e.clear(EnvId(3));
        e.set(EnvId(2000), SimTime(8));
        assert_eq!((e.get(EnvId(3)), e.get(EnvId(2000))), (None, Some(SimTime(8))));
        assert_eq!((checkpoint.get(EnvId(3)), checkpoint.get(EnvId(2000))), (Some(SimTime(9)), Some(SimTime(7))));
    }
}
