//! Drives a real RabbitMQ through a [`Script`] over AMQP 0-9-1 and records what it did.
//!
//! Everything the run declares is named `<run>.<node id>`, so runs never meet each other or
//! anything else on the broker, and it is all deleted at the end. Each step happens at its
//! virtual time as real time since the start (the scenarios are short), and while waiting the
//! driver takes in what the broker sends: deliveries, publisher confirms, and the channel
//! closes of an ack timeout (after which the consumer subscribes again at once, as the
//! simulator's does). A consumer told to ack or nack a message it has not received yet waits
//! for it up to a quarter of a second.
//!
//! At the end it notes what each consumer holds unacked, cancels the consumers and empties
//! every queue with basic.get, head first, to see what was left and with which `x-death`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use amqprs::callbacks::{ChannelCallback, DefaultConnectionCallback};
use amqprs::channel::{
    BasicAckArguments, BasicCancelArguments, BasicConsumeArguments, BasicGetArguments, BasicNackArguments,
    BasicPublishArguments, BasicQosArguments, BasicRejectArguments, Channel, ConfirmSelectArguments, ConsumerMessage,
    ExchangeDeclareArguments, ExchangeDeleteArguments, QueueBindArguments, QueueDeclareArguments, QueueDeleteArguments,
};
use amqprs::connection::{Connection, OpenConnectionArguments};
use amqprs::{Ack, BasicProperties, Cancel, CloseChannel, FieldTable, FieldValue, Nack, Return};
use async_trait::async_trait;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::observed::{Confirm, Death, Delivery, Left, Observed};
use crate::script::{Op, Script};
use crate::topology::Arg;

/// How long the broker may take to answer before the run gives up on it.
const ANSWER: Duration = Duration::from_secs(5);
/// How long a consumer waits for a delivery the script says it acts on.
const DELIVERY_WAIT: Duration = Duration::from_millis(250);
/// How long the driver goes on listening after the last thing the simulator did, at least
/// (it listens until the scenario's end, as the simulator ran until then).
const SETTLE: Duration = Duration::from_millis(50);

/// A connection to the broker, and what it says it is.
pub struct Broker {
    conn: Connection,
    /// How to open another connection: each consumer has its own, as a separate process would.
    args: OpenConnectionArguments,
    pub product: String,
    pub version: String,
}

impl Broker {
    pub async fn connect(url: &str) -> Result<Broker, String> {
        // The client does not percent-decode the virtual host (`%2f` is `/`): do it here.
        let (base, vhost) = split_vhost(url);
        let mut args = OpenConnectionArguments::try_from(base).map_err(|e| format!("{url}: not an AMQP URL ({e})"))?;
        if let Some(vhost) = vhost {
            args.virtual_host(&vhost);
        }
        let conn = Connection::open(&args).await.map_err(|e| format!("cannot connect to {url}: {e}"))?;
        conn.register_callback(DefaultConnectionCallback).await.map_err(|e| e.to_string())?;
        let props = conn.server_properties();
        Ok(Broker { product: props.product().to_string(), version: props.version().to_string(), conn, args })
    }

    pub async fn close(self) {
        let _ = self.conn.close().await;
    }
}

/// `amqp://host:port/%2fvhost` → (`amqp://host:port`, `Some("/vhost")`); no path: no vhost.
fn split_vhost(url: &str) -> (&str, Option<String>) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let Some(slash) = url[after_scheme..].find('/').map(|i| i + after_scheme) else { return (url, None) };
    let path = url[slash + 1..].split(['?', '#']).next().unwrap_or("");
    let vhost = (!path.is_empty()).then(|| percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned());
    (&url[..slash], vhost)
}

/// What arrives from the broker, funnelled into one queue for the driver's loop.
enum Incoming {
    Delivery { consumer: String, life: u32, message: Box<ConsumerMessage> },
    Closed { consumer: String, life: u32, text: String },
    Confirm { tag: u64, multiple: bool, ack: bool },
}

