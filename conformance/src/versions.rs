//! Known differences between RabbitMQ versions, and which one the simulator follows.
//!
//! The simulator follows RabbitMQ 4.0's documentation. A broker of another version may differ
//! where RabbitMQ itself changed; such a difference is reported as known, with its reason,
//! rather than as a failure, and only on the queues it concerns.

use crate::script::Script;

/// The RabbitMQ version whose documented behaviour the simulator follows.
pub const SIMULATOR_FOLLOWS: &str = "4.0";

/// A difference RabbitMQ's own history explains, on the queues it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub id: &'static str,
    pub words: String,
    pub queues: Vec<String>,
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

/// The known differences that apply to `script` on a broker of `version`.
pub fn known_differences(version: &str, script: &Script) -> Vec<Known> {
    let v = major_minor(version);
    let mut out = Vec::new();
    if v < (4, 0) {
        // Only where the simulator's default limit took effect.
        let queues: Vec<String> = script
            .topology
            .queues
            .iter()
            .filter(|q| q.quorum && q.declared_delivery_limit.is_none() && script.delivery_limit_hit.contains(&q.id))
            .map(|q| q.id.clone())
            .collect();
        if !queues.is_empty() {
            out.push(Known {
                id: "quorum-default-delivery-limit",
                words: format!(
                    "RabbitMQ {version} has no default delivery limit on quorum queues; 4.0 made it 20, as the simulator does, so a message that keeps coming back is dead-lettered there and redelivered for ever here"
                ),
                queues,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_by_their_first_two_numbers() {
        assert_eq!(major_minor("3.10.8"), (3, 10));
        assert_eq!(major_minor("4.0.5"), (4, 0));
        assert_eq!(major_minor("3.13.7+1.g1234"), (3, 13));
        assert_eq!(major_minor("unknown"), (4, 0));
    }
}
