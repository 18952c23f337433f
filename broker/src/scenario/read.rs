//! Reading the scenario file's parsed JSON into its types, by hand, with every problem named
//! by its field's path (`nodes[2].retry.base_ms: must be a number, not string "ten"`) and
//! written in the format's words. This file holds the reading's parts: where a value sits
//! (`At`), the scalars (whole numbers, numbers, strings, yes-or-no), lists, objects with their
//! known fields (`Fields`), and choices, written as a name (`"at-least-once"`) or as an object
//! with one key naming the choice (`{"poisson": {"rate_per_s": 8}}`). Each type's own reader
//! sits beside the type (`ProducerSpec::read` in `producer.rs`, ...).
//!
//! Why not serde's derived `Deserialize`: it was measured at 33 KB of the app's gzip'd wasm
//! (a visitor per type, field and variant, and the machinery to name a path inside them),
//! against a few KB for this, and its messages spoke of Rust's types and had to be translated.
//! The words of the messages stay the ones serde used where a person or a tool reads them:
//! "unknown field `x`, expected one of `a`, `b`" (the app's field catalogue reads the names
//! back from it), "missing field `id`", "unknown variant `x`, expected ...".

use serde_json::{Map, Value};

use crate::scenario::problem::Problem;
use crate::scenario::quoted;

/// A reader's result: the value, or the one problem that stopped it.
pub(crate) type Read<T> = Result<T, Problem>;

/// Where a value sits in the file: a chain of keys and list indexes on the reader's stack,
/// turned into a path (`nodes[0].faults[1].crash`) only when there is a problem to report.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    up: Option<&'a At<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    /// A path written out already (`nodes[2]`, or empty for the scenario itself).
    Base(&'a str),
    Key(&'a str),
    Index(usize),
}

impl<'a> At<'a> {
    pub fn base(path: &'a str) -> At<'a> {
        At { up: None, step: Step::Base(path) }
    }

    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At { up: Some(self), step: Step::Key(key) }
    }

    pub fn index(&'a self, index: usize) -> At<'a> {
        At { up: Some(self), step: Step::Index(index) }
    }

    pub fn path(&self) -> String {
        let up = self.up.map(At::path).unwrap_or_default();
        match self.step {
            Step::Base(path) => path.to_string(),
            Step::Key(key) => quoted::key_path(&up, key),
            Step::Index(i) => format!("{up}[{i}]"),
        }
    }

    /// A problem with the value here.
    pub fn bad(&self, message: impl Into<String>) -> Problem {
        Problem::new(self.path(), message)
    }

    /// "must be `wanted`, not what was found".
    pub fn wrong(&self, wanted: &str, found: &Value) -> Problem {
        self.bad(format!("must be {wanted}, not {}", found_words(found)))
    }
}

/// What was written where something else was wanted, as a problem quotes it: `string "ten"`,
/// ``integer `1` ``, ``floating point `1.5` ``, ``boolean `true` ``, null, a list, an object.
pub(crate) fn found_words(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The names a value may take, as serde listed them: "`a`", "`a` or `b`", "one of `a`, `b`,
/// `c`".
fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [a, b] => format!("{a} or {b}"),
        [one] => one.clone(),
        all => format!("one of {}", all.join(", ")),
    }
}

/// "expected `a` or `b`", or `none` when nothing is allowed.
fn expected(names: &[&str], none: &str) -> String {
    if names.is_empty() {
        none.to_string()
    } else {
        format!("expected {}", listed(names))
    }
}

// ---------------------------------------------------------------------------------------
// Scalars

/// A whole number. A number with a fraction, or one too large for 64 bits, says so.
pub(crate) fn int(v: &Value, at: &At) -> Read<i64> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(i),
            None if n.is_u64() => Err(at.bad(format!("is too large (got {n})"))),
            None => Err(not_whole(n, at)),
        },
        other => Err(at.wrong("a whole number", other)),
    }
}

