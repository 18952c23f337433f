//! Texts the app's release wasm does not carry: the inspector's label and help line for each field, the
//! lesson gallery's line on what each lesson teaches, the help overlay's body and the canvas key. They are one file beside the page
//! (`texts.json`, written from the catalogue and the lesson table by a native test;
//! `BROKERLAB_BLESS=1` rewrites it), which the page preloads and the app fetches with its
//! first lesson, before it mounts, and keeps here. Native builds and the browser component
//! tests have the texts built in. A page whose file could not be fetched shows its fields
//! without help lines and its lessons without that line.

use std::cell::RefCell;

use serde_json::Value;

use crate::model::fields::{fields_for, kind_of, Field};
use crate::model::lessons::{Lesson, LESSONS};

/// Where the page fetches the texts from, relative to the page.
pub const ADDRESS: &str = "texts.json";

/// Whether the texts are built in: not in the app's release wasm, where they were 3 KB of its
/// gzip'd size.
const BUILT_IN: bool = !cfg!(all(target_arch = "wasm32", not(feature = "embed-lessons")));

/// A text that is built in where the texts are (the text itself), and nothing at all in the
/// app's release wasm: not even a pointer to an empty text in each of the catalogue's fields
/// and the lesson table's lessons.
#[cfg(not(all(target_arch = "wasm32", not(feature = "embed-lessons"))))]
pub type BuiltIn = &'static str;
/// A text that is built in where the texts are (the text itself), and nothing at all in the
/// app's release wasm: not even a pointer to an empty text in each of the catalogue's fields
/// and the lesson table's lessons.
#[cfg(all(target_arch = "wasm32", not(feature = "embed-lessons")))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltIn;

/// `text` where the texts are built in, else nothing (the text is then not in the binary).
#[cfg(not(all(target_arch = "wasm32", not(feature = "embed-lessons"))))]
pub const fn built_in(text: &'static str) -> BuiltIn {
    text
}
/// `text` where the texts are built in, else nothing (the text is then not in the binary).
#[cfg(all(target_arch = "wasm32", not(feature = "embed-lessons")))]
pub const fn built_in(_: &'static str) -> BuiltIn {
    BuiltIn
}

/// The text of a [`BuiltIn`]: empty where the texts are not built in.
#[cfg(not(all(target_arch = "wasm32", not(feature = "embed-lessons"))))]
pub fn built_in_text(text: BuiltIn) -> &'static str {
    text
}
/// The text of a [`BuiltIn`]: empty where the texts are not built in.
#[cfg(all(target_arch = "wasm32", not(feature = "embed-lessons")))]
pub fn built_in_text(_: BuiltIn) -> &'static str {
    ""
}

/// The kinds whose fields have help, as `fields_for` names them.
const KINDS: [&str; 8] = ["producer", "exchange", "queue", "topic", "consumer", "read_model", "broker", "wire"];

thread_local! {
    /// The fetched file: an object from each text's key to the text.
    static SHELF: RefCell<Value> = const { RefCell::new(Value::Null) };
}

/// Keeps the fetched file; a file that is not JSON is ignored.
pub fn shelve(text: &str) {
    if let Ok(v) = broker::scenario::json::read(text) {
        SHELF.with(|s| *s.borrow_mut() = v);
    }
}

/// `built` if it is built in, else the fetched text under `key`, else nothing.
fn text(built: BuiltIn, key: &str) -> String {
    let built = built_in_text(built);
    if !built.is_empty() {
        return built.to_string();
    }
    SHELF.with(|s| s.borrow().get(key).and_then(Value::as_str).unwrap_or_default().to_string())
}

/// The help line of field `f` of `obj` (a node, or a wire).
pub fn help(obj: &Value, f: &Field) -> String {
    text(f.help, &["field ", kind_of(obj), " ", f.path].concat())
}

/// The label of field `f` of `obj`; without the texts, the last word of its path.
pub fn label(obj: &Value, f: &Field) -> String {
    let label = text(f.label, &["label ", kind_of(obj), " ", f.path].concat());
    match label.is_empty() {
        true => f.path.rsplit('/').next().unwrap_or(f.path).replace('_', " "),
        false => label,
    }
}

/// What a lesson teaches, in a line.
pub fn teaches(l: &Lesson) -> String {
    text(l.teaches, &["teaches ", l.title].concat())
}

/// The help overlay's body (its shortcuts and how to build a topology), as markup.
pub fn shortcuts() -> String {
    if BUILT_IN {
        crate::model::shortcuts::body()
    } else {
        text(built_in(""), "help")
    }
}

/// The canvas key's list, as markup.
pub fn canvas_key() -> String {
    if BUILT_IN {
        crate::model::shortcuts::CANVAS_KEY.to_string()
    } else {
        text(built_in(""), "canvas key")
    }
}

/// The file's text, from the built-in texts: one line per text, sorted by key.
pub fn file_text() -> String {
    let mut lines: Vec<(String, &str)> = Vec::new();
    for kind in KINDS {
        for f in fields_for(kind) {
            let key = format!("field {kind} {}", f.path);
            if !lines.iter().any(|(k, _)| *k == key) {
                lines.push((key, built_in_text(f.help)));
                lines.push((format!("label {kind} {}", f.path), built_in_text(f.label)));
            }
        }
    }
    for l in LESSONS {
        lines.push((format!("teaches {}", l.title), built_in_text(l.teaches)));
    }
    let help = crate::model::shortcuts::body();
    lines.push(("help".to_string(), &help));
    lines.push(("canvas key".to_string(), crate::model::shortcuts::CANVAS_KEY));
    lines.sort();
    let body: Vec<String> =
        lines.iter().map(|(k, t)| format!("  {}: {}", Value::from(k.as_str()), Value::from(*t))).collect();
    format!("{{\n{}\n}}\n", body.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file the page fetches holds the built-in texts, each under its own key.
    #[test]
    fn the_texts_file_is_the_built_in_texts() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/texts.json");
        let want = file_text();
        if std::env::var_os("BROKERLAB_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "static/texts.json is not the built-in texts: run BROKERLAB_BLESS=1 cargo test -p brokerlab-app texts"
        );
        // Every kind with settings has its texts in the file (the palette's kinds, a service as a
        // consumer, and a wire).
        for (kind, _) in crate::model::doc::PALETTE {
            let kind = if kind == "service" { "consumer" } else { kind };
            assert!(fields_for(kind).is_empty() || KINDS.contains(&kind), "{kind} has fields but no texts");
        }
        let keys = want.lines().filter(|l| l.starts_with("  \"")).count();
        assert_eq!(keys, 2 * want.matches("\"field ").count() + LESSONS.len() + 2, "no two texts share a key");
    }

    #[test]
    fn a_fetched_file_gives_the_texts_built_in() {
        shelve(&file_text());
        let f = fields_for("producer").iter().find(|f| f.path == "/arrivals").unwrap();
        let shelved = SHELF.with(|s| s.borrow()["field producer /arrivals"].as_str().map(str::to_string));
        assert_eq!(shelved.as_deref(), Some(f.help));
        let shelved = SHELF.with(|s| s.borrow()[&format!("teaches {}", LESSONS[0].title)].as_str().map(str::to_string));
        assert_eq!(shelved.as_deref(), Some(LESSONS[0].teaches));
        shelve("not json");
        assert_eq!(help(&serde_json::json!({"kind": "producer"}), f), f.help, "the built-in text stands");
    }
}
