//! Reads JSON text into a `serde_json::Value`: every scenario file, link, lesson file and
//! field the app parses comes through here. One pass does three things a scenario needs:
//! it reports the first syntax error with its line and column in serde_json's words, it
//! refuses nesting deeper than 127 lists and objects (where serde_json stops), and it finds a key written twice in
//! one object (serde_json keeps the last of two equal keys without a word, so
//! `{"prefetch": 1, "prefetch": 50}` would quietly mean 50). The duplicate is reported by its
//! path, like any other problem, once the whole text has been read as JSON.
//!
//! Written here rather than taken from serde_json's reader because that reader, its number
//! tables and a second scan for duplicates were about 20 KB of the app's gzip'd wasm; serde_json
//! still writes JSON and still provides `Value`. Numbers are read exactly as serde_json reads
//! them (an integer that fits is a `u64` or an `i64`, anything else an `f64`, correctly
//! rounded by `json_number`), so a file gives the same `Value`, and the same run, either way.

use serde_json::{Map, Number, Value};

use crate::scenario::json_number;
use crate::scenario::quoted::key_path;

/// The deepest nesting of lists and objects read, as in serde_json.
const MOST_DEPTH: usize = 127;

/// Why a text was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON: what was wrong (serde_json's words) and where, counted from 1; the column
    /// counts characters.
    Syntax { what: &'static str, line: usize, column: usize },
    /// JSON, but a key is written twice in one object: the path of the first repeat in the
    /// text, e.g. `nodes[1].prefetch` (a key that is not a plain word quoted, as in every path).
    WrittenTwice(String),
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Syntax { what, line, column } => write!(f, "{what} at line {line} column {column}"),
            JsonError::WrittenTwice(path) => write!(f, "{path}: is written twice in the same object; keep one"),
        }
    }
}

/// Reads `text` as one JSON value (whitespace around it allowed).
pub fn read(text: &str) -> Result<Value, JsonError> {
    let mut reader = Reader { text: text.as_bytes(), at: 0, path: Vec::new(), twice: None };
    let value = reader.value().and_then(|v| {
        reader.skip_space();
        if reader.at < reader.text.len() {
            return Err(("trailing characters", reader.at));
        }
        Ok(v)
    });
    match value {
        Err((what, at)) => Err(syntax(text, what, at)),
        Ok(_) if reader.twice.is_some() => Err(JsonError::WrittenTwice(reader.twice.unwrap_or_default())),
        Ok(v) => Ok(v),
    }
}

/// A whole text that is one JSON number, as `read` would read it (`"1.5"`, `"-2e3"`); `None`
/// for anything else.
pub fn number(text: &str) -> Option<f64> {
    read(text).ok()?.as_f64()
}

/// An object of these keys and values. Built by inserting one at a time: collecting into a
/// `Value` sorts the pairs first, which brings a whole sort routine into the wasm.
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// A syntax error at byte `at` of `text`, with its line and column (the last character's when
/// the text ran out).
fn syntax(text: &str, what: &'static str, at: usize) -> JsonError {
    let at = at.min(text.len().saturating_sub(1));
    let before = text.get(..at).unwrap_or(text);
    let line = 1 + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = 1 + before[line_start..].chars().count();
    JsonError::Syntax { what, line, column }
}

/// Where a value sits in the text being read: the key or the index it is under.
enum Step {
    Key(String),
    Index(usize),
}

