//! Source snippets for miette, built from only the lines they show.
//!
//! An [`Excerpt`] holds the lines of one snippet — the span's lines and
//! `context` lines either side — masked ([`safe::mask`]), and with every line
//! longer than [`MAX_LINE_CHARS`] cut to a window around the span, `…`
//! marking what was cut. The label is moved into the excerpt's coordinates
//! so the underline sits under the same characters; the header still names
//! the real line and column. Building one costs time proportional to what it
//! shows, not to the file, so rendering is linear in the number of findings.

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{LineIndex, Span, floor_char_boundary};

use super::columns::Columns;
use super::safe;

/// A line longer than this many characters is shown as a window of at most
/// this many characters (the `…` marks included) around the span.
pub const MAX_LINE_CHARS: usize = 240;

/// In a cut line, characters shown before the span (when the span leaves
/// room for them).
const LEAD_CHARS: usize = 60;

/// Characters shown before a span too long for the window.
const MIN_LEAD_CHARS: usize = 16;

/// A span over more lines than this shows only its first ones, the last of
/// them ending in `…`.
pub const MAX_SPAN_LINES: usize = 8;

const ELLIPSIS: &str = "…";

/// The lines of one snippet, made safe and short, as miette source code.
pub struct Excerpt {
    name: String,
    text: String,
    /// 0-based numbers of the first and last line shown.
    first_line: usize,
    last_line: usize,
    /// The span in the excerpt's coordinates.
    label: (usize, usize),
    /// 0-based line and character column of the span's start in the file.
    line: usize,
    column: usize,
}

/// How one shown line maps file offsets to excerpt offsets.
struct Shown {
    /// Where the line starts in the excerpt.
    at: usize,
    /// The window of the file shown: `text[a..b]` of the line's content,
    /// which ends at `content_end` (before the line ending).
    a: usize,
    b: usize,
    content_end: usize,
    /// Bytes added before and after the window (`…`).
    prefix: usize,
    suffix: usize,
}

impl Shown {
    fn map(&self, p: usize) -> usize {
        if p <= self.a {
            self.at + if p == self.a { self.prefix } else { 0 }
        } else if p <= self.b {
            self.at + self.prefix + (p - self.a)
        } else if p <= self.content_end {
            self.at + self.prefix + (self.b - self.a) + self.suffix
        } else {
            self.at + self.prefix + (self.b - self.a) + self.suffix + (p - self.content_end)
        }
    }
}

