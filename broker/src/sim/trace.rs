//! The trace: an append-only record of everything that happened, in order. The command line
//! prints it, the golden tests compare it, the app animates it and follows each message
//! through it, and its hash pins a run down to the last microsecond. (The outcome is read
//! from the simulation's state, not from the trace.)
//!
//! Each entry has a time, a sequence number, the node where it happened, the message and the
//! envelope (copy) it is about, and an [`Event`]. The hash is FNV-1a over a fixed little-endian
//! encoding of each entry, so it is the same on every target.
//!
//! # Adding an event
//!
//! Every event is one row of the table below (`event_table!`, in `event_table.rs`), which
//! makes the `Event` variant, its name, its hash code, its hash payload and its JSON. To add
//! one, add a row, with
//!
//! - a doc comment: what happened, and which node it is recorded at;
//! - the next unused code (codes are in the hash: never renumber or reuse one);
//! - the variant's name, which is also its name in the JSON trace;
//! - its fields, each `field: Type => how`, where `how` is a method of `Json` saying how the
//!   field is written: `num` (a number or flag), `node` (a node's name), `group` (a consumer
//!   group's name), `name` (a reason's stable name), `micros` (a time), `thousandths`; add a
//!   string after it to write the field under another JSON key (`=> name "reason"`);
//! - with more than three fields, `hash [..]` with three words, packing two small fields into
//!   one with `pair(a, b)`;
//! - `then method` for JSON beyond the fields (as `Published` writes the message's key).
//!
//! A new field type needs a `Word` implementation (its number in the hash) and, if none of the
//! `Json` methods fits it, a new one. Then emit the event where it happens, and teach the app
//! (`src/play/words.rs`) to say it in words.

use std::hash::Hasher;

use fnv::FnvHasher;

use crate::sim::trace_hash::Fnv1a;
use serde_json::{Map, Value};

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::SimTime;
use crate::sim::death::DeathReason;

/// One trace entry: 40 bytes. A recorded run keeps millions of them, and writing them to fresh
/// memory was a third of a run's time, so the sequence number is 32 bits (a run stops long
/// before 4 billion events: see `DEFAULT_EVENT_BUDGET` and `WORK_BUDGET`) and the message and
/// copy are stored as their numbers with `u32::MAX` for none; [`Entry::msg`] and
/// [`Entry::env`] read them.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub t: SimTime,
    pub seq: u32,
    pub node: NodeId,
    msg: u32,
    env: u32,
    pub event: Event,
}

