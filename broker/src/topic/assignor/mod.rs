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
//! state between calls. Inside, every assignor works on the group numbered (`group.rs`:
//! members, topics and partitions as indices that sort as their names do) and names the
//! answer at the end.
//!
//! ## Which Kafka code this follows
//!
//! The Java consumer's assignors as on Apache Kafka trunk from 3.8 on:
//! `RangeAssignor` and `RoundRobinAssignor` (both without rack awareness), and
//! `AbstractStickyAssignor` (its `ConstrainedAssignmentBuilder` and `GeneralAssignmentBuilder`,
//! after KAFKA-15106's `isBalanced` fix and KAFKA-16277, which sorts a member's owned partitions
//! by partition number before topic) wrapped by `CooperativeStickyAssignor`. The unit tests
//! (`tests.rs`) reproduce cases from `RangeAssignorTest`, `RoundRobinAssignorTest`,
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

mod cooperative_sticky;
mod group;
mod java_hash;
mod range;
mod round_robin;
mod sticky_constrained;
mod sticky_general;
#[cfg(test)]
mod tests;

use crate::sorted_map::{SortedMap, SortedSet};
use std::fmt;

pub use crate::scenario::AssignmentStrategy;
pub use cooperative_sticky::{cooperative_sticky, cooperative_sticky_settle, sticky_plan};
pub use range::range;
pub use round_robin::round_robin;

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
pub type Assignment = SortedMap<String, Vec<TopicPartition>>;

/// Member id to the topics it subscribes to.
pub type Subscriptions = SortedMap<String, SortedSet<String>>;

/// Topic to its number of partitions.
pub type PartitionCounts = SortedMap<String, u32>;

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
    pub transferring: SortedMap<TopicPartition, String>,
}
