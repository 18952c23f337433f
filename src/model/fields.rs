//! The inspector's field catalogue: for every node kind and for a wire, every setting the
//! core reads (see docs/scenario-format.md), with the label, unit, input kind, help line and
//! section the inspector shows, plus `read`/`write` to get and set a setting on the node's (or
//! wire's) JSON object as text, `template` for a new node, and `field_for_problem` to put a
//! validator problem next to the field it is about. Type checks happen here; range and
//! combination checks are the core's (`broker::validate`), whose messages the app shows.

use serde_json::{json, Map, Value};

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
    pub label: &'static str,
    pub unit: &'static str,
    pub input: Input,
    /// One short sentence shown under the field.
    pub help: &'static str,
    /// Section heading in the inspector.
    pub section: &'static str,
    /// Which consumer sources the field applies to: "any", "queue" or "topic".
    pub applies: &'static str,
}

/// Where a problem belongs: the node or the wire with this index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Node(usize),
    Wire(usize),
}

const fn f(
    section: &'static str,
    path: &'static str,
    label: &'static str,
    unit: &'static str,
    input: Input,
    help: &'static str,
) -> Field {
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
const FAILURES: &str = "Failure modes";
const PROCESSING: &str = "Processing";
const DELIVERY: &str = "Delivery";
const RETRIES: &str = "Retries";
const GROUP: &str = "Consumer group";
const DEAD: &str = "Dead-lettering";

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
        "Schema version stamped on each message, 1 to 1,000; default 1.",
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
        CONFIRMS,
        "/publish",
        "Publisher confirms",
        "",
        Toggle(r#"{"timeout_ms":1000,"retries":3,"backoff_ms":100}"#),
        "Wait for the broker's confirm and publish again when it does not come; off means publish and forget.",
    ),
    f(
        CONFIRMS,
        "/publish/timeout_ms",
        "Confirm timeout",
        "ms",
        Int,
        "How long to wait for a confirm before publishing again, 1 to 3,600,000 ms; default 1000.",
    ),
    f(
        CONFIRMS,
        "/publish/retries",
        "Publish retries",
        "retries",
        Int,
        "How many times an unconfirmed publish is sent again, 0 to 100; default 0.",
    ),
    f(
        CONFIRMS,
        "/publish/backoff_ms",
        "Publish backoff",
        "ms",
        Int,
        "Wait before publishing again, 0 to 3,600,000 ms; default 0.",
    ),
    f(
        CONFIRMS,
        "/idempotent",
        "Idempotent producer",
        "",
        Bool,
        "Kafka's enable.idempotence: the topic drops retried duplicates; needs publisher confirms and a topic.",
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
];

static CONSUMER: &[Field] = &[
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
    only("topic", f(DEAD, "/dead_letter", "Dead-letter target", "", NodeRef(&["dead_letter_queue", "topic"]), "Where records go when retries give up with dead-letter: another topic or a dead-letter queue.")),
    f(FAILURES, "/faults/@crash", "Crash", "", Fault("crash", r#"{"probability":0.05,"point":"after_effect","recover_after_ms":1000}"#), "The consumer crashes now and then at a chosen point and comes back later."),
    f(FAILURES, "/faults/@crash/probability", "Crash probability", "", Number, "Chance of a crash per message, 0 to 1."),
    f(FAILURES, "/faults/@crash/point", "Crash point", "", Choice(&[("before_processing", "Before processing"), ("after_effect", "After the effect, before the ack"), ("after_ack", "After the ack")]), "When in handling a message the crash happens."),
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
        "wire" => WIRE,
        _ => &[],
    }
}

/// The kind of a node object ("dlq" spelt out), or "wire" for an object without a kind.
fn kind_of(obj: &Value) -> &str {
    match obj.get("kind").and_then(Value::as_str) {
        None => "wire",
        Some("dlq") => "dead_letter_queue",
        Some(k) => k,
    }
}

fn is_entry(e: &Value, name: &str) -> bool {
    e.as_object().is_some_and(|o| o.len() == 1 && o.contains_key(name))
}

/// The value at a field path; `null` counts as absent.
fn get<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = obj;
    for s in path.split('/').skip(1) {
        v = match s.strip_prefix('@') {
            Some(name) => v.as_array()?.iter().find(|e| is_entry(e, name))?.get(name)?,
            None => v.get(s)?,
        };
    }
    Some(v).filter(|v| !v.is_null())
}

/// The object at `head`, creating objects (and fault entries) on the way.
fn dig<'a>(mut v: &'a mut Value, head: &str) -> &'a mut Map<String, Value> {
    for s in head.split('/').skip(1) {
        v = match s.strip_prefix('@') {
            Some(name) => {
                if !v.is_array() {
                    *v = json!([]);
                }
                let arr = v.as_array_mut().unwrap();
                let i = match arr.iter().position(|e| is_entry(e, name)) {
                    Some(i) => i,
                    None => {
                        arr.push(json!({ name: {} }));
                        arr.len() - 1
                    }
                };
                &mut arr[i][name]
            }
            None => {
                if !v.is_object() {
                    *v = json!({});
                }
                v.as_object_mut().unwrap().entry(s).or_insert(Value::Null)
            }
        };
    }
    if !v.is_object() {
        *v = json!({});
    }
    v.as_object_mut().unwrap()
}

