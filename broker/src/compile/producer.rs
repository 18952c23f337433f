//! A producer: its arrivals (fixed, Poisson or bursts) and the message budget they must stay
//! within, its keys (a list or a range like `"order-1..order-20"`), publisher confirms and
//! retries, the business write beside the publish (dual write or outbox), and its faults.
//! Whether it may partition by something other than the key, or be idempotent, depends on
//! where it publishes, so that is checked once the wires are in.

use super::{sub_path, Checker};
use crate::decimal::{compact, plain};
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::limits::{
    MAX_COUNT, MAX_EVENT_TYPES, MAX_KEYS, MAX_NAME_LEN, MAX_RATE_PER_S, MAX_TOMBSTONES, MAX_TOTAL_KEYS,
};
use crate::scenario::*;

impl Checker {
    pub(super) fn compile_producer(&mut self, p: &str, s: &ProducerSpec) -> ProducerModel {
        let arrivals = match &s.arrivals {
            Arrivals::Fixed { interval_ms } => {
                let ms = self.ms(p, ".arrivals.fixed.interval_ms", *interval_ms, false);
                if ms > 0.0 && ms < 0.01 {
                    self.err(
                        sub_path(p, ".arrivals.fixed.interval_ms"),
                        "must be at least 0.01 ms (100,000 messages a second)",
                    );
                }
                ArrivalModel::Fixed { interval: Duration::from_ms_f64(ms.max(0.01)) }
            }
            Arrivals::Poisson { rate_per_s } => {
                let path = sub_path(p, ".arrivals.poisson.rate_per_s");
                let rate = if !rate_per_s.is_finite() || *rate_per_s <= 0.0 {
                    self.err(&path, "must be more than 0 messages a second");
                    1.0
                } else if *rate_per_s > MAX_RATE_PER_S {
                    self.err(
                        &path,
                        format!(
                            "must be at most {} messages a second (got {})",
                            plain(MAX_RATE_PER_S),
                            compact(*rate_per_s)
                        ),
                    );
                    MAX_RATE_PER_S
                } else {
                    *rate_per_s
                };
                ArrivalModel::Poisson { mean_gap_us: 1e6 / rate }
            }
            Arrivals::Burst { size, every_ms } => {
                let size = self.int_range(p, ".arrivals.burst.size", *size, 1, 10_000, " messages");
                let every = self.ms(p, ".arrivals.burst.every_ms", *every_ms, false);
                if every > 0.0 && (size as f64) * 1000.0 / every > MAX_RATE_PER_S {
                    self.err(
                        sub_path(p, ".arrivals.burst"),
                        format!("averages more than {} messages a second", plain(MAX_RATE_PER_S)),
                    );
                }
                ArrivalModel::Burst { size: size as u32, every: Duration::from_ms_f64(every.max(0.01)) }
            }
        };
        let count = s.count.map(|c| self.int_range(p, ".count", c, 0, MAX_COUNT, " messages"));
        // An unlimited producer must not outrun the message budget within the scenario.
        if count.is_none() {
            // Ticks run at 0, gap, 2*gap, ... up to and including the end.
            let d_us = self.duration_ms as f64 * 1000.0;
            let expected = match &arrivals {
                ArrivalModel::Fixed { interval } => libm::floor(d_us / interval.0.max(1) as f64) + 1.0,
                ArrivalModel::Poisson { mean_gap_us } => d_us / mean_gap_us,
                ArrivalModel::Burst { size, every } => (libm::floor(d_us / every.0.max(1) as f64) + 1.0) * *size as f64,
            };
            if expected > MAX_COUNT as f64 {
                self.err(
                    sub_path(p, ".count"),
                    format!("without a count this producer would publish about {} messages in the scenario's duration; the most is {MAX_COUNT}: set a count, a lower rate or a shorter duration", expected.round() as u64),
                );
            }
        }
        let start = self.whole_ms(p, ".start_ms", s.start_ms, 0);
        let event_types = s.event_type.as_vec();
        if event_types.is_empty() || event_types.iter().any(|t| t.trim().is_empty() || t.chars().count() > MAX_NAME_LEN)
        {
            self.err(
                sub_path(p, ".event_type"),
                format!("needs one or more non-empty names of at most {MAX_NAME_LEN} characters"),
            );
        } else {
            self.event_types += event_types.len() as u64;
            if self.event_types > MAX_EVENT_TYPES {
                self.err(
                    sub_path(p, ".event_type"),
                    format!(
                        "the producers may list at most {MAX_EVENT_TYPES} event types in all; with this one's {} they list {}",
                        event_types.len(),
                        self.event_types
                    ),
                );
            } else {
                match &s.event_type {
                    EventTypes::One(t) => {
                        self.no_control_characters(p, ".event_type", t);
                    }
                    EventTypes::Cycle(list) => {
                        for (j, t) in list.iter().enumerate() {
                            self.no_control_characters(&format!("{p}.event_type[{j}]"), "", t);
                        }
                    }
                }
            }
        }
        if let Some(key) = &s.routing_key {
            self.no_control_characters(p, ".routing_key", key);
        }
        let schema_version = self.int_range(p, ".schema_version", s.schema_version, 1, 1_000, "") as u32;
        let keys = match &s.keys {
            None => Vec::new(),
            Some(k) => self.keys(&sub_path(p, ".keys"), k),
        };
        let publish = s.publish.as_ref().map(|ps| self.publish_model(p, ps));
        let mut publish_lost = 0.0;
        let mut confirm_lost = 0.0;
        let mut crash = None;
        for (j, f) in s.faults.iter().enumerate() {
            match f {
                ProducerFault::PublishLost { probability } => {
                    publish_lost =
                        self.probability(&format!("{p}.faults[{j}].publish_lost.probability"), "", *probability)
                }
                ProducerFault::ConfirmLost { probability } => {
                    confirm_lost =
                        self.probability(&format!("{p}.faults[{j}].confirm_lost.probability"), "", *probability)
                }
                ProducerFault::Crash { probability, recover_after_ms } => {
                    let pr = self.probability(&format!("{p}.faults[{j}].crash.probability"), "", *probability);
                    let rec =
                        self.whole_ms(&format!("{p}.faults[{j}].crash.recover_after_ms"), "", *recover_after_ms, 0);
                    if s.write.is_none() {
                        self.err(
                            format!("{p}.faults[{j}].crash"),
                            "a producer crash falls between its business write and its publish: add \"write\": {\"name\": \"save order\"}",
                        );
                    }
                    crash = Some((pr, Duration::from_ms(rec)));
                }
            }
        }
        let write = s.write.as_ref().map(|w| {
            self.name(p, ".write.name", &w.name);
            let relay = self.int_range(p, ".write.relay_interval_ms", w.relay_interval_ms, 1, 3_600_000, " ms");
            WriteModel {
                name: w.name.clone(),
                outbox: w.outbox,
                relay_interval: Duration::from_ms(relay),
                order: w.order,
            }
        });
        if s.idempotent && publish.is_none() {
            self.err(
                sub_path(p, ".idempotent"),
                "the idempotent producer needs acks and retries: add \"publish\": {\"timeout_ms\": ..., \"retries\": ...} (Kafka requires retries and acks=all for enable.idempotence)",
            );
        }
        let transactions = s.transactions.as_ref().map(|t| {
            if s.write.is_some() {
                self.err(
                    sub_path(p, ".transactions"),
                    "a transactional producer's records commit in Kafka transactions; a business write beside them (\"write\") is not modelled: remove one of the two",
                );
            }
            TransactionModel {
                records: self.int_range(p, ".transactions.records", t.records, 1, 1_000, "") as u32,
                timeout: Duration::from_ms(self.whole_ms(p, ".transactions.timeout_ms", t.timeout_ms, 1)),
                abort_every: t
                    .abort_every
                    .map(|a| self.int_range(p, ".transactions.abort_every", a, 1, 1_000_000, "") as u32),
            }
        });
        // Kafka's transactional producer is idempotent, which turns retries on: without
        // `publish` it waits 1 s for an answer and retries 3 times, 100 ms apart.
        let publish = match (publish, &transactions) {
            (None, Some(_)) => {
                Some(PublishModel { timeout: Duration::from_ms(1_000), retries: 3, backoff: Duration::from_ms(100) })
            }
            (publish, _) => publish,
        };
        if (publish_lost > 0.0 || confirm_lost > 0.0) && publish.is_none() {
            self.err(
                sub_path(p, ".faults"),
                "lost publishes and lost confirms need publisher confirms: add \"publish\": {\"timeout_ms\": ..., \"retries\": ...}",
            );
        }
        let tombstones = self.tombstones(p, s, &keys);
        ProducerModel {
            arrivals,
            count,
            start: Duration::from_ms(start),
            event_types,
            schema_version,
            keys,
            key_choice: s.key_choice,
            routing_key: s.routing_key.clone(),
            publish,
            publish_lost,
            confirm_lost,
            target: None,
            // A transactional producer is an idempotent one (Kafka turns idempotence on for it).
            idempotent: s.idempotent || transactions.is_some(),
            acks: s.acks,
            partition_by: s.partition_by,
            write,
            crash,
            read_models: Vec::new(),
            transactions,
            tombstones,
        }
    }

