//! A read model (`"kind": "read_model"`, see `docs/scenario-format.md`): the query side of
//! CQRS. It holds a table, one row per key (the business id) with the version and the event
//! type of the last event written into it, kept by its **projections**: consumers wired to it,
//! whose effect is the write to the table. Its **readers** are the writers themselves looking
//! for what they just wrote (a customer who placed an order opens "my orders"): after a share
//! of the write side's events, one read of that key, a delay later.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::consumer::Processing;
use crate::scenario::read::{boolean, float, string, At, Fields, Read};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReadModelSpec {
    pub id: String,
    /// Who reads it, and when; absent: nobody reads it (the table still fills).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readers: Option<ReadersSpec>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ReadersSpec {
    /// The share of the write side's events after which the writer reads its key, 0 to 1.
    pub share: f64,
    /// How long after the write the read comes.
    pub after: Processing,
    /// A read that finds the table behind the reader's own write goes to the write side
    /// instead (the reader carries the version it wrote).
    #[serde(skip_serializing_if = "crate::scenario::is_false")]
    pub read_your_writes: bool,
}

impl ReadersSpec {
    /// A read after each write, up to a second later.
    pub fn default_after() -> Processing {
        Processing::Uniform { min_ms: 0.0, max_ms: 1000.0 }
    }
}

impl ReadModelSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<ReadModelSpec> {
        let f = Fields::new(v, at, &["id", "readers"], "a read model")?;
        Ok(ReadModelSpec { id: f.req("id", string)?, readers: f.opt("readers", ReadersSpec::read)? })
    }
}

impl ReadersSpec {
    fn read(v: &Value, at: &At) -> Read<ReadersSpec> {
        let wanted = "readers like {\"share\": 1, \"after\": {\"uniform\": {\"min_ms\": 0, \"max_ms\": 1000}}}";
        let f = Fields::new(v, at, &["share", "after", "read_your_writes"], wanted)?;
        Ok(ReadersSpec {
            share: f.or("share", float, 1.0)?,
            after: f.or("after", Processing::read, ReadersSpec::default_after())?,
            read_your_writes: f.or("read_your_writes", boolean, false)?,
        })
    }
}
