//! Text for HTML and XML: the app's markup views and the JUnit XML of `brokerlab test` both
//! put names from scenario files between tags.

/// `s` with `&`, `<`, `>` and both quotes written as entities, and control characters other
/// than line breaks and tabs left out (XML 1.0 cannot hold them; a name shows none).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn entities_and_no_control_characters() {
        assert_eq!(super::escape("a<b>&\"c'\u{1b}[2J\nd"), "a&lt;b&gt;&amp;&quot;c&#39;[2J\nd");
    }
}