impl Excerpt {
    /// The snippet of `span` in `text` (whose line index is `lines`), with
    /// `context` lines either side; `name` is shown in the header as is.
    pub fn new(
        name: String,
        text: &str,
        lines: &LineIndex,
        span: Span,
        context: usize,
        columns: &mut Columns,
    ) -> Self {
        let len = text.len();
        let bytes = text.as_bytes();
        // Not inside a byte order mark, which is not part of line 1.
        let body = lines.line_start(1).min(len);
        let start = floor_char_boundary(text, span.start.min(len)).max(body);
        let end = floor_char_boundary(text, span.end.min(len)).max(start);
        let (first, column) = columns.line_col0(text, lines, start);
        let last = lines.line_of(end.saturating_sub(1).max(start));
        let cut = last - first >= MAX_SPAN_LINES;
        let shown_last = if cut {
            first + MAX_SPAN_LINES - 1
        } else {
            last
        };
        let first_line = first.saturating_sub(context);
        let last_line = if cut {
            shown_last
        } else {
            (last + context).min(lines.line_count() - 1)
        };

        let mut out = String::new();
        let mut label = (0, 0);
        for i in first_line..=last_line {
            let line_start = lines.line_start(i + 1).min(len);
            let next = if i + 1 < lines.line_count() {
                lines.line_start(i + 2)
            } else {
                len
            };
            let mut content_end = next;
            if content_end > line_start && bytes[content_end - 1] == b'\n' {
                content_end -= 1;
                if content_end > line_start && bytes[content_end - 1] == b'\r' {
                    content_end -= 1;
                }
            }
            // What must stay visible: the span's start, or its end, or
            // (for context lines and lines inside the span) the line's start.
            let focus = if i == first {
                let s = start.min(content_end);
                (
                    s,
                    if last == first {
                        end.min(content_end)
                    } else {
                        s
                    },
                )
            } else if i == last && !cut {
                let e = end.min(content_end);
                (
                    floor_char_boundary(text, e.saturating_sub(1)).max(line_start),
                    e,
                )
            } else {
                (line_start, line_start)
            };
            let (a, b) = window(text, line_start, content_end, focus);
            let mut shown = Shown {
                at: out.len(),
                a,
                b,
                content_end,
                prefix: 0,
                suffix: 0,
            };
            if a > line_start {
                out.push_str(ELLIPSIS);
                shown.prefix = ELLIPSIS.len();
            }
            out.push_str(&safe::mask(&text[a..b]));
            // The span goes on past the last line shown.
            let continues = cut && i == shown_last;
            if b < content_end || continues {
                out.push_str(ELLIPSIS);
                shown.suffix = ELLIPSIS.len();
            }
            if i == first {
                label.0 = shown.map(start);
            }
            if continues {
                label.1 = out.len();
            } else if i == last {
                label.1 = shown.map(end);
            }
            out.push_str(&text[content_end..next]);
        }
        Self {
            name,
            text: out,
            first_line,
            last_line,
            label: (label.0, label.1.max(label.0) - label.0),
            line: first,
            column,
        }
    }

    /// The header's name (the path, escaped).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The lines shown, masked and cut.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 0-based number of the first line shown.
    pub fn first_line(&self) -> usize {
        self.first_line
    }

