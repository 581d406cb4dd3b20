//! `--format github`: GitHub Actions workflow commands, one per finding.
//!
//! `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`.
//! Columns are given for single-line spans only. Everything that comes from
//! a contributor's Markdown is escaped — `%`, `\r`, `\n` in the message, and
//! also `:` and `,` in properties — so that a heading containing `::error`
//! or a newline can never start a workflow command of its own; control and
//! bidi characters are written as `\u{…}`.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::report::Report;

use super::columns::{self, Columns};
use super::{Renderer, safe};

pub struct Github;

/// Escapes a command's message.
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    safe::escape(&s).into_owned()
}

/// Escapes a command property's value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Renderer for Github {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut columns = Columns::default();
        for d in &report.diagnostics {
            let file = &report.files[d.file.index()];
            let start = columns.line_col(file, d.span.start);
            let last = if d.span.is_empty() {
                start
            } else {
                columns.line_col(file, d.span.end - 1)
            };
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = format!(
                "file={},line={},endLine={}",
                escape_property(&report.display_path(d.file)),
                start.line,
                last.line
            );
            if start.line == last.line {
                props.push_str(&format!(",col={},endColumn={}", start.column, last.column));
            }
            props.push_str(&format!(
                ",title={}",
                escape_property(&format!("lockstep {}", d.rule.name()))
            ));
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            if let Some(s) = &d.source {
                let f = &report.files[s.file.index()];
                message.push_str(&format!(
                    "\nsource: {}:{}",
                    report.display_path(s.file),
                    columns::line(f, s.span.start)
                ));
            }
            if let Some(st) = &d.stale {
                message.push('\n');
                message.push_str(&st.diff);
            }
            writeln!(out, "::{level} {props}::{}", escape_data(&message))?;
        }
        for note in &report.notes {
            writeln!(out, "::notice title=lockstep::{}", escape_data(note))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\r\n::error::x"), "50%25%0D%0A::error::x");
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("\u{202e}x"), "\\u{202e}x");
    }
}
