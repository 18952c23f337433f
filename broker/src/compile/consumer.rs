//! A consumer: its delivery semantics, processing time, concurrency, prefetch, retry policy,
//! effect and faults; then, once the wires say what each one reads, the settings of a topic
//! consumer: its dead-letter target, its group and the group's assignment strategy, commits
//! and the poll loop's timeouts. Settings that mean something only on a topic are refused on a
//! queue consumer, and the other way round.

use super::{article, sub_path, ByName, Checker};
use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::limits::{MAX_ATTEMPTS, MAX_CONCURRENCY, MAX_EVENT_TYPES, MAX_SCHEMA_VERSIONS};
use crate::scenario::*;

/// The consumer's effect; without a named one, its own (named after the consumer).
fn effect_name(s: &ConsumerSpec) -> String {
    s.effect.clone().unwrap_or_else(|| s.id.clone())
}

impl Checker {
    pub(super) fn compile_consumer(&mut self, p: &str, s: &ConsumerSpec) -> ConsumerModel {
        let processing = self.distribution(&sub_path(p, ".processing"), &s.processing);
        let concurrency = self.int_range(p, ".concurrency", s.concurrency, 1, MAX_CONCURRENCY, "") as u32;
        let r = &s.retry;
        let base_ms = self.ms(p, ".retry.base_ms", r.base_ms, true);
        let cap_ms = self.ms(p, ".retry.cap_ms", r.cap_ms, true);
        if cap_ms < base_ms {
            self.err(sub_path(p, ".retry.cap_ms"), "must not be less than base_ms");
        }
        let default_attempts = if r.policy == RetryPolicy::None { 1 } else { 3 };
        let max_attempts =
            self.int_range(p, ".retry.max_attempts", r.max_attempts.unwrap_or(default_attempts), 1, MAX_ATTEMPTS, "")
                as u32;
        if r.policy == RetryPolicy::None && max_attempts > 1 {
            self.err(
                sub_path(p, ".retry.max_attempts"),
                "needs a retry policy (immediate, fixed or exponential) to retry",
            );
        }
        let effect = effect_name(s);
        self.name(p, ".effect", &effect);
        let mut m = ConsumerModel {
            semantics: s.semantics,
            processing,
            concurrency,
            prefetch: s.prefetch.map(|v| self.prefetch(p, ".prefetch", v)),
            retry: RetryModel {
                policy: r.policy,
                base_ms,
                cap_ms: cap_ms.max(base_ms),
                jitter: r.jitter,
                max_attempts,
                then: r.then,
            },
            effect,
            queue: None,
            crashes: Vec::new(),
            slow_factor: 1.0,
            transient_error_rate: 0.0,
            poison: Vec::new(),
            lose_acks: 0.0,
            downstream_outages: Vec::new(),
            start: Duration::from_ms(self.whole_ms(p, ".start_ms", s.start_ms, 0)),
            dead_letter: None,
            log: None,
            output: self.compile_output(p, s),
            projection: None,
            reader_version: s
                .schema_version
                .map_or(0, |v| self.int_range(p, ".schema_version", v, 1, MAX_SCHEMA_VERSIONS as i64, "") as u16),
        };
        for (j, f) in s.faults.iter().enumerate() {
            let fp = format!("{p}.faults[{j}]");
            match f {
                ConsumerFault::Crash { probability, point, recover_after_ms } => {
                    let probability = self.probability(&fp, ".crash.probability", *probability);
                    let rec = self.whole_ms(&fp, ".crash.recover_after_ms", *recover_after_ms, 0);
                    if *point == CrashPoint::AfterPublish && s.publishes.is_empty() {
                        self.err(sub_path(&fp, ".crash.point"), "\"after_publish\" is a point in a service's handler: this consumer publishes nothing (add \"publishes\")");
                    }
                    m.crashes.push(CrashModel { probability, point: *point, recover_after: Duration::from_ms(rec) });
                }
                ConsumerFault::Slow { factor } => {
                    if let Some(factor) = self.slow_factor(&fp, ".slow.factor", *factor) {
                        m.slow_factor *= factor;
                    }
                }
                ConsumerFault::TransientErrors { rate } => {
                    m.transient_error_rate = self.probability(&fp, ".transient_errors.rate", *rate)
                }
                ConsumerFault::Poison(ps) => {
                    let set = [ps.every_nth.is_some(), ps.key.is_some(), ps.schema_version_above.is_some()];
                    if set.iter().filter(|b| **b).count() != 1 {
                        self.err(sub_path(&fp, ".poison"), "needs exactly one of every_nth, key, schema_version_above");
                    }
                    m.poison.push(PoisonModel {
                        every_nth: ps
                            .every_nth
                            .map(|n| self.int_range(&fp, ".poison.every_nth", n, 1, 1_000_000, "") as u32),
                        key: ps.key.clone(),
                        schema_version_above: ps
                            .schema_version_above
                            .map(|n| self.int_range(&fp, ".poison.schema_version_above", n, 0, 1_000, "") as u32),
                    });
                }
                ConsumerFault::LoseAcks { probability } => {
                    m.lose_acks = self.probability(&fp, ".lose_acks.probability", *probability)
                }
                ConsumerFault::DownstreamOutage { at_ms, duration_ms } => {
                    let from = self.whole_ms(&fp, ".downstream_outage.at_ms", *at_ms, 0);
                    let len = self.whole_ms(&fp, ".downstream_outage.duration_ms", *duration_ms, 1);
                    m.downstream_outages.push((Duration::from_ms(from), Duration::from_ms(from + len)));
                }
            }
        }
        m
    }

