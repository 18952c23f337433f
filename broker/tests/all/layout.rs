//! The layout's rules, checked, for the core and the app. Each part of the program has a folder, and a folder may use
//! only the folders its row below names; the directions are written here once and
//! `docs/architecture.md` explains them. The check reads every `crate::` path in the source,
//! outside comments and test modules, and fails on any other import between folders. A new
//! folder fails the check too, until its row says what it may use.
//!
//! The one two-way tie is deliberate: the runtime's subsystems (queue, topic, producer,
//! consumer) extend `Simulation` with `impl` blocks and so use `sim/`, while `sim/` holds
//! their state and so uses them.

use std::path::{Path, PathBuf};

/// The core (`broker/src/`): the file format at the bottom, the runtime above it, the read
/// side on top. `sort.rs` and `sorted_map.rs` are leaf utilities anyone may use; `lib.rs` is the facade.
const CORE: &[(&str, &[&str])] = &[
    ("schema", &[]),
    ("scenario", &["schema"]),
    ("model", &["scenario", "schema"]),
    ("compile", &["scenario", "model", "schema"]),
    (
        "sim",
        &["scenario", "model", "compile", "queue", "topic", "producer", "consumer", "saga", "read_model", "registry"],
    ),
    ("queue", &["scenario", "model", "sim"]),
    ("topic", &["scenario", "model", "sim"]),
    ("producer", &["scenario", "model", "sim", "queue", "topic"]),
    ("consumer", &["scenario", "model", "sim", "queue", "topic", "producer", "saga"]),
    ("saga", &["scenario", "model", "sim"]),
    ("read_model", &["scenario", "model", "sim"]),
    ("registry", &["scenario", "model", "sim", "schema"]),
    (
        "report",
        &["scenario", "model", "sim", "queue", "topic", "producer", "consumer", "saga", "read_model", "registry"],
    ),
    ("expect", &["scenario", "model", "sim", "report"]),
    ("asyncapi", &["scenario", "model", "schema", "compile"]),
];
const CORE_LEAVES: &[&str] = &["sort", "sorted_map", "decimal", "markup"];

/// The app (`src/`): the document at the bottom, then the player, then the state and its
/// reducer, then the components. `lib.rs` and `main.rs` are its root, and `worker.rs` the
/// AsyncAPI worker's.
///
/// ```text
///   ui/ ──▶ state/ ──▶ play/ ──▶ model/ ──▶ the core (broker, through its facade)
/// ```
const APP: &[(&str, &[&str])] =
    &[("model", &[]), ("play", &["model"]), ("state", &["model", "play"]), ("ui", &["model", "play", "state"])];

/// Crates that are the page's: only `ui/` and `state/` may name them, never `model/` or `play/`.
const BROWSER: &[&str] = &["yew::", "web_sys::", "gloo::", "wasm_bindgen::", "js_sys::"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, sorted, with its path relative to `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The code lines of a file that count: comments and the test modules (a `#[cfg(test)]`
/// module sits at the end of its file; `tests.rs` files are test modules whole) are left out.
fn code_lines(path: &Path, text: &str) -> Vec<(usize, String)> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") || t.starts_with("#[cfg(all(test,") {
            // The test module at the end; a `mod tests;` declared higher up, or a test-only
            // item, leaves the rest of the file to be checked.
            let next = lines.get(i + 1).map_or("", |l| l.trim_start());
            if next.starts_with("mod ") && next.contains('{') {
                break;
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, (*line).to_string()));
    }
    out
}

/// The names that follow `prefix` on a line: `crate::sim::trace` gives "sim". A grouped
/// `use crate::{a, b}` gives every name in the group.
fn names_after<'a>(line: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find(prefix) {
        let before_ok = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric() && rest.as_bytes()[i - 1] != b'_';
        rest = &rest[i + prefix.len()..];
        if !before_ok {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name = part.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            out.push(&rest[..end]);
        }
    }
    out
}

