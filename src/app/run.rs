//! Running the rules over a loaded workspace: align the translations with
//! their sources, work out staleness from the history read before, run every
//! enabled rule (in parallel), apply suppressions and levels, sort.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::rule_file::{EditionInfo, packs};
use crate::diagnostic::{Diagnostic, RuleId};
use crate::external::Outcome;
use crate::history::{History, Unavailable};
use crate::report::{self, Report};
use crate::rules::{self, Enabled, FileContext, FileRef, SectionContext};
use crate::source::FileId;
use crate::stale::{self, OldSource, Staleness};
use crate::suppress;
use crate::translation::{self, Compared, LanguageJudge, Prior, SourceSide};
use crate::workspace::Workspace;

use super::scope::Scope;

/// What the edges gathered before the rules run: the git history (when a
/// rule needs it) and the outcomes of the external link checks.
#[derive(Default)]
pub struct Evidence {
    /// `None`: not read (no rule needs it).
    pub history: Option<Result<History, Unavailable>>,
    /// Outcomes by URL as requested (with `--external`).
    pub external: Option<HashMap<String, Outcome>>,
    /// With `--changed-since` (and without `--all-stale`): the first commit
    /// of the change; stale sections whose source did not change from
    /// there on are only counted, in `stale_before`.
    pub range: Option<u32>,
    pub stale_before: std::sync::atomic::AtomicUsize,
    /// The history's reading, started while the files were read.
    pub prefetched: Option<crate::history::Prefetch>,
    /// Old source versions read and aligned with today's by earlier runs
    /// (the language server's: one source's translations are checked one
    /// run at a time). `None`: every run reads its own.
    pub priors: Option<PriorCache>,
}

/// What earlier runs made of old source versions, kept across runs (the
/// language server's).
#[derive(Default)]
pub struct PriorCache {
    /// [`priors`]'s result for a version: valid while the source's text
    /// is the same (its owner forgets a source when its text changes).
    priors: std::sync::Mutex<HashMap<(u32, FileId), PriorAndSource>>,
    /// The versions themselves, parsed, with their features: what the
    /// repository holds at a commit does not change.
    versions: std::sync::Mutex<HashMap<(u32, FileId), Arc<Then>>>,
    /// What a source's comparisons share (by source and whether they
    /// judge), valid while its text is the same.
    sides: std::sync::Mutex<HashMap<(FileId, bool), Arc<translation::Prepared>>>,
}

/// A source version's [`Prior`] and the version itself.
type PriorAndSource = (Arc<Prior>, Arc<OldSource>);

/// An old version of a source file, parsed, and its features.
pub struct Then {
    version: Arc<stale::Version>,
    /// As [`crate::align::features_with_words`] makes them. They serve as
    /// [`crate::align::features`] too (the source then, aligned with a
    /// translation): those are the same but for `words`, which only the
    /// alignment of two versions of one edition reads.
    words: Arc<Vec<crate::align::Features>>,
}

/// Keeps `entries` in `map` (a cache's), unless the run was interrupted:
/// what it made may rest on features it gave up reading.
fn keep<K: std::hash::Hash + Eq, V>(
    map: Option<&std::sync::Mutex<HashMap<K, V>>>,
    entries: impl IntoIterator<Item = (K, V)>,
) {
    if crate::align::interrupt::fired() {
        return;
    }
    if let Some(mut map) = map.and_then(|m| m.lock().ok()) {
        map.extend(entries);
    }
}

impl PriorCache {
    /// Forgets what was made with the text of `source` (its old versions
    /// stay: they do not depend on it).
    pub fn forget(&self, source: FileId) {
        if let Ok(mut map) = self.priors.lock() {
            map.retain(|&(_, id), _| id != source);
        }
        if let Ok(mut map) = self.sides.lock() {
            map.retain(|&(id, _), _| id != source);
        }
    }
}

/// The rules that read the git history (the section rules go through it
/// when there is one).
pub const HISTORY_RULES: [RuleId; 4] = [
    RuleId::StaleSection,
    RuleId::MissingSection,
    RuleId::ExtraSection,
    RuleId::UncertainAlignment,
];

