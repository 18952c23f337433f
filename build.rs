//! Build script of the app: the lessons' titles, read from `scenarios/*.json` at build time.
//!
//! The browser build does not carry the lesson files (the page fetches one when it opens,
//! from `lessons/`, where Trunk copies `scenarios/`), but the Lesson selector needs every
//! title before any file has arrived. This writes `shipped!("slug")`, a macro that gives a
//! lesson's title, so `src/model/presets.rs` names each lesson once and a slug without a
//! file does not compile.
//!
//! It also decides whether the lesson files are built in (`cfg(embed_lessons)`): natively
//! (the app's native tests) and with the `embed-lessons` feature (the browser component
//! tests, which have no server to fetch from).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=scenarios");
    println!("cargo::rustc-check-cfg=cfg(embed_lessons)");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if !wasm || std::env::var_os("CARGO_FEATURE_EMBED_LESSONS").is_some() {
        println!("cargo::rustc-cfg=embed_lessons");
    }

    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    files.sort();

    let mut out =
        String::from("/// A shipped lesson's title (the slug when its file has none).\nmacro_rules! shipped {\n");
    for path in files {
        let slug = path.file_stem().expect("a file name").to_string_lossy().into_owned();
        println!("cargo::rerun-if-changed={}", path.display());
        // A broken file still builds: its slug is its title, and the native preset tests say
        // what is wrong with it.
        let title = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|v| v.get("title")?.as_str().map(str::to_owned))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| slug.clone());
        writeln!(out, "    ({slug:?}) => {{ {title:?} }};").expect("writing to a String");
    }
    out.push_str("}\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets it")).join("shipped.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
