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
use super::graphical::{self, Graphical};
use super::snippet::Excerpt;
use super::{RenderOptions, Renderer, plural, safe};

/// Lines of context shown above and below a finding.
const CONTEXT_LINES: usize = 1;

pub struct Human {
    /// Most reports: miette's drawing, written directly.
    graphical: Graphical,
    handler: GraphicalReportHandler,
    /// The same handler, not wrapping: for a diagnostic whose texts all
    /// [`fit`] (textwrap would leave them as they are, at some cost).
    unwrapped: GraphicalReportHandler,
    /// The width miette wraps texts to, with their indent.
    width: usize,
    quiet: bool,
}

impl Human {
    pub fn new(opts: RenderOptions) -> Self {
        let theme = if opts.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let width = opts.width.unwrap_or(100);
        let graphical = Graphical::new(&theme, width);
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false)
            .with_context_lines(CONTEXT_LINES)
            // Lines break at spaces only: an id, a path or a URL is never
            // cut (it stays whole, to copy), and no Unicode line-break
            // table is consulted for every message.
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_break_words(false);
        Self {
            graphical,
            unwrapped: handler.clone().with_wrap_lines(false),
            handler,
            // miette wraps to the terminal's width less 2.
            width: width.saturating_sub(2),
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
        let view = View::new(file, d, source_file, columns);
        let mut s = match self.drawn(&view) {
            Some(s) => s,
            None => self.drawn_by_miette(file, &view),
        };
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

    /// The report as [`Graphical`] draws it, when it can.
    fn drawn(&self, view: &View<'_>) -> Option<String> {
        let related = match view.related.as_slice() {
            [] => None,
            [r] => Some((&*r.message, &r.src)),
            _ => return None,
        };
        self.graphical.render(&graphical::Report {
            code: view.d.rule.name(),
            // The severity miette would be given.
            severity: miette::Diagnostic::severity(view)?,
            message: &view.message,
            help: view.help.as_deref(),
            src: &view.src,
            related,
        })
    }

    /// The report as miette draws it: without textwrap when every text
    /// [`fits`].
    fn drawn_by_miette(&self, file: &SourceFile, view: &View<'_>) -> String {
        let mut texts = std::iter::once(&view.message)
            .chain(&view.help)
            .chain(view.related.iter().map(|r| &r.message));
        let handler = if texts.all(|t| fits(t, self.width)) {
            &self.unwrapped
        } else {
            &self.handler
        };
        let mut s = String::new();
        if handler.render_report(&mut s, view).is_err() {
            s = format!(
                "{}: {}\n",
                safe::escape(&file.path),
                safe::escape(&view.d.message)
            );
        }
        s
    }
}

/// The most columns of indent miette puts before a text it wraps: `  help: `
/// (8), `  × ` (4) and the like, with room to spare.
const INDENT: usize = 10;

/// Whether textwrap, as miette calls it (break at spaces only, after an
/// indent of at most [`INDENT`] columns, within `width` columns), leaves
/// `text` as it is, so that it need not be called: each line fits beside
/// the indent — textwrap's first-fit breaks a line only where its width
/// would pass the limit, and gives each line of the text the first line's
/// width —, is not blank (textwrap drops a blank line's indent, miette's
/// unwrapped output keeps part of it) and does not end with a space
/// (textwrap trims it). Control characters (escape sequences, tabs) and a
/// final line break are left to textwrap.
fn fits(text: &str, width: usize) -> bool {
    let room = width.saturating_sub(INDENT);
    !text.ends_with('\n')
        && text.split('\n').all(|line| {
            !line.trim().is_empty()
                && !line.ends_with(' ')
                && !line.chars().any(char::is_control)
                && (line.len() <= room || textwrap::core::display_width(line) <= room)
        })
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

impl<'a> View<'a> {
    /// `d`, found in `file`; `source_file` is the file of its related
    /// source section, if any.
    fn new(
        file: &SourceFile,
        d: &'a Diagnostic,
        source_file: Option<&SourceFile>,
        columns: &mut Columns,
    ) -> Self {
        let src = excerpt(file, d.span, columns);
        let related = match (&d.source, source_file) {
            (Some(r), Some(f)) => vec![RelatedView {
                message: safe::escape(&r.message),
                src: excerpt(f, r.span, columns),
            }],
            _ => Vec::new(),
        };
        View {
            d,
            message: safe::escape(&d.message),
            help: d.help.as_deref().map(safe::escape),
            src,
            related,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn human(width: usize, color: bool) -> Human {
        Human::new(RenderOptions {
            color,
            width: Some(width),
            quiet: false,
        })
    }

    /// What the two handlers make of a message and a help text.
    fn both(h: &Human, message: &str, help: &str) -> (String, String) {
        let d = miette::MietteDiagnostic::new(message)
            .with_help(help)
            .with_severity(miette::Severity::Warning);
        let (mut wrapped, mut unwrapped) = (String::new(), String::new());
        h.handler.render_report(&mut wrapped, &d).unwrap();
        h.unwrapped.render_report(&mut unwrapped, &d).unwrap();
        (wrapped, unwrapped)
    }

    #[test]
    fn a_text_that_does_not_fit_is_wrapped() {
        let h = human(40, false);
        let long = "a long message that goes on well past the width of the terminal";
        assert!(!fits(long, h.width));
        let (wrapped, unwrapped) = both(&h, long, "short");
        assert_ne!(wrapped, unwrapped);
        for (text, fit) in [
            ("fits", true),
            ("", false),
            ("trailing space ", false),
            ("a\n\nblank line", false),
            ("ends with a break\n", false),
            ("a\ttab", false),
            ("two\nlines", true),
            ("넓은 글자는 두 칸", true),
        ] {
            assert_eq!(fits(text, h.width), fit, "{text:?}");
        }
        // Wide characters count two columns: 10 of them fill 20.
        assert!(fits(&"글".repeat(10), 30));
        assert!(!fits(&"글".repeat(11), 30));
    }

    /// A finding of `rule` at `span` of `text`, with a related source
    /// section at `related` of `source` when given; what the direct
    /// drawing makes of it (if it draws it) and what miette makes of it
    /// (wrapping, as it does when not told otherwise).
    fn drawn_both(
        h: &Human,
        text: &str,
        span: (usize, usize),
        severity: Severity,
        message: &str,
        help: Option<&str>,
        related: Option<(&str, (usize, usize))>,
    ) -> (Option<String>, String) {
        use crate::diagnostic::Related;
        use crate::registry::RuleId;
        use crate::source::{FileId, Span};
        let file = SourceFile::new("docs/a b.md".into(), text.into());
        let source = related.map(|(t, _)| SourceFile::new("README.md".into(), t.into()));
        let mut d = Diagnostic::new(
            RuleId::BrokenAnchor,
            FileId(0),
            Span::new(span.0, span.1),
            message,
        );
        d.severity = severity;
        d.help = help.map(String::from);
        d.source = related.map(|(_, (a, b))| Related {
            file: FileId(1),
            span: Span::new(a, b),
            message: "the source section".into(),
        });
        let view = View::new(&file, &d, source.as_ref(), &mut Columns::default());
        let mut by_miette = String::new();
        h.handler.render_report(&mut by_miette, &view).unwrap();
        (h.drawn(&view), by_miette)
    }

    #[test]
    fn a_finding_on_one_line_is_drawn_directly_and_one_over_lines_by_miette() {
        let h = human(80, false);
        let text = "# Title\n\nSee [the guide](#gude) for\nmore.\n";
        let at = text.find("#gude").unwrap();
        let (direct, by_miette) = drawn_both(
            &h,
            text,
            (at, at + 5),
            Severity::Error,
            "no heading has the id `gude`",
            Some("did you mean `#guide`?"),
            Some(("# Title\n\nSee\n", (9, 12))),
        );
        assert_eq!(direct.as_deref(), Some(by_miette.as_str()));
        insta::assert_snapshot!(by_miette, @r"
        broken-anchor

          × no heading has the id `gude`
           ╭─[docs/a b.md:3:17]
         2 │ 
         3 │ See [the guide](#gude) for
           ·                 ─────
         4 │ more.
           ╰────
          help: did you mean `#guide`?

        Advice: 
          ☞ the source section
           ╭─[README.md:3:1]
         2 │ 
         3 │ See
           · ───
           ╰────
        ");
        // A span over two lines: miette draws its gutter.
        let (direct, _) = drawn_both(
            &h,
            text,
            (at, text.len() - 2),
            Severity::Warning,
            "m",
            None,
            None,
        );
        assert_eq!(direct, None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The direct drawing writes miette's bytes: any text (tabs, wide
        /// and zero-width characters, CRLF and lone CR line endings, long
        /// lines that are cut), any span (empty, inside a character, at a
        /// line's end, over several lines), messages that wrap or not, every
        /// severity, a related section or none, any width, colour or not.
        #[test]
        fn direct_drawing_is_miettes(
            text in "([a-z]{1,5}|[ \t]|글|e\u{301}|🦀|\n|\r\n|\r|\n\n|[a-z ]{250,300}){0,30}",
            source in "([a-z]{1,5}| |\t|글|\n|\r\n){0,12}",
            span in (0usize..400, 0usize..40),
            related_span in (0usize..60, 0usize..20),
            message in "( {0,2}([a-z]{1,12}|글자|—|`#id`|\t|\u{1b}\\[1m)){0,25}(\n( {0,3}[a-z]{0,14}){0,5} {0,2}){0,3}",
            help in proptest::option::of("[a-z]{1,5}( [a-z글]{1,9}){0,25}"),
            severity in prop_oneof![Just(Severity::Error), Just(Severity::Warning), Just(Severity::Info)],
            with_related in any::<bool>(),
            width in 16usize..120,
            color in any::<bool>(),
        ) {
            let h = human(width, color);
            let span = (span.0, span.0 + span.1);
            let related = with_related
                .then_some((source.as_str(), (related_span.0, related_span.0 + related_span.1)));
            let (direct, by_miette) =
                drawn_both(&h, &text, span, severity, &message, help.as_deref(), related);
            if let Some(direct) = direct {
                prop_assert_eq!(direct, by_miette);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// Where every text fits, leaving textwrap out changes no byte.
        #[test]
        fn texts_that_fit_render_the_same_unwrapped(
            message in "([a-z]{1,6}|글자|é|—|`#id`|::)( {1,2}([a-z]{1,8}|글자|é|—)){0,12} ?(\n[a-z ]{0,20}[a-z]?){0,2}",
            help in "[a-z]{1,5}( [a-z글]{1,9}){0,10}",
            width in 16usize..90,
            color in any::<bool>(),
        ) {
            let h = human(width, color);
            let (wrapped, unwrapped) = both(&h, &message, &help);
            if fits(&message, h.width) && fits(&help, h.width) {
                prop_assert_eq!(wrapped, unwrapped);
            }
            // (About one case in eight fits: both kinds are met.)
        }
    }
}
