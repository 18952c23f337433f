//! The orchestrator at work: what it does with each message it handles (a start event or a
//! reply), with each step's timeout, and with a command that was dead-lettered. Every command
//! it sends is a message caused by the one that led to it (the start event, a reply, or the
//! command that timed out), so the whole saga is one flow with one correlation id.

use super::{Orchestration, Saga, SagaPhase, StepFailure};
use crate::model::ids::{MsgId, NodeId};
use crate::sim::trace::{Event, SagaEnd};
use crate::sim::{Due, Simulation};

impl Simulation {
    #[inline(never)]
    pub(crate) fn orchestration(&self, node: NodeId) -> Option<&Orchestration> {
        match &self.nodes[node.index()] {
            crate::sim::NodeState::Consumer(c) => c.output.as_ref()?.saga.as_deref(),
            _ => None,
        }
    }

    #[inline(never)]
    fn orchestration_mut(&mut self, node: NodeId) -> &mut Orchestration {
        match &mut self.nodes[node.index()] {
            crate::sim::NodeState::Consumer(c) => {
                c.output.as_mut().and_then(|o| o.saga.as_deref_mut()).expect("an orchestrator")
            }
            _ => unreachable!("node {} does not orchestrate", node.0),
        }
    }

    /// Every orchestrator: its node, its sagas and the saga it runs, in node order.
    pub(crate) fn orchestrators(&self) -> impl Iterator<Item = (NodeId, &Orchestration, &crate::model::SagaModel)> {
        self.model.nodes.iter().enumerate().filter_map(|(i, n)| {
            let crate::model::NodeKind::Consumer(c) = &n.kind else { return None };
            let node = NodeId(i as u32);
            Some((node, self.orchestration(node)?, c.output.as_ref()?.saga.as_ref()?))
        })
    }

    /// The name of step `step` of the orchestrator's saga ("charge card").
    #[inline(never)]
    pub fn saga_step_name(&self, orch: NodeId, step: u32) -> &str {
        match &self.model.nodes[orch.index()].kind {
            crate::model::NodeKind::Consumer(c) => c
                .output
                .as_ref()
                .and_then(|o| o.saga.as_ref())
                .and_then(|s| s.steps.get(step as usize))
                .map_or("", |s| s.label()),
            _ => "",
        }
    }

    /// An orchestrator's sagas counted: how many started, where they are, how they ended.
    #[inline(never)]
    pub fn saga_counts(&self, orch: NodeId) -> Option<super::SagaCounts> {
        self.orchestration(orch).map(Orchestration::counts)
    }

    #[inline(never)]
    pub(crate) fn orchestrates(&self, node: NodeId) -> bool {
        self.orchestration(node).is_some()
    }

    /// The orchestrator handled `msg`: a start event begins a saga, an awaited reply moves its
    /// saga on, anything else is ignored and counted.
    #[inline(never)]
    pub(crate) fn saga_handle(&mut self, orch: NodeId, msg: MsgId) {
        let t = self.msgs[msg.index()].event_type;
        let flow = self.flow_of(msg);
        let o = self.orchestration(orch).expect("an orchestrator");
        let found = o.by_flow.get(&flow.0).copied();
        if t == o.start && flow == msg {
            if found.is_some() {
                return self.reply_ignored(orch, msg, false);
            }
            let (steps, now) = (o.steps.len() as u32, self.now);
            let o = self.orchestration_mut(orch);
            let index = o.sagas.len() as u32;
            o.by_flow.insert(flow.0, index);
            o.sagas.push(Saga {
                phase: SagaPhase::Running,
                step: 0,
                attempt: 0,
                wait: 0,
                command: msg,
                gave_up: 0,
                failed: None,
                stuck: None,
                started: now,
                ended: now,
            });
            self.emit(orch, Some(msg), None, Event::SagaStarted { steps });
            return self.saga_send(orch, index, msg);
        }
        let Some(index) = found else { return self.reply_ignored(orch, msg, false) };
        let s = &o.sagas[index as usize];
        let step = &o.steps[s.step as usize];
        match s.phase {
            SagaPhase::Running if t == step.success => self.step_done(orch, index, msg),
            SagaPhase::Running if Some(t) == step.failure => self.step_failed(orch, index, StepFailure::Reply, msg),
            SagaPhase::Compensating if Some(t) == step.compensated => {
                let below = s.step;
                self.compensate_below(orch, index, below, msg)
            }
            SagaPhase::Compensating if Some(t) == step.compensation_failed => {
                self.needs_person(orch, index, StepFailure::Reply, msg)
            }
            _ => {
                let answers = o.steps.iter().position(|st| {
                    [Some(st.success), st.failure, st.compensated, st.compensation_failed].contains(&Some(t))
                });
                let late = answers.is_some_and(|k| s.gave_up & (1 << k) != 0);
                self.reply_ignored(orch, msg, late)
            }
        }
    }

