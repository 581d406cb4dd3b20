//! Re-parsing only what an edit touched (the language server, as a writer
//! types in a long document).
//!
//! A top-level ATX or setext heading ends every block before it, so the
//! text between two top-level headings parses the same alone as within
//! the document — except for what is document-wide: link reference and
//! footnote definitions (a document with any is parsed whole), heading ids
//! (de-duplicated across the document: made again from each heading's
//! base), the section tree and the TOC (built again from the spliced
//! lists). [`reparse`] parses the text from the last top-level heading
//! before the edit to the first one after it, checks that both are still
//! top-level headings where they were, and splices the result between the
//! old document's parts before and after (moved by the edit's length). The
//! result equals [`super::parse_with`] of the new text; when it cannot be
//! sure of that, it says so (`None`) and the caller parses the whole text.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, parse_document};

use super::{
    Builder, Document, ListItem, ParseOptions, ProseList, comrak_options, dialect, finish,
    parse_full, span_at,
};
use crate::source::{LineIndex, Span, TextChange};

/// What re-parsing part of a document needs besides the document.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Per heading, what its id is made from before de-duplication.
    pub(super) bases: Vec<String>,
    /// Every list item (the TOC is recognised from them).
    pub(super) list_items: Vec<ListItem>,
}

/// [`super::parse_with`], keeping what [`reparse`] needs.
pub fn parse(text: &str, lines: &LineIndex, opts: &ParseOptions) -> (Document, State) {
    parse_full(text, lines, opts, true)
}

/// How the reparse went, for the caller's trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Only the bytes between two top-level headings were parsed.
    Partial { parsed: usize },
    /// The whole text had to be parsed.
    Whole,
}

/// The document of `text` (with `lines`), given `old`, the document of
/// `old_text`, and its `state`: as [`super::parse_with`] gives it, parsing
/// only the top-level sections the edit between the two texts touched
/// when that is certain to give the same document. (`old` and `state` are
/// taken: what did not change is moved into the new document.)
pub fn reparse(
    old_text: &str,
    old: Document,
    state: State,
    text: &str,
    lines: &LineIndex,
    opts: &ParseOptions,
) -> (Document, State, Outcome) {
    match plan(old_text, &old, &state, text, lines, opts) {
        Some(part) => {
            let parsed = part.parse_end - part.from;
            let (doc, state) = splice(old, state, part, text, lines, opts);
            (doc, state, Outcome::Partial { parsed })
        }
        None => {
            let (doc, state) = parse(text, lines, opts);
            (doc, state, Outcome::Whole)
        }
    }
}

/// Whether a text may define a link reference or a footnote (`[x]: …`,
/// `[^1]: …`), which any other part of the document may use.
fn may_define(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"]:").is_some()
}

/// The new text between two top-level headings, parsed.
struct Part {
    /// Where the region starts (in both texts), where it ended in the old
    /// text, and how far what follows it moved.
    from: usize,
    old_until: usize,
    delta: isize,
    parse_end: usize,
    doc: Document,
    list_items: Vec<ListItem>,
    bases: Vec<String>,
}

