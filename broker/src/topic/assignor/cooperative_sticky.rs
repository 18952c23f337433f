//! Kafka's `CooperativeStickyAssignor`: the sticky target (`AbstractStickyAssignor`, by the
//! constrained or the general path), the partitions that change owner, and the cooperative
//! protocol's holding back of those partitions until a follow-up rebalance.

use super::group::Group;
use super::sticky_constrained::constrained;
use super::sticky_general::General;
use super::{Assignment, PartitionCounts, Rebalance, StickyPlan, Subscriptions};

/// Kafka's `CooperativeStickyAssignor` for one generation. `previous` is what each member
/// consumed in the generation before (members since departed are ignored).
pub fn cooperative_sticky(members: &Subscriptions, partitions: &PartitionCounts, previous: &Assignment) -> Rebalance {
    if members.is_empty() {
        return Rebalance { assignment: Assignment::new(), revoked: Vec::new(), target: Assignment::new() };
    }
    let g = Group::new(members, partitions);
    let (target, transferring) = plan(&g, members, previous);
    let mut assignment = target.clone();
    for &(p, m) in &transferring {
        assignment[m].retain(|&q| q != p);
    }
    Rebalance {
        assignment: g.assignment(assignment),
        revoked: transferring.iter().map(|&(p, _)| g.tp(p)).collect(),
        target: g.assignment(target),
    }
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
    if members.is_empty() {
        return StickyPlan { target: Assignment::new(), transferring: Default::default() };
    }
    let g = Group::new(members, partitions);
    let (target, transferring) = plan(&g, members, previous);
    StickyPlan {
        target: g.assignment(target),
        transferring: transferring.into_iter().map(|(p, m)| (g.tp(p), g.members[m].clone())).collect(),
    }
}

/// [`sticky_plan`] in numbers: each member's partitions (sorted), and the partitions that
/// change owner with the member each is meant for, in partition order. `members` is not empty.
fn plan(g: &Group, members: &Subscriptions, previous: &Assignment) -> (Vec<Vec<usize>>, Vec<(usize, usize)>) {
    let previous = g.previous(previous);
    let (owned, doubly_claimed) = valid_owned(g, &previous);
    let first = members.values().next();
    let all_equal = members.values().all(|t| !t.is_empty() && Some(t) == first);
    let (mut target, transferring) = if all_equal {
        constrained(g, &owned, &doubly_claimed)
    } else {
        let target = General::new(g, owned).build();
        let transferring = transferring_by_diff(g, &previous, &target);
        (target, transferring)
    };
    for list in &mut target {
        crate::sort::sort(list);
    }
    (target, transferring)
}

/// Each member's previous claims (on partitions that still exist), minus partitions claimed
/// by more than one member (Kafka's `allSubscriptionsEqual` invalidates those for everyone),
/// each once; and which partitions were claimed more than once.
pub(super) fn valid_owned(g: &Group, previous: &[Vec<usize>]) -> (Vec<Vec<usize>>, Vec<bool>) {
    let mut claims = vec![0u32; g.total()];
    // The last member (plus one) that claimed each partition, to count a member once.
    let mut last = vec![0usize; g.total()];
    for (m, list) in previous.iter().enumerate() {
        for &p in list {
            if last[p] != m + 1 {
                last[p] = m + 1;
                claims[p] += 1;
            }
        }
    }
    let doubly: Vec<bool> = claims.iter().map(|&n| n > 1).collect();
    let owned = previous
        .iter()
        .map(|list| {
            let mut mine: Vec<usize> = Vec::new();
            for &p in list {
                if !doubly[p] && !mine.contains(&p) {
                    mine.push(p);
                }
            }
            mine
        })
        .collect();
    (owned, doubly)
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership`: partitions newly given
/// to a member that some member consumed before and does not keep.
fn transferring_by_diff(g: &Group, previous: &[Vec<usize>], target: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let mut added: Vec<Option<usize>> = vec![None; g.total()];
    let mut revoked = vec![false; g.total()];
    for (m, (owned, assigned)) in previous.iter().zip(target).enumerate() {
        for &p in assigned {
            if !owned.contains(&p) {
                added[p] = Some(m);
            }
        }
        for &p in owned {
            if !assigned.contains(&p) {
                revoked[p] = true;
            }
        }
    }
    added.into_iter().enumerate().filter_map(|(p, m)| Some((p, m.filter(|_| revoked[p])?))).collect()
}