impl Evidence {
    /// Reads the history of `ws`'s repository when a rule that needs it is
    /// on (`stale-section`, or one that rests on the alignment, which goes
    /// through the history when there is one) and the run judges
    /// translations — once, before any rule.
    pub fn read_history(&mut self, ws: &Workspace, scope: &Scope) {
        let needed = HISTORY_RULES.iter().any(|&r| ws.settings.is_enabled(r))
            && ws.groups.iter().any(|g| {
                g.translations.iter().any(|t| {
                    ws.translation_file(t)
                        .is_some_and(|id| scope.contains(ws, id))
                })
            });
        let prefetched = self.prefetched.take();
        if needed && self.history.is_none() {
            let prefetched = prefetched.unwrap_or_else(|| History::prefetch(&ws.root));
            self.history = Some(prefetched.finish_with(|| ws.history_options()));
        }
        if let (Some(base), Some(Ok(history))) = (&scope.since, &self.history) {
            // When the range cannot be read, every stale section is reported.
            self.range = history.range_start(base).ok();
        }
    }

    /// The note a `--changed-since` run adds about the sections it did not list.
    pub fn stale_before_note(&self) -> Option<String> {
        let n = self.stale_before.load(std::sync::atomic::Ordering::Relaxed);
        (n > 0).then(|| {
            format!(
                "{n} more translated section{} stale before this change (--all-stale lists them)",
                if n == 1 { " was" } else { "s were" }
            )
        })
    }
}

/// Old versions of source files (by commit and file), parsed and aligned
/// with the file now: read once, for alignment through history and for
/// staleness.
pub type OldSources = HashMap<(u32, FileId), Arc<OldSource>>;

/// Compares every translation `wanted` with its source edition (judging
/// sections when `judge`). With `history`, a translation whose source
/// changed since it was synced is aligned through the source as it was then.
pub fn compare_all(
    ws: &Workspace,
    judge: bool,
    wanted: impl Fn(FileId) -> bool + Sync,
    history: Option<&History>,
) -> Vec<Compared> {
    compare_all_keeping(ws, judge, wanted, history).0
}

/// [`compare_all`], and the old source versions it read (for [`staleness`]).
pub fn compare_all_keeping(
    ws: &Workspace,
    judge: bool,
    wanted: impl Fn(FileId) -> bool + Sync,
    history: Option<&History>,
) -> (Vec<Compared>, OldSources) {
    compare_all_cached(ws, judge, wanted, history, None)
}

/// [`compare_all_keeping`], taking old source versions from `cache` (and
/// keeping there those it reads).
fn compare_all_cached(
    ws: &Workspace,
    judge: bool,
    wanted: impl Fn(FileId) -> bool + Sync,
    history: Option<&History>,
    cache: Option<&PriorCache>,
) -> (Vec<Compared>, OldSources) {
    let (priors, old) = match history {
        Some(h) => priors(ws, h, &translation_pairs(ws, &wanted), cache),
        None => (HashMap::new(), HashMap::new()),
    };
    let out = (0..ws.groups.len())
        .into_par_iter()
        .flat_map_iter(|g| compare_group(ws, g, judge, &wanted, &priors, cache))
        .collect();
    (out, old)
}

/// [`compare_all`] without keeping the comparisons: each is handed to
/// `each` as soon as it is made and dropped after, so memory holds one
/// comparison per thread rather than all of them. Returns what `each`
/// returned, and the (source, translation) pairs compared.
pub fn compare_each<T: Send>(
    ws: &Workspace,
    judge: bool,
    wanted: impl Fn(FileId) -> bool + Sync,
    history: Option<&History>,
    each: impl Fn(&Compared) -> Vec<T> + Sync,
) -> (Vec<T>, Vec<(FileId, FileId)>) {
    let priors = match history {
        Some(h) => priors(ws, h, &translation_pairs(ws, &wanted), None).0,
        None => HashMap::new(),
    };
    type PerGroup<T> = (Vec<Vec<T>>, Vec<Vec<(FileId, FileId)>>);
    let (found, pairs): PerGroup<T> = (0..ws.groups.len())
        .into_par_iter()
        .map(|g| {
            let mut found = Vec::new();
            let mut pairs = Vec::new();
            for c in compare_group(ws, g, judge, &wanted, &priors, None) {
                found.extend(each(&c));
                pairs.push((c.source, c.target));
            }
            (found, pairs)
        })
        .unzip();
    (
        found.into_iter().flatten().collect(),
        pairs.into_iter().flatten().collect(),
    )
}

/// The features (with every word) of files `ids` as they are now.
fn features_now(ws: &Workspace, ids: &[FileId]) -> HashMap<FileId, Vec<crate::align::Features>> {
    ids.par_iter()
        .filter_map(|&id| {
            let now = ws.docs[id.index()].as_ref()?;
            let file = &ws.files[id.index()];
            Some((id, crate::align::features_with_words(now, file, &ws.index)))
        })
        .collect()
}

