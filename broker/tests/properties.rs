//! Property tests over random queue scenarios and seeds. Every run checks the invariants after
//! every event (debug builds panic on a broken one: conservation, never acked and dead-lettered,
//! prefetch, time never going backwards), and each property checks a delivery guarantee:
//!
//! - at-least-once never loses a message to a consumer crash;
//! - at-most-once never applies an effect twice;
//! - exactly-once does neither.
//!
//! A failure prints the scenario JSON (seed included) that reproduces it with `brokerlab run`.

mod common;

use common::random_scenario::scenario;
use proptest::prelude::*;

fn run(s: &str) -> broker::Outcome {
    let mut sim = broker::load(s).unwrap_or_else(|p| panic!("generated scenario is invalid: {p:?}\n{s}"));
    sim.set_event_budget(400_000);
    sim.run_to_end();
    sim.outcome()
}

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
        prop_assert_eq!(o.duplicate_effects, 0, "{}", s);
        prop_assert_eq!(o.processed_more_than_once, 0, "{}", s);
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
