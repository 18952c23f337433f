//! Wires: which ends may be joined, and what each wire compiles into. [`wire_refusal`] says
//! why a pair of node kinds cannot be wired (the editor asks it before drawing a wire); the
//! checker asks it again of every wire in a file, then refuses unknown ends, self-wires and
//! repeats, and checks what the wire carries: a producer's one target, an exchange's binding
//! keys (an exchange has no settings of its own, so its checks live here), and the one queue or
//! topic each consumer reads.

use super::{article, sub_path, ByName, Checker};
use crate::model::ids::NodeId;
use crate::model::time::Duration;
use crate::model::*;
use crate::scenario::*;
use crate::sorted_map::SortedMap;

/// What a wire's two ends may be, and why not otherwise.
///
/// `from` and `to` are node kinds as the scenario writes them (`"producer"`, `"exchange"`,
/// `"queue"`, `"topic"`, `"consumer"`, `"dead_letter_queue"`); the editor asks before it
/// draws a wire, and the validator asks again of every wire in a file.
pub fn wire_refusal(from: &str, to: &str) -> Option<String> {
    let kind = |k: &str| match k {
        "producer" => Producer,
        "exchange" => Exchange,
        "queue" => Queue,
        "topic" => Topic,
        "consumer" => Consumer,
        "read_model" => ReadModel,
        "broker" => Broker,
        _ => DeadLetterQueue,
    };
    let (from, to) = (kind(from), kind(to));
    let ok = matches!(
        (from, to),
        (Producer, Exchange)
            | (Producer, Queue)
            | (Producer, Topic)
            | (Exchange, Queue)
            | (Queue, Consumer)
            | (Topic, Consumer)
            | (Consumer, Exchange)
            | (Consumer, Queue)
            | (Consumer, Topic)
            | (Consumer, ReadModel)
    );
    if ok {
        return None;
    }
    let (a, b) = (from.name(), to.name());
    let why = match (from, to) {
        (DeadLetterQueue, _) => {
            "a dead-letter queue only collects dead letters; send them back with a redrive action".to_string()
        }
        (_, DeadLetterQueue) => {
            "dead letters reach a dead-letter queue through a queue's \"dead_letter\" setting, not a wire".to_string()
        }
        (Broker, _) | (_, Broker) => {
            "a broker is not wired: a topic's replicas are placed on the brokers by its \"replication_factor\""
                .to_string()
        }
        (ReadModel, _) => {
            "a read model is read by its readers (its \"readers\" setting), not through a wire".to_string()
        }
        (_, ReadModel) => {
            "a read model is written by its projection: wire a consumer that reads the events to it".to_string()
        }
        (_, Producer) => format!("{} {a} cannot publish to a producer", article(a)),
        (Consumer, _) => {
            "a consumer publishes to an exchange, a queue or a topic (as a service), or writes a read model".to_string()
        }
        (Producer, Consumer) => {
            "a producer publishes to an exchange, a queue or a topic, and consumers read from the queue or topic"
                .to_string()
        }
        (Exchange, Consumer) => {
            "an exchange routes to queues; put a queue between the exchange and the consumer".to_string()
        }
        (Queue, Queue) | (Queue, Exchange) => {
            "a queue delivers only to consumers; use its \"dead_letter\" setting to move messages on".to_string()
        }
        (Exchange, Exchange) => {
            "exchange-to-exchange bindings are not supported; bind the queues to the first exchange".to_string()
        }
        (Exchange, Topic) => "an exchange routes to queues; wire the producer straight to the topic".to_string(),
        (Topic, _) => {
            "a topic is read by consumers; use a consumer's \"dead_letter\" setting to move records on".to_string()
        }
        (Queue, Topic) => "a queue delivers only to consumers; a producer publishes to a topic".to_string(),
        _ => format!("{} {a} cannot be wired to {} {b}", article(a), article(b)),
    };
    Some(why)
}

#[derive(Clone, Copy)]
enum WireEnd {
    Producer,
    Exchange,
    Queue,
    Topic,
    Consumer,
    DeadLetterQueue,
    ReadModel,
    Broker,
}
use WireEnd::*;

impl WireEnd {
    fn name(self) -> &'static str {
        match self {
            Producer => "producer",
            Exchange => "exchange",
            Queue => "queue",
            Topic => "topic",
            Consumer => "consumer",
            DeadLetterQueue => "dead-letter queue",
            ReadModel => "read model",
            Broker => "broker",
        }
    }
}

