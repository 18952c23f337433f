//! Partition assignment for consumer groups: Kafka's `range`, `roundrobin` and
//! `cooperative-sticky` assignors as pure functions of the members' subscriptions, the
//! topics' partition counts and, for the sticky one, who owned what before.
//!
//! ```text
//!   members: member id ──▶ subscribed topics ─┐
//!   partitions: topic ──▶ partition count ────┼──▶ range / round_robin ──▶ Assignment
//!   previous: Assignment (sticky only) ───────┘        cooperative_sticky ──▶ Rebalance
//!                                                       { assignment, revoked, target }
//! ```
//!
//! The group step of the simulation calls these when a generation starts; nothing here keeps
//! state between calls.
//!
//! ## Which Kafka code this follows
//!
//! The Java consumer's assignors as on Apache Kafka trunk from 3.8 on:
//! `RangeAssignor` and `RoundRobinAssignor` (both without rack awareness), and
//! `AbstractStickyAssignor` (its `ConstrainedAssignmentBuilder` and `GeneralAssignmentBuilder`,
//! after KAFKA-15106's `isBalanced` fix and KAFKA-16277, which sorts a member's owned partitions
//! by partition number before topic) wrapped by `CooperativeStickyAssignor`. The unit tests
//! below reproduce cases from `RangeAssignorTest`, `RoundRobinAssignorTest`,
//! `AbstractStickyAssignorTest` and `CooperativeStickyAssignorTest` with Kafka's inputs and
//! expected outputs.
//!
//! * **range**: per topic, the members subscribed to it in member-id order share the partitions
//!   in contiguous ranges; the first `partitions % members` members get one extra. Each topic
//!   is split on its own, so a member can end up with many more partitions than another.
//! * **roundrobin**: every partition of every subscribed topic, sorted by topic then partition,
//!   is dealt to the members in member-id order, skipping members not subscribed to its topic.
//! * **cooperative-sticky**: a balanced target that keeps as many previously owned partitions as
//!   it can. When every member has the same subscription Kafka takes the "constrained" path:
//!   each member keeps up to its quota of what it owned (owned partitions sorted by partition,
//!   then topic), and the rest is dealt round-robin to the members below quota (sorted by
//!   member id). Otherwise the "general" path: keep every owned partition the member is still
//!   subscribed to, give each free partition to the least-loaded subscribed member (topics
//!   with fewer possible consumers first), then move partitions from members with 2+ more to
//!   members with fewer until no such move is left. Under the cooperative protocol a partition
//!   that goes from one owner to another is revoked in this generation and handed over only in
//!   the follow-up rebalance: [`cooperative_sticky`] returns it in `revoked` and leaves it out
//!   of `assignment`; [`cooperative_sticky_settle`] runs the follow-up rebalances.
//!
//! ## Where this differs from Kafka, and why
//!
//! * Static membership (`group.instance.id`) is not modelled: Kafka's range and round-robin
//!   sort static members by instance id before dynamic ones; here every member sorts by
//!   member id. Racks are not modelled either, so the rack-aware variants never apply.
//! * The constrained sticky path walks the members in the order a `java.util.HashMap<String, _>`
//!   iterates them (bucket of Java's `String.hashCode`, spread and masked by the table size),
//!   because that order decides which of several over-quota owners keep the extra partition,
//!   and Kafka's own tests depend on it. Members in the same bucket are taken in member-id order
//!   (Kafka: insertion order, which comes from another hash map).
//! * When the sticky rebalancer moves a partition back along an earlier move of the same topic,
//!   Kafka takes the first element of a `HashSet<TopicPartition>`; this takes the element a
//!   Java `HashSet` of that peak size would yield first (bucket, then insertion order), without
//!   Java's treeification of crowded buckets.
//! * All members are in the same generation: a previous owner's claim is never stale, so
//!   Kafka's generation bookkeeping (`prevAssignment`, stale-generation invalidation) is empty.
//!   A partition that two members both claim is owned by neither, as Kafka does for claims in
//!   the same generation. Members in `previous` that are no longer in the group are ignored:
//!   they revoked everything when they left.
//! * Kafka's check that all subscriptions are equal resets itself when the first member it
//!   looks at subscribes to nothing; here an empty subscription counts as different, so such a
//!   member never receives a partition.
//! * Previous claims on partitions that no longer exist (topic gone, or a partition number at
//!   or past the topic's count) are dropped; Kafka only checks the topic.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

pub use crate::scenario::AssignmentStrategy;

/// One partition of one topic. Orders by topic, then partition number, as Kafka sorts them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        TopicPartition { topic: topic.into(), partition }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.topic, self.partition)
    }
}

/// Member id to the partitions it consumes; every list is sorted.
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// Member id to the topics it subscribes to.
pub type Subscriptions = BTreeMap<String, BTreeSet<String>>;

/// Topic to its number of partitions.
pub type PartitionCounts = BTreeMap<String, u32>;

/// What each strategy does in one rebalance; the strategy itself is the scenario's
/// [`AssignmentStrategy`] (Kafka's `partition.assignment.strategy`).
impl AssignmentStrategy {
    /// One rebalance under this strategy. The eager strategies (range, roundrobin) make every
    /// member give up everything before the group re-forms, so nothing is held back for a
    /// follow-up and `previous` does not matter.
    pub fn assign(self, members: &Subscriptions, partitions: &PartitionCounts, previous: &Assignment) -> Rebalance {
        match self {
            AssignmentStrategy::Range => Rebalance::eager(range(members, partitions)),
            AssignmentStrategy::RoundRobin => Rebalance::eager(round_robin(members, partitions)),
            AssignmentStrategy::CooperativeSticky => cooperative_sticky(members, partitions, previous),
        }
    }
}

/// The outcome of one rebalance (one generation of the group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebalance {
    /// What each member consumes in this generation.
    pub assignment: Assignment,
    /// Partitions taken from their previous owner in this generation and given to nobody
    /// until the follow-up rebalance, so that no two members ever consume one at once.
    pub revoked: Vec<TopicPartition>,
    /// Where this generation is heading: `assignment` plus each revoked partition at the
    /// member it is meant for.
    pub target: Assignment,
}

impl Rebalance {
    fn eager(assignment: Assignment) -> Self {
        Rebalance { target: assignment.clone(), assignment, revoked: Vec::new() }
    }
}

