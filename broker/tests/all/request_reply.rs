//! Request-reply: the shipped lesson varied at random (seed, timeout, retries, the responder's
//! speed and idempotency, direct reply-to, a crash of the requester) and held to the request's
//! rules, read off the trace and the outcome: every request starts once and ends at most once,
//! answered, given up or still waiting; it is sent at most `retries + 1` times, always as the
//! same message; a reply is taken once, and any other reply is counted late or duplicate;
//! every flow ends in exactly one state that agrees with its request; the answered requests'
//! latency is what the trace says. Then the three lesson variants, and the file's checks.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::{self, events, trace_of};

#[allow(clippy::too_many_arguments)]
fn varied(
    seed: u64,
    timeout: u64,
    retries: u64,
    mean_ms: u64,
    idempotent: bool,
    direct: bool,
    crash: Option<(u64, u64)>,
) -> String {
    let mut v: Value = serde_json::from_str(&common::scenario("request-reply-timeout")).unwrap();
    v["seed"] = json!(seed);
    v.as_object_mut().unwrap().remove("lesson");
    for n in v["nodes"].as_array_mut().unwrap() {
        match n["id"].as_str().unwrap() {
            "checkout" => {
                n["requests"]["timeout_ms"] = json!(timeout);
                n["requests"]["retries"] = json!(retries);
                if direct {
                    n["requests"]["reply_to"] = json!("amq.rabbitmq.reply-to");
                }
            }
            "payment" => {
                n["processing"] = json!({"exponential": {"mean_ms": mean_ms}});
                if idempotent {
                    n["semantics"] = json!("exactly-once");
                }
            }
            _ => {}
        }
    }
    if let Some((at, down)) = crash {
        v["actions"] = json!([{"at_ms": at, "crash": {"consumer": "checkout", "recover_after_ms": down}}]);
    }
    v.to_string()
}

fn check_request_rules(json: &str, retries: u64, idempotent: bool) -> Result<(), TestCaseError> {
    let trace = trace_of(json);
    let (_, o) = common::run(json);
    common::assert_conserved(&o);
    let v = serde_json::to_value(&o).unwrap();
    let r = &v["requests"]["checkout"];
    let n = |k: &str| r[k].as_u64().unwrap();
    let started = events(&trace, "SagaStarted").len() as u64;
    prop_assert_eq!(n("requests"), started);
    prop_assert_eq!(n("answered") + n("gave_up") + n("waiting"), started, "each request is in one state: {}", r);
    prop_assert_eq!(n("timeouts"), events(&trace, "SagaTimedOut").len() as u64);
    let ignored = events(&trace, "ReplyIgnored");
    prop_assert_eq!(n("late_replies"), ignored.iter().filter(|e| e["late"] == true).count() as u64);
    prop_assert_eq!(n("duplicate_replies"), ignored.iter().filter(|e| e["late"] == false).count() as u64);
    if idempotent {
        prop_assert_eq!(o.duplicate_effects, 0, "an idempotent responder charges once");
    }
    let flows = o.flows.as_ref().expect("a scenario with a requester has flows");
    let counted: u64 = broker::scenario::FlowState::ALL.iter().map(|s| flows.count(*s)).sum();
    prop_assert_eq!(counted, flows.records.len() as u64, "every flow ends in exactly one state");
    let rows: Vec<Value> = o.messages.iter().map(|m| serde_json::to_value(m).unwrap()).collect();
    for start in events(&trace, "SagaStarted") {
        let flow = start["msg"].as_str().unwrap();
        let requests: Vec<&Value> =
            rows.iter().filter(|m| m["flow"] == flow && m["event_type"] == "ChargeCard").collect();
        prop_assert_eq!(requests.len(), 1, "{}: one request message, however often it is sent", flow);
        let request = requests[0]["id"].as_str().unwrap();
        let sends = trace.iter().filter(|e| e["event"] == "Published" && e["msg"] == request).count() as u64;
        prop_assert!(sends >= 1 && sends <= retries + 1, "{flow}: sent {sends} times with {retries} retries");
        let ended: Vec<&Value> = events(&trace, "SagaEnded")
            .into_iter()
            .filter(|e| e["msg"].as_str().is_some_and(|m| rows.iter().any(|row| row["id"] == m && row["flow"] == flow)))
            .collect();
        prop_assert!(ended.len() <= 1, "{flow}: a request ends once");
        let record = flows.records.iter().find(|r| r.flow == flow).unwrap();
        let state = record.state.name();
        match ended.first().map(|e| e["state"].as_str().unwrap()) {
            None => prop_assert_eq!(state, "in_flight", "{}: {}", flow, record.why),
            Some("completed") => prop_assert!(state == "completed" || state == "inconsistent", "{flow}: {state}"),
            Some("gave_up") => prop_assert!(state == "compensated" || state == "inconsistent", "{flow}: {state}"),
            Some(other) => prop_assert!(false, "{flow}: a request does not end {other}"),
        }
    }
    let latency = &r["latency_ms"];
    prop_assert_eq!(latency["samples"].as_u64().unwrap(), n("answered"));
    prop_assert!(latency["p50"].as_f64().unwrap() <= latency["p99"].as_f64().unwrap());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_request_is_sent_at_most_retries_plus_one_times_and_ends_once(
        seed in 0u64..1_000,
        timeout in 20u64..800,
        retries in 0u64..4,
        mean_ms in 10u64..300,
        idempotent in any::<bool>(),
        direct in any::<bool>(),
        crash in proptest::option::of((0u64..8_000, 1u64..2_000)),
    ) {
        check_request_rules(&varied(seed, timeout, retries, mean_ms, idempotent, direct, crash), retries, idempotent)?;
    }
}

