//! The catalogue: every setting of every node kind and of a wire, as the inspector shows it
//! (label, unit, input kind, help line, section), in the order it shows them.

use serde_json::Value;

use crate::model::texts::BuiltIn;

/// How a field is edited.
#[derive(Debug, PartialEq)]
pub enum Input {
    /// A whole number (JSON integer).
    Int,
    /// A number, decimals allowed (JSON number).
    Number,
    /// A string.
    Text,
    /// A checkbox (JSON bool).
    Bool,
    /// A fixed list: (JSON string value, label shown).
    Choice(&'static [(&'static str, &'static str)]),
    /// The id of another node of one of these kinds; the app fills the option list.
    NodeRef(&'static [&'static str]),
    /// An object with one key chosen from a list: (variant key, label, default JSON of its params).
    Variant(&'static [(&'static str, &'static str, &'static str)]),
    /// A failure mode switched on/off: the entry of "faults" whose single key is `.0`, with
    /// the default JSON of its parameters `.1` when switched on.
    Fault(&'static str, &'static str),
    /// An optional settings object switched on/off (e.g. publisher confirms), with the default
    /// JSON written when switched on. Its fields are shown only while it is on.
    Toggle(&'static str),
    /// Names as text: a comma-separated list becomes a JSON list, one name stays a string.
    /// With `range`, one name without `..` becomes a one-element list (a string is a key range).
    List { range: bool },
}

/// One setting of a node or a wire, as the inspector shows it.
#[derive(Debug, PartialEq)]
pub struct Field {
    /// JSON pointer into the node (or wire) object; `@name` selects the entry of an array
    /// whose single key is `name` and continues inside that key's object.
    pub path: &'static str,
    /// The label; nothing in the app's release wasm, which fetches it (see `model/texts.rs`).
    pub label: BuiltIn,
    pub unit: &'static str,
    pub input: Input,
    /// One short sentence shown under the field; nothing in the app's release wasm, which
    /// fetches it (see `model/texts.rs`).
    pub help: BuiltIn,
    /// Section heading in the inspector.
    pub section: &'static str,
    /// Which consumers the field applies to: "any", "queue" or "topic" (by what they read),
    /// or "projection" (wired to a read model).
    pub applies: &'static str,
}

const fn f(
    section: &'static str,
    path: &'static str,
    label: &'static str,
    unit: &'static str,
    input: Input,
    help: &'static str,
) -> Field {
    // The release wasm fetches its labels and help lines (`model/texts.rs`).
    let (label, help) = (crate::model::texts::built_in(label), crate::model::texts::built_in(help));
    Field { path, label, unit, input, help, section, applies: "any" }
}

/// A consumer field that applies to queue consumers only ("queue") or topic consumers only ("topic").
const fn only(applies: &'static str, field: Field) -> Field {
    Field { applies, ..field }
}

use Input::*;

const PUB: &str = "Publishing";
const CONFIRMS: &str = "Publisher confirms";
const OUTBOX: &str = "Outbox";
const TXN: &str = "Transactions";
const FAILURES: &str = "Failure modes";
const PROCESSING: &str = "Processing";
const DELIVERY: &str = "Delivery";
const RETRIES: &str = "Retries";
const GROUP: &str = "Consumer group";
const DEAD: &str = "Dead-lettering";
const SERVICE: &str = "Publishes";
const REQUESTS: &str = "Request-reply";
const SAGA: &str = "Saga timing";
const READERS: &str = "Readers";
/// A read model's readers when switched on: a read after every write, within a second.
const READERS_ON: &str = r#"{"share":1,"after":{"uniform":{"min_ms":0,"max_ms":1000}}}"#;
/// Each saga step's timing, shown for the steps the saga has (the first six; the rest of a
/// saga is edited in the file).
const STEP_HELP: [&str; 2] = [
    "How long the orchestrator waits for this step's reply after each send, 1 ms to the run's duration; default 1000.",
    "Times the step's command (or its undo) is sent again after a timeout before it fails, 0 to 10; default 0.",
];
/// A new requester's request, to be named to fit (the responder's queue left to choose).
const REQUEST_ON: &str =
    r#"{"on":"OrderPlaced","command":"ChargeCard","to":"","reply":"CardCharged","timeout_ms":1000,"retries":0}"#;

