//! The outcome in plain words: what a workshop says out loud. Damage first (duplicate effects,
//! losses), then what was set aside (dead letters, drops), then ordering and what is unfinished.

use crate::report::outcome::{Outcome, Rows};
use crate::sim::death::DeathReason;
use crate::sim::fate::Fate;
use crate::sim::trace::{DropReason, LossReason};
use crate::sim::{Limit, Simulation, COPY_BUDGET, MESSAGE_BUDGET};

/// At most this many examples per line; the rest are counted.
const EXAMPLES: usize = 3;

/// At most this many messages are linked from one line.
pub const REFS: usize = 24;

/// One verdict line and the messages it is about (indices in publish order).
pub type Line = (String, Vec<u32>);

fn refs(indices: impl Iterator<Item = usize>) -> Vec<u32> {
    indices.take(REFS).map(|i| i as u32).collect()
}

/// A message delivered this often without ever being processed is reported as looping.
const LOOPING_DELIVERIES: u32 = 5;

pub(crate) fn reason_human(name: &str) -> &'static str {
    DropReason::ALL
        .iter()
        .find(|r| r.name() == name)
        .map(|r| r.human())
        .or_else(|| LossReason::ALL.iter().find(|r| r.name() == name).map(|r| r.human()))
        .or_else(|| DeathReason::ALL.iter().find(|r| r.name() == name).map(|r| r.human()))
        .unwrap_or("for an unknown reason")
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Which of Brokerlab's limits stopped the run, and what usually makes a run reach it.
pub fn stopped_early(sim: &Simulation, limit: Limit, published: u64) -> String {
    let at = |what: String| format!("The run stopped early, at Brokerlab's limit of {what}");
    match limit {
        Limit::Events => format!(
            "{}, with {} published: something loops without waiting (a poison message requeued with no delay?) or publishes very fast.",
            at(format!("{} events", thousands(sim.budget))),
            plural(published, "message", "messages")
        ),
        Limit::Messages => format!("{}.", at(format!("{} published messages", thousands(MESSAGE_BUDGET as u64)))),
        Limit::Copies => format!(
            "{}: every queue a message is routed to and every consumer group that reads it holds a copy of its own.",
            at(format!("{} copies of messages", thousands(COPY_BUDGET as u64)))
        ),
        Limit::Work { busiest } => {
            let by = busiest.map_or(String::new(), |n| {
                format!(", most of them by {} {}", sim.model.nodes[n.index()].kind.word(), sim.model.name(n))
            });
            format!(
                "{}{by}: something keeps working without getting anywhere (polls that find nothing, a rebalance that repeats, a producer that is down and keeps trying).",
                at(format!("{} steps of work", thousands(sim.work_budget)))
            )
        }
    }
}

/// A kind of event that never happened, which consumers acted on: how many messages, which
/// ones, and the verdict's words for that many.
type NeverHappened = (u64, fn(&crate::sim::message::Message) -> bool, fn(usize) -> String);

pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// Messages by key in business words ("order-42") where every key in the list names one
/// message in the whole run, else by id.
fn names(rows: &Rows, ids: &[usize], shared_keys: &[&str]) -> Vec<String> {
    // Rows are read off the simulation when asked for, so each pass reads them again rather
    // than holding a million of them.
    let ms = || ids.iter().filter_map(|&i| rows.get(i));
    let by_key = ms().all(|m| m.key.as_deref().is_some_and(|k| shared_keys.binary_search(&k).is_err()));
    ms().map(|m| match m.key.as_deref() {
        Some(k) if by_key => k.to_string(),
        _ => m.id.to_string(),
    })
    .collect()
}

/// What the verdict looks for, noted row by row while the outcome is built, so that the
/// verdict of a million-message run reads the few rows it talks about instead of scanning them
/// all again for each line.
#[derive(Clone, Debug, Default)]
pub struct Noted {
    /// Rows by fate (in `Fate::ALL` order), except those processed once.
    by_fate: [Vec<u32>; 6],
    /// Processed once, after being dead-lettered on the way.
    rescued: Vec<u32>,
    /// Applied after a later message with the same key.
    overtaken: Vec<u32>,
    /// Messages per key (by the simulation's key index), counted up to two.
    per_key: Vec<u8>,
}

