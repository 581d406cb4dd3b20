//! Staleness: translated sections whose source changed since they were
//! synced. Pure: git is read before, at the edge (`history`), and handed in.
//!
//! The sync point of a translated section is the newest commit that changed
//! any of its lines (or deleted lines inside it), or a
//! `<!-- lockstep-synced: <commit> -->` marker — in the section, or before
//! the first heading for the whole file — when that is newer. Lines edited
//! in the working tree count as synced now. A section is stale when its
//! aligned source section changed after the sync point: the source file as
//! it was then is aligned with the source file now, and the counterpart
//! compared with the section now, ignoring whitespace-only changes. The
//! result carries the unified diff a translator needs.
//!
//! The steps, run by `app` (which runs them in parallel and fetches the old
//! sources from git between them): [`candidates`] per comparison →
//! [`requests`] → (git) → [`OldSource::new`] per old version → [`info`]
//! per candidate.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::align;
use crate::diagnostic::StaleInfo;
use crate::history::{History, WORKTREE};
use crate::parse::{self, Document};
use crate::source::{FileId, LineIndex, SourceFile, Span};
use crate::translation::Compared;
use crate::workspace::Workspace;

/// Per comparison, per source section: why its counterpart is stale.
pub type Staleness = Vec<Vec<Option<Arc<StaleInfo>>>>;

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"lockstep-synced:\s*([0-9A-Fa-f]{7,40})").expect("static regex"));

/// A sync point in front matter, in the conventions projects already use:
/// `lockstep-synced:`, OpenTelemetry's `default_lang_commit:` and MDN's
/// `sourceCommit:` (under `l10n:`).
static FRONT_MATTER_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^[ \t]*(?:lockstep-synced|default_lang_commit|sourceCommit)[ \t]*:[ \t]*["']?([0-9A-Fa-f]{7,40})["']?[ \t]*\r?$"#,
    )
    .expect("static regex")
});

/// The commit a front matter names as its sync point, with its byte range
/// in `front_matter`.
pub fn front_matter_commit(front_matter: &str) -> Option<(std::ops::Range<usize>, &str)> {
    let m = FRONT_MATTER_MARKER.captures(front_matter)?.get(1)?;
    Some((m.range(), m.as_str()))
}

/// Sync markers naming a commit the history does not have (unknown, or
/// too short to be unambiguous): where they are and the commit they name.
///
/// Also a marker naming a commit older than the source file `source`
/// (relative to the root): it cannot be what the translation was made
/// from; the commit that added the source comes with it.
pub fn unknown_markers(
    file: &SourceFile,
    doc: &Document,
    history: &History,
    source: &str,
) -> Vec<(Span, String, Option<crate::diagnostic::Revision>)> {
    let added = history.added(source);
    let check = |id: &str| -> Option<Option<crate::diagnostic::Revision>> {
        match history.resolve(id) {
            None => Some(None),
            Some(c) if added.is_some_and(|a| c < a) => {
                Some(added.and_then(|a| history.commit(a).cloned()))
            }
            Some(_) => None,
        }
    };
    let mut out = Vec::new();
    if let Some(fm) = doc.front_matter
        && let Some((range, id)) = front_matter_commit(file.slice(fm))
        && let Some(problem) = check(id)
    {
        out.push((
            Span::new(fm.start + range.start, fm.start + range.end),
            id.to_string(),
            problem,
        ));
    }
    for c in &doc.comments {
        if let Some(id) = marker_commit(&c.text)
            && let Some(problem) = check(id)
        {
            out.push((c.span, id.to_string(), problem));
        }
    }
    out
}

