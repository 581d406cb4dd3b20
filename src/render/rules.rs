//! What `lockstep rules` prints: the rule list, one rule's page, and the
//! declarative rules' self-test report.
//!
//! A project's rule files may come from a pull request: their summaries,
//! docs and examples are printed escaped ([`safe`]).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::diagnostic::RuleId;
use crate::report::rules::{RuleList, RuleTests};

use super::safe;

/// One line per rule: name, pack, level in this configuration, summary.
pub fn list(list: &RuleList, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    let width = list
        .rows
        .iter()
        .map(|r| r.rule.name().len())
        .max()
        .unwrap_or(0);
    let pack_width = list
        .rows
        .iter()
        .map(|r| r.rule.pack().len())
        .max()
        .unwrap_or(0);
    for row in &list.rows {
        let m = row.rule.meta();
        let level = match row.level {
            Some(level) => level.as_str().to_string(),
            None => format!("{} (off)", m.severity.as_str()),
        };
        let _ = writeln!(
            s,
            "{:width$}  {:pack_width$}  {:13}  {}",
            m.name,
            safe::escape(row.rule.pack()),
            level,
            safe::escape(m.summary)
        );
    }
    out.write_all(safe::guard(&s).as_bytes())
}

/// A rule's documentation page (`docs/rules/<id>.md`).
pub fn page(rule: RuleId, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "{}",
        safe::guard(&safe::escape_lines(&rule.doc_page()))
    )
}

/// `ok`/`FAILED` per rule (failures with their problems; `quiet` leaves
/// out the passing ones), then a summary line.
pub fn tests(tests: &RuleTests, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    for t in &tests.rules {
        let (name, pack) = (safe::escape(&t.name), safe::escape(&t.pack));
        if t.examples == 0 {
            let _ = writeln!(s, "warning  {name} ({pack}): no examples");
        } else if t.problems.is_empty() {
            if !quiet {
                let _ = writeln!(s, "ok       {name} ({pack}): {} examples", t.examples);
            }
        } else {
            let _ = writeln!(s, "FAILED   {name} ({pack})");
            for p in &t.problems {
                let _ = writeln!(s, "         {}", safe::escape(p));
            }
        }
    }
    out.write_all(safe::guard(&s).as_bytes())?;
    let n = tests.rules.len();
    writeln!(
        out,
        "{} rule{}, {} examples: {}",
        n,
        if n == 1 { "" } else { "s" },
        tests.examples(),
        match tests.failed() {
            0 => "all passed".to_string(),
            f => format!("{f} failed"),
        }
    )
}
