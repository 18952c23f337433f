//! Fidelity: a Poisson producer into a FIFO queue served by c consumers with prefetch 1
//! reproduces the mean time in system that queueing theory predicts, within 3%, over a long
//! run:
//!
//! - M/M/1:  W = 1 / (mu - lambda)
//! - M/M/c:  W = C(c, a) / (c*mu - lambda) + 1/mu, with Erlang's C formula and a = lambda/mu
//! - M/D/1:  W = 1/mu + rho / (2 mu (1 - rho))   (Pollaczek-Khinchine with deterministic service)
//!
//! Time in system is measured from publish to the business effect (end of processing).

use crate::common;

use serde_json::json;

/// Mean time in system (ms) of a long run with `count` messages.
fn mean_time_in_system(rate_per_s: f64, consumers: usize, processing: serde_json::Value, count: u32, seed: u64) -> f64 {
    let mut nodes = vec![
        json!({"id": "p", "kind": "producer", "arrivals": {"poisson": {"rate_per_s": rate_per_s}}, "count": count}),
        json!({"id": "q", "kind": "queue", "prefetch": 1}),
    ];
    let mut wires = vec![json!(["p", "q"])];
    for i in 0..consumers {
        let id = format!("c{i}");
        nodes.push(json!({"id": id, "kind": "consumer", "processing": processing}));
        wires.push(json!(["q", id]));
    }
    let duration_ms = (count as f64 / rate_per_s * 1000.0 * 1.2) as u64 + 60_000;
    let s = json!({"version": 1, "seed": seed, "duration_ms": duration_ms, "nodes": nodes, "wires": wires}).to_string();
    let mut sim = common::load(&s);
    sim.set_keep_trace(false);
    sim.check_invariants = false; // long runs: the invariants are exercised by every other test
    sim.run_to_end();
    let o = sim.outcome();
    assert_eq!(o.processed_once, count as u64);
    o.latency_ms.mean
}

fn erlang_c(c: usize, a: f64) -> f64 {
    // Probability an arrival waits, with offered load a = lambda / mu (in servers).
    let rho = a / c as f64;
    let mut sum = 0.0;
    let mut term = 1.0; // a^k / k!
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let last = term * a / c as f64; // a^c / c!
    let top = last / (1.0 - rho);
    top / (sum + top)
}

fn within(measured: f64, expected: f64, what: &str) {
    let err = (measured - expected).abs() / expected;
    println!("{what}: measured {measured:.2} ms, theory {expected:.2} ms, error {:.2}%", err * 100.0);
    assert!(err < 0.03, "{what}: measured {measured:.2} ms, theory {expected:.2} ms ({:.2}% off)", err * 100.0);
}

#[test]
fn m_m_1() {
    let (lambda, mu) = (5.0, 10.0); // per second
    let w = mean_time_in_system(lambda, 1, json!({"exponential": {"mean_ms": 1000.0 / mu}}), 200_000, 1);
    within(w, 1000.0 / (mu - lambda), "M/M/1 rho=0.5");
}

#[test]
fn m_m_c_erlang_c() {
    let (lambda, mu, c) = (24.0, 10.0, 3); // rho = 0.8
    let a = lambda / mu;
    let expected = 1000.0 * (erlang_c(c, a) / (c as f64 * mu - lambda) + 1.0 / mu);
    let w = mean_time_in_system(lambda, c, json!({"exponential": {"mean_ms": 1000.0 / mu}}), 300_000, 2);
    within(w, expected, "M/M/3 rho=0.8");
}

#[test]
fn m_d_1() {
    let (lambda, mu) = (7.0, 10.0); // rho = 0.7
    let rho = lambda / mu;
    let expected = 1000.0 * (1.0 / mu + rho / (2.0 * mu * (1.0 - rho)));
    let w = mean_time_in_system(lambda, 1, json!({"fixed": {"ms": 1000.0 / mu}}), 200_000, 3);
    within(w, expected, "M/D/1 rho=0.7");
}

#[test]
fn erlang_c_matches_known_values() {
    // c = 1 reduces to rho; a textbook value for c = 2, a = 1: C = 1/3.
    assert!((erlang_c(1, 0.5) - 0.5).abs() < 1e-12);
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
}
