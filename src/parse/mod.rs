//! Markdown → section AST with exact byte spans.
//!
//! [`parse`] runs comrak over one file and hands back an owned [`Document`]:
//! headings with their GitHub ids, the section tree, links, images, HTML
//! anchors, comments and front matter, every one with a byte [`Span`] into the
//! file's text. The comrak arena never leaves this module, so documents cross
//! threads freely and the arena is freed as soon as a file is parsed. The tree
//! is walked iteratively (comrak's `traverse`), so deeply nested input cannot
//! overflow the stack.

pub mod case;
pub mod charset;
pub mod dialect;
pub mod html;
pub mod incremental;
pub mod slug;
pub mod substance;
pub mod text;
pub mod toc;

use std::sync::LazyLock;

use comrak::arena_tree::NodeEdge;
use comrak::nodes::{AstNode, ListType, NodeValue, Sourcepos};
use comrak::{Arena, Options, parse_document};
use regex::Regex;

use crate::source::{LineIndex, Span};

pub use self::text::{TextRun, TextRuns, TextScope};
pub use self::toc::{Toc, TocEntry, TocKind};

/// A heading with its rendered text and GitHub id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// Rendered text: emphasis, code and link text kept; raw HTML and images dropped.
    pub text: String,
    /// GitHub's id for this heading (after de-duplication within the file).
    pub id: String,
    /// A `{#custom-id}` attribute at the end of the heading, if any.
    pub custom_id: Option<String>,
    /// The whole heading (both lines of a setext heading).
    pub span: Span,
    /// `<!-- omit from toc -->` (or `omit in toc`) is on the heading.
    pub omit_from_toc: bool,
    /// Whether the heading is a direct child of the document (not in a list or quote).
    pub top_level: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[text](dest)`
    Inline,
    /// `[text][ref]`, `[text][]`, `[ref]`
    Reference,
    /// `<https://…>` or a bare GFM autolink
    Autolink,
    /// `<a href="…">`
    Html,
}

/// A link or an image reference found in the document.
///
/// (48 bytes: a document keeps one per link, and a long README has
/// thousands. The two inner spans are kept as `u32` offsets — a text is at
/// most [`crate::source::MAX_TEXT`] bytes —, and the rare copies of a
/// destination or text behind one pointer.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    /// The whole construct (`[text](dest)`, `<a …>`).
    pub span: Span,
    /// The destination inside the source, when it can be located exactly.
    dest_at: At,
    /// The link text inside the brackets, for `[text](…)` and `[text][ref]`.
    text_at: At,
    /// The destination and the rendered text, each when the file does not
    /// hold it as it is at its span (see [`Link::dest`], [`Link::text`]):
    /// most links are written plainly, and nothing is copied.
    owned: Option<Box<Owned>>,
}

/// What a [`Link`] keeps of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Owned {
    written: Option<Box<str>>,
    rendered: Option<Box<str>>,
}

/// An optional span of a text as two `u32` offsets (`start > end`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At(u32, u32);

impl At {
    const NONE: At = At(1, 0);

    fn new(span: Option<Span>) -> At {
        match span {
            // (Offsets of a text of at most `MAX_TEXT` bytes fit.)
            Some(s) => At(s.start as u32, s.end as u32),
            None => At::NONE,
        }
    }

    fn get(self) -> Option<Span> {
        (self.0 <= self.1).then(|| Span::new(self.0 as usize, self.1 as usize))
    }
}

impl Link {
    /// A link to `dest`: the destination is kept only when `source` (the
    /// file's text) does not hold it at `dest_span`. `rendered` is the link
    /// text when the file does not hold it at `text_span` (`None` when it
    /// does, or when there is no text).
    pub fn new(
        kind: LinkKind,
        dest: &str,
        span: Span,
        dest_span: Option<Span>,
        rendered: Option<Box<str>>,
        text_span: Option<Span>,
        source: &str,
    ) -> Link {
        let held = dest_span.and_then(|s| source.get(s.range()));
        let written = match held {
            Some(h) if h == dest => None,
            None if dest.is_empty() => None,
            _ => Some(dest.into()),
        };
        let owned = (written.is_some() || rendered.is_some())
            .then(|| Box::new(Owned { written, rendered }));
        Link {
            kind,
            span,
            dest_at: At::new(dest_span),
            text_at: At::new(text_span),
            owned,
        }
    }

    /// The destination inside the source, when it can be located exactly.
    pub fn dest_span(&self) -> Option<Span> {
        self.dest_at.get()
    }

    /// The link text inside the brackets, for `[text](…)` and `[text][ref]`.
    pub fn text_span(&self) -> Option<Span> {
        self.text_at.get()
    }

    /// The destination as written (entities and escapes resolved, not
    /// percent-decoded); `source` is the file's text.
    pub fn dest<'a>(&'a self, source: &'a str) -> &'a str {
        let owned = self.owned.as_ref().and_then(|o| o.written.as_deref());
        owned_or_held(owned, self.dest_span(), source)
    }

    /// Rendered link text (image alt text for images); `source` is the
    /// file's text.
    pub fn text<'a>(&'a self, source: &'a str) -> &'a str {
        let owned = self.owned.as_ref().and_then(|o| o.rendered.as_deref());
        owned_or_held(owned, self.text_span(), source)
    }

    /// The span that best points at the destination.
    pub fn target_span(&self) -> Span {
        self.dest_span().unwrap_or(self.span)
    }

    /// Moves its spans (an edit before or around them).
    fn shift(&mut self, by: impl Fn(Span) -> Span) {
        self.span = by(self.span);
        self.dest_at = At::new(self.dest_span().map(&by));
        self.text_at = At::new(self.text_span().map(&by));
    }
}

/// A link's own copy of a text, else the file's text at `span` (else
/// nothing).
fn owned_or_held<'a>(owned: Option<&'a str>, span: Option<Span>, source: &'a str) -> &'a str {
    match (owned, span) {
        (Some(t), _) => t,
        (None, Some(s)) => source.get(s.range()).unwrap_or(""),
        (None, None) => "",
    }
}

/// An HTML anchor: `<a name="…">` or any element with an `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: String,
    pub span: Span,
}

/// An HTML comment (`<!-- … -->`) anywhere outside code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Inner text, trimmed.
    pub text: String,
    pub span: Span,
}

