//! A JSON value written as YAML, for `brokerlab asyncapi export --yaml`. Written here rather than
//! with a YAML crate: the document is JSON already, and block-style YAML with every string in
//! double quotes (YAML's double-quoted strings are JSON's) is all it needs. Keys that are plain
//! words stay plain.

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
}
