//! Share links: a whole scenario (topology, settings, seed, action script, view and
//! narration) and the lesson it came from, packed into a URL fragment that a course can keep
//! for years. The text after `#` is `<link version>.<payload>`: the payload is URL-safe
//! base64 (no padding) of a small JSON envelope `{"s": scenario, "p": preset}` compressed
//! with deflate: in version 2 inside zlib's wrapper, whose Adler-32 checksum of the JSON
//! makes a link damaged in copying (a changed, lost or added character) read as damaged
//! rather than as another scenario; version 1 (raw deflate, no checksum) still opens. A key
//! written twice in one object is refused, as in a scenario file. A link is read with every size capped before the work it would cost: the
//! characters looked at, the bytes inflated (a "zip bomb" stops at the cap) and the nodes,
//! wires and actions. A scenario from an older format version is migrated step by step to
//! the current one, never refused.
//!
//! ```text
//!   scenario JSON ──minify──▶ zlib (deflate level 9 + Adler-32) ──▶ base64url ──▶ "2.eNqr..."
//!   "2.eNqr..." ──check version, length, alphabet──▶ base64url⁻¹ ──inflate ≤ cap, checksum──▶ JSON
//!               ──caps on nodes, wires, actions──▶ migrate to CURRENT_VERSION ──▶ Shared
//! ```

use serde_json::Value;

use crate::scenario::json::object;
use crate::scenario::json::{self, JsonError};
use crate::scenario::CURRENT_VERSION;

/// The version of the link's own packing (not of the scenario inside it).
pub const LINK_VERSION: u32 = 2;
/// The most characters of a link the decoder looks at.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// The most bytes a link may inflate to.
pub const MAX_INFLATED_BYTES: usize = 256 * 1024;
/// The link reader's caps on nodes, wires and actions. Wires and actions may run to twice the
/// format's limits, so that a link a little over them still opens, with the validator's
/// problems shown beside the scenario, rather than being refused whole.
pub const MAX_NODES: usize = crate::scenario::limits::MAX_NODES;
pub const MAX_WIRES: usize = 2 * crate::scenario::limits::MAX_WIRES;
pub const MAX_ACTIONS: usize = 2 * crate::scenario::limits::MAX_ACTIONS;

/// What a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The scenario, migrated to [`CURRENT_VERSION`]; not yet validated.
    pub scenario: Value,
    /// The lesson (preset) it started from, if it did.
    pub preset: Option<String>,
}

/// Why a link could not be read, in words for the person who opened it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    Empty,
    NotALink,
    Newer(u64),
    TooLong(usize),
    BadCharacters,
    Damaged,
    TooBig,
    NotAScenario(String),
    /// A key written twice in one object, at this path in the scenario.
    WrittenTwice(String),
    TooMany {
        what: &'static str,
        count: usize,
        most: usize,
    },
    /// The reader at hand cannot inflate a link (the app's browser lacks
    /// `DecompressionStream`).
    CannotUnpack,
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Empty => write!(f, "The link has no scenario in it."),
            LinkError::CannotUnpack => write!(
                f,
                "This browser cannot unpack Brokerlab links (it has no DecompressionStream); a current Chrome, Edge, Firefox or Safari can."
            ),
            LinkError::NotALink => write!(
                f,
                "This is not a Brokerlab scenario link: the part after # should start with its format number (1, 2, ...) and a dot."
            ),
            LinkError::Newer(v) => write!(
                f,
                "This link was made by a newer Brokerlab (link format {v}); this one reads format {LINK_VERSION} and older."
            ),
            LinkError::TooLong(n) => write!(
                f,
                "The link is too long to be a Brokerlab scenario ({n} characters; the most is {MAX_LINK_CHARS})."
            ),
            LinkError::BadCharacters => write!(
                f,
                "The link is damaged: it has characters a Brokerlab link never has. Was it changed after it was copied?"
            ),
            LinkError::Damaged => write!(
                f,
                "The link is damaged: its packed scenario is broken or ends early. Was it cut short when it was copied?"
            ),
            LinkError::TooBig => write!(
                f,
                "The link unpacks to more than {} KB, so Brokerlab stopped reading it: no scenario is that big.",
                MAX_INFLATED_BYTES / 1024
            ),
            LinkError::NotAScenario(why) => write!(f, "The link is damaged: what it holds is not a scenario ({why})."),
            LinkError::WrittenTwice(path) => write!(
                f,
                "The link's scenario writes {path} twice in the same object; readers disagree on which one counts, so Brokerlab opens neither."
            ),
            LinkError::TooMany { what, count, most } => {
                write!(f, "The link's scenario has {count} {what}; Brokerlab opens at most {most}.")
            }
        }
    }
}

