//! A run that could not finish: the error, and — for a configuration or rule
//! file — a snippet of the file pointing at the problem.

use std::ops::Range;

/// Where in a file an error is, and what to say there.
pub struct Snippet<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub span: Range<usize>,
    pub message: &'a str,
}

/// `error: <message>` and, with a snippet, miette's rendering of it.
pub fn render(message: &str, snippet: Option<Snippet<'_>>, color: bool) -> String {
    let plain = format!("error: {message}\n");
    let Some(snippet) = snippet else {
        return plain;
    };
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let report = miette::MietteDiagnostic::new(snippet.message.to_string())
        .with_code("config")
        .with_label(miette::LabeledSpan::at(snippet.span, "here"));
    let src = miette::NamedSource::new(snippet.path, snippet.text.to_string());
    let report = miette::Report::new(report).with_source_code(src);
    let mut s = plain;
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    if handler.render_report(&mut s, report.as_ref()).is_err() {
        return format!("error: {message}\n");
    }
    s
}
