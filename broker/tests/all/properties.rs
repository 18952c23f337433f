//! Property tests over random queue and topic scenarios and seeds. Every run checks the
//! invariants after every event (debug builds panic on a broken one: conservation, never acked
//! and dead-lettered, prefetch, time never going backwards; on topics, a committed offset never
//! past the log end and one owner per partition), and each property checks a delivery
//! guarantee with the core's one rule (`broker::breach`, the rule the app's Checks panel and
//! `brokerlab run` use), over every event of the run:
//!
//! - at-least-once never loses a message at a consumer (to its crash, or to losing its
//!   partition);
//! - at-most-once never applies an effect twice;
//! - exactly-once does neither;
//! - and when nothing else can lose a message, nothing breaks the end-to-end promise either.
//!
//! A failure prints the broken guarantees in words and the scenario JSON (seed included) that
//! reproduces it with `brokerlab run`.

use crate::common;

use broker::{Breach, Guarantee};
use common::random_scenario::{scenario, topic_scenario, TopicMix};
use proptest::prelude::*;

/// Runs the scenario and judges every event: the outcome, and every broken guarantee with
/// its words.
fn run(s: &str) -> (broker::Outcome, Vec<(Breach, String)>) {
    let mut sim = broker::load(s).unwrap_or_else(|p| panic!("generated scenario is invalid: {p:?}\n{s}"));
    sim.set_event_budget(400_000);
    let mut broken = Vec::new();
    let mut judge = |sim: &mut broker::Simulation| {
        let entries = sim.drain_trace();
        let found = entries.iter().filter_map(|e| broker::breach(sim.model(), e));
        broken.extend(found.map(|b| {
            let words = b.describe(&*sim);
            (b, words)
        }));
    };
    while sim.step() {
        if sim.pending_trace().len() >= 4096 {
            judge(&mut sim);
        }
    }
    sim.run_to_end();
    judge(&mut sim);
    (sim.outcome(), broken)
}

/// The broken guarantees, in words, that `which` picks.
fn broke(broken: &[(Breach, String)], which: impl Fn(&Breach) -> bool) -> Vec<&str> {
    broken.iter().filter(|(b, _)| which(b)).map(|(_, w)| w.as_str()).collect()
}

/// Every broken guarantee, in words.
fn any(broken: &[(Breach, String)]) -> Vec<&str> {
    broke(broken, |_| true)
}

/// A second effect where the consumer promised none.
fn duplicates(broken: &[(Breach, String)]) -> Vec<&str> {
    broke(broken, |b| b.guarantee == Guarantee::NoDuplicateEffect)
}

/// A loss at a consumer that promised none (to its crash, or to losing its partition): judged
/// against the consumer's own semantics rather than the scenario's end-to-end promise, which
/// a producer's or a broker's fault may break.
fn consumer_losses(broken: &[(Breach, String)]) -> Vec<&str> {
    broke(broken, |b| b.guarantee == Guarantee::NoLoss && !b.end_to_end)
}

const NONE: Vec<&str> = Vec::new();

const ALL_SEMANTICS: &[&str] = &["at-most-once", "at-least-once", "exactly-once"];
const ANYTHING: TopicMix = TopicMix { semantics: ALL_SEMANTICS, may_lose: true, may_duplicate: true };

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn conservation_holds_for_any_scenario(s in prop_oneof![
        scenario("at-most-once", true), scenario("at-least-once", true), scenario("exactly-once", true)
    ]) {
        let (o, _) = run(&s);
        let sum = o.processed_once + o.processed_more_than_once + o.dead_lettered + o.dropped + o.lost + o.in_flight;
        prop_assert_eq!(sum, o.published, "{}", s);
        prop_assert_eq!(o.messages.len() as u64, o.published);
    }

    #[test]
    fn at_least_once_never_loses_to_a_crash(s in scenario("at-least-once", true)) {
        let (_, broken) = run(&s);
        prop_assert_eq!(consumer_losses(&broken), NONE, "{}", s);
    }

    #[test]
    fn at_most_once_never_applies_an_effect_twice(s in scenario("at-most-once", false)) {
        let (o, broken) = run(&s);
        prop_assert_eq!(duplicates(&broken), NONE, "{}", s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once), (0, 0), "the outcome agrees: {}", s);
    }

    #[test]
    fn exactly_once_neither_loses_nor_duplicates(s in scenario("exactly-once", true)) {
        let (o, broken) = run(&s);
        prop_assert_eq!(duplicates(&broken), NONE, "{}", s);
        prop_assert_eq!(consumer_losses(&broken), NONE, "{}", s);
        prop_assert_eq!(o.duplicate_effects, 0, "the outcome agrees: {}", s);
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
        let (o, _) = run(&s);
        let sum = o.processed_once + o.processed_more_than_once + o.dead_lettered + o.dropped + o.lost + o.in_flight;
        prop_assert_eq!(sum, o.published, "{}", s);
        prop_assert_eq!(o.messages.len() as u64, o.published);
    }

    #[test]
    fn topic_at_least_once_never_loses_to_a_crash(
        s in topic_scenario(TopicMix { semantics: &["at-least-once"], may_lose: true, may_duplicate: true })
    ) {
        let (_, broken) = run(&s);
        prop_assert_eq!(consumer_losses(&broken), NONE, "{}", s);
    }

    #[test]
    fn topic_at_least_once_loses_nothing_when_nothing_else_can(
        s in topic_scenario(TopicMix { semantics: &["at-least-once"], may_lose: false, may_duplicate: true })
    ) {
        let (o, broken) = run(&s);
        prop_assert_eq!(any(&broken), NONE, "{}", s);
        prop_assert_eq!(o.lost, 0, "the outcome agrees: {}", s);
    }

    #[test]
    fn topic_at_most_once_never_applies_an_effect_twice(
        s in topic_scenario(TopicMix { semantics: &["at-most-once"], may_lose: true, may_duplicate: false })
    ) {
        let (o, broken) = run(&s);
        prop_assert_eq!(duplicates(&broken), NONE, "{}", s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once), (0, 0), "the outcome agrees: {}", s);
    }

    #[test]
    fn topic_exactly_once_neither_loses_nor_duplicates(
        s in topic_scenario(TopicMix { semantics: &["exactly-once"], may_lose: false, may_duplicate: true })
    ) {
        let (o, broken) = run(&s);
        prop_assert_eq!(any(&broken), NONE, "{}", s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once, o.lost), (0, 0, 0), "the outcome agrees: {}", s);
    }

    #[test]
    fn topic_exactly_once_never_duplicates_or_loses_to_a_crash_whatever_else_happens(
        s in topic_scenario(TopicMix { semantics: &["exactly-once"], may_lose: true, may_duplicate: true })
    ) {
        let (o, broken) = run(&s);
        prop_assert_eq!(duplicates(&broken), NONE, "{}", s);
        prop_assert_eq!(consumer_losses(&broken), NONE, "{}", s);
        prop_assert_eq!((o.duplicate_effects, o.processed_more_than_once), (0, 0), "the outcome agrees: {}", s);
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
