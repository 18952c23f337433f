//! The lesson table: every lesson the app teaches, from fan-out and work queues to producer
//! retries, each with what it teaches and its variants, which are scenario files in
//! `scenarios/` (see `presets`). A lesson with two or more variants can open them side by
//! side in Compare, on the same seed.

/// One lesson: a title, a line on what it teaches, and its variants (label, preset slug).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub title: &'static str,
    /// What it teaches, in a line; nothing in the app's release wasm, which fetches it (see
    /// `model/texts.rs`).
    pub teaches: BuiltIn,
    pub variants: &'static [(&'static str, &'static str)],
}

use crate::model::texts::{built_in, BuiltIn};

/// The lessons; what each teaches is fetched by the release wasm (`model/texts.rs`).
pub const LESSONS: &[Lesson] = &[
    Lesson {
        title: "Pub/sub fan-out",
        teaches: built_in("A fanout exchange gives every subscriber its own copy."),
        variants: &[("Three subscribers", "fan-out")],
    },
    Lesson {
        title: "Work queue with competing consumers",
        teaches: built_in("Consumers share one queue; prefetch decides who gets what; a crash redelivers."),
        variants: &[("Three workers and a crash", "work-queue")],
    },
    Lesson {
        title: "Poison message",
        teaches: built_in("One message that always fails: a requeue loop, or a delivery limit and a DLQ."),
        variants: &[("Without a DLQ", "poison-no-dlq"), ("With a DLQ", "poison-with-dlq")],
    },
    Lesson {
        title: "Retry storm versus backoff with jitter",
        teaches: built_in("Immediate retries hammer a service that is down; backoff with jitter rides it out."),
        variants: &[("Immediate retries", "retry-storm"), ("Backoff with jitter", "retry-jitter")],
    },
    Lesson {
        title: "Duplicate delivery",
        teaches: built_in("At-least-once redelivers; only an idempotent consumer makes that harmless."),
        variants: &[("No idempotency", "duplicates-no-idempotency"), ("Idempotent consumer", "duplicates-idempotent")],
    },
    Lesson {
        title: "Out-of-order events",
        teaches: built_in("Order holds within a partition only: the partition key decides what stays in order."),
        variants: &[
            ("Keyed by event type", "out-of-order-wrong-key"),
            ("Keyed by order id", "out-of-order-keyed-by-order"),
        ],
    },
    Lesson {
        title: "Delivery guarantees under a crash",
        teaches: built_in("At-most-once loses, at-least-once duplicates, exactly-once does neither."),
        variants: &[
            ("At-most-once", "crash-at-most-once"),
            ("At-least-once", "crash-at-least-once"),
            ("Exactly-once", "crash-exactly-once"),
        ],
    },
    Lesson {
        title: "Dual write versus transactional outbox",
        teaches: built_in("Saving and publishing separately loses events; an outbox turns losses into duplicates."),
        variants: &[("Dual write", "dual-write"), ("Transactional outbox", "outbox")],
    },
    Lesson {
        title: "Consumer lag, back-pressure and rebalance",
        teaches: built_in("A slow group falls behind; a new member takes partitions over, at a price."),
        variants: &[("Adding a consumer", "consumer-lag-rebalance"), ("A slow poll loop", "slow-poll-loop")],
    },
    Lesson {
        title: "Replay from an offset",
        teaches: built_in("A log keeps history: a late group can start from the earliest offset."),
        variants: &[("A late-joining group", "replay-late-joiner")],
    },
    Lesson {
        title: "Producer retries",
        teaches: built_in("A lost acknowledgement makes a retry write twice, unless the producer is idempotent."),
        variants: &[("Plain retries", "producer-retries-duplicates"), ("Idempotent producer", "producer-idempotent")],
    },
    Lesson {
        title: "Producer acks and a leader crash",
        teaches: built_in("acks=1 loses what the leader acknowledged and had not replicated; acks=all with min.insync.replicas keeps it, and refuses writes when too few replicas are up."),
        variants: &[("acks=1", "durability-acks-1"), ("acks=all, min.insync.replicas=2", "durability-acks-all")],
    },
    Lesson {
        title: "Unclean leader election",
        teaches: built_in("With no in-sync replica left, a clean election waits for one; an unclean one is back sooner, without the records it never had."),
        variants: &[("Clean election", "durability-clean-election"), ("Unclean election", "durability-unclean-election")],
    },
    Lesson {
        title: "Kafka transactions: read_uncommitted and read_committed",
        teaches: built_in("read_uncommitted reads an aborted transaction's records; read_committed skips them, and waits behind a transaction still open."),
        variants: &[("read_uncommitted", "transactions-read-uncommitted"), ("read_committed", "transactions-read-committed")],
    },
    Lesson {
        title: "A compacted topic as a table",
        teaches: built_in("A compacted topic keeps the latest value per key; a reader further behind than delete.retention.ms misses a delete and keeps a withdrawn price."),
        variants: &[("Reading the table", "compaction-table"), ("A slow reader", "compaction-slow-reader")],
    },
    Lesson {
        title: "A flow across services, and its compensation",
        teaches: built_in("A step that fails must be undone by the steps before it, or the flow is stuck with the money taken."),
        variants: &[("Without compensation", "order-flow-no-compensation"), ("With compensation", "order-flow-compensation")],
    },
    Lesson {
        title: "Duplicate amplification",
        teaches: built_in("One duplicate at the first hop becomes duplicates at every hop after it, unless the first consumer is idempotent."),
        variants: &[("No idempotent consumer", "duplicate-amplification"), ("Idempotent first hop", "duplicate-amplification-idempotent")],
    },
    Lesson {
        title: "A service's effect and its event",
        teaches: built_in("Publishing after the effect as a separate step can lose the event; an outbox cannot."),
        variants: &[("Publish after the effect", "service-publish-after-effect"), ("Transactional outbox", "service-outbox")],
    },
    Lesson {
        title: "Commands and events",
        teaches: built_in("A command goes to one owner; an event goes to anyone who subscribes, and a new subscriber changes nothing upstream."),
        variants: &[("Three subscribers", "commands-and-events"), ("A fourth subscriber", "commands-and-events-fourth-subscriber")],
    },
    Lesson {
        title: "Following a flow",
        teaches: built_in("One order stuck in a busy run, found by its correlation id and followed across services in the flow view."),
        variants: &[("Order 17", "order-17-never-shipped")],
    },
    Lesson {
        title: "Orchestration or choreography",
        teaches: built_in("The same order flow, once with services reacting to each other's events and once run by an orchestrator that knows every order's state."),
        variants: &[("Choreographed", "order-choreography"), ("Orchestrated", "order-orchestration")],
    },
    Lesson {
        title: "When an undo fails",
        teaches: built_in("An orchestrated saga undoes its completed steps when one fails; if an undo fails too, the saga needs a person."),
        variants: &[("Refund gives up in the outage", "saga-needs-a-person"), ("Refund retried past it", "saga-compensation-retried")],
    },
    Lesson {
        title: "Request-reply and the slow tail",
        teaches: built_in("A request that times out before a slow responder answers is sent again and done twice; an idempotent responder does it once, and direct reply-to loses replies while the requester is down."),
        variants: &[
            ("Timeout under the slow tail", "request-reply-timeout"),
            ("Idempotent responder", "request-reply-idempotent"),
            ("Direct reply-to and a crash", "request-reply-direct"),
        ],
    },
    Lesson {
        title: "I placed my order and it is not there",
        teaches: built_in("A read model gets each write a moment after the write side: a read in that moment misses it, less often with a faster projection, never when read-your-writes sends it to the write side."),
        variants: &[
            ("A slow projection", "read-model-lag"),
            ("A faster projection", "read-model-faster-projection"),
            ("Read-your-writes routing", "read-model-read-your-writes"),
        ],
    },
    Lesson {
        title: "A projection and events that come late",
        teaches: built_in("A projection that writes whatever comes last lets a late event set rows back; a version check skips it, and a rebuild replays the log in order."),
        variants: &[
            ("No version check", "projection-no-version-check"),
            ("Version check", "projection-version-check"),
            ("Rebuild by replay", "projection-rebuild"),
        ],
    },
    Lesson {
        title: "A deploy that breaks its consumers",
        teaches: built_in("A producer that renames a field breaks every consumer still reading the old schema; a schema registry in BACKWARD mode refuses the new version before it is written."),
        variants: &[("No schema registry", "schema-deploy-breaks"), ("A registry in BACKWARD mode", "schema-registry-refuses")],
    },
    Lesson {
        title: "Who upgrades first",
        teaches: built_in("The registry accepts a change and the order of deploys still matters: BACKWARD means consumers upgrade first, FORWARD means producers do, and the wrong order fails every message written between the two deploys."),
        variants: &[
            ("BACKWARD, producer first", "schema-backward-producer-first"),
            ("BACKWARD, consumers first", "schema-backward-consumers-first"),
            ("FORWARD, consumers first", "schema-forward-consumers-first"),
            ("FORWARD, producer first", "schema-forward-producer-first"),
        ],
    },
    Lesson {
        title: "A tolerant reader survives an additive change",
        teaches: built_in("A new field with a default lets an upgraded reader read old messages, and old readers skip it; without the default, the new reader cannot read the old messages still queued or still being written."),
        variants: &[("A field with a default", "schema-field-with-default"), ("A field without a default", "schema-field-without-default")],
    },
];

