//! The compiled model: a validated scenario with names resolved to [`NodeId`]s, defaults
//! filled in and units turned into microseconds. The simulation reads only this.

pub mod command;
pub mod ids;
pub mod schema;
pub mod time;

use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::scenario::AssignmentStrategy;
use crate::scenario::{
    CommitMode, CrashPoint, ExchangeType, GiveUp, Jitter, KeyChoice, OffsetReset, Overflow, QueueType, RetryPolicy,
    Semantics, WriteOrder,
};

#[derive(Clone, Debug)]
pub struct Model {
    pub title: String,
    pub seed: u64,
    pub duration: Duration,
    pub nodes: Vec<NodeModel>,
    pub actions: Vec<ActionModel>,
    /// Consumer groups, in order of first appearance among the consumers.
    pub groups: Vec<GroupModel>,
    /// What ends a flow, if the scenario says.
    pub flows: Option<crate::scenario::FlowsSpec>,
    /// Event schemas and the registry.
    pub schemas: schema::Schemas,
}

/// A consumer group: the consumers that share its name, and the topics they read.
#[derive(Clone, Debug)]
pub struct GroupModel {
    pub name: String,
    pub strategy: AssignmentStrategy,
    /// Its members, sorted by id (Kafka sorts members by member id).
    pub members: Vec<NodeId>,
    /// Topics its members read, in node order.
    pub topics: Vec<NodeId>,
}

impl Model {
    pub fn name(&self, id: NodeId) -> &str {
        &self.nodes[id.index()].name
    }
}

#[derive(Clone, Debug)]
pub struct NodeModel {
    /// The node's id in the scenario, used in the trace and the outcome.
    pub name: String,
    pub kind: NodeKind,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Producer(ProducerModel),
    Exchange(ExchangeModel),
    Queue(QueueModel),
    Topic(TopicModel),
    Consumer(ConsumerModel),
    DeadLetterQueue,
    ReadModel(ReadModelModel),
    Broker(BrokerModel),
}