/// A consumer channel's callback: the broker closing it (an ack timeout) is news.
struct ConsumerCallback {
    tx: mpsc::UnboundedSender<Incoming>,
    consumer: String,
    life: u32,
}

#[async_trait]
impl ChannelCallback for ConsumerCallback {
    async fn close(&mut self, _: &Channel, close: CloseChannel) -> Result<(), amqprs::error::Error> {
        let text = format!("{} {}", close.reply_code(), close.reply_text());
        let _ = self.tx.send(Incoming::Closed { consumer: self.consumer.clone(), life: self.life, text });
        Ok(())
    }
    async fn cancel(&mut self, _: &Channel, _: Cancel) -> Result<(), amqprs::error::Error> {
        Ok(())
    }
    async fn flow(&mut self, _: &Channel, active: bool) -> Result<bool, amqprs::error::Error> {
        Ok(active)
    }
    async fn publish_ack(&mut self, _: &Channel, _: Ack) {}
    async fn publish_nack(&mut self, _: &Channel, _: Nack) {}
    async fn publish_return(&mut self, _: &Channel, _: Return, _: BasicProperties, _: Vec<u8>) {}
}

/// The publishing channel's callback: publisher confirms.
struct PublisherCallback {
    tx: mpsc::UnboundedSender<Incoming>,
}

#[async_trait]
impl ChannelCallback for PublisherCallback {
    async fn close(&mut self, _: &Channel, _: CloseChannel) -> Result<(), amqprs::error::Error> {
        Ok(())
    }
    async fn cancel(&mut self, _: &Channel, _: Cancel) -> Result<(), amqprs::error::Error> {
        Ok(())
    }
    async fn flow(&mut self, _: &Channel, active: bool) -> Result<bool, amqprs::error::Error> {
        Ok(active)
    }
    async fn publish_ack(&mut self, _: &Channel, ack: Ack) {
        let _ = self.tx.send(Incoming::Confirm { tag: ack.delivery_tag(), multiple: ack.mutiple(), ack: true });
    }
    async fn publish_nack(&mut self, _: &Channel, nack: Nack) {
        let _ = self.tx.send(Incoming::Confirm { tag: nack.delivery_tag(), multiple: nack.multiple(), ack: false });
    }
    async fn publish_return(&mut self, _: &Channel, _: Return, _: BasicProperties, _: Vec<u8>) {}
}

/// A consumer's live subscription.
struct Subscription {
    channel: Channel,
    tag: String,
    /// Its unacked deliveries: message and delivery tag, in the order they came.
    held: Vec<(String, u64)>,
}

struct Driver<'a> {
    conn: &'a Connection,
    args: &'a OpenConnectionArguments,
    /// Each consumer's own connection, from its first subscription until it crashes.
    conns: BTreeMap<String, Connection>,
    script: &'a Script,
    prefix: String,
    tx: mpsc::UnboundedSender<Incoming>,
    rx: mpsc::UnboundedReceiver<Incoming>,
    publisher: Channel,
    published: u64,
    confirmed: BTreeMap<u64, bool>,
    subs: BTreeMap<String, Subscription>,
    lives: BTreeMap<String, u32>,
    crashed: BTreeSet<String>,
    in_outage: BTreeSet<String>,
    seen: Observed,
    notes: Vec<String>,
    /// Settles the script gave that the broker's run could not take: the consumer did not
    /// hold the message (consumer, message).
    skipped: Vec<(String, String)>,
    /// Deliveries taken in so far, and how many times the deliveries a step should have
    /// brought did not all come.
    received: u64,
    missing: u32,
}

/// What a run on the broker saw, and what it could not do.
pub struct Run {
    pub observed: Observed,
    pub notes: Vec<String>,
}

