//! The runner's simulator side, without a broker: every scenario of the suite can be acted
//! out, the script holds the clients' steps in order, the simulator's record says what its
//! broker did, and what cannot be acted out on a broker is refused with the reason.

use std::path::Path;

use brokerlab_conformance::script::Op;
use brokerlab_conformance::simulated::script;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn suite() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn every_scenario_of_the_suite_can_be_acted_out() {
    let files = suite();
    assert!(files.len() >= 25, "the suite has at least 25 scenarios, not {}", files.len());
    for f in files {
        let s = script(&read(&f)).unwrap_or_else(|p| panic!("{}: {p:?}", f.display()));
        assert!(!s.steps.is_empty(), "{}", f.display());
        assert!(s.steps.windows(2).all(|w| w[0].at_us <= w[1].at_us), "{}: steps in time order", f.display());
        assert_eq!(s.races(2_000), 0, "{}: the suite's scenarios leave no timing to chance", f.display());
    }
}

#[test]
fn a_classic_queue_nack_is_scripted_and_its_redelivery_expected() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/02-requeue-classic-nack.json");
    let s = script(&read(&path)).unwrap();
    assert_eq!(s.steps[0].op, Op::Subscribe { consumer: "billing".into() }, "consumers subscribe first");
    assert!(s
        .steps
        .iter()
        .any(|st| st.op == Op::Nack { consumer: "billing".into(), msg: "orders-2".into(), requeue: true }));
    let got: Vec<(&str, bool)> =
        s.expected.deliveries["billing"].iter().take(4).map(|d| (d.msg.as_str(), d.redelivered)).collect();
    // Back at the head: orders-2 again, before orders-3.
    assert_eq!(got, [("orders-1", false), ("orders-2", false), ("orders-2", true), ("orders-2", true)]);
}

#[test]
fn competing_consumers_subscribe_in_their_queues_order_before_the_first_publish() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/21-prefetch-1-competing.json");
    let s = script(&read(&path)).unwrap();
    assert_eq!(s.steps[0].op, Op::Subscribe { consumer: "billing-a".into() });
    assert_eq!(s.steps[1].op, Op::Subscribe { consumer: "billing-b".into() });
    assert!(matches!(&s.steps[2].op, Op::Publish { msg, .. } if msg == "orders-1"));
    assert_eq!(s.steps[2].then_deliveries, 1, "orders-1 is delivered at once, before orders-2 is published");
}

#[test]
fn death_records_are_expected_newest_first_with_counts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/14-retry-queue-dies-twice.json");
    let s = script(&read(&path)).unwrap();
    let third = &s.expected.deliveries["billing"][2];
    let deaths: Vec<(&str, &str, u32)> =
        third.deaths.iter().map(|d| (d.queue.as_str(), d.reason.as_str(), d.count)).collect();
    assert_eq!(deaths, [("retry", "expired", 2), ("work", "rejected", 2)]);
}

#[test]
fn what_a_broker_cannot_act_out_is_refused_with_the_reason() {
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let refused = script(&read(&lessons.join("outbox.json"))).unwrap_err();
    assert!(
        refused.iter().any(|r| r == "orders is a topic: only the queue side can be checked against RabbitMQ"),
        "{refused:?}"
    );
    let refused = script(r#"{"version": 1"#).unwrap_err();
    assert!(refused[0].contains("JSON"), "{refused:?}");
    let delayed = r#"{"version": 1, "title": "t", "seed": 1, "duration_ms": 100,
        "nodes": [{"id": "p", "kind": "producer", "count": 1}, {"id": "q", "kind": "queue"}],
        "wires": [{"from": "p", "to": "q", "delay_ms": 5}]}"#;
    let refused = script(delayed).unwrap_err();
    assert!(refused[0].contains("delay or jitter"), "{refused:?}");
}