    #[inline(never)]
    fn reply_ignored(&mut self, orch: NodeId, msg: MsgId, late: bool) {
        let o = self.orchestration_mut(orch);
        if late {
            o.late_replies += 1;
        } else {
            o.duplicates += 1;
        }
        self.emit(orch, Some(msg), None, Event::ReplyIgnored { late });
    }

    /// Sends the saga's current command (its step's, or the step's compensation) and arms the
    /// step's timeout.
    #[inline(never)]
    fn saga_send(&mut self, orch: NodeId, index: u32, cause: MsgId) {
        let o = self.orchestration_mut(orch);
        let s = &mut o.sagas[index as usize];
        let step = &o.steps[s.step as usize];
        let command = match s.phase {
            SagaPhase::Compensating => step.compensate.expect("only steps with a compensation are compensated"),
            _ => step.command,
        };
        let timeout = step.timeout;
        let again = s.attempt > 0 && o.reply_to.is_some();
        s.attempt += 1;
        s.wait += 1;
        let (wait, request) = (s.wait, s.command);
        if again {
            // A requester sends the same request again: one message, its id the idempotency key
            // a responder can recognise.
            self.publish_attempt(request, None);
        } else {
            let Some(sent) = self.publish_caused(orch, cause, command, false) else { return };
            self.orchestration_mut(orch).sagas[index as usize].command = sent;
        }
        self.sched.schedule(self.later(timeout), Due::SagaTimeout { orchestrator: orch, saga: index, wait });
    }

    /// A step's success reply: the next step, or the end.
    #[inline(never)]
    fn step_done(&mut self, orch: NodeId, index: u32, reply: MsgId) {
        let o = self.orchestration_mut(orch);
        let n = o.steps.len() as u8;
        let s = &mut o.sagas[index as usize];
        if s.step + 1 < n {
            s.step += 1;
            s.attempt = 0;
            return self.saga_send(orch, index, reply);
        }
        let end = o.completed;
        self.saga_end(orch, index, SagaPhase::Completed, reply, end);
    }

    /// The current step failed: compensate the ones before it.
    #[inline(never)]
    fn step_failed(&mut self, orch: NodeId, index: u32, how: StepFailure, cause: MsgId) {
        let s = &mut self.orchestration_mut(orch).sagas[index as usize];
        s.failed = Some((s.step, how));
        let step = s.step;
        self.compensate_below(orch, index, step, cause)
    }

    /// Compensates the highest completed step below `below` that has a compensation, or ends
    /// the saga as compensated when none is left.
    #[inline(never)]
    fn compensate_below(&mut self, orch: NodeId, index: u32, below: u8, cause: MsgId) {
        let o = self.orchestration_mut(orch);
        let next = (0..below).rev().find(|&k| o.steps[k as usize].compensate.is_some());
        match next {
            Some(k) => {
                let s = &mut o.sagas[index as usize];
                s.phase = SagaPhase::Compensating;
                s.step = k;
                s.attempt = 0;
                self.saga_send(orch, index, cause)
            }
            None => {
                let end = o.compensated;
                self.saga_end(orch, index, SagaPhase::Compensated, cause, end)
            }
        }
    }