impl NodeKind {
    /// The kind in words, as the scenario format names it.
    pub fn word(&self) -> &'static str {
        match self {
            NodeKind::Producer(_) => "producer",
            NodeKind::Exchange(_) => "exchange",
            NodeKind::Queue(_) => "queue",
            NodeKind::Topic(_) => "topic",
            NodeKind::Consumer(_) => "consumer",
            NodeKind::DeadLetterQueue => "dead-letter queue",
            NodeKind::ReadModel(_) => "read model",
            NodeKind::Broker(_) => "broker",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TopicModel {
    pub partitions: u32,
    pub retention: Option<Duration>,
    pub retention_records: Option<u32>,
    /// Indexes into `Model::groups` of the groups that read it, in group order. Each record
    /// has one copy per group (one slot, if no group reads it).
    pub groups: Vec<u16>,
    /// Consumers wired to it.
    pub consumers: Vec<NodeId>,
    /// Its partitions' replicas on the scenario's brokers; none when the scenario has no
    /// brokers (one implicit broker that never fails).
    pub replication: Option<ReplicationModel>,
    /// Set when its cleanup policy compacts it (`topic/compaction.rs`).
    pub compaction: Option<CompactionModel>,
}

/// How a compacted topic is cleaned (`topic/compaction.rs`).
#[derive(Clone, Copy, Debug)]
pub struct CompactionModel {
    /// `delete.retention.ms`: how long a tombstone stays once the cleaner has reached it.
    pub delete_retention: Duration,
    /// `min.compaction.lag.ms`: records younger than this are not compacted.
    pub min_lag: Duration,
    /// `segment.ms`: the active segment is the records of the current window of this length.
    pub segment: Duration,
    /// `log.cleaner.backoff.ms`: the time between two passes of the cleaner.
    pub backoff: Duration,
}

/// How a topic is replicated (`topic/replica.rs`).
#[derive(Clone, Debug)]
pub struct ReplicationModel {
    /// Per partition, its replicas' brokers, the preferred leader first.
    pub replicas: Vec<Vec<NodeId>>,
    pub min_insync: u32,
    pub unclean_election: bool,
    /// `replica.lag.time.max.ms`.
    pub lag_max: Duration,
    /// How long a follower's fetch takes.
    pub fetch: Duration,
}

/// A broker: when its crash, if it has one, happens and how long it stays down.
#[derive(Clone, Copy, Debug)]
pub struct BrokerModel {
    pub crash: Option<(Duration, Option<Duration>)>,
}

impl TopicModel {
    /// Copies per record: one per group, or one when no group reads the topic.
    pub fn slots(&self) -> usize {
        self.groups.len().max(1)
    }
}

/// Where a publish goes, and how long the network takes to get it there.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    pub to: NodeId,
    pub delay: Duration,
    pub jitter: Duration,
}

#[derive(Clone, Copy, Debug)]
pub enum ArrivalModel {
    Fixed {
        interval: Duration,
    },
    /// Mean gap in microseconds (1e6 / rate).
    Poisson {
        mean_gap_us: f64,
    },
    Burst {
        size: u32,
        every: Duration,
    },
}

#[derive(Clone, Debug)]
pub struct ProducerModel {
    pub arrivals: ArrivalModel,
    pub count: Option<u64>,
    pub start: Duration,
    pub event_types: Vec<String>,
    pub schema_version: u32,
    /// Empty for unkeyed messages.
    pub keys: Vec<String>,
    pub key_choice: KeyChoice,
    pub routing_key: Option<String>,
    pub publish: Option<PublishModel>,
    pub publish_lost: f64,
    pub confirm_lost: f64,
    pub target: Option<Link>,
    pub idempotent: bool,
    pub acks: crate::scenario::Acks,
    pub partition_by: crate::scenario::PartitionBy,
    pub write: Option<WriteModel>,
    /// Crash between the business write and the publish (or, with an outbox, in the relay).
    pub crash: Option<(f64, Duration)>,
    /// The read models whose write side it is: each of its messages is a write to their
    /// truth.
    pub read_models: Vec<NodeId>,
    /// Deletes on a compacted topic: (index into `keys`, from when); its first message for
    /// that key from then on is a tombstone.
    pub tombstones: Vec<(u32, Duration)>,
    /// A transactional producer (`topic/transaction.rs`).
    pub transactions: Option<TransactionModel>,
}

/// How a transactional producer groups its records.
#[derive(Clone, Copy, Debug)]
pub struct TransactionModel {
    /// Records per transaction.
    pub records: u32,
    /// `transaction.timeout.ms`.
    pub timeout: Duration,
    /// Every n-th transaction is aborted instead of committed.
    pub abort_every: Option<u32>,
}

/// A read model: its table's write side, the consumers that project into it, and its readers.
#[derive(Clone, Debug)]
pub struct ReadModelModel {
    /// The one producer whose events reach its projections: the write side, whose messages
    /// are the truth the table is compared with. None when nothing reaches them yet.
    pub writer: Option<NodeId>,
    /// The consumers wired to it, in node order.
    pub projections: Vec<NodeId>,
    pub readers: Option<ReadersModel>,
}

#[derive(Clone, Copy, Debug)]
pub struct ReadersModel {
    /// The share of writes after which the writer reads its key.
    pub share: f64,
    /// How long after the write.
    pub after: ProcessingModel,
    pub read_your_writes: bool,
}

/// A consumer wired to a read model: its effect is the write to the table.
#[derive(Clone, Copy, Debug)]
pub struct Projection {
    pub read_model: NodeId,
    /// Skips an event whose version is not newer than the row's.
    pub version_check: bool,
}

#[derive(Clone, Debug)]
pub struct WriteModel {
    pub name: String,
    pub outbox: bool,
    pub relay_interval: Duration,
    pub order: WriteOrder,
}

#[derive(Clone, Copy, Debug)]
pub struct PublishModel {
    pub timeout: Duration,
    pub retries: u32,
    pub backoff: Duration,
}

#[derive(Clone, Debug)]
pub struct ExchangeModel {
    pub exchange_type: ExchangeType,
    pub bindings: Vec<Binding>,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub link: Link,
    pub key: Option<String>,
}

#[derive(Clone, Debug)]
pub struct QueueModel {
    pub queue_type: QueueType,
    pub prefetch: u32,
    pub ack_timeout: Option<Duration>,
    pub delivery_limit: Option<u32>,
    pub ttl: Option<Duration>,
    pub max_length: Option<u32>,
    pub overflow: Overflow,
    pub dead_letter: Option<NodeId>,
    pub consumers: Vec<NodeId>,
    /// The brokers it lives on (`queue/broker.rs`): a classic queue's one, a quorum queue's
    /// replicas (up to three), the first its first leader. None when the scenario has no
    /// brokers (one implicit broker that never fails).
    pub brokers: Vec<NodeId>,
    /// A classic queue whose messages survive its broker's restart.
    pub durable: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum ProcessingModel {
    Fixed { ms: f64 },
    Uniform { min_ms: f64, max_ms: f64 },
    Exponential { mean_ms: f64 },
}

#[derive(Clone, Copy, Debug)]
pub struct RetryModel {
    pub policy: RetryPolicy,
    pub base_ms: f64,
    pub cap_ms: f64,
    pub jitter: Jitter,
    pub max_attempts: u32,
    pub then: GiveUp,
}

#[derive(Clone, Debug, Default)]
pub struct PoisonModel {
    pub every_nth: Option<u32>,
    pub key: Option<String>,
    pub schema_version_above: Option<u32>,
}

#[derive(Clone, Copy, Debug)]
pub struct CrashModel {
    pub probability: f64,
    pub point: CrashPoint,
    pub recover_after: Duration,
}

#[derive(Clone, Debug)]
pub struct ConsumerModel {
    pub semantics: Semantics,
    pub processing: ProcessingModel,
    pub concurrency: u32,
    /// Overrides the queue's prefetch for this consumer.
    pub prefetch: Option<u32>,
    pub retry: RetryModel,
    pub effect: String,
    pub queue: Option<NodeId>,
    pub crashes: Vec<CrashModel>,
    pub slow_factor: f64,
    pub transient_error_rate: f64,
    pub poison: Vec<PoisonModel>,
    pub lose_acks: f64,
    /// Windows [from, to) in which every processing attempt fails.
    pub downstream_outages: Vec<(Duration, Duration)>,
    pub start: Duration,
    /// Where a given-up record goes (topic consumers): a topic or a dead-letter queue.
    pub dead_letter: Option<NodeId>,
    /// Set when the consumer reads a topic.
    pub log: Option<LogConsumerModel>,
    /// Set when it publishes what it handles: a service.
    pub output: Option<Box<ServiceOutput>>,
    /// Set when it is wired to a read model: a projection.
    pub projection: Option<Projection>,
    /// The schema version it reads with at the start; 0: each message's own.
    pub reader_version: u16,
}

/// A service's publishing side: a producer without arrivals of its own (its one target, its
/// publisher confirms), what it publishes for which input, and where the publish sits against
/// the effect.
#[derive(Clone, Debug)]
pub struct ServiceOutput {
    pub publisher: ProducerModel,
    pub rules: Vec<OutputRule>,
    pub mode: crate::scenario::PublishMode,
    /// Set when it orchestrates a saga instead of following rules: an orchestrator.
    pub saga: Option<SagaModel>,
    /// Set when its saga is a request (`requests`): where the responder sends the reply.
    pub reply_to: Option<ReplyTo>,
}

/// Where a requester's replies go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyTo {
    /// The queue it reads.
    Queue(NodeId),
    /// RabbitMQ's direct reply-to: straight to the requester, never acknowledged, lost when
    /// it is gone.
    Direct,
}

/// An orchestrator's saga, as the file gives it once checked (its steps' queues are where the
/// wires route their commands, so the simulation needs no more than the file says).
pub type SagaModel = crate::scenario::SagaSpec;

/// For inputs of event type `on` (any, if `None`): the event types published on success and on
/// giving up.
#[derive(Clone, Debug)]
pub struct OutputRule {
    pub on: Option<String>,
    pub publish: Vec<String>,
    pub give_up: Vec<String>,
    /// The effect for this event type, instead of the consumer's.
    pub effect: Option<String>,
    /// The reply to a request's reply-to.
    pub reply: Option<String>,
}

/// How a consumer reads a topic.
#[derive(Clone, Copy, Debug)]
pub struct LogConsumerModel {
    pub topic: NodeId,
    /// Index into `Model::groups`.
    pub group: u16,
    pub commit: CommitMode,
    pub auto_commit_interval: Duration,
    pub max_poll_records: u32,
    pub offset_reset: OffsetReset,
    pub session_timeout: Duration,
    pub max_poll_interval: Duration,
    pub heartbeat_interval: Duration,
    pub transactional: bool,
    /// `isolation.level=read_committed`: reads up to the last stable offset and skips
    /// records of aborted transactions.
    pub read_committed: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct ActionModel {
    pub at: Duration,
    pub command: crate::model::command::Command,
}
