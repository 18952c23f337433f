//! The `brokerlab` program, run as a course author's CI would run it: the JSON contract, the
//! trace lines, the overrides, and bad input of every kind (exit status 2, one line per
//! problem naming the field, never a panic).

use crate::common;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn brokerlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("runs")
}

/// Runs `brokerlab` with `stdin`, and fails if it has not finished within 30 seconds: a
/// program that reads without a cap never finishes on /dev/zero.
fn brokerlab_in_time(args: &[&str], stdin: Stdio) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brokerlab"))
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let start = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("brokerlab {args:?} still running after 30 s: it reads without a cap");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("has finished")
}

fn scenario_path(name: &str) -> String {
    common::scenarios_dir().join(format!("{name}.json")).to_string_lossy().into_owned()
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("brokerlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(text.as_bytes()).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn json_output_keeps_the_contract() {
    let out = brokerlab(&["run", &scenario_path("crash-at-least-once"), "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "published",
        "processed_once",
        "processed_more_than_once",
        "dead_lettered",
        "dropped",
        "lost",
        "in_flight",
        "duplicate_effects",
        "out_of_order",
        "retries",
        "latency_ms",
        "max_queue_depth",
        "max_consumer_lag",
        "events",
        "trace_hash",
        "messages",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in ["p50", "p95", "p99", "mean"] {
        assert!(v["latency_ms"][key].is_number(), "latency_ms.{key}");
    }
    let n = |k: &str| v[k].as_u64().unwrap();
    assert_eq!(
        n("published"),
        n("processed_once")
            + n("processed_more_than_once")
            + n("dead_lettered")
            + n("dropped")
            + n("lost")
            + n("in_flight")
    );
    let hash = v["trace_hash"].as_str().unwrap();
    assert_eq!(hash.len(), 16);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    let hashes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::trace_hashes_path()).unwrap()).unwrap();
    assert_eq!(hashes["crash-at-least-once"], hash);
    let m = &v["messages"][0];
    for key in ["id", "key", "fate", "reason", "deliveries", "effects"] {
        assert!(m.get(key).is_some(), "messages[0].{key}");
    }
    let fates = ["processed_once", "processed_more_than_once", "dead_lettered", "dropped", "lost", "in_flight"];
    assert!(v["messages"].as_array().unwrap().iter().all(|m| fates.contains(&m["fate"].as_str().unwrap())));
}

#[test]
fn trace_lines_carry_the_fields() {
    let out = brokerlab(&["run", &scenario_path("poison-with-dlq"), "--trace", "--json"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (summary, trace) = lines.split_last().unwrap();
    assert_eq!(summary["events"].as_u64().unwrap() as usize, trace.len());
    for (i, e) in trace.iter().enumerate() {
        assert_eq!(e["seq"].as_u64().unwrap() as usize, i);
        assert!(e["t_us"].is_u64() && e["event"].is_string() && e["node"].is_string());
    }
    assert!(trace.windows(2).all(|w| w[0]["t_us"].as_u64() <= w[1]["t_us"].as_u64()), "time never goes backwards");
    let dl = trace.iter().find(|e| e["event"] == "DeadLettered").unwrap();
    assert!(dl["msg"].is_string() && dl["reason"] == "delivery_limit" && dl["count"] == 1);
    let rq = trace.iter().find(|e| e["event"] == "Requeued").unwrap();
    assert!(rq["position"].is_u64() && rq["delivery_count"].is_u64() && rq["reason"] == "nack");
    let d = trace.iter().find(|e| e["event"] == "Delivered" && e["redelivered"] == true).unwrap();
    assert!(d["delivery_count"].as_u64().unwrap() > 1);
    // --trace without --json keeps stdout pure JSON lines (the table goes to stderr).
    let out = brokerlab(&["run", &scenario_path("fan-out"), "--trace"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    assert!(String::from_utf8(out.stderr).unwrap().contains("processed once"));
}

#[test]
fn seed_and_until_override_the_scenario() {
    let get = |args: &[&str]| -> serde_json::Value {
        let mut a = vec!["run", "--json"];
        a.extend_from_slice(args);
        serde_json::from_slice(&brokerlab(&a).stdout).unwrap()
    };
    let path = scenario_path("work-queue");
    let base = get(&[&path]);
    let other = get(&[&path, "--seed", "99"]);
    assert_ne!(base["trace_hash"], other["trace_hash"]);
    assert_eq!(other["seed"], 99);
    let short = get(&[&path, "--until-ms", "1000"]);
    assert_eq!(short["t_ms"], 1000.0);
    assert!(short["published"].as_u64() < base["published"].as_u64());
}

#[test]
fn the_table_is_for_people() {
    let out = brokerlab(&["run", &scenario_path("poison-with-dlq")]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Poison message with a DLQ"));
    assert!(text.contains("15 messages were dead-lettered"));
    assert!(text.contains("trace "));
}

fn bad(text: &str) -> (i32, Vec<String>) {
    let path = temp_file("bad.json", text);
    let out = brokerlab(&["run", &path]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), stderr.lines().map(str::to_string).collect())
}

#[test]
fn bad_input_exits_2_with_one_line_per_problem() {
    let (code, lines) = bad(r#"{"version":1,"duration_ms":1000,"nodes":[
        {"id":"p","kind":"producer","arrivals":{"poisson":{"rate_per_s":1e12}}},
        {"id":"q","kind":"queue","prefetch":-1},
        {"id":"c","kind":"consumer"}],
        "wires":[["p","q"],["q","ghost"],["c","p"]]}"#);
    assert_eq!(code, 2);
    assert!(lines.iter().any(|l| l.starts_with("nodes[0].arrivals.poisson.rate_per_s: must be at most")), "{lines:?}");
    assert!(lines.contains(&"nodes[1].prefetch: must be at least 1".to_string()), "{lines:?}");
    assert!(lines.contains(&"wires[1].to: no node has the id \"ghost\"".to_string()), "{lines:?}");
    assert!(lines.contains(&"wires[2]: a consumer cannot publish to a producer".to_string()), "{lines:?}");
    assert!(lines.last().unwrap().ends_with("4 problems"));

    let (code, lines) = bad("{\"version\": 1, \"nodes\": [");
    assert_eq!(code, 2);
    assert!(lines[0].starts_with("not valid JSON"));

    let (code, lines) = bad(r#"{"version":1,"duration_ms":1000,"nodes":[{"id":"q","kind":"queue","prefetchh":3}]}"#);
    assert_eq!(code, 2);
    assert!(lines[0].starts_with("nodes[0].prefetchh: unknown field `prefetchh`"), "{lines:?}");

    let (code, _) = bad("[1, 2, 3]");
    assert_eq!(code, 2);
    let (code, _) = bad("");
    assert_eq!(code, 2);
    let (code, lines) = bad(&"x".repeat(3 * 1024 * 1024));
    assert_eq!(code, 2);
    assert!(lines[0].contains("the most Brokerlab reads"));
    let (code, lines) = bad(r#"{"version":2,"duration_ms":1000,"nodes":[]}"#);
    assert_eq!(code, 2);
    assert!(lines[0].contains("newer Brokerlab"));

    let out = brokerlab(&["run", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = brokerlab(&["run", &scenario_path("fan-out"), "--until-ms", "-5"]);
    assert_eq!(out.status.code(), Some(2));
    let out = brokerlab(&["run", &scenario_path("fan-out"), "--until-ms", "999999999999"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_reports_ok_for_every_scenario() {
    for (name, _) in common::scenarios() {
        let out = brokerlab(&["check", &scenario_path(&name)]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn partition_prints_where_kafka_puts_the_key() {
    // murmur2("order-1") is 1221710326 in Kafka's Utils.murmur2; 1221710326 % 12 = 10.
    let out = brokerlab(&["partition", "order-1", "--partitions", "12"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "10\n");
    // A negative hash (order-2) has its sign bit cleared first, as Kafka's toPositive does.
    let out = brokerlab(&["partition", "order-2", "--partitions=6"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "3\n");
    let out = brokerlab(&["partition", "日本", "--partitions", "10000"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "2627\n");

    for bad in ["0", "-3", "10001", "abc", "", "2.5", "99999999999"] {
        let out = brokerlab(&["partition", "order-1", "--partitions", bad]);
        assert_eq!(out.status.code(), Some(2), "--partitions {bad:?}");
        assert!(out.stdout.is_empty(), "--partitions {bad:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "--partitions {bad:?}: {stderr}");
        assert!(stderr.starts_with("--partitions: must be a whole number from 1 to 10000"), "{stderr}");
    }
    let out = brokerlab(&["partition", "order-1"]);
    assert_eq!(out.status.code(), Some(2), "--partitions is required");
}

#[test]
fn link_prints_a_fragment_that_opens_to_the_same_scenario() {
    let path = scenario_path("poison-with-dlq");
    let out = brokerlab(&["link", &path, "--preset", "poison-with-dlq"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let fragment = text.trim();
    assert!(fragment.starts_with("#2."), "{fragment}");
    let shared = broker::link::decode(fragment).unwrap();
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(shared.scenario, file);
    assert_eq!(shared.preset.as_deref(), Some("poison-with-dlq"));
    // A file with problems gets no link.
    let bad = temp_file("bad-link.json", r#"{"version": 1, "duration_ms": -5, "nodes": []}"#);
    let out = brokerlab(&["link", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    // A valid scenario whose link would be refused when opened gets no link either: 300 KB of
    // narration that does not compress.
    let mut x: u64 = 7;
    let noise: String = (0..300_000)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(b'a' + (x >> 59) as u8 % 26)
        })
        .collect();
    let big = serde_json::json!({"version": 1, "duration_ms": 1000, "nodes": [], "description": noise});
    let big = temp_file("too-big-for-a-link.json", &big.to_string());
    assert!(brokerlab(&["check", &big]).status.success(), "the scenario itself is fine");
    let out = brokerlab(&["link", &big]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no link made: The link is too long"), "{stderr}");
}

#[test]
fn unpack_turns_a_link_back_into_the_scenario_file() {
    let path = scenario_path("crash-at-least-once");
    let out = brokerlab(&["link", &path]);
    let fragment = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // The fragment, a whole address, or standard input.
    for arg in [fragment.clone(), format!("https://example.org/course/brokerlab/?embed=1{fragment}")] {
        let out = brokerlab(&["unpack", &arg]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let back: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(back, file);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_brokerlab"))
        .args(["unpack", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{fragment}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(), file);
    // The unpacked file runs to the same trace hash as the original.
    let unpacked = temp_file("unpacked.json", &String::from_utf8(out.stdout).unwrap());
    let hash = |p: &str| {
        let out = brokerlab(&["run", p, "--json"]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["trace_hash"].clone()
    };
    assert_eq!(hash(&unpacked), hash(&path));

    // A scenario written before scenarios had a version comes out migrated.
    let mut old = file.clone();
    old.as_object_mut().unwrap().remove("version");
    let link = broker::link::encode(&old, None);
    let out = brokerlab(&["unpack", &link]);
    assert!(out.status.success());
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["version"], 1);

    // A damaged link: one line saying why, nothing on stdout.
    let out = brokerlab(&["unpack", &fragment[..40]]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"));
    // A scenario with problems is printed, so it can be mended, and its problems are named.
    let bad = broker::link::encode(&serde_json::json!({"version": 1, "duration_ms": -5, "nodes": []}), None);
    let out = brokerlab(&["unpack", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("duration_ms"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_broken_guarantee_is_reported_in_json_and_in_words() {
    // The dual-write lesson: the producer crashes between its business write and its publish,
    // and the at-least-once consumer's promise (nothing lost) is broken end to end.
    let out = brokerlab(&["run", &scenario_path("dual-write"), "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let broken = v["broken_guarantees"].as_array().unwrap();
    assert_eq!(broken.len() as u64, v["lost"].as_u64().unwrap(), "every loss breaks the promise");
    assert!(!broken.is_empty());
    for b in broken {
        assert_eq!(b["property"], "no_loss");
        assert_eq!(b["semantics"], "at-least-once");
        assert_eq!(b["end_to_end"], true);
        assert_eq!(b["reason"], "producer_crashed_before_publish");
        assert!(b["count"].is_null());
        assert!(b["node"].is_string() && b["message"].is_string() && b["t_us"].is_u64());
        let words = b["words"].as_str().unwrap();
        assert!(words.contains(" was lost at ") && words.contains("under at-least-once"), "{words}");
    }
    // The same run in the table, in words.
    let out = brokerlab(&["run", &scenario_path("dual-write")]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("Broken guarantees: {}", broken.len())), "{text}");
    assert!(text.contains(broken[0]["words"].as_str().unwrap()), "{text}");
    // With --trace the guarantees are the same, and the trace lines do not change.
    let out = brokerlab(&["run", &scenario_path("dual-write"), "--trace", "--json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let summary: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(summary["broken_guarantees"], v["broken_guarantees"]);
    assert_eq!(summary["trace_hash"], v["trace_hash"]);
}

#[test]
fn a_promise_kept_reports_no_broken_guarantee() {
    // At-most-once loses messages to a crash: allowed, so nothing is broken.
    for name in ["crash-at-most-once", "crash-at-least-once", "crash-exactly-once"] {
        let out = brokerlab(&["run", &scenario_path(name), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["broken_guarantees"], serde_json::json!([]), "{name}");
    }
    let out = brokerlab(&["run", &scenario_path("crash-at-most-once")]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Broken guarantees: none"), "{text}");
}

#[test]
fn files_are_read_up_to_the_cap_and_no_further() {
    let dir = std::env::temp_dir().join(format!("brokerlab-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.json");
    std::fs::write(&big, " ".repeat(3_000_000)).unwrap();
    let big = big.to_string_lossy().into_owned();
    let mut sources = vec![big.clone()];
    if std::path::Path::new("/dev/zero").exists() {
        sources.push("/dev/zero".to_string());
    }
    for source in &sources {
        for cmd in ["check", "run", "link"] {
            let out = brokerlab_in_time(&[cmd, source], Stdio::null());
            assert_eq!(out.status.code(), Some(2), "{cmd} {source}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(
                stderr,
                format!("{source}: the file is larger than 2 MiB; the most Brokerlab reads is 2097152 bytes\n"),
                "{cmd} {source}"
            );
            assert!(out.stdout.is_empty(), "{cmd} {source}");
        }
    }
    // A file of exactly the cap is read whole, and then judged as a scenario.
    let full = dir.join("full.json");
    std::fs::write(&full, " ".repeat(2 * 1024 * 1024)).unwrap();
    let out = brokerlab_in_time(&["check", &full.to_string_lossy()], Stdio::null());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("not valid JSON"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn standard_input_is_read_up_to_a_cap_too() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let out = brokerlab_in_time(&["unpack", "-"], Stdio::from(zero));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("standard input: more than 262144 bytes; a link is at most 65536 characters"),
        "{stderr}"
    );
}

#[test]
fn a_forged_newline_prints_one_line_per_problem() {
    let path = temp_file(
        "forged.json",
        r#"{"version":1,"duration_ms":2000,"nodes":[{"id":"q","kind":"queue","x\ny: forged":1}]}"#,
    );
    let out = brokerlab(&["check", &path]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.chars().any(|c| c.is_control() && c != '\n'), "{stderr:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one problem and the count: {lines:?}");
    assert!(lines[0].starts_with(r#"nodes[0]["x\ny: forged"]: unknown field `x\ny: forged`"#), "{lines:?}");
    assert_eq!(lines[1], format!("{path}: 1 problem"));
}

#[test]
fn nothing_raw_from_the_file_reaches_the_terminal() {
    let path = temp_file(
        "escape.json",
        r#"{"version":1,"title":"\u001b[2JPoison","duration_ms":1000,"nodes":[{"id":"p","kind":"producer","count":1,"event_type":"A\u0007"}]}"#,
    );
    for cmd in ["run", "check", "link"] {
        let out = brokerlab(&[cmd, &path]);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(!(stdout.clone() + &stderr).chars().any(|c| c.is_control() && c != '\n'), "{cmd}: {stderr:?}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines,
            [
                r"title: must not contain control characters (found \u{1b})",
                r"nodes[0].event_type: must not contain control characters (found \u{7})",
                &format!("{path}: 2 problems"),
            ],
            "{cmd}"
        );
    }
}

/// `brokerlab test`: every shipped lesson keeps its promises; a failed expectation exits 1
/// and says what the run had; a scenario that cannot run exits 2; seeds and JUnit XML.
#[test]
fn test_runs_scenarios_and_checks_their_expectations() {
    let dir = common::scenarios_dir().to_string_lossy().into_owned();
    let out = brokerlab(&["test", &dir]);
    let tap = String::from_utf8(out.stdout).unwrap();
    let summary = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{tap}{summary}");
    assert!(tap.starts_with("TAP version 13\n1.."), "{tap}");
    assert!(!tap.contains("not ok"), "{tap}");
    let lessons = common::scenarios().len();
    assert!(summary.starts_with(&format!("{lessons} scenario runs, ")), "{summary}");
    assert!(summary.ends_with(" 0 failed.\n"), "{summary}");

    // A promise the run does not keep, over three seeds, as JUnit XML.
    let mut v: serde_json::Value = serde_json::from_str(&common::scenario("crash-at-most-once")).unwrap();
    v["expect"] = serde_json::json!([{"measure": "lost", "equals": 0}, {"guarantees": "hold"}, {"measure": "published", "at_least": 1}]);
    let file = temp_file("expect-fails.json", &v.to_string());
    let out = brokerlab(&["test", &file, "--seeds", "1..3", "--format", "junit"]);
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{xml}");
    assert_eq!(xml.matches("<testsuite ").count(), 3, "{xml}");
    assert!(xml.contains("(seed 2)\" tests=\"3\""), "{xml}");
    assert!(xml.contains("name=\"lost is 0\">\n      <failure message=\"it is "), "{xml}");
    assert!(xml.contains("<testcase classname=") && xml.contains("name=\"published is at least 1\"/>"), "{xml}");

    // Bad input: a damaged expectation, a missing file, bad flags.
    v["expect"] = serde_json::json!([{"measure": "lost", "equals": -1}]);
    let file = temp_file("expect-damaged.json", &v.to_string());
    let out = brokerlab(&["test", &file, "no-such-file.json"]);
    let tap = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2), "{tap}");
    let checked = brokerlab(&["check", &file]);
    assert_eq!(checked.status.code(), Some(2));
    assert!(String::from_utf8(checked.stderr).unwrap().contains("expect[0].equals"));
    assert!(tap.contains("not ok 1 - ") && tap.contains("expect[0].equals"), "{tap}");
    assert!(tap.contains("no-such-file.json: can be run\n  ---\n  message: |\n    cannot read: "), "{tap}");
    for flags in [&["--seeds", "5..1"][..], &["--seeds", "x"], &["--seeds", "1..5000"], &["--format", "xml"]] {
        let mut args = vec!["test", &dir];
        args.extend_from_slice(flags);
        let out = brokerlab(&args);
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(String::from_utf8(out.stderr).unwrap().contains(flags[0]), "{flags:?}");
    }
}

/// `brokerlab asyncapi export`: an AsyncAPI 3.0 document, as JSON or YAML; bad input exits 2.
#[test]
fn asyncapi_export_writes_the_scenario_as_a_document() {
    let out = brokerlab(&["asyncapi", "export", &scenario_path("order-orchestration")]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["asyncapi"], "3.0.0");
    assert!(doc["operations"].as_object().unwrap().values().all(|o| o["action"] == "send" || o["action"] == "receive"));
    let yaml = brokerlab(&["asyncapi", "export", &scenario_path("order-orchestration"), "--yaml"]);
    assert_eq!(yaml.status.code(), Some(0));
    assert!(String::from_utf8(yaml.stdout).unwrap().starts_with("asyncapi: \"3.0.0\"\n"));
    let bad = temp_file("asyncapi-bad.json", r#"{"version":1,"duration_ms":-5,"nodes":[]}"#);
    let out = brokerlab(&["asyncapi", "export", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("duration_ms"));
}
