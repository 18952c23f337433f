//! A consumer reading a message with its reader schema: when the schema the message was
//! written with cannot be resolved into the reader's (the pair was worked out when the
//! scenario was checked), the attempt fails as `schema_incompatible`, like a poison message,
//! and goes where the consumer's retry policy sends poison.

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::registry::Unreadable;
use crate::sim::trace::Event;
use crate::sim::Simulation;

impl Simulation {
    /// The event type (the model's schemas' index), writer's and reader's versions, when
    /// `consumer`'s reader schema cannot read `msg`.
    pub(crate) fn unreadable(&self, consumer: NodeId, msg: MsgId) -> Option<(u16, u16, u16)> {
        if self.model.schemas.is_empty() {
            return None;
        }
        let reader = self.consumer(consumer).reader_version;
        if reader == 0 {
            return None;
        }
        let m = &self.msgs[msg.index()];
        let (i, schemas) = self.model.schemas.of(&self.event_types[usize::from(m.event_type)])?;
        let writer = m.schema_version().min(u32::from(u16::MAX)) as u16;
        schemas.clash(writer, reader).map(|_| (i as u16, writer, reader))
    }

    /// Records that `consumer` could not read `msg`, and says so in the trace.
    pub(crate) fn note_unreadable(
        &mut self,
        consumer: NodeId,
        env: EnvId,
        msg: MsgId,
        (schema, writer, reader): (u16, u16, u16),
    ) {
        self.msgs[msg.index()].set_unreadable();
        let all = &mut self.registry.unreadable;
        let at = match all
            .iter()
            .position(|u| (u.consumer, u.schema, u.writer, u.reader) == (consumer, schema, writer, reader))
        {
            Some(at) => at,
            None => {
                all.push(Unreadable { consumer, schema, writer, reader, messages: Vec::new() });
                all.len() - 1
            }
        };
        let messages = &mut all[at].messages;
        if let Err(i) = messages.binary_search(&msg) {
            messages.insert(i, msg);
        }
        self.emit_env(consumer, env, Event::Unreadable { writer: u32::from(writer), reader: u32::from(reader) });
    }
}
