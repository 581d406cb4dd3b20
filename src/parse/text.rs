//! Text runs: the text of a document by kind (prose, headings, link text …),
//! each mapped back to exact byte spans in the file.
//!
//! Declarative rules match their patterns against runs, never against raw
//! lines: `prose` never sees code, link destinations or HTML. A run's text is
//! the rendered text (escapes and entities resolved); [`TextRun::span_of`]
//! maps a range of it back to the file. Soft line breaks are `\n`; a hard
//! line break keeps its source (`"  "` or `\`) before its `\n`, so a pattern
//! can see trailing spaces used as line breaks.
//!
//! Runs are built only when a rule needs them (see
//! [`super::ParseOptions::text_runs`]).

use comrak::arena_tree::NodeEdge;
use comrak::nodes::{AstNode, NodeValue};

use crate::source::{LineIndex, Span};

/// Where a piece of text is in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextScope {
    /// Running text outside headings, links and images (bare URLs included).
    Prose,
    /// Heading text (outside links and images).
    Heading,
    /// The text of a link (`[text](…)`).
    LinkText,
    /// A link or image destination as written.
    LinkUrl,
    /// An image's alt text.
    ImageAlt,
    /// Inline code and code blocks.
    Code,
    /// The front matter block.
    FrontMatter,
}

impl TextScope {
    pub const ALL: &'static [TextScope] = &[
        TextScope::Prose,
        TextScope::Heading,
        TextScope::LinkText,
        TextScope::LinkUrl,
        TextScope::ImageAlt,
        TextScope::Code,
        TextScope::FrontMatter,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TextScope::Prose => "prose",
            TextScope::Heading => "heading",
            TextScope::LinkText => "link-text",
            TextScope::LinkUrl => "link-url",
            TextScope::ImageAlt => "image-alt",
            TextScope::Code => "code",
            TextScope::FrontMatter => "front-matter",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// Text a reader sees as words (what the glossary compares).
    pub fn is_visible_text(self) -> bool {
        matches!(
            self,
            TextScope::Prose | TextScope::Heading | TextScope::LinkText | TextScope::ImageAlt
        )
    }
}

/// Every text run of a document, stored compactly: one string, one list of
/// runs, one list of pieces (a document has hundreds of runs).
/// Boxed: most documents are parsed without text runs (only declarative
/// rules and the glossary read them), and an empty list costs one word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextRuns(Option<Box<Runs>>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Runs {
    text: String,
    runs: Vec<RunMeta>,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RunMeta {
    scope: TextScope,
    /// Byte range of the run's text in [`TextRuns::text`].
    text: (u32, u32),
    span: Span,
    /// Range of the run's pieces in [`TextRuns::pieces`].
    pieces: (u32, u32),
}

/// Text from `text` (relative to its run, up to the next piece) came from
/// `start..end` in the file; when `exact`, byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    text: u32,
    start: u32,
    end: u32,
    exact: bool,
}

impl TextRuns {
    fn from_built(built: Vec<Built>) -> Self {
        if built.is_empty() {
            return Self(None);
        }
        Self(Some(Box::new(Runs::from_built(built))))
    }

    /// The runs, in document order.
    pub fn iter(&self) -> impl Iterator<Item = TextRun<'_>> + '_ {
        self.0
            .iter()
            .flat_map(|r| r.runs.iter().map(move |m| r.view(m)))
    }

