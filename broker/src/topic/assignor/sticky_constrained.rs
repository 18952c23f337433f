//! The sticky assignor's constrained path, taken when every member has the same
//! subscription: each member keeps up to its quota of what it owned, and the rest is dealt to
//! the members below quota.

use std::collections::VecDeque;

use super::group::Group;

/// Each member's partitions, and the partitions that change owner with the member each is
/// meant for (in partition order). `owned` and `doubly_claimed` come from `valid_owned`.
pub(super) fn constrained(
    g: &Group,
    owned: &[Vec<usize>],
    doubly_claimed: &[bool],
) -> (Vec<Vec<usize>>, Vec<(usize, usize)>) {
    let total = g.total();
    let n = g.members.len();
    let min_quota = total / n;
    let max_quota = total.div_ceil(n);
    let expected_over_min = total % n;
    let mut over_min = 0usize;

    let mut target: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut kept = vec![false; total];
    let mut given_up = vec![false; total];
    let mut under_min: Vec<usize> = Vec::new();
    let mut at_min: VecDeque<usize> = VecDeque::new();

    for m in g.java_hash_map_order() {
        let mut mine = owned[m].clone();
        // KAFKA-16277: interleave topics so a member keeps a share of each, not all of one.
        crate::sort::sort_by_key(&mut mine, |&p| (g.number(p), g.topic_of(p)));
        let keep = if mine.len() < min_quota {
            under_min.push(m);
            mine.len()
        } else if mine.len() >= max_quota && over_min < expected_over_min {
            over_min += 1;
            if over_min == expected_over_min {
                at_min.clear();
            }
            max_quota
        } else {
            if over_min < expected_over_min {
                at_min.push_back(m);
            }
            min_quota
        };
        for &p in &mine[keep..] {
            given_up[p] = true;
        }
        mine.truncate(keep);
        for &p in &mine {
            kept[p] = true;
        }
        target[m] = mine;
    }

    crate::sort::sort(&mut under_min);
    crate::sort::sort(at_min.make_contiguous());

    // Deal the rest round-robin: first up to minQuota, then one more each to members at
    // minQuota until the expected number of members hold maxQuota. `cursor` plays the part of
    // Kafka's iterator over the under-quota list.
    let mut transferring = Vec::new();
    let mut cursor = 0usize;
    for p in (0..total).filter(|&p| !kept[p]) {
        let (m, from_under) = if cursor < under_min.len() {
            cursor += 1;
            (under_min[cursor - 1], true)
        } else if !under_min.is_empty() {
            cursor = 1;
            (under_min[0], true)
        } else if let Some(m) = at_min.pop_front() {
            (m, false)
        } else {
            // The quotas add up to the partition count, so this is never reached; fall back to
            // the least-loaded member rather than lose the partition.
            if cfg!(debug_assertions) {
                panic!("constrained sticky assignment ran out of members for {}", g.tp(p));
            }
            match (0..n).min_by_key(|&m| (target[m].len(), m)) {
                Some(m) => (m, false),
                None => break,
            }
        };
        if given_up[p] || doubly_claimed[p] {
            transferring.push((p, m));
        }
        let list = &mut target[m];
        list.push(p);
        if list.len() == min_quota && from_under {
            cursor -= 1;
            under_min.remove(cursor);
            at_min.push_back(m);
        }
    }
    (target, transferring)
}