/// The link text (the part after `#`) for a scenario and the lesson it came from.
pub fn encode(scenario: &Value, preset: Option<&str>) -> String {
    pack(&miniz_oxide::deflate::compress_to_vec_zlib(envelope(scenario, preset).as_bytes(), 9))
}

/// What a link packs: compact JSON text of `{"s": scenario, "p": preset}`. The app compresses
/// it with the browser's own zlib (`CompressionStream`) and hands the result to [`pack`], so
/// that its wasm carries no compressor; any zlib stream reads back the same.
pub fn envelope(scenario: &Value, preset: Option<&str>) -> String {
    let mut envelope = object([("s", scenario.clone())]);
    if let Some(p) = preset {
        envelope["p"] = Value::from(p);
    }
    write_json(&envelope, false)
}

/// The link text for an envelope already compressed as a zlib stream (RFC 1950).
pub fn pack(zlib: &[u8]) -> String {
    let mut out = format!("{LINK_VERSION}.");
    base64_url(zlib, &mut out);
    out
}

/// The URL-safe base64 alphabet (RFC 4648, section 5).
const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in URL-safe base64 without padding, added to `out`. Written here rather than taken
/// from the base64 crate, whose general engine was 1 KB of the page's gzip'd wasm; the tests
/// hold both to the same text.
fn base64_url(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(char::from(BASE64_URL[(n >> (18 - 6 * k)) as usize & 63]));
        }
    }
}

/// URL-safe base64 without padding back to its bytes; none for a character outside the
/// alphabet, a length no bytes encode to (one character past a group of four), or bits set
/// after the last byte, as the base64 crate refuses them.
fn base64_url_bytes(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for &c in chunk {
            n = n << 6 | BASE64_URL.iter().position(|&a| a == c)? as u32;
        }
        let bytes = chunk.len().checked_sub(1).filter(|&b| b > 0)?;
        n <<= 6 * (4 - chunk.len());
        if n & (0xff_ffff >> (8 * bytes)) != 0 {
            return None;
        }
        out.extend_from_slice(&n.to_be_bytes()[1..=bytes]);
    }
    Some(out)
}

