//! miette's graphical report, written directly for the shape lockstep's
//! findings take: a rule code, a message, one unlabelled span that lies on
//! one line of its snippet, a help text, and at most one related source
//! section shaped the same way.
//!
//! The bytes are those [`miette::GraphicalReportHandler`] writes with the
//! settings [`Human`](super::Human) gives it: a property test renders random
//! findings both ways and requires the same output. miette builds each
//! report through its general machinery (labels in any number, gutters for
//! spans over several lines, a highlighter, `format!` at every step), which
//! cost about 50,000 instructions a finding: 7% of a run on
//! coding-interview-university and its 1,500 findings. What this module
//! does not cover (a span over several lines) it declines, and miette
//! renders it. The property test compares with [`Human`](super::Human)'s
//! own miette handler: a change to its settings that this module does not
//! follow fails it.

use std::fmt::Write as _;

use miette::{GraphicalTheme, Severity, ThemeCharacters};
use unicode_width::UnicodeWidthChar;

use super::snippet::Excerpt;

/// A style's escape sequences: what owo-colors writes before and after a
/// text in that style (nothing for a plain style).
#[derive(Debug, Clone)]
struct Paint {
    pre: String,
    post: String,
}

impl Paint {
    fn of(style: &owo_colors::Style) -> Self {
        Self {
            pre: style.prefix_formatter().to_string(),
            post: style.suffix_formatter().to_string(),
        }
    }

    /// `text` in this style, as `text.style(style)` displays.
    fn push(&self, out: &mut String, text: &str) {
        out.push_str(&self.pre);
        out.push_str(text);
        out.push_str(&self.post);
    }
}

/// One report: what miette would get from a [`miette::Diagnostic`].
pub(super) struct Report<'a> {
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub src: &'a Excerpt,
    /// The related source section: its message and snippet (drawn as
    /// advice).
    pub related: Option<(&'a str, &'a Excerpt)>,
}

/// How a severity is drawn: its style (the code's), and the indents of
/// its message (miette's `render_causes`: `  × `, then `  │ `, in the
/// style), made once.
struct Drawn {
    paint: Paint,
    initial: String,
    rest: String,
}

pub(super) struct Graphical {
    chars: ThemeCharacters,
    /// Error, warning, advice.
    severities: [Drawn; 3],
    /// The help text's first indent (`  help: ` in its style).
    help_indent: String,
    link: Paint,
    linum: Paint,
    /// The first highlight style: the one a report's only label gets
    /// (with none, miette draws no underline: it is left to miette).
    highlight: Option<Paint>,
    /// The width texts are wrapped to (the terminal's less 2, as miette).
    width: usize,
}

/// miette's default tab width.
const TAB_WIDTH: usize = 4;

/// A line of a snippet, as miette's `get_lines` makes it: its number
/// (1-based), where it starts in the snippet's text and how many bytes it
/// takes with its line ending, and its text without it.
struct Line<'a> {
    number: usize,
    offset: usize,
    length: usize,
    text: &'a str,
}

impl Line<'_> {
    /// miette's `Line::span_line_only`.
    fn holds(&self, (offset, len): (usize, usize)) -> bool {
        offset >= self.offset && offset + len <= self.offset + self.length
    }

    /// miette's `Line::span_applies`.
    fn shows(&self, (offset, len): (usize, usize)) -> bool {
        let span_len = len.max(1);
        let end = self.offset + self.length;
        (offset >= self.offset && offset < end)
            || (offset < self.offset && offset + span_len > end)
            || (offset + span_len > self.offset && offset + span_len <= end)
    }
}

impl Graphical {
    /// The renderer of `theme`'s reports, wrapped within `termwidth` columns.
    pub(super) fn new(theme: &GraphicalTheme, termwidth: usize) -> Self {
        let s = &theme.styles;
        let c = &theme.characters;
        let drawn = |style: &owo_colors::Style, icon: &str| {
            let paint = Paint::of(style);
            let mut vbar = [0; 4];
            Drawn {
                initial: format!("  {}{icon}{} ", paint.pre, paint.post),
                rest: format!(
                    "  {}{}{} ",
                    paint.pre,
                    c.vbar.encode_utf8(&mut vbar),
                    paint.post
                ),
                paint,
            }
        };
        let help = Paint::of(&s.help);
        Self {
            chars: c.clone(),
            severities: [
                drawn(&s.error, &c.error),
                drawn(&s.warning, &c.warning),
                drawn(&s.advice, &c.advice),
            ],
            help_indent: format!("{}  help: {}", help.pre, help.post),
            link: Paint::of(&s.link),
            linum: Paint::of(&s.linum),
            highlight: s.highlights.first().map(Paint::of),
            width: termwidth.saturating_sub(2),
        }
    }

