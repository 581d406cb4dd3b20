//! Staleness: translated sections whose source changed since they were synced.
//!
//! The sync point of a translated section is the newest commit that changed
//! any of its lines (or deleted lines inside it), or a
//! `<!-- lockstep-synced: <commit> -->` marker — in the section, or before
//! the first heading for the whole file — when that is newer. Lines edited
//! in the working tree count as synced now. A section is stale when its
//! aligned source section changed after the sync point: the source file as
//! it was then is fetched (one `git cat-file --batch` for all of them),
//! aligned with the source file now, and the counterpart compared with the
//! section now, ignoring whitespace-only changes. The result carries the
//! unified diff a translator needs.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use rayon::prelude::*;
use regex::Regex;

use crate::align;
use crate::history::{Commit, History, WORKTREE};
use crate::parse::{self, Document};
use crate::source::{FileId, LineIndex, SourceFile, Span};

use super::{Compared, Workspace};

/// Why a translated section is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleInfo {
    /// The commit the translated section was last synced with.
    pub sync: Commit,
    /// The newest commit that changed the source section (`None`: uncommitted edits).
    pub changed: Option<Commit>,
    /// Unified diff of the source section from the sync point to now.
    pub diff: String,
}

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"lockstep-synced:\s*([0-9A-Fa-f]{7,40})").expect("static regex"));

/// The commit a marker comment names, if any.
pub fn marker_commit(comment: &str) -> Option<&str> {
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
        && let Some(c) = marker_commit(file.slice(fm)).and_then(|id| history.resolve(id))
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

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A stale candidate: source section `s` of comparison `k` changed after
/// its counterpart was synced at commit `sync`.
struct Candidate {
    k: usize,
    s: usize,
    sync: u32,
    changed: u32,
}

/// Staleness of every source section of every comparison:
/// `result[k][s]` for `comparisons[k]` and source section `s`.
pub fn compute(
    ws: &Workspace,
    history: &History,
    comparisons: &[&Compared],
) -> Vec<Vec<Option<Arc<StaleInfo>>>> {
    let touches_of = |id: FileId| {
        let f = &ws.files[id.index()];
        history.touches(&f.path, &f.text)
    };
    let sources: Vec<FileId> = {
        let mut v: Vec<FileId> = comparisons.iter().map(|c| c.source).collect();
        v.sort();
        v.dedup();
        v
    };
    let source_touches: HashMap<FileId, Vec<u32>> =
        sources.par_iter().map(|&id| (id, touches_of(id))).collect();

    // Which sections changed in the source after their translation's sync point.
    let candidates: Vec<Candidate> = comparisons
        .par_iter()
        .enumerate()
        .flat_map_iter(|(k, c)| {
            let tr_file = &ws.files[c.target.index()];
            let tr_doc = ws.docs[c.target.index()].as_ref().expect("compared");
            let src_file = &ws.files[c.source.index()];
            let src_doc = ws.docs[c.source.index()].as_ref().expect("compared");
            let tr_touches = touches_of(c.target);
            let src_touches = &source_touches[&c.source];
            let (whole, per_section) = markers(tr_file, tr_doc, history);
            let mut out = Vec::new();
            for s in 1..src_doc.sections.len() {
                let Some(t) = c.comparison.alignment.target_of(s) else {
                    continue;
                };
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
                    src_touches,
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
            out.into_iter()
        })
        .collect();

    // The source files as they were at the sync points: one batch.
    let mut wanted: Vec<(u32, FileId)> = candidates
        .iter()
        .map(|c| (c.sync, comparisons[c.k].source))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    wanted.sort();
    let requests: Vec<(u32, String)> = wanted
        .iter()
        .map(|(commit, id)| (*commit, ws.files[id.index()].path.clone()))
        .collect();
    let texts = history.show(&requests).unwrap_or_default();
    let parse_opts = parse::ParseOptions::new(&ws.settings.toc_titles);
    // Old versions, parsed, with their alignment to the source now.
    let old: HashMap<(u32, FileId), Option<OldSource>> = wanted
        .par_iter()
        .zip(texts.into_par_iter())
        .map(|(&(commit, id), text)| {
            let parsed = text.map(|text| {
                let file = SourceFile::new(ws.files[id.index()].path.clone(), text);
                let doc = parse::parse_with(&file.text, &file.lines, &parse_opts);
                let now = ws.docs[id.index()].as_ref().expect("parsed");
                let features_then = align::features(&doc, &file.path, &ws.index);
                let features_now = align::features(now, &file.path, &ws.index);
                let alignment = align::align(&features_now, &features_then);
                OldSource {
                    file,
                    doc,
                    alignment,
                }
            });
            ((commit, id), parsed)
        })
        .collect();

    let mut result: Vec<Vec<Option<Arc<StaleInfo>>>> = comparisons
        .iter()
        .map(|c| {
            let n = ws.docs[c.source.index()]
                .as_ref()
                .map_or(0, |d| d.sections.len());
            vec![None; n]
        })
        .collect();
    let infos: Vec<(usize, usize, Arc<StaleInfo>)> = candidates
        .par_iter()
        .filter_map(|cand| {
            let c = comparisons[cand.k];
            let then = old.get(&(cand.sync, c.source))?.as_ref()?;
            let src_file = &ws.files[c.source.index()];
            let src_doc = ws.docs[c.source.index()].as_ref()?;
            let now_text = src_file.slice(src_doc.sections[cand.s].span);
            let old_text = match then.alignment.target_of(cand.s) {
                Some(o) => then.file.slice(then.doc.sections[o].span),
                None => "",
            };
            if normalise(old_text) == normalise(now_text) {
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
            Some((
                cand.k,
                cand.s,
                Arc::new(StaleInfo {
                    sync,
                    changed: history.commit(cand.changed).cloned(),
                    diff,
                }),
            ))
        })
        .collect();
    for (k, s, info) in infos {
        result[k][s] = Some(info);
    }
    result
}

struct OldSource {
    file: SourceFile,
    doc: Document,
    /// From the source now (as source) to the source then (as target).
    alignment: align::Alignment,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_recognised() {
        assert_eq!(marker_commit("lockstep-synced: 0123abcd"), Some("0123abcd"));
        assert_eq!(marker_commit("lockstep-synced:abc"), None);
        assert_eq!(marker_commit("TOC"), None);
    }
}