/// A section: a heading and the content up to the next heading.
///
/// Section 0 is the preamble before the first heading (it may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Index into [`Document::headings`]; `None` for the preamble.
    /// (`u32`s, read through the methods: tens of thousands of documents
    /// keep their sections for the whole run — 40 bytes each, not 64)
    heading: Option<u32>,
    /// Heading level, 0 for the preamble.
    pub level: u8,
    /// From the heading's first byte to the next top-level heading.
    pub span: Span,
    /// End of this section's subtree (the next heading of the same or a higher level).
    end: u32,
    /// The enclosing section (the preamble for top-level sections).
    parent: Option<u32>,
}

impl Section {
    /// Index into [`Document::headings`]; `None` for the preamble.
    pub fn heading(&self) -> Option<usize> {
        self.heading.map(|h| h as usize)
    }

    /// End of this section's subtree (the next heading of the same or a
    /// higher level).
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The enclosing section (the preamble for top-level sections).
    pub fn parent(&self) -> Option<usize> {
        self.parent.map(|p| p as usize)
    }
}

/// A paragraph or table cell's prose: its text without code, URLs, images
/// or HTML (link text is kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prose<'a> {
    pub span: Span,
    pub text: &'a str,
}

/// Every prose block of a document, in document order, stored compactly:
/// one string and one list of ranges (a page has hundreds of blocks, and
/// tens of thousands of pages stay in memory for the whole run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProseList {
    /// The texts of blocks that are not found in the file as they are.
    text: String,
    blocks: Vec<Block>,
}

/// A prose block: its span in the file, and where its text is — in the
/// file's own text (most blocks: a paragraph without markup is its prose),
/// else in the list's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    start: u32,
    end: u32,
    from: u32,
    to: u32,
    in_file: bool,
}

impl Block {
    fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

impl ProseList {
    /// Adds the block `fill` writes, unless it is blank: as a range of the
    /// file's text `src` when the file holds the text as it is — the whole
    /// span, or from where `fill` says its first text starts (never
    /// searched for) —, else in the list's own text (written straight there).
    fn push_with(
        &mut self,
        span: Span,
        src: &str,
        fill: impl FnOnce(&mut String) -> Option<usize>,
    ) {
        let start = self.text.len();
        let hint = fill(&mut self.text);
        let written = &self.text[start..];
        if written.trim().is_empty() {
            self.text.truncate(start);
            return;
        }
        let holds = |at: usize| {
            span.contains(Span::new(at, at + written.len()))
                && src.get(at..at + written.len()) == Some(written)
        };
        let found = [Some(span.start), hint]
            .into_iter()
            .flatten()
            .find(|&at| holds(at));
        let block = match found {
            Some(from) => {
                let to = from + written.len();
                self.text.truncate(start);
                (from, to, true)
            }
            None => (start, self.text.len(), false),
        };
        self.blocks.push(Block {
            start: span.start as u32,
            end: span.end as u32,
            from: block.0 as u32,
            to: block.1 as u32,
            in_file: block.2,
        });
    }

    /// Appends the blocks of `other` (a list of the same file, before an
    /// edit) that `keep` accepts, moved by `by`: ranges of the file's text
    /// move with the text around them; texts of its own are copied.
    fn append_moved(
        &mut self,
        other: &ProseList,
        keep: impl Fn(Span) -> bool,
        by: impl Fn(usize) -> usize,
    ) {
        for b in other.blocks.iter().filter(|b| keep(b.span())) {
            let (from, to) = if b.in_file {
                (by(b.from as usize), by(b.to as usize))
            } else {
                let start = self.text.len();
                self.text
                    .push_str(&other.text[b.from as usize..b.to as usize]);
                (start, self.text.len())
            };
            self.blocks.push(Block {
                start: by(b.start as usize) as u32,
                end: by(b.end as usize) as u32,
                from: from as u32,
                to: to as u32,
                in_file: b.in_file,
            });
        }
    }

    fn view<'a>(&'a self, b: &Block, src: &'a str) -> Prose<'a> {
        let range = b.from as usize..b.to as usize;
        Prose {
            span: b.span(),
            text: if b.in_file {
                // (given another text than the file's: nothing, not a panic)
                src.get(range).unwrap_or("")
            } else {
                &self.text[range]
            },
        }
    }

    /// The blocks, in document order; `src` is the file's text.
    pub fn iter<'a>(
        &'a self,
        src: &'a str,
    ) -> impl DoubleEndedIterator<Item = Prose<'a>> + ExactSizeIterator {
        self.blocks.iter().map(move |b| self.view(b, src))
    }

    /// The blocks inside `span`; `src` is the file's text.
    pub fn within<'a>(&'a self, span: Span, src: &'a str) -> impl Iterator<Item = Prose<'a>> {
        // Blocks come in document order: find the run by bisection.
        let from = self
            .blocks
            .partition_point(|b| (b.start as usize) < span.start);
        self.blocks[from..]
            .iter()
            .take_while(move |b| (b.start as usize) < span.end)
            .filter(move |b| span.contains(b.span()))
            .map(move |b| self.view(b, src))
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.blocks.shrink_to_fit();
    }
}

/// A fenced or indented code block: where it is and a hash of its contents
/// (whitespace-trimmed lines), for matching code across editions.
/// An inline code span: where it starts (all alignment needs of it) and a
/// hash of its text — 16 bytes (tldr-pages has 166,000).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineCode {
    pub start: u32,
    pub hash: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    pub span: Span,
    pub hash: u64,
}

/// One file, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub headings: Box<[Heading]>,
    pub sections: Box<[Section]>,
    pub links: Box<[Link]>,
    pub images: Box<[Link]>,
    pub anchors: Box<[Anchor]>,
    pub comments: Box<[Comment]>,
    pub front_matter: Option<Span>,
    pub toc: Option<Box<Toc>>,
    /// A TOC start marker with no end marker after it, and the end marker
    /// it wants.
    /// (boxed: tens of thousands of documents stay in memory, few have one)
    pub toc_unclosed: Option<Box<(Span, &'static str)>>,
    /// Paragraphs and table cells, in document order.
    pub prose: ProseList,
    pub code_blocks: Box<[CodeBlock]>,
    /// Inline code spans, with a hash of their text (for alignment).
    pub inline_code: Box<[InlineCode]>,
    /// Where each list item and each table row starts (for alignment: the
    /// shape of a section survives translation).
    /// (offsets as `u32`: a text is at most [`crate::source::MAX_TEXT`])
    pub shape: Box<[(u32, Shape)]>,
    /// Text runs by scope, in document order — only when parsed with
    /// [`ParseOptions::text_runs`].
    pub texts: TextRuns,
}

/// A block that gives a section its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    ListItem,
    TableRow,
}

/// A list item, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub span: Span,
    /// 0 for a top-level list, 1 for a list nested in an item, …
    pub depth: usize,
    /// `-`, `*`, `+`, or `.`/`)` for ordered lists.
    pub marker: u8,
    pub ordered: bool,
}

