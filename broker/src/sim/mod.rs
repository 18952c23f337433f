//! The simulation: state, the event loop, and the small API the app and the command line
//! drive it with.
//!
//! ```text
//!   apply(Command) ──▶ ┌────────────────────────────┐ ──▶ drain_trace() / trace_hash()
//!   advance_to(t)  ──▶ │ scheduler (time, seq) heap │ ──▶ snapshot()   (what is where now)
//!   step()         ──▶ │ nodes, messages, envelopes │ ──▶ outcome()    (what it meant)
//!                      └────────────────────────────┘
//!   next_event_at() tells the driver when something will next happen.
//! ```
//!
//! The handlers live beside the concepts they implement: publishing and routing in
//! `producer.rs` and `routing.rs`, delivery and processing in `consume.rs`, crashes and outages in `fault.rs`.

pub mod copy_deque;
pub mod cow_vec;
pub mod death;
#[macro_use]
mod event_table;
pub mod expiries;
pub mod fate;
pub mod fault;
pub mod few;
pub mod guarantee;
pub mod invariants;
pub mod key_sequences;
pub mod message;
pub mod more;
pub mod rng;
pub mod scheduler;
pub mod trace;
pub mod trace_hash;

use crate::consumer::ConsumerState;
use crate::model::command::Command;
use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::{Duration, SimTime};
use crate::model::{Model, NodeKind};
use crate::producer::ProducerState;
use crate::queue::QueueState;
use crate::scenario::problem::Problem;
use crate::scenario::Scenario;
use crate::sim::cow_vec::CowVec;
use crate::sim::expiries::Expiries;
use crate::sim::key_sequences::KeySequences;
use crate::sim::message::{EnvState, Envelope, Message};
use crate::sim::rng::SimRng;
use crate::sim::scheduler::Scheduler;
use crate::sim::trace::{Entry, Event, Names, Trace};

/// Runs stop after this many trace events, so that a poison loop with no delay cannot hang
/// the app or the command line. A run that hits it says so in its outcome.
pub const DEFAULT_EVENT_BUDGET: u64 = 20_000_000;

/// Runs also stop when this many messages have been published, to bound memory.
pub const MESSAGE_BUDGET: usize = 2_000_000;

/// ... and when this many copies exist (fan-out to many queues, or many consumer groups on a
/// topic, multiply the copies of each message).
pub const COPY_BUDGET: usize = 3_000_000;

/// ... and after this many steps of work, whether or not they record anything: every event
/// the scheduler runs is a step, and so is every partition a poll or a rebalance looks at.
/// Work that leaves no trace (a poll that finds nothing, a tick of a producer that is down)
/// is charged too, so every run ends in seconds whatever the file says.
pub const WORK_BUDGET: u64 = 75_000_000;

/// Which of the limits above stopped a run early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Events,
    Messages,
    Copies,
    /// The work budget, with the node that did the most of it (none when scheduled actions
    /// and group formation did).
    Work {
        busiest: Option<NodeId>,
    },
}

/// Something scheduled to happen. Its fields are 32 bits or less, so that with its time and
/// sequence number it fills a 32-byte heap entry (a test checks).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Due {
    ProducerTick {
        producer: NodeId,
    },
    /// An envelope reaches a node over a wire.
    Arrive {
        env: EnvId,
        node: NodeId,
        published: bool,
        attempt: u32,
    },
    PublishTimeout {
        env: EnvId,
        attempt: u32,
    },
    PublishRetry {
        msg: MsgId,
        env: Option<EnvId>,
    },
    ProcessingDone {
        consumer: NodeId,
        life: u32,
        serial: u32,
    },
    RetryAttempt {
        consumer: NodeId,
        life: u32,
        serial: u32,
    },
    AckTimeout {
        consumer: NodeId,
        env: EnvId,
        channel: u32,
        delivery_count: u32,
    },
    Expire {
        env: EnvId,
        queue: NodeId,
    },
    Recover {
        consumer: NodeId,
        life: u32,
    },
    OutageEnd {
        node: NodeId,
    },
    Action {
        index: u32,
    },
    /// Time retention looks at the head of a partition.
    Retention {
        topic: NodeId,
        partition: u32,
    },
    /// The members that start at time 0 form the group.
    FormGroup {
        group: u16,
    },
    /// A consumer starts (`start_ms`).
    Start {
        consumer: NodeId,
    },
    SessionTimeout {
        consumer: NodeId,
        life: u32,
    },
    FollowUpRebalance {
        group: u16,
        generation: u32,
    },
    AutoCommit {
        consumer: NodeId,
        life: u32,
    },
    /// `max.poll.interval.ms` after a poll: has the member polled again since?
    PollDeadline {
        consumer: NodeId,
    },
    /// The transactional outbox's relay polls the outbox.
    RelayTick {
        producer: NodeId,
    },
    ProducerRecover {
        producer: NodeId,
    },
    /// A saga step's timeout, armed by the send numbered `wait`.
    SagaTimeout {
        orchestrator: NodeId,
        saga: u32,
        wait: u32,
    },
    /// The writer of `msg` looks for its key in the read model.
    Read {
        read_model: NodeId,
        msg: MsgId,
    },
    /// A follower's fetch comes back from the leader of leader epoch `epoch` with the log up to
    /// `upto` (`topic/replica.rs`).
    ReplicaFetch {
        topic: NodeId,
        partition: u32,
        replica: u16,
        epoch: u16,
        upto: u32,
    },
    /// The leader of a partition looks for followers to take out of the ISR.
    IsrCheck {
        topic: NodeId,
        partition: u32,
    },
    /// A broker's own crash (its `crash` setting).
    BrokerCrash {
        broker: NodeId,
    },
    BrokerRecover {
        broker: NodeId,
        life: u32,
    },
    /// A transaction's commit or abort markers are written (`topic/transaction.rs`).
    TxnEnd {
        txn: u32,
    },
    /// `transaction.timeout.ms` after a transaction began: is it still open?
    TxnTimeout {
        txn: u32,
    },
    /// A pass of a compacted topic's log cleaner (`topic/compaction.rs`).
    Cleaner {
        topic: NodeId,
    },
}