    /// The runs that start inside `range` (a section), found by binary search.
    pub fn starting_in(&self, range: Span) -> impl Iterator<Item = TextRun<'_>> + '_ {
        self.0.iter().flat_map(move |r| {
            let lo = r.runs.partition_point(|m| m.span.start < range.start);
            let hi = r.runs.partition_point(|m| m.span.start < range.end);
            r.runs[lo..hi.max(lo)].iter().map(move |m| r.view(m))
        })
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |r| r.runs.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Runs {
    fn from_built(mut built: Vec<Built>) -> Self {
        built.sort_by_key(|r| (r.span.start, r.span.end));
        let mut out = Runs {
            text: String::with_capacity(built.iter().map(|r| r.text.len()).sum()),
            runs: Vec::with_capacity(built.len()),
            pieces: Vec::with_capacity(built.iter().map(|r| r.pieces.len()).sum()),
        };
        for r in built {
            let t0 = out.text.len() as u32;
            out.text.push_str(&r.text);
            let p0 = out.pieces.len() as u32;
            out.pieces.extend(r.pieces.iter().map(|p| Piece {
                text: p.text as u32,
                start: p.src.start as u32,
                end: p.src.end as u32,
                exact: p.exact,
            }));
            out.runs.push(RunMeta {
                scope: r.scope,
                text: (t0, out.text.len() as u32),
                span: r.span,
                pieces: (p0, out.pieces.len() as u32),
            });
        }
        out
    }

    fn view(&self, m: &RunMeta) -> TextRun<'_> {
        TextRun {
            scope: m.scope,
            text: &self.text[m.text.0 as usize..m.text.1 as usize],
            span: m.span,
            pieces: &self.pieces[m.pieces.0 as usize..m.pieces.1 as usize],
        }
    }
}

/// A run of text and where each part of it is in the file.
#[derive(Debug, Clone, Copy)]
pub struct TextRun<'a> {
    pub scope: TextScope,
    pub text: &'a str,
    /// The run's extent in the file (for empty runs: the construct).
    pub span: Span,
    pieces: &'a [Piece],
}

impl TextRun<'_> {
    /// The piece holding text byte `t`.
    fn piece(&self, t: usize) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.text as usize <= t);
        i.checked_sub(1).map(|i| &self.pieces[i])
    }

    /// The file span of `range` (byte offsets into [`TextRun::text`]).
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        if self.pieces.is_empty() {
            return self.span;
        }
        let at =
            |p: &Piece, t: usize| (p.start as usize + (t - p.text as usize)).min(p.end as usize);
        let start = match self.piece(range.start.min(self.text.len().saturating_sub(1))) {
            Some(p) if p.exact => at(p, range.start),
            Some(p) => p.start as usize,
            None => self.span.start,
        };
        if range.end <= range.start {
            return Span::new(start, start);
        }
        let end = match self.piece(range.end - 1) {
            Some(p) if p.exact => at(p, range.end),
            Some(p) => p.end as usize,
            None => self.span.end,
        };
        Span::new(start, end.max(start))
    }
}

/// A run being built.
#[derive(Debug, Clone)]
struct Built {
    scope: TextScope,
    text: String,
    span: Span,
    pieces: Vec<BuiltPiece>,
}

#[derive(Debug, Clone, Copy)]
struct BuiltPiece {
    text: usize,
    src: Span,
    exact: bool,
}

impl Built {
    fn new(scope: TextScope, span: Span) -> Self {
        Self {
            scope,
            text: String::new(),
            span,
            pieces: Vec::new(),
        }
    }

    fn push(&mut self, s: &str, src: Span, exact: bool) {
        if s.is_empty() {
            return;
        }
        if exact
            && let Some(last) = self.pieces.last_mut()
            && last.exact
            && last.src.end == src.start
            && last.text + last.src.len() == self.text.len()
        {
            last.src.end = src.end;
            self.text.push_str(s);
            return;
        }
        self.pieces.push(BuiltPiece {
            text: self.text.len(),
            src,
            exact,
        });
        self.text.push_str(s);
    }

    /// Where the run's text so far ends in the file.
    fn covered_end(&self) -> usize {
        self.pieces.iter().map(|p| p.src.end).max().unwrap_or(0)
    }

    /// The run with its span narrowed to its text (when it has any).
    fn finish(mut self) -> Self {
        if let (Some(first), Some(end)) = (
            self.pieces.first(),
            self.pieces.iter().map(|p| p.src.end).max(),
        ) {
            self.span = Span::new(first.src.start, end.max(first.src.start));
        }
        self
    }
}

