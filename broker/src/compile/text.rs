//! Text from the file that people read and that the command line prints: names (node ids,
//! event types, keys and key ranges, routing and binding keys, effects, groups, a business
//! write's name) and prose (the title, the description, the lesson's narration). None of it
//! may hold a control character: a newline or an escape sequence in a title would reach the
//! learner's terminal through `brokerlab run`, and one in a name would split a line of the
//! outcome's table or of a problem. Nor may it hold a character that reorders the text around
//! it (U+202A to U+202E, U+2066 to U+2069): a node named with one would be drawn as another
//! name ("evil" shown as "live"). Each field is refused with its own path, and the character
//! found is shown escaped.

use super::Checker;
use crate::scenario::quoted::{escape_controls, is_unprintable};

impl Checker {
    /// Refuses `text` if it holds a control character (a newline, a tab, ESC, DEL ...) or one
    /// that reorders text; true when it holds none.
    pub(super) fn no_control_characters(&mut self, base: &str, rest: &str, text: &str) -> bool {
        match text.chars().find(|&c| is_unprintable(c)) {
            None => true,
            Some(c) if c.is_control() => {
                self.err(
                    super::sub_path(base, rest),
                    format!("must not contain control characters (found {})", escape_controls(&c.to_string())),
                );
                false
            }
            Some(c) => {
                self.err(
                    super::sub_path(base, rest),
                    format!("must not contain characters that reorder the text (found U+{:04X})", u32::from(c)),
                );
                false
            }
        }
    }
}