    /// A producer's deletes (`tombstones`): each names one of its keys, and when; at most
    /// `MAX_TOMBSTONES` of them.
    fn tombstones(&mut self, p: &str, s: &ProducerSpec, keys: &[String]) -> Vec<(u32, Duration)> {
        let mut out = Vec::new();
        if s.tombstones.len() > MAX_TOMBSTONES {
            // Each message looks through its producer's deletes: keep that short.
            self.err(
                sub_path(p, ".tombstones"),
                format!("lists {} deletes; the most is {MAX_TOMBSTONES}", s.tombstones.len()),
            );
            return out;
        }
        for (i, t) in s.tombstones.iter().enumerate() {
            let at = format!(".tombstones[{i}]");
            let when = Duration::from_ms(self.whole_ms(p, &format!("{at}.at_ms"), t.at_ms, 0));
            match keys.iter().position(|k| *k == t.key) {
                Some(k) => out.push((k as u32, when)),
                None if keys.is_empty() => self.err(
                    sub_path(p, &format!("{at}.key")),
                    "a tombstone deletes a key, and this producer sends unkeyed messages: give it \"keys\"",
                ),
                None => self.err(
                    sub_path(p, &format!("{at}.key")),
                    format!(
                        "is not one of this producer's keys: {} is never sent, so it cannot be deleted",
                        crate::scenario::quoted::quote(&t.key)
                    ),
                ),
            }
        }
        out
    }

