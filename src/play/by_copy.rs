//! The animation's tokens by copy id: a map kept as one vector sorted by id, with a removed
//! entry left as a hole until holes outnumber the entries.
//!
//! Why not a `BTreeMap`: a B-tree is a few kilobytes of wasm for each key and value type it
//! holds, and this is the app's only map of its kind. Copy ids are handed out in increasing
//! order, so a new token almost always goes at the end; a lookup is a binary search; a removal
//! leaves a hole, and the holes are swept out together once there are more holes than
//! tokens, so that a queue of a hundred thousand messages draining from its head stays cheap.
//! Iteration is in id order, as the `BTreeMap`'s was.

#[derive(Clone, Debug)]
pub struct ByCopy<V> {
    /// Ascending; an id whose entry is a hole stays until the next sweep.
    ids: Vec<u32>,
    values: Vec<Option<V>>,
    live: usize,
}

impl<V> Default for ByCopy<V> {
    fn default() -> Self {
        ByCopy { ids: Vec::new(), values: Vec::new(), live: 0 }
    }
}

impl<V> ByCopy<V> {
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn clear(&mut self) {
        self.ids.clear();
        self.values.clear();
        self.live = 0;
    }

    fn find(&self, id: u32) -> Result<usize, usize> {
        // Most lookups are for recent copies, at the end.
        match self.ids.last() {
            Some(&last) if last < id => Err(self.ids.len()),
            _ => self.ids.binary_search(&id),
        }
    }

    pub fn get(&self, id: &u32) -> Option<&V> {
        self.values[self.find(*id).ok()?].as_ref()
    }

    pub fn get_mut(&mut self, id: &u32) -> Option<&mut V> {
        let i = self.find(*id).ok()?;
        self.values[i].as_mut()
    }

    pub fn insert(&mut self, id: u32, value: V) {
        match self.find(id) {
            Ok(i) => {
                if self.values[i].replace(value).is_none() {
                    self.live += 1;
                }
            }
            Err(i) => {
                self.ids.insert(i, id);
                self.values.insert(i, Some(value));
                self.live += 1;
            }
        }
    }

    pub fn remove(&mut self, id: &u32) -> Option<V> {
        let i = self.find(*id).ok()?;
        let value = self.values[i].take()?;
        self.live -= 1;
        let holes = self.ids.len() - self.live;
        if holes > 32 && holes > self.live {
            self.sweep();
        }
        Some(value)
    }

    fn sweep(&mut self) {
        let mut keep = self.values.iter().map(Option::is_some);
        self.ids.retain(|_| keep.next().unwrap_or(false));
        self.values.retain(Option::is_some);
    }

    /// Entries in id order.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter { ids: self.ids.iter(), values: self.values.iter() }
    }

    pub fn keys(&self) -> impl Iterator<Item = &u32> {
        self.iter().map(|(id, _)| id)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }
}

pub struct Iter<'a, V> {
    ids: std::slice::Iter<'a, u32>,
    values: std::slice::Iter<'a, Option<V>>,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a u32, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let id = self.ids.next()?;
            if let Some(v) = self.values.next()?.as_ref() {
                return Some((id, v));
            }
        }
    }
}

impl<'a, V> IntoIterator for &'a ByCopy<V> {
    type Item = (&'a u32, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// SplitMix64, for a repeatable random walk.
    fn next(s: &mut u64) -> u64 {
        *s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    #[test]
    fn behaves_as_a_btree_map() {
        let mut s = 7u64;
        let mut ours: ByCopy<u64> = ByCopy::default();
        let mut theirs: BTreeMap<u32, u64> = BTreeMap::new();
        let mut next_id = 0u32;
        for step in 0..20_000u64 {
            let r = next(&mut s);
            let id = match r % 3 {
                // Mostly new ids at the end, sometimes an old or unknown one.
                0 | 1 => {
                    next_id += 1 + (r >> 8) as u32 % 3;
                    next_id
                }
                _ => (r >> 16) as u32 % (next_id + 5),
            };
            match (r >> 40) % 5 {
                0..=1 => {
                    ours.insert(id, step);
                    theirs.insert(id, step);
                }
                2 | 3 => assert_eq!(ours.remove(&id), theirs.remove(&id)),
                _ => {
                    if let Some(v) = ours.get_mut(&id) {
                        *v += 1;
                    }
                    if let Some(v) = theirs.get_mut(&id) {
                        *v += 1;
                    }
                }
            }
            assert_eq!(ours.get(&id), theirs.get(&id));
            assert_eq!(ours.len(), theirs.len());
            if step % 97 == 0 {
                assert!(ours.iter().eq(theirs.iter()));
            }
            if step == 15_000 {
                ours.clear();
                theirs.clear();
                assert!(ours.is_empty());
            }
        }
        assert!(ours.keys().eq(theirs.keys()) && ours.values().eq(theirs.values()));
    }
}