/// A whole number from 0 up to 2^64-1 (a seed).
pub(crate) fn uint(v: &Value, at: &At) -> Read<u64> {
    match v {
        Value::Number(n) => match n.as_u64() {
            Some(u) => Ok(u),
            None if n.is_i64() => Err(at.bad(format!("must not be negative (got {n})"))),
            None => Err(not_whole(n, at)),
        },
        other => Err(at.wrong("a whole number", other)),
    }
}

fn not_whole(n: &serde_json::Number, at: &At) -> Problem {
    let v = n.as_f64().unwrap_or(f64::NAN);
    at.bad(if v.abs() >= 9.2e18 {
        format!("is too large (got {n})")
    } else if v.fract() == 0.0 {
        format!("must be a whole number written without a decimal point (got {n})")
    } else {
        format!("must be a whole number (got {n})")
    })
}

/// A number, whole or not.
pub(crate) fn float(v: &Value, at: &At) -> Read<f64> {
    v.as_f64().ok_or_else(|| at.wrong("a number", v))
}

pub(crate) fn string(v: &Value, at: &At) -> Read<String> {
    v.as_str().map(str::to_string).ok_or_else(|| at.wrong("a string", v))
}

pub(crate) fn boolean(v: &Value, at: &At) -> Read<bool> {
    v.as_bool().ok_or_else(|| at.wrong("a boolean", v))
}

/// A list, each item read by `item` at its index.
pub(crate) fn list<T>(v: &Value, at: &At, item: fn(&Value, &At) -> Read<T>) -> Read<Vec<T>> {
    let items = v.as_array().ok_or_else(|| at.wrong("a list", v))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        out.push(item(x, &at.index(i))?);
    }
    Ok(out)
}

/// A string, or a list of strings; anything else is `wanted`.
pub(crate) fn string_or_strings(v: &Value, at: &At, wanted: &str) -> Read<Result<String, Vec<String>>> {
    match v {
        Value::String(s) => Ok(Ok(s.clone())),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            Ok(Err(items.iter().filter_map(Value::as_str).map(str::to_string).collect()))
        }
        _ => Err(at.bad(format!("must be {wanted}"))),
    }
}

// ---------------------------------------------------------------------------------------
// Choices

/// A choice written as its name: the index of `v` in `names`.
pub(crate) fn name_of(v: &Value, at: &At, names: &[&str]) -> Read<usize> {
    let Value::String(s) = v else {
        return Err(at.wrong(&listed(names), v));
    };
    names.iter().position(|n| n == s).ok_or_else(|| unknown_variant(s, at, names))
}

/// A choice written as its name, one of `names`; it stands for the value in the same place
/// in `all`.
pub(crate) fn choice<T: Copy>(v: &Value, at: &At, names: &[&str], all: &[T]) -> Read<T> {
    Ok(all[name_of(v, at, names)?])
}

/// A choice of the format written as its name: `named_choice!(QueueType { Classic = "classic",
/// Quorum = "quorum" })` gives `QueueType::read`, which refuses any other name with the list
/// of those it knows.
macro_rules! named_choice {
    ($ty:ident { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            pub(crate) fn read(v: &serde_json::Value, at: &$crate::scenario::read::At) -> $crate::scenario::read::Read<$ty> {
                $crate::scenario::read::choice(v, at, &[$($name),+], &[$($ty::$variant),+])
            }
        }
    };
}
pub(crate) use named_choice;

fn unknown_variant(name: &str, at: &At, names: &[&str]) -> Problem {
    at.bad(format!("unknown variant `{name}`, {}", expected(names, "there are no variants")))
}

/// A choice written as an object with one key naming it, `{"poisson": {"rate_per_s": 8}}`:
/// the index of its name in `names`, the name, and its settings. `example` shows the form.
pub(crate) fn tagged<'v>(v: &'v Value, at: &At, names: &[&str], example: &str) -> Read<(usize, &'v str, &'v Value)> {
    let one_key = || at.bad(format!("must be an object with one key naming the choice, e.g. {example}"));
    let Value::Object(map) = v else {
        return Err(match v {
            Value::String(s) if !names.contains(&s.as_str()) => unknown_variant(s, at, names),
            _ => one_key(),
        });
    };
    let mut entries = map.iter();
    let (Some((name, body)), None) = (entries.next(), entries.next()) else {
        return Err(one_key());
    };
    let i = names.iter().position(|n| n == name).ok_or_else(|| unknown_variant(name, at, names))?;
    Ok((i, name, body))
}