/// The lesson a preset belongs to, and its variant's position there.
pub fn lesson_of(slug: &str) -> Option<(&'static Lesson, usize)> {
    LESSONS.iter().find_map(|l| l.variants.iter().position(|v| v.1 == slug).map(|i| (l, i)))
}

/// The other variants of a preset's lesson, to compare with: (label, slug).
pub fn siblings(slug: &str) -> Vec<(&'static str, &'static str)> {
    lesson_of(slug).map_or(Vec::new(), |(l, _)| l.variants.iter().filter(|v| v.1 != slug).copied().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::{self, PRESETS};

    #[test]
    fn every_preset_is_in_exactly_one_lesson_and_the_spec_lessons_are_all_there() {
        for p in PRESETS {
            let n = LESSONS.iter().flat_map(|l| l.variants).filter(|v| v.1 == p.slug).count();
            assert_eq!(n, 1, "{} is in {n} lessons", p.slug);
        }
        for v in LESSONS.iter().flat_map(|l| l.variants) {
            assert!(presets::position(v.1).is_some(), "{} has no scenario file", v.1);
        }
        assert!(LESSONS.len() >= 10);
        // The gallery writes these into markup as they are.
        for l in LESSONS {
            let texts = [l.title, l.teaches].into_iter().chain(l.variants.iter().map(|v| v.0));
            for t in texts {
                assert!(!t.contains(['<', '>', '&', '"']), "{t}: write it without markup characters");
            }
        }
        assert_eq!(
            siblings("crash-at-least-once"),
            vec![("At-most-once", "crash-at-most-once"), ("Exactly-once", "crash-exactly-once")]
        );
    }
}
