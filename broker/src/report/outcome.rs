//! The outcome: every published message sorted into exactly one fate (see `sim::fate`), the
//! damage in business terms, latency, and the figures a course author's CI checks, all read
//! from the simulation's state at the moment it is asked.

use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use serde::Serialize;

use crate::model::ids::MsgId;
use crate::model::time::SimTime;
use crate::sim::fate::Fate;
use crate::sim::few::Few;
use crate::sim::trace::hash_hex;
use crate::sim::{NodeState, Simulation};

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
    /// How many deliveries the figures are over: one per message and subscriber.
    pub samples: u64,
}

/// A message's name as people read it ("orders-17"): its producer's name, shared by every
/// message of that producer, and its number. It prints and serialises as that one string, so
/// a million-message outcome holds no string of its own per message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsgName {
    pub producer: Arc<str>,
    pub number: u32,
}

impl fmt::Display for MsgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.producer, self.number)
    }
}

impl Serialize for MsgName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl PartialEq<&str> for MsgName {
    fn eq(&self, other: &&str) -> bool {
        // "orders-17": the producer's name, a dash, and the number as `Display` writes it.
        let Some(n) = other.strip_prefix(&*self.producer).and_then(|rest| rest.strip_prefix('-')) else {
            return false;
        };
        n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0')) && n.parse() == Ok(self.number)
    }
}

/// One message's row of the outcome. Names are shared (`Arc`), so a row holds no string of
/// its own.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageOutcome {
    pub id: MsgName,
    pub key: Option<Arc<str>>,
    pub event_type: Arc<str>,
    pub fate: Fate,
    pub reason: Option<&'static str>,
    pub deliveries: u32,
    pub effects: u32,
    pub published_at_us: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_after: Option<MsgName>,
    /// Its death records (`x-death`), newest first, if a copy was ever dead-lettered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deaths: Vec<crate::report::snapshot::DeathSnapshot>,
    /// The message a service handled when it published this one (its causation id); absent
    /// for a producer's own message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<MsgName>,
    /// The first message of its flow (its correlation id), when that is not itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<MsgName>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub title: String,
    pub seed: u64,
    pub t_ms: f64,
    pub published: u64,
    pub processed_once: u64,
    pub processed_more_than_once: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
    pub lost: u64,
    pub in_flight: u64,
    pub duplicate_effects: u64,
    pub duplicates_suppressed: u64,
    /// Publish retries the broker recognised by their producer sequence numbers (idempotent
    /// producer) and did not write again.
    pub publishes_deduplicated: u64,
    pub out_of_order: u64,
    /// Consumer retries plus producer publish retries.
    pub retries: u64,
    pub consumer_retries: u64,
    pub publish_retries: u64,
    pub redeliveries: u64,
    pub latency_ms: Latency,
    pub max_queue_depth: u64,
    /// The most messages waiting for a consumer at once: ready in a queue, or written to a
    /// topic and not yet committed by a group.
    pub max_consumer_lag: u64,
    /// Events published whose business write was then rolled back (dual write).
    pub phantom_events: u64,
    /// Messages of aborted Kafka transactions whose business effect a consumer applied
    /// (reading with read_uncommitted): effects of events that never happened.
    pub aborted_effects: u64,
    pub events: u64,
    pub trace_hash: String,
    /// True when the run stopped early at one of Brokerlab's limits (events, messages,
    /// copies or work).
    pub halted: bool,
    /// Which limit stopped it, in words (the verdict's first line).
    pub stopped_by: Option<String>,
    /// The outcome in plain words, most important first.
    pub verdict: Vec<String>,
    /// For each verdict line, the messages it is about (indices into `messages`, at most
    /// [`crate::report::verdict::REFS`] per line), so a view can link a line to its messages.
    #[serde(skip)]
    pub verdict_refs: Vec<Vec<u32>>,
    /// How each flow ended, when the scenario names its flows (`flows`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flows: Option<crate::report::flow::Flows>,
    /// Each orchestrator's sagas counted, by the orchestrator's id.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "by_name")]
    pub sagas: Vec<(String, crate::saga::SagaCounts)>,
    /// Each requester's requests counted, with the latency of those answered, by its id.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "by_name")]
    pub requests: Vec<(String, RequestCounts)>,
    /// Reads, over every read model, that did not find the write they followed.
    pub missed_reads: u64,
    /// Rows, over every read model, behind the write side.
    pub rows_behind: u64,
    /// Deletes on compacted topics a consumer group never read, key by key: the tombstone was
    /// compacted away first, so the group's table still shows the old value.
    pub missed_deletes: u64,
    /// Each read model's table, projections and reads, by its id.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "by_name")]
    pub read_models: Vec<(String, crate::report::read_model::ReadModelReport)>,
    /// Messages some consumer could not read with its reader schema.
    pub unreadable: u64,
    /// Deploys the schema registry refused.
    pub deploys_refused: u64,
    /// The deploys and the unreadable messages, when the scenario has schemas or deploys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schemas: Option<crate::report::schema::SchemaReport>,
    pub messages: Rows,
}