// ---------------------------------------------------------------------------------------
// Objects

/// An object whose keys are all known: a struct of the format. Reading a field gives its
/// value or its default; a key the object may not hold is refused when the object is opened.
pub(crate) struct Fields<'v, 'a> {
    map: &'v Map<String, Value>,
    at: At<'a>,
}

impl<'v, 'a> Fields<'v, 'a> {
    /// Opens `v` as an object with the fields `names`; anything else is `wanted`.
    pub fn new(v: &'v Value, at: &At<'a>, names: &[&str], wanted: &str) -> Read<Fields<'v, 'a>> {
        let map = v.as_object().ok_or_else(|| at.wrong(wanted, v))?;
        Fields::of(map, at, names)
    }

    /// Opens an object already known to be one.
    pub fn of(map: &'v Map<String, Value>, at: &At<'a>, names: &[&str]) -> Read<Fields<'v, 'a>> {
        if let Some(key) = map.keys().find(|k| !names.contains(&k.as_str())) {
            return Err(at.key(key).bad(format!("unknown field `{key}`, {}", expected(names, "there are no fields"))));
        }
        Ok(Fields { map, at: *at })
    }

    /// A field that must be there.
    pub fn req<T>(&self, name: &str, read: fn(&Value, &At) -> Read<T>) -> Read<T> {
        match self.map.get(name) {
            Some(v) => read(v, &self.at.key(name)),
            None => Err(self.at.bad(format!("missing field `{name}`"))),
        }
    }

    /// A field that may be absent or null.
    pub fn opt<T>(&self, name: &str, read: fn(&Value, &At) -> Read<T>) -> Read<Option<T>> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => read(v, &self.at.key(name)).map(Some),
        }
    }

    /// A field that takes `default` when absent.
    pub fn or<T>(&self, name: &str, read: fn(&Value, &At) -> Read<T>, default: T) -> Read<T> {
        match self.map.get(name) {
            None => Ok(default),
            Some(v) => read(v, &self.at.key(name)),
        }
    }
}

