//! Orchestration: the pipeline from paths and settings to a report.
//!
//! [`Workspace::load`] discovers a documentation root, reads and parses every
//! Markdown file once (in parallel) and builds the index; [`Workspace::check`]
//! runs the rules (in parallel) and returns sorted diagnostics. This is the
//! only module that uses rayon; everything below it is single-threaded and
//! pure. [`fix`] runs the fix loop on a workspace.

pub mod baseline;
pub mod fix;
pub mod stale;
pub mod status;
pub mod sync;

pub use self::stale::StaleInfo;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, ConfigError, Settings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::layout::{self, DocGroup};
use crate::discover::{self, ReadError};
use crate::history::{History, Unavailable};
use crate::index::{self, AnchorSet, Index};
use crate::parse::{self, Document, ParseOptions};
use crate::rules::{self, FileContext, FileRef, RuleId, SectionContext};
use crate::source::{FileId, SourceFile, Span};
use crate::suppress;
use crate::translation::{self, Comparison, LanguageJudge, SourceSide};

/// Why a run could not produce a report.
#[derive(Debug)]
pub enum AppError {
    Config(ConfigError),
    /// Bad command-line input (a path that does not exist, an unknown rule).
    Usage(String),
    /// `fix` kept changing files after the maximum number of passes.
    NoConvergence {
        rules: Vec<RuleId>,
    },
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Config(e) => e.fmt(f),
            AppError::Usage(m) => f.write_str(m),
            AppError::NoConvergence { rules } => {
                let names: Vec<&str> = rules.iter().map(|r| r.name()).collect();
                write!(
                    f,
                    "fixes did not converge after {} passes (rules: {}); nothing was written",
                    fix::MAX_PASSES,
                    names.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for AppError {}

impl From<ConfigError> for AppError {
    fn from(e: ConfigError) -> Self {
        AppError::Config(e)
    }
}

/// What the command line asked for, validated.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    /// Rule names (built-in or declarative), resolved per root.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Report only editions in these languages (file-name codes, or the source language).
    pub langs: Vec<String>,
    /// Report only files changed since this git revision, and translations
    /// whose source changed since it.
    pub changed_since: Option<String>,
    /// External link checking.
    pub external: ExternalOptions,
}

/// What the command line says about external links.
#[derive(Debug, Clone, Default)]
pub struct ExternalOptions {
    /// `--external`: turn on `dead-link`.
    pub enabled: bool,
    /// `--report-redirects`: turn on `redirected-link`.
    pub report_redirects: bool,
    pub allow_private: bool,
    pub use_env_proxy: bool,
    pub no_cache: bool,
    /// Show a progress bar (stderr is a terminal).
    pub progress: bool,
    /// Name → addresses instead of DNS (tests, benchmarks); still filtered.
    pub overrides: std::collections::HashMap<String, Vec<std::net::IpAddr>>,
    /// Allow loopback addresses only (tests, benchmarks).
    pub allow_loopback: bool,
}

/// The edition a file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// Index into [`Workspace::groups`].
    pub group: usize,
    /// The file-name language code for a translation; the source language for
    /// the source edition of a multi-edition document; `None` for a
    /// single-edition document.
    pub lang: Option<String>,
    pub is_translation: bool,
}

/// One documentation root, discovered, read, parsed and indexed.
pub struct Workspace {
    pub root: PathBuf,
    pub settings: Settings,
    /// Every Markdown file, sorted by path; `FileId(i)` is `files[i]`.
    pub files: Vec<SourceFile>,
    /// Parsed documents; `None` for files that could not be read.
    pub docs: Vec<Option<Document>>,
    pub editions: Vec<Edition>,
    pub groups: Vec<DocGroup>,
    pub index: Index,
    /// Files that could not be read (`io-error`, `file-too-large`).
    pub read_problems: Vec<Diagnostic>,
    /// Git history, read on first use.
    history: OnceLock<Result<History, Unavailable>>,
    /// Outcomes of the external link checks (by URL as requested), when
    /// `dead-link` or `redirected-link` ran.
    pub external: Option<HashMap<String, crate::net::Outcome>>,
}

/// Loads the settings for `root`: `--config` if given, else `lockstep.toml`
/// at the root if present, else defaults.
pub fn load_settings(root: &Path, explicit: Option<&Path>) -> Result<Settings, ConfigError> {
    match explicit {
        Some(path) => Settings::load(path),
        None => {
            let path = root.join(CONFIG_FILE);
            if path.is_file() {
                Settings::load(&path)
            } else {
                Ok(Settings::default())
            }
        }
    }
}

impl Workspace {
    /// Discovers, reads and parses everything under `root`.
    pub fn load(root: &Path, settings: Settings) -> Self {
        Self::load_some(root, settings, None)
    }

