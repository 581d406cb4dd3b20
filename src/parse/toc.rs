//! Table-of-contents blocks: which part of a document is its TOC.
//!
//! Recognises the conventions in real use — `<!-- TOC … -->`/`<!-- /TOC -->`,
//! doctoc's `<!-- START doctoc -->`/`<!-- END doctoc -->`, `<!-- toc -->` with
//! `<!-- tocstop -->` or `<!-- /toc -->`, and an unmarked list of `#` links
//! directly under a heading titled like "Table of Contents" — and hands on the
//! block's span, its options and its entries (links to `#fragment`s with their
//! list depth). Judging the entries against the headings is the `toc-drift`
//! rule's job.

use crate::source::{LineIndex, Span};

use super::{Document, LinkKind, ListItem};

/// Heading titles that introduce an unmarked TOC (compared case-insensitively,
/// ignoring trailing colons).
pub const DEFAULT_TITLES: &[&str] = &[
    "table of contents",
    "contents",
    "toc",
    "목차",
    "目次",
    "目录",
    "目錄",
    "índice",
    "indice",
    "inhalt",
    "inhaltsverzeichnis",
    "содержание",
    "table des matières",
    "sommaire",
    "contenido",
    "conteúdo",
    "sumário",
    "indice dei contenuti",
    "spis treści",
    "inhoud",
    "inhoudsopgave",
    "mục lục",
    "içindekiler",
    "зміст",
    "فهرست",
    "المحتويات",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TocKind {
    /// `<!-- TOC -->` … `<!-- /TOC -->` (Markdown TOC editor extensions).
    Toc,
    /// `<!-- START doctoc -->` … `<!-- END doctoc -->`.
    Doctoc,
    /// `<!-- toc -->` … `<!-- tocstop -->` or `<!-- /toc -->` (markdown-toc).
    MarkdownToc,
    /// A list of `#` links directly under a "Table of Contents" heading.
    Titled,
}

impl TocKind {
    pub fn describe(self) -> &'static str {
        match self {
            TocKind::Toc => "<!-- TOC --> block",
            TocKind::Doctoc => "doctoc block",
            TocKind::MarkdownToc => "<!-- toc --> block",
            TocKind::Titled => "table of contents",
        }
    }
}

/// One entry of a TOC: a link to a `#fragment` inside a list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// Index into [`Document::links`].
    pub link: usize,
    /// List nesting depth relative to the TOC's outermost list (0 = top).
    pub depth: usize,
    /// The line holding the link, without its line ending.
    pub line: Span,
    /// The item's list marker: `-`, `*`, `+`, or `.`/`)` for ordered lists.
    pub marker: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toc {
    pub kind: TocKind,
    /// The region that holds the entries (between the markers, or the list).
    pub span: Span,
    /// Heading levels covered, when the markers say so (`depthFrom:2 depthTo:3`,
    /// `toc.levels=2..3`, `maxdepth`).
    pub levels: Option<(u8, u8)>,
    /// For a titled TOC: the index of its title heading.
    pub title: Option<usize>,
    pub entries: Vec<TocEntry>,
    /// The lines of the entries, from the first entry's line start to the
    /// last entry's line end (without its line ending) — when the list is
    /// plain: one entry per line, every line an entry, nothing else between.
    /// `None` for lists lockstep will not rewrite as a whole.
    pub plain_list: Option<Span>,
}

fn start_marker(text: &str) -> Option<(TocKind, &str)> {
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("start doctoc") {
        return Some((TocKind::Doctoc, ""));
    }
    if lower == "toc" {
        // `<!-- toc -->` is markdown-toc's; `<!-- TOC -->` the editors'.
        let kind = if text == "toc" {
            TocKind::MarkdownToc
        } else {
            TocKind::Toc
        };
        return Some((kind, ""));
    }
    if lower.starts_with("toc ") || lower.starts_with("toc\t") {
        return Some((TocKind::Toc, text[3..].trim()));
    }
    None
}

fn is_end_marker(kind: TocKind, text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    match kind {
        TocKind::Doctoc => lower.starts_with("end doctoc"),
        TocKind::Toc | TocKind::MarkdownToc => {
            lower == "/toc" || lower == "tocstop" || lower == "toc stop"
        }
        TocKind::Titled => false,
    }
}