/// A zlib stream that holds `data` uncompressed (stored blocks): what the app packs when the
/// browser cannot compress. The link is longer, and opens all the same.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    // CMF 0x78 (deflate, 32 KB window), FLG 0x01 (no dictionary, fastest; 0x7801 % 31 == 0).
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(u16::MAX as usize).peekable();
    if blocks.peek().is_none() {
        out.extend([1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        let len = block.len() as u16;
        out.push(u8::from(blocks.peek().is_none()));
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend(adler32(data).to_be_bytes());
    out
}

/// zlib's checksum (RFC 1950). 5,552 bytes is the most that can be summed before `b` could
/// pass 2^32.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5_552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

/// The link for a scenario, or why [`decode`] would refuse it (too long, too big unpacked,
/// too many nodes, wires or actions): a link that is handed out always opens.
pub fn encode_checked(scenario: &Value, preset: Option<&str>) -> Result<String, LinkError> {
    let link = encode(scenario, preset);
    decode(&link).map(|_| link)
}

/// JSON text for a value: compact, or `pretty` with two-space indents (for files people
/// read). Written here rather than with serde_json's serializer because the app compiles to
/// wasm and the serializer brings a second float formatter and its tables into the bundle;
/// numbers use Rust's shortest round-trip form, which serde_json reads back exactly.
pub fn write_json(v: &Value, pretty: bool) -> String {
    let mut out = String::new();
    write_value(v, pretty, 0, &mut out);
    out
}

fn write_value(v: &Value, pretty: bool, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            for _ in 0..depth {
                out.push_str("  ");
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                let x = n.as_f64().unwrap_or(0.0);
                // Very large and very small numbers in exponent form, as serde_json writes them.
                let text = if x != 0.0 && !(1e-5..1e16).contains(&x.abs()) {
                    crate::decimal::scientific(x)
                } else {
                    crate::decimal::plain(x)
                };
                out.push_str(&text);
                // "3" would read back as an integer; keep it a float.
                if !text.contains(['.', 'e', 'E']) {
                    out.push_str(".0");
                }
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_value(x, pretty, depth + 1, out);
            }
            if !a.is_empty() {
                newline(out, depth);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_string(k, out);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_value(x, pretty, depth + 1, out);
            }
            if !m.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
}

/// `s` as a JSON string, quoted and escaped.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(s, &mut out);
    out
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Reads a link: the part after `#`, or a whole address that has one (`#` is not in the
/// payload's alphabet, so everything up to the first `#` is the page's address).
pub fn decode(link: &str) -> Result<Shared, LinkError> {
    let packed = unpack(link)?;
    // Version 1 is raw deflate; version 2 adds zlib's header and the checksum, which the
    // inflater checks.
    let inflated = if packed.zlib {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed.bytes, MAX_INFLATED_BYTES)
    } else {
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed.bytes, MAX_INFLATED_BYTES)
    };
    let bytes = inflated.map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            LinkError::TooBig
        } else {
            LinkError::Damaged
        }
    })?;
    open(&bytes)
}

/// A link's payload, checked and out of its base64, still compressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    /// A zlib stream (version 2, with its checksum), or raw deflate (version 1).
    pub zlib: bool,
    pub bytes: Vec<u8>,
}

/// The first half of [`decode`]: the link's version, length and characters checked, and its
/// payload out of base64. The app inflates the payload with the browser's
/// `DecompressionStream` (at most [`MAX_INFLATED_BYTES`]) and hands the text to [`open`].
pub fn unpack(link: &str) -> Result<Packed, LinkError> {
    let link = link.split_once('#').map_or(link, |(_, fragment)| fragment).trim();
    if link.is_empty() {
        return Err(LinkError::Empty);
    }
    if link.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong(link.chars().count()));
    }
    let (version, payload) = link.split_once('.').ok_or(LinkError::NotALink)?;
    if version.is_empty() || version.len() > 18 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkError::NotALink);
    }
    let version: u64 = version.parse().map_err(|_| LinkError::NotALink)?;
    if version == 0 {
        return Err(LinkError::NotALink);
    }
    if version > LINK_VERSION as u64 {
        return Err(LinkError::Newer(version));
    }
    if !payload.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(LinkError::BadCharacters);
    }
    let bytes = base64_url_bytes(payload).ok_or(LinkError::Damaged)?;
    Ok(Packed { zlib: version >= 2, bytes })
}

