//! The scenario's event schemas once checked: each event type's versions read as Avro
//! records, with every pair of versions already resolved (can a reader on version r read what
//! version w wrote, and if not, which field stops it), and whether a schema registry checks
//! the producers' deploys.

use crate::schema::{Clash, Mode, Record};

#[derive(Clone, Debug, Default)]
pub struct Schemas {
    /// A registry checks each producer's deploy against the event type's mode.
    pub registry: bool,
    /// In the order of their event types' names.
    pub types: Vec<EventSchemas>,
}

#[derive(Clone, Debug)]
pub struct EventSchemas {
    pub event_type: String,
    pub mode: Mode,
    /// Version 1 first.
    pub versions: Vec<Record>,
    /// The clash, if any, of reading version w's data with version r, at
    /// `(w - 1) * versions + (r - 1)`.
    pub clashes: Vec<Option<Clash>>,
}

impl Schemas {
    /// The schemas of an event type, with their index.
    pub fn of(&self, event_type: &str) -> Option<(usize, &EventSchemas)> {
        self.types.iter().enumerate().find(|(_, t)| t.event_type == event_type)
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

impl EventSchemas {
    pub fn count(&self) -> u16 {
        self.versions.len() as u16
    }

    /// Why a reader on version `reader` cannot read what version `writer` wrote; `None`
    /// when it can, or when either version is not one of this type's.
    pub fn clash(&self, writer: u16, reader: u16) -> Option<&Clash> {
        let n = self.versions.len();
        let (w, r) = (usize::from(writer), usize::from(reader));
        if w == 0 || r == 0 || w > n || r > n {
            return None;
        }
        self.clashes[(w - 1) * n + (r - 1)].as_ref()
    }
}
