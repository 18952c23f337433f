//! The invariant monitor's rules: the delivery guarantee each consumer promises, and the trace
//! events that break one. At-least-once promises nothing is lost; at-most-once promises no
//! effect happens twice; exactly-once promises both. A loss away from any consumer (a dual
//! write, a queue that was down) breaks the strongest promise made in the scenario, because
//! the guarantee is end to end. Drops (a full queue, a reject with no dead-letter target) are
//! the configuration doing what it says, and are not counted as a broken promise.

use broker::scenario::Semantics;
use broker::NodeKind;
use broker::{Entry, Event, Simulation};

/// What a semantics promises, in words.
pub fn promise(s: Semantics) -> &'static str {
    match s {
        Semantics::AtMostOnce => "at-most-once: no effect twice (losses allowed)",
        Semantics::AtLeastOnce => "at-least-once: nothing lost (duplicates allowed)",
        Semantics::ExactlyOnce => "exactly-once: nothing lost and no effect twice",
    }
}

pub fn semantics_name(s: Semantics) -> &'static str {
    match s {
        Semantics::AtMostOnce => "at-most-once",
        Semantics::AtLeastOnce => "at-least-once",
        Semantics::ExactlyOnce => "exactly-once",
    }
}

fn forbids_loss(s: Semantics) -> bool {
    s != Semantics::AtMostOnce
}

fn forbids_duplicates(s: Semantics) -> bool {
    s != Semantics::AtLeastOnce
}

/// The semantics of a consumer node, if it is one.
pub fn semantics_of(sim: &Simulation, node: broker::NodeId) -> Option<Semantics> {
    match &sim.model().nodes[node.index()].kind {
        NodeKind::Consumer(c) => Some(c.semantics),
        _ => None,
    }
}

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

/// The strongest loss promise in the scenario: the semantics a loss outside any consumer is
/// judged against.
fn end_to_end(sim: &Simulation) -> Option<Semantics> {
    let all = consumers(sim);
    all.iter()
        .map(|c| c.2)
        .find(|s| *s == Semantics::ExactlyOnce)
        .or_else(|| all.iter().map(|c| c.2).find(|s| *s == Semantics::AtLeastOnce))
}

/// Whether this event breaks a promised guarantee, and how, in words.
pub fn breach(sim: &Simulation, e: &Entry) -> Option<String> {
    // Named only once something broke: this runs for every event the scout reads.
    let msg = || e.msg.map(|m| crate::play::words::message_label(sim, m)).unwrap_or_default();
    let here = sim.model().name(e.node);
    match &e.event {
        Event::Lost { reason } => {
            let s = semantics_of(sim, e.node).or_else(|| end_to_end(sim))?;
            forbids_loss(s)
                .then(|| format!("{} was lost at {here} under {}: {}", msg(), semantics_name(s), reason.human()))
        }
        Event::EffectApplied { count } if *count > 1 => {
            let s = semantics_of(sim, e.node)?;
            forbids_duplicates(s)
                .then(|| format!("{}'s effect was applied {count} times by {here} under {}", msg(), semantics_name(s)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

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
