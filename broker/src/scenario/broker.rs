//! The broker's spec (`"kind": "broker"`, see `docs/scenario-format.md`): one server of a Kafka
//! cluster. A scenario with no broker runs on one implicit broker that never fails, as every
//! scenario did before brokers were nodes; with brokers, each topic's partitions are placed on
//! them as replicas (`"replication_factor"` on the topic), and a broker may crash and come back
//! (its `crash`, or the `crash_broker` and `recover_broker` actions).

use serde::Serialize;
use serde_json::Value;

use crate::scenario::read::{int, settings, string, At, Fields, Read};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BrokerSpec {
    pub id: String,
    /// A crash at a set time, and when (if ever) the broker comes back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash: Option<BrokerCrash>,
}

/// `{"at_ms": 4000, "recover_after_ms": 3000}`: the broker's process dies at `at_ms` and
/// restarts `recover_after_ms` later with the log it had written (Kafka keeps its log on disk);
/// without `recover_after_ms` it stays down.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BrokerCrash {
    pub at_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recover_after_ms: Option<i64>,
}

impl BrokerSpec {
    pub(crate) fn read(v: &Value, at: &At) -> Read<BrokerSpec> {
        let f = Fields::new(v, at, &["id", "crash"], "a broker")?;
        Ok(BrokerSpec { id: f.req("id", string)?, crash: f.opt("crash", BrokerCrash::read)? })
    }
}

impl BrokerCrash {
    fn read(v: &Value, at: &At) -> Read<BrokerCrash> {
        let f = settings(v, at, &["at_ms", "recover_after_ms"])?;
        Ok(BrokerCrash { at_ms: f.req("at_ms", int)?, recover_after_ms: f.opt("recover_after_ms", int)? })
    }
}