/// Old versions `wanted` of source files, parsed, with their features:
/// those an earlier run made from `cache`, the others read from git (one
/// process) and kept there. Empty when the run is interrupted (see
/// `align::interrupt`) or git cannot be read.
fn old_versions(
    ws: &Workspace,
    history: &History,
    wanted: &[(u32, FileId)],
    cache: Option<&PriorCache>,
) -> HashMap<(u32, FileId), Arc<Then>> {
    let mut found: HashMap<(u32, FileId), Arc<Then>> = HashMap::new();
    let mut missing: Vec<(u32, FileId)> = Vec::new();
    match cache.and_then(|c| c.versions.lock().ok()) {
        Some(map) => {
            for key in wanted {
                match map.get(key) {
                    Some(then) => {
                        found.insert(*key, then.clone());
                    }
                    None => missing.push(*key),
                }
            }
        }
        None => missing = wanted.to_vec(),
    }
    // Nobody waits for this run's result any more: no git process, no parse.
    if missing.is_empty() || crate::align::interrupt::fired() {
        return found;
    }
    let Ok(texts) = history.show(
        &missing
            .iter()
            .map(|(commit, id)| (*commit, ws.files[id.index()].path.clone()))
            .collect::<Vec<_>>(),
    ) else {
        return found;
    };
    // What earlier runs made of these versions (see `versions`).
    let store = history
        .cache_file("versions-v1")
        .map(super::versions::Store::open);
    // A file that did not change between two sync points has the same text
    // at both: it is parsed once.
    let thens = parsed_once(&missing, texts, |id, text| {
        let path = &ws.files[id.index()].path;
        let opts = stale::Version::options(ws, id);
        let key = store
            .as_ref()
            .map(|_| super::versions::key(path, &text, &opts));
        let kept =
            (store.as_ref().zip(key)).and_then(|(s, key)| s.get(key, text.len(), &ws.index, path));
        if let Some(kept) = kept {
            return Then {
                version: Arc::new(stale::Version {
                    file: crate::source::SourceFile::new(path.clone(), text),
                    sections: kept.sections,
                }),
                words: Arc::new(kept.words),
            };
        }
        let (version, doc) = stale::Version::parse(ws, id, text, &opts);
        let words = crate::align::features_with_words(&doc, &version.file, &ws.index);
        if let (Some(store), Some(key)) = (&store, key) {
            let resolutions = crate::align::Resolutions::of(&doc, &version.file, &ws.index);
            let len = version.file.text.len();
            store.add(key, len, &version.sections, &words, &resolutions);
        }
        Then {
            version: Arc::new(version),
            words: Arc::new(words),
        }
    });
    // What this run made is kept for the next (not when it was interrupted:
    // features it gave up reading would be incomplete).
    if let Some(store) = store
        && !crate::align::interrupt::fired()
    {
        store.save();
    }
    let read: Vec<((u32, FileId), Arc<Then>)> = (missing.iter().zip(thens))
        .filter_map(|(key, then)| Some((*key, then?)))
        .collect();
    keep(
        cache.map(|c| &c.versions),
        read.iter().map(|(key, then)| (*key, then.clone())),
    );
    found.extend(read);
    found
}

/// `parse` of each key's text (`None`: not read), in parallel, once per
/// file and text: keys whose file has the same text share one result.
fn parsed_once<K: Sync, T: Send + Sync>(
    keys: &[(K, FileId)],
    texts: Vec<Option<String>>,
    parse: impl Fn(FileId, String) -> T + Sync,
) -> Vec<Option<Arc<T>>> {
    let same_as: Vec<Option<usize>> = {
        let mut first: HashMap<(FileId, &str), usize> = HashMap::new();
        (texts.iter().enumerate())
            .map(
                |(i, text)| match first.entry((keys[i].1, text.as_deref()?)) {
                    std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(i);
                        None
                    }
                },
            )
            .collect()
    };
    let parsed: Vec<Option<Arc<T>>> = (keys.par_iter().zip(texts).zip(&same_as))
        .map(|((key, text), same)| match same {
            Some(_) => None,
            None => Some(Arc::new(parse(key.1, text?))),
        })
        .collect();
    (0..keys.len())
        .map(|i| parsed[same_as[i].unwrap_or(i)].clone())
        .collect()
}

/// The (source, translation) pairs [`compare_group`] compares.
fn translation_pairs(
    ws: &Workspace,
    wanted: &(impl Fn(FileId) -> bool + Sync),
) -> Vec<(FileId, FileId)> {
    ws.groups
        .iter()
        .filter_map(|group| {
            let src = ws.source_file(group)?;
            ws.docs[src.index()].as_ref()?;
            Some(
                group
                    .translations
                    .iter()
                    .filter_map(move |t| ws.translation_file(t))
                    .filter(|&id| wanted(id) && ws.docs[id.index()].is_some())
                    .map(move |id| (src, id)),
            )
        })
        .flatten()
        .collect()
}