/// The field that switches `f` on (a Variant, Fault or Toggle whose path is a prefix of f's).
fn gate(obj: &Value, f: &Field) -> Option<&'static Field> {
    fields_for(kind_of(obj)).iter().find(|g| {
        matches!(g.input, Variant(_) | Fault(..) | Toggle(_))
            && f.path.len() > g.path.len()
            && f.path.starts_with(g.path)
            && f.path.as_bytes()[g.path.len()] == b'/'
    })
}

/// Whether the field is shown for this object: a parameter of a variant, fault or optional
/// settings object only while that variant is chosen or that fault or object is on.
pub fn visible(obj: &Value, f: &Field) -> bool {
    gate(obj, f).is_none() || get(obj, &f.path[..f.path.rfind('/').unwrap_or(0)]).is_some()
}

fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Some(x) => format!("{x}"),
        None => String::new(),
    }
}

/// A number as people type it: "1.5", ".5", "2.", "+3", "1e3". Read by serde_json (after
/// tidying the forms JSON does not allow), which the app has anyway; Rust's own float parser
/// would add its tables to the wasm.
pub fn parse_number(t: &str) -> Option<f64> {
    let t = t.strip_prefix('+').unwrap_or(t);
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t),
    };
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let mut s = format!("{sign}{}{body}", if body.starts_with('.') { "0" } else { "" });
    if s.ends_with('.') {
        s.push('0');
    }
    serde_json::from_str::<f64>(&s).ok()
}

/// A JSON value as compact text, for showing it in a field. Written here rather than with
/// serde_json's serializer, which would bring a second float formatter into the wasm.
pub fn json_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_text(n),
        Value::String(s) => format!("{s:?}"),
        Value::Array(a) => format!("[{}]", a.iter().map(json_text).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            format!("{{{}}}", m.iter().map(|(k, v)| format!("{k:?}: {}", json_text(v))).collect::<Vec<_>>().join(", "))
        }
    }
}

/// The field's current value as text for an input ("" when absent).
pub fn read(obj: &Value, f: &Field) -> String {
    let v = get(obj, f.path);
    match (&f.input, v) {
        (Bool | Fault(..) | Toggle(_), v) => {
            let on = if matches!(f.input, Bool) { v.and_then(Value::as_bool).unwrap_or(false) } else { v.is_some() };
            on.to_string()
        }
        (_, None) => String::new(),
        (Variant(_), Some(Value::Object(m))) => m.keys().next().cloned().unwrap_or_default(),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(Value::Number(n))) => number_text(n),
        (_, Some(Value::Array(a))) => {
            a.iter().map(|x| x.as_str().map_or_else(|| json_text(x), str::to_string)).collect::<Vec<_>>().join(", ")
        }
        (_, Some(other)) => json_text(other),
    }
}

