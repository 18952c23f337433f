//! The validator's unit tests: key ranges, and one or two scenarios for each kind of problem,
//! checked by the exact message a person would read.

use super::producer::parse_key_range;
use super::validate;
use crate::model::NodeKind;
use crate::scenario::Scenario;

fn check(json: &str) -> Vec<String> {
    let s = Scenario::from_json(json).expect("structurally fine");
    match validate(&s) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

fn scenario(nodes: &str, wires: &str) -> String {
    format!(r#"{{"version":1,"duration_ms":1000,"nodes":[{nodes}],"wires":[{wires}]}}"#)
}

#[test]
fn key_ranges() {
    assert_eq!(parse_key_range("order-1..order-20").unwrap(), ("order-".into(), 1, 20));
    assert_eq!(parse_key_range("k7..9").unwrap(), ("k".into(), 7, 9));
    assert!(parse_key_range("order-5..order-1").is_err());
    assert!(parse_key_range("a..b").is_err());
}

#[test]
fn negative_prefetch_is_named() {
    let p = check(&scenario(r#"{"id":"p","kind":"producer"},{"id":"q","kind":"queue","prefetch":-1}"#, r#"["p","q"]"#));
    assert_eq!(p, vec!["nodes[1].prefetch: must be at least 1"]);
}

#[test]
fn absurd_rate_is_refused() {
    let p = check(&scenario(r#"{"id":"p","kind":"producer","arrivals":{"poisson":{"rate_per_s":1e12}}}"#, ""));
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("nodes[0].arrivals.poisson.rate_per_s: must be at most"), "{p:?}");
}

#[test]
fn wires_that_make_no_sense_say_why() {
    let p = check(&scenario(r#"{"id":"p","kind":"producer"},{"id":"c","kind":"consumer"}"#, r#"["c","p"]"#));
    assert_eq!(p, vec!["wires[0]: a consumer cannot publish to a producer"]);
    let p = check(&scenario(r#"{"id":"q","kind":"queue"}"#, r#"["q","ghost"]"#));
    assert_eq!(p, vec!["wires[0].to: no node has the id \"ghost\""]);
}

#[test]
fn duplicate_ids_and_bad_dead_letters() {
    let p = check(&scenario(r#"{"id":"q","kind":"queue","dead_letter":"nowhere"},{"id":"q","kind":"exchange"}"#, ""));
    assert_eq!(p.len(), 2, "{p:?}");
}

#[test]
fn quorum_queues_get_rabbitmqs_default_delivery_limit() {
    let s = Scenario::from_json(&scenario(r#"{"id":"q","kind":"queue","queue_type":"quorum"}"#, "")).unwrap();
    let m = validate(&s).unwrap();
    let NodeKind::Queue(q) = &m.nodes[0].kind else { panic!() };
    assert_eq!(q.delivery_limit, Some(20));
}

#[test]
fn misspelt_action_fields_and_bad_views_are_refused() {
    let p = Scenario::from_json(
        r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"c","kind":"consumer"}],
            "actions":[{"at_ms":5,"crash":{"consumer":"c","recover_afer_ms":10}}]}"#,
    )
    .unwrap_err();
    assert!(p[0].to_string().contains("unknown field `recover_afer_ms`"), "{p:?}");
    let p = check(
        r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"c","kind":"consumer"}],
            "view":{"zoom":-2,"positions":{"ghost":[1,2],"c":[1e300,0]}}}"#,
    );
    assert_eq!(p.len(), 3, "{p:?}");
}

#[test]
fn actions_need_the_right_kind_of_node() {
    let json = r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"q","kind":"queue"}],
        "actions":[{"at_ms":5,"crash":{"consumer":"q"}},{"at_ms":5000,"outage":{"node":"q","duration_ms":10}}]}"#;
    let p = check(json);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].contains("is a queue; this action needs a consumer"));
    assert!(p[1].starts_with("actions[1].at_ms: must be at most 1000 ms"));
    let p = check(
        r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"x","kind":"exchange"}],"actions":[{"at_ms":5,"recover":{"consumer":"x"}}]}"#,
    );
    assert!(p[0].contains("\"x\" is an exchange;"), "{p:?}");
}
