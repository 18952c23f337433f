//! Retry backoff. The formulas are those of the AWS Architecture Blog post "Exponential
//! Backoff And Jitter" (Marc Brooker, 2015):
//!
//! ```text
//! no jitter:     sleep = min(cap, base * 2^n)
//! full:          sleep = random_between(0, min(cap, base * 2^n))
//! equal:         temp = min(cap, base * 2^n); sleep = temp/2 + random_between(0, temp/2)
//! decorrelated:  sleep = min(cap, random_between(base, previous_sleep * 3)), starting at base
//! ```
//!
//! `n` counts retries from 0: the first retry waits `base`, the second `2 * base`, ...

use crate::model::RetryModel;
use crate::scenario::{Jitter, RetryPolicy};
use crate::sim::rng::SimRng;

/// The wait before retry number `retry` (1 for the first retry), in milliseconds.
/// `previous_ms` is the previous wait (decorrelated jitter grows from it); pass `base_ms` for
/// the first retry.
pub fn backoff_ms(policy: &RetryModel, retry: u32, previous_ms: f64, rng: &mut SimRng) -> f64 {
    let base = policy.base_ms;
    let cap = policy.cap_ms;
    match policy.policy {
        RetryPolicy::None | RetryPolicy::Immediate => 0.0,
        RetryPolicy::Fixed => base,
        RetryPolicy::Exponential => {
            let n = retry.saturating_sub(1).min(62);
            let exp = (base * libm::pow(2.0, n as f64)).min(cap);
            match policy.jitter {
                Jitter::None => exp,
                Jitter::Full => rng.uniform(0.0, exp),
                Jitter::Equal => exp / 2.0 + rng.uniform(0.0, exp / 2.0),
                Jitter::Decorrelated => {
                    let prev = if retry <= 1 { base } else { previous_ms.max(base) };
                    rng.uniform(base, prev * 3.0).min(cap)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::GiveUp;

    fn policy(jitter: Jitter) -> RetryModel {
        RetryModel {
            policy: RetryPolicy::Exponential,
            base_ms: 100.0,
            cap_ms: 1_000.0,
            jitter,
            max_attempts: 10,
            then: GiveUp::Requeue,
        }
    }

    #[test]
    fn exponential_without_jitter_doubles_up_to_the_cap() {
        let mut rng = SimRng::new(1);
        let p = policy(Jitter::None);
        let waits: Vec<f64> = (1..=6).map(|n| backoff_ms(&p, n, 0.0, &mut rng)).collect();
        assert_eq!(waits, [100.0, 200.0, 400.0, 800.0, 1000.0, 1000.0]);
    }

    #[test]
    fn full_jitter_stays_under_the_exponential_curve() {
        let mut rng = SimRng::new(2);
        let p = policy(Jitter::Full);
        for n in 1..10 {
            let w = backoff_ms(&p, n, 0.0, &mut rng);
            assert!(w >= 0.0 && w <= (100.0 * 2f64.powi(n as i32 - 1)).min(1000.0));
        }
    }

    #[test]
    fn equal_jitter_keeps_half() {
        let mut rng = SimRng::new(3);
        let p = policy(Jitter::Equal);
        for n in 1..10 {
            let exp = (100.0 * 2f64.powi(n as i32 - 1)).min(1000.0);
            let w = backoff_ms(&p, n, 0.0, &mut rng);
            assert!(w >= exp / 2.0 && w <= exp, "{n}: {w}");
        }
    }

    #[test]
    fn decorrelated_jitter_grows_from_the_previous_wait() {
        let mut rng = SimRng::new(4);
        let p = policy(Jitter::Decorrelated);
        let mut prev = 100.0;
        for n in 1..20 {
            let w = backoff_ms(&p, n, prev, &mut rng);
            assert!((100.0..=1000.0).contains(&w) && w <= prev * 3.0, "{n}: {w} after {prev}");
            prev = w;
        }
    }

    #[test]
    fn fixed_and_immediate() {
        let mut rng = SimRng::new(5);
        let mut p = policy(Jitter::None);
        p.policy = RetryPolicy::Fixed;
        assert_eq!(backoff_ms(&p, 7, 0.0, &mut rng), 100.0);
        p.policy = RetryPolicy::Immediate;
        assert_eq!(backoff_ms(&p, 7, 0.0, &mut rng), 0.0);
    }
}
