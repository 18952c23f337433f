//! The outcome: every published message sorted into exactly one fate (see `sim::fate`), the
//! damage in business terms, latency, and the figures a course author's CI checks, all read
//! from the simulation's state at the moment it is asked.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::model::ids::MsgId;
use crate::model::time::SimTime;
use crate::sim::fate::Fate;
use crate::sim::trace::hash_hex;
use crate::sim::{NodeState, Simulation};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
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
    pub events: u64,
    pub trace_hash: String,
    /// True when the run stopped early on its event budget.
    pub halted: bool,
    /// The outcome in plain words, most important first.
    pub verdict: Vec<String>,
    /// For each verdict line, the messages it is about (indices into `messages`, at most
    /// [`crate::report::verdict::REFS`] per line), so a view can link a line to its messages.
    #[serde(skip)]
    pub verdict_refs: Vec<Vec<u32>>,
    pub messages: Vec<MessageOutcome>,
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
    /// End-to-end latency samples, in microseconds: per message and route (subscriber), from
    /// publish to the first business effect.
    fn latency_samples(&self) -> Vec<u64> {
        let mut out = Vec::new();
        for m in self.msgs.iter() {
            let mut firsts: Vec<(u16, SimTime)> = Vec::new();
            for env in &m.envelopes {
                let e = &self.envs[env.index()];
                let Some(t) = e.effect_at.get() else { continue };
                match firsts.iter_mut().find(|(r, _)| *r == e.route) {
                    Some((_, first)) => *first = (*first).min(t),
                    None => firsts.push((e.route, t)),
                }
            }
            out.extend(firsts.into_iter().map(|(_, t)| t.since(m.published_at).0));
        }
        out
    }

    pub fn outcome(&self) -> Outcome {
        let mut counts = [0u64; 6];
        let mut messages = Vec::with_capacity(self.msgs.len());
        // Each name once, shared by every row that carries it.
        let producers: Vec<Arc<str>> = self.model.nodes.iter().map(|n| Arc::from(n.name.as_str())).collect();
        let keys: Vec<Arc<str>> = self.keys.iter().map(|k| Arc::from(k.as_str())).collect();
        let types: Vec<Arc<str>> = self.event_types.iter().map(|t| Arc::from(t.as_str())).collect();
        let name = |id: MsgId| {
            let m = &self.msgs[id.index()];
            MsgName { producer: producers[m.producer.index()].clone(), number: m.number }
        };

        for (i, m) in self.msgs.iter().enumerate() {
            let id = MsgId(i as u32);
            let (fate, reason, decided_by) = self.fate_and_copy(id);
            // Death records of the copy that decided the fate, else of any copy that died.
            let deaths = decided_by
                .map(|e| &self.envs[e.index()].deaths)
                .filter(|d| !d.is_empty())
                .or_else(|| m.envelopes.iter().map(|e| &self.envs[e.index()].deaths).find(|d| !d.is_empty()));
            counts[Fate::ALL.iter().position(|f| *f == fate).expect("listed")] += 1;
            messages.push(MessageOutcome {
                id: name(id),
                key: m.key.map(|k| keys[k as usize].clone()),
                event_type: types[m.event_type as usize].clone(),
                fate,
                reason,
                deliveries: m.deliveries,
                effects: m.effects.iter().map(|(_, c)| c).sum(),
                published_at_us: m.published_at.0,
                applied_after: m.overtaken_by.map(name),
                deaths: deaths.map(|d| d.iter().map(|r| self.death_snapshot(r)).collect()).unwrap_or_default(),
            });
        }
        let mut latencies = self.latency_samples();
        crate::sort::sort(&mut latencies);
        let latency_ms = latency(&latencies);
        let (mut max_depth, mut max_lag) = (0u64, 0u64);
        for n in &self.nodes {
            if let NodeState::Queue(q) = n {
                max_depth = max_depth.max(q.max_depth as u64);
                max_lag = max_lag.max(q.max_ready as u64);
            }
        }
        for g in &self.groups {
            max_lag = max_lag.max(g.max_lag);
        }
        let c = &self.counters;
        let mut o = Outcome {
            title: self.model.title.clone(),
            seed: self.rng_seed(),
            t_ms: self.now.as_ms_f64(),
            published: self.msgs.len() as u64,
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
            phantom_events: self.msgs.iter().filter(|m| m.phantom).count() as u64,
            events: self.trace.len(),
            trace_hash: hash_hex(self.trace.hash()),
            halted: self.halted,
            verdict: Vec::new(),
            verdict_refs: Vec::new(),
            messages,
        };
        (o.verdict, o.verdict_refs) = crate::report::verdict::verdict(self, &o).into_iter().unzip();
        o
    }
}

/// Nearest-rank percentiles over sorted microsecond samples, in milliseconds.
fn latency(sorted_us: &[u64]) -> Latency {
    if sorted_us.is_empty() {
        return Latency::default();
    }
    let n = sorted_us.len();
    let rank = |p: f64| -> f64 {
        let idx = libm::ceil(p * n as f64) as usize;
        sorted_us[idx.clamp(1, n) - 1] as f64 / 1000.0
    };
    let mean = sorted_us.iter().map(|v| *v as f64).sum::<f64>() / n as f64 / 1000.0;
    Latency { p50: rank(0.50), p95: rank(0.95), p99: rank(0.99), mean, samples: n as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        let l = latency(&v);
        assert_eq!((l.p50, l.p95, l.p99), (50.0, 95.0, 99.0));
        assert_eq!(l.mean, 50.5);
        assert_eq!(latency(&[]).samples, 0);
        assert_eq!(latency(&[7000]).p99, 7.0);
    }
}