impl Document {
    /// Gives back the prose list's spare capacity (tens of thousands of
    /// documents stay in memory for the whole run; the other lists are
    /// boxed slices, made exact by [`Draft::into_document`]).
    fn shrink_to_fit(&mut self) {
        self.prose.shrink_to_fit();
    }

    /// Index of the section that contains byte `offset`.
    pub fn section_at(&self, offset: usize) -> usize {
        match self
            .sections
            .binary_search_by(|s| s.span.start.cmp(&offset))
        {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Every id a fragment may point at: heading ids, custom ids, HTML anchors.
    pub fn anchor_ids(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .flat_map(|h| std::iter::once(h.id.as_str()).chain(h.custom_id.as_deref()))
            .chain(self.anchors.iter().map(|a| a.id.as_str()))
    }
}

/// The comrak options lockstep parses with (GFM, plus front matter when the
/// file starts with `---` or `+++`).
pub fn comrak_options(text: &str) -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    let first = text.lines().next().unwrap_or("").trim_end();
    if first == "---" || first == "+++" {
        o.extension.front_matter_delimiter = Some(first.to_string());
    }
    o
}

/// A heading's explicit id at its end: `{#id}`, `{ #id }`, an attribute
/// list `{ .class #id key=value }` (kramdown, Python-Markdown's attr_list,
/// Hugo, VitePress), or MDX's comment form `{/* #id */}` (Docusaurus).
static CUSTOM_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\s*\{(?:\s*(?:\.[\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}]*)))*\s*#([^\s}.]+)[^}]*\}\s*$|\s*\{/\*\s*#([^\s*]+)\s*\*/\}\s*$"#,
    )
    .expect("static regex")
});

/// A trailing attribute list: `{.class key=value}`, `{: .class}`.
static ATTR_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\s*\{:?(?:\s*(?:[.#][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}]*)))+\s*\}\s*$"#)
        .expect("static regex")
});

/// What parsing needs from the configuration.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Normalised heading titles that introduce an unmarked TOC.
    toc_titles: Vec<String>,
    /// Build [`Document::texts`] (declarative rules and the glossary need them).
    pub text_runs: bool,
    /// The heading-id dialect.
    pub anchor_style: dialect::AnchorStyle,
    /// An explicit id in attribute-list delimiters other than `{` `}`.
    pub custom_attrs: Option<std::sync::Arc<Regex>>,
}

impl ParseOptions {
    pub fn new<S: AsRef<str>>(toc_titles: &[S]) -> Self {
        Self {
            toc_titles: toc_titles
                .iter()
                .map(|t| toc::normalise_title(t.as_ref()))
                .collect(),
            text_runs: false,
            anchor_style: dialect::AnchorStyle::Github,
            custom_attrs: None,
        }
    }

    /// The same options, reading explicit ids written between `left` and
    /// `right` (`%{#id}%`) as well.
    pub fn with_attr_delimiters(mut self, left: &str, right: &str) -> Self {
        let (l, r) = (regex::escape(left), regex::escape(right));
        self.custom_attrs = Regex::new(&format!(
            r"\s*{l}(?:\s*(?:\.[\w-]+|[\w-]+=\S*))*\s*#([^\s.]+?)(?:\s[^\n]*?)?\s*{r}\s*$"
        ))
        .ok()
        .map(std::sync::Arc::new);
        self
    }

    /// The same options, with heading ids in `style`.
    pub fn with_anchor_style(mut self, style: dialect::AnchorStyle) -> Self {
        self.anchor_style = style;
        self
    }
}

impl ParseOptions {
    /// The same options, building [`Document::texts`] when `on`.
    pub fn with_text_runs(mut self, on: bool) -> Self {
        self.text_runs = on;
        self
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self::new(toc::DEFAULT_TITLES)
    }
}

static DEFAULT_OPTIONS: LazyLock<ParseOptions> = LazyLock::new(ParseOptions::default);

/// Parses one file's text (which may start with a BOM) with default options.
pub fn parse(text: &str) -> Document {
    parse_with(text, &LineIndex::new(text), &DEFAULT_OPTIONS)
}

/// Parses one file's text, given its line index.
pub fn parse_with(text: &str, lines: &LineIndex, opts: &ParseOptions) -> Document {
    parse_full(text, lines, opts, false).0
}

/// [`parse_with`], also handing back what [`incremental::reparse`] needs
/// to re-parse part of the text later.
fn parse_full(
    text: &str,
    lines: &LineIndex,
    opts: &ParseOptions,
    keep: bool,
) -> (Document, incremental::State) {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    let arena = Arena::new();
    let root = parse_document(&arena, body, &comrak_options(body));
    // A link reference definition is written `[label]: …`: a text without
    // `]:` has none to repair after (and its tree is not walked for them).
    static DEFINITION_END: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("]:"));
    if DEFINITION_END.find(text.as_bytes()).is_some() {
        repair_lines_after_definitions(root, text, lines);
    }
    let mut b = Builder::new(text, lines, opts, keep);
    b.walk(root);
    let (mut doc, list_items, bases) = b.into_parts();
    if opts.text_runs {
        doc.texts = text::collect(
            root,
            text,
            lines,
            &|sp| span_at(text, lines, sp),
            &doc.links,
            &doc.images,
        );
    }
    finish(&mut doc, text, lines, opts, &list_items);
    let state = incremental::State {
        bases: bases.unwrap_or_default(),
        list_items: if keep { list_items } else { Vec::new() },
    };
    (doc, state)
}

/// What is computed from the whole document once its blocks are known:
/// the section tree, the TOC.
fn finish(
    doc: &mut Document,
    text: &str,
    lines: &LineIndex,
    opts: &ParseOptions,
    list_items: &[ListItem],
) {
    build_sections(doc, text.len());
    doc.toc = toc::find(text, lines, doc, list_items, &opts.toc_titles).map(Box::new);
    if doc.toc.as_ref().is_none_or(|t| t.kind == TocKind::Titled) {
        doc.toc_unclosed = toc::unclosed(doc).map(Box::new);
    }
    doc.shrink_to_fit();
}

