//! A flow as a timeline: every message of one flow (one correlation id), read from the
//! journal, as spans. A message's span is its publish, on its publisher; a handling span is
//! one delivery to a consumer or service: its wait in the queue (and in the consumer's prefetch
//! buffer), each processing attempt, and the backoff between attempts; a queue span is a
//! message that died or still waits in a queue no consumer took it from. Failures, crashes,
//! dead letters, losses, effects applied twice and compensations are marks on them.
//!
//! Two layouts, the two ways tracing tools draw asynchronous work:
//!
//! ```text
//!   by service (links)                        as a tree (parent-child)
//!   orders   ▮OrderPlaced                      OrderPlaced orders-1
//!              ╰──────╮                          payment        ░▮▮
//!   payment           ░░▮▮▮▮ ╮                     PaymentCaptured payment-1
//!                            ╰──╮                    shipping        ░▮▮
//!   shipping                    ░▮▮
//! ```
//!
//! By service, one row per node, each handling linked to the message that caused it (as
//! OpenTelemetry's messaging conventions recommend); as a tree, a message's handlings are its
//! children and what a handling published is theirs.

use broker::{Entry, Event, NodeId, Simulation};

use crate::play::journal::Journal;
use crate::play::words;

/// What a stretch of a span is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Publishing: from the first attempt to the last (a retry lengthens it).
    Publish,
    /// Waiting: in a queue or partition, then in the consumer's prefetch buffer.
    Wait,
    /// One processing attempt, up to its ack.
    Work,
    /// Waiting for the next attempt.
    Backoff,
}

impl Part {
    /// The class its bar is drawn with.
    pub fn class(self) -> &'static str {
        match self {
            Part::Publish => "bar-publish",
            Part::Wait => "bar-wait",
            Part::Work => "bar-work",
            Part::Backoff => "bar-backoff",
        }
    }
}

/// A stretch of a span; `open` when it has not ended by the flow's last moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Seg {
    pub from: u64,
    pub to: u64,
    pub part: Part,
    pub open: bool,
}

/// What a mark says at a glance; its glyph is the sign, never its colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    Failed,
    Crashed,
    DeadLettered,
    Lost,
    Twice,
    Skipped,
    Compensation,
}

impl Sign {
    pub fn glyph(self) -> &'static str {
        match self {
            Sign::Failed => "✗",
            Sign::Crashed => "↯",
            Sign::DeadLettered => "☠",
            Sign::Lost => "✕",
            Sign::Twice => "‼",
            Sign::Skipped => "⊘",
            Sign::Compensation => "↺",
        }
    }

    /// The class its glyph is drawn with.
    pub fn class(self) -> &'static str {
        match self {
            Sign::Compensation | Sign::Skipped => "mark mark-good",
            _ => "mark",
        }
    }

    /// The legend's words for the sign.
    pub fn meaning(self) -> &'static str {
        match self {
            Sign::Failed => "failed",
            Sign::Crashed => "crash",
            Sign::DeadLettered => "dead-lettered",
            Sign::Lost => "lost or dropped",
            Sign::Twice => "effect applied again",
            Sign::Skipped => "duplicate skipped",
            Sign::Compensation => "compensation",
        }
    }

    pub const ALL: [Sign; 7] =
        [Sign::Failed, Sign::Crashed, Sign::DeadLettered, Sign::Lost, Sign::Twice, Sign::Skipped, Sign::Compensation];
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub t: u64,
    pub sign: Sign,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    /// A message's publish, on its publisher.
    Message,
    /// One delivery to a consumer or service.
    Handling,
    /// A message in a queue: where it died, or where it still waits.
    Queue,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub msg: u32,
    pub node: NodeId,
    pub kind: SpanKind,
    /// The handling that published this message (for a message span), or the message span
    /// (for a handling or queue span).
    pub parent: Option<usize>,
    pub segs: Vec<Seg>,
    pub marks: Vec<Mark>,
    /// The message's event type.
    pub event_type: String,
    /// The business effect a handling applied, if it did.
    pub effect: Option<String>,
}

impl Span {
    /// Its first moment: its first stretch, or its first mark if it has no stretch.
    pub fn start(&self) -> u64 {
        self.segs.first().map(|s| s.from).or_else(|| self.marks.first().map(|m| m.t)).unwrap_or(0)
    }
}

