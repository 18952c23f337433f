//! serde's messages in the format's words. serde says what it wanted in Rust's terms ("invalid
//! type: integer `1`, expected struct PoisonSpec", "data did not match any variant of untagged
//! enum Keys", "invalid length 2, expected struct Point with 3 elements") and in its own data
//! model's (map, sequence, struct variant, unit); a person reading a problem knows the file,
//! not the Rust types behind it. Each type serde may name has its words here, written as the
//! format is (an object, a list, a key range like "order-1..order-20"), and whatever Rust type
//! wording is left is replaced by a plain pointer to the format's page, so that none reaches a
//! person. Whole numbers written with a decimal point and negative counts get messages of
//! their own.

/// What serde says it wanted, and the format's words for it. Longer descriptions come before
/// the shorter ones they contain ("map with a single key" before "map").
const WANTED: &[(&str, &str)] = &[
    ("struct Point", "a point like {\"at_ms\": 6000, \"say\": \"...\"}"),
    ("struct Question", "a question like {\"ask\": \"...\", \"measure\": \"lost\"}"),
    ("struct Lesson", "a lesson like {\"watch\": \"...\", \"try\": \"...\", \"fix\": \"...\"}"),
    ("struct PoisonSpec", "one of {\"every_nth\": 7}, {\"key\": \"order-13\"} or {\"schema_version_above\": 1}"),
    ("struct PublishSpec", "publisher confirms like {\"timeout_ms\": 1000, \"retries\": 3}"),
    ("struct RetrySpec", "a retry policy like {\"policy\": \"exponential\", \"max_attempts\": 5}"),
    ("struct WriteSpec", "a business write like {\"name\": \"save order\", \"outbox\": true}"),
    ("struct View", "a view like {\"positions\": {\"orders\": [80, 120]}, \"zoom\": 1}"),
    ("struct Wire", "a wire like {\"from\": \"orders\", \"to\": \"work\"}"),
    (
        "untagged enum EventTypes",
        "an event type or a list of them, e.g. \"OrderPlaced\" or [\"OrderPlaced\", \"OrderPaid\"]",
    ),
    ("untagged enum Keys", "a key range like \"order-1..order-20\" or a list of keys"),
    ("struct variant", "an object with this choice's settings"),
    ("map with a single key", "an object with one key naming the choice"),
    ("string or map", "a choice: \"earliest\", \"latest\", {\"offset\": 5} or {\"time_ms\": 1000}"),
    ("an array of length 2", "a point like [x, y]"),
    ("variant identifier", "the name of a choice"),
    ("field identifier", "the name of a field"),
    ("a sequence", "a list"),
    ("a map", "an object"),
    ("sequence", "a list"),
    ("map", "an object"),
    ("i64", "a whole number"),
    ("u64", "a whole number"),
    ("u32", "a whole number"),
    ("u16", "a whole number"),
    ("f64", "a number"),
];

/// Rust's words for a type that `WANTED` does not know; what follows each is the type's name.
const RUST_TYPE_WORDS: [&str; 8] = [
    "internally tagged enum ",
    "adjacently tagged enum ",
    "untagged enum ",
    "tuple struct ",
    "unit struct ",
    "struct variant ",
    "struct ",
    "enum ",
];

/// What serde found instead, as the format says it.
fn found_words(found: &str) -> &str {
    match found {
        "map" => "an object",
        "sequence" => "a list",
        "unit value" | "unit" => "null",
        other => other,
    }
}

/// The format's words for what serde wanted.
fn wanted_words(wanted: &str) -> String {
    match WANTED.iter().find(|(rust, _)| *rust == wanted) {
        Some((_, words)) => words.to_string(),
        None => without_rust_types(wanted),
    }
}

