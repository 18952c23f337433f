//! A `VecDeque` of plain values whose clone copies its two slices in one go. The standard
//! library's clone pushes item by item through the iterator machinery, a few hundred bytes of
//! the app's wasm for each item type, all inlined into the clone of every node's state (the
//! simulation is cloned for each checkpoint); this clone is a copy of memory, and faster too.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};

#[derive(Debug, PartialEq, Eq)]
pub struct CopyDeque<T>(pub VecDeque<T>);

impl<T: Copy> Clone for CopyDeque<T> {
    fn clone(&self) -> Self {
        let (front, back) = self.0.as_slices();
        let mut all = Vec::with_capacity(front.len() + back.len());
        all.extend_from_slice(front);
        all.extend_from_slice(back);
        CopyDeque(VecDeque::from(all))
    }
}

impl<T: Copy> CopyDeque<T> {
    /// Cuts the deque back to its first `at` items and returns the rest, in order. (What
    /// `drain(at..).collect()` does, without a draining iterator's code for each item type.)
    pub fn cut(&mut self, at: usize) -> Vec<T> {
        let (front, back) = self.0.as_slices();
        let mut rest = Vec::with_capacity(self.0.len().saturating_sub(at));
        if at < front.len() {
            rest.extend_from_slice(&front[at..]);
            rest.extend_from_slice(back);
        } else {
            rest.extend_from_slice(&back[at - front.len()..]);
        }
        self.0.truncate(at);
        rest
    }
}

impl<T> Default for CopyDeque<T> {
    fn default() -> Self {
        CopyDeque(VecDeque::new())
    }
}

impl<T> Deref for CopyDeque<T> {
    type Target = VecDeque<T>;
    fn deref(&self) -> &VecDeque<T> {
        &self.0
    }
}

impl<T> DerefMut for CopyDeque<T> {
    fn deref_mut(&mut self) -> &mut VecDeque<T> {
        &mut self.0
    }
}

impl<'a, T> IntoIterator for &'a CopyDeque<T> {
    type Item = &'a T;
    type IntoIter = std::collections::vec_deque::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for CopyDeque<T> {
    type Item = T;
    type IntoIter = std::collections::vec_deque::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
