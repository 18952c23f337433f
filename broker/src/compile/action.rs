//! The action script: what happens to the running scenario and when (a consumer crashes,
//! recovers, slows down, leaves or joins its group; a node has an outage; a dead-letter queue is
//! redriven; a group's offsets are reset). Each action must fall within the run and name a node
//! of the kind it acts on.

use super::{article, sub_path, ByName, Checker};
use crate::model::command::{Command, ResetTarget};
use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::*;

impl Checker {
    pub(super) fn compile_actions(
        &mut self,
        s: &Scenario,
        by_name: &ByName,
        duration_ms: u64,
        groups: &[GroupModel],
    ) -> Vec<ActionModel> {
        let mut out = Vec::new();
        for (i, a) in s.actions.iter().enumerate() {
            let p = format!("actions[{i}]");
            let at = self.int_range(&p, ".at_ms", a.at_ms, 0, duration_ms as i64, " ms");
            let node = |me: &mut Checker, field: &str, name: &str, want: &[&str]| -> Option<NodeId> {
                let path = format!("{p}.{field}");
                match by_name.get(name) {
                    None => {
                        me.no_such_node(path, name);
                        None
                    }
                    Some(id) if want.contains(&s.nodes[id.index()].kind_name()) => Some(*id),
                    Some(id) => {
                        let kind = s.nodes[id.index()].kind_name();
                        me.err(
                            path,
                            format!(
                                "\"{name}\" is {} {kind}; this action needs a {}",
                                article(kind),
                                want.join(" or ")
                            ),
                        );
                        None
                    }
                }
            };
            let command = match &a.what {
                ActionKind::Crash { consumer, recover_after_ms } => {
                    let c = node(self, "crash.consumer", consumer, &["consumer"]);
                    let rec =
                        recover_after_ms.map(|r| Duration::from_ms(self.whole_ms(&p, ".crash.recover_after_ms", r, 0)));
                    c.map(|consumer| Command::Crash { consumer, recover_after: rec })
                }
                ActionKind::Recover { consumer } => node(self, "recover.consumer", consumer, &["consumer"])
                    .map(|consumer| Command::Recover { consumer }),
                ActionKind::Outage { node: n, duration_ms: d } => {
                    let target = node(self, "outage.node", n, &["queue", "exchange", "topic"]);
                    let d = self.whole_ms(&p, ".outage.duration_ms", *d, 1);
                    target.map(|node| Command::Outage { node, duration: Duration::from_ms(d) })
                }
                ActionKind::Redrive { dlq, to } => {
                    let d = node(self, "redrive.dlq", dlq, &["dead-letter queue", "queue"]);
                    let t = match to {
                        Some(t) => node(self, "redrive.to", t, &["queue", "topic"]).map(Some),
                        None => Some(None),
                    };
                    match (d, t) {
                        (Some(dlq), Some(to)) => Some(Command::Redrive { dlq, to }),
                        _ => None,
                    }
                }
                ActionKind::Slow { consumer, factor } => {
                    let c = node(self, "slow.consumer", consumer, &["consumer"]);
                    self.slow_factor(&p, ".slow.factor", *factor).and_then(|factor| {
                        c.map(|consumer| Command::Slow { consumer, factor_milli: libm::round(factor * 1000.0) as u32 })
                    })
                }
                ActionKind::Leave { consumer } => {
                    node(self, "leave.consumer", consumer, &["consumer"]).map(|consumer| Command::Leave { consumer })
                }
                ActionKind::Join { consumer } => {
                    node(self, "join.consumer", consumer, &["consumer"]).map(|consumer| Command::Join { consumer })
                }
                ActionKind::CrashBroker { broker, recover_after_ms } => {
                    let b = node(self, "crash_broker.broker", broker, &["broker"]);
                    let rec = recover_after_ms
                        .map(|r| Duration::from_ms(self.whole_ms(&p, ".crash_broker.recover_after_ms", r, 1)));
                    b.map(|broker| Command::CrashBroker { broker, recover_after: rec })
                }
                ActionKind::RecoverBroker { broker } => node(self, "recover_broker.broker", broker, &["broker"])
                    .map(|broker| Command::RecoverBroker { broker }),
                ActionKind::AbortTransaction { producer } => {
                    let n = node(self, "abort_transaction.producer", producer, &["producer"]);
                    let transactional =
                        |id: NodeId| matches!(&s.nodes[id.index()], Node::Producer(ps) if ps.transactions.is_some());
                    if n.is_some_and(|id| !transactional(id)) {
                        self.err(
                            format!("{p}.abort_transaction.producer"),
                            format!("\"{producer}\" has no transactions to abort: give it \"transactions\": {{\"records\": 5}}"),
                        );
                    }
                    n.map(|producer| Command::AbortTransaction { producer })
                }
                ActionKind::CrashProducer { producer, recover_after_ms } => {
                    let n = node(self, "crash_producer.producer", producer, &["producer"]);
                    let rec = recover_after_ms
                        .map(|r| Duration::from_ms(self.whole_ms(&p, ".crash_producer.recover_after_ms", r, 1)));
                    n.map(|producer| Command::CrashProducer { producer, recover_after: rec })
                }
                ActionKind::Rebuild { read_model } => node(self, "rebuild.read_model", read_model, &["read model"])
                    .map(|read_model| Command::Rebuild { read_model }),
                ActionKind::Deploy { node: n, version } => {
                    let target = node(self, "deploy.node", n, &["producer", "consumer"]);
                    let v = self.int_range(&p, ".deploy.version", *version, 1, super::MAX_SCHEMA_VERSIONS as i64, "");
                    target.map(|node| Command::Deploy { node, version: v as u16 })
                }
                ActionKind::ResetOffsets { group, topic, to } => {
                    let g = groups.iter().position(|g| g.name == *group);
                    if g.is_none() {
                        let known: Vec<String> = groups.iter().map(|g| format!("\"{}\"", g.name)).collect();
                        let hint = if known.is_empty() {
                            "there are no consumer groups (a group is made by consumers that read a topic)".to_string()
                        } else {
                            format!("the groups are {}", known.join(", "))
                        };
                        self.err(
                            sub_path(&p, ".reset_offsets.group"),
                            format!("no consumer group is called \"{group}\"; {hint}"),
                        );
                    }
                    let t = match topic {
                        None => Some(None),
                        Some(t) => match node(self, "reset_offsets.topic", t, &["topic"]) {
                            Some(id) if g.is_some_and(|g| !groups[g].topics.contains(&id)) => {
                                self.err(
                                    sub_path(&p, ".reset_offsets.topic"),
                                    format!("group \"{group}\" does not read \"{t}\""),
                                );
                                None
                            }
                            other => other.map(Some),
                        },
                    };
                    let to = match to {
                        ResetTo::Earliest => Some(ResetTarget::Earliest),
                        ResetTo::Latest => Some(ResetTarget::Latest),
                        ResetTo::Offset(o) => {
                            if *o < 0 {
                                self.err(
                                    sub_path(&p, ".reset_offsets.to.offset"),
                                    format!("must not be negative (got {o})"),
                                );
                                None
                            } else {
                                Some(ResetTarget::Offset(*o as u64))
                            }
                        }
                        ResetTo::TimeMs(ms) => {
                            let ms = self.whole_ms(&p, ".reset_offsets.to.time_ms", *ms, 0);
                            Some(ResetTarget::Time(crate::model::time::SimTime(ms * 1000)))
                        }
                    };
                    match (g, t, to) {
                        (Some(g), Some(topic), Some(to)) => Some(Command::ResetOffsets { group: g as u16, topic, to }),
                        _ => None,
                    }
                }
            };
            if let Some(command) = command {
                out.push(ActionModel { at: Duration::from_ms(at), command });
            }
        }
        out
    }
}
