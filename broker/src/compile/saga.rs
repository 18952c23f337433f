//! An orchestrator's saga (`orchestrates`): its event types named as everywhere, one to
//! [`MAX_SAGA_STEPS`] steps, a timeout of at least 1 ms and at most [`MAX_SAGA_RETRIES`]
//! retries per step, a compensation with the reply that confirms it, no reply type serving two
//! purposes; then, once the wires are known, each command (and each compensating command)
//! reaches the queue its step names: the orchestrator is wired to that queue, or to an
//! exchange that routes the command's type to it.

use super::{sub_path, ByName, Checker};
use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::exchange;
use crate::scenario::*;

/// Steps in one saga; the orchestrator keeps which were given up as bits of a `u32`.
pub const MAX_SAGA_STEPS: usize = 16;
/// Sends of a command after its first, per step.
pub const MAX_SAGA_RETRIES: i64 = 10;

impl Checker {
    pub(super) fn compile_saga(&mut self, p: &str, s: &SagaSpec) -> SagaModel {
        let p = sub_path(p, ".orchestrates");
        self.name(&sub_path(&p, ".start"), &s.start);
        if s.steps.is_empty() || s.steps.len() > MAX_SAGA_STEPS {
            self.err(sub_path(&p, ".steps"), format!("must have 1 to {MAX_SAGA_STEPS} steps"));
        }
        // Every event type the saga sends or waits for, with where it is named.
        let mut named: Vec<(&str, String)> = vec![(s.start.as_str(), sub_path(&p, ".start"))];
        let mut steps = Vec::new();
        for (j, st) in s.steps.iter().enumerate() {
            let sp = format!("{p}.steps[{j}]");
            if let Some(n) = &st.name {
                self.name(&sub_path(&sp, ".name"), n);
            }
            let fields = [
                ("command", Some(&st.command)),
                ("success", Some(&st.success)),
                ("failure", st.failure.as_ref()),
                ("compensate", st.compensate.as_ref()),
                ("compensated", st.compensated.as_ref()),
                ("compensation_failed", st.compensation_failed.as_ref()),
            ];
            for (field, t) in fields {
                let Some(t) = t else { continue };
                let at = format!("{sp}.{field}");
                self.name(&at, t);
                match named.iter().find(|(n, _)| *n == t.as_str()) {
                    Some((_, first)) => self.err(
                        &at,
                        format!("{t:?} is already {first}; each command and reply of a saga needs its own event type"),
                    ),
                    None => named.push((t.as_str(), at)),
                }
            }
            if st.compensate.is_some() != st.compensated.is_some() {
                self.err(&sp, "a compensation needs both \"compensate\" (the command) and \"compensated\" (the reply that says it is done)");
            }
            if st.compensation_failed.is_some() && st.compensate.is_none() {
                self.err(sub_path(&sp, ".compensation_failed"), "applies to a step with \"compensate\"");
            }
            let timeout =
                self.int_range(&sub_path(&sp, ".timeout_ms"), st.timeout_ms, 1, self.duration_ms.max(1) as i64, " ms");
            let retries = self.int_range(&sub_path(&sp, ".retries"), st.retries, 0, MAX_SAGA_RETRIES, "");
            steps.push(SagaStepModel {
                name: st.label().to_string(),
                command: st.command.clone(),
                to: NodeId(u32::MAX),
                success: st.success.clone(),
                failure: st.failure.clone(),
                timeout: Duration::from_ms(timeout),
                retries: retries as u32,
                compensate: st.compensate.clone(),
                compensated: st.compensated.clone(),
                compensation_failed: st.compensation_failed.clone(),
            });
        }
        for (field, t) in [("completed", &s.completed), ("compensated", &s.compensated)] {
            let Some(t) = t else { continue };
            let at = format!("{p}.{field}");
            self.name(&at, t);
            if let Some((_, first)) = named.iter().find(|(n, _)| *n == t.as_str()) {
                self.err(&at, format!("{t:?} is already {first}; the saga's end needs an event type of its own"));
            }
        }
        self.event_types += named.len() as u64 + s.completed.is_some() as u64 + s.compensated.is_some() as u64;
        SagaModel { start: s.start.clone(), steps, completed: s.completed.clone(), compensated: s.compensated.clone() }
    }

    /// Each step's queue exists, is a queue, and gets the step's commands from the orchestrator.
    pub(super) fn check_saga_queues(&mut self, s: &Scenario, by_name: &ByName, nodes: &mut [NodeModel]) {
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Consumer(c) = n else { continue };
            let Some(spec) = &c.orchestrates else { continue };
            let target = match &nodes[i].kind {
                NodeKind::Consumer(cm) => cm.output.as_ref().and_then(|o| o.publisher.target.as_ref()).map(|l| l.to),
                _ => None,
            };
            let mut to_ids = Vec::new();
            for (j, st) in spec.steps.iter().enumerate() {
                let at = format!("nodes[{i}].orchestrates.steps[{j}].to");
                let to = match by_name.get(&st.to) {
                    None => {
                        self.no_such_node(&at, &st.to);
                        NodeId(u32::MAX)
                    }
                    Some(&id) if !matches!(nodes[id.index()].kind, NodeKind::Queue(_)) => {
                        self.err(
                            &at,
                            format!("{:?} is not a queue; a step's command goes to the queue of its owner", st.to),
                        );
                        id
                    }
                    Some(&id) => {
                        for command in std::iter::once(&st.command).chain(&st.compensate) {
                            if !reaches(nodes, target, command, id) {
                                self.err(&at, format!("the command {command:?} does not reach {:?}: wire {:?} to that queue, or to an exchange that routes {command:?} to it", st.to, n.id()));
                            }
                        }
                        id
                    }
                };
                to_ids.push(to);
            }
            if let NodeKind::Consumer(cm) = &mut nodes[i].kind {
                if let Some(saga) = cm.output.as_mut().and_then(|o| o.saga.as_mut()) {
                    for (step, to) in saga.steps.iter_mut().zip(to_ids) {
                        step.to = to;
                    }
                }
            }
        }
    }
}

/// Whether a message of event type `command`, published down the wire to `target`, reaches
/// `queue` (services route by their event type).
fn reaches(nodes: &[NodeModel], target: Option<NodeId>, command: &str, queue: NodeId) -> bool {
    let Some(target) = target else { return false };
    if target == queue {
        return true;
    }
    match &nodes[target.index()].kind {
        NodeKind::Exchange(em) => em
            .bindings
            .iter()
            .any(|b| b.link.to == queue && exchange::routes(em.exchange_type, b.key.as_deref(), command)),
        _ => false,
    }
}