/// comrak misplaces the inlines of a paragraph that begins with link
/// reference definitions: once the definitions are taken out, content line
/// `j` is reported on the paragraph's line `j` (not `j + k`, `k` the lines
/// the definitions took), with that line's indentation. A fix made at such
/// a position would edit the wrong bytes. The paragraph's own end line is
/// right, so `k` is the difference between it and the last line its
/// inlines reach; columns move by the difference in indentation.
fn repair_lines_after_definitions<'a>(root: &'a AstNode<'a>, text: &str, lines: &LineIndex) {
    for node in root.descendants() {
        let para = {
            let data = node.data.borrow();
            if !matches!(data.value, NodeValue::Paragraph) {
                continue;
            }
            data.sourcepos
        };
        let at = lines.offset(para.start.line, para.start.column);
        if !text.get(at..).is_some_and(|t| t.starts_with('[')) {
            continue;
        }
        let last = node
            .descendants()
            .skip(1)
            .map(|n| n.data.borrow().sourcepos.end.line)
            .max()
            .unwrap_or(0);
        if last == 0 || last >= para.end.line {
            continue;
        }
        let shift = para.end.line - last;
        // Bytes before the paragraph's content on a line of it: the first
        // line's is known; on the others, indentation and `>` markers.
        let lead = |line: usize| -> usize {
            if line == para.start.line {
                return para.start.column - 1;
            }
            let span = lines.line_span(text, line);
            text[span.range()]
                .bytes()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'>'))
                .count()
        };
        let moved = |p: comrak::nodes::LineColumn| -> comrak::nodes::LineColumn {
            let line = p.line + shift;
            let column = (p.column + lead(line)).saturating_sub(lead(p.line)).max(1);
            comrak::nodes::LineColumn { line, column }
        };
        for n in node.descendants().skip(1) {
            let mut data = n.data.borrow_mut();
            if data.sourcepos.start.line > 0 {
                let sp = data.sourcepos;
                data.sourcepos = Sourcepos {
                    start: moved(sp.start),
                    end: moved(sp.end),
                };
            }
        }
    }
}

/// The byte span of a comrak source position, on char boundaries. (comrak
/// counts some columns after tab expansion — lazy continuation lines after a
/// tab — so a position can land inside a character; text runs relocate their
/// text nodes exactly, see [`text`].)
fn span_at(text: &str, lines: &LineIndex, sp: Sourcepos) -> Span {
    let start = lines.offset(sp.start.line, sp.start.column).min(text.len());
    let end = (lines.offset(sp.end.line, sp.end.column) + 1)
        .min(text.len())
        .max(start);
    let start = crate::source::floor_char_boundary(text, start);
    Span::new(start, crate::source::ceil_char_boundary(text, end))
}

/// What the walk makes of a document, its lists growing; a [`Document`]
/// holds them as boxed slices (8 bytes less each than a `Vec`, times nine
/// lists, times tens of thousands of documents).
#[derive(Default)]
struct Draft {
    front_matter: Option<Span>,
    prose: ProseList,
    headings: Vec<Heading>,
    links: Vec<Link>,
    images: Vec<Link>,
    anchors: Vec<Anchor>,
    comments: Vec<Comment>,
    code_blocks: Vec<CodeBlock>,
    inline_code: Vec<InlineCode>,
    shape: Vec<(u32, Shape)>,
}

impl Draft {
    /// Lists with room for a short page's blocks (a page has a few
    /// paragraphs, list items and code spans: growing each from nothing
    /// was a third of the walk's allocations). A list left with spare room
    /// gives it back in [`Self::into_document`], in place.
    fn new() -> Self {
        Self {
            prose: ProseList {
                text: String::with_capacity(256),
                blocks: Vec::with_capacity(8),
            },
            shape: Vec::with_capacity(8),
            inline_code: Vec::with_capacity(8),
            ..Self::default()
        }
    }

    /// The document, each list without spare capacity (sections, the TOC
    /// and text runs are added by [`finish`] and [`text::collect`]).
    fn into_document(self) -> Document {
        Document {
            front_matter: self.front_matter,
            prose: self.prose,
            headings: self.headings.into_boxed_slice(),
            links: self.links.into_boxed_slice(),
            images: self.images.into_boxed_slice(),
            anchors: self.anchors.into_boxed_slice(),
            comments: self.comments.into_boxed_slice(),
            code_blocks: self.code_blocks.into_boxed_slice(),
            inline_code: self.inline_code.into_boxed_slice(),
            shape: self.shape.into_boxed_slice(),
            ..Document::default()
        }
    }
}