/// Per translation whose source changed after the translation's sync
/// point: the source as it was then (read from git in one batch), and the
/// old versions read.
fn priors(
    ws: &Workspace,
    history: &History,
    pairs: &[(FileId, FileId)],
    cache: Option<&PriorCache>,
) -> (HashMap<FileId, (u32, Arc<Prior>)>, OldSources) {
    let mut sources: Vec<FileId> = pairs.iter().map(|p| p.0).collect();
    sources.sort_unstable();
    sources.dedup();
    let changed: HashMap<FileId, u32> = sources
        .par_iter()
        .map(|&id| (id, stale::last_change(ws, history, id)))
        .collect();
    let syncs: Vec<(FileId, u32, FileId)> = pairs
        .par_iter()
        .filter_map(|&(source, target)| {
            if history.is_unreadable(&ws.files[source.index()].path) {
                return None;
            }
            // Single-section pages pair without alignment: no prior needed.
            let single = |id: FileId| {
                ws.docs[id.index()]
                    .as_ref()
                    .is_some_and(|d| (1..=2).contains(&d.sections.len()))
            };
            if single(source) && single(target) {
                return None;
            }
            let sync = stale::sync_point(ws, history, target)?;
            (changed[&source] > sync).then_some((target, sync, source))
        })
        .collect();
    let mut wanted: Vec<(u32, FileId)> = syncs.iter().map(|&(_, at, src)| (at, src)).collect();
    wanted.sort_unstable();
    wanted.dedup();
    // What earlier runs made is taken from the cache.
    type Read = ((u32, FileId), Arc<Prior>, Arc<OldSource>);
    let mut cached: Vec<Read> = Vec::new();
    if let Some(map) = cache.and_then(|c| c.priors.lock().ok()) {
        wanted.retain(|key| match map.get(key) {
            Some((prior, old)) => {
                cached.push((*key, prior.clone(), old.clone()));
                false
            }
            None => true,
        });
    }
    let versions = old_versions(ws, history, &wanted, cache);
    // Today's features of each source, once.
    let mut needed: Vec<FileId> = wanted.iter().map(|w| w.1).collect();
    needed.sort_unstable();
    needed.dedup();
    let now_words = features_now(ws, &needed);
    let mut read: Vec<Read> = wanted
        .par_iter()
        .filter_map(|key| {
            if crate::align::interrupt::fired() {
                return None;
            }
            let now_words = now_words.get(&key.1)?;
            let then = versions.get(key)?;
            let prior = Prior::new(then.words.clone(), &then.words, now_words);
            let old = OldSource::new(then.version.clone(), prior.then_now.inverted());
            Some((*key, Arc::new(prior), Arc::new(old)))
        })
        .collect();
    keep(
        cache.map(|c| &c.priors),
        read.iter()
            .map(|(key, prior, source)| (*key, (prior.clone(), source.clone()))),
    );
    read.extend(cached);
    let mut priors_by_version: HashMap<(u32, FileId), Arc<Prior>> = HashMap::new();
    let mut old: OldSources = HashMap::new();
    for (key, prior, source) in read {
        priors_by_version.insert(key, prior);
        old.insert(key, source);
    }
    let priors = syncs
        .into_iter()
        .filter_map(|(target, at, src)| {
            Some((target, (at, priors_by_version.get(&(at, src))?.clone())))
        })
        .collect();
    (priors, old)
}

