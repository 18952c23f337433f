//! Orchestrated sagas: the shipped saga lesson varied at random (seed, which orders are out of
//! stock, when and how long the payment provider is down, each step's timeout and retries,
//! how often payment retries) and held to the saga's rules, read off the trace: every saga
//! starts once and ends at most once; its forward commands go step by step; a compensation is
//! sent only for a step that completed, newest first, after the forward steps stop; every flow
//! ends in exactly one state, which agrees with its saga's end. Then the file's checks.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::{self, trace_of};

const FORWARD: [&str; 3] = ["payment.charge", "stock.reserve", "shipping.ship"];
const UNDO: [&str; 2] = ["payment.refund", "stock.release"];

/// The lesson with its knobs turned.
fn varied(
    seed: u64,
    out_of_stock: &[u32],
    outage: (u64, u64),
    timeouts: [u64; 3],
    retries: [u64; 3],
    attempts: u64,
) -> String {
    let mut v: Value = serde_json::from_str(&common::scenario("saga-needs-a-person")).unwrap();
    v["seed"] = json!(seed);
    v.as_object_mut().unwrap().remove("lesson");
    for n in v["nodes"].as_array_mut().unwrap() {
        match n["id"].as_str().unwrap() {
            "order-saga" => {
                for (k, s) in n["orchestrates"]["steps"].as_array_mut().unwrap().iter_mut().enumerate() {
                    s["timeout_ms"] = json!(timeouts[k]);
                    s["retries"] = json!(retries[k]);
                }
            }
            "payment" => {
                n["faults"] = json!([{"downstream_outage": {"at_ms": outage.0, "duration_ms": outage.1}}]);
                n["retry"]["max_attempts"] = json!(attempts);
            }
            "inventory" => {
                n["faults"] = out_of_stock.iter().map(|k| json!({"poison": {"key": format!("order-{k}")}})).collect();
            }
            _ => {}
        }
    }
    v.to_string()
}

/// Per flow (by its first message), the orchestrator's commands in the order it sent them.
fn commands_by_flow(trace: &[Value], o: &broker::Outcome) -> Vec<(String, Vec<String>)> {
    let rows: Vec<Value> = o.messages.iter().map(|m| serde_json::to_value(m).unwrap()).collect();
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for e in trace.iter().filter(|e| e["event"] == "Caused" && e["node"] == "order-saga") {
        let r = row(e["msg"].as_str().unwrap());
        let flow = r["flow"].as_str().unwrap().to_string();
        let t = r["event_type"].as_str().unwrap().to_string();
        match out.iter_mut().find(|(f, _)| *f == flow) {
            Some((_, list)) => list.push(t),
            None => out.push((flow, vec![t])),
        }
    }
    out
}

fn check_saga_rules(json: &str) -> Result<(), TestCaseError> {
    let trace = trace_of(json);
    let (_, o) = common::run(json);
    common::assert_conserved(&o);
    let flows = o.flows.as_ref().expect("a scenario with an orchestrator has flows");
    prop_assert_eq!(flows.records.len(), 40);
    let counted: u64 = broker::scenario::FlowState::ALL.iter().map(|s| flows.count(*s)).sum();
    prop_assert_eq!(counted, 40, "every flow ends in exactly one state");
    let started = trace.iter().filter(|e| e["event"] == "SagaStarted").count();
    prop_assert_eq!(started, 40, "one saga per order");
    for (flow, commands) in commands_by_flow(&trace, &o) {
        let ended: Vec<&Value> =
            trace.iter().filter(|e| e["event"] == "SagaEnded").filter(|e| saga_flow(&trace, &o, e) == flow).collect();
        prop_assert!(ended.len() <= 1, "{flow}: a saga ends once, not {}", ended.len());
        let forward: Vec<usize> = commands.iter().filter_map(|c| FORWARD.iter().position(|f| f == c)).collect();
        let undo: Vec<usize> = commands.iter().filter_map(|c| UNDO.iter().position(|u| u == c)).collect();
        // Step by step from the first, each sent again only by a retry.
        prop_assert_eq!(forward.first(), Some(&0), "{}: starts at the first step", flow);
        prop_assert!(forward.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1), "{flow}: {commands:?}");
        let reached = *forward.last().unwrap();
        // Compensations come after the forward steps, newest first, only for completed steps.
        let first_undo = commands.iter().position(|c| UNDO.contains(&c.as_str()));
        if let Some(i) = first_undo {
            prop_assert!(commands[i..].iter().all(|c| UNDO.contains(&c.as_str())), "{flow}: {commands:?}");
        }
        prop_assert!(undo.windows(2).all(|w| w[1] <= w[0]), "{flow}: undone newest first: {commands:?}");
        prop_assert!(undo.iter().all(|&k| k < reached), "{flow}: only completed steps are undone: {commands:?}");
        let record = flows.records.iter().find(|r| r.flow.to_string() == flow).unwrap();
        let state = record.state.name();
        match ended.first().map(|e| e["state"].as_str().unwrap()) {
            None => prop_assert_eq!(state, "in_flight", "{}: a saga that has not ended is in flight", flow),
            Some("needs_a_person") => prop_assert_eq!(state, "needs_a_person"),
            Some(end) => prop_assert!(state == end || state == "inconsistent", "{flow}: saga {end}, flow {state}"),
        }
    }
    Ok(())
}