struct Builder<'t> {
    text: &'t str,
    lines: &'t LineIndex,
    doc: Draft,
    slugger: dialect::DialectSlugger,
    style: dialect::AnchorStyle,
    custom_attrs: Option<std::sync::Arc<Regex>>,
    list_depth: usize,
    /// List items, for TOC recognition only.
    list_items: Vec<ListItem>,
    /// What each heading's id was made from (before de-duplication), when
    /// kept for [`incremental::reparse`].
    bases: Option<Vec<String>>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, lines: &'t LineIndex, opts: &ParseOptions, keep_bases: bool) -> Self {
        Self {
            text,
            lines,
            doc: Draft::new(),
            slugger: dialect::DialectSlugger::new(opts.anchor_style),
            style: opts.anchor_style,
            custom_attrs: opts.custom_attrs.clone(),
            list_depth: 0,
            list_items: Vec::with_capacity(8),
            bases: keep_bases.then(Vec::new),
        }
    }

    fn span(&self, sp: Sourcepos) -> Span {
        span_at(self.text, self.lines, sp)
    }

    /// The document the walk made (its lists moved in), the list items and
    /// the heading ids' bases.
    fn into_parts(self) -> (Document, Vec<ListItem>, Option<Vec<String>>) {
        (self.doc.into_document(), self.list_items, self.bases)
    }

    fn walk<'a>(&mut self, root: &'a AstNode<'a>) {
        let mut skip_until: Option<&'a AstNode<'a>> = None;
        for edge in root.traverse() {
            let node = match edge {
                NodeEdge::Start(n) => n,
                NodeEdge::End(n) => {
                    if skip_until.is_some_and(|s| s.same_node(n)) {
                        skip_until = None;
                    }
                    if let NodeValue::List(_) = n.data().value {
                        self.list_depth -= 1;
                    }
                    continue;
                }
            };
            if skip_until.is_some() {
                continue;
            }
            let ast = node.data();
            // Most nodes are text and inline markup, which need no span.
            let span = if wants_span(&ast.value) {
                self.span(ast.sourcepos)
            } else {
                Span::default()
            };
            match &ast.value {
                NodeValue::Heading(h) => {
                    let top_level = node.parent().is_some_and(|p| p.parent().is_none());
                    self.heading(node, h.level, span, top_level);
                }
                NodeValue::Link(l) => {
                    let link = self.link(node, &l.url, span);
                    self.doc.links.push(link);
                }
                NodeValue::Image(l) => {
                    let image = self.link(node, &l.url, span);
                    self.doc.images.push(image);
                }
                NodeValue::HtmlBlock(h) => self.html(&h.literal, ast.sourcepos),
                NodeValue::HtmlInline(h) => self.html(h, ast.sourcepos),
                NodeValue::FrontMatter(_) => self.doc.front_matter = Some(span),
                NodeValue::List(_) => self.list_depth += 1,
                NodeValue::TableRow(_) => self.doc.shape.push((span.start as u32, Shape::TableRow)),
                NodeValue::Code(c) => self.doc.inline_code.push(InlineCode {
                    start: span.start as u32,
                    hash: hash_code(&c.literal),
                }),
                NodeValue::Item(l) => {
                    self.doc.shape.push((span.start as u32, Shape::ListItem));
                    self.list_items.push(ListItem {
                        span,
                        depth: self.list_depth.saturating_sub(1),
                        marker: match l.list_type {
                            ListType::Bullet => l.bullet_char,
                            ListType::Ordered => match l.delimiter {
                                comrak::nodes::ListDelimType::Period => b'.',
                                comrak::nodes::ListDelimType::Paren => b')',
                            },
                        },
                        ordered: l.list_type == ListType::Ordered,
                    })
                }
                NodeValue::CodeBlock(c) => self.doc.code_blocks.push(CodeBlock {
                    span,
                    hash: hash_code(&c.literal),
                }),
                NodeValue::Paragraph | NodeValue::TableCell => {
                    let (src, lines) = (self.text, self.lines);
                    self.doc.prose.push_with(span, src, |out| {
                        let first = prose_text(node, out)?;
                        Some(lines.offset(first.start.line, first.start.column))
                    });
                }
                _ => {}
            }
            // Code has no children worth visiting; everything else is walked.
            if matches!(ast.value, NodeValue::CodeBlock(_)) {
                skip_until = Some(node);
            }
        }
    }

    fn heading<'a>(&mut self, node: &'a AstNode<'a>, level: u8, span: Span, top_level: bool) {
        let mut text = rendered_text(node);
        let mut omit_from_toc = false;
        for d in node.descendants() {
            if let NodeValue::HtmlInline(h) = &d.data().value {
                let inner = h
                    .trim()
                    .trim_start_matches("<!--")
                    .trim_end_matches("-->")
                    .trim()
                    .to_ascii_lowercase();
                if inner == "omit from toc" || inner == "omit in toc" {
                    omit_from_toc = true;
                }
            }
        }
        // GitHub keeps the text of a trailing `{#id}` in the id; site
        // generators use the custom id. Both are valid targets.
        // Both default forms end with `}` (tested first: most headings
        // have no attributes, and the patterns need not be compiled then).
        let braced = text.trim_end().ends_with('}');
        let custom_re: Option<&Regex> = match &self.custom_attrs {
            Some(re) if re.is_match(&text) => Some(re),
            _ => braced.then(|| &*CUSTOM_ID),
        };
        let custom_id = custom_re
            .and_then(|re| re.captures(&text))
            .and_then(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().to_string())
            .filter(|id| !id.is_empty());
        let github = self.style == dialect::AnchorStyle::Github;
        // An attribute list without an id (`{.notranslate lang=en}`) is not
        // part of the heading on the sites that read attribute lists.
        if !github
            && custom_id.is_none()
            && braced
            && let Some(m) = ATTR_LIST.find(&text)
        {
            text.truncate(m.start());
        }
        // GitHub slugs the text with the attribute; the site generators
        // drop the attribute and use the explicit id instead of a slug.
        let base = match &custom_id {
            Some(custom) if !github => custom.clone(),
            _ => dialect::slug(self.style, &text),
        };
        if let Some(bases) = &mut self.bases {
            bases.push(base.clone());
        }
        let id = self.slugger.claim(base);
        if custom_id.is_some() {
            // Keep the displayed text free of the attribute.
            if let Some(m) = custom_re.and_then(|re| re.find(&text)) {
                text.truncate(m.start());
            }
        }
        self.doc.headings.push(Heading {
            level,
            text,
            id,
            custom_id,
            span,
            omit_from_toc,
            top_level,
        });
    }

    fn link<'a>(&self, node: &'a AstNode<'a>, url: &str, span: Span) -> Link {
        let src = &self.text[span.range()];
        let mut text_span = None;
        let (kind, dest_span, exact) = if src.starts_with('<') {
            (
                LinkKind::Autolink,
                Some(Span::new(span.start + 1, span.end - 1)),
                false,
            )
        } else if src.starts_with('[') || src.starts_with("![") {
            let open = span.start + if src.starts_with('!') { 2 } else { 1 };
            // The destination follows the last child's end: `](dest "title")`.
            let after_text = node
                .last_child()
                .map(|c| self.span(c.data().sourcepos).end)
                .unwrap_or(open)
                .clamp(open, span.end);
            text_span = Some(Span::new(open, after_text));
            locate_destination(self.text, after_text, span.end, url)
        } else {
            (LinkKind::Autolink, Some(span), false)
        };
        // Fixes edit the destination in place: never at a position that does
        // not hold it. (comrak's positions can be off; URLs written with
        // escapes or entities are not compared. A bare `www.` or e-mail
        // autolink's URL has a scheme added in front. One written exactly as
        // the URL needs no check.)
        let dest_span = dest_span.filter(|d| {
            exact || {
                let s = &self.text[d.range()];
                s.bytes().any(|b| b == b'\\' || b == b'&') || url.ends_with(s)
            }
        });
        // The text is kept only when the file does not hold it as it is
        // (one plain text child, the commonest, is compared without
        // rendering it).
        let held = text_span.and_then(|s| self.text.get(s.range()));
        let only_text = match (node.first_child(), node.last_child()) {
            (Some(a), Some(b)) if a.same_node(b) => match &a.data().value {
                NodeValue::Text(t) => Some(held == Some(&**t)),
                _ => None,
            },
            (None, None) => Some(held.is_none_or(str::is_empty)),
            _ => None,
        };
        let rendered = match only_text {
            Some(true) => None,
            _ => {
                let text = rendered_text(node);
                match held {
                    Some(h) if h == text => None,
                    None if text.is_empty() => None,
                    _ => Some(text.into_boxed_str()),
                }
            }
        };
        Link::new(kind, url, span, dest_span, rendered, text_span, self.text)
    }

    fn html(&mut self, literal: &str, pos: Sourcepos) {
        if !literal.contains('<') {
            return;
        }
        let scan = html::scan(literal);
        if scan.attrs.is_empty() && scan.comments.is_empty() {
            return;
        }
        let map = LiteralMap::new(self.text, self.lines, literal, pos);
        for c in scan.comments {
            self.doc.comments.push(Comment {
                text: c.text,
                span: Span::new(map.offset(c.start), map.offset(c.end)),
            });
        }
        for a in scan.attrs {
            let span = Span::new(map.offset(a.start), map.offset(a.end));
            let text = self.text;
            let html_link =
                |dest: String| Link::new(LinkKind::Html, &dest, span, Some(span), None, None, text);
            match a.name.as_str() {
                "href" => self.doc.links.push(html_link(a.value)),
                "src" => self.doc.images.push(html_link(a.value)),
                _ => self.doc.anchors.push(Anchor { id: a.value, span }),
            }
        }
    }
}