fn plan(
    old_text: &str,
    old: &Document,
    state: &State,
    text: &str,
    lines: &LineIndex,
    opts: &ParseOptions,
) -> Option<Part> {
    if opts.text_runs
        || state.bases.len() != old.headings.len()
        || may_define(old_text)
        || may_define(text)
    {
        return None;
    }
    // The edit: `old_text[start..old_end]` became `text[start..new_end]`.
    let change = TextChange::between(old_text, text);
    let (start, old_end, delta) = (change.start, change.old_end, change.delta());
    let moved = |at: usize| at.checked_add_signed(delta);

    // The region to parse: from the line of the last top-level heading that
    // starts before the edit to the first one that starts at or after its
    // end (or the end of the text).
    let tops: Vec<usize> = (0..old.headings.len())
        .filter(|&h| old.headings[h].top_level)
        .collect();
    let first = *tops
        .iter()
        .rev()
        .find(|&&h| old.headings[h].span.start < start)?;
    let heading_start = old.headings[first].span.start;
    let from = old_text[..heading_start]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    if old.front_matter.is_some_and(|f| f.end > from) || from == 0 && text.starts_with('\u{feff}') {
        return None;
    }
    // Nothing of the old document may straddle the region's start.
    let straddles = |s: Span| s.start < from && s.end > from;
    if old.headings.iter().any(|h| straddles(h.span))
        || old
            .links
            .iter()
            .chain(&old.images)
            .any(|l| straddles(l.span))
        || old.code_blocks.iter().any(|c| straddles(c.span))
    {
        return None;
    }
    let next = tops
        .iter()
        .copied()
        .find(|&h| old.headings[h].span.start >= old_end);
    // Old offsets from here on are the new ones moved by `delta`.
    let old_until = next.map_or(old_text.len(), |h| old.headings[h].span.start);
    let until = moved(old_until)?;
    // The parse includes the next heading's lines, to see that it is still
    // a top-level heading there.
    let parse_end = match next {
        Some(h) => {
            let end = moved(old.headings[h].span.end)?;
            text[end..].find('\n').map_or(text.len(), |i| end + i + 1)
        }
        None => text.len(),
    };
    let slice = &text[from..parse_end];
    // Front matter only opens a document (the slice never starts at 0
    // with it).
    let options = comrak_options("");
    let arena = Arena::new();
    let root = parse_document(&arena, slice, &options);
    let line_offset = lines.line_of(from);
    for node in root.descendants() {
        let mut data = node.data.borrow_mut();
        if data.sourcepos.start.line > 0 {
            data.sourcepos.start.line += line_offset;
            data.sourcepos.end.line += line_offset;
        }
    }
    let heading_at = |node: Option<&AstNode<'_>>, at: usize| {
        node.is_some_and(|n| {
            let d = n.data.borrow();
            matches!(d.value, NodeValue::Heading(_))
                && span_at(text, lines, d.sourcepos).start == at
        })
    };
    if !heading_at(root.first_child(), heading_start) {
        return None;
    }
    // A setext heading takes the paragraph lines right above it: only when
    // it was one already and the edit is below its underline is it the
    // same heading it was.
    let setext = |node: Option<&AstNode<'_>>| {
        node.is_some_and(|n| matches!(n.data.borrow().value, NodeValue::Heading(h) if h.setext))
    };
    let was_setext = !old_text[heading_start..]
        .trim_start_matches(' ')
        .starts_with('#');
    if setext(root.first_child()) && !(was_setext && start >= old.headings[first].span.end) {
        return None;
    }
    if next.is_some() {
        let last = root.last_child();
        if !heading_at(last, until) {
            return None;
        }
        last?.detach();
    }
    let mut b = Builder::new(text, lines, opts, true);
    b.walk(root);
    let (doc, list_items, bases) = b.into_parts();
    Some(Part {
        from,
        old_until,
        delta,
        parse_end,
        doc,
        list_items,
        bases: bases.unwrap_or_default(),
    })
}