/// The balanced target of Kafka's `AbstractStickyAssignor` before the cooperative protocol
/// holds anything back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StickyPlan {
    pub target: Assignment,
    /// Partitions whose owner changes (Kafka's `partitionsTransferringOwnership`), with the
    /// member each is meant for.
    pub transferring: BTreeMap<TopicPartition, String>,
}

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

/// Kafka's `CooperativeStickyAssignor` for one generation. `previous` is what each member
/// consumed in the generation before (members since departed are ignored).
pub fn cooperative_sticky(members: &Subscriptions, partitions: &PartitionCounts, previous: &Assignment) -> Rebalance {
    let plan = sticky_plan(members, partitions, previous);
    let mut assignment = plan.target.clone();
    for (tp, member) in &plan.transferring {
        if let Some(list) = assignment.get_mut(member) {
            list.retain(|p| p != tp);
        }
    }
    Rebalance { assignment, revoked: plan.transferring.into_keys().collect::<Vec<_>>(), target: plan.target }
}

/// The rebalances a cooperative group goes through from `previous` until nothing is held
/// back: the first is [`cooperative_sticky`]'s, each follow-up starts from what the members
/// consume after the one before. The last one's `assignment` is where the group settles.
pub fn cooperative_sticky_settle(
    members: &Subscriptions,
    partitions: &PartitionCounts,
    previous: &Assignment,
) -> Vec<Rebalance> {
    // Kafka's own tests allow up to four follow-ups; two rounds are the usual case.
    const MAX_ROUNDS: usize = 8;
    let mut rounds: Vec<Rebalance> = Vec::new();
    let mut owned = previous.clone();
    while rounds.len() < MAX_ROUNDS {
        let round = cooperative_sticky(members, partitions, &owned);
        let settled = round.revoked.is_empty();
        owned = round.assignment.clone();
        rounds.push(round);
        if settled {
            break;
        }
    }
    rounds
}

/// The target `AbstractStickyAssignor` computes, and which partitions change owner.
pub fn sticky_plan(members: &Subscriptions, partitions: &PartitionCounts, previous: &Assignment) -> StickyPlan {
    let counts = subscribed_counts(members, partitions);
    if members.is_empty() {
        return StickyPlan { target: Assignment::new(), transferring: BTreeMap::new() };
    }
    let (owned, doubly_claimed) = valid_owned(members, &counts, previous);
    let first = members.values().next();
    let all_equal = members.values().all(|t| !t.is_empty() && Some(t) == first);
    let mut plan = if all_equal {
        constrained(members, &counts, &owned, &doubly_claimed)
    } else {
        let target = General::new(members, &counts, owned).build();
        let transferring = transferring_by_diff(members, previous, &target);
        StickyPlan { target, transferring }
    };
    sort_lists(&mut plan.target);
    plan
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

fn empty_assignment(members: &Subscriptions) -> Assignment {
    crate::sort::map_from(members.keys().map(|m| (m.clone(), Vec::new())))
}

fn sort_lists(assignment: &mut Assignment) {
    for list in assignment.values_mut() {
        crate::sort::sort(list);
    }
}

/// The topics someone subscribes to that exist, with their partition counts: what Kafka
/// hands an assignor as `partitionsPerTopic`.
fn subscribed_counts<'a>(members: &Subscriptions, partitions: &'a PartitionCounts) -> BTreeMap<&'a String, u32> {
    crate::sort::map_from(
        partitions
            .iter()
            .filter(|(topic, _)| members.values().any(|t| t.contains(*topic)))
            .map(|(topic, &count)| (topic, count)),
    )
}

fn all_partitions(counts: &BTreeMap<&String, u32>) -> Vec<TopicPartition> {
    counts.iter().flat_map(|(topic, &count)| (0..count).map(move |p| TopicPartition::new(*topic, p))).collect()
}

fn exists(counts: &BTreeMap<&String, u32>, tp: &TopicPartition) -> bool {
    counts.get(&tp.topic).is_some_and(|&c| tp.partition < c)
}

