//! What ends a flow (`"flows"` at the top level, see `docs/scenario-format.md`). A flow is
//! everything one producer's message set off: the services' events caused by it, and theirs.
//! A scenario that names its flows says which event types finish one as completed
//! (OrderShipped) and which as compensated (PaymentRefunded), and which effect undoes which
//! ("refund card" undoes "charge card"), so that the outcome can say how each flow ended.

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::scenario::read::{string, At, Fields, Read};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FlowsSpec {
    /// Event types that finish a flow as completed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub completed: Vec<String>,
    /// Event types that finish a flow as compensated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compensated: Vec<String>,
    /// Effect, and the effect that undoes it, in the order written.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_object")]
    pub compensations: Vec<(String, String)>,
}

fn as_object<S: Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(a, b)| (a, b)))
}

impl FlowsSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<FlowsSpec> {
        let wanted = "flows like {\"completed\": [\"OrderShipped\"], \"compensated\": [\"PaymentRefunded\"], \"compensations\": {\"charge card\": \"refund card\"}}";
        let f = Fields::new(v, at, &["completed", "compensated", "compensations"], wanted)?;
        Ok(FlowsSpec {
            completed: f.or("completed", names, Vec::new())?,
            compensated: f.or("compensated", names, Vec::new())?,
            compensations: f.or("compensations", pairs, Vec::new())?,
        })
    }
}

/// An event type or a list of them.
fn names(v: &Value, at: &At) -> Read<Vec<String>> {
    let wanted = "an event type or a list of them";
    Ok(crate::scenario::read::string_or_strings(v, at, wanted)?.map_or_else(|list| list, |one| vec![one]))
}

/// An object of effect names, each to the effect that undoes it.
fn pairs(v: &Value, at: &At) -> Read<Vec<(String, String)>> {
    let map = v.as_object().ok_or_else(|| at.wrong("an object like {\"charge card\": \"refund card\"}", v))?;
    // A loop rather than collecting into a `Result`: the iterator machinery that collecting
    // brings was a few hundred bytes of the app's wasm for this one list.
    let mut out = Vec::with_capacity(map.len());
    for (k, undo) in map {
        out.push((k.clone(), string(undo, &at.key(k))?));
    }
    Ok(out)
}

/// How a flow ended (see `report/flow.rs`), a word of the format because a lesson question
/// counts the flows that ended one way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowState {
    Completed,
    Compensated,
    InFlight,
    Stuck,
    Inconsistent,
    /// An orchestrated saga whose compensation failed or timed out.
    #[serde(rename = "needs_a_person")]
    NeedsPerson,
}

impl FlowState {
    pub const ALL: [FlowState; 6] = [
        FlowState::Completed,
        FlowState::Compensated,
        FlowState::InFlight,
        FlowState::Stuck,
        FlowState::Inconsistent,
        FlowState::NeedsPerson,
    ];

    /// A flow that went wrong: stuck, inconsistent, or waiting for a person.
    pub fn is_wrong(self) -> bool {
        matches!(self, FlowState::Stuck | FlowState::Inconsistent | FlowState::NeedsPerson)
    }

    /// The name the file and the JSON outcome use.
    pub fn name(self) -> &'static str {
        match self {
            FlowState::Completed => "completed",
            FlowState::Compensated => "compensated",
            FlowState::InFlight => "in_flight",
            FlowState::Stuck => "stuck",
            FlowState::Inconsistent => "inconsistent",
            FlowState::NeedsPerson => "needs_a_person",
        }
    }

    pub fn human(self) -> &'static str {
        match self {
            FlowState::Completed => "completed",
            FlowState::Compensated => "compensated",
            FlowState::InFlight => "still in flight",
            FlowState::Stuck => "stuck",
            FlowState::Inconsistent => "inconsistent",
            FlowState::NeedsPerson => "stuck: needs a person",
        }
    }
}