fn by_name<S: serde::Serializer, T: Serialize>(list: &[(String, T)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(list.iter().map(|(n, c)| (n, c)))
}

/// A requester's requests: how many it sent, how they ended, and how long the answered ones
/// took from the first send to the reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct RequestCounts {
    pub requests: u32,
    pub answered: u32,
    pub waiting: u32,
    pub gave_up: u32,
    /// Waits that ran out (each followed by a send again, or by giving up).
    pub timeouts: u32,
    /// Replies to a request already given up on, dropped.
    pub late_replies: u32,
    /// Replies to a request already answered (the responder ran it again), dropped.
    pub duplicate_replies: u32,
    pub latency_ms: Latency,
}

impl RequestCounts {
    fn of(o: &crate::saga::Orchestration) -> RequestCounts {
        let c = o.counts();
        let answered = o.sagas.iter().filter(|s| s.phase == crate::saga::SagaPhase::Completed);
        RequestCounts {
            requests: c.started,
            answered: c.completed,
            waiting: c.running,
            gave_up: c.compensated,
            timeouts: c.timeouts,
            late_replies: c.late_replies,
            duplicate_replies: c.duplicates,
            latency_ms: latency(answered.map(|s| s.took().0).collect()),
        }
    }
}

impl Outcome {
    /// How many messages met this fate.
    pub fn count(&self, fate: Fate) -> u64 {
        match fate {
            Fate::ProcessedOnce => self.processed_once,
            Fate::ProcessedMoreThanOnce => self.processed_more_than_once,
            Fate::DeadLettered => self.dead_lettered,
            Fate::Dropped => self.dropped,
            Fate::Lost => self.lost,
            Fate::InFlight => self.in_flight,
        }
    }
}

impl Simulation {
    /// The death records a message's row shows: those of the copy that decided its fate, else
    /// those of any copy that died.
    fn deaths_of(
        &self,
        m: &crate::sim::message::Message,
        decided_by: Option<crate::model::ids::EnvId>,
    ) -> Option<&crate::sim::death::Deaths> {
        decided_by
            .map(|e| &self.envs[e.index()].deaths)
            .filter(|d| !d.is_empty())
            .or_else(|| m.envelopes().iter().map(|e| &self.envs[e.index()].deaths).find(|d| !d.is_empty()))
    }

    /// End-to-end latency samples of one message, in microseconds, added to `out`: one per
    /// route (subscriber), from publish to the first business effect.
    fn latency_samples_of(&self, m: &crate::sim::message::Message, out: &mut Vec<u64>) {
        // Nearly every message has one route: kept inline, it costs no allocation.
        let mut firsts: Few<(u16, SimTime)> = Few::default();
        for env in m.envelopes() {
            let e = &self.envs[env.index()];
            let Some(t) = e.effect_at.get() else { continue };
            match firsts.as_mut_slice().iter_mut().find(|(r, _)| *r == e.route) {
                Some((_, first)) => *first = (*first).min(t),
                None => firsts.push((e.route, t)),
            }
        }
        out.extend(firsts.iter().map(|(_, t)| t.since(m.published_at).0));
    }

    /// The outcome now, all at once. A page that must not stall on a million messages builds
    /// it a slice at a time with [`OutcomeBuilder`] instead.
    pub fn outcome(&self) -> Outcome {
        let mut b = OutcomeBuilder::new(self);
        b.work(usize::MAX);
        b.finish()
    }
}

/// The rows of an outcome, one per message in publish order, read off the simulation of the
/// outcome's moment each time they are asked for rather than kept: a million-message run's
/// rows would hold about 140 MB, while the copy of the simulation they read shares every
/// finished message with the simulation it was taken from. Cloning shares them too.
#[derive(Clone)]
pub struct Rows(Rc<RowsOf>);

struct RowsOf {
    sim: Simulation,
    /// Each name once, shared by every row that carries it.
    producers: Vec<Arc<str>>,
    keys: Vec<Arc<str>>,
    types: Vec<Arc<str>>,
}

