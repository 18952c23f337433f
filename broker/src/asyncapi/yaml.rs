//! YAML and AsyncAPI documents. `write` turns a JSON value into YAML, for `brokerlab asyncapi
//! export --yaml`: written here rather than with a YAML crate, since the document is JSON
//! already, and block-style YAML with every string in double quotes (YAML's double-quoted
//! strings are JSON's) is all it needs. Keys that are plain words stay plain.
//!
//! `read` (the `cli` feature only, so the page's wasm never links a YAML parser) goes the other
//! way for `brokerlab asyncapi import`: a YAML document, read by the `yaml-rust2` crate's event
//! parser, becomes a JSON value. Plain scalars are typed by YAML 1.2's core schema (`true`,
//! `42`, `0x2A`, `3.5`, `null`, `~`); quoted ones stay strings; an alias is a copy of its anchor,
//! and all the copies together may hold at most `MAX_YAML_NODES` values, so a "billion laughs"
//! file is refused rather than expanded.

use serde_json::Value;

/// `v` as a YAML document, ending in a newline.
pub fn write(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => list(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

#[cfg(feature = "yaml")]
pub use reader::{read, MAX_YAML_NODES};

#[cfg(feature = "yaml")]
mod reader {
    use serde_json::{Map, Number, Value};
    use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
    use yaml_rust2::scanner::{Marker, TScalarStyle};
    use yaml_rust2::Yaml;

    /// The most values (scalars, lists and maps, counting every copy an alias makes) a YAML
    /// document may expand to: far beyond any AsyncAPI document.
    pub const MAX_YAML_NODES: usize = 2_000_000;

    /// A YAML document (the first of the stream) as a JSON value, or why it is not one.
    pub fn read(text: &str) -> Result<Value, String> {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        parser.load(&mut builder, false).map_err(|e| e.to_string())?;
        if let Some(e) = builder.error {
            return Err(e);
        }
        builder.done.ok_or_else(|| "the document is empty".to_string())
    }

    /// An open list or map, with the anchor it will be stored under and, for a map, the key
    /// waiting for its value.
    enum Open {
        List(Vec<Value>, usize),
        Map(Map<String, Value>, usize, Option<String>),
    }

    #[derive(Default)]
    struct Builder {
        stack: Vec<Open>,
        /// Each anchor's value and how many values it holds.
        anchors: Vec<(usize, Value, usize)>,
        nodes: usize,
        done: Option<Value>,
        error: Option<String>,
    }

    fn size(v: &Value) -> usize {
        match v {
            Value::Array(a) => 1 + a.iter().map(size).sum::<usize>(),
            Value::Object(m) => 1 + m.values().map(size).sum::<usize>(),
            _ => 1,
        }
    }

    /// A plain scalar typed as YAML 1.2's core schema types it.
    fn plain(text: &str) -> Value {
        match Yaml::from_str(text) {
            Yaml::Null => Value::Null,
            Yaml::Boolean(b) => Value::Bool(b),
            Yaml::Integer(i) => Value::from(i),
            Yaml::Real(r) => {
                match r.parse::<f64>().ok().filter(|x| x.is_finite()).and_then(Number::from_f64) {
                    Some(n) => Value::Number(n),
                    // .inf and .nan have no JSON number.
                    None => Value::String(r),
                }
            }
            _ => Value::String(text.to_string()),
        }
    }

    /// A map's key: a scalar, written as text.
    fn key_text(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => Some("null".into()),
            Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
            _ => None,
        }
    }

    impl Builder {
        fn fail(&mut self, why: String, mark: Marker) {
            if self.error.is_none() {
                self.error = Some(format!("{why} at line {} column {}", mark.line(), mark.col() + 1));
            }
        }

        /// Puts a finished value where it belongs: into the open list or map, or as the
        /// document.
        fn add(&mut self, v: Value, anchor: usize, mark: Marker) {
            let n = size(&v);
            if anchor > 0 {
                self.anchors.push((anchor, v.clone(), n));
            }
            match self.stack.last_mut() {
                None => self.done = Some(v),
                Some(Open::List(items, _)) => items.push(v),
                Some(Open::Map(map, _, waiting)) => match waiting.take() {
                    None => match key_text(&v) {
                        Some(k) => *waiting = Some(k),
                        None => self.fail("a key must be a plain value, not a list or a map".into(), mark),
                    },
                    Some(k) => {
                        if map.contains_key(&k) {
                            let shown = crate::scenario::quoted::quote(&k);
                            self.fail(format!("the key {shown} is written twice in one map"), mark);
                        } else {
                            map.insert(k, v);
                        }
                    }
                },
            }
        }

        fn count(&mut self, n: usize, mark: Marker) -> bool {
            self.nodes = self.nodes.saturating_add(n);
            if self.nodes > MAX_YAML_NODES {
                self.fail(format!("more than {MAX_YAML_NODES} values once its aliases are expanded"), mark);
                return false;
            }
            true
        }
    }

    impl MarkedEventReceiver for Builder {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            if self.error.is_some() {
                return;
            }
            match ev {
                Event::SequenceStart(anchor, _) => {
                    if self.count(1, mark) {
                        self.stack.push(Open::List(Vec::new(), anchor));
                    }
                }
                Event::MappingStart(anchor, _) => {
                    if self.count(1, mark) {
                        self.stack.push(Open::Map(Map::new(), anchor, None));
                    }
                }
                Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                    Some(Open::List(items, anchor)) => self.add(Value::Array(items), anchor, mark),
                    Some(Open::Map(map, anchor, _)) => self.add(Value::Object(map), anchor, mark),
                    None => self.fail("a list or a map ends that never began".into(), mark),
                },
                Event::Scalar(text, style, anchor, tag) => {
                    if !self.count(1, mark) {
                        return;
                    }
                    let as_string = style != TScalarStyle::Plain
                        || tag.as_ref().is_some_and(|t| t.handle == "tag:yaml.org,2002:" && t.suffix == "str");
                    let v = if as_string { Value::String(text) } else { plain(&text) };
                    self.add(v, anchor, mark);
                }
                Event::Alias(id) => match self.anchors.iter().rev().find(|(a, _, _)| *a == id) {
                    Some((_, v, n)) => {
                        let (v, n) = (v.clone(), *n);
                        if self.count(n, mark) {
                            self.add(v, 0, mark);
                        }
                    }
                    None => self.fail("an alias to an anchor not defined before it".into(), mark),
                },
                Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd | Event::Nothing => {}
            }
        }
    }
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n("  ", depth));
}