/// What went wrong and the byte where.
type Failed = (&'static str, usize);

struct Reader<'a> {
    text: &'a [u8],
    /// The next byte to read.
    at: usize,
    /// The keys and indices down to the value being read.
    path: Vec<Step>,
    /// The path of the first key written twice, once one is found.
    twice: Option<String>,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after any whitespace, not taken.
    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.at).copied()
    }

    fn value(&mut self) -> Result<Value, Failed> {
        match self.peek() {
            None => Err(("EOF while parsing a value", self.at)),
            Some(b'{') => self.object(),
            Some(b'[') => self.list(),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word(b"true", Value::Bool(true)),
            Some(b'f') => self.word(b"false", Value::Bool(false)),
            Some(b'n') => self.word(b"null", Value::Null),
            Some(_) => Err(("expected value", self.at)),
        }
    }

    fn word(&mut self, word: &[u8], value: Value) -> Result<Value, Failed> {
        for &c in word {
            match self.text.get(self.at) {
                None => return Err(("EOF while parsing a value", self.at)),
                Some(&b) if b == c => self.at += 1,
                Some(_) => return Err(("expected ident", self.at)),
            }
        }
        Ok(value)
    }

    /// Opens a list or an object at the current byte, refusing one level too deep.
    fn open(&mut self) -> Result<(), Failed> {
        if self.path.len() >= MOST_DEPTH {
            return Err(("recursion limit exceeded", self.at));
        }
        self.at += 1;
        Ok(())
    }

    fn list(&mut self) -> Result<Value, Failed> {
        self.open()?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.path.push(Step::Index(items.len()));
            let item = self.value();
            self.path.pop();
            items.push(item?);
            if self.closed(b']', "expected `,` or `]`", "EOF while parsing a list")? {
                return Ok(Value::Array(items));
            }
        }
    }

    /// After an item of a list or an object: a comma (and more to come), or the closing
    /// bracket `close`, taken; whether it closed.
    fn closed(&mut self, close: u8, expected: &'static str, eof: &'static str) -> Result<bool, Failed> {
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                if self.peek() == Some(close) {
                    return Err(("trailing comma", self.at));
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.at += 1;
                Ok(true)
            }
            Some(_) => Err((expected, self.at)),
            None => Err((eof, self.at)),
        }
    }

    fn object(&mut self) -> Result<Value, Failed> {
        self.open()?;
        let mut map = Map::new();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(map));
        }
        loop {
            match self.peek() {
                Some(b'"') => {}
                Some(_) => return Err(("key must be a string", self.at)),
                None => return Err(("EOF while parsing an object", self.at)),
            }
            let key = self.string()?;
            match self.peek() {
                Some(b':') => self.at += 1,
                Some(_) => return Err(("expected `:`", self.at)),
                None => return Err(("EOF while parsing an object", self.at)),
            }
            if self.twice.is_none() && map.contains_key(&key) {
                self.twice = Some(key_path(&self.path_text(), &key));
            }
            self.path.push(Step::Key(key));
            let value = self.value();
            let Some(Step::Key(key)) = self.path.pop() else { unreachable!("the step pushed above") };
            map.insert(key, value?);
            if self.closed(b'}', "expected `,` or `}`", "EOF while parsing an object")? {
                return Ok(Value::Object(map));
            }
        }
    }

    /// The path of the value being read, as problems write it (`nodes[0].faults`).
    fn path_text(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            out = match step {
                Step::Key(k) => key_path(&out, k),
                Step::Index(i) => format!("{out}[{i}]"),
            };
        }
        out
    }

    /// The string whose opening quote is the current byte, escapes undone.
    fn string(&mut self) -> Result<String, Failed> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let start = self.at;
            while let Some(&c) = self.text.get(self.at) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.extend_from_slice(&self.text[start..self.at]);
            match self.text.get(self.at) {
                None => return Err(("EOF while parsing a string", self.at)),
                Some(b'"') => {
                    self.at += 1;
                    // Whole characters of a `&str` and whole escapes were copied: still UTF-8.
                    return String::from_utf8(out).map_err(|_| ("invalid unicode code point", self.at));
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(("control character (\\u0000-\\u001F) found while parsing a string", self.at)),
            }
        }
    }

    /// Undoes the escape at the current byte (a backslash) onto `out`.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Failed> {
        let Some(&c) = self.text.get(self.at + 1) else { return Err(("EOF while parsing a string", self.text.len())) };
        self.at += 2;
        let simple = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let c = self.unicode_escape()?;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => return Err(("invalid escape", self.at - 1)),
        };
        out.push(simple);
        Ok(())
    }

    /// The character of a `\u` escape whose four digits start at the current byte; a
    /// surrogate pair takes two escapes.
    fn unicode_escape(&mut self) -> Result<char, Failed> {
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if self.text.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(("lone leading surrogate in hex escape", self.at));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(("lone leading surrogate in hex escape", self.at));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(("lone leading surrogate in hex escape", self.at)),
            c => c,
        };
        char::from_u32(code).ok_or(("invalid unicode code point", self.at))
    }

    fn hex4(&mut self) -> Result<u32, Failed> {
        let mut code = 0;
        for _ in 0..4 {
            let Some(&c) = self.text.get(self.at) else { return Err(("EOF while parsing a string", self.at)) };
            let digit = (c as char).to_digit(16).ok_or(("invalid escape", self.at))?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Ok(code)
    }

    /// A number: `-`, digits without a leading zero, then an optional fraction and exponent.
    fn number(&mut self) -> Result<Value, Failed> {
        let start = self.at;
        let negative = self.text[self.at] == b'-';
        self.at += usize::from(negative);
        let whole = self.digits();
        let first = self.text.get(whole.start).copied();
        match first {
            None => return Err(("EOF while parsing a value", self.at)),
            Some(b'0'..=b'9') => {}
            Some(_) => return Err(("invalid number", self.at)),
        }
        if first == Some(b'0') && whole.len() > 1 {
            return Err(("invalid number", whole.start + 1));
        }
        let mut fraction = self.at..self.at;
        if self.text.get(self.at) == Some(&b'.') {
            self.at += 1;
            fraction = self.digits();
            if fraction.is_empty() {
                return Err((
                    if self.at == self.text.len() { "EOF while parsing a value" } else { "invalid number" },
                    self.at,
                ));
            }
        }
        let mut exponent: i64 = 0;
        let mut has_exponent = false;
        if let Some(b'e' | b'E') = self.text.get(self.at) {
            has_exponent = true;
            self.at += 1;
            let minus = self.text.get(self.at) == Some(&b'-');
            if let Some(b'+' | b'-') = self.text.get(self.at) {
                self.at += 1;
            }
            let digits = self.digits();
            if digits.is_empty() {
                return Err((
                    if self.at == self.text.len() { "EOF while parsing a value" } else { "invalid number" },
                    self.at,
                ));
            }
            // Beyond a billion the number is 0 or out of range whatever its digits.
            for &d in &self.text[digits] {
                exponent = (exponent * 10 + i64::from(d - b'0')).min(1_000_000_000);
            }
            if minus {
                exponent = -exponent;
            }
        }
        let whole_digits = &self.text[whole];
        if fraction.is_empty() && !has_exponent {
            if let Some(v) = integer(negative, whole_digits) {
                return Ok(v);
            }
        }
        let x =
            json_number::to_f64(whole_digits, &self.text[fraction], exponent).ok_or(("number out of range", start))?;
        let x = if negative { -x } else { x };
        Ok(Number::from_f64(x).map_or(Value::Null, Value::Number))
    }

    /// The run of ASCII digits from the current byte, taken.
    fn digits(&mut self) -> std::ops::Range<usize> {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.text.get(self.at) {
            self.at += 1;
        }
        start..self.at
    }
}

