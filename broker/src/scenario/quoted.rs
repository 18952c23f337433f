//! Names and values from a file, written into a problem. A problem is one line that starts
//! with its path (`nodes[2].prefetch: must be at least 1`) whatever the file holds: a name a
//! person typed is quoted, a key that is not a plain word is quoted inside the path
//! (`view.positions["order service"]`), and every control character is shown escaped (`\n`,
//! `\u{1b}`), so that a newline in a field's name cannot print a second, forged problem and an
//! escape sequence cannot reach the terminal. `Problem::new` escapes every path and message it
//! is given, so serde's own messages, which echo an unknown field's name as it was written,
//! come out on one line too.

/// A control character, or one that reorders the text around it (the bidirectional embeddings,
/// overrides and isolates): none may be in a name or in prose.
pub(crate) fn is_unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character (a newline, a tab, ESC, DEL, U+0085 ...) written as its
/// Rust escape (`\n`, `\t`, `\u{1b}`), and everything else as it is.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            push_control(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A control character as Rust writes it in a string (`\n`, `\0`, `\u{1b}`). Written out
/// rather than with `char::escape_debug`, which would bring Unicode's tables of printable
/// characters into the wasm.
fn push_control(out: &mut String, c: char) {
    match c {
        '\0' => out.push_str("\\0"),
        c => out.extend(c.escape_default()),
    }
}

/// `text` in double quotes, its quotes and backslashes escaped and its control characters
/// written as Rust escapes: `"order \"42\""`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => push_control(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The path of `key` inside the object at `base`: `nodes[0].prefetch` for a plain key
/// (ASCII letters, digits, `_` and `-`), `view.positions["order service"]` for any other,
/// quoted and escaped, so that a key holding a dot, a colon or a newline cannot pass for
/// another path.
pub fn key_path(base: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (plain, base.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{base}.{key}"),
        (false, _) => format!("{base}[{}]", quote(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(escape_controls("x\ny: forged"), "x\\ny: forged");
        assert_eq!(escape_controls("\u{1b}[2J\t\u{7f}\u{85}"), "\\u{1b}[2J\\t\\u{7f}\\u{85}");
        assert_eq!(escape_controls("order \"42\" \\ café"), "order \"42\" \\ café");
    }

    #[test]
    fn quoted_names_escape_their_quotes_backslashes_and_controls() {
        assert_eq!(quote("billing"), "\"billing\"");
        assert_eq!(quote("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(quote("x\ny\0\u{1b}"), "\"x\\ny\\0\\u{1b}\"");
        // As Rust's own `{:?}` writes them, without its tables of printable characters.
        for text in ["order-42", "café ✓", "tab\there", "quote \" and \\", "nul \0 del \u{7f}"] {
            assert_eq!(quote(text), format!("{text:?}"));
        }
    }

    #[test]
    fn keys_that_are_not_plain_words_are_quoted() {
        assert_eq!(key_path("nodes[0]", "prefetch"), "nodes[0].prefetch");
        assert_eq!(key_path("", "title"), "title");
        assert_eq!(key_path("nodes[0]", "x\ny: forged"), "nodes[0][\"x\\ny: forged\"]");
        assert_eq!(key_path("view.positions", "a.b"), "view.positions[\"a.b\"]");
        assert_eq!(key_path("", ""), "[\"\"]");
    }
}
