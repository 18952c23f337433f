//! Read models and their projections: a read model's readers, the consumers wired to it (each
//! one a projection, whose effect is the write to the table), the one producer whose events
//! reach them (the write side, whose messages are the truth the table is held to), and the
//! rebuild action, which replays the projections' topics and so needs projections that read
//! topics.

use super::{sub_path, ByName, Checker};
use crate::model::ids::NodeId;
use crate::model::*;
use crate::scenario::exchange;
use crate::scenario::*;

impl Checker {
    /// A time distribution: a consumer's processing time, a reader's wait after the write.
    pub(super) fn distribution(&mut self, p: &str, d: &Processing) -> ProcessingModel {
        match d {
            Processing::Fixed { ms } => ProcessingModel::Fixed { ms: self.ms(p, ".fixed.ms", *ms, true) },
            Processing::Uniform { min_ms, max_ms } => {
                let lo = self.ms(p, ".uniform.min_ms", *min_ms, true);
                let hi = self.ms(p, ".uniform.max_ms", *max_ms, true);
                if hi < lo {
                    self.err(sub_path(p, ".uniform.max_ms"), "must not be less than min_ms");
                }
                ProcessingModel::Uniform { min_ms: lo, max_ms: hi.max(lo) }
            }
            Processing::Exponential { mean_ms } => {
                ProcessingModel::Exponential { mean_ms: self.ms(p, ".exponential.mean_ms", *mean_ms, false) }
            }
        }
    }

    pub(super) fn compile_read_model(&mut self, p: &str, s: &ReadModelSpec) -> ReadModelModel {
        let readers = s.readers.as_ref().map(|r| ReadersModel {
            share: self.probability(p, ".readers.share", r.share),
            after: self.distribution(&sub_path(p, ".readers.after"), &r.after),
            read_your_writes: r.read_your_writes,
        });
        ReadModelModel { writer: None, projections: Vec::new(), readers }
    }

    /// Once the wires are in: each read model's write side, and the settings that need a
    /// projection.
    pub(super) fn check_read_models(&mut self, s: &Scenario, by_name: &ByName, nodes: &mut [NodeModel]) {
        for (i, n) in s.nodes.iter().enumerate() {
            if let (Node::Consumer(c), NodeKind::Consumer(cm)) = (n, &nodes[i].kind) {
                if c.version_check && cm.projection.is_none() {
                    self.err(
                        format!("nodes[{i}].version_check"),
                        "only a projection checks versions: wire this consumer to a read model",
                    );
                }
            }
        }
        for rm in 0..nodes.len() {
            let NodeKind::ReadModel(m) = &nodes[rm].kind else { continue };
            let inputs: Vec<NodeId> = m.projections.iter().filter_map(|&c| input_of(nodes, c)).collect();
            let writers: Vec<NodeId> = (0..nodes.len() as u32)
                .map(NodeId)
                .filter(|&p| inputs.iter().any(|&input| producer_reaches(nodes, p, input)))
                .collect();
            let name = s.nodes[rm].id();
            match writers.as_slice() {
                [] => {}
                [w] => {
                    let NodeKind::Producer(pm) = &mut nodes[w.index()].kind else { continue };
                    if pm.keys.is_empty() {
                        self.err(
                            format!("nodes[{}].keys", w.index()),
                            format!("\"{}\" writes read model \"{name}\", whose rows are keyed by the message key: give it keys, e.g. \"order-1..order-20\"", s.nodes[w.index()].id()),
                        );
                    }
                    pm.read_models.push(NodeId(rm as u32));
                    if let NodeKind::ReadModel(m) = &mut nodes[rm].kind {
                        m.writer = Some(*w);
                    }
                }
                several => {
                    let names: Vec<String> =
                        several.iter().map(|w| format!("\"{}\"", s.nodes[w.index()].id())).collect();
                    self.err(
                        format!("nodes[{rm}]"),
                        format!("a read model follows one write side, and the events of {} all reach its projections: give each its own read model", names.join(" and ")),
                    );
                }
            }
        }
        for (i, a) in s.actions.iter().enumerate() {
            let ActionKind::Rebuild { read_model } = &a.what else { continue };
            let at = format!("actions[{i}].rebuild.read_model");
            let Some(&rm) = by_name.get(read_model) else { continue };
            let NodeKind::ReadModel(m) = &nodes[rm.index()].kind else { continue };
            if m.projections.is_empty() {
                self.err(
                    at,
                    format!("nothing projects into \"{read_model}\" yet: wire a consumer that reads a topic to it"),
                );
                continue;
            }
            for &c in &m.projections {
                if !matches!(&nodes[c.index()].kind, NodeKind::Consumer(cm) if cm.log.is_some()) {
                    self.err(&at, format!("a rebuild replays the projection's topic, and \"{}\" reads a queue, which keeps nothing it has delivered: project from a topic", s.nodes[c.index()].id()));
                }
            }
        }
    }
}

/// The queue or topic a consumer reads.
pub(super) fn input_of(nodes: &[NodeModel], consumer: NodeId) -> Option<NodeId> {
    match &nodes[consumer.index()].kind {
        NodeKind::Consumer(cm) => cm.queue.or(cm.log.as_ref().map(|l| l.topic)),
        _ => None,
    }
}

/// Whether some of producer `p`'s events reach `input`, straight or through an exchange.
pub(super) fn producer_reaches(nodes: &[NodeModel], p: NodeId, input: NodeId) -> bool {
    let NodeKind::Producer(pm) = &nodes[p.index()].kind else { return false };
    let Some(target) = pm.target.as_ref().map(|l| l.to) else { return false };
    if target == input {
        return true;
    }
    let NodeKind::Exchange(em) = &nodes[target.index()].kind else { return false };
    let routes = |key: &str| {
        em.bindings.iter().any(|b| b.link.to == input && exchange::routes(em.exchange_type, b.key.as_deref(), key))
    };
    match &pm.routing_key {
        Some(k) => routes(k),
        None => pm.event_types.iter().any(|t| routes(t)),
    }
}