    #[inline(never)]
    fn needs_person(&mut self, orch: NodeId, index: u32, how: StepFailure, cause: MsgId) {
        let s = &mut self.orchestration_mut(orch).sagas[index as usize];
        s.stuck = Some((s.step, how));
        self.saga_end(orch, index, SagaPhase::NeedsPerson, cause, None)
    }

    #[inline(never)]
    fn saga_end(&mut self, orch: NodeId, index: u32, phase: SagaPhase, cause: MsgId, publish: Option<u16>) {
        let now = self.now;
        let o = self.orchestration_mut(orch);
        let request = o.reply_to.is_some();
        let s = &mut o.sagas[index as usize];
        s.phase = phase;
        s.wait += 1;
        s.ended = now;
        let state = match phase {
            SagaPhase::Completed => SagaEnd::Completed,
            SagaPhase::Compensated if request => SagaEnd::GaveUp,
            SagaPhase::Compensated => SagaEnd::Compensated,
            _ => SagaEnd::NeedsPerson,
        };
        self.emit(orch, Some(cause), None, Event::SagaEnded { state });
        if let Some(t) = publish {
            self.publish_caused(orch, cause, t, false);
        }
    }

    /// A step's timeout: send again while retries are left, else fail the step (or, for a
    /// compensation, leave the saga to a person). A timeout armed for an earlier send, or for a
    /// saga that has moved on, does nothing.
    #[inline(never)]
    pub(crate) fn saga_timeout(&mut self, orch: NodeId, index: u32, wait: u32) {
        let o = self.orchestration(orch).expect("an orchestrator");
        let s = &o.sagas[index as usize];
        if s.wait != wait || s.phase.ended() {
            return;
        }
        let timeout = o.steps[s.step as usize].timeout;
        if self.consumer(orch).crashed {
            // Its timers are in its database: it looks again once it is back.
            self.sched.schedule(self.later(timeout), Due::SagaTimeout { orchestrator: orch, saga: index, wait });
            return;
        }
        let o = self.orchestration_mut(orch);
        o.timeouts += 1;
        let s = &o.sagas[index as usize];
        let (step, attempt, command, phase) = (s.step, s.attempt, s.command, s.phase);
        let retries = o.steps[step as usize].retries;
        let compensating = phase == SagaPhase::Compensating;
        self.emit(
            orch,
            Some(command),
            None,
            Event::SagaTimedOut { step: step as u32, attempt: attempt as u32, compensating },
        );
        if u32::from(attempt) <= retries {
            return self.saga_send(orch, index, command);
        }
        self.stop_waiting(orch, index, StepFailure::TimedOut, command)
    }

    /// The saga gives up on its current command: the step fails, or, for a compensation, the
    /// saga is left to a person. A reply to that step that comes after is late.
    #[inline(never)]
    fn stop_waiting(&mut self, orch: NodeId, index: u32, how: StepFailure, cause: MsgId) {
        let s = &mut self.orchestration_mut(orch).sagas[index as usize];
        s.gave_up |= 1 << s.step;
        if s.phase == SagaPhase::Compensating {
            self.needs_person(orch, index, how, cause)
        } else {
            self.step_failed(orch, index, how, cause)
        }
    }

    /// A command an orchestrator sent was dead-lettered: if its saga is waiting on it, the step
    /// (or its compensation) has failed.
    #[inline(never)]
    pub(crate) fn saga_command_died(&mut self, msg: MsgId) {
        let orch = self.msgs[msg.index()].producer;
        let Some(o) = self.orchestration(orch) else { return };
        let Some(&index) = o.by_flow.get(&self.flow_of(msg).0) else { return };
        let s = &o.sagas[index as usize];
        if s.command != msg || s.phase.ended() {
            return;
        }
        self.stop_waiting(orch, index, StepFailure::DeadLettered, msg)
    }
}
