//! Sharing a scenario: the link in the page's address (`#1.…`, see `broker::link`), and
//! scenario files to export and import. A link made from a lesson leaves out the narration
//! that the lesson ships with (title, description, `lesson`) and names the lesson instead,
//! which keeps a lesson's link short; opening it puts the shipped narration back. Anything
//! the learner changed travels in full.
//!
//! The page has the browser compress a link (`ui/share/zlib.rs`), so that the wasm carries
//! no compressor; native builds and tests use the core's.
//!
//! ```text
//!   document ──elide shipped narration──▶ envelope ──zlib──▶ broker::link::pack ──▶ "#2.eNqr…"
//!   "#1.eNqr…" ──broker::link::decode──▶ restore narration ──▶ normalise ──▶ validate ──▶ document
//! ```

use broker::link::{LinkError, Shared};
use broker::scenario::json::{self, JsonError};
use serde_json::Value;

use crate::model::doc;
use crate::model::presets::{self, PRESETS};

/// Fields a lesson ships with that a link leaves out when they are unchanged: its narration,
/// and the promises `brokerlab test` checks (`expect`).
const NARRATION: [&str; 4] = ["title", "description", "lesson", "expect"];

/// A lesson's file as shipped, if it is on hand.
fn shipped(preset: Option<usize>) -> Option<Value> {
    json::read(&presets::text(preset?)?).ok()
}

/// What a link carries for a document that started from lesson `preset`: the document
/// without the narration the lesson ships with, and the lesson's name. Should the lesson's
/// file not be on hand, the narration travels in full.
fn elided(document: &Value, preset: Option<usize>) -> (Value, Option<&'static str>) {
    let shipped = shipped(preset);
    let mut v = document.clone();
    if let (Some(shipped), Some(obj)) = (&shipped, v.as_object_mut()) {
        for key in NARRATION {
            if obj.get(key).is_some() && obj.get(key) == shipped.get(key) {
                obj.remove(key);
            }
        }
    }
    (v, preset.and_then(|i| PRESETS.get(i)).map(|p| p.slug))
}

/// The text a document's link packs, to be compressed as a zlib stream.
pub fn link_envelope(document: &Value, preset: Option<usize>) -> String {
    let (v, slug) = elided(document, preset);
    broker::link::envelope(&v, slug)
}

/// The link text (after `#`) for a document, compressed by the core (native builds and
/// tests; the page uses `ui::share::zlib::link`).
pub fn link_for(document: &Value, preset: Option<usize>) -> String {
    let (v, slug) = elided(document, preset);
    broker::link::encode(&v, slug)
}

/// What a link or a file opened to: the document and the lesson it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    pub doc: Value,
    pub preset: Option<usize>,
}

/// Reads a link with the core's inflater (native builds and tests; the page has the browser
/// inflate it, `ui::share::zlib::decode`, and opens what it read with [`open_shared`]).
pub fn open_link(text: &str) -> Result<Opened, String> {
    open_shared(broker::link::decode(text))
}

/// Opens what a link held; the message says what is wrong in words.
pub fn open_shared(read: Result<Shared, LinkError>) -> Result<Opened, String> {
    let shared = read.map_err(|e| e.to_string())?;
    let preset = shared.preset.as_deref().and_then(presets::position);
    let mut v = shared.scenario;
    if let Some(shipped) = shipped(preset) {
        if let Some(obj) = v.as_object_mut() {
            for key in NARRATION {
                if !obj.contains_key(key) {
                    if let Some(x) = shipped.get(key) {
                        obj.insert(key.to_string(), x.clone());
                    }
                }
            }
        }
    }
    checked(v).map(|doc| Opened { doc, preset }).map_err(|e| format!("The link's scenario cannot be opened. {e}"))
}

/// The lesson a link names (its narration is left out of the link), without opening it.
pub fn link_lesson(read: &Result<Shared, LinkError>) -> Option<usize> {
    read.as_ref().ok()?.preset.as_deref().and_then(presets::position)
}

/// Reads a scenario file's text with the same checks as `brokerlab check`.
pub fn open_file(text: &str) -> Result<Opened, String> {
    if text.len() > broker::scenario::MAX_SCENARIO_BYTES {
        return Err(format!(
            "The file is {} bytes; the most Brokerlab reads is {}.",
            text.len(),
            broker::scenario::MAX_SCENARIO_BYTES
        ));
    }
    // As `brokerlab check` reads a file: a key written twice is refused, not read as the last.
    let v = json::read(text).map_err(|e| match e {
        JsonError::WrittenTwice(_) => format!("1 problem: {e}."),
        e => format!("The file is not JSON: {e}."),
    })?;
    checked(broker::link::migrate(v)).map(|doc| Opened { doc, preset: None })
}

