//! The journal: the whole run as the scout read it ahead of the playhead, kept for the panels.
//! It holds every trace entry (up to a cap), the depth, lag and in-flight figures sampled at
//! even steps of virtual time for the charts, and the events that broke a promised delivery
//! guarantee for the invariant monitor. The event log and the message passport read the
//! entries; nothing here depends on where the playhead is.
//!
//! ```text
//!   scout ──drain_trace──▶ Journal::note(entries) ──▶ entries, by_msg, breaches
//!         ──at each step──▶ Journal::sample(sim)   ──▶ series (one line per queue, group, consumer)
//! ```

use broker::NodeKind;
use broker::{Entry, MessageParts, Names, NodeId, Simulation};

/// The most entries kept: about 16 MB. A lesson has a few thousand; a run of a million
/// messages keeps its beginning and says so.
pub const MAX_ENTRIES: usize = 250_000;
/// The charts sample the run at this many even steps.
pub const SAMPLES: u64 = 240;
/// The most guarantee breaches listed.
pub const MAX_BREACHES: usize = 200;

/// What a chart line measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Messages in a queue (ready and unacked), as RabbitMQ's management UI counts them.
    Depth,
    /// Records written to a group's partitions and not yet committed by the group.
    Lag,
    /// Deliveries a consumer holds: prefetched and unacked, or polled and in progress.
    InFlight,
    /// An orchestrator's sagas or a requester's requests waiting for a reply.
    Waiting,
    /// A read model's rows behind the write side: the window of eventual consistency.
    Behind,
}

/// One line of a chart: a queue, a group or a consumer.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub measure: Measure,
    pub label: String,
    pub values: Vec<u64>,
}

/// A broken guarantee: where on the timeline, which message, and what happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Breach {
    pub t_us: u64,
    /// The node it happened at (a consumer, or where an end-to-end loss happened).
    pub node: u32,
    pub msg: Option<u32>,
    pub text: String,
}

#[derive(Default)]
pub struct Journal {
    /// Different for every journal made (a cache can tell two runs apart by it).
    pub id: u64,
    pub entries: Vec<Entry>,
    /// Entries past [`MAX_ENTRIES`], counted but not kept.
    pub left_out: u64,
    /// For each message (by index), the positions of its entries in `entries`.
    pub by_msg: Vec<Vec<u32>>,
    /// For each message (by index), who published it, its number, key, type and cause, read
    /// from the scout when its first entry came: a panel names it and follows its flow at
    /// any playhead, also before the playhead has reached it.
    pub parts: Vec<MessageParts>,
    /// Whether any message has a cause (a service published it): without one, every flow is
    /// one message.
    pub has_causes: bool,
    /// Sample times (µs) and one line per measured thing, a value per sample time.
    pub times: Vec<u64>,
    pub lines: Vec<Line>,
    every_us: u64,
    next_us: u64,
    pub breaches: Vec<Breach>,
    pub breaches_left_out: u64,
    /// The scout has read the whole run.
    pub complete: bool,
}

impl Journal {
    pub fn new(sim: &Simulation) -> Journal {
        let mut lines = Vec::new();
        for n in &sim.model().nodes {
            let measure = match &n.kind {
                NodeKind::Queue(_) | NodeKind::DeadLetterQueue => Measure::Depth,
                NodeKind::Consumer(_) => Measure::InFlight,
                _ => continue,
            };
            lines.push(Line { measure, label: n.name.clone(), values: Vec::new() });
        }
        for g in &sim.model().groups {
            lines.push(Line { measure: Measure::Lag, label: g.name.clone(), values: Vec::new() });
        }
        for (i, n) in sim.model().nodes.iter().enumerate() {
            if sim.saga_counts(NodeId(i as u32)).is_some() {
                lines.push(Line { measure: Measure::Waiting, label: n.name.clone(), values: Vec::new() });
            }
        }
        for n in &sim.model().nodes {
            if let NodeKind::ReadModel(_) = n.kind {
                lines.push(Line { measure: Measure::Behind, label: n.name.clone(), values: Vec::new() });
            }
        }
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Journal { id, lines, every_us: (sim.end().0 / SAMPLES).max(1), ..Journal::default() }
    }

