//! `lockstep status`: how far each translation is, per language and document.
//!
//! Every translation is aligned with its source edition and each source
//! section gets a state (translated, partial, untranslated, stale, missing);
//! translated sections with no source are extra. A document with no
//! translation file in a language counts as missing there — when the layout
//! says it should have one (a `pages/…` page without its `pages.ko/…` twin),
//! not for single-edition files such as `CONTRIBUTING.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::StaleInfo;
use crate::history::{History, Unavailable};
use crate::report::status::{Counts, DocumentStatus, SectionRow, State, StatusReport};
use crate::source::FileId;
use crate::translation::Compared;
use crate::workspace::Workspace;

use super::scope::Scope;
use super::{AppError, CheckOptions, load, load_settings, run, scope};

/// How a language's translations are named relative to their sources:
/// `pages/…` → `pages.ko/…`, `README.md` → `translations/README-ko.md`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Mapping {
    source_prefix: String,
    target_prefix: String,
    /// For file-name layouts: the rest of the name (`.md`); `None` for folders.
    rest: Option<String>,
}

fn mapping(source: &str, target: &str) -> Mapping {
    let common = source
        .bytes()
        .rev()
        .zip(target.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut split = source.len() - common;
    // Keep the split on a character boundary and prefer a folder boundary.
    let suffix = &source[split..];
    if let Some(slash) = suffix.find('/') {
        split += slash;
    }
    while !source.is_char_boundary(split) {
        split += 1;
    }
    let t_split = target.len() - (source.len() - split);
    let rest = &source[split..];
    Mapping {
        source_prefix: source[..split].to_string(),
        target_prefix: target[..t_split].to_string(),
        rest: (!rest.starts_with('/')).then(|| rest.to_string()),
    }
}

impl Mapping {
    fn apply(&self, source: &str) -> Option<String> {
        let rest = source.strip_prefix(&self.source_prefix)?;
        match &self.rest {
            None if rest.starts_with('/') => Some(format!("{}{rest}", self.target_prefix)),
            Some(r) if r == rest => Some(format!("{}{rest}", self.target_prefix)),
            _ => None,
        }
    }
}

/// What `lockstep status` was asked for.
#[derive(Debug, Clone, Default)]
pub struct StatusOptions {
    pub check: CheckOptions,
}

/// Computes the status of one workspace, in the languages `langs` (codes as
/// found in the tree; all when empty), with the repository's history when it
/// could be read.
///
/// With `range` (the first commit of a change, see
/// [`History::range_start`]), stale sections say which commits of the
/// change staled them.
pub fn workspace_status(
    ws: &Workspace,
    scope: &Scope,
    history: Option<&Result<History, Unavailable>>,
    range: Option<u32>,
) -> StatusReport {
    let langs = &scope.langs;
    let in_scope = |g: usize| scope.groups.as_ref().is_none_or(|s| s.contains(&g));
    // Languages and how their files are named.
    let mut mappings: BTreeMap<String, BTreeSet<Mapping>> = BTreeMap::new();
    for g in &ws.groups {
        if !g.source_exists {
            continue;
        }
        for t in &g.translations {
            mappings
                .entry(t.lang.to_string())
                .or_default()
                .insert(mapping(&g.source, &t.path));
        }
    }
    let languages: Vec<String> = mappings
        .keys()
        .filter(|l| langs.is_empty() || langs.contains(l))
        .cloned()
        .collect();
    let wanted: BTreeSet<&str> = languages.iter().map(String::as_str).collect();
    let (comparisons, read) = run::compare_all_keeping(
        ws,
        true,
        |t: FileId| {
            let e = &ws.editions[t.index()];
            in_scope(e.group) && e.lang.as_deref().is_some_and(|l| wanted.contains(l))
        },
        history.and_then(|h| h.as_ref().ok()),
    );
    let (staleness, note) = if comparisons.is_empty() {
        (Vec::new(), None)
    } else {
        match run::staleness(ws, history, &comparisons, &read, range, None) {
            Ok(s) => (s, None),
            Err(note) => (Vec::new(), Some(note)),
        }
    };
    // Comparisons come in group order: index them by group.
    let mut by_group: Vec<Vec<usize>> = vec![Vec::new(); ws.groups.len()];
    for (k, c) in comparisons.iter().enumerate() {
        by_group[c.group].push(k);
    }
    let shared: Vec<Arc<str>> = languages.iter().map(|l| Arc::from(l.as_str())).collect();
    let per_group: Vec<GroupStatus> = (0..ws.groups.len())
        .into_par_iter()
        .filter(|&g| in_scope(g))
        .map(|g| {
            let mine: Vec<WithStaleness<'_>> = by_group[g]
                .iter()
                .map(|&k| (&comparisons[k], staleness.get(k).map(Vec::as_slice)))
                .collect();
            group_status(ws, g, &shared, &mappings, &mine)
        })
        .collect();
    // Only the rows are kept: what they were made from goes now, so that
    // rendering can take its memory.
    drop((comparisons, staleness, read, by_group));
    let mut report = StatusReport {
        note,
        ..StatusReport::default()
    };
    for lang in &languages {
        report.languages.insert(lang.clone(), Counts::default());
        report.documents.insert(lang.clone(), Vec::new());
    }
    for (docs, rows) in per_group {
        for (lang, doc) in docs {
            report
                .languages
                .get_mut(&*lang)
                .expect("known language")
                .merge(&doc.counts);
            report
                .documents
                .get_mut(&*lang)
                .expect("known language")
                .push(doc);
        }
        report.sections.push_chunk(rows);
    }
    report
}

fn heading_of(ws: &Workspace, id: FileId, section: usize) -> (Option<usize>, Option<&str>) {
    let doc = ws.docs[id.index()].as_ref().expect("parsed");
    let file = &ws.files[id.index()];
    match doc.sections[section].heading() {
        Some(h) => (
            Some(file.line_col(doc.headings[h].span.start).line),
            Some(doc.headings[h].text.trim()),
        ),
        None => (None, None),
    }
}

/// A comparison with the staleness of its source sections.
type WithStaleness<'a> = (&'a Compared, Option<&'a [Option<Arc<StaleInfo>>]>);

/// A document's status in each language, and its section rows in all of
/// them (one vector per document: tldr-pages has 280,000 documents in one
/// language or another, most with one row).
type GroupStatus = (Vec<(Arc<str>, DocumentStatus)>, Vec<SectionRow>);

/// A translated section with no source section.
fn extra_row(
    ws: &Workspace,
    lang: &Arc<str>,
    file: FileId,
    path: &Arc<str>,
    section: usize,
) -> SectionRow {
    let (line, heading) = heading_of(ws, file, section);
    SectionRow {
        lang: lang.clone(),
        file: Some(path.clone()),
        line,
        heading: heading.map(str::to_string),
        source_file: None,
        source_line: None,
        source_heading: None,
        state: State::Extra,
        first_untranslated: None,
        stale: None,
        behind: None,
    }
}

fn group_status(
    ws: &Workspace,
    g: usize,
    languages: &[Arc<str>],
    mappings: &BTreeMap<String, BTreeSet<Mapping>>,
    compared: &[WithStaleness<'_>],
) -> GroupStatus {
    let group = &ws.groups[g];
    let src = ws.source_file(group);
    let src_doc = src.and_then(|id| ws.docs[id.index()].as_ref());
    let source: Arc<str> = Arc::from(group.source.as_str());
    let source_path = Some(source.clone());
    // Each source section's line and heading, shared by its rows in every language.
    let source_headings: Vec<(Option<usize>, Option<Arc<str>>)> = match (src, src_doc) {
        (Some(src), Some(src_doc)) => (0..src_doc.sections.len())
            .map(|s| {
                let (line, heading) = heading_of(ws, src, s);
                (line, heading.map(Arc::from))
            })
            .collect(),
        _ => Vec::new(),
    };
    let (mut docs, mut rows) = (Vec::new(), Vec::new());
    for lang in languages {
        let translation = group.translations.iter().find(|t| *t.lang == **lang);
        let mut counts = Counts::default();
        // This document's rows in this language start here.
        let first_row = rows.len();
        // The translation file the rows are about (`None`: it does not exist).
        let file = match (src, src_doc, translation) {
            // Translated (in part or whole): section by section.
            (Some(_), Some(_), Some(t)) => {
                let Some(&(c, stale)) = compared.iter().find(|(c, _)| *c.lang == **lang) else {
                    continue; // the translation could not be read
                };
                counts.documents = 1;
                let tr_doc = ws.docs[c.target.index()].as_ref().expect("compared");
                let path: Arc<str> = Arc::from(t.path.as_str());
                for (s, (source_line, source_heading)) in source_headings.iter().enumerate().skip(1)
                {
                    let (source_line, source_heading) = (*source_line, source_heading.clone());
                    let stale_info = stale.and_then(|st| st.get(s).cloned().flatten());
                    let alignment = &c.comparison.alignment;
                    let (state, target, first) =
                        match (&c.comparison.judgements[s], alignment.target_of(s)) {
                            // Not sure which translated section (if any) is this
                            // one's: say so rather than guess a state.
                            (_, t) if !alignment.source_certain(s) => (State::Uncertain, t, None),
                            (Some(j), Some(t)) => (
                                // A stale section was translated, but from an older source.
                                match (j.state, &stale_info) {
                                    (State::Translated | State::Partial, Some(_)) => State::Stale,
                                    (state, _) => state,
                                },
                                Some(t),
                                j.first_untranslated
                                    .map(|sp| ws.files[c.target.index()].line_col(sp.start).line),
                            ),
                            _ => (State::Missing, None, None),
                        };
                    counts.add(state);
                    let (line, heading) =
                        target.map_or((None, None), |t| heading_of(ws, c.target, t));
                    rows.push(SectionRow {
                        lang: lang.clone(),
                        file: Some(path.clone()),
                        line,
                        heading: heading.map(str::to_string),
                        source_file: source_path.clone(),
                        source_line,
                        source_heading,
                        state,
                        first_untranslated: first,
                        behind: stale_info
                            .as_deref()
                            .filter(|_| state == State::Stale)
                            .map(|i| Box::new(crate::report::status::Behind::of(i))),
                        stale: if state == State::Stale {
                            stale_info
                        } else {
                            None
                        },
                    });
                }
                for t_sec in 1..tr_doc.sections.len() {
                    let alignment = &c.comparison.alignment;
                    if alignment.source_of(t_sec).is_none() {
                        let mut row = extra_row(ws, lang, c.target, &path, t_sec);
                        if alignment.target_certain(t_sec) {
                            counts.add(State::Extra);
                        } else {
                            // Not a source section: counted, but not in `sections`.
                            row.state = State::Uncertain;
                            counts.uncertain += 1;
                        }
                        rows.push(row);
                    }
                }
                Some(path)
            }
            // No translation file: missing at document level, if the layout
            // says this document has editions in this language.
            (Some(_), Some(_), None) => {
                let expected = mappings
                    .get(&**lang)
                    .and_then(|ms| ms.iter().find_map(|m| m.apply(&group.source)));
                let Some(expected) = expected else { continue };
                let expected: Arc<str> = Arc::from(expected);
                counts.documents = 1;
                for (source_line, source_heading) in source_headings.iter().skip(1) {
                    let (source_line, source_heading) = (*source_line, source_heading.clone());
                    counts.add(State::Missing);
                    rows.push(SectionRow {
                        lang: lang.clone(),
                        file: Some(expected.clone()),
                        line: None,
                        heading: None,
                        source_file: source_path.clone(),
                        source_line,
                        source_heading,
                        state: State::Missing,
                        first_untranslated: None,
                        stale: None,
                        behind: None,
                    });
                }
                None
            }
            // A translation whose source edition does not exist: all extra.
            (None, _, Some(t)) => {
                let Some(tid) = ws.translation_file(t) else {
                    continue;
                };
                let Some(tr_doc) = &ws.docs[tid.index()] else {
                    continue;
                };
                let path: Arc<str> = Arc::from(t.path.as_str());
                for t_sec in 1..tr_doc.sections.len() {
                    counts.add(State::Extra);
                    rows.push(extra_row(ws, lang, tid, &path, t_sec));
                }
                Some(path)
            }
            _ => continue,
        };
        let behind = crate::report::status::Behind::of_document(
            rows[first_row..].iter().filter_map(|r| r.stale.as_deref()),
        );
        docs.push((
            lang.clone(),
            DocumentStatus {
                source: source.clone(),
                file,
                counts,
                behind: behind.map(Box::new),
            },
        ));
    }
    (docs, rows)
}

/// `lockstep status` for one documentation root.
pub fn status(opts: &StatusOptions) -> Result<StatusReport, AppError> {
    let roots = scope::roots(&opts.check.paths)?;
    if roots.len() != 1 {
        return Err(AppError::Usage(
            "status takes one documentation root".into(),
        ));
    }
    let (root, files) = &roots[0];
    let settings = load_settings(root, opts.check.config.as_deref())?;
    // git reads meanwhile what does not depend on the documents.
    let prefetch = History::prefetch(root);
    // Only the editions asked for, and their sources, are read.
    let ws = load::load_languages(root, settings, &opts.check.langs);
    let langs = scope::resolve_langs(&ws, &opts.check.langs)?;
    // A file limits the report to its document (all its editions).
    let scope = scope::scope_for(&ws, files.as_deref(), langs);
    if let Some(f) = scope::unchecked_args(&ws, files.as_deref()).first() {
        return Err(AppError::Usage(format!(
            "`{f}` is not a Markdown file of the documentation (or `exclude` excludes it)"
        )));
    }
    let history = ws
        .groups
        .iter()
        .any(|g| !g.translations.is_empty())
        .then(|| prefetch.finish_with(|| ws.history_options()));
    let mut range = None;
    let mut since = None;
    if let Some(rev) = &opts.check.changed_since {
        let git = |e: Unavailable| AppError::Git(format!("--changed-since {rev}: {e}"));
        let (_, base) = crate::history::changed_since(root, rev).map_err(git)?;
        if let Some(Ok(h)) = &history {
            range = Some(h.range_start(&base).map_err(git)?);
        }
        since = Some(base);
    }
    let mut report = workspace_status(&ws, &scope, history.as_ref(), range);
    report.since = since;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_by_analogy() {
        let m = mapping("pages/common/tar.md", "pages.ko/common/tar.md");
        assert_eq!(
            m.apply("pages/linux/ls.md").as_deref(),
            Some("pages.ko/linux/ls.md")
        );
        assert_eq!(m.apply("README.md"), None);
        let m = mapping("docs/en/a/b.md", "docs/ko/a/b.md");
        assert_eq!(m.apply("docs/en/c.md").as_deref(), Some("docs/ko/c.md"));
        let m = mapping("README.md", "translations/README-ko.md");
        assert_eq!(
            m.apply("README.md").as_deref(),
            Some("translations/README-ko.md")
        );
        assert_eq!(m.apply("README-dev.md"), None);
        assert_eq!(m.apply("CONTRIBUTING.md"), None);
    }
}