/// Compares each translation of document group `g` (those `wanted`) with
/// the group's source edition; with `judge`, sections are also judged
/// translated or not. Files that were not parsed are skipped.
fn compare_group(
    ws: &Workspace,
    g: usize,
    judge: bool,
    wanted: &(impl Fn(FileId) -> bool + Sync),
    priors: &HashMap<FileId, (u32, Arc<Prior>)>,
    cache: Option<&PriorCache>,
) -> Vec<Compared> {
    let group = &ws.groups[g];
    let Some(src) = ws.source_file(group) else {
        return Vec::new();
    };
    let Some(src_doc) = &ws.docs[src.index()] else {
        return Vec::new();
    };
    let targets: Vec<(FileId, &str)> = group
        .translations
        .iter()
        .filter_map(|t| Some((ws.translation_file(t)?, &*t.lang)))
        .filter(|(id, _)| wanted(*id) && ws.docs[id.index()].is_some())
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let src_file = &ws.files[src.index()];
    let cached = cache
        .and_then(|c| c.sides.lock().ok())
        .and_then(|map| map.get(&(src, judge)).cloned());
    let prepared = cached.unwrap_or_else(|| {
        let prepared = Arc::new(translation::Prepared::new(
            src_file, src_doc, &ws.index, judge,
        ));
        keep(cache.map(|c| &c.sides), [((src, judge), prepared.clone())]);
        prepared
    });
    let source = SourceSide::with(src_file, src_doc, prepared);
    targets
        .into_par_iter()
        .map(|(tid, lang)| {
            let tr_file = &ws.files[tid.index()];
            let tr_doc = ws.docs[tid.index()].as_ref().expect("filtered above");
            let judge = judge.then(|| {
                LanguageJudge::new(
                    &ws.settings.language_of(&ws.settings.source_lang),
                    &ws.settings.language_of(lang),
                    source.prepared.script,
                    tr_doc.prose.iter(&tr_file.text).map(|p| p.text),
                )
            });
            Compared {
                group: g,
                source: src,
                target: tid,
                lang: lang.to_string(),
                comparison: translation::compare(
                    &source,
                    tr_file,
                    tr_doc,
                    &ws.index,
                    judge.as_ref(),
                    priors.get(&tid).map(|p| &*p.1),
                ),
                through: priors.get(&tid).map(|p| p.0),
            }
        })
        .collect()
}

/// The history, or why staleness could not be checked without it.
fn readable(history: Option<&Result<History, Unavailable>>) -> Result<&History, String> {
    match history {
        Some(Ok(h)) => Ok(h),
        Some(Err(e)) => Err(format!("staleness was not checked: {e}")),
        None => Err("staleness was not checked: the history was not read".into()),
    }
}

/// The staleness of every source section of every comparison, from the
/// history read before; fetches the old source versions it needs from git
/// (one process). `Err`: why staleness was not checked.
///
/// With `range` (the first commit of a change), each finding says which
/// commits of the range changed its source section.
pub fn staleness(
    ws: &Workspace,
    history: Option<&Result<History, Unavailable>>,
    comparisons: &[Compared],
    read: &OldSources,
    range: Option<u32>,
    cache: Option<&PriorCache>,
) -> Result<Staleness, String> {
    let history = readable(history)?;
    let refs: Vec<&Compared> = comparisons.iter().collect();
    let mut sources: Vec<FileId> = refs.iter().map(|c| c.source).collect();
    sources.sort();
    sources.dedup();
    let source_touches: HashMap<FileId, Vec<u32>> = sources
        .par_iter()
        .map(|&id| (id, stale::touches(ws, history, id)))
        .collect();
    let candidates: Vec<stale::Candidate> = refs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(k, c)| stale::candidates(ws, history, k, c, &source_touches[&c.source]))
        .collect();
    // The versions the alignment read already are not read again.
    let wanted: Vec<(u32, FileId)> = stale::requests(&candidates, &refs)
        .into_iter()
        .filter(|key| !read.contains_key(key))
        .collect();
    let versions = old_versions(ws, history, &wanted, cache);
    let mut needed: Vec<FileId> = wanted.iter().map(|w| w.1).collect();
    needed.sort_unstable();
    needed.dedup();
    let now_words = features_now(ws, &needed);
    let mut old: OldSources = wanted
        .par_iter()
        .filter_map(|key| {
            let now = now_words.get(&key.1)?;
            let then = versions.get(key)?;
            let alignment = crate::align::align_versions(now, &then.words);
            Some((
                *key,
                Arc::new(OldSource::new(then.version.clone(), alignment)),
            ))
        })
        .collect();
    for (key, source) in read {
        old.entry(*key).or_insert_with(|| source.clone());
    }
    let mut result: Staleness = refs
        .iter()
        .map(|c| {
            let n = ws.docs[c.source.index()]
                .as_ref()
                .map_or(0, |d| d.sections.len());
            vec![None; n]
        })
        .collect();
    // A source section's substance now, made once for all the translations
    // whose counterpart of it is a candidate.
    let now_substance: HashMap<(FileId, usize), std::sync::OnceLock<Option<String>>> = candidates
        .iter()
        .map(|cand| ((refs[cand.k].source, cand.s), std::sync::OnceLock::new()))
        .collect();
    let infos: Vec<(usize, usize, Arc<crate::diagnostic::StaleInfo>)> = candidates
        .par_iter()
        .filter_map(|cand| {
            let c = refs[cand.k];
            let then = old.get(&(cand.sync, c.source))?;
            let now = &now_substance[&(c.source, cand.s)];
            let info = stale::info(ws, history, c, cand, then, range, now)?;
            Some((cand.k, cand.s, Arc::new(info)))
        })
        .collect();
    for (k, s, info) in infos {
        result[k][s] = Some(info);
    }
    Ok(result)
}