#[test]
fn a_timeout_under_the_slow_tail_charges_twice_and_an_idempotent_responder_once() {
    let o = common::run_named("request-reply-timeout");
    let v = serde_json::to_value(&o).unwrap();
    assert_eq!(o.duplicate_effects, 3);
    assert_eq!(v["requests"]["checkout"]["answered"], 40);
    assert_eq!(v["requests"]["checkout"]["duplicate_replies"], 3);
    assert!(v.get("sagas").is_none(), "a requester is not counted among the orchestrators: {v}");
    let record = o.flows.as_ref().unwrap().records.iter().find(|r| r.key.as_deref() == Some("order-5")).unwrap();
    assert_eq!(record.state.name(), "inconsistent");
    assert!(record.why.contains("\"charge card\" happened 2 times"), "{}", record.why);
    assert!(
        o.verdict
            .iter()
            .any(|l| l.starts_with("checkout: 40 requests, 40 answered (median ") && l.contains("3 waits ran out")),
        "{:?}",
        o.verdict
    );

    let o = common::run_named("request-reply-idempotent");
    assert_eq!(o.duplicate_effects, 0);
    assert_eq!(o.duplicates_suppressed, 3);
    assert_eq!(o.flows.as_ref().unwrap().completed, 40);
}

#[test]
fn a_direct_reply_to_a_requester_that_is_down_is_lost_and_breaks_no_promise() {
    let json = common::scenario("request-reply-direct");
    let (_, o) = common::run(&json);
    assert_eq!(o.lost, 1);
    let lost = o.messages.iter().find(|m| m.fate.name() == "lost").unwrap();
    assert_eq!(lost.reason, Some("direct_reply_requester_gone"));
    let mut sim = broker::load(&json).unwrap();
    sim.run_to_end();
    let breaches = sim.drain_trace().iter().filter_map(|e| broker::breach(sim.model(), e)).count();
    assert_eq!(breaches, 0, "a reply by direct reply-to is never acknowledged, so its loss breaks no promise");
    // The request was sent again after the crash, and answered from what payment had done.
    assert_eq!(o.flows.as_ref().unwrap().completed, 40);
    let trace = trace_of(&json);
    assert!(events(&trace, "Acked")
        .iter()
        .any(|e| e["node"] == "checkout" && e["msg"].as_str().unwrap().starts_with("payment-")));
}