    /// What a service publishes (`publishes`, `publish_mode`, `publish`); `None` for a plain
    /// consumer, which may then not have the other two either.
    fn compile_output(&mut self, p: &str, s: &ConsumerSpec) -> Option<Box<ServiceOutput>> {
        let mut saga = s.orchestrates.as_ref().map(|saga| self.compile_saga(p, saga));
        if let Some(r) = &s.requests {
            let request = self.compile_request(p, r);
            if saga.is_some() {
                self.err(
                    sub_path(p, ".requests"),
                    "a consumer either orchestrates a saga or sends requests: a request is a saga of one step",
                );
            }
            saga = Some(request);
        }
        if saga.is_some() {
            let (what, field) =
                if s.requests.is_some() { ("a requester", "requests") } else { ("an orchestrator", "orchestrates") };
            if !s.publishes.is_empty() {
                self.err(sub_path(p, ".publishes"), format!("{what} sends what \"{field}\" says: remove \"publishes\", or make it a service without \"{field}\""));
            }
            if !s.publish_mode.is_default() {
                self.err(
                    sub_path(p, ".publish_mode"),
                    format!("{what} sends its next command as it handles a reply; \"publish_mode\" does not apply"),
                );
            }
        } else if s.publishes.is_empty() {
            let stray = if s.publish.is_some() {
                Some("publish")
            } else {
                (!s.publish_mode.is_default()).then_some("publish_mode")
            };
            if let Some(name) = stray {
                self.err(
                    format!("{p}.{name}"),
                    "applies to what a consumer publishes: add \"publishes\": [{\"publish\": [\"OrderPacked\"]}] to make it a service",
                );
            }
            return None;
        }
        let mut rules: Vec<OutputRule> = Vec::new();
        for (j, r) in s.publishes.iter().enumerate() {
            let rp = format!("{p}.publishes[{j}]");
            if let Some(on) = &r.on {
                self.name(&rp, ".on", on);
            }
            if r.publish.is_empty() && r.give_up.is_empty() && r.effect.is_none() && r.reply.is_none() {
                self.err(&rp, "publishes nothing: add \"publish\" (on success) or \"give_up\" (on giving up), each an event type or a list");
            }
            if let Some(effect) = &r.effect {
                self.name(&rp, ".effect", effect);
            }
            if let Some(reply) = &r.reply {
                self.name(&rp, ".reply", reply);
                self.event_types += 1;
            }
            for (what, list) in [("publish", &r.publish), ("give_up", &r.give_up)] {
                for (k, t) in list.iter().enumerate() {
                    self.name(&format!("{rp}.{what}[{k}]"), "", t);
                }
                self.event_types += list.len() as u64;
            }
            if let Some(first) = rules.iter().position(|o| o.on == r.on) {
                let which = r.on.as_ref().map_or("any event type".to_string(), |t| format!("\"{t}\""));
                self.err(&rp, format!("repeats publishes[{first}]: one rule per input event type ({which})"));
            }
            rules.push(OutputRule {
                on: r.on.clone(),
                publish: r.publish.clone(),
                give_up: r.give_up.clone(),
                effect: r.effect.clone(),
                reply: r.reply.clone(),
            });
        }
        if self.event_types > MAX_EVENT_TYPES {
            self.err(
                sub_path(p, ".publishes"),
                format!("the producers and services may name at most {MAX_EVENT_TYPES} event types in all; with this one's they name {}", self.event_types),
            );
        }
        let publisher = ProducerModel {
            arrivals: ArrivalModel::Fixed { interval: Duration(0) },
            count: Some(0),
            start: Duration(0),
            event_types: Vec::new(),
            schema_version: 1,
            keys: Vec::new(),
            key_choice: KeyChoice::RoundRobin,
            routing_key: None,
            publish: s.publish.as_ref().map(|ps| self.publish_model(p, ps)),
            publish_lost: 0.0,
            confirm_lost: 0.0,
            target: None,
            idempotent: false,
            acks: Acks::All,
            partition_by: PartitionBy::Key,
            // An outbox is written with the effect and relayed as a producer's outbox is.
            write: (s.publish_mode == PublishMode::Outbox).then(|| WriteModel {
                name: effect_name(s),
                outbox: true,
                relay_interval: Duration::from_ms(100),
                order: WriteOrder::WriteThenPublish,
            }),
            crash: None,
            read_models: Vec::new(),
            transactions: None,
            tombstones: Vec::new(),
        };
        Some(Box::new(ServiceOutput { publisher, rules, mode: s.publish_mode, saga, reply_to: None }))
    }