event_table! {
    /// What happened, in the field's own words (published, delivered, acked, dead-lettered,
    /// ...), plus a few the model needs. Offsets are `u32` here (a run stops long before 4 billion events) to keep an entry small; the hash
    /// widens them to 64 bits like every other field.
    #[derive(Clone, Debug, PartialEq)]
    Event {
        // code, variant, { field: type => how it is written in the JSON ["under another key"] }
        //   [hash [the three words, when the fields do not go in one each]] [then more JSON]

        /// A producer sent a message (attempt > 1 is a publish retry). Node: the producer.
        1 Published { attempt: u32 => num } then key_and_type;
        /// The publish did not get through. Node: the producer.
        2 PublishFailed { attempt: u32 => num, reason: PublishFailure => name };
        /// The broker stored the message but the producer never heard back. Node: the producer.
        3 ConfirmLost;
        /// Stored in a queue at `position` (0 is the head). Node: the queue.
        4 Enqueued { position: u32 => num };
        /// Handed to a consumer. Node: the queue.
        5 Delivered { consumer: NodeId => node, delivery_count: u32 => num, redelivered: bool => num };
        /// The consumer started attempt `attempt` on this delivery. Node: the consumer.
        6 ProcessingStarted { attempt: u32 => num };
        7 ProcessingFailed { attempt: u32 => num, reason: FailReason => name };
        /// The consumer will try again (attempt `attempt`) after `delay`. Node: the consumer.
        8 RetryScheduled { attempt: u32 => num, delay_us: u64 => num };
        /// The business side effect happened; `count` is how many times it has for this message.
        9 EffectApplied { count: u32 => num };
        /// The idempotency table already had this message: the effect was skipped.
        10 DuplicateSuppressed;
        11 Acked;
        /// The consumer acked but the ack never reached the broker.
        12 AckLost;
        /// The consumer acked on a channel that had been closed: the broker had requeued it.
        13 AckFailed;
        14 Nacked { requeue: bool => num };
        /// Back in the queue at `position`. Node: the queue.
        15 Requeued { position: u32 => num, reason: RequeueReason => name, delivery_count: u32 => num };
        /// Node: the queue it died in.
        16 DeadLettered { reason: DeathReason => name, target: NodeId => node, count: u32 => num };
        /// Node: where it was dropped.
        17 Dropped { reason: DropReason => name };
        /// Its TTL ran out in the queue. Node: the queue.
        18 Expired;
        /// Node: where it was lost.
        19 Lost { reason: LossReason => name };
        /// Node: the consumer.
        20 Crashed { cause: CrashCause => name "reason" };
        21 Recovered;
        /// The delivery was not acked within the queue's ack timeout. Node: the consumer.
        22 AckTimedOut;
        /// The broker closed the consumer's channel; its unacked messages were requeued.
        23 ChannelClosed { requeued: u32 => num };
        24 OutageStarted { until: SimTime => micros "until_us" };
        25 OutageEnded;
        /// Moved from a dead-letter queue back to `to`. Node: the dead-letter queue.
        26 Redriven { to: NodeId => node };
        /// Processing now takes `factor_milli / 1000` times as long. Node: the consumer.
        27 SlowedDown { factor_milli: u32 => thousandths "factor" };
        /// The run stopped early: it reached its limit on events, messages, copies or work.
        28 Halted { events: u64 => num };
        /// Written to a topic's partition at `offset`. Node: the topic.
        29 Appended { partition: u32 => num, offset: u32 => num };
        /// A consumer polled this record. Node: the consumer.
        30 Fetched { topic: NodeId => node, partition: u32 => num, offset: u32 => num, redelivered: bool => num }
            hash [pair(topic, partition), offset, redelivered];
        /// The group's committed offset for the partition is now `offset` (the next record to
        /// read). Node: the consumer that committed.
        31 Committed { group: u16 => group, topic: NodeId => node, partition: u32 => num, offset: u32 => num }
            hash [pair(group, topic), partition, offset];
        /// An offset commit was refused: the group has rebalanced since this member fetched the
        /// record. Node: the consumer.
        32 CommitFailed { topic: NodeId => node, partition: u32 => num, offset: u32 => num };
        /// A consumer group has a new generation and assignment. Node: the group's first topic.
        33 Rebalanced(r: Box<Rebalance> => rebalance)
            hash [r.group, r.generation, r.fingerprint()];
        /// Node: the consumer.
        34 JoinedGroup { group: u16 => group };
        /// Node: the consumer.
        35 LeftGroup { group: u16 => group, reason: LeaveReason => name };
        /// A group's position on a partition moved without processing. Node: the topic.
        36 OffsetsReset {
            group: u16 => group, topic: NodeId => node, partition: u32 => num, offset: u32 => num,
            cause: ResetCause => name "reason",
        }
            hash [pair(group, topic), pair(partition, cause), offset];
        /// Retention deleted the record. Node: the topic.
        37 Deleted { partition: u32 => num, offset: u32 => num };
        /// The idempotent producer's sequence number showed this publish is a retry of a record
        /// already written: the broker acknowledged it without writing it again. Node: the topic.
        38 PublishDeduplicated { partition: u32 => num, sequence: u32 => num };
        /// The producer's business write (with an outbox, together with its outbox row).
        /// Node: the producer.
        39 Written { outbox: bool => num };
        /// The business write was rolled back after the event was published. Node: the producer.
        40 WriteRolledBack;
        /// A transactional commit was fenced (the group rebalanced): the effect and the offset
        /// were both rolled back. Node: the consumer.
        41 TransactionAborted;
        /// A service published this message because it handled the message `cause` (or gave
        /// up on it), before the message's first publish attempt. Node: the service.
        42 Caused { cause: MsgId => message "caused_by", gave_up: bool => num };
        /// An orchestrator started a saga for this message, with `steps` steps to run.
        /// Node: the orchestrator.
        43 SagaStarted { steps: u32 => num };
        /// No reply to this command (step `step`, send `attempt`) came within the step's
        /// timeout. Node: the orchestrator.
        44 SagaTimedOut { step: u32 => num, attempt: u32 => num, compensating: bool => num };
        /// The saga of this message's flow ended. Node: the orchestrator.
        45 SagaEnded { state: SagaEnd => name };
        /// The orchestrator was not waiting for this message: a late reply (to a step it had
        /// given up on), or a duplicate. Node: the orchestrator.
        46 ReplyIgnored { late: bool => num };
        /// A projection handled this event and wrote it into its read model's table, as
        /// version `version` of its key, or skipped it (`write`). Node: the read model.
        47 Projected { version: u32 => num, write: ProjectionWrite => name };
        /// A reader looked up this message's key in the read model, after the message's
        /// write; `behind_us` is how long the row had been behind the write side (0 when the
        /// read found the latest version). Node: the read model.
        48 ViewRead { result: ReadResult => name, behind_us: u64 => num };
        /// The read model's table was emptied for a rebuild by replay. Node: the read model.
        49 Rebuilt;
        /// The consumer's reader schema (version `reader`) cannot read this message, written
        /// with version `writer`: the attempt fails as `schema_incompatible`. Node: the
        /// consumer.
        50 Unreadable { writer: u32 => num, reader: u32 => num };
        /// A deploy: the producer now writes, or the consumer reads with, schema version
        /// `version`. Node: the producer or consumer.
        51 Deployed { version: u32 => num };
        /// The schema registry refused the producer's deploy of `version` of an event type
        /// (`schema`, numbered as the scenario's schemas are): it breaks the type's
        /// compatibility mode against registered version `against`. The producer keeps its
        /// version. Node: the producer.
        52 DeployRefused { version: u32 => num, against: u32 => num, schema: u16 => event_type "event_type" };
        /// The broker's process died. Node: the broker.
        53 BrokerCrashed;
        /// The broker restarted with the log it had written. Node: the broker.
        54 BrokerRecovered;
        /// A replica on `leader` leads the partition now, with leader epoch `epoch`; `unclean`:
        /// it was not in sync (unclean leader election). Node: the topic.
        55 LeaderElected { partition: u32 => num, leader: NodeId => node, epoch: u32 => num, unclean: bool => num }
            hash [pair(partition, leader), epoch, unclean];
        /// No live in-sync replica can lead the partition: it takes no writes and serves no
        /// reads until one comes back. Node: the topic.
        56 PartitionOffline { partition: u32 => num };
        /// The replica on `broker` left the partition's in-sync replicas. Node: the topic.
        57 IsrShrunk { partition: u32 => num, broker: NodeId => node };
        /// The replica on `broker` caught up and joined the in-sync replicas again. Node: the
        /// topic.
        58 IsrExpanded { partition: u32 => num, broker: NodeId => node };
        /// A new leader had less than the old one: the partition's log was cut back to
        /// `offset`, and the records from there on are gone. Node: the topic.
        59 Truncated { partition: u32 => num, offset: u32 => num };
        /// A transactional producer began its transaction number `txn` (1-based, its own
        /// count) with this message. Node: the producer.
        60 TxnBegun { txn: u32 => num };
        /// The transaction's commit markers were written: its `records` are committed, and
        /// read_committed consumers may read past them. Node: the producer.
        61 TxnCommitted { txn: u32 => num, records: u32 => num };
        /// The transaction's abort markers were written: its `records` never happened.
        /// Node: the producer.
        62 TxnAborted { txn: u32 => num, records: u32 => num, reason: AbortReason => name };
        /// A read_committed consumer skipped a record of an aborted transaction. Node: the
        /// consumer.
        63 AbortedSkipped { partition: u32 => num, offset: u32 => num };
        /// The queue is unavailable: its broker is down (a classic queue), or a majority of
        /// its replicas is (a quorum queue). Node: the queue.
        64 QueueDown;
        /// The queue is available again. Node: the queue.
        65 QueueUp;
        /// A quorum queue's leader's broker crashed; `leader`'s replica leads it now. Node:
        /// the queue.
        66 QueueLeaderMoved { leader: NodeId => node };
        /// The log cleaner removed this record from a compacted topic: a later record in the
        /// partition has its key. Its offset stays a gap readers skip. Node: the topic.
        70 Compacted { partition: u32 => num, offset: u32 => num };
        /// The log cleaner removed this tombstone, `delete.retention.ms` after it first
        /// reached it: the key is gone from the partition, and a reader that had not read the
        /// tombstone yet will never see the delete. Node: the topic.
        71 TombstoneRemoved { partition: u32 => num, offset: u32 => num };
    }
}