/// The commit a marker comment names, if any.
pub fn marker_commit(comment: &str) -> Option<&str> {
    // (most comments are not markers: the pattern is compiled only for one)
    if !comment.contains("lockstep-synced") {
        return None;
    }
    MARKER
        .captures(comment)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// Sync markers of a translation: for the whole file, and per section.
fn markers(
    file: &SourceFile,
    doc: &Document,
    history: &History,
) -> (Option<u32>, HashMap<usize, u32>) {
    let first_heading = doc
        .sections
        .get(1)
        .map_or(file.text.len(), |s| s.span.start);
    let mut whole = None;
    let mut per_section = HashMap::new();
    if let Some(fm) = doc.front_matter
        && let Some(c) = front_matter_commit(file.slice(fm)).and_then(|(_, id)| history.resolve(id))
    {
        whole = Some(c);
    }
    for c in &doc.comments {
        let Some(commit) = marker_commit(&c.text).and_then(|id| history.resolve(id)) else {
            continue;
        };
        if c.span.start < first_heading {
            whole = Some(whole.map_or(commit, |w: u32| w.max(commit)));
        } else {
            let s = doc.section_at(c.span.start);
            let e = per_section.entry(s).or_insert(commit);
            *e = (*e).max(commit);
        }
    }
    (whole, per_section)
}

/// 0-based line range of a span.
fn line_range(lines: &LineIndex, span: Span) -> std::ops::Range<usize> {
    let first = lines.line_of(span.start);
    let last = lines.line_of(span.end.saturating_sub(1).max(span.start));
    first..last + 1
}

fn newest(touches: &[u32], range: std::ops::Range<usize>) -> u32 {
    touches
        .get(range.start.min(touches.len())..range.end.min(touches.len()))
        .and_then(|t| t.iter().copied().max())
        .unwrap_or(WORKTREE)
}

/// Per line of a file: the newest commit that changed it.
pub fn touches(ws: &Workspace, history: &History, id: FileId) -> Vec<u32> {
    let f = &ws.files[id.index()];
    history.touches(&f.path, &f.text)
}

/// The source version translation `id` was made from, for aligning the
/// two: the commit a file-wide `lockstep-synced` marker names, else the
/// newest commit that changed one of the translation's headings — the
/// structure is what alignment needs, and edits made to every edition at
/// once (a link updated everywhere) leave headings alone. `None` for a
/// translation whose headings were never committed.
pub fn sync_point(ws: &Workspace, history: &History, id: FileId) -> Option<u32> {
    let file = &ws.files[id.index()];
    if history.is_unreadable(&file.path) {
        return None;
    }
    let doc = ws.docs[id.index()].as_ref()?;
    if let (Some(whole), _) = markers(file, doc, history) {
        return Some(whole);
    }
    let touches = touches(ws, history, id);
    doc.headings
        .iter()
        .filter_map(|h| touches.get(file.lines.line_of(h.span.start)).copied())
        .filter(|&c| c != WORKTREE)
        .max()
}

/// The newest commit that changed file `id` (`WORKTREE` when it has
/// uncommitted changes or was never committed).
pub fn last_change(ws: &Workspace, history: &History, id: FileId) -> u32 {
    touches(ws, history, id)
        .into_iter()
        .max()
        .unwrap_or(WORKTREE)
}

/// A stale candidate: source section `s` of comparison `k` changed after
/// its counterpart was synced at commit `sync`.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub k: usize,
    pub s: usize,
    pub sync: u32,
    pub changed: u32,
}

/// The sections of comparison `k` (`c`) whose source section changed after
/// their counterpart's sync point. `source_touches` are the source's.
pub fn candidates(
    ws: &Workspace,
    history: &History,
    k: usize,
    c: &Compared,
    source_touches: &[u32],
) -> Vec<Candidate> {
    let tr_file = &ws.files[c.target.index()];
    let Some(tr_doc) = ws.docs[c.target.index()].as_ref() else {
        return Vec::new();
    };
    let src_file = &ws.files[c.source.index()];
    // Without either file's history, staleness is unknown (said once, by `app`).
    if history.is_unreadable(&tr_file.path) || history.is_unreadable(&src_file.path) {
        return Vec::new();
    }
    let Some(src_doc) = ws.docs[c.source.index()].as_ref() else {
        return Vec::new();
    };
    let tr_touches = touches(ws, history, c.target);
    let (whole, per_section) = markers(tr_file, tr_doc, history);
    let mut out = Vec::new();
    for s in 1..src_doc.sections.len() {
        let Some(t) = c.comparison.alignment.target_of(s) else {
            continue;
        };
        // Staleness from an uncertain pairing would be confidently wrong.
        if !c.comparison.alignment.source_certain(s) {
            continue;
        }
        let mut sync = newest(
            &tr_touches,
            line_range(&tr_file.lines, tr_doc.sections[t].span),
        );
        if sync == WORKTREE {
            continue;
        }
        for m in whole.iter().chain(per_section.get(&t)) {
            sync = sync.max(*m);
        }
        let changed = newest(
            source_touches,
            line_range(&src_file.lines, src_doc.sections[s].span),
        );
        if changed > sync {
            out.push(Candidate {
                k,
                s,
                sync,
                changed,
            });
        }
    }
    out
}

/// The `(commit, source file)` versions the candidates need, sorted, once each.
pub fn requests(candidates: &[Candidate], comparisons: &[&Compared]) -> Vec<(u32, FileId)> {
    let mut wanted: Vec<(u32, FileId)> = candidates
        .iter()
        .map(|c| (c.sync, comparisons[c.k].source))
        .collect();
    wanted.sort();
    wanted.dedup();
    wanted
}

/// A source file's text at some commit, and where its sections are (what
/// staleness reads of it; its features are made from the parse).
pub struct Version {
    pub file: SourceFile,
    pub sections: Box<[Span]>,
}

