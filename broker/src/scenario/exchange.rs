//! Exchange routing as RabbitMQ does it: a fanout exchange copies every message to every bound
//! queue; a direct exchange to the queues whose binding key equals the routing key; a topic
//! exchange matches dot-separated words, where `*` stands for exactly one word and `#` for
//! zero or more (RabbitMQ tutorial 5, "Topics"). What an exchange type means, so it sits
//! beside the format's `ExchangeType`: the queues route with it, and the checker asks it
//! whether an orchestrator's commands reach their queues.

use crate::scenario::ExchangeType;

pub fn routes(exchange_type: ExchangeType, binding_key: Option<&str>, routing_key: &str) -> bool {
    match exchange_type {
        ExchangeType::Fanout => true,
        ExchangeType::Direct => binding_key == Some(routing_key),
        ExchangeType::Topic => match binding_key {
            Some(pattern) => topic_matches(pattern, routing_key),
            None => false,
        },
    }
}

pub fn topic_matches(pattern: &str, routing_key: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = if routing_key.is_empty() { Vec::new() } else { routing_key.split('.').collect() };
    matches_from(&p, &k)
}

fn matches_from(p: &[&str], k: &[&str]) -> bool {
    match p.split_first() {
        None => k.is_empty(),
        Some((&"#", rest)) => (0..=k.len()).any(|skip| matches_from(rest, &k[skip..])),
        Some((&"*", rest)) => !k.is_empty() && matches_from(rest, &k[1..]),
        Some((word, rest)) => k.first() == Some(word) && matches_from(rest, &k[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_patterns_from_the_rabbitmq_tutorial() {
        // "quick.orange.rabbit" and friends, as in RabbitMQ's topic tutorial.
        assert!(topic_matches("*.orange.*", "quick.orange.rabbit"));
        assert!(topic_matches("*.*.rabbit", "quick.orange.rabbit"));
        assert!(topic_matches("lazy.#", "lazy.orange.elephant"));
        assert!(topic_matches("lazy.#", "lazy"));
        assert!(!topic_matches("*.orange.*", "quick.brown.fox"));
        assert!(!topic_matches("*.orange.*", "orange"));
        assert!(!topic_matches("*.orange.*", "quick.orange.new.rabbit"));
        assert!(topic_matches("lazy.#", "lazy.orange.new.rabbit"));
        assert!(topic_matches("#", "anything.at.all"));
        assert!(topic_matches("#.rabbit", "rabbit"));
    }

    #[test]
    fn direct_and_fanout() {
        assert!(routes(ExchangeType::Fanout, None, "x"));
        assert!(routes(ExchangeType::Direct, Some("OrderPlaced"), "OrderPlaced"));
        assert!(!routes(ExchangeType::Direct, Some("OrderPlaced"), "OrderShipped"));
    }
}
