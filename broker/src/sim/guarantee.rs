//! The delivery guarantees, written once: the named properties a consumer's semantics
//! promises, and the one rule that judges a trace entry against them. The app's Checks panel,
//! the command line's "broken guarantees", and the property tests all ask this module.
//!
//! - [`Guarantee::NoLoss`]: nothing is lost. Promised by at-least-once and exactly-once.
//! - [`Guarantee::NoDuplicateEffect`]: no effect happens twice. Promised by at-most-once and
//!   exactly-once.
//!
//! A `Lost` event at a consumer is judged against that consumer's semantics. A loss anywhere
//! else (a dual write, a queue that was down, retention) is judged against the strongest loss
//! promise in the scenario, because the guarantee is end to end. An `EffectApplied` with a
//! count above one is judged against the consumer that applied it. Drops (a full queue, a
//! reject with no dead-letter target) are the configuration doing what it says, and break no
//! promise; so does a reply lost by direct reply-to, which is never acknowledged.
//!
//! The rule reads the model only: it never changes the run, its trace or its hash.

use crate::model::ids::{MsgId, NodeId};
use crate::model::time::SimTime;
use crate::model::{Model, NodeKind};
use crate::scenario::Semantics;
use crate::sim::trace::{Entry, Event, LossReason, Names};

/// A delivery guarantee a consumer's semantics may promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Guarantee {
    /// Every message published is processed (at least once).
    NoLoss,
    /// No message's effect is applied more than once.
    NoDuplicateEffect,
}

impl Guarantee {
    /// Every guarantee, in the order they are listed in words.
    pub const ALL: &'static [Guarantee] = &[Guarantee::NoLoss, Guarantee::NoDuplicateEffect];

    /// The stable name used in the command line's JSON.
    pub fn name(self) -> &'static str {
        match self {
            Guarantee::NoLoss => "no_loss",
            Guarantee::NoDuplicateEffect => "no_duplicate_effect",
        }
    }

    /// The promise in plain words.
    pub fn human(self) -> &'static str {
        match self {
            Guarantee::NoLoss => "nothing lost",
            Guarantee::NoDuplicateEffect => "no effect twice",
        }
    }

    /// What a semantics that does not promise it allows, in plain words.
    pub fn allowed(self) -> &'static str {
        match self {
            Guarantee::NoLoss => "losses",
            Guarantee::NoDuplicateEffect => "duplicates",
        }
    }

    /// The guarantees a semantics promises.
    pub fn promised_by(s: Semantics) -> &'static [Guarantee] {
        match s {
            Semantics::AtMostOnce => &[Guarantee::NoDuplicateEffect],
            Semantics::AtLeastOnce => &[Guarantee::NoLoss],
            Semantics::ExactlyOnce => &[Guarantee::NoLoss, Guarantee::NoDuplicateEffect],
        }
    }

    pub fn is_promised_by(self, s: Semantics) -> bool {
        Guarantee::promised_by(s).contains(&self)
    }
}

/// What a semantics promises, in words: "at-most-once: no effect twice (losses allowed)".
pub fn promise(s: Semantics) -> String {
    let (kept, allowed): (Vec<Guarantee>, Vec<Guarantee>) = Guarantee::ALL.iter().partition(|g| g.is_promised_by(s));
    let kept: Vec<&str> = kept.iter().map(|g| g.human()).collect();
    let mut text = format!("{}: {}", s.name(), kept.join(" and "));
    if !allowed.is_empty() {
        let allowed: Vec<&str> = allowed.iter().map(|g| g.allowed()).collect();
        text.push_str(&format!(" ({} allowed)", allowed.join(" and ")));
    }
    text
}

/// The semantics of a consumer node, if it is one.
pub fn semantics_of(model: &Model, node: NodeId) -> Option<Semantics> {
    match &model.nodes.get(node.index())?.kind {
        NodeKind::Consumer(c) => Some(c.semantics),
        _ => None,
    }
}

/// The strongest loss promise in the scenario: the semantics a loss outside any consumer is
/// judged against (exactly-once if any consumer promises it, else at-least-once if any does).
pub fn end_to_end(model: &Model) -> Option<Semantics> {
    let all = || model.nodes.iter().filter_map(|n| semantics_of_kind(&n.kind));
    all().find(|s| *s == Semantics::ExactlyOnce).or_else(|| all().find(|s| *s == Semantics::AtLeastOnce))
}

fn semantics_of_kind(kind: &NodeKind) -> Option<Semantics> {
    match kind {
        NodeKind::Consumer(c) => Some(c.semantics),
        _ => None,
    }
}

/// The evidence of a broken guarantee: the event that broke it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The message was lost, for this reason.
    Lost(LossReason),
    /// The message's effect has now been applied this many times (more than once).
    Applied(u32),
}

/// A promised guarantee that one trace entry broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Breach {
    pub guarantee: Guarantee,
    /// The semantics whose promise was broken.
    pub semantics: Semantics,
    /// Whether it was judged against the scenario's end-to-end promise, because the event
    /// happened away from any consumer (a producer, a queue, a topic).
    pub end_to_end: bool,
    /// Where it happened.
    pub node: NodeId,
    pub msg: Option<MsgId>,
    pub t: SimTime,
    pub evidence: Evidence,
}