/// One flow, read from the journal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flow {
    /// Its first message (its correlation id).
    pub root: u32,
    /// Its messages, in publish order.
    pub members: Vec<u32>,
    pub spans: Vec<Span>,
    /// Its first moment, and where its timeline ends: its last event or, while something of
    /// it still waits, a little later (an open stretch runs off the end rather than squeezing
    /// what happened into a corner of a long run).
    pub from: u64,
    pub to: u64,
    /// Its last event.
    pub last: u64,
    /// Whether something of it is still waiting or being worked on at `to`.
    pub open: bool,
}

/// A row of a layout: a label, an indent and the spans drawn on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub depth: usize,
    pub spans: Vec<usize>,
}

/// An arrow from a message's publish to a handling of it (by-service layout).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub from: (usize, u64),
    pub to: (usize, u64),
}

/// Reading one message's entries: the spans open at each node.
struct Reader {
    spans: Vec<Span>,
    /// Open handling span per consumer node.
    open: Vec<(NodeId, usize)>,
    /// Copies ready in a queue: (copy, since, queue).
    ready: Vec<(u32, u64, NodeId)>,
    /// When the message last became ready anywhere (a topic append, a publish).
    ready_any: u64,
}

impl Flow {
    /// The flow of `msg`, as far as the scout read it; open stretches end at `now_us` if
    /// that is later than the flow's last entry.
    pub fn read(journal: &Journal, sim: &Simulation, msg: u32, now_us: u64) -> Flow {
        let members = journal.flow(msg);
        let undo: Vec<&str> = sim
            .model()
            .flows
            .as_ref()
            .map(|f| f.compensations.iter().map(|(_, u)| u.as_str()).collect())
            .unwrap_or_default();
        let mut r = Reader { spans: Vec::new(), open: Vec::new(), ready: Vec::new(), ready_any: 0 };
        let mut last = 0;
        for &m in &members {
            r.open.clear();
            r.ready.clear();
            let event_type = journal.event_type(sim, m).to_string();
            let parts = journal.parts(m);
            let publisher = parts.map_or(NodeId(u32::MAX), |p| p.publisher);
            // The handling that published it: the cause's latest at the publisher.
            let parent = parts.and_then(|p| p.cause()).and_then(|c| {
                r.spans.iter().rposition(|s| s.msg == c && s.kind == SpanKind::Handling && s.node == publisher)
            });
            let me = r.spans.len();
            r.spans.push(Span {
                msg: m,
                node: publisher,
                kind: SpanKind::Message,
                parent,
                segs: Vec::new(),
                marks: Vec::new(),
                event_type: event_type.clone(),
                effect: None,
            });
            for e in journal.of_message(m) {
                last = last.max(e.t.0);
                r.read(e, sim, me, parts.map_or(0, |p| p.event_type), &undo);
            }
            for (_, since, queue) in std::mem::take(&mut r.ready) {
                let s = r.queue_span(me, queue);
                r.spans[s].segs.push(Seg { from: since, to: since, part: Part::Wait, open: true });
            }
        }
        let from = r.spans.iter().filter_map(|s| s.segs.first()).map(|s| s.from).min().unwrap_or(0);
        let open = r.spans.iter().flat_map(|s| &s.segs).any(|s| s.open);
        let tail = ((last.saturating_sub(from)) / 3).max(100_000);
        let to = if open { last.max(now_us.min(sim.end().0).min(last + tail)) } else { last };
        for s in r.spans.iter_mut().flat_map(|s| s.segs.iter_mut()).filter(|s| s.open) {
            s.to = s.to.max(to);
        }
        Flow { root: members[0], members, spans: r.spans, from, to, last, open }
    }

    /// One row per node, in the order they first took part (spans are made in the flow's
    /// order: a message, then its handlings, then what they published); each handling linked
    /// to its message's publish.
    pub fn by_service(&self, sim: &Simulation) -> (Vec<Row>, Vec<Link>) {
        let mut rows: Vec<(NodeId, Row)> = Vec::new();
        let mut row_of = Vec::with_capacity(self.spans.len());
        for (i, span) in self.spans.iter().enumerate() {
            let node = span.node;
            let at = match rows.iter().position(|(n, _)| *n == node) {
                Some(at) => at,
                None => {
                    let label = sim.model().nodes.get(node.index()).map_or("", |n| n.name.as_str()).to_string();
                    rows.push((node, Row { label, depth: 0, spans: Vec::new() }));
                    rows.len() - 1
                }
            };
            rows[at].1.spans.push(i);
            row_of.push(at);
        }
        let links = self
            .spans
            .iter()
            .enumerate()
            // A message's handlings; where it waits or died in a queue is on that queue's row.
            .filter(|(_, s)| s.kind == SpanKind::Handling)
            .filter_map(|(i, s)| {
                let p = s.parent?;
                Some(Link { from: (row_of[p], self.spans[p].start()), to: (row_of[i], s.start()) })
            })
            .collect();
        (rows.into_iter().map(|(_, r)| r).collect(), links)
    }

