//! A map and a set kept as a sorted `Vec`, found by binary search: what the core uses instead
//! of `std::collections::BTreeMap` and `BTreeSet`. Why: wasm size. A B-tree is several
//! kilobytes of wasm for each key and value type it is used with (node splits and merges,
//! the search, the iterators, clone and drop, each monomorphised), and the core had a dozen
//! such types; a sorted `Vec` is a binary search plus `Vec::insert` and `Vec::remove`, a
//! fraction of that. The maps here are small (a group's partitions, a group's members, a
//! producer's epochs), so the `O(n)` shift of an insert or a removal costs less than a B-tree's
//! node hopping. A map that can grow with the messages or keys of a big run (up to a million
//! messages, 200,000 keys) would make that shift quadratic; those have a layout of their own
//! instead, said where they are declared: a table by copy id (`sim/expiries.rs`), a table by
//! key id (`sim/key_sequences.rs`), a deque of abandoned sequences (`topic/log.rs`), one sort
//! for the key ids (`number_keys` in `sim/mod.rs`). The core has no B-tree of its own left
//! (serde_json's objects are its own); the view's node positions are a `SortedMap` too, filled
//! in key order as serde_json hands an object over.
//!
//! Iteration is in key order, as a B-tree's is, so nothing that walks a map changes order.
//! Collecting (`FromIterator`) inserts one by one, the last value for a key winning, as
//! collecting into a `BTreeMap` does; it is meant for small maps.

use std::borrow::Borrow;
use std::fmt;

/// A map from `K` to `V`, its entries sorted by key with no key twice.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { entries: Vec::new() }
    }
}

impl<K, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap { entries: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The `i`-th entry in key order: a walk over the entries that needs `&mut self` between
    /// them can hold an index instead of searching for its key again.
    pub fn entry_at(&self, i: usize) -> Option<(&K, &V)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }

    pub fn entry_at_mut(&mut self, i: usize) -> Option<(&K, &mut V)> {
        self.entries.get_mut(i).map(|(k, v)| (&*k, v))
    }

    /// Keeps the entries for which `keep` says yes, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The map of `entries`, which must be sorted by key with no key twice (checked).
    pub fn from_sorted(entries: Vec<(K, V)>) -> Self
    where
        K: Ord,
    {
        assert!(entries.windows(2).all(|w| w[0].0 < w[1].0), "SortedMap::from_sorted: not sorted by key");
        SortedMap { entries }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// Where `key` is (`Ok`), or where it would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Where `key`'s entry is among the entries in key order, for [`Self::entry_at`].
    pub fn index_of<Q: Ord + ?Sized>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok()
    }

    /// Sets `key` to `value`, returning the value it had.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value for `key`, inserting `value` first if there is none: what
    /// `entry(key).or_insert(value)` is for a `BTreeMap`.
    pub fn get_or_insert(&mut self, key: K, value: V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, value));
                i
            }
        };
        &mut self.entries[i].1
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for the key in the SortedMap")
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut m = SortedMap::new();
        for (k, v) in items {
            m.insert(k, v);
        }
        m
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// Written as an object, as a `BTreeMap` is (a scenario's view positions).
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A set of `T`, sorted, each element once: a [`SortedMap`] with no values.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SortedSet<T>(SortedMap<T, ()>);

impl<T> SortedSet<T> {
    pub const fn new() -> Self {
        SortedSet(SortedMap::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The elements in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.0.keys()
    }
}

impl<T: Ord> SortedSet<T> {
    pub fn contains<Q: Ord + ?Sized>(&self, x: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.contains_key(x)
    }

    /// Adds `x`; false if it was there already.
    pub fn insert(&mut self, x: T) -> bool {
        self.0.insert(x, ()).is_none()
    }

