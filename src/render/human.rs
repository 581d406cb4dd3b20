//! Human output: miette's graphical reports, one per diagnostic, and a summary.
//!
//! The source snippet comes from [`FileSource`], a `miette::SourceCode` over
//! our own line index: it finds lines in O(log n) instead of rescanning the
//! file for each diagnostic, and reports columns in characters.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::Report;
use crate::source::SourceFile;

use super::{RenderOptions, Renderer, plural, safe};

pub struct Human {
    handler: GraphicalReportHandler,
    quiet: bool,
}

impl Human {
    pub fn new(opts: RenderOptions) -> Self {
        let theme = if opts.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(opts.width.unwrap_or(100))
            .with_links(false)
            .with_context_lines(1);
        Self {
            handler,
            quiet: opts.quiet,
        }
    }

    /// Renders one diagnostic to a string; `source_file` is the file of its
    /// related source section, if any.
    pub fn render_one(
        &self,
        file: &SourceFile,
        d: &Diagnostic,
        source_file: Option<&SourceFile>,
    ) -> String {
        let related = match (&d.source, source_file) {
            (Some(r), Some(f)) => vec![RelatedView {
                message: &r.message,
                span: r.span,
                src: FileSource::new(f),
            }],
            _ => Vec::new(),
        };
        let view = View {
            d,
            message: safe::escape(&d.message),
            help: d.help.as_deref().map(safe::escape),
            src: FileSource::new(file),
            related,
        };
        let mut s = String::new();
        if self.handler.render_report(&mut s, &view).is_err() {
            s = format!("{}: {}\n", file.path, d.message);
        }
        if let Some(stale) = &d.stale {
            s.push_str("  what changed in the source section since then:\n");
            for line in stale.diff.lines() {
                s.push_str("    ");
                s.push_str(&safe::escape(line));
                s.push('\n');
            }
        }
        s
    }
}

impl Renderer for Human {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for d in &report.diagnostics {
            let file = &report.files[d.file.index()];
            let source = d.source.as_ref().map(|s| &report.files[s.file.index()]);
            let text = if d.severity == Severity::Info {
                note_line(file, d, source)
            } else {
                self.render_one(file, d, source)
            };
            out.write_all(text.as_bytes())?;
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

/// A note on one line: notes are many (entry texts, untranslated sections)
/// and informational, so they do not get a source snippet each.
pub fn note_line(file: &SourceFile, d: &Diagnostic, source: Option<&SourceFile>) -> String {
    let lc = file.line_col(d.span.start);
    let mut s = format!(
        "note[{}]: {}:{}:{}: {}",
        d.rule.name(),
        safe::escape(&file.path),
        lc.line,
        lc.column,
        safe::escape(&d.message)
    );
    if let (Some(r), Some(f)) = (&d.source, source) {
        s.push_str(&format!(
            " (source: {}:{})",
            f.path,
            f.line_col(r.span.start).line
        ));
    }
    s.push('\n');
    s
}

/// "Found 2 errors and 1 warning in 1 file (3 files checked)."
pub fn summary(report: &Report) -> String {
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let infos = report.count(Severity::Info);
    let checked = plural(report.checked, "file");
    if report.diagnostics.is_empty() {
        return format!("No problems found ({checked} checked).");
    }
    let mut parts = vec![plural(errors, "error"), plural(warnings, "warning")];
    if infos > 0 {
        parts.push(plural(infos, "note"));
    }
    format!(
        "Found {} in {} ({checked} checked).",
        join_and(&parts),
        plural(report.files_with_findings(), "file")
    )
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A diagnostic as miette sees it, with user text made safe to print.
struct View<'a> {
    d: &'a Diagnostic,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
    src: FileSource<'a>,
    related: Vec<RelatedView<'a>>,
}

/// The source section of a cross-edition finding, shown below it.
struct RelatedView<'a> {
    message: &'a str,
    span: crate::source::Span,
    src: FileSource<'a>,
}

impl fmt::Debug for RelatedView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl fmt::Display for RelatedView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for RelatedView<'_> {}

impl miette::Diagnostic for RelatedView<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, (self.span.start, self.span.len())),
        )))
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.d.fmt(f)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.rule.name()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, (span.start, span.len())),
        )))
    }
}

/// A file's text as miette source code, using the file's line index; unsafe
/// characters are masked (same byte lengths, so spans stay valid).
struct FileSource<'a> {
    file: &'a SourceFile,
    text: Cow<'a, str>,
}

impl<'a> FileSource<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Self {
            file,
            text: safe::mask(&file.text),
        }
    }
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text: &str = &self.text;
        let lines = &self.file.lines;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = lines.line_of(start);
        let last = lines.line_of(end.saturating_sub(1).max(start));
        let name = self.file.path.clone();
        if before == 0 && after == 0 {
            let line_start = lines.line_start(first + 1).min(start);
            let column = text[line_start..start].chars().count();
            return Ok(Box::new(MietteSpanContents::new_named(
                name,
                &text.as_bytes()[start..end],
                *span,
                first,
                column,
                last - first,
            )));
        }
        let ctx_first = first.saturating_sub(before);
        let ctx_last = (last + after).min(lines.line_count() - 1);
        let s = lines.line_start(ctx_first + 1);
        let e = if ctx_last + 1 < lines.line_count() {
            lines.line_start(ctx_last + 2)
        } else {
            text.len()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            name,
            &text.as_bytes()[s..e],
            (s, e - s).into(),
            ctx_first,
            0,
            ctx_last - ctx_first,
        )))
    }
}