    /// The 0-based line and character column of the span's start in the
    /// file (as the header shows them, 1-based).
    pub fn start(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    /// The span in the excerpt's coordinates: offset and length.
    pub fn label_span(&self) -> (usize, usize) {
        self.label
    }

    /// The span as a label, in the excerpt's coordinates.
    pub fn label(&self, text: Option<String>, primary: bool) -> LabeledSpan {
        if primary {
            LabeledSpan::new_primary_with_span(text, self.label)
        } else {
            LabeledSpan::new_with_span(text, self.label)
        }
    }
}

/// The part `[a, b)` of the line `text[start..end]` to show so that `focus`
/// (or as much of it as fits) is visible: the whole line when it has at most
/// [`MAX_LINE_CHARS`] characters. Costs time proportional to the window.
fn window(text: &str, start: usize, end: usize, focus: (usize, usize)) -> (usize, usize) {
    if end - start <= MAX_LINE_CHARS
        || text[start..end].chars().take(MAX_LINE_CHARS + 1).count() <= MAX_LINE_CHARS
    {
        return (start, end);
    }
    // Room for the text, with a `…` at either end.
    let room = MAX_LINE_CHARS - 2;
    let (fs, fe) = focus;
    let focus_chars = text[fs..fe].chars().take(room).count();
    // A span too long for the window still gets a little of what precedes it.
    let lead = LEAD_CHARS.min(room - focus_chars).max(MIN_LEAD_CHARS);
    let mut a = back(text, start, fs, lead);
    let mut b = forward(text, a, end, room);
    let shown = text[a..b].chars().count();
    if shown < room {
        a = back(text, start, a, room - shown);
    }
    // With a `…` at one end only, one more character fits.
    if a == start && b < end {
        b = forward(text, b, end, 1);
    } else if b == end && a > start {
        a = back(text, start, a, 1);
    }
    (a, b.max(fs))
}

/// The offset `n` characters before `from`, not before `floor`.
fn back(text: &str, floor: usize, from: usize, n: usize) -> usize {
    text[floor..from]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(from, |(i, _)| floor + i)
}

/// The offset `n` characters after `from`, not after `ceil`.
fn forward(text: &str, from: usize, ceil: usize, n: usize) -> usize {
    text[from..ceil]
        .char_indices()
        .nth(n)
        .map_or(ceil, |(i, _)| from + i)
}

impl SourceCode for Excerpt {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        if before == 0 && after == 0 {
            // The header's line and column: the span's place in the file.
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &self.text.as_bytes()[start..end],
                *span,
                self.line,
                self.column,
                self.last_line - self.line,
            )));
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            (0, self.text.len()).into(),
            self.first_line,
            0,
            self.last_line - self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, span: Span) -> Excerpt {
        let lines = LineIndex::new(text);
        Excerpt::new("f".into(), text, &lines, span, 1, &mut Columns::default())
    }

    fn labelled(e: &Excerpt) -> &str {
        &e.text[e.label.0..e.label.0 + e.label.1]
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = "one\ntwo [x](#y) two\nthree\nfour\n";
        let at = text.find("#y").unwrap();
        let e = excerpt(text, Span::new(at, at + 2));
        assert_eq!(e.text, "one\ntwo [x](#y) two\nthree\n");
        assert_eq!(labelled(&e), "#y");
        assert_eq!((e.line, e.column, e.first_line, e.last_line), (1, 8, 0, 2));
    }

    #[test]
    fn long_lines_are_windows_around_the_span() {
        let line: String = (0..2000).map(|i| format!("[l](#a{i:04}) ")).collect();
        let text = format!("# T\n\n{line}\nafter\n");
        let at = text.find("#a1000").unwrap();
        let e = excerpt(&text, Span::new(at, at + 6));
        assert_eq!(labelled(&e), "#a1000");
        let shown = e.text.lines().nth(1).unwrap();
        assert_eq!(shown.chars().count(), MAX_LINE_CHARS);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        // The header keeps the real column.
        assert_eq!(
            e.column,
            text[text.find("[l]").unwrap()..at].chars().count()
        );
        // At the very start and end of the line: one `…` only.
        let at = text.find("#a0000").unwrap();
        let e = excerpt(&text, Span::new(at, at + 6));
        let shown = e.text.lines().nth(1).unwrap();
        assert!(!shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().count(), MAX_LINE_CHARS);
        assert_eq!(labelled(&e), "#a0000");
        let at = text.find("#a1999").unwrap();
        let e = excerpt(&text, Span::new(at, at + 6));
        let shown = e.text.lines().nth(1).unwrap();
        assert!(shown.starts_with('…') && !shown.ends_with('…'));
        assert_eq!(shown.chars().count(), MAX_LINE_CHARS);
        assert_eq!(labelled(&e), "#a1999");
    }

    #[test]
    fn a_span_longer_than_the_window_is_cut_and_marked() {
        let text = format!("a {} b\n", "x".repeat(1000));
        let e = excerpt(&text, Span::new(2, 1002));
        let shown = e.text.lines().next().unwrap();
        assert_eq!(shown.chars().count(), MAX_LINE_CHARS);
        // The underline runs to the `…` that says the span goes on.
        assert!(labelled(&e).ends_with('…'));
        assert!(labelled(&e).starts_with("xxx"));
    }

    #[test]
    fn wide_and_unsafe_characters_keep_the_underline_in_place() {
        let text = format!("{}\u{202E}[x](#한국어)\u{200B} end\n", "가".repeat(500));
        let at = text.find("#한").unwrap();
        let e = excerpt(&text, Span::new(at, at + "#한국어".len()));
        assert_eq!(labelled(&e), "#한국어");
        assert!(!e.text.contains('\u{202E}') && !e.text.contains('\u{200B}'));
        assert!(e.text.contains('\u{FFFD}'));
    }

    #[test]
    fn long_spans_show_their_first_lines() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let e = excerpt(&text, Span::new(0, text.len()));
        assert_eq!(e.text.lines().count(), MAX_SPAN_LINES);
        assert!(labelled(&e).ends_with("line 7…"));
    }
}