/// Checks one crate's `src/` against its table; returns one line per forbidden import.
fn check(src: &Path, table: &[(&str, &[&str])], leaves: &[&str], facade: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let folders: Vec<&str> = table.iter().map(|(f, _)| *f).collect();
    for entry in std::fs::read_dir(src).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if p.is_dir() && !folders.contains(&name.as_str()) && name != "bin" {
            problems.push(format!("{}/{name}/ has no row in the layout table", src.display()));
        }
    }
    for file in rust_files(src) {
        let first = file.components().next().unwrap().as_os_str().to_str().unwrap().to_string();
        let part = first.trim_end_matches(".rs");
        if facade.contains(&part) || part == "bin" {
            continue;
        }
        let allowed: &[&str] = table.iter().find(|(f, _)| *f == part).map_or(&[], |(_, a)| *a);
        let text = std::fs::read_to_string(src.join(&file)).unwrap();
        for (n, line) in code_lines(&file, &text) {
            for used in names_after(&line, "crate::") {
                let ok = used == part || leaves.contains(&used) || allowed.contains(&used);
                if !ok {
                    let what = if folders.contains(&used) { "" } else { " (not a folder: use it through its folder)" };
                    problems.push(format!(
                        "{}:{n}: {part} uses {used}{what}; {part} may use {allowed:?}",
                        src.join(&file).display()
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn the_core_imports_only_downwards() {
    let problems = check(&root().join("broker").join("src"), CORE, CORE_LEAVES, &["lib"]);
    assert!(problems.is_empty(), "imports the layout does not allow:\n{}", problems.join("\n"));
}

#[test]
fn the_app_imports_only_downwards() {
    let problems = check(&root().join("src"), APP, &[], &["lib", "main", "worker"]);
    assert!(problems.is_empty(), "imports the layout does not allow:\n{}", problems.join("\n"));
}

#[test]
fn the_apps_model_and_player_never_touch_the_page() {
    let src = root().join("src");
    let mut problems = Vec::new();
    for folder in ["model", "play"] {
        let dir = src.join(folder);
        for file in rust_files(&dir) {
            let text = std::fs::read_to_string(dir.join(&file)).unwrap();
            for (n, line) in code_lines(&file, &text) {
                for c in BROWSER.iter().filter(|c| line.contains(*c)) {
                    problems.push(format!("{}:{n}: names {c}", dir.join(&file).display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "the page's crates outside ui/ and state/:\n{}", problems.join("\n"));
}

/// The release wasm is built with `-Zfmt-debug=none` (scripts/build-release): there, `{:?}`
/// writes nothing. So no line outside the tests formats with `Debug`, except a panic's
/// message (which the page never shows); a name in a message is quoted with `quote` or `\"{}\"`.
#[test]
fn nothing_a_person_reads_is_formatted_with_debug() {
    let mut problems = Vec::new();
    for src in [root().join("broker/src"), root().join("src")] {
        // The command line (`bin/`) is native only.
        for file in rust_files(&src).into_iter().filter(|f| !f.starts_with("bin")) {
            let text = std::fs::read_to_string(src.join(&file)).unwrap();
            for (n, line) in code_lines(&file, &text) {
                let panics = ["panic!", "unreachable!", "assert", "expect("].iter().any(|p| line.contains(p));
                if (line.contains(":?}") || line.contains(":#?}")) && !panics {
                    problems.push(format!("{}:{n}: {}", src.join(&file).display(), line.trim()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "Debug formatting writes nothing in the release wasm:\n{}", problems.join("\n"));
}

#[test]
fn the_check_sees_a_forbidden_import() {
    // The check itself, on lines it must flag and lines it must let through.
    assert_eq!(names_after("use crate::sim::trace::Event;", "crate::"), ["sim"]);
    assert_eq!(names_after("    let x = crate::report::outcome::x(crate::sim::y);", "crate::"), ["report", "sim"]);
    assert_eq!(names_after("use crate::{model, sim::Due};", "crate::"), ["model", "sim"]);
    assert!(names_after("use brokercrate::x;", "crate::").is_empty());
    let dir = std::env::temp_dir().join(format!("brokerlab-layout-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sim")).unwrap();
    std::fs::create_dir_all(dir.join("report")).unwrap();
    std::fs::write(dir.join("sim").join("mod.rs"), "//! uses crate::report in a comment only\nuse crate::report::outcome::Outcome;\n#[cfg(test)]\nmod tests { use crate::report::x; }\n").unwrap();
    std::fs::write(dir.join("report").join("mod.rs"), "use crate::sim::Simulation;\n").unwrap();
    // A test module declared at the top does not hide the rest of the file.
    std::fs::create_dir_all(dir.join("queue")).unwrap();
    std::fs::write(dir.join("queue").join("mod.rs"), "#[cfg(test)]\nmod tests;\nuse crate::report::x;\n").unwrap();
    let table: &[(&str, &[&str])] = &[("sim", &[]), ("report", &["sim"]), ("queue", &["sim"])];
    let problems = check(&dir, table, &[], &["lib"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("queue/mod.rs:3: queue uses report"), "{problems:?}");
    assert!(problems[1].contains("sim/mod.rs:2: sim uses report"), "{problems:?}");
}
