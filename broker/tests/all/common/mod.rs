//! Helpers shared by the core's integration tests: loading the scenarios in `scenarios/`, and
//! building small scenarios inline.

#![allow(dead_code)]

pub mod any_json;
pub mod random_scenario;

use std::path::PathBuf;

use broker::{Outcome, Simulation};

pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("scenarios")
}

/// The golden trace hash of every lesson (a fixture beside the golden traces; the app's wasm
/// determinism test reads it too).
pub fn trace_hashes_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden").join("trace-hashes.json")
}

/// Every scenario file, as (name without `.json`, text), sorted by name.
pub fn scenarios() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(scenarios_dir())
        .expect("scenarios/ exists")
        .filter_map(|e| {
            let p = e.ok()?.path();
            if p.extension()? != "json" {
                return None;
            }
            let name = p.file_stem()?.to_str()?.to_string();
            Some((name, std::fs::read_to_string(&p).ok()?))
        })
        .collect();
    v.sort();
    v
}

pub fn scenario(name: &str) -> String {
    std::fs::read_to_string(scenarios_dir().join(format!("{name}.json"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn load(json: &str) -> Simulation {
    broker::load(json).unwrap_or_else(|p| panic!("scenario does not load: {p:?}"))
}

pub fn run(json: &str) -> (Simulation, Outcome) {
    let mut sim = load(json);
    sim.run_to_end();
    let o = sim.outcome();
    (sim, o)
}

pub fn run_named(name: &str) -> Outcome {
    run(&scenario(name)).1
}

/// Every trace line of a run, as JSON objects.
pub fn trace_of(json: &str) -> Vec<serde_json::Value> {
    let mut sim = load(json);
    sim.run_to_end();
    let entries = sim.drain_trace();
    entries.iter().map(|e| e.to_json(&sim)).collect()
}

/// The seven fate counts always sum to the published count.
pub fn assert_conserved(o: &Outcome) {
    let sum = o.processed_once + o.processed_more_than_once + o.dead_lettered + o.dropped + o.lost + o.in_flight;
    assert_eq!(sum, o.published, "conservation: {o:#?}");
}

/// A scenario from a list of nodes and wires (JSON), with defaults for the rest.
pub fn scenario_json(
    duration_ms: u64,
    nodes: serde_json::Value,
    wires: serde_json::Value,
    actions: serde_json::Value,
) -> String {
    serde_json::json!({
        "version": 1, "seed": 1, "duration_ms": duration_ms,
        "nodes": nodes, "wires": wires, "actions": actions,
    })
    .to_string()
}

/// Trace events named `event`.
pub fn events<'a>(trace: &'a [serde_json::Value], event: &str) -> Vec<&'a serde_json::Value> {
    trace.iter().filter(|e| e["event"] == event).collect()
}
