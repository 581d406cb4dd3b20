//! `toc-drift`: the table of contents no longer matches the headings.

mod matching;
mod rewrite;

use crate::source::{HashMap, HashSet};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix, line_ending};
use crate::index::decode;
use crate::parse::case;
use crate::parse::toc::normalise_title;
use crate::parse::{Document, Heading, Toc, TocEntry, TocKind};
use crate::source::Span;

use self::matching::{EntryKey, HeadingKey};
use super::{Check, FileContext, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "toc-drift",
    summary: "The table of contents does not match the document's headings",
    severity: Severity::Error,
    default_on: true,
    scope: Scope::Document,
    fix: FixAvailability::SafeAndUnsafe,
    docs: r###"## What it does
Finds the document's table of contents — `<!-- TOC -->` … `<!-- /TOC -->` (options such as
`depthFrom:2 depthTo:3` or `toc.levels=2` may follow `TOC`), doctoc's `<!-- START doctoc -->`
… `<!-- END doctoc -->`, markdown-toc's `<!-- toc -->` … `<!-- tocstop -->` (or `<!-- /toc -->`),
or an unmarked list of `#` links directly under a heading such as "Table of Contents",
"Contents", "목차", "目次", "目录", "Índice", "Inhalt", "Содержание" (configurable with
`[toc] titles`) — and checks it against the headings it should list. The levels it covers are
the marker's options when given, else the levels of the headings its entries point to.
Headings marked `<!-- omit from toc -->` are left out.

Entries are matched to headings by exact id first, then by certain matches (a case-only
difference, an entry text equal to the heading text), then by position and similarity, so
that a renamed heading is recognised as the same entry. One finding per problem:

- an entry whose link resolves to no heading (error; not reported again as `broken-anchor`);
- an entry whose anchor is not its heading's id — a renamed or translated heading (error);
- a heading in range with no entry (warning);
- entries out of order, or nested at the wrong depth (warning);
- an entry pointing at a heading outside the TOC's levels, an omitted heading, or a heading
  that already has an entry (warning);
- an entry whose text differs from its heading's text (info only: in a translation the TOC
  is often translated ahead of the body).

## Why
The TOC is the first thing to drift when a heading is renamed or translated: its links stop
working, and readers lose the map of the document.

## Example
```markdown
## 목차
- [Getting started](#getting-started)   <!-- the heading is now "## 시작하기" -->

## 시작하기
```
is reported as a wrong anchor, `expected #시작하기`.

## Fix safety
Safe: `lockstep fix` rebuilds the TOC list in heading order — anchors repaired to the ids
of the headings the entries refer to, missing entries added (text = heading text, at the right
place and depth), entries whose heading is gone removed, order and nesting restored — while
keeping each existing entry's text, bullet character and indentation style. Only lists with
one entry per line are rebuilt; in other TOCs only anchors are repaired.
Unsafe (`--unsafe-fixes`): rewriting entry texts to the heading texts.
"###,
};

pub(super) const CHECK: Check = Check::File(check);

/// Everything the rule knows about one entry.
struct Entry<'a> {
    toc: &'a TocEntry,
    fragment: String,
    /// The span of the fragment after `#`, when the destination is located.
    fragment_span: Option<Span>,
    text: String,
}