#[derive(Clone)]
pub(crate) enum NodeState {
    Producer(ProducerState),
    Exchange { outage_until: Option<SimTime> },
    Queue(QueueState),
    Topic(crate::topic::log::TopicState),
    Consumer(ConsumerState),
    DeadLetterQueue { held: Vec<EnvId> },
    ReadModel(Box<crate::read_model::ReadModelState>),
    Broker(crate::topic::replica::BrokerState),
}

#[derive(Clone)]
pub struct Simulation {
    /// Never changed once the simulation is built: shared by its copies (checkpoints, the
    /// outcome's), so copying a simulation copies no node settings. One copy of `Model`'s
    /// clone code less in the app's wasm, too.
    pub(crate) model: std::rc::Rc<Model>,
    pub(crate) now: SimTime,
    pub(crate) end: SimTime,
    pub(crate) rng: SimRng,
    pub(crate) sched: Scheduler<Due>,
    pub(crate) trace: Trace,
    pub(crate) nodes: Vec<NodeState>,
    pub(crate) msgs: CowVec<Message>,
    pub(crate) envs: CowVec<Envelope>,
    /// When copies in queues with a TTL expire.
    pub(crate) expiries: Expiries,
    /// Envelopes per state, for the conservation invariant.
    pub(crate) env_counts: [u64; EnvState::SLOTS],
    pub(crate) keys: Vec<String>,
    /// Effect names (consumers with the same name share a ledger).
    pub(crate) effects: Vec<String>,
    pub(crate) consumer_effect: Vec<u16>,
    pub(crate) event_types: Vec<String>,
    /// Highest key sequence applied so far, per (effect, key): the out-of-order detector.
    pub(crate) applied_key_seq: KeySequences,
    pub(crate) next_work: u32,
    pub(crate) groups: Vec<crate::topic::consumer_group::GroupState>,
    /// Ownership stamps handed out so far (see `consumer_group::Owned`).
    pub(crate) stamps: u64,
    pub(crate) counters: Counters,
    pub(crate) budget: u64,
    /// The limit that stopped the run, once it has stopped early (the run is halted).
    pub(crate) limit: Option<Limit>,
    /// Steps of work done so far (see [`WORK_BUDGET`]), in all and per node, and the budget.
    pub(crate) work: u64,
    pub(crate) work_budget: u64,
    pub(crate) work_by_node: Vec<u64>,
    /// The lists a topic consumer's poll builds, reused from poll to poll.
    pub(crate) poll_scratch: crate::consumer::poll::PollScratch,
    /// The schema registry's versions, the deploys and the messages consumers could not read.
    pub(crate) registry: crate::registry::RegistryState,
    /// Kafka transactions, in the order they began, and those not yet ended.
    pub(crate) txns: crate::topic::transaction::Transactions,
    /// Check invariants after every event (on by default in debug builds).
    pub check_invariants: bool,
    pub(crate) invariant_tick: u64,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counters {
    pub consumer_retries: u64,
    pub publish_retries: u64,
    pub redeliveries: u64,
    pub duplicate_effects: u64,
    pub out_of_order: u64,
    pub effects_applied: u64,
    pub duplicates_suppressed: u64,
    /// Publish retries the idempotent producer's broker recognised and did not write again.
    pub publishes_deduplicated: u64,
    /// Acks lost on queues that have no ack timeout: those deliveries stay unacked.
    pub acks_lost_without_timeout: u64,
}

/// The producers' keys numbered in the order they are first seen (producers in node order,
/// each one's keys in its order), a key that several producers share numbered once: the keys
/// by number, and the number of every producer's every key in that same walk. Done with one
/// sort rather than a map filled key by key: there can be `MAX_TOTAL_KEYS` of them, in any
/// order, where a sorted-`Vec` map would be quadratic.
fn number_keys(model: &Model) -> (Vec<String>, Vec<u32>) {
    let walk: Vec<&String> = model
        .nodes
        .iter()
        .flat_map(|n| match &n.kind {
            NodeKind::Producer(p) => p.keys.as_slice(),
            _ => &[],
        })
        .collect();
    // Places in the walk, by key and then by place: the first place of each run of one key is
    // where that key is first seen.
    let mut order: Vec<u32> = (0..walk.len() as u32).collect();
    crate::sort::sort_by(&mut order, |&a, &b| (walk[a as usize], a) < (walk[b as usize], b));
    let mut first_seen = vec![0u32; walk.len()];
    for (i, &place) in order.iter().enumerate() {
        let new_run = i == 0 || walk[order[i - 1] as usize] != walk[place as usize];
        first_seen[place as usize] = if new_run { place } else { first_seen[order[i - 1] as usize] };
    }
    let mut keys = Vec::new();
    let mut ids = vec![0u32; walk.len()];
    for place in 0..walk.len() {
        let first = first_seen[place] as usize;
        if first == place {
            ids[place] = keys.len() as u32;
            keys.push(walk[place].clone());
        } else {
            ids[place] = ids[first];
        }
    }
    (keys, ids)
}

impl Names for Simulation {
    fn node_name(&self, id: NodeId) -> &str {
        self.model.name(id)
    }

