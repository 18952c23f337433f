//! Core events per second on a work-queue scenario, with the trace recorded (kept in memory and
//! hashed), as the app and the command line run it. Budget (issue 3): at least 3 million
//! events per second on one core. Criterion prints the throughput as `thrpt: ... Melem/s`,
//! where an element is one trace event.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const WORK_QUEUE: &str = r#"{
  "version": 1, "seed": 42, "duration_ms": 600000,
  "nodes": [
    {"id": "orders", "kind": "producer", "arrivals": {"poisson": {"rate_per_s": 400}}, "keys": "order-1..order-500"},
    {"id": "work", "kind": "queue", "prefetch": 10},
    {"id": "w1", "kind": "consumer", "concurrency": 2, "processing": {"exponential": {"mean_ms": 15}}, "effect": "pack order"},
    {"id": "w2", "kind": "consumer", "concurrency": 2, "processing": {"exponential": {"mean_ms": 15}}, "effect": "pack order"},
    {"id": "w3", "kind": "consumer", "concurrency": 2, "processing": {"exponential": {"mean_ms": 15}}, "effect": "pack order",
     "retry": {"policy": "exponential", "base_ms": 10, "cap_ms": 200, "jitter": "full", "max_attempts": 4},
     "faults": [{"transient_errors": {"rate": 0.05}}, {"crash": {"probability": 0.001, "point": "after_effect", "recover_after_ms": 50}}]}
  ],
  "wires": [["orders", "work"], ["work", "w1"], ["work", "w2"], ["work", "w3"]]
}"#;

fn run_once() -> u64 {
    let mut sim = broker::load(WORK_QUEUE).expect("bench scenario is valid");
    sim.check_invariants = false;
    sim.run_to_end();
    let events = sim.events();
    assert_eq!(sim.pending_trace().len() as u64, events, "the trace is recorded");
    events
}

fn events_per_second(c: &mut Criterion) {
    let events = run_once();
    let start = std::time::Instant::now();
    run_once();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "work-queue: {events} events in {secs:.3} s = {:.2} million events/s (single run, trace recorded)",
        events as f64 / secs / 1e6
    );
    let mut g = c.benchmark_group("core");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function("work_queue_trace_recorded", |b| b.iter(run_once));
    g.finish();
}

criterion_group!(benches, events_per_second);
criterion_main!(benches);