fn err(what: &str) -> impl Fn(amqprs::error::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn int_of(v: &FieldValue) -> Option<i64> {
    Some(match v {
        FieldValue::b(n) => i64::from(*n),
        FieldValue::B(n) => i64::from(*n),
        FieldValue::s(n) => i64::from(*n),
        FieldValue::u(n) => i64::from(*n),
        FieldValue::I(n) => i64::from(*n),
        FieldValue::i(n) => i64::from(*n),
        FieldValue::l(n) => *n,
        _ => return None,
    })
}

fn text_of(v: &FieldValue) -> Option<String> {
    match v {
        FieldValue::S(s) => Some(s.as_ref().to_string()),
        _ => None,
    }
}

fn header<'h>(headers: Option<&'h FieldTable>, name: &str) -> Option<&'h FieldValue> {
    headers?.get(&name.to_string().try_into().ok()?)
}

impl<'a> Driver<'a> {
    fn amqp_name(&self, id: &str) -> String {
        format!("{}.{}", self.prefix, id)
    }

    fn node_id(&self, amqp: &str) -> String {
        amqp.strip_prefix(&self.prefix).and_then(|s| s.strip_prefix('.')).unwrap_or(amqp).to_string()
    }

    /// A message's `x-death` records, newest first, with the run's prefix taken off.
    fn deaths(&self, props: &BasicProperties) -> Vec<Death> {
        let Some(FieldValue::A(list)) = header(props.headers(), "x-death") else { return Vec::new() };
        let list: Vec<FieldValue> = list.clone().into();
        list.iter()
            .filter_map(|entry| {
                let FieldValue::F(t) = entry else { return None };
                let get = |k: &str| header(Some(t), k);
                Some(Death {
                    queue: self.node_id(&get("queue").and_then(text_of).unwrap_or_default()),
                    reason: get("reason").and_then(text_of).unwrap_or_default(),
                    count: get("count").and_then(int_of).unwrap_or(0) as u32,
                })
            })
            .collect()
    }

    async fn declare(&mut self) -> Result<(), String> {
        let ch = &self.publisher;
        for x in &self.script.topology.exchanges {
            ch.exchange_declare(ExchangeDeclareArguments::new(&self.amqp_name(&x.id), x.kind))
                .await
                .map_err(err(&format!("declaring exchange {}", x.id)))?;
        }
        for q in &self.script.topology.queues {
            let mut args = FieldTable::new();
            for (k, v) in &q.args {
                let value = match v {
                    Arg::Int(n) => FieldValue::l(*n),
                    Arg::Text(s) if *k == "x-dead-letter-routing-key" => FieldValue::from(self.amqp_name(s)),
                    Arg::Text(s) => FieldValue::from(s.clone()),
                };
                args.insert(k.to_string().try_into().map_err(|_| "argument name".to_string())?, value);
            }
            let declare =
                QueueDeclareArguments::new(&self.amqp_name(&q.id)).durable(q.durable).arguments(args).finish();
            ch.queue_declare(declare).await.map_err(err(&format!("declaring queue {}", q.id)))?;
        }
        for b in &self.script.topology.bindings {
            ch.queue_bind(QueueBindArguments::new(&self.amqp_name(&b.queue), &self.amqp_name(&b.exchange), &b.key))
                .await
                .map_err(err(&format!("binding {} to {}", b.queue, b.exchange)))?;
        }
        Ok(())
    }