pub(super) fn check(ctx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(&(span, wanted)) = ctx.doc.toc_unclosed.as_deref() {
        out.push(
            Diagnostic::new(
                RuleId::TocDrift,
                ctx.id,
                span,
                "this TOC start marker has no end marker after it; the TOC is not checked",
            )
            .with_help(format!("end the TOC with `{wanted}` after its last entry")),
        );
    }
    let Some(toc) = &ctx.doc.toc else { return };
    let doc = ctx.doc;
    let text = ctx.file.text.as_str();
    let titles: Vec<String> = ctx
        .settings
        .toc_titles
        .iter()
        .map(|t| normalise_title(t))
        .collect();
    let entries: Vec<Entry<'_>> = toc.entries.iter().map(|e| entry(text, doc, e)).collect();
    // The TOC's own heading is left out, unless the TOC lists it (then what
    // follows is often nested under it, as the headings are).
    let lists_title = toc.title.is_some_and(|t| {
        let h = &doc.headings[t];
        entries
            .iter()
            .any(|e| e.fragment == h.id || h.custom_id.as_deref() == Some(e.fragment.as_str()))
    });
    let candidates: Vec<usize> = (0..doc.headings.len())
        .filter(|&i| {
            let h = &doc.headings[i];
            if Some(i) == toc.title {
                return lists_title;
            }
            !toc.span.contains(h.span) && !titles.contains(&normalise_title(&h.text))
        })
        .collect();
    let keys: Vec<EntryKey> = entries
        .iter()
        .map(|e| EntryKey {
            fragment: e.fragment.clone(),
            text: e.text.clone(),
            depth: e.toc.depth,
        })
        .collect();

    // Levels: the markers' options, else those of the headings the entries
    // reach, else everything below a single document title.
    let levels = toc.levels.unwrap_or_else(|| {
        let all: Vec<HeadingKey<'_>> = candidates.iter().map(|&h| key(doc, h, 0)).collect();
        let reached: Vec<u8> = matching::pair_certain(&keys, &all)
            .into_iter()
            .flatten()
            .map(|k| doc.headings[candidates[k]].level)
            .collect();
        match (reached.iter().min(), reached.iter().max()) {
            (Some(&a), Some(&b)) => (a, b),
            _ if doc.headings.iter().filter(|h| h.level == 1).count() == 1
                && doc.headings.first().is_some_and(|h| h.level == 1) =>
            {
                (2, 6)
            }
            _ => (1, 6),
        }
    });
    let expected: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&h| {
            let h = &doc.headings[h];
            !h.omit_from_toc && (levels.0..=levels.1).contains(&h.level)
        })
        .collect();
    let depths = expected_depths(doc, &expected);
    let heading_keys: Vec<HeadingKey<'_>> = expected
        .iter()
        .zip(&depths)
        .map(|(&h, &d)| key(doc, h, d))
        .collect();
    let in_range: HashSet<&str> = heading_keys
        .iter()
        .flat_map(|h| h.ids.iter().copied())
        .collect();
    let anywhere: HashSet<&str> = doc.anchor_ids().collect();
    let elsewhere: Vec<bool> = keys
        .iter()
        .map(|k| {
            let f = k.fragment.as_str();
            !in_range.contains(f) && anywhere.contains(f)
        })
        .collect();
    let pairs = matching::pair(&keys, &heading_keys, &elsewhere);

    // A hand-written TOC may list some sections' subsections and not
    // others'. There, a heading without an entry is only missing when the
    // TOC lists its siblings (or it is at the top level).
    let (expected, heading_keys, pairs) = if toc.kind == TocKind::Titled {
        let keep = listed_families(doc, &expected, &pairs);
        let remap: Vec<Option<usize>> = keep
            .iter()
            .scan(0, |n, &k| {
                let r = k.then_some(*n);
                *n += usize::from(k);
                Some(r)
            })
            .collect();
        let expected: Vec<usize> = expected
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(h, _)| *h)
            .collect();
        let heading_keys: Vec<HeadingKey<'_>> = heading_keys
            .into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(h, _)| h)
            .collect();
        let pairs: Vec<Option<usize>> = pairs.iter().map(|p| p.and_then(|h| remap[h])).collect();
        (expected, heading_keys, pairs)
    } else {
        (expected, heading_keys, pairs)
    };
    let depths = expected_depths(doc, &expected);

    let mut findings = Findings::default();
    let mut entry_of: Vec<Option<usize>> = vec![None; expected.len()];
    for (e, p) in pairs.iter().enumerate() {
        if let Some(h) = *p {
            entry_of[h] = Some(e);
        }
    }
    // Entries that keep a non-heading anchor: the list is not ours to rebuild.
    let mut rebuildable = toc.plain_list.is_some();

    let lookup = Lookup::new(doc, &heading_keys);
    for (e, entry) in entries.iter().enumerate() {
        match pairs[e] {
            None => match unpaired(doc, &expected, &lookup, entry, levels) {
                Unpaired::NonHeadingAnchor => rebuildable = false,
                Unpaired::Finding(severity, message, help) => {
                    findings.structural.push(
                        Diagnostic::new(RuleId::TocDrift, ctx.id, entry.span(ctx), message)
                            .with_severity(severity)
                            .with_help(help),
                    );
                }
            },
            Some(h) => {
                let heading = &doc.headings[expected[h]];
                if !heading_keys[h].ids.contains(&entry.fragment.as_str()) {
                    let line = ctx.file.line_col(heading.span.start).line;
                    let case_only = case::to_lowercase(&entry.fragment) == case::to_lowercase(&heading.id);
                    let judged = if case_only {
                        super::case_only(
                            ctx.settings,
                            ctx.settings.anchor_style_for(&ctx.file.path),
                        )
                    } else {
                        None
                    };
                    let message = if case_only {
                        format!(
                            "TOC entry `#{}` differs from its heading's id only in letter case",
                            entry.fragment
                        )
                    } else {
                        format!(
                            "TOC entry `#{}` does not match its heading's id",
                            entry.fragment
                        )
                    };
                    let mut d = Diagnostic::new(RuleId::TocDrift, ctx.id, entry.span(ctx), message)
                        .with_help(format!(
                            "{}expected `#{}` (heading `{}` at line {line})",
                            judged.map_or(String::new(), |(_, why)| format!("{why}: ")),
                            heading.id,
                            heading.text.trim()
                        ));
                    if let Some((severity, _)) = judged {
                        d = d.with_severity(severity);
                    }
                    // `anchor-case = "ignore"`: a case-only entry is fine.
                    let accepted = case_only && judged.is_none();
                    if !accepted {
                        findings
                            .anchors
                            .push((d, entry.fragment_span, heading.id.clone()));
                    }
                }
                if depths[h] != entry.toc.depth {
                    findings.structural.push(
                        Diagnostic::new(
                            RuleId::TocDrift,
                            ctx.id,
                            entry.toc.line,
                            format!(
                                "TOC entry `{}` is nested {} deep, but its `{}` heading belongs {} deep",
                                entry.text,
                                depth_word(entry.toc.depth),
                                "#".repeat(heading.level as usize),
                                depth_word(depths[h])
                            ),
                        )
                        .with_severity(Severity::Warning),
                    );
                }
                if normalise_text(&heading.text) != entry.text
                    && let Some(ts) = doc.links[entry.toc.link].text_span()
                {
                    findings.texts.push(
                        Diagnostic::new(
                            RuleId::TocDrift,
                            ctx.id,
                            ts,
                            format!(
                                "TOC entry text `{}` differs from the heading text `{}`",
                                entry.text,
                                normalise_text(&heading.text)
                            ),
                        )
                        .with_severity(Severity::Info),
                    );
                }
            }
        }
    }
    // Entries out of order: those off the longest run of increasing headings.
    let in_order: HashSet<usize> = matching::increasing_pairs(&pairs).into_iter().collect();
    for (e, entry) in entries.iter().enumerate() {
        if let Some(h) = pairs[e]
            && !in_order.contains(&e)
        {
            let line = ctx.file.line_col(doc.headings[expected[h]].span.start).line;
            findings.structural.push(
                Diagnostic::new(
                    RuleId::TocDrift,
                    ctx.id,
                    entry.toc.line,
                    format!(
                        "TOC entry `{}` is out of order: its heading is at line {line}",
                        entry.text
                    ),
                )
                .with_severity(Severity::Warning),
            );
        }
    }
    // A marked block with content but no entries (an over-indented list
    // reads as code): rebuilding it replaces that content, so say so there.
    let inside = text.get(toc.span.range()).unwrap_or_default();
    if toc.entries.is_empty() && toc.kind != TocKind::Titled && !inside.trim().is_empty() {
        let lead = inside.len() - inside.trim_start().len();
        let content = Span::new(
            toc.span.start + lead,
            toc.span.start + inside.trim_end().len(),
        );
        findings.structural.push(
            Diagnostic::new(
                RuleId::TocDrift,
                ctx.id,
                content,
                format!("the {} holds no list of links", toc.kind.describe()),
            )
            .with_severity(Severity::Warning)
            .with_help(
                "a TOC is a list of `[text](#id)` links (a list indented by four spaces reads as code)",
            ),
        );
    }
    let toc_line = ctx.file.line_col(toc.span.start).line;
    for (h, &hi) in expected.iter().enumerate() {
        if entry_of[h].is_none() {
            let heading = &doc.headings[hi];
            findings.structural.push(
                Diagnostic::new(
                    RuleId::TocDrift,
                    ctx.id,
                    heading_line(ctx, heading),
                    format!(
                        "heading `{}` has no entry in the table of contents",
                        normalise_text(&heading.text)
                    ),
                )
                .with_severity(Severity::Warning)
                .with_help(format!(
                    "add `[{}](#{})` to the {} at line {toc_line}",
                    rewrite::link_text(heading),
                    heading.id,
                    toc.kind.describe()
                )),
            );
        }
    }

    let lines: Vec<rewrite::Line<'_>> = expected
        .iter()
        .enumerate()
        .map(|(h, &hi)| rewrite::Line {
            heading: &doc.headings[hi],
            ids: &heading_keys[h].ids,
            entry: entry_of[h].map(|e| &toc.entries[e]),
            depth: depths[h],
        })
        .collect();
    findings.emit(ctx, toc, &lines, rebuildable, out);
}