    /// One row per span: each message under the handling that published it, each handling
    /// under its message.
    pub fn as_tree(&self, journal: &Journal, sim: &Simulation) -> Vec<Row> {
        let mut rows = Vec::new();
        if !self.spans.is_empty() {
            self.walk(0, 0, journal, sim, &mut rows);
        }
        rows
    }

    fn walk(&self, i: usize, depth: usize, journal: &Journal, sim: &Simulation, rows: &mut Vec<Row>) {
        let s = &self.spans[i];
        let node = sim.model().nodes.get(s.node.index()).map_or("", |n| n.name.as_str());
        let label = match s.kind {
            SpanKind::Message => format!("{} {}", s.event_type, journal.name(sim, s.msg)),
            _ => node.to_string(),
        };
        rows.push(Row { label, depth, spans: vec![i] });
        for c in (0..self.spans.len()).filter(|&c| self.spans[c].parent == Some(i)) {
            self.walk(c, depth + 1, journal, sim, rows);
        }
    }
}

impl Reader {
    fn read(&mut self, e: &Entry, sim: &Simulation, me: usize, event_type: u16, undo: &[&str]) {
        let t = e.t.0;
        let env = e.env().map_or(u32::MAX, |c| c.0);
        let mark = |sign: Sign| Mark { t, sign, text: words::describe(e, sim) };
        match &e.event {
            Event::Caused { .. } | Event::Published { .. } | Event::Written { .. } => {
                self.ready_any = t;
                self.extend_publish(me, t);
            }
            Event::PublishFailed { .. } | Event::ConfirmLost => {
                self.extend_publish(me, t);
                self.spans[me].marks.push(mark(Sign::Failed));
            }
            Event::Enqueued { .. } | Event::Requeued { .. } => {
                self.ready.retain(|r| r.0 != env);
                self.ready.push((env, t, e.node));
            }
            Event::Appended { .. } => self.ready_any = t,
            Event::Delivered { consumer, .. } => self.deliver(me, *consumer, env, t),
            Event::Fetched { .. } => self.deliver(me, e.node, env, t),
            Event::DeadLettered { .. }
            | Event::Expired
            | Event::Dropped { .. }
            | Event::Lost { .. }
            | Event::Deleted { .. } => {
                let sign = if matches!(e.event, Event::DeadLettered { .. }) { Sign::DeadLettered } else { Sign::Lost };
                let died_waiting = self.ready.iter().position(|r| r.0 == env && r.2 == e.node);
                if let Some(w) = died_waiting {
                    let (_, since, queue) = self.ready.remove(w);
                    let s = self.queue_span(me, queue);
                    self.spans[s].segs.push(Seg { from: since, to: t, part: Part::Wait, open: false });
                }
                let s = self.span_at(me, e.node);
                self.spans[s].marks.push(mark(sign));
                // A dead letter waits in its target until someone redrives it.
                if let Event::DeadLettered { target, .. } = e.event {
                    self.ready.push((env, t, target));
                }
            }
            _ => {
                let Some(h) = self.open.iter().find(|(n, _)| *n == e.node).map(|o| o.1) else {
                    // Something at the publisher (a crash, a rolled-back write) or a node the
                    // message is not being handled at: a mark where it happened if it is bad.
                    if let Some(sign) = bad_sign(&e.event) {
                        let s = self.span_at(me, e.node);
                        self.spans[s].marks.push(mark(sign));
                    }
                    return;
                };
                let span = &mut self.spans[h];
                match &e.event {
                    Event::ProcessingStarted { .. } => {
                        let end = span.segs.last().map_or(t, |s| s.to);
                        match span.segs.last_mut() {
                            Some(s) if s.part == Part::Wait && s.open => {
                                s.to = t;
                                s.open = false;
                            }
                            _ if end < t => span.segs.push(Seg { from: end, to: t, part: Part::Backoff, open: false }),
                            _ => {}
                        }
                        span.segs.push(Seg { from: t, to: t, part: Part::Work, open: true });
                        return;
                    }
                    Event::EffectApplied { count } => {
                        let effect = sim.effect_name_for(e.node, event_type);
                        if *count > 1 {
                            span.marks.push(mark(Sign::Twice));
                        } else if undo.contains(&effect) {
                            span.marks.push(Mark { t, sign: Sign::Compensation, text: effect.to_string() });
                        }
                        span.effect = Some(effect.to_string());
                    }
                    Event::DuplicateSuppressed => span.marks.push(mark(Sign::Skipped)),
                    other => {
                        if let Some(sign) = bad_sign(other) {
                            span.marks.push(mark(sign));
                        }
                    }
                }
                if let Some(s) = span.segs.last_mut().filter(|s| s.open) {
                    s.to = s.to.max(t);
                    if matches!(e.event, Event::ProcessingFailed { .. }) {
                        s.open = false;
                    }
                }
                if ends_handling(&e.event) {
                    if let Some(s) = span.segs.last_mut() {
                        s.open = false;
                    }
                    self.open.retain(|o| o.1 != h);
                }
            }
        }
    }