    fn msg_name(&self, id: MsgId) -> String {
        let m = &self.msgs[id.index()];
        format!("{}-{}", self.model.name(m.producer), m.number)
    }

    fn msg_key_and_type(&self, id: MsgId) -> (Option<&str>, &str) {
        let m = &self.msgs[id.index()];
        (m.key().map(|k| self.keys[k as usize].as_str()), &self.event_types[m.event_type as usize])
    }

    fn schema_event_type(&self, schema: u16) -> &str {
        self.model.schemas.types.get(usize::from(schema)).map_or("", |t| t.event_type.as_str())
    }

    fn msg_tombstone(&self, id: MsgId) -> bool {
        self.msgs[id.index()].tombstone()
    }

    fn group_name_and_strategy(&self, group: u16) -> (&str, &'static str) {
        let g = &self.model.groups[group as usize];
        (&g.name, g.strategy.name())
    }
}

/// The index of `name` in `names`, appended if it is new: event types and effects are numbered
/// in the order they are first met.
fn intern(names: &mut Vec<String>, name: &str) -> u16 {
    match names.iter().position(|x| x == name) {
        Some(i) => i as u16,
        None => {
            names.push(name.to_owned());
            (names.len() - 1) as u16
        }
    }
}

impl Simulation {
    /// Validates a scenario and builds its simulation with the scenario's own seed.
    pub fn from_scenario(s: &Scenario) -> Result<Simulation, Vec<Problem>> {
        crate::compile::validate(s).map(Simulation::new)
    }

    pub fn new(model: Model) -> Simulation {
        let seed = model.seed;
        Simulation::with_seed(model, seed)
    }