fn entry<'a>(text: &str, doc: &Document, e: &'a TocEntry) -> Entry<'a> {
    let link = &doc.links[e.link];
    let raw = link.dest(text).split_once('#').map_or("", |(_, f)| f);
    let decoded = decode(raw);
    let fragment = decoded
        .strip_prefix("user-content-")
        .unwrap_or(&decoded)
        .to_string();
    let fragment_span = link.dest_span().and_then(|d| {
        text[d.range()]
            .find('#')
            .map(|i| Span::new(d.start + i + 1, d.end))
    });
    Entry {
        toc: e,
        fragment,
        fragment_span,
        text: normalise_text(link.text(text)),
    }
}

impl Entry<'_> {
    /// `#fragment` when located, else the whole line.
    fn span(&self, _ctx: &FileContext<'_>) -> Span {
        self.fragment_span
            .map(|s| Span::new(s.start - 1, s.end))
            .unwrap_or(self.toc.line)
    }
}

/// Every id that reaches heading `h`: its GitHub id, a custom id, and HTML
/// anchors inside it or directly before it.
fn key(doc: &Document, h: usize, depth: usize) -> HeadingKey<'_> {
    let heading = &doc.headings[h];
    let mut ids = vec![heading.id.as_str()];
    ids.extend(heading.custom_id.as_deref());
    let before = h.checked_sub(1).map_or(0, |p| doc.headings[p].span.end);
    ids.extend(
        doc.anchors
            .iter()
            .filter(|a| {
                heading.span.contains(a.span)
                    || (a.span.start >= before && a.span.end <= heading.span.start)
            })
            .map(|a| a.id.as_str()),
    );
    HeadingKey {
        ids,
        text: normalise_text(&heading.text),
        depth,
    }
}