/// Where a text node's `literal` really is, near the parser's position
/// `approx` (on the same line): comrak's columns can be off after tabs.
fn locate(text: &str, lines: &LineIndex, approx: Span, literal: &str) -> Span {
    if text.get(approx.range()) == Some(literal) {
        return approx;
    }
    let line = lines.line_span(text, lines.line_col(text, approx.start).line);
    let Some(hay) = text.get(line.range()) else {
        return approx;
    };
    let nearest = |positions: Vec<usize>| {
        positions
            .into_iter()
            .map(|i| line.start + i)
            .min_by_key(|&o| o.abs_diff(approx.start))
    };
    // The literal as written, else its first character (escaped or not).
    if let Some(o) = nearest(hay.match_indices(literal).map(|(i, _)| i).collect()) {
        return Span::new(o, o + literal.len());
    }
    let Some(first) = literal.chars().next() else {
        return approx;
    };
    let starts: Vec<usize> = hay
        .char_indices()
        .filter(|&(i, c)| c == first || c == '\\' || (c == '&' && entity_len(&hay[i..]).is_some()))
        .map(|(i, _)| i)
        .collect();
    match nearest(starts) {
        Some(o) if o != approx.start => {
            let end = (o + approx.len()).min(line.end);
            Span::new(o, crate::source::ceil_char_boundary(text, end.max(o)))
        }
        _ => approx,
    }
}

/// Maps a node's rendered `literal` onto its source `src` (entities and
/// backslash escapes resolved), appending to `run`.
fn push_literal(run: &mut Built, literal: &str, text: &str, src: Span) {
    let Some(raw) = text.get(src.range()) else {
        run.push(literal, src, false);
        return;
    };
    if raw == literal {
        run.push(literal, src, true);
        return;
    }
    let mut i = 0; // into raw
    let mut rest = literal;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        let r = &raw[i..];
        if let Some(j) = entity_len(r) {
            run.push(
                &rest[..len],
                Span::new(src.start + i, src.start + i + j),
                false,
            );
            i += j;
        } else if r.starts_with(c) {
            run.push(
                &rest[..len],
                Span::new(src.start + i, src.start + i + len),
                true,
            );
            i += len;
        } else if r.starts_with('\\') && r[1..].starts_with(c) {
            // The escape and its character, together.
            run.push(
                &rest[..len],
                Span::new(src.start + i, src.start + i + 1 + len),
                false,
            );
            i += 1 + len;
        } else {
            // Something else was resolved: the rest maps to the rest.
            run.push(rest, Span::new(src.start + i, src.end), false);
            return;
        }
        rest = &rest[len..];
    }
}

/// The length of the entity reference `s` starts with (`&amp;`, `&#42;`,
/// `&#x2A;`), if it starts with one.
fn entity_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'&') {
        return None;
    }
    let semi = s[1..].find(';')? + 1;
    let body = &s[1..semi];
    let ok = if let Some(num) = body.strip_prefix('#') {
        match num.strip_prefix(['x', 'X']) {
            Some(hex) => (1..=6).contains(&hex.len()) && hex.bytes().all(|c| c.is_ascii_hexdigit()),
            None => (1..=7).contains(&num.len()) && num.bytes().all(|c| c.is_ascii_digit()),
        }
    } else {
        (2..=32).contains(&body.len())
            && body.starts_with(|c: char| c.is_ascii_alphabetic())
            && body.bytes().all(|c| c.is_ascii_alphanumeric())
    };
    ok.then_some(semi + 1)
}