/// The second half of [`decode`]: the inflated envelope read, its caps checked, and its
/// scenario migrated.
pub fn open(inflated: &[u8]) -> Result<Shared, LinkError> {
    let text = std::str::from_utf8(inflated).map_err(|_| LinkError::NotAScenario("not UTF-8 text".into()))?;
    let envelope = json::read(text).map_err(|e| match e {
        JsonError::WrittenTwice(path) => LinkError::WrittenTwice(path.strip_prefix("s.").unwrap_or(&path).to_string()),
        e => LinkError::NotAScenario(e.to_string()),
    })?;
    let Value::Object(mut envelope) = envelope else {
        return Err(LinkError::NotAScenario("not a JSON object".into()));
    };
    let scenario = envelope.remove("s").ok_or_else(|| LinkError::NotAScenario("no scenario in it".into()))?;
    if !scenario.is_object() {
        return Err(LinkError::NotAScenario("the scenario is not a JSON object".into()));
    }
    let preset = envelope.get("p").and_then(Value::as_str).filter(|p| p.len() <= 100).map(str::to_owned);
    for (what, key, most) in
        [("nodes", "nodes", MAX_NODES), ("wires", "wires", MAX_WIRES), ("actions", "actions", MAX_ACTIONS)]
    {
        let count = scenario.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        if count > most {
            return Err(LinkError::TooMany { what, count, most });
        }
    }
    Ok(Shared { scenario: migrate(scenario), preset })
}

/// One step of migration: from the version before to this one. Index 0 takes version 0 (the
/// first sketch of the format, before it carried a version) to version 1.
const STEPS: &[fn(&mut Value)] = &[from_0_to_1];

/// Version 0 had no `version` field; otherwise it is version 1.
fn from_0_to_1(v: &mut Value) {
    v["version"] = Value::from(1);
}