fn normalise_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Which expected headings a hand-written TOC is meant to list: the paired
/// ones, the top level, and headings whose siblings (same parent heading)
/// have entries.
fn listed_families(doc: &Document, expected: &[usize], pairs: &[Option<usize>]) -> Vec<bool> {
    let min = expected
        .iter()
        .map(|&h| doc.headings[h].level)
        .min()
        .unwrap_or(1);
    // The nearest earlier heading of a lower level, for every heading.
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(doc.headings.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, h) in doc.headings.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&p| doc.headings[p].level >= h.level)
        {
            stack.pop();
        }
        parents.push(stack.last().copied());
        stack.push(i);
    }
    let mut paired = vec![false; expected.len()];
    for h in pairs.iter().flatten() {
        paired[*h] = true;
    }
    let listed_parents: HashSet<Option<usize>> = expected
        .iter()
        .zip(&paired)
        .filter(|(_, p)| **p)
        .map(|(&h, _)| parents[h])
        .collect();
    expected
        .iter()
        .zip(&paired)
        .map(|(&h, &p)| p || doc.headings[h].level == min || listed_parents.contains(&parents[h]))
        .collect()
}

/// The depth each expected heading belongs at: its level below the
/// shallowest level, never more than one deeper than the heading before it.
fn expected_depths(doc: &Document, expected: &[usize]) -> Vec<usize> {
    let min = expected
        .iter()
        .map(|&h| doc.headings[h].level)
        .min()
        .unwrap_or(1);
    let mut out = Vec::with_capacity(expected.len());
    let mut prev: Option<usize> = None;
    for &h in expected {
        let mut d = (doc.headings[h].level - min) as usize;
        d = d.min(prev.map_or(0, |p| p + 1));
        out.push(d);
        prev = Some(d);
    }
    out
}

