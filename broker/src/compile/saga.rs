//! An orchestrator's saga (`orchestrates`): its event types named as everywhere, one to
//! [`MAX_SAGA_STEPS`] steps, a timeout of at least 1 ms and at most [`MAX_SAGA_RETRIES`]
//! retries per step, a compensation with the reply that confirms it, no reply type serving two
//! purposes; then, once the wires are known, each command (and each compensating command)
//! reaches the queue its step names: the orchestrator is wired to that queue, or to an
//! exchange that routes the command's type to it.

use super::{sub_path, ByName, Checker};
use crate::model::ids::NodeId;
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
        if s.steps.is_empty() || s.steps.len() > MAX_SAGA_STEPS {
            self.err(sub_path(&p, ".steps"), format!("must have 1 to {MAX_SAGA_STEPS} steps"));
        }
        // Every event type the saga sends, waits for or ends with, and where it is named: each
        // has one purpose.
        let mut named: Vec<(String, &str)> = vec![(sub_path(&p, ".start"), &s.start)];
        for (j, st) in s.steps.iter().enumerate() {
            let sp = sub_path(&p, &format!(".steps[{j}]"));
            if let Some(n) = &st.name {
                self.name(&sp, ".name", n);
            }
            let fields = [
                (".command", Some(&st.command)),
                (".success", Some(&st.success)),
                (".failure", st.failure.as_ref()),
                (".compensate", st.compensate.as_ref()),
                (".compensated", st.compensated.as_ref()),
                (".compensation_failed", st.compensation_failed.as_ref()),
            ];
            for (field, t) in fields {
                if let Some(t) = t {
                    named.push((sub_path(&sp, field), t));
                }
            }
            if st.compensate.is_some() != st.compensated.is_some() {
                self.err(&sp, "a compensation needs both \"compensate\" (the command) and \"compensated\" (the reply that says it is done)");
            }
            if st.compensation_failed.is_some() && st.compensate.is_none() {
                self.err(sub_path(&sp, ".compensation_failed"), "applies to a step with \"compensate\"");
            }
            self.int_range(&sp, ".timeout_ms", st.timeout_ms, 1, self.duration_ms.max(1) as i64, " ms");
            self.int_range(&sp, ".retries", st.retries, 0, MAX_SAGA_RETRIES, "");
        }
        for (field, t) in [(".completed", &s.completed), (".compensated", &s.compensated)] {
            if let Some(t) = t {
                named.push((sub_path(&p, field), t));
            }
        }
        for (i, (at, t)) in named.iter().enumerate() {
            self.name(at, "", t);
            if let Some((first, _)) = named[..i].iter().find(|(_, n)| n == t) {
                self.err(at, format!("\"{t}\" is already {first}; each event type of a saga has one purpose"));
            }
        }
        self.event_types += named.len() as u64;
        s.clone()
    }

    /// A requester's request (`requests`): a saga of one step, with no compensation, that
    /// starts on `on` and succeeds on the reply.
    pub(super) fn compile_request(&mut self, p: &str, r: &RequestSpec) -> SagaModel {
        let p = sub_path(p, ".requests");
        let named = [(".on", &r.on), (".command", &r.command), (".reply", &r.reply)];
        for (i, (field, t)) in named.iter().enumerate() {
            let at = sub_path(&p, field);
            self.name(&at, "", t);
            if let Some((first, _)) = named[..i].iter().find(|(_, n)| n == t) {
                self.err(
                    &at,
                    format!("\"{t}\" is already {first}; a request, its cause and its reply are three event types"),
                );
            }
        }
        if let Some(to) = &r.reply_to {
            self.name(&p, ".reply_to", to);
        }
        self.int_range(&p, ".timeout_ms", r.timeout_ms, 1, self.duration_ms.max(1) as i64, " ms");
        self.int_range(&p, ".retries", r.retries, 0, MAX_SAGA_RETRIES, "");
        self.event_types += named.len() as u64;
        SagaSpec {
            start: r.on.clone(),
            steps: vec![SagaStepSpec {
                name: None,
                command: r.command.clone(),
                to: r.to.clone(),
                success: r.reply.clone(),
                failure: None,
                timeout_ms: r.timeout_ms,
                retries: r.retries,
                compensate: None,
                compensated: None,
                compensation_failed: None,
            }],
            completed: None,
            compensated: None,
        }
    }

    /// Each step's queue (or request's) exists, is a queue, and gets the step's commands from
    /// the orchestrator; a requester's replies have somewhere to go, and its responders send
    /// the reply it waits for.
    pub(super) fn check_saga_queues(&mut self, s: &Scenario, by_name: &ByName, nodes: &mut [NodeModel]) {
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Consumer(c) = n else { continue };
            let NodeKind::Consumer(cm) = &nodes[i].kind else { continue };
            let Some(out) = &cm.output else { continue };
            let Some(saga) = &out.saga else { continue };
            let target = out.publisher.target.as_ref().map(|l| l.to);
            let request = c.requests.is_some();
            for (j, st) in saga.steps.iter().enumerate() {
                let at = if request {
                    format!("nodes[{i}].requests.to")
                } else {
                    format!("nodes[{i}].orchestrates.steps[{j}].to")
                };
                match by_name.get(&st.to) {
                    None if st.to.is_empty() => self.err(&at, "choose the queue the command goes to"),
                    None => self.no_such_node(&at, &st.to),
                    Some(&id) if !matches!(nodes[id.index()].kind, NodeKind::Queue(_)) => self.err(
                        &at,
                        format!("\"{}\" is not a queue; a step's command goes to the queue of its owner", st.to),
                    ),
                    Some(&id) => {
                        for command in std::iter::once(&st.command).chain(&st.compensate) {
                            if !reaches(nodes, target, command, id) {
                                self.err(&at, format!("the command \"{command}\" does not reach \"{}\": wire \"{}\" to that queue, or to an exchange that routes \"{command}\" to it", st.to, n.id()));
                            }
                        }
                        if request {
                            self.check_responders(&format!("nodes[{i}].requests.reply"), nodes, id, st);
                        }
                    }
                }
            }
            let Some(r) = &c.requests else { continue };
            let reply_to = match (r.reply_to.as_deref(), cm.queue) {
                (Some(DIRECT_REPLY_TO), _) => Some(ReplyTo::Direct),
                (None, Some(q)) => Some(ReplyTo::Queue(q)),
                (Some(name), Some(q)) if by_name.get(name) == Some(&q) => Some(ReplyTo::Queue(q)),
                (named, _) => {
                    let reads = cm.queue.map_or("no queue".to_string(), |q| format!("\"{}\"", s.nodes[q.index()].id()));
                    let at = format!("nodes[{i}].requests{}", if named.is_some() { ".reply_to" } else { "" });
                    self.err(at, format!("replies come to the queue the requester reads (it reads {reads}), or by direct reply-to: \"reply_to\": \"{DIRECT_REPLY_TO}\""));
                    None
                }
            };
            if let NodeKind::Consumer(cm) = &mut nodes[i].kind {
                if let Some(out) = cm.output.as_mut() {
                    out.reply_to = reply_to;
                }
            }
        }
    }

    /// The consumers of a request's queue reply to it with the reply the requester waits for
    /// (a queue nobody reads is allowed: every request times out).
    fn check_responders(&mut self, at: &str, nodes: &[NodeModel], queue: NodeId, st: &SagaStepSpec) {
        let mut responders = nodes.iter().filter_map(|n| match &n.kind {
            NodeKind::Consumer(cm) if cm.queue == Some(queue) => Some(cm),
            _ => None,
        });
        let replies = |cm: &ConsumerModel| {
            let rules = cm.output.as_ref().map_or(&[][..], |o| &o.rules[..]);
            let rule = rules
                .iter()
                .find(|r| r.on.as_ref() == Some(&st.command))
                .or_else(|| rules.iter().find(|r| r.on.is_none()));
            rule.and_then(|r| r.reply.as_ref()) == Some(&st.success)
        };
        if responders.any(|cm| !replies(cm)) {
            self.err(at, format!("a consumer of \"{}\" does not reply \"{}\" to \"{}\": give it the rule {{\"on\": \"{}\", \"reply\": \"{}\"}} in \"publishes\"", st.to, st.success, st.command, st.command, st.success));
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
