//! What `lockstep fix` prints: the diff of the changes (`--diff`), and the
//! summary after writing them.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::fix::unified_diff_quoting;
use crate::report::fix::FixReport;

use super::{plural, safe};

/// The unified diff of every change. `mask`: control, bidi and other
/// invisible characters from the files are shown masked (on a terminal);
/// raw otherwise, so that the patch applies byte for byte. Either way a file
/// name with such characters is quoted in the header as git quotes it
/// (`"a/x\nb"`).
pub fn diff(report: &FixReport, mask: bool, out: &mut dyn Write) -> io::Result<()> {
    // Diffed in parallel, a batch at a time, and written in order.
    super::in_batches(
        &report.changes,
        64,
        1,
        |changes, _| {
            let mut out = String::new();
            for c in changes {
                let diff = unified_diff_quoting(&c.path, &c.before, &c.after, safe::is_unsafe);
                out.push_str(&if mask {
                    safe::mask(&diff)
                } else {
                    std::borrow::Cow::Borrowed(diff.as_str())
                });
            }
            Ok(out.into_bytes())
        },
        |diff| out.write_all(&diff),
    )
}

/// "Fixed 3 problems (toc-drift: 3) in 1 file." and what remains.
pub fn summary(report: &FixReport, out: &mut dyn Write) -> io::Result<()> {
    let fixed = report.fixed();
    if fixed == 0 {
        writeln!(out, "Nothing to fix.")?;
    } else {
        let per_rule: Vec<String> = report
            .applied
            .iter()
            .map(|(r, n)| format!("{}: {n}", safe::escape(&r.to_string())))
            .collect();
        writeln!(
            out,
            "Fixed {} ({}) in {}.",
            plural(fixed, "problem"),
            per_rule.join(", "),
            plural(report.changes.len(), "file"),
        )?;
    }
    let errors = report.remaining.count(Severity::Error);
    let warnings = report.remaining.count(Severity::Warning);
    if errors + warnings > 0 {
        writeln!(
            out,
            "{} and {} remain; `lockstep check` shows them.",
            plural(errors, "error"),
            plural(warnings, "warning"),
        )?;
    }
    Ok(())
}
