//! The preset scenarios (lessons) shipped with the app, embedded from `scenarios/*.json` at
//! compile time so the app needs no network request to open one.
//!
//! One entry per file in `scenarios/` (except JSON schemas). A native
//! test below fails when a file is missing from [`PRESETS`] or an entry has no file.

use serde_json::Value;

/// One preset: its file name without `.json`, and the scenario JSON itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub slug: &'static str,
    pub json: &'static str,
}

macro_rules! preset {
    ($slug:literal) => {
        Preset { slug: $slug, json: include_str!(concat!("../../scenarios/", $slug, ".json")) }
    };
}

/// In lesson order: the basics first, then failures and their fixes side by side.
pub const PRESETS: &[Preset] = &[
    preset!("work-queue"),
    preset!("fan-out"),
    preset!("poison-no-dlq"),
    preset!("poison-with-dlq"),
    preset!("retry-storm"),
    preset!("retry-jitter"),
    preset!("duplicates-no-idempotency"),
    preset!("duplicates-idempotent"),
    preset!("crash-at-most-once"),
    preset!("crash-at-least-once"),
    preset!("crash-exactly-once"),
    // Logs (Kafka-style topics): ordering, lag and replay, then the producer side.
    preset!("out-of-order-wrong-key"),
    preset!("out-of-order-keyed-by-order"),
    preset!("consumer-lag-rebalance"),
    preset!("slow-poll-loop"),
    preset!("replay-late-joiner"),
    preset!("producer-retries-duplicates"),
    preset!("producer-idempotent"),
    preset!("dual-write"),
    preset!("outbox"),
];

/// The preset the app opens with.
pub const DEFAULT_PRESET: &str = "work-queue";

/// What the scenario picker shows for a preset, read from the scenario's JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetInfo {
    pub slug: &'static str,
    pub title: String,
    pub description: String,
    /// The scenario's own seed; `None` when the JSON has none (the core then reports it).
    pub seed: Option<u64>,
}

impl Preset {
    /// Reads title, description and seed; falls back to the slug for a title so that a
    /// broken file still shows up in the list (running it then shows the core's problems).
    pub fn info(&self) -> PresetInfo {
        let value: Value = serde_json::from_str(self.json).unwrap_or(Value::Null);
        let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
        PresetInfo {
            slug: self.slug,
            title: text("title").filter(|t| !t.trim().is_empty()).unwrap_or_else(|| self.slug.to_owned()),
            description: text("description").unwrap_or_default(),
            seed: value.get("seed").and_then(Value::as_u64),
        }
    }
}

/// The index of a preset by slug.
pub fn position(slug: &str) -> Option<usize> {
    PRESETS.iter().position(|p| p.slug == slug)
}

/// The index of [`DEFAULT_PRESET`], or the first preset if it ever goes away.
pub fn default_index() -> usize {
    position(DEFAULT_PRESET).unwrap_or(0)
}

/// Title, description and seed of every preset, in [`PRESETS`] order.
pub fn catalog() -> Vec<PresetInfo> {
    PRESETS.iter().map(Preset::info).collect()
}

/// Files in `scenarios/` that are not scenarios.
pub fn is_scenario_file(name: &str) -> bool {
    name.ends_with(".json") && !name.ends_with(".schema.json")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_scenario_file_is_a_preset_and_every_preset_has_a_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let files: BTreeSet<String> = std::fs::read_dir(dir)
            .expect("scenarios/ is readable")
            .map(|e| e.expect("directory entry").file_name().to_string_lossy().into_owned())
            .filter(|name| is_scenario_file(name))
            .map(|name| name.trim_end_matches(".json").to_owned())
            .collect();
        let listed: BTreeSet<String> = PRESETS.iter().map(|p| p.slug.to_owned()).collect();
        let missing: Vec<_> = files.difference(&listed).collect();
        let stale: Vec<_> = listed.difference(&files).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "src/model/presets.rs is out of sync with scenarios/: add preset!(..) for {missing:?}, remove {stale:?}"
        );
        assert_eq!(listed.len(), PRESETS.len(), "a preset is listed twice");
    }

    #[test]
    fn every_preset_has_a_title_and_description_and_loads() {
        for p in PRESETS {
            let info = p.info();
            assert_ne!(info.title, p.slug, "{}: no title", p.slug);
            assert!(!info.description.trim().is_empty(), "{}: no description", p.slug);
            assert!(info.seed.is_some(), "{}: no seed", p.slug);
            if let Err(problems) = broker::load(p.json) {
                panic!("{} does not load: {problems:?}", p.slug);
            }
        }
    }

    #[test]
    fn the_default_preset_exists() {
        assert_eq!(PRESETS[default_index()].slug, DEFAULT_PRESET);
    }
}