/// Parses the level options that follow a `TOC` marker.
pub fn parse_levels(options: &str) -> Option<(u8, u8)> {
    let mut from: Option<u8> = None;
    let mut to: Option<u8> = None;
    for word in options.split_whitespace() {
        let (key, value) = word
            .split_once([':', '='])
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim_matches(['"', '\''])))?;
        match key.as_str() {
            "depthfrom" => from = value.parse().ok(),
            "depthto" | "maxdepth" | "maxlevel" => to = value.parse().ok(),
            "toc.levels" | "levels" => {
                let (a, b) = match value.split_once("..") {
                    Some((a, b)) => (a.parse().ok(), b.parse().ok()),
                    None => (value.parse().ok(), None),
                };
                from = a;
                to = b;
            }
            _ => {}
        }
    }
    if from.is_none() && to.is_none() {
        return None;
    }
    let from = from.unwrap_or(1).clamp(1, 6);
    let to = to.unwrap_or(6).clamp(from, 6);
    Some((from, to))
}

/// Finds the document's TOC, if any. Markers win over a titled list.
/// `titles` are normalised ([`normalise_title`]).
pub(super) fn find(
    text: &str,
    lines: &LineIndex,
    doc: &Document,
    items: &[ListItem],
    titles: &[String],
) -> Option<Toc> {
    let mut toc = find_marked(text, lines, doc, items)
        .or_else(|| find_titled(text, lines, doc, items, titles))?;
    toc.plain_list = plain_list(text, lines, &toc.entries);
    Some(toc)
}

fn find_marked(text: &str, lines: &LineIndex, doc: &Document, items: &[ListItem]) -> Option<Toc> {
    let mut iter = doc.comments.iter();
    while let Some(c) = iter.next() {
        let Some((kind, options)) = start_marker(&c.text) else {
            continue;
        };
        let end = iter.clone().find(|e| is_end_marker(kind, &e.text))?;
        let span = Span::new(c.span.end, end.span.start);
        return Some(Toc {
            kind,
            span,
            levels: parse_levels(options),
            title: None,
            entries: entries_in(text, lines, doc, items, span),
            plain_list: None,
        });
    }
    None
}

/// A TOC start marker with no end marker after it (an end marker before
/// it, or none at all), with what end marker it wants.
pub(super) fn unclosed(doc: &Document) -> Option<(Span, &'static str)> {
    let mut iter = doc.comments.iter();
    while let Some(c) = iter.next() {
        let Some((kind, _)) = start_marker(&c.text) else {
            continue;
        };
        if !iter.clone().any(|e| is_end_marker(kind, &e.text)) {
            let wanted = match kind {
                TocKind::Doctoc => "<!-- END doctoc -->",
                TocKind::MarkdownToc => "<!-- tocstop -->",
                _ => "<!-- /TOC -->",
            };
            return Some((c.span, wanted));
        }
        return None;
    }
    None
}

/// Trimmed, lowercased, without a trailing colon.
pub fn normalise_title(t: &str) -> String {
    super::case::to_lowercase(t.trim().trim_end_matches([':', '：']).trim())
}

fn find_titled(
    text: &str,
    lines: &LineIndex,
    doc: &Document,
    items: &[ListItem],
    titles: &[String],
) -> Option<Toc> {
    if items.is_empty() {
        return None;
    }
    let longest = titles.iter().map(String::len).max().unwrap_or(0);
    let (hi, heading) = doc.headings.iter().enumerate().find(|(_, h)| {
        // Titles are short: skip long headings without normalising them.
        h.text.len() <= longest + 8 && titles.contains(&normalise_title(&h.text))
    })?;
    // The TOC is the title's section: up to the next heading of its level or
    // higher. It may be split by sub-headings ("### The Study Plan") whose
    // sections are mostly lists of `#` links; the first sub-heading whose
    // section is not (prose, a list of features) is a section of the
    // document, and ends the TOC. It must start with a list or such a
    // sub-heading, not with prose.
    let section_end = doc.headings[hi + 1..]
        .iter()
        .find(|h| h.level <= heading.level)
        .map_or(text.len(), |h| h.span.start);
    let subs: Vec<Span> = doc.headings[hi + 1..]
        .iter()
        .take_while(|h| h.span.start < section_end)
        .map(|h| h.span)
        .collect();
    let end = subs
        .iter()
        .enumerate()
        .find(|&(k, sub)| {
            let next = subs.get(k + 1).map_or(section_end, |h| h.start);
            !mostly_link_list(text, doc, items, Span::new(sub.end, next))
        })
        .map_or(section_end, |(_, sub)| sub.start);
    let first_item = items
        .iter()
        .find(|i| i.depth == 0 && i.span.start >= heading.span.end)?;
    let first_block = subs
        .first()
        .filter(|s| s.start < end)
        .map_or(first_item.span.start, |s| {
            s.start.min(first_item.span.start)
        });
    if first_item.span.start >= end || !text[heading.span.end..first_block].trim().is_empty() {
        return None;
    }
    let span = Span::new(first_block, end);
    let entries = entries_in(text, lines, doc, items, span);
    if entries.is_empty() {
        return None;
    }
    Some(Toc {
        kind: TocKind::Titled,
        span,
        levels: None,
        title: Some(hi),
        entries,
        plain_list: None,
    })
}

