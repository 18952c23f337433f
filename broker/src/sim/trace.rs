//! The trace: an append-only record of everything that happened, in order. It is the single
//! source of truth: the command line prints it, the outcome is checked against it, the app
//! animates it, and its hash pins a run down to the last microsecond.
//!
//! Each entry has a time, a sequence number, the node where it happened, the message and the
//! envelope (copy) it is about, and an [`Event`]. The hash is FNV-1a over a fixed little-endian
//! encoding of each entry, so it is the same on every target.

use std::hash::Hasher;

use fnv::FnvHasher;
use serde_json::{json, Map, Value};

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::SimTime;
use crate::sim::death::DeathReason;

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub t: SimTime,
    pub seq: u64,
    pub node: NodeId,
    pub msg: Option<MsgId>,
    pub env: Option<EnvId>,
    pub event: Event,
}

/// What happened. The names are the field's own (published, delivered, acked, dead-lettered, ...), plus a few the model needs. Offsets
/// are `u32` here (a run stops long before 4 billion events) to keep an entry small; the hash
/// widens them to 64 bits like every other field.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A producer sent a message (attempt > 1 is a publish retry). Node: the producer.
    Published {
        attempt: u32,
    },
    /// The publish did not get through. Node: the producer.
    PublishFailed {
        attempt: u32,
        reason: PublishFailure,
    },
    /// The broker stored the message but the producer never heard back. Node: the producer.
    ConfirmLost,
    /// Stored in a queue at `position` (0 is the head). Node: the queue.
    Enqueued {
        position: u32,
    },
    /// Handed to a consumer. Node: the queue.
    Delivered {
        consumer: NodeId,
        delivery_count: u32,
        redelivered: bool,
    },
    /// The consumer started attempt `attempt` on this delivery. Node: the consumer.
    ProcessingStarted {
        attempt: u32,
    },
    ProcessingFailed {
        attempt: u32,
        reason: FailReason,
    },
    /// The consumer will try again (attempt `attempt`) after `delay`. Node: the consumer.
    RetryScheduled {
        attempt: u32,
        delay_us: u64,
    },
    /// The business side effect happened; `count` is how many times it has for this message.
    EffectApplied {
        count: u32,
    },
    /// The idempotency table already had this message: the effect was skipped.
    DuplicateSuppressed,
    Acked,
    /// The consumer acked but the ack never reached the broker.
    AckLost,
    /// The consumer acked on a channel that had been closed: the broker had requeued it.
    AckFailed,
    Nacked {
        requeue: bool,
    },
    /// Back in the queue at `position`. Node: the queue.
    Requeued {
        position: u32,
        reason: RequeueReason,
        delivery_count: u32,
    },
    /// Node: the queue it died in.
    DeadLettered {
        reason: DeathReason,
        target: NodeId,
        count: u32,
    },
    /// Node: where it was dropped.
    Dropped {
        reason: DropReason,
    },
    /// Its TTL ran out in the queue. Node: the queue.
    Expired,
    /// Node: where it was lost.
    Lost {
        reason: LossReason,
    },
    /// Node: the consumer.
    Crashed {
        cause: CrashCause,
    },
    Recovered,
    /// The delivery was not acked within the queue's ack timeout. Node: the consumer.
    AckTimedOut,
    /// The broker closed the consumer's channel; its unacked messages were requeued.
    ChannelClosed {
        requeued: u32,
    },
    OutageStarted {
        until: SimTime,
    },
    OutageEnded,
    /// Moved from a dead-letter queue back to `to`. Node: the dead-letter queue.
    Redriven {
        to: NodeId,
    },
    /// Processing now takes `factor_milli / 1000` times as long. Node: the consumer.
    SlowedDown {
        factor_milli: u32,
    },
    /// The run stopped early: it reached its limit on events, messages or copies.
    Halted {
        events: u64,
    },
    /// Written to a topic's partition at `offset`. Node: the topic.
    Appended {
        partition: u32,
        offset: u32,
    },
    /// A consumer polled this record. Node: the consumer.
    Fetched {
        topic: NodeId,
        partition: u32,
        offset: u32,
        redelivered: bool,
    },
    /// The group's committed offset for the partition is now `offset` (the next record to
    /// read). Node: the consumer that committed.
    Committed {
        group: u16,
        topic: NodeId,
        partition: u32,
        offset: u32,
    },
    /// An offset commit was refused: the group has rebalanced since this member fetched the
    /// record. Node: the consumer.
    CommitFailed {
        topic: NodeId,
        partition: u32,
        offset: u32,
    },
    /// A consumer group has a new generation and assignment. Node: the group's first topic.
    Rebalanced(Box<Rebalance>),
    /// Node: the consumer.
    JoinedGroup {
        group: u16,
    },
    /// Node: the consumer.
    LeftGroup {
        group: u16,
        reason: LeaveReason,
    },
    /// A group's position on a partition moved without processing. Node: the topic.
    OffsetsReset {
        group: u16,
        topic: NodeId,
        partition: u32,
        offset: u32,
        cause: ResetCause,
    },
    /// Retention deleted the record. Node: the topic.
    Deleted {
        partition: u32,
        offset: u32,
    },
    /// The idempotent producer's sequence number showed this publish is a retry of a record
    /// already written: the broker acknowledged it without writing it again. Node: the topic.
    PublishDeduplicated {
        partition: u32,
        sequence: u32,
    },
    /// The producer's business write (with an outbox, together with its outbox row).
    /// Node: the producer.
    Written {
        outbox: bool,
    },
    /// The business write was rolled back after the event was published. Node: the producer.
    WriteRolledBack,
    /// A transactional commit was fenced (the group rebalanced): the effect and the offset
    /// were both rolled back. Node: the consumer.
    TransactionAborted,
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
    };
}

