//! Kafka's `RangeAssignor`: per topic, the subscribed members in member-id order share the
//! partitions in contiguous ranges, the first `partitions % members` getting one extra.

use super::group::Group;
use super::{Assignment, PartitionCounts, Subscriptions};

/// Kafka's `RangeAssignor`.
pub fn range(members: &Subscriptions, partitions: &PartitionCounts) -> Assignment {
    let g = Group::new(members, partitions);
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); g.members.len()];
    for t in 0..g.topics.len() {
        let consumers: Vec<usize> = (0..g.members.len()).filter(|&m| g.subscribes(m, t)).collect();
        let all = g.partitions(t);
        let n = consumers.len();
        let per_member = all.len() / n;
        let with_extra = all.len() % n;
        for (i, m) in consumers.into_iter().enumerate() {
            let start = all.start + per_member * i + i.min(with_extra);
            let len = per_member + usize::from(i < with_extra);
            lists[m].extend(start..start + len);
        }
    }
    g.assignment(lists)
}
