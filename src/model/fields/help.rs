//! The fields' help lines as a file beside the page (`field-help.json`, written from the
//! catalogue by a native test, `BROKERLAB_BLESS=1` to rewrite it). The app's release wasm does
//! not carry them: it fetches the file with its first lesson, before it mounts, and keeps it
//! here. Native builds and the browser component tests have them built in. A page whose file
//! could not be fetched shows its fields without help lines.

use std::cell::RefCell;

use serde_json::Value;

use super::{fields_for, kind_of, Field};

/// Where the page fetches the help from, relative to the page.
pub const ADDRESS: &str = "field-help.json";

/// The kinds whose fields have help, as `fields_for` names them.
const KINDS: [&str; 6] = ["producer", "exchange", "queue", "topic", "consumer", "wire"];

thread_local! {
    /// The fetched file, an object from "kind path" to the help line.
    static SHELF: RefCell<Value> = const { RefCell::new(Value::Null) };
}

/// Keeps the fetched file; a file that is not JSON is ignored.
pub fn shelve(text: &str) {
    if let Ok(v) = broker::scenario::json::read(text) {
        SHELF.with(|s| *s.borrow_mut() = v);
    }
}

/// The help line of field `f` of `obj` (a node, or a wire): built in, or from the file.
pub fn help(obj: &Value, f: &Field) -> String {
    if !f.help.is_empty() {
        return f.help.to_string();
    }
    let key = [kind_of(obj), " ", f.path].concat();
    SHELF.with(|s| s.borrow().get(&key).and_then(Value::as_str).unwrap_or_default().to_string())
}

/// The file's text, from the built-in help: one line per field, sorted by kind and path.
pub fn file_text() -> String {
    let mut lines: Vec<(String, &str)> = Vec::new();
    for kind in KINDS {
        for f in fields_for(kind) {
            let key = format!("{kind} {}", f.path);
            if !lines.iter().any(|(k, _)| *k == key) {
                lines.push((key, f.help));
            }
        }
    }
    lines.sort();
    let body: Vec<String> =
        lines.iter().map(|(k, h)| format!("  {}: {}", Value::from(k.as_str()), Value::from(*h))).collect();
    format!("{{\n{}\n}}\n", body.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file the page fetches is the catalogue's help, written out.
    #[test]
    fn the_help_file_is_the_catalogues() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/field-help.json");
        let want = file_text();
        if std::env::var_os("BROKERLAB_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(have == want, "static/field-help.json is not the catalogue's help: run BROKERLAB_BLESS=1 cargo test -p brokerlab-app help");
    }

    #[test]
    fn a_fetched_file_gives_the_help_the_catalogue_has() {
        shelve(&file_text());
        let obj = serde_json::json!({"kind": "producer"});
        let f = fields_for("producer").iter().find(|f| f.path == "/arrivals").unwrap();
        let shelved = SHELF.with(|s| s.borrow()["producer /arrivals"].as_str().map(str::to_string));
        assert_eq!(shelved.as_deref(), Some(f.help));
        assert_eq!(help(&obj, f), f.help);
        shelve("not json");
        assert_eq!(help(&obj, f), f.help, "the built-in help stands");
    }
}