fn map(out: &mut String, m: &serde_json::Map<String, Value>, depth: usize) {
    for (k, v) in m {
        indent(out, depth);
        out.push_str(&map_key(k));
        out.push(':');
        value(out, v, depth);
    }
}

fn list(out: &mut String, a: &[Value], depth: usize) {
    for v in a {
        indent(out, depth);
        out.push('-');
        match v {
            // A map in a list starts on the dash's line.
            Value::Object(m) if !m.is_empty() => {
                let mut first = true;
                for (k, v) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, depth + 1);
                    }
                    out.push_str(&map_key(k));
                    out.push(':');
                    value(out, v, depth + 1);
                }
            }
            other => value(out, other, depth),
        }
    }
}

/// What follows a key's colon or a list's dash: a nested block on the next lines, or a scalar.
fn value(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            map(out, m, depth + 1);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            list(out, a, depth + 1);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        // JSON's own text: null, true, false, numbers and double-quoted strings are YAML too.
        other => other.to_string(),
    }
}

/// A key as it is, when it is a plain word YAML reads back as that string; quoted otherwise.
fn map_key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
        && !k.starts_with(['-', '.'])
        && !matches!(k, "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~")
        && k.parse::<f64>().is_err();
    if plain {
        k.to_string()
    } else {
        Value::from(k).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_lists_and_quoted_strings() {
        let v = json!({"asyncapi": "3.0.0", "info": {"title": "A: b", "n": 3, "ok": true},
                       "list": [{"$ref": "#/x", "k": 1}, "y", []], "empty": {}, "1.5": null, "yes": "no"});
        assert_eq!(
            write(&v),
            // serde_json's objects keep their keys sorted; "n", "yes" and "1.5" are quoted, or
            // YAML 1.1 would read a boolean and a number.
            "\"1.5\": null\nasyncapi: \"3.0.0\"\nempty: {}\ninfo:\n  \"n\": 3\n  ok: true\n  title: \"A: b\"\nlist:\n  - $ref: \"#/x\"\n    k: 1\n  - \"y\"\n  - []\n\"yes\": \"no\"\n"
        );
    }

    #[cfg(feature = "yaml")]
    #[test]
    fn what_write_writes_reads_back_the_same() {
        let v = json!({"asyncapi": "3.0.0", "info": {"title": "A: b", "n": 3, "ok": true, "x": 2.5},
                       "list": [{"$ref": "#/x", "k": 1}, "y", [], "no", "null", "42", null],
                       "empty": {}, "1.5": null, "yes": "no", "esc": "tab\there \u{1b}"});
        assert_eq!(read(&write(&v)).unwrap(), v);
    }

    #[cfg(feature = "yaml")]
    #[test]
    fn plain_scalars_are_typed_and_quoted_ones_are_strings() {
        let text = "a: 42\nb: '42'\nc: 0x2A\nd: 3.5\ne: ~\nf: true\ng: !!str true\nh: .inf\n7: seven\nlist: [1, two, \"3\"]\nblock: |\n  line one\n  line two\n";
        assert_eq!(
            read(text).unwrap(),
            json!({"a": 42, "b": "42", "c": 42, "d": 3.5, "e": null, "f": true, "g": "true", "h": ".inf",
                   "7": "seven", "list": [1, "two", "3"], "block": "line one\nline two\n"})
        );
    }

    #[cfg(feature = "yaml")]
    #[test]
    fn anchors_are_copied_and_an_alias_bomb_is_refused() {
        assert_eq!(read("base: &b {x: 1}\nother: *b\n").unwrap(), json!({"base": {"x": 1}, "other": {"x": 1}}));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", [prev.as_str(); 10].join(", ")));
        }
        let why = read(&bomb).unwrap_err();
        assert!(why.contains("aliases are expanded"), "{why}");
    }

    #[cfg(feature = "yaml")]
    #[test]
    fn broken_yaml_says_where() {
        let why = read("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(why.contains("line"), "{why}");
        assert!(read("a: 1\na: 2\n").unwrap_err().contains("written twice"));
        assert!(read("? [1]\n: x\n").unwrap_err().contains("a key must be a plain value"));
        assert!(read("").unwrap_err().contains("empty"));
    }
}
