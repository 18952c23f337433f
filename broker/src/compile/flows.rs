//! The scenario's `flows`: event types that end a flow, named as everywhere (1 to 64
//! characters, no control characters), at least one of them (unless an orchestrator's sagas
//! end the flows), none both completing and
//! compensating; and each compensation naming an effect some consumer applies.

use super::Checker;
use crate::model::{NodeKind, NodeModel};
use crate::scenario::FlowsSpec;

impl Checker {
    pub(super) fn compile_flows(&mut self, f: &FlowsSpec, nodes: &[NodeModel]) -> FlowsSpec {
        let orchestrated = nodes
            .iter()
            .any(|n| matches!(&n.kind, NodeKind::Consumer(c) if c.output.as_ref().is_some_and(|o| o.saga.is_some())));
        // An orchestrator's sagas say how their flows end.
        if f.completed.is_empty() && f.compensated.is_empty() && !orchestrated {
            self.err(
                "flows",
                "names no event type that ends a flow: add \"completed\" (e.g. [\"OrderShipped\"]) or \"compensated\"",
            );
        }
        for (what, list) in [("completed", &f.completed), ("compensated", &f.compensated)] {
            for (i, t) in list.iter().enumerate() {
                self.name(&format!("flows.{what}[{i}]"), "", t);
            }
        }
        if let Some(t) = f.completed.iter().find(|t| f.compensated.contains(t)) {
            self.err("flows.compensated", format!("\"{t}\" cannot end a flow both as completed and as compensated"));
        }
        let applied = |e: &str| {
            nodes.iter().any(|n| match &n.kind {
                NodeKind::Consumer(c) => {
                    c.effect == e
                        || c.output.as_ref().is_some_and(|o| o.rules.iter().any(|r| r.effect.as_deref() == Some(e)))
                }
                _ => false,
            })
        };
        // The effect undone must be one some consumer applies; the one that undoes it may be
        // missing (a scenario without its compensation is the point of a lesson).
        for (effect, undo) in &f.compensations {
            let at = crate::scenario::quoted::key_path("flows.compensations", effect);
            if !applied(effect) {
                self.err(&at, format!("no consumer applies the effect \"{effect}\""));
            }
            self.name(&at, "", undo);
        }
        f.clone()
    }
}