/// `old` with `part` in place of the old text's region: what starts before
/// the region stays, what starts after it moves by the edit's length.
fn splice(
    old: Document,
    state: State,
    part: Part,
    text: &str,
    lines: &LineIndex,
    opts: &ParseOptions,
) -> (Document, State) {
    let Part {
        from,
        old_until,
        delta,
        doc: new,
        ..
    } = part;
    let by = Shift(delta);
    let region = (from, old_until);
    // The region's old headings and the new ones: ids of the same bases?
    let first = old.headings.iter().filter(|h| h.span.start < from).count();
    let in_region = |h: &super::Heading| h.span.start >= from && h.span.start < old_until;
    let old_region: Vec<usize> = (0..old.headings.len())
        .filter(|&h| in_region(&old.headings[h]))
        .collect();
    let old_ids: Option<Vec<String>> = (old_region.len() == part.bases.len()
        && old_region
            .iter()
            .zip(&part.bases)
            .all(|(&h, b)| state.bases[h] == *b))
    .then(|| {
        old_region
            .iter()
            .map(|&h| old.headings[h].id.clone())
            .collect()
    });
    let headings: Vec<(super::Heading, String)> = join(
        old.headings
            .into_iter()
            .zip(state.bases)
            .collect::<Vec<_>>(),
        new.headings.into_iter().zip(part.bases).collect::<Vec<_>>(),
        region,
        by,
    );
    let (mut headings, bases): (Vec<super::Heading>, Vec<String>) = headings.into_iter().unzip();
    // Ids are de-duplicated across the document: when the region's
    // headings make their ids from what the old ones did, in the same
    // order, every id is what it was; else they are made again, in order.
    match old_ids {
        Some(ids) => {
            for (h, id) in headings[first..].iter_mut().zip(ids) {
                h.id = id;
            }
        }
        None => {
            let mut slugger = dialect::DialectSlugger::new(opts.anchor_style);
            for (h, base) in headings.iter_mut().zip(&bases) {
                h.id = slugger.claim(base.clone());
            }
        }
    }
    // In document order, as a whole parse lists them (texts of their own
    // included): before the region, the region's, after it (moved).
    let mut prose = ProseList::default();
    prose.append_moved(&old.prose, |s| s.start < from, |at| at);
    prose.append_moved(&new.prose, |_| true, |at| at);
    prose.append_moved(&old.prose, |s| s.start >= old_until, |at| by.at(at));
    let mut doc = Document {
        headings: headings.into(),
        links: join(old.links, new.links, region, by).into(),
        images: join(old.images, new.images, region, by).into(),
        anchors: join(old.anchors, new.anchors, region, by).into(),
        comments: join(old.comments, new.comments, region, by).into(),
        code_blocks: join(old.code_blocks, new.code_blocks, region, by).into(),
        inline_code: join(old.inline_code, new.inline_code, region, by).into(),
        shape: join(old.shape, new.shape, region, by).into(),
        prose,
        front_matter: old.front_matter,
        ..Document::default()
    };
    let list_items = join(state.list_items, part.list_items, region, by);
    finish(&mut doc, text, lines, opts, &list_items);
    (doc, State { bases, list_items })
}

/// How far what follows the edited region moved.
#[derive(Clone, Copy)]
struct Shift(isize);

impl Shift {
    fn at(self, at: usize) -> usize {
        at.checked_add_signed(self.0).unwrap_or(at)
    }

    fn span(self, s: Span) -> Span {
        Span::new(self.at(s.start), self.at(s.end))
    }
}

/// An item of a document's lists: where it starts, and how it moves.
trait Placed {
    fn start(&self) -> usize;
    fn shift(&mut self, by: Shift);
}

macro_rules! placed_by_span {
    ($($t:ty),*) => {$(
        impl Placed for $t {
            fn start(&self) -> usize {
                self.span.start
            }
            fn shift(&mut self, by: Shift) {
                self.span = by.span(self.span);
            }
        }
    )*};
}

placed_by_span!(super::Anchor, super::Comment, super::CodeBlock, ListItem);

impl Placed for super::Link {
    fn start(&self) -> usize {
        self.span.start
    }
    fn shift(&mut self, by: Shift) {
        super::Link::shift(self, |s| by.span(s));
    }
}

impl Placed for super::InlineCode {
    fn start(&self) -> usize {
        self.start as usize
    }
    fn shift(&mut self, by: Shift) {
        self.start = by.at(self.start as usize) as u32;
    }
}

impl Placed for (u32, super::Shape) {
    fn start(&self) -> usize {
        self.0 as usize
    }
    fn shift(&mut self, by: Shift) {
        self.0 = by.at(self.0 as usize) as u32;
    }
}

/// A heading and the base of its id.
impl Placed for (super::Heading, String) {
    fn start(&self) -> usize {
        self.0.span.start
    }
    fn shift(&mut self, by: Shift) {
        self.0.span = by.span(self.0.span);
    }
}