/// A consumer group's new generation: who owns which partitions.
#[derive(Clone, Debug, PartialEq)]
pub struct Rebalance {
    pub group: u16,
    pub generation: u32,
    /// Per member (sorted by id), its partitions as (topic, partition).
    pub assignment: Vec<(NodeId, Vec<(NodeId, u32)>)>,
    /// Cooperative rebalancing: partitions taken from their owner in this generation, to be
    /// handed over in the next.
    pub revoked: Vec<(NodeId, u32)>,
}

impl Rebalance {
    fn fingerprint(&self) -> u64 {
        let mut h = FnvHasher::default();
        for (m, parts) in &self.assignment {
            h.write(&m.0.to_le_bytes());
            for (t, p) in parts {
                h.write(&t.0.to_le_bytes());
                h.write(&p.to_le_bytes());
            }
            h.write(&[0xff]);
        }
        for (t, p) in &self.revoked {
            h.write(&t.0.to_le_bytes());
            h.write(&p.to_le_bytes());
        }
        h.finish()
    }
}

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal, $human:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable name used in the trace and the JSON outcome.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// The same in plain words, for people.
            pub fn human(self) -> &'static str {
                match self { $($name::$variant => $human),+ }
            }
            pub fn code(self) -> u8 {
                self as u8
            }
        }
        impl Word for $name {
            fn word(self) -> u64 {
                self.code() as u64
            }
        }
        impl Reason for $name {
            fn text(self) -> &'static str {
                self.name()
            }
        }
    };
}