    /// The report, or `None` where miette must draw it (a span over several
    /// lines, or outside its snippet).
    pub(super) fn render(&self, r: &Report<'_>) -> Option<String> {
        let highlight = self.highlight.as_ref()?;
        let lines = snippet_lines(r.src)?;
        let related = match r.related {
            Some((message, src)) => Some((message, src, snippet_lines(src)?)),
            None => None,
        };
        let mut out = String::with_capacity(512);
        // The header: the code, then a blank line.
        self.drawn(r.severity).paint.push(&mut out, r.code);
        out.push_str("\n\n");
        self.cause(&mut out, r.severity, r.message);
        self.snippet(&mut out, r.src, &lines, highlight);
        if let Some(help) = r.help {
            fill(&mut out, help, self.width, &self.help_indent, "        ");
            out.push('\n');
        }
        if let Some((message, src, lines)) = related {
            // A related report: not nested, so headed by its severity, and
            // with no code (an empty header line).
            out.push_str("\nAdvice: \n");
            self.cause(&mut out, Severity::Advice, message);
            self.snippet(&mut out, src, &lines, highlight);
        }
        Some(out)
    }

    fn drawn(&self, severity: Severity) -> &Drawn {
        &self.severities[match severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Advice => 2,
        }]
    }

    /// The message beside the severity's icon (miette's `render_causes`,
    /// with no cause chain).
    fn cause(&self, out: &mut String, severity: Severity, message: &str) {
        let drawn = self.drawn(severity);
        fill(out, message, self.width, &drawn.initial, &drawn.rest);
        out.push('\n');
    }

    /// miette's `render_context` for one label that lies on one line.
    fn snippet(&self, out: &mut String, src: &Excerpt, lines: &[Line<'_>], highlight: &Paint) {
        let label = src.label_span();
        let linum_width = lines.last().map_or(0, |l| l.number).to_string().len();
        let c = &self.chars;
        push_n(out, ' ', linum_width + 2);
        out.push(c.ltop);
        out.push(c.hbar);
        out.push('[');
        out.push_str(&self.link.pre);
        let (line, column) = src.start();
        let _ = write!(out, "{}:{}:{}", src.name(), line + 1, column + 1);
        out.push_str(&self.link.post);
        out.push_str("]\n");
        for line in lines {
            out.push(' ');
            out.push_str(&self.linum.pre);
            let _ = write!(out, "{:linum_width$}", line.number);
            out.push_str(&self.linum.post);
            out.push(' ');
            out.push(c.vbar);
            out.push(' ');
            // The text, tabs expanded.
            if memchr::memchr(b'\t', line.text.as_bytes()).is_none() {
                out.push_str(line.text);
            } else {
                let (mut column, mut escaped) = (0, false);
                for ch in line.text.chars() {
                    let width = char_width(ch, column, &mut escaped);
                    column += width;
                    if ch == '\t' {
                        push_n(out, ' ', width);
                    } else {
                        out.push(ch);
                    }
                }
            }
            out.push('\n');
            if line.shows(label) {
                out.push(' ');
                push_n(out, ' ', linum_width);
                out.push(' ');
                out.push(c.vbar_break);
                out.push(' ');
                let (offset, len) = label;
                let start = visual_offset(line, offset, true);
                let end = if len == 0 {
                    start + 1
                } else {
                    visual_offset(line, offset + len, false).max(start + 1)
                };
                let vbar = (start + end) / 2;
                out.push_str(&highlight.pre);
                push_n(out, ' ', start);
                push_n(out, c.underline, vbar - start);
                out.push(if len == 0 { c.uarrow } else { c.underline });
                push_n(out, c.underline, end - vbar - 1);
                out.push_str(&highlight.post);
                out.push('\n');
            }
        }
        push_n(out, ' ', linum_width + 2);
        out.push(c.lbot);
        push_n(out, c.hbar, 4);
        out.push('\n');
    }
}

/// What `textwrap::fill` makes of `text` with the options miette gives it
/// here — `width`, the indents, words separated by ASCII spaces only, never
/// broken nor hyphenated, first fit —, without its vectors of words and
/// lines: each line of the text is wrapped alone, its first line given the
/// first line's room (textwrap's quirk: the initial indent's width) and
/// the others the subsequent indent's, a word going on the next line when
/// it would pass the room (and the line has a word already); a line ends
/// without the spaces after its last word; only the very first line gets
/// the initial indent, and an empty line gets none. A line shorter than
/// the width whose indent is empty is left whole.
fn fill(out: &mut String, text: &str, width: usize, initial: &str, rest: &str) {
    use textwrap::core::display_width;
    let room = [
        width.saturating_sub(display_width(initial)),
        width.saturating_sub(display_width(rest)),
    ];
    let mut first = true;
    for line in text.split('\n') {
        let indent = if first { initial } else { rest };
        if indent.is_empty() && line.len() < width {
            // textwrap leaves a short line with no indent as it is, but
            // for its trailing spaces.
            if !first {
                out.push('\n');
            }
            first = false;
            out.push_str(line.trim_end_matches(' '));
            continue;
        }
        let bytes = line.as_bytes();
        // Lines this line of the text was wrapped into so far.
        let mut wrapped = 0;
        // The line being filled: where it starts, where its last word's
        // text ends, the columns its words and their spaces take.
        let (mut from, mut to, mut used) = (0, 0, 0);
        let mut words = 0;
        // The words as textwrap's `AsciiSpace` finds them: a run of
        // non-spaces with the spaces after it (the spaces leading a line
        // are a word with no text).
        let mut start = 0;
        while start < bytes.len() {
            let mut end = start;
            while end < bytes.len() && bytes[end] != b' ' {
                end += 1;
            }
            let mut next = end;
            while next < bytes.len() && bytes[next] == b' ' {
                next += 1;
            }
            let w = display_width(&line[start..end]);
            if words > 0 && used + w > room[wrapped.min(1)] {
                emit(out, &mut first, initial, rest, &line[from..to]);
                wrapped += 1;
                (from, used) = (start, 0);
            }
            used += w + (next - end);
            to = end;
            words += 1;
            start = next;
        }
        if words == 0 {
            // An empty line: no indent.
            if !first {
                out.push('\n');
            }
            first = false;
        } else {
            emit(out, &mut first, initial, rest, &line[from..to]);
        }
    }
}

