//! The group as the assignors work on it: members, topics and partitions numbered instead of
//! named. Member `m` is the `m`-th member id in order, topic `t` the `t`-th subscribed topic
//! that exists, and partition `p` counts across all of them, topic by topic, so numbers sort
//! exactly as the names did (member ids; `TopicPartition`s by topic, then partition).
//!
//! Why numbers: the assignors used to keep their bookkeeping in maps and sets keyed by
//! `String`s and `TopicPartition`s, a dozen kinds of B-tree, each its own few kilobytes of the
//! app's wasm. Numbered, the same bookkeeping is plain vectors indexed by member, topic or
//! partition, and the names come back only in the answer.

use super::java_hash::{java_bucket, java_string_hash, java_table_size};
use super::{Assignment, PartitionCounts, Subscriptions, TopicPartition};

pub(super) struct Group<'a> {
    /// Member ids in order.
    pub members: Vec<&'a String>,
    /// The topics someone subscribes to that exist, in order (what Kafka hands an assignor as
    /// `partitionsPerTopic`).
    pub topics: Vec<&'a String>,
    /// Topic `t`'s partitions are numbered `base[t]..base[t + 1]`; `base` has one entry more
    /// than `topics`.
    base: Vec<usize>,
    /// Each member's subscribed topics that exist, ascending.
    pub subs: Vec<Vec<usize>>,
}

impl<'a> Group<'a> {
    pub fn new(members: &'a Subscriptions, partitions: &'a PartitionCounts) -> Group<'a> {
        let mut topics: Vec<&String> = Vec::new();
        let mut base = vec![0];
        for (topic, &count) in partitions {
            if members.values().any(|t| t.contains(topic)) {
                topics.push(topic);
                base.push(base[base.len() - 1] + count as usize);
            }
        }
        let subs = members.values().map(|t| (0..topics.len()).filter(|&i| t.contains(topics[i])).collect()).collect();
        Group { members: members.keys().collect(), topics, base, subs }
    }

    /// The number of partitions of all the topics together.
    pub fn total(&self) -> usize {
        self.base[self.topics.len()]
    }

    /// Topic `t`'s partitions.
    pub fn partitions(&self, t: usize) -> std::ops::Range<usize> {
        self.base[t]..self.base[t + 1]
    }

    pub fn topic_of(&self, p: usize) -> usize {
        self.base[1..].partition_point(|&b| b <= p)
    }

    /// Partition `p`'s number within its topic.
    pub fn number(&self, p: usize) -> usize {
        p - self.base[self.topic_of(p)]
    }

    pub fn subscribes(&self, m: usize, t: usize) -> bool {
        self.subs[m].contains(&t)
    }

    pub fn tp(&self, p: usize) -> TopicPartition {
        let t = self.topic_of(p);
        TopicPartition::new(self.topics[t].as_str(), (p - self.base[t]) as u32)
    }

    /// Java's `TopicPartition.hashCode()`.
    pub fn java_hash(&self, p: usize) -> i32 {
        let t = self.topic_of(p);
        31i32.wrapping_add((p - self.base[t]) as i32).wrapping_mul(31).wrapping_add(java_string_hash(self.topics[t]))
    }

    /// Each member's previous partitions that still exist, in their order (repeats kept).
    pub fn previous(&self, previous: &Assignment) -> Vec<Vec<usize>> {
        let number = |tp: &TopicPartition| {
            let t = self.topics.binary_search_by(|topic| topic.as_str().cmp(&tp.topic)).ok()?;
            let p = self.base[t] + tp.partition as usize;
            (p < self.base[t + 1]).then_some(p)
        };
        self.members.iter().map(|m| previous.get(*m).into_iter().flatten().filter_map(number).collect()).collect()
    }

    /// The answer in names: each member's list, sorted.
    pub fn assignment(&self, lists: Vec<Vec<usize>>) -> Assignment {
        self.members
            .iter()
            .zip(lists)
            .map(|(m, mut list)| {
                crate::sort::sort(&mut list);
                ((*m).clone(), list.into_iter().map(|p| self.tp(p)).collect())
            })
            .collect()
    }

    /// Member numbers in the order a `java.util.HashMap<String, _>` holding the ids iterates:
    /// by bucket, then (standing in for insertion order) by id.
    pub fn java_hash_map_order(&self) -> Vec<usize> {
        let size = java_table_size(self.members.len());
        let mut order: Vec<usize> = (0..self.members.len()).collect();
        crate::sort::sort_by_key(&mut order, |&m| (java_bucket(java_string_hash(self.members[m]), size), m));
        order
    }
}
