//! Kafka's `RoundRobinAssignor`: every subscribed partition, sorted by topic then partition,
//! dealt to the members in member-id order, skipping members not subscribed to its topic.

use std::collections::BTreeSet;

use super::{all_partitions, empty_assignment, subscribed_counts, Assignment, PartitionCounts, Subscriptions};

/// Kafka's `RoundRobinAssignor`.
pub fn round_robin(members: &Subscriptions, partitions: &PartitionCounts) -> Assignment {
    let mut assignment = empty_assignment(members);
    let order: Vec<(&String, &BTreeSet<String>)> = members.iter().collect();
    let mut next = 0usize;
    for tp in all_partitions(&subscribed_counts(members, partitions)) {
        // Some member subscribes to every topic in the list, so this finds one within a lap.
        while !order[next].1.contains(&tp.topic) {
            next = (next + 1) % order.len();
        }
        assignment.entry(order[next].0.clone()).or_default().push(tp);
        next = (next + 1) % order.len();
    }
    assignment
}
