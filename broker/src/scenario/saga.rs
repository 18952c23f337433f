//! What an orchestrator runs (`"orchestrates"` on a consumer, see `docs/scenario-format.md`):
//! an orchestrated saga. The event type that starts one (one saga instance per flow), its
//! steps in order (the command to send, the queue of the step's owner, the reply event types
//! for success and failure, a timeout with retries, and the command that compensates the step
//! once it has completed), and the events it publishes when a saga completes or has been
//! compensated.

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{int, list, string, At, Fields, Read};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SagaSpec {
    /// The event type that starts a saga.
    pub start: String,
    pub steps: Vec<SagaStepSpec>,
    /// Published when every step has completed (OrderApproved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    /// Published when every completed step has been compensated (OrderCancelled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensated: Option<String>,
}

/// One step of a saga.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SagaStepSpec {
    /// The step in words ("charge card"); absent: its command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The command the orchestrator sends (ChargeCard).
    pub command: String,
    /// The queue of the step's owner, where the command must arrive.
    pub to: String,
    /// The reply that says the step is done (CardCharged).
    pub success: String,
    /// The reply that says it failed (CardDeclined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// How long the orchestrator waits for a reply before it sends the command again.
    pub timeout_ms: i64,
    /// Times the command is sent again after a timeout, before the step counts as failed.
    pub retries: i64,
    /// The command that undoes the step once it has completed (RefundCard).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensate: Option<String>,
    /// The reply that says the compensation is done (CardRefunded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensated: Option<String>,
    /// The reply that says the compensation failed (RefundFailed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensation_failed: Option<String>,
}

impl SagaStepSpec {
    /// The step's name, or its command.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.command)
    }
}

impl SagaSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<SagaSpec> {
        let wanted = "a saga like {\"start\": \"OrderPlaced\", \"steps\": [{\"command\": \"ChargeCard\", \"to\": \"payments\", \"success\": \"CardCharged\"}]}";
        let f = Fields::new(v, at, &["start", "steps", "completed", "compensated"], wanted)?;
        Ok(SagaSpec {
            start: f.req("start", string)?,
            steps: f.req("steps", |v, at| list(v, at, SagaStepSpec::read))?,
            completed: f.opt("completed", string)?,
            compensated: f.opt("compensated", string)?,
        })
    }
}

impl SagaStepSpec {
    fn read(v: &Value, at: &At) -> Read<SagaStepSpec> {
        let wanted = "a step like {\"command\": \"ChargeCard\", \"to\": \"payments\", \"success\": \"CardCharged\", \"failure\": \"CardDeclined\", \"compensate\": \"RefundCard\", \"compensated\": \"CardRefunded\"}";
        let names = [
            "name",
            "command",
            "to",
            "success",
            "failure",
            "timeout_ms",
            "retries",
            "compensate",
            "compensated",
            "compensation_failed",
        ];
        let f = Fields::new(v, at, &names, wanted)?;
        Ok(SagaStepSpec {
            name: f.opt("name", string)?,
            command: f.req("command", string)?,
            to: f.req("to", string)?,
            success: f.req("success", string)?,
            failure: f.opt("failure", string)?,
            timeout_ms: f.or("timeout_ms", int, 1_000)?,
            retries: f.or("retries", int, 0)?,
            compensate: f.opt("compensate", string)?,
            compensated: f.opt("compensated", string)?,
            compensation_failed: f.opt("compensation_failed", string)?,
        })
    }
}