/// A node's kind as the scenario writes it.
fn json_kind(n: &Node) -> &'static str {
    match n {
        Node::Producer(_) => "producer",
        Node::Exchange(_) => "exchange",
        Node::Queue(_) => "queue",
        Node::Topic(_) => "topic",
        Node::Consumer(_) => "consumer",
        Node::DeadLetterQueue(_) => "dead_letter_queue",
        Node::ReadModel(_) => "read_model",
        Node::Broker(_) => "broker",
    }
}

impl Checker {
    /// A wire from a queue or topic (`source`) to a consumer: it has no delay, jitter or
    /// binding key, and the consumer must not read from anything else yet. Returns whether the
    /// consumer can take this source.
    fn consumer_wire(&mut self, p: &str, w: &Wire, source: &str, consumer: &NodeKind, id: NodeId) -> bool {
        if w.delay_ms != 0.0 || w.jitter_ms != 0.0 || w.binding_key.is_some() {
            self.err(p, format!("a wire from a {source} to a consumer has no delay, jitter or binding key"));
        }
        let reads_queue = matches!(consumer, NodeKind::Consumer(cm) if cm.queue.is_some());
        if reads_queue || self.consumer_topic.get(id.index()).is_some_and(Option::is_some) {
            self.err(
                p,
                format!("consumer \"{}\" already reads from a queue or topic; a consumer reads from one", w.to),
            );
            return false;
        }
        true
    }

    /// A wire a publisher (a producer or a service) publishes down has no binding key.
    fn no_binding_key(&mut self, p: &str, w: &Wire) {
        if w.binding_key.is_some() {
            self.err(
                sub_path(p, ".binding_key"),
                "only a wire from a direct or topic exchange to a queue has a binding key",
            );
        }
    }