    /// Publisher confirms (`publish`) of a producer or a service at `p`.
    pub(super) fn publish_model(&mut self, p: &str, ps: &PublishSpec) -> PublishModel {
        let ms = |c: &mut Self, rest: &str, v: i64, least: i64| {
            Duration::from_ms(c.int_range(p, rest, v, least, 3_600_000, " ms"))
        };
        PublishModel {
            timeout: ms(self, ".publish.timeout_ms", ps.timeout_ms, 1),
            retries: self.int_range(p, ".publish.retries", ps.retries, 0, 100, "") as u32,
            backoff: ms(self, ".publish.backoff_ms", ps.backoff_ms, 0),
        }
    }

    fn keys(&mut self, path: &str, k: &Keys) -> Vec<String> {
        // Counted before a range is written out, so a file cannot ask for gigabytes of names.
        let count = match k {
            Keys::List(list) => list.len() as u64,
            Keys::Range(r) => parse_key_range(r).map_or(0, |(_, lo, hi)| hi.saturating_sub(lo).saturating_add(1)),
        };
        if count <= MAX_KEYS as u64 {
            self.keys += count;
            if self.keys > MAX_TOTAL_KEYS {
                self.err(
                    path,
                    format!(
                        "the producers may have at most {MAX_TOTAL_KEYS} keys in all; with this one's {count} they have {}",
                        self.keys
                    ),
                );
                return Vec::new();
            }
        }
        match k {
            Keys::List(list) => {
                if list.is_empty() || list.len() as i64 > MAX_KEYS {
                    self.err(path, format!("needs between 1 and {MAX_KEYS} keys"));
                    return Vec::new();
                }
                if list.iter().any(|k| k.is_empty() || k.chars().count() > MAX_NAME_LEN) {
                    self.err(path, format!("keys must be non-empty and at most {MAX_NAME_LEN} characters"));
                } else {
                    for (j, k) in list.iter().enumerate() {
                        self.no_control_characters(&format!("{path}[{j}]"), "", k);
                    }
                }
                list.clone()
            }
            Keys::Range(r) if !self.no_control_characters(path, "", r) => Vec::new(),
            Keys::Range(r) => match parse_key_range(r) {
                Ok((prefix, lo, hi)) => {
                    if hi - lo + 1 > MAX_KEYS as u64 {
                        self.err(path, format!("a key range may hold at most {MAX_KEYS} keys"));
                        return Vec::new();
                    }
                    (lo..=hi).map(|n| format!("{prefix}{n}")).collect()
                }
                Err(why) => {
                    self.err(path, why);
                    Vec::new()
                }
            },
        }
    }