/// Builds every run of a parsed document.
fn runs<'a>(
    root: &'a AstNode<'a>,
    text: &str,
    lines: &LineIndex,
    span_of: &dyn Fn(comrak::nodes::Sourcepos) -> Span,
) -> Vec<Built> {
    let mut out: Vec<Built> = Vec::new();
    // The open prose or heading run, and the link or image run, if any.
    let mut block: Option<Built> = None;
    let mut inner: Option<(Built, &'a AstNode<'a>)> = None;
    // Inside an angle-bracket autolink or raw code: text not collected.
    let mut skip_until: Option<&'a AstNode<'a>> = None;
    let mut in_heading = false;

    fn close(run: Option<Built>, out: &mut Vec<Built>) {
        if let Some(r) = run
            && !r.text.is_empty()
        {
            out.push(r.finish());
        }
    }

    for edge in root.traverse() {
        match edge {
            NodeEdge::End(n) => {
                if skip_until.is_some_and(|s| s.same_node(n)) {
                    skip_until = None;
                }
                if inner.as_ref().is_some_and(|(_, node)| node.same_node(n)) {
                    // Link text and alt text are kept even when empty (`[](x)`).
                    if let Some((r, _)) = inner.take() {
                        out.push(r.finish());
                    }
                }
                match n.data().value {
                    NodeValue::Heading(_) => {
                        close(block.take(), &mut out);
                        in_heading = false;
                    }
                    NodeValue::Paragraph | NodeValue::TableCell => close(block.take(), &mut out),
                    _ => {}
                }
            }
            NodeEdge::Start(n) => {
                if skip_until.is_some() {
                    continue;
                }
                let data = n.data();
                let span = span_of(data.sourcepos);
                match &data.value {
                    NodeValue::Heading(_) => {
                        in_heading = true;
                        block = Some(Built::new(TextScope::Heading, span));
                    }
                    NodeValue::Paragraph | NodeValue::TableCell => {
                        block = Some(Built::new(TextScope::Prose, span));
                    }
                    NodeValue::Text(t) => {
                        let target = match inner.as_mut() {
                            Some((r, _)) => Some(r),
                            None => block.as_mut(),
                        };
                        if let Some(r) = target {
                            push_literal(r, t, text, locate(text, lines, span, t));
                        }
                    }
                    NodeValue::SoftBreak => {
                        let target = match inner.as_mut() {
                            Some((r, _)) => Some(r),
                            None => block.as_mut(),
                        };
                        if let Some(r) = target {
                            r.push("\n", line_ending(text, span), false);
                        }
                    }
                    NodeValue::LineBreak => {
                        let target = match inner.as_mut() {
                            Some((r, _)) => Some(r),
                            None => block.as_mut(),
                        };
                        if let Some(r) = target {
                            let ending = line_ending(text, span);
                            // Every trailing space (the parser may leave the
                            // first in the text before), or the backslash.
                            let bytes = text.as_bytes();
                            let mut start = ending.start;
                            if start > 0 && bytes[start - 1] == b'\\' {
                                start -= 1;
                            } else {
                                while start > 0 && bytes[start - 1] == b' ' {
                                    start -= 1;
                                }
                            }
                            // Never before text already in the run.
                            let start = start.max(r.covered_end()).min(ending.start);
                            let before = Span::new(start, ending.start);
                            r.push(&text[before.range()], before, true);
                            r.push("\n", ending, false);
                        }
                    }
                    NodeValue::Link(_) | NodeValue::Image(_) => {
                        let raw = &text[span.range()];
                        let is_image = matches!(data.value, NodeValue::Image(_));
                        if !is_image && raw.starts_with('<') {
                            // `<https://…>`: its text is its URL (link-url).
                            skip_until = Some(n);
                            continue;
                        }
                        if !is_image && !raw.starts_with('[') {
                            // A bare URL (GFM autolink) is part of the prose.
                            continue;
                        }
                        if inner.is_some() {
                            // An image inside a link: its alt text is alt text;
                            // nested runs are not split further.
                            continue;
                        }
                        // An empty run points at the whole construct.
                        let at = span;
                        let scope = if is_image {
                            TextScope::ImageAlt
                        } else {
                            TextScope::LinkText
                        };
                        inner = Some((Built::new(scope, at), n));
                        split(&mut block, &mut out, in_heading);
                    }
                    NodeValue::Code(c) => {
                        let raw = &text[span.range()];
                        let ticks = raw.len() - raw.trim_start_matches('`').len();
                        let inside = raw[ticks..].find(c.literal.as_str()).map(|j| ticks + j);
                        let mut r = Built::new(TextScope::Code, span);
                        match inside {
                            Some(j) => r.push(
                                &c.literal,
                                Span::new(span.start + j, span.start + j + c.literal.len()),
                                true,
                            ),
                            None => r.push(&c.literal, span, false),
                        }
                        close(Some(r), &mut out);
                        match inner.as_mut() {
                            // Code is never text to a text rule, but it is
                            // something to read in a link: it stands there as
                            // one OBJECT REPLACEMENT CHARACTER.
                            Some((r, _)) => r.push(OBJECT, span, false),
                            None => split(&mut block, &mut out, in_heading),
                        }
                    }
                    NodeValue::HtmlInline(_) | NodeValue::FootnoteReference(_)
                        if inner.is_none() =>
                    {
                        split(&mut block, &mut out, in_heading);
                    }
                    NodeValue::HtmlInline(html) if renders_content(html) => {
                        // `[<img src="logo.svg">](url)`: as inline code above.
                        if let Some((r, _)) = inner.as_mut() {
                            r.push(OBJECT, span, false);
                        }
                    }
                    NodeValue::CodeBlock(c) => {
                        out.extend(code_block(&c.literal, c.fenced, span, text, lines));
                        skip_until = Some(n);
                    }
                    NodeValue::HtmlBlock(_) => skip_until = Some(n),
                    NodeValue::FrontMatter(_) => {
                        let raw = &text[span.range()];
                        let mut r = Built::new(TextScope::FrontMatter, span);
                        r.push(raw, span, true);
                        close(Some(r), &mut out);
                    }
                    _ => {}
                }
            }
        }
    }
    close(block, &mut out);
    out
}