    pub fn with_seed(mut model: Model, seed: u64) -> Simulation {
        model.seed = seed;
        let (keys, key_ids) = number_keys(&model);
        let mut next_key = 0;
        let mut effects: Vec<String> = Vec::new();
        let mut consumer_effect = vec![u16::MAX; model.nodes.len()];
        let mut event_types: Vec<String> = Vec::new();
        let mut nodes = Vec::with_capacity(model.nodes.len());
        for (i, n) in model.nodes.iter().enumerate() {
            nodes.push(match &n.kind {
                NodeKind::Producer(p) => {
                    let ids = key_ids[next_key..next_key + p.keys.len()].to_vec();
                    next_key += p.keys.len();
                    let type_ids = p.event_types.iter().map(|t| intern(&mut event_types, t)).collect();
                    NodeState::Producer(ProducerState::new(p, type_ids, ids))
                }
                NodeKind::Exchange(_) => NodeState::Exchange { outage_until: None },
                NodeKind::Queue(_) => NodeState::Queue(QueueState::default()),
                NodeKind::Topic(t) => NodeState::Topic(crate::topic::log::TopicState::new(t)),
                NodeKind::Consumer(c) => {
                    consumer_effect[i] = intern(&mut effects, &c.effect);
                    let output = c.output.as_ref().map(|o| {
                        let rules = o
                            .rules
                            .iter()
                            .map(|r| crate::consumer::service::Rule {
                                on: r.on.as_ref().map(|t| intern(&mut event_types, t)),
                                publish: r.publish.iter().map(|t| intern(&mut event_types, t)).collect(),
                                give_up: r.give_up.iter().map(|t| intern(&mut event_types, t)).collect(),
                                effect: r.effect.as_ref().map(|e| intern(&mut effects, e)),
                                reply: r.reply.as_ref().map(|t| intern(&mut event_types, t)),
                            })
                            .collect();
                        let publisher = ProducerState::new(&o.publisher, Vec::new(), Vec::new());
                        let saga = o.saga.as_ref().map(|s| {
                            Box::new(crate::saga::Orchestration::new(s, o.reply_to, |t| intern(&mut event_types, t)))
                        });
                        Box::new(crate::consumer::service::ServiceState { publisher, rules, saga })
                    });
                    NodeState::Consumer(ConsumerState {
                        away: c.start.0 > 0,
                        output,
                        reader_version: c.reader_version,
                        ..ConsumerState::default()
                    })
                }
                NodeKind::DeadLetterQueue => NodeState::DeadLetterQueue { held: Vec::new() },
                NodeKind::ReadModel(_) => NodeState::ReadModel(Box::default()),
                NodeKind::Broker(_) => NodeState::Broker(Default::default()),
            });
        }
        let end = SimTime(model.duration.0);
        let mut sim = Simulation {
            now: SimTime::ZERO,
            end,
            rng: SimRng::new(seed),
            sched: Scheduler::default(),
            trace: Trace::default(),
            nodes,
            msgs: CowVec::default(),
            envs: CowVec::default(),
            expiries: Expiries::default(),
            env_counts: [0; EnvState::SLOTS],
            keys,
            effects,
            consumer_effect,
            event_types,
            applied_key_seq: KeySequences::default(),
            next_work: 0,
            groups: vec![crate::topic::consumer_group::GroupState::default(); model.groups.len()],
            stamps: 0,
            counters: Counters::default(),
            budget: DEFAULT_EVENT_BUDGET,
            limit: None,
            work: 0,
            work_budget: WORK_BUDGET,
            work_by_node: vec![0; model.nodes.len()],
            poll_scratch: Default::default(),
            registry: crate::registry::RegistryState::new(&model),
            txns: Default::default(),
            check_invariants: cfg!(debug_assertions),
            invariant_tick: 0,
            model: std::rc::Rc::new(model),
        };
        // Groups form before anything is published, so that their members own partitions.
        for g in 0..sim.model.groups.len() {
            sim.sched.schedule(SimTime::ZERO, Due::FormGroup { group: g as u16 });
        }
        for i in 0..sim.model.nodes.len() {
            if let NodeKind::Consumer(c) = &sim.model.nodes[i].kind {
                if c.start.0 > 0 {
                    sim.sched.schedule(SimTime(c.start.0), Due::Start { consumer: NodeId(i as u32) });
                }
            }
        }
        for i in 0..sim.model.nodes.len() {
            if let NodeKind::Producer(p) = &sim.model.nodes[i].kind {
                let first = SimTime(p.start.0);
                let relay = p.write.as_ref().filter(|w| w.outbox).map(|w| w.relay_interval);
                sim.schedule_first_tick(NodeId(i as u32), first);
                if let Some(every) = relay {
                    sim.sched.schedule(first.after(every), Due::RelayTick { producer: NodeId(i as u32) });
                }
            }
        }
        for i in 0..sim.model.nodes.len() {
            if let NodeKind::Consumer(c) = &sim.model.nodes[i].kind {
                let outbox = c.output.as_ref().and_then(|o| o.publisher.write.as_ref()).map(|w| w.relay_interval);
                if let Some(every) = outbox {
                    sim.sched.schedule(SimTime(every.0), Due::RelayTick { producer: NodeId(i as u32) });
                }
            }
        }
        for (i, a) in sim.model.actions.iter().enumerate() {
            sim.sched.schedule(SimTime(a.at.0), Due::Action { index: i as u32 });
        }
        for i in 0..sim.model.nodes.len() {
            if let NodeKind::Broker(b) = &sim.model.nodes[i].kind {
                if let Some((at, _)) = b.crash {
                    sim.sched.schedule(SimTime(at.0), Due::BrokerCrash { broker: NodeId(i as u32) });
                }
            }
        }
        sim.start_cleaners();
        sim
    }

