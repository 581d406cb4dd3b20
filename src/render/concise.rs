//! `--format concise`: one line per finding,
//! `file:line:col: severity [rule] message`, then the run's notes and the
//! summary (as in human output; neither with `--quiet`). Made for grepping,
//! editors' error lists and long CI logs: no snippets, no help, no diffs.

use std::io::{self, Write};

use crate::report::Report;

use super::columns::Columns;
use super::human::summary;
use super::{RenderOptions, Renderer, safe};

pub struct Concise {
    quiet: bool,
}

impl Concise {
    pub fn new(opts: RenderOptions) -> Self {
        Self { quiet: opts.quiet }
    }
}

impl Renderer for Concise {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut columns = Columns::default();
        for d in &report.diagnostics {
            let file = &report.files[d.file.index()];
            let at = columns.line_col(file, d.span.start);
            let line = format!(
                "{}:{}:{}: {} [{}] {}",
                report.display_path(d.file),
                at.line,
                at.column,
                d.severity,
                d.rule.name(),
                d.message
            );
            writeln!(out, "{}", safe::guard(&safe::escape(&line)))?;
        }
        if self.quiet {
            return Ok(());
        }
        for note in &report.notes {
            writeln!(out, "note: {}", safe::escape(note))?;
        }
        writeln!(out, "{}", summary(report))
    }
}
