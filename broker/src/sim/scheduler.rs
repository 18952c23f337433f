//! The one event scheduler: a binary heap ordered by (time, sequence number). The sequence
//! number breaks ties in insertion order, so two events at the same microsecond always run
//! in the order they were scheduled, on every target.
//!
//! The sequence number is 32 bits, which keeps a heap entry at 32 bytes with the simulation's
//! events (every pop moves entries down the heap). Every event that runs is a step of work,
//! and a run stops at its work budget (`WORK_BUDGET`, 75 million) far below 4 billion.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::model::time::SimTime;

#[derive(Clone, Copy)]
struct Entry<E> {
    at: SimTime,
    seq: u32,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest (time, seq) pops first.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

#[derive(Clone)]
pub struct Scheduler<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u32,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler { heap: BinaryHeap::new(), next_seq: 0 }
    }
}

impl<E> Scheduler<E> {
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        self.heap.push(Entry { at, seq, event });
    }

    pub fn next_at(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    /// Pops the earliest event if it is due at or before `limit`.
    pub fn pop_due(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        if self.heap.peek()?.at > limit {
            return None;
        }
        self.heap.pop().map(|e| (e.at, e.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_run_in_insertion_order() {
        let mut s = Scheduler::default();
        s.schedule(SimTime(5), "b");
        s.schedule(SimTime(1), "a");
        s.schedule(SimTime(5), "c");
        s.schedule(SimTime(5), "d");
        let order: Vec<_> = std::iter::from_fn(|| s.pop_due(SimTime::MAX)).map(|(_, e)| e).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    #[test]
    fn an_entry_of_the_simulation_stays_small() {
        assert!(
            std::mem::size_of::<Entry<crate::sim::Due>>() <= 32,
            "{}",
            std::mem::size_of::<Entry<crate::sim::Due>>()
        );
    }

    #[test]
    fn nothing_after_the_limit_pops() {
        let mut s = Scheduler::default();
        s.schedule(SimTime(10), ());
        assert!(s.pop_due(SimTime(9)).is_none());
        assert_eq!(s.next_at(), Some(SimTime(10)));
        assert!(s.pop_due(SimTime(10)).is_some());
    }
}