    // -----------------------------------------------------------------------------------
    // The API

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// When the scenario ends (its `duration_ms`, or what `--until-ms` set).
    pub fn end(&self) -> SimTime {
        self.end
    }

    pub fn set_end(&mut self, end: SimTime) {
        self.end = end;
    }

    pub fn rng_seed(&self) -> u64 {
        self.model.seed
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Stop after this many trace events.
    pub fn set_event_budget(&mut self, budget: u64) {
        self.budget = budget;
    }

    /// Stop after this many steps of work (see [`WORK_BUDGET`]).
    pub fn set_work_budget(&mut self, budget: u64) {
        self.work_budget = budget;
    }

    /// Steps of work done so far (see [`WORK_BUDGET`]).
    pub fn work(&self) -> u64 {
        self.work
    }

    /// Keep trace entries for `drain_trace` (the default), or only hash them.
    pub fn set_keep_trace(&mut self, keep: bool) {
        self.trace.keep = keep;
    }

    pub fn is_halted(&self) -> bool {
        self.limit.is_some()
    }

    /// Whether the run is over: the end time reached or the event budget used up.
    pub fn is_finished(&self) -> bool {
        self.is_halted() || (self.now >= self.end && self.next_event_at().is_none_or(|t| t > self.end))
    }

    /// The time of the next scheduled event, if any.
    pub fn next_event_at(&self) -> Option<SimTime> {
        if self.is_halted() {
            None
        } else {
            self.sched.next_at()
        }
    }

    /// Applies a command now, as if it had been in the action script at this time.
    /// Refuses a command whose nodes do not exist or are of the wrong kind, with a reason.
    pub fn apply(&mut self, cmd: Command) -> Result<(), String> {
        self.check_command(&cmd)?;
        if self.is_halted() {
            return Err("the run has stopped (event budget used up)".into());
        }
        self.run_command(cmd);
        self.after_event();
        Ok(())
    }

    fn check_command(&self, cmd: &Command) -> Result<(), String> {
        let kind = |id: NodeId, want: fn(&NodeKind) -> bool, what: &str| -> Result<(), String> {
            match self.model.nodes.get(id.index()) {
                Some(n) if want(&n.kind) => Ok(()),
                Some(n) => Err(format!("{} is not a {what}", n.name)),
                None => Err(format!("there is no node number {}", id.0)),
            }
        };
        let consumer = |k: &NodeKind| matches!(k, NodeKind::Consumer(_));
        match *cmd {
            Command::Crash { consumer: c, .. }
            | Command::Recover { consumer: c }
            | Command::Leave { consumer: c }
            | Command::Join { consumer: c }
            | Command::Slow { consumer: c, .. } => kind(c, consumer, "consumer"),
            Command::Outage { node, .. } => kind(
                node,
                |k| matches!(k, NodeKind::Queue(_) | NodeKind::Exchange(_) | NodeKind::Topic(_)),
                "queue, exchange or topic",
            ),
            Command::ResetOffsets { group, topic, .. } => {
                let Some(g) = self.model.groups.get(group as usize) else {
                    return Err(format!("there is no consumer group number {group}"));
                };
                match topic {
                    Some(t) if !g.topics.contains(&t) => Err(format!("group {} does not read that topic", g.name)),
                    _ => Ok(()),
                }
            }
            Command::Rebuild { read_model } => kind(read_model, |k| matches!(k, NodeKind::ReadModel(_)), "read model"),
            Command::CrashBroker { broker, .. } | Command::RecoverBroker { broker } => {
                kind(broker, |k| matches!(k, NodeKind::Broker(_)), "broker")
            }
            Command::Deploy { node, version } => {
                kind(node, |k| matches!(k, NodeKind::Producer(_) | NodeKind::Consumer(_)), "producer or consumer")?;
                self.check_deploy(node, version)
            }
            Command::AbortTransaction { producer } => kind(
                producer,
                |k| matches!(k, NodeKind::Producer(p) if p.transactions.is_some()),
                "transactional producer",
            ),
            Command::CrashProducer { producer, .. } => {
                kind(producer, |k| matches!(k, NodeKind::Producer(_)), "producer")
            }
            Command::Redrive { dlq, to } => {
                kind(dlq, |k| matches!(k, NodeKind::Queue(_) | NodeKind::DeadLetterQueue), "dead-letter queue")?;
                match to {
                    Some(t) => kind(t, |k| matches!(k, NodeKind::Queue(_) | NodeKind::Topic(_)), "queue or topic"),
                    None => Ok(()),
                }
            }
        }
    }

    /// The node with this scenario id.
    pub fn node_id(&self, name: &str) -> Option<NodeId> {
        self.model.nodes.iter().position(|n| n.name == name).map(|i| NodeId(i as u32))
    }

    /// Runs every event due at or before `t`, then sets the clock to `t`. Never past the
    /// end of the scenario.
    pub fn advance_to(&mut self, t: SimTime) {
        let t = t.min(self.end);
        while !self.is_halted() {
            let Some((at, due)) = self.sched.pop_due(t) else { break };
            self.run_due(at, due);
        }
        // A halted run stays at the moment it stopped.
        if !self.is_halted() && t > self.now {
            self.now = t;
        }
    }

    /// Runs the next event (and only that one), if it is due before the end. Returns whether
    /// one ran.
    pub fn step(&mut self) -> bool {
        if self.is_halted() {
            return false;
        }
        match self.sched.pop_due(self.end) {
            Some((at, due)) => {
                self.run_due(at, due);
                true
            }
            None => false,
        }
    }

    pub fn run_to_end(&mut self) {
        self.advance_to(self.end);
    }

    /// Entries recorded since the last drain.
    pub fn drain_trace(&mut self) -> Vec<Entry> {
        self.trace.drain()
    }

    /// Entries recorded since the last drain, moved into `out` (cleared first). A caller that
    /// drains again and again with the same `out` reuses two buffers instead of growing a new
    /// one each time: a long run then does not leave the freed buffers of every drain as holes
    /// among its messages (about 30 MB of a million-message run's peak memory).
    pub fn drain_trace_into(&mut self, out: &mut Vec<Entry>) {
        self.trace.drain_into(out);
    }

    pub fn pending_trace(&self) -> &[Entry] {
        self.trace.pending()
    }

    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }

