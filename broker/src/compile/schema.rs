//! Event schemas and the registry: each event type's versions read as Avro records (a
//! problem inside one names its path, `schemas.OrderPlaced.versions[1].fields[2].type`), every
//! pair of versions resolved once, and the versions the producers, the consumers and the
//! `deploy` actions name held to the versions there are.

use super::{Checker, MAX_SCHEMAS};
use crate::compile::read_model::{input_of, producer_reaches};
use crate::model::ids::NodeId;
use crate::model::schema::{EventSchemas, Schemas};
use crate::model::*;
use crate::scenario::quoted::key_path;
use crate::scenario::*;
use crate::schema::{resolve, Record};

impl Checker {
    pub(super) fn compile_schemas(&mut self, s: &Scenario) -> Schemas {
        if s.schemas.len() > MAX_SCHEMAS {
            self.err("schemas", format!("has {} event types; the most is {MAX_SCHEMAS}", s.schemas.len()));
        }
        let registry = s.registry.as_ref();
        let mut left = crate::schema::avro::MAX_TYPE_NODES;
        let mut types = Vec::new();
        for (name, spec) in s.schemas.iter().take(MAX_SCHEMAS) {
            let at = key_path("schemas", name);
            let mut versions: Vec<Record> = Vec::with_capacity(spec.versions.len());
            for (i, v) in spec.versions.iter().enumerate() {
                match Record::read_within(v, name, &mut left) {
                    Ok(r) => versions.push(r),
                    Err((rest, why)) => self.err(format!("{at}.versions[{i}]{rest}"), why),
                }
            }
            if versions.len() != spec.versions.len() {
                continue;
            }
            let n = versions.len();
            let mut clashes = Vec::with_capacity(n * n);
            for w in &versions {
                for r in &versions {
                    clashes.push(resolve(w, r).err());
                }
            }
            let mode = spec.compatibility.or(registry.map(|r| r.compatibility)).unwrap_or_default();
            types.push(EventSchemas { event_type: name.clone(), mode, versions, clashes });
        }
        Schemas { registry: registry.is_some(), types }
    }

    /// Once the wires are in: a producer writes, a consumer reads and a deploy names a version
    /// its event types have.
    pub(super) fn check_schema_versions(&mut self, s: &Scenario, nodes: &[NodeModel], schemas: &Schemas) {
        // The schema'd types a node writes (a producer) or may read (a consumer: what the
        // producers that reach its queue or topic write), with their numbers of versions.
        let types_of = |node: usize| -> Vec<(&str, u16)> {
            let producers: Vec<usize> = match &nodes[node].kind {
                NodeKind::Producer(_) => vec![node],
                NodeKind::Consumer(_) => match input_of(nodes, NodeId(node as u32)) {
                    Some(input) => {
                        (0..nodes.len()).filter(|&p| producer_reaches(nodes, NodeId(p as u32), input)).collect()
                    }
                    None => Vec::new(),
                },
                _ => Vec::new(),
            };
            let mut out: Vec<(&str, u16)> = Vec::new();
            for p in producers {
                let NodeKind::Producer(pm) = &nodes[p].kind else { continue };
                for t in &pm.event_types {
                    if let Some((_, e)) = schemas.of(t) {
                        if !out.iter().any(|(n, _)| n == t) {
                            out.push((&e.event_type, e.count()));
                        }
                    }
                }
            }
            out
        };
        let check = |me: &mut Checker, path: String, node: usize, version: u16| {
            if let Some((t, n)) = types_of(node).into_iter().find(|&(_, n)| version > n) {
                let who = s.nodes[node].id();
                me.err(
                    path,
                    format!(
                        "{t} has {} (\"{who}\" {} it); there is no version {version}",
                        plural_versions(n),
                        if matches!(s.nodes[node], Node::Producer(_)) { "writes" } else { "reads" }
                    ),
                );
            }
        };
        for (i, n) in s.nodes.iter().enumerate() {
            match (n, &nodes[i].kind) {
                (Node::Producer(_), NodeKind::Producer(pm)) => {
                    let v = pm.schema_version.min(u32::from(u16::MAX)) as u16;
                    check(self, format!("nodes[{i}].schema_version"), i, v);
                }
                // Without schemas for what reaches it, a reader version has nothing to resolve.
                (Node::Consumer(_), NodeKind::Consumer(cm)) if cm.reader_version > 0 => {
                    check(self, format!("nodes[{i}].schema_version"), i, cm.reader_version);
                }
                _ => {}
            }
        }
        for (i, a) in s.actions.iter().enumerate() {
            let ActionKind::Deploy { node, version } = &a.what else { continue };
            let Some(target) = s.nodes.iter().position(|n| n.id() == node) else { continue };
            let path = format!("actions[{i}].deploy");
            if types_of(target).is_empty() {
                let what = if matches!(s.nodes[target], Node::Producer(_)) { "writes" } else { "reads" };
                self.err(format!("{path}.node"), format!("\"{node}\" {what} no event type with schemas, so it has no version to deploy: give its event type versions under \"schemas\""));
            } else if (1..=i64::from(u16::MAX)).contains(version) {
                check(self, format!("{path}.version"), target, *version as u16);
            }
        }
    }
}

fn plural_versions(n: u16) -> String {
    if n == 1 {
        "1 version".to_string()
    } else {
        format!("{n} versions")
    }
}
