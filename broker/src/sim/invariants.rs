//! Invariants checked after every event (in debug builds and in tests), in the manner of
//! stateright's `always` properties:
//!
//! - conservation: every envelope is in exactly one place, the per-state counters agree with
//!   the containers, and every published message has exactly one fate;
//! - an envelope is never both acked and dead-lettered (since it last entered a queue);
//! - no consumer holds more unacked deliveries than its queue's prefetch;
//! - a queue's unacked count is the sum of its consumers' unacked deliveries;
//! - a topic holds one copy per group for every record it keeps;
//! - a group's committed offset is never past the log end;
//! - below a compacted partition's cleaned point, each key has at most one record left;
//! - a replicated partition's high watermark is within its log, its leader in sync with the
//!   log's end, no replica ahead of the leader, no in-sync replica below the high watermark,
//!   and no acks=all write left waiting once the high watermark has passed it;
//! - a partition is owned by at most one member of a group in a generation, and the
//!   members' own view agrees with the group's.
//!
//! Time never going backwards is asserted where the clock moves (`sim/mod.rs`).
//!
//! These are the simulation's own invariants, which hold whatever the scenario does. The
//! delivery guarantees a consumer promises (and a scenario may break) are judged in
//! `guarantee.rs`, by the one rule the app, the command line and the property tests use.

use crate::model::ids::NodeId;
use crate::model::NodeKind;
use crate::sim::message::EnvState;
use crate::sim::{NodeState, Simulation};