impl Breach {
    /// In words, naming the message and the node as given: "orders-3 was lost at producer
    /// under at-least-once: ...", "orders-3's effect was applied 2 times by worker under
    /// exactly-once".
    pub fn words(&self, message: &str, node: &str) -> String {
        let s = self.semantics.name();
        match self.evidence {
            Evidence::Lost(reason) => format!("{message} was lost at {node} under {s}: {}", reason.human()),
            Evidence::Applied(count) => format!("{message}'s effect was applied {count} times by {node} under {s}"),
        }
    }

    /// In words, naming the message by its key and id ("order-14 (checkout-14)", or the id
    /// alone when it has no key) and the node by its scenario id.
    pub fn describe(&self, names: &dyn Names) -> String {
        let message = self.msg.map(|m| names.msg_label(m)).unwrap_or_default();
        self.words(&message, names.node_name(self.node))
    }
}

/// The rule: whether this trace entry breaks a delivery guarantee the scenario promises.
/// A `Lost` event breaks [`Guarantee::NoLoss`] if the consumer it happened at promises it (or,
/// away from any consumer, the scenario's end-to-end semantics does); an `EffectApplied` with
/// a count above one breaks [`Guarantee::NoDuplicateEffect`] if its consumer promises it.
pub fn breach(model: &Model, e: &Entry) -> Option<Breach> {
    let (guarantee, evidence, semantics, end_to_end) = match &e.event {
        Event::Lost { reason: LossReason::RequesterGone } => return None,
        Event::Lost { reason } => {
            let (s, far) = match semantics_of(model, e.node) {
                Some(s) => (s, false),
                None => (end_to_end(model)?, true),
            };
            (Guarantee::NoLoss, Evidence::Lost(*reason), s, far)
        }
        Event::EffectApplied { count } if *count > 1 => {
            (Guarantee::NoDuplicateEffect, Evidence::Applied(*count), semantics_of(model, e.node)?, false)
        }
        _ => return None,
    };
    guarantee.is_promised_by(semantics).then_some(Breach {
        guarantee,
        semantics,
        end_to_end,
        node: e.node,
        msg: e.msg(),
        t: e.t,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_promises_in_words() {
        assert_eq!(promise(Semantics::AtMostOnce), "at-most-once: no effect twice (losses allowed)");
        assert_eq!(promise(Semantics::AtLeastOnce), "at-least-once: nothing lost (duplicates allowed)");
        assert_eq!(promise(Semantics::ExactlyOnce), "exactly-once: nothing lost and no effect twice");
    }

    #[test]
    fn exactly_once_promises_what_the_other_two_promise() {
        for g in Guarantee::ALL {
            let weaker = g.is_promised_by(Semantics::AtMostOnce) || g.is_promised_by(Semantics::AtLeastOnce);
            assert_eq!(weaker, g.is_promised_by(Semantics::ExactlyOnce), "{g:?}");
        }
    }

    fn model(consumers: &[&str]) -> Model {
        let mut nodes = vec![
            r#"{"id":"p","kind":"producer","count":1,"arrivals":{"fixed":{"interval_ms":10}}}"#.to_string(),
            r#"{"id":"q","kind":"queue"}"#.to_string(),
        ];
        let mut wires = vec![r#"["p","q"]"#.to_string()];
        for (i, s) in consumers.iter().enumerate() {
            nodes.push(format!(r#"{{"id":"c{i}","kind":"consumer","semantics":"{s}"}}"#));
            wires.push(format!(r#"["q","c{i}"]"#));
        }
        let json = format!(
            r#"{{"version":1,"duration_ms":1000,"nodes":[{}],"wires":[{}]}}"#,
            nodes.join(","),
            wires.join(",")
        );
        crate::load_model(&json).unwrap()
    }

    fn entry(node: u32, event: Event) -> Entry {
        Entry::new(SimTime(5), 0, NodeId(node), Some(MsgId(0)), None, event)
    }

    #[test]
    fn a_loss_at_a_consumer_is_judged_by_that_consumer() {
        let m = model(&["at-most-once", "at-least-once"]);
        let lost = |node| entry(node, Event::Lost { reason: LossReason::CrashAfterAck });
        assert_eq!(breach(&m, &lost(2)), None, "at-most-once may lose");
        let b = breach(&m, &lost(3)).unwrap();
        assert_eq!((b.guarantee, b.semantics, b.end_to_end), (Guarantee::NoLoss, Semantics::AtLeastOnce, false));
    }

    #[test]
    fn a_loss_away_from_consumers_breaks_the_strongest_promise() {
        let lost = entry(0, Event::Lost { reason: LossReason::NeverPublished });
        let b = breach(&model(&["at-least-once", "exactly-once"]), &lost).unwrap();
        assert_eq!((b.semantics, b.end_to_end), (Semantics::ExactlyOnce, true));
        assert_eq!(breach(&model(&["at-most-once"]), &lost), None);
        assert_eq!(breach(&model(&[]), &lost), None);
    }

    #[test]
    fn a_second_effect_breaks_only_a_promise_of_no_duplicates() {
        let m = model(&["at-least-once", "exactly-once"]);
        let twice = |node| entry(node, Event::EffectApplied { count: 2 });
        assert_eq!(breach(&m, &twice(2)), None);
        let b = breach(&m, &twice(3)).unwrap();
        assert_eq!(b.guarantee, Guarantee::NoDuplicateEffect);
        assert_eq!(b.words("m-1", "c1"), "m-1's effect was applied 2 times by c1 under exactly-once");
        assert_eq!(breach(&m, &entry(3, Event::EffectApplied { count: 1 })), None);
        assert_eq!(breach(&m, &twice(1)), None, "an effect is judged only at a consumer");
    }
}