    /// Discovers the tree but reads and parses only the Markdown files that
    /// `needed` accepts, their other editions, and the Markdown files those
    /// link to (whose anchors the checks need). The other files exist for
    /// link checks but are not read.
    pub fn load_needed(root: &Path, settings: Settings, needed: &dyn Fn(&str) -> bool) -> Self {
        Self::load_some(root, settings, Some(needed))
    }

    fn load_some(root: &Path, settings: Settings, needed: Option<&dyn Fn(&str) -> bool>) -> Self {
        let mut tree = discover::walk(root, &settings);
        let extra_codes: HashSet<String> = settings.languages.keys().cloned().collect();
        let classifier = layout::Classifier::new(
            &tree.markdown,
            &tree.dirs,
            &settings.layouts,
            &settings.source_lang,
            &extra_codes,
        );
        let found = tree
            .markdown
            .par_iter()
            .map(|p| classifier.classify(p))
            .collect();
        drop(classifier);
        let groups = layout::assemble(&tree.markdown, found);
        // Which files to read: all, or the needed ones with their editions.
        let mut wanted: Vec<bool> = match needed {
            None => vec![true; tree.markdown.len()],
            Some(needed) => {
                let mut w: Vec<bool> = tree.markdown.iter().map(|p| needed(p)).collect();
                let position = |p: &str| tree.markdown.binary_search_by(|m| m.as_str().cmp(p)).ok();
                for g in &groups {
                    let members: Vec<usize> = std::iter::once(g.source.as_str())
                        .chain(g.translations.iter().map(|t| t.path.as_str()))
                        .filter_map(position)
                        .collect();
                    if members.iter().any(|&i| w[i]) {
                        members.iter().for_each(|&i| w[i] = true);
                    }
                }
                w
            }
        };
        let max = settings.max_file_size;
        let parse_options =
            ParseOptions::new(&settings.toc_titles).with_text_runs(settings.needs_text_runs());
        let load = |wanted: &[bool], tree: &discover::Tree| -> Vec<Option<Loaded>> {
            tree.markdown
                .par_iter()
                .enumerate()
                .map(|(i, rel)| {
                    wanted[i].then(|| load_file(root, rel, FileId(i as u32), max, &parse_options))
                })
                .collect()
        };
        let mut loaded = load(&wanted, &tree);
        if needed.is_some() {
            // Second round: Markdown files the loaded ones link to.
            let known: HashSet<&str> = tree.markdown.iter().map(String::as_str).collect();
            let mut more = vec![false; wanted.len()];
            for l in &loaded {
                let Some((file, Some(doc), _)) = l else {
                    continue;
                };
                for link in &doc.links {
                    let Some(target) = index::link_path(&file.path, &link.dest) else {
                        continue;
                    };
                    if known.contains(target.as_str())
                        && let Ok(j) = tree.markdown.binary_search(&target)
                        && !wanted[j]
                    {
                        more[j] = true;
                    }
                }
            }
            if more.iter().any(|&m| m) {
                for (slot, extra) in loaded.iter_mut().zip(load(&more, &tree)) {
                    if extra.is_some() {
                        *slot = extra;
                    }
                }
                for (w, m) in wanted.iter_mut().zip(&more) {
                    *w |= m;
                }
            }
        }
        let mut files = Vec::with_capacity(loaded.len());
        let mut docs = Vec::with_capacity(loaded.len());
        let mut read_problems = Vec::new();
        for (i, l) in loaded.into_iter().enumerate() {
            match l {
                Some((file, doc, problem)) => {
                    files.push(file);
                    docs.push(doc);
                    read_problems.extend(problem);
                }
                None => {
                    files.push(SourceFile::new(tree.markdown[i].clone(), String::new()));
                    docs.push(None);
                }
            }
        }
        let editions = editions(&files, &groups, &settings.source_lang);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let anchors = docs
            .par_iter()
            .map(|d| d.as_ref().map(AnchorSet::from_document))
            .collect();
        let index = Index::build(&mut tree, &paths, anchors);
        Self {
            root: root.to_path_buf(),
            settings,
            files,
            docs,
            editions,
            groups,
            index,
            read_problems,
            history: OnceLock::new(),
            external: None,
        }
    }

    /// The files a change touches: the changed files themselves and the
    /// translations of changed source editions.
    pub fn changed_scope(&self, changed: &HashSet<String>) -> HashSet<FileId> {
        let mut out: HashSet<FileId> = changed.iter().filter_map(|p| self.file_id(p)).collect();
        for g in &self.groups {
            if changed.contains(&g.source) {
                out.extend(g.translations.iter().filter_map(|t| self.file_id(&t.path)));
            }
        }
        out
    }