/// The flow of the message a trace entry is about.
fn saga_flow(_trace: &[Value], o: &broker::Outcome, e: &Value) -> String {
    let id = e["msg"].as_str().unwrap();
    let m = o.messages.iter().find(|m| m.id.to_string().as_str() == id).unwrap();
    serde_json::to_value(m).unwrap()["flow"].as_str().unwrap().to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_saga_follows_its_steps_and_undoes_only_what_completed(
        seed in 0u64..1_000,
        out_of_stock in proptest::collection::vec(1u32..=40, 0..4),
        outage in (0u64..4_000, 1u64..2_000),
        timeouts in [50u64..2_000, 50u64..2_000, 50u64..2_000],
        retries in [0u64..3, 0u64..3, 0u64..3],
        attempts in 1u64..6,
    ) {
        check_saga_rules(&varied(seed, &out_of_stock, outage, timeouts, retries, attempts))?;
    }
}

#[test]
fn a_compensation_that_fails_leaves_the_saga_to_a_person() {
    let o = common::run_named("saga-needs-a-person");
    let v = serde_json::to_value(&o).unwrap();
    assert_eq!(v["sagas"]["order-saga"]["needs_a_person"], 1);
    assert_eq!(v["flows"]["needs_a_person"], 1);
    let record = o.flows.as_ref().unwrap().records.iter().find(|r| r.key.as_deref() == Some("order-25")).unwrap();
    assert_eq!(record.state.name(), "needs_a_person");
    assert!(record.why.contains("undoing charge card failed"), "{}", record.why);
}

#[test]
fn a_reply_after_the_timeout_is_late_and_its_step_is_not_undone() {
    // Charges retried for longer than the saga waits for them.
    let json = varied(25, &[], (2_500, 800), [300, 1_500, 2_000], [0, 0, 0], 6);
    let (_, o) = common::run(&json);
    let v = serde_json::to_value(&o).unwrap();
    let late = v["sagas"]["order-saga"]["late_replies"].as_u64().unwrap();
    assert!(late > 0, "{v}");
    assert!(o.verdict.iter().any(|l| l.contains("came after the saga had given up on their step")), "{:?}", o.verdict);
    let flows = o.flows.as_ref().unwrap();
    assert!(flows.inconsistent > 0, "a charge the saga gave up on is left without its refund");
    let trace = trace_of(&json);
    assert_eq!(trace.iter().filter(|e| e["event"] == "ReplyIgnored" && e["late"] == true).count() as u64, late);
}

#[test]
fn a_dead_lettered_command_fails_its_step_at_once() {
    let mut v: Value = serde_json::from_str(&varied(3, &[], (0, 1), [5_000, 5_000, 5_000], [0, 0, 0], 1)).unwrap();
    // Stock commands for order-5 are rejected (no requeue) and dead-lettered.
    for n in v["nodes"].as_array_mut().unwrap() {
        if n["id"] == "inventory" {
            n["faults"] = json!([{"poison": {"key": "order-5"}}]);
            n["retry"] = json!({"then": "dead_letter"});
            n["publishes"][0].as_object_mut().unwrap().remove("give_up");
        }
    }
    let json = v.to_string();
    let (_, o) = common::run(&json);
    let record = o.flows.as_ref().unwrap().records.iter().find(|r| r.key.as_deref() == Some("order-5")).unwrap();
    assert_eq!(record.state.name(), "compensated", "{}", record.why);
    assert!(record.why.contains("reserve stock was dead-lettered"), "{}", record.why);
    let trace = trace_of(&json);
    assert!(!trace.iter().any(|e| e["event"] == "SagaTimedOut"), "no waiting for the timeout");
}

#[test]
fn the_file_is_checked_step_by_step() {
    let problems = |edit: &dyn Fn(&mut Value)| -> Vec<String> {
        let mut v: Value = serde_json::from_str(&common::scenario("saga-needs-a-person")).unwrap();
        for n in v["nodes"].as_array_mut().unwrap() {
            if n["id"] == "order-saga" {
                edit(&mut n["orchestrates"]);
            }
        }
        match broker::Scenario::from_json(&v.to_string()).map(|s| broker::validate(&s)) {
            Ok(Ok(_)) => Vec::new(),
            Ok(Err(ps)) => ps.iter().map(|p| p.to_string()).collect(),
            Err(ps) => ps.iter().map(|p| p.to_string()).collect(),
        }
    };
    assert!(problems(&|_| {}).is_empty());
    let p = problems(&|s| s["steps"][1]["to"] = json!("payments"));
    assert!(
        p.iter().any(|p| p.contains("steps[1].to") && p.contains("\"stock.reserve\" does not reach \"payments\"")),
        "{p:?}"
    );
    let p = problems(&|s| s["steps"][2]["to"] = json!("shipping"));
    assert!(p.iter().any(|p| p.contains("is not a queue")), "{p:?}");
    let p = problems(&|s| s["steps"][1]["success"] = json!("CardCharged"));
    assert!(p.iter().any(|p| p.contains("steps[1].success") && p.contains("already")), "{p:?}");
    let p = problems(&|s| s["steps"][0].as_object_mut().unwrap().remove("compensated").map(|_| ()).unwrap());
    assert!(p.iter().any(|p| p.contains("a compensation needs both")), "{p:?}");
    let p = problems(&|s| s["steps"][0]["timeout_ms"] = json!(0));
    assert!(p.iter().any(|p| p.contains("steps[0].timeout_ms")), "{p:?}");
    let p = problems(&|s| s["steps"][0]["retries"] = json!(-1));
    assert!(p.iter().any(|p| p.contains("steps[0].retries")), "{p:?}");
    let p = problems(&|s| s["steps"] = json!([]));
    assert!(p.iter().any(|p| p.contains("must have 1 to 16 steps")), "{p:?}");
    let p = problems(&|s| s["steps"][0]["oops"] = json!(1));
    assert!(p.iter().any(|p| p.contains("unknown field `oops`")), "{p:?}");
}