named_enum!(
    /// Why a publish did not get through.
    PublishFailure {
        Outage => "broker_outage", "the broker was down and refused the publish",
        Timeout => "publish_timeout", "no confirm came back before the publish timeout",
        Rejected => "rejected_by_full_queue", "the queue was full (reject-publish) and nacked the publish",
        OutOfOrderSequence => "out_of_order_sequence", "the broker expected an earlier sequence number first (idempotent producer) and refused it",
        NotEnoughReplicas => "not_enough_replicas", "fewer replicas were in sync than min.insync.replicas, so the leader refused an acks=all write",
        NotEnoughReplicasAfterAppend => "not_enough_replicas_after_append", "the leader wrote it, but the in-sync replicas fell below min.insync.replicas before it was replicated",
        LeaderNotAvailable => "leader_not_available", "the partition's leader failed, and no answer came from it",
        KeyRequired => "compacted_topic_requires_key", "the topic is compacted and refused a record without a key (Kafka: \"Compacted topic cannot accept message without key\"); the producer does not retry that",
    }
);

named_enum!(
    FailReason {
        Poison => "poison", "a poison message: it can never be processed",
        TransientError => "transient_error", "a transient error",
        DownstreamOutage => "downstream_outage", "the service it calls was down",
        SchemaIncompatible => "schema_incompatible", "its schema version could not be read by this consumer's reader schema",
    }
);

named_enum!(
    RequeueReason {
        Nack => "nack", "the consumer nacked it with requeue",
        ConsumerCrash => "consumer_crash", "the consumer crashed before acking",
        AckTimeout => "ack_timeout", "the consumer's channel was closed after an ack timeout",
        ChannelClosed => "channel_closed", "the consumer's channel was closed by a broker outage",
    }
);