    /// The files among `candidates` (outside `except`) with a link whose
    /// target is one of the `changed` paths.
    pub fn links_into(
        &self,
        candidates: &HashSet<String>,
        changed: &HashSet<String>,
        except: &HashSet<FileId>,
    ) -> HashSet<FileId> {
        candidates
            .iter()
            .filter_map(|p| self.file_id(p))
            .filter(|id| !except.contains(id))
            .filter(|id| {
                self.docs[id.index()].as_ref().is_some_and(|doc| {
                    let from = &self.files[id.index()].path;
                    doc.links.iter().chain(&doc.images).any(|l| {
                        index::link_path(from, &l.dest).is_some_and(|t| changed.contains(&t))
                    })
                })
            })
            .collect()
    }

    /// Whether a finding in an inbound file (see [`Scope::inbound`]) is about
    /// one of its links into a changed file.
    fn is_about_changed_link(&self, d: &Diagnostic, changed: &HashSet<String>) -> bool {
        if !matches!(
            d.rule,
            RuleId::BrokenAnchor | RuleId::BrokenLink | RuleId::MissingImage
        ) {
            return false;
        }
        let Some(doc) = &self.docs[d.file.index()] else {
            return false;
        };
        let from = &self.files[d.file.index()].path;
        doc.links.iter().chain(&doc.images).any(|l| {
            l.span.start <= d.span.start
                && d.span.end <= l.span.end
                && index::link_path(from, &l.dest).is_some_and(|t| changed.contains(&t))
        })
    }

    /// Every external `http(s)` URL in the files the run reports on, with
    /// where it is written.
    pub fn external_occurrences(&self, scope: &Scope) -> Vec<rules::dead_link::Occurrence> {
        let mut out = Vec::new();
        for (i, doc) in self.docs.iter().enumerate() {
            let id = FileId(i as u32);
            let Some(doc) = doc else { continue };
            if !self.reports_on(id, scope) {
                continue;
            }
            for l in doc.links.iter().chain(&doc.images) {
                let dest = l.dest.trim();
                let lower = dest.get(..8).unwrap_or(dest).to_ascii_lowercase();
                if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                    continue;
                }
                out.push(rules::dead_link::Occurrence {
                    file: id,
                    span: l.target_span(),
                    url: dest.to_string(),
                    request: crate::net::request_url(dest).map(|u| u.to_string()),
                });
            }
        }
        out
    }

    /// The git history of the root (read once, on first use).
    pub fn history(&self) -> Result<&History, &Unavailable> {
        self.history
            .get_or_init(|| History::load(&self.root, &self.settings.ignore_revs))
            .as_ref()
    }

    /// Compares every translation in scope with its source edition
    /// (judging sections when `judge`), and — when `stale` — works out which
    /// sections are stale. The note says why staleness was not checked.
    pub fn compare_all(
        &self,
        judge: bool,
        stale: bool,
        wanted: impl Fn(FileId) -> bool + Sync,
    ) -> ComparedAll {
        let comparisons: Vec<Compared> = (0..self.groups.len())
            .into_par_iter()
            .flat_map_iter(|g| self.compare_group(g, judge, &wanted))
            .collect();
        if !stale || comparisons.is_empty() {
            return (comparisons, Vec::new(), None);
        }
        match self.history() {
            Ok(h) => {
                let refs: Vec<&Compared> = comparisons.iter().collect();
                let staleness = stale::compute(self, h, &refs);
                (comparisons, staleness, None)
            }
            Err(e) => (
                comparisons,
                Vec::new(),
                Some(format!("staleness was not checked: {e}")),
            ),
        }
    }

