//! Core events per second on a work-queue scenario, with the trace recorded (kept in memory and
//! hashed), as the app and the command line run it. Budget (issue 3): at least 3 million
//! events per second on one core. Criterion prints the throughput as `thrpt: ... Melem/s`,
//! where an element is one trace event.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The benchmark scenario; the app's wasm speed probe runs the same file.
const WORK_QUEUE: &str = include_str!("work-queue-bench.json");

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