    /// How many trace events have happened since the start.
    pub fn events(&self) -> u64 {
        self.trace.len()
    }

    pub fn trace_line(&self, e: &Entry) -> String {
        e.to_json(self).to_string()
    }

    pub fn message_name(&self, id: MsgId) -> String {
        self.msg_name(id)
    }

    // -----------------------------------------------------------------------------------
    // The loop

    fn run_due(&mut self, at: SimTime, due: Due) {
        debug_assert!(at >= self.now, "time went backwards: {} after {}", at, self.now);
        self.now = at;
        let node = self.due_node(&due);
        self.charge(node, 1);
        match due {
            Due::ProducerTick { producer } => self.producer_tick(producer),
            Due::Arrive { env, node, published, attempt } => self.arrive(env, node, published, attempt),
            Due::PublishTimeout { env, attempt } => self.publish_timeout(env, attempt),
            Due::PublishRetry { msg, env } => self.publish_retry_due(msg, env),
            Due::ProcessingDone { consumer, life, serial } => {
                if self.consumer(consumer).life == life {
                    self.processing_done(consumer, serial);
                }
            }
            Due::RetryAttempt { consumer, life, serial } => {
                if self.consumer(consumer).life == life {
                    self.retry_due(consumer, serial);
                }
            }
            Due::AckTimeout { consumer, env, channel, delivery_count } => {
                self.ack_timeout(consumer, env, channel, delivery_count)
            }
            Due::Expire { env, queue } => self.expire(env, queue),
            Due::Recover { consumer, life } => {
                if self.consumer(consumer).life == life {
                    self.recover(consumer);
                }
            }
            Due::OutageEnd { node } => self.outage_end(node),
            Due::Action { index } => {
                let cmd = self.model.actions[index as usize].command;
                self.run_command(cmd);
            }
            Due::Retention { topic, partition } => self.retention_due(topic, partition),
            Due::FormGroup { group } => self.form_group(group),
            Due::Start { consumer } => self.start_consumer(consumer),
            Due::SessionTimeout { consumer, life } => self.session_timeout(consumer, life),
            Due::FollowUpRebalance { group, generation } => self.follow_up_rebalance(group, generation),
            Due::AutoCommit { consumer, life } => {
                if self.consumer(consumer).life == life {
                    self.auto_commit_due(consumer);
                }
            }
            Due::PollDeadline { consumer } => self.poll_deadline(consumer),
            Due::RelayTick { producer } => self.relay_tick(producer),
            Due::ProducerRecover { producer } => self.producer_recover(producer),
            Due::SagaTimeout { orchestrator, saga, wait } => self.saga_timeout(orchestrator, saga, wait),
            Due::Read { read_model, msg } => self.read_due(read_model, msg),
            Due::ReplicaFetch { topic, partition, replica, epoch, upto } => {
                self.replica_fetched((topic, partition), usize::from(replica), epoch, u64::from(upto))
            }
            Due::IsrCheck { topic, partition } => self.isr_check((topic, partition)),
            Due::BrokerCrash { broker } => {
                let back = match &self.model.nodes[broker.index()].kind {
                    NodeKind::Broker(b) => b.crash.and_then(|(_, back)| back),
                    _ => None,
                };
                self.crash_broker(broker, back);
            }
            Due::BrokerRecover { broker, life } => {
                if self.broker_state(broker).life == life {
                    self.recover_broker(broker);
                }
            }
            Due::TxnEnd { txn } => self.txn_end(txn),
            Due::TxnTimeout { txn } => self.txn_timeout(txn),
            Due::Cleaner { topic } => self.cleaner_due(topic),
        }
        self.after_event();
    }