/// A wrapped line of [`fill`], after the line before it.
fn emit(out: &mut String, first: &mut bool, initial: &str, rest: &str, text: &str) {
    if !*first {
        out.push('\n');
    }
    out.push_str(if *first { initial } else { rest });
    *first = false;
    out.push_str(text);
}

fn push_n(out: &mut String, c: char, n: usize) {
    for _ in 0..n {
        out.push(c);
    }
}

/// The columns a character takes at `column` (miette's
/// `line_visual_char_width`): tabs to the next multiple of the tab width,
/// nothing inside an ANSI escape sequence, else its Unicode width.
fn char_width(c: char, column: usize, escaped: &mut bool) -> usize {
    match (*escaped, c) {
        (false, '\t') => TAB_WIDTH - column % TAB_WIDTH,
        (false, '\x1b') => {
            *escaped = true;
            0
        }
        (false, c) => c.width().unwrap_or(0),
        (true, 'm') => {
            *escaped = false;
            0
        }
        (true, _) => 0,
    }
}

/// The column of a byte offset in a line (miette's `visual_offset`): inside
/// a character, its first column when `start`, else its last; past the
/// line's text, one column past its end.
fn visual_offset(line: &Line<'_>, offset: usize, start: bool) -> usize {
    let mut i = offset - line.offset;
    while i <= line.text.len() && !line.text.is_char_boundary(i) {
        if start {
            i -= 1;
        } else {
            i += 1;
        }
    }
    let text = &line.text[..i.min(line.text.len())];
    // Printable ASCII takes a column a byte.
    let (mut column, mut escaped) = (0, false);
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        column = text.len();
    } else {
        for c in text.chars() {
            column += char_width(c, column, &mut escaped);
        }
    }
    if i > line.text.len() {
        column + 1
    } else {
        column
    }
}

/// The lines of an excerpt as miette's `get_lines` splits them (a `\r\n`
/// ends a line, a lone `\r` does not), or `None` when its label is not on
/// one line of them, or lies outside them: miette must draw that.
fn snippet_lines(src: &Excerpt) -> Option<Vec<Line<'_>>> {
    let text = src.text();
    let label = src.label_span();
    if label.0 + label.1 > text.len() {
        return None;
    }
    let mut lines = Vec::with_capacity(4);
    let mut number = src.first_line();
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < text.len() {
        let nl = memchr::memchr(b'\n', &bytes[start..]).map(|i| start + i);
        let (content_end, next) = match nl {
            Some(i) if i > start && bytes[i - 1] == b'\r' => (i - 1, i + 1),
            Some(i) => (i, i + 1),
            None => (text.len(), text.len()),
        };
        number += 1;
        lines.push(Line {
            number,
            offset: start,
            length: next - start,
            text: &text[start..content_end],
        });
        start = next;
    }
    if lines.iter().any(|l| l.shows(label) && !l.holds(label)) {
        return None;
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10000))]
        /// [`fill`] is textwrap's `fill` with miette's options: texts of
        /// several lines, blank ones, lines of spaces, spaces leading and
        /// trailing, words wider than the room, wide characters, styled
        /// indents of different widths.
        #[test]
        fn fill_is_textwraps(
            text in "(( {0,3}([a-z]{1,12}|글자|—|\u{1b}\\[1mb)){0,12} {0,3}\n?){0,4}",
            width in 0usize..40,
            initial in "( {0,8}|  \u{1b}\\[33m×\u{1b}\\[0m )",
            rest in " {0,10}",
        ) {
            let opts = textwrap::Options::new(width)
                .initial_indent(&initial)
                .subsequent_indent(&rest)
                .break_words(false)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            let mut ours = String::new();
            fill(&mut ours, &text, width, &initial, &rest);
            prop_assert_eq!(ours, textwrap::fill(&text, opts));
        }
    }
}