    /// A new handling span at `consumer`, its wait from when the copy became ready.
    fn deliver(&mut self, me: usize, consumer: NodeId, env: u32, t: u64) {
        let since = match self.ready.iter().position(|r| r.0 == env) {
            Some(i) => self.ready.remove(i).1,
            None => self.ready_any,
        };
        if let Some(i) = self.open.iter().position(|o| o.0 == consumer) {
            let (_, h) = self.open.remove(i);
            if let Some(s) = self.spans[h].segs.last_mut() {
                s.open = false;
            }
        }
        self.open.push((consumer, self.spans.len()));
        self.spans.push(Span {
            msg: self.spans[me].msg,
            node: consumer,
            kind: SpanKind::Handling,
            parent: Some(me),
            segs: vec![Seg { from: since.min(t), to: t, part: Part::Wait, open: true }],
            marks: Vec::new(),
            event_type: self.spans[me].event_type.clone(),
            effect: None,
        });
    }

    fn extend_publish(&mut self, me: usize, t: u64) {
        let segs = &mut self.spans[me].segs;
        match segs.first_mut() {
            Some(s) => s.to = s.to.max(t),
            None => segs.push(Seg { from: t, to: t, part: Part::Publish, open: false }),
        }
    }

    /// The span a mark at `node` goes on: the message's latest handling there (a consumer
    /// drops what it gave up on after its nack), its own at its publisher, or (made if need
    /// be) its span in that queue.
    fn span_at(&mut self, me: usize, node: NodeId) -> usize {
        let msg = self.spans[me].msg;
        match self.spans.iter().rposition(|s| s.msg == msg && s.node == node) {
            Some(i) => i,
            None => self.queue_span(me, node),
        }
    }

    fn queue_span(&mut self, me: usize, queue: NodeId) -> usize {
        let msg = self.spans[me].msg;
        if let Some(i) = self.spans.iter().rposition(|s| s.msg == msg && s.kind == SpanKind::Queue && s.node == queue) {
            return i;
        }
        let event_type = self.spans[me].event_type.clone();
        self.spans.push(Span {
            msg,
            node: queue,
            kind: SpanKind::Queue,
            parent: Some(me),
            segs: Vec::new(),
            marks: Vec::new(),
            event_type,
            effect: None,
        });
        self.spans.len() - 1
    }
}

/// The sign of an event that went wrong, if it did.
fn bad_sign(e: &Event) -> Option<Sign> {
    Some(match e {
        Event::ProcessingFailed { .. }
        | Event::Nacked { .. }
        | Event::AckLost
        | Event::AckFailed
        | Event::AckTimedOut => Sign::Failed,
        Event::Crashed { .. } | Event::TransactionAborted | Event::WriteRolledBack => Sign::Crashed,
        Event::Lost { .. } | Event::Dropped { .. } => Sign::Lost,
        _ => return None,
    })
}