named_enum!(
    DropReason {
        Unroutable => "unroutable", "no queue was bound for the routing key",
        NotWired => "not_wired", "the producer is not wired to anything",
        RejectPublish => "maxlen_reject_publish", "refused by a full queue (max length, reject-publish)",
        RejectedNoDeadLetter => "rejected_without_dead_letter_target", "rejected, with no dead-letter target on the queue",
        ExpiredNoDeadLetter => "expired_without_dead_letter_target", "expired (TTL), with no dead-letter target on the queue",
        MaxlenNoDeadLetter => "maxlen_without_dead_letter_target", "pushed out of a full queue (max length, drop-head), with no dead-letter target",
        DeliveryLimitNoDeadLetter => "delivery_limit_without_dead_letter_target", "over the delivery limit, with no dead-letter target on the queue",
        DeadLetterCycle => "dead_letter_cycle", "dead-lettering would have gone round a cycle",
        GaveUp => "consumer_gave_up", "the consumer gave up after its retries",
        Deduplicated => "deduplicated", "a publish retry the broker had already written (idempotent producer)",
        SentAgainAfterFailover => "sent_again_after_failover", "cut from the log in a leader failover before it was confirmed; the producer sent it again",
        Compacted => "compacted", "replaced by a newer value for its key (log compaction removed it before the group read it)",
        TombstoneRemoved => "tombstone_removed", "a delete (tombstone) that log compaction removed delete.retention.ms after reaching it, before the group read it",
        TransactionAborted => "transaction_aborted", "sent in a transaction that was aborted, whose records read_committed consumers skip (and whose late writes the broker refuses)",
    }
);

named_enum!(
    /// Why a Kafka transaction was aborted.
    AbortReason {
        Producer => "aborted_by_producer", "the producer aborted it instead of committing (every n-th transaction)",
        Action => "action", "aborted by the action script",
        RecordFailed => "record_failed", "one of its records could not be written, so the producer aborted it",
        Timeout => "transaction_timeout", "it was open longer than transaction.timeout.ms, so the coordinator aborted it",
        Fenced => "fenced", "the producer restarted as a new epoch, which fenced the old one and aborted what it had left open",
    }
);

named_enum!(
    LossReason {
        CrashAfterAck => "consumer_crashed_after_ack", "acked when processing started (at-most-once), then the consumer crashed before finishing",
        FailedAfterAck => "failed_after_ack", "acked when processing started (at-most-once), then processing failed",
        PublishRefused => "publish_refused_by_outage", "published while the broker was down, and the producer gave up",
        PublishNeverArrived => "publish_lost_in_transit", "the publish never reached the broker, and the producer gave up",
        QueueUnavailable => "queue_unavailable", "routed to a queue that was down",
        Retention => "deleted_by_retention", "deleted by the topic's retention before the group read it",
        SkippedByOffsetReset => "skipped_by_offset_reset", "skipped: its group started reading after it (auto.offset.reset=latest) or its offset was moved past it",
        CrashAfterCommit => "consumer_crashed_after_commit", "its offset was committed before processing (at-most-once), then the consumer crashed",
        RevokedAfterCommit => "revoked_after_commit", "its offset was committed before processing (at-most-once), then the partition went to another member",
        NeverPublished => "producer_crashed_before_publish", "the producer crashed after its business write and before publishing (dual write)",
        SequenceRefused => "refused_out_of_sequence", "an old publish attempt the broker refused as out of sequence (idempotent producer)",
        CrashedWhileRetrying => "producer_crashed_while_retrying", "the producer crashed while it was still retrying the publish",
        RequesterGone => "direct_reply_requester_gone", "a reply sent by direct reply-to while the requester was down, which nothing keeps",
        LeaderFailover => "lost_in_leader_failover", "acknowledged by the leader, lost when it failed before replicating",
        UncleanElection => "lost_to_unclean_election", "lost when a replica that did not have it became leader (unclean leader election)",
        WriteRefused => "write_refused", "the partition refused the write (no leader, or too few in-sync replicas for acks=all), and the producer gave up",
        BrokerLost => "lost_with_its_broker", "in a classic queue that was not durable, lost when its broker crashed",
        KeyRequired => "refused_without_key", "a compacted topic refused it because it had no key, and the producer does not retry that error",
    }
);

named_enum!(
    CrashCause {
        Action => "action", "crashed by the action script",
        BeforeProcessing => "before_processing", "crashed after receiving a message, before processing it",
        AfterEffect => "after_effect", "crashed after the side effect, before the ack",
        AfterAck => "after_ack", "crashed right after an ack",
        BetweenWriteAndPublish => "between_write_and_publish", "the producer crashed between its business write and its publish",
        RelayBeforeMarkingSent => "relay_before_marking_sent", "the outbox relay crashed after publishing, before marking the rows sent",
        AfterPublish => "after_publish", "the service crashed right after publishing its output",
    }
);

