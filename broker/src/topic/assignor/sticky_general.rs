//! The sticky assignor's general path, taken when subscriptions differ: keep every owned
//! partition still subscribed to, give each free partition to the least-loaded subscribed
//! member, then move partitions from members with two or more extra until no move is left.

use std::collections::{BTreeMap, BTreeSet};

use super::java_hash::*;
use super::*;

/// Partitions of one topic moved from one member to another during this rebalance, kept in
/// insertion order with the peak size, to pick the element a Java `HashSet` yields first.
#[derive(Default)]
struct MovedSet {
    partitions: Vec<TopicPartition>,
    peak: usize,
}

impl MovedSet {
    fn java_first(&self) -> Option<&TopicPartition> {
        let size = java_table_size(self.peak);
        // min_by_key keeps the first of equal keys: insertion order within a bucket.
        self.partitions.iter().min_by_key(|tp| java_bucket(java_topic_partition_hash(tp), size))
    }
}

/// Kafka's `PartitionMovements`: where each moved partition came from, so that a later move
/// between the same two members can undo an earlier one instead of moving another partition.
#[derive(Default)]
struct Movements {
    by_partition: BTreeMap<TopicPartition, (String, String)>,
    by_topic: BTreeMap<String, BTreeMap<(String, String), MovedSet>>,
}

impl Movements {
    fn remove(&mut self, tp: &TopicPartition) -> Option<(String, String)> {
        let pair = self.by_partition.remove(tp)?;
        if let Some(pairs) = self.by_topic.get_mut(&tp.topic) {
            if let Some(set) = pairs.get_mut(&pair) {
                set.partitions.retain(|p| p != tp);
                if set.partitions.is_empty() {
                    pairs.remove(&pair);
                }
            }
            if pairs.is_empty() {
                self.by_topic.remove(&tp.topic);
            }
        }
        Some(pair)
    }

    fn add(&mut self, tp: &TopicPartition, pair: (String, String)) {
        self.by_partition.insert(tp.clone(), pair.clone());
        let set = self.by_topic.entry(tp.topic.clone()).or_default().entry(pair).or_default();
        set.partitions.push(tp.clone());
        set.peak = set.peak.max(set.partitions.len());
    }

    fn record(&mut self, tp: &TopicPartition, from: &str, to: &str) {
        match self.remove(tp) {
            Some((origin, _)) => {
                if origin != to {
                    self.add(tp, (origin, to.to_string()));
                }
            }
            None => self.add(tp, (from.to_string(), to.to_string())),
        }
    }

    fn partition_to_move(&self, tp: &TopicPartition, from: &str, to: &str) -> TopicPartition {
        let Some(pairs) = self.by_topic.get(&tp.topic) else {
            return tp.clone();
        };
        let origin = self.by_partition.get(tp).map_or(from, |(src, _)| src.as_str());
        match pairs.get(&(to.to_string(), origin.to_string())).and_then(MovedSet::java_first) {
            Some(back) => back.clone(),
            None => tp.clone(),
        }
    }
}

pub(super) struct General<'a> {
    counts: &'a BTreeMap<&'a String, u32>,
    /// Subscribed topics that exist (Kafka's `consumer2AllPotentialTopics`).
    topics_of: BTreeMap<String, BTreeSet<String>>,
    /// Kafka's `topic2AllPotentialConsumers`.
    consumers_of: BTreeMap<String, Vec<String>>,
    current: BTreeMap<String, Vec<TopicPartition>>,
    owner: BTreeMap<TopicPartition, String>,
    /// Members by (number of partitions, member id): Kafka's `sortedCurrentSubscriptions`.
    by_load: BTreeSet<(usize, String)>,
    movements: Movements,
    revocation_required: bool,
}

impl<'a> General<'a> {
    pub(super) fn new(
        members: &Subscriptions,
        counts: &'a BTreeMap<&'a String, u32>,
        owned: BTreeMap<String, Vec<TopicPartition>>,
    ) -> Self {
        let topics_of: BTreeMap<String, BTreeSet<String>> = crate::sort::map_from(members.iter().map(|(m, topics)| {
            (m.clone(), crate::sort::set_from(topics.iter().filter(|t| counts.contains_key(*t)).cloned()))
        }));
        let consumers_of = crate::sort::map_from(counts.keys().map(|topic| {
            let consumers = topics_of.iter().filter(|(_, t)| t.contains(*topic)).map(|(m, _)| m.clone()).collect();
            ((*topic).clone(), consumers)
        }));
        General {
            counts,
            topics_of,
            consumers_of,
            current: owned,
            owner: BTreeMap::new(),
            by_load: BTreeSet::new(),
            movements: Movements::default(),
            revocation_required: false,
        }
    }

    fn load(&self, member: &str) -> Option<usize> {
        self.current.get(member).map(Vec::len)
    }

    fn max_load(&self, member: &str) -> usize {
        self.topics_of[member].iter().map(|t| self.counts[t] as usize).sum()
    }

    pub(super) fn build(mut self) -> Assignment {
        // Keep what each member owned and still subscribes to.
        let mut kept: BTreeSet<TopicPartition> = BTreeSet::new();
        for (member, list) in &mut self.current {
            let before = list.len();
            list.retain(|tp| self.topics_of[member].contains(&tp.topic));
            self.revocation_required |= list.len() != before;
            for tp in list.iter() {
                self.owner.insert(tp.clone(), member.clone());
                kept.insert(tp.clone());
            }
        }
        // Topics with fewer possible consumers go first: they have the fewest places to go.
        let mut topics: Vec<&String> = self.counts.keys().copied().collect();
        crate::sort::sort_by_key(&mut topics, |t| (self.consumers_of[*t].len(), *t));
        let mut sorted_all: Vec<TopicPartition> =
            topics.iter().flat_map(|t| (0..self.counts[*t]).map(|p| TopicPartition::new(*t, p))).collect();
        let mut unassigned: Vec<TopicPartition> = sorted_all.iter().filter(|tp| !kept.contains(tp)).cloned().collect();
        self.by_load = crate::sort::set_from(self.current.iter().map(|(m, l)| (l.len(), m.clone())));
        self.balance(&mut sorted_all, &mut unassigned);
        self.current
    }