    async fn subscribe(&mut self, consumer: &str) -> Result<(), String> {
        if self.crashed.contains(consumer) || self.subs.contains_key(consumer) {
            return Ok(());
        }
        let Some(setup) = self.script.topology.consumers.get(consumer) else { return Ok(()) };
        if self.in_outage.contains(&setup.queue) {
            return Ok(());
        }
        let life = {
            let l = self.lives.entry(consumer.to_string()).or_default();
            *l += 1;
            *l
        };
        if !self.conns.contains_key(consumer) {
            let conn = Connection::open(self.args).await.map_err(err(&format!("{consumer}'s connection")))?;
            conn.register_callback(DefaultConnectionCallback).await.map_err(err("registering a callback"))?;
            self.conns.insert(consumer.to_string(), conn);
        }
        let channel = self.conns[consumer].open_channel(None).await.map_err(err("opening a channel"))?;
        channel
            .register_callback(ConsumerCallback { tx: self.tx.clone(), consumer: consumer.to_string(), life })
            .await
            .map_err(err("registering a callback"))?;
        channel.basic_qos(BasicQosArguments::new(0, setup.prefetch, false)).await.map_err(err("basic.qos"))?;
        let tag = format!("{consumer}.{life}");
        let args = BasicConsumeArguments::new(&self.amqp_name(&setup.queue), &tag).manual_ack(true).finish();
        let (_, mut rx) = channel.basic_consume_rx(args).await.map_err(err(&format!("{consumer}'s basic.consume")))?;
        let tx = self.tx.clone();
        let name = consumer.to_string();
        tokio::spawn(async move {
            while let Some(message) = rx.recv().await {
                if tx.send(Incoming::Delivery { consumer: name.clone(), life, message: Box::new(message) }).is_err() {
                    break;
                }
            }
        });
        self.subs.insert(consumer.to_string(), Subscription { channel, tag, held: Vec::new() });
        Ok(())
    }

    /// Closes the consumer's channel: the broker requeues what it held.
    async fn close(&mut self, consumer: &str) {
        *self.lives.entry(consumer.to_string()).or_default() += 1;
        if let Some(sub) = self.subs.remove(consumer) {
            let _ = sub.channel.close().await;
        }
    }

    /// The consumer's process dies: its connection closes, and with it its channel.
    async fn crash(&mut self, consumer: &str) {
        *self.lives.entry(consumer.to_string()).or_default() += 1;
        self.subs.remove(consumer);
        if let Some(conn) = self.conns.remove(consumer) {
            let _ = conn.close().await;
        }
    }

    async fn take(&mut self, incoming: Incoming) -> Result<(), String> {
        match incoming {
            Incoming::Delivery { consumer, life, message } => {
                if self.lives.get(&consumer) != Some(&life) {
                    return Ok(());
                }
                let message = *message;
                let (Some(deliver), Some(props)) = (message.deliver, message.basic_properties) else { return Ok(()) };
                let msg = props.message_id().cloned().unwrap_or_default();
                let queue = self.script.topology.consumers[&consumer].queue.clone();
                let quorum = self.script.topology.queue(&queue).is_some_and(|q| q.quorum);
                let returns =
                    quorum.then(|| header(props.headers(), "x-delivery-count").and_then(int_of).unwrap_or(0) as u32);
                let deaths = self.deaths(&props);
                self.seen.deliveries.entry(consumer.clone()).or_default().push(Delivery {
                    queue,
                    msg: msg.clone(),
                    redelivered: deliver.redelivered(),
                    returns,
                    deaths,
                });
                if let Some(sub) = self.subs.get_mut(&consumer) {
                    sub.held.push((msg, deliver.delivery_tag()));
                }
                self.received += 1;
            }
            Incoming::Closed { consumer, life, text } => {
                if self.lives.get(&consumer) != Some(&life) {
                    return Ok(());
                }
                *self.seen.closed_by_broker.entry(consumer.clone()).or_default() += 1;
                // Without the channel's number, so that the same close reads the same.
                let text = text.split(" on channel ").next().unwrap_or(&text).to_string();
                self.notes.push(format!("RabbitMQ closed {consumer}'s channel: {text}…"));
                *self.lives.entry(consumer.clone()).or_default() += 1;
                self.subs.remove(&consumer);
                self.subscribe(&consumer).await?;
            }
            Incoming::Confirm { tag, multiple, ack } => {
                if multiple {
                    for t in 1..=tag {
                        self.confirmed.entry(t).or_insert(ack);
                    }
                } else {
                    self.confirmed.insert(tag, ack);
                }
            }
        }
        Ok(())
    }

    /// Takes in whatever arrives until `deadline`.
    async fn listen_until(&mut self, deadline: Instant) -> Result<(), String> {
        self.listen_for(deadline.saturating_duration_since(Instant::now()), |_| false).await.map(|_| ())
    }