named_enum!(
    /// How an orchestrated saga (or a request) ended.
    SagaEnd {
        Completed => "completed", "every step completed",
        Compensated => "compensated", "every completed step was compensated",
        NeedsPerson => "needs_a_person", "a compensation failed: the saga needs a person",
        GaveUp => "gave_up", "no reply came in time, retries included: the requester gave up",
    }
);

named_enum!(
    /// What a projection did with an event.
    ProjectionWrite {
        Applied => "applied", "written into the table",
        Skipped => "skipped_stale", "skipped: the row already had this version or a newer one (version check)",
        Regressed => "overwrote_newer", "written over a newer version: the row went back in time",
    }
);

named_enum!(
    /// What a read of a read model found, held against the write side at that moment.
    ReadResult {
        Fresh => "fresh", "found the latest version",
        Stale => "stale", "found an older version than the write side has",
        Missing => "missing", "did not find the key at all",
        Routed => "routed", "went to the write side: the table was behind the reader's own write",
    }
);

named_enum!(
    LeaveReason {
        Left => "left", "left the group",
        SessionTimeout => "session_timeout", "missed its session timeout (no heartbeats)",
        Restarted => "restarted", "came back as a new member after a crash",
        MaxPollIntervalExceeded => "max_poll_interval_exceeded", "took longer than max.poll.interval.ms between two polls",
    }
);

named_enum!(
    ResetCause {
        Action => "reset_offsets", "reset by the action script",
        Earliest => "auto_offset_reset_earliest", "auto.offset.reset=earliest",
        Latest => "auto_offset_reset_latest", "auto.offset.reset=latest",
    }
);

impl DropReason {
    pub fn for_death(reason: DeathReason) -> DropReason {
        match reason {
            DeathReason::Rejected => DropReason::RejectedNoDeadLetter,
            DeathReason::Expired => DropReason::ExpiredNoDeadLetter,
            DeathReason::Maxlen => DropReason::MaxlenNoDeadLetter,
            DeathReason::DeliveryLimit => DropReason::DeliveryLimitNoDeadLetter,
        }
    }
}

/// A field as one of the hash payload's three 64-bit words: numbers widened, flags 0 or 1, ids
/// and times their number, reasons their code.
trait Word: Copy {
    fn word(self) -> u64;
}

fn word(v: impl Word) -> u64 {
    v.word()
}

/// Two fields that fit in 32 bits each, packed into one word (for events with more than three
/// fields).
fn pair(hi: impl Word, lo: impl Word) -> u64 {
    (hi.word() << 32) | lo.word()
}

impl<T: Word> Word for &T {
    fn word(self) -> u64 {
        (*self).word()
    }
}

macro_rules! word_as {
    ($($t:ty => |$v:ident| $e:expr),+ $(,)?) => {
        $(impl Word for $t {
            fn word(self) -> u64 {
                let $v = self;
                $e
            }
        })+
    };
}

word_as!(
    u64 => |v| v,
    u32 => |v| v as u64,
    u16 => |v| v as u64,
    bool => |v| v as u64,
    NodeId => |v| v.0 as u64,
    MsgId => |v| v.0 as u64,
    SimTime => |v| v.0,
    DeathReason => |v| v.code() as u64,
);

/// The reason enums, as the JSON trace writes them.
trait Reason: Copy {
    fn text(self) -> &'static str;
}

impl Reason for DeathReason {
    fn text(self) -> &'static str {
        self.name()
    }
}

/// One entry's JSON object as it is written. The event table names one of these methods per
/// field (`=> how`), each called with the JSON key and the field.
struct Json<'a> {
    m: Map<String, Value>,
    names: &'a dyn Names,
    msg: Option<MsgId>,
}

