//! Bad input of every kind gets problems, never a panic or a hang: arbitrary text, arbitrary
//! JSON, and real lessons with one value replaced by something extreme. Whatever passes
//! validation must then run to its end (within the event budget) without breaking an
//! invariant.

use crate::common;

use common::any_json::arbitrary_json;

use proptest::prelude::*;
use serde_json::Value;

/// Every path to a leaf in a JSON value.
fn leaves(v: &Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| {
            let mut p = path.clone();
            p.push(k.clone());
            leaves(c, p, out)
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| {
            let mut p = path.clone();
            p.push(i.to_string());
            leaves(c, p, out)
        }),
        _ => out.push(path),
    }
}

fn set(v: &mut Value, path: &[String], new: Value) {
    let mut cur = v;
    for k in path {
        cur = match cur {
            Value::Object(m) => m.get_mut(k).unwrap(),
            Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    *cur = new;
}

fn extreme() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(0)),
        Just(Value::from(-1)),
        Just(Value::from(1)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(1e12)),
        Just(Value::from(1e-9)),
        Just(Value::from(-0.5)),
        Just(Value::from(86_400_000)),
        Just(Value::Null),
        Just(Value::from("")),
        Just(Value::from("<img src=x onerror=alert(1)>")),
        Just(Value::from("x".repeat(500))),
        Just(Value::Array(vec![])),
        (0i64..100_000).prop_map(Value::from),
        (0.0f64..10_000.0).prop_map(Value::from),
        (0i64..50).prop_map(Value::from),
        (0i64..50).prop_map(Value::from),
        (0.0f64..1.0).prop_map(Value::from),
        (0.0f64..1.0).prop_map(Value::from),
    ]
}

/// Rust's words that must never reach a person in a problem.
const RUST_WORDS: [&str; 9] = ["struct ", "enum ", "i64", "u64", "f64", "u32", "identifier", "sequence", "Option"];

/// A problem reads as one line in the format's words: no control character, no Rust type.
fn assert_readable(p: &broker::Problem) {
    let line = p.to_string();
    assert!(!line.chars().any(char::is_control), "{line:?}");
    assert!(line.starts_with(&p.path), "{line:?}");
    for word in RUST_WORDS {
        // Under "schemas" an enum is Avro's, a word of the format itself.
        if word == "enum " && p.path.starts_with("schemas") {
            continue;
        }
        assert!(!p.message.contains(word), "{word:?} in {line:?}");
    }
}

/// Reads, validates and (if valid) runs with a small budget; must not panic. Every problem
/// must be readable.
fn survive(text: &str) {
    if let Err(problems) = broker::load_model(text) {
        problems.iter().for_each(assert_readable);
    }
    if let Ok(mut sim) = broker::load(text) {
        sim.set_event_budget(200_000);
        sim.set_work_budget(2_000_000);
        sim.run_to_end();
        let o = sim.outcome();
        let sum = o.processed_once + o.processed_more_than_once + o.dead_lettered + o.dropped + o.lost + o.in_flight;
        assert_eq!(sum, o.published);
        let _ = sim.snapshot();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        survive(&s);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arbitrary_json()) {
        survive(&v.to_string());
    }

    #[test]
    fn a_lesson_with_one_extreme_value_never_panics(pick in any::<prop::sample::Index>(), lesson in any::<prop::sample::Index>(), new in extreme()) {
        let all = common::scenarios();
        let (_, text) = &all[lesson.index(all.len())];
        let mut v: Value = serde_json::from_str(text).unwrap();
        let mut paths = Vec::new();
        leaves(&v, Vec::new(), &mut paths);
        let path = &paths[pick.index(paths.len())];
        set(&mut v, path, new);
        survive(&v.to_string());
    }
}

#[test]
fn names_are_data() {
    // A node id full of markup is just a name: it comes back verbatim, never interpreted.
    let s = r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"<img src=x onerror=alert(1)>","kind":"producer","count":1}]}"#;
    let (_, o) = common::run(s);
    assert_eq!(o.messages.get(0).unwrap().id, "<img src=x onerror=alert(1)>-1");
}