fn choose(options: impl Iterator<Item = &'static str>, text: &str) -> Result<(), String> {
    let all: Vec<&str> = options.collect();
    if all.contains(&text) {
        Ok(())
    } else {
        Err(format!("Choose one of: {}", all.join(", ")))
    }
}

fn on_off(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        _ => Err("Enter true or false".into()),
    }
}

/// Parse `text` as the field's input type and write it into `obj`; empty text removes an
/// optional setting so the core's default applies. On a type error `obj` is left unchanged.
pub fn write(obj: &mut Value, f: &Field, text: &str) -> Result<(), String> {
    let t = text.trim();
    let ms = f.unit == "ms";
    // The new value, or None to remove the setting.
    let value: Option<Value> = match &f.input {
        _ if t.is_empty() && !matches!(f.input, Fault(..) | Toggle(_)) => None,
        Int => Some(t.parse::<i64>().map(Value::from).map_err(|_| {
            if ms { "Enter a whole number of milliseconds, e.g. 1000" } else { "Enter a whole number, e.g. 10" }
                .to_string()
        })?),
        Number => {
            let x = parse_number(t).filter(|x| x.is_finite()).ok_or_else(|| {
                if ms { "Enter a number of milliseconds, e.g. 150" } else { "Enter a number, e.g. 0.5" }.to_string()
            })?;
            Some(if x.fract() == 0.0 && x.abs() < 1e15 { Value::from(x as i64) } else { Value::from(x) })
        }
        Bool => Some(Value::Bool(on_off(t)?)),
        Text | NodeRef(_) => Some(Value::from(text)),
        Choice(opts) => {
            choose(opts.iter().map(|o| o.0), t)?;
            Some(Value::from(t))
        }
        List { range } => {
            let names: Vec<&str> = t.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            Some(if t.contains(',') || (*range && !t.contains("..")) { json!(names) } else { Value::from(t) })
        }
        Variant(opts) => {
            choose(opts.iter().map(|o| o.0), t)?;
            if get(obj, f.path).and_then(Value::as_object).is_some_and(|m| m.len() == 1 && m.contains_key(t)) {
                return Ok(());
            }
            let params = opts.iter().find(|o| o.0 == t).map_or("{}", |o| o.2);
            Some(json!({ t: serde_json::from_str::<Value>(params).unwrap_or_default() }))
        }
        Fault(name, params) => {
            let on = on_off(t)?;
            if on == get(obj, f.path).is_some() {
                return Ok(());
            }
            let root = dig(obj, "");
            let faults = root.entry("faults").or_insert(json!([]));
            if !faults.is_array() {
                *faults = json!([]);
            }
            let list = faults.as_array_mut().unwrap();
            if on {
                list.push(json!({ *name: serde_json::from_str::<Value>(params).unwrap_or_default() }));
            } else {
                list.retain(|e| !is_entry(e, name));
            }
            if list.is_empty() {
                root.remove("faults");
            }
            return Ok(());
        }
        Toggle(params) => {
            let on = on_off(t)?;
            if on == get(obj, f.path).is_some() {
                return Ok(());
            }
            on.then(|| serde_json::from_str(params).unwrap_or_default())
        }
    };
    let (head, last) = f.path.rsplit_once('/').unwrap_or(("", f.path));
    if value.is_none() && get(obj, head).is_none() {
        return Ok(());
    }
    // A short wire ["from", "to"] becomes an object before it takes settings.
    if let Some([from, to]) = obj.as_array().map(Vec::as_slice) {
        *obj = json!({ "from": from, "to": to });
    }
    let map = dig(obj, head);
    match value {
        Some(v) => {
            // A poison fault names exactly one kind of poison: filling one clears the others.
            if head == "/faults/@poison" {
                map.clear();
            }
            map.insert(last.to_string(), v);
        }
        None => {
            map.remove(last);
        }
    }
    Ok(())
}

