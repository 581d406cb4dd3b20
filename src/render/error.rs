//! A run that could not finish: the error, and — for a configuration or rule
//! file — a snippet of the file pointing at the problem.
//!
//! Configuration and rule files may come from a pull request like the
//! Markdown does: the message (which quotes keys and values) is escaped, the
//! snippet masked and cut like a finding's ([`Excerpt`]), and no line of the
//! result can start a GitHub Actions workflow command.

use std::ops::Range;

use crate::source::{LineIndex, Span};

use super::columns::Columns;
use super::safe;
use super::snippet::Excerpt;

/// Where in a file an error is, and what to say there.
pub struct Snippet<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub span: Range<usize>,
    pub message: &'a str,
}

/// `error: <message>` and, with a snippet, miette's rendering of it.
pub fn render(message: &str, snippet: Option<Snippet<'_>>, color: bool) -> String {
    let plain = format!("error: {}\n", safe::escape(message));
    let Some(snippet) = snippet else {
        return safe::guard(&plain).into_owned();
    };
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    let lines = LineIndex::new(snippet.text);
    let src = Excerpt::new(
        safe::escape(snippet.path).into_owned(),
        snippet.text,
        &lines,
        Span::new(snippet.span.start, snippet.span.end),
        1,
        &mut Columns::default(),
    );
    let report = miette::MietteDiagnostic::new(safe::escape(snippet.message).into_owned())
        .with_code("config")
        .with_label(src.label(Some("here".into()), false));
    let report = miette::Report::new(report).with_source_code(src);
    let mut s = plain;
    if handler.render_report(&mut s, report.as_ref()).is_err() {
        s = format!("error: {}\n", safe::escape(message));
    }
    safe::guard(&s).into_owned()
}
