//! How each flow ended, for a scenario that names its flows. A flow is one producer's message
//! and everything services published because of it (its correlation id is that first
//! message). It ends in exactly one state:
//!
//! - **completed**: an event that completes a flow was published in it;
//! - **compensated**: an event that compensates a flow was, and none that completes it;
//! - **inconsistent**: finished, but an effect happened twice in it (for one event type), or an
//!   effect was left without its compensation (or undone in a completed flow), or it was both
//!   completed and compensated;
//! - **in flight**: not finished, and some of its messages are still on their way;
//! - **stuck**: not finished, and nothing of it is on its way: an event was lost, dropped or
//!   dead-lettered, or a service published nothing that carries the flow on.

use std::sync::Arc;

use serde::Serialize;

use crate::model::ids::MsgId;
use crate::report::outcome::{MsgName, Rows};
use crate::report::verdict::REFS;
use crate::scenario::fate::Fate;
pub use crate::scenario::FlowState;
use crate::sim::Simulation;

/// One flow: its first message, its key, how it ended and why, in words.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowRecord {
    pub flow: MsgName,
    pub key: Option<Arc<str>>,
    pub state: FlowState,
    pub messages: u32,
    pub why: String,
    /// Its effect ledger: each business effect applied in it and how many times ("charge
    /// card": 1, "refund card": 1), in the order they first happened.
    #[serde(serialize_with = "ledger", skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<(Arc<str>, u32)>,
    /// Its messages (indices into the outcome's rows, at most [`REFS`]), in publish order.
    #[serde(skip)]
    pub refs: Vec<u32>,
}

fn ledger<S: serde::Serializer>(effects: &[(Arc<str>, u32)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(effects.iter().map(|(e, n)| (e.as_ref(), n)))
}

/// The flows of a run: how many ended in each state, and each one.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Flows {
    pub completed: u64,
    pub compensated: u64,
    pub in_flight: u64,
    pub stuck: u64,
    pub inconsistent: u64,
    /// Orchestrated sagas whose compensation failed: a person must finish them.
    pub needs_a_person: u64,
    pub records: Vec<FlowRecord>,
}

impl Flows {
    pub fn count(&self, state: FlowState) -> u64 {
        match state {
            FlowState::Completed => self.completed,
            FlowState::Compensated => self.compensated,
            FlowState::InFlight => self.in_flight,
            FlowState::Stuck => self.stuck,
            FlowState::Inconsistent => self.inconsistent,
            FlowState::NeedsPerson => self.needs_a_person,
        }
    }
}

/// One flow while the messages are read.
struct Acc {
    root: usize,
    messages: u32,
    refs: Vec<u32>,
    completed: Option<usize>,
    compensated: Option<usize>,
    in_flight: u32,
    /// The first of its messages that met a bad end: lost, dropped or dead-lettered.
    bad: Option<(usize, Fate, Option<&'static str>)>,
    /// Effects applied: (effect, event type it was applied for, times).
    effects: Vec<(u16, u16, u32)>,
    last: usize,
}

impl Simulation {
    /// Each flow's end, if the scenario names its flows.
    pub(crate) fn flows(&self, rows: &Rows) -> Option<Flows> {
        let orchestrators: Vec<_> = self.orchestrators().map(|(_, o, m)| (o, m)).collect();
        let unnamed = crate::scenario::FlowsSpec::default();
        // A scenario with an orchestrator has flows: its sagas.
        let spec = match &self.model.flows {
            Some(spec) => spec,
            None if !orchestrators.is_empty() => &unnamed,
            None => return None,
        };
        let types = |names: &[String]| -> Vec<u16> {
            names.iter().filter_map(|n| self.event_types.iter().position(|t| t == n)).map(|i| i as u16).collect()
        };
        let (completing, compensating) = (types(&spec.completed), types(&spec.compensated));
        let effect = |name: &str| self.effects.iter().position(|e| e == name).map(|i| i as u16);
        // (effect, the effect that undoes it if anything applies it, that one's name)
        let undoes: Vec<(u16, Option<u16>, &str)> =
            spec.compensations.iter().filter_map(|(e, u)| Some((effect(e)?, effect(u), u.as_str()))).collect();
        let mut flow_of = vec![u32::MAX; self.msgs.len()];
        let mut accs: Vec<Acc> = Vec::new();
        for i in 0..self.msgs.len() {
            let m = &self.msgs[i];
            let f = match m.cause() {
                Some(c) => flow_of[c.index()] as usize,
                None => {
                    accs.push(Acc {
                        root: i,
                        messages: 0,
                        refs: Vec::new(),
                        completed: None,
                        compensated: None,
                        in_flight: 0,
                        bad: None,
                        effects: Vec::new(),
                        last: i,
                    });
                    accs.len() - 1
                }
            };
            flow_of[i] = f as u32;
            let (fate, reason, _) = self.fate_and_copy(MsgId(i as u32));
            let a = &mut accs[f];
            a.messages += 1;
            a.last = i;
            if a.refs.len() < REFS {
                a.refs.push(i as u32);
            }
            if completing.contains(&m.event_type) {
                a.completed.get_or_insert(i);
            }
            if compensating.contains(&m.event_type) {
                a.compensated.get_or_insert(i);
            }
            match fate {
                Fate::InFlight => a.in_flight += 1,
                Fate::Lost | Fate::Dropped | Fate::DeadLettered if a.bad.is_none() => a.bad = Some((i, fate, reason)),
                _ => {}
            }
            for &(e, times) in m.effects() {
                match a.effects.iter_mut().find(|(x, t, _)| *x == e && *t == m.event_type) {
                    Some(entry) => entry.2 += times,
                    None => a.effects.push((e, m.event_type, times)),
                }
            }
        }
        let mut flows = Flows::default();
        for a in accs {
            let root = MsgId(a.root as u32);
            let saga = orchestrators.iter().find_map(|(o, m)| Some((o.saga_of(root)?, *m, o.reply_to.is_some())));
            let (state, why) = match saga {
                Some((s, m, true)) => self.request_flow_end(&a, s, m),
                Some((s, m, false)) => self.saga_flow_end(&a, &undoes, s, m),
                None => self.flow_end(&a, &undoes, rows),
            };
            match state {
                FlowState::Completed => flows.completed += 1,
                FlowState::Compensated => flows.compensated += 1,
                FlowState::InFlight => flows.in_flight += 1,
                FlowState::Stuck => flows.stuck += 1,
                FlowState::Inconsistent => flows.inconsistent += 1,
                FlowState::NeedsPerson => flows.needs_a_person += 1,
            }
            let root = rows.get(a.root)?;
            let mut effects: Vec<(Arc<str>, u32)> = Vec::new();
            for &(e, _, n) in &a.effects {
                let name = &self.effects[e as usize];
                match effects.iter_mut().find(|x| *x.0 == **name) {
                    Some(x) => x.1 += n,
                    None => effects.push((name.as_str().into(), n)),
                }
            }
            flows.records.push(FlowRecord {
                flow: root.id,
                key: root.key,
                state,
                messages: a.messages,
                why,
                effects,
                refs: a.refs,
            });
        }
        Some(flows)
    }