/// Whether `span` reads as part of a TOC: at least half of its list items
/// (and at least one) hold a `#` link.
fn mostly_link_list(text: &str, doc: &Document, items: &[ListItem], span: Span) -> bool {
    let links: Vec<Span> = doc
        .links
        .iter()
        .filter(|l| span.contains(l.span) && l.dest(text).starts_with('#'))
        .map(|l| l.span)
        .collect();
    let inside: Vec<&ListItem> = items.iter().filter(|i| span.contains(i.span)).collect();
    let linked = inside
        .iter()
        .filter(|i| links.iter().any(|l| i.span.contains(*l)))
        .count();
    linked > 0 && 2 * linked >= inside.len()
}

/// The `#` links inside list items within `span`, with their depth.
fn entries_in(
    text: &str,
    lines: &LineIndex,
    doc: &Document,
    items: &[ListItem],
    span: Span,
) -> Vec<TocEntry> {
    // Items come in document order (parents before children), links too:
    // one sweep keeps the stack of items that contain the current link.
    let items: Vec<&ListItem> = items.iter().filter(|i| span.contains(i.span)).collect();
    let base = items.iter().map(|i| i.depth).min().unwrap_or(0);
    let mut out = Vec::new();
    let mut next = 0;
    let mut open: Vec<&ListItem> = Vec::new();
    for (i, l) in doc.links.iter().enumerate() {
        if !span.contains(l.span) || l.kind == LinkKind::Html || !l.dest(text).starts_with('#') {
            continue;
        }
        while next < items.len() && items[next].span.start <= l.span.start {
            open.push(items[next]);
            next += 1;
        }
        open.retain(|it| it.span.contains(l.span));
        // The innermost item that holds the link.
        if let Some(item) = open.iter().max_by_key(|it| it.depth) {
            out.push(TocEntry {
                link: i,
                depth: item.depth - base,
                line: lines.line_span(text, lines.line_of(l.span.start) + 1),
                marker: item.marker,
            });
        }
    }
    out
}

/// The span of the entry lines when the list is plain: every line from the
/// first entry to the last holds exactly one entry, whose list item starts
/// that line (after indentation) and whose link ends on it.
fn plain_list(text: &str, lines: &LineIndex, entries: &[TocEntry]) -> Option<Span> {
    let first = entries.first()?;
    let last = entries.last()?;
    let first_line = lines.line_of(first.line.start);
    let last_line = lines.line_of(last.line.start);
    if last_line + 1 - first_line != entries.len() {
        return None;
    }
    for (k, e) in entries.iter().enumerate() {
        if lines.line_of(e.line.start) != first_line + k {
            return None;
        }
        let line = &text[e.line.range()];
        let body = line.trim_start_matches([' ', '\t']);
        let marker_ok = match e.marker {
            b'-' | b'*' | b'+' => body.as_bytes().first() == Some(&e.marker),
            _ => body.starts_with(|c: char| c.is_ascii_digit()),
        };
        if !marker_ok {
            return None;
        }
    }
    Some(Span::new(first.line.start, last.line.end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn levels() {
        assert_eq!(parse_levels("depthFrom:2 depthTo:3"), Some((2, 3)));
        assert_eq!(parse_levels("toc.levels=2"), Some((2, 6)));
        assert_eq!(parse_levels("toc.levels=2..3"), Some((2, 3)));
        assert_eq!(parse_levels("withLinks:true"), None);
    }

    #[test]
    fn marked_and_titled() {
        let text = "# T\n\n<!-- TOC depthFrom:2 -->\n\n- [A](#a)\n  - [B](#b)\n\n<!-- /TOC -->\n\n## A\n\n### B\n";
        let doc = parse(text);
        let toc = doc.toc.as_ref().unwrap();
        assert_eq!(toc.kind, TocKind::Toc);
        assert_eq!(toc.levels, Some((2, 6)));
        let depths: Vec<_> = toc.entries.iter().map(|e| e.depth).collect();
        assert_eq!(depths, [0, 1]);

        let text = "# 목차\n\n- [A](#a)\n- [B](#b)\n\nText [c](#c)\n\n## A\n";
        let doc = parse(text);
        let toc = doc.toc.as_ref().unwrap();
        assert_eq!(toc.kind, TocKind::Titled);
        assert_eq!(toc.entries.len(), 2);
    }
}
