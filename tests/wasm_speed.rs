//! Core events per second in wasm32, in headless Chromium: the same work-queue scenario as the
//! native criterion benchmark (`broker/benches/work-queue-bench.json`), with the trace
//! recorded. It prints a figure and asserts nothing about speed; it checks only that the run
//! did its work. `scripts/test-all` shows the line.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const WORK_QUEUE: &str = include_str!("../broker/benches/work-queue-bench.json");

#[wasm_bindgen_test]
fn core_events_per_second_in_wasm() {
    let perf = web_sys::window().and_then(|w| w.performance()).expect("performance.now is available");
    let mut best = f64::INFINITY;
    let mut events = 0;
    for _ in 0..3 {
        let mut sim = broker::load(WORK_QUEUE).expect("the benchmark scenario loads");
        sim.check_invariants = false;
        let start = perf.now();
        sim.run_to_end();
        best = best.min(perf.now() - start);
        events = sim.events();
        assert_eq!(sim.pending_trace().len() as u64, events, "the trace is recorded");
    }
    assert!(events > 1_000_000);
    let line = format!(
        "wasm32: {events} events in {:.0} ms = {:.2} million events/s (best of 3, trace recorded)",
        best,
        events as f64 / best / 1000.0
    );
    web_sys::console::log_1(&line.into());
}
