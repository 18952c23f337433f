//! Golden traces: every scenario in `scenarios/` runs with its own seed and its whole trace is
//! compared, line by line, with `broker/tests/golden/NAME.jsonl`. The trace hashes are also
//! recorded in `broker/tests/golden/trace-hashes.json`, which the wasm test in the app checks, so the
//! same scenario is proven to give the same trace natively and in wasm32.
//!
//! After an intended change: `BROKERLAB_BLESS=1 cargo test -p broker --test golden`, then read
//! the diff of the golden files before committing them.

use crate::common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use broker::hash_hex;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden")
}

fn bless() -> bool {
    std::env::var_os("BROKERLAB_BLESS").is_some()
}

#[test]
fn every_scenario_matches_its_golden_trace() {
    let mut hashes = BTreeMap::new();
    let mut failures = Vec::new();
    for (name, json) in common::scenarios() {
        let mut sim = common::load(&json);
        sim.run_to_end();
        let entries = sim.drain_trace();
        let text: String = entries.iter().map(|e| format!("{}\n", sim.trace_line(e))).collect();
        let hash = hash_hex(sim.trace_hash());
        hashes.insert(name.clone(), hash.clone());
        let path = golden_dir().join(format!("{name}.jsonl"));
        if bless() {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let Ok(want) = std::fs::read_to_string(&path) else {
            failures.push(format!("{name}: no golden trace at {}; run with BROKERLAB_BLESS=1", path.display()));
            continue;
        };
        if want != text {
            let (i, (w, g)) = want
                .lines()
                .zip(text.lines())
                .enumerate()
                .find(|(_, (w, g))| w != g)
                .unwrap_or((want.lines().count().min(text.lines().count()), ("(end)", "(end)")));
            failures.push(format!(
                "{name} (seed {}): trace differs at line {}:\n  golden: {w}\n  now:    {g}\n  ({} golden lines, {} now)",
                sim.rng_seed(),
                i + 1,
                want.lines().count(),
                text.lines().count()
            ));
        }
    }
    let hashes_path = common::trace_hashes_path();
    let hashes_json = serde_json::to_string_pretty(&hashes).unwrap() + "\n";
    if bless() {
        std::fs::write(&hashes_path, &hashes_json).unwrap();
    } else {
        let recorded = std::fs::read_to_string(&hashes_path).unwrap_or_default();
        if recorded != hashes_json {
            failures.push(format!("{} is out of date; run with BROKERLAB_BLESS=1", hashes_path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_run_is_the_same_every_time() {
    for (name, json) in common::scenarios() {
        let (a, _) = common::run(&json);
        let (b, _) = common::run(&json);
        assert_eq!(a.trace_hash(), b.trace_hash(), "{name} is not deterministic (seed {})", a.rng_seed());
    }
}

#[test]
fn another_seed_gives_another_run() {
    let json = common::scenario("work-queue");
    let sim = common::load(&json);
    let mut a = broker::Simulation::with_seed(sim.model().clone(), 1);
    let mut b = broker::Simulation::with_seed(sim.model().clone(), 2);
    a.run_to_end();
    b.run_to_end();
    assert_ne!(a.trace_hash(), b.trace_hash());
}

#[test]
fn stepping_and_advancing_give_the_same_trace() {
    // The app seeks by replaying in chunks and steps one event at a time: neither may change
    // what happens.
    let json = common::scenario("crash-at-least-once");
    let (whole, _) = common::run(&json);
    let mut chunked = common::load(&json);
    let mut t = 0;
    while !chunked.is_finished() {
        t += 37_123;
        chunked.advance_to(broker::SimTime(t));
    }
    assert_eq!(whole.trace_hash(), chunked.trace_hash());
    let mut stepped = common::load(&json);
    while stepped.step() {}
    assert_eq!(whole.trace_hash(), stepped.trace_hash());
}

/// Random scenarios (every setting and fault, drawn by proptest from a fixed seed) with their
/// native trace hashes, in `broker/tests/golden/cross-target.json`. The app's wasm test runs
/// the same file in Chromium, so determinism across targets is checked well beyond the lessons.
#[test]
fn random_scenarios_match_their_recorded_hashes() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;

    let path = golden_dir().join("cross-target.json");
    let run = |text: &str| -> String {
        let mut sim = common::load(text);
        sim.set_keep_trace(false);
        sim.set_event_budget(400_000);
        sim.run_to_end();
        hash_hex(sim.trace_hash())
    };
    if bless() {
        let mut runner = TestRunner::deterministic();
        let mut cases = Vec::new();
        for i in 0..60 {
            let semantics = ["at-most-once", "at-least-once", "exactly-once"][i % 3];
            let text = common::random_scenario::scenario(semantics, true).new_tree(&mut runner).unwrap().current();
            let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
            cases.push(serde_json::json!({"scenario": scenario, "trace_hash": run(&text)}));
        }
        std::fs::write(&path, serde_json::to_string_pretty(&cases).unwrap() + "\n").unwrap();
        return;
    }
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("cross-target.json; run with BROKERLAB_BLESS=1"))
            .unwrap();
    assert_eq!(cases.len(), 60);
    for (i, c) in cases.iter().enumerate() {
        let text = c["scenario"].to_string();
        assert_eq!(run(&text), c["trace_hash"].as_str().unwrap(), "cross-target case {i} changed:\n{text}");
    }
}
