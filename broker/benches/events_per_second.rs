//! Core events per second, with the trace recorded (kept in memory and hashed), as the app and
//! the command line run it, on three scenarios: a work queue, a topic read by a consumer
//! group, and an order flow through four services. Budget (issue 3): at least 3 million events per second on one core. Criterion prints
//! the throughput as `thrpt: ... Melem/s`, where an element is one trace event.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The work-queue scenario; the app's wasm speed probe runs the same file.
const WORK_QUEUE: &str = include_str!("work-queue-bench.json");

/// A producer publishing 400 keyed records a second for ten minutes to a topic of 8
/// partitions, read by one group of 4 consumers (range assignment, at-least-once, auto-commit
/// every 5 s), with transient errors retried with backoff, and one consumer that sometimes
/// crashes after the effect (so the group rebalances after its session timeout and re-reads
/// what it had not committed).
const TOPIC_GROUP: &str = r#"{
  "version": 1, "seed": 42, "duration_ms": 600000,
  "nodes": [
    {"id": "orders", "kind": "producer", "arrivals": {"poisson": {"rate_per_s": 400}}, "keys": "order-1..order-500"},
    {"id": "events", "kind": "topic", "partitions": 8, "retention_ms": 60000},
    {"id": "g1", "kind": "consumer", "group": "billing", "semantics": "at-least-once", "commit": "auto",
     "auto_offset_reset": "earliest", "processing": {"exponential": {"mean_ms": 6}}, "effect": "charge card",
     "retry": {"policy": "exponential", "base_ms": 10, "cap_ms": 200, "jitter": "full", "max_attempts": 4},
     "faults": [{"transient_errors": {"rate": 0.05}}]},
    {"id": "g2", "kind": "consumer", "group": "billing", "semantics": "at-least-once", "commit": "auto",
     "auto_offset_reset": "earliest", "processing": {"exponential": {"mean_ms": 6}}, "effect": "charge card",
     "retry": {"policy": "exponential", "base_ms": 10, "cap_ms": 200, "jitter": "full", "max_attempts": 4},
     "faults": [{"transient_errors": {"rate": 0.05}}]},
    {"id": "g3", "kind": "consumer", "group": "billing", "semantics": "at-least-once", "commit": "auto",
     "auto_offset_reset": "earliest", "processing": {"exponential": {"mean_ms": 6}}, "effect": "charge card",
     "retry": {"policy": "exponential", "base_ms": 10, "cap_ms": 200, "jitter": "full", "max_attempts": 4},
     "faults": [{"transient_errors": {"rate": 0.05}}]},
    {"id": "g4", "kind": "consumer", "group": "billing", "semantics": "at-least-once", "commit": "auto",
     "auto_offset_reset": "earliest", "processing": {"exponential": {"mean_ms": 6}}, "effect": "charge card",
     "session_timeout_ms": 10000,
     "retry": {"policy": "exponential", "base_ms": 10, "cap_ms": 200, "jitter": "full", "max_attempts": 4},
     "faults": [{"transient_errors": {"rate": 0.05}}, {"crash": {"probability": 0.0001, "point": "after_effect", "recover_after_ms": 2000}}]}
  ],
  "wires": [["orders", "events"], ["events", "g1"], ["events", "g2"], ["events", "g3"], ["events", "g4"]]
}"#;

/// An order flow through four services (payment, inventory, shipping, notify) over queues and a
/// topic, 400 orders a second for ten minutes, with transient errors retried at inventory and
/// shipping publishing through an outbox; the scenario names its flows, so the outcome
/// accounts for each one.
const SERVICE_FLOW: &str = r#"{
  "version": 1, "seed": 42, "duration_ms": 600000,
  "flows": {"completed": "OrderShipped", "compensated": "StockFailed"},
  "nodes": [
    {"id": "checkout", "kind": "producer", "arrivals": {"poisson": {"rate_per_s": 400}}, "keys": "order-1..order-500", "event_type": "OrderPlaced"},
    {"id": "orders", "kind": "queue", "prefetch": 10},
    {"id": "payment", "kind": "consumer", "concurrency": 4, "processing": {"exponential": {"mean_ms": 5}}, "effect": "charge card",
     "publishes": [{"publish": "PaymentCaptured"}]},
    {"id": "payments", "kind": "topic", "partitions": 4},
    {"id": "inventory", "kind": "consumer", "auto_offset_reset": "earliest", "processing": {"exponential": {"mean_ms": 1}}, "effect": "reserve stock",
     "retry": {"policy": "exponential", "base_ms": 10, "cap_ms": 200, "max_attempts": 4, "then": "drop"},
     "faults": [{"transient_errors": {"rate": 0.05}}],
     "publishes": [{"publish": "StockReserved", "give_up": "StockFailed"}]},
    {"id": "stock", "kind": "queue", "prefetch": 10},
    {"id": "shipping", "kind": "consumer", "concurrency": 4, "processing": {"exponential": {"mean_ms": 5}}, "effect": "ship order",
     "publish_mode": "outbox", "publishes": [{"publish": "OrderShipped"}]},
    {"id": "shipped", "kind": "queue", "prefetch": 10},
    {"id": "notify", "kind": "consumer", "concurrency": 4, "processing": {"fixed": {"ms": 2}}, "effect": "email customer"}
  ],
  "wires": [["checkout", "orders"], ["orders", "payment"], ["payment", "payments"], ["payments", "inventory"],
            ["inventory", "stock"], ["stock", "shipping"], ["shipping", "shipped"], ["shipped", "notify"]]
}"#;

fn run_once(scenario: &str) -> u64 {
    let mut sim = broker::load(scenario).expect("bench scenario is valid");
    sim.check_invariants = false;
    sim.run_to_end();
    let events = sim.events();
    assert_eq!(sim.pending_trace().len() as u64, events, "the trace is recorded");
    events
}

fn bench(c: &mut Criterion, name: &str, id: &str, scenario: &str) {
    let events = run_once(scenario);
    let start = std::time::Instant::now();
    run_once(scenario);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {events} events in {secs:.3} s = {:.2} million events/s (single run, trace recorded)",
        events as f64 / secs / 1e6
    );
    let mut g = c.benchmark_group("core");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function(id, |b| b.iter(|| run_once(scenario)));
    g.finish();
}

fn events_per_second(c: &mut Criterion) {
    bench(c, "work-queue", "work_queue_trace_recorded", WORK_QUEUE);
    bench(c, "topic-group", "topic_group_trace_recorded", TOPIC_GROUP);
    bench(c, "service-flow", "service_flow_trace_recorded", SERVICE_FLOW);
}

criterion_group!(benches, events_per_second);
criterion_main!(benches);
