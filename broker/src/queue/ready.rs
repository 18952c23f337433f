//! A queue's ready list: the messages waiting for a consumer, in delivery order. Each has an
//! ordering number (see the queue module): the tail takes increasing numbers, a head insert
//! decreasing ones below the head's, and a classic requeue its message's original number.
//!
//! Kept as a ring buffer sorted by that number. Nearly every operation is at an end: a publish
//! appends, a delivery takes the head, a requeue goes back at or near the head (classic,
//! quorum with a delivery limit) or at the tail (quorum without one). A binary search finds
//! the rest, and a position from the head is the index itself. (A `BTreeMap` did the same
//! with a tree walk for every publish and delivery, and counted its way to a position.)

use crate::sim::copy_deque::CopyDeque;

use crate::model::ids::EnvId;

#[derive(Clone, Debug, Default)]
pub struct Ready {
    items: CopyDeque<(i64, EnvId)>,
}

impl Ready {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Where `order` is, or would go: how many messages are ahead of it.
    pub fn position(&self, order: i64) -> usize {
        match self.items.back() {
            Some(&(last, _)) if last < order => self.items.len(),
            _ => self.items.partition_point(|&(o, _)| o < order),
        }
    }

    /// Inserts at `order` (not already taken); returns the position from the head.
    pub fn insert(&mut self, order: i64, env: EnvId) -> usize {
        let at = self.position(order);
        debug_assert!(self.items.get(at).is_none_or(|&(o, _)| o != order), "two envelopes at one queue position");
        self.items.insert(at, (order, env));
        at
    }

    /// Where the envelope at `order` is, if one is there.
    fn index_of(&self, order: i64) -> Option<usize> {
        let at = self.position(order);
        self.items.get(at).is_some_and(|&(o, _)| o == order).then_some(at)
    }

    pub fn contains(&self, order: i64) -> bool {
        self.index_of(order).is_some()
    }

    /// The envelope at `order`, if one is there.
    pub fn get(&self, order: i64) -> Option<EnvId> {
        self.index_of(order).map(|at| self.items[at].1)
    }

    pub fn first_order(&self) -> Option<i64> {
        self.items.front().map(|&(o, _)| o)
    }

    pub fn pop_first(&mut self) -> Option<EnvId> {
        self.items.pop_front().map(|(_, e)| e)
    }

    pub fn remove(&mut self, order: i64) -> Option<EnvId> {
        let at = self.index_of(order)?;
        self.items.remove(at).map(|(_, e)| e)
    }

    /// Keeps only the envelopes `keep` says yes to, in one pass.
    pub fn retain(&mut self, mut keep: impl FnMut(EnvId) -> bool) {
        self.items.retain(|&(_, e)| keep(e));
    }

    /// The envelopes from head to tail.
    pub fn envelopes(&self) -> impl Iterator<Item = EnvId> + '_ {
        self.items.iter().map(|&(_, e)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_counts_positions() {
        let mut r = Ready::default();
        assert_eq!(r.insert(5, EnvId(5)), 0);
        assert_eq!(r.insert(7, EnvId(7)), 1);
        assert_eq!(r.insert(-1, EnvId(1)), 0);
        assert_eq!(r.insert(6, EnvId(6)), 2);
        assert_eq!(r.position(6), 2);
        assert_eq!(r.get(6), Some(EnvId(6)));
        assert_eq!(r.get(4), None);
        assert_eq!(r.remove(6), Some(EnvId(6)));
        assert_eq!(r.remove(6), None);
        assert_eq!(r.first_order(), Some(-1));
        r.retain(|e| e != EnvId(5));
        let order: Vec<_> = std::iter::from_fn(|| r.pop_first()).collect();
        assert_eq!(order, [EnvId(1), EnvId(7)]);
    }
}
