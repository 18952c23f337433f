//! The store that holds every message and every copy of one: a vector cut into chunks of
//! 1,024 that clones share until one of them writes. The app keeps clones of the simulation
//! as checkpoints for seeking; with this store a checkpoint costs what changed since it was
//! taken (the chunks with messages still in flight), not everything that ever happened, and a
//! big run grows chunk by chunk instead of copying the whole vector when it doubles.
//!
//! Written here rather than taken from a crate: it is forty lines, and a persistent-vector
//! crate would bring more code into the wasm than the simulation needs.

use std::ops::{Index, IndexMut};
use std::rc::Rc;

const CHUNK_BITS: u32 = 10;
const CHUNK: usize = 1 << CHUNK_BITS;

#[derive(Debug)]
pub struct CowVec<T> {
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Clone for CowVec<T> {
    /// Shares every chunk: copying happens later, one chunk at a time, on a write.
    fn clone(&self) -> Self {
        CowVec { chunks: self.chunks.clone(), len: self.len }
    }
}

impl<T> Default for CowVec<T> {
    fn default() -> Self {
        CowVec { chunks: Vec::new(), len: 0 }
    }
}

impl<T: Clone> CowVec<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn push(&mut self, item: T) {
        if self.len % CHUNK == 0 {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        let last = self.chunks.last_mut().expect("a chunk with room");
        if Rc::get_mut(last).is_none() {
            unshare(last);
        }
        Rc::get_mut(last).expect("unshared just now").push(item);
        self.len += 1;
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i >> CHUNK_BITS).and_then(|c| c.get(i & (CHUNK - 1)))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

impl<T> Index<usize> for CowVec<T> {
    type Output = T;

    #[inline]
    fn index(&self, i: usize) -> &T {
        &self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}

impl<T: Clone> IndexMut<usize> for CowVec<T> {
    /// Copies the chunk first if a clone still shares it. The check is inlined into every
    /// write and the copy is kept out of line: writes are most of a run's memory traffic and
    /// almost never find a shared chunk.
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        let chunk = &mut self.chunks[i >> CHUNK_BITS];
        if Rc::get_mut(chunk).is_none() {
            unshare(chunk);
        }
        &mut Rc::get_mut(chunk).expect("unshared just now")[i & (CHUNK - 1)]
    }
}

/// Gives this clone its own copy of a chunk another clone shares. (What `Rc::make_mut` does
/// for a shared value, without its case of a value with weak references, which a chunk never
/// has: a few hundred bytes less of the app's wasm for each type stored.)
#[cold]
#[inline(never)]
fn unshare<T: Clone>(chunk: &mut Rc<Vec<T>>) {
    *chunk = Rc::new(Vec::clone(chunk));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_across_chunks() {
        let mut v = CowVec::default();
        for i in 0..3 * CHUNK + 5 {
            v.push(i);
        }
        assert_eq!(v.len(), 3 * CHUNK + 5);
        assert_eq!(v[CHUNK], CHUNK);
        v[2 * CHUNK + 1] = 7;
        assert_eq!(v.get(2 * CHUNK + 1), Some(&7));
        assert_eq!(v.get(3 * CHUNK + 5), None);
        assert_eq!(v.iter().count(), v.len());
    }

    #[test]
    fn a_clone_shares_until_a_write_and_then_copies_one_chunk() {
        let mut a = CowVec::default();
        for i in 0..2 * CHUNK {
            a.push(i);
        }
        let b = a.clone();
        assert!(Rc::ptr_eq(&a.chunks[0], &b.chunks[0]));
        a[5] = 99;
        assert_eq!((a[5], b[5]), (99, 5), "the clone keeps its own value");
        assert!(!Rc::ptr_eq(&a.chunks[0], &b.chunks[0]), "the written chunk was copied");
        assert!(Rc::ptr_eq(&a.chunks[1], &b.chunks[1]), "the other chunk is still shared");
        a.push(1);
        assert_eq!((a.len(), b.len()), (2 * CHUNK + 1, 2 * CHUNK));
    }
}
