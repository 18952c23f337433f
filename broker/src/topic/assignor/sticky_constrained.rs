//! The sticky assignor's constrained path, taken when every member has the same
//! subscription: each member keeps up to its quota of what it owned, and the rest is dealt to
//! the members below quota.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::java_hash::*;
use super::*;

pub(super) fn constrained(
    members: &Subscriptions,
    counts: &BTreeMap<&String, u32>,
    owned: &BTreeMap<String, Vec<TopicPartition>>,
    doubly_claimed: &BTreeSet<TopicPartition>,
) -> StickyPlan {
    let total: u32 = counts.values().sum();
    let n = members.len() as u32;
    let min_quota = (total / n) as usize;
    let max_quota = total.div_ceil(n) as usize;
    let expected_over_min = (total % n) as usize;
    let mut over_min = 0usize;

    let mut target = empty_assignment(members);
    let mut kept: BTreeSet<TopicPartition> = BTreeSet::new();
    let mut given_up: BTreeSet<TopicPartition> = BTreeSet::new();
    let mut under_min: Vec<String> = Vec::new();
    let mut at_min: VecDeque<String> = VecDeque::new();

    for member in java_hash_map_order(members.keys()) {
        let mut mine = owned.get(member).cloned().unwrap_or_default();
        // KAFKA-16277: interleave topics so a member keeps a share of each, not all of one.
        crate::sort::sort_by_key(&mut mine, |tp| (tp.partition, tp.topic.clone()));
        let keep = if mine.len() < min_quota {
            under_min.push(member.clone());
            mine.len()
        } else if mine.len() >= max_quota && over_min < expected_over_min {
            over_min += 1;
            if over_min == expected_over_min {
                at_min.clear();
            }
            max_quota
        } else {
            if over_min < expected_over_min {
                at_min.push_back(member.clone());
            }
            min_quota
        };
        given_up.extend(mine.drain(keep..));
        kept.extend(mine.iter().cloned());
        target.insert(member.clone(), mine);
    }

    crate::sort::sort(&mut under_min);
    crate::sort::sort(at_min.make_contiguous());
    let unassigned: Vec<TopicPartition> = all_partitions(counts).into_iter().filter(|tp| !kept.contains(tp)).collect();

    // Deal the rest round-robin: first up to minQuota, then one more each to members at
    // minQuota until the expected number of members hold maxQuota. `cursor` plays the part of
    // Kafka's iterator over the under-quota list.
    let mut transferring = BTreeMap::new();
    let mut cursor = 0usize;
    for tp in unassigned {
        let (member, from_under) = if cursor < under_min.len() {
            cursor += 1;
            (under_min[cursor - 1].clone(), true)
        } else if !under_min.is_empty() {
            cursor = 1;
            (under_min[0].clone(), true)
        } else if let Some(member) = at_min.pop_front() {
            (member, false)
        } else {
            // The quotas add up to the partition count, so this is never reached; fall back to
            // the least-loaded member rather than lose the partition.
            if cfg!(debug_assertions) {
                panic!("constrained sticky assignment ran out of members for {tp}");
            }
            let least = target.iter().min_by_key(|(m, l)| (l.len(), *m)).map(|(m, _)| m.clone());
            match least {
                Some(member) => (member, false),
                None => break,
            }
        };
        if given_up.contains(&tp) || doubly_claimed.contains(&tp) {
            transferring.insert(tp.clone(), member.clone());
        }
        let list = target.entry(member.clone()).or_default();
        list.push(tp);
        if list.len() == min_quota && from_under {
            cursor -= 1;
            under_min.remove(cursor);
            at_min.push_back(member);
        }
    }
    StickyPlan { target, transferring }
}