    /// Takes in what arrives until `done` holds, or `wait` has passed; says whether it held.
    async fn listen_for(&mut self, wait: Duration, done: impl Fn(&Self) -> bool) -> Result<bool, String> {
        let deadline = Instant::now() + wait;
        while !done(self) {
            tokio::select! {
                incoming = self.rx.recv() => match incoming {
                    Some(i) => self.take(i).await?,
                    None => return Ok(false),
                },
                _ = tokio::time::sleep_until(deadline) => return Ok(done(self)),
            }
        }
        Ok(true)
    }

    /// Publishes on the confirming channel and waits for the broker's answer.
    async fn publish(
        &mut self,
        exchange: &str,
        routing_key: &str,
        props: BasicProperties,
        body: Vec<u8>,
    ) -> Result<Option<bool>, String> {
        self.publisher
            .basic_publish(props, body, BasicPublishArguments::new(exchange, routing_key))
            .await
            .map_err(err("basic.publish"))?;
        self.published += 1;
        let tag = self.published;
        self.listen_for(ANSWER, |d| d.confirmed.contains_key(&tag)).await?;
        Ok(self.confirmed.get(&tag).copied())
    }

    /// The delivery tag of the consumer's delivery of `msg`, waiting for it if need be.
    async fn delivery_of(&mut self, consumer: &str, msg: &str) -> Result<Option<u64>, String> {
        let holds = |d: &Self| d.subs.get(consumer).is_some_and(|s| s.held.iter().any(|(m, _)| m == msg));
        // Once the run has parted from the script, what follows is its consequence: a short
        // wait is enough, or a run that has diverged would take a quarter second per step.
        let wait = if self.skipped.len() < 3 { DELIVERY_WAIT } else { Duration::from_millis(10) };
        if !self.listen_for(wait, holds).await? {
            self.skipped.push((consumer.to_string(), msg.to_string()));
            return Ok(None);
        }
        let sub = self.subs.get_mut(consumer).expect("checked above");
        let i = sub.held.iter().position(|(m, _)| m == msg).expect("checked above");
        Ok(Some(sub.held.remove(i).1))
    }

    async fn act(&mut self, op: &Op) -> Result<(), String> {
        match op {
            Op::Subscribe { consumer } | Op::Recover { consumer } => {
                self.crashed.remove(consumer);
                self.subscribe(consumer).await?;
            }
            Op::Publish { producer, msg, key, event_type, attempt } => {
                let Some(target) = self.script.topology.producers.get(producer) else { return Ok(()) };
                let (exchange, routing_key) = match (&target.exchange, &target.queue) {
                    (Some(x), _) => {
                        (self.amqp_name(x), target.routing_key.clone().unwrap_or_else(|| event_type.clone()))
                    }
                    (None, Some(q)) => (String::new(), self.amqp_name(q)),
                    (None, None) => return Ok(()),
                };
                let mut headers = FieldTable::new();
                if let Some(k) = key {
                    headers.insert("key".to_string().try_into().map_err(|_| "header")?, FieldValue::from(k.clone()));
                }
                let mut props = BasicProperties::default();
                props.with_message_id(msg).with_message_type(event_type).with_headers(headers);
                let answer = self.publish(&exchange, &routing_key, props.finish(), msg.as_bytes().to_vec()).await?;
                if target.confirms {
                    match answer {
                        Some(acked) => self.seen.confirms.push(Confirm { msg: msg.clone(), attempt: *attempt, acked }),
                        None => {
                            self.notes.push(format!("no publisher confirm for {msg} within {} s", ANSWER.as_secs()))
                        }
                    }
                }
            }
            Op::Ack { consumer, msg } => {
                if let Some(tag) = self.delivery_of(consumer, msg).await? {
                    let ch = &self.subs[consumer].channel;
                    ch.basic_ack(BasicAckArguments::new(tag, false)).await.map_err(err("basic.ack"))?;
                    self.seen.acked.entry(msg.clone()).or_default().push(consumer.clone());
                }
            }
            Op::Nack { consumer, msg, requeue } => {
                if let Some(tag) = self.delivery_of(consumer, msg).await? {
                    let ch = &self.subs[consumer].channel;
                    if *requeue {
                        ch.basic_nack(BasicNackArguments::new(tag, false, true)).await.map_err(err("basic.nack"))?;
                    } else {
                        ch.basic_reject(BasicRejectArguments::new(tag, false)).await.map_err(err("basic.reject"))?;
                    }
                }
            }
            Op::Crash { consumer } => {
                self.crashed.insert(consumer.clone());
                self.crash(consumer).await;
            }
            Op::OutageStart { queue } => {
                self.in_outage.insert(queue.clone());
                let consumers = self.script.topology.queue(queue).map(|q| q.consumers.clone()).unwrap_or_default();
                for c in consumers {
                    self.close(&c).await;
                }
            }
            Op::OutageEnd { queue } => {
                self.in_outage.remove(queue);
                let consumers = self.script.topology.queue(queue).map(|q| q.consumers.clone()).unwrap_or_default();
                for c in consumers {
                    self.subscribe(&c).await?;
                }
            }
            Op::Redrive { dlq, to } => self.redrive(dlq, to.as_deref()).await?,
        }
        Ok(())
    }