/// Each member's previous claims on partitions that still exist, minus partitions claimed by
/// more than one member (Kafka's `allSubscriptionsEqual` invalidates those for everyone).
fn valid_owned(
    members: &Subscriptions,
    counts: &BTreeMap<&String, u32>,
    previous: &Assignment,
) -> (BTreeMap<String, Vec<TopicPartition>>, BTreeSet<TopicPartition>) {
    let mut claims: BTreeMap<&TopicPartition, u32> = BTreeMap::new();
    for member in members.keys() {
        let mut seen = BTreeSet::new();
        for tp in previous.get(member).into_iter().flatten() {
            if exists(counts, tp) && seen.insert(tp) {
                *claims.entry(tp).or_default() += 1;
            }
        }
    }
    let doubly: BTreeSet<TopicPartition> =
        crate::sort::set_from(claims.iter().filter(|(_, &n)| n > 1).map(|(tp, _)| (*tp).clone()));
    let owned = crate::sort::map_from(members.keys().map(|member| {
        let mut list: Vec<TopicPartition> = Vec::new();
        for tp in previous.get(member).into_iter().flatten() {
            if exists(counts, tp) && !doubly.contains(tp) && !list.contains(tp) {
                list.push(tp.clone());
            }
        }
        (member.clone(), list)
    }));
    (owned, doubly)
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership`: partitions newly given
/// to a member that some member consumed before and does not keep.
fn transferring_by_diff(
    members: &Subscriptions,
    previous: &Assignment,
    target: &Assignment,
) -> BTreeMap<TopicPartition, String> {
    let mut added: BTreeMap<TopicPartition, String> = BTreeMap::new();
    let mut revoked: BTreeSet<&TopicPartition> = BTreeSet::new();
    for (member, assigned) in target {
        let owned: &[TopicPartition] =
            if members.contains_key(member) { previous.get(member).map_or(&[], |v| v) } else { &[] };
        for tp in assigned {
            if !owned.contains(tp) {
                added.insert(tp.clone(), member.clone());
            }
        }
        for tp in owned {
            if !assigned.contains(tp) {
                revoked.insert(tp);
            }
        }
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}

// Java's hash-table iteration order, for the two places where Kafka's result depends on it.

fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

fn java_topic_partition_hash(tp: &TopicPartition) -> i32 {
    let partition = tp.partition as i32;
    31i32.wrapping_add(partition).wrapping_mul(31).wrapping_add(java_string_hash(&tp.topic))
}

/// The table size of a `java.util.HashMap` created with the default capacity after `len`
/// insertions: 16, doubled whenever the size passes three quarters of it. Tables never shrink.
fn java_table_size(len: usize) -> u32 {
    let mut size = 16u32;
    while len as u64 > u64::from(size) * 3 / 4 {
        size *= 2;
    }
    size
}

fn java_bucket(hash: i32, table_size: u32) -> u32 {
    let h = hash as u32;
    (h ^ (h >> 16)) & (table_size - 1)
}

/// Member ids in the order a `HashMap<String, _>` holding them iterates.
fn java_hash_map_order<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut ids: Vec<&String> = ids.collect();
    let size = java_table_size(ids.len());
    crate::sort::sort_by_key(&mut ids, |id| (java_bucket(java_string_hash(id), size), *id));
    ids
}

// ---------------------------------------------------------------------------------------------
// The constrained path: every member has the same subscription

fn constrained(
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

// ---------------------------------------------------------------------------------------------
// The general path: subscriptions differ

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

struct General<'a> {
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
    fn new(
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

    fn build(mut self) -> Assignment {
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
fn balance_score(assignment: &BTreeMap<String, Vec<TopicPartition>>) -> u64 {
    let loads: Vec<u64> = assignment.values().map(|l| l.len() as u64).collect();
    let mut score = 0;
    for (i, a) in loads.iter().enumerate() {
        for b in &loads[i + 1..] {
            score += a.abs_diff(*b);
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subs(list: &[(&str, &[&str])]) -> Subscriptions {
        list.iter().map(|(m, topics)| (m.to_string(), topics.iter().map(|t| t.to_string()).collect())).collect()
    }

    fn counts(list: &[(&str, u32)]) -> PartitionCounts {
        list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    fn tp(topic: &str, partition: u32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    /// Kafka's test notation: "t1-0, t1-3, t2-0" (the last '-' separates the partition).
    fn tps(text: &str) -> Vec<TopicPartition> {
        let mut list: Vec<TopicPartition> = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let dash = s.rfind('-').unwrap();
                tp(&s[..dash], s[dash + 1..].parse().unwrap())
            })
            .collect();
        list.sort();
        list
    }

    fn assignment(list: &[(&str, &str)]) -> Assignment {
        list.iter().map(|(m, text)| (m.to_string(), tps(text))).collect()
    }

    fn transfers(list: &[(&str, &str)]) -> BTreeMap<TopicPartition, String> {
        list.iter().flat_map(|(m, text)| tps(text).into_iter().map(move |p| (p, m.to_string()))).collect()
    }

    // --- names ---------------------------------------------------------------------------

    #[test]
    fn strategy_names_round_trip() {
        for s in AssignmentStrategy::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.name());
            assert_eq!(serde_json::from_value::<AssignmentStrategy>(s.name().into()).unwrap(), s);
        }
        assert_eq!(
            serde_json::from_str::<AssignmentStrategy>("\"round-robin\"").unwrap(),
            AssignmentStrategy::RoundRobin
        );
        assert_eq!(AssignmentStrategy::RoundRobin.name(), "roundrobin");
        assert!(serde_json::from_str::<AssignmentStrategy>("\"sticky\"").is_err());
        assert_eq!(tp("orders", 3).to_string(), "orders/3");
        assert!(tp("a", 9) < tp("b", 0) && tp("a", 2) < tp("a", 10));
    }

    // --- RangeAssignorTest ---------------------------------------------------------------

    #[test]
    fn range_one_consumer_no_topic_and_nonexistent_topic() {
        let a = range(&subs(&[("consumer1", &[])]), &counts(&[]));
        assert_eq!(a, assignment(&[("consumer1", "")]));
        let a = range(&subs(&[("consumer1", &["topic1"])]), &counts(&[]));
        assert_eq!(a, assignment(&[("consumer1", "")]));
    }

    #[test]
    fn range_one_consumer_cases() {
        let one = subs(&[("consumer1", &["topic1"])]);
        assert_eq!(
            range(&one, &counts(&[("topic1", 3)])),
            assignment(&[("consumer1", "topic1-0, topic1-1, topic1-2")])
        );
        // testOnlyAssignsPartitionsFromSubscribedTopics
        assert_eq!(
            range(&one, &counts(&[("topic1", 3), ("other", 3)])),
            assignment(&[("consumer1", "topic1-0, topic1-1, topic1-2")])
        );
        // testOneConsumerMultipleTopics
        let both = subs(&[("consumer1", &["topic1", "topic2"])]);
        assert_eq!(
            range(&both, &counts(&[("topic1", 1), ("topic2", 2)])),
            assignment(&[("consumer1", "topic1-0, topic2-0, topic2-1")])
        );
    }

    #[test]
    fn range_two_consumers_one_topic() {
        let two = subs(&[("consumer1", &["topic1"]), ("consumer2", &["topic1"])]);
        assert_eq!(range(&two, &counts(&[("topic1", 1)])), assignment(&[("consumer1", "topic1-0"), ("consumer2", "")]));
        assert_eq!(
            range(&two, &counts(&[("topic1", 2)])),
            assignment(&[("consumer1", "topic1-0"), ("consumer2", "topic1-1")])
        );
    }

    #[test]
    fn range_multiple_consumers_mixed_topics() {
        let members =
            subs(&[("consumer1", &["topic1"]), ("consumer2", &["topic1", "topic2"]), ("consumer3", &["topic1"])]);
        assert_eq!(
            range(&members, &counts(&[("topic1", 3), ("topic2", 2)])),
            assignment(&[
                ("consumer1", "topic1-0"),
                ("consumer2", "topic1-1, topic2-0, topic2-1"),
                ("consumer3", "topic1-2"),
            ])
        );
    }

    #[test]
    fn range_two_consumers_two_topics_six_partitions() {
        let members = subs(&[("consumer1", &["topic1", "topic2"]), ("consumer2", &["topic1", "topic2"])]);
        assert_eq!(
            range(&members, &counts(&[("topic1", 3), ("topic2", 3)])),
            assignment(&[("consumer1", "topic1-0, topic1-1, topic2-0, topic2-1"), ("consumer2", "topic1-2, topic2-2")])
        );
    }

    #[test]
    fn range_member_assignment_persistent() {
        // testStaticMemberRangeAssignmentPersistent; the instance ids sort as the member ids do.
        let all: &[&str] = &["topic1", "topic2"];
        let parts = counts(&[("topic1", 5), ("topic2", 4)]);
        let mut members = subs(&[("consumer1", all), ("consumer2", all), ("consumer3", all), ("consumer4", all)]);
        let mut expected = assignment(&[
            ("consumer1", "topic1-0, topic1-1, topic2-0"),
            ("consumer2", "topic1-2, topic2-1"),
            ("consumer3", "topic1-3, topic2-2"),
            ("consumer4", "topic1-4, topic2-3"),
        ]);
        assert_eq!(range(&members, &parts), expected);
        let topics = members.remove("consumer4").unwrap();
        members.insert("consumer5".into(), topics);
        let moved = expected.remove("consumer4").unwrap();
        expected.insert("consumer5".into(), moved);
        assert_eq!(range(&members, &parts), expected);
    }

    #[test]
    fn range_non_rack_aware_expectations_from_the_rack_tests() {
        let all: &[&str] = &["t1", "t2", "t3"];
        let some: &[&str] = &["t1", "t3"];
        let parts = counts(&[("t1", 6), ("t2", 7), ("t3", 2)]);
        // testRackAwareAssignmentWithUniformSubscription
        assert_eq!(
            range(&subs(&[("consumer0", all), ("consumer1", all), ("consumer2", all)]), &parts),
            assignment(&[
                ("consumer0", "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0"),
                ("consumer1", "t1-2, t1-3, t2-3, t2-4, t3-1"),
                ("consumer2", "t1-4, t1-5, t2-5, t2-6"),
            ])
        );
        // testRackAwareAssignmentWithNonEqualSubscription
        assert_eq!(
            range(&subs(&[("consumer0", all), ("consumer1", all), ("consumer2", some)]), &parts),
            assignment(&[
                ("consumer0", "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0"),
                ("consumer1", "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1"),
                ("consumer2", "t1-4, t1-5"),
            ])
        );
        let parts = counts(&[("t1", 5), ("t2", 5), ("t3", 5)]);
        // testRackAwareAssignmentWithUniformPartitions
        assert_eq!(
            range(&subs(&[("consumer0", all), ("consumer1", all), ("consumer2", all)]), &parts),
            assignment(&[
                ("consumer0", "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1"),
                ("consumer1", "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3"),
                ("consumer2", "t1-4, t2-4, t3-4"),
            ])
        );
        // testRackAwareAssignmentWithUniformPartitionsNonEqualSubscription
        assert_eq!(
            range(&subs(&[("consumer0", all), ("consumer1", all), ("consumer2", some)]), &parts),
            assignment(&[
                ("consumer0", "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1"),
                ("consumer1", "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3"),
                ("consumer2", "t1-4, t3-4"),
            ])
        );
        // testRackAwareAssignmentWithCoPartitioning (the non-rack-aware expectation)
        let parts = counts(&[("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2)]);
        let a: &[&str] = &["t1", "t2"];
        let b: &[&str] = &["t3", "t4"];
        assert_eq!(
            range(&subs(&[("consumer0", a), ("consumer1", a), ("consumer2", b), ("consumer3", b)]), &parts),
            assignment(&[
                ("consumer0", "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2"),
                ("consumer1", "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5"),
                ("consumer2", "t3-0, t4-0"),
                ("consumer3", "t3-1, t4-1"),
            ])
        );
        // testCoPartitionedAssignmentWithSameSubscription: t7..t9 do not exist.
        let parts = counts(&[("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2), ("t5", 4), ("t6", 4)]);
        let list: &[&str] = &["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
        assert_eq!(
            range(&subs(&[("consumer0", list), ("consumer1", list), ("consumer2", list)]), &parts),
            assignment(&[
                ("consumer0", "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1"),
                ("consumer1", "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2"),
                ("consumer2", "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3"),
            ])
        );
    }

    // --- RoundRobinAssignorTest ----------------------------------------------------------

    #[test]
    fn round_robin_one_consumer_cases() {
        assert_eq!(round_robin(&subs(&[("consumer", &[])]), &counts(&[])), assignment(&[("consumer", "")]));
        assert_eq!(round_robin(&subs(&[("consumer", &["topic"])]), &counts(&[])), assignment(&[("consumer", "")]));
        let one = subs(&[("consumer", &["topic"])]);
        let expected = assignment(&[("consumer", "topic-0, topic-1, topic-2")]);
        assert_eq!(round_robin(&one, &counts(&[("topic", 3)])), expected);
        assert_eq!(round_robin(&one, &counts(&[("topic", 3), ("other", 3)])), expected);
        assert_eq!(
            round_robin(&subs(&[("consumer", &["topic1", "topic2"])]), &counts(&[("topic1", 1), ("topic2", 2)])),
            assignment(&[("consumer", "topic1-0, topic2-0, topic2-1")])
        );
    }

    #[test]
    fn round_robin_two_consumers_one_topic() {
        let two = subs(&[("consumer1", &["topic"]), ("consumer2", &["topic"])]);
        assert_eq!(
            round_robin(&two, &counts(&[("topic", 1)])),
            assignment(&[("consumer1", "topic-0"), ("consumer2", "")])
        );
        assert_eq!(
            round_robin(&two, &counts(&[("topic", 2)])),
            assignment(&[("consumer1", "topic-0"), ("consumer2", "topic-1")])
        );
    }

    #[test]
    fn round_robin_multiple_consumers_mixed_topics() {
        let members =
            subs(&[("consumer1", &["topic1"]), ("consumer2", &["topic1", "topic2"]), ("consumer3", &["topic1"])]);
        assert_eq!(
            round_robin(&members, &counts(&[("topic1", 3), ("topic2", 2)])),
            assignment(&[
                ("consumer1", "topic1-0"),
                ("consumer2", "topic1-1, topic2-0, topic2-1"),
                ("consumer3", "topic1-2"),
            ])
        );
    }

    #[test]
    fn round_robin_two_dynamic_consumers_two_topics_six_partitions() {
        let members = subs(&[("consumer1", &["topic1", "topic2"]), ("consumer2", &["topic1", "topic2"])]);
        assert_eq!(
            round_robin(&members, &counts(&[("topic1", 3), ("topic2", 3)])),
            assignment(&[("consumer1", "topic1-0, topic1-2, topic2-1"), ("consumer2", "topic1-1, topic2-0, topic2-2")])
        );
    }

    #[test]
    fn round_robin_member_assignment_persistent() {
        // testStaticMemberAssignmentPersistent; the instance ids sort as the member ids do.
        let all: &[&str] = &["topic1", "topic2"];
        let parts = counts(&[("topic1", 3), ("topic2", 3)]);
        let mut members = subs(&[("consumer1", all), ("consumer2", all), ("consumer3", all), ("consumer4", all)]);
        let mut expected = assignment(&[
            ("consumer1", "topic1-0, topic2-1"),
            ("consumer2", "topic1-1, topic2-2"),
            ("consumer3", "topic1-2"),
            ("consumer4", "topic2-0"),
        ]);
        assert_eq!(round_robin(&members, &parts), expected);
        members.remove("consumer4");
        members.insert("consumer5".into(), all.iter().map(|t| t.to_string()).collect());
        expected.remove("consumer4");
        expected.insert("consumer5".into(), tps("topic2-0"));
        assert_eq!(round_robin(&members, &parts), expected);
    }

    // --- AbstractStickyAssignorTest / CooperativeStickyAssignorTest ------------------------

    /// Kafka's `verifyValidityAndBalance`: members only get subscribed topics, no partition
    /// twice, and when two members differ by 2+ partitions they share no topic.
    fn assert_valid_and_balanced(members: &Subscriptions, a: &Assignment) {
        assert_eq!(a.keys().collect::<Vec<_>>(), members.keys().collect::<Vec<_>>());
        let mut seen = BTreeSet::new();
        for (m, list) in a {
            for p in list {
                assert!(members[m].contains(&p.topic), "{p} given to {m}, not subscribed: {a:?}");
                assert!(seen.insert(p), "{p} assigned twice: {a:?}");
            }
        }
        let lists: Vec<(&String, &Vec<TopicPartition>)> = a.iter().collect();
        for (i, (m1, l1)) in lists.iter().enumerate() {
            for (m2, l2) in &lists[i + 1..] {
                if l1.len().abs_diff(l2.len()) <= 1 {
                    continue;
                }
                let t1: BTreeSet<&String> = l1.iter().map(|p| &p.topic).collect();
                assert!(l2.iter().all(|p| !t1.contains(&p.topic)), "{m1} and {m2} could be balanced: {a:?}");
            }
        }
    }

    fn fully_balanced(a: &Assignment) -> bool {
        let min = a.values().map(Vec::len).min().unwrap_or(0);
        let max = a.values().map(Vec::len).max().unwrap_or(0);
        max - min <= 1
    }

    /// Runs a Kafka sticky test step: the plan must match Kafka's target and transfers, and
    /// the cooperative view must hold back exactly the transfers.
    fn check_sticky(
        members: &Subscriptions,
        parts: &PartitionCounts,
        previous: &Assignment,
        expected: &Assignment,
        expected_transfers: &BTreeMap<TopicPartition, String>,
    ) {
        let plan = sticky_plan(members, parts, previous);
        assert_eq!(&plan.target, expected);
        assert_eq!(&plan.transferring, expected_transfers);
        assert_valid_and_balanced(members, &plan.target);
        let round = cooperative_sticky(members, parts, previous);
        assert_eq!(round.target, plan.target);
        assert_eq!(round.revoked, expected_transfers.keys().cloned().collect::<Vec<_>>());
        for (m, list) in &round.assignment {
            let full: Vec<&TopicPartition> =
                expected[m].iter().filter(|p| !expected_transfers.contains_key(*p)).collect();
            assert_eq!(list.iter().collect::<Vec<_>>(), full);
        }
    }

    fn none() -> BTreeMap<TopicPartition, String> {
        BTreeMap::new()
    }

    #[test]
    fn sticky_one_consumer_cases() {
        let nothing = Assignment::new();
        check_sticky(&subs(&[("consumer", &[])]), &counts(&[]), &nothing, &assignment(&[("consumer", "")]), &none());
        check_sticky(
            &subs(&[("consumer", &["topic"])]),
            &counts(&[("topic", 0)]),
            &nothing,
            &assignment(&[("consumer", "")]),
            &none(),
        );
        check_sticky(
            &subs(&[("consumer", &["topic"])]),
            &counts(&[("topic", 3)]),
            &nothing,
            &assignment(&[("consumer", "topic-0, topic-1, topic-2")]),
            &none(),
        );
        // testOnlyAssignsPartitionsFromSubscribedTopics: it owned partitions of "other".
        check_sticky(
            &subs(&[("consumer", &["topic"])]),
            &counts(&[("topic", 2)]),
            &assignment(&[("consumer", "topic-0, topic-1, other-0, other-1")]),
            &assignment(&[("consumer", "topic-0, topic-1")]),
            &none(),
        );
        check_sticky(
            &subs(&[("consumer", &["topic1", "topic2"])]),
            &counts(&[("topic1", 1), ("topic2", 2)]),
            &nothing,
            &assignment(&[("consumer", "topic1-0, topic2-0, topic2-1")]),
            &none(),
        );
    }

    #[test]
    fn sticky_two_consumers_one_topic() {
        let two = subs(&[("consumer1", &["topic"]), ("consumer2", &["topic"])]);
        // testTwoConsumersOneTopicOnePartition only checks validity and balance.
        let plan = sticky_plan(&two, &counts(&[("topic", 1)]), &Assignment::new());
        assert_valid_and_balanced(&two, &plan.target);
        assert!(plan.transferring.is_empty() && fully_balanced(&plan.target));
        check_sticky(
            &two,
            &counts(&[("topic", 2)]),
            &Assignment::new(),
            &assignment(&[("consumer1", "topic-0"), ("consumer2", "topic-1")]),
            &none(),
        );
    }

    #[test]
    fn sticky_multiple_consumers_mixed_topic_subscriptions() {
        let members =
            subs(&[("consumer1", &["topic1"]), ("consumer2", &["topic1", "topic2"]), ("consumer3", &["topic1"])]);
        check_sticky(
            &members,
            &counts(&[("topic1", 3), ("topic2", 2)]),
            &Assignment::new(),
            &assignment(&[
                ("consumer1", "topic1-0, topic1-2"),
                ("consumer2", "topic2-0, topic2-1"),
                ("consumer3", "topic1-1"),
            ]),
            &none(),
        );
    }

    #[test]
    fn sticky_two_consumers_two_topics_six_partitions() {
        let all: &[&str] = &["topic1", "topic2"];
        check_sticky(
            &subs(&[("consumer1", all), ("consumer2", all)]),
            &counts(&[("topic1", 3), ("topic2", 3)]),
            &Assignment::new(),
            &assignment(&[
                ("consumer1", "topic1-0, topic1-2, topic2-1"),
                ("consumer2", "topic1-1, topic2-0, topic2-2"),
            ]),
            &none(),
        );
    }

    #[test]
    fn sticky_quota_cases() {
        let all: &[&str] = &["topic1", "topic2"];
        // testConsumerOwningMinQuotaExpectedMaxQuota
        check_sticky(
            &subs(&[("consumer1", all), ("consumer2", all)]),
            &counts(&[("topic1", 2), ("topic2", 3)]),
            &assignment(&[("consumer1", "topic1-0, topic2-1"), ("consumer2", "topic1-1, topic2-2")]),
            &assignment(&[("consumer1", "topic1-0, topic2-1, topic2-0"), ("consumer2", "topic1-1, topic2-2")]),
            &none(),
        );
        // testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: Java's HashMap walks
        // consumer3, consumer2, consumer1, so consumer2 keeps its second partition.
        let three = subs(&[("consumer1", all), ("consumer2", all), ("consumer3", all)]);
        check_sticky(
            &three,
            &counts(&[("topic1", 2), ("topic2", 2)]),
            &assignment(&[("consumer1", "topic1-0, topic2-0"), ("consumer2", "topic1-1, topic2-1"), ("consumer3", "")]),
            &assignment(&[("consumer1", "topic1-0"), ("consumer2", "topic1-1, topic2-1"), ("consumer3", "topic2-0")]),
            &transfers(&[("consumer3", "topic2-0")]),
        );
        // testAllConsumersAreUnderMinQuota
        check_sticky(
            &three,
            &counts(&[("topic1", 2), ("topic2", 3)]),
            &assignment(&[("consumer1", "topic1-0"), ("consumer2", "topic1-1")]),
            &assignment(&[
                ("consumer1", "topic1-0, topic2-1"),
                ("consumer2", "topic1-1, topic2-2"),
                ("consumer3", "topic2-0"),
            ]),
            &none(),
        );
        // testAllConsumersReachExpectedQuotaAndAreConsideredFilled
        let one: &[&str] = &["topic"];
        check_sticky(
            &subs(&[("consumer1", one), ("consumer2", one), ("consumer3", one)]),
            &counts(&[("topic", 4)]),
            &assignment(&[("consumer1", "topic-0, topic-1"), ("consumer2", "topic-2")]),
            &assignment(&[("consumer1", "topic-0, topic-1"), ("consumer2", "topic-2"), ("consumer3", "topic-3")]),
            &none(),
        );
    }

    #[test]
    fn sticky_add_remove_consumer_one_topic() {
        let one: &[&str] = &["topic"];
        let parts = counts(&[("topic", 3)]);
        let solo = subs(&[("consumer1", one)]);
        let first = sticky_plan(&solo, &parts, &Assignment::new()).target;
        assert_eq!(first, assignment(&[("consumer1", "topic-0, topic-1, topic-2")]));
        let pair = subs(&[("consumer1", one), ("consumer2", one)]);
        let second = assignment(&[("consumer1", "topic-0, topic-1"), ("consumer2", "topic-2")]);
        check_sticky(&pair, &parts, &first, &second, &transfers(&[("consumer2", "topic-2")]));
        // Cooperative: consumer2 gets topic-2 only after consumer1 has let go of it.
        let rounds = cooperative_sticky_settle(&pair, &parts, &first);
        assert_eq!(rounds.len(), 2);
        assert_eq!(rounds[0].assignment, assignment(&[("consumer1", "topic-0, topic-1"), ("consumer2", "")]));
        assert_eq!(rounds[1].assignment, second);
        // consumer1 leaves.
        let alone = subs(&[("consumer2", one)]);
        check_sticky(&alone, &parts, &second, &assignment(&[("consumer2", "topic-0, topic-1, topic-2")]), &none());
    }

    #[test]
    fn sticky_topic_balance_after_reassignment() {
        let all: &[&str] = &["topic1", "topic2"];
        let parts = counts(&[("topic1", 12), ("topic2", 12)]);
        let per_topic = |a: &Assignment, n: usize| {
            for list in a.values() {
                assert_eq!(list.iter().filter(|p| p.topic == "topic1").count(), n);
                assert_eq!(list.iter().filter(|p| p.topic == "topic2").count(), n);
            }
        };
        let a1 = sticky_plan(&subs(&[("consumer1", all)]), &parts, &Assignment::new()).target;
        per_topic(&a1, 12);
        let two = subs(&[("consumer1", all), ("consumer2", all)]);
        let a2 = sticky_plan(&two, &parts, &a1).target;
        per_topic(&a2, 6);
        let four = subs(&[("consumer1", all), ("consumer2", all), ("consumer3", all), ("consumer4", all)]);
        let a3 = sticky_plan(&four, &parts, &a2).target;
        per_topic(&a3, 3);
        let last_two = subs(&[("consumer3", all), ("consumer4", all)]);
        let a4 = sticky_plan(&last_two, &parts, &a3);
        per_topic(&a4.target, 6);
        assert!(a4.transferring.is_empty());
    }

    #[test]
    fn sticky_add_remove_two_consumers_two_topics() {
        let all: &[&str] = &["topic1", "topic2"];
        let parts = counts(&[("topic1", 3), ("topic2", 4)]);
        let two = subs(&[("consumer1", all), ("consumer2", all)]);
        let first = assignment(&[
            ("consumer1", "topic1-0, topic1-2, topic2-1, topic2-3"),
            ("consumer2", "topic1-1, topic2-0, topic2-2"),
        ]);
        check_sticky(&two, &parts, &Assignment::new(), &first, &none());
        let four = subs(&[("consumer1", all), ("consumer2", all), ("consumer3", all), ("consumer4", all)]);
        let second = assignment(&[
            ("consumer1", "topic1-0, topic2-1"),
            ("consumer2", "topic2-0, topic1-1"),
            ("consumer3", "topic1-2, topic2-3"),
            ("consumer4", "topic2-2"),
        ]);
        let moving = transfers(&[("consumer3", "topic1-2, topic2-3"), ("consumer4", "topic2-2")]);
        check_sticky(&four, &parts, &first, &second, &moving);
        let last_two = subs(&[("consumer3", all), ("consumer4", all)]);
        let third = assignment(&[
            ("consumer3", "topic1-2, topic2-3, topic1-0, topic2-1"),
            ("consumer4", "topic2-2, topic1-1, topic2-0"),
        ]);
        check_sticky(&last_two, &parts, &second, &third, &none());
    }

    #[test]
    fn sticky_add_remove_topic_two_consumers() {
        let parts1 = counts(&[("topic", 3)]);
        let one: &[&str] = &["topic"];
        let a1 = sticky_plan(&subs(&[("consumer1", one), ("consumer2", one)]), &parts1, &Assignment::new()).target;
        assert!(fully_balanced(&a1));
        let both: &[&str] = &["topic", "topic2"];
        let parts2 = counts(&[("topic", 3), ("topic2", 3)]);
        let plan2 = sticky_plan(&subs(&[("consumer1", both), ("consumer2", both)]), &parts2, &a1);
        assert!(plan2.transferring.is_empty());
        for (m, list) in &plan2.target {
            assert_eq!(list.len(), 3);
            assert!(a1[m].iter().all(|p| list.contains(p)), "{m} lost a partition");
        }
        let only2: &[&str] = &["topic2"];
        let parts3 = counts(&[("topic2", 3)]);
        let members3 = subs(&[("consumer1", only2), ("consumer2", only2)]);
        let plan3 = sticky_plan(&members3, &parts3, &plan2.target);
        assert!(plan3.transferring.is_empty());
        assert_valid_and_balanced(&members3, &plan3.target);
        for (m, list) in &plan3.target {
            assert!(list.iter().all(|p| plan2.target[m].contains(p)), "{m} gained a partition");
        }
    }

    #[test]
    fn sticky_reassignment_after_one_consumer_leaves() {
        let name = |prefix: &str, i: u32| format!("{prefix}{i:02}");
        let parts: PartitionCounts = (1..20).map(|i| (name("t", i), i)).collect();
        let mut members: Subscriptions =
            (1..20).map(|i| (name("c", i), (1..=i).map(|j| name("t", j)).collect())).collect();
        let first = sticky_plan(&members, &parts, &Assignment::new()).target;
        assert_valid_and_balanced(&members, &first);
        members.remove("c10");
        let second = sticky_plan(&members, &parts, &first).target;
        assert_valid_and_balanced(&members, &second);
        let settled = cooperative_sticky_settle(&members, &parts, &first);
        assert_valid_and_balanced(&members, &settled.last().unwrap().assignment);
    }

    #[test]
    fn sticky_partition_claimed_by_two_consumers() {
        // testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration
        let one: &[&str] = &["topic"];
        let three = subs(&[("consumer1", one), ("consumer2", one), ("consumer3", one)]);
        let owned =
            assignment(&[("consumer1", "topic-0, topic-1"), ("consumer2", "topic-0, topic-2"), ("consumer3", "")]);
        check_sticky(
            &three,
            &counts(&[("topic", 3)]),
            &owned,
            &assignment(&[("consumer1", "topic-1"), ("consumer2", "topic-2"), ("consumer3", "topic-0")]),
            &transfers(&[("consumer3", "topic-0")]),
        );
        // CooperativeStickyAssignorTest: ...WithEqualPartitionsPerConsumer
        let round = cooperative_sticky(&three, &counts(&[("topic", 3)]), &owned);
        assert_eq!(
            round.assignment,
            assignment(&[("consumer1", "topic-1"), ("consumer2", "topic-2"), ("consumer3", "")])
        );
        // ...WithUnequalPartitionsPerConsumer
        let round = cooperative_sticky(&three, &counts(&[("topic", 4)]), &owned);
        assert_eq!(
            round.assignment,
            assignment(&[("consumer1", "topic-1, topic-3"), ("consumer2", "topic-2"), ("consumer3", "")])
        );
        assert_eq!(round.revoked, tps("topic-0"));
    }

    #[test]
    fn sticky_non_rack_aware_uniform_subscription() {
        // testRackAwareAssignmentWithUniformSubscription, the non-rack-aware expectation, both
        // from scratch and with the expected assignment as what the members already own.
        let all: &[&str] = &["t1", "t2", "t3"];
        let members = subs(&[("consumer0", all), ("consumer1", all), ("consumer2", all)]);
        let parts = counts(&[("t1", 6), ("t2", 7), ("t3", 2)]);
        let expected = assignment(&[
            ("consumer0", "t1-0, t1-3, t2-0, t2-3, t2-6"),
            ("consumer1", "t1-1, t1-4, t2-1, t2-4, t3-0"),
            ("consumer2", "t1-2, t1-5, t2-2, t2-5, t3-1"),
        ]);
        check_sticky(&members, &parts, &Assignment::new(), &expected, &none());
        check_sticky(&members, &parts, &expected, &expected, &none());
    }

    #[test]
    fn sticky_non_rack_aware_non_equal_subscription() {
        // testRackAwareAssignmentWithNonEqualSubscription: the general path.
        let all: &[&str] = &["t1", "t2", "t3"];
        let some: &[&str] = &["t1", "t3"];
        let members = subs(&[("consumer0", all), ("consumer1", all), ("consumer2", some)]);
        let parts = counts(&[("t1", 6), ("t2", 7), ("t3", 2)]);
        let expected = assignment(&[
            ("consumer0", "t1-5, t2-0, t2-2, t2-4, t2-6"),
            ("consumer1", "t1-3, t2-1, t2-3, t2-5, t3-0"),
            ("consumer2", "t1-0, t1-1, t1-2, t1-4, t3-1"),
        ]);
        check_sticky(&members, &parts, &Assignment::new(), &expected, &none());
        check_sticky(&members, &parts, &expected, &expected, &none());
        // The cooperative assignor's two steps from a misplaced ownership, where consumer2
        // owns t2 partitions it does not subscribe to.
        let owned = assignment(&[
            ("consumer0", "t1-0, t1-1, t1-2, t1-3, t1-4"),
            ("consumer1", "t1-5, t2-0, t2-1, t2-2, t2-3"),
            ("consumer2", "t2-4, t2-5, t2-6, t3-0, t3-1"),
        ]);
        let intermediate = assignment(&[
            ("consumer0", "t1-2, t1-3, t1-4"),
            ("consumer1", "t2-0, t2-1, t2-2, t2-3"),
            ("consumer2", "t3-0, t3-1"),
        ]);
        let settled = assignment(&[
            ("consumer0", "t1-2, t1-3, t1-4, t2-4, t2-5"),
            ("consumer1", "t2-0, t2-1, t2-2, t2-3, t2-6"),
            ("consumer2", "t1-0, t1-1, t1-5, t3-0, t3-1"),
        ]);
        let rounds = cooperative_sticky_settle(&members, &parts, &owned);
        assert_eq!(rounds.len(), 2);
        assert_eq!(rounds[0].assignment, intermediate);
        assert_eq!(rounds[0].revoked, tps("t1-0, t1-1, t1-5, t2-4, t2-5, t2-6"));
        assert_eq!(rounds[1].assignment, settled);
        assert!(rounds[1].revoked.is_empty());
    }

    #[test]
    fn java_hash_order_matches_java() {
        // "consumer1".hashCode() == 0xe6e7fafb in Java; consecutive ids land in descending buckets.
        assert_eq!(java_string_hash("consumer1") as u32, 0xe6e7_fafb);
        let ids: Vec<String> = ["consumer1", "consumer2", "consumer3"].iter().map(|s| s.to_string()).collect();
        let order: Vec<&String> = java_hash_map_order(ids.iter());
        assert_eq!(order, vec!["consumer3", "consumer2", "consumer1"]);
        assert_eq!(java_table_size(12), 16);
        assert_eq!(java_table_size(13), 32);
    }

    // --- properties over many random groups -------------------------------------------------

    /// SplitMix64: a tiny generator so the property runs are the same on every machine.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    struct Case {
        members: Subscriptions,
        parts: PartitionCounts,
        previous: Assignment,
        equal: bool,
    }

    fn random_case(seed: u64) -> Case {
        let mut g = Gen(seed);
        let topics: Vec<String> = (0..1 + g.below(4)).map(|i| format!("topic-{i}")).collect();
        let parts: PartitionCounts = topics.iter().map(|t| (t.clone(), g.below(8) as u32)).collect();
        let equal = g.below(2) == 0;
        let shared: BTreeSet<String> = topics.iter().filter(|_| g.below(3) > 0).cloned().collect();
        let shared = if shared.is_empty() { topics.iter().take(1).cloned().collect() } else { shared };
        let mut members = Subscriptions::new();
        for _ in 0..1 + g.below(6) {
            let id = format!("member-{}", g.below(1000));
            let topics: BTreeSet<String> =
                if equal { shared.clone() } else { topics.iter().filter(|_| g.below(2) == 0).cloned().collect() };
            members.insert(id, topics);
        }
        // Previous owners: current members, someone who left, and now and then a double claim.
        let mut owners: Vec<String> = members.keys().cloned().collect();
        owners.push("departed".into());
        let mut previous = Assignment::new();
        for (topic, &count) in &parts {
            for p in 0..count + 1 {
                if g.below(4) == 0 {
                    continue;
                }
                let owner = owners[g.below(owners.len() as u64) as usize].clone();
                previous.entry(owner).or_default().push(tp(topic, p));
                if g.below(10) == 0 {
                    let other = owners[g.below(owners.len() as u64) as usize].clone();
                    previous.entry(other).or_default().push(tp(topic, p));
                }
            }
        }
        Case { members, parts, previous, equal }
    }

    /// Every partition of a subscribed topic goes to exactly one member subscribed to it.
    fn assert_complete(c: &Case, a: &Assignment) {
        assert_eq!(a.keys().collect::<Vec<_>>(), c.members.keys().collect::<Vec<_>>());
        let mut given: BTreeMap<&TopicPartition, u32> = BTreeMap::new();
        for (m, list) in a {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{m}'s list is not sorted: {list:?}");
            for p in list {
                assert!(c.members[m].contains(&p.topic), "{p} given to {m}, not subscribed");
                *given.entry(p).or_default() += 1;
            }
        }
        let expected = all_partitions(&subscribed_counts(&c.members, &c.parts));
        assert_eq!(given.keys().map(|p| (*p).clone()).collect::<Vec<_>>(), expected);
        assert!(given.values().all(|&n| n == 1));
    }

    #[test]
    fn properties_hold_for_random_groups() {
        for seed in 0..1500u64 {
            let c = random_case(seed);
            let context = format!("seed {seed}: members {:?} partitions {:?}", c.members, c.parts);

            let r = range(&c.members, &c.parts);
            assert_complete(&c, &r);
            let rr = round_robin(&c.members, &c.parts);
            assert_complete(&c, &rr);
            if c.equal {
                assert!(fully_balanced(&rr), "{context}: round-robin unbalanced {rr:?}");
            }

            let plan = sticky_plan(&c.members, &c.parts, &c.previous);
            assert_complete(&c, &plan.target);
            assert_valid_and_balanced(&c.members, &plan.target);
            if c.equal {
                assert!(fully_balanced(&plan.target), "{context}: sticky unbalanced {:?}", plan.target);
                // Stickiness: each member keeps its valid claims up to the smaller quota.
                let counts = subscribed_counts(&c.members, &c.parts);
                let total: u32 = counts.values().sum();
                let min_quota = (total / c.members.len() as u32) as usize;
                let (owned, _) = valid_owned(&c.members, &counts, &c.previous);
                for (m, mine) in &owned {
                    let kept = mine.iter().filter(|p| plan.target[m].contains(p)).count();
                    assert!(kept >= mine.len().min(min_quota), "{context}: {m} kept {kept} of {mine:?}");
                }
            }

            // Cooperative: a partition never changes hands within one generation.
            let rounds = cooperative_sticky_settle(&c.members, &c.parts, &c.previous);
            let mut owned = c.previous.clone();
            for round in &rounds {
                for (m, list) in &round.assignment {
                    for p in list {
                        // A member that already claimed p may keep it even if another claimed
                        // it too (bad input Kafka's general path lets through); anyone else
                        // must wait for the claimants to let go.
                        let was_mine = owned.get(m).is_some_and(|l| l.contains(p));
                        let elsewhere = owned.iter().any(|(o, l)| o != m && c.members.contains_key(o) && l.contains(p));
                        assert!(
                            was_mine || !elsewhere,
                            "{context}: {p} handed to {m} while another member still owns it"
                        );
                        assert!(!round.revoked.contains(p), "{context}: {p} both revoked and assigned");
                        assert!(round.target[m].contains(p));
                    }
                }
                owned = round.assignment.clone();
            }
            let last = rounds.last().unwrap();
            assert!(last.revoked.is_empty() && rounds.len() <= 3, "{context}: did not settle: {rounds:?}");
            assert_complete(&c, &last.assignment);
            assert_valid_and_balanced(&c.members, &last.assignment);
            if c.equal {
                assert!(fully_balanced(&last.assignment), "{context}: settled unbalanced {:?}", last.assignment);
            }
            // Same inputs, same answer.
            assert_eq!(cooperative_sticky_settle(&c.members, &c.parts, &c.previous), rounds);
        }
    }
}