/// Maps offsets in a node's literal (an HTML block or inline HTML, whose
/// container prefixes such as `> ` were stripped by the parser) back to the
/// file: the first line starts at the node's position; later lines are
/// aligned on their line ends, which containers never touch.
struct LiteralMap<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    literal: &'a str,
    first: usize,
    first_line: usize,
}

impl<'a> LiteralMap<'a> {
    fn new(text: &'a str, lines: &'a LineIndex, literal: &'a str, pos: Sourcepos) -> Self {
        Self {
            text,
            lines,
            literal,
            first: lines.offset(pos.start.line, pos.start.column),
            first_line: pos.start.line,
        }
    }

    fn offset(&self, lit: usize) -> usize {
        let before = &self.literal[..lit.min(self.literal.len())];
        let nl = before.matches('\n').count();
        if nl == 0 {
            return (self.first + lit).min(self.text.len());
        }
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let lit_line_end = self.literal[line_start..]
            .find('\n')
            .map_or(self.literal.len(), |i| line_start + i);
        let lit_line = self.literal[line_start..lit_line_end].trim_end_matches('\r');
        let src = self.lines.line_span(self.text, self.first_line + nl);
        let from_end = lit_line.len().saturating_sub(lit - line_start);
        src.end.saturating_sub(from_end).max(src.start)
    }
}

/// Finds the destination of an inline link in `text[from..end]` (`](dest "t")`);
/// also whether it is written exactly as `url`, the destination comrak read.
fn locate_destination(
    text: &str,
    from: usize,
    end: usize,
    url: &str,
) -> (LinkKind, Option<Span>, bool) {
    let s = &text[from..end];
    let Some(open) = s.find("](") else {
        return (LinkKind::Reference, None, false);
    };
    // Reference links have `]` followed by `[` or nothing.
    if s[..open].contains("][") {
        return (LinkKind::Reference, None, false);
    }
    let mut i = open + 2;
    let bytes = s.as_bytes();
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'<' {
        let start = i + 1;
        let stop = s[start..].find('>').map_or(s.len(), |j| start + j);
        return (
            LinkKind::Inline,
            Some(Span::new(from + start, from + stop)),
            false,
        );
    }
    let start = i;
    // Most destinations are written as comrak read them, with none of the
    // bytes the scan below stops at or steps over: then they end where the
    // URL does (the checks run over whole slices, without a branch a byte).
    let ends = |b: u8| matches!(b, b'\\' | b'(' | b')' | b' ' | b'\t' | b'\n' | b'\r');
    let after = start + url.len();
    if bytes[start..].starts_with(url.as_bytes())
        && bytes
            .get(after)
            .is_none_or(|&b| matches!(b, b')' | b' ' | b'\t' | b'\n' | b'\r'))
        && !url.bytes().fold(false, |any, b| any | ends(b))
    {
        return (
            LinkKind::Inline,
            Some(Span::new(from + start, from + after)),
            true,
        );
    }
    let stop = destination_end(bytes, start);
    (
        LinkKind::Inline,
        Some(Span::new(from + start, from + stop)),
        false,
    )
}

/// Where a destination that starts at `bytes[start]` ends: at whitespace or
/// at the `)` that closes the link (escapes stepped over, parentheses
/// balanced).
fn destination_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            b' ' | b'\t' | b'\n' | b'\r' => break,
            _ => {}
        }
        i += 1;
    }
    i.min(bytes.len())
}

/// Visits `node` and its descendants in document order; where `enter`
/// returns false, the node's descendants are skipped — never walked, so
/// nested images (alt text inside alt text) cost nothing per level.
fn walk<'a>(root: &'a AstNode<'a>, mut enter: impl FnMut(&'a AstNode<'a>) -> bool) {
    // Through the tree's own links (no stack): down to the first child,
    // else on to the next sibling, else up — never above `root`.
    let mut node = root;
    loop {
        if enter(node)
            && let Some(child) = node.first_child()
        {
            node = child;
            continue;
        }
        loop {
            if node.same_node(root) {
                return;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(parent) => node = parent,
                None => return,
            }
        }
    }
}

/// Whether [`Builder::walk`] uses a node's span.
fn wants_span(value: &NodeValue) -> bool {
    matches!(
        value,
        NodeValue::Heading(_)
            | NodeValue::Link(_)
            | NodeValue::Image(_)
            | NodeValue::FrontMatter(_)
            | NodeValue::TableRow(_)
            | NodeValue::Code(_)
            | NodeValue::Item(_)
            | NodeValue::CodeBlock(_)
            | NodeValue::Paragraph
            | NodeValue::TableCell
    )
}

/// The text GitHub renders for a node: text, code and link text kept; raw HTML
/// tags and images (with their alt text) dropped.
pub fn rendered_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    walk(node, |n| {
        match &n.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push('\n'),
            NodeValue::Math(m) => out.push_str(&m.literal),
            NodeValue::FootnoteReference(f) => out.push_str(&f.ix.to_string()),
            NodeValue::Image(_) if !n.same_node(node) => return false,
            _ => {}
        }
        true
    });
    out
}

/// The prose of a paragraph: text and link text, without inline code,
/// autolinked URLs, images or raw HTML; line breaks become spaces —
/// appended to `out`.
///
/// Hands back where the first text node starts in the file when it is the
/// first thing written (where the prose, if the file holds it as it is,
/// must be).
fn prose_text<'a>(node: &'a AstNode<'a>, out: &mut String) -> Option<Sourcepos> {
    let start = out.len();
    let mut first = None;
    walk(node, |n| {
        let data = n.data();
        match &data.value {
            NodeValue::Text(t) => {
                if out.len() == start {
                    first = Some(data.sourcepos);
                }
                out.push_str(t)
            }
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            NodeValue::Code(_) => out.push(' '),
            NodeValue::Image(_) => return false,
            // An autolink's text is its URL: not prose.
            NodeValue::Link(l) => {
                return !n.first_child().is_some_and(|c| {
                    matches!(&c.data().value, NodeValue::Text(t) if l.url.ends_with(t.as_ref()))
                });
            }
            _ => {}
        }
        true
    });
    first
}

