//! What `lockstep rules` prints: the rule list, one rule's page, and the
//! declarative rules' self-test report.

use std::io::{self, Write};

use crate::diagnostic::RuleId;
use crate::report::rules::{RuleList, RuleTests};

/// One line per rule: name, pack, level in this configuration, summary.
pub fn list(list: &RuleList, out: &mut dyn Write) -> io::Result<()> {
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
        writeln!(
            out,
            "{:width$}  {:pack_width$}  {:13}  {}",
            m.name,
            row.rule.pack(),
            level,
            m.summary
        )?;
    }
    Ok(())
}

/// A rule's documentation page (`docs/rules/<id>.md`).
pub fn page(rule: RuleId, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{}", rule.doc_page())
}

/// `ok`/`FAILED` per rule (failures with their problems; `quiet` leaves
/// out the passing ones), then a summary line.
pub fn tests(tests: &RuleTests, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    for t in &tests.rules {
        if t.examples == 0 {
            writeln!(out, "warning  {} ({}): no examples", t.name, t.pack)?;
        } else if t.problems.is_empty() {
            if !quiet {
                writeln!(
                    out,
                    "ok       {} ({}): {} examples",
                    t.name, t.pack, t.examples
                )?;
            }
        } else {
            writeln!(out, "FAILED   {} ({})", t.name, t.pack)?;
            for p in &t.problems {
                writeln!(out, "         {p}")?;
            }
        }
    }
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
