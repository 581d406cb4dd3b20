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
use crate::source::{LineIndex, Span};

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
/// when that is certain to give the same document.
pub fn reparse(
    old_text: &str,
    old: &Document,
    state: &State,
    text: &str,
    lines: &LineIndex,
    opts: &ParseOptions,
) -> (Document, State, Outcome) {
    match partial(old_text, old, state, text, lines, opts) {
        Some((doc, state, parsed)) => (doc, state, Outcome::Partial { parsed }),
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

fn partial(
    old_text: &str,
    old: &Document,
    state: &State,
    text: &str,
    lines: &LineIndex,
    opts: &ParseOptions,
) -> Option<(Document, State, usize)> {
    if opts.text_runs
        || state.bases.len() != old.headings.len()
        || may_define(old_text)
        || may_define(text)
    {
        return None;
    }
    // The edit: `old_text[start..old_end]` became `text[start..new_end]`.
    let (o, n) = (old_text.as_bytes(), text.as_bytes());
    let start = o.iter().zip(n).take_while(|(a, b)| a == b).count();
    let room = o.len().min(n.len()) - start;
    let suffix = o
        .iter()
        .rev()
        .zip(n.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let old_end = o.len() - suffix;
    let delta = n.len() as isize - o.len() as isize;
    let moved = |at: usize| {
        at.checked_add_signed(delta)
            .expect("an offset after the edit")
    };

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
    let next = tops
        .iter()
        .copied()
        .find(|&h| old.headings[h].span.start >= old_end);
    // Old offsets from here on are the new ones moved by `delta`.
    let old_until = next.map_or(old_text.len(), |h| old.headings[h].span.start);
    let until = moved(old_until);
    // The parse includes the next heading's lines, to see that it is still
    // a top-level heading there.
    let parse_end = match next {
        Some(h) => {
            let end = moved(old.headings[h].span.end);
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
    let Builder {
        doc: part,
        list_items: part_items,
        bases: part_bases,
        ..
    } = b;
    let part_bases = part_bases.unwrap_or_default();

    // Splice: what starts before `from` stays, what starts at or after
    // `old_until` moves by `delta`, what is between is the new part.
    let after = |at: usize| at >= old_until;
    let shift = |s: Span| Span::new(moved(s.start), moved(s.end));
    let mut doc = Document {
        front_matter: old.front_matter,
        ..Document::default()
    };
    let mut bases = Vec::with_capacity(old.headings.len());
    macro_rules! splice {
        ($field:ident, $new:expr, $start:expr, $move:expr) => {{
            let old_items = &old.$field;
            let mut out = Vec::with_capacity(old_items.len() + $new.len());
            out.extend(old_items.iter().filter(|x| $start(x) < from).cloned());
            out.extend($new);
            out.extend(
                old_items
                    .iter()
                    .filter(|x| after($start(x)))
                    .map(|x| $move(x.clone())),
            );
            out
        }};
    }
    for (h, base) in old.headings.iter().zip(&state.bases) {
        if h.span.start < from {
            bases.push(base.clone());
        }
    }
    bases.extend(part_bases);
    for (h, base) in old.headings.iter().zip(&state.bases) {
        if after(h.span.start) {
            bases.push(base.clone());
        }
    }
    doc.headings = splice!(
        headings,
        part.headings,
        |h: &super::Heading| h.span.start,
        |mut h: super::Heading| {
            h.span = shift(h.span);
            h
        }
    );
    let move_link = |mut l: super::Link| {
        l.span = shift(l.span);
        l.dest_span = l.dest_span.map(shift);
        l.text_span = l.text_span.map(shift);
        l
    };
    doc.links = splice!(links, part.links, |l: &super::Link| l.span.start, move_link);
    doc.images = splice!(
        images,
        part.images,
        |l: &super::Link| l.span.start,
        move_link
    );
    doc.anchors = splice!(
        anchors,
        part.anchors,
        |a: &super::Anchor| a.span.start,
        |mut a: super::Anchor| {
            a.span = shift(a.span);
            a
        }
    );
    doc.comments = splice!(
        comments,
        part.comments,
        |c: &super::Comment| c.span.start,
        |mut c: super::Comment| {
            c.span = shift(c.span);
            c
        }
    );
    let move_code = |mut c: super::CodeBlock| {
        c.span = shift(c.span);
        c
    };
    doc.code_blocks = splice!(
        code_blocks,
        part.code_blocks,
        |c: &super::CodeBlock| c.span.start,
        move_code
    );
    doc.inline_code = splice!(
        inline_code,
        part.inline_code,
        |c: &super::CodeBlock| c.span.start,
        move_code
    );
    doc.shape = splice!(shape, part.shape, |s: &(usize, super::Shape)| s.0, |s: (
        usize,
        super::Shape
    )| (
        moved(s.0),
        s.1
    ));
    let mut prose = ProseList::default();
    for p in old.prose.iter().filter(|p| p.span.start < from) {
        prose.push(p.span, p.text);
    }
    for p in part.prose.iter() {
        prose.push(p.span, p.text);
    }
    for p in old.prose.iter().filter(|p| after(p.span.start)) {
        prose.push(shift(p.span), p.text);
    }
    doc.prose = prose;
    let old_items = &state.list_items;
    let mut list_items = Vec::with_capacity(old_items.len() + part_items.len());
    list_items.extend(old_items.iter().filter(|i| i.span.start < from).cloned());
    list_items.extend(part_items);
    list_items.extend(old_items.iter().filter(|i| after(i.span.start)).map(|i| {
        let mut i = i.clone();
        i.span = shift(i.span);
        i
    }));
    // Nothing of the old document may straddle the region's edges.
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
    // Ids are de-duplicated across the document: made again, in order.
    let mut slugger = dialect::DialectSlugger::new(opts.anchor_style);
    for (h, base) in doc.headings.iter_mut().zip(&bases) {
        h.id = slugger.claim(base.clone());
    }
    finish(&mut doc, text, lines, opts, &list_items);
    let parsed = parse_end - from;
    Some((doc, State { bases, list_items }, parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(old_text: &str, text: &str) -> Outcome {
        let opts = ParseOptions::default();
        let old_lines = LineIndex::new(old_text);
        let (old, state) = parse(old_text, &old_lines, &opts);
        let lines = LineIndex::new(text);
        let (doc, new_state, outcome) = reparse(old_text, &old, &state, text, &lines, &opts);
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
        assert_eq!(check(&before, &before.replace("Before", "After")), Outcome::Whole);
        let front = format!("---\ntitle: x\n---\n{DOC}");
        assert_eq!(check(&front, &front.replace("x\n", "y\n")), Outcome::Whole);
        // The first heading is not the preamble.
        assert!(matches!(check(DOC, &DOC.replace("Title", "Titles")), Outcome::Partial { .. }));
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