    /// Replaces a file's text (after a fix): re-parses it and refreshes its anchors.
    pub fn update_file(&mut self, id: FileId, text: String) {
        let opts = ParseOptions::new(&self.settings.toc_titles)
            .with_text_runs(self.settings.needs_text_runs());
        let path = std::mem::take(&mut self.files[id.index()].path);
        let file = SourceFile::new(path, text);
        let doc = parse::parse_with(&file.text, &file.lines, &opts);
        self.index.set_anchors(id, AnchorSet::from_document(&doc));
        self.files[id.index()] = file;
        self.docs[id.index()] = Some(doc);
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| FileId(i as u32))
    }

    /// Whether `file` is within the reporting scope.
    fn in_scope(&self, file: FileId, scope: &Scope) -> bool {
        if scope.files.as_ref().is_some_and(|f| !f.contains(&file)) {
            return false;
        }
        self.in_scope_but_files(file, scope)
    }

    /// In scope, or an inbound file (see [`Scope::inbound`]) in scope but
    /// for the changed-files filter.
    fn reports_on(&self, file: FileId, scope: &Scope) -> bool {
        self.in_scope(file, scope)
            || (scope.inbound.contains(&file) && self.in_scope_but_files(file, scope))
    }

    fn in_scope_but_files(&self, file: FileId, scope: &Scope) -> bool {
        let edition = &self.editions[file.index()];
        if let Some(groups) = &scope.groups
            && !groups.contains(&edition.group)
        {
            return false;
        }
        if scope.langs.is_empty() {
            return true;
        }
        let lang = edition
            .lang
            .as_deref()
            .unwrap_or(self.settings.source_lang.as_str());
        scope.langs.iter().any(|l| l == lang)
    }

    /// Runs every enabled rule on the files in scope.
    pub fn check(&self, scope: &Scope) -> Vec<Diagnostic> {
        let settings = &self.settings;
        let declared: Vec<&crate::declarative::DeclaredRule> = settings
            .declared
            .rules
            .iter()
            .filter(|r| settings.is_enabled(r.id))
            .map(|r| r.as_ref())
            .collect();
        let mut diagnostics: Vec<Diagnostic> = (0..self.files.len())
            .into_par_iter()
            .filter(|&i| self.reports_on(FileId(i as u32), scope))
            .flat_map_iter(|i| {
                let id = FileId(i as u32);
                let found = match &self.docs[i] {
                    Some(doc) => {
                        let edition = &self.editions[i];
                        // Only declarative rules look at the language.
                        let language = if declared.is_empty() {
                            String::new()
                        } else {
                            settings.language_of(
                                edition.lang.as_deref().unwrap_or(&settings.source_lang),
                            )
                        };
                        rules::check_file(&FileContext {
                            id,
                            file: &self.files[i],
                            doc,
                            index: &self.index,
                            settings,
                            edition: crate::declarative::EditionInfo {
                                language: &language,
                                is_translation: edition.is_translation,
                            },
                            declared: &declared,
                        })
                    }
                    None => Vec::new(),
                };
                found.into_iter()
            })
            .collect();
        if rules::any_section_rule(settings) {
            let judge = settings.is_enabled(RuleId::UntranslatedSection);
            let stale = settings.is_enabled(RuleId::StaleSection);
            let (comparisons, staleness, note) =
                self.compare_all(judge, stale, |t| self.in_scope(t, scope));
            let found: Vec<Diagnostic> = comparisons
                .par_iter()
                .enumerate()
                .flat_map_iter(|(k, c)| {
                    let target_lang = settings.language_of(&c.lang);
                    let ctx = SectionContext {
                        source: self.file_ref(c.source),
                        target: self.file_ref(c.target),
                        comparison: &c.comparison,
                        stale: staleness.get(k).map(Vec::as_slice),
                        source_lang: &settings.source_lang,
                        target_lang: &target_lang,
                        settings,
                    };
                    rules::check_sections(&ctx)
                })
                .collect();
            diagnostics.extend(found);
            // Said once: on the first translation checked.
            if let (Some(note), Some(first)) = (note, comparisons.iter().map(|c| c.target).min()) {
                diagnostics.push(rules::stale_unchecked(first, note));
            }
        }
        if let Some(outcomes) = &self.external {
            let occurrences = self.external_occurrences(scope);
            diagnostics.extend(rules::dead_link::diagnostics(
                &occurrences,
                outcomes,
                &self.files,
                settings.is_enabled(RuleId::DeadLink),
                settings.is_enabled(RuleId::RedirectedLink),
            ));
        }
        // Before the levels: `unused-suppression` findings get theirs too.
        self.suppress(scope, &mut diagnostics);
        if !scope.inbound.is_empty() {
            diagnostics.retain(|d| {
                !scope.inbound.contains(&d.file) || self.is_about_changed_link(d, &scope.changed)
            });
        }
        diagnostics.extend(
            self.read_problems
                .iter()
                .filter(|d| self.in_scope(d.file, scope))
                .cloned(),
        );
        apply_severities(&mut diagnostics, settings, &self.files);
        sort(&mut diagnostics);
        diagnostics
    }

    /// Applies the inline suppressions (`<!-- lockstep-disable … -->`) of
    /// the files in scope.
    fn suppress(&self, scope: &Scope, diagnostics: &mut Vec<Diagnostic>) {
        let files: Vec<FileId> = (0..self.files.len() as u32)
            .map(FileId)
            .filter(|id| {
                self.reports_on(*id, scope)
                    && self.docs[id.index()]
                        .as_ref()
                        .is_some_and(|d| d.comments.iter().any(|c| c.text.starts_with("lockstep-")))
            })
            .collect();
        if files.is_empty() {
            return;
        }
        let mut by_file: std::collections::BTreeMap<FileId, Vec<Diagnostic>> =
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
        let history = self.settings.is_enabled(RuleId::StaleSection)
            && self.history.get().is_some_and(|h| h.is_ok());
        for (id, mut found) in by_file {
            if let Some(doc) = &self.docs[id.index()] {
                let file = &self.files[id.index()];
                let ran = |rule: RuleId| {
                    (rule.always_on() || self.settings.is_enabled_in(rule, &file.path))
                        && (rule != RuleId::StaleSection || history)
                };
                suppress::apply(id, file, doc, &mut found, &ran);
            }
            kept.append(&mut found);
        }
        *diagnostics = kept;
    }

    fn file_ref(&self, id: FileId) -> FileRef<'_> {
        FileRef {
            id,
            file: &self.files[id.index()],
            doc: self.docs[id.index()]
                .as_ref()
                .expect("compared files are parsed"),
        }
    }

    /// Compares each translation of document group `g` (those `wanted`) with
    /// the group's source edition; with `judge`, sections are also judged
    /// translated or not. Files that were not parsed are skipped.
    pub fn compare_group(
        &self,
        g: usize,
        judge: bool,
        wanted: &(impl Fn(FileId) -> bool + Sync),
    ) -> Vec<Compared> {
        let group = &self.groups[g];
        let Some(src) = self.file_id(&group.source) else {
            return Vec::new();
        };
        let Some(src_doc) = &self.docs[src.index()] else {
            return Vec::new();
        };
        let targets: Vec<(FileId, &str)> = group
            .translations
            .iter()
            .filter_map(|t| Some((self.file_id(&t.path)?, t.lang.as_str())))
            .filter(|(id, _)| wanted(*id) && self.docs[id.index()].is_some())
            .collect();
        if targets.is_empty() {
            return Vec::new();
        }
        let source = SourceSide::new(&self.files[src.index()], src_doc, &self.index, judge);
        targets
            .into_par_iter()
            .map(|(tid, lang)| {
                let tr_file = &self.files[tid.index()];
                let tr_doc = self.docs[tid.index()].as_ref().expect("filtered above");
                let judge = judge.then(|| {
                    LanguageJudge::new(
                        &self.settings.language_of(&self.settings.source_lang),
                        &self.settings.language_of(lang),
                        source.script,
                        tr_doc.prose.iter().map(|p| p.text.as_str()),
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
                        &self.index,
                        judge.as_ref(),
                    ),
                }
            })
            .collect()
    }

    /// Number of files in scope that were parsed.
    pub fn checked_files(&self, scope: &Scope) -> usize {
        (0..self.files.len())
            .filter(|&i| self.docs[i].is_some() && self.in_scope(FileId(i as u32), scope))
            .count()
    }
}