named_enum!(
    /// Why a publish did not get through.
    PublishFailure {
        Outage => "broker_outage", "the broker was down and refused the publish",
        Timeout => "publish_timeout", "no confirm came back before the publish timeout",
        Rejected => "rejected_by_full_queue", "the queue was full (reject-publish) and nacked the publish",
        OutOfOrderSequence => "out_of_order_sequence", "the broker expected an earlier sequence number first (idempotent producer) and refused it",
    }
);

named_enum!(
    FailReason {
        Poison => "poison", "a poison message: it can never be processed",
        TransientError => "transient_error", "a transient error",
        DownstreamOutage => "downstream_outage", "the service it calls was down",
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

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::Published { .. } => "Published",
            Event::PublishFailed { .. } => "PublishFailed",
            Event::ConfirmLost => "ConfirmLost",
            Event::Enqueued { .. } => "Enqueued",
            Event::Delivered { .. } => "Delivered",
            Event::ProcessingStarted { .. } => "ProcessingStarted",
            Event::ProcessingFailed { .. } => "ProcessingFailed",
            Event::RetryScheduled { .. } => "RetryScheduled",
            Event::EffectApplied { .. } => "EffectApplied",
            Event::DuplicateSuppressed => "DuplicateSuppressed",
            Event::Acked => "Acked",
            Event::AckLost => "AckLost",
            Event::AckFailed => "AckFailed",
            Event::Nacked { .. } => "Nacked",
            Event::Requeued { .. } => "Requeued",
            Event::DeadLettered { .. } => "DeadLettered",
            Event::Dropped { .. } => "Dropped",
            Event::Expired => "Expired",
            Event::Lost { .. } => "Lost",
            Event::Crashed { .. } => "Crashed",
            Event::Recovered => "Recovered",
            Event::AckTimedOut => "AckTimedOut",
            Event::ChannelClosed { .. } => "ChannelClosed",
            Event::OutageStarted { .. } => "OutageStarted",
            Event::OutageEnded => "OutageEnded",
            Event::Redriven { .. } => "Redriven",
            Event::SlowedDown { .. } => "SlowedDown",
            Event::Halted { .. } => "Halted",
            Event::Appended { .. } => "Appended",
            Event::Fetched { .. } => "Fetched",
            Event::Committed { .. } => "Committed",
            Event::CommitFailed { .. } => "CommitFailed",
            Event::Rebalanced(_) => "Rebalanced",
            Event::JoinedGroup { .. } => "JoinedGroup",
            Event::LeftGroup { .. } => "LeftGroup",
            Event::OffsetsReset { .. } => "OffsetsReset",
            Event::Deleted { .. } => "Deleted",
            Event::PublishDeduplicated { .. } => "PublishDeduplicated",
            Event::Written { .. } => "Written",
            Event::WriteRolledBack => "WriteRolledBack",
            Event::TransactionAborted => "TransactionAborted",
        }
    }

    /// A stable number per variant, for the hash.
    fn code(&self) -> u8 {
        match self {
            Event::Published { .. } => 1,
            Event::PublishFailed { .. } => 2,
            Event::ConfirmLost => 3,
            Event::Enqueued { .. } => 4,
            Event::Delivered { .. } => 5,
            Event::ProcessingStarted { .. } => 6,
            Event::ProcessingFailed { .. } => 7,
            Event::RetryScheduled { .. } => 8,
            Event::EffectApplied { .. } => 9,
            Event::DuplicateSuppressed => 10,
            Event::Acked => 11,
            Event::AckLost => 12,
            Event::AckFailed => 13,
            Event::Nacked { .. } => 14,
            Event::Requeued { .. } => 15,
            Event::DeadLettered { .. } => 16,
            Event::Dropped { .. } => 17,
            Event::Expired => 18,
            Event::Lost { .. } => 19,
            Event::Crashed { .. } => 20,
            Event::Recovered => 21,
            Event::AckTimedOut => 22,
            Event::ChannelClosed { .. } => 23,
            Event::OutageStarted { .. } => 24,
            Event::OutageEnded => 25,
            Event::Redriven { .. } => 26,
            Event::SlowedDown { .. } => 27,
            Event::Halted { .. } => 28,
            Event::Appended { .. } => 29,
            Event::Fetched { .. } => 30,
            Event::Committed { .. } => 31,
            Event::CommitFailed { .. } => 32,
            Event::Rebalanced(_) => 33,
            Event::JoinedGroup { .. } => 34,
            Event::LeftGroup { .. } => 35,
            Event::OffsetsReset { .. } => 36,
            Event::Deleted { .. } => 37,
            Event::PublishDeduplicated { .. } => 38,
            Event::Written { .. } => 39,
            Event::WriteRolledBack => 40,
            Event::TransactionAborted => 41,
        }
    }

    /// The variant's fields as three integers, for the hash.
    fn payload(&self) -> [u64; 3] {
        let b = |v: bool| v as u64;
        let pair = |hi: u32, lo: u32| ((hi as u64) << 32) | lo as u64;
        match *self {
            Event::Published { attempt } => [attempt as u64, 0, 0],
            Event::PublishFailed { attempt, reason } => [attempt as u64, reason.code() as u64, 0],
            Event::Enqueued { position } => [position as u64, 0, 0],
            Event::Delivered { consumer, delivery_count, redelivered } => {
                [consumer.0 as u64, delivery_count as u64, b(redelivered)]
            }
            Event::ProcessingStarted { attempt } => [attempt as u64, 0, 0],
            Event::ProcessingFailed { attempt, reason } => [attempt as u64, reason.code() as u64, 0],
            Event::RetryScheduled { attempt, delay_us } => [attempt as u64, delay_us, 0],
            Event::EffectApplied { count } => [count as u64, 0, 0],
            Event::Nacked { requeue } => [b(requeue), 0, 0],
            Event::Requeued { position, reason, delivery_count } => {
                [position as u64, reason.code() as u64, delivery_count as u64]
            }
            Event::DeadLettered { reason, target, count } => [reason.code() as u64, target.0 as u64, count as u64],
            Event::Dropped { reason } => [reason.code() as u64, 0, 0],
            Event::Lost { reason } => [reason.code() as u64, 0, 0],
            Event::Crashed { cause } => [cause.code() as u64, 0, 0],
            Event::ChannelClosed { requeued } => [requeued as u64, 0, 0],
            Event::OutageStarted { until } => [until.0, 0, 0],
            Event::Redriven { to } => [to.0 as u64, 0, 0],
            Event::SlowedDown { factor_milli } => [factor_milli as u64, 0, 0],
            Event::Halted { events } => [events, 0, 0],
            Event::Appended { partition, offset } => [partition as u64, offset as u64, 0],
            Event::Fetched { topic, partition, offset, redelivered } => {
                [pair(topic.0, partition), offset as u64, b(redelivered)]
            }
            Event::Committed { group, topic, partition, offset } => {
                [pair(group as u32, topic.0), partition as u64, offset as u64]
            }
            Event::CommitFailed { topic, partition, offset } => [topic.0 as u64, partition as u64, offset as u64],
            Event::Rebalanced(ref r) => [r.group as u64, r.generation as u64, r.fingerprint()],
            Event::JoinedGroup { group } => [group as u64, 0, 0],
            Event::LeftGroup { group, reason } => [group as u64, reason.code() as u64, 0],
            Event::OffsetsReset { group, topic, partition, offset, cause } => {
                [pair(group as u32, topic.0), pair(partition, cause.code() as u32), offset as u64]
            }
            Event::Deleted { partition, offset } => [partition as u64, offset as u64, 0],
            Event::PublishDeduplicated { partition, sequence } => [partition as u64, sequence as u64, 0],
            Event::Written { outbox } => [b(outbox), 0, 0],
            Event::WriteRolledBack | Event::TransactionAborted => [0, 0, 0],
            Event::ConfirmLost
            | Event::DuplicateSuppressed
            | Event::Acked
            | Event::AckLost
            | Event::AckFailed
            | Event::Expired
            | Event::Recovered
            | Event::AckTimedOut
            | Event::OutageEnded => [0, 0, 0],
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
}

impl Entry {
    /// Feeds this entry into the running trace hash.
    pub fn hash_into(&self, h: &mut FnvHasher) {
        let mut buf = [0u8; 57];
        buf[0..8].copy_from_slice(&self.t.0.to_le_bytes());
        buf[8..16].copy_from_slice(&self.seq.to_le_bytes());
        buf[16] = self.event.code();
        buf[17..21].copy_from_slice(&self.node.0.to_le_bytes());
        buf[21..25].copy_from_slice(&self.msg.map_or(u32::MAX, |m| m.0).to_le_bytes());
        buf[25..29].copy_from_slice(&self.env.map_or(u32::MAX, |e| e.0).to_le_bytes());
        let p = self.event.payload();
        buf[29..37].copy_from_slice(&p[0].to_le_bytes());
        buf[37..45].copy_from_slice(&p[1].to_le_bytes());
        buf[45..53].copy_from_slice(&p[2].to_le_bytes());
        buf[53..57].copy_from_slice(&[0xb1, 0x0c, 0x1a, 0xb5]);
        h.write(&buf);
    }

    /// One JSON object, as `brokerlab run --trace` prints it.
    pub fn to_json(&self, names: &dyn Names) -> Value {
        let mut m = Map::new();
        m.insert("t_us".into(), json!(self.t.0));
        m.insert("seq".into(), json!(self.seq));
        m.insert("event".into(), json!(self.event.name()));
        m.insert("node".into(), json!(names.node_name(self.node)));
        if let Some(msg) = self.msg {
            m.insert("msg".into(), json!(names.msg_name(msg)));
        }
        if let Some(env) = self.env {
            m.insert("copy".into(), json!(env.0));
        }
        let mut put = |k: &str, v: Value| {
            m.insert(k.into(), v);
        };
        match &self.event {
            Event::Published { attempt } => {
                put("attempt", json!(attempt));
                if let Some(msg) = self.msg {
                    let (key, event_type) = names.msg_key_and_type(msg);
                    put("key", json!(key));
                    put("event_type", json!(event_type));
                }
            }
            Event::PublishFailed { attempt, reason } => {
                put("attempt", json!(attempt));
                put("reason", json!(reason.name()));
            }
            Event::Enqueued { position } => put("position", json!(position)),
            Event::Delivered { consumer, delivery_count, redelivered } => {
                put("consumer", json!(names.node_name(*consumer)));
                put("delivery_count", json!(delivery_count));
                put("redelivered", json!(redelivered));
            }
            Event::ProcessingStarted { attempt } => put("attempt", json!(attempt)),
            Event::ProcessingFailed { attempt, reason } => {
                put("attempt", json!(attempt));
                put("reason", json!(reason.name()));
            }
            Event::RetryScheduled { attempt, delay_us } => {
                put("attempt", json!(attempt));
                put("delay_us", json!(delay_us));
            }
            Event::EffectApplied { count } => put("count", json!(count)),
            Event::Nacked { requeue } => put("requeue", json!(requeue)),
            Event::Requeued { position, reason, delivery_count } => {
                put("position", json!(position));
                put("reason", json!(reason.name()));
                put("delivery_count", json!(delivery_count));
            }
            Event::DeadLettered { reason, target, count } => {
                put("reason", json!(reason.name()));
                put("target", json!(names.node_name(*target)));
                put("count", json!(count));
            }
            Event::Dropped { reason } => put("reason", json!(reason.name())),
            Event::Lost { reason } => put("reason", json!(reason.name())),
            Event::Crashed { cause } => put("reason", json!(cause.name())),
            Event::ChannelClosed { requeued } => put("requeued", json!(requeued)),
            Event::OutageStarted { until } => put("until_us", json!(until.0)),
            Event::Redriven { to } => put("to", json!(names.node_name(*to))),
            Event::SlowedDown { factor_milli } => put("factor", json!(*factor_milli as f64 / 1000.0)),
            Event::Halted { events } => put("events", json!(events)),
            Event::Appended { partition, offset } => {
                put("partition", json!(partition));
                put("offset", json!(offset));
            }
            Event::Fetched { topic, partition, offset, redelivered } => {
                put("topic", json!(names.node_name(*topic)));
                put("partition", json!(partition));
                put("offset", json!(offset));
                put("redelivered", json!(redelivered));
            }
            Event::Committed { group, topic, partition, offset } => {
                put("group", json!(names.group_name_and_strategy(*group).0));
                put("topic", json!(names.node_name(*topic)));
                put("partition", json!(partition));
                put("offset", json!(offset));
            }
            Event::CommitFailed { topic, partition, offset } => {
                put("topic", json!(names.node_name(*topic)));
                put("partition", json!(partition));
                put("offset", json!(offset));
            }
            Event::Rebalanced(r) => {
                let (group, strategy) = names.group_name_and_strategy(r.group);
                put("group", json!(group));
                put("strategy", json!(strategy));
                put("generation", json!(r.generation));
                let tp = |t: &NodeId, p: &u32| json!(format!("{}/{}", names.node_name(*t), p));
                let mut a = Map::new();
                for (m, parts) in &r.assignment {
                    a.insert(
                        names.node_name(*m).to_string(),
                        Value::Array(parts.iter().map(|(t, p)| tp(t, p)).collect()),
                    );
                }
                put("assignment", Value::Object(a));
                if !r.revoked.is_empty() {
                    put("revoked", Value::Array(r.revoked.iter().map(|(t, p)| tp(t, p)).collect()));
                }
            }
            Event::JoinedGroup { group } => put("group", json!(names.group_name_and_strategy(*group).0)),
            Event::LeftGroup { group, reason } => {
                put("group", json!(names.group_name_and_strategy(*group).0));
                put("reason", json!(reason.name()));
            }
            Event::OffsetsReset { group, topic, partition, offset, cause } => {
                put("group", json!(names.group_name_and_strategy(*group).0));
                put("topic", json!(names.node_name(*topic)));
                put("partition", json!(partition));
                put("offset", json!(offset));
                put("reason", json!(cause.name()));
            }
            Event::Deleted { partition, offset } => {
                put("partition", json!(partition));
                put("offset", json!(offset));
            }
            Event::PublishDeduplicated { partition, sequence } => {
                put("partition", json!(partition));
                put("sequence", json!(sequence));
            }
            Event::Written { outbox } => put("outbox", json!(outbox)),
            Event::WriteRolledBack | Event::TransactionAborted => {}
            Event::ConfirmLost
            | Event::DuplicateSuppressed
            | Event::Acked
            | Event::AckLost
            | Event::AckFailed
            | Event::Expired
            | Event::Recovered
            | Event::AckTimedOut
            | Event::OutageEnded => {}
        }
        Value::Object(m)
    }
}

/// The running hash and the entries not yet drained.
pub struct Trace {
    entries: Vec<Entry>,
    hasher: FnvHasher,
    next_seq: u64,
    /// Keep entries for draining; a benchmark or a long headless run may only want the hash.
    pub keep: bool,
}

/// A clone (the app's checkpoints are clones of a whole simulation) carries on the same
/// hash: FNV-1a's state is the 64-bit value `finish` returns, so it is rebuilt from that.
impl Clone for Trace {
    fn clone(&self) -> Self {
        Trace {
            entries: self.entries.clone(),
            hasher: FnvHasher::with_key(self.hasher.finish()),
            next_seq: self.next_seq,
            keep: self.keep,
        }
    }
}

impl Default for Trace {
    fn default() -> Self {
        Trace { entries: Vec::new(), hasher: FnvHasher::default(), next_seq: 0, keep: true }
    }
}

impl Trace {
    pub fn push(&mut self, t: SimTime, node: NodeId, msg: Option<MsgId>, env: Option<EnvId>, event: Event) {
        let e = Entry { t, seq: self.next_seq, node, msg, env, event };
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
        self.hasher.finish()
    }

    pub fn pending(&self) -> &[Entry] {
        &self.entries
    }

    pub fn drain(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.entries)
    }
}

pub fn hash_hex(h: u64) -> String {
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_stays_small() {
        // A recorded run keeps millions of entries: a topic event must not make every entry
        // bigger than the queue events already are.
        assert!(std::mem::size_of::<Event>() <= 24, "{}", std::mem::size_of::<Event>());
    }
}