/// One list of the document: the old items before the region, the new
/// ones, the old ones after it (moved).
fn join<T: Placed>(
    old: impl Into<Vec<T>>,
    new: impl Into<Vec<T>>,
    (from, until): (usize, usize),
    by: Shift,
) -> Vec<T> {
    let (mut old, new) = (old.into(), new.into());
    let moved = |mut x: T| {
        x.shift(by);
        x
    };
    // In document order (as the walk makes them): in place.
    if old.windows(2).all(|w| w[0].start() <= w[1].start()) {
        let first = old.partition_point(|x| x.start() < from);
        let rest = old.partition_point(|x| x.start() < until);
        let tail: Vec<T> = old.drain(rest..).map(moved).collect();
        old.truncate(first);
        old.reserve(new.len() + tail.len());
        old.extend(new);
        old.extend(tail);
        return old;
    }
    let mut out = Vec::with_capacity(old.len() + new.len());
    let mut rest = Vec::new();
    for x in old {
        let at = x.start();
        if at < from {
            out.push(x);
        } else if at >= until {
            rest.push(moved(x));
        }
    }
    out.extend(new);
    out.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(old_text: &str, text: &str) -> Outcome {
        let opts = ParseOptions::default();
        let old_lines = LineIndex::new(old_text);
        let (old, state) = parse(old_text, &old_lines, &opts);
        let lines = LineIndex::new(text);
        let (doc, new_state, outcome) = reparse(old_text, old, state, text, &lines, &opts);
        let (whole, whole_state) = parse(text, &lines, &opts);
        assert_eq!(doc, whole, "reparse differs from a whole parse:\n{text}");
        assert_eq!(new_state.bases, whole_state.bases);
        assert_eq!(new_state.list_items, whole_state.list_items);
        outcome
    }

    const DOC: &str = "# Title\n\nIntro [a](#usage).\n\n## Install\n\nRun `x`.\n\n## Usage\n\n- one\n- two\n\n## Usage\n\nAgain.\n";

    #[test]
    fn an_edit_inside_a_section_parses_that_section_only() {
        let text = DOC.replace("Run `x`.", "Run `y` and [b](#install).");
        // "## Install" to the end of the "## Usage" line after it.
        let parsed = "## Install\n\nRun `y` and [b](#install).\n\n## Usage\n".len();
        assert_eq!(check(DOC, &text), Outcome::Partial { parsed });
    }

    #[test]
    fn a_new_heading_changes_the_ids_after_it() {
        let text = DOC.replace("Run `x`.", "Run.\n\n## Usage\n\nMore.");
        assert!(matches!(check(DOC, &text), Outcome::Partial { .. }));
    }

    #[test]
    fn an_unclosed_fence_or_comment_is_parsed_whole() {
        assert_eq!(
            check(DOC, &DOC.replace("Run `x`.", "```\ncode")),
            Outcome::Whole
        );
        assert_eq!(
            check(DOC, &DOC.replace("Run `x`.", "<!-- open")),
            Outcome::Whole
        );
    }

    #[test]
    fn definitions_and_the_preamble_are_parsed_whole() {
        assert_eq!(
            check(DOC, &DOC.replace("Run `x`.", "[x]: /y")),
            Outcome::Whole
        );
        let before = format!("Before.\n\n{DOC}");
        assert_eq!(
            check(&before, &before.replace("Before", "After")),
            Outcome::Whole
        );
        let front = format!("---\ntitle: x\n---\n{DOC}");
        assert_eq!(check(&front, &front.replace("x\n", "y\n")), Outcome::Whole);
        // The first heading is not the preamble.
        assert!(matches!(
            check(DOC, &DOC.replace("Title", "Titles")),
            Outcome::Partial { .. }
        ));
    }

    #[test]
    fn a_heading_that_stops_being_one_is_parsed_whole() {
        assert_eq!(
            check(DOC, &DOC.replace("## Usage\n\n-", "##Usage\n\n-")),
            Outcome::Whole
        );
        assert_eq!(
            check(
                DOC,
                &DOC.replace("Run `x`.\n\n## Usage", "Run `x`.## Usage")
            ),
            Outcome::Whole
        );
    }

    #[test]
    fn setext_and_crlf_and_the_last_section() {
        let doc = "Title\r\n=====\r\n\r\ntext\r\n\r\nPart\r\n----\r\n\r\nmore\r\n";
        check(doc, &doc.replace("more", "more [x](#part)"));
        check(doc, &doc.replace("text", "text\r\nPart 2\r\n---"));
        check(DOC, &DOC.replace("Again.", "Again and again."));
    }
}
