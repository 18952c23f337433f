//! Kafka's `RangeAssignor`: per topic, the subscribed members in member-id order share the
//! partitions in contiguous ranges, the first `partitions % members` getting one extra.

use super::{
    empty_assignment, sort_lists, subscribed_counts, Assignment, PartitionCounts, Subscriptions, TopicPartition,
};

/// Kafka's `RangeAssignor`.
pub fn range(members: &Subscriptions, partitions: &PartitionCounts) -> Assignment {
    let mut assignment = empty_assignment(members);
    for (topic, count) in subscribed_counts(members, partitions) {
        let consumers: Vec<&String> = members.iter().filter(|(_, t)| t.contains(topic)).map(|(m, _)| m).collect();
        let n = consumers.len() as u32;
        let per_member = count / n;
        let with_extra = count % n;
        for (i, member) in (0u32..).zip(consumers) {
            let start = per_member * i + i.min(with_extra);
            let len = per_member + u32::from(i < with_extra);
            let list = assignment.entry(member.clone()).or_default();
            list.extend((start..start + len).map(|p| TopicPartition::new(topic, p)));
        }
    }
    sort_lists(&mut assignment);
    assignment
}
