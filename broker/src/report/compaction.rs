//! Compacted topics on the read side: the deletes a consumer group missed. A group that reads
//! a compacted topic keeps, in effect, a table of the latest value per key (a catalogue's
//! prices, a cache). A delete is a tombstone; the log cleaner keeps it only for
//! `delete.retention.ms` once it has reached it. A group that was further behind than that
//! never reads the delete, and its table still shows the key's old value: a withdrawn price
//! still on sale. The outcome counts these (`missed_deletes`, a lesson measure) and the verdict
//! says each in business words.
//!
//! A group missed the delete of a key when the key's last record in a partition is a
//! tombstone the cleaner removed, the group did not process it, and the last record of the key
//! the group did process there is a value. Counted over the records the log still holds
//! (with `"compact,delete"`, retention may have deleted older ones).

use crate::model::ids::{MsgId, NodeId};
use crate::model::NodeKind;
use crate::report::verdict::{plural, Line};
use crate::sim::Simulation;

/// One key whose delete a group never read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissedDelete {
    pub group: u16,
    pub topic: NodeId,
    pub key: u32,
    /// The value the group's table still shows.
    pub shown: MsgId,
    /// The tombstone it never read.
    pub tombstone: MsgId,
}

/// What the walk knows of a key, newest record first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Seen {
    Unseen,
    /// Settled: its latest record is not a missed tombstone, or its missed delete is counted.
    Settled,
    /// Its latest record is a removed tombstone the group did not read: is there an older
    /// value it did?
    MissedTombstone(MsgId),
}

impl Simulation {
    /// Every delete a group missed, topic by topic, group by group, key by key in the order
    /// found (newest first within a partition).
    pub fn missed_deletes(&self) -> Vec<MissedDelete> {
        let mut out = Vec::new();
        // By key id, reset after each partition's walk (only the keys it touched).
        let mut seen = Vec::new();
        for (i, n) in self.model.nodes.iter().enumerate() {
            let NodeKind::Topic(tm) = &n.kind else { continue };
            if tm.compaction.is_none() {
                continue;
            }
            let topic = NodeId(i as u32);
            let slots = tm.slots();
            for (slot, &group) in tm.groups.iter().enumerate() {
                for p in 0..tm.partitions {
                    let log = self.partition((topic, p));
                    seen.resize(self.keys.len(), Seen::Unseen);
                    for (j, r) in log.records.iter().enumerate().rev() {
                        let m = &self.msgs[r.msg.index()];
                        let Some(key) = m.key() else { continue };
                        let offset = log.start + j as u64;
                        let read =
                            log.copy(offset, slot, slots).is_some_and(|c| self.envs[c.index()].effect_at.is_some());
                        let k = key as usize;
                        seen[k] = match seen[k] {
                            Seen::Unseen if m.tombstone() && r.compacted && !read => Seen::MissedTombstone(r.msg),
                            Seen::Unseen | Seen::Settled => Seen::Settled,
                            Seen::MissedTombstone(t) if read && !m.tombstone() => {
                                out.push(MissedDelete { group, topic, key, shown: r.msg, tombstone: t });
                                Seen::Settled
                            }
                            Seen::MissedTombstone(_) if read => Seen::Settled,
                            missed => missed,
                        };
                    }
                    for r in log.records.iter() {
                        if let Some(k) = self.msgs[r.msg.index()].key() {
                            seen[k as usize] = Seen::Unseen;
                        }
                    }
                }
            }
        }
        out
    }
}

/// The verdict's lines on missed deletes: one per group and topic, naming its first keys.
pub(crate) fn missed_delete_lines(sim: &Simulation, missed: &[MissedDelete]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < missed.len() {
        let (group, topic) = (missed[i].group, missed[i].topic);
        let n = missed[i..].iter().take_while(|m| m.group == group && m.topic == topic).count();
        let these = &missed[i..i + n];
        let more = if n > 3 { format!(" and {} more", n - 3) } else { String::new() };
        let keys: Vec<String> = these
            .iter()
            .take(3)
            .map(|m| {
                let key = &sim.keys[m.key as usize];
                let shown = crate::sim::trace::Names::msg_name(sim, m.shown);
                format!("{key} (still showing {shown})")
            })
            .collect();
        // The value each key still shows and the delete it missed.
        let mut refs = Vec::new();
        for m in these.iter().take(crate::report::verdict::REFS / 2) {
            refs.push(m.shown.0);
            refs.push(m.tombstone.0);
        }
        lines.push((
            format!(
                "Group \"{}\" missed the delete of {} on {}: {}{more}. Log compaction removed each tombstone delete.retention.ms after reaching it, before the group read it, so the group still shows the old value of a deleted key.",
                sim.model.groups[group as usize].name,
                plural(n as u64, "key", "keys"),
                sim.model.name(topic),
                keys.join(", "),
            ),
            refs,
        ));
        i += n;
    }
    lines
}