    /// The idempotent producer is Kafka's, and so is choosing a partition: both need the
    /// producer's target to be a topic. Runs after the wires are compiled.
    pub(super) fn check_producer_targets(&mut self, s: &Scenario, nodes: &[NodeModel]) {
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Producer(ps) = n else { continue };
            let NodeKind::Producer(pm) = &nodes[i].kind else { continue };
            let to_topic = pm.target.as_ref().is_some_and(|l| matches!(nodes[l.to.index()].kind, NodeKind::Topic(_)));
            if ps.partition_by != PartitionBy::Key && !to_topic {
                self.err(
                    format!("nodes[{i}].partition_by"),
                    "chooses a partition on a topic; this producer does not publish to one",
                );
            }
            if ps.acks != Acks::All && pm.target.is_some() && !to_topic {
                self.err(
                    format!("nodes[{i}].acks"),
                    "acks is Kafka's producer setting; this producer does not publish to a topic (RabbitMQ's publisher confirms are \"publish\")",
                );
            }
            if ps.idempotent && ps.acks != Acks::All {
                self.err(
                    format!("nodes[{i}].acks"),
                    "the idempotent producer needs acks \"all\" (Kafka refuses enable.idempotence with acks 0 or 1)",
                );
            }
            if ps.acks == Acks::None && ps.publish.is_some() {
                self.err(
                    format!("nodes[{i}].acks"),
                    "with acks \"0\" the producer never hears back, so it cannot retry: remove \"publish\" or use acks \"1\" or \"all\"",
                );
            }
            if ps.transactions.is_some() && ps.acks != Acks::All {
                self.err(
                    format!("nodes[{i}].acks"),
                    "a transactional producer needs acks \"all\" (Kafka refuses a transactional.id with acks 0 or 1)",
                );
            }
            if ps.transactions.is_some() && pm.target.is_some() && !to_topic {
                self.err(
                    format!("nodes[{i}].transactions"),
                    "Kafka transactions write to a topic's partitions; this producer does not publish to a topic",
                );
            }
            if ps.idempotent && pm.target.is_some() && !to_topic {
                self.err(
                    format!("nodes[{i}].idempotent"),
                    "broker-side deduplication by producer sequence is Kafka's idempotent producer; publish to a topic, or make the consumer exactly-once",
                );
            }
            // A tombstone means something only to the log cleaner: on any other target it
            // would be a record (or a message) with no value that deletes nothing, which is
            // refused rather than sent as a silent no-op.
            let compacted = pm
                .target
                .as_ref()
                .map(|l| &nodes[l.to.index()])
                .filter(|t| matches!(&t.kind, NodeKind::Topic(tm) if tm.compaction.is_some()));
            if !ps.tombstones.is_empty() && compacted.is_none() {
                let why = match pm.target.as_ref().map(|l| &nodes[l.to.index()]) {
                    Some(t) if to_topic => format!(
                        "a tombstone deletes its key only on a compacted topic, and \"{}\" keeps records until retention deletes them: set its \"cleanup_policy\" to \"compact\"",
                        t.name
                    ),
                    _ => "a tombstone deletes its key on a compacted Kafka topic; this producer does not publish to a topic".to_string(),
                };
                self.err(format!("nodes[{i}].tombstones"), why);
            }
        }
    }
}

/// Reads `"order-1..order-20"` into ("order-", 1, 20).
pub(super) fn parse_key_range(r: &str) -> Result<(String, u64, u64), String> {
    let bad = || format!("\"{r}\" is not a key range like \"order-1..order-20\" or a list of keys");
    let (a, b) = r.split_once("..").ok_or_else(bad)?;
    let split = |s: &str| -> Option<(String, u64)> {
        let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 9 {
            return None;
        }
        let (prefix, num) = s.split_at(s.len() - digits);
        Some((prefix.to_string(), num.parse().ok()?))
    };
    let (pa, lo) = split(a).ok_or_else(bad)?;
    let (pb, hi) = split(b).ok_or_else(bad)?;
    if pb != pa && !pb.is_empty() {
        return Err(format!("\"{r}\": both ends of a key range need the same prefix"));
    }
    if hi < lo {
        return Err(format!("\"{r}\": the range ends before it starts"));
    }
    if pa.chars().count() > MAX_NAME_LEN {
        return Err(format!("\"{r}\": the key prefix is too long"));
    }
    Ok((pa, lo, hi))
}
