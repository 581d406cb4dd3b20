//! A run that could not finish: the error, and — for a configuration or rule
//! file — a snippet of the file pointing at the problem.
//!
//! Configuration and rule files may come from a pull request like the
//! Markdown does: the message (which quotes keys and values) is escaped, the
//! snippet masked and cut like a finding's ([`Excerpt`]), and no line of the
//! result can start a GitHub Actions workflow command.

use std::ops::Range;

use crate::source::LineIndex;

use super::safe;

/// Where in a file an error is.
pub struct Snippet<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub span: Range<usize>,
}

/// The widest part of a line a snippet shows (in characters).
const WIDTH: usize = 160;

/// `error: <message>` and, with a snippet, the line it points at with the
/// place underlined — said once (the message is not repeated in a box).
pub fn render(message: &str, snippet: Option<Snippet<'_>>, _color: bool) -> String {
    let mut s = format!("error: {}\n", safe::escape(message));
    if let Some(snippet) = snippet {
        s.push_str(&excerpt(&snippet));
    }
    safe::guard(&s).into_owned()
}

/// The snippet's line, masked and cut to a window around the place, with
/// the place underlined.
fn excerpt(snippet: &Snippet<'_>) -> String {
    let text = snippet.text;
    let lines = LineIndex::new(text);
    let start = snippet.span.start.min(text.len());
    let lc = lines.line_col(text, start);
    let line = lines.line_span(text, lc.line);
    let masked = safe::mask(&text[line.range()]);
    let chars: Vec<char> = masked.chars().collect();
    let at = lc.column - 1;
    let end = (start.max(snippet.span.end).min(line.end)).max(start);
    let width = text[start..end].chars().count().max(1);
    // A window of the line around the place.
    let from = at.saturating_sub(WIDTH / 2).min(chars.len());
    let to = (from + WIDTH).min(chars.len());
    let mut shown: String = chars[from..to].iter().collect();
    let mut offset = at - from.min(at);
    if from > 0 {
        shown.insert(0, '…');
        offset += 1;
    }
    if to < chars.len() {
        shown.push('…');
    }
    let under = width.min(WIDTH.saturating_sub(offset).max(1));
    // One line of context either side, masked and cut to the window width.
    let context = |n: usize| -> Option<String> {
        if n == 0 || n > lines.line_count() || lines.line_start(n) >= text.len() {
            return None;
        }
        let span = lines.line_span(text, n);
        let masked = safe::mask(&text[span.range()]);
        let mut shown: String = masked.chars().take(WIDTH).collect();
        if masked.chars().count() > WIDTH {
            shown.push('…');
        }
        Some(shown)
    };
    let width_n = (lc.line + 1).to_string().len();
    let pad = " ".repeat(width_n);
    let mut out = format!(
        "{pad} ╭─[{}:{}:{}]\n",
        safe::escape(snippet.path),
        lc.line,
        lc.column
    );
    if let Some(before) = context(lc.line - 1) {
        out.push_str(&format!("{:>width_n$} │ {before}\n", lc.line - 1));
    }
    out.push_str(&format!("{:>width_n$} │ {shown}\n", lc.line));
    out.push_str(&format!(
        "{pad} · {}{} here\n",
        " ".repeat(offset),
        "^".repeat(under)
    ));
    if let Some(after) = context(lc.line + 1) {
        out.push_str(&format!("{:>width_n$} │ {after}\n", lc.line + 1));
    }
    out.push_str(&format!("{pad} ╰────\n"));
    out
}