    /// The node an event is about, for the work it is charged with.
    fn due_node(&self, due: &Due) -> Option<NodeId> {
        Some(match *due {
            Due::ProducerTick { producer } | Due::RelayTick { producer } | Due::ProducerRecover { producer } => {
                producer
            }
            Due::Arrive { node, .. } | Due::OutageEnd { node } => node,
            Due::PublishTimeout { env, .. } => self.msgs[self.envs[env.index()].msg.index()].producer,
            Due::PublishRetry { msg, .. } => self.msgs[msg.index()].producer,
            Due::ProcessingDone { consumer, .. }
            | Due::RetryAttempt { consumer, .. }
            | Due::AckTimeout { consumer, .. }
            | Due::Recover { consumer, .. }
            | Due::Start { consumer }
            | Due::SessionTimeout { consumer, .. }
            | Due::AutoCommit { consumer, .. }
            | Due::PollDeadline { consumer } => consumer,
            Due::SagaTimeout { orchestrator, .. } => orchestrator,
            Due::Read { read_model, .. } => read_model,
            Due::Expire { queue, .. } => queue,
            Due::Retention { topic, .. }
            | Due::ReplicaFetch { topic, .. }
            | Due::IsrCheck { topic, .. }
            | Due::Cleaner { topic } => topic,
            Due::BrokerCrash { broker } | Due::BrokerRecover { broker, .. } => broker,
            Due::TxnEnd { txn } | Due::TxnTimeout { txn } => self.txns.list[txn as usize].producer,
            Due::Action { .. } | Due::FormGroup { .. } | Due::FollowUpRebalance { .. } => return None,
        })
    }

    /// Charges `steps` of work to `node` (see [`WORK_BUDGET`]).
    pub(crate) fn charge(&mut self, node: Option<NodeId>, steps: u64) {
        self.work += steps;
        if let Some(n) = node {
            self.work_by_node[n.index()] += steps;
        }
    }

    /// The limit that stopped the run early, if one did.
    pub fn limit(&self) -> Option<Limit> {
        self.limit
    }

    fn run_command(&mut self, cmd: Command) {
        match cmd {
            Command::Crash { consumer, recover_after } => {
                self.crash(consumer, crate::sim::trace::CrashCause::Action, recover_after);
            }
            Command::Recover { consumer } => {
                if self.consumer(consumer).crashed {
                    self.recover(consumer);
                }
            }
            Command::Outage { node, duration } => self.outage(node, duration),
            Command::Redrive { dlq, to } => self.redrive(dlq, to),
            Command::Slow { consumer, factor_milli } => {
                self.consumer_mut(consumer).action_slow_milli = factor_milli.max(1);
                self.emit(consumer, None, None, Event::SlowedDown { factor_milli });
            }
            Command::Leave { consumer } => self.leave(consumer),
            Command::Join { consumer } => self.start_consumer(consumer),
            Command::ResetOffsets { group, topic, to } => self.reset_offsets(group, topic, to),
            Command::Rebuild { read_model } => self.rebuild(read_model),
            Command::Deploy { node, version } => self.deploy(node, version),
            Command::CrashBroker { broker, recover_after } => self.crash_broker(broker, recover_after),
            Command::RecoverBroker { broker } => self.recover_broker(broker),
            Command::AbortTransaction { producer } => self.abort_open_transaction(producer),
            Command::CrashProducer { producer, recover_after } => self.crash_producer(producer, recover_after),
        }
    }

    fn after_event(&mut self) {
        if self.check_invariants {
            self.invariant_tick += 1;
            // The cheap checks run every time; the full sweep over every envelope runs every
            // time on small runs and every 4096 events on big ones.
            let full = self.envs.len() <= 2_000 || self.invariant_tick % 4096 == 0;
            if let Err(why) = crate::sim::invariants::check(self, full) {
                panic!("invariant broken at {} (seed {}): {why}", self.now, self.model.seed);
            }
        }
        if self.trace.len() >= self.budget {
            self.halt(Limit::Events);
        } else if self.envs.len() > COPY_BUDGET {
            self.halt(Limit::Copies);
        } else if self.work >= self.work_budget {
            // The node that did the most work, the first of equals.
            let most = self.work_by_node.iter().copied().max().unwrap_or(0);
            let busiest = self.work_by_node.iter().position(|&w| w == most && w > 0).map(|i| NodeId(i as u32));
            self.halt(Limit::Work { busiest });
        }
    }

