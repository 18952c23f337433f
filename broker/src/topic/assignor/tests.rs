//! The assignors' unit tests: cases from Kafka's `RangeAssignorTest`, `RoundRobinAssignorTest`,
//! `AbstractStickyAssignorTest` and `CooperativeStickyAssignorTest` with Kafka's inputs and
//! expected outputs, then properties over many random groups.

use super::cooperative_sticky::valid_owned;
use super::group::Group;
use super::java_hash::{java_string_hash, java_table_size};
use super::*;
use std::collections::{BTreeMap, BTreeSet};

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

fn transfers(list: &[(&str, &str)]) -> SortedMap<TopicPartition, String> {
    list.iter().flat_map(|(m, text)| tps(text).into_iter().map(move |p| (p, m.to_string()))).collect()
}

// --- names ---------------------------------------------------------------------------

fn read_strategy(name: &str) -> Option<AssignmentStrategy> {
    AssignmentStrategy::read(&name.into(), &crate::scenario::read::At::base("assignment")).ok()
}

#[test]
fn strategy_names_round_trip() {
    for s in AssignmentStrategy::ALL {
        assert_eq!(serde_json::to_value(s).unwrap(), s.name());
        assert_eq!(read_strategy(s.name()), Some(s));
    }
    assert_eq!(read_strategy("round-robin"), Some(AssignmentStrategy::RoundRobin));
    assert_eq!(AssignmentStrategy::RoundRobin.name(), "roundrobin");
    assert_eq!(read_strategy("sticky"), None);
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
    assert_eq!(range(&one, &counts(&[("topic1", 3)])), assignment(&[("consumer1", "topic1-0, topic1-1, topic1-2")]));
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
    let members = subs(&[("consumer1", &["topic1"]), ("consumer2", &["topic1", "topic2"]), ("consumer3", &["topic1"])]);
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
    assert_eq!(round_robin(&two, &counts(&[("topic", 1)])), assignment(&[("consumer1", "topic-0"), ("consumer2", "")]));
    assert_eq!(
        round_robin(&two, &counts(&[("topic", 2)])),
        assignment(&[("consumer1", "topic-0"), ("consumer2", "topic-1")])
    );
}

#[test]
fn round_robin_multiple_consumers_mixed_topics() {
    let members = subs(&[("consumer1", &["topic1"]), ("consumer2", &["topic1", "topic2"]), ("consumer3", &["topic1"])]);
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
    expected_transfers: &SortedMap<TopicPartition, String>,
) {
    let plan = sticky_plan(members, parts, previous);
    assert_eq!(&plan.target, expected);
    assert_eq!(&plan.transferring, expected_transfers);
    assert_valid_and_balanced(members, &plan.target);
    let round = cooperative_sticky(members, parts, previous);
    assert_eq!(round.target, plan.target);
    assert_eq!(round.revoked, expected_transfers.keys().cloned().collect::<Vec<_>>());
    for (m, list) in &round.assignment {
        let full: Vec<&TopicPartition> = expected[m].iter().filter(|p| !expected_transfers.contains_key(*p)).collect();
        assert_eq!(list.iter().collect::<Vec<_>>(), full);
    }
}

fn none() -> SortedMap<TopicPartition, String> {
    SortedMap::new()
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
    let members = subs(&[("consumer1", &["topic1"]), ("consumer2", &["topic1", "topic2"]), ("consumer3", &["topic1"])]);
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
        &assignment(&[("consumer1", "topic1-0, topic1-2, topic2-1"), ("consumer2", "topic1-1, topic2-0, topic2-2")]),
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
    let mut members: Subscriptions = (1..20).map(|i| (name("c", i), (1..=i).map(|j| name("t", j)).collect())).collect();
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
    let owned = assignment(&[("consumer1", "topic-0, topic-1"), ("consumer2", "topic-0, topic-2"), ("consumer3", "")]);
    check_sticky(
        &three,
        &counts(&[("topic", 3)]),
        &owned,
        &assignment(&[("consumer1", "topic-1"), ("consumer2", "topic-2"), ("consumer3", "topic-0")]),
        &transfers(&[("consumer3", "topic-0")]),
    );
    // CooperativeStickyAssignorTest: ...WithEqualPartitionsPerConsumer
    let round = cooperative_sticky(&three, &counts(&[("topic", 3)]), &owned);
    assert_eq!(round.assignment, assignment(&[("consumer1", "topic-1"), ("consumer2", "topic-2"), ("consumer3", "")]));
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
    let members = subs(&[("consumer1", &["t"]), ("consumer2", &["t"]), ("consumer3", &["t"])]);
    let parts = counts(&[("t", 1)]);
    let g = Group::new(&members, &parts);
    let order: Vec<&String> = g.java_hash_map_order().into_iter().map(|m| g.members[m]).collect();
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
    let shared: SortedSet<String> = topics.iter().filter(|_| g.below(3) > 0).cloned().collect();
    let shared = if shared.is_empty() { topics.iter().take(1).cloned().collect() } else { shared };
    let mut members = Subscriptions::new();
    for _ in 0..1 + g.below(6) {
        let id = format!("member-{}", g.below(1000));
        let topics: SortedSet<String> =
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
            previous.get_or_insert(owner, Vec::new()).push(tp(topic, p));
            if g.below(10) == 0 {
                let other = owners[g.below(owners.len() as u64) as usize].clone();
                previous.get_or_insert(other, Vec::new()).push(tp(topic, p));
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
    let g = Group::new(&c.members, &c.parts);
    let expected: Vec<TopicPartition> = (0..g.total()).map(|p| g.tp(p)).collect();
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
            let g = Group::new(&c.members, &c.parts);
            let min_quota = g.total() / c.members.len();
            let (owned, _) = valid_owned(&g, &g.previous(&c.previous));
            for (m, mine) in owned.iter().enumerate() {
                let (m, mine): (&String, Vec<TopicPartition>) = (g.members[m], mine.iter().map(|&p| g.tp(p)).collect());
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
                    assert!(was_mine || !elsewhere, "{context}: {p} handed to {m} while another member still owns it");
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
