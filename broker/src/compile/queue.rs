//! A queue and its dead letters: prefetch, the consumer ack timeout, the delivery limit (quorum
//! queues only, 20 unless set), TTL, max length and its overflow rule, and the queue's
//! `dead_letter` setting, which must name a dead-letter queue or another queue.

use super::{article, sub_path, ByName, Checker};
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::*;

impl Checker {
    pub(super) fn compile_queue(&mut self, p: &str, s: &QueueSpec) -> QueueModel {
        let prefetch = self.prefetch(p, ".prefetch", s.prefetch);
        let ack_timeout = s.ack_timeout_ms.map(|v| Duration::from_ms(self.whole_ms(p, ".ack_timeout_ms", v, 1)));
        let delivery_limit = match (s.delivery_limit, s.queue_type) {
            (Some(-1), _) => None,
            (Some(_), QueueType::Classic) => {
                self.err(
                    sub_path(p, ".delivery_limit"),
                    "RabbitMQ has delivery limits on quorum queues only; set \"queue_type\": \"quorum\"",
                );
                None
            }
            (Some(v), _) => {
                if v < 1 {
                    self.err(sub_path(p, ".delivery_limit"), "must be at least 1, or -1 for no limit");
                } else if v > 1_000_000 {
                    self.err(
                        sub_path(p, ".delivery_limit"),
                        format!("must be at most 1000000 (got {v}), or -1 for no limit"),
                    );
                }
                Some(v.clamp(1, 1_000_000) as u32)
            }
            // RabbitMQ 4.0 gives quorum queues a delivery limit of 20 unless one is set.
            (None, QueueType::Quorum) => Some(20),
            (None, QueueType::Classic) => None,
        };
        if s.queue_type == QueueType::Quorum && s.overflow == Overflow::RejectPublishDlx {
            self.err(
                sub_path(p, ".overflow"),
                "quorum queues support drop-head and reject-publish only (reject-publish-dlx is a classic-queue setting)",
            );
        }
        let ttl = s.ttl_ms.map(|v| Duration::from_ms(self.whole_ms(p, ".ttl_ms", v, 0)));
        let max_length = s.max_length.map(|v| self.int_range(p, ".max_length", v, 0, 10_000_000, " messages") as u32);
        QueueModel {
            queue_type: s.queue_type,
            prefetch,
            ack_timeout,
            delivery_limit,
            ttl,
            max_length,
            overflow: s.overflow,
            dead_letter: None,
            consumers: Vec::new(),
            brokers: Vec::new(),
            durable: s.durable,
        }
    }

    pub(super) fn compile_dead_letters(&mut self, s: &Scenario, by_name: &ByName, nodes: &mut [NodeModel]) {
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Queue(q) = n else { continue };
            let Some(target) = &q.dead_letter else { continue };
            let path = format!("nodes[{i}].dead_letter");
            match by_name.get(target.as_str()) {
                None => self.no_such_node(&path, target),
                Some(t) if t.index() == i => self.err(&path, "a queue cannot dead-letter into itself"),
                Some(t) => match &s.nodes[t.index()] {
                    Node::DeadLetterQueue(_) | Node::Queue(_) => {
                        if let NodeKind::Queue(qm) = &mut nodes[i].kind {
                            qm.dead_letter = Some(*t);
                        }
                    }
                    other => self.err(
                        &path,
                        format!(
                            "must name a dead-letter queue or a queue, not {} {}",
                            article(other.kind_name()),
                            other.kind_name()
                        ),
                    ),
                },
            }
        }
    }
}
