//! Rebuilding a plain TOC list: the headings in order, each with its entry.
//!
//! Existing entries keep their line — text, bullet, spacing — with only the
//! anchor (and, for an unsafe fix, the text) replaced and the indentation
//! adjusted when the depth is wrong. New entries copy the list's style: the
//! bullet of their neighbours and the indentation unit of the list.

use crate::fix::Edit;
use crate::index::decode;
use crate::parse::{Document, Heading, TocEntry};
use crate::source::Span;

/// One line of the rebuilt list.
pub(super) struct Line<'a> {
    pub heading: &'a Heading,
    /// Every id that reaches the heading (its GitHub id, a custom id, HTML
    /// anchors in or before it): an entry pointing at any of them works and
    /// keeps its fragment.
    pub ids: &'a [&'a str],
    pub entry: Option<&'a TocEntry>,
    pub depth: usize,
}

/// The list's indentation unit: the smallest indentation per depth level
/// seen in the list, or two spaces (three for ordered lists).
fn indent_unit(text: &str, entries: &[TocEntry]) -> String {
    let mut best: Option<String> = None;
    for e in entries.iter().filter(|e| e.depth > 0) {
        let line = &text[e.line.range()];
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        let base = entries
            .iter()
            .filter(|p| p.depth == 0)
            .map(|p| leading(&text[p.line.range()]).len())
            .min()
            .unwrap_or(0);
        let own = indent.get(base..).unwrap_or("");
        if own.is_empty() || own.len() % e.depth != 0 {
            continue;
        }
        let unit = &own[..own.len() / e.depth];
        if best.as_ref().is_none_or(|b| unit.len() < b.len()) {
            best = Some(unit.to_string());
        }
    }
    best.unwrap_or_else(|| {
        let ordered = entries
            .first()
            .is_some_and(|e| matches!(e.marker, b'.' | b')'));
        if ordered { "   " } else { "  " }.to_string()
    })
}

