//! Orchestrated sagas: an orchestrator (a consumer with `orchestrates`) runs one saga
//! instance per flow. The flow's start event begins it; the orchestrator sends the first
//! step's command and waits for a reply. A success reply sends the next step's command; a
//! failure reply, a timeout with no retries left, or the command's dead letter fails the step,
//! and the orchestrator compensates the steps that completed, in reverse order, each after the
//! previous compensation's reply. A compensation that fails or times out leaves the saga
//! needing a person.
//!
//! ```text
//!   start ─▶ step 0 ─success─▶ step 1 ─success─▶ … ─▶ completed
//!              │                  │
//!              └─failure/timeout──┴─▶ compensate step k-1 ─compensated─▶ … step 0 ─▶ compensated
//!                                         └─compensation_failed/timeout─▶ needs a person
//! ```
//!
//! The saga's state is the orchestrator's database: it survives the orchestrator's crashes,
//! and so do its timers. A reply the saga is not waiting for is ignored and counted: late if it
//! answers a step the saga gave up on (the step may have run all the same), else a duplicate.

mod orchestrator;
mod request;

use crate::model::ids::MsgId;
use crate::model::time::{Duration, SimTime};
use crate::model::ReplyTo;
use crate::sorted_map::SortedMap;

/// Where a saga instance is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SagaPhase {
    /// Waiting for the reply to its current step's command.
    Running,
    /// Waiting for the reply to its current step's compensating command.
    Compensating,
    Completed,
    Compensated,
    /// A compensation failed or timed out.
    NeedsPerson,
}

impl SagaPhase {
    pub fn ended(self) -> bool {
        matches!(self, SagaPhase::Completed | SagaPhase::Compensated | SagaPhase::NeedsPerson)
    }
}

/// How a step (or its compensation) failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepFailure {
    /// Its owner replied that it failed.
    Reply,
    /// No reply came within the timeout, retries included.
    TimedOut,
    /// The command was dead-lettered on its way.
    DeadLettered,
}

impl StepFailure {
    pub fn words(self) -> &'static str {
        match self {
            StepFailure::Reply => "failed",
            StepFailure::TimedOut => "timed out",
            StepFailure::DeadLettered => "was dead-lettered",
        }
    }
}

/// One saga instance.
#[derive(Clone, Copy, Debug)]
pub struct Saga {
    pub phase: SagaPhase,
    /// The step running, or being compensated.
    pub step: u8,
    /// Sends of the current command so far.
    pub attempt: u8,
    /// Bumped at every send: a timeout armed for an earlier send is stale.
    pub wait: u32,
    /// The command last sent.
    pub command: MsgId,
    /// Steps the saga gave up waiting on (a bit per step): a reply to one is late.
    pub gave_up: u32,
    /// The step that failed, and how.
    pub failed: Option<(u8, StepFailure)>,
    /// The compensation that failed, and how.
    pub stuck: Option<(u8, StepFailure)>,
    /// When it started, and when it ended (while it runs, when it started).
    pub started: SimTime,
    pub ended: SimTime,
}

impl Saga {
    /// How long it took from its start to its end (or so far).
    pub fn took(&self) -> Duration {
        Duration(self.ended.0 - self.started.0)
    }
}

/// A step, its event types interned.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub command: u16,
    pub success: u16,
    pub failure: Option<u16>,
    pub compensate: Option<u16>,
    pub compensated: Option<u16>,
    pub compensation_failed: Option<u16>,
    pub timeout: Duration,
    pub retries: u32,
}

/// An orchestrator's sagas while it runs.
#[derive(Clone, Debug)]
pub struct Orchestration {
    pub start: u16,
    pub steps: Vec<Step>,
    pub completed: Option<u16>,
    pub compensated: Option<u16>,
    /// Every saga instance, in the order they started.
    pub sagas: Vec<Saga>,
    /// Saga index by its start event's number.
    pub by_flow: SortedMap<u32, u32>,
    pub late_replies: u32,
    pub duplicates: u32,
    pub timeouts: u32,
    /// Set for a requester (`requests`): its saga is one request, and this is where the reply
    /// goes.
    pub reply_to: Option<ReplyTo>,
}

/// An orchestrator's sagas counted, for the outcome and the canvas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SagaCounts {
    pub started: u32,
    pub running: u32,
    pub compensating: u32,
    pub completed: u32,
    pub compensated: u32,
    pub needs_a_person: u32,
    pub timeouts: u32,
    pub late_replies: u32,
    pub duplicates: u32,
}

impl Orchestration {
    pub fn counts(&self) -> SagaCounts {
        let mut c = SagaCounts {
            started: self.sagas.len() as u32,
            timeouts: self.timeouts,
            late_replies: self.late_replies,
            duplicates: self.duplicates,
            ..SagaCounts::default()
        };
        for s in &self.sagas {
            *match s.phase {
                SagaPhase::Running => &mut c.running,
                SagaPhase::Compensating => &mut c.compensating,
                SagaPhase::Completed => &mut c.completed,
                SagaPhase::Compensated => &mut c.compensated,
                SagaPhase::NeedsPerson => &mut c.needs_a_person,
            } += 1;
        }
        c
    }

    pub fn saga_of(&self, flow: MsgId) -> Option<&Saga> {
        self.by_flow.get(&flow.0).map(|&i| &self.sagas[i as usize])
    }
}

impl Orchestration {
    /// The saga of `spec`, its event types interned by `intern` in the order the file gives
    /// them.
    pub fn new(
        spec: &crate::model::SagaModel,
        reply_to: Option<ReplyTo>,
        mut intern: impl FnMut(&str) -> u16,
    ) -> Orchestration {
        // (Checked by the validator: a timeout of at least 1 ms, retries from 0 to 10.)
        let start = intern(&spec.start);
        let mut steps = Vec::with_capacity(spec.steps.len());
        for s in &spec.steps {
            let command = intern(&s.command);
            let success = intern(&s.success);
            let failure = s.failure.as_deref().map(&mut intern);
            let compensate = s.compensate.as_deref().map(&mut intern);
            let compensated = s.compensated.as_deref().map(&mut intern);
            let compensation_failed = s.compensation_failed.as_deref().map(&mut intern);
            steps.push(Step {
                command,
                success,
                failure,
                compensate,
                compensated,
                compensation_failed,
                timeout: Duration::from_ms(s.timeout_ms as u64),
                retries: s.retries as u32,
            });
        }
        Orchestration {
            start,
            steps,
            completed: spec.completed.as_deref().map(&mut intern),
            compensated: spec.compensated.as_deref().map(&mut intern),
            sagas: Vec::new(),
            by_flow: SortedMap::new(),
            late_replies: 0,
            duplicates: 0,
            timeouts: 0,
            reply_to,
        }
    }
}