/// A hash of a code block's contents that ignores indentation and blank
/// lines (translations re-indent code when they nest it differently).
fn hash_code(literal: &str) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::quality::FixedState::with_seed(0x636f6465).build_hasher();
    if !literal.contains('\n') {
        // One line (every inline code span): `lines()` would give it alone,
        // without a trailing `\r`, which `trim` drops anyway.
        let line = literal.trim();
        if !line.is_empty() {
            line.hash(&mut h);
        }
        return h.finish();
    }
    for line in literal.lines().map(str::trim).filter(|l| !l.is_empty()) {
        line.hash(&mut h);
    }
    h.finish()
}

/// Builds the section tree from the top-level headings.
fn build_sections(doc: &mut Document, len: usize) {
    // Offsets and counts fit in `u32`: a text is at most `MAX_TEXT` bytes.
    let len32 = len as u32;
    let tops: Vec<usize> = (0..doc.headings.len())
        .filter(|&i| doc.headings[i].top_level)
        .collect();
    let first = tops.first().map_or(len, |&i| doc.headings[i].span.start);
    let mut sections = vec![Section {
        heading: None,
        level: 0,
        span: Span::new(0, first),
        end: len32,
        parent: None,
    }];
    // Stack of open section indices (by level).
    let mut stack: Vec<usize> = vec![0];
    for (k, &h) in tops.iter().enumerate() {
        let heading = &doc.headings[h];
        let start = heading.span.start;
        let next = tops.get(k + 1).map_or(len, |&n| doc.headings[n].span.start);
        while let Some(&top) = stack.last() {
            if top != 0 && sections[top].level >= heading.level {
                sections[top].end = start as u32;
                stack.pop();
            } else {
                break;
            }
        }
        let idx = sections.len();
        sections.push(Section {
            heading: Some(h as u32),
            level: heading.level,
            span: Span::new(start, next),
            end: len32,
            parent: stack.last().map(|&p| p as u32),
        });
        stack.push(idx);
    }
    doc.sections = sections.into_boxed_slice();
}

#[cfg(test)]
mod tests {
    use super::*;

    type DestAndText = (String, String);

    /// Every link's and image's destination and rendered text, as
    /// comrak's tree gives them (the reference of [`Link::dest`] and
    /// [`Link::text`]), in document order.
    fn rendered_texts(text: &str) -> (Vec<DestAndText>, Vec<DestAndText>) {
        let arena = comrak::Arena::new();
        let root = comrak::parse_document(&arena, text, &comrak_options(text));
        let (mut links, mut images) = (Vec::new(), Vec::new());
        for n in root.descendants() {
            match &n.data().value {
                NodeValue::Link(l) => links.push((l.url.to_string(), rendered_text(n))),
                NodeValue::Image(l) => images.push((l.url.to_string(), rendered_text(n))),
                _ => {}
            }
        }
        (links, images)
    }

    fn link_texts_are_rendered_texts(text: &str) {
        let doc = parse(text);
        let (links, images) = rendered_texts(text);
        let got = |v: &[Link]| -> Vec<DestAndText> {
            v.iter()
                .filter(|l| l.kind != LinkKind::Html)
                .map(|l| (l.dest(text).to_string(), l.text(text).to_string()))
                .collect()
        };
        assert_eq!(got(&doc.links), links, "links of {text:?}");
        assert_eq!(got(&doc.images), images, "images of {text:?}");
    }

    /// A link is small (a document keeps thousands), and its inner spans
    /// read back as they were given, an absent one as absent, at the ends
    /// of the offsets' range too.
    #[test]
    fn a_link_keeps_its_spans_in_48_bytes() {
        assert!(
            std::mem::size_of::<Link>() <= 48,
            "{}",
            std::mem::size_of::<Link>()
        );
        let max = crate::source::MAX_TEXT as usize;
        for (dest, text) in [
            (None, None),
            (Some(Span::new(0, 0)), None),
            (None, Some(Span::new(3, 9))),
            (Some(Span::new(max, max)), Some(Span::new(0, max))),
        ] {
            let link = Link::new(LinkKind::Inline, "", Span::new(0, 1), dest, None, text, "");
            assert_eq!((link.dest_span(), link.text_span()), (dest, text));
        }
    }

