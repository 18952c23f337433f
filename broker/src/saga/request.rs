//! Request-reply: a requester (a consumer with `requests`) runs a saga of one step with no
//! compensation, so its waiting, timeouts, retries, late replies and duplicates are the
//! orchestrator's. What is its own is the way back: the responder (a service whose rule has a
//! `reply`) answers a request by sending the reply to the request's reply-to, not down its
//! wire. The reply-to is the queue the requester reads, through the default exchange, or
//! RabbitMQ's direct reply-to, which hands the reply straight to the requester's channel with
//! no acknowledgement: if the requester is gone (crashed) the reply is lost, and nothing keeps
//! it.
//!
//! ```text
//!   requester ──request (reply-to, correlation id)──▶ responder's queue ──▶ responder
//!       ▲                                                                      │
//!       └──────── its own queue ◀── reply (default exchange) ◀─────────────────┤
//!       └──────── its channel (direct reply-to, no ack) ◀──────────────────────┘
//! ```
//!
//! A request sent again after a timeout is the same message (one id, which an idempotent
//! responder recognises); a responder that finds the request already done replies all the
//! same, as one that stores its answers would.

use crate::model::ids::{EnvId, MsgId, NodeId};
use crate::model::time::Duration;
use crate::model::ReplyTo;
use crate::sim::message::EnvState;
use crate::sim::trace::{Event, LossReason};
use crate::sim::Simulation;

impl Simulation {
    /// Whether the node is a requester (a consumer with `requests`).
    #[inline(never)]
    pub fn is_requester(&self, node: NodeId) -> bool {
        self.orchestration(node).is_some_and(|o| o.reply_to.is_some())
    }

    /// The consumer handled `request`: if its rule has a reply and the request came from a
    /// requester, the reply goes to the request's reply-to.
    #[inline(never)]
    pub(crate) fn send_reply(&mut self, responder: NodeId, request: MsgId) {
        let Some(reply) = self.rule_for(responder, request).and_then(|r| r.reply) else { return };
        let requester = self.msgs[request.index()].producer;
        let Some(o) = self.orchestration(requester) else { return };
        let Some(to) = o.reply_to else { return };
        let Some(msg) = self.new_caused(responder, request, reply, false) else { return };
        let env = self.new_envelope(msg, Default::default());
        let attempt = self.msgs[msg.index()].add_publish_attempt();
        self.envs[env.index()].route = 0;
        self.emit_env(responder, env, Event::Published { attempt });
        match to {
            // The default exchange routes by the queue's name: no wire, no delay.
            ReplyTo::Queue(queue) => self.send(env, queue, Duration(0), false, attempt),
            ReplyTo::Direct => self.direct_reply(env, requester),
        }
    }

    /// A reply by direct reply-to reaches the requester's channel: taken at once and never
    /// acknowledged, or lost if the requester is not there.
    fn direct_reply(&mut self, env: EnvId, requester: NodeId) {
        let c = self.consumer(requester);
        if c.crashed || c.away {
            return self.end_copy(requester, env, EnvState::Lost(LossReason::RequesterGone));
        }
        self.emit_env(requester, env, Event::Acked);
        self.set_state(env, EnvState::Acked);
        let msg = self.envs[env.index()].msg;
        self.saga_handle(requester, msg);
    }
}