impl Json<'_> {
    fn put(&mut self, key: &str, v: impl Into<Value>) {
        self.m.insert(key.into(), v.into());
    }

    /// A number or a flag, as it is.
    fn num(&mut self, key: &str, v: &(impl Copy + Into<Value>)) {
        self.put(key, *v);
    }

    /// A node, by its name.
    fn node(&mut self, key: &str, id: &NodeId) {
        let names = self.names;
        self.put(key, names.node_name(*id));
    }

    /// A consumer group, by its name.
    fn group(&mut self, key: &str, group: &u16) {
        let names = self.names;
        self.put(key, names.group_name_and_strategy(*group).0);
    }

    /// A reason, by its stable name.
    fn name(&mut self, key: &str, reason: &impl Reason) {
        self.put(key, reason.text());
    }

    /// A message, by its name.
    fn message(&mut self, key: &str, id: &MsgId) {
        let names = self.names;
        self.put(key, names.msg_name(*id));
    }

    /// An event type with schemas, by its name.
    fn event_type(&mut self, key: &str, schema: &u16) {
        let names = self.names;
        self.put(key, names.schema_event_type(*schema));
    }

    /// A time, in microseconds.
    fn micros(&mut self, key: &str, t: &SimTime) {
        self.put(key, t.0);
    }

    /// Thousandths, as a decimal number.
    fn thousandths(&mut self, key: &str, milli: &u32) {
        self.put(key, *milli as f64 / 1000.0);
    }

    /// `Published`'s extras: the message's key (null if none) and event type, and
    /// `"tombstone": true` for a tombstone (a delete on a compacted topic).
    fn key_and_type(&mut self) {
        if let Some(msg) = self.msg {
            let names = self.names;
            let (key, event_type) = names.msg_key_and_type(msg);
            self.put("key", key);
            self.put("event_type", event_type);
            if names.msg_tombstone(msg) {
                self.put("tombstone", true);
            }
        }
    }

    /// A rebalance writes its own keys: group, strategy, generation, assignment, and revoked
    /// when some partitions were.
    fn rebalance(&mut self, _: &str, r: &Rebalance) {
        let names = self.names;
        let (group, strategy) = names.group_name_and_strategy(r.group);
        self.put("group", group);
        self.put("strategy", strategy);
        self.put("generation", r.generation);
        let tp = |t: &NodeId, p: &u32| Value::from(format!("{}/{}", names.node_name(*t), p));
        let mut a = Map::new();
        for (m, parts) in &r.assignment {
            a.insert(names.node_name(*m).to_string(), Value::Array(parts.iter().map(|(t, p)| tp(t, p)).collect()));
        }
        self.put("assignment", Value::Object(a));
        if !r.revoked.is_empty() {
            self.put("revoked", Value::Array(r.revoked.iter().map(|(t, p)| tp(t, p)).collect()));
        }
    }
}

/// Names for the ids in a trace: the node and message ids people wrote or see.
pub trait Names {
    fn node_name(&self, id: NodeId) -> &str;
    fn msg_name(&self, id: MsgId) -> String;
    /// The message's key (if any) and event type.
    fn msg_key_and_type(&self, id: MsgId) -> (Option<&str>, &str);
    /// A consumer group's name and its assignment strategy.
    fn group_name_and_strategy(&self, group: u16) -> (&str, &'static str);
    /// The event type of the scenario's schemas numbered `schema`.
    fn schema_event_type(&self, schema: u16) -> &str;
    /// Whether the message is a tombstone (a delete on a compacted topic).
    fn msg_tombstone(&self, _id: MsgId) -> bool {
        false
    }

    /// How a person is told which message: by its key and then its name ("order-42
    /// (orders-17)"), or by its name alone when it has no key or the key is the name.
    fn msg_label(&self, id: MsgId) -> String {
        let name = self.msg_name(id);
        match self.msg_key_and_type(id).0 {
            Some(k) if k != name => format!("{k} ({name})"),
            _ => name,
        }
    }
}

/// `u32::MAX` stands for "none" in an entry's message and copy.
const NONE: u32 = u32::MAX;

impl Entry {
    pub fn new(t: SimTime, seq: u32, node: NodeId, msg: Option<MsgId>, env: Option<EnvId>, event: Event) -> Entry {
        Entry { t, seq, node, msg: msg.map_or(NONE, |m| m.0), env: env.map_or(NONE, |e| e.0), event }
    }

    /// The message the entry is about, if any.
    pub fn msg(&self) -> Option<MsgId> {
        (self.msg != NONE).then_some(MsgId(self.msg))
    }

    /// The copy (envelope) the entry is about, if any.
    pub fn env(&self) -> Option<EnvId> {
        (self.env != NONE).then_some(EnvId(self.env))
    }

