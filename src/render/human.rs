//! Human output: miette's graphical reports, one per diagnostic, and a summary.
//!
//! The source snippet is an [`Excerpt`]: only the lines it shows, masked,
//! with long lines cut to a window around the span — so a finding costs the
//! same whatever the size of its file or line. Columns come from
//! [`Columns`], which counts on from the previous finding in the same line.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::Report;
use crate::source::SourceFile;

use super::columns::{self, Columns};
use super::snippet::Excerpt;
use super::{RenderOptions, Renderer, plural, safe};

/// Lines of context shown above and below a finding.
const CONTEXT_LINES: usize = 1;

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
            .with_context_lines(CONTEXT_LINES)
            // Lines break at spaces only: an id, a path or a URL is never
            // cut (it stays whole, to copy), and no Unicode line-break
            // table is consulted for every message.
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_break_words(false);
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
        self.render_at(file, d, source_file, &mut Columns::default())
    }

    fn render_at(
        &self,
        file: &SourceFile,
        d: &Diagnostic,
        source_file: Option<&SourceFile>,
        columns: &mut Columns,
    ) -> String {
        let src = excerpt(file, d.span, columns);
        let related = match (&d.source, source_file) {
            (Some(r), Some(f)) => vec![RelatedView {
                message: safe::escape(&r.message),
                src: excerpt(f, r.span, columns),
            }],
            _ => Vec::new(),
        };
        let view = View {
            d,
            message: safe::escape(&d.message),
            help: d.help.as_deref().map(safe::escape),
            src,
            related,
        };
        let mut s = String::new();
        if self.handler.render_report(&mut s, &view).is_err() {
            s = format!(
                "{}: {}\n",
                safe::escape(&file.path),
                safe::escape(&d.message)
            );
        }
        if let Some(stale) = &d.stale {
            s.push_str("  what changed in the source section since then:\n");
            let lines: Vec<&str> = stale.diff.lines().collect();
            // A long diff is cut: the whole of it is in JSON and SARIF.
            let shown = if lines.len() > DIFF_LINES + 1 {
                DIFF_LINES
            } else {
                lines.len()
            };
            for line in &lines[..shown] {
                s.push_str("    ");
                s.push_str(&safe::escape(line));
                s.push('\n');
            }
            if shown < lines.len() {
                s.push_str(&format!("    … {} more lines\n", lines.len() - shown));
            }
        }
        // Wrapped help text or an indented diff line could start with `::`.
        match safe::guard(&s) {
            Cow::Borrowed(_) => s,
            Cow::Owned(g) => g,
        }
    }
}

/// Lines of a stale section's source diff shown in human output.
const DIFF_LINES: usize = 12;

/// The snippet of `span` in `file`, its path escaped for the header.
fn excerpt(file: &SourceFile, span: crate::source::Span, columns: &mut Columns) -> Excerpt {
    Excerpt::new(
        safe::escape(&file.path).into_owned(),
        &file.text,
        &file.lines,
        span,
        CONTEXT_LINES,
        columns,
    )
}

impl Renderer for Human {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        super::in_parallel_in_order(
            &report.diagnostics,
            |chunk, columns| {
                let mut text = String::new();
                for d in chunk {
                    let file = &report.files[d.file.index()];
                    let source = d.source.as_ref().map(|s| &report.files[s.file.index()]);
                    text.push_str(&if d.severity == Severity::Info {
                        note_line_at(file, d, source, columns)
                    } else {
                        self.render_at(file, d, source, columns)
                    });
                }
                Ok(text.into_bytes())
            },
            |text| out.write_all(&text),
        )?;
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
    note_line_at(file, d, source, &mut Columns::default())
}

fn note_line_at(
    file: &SourceFile,
    d: &Diagnostic,
    source: Option<&SourceFile>,
    columns: &mut Columns,
) -> String {
    let lc = columns.line_col(file, d.span.start);
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
            safe::escape(&f.path),
            columns::line(f, r.span.start)
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
    src: Excerpt,
    related: Vec<RelatedView<'a>>,
}

/// The source section of a cross-edition finding, shown below it.
struct RelatedView<'a> {
    message: Cow<'a, str>,
    src: Excerpt,
}

impl fmt::Debug for RelatedView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for RelatedView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        Some(Box::new(std::iter::once(self.src.label(None, true))))
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
        Some(Box::new(std::iter::once(self.src.label(None, true))))
    }
}