/// An integer written without a fraction or an exponent, as serde_json keeps it: a `u64`,
/// or a negative `i64`; `None` when it does not fit (it is then read as an `f64`), and for
/// `-0`, which serde_json reads as the float -0.0.
fn integer(negative: bool, digits: &[u8]) -> Option<Value> {
    let mut n: u64 = 0;
    for &d in digits {
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    match (negative, n) {
        (false, n) => Some(Value::from(n)),
        (true, 0) => None,
        (true, n) if n <= 1 << 63 => Some(Value::from((n as i64).wrapping_neg())),
        (true, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twice(text: &str) -> Option<String> {
        match read(text) {
            Err(JsonError::WrittenTwice(path)) => Some(path),
            _ => None,
        }
    }

    #[test]
    fn finds_the_first_key_written_twice_by_its_path() {
        assert_eq!(twice(r#"{"a": 1, "b": {"c": [1, {"d": 1, "d": 2}]}}"#), Some("b.c[1].d".into()));
        assert_eq!(
            twice(r#"{"nodes": [{"id": "q", "prefetch": 1, "prefetch": 50}]}"#),
            Some("nodes[0].prefetch".into())
        );
        assert_eq!(twice(r#"{"a": 1, "a": 1}"#), Some("a".into()));
        // The first repeat in the text wins, however deep.
        assert_eq!(twice(r#"{"a": {"x": 1, "x": 2}, "a": 3}"#), Some("a.x".into()));
        assert_eq!(twice(r#"{"a": 1, "b": {"x": 1, "x": 2}, "a": 3}"#), Some("b.x".into()));
        assert_eq!(twice(r#"{"b": 1, "a": 2, "b": 3, "a": 4}"#), Some("b".into()));
        // Keys are compared as read, escapes undone; a string value is not a key.
        assert_eq!(twice(r#"{"a": "b", "\u0061": 1}"#), Some("a".into()));
        assert_eq!(twice(r#"{"k": "a", "j": "a"}"#), None);
        assert_eq!(twice(r#"{"\ud83d\ude00": 1, "😀": 2}"#), Some("[\"😀\"]".into()));
        assert_eq!(twice(r#"{"x\"y": 1, "x\"y": 2}"#), Some(r#"["x\"y"]"#.into()));
        assert_eq!(twice(r#"[[], {"a": [{"z": 0}, {"z": 1, "z": 2}]}]"#), Some("[1].a[1].z".into()));
        assert_eq!(twice(r#"{"a": [{"b": 1}, {"b": 2}], "c": {"b": 3}}"#), None);
    }

    #[test]
    fn a_syntax_error_wins_over_a_key_written_twice() {
        let e = read(r#"{"a": 1, "a": 2, }"#).unwrap_err();
        assert_eq!(e.to_string(), "trailing comma at line 1 column 18");
    }

    #[test]
    fn a_hundred_thousand_keys_are_one_pass() {
        let keys: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\": {i}")).collect();
        assert!(read(&format!("{{{}}}", keys.join(","))).is_ok());
        assert_eq!(twice(&format!("{{{}, \"k5\": 0}}", keys.join(","))), Some("k5".into()));
    }

    #[test]
    fn errors_say_where_in_serde_json_words() {
        let cases = [
            ("", "EOF while parsing a value at line 1 column 1"),
            ("{", "EOF while parsing an object at line 1 column 1"),
            ("[1,\n 2", "EOF while parsing a list at line 2 column 2"),
            ("{\"a\" 1}", "expected `:` at line 1 column 6"),
            ("[1 2]", "expected `,` or `]` at line 1 column 4"),
            ("{\"a\": 1 \"b\"}", "expected `,` or `}` at line 1 column 9"),
            ("{1: 2}", "key must be a string at line 1 column 2"),
            ("[tru]", "expected ident at line 1 column 5"),
            ("[01]", "invalid number at line 1 column 3"),
            ("[1e999]", "number out of range at line 1 column 2"),
            ("\"a\u{1}\"", "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3"),
            ("\"\\x\"", "invalid escape at line 1 column 3"),
            ("\"\\ud800\"", "lone leading surrogate in hex escape at line 1 column 8"),
            ("{} x", "trailing characters at line 1 column 4"),
            ("é x", "expected value at line 1 column 1"),
            ("[\"é\", x]", "expected value at line 1 column 7"),
        ];
        for (text, want) in cases {
            assert_eq!(read(text).unwrap_err().to_string(), want, "{text:?}");
        }
    }

    #[test]
    fn nesting_stops_at_127_levels() {
        let ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(read(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(read(&deep).unwrap_err().to_string().starts_with("recursion limit exceeded"));
        // A hostile depth is refused at its 128th bracket, never read to the end.
        assert!(read(&"[{\"a\":".repeat(1_000_000)).is_err());
    }

    #[test]
    fn numbers_keep_serde_jsons_kinds() {
        let v = read("[0, 7, -7, 18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809, -0, 1.0, 1e2, 0.1]").unwrap();
        let kinds: Vec<String> = v.as_array().unwrap().iter().map(|n| format!("{n:?}")).collect();
        let serde: Value = serde_json::from_str(&v.to_string()).unwrap();
        assert_eq!(v, serde, "{kinds:?}");
        assert!(v[0].is_u64() && v[2].is_i64() && v[4].is_f64() && v[5].is_i64() && v[6].is_f64() && v[7].is_f64());
        assert_eq!(number("2.5e-3"), Some(0.0025));
        assert_eq!(number(" 2 "), Some(2.0));
        assert_eq!(number("2.5x"), None);
        assert_eq!(number("\"2\""), None);
    }
}
