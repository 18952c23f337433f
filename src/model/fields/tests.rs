//! The catalogue checked against the core: numbers read as people type them, every field
//! written and read back, gates and templates, and problems mapped to their fields.

use serde_json::{json, Value};

use super::catalogue::kind_of;
use super::json::gate;
use super::*;
use Input::*;

#[test]
fn numbers_read_as_people_type_them() {
    for (t, v) in [
        ("1.5", Some(1.5)),
        (".5", Some(0.5)),
        ("2.", Some(2.0)),
        ("+3", Some(3.0)),
        ("-0.25", Some(-0.25)),
        ("1e3", Some(1000.0)),
        ("1e12", Some(1e12)),
    ] {
        assert_eq!(super::parse_number(t), v, "{t}");
    }
    for t in ["", "-", "abc", "1,5", "NaN", "inf", "1.2.3", "--1", "0x10"] {
        assert_eq!(super::parse_number(t), None, "{t}");
    }
}

/// A small valid scenario: `shape` is "queue" (p→q→c, plus a dlq d), "topic" (p→t→c, plus
/// d), "service" (p→t→c→t2, c a service, plus d), "projection" (p→t→c→v, v a read model, plus
/// d), "exchange" (p→x→q→c) or "cluster" (the topic shape on three brokers, b1 to b3).
fn scenario(shape: &str) -> Value {
    let (mid, wires) = match shape {
        "exchange" => {
            (vec![template("exchange", "x"), template("queue", "q")], json!([["p", "x"], ["x", "q"], ["q", "c"]]))
        }
        "topic" => (vec![template("topic", "t")], json!([["p", "t"], ["t", "c"]])),
        "cluster" => (
            vec![template("topic", "t"), template("broker", "b1"), template("broker", "b2"), template("broker", "b3")],
            json!([["p", "t"], ["t", "c"]]),
        ),
        "service" => {
            (vec![template("topic", "t"), template("topic", "t2")], json!([["p", "t"], ["t", "c"], ["c", "t2"]]))
        }
        "projection" => (vec![template("topic", "t")], json!([["p", "t"], ["t", "c"], ["c", "v"]])),
        _ => (vec![template("queue", "q")], json!([["p", "q"], ["q", "c"]])),
    };
    let mut nodes = vec![template("producer", "p")];
    nodes.extend(mid);
    nodes.push(template(if shape == "service" { "service" } else { "consumer" }, "c"));
    if shape != "exchange" {
        nodes.push(template("dead_letter_queue", "d"));
    }
    if shape == "projection" {
        nodes.push(template("read_model", "v"));
    }
    json!({"version": 1, "duration_ms": 10000, "nodes": nodes, "wires": wires})
}

fn problems(s: &Value) -> Vec<broker::Problem> {
    match broker::Scenario::from_value(s.clone()) {
        Err(p) => p,
        Ok(sc) => broker::validate(&sc).err().unwrap_or_default(),
    }
}

fn field(kind: &str, path: &str) -> &'static Field {
    fields_for(kind).iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no field {kind} {path}"))
}

fn node_index(s: &Value, id: &str) -> usize {
    s["nodes"].as_array().unwrap().iter().position(|n| n["id"] == id).unwrap()
}

/// Gives consumer `id` a queue "rq" of its own to send commands and requests to.
fn wire_to_rq(s: &mut Value, id: &str) {
    if !s["nodes"].as_array().unwrap().iter().any(|n| n["id"] == "rq") {
        s["nodes"].as_array_mut().unwrap().push(json!({"id": "rq", "kind": "queue"}));
        s["wires"].as_array_mut().unwrap().push(json!([id, "rq"]));
    }
}