    /// Feeds this entry into the running trace hash.
    /// The hash's input is 57 bytes, little-endian: time (8), sequence (8), event code (1),
    /// node (4), message (4), copy (4, `u32::MAX` for none), the payload's three words (8
    /// each), and the end marker `b1 0c 1a b5`.
    pub fn hash_into(&self, h: &mut Fnv1a) {
        h.u64(self.t.0);
        h.u64(u64::from(self.seq));
        h.byte(self.event.code());
        h.u32(self.node.0);
        h.u32(self.msg);
        h.u32(self.env);
        for w in self.event.payload() {
            h.u64(w);
        }
        h.end_marker();
    }

    /// One JSON object, as `brokerlab run --trace` prints it.
    pub fn to_json(&self, names: &dyn Names) -> Value {
        let mut m = Map::new();
        m.insert("t_us".into(), Value::from(self.t.0));
        m.insert("seq".into(), Value::from(self.seq));
        m.insert("event".into(), Value::from(self.event.name()));
        m.insert("node".into(), Value::from(names.node_name(self.node)));
        if let Some(msg) = self.msg() {
            m.insert("msg".into(), Value::from(names.msg_name(msg)));
        }
        if let Some(env) = self.env() {
            m.insert("copy".into(), Value::from(env.0));
        }
        let mut j = Json { m, names, msg: self.msg() };
        self.event.write_json(&mut j);
        Value::Object(j.m)
    }
}

/// The running hash and the entries not yet drained.
pub struct Trace {
    entries: Vec<Entry>,
    hasher: Fnv1a,
    next_seq: u64,
    /// Keep entries for draining; a benchmark or a long headless run may only want the hash.
    pub keep: bool,
}

/// A clone (the app's checkpoints and replays are clones of a whole simulation) carries on
/// the same hash: FNV-1a's state is the 64-bit value the hash is. It starts with no entries
/// to drain: those happened before it was made, and whoever reads the original reads them.
/// (Cloning them also cost the page's wasm a copy routine for every kind of event.)
impl Clone for Trace {
    fn clone(&self) -> Self {
        Trace { entries: Vec::new(), hasher: self.hasher, next_seq: self.next_seq, keep: self.keep }
    }
}

impl Default for Trace {
    fn default() -> Self {
        Trace { entries: Vec::new(), hasher: Fnv1a::default(), next_seq: 0, keep: true }
    }
}

impl Trace {
    pub fn push(&mut self, t: SimTime, node: NodeId, msg: Option<MsgId>, env: Option<EnvId>, event: Event) {
        let e = Entry::new(t, self.next_seq as u32, node, msg, env, event);
        self.next_seq += 1;
        e.hash_into(&mut self.hasher);
        if self.keep {
            self.entries.push(e);
        }
    }

    /// How many entries have been recorded since the start, drained or not.
    pub fn len(&self) -> u64 {
        self.next_seq
    }

    pub fn hash(&self) -> u64 {
        self.hasher.0
    }

    pub fn pending(&self) -> &[Entry] {
        &self.entries
    }

    pub fn drain(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.entries)
    }

    /// Moves the entries into `out` (cleared first), both keeping their buffers.
    pub fn drain_into(&mut self, out: &mut Vec<Entry>) {
        out.clear();
        out.append(&mut self.entries);
    }
}

pub fn hash_hex(h: u64) -> String {
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_carries_on_the_hash_with_nothing_to_drain() {
        let mut t = Trace::default();
        t.push(SimTime(5), NodeId(1), Some(MsgId(2)), None, Event::Acked);
        let mut c = t.clone();
        assert_eq!((c.hash(), c.len(), c.pending().len()), (t.hash(), 1, 0));
        for trace in [&mut t, &mut c] {
            trace.push(SimTime(9), NodeId(1), None, None, Event::Recovered);
        }
        assert_eq!((c.hash(), c.len()), (t.hash(), 2));
        assert_eq!(t.pending().len(), 2, "the original keeps its own");
    }

    #[test]
    fn an_event_stays_small() {
        // A recorded run keeps millions of entries: a topic event must not make every entry
        // bigger than the queue events already are.
        assert!(std::mem::size_of::<Event>() <= 16, "{}", std::mem::size_of::<Event>());
        assert!(std::mem::size_of::<Entry>() <= 40, "{}", std::mem::size_of::<Entry>());
    }
}