impl Rows {
    fn of(sim: Simulation) -> Rows {
        Rows(Rc::new(RowsOf {
            producers: sim.model.nodes.iter().map(|n| Arc::from(n.name.as_str())).collect(),
            keys: sim.keys.iter().map(|k| Arc::from(k.as_str())).collect(),
            types: sim.event_types.iter().map(|t| Arc::from(t.as_str())).collect(),
            sim,
        }))
    }

    pub fn len(&self) -> usize {
        self.0.sim.msgs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row of message `i` (its index in publish order).
    pub fn get(&self, i: usize) -> Option<MessageOutcome> {
        (i < self.len()).then(|| self.0.row(i, self.0.sim.fate_and_copy(MsgId(i as u32))))
    }

    pub fn iter(&self) -> impl Iterator<Item = MessageOutcome> + '_ {
        (0..self.len()).map(|i| self.0.row(i, self.0.sim.fate_and_copy(MsgId(i as u32))))
    }
}

impl RowsOf {
    fn name(&self, id: MsgId) -> MsgName {
        let m = &self.sim.msgs[id.index()];
        MsgName { producer: self.producers[m.producer.index()].clone(), number: m.number }
    }

    fn row(&self, i: usize, (fate, reason, decided_by): crate::sim::fate::Decided) -> MessageOutcome {
        let sim = &self.sim;
        let m = &sim.msgs[i];
        MessageOutcome {
            id: self.name(MsgId(i as u32)),
            key: m.key().map(|k| self.keys[k as usize].clone()),
            event_type: self.types[m.event_type as usize].clone(),
            fate,
            reason,
            deliveries: m.deliveries,
            effects: m.effects().iter().map(|(_, c)| c).sum(),
            published_at_us: m.published_at.0,
            applied_after: m.overtaken_by().map(|by| self.name(by)),
            deaths: sim
                .deaths_of(m, decided_by)
                .map(|d| d.iter().map(|r| sim.death_snapshot(r)).collect())
                .unwrap_or_default(),
            caused_by: m.cause().map(|c| self.name(c)),
            flow: m.cause().map(|_| self.name(sim.flow_of(MsgId(i as u32)))),
        }
    }
}

impl Serialize for Rows {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// An outcome built a slice of messages at a time, from a copy of the simulation taken when
/// it was asked for (a cheap copy: finished messages are shared). The simulation may move on
/// meanwhile; the outcome is that of the moment the builder was made.
pub struct OutcomeBuilder {
    sim: Simulation,
    next: usize,
    counts: [u64; 6],
    phantoms: u64,
    aborted_effects: u64,
    unreadable: u64,
    noted: crate::report::verdict::Noted,
    latencies: Vec<u64>,
}

impl OutcomeBuilder {
    pub fn new(sim: &Simulation) -> OutcomeBuilder {
        let sim = sim.clone();
        OutcomeBuilder {
            next: 0,
            counts: [0; 6],
            phantoms: 0,
            aborted_effects: 0,
            unreadable: 0,
            noted: Default::default(),
            latencies: Vec::with_capacity(sim.msgs.len()),
            sim,
        }
    }

    /// Counts the fates of at most `budget` more messages; returns whether every message is
    /// counted.
    pub fn work(&mut self, budget: usize) -> bool {
        let sim = &self.sim;
        let stop = self.next.saturating_add(budget).min(sim.msgs.len());
        for i in self.next..stop {
            let m = &sim.msgs[i];
            let (fate, _, decided_by) = sim.fate_and_copy(MsgId(i as u32));
            self.counts[fate.index()] += 1;
            let died = sim.deaths_of(m, decided_by).is_some();
            self.noted.note(i, fate, died, m.overtaken_by().is_some(), m.key());
            sim.latency_samples_of(m, &mut self.latencies);
            self.phantoms += u64::from(m.phantom());
            self.aborted_effects += u64::from(m.transaction_aborted() && m.max_effect_count() > 0);
            self.unreadable += u64::from(m.unreadable());
        }
        self.next = stop;
        self.next == sim.msgs.len()
    }