    pub(crate) fn halt(&mut self, limit: Limit) {
        if self.limit.is_none() {
            self.limit = Some(limit);
            let events = self.trace.len();
            self.emit(NodeId(0), None, None, Event::Halted { events });
        }
    }

    // -----------------------------------------------------------------------------------
    // Helpers shared by the handlers

    pub(crate) fn emit(&mut self, node: NodeId, msg: Option<MsgId>, env: Option<EnvId>, event: Event) {
        self.trace.push(self.now, node, msg, env, event);
    }

    pub(crate) fn emit_env(&mut self, node: NodeId, env: EnvId, event: Event) {
        let msg = self.envs[env.index()].msg;
        self.trace.push(self.now, node, Some(msg), Some(env), event);
    }

    /// Ends a copy's life without its effect, at `node`: records `Dropped` or `Lost` with its
    /// reason, and moves the copy to that final state.
    pub(crate) fn end_copy(&mut self, node: NodeId, env: EnvId, end: EnvState) {
        let event = match end {
            EnvState::Dropped(reason) => Event::Dropped { reason },
            EnvState::Lost(reason) => Event::Lost { reason },
            other => unreachable!("a copy ends dropped or lost, not {other:?}"),
        };
        self.emit_env(node, env, event);
        self.set_state(env, end);
    }

    pub(crate) fn set_state(&mut self, env: EnvId, state: EnvState) {
        let e = &mut self.envs[env.index()];
        self.env_counts[e.state.slot()] -= 1;
        self.env_counts[state.slot()] += 1;
        e.state = state;
        if state.is_final() {
            // Its expiry can no longer matter.
            self.expiries.clear(env);
        }
    }

    pub(crate) fn new_envelope(&mut self, msg: MsgId, deaths: crate::sim::death::Deaths) -> EnvId {
        let id = EnvId(self.envs.len() as u32);
        self.envs.push(Envelope::new(msg, deaths));
        self.env_counts[EnvState::Publishing.slot()] += 1;
        self.msgs[msg.index()].push_envelope(id);
        id
    }

    pub(crate) fn consumer(&self, id: NodeId) -> &ConsumerState {
        match &self.nodes[id.index()] {
            NodeState::Consumer(c) => c,
            _ => unreachable!("node {} is not a consumer", id.0),
        }
    }

    pub(crate) fn consumer_mut(&mut self, id: NodeId) -> &mut ConsumerState {
        match &mut self.nodes[id.index()] {
            NodeState::Consumer(c) => c,
            _ => unreachable!("node {} is not a consumer", id.0),
        }
    }

    pub(crate) fn queue(&self, id: NodeId) -> &QueueState {
        match &self.nodes[id.index()] {
            NodeState::Queue(q) => q,
            _ => unreachable!("node {} is not a queue", id.0),
        }
    }

    pub(crate) fn queue_mut(&mut self, id: NodeId) -> &mut QueueState {
        match &mut self.nodes[id.index()] {
            NodeState::Queue(q) => q,
            _ => unreachable!("node {} is not a queue", id.0),
        }
    }

    pub(crate) fn queue_model(&self, id: NodeId) -> &crate::model::QueueModel {
        match &self.model.nodes[id.index()].kind {
            NodeKind::Queue(q) => q,
            _ => unreachable!("node {} is not a queue", id.0),
        }
    }

    pub(crate) fn consumer_model(&self, id: NodeId) -> &crate::model::ConsumerModel {
        match &self.model.nodes[id.index()].kind {
            NodeKind::Consumer(c) => c,
            _ => unreachable!("node {} is not a consumer", id.0),
        }
    }

    pub(crate) fn later(&self, d: Duration) -> SimTime {
        self.now.after(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbering a map filled key by key in the walk gives: first seen, first numbered,
    /// and a key repeated or shared gets the number it had.
    #[test]
    fn keys_are_numbered_in_the_order_first_seen() {
        let json = r#"{"version": 1, "seed": 1, "duration_ms": 1000, "nodes": [
            {"id": "a", "kind": "producer", "count": 1, "keys": ["k2", "k1", "k2", "k10"]},
            {"id": "q", "kind": "queue"},
            {"id": "b", "kind": "producer", "count": 1, "keys": ["k3", "k1", "k9", "k10"]}
        ], "wires": []}"#;
        let model = crate::load_model(json).expect("a valid scenario");
        let (keys, ids) = number_keys(&model);
        assert_eq!(keys, ["k2", "k1", "k10", "k3", "k9"]);
        assert_eq!(ids, [0, 1, 0, 2, 3, 1, 4, 2]);
    }
}
