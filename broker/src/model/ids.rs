//! Identifiers. Everything random or traced is addressed by a fixed-width newtype rather than
//! `usize`, because wasm32 is a 32-bit target and the trace must not depend on the target.

/// A node of the topology (producer, exchange, queue, consumer or dead-letter queue), by its
/// position in the scenario's `nodes` list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct NodeId(pub u32);

/// A published message (one business event, whatever number of copies it ends up in).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct MsgId(pub u32);

/// One copy of a message inside the broker: fan-out and publish retries make several
/// envelopes of the same message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct EnvId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl MsgId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl EnvId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
