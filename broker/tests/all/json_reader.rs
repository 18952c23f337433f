//! The core's JSON reader (`broker::scenario::json`) against serde_json's, which it replaces
//! in the app: on every shipped scenario, on random JSON written compact and pretty, and on
//! texts damaged one byte at a time, both accept the same texts and read the same values
//! (numbers of the same kind, floats to the same bit). The one intended difference: a key
//! written twice is refused by ours, where serde_json keeps the last.

use broker::scenario::json::{read, JsonError};
use proptest::prelude::*;
use serde_json::Value;

use crate::common::{self, any_json::arbitrary_json};

/// Both readers on `text`: the same verdict, and the same value when it is JSON.
fn same_as_serde(text: &str) {
    let serde: Result<Value, _> = serde_json::from_str(text);
    match (read(text), serde) {
        (Ok(ours), Ok(theirs)) => {
            assert_eq!(ours, theirs, "{text:?}");
            // Equal values can still differ in a float's sign of zero.
            assert_eq!(ours.to_string(), theirs.to_string(), "{text:?}");
        }
        (Err(JsonError::WrittenTwice(_)), Ok(_)) => {}
        (Err(JsonError::Syntax { .. }), Err(_)) => {}
        (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
}

#[test]
fn every_shipped_scenario_reads_as_serde_json_reads_it() {
    let all = common::scenarios();
    assert!(all.len() >= 20);
    for (name, text) in all {
        assert!(read(&text).is_ok(), "{name}");
        same_as_serde(&text);
    }
}

#[test]
fn edge_cases_read_alike() {
    for text in [
        "0",
        "-0",
        "-0.0",
        "1.5e308",
        "1e309",
        "-1e309",
        "1e-400",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "12345678901234567890123",
        "0.1e1",
        "1E+2",
        "1e-2",
        "00",
        "-",
        "-a",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "0x10",
        "1.0e2.0",
        "true",
        "tru",
        "nul",
        "nulls",
        "\"\\u00e9\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\ud83d\\u0041\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"tab\there\"",
        "\"\\/\"",
        "[1,]",
        "{\"a\":1,}",
        "[,1]",
        "{,}",
        "{\"a\"}",
        "{\"a\":}",
        " [ 1 , 2 ] ",
        "[1] [2]",
        "\u{feff}[]",
        "[\"\u{7f}\"]",
        "{\"a\":{\"a\":{}}}",
    ] {
        same_as_serde(text);
    }
}

#[test]
fn nesting_is_refused_where_serde_json_refuses_it() {
    for depth in [126, 127, 128, 129, 200] {
        same_as_serde(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        same_as_serde(&format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
    }
}

proptest! {
    #[test]
    fn random_json_reads_back_alike(v in arbitrary_json()) {
        same_as_serde(&v.to_string());
        same_as_serde(&serde_json::to_string_pretty(&v).unwrap());
        prop_assert_eq!(read(&v.to_string()).unwrap(), v);
    }

    #[test]
    fn a_damaged_lesson_reads_alike(pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(),
                                    how in 0usize..3, byte in prop::sample::select(b"{}[],:\"\\0123456789.eE-+ tfnu/x".to_vec())) {
        let all = common::scenarios();
        let mut text = all[pick.index(all.len())].1.clone().into_bytes();
        let i = at.index(text.len());
        match how {
            0 => { text.remove(i); }
            1 => text.insert(i, byte),
            _ => text[i] = byte,
        }
        // A damaged multi-byte character is not text at all; both readers take `&str`.
        if let Ok(text) = String::from_utf8(text) {
            same_as_serde(&text);
        }
    }
}
