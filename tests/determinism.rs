//! Determinism across targets: every preset, run in wasm32 with its own seed, must give the
//! trace hash recorded natively in `broker/tests/golden/trace-hashes.json` (written by the broker
//! crate's native tests). Runs in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown --test determinism`.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use brokerlab_app::model::presets::PRESETS;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RECORDED: &str = include_str!("../broker/tests/golden/trace-hashes.json");

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
        let got = broker::hash_hex(sim.trace_hash());
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

const CROSS_TARGET: &str = include_str!("../broker/tests/golden/cross-target.json");

/// Sixty random scenarios covering every setting and fault, with hashes recorded natively by
/// `broker/tests/golden.rs`: the same hash in wasm32 means the same run, draw for draw.
#[wasm_bindgen_test]
fn random_scenarios_give_the_native_trace_hash_in_wasm() {
    let cases: Vec<serde_json::Value> = serde_json::from_str(CROSS_TARGET).expect("cross-target.json is a list");
    assert_eq!(cases.len(), 60);
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let text = c["scenario"].to_string();
        let mut sim = broker::load(&text).unwrap_or_else(|e| panic!("case {i} does not load: {e:?}"));
        sim.set_keep_trace(false);
        sim.set_event_budget(400_000);
        sim.run_to_end();
        let got = broker::hash_hex(sim.trace_hash());
        if got != c["trace_hash"].as_str().unwrap_or("") {
            failures.push(format!("case {i}: wasm32 {got} != native {}", c["trace_hash"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The player's seeks restore cloned checkpoints and replay from them: in wasm too, a lesson
/// scouted, then seeked back and forth and played to the end, gives the recorded hash.
#[wasm_bindgen_test]
fn seeking_through_checkpoints_gives_the_native_trace_hash_in_wasm() {
    let recorded: BTreeMap<String, String> = serde_json::from_str(RECORDED).unwrap();
    for p in PRESETS {
        let doc = brokerlab_app::model::doc::normalise(serde_json::from_str(p.json).unwrap());
        let mut player = brokerlab_app::play::player::Player::new(brokerlab_app::model::doc::check(&doc).unwrap());
        while player.scout(50_000) {}
        let end = player.end_us();
        for t in [end / 2, end / 5, end - 1, end / 3] {
            player.seek(t);
            assert_eq!(player.now_us(), t, "{}", p.slug);
        }
        player.advance_to(end);
        let got = broker::hash_hex(player.sim().trace_hash());
        assert_eq!(Some(&got), recorded.get(p.slug), "{}: a seek through checkpoints changed the run", p.slug);
    }
}