    fn move_load(&mut self, member: &str, from: usize, to: usize) {
        self.by_load.remove(&(from, member.to_string()));
        self.by_load.insert((to, member.to_string()));
    }

    fn give(&mut self, tp: TopicPartition, member: &str) {
        let list = self.current.entry(member.to_string()).or_default();
        let before = list.len();
        list.push(tp.clone());
        self.owner.insert(tp, member.to_string());
        self.move_load(member, before, before + 1);
    }

    fn least_loaded_for(&self, topic: &str) -> Option<String> {
        self.by_load.iter().find(|(_, m)| self.topics_of[m].contains(topic)).map(|(_, m)| m.clone())
    }

    fn can_participate(&self, member: &str) -> bool {
        let list = &self.current[member];
        list.len() < self.max_load(member) || list.iter().any(|tp| self.consumers_of[&tp.topic].len() >= 2)
    }

    fn balance(&mut self, sorted_all: &mut Vec<TopicPartition>, unassigned: &mut Vec<TopicPartition>) {
        let initializing = self.by_load.last().is_none_or(|(load, _)| *load == 0);
        for tp in unassigned.iter() {
            if let Some(member) = self.least_loaded_for(&tp.topic) {
                self.give(tp.clone(), &member);
            }
        }

        // Partitions of single-consumer topics and members that cannot change stay put.
        let fixed_topics: BTreeSet<String> =
            crate::sort::set_from(self.consumers_of.iter().filter(|(_, c)| c.len() < 2).map(|(t, _)| t.clone()));
        sorted_all.retain(|tp| !fixed_topics.contains(&tp.topic));
        unassigned.retain(|tp| !fixed_topics.contains(&tp.topic));
        let fixed_members: Vec<String> = self.current.keys().filter(|m| !self.can_participate(m)).cloned().collect();
        let mut fixed: Vec<(String, Vec<TopicPartition>)> = Vec::new();
        for member in fixed_members {
            if let Some(list) = self.current.remove(&member) {
                self.by_load.remove(&(list.len(), member.clone()));
                fixed.push((member, list));
            }
        }

        let before = self.current.clone();
        let before_owner = self.owner.clone();
        // Without forced revocations, first try to balance by moving only the new partitions.
        if !self.revocation_required {
            self.perform_reassignments(unassigned);
        }
        let moved = self.perform_reassignments(sorted_all);
        // Kafka only reads whether the second pass moved anything.
        if !initializing && moved && balance_score(&self.current) >= balance_score(&before) {
            self.current = before;
            self.owner = before_owner;
        }
        self.current.extend(fixed);
    }

    fn perform_reassignments(&mut self, partitions: &[TopicPartition]) -> bool {
        let mut moved_any = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(owner) = self.owner.get(tp).cloned() else {
                    continue;
                };
                let Some(owner_load) = self.load(&owner) else {
                    continue;
                };
                let better_exists = self.consumers_of[&tp.topic]
                    .iter()
                    .any(|other| self.load(other).is_some_and(|l| owner_load > l + 1));
                if better_exists {
                    self.reassign(tp);
                    moved_any = true;
                    modified = true;
                }
            }
            if !modified {
                return moved_any;
            }
        }
    }

    fn reassign(&mut self, tp: &TopicPartition) {
        let Some(to) = self.least_loaded_for(&tp.topic) else {
            return;
        };
        let Some(from) = self.owner.get(tp).cloned() else {
            return;
        };
        let actual = self.movements.partition_to_move(tp, &from, &to);
        let Some(actual_from) = self.owner.get(&actual).cloned() else {
            return;
        };
        let Some(from_load) = self.load(&actual_from) else {
            return;
        };
        self.movements.record(&actual, &actual_from, &to);
        if let Some(list) = self.current.get_mut(&actual_from) {
            if let Some(i) = list.iter().position(|p| *p == actual) {
                list.remove(i);
            }
        }
        self.move_load(&actual_from, from_load, from_load - 1);
        self.give(actual, &to);
    }

    /// Kafka's `isBalanced`: loads differ by at most one, or no member could take a partition
    /// of its topics from a member with two or more partitions more.
    fn is_balanced(&self) -> bool {
        let (Some((min, _)), Some((max, _))) = (self.by_load.first(), self.by_load.last()) else {
            return true;
        };
        if min + 1 >= *max {
            return true;
        }
        for (load, member) in &self.by_load {
            if *load == self.max_load(member) {
                continue;
            }
            let mine = &self.current[member];
            for topic in &self.topics_of[member] {
                for p in 0..self.counts[topic] {
                    let tp = TopicPartition::new(topic.clone(), p);
                    if mine.contains(&tp) {
                        continue;
                    }
                    let other = self.owner.get(&tp).and_then(|o| self.load(o));
                    if other.is_some_and(|other| load + 1 < other) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// Sum over all pairs of members of the difference in their loads; 0 is perfectly even.
pub(super) fn balance_score(assignment: &BTreeMap<String, Vec<TopicPartition>>) -> u64 {
    let loads: Vec<u64> = assignment.values().map(|l| l.len() as u64).collect();
    let mut score = 0;
    for (i, a) in loads.iter().enumerate() {
        for b in &loads[i + 1..] {
            score += a.abs_diff(*b);
        }
    }
    score
}
