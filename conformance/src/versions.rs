//! Known differences between RabbitMQ versions, and which one the simulator follows.
//!
//! The simulator follows RabbitMQ 4.0's documentation. A broker of another version may differ
//! where RabbitMQ itself changed; such a difference is reported as known, with its reason,
//! rather than as a failure, and only on the queues it concerns.

use crate::compare::Difference;
use crate::script::Script;
use crate::topology::Queue;

/// The RabbitMQ version whose documented behaviour the simulator follows.
pub const SIMULATOR_FOLLOWS: &str = "4.0";

/// A difference RabbitMQ's own history explains, on the queues it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub id: &'static str,
    pub words: String,
    pub queues: Vec<String>,
    /// When not empty: it explains a consumer's deliveries only from this position on (what
    /// came before cannot be its doing), and other differences only as their consequence.
    pub from_delivery: std::collections::BTreeMap<String, usize>,
}

impl Known {
    /// Whether it explains `d`, among the differences `all` of one scenario.
    pub fn explains(&self, d: &Difference, all: &[Difference]) -> bool {
        let on_its_queues = |d: &Difference| d.queues.iter().any(|q| self.queues.contains(q));
        let delivery_explained = |d: &Difference| match &d.at_delivery {
            Some((c, i)) => self.from_delivery.get(c).is_some_and(|from| i >= from),
            None => false,
        };
        if !on_its_queues(d) {
            return false;
        }
        if self.from_delivery.is_empty() {
            return true;
        }
        match d.at_delivery {
            Some(_) => delivery_explained(d),
            None => all.iter().any(|o| on_its_queues(o) && delivery_explained(o)),
        }
    }
}

/// `"3.10.8"` → `(3, 10)`; anything unreadable counts as the version the simulator follows.
pub fn major_minor(version: &str) -> (u32, u32) {
    let mut parts =
        version.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).map(|p| p.parse().unwrap_or(0));
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => (a, b),
        _ => (4, 0),
    }
}

/// The quorum queues, among those `also` picks, where the simulator sent a message past the
/// delivery limit.
fn past_limit(script: &Script, also: impl Fn(&Queue) -> bool) -> Vec<String> {
    let queues = script.topology.queues.iter();
    queues.filter(|q| q.quorum && script.delivery_limit_hit.contains(&q.id) && also(q)).map(|q| q.id.clone()).collect()
}

/// The known differences that apply to `script` on a broker of `version`.
pub fn known_differences(version: &str, script: &Script) -> Vec<Known> {
    let v = major_minor(version);
    let mut out = Vec::new();
    if v < (4, 0) {
        // Only where the simulator's default limit took effect.
        let queues = past_limit(script, |q| q.declared_delivery_limit.is_none());
        if !queues.is_empty() {
            out.push(Known {
                id: "quorum-default-delivery-limit",
                words: format!(
                    "RabbitMQ {version} has no default delivery limit on quorum queues; 4.0 made it 20, as the simulator does, so a message that keeps coming back is dead-lettered there and redelivered for ever here"
                ),
                queues,
                from_delivery: Default::default(),
            });
        }
    }
    if v < (3, 11) {
        // rabbitmq-server#5609, merged for 3.11: a nack that dead-letters a message at the
        // delivery limit granted its consumer credit twice, so it could hold more than its
        // prefetch afterwards.
        let queues = past_limit(script, |_| true);
        if !queues.is_empty() {
            out.push(Known {
                id: "quorum-credit-after-delivery-limit",
                words: format!(
                    "RabbitMQ {version} grants a consumer its credit twice when its nack sends a message past the quorum queue's delivery limit (fixed in 3.11, rabbitmq-server#5609), so the consumer then holds more than its prefetch: the next message comes before the one it should wait behind"
                ),
                queues,
                from_delivery: script.limit_nacked_after.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(at: Option<usize>) -> Difference {
        Difference {
            queues: vec!["work".into()],
            words: String::new(),
            at_delivery: at.map(|i| ("billing".to_string(), i)),
        }
    }

    #[test]
    fn a_known_bug_explains_only_what_comes_after_it() {
        let k = Known {
            id: "quorum-credit-after-delivery-limit",
            words: String::new(),
            queues: vec!["work".into()],
            from_delivery: [("billing".to_string(), 25)].into(),
        };
        let (before, after, left) = (diff(Some(10)), diff(Some(25)), diff(None));
        assert!(
            !k.explains(&before, &[before.clone(), left.clone()]),
            "a difference before the bug could act is not its doing"
        );
        assert!(!k.explains(&left, &[before.clone(), left.clone()]));
        assert!(k.explains(&after, &[after.clone(), left.clone()]));
        assert!(k.explains(&left, &[after.clone(), left.clone()]), "a consequence of what it explains");
        let elsewhere = Difference { queues: vec!["other".into()], ..after.clone() };
        assert!(!k.explains(&elsewhere, std::slice::from_ref(&elsewhere)));
    }

    #[test]
    fn versions_are_read_by_their_first_two_numbers() {
        assert_eq!(major_minor("3.10.8"), (3, 10));
        assert_eq!(major_minor("4.0.5"), (4, 0));
        assert_eq!(major_minor("3.13.7+1.g1234"), (3, 13));
        assert_eq!(major_minor("unknown"), (4, 0));
    }
}
