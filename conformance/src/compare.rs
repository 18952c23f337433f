//! Compares what the simulator did with what RabbitMQ did, and says each difference in words:
//! per consumer, its deliveries in order (which message, redelivered or not, the quorum queue's
//! delivery count, the `x-death` records); the publisher confirms; the channels the broker
//! closed; what was left in each queue, in order; what each consumer still held; who acked
//! each message; and, summing these up, each message's fate.
//!
//! Times are not compared: the simulator's are virtual and the broker's are not. Everything
//! compared here is decided by the order of operations alone, which the script fixes.

use std::collections::BTreeSet;

use crate::observed::{deaths_words, fate, Delivery, Left, Observed};
use crate::topology::Topology;

/// One difference, with the queues it concerns (to tell whether a known difference between
/// RabbitMQ versions explains it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub queues: Vec<String>,
    pub words: String,
    /// For a consumer's deliveries that part: the consumer, and the position (from 0) of the
    /// first delivery that differs.
    pub at_delivery: Option<(String, usize)>,
}

fn delivery_words(d: &Delivery) -> String {
    let mut s = format!("{} from {}", d.msg, d.queue);
    s.push_str(if d.redelivered { ", redelivered" } else { ", first delivery" });
    if let Some(n) = d.returns {
        s.push_str(&format!(", delivery count {n}"));
    }
    if !d.deaths.is_empty() {
        s.push_str(&format!(", {}", deaths_words(&d.deaths)));
    }
    s
}