/// "The history of N files could not be read …", on the first translation
/// checked whose staleness that leaves unknown.
fn unreadable_note(
    ws: &Workspace,
    history: &History,
    pairs: &[(FileId, FileId)],
) -> Option<(FileId, String)> {
    let (paths, objects) = history.unreadable();
    if paths.is_empty() {
        return None;
    }
    let affected: Vec<FileId> = pairs
        .iter()
        .filter(|(source, target)| {
            history.is_unreadable(&ws.files[source.index()].path)
                || history.is_unreadable(&ws.files[target.index()].path)
        })
        .map(|p| p.1)
        .collect();
    let first = *affected.iter().min()?;
    let mut names: Vec<&str> = paths.iter().map(String::as_str).collect();
    names.sort_unstable();
    let shown = names
        .iter()
        .take(5)
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>();
    let more = if names.len() > 5 {
        format!(" and {} more", names.len() - 5)
    } else {
        String::new()
    };
    let objects: Vec<&str> = objects.iter().map(|o| &o[..o.len().min(10)]).collect();
    Some((
        first,
        format!(
            "staleness was not checked for {} translation{}: git could not read the history of {}{more} (missing object{} {}; a partial clone?); every other file was checked",
            affected.len(),
            if affected.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if objects.len() == 1 { "" } else { "s" },
            objects.join(", ")
        ),
    ))
}

/// Keeps the stale sections that this change staled (their source changed
/// in the range, or in uncommitted edits); returns how many others there were.
fn keep_this_change(staleness: &mut Staleness) -> usize {
    let mut before = 0;
    for info in staleness.iter_mut().flatten() {
        if info
            .as_ref()
            .is_some_and(|i| i.in_range.is_empty() && !i.uncommitted)
        {
            *info = None;
            before += 1;
        }
    }
    before
}

