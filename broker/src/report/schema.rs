//! Schemas in the outcome: each deploy (and the rule a refused one broke), and the messages
//! each consumer could not read with its reader schema, with the field that stopped it, as
//! figures and as the verdict's sentences ("billing could not read 12 OrderPlaced messages
//! written with version 2 ...", "The schema registry refused the deploy ...").

use serde::Serialize;

use crate::report::verdict::{plural, Line, REFS};
use crate::sim::Simulation;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SchemaReport {
    pub deploys: Vec<DeployReport>,
    pub unreadable: Vec<UnreadableReport>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeployReport {
    pub at_ms: f64,
    pub node: String,
    pub version: u16,
    /// The version before (0: a consumer that read each message with its own schema).
    pub from: u16,
    /// Why the registry refused it, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnreadableReport {
    pub consumer: String,
    pub event_type: String,
    pub writer_version: u16,
    pub reader_version: u16,
    pub messages: u64,
    /// The field that stopped the reader, in words.
    pub why: String,
}

fn seconds(at_ms: f64) -> String {
    format!("{} s", crate::decimal::plain(libm::round(at_ms / 10.0) / 100.0))
}

impl Simulation {
    /// The schemas' part of the outcome; `None` when the scenario has no schemas and no
    /// deploys.
    pub(crate) fn schema_report(&self) -> Option<SchemaReport> {
        let r = &self.registry;
        if self.model.schemas.is_empty() && r.deploys.is_empty() {
            return None;
        }
        let types = &self.model.schemas.types;
        let deploys = r
            .deploys
            .iter()
            .map(|d| DeployReport {
                at_ms: d.at.as_ms_f64(),
                node: self.model.name(d.node).to_string(),
                version: d.version,
                from: d.from,
                refused: d.refused.as_ref().map(|(i, broken)| {
                    let t = &types[usize::from(*i)];
                    format!("{} is {}", t.event_type, broken.words(t.mode, d.version))
                }),
            })
            .collect();
        let unreadable = r
            .unreadable
            .iter()
            .map(|u| {
                let t = &types[usize::from(u.schema)];
                let reader = format!("version {} (the reader's)", u.reader);
                let why = t
                    .clash(u.writer, u.reader)
                    .map_or(String::new(), |c| c.words(&format!("version {}", u.writer), &reader));
                UnreadableReport {
                    consumer: self.model.name(u.consumer).to_string(),
                    event_type: t.event_type.clone(),
                    writer_version: u.writer,
                    reader_version: u.reader,
                    messages: u.messages.len() as u64,
                    why,
                }
            })
            .collect();
        Some(SchemaReport { deploys, unreadable })
    }

    /// The verdict's sentences: the messages consumers could not read, then the deploys the
    /// registry refused.
    pub(crate) fn schema_lines(&self, report: &SchemaReport) -> Vec<Line> {
        let mut lines = Vec::new();
        for (u, state) in report.unreadable.iter().zip(&self.registry.unreadable) {
            let what = plural(u.messages, &format!("{} message", u.event_type), &format!("{} messages", u.event_type));
            lines.push((
                format!(
                    "{} could not read {what} written with version {}, reading with version {}: {} (schema_incompatible).",
                    u.consumer, u.writer_version, u.reader_version, u.why
                ),
                state.messages.iter().take(REFS).map(|m| m.0).collect(),
            ));
        }
        for d in &report.deploys {
            if let Some(why) = &d.refused {
                lines.push((
                    format!(
                        "The schema registry refused the deploy of version {} to {} at {}: {why}. {} kept version {}.",
                        d.version,
                        d.node,
                        seconds(d.at_ms),
                        d.node,
                        d.from
                    ),
                    Vec::new(),
                ));
            }
        }
        lines
    }
}

impl Simulation {
    /// Why `msg`, written with version `writer`, could not be read with version `reader`:
    /// `field "coupon" is not in version 2, and version 1 gives it no default`.
    pub fn unreadable_words(&self, msg: crate::model::ids::MsgId, writer: u32, reader: u32) -> String {
        let m = &self.msgs[msg.index()];
        let (w, r) = (writer.min(u32::from(u16::MAX)) as u16, reader.min(u32::from(u16::MAX)) as u16);
        self.model
            .schemas
            .of(&self.event_types[usize::from(m.event_type)])
            .and_then(|(_, t)| t.clash(w, r))
            .map_or(String::new(), |c| c.words(&format!("version {w}"), &format!("version {r}")))
    }

    /// The rule a refused deploy broke, in words, from the trace's `DeployRefused`:
    /// `OrderPlaced is BACKWARD: version 2 must read what version 1 wrote, but ...`.
    pub fn refusal_words(&self, schema: u16, version: u32, against: u32) -> String {
        let Some(t) = self.model.schemas.types.get(usize::from(schema)) else { return String::new() };
        let (new, old) = (version.min(u32::from(u16::MAX)) as u16, against.min(u32::from(u16::MAX)) as u16);
        t.mode
            .check(new, &[old], |w, r| t.clash(w, r).cloned())
            .map_or(String::new(), |b| format!("{} is {}", t.event_type, b.words(t.mode, new)))
    }
}
