//! Kafka's `CooperativeStickyAssignor`: the sticky target (`AbstractStickyAssignor`, by the
//! constrained or the general path), the partitions that change owner, and the cooperative
//! protocol's holding back of those partitions until a follow-up rebalance.

use std::collections::{BTreeMap, BTreeSet};

use super::sticky_constrained::constrained;
use super::sticky_general::General;
use super::{
    exists, sort_lists, subscribed_counts, Assignment, PartitionCounts, Rebalance, StickyPlan, Subscriptions,
    TopicPartition,
};

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

/// Each member's previous claims on partitions that still exist, minus partitions claimed by
/// more than one member (Kafka's `allSubscriptionsEqual` invalidates those for everyone).
pub(super) fn valid_owned(
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
pub(super) fn transferring_by_diff(
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
