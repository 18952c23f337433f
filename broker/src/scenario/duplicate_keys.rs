//! Finds a key written twice in one JSON object. serde_json keeps the last of two equal keys
//! without a word, so `{"prefetch": 1, "prefetch": 50}` would quietly mean 50; a scenario file
//! is checked with this first, and the duplicate is reported by its path like any other
//! problem. (Written here because serde_json has no switch for it.)

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The path of the first duplicated key, e.g. `nodes[1].prefetch` (a key that is not a plain
/// word quoted, as everywhere in a path), if any. Text that is not
/// JSON gives `None`: the JSON reader reports that itself.
pub fn first_duplicate(text: &str) -> Option<String> {
    let mut de = serde_json::Deserializer::from_str(text);
    Walk { path: String::new() }.deserialize(&mut de).ok().flatten()
}

struct Walk {
    path: String,
}

impl<'de> DeserializeSeed<'de> for Walk {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = BTreeSet::new();
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            let path = crate::scenario::quoted::key_path(&self.path, &key);
            if found.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if !seen.insert(key) {
                found = Some(path);
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            found = map.next_value_seed(Walk { path })?;
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut i = 0usize;
        loop {
            if found.is_some() {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                continue;
            }
            match seq.next_element_seed(Walk { path: format!("{}[{i}]", self.path) })? {
                Some(f) => found = f,
                None => break,
            }
            i += 1;
        }
        Ok(found)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
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
    }

    #[test]
    fn clean_and_broken_json_give_none() {
        assert_eq!(first_duplicate(r#"{"a": [{"b": 1}, {"b": 2}], "c": {"b": 3}}"#), None);
        assert_eq!(first_duplicate("{\"a\": "), None);
        assert_eq!(first_duplicate("[]"), None);
    }
}