/// A new node of `kind` with id `id`, with teaching defaults that are valid once wired.
pub fn template(kind: &str, id: &str) -> Value {
    match kind {
        "producer" => json!({
            "id": id, "kind": kind, "arrivals": {"fixed": {"interval_ms": 200}}, "count": 20,
            "event_type": "OrderPlaced", "keys": "order-1..order-5"
        }),
        "exchange" => json!({"id": id, "kind": kind, "type": "fanout"}),
        "queue" => json!({"id": id, "kind": kind, "prefetch": 1}),
        "topic" => json!({"id": id, "kind": kind, "partitions": 3}),
        "consumer" => json!({
            "id": id, "kind": kind, "semantics": "at-least-once",
            "processing": {"fixed": {"ms": 150}}, "effect": "charge card"
        }),
        _ => json!({"id": id, "kind": kind}),
    }
}

/// Maps a core problem path ("nodes[2].retry.base_ms", "nodes[1].faults[0].poison.every_nth",
/// "wires[3].binding_key") to the node or wire and the field it is about; None when no field
/// matches. A path below a field (e.g. "nodes[0].arrivals.burst") maps to that field.
pub fn field_for_problem(scenario: &Value, path: &str) -> Option<(Target, &'static Field)> {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let (list, index) = head.strip_suffix(']')?.split_once('[')?;
    let i: usize = index.parse().ok()?;
    let obj = scenario.get(list)?.get(i)?;
    let (target, kind) = match list {
        "nodes" => (Target::Node(i), kind_of(obj)),
        "wires" => (Target::Wire(i), "wire"),
        _ => return None,
    };
    let mut ptr = String::new();
    let mut segs = rest.split('.').filter(|s| !s.is_empty());
    while let Some(seg) = segs.next() {
        ptr.push('/');
        match seg.strip_suffix(']').and_then(|s| s.split_once('[')) {
            // "faults[1].poison" is "/faults/@poison": `@name` already steps into the key.
            Some((name, j)) => {
                let entry = obj.get(name)?.get(j.parse::<usize>().ok()?)?.as_object()?;
                ptr.push_str(name);
                ptr.push_str("/@");
                ptr.push_str(entry.keys().next()?);
                segs.next();
            }
            None => ptr.push_str(seg),
        }
    }
    let fields = fields_for(kind);
    let mut p = ptr.as_str();
    while !p.is_empty() {
        if let Some(f) = fields.iter().find(|f| f.path == p) {
            return Some((target, f));
        }
        p = &p[..p.rfind('/')?];
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_read_as_people_type_them() {
        for (t, v) in [
            ("1.5", Some(1.5)),
            (".5", Some(0.5)),
            ("2.", Some(2.0)),
            ("+3", Some(3.0)),
            ("-0.25", Some(-0.25)),
            ("1e3", Some(1000.0)),
            ("1e12", Some(1e12)),
        ] {
            assert_eq!(super::parse_number(t), v, "{t}");
        }
        for t in ["", "-", "abc", "1,5", "NaN", "inf", "1.2.3", "--1", "0x10"] {
            assert_eq!(super::parse_number(t), None, "{t}");
        }
    }

    use super::*;

    /// A small valid scenario: `shape` is "queue" (p→q→c, plus a dlq d), "topic" (p→t→c, plus
    /// d) or "exchange" (p→x→q→c).
    fn scenario(shape: &str) -> Value {
        let (mid, wires) = match shape {
            "exchange" => {
                (vec![template("exchange", "x"), template("queue", "q")], json!([["p", "x"], ["x", "q"], ["q", "c"]]))
            }
            "topic" => (vec![template("topic", "t")], json!([["p", "t"], ["t", "c"]])),
            _ => (vec![template("queue", "q")], json!([["p", "q"], ["q", "c"]])),
        };
        let mut nodes = vec![template("producer", "p")];
        nodes.extend(mid);
        nodes.push(template("consumer", "c"));
        if shape != "exchange" {
            nodes.push(template("dead_letter_queue", "d"));
        }
        json!({"version": 1, "duration_ms": 10000, "nodes": nodes, "wires": wires})
    }

    fn problems(s: &Value) -> Vec<broker::Problem> {
        match broker::Scenario::from_value(s.clone()) {
            Err(p) => p,
            Ok(sc) => broker::validate(&sc).err().unwrap_or_default(),
        }
    }

    fn field(kind: &str, path: &str) -> &'static Field {
        fields_for(kind).iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no field {kind} {path}"))
    }

    fn node_index(s: &Value, id: &str) -> usize {
        s["nodes"].as_array().unwrap().iter().position(|n| n["id"] == id).unwrap()
    }

    /// Writes into node `id` (or wire `w` when `id` is "wire:N"), first writing what the
    /// setting needs: its gate (variant, fault, confirms) and any companion setting.
    fn apply(s: &mut Value, id: &str, f: &'static Field, text: &str) {
        let wire = id.strip_prefix("wire:").map(|w| w.parse::<usize>().unwrap());
        let obj = match wire {
            Some(w) => s["wires"][w].clone(),
            None => s["nodes"][node_index(s, id)].clone(),
        };
        let kind = kind_of(&obj).to_string();
        if let Some(g) = gate(&obj, f) {
            let on = match g.input {
                Variant(_) => f.path[g.path.len() + 1..].split('/').next().unwrap(),
                _ => "true",
            };
            apply(s, id, g, on);
        }
        let topic_consumer = kind == "consumer" && s["wires"].to_string().contains(r#"["t","c"]"#);
        match (kind.as_str(), f.path, text) {
            ("producer", "/idempotent", "true")
            | ("producer", "/faults/@publish_lost", "true")
            | ("producer", "/faults/@confirm_lost", "true") => apply(s, id, field("producer", "/publish"), "true"),
            ("producer", "/faults/@crash", "true") => apply(s, id, field("producer", "/write"), "true"),
            ("queue", "/delivery_limit", _) => apply(s, id, field("queue", "/queue_type"), "quorum"),
            ("consumer", "/retry/max_attempts", _) => apply(s, id, field("consumer", "/retry/policy"), "fixed"),
            ("consumer", "/retry/then", "dead_letter") if topic_consumer => {
                apply(s, id, field("consumer", "/dead_letter"), "d")
            }
            ("exchange", "/type", "direct" | "topic") => {
                write(&mut s["wires"][1], field("wire", "/binding_key"), "order.paid").unwrap()
            }
            ("wire", "/binding_key", _) => write(&mut s["nodes"][1], field("exchange", "/type"), "direct").unwrap(),
            _ => {}
        }
        let obj = match wire {
            Some(w) => &mut s["wires"][w],
            None => {
                let i = node_index(s, id);
                &mut s["nodes"][i]
            }
        };
        write(obj, f, text).unwrap_or_else(|e| panic!("{kind} {} {text:?}: {e}", f.path));
    }

    /// Typical valid texts for a field, already in the form `read` gives back.
    fn samples(s: &Value, self_id: &str, f: &Field) -> Vec<String> {
        let one = |t: &str| vec![t.to_string()];
        match &f.input {
            Int => one("3"),
            Number => match f.path {
                "/processing/uniform/max_ms" | "/retry/cap_ms" => one("5000"),
                _ => one("0.5"),
            },
            Text => one("order-3"),
            Bool => vec!["true".into(), "false".into()],
            Choice(opts) => opts.iter().map(|o| o.0.to_string()).collect(),
            Variant(opts) => opts.iter().map(|o| o.0.to_string()).collect(),
            Fault(..) | Toggle(_) => one("true"),
            List { range: true } => vec!["order-1..order-9".into(), "eu".into(), "eu, us, apac".into()],
            List { range: false } => vec!["OrderPlaced".into(), "OrderPlaced, OrderPaid".into()],
            NodeRef(kinds) => {
                let nodes = s["nodes"].as_array().unwrap();
                let pick = kinds.iter().find_map(|k| nodes.iter().find(|n| n["kind"] == *k && n["id"] != self_id));
                one(pick.expect("a node to refer to")["id"].as_str().unwrap())
            }
        }
    }

    /// (shape, node id or wire, kind, which consumer sources).
    const CASES: &[(&str, &str, &str, &[&str])] = &[
        ("topic", "p", "producer", &["any"]),
        ("exchange", "x", "exchange", &["any"]),
        ("queue", "q", "queue", &["any"]),
        ("topic", "t", "topic", &["any"]),
        ("queue", "c", "consumer", &["any", "queue"]),
        ("topic", "c", "consumer", &["any", "topic"]),
        ("queue", "d", "dead_letter_queue", &["any"]),
        ("exchange", "wire:1", "wire", &["any"]),
    ];

    #[test]
    fn every_field_writes_a_setting_the_core_accepts() {
        let mut checked = 0;
        for (shape, id, kind, applies) in CASES {
            let base = scenario(shape);
            assert!(problems(&base).is_empty(), "{shape}: {:?}", problems(&base));
            for f in fields_for(kind).iter().filter(|f| applies.contains(&f.applies)) {
                for text in samples(&base, id, f) {
                    let mut s = base.clone();
                    apply(&mut s, id, f, &text);
                    let obj = match id.strip_prefix("wire:") {
                        Some(w) => &s["wires"][w.parse::<usize>().unwrap()],
                        None => &s["nodes"][node_index(&s, id)],
                    };
                    assert_eq!(read(obj, f), text, "{kind} {} read back", f.path);
                    assert!(visible(obj, f), "{kind} {} hidden after writing it", f.path);
                    let p = problems(&s);
                    assert!(p.is_empty(), "{kind} {} = {text:?} refused: {p:?}\n{s}", f.path);
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} settings checked");
    }

    #[test]
    fn catalogue_covers_the_format_and_labels_are_unique_per_section() {
        let count = |k| fields_for(k).len();
        assert_eq!((count("exchange"), count("queue"), count("topic"), count("wire")), (1, 8, 3, 3));
        assert!(fields_for("dead_letter_queue").is_empty() && fields_for("nonsense").is_empty());
        for kind in ["producer", "exchange", "queue", "topic", "consumer", "wire"] {
            for (i, a) in fields_for(kind).iter().enumerate() {
                assert!(a.path.starts_with('/') && !a.help.is_empty() && a.help.ends_with('.'), "{kind} {}", a.path);
                assert!(["any", "queue", "topic"].contains(&a.applies));
                for b in &fields_for(kind)[i + 1..] {
                    assert!(a.path != b.path, "{kind}: {} twice", a.path);
                    assert!(a.label != b.label || a.section != b.section, "{kind}: label {} twice", a.label);
                }
            }
        }
        for (kind, path, label) in [
            ("queue", "/prefetch", "Prefetch"),
            ("queue", "/delivery_limit", "Delivery limit"),
            ("consumer", "/retry/base_ms", "Retry backoff"),
            ("consumer", "/processing", "Processing time"),
            ("consumer", "/faults/@poison", "Poison messages"),
            ("consumer", "/faults/@lose_acks", "Lose acks"),
            ("producer", "/faults/@confirm_lost", "Lose confirms"),
        ] {
            assert_eq!(field(kind, path).label, label);
        }
        assert_eq!(field("consumer", "/prefetch").applies, "queue");
        assert_eq!(field("consumer", "/max_poll_records").applies, "topic");
    }

    #[test]
    fn bad_text_is_refused_and_leaves_the_object_alone() {
        let mut q = template("queue", "q");
        let before = q.clone();
        assert_eq!(write(&mut q, field("queue", "/prefetch"), "abc"), Err("Enter a whole number, e.g. 10".into()));
        assert!(write(&mut q, field("queue", "/prefetch"), "2.5").is_err());
        assert!(write(&mut q, field("queue", "/ttl_ms"), "soon").unwrap_err().contains("milliseconds"));
        assert!(write(&mut q, field("queue", "/overflow"), "drop_head").unwrap_err().contains("drop-head"));
        let mut c = template("consumer", "c");
        let c0 = c.clone();
        assert!(write(&mut c, field("consumer", "/processing/fixed/ms"), "fast").unwrap_err().contains("milliseconds"));
        assert!(write(&mut c, field("consumer", "/processing"), "gaussian").is_err());
        assert!(write(&mut c, field("consumer", "/faults/@poison"), "yes").is_err());
        assert!(write(&mut c, field("consumer", "/faults/@slow/factor"), "NaN").is_err());
        assert_eq!((q, c), (before, c0));
    }

    #[test]
    fn empty_text_removes_an_optional_setting() {
        let mut q = template("queue", "q");
        write(&mut q, field("queue", "/ttl_ms"), "500").unwrap();
        assert_eq!(q["ttl_ms"], 500);
        write(&mut q, field("queue", "/ttl_ms"), "").unwrap();
        write(&mut q, field("queue", "/prefetch"), " ").unwrap();
        assert_eq!(q, json!({"id": "q", "kind": "queue"}));
        assert_eq!(read(&q, field("queue", "/ttl_ms")), "");
        // Removing from an absent object creates nothing.
        let mut c = template("consumer", "c");
        write(&mut c, field("consumer", "/retry/cap_ms"), "").unwrap();
        assert!(c.get("retry").is_none());
        write(&mut c, field("consumer", "/retry/cap_ms"), "2000").unwrap();
        assert_eq!(c["retry"], json!({"cap_ms": 2000}));
    }

    #[test]
    fn values_are_normalised() {
        let mut p = template("producer", "p");
        write(&mut p, field("producer", "/arrivals/fixed/interval_ms"), "250.0").unwrap();
        assert_eq!(p["arrivals"]["fixed"]["interval_ms"], json!(250));
        assert_eq!(
            read(
                &json!({"arrivals": {"fixed": {"interval_ms": 250.0}}}),
                field("producer", "/arrivals/fixed/interval_ms")
            ),
            "250"
        );
        write(&mut p, field("producer", "/event_type"), " A ,B,, C ").unwrap();
        assert_eq!(p["event_type"], json!(["A", "B", "C"]));
        assert_eq!(read(&p, field("producer", "/event_type")), "A, B, C");
        write(&mut p, field("producer", "/keys"), "k1..9").unwrap();
        assert_eq!(p["keys"], json!("k1..9"));
        write(&mut p, field("producer", "/keys"), "eu").unwrap();
        assert_eq!(p["keys"], json!(["eu"]));
        assert_eq!(read(&p, field("producer", "/idempotent")), "false");
        assert_eq!(read(&p, field("producer", "/arrivals")), "fixed");
        // A short wire becomes an object when it takes a setting.
        let mut w = json!(["p", "q"]);
        assert_eq!(read(&w, field("wire", "/delay_ms")), "");
        write(&mut w, field("wire", "/delay_ms"), "5").unwrap();
        assert_eq!(w, json!({"from": "p", "to": "q", "delay_ms": 5}));
    }

    #[test]
    fn variants_faults_and_toggles_switch_their_parameters() {
        let mut p = template("producer", "p");
        let rate = field("producer", "/arrivals/poisson/rate_per_s");
        assert!(!visible(&p, rate) && visible(&p, field("producer", "/arrivals/fixed/interval_ms")));
        write(&mut p, field("producer", "/arrivals"), "poisson").unwrap();
        assert_eq!(p["arrivals"], json!({"poisson": {"rate_per_s": 5}}));
        assert!(visible(&p, rate) && visible(&p, field("producer", "/count")));
        write(&mut p, rate, "8").unwrap();
        write(&mut p, field("producer", "/arrivals"), "poisson").unwrap();
        assert_eq!(read(&p, rate), "8", "choosing the chosen variant again keeps its parameters");
        let timeout = field("producer", "/publish/timeout_ms");
        assert!(!visible(&p, timeout));
        write(&mut p, field("producer", "/publish"), "true").unwrap();
        assert!(visible(&p, timeout) && read(&p, timeout) == "1000");
        write(&mut p, field("producer", "/publish"), "false").unwrap();
        assert!(p.get("publish").is_none());

        let mut c = template("consumer", "c");
        let poison = field("consumer", "/faults/@poison");
        let nth = field("consumer", "/faults/@poison/every_nth");
        assert_eq!((read(&c, poison).as_str(), visible(&c, nth)), ("false", false));
        write(&mut c, field("consumer", "/faults/@slow"), "true").unwrap();
        write(&mut c, poison, "true").unwrap();
        write(&mut c, poison, "true").unwrap();
        assert_eq!(c["faults"], json!([{"slow": {"factor": 2}}, {"poison": {"every_nth": 10}}]));
        assert!(visible(&c, nth) && read(&c, nth) == "10");
        write(&mut c, field("consumer", "/faults/@poison/key"), "order-7").unwrap();
        assert_eq!(c["faults"][1], json!({"poison": {"key": "order-7"}}));
        assert_eq!(read(&c, nth), "");
        write(&mut c, poison, "false").unwrap();
        write(&mut c, field("consumer", "/faults/@slow"), "").unwrap();
        assert!(c.get("faults").is_none());
    }

    #[test]
    fn a_negative_prefetch_is_reported_at_the_prefetch_field() {
        let mut s = scenario("queue");
        let prefetch = field("queue", "/prefetch");
        write(&mut s["nodes"][1], prefetch, "-2").unwrap();
        let p = problems(&s);
        assert!(!p.is_empty());
        for problem in &p {
            let (target, f) = field_for_problem(&s, &problem.path).expect("a field for the problem");
            assert_eq!(target, Target::Node(1));
            assert!(std::ptr::eq(f, prefetch), "{} mapped to {}", problem.path, f.path);
        }
    }

    #[test]
    fn problem_paths_map_to_fields() {
        let mut s = scenario("exchange");
        let c = node_index(&s, "c");
        s["nodes"][c]["faults"] = json!([{"slow": {"factor": 2}}, {"poison": {"every_nth": 0}}]);
        s["nodes"][0]["arrivals"] = json!({"burst": {"size": 10000, "every_ms": 1}});
        s["wires"][1] = json!({"from": "x", "to": "q", "binding_key": "k"});
        let at = |path: &str| field_for_problem(&s, path).map(|(t, f)| (t, f.path));
        assert_eq!(
            at(&format!("nodes[{c}].faults[1].poison.every_nth")),
            Some((Target::Node(c), "/faults/@poison/every_nth"))
        );
        assert_eq!(at(&format!("nodes[{c}].faults[0]")), Some((Target::Node(c), "/faults/@slow")));
        assert_eq!(at(&format!("nodes[{c}].retry.base_ms")), Some((Target::Node(c), "/retry/base_ms")));
        assert_eq!(at("nodes[0].arrivals.burst"), Some((Target::Node(0), "/arrivals")));
        assert_eq!(at("wires[1].binding_key"), Some((Target::Wire(1), "/binding_key")));
        for unmapped in
            ["wires[1].to", "wires[9].binding_key", "nodes[0].faults", "nodes[0].nonsense", "duration_ms", ""]
        {
            assert_eq!(at(unmapped), None, "{unmapped}");
        }
        // What the core itself reports for these settings maps back too.
        let reported = problems(&s);
        assert!(reported.len() >= 3, "{reported:?}");
        for problem in reported {
            assert!(field_for_problem(&s, &problem.path).is_some(), "{problem}");
        }
    }

    #[test]
    fn templates_are_valid_once_wired() {
        for shape in ["queue", "topic", "exchange"] {
            assert!(problems(&scenario(shape)).is_empty(), "{shape}");
        }
        let p = template("producer", "checkout");
        assert_eq!((p["count"].as_i64(), p["keys"].as_str()), (Some(20), Some("order-1..order-5")));
        assert_eq!(template("dead_letter_queue", "d"), json!({"id": "d", "kind": "dead_letter_queue"}));
    }
}
