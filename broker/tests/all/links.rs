//! Share links: every lesson survives link → scenario unchanged and runs to its trace hash;
//! links made by each released link format (the corpus in `tests/links/`) still open to the
//! run they were made from; and the decoder, fed anything at all, answers without a panic or
//! a hang. `BROKERLAB_BLESS=1` appends the current links to the corpus file of this version.

use crate::common;

use broker::link::{self, LinkError, MAX_INFLATED_BYTES};
use proptest::prelude::*;
use serde_json::Value;

fn hash_of(scenario: &Value) -> String {
    let s = broker::Scenario::from_value(scenario.clone()).expect("reads");
    let mut sim = broker::Simulation::from_scenario(&s).expect("validates");
    sim.run_to_end();
    broker::hash_hex(sim.trace_hash())
}

#[test]
fn every_lesson_goes_through_a_link_unchanged_and_gives_its_trace_hash() {
    let mut lengths = Vec::new();
    for (name, json) in common::scenarios() {
        let scenario: Value = serde_json::from_str(&json).unwrap();
        let text = link::encode(&scenario, Some(&name));
        let back = link::decode(&text).unwrap();
        assert_eq!(back.scenario, scenario, "{name}");
        assert_eq!(back.preset.as_deref(), Some(name.as_str()));
        assert_eq!(hash_of(&back.scenario), hash_of(&scenario), "{name}");
        // Without its narration a lesson is what a course author's own scenario looks like.
        let mut bare = scenario.clone();
        bare.as_object_mut().unwrap().remove("lesson");
        bare.as_object_mut().unwrap().remove("description");
        lengths.push((name, text.len(), link::encode(&bare, None).len()));
    }
    println!("link length per lesson (characters after #): with narration, without narration and description");
    for (name, with, bare) in &lengths {
        println!("  {name:32} {with:5} {bare:5}");
    }
    let mut bare: Vec<usize> = lengths.iter().map(|l| l.2).collect();
    bare.sort_unstable();
    assert!(bare[bare.len() / 2] < 1_500, "a typical scenario's link stays under 1,500 characters: {lengths:?}");
}

#[test]
fn links_from_every_link_version_still_open_to_the_same_run() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/links");
    let bless = std::env::var_os("BROKERLAB_BLESS").is_some();
    if bless {
        let version = link::LINK_VERSION;
        let mut out = format!("# slug\ttrace hash\tlink (made by link format {version})\n");
        for (name, json) in common::scenarios() {
            let scenario: Value = serde_json::from_str(&json).unwrap();
            out.push_str(&format!("{name}\t{}\t{}\n", hash_of(&scenario), link::encode(&scenario, Some(&name))));
        }
        std::fs::write(dir.join(format!("v{version}.tsv")), out).unwrap();
    }
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let mut parts = line.split('\t');
            let (name, hash, text) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            let shared = link::decode(text).unwrap_or_else(|e| panic!("{}: {name}: {e}", path.display()));
            assert_eq!(hash_of(&shared.scenario), hash, "{}: {name}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 60, "the corpus has {seen} links");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn the_json_writer_reads_back_exactly(s in ".{0,40}", i in any::<i64>(), x in any::<f64>(), pretty in any::<bool>()) {
        let mut v = serde_json::json!({ "text": s, "int": i, s.clone(): [i, s.clone()] });
        if let Some(n) = serde_json::Number::from_f64(x) {
            v["float"] = Value::Number(n);
        }
        // Bit for bit: the writer gives the shortest form that reads back to the same float,
        // and serde_json reads correctly rounded (its float_roundtrip feature).
        let text = link::write_json(&v, pretty);
        prop_assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }

    #[test]
    fn any_text_is_read_or_refused_without_a_panic(text in ".{0,300}") {
        let _ = link::decode(&text);
        let _ = link::decode(&format!("1.{text}"));
    }

    #[test]
    fn any_bytes_packed_as_a_link_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        use base64::Engine;
        let raw = format!("1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes));
        let _ = link::decode(&raw);
        let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        let deflated = format!("1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&packed));
        match link::decode(&deflated) {
            Ok(shared) => prop_assert!(shared.scenario.is_object()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn a_damaged_lesson_link_is_refused_or_opens_something_the_core_can_judge(cut in 0usize..4_000, flip in 0usize..4_000) {
        let (name, json) = common::scenarios().into_iter().next().unwrap();
        let text = link::encode(&serde_json::from_str(&json).unwrap(), Some(&name));
        let mut bytes = text.into_bytes();
        let i = 2 + flip % (bytes.len() - 2);
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        bytes.truncate(2 + cut % (bytes.len() - 1));
        let damaged = String::from_utf8(bytes).unwrap();
        if let Ok(shared) = link::decode(&damaged) {
            // It still has to pass the core's reading and validation to play.
            let _ = broker::Scenario::from_value(shared.scenario).map(|s| broker::validate(&s));
        }
    }
}

#[test]
fn inflating_never_goes_past_the_cap() {
    use base64::Engine;
    for size in [MAX_INFLATED_BYTES - 100, MAX_INFLATED_BYTES + 1, 8 * MAX_INFLATED_BYTES] {
        let body = format!("{{\"s\":{{\"title\":\"{}\"}}}}", "x".repeat(size));
        let packed = miniz_oxide::deflate::compress_to_vec(body.as_bytes(), 9);
        let text = format!("1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&packed));
        let got = link::decode(&text);
        if body.len() <= MAX_INFLATED_BYTES {
            assert!(got.is_ok(), "{size}: {got:?}");
        } else {
            assert_eq!(got, Err(LinkError::TooBig), "{size}");
        }
    }
}