/// Brings a scenario of any older format version up to [`CURRENT_VERSION`], one step at a
/// time. A scenario without a version is version 0; one that is not a whole number is left
/// for validation to explain.
pub fn migrate(mut v: Value) -> Value {
    if !v.is_object() {
        // Not a scenario at all: validation says so.
        return v;
    }
    let mut version = match v.get("version") {
        None => 0,
        Some(n) => match n.as_i64() {
            Some(n) if (0..CURRENT_VERSION).contains(&n) => n,
            _ => return v,
        },
    };
    while version < CURRENT_VERSION {
        if let Some(step) = STEPS.get(version as usize) {
            step(&mut v);
        }
        version += 1;
        v["version"] = Value::from(version);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn base64_is_the_base64_crates(bytes in proptest::collection::vec(any::<u8>(), 0..40), text in "[A-Za-z0-9_-]{0,12}") {
            let mut ours = String::new();
            base64_url(&bytes, &mut ours);
            prop_assert_eq!(&ours, &URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(base64_url_bytes(&ours), Some(bytes));
            prop_assert_eq!(base64_url_bytes(&text), URL_SAFE_NO_PAD.decode(&text).ok());
        }
    }

    #[test]
    fn any_zlib_stream_packs_a_link_that_opens() {
        let s = json!({"version": 1, "duration_ms": 1000, "nodes": [{"id": "q", "kind": "queue"}]});
        let text = envelope(&s, Some("fan-out"));
        let fast = pack(&miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 1));
        for link in [encode(&s, Some("fan-out")), fast, pack(&zlib_stored(text.as_bytes()))] {
            let shared = decode(&link).unwrap();
            assert_eq!((shared.scenario, shared.preset.as_deref()), (s.clone(), Some("fan-out")));
        }
        // Stored blocks hold at most 65,535 bytes each; an empty stream is one empty block.
        for n in [0, 1, 65_535, 65_536, 200_000] {
            let data: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let back = miniz_oxide::inflate::decompress_to_vec_zlib(&zlib_stored(&data)).unwrap();
            assert_eq!(back, data, "{n} bytes");
        }
    }

    #[test]
    fn a_scenario_survives_the_round_trip_with_its_lesson() {
        let s = json!({"version": 1, "title": "t", "duration_ms": 1000, "nodes": [], "view": {"zoom": 1.0}});
        let link = encode(&s, Some("work-queue"));
        assert!(link.starts_with("2."));
        assert!(link[2..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let back = decode(&format!("#{link}")).unwrap();
        assert_eq!(back, Shared { scenario: s, preset: Some("work-queue".into()) });
    }

    #[test]
    fn written_json_reads_back_as_the_same_value() {
        // 1771738123447960.25 is written "1771738123447960.3", which serde_json's default
        // (best-effort) reader took for ...960.5: the reason for its float_roundtrip feature.
        let tie = f64::from_bits(0x4319_2d8b_b5ee_ba61);
        let v = json!({"a": [1, -2, 3.5, 1e300, 5e-324, 0.1, 2.0, tie, true, null], "q\"\\\n\u{1}é😀": {"": "x"}, "e": {}, "f": []});
        for pretty in [false, true] {
            let text = write_json(&v, pretty);
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v, "{text}");
        }
        assert_eq!(write_json(&json!({"a": [1, 2]}), false), r#"{"a":[1,2]}"#);
        assert_eq!(write_json(&json!({"a": [1]}), true), "{\n  \"a\": [\n    1\n  ]\n}");
    }

    #[test]
    fn a_whole_address_is_read_from_its_fragment() {
        let good = encode(&json!({"version": 1, "duration_ms": 1000, "nodes": []}), None);
        let plain = decode(&good).unwrap().scenario;
        assert_eq!(decode(&format!("#{good}")).unwrap().scenario, plain);
        assert_eq!(
            decode(&format!("https://example.org/course/brokerlab/?embed=1&t=5#{good}")).unwrap().scenario,
            plain
        );
        assert_eq!(decode("https://example.org/brokerlab/#").unwrap_err(), LinkError::Empty);
        assert_eq!(decode("https://example.org/brokerlab/").unwrap_err(), LinkError::NotALink);
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let good = encode(&json!({"version": 1, "duration_ms": 1000, "nodes": []}), None);
        assert_eq!(decode(""), Err(LinkError::Empty));
        assert_eq!(decode("#"), Err(LinkError::Empty));
        assert_eq!(decode("hello"), Err(LinkError::NotALink));
        assert_eq!(decode("x.abc"), Err(LinkError::NotALink));
        assert_eq!(decode("0.abc"), Err(LinkError::NotALink));
        assert_eq!(decode(&good.replacen("2.", "7.", 1)), Err(LinkError::Newer(7)));
        assert_eq!(decode(&good.replacen("2.", "99999999999.", 1)), Err(LinkError::Newer(99_999_999_999)));
        assert_eq!(decode(&good.replacen("2.", "99999999999999999999.", 1)), Err(LinkError::NotALink));
        assert_eq!(decode(&format!("{good}<img src=x>")), Err(LinkError::BadCharacters));
        assert_eq!(decode(&good[..good.len() / 2]), Err(LinkError::Damaged));
        assert_eq!(decode(&format!("1.{}", "A".repeat(MAX_LINK_CHARS))), Err(LinkError::TooLong(MAX_LINK_CHARS + 2)));
        let not_json = format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"{nope", 9)));
        assert!(matches!(decode(&not_json), Err(LinkError::NotAScenario(_))));
        for e in [LinkError::Damaged, LinkError::TooBig, LinkError::Newer(3), LinkError::WrittenTwice("x".into())] {
            assert!(e.to_string().len() > 40, "{e}");
        }
    }

    #[test]
    fn a_version_1_link_still_opens() {
        let s = json!({"version": 1, "duration_ms": 1000, "nodes": [{"id": "q", "kind": "queue"}]});
        let raw =
            miniz_oxide::deflate::compress_to_vec(write_json(&json!({"s": s, "p": "fan-out"}), false).as_bytes(), 9);
        let old = format!("1.{}", URL_SAFE_NO_PAD.encode(raw));
        assert_eq!(decode(&old), Ok(Shared { scenario: s, preset: Some("fan-out".into()) }));
    }

    #[test]
    fn every_one_character_change_is_caught() {
        let s = json!({"version": 1, "duration_ms": 2000, "seed": 42, "nodes": [{"id": "orders", "kind": "producer", "count": 20}, {"id": "work", "kind": "queue", "prefetch": 5}], "wires": [["orders", "work"]]});
        let link = encode(&s, Some("work-queue"));
        let original = decode(&link).unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut changed = 0;
        for at in 2..link.len() {
            for &c in alphabet {
                if link.as_bytes()[at] == c {
                    continue;
                }
                let mut typo = link.clone().into_bytes();
                typo[at] = c;
                let typo = String::from_utf8(typo).unwrap();
                changed += 1;
                // Only the unused low bits of the last character may change and read the same.
                match decode(&typo) {
                    Err(_) => {}
                    Ok(same) => assert_eq!(same, original, "a typo at {at} ({}) opened as another scenario", c as char),
                }
            }
            // A lost character.
            let cut = format!("{}{}", &link[..at], &link[at + 1..]);
            assert!(decode(&cut).is_err(), "a lost character at {at} went unnoticed");
        }
        assert!(changed > 1000);
    }

    #[test]
    fn a_key_written_twice_is_refused_as_in_a_file() {
        let text = r#"{"s": {"version": 1, "duration_ms": 1000, "nodes": [{"id": "q", "kind": "queue", "prefetch": 1, "prefetch": 50}]}}"#;
        let link =
            format!("2.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 9)));
        assert_eq!(decode(&link), Err(LinkError::WrittenTwice("nodes[0].prefetch".into())));
    }

    #[test]
    fn a_link_is_only_handed_out_when_it_opens() {
        let small = json!({"version": 1, "duration_ms": 1000, "nodes": []});
        assert!(encode_checked(&small, None).is_ok());
        // Text that hardly compresses: hex digits of a multiplicative hash, about 300 KB.
        let noise: String = (0..20_000u64).map(|i| format!("{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15))).collect();
        let big = json!({"version": 1, "duration_ms": 1000, "nodes": [], "description": noise});
        assert!(matches!(encode_checked(&big, None), Err(LinkError::TooLong(_) | LinkError::TooBig)));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_cap() {
        // 40 MB of spaces packs into about 40 KB; reading it must stop at the cap.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 40 * 1024 * 1024], 9);
        let link = format!("1.{}", URL_SAFE_NO_PAD.encode(&bomb));
        assert!(link.len() < MAX_LINK_CHARS, "{}", link.len());
        assert_eq!(decode(&link), Err(LinkError::TooBig));
    }

    #[test]
    fn counts_are_capped_before_validation() {
        let nodes: Vec<Value> = (0..MAX_NODES + 1).map(|i| json!({"id": format!("q{i}"), "kind": "queue"})).collect();
        let link = encode(&json!({"version": 1, "duration_ms": 1000, "nodes": nodes}), None);
        assert_eq!(decode(&link), Err(LinkError::TooMany { what: "nodes", count: MAX_NODES + 1, most: MAX_NODES }));
    }

    #[test]
    fn an_older_scenario_is_migrated_not_refused() {
        let v0 = json!({"duration_ms": 1000, "nodes": []});
        assert_eq!(migrate(v0)["version"], json!(CURRENT_VERSION));
        let link = encode(&json!({"duration_ms": 1000, "nodes": []}), None);
        assert_eq!(decode(&link).unwrap().scenario["version"], json!(CURRENT_VERSION));
        // A version from the future or of the wrong type is left for validation to explain.
        assert_eq!(migrate(json!({"version": 99}))["version"], json!(99));
        assert_eq!(migrate(json!({"version": "one"}))["version"], json!("one"));
        assert_eq!(migrate(json!([1, 2])), json!([1, 2]));
        assert_eq!(migrate(json!(null)), json!(null));
    }
}