    /// A link's destination and text are the file's where the file holds
    /// them as they are, and comrak's where it does not (markup, escapes,
    /// entities, autolinks, references, images inside links).
    #[test]
    fn link_text_is_the_rendered_text() {
        for text in [
            "[plain](a.md) [](b.md) [*em* and `code`](c.md)\n",
            "[a \\* star](a.md) [caf&eacute;](b.md) [![alt *x*](i.png) after](c.md)\n",
            "[esc](a\\_b.md) [ent](caf&eacute;.md) [pct](a%20b.md) [t](a.md \"title\") [sp](<a b.md>)\n",
            "<https://example.com> https://bare.example.com [ref][r] [r]\n\n[r]: r.md\n",
            "![alt](i.png) ![](j.png) ![a `b` c](k.png) <a href=\"x.md\">x</a>\n",
            "- [one\n  two](a.md)\n- [tr\u{e8}s](b.md)\n",
        ] {
            link_texts_are_rendered_texts(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_link_text_is_the_rendered_text(
            texts in proptest::collection::vec("[a-z \\*_`&;#!\\[\\]()\n\u{e9}]{0,12}", 1..4)
        ) {
            let doc: String = texts
                .iter()
                .enumerate()
                .map(|(i, t)| format!("[{t}](l{i}{t}.md) ![{t}](<i{i}{t}.png>)\n\n"))
                .collect();
            link_texts_are_rendered_texts(&doc);
        }
    }

    #[test]
    fn headings_links_and_sections() {
        let text = "intro\n\n# Title {#custom}\n\nSee [x](other.md#frag \"t\") ![i](a%20b.png)\n\n## Sub\n\n<a name=\"n\"></a>\n\n# Two\n";
        let doc = parse(text);
        let ids: Vec<_> = doc.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["title-custom", "sub", "two"]);
        assert_eq!(doc.headings[0].custom_id.as_deref(), Some("custom"));
        assert_eq!(doc.headings[0].text, "Title");
        let link = &doc.links[0];
        assert_eq!(link.kind, LinkKind::Inline);
        assert_eq!(&text[link.dest_span().unwrap().range()], "other.md#frag");
        assert_eq!(
            &text[doc.images[0].dest_span().unwrap().range()],
            "a%20b.png"
        );
        assert_eq!(doc.anchors[0].id, "n");
        let levels: Vec<_> = doc.sections.iter().map(|s| (s.level, s.parent())).collect();
        assert_eq!(
            levels,
            [(0, None), (1, Some(0)), (2, Some(1)), (1, Some(0))]
        );
        assert_eq!(doc.sections[1].end(), doc.sections[3].span.start);
    }

    #[test]
    fn front_matter_and_link_kinds() {
        let text = "---\ntitle: x\n---\n# T\n\n[a][r] <https://x.y> www.example.com [b](<c d.md>)\n\n[r]: ./r.md#s\n";
        let doc = parse(text);
        assert_eq!(
            &text[doc.front_matter.unwrap().range()],
            "---\ntitle: x\n---"
        );
        let kinds: Vec<_> = doc.links.iter().map(|l| (l.kind, l.dest(text))).collect();
        assert_eq!(
            kinds,
            [
                (LinkKind::Reference, "./r.md#s"),
                (LinkKind::Autolink, "https://x.y"),
                (LinkKind::Autolink, "http://www.example.com"),
                (LinkKind::Inline, "c d.md"),
            ]
        );
        assert_eq!(&text[doc.links[3].dest_span().unwrap().range()], "c d.md");
        let toml = parse("+++\ntitle = 1\n+++\n# T\n");
        assert!(toml.front_matter.is_some());
        assert_eq!(toml.headings[0].text, "T");
    }

    #[test]
    fn heading_text_drops_html_and_images() {
        let doc =
            parse("# <img src=\"x.png\"> A ![logo](l.png) *b* `c` [d](e)<!-- omit from toc -->\n");
        let h = &doc.headings[0];
        assert_eq!(h.text, " A  b c d");
        assert!(h.omit_from_toc);
        assert_eq!(doc.images.len(), 2);
    }

    proptest::proptest! {
        /// A destination written as the URL comrak read ends where the
        /// byte scan says, and is said to be exact only then.
        #[test]
        fn destination_as_written_ends_where_the_scan_says(
            dest in "[a-c()\\\\ ]{0,8}",
            after in "[)( a\\\\\n]{0,3}",
            url in "[a-c()\\\\ ]{0,8}",
            same: bool,
        ) {
            let url = if same { dest.clone() } else { url };
            let text = format!("[x]({dest}{after}");
            let (kind, span, exact) = locate_destination(&text, 2, text.len(), &url);
            proptest::prop_assert_eq!(kind, LinkKind::Inline);
            let span = span.expect("an inline destination");
            let bytes = text.as_bytes();
            let start = (4..bytes.len()).find(|&i| !matches!(bytes[i], b' ' | b'\n')).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(span.start, start);
            proptest::prop_assert_eq!(span.end, destination_end(bytes, start));
            if exact {
                proptest::prop_assert_eq!(&text[span.range()], url.as_str());
            }
            // A plain destination followed by what ends one takes the fast way.
            let plain = !dest.is_empty() && !dest.contains(['(', ')', '\\', ' ']);
            if same && plain && after.chars().next().is_none_or(|c| matches!(c, ')' | ' ' | '\n')) {
                proptest::prop_assert!(exact);
            }
        }

        /// A one-line code's hash is the one the line-by-line rule gives.
        #[test]
        fn one_line_code_hashes_as_lines_do(literal in "[ a\t\r\n]{0,6}") {
            use std::hash::{BuildHasher, Hash, Hasher};
            let mut h = foldhash::quality::FixedState::with_seed(0x636f6465).build_hasher();
            for line in literal.lines().map(str::trim).filter(|l| !l.is_empty()) {
                line.hash(&mut h);
            }
            proptest::prop_assert_eq!(hash_code(&literal), h.finish());
        }
    }

    #[test]
    fn prose_found_in_the_file_is_a_range_of_it() {
        // A paragraph without markup, a list item's, a link's text inside
        // its item, a line-wrapped paragraph (its break becomes a space: not
        // in the file), a blank one (none).
        let text =
            "Plain words here.\n\n- Do this:\n- [Only the link](x.md)\n\nTwo\nlines.\n\n<!-- -->\n";
        let doc = parse(text);
        let got: Vec<_> = doc
            .prose
            .iter(text)
            .zip(&doc.prose.blocks)
            .map(|(p, b)| (p.text, b.in_file))
            .collect();
        assert_eq!(
            got,
            [
                ("Plain words here.", true),
                ("Do this:", true),
                ("Only the link", true),
                ("Two lines.", false),
            ]
        );
        // Given another text than the file's: empty texts, no panic.
        assert!(doc.prose.iter("").take(3).all(|p| p.text.is_empty()));
    }

    #[test]
    fn prose_leaves_out_code_urls_images_and_html() {
        let text = "# T\n\nSee `code` and [the docs](x.md) at <https://e.com> ![img](a.png) <b>bold</b>.\n\n```\n  let x = 1;\n```\n\n| a | b |\n|---|---|\n| cell | two |\n";
        let doc = parse(text);
        let texts: Vec<_> = doc.prose.iter(text).map(|p| p.text).collect();
        assert_eq!(
            texts,
            ["See   and the docs at   bold.", "a", "b", "cell", "two"]
        );
        // Only the text that differs from the file is kept of its own.
        assert_eq!(doc.prose.text, "See   and the docs at   bold.");
        assert_eq!(
            doc.prose
                .blocks
                .iter()
                .map(|b| b.in_file)
                .collect::<Vec<_>>(),
            [false, true, true, true, true]
        );
        assert_eq!(doc.code_blocks.len(), 1);
        assert_eq!(doc.code_blocks[0].hash, hash_code("let x = 1;"));
    }

    #[test]
    fn html_in_block_quotes_maps_to_the_file() {
        let text = "> <p>\n> <img src=\"x.png\">\n> </p>\n";
        let doc = parse(text);
        assert_eq!(&text[doc.images[0].span.range()], "x.png");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = format!("{} hi\n", ">".repeat(200_000));
        let doc = parse(&text);
        assert!(doc.headings.is_empty());
    }

    #[test]
    fn crlf_and_bom_spans() {
        let text = "\u{feff}# A\r\n\r\n[l](#a)\r\n";
        let doc = parse(text);
        assert_eq!(&text[doc.links[0].dest_span().unwrap().range()], "#a");
        assert_eq!(&text[doc.headings[0].span.range()], "# A");
    }
}