fn left_words(list: &[Left]) -> String {
    if list.is_empty() {
        return "nothing".into();
    }
    let each: Vec<String> = list
        .iter()
        .take(10)
        .map(|l| if l.deaths.is_empty() { l.msg.clone() } else { format!("{} ({})", l.msg, deaths_words(&l.deaths)) })
        .collect();
    if list.len() > 10 {
        format!("{}, … ({} in all)", each.join(", "), list.len())
    } else {
        each.join(", ")
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The queues a message was delivered from or left in, on either side.
fn queues_of(msg: &str, a: &Observed, b: &Observed) -> Vec<String> {
    let mut qs = BTreeSet::new();
    for o in [a, b] {
        for d in o.deliveries.values().flatten().filter(|d| d.msg == msg) {
            qs.insert(d.queue.clone());
        }
        for (q, left) in &o.left {
            if left.iter().any(|l| l.msg == msg) {
                qs.insert(q.clone());
            }
        }
    }
    qs.into_iter().collect()
}

/// Every difference between the simulator's record (`sim`) and the broker's (`real`).
pub fn compare(sim: &Observed, real: &Observed, topology: &Topology) -> Vec<Difference> {
    let mut out = Vec::new();
    let queue_of =
        |consumer: &str| topology.consumers.get(consumer).map(|c| c.queue.clone()).into_iter().collect::<Vec<_>>();

    let consumers: BTreeSet<&String> = sim.deliveries.keys().chain(real.deliveries.keys()).collect();
    for c in consumers {
        let (s, r) = (
            sim.deliveries.get(c).map_or(&[][..], Vec::as_slice),
            real.deliveries.get(c).map_or(&[][..], Vec::as_slice),
        );
        if let Some(i) = (0..s.len().min(r.len())).find(|&i| s[i] != r[i]) {
            out.push(Difference {
                queues: queue_of(c),
                at_delivery: Some((c.clone(), i)),
                words: format!(
                    "{c}'s {} delivery: the simulator delivered {}; RabbitMQ delivered {}",
                    ordinal(i + 1),
                    delivery_words(&s[i]),
                    delivery_words(&r[i])
                ),
            });
        } else if s.len() != r.len() {
            let (longer, who) =
                if s.len() > r.len() { (&s[r.len()..], "the simulator") } else { (&r[s.len()..], "RabbitMQ") };
            out.push(Difference {
                queues: queue_of(c),
                at_delivery: Some((c.clone(), s.len().min(r.len()))),
                words: format!(
                    "{c} got {} deliveries in the simulator and {} on RabbitMQ; only {who} went on with {}",
                    s.len(),
                    r.len(),
                    longer.iter().take(3).map(delivery_words).collect::<Vec<_>>().join("; ")
                        + if longer.len() > 3 { "; …" } else { "" }
                ),
            });
        }
    }

    for c in sim.confirms.iter().filter(|c| !real.confirms.contains(c)) {
        let other = real.confirms.iter().find(|o| o.msg == c.msg && o.attempt == c.attempt);
        let said = |acked: bool| if acked { "confirmed it (basic.ack)" } else { "refused it (basic.nack)" };
        out.push(Difference {
            at_delivery: None,
            queues: queues_of(&c.msg, sim, real),
            words: match other {
                Some(o) => format!(
                    "{}'s publish attempt {}: the simulator's broker {}; RabbitMQ {}",
                    c.msg,
                    c.attempt,
                    said(c.acked),
                    said(o.acked)
                ),
                None => format!(
                    "{}'s publish attempt {}: the simulator's broker {}; RabbitMQ never answered",
                    c.msg,
                    c.attempt,
                    said(c.acked)
                ),
            },
        });
    }
    for c in real.confirms.iter().filter(|c| !sim.confirms.iter().any(|s| s.msg == c.msg && s.attempt == c.attempt)) {
        out.push(Difference {
            at_delivery: None,
            queues: queues_of(&c.msg, sim, real),
            words: format!("{}'s publish attempt {} was confirmed by RabbitMQ only", c.msg, c.attempt),
        });
    }

    let closers: BTreeSet<&String> = sim.closed_by_broker.keys().chain(real.closed_by_broker.keys()).collect();
    for c in closers {
        let (s, r) =
            (sim.closed_by_broker.get(c).copied().unwrap_or(0), real.closed_by_broker.get(c).copied().unwrap_or(0));
        if s != r {
            out.push(Difference {
                at_delivery: None,
                queues: queue_of(c),
                words: format!("the broker closed {c}'s channel (ack timeout) {s} times in the simulator and {r} times on RabbitMQ"),
            });
        }
    }

    let queues: BTreeSet<&String> = sim.left.keys().chain(real.left.keys()).collect();
    for q in queues {
        let (s, r) = (sim.left.get(q).map_or(&[][..], Vec::as_slice), real.left.get(q).map_or(&[][..], Vec::as_slice));
        if s != r {
            let mut concerned = vec![q.clone()];
            for l in s.iter().chain(r) {
                concerned.extend(queues_of(&l.msg, sim, real));
                concerned.extend(l.deaths.iter().map(|d| d.queue.clone()));
            }
            concerned.sort();
            concerned.dedup();
            out.push(Difference {
                at_delivery: None,
                queues: concerned,
                words: format!(
                    "left ready in {q} at the end, head first: the simulator had {}; RabbitMQ had {}",
                    left_words(s),
                    left_words(r)
                ),
            });
        }
    }

    let holders: BTreeSet<&String> = sim.held.keys().chain(real.held.keys()).collect();
    for c in holders {
        let none = Vec::new();
        let (s, r) = (sim.held.get(c).unwrap_or(&none), real.held.get(c).unwrap_or(&none));
        if s != r {
            let words = |v: &Vec<String>| if v.is_empty() { "nothing".to_string() } else { v.join(", ") };
            out.push(Difference {
                at_delivery: None,
                queues: queue_of(c),
                words: format!("{c} held unacked at the end: in the simulator {}; on RabbitMQ {}", words(s), words(r)),
            });
        }
    }

    let messages: BTreeSet<&str> = sim.messages().chain(real.messages()).collect();
    for m in messages {
        let (s, r) = (fate(sim, m), fate(real, m));
        if s != r {
            out.push(Difference {
                at_delivery: None,
                queues: queues_of(m, sim, real),
                words: format!("{m} ended {s} in the simulator, but {r} on RabbitMQ"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observed::{Confirm, Death};

    fn delivery(msg: &str, redelivered: bool) -> Delivery {
        Delivery { queue: "work".into(), msg: msg.into(), redelivered, returns: None, deaths: vec![] }
    }

    #[test]
    fn the_same_record_has_no_differences() {
        let mut o = Observed::default();
        o.deliveries.insert("billing".into(), vec![delivery("orders-1", false)]);
        o.acked.insert("orders-1".into(), vec!["billing".into()]);
        assert!(compare(&o, &o.clone(), &Topology::default()).is_empty());
    }

    #[test]
    fn a_requeue_at_another_position_is_named_at_the_first_delivery_that_differs() {
        let mut sim = Observed::default();
        sim.deliveries.insert("billing".into(), vec![delivery("orders-1", false), delivery("orders-1", true)]);
        let mut real = Observed::default();
        real.deliveries.insert("billing".into(), vec![delivery("orders-1", false), delivery("orders-2", false)]);
        let d = compare(&sim, &real, &Topology::default());
        assert_eq!(
            d[0].words,
            "billing's 2nd delivery: the simulator delivered orders-1 from work, redelivered; RabbitMQ delivered orders-2 from work, first delivery"
        );
    }

    #[test]
    fn confirms_left_messages_and_fates_are_compared() {
        let mut sim = Observed::default();
        sim.confirms.push(Confirm { msg: "orders-3".into(), attempt: 1, acked: false });
        sim.left.insert(
            "dlq".into(),
            vec![Left {
                msg: "orders-2".into(),
                deaths: vec![Death { queue: "work".into(), reason: "rejected".into(), count: 1 }],
            }],
        );
        let mut real = Observed::default();
        real.confirms.push(Confirm { msg: "orders-3".into(), attempt: 1, acked: true });
        let words: Vec<String> = compare(&sim, &real, &Topology::default()).into_iter().map(|d| d.words).collect();
        assert!(words.contains(&"orders-3's publish attempt 1: the simulator's broker refused it (basic.nack); RabbitMQ confirmed it (basic.ack)".to_string()), "{words:?}");
        assert!(words.contains(&"left ready in dlq at the end, head first: the simulator had orders-2 (x-death [rejected in work ×1]); RabbitMQ had nothing".to_string()), "{words:?}");
        assert!(words.contains(&"orders-2 ended ready in dlq in the simulator, but gone (dropped, or expired with nowhere to go) on RabbitMQ".to_string()), "{words:?}");
    }
}