/// Normalises and validates a scenario, narration included (as the CLI does); the message
/// lists the first problems with their paths.
fn checked(v: Value) -> Result<Value, String> {
    if !v.is_object() {
        return Err("It is not a JSON object.".into());
    }
    let document = doc::normalise(v);
    match broker::Scenario::from_value(document.clone()).and_then(|s| broker::validate(&s)) {
        Ok(_) => Ok(document),
        Err(problems) => {
            let mut text: Vec<String> = problems.iter().take(3).map(|p| p.to_string()).collect();
            if problems.len() > 3 {
                text.push(format!("and {} more", problems.len() - 3));
            }
            Err(format!(
                "{} problem{}: {}.",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                text.join("; ")
            ))
        }
    }
}

/// The document as a file to save: indented JSON, narration and view included.
pub fn file_text(document: &Value) -> String {
    broker::link::write_json(document, true) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_a_key_written_twice_is_refused_as_the_command_line_refuses_it() {
        let text = r#"{"version": 1, "duration_ms": 1000, "nodes": [{"id": "q", "kind": "queue", "prefetch": 1, "prefetch": 50}]}"#;
        let why = open_file(text).unwrap_err();
        assert!(why.contains("nodes[0].prefetch: is written twice"), "{why}");
        assert!(broker::load(text).is_err());
    }

    fn hash(d: &Value) -> u64 {
        let mut sim = broker::Simulation::new(doc::check(d).unwrap());
        sim.run_to_end();
        sim.trace_hash()
    }

    #[test]
    fn every_lesson_opens_from_its_link_as_it_was_and_links_stay_short() {
        for (i, p) in PRESETS.iter().enumerate() {
            let d = doc::normalise(serde_json::from_str(p.json).unwrap());
            let link = link_for(&d, Some(i));
            let opened = open_link(&link).unwrap();
            assert_eq!(opened.doc, d, "{}", p.slug);
            assert_eq!(opened.preset, Some(i));
            assert_eq!(hash(&opened.doc), hash(&d));
            assert!(link.len() < 1_500, "{}: {} characters", p.slug, link.len());
            println!("{:32} link {:5} characters", p.slug, link.len());
        }
    }

    #[test]
    fn an_edited_narration_travels_in_full() {
        let mut d = doc::normalise(serde_json::from_str(PRESETS[0].json).unwrap());
        d["title"] = "My own title <img src=x onerror=alert(1)>".into();
        let opened = open_link(&link_for(&d, Some(0))).unwrap();
        assert_eq!(opened.doc["title"], d["title"]);
        assert_eq!(opened.doc["lesson"], d["lesson"], "the rest of the narration comes from the lesson");
    }

    #[test]
    fn bad_links_and_files_say_why() {
        assert!(open_link("1.AAAA").unwrap_err().contains("damaged"));
        let bad = broker::link::encode(&serde_json::json!({"version": 1, "duration_ms": -1, "nodes": []}), None);
        let e = open_link(&bad).unwrap_err();
        assert!(e.contains("duration_ms"), "{e}");
        assert!(open_file("{").unwrap_err().starts_with("The file is not JSON"));
        assert_eq!(open_file("[1, 2]").unwrap_err(), "It is not a JSON object.");
        let e = open_file(
            r#"{"version": 1, "duration_ms": 1000, "nodes": [{"id": "q", "kind": "queue", "prefetch": -3}]}"#,
        )
        .unwrap_err();
        assert!(e.contains("prefetch"), "{e}");
        let ok = open_file(&file_text(&doc::normalise(serde_json::from_str(PRESETS[1].json).unwrap()))).unwrap();
        assert_eq!(ok.preset, None);
    }
}

// The same generator as the core's hostile-input tests: one file, kept with the core's tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../broker/tests/all/common/any_json.rs"]
mod any_json;

/// The importer fuzzed: any text, any JSON, and lessons cut short or with a byte changed, are
/// opened or refused with a reason, never a panic (the link decoder's own fuzzing is in
/// `broker/tests/links.rs`).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    use super::any_json::arbitrary_json;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

        #[test]
        fn any_json_is_imported_or_refused(v in arbitrary_json()) {
            match open_file(&v.to_string()) {
                Ok(o) => prop_assert!(doc::check(&o.doc).is_ok()),
                Err(why) => prop_assert!(!why.is_empty()),
            }
        }

        #[test]
        fn any_text_is_imported_or_refused(text in ".{0,200}") {
            let _ = open_file(&text);
        }

        #[test]
        fn a_damaged_lesson_file_is_imported_or_refused(lesson in 0..PRESETS.len(), cut in 0usize..10_000, at in 0usize..10_000, byte in any::<u8>()) {
            let mut bytes = PRESETS[lesson].json.as_bytes().to_vec();
            let i = at % bytes.len();
            bytes[i] = byte;
            bytes.truncate(cut % (bytes.len() + 1));
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(o) = open_file(&text) {
                prop_assert!(doc::check(&o.doc).is_ok());
            }
        }
    }
}
