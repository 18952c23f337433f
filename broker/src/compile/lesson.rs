//! The lesson's narration: what to watch, try and fix, the points it makes at a moment or a
//! node, and the question it asks. It is checked like the rest of the file (prose that is not
//! blank and short enough to read beside a running scenario, points that name real nodes and
//! moments within the run, a question whose key some producer publishes), but nothing in it
//! reaches the model.

use super::{sub_path, ByName, Checker};
use crate::model::*;
use crate::scenario::lesson::{self, Lesson};

impl Checker {
    /// Prose a learner reads: not blank, short enough to read beside a running scenario, and
    /// without control characters.
    fn prose(&mut self, path: &str, text: &str, max: usize, what: &str) {
        let n = text.chars().count();
        if text.trim().is_empty() {
            self.err(path, format!("must not be empty; {what}"));
        } else if n > max {
            let size = if max >= lesson::MAX_PARAGRAPH { "one to three short sentences" } else { "one short sentence" };
            self.err(path, format!("must be at most {max} characters (got {n}): {size}"));
        } else {
            self.no_control_characters(path, "", text);
        }
    }

    /// The narration is checked like the rest of the file, but nothing in it reaches the model:
    /// a lesson never changes the run.
    pub(super) fn check_lesson(&mut self, l: &Lesson, by_name: &ByName, nodes: &[NodeModel], duration_ms: u64) {
        use lesson::{MAX_PARAGRAPH, MAX_POINTS, MAX_SENTENCE, MAX_UNIT};
        self.prose("lesson.watch", &l.watch, MAX_PARAGRAPH, "say what to watch");
        self.prose("lesson.try", &l.try_this, MAX_PARAGRAPH, "say what to change in the inspector");
        self.prose("lesson.fix", &l.fix, MAX_PARAGRAPH, "say what the fix is and which setting it is");
        if l.points.len() > MAX_POINTS {
            self.err("lesson.points", format!("has {} points; the most is {MAX_POINTS}", l.points.len()));
        }
        for (i, pt) in l.points.iter().enumerate() {
            let p = format!("lesson.points[{i}]");
            self.prose(&sub_path(&p, ".say"), &pt.say, MAX_SENTENCE, "say what happens there");
            if pt.at_ms.is_none() && pt.node.is_none() {
                self.err(&p, "needs \"at_ms\", \"node\" or both: the moment or the node it points at");
            }
            match pt.at_ms {
                Some(at) if at < 0 => self.err(sub_path(&p, ".at_ms"), format!("must not be negative (got {at})")),
                Some(at) if at as u64 > duration_ms => self.err(
                    sub_path(&p, ".at_ms"),
                    format!("is after the run ends: must be at most {duration_ms} ms, the scenario's duration_ms (got {at})"),
                ),
                _ => {}
            }
            if let Some(node) = &pt.node {
                if !by_name.contains_key(node.as_str()) {
                    self.no_such_node(sub_path(&p, ".node"), node);
                }
            }
        }
        let Some(q) = &l.question else { return };
        self.prose("lesson.question.ask", &q.ask, MAX_SENTENCE, "ask for one number the run will show");
        if let Some(unit) = &q.unit {
            if unit.trim().is_empty() || unit.chars().count() > MAX_UNIT {
                self.err(
                    "lesson.question.unit",
                    format!("must be 1 to {MAX_UNIT} characters, e.g. \"times\" or \"messages\""),
                );
            } else {
                self.no_control_characters("lesson.question.unit", "", unit);
            }
        }
        let measure = q.measure.name();
        match (q.measure.is_keyed(), &q.key) {
            (true, None) => self.err(
                "lesson.question.key",
                format!("missing; \"{measure}\" counts over the messages of one key: name it, e.g. \"order-42\""),
            ),
            (false, Some(_)) => self.err(
                "lesson.question.key",
                format!("only \"effects\" and \"deliveries\" count over one key; \"{measure}\" counts the whole run, so remove the key"),
            ),
            (true, Some(key)) if !self.no_control_characters("lesson.question.key", "", key) => {}
            (true, Some(key)) => {
                let published = nodes.iter().any(|n| matches!(&n.kind, NodeKind::Producer(p) if p.keys.contains(key)));
                if !published {
                    self.err("lesson.question.key", format!("no producer publishes messages with the key \"{key}\""));
                }
            }
            (false, None) => {}
        }
        if matches!(q.measure, crate::scenario::lesson::Measure::Flow(_)) && !self.names_flows {
            self.err(
                "lesson.question.measure",
                format!("\"{measure}\" counts flows, and this scenario does not name its flows: add \"flows\""),
            );
        }
    }
}