/// A choice's settings (`{"fixed": {"ms": 50}}`: the `{"ms": 50}`), an object with the
/// fields `names`.
pub(crate) fn settings<'v, 'a>(v: &'v Value, at: &At<'a>, names: &[&str]) -> Read<Fields<'v, 'a>> {
    Fields::new(v, at, names, "an object with this choice's settings")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_are_written_only_when_asked() {
        let base = At::base("nodes[2]");
        let retry = base.key("retry");
        let odd = retry.key("a.b\n");
        let item = base.key("faults");
        let first = item.index(0);
        assert_eq!(retry.path(), "nodes[2].retry");
        assert_eq!(odd.path(), "nodes[2].retry[\"a.b\\n\"]");
        assert_eq!(first.path(), "nodes[2].faults[0]");
        assert_eq!(At::base("").key("title").path(), "title");
    }

    #[test]
    fn scalars_say_what_they_found() {
        let at = At::base("x");
        let msg = |r: Problem| r.message;
        assert_eq!(msg(int(&json!("ten"), &at).unwrap_err()), "must be a whole number, not string \"ten\"");
        assert_eq!(msg(int(&json!(1.5), &at).unwrap_err()), "must be a whole number (got 1.5)");
        assert_eq!(
            msg(int(&json!(3.0), &at).unwrap_err()),
            "must be a whole number written without a decimal point (got 3.0)"
        );
        assert_eq!(msg(int(&json!(u64::MAX), &at).unwrap_err()), "is too large (got 18446744073709551615)");
        assert_eq!(msg(int(&json!(1e300), &at).unwrap_err()), "is too large (got 1e+300)");
        assert_eq!(int(&json!(-5), &at).unwrap(), -5);
        assert_eq!(msg(uint(&json!(-1), &at).unwrap_err()), "must not be negative (got -1)");
        assert_eq!(uint(&json!(u64::MAX), &at).unwrap(), u64::MAX);
        assert_eq!(float(&json!(2), &at).unwrap(), 2.0);
        assert_eq!(msg(float(&Value::Null, &at).unwrap_err()), "must be a number, not null");
        assert_eq!(msg(string(&json!(true), &at).unwrap_err()), "must be a string, not boolean `true`");
        assert_eq!(msg(boolean(&json!([]), &at).unwrap_err()), "must be a boolean, not a list");
        assert_eq!(msg(list(&json!({}), &at, int).unwrap_err()), "must be a list, not an object");
        let e = list(&json!([1, "b"]), &at, int).unwrap_err();
        assert_eq!((e.path.as_str(), e.message.as_str()), ("x[1]", "must be a whole number, not string \"b\""));
    }

    #[test]
    fn names_are_listed_as_serde_listed_them() {
        let at = At::base("q");
        let one = ["a"];
        let two = ["a", "b"];
        let three = ["a", "b", "c"];
        let unknown = |names: &[&str]| Fields::new(&json!({"z": 1}), &at, names, "x").err().unwrap().to_string();
        assert_eq!(unknown(&[]), "q.z: unknown field `z`, there are no fields");
        assert_eq!(unknown(&one), "q.z: unknown field `z`, expected `a`");
        assert_eq!(unknown(&two), "q.z: unknown field `z`, expected `a` or `b`");
        assert_eq!(unknown(&three), "q.z: unknown field `z`, expected one of `a`, `b`, `c`");
        assert_eq!(
            name_of(&json!("d"), &at, &three).unwrap_err().to_string(),
            "q: unknown variant `d`, expected one of `a`, `b`, `c`"
        );
        assert_eq!(name_of(&json!(1), &at, &two).unwrap_err().to_string(), "q: must be `a` or `b`, not integer `1`");
        assert_eq!(name_of(&json!("b"), &at, &two).unwrap(), 1);
    }

    #[test]
    fn a_tagged_choice_is_an_object_with_one_key() {
        let at = At::base("arrivals");
        let names = ["fixed", "poisson"];
        let example = "{\"poisson\": {\"rate_per_s\": 8}}";
        let v = json!({"poisson": {"rate_per_s": 8}});
        let (i, name, body) = tagged(&v, &at, &names, example).unwrap();
        assert_eq!((i, name, body), (1, "poisson", &json!({"rate_per_s": 8})));
        for bad in [json!("fixed"), json!({}), json!({"fixed": {}, "poisson": {}}), json!(3)] {
            let e = tagged(&bad, &at, &names, example).unwrap_err();
            assert!(e.message.starts_with("must be an object with one key naming the choice, e.g. {"), "{e}");
        }
        let e = tagged(&json!({"burst": {}}), &at, &names, example).unwrap_err();
        assert_eq!(e.message, "unknown variant `burst`, expected `fixed` or `poisson`");
        let e = tagged(&json!("burst"), &at, &names, example).unwrap_err();
        assert_eq!(e.message, "unknown variant `burst`, expected `fixed` or `poisson`");
    }

    #[test]
    fn fields_are_required_optional_or_defaulted() {
        let at = At::base("w");
        let v = json!({"from": "a", "delay_ms": null});
        let f = Fields::new(&v, &at, &["from", "to", "delay_ms"], "a wire").unwrap();
        assert_eq!(f.req("from", string).unwrap(), "a");
        assert_eq!(f.req("to", string).unwrap_err().to_string(), "w: missing field `to`");
        assert_eq!(f.opt("delay_ms", float).unwrap(), None);
        assert_eq!(f.or("to", float, 7.0).unwrap(), 7.0);
        assert_eq!(f.or("delay_ms", float, 7.0).unwrap_err().to_string(), "w.delay_ms: must be a number, not null");
        assert_eq!(
            Fields::new(&json!([1]), &at, &["from"], "a wire like {}").err().unwrap().to_string(),
            "w: must be a wire like {}, not a list"
        );
    }
}
