//! The schema registry at run time, and what the schemas do to a run: the versions the
//! registry holds for each event type, each deploy (accepted or refused, `deploy.rs`), and the
//! messages a consumer's reader schema could not read (`read.rs`).
//!
//! ```text
//!   deploy producer v2 ──registry: mode.check(v2, registered)──▶ Deployed, or DeployRefused
//!                                                                (the producer keeps v1)
//!   consumer reads a v2 message with its v1 schema ──clash?──▶ Unreadable, then the attempt
//!                                                              fails as schema_incompatible
//! ```
//!
//! The registry starts with the versions the producers start with; a version registered once
//! stays registered, so a producer may go back to it without a check (Confluent's registry
//! answers a schema it already has with its id).

mod deploy;
mod read;

use crate::model::ids::{MsgId, NodeId};
use crate::model::time::SimTime;
use crate::model::{Model, NodeKind};
use crate::schema::Broken;

#[derive(Clone, Debug, Default)]
pub struct RegistryState {
    /// Each event type's registered versions (the model's schemas' order), oldest first.
    pub registered: Vec<Vec<u16>>,
    /// Every deploy, in time order.
    pub deploys: Vec<Deploy>,
    /// Per consumer, event type and pair of versions: the messages it could not read.
    pub unreadable: Vec<Unreadable>,
}

/// One deploy, as it went.
#[derive(Clone, Debug)]
pub struct Deploy {
    pub at: SimTime,
    pub node: NodeId,
    pub version: u16,
    /// The version it had before.
    pub from: u16,
    /// Set when the registry refused it: the event type (the model's schemas' index) and the
    /// rule it broke.
    pub refused: Option<(u16, Broken)>,
}

/// A consumer that could not read messages of one event type written with one version.
#[derive(Clone, Debug)]
pub struct Unreadable {
    pub consumer: NodeId,
    pub schema: u16,
    pub writer: u16,
    pub reader: u16,
    /// The messages, by number, sorted.
    pub messages: Vec<MsgId>,
}

impl RegistryState {
    /// The registry at the start: the versions the producers start with, for each event type
    /// with schemas.
    pub fn new(model: &Model) -> RegistryState {
        let registered = model
            .schemas
            .types
            .iter()
            .map(|t| {
                let mut versions: Vec<u16> = model
                    .nodes
                    .iter()
                    .filter_map(|n| match &n.kind {
                        NodeKind::Producer(p) if p.event_types.contains(&t.event_type) => {
                            Some(p.schema_version.min(u32::from(u16::MAX)) as u16)
                        }
                        _ => None,
                    })
                    .collect();
                crate::sort::sort(&mut versions);
                versions.dedup();
                versions
            })
            .collect();
        RegistryState { registered, deploys: Vec::new(), unreadable: Vec::new() }
    }
}