/// Whether the event ends a delivery at the consumer.
fn ends_handling(e: &Event) -> bool {
    matches!(
        e,
        Event::Acked
            | Event::AckLost
            | Event::AckFailed
            | Event::Nacked { .. }
            | Event::Crashed { .. }
            | Event::AckTimedOut
            | Event::ChannelClosed { .. }
            | Event::Committed { .. }
            | Event::TransactionAborted
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;
    use crate::play::journal::tests::scouted;
    use crate::play::player::Player;

    fn flow_of(p: &Player, key: &str) -> Flow {
        let j = p.journal.borrow();
        let m = (0..j.parts.len() as u32).find(|&m| j.label(p.sim(), m).starts_with(&format!("{key} "))).unwrap();
        Flow::read(&j, p.sim(), m, p.end_us())
    }

    #[test]
    fn a_compensated_flow_shows_each_service_the_poison_retries_and_the_refund() {
        let p = scouted("order-flow-compensation");
        let f = flow_of(&p, "order-7");
        assert_eq!(f.members.len(), 3, "OrderPlaced, PaymentCaptured, StockFailed");
        let (rows, links) = f.by_service(p.sim());
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["checkout", "payment", "inventory"]);
        let marks = |row: usize, sign: Sign| {
            rows[row].spans.iter().flat_map(|&i| &f.spans[i].marks).filter(|m| m.sign == sign).count()
        };
        assert_eq!(marks(2, Sign::Failed), 3, "three attempts on the poison");
        assert_eq!(marks(2, Sign::Lost), 1, "then dropped");
        assert_eq!(marks(1, Sign::Compensation), 1, "payment refunds");
        // Each handling is linked to its message's publish: payment, inventory, then payment again.
        assert_eq!(links.len(), 3);
        assert!(links.iter().all(|l| l.from.1 <= l.to.1));
        let inventory =
            f.spans.iter().find(|s| s.kind == SpanKind::Handling && s.event_type == "PaymentCaptured").unwrap();
        let parts: Vec<Part> = inventory.segs.iter().filter(|g| g.to > g.from).map(|g| g.part).collect();
        assert_eq!(parts, [Part::Work, Part::Backoff, Part::Work, Part::Backoff, Part::Work]);
        let rows = f.as_tree(&p.journal.borrow(), p.sim());
        let tree: Vec<(usize, &str)> = rows.iter().map(|r| (r.depth, r.label.as_str())).collect();
        assert_eq!(
            tree,
            [
                (0, "OrderPlaced checkout-7"),
                (1, "payment"),
                (2, "PaymentCaptured payment-7"),
                (3, "inventory"),
                (4, "StockFailed inventory-7"),
                (5, "payment"),
            ]
        );
    }

    #[test]
    fn every_flow_of_every_lesson_has_each_message_once_and_stretches_in_order() {
        for preset in PRESETS {
            let p = scouted(preset.slug);
            let j = p.journal.borrow();
            let mut seen = vec![false; j.parts.len()];
            for m in 0..j.parts.len() as u32 {
                if seen[m as usize] {
                    continue;
                }
                let f = Flow::read(&j, p.sim(), m, p.end_us());
                assert!(f.members.contains(&m), "{}: {m}", preset.slug);
                for &x in &f.members {
                    assert!(!seen[x as usize] || f.members[0] != x, "{}: flows overlap at {x}", preset.slug);
                    seen[x as usize] = true;
                    let own = f.spans.iter().filter(|s| s.msg == x && s.kind == SpanKind::Message).count();
                    assert_eq!(own, 1, "{}: message {x}", preset.slug);
                }
                for s in &f.spans {
                    assert!(
                        s.segs.iter().all(|g| g.from <= g.to && g.from >= f.from && g.to <= f.to),
                        "{}: {s:?}",
                        preset.slug
                    );
                }
                let (rows, _) = f.by_service(p.sim());
                assert_eq!(rows.iter().map(|r| r.spans.len()).sum::<usize>(), f.spans.len());
                assert_eq!(f.as_tree(&j, p.sim()).len(), f.spans.len(), "{}: every span in the tree once", preset.slug);
            }
        }
    }

    #[test]
    fn a_message_the_scout_has_not_read_is_a_flow_of_its_own() {
        let p = scouted("work-queue");
        let j = p.journal.borrow();
        let f = Flow::read(&j, p.sim(), 1_000_000, 0);
        assert_eq!(f.members, [1_000_000]);
        assert_eq!(f.as_tree(&j, p.sim()).len(), 1);
    }
}