#[test]
fn deeply_nested_json_is_refused_cleanly() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let p = broker::Scenario::from_json(&deep).unwrap_err();
    assert!(p[0].message.starts_with("not valid JSON"), "{p:?}");
}

#[test]
fn a_key_written_twice_is_a_problem_not_a_silent_choice() {
    let p = broker::Scenario::from_json(
        r#"{"version":1,"duration_ms":1000,"nodes":[{"kind":"queue","id":"q","kind":"consumer"}]}"#,
    )
    .unwrap_err();
    assert_eq!(p[0].to_string(), "nodes[0].kind: is written twice in the same object; keep one");
}

/// work-queue with `lesson` set to `lesson`: the problems found, one string each.
fn lesson_problems(lesson: Value) -> Vec<String> {
    let mut v: Value = serde_json::from_str(&common::scenario("work-queue")).unwrap();
    v["lesson"] = lesson;
    match broker::load(&v.to_string()) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

fn a_lesson() -> Value {
    serde_json::json!({
        "watch": "worker-b crashes at 6 s.",
        "try": "Set prefetch to 50.",
        "fix": "Keep prefetch low (basic.qos).",
        "points": [{"at_ms": 6000, "node": "worker-b", "say": "worker-b crashes holding one unacked message."}],
        "question": {"ask": "How many times is order-42 processed?", "measure": "effects", "key": "order-42", "unit": "times"}
    })
}

#[test]
fn a_good_lesson_is_accepted_and_changes_nothing_in_the_run() {
    assert_eq!(lesson_problems(a_lesson()), Vec::<String>::new());
    let mut v: Value = serde_json::from_str(&common::scenario("work-queue")).unwrap();
    let (_, without) = common::run(&v.to_string());
    v["lesson"] = a_lesson();
    let (_, with) = common::run(&v.to_string());
    assert_eq!(with.trace_hash, without.trace_hash);
    // It survives a save and a load.
    let s = broker::Scenario::from_json(&v.to_string()).unwrap();
    assert_eq!(broker::Scenario::from_json(&s.to_json_pretty()).unwrap(), s);
    assert!(s.to_json_pretty().contains("\"try\": \"Set prefetch to 50.\""));
    assert_eq!(lesson_problems(Value::Null), Vec::<String>::new(), "null is the same as no lesson");
}

#[test]
fn a_bad_lesson_is_refused_with_the_path_of_what_is_wrong() {
    let with = |f: &dyn Fn(&mut Value)| {
        let mut l = a_lesson();
        f(&mut l);
        lesson_problems(l)
    };
    assert_eq!(
        with(&|l| l["points"][0]["node"] = "ghost".into()),
        ["lesson.points[0].node: no node has the id \"ghost\""]
    );
    let p = with(&|l| l["watch"] = "w".repeat(601).into());
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p, ["lesson.watch: must be at most 600 characters (got 601): one to three short sentences"]);
    let p = with(&|l| l["points"][0]["say"] = "s".repeat(301).into());
    assert_eq!(p, ["lesson.points[0].say: must be at most 300 characters (got 301): one short sentence"]);
    let p = with(&|l| l["question"]["measure"] = "charged".into());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("lesson.question.measure: unknown variant `charged`, expected one of `published`"),
        "{p:?}"
    );
    let p = with(&|l| {
        l["question"].as_object_mut().unwrap().remove("key");
    });
    assert_eq!(
        p,
        ["lesson.question.key: missing; \"effects\" counts over the messages of one key: name it, e.g. \"order-42\""]
    );
    let p = with(&|l| l["question"]["measure"] = "lost".into());
    assert!(p[0].starts_with("lesson.question.key: only \"effects\" and \"deliveries\" count over one key"), "{p:?}");
    let p = with(&|l| l["question"]["key"] = "order-999".into());
    assert_eq!(p, ["lesson.question.key: no producer publishes messages with the key \"order-999\""]);
    let p = with(&|l| l["question"]["unit"] = "u".repeat(41).into());
    assert!(p[0].starts_with("lesson.question.unit: must be 1 to 40 characters"), "{p:?}");
    let p = with(&|l| l["points"][0] = serde_json::json!({"say": "somewhere"}));
    assert_eq!(p, ["lesson.points[0]: needs \"at_ms\", \"node\" or both: the moment or the node it points at"]);
    let p = with(&|l| l["points"][0]["at_ms"] = 90_000.into());
    assert_eq!(
        p,
        ["lesson.points[0].at_ms: is after the run ends: must be at most 30000 ms, the scenario's duration_ms (got 90000)"]
    );
    let p = with(&|l| l["points"][0]["at_ms"] = 1.5.into());
    assert!(p[0].starts_with("lesson.points[0].at_ms: must be a whole number"), "{p:?}");
    let p = with(&|l| l["points"] = Value::Array(vec![l["points"][0].clone(); 9]));
    assert_eq!(p, ["lesson.points: has 9 points; the most is 8"]);
    let p = with(&|l| l["fix"] = "  ".into());
    assert!(p[0].starts_with("lesson.fix: must not be empty"), "{p:?}");
    let p = with(&|l| {
        l.as_object_mut().unwrap().remove("fix");
    });
    assert_eq!(p, ["lesson: missing field `fix`"]);
    assert_eq!(
        lesson_problems("Watch the queue.".into()),
        ["lesson: must be an object: {\"watch\": ..., \"try\": ..., \"fix\": ...}"]
    );
    let p = with(&|l| l["trry"] = "typo".into());
    assert!(p[0].starts_with("lesson.trry: unknown field `trry`"), "{p:?}");
    // Every problem is reported at once.
    let p = with(&|l| {
        l["try"] = "".into();
        l["points"][0]["node"] = "ghost".into();
        l["question"]["measure"] = "deliveries".into();
        l["question"]["key"] = Value::Null;
    });
    assert_eq!(p.len(), 3, "{p:?}");
}

