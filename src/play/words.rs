//! Trace events in a learner's words, for the event log and the message passport: "delivered
//! to billing (delivery 2, redelivered)", "dead-lettered to dlq: over the delivery limit".
//! The core's trace names events for machines; this is the same event told out loud, with
//! node and group names from the simulation.

use broker::Names;
use broker::{Entry, Event, ProjectionWrite, ReadResult, SagaEnd, Simulation};

use crate::model::format::{format_time, one_decimal};

/// The kinds the event log can be filtered by: a label and the core's event names in it.
pub const KINDS: &[(&str, &[&str])] = &[
    (
        "Published",
        &["Caused", "Published", "PublishFailed", "ConfirmLost", "PublishDeduplicated", "Written", "WriteRolledBack"],
    ),
    ("Stored", &["Enqueued", "Appended", "Requeued"]),
    ("Delivered", &["Delivered", "Fetched"]),
    ("Processing", &["ProcessingStarted", "ProcessingFailed", "RetryScheduled"]),
    ("Effects", &["EffectApplied", "DuplicateSuppressed", "TransactionAborted"]),
    ("Acks and commits", &["Acked", "AckLost", "AckFailed", "Nacked", "AckTimedOut", "Committed", "CommitFailed"]),
    ("Dead letters", &["DeadLettered", "Redriven"]),
    ("Lost or dropped", &["Lost", "Dropped", "Expired", "Deleted", "Compacted", "TombstoneRemoved"]),
    ("Failures", &["Crashed", "Recovered", "OutageStarted", "OutageEnded", "ChannelClosed", "SlowedDown", "Halted"]),
    (
        "Brokers and replicas",
        &[
            "BrokerCrashed",
            "BrokerRecovered",
            "LeaderElected",
            "PartitionOffline",
            "IsrShrunk",
            "IsrExpanded",
            "Truncated",
            "QueueDown",
            "QueueUp",
            "QueueLeaderMoved",
        ],
    ),
    ("Transactions", &["TxnBegun", "TxnCommitted", "TxnAborted", "AbortedSkipped"]),
    ("Groups", &["Rebalanced", "JoinedGroup", "LeftGroup", "OffsetsReset"]),
    ("Sagas and requests", &["SagaStarted", "SagaTimedOut", "SagaEnded", "ReplyIgnored"]),
    ("Read models", &["Projected", "ViewRead", "Rebuilt"]),
    ("Schemas", &["Unreadable", "Deployed", "DeployRefused"]),
];

/// The filter label an event belongs to.
pub fn kind_of(e: &Event) -> &'static str {
    let name = e.name();
    KINDS.iter().find(|(_, names)| names.contains(&name)).map_or("Other", |(label, _)| label)
}

fn ms(us: u64) -> String {
    if us % 1_000 == 0 {
        format!("{} ms", us / 1_000)
    } else {
        format!("{} ms", one_decimal(us as f64 / 1_000.0))
    }
}

