//! Brokers and how topics are replicated over them. A broker's own settings are its crash;
//! a topic's replication (factor, `min.insync.replicas`, unclean election, lag and fetch
//! times) is checked here once every node is known, because it depends on how many brokers
//! the scenario has. Replicas are placed round-robin: partition `p`'s replicas are the brokers
//! `p, p+1, ..., p+factor-1` (modulo their number), in node order, the first the preferred
//! leader. (Kafka's rack-unaware placement also starts each topic at a random broker and
//! shifts its followers; a fixed start keeps a lesson's picture the same every time.) Queues
//! are placed the same way: a classic queue on one broker, a quorum queue on up to three.

use super::{sub_path, Checker};
use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::*;

/// Kafka's default `replica.lag.time.max.ms`.
pub const DEFAULT_REPLICA_LAG_MS: i64 = 30_000;
/// How long a follower's fetch takes when the topic does not say.
pub const DEFAULT_REPLICA_FETCH_MS: i64 = 20;

impl Checker {
    pub(super) fn compile_broker(&mut self, p: &str, s: &BrokerSpec) -> BrokerModel {
        let crash = s.crash.as_ref().map(|c| {
            let at = self.int_range(p, ".crash.at_ms", c.at_ms, 0, self.duration_ms as i64, " ms");
            let back = c.recover_after_ms.map(|r| Duration::from_ms(self.whole_ms(p, ".crash.recover_after_ms", r, 1)));
            (Duration::from_ms(at), back)
        });
        BrokerModel { crash }
    }

    /// Each topic's replication, once the brokers are known.
    pub(super) fn compile_replication(&mut self, s: &Scenario, nodes: &mut [NodeModel]) {
        let brokers: Vec<NodeId> = (0..nodes.len())
            .filter(|&i| matches!(nodes[i].kind, NodeKind::Broker(_)))
            .map(|i| NodeId(i as u32))
            .collect();
        self.place_queues(s, nodes, &brokers);
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Topic(spec) = n else { continue };
            let p = format!("nodes[{i}]");
            let most = brokers.len().max(1) as i64;
            let factor = spec.replication_factor;
            if !(1..=most).contains(&factor) {
                let why = match brokers.len() {
                    0 => format!(
                        "is {factor}, but the scenario has no brokers (one implicit broker): add {} broker nodes for {factor} replicas",
                        factor.max(1)
                    ),
                    b => format!("must be between 1 and the number of brokers, {b} (got {factor}): each replica needs a broker of its own"),
                };
                self.err(sub_path(&p, ".replication_factor"), why);
            }
            let factor = factor.clamp(1, most);
            let min_insync = self.int_range(&p, ".min_insync_replicas", spec.min_insync_replicas, 1, factor, "") as u32;
            let lag_ms = spec.replica_lag_time_max_ms.unwrap_or(DEFAULT_REPLICA_LAG_MS);
            let lag_max = Duration::from_ms(self.whole_ms(&p, ".replica_lag_time_max_ms", lag_ms, 1));
            let fetch_ms = spec.replica_fetch_ms.unwrap_or(DEFAULT_REPLICA_FETCH_MS);
            let fetch = Duration::from_ms(self.whole_ms(&p, ".replica_fetch_ms", fetch_ms, 1));
            if brokers.is_empty() {
                if spec.unclean_leader_election
                    || spec.replica_lag_time_max_ms.is_some()
                    || spec.replica_fetch_ms.is_some()
                {
                    self.err(
                        sub_path(&p, ".replication_factor"),
                        "replication settings need brokers: add broker nodes and a replication_factor",
                    );
                }
                continue;
            }
            let NodeKind::Topic(tm) = &mut nodes[i].kind else { continue };
            let replicas = (0..tm.partitions as usize)
                .map(|part| (0..factor as usize).map(|r| brokers[(part + r) % brokers.len()]).collect())
                .collect();
            tm.replication = Some(ReplicationModel {
                replicas,
                min_insync,
                unclean_election: spec.unclean_leader_election,
                lag_max,
                fetch,
            });
        }
    }

    /// Where each queue lives: a classic queue on one broker, a quorum queue on up to three
    /// (RabbitMQ starts a quorum queue with up to three replicas, one per node), round-robin
    /// from the queue's place among the queues, as topics' replicas are placed.
    fn place_queues(&mut self, s: &Scenario, nodes: &mut [NodeModel], brokers: &[NodeId]) {
        let mut k = 0;
        for (i, n) in s.nodes.iter().enumerate() {
            let Node::Queue(spec) = n else { continue };
            if spec.durable && spec.queue_type == QueueType::Quorum {
                self.err(
                    format!("nodes[{i}].durable"),
                    "a quorum queue is always durable, and replicated: durable is a classic queue's setting",
                );
            }
            let NodeKind::Queue(qm) = &mut nodes[i].kind else { continue };
            if !brokers.is_empty() {
                let count = if qm.queue_type == QueueType::Quorum { brokers.len().min(3) } else { 1 };
                qm.brokers = (0..count).map(|r| brokers[(k + r) % brokers.len()]).collect();
            }
            k += 1;
        }
    }
}