/// What inline code and embedded media read as inside link text and alt text.
pub const OBJECT: &str = "\u{FFFC}";

/// Whether an inline HTML tag shows something without text of its own
/// (an image, a video …), so that a link around it is not empty.
fn renders_content(html: &str) -> bool {
    let tag = html.strip_prefix('<').unwrap_or("");
    let name = &tag[..tag
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(tag.len())];
    [
        "img", "svg", "picture", "video", "audio", "object", "embed", "iframe", "canvas",
    ]
    .iter()
    .any(|t| name.eq_ignore_ascii_case(t))
}

/// All runs of a document: the AST's and the destinations'.
pub(super) fn collect<'a>(
    root: &'a AstNode<'a>,
    text: &str,
    lines: &LineIndex,
    span_of: &dyn Fn(comrak::nodes::Sourcepos) -> Span,
    links: &[super::Link],
    images: &[super::Link],
) -> TextRuns {
    let mut built = runs(root, text, lines, span_of);
    built.extend(url_runs(text, links, images));
    TextRuns::from_built(built)
}

/// Link and image destinations as written: where the destination is in the
/// construct itself, or — for reference links — in its definition
/// (`[label]: url`). Each place once.
fn url_runs(text: &str, links: &[super::Link], images: &[super::Link]) -> Vec<Built> {
    let mut spans: Vec<Span> = Vec::new();
    for l in links.iter().chain(images) {
        match l.dest_span() {
            Some(s) => spans.push(s),
            None if l.kind == super::LinkKind::Reference && !l.dest(text).is_empty() => {
                if let Some(s) = definition(text, l.dest(text)) {
                    spans.push(s);
                }
            }
            None => {}
        }
    }
    spans.sort_by_key(|s| (s.start, s.end));
    spans.dedup();
    spans
        .into_iter()
        .filter(|s| !s.is_empty() && text.get(s.range()).is_some())
        .map(|s| {
            let mut r = Built::new(TextScope::LinkUrl, s);
            r.push(&text[s.range()], s, true);
            r
        })
        .collect()
}

