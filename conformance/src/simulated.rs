//! Runs a scenario on the simulator and reads its trace twice over: into the [`Script`] of
//! what the clients did (to act out on a real broker), and into the [`Observed`] record of what
//! the simulated broker did (to compare with the real one).

use std::collections::BTreeMap;

use broker::scenario::Scenario;
use broker::{Command, EnvId, Event, NodeKind, Simulation};

use crate::observed::{Confirm, Death, Delivery, Left, Observed};
use crate::script::{Op, Script, Step};
use crate::topology::topology;

/// Where one copy of a message is, as the trace tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    Elsewhere,
    Held(String),
}

/// Reads, validates and runs scenario JSON, and derives its script and what it observed.
pub fn script(json: &str) -> Result<Script, Vec<String>> {
    let scenario = Scenario::from_json(json).map_err(|ps| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    let model = broker::validate(&scenario).map_err(|ps| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    let topology = topology(&scenario, &model)?;
    let mut sim = Simulation::new(model);
    sim.set_keep_trace(true);
    sim.run_to_end();
    if sim.limit().is_some() {
        return Err(vec!["the simulation stopped at one of its limits; a conformance scenario must be small".into()]);
    }
    let entries = sim.drain_trace();
    let model = sim.model();
    let name = |id: broker::NodeId| model.name(id).to_string();
    let is_dlq = |id: broker::NodeId| matches!(model.nodes[id.index()].kind, NodeKind::DeadLetterQueue);

    let mut steps: Vec<Step> = Vec::new();
    let mut seen = Observed::default();
    let mut ready: BTreeMap<String, Vec<EnvId>> = BTreeMap::new();
    let mut deaths: BTreeMap<EnvId, Vec<Death>> = BTreeMap::new();
    let mut returns: BTreeMap<EnvId, u32> = BTreeMap::new();
    let mut place: BTreeMap<EnvId, Place> = BTreeMap::new();
    let mut msg_of: BTreeMap<EnvId, String> = BTreeMap::new();
    let mut refusals = Vec::new();
    let mut end_us = 0;
    let mut delivery_limit_hit = std::collections::BTreeSet::new();
    let mut limit_nacked_after: BTreeMap<String, usize> = BTreeMap::new();
    let mut nacked_by: BTreeMap<EnvId, String> = BTreeMap::new();
    for q in &topology.queues {
        ready.insert(q.id.clone(), Vec::new());
    }
    let remove_ready = |ready: &mut BTreeMap<String, Vec<EnvId>>, queue: &str, env: EnvId| {
        if let Some(list) = ready.get_mut(queue) {
            list.retain(|e| *e != env);
        }
    };

    // Consumers subscribe at their start, before anything else that happens at that time, in
    // their queue's order of consumers (the order the simulator's round-robin starts from).
    let mut subscribes: Vec<Step> = Vec::new();
    for q in &topology.queues {
        for c in &q.consumers {
            if let Some(setup) = topology.consumers.get(c) {
                subscribes.push(Step {
                    at_us: setup.start_us,
                    op: Op::Subscribe { consumer: c.clone() },
                    then_deliveries: 0,
                });
            }
        }
    }
    // Popped from the end: latest first, and at one time the queue's order reversed.
    subscribes.reverse();
    subscribes.sort_by_key(|s| std::cmp::Reverse(s.at_us));

    for e in &entries {
        let t = e.t.0;
        while subscribes.last().is_some_and(|s| s.at_us <= t) {
            steps.extend(subscribes.pop());
        }
        end_us = end_us.max(t);
        let node = name(e.node);
        let msg = e.msg().map(|m| sim.message_name(m));
        let env = e.env();
        if let (Some(env), Some(m)) = (env, &msg) {
            msg_of.entry(env).or_insert_with(|| m.clone());
        }
        let at = |op| Step { at_us: t, op, then_deliveries: 0 };
        // Past a delivery limit (dead-lettered, or dropped with nowhere to go): which queue,
        // and how many deliveries the consumer whose nack sent it there had had by then.
        let past_limit = match &e.event {
            Event::DeadLettered { reason, .. } => reason.name() == "delivery_limit",
            Event::Dropped { reason } => reason.name().starts_with("delivery_limit"),
            _ => false,
        };
        if past_limit {
            delivery_limit_hit.insert(node.clone());
            if let Some(c) = env.and_then(|env| nacked_by.get(&env)) {
                let had = seen.deliveries.get(c).map_or(0, Vec::len);
                limit_nacked_after.entry(c.clone()).or_insert(had);
            }
        }
        match &e.event {
            Event::Published { attempt } => {
                let parts = e.msg().and_then(|m| sim.message_parts(m));
                let key = parts.filter(|p| p.key != u32::MAX).map(|p| sim.key_name(p.key).to_string());
                let event_type = parts.map_or("Event", |p| sim.event_type_name(p.event_type)).to_string();
                let msg = msg.clone().unwrap_or_default();
                if topology.producers.get(&node).is_some_and(|p| p.confirms) {
                    seen.confirms.push(Confirm { msg: msg.clone(), attempt: *attempt, acked: true });
                }
                steps.push(at(Op::Publish { producer: node, msg, key, event_type, attempt: *attempt }));
            }
            Event::PublishFailed { attempt, reason } => {
                if reason.name() == "rejected_by_full_queue" {
                    let m = msg.clone().unwrap_or_default();
                    if let Some(c) = seen.confirms.iter_mut().rev().find(|c| c.msg == m && c.attempt == *attempt) {
                        c.acked = false;
                    }
                } else {
                    refusals.push(format!("{node}'s publish failed ({}): only a full queue's refusal happens on a broker of its own accord", reason.name()));
                }
            }
            Event::Enqueued { position } => {
                if let (Some(env), Some(list)) = (env, ready.get_mut(&node)) {
                    list.insert((*position as usize).min(list.len()), env);
                }
            }
            Event::Delivered { consumer, redelivered, .. } => {
                let Some(env) = env else { continue };
                if let Some(last) = steps.last_mut().filter(|s| s.at_us == t) {
                    last.then_deliveries += 1;
                }
                remove_ready(&mut ready, &node, env);
                let quorum = topology.queue(&node).is_some_and(|q| q.quorum);
                let consumer = name(*consumer);
                seen.deliveries.entry(consumer.clone()).or_default().push(Delivery {
                    queue: node.clone(),
                    msg: msg.clone().unwrap_or_default(),
                    redelivered: *redelivered,
                    returns: quorum.then(|| returns.get(&env).copied().unwrap_or(0)),
                    deaths: deaths.get(&env).cloned().unwrap_or_default(),
                });
                place.insert(env, Place::Held(consumer));
            }
            Event::Acked => {
                if let Some(env) = env {
                    place.insert(env, Place::Elsewhere);
                }
                let m = msg.clone().unwrap_or_default();
                seen.acked.entry(m.clone()).or_default().push(node.clone());
                steps.push(at(Op::Ack { consumer: node, msg: m }));
            }
            Event::Nacked { requeue } => {
                if let Some(env) = env {
                    place.insert(env, Place::Elsewhere);
                    nacked_by.insert(env, node.clone());
                }
                steps.push(at(Op::Nack { consumer: node, msg: msg.clone().unwrap_or_default(), requeue: *requeue }));
            }
            Event::Requeued { position, .. } => {
                let Some(env) = env else { continue };
                *returns.entry(env).or_default() += 1;
                place.insert(env, Place::Elsewhere);
                if let Some(list) = ready.get_mut(&node) {
                    list.insert((*position as usize).min(list.len()), env);
                }
            }
            Event::DeadLettered { reason, target, count } => {
                let Some(env) = env else { continue };
                remove_ready(&mut ready, &node, env);
                place.insert(env, Place::Elsewhere);
                let list = deaths.entry(env).or_default();
                list.retain(|d| !(d.queue == node && d.reason == reason.name()));
                list.insert(0, Death { queue: node.clone(), reason: reason.name().to_string(), count: *count });
                if is_dlq(*target) {
                    ready.entry(name(*target)).or_default().push(env);
                }
            }
            Event::Expired | Event::Dropped { .. } => {
                if let Some(env) = env {
                    remove_ready(&mut ready, &node, env);
                }
            }
            Event::Redriven { .. } => {
                if let Some(env) = env {
                    remove_ready(&mut ready, &node, env);
                }
                let already = steps
                    .iter()
                    .rev()
                    .take_while(|s| s.at_us == t)
                    .any(|s| matches!(&s.op, Op::Redrive { dlq, .. } if *dlq == node));
                if !already {
                    let to = model.actions.iter().find_map(|a| match a.command {
                        Command::Redrive { dlq, to } if dlq == e.node && a.at.0 == t => to.map(name),
                        _ => None,
                    });
                    steps.push(at(Op::Redrive { dlq: node, to }));
                }
            }
            // The consumer's channel is gone: the broker has its deliveries back.
            Event::Crashed { .. } | Event::ChannelClosed { .. } => {
                for p in place.values_mut() {
                    if *p == Place::Held(node.clone()) {
                        *p = Place::Elsewhere;
                    }
                }
                if matches!(e.event, Event::Crashed { .. }) {
                    steps.push(at(Op::Crash { consumer: node }));
                }
            }
            Event::Recovered => steps.push(at(Op::Recover { consumer: node })),
            Event::AckTimedOut => *seen.closed_by_broker.entry(node).or_default() += 1,
            Event::OutageStarted { .. } => steps.push(at(Op::OutageStart { queue: node })),
            Event::OutageEnded => steps.push(at(Op::OutageEnd { queue: node })),
            _ => {}
        }
    }
    if !refusals.is_empty() {
        refusals.dedup();
        return Err(refusals);
    }
    steps.extend(subscribes.into_iter().rev());

    for (queue, list) in ready {
        let left: Vec<Left> = list
            .iter()
            .map(|env| Left {
                msg: msg_of.get(env).cloned().unwrap_or_default(),
                deaths: deaths.get(env).cloned().unwrap_or_default(),
            })
            .collect();
        if !left.is_empty() {
            seen.left.insert(queue, left);
        }
    }
    for (env, p) in place {
        if let Place::Held(consumer) = p {
            seen.held.entry(consumer).or_default().push(msg_of.get(&env).cloned().unwrap_or_default());
        }
    }
    seen.normalise();
    Ok(Script {
        title: sim.model().title.clone(),
        topology,
        steps,
        end_us,
        duration_us: sim.model().duration.0,
        delivery_limit_hit,
        limit_nacked_after,
        expected: seen,
    })
}
