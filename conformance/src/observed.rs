//! What one side of the comparison saw: the deliveries each consumer got (in order, with the
//! redelivered flag, the quorum queue's delivery count and the `x-death` records), the
//! publisher confirms, the channels the broker closed, and, at the end, what was left ready
//! in each queue and what each consumer still held unacked.
//!
//! The simulator's trace and the real broker are both read into this one shape
//! (`simulated.rs`, `rabbitmq.rs`), and `compare.rs` compares two of them. Messages are named
//! by the simulator's message name (`orders-3`), which the harness puts in each published
//! message's `message_id`. Node names are the scenario's ids.

use std::collections::BTreeMap;

/// One entry of a message's `x-death` header: it died `count` times in `queue` for `reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Death {
    pub queue: String,
    /// RabbitMQ's word: `rejected`, `expired`, `maxlen` or `delivery_limit`.
    pub reason: String,
    pub count: u32,
}

/// One delivery to a consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub queue: String,
    pub msg: String,
    pub redelivered: bool,
    /// A quorum queue's count of earlier returns of the message (`x-delivery-count`; absent
    /// counts as 0). `None` on a classic queue, which keeps no such count.
    pub returns: Option<u32>,
    /// The message's `x-death` records, newest first.
    pub deaths: Vec<Death>,
}

/// A message ready in a queue at the end, head first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Left {
    pub msg: String,
    pub deaths: Vec<Death>,
}

/// A publish the producer waited for a confirm on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Confirm {
    pub msg: String,
    pub attempt: u32,
    /// true: basic.ack; false: basic.nack (a full queue refused it).
    pub acked: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// Per consumer, the deliveries it got, in order.
    pub deliveries: BTreeMap<String, Vec<Delivery>>,
    /// Per publish attempt with confirms, sorted.
    pub confirms: Vec<Confirm>,
    /// Per consumer, how many times the broker closed its channel (an ack timeout).
    pub closed_by_broker: BTreeMap<String, u32>,
    /// Per queue and dead-letter queue, its ready messages at the end, head first.
    pub left: BTreeMap<String, Vec<Left>>,
    /// Per consumer, the messages it held unacked at the end, sorted.
    pub held: BTreeMap<String, Vec<String>>,
    /// Per message, the consumers whose ack of it reached the broker, in order.
    pub acked: BTreeMap<String, Vec<String>>,
}

impl Observed {
    /// Sorts what has no order of its own, so that two observations compare field by field.
    pub fn normalise(&mut self) {
        self.confirms.sort();
        for held in self.held.values_mut() {
            held.sort();
        }
        self.held.retain(|_, h| !h.is_empty());
        self.closed_by_broker.retain(|_, n| *n > 0);
    }

    /// Every message either side mentions, for the per-message fates.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        let delivered = self.deliveries.values().flatten().map(|d| d.msg.as_str());
        let left = self.left.values().flatten().map(|l| l.msg.as_str());
        let confirmed = self.confirms.iter().map(|c| c.msg.as_str());
        delivered.chain(left).chain(confirmed).chain(self.acked.keys().map(String::as_str))
    }
}

/// Where a message ended, in words: acked, left in a queue, held, or gone.
pub fn fate(o: &Observed, msg: &str) -> String {
    let mut parts = Vec::new();
    if let Some(by) = o.acked.get(msg) {
        parts.push(format!("acked by {}", by.join(" and ")));
    }
    for (queue, left) in &o.left {
        let n = left.iter().filter(|l| l.msg == msg).count();
        if n > 0 {
            parts.push(if n == 1 { format!("ready in {queue}") } else { format!("{n} copies ready in {queue}") });
        }
    }
    for (consumer, held) in &o.held {
        if held.iter().any(|m| m == msg) {
            parts.push(format!("held unacked by {consumer}"));
        }
    }
    if parts.is_empty() {
        "gone (dropped, or expired with nowhere to go)".to_string()
    } else {
        parts.join(", ")
    }
}

/// `x-death` records in words: "rejected in work ×2, then expired in retry".
pub fn deaths_words(deaths: &[Death]) -> String {
    if deaths.is_empty() {
        return "no x-death".to_string();
    }
    let each: Vec<String> = deaths.iter().map(|d| format!("{} in {} ×{}", d.reason, d.queue, d.count)).collect();
    format!("x-death [{}]", each.join(", "))
}