    /// When the scout should stop the clock next for a sample.
    pub fn next_sample_us(&self) -> u64 {
        self.next_us
    }

    /// Records the figures at the simulation's time (the scout calls this at every step).
    pub fn sample(&mut self, sim: &Simulation) {
        let nodes = sim.node_snapshots();
        let mut lines = self.lines.iter_mut();
        for (n, s) in sim.model().nodes.iter().zip(&nodes) {
            let value = match &n.kind {
                NodeKind::Queue(_) | NodeKind::DeadLetterQueue => s.ready.unwrap_or(0) + s.unacked.unwrap_or(0),
                NodeKind::Consumer(_) => s.unacked.unwrap_or(0).max(s.in_progress.unwrap_or(0)),
                _ => continue,
            };
            if let Some(l) = lines.next() {
                l.values.push(value);
            }
        }
        for g in 0..sim.model().groups.len() {
            if let Some(l) = lines.next() {
                l.values.push(sim.group_lag(g as u16));
            }
        }
        for s in nodes.iter().filter_map(|s| s.sagas) {
            if let Some(l) = lines.next() {
                l.values.push(u64::from(s.running + s.compensating));
            }
        }
        for t in nodes.iter().filter_map(|s| s.table.as_ref()) {
            if let Some(l) = lines.next() {
                l.values.push(u64::from(t.behind));
            }
        }
        self.times.push(sim.now().0);
        self.next_us = sim.now().0 + self.every_us;
    }

    /// Keeps one of the scout's entries; returns what it broke, if it broke a promised
    /// delivery guarantee.
    pub fn note(&mut self, sim: &Simulation, e: Entry) -> Option<String> {
        let breach = crate::play::checks::breach(sim, &e);
        if let Some(text) = &breach {
            if self.breaches.len() < MAX_BREACHES {
                self.breaches.push(Breach {
                    t_us: e.t.0,
                    node: e.node.0,
                    msg: e.msg().map(|m| m.index() as u32),
                    text: text.clone(),
                });
            } else {
                self.breaches_left_out += 1;
            }
        }
        if self.entries.len() >= MAX_ENTRIES {
            self.left_out += 1;
            return breach;
        }
        if let Some(m) = e.msg() {
            let i = m.index();
            if self.by_msg.len() <= i {
                self.by_msg.resize(i + 1, Vec::new());
                self.parts.resize(i + 1, MessageParts::UNKNOWN);
            }
            if !self.parts[i].is_known() {
                self.parts[i] = sim.message_parts(m).unwrap_or(MessageParts::UNKNOWN);
                self.has_causes |= self.parts[i].cause().is_some();
            }
            self.by_msg[i].push(self.entries.len() as u32);
        }
        self.entries.push(e);
        breach
    }

    /// The entries about one message, in order.
    pub fn of_message(&self, msg: u32) -> impl Iterator<Item = &Entry> {
        self.by_msg.get(msg as usize).into_iter().flatten().map(|&i| &self.entries[i as usize])
    }

    /// A message's parts, if the scout has read it.
    pub fn parts(&self, msg: u32) -> Option<MessageParts> {
        self.parts.get(msg as usize).copied().filter(MessageParts::is_known)
    }

    /// The messages of `msg`'s flow, in publish order: the first (its correlation id) and
    /// every message a service published because of one of them, as far as the scout read.
    pub fn flow(&self, msg: u32) -> Vec<u32> {
        let mut root = msg;
        while let Some(c) = self.parts(root).and_then(|p| p.cause()) {
            root = c;
        }
        let mut members = vec![root];
        if !self.has_causes {
            return members;
        }
        for (i, p) in self.parts.iter().enumerate().skip(root as usize + 1) {
            if p.cause().is_some_and(|c| members.binary_search(&c).is_ok()) {
                members.push(i as u32);
            }
        }
        members
    }

    /// The nodes `msgs` passed through (by index, in order): where their entries happened and
    /// the consumers, dead-letter targets and queues they were delivered, dead-lettered or
    /// redriven to.
    pub fn nodes_of(&self, msgs: &[u32]) -> Vec<u32> {
        let mut nodes: Vec<u32> = Vec::new();
        for e in msgs.iter().flat_map(|&m| self.of_message(m)) {
            nodes.push(e.node.0);
            match e.event {
                broker::Event::Delivered { consumer: n, .. }
                | broker::Event::DeadLettered { target: n, .. }
                | broker::Event::Redriven { to: n } => nodes.push(n.0),
                _ => {}
            }
        }
        broker::sort::sort(&mut nodes);
        nodes.dedup();
        nodes
    }

