//! Event schemas and the schema registry (see `docs/scenario-format.md`): `schemas` gives an
//! event type its versions, each a record in Avro's JSON, and the compatibility mode the
//! registry holds new versions to; `registry` puts a schema registry in the scenario, so that
//! a producer's `deploy` of a version that breaks the mode is refused.
//!
//! ```json
//! "registry": {"compatibility": "BACKWARD"},
//! "schemas": {"OrderPlaced": {"versions": [{"fields": [...]}, {"fields": [...]}]}}
//! ```
//!
//! The versions are kept as written here: `compile/` reads them as Avro (`crate::schema`), so
//! that a problem inside one names its field's path.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{choice, At, Fields, Read};
use crate::schema::Mode;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SchemaSpec {
    /// The registry's compatibility mode for this event type; absent: the registry's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<Mode>,
    /// Version 1 first, each a record in Avro's JSON.
    pub versions: Vec<Value>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct RegistrySpec {
    /// The mode of every event type that does not name its own.
    pub compatibility: Mode,
}

impl Serialize for Mode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

fn mode(v: &Value, at: &At) -> Read<Mode> {
    choice(v, at, &Mode::NAMES, &Mode::ALL)
}

fn versions(v: &Value, at: &At) -> Read<Vec<Value>> {
    match v.as_array() {
        Some(items) if !items.is_empty() && items.len() <= crate::scenario::limits::MAX_SCHEMA_VERSIONS => {
            Ok(items.clone())
        }
        Some(_) => Err(at
            .bad(format!("must list 1 to {} versions, version 1 first", crate::scenario::limits::MAX_SCHEMA_VERSIONS))),
        None => Err(
            at.wrong("a list of versions, each like {\"fields\": [{\"name\": \"order_id\", \"type\": \"string\"}]}", v)
        ),
    }
}

impl SchemaSpec {
    fn read(v: &Value, at: &At) -> Read<SchemaSpec> {
        let f =
            Fields::new(v, at, &["compatibility", "versions"], "an event type's schemas, like {\"versions\": [...]}")?;
        Ok(SchemaSpec { compatibility: f.opt("compatibility", mode)?, versions: f.req("versions", versions)? })
    }

    /// Reads `schemas`: an object from event type to its schemas, kept in the object's order
    /// (by name: the JSON reader's objects are sorted).
    pub(crate) fn read_all(v: &Value, at: &At) -> Read<Vec<(String, SchemaSpec)>> {
        let map = v.as_object().ok_or_else(|| at.wrong("an object from event type to its schemas", v))?;
        let mut out = Vec::with_capacity(map.len());
        for (name, s) in map {
            out.push((name.clone(), SchemaSpec::read(s, &at.key(name))?));
        }
        Ok(out)
    }

    /// Writes the list back as the object it was read from.
    pub(crate) fn write_all<S: serde::Serializer>(list: &[(String, SchemaSpec)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(list.iter().map(|(n, spec)| (n, spec)))
    }
}

impl RegistrySpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<RegistrySpec> {
        let f = Fields::new(v, at, &["compatibility"], "a registry like {\"compatibility\": \"BACKWARD\"}")?;
        Ok(RegistrySpec { compatibility: f.or("compatibility", mode, Mode::Backward)? })
    }
}