    /// Every effect that happened more than once in the flow, in words (a duplicate carried
    /// down the chain shows at each hop).
    fn twice(&self, a: &Acc) -> Option<String> {
        let twice: Vec<String> = a
            .effects
            .iter()
            .filter(|x| x.2 > 1)
            .map(|(e, t, n)| {
                format!("\"{}\" happened {n} times (for {})", self.effects[*e as usize], self.event_types[*t as usize])
            })
            .collect();
        (!twice.is_empty()).then(|| twice.join(", "))
    }

    /// The name of an undoing effect (`flows.compensations`) that happened in the flow.
    fn undo_happened<'u>(&self, a: &Acc, undoes: &[(u16, Option<u16>, &'u str)]) -> Option<&'u str> {
        undoes.iter().find(|(_, u, _)| a.effects.iter().any(|x| Some(x.0) == *u && x.2 > 0)).map(|(_, _, u)| *u)
    }

    /// An effect the flow applied more often than the effect that undoes it.
    fn left_undone(&self, a: &Acc, undoes: &[(u16, Option<u16>, &str)]) -> Option<String> {
        let total = |e: Option<u16>| a.effects.iter().filter(|x| Some(x.0) == e).map(|x| x.2).sum::<u32>();
        undoes
            .iter()
            .find(|(e, u, _)| total(Some(*e)) > total(*u))
            .map(|(e, _, u)| format!("\"{}\" happened and \"{u}\" never undid it", self.effects[*e as usize]))
    }

    /// The state of a flow a requester ran, from its request, and why: a request given up
    /// on is fine only if the responder never did the work.
    fn request_flow_end(&self, a: &Acc, s: &crate::saga::Saga, m: &crate::model::SagaModel) -> (FlowState, String) {
        use crate::saga::SagaPhase;
        let r = &m.steps[0];
        let sends = crate::report::verdict::plural(u64::from(s.attempt), "send", "sends");
        match s.phase {
            SagaPhase::Completed => match self.twice(a) {
                Some(twice) => (FlowState::Inconsistent, twice),
                None => (FlowState::Completed, format!("its request was answered after {} ms", s.took().0 / 1000)),
            },
            SagaPhase::Running => {
                (FlowState::InFlight, format!("its request {} waits for {} ({sends})", r.command, r.success))
            }
            _ => {
                let how = s.failed.map_or("", |(_, how)| how.words());
                match a.effects.iter().find(|x| x.2 > 0) {
                    Some(&(e, _, _)) => (
                        FlowState::Inconsistent,
                        format!(
                            "its request {} {how} ({sends}) and was given up, yet \"{}\" happened",
                            r.command, self.effects[e as usize]
                        ),
                    ),
                    None => (
                        FlowState::Compensated,
                        format!("its request {} {how} ({sends}) and was given up before anything happened", r.command),
                    ),
                }
            }
        }
    }

    /// The state of a flow an orchestrator ran, from its saga, and why.
    fn saga_flow_end(
        &self,
        a: &Acc,
        undoes: &[(u16, Option<u16>, &str)],
        s: &crate::saga::Saga,
        m: &crate::model::SagaModel,
    ) -> (FlowState, String) {
        use crate::saga::SagaPhase;
        let step = |k: u8| m.steps[k as usize].label();
        let failed = s.failed.map(|(k, how)| format!("{} {}", step(k), how.words()));
        match s.phase {
            SagaPhase::Running => (
                FlowState::InFlight,
                format!(
                    "its saga waits for {} ({}, send {})",
                    m.steps[s.step as usize].success,
                    step(s.step),
                    s.attempt
                ),
            ),
            SagaPhase::Compensating => (FlowState::InFlight, format!("its saga is undoing {}", step(s.step))),
            SagaPhase::NeedsPerson => {
                let (k, how) = s.stuck.expect("a saga that needs a person has a failed compensation");
                let undo = m.steps[k as usize].compensate.as_deref().unwrap_or("");
                let mut why = format!("undoing {} {} ({undo})", step(k), how.words());
                if let Some(f) = failed {
                    why = format!("{f}, then {why}");
                }
                (FlowState::NeedsPerson, format!("{why}: a person must finish it"))
            }
            SagaPhase::Completed | SagaPhase::Compensated => {
                if let Some(twice) = self.twice(a) {
                    return (FlowState::Inconsistent, twice);
                }
                if s.phase == SagaPhase::Completed {
                    if let Some(u) = self.undo_happened(a, undoes) {
                        return (FlowState::Inconsistent, format!("its saga completed, yet \"{u}\" happened"));
                    }
                    let n = m.steps.len();
                    return (
                        FlowState::Completed,
                        format!("its saga completed {}", crate::report::verdict::plural(n as u64, "step", "steps")),
                    );
                }
                if let Some(left) = self.left_undone(a, undoes) {
                    return (FlowState::Inconsistent, format!("{}; {left}", failed.unwrap_or_default()));
                }
                let after = match s.failed {
                    Some((0, _)) => "before anything needed undoing",
                    _ => "and its saga undid the steps before it",
                };
                (FlowState::Compensated, format!("{}, {after}", failed.unwrap_or_default()))
            }
        }
    }

    /// A flow's state and why, in words.
    fn flow_end(&self, a: &Acc, undoes: &[(u16, Option<u16>, &str)], rows: &Rows) -> (FlowState, String) {
        let label = |i: usize| {
            let m = &self.msgs[i];
            let name = rows.get(i).map(|r| r.id.to_string()).unwrap_or_default();
            format!("{} ({name})", self.event_types[m.event_type as usize])
        };
        let effect = |e: u16| &self.effects[e as usize];
        match (a.completed, a.compensated) {
            (Some(c), Some(u)) => (
                FlowState::Inconsistent,
                format!("it both completed with {} and was compensated with {}", label(c), label(u)),
            ),
            (Some(end), None) | (None, Some(end)) => {
                let completed = a.completed.is_some();
                if let Some(twice) = self.twice(a) {
                    return (FlowState::Inconsistent, twice);
                }
                if completed {
                    if let Some(u) = self.undo_happened(a, undoes) {
                        return (FlowState::Inconsistent, format!("it completed, yet \"{u}\" happened"));
                    }
                    return (FlowState::Completed, format!("it completed with {}", label(end)));
                }
                if let Some(why) = self.left_undone(a, undoes) {
                    return (FlowState::Inconsistent, why);
                }
                (FlowState::Compensated, format!("it was compensated with {}", label(end)))
            }
            (None, None) if a.in_flight > 0 => {
                let n = a.in_flight;
                (
                    FlowState::InFlight,
                    format!("{n} of its messages {} still on the way", if n == 1 { "is" } else { "are" }),
                )
            }
            (None, None) => {
                let mut why = match a.bad {
                    Some((i, fate, reason)) => {
                        let reason = reason.map(crate::report::verdict::reason_human).unwrap_or("");
                        format!("{} was {}: {reason}", label(i), fate.human())
                    }
                    None => {
                        let done: Vec<String> =
                            self.msgs[a.last].effects().iter().map(|(e, _)| format!("\"{}\"", effect(*e))).collect();
                        match done.is_empty() {
                            true => format!("it stopped at {}: nothing handled it", label(a.last)),
                            false => format!(
                                "it stopped at {}: {} happened for it, and nothing was published after",
                                label(a.last),
                                done.join(" and ")
                            ),
                        }
                    }
                };
                if let Some(left) = self.left_undone(a, undoes) {
                    why.push_str("; ");
                    why.push_str(&left);
                }
                (FlowState::Stuck, why)
            }
        }
    }
}