fn depth_word(depth: usize) -> String {
    match depth {
        0 => "0 levels".into(),
        1 => "1 level".into(),
        n => format!("{n} levels"),
    }
}

/// The heading's first line, for findings about it.
fn heading_line(ctx: &FileContext<'_>, heading: &Heading) -> Span {
    let line = ctx.file.line_col(heading.span.start).line;
    let s = ctx.file.lines.line_span(&ctx.file.text, line);
    Span::new(heading.span.start, s.end.max(heading.span.start))
}

enum Unpaired {
    /// The entry reaches an HTML anchor that is not a heading's: leave it be.
    NonHeadingAnchor,
    Finding(Severity, String, String),
}

/// Where an unpaired entry's fragment leads, looked up without scanning.
struct Lookup<'a> {
    /// Id → the first expected heading (index into the heading keys) it reaches.
    expected: HashMap<&'a str, usize>,
    /// Id or custom id → the first heading of the document with it.
    headings: HashMap<&'a str, usize>,
    anchors: HashSet<&'a str>,
}

impl<'a> Lookup<'a> {
    fn new(doc: &'a Document, heading_keys: &[HeadingKey<'a>]) -> Self {
        let mut expected = HashMap::default();
        for (h, k) in heading_keys.iter().enumerate() {
            for id in &k.ids {
                expected.entry(*id).or_insert(h);
            }
        }
        let mut headings = HashMap::default();
        for (i, h) in doc.headings.iter().enumerate() {
            headings.entry(h.id.as_str()).or_insert(i);
            if let Some(c) = &h.custom_id {
                headings.entry(c.as_str()).or_insert(i);
            }
        }
        let anchors = doc.anchors.iter().map(|a| a.id.as_str()).collect();
        Self {
            expected,
            headings,
            anchors,
        }
    }
}