    /// Moves each dead letter back to the queue it last died in (or `to`), keeping its
    /// headers, as a redrive tool (or a shovel) does.
    async fn redrive(&mut self, dlq: &str, to: Option<&str>) -> Result<(), String> {
        let ch = self.conn.open_channel(None).await.map_err(err("opening a channel"))?;
        loop {
            let got = ch.basic_get(BasicGetArguments::new(&self.amqp_name(dlq))).await.map_err(err("basic.get"))?;
            let Some((ok, props, body)) = got else { break };
            let target = match to {
                Some(t) => t.to_string(),
                None => match self.deaths(&props).first() {
                    Some(d) => d.queue.clone(),
                    None => {
                        ch.basic_ack(BasicAckArguments::new(ok.delivery_tag(), false))
                            .await
                            .map_err(err("basic.ack"))?;
                        continue;
                    }
                },
            };
            let key = self.amqp_name(&target);
            self.publish("", &key, props, body).await?;
            ch.basic_ack(BasicAckArguments::new(ok.delivery_tag(), false)).await.map_err(err("basic.ack"))?;
        }
        let _ = ch.close().await;
        Ok(())
    }

    /// Notes what is held, stops the consumers, and empties every queue, head first.
    async fn finish(&mut self) -> Result<(), String> {
        for (consumer, sub) in &self.subs {
            let held: Vec<String> = sub.held.iter().map(|(m, _)| m.clone()).collect();
            if !held.is_empty() {
                self.seen.held.insert(consumer.clone(), held);
            }
        }
        let names: Vec<String> = self.subs.keys().cloned().collect();
        for consumer in &names {
            *self.lives.entry(consumer.clone()).or_default() += 1;
            let sub = &self.subs[consumer];
            let _ = sub.channel.basic_cancel(BasicCancelArguments::new(&sub.tag)).await;
        }
        let ch = self.conn.open_channel(None).await.map_err(err("opening a channel"))?;
        for q in &self.script.topology.queues {
            let mut left = Vec::new();
            while let Some((_, props, _)) = ch
                .basic_get(BasicGetArguments::new(&self.amqp_name(&q.id)).no_ack(true).finish())
                .await
                .map_err(err("basic.get"))?
            {
                left.push(Left { msg: props.message_id().cloned().unwrap_or_default(), deaths: self.deaths(&props) });
            }
            if !left.is_empty() {
                self.seen.left.insert(q.id.clone(), left);
            }
        }
        for consumer in names {
            if let Some(sub) = self.subs.remove(&consumer) {
                let _ = sub.channel.close().await;
            }
        }
        for (_, conn) in std::mem::take(&mut self.conns) {
            let _ = conn.close().await;
        }
        let _ = ch.close().await;
        Ok(())
    }

