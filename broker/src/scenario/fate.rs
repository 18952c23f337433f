//! The six fates a message can meet, as the file format and the outcome name them: a lesson
//! question counts one of them (`"measure": "lost"`), and `brokerlab run --json` sorts every
//! message into one. This is the vocabulary only; which fate a message has met is decided
//! from the simulation's state by `sim::fate`.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    ProcessedOnce,
    ProcessedMoreThanOnce,
    DeadLettered,
    Dropped,
    Lost,
    InFlight,
}

impl Fate {
    pub const ALL: [Fate; 6] = [
        Fate::ProcessedOnce,
        Fate::ProcessedMoreThanOnce,
        Fate::DeadLettered,
        Fate::Dropped,
        Fate::Lost,
        Fate::InFlight,
    ];

    /// Its place in [`Fate::ALL`], for tables counted per fate.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Fate::ProcessedOnce => "processed_once",
            Fate::ProcessedMoreThanOnce => "processed_more_than_once",
            Fate::DeadLettered => "dead_lettered",
            Fate::Dropped => "dropped",
            Fate::Lost => "lost",
            Fate::InFlight => "in_flight",
        }
    }

    pub fn human(self) -> &'static str {
        match self {
            Fate::ProcessedOnce => "processed once",
            Fate::ProcessedMoreThanOnce => "processed more than once",
            Fate::DeadLettered => "dead-lettered",
            Fate::Dropped => "dropped",
            Fate::Lost => "lost",
            Fate::InFlight => "still in flight",
        }
    }
}

/// So that a row's fate reads as its name: `m.fate == "lost"`.
impl PartialEq<&str> for Fate {
    fn eq(&self, name: &&str) -> bool {
        self.name() == *name
    }
}

#[cfg(test)]
mod tests {
    use super::Fate;

    #[test]
    fn a_fates_index_is_its_place_in_all() {
        for (i, f) in Fate::ALL.into_iter().enumerate() {
            assert_eq!(f.index(), i);
        }
    }
}