    /// Topic consumers: their group, commit settings and dead-letter target. Settings that
    /// only mean something on a topic are refused on a queue consumer, and the other way round.
    pub(super) fn compile_log_consumers(
        &mut self,
        s: &Scenario,
        by_name: &ByName,
        nodes: &mut [NodeModel],
    ) -> Vec<GroupModel> {
        let mut groups: Vec<GroupModel> = Vec::new();
        let mut strategy_of: Vec<(AssignmentStrategy, usize)> = Vec::new();
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Consumer(c) = n else { continue };
            let p = format!("nodes[{i}]");
            let id = NodeId(i as u32);
            let topic = self.consumer_topic.get(id.index()).copied().flatten();
            // The dead-letter target of a consumer (topic consumers only).
            let dead_letter = match &c.dead_letter {
                None => None,
                Some(t) => match by_name.get(t.as_str()) {
                    None => {
                        self.no_such_node(sub_path(&p, ".dead_letter"), t);
                        None
                    }
                    Some(d) if Some(*d) == topic => {
                        self.err(sub_path(&p, ".dead_letter"), "must be another topic than the one it reads");
                        None
                    }
                    Some(d) => match &s.nodes[d.index()] {
                        Node::Topic(_) | Node::DeadLetterQueue(_) => Some(*d),
                        other => {
                            self.err(
                                sub_path(&p, ".dead_letter"),
                                format!(
                                    "must name a topic (a retry or dead-letter topic) or a dead-letter queue, not {} {}",
                                    article(other.kind_name()),
                                    other.kind_name()
                                ),
                            );
                            None
                        }
                    },
                },
            };
            let Some(topic) = topic else {
                let topic_only = [
                    ("group", c.group.is_some()),
                    ("assignment", c.assignment.is_some()),
                    ("commit", c.commit.is_some()),
                    ("auto_commit_interval_ms", c.auto_commit_interval_ms.is_some()),
                    ("max_poll_records", c.max_poll_records.is_some()),
                    ("auto_offset_reset", c.auto_offset_reset.is_some()),
                    ("session_timeout_ms", c.session_timeout_ms.is_some()),
                    ("max_poll_interval_ms", c.max_poll_interval_ms.is_some()),
                    ("heartbeat_interval_ms", c.heartbeat_interval_ms.is_some()),
                    ("transactional", c.transactional),
                    ("isolation_level", c.isolation_level != IsolationLevel::ReadUncommitted),
                    ("dead_letter", c.dead_letter.is_some()),
                ];
                for (field, set) in topic_only {
                    if set {
                        self.err(
                            format!("{p}.{field}"),
                            "applies to a consumer that reads a topic; this one does not (on a queue, the queue's own settings decide)",
                        );
                    }
                }
                continue;
            };
            if c.prefetch.is_some() {
                self.err(
                    sub_path(&p, ".prefetch"),
                    "prefetch is a queue setting; a topic consumer polls up to max_poll_records",
                );
            }
            if c.concurrency != 1 {
                self.err(
                    sub_path(&p, ".concurrency"),
                    "a topic consumer processes one record at a time, as Kafka's poll loop does; add consumers to the group to read partitions in parallel",
                );
            }
            for (j, f) in c.faults.iter().enumerate() {
                if matches!(f, ConsumerFault::LoseAcks { .. }) {
                    self.err(
                        format!("{p}.faults[{j}]"),
                        "lost acks are a queue fault; on a topic, a crash before the commit shows the same thing",
                    );
                }
            }
            if c.retry.then == GiveUp::DeadLetter && dead_letter.is_none() && c.dead_letter.is_none() {
                self.err(
                    sub_path(&p, ".retry.then"),
                    "a topic consumer that dead-letters needs somewhere to send the record: set \"dead_letter\" to a topic or a dead-letter queue",
                );
            }
            if c.transactional && c.semantics == Semantics::AtMostOnce {
                self.err(
                    sub_path(&p, ".transactional"),
                    "a transactional commit commits the offset with the effect, after processing; at-most-once commits before",
                );
            }
            let group_name = c.group.clone().unwrap_or_else(|| c.id.clone());
            self.name(&p, ".group", &group_name);
            let strategy = c.assignment.unwrap_or_default();
            let g = match groups.iter().position(|g| g.name == group_name) {
                Some(g) => {
                    let (first, at) = strategy_of[g];
                    if first != strategy {
                        self.err(
                            sub_path(&p, ".assignment"),
                            format!(
                                "every member of group \"{group_name}\" must use the same assignment strategy (nodes[{at}] uses \"{}\"); Kafka refuses a member whose strategy the group does not share",
                                first.name()
                            ),
                        );
                    }
                    g
                }
                None => {
                    groups.push(GroupModel {
                        name: group_name.clone(),
                        strategy,
                        members: Vec::new(),
                        topics: Vec::new(),
                    });
                    strategy_of.push((strategy, i));
                    groups.len() - 1
                }
            };
            groups[g].members.push(id);
            if !groups[g].topics.contains(&topic) {
                groups[g].topics.push(topic);
            }
            let session = self.ms_setting(&p, ".session_timeout_ms", c.session_timeout_ms, 45_000);
            let heartbeat =
                self.ms_setting(&p, ".heartbeat_interval_ms", c.heartbeat_interval_ms, 3_000.min(session as i64));
            if heartbeat > session {
                self.err(
                    sub_path(&p, ".heartbeat_interval_ms"),
                    "must not be more than session_timeout_ms (Kafka advises a third of it)",
                );
            }
            let max_poll_interval = self.ms_setting(&p, ".max_poll_interval_ms", c.max_poll_interval_ms, 300_000);
            let interval = self.ms_setting(&p, ".auto_commit_interval_ms", c.auto_commit_interval_ms, 5_000);
            if c.auto_commit_interval_ms.is_some() && c.commit.is_some_and(|m| m != CommitMode::Auto) {
                self.err(sub_path(&p, ".auto_commit_interval_ms"), "applies only to \"commit\": \"auto\"");
            }
            let max_poll = self.int_range(&p, ".max_poll_records", c.max_poll_records.unwrap_or(500), 1, 10_000, "");
            if let NodeKind::Consumer(cm) = &mut nodes[i].kind {
                cm.dead_letter = dead_letter;
                cm.log = Some(LogConsumerModel {
                    topic,
                    group: g as u16,
                    commit: c.commit.unwrap_or_default(),
                    auto_commit_interval: Duration::from_ms(interval),
                    max_poll_records: max_poll as u32,
                    offset_reset: c.auto_offset_reset.unwrap_or_default(),
                    session_timeout: Duration::from_ms(session),
                    max_poll_interval: Duration::from_ms(max_poll_interval),
                    heartbeat_interval: Duration::from_ms(heartbeat),
                    transactional: c.transactional,
                    read_committed: c.isolation_level == IsolationLevel::ReadCommitted,
                });
            }
        }
        for g in &mut groups {
            crate::sort::sort_by(&mut g.members, |a, b| s.nodes[a.index()].id() < s.nodes[b.index()].id());
            crate::sort::sort(&mut g.topics);
        }
        for (gi, g) in groups.iter().enumerate() {
            for t in &g.topics {
                if let NodeKind::Topic(tm) = &mut nodes[t.index()].kind {
                    tm.groups.push(gi as u16);
                }
            }
        }
        groups
    }

    /// A poison fault that picks its messages by key needs a key, without control characters.
    pub(super) fn check_poison_keys(&mut self, s: &Scenario) {
        for (i, n) in s.nodes.iter().enumerate() {
            if let Node::Consumer(c) = n {
                for (j, f) in c.faults.iter().enumerate() {
                    if let ConsumerFault::Poison(PoisonSpec { key: Some(k), .. }) = f {
                        let path = format!("nodes[{i}].faults[{j}].poison.key");
                        if k.is_empty() {
                            self.err(path, "must not be empty");
                        } else {
                            self.no_control_characters(&path, "", k);
                        }
                    }
                }
            }
        }
    }
}
