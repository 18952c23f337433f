//! Determinism across targets: every preset, run in wasm32 with its own seed, must give the
//! trace hash recorded natively in `scenarios/trace-hashes.json` (written by the broker
//! crate's native tests). Runs in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown --test determinism`.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use brokerlab_app::presets::PRESETS;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RECORDED: &str = include_str!("../scenarios/trace-hashes.json");

#[wasm_bindgen_test]
fn every_preset_gives_the_native_trace_hash_in_wasm() {
    let recorded: BTreeMap<String, String> = serde_json::from_str(RECORDED)
        .expect("scenarios/trace-hashes.json is a JSON object of preset name to 16-hex trace hash");
    let mut failures = Vec::new();
    for p in PRESETS {
        let Some(expected) = recorded.get(p.slug) else {
            failures.push(format!(
                "{}: no entry in scenarios/trace-hashes.json; regenerate it natively with the broker crate's tests",
                p.slug
            ));
            continue;
        };
        let mut sim = broker::load(p.json).unwrap_or_else(|e| panic!("{} does not load: {e:?}", p.slug));
        let seed = sim.model().seed;
        sim.set_keep_trace(false);
        sim.run_to_end();
        let got = broker::trace::hash_hex(sim.trace_hash());
        assert_eq!(got, sim.outcome().trace_hash, "{}: outcome and simulation disagree on the hash", p.slug);
        if &got != expected {
            failures.push(format!(
                "{}: wasm32 trace hash {got} != native {expected} (seed {seed}); reproduce with `brokerlab run scenarios/{}.json --seed {seed} --json`",
                p.slug, p.slug
            ));
        }
    }
    assert!(failures.is_empty(), "determinism across targets failed:\n{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn the_app_runner_gives_the_same_hash_as_a_plain_run() {
    // The shell re-seeds through Simulation::with_seed; with the scenario's own seed that
    // must be the very same run.
    for p in PRESETS {
        let sim = broker::load(p.json).expect("loads");
        let seed = sim.model().seed;
        let outcome = brokerlab_app::runner::run(p.json, seed).expect("runs");
        let mut plain = sim;
        plain.set_keep_trace(false);
        plain.run_to_end();
        assert_eq!(outcome.trace_hash, broker::trace::hash_hex(plain.trace_hash()), "{}", p.slug);
    }
}