impl Noted {
    /// Notes row `i`: its fate, whether it died on the way, was overtaken, and its key.
    pub fn note(&mut self, i: usize, fate: Fate, died: bool, overtaken: bool, key: Option<u32>) {
        let i = i as u32;
        if fate != Fate::ProcessedOnce {
            self.by_fate[fate.index()].push(i);
        } else if died {
            self.rescued.push(i);
        }
        if overtaken {
            self.overtaken.push(i);
        }
        if let Some(k) = key {
            let k = k as usize;
            if self.per_key.len() <= k {
                self.per_key.resize(k + 1, 0);
            }
            self.per_key[k] = self.per_key[k].saturating_add(1).min(2);
        }
    }
}

/// Keys that more than one message of the run carries, sorted. (This and the grouping by
/// reason below keep sorted vectors rather than a `BTreeSet` and a `BTreeMap`: each B-tree
/// type is a few kilobytes of the app's wasm.)
fn shared_keys<'a>(sim: &'a Simulation, noted: &Noted) -> Vec<&'a str> {
    let counted = noted.per_key.iter().enumerate().filter(|(_, n)| **n > 1);
    let mut keys: Vec<&str> = counted.map(|(k, _)| sim.keys[k].as_str()).collect();
    crate::sort::sort(&mut keys);
    keys.dedup();
    keys
}

fn examples(items: &[String]) -> String {
    let mut s = items.iter().take(EXAMPLES).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > EXAMPLES {
        s.push_str(&format!(" and {} more", thousands((items.len() - EXAMPLES) as u64)));
    }
    s
}

/// The flows in business words: how many ended how, then the first few that went wrong, each
/// linked to its messages.
fn flow_lines(flows: &crate::report::flow::Flows, lines: &mut Vec<Line>) {
    use crate::report::flow::FlowState;
    let counts: Vec<String> = FlowState::ALL
        .iter()
        .filter(|s| flows.count(**s) > 0)
        .map(|s| format!("{} {}", thousands(flows.count(*s)), s.human()))
        .collect();
    let total = flows.records.len() as u64;
    lines.push((format!("{}: {}.", plural(total, "flow", "flows"), counts.join(", ")), Vec::new()));
    let wrong = |r: &&crate::report::flow::FlowRecord| r.state.is_wrong();
    for r in flows.records.iter().filter(wrong).take(EXAMPLES) {
        let subject = match &r.key {
            Some(k) => format!("{k} ({})", r.flow),
            None => r.flow.to_string(),
        };
        lines.push((format!("{subject}: {}, {}.", r.state.human(), r.why), r.refs.clone()));
    }
    let more = flows.records.iter().filter(wrong).count().saturating_sub(EXAMPLES);
    if more > 0 {
        let flows = if more == 1 { "flow" } else { "flows" };
        lines.push((format!("{} more {flows} went wrong.", thousands(more as u64)), Vec::new()));
    }
}

