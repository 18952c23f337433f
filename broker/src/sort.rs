//! Sorting, kept small. The standard library's sorts are fast, but each element type they
//! sort gets its own few kilobytes of wasm (quicksort with its pivot and small-sort helpers,
//! and for the stable sort also drift sort); Brokerlab sorts a couple of dozen types, so that
//! came to tens of kilobytes of the app's bundle. A heapsort is a few hundred bytes per type.
//! (Collecting into a `BTreeMap` sorts stably first too; the core's maps are
//! [`crate::sorted_map`]'s, whose collecting inserts one by one.)
//!
//! Heapsort is not stable. Every caller sorts by a key that is unique, or sorts values whose
//! equal elements cannot be told apart, so the order is the same as any other sort's, and the
//! trace does not change.

/// Sorts `v` so that no element is `less` than the one before it.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    heapsort(v.len(), &mut |i, j, swap| {
        if swap {
            v.swap(i, j);
            false
        } else {
            less(&v[i], &v[j])
        }
    });
}

/// The heapsort itself, one copy for every element type (each type's own is then only the
/// small closure above): `op(i, j, false)` says whether the element at `i` is less than the
/// one at `j`, and `op(i, j, true)` swaps them. Sorts are rare in a run (rebalances, setup,
/// the verdict), so the indirect call costs nothing that shows.
#[inline(never)]
fn heapsort(n: usize, op: &mut dyn FnMut(usize, usize, bool) -> bool) {
    for root in (0..n / 2).rev() {
        sift_down(root, n, op);
    }
    for end in (1..n).rev() {
        op(0, end, true);
        sift_down(0, end, op);
    }
}

fn sift_down(mut root: usize, end: usize, op: &mut dyn FnMut(usize, usize, bool) -> bool) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && op(child, child + 1, false) {
            child += 1;
        }
        if !op(root, child, false) {
            return;
        }
        op(root, child, true);
        root = child;
    }
}

pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a < b);
}

pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a) < key(b));
}

/// The `k`-th smallest value of `v` (counting from 0), reordering `v`: a quickselect with a
/// median-of-three pivot and a three-way partition (so runs of equal values cost one pass), in
/// expected linear time. The standard library's `select_nth_unstable` would bring its
/// quicksort's partition code into the wasm for one use. Panics if `k` is out of range.
pub fn select_nth<T: Ord + Copy>(v: &mut [T], k: usize) -> T {
    assert!(k < v.len(), "select_nth: {k} is out of range");
    let (mut lo, mut hi) = (0, v.len());
    loop {
        if hi - lo == 1 {
            return v[lo];
        }
        let (a, b, c) = (v[lo], v[lo + (hi - lo) / 2], v[hi - 1]);
        let pivot = a.min(b).max(a.max(b).min(c));
        // [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > pivot.
        // Swaps written out: Copy values, and a call per swap is what an `opt-level = "z"`
        // build would otherwise make of `slice::swap`.
        let (mut lt, mut i, mut gt) = (lo, lo, hi);
        while i < gt {
            let x = v[i];
            if x < pivot {
                v[i] = v[lt];
                v[lt] = x;
                lt += 1;
                i += 1;
            } else if x > pivot {
                gt -= 1;
                v[i] = v[gt];
                v[gt] = x;
            } else {
                i += 1;
            }
        }
        if k < lt {
            hi = lt;
        } else if k >= gt {
            lo = gt;
        } else {
            return pivot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn selects_what_a_sort_puts_there(mut v in proptest::collection::vec(0u8..20, 1..300), k in any::<prop::sample::Index>()) {
            let k = k.index(v.len());
            let mut sorted = v.clone();
            sorted.sort();
            prop_assert_eq!(select_nth(&mut v, k), sorted[k]);
            let mut again = v.clone();
            again.sort();
            prop_assert_eq!(again, sorted, "only reordered");
        }
    }

    proptest! {
        #[test]
        fn sorts_like_the_standard_library(mut v in proptest::collection::vec(any::<i16>(), 0..300)) {
            let mut expected = v.clone();
            expected.sort();
            sort(&mut v);
            prop_assert_eq!(v, expected);
        }

        #[test]
        fn sorts_by_a_unique_key_like_a_stable_sort(v in proptest::collection::btree_set(any::<u32>(), 0..200)) {
            let mut pairs: Vec<(u32, String)> = v.iter().rev().map(|k| (*k, format!("v{k}"))).collect();
            let mut expected = pairs.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut pairs, |p| p.0);
            prop_assert_eq!(pairs, expected);
        }
    }
}
