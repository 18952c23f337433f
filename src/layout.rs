//! The layout's rules, checked: which folder of the app may name which. The directions are
//! written once, here; every `crate::` path in a folder's files (in `use` lines and inline)
//! must point at the folder itself or at one it may import, and `model/` and `play/` never
//! name Yew or the browser.
//!
//! ```text
//!   ui/ ──▶ state/ ──▶ play/ ──▶ model/ ──▶ the core (broker)
//!    └──────────────────┴──────────┘   (ui/ may import every folder)
//! ```

use std::fs;
use std::path::Path;

/// Each folder and the folders it may import besides itself.
const MAY_IMPORT: &[(&str, &[&str])] =
    &[("model", &[]), ("play", &["model"]), ("state", &["model", "play"]), ("ui", &["model", "play", "state"])];

/// Crates that are the page's and nobody else's.
const BROWSER: &[&str] = &["yew", "web_sys", "gloo", "wasm_bindgen", "js_sys"];

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The folders a source names through `crate::`, outside comments.
fn named_folders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            found.push(name);
        }
    }
    found
}

#[test]
fn every_folder_imports_only_what_it_may() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let folders: Vec<&str> = MAY_IMPORT.iter().map(|(f, _)| *f).collect();
    let mut broken = Vec::new();
    for (folder, may) in MAY_IMPORT {
        let mut files = Vec::new();
        sources(&root.join(folder), &mut files);
        assert!(!files.is_empty(), "src/{folder} has no sources");
        for (path, text) in &files {
            for name in named_folders(text) {
                if folders.contains(&name.as_str()) && name != *folder && !may.contains(&name.as_str()) {
                    broken.push(format!("{path} names crate::{name}"));
                }
            }
            if matches!(*folder, "model" | "play") {
                for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
                    for c in BROWSER {
                        if line.contains(&format!("{c}::")) {
                            broken.push(format!("{path} names {c}"));
                        }
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "imports against the layout:\n{}", broken.join("\n"));
}
