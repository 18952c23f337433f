//! A deploy: a producer switches the schema version it writes, a consumer the version it
//! reads with. With a registry in the scenario, a producer's new version is first held to its
//! event types' compatibility modes against the versions registered so far; a version that
//! breaks one is refused and the producer keeps the version it had.

use crate::model::ids::NodeId;
use crate::model::NodeKind;
use crate::registry::Deploy;
use crate::sim::trace::Event;
use crate::sim::{NodeState, Simulation};

impl Simulation {
    /// The model's schemas (their indexes) of the event types a producer writes.
    fn written_schemas(&self, producer: NodeId) -> Vec<u16> {
        let NodeKind::Producer(p) = &self.model.nodes[producer.index()].kind else { return Vec::new() };
        let mut out: Vec<u16> =
            p.event_types.iter().filter_map(|t| self.model.schemas.of(t).map(|(i, _)| i as u16)).collect();
        crate::sort::sort(&mut out);
        out.dedup();
        out
    }

    /// Whether a deploy of `version` to `node` names a version there is (a command from the
    /// page is held to what the validator holds the action script to).
    pub(crate) fn check_deploy(&self, node: NodeId, version: u16) -> Result<(), String> {
        let name = self.model.name(node);
        let counts: Vec<(&str, u16)> = match &self.model.nodes[node.index()].kind {
            NodeKind::Producer(_) => self
                .written_schemas(node)
                .into_iter()
                .map(|i| &self.model.schemas.types[usize::from(i)])
                .map(|t| (t.event_type.as_str(), t.count()))
                .collect(),
            _ => self.model.schemas.types.iter().map(|t| (t.event_type.as_str(), t.count())).collect(),
        };
        if counts.is_empty() {
            return Err(format!("{name} has no event type with schemas to deploy a version of"));
        }
        match counts.iter().find(|(_, n)| version == 0 || version > *n) {
            Some((t, n)) if matches!(self.model.nodes[node.index()].kind, NodeKind::Producer(_)) || version == 0 => {
                Err(format!("{t} has versions 1 to {n}; there is no version {version}"))
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn deploy(&mut self, node: NodeId, version: u16) {
        let now = self.now;
        match &mut self.nodes[node.index()] {
            NodeState::Consumer(c) => {
                let from = c.reader_version;
                c.reader_version = version;
                self.registry.deploys.push(Deploy { at: now, node, version, from, refused: None });
                self.emit(node, None, None, Event::Deployed { version: u32::from(version) });
            }
            NodeState::Producer(p) => {
                let from = p.schema_version;
                let schemas = self.written_schemas(node);
                if self.model.schemas.registry {
                    for &i in &schemas {
                        let t = &self.model.schemas.types[usize::from(i)];
                        let registered = &self.registry.registered[usize::from(i)];
                        if registered.contains(&version) {
                            continue;
                        }
                        if let Some(broken) = t.mode.check(version, registered, |w, r| t.clash(w, r).cloned()) {
                            let against = u32::from(broken.against);
                            self.registry.deploys.push(Deploy {
                                at: now,
                                node,
                                version,
                                from,
                                refused: Some((i, broken)),
                            });
                            let event = Event::DeployRefused { version: u32::from(version), against, schema: i };
                            self.emit(node, None, None, event);
                            return;
                        }
                    }
                }
                for &i in &schemas {
                    let registered = &mut self.registry.registered[usize::from(i)];
                    if !registered.contains(&version) {
                        registered.push(version);
                    }
                }
                self.producer_mut(node).schema_version = version;
                self.registry.deploys.push(Deploy { at: now, node, version, from, refused: None });
                self.emit(node, None, None, Event::Deployed { version: u32::from(version) });
            }
            _ => {}
        }
    }
}