/// `text` with every Rust type named in it (`struct Retry`, `enum Mode`) replaced by a pointer to
/// the format's page: the last guard, for a type `WANTED` does not know yet.
pub fn without_rust_types(text: &str) -> String {
    let mut out = text.to_string();
    for (rust, words) in WANTED.iter().filter(|(rust, _)| rust.contains(' ')) {
        out = out.replace(rust, words);
    }
    for word in RUST_TYPE_WORDS {
        while let Some(at) = out.find(word) {
            let name_at = at + word.len();
            let name_len = out[name_at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(out.len() - name_at);
            out.replace_range(at..name_at + name_len, "the value docs/scenario-format.md describes for this field");
        }
    }
    out
}

/// serde's message for a value that was wrong, in the format's words. serde's messages are
/// precise but terse; the common ones read better rephrased.
pub fn humanize(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    let got = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    let wants_whole = msg.ends_with("expected i64") || msg.ends_with("expected u64") || msg.ends_with("expected u32");
    if wants_whole && (msg.starts_with("invalid type: floating point") || msg.starts_with("invalid value: integer")) {
        let g = got(msg);
        return if g.starts_with('-') {
            format!("must not be negative (got {g})")
        } else if msg.starts_with("invalid type: floating point") {
            // serde_json reads the number: Rust's own float parser would add its tables to the wasm.
            match serde_json::from_str::<f64>(&g) {
                Ok(v) if v.abs() >= 9.2e18 => format!("is too large (got {g})"),
                Ok(v) if v.fract() == 0.0 => {
                    format!("must be a whole number written without a decimal point (got {g})")
                }
                _ => format!("must be a whole number (got {g})"),
            }
        } else {
            format!("is too large (got {g})")
        };
    }
    if msg.starts_with("invalid type: unit variant, expected struct variant")
        || msg.starts_with("invalid type: string") && msg.contains("expected struct variant")
        || msg == "invalid value: map, expected map with a single key"
    {
        return "must be an object with one key naming the choice, e.g. {\"poisson\": {\"rate_per_s\": 8}}".to_string();
    }
    if msg.ends_with(", expected unit") {
        return "takes no settings: write the choice as a string alone, e.g. \"earliest\"".to_string();
    }
    if let Some(rest) = msg.strip_prefix("invalid value: integer `") {
        if let Some(n) = rest.split('`').next() {
            if n.starts_with('-') {
                return format!("must not be negative (got {n})");
            }
        }
    }
    // What serde found may quote the file's text; what it wanted comes last and never does.
    if let Some(rest) = msg.strip_prefix("invalid type: ").or_else(|| msg.strip_prefix("invalid value: ")) {
        if let Some((found, wanted)) = rest.rsplit_once(", expected ") {
            return format!("must be {}, not {}", wanted_words(wanted), found_words(found));
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid length ") {
        if let Some((n, wanted)) = rest.rsplit_once(", expected ") {
            // "struct Point with 3 elements": an object was written as a list.
            return match wanted.split_once(" with ") {
                Some((object, _)) => format!("must be {}, not a list", wanted_words(object)),
                None => format!("must be {} (got a list of {n})", wanted_words(wanted)),
            };
        }
    }
    if let Some(rust) = msg.strip_prefix("data did not match any variant of ") {
        return format!("must be {}", wanted_words(rust));
    }
    // These name only fields and choices of the format, quoting the file's own text.
    let names_only = ["unknown field", "unknown variant", "missing field", "duplicate field"];
    if names_only.iter().any(|start| msg.starts_with(start)) {
        msg.to_string()
    } else {
        without_rust_types(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_are_named_in_the_format_s_words() {
        assert_eq!(
            humanize("invalid type: integer `1`, expected struct PoisonSpec"),
            "must be one of {\"every_nth\": 7}, {\"key\": \"order-13\"} or {\"schema_version_above\": 1}, not integer `1`"
        );
        assert_eq!(
            humanize("data did not match any variant of untagged enum EventTypes"),
            "must be an event type or a list of them, e.g. \"OrderPlaced\" or [\"OrderPlaced\", \"OrderPaid\"]"
        );
        assert_eq!(
            humanize("invalid length 2, expected struct Point with 3 elements"),
            "must be a point like {\"at_ms\": 6000, \"say\": \"...\"}, not a list"
        );
        assert_eq!(humanize("invalid type: map, expected a sequence"), "must be a list, not an object");
        assert_eq!(
            humanize("invalid length 0, expected an array of length 2"),
            "must be a point like [x, y] (got a list of 0)"
        );
        assert_eq!(
            humanize("invalid type: integer `1`, expected struct Unheard"),
            "must be the value docs/scenario-format.md describes for this field, not integer `1`"
        );
        let two = "the value docs/scenario-format.md describes for this field";
        assert_eq!(without_rust_types("expected tuple struct A::B or enum C"), format!("expected {two} or {two}"));
    }
}
