//! A problem with a scenario, named by the path of the field it is about, so that both the
//! command line (`nodes[2].prefetch: must be at least 1`) and the app's inspector can point at
//! the exact field. A problem is always one line: its path and message hold no control
//! character (see `quoted.rs`), whatever the file held.

use std::fmt;

use serde::Serialize;

use crate::scenario::quoted::escape_controls;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A path such as `nodes[2].prefetch`; empty for the scenario as a whole.
    pub path: String,
    pub message: String,
}

impl Problem {
    /// A problem at `path`. Any control character in the path or the message (a newline in
    /// an unknown field's name, an ESC in an echoed value) is shown escaped.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { path: escape_controls(&path.into()), message: escape_controls(&message.into()) }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