impl Version {
    /// How source file `id` is parsed.
    pub fn options(ws: &Workspace, id: FileId) -> parse::ParseOptions {
        parse::ParseOptions::new(&ws.settings.toc_titles)
            .with_anchor_style(ws.settings.anchor_style_for(&ws.files[id.index()].path))
    }

    /// Parses `text`, the content of source file `id` at some commit, with
    /// `opts` (see [`Version::options`]).
    pub fn parse(
        ws: &Workspace,
        id: FileId,
        text: String,
        opts: &parse::ParseOptions,
    ) -> (Self, Document) {
        let file = SourceFile::new(ws.files[id.index()].path.clone(), text);
        let doc = parse::parse_with(&file.text, &file.lines, opts);
        let sections = doc.sections.iter().map(|s| s.span).collect();
        (Self { file, sections }, doc)
    }
}

/// A source file as it was at a sync point, parsed, with its alignment to
/// the source now.
pub struct OldSource {
    version: Arc<Version>,
    /// From the source now (as source) to the source then (as target).
    alignment: align::Alignment,
}

impl OldSource {
    /// An old version of a source file with its alignment from the file
    /// now (as source) to that version (as target).
    pub fn new(version: Arc<Version>, alignment: align::Alignment) -> Self {
        Self { version, alignment }
    }
}

/// Why candidate `cand` is stale — `None` when its source section did not
/// change beyond whitespace since the sync point. `now_substance`: the
/// substance of the source section now, made by the first candidate of any
/// translation that needs it (see [`crate::history::Editions::substance`]).
pub fn info(
    ws: &Workspace,
    history: &History,
    c: &Compared,
    cand: &Candidate,
    then: &OldSource,
    range: Option<u32>,
    now_substance: &std::sync::OnceLock<Option<String>>,
) -> Option<StaleInfo> {
    let src_file = &ws.files[c.source.index()];
    let src_doc = ws.docs[c.source.index()].as_ref()?;
    let now_text = src_file.slice(src_doc.sections[cand.s].span);
    let old_text = match then.alignment.target_of(cand.s) {
        Some(o) => then.version.file.slice(then.version.sections[o]),
        None => "",
    };
    // Only a change of substance makes a section stale (whitespace,
    // emphasis markers, table padding, comments and language-switcher
    // links are not).
    let editions = history.editions();
    let now = now_substance.get_or_init(|| editions.substance(&src_file.path, now_text));
    if now
        .as_ref()
        .is_some_and(|now| editions.substance(&src_file.path, old_text).as_ref() == Some(now))
    {
        return None;
    }
    let sync = history.commit(cand.sync)?.clone();
    let diff = similar::TextDiff::from_lines(old_text, now_text)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{} @ {} ({})", src_file.path, sync.short(), sync.date()),
            &format!("{} now", src_file.path),
        )
        .to_string();
    let lines = line_range(&src_file.lines, src_doc.sections[cand.s].span);
    let changes = history.changes_since(&src_file.path, &src_file.text, lines, cand.sync);
    let revisions = |it: &mut dyn Iterator<Item = &u32>| -> Vec<crate::diagnostic::Revision> {
        it.filter_map(|&c| history.commit(c).cloned()).collect()
    };
    Some(StaleInfo {
        sync,
        changed: history.commit(cand.changed).cloned(),
        diff,
        behind: revisions(&mut changes.commits.iter()),
        cosmetic: changes.cosmetic,
        uncommitted: changes.uncommitted,
        in_range: match range {
            Some(first) => revisions(&mut changes.commits.iter().filter(|&&c| c >= first)),
            None => Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_conventions_are_recognised() {
        let otel = "---\ntitle: Concepts\ndefault_lang_commit: ebd92bb\n---\n";
        assert_eq!(front_matter_commit(otel).map(|(_, c)| c), Some("ebd92bb"));
        let mdn =
            "---\ntitle: x\nl10n:\n  sourceCommit: 0123456789abcdef0123456789abcdef01234567\n---\n";
        assert_eq!(
            front_matter_commit(mdn).map(|(_, c)| c),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        let ours = "---\nlockstep-synced: \"abcdef0\"\n---\n";
        let (range, c) = front_matter_commit(ours).unwrap();
        assert_eq!((c, &ours[range]), ("abcdef0", "abcdef0"));
        assert_eq!(
            front_matter_commit("---\nsource_commit: abcdef0\n---\n"),
            None
        );
    }

    #[test]
    fn markers_are_recognised() {
        assert_eq!(marker_commit("lockstep-synced: 0123abcd"), Some("0123abcd"));
        assert_eq!(marker_commit("lockstep-synced:abc"), None);
        assert_eq!(marker_commit("TOC"), None);
    }
}
