//! Property tests over random queue and topic scenarios and seeds. Every run checks the
//! invariants after every event (debug builds panic on a broken one: conservation, never acked
//! and dead-lettered, prefetch, time never going backwards; on topics, a committed offset never
//! past the log end and one owner per partition), and each property checks a delivery
//! guarantee:
//!
//! - at-least-once never loses a message to a consumer crash;
//! - at-most-once never applies an effect twice;
//! - exactly-once does neither.
//!
//! A failure prints the scenario JSON (seed included) that reproduces it with `brokerlab run`.

use crate::common;

use common::random_scenario::{scenario, topic_scenario, TopicMix};
use proptest::prelude::*;

fn run(s: &str) -> broker::Outcome {
    let mut sim = broker::load(s).unwrap_or_else(|p| panic!("generated scenario is invalid: {p:?}\n{s}"));
    sim.set_event_budget(400_000);
    sim.run_to_end();
    sim.outcome()
}

/// Every lost message, with its reason.
fn lost(o: &broker::Outcome) -> Vec<(&str, Option<&'static str>)> {
    o.messages.iter().filter(|m| m.fate == "lost").map(|m| (m.id.as_str(), m.reason)).collect()
}

/// Losses a consumer's crash (or losing its partition) can cause. None of them may happen
/// under at-least-once or exactly-once, whatever else the scenario does.
fn consumer_losses(o: &broker::Outcome) -> Vec<(&str, Option<&'static str>)> {
    let by_consumer =
        ["consumer_crashed_after_commit", "consumer_crashed_after_ack", "revoked_after_commit", "failed_after_ack"];
    lost(o).into_iter().filter(|(_, r)| r.is_some_and(|r| by_consumer.contains(&r))).collect()
}

const ALL_SEMANTICS: &[&str] = &["at-most-once", "at-least-once", "exactly-once"];
const ANYTHING: TopicMix = TopicMix { semantics: ALL_SEMANTICS, may_lose: true, may_duplicate: true };

fn crash_losses(o: &broker::Outcome) -> usize {
    o.messages
        .iter()
        .filter(|m| {
            m.fate == "lost" && matches!(m.reason, Some("consumer_crashed_after_ack") | Some("failed_after_ack"))
        })
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn conservation_holds_for_any_scenario(s in prop_oneof![
        scenario("at-most-once", true), scenario("at-least-once", true), scenario("exactly-once", true)
    ]) {
        let o = run(&s);
        let sum = o.processed_once + o.processed_more_than_once + o.dead_lettered + o.dropped + o.lost + o.in_flight;
        prop_assert_eq!(sum, o.published, "{}", s);
        prop_assert_eq!(o.messages.len() as u64, o.published);
    }

    #[test]
    fn at_least_once_never_loses_to_a_crash(s in scenario("at-least-once", true)) {
        let o = run(&s);
        prop_assert_eq!(crash_losses(&o), 0, "{}", s);
    }

    #[test]
    fn at_most_once_never_applies_an_effect_twice(s in scenario("at-most-once", false)) {
        let o = run(&s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once), (0, 0), "{}", s);
    }

    #[test]
    fn exactly_once_neither_loses_nor_duplicates(s in scenario("exactly-once", true)) {
        let o = run(&s);
        prop_assert_eq!(o.duplicate_effects, 0, "{}", s);
        prop_assert_eq!(crash_losses(&o), 0, "{}", s);
    }

    #[test]
    fn the_same_seed_gives_the_same_trace(s in scenario("at-least-once", true)) {
        let mut a = broker::load(&s).unwrap();
        let mut b = broker::load(&s).unwrap();
        a.set_event_budget(400_000);
        b.set_event_budget(400_000);
        a.run_to_end();
        b.run_to_end();
        prop_assert_eq!(a.trace_hash(), b.trace_hash());
    }
}

// Topic scenarios: up to three groups of up to three members, dead-letter topics and their
// readers, and every topic action and fault (see `topic_scenario` for what each mix leaves out).
proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn topic_runs_give_every_message_one_fate(s in topic_scenario(ANYTHING)) {
        let o = run(&s);
        let sum = o.processed_once + o.processed_more_than_once + o.dead_lettered + o.dropped + o.lost + o.in_flight;
        prop_assert_eq!(sum, o.published, "{}", s);
        prop_assert_eq!(o.messages.len() as u64, o.published);
    }

    #[test]
    fn topic_at_least_once_never_loses_to_a_crash(
        s in topic_scenario(TopicMix { semantics: &["at-least-once"], may_lose: true, may_duplicate: true })
    ) {
        let o = run(&s);
        prop_assert_eq!(consumer_losses(&o), vec![], "{}", s);
    }

    #[test]
    fn topic_at_least_once_loses_nothing_when_nothing_else_can(
        s in topic_scenario(TopicMix { semantics: &["at-least-once"], may_lose: false, may_duplicate: true })
    ) {
        let o = run(&s);
        prop_assert_eq!(lost(&o), vec![], "{}", s);
    }

    #[test]
    fn topic_at_most_once_never_applies_an_effect_twice(
        s in topic_scenario(TopicMix { semantics: &["at-most-once"], may_lose: true, may_duplicate: false })
    ) {
        let o = run(&s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once), (0, 0), "{}", s);
    }

    #[test]
    fn topic_exactly_once_neither_loses_nor_duplicates(
        s in topic_scenario(TopicMix { semantics: &["exactly-once"], may_lose: false, may_duplicate: true })
    ) {
        let o = run(&s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once), (0, 0), "{}", s);
        prop_assert_eq!(lost(&o), vec![], "{}", s);
    }

    #[test]
    fn topic_exactly_once_never_duplicates_or_loses_to_a_crash_whatever_else_happens(
        s in topic_scenario(TopicMix { semantics: &["exactly-once"], may_lose: true, may_duplicate: true })
    ) {
        let o = run(&s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once), (0, 0), "{}", s);
        prop_assert_eq!(consumer_losses(&o), vec![], "{}", s);
    }

    #[test]
    fn topic_runs_give_the_same_trace_for_the_same_seed(s in topic_scenario(ANYTHING)) {
        let mut a = broker::load(&s).unwrap();
        let mut b = broker::load(&s).unwrap();
        a.set_event_budget(400_000);
        b.set_event_budget(400_000);
        a.run_to_end();
        b.run_to_end();
        prop_assert_eq!(a.trace_hash(), b.trace_hash(), "{}", s);
    }
}
