//! Virtual time. The simulation clock counts whole microseconds in a `u64`, so that the same
//! scenario gives the same trace on every target: no floating-point clock, no wall clock.

use std::fmt;

/// A point on the simulation's virtual clock, in microseconds since the run began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct SimTime(pub u64);

/// A moment that may not have come, in the space of one `SimTime`: `SimTime::MAX` (never a
/// moment of a run, which ends long before) stands for none. Every copy of every message
/// carries one of these (when its effect was applied), so half the size of an
/// `Option<SimTime>` counts in big runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaybeTime(u64);

impl MaybeTime {
    pub const NONE: MaybeTime = MaybeTime(u64::MAX);

    pub fn get(self) -> Option<SimTime> {
        (self.0 != u64::MAX).then_some(SimTime(self.0))
    }

    pub fn set(&mut self, t: Option<SimTime>) {
        self.0 = t.map_or(u64::MAX, |t| t.0.min(u64::MAX - 1));
    }

    /// Sets it to `t` unless it is set already.
    pub fn get_or_set(&mut self, t: SimTime) {
        if self.get().is_none() {
            self.set(Some(t));
        }
    }

    pub fn is_some(self) -> bool {
        self.get().is_some()
    }

    pub fn is_none(self) -> bool {
        self.get().is_none()
    }
}

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub fn from_ms(ms: u64) -> SimTime {
        SimTime(ms.saturating_mul(1_000))
    }

    pub fn as_us(self) -> u64 {
        self.0
    }

    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }

    /// `self + d`, saturating at the end of time rather than wrapping.
    pub fn after(self, d: Duration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    pub fn since(self, earlier: SimTime) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

/// A span of virtual time in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Duration(pub u64);

impl Duration {
    pub const ZERO: Duration = Duration(0);

    pub fn from_ms(ms: u64) -> Duration {
        Duration(ms.saturating_mul(1_000))
    }

    /// Converts milliseconds given as a float (from a distribution) to whole microseconds,
    /// rounding to nearest. Negative and NaN inputs become zero.
    pub fn from_ms_f64(ms: f64) -> Duration {
        if ms.is_nan() || ms <= 0.0 {
            return Duration::ZERO;
        }
        let us = ms * 1_000.0;
        if us >= u64::MAX as f64 {
            Duration(u64::MAX)
        } else {
            Duration(libm::round(us) as u64)
        }
    }

    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03} ms", self.0 / 1_000, self.0 % 1_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_milliseconds_round_to_microseconds() {
        assert_eq!(Duration::from_ms_f64(1.2345), Duration(1_235));
        assert_eq!(Duration::from_ms_f64(-3.0), Duration::ZERO);
        assert_eq!(Duration::from_ms_f64(f64::NAN), Duration::ZERO);
        assert_eq!(Duration::from_ms_f64(1e300), Duration(u64::MAX));
    }

    #[test]
    fn time_saturates_instead_of_wrapping() {
        assert_eq!(SimTime(u64::MAX - 1).after(Duration(10)), SimTime::MAX);
        assert_eq!(SimTime(5).since(SimTime(10)), Duration::ZERO);
    }
}