/// What happened, in words. The node the event happened at is shown beside it, so it is
/// named here only where the sentence needs it.
pub fn describe(e: &Entry, sim: &Simulation) -> String {
    let node = |n: broker::NodeId| sim.node_name(n).to_string();
    let group = |g: u16| sim.group_name_and_strategy(g).0.to_string();
    let here = node(e.node);
    let requester = matches!(
        e.event,
        Event::SagaStarted { .. } | Event::SagaTimedOut { .. } | Event::SagaEnded { .. } | Event::ReplyIgnored { .. }
    ) && sim.is_requester(e.node);
    match &e.event {
        Event::Caused { cause, gave_up: false } => {
            format!("{here} publishes this because it handled {}", sim.msg_label(*cause))
        }
        Event::Caused { cause, gave_up: true } => {
            format!("{here} publishes this because it gave up on {}", sim.msg_label(*cause))
        }
        Event::Published { attempt: 1 } => format!("published by {here}"),
        Event::Published { attempt } => format!("published again by {here} (attempt {attempt})"),
        Event::PublishFailed { attempt, reason } => format!("publish attempt {attempt} failed: {}", reason.human()),
        Event::ConfirmLost => "stored, but the publisher confirm never came back".into(),
        Event::Enqueued { position } => format!("stored in {here} at position {position}"),
        Event::Delivered { consumer, delivery_count, redelivered } => format!(
            "delivered to {} (delivery {delivery_count}{})",
            node(*consumer),
            if *redelivered { ", redelivered" } else { "" }
        ),
        Event::ProcessingStarted { attempt: 1 } => format!("{here} started processing"),
        Event::ProcessingStarted { attempt } => format!("{here} started attempt {attempt}"),
        Event::ProcessingFailed { attempt, reason } => format!("attempt {attempt} failed: {}", reason.human()),
        Event::RetryScheduled { attempt, delay_us } => format!("attempt {attempt} scheduled in {}", ms(*delay_us)),
        Event::EffectApplied { count: 1 } => format!("effect applied by {here}"),
        Event::EffectApplied { count } => format!("effect applied AGAIN by {here}: {count} times now"),
        Event::DuplicateSuppressed => format!("{here} saw it had done this already: effect skipped"),
        Event::Acked => format!("acked by {here}"),
        Event::AckLost => "the ack was lost on the way to the broker".into(),
        Event::AckFailed => "acked on a closed channel: the broker had requeued it already".into(),
        Event::Nacked { requeue: true } => format!("nacked by {here}, requeue"),
        Event::Nacked { requeue: false } => format!("nacked by {here}, no requeue (rejected)"),
        Event::Requeued { position, reason, delivery_count } => {
            format!("back in {here} at position {position}: {} (delivery count {delivery_count})", reason.human())
        }
        Event::DeadLettered { reason, target, count } => {
            format!("dead-lettered from {here} to {}: {} (death {count})", node(*target), reason.human())
        }
        Event::Dropped { reason } => format!("dropped at {here}: {}", reason.human()),
        Event::Expired => format!("expired in {here} (TTL)"),
        Event::Lost { reason } => format!("LOST at {here}: {}", reason.human()),
        Event::Crashed { cause } => format!("{here} crashed: {}", cause.human()),
        Event::Recovered => format!("{here} is back up"),
        Event::AckTimedOut => format!("{here} did not ack within the ack timeout"),
        Event::ChannelClosed { requeued } => format!("{here}'s channel closed: {requeued} unacked requeued"),
        Event::OutageStarted { until } => {
            format!("{here} went down until {}", format_time(until.0))
        }
        Event::OutageEnded => format!("{here} is back up"),
        Event::Redriven { to } => format!("redriven from {here} back to {}", node(*to)),
        Event::SlowedDown { factor_milli } => {
            format!("{here} slowed down: processing takes {}×", one_decimal(*factor_milli as f64 / 1000.0))
        }
        Event::Halted { events } => {
            format!("the run stopped early, at one of Brokerlab's limits, after {events} events")
        }
        Event::Appended { partition, offset } => format!("appended to {here} partition {partition} at offset {offset}"),
        Event::Fetched { topic, partition, offset, redelivered } => format!(
            "fetched by {here} from {}/{partition} offset {offset}{}",
            node(*topic),
            if *redelivered { " (read again)" } else { "" }
        ),
        Event::Committed { group: g, topic, partition, offset } => {
            format!("group {} committed {}/{partition} up to offset {offset}", group(*g), node(*topic))
        }
        Event::CommitFailed { topic, partition, offset } => {
            format!("commit of {}/{partition} offset {offset} refused: the group rebalanced", node(*topic))
        }
        Event::Rebalanced(r) => format!("group {} rebalanced (generation {})", group(r.group), r.generation),
        Event::JoinedGroup { group: g } => format!("{here} joined group {}", group(*g)),
        Event::LeftGroup { group: g, reason } => format!("{here} left group {}: {}", group(*g), reason.human()),
        Event::OffsetsReset { group: g, topic, partition, offset, cause } => {
            format!("group {} moved to {}/{partition} offset {offset}: {}", group(*g), node(*topic), cause.human())
        }
        Event::Deleted { partition, offset } => format!("deleted by retention from {here}/{partition} offset {offset}"),
        Event::Compacted { partition, offset } => {
            format!("compacted away from {here}/{partition} offset {offset}: a newer record has its key")
        }
        Event::TombstoneRemoved { partition, offset } => {
            format!("tombstone removed from {here}/{partition} offset {offset}, delete.retention.ms after the cleaner reached it")
        }
        Event::BrokerCrashed => format!("broker {here} crashed"),
        Event::BrokerRecovered => format!("broker {here} is back up, with the log it had written"),
        Event::LeaderElected { partition, leader, epoch, unclean } => format!(
            "{here}/{partition} is led by {} now (leader epoch {epoch}){}",
            node(*leader),
            if *unclean { ": an unclean election, from a replica that was not in sync" } else { "" }
        ),
        Event::PartitionOffline { partition } => {
            format!("{here}/{partition} is offline: no in-sync replica is up to lead it")
        }
        Event::IsrShrunk { partition, broker } => {
            format!("{} left the in-sync replicas of {here}/{partition}: it fell behind", node(*broker))
        }
        Event::IsrExpanded { partition, broker } => {
            format!("{} caught up and is an in-sync replica of {here}/{partition} again", node(*broker))
        }
        Event::Truncated { partition, offset } => {
            format!(
                "{here}/{partition} was cut back to offset {offset}: the new leader did not have the records after it"
            )
        }
        Event::QueueDown => format!("{here} is unavailable: its broker is down (or most of its replicas are)"),
        Event::QueueUp => format!("{here} is available again"),
        Event::QueueLeaderMoved { leader } => {
            format!("{here}'s leader failed: its replica on {} leads now, and nothing is lost", node(*leader))
        }
        Event::TxnBegun { txn } => format!("{here} began transaction {txn} with this record"),
        Event::TxnCommitted { txn, records } => {
            format!("{here} committed transaction {txn}: its {records} records count, and read_committed readers may pass them")
        }
        Event::TxnAborted { txn, records, reason } => {
            format!("transaction {txn} of {here} was aborted, with its {records} records: {}", reason.human())
        }
        Event::AbortedSkipped { partition, offset } => {
            format!(
                "{here} skipped partition {partition} offset {offset}: its transaction was aborted (read_committed)"
            )
        }
        Event::PublishDeduplicated { partition, sequence } => {
            format!("a retry already written to partition {partition} (sequence {sequence}): not written again")
        }
        Event::Written { outbox: true } => format!("{here} wrote the business row and the outbox row together"),
        Event::Written { outbox: false } => format!("{here} wrote the business row"),
        Event::WriteRolledBack => format!("{here} rolled the business write back"),
        Event::TransactionAborted => format!("{here}'s transaction was fenced: effect and offset rolled back"),
        // A requester's saga is its request: said in request-reply's words.
        Event::SagaStarted { .. } if requester => format!("{here} sends a request for this"),
        Event::SagaTimedOut { attempt, .. } if requester => {
            format!("{here} heard no reply in time to this request (send {attempt})")
        }
        Event::SagaEnded { state: SagaEnd::Completed } if requester => format!("{here} has its reply"),
        Event::SagaEnded { .. } if requester => format!("{here} gave up on this request"),
        Event::ReplyIgnored { late: true } if requester => {
            format!("{here} dropped this reply: it had already given up on the request")
        }
        Event::ReplyIgnored { late: false } if requester => {
            format!("{here} dropped this reply: the request was already answered")
        }
        Event::SagaStarted { steps } => format!("{here} started a saga of {steps} steps for this"),
        Event::SagaTimedOut { step, attempt, compensating } => format!(
            "{here} heard no reply in time to {}{} (send {attempt})",
            if *compensating { "the undo of " } else { "" },
            sim.saga_step_name(e.node, *step)
        ),
        Event::SagaEnded { state } => format!("{here}'s saga ended: {}", state.human()),
        Event::ReplyIgnored { late: true } => {
            format!("{here} ignored this reply: it came after the saga had given up on its step")
        }
        Event::ReplyIgnored { late: false } => format!("{here} ignored this: its saga was not waiting for it"),
        Event::Projected { version, write: ProjectionWrite::Applied } => {
            format!("written into {here} as version {version} of its key")
        }
        Event::Projected { version, write: ProjectionWrite::Skipped } => {
            format!("skipped by {here}'s version check: version {version} is no newer than its row")
        }
        Event::Projected { version, write: ProjectionWrite::Regressed } => {
            format!("written into {here} as version {version} OVER A NEWER ONE: the row went back in time")
        }
        Event::ViewRead { result: ReadResult::Fresh, .. } => {
            format!("its writer read {here} and found the latest version")
        }
        Event::ViewRead { result: ReadResult::Routed, .. } => {
            format!("its writer's read went to the write side: {here} was behind it (read-your-writes)")
        }
        Event::ViewRead { result, behind_us } => {
            format!("its writer read {here}: it {}, behind for {}", result.human(), ms(*behind_us))
        }
        Event::Rebuilt => {
            format!("{here} was emptied to be rebuilt: its projections replay their topics from the start")
        }
        Event::Unreadable { writer, reader } => {
            let why = e.msg().map_or(String::new(), |m| sim.unreadable_words(m, *writer, *reader));
            format!("{here} cannot read it: written with version {writer}, read with version {reader}: {why}")
        }
        Event::Deployed { version }
            if matches!(sim.model().nodes[e.node.index()].kind, broker::NodeKind::Producer(_)) =>
        {
            format!("{here} deployed: it now writes version {version}")
        }
        Event::Deployed { version } => format!("{here} deployed: it now reads with version {version}"),
        Event::DeployRefused { version, against, schema } => format!(
            "the schema registry refused to deploy version {version} to {here}: {}",
            sim.refusal_words(*schema, *version, *against)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    #[test]
    fn every_event_of_every_lesson_has_words_and_a_kind() {
        for p in PRESETS {
            let mut sim = Simulation::new(broker::load_model(p.json).unwrap());
            sim.run_to_end();
            for e in sim.drain_trace() {
                let text = describe(&e, &sim);
                assert!(!text.is_empty() && !text.contains("{"), "{}: {text}", p.slug);
                assert_ne!(kind_of(&e.event), "Other", "{}: {} has no filter kind", p.slug, e.event.name());
            }
        }
    }
}