/// Per source section of each comparison: why it is stale.
pub type Staleness = Vec<Vec<Option<Arc<StaleInfo>>>>;

/// Every comparison, the staleness of their sections, and why staleness was
/// not checked (if it was not).
pub type ComparedAll = (Vec<Compared>, Staleness, Option<String>);

/// One translation compared with its source edition.
pub struct Compared {
    /// Index into [`Workspace::groups`].
    pub group: usize,
    pub source: FileId,
    pub target: FileId,
    /// The translation's language code (as in its file name).
    pub lang: String,
    pub comparison: Comparison,
}

/// Which files a run reports on.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only these document groups (a file argument limits the run to its document).
    pub groups: Option<HashSet<usize>>,
    /// Only these files (`--changed-since`).
    pub files: Option<HashSet<FileId>>,
    /// With `--changed-since`: files outside `files` that link to a changed
    /// file; only findings about those links are reported for them.
    pub inbound: HashSet<FileId>,
    /// With `--changed-since`: the changed paths.
    pub changed: HashSet<String>,
    /// Only editions in these languages.
    pub langs: Vec<String>,
}

/// A file as read: its text, its document (if it parsed), a read problem.
type Loaded = (SourceFile, Option<Document>, Option<Diagnostic>);

fn load_file(
    root: &Path,
    rel: &str,
    id: FileId,
    max: u64,
    opts: &ParseOptions,
) -> (SourceFile, Option<Document>, Option<Diagnostic>) {
    match discover::read(root, rel, max) {
        Ok(text) => {
            let file = SourceFile::new(rel.to_string(), text);
            let doc = parse::parse_with(&file.text, &file.lines, opts);
            (file, Some(doc), None)
        }
        Err(ReadError::TooLarge { size, max }) => (
            SourceFile::new(rel.to_string(), String::new()),
            None,
            Some(rules::file_too_large(id, size, max)),
        ),
        Err(ReadError::Io(e)) => (
            SourceFile::new(rel.to_string(), String::new()),
            None,
            Some(rules::io_error(
                id,
                Span::empty(0),
                format!("cannot read file: {e}"),
            )),
        ),
        Err(ReadError::InvalidUtf8 { lossy, offset }) => {
            // The lossy text equals the original up to `offset`.
            let end = lossy[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            (
                SourceFile::new(rel.to_string(), lossy),
                None,
                Some(rules::io_error(
                    id,
                    Span::new(offset, end),
                    "file is not valid UTF-8; it was not checked".into(),
                )),
            )
        }
    }
}

fn editions(files: &[SourceFile], groups: &[DocGroup], source_lang: &str) -> Vec<Edition> {
    let by_path: std::collections::HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut out = vec![
        Edition {
            group: usize::MAX,
            lang: None,
            is_translation: false,
        };
        files.len()
    ];
    for (g, group) in groups.iter().enumerate() {
        if let Some(&i) = by_path.get(group.source.as_str()) {
            out[i] = Edition {
                group: g,
                lang: (!group.translations.is_empty()).then(|| source_lang.to_string()),
                is_translation: false,
            };
        }
        for t in &group.translations {
            if let Some(&i) = by_path.get(t.path.as_str()) {
                out[i] = Edition {
                    group: g,
                    lang: Some(t.lang.clone()),
                    is_translation: true,
                };
            }
        }
    }
    out
}

fn apply_severities(diagnostics: &mut Vec<Diagnostic>, settings: &Settings, files: &[SourceFile]) {
    diagnostics.retain_mut(|d| {
        if d.rule.always_on() {
            return true;
        }
        let level = if settings.overrides.is_empty() {
            settings.severity(d.rule)
        } else {
            settings.severity_in(d.rule, &files[d.file.index()].path)
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

/// Deterministic order: file, position, rule, message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The outcome of `lockstep check` over one or more roots.
#[derive(Debug, Default)]
pub struct Report {
    /// Files by `FileId`; paths as they should be displayed.
    pub files: Vec<SourceFile>,
    /// Language of each file's edition (see [`Edition::lang`]).
    pub langs: Vec<Option<String>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files checked.
    pub checked: usize,
    /// With one documentation root: the root as given on the command line
    /// (paths in `files` are relative to it); empty otherwise.
    pub base: String,
    /// Messages about the run itself (baseline entries that no longer occur).
    pub notes: Vec<String>,
    /// Per file: whether this run checked it (it was in scope and read).
    pub in_scope: Vec<bool>,
    /// Rules enabled in at least one root.
    pub rules: Vec<RuleId>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// A file's path relative to the current folder (for CI annotations and
    /// SARIF): the root joined with the path.
    pub fn display_path(&self, file: FileId) -> String {
        let path = &self.files[file.index()].path;
        let base = self.base.trim_end_matches('/');
        let joined = if base.is_empty() || base == "." {
            path.clone()
        } else {
            format!("{base}/{path}")
        };
        joined.strip_prefix("./").unwrap_or(&joined).to_string()
    }

    /// Fingerprints of the findings, in order: [`Diagnostic::fingerprint`],
    /// with `#2`, `#3` … appended to repeats of the same fingerprint.
    pub fn fingerprints(&self) -> Vec<String> {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        self.diagnostics
            .iter()
            .map(|d| {
                let f = d.fingerprint(&self.files[d.file.index()]);
                let n = seen.entry(f.clone()).or_default();
                *n += 1;
                if *n == 1 { f } else { format!("{f}#{n}") }
            })
            .collect()
    }

    /// Whether a file could not be read (exit code 2).
    pub fn has_io_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.rule == RuleId::IoError)
    }
}

/// A documentation root and the files given on the command line inside it
/// (`None`: the whole root).
pub(crate) type RootArg = (PathBuf, Option<Vec<PathBuf>>);

/// Groups command-line paths by documentation root. A folder is a root of
/// its own (reported whole); a file adds its document to its root's scope.
pub(crate) fn roots(paths: &[PathBuf]) -> Result<Vec<RootArg>, AppError> {
    let mut out: Vec<RootArg> = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(AppError::Usage(format!(
                "path `{}` does not exist",
                p.display()
            )));
        }
        let root = discover::root_for(p);
        let is_dir = p.is_dir();
        let slot = match out.iter_mut().find(|(r, _)| same_path(r, &root)) {
            Some(slot) => slot,
            None => {
                out.push((root.clone(), Some(Vec::new())));
                out.last_mut().expect("just pushed")
            }
        };
        if is_dir {
            slot.1 = None;
        } else if let Some(files) = &mut slot.1 {
            files.push(p.clone());
        }
    }
    Ok(out)
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `--external` and `--report-redirects` turn their rules on (over
/// `--select`, not over `--ignore`).
pub fn external_flags(settings: &mut Settings, ext: &ExternalOptions, ignore: &[String]) {
    let external = ext.enabled || settings.is_enabled(RuleId::DeadLink);
    for (on, rule) in [
        (ext.enabled, RuleId::DeadLink),
        (external && ext.report_redirects, RuleId::RedirectedLink),
    ] {
        if on && !ignore.iter().any(|n| n == rule.name()) {
            settings
                .severities
                .insert(rule, Some(rule.default_severity()));
        }
    }
}

/// The network edge: when `dead-link` or `redirected-link` is on, checks
/// the external URLs of the files in scope (from the cache when fresh) and
/// leaves the outcomes in the workspace for the rules. Returns notes about
/// the run (cache problems).
pub fn check_external(
    ws: &mut Workspace,
    scope: &Scope,
    ext: &ExternalOptions,
) -> Result<Vec<String>, AppError> {
    let settings = &ws.settings;
    if !settings.is_enabled(RuleId::DeadLink) && !settings.is_enabled(RuleId::RedirectedLink) {
        return Ok(Vec::new());
    }
    let config = &settings.external;
    let mut urls: Vec<String> = ws
        .external_occurrences(scope)
        .into_iter()
        .filter_map(|o| o.request.ok())
        .filter(|u| config.wants(u))
        .collect();
    urls.sort_unstable();
    urls.dedup();
    let mut cache = (config.cache && !ext.no_cache)
        .then(|| crate::net::cache::Cache::load(&ws.root, config.cache_max_age));
    let mut outcomes: HashMap<String, crate::net::Outcome> = HashMap::new();
    let mut to_check = Vec::new();
    for u in urls {
        match cache.as_ref().and_then(|c| c.get(&u)) {
            Some(o) => {
                outcomes.insert(u, o);
            }
            None => {
                if let Ok(parsed) = crate::net::request_url(&u) {
                    to_check.push(parsed);
                }
            }
        }
    }
    let net = crate::net::NetOptions {
        max_concurrency: config.max_concurrency,
        per_host: config.per_host,
        connect_timeout: config.connect_timeout,
        timeout: config.timeout,
        max_redirects: config.max_redirects,
        retries: config.retries,
        policy: crate::net::AddressPolicy {
            allow_private: ext.allow_private,
            allow_loopback: ext.allow_loopback,
        },
        use_env_proxy: ext.use_env_proxy,
        overrides: ext.overrides.clone(),
        progress: ext.progress,
        ..crate::net::NetOptions::default()
    };
    let checked = crate::net::check_urls(&to_check, &net).map_err(AppError::Usage)?;
    let mut notes = Vec::new();
    for (url, outcome) in checked {
        let key = url.to_string();
        if let Some(c) = cache.as_mut() {
            c.put(&key, &outcome);
        }
        outcomes.insert(key, outcome);
    }
    if let Some(c) = cache
        && let Err(e) = c.save()
    {
        notes.push(format!(
            "the link cache {} could not be written: {e}",
            ws.root.join(crate::net::cache::CACHE_FILE).display()
        ));
    }
    ws.external = Some(outcomes);
    Ok(notes)
}

/// Applies `--select` and `--ignore` (rule names) to a root's settings.
pub fn select_rules(
    settings: &mut Settings,
    select: &[String],
    ignore: &[String],
) -> Result<(), AppError> {
    let resolve = |names: &[String]| -> Result<Vec<RuleId>, AppError> {
        names
            .iter()
            .map(|n| {
                RuleId::from_name(n).ok_or_else(|| {
                    AppError::Usage(format!("unknown rule `{n}`{}", rules::did_you_mean(n)))
                })
            })
            .collect()
    };
    let (select, ignore) = (resolve(select)?, resolve(ignore)?);
    settings.select(&select, &ignore);
    Ok(())
}

/// The file a path given on the command line names in the workspace, if it
/// is one of its Markdown files (not excluded).
fn arg_file(ws: &Workspace, root: &Path, f: &Path) -> Option<FileId> {
    let abs = f.canonicalize().ok()?;
    let rel = abs.strip_prefix(root).ok()?;
    let rel = rel.to_str()?.replace('\\', "/");
    ws.file_id(&rel)
}

/// The files given on the command line that the run does not check: not
/// Markdown, or excluded by the configuration.
pub fn unchecked_args(ws: &Workspace, files: Option<&[PathBuf]>) -> Vec<String> {
    let root = ws.root.canonicalize().unwrap_or_else(|_| ws.root.clone());
    files
        .unwrap_or_default()
        .iter()
        .filter(|f| arg_file(ws, &root, f).is_none())
        .map(|f| f.display().to_string())
        .collect()
}

/// The scope for a root: the documents of the given files, in `langs`.
pub fn scope_for(ws: &Workspace, files: Option<&[PathBuf]>, langs: &[String]) -> Scope {
    let groups = files.map(|files| {
        let root = ws.root.canonicalize().unwrap_or_else(|_| ws.root.clone());
        files
            .iter()
            .filter_map(|f| Some(ws.editions[arg_file(ws, &root, f)?.index()].group))
            .collect()
    });
    Scope {
        groups,
        langs: langs.to_vec(),
        ..Scope::default()
    }
}

/// Moves one root's files and diagnostics into `report`, prefixing paths
/// with `prefix` (for runs over several roots).
pub(crate) fn merge_into(
    report: &mut Report,
    ws: Workspace,
    scope: &Scope,
    diagnostics: Vec<Diagnostic>,
    prefix: &str,
) {
    report.checked += ws.checked_files(scope);
    let offset = report.files.len() as u32;
    for i in 0..ws.files.len() {
        report
            .in_scope
            .push(ws.docs[i].is_some() && ws.in_scope(FileId(i as u32), scope));
    }
    let declared = ws.settings.declared.rules.iter().map(|r| r.id);
    for rule in RuleId::ALL.iter().copied().chain(declared) {
        if ws.settings.is_enabled(rule) && !report.rules.contains(&rule) {
            report.rules.push(rule);
        }
    }
    for (file, edition) in ws.files.into_iter().zip(ws.editions) {
        report.langs.push(edition.lang);
        report.files.push(SourceFile {
            path: format!("{prefix}{}", file.path),
            ..file
        });
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

/// `lockstep check`: every root, merged into one report. With a single root,
/// paths are relative to it; with several, each is prefixed with its root.
pub fn check(opts: &CheckOptions) -> Result<Report, AppError> {
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    let roots = roots(&paths)?;
    let multi = roots.len() > 1;
    let mut report = Report::default();
    if !multi {
        report.base = roots[0].0.display().to_string();
    }
    for (root, files) in roots {
        let mut settings = load_settings(&root, opts.config.as_deref())?;
        select_rules(&mut settings, &opts.select, &opts.ignore)?;
        external_flags(&mut settings, &opts.external, &opts.ignore);
        let (mut ws, scope) = match &opts.changed_since {
            None => {
                let ws = Workspace::load(&root, settings);
                let scope = scope_for(&ws, files.as_deref(), &opts.langs);
                (ws, scope)
            }
            Some(rev) => {
                let usage = |e: crate::history::Unavailable| {
                    AppError::Usage(format!("--changed-since {rev}: {e}"))
                };
                let changed = crate::history::changed_since(&root, rev).map_err(usage)?;
                // Files that may link to a changed one: their links into it
                // may have broken (a renamed heading, a deleted image).
                let mut names: Vec<String> = changed
                    .iter()
                    .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
                    .collect();
                names.sort_unstable();
                names.dedup();
                let mentioning = crate::history::files_mentioning(&root, &names).map_err(usage)?;
                let ws = Workspace::load_needed(&root, settings, &|p| {
                    changed.contains(p) || mentioning.contains(p)
                });
                let mut scope = scope_for(&ws, files.as_deref(), &opts.langs);
                let in_files = ws.changed_scope(&changed);
                scope.inbound = ws.links_into(&mentioning, &changed, &in_files);
                scope.files = Some(in_files);
                scope.changed = changed;
                (ws, scope)
            }
        };
        for f in unchecked_args(&ws, files.as_deref()) {
            report.notes.push(format!(
                "`{f}` was not checked: it is not a Markdown file, or `exclude` in {CONFIG_FILE} excludes it"
            ));
        }
        report
            .notes
            .extend(check_external(&mut ws, &scope, &opts.external)?);
        let diagnostics = ws.check(&scope);
        let prefix = if multi {
            format!("{}/", root.display().to_string().trim_end_matches('/'))
        } else {
            String::new()
        };
        merge_into(&mut report, ws, &scope, diagnostics, &prefix);
    }
    Ok(report)
}