/// Runs the `enabled` rules on the files `scope` reports on, with what the
/// edges gathered; applies suppressions and levels; sorts.
pub fn run(
    ws: &Workspace,
    scope: &Scope,
    enabled: &Enabled<'_>,
    evidence: &Evidence,
) -> Vec<Diagnostic> {
    let settings = &ws.settings;
    let mut diagnostics: Vec<Diagnostic> = (0..ws.files.len())
        .into_par_iter()
        .filter(|&i| scope.reports_on(ws, FileId(i as u32)))
        .flat_map_iter(|i| {
            let id = FileId(i as u32);
            let found = match &ws.docs[i] {
                Some(doc) => {
                    let edition = &ws.editions[i];
                    // Only declarative rules look at the language.
                    let language = if enabled.any_declared() {
                        ws.language(id)
                    } else {
                        String::new()
                    };
                    enabled.check_file(&FileContext {
                        id,
                        file: &ws.files[i],
                        doc,
                        index: &ws.index,
                        settings,
                        edition: EditionInfo {
                            language: &language,
                            is_translation: edition.is_translation,
                        },
                        external: evidence.external.as_ref(),
                    })
                }
                None => Vec::new(),
            };
            found.into_iter()
        })
        .collect();
    super::probe("file-rules");
    if enabled.any_section() {
        let judge = settings.is_enabled(RuleId::UntranslatedSection);
        let stale_on = settings.is_enabled(RuleId::StaleSection);
        let history = match &evidence.history {
            Some(Ok(h)) => Some(h),
            _ => None,
        };
        let check = |c: &Compared, stale: Option<&[_]>| {
            let target_lang = settings.language_of(&c.lang);
            enabled.check_sections(&SectionContext {
                source: file_ref(ws, c.source),
                target: file_ref(ws, c.target),
                comparison: &c.comparison,
                stale,
                source_lang: &settings.source_lang,
                target_lang: &target_lang,
                settings,
            })
        };
        let wanted = |t| scope.contains(ws, t);
        // Staleness is read for all comparisons at once (one git process),
        // so they are kept; without it, each is checked and dropped.
        let (found, pairs, note) = match history {
            Some(history) if stale_on => {
                let (comparisons, read) =
                    compare_all_cached(ws, judge, wanted, Some(history), evidence.priors.as_ref());
                super::probe("compared");
                // Nobody waits for this run's result any more (see
                // `align::interrupt`): staleness and the section rules
                // would only delay the message that interrupted it.
                let comparisons = if crate::align::interrupt::fired() {
                    Vec::new()
                } else {
                    comparisons
                };
                let (staleness, note) = if comparisons.is_empty() {
                    (Vec::new(), None)
                } else {
                    match staleness(
                        ws,
                        evidence.history.as_ref(),
                        &comparisons,
                        &read,
                        evidence.range,
                        evidence.priors.as_ref(),
                    ) {
                        Ok(mut s) => {
                            if evidence.range.is_some() && !scope.all_stale {
                                let before = keep_this_change(&mut s);
                                evidence
                                    .stale_before
                                    .fetch_add(before, std::sync::atomic::Ordering::Relaxed);
                            }
                            (s, None)
                        }
                        Err(note) => (Vec::new(), Some(note)),
                    }
                };
                let found: Vec<Diagnostic> = comparisons
                    .par_iter()
                    .enumerate()
                    .flat_map_iter(|(k, c)| check(c, staleness.get(k).map(Vec::as_slice)))
                    .collect();
                let pairs: Vec<(FileId, FileId)> =
                    comparisons.iter().map(|c| (c.source, c.target)).collect();
                (found, pairs, note)
            }
            _ => {
                let (found, pairs) = compare_each(ws, judge, wanted, history, |c| check(c, None));
                super::probe("compared");
                let note = (stale_on && !pairs.is_empty())
                    .then(|| readable(evidence.history.as_ref()).err())
                    .flatten();
                (found, pairs, note)
            }
        };
        diagnostics.extend(found);
        // Sync markers naming a commit the history does not have.
        if let (true, Some(history)) = (stale_on, history) {
            for &(source, target) in &pairs {
                let (file, doc) = (&ws.files[target.index()], ws.docs[target.index()].as_ref());
                for (span, id, added) in doc
                    .map(|d| {
                        stale::unknown_markers(file, d, history, &ws.files[source.index()].path)
                    })
                    .unwrap_or_default()
                {
                    diagnostics.push(rules::stale_marker_unknown(
                        target,
                        span,
                        &id,
                        added.as_ref(),
                        &ws.files[source.index()].path,
                    ));
                }
            }
        }
        // Said once: on the first translation checked.
        if let (Some(note), Some(first)) = (note, pairs.iter().map(|p| p.1).min()) {
            diagnostics.push(rules::stale_unchecked(first, note));
        }
        // Files whose history git could not read: said once, naming them.
        if let (true, Some(history)) = (stale_on, history)
            && let Some((first, note)) = unreadable_note(ws, history, &pairs)
        {
            diagnostics.push(rules::stale_unchecked(first, note));
        }
    }
    // Before the levels: `unused-suppression` findings get theirs too.
    apply_suppressions(ws, scope, evidence, &mut diagnostics);
    if !scope.inbound.is_empty() {
        diagnostics
            .retain(|d| !scope.inbound.contains(&d.file) || scope.is_about_changed_link(ws, d));
    }
    diagnostics.extend(
        ws.read_problems
            .iter()
            .filter(|d| scope.contains(ws, d.file))
            .cloned(),
    );
    apply_levels(ws, &mut diagnostics);
    report::sort(&mut diagnostics);
    diagnostics
}

fn file_ref(ws: &Workspace, id: FileId) -> FileRef<'_> {
    FileRef {
        id,
        file: &ws.files[id.index()],
        doc: ws.docs[id.index()]
            .as_ref()
            .expect("compared files are parsed"),
    }
}

/// Applies the inline suppressions (`<!-- lockstep-disable … -->`) of the
/// files the run reports on.
fn apply_suppressions(
    ws: &Workspace,
    scope: &Scope,
    evidence: &Evidence,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let files: Vec<FileId> = (0..ws.files.len() as u32)
        .map(FileId)
        .filter(|id| {
            scope.reports_on(ws, *id)
                && ws.docs[id.index()]
                    .as_ref()
                    .is_some_and(|d| d.comments.iter().any(|c| c.text.starts_with("lockstep-")))
        })
        .collect();
    if files.is_empty() {
        return;
    }
    let mut by_file: BTreeMap<FileId, Vec<Diagnostic>> =
        files.iter().map(|&f| (f, Vec::new())).collect();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics.drain(..) {
        match by_file.get_mut(&d.file) {
            Some(v) => v.push(d),
            None => kept.push(d),
        }
    }
    // A suppression of a rule that did not run (in this file: overrides)
    // cannot be called unused.
    let history = ws.settings.is_enabled(RuleId::StaleSection)
        && evidence.history.as_ref().is_some_and(|h| h.is_ok());
    // Names of shipped rules resolve even when their packs are not on.
    let names = |n: &str| -> Result<RuleId, String> {
        RuleId::from_name(n)
            .or_else(|| packs::load().ok().and_then(|_| RuleId::from_name(n)))
            .ok_or_else(|| ws.settings.did_you_mean_rule(n))
    };
    for (id, mut found) in by_file {
        if let Some(doc) = &ws.docs[id.index()] {
            let file = &ws.files[id.index()];
            let ran = |rule: RuleId| {
                (rule.always_on() || ws.settings.is_enabled_in(rule, &file.path))
                    && (rule != RuleId::StaleSection || history)
            };
            suppress::apply(id, file, doc, &mut found, &ran, &names);
        }
        kept.append(&mut found);
    }
    *diagnostics = kept;
}

