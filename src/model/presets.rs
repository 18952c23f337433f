//! The preset scenarios (lessons) shipped with the app: their slugs in lesson order, their
//! titles (read from `scenarios/*.json` by `build.rs`), and the shelf of lesson files on hand.
//!
//! The browser build does not carry the files themselves: the page fetches a lesson's file
//! from `lessons/<slug>.json` (Trunk copies `scenarios/` there) when it is first opened, and
//! puts it on the shelf, where every later use finds it. A native build and the browser
//! component tests (`embed-lessons`) have every file built in, so the shelf is always full.
//!
//! One entry per file in `scenarios/` (except JSON schemas). A native test below fails when a
//! file is missing from [`PRESETS`]; an entry without a file does not compile.

use std::cell::RefCell;
use std::rc::Rc;

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// One preset: its file name without `.json`, its title, and (where it is built in) the
/// scenario JSON itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub slug: &'static str,
    pub title: &'static str,
    #[cfg(embed_lessons)]
    pub json: &'static str,
}

macro_rules! preset {
    ($slug:tt) => {
        Preset {
            slug: $slug,
            title: shipped!($slug),
            #[cfg(embed_lessons)]
            json: include_str!(concat!("../../scenarios/", $slug, ".json")),
        }
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
    // The broker side of durability: replicas, acks and leader elections.
    preset!("durability-acks-1"),
    preset!("durability-acks-all"),
    preset!("durability-clean-election"),
    preset!("durability-unclean-election"),
    preset!("transactions-read-uncommitted"),
    preset!("transactions-read-committed"),
    // A compacted topic as a table, and the delete a slow reader misses.
    preset!("compaction-table"),
    preset!("compaction-slow-reader"),
    preset!("dual-write"),
    preset!("outbox"),
    // Beyond one hop: services that react and publish, and the flows they make.
    preset!("order-flow-no-compensation"),
    preset!("order-flow-compensation"),
    preset!("duplicate-amplification"),
    preset!("duplicate-amplification-idempotent"),
    preset!("service-publish-after-effect"),
    preset!("service-outbox"),
    preset!("commands-and-events"),
    preset!("commands-and-events-fourth-subscriber"),
    preset!("order-17-never-shipped"),
    // Orchestrated sagas.
    preset!("order-choreography"),
    preset!("order-orchestration"),
    preset!("saga-needs-a-person"),
    preset!("saga-compensation-retried"),
    preset!("request-reply-timeout"),
    preset!("request-reply-idempotent"),
    preset!("request-reply-direct"),
    // Read models (CQRS).
    preset!("read-model-lag"),
    preset!("read-model-faster-projection"),
    preset!("read-model-read-your-writes"),
    preset!("projection-no-version-check"),
    preset!("projection-version-check"),
    preset!("projection-rebuild"),
    // Event schemas and the schema registry.
    preset!("schema-deploy-breaks"),
    preset!("schema-registry-refuses"),
    preset!("schema-backward-producer-first"),
    preset!("schema-backward-consumers-first"),
    preset!("schema-forward-consumers-first"),
    preset!("schema-forward-producer-first"),
    preset!("schema-field-with-default"),
    preset!("schema-field-without-default"),
];

/// The preset the app opens with.
pub const DEFAULT_PRESET: &str = "work-queue";

/// The index of a preset by slug.
pub fn position(slug: &str) -> Option<usize> {
    PRESETS.iter().position(|p| p.slug == slug)
}

/// The index of [`DEFAULT_PRESET`], or the first preset if it ever goes away.
pub fn default_index() -> usize {
    position(DEFAULT_PRESET).unwrap_or(0)
}

/// Where the page fetches a lesson's file from, relative to the page (so the app works from
/// any sub-path).
pub fn address(lesson: usize) -> String {
    format!("lessons/{}.json", PRESETS.get(lesson).map_or("", |p| p.slug))
}

thread_local! {
    /// The lesson files fetched so far, by lesson index. They never change once shipped, so
    /// whoever fetched one first, every later reader sees the same text.
    static SHELF: RefCell<Vec<Option<Rc<str>>>> = RefCell::new(vec![None; PRESETS.len()]);
}

/// A lesson's scenario file, if it is on hand: fetched, or built in.
pub fn text(lesson: usize) -> Option<Rc<str>> {
    SHELF.with(|s| s.borrow().get(lesson).cloned().flatten()).or_else(|| built_in(lesson))
}

/// Whether a lesson's file is on hand.
pub fn on_hand(lesson: usize) -> bool {
    text(lesson).is_some()
}

/// Puts a fetched lesson file on the shelf (the first one to arrive stays).
pub fn shelve(lesson: usize, text: &str) {
    SHELF.with(|s| {
        if let Some(slot @ None) = s.borrow_mut().get_mut(lesson) {
            *slot = Some(Rc::from(text));
        }
    });
}

#[cfg(embed_lessons)]
fn built_in(lesson: usize) -> Option<Rc<str>> {
    #[cfg(test)]
    if WITHHELD.with(|w| w.borrow().contains(&lesson)) {
        return None;
    }
    PRESETS.get(lesson).map(|p| Rc::from(p.json))
}

#[cfg(not(embed_lessons))]
fn built_in(_: usize) -> Option<Rc<str>> {
    None
}

#[cfg(test)]
thread_local! {
    static WITHHELD: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Tests only: this thread acts as the browser does before a lesson's file has arrived.
#[cfg(test)]
pub fn withhold(lesson: usize) {
    WITHHELD.with(|w| w.borrow_mut().push(lesson));
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
            let v: serde_json::Value = serde_json::from_str(p.json).unwrap_or_else(|e| panic!("{}: {e}", p.slug));
            assert_ne!(p.title, p.slug, "{}: no title", p.slug);
            assert_eq!(v["title"], p.title, "{}: the built-in title is stale", p.slug);
            assert!(v["description"].as_str().is_some_and(|d| !d.trim().is_empty()), "{}: no description", p.slug);
            assert!(v["seed"].is_u64(), "{}: no seed", p.slug);
            if let Err(problems) = broker::load(p.json) {
                panic!("{} does not load: {problems:?}", p.slug);
            }
        }
    }

    #[test]
    fn the_default_preset_exists() {
        assert_eq!(PRESETS[default_index()].slug, DEFAULT_PRESET);
    }

    #[test]
    fn the_page_preloads_the_default_lesson_from_where_the_app_fetches_it() {
        let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index.html")).expect("index.html");
        let preload = format!("<link rel=\"preload\" href=\"{}\"", address(default_index()));
        assert!(page.contains(&preload), "index.html should have {preload} ...>");
        assert!(page.contains(r#"rel="copy-dir" href="scenarios" data-target-path="lessons""#));
    }
}
