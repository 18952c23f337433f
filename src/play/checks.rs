//! The invariant monitor's view of the delivery guarantees. The guarantees themselves, which
//! semantics promises which, and the rule that judges a trace event against them live in the
//! core (`broker::Guarantee`, `broker::breach`); this module names the consumers and puts a
//! breach in the app's words, naming the message by its key.

use broker::scenario::Semantics;
use broker::NodeKind;
use broker::{Entry, Names, Simulation};

/// Every consumer (node index, name) and its semantics, in scenario order.
pub fn consumers(sim: &Simulation) -> Vec<(u32, String, Semantics)> {
    sim.model()
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.kind {
            NodeKind::Consumer(c) => Some((i as u32, n.name.clone(), c.semantics)),
            _ => None,
        })
        .collect()
}

/// Whether this event breaks a promised guarantee, and how, in words.
pub fn breach(sim: &Simulation, e: &Entry) -> Option<String> {
    // Named only once something broke: this runs for every event the scout reads.
    let b = broker::breach(sim.model(), e)?;
    let msg = b.msg.map(|m| sim.msg_label(m)).unwrap_or_default();
    Some(b.words(&msg, sim.model().name(b.node)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;
    use broker::Event;

    fn breaches(slug: &str) -> Vec<String> {
        let p = PRESETS.iter().find(|p| p.slug == slug).unwrap();
        let mut sim = Simulation::new(broker::load_model(p.json).unwrap());
        sim.run_to_end();
        let entries = sim.drain_trace();
        entries.iter().filter_map(|e| breach(&sim, e)).collect()
    }

    #[test]
    fn at_most_once_may_lose_and_at_least_once_may_duplicate_but_exactly_once_does_neither() {
        assert!(breaches("crash-at-most-once").is_empty(), "losses are allowed at-most-once");
        assert!(breaches("crash-at-least-once").is_empty(), "duplicates are allowed at-least-once");
        assert!(breaches("crash-exactly-once").is_empty());
    }

    #[test]
    fn a_dual_write_breaks_the_end_to_end_promise() {
        let b = breaches("dual-write");
        assert!(b.iter().any(|l| l.contains("lost") && l.contains("at-least-once")), "{b:?}");
    }

    #[test]
    fn an_exactly_once_consumer_that_applies_twice_is_a_breach() {
        let p = PRESETS.iter().find(|p| p.slug == "crash-exactly-once").unwrap();
        let mut v: serde_json::Value = serde_json::from_str(p.json).unwrap();
        // Take its idempotency away but keep the promise: now a crash applies twice.
        for n in v["nodes"].as_array_mut().unwrap() {
            if n["kind"] == "consumer" {
                n["semantics"] = "at-least-once".into();
            }
        }
        let mut sim = Simulation::new(broker::load_model(&v.to_string()).unwrap());
        sim.run_to_end();
        let entries = sim.drain_trace();
        let dup = entries.iter().find(|e| matches!(e.event, Event::EffectApplied { count: 2.. })).cloned();
        let dup = dup.expect("at-least-once applies a redelivery twice");
        assert!(breach(&sim, &dup).is_none());
        // The same event judged against an exactly-once consumer is a breach.
        let mut v2 = v.clone();
        for n in v2["nodes"].as_array_mut().unwrap() {
            if n["kind"] == "consumer" {
                n["semantics"] = "at-most-once".into();
            }
        }
        let mut sim2 = Simulation::new(broker::load_model(&v2.to_string()).unwrap());
        sim2.run_to_end();
        assert!(breach(&sim2, &dup).unwrap().contains("applied 2 times"));
    }
}
