//! The out-of-order detector's memory: the highest key sequence applied so far, per key and
//! per effect (consumers with the same effect name share a ledger).
//!
//! A table by key id of the few effects that applied each key, not a map by (effect, key): a
//! run can have 200,000 keys (`MAX_TOTAL_KEYS`), first applied in any order, where a sorted
//! `Vec` would be quadratic, and a B-tree (which this was) is a few kilobytes of wasm for its
//! one key and value type. A key is nearly always applied by one effect, which `Few` keeps
//! inline; the table grows only as far as the highest key applied, sixteen bytes a key, and in
//! the chunked copy-on-write store the copies use, so a checkpoint shares it.

use crate::model::ids::MsgId;
use crate::sim::cow_vec::CowVec;
use crate::sim::few::Few;

#[derive(Clone, Debug, Default)]
pub struct KeySequences(CowVec<Few<(u16, u32, MsgId)>>);

impl KeySequences {
    /// `effect` applies `msg`, sequence `seq` of `key`. If the effect had already applied a
    /// later sequence of the key, the message that did is returned and nothing changes;
    /// otherwise this one is now the highest.
    pub fn apply(&mut self, effect: u16, key: u32, seq: u32, msg: MsgId) -> Option<MsgId> {
        let k = key as usize;
        while self.0.len() <= k {
            self.0.push(Few::Zero);
        }
        let list = &mut self.0[k];
        match list.as_mut_slice().iter_mut().find(|e| e.0 == effect) {
            Some(highest) if seq < highest.1 => Some(highest.2),
            Some(highest) => {
                *highest = (effect, seq, msg);
                None
            }
            None => {
                list.push((effect, seq, msg));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// What the map by (effect, key) it replaces answered.
        #[test]
        fn answers_as_a_map_by_effect_and_key_does(
            applies in proptest::collection::vec((0u16..3, 0u32..3000, 0u32..20), 0..300)
        ) {
            let mut ours = KeySequences::default();
            let mut theirs: BTreeMap<(u16, u32), (u32, MsgId)> = BTreeMap::new();
            for (i, (effect, key, seq)) in applies.into_iter().enumerate() {
                let msg = MsgId(i as u32);
                let highest = theirs.entry((effect, key)).or_insert((seq, msg));
                let expected = if seq < highest.0 {
                    Some(highest.1)
                } else {
                    *highest = (seq, msg);
                    None
                };
                prop_assert_eq!(ours.apply(effect, key, seq, msg), expected);
            }
        }
    }
}