    /// The outcome, once every message is counted ([`OutcomeBuilder::work`] returned true):
    /// the percentiles, the totals and the verdict.
    pub fn finish(mut self) -> Outcome {
        self.work(usize::MAX);
        let OutcomeBuilder { sim, counts, phantoms, aborted_effects, unreadable, noted, latencies, .. } = self;
        let latency_ms = latency(latencies);
        let (mut max_depth, mut max_lag) = (0u64, 0u64);
        for n in &sim.nodes {
            if let NodeState::Queue(q) = n {
                max_depth = max_depth.max(q.max_depth as u64);
                max_lag = max_lag.max(q.max_ready as u64);
            }
        }
        for g in &sim.groups {
            max_lag = max_lag.max(g.max_lag);
        }
        let c = &sim.counters;
        let mut o = Outcome {
            title: sim.model.title.clone(),
            seed: sim.rng_seed(),
            t_ms: sim.now.as_ms_f64(),
            published: sim.msgs.len() as u64,
            processed_once: counts[0],
            processed_more_than_once: counts[1],
            dead_lettered: counts[2],
            dropped: counts[3],
            lost: counts[4],
            in_flight: counts[5],
            duplicate_effects: c.duplicate_effects,
            duplicates_suppressed: c.duplicates_suppressed,
            publishes_deduplicated: c.publishes_deduplicated,
            out_of_order: c.out_of_order,
            retries: c.consumer_retries + c.publish_retries,
            consumer_retries: c.consumer_retries,
            publish_retries: c.publish_retries,
            redeliveries: c.redeliveries,
            latency_ms,
            max_queue_depth: max_depth,
            max_consumer_lag: max_lag,
            phantom_events: phantoms,
            aborted_effects,
            events: sim.trace.len(),
            trace_hash: hash_hex(sim.trace.hash()),
            halted: sim.is_halted(),
            stopped_by: sim.limit.map(|l| crate::report::verdict::stopped_early(&sim, l, sim.msgs.len() as u64)),
            verdict: Vec::new(),
            verdict_refs: Vec::new(),
            flows: None,
            sagas: sim
                .orchestrators()
                .filter(|(_, o, _)| o.reply_to.is_none())
                .map(|(node, o, _)| (sim.model.name(node).to_string(), o.counts()))
                .collect(),
            requests: sim
                .orchestrators()
                .filter(|(_, o, _)| o.reply_to.is_some())
                .map(|(node, o, _)| (sim.model.name(node).to_string(), RequestCounts::of(o)))
                .collect(),
            missed_reads: 0,
            rows_behind: 0,
            missed_deletes: 0,
            read_models: sim.read_model_reports(),
            unreadable,
            deploys_refused: sim.registry.deploys.iter().filter(|d| d.refused.is_some()).count() as u64,
            schemas: sim.schema_report(),
            messages: Rows::of(sim),
        };
        for (_, r) in &o.read_models {
            o.missed_reads += u64::from(r.counts.missed_own_write);
            o.rows_behind += u64::from(r.rows_behind);
        }
        o.missed_deletes = o.messages.0.sim.missed_deletes().len() as u64;
        o.flows = o.messages.0.sim.flows(&o.messages);
        let lines = crate::report::verdict::verdict(&o.messages.0.sim, &o, &noted);
        (o.verdict, o.verdict_refs) = lines.into_iter().unzip();
        o
    }
}

/// Nearest-rank percentiles and the mean, in milliseconds. Each percentile is found by
/// selection, not by sorting: the outcome of a million-message run is asked for while the page
/// plays, and a full sort of its samples was most of that work. The mean is summed exactly.
pub(crate) fn latency(mut samples_us: Vec<u64>) -> Latency {
    if samples_us.is_empty() {
        return Latency::default();
    }
    let n = samples_us.len();
    let index = |p: f64| (libm::ceil(p * n as f64) as usize).clamp(1, n) - 1;
    // Each selection leaves the larger values after its index, so the next, higher percentile
    // is selected among those alone.
    let mut from = 0;
    let mut rank = |p: f64| -> f64 {
        let i = index(p).max(from);
        let value = crate::sort::select_nth(&mut samples_us[from..], i - from);
        from = i;
        value as f64 / 1000.0
    };
    let (p50, p95, p99) = (rank(0.50), rank(0.95), rank(0.99));
    let total: u128 = samples_us.iter().map(|&v| u128::from(v)).sum();
    let mean = total as f64 / n as f64 / 1000.0;
    Latency { p50, p95, p99, mean, samples: n as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        // Out of order, as the samples come.
        let v: Vec<u64> = (1..=100).map(|i| (i * 37 % 101) * 1000).collect();
        let l = latency(v);
        assert_eq!((l.p50, l.p95, l.p99), (50.0, 95.0, 99.0));
        assert_eq!(l.mean, 50.5);
        assert_eq!(latency(Vec::new()).samples, 0);
        assert_eq!(latency(vec![7000]).p99, 7.0);
    }
}
