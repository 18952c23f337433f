//! Kafka's `RoundRobinAssignor`: every subscribed partition, sorted by topic then partition,
//! dealt to the members in member-id order, skipping members not subscribed to its topic.

use super::group::Group;
use super::{Assignment, PartitionCounts, Subscriptions};

/// Kafka's `RoundRobinAssignor`.
pub fn round_robin(members: &Subscriptions, partitions: &PartitionCounts) -> Assignment {
    let g = Group::new(members, partitions);
    let n = g.members.len();
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut next = 0usize;
    for t in 0..g.topics.len() {
        for p in g.partitions(t) {
            // Some member subscribes to every topic in the list, so this finds one within a lap.
            while !g.subscribes(next, t) {
                next = (next + 1) % n;
            }
            lists[next].push(p);
            next = (next + 1) % n;
        }
    }
    g.assignment(lists)
}