/// Publisher confirms, a producer's and a service's alike: switched on with these settings,
/// and the help of the switch and of each setting.
const CONFIRMS_ON: &str = r#"{"timeout_ms":1000,"retries":3,"backoff_ms":100}"#;
const CONFIRMS_HELP: [&str; 4] = [
    "Wait for the broker's confirm and publish again when it does not come; off means publish and forget.",
    "How long to wait for a confirm before publishing again, 1 to 3,600,000 ms; default 1000.",
    "How many times an unconfirmed publish is sent again, 0 to 100; default 0.",
    "Wait before publishing again, 0 to 3,600,000 ms; default 0.",
];

static PRODUCER: &[Field] = &[
    f(
        PUB,
        "/arrivals",
        "Arrivals",
        "",
        Variant(&[
            ("fixed", "Fixed interval", r#"{"interval_ms":200}"#),
            ("poisson", "Poisson (random gaps)", r#"{"rate_per_s":5}"#),
            ("burst", "Bursts", r#"{"size":10,"every_ms":1000}"#),
        ]),
        "How publishes are spaced in time; default one every 100 ms.",
    ),
    f(
        PUB,
        "/arrivals/fixed/interval_ms",
        "Interval",
        "ms",
        Number,
        "Time between two publishes, 0.01 to 3,600,000 ms.",
    ),
    f(
        PUB,
        "/arrivals/poisson/rate_per_s",
        "Rate",
        "messages/s",
        Number,
        "Mean publish rate with random gaps, above 0 and at most 100,000 a second.",
    ),
    f(
        PUB,
        "/arrivals/burst/size",
        "Burst size",
        "messages",
        Int,
        "Messages published at once in each burst, 1 to 10,000.",
    ),
    f(
        PUB,
        "/arrivals/burst/every_ms",
        "Burst every",
        "ms",
        Number,
        "Time between two bursts, above 0 and at most 3,600,000 ms.",
    ),
    f(PUB, "/count", "Count", "messages", Int, "Stop after this many messages, 0 to 1,000,000; empty means no limit."),
    f(PUB, "/start_ms", "Start at", "ms", Int, "When the first publish happens; default 0."),
    f(
        PUB,
        "/event_type",
        "Event type",
        "",
        List { range: false },
        "The event name, or several comma-separated names cycled per key; default Event.",
    ),
    f(
        PUB,
        "/schema_version",
        "Schema version",
        "",
        Int,
        "The version of its event type's schema it writes (1 to the versions under Event schemas), stamped on each message; default 1.",
    ),
    f(
        PUB,
        "/keys",
        "Keys",
        "",
        List { range: true },
        "Message keys: a range like order-1..order-20 or a comma-separated list; empty means unkeyed.",
    ),
    f(
        PUB,
        "/key_choice",
        "Key choice",
        "",
        Choice(&[("round_robin", "Round robin"), ("random", "Random")]),
        "Whether keys are used in turn or drawn at random; default round robin.",
    ),
    f(PUB, "/routing_key", "Routing key", "", Text, "What an exchange routes by; empty uses the event type."),
    f(
        PUB,
        "/partition_by",
        "Partition by",
        "",
        Choice(&[("key", "Message key"), ("round_robin", "Round robin"), ("event_type", "Event type")]),
        "How a topic partition is chosen (topics only); default the message key, as Kafka does.",
    ),
    f(
        PUB,
        "/acks",
        "acks",
        "",
        Choice(&[("all", "all: every in-sync replica"), ("1", "1: the leader alone"), ("0", "0: no answer")]),
        "Kafka's producer acks (topics only): when a write counts as done; default all.",
    ),
    f(CONFIRMS, "/publish", "Publisher confirms", "", Toggle(CONFIRMS_ON), CONFIRMS_HELP[0]),
    f(CONFIRMS, "/publish/timeout_ms", "Confirm timeout", "ms", Int, CONFIRMS_HELP[1]),
    f(CONFIRMS, "/publish/retries", "Publish retries", "retries", Int, CONFIRMS_HELP[2]),
    f(CONFIRMS, "/publish/backoff_ms", "Publish backoff", "ms", Int, CONFIRMS_HELP[3]),
    f(
        CONFIRMS,
        "/idempotent",
        "Idempotent producer",
        "",
        Bool,
        "Kafka's enable.idempotence: the topic drops retried duplicates; needs publisher confirms and a topic.",
    ),
    f(
        TXN,
        "/transactions",
        "Transactions",
        "",
        Toggle(r#"{"records":3}"#),
        "Kafka's transactional producer: records go out in transactions that commit or abort as one; needs acks all and a topic.",
    ),
    f(TXN, "/transactions/records", "Records per transaction", "records", Int, "How many records each transaction holds, 1 to 1,000; default 5."),
    f(
        TXN,
        "/transactions/timeout_ms",
        "transaction.timeout.ms",
        "ms",
        Int,
        "The coordinator aborts a transaction still open this long after it began; default 60,000.",
    ),
    f(
        TXN,
        "/transactions/abort_every",
        "Abort every",
        "transactions",
        Int,
        "Every n-th transaction is aborted instead of committed; empty: all commit.",
    ),
    f(
        OUTBOX,
        "/write",
        "Business write",
        "",
        Toggle(r#"{"name":"save order"}"#),
        "Save to the producer's own database with every event, by dual write or outbox.",
    ),
    f(
        OUTBOX,
        "/write/name",
        "Write name",
        "",
        Text,
        "What the business write is called, e.g. save order; default save.",
    ),
    f(
        OUTBOX,
        "/write/outbox",
        "Transactional outbox",
        "",
        Bool,
        "Commit an outbox row with the write and let a relay publish it; off means a dual write.",
    ),
    f(
        OUTBOX,
        "/write/relay_interval_ms",
        "Relay interval",
        "ms",
        Int,
        "How often the outbox relay publishes pending rows, 1 to 3,600,000 ms; default 100.",
    ),
    f(
        OUTBOX,
        "/write/order",
        "Dual-write order",
        "",
        Choice(&[("write_then_publish", "Write, then publish"), ("publish_then_write", "Publish, then write")]),
        "Which step of a dual write comes first; default write, then publish.",
    ),
    f(
        FAILURES,
        "/faults/@publish_lost",
        "Lose publishes",
        "",
        Fault("publish_lost", r#"{"probability":0.1}"#),
        "Publishes get lost on the way to the broker; needs publisher confirms.",
    ),
    f(
        FAILURES,
        "/faults/@publish_lost/probability",
        "Publish loss probability",
        "",
        Number,
        "Chance that one publish attempt is lost, 0 to 1.",
    ),
    f(
        FAILURES,
        "/faults/@confirm_lost",
        "Lose confirms",
        "",
        Fault("confirm_lost", r#"{"probability":0.1}"#),
        "The broker stores the message but its confirm is lost, so a retry duplicates it; needs publisher confirms.",
    ),
    f(
        FAILURES,
        "/faults/@confirm_lost/probability",
        "Confirm loss probability",
        "",
        Number,
        "Chance that one confirm is lost, 0 to 1.",
    ),
    f(
        FAILURES,
        "/faults/@crash",
        "Crash",
        "",
        Fault("crash", r#"{"probability":0.1,"recover_after_ms":1000}"#),
        "The process crashes between its business write and its publish; needs a business write.",
    ),
    f(FAILURES, "/faults/@crash/probability", "Crash probability", "", Number, "Chance of a crash per event, 0 to 1."),
    f(
        FAILURES,
        "/faults/@crash/recover_after_ms",
        "Recover after",
        "ms",
        Int,
        "Downtime after a crash, 0 to 86,400,000 ms; default 1000.",
    ),
];

static EXCHANGE: &[Field] = &[f(
    "Routing",
    "/type",
    "Exchange type",
    "",
    Choice(&[("fanout", "Fanout"), ("direct", "Direct"), ("topic", "Topic")]),
    "Fanout copies to every queue; direct and topic match the routing key against each wire's binding key. Default fanout.",
)];

static QUEUE: &[Field] = &[
    f("Queue", "/queue_type", "Queue type", "", Choice(&[("classic", "Classic"), ("quorum", "Quorum")]), "Classic or quorum queue; default classic."),
    f("Queue", "/durable", "Durable", "", Bool, "A classic queue on brokers with persistent messages: they come back with its broker instead of dying with it. Quorum queues are always durable."),
    f(DELIVERY, "/prefetch", "Prefetch", "messages", Int, "Most unacked deliveries a consumer may hold (basic.qos), 1 to 10,000; default 1."),
    f(DELIVERY, "/ack_timeout_ms", "Ack timeout", "ms", Int, "Close a consumer's channel when a delivery stays unacked this long, 1 to 86,400,000 ms; empty means none."),
    f(DELIVERY, "/delivery_limit", "Delivery limit", "returns", Int, "Dead-letter a message returned more often than this, 1 to 1,000,000 or -1 for none; quorum queues only, default 20."),
    f("Limits", "/ttl_ms", "Message TTL", "ms", Int, "A message waiting this long expires and is dead-lettered, 0 to 86,400,000 ms; empty means never."),
    f("Limits", "/max_length", "Max length", "messages", Int, "Most ready messages the queue holds, 0 to 10,000,000; empty means unbounded."),
    f("Limits", "/overflow", "Overflow", "", Choice(&[("drop-head", "Drop head"), ("reject-publish", "Reject publish"), ("reject-publish-dlx", "Reject publish to DLX")]), "What happens when the queue is full; default drop-head (reject-publish-dlx on classic queues only)."),
    f(DEAD, "/dead_letter", "Dead-letter target", "", NodeRef(&["dead_letter_queue", "queue"]), "Where rejected, expired and overflowing messages go; empty drops them."),
];

static TOPIC: &[Field] = &[
    f("Log", "/partitions", "Partitions", "partitions", Int, "Number of partitions, 1 to 1,000; default 1."),
    f(
        "Retention",
        "/retention_ms",
        "Retention time",
        "ms",
        Int,
        "Delete records older than this, 1 to 86,400,000 ms; empty keeps them.",
    ),
    f(
        "Retention",
        "/retention_records",
        "Retention size",
        "records per partition",
        Int,
        "Keep at most this many records per partition, 1 to 10,000,000; empty means no limit.",
    ),
    f(
        REPLICATION,
        "/replication_factor",
        "Replication factor",
        "replicas",
        Int,
        "Copies of each partition on distinct brokers, 1 to the number of brokers; default 1.",
    ),
    f(
        REPLICATION,
        "/min_insync_replicas",
        "min.insync.replicas",
        "replicas",
        Int,
        "An acks=all write is refused while fewer replicas are in sync; default 1.",
    ),
    f(
        REPLICATION,
        "/unclean_leader_election",
        "Unclean leader election",
        "",
        Bool,
        "With no live in-sync replica, any live replica may lead, losing what it lacks.",
    ),
    f(
        REPLICATION,
        "/replica_lag_time_max_ms",
        "replica.lag.time.max.ms",
        "ms",
        Int,
        "A follower behind (or down) this long leaves the ISR; default 30,000 ms.",
    ),
    f(
        REPLICATION,
        "/replica_fetch_ms",
        "Follower fetch time",
        "ms",
        Int,
        "How long a follower takes to fetch what its leader appended; default 20 ms.",
    ),
    f(
        COMPACTION,
        "/cleanup_policy",
        "cleanup.policy",
        "",
        Choice(&[
            ("delete", "delete: by retention"),
            ("compact", "compact: latest per key"),
            ("compact,delete", "compact,delete: both"),
        ]),
        "Delete old records by retention, keep the latest record per key (log compaction), or both; default delete.",
    ),
    f(
        COMPACTION,
        "/delete_retention_ms",
        "delete.retention.ms",
        "ms",
        Int,
        "How long a tombstone stays once the cleaner has reached it; default 86,400,000 ms (a day).",
    ),
    f(
        COMPACTION,
        "/min_compaction_lag_ms",
        "min.compaction.lag.ms",
        "ms",
        Int,
        "Records younger than this are not compacted; default 0.",
    ),
    f(
        COMPACTION,
        "/segment_ms",
        "segment.ms",
        "ms",
        Int,
        "The active segment, never compacted, is the current slice of this length; default a week.",
    ),
    f(
        COMPACTION,
        "/cleaner_backoff_ms",
        "Cleaner interval",
        "ms",
        Int,
        "How often the log cleaner runs (log.cleaner.backoff.ms); default 15,000 ms.",
    ),
];

const REPLICATION: &str = "Replication";
const COMPACTION: &str = "Compaction";

static BROKER: &[Field] = &[
    f(
        FAILURES,
        "/crash",
        "Crash",
        "",
        Toggle(r#"{"at_ms":2000,"recover_after_ms":3000}"#),
        "The broker's process dies at a set time and restarts with its log.",
    ),
    f(FAILURES, "/crash/at_ms", "Crash at", "ms", Int, "When it crashes, 0 to the scenario's duration."),
    f(
        FAILURES,
        "/crash/recover_after_ms",
        "Back after",
        "ms",
        Int,
        "How long it stays down; empty: until a recover action.",
    ),
];

/// A consumer's fields; an orchestrator's saga timing, a pair of fields for each step slot
/// ("0" "1" is `/orchestrates/steps/0`, shown as step 1); then a service's (shown once it has
/// a rule): how it publishes, its publisher confirms, and a section for each rule slot ("0"
/// "Rule 1" is `/publishes/0`).
macro_rules! consumer_fields {
    ([$($field:expr),* $(,)?] steps $($step:literal $n:literal)* ; rules $($slot:literal $section:literal),*) => {
        &[
            $($field,)*
            $(
                f(SAGA, concat!("/orchestrates/steps/", $step, "/timeout_ms"), concat!("Step ", $n, " timeout"), "ms", Int, STEP_HELP[0]),
                f(SAGA, concat!("/orchestrates/steps/", $step, "/retries"), concat!("Step ", $n, " retries"), "retries", Int, STEP_HELP[1]),
            )*
            f(SERVICE, "/publish_mode", "Publish mode", "", Choice(&[
                ("after_effect", "After the effect"),
                ("before_effect", "Before the effect"),
                ("outbox", "Transactional outbox"),
                ("transaction", "Kafka transaction"),
            ]), "After the effect (default) a crash in between loses the event; before it, a crash publishes for work not done; outbox never loses it, may publish twice; transaction: topic to topic only, output and offset commit together."),
            f(SERVICE, "/publish", "Publisher confirms", "", Toggle(CONFIRMS_ON), CONFIRMS_HELP[0]),
            f(SERVICE, "/publish/timeout_ms", "Confirm timeout", "ms", Int, CONFIRMS_HELP[1]),
            f(SERVICE, "/publish/retries", "Publish retries", "retries", Int, CONFIRMS_HELP[2]),
            f(SERVICE, "/publish/backoff_ms", "Publish backoff", "ms", Int, CONFIRMS_HELP[3]),
            $(
                f($section, concat!("/publishes/", $slot, "/on"), "On event type", "", Text, "The event type this rule is for; empty means any."),
                f($section, concat!("/publishes/", $slot, "/publish"), "Publish", "", List { range: false }, "Event types published for each message handled."),
                f($section, concat!("/publishes/", $slot, "/give_up"), "On giving up, publish", "", List { range: false }, "Event types published when retries run out, e.g. PaymentFailed."),
                f($section, concat!("/publishes/", $slot, "/effect"), "Rule's effect", "", Text, "The business effect for this event type; empty means the consumer's."),
                f($section, concat!("/publishes/", $slot, "/reply"), "Reply", "", Text, "Sent back to a request's reply-to once handled (a responder), e.g. CardCharged; an exactly-once responder replies to a repeat too."),
            )*
        ]
    };
}

static CONSUMER: &[Field] = consumer_fields!([
    f(PROCESSING, "/semantics", "Delivery semantics", "", Choice(&[("at-most-once", "At-most-once"), ("at-least-once", "At-least-once"), ("exactly-once", "Exactly-once")]), "When the consumer acks or commits, and whether it skips duplicates; default at-least-once."),
    f(PROCESSING, "/processing", "Processing time", "", Variant(&[
        ("fixed", "Fixed", r#"{"ms":150}"#),
        ("uniform", "Uniform", r#"{"min_ms":50,"max_ms":250}"#),
        ("exponential", "Exponential", r#"{"mean_ms":150}"#),
    ]), "How long one processing attempt takes; default a fixed 50 ms."),
    f(PROCESSING, "/processing/fixed/ms", "Time", "ms", Number, "Every attempt takes this long, 0 to 3,600,000 ms."),
    f(PROCESSING, "/processing/uniform/min_ms", "Shortest", "ms", Number, "Shortest attempt, 0 to 3,600,000 ms."),
    f(PROCESSING, "/processing/uniform/max_ms", "Longest", "ms", Number, "Longest attempt, not less than the shortest, at most 3,600,000 ms."),
    f(PROCESSING, "/processing/exponential/mean_ms", "Mean time", "ms", Number, "Mean attempt time, above 0 and at most 3,600,000 ms."),
    only("queue", f(PROCESSING, "/concurrency", "Concurrency", "messages", Int, "Messages worked on at once, 1 to 1,000; default 1.")),
    only("queue", f(PROCESSING, "/prefetch", "Prefetch", "messages", Int, "This consumer's basic.qos, 1 to 10,000; empty uses the queue's prefetch.")),
    f(PROCESSING, "/effect", "Effect", "", Text, "The business side effect, e.g. charge card; consumers with the same effect share a ledger. Default the consumer's id."),
    f(PROCESSING, "/start_ms", "Start at", "ms", Int, "When the consumer subscribes or joins its group; default 0."),
    f(RETRIES, "/retry/policy", "Retry policy", "", Choice(&[("none", "No retries"), ("immediate", "Immediate"), ("fixed", "Fixed backoff"), ("exponential", "Exponential backoff")]), "How a failed attempt is retried; default no retries."),
    f(RETRIES, "/retry/base_ms", "Retry backoff", "ms", Number, "Wait before a retry (the first one, when exponential), 0 to 3,600,000 ms; default 100."),
    f(RETRIES, "/retry/cap_ms", "Backoff cap", "ms", Number, "Longest exponential wait, not below the retry backoff; default 10,000 ms."),
    f(RETRIES, "/retry/jitter", "Jitter", "", Choice(&[("none", "None"), ("full", "Full"), ("equal", "Equal"), ("decorrelated", "Decorrelated")]), "Randomises exponential waits so retries do not arrive together; default none."),
    f(RETRIES, "/retry/max_attempts", "Max attempts", "attempts", Int, "Processing attempts per delivery, the first included, 1 to 1,000; default 1 without a policy, else 3."),
    f(RETRIES, "/retry/then", "When attempts run out", "", Choice(&[("requeue", "Requeue"), ("dead_letter", "Dead-letter"), ("drop", "Drop"), ("block", "Keep retrying (block)")]), "What happens to a message that keeps failing; default requeue."),
    only("topic", f(GROUP, "/group", "Consumer group", "", Text, "Kafka's group.id; consumers with the same group share the partitions. Default the consumer's id.")),
    only("topic", f(GROUP, "/assignment", "Assignment strategy", "", Choice(&[("range", "Range"), ("roundrobin", "Round robin"), ("cooperative-sticky", "Cooperative sticky")]), "How partitions are shared out, the same for every member; default range.")),
    only("topic", f(GROUP, "/commit", "Offset commit", "", Choice(&[("auto", "Auto (on an interval)"), ("record", "After every record"), ("batch", "After each poll")]), "When processed offsets are committed; default auto.")),
    only("topic", f(GROUP, "/auto_commit_interval_ms", "Auto-commit interval", "ms", Int, "auto.commit.interval.ms, 1 to 86,400,000 ms, with auto commit only; default 5000.")),
    only("topic", f(GROUP, "/max_poll_records", "max.poll.records", "records", Int, "Most records one poll returns, 1 to 10,000; default 500.")),
    only("topic", f(GROUP, "/auto_offset_reset", "auto.offset.reset", "", Choice(&[("earliest", "Earliest"), ("latest", "Latest")]), "Where a group starts without a committed offset; default latest, as in Kafka.")),
    only("topic", f(GROUP, "/session_timeout_ms", "Session timeout", "ms", Int, "A member silent this long is dropped from the group, 1 to 86,400,000 ms; default 45,000.")),
    only("topic", f(GROUP, "/heartbeat_interval_ms", "Heartbeat interval", "ms", Int, "How often a member heartbeats, not above the session timeout; default 3000.")),
    only("topic", f(GROUP, "/max_poll_interval_ms", "max.poll.interval", "ms", Int, "A member still busy with one poll this long leaves the group, 1 to 86,400,000 ms; default 300,000.")),
    only("topic", f(GROUP, "/transactional", "Transactional", "", Bool, "Commit the effect and the offset in one transaction; not with at-most-once.")),
    only("topic", f(GROUP, "/isolation_level", "isolation.level", "", Choice(&[("read_uncommitted", "read_uncommitted"), ("read_committed", "read_committed")]), "read_committed reads only committed records and waits behind open transactions; default read_uncommitted.")),
    only("topic", f(DEAD, "/dead_letter", "Dead-letter target", "", NodeRef(&["dead_letter_queue", "topic"]), "Where records go when retries give up with dead-letter: another topic or a dead-letter queue.")),
    f(REQUESTS, "/requests", "Sends requests", "", Toggle(REQUEST_ON), "Request-reply: for each flow's event it handles, send a request down its wire and wait for the reply; off means it is not a requester."),
    f(REQUESTS, "/requests/on", "On event type", "", Text, "The event that makes it send a request, one per flow, e.g. OrderPlaced."),
    f(REQUESTS, "/requests/command", "Request", "", Text, "The request's event type, e.g. ChargeCard."),
    f(REQUESTS, "/requests/to", "Responder's queue", "", NodeRef(&["queue"]), "The queue the request must reach, through this consumer's wire."),
    f(REQUESTS, "/requests/reply", "Reply", "", Text, "The reply it waits for, e.g. CardCharged; the responder's rule must send it."),
    f(REQUESTS, "/requests/timeout_ms", "Reply timeout", "ms", Int, "How long it waits after each send, 1 ms to the run's duration; default 1000."),
    f(REQUESTS, "/requests/retries", "Request retries", "retries", Int, "Times the same request is sent again after a timeout before it gives up, 0 to 10; default 0."),
    f(REQUESTS, "/requests/reply_to", "Reply-to", "", Text, "Empty: replies come to the queue it reads. amq.rabbitmq.reply-to: direct reply-to, never acked, lost while it is down."),
    f(PROCESSING, "/schema_version", "Reads with schema version", "", Int, "Its reader schema: the version of its event types' schemas it reads with, 1 to 20. Empty: it reads each message with the schema it was written with."),
    only("projection", f("Projection", "/version_check", "Checks versions", "", Bool, "Skip an event whose version is not newer than the row's; off, an event that arrives late writes an older value over a newer one.")),
    f(FAILURES, "/faults/@crash", "Crash", "", Fault("crash", r#"{"probability":0.05,"point":"after_effect","recover_after_ms":1000}"#), "The consumer crashes now and then at a chosen point and comes back later."),
    f(FAILURES, "/faults/@crash/probability", "Crash probability", "", Number, "Chance of a crash per message, 0 to 1."),
    f(FAILURES, "/faults/@crash/point", "Crash point", "", Choice(&[("before_processing", "Before processing"), ("after_effect", "After the effect, before the ack"), ("after_publish", "After a service's publish"), ("after_ack", "After the ack")]), "When in handling a message the crash happens; after a service's publish needs publishes."),
    f(FAILURES, "/faults/@crash/recover_after_ms", "Recover after", "ms", Int, "Downtime after a crash, 0 to 86,400,000 ms; default 1000."),
    f(FAILURES, "/faults/@slow", "Slow down", "", Fault("slow", r#"{"factor":2}"#), "Processing takes longer than usual."),
    f(FAILURES, "/faults/@slow/factor", "Slow-down factor", "×", Number, "Processing times are multiplied by this, 0.001 to 10,000."),
    f(FAILURES, "/faults/@transient_errors", "Transient errors", "", Fault("transient_errors", r#"{"rate":0.2}"#), "Some attempts fail at random and are retried by the retry policy."),
    f(FAILURES, "/faults/@transient_errors/rate", "Error rate", "", Number, "Chance that one attempt fails, 0 to 1."),
    f(FAILURES, "/faults/@poison", "Poison messages", "", Fault("poison", r#"{"every_nth":10}"#), "Messages this consumer can never process: every attempt fails."),
    f(FAILURES, "/faults/@poison/every_nth", "Every Nth message", "", Int, "Every Nth message published is poison, 1 to 1,000,000; filling this clears the key."),
    f(FAILURES, "/faults/@poison/key", "Poison key", "", Text, "Messages with this key are poison; filling this clears every Nth."),
    f(FAILURES, "/faults/@poison/schema_version_above", "Schema versions above", "", Int, "Messages with a newer schema version than this are poison, 0 to 1,000; filling this clears the others."),
    only("queue", f(FAILURES, "/faults/@lose_acks", "Lose acks", "", Fault("lose_acks", r#"{"probability":0.1}"#), "Acks get lost, so deliveries stay unacked until the channel closes; pair with an ack timeout.")),
    only("queue", f(FAILURES, "/faults/@lose_acks/probability", "Ack loss probability", "", Number, "Chance that one ack is lost, 0 to 1.")),
    f(FAILURES, "/faults/@downstream_outage", "Downstream outage", "", Fault("downstream_outage", r#"{"at_ms":2000,"duration_ms":1000}"#), "The service the consumer calls is down for a while: every attempt in that window fails."),
    f(FAILURES, "/faults/@downstream_outage/at_ms", "Outage starts at", "ms", Int, "When the outage begins, 0 to 86,400,000 ms."),
    f(FAILURES, "/faults/@downstream_outage/duration_ms", "Outage lasts", "ms", Int, "How long the outage lasts, 1 to 86,400,000 ms."),
] steps "0" "1" "1" "2" "2" "3" "3" "4" "4" "5" "5" "6"; rules "0" "Rule 1", "1" "Rule 2", "2" "Rule 3", "3" "Rule 4");

static READ_MODEL: &[Field] = &[
    f(READERS, "/readers", "Has readers", "", Toggle(READERS_ON), "Writers look for what they just wrote: after a share of the writes, one read of that key a little later; off, nobody reads."),
    f(READERS, "/readers/share", "Share of writes read", "", Number, "The share of writes after which the writer reads its key, 0 to 1; default 1."),
    f(READERS, "/readers/after", "Read after", "", Variant(&[
        ("fixed", "Fixed", r#"{"ms":200}"#),
        ("uniform", "Uniform", r#"{"min_ms":0,"max_ms":1000}"#),
        ("exponential", "Exponential", r#"{"mean_ms":300}"#),
    ]), "How long after the write the read comes; default uniform, 0 to 1000 ms."),
    f(READERS, "/readers/after/fixed/ms", "Time", "ms", Number, "Every read comes this long after its write, 0 to 3,600,000 ms."),
    f(READERS, "/readers/after/uniform/min_ms", "Soonest", "ms", Number, "Soonest read after the write, 0 to 3,600,000 ms."),
    f(READERS, "/readers/after/uniform/max_ms", "Latest", "ms", Number, "Latest read after the write, not less than the soonest."),
    f(READERS, "/readers/after/exponential/mean_ms", "Mean time", "ms", Number, "Mean time from the write to the read, above 0 and at most 3,600,000 ms."),
    f(READERS, "/readers/read_your_writes", "Read-your-writes routing", "", Bool, "A read that finds the table behind the reader's own write goes to the write side instead."),
];

static WIRE: &[Field] = &[
    f("Routing", "/binding_key", "Binding key", "", Text, "What a direct or topic exchange matches the routing key against (order.* or order.#); only on wires from such an exchange."),
    f("Network", "/delay_ms", "Network delay", "ms", Number, "Delay on a publish path, 0 to 3,600,000 ms; default 0."),
    f("Network", "/jitter_ms", "Jitter", "ms", Number, "Extra random delay up to this much, which can reorder messages; default 0."),
];

/// Every field for a node kind as written in JSON, or "wire"; empty for an unknown kind.
pub fn fields_for(kind: &str) -> &'static [Field] {
    match kind {
        "producer" => PRODUCER,
        "exchange" => EXCHANGE,
        "queue" => QUEUE,
        "topic" => TOPIC,
        "consumer" => CONSUMER,
        "read_model" => READ_MODEL,
        "broker" => BROKER,
        "wire" => WIRE,
        _ => &[],
    }
}

/// The kind of a node object ("dlq" spelt out), or "wire" for an object without a kind.
pub fn kind_of(obj: &Value) -> &str {
    match obj.get("kind").and_then(Value::as_str) {
        None => "wire",
        Some("dlq") => "dead_letter_queue",
        Some(k) => k,
    }
}