#[test]
fn a_request_given_up_on_that_ran_all_the_same_is_inconsistent() {
    // No retries and a timeout well under the responder's usual time.
    let json = varied(6, 40, 0, 100, false, false, None);
    let (_, o) = common::run(&json);
    let v = serde_json::to_value(&o).unwrap();
    assert!(v["requests"]["checkout"]["late_replies"].as_u64().unwrap() > 0, "{v}");
    assert!(o.verdict.iter().any(|l| l.contains("came after it had given up on the request")), "{:?}", o.verdict);
    let flows = o.flows.as_ref().unwrap();
    let wrong = flows.records.iter().find(|r| r.state.name() == "inconsistent").expect("a late charge");
    assert!(wrong.why.contains("was given up, yet \"charge card\" happened"), "{}", wrong.why);
}

#[test]
fn the_file_is_checked() {
    let problems = |edit: &dyn Fn(&mut Value)| -> Vec<String> {
        let mut v: Value = serde_json::from_str(&common::scenario("request-reply-timeout")).unwrap();
        edit(&mut v);
        match broker::Scenario::from_json(&v.to_string()).map(|s| broker::validate(&s)) {
            Ok(Ok(_)) => Vec::new(),
            Ok(Err(ps)) => ps.iter().map(|p| p.to_string()).collect(),
            Err(ps) => ps.iter().map(|p| p.to_string()).collect(),
        }
    };
    let request = |f: &'static dyn Fn(&mut Value)| move |v: &mut Value| f(&mut v["nodes"][2]["requests"]);
    assert!(problems(&|_| {}).is_empty());
    let p = problems(&request(&|r| r["reply_to"] = json!("payments")));
    assert!(p.iter().any(|p| p.contains("requests.reply_to") && p.contains("the queue the requester reads")), "{p:?}");
    let p = problems(&request(&|r| r["reply"] = json!("ChargeCard")));
    assert!(p.iter().any(|p| p.contains("requests.reply") && p.contains("already")), "{p:?}");
    let p = problems(&request(&|r| r["to"] = json!("checkout-inbox")));
    assert!(p.iter().any(|p| p.contains("does not reach \"checkout-inbox\"")), "{p:?}");
    let p = problems(&request(&|r| r["to"] = json!("")));
    assert!(p.iter().any(|p| p.contains("requests.to") && p.contains("choose the queue the command goes to")), "{p:?}");
    let p = problems(&request(&|r| r["timeout_ms"] = json!(0)));
    assert!(p.iter().any(|p| p.contains("requests.timeout_ms")), "{p:?}");
    let p = problems(&request(&|r| r["retries"] = json!(11)));
    assert!(p.iter().any(|p| p.contains("requests.retries")), "{p:?}");
    let p = problems(&request(&|r| r["oops"] = json!(1)));
    assert!(p.iter().any(|p| p.contains("unknown field `oops`")), "{p:?}");
    let p = problems(&|v| v["nodes"][4]["publishes"][0]["reply"] = json!("CardDone"));
    assert!(p.iter().any(|p| p.contains("does not reply \"CardCharged\" to \"ChargeCard\"")), "{p:?}");
    let p = problems(&|v| {
        v["nodes"][2]["orchestrates"] =
            json!({"start": "OrderPlaced", "steps": [{"command": "X", "to": "payments", "success": "Y"}]})
    });
    assert!(p.iter().any(|p| p.contains("either orchestrates a saga or sends requests")), "{p:?}");
    let p = problems(&|v| v["nodes"][2]["publishes"] = json!([{"publish": "OrderConfirmed"}]));
    assert!(p.iter().any(|p| p.contains("a requester sends what \"requests\" says")), "{p:?}");
}
