//! The results of `brokerlab test` in the forms course CI reads: TAP (version 13, one test
//! point per expectation, what failed in a YAML block) and JUnit XML (a test suite per
//! scenario and seed, a test case per expectation), plus a summary line for people.

use std::fmt::Write;

use crate::expect::Checked;

/// One scenario run with one seed: its expectations checked, or why it could not be run.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub file: String,
    pub seed: u64,
    pub checked: Vec<Checked>,
    /// The scenario's problems, when it could not be run: bad input.
    pub problems: Vec<String>,
}

impl Case {
    /// Its test points: the expectations, or one for the whole scenario when it has none or
    /// could not be run.
    fn points(&self) -> Vec<Checked> {
        if !self.problems.is_empty() {
            let detail = self.problems.join("\n");
            return vec![Checked { name: "can be run".into(), passed: false, detail }];
        }
        if self.checked.is_empty() {
            return vec![Checked {
                name: "runs to the end (it has no expectations)".into(),
                passed: true,
                detail: String::new(),
            }];
        }
        self.checked.clone()
    }

    /// "scenarios/x.json (seed 3)"; a file that could not be run has no seed.
    fn title(&self) -> String {
        if self.problems.is_empty() {
            format!("{} (seed {})", self.file, self.seed)
        } else {
            self.file.clone()
        }
    }
}

/// TAP version 13.
pub fn tap(cases: &[Case]) -> String {
    let points: Vec<(String, Checked)> =
        cases.iter().flat_map(|c| c.points().into_iter().map(move |p| (c.title(), p))).collect();
    let mut out = format!("TAP version 13\n1..{}\n", points.len());
    for (i, (title, p)) in points.iter().enumerate() {
        let _ = writeln!(out, "{} {} - {title}: {}", if p.passed { "ok" } else { "not ok" }, i + 1, one_line(&p.name));
        if !p.passed {
            out.push_str("  ---\n  message: |\n");
            for line in p.detail.lines() {
                let _ = writeln!(out, "    {line}");
            }
            out.push_str("  ...\n");
        }
    }
    out
}

/// JUnit XML: a test suite per scenario and seed.
pub fn junit(cases: &[Case]) -> String {
    let (tests, failures) = count(cases);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"brokerlab test\" tests=\"{tests}\" failures=\"{failures}\">\n"
    );
    for c in cases {
        let points = c.points();
        let failed = points.iter().filter(|p| !p.passed).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">",
            xml(&c.title()),
            points.len()
        );
        for p in points {
            let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", xml(&c.file), xml(&p.name));
            if p.passed {
                out.push_str("/>\n");
            } else {
                let _ = write!(
                    out,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(p.detail.lines().next().unwrap_or("")),
                    xml(&p.detail)
                );
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// "42 scenario runs, 160 expectations: 159 held, 1 failed."
pub fn summary(cases: &[Case]) -> String {
    let (tests, failures) = count(cases);
    let bad = cases.iter().filter(|c| !c.problems.is_empty()).count();
    let mut line = format!(
        "{} scenario run{}, {tests} test{}: {} passed, {failures} failed",
        cases.len(),
        if cases.len() == 1 { "" } else { "s" },
        if tests == 1 { "" } else { "s" },
        tests - failures
    );
    if bad > 0 {
        let _ = write!(line, " ({bad} could not be run)");
    }
    line + "."
}

/// Test points and failed ones, over every case.
fn count(cases: &[Case]) -> (usize, usize) {
    let points: Vec<Checked> = cases.iter().flat_map(Case::points).collect();
    (points.len(), points.iter().filter(|p| !p.passed).count())
}

/// A test point's description is one line: TAP reads a line break as the point's end.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('#', "\\#")
}

/// Text in XML (see `crate::markup`).
fn xml(s: &str) -> String {
    crate::markup::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases() -> Vec<Case> {
        let ok = Checked { name: "lost is 0".into(), passed: true, detail: String::new() };
        let bad =
            Checked { name: "the verdict says \"<x> & #1\"".into(), passed: false, detail: "it is 3\nand more".into() };
        vec![
            Case { file: "a.json".into(), seed: 1, checked: vec![ok, bad], problems: Vec::new() },
            Case { file: "b.json".into(), seed: 2, checked: Vec::new(), problems: Vec::new() },
            Case {
                file: "c.json".into(),
                seed: 1,
                checked: Vec::new(),
                problems: vec!["nodes[0].prefetch: must be at least 1".into()],
            },
        ]
    }

    #[test]
    fn tap_has_a_point_per_expectation_and_says_what_failed() {
        let t = tap(&cases());
        assert!(t.starts_with("TAP version 13\n1..4\n"), "{t}");
        assert!(t.contains("ok 1 - a.json (seed 1): lost is 0\n"));
        assert!(t.contains("not ok 2 - a.json (seed 1): the verdict says \"<x> & \\#1\"\n  ---\n  message: |\n    it is 3\n    and more\n  ...\n"), "{t}");
        assert!(t.contains("ok 3 - b.json (seed 2): runs to the end (it has no expectations)\n"));
        assert!(
            t.contains(
                "not ok 4 - c.json: can be run\n  ---\n  message: |\n    nodes[0].prefetch: must be at least 1\n"
            ),
            "{t}"
        );
    }

    #[test]
    fn junit_is_escaped_xml_with_a_suite_per_run() {
        let x = junit(&cases());
        assert!(x.contains("<testsuites name=\"brokerlab test\" tests=\"4\" failures=\"2\">"), "{x}");
        assert!(x.contains("<testsuite name=\"a.json (seed 1)\" tests=\"2\" failures=\"1\">"));
        assert!(x.contains("name=\"the verdict says &quot;&lt;x&gt; &amp; #1&quot;\">\n      <failure message=\"it is 3\">it is 3\nand more</failure>"), "{x}");
        assert_eq!(x.matches("<testcase").count(), 4);
        assert_eq!(summary(&cases()), "3 scenario runs, 4 tests: 2 passed, 2 failed (1 could not be run).");
    }
}