fn unpaired(
    doc: &Document,
    expected: &[usize],
    lookup: &Lookup<'_>,
    entry: &Entry<'_>,
    levels: (u8, u8),
) -> Unpaired {
    let frag = entry.fragment.as_str();
    // Its heading is in the TOC but already has an entry.
    if let Some(&h) = lookup.expected.get(frag) {
        let heading = &doc.headings[expected[h]];
        return Unpaired::Finding(
            Severity::Warning,
            format!(
                "TOC entry `#{frag}` repeats the entry for heading `{}`",
                heading.text.trim()
            ),
            "remove the duplicate".into(),
        );
    }
    if let Some(heading) = lookup.headings.get(frag).map(|&i| &doc.headings[i]) {
        let why = if heading.omit_from_toc {
            "a heading marked `<!-- omit from toc -->`".to_string()
        } else {
            format!(
                "a level-{} heading, outside the levels {}–{} the TOC covers",
                heading.level, levels.0, levels.1
            )
        };
        return Unpaired::Finding(
            Severity::Warning,
            format!("TOC entry `#{frag}` points to {why}"),
            "remove the entry".into(),
        );
    }
    if lookup.anchors.contains(frag)
        || frag.is_empty()
        || frag.eq_ignore_ascii_case("top")
    {
        return Unpaired::NonHeadingAnchor;
    }
    Unpaired::Finding(
        Severity::Error,
        format!("TOC entry `#{frag}` points to no heading"),
        "no heading has this id any more: remove the entry, or point it at the heading it meant"
            .into(),
    )
}

/// Findings of one TOC, before fixes are attached.
#[derive(Default)]
struct Findings {
    /// Wrong anchors, with the fragment span and the right id.
    anchors: Vec<(Diagnostic, Option<Span>, String)>,
    /// Missing, extra, unresolvable, out-of-order and mis-nested entries.
    structural: Vec<Diagnostic>,
    /// Entry texts that differ from their headings (info).
    texts: Vec<Diagnostic>,
}

impl Findings {
    fn emit(
        self,
        ctx: &FileContext<'_>,
        toc: &Toc,
        lines: &[rewrite::Line<'_>],
        rebuildable: bool,
        out: &mut Vec<Diagnostic>,
    ) {
        let text = ctx.file.text.as_str();
        let eol = line_ending(text);
        let rebuild = |rewrite_texts: bool| -> Option<Fix> {
            if !rebuildable {
                if toc.entries.is_empty()
                    && toc.kind != crate::parse::TocKind::Titled
                    && !lines.is_empty()
                {
                    let list =
                        rewrite::rebuild(text, ctx.doc, &toc.entries, lines, rewrite_texts, eol);
                    return Some(Fix::safe(vec![Edit::replace(
                        toc.span,
                        format!("{eol}{eol}{list}{eol}{eol}"),
                    )]));
                }
                return None;
            }
            let span = toc.plain_list?;
            let list = rewrite::rebuild(text, ctx.doc, &toc.entries, lines, rewrite_texts, eol);
            let edit = rewrite::line_edits(text, span, &list);
            let fix = if rewrite_texts {
                Fix::unsafe_(edit)
            } else {
                Fix::safe(edit)
            };
            (!fix.is_noop(text)).then_some(fix)
        };
        // No finding, nothing to attach a fix to (rebuilding a long TOC
        // costs as much as checking it).
        if self.anchors.is_empty() && self.structural.is_empty() && self.texts.is_empty() {
            return;
        }
        let safe = rebuild(false).map(Arc::new);
        for (d, frag_span, id) in self.anchors {
            let d = match (&safe, frag_span) {
                (Some(f), _) => d.with_shared_fix(f.clone()),
                (None, Some(s)) => d.with_fix(Fix::safe(vec![Edit::replace(s, id)])),
                (None, None) => d,
            };
            out.push(d);
        }
        for d in self.structural {
            out.push(match &safe {
                Some(f) => d.with_shared_fix(f.clone()),
                None => d,
            });
        }
        if !self.texts.is_empty() {
            let unsafe_ = rebuild(true).map(Arc::new);
            for d in self.texts {
                out.push(match &unsafe_ {
                    Some(f) => d.with_shared_fix(f.clone()),
                    None => d,
                });
            }
        }
    }
}
