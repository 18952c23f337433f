//! Finds a key written twice in one JSON object. serde_json keeps the last of two equal keys
//! without a word, so `{"prefetch": 1, "prefetch": 50}` would quietly mean 50; a scenario file
//! is checked with this first, and the duplicate is reported by its path like any other
//! problem. (Written here because serde_json has no switch for it.)
//!
//! It scans the text once, after the JSON reader has accepted it, keeping a stack of the open
//! objects and lists and each object's keys as they come. When an object closes, its keys are
//! sorted (so a hostile object with 100,000 keys costs a sort, not a comparison of every pair),
//! and the first key in the text that repeats an earlier one is the one reported. A scan of
//! its own rather than a walk with serde's visitors: those were 4 KB of gzip'd wasm.

use crate::scenario::quoted::key_path;

/// A container the scan is inside.
enum Open {
    /// An object at `path`; its keys with where each was written, and the key whose value
    /// comes next.
    Object { path: String, keys: Vec<(String, usize)>, key: Option<String> },
    /// A list at `path` and the index of the item being read.
    List { path: String, index: usize },
}

/// The path of a value that starts now, inside `stack`.
fn value_path(stack: &[Open]) -> String {
    match stack.last() {
        None => String::new(),
        Some(Open::Object { path, key, .. }) => key_path(path, key.as_deref().unwrap_or("")),
        Some(Open::List { path, index }) => format!("{path}[{index}]"),
    }
}

/// The path of the first duplicated key, e.g. `nodes[1].prefetch` (a key that is not a plain
/// word quoted, as everywhere in a path), if any. Text that is not JSON gives `None` or a
/// guess, never a panic: the JSON reader reports it itself.
pub fn first_duplicate(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    // The earliest repeat so far: where in the text, and its path.
    let mut first: Option<(usize, String)> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                let path = value_path(&stack);
                stack.push(Open::Object { path, keys: Vec::new(), key: None });
            }
            b'[' => {
                let path = value_path(&stack);
                stack.push(Open::List { path, index: 0 });
            }
            b'}' | b']' => {
                if let Some(Open::Object { path, mut keys, .. }) = stack.pop() {
                    // A stable sort keeps equal keys in the order they were written.
                    keys.sort_by(|a, b| a.0.cmp(&b.0));
                    for pair in keys.windows(2) {
                        let ((a, _), (b, at)) = (&pair[0], &pair[1]);
                        if a == b && first.as_ref().is_none_or(|(f, _)| at < f) {
                            first = Some((*at, key_path(&path, b)));
                        }
                    }
                }
            }
            b',' => {
                if let Some(Open::List { index, .. }) = stack.last_mut() {
                    *index += 1;
                }
            }
            b'"' => {
                let (s, end) = string_at(bytes, i);
                let after = bytes[end..].iter().position(|c| !c.is_ascii_whitespace()).map(|k| end + k);
                if let (Some(Open::Object { keys, key, .. }), Some(colon)) = (stack.last_mut(), after) {
                    if bytes[colon] == b':' {
                        keys.push((s.clone(), i));
                        *key = Some(s);
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    first.map(|(_, path)| path)
}

/// The string whose opening quote is at `start`, unescaped, and the index after its closing
/// quote (or the text's end).
fn string_at(bytes: &[u8], start: usize) -> (String, usize) {
    let mut out: Vec<u8> = Vec::new();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1),
            b'\\' if i + 1 < bytes.len() => {
                let simple = match bytes[i + 1] {
                    b'n' => Some(b'\n'),
                    b't' => Some(b'\t'),
                    b'r' => Some(b'\r'),
                    b'b' => Some(8),
                    b'f' => Some(12),
                    b'u' => None,
                    other => Some(other),
                };
                match simple {
                    Some(c) => {
                        out.push(c);
                        i += 2;
                    }
                    None => {
                        let (c, used) = unicode_escape(bytes, i);
                        let mut buf = [0; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += used;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), bytes.len())
}

/// The character a `\uXXXX` escape at `at` stands for (a surrogate pair takes two escapes),
/// and how many bytes it took.
fn unicode_escape(bytes: &[u8], at: usize) -> (char, usize) {
    let hex = |from: usize| {
        let digits = bytes.get(from..from + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let Some(high) = hex(at + 2) else { return (char::REPLACEMENT_CHARACTER, 2) };
    if (0xD800..0xDC00).contains(&high) && bytes.get(at + 6..at + 8) == Some(b"\\u") {
        if let Some(low) = hex(at + 8).filter(|l| (0xDC00..0xE000).contains(l)) {
            let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return (char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER), 12);
        }
    }
    (char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER), 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_duplicate_by_path() {
        assert_eq!(first_duplicate(r#"{"a": 1, "b": {"c": [1, {"d": 1, "d": 2}]}}"#), Some("b.c[1].d".into()));
        assert_eq!(
            first_duplicate(r#"{"nodes": [{"id": "q", "prefetch": 1, "prefetch": 50}]}"#),
            Some("nodes[0].prefetch".into())
        );
        assert_eq!(first_duplicate(r#"{"a": 1, "a": 1}"#), Some("a".into()));
        // The first repeat in the text wins, however deep.
        assert_eq!(first_duplicate(r#"{"a": {"x": 1, "x": 2}, "a": 3}"#), Some("a.x".into()));
        assert_eq!(first_duplicate(r#"{"a": 1, "b": {"x": 1, "x": 2}, "a": 3}"#), Some("b.x".into()));
        assert_eq!(first_duplicate(r#"{"b": 1, "a": 2, "b": 3, "a": 4}"#), Some("b".into()));
        // Keys are compared as read, escapes undone; a string value is not a key.
        assert_eq!(first_duplicate(r#"{"a": "b", "\u0061": 1}"#), Some("a".into()));
        assert_eq!(first_duplicate(r#"{"k": "a", "j": "a"}"#), None);
        assert_eq!(first_duplicate(r#"{"\ud83d\ude00": 1, "😀": 2}"#), Some("[\"😀\"]".into()));
        assert_eq!(first_duplicate(r#"{"x\"y": 1, "x\"y": 2}"#), Some(r#"["x\"y"]"#.into()));
        assert_eq!(first_duplicate(r#"[[], {"a": [{"z": 0}, {"z": 1, "z": 2}]}]"#), Some("[1].a[1].z".into()));
    }

    #[test]
    fn clean_and_broken_json_give_none() {
        assert_eq!(first_duplicate(r#"{"a": [{"b": 1}, {"b": 2}], "c": {"b": 3}}"#), None);
        assert_eq!(first_duplicate("{\"a\": "), None);
        assert_eq!(first_duplicate("[]"), None);
        for broken in ["\"", "{\"a", "{\"\\u12", "}}]]", "{\"\\", "{\"a\":1,\"a\""] {
            let _ = first_duplicate(broken);
        }
    }

    #[test]
    fn a_hundred_thousand_keys_take_a_sort() {
        let keys: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\": {i}")).collect();
        assert_eq!(first_duplicate(&format!("{{{}}}", keys.join(","))), None);
        assert_eq!(first_duplicate(&format!("{{{}, \"k5\": 0}}", keys.join(","))), Some("k5".into()));
    }
}