/// Writes into node `id` (or wire `w` when `id` is "wire:N"), first writing what the
/// setting needs: its gate (variant, fault, confirms) and any companion setting.
fn apply(s: &mut Value, id: &str, f: &'static Field, text: &str) {
    let wire = id.strip_prefix("wire:").map(|w| w.parse::<usize>().unwrap());
    let obj = match wire {
        Some(w) => s["wires"][w].clone(),
        None => s["nodes"][node_index(s, id)].clone(),
    };
    let kind = kind_of(&obj).to_string();
    if let Some(g) = gate(&obj, f) {
        let on = match g.input {
            Variant(_) => f.path[g.path.len() + 1..].split('/').next().unwrap(),
            _ => "true",
        };
        apply(s, id, g, on);
    }
    let topic_consumer = kind == "consumer" && s["wires"].to_string().contains(r#"["t","c"]"#);
    // Rule k of a service, k > 0: rules 1 to k+1 there first, each for an event type of its own.
    if let Some(k) = f.path.strip_prefix("/publishes/").and_then(|r| r[..1].parse::<usize>().ok()).filter(|k| *k > 0) {
        let i = node_index(s, id);
        s["nodes"][i]["publishes"] = (0..=k).map(|j| json!({"on": format!("E{j}"), "publish": "X"})).collect();
    }
    // A saga step's setting needs a saga with that step: each step's command to "rq".
    if kind == "consumer" && f.path.starts_with("/orchestrates") {
        let k: usize = f.path["/orchestrates/steps/".len()..].split('/').next().unwrap().parse().unwrap();
        let i = node_index(s, id);
        let steps: Vec<Value> = (0..=k)
            .map(|j| json!({"command": format!("C{j}"), "to": "rq", "success": format!("S{j}"), "timeout_ms": 100}))
            .collect();
        let saga = s["nodes"][i]["orchestrates"].clone();
        if !saga.is_object() {
            s["nodes"][i]["orchestrates"] = json!({"start": "OrderPlaced", "steps": steps});
        }
        wire_to_rq(s, id);
    }
    match (kind.as_str(), f.path, text) {
        ("producer", "/idempotent", "true")
        | ("producer", "/faults/@publish_lost", "true")
        | ("producer", "/faults/@confirm_lost", "true") => apply(s, id, field("producer", "/publish"), "true"),
        ("producer", "/faults/@crash", "true") => apply(s, id, field("producer", "/write"), "true"),
        ("queue", "/delivery_limit", _) => apply(s, id, field("queue", "/queue_type"), "quorum"),
        ("topic", "/min_insync_replicas", _) => apply(s, id, field("topic", "/replication_factor"), "3"),
        ("topic", "/delete_retention_ms" | "/min_compaction_lag_ms" | "/segment_ms" | "/cleaner_backoff_ms", _) => {
            apply(s, id, field("topic", "/cleanup_policy"), "compact")
        }
        ("consumer", "/retry/max_attempts", _) => apply(s, id, field("consumer", "/retry/policy"), "fixed"),
        ("consumer", "/publish_mode", "transaction") => apply(s, id, field("consumer", "/transactional"), "true"),
        ("consumer", "/retry/then", "dead_letter") if topic_consumer => {
            apply(s, id, field("consumer", "/dead_letter"), "d")
        }
        ("exchange", "/type", "direct" | "topic") => {
            write(&mut s["wires"][1], field("wire", "/binding_key"), "order.paid").unwrap()
        }
        ("wire", "/binding_key", _) => write(&mut s["nodes"][1], field("exchange", "/type"), "direct").unwrap(),
        _ => {}
    }
    let obj = match wire {
        Some(w) => &mut s["wires"][w],
        None => {
            let i = node_index(s, id);
            &mut s["nodes"][i]
        }
    };
    write(obj, f, text).unwrap_or_else(|e| panic!("{kind} {} {text:?}: {e}", f.path));
    // A requester needs a queue its request reaches: "rq", through a wire of its own.
    if kind == "consumer" && f.path.starts_with("/requests") {
        wire_to_rq(s, id);
        let i = node_index(s, id);
        s["nodes"][i]["requests"]["to"] = json!("rq");
    }
}

/// Typical valid texts for a field, already in the form `read` gives back.
fn samples(s: &Value, self_id: &str, f: &Field) -> Vec<String> {
    let one = |t: &str| vec![t.to_string()];
    match f.path {
        "/requests/to" => return one("rq"),
        "/requests/reply_to" => return vec!["q".into(), "amq.rabbitmq.reply-to".into()],
        _ => {}
    }
    match &f.input {
        Int => one("3"),
        Number => match f.path {
            "/processing/uniform/max_ms" | "/retry/cap_ms" => one("5000"),
            _ => one("0.5"),
        },
        Text => one("order-3"),
        Bool => vec!["true".into(), "false".into()],
        Choice(opts) => opts.iter().map(|o| o.0.to_string()).collect(),
        Variant(opts) => opts.iter().map(|o| o.0.to_string()).collect(),
        Fault(..) | Toggle(_) => one("true"),
        List { range: true } => vec!["order-1..order-9".into(), "eu".into(), "eu, us, apac".into()],
        List { range: false } => vec!["OrderPlaced".into(), "OrderPlaced, OrderPaid".into()],
        NodeRef(kinds) => {
            let nodes = s["nodes"].as_array().unwrap();
            let pick = kinds.iter().find_map(|k| nodes.iter().find(|n| n["kind"] == *k && n["id"] != self_id));
            one(pick.expect("a node to refer to")["id"].as_str().unwrap())
        }
    }
}

/// (shape, node id or wire, kind, which consumer sources).
const CASES: &[(&str, &str, &str, &[&str])] = &[
    ("topic", "p", "producer", &["any"]),
    ("exchange", "x", "exchange", &["any"]),
    ("queue", "q", "queue", &["any"]),
    ("cluster", "t", "topic", &["any"]),
    ("cluster", "b2", "broker", &["any"]),
    ("queue", "c", "consumer", &["any", "queue"]),
    ("topic", "c", "consumer", &["any", "topic"]),
    ("service", "c", "consumer", &["any", "topic"]),
    ("projection", "c", "consumer", &["projection"]),
    ("projection", "v", "read_model", &["any"]),
    ("queue", "d", "dead_letter_queue", &["any"]),
    ("exchange", "wire:1", "wire", &["any"]),
];

/// A service's own settings: a plain consumer refuses them.
fn of_a_service(kind: &str, f: &Field) -> bool {
    kind == "consumer" && f.path.starts_with("/publish")
}

#[test]
fn every_field_writes_a_setting_the_core_accepts() {
    let mut checked = 0;
    for (shape, id, kind, applies) in CASES {
        let base = scenario(shape);
        assert!(problems(&base).is_empty(), "{shape}: {:?}", problems(&base));
        let fields = fields_for(kind).iter().filter(|f| applies.contains(&f.applies));
        // A requester reads a queue and is not a service.
        let requests = |f: &&Field| {
            (!f.path.starts_with("/requests") && !f.path.starts_with("/orchestrates")) || *shape == "queue"
        };
        for f in fields.filter(|f| !of_a_service(kind, f) || *shape == "service").filter(requests) {
            // A crash after the publish is a point in a service's handler only.
            for text in samples(&base, id, f).into_iter().filter(|t| t != "after_publish" || *shape == "service") {
                let mut s = base.clone();
                apply(&mut s, id, f, &text);
                let obj = match id.strip_prefix("wire:") {
                    Some(w) => &s["wires"][w.parse::<usize>().unwrap()],
                    None => &s["nodes"][node_index(&s, id)],
                };
                assert_eq!(read(obj, f), text, "{kind} {} read back", f.path);
                assert!(visible(obj, f), "{kind} {} hidden after writing it", f.path);
                let p = problems(&s);
                assert!(p.is_empty(), "{kind} {} = {text:?} refused: {p:?}\n{s}", f.path);
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} settings checked");
}

#[test]
fn catalogue_covers_the_format_and_labels_are_unique_per_section() {
    let count = |k| fields_for(k).len();
    assert_eq!((count("exchange"), count("queue"), count("topic"), count("wire")), (1, 9, 13, 3));
    assert!(fields_for("dead_letter_queue").is_empty() && fields_for("nonsense").is_empty());
    for kind in ["producer", "exchange", "queue", "topic", "consumer", "read_model", "broker", "wire"] {
        for (i, a) in fields_for(kind).iter().enumerate() {
            assert!(a.path.starts_with('/') && !a.help.is_empty() && a.help.ends_with('.'), "{kind} {}", a.path);
            assert!(["any", "queue", "topic", "projection"].contains(&a.applies));
            for b in &fields_for(kind)[i + 1..] {
                assert!(a.path != b.path, "{kind}: {} twice", a.path);
                assert!(a.label != b.label || a.section != b.section, "{kind}: label {} twice", a.label);
            }
        }
    }
    for (kind, path, label) in [
        ("queue", "/prefetch", "Prefetch"),
        ("queue", "/delivery_limit", "Delivery limit"),
        ("consumer", "/retry/base_ms", "Retry backoff"),
        ("consumer", "/processing", "Processing time"),
        ("consumer", "/faults/@poison", "Poison messages"),
        ("consumer", "/faults/@lose_acks", "Lose acks"),
        ("producer", "/faults/@confirm_lost", "Lose confirms"),
    ] {
        assert_eq!(field(kind, path).label, label);
    }
    assert_eq!(field("consumer", "/prefetch").applies, "queue");
    assert_eq!(field("consumer", "/max_poll_records").applies, "topic");
}

#[test]
fn bad_text_is_refused_and_leaves_the_object_alone() {
    let mut q = template("queue", "q");
    let before = q.clone();
    assert_eq!(write(&mut q, field("queue", "/prefetch"), "abc"), Err("Enter a whole number, e.g. 10".into()));
    assert!(write(&mut q, field("queue", "/prefetch"), "2.5").is_err());
    assert!(write(&mut q, field("queue", "/ttl_ms"), "soon").unwrap_err().contains("milliseconds"));
    assert!(write(&mut q, field("queue", "/overflow"), "drop_head").unwrap_err().contains("drop-head"));
    let mut c = template("consumer", "c");
    let c0 = c.clone();
    assert!(write(&mut c, field("consumer", "/processing/fixed/ms"), "fast").unwrap_err().contains("milliseconds"));
    assert!(write(&mut c, field("consumer", "/processing"), "gaussian").is_err());
    assert!(write(&mut c, field("consumer", "/faults/@poison"), "yes").is_err());
    assert!(write(&mut c, field("consumer", "/faults/@slow/factor"), "NaN").is_err());
    assert_eq!((q, c), (before, c0));
}

#[test]
fn empty_text_removes_an_optional_setting() {
    let mut q = template("queue", "q");
    write(&mut q, field("queue", "/ttl_ms"), "500").unwrap();
    assert_eq!(q["ttl_ms"], 500);
    write(&mut q, field("queue", "/ttl_ms"), "").unwrap();
    write(&mut q, field("queue", "/prefetch"), " ").unwrap();
    assert_eq!(q, json!({"id": "q", "kind": "queue"}));
    assert_eq!(read(&q, field("queue", "/ttl_ms")), "");
    // Removing from an absent object creates nothing.
    let mut c = template("consumer", "c");
    write(&mut c, field("consumer", "/retry/cap_ms"), "").unwrap();
    assert!(c.get("retry").is_none());
    write(&mut c, field("consumer", "/retry/cap_ms"), "2000").unwrap();
    assert_eq!(c["retry"], json!({"cap_ms": 2000}));
}

#[test]
fn values_are_normalised() {
    let mut p = template("producer", "p");
    write(&mut p, field("producer", "/arrivals/fixed/interval_ms"), "250.0").unwrap();
    assert_eq!(p["arrivals"]["fixed"]["interval_ms"], json!(250));
    assert_eq!(
        read(&json!({"arrivals": {"fixed": {"interval_ms": 250.0}}}), field("producer", "/arrivals/fixed/interval_ms")),
        "250"
    );
    write(&mut p, field("producer", "/event_type"), " A ,B,, C ").unwrap();
    assert_eq!(p["event_type"], json!(["A", "B", "C"]));
    assert_eq!(read(&p, field("producer", "/event_type")), "A, B, C");
    write(&mut p, field("producer", "/keys"), "k1..9").unwrap();
    assert_eq!(p["keys"], json!("k1..9"));
    write(&mut p, field("producer", "/keys"), "eu").unwrap();
    assert_eq!(p["keys"], json!(["eu"]));
    assert_eq!(read(&p, field("producer", "/idempotent")), "false");
    assert_eq!(read(&p, field("producer", "/arrivals")), "fixed");
    // A short wire becomes an object when it takes a setting.
    let mut w = json!(["p", "q"]);
    assert_eq!(read(&w, field("wire", "/delay_ms")), "");
    write(&mut w, field("wire", "/delay_ms"), "5").unwrap();
    assert_eq!(w, json!({"from": "p", "to": "q", "delay_ms": 5}));
}

#[test]
fn variants_faults_and_toggles_switch_their_parameters() {
    let mut p = template("producer", "p");
    let rate = field("producer", "/arrivals/poisson/rate_per_s");
    assert!(!visible(&p, rate) && visible(&p, field("producer", "/arrivals/fixed/interval_ms")));
    write(&mut p, field("producer", "/arrivals"), "poisson").unwrap();
    assert_eq!(p["arrivals"], json!({"poisson": {"rate_per_s": 5}}));
    assert!(visible(&p, rate) && visible(&p, field("producer", "/count")));
    write(&mut p, rate, "8").unwrap();
    write(&mut p, field("producer", "/arrivals"), "poisson").unwrap();
    assert_eq!(read(&p, rate), "8", "choosing the chosen variant again keeps its parameters");
    let timeout = field("producer", "/publish/timeout_ms");
    assert!(!visible(&p, timeout));
    write(&mut p, field("producer", "/publish"), "true").unwrap();
    assert!(visible(&p, timeout) && read(&p, timeout) == "1000");
    write(&mut p, field("producer", "/publish"), "false").unwrap();
    assert!(p.get("publish").is_none());

    let mut c = template("consumer", "c");
    let poison = field("consumer", "/faults/@poison");
    let nth = field("consumer", "/faults/@poison/every_nth");
    assert_eq!((read(&c, poison).as_str(), visible(&c, nth)), ("false", false));
    write(&mut c, field("consumer", "/faults/@slow"), "true").unwrap();
    write(&mut c, poison, "true").unwrap();
    write(&mut c, poison, "true").unwrap();
    assert_eq!(c["faults"], json!([{"slow": {"factor": 2}}, {"poison": {"every_nth": 10}}]));
    assert!(visible(&c, nth) && read(&c, nth) == "10");
    write(&mut c, field("consumer", "/faults/@poison/key"), "order-7").unwrap();
    assert_eq!(c["faults"][1], json!({"poison": {"key": "order-7"}}));
    assert_eq!(read(&c, nth), "");
    write(&mut c, poison, "false").unwrap();
    write(&mut c, field("consumer", "/faults/@slow"), "").unwrap();
    assert!(c.get("faults").is_none());
}

#[test]
fn a_negative_prefetch_is_reported_at_the_prefetch_field() {
    let mut s = scenario("queue");
    let prefetch = field("queue", "/prefetch");
    write(&mut s["nodes"][1], prefetch, "-2").unwrap();
    let p = problems(&s);
    assert!(!p.is_empty());
    for problem in &p {
        let (target, f) = field_for_problem(&s, &problem.path).expect("a field for the problem");
        assert_eq!(target, Target::Node(1));
        assert!(std::ptr::eq(f, prefetch), "{} mapped to {}", problem.path, f.path);
    }
}

#[test]
fn problem_paths_map_to_fields() {
    let mut s = scenario("exchange");
    let c = node_index(&s, "c");
    s["nodes"][c]["faults"] = json!([{"slow": {"factor": 2}}, {"poison": {"every_nth": 0}}]);
    s["nodes"][0]["arrivals"] = json!({"burst": {"size": 10000, "every_ms": 1}});
    s["wires"][1] = json!({"from": "x", "to": "q", "binding_key": "k"});
    let at = |path: &str| field_for_problem(&s, path).map(|(t, f)| (t, f.path));
    assert_eq!(
        at(&format!("nodes[{c}].faults[1].poison.every_nth")),
        Some((Target::Node(c), "/faults/@poison/every_nth"))
    );
    assert_eq!(at(&format!("nodes[{c}].faults[0]")), Some((Target::Node(c), "/faults/@slow")));
    assert_eq!(at(&format!("nodes[{c}].retry.base_ms")), Some((Target::Node(c), "/retry/base_ms")));
    assert_eq!(at("nodes[0].arrivals.burst"), Some((Target::Node(0), "/arrivals")));
    assert_eq!(at("wires[1].binding_key"), Some((Target::Wire(1), "/binding_key")));
    for unmapped in ["wires[1].to", "wires[9].binding_key", "nodes[0].faults", "nodes[0].nonsense", "duration_ms", ""] {
        assert_eq!(at(unmapped), None, "{unmapped}");
    }
    // What the core itself reports for these settings maps back too.
    let reported = problems(&s);
    assert!(reported.len() >= 3, "{reported:?}");
    for problem in reported {
        assert!(field_for_problem(&s, &problem.path).is_some(), "{problem}");
    }
}

#[test]
fn templates_are_valid_once_wired() {
    for shape in ["queue", "topic", "exchange"] {
        assert!(problems(&scenario(shape)).is_empty(), "{shape}");
    }
    let p = template("producer", "checkout");
    assert_eq!((p["count"].as_i64(), p["keys"].as_str()), (Some(20), Some("order-1..order-5")));
    assert_eq!(template("dead_letter_queue", "d"), json!({"id": "d", "kind": "dead_letter_queue"}));
}

/// The names serde lists in "unknown field `x`, expected one of `a`, `b`", from the core's own reading of a probe; empty when the probe was accepted or
/// refused for another reason.
fn expected_names(problems: &[broker::Problem]) -> Vec<String> {
    let Some(text) = problems.iter().map(|p| p.message.as_str()).find(|m| m.contains("zzz_probe")) else {
        return Vec::new();
    };
    // "expected one of `a`, `b`", "expected `a` or `b`" or "expected `a`": the names in backticks.
    let Some((_, list)) = text.split_once("expected ") else { return Vec::new() };
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// What the core reads where `probe` (merged into a node of `kind`, or into a wire) puts an
/// unknown name: the names its reader accepts there, found by offering it one it does not know.
fn core_names(kind: &str, probe: Value) -> Vec<String> {
    let extend = |mut v: Value| {
        v.as_object_mut().unwrap().extend(probe.as_object().unwrap().clone());
        v
    };
    let text = if kind == "wire" {
        json!({"version": 1, "duration_ms": 1000, "nodes": [], "wires": [extend(json!({"from": "a", "to": "b"}))]})
    } else {
        json!({"version": 1, "duration_ms": 1000, "nodes": [extend(json!({"id": "n", "kind": kind}))]})
    };
    match broker::Scenario::from_json(&text.to_string()) {
        Ok(_) => Vec::new(),
        Err(p) => expected_names(&p),
    }
}

/// Settings the core reads that the inspector deliberately does not show as a field: who a
/// node is and where it sits are edited on the canvas, and a wire's ends by wiring.
/// An orchestrator's saga is listed by the inspector, step by step, and edited in the file; so
/// are a producer's deletes on a compacted topic (`tombstones`: a list of keys and times, rare
/// enough that the page's wasm does not carry an editor for it).
const NOT_IN_THE_INSPECTOR: &[(&str, &str)] = &[
    ("*", "id"),
    ("*", "kind"),
    ("*", "x"),
    ("*", "y"),
    ("wire", "from"),
    ("wire", "to"),
    ("consumer", "orchestrates"),
    ("producer", "tombstones"),
];

#[test]
fn every_setting_the_core_reads_has_a_field_in_the_catalogue() {
    let mut missing = Vec::new();
    let mut seen = 0;
    let mut need = |kind: &str, paths: &[&str], at: String, whole_ok: bool| {
        seen += 1;
        let covered = paths.iter().any(|p| *p == at || p.starts_with(&format!("{at}/")));
        if !covered && !whole_ok {
            missing.push(format!("{kind}: {at}"));
        }
    };
    for kind in ["producer", "exchange", "queue", "topic", "consumer", "dead_letter_queue", "wire"] {
        let paths: Vec<&str> = fields_for(kind).iter().map(|f| f.path).collect();
        let top = core_names(kind, json!({"zzz_probe": 1}));
        assert!(!top.is_empty(), "{kind}: the core's reader named no settings");
        for name in top {
            if NOT_IN_THE_INSPECTOR.iter().any(|(k, n)| (*k == "*" || *k == kind) && *n == name) {
                continue;
            }
            let at = format!("/{name}");
            need(kind, &paths, at.clone(), false);
            // A settings object: each of its own settings needs a field too, unless the whole
            // object is one field (a variant or a toggle whose parameters are set as a whole).
            let whole = paths.contains(&at.as_str());
            for sub in core_names(kind, json!({ name.as_str(): {"zzz_probe": 1} })) {
                need(kind, &paths, format!("{at}/{sub}"), whole);
            }
            // A list of settings objects (a service's rules): each of an entry's settings, in
            // the first slot.
            if name != "faults" {
                for sub in core_names(kind, json!({ name.as_str(): [{"zzz_probe": 1}] })) {
                    need(kind, &paths, format!("{at}/0/{sub}"), false);
                }
            }
            // Failure modes: each one the core knows is a switch, and each of its parameters a field.
            if name == "faults" {
                for fault in core_names(kind, json!({"faults": [{"zzz_probe": {}}]})) {
                    need(kind, &paths, format!("/faults/@{fault}"), false);
                    for param in core_names(kind, json!({"faults": [{ fault.as_str(): {"zzz_probe": 1} }]})) {
                        need(kind, &paths, format!("/faults/@{fault}/{param}"), false);
                    }
                }
            }
        }
    }
    assert!(seen > 60, "only {seen} settings seen: the probe no longer reads the core's field lists");
    assert_eq!(core_names("consumer", json!({"publishes": [{"zzz_probe": 1}]})).len(), 5, "a rule's settings probed");
    assert!(missing.is_empty(), "settings the core reads with no field in the inspector: {missing:?}");
}

#[test]
fn a_services_rules_are_fields_by_their_index() {
    let mut c = template("service", "pay");
    let (on, publish, give_up) = (
        field("consumer", "/publishes/0/on"),
        field("consumer", "/publishes/0/publish"),
        field("consumer", "/publishes/0/give_up"),
    );
    assert_eq!((read(&c, publish).as_str(), read(&c, on).as_str()), ("PaymentCaptured", ""));
    assert!(visible(&c, on) && visible(&c, field("consumer", "/publish_mode")));
    assert!(!visible(&c, field("consumer", "/publishes/1/on")), "rule 2 is shown once it exists");
    assert!(!visible(&c, field("consumer", "/publish/retries")), "confirms' settings only once they are on");
    write(&mut c, on, "OrderPlaced").unwrap();
    write(&mut c, give_up, "PaymentFailed, PaymentVoid").unwrap();
    assert_eq!(
        c["publishes"],
        json!([{"publish": ["PaymentCaptured"], "on": "OrderPlaced", "give_up": ["PaymentFailed", "PaymentVoid"]}])
    );
    assert_eq!(read(&c, give_up), "PaymentFailed, PaymentVoid");
    // Typing into a slot the service has no rule in yet makes a whole rule, which publishes.
    write(&mut c, field("consumer", "/publishes/1/on"), "StockFailed").unwrap();
    assert_eq!(c["publishes"][1], json!({"publish": ["PayDone"], "on": "StockFailed"}));
    assert!(visible(&c, field("consumer", "/publishes/1/effect")));
    // Clearing a slot it does not have creates nothing; a slot further on fills the gap.
    write(&mut c, field("consumer", "/publishes/2/on"), "").unwrap();
    assert_eq!(c["publishes"].as_array().unwrap().len(), 2);
    write(&mut c, field("consumer", "/publishes/3/effect"), "refund card").unwrap();
    assert_eq!(c["publishes"][2], json!({}));
    assert_eq!(c["publishes"][3], json!({"publish": ["PayDone"], "effect": "refund card"}));

    // A plain consumer shows none of a service's settings; a producer keeps its confirms.
    let plain = template("consumer", "c");
    assert!(!visible(&plain, on) && !visible(&plain, field("consumer", "/publish_mode")));
    assert!(!visible(&plain, field("consumer", "/publish")));
    assert!(visible(&template("producer", "p"), field("producer", "/publish")));
}

#[test]
fn a_rule_emptied_of_everything_stays_and_the_core_says_why_at_its_first_field() {
    let mut s = scenario("service");
    let c = node_index(&s, "c");
    write(&mut s["nodes"][c], field("consumer", "/publishes/0/publish"), "").unwrap();
    assert_eq!(s["nodes"][c]["publishes"], json!([{}]), "the rule stays while its fields are typed into");
    let p = problems(&s);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("publishes nothing"), "{}", p[0].message);
    assert_eq!(field_for_problem(&s, &p[0].path).map(|(t, f)| (t, f.path)), Some((Target::Node(c), "/publishes/0/on")));
}

#[test]
fn problems_with_rules_map_to_their_fields() {
    let mut s = scenario("service");
    let c = node_index(&s, "c");
    s["nodes"][c]["publishes"] = json!([{"publish": ["Ok", ""]}, {"give_up": "G"}, {"on": "A", "effect": ""}]);
    s["nodes"][c]["publish_mode"] = json!("transaction");
    let at = |path: &str| field_for_problem(&s, path).map(|(t, f)| (t, f.path));
    let node = Target::Node(c);
    assert_eq!(at(&format!("nodes[{c}].publishes[0].publish[1]")), Some((node, "/publishes/0/publish")));
    assert_eq!(at(&format!("nodes[{c}].publishes[1]")), Some((node, "/publishes/1/on")));
    assert_eq!(at(&format!("nodes[{c}].publishes[2].effect")), Some((node, "/publishes/2/effect")));
    assert_eq!(at(&format!("nodes[{c}].publish_mode")), Some((node, "/publish_mode")));
    assert_eq!(at(&format!("nodes[{c}].publishes[7]")), None);
    assert_eq!(at(&format!("nodes[{c}].publishes")), None);
    let reported = problems(&s);
    assert!(reported.len() >= 4, "{reported:?}");
    for problem in reported {
        assert!(field_for_problem(&s, &problem.path).is_some(), "{problem}");
    }
}