/// The configured level of each finding's rule (per file, with overrides);
/// findings of rules that are off are dropped.
fn apply_levels(ws: &Workspace, diagnostics: &mut Vec<Diagnostic>) {
    let settings = &ws.settings;
    diagnostics.retain_mut(|d| {
        if d.rule.always_on() {
            return true;
        }
        let level = if settings.overrides.is_empty() {
            settings.severity(d.rule)
        } else {
            settings.severity_in(d.rule, &ws.files[d.file.index()].path)
        };
        // The configured level replaces the rule's default; findings a rule
        // reports below its default (notes, warnings) never rise above it.
        match level {
            Some(level) => {
                d.severity = if d.severity == d.rule.default_severity() {
                    level
                } else {
                    d.severity.min(level)
                };
                true
            }
            None => false,
        }
    });
}

/// Moves one root's files and diagnostics into `report`, prefixing paths
/// with `prefix` (for runs over several roots).
pub fn merge_into(
    report: &mut Report,
    ws: Workspace,
    scope: &Scope,
    diagnostics: Vec<Diagnostic>,
    prefix: &str,
) {
    report.checked += scope.checked_files(&ws);
    let offset = report.files.len() as u32;
    report.in_scope.reserve(ws.files.len());
    for i in 0..ws.files.len() {
        report
            .in_scope
            .push(ws.docs[i].is_some() && scope.contains(&ws, FileId(i as u32)));
    }
    let declared = ws.settings.declared.rules.iter().map(|r| r.id);
    for rule in RuleId::ALL.iter().copied().chain(declared) {
        if ws.settings.is_enabled(rule) && !report.rules.contains(&rule) {
            report.rules.push(rule);
        }
    }
    report.langs.extend(ws.editions.into_iter().map(|e| e.lang));
    let mut files = ws.files;
    if !prefix.is_empty() {
        for file in &mut files {
            file.path = format!("{prefix}{}", file.path);
        }
    }
    // The first root's list is taken as it is (no copy of every file).
    if report.files.is_empty() {
        report.files = files;
    } else {
        report.files.extend(files);
    }
    // Freeing 40,000 parsed documents takes a while; nothing waits for it.
    let heavy = (ws.docs, ws.index);
    std::thread::spawn(move || drop(heavy));
    report
        .diagnostics
        .extend(diagnostics.into_iter().map(|mut d| {
            d.file = FileId(d.file.0 + offset);
            if let Some(s) = &mut d.source {
                s.file = FileId(s.file.0 + offset);
            }
            d
        }));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys whose file has the same text share one parse; other files with
    /// that text, other texts and texts not read do not.
    #[test]
    fn each_text_of_a_file_is_parsed_once() {
        let (a, b) = (FileId(0), FileId(1));
        let keys = [(1, a), (2, a), (3, b), (4, a), (5, a), (6, a)];
        let text = |t: &str| Some(t.to_string());
        let texts = vec![text("x"), text("x"), text("x"), text("y"), None, text("x")];
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let got = parsed_once(&keys, texts, |id, t| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (id, t)
        });
        assert_eq!(calls.into_inner(), 3, "x in a, x in b, y in a");
        let value = |i: usize| got[i].as_deref().cloned();
        assert_eq!(value(0), Some((a, "x".to_string())));
        assert_eq!(value(2), Some((b, "x".to_string())));
        assert_eq!(value(3), Some((a, "y".to_string())));
        assert_eq!(value(4), None);
        let shared =
            |i: usize, j: usize| Arc::ptr_eq(got[i].as_ref().unwrap(), got[j].as_ref().unwrap());
        assert!(shared(0, 1) && shared(0, 5));
        assert!(!shared(0, 2) && !shared(0, 3));
    }
}