fn leading(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Link text for a heading: its rendered text on one line, with Markdown's
/// link-breaking characters escaped.
pub(super) fn link_text(heading: &Heading) -> String {
    let mut out = String::with_capacity(heading.text.len());
    for c in heading.text.trim().chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '[' | ']' | '\\' | '*' | '_' | '`' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The rebuilt list (without a final line ending), for the lines in order.
///
/// Entries whose depth is right keep their indentation; the others (and
/// new entries) are indented for their depth — first from the list's
/// base indentation, then, if that does not nest as planned, relative to
/// the entry above them. Only if neither works (an odd indentation elsewhere
/// reads as a parent) is every line indented canonically.
pub(super) fn rebuild(
    text: &str,
    doc: &Document,
    entries: &[TocEntry],
    lines: &[Line<'_>],
    rewrite_texts: bool,
    eol: &str,
) -> String {
    for mode in [Indent::FromBase, Indent::FromParent] {
        let list = rebuild_with(text, doc, entries, lines, rewrite_texts, eol, mode);
        if nests_as_planned(&list, lines) {
            return list;
        }
    }
    rebuild_with(text, doc, entries, lines, rewrite_texts, eol, Indent::Canonical)
}

/// How lines whose depth changes are indented.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Indent {
    /// The list's base indentation plus a unit per level.
    FromBase,
    /// The indentation of the entry they nest under, plus a unit.
    FromParent,
    /// Every line, from the base (existing lines too).
    Canonical,
}

/// Whether `list` parses into entries at the planned depths.
fn nests_as_planned(list: &str, lines: &[Line<'_>]) -> bool {
    let probe = format!("<!-- TOC -->\n{list}\n<!-- /TOC -->\n");
    let doc = crate::parse::parse(&probe);
    let Some(toc) = doc.toc else {
        return lines.is_empty();
    };
    toc.entries.len() == lines.len()
        && toc
            .entries
            .iter()
            .zip(lines)
            .all(|(e, l)| e.depth == l.depth)
}

fn rebuild_with(
    text: &str,
    doc: &Document,
    entries: &[TocEntry],
    lines: &[Line<'_>],
    rewrite_texts: bool,
    eol: &str,
    mode: Indent,
) -> String {
    let canonical = mode == Indent::Canonical;
    let unit = indent_unit(text, entries);
    // The shallowest indentation of a top-level entry.
    let base = entries
        .iter()
        .filter(|e| e.depth == 0)
        .map(|e| leading(&text[e.line.range()]))
        .min_by_key(|l| l.len())
        .unwrap_or_default()
        .to_string();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    // The indentation of the latest line at each depth.
    let mut at_depth: Vec<String> = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        let indent = match (mode, line.depth) {
            // A new top-level entry takes the indentation of the next
            // existing one below it (it goes before that one).
            (Indent::FromParent, 0) if line.entry.is_none() => lines[k + 1..]
                .iter()
                .find(|l| l.depth == 0 && l.entry.is_some_and(|e| e.depth == 0))
                .and_then(|l| l.entry)
                .map(|e| leading(&text[e.line.range()]).to_string())
                .or_else(|| at_depth.first().cloned())
                .unwrap_or_else(|| base.clone()),
            (Indent::FromParent, 0) => at_depth.first().cloned().unwrap_or_else(|| base.clone()),
            (Indent::FromParent, d) => match at_depth.get(d - 1) {
                Some(parent) => format!("{parent}{unit}"),
                None => format!("{base}{}", unit.repeat(d)),
            },
            _ => format!("{base}{}", unit.repeat(line.depth)),
        };
        let rendered = match line.entry {
            Some(e) => reuse(text, doc, e, line, &indent, rewrite_texts, canonical),
            None => {
                let marker = new_marker(entries, lines, k);
                format!(
                    "{indent}{marker} [{}](#{})",
                    link_text(line.heading),
                    line.heading.id
                )
            }
        };
        at_depth.truncate(line.depth);
        at_depth.push(leading(&rendered).to_string());
        out.push(rendered);
    }
    out.join(eol)
}

/// An existing entry's line with its anchor (and text) replaced and its
/// indentation set for its depth.
fn reuse(
    text: &str,
    doc: &Document,
    e: &TocEntry,
    line: &Line<'_>,
    indent: &str,
    rewrite_texts: bool,
    canonical: bool,
) -> String {
    let link = &doc.links[e.link];
    let mut edits: Vec<(Span, String)> = Vec::new();
    if let Some(dest) = link.dest_span() {
        let src = &text[dest.range()];
        if let Some(hash) = src.find('#') {
            let frag = Span::new(dest.start + hash + 1, dest.end);
            // A fragment that works stays — as parsed: entities and escapes
            // resolved, percent-decoded.
            let parsed = link.dest(text).split_once('#').map_or("", |(_, f)| f);
            let decoded = decode(parsed);
            let decoded = decoded.strip_prefix("user-content-").unwrap_or(&decoded);
            if !line.ids.contains(&decoded) {
                edits.push((frag, line.heading.id.clone()));
            }
        }
    }
    if rewrite_texts && let Some(ts) = link.text_span() {
        let wanted = link_text(line.heading);
        if text[ts.range()] != wanted {
            edits.push((ts, wanted));
        }
    }
    edits.sort_by_key(|(s, _)| s.start);
    let mut body = String::new();
    let mut at = e.line.start;
    for (span, replacement) in edits {
        if span.start < at || span.end > e.line.end {
            continue;
        }
        body.push_str(&text[at..span.start]);
        body.push_str(&replacement);
        at = span.end;
    }
    body.push_str(&text[at..e.line.end]);
    if e.depth == line.depth && !canonical {
        body
    } else {
        format!("{indent}{}", body.trim_start_matches([' ', '\t']))
    }
}

/// The edits that turn the list at `span` into `list`: only the lines that
/// differ are replaced (a fix never rewrites a line it does not change).
pub(super) fn line_edits(text: &str, span: Span, list: &str) -> Vec<Edit> {
    let old = &text[span.range()];
    let old_lines = lines_inclusive(old);
    let new_lines = lines_inclusive(list);
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines);
    let mut starts = Vec::with_capacity(old_lines.len() + 1);
    let mut at = span.start;
    for l in &old_lines {
        starts.push(at);
        at += l.len();
    }
    starts.push(at);
    let mut edits = Vec::new();
    for op in &ops {
        let (o, n) = (op.old_range(), op.new_range());
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        let replacement: String = new_lines[n].concat();
        edits.push(Edit::replace(
            Span::new(starts[o.start], starts[o.end]),
            replacement,
        ));
    }
    edits
}

/// The lines of `s` with their endings (LF, CRLF or a lone CR).
fn lines_inclusive(s: &str) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = match bytes[i] {
            b'\n' => i + 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push(&s[start..end]);
        start = end;
        i = end;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// The marker for a new entry: the one used by the nearest earlier entry at
/// the same depth, else any entry at that depth, else the first entry's.
fn new_marker(entries: &[TocEntry], lines: &[Line<'_>], k: usize) -> String {
    let depth = lines[k].depth;
    let marker = lines[..k]
        .iter()
        .rev()
        .filter(|l| l.depth == depth)
        .find_map(|l| l.entry.map(|e| e.marker))
        .or_else(|| entries.iter().find(|e| e.depth == depth).map(|e| e.marker))
        .or_else(|| entries.first().map(|e| e.marker))
        .unwrap_or(b'-');
    match marker {
        b'.' | b')' => format!("1{}", marker as char),
        m => (m as char).to_string(),
    }
}
