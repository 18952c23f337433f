//! The compiled model: a validated scenario with names resolved to [`NodeId`]s, defaults
//! filled in and units turned into microseconds. The simulation reads only this.

use crate::ids::NodeId;
use crate::scenario::{
    CrashPoint, ExchangeType, GiveUp, Jitter, KeyChoice, Overflow, QueueType, RetryPolicy, Semantics,
};
use crate::time::Duration;

#[derive(Clone, Debug)]
pub struct Model {
    pub title: String,
    pub seed: u64,
    pub duration: Duration,
    pub nodes: Vec<NodeModel>,
    pub actions: Vec<ActionModel>,
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
    Consumer(ConsumerModel),
    DeadLetterQueue,
}

/// Where a publish goes, and how long the network takes to get it there.
#[derive(Clone, Debug)]
pub struct Link {
    pub to: NodeId,
    pub delay: Duration,
    pub jitter: Duration,
}

#[derive(Clone, Debug)]
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
}

#[derive(Clone, Debug)]
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
}

#[derive(Clone, Debug)]
pub enum ProcessingModel {
    Fixed { ms: f64 },
    Uniform { min_ms: f64, max_ms: f64 },
    Exponential { mean_ms: f64 },
}

#[derive(Clone, Debug)]
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

#[derive(Clone, Debug)]
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
}

#[derive(Clone, Debug)]
pub struct ActionModel {
    pub at: Duration,
    pub command: crate::command::Command,
}