    /// Closes the consumers' connections (if a step failed, they are still open) and deletes
    /// what the run declared.
    async fn tidy(&mut self) {
        for (_, conn) in std::mem::take(&mut self.conns) {
            let _ = conn.close().await;
        }
        for q in &self.script.topology.queues {
            let _ = self.publisher.queue_delete(QueueDeleteArguments::new(&self.amqp_name(&q.id))).await;
        }
        for x in &self.script.topology.exchanges {
            let _ = self.publisher.exchange_delete(ExchangeDeleteArguments::new(&self.amqp_name(&x.id))).await;
        }
    }
}

/// Acts `script` out on `broker`, naming everything `<run>.<node id>`.
pub async fn run(broker: &Broker, script: &Script, run: &str) -> Result<Run, String> {
    let (tx, rx) = mpsc::unbounded_channel();
    let publisher = broker.conn.open_channel(None).await.map_err(err("opening a channel"))?;
    publisher.register_callback(PublisherCallback { tx: tx.clone() }).await.map_err(err("registering a callback"))?;
    publisher.confirm_select(ConfirmSelectArguments::default()).await.map_err(err("confirm.select"))?;
    let mut d = Driver {
        conn: &broker.conn,
        args: &broker.args,
        conns: BTreeMap::new(),
        script,
        prefix: run.to_string(),
        tx,
        rx,
        publisher,
        published: 0,
        confirmed: BTreeMap::new(),
        subs: BTreeMap::new(),
        lives: BTreeMap::new(),
        crashed: BTreeSet::new(),
        in_outage: BTreeSet::new(),
        seen: Observed::default(),
        notes: Vec::new(),
        skipped: Vec::new(),
        received: 0,
        missing: 0,
    };
    let result = async {
        d.declare().await?;
        let start = Instant::now();
        for step in &script.steps {
            d.listen_until(start + Duration::from_micros(step.at_us)).await?;
            let before = d.received;
            d.act(&step.op).await?;
            if step.then_deliveries > 0 {
                // The deliveries it brings come first, then the next step (see `Step`).
                let want = before + u64::from(step.then_deliveries);
                let wait = if d.missing < 3 { DELIVERY_WAIT } else { Duration::from_millis(10) };
                if !d.listen_for(wait, |d| d.received >= want).await? {
                    d.missing += 1;
                }
            }
        }
        let end = Duration::from_micros(script.duration_us).max(Duration::from_micros(script.end_us) + SETTLE);
        d.listen_until(start + end).await?;
        d.finish().await
    }
    .await;
    d.tidy().await;
    let _ = d.publisher.clone().close().await;
    result?;
    d.seen.normalise();
    if let Some((consumer, msg)) = d.skipped.first() {
        let n = d.skipped.len();
        d.notes.insert(
            0,
            if n == 1 {
                format!("the script had {consumer} settle {msg}, which {consumer} did not hold on RabbitMQ: skipped")
            } else {
                format!("{n} settles in the script were skipped because the consumer did not hold the message on RabbitMQ (the first: {consumer} and {msg}); what follows the first difference is its consequence")
            },
        );
    }
    Ok(Run { observed: d.seen, notes: d.notes })
}

#[cfg(test)]
mod tests {
    use super::split_vhost;

    #[test]
    fn the_virtual_host_is_read_off_the_url_and_decoded() {
        assert_eq!(
            split_vhost("amqp://guest:guest@127.0.0.1:5699/%2f"),
            ("amqp://guest:guest@127.0.0.1:5699", Some("/".into()))
        );
        assert_eq!(
            split_vhost("amqp://h:5672/course%2Fone?heartbeat=10"),
            ("amqp://h:5672", Some("course/one".into()))
        );
        assert_eq!(split_vhost("amqp://h:5672/"), ("amqp://h:5672", None));
        assert_eq!(split_vhost("amqp://h:5672"), ("amqp://h:5672", None));
    }
}