    /// A message's name ("payment-3"), as the outcome names it.
    pub fn name(&self, sim: &Simulation, msg: u32) -> String {
        match self.parts(msg) {
            Some(p) => format!("{}-{}", sim.node_name(p.publisher), p.number),
            None => format!("message {}", msg + 1),
        }
    }

    /// A message as a person is told which: "order-42 (orders-17)", or its name alone.
    pub fn label(&self, sim: &Simulation, msg: u32) -> String {
        let name = self.name(sim, msg);
        match self.parts(msg).map(|p| sim.key_name(p.key)).filter(|k| !k.is_empty() && *k != name) {
            Some(k) => format!("{k} ({name})"),
            None => name,
        }
    }

    /// A message's event type ("" before the scout has read it).
    pub fn event_type<'a>(&self, sim: &'a Simulation, msg: u32) -> &'a str {
        self.parts(msg).map_or("", |p| sim.event_type_name(p.event_type))
    }

    /// How many entries happened at or before `t_us` (entries are in time order).
    pub fn count_until(&self, t_us: u64) -> usize {
        self.entries.partition_point(|e| e.t.0 <= t_us)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::model::presets::PRESETS;
    use crate::play::player::Player;

    /// A lesson's player with the whole run scouted.
    pub(crate) fn scouted(slug: &str) -> Player {
        let p = PRESETS.iter().find(|p| p.slug == slug).unwrap();
        let mut player = Player::new(broker::load_model(p.json).unwrap());
        while player.scout(5_000) {}
        player
    }

    #[test]
    fn the_journal_keeps_the_whole_trace_in_order_and_indexes_it_by_message() {
        let p = scouted("poison-with-dlq");
        let j = p.journal.borrow();
        assert!(j.complete);
        let mut straight = broker::Simulation::new(p.sim().model().clone());
        straight.run_to_end();
        assert_eq!(j.entries.len(), straight.drain_trace().len(), "every entry kept");
        assert!(j.entries.windows(2).all(|w| (w[0].t, w[0].seq) < (w[1].t, w[1].seq)));
        let poison = 9; // orders-10
        let kinds: Vec<&str> = j.of_message(poison).map(|e| e.event.name()).collect();
        assert_eq!(kinds.first(), Some(&"Published"));
        assert!(kinds.contains(&"DeadLettered"), "{kinds:?}");
    }

    #[test]
    fn samples_cover_the_run_evenly_and_see_the_depth() {
        let p = scouted("consumer-lag-rebalance");
        let j = p.journal.borrow();
        assert!(j.times.len() as u64 >= super::SAMPLES, "{}", j.times.len());
        assert!(j.lines.iter().all(|l| l.values.len() == j.times.len()));
        let lag = j.lines.iter().find(|l| l.measure == super::Measure::Lag).expect("a group's lag");
        assert!(lag.values.iter().any(|v| *v > 0));
    }

    #[test]
    fn a_requester_charts_the_requests_waiting_for_a_reply() {
        let p = scouted("request-reply-timeout");
        let j = p.journal.borrow();
        let waiting: Vec<&super::Line> = j.lines.iter().filter(|l| l.measure == super::Measure::Waiting).collect();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].label, "checkout");
        assert_eq!(waiting[0].values.len(), j.times.len());
        assert!(waiting[0].values.iter().any(|v| *v > 0), "requests wait at some sample");
        assert_eq!(waiting[0].values.last(), Some(&0), "every request answered by the end");
    }

    #[test]
    fn the_monitor_marks_where_a_guarantee_broke() {
        let p = scouted("dual-write");
        let j = p.journal.borrow();
        assert!(!j.breaches.is_empty());
        assert!(p.markers.iter().any(|m| m.kind == crate::play::player::MarkerKind::Breach));
        let p = scouted("crash-exactly-once");
        assert!(p.journal.borrow().breaches.is_empty());
    }
}