/// The span of `dest` in the first link reference definition that gives it.
fn definition(text: &str, dest: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if indent <= 3
            && trimmed.starts_with('[')
            && let Some(close) = trimmed.find("]:")
        {
            let after = &trimmed[close + 2..];
            let ws = after.len() - after.trim_start().len();
            let value = after.trim_start();
            let value = value.strip_prefix('<').unwrap_or(value);
            if value.starts_with(dest) {
                let start =
                    offset + indent + close + 2 + ws + (after.trim_start().len() - value.len());
                return Some(Span::new(start, start + dest.len()));
            }
        }
        offset += line.len();
    }
    None
}

/// Ends the open block run at an interruption (code, HTML, a link) and opens
/// a new one of the same scope after it.
fn split(block: &mut Option<Built>, out: &mut Vec<Built>, in_heading: bool) {
    if let Some(r) = block.take() {
        let span = r.span;
        if !r.text.is_empty() {
            out.push(r.finish());
        }
        let scope = if in_heading {
            TextScope::Heading
        } else {
            TextScope::Prose
        };
        *block = Some(Built::new(scope, span));
    }
}

/// The line ending at or after `at.start` (for a break node): `\n` or `\r\n`.
fn line_ending(text: &str, at: Span) -> Span {
    let from = at.start.min(text.len());
    match text[from..].find('\n') {
        Some(j) => {
            let nl = from + j;
            let start = if nl > 0 && text.as_bytes()[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            Span::new(start, nl + 1)
        }
        None => Span::new(text.len(), text.len()),
    }
}

/// A code block's content lines, each mapped to the end of its source line
/// (container prefixes and indentation are at the start).
fn code_block(
    literal: &str,
    fenced: bool,
    span: Span,
    text: &str,
    lines: &LineIndex,
) -> Option<Built> {
    if literal.is_empty() {
        return None;
    }
    let first_line = lines.line_col(text, span.start).line + usize::from(fenced);
    let mut r = Built::new(TextScope::Code, span);
    for (k, line) in literal.split_inclusive('\n').enumerate() {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let src = lines.line_span(text, first_line + k);
        let raw = &text[src.range()];
        if raw.ends_with(content) {
            let start = src.end - content.len();
            r.push(content, Span::new(start, src.end), true);
        } else {
            r.push(content, src, false);
        }
        if line.ends_with('\n') {
            r.push("\n", line_ending(text, Span::new(src.end, src.end)), false);
        }
    }
    Some(r.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_with};

    fn runs_of(text: &str) -> Vec<(TextScope, String, String)> {
        let opts = ParseOptions::default().with_text_runs(true);
        let doc = parse_with(text, &LineIndex::new(text), &opts);
        doc.texts
            .iter()
            .map(|r| {
                (
                    r.scope,
                    r.text.to_string(),
                    text[r.span_of(0..r.text.len()).range()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn scopes_and_exact_spans() {
        use TextScope::*;
        let text = "# Head *em* `c` [l](u.md)\n\n> quote a&amp;b \\* star\n> line two  \n> see https://x.com/a end\n\n- item [link text](u.md) <b>html</b> ![alt](i.png) [](e.md)\n\n```sh\nTODO in code\n```\n";
        let got = runs_of(text);
        let want: Vec<(TextScope, &str, &str)> = vec![
            (Heading, "Head em ", "Head *em* "),
            (Code, "c", "c"),
            (Heading, " ", " "),
            (LinkText, "l", "l"),
            (LinkUrl, "u.md", "u.md"),
            (
                Prose,
                "quote a&b * star\nline two  \nsee https://x.com/a end",
                "quote a&amp;b \\* star\n> line two  \n> see https://x.com/a end",
            ),
            (LinkUrl, "https://x.com/a", "https://x.com/a"),
            (Prose, "item ", "item "),
            (LinkText, "link text", "link text"),
            (LinkUrl, "u.md", "u.md"),
            (Prose, " ", " "),
            (Prose, "html", "html"),
            (Prose, " ", " "),
            (ImageAlt, "alt", "alt"),
            (LinkUrl, "i.png", "i.png"),
            (Prose, " ", " "),
            (LinkText, "", "[](e.md)"),
            (LinkUrl, "e.md", "e.md"),
            (Code, "TODO in code\n", "TODO in code\n"),
        ];
        let got: Vec<(TextScope, &str, &str)> = got
            .iter()
            .map(|(s, t, src)| (*s, t.as_str(), src.as_str()))
            .collect();
        assert_eq!(got, want);
    }

    /// Inside link text, inline code and media stand as one U+FFFC each: a
    /// link around them is not empty, and rules never read code.
    #[test]
    fn code_and_media_in_link_text_are_objects() {
        use TextScope::*;
        let text = "[`x` and <img src=\"a.png\"> <b>b</b>](u.md) [`y`](v.md)\n";
        let got = runs_of(text);
        let got: Vec<(TextScope, &str, &str)> = got
            .iter()
            .map(|(s, t, src)| (*s, t.as_str(), src.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    LinkText,
                    "\u{FFFC} and \u{FFFC} b",
                    "`x` and <img src=\"a.png\"> <b>b"
                ),
                (Code, "x", "x"),
                (LinkUrl, "a.png", "a.png"),
                (LinkUrl, "u.md", "u.md"),
                (Prose, " ", " "),
                (LinkText, "\u{FFFC}", "`y`"),
                (Code, "y", "y"),
                (LinkUrl, "v.md", "v.md"),
            ]
        );
    }

    #[test]
    fn ranges_map_through_escapes_entities_and_breaks() {
        let text = "Say a&amp;b \\*x\\* and  \nthe the end.\r\nNext\n";
        let opts = ParseOptions::default().with_text_runs(true);
        let doc = parse_with(text, &LineIndex::new(text), &opts);
        let r = doc.texts.iter().next().unwrap();
        assert_eq!(r.text, "Say a&b *x* and  \nthe the end.\nNext");
        let find = |needle: &str| {
            let i = r.text.find(needle).unwrap();
            text[r.span_of(i..i + needle.len()).range()].to_string()
        };
        assert_eq!(find("a&b"), "a&amp;b");
        assert_eq!(find("*x*"), "\\*x\\*");
        assert_eq!(find("  \n"), "  \n");
        assert_eq!(find("the the"), "the the");
        assert_eq!(find("end.\nNext"), "end.\r\nNext");
        // An empty range is a position.
        assert_eq!(r.span_of(4..4), Span::new(4, 4));
    }

    #[test]
    fn text_after_a_tab_on_a_lazy_line_is_found_where_it_is() {
        // comrak places `ソート` at column 4 (the tab expanded); it is at byte 2.
        let text = "- [x](#x)\n\t- 選択\n\t- クイック\n\tソート - マージソート\n";
        let got = runs_of(text);
        let last = got.last().unwrap();
        assert_eq!(last.1, "クイック\nソート - マージソート");
        assert_eq!(last.2, "クイック\n\tソート - マージソート");
    }

    #[test]
    fn front_matter_and_table_cells() {
        let text = "---\ntitle: TODO\n---\n| a | b c |\n|---|---|\n| x | `y` |\n";
        let got = runs_of(text);
        let scopes: Vec<_> = got
            .iter()
            .map(|(s, t, src)| (*s, t.as_str(), src.as_str()))
            .collect();
        assert_eq!(
            scopes,
            [
                (
                    TextScope::FrontMatter,
                    "---\ntitle: TODO\n---",
                    "---\ntitle: TODO\n---"
                ),
                (TextScope::Prose, "a", "a"),
                (TextScope::Prose, "b c", "b c"),
                (TextScope::Prose, "x", "x"),
                (TextScope::Code, "y", "y"),
            ]
        );
    }
}