/// A field name with a newline in it: echoed raw, it would print a second, forged problem.
const FORGED_NEWLINE: &str = r#"{"version":1,"duration_ms":2000,"nodes":[{"id":"q","kind":"queue","x\ny: forged":1}]}"#;

/// Every problem a text gets, as the lines `brokerlab check` prints.
fn problem_lines(text: &str) -> Vec<String> {
    broker::load(text).err().unwrap_or_default().iter().map(|p| p.to_string()).collect()
}

#[test]
fn a_newline_in_a_field_name_cannot_forge_a_problem() {
    let p = broker::load(FORGED_NEWLINE).err().expect("refused");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, r#"nodes[0]["x\ny: forged"]"#);
    assert!(p[0].message.starts_with(r"unknown field `x\ny: forged`, expected one of `id`"), "{p:?}");
    let line = p[0].to_string();
    assert!(!line.chars().any(char::is_control), "{line:?}");
    assert!(line.starts_with(&format!("{}: ", p[0].path)), "{line:?}");

    // The same for a key written twice, and for a node id in the view that no node has.
    let twice = r#"{"version":1,"duration_ms":2000,"nodes":[{"id":"q","kind":"queue","a\u001b[2J":1,"a\u001b[2J":2}]}"#;
    assert_eq!(problem_lines(twice), [r#"nodes[0]["a\u{1b}[2J"]: is written twice in the same object; keep one"#]);
    let view = r#"{"version":1,"duration_ms":2000,"nodes":[{"id":"q","kind":"queue"}],"view":{"positions":{"q\ry: x":[0,0],"q":[0,0]}}}"#;
    assert_eq!(problem_lines(view), [r#"view.positions["q\ry: x"]: no node has the id "q\ry: x""#]);
    let deep = r#"{"version":1,"duration_ms":2000,"nodes":[{"id":"c","kind":"consumer","retry":{"policy":"fixed","a.b\n":1}}]}"#;
    let lines = problem_lines(deep);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with(r#"nodes[0].retry["a.b\n"]: unknown field `a.b\n`"#), "{lines:?}");
}

/// A valid scenario that writes every field of the format at least once: every node kind,
/// fault, action, the lesson and the view.
fn every_field() -> Value {
    serde_json::json!({
      "version": 1, "title": "t", "description": "d", "seed": 3, "duration_ms": 10000,
      "lesson": {"watch": "w", "try": "t", "fix": "f",
         "points": [{"at_ms": 10, "node": "q", "say": "s"}],
         "question": {"ask": "a", "measure": "effects", "key": "k-1", "unit": "u"}},
      "nodes": [
        {"id": "p", "kind": "producer", "arrivals": {"poisson": {"rate_per_s": 5}}, "count": 5,
         "event_type": ["A", "B"], "keys": "k-1..k-3", "key_choice": "random", "routing_key": "r",
         "publish": {"timeout_ms": 10, "retries": 1, "backoff_ms": 1}, "write": {"name": "save", "outbox": true, "relay_interval_ms": 10, "order": "write_then_publish"},
         "faults": [{"publish_lost": {"probability": 0.1}}, {"crash": {"probability": 0.1, "recover_after_ms": 5}}]},
        {"id": "p2", "kind": "producer", "arrivals": {"burst": {"size": 2, "every_ms": 100}}, "count": 2, "keys": ["a", "b"], "event_type": "E", "partition_by": "round_robin", "idempotent": true, "publish": {}},
        {"id": "x", "kind": "exchange", "type": "direct"},
        {"id": "q", "kind": "queue", "queue_type": "quorum", "prefetch": 2, "ack_timeout_ms": 100, "delivery_limit": 3, "ttl_ms": 100, "max_length": 10, "overflow": "reject-publish", "dead_letter": "d"},
        {"id": "d", "kind": "dead_letter_queue"},
        {"id": "t", "kind": "topic", "partitions": 2, "retention_ms": 100, "retention_records": 10},
        {"id": "c", "kind": "consumer", "semantics": "exactly-once", "processing": {"uniform": {"min_ms": 1, "max_ms": 2}}, "concurrency": 1, "prefetch": 1,
         "retry": {"policy": "exponential", "base_ms": 1, "cap_ms": 2, "jitter": "full", "max_attempts": 2, "then": "dead_letter"}, "effect": "e",
         "faults": [{"crash": {"probability": 0.1, "point": "after_effect", "recover_after_ms": 5}}, {"slow": {"factor": 2}}, {"transient_errors": {"rate": 0.1}}, {"poison": {"key": "a"}}, {"lose_acks": {"probability": 0.1}}, {"downstream_outage": {"at_ms": 1, "duration_ms": 2}}]},
        {"id": "c2", "kind": "consumer", "group": "g", "assignment": "range", "commit": "auto", "auto_commit_interval_ms": 10, "max_poll_records": 5, "auto_offset_reset": "earliest", "session_timeout_ms": 100, "max_poll_interval_ms": 1000, "heartbeat_interval_ms": 10, "processing": {"exponential": {"mean_ms": 3}}}
      ],
      "wires": [["p", "x"], {"from": "x", "to": "q", "binding_key": "A", "delay_ms": 1, "jitter_ms": 1}, ["q", "c"], ["p2", "t"], ["t", "c2"]],
      "actions": [
        {"at_ms": 1, "crash": {"consumer": "c", "recover_after_ms": 5}}, {"at_ms": 2, "recover": {"consumer": "c"}},
        {"at_ms": 3, "outage": {"node": "q", "duration_ms": 5}}, {"at_ms": 4, "redrive": {"dlq": "d", "to": "q"}},
        {"at_ms": 5, "slow": {"consumer": "c", "factor": 2}}, {"at_ms": 6, "leave": {"consumer": "c2"}}, {"at_ms": 7, "join": {"consumer": "c2"}},
        {"at_ms": 8, "reset_offsets": {"group": "g", "topic": "t", "to": {"offset": 1}}},
        {"at_ms": 9, "reset_offsets": {"group": "g", "to": "earliest"}}
      ],
      "view": {"positions": {"p": [1, 2]}, "zoom": 1}
    })
}

/// Sets the field at `pointer` (a JSON pointer) of `every_field()` and returns the problems.
fn every_field_with(pointer: &str, new: Value) -> Vec<String> {
    let mut v = every_field();
    *v.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} is in every_field()")) = new;
    problem_lines(&v.to_string())
}

#[test]
fn control_characters_are_refused_in_every_name_and_text() {
    assert_eq!(problem_lines(&every_field().to_string()), Vec::<String>::new());
    let esc = "\u{1b}[2J";
    // (the field, its path in problems, whether the change breaks references elsewhere)
    let fields = [
        ("/title", "title", false),
        ("/description", "description", false),
        ("/nodes/4/id", "nodes[4].id", true),
        ("/nodes/0/event_type/1", "nodes[0].event_type[1]", false),
        ("/nodes/1/event_type", "nodes[1].event_type", false),
        ("/nodes/1/keys/1", "nodes[1].keys[1]", false),
        ("/nodes/0/keys", "nodes[0].keys", true),
        ("/nodes/0/routing_key", "nodes[0].routing_key", false),
        ("/nodes/0/write/name", "nodes[0].write.name", false),
        ("/nodes/6/effect", "nodes[6].effect", false),
        ("/nodes/7/group", "nodes[7].group", true),
        ("/nodes/6/faults/3/poison/key", "nodes[6].faults[3].poison.key", false),
        ("/wires/1/binding_key", "wires[1].binding_key", false),
        ("/lesson/watch", "lesson.watch", false),
        ("/lesson/try", "lesson.try", false),
        ("/lesson/fix", "lesson.fix", false),
        ("/lesson/points/0/say", "lesson.points[0].say", false),
        ("/lesson/question/ask", "lesson.question.ask", false),
        ("/lesson/question/unit", "lesson.question.unit", false),
        ("/lesson/question/key", "lesson.question.key", false),
    ];
    for (pointer, path, breaks_references) in fields {
        let mut v = every_field();
        let old = v.pointer(pointer).and_then(Value::as_str).unwrap_or("k").to_string();
        let new = match old.split_once("..") {
            Some((a, b)) => format!("{a}{esc}..{b}"),
            None => format!("{old}{esc}"),
        };
        *v.pointer_mut(pointer).unwrap() = new.into();
        let lines = problem_lines(&v.to_string());
        let refused = format!("{path}: must not contain control characters (found \\u{{1b}})");
        assert!(lines.contains(&refused), "{pointer}: {lines:?}");
        assert!(breaks_references || lines.len() == 1, "{pointer}: {lines:?}");
        assert!(lines.iter().all(|l| !l.chars().any(char::is_control)), "{pointer}: {lines:?}");
    }
    // A newline and a tab are control characters too, and so are DEL and the C1 controls.
    for c in ['\n', '\t', '\r', '\0', '\u{7f}', '\u{85}'] {
        let lines = every_field_with("/title", format!("Poison{c}").into());
        assert_eq!(lines, [format!("title: must not contain control characters (found {})", c.escape_debug())]);
    }
    // A character that reorders the text around it would draw one name as another ("evil" as
    // "live"): refused, and shown by its code point.
    for c in ['\u{202e}', '\u{202a}', '\u{2067}'] {
        let lines = every_field_with("/title", format!("Poison {c}live").into());
        let want = format!("title: must not contain characters that reorder the text (found U+{:04X})", u32::from(c));
        assert_eq!(lines, [want]);
    }
}

/// Every path in a JSON value, leaves and the objects and lists above them.
fn every_path(v: &Value, path: String, out: &mut Vec<String>) {
    out.push(path.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| every_path(c, format!("{path}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| every_path(c, format!("{path}/{i}"), out)),
        _ => {}
    }
}

/// Loads a scenario as the command line's `test` does: the scenario, then its expectations
/// (which the page keeps as written and does not read).
fn load_with_expectations(text: &str) -> Result<(), Vec<broker::Problem>> {
    broker::load_model(text)?;
    let s = broker::Scenario::from_json(text)?;
    broker::expect::read(&s.expect).map(|_| ())
}

#[test]
fn no_problem_names_a_rust_type() {
    let mut files: Vec<Value> = vec![every_field()];
    files.extend(common::scenarios().iter().map(|(_, text)| serde_json::from_str(text).unwrap()));
    let wrong = [
        Value::from("s\u{1b}[2J"),
        Value::from(1),
        Value::from(-1),
        Value::from(1.5),
        Value::from(true),
        Value::Null,
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!({"a\nb": 1}),
        serde_json::json!(["x"]),
        serde_json::json!([1, 2]),
        serde_json::json!({"fixed": 1}),
    ];
    let mut seen = 0;
    for file in &files {
        let mut paths = Vec::new();
        every_path(file, String::new(), &mut paths);
        for path in &paths {
            for new in &wrong {
                let mut v = file.clone();
                *v.pointer_mut(path).unwrap() = new.clone();
                if let Err(problems) = load_with_expectations(&v.to_string()) {
                    seen += problems.len();
                    problems.iter().for_each(assert_readable);
                }
            }
            // A field whose name holds a newline, in every object.
            let mut v = file.clone();
            if let Some(object) = v.pointer_mut(path).and_then(Value::as_object_mut) {
                object.insert("x\ny: forged".into(), 1.into());
                let Err(problems) = load_with_expectations(&v.to_string()) else {
                    panic!("{path}: an unknown field is accepted")
                };
                problems.iter().for_each(assert_readable);
            }
        }
    }
    assert!(seen > 10_000, "{seen} problems");
    // The words that stand for the Rust types serde used to name.
    let with = |pointer: &str, new: Value| every_field_with(pointer, new);
    assert_eq!(
        with("/lesson/points/0", 1.into()),
        ["lesson.points[0]: must be a point like {\"at_ms\": 6000, \"say\": \"...\"}, not integer `1`"]
    );
    assert_eq!(
        with("/nodes/0/event_type", serde_json::json!({})),
        ["nodes[0].event_type: must be an event type or a list of them, e.g. \"OrderPlaced\" or [\"OrderPlaced\", \"OrderPaid\"]"]
    );
    assert_eq!(
        with("/nodes/0/keys", 5.into()),
        ["nodes[0].keys: must be a key range like \"order-1..order-20\" or a list of keys"]
    );
    assert_eq!(
        with("/lesson/question", serde_json::json!(["a"])),
        ["lesson.question: must be a question like {\"ask\": \"...\", \"measure\": \"lost\"}, not a list"]
    );
    assert_eq!(with("/view/positions/p", 1.into()), ["view.positions.p: must be a point like [x, y], not integer `1`"]);
    assert_eq!(with("/nodes/0/faults", serde_json::json!({})), ["nodes[0].faults: must be a list, not an object"]);
}

#[test]
fn a_repeated_id_is_the_one_problem_of_the_wires_that_name_it() {
    // A queue and a consumer both named q: the wires could mean either, so they are not
    // judged (a producer wired to a consumer, a node wired to itself); the id is refused.
    let lines = problem_lines(
        r#"{"version": 1, "duration_ms": 1000,
            "nodes": [{"id": "p", "kind": "producer"}, {"id": "q", "kind": "queue"}, {"id": "q", "kind": "consumer"}],
            "wires": [["p", "q"], ["q", "q"]]}"#,
    );
    assert_eq!(lines, [r#"nodes[2].id: "q" is used by another node; ids must be unique"#], "{lines:?}");
}