pub fn verdict(sim: &Simulation, o: &Outcome, noted: &Noted) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // The rows of a fate other than processed once, in publish order.
    let with_fate = |f: Fate| {
        debug_assert!(f != Fate::ProcessedOnce, "the rows processed once are not noted");
        let rows = &noted.by_fate[f.index()];
        rows.iter().filter_map(|&i| Some((i as usize, o.messages.get(i as usize)?)))
    };
    let shared = shared_keys(sim, noted);
    if let Some(limit) = sim.limit() {
        lines.push((stopped_early(sim, limit, o.published), Vec::new()));
    }
    if let Some(flows) = &o.flows {
        flow_lines(flows, &mut lines);
    }
    for (name, c) in &o.sagas {
        if c.late_replies > 0 {
            let n = plural(u64::from(c.late_replies), "reply", "replies");
            lines.push((format!("{name}: {n} came after the saga had given up on their step: the step may have run all the same, and the saga did not undo it."), Vec::new()));
        }
    }
    for (name, r) in &o.requests {
        lines.push((request_line(name, r), Vec::new()));
        if r.late_replies > 0 {
            let n = plural(u64::from(r.late_replies), "reply", "replies");
            lines.push((
                format!(
                    "{name}: {n} came after it had given up on the request: the responder did the work all the same."
                ),
                Vec::new(),
            ));
        }
    }

    if let Some(r) = &o.schemas {
        lines.extend(sim.schema_lines(r));
    }
    for (name, r) in &o.read_models {
        lines.extend(r.lines(name, sim.now() >= sim.end()).into_iter().map(|l| (l, Vec::new())));
    }
    if o.missed_deletes > 0 {
        lines.extend(crate::report::compaction::missed_delete_lines(sim, &sim.missed_deletes()));
    }

    // Duplicate effects, in business words: "order-42: \"charge card\" happened 2 times".
    for (idx, m) in with_fate(Fate::ProcessedMoreThanOnce).take(EXAMPLES) {
        let msg = &sim.msgs[idx];
        for (effect, count) in msg.effects().iter().filter(|(_, c)| *c > 1) {
            let subject = match &m.key {
                Some(k) => format!("{k} ({})", m.id),
                None => m.id.to_string(),
            };
            let effect = &sim.effects[*effect as usize];
            // Without a named effect a consumer's effect is its own id: say it in those words.
            let default_effect = sim
                .model
                .nodes
                .iter()
                .any(|n| &n.name == effect && matches!(n.kind, crate::model::NodeKind::Consumer(_)));
            let text = if default_effect {
                format!("{subject} was processed {count} times by {effect}.")
            } else {
                format!("{subject}: \"{effect}\" happened {count} times.")
            };
            lines.push((text, vec![idx as u32]));
        }
    }
    if o.processed_more_than_once > EXAMPLES as u64 {
        lines.push((
            format!(
                "{} had a side effect applied more than once.",
                plural(o.processed_more_than_once, "message", "messages")
            ),
            refs(noted.by_fate[Fate::ProcessedMoreThanOnce.index()].iter().map(|&i| i as usize)),
        ));
    }

    for (fate, verb) in [(Fate::Lost, "lost"), (Fate::DeadLettered, "dead-lettered"), (Fate::Dropped, "dropped")] {
        // Grouped by reason, and for dead letters by the queue they died in.
        let mut by_reason: Vec<((&str, String), Vec<usize>)> = Vec::new();
        for (i, m) in with_fate(fate) {
            let queue = match fate {
                Fate::DeadLettered => m.deaths.first().map_or(String::new(), |d| d.queue.clone()),
                _ => String::new(),
            };
            let key = (m.reason.unwrap_or(""), queue);
            match by_reason.binary_search_by(|(k, _)| k.cmp(&key)) {
                Ok(at) => by_reason[at].1.push(i),
                Err(at) => by_reason.insert(at, (key, vec![i])),
            }
        }
        for ((reason, queue), ids) in by_reason {
            let who = names(&o.messages, &ids, &shared);
            let from = if queue.is_empty() { String::new() } else { format!(" from {queue}") };
            lines.push((
                format!(
                    "{} {} {verb}{from}, {}: {}.",
                    plural(who.len() as u64, "message", "messages"),
                    if who.len() == 1 { "was" } else { "were" },
                    reason_human(reason),
                    examples(&who)
                ),
                refs(ids.iter().copied()),
            ));
        }
    }

    // Messages are in publish order, so a message's outcome sits at its own index.
    let mut overtaken_refs = Vec::new();
    let overtaken: Vec<String> = noted
        .overtaken
        .iter()
        .filter_map(|&i| {
            let (i, m, msg) = (i as usize, o.messages.get(i as usize)?, &sim.msgs[i as usize]);
            let by = msg.overtaken_by()?.index();
            let other = o.messages.get(by)?;
            overtaken_refs.extend([i, by]);
            let key = m.key.clone().unwrap_or_default();
            Some(if other.event_type != m.event_type {
                format!("{} for {key} was applied before {}", other.event_type, m.event_type)
            } else {
                format!("{} for {key} was applied before the earlier {}", other.id, m.id)
            })
        })
        .collect();
    if !overtaken.is_empty() {
        lines.push((
            format!(
                "{} out of order: {}.",
                plural(overtaken.len() as u64, "message was applied", "messages were applied"),
                examples(&overtaken)
            ),
            refs(overtaken_refs.into_iter()),
        ));
    }

    let rescued: Vec<usize> = noted.rescued.iter().map(|&i| i as usize).collect();
    if !rescued.is_empty() {
        lines.push((
            format!(
                "{} dead-lettered on the way and processed in the end.",
                plural(rescued.len() as u64, "message was", "messages were")
            ),
            refs(rescued.into_iter()),
        ));
    }
    if sim.counters.acks_lost_without_timeout > 0 {
        lines.push((
            format!(
                "{} on the way to the broker and the queue has no ack timeout: {} unacked for ever, holding the consumer's prefetch.",
                plural(sim.counters.acks_lost_without_timeout, "ack was lost", "acks were lost"),
                if sim.counters.acks_lost_without_timeout == 1 { "that delivery stays" } else { "those deliveries stay" }
            ),
            Vec::new(),
        ));
    }

    // Read off the messages, not their rows: a backlog may hold most of a big run.
    let looping_refs: Vec<usize> = noted.by_fate[Fate::InFlight.index()]
        .iter()
        .map(|&i| i as usize)
        .filter(|&i| {
            let m = &sim.msgs[i];
            m.effects().iter().all(|(_, c)| *c == 0) && m.deliveries >= LOOPING_DELIVERIES
        })
        .collect();
    let looping: Vec<String> = looping_refs
        .iter()
        .map(|&i| {
            let Some(m) = o.messages.get(i) else { return String::new() };
            let name = match m.key.as_deref() {
                Some(k) if shared.binary_search(&k).is_err() => k.to_string(),
                _ => m.id.to_string(),
            };
            format!("{name}: {} deliveries", m.deliveries)
        })
        .collect();
    if !looping.is_empty() {
        lines.push((
            format!(
                "{} delivered again and again and never processed: a poison loop ({}).",
                plural(looping.len() as u64, "message was", "messages were"),
                examples(&looping)
            ),
            refs(looping_refs.into_iter()),
        ));
    }

    // Rebalances after a group formed, and what caused them.
    for (g, gs) in sim.groups.iter().enumerate() {
        if gs.changes.is_empty() {
            continue;
        }
        let why: Vec<String> = gs
            .changes
            .iter()
            .map(|(t, m, change)| {
                let name = sim.model.name(*m);
                let what = match change {
                    crate::topic::consumer_group::Change::Joined => "joined".to_string(),
                    crate::topic::consumer_group::Change::Left(crate::sim::trace::LeaveReason::Left) => {
                        "left".to_string()
                    }
                    crate::topic::consumer_group::Change::Left(r) => r.human().to_string(),
                };
                format!("{name} {what} at {} s", crate::decimal::plain(libm::round(t.as_ms_f64() / 100.0) / 10.0))
            })
            .collect();
        let times = if why.len() == 1 { "once".to_string() } else { format!("{} times", why.len()) };
        lines.push((
            format!("Group {} rebalanced {times} after it formed: {}.", sim.model.groups[g].name, examples(&why)),
            Vec::new(),
        ));
    }

    // max.poll.interval: a member too slow between polls is put out of its group.
    for (i, n) in sim.model.nodes.iter().enumerate() {
        let crate::model::NodeKind::Consumer(cm) = &n.kind else { continue };
        let (Some(lm), crate::sim::NodeState::Consumer(cs)) = (&cm.log, &sim.nodes[i]) else { continue };
        if cs.log.kicked > 0 {
            let ms = lm.max_poll_interval.0 / 1000;
            let text = if cs.log.kicked == 1 {
                format!(
                    "{} took longer than max.poll.interval ({ms} ms) to work through a poll: the group rebalanced without it, its commit failed, and what it had processed was read again by another member.",
                    n.name
                )
            } else {
                format!(
                    "{} took longer than max.poll.interval ({ms} ms) to work through a poll {} times: each time the group rebalanced without it, its commit failed, and what it had processed was read again by another member.",
                    n.name,
                    thousands(u64::from(cs.log.kicked))
                )
            };
            lines.push((text, Vec::new()));
        }
    }

    // Head-of-line blocking on a topic: a record that keeps failing holds up its partition.
    for (i, n) in sim.model.nodes.iter().enumerate() {
        let crate::model::NodeKind::Consumer(cm) = &n.kind else { continue };
        if cm.log.is_none() {
            continue;
        }
        let crate::sim::NodeState::Consumer(cs) = &sim.nodes[i] else { continue };
        for w in cs.works.iter().filter(|w| w.attempt > 1) {
            let Some(lw) = &w.log else { continue };
            let tp = (lw.topic, lw.partition);
            let g = cm.log.as_ref().map(|l| l.group).unwrap_or_default();
            let behind = sim.partition(tp).end().saturating_sub(lw.offset + 1);
            let msg = sim.envs[w.env.index()].msg;
            let name = match sim.msgs[msg.index()].key() {
                Some(k) => format!("{} ({})", sim.keys[k as usize], sim.message_name(msg)),
                None => sim.message_name(msg),
            };
            let others = cs.log.owned.len().saturating_sub(1);
            let also = if others > 0 {
                let rest = if others == 1 {
                    "its other partition waits".to_string()
                } else {
                    format!("its other {others} partitions wait")
                };
                format!("; {} reads one record at a time, so {rest} too", n.name)
            } else {
                String::new()
            };
            let text = format!(
                "Partition {}/{} is blocked for group {}: {name} at offset {} has failed {} and {} behind it {}{also} (head-of-line blocking; a retry or dead-letter topic would let them through).",
                sim.model.name(tp.0),
                tp.1,
                sim.model.groups[g as usize].name,
                lw.offset,
                plural(w.attempt as u64 - 1, "time", "times"),
                plural(behind, "record", "records"),
                if behind == 1 { "waits" } else { "wait" },
            );
            lines.push((text, vec![msg.index() as u32]));
        }
    }

    if o.publishes_deduplicated > 0 {
        lines.push((
            format!(
                "{} written only once: the broker recognised {} producer sequence {} (idempotent producer).",
                plural(o.publishes_deduplicated, "publish retry was", "publish retries were"),
                if o.publishes_deduplicated == 1 { "its" } else { "their" },
                if o.publishes_deduplicated == 1 { "number" } else { "numbers" },
            ),
            Vec::new(),
        ));
    }

    // Events that never happened, which consumers acted on: a dual write's rolled-back events,
    // and aborted transactions' records read uncommitted. One line each, naming them.
    let never_happened: [NeverHappened; 2] = [
        (
            o.phantom_events,
            |m| m.phantom(),
            |n| {
                format!(
                "{} published but {} business write was rolled back when the producer crashed (dual write, publish then write): consumers acted on something that never happened",
                plural(n as u64, "event was", "events were"),
                if n == 1 { "its" } else { "their" },
            )
            },
        ),
        (
            o.aborted_effects,
            |m| m.transaction_aborted() && m.max_effect_count() > 0,
            |n| {
                format!(
                    "{} of aborted transactions {} processed (read_uncommitted): effects of events that never happened",
                    plural(n as u64, "record", "records"),
                    if n == 1 { "was" } else { "were" },
                )
            },
        ),
    ];
    for (count, flagged, words) in never_happened {
        if count == 0 {
            continue;
        }
        let which: Vec<usize> = (0..o.messages.len()).filter(|&i| flagged(&sim.msgs[i])).collect();
        let who = names(&o.messages, &which, &shared);
        lines.push((format!("{}: {}.", words(who.len()), examples(&who)), refs(which.into_iter())));
    }

    if o.in_flight > 0 {
        // The app asks for the verdict mid-run too: there, in flight is simply "so far".
        let when = if sim.now() >= sim.end() || sim.is_halted() { "when the run ended" } else { "at this moment" };
        lines.push((
            format!("{} still in flight {when}.", plural(o.in_flight, "message was", "messages were")),
            refs(noted.by_fate[Fate::InFlight.index()].iter().map(|&i| i as usize)),
        ));
    }
    let text = if o.published > 0 && o.processed_once == o.published {
        if o.published == 1 {
            "The message was processed exactly once.".to_string()
        } else {
            format!("All {} messages were processed exactly once.", thousands(o.published))
        }
    } else if o.published == 0 {
        if sim.now() >= sim.end() { "Nothing was published." } else { "Nothing has been published yet." }.to_string()
    } else if o.published == 1 {
        "The message was not processed exactly once.".to_string()
    } else {
        format!(
            "{} of {} {} processed exactly once.",
            thousands(o.processed_once),
            plural(o.published, "message", "messages"),
            if o.processed_once == 1 { "was" } else { "were" }
        )
    };
    // Processed once is not the same as rightly processed: say so when some should not have been.
    let text = match o.aborted_effects {
        0 => text,
        n => format!(
            "{} ({} of them {} of aborted transactions).",
            text.trim_end_matches('.'),
            thousands(n),
            if n == 1 { "a record" } else { "records" }
        ),
    };
    lines.push((text, Vec::new()));
    lines
}

/// A requester's requests in words: how many were answered and how fast, how many waits ran
/// out, how many were given up.
fn request_line(name: &str, r: &crate::report::outcome::RequestCounts) -> String {
    let mut line = format!("{name}: {}", plural(u64::from(r.requests), "request", "requests"));
    if r.answered > 0 {
        let l = &r.latency_ms;
        // Whole milliseconds: a reader compares them with a timeout, not with each other.
        let p50 = libm::round(l.p50) as u64;
        let p99 = libm::round(l.p99) as u64;
        line += &format!(", {} answered (median {p50} ms, 99th percentile {p99} ms)", thousands(u64::from(r.answered)));
    }
    if r.timeouts > 0 {
        line += &format!(", {} ran out", plural(u64::from(r.timeouts), "wait", "waits"));
    }
    if r.gave_up > 0 {
        line += &format!(", {} given up", thousands(u64::from(r.gave_up)));
    }
    if r.waiting > 0 {
        line += &format!(", {} still waiting", thousands(u64::from(r.waiting)));
    }
    if r.duplicate_replies > 0 {
        line +=
            &format!(", {} to a request already answered", plural(u64::from(r.duplicate_replies), "reply", "replies"));
    }
    line + "."
}