pub fn check(sim: &Simulation, full: bool) -> Result<(), String> {
    let total: u64 = sim.env_counts.iter().sum();
    if total != sim.envs.len() as u64 {
        return Err(format!("state counters sum to {total} but there are {} envelopes", sim.envs.len()));
    }
    let mut ready = 0u64;
    for (i, n) in sim.model.nodes.iter().enumerate() {
        match (&n.kind, &sim.nodes[i]) {
            (NodeKind::Queue(qm), NodeState::Queue(q)) => {
                ready += q.ready.len() as u64;
                let mut held = 0u64;
                for c in &qm.consumers {
                    let NodeState::Consumer(cs) = &sim.nodes[c.index()] else { return Err("consumer expected".into()) };
                    let prefetch = sim.prefetch_of(*c, crate::model::ids::NodeId(i as u32));
                    if cs.unacked.len() > prefetch {
                        return Err(format!(
                            "consumer {} holds {} unacked, over prefetch {prefetch}",
                            sim.model.name(*c),
                            cs.unacked.len(),
                        ));
                    }
                    held += cs.unacked.len() as u64;
                }
                if held != q.unacked as u64 {
                    return Err(format!("queue {} counts {} unacked, its consumers hold {held}", n.name, q.unacked));
                }
            }
            (NodeKind::Topic(tm), NodeState::Topic(t)) => {
                for (p, log) in t.partitions.iter().enumerate() {
                    if let Some(why) = t.replicas.get(p).and_then(|r| r.broken(log.end())) {
                        return Err(format!("topic {} partition {p}: {why}", n.name));
                    }
                    // A sweep over the partition's records: in debug builds only (the page's
                    // monitor asks for the cheap checks, and the wasm need not carry it).
                    let sweep = full && cfg!(debug_assertions);
                    if let Some(why) = sweep.then(|| sim.compaction_broken(NodeId(i as u32), p as u32)).flatten() {
                        return Err(format!("topic {} partition {p}: {why}", n.name));
                    }
                    if log.copies.len() != log.records.len() * tm.slots() {
                        return Err(format!(
                            "topic {} partition {p} keeps {} copies for {} records",
                            n.name,
                            log.copies.len(),
                            log.records.len()
                        ));
                    }
                    for g in &tm.groups {
                        if let Some(c) =
                            sim.groups[*g as usize].committed.get(&(crate::model::ids::NodeId(i as u32), p as u32))
                        {
                            if *c > log.end() {
                                return Err(format!(
                                    "group {} committed offset {c} on {}/{p}, past the log end {}",
                                    sim.model.groups[*g as usize].name,
                                    n.name,
                                    log.end()
                                ));
                            }
                        }
                    }
                }
            }
            (NodeKind::DeadLetterQueue, NodeState::DeadLetterQueue { .. }) => {}
            (NodeKind::ReadModel(_), NodeState::ReadModel(t)) => {
                let c = &t.counts;
                if c.fresh + c.stale + c.missing + c.routed != c.reads {
                    return Err(format!(
                        "{}: {} reads, but fresh, stale, missing and routed add up to another number",
                        n.name, c.reads
                    ));
                }
                if full {
                    let (mut rows, mut behind) = (0, 0);
                    for (k, r) in t.rows.iter().enumerate() {
                        if r.shown > r.truth {
                            return Err(format!(
                                "{}: key {k} shows version {}, the write side has {}",
                                n.name, r.shown, r.truth
                            ));
                        }
                        rows += u32::from(r.shown > 0);
                        behind += u32::from(r.behind());
                    }
                    if (rows, behind) != (t.in_table, t.behind) {
                        return Err(format!(
                            "{}: keeps {} rows, {} behind; a recount says {rows}, {behind}",
                            n.name, t.in_table, t.behind
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    for (g, gs) in sim.groups.iter().enumerate() {
        let recount = sim.recount_group_lag(g as u16);
        if recount != gs.lag {
            return Err(format!(
                "group {} keeps a lag of {}, a recount says {recount}",
                sim.model.groups[g].name, gs.lag
            ));
        }
        let mut seen = crate::sorted_map::SortedSet::new();
        for m in &gs.members {
            let NodeState::Consumer(cs) = &sim.nodes[m.index()] else { return Err("consumer expected".into()) };
            for tp in cs.log.owned.keys() {
                if !seen.insert(*tp) {
                    return Err(format!(
                        "{}/{} is owned by two members of group {} in generation {}",
                        sim.model.name(tp.0),
                        tp.1,
                        sim.model.groups[g].name,
                        gs.generation
                    ));
                }
                if gs.owner.get(tp) != Some(m) {
                    return Err(format!(
                        "{} thinks it owns {}/{}; its group disagrees",
                        sim.model.name(*m),
                        sim.model.name(tp.0),
                        tp.1
                    ));
                }
            }
        }
    }
    if ready != sim.env_counts[EnvState::Ready { queue: crate::model::ids::NodeId(0) }.slot()] {
        return Err(format!("queues hold {ready} ready envelopes, the counters say otherwise"));
    }
    if !full {
        return Ok(());
    }

    let mut counts = [0u64; EnvState::SLOTS];
    for (i, e) in sim.envs.iter().enumerate() {
        counts[e.state.slot()] += 1;
        if e.acked() && e.dead_lettered() {
            return Err(format!("envelope {i} is both acked and dead-lettered"));
        }
        let placed = match e.state {
            EnvState::Ready { queue } => match &sim.nodes[queue.index()] {
                NodeState::Queue(q) => q.ready.get(e.order).is_some_and(|x| x.index() == i),
                _ => false,
            },
            EnvState::Unacked { consumer, .. } => match &sim.nodes[consumer.index()] {
                NodeState::Consumer(c) => c.unacked.iter().any(|x| x.index() == i),
                _ => false,
            },
            EnvState::DeadLettered { dlq } => match &sim.nodes[dlq.index()] {
                NodeState::DeadLetterQueue { held } => held.iter().any(|x| x.index() == i),
                _ => false,
            },
            EnvState::InLog { topic, partition } => match &sim.nodes[topic.index()] {
                NodeState::Topic(t) => {
                    let log = &t.partitions[partition as usize];
                    let offset = e.order as u64;
                    let slots = sim.topic_model(topic).slots();
                    offset >= log.start
                        && (0..slots).any(|k| log.copy(offset, k, slots) == Some(crate::model::ids::EnvId(i as u32)))
                }
                _ => false,
            },
            _ => true,
        };
        if !placed {
            return Err(format!("envelope {i} is in state {} but not there", e.state.slot()));
        }
    }
    if counts != sim.env_counts {
        let list = |c: &[u64]| c.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        return Err(format!(
            "recounted states [{}] differ from the counters [{}]",
            list(&counts),
            list(&sim.env_counts)
        ));
    }
    let copies: usize = sim.msgs.iter().map(|m| m.envelopes().len()).sum();
    if copies != sim.envs.len() {
        return Err(format!("messages own {copies} envelopes, {} exist", sim.envs.len()));
    }
    let mut fates = [0u64; 6];
    for i in 0..sim.msgs.len() {
        let (f, _) = sim.fate(crate::model::ids::MsgId(i as u32));
        fates[f.index()] += 1;
    }
    let sum: u64 = fates.iter().sum();
    if sum != sim.msgs.len() as u64 {
        return Err(format!("published {} but the fates sum to {sum}", sim.msgs.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = r#"{"version":1,"duration_ms":2000,"nodes":[
        {"id":"p","kind":"producer","count":20,"arrivals":{"fixed":{"interval_ms":10}}},
        {"id":"q","kind":"queue","prefetch":2},{"id":"c","kind":"consumer","processing":{"fixed":{"ms":30}}}],
        "wires":[["p","q"],["q","c"]]}"#;

    fn halfway() -> Simulation {
        let mut sim = crate::load(S).unwrap();
        sim.advance_to(crate::SimTime::from_ms(100));
        assert!(check(&sim, true).is_ok());
        sim
    }

    #[test]
    fn a_lost_envelope_is_caught() {
        let mut sim = halfway();
        sim.env_counts[0] += 1;
        assert!(check(&sim, false).unwrap_err().contains("counters"));
    }

    #[test]
    fn an_envelope_out_of_place_is_caught() {
        let mut sim = halfway();
        let i = sim.envs.iter().position(|e| matches!(e.state, EnvState::Ready { .. })).unwrap();
        let order = sim.envs[i].order;
        sim.envs[i].order = order + 1_000;
        assert!(check(&sim, true).unwrap_err().contains("not there"));
    }

    #[test]
    fn acked_and_dead_lettered_is_caught() {
        let mut sim = halfway();
        sim.envs[0].set_acked(true);
        sim.envs[0].set_dead_lettered(true);
        assert!(check(&sim, true).unwrap_err().contains("both acked and dead-lettered"));
    }

    #[test]
    fn prefetch_overrun_is_caught() {
        let mut sim = halfway();
        if let NodeState::Consumer(c) = &mut sim.nodes[2] {
            c.unacked.extend([crate::EnvId(90), crate::EnvId(91)]);
        }
        assert!(check(&sim, false).unwrap_err().contains("over prefetch"));
    }
}