    /// Takes `x` out; false if it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, x: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.remove(x).is_some()
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        SortedSet(items.into_iter().map(|x| (x, ())).collect())
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Clone, Debug)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        GetOrInsert(u8, u16),
        AddTo(u8),
        Retain(u8),
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0u8..40, any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
            3 => (0u8..40).prop_map(Op::Remove),
            2 => (0u8..40, any::<u16>()).prop_map(|(k, v)| Op::GetOrInsert(k, v)),
            2 => (0u8..40).prop_map(Op::AddTo),
            1 => (1u8..5).prop_map(Op::Retain),
            1 => Just(Op::Clear),
        ]
    }

    proptest! {
        #[test]
        fn behaves_like_a_btree_map(ops in proptest::collection::vec(op(), 0..200)) {
            let mut ours: SortedMap<u8, u16> = SortedMap::new();
            let mut theirs: BTreeMap<u8, u16> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), theirs.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(ours.remove(&k), theirs.remove(&k)),
                    Op::GetOrInsert(k, v) => prop_assert_eq!(*ours.get_or_insert(k, v), *theirs.entry(k).or_insert(v)),
                    Op::AddTo(k) => {
                        if let (Some(a), Some(b)) = (ours.get_mut(&k), theirs.get_mut(&k)) {
                            *a = a.wrapping_add(1);
                            *b = b.wrapping_add(1);
                        }
                    }
                    Op::Retain(d) => {
                        ours.retain(|k, v| (*k as u16).wrapping_add(*v) % d as u16 != 0);
                        theirs.retain(|k, v| (*k as u16).wrapping_add(*v) % d as u16 != 0);
                    }
                    Op::Clear => {
                        ours.clear();
                        theirs.clear();
                    }
                }
                prop_assert_eq!(ours.len(), theirs.len());
                prop_assert_eq!(ours.is_empty(), theirs.is_empty());
                prop_assert!(ours.iter().eq(theirs.iter()), "the same entries in the same order");
                for k in 0..40u8 {
                    prop_assert_eq!(ours.get(&k), theirs.get(&k));
                    prop_assert_eq!(ours.contains_key(&k), theirs.contains_key(&k));
                }
            }
            prop_assert!(ours.keys().eq(theirs.keys()));
            prop_assert!(ours.values().eq(theirs.values()));
            prop_assert!(ours.clone().into_iter().eq(theirs.clone()));
            prop_assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        }

        #[test]
        fn collects_like_a_btree_map(v in proptest::collection::vec((0u8..20, any::<u8>()), 0..60)) {
            let ours: SortedMap<u8, u8> = v.iter().copied().collect();
            let theirs: BTreeMap<u8, u8> = v.iter().copied().collect();
            prop_assert!(ours.iter().eq(theirs.iter()), "the last value for a key wins");
            let ours: SortedSet<u8> = v.iter().map(|p| p.0).collect();
            let theirs: BTreeSet<u8> = v.iter().map(|p| p.0).collect();
            prop_assert!(ours.iter().eq(theirs.iter()));
            prop_assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        }

        #[test]
        fn a_set_behaves_like_a_btree_set(ops in proptest::collection::vec((any::<bool>(), 0u8..30), 0..200)) {
            let mut ours = SortedSet::new();
            let mut theirs = BTreeSet::new();
            for (add, x) in ops {
                if add {
                    prop_assert_eq!(ours.insert(x), theirs.insert(x));
                } else {
                    prop_assert_eq!(ours.remove(&x), theirs.remove(&x));
                }
                prop_assert_eq!(ours.len(), theirs.len());
                prop_assert!(ours.iter().eq(theirs.iter()));
                for y in 0..30u8 {
                    prop_assert_eq!(ours.contains(&y), theirs.contains(&y));
                }
            }
        }
    }

    #[test]
    fn looks_up_string_keys_by_str() {
        let mut m: SortedMap<String, u32> = SortedMap::new();
        m.insert("b".to_string(), 2);
        m.insert("a".to_string(), 1);
        assert_eq!(m.get("a"), Some(&1));
        assert_eq!(m["b"], 2);
        assert_eq!(m.remove("a"), Some(1));
        assert!(!m.contains_key("a"));
        assert!(SortedSet::from(["x".to_string(), "y".to_string()]).contains("y"));
    }

    #[test]
    fn entries_are_found_by_their_place_in_key_order() {
        let mut m: SortedMap<u32, char> = [(5, 'e'), (1, 'a'), (3, 'c')].into_iter().collect();
        assert_eq!(m.index_of(&3), Some(1));
        assert_eq!(m.index_of(&4), None);
        assert_eq!(m.entry_at(2), Some((&5, &'e')));
        assert_eq!(m.entry_at(3), None);
        *m.entry_at_mut(0).unwrap().1 = 'A';
        assert_eq!(m.get(&1), Some(&'A'));
    }

    #[test]
    fn from_sorted_takes_sorted_entries_and_refuses_others() {
        let m = SortedMap::from_sorted(vec![(1, 'a'), (3, 'c')]);
        assert_eq!(m.get(&3), Some(&'c'));
        assert!(std::panic::catch_unwind(|| SortedMap::from_sorted(vec![(2, 'b'), (2, 'c')])).is_err());
    }
}