    pub(super) fn compile_wires(&mut self, s: &Scenario, by_name: &ByName, nodes: &mut [NodeModel]) {
        let mut seen: SortedMap<(NodeId, NodeId), usize> = SortedMap::new();
        // Each service's output wire: its path, the service and where it publishes.
        let mut outputs: Vec<(String, NodeId, NodeId)> = Vec::new();
        for (i, w) in s.wires.iter().enumerate() {
            let p = format!("wires[{i}]");
            let from = by_name.get(w.from.as_str()).copied();
            let to = by_name.get(w.to.as_str()).copied();
            if from.is_none() {
                self.no_such_node(sub_path(&p, ".from"), &w.from);
            }
            if to.is_none() {
                self.no_such_node(sub_path(&p, ".to"), &w.to);
            }
            let (Some(from), Some(to)) = (from, to) else { continue };
            if from == to {
                self.err(&p, "a node cannot be wired to itself");
                continue;
            }
            if let Some(why) = wire_refusal(json_kind(&s.nodes[from.index()]), json_kind(&s.nodes[to.index()])) {
                self.err(&p, why);
                continue;
            }
            if let Some(first) = seen.insert((from, to), i) {
                self.err(&p, format!("repeats wires[{first}]"));
                continue;
            }
            let delay = self.ms(&p, ".delay_ms", w.delay_ms, true);
            let jitter = self.ms(&p, ".jitter_ms", w.jitter_ms, true);
            let link = Link { to, delay: Duration::from_ms_f64(delay), jitter: Duration::from_ms_f64(jitter) };
            let from_name = s.nodes[from.index()].id().to_string();
            match &mut nodes[from.index()].kind {
                NodeKind::Producer(pm) => {
                    self.no_binding_key(&p, w);
                    if pm.target.is_some() {
                        self.err(&p, format!("producer \"{from_name}\" already publishes elsewhere; a producer publishes to one exchange, queue or topic (use a fanout exchange to reach several queues, or several consumer groups on one topic)"));
                    } else {
                        pm.target = Some(link);
                    }
                }
                NodeKind::Exchange(em) => {
                    match (em.exchange_type, &w.binding_key) {
                        (ExchangeType::Fanout, Some(_)) => {
                            self.err(sub_path(&p, ".binding_key"), "a fanout exchange ignores binding keys; remove it or make the exchange direct or topic")
                        }
                        (ExchangeType::Direct | ExchangeType::Topic, None) => self.err(
                            sub_path(&p, ".binding_key"),
                            "a wire from a direct or topic exchange needs a binding key (e.g. \"OrderPlaced\" or \"order.*\")",
                        ),
                        (ExchangeType::Topic, Some(k)) if k.split('.').any(str::is_empty) => {
                            self.err(sub_path(&p, ".binding_key"), "a topic binding key is words separated by dots, with * for one word and # for any number")
                        }
                        (_, Some(k)) => {
                            self.no_control_characters(&p, ".binding_key", k);
                        }
                        (_, None) => {}
                    }
                    em.bindings.push(Binding { link, key: w.binding_key.clone() });
                }
                NodeKind::Topic(_) => {
                    if !self.consumer_wire(&p, w, "topic", &nodes[to.index()].kind, to) {
                        continue;
                    }
                    if self.consumer_topic.len() <= to.index() {
                        self.consumer_topic.resize(to.index() + 1, None);
                    }
                    self.consumer_topic[to.index()] = Some(from);
                    if let NodeKind::Topic(tm) = &mut nodes[from.index()].kind {
                        tm.consumers.push(to);
                    }
                }
                NodeKind::Queue(_) => {
                    let queue = from;
                    let consumer = to;
                    if !self.consumer_wire(&p, w, "queue", &nodes[consumer.index()].kind, consumer) {
                        continue;
                    }
                    if let NodeKind::Consumer(cm) = &mut nodes[consumer.index()].kind {
                        cm.queue = Some(queue);
                    }
                    if let NodeKind::Queue(qm) = &mut nodes[queue.index()].kind {
                        qm.consumers.push(consumer);
                    }
                }
                NodeKind::Consumer(cm) if matches!(s.nodes[to.index()], Node::ReadModel(_)) => {
                    self.no_binding_key(&p, w);
                    if w.delay_ms != 0.0 || w.jitter_ms != 0.0 {
                        self.err(
                            &p,
                            "a projection writes its read model in its own database: the wire has no delay or jitter",
                        );
                    }
                    let version_check = matches!(&s.nodes[from.index()], Node::Consumer(c) if c.version_check);
                    if cm.output.is_some() || cm.projection.is_some() {
                        self.err(&p, format!("\"{from_name}\" already publishes or writes elsewhere; a projection writes one read model and publishes nothing"));
                        continue;
                    }
                    cm.projection = Some(Projection { read_model: to, version_check });
                    if let NodeKind::ReadModel(m) = &mut nodes[to.index()].kind {
                        m.projections.push(from);
                    }
                }
                NodeKind::Consumer(cm) => {
                    self.no_binding_key(&p, w);
                    if cm.projection.is_some() {
                        self.err(&p, format!("\"{from_name}\" writes a read model; a projection publishes nothing"));
                        continue;
                    }
                    match cm.output.as_deref_mut() {
                        None => self.err(&p, format!("consumer \"{from_name}\" publishes nothing: give it \"publishes\" (e.g. [{{\"publish\": [\"OrderPacked\"]}}]) to make it a service, or remove the wire")),
                        Some(out) if out.publisher.target.is_some() => self.err(&p, format!("service \"{from_name}\" already publishes elsewhere; a service publishes to one exchange, queue or topic (use a fanout exchange or a topic to reach several)")),
                        Some(out) => {
                            out.publisher.target = Some(link);
                            outputs.push((p, from, to));
                        }
                    }
                }
                _ => unreachable!("wire_refusal admits only producer, exchange, queue, topic and consumer sources"),
            }
        }
        for (p, service, to) in outputs {
            let NodeKind::Consumer(cm) = &nodes[service.index()].kind else { continue };
            let reads_topic = self.consumer_topic.get(service.index()).copied().flatten();
            let to_kind = json_kind(&s.nodes[to.index()]);
            let name = s.nodes[service.index()].id();
            if cm.queue == Some(to) || reads_topic == Some(to) {
                self.err(
                    &p,
                    format!(
                        "\"{name}\" would publish to the {to_kind} it reads from, and read its own events for ever"
                    ),
                );
            }
            let transactional = matches!(&s.nodes[service.index()], Node::Consumer(c) if c.transactional);
            if cm.output.as_ref().is_some_and(|o| o.mode == PublishMode::Transaction)
                && (reads_topic.is_none() || !transactional || to_kind != "topic")
            {
                self.err(
                    format!("nodes[{}].publish_mode", service.index()),
                    "a consume-transform-produce transaction reads a topic with \"transactional\": true and publishes to another topic",
                );
            }
        }
    }
}
