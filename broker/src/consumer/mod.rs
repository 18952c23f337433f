//! A consumer's state: its channel (the broker's view of its unacked deliveries, which is what
//! prefetch limits), its local buffer of deliveries not yet started, and the work in progress.
//! A crash ends its life (`life` moves on, all work is abandoned); a closed channel only moves
//! `channel` on: work already started still finishes, but its ack will fail.

pub mod consume;
pub mod poll;
pub mod retry;
pub mod service;

use crate::sim::copy_deque::CopyDeque;

use crate::model::ids::{EnvId, NodeId};
use crate::model::time::SimTime;

#[derive(Clone, Debug)]
pub struct ConsumerState {
    pub crashed: bool,
    /// Bumped by every crash: scheduled work from an earlier life is ignored.
    pub life: u32,
    /// Bumped whenever the broker closes the channel.
    pub channel: u32,
    /// Deliveries the broker counts as unacked on the current channel.
    pub unacked: Vec<EnvId>,
    /// Delivered but not started, in arrival order.
    pub buffer: CopyDeque<EnvId>,
    /// Work in progress (processing, or waiting out a retry backoff).
    pub works: Vec<Work>,
    /// Processing-time multiplier set by a `slow` action, in thousandths.
    pub action_slow_milli: u32,
    pub processed: u64,
    pub crashes: u32,
    /// When the current crash ends, if it is set to.
    pub recover_at: Option<SimTime>,
    /// Not started yet (`start_ms`), or left by a `leave` action.
    pub away: bool,
    /// How it reads a topic (unused for a queue consumer).
    pub log: crate::consumer::poll::LogState,
    /// What it publishes, if it is a service.
    pub output: Option<Box<crate::consumer::service::ServiceState>>,
    /// The schema version it reads with (0: each message's own), changed by a deploy.
    pub reader_version: u16,
}

impl Default for ConsumerState {
    fn default() -> Self {
        ConsumerState {
            crashed: false,
            life: 0,
            channel: 0,
            unacked: Vec::new(),
            buffer: CopyDeque::default(),
            works: Vec::new(),
            action_slow_milli: 1_000,
            processed: 0,
            crashes: 0,
            recover_at: None,
            away: false,
            log: crate::consumer::poll::LogState::default(),
            output: None,
            reader_version: 0,
        }
    }
}

/// One delivery being worked on.
#[derive(Clone, Copy, Debug)]
pub struct Work {
    /// Unique for the run, so a scheduled event can find its work again (or find it gone).
    pub serial: u32,
    pub env: EnvId,
    pub queue: NodeId,
    /// The channel it was delivered on.
    pub channel: u32,
    pub attempt: u32,
    /// Acked before processing (at-most-once).
    pub acked_early: bool,
    /// The previous backoff, for decorrelated jitter.
    pub last_backoff_ms: f64,
    /// Set for a record read from a topic.
    pub log: Option<crate::consumer::poll::LogWork>,
}

impl ConsumerState {
    pub fn work_index(&self, serial: u32) -> Option<usize> {
        self.works.iter().position(|w| w.serial == serial)
    }

    pub fn remove_unacked(&mut self, env: EnvId) -> bool {
        match self.unacked.iter().position(|e| *e == env) {
            Some(i) => {
                self.unacked.remove(i);
                true
            }
            None => false,
        }
    }
}
