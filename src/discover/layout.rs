//! Which files are editions of the same document.
//!
//! A [`Layout`] is an explicit `[[documents]]` entry of `lockstep.toml` with
//! `{lang}` and `{path}` placeholders. Without explicit layouts, [`group`]
//! recognises the common conventions by itself:
//!
//! - `NAME.md` with `NAME-xx.md`, `NAME.xx.md` or `NAME_xx.md` beside it, or
//!   `translations/NAME-xx.md` (also `i18n/`) below it;
//! - `D/en/…` with `D/xx/…` (e.g. `docs/en/`, `content/en/`);
//! - `D/…` with `D.xx/…` (e.g. `pages/` + `pages.ko/`).
//!
//! Every Markdown file ends up in exactly one [`DocGroup`]; a file that is no
//! one's translation is the source edition of its own group.

use crate::source::HashSet;

use rayon::prelude::*;
use regex::Regex;
use std::borrow::Cow;
use std::sync::Arc;

use super::NOT_NUMBERED;
use super::lang;

/// An explicit layout: `source = "pages/{path}"`, `translation = "pages.{lang}/{path}"`.
#[derive(Debug, Clone)]
pub struct Layout {
    pub source: String,
    pub translation: String,
    translation_re: Regex,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutError {
    /// Whether the problem is in the `source` pattern (else in `translation`).
    pub in_source: bool,
    pub message: String,
}

fn check_placeholders(pattern: &str, in_source: bool) -> Result<(), LayoutError> {
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            return Err(LayoutError {
                in_source,
                message: format!("unclosed `{{` in `{pattern}`"),
            });
        };
        let name = &after[..j];
        if name != "lang" && name != "path" {
            return Err(LayoutError {
                in_source,
                message: format!(
                    "unknown placeholder `{{{name}}}` in `{pattern}`: expected `{{lang}}` or `{{path}}`"
                ),
            });
        }
        rest = &after[j + 1..];
    }
    if pattern.matches("{path}").count() > 1 || pattern.matches("{lang}").count() > 1 {
        return Err(LayoutError {
            in_source,
            message: format!("`{pattern}` uses a placeholder more than once"),
        });
    }
    if pattern.starts_with('/') || pattern.contains('\\') || pattern.split('/').any(|c| c == "..") {
        return Err(LayoutError {
            in_source,
            message: format!(
                "`{pattern}` must be a relative path below the root, with `/` separators"
            ),
        });
    }
    Ok(())
}

impl Layout {
    pub fn new(source: &str, translation: &str) -> Result<Self, LayoutError> {
        check_placeholders(source, true)?;
        check_placeholders(translation, false)?;
        if !translation.contains("{lang}") {
            return Err(LayoutError {
                in_source: false,
                message: format!(
                    "the translation pattern `{translation}` needs a `{{lang}}` placeholder"
                ),
            });
        }
        if source.contains("{path}") != translation.contains("{path}") {
            return Err(LayoutError {
                in_source: false,
                message: "`{path}` must appear in both patterns or in neither".into(),
            });
        }
        let mut re = String::from("^");
        let mut rest = translation;
        while let Some(i) = rest.find('{') {
            re.push_str(&regex::escape(&rest[..i]));
            let j = rest[i..].find('}').expect("checked above") + i;
            match &rest[i + 1..j] {
                "lang" => re.push_str(r"(?P<lang>[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*)"),
                _ => re.push_str("(?P<path>.+)"),
            }
            rest = &rest[j + 1..];
        }
        re.push_str(&regex::escape(rest));
        re.push('$');
        Ok(Self {
            source: source.to_string(),
            translation: translation.to_string(),
            translation_re: Regex::new(&re).map_err(|e| LayoutError {
                in_source: false,
                message: e.to_string(),
            })?,
        })
    }

    /// If `path` is a translation under this layout: its language and source path.
    pub fn match_translation(&self, path: &str, source_lang: &str) -> Option<(String, String)> {
        let caps = self.translation_re.captures(path)?;
        let lang = caps.name("lang")?.as_str();
        let source = self
            .source
            .replace("{path}", caps.name("path").map_or("", |m| m.as_str()))
            .replace("{lang}", source_lang);
        if source == path || lang == source_lang {
            return None;
        }
        Some((lang.to_string(), source))
    }
}

/// One edition of a document in a language other than the source's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Translation {
    /// The code as used in the file name (`ko`, `ptbr`, `zh_TW`); one
    /// string shared by every translation in that language.
    pub lang: Arc<str>,
    pub path: String,
    /// The convention that made it a translation (one of [`rule`]'s).
    pub rule: &'static str,
    /// Its index in the sorted Markdown files it was found among (a hint:
    /// see [`numbered`]; [`NOT_NUMBERED`] when not known).
    pub file: u32,
}

/// Where a translation's source edition is: one of the Markdown files (its
/// index in their sorted list), or a path no file has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(u32),
    Path(String),
}

/// A file classified as a translation: its language code (as its path
/// spells it, or as a layout made it), its source, and the convention that
/// matched ([`rule`]).
pub type Found<'a> = (Cow<'a, str>, Source, &'static str);

/// The conventions that make a file a translation, as `lockstep docs` names them.
pub mod rule {
    pub const EXPLICIT: &str = "an explicit [[documents]] layout";
    pub const SUFFIX: &str = "NAME-xx.md / NAME.xx.md / NAME_xx.md beside NAME.md";
    pub const TRANSLATIONS: &str = "translations/NAME-xx.md below NAME.md";
    pub const DOCUSAURUS: &str = "Docusaurus i18n/<lang>/docusaurus-plugin-content-*/";
    pub const VITEPRESS: &str = "D/xx/… beside D/… (a VitePress locale folder)";
    pub const LANG_FOLDERS: &str = "D/xx/… beside D/en/…";
    pub const SUFFIXED_FOLDERS: &str = "D.xx/… beside D/…";
}

/// A document: its source edition and its translations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocGroup {
    /// The source edition's path (for an orphan group: where it would be).
    pub source: String,
    /// Whether the source edition exists (false: translations of a missing source).
    pub source_exists: bool,
    pub translations: Vec<Translation>,
    /// The source path's index in the sorted Markdown files it was found
    /// among, if it is one of them (a hint: see [`numbered`];
    /// [`NOT_NUMBERED`] for a path no file has, or when not known).
    pub source_file: u32,
}

/// Where `path` is in `sorted` (paths sorted, without repeats): at `hint`
/// when it is there (one comparison: the file numbers discovery gave groups
/// spare a search of every path for every edition), else found by
/// bisection.
pub fn numbered<S: AsRef<str>>(sorted: &[S], path: &str, hint: u32) -> Option<usize> {
    let mut at = hint as usize;
    search_near(sorted, path, &mut at).ok()
}

/// What discovery knows when it classifies a path.
pub struct Classifier<'a> {
    /// The Markdown files, sorted (looked up by bisection: a hash set of
    /// every path cost more to build than the few lookups it served).
    files: &'a [String],
    dirs: &'a HashSet<String>,
    layouts: &'a [Layout],
    source_lang: &'a str,
    extra_codes: &'a HashSet<String>,
    /// Whether the tree has a `.vitepress` folder at all (most do not: the
    /// VitePress rule's lookups are then skipped for every path).
    vitepress: bool,
}

impl<'a> Classifier<'a> {
    /// `markdown`: sorted, without repeats (as [`super::walk`] lists it).
    pub fn new(
        markdown: &'a [String],
        dirs: &'a HashSet<String>,
        layouts: &'a [Layout],
        source_lang: &'a str,
        extra_codes: &'a HashSet<String>,
    ) -> Self {
        debug_assert!(
            markdown.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        Self {
            files: markdown,
            dirs,
            layouts,
            source_lang,
            extra_codes,
            vitepress: dirs.iter().any(|d| split_dir(d).1 == ".vitepress"),
        }
    }

    /// If `path` is a translation: its language code, its source and the
    /// convention that said so. (The source's file is looked up here, on
    /// every core, not when the groups are made.)
    pub fn classify<'p>(&self, path: &'p str) -> Option<Found<'p>> {
        self.classify_near(path, &mut 0)
    }

    /// [`Self::classify`], looking for the source's file from `hint` (where
    /// the previous path's was: the files of one language follow each
    /// other, and so do their sources), which it updates.
    pub fn classify_near<'p>(&self, path: &'p str, hint: &mut usize) -> Option<Found<'p>> {
        let (lang, source, rule) = if self.layouts.is_empty() {
            let known = |code: &str| lang::is_known_code(code) || self.extra_codes.contains(code);
            let cell = std::cell::Cell::new(*hint);
            let found = zero_config(
                path,
                self.files,
                self.dirs,
                self.vitepress,
                self.source_lang,
                &known,
                &cell,
            );
            *hint = cell.get();
            let (lang, source, rule) = found?;
            (Cow::Borrowed(lang), source, rule)
        } else {
            self.layouts
                .iter()
                .find_map(|l| l.match_translation(path, self.source_lang))
                .map(|(lang, source)| (Cow::Owned(lang), source, rule::EXPLICIT))?
        };
        let source = match search_near(self.files, &source, hint) {
            Ok(i) => Source::File(i as u32),
            Err(_) => Source::Path(source),
        };
        Some((lang, source, rule))
    }
}

/// Groups Markdown files into documents, given each file's classification
/// (`found[i]` for `markdown[i]`, from [`Classifier::classify`]). `markdown`
/// is sorted and without repeats (as [`super::walk`] lists it): the groups
/// come out in its order with no sort of paths; the few sources no file has
/// are sorted and merged in.
pub fn assemble(markdown: &[String], found: Vec<Option<Found<'_>>>) -> Vec<DocGroup> {
    debug_assert!(
        markdown.windows(2).all(|w| w[0] < w[1]),
        "sorted, no repeats"
    );
    // Whether `markdown[i]` is a translation.
    let mut translated = vec![false; markdown.len()];
    // `pt-br`, `pt-BR` and `pt_BR` are one language: every spelling becomes
    // the first one met (files are sorted, so the choice is stable).
    let mut spellings: Vec<Arc<str>> = Vec::new();
    let same_lang = |a: &str, b: &str| {
        let fold = |c: u8| {
            if c == b'_' {
                b'-'
            } else {
                c.to_ascii_lowercase()
            }
        };
        a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| fold(x) == fold(y))
    };
    let mut last = 0;
    // (source file, language, translation file, convention) — the paths
    // are copied only into the groups, on every core — and (source path,
    // translation) for sources no file has.
    let mut pairs: Vec<(u32, u32, u32, &'static str)> = Vec::new();
    let mut orphans: Vec<(String, Translation)> = Vec::new();
    for (i, found) in found.into_iter().enumerate() {
        let Some((lang, source, rule)) = found else {
            continue;
        };
        // Files of one language usually follow each other.
        if !spellings.get(last).is_some_and(|s| same_lang(s, &lang)) {
            last = match spellings.iter().position(|s| same_lang(s, &lang)) {
                Some(i) => i,
                None => {
                    spellings.push(Arc::from(&*lang));
                    spellings.len() - 1
                }
            };
        }
        translated[i] = true;
        match source {
            Source::File(s) => pairs.push((s, last as u32, i as u32, rule)),
            Source::Path(source) => orphans.push((
                source,
                Translation {
                    lang: spellings[last].clone(),
                    path: markdown[i].clone(),
                    rule,
                    file: i as u32,
                },
            )),
        }
    }
    // By source file, then translation: by language (each spelling's rank
    // in the spellings' order), then path — the file's number, in the same
    // order. No two pairs tie: a file is one translation.
    let mut by_text: Vec<usize> = (0..spellings.len()).collect();
    by_text.sort_unstable_by(|&a, &b| spellings[a].cmp(&spellings[b]));
    let mut rank = vec![0u32; spellings.len()];
    for (r, &l) in by_text.iter().enumerate() {
        rank[l] = r as u32;
    }
    pairs.par_sort_unstable_by_key(|&(s, l, i, _)| (s, rank[l as usize], i));
    // Where each file's translations start in `pairs` (and end: where the
    // next file's start).
    let mut starts = vec![0usize; markdown.len() + 1];
    for &(s, ..) in &pairs {
        starts[s as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let groups: Vec<DocGroup> = markdown
        .par_iter()
        .enumerate()
        .filter_map(|(i, path)| {
            let mine = &pairs[starts[i]..starts[i + 1]];
            // A translation that no other file translates is in its source's group.
            if translated[i] && mine.is_empty() {
                return None;
            }
            Some(DocGroup {
                source: path.clone(),
                // (a file that is a translation itself is not a source edition)
                source_exists: !translated[i],
                translations: mine
                    .iter()
                    .map(|&(_, l, f, rule)| Translation {
                        lang: spellings[l as usize].clone(),
                        path: markdown[f as usize].clone(),
                        rule,
                        file: f,
                    })
                    .collect(),
                source_file: i as u32,
            })
        })
        .collect();
    if orphans.is_empty() {
        return groups;
    }
    // The groups of sources no file has, merged in by path: those up to
    // `until` (excluded) before each group.
    orphans.sort();
    let mut orphans = orphans.into_iter().peekable();
    let mut merged = Vec::with_capacity(groups.len() + orphans.len());
    let mut orphan_groups = |until: Option<&str>, merged: &mut Vec<DocGroup>| {
        while let Some((source, first)) =
            orphans.next_if(|(s, _)| until.is_none_or(|u| s.as_str() < u))
        {
            let mut translations = vec![first];
            while let Some((_, t)) = orphans.next_if(|(s, _)| *s == source) {
                translations.push(t);
            }
            merged.push(DocGroup {
                source,
                source_exists: false,
                translations,
                source_file: NOT_NUMBERED,
            });
        }
    };
    for group in groups {
        orphan_groups(Some(&group.source), &mut merged);
        merged.push(group);
    }
    orphan_groups(None, &mut merged);
    merged
}

/// Groups Markdown files (paths relative to the root) into documents.
pub fn group(
    markdown: &[String],
    dirs: &HashSet<String>,
    layouts: &[Layout],
    source_lang: &str,
    extra_codes: &HashSet<String>,
) -> Vec<DocGroup> {
    let mut markdown = markdown.to_vec();
    markdown.sort_unstable();
    markdown.dedup();
    let c = Classifier::new(&markdown, dirs, layouts, source_lang, extra_codes);
    let found = markdown.iter().map(|p| c.classify(p)).collect();
    assemble(&markdown, found)
}

fn split_ext(name: &str) -> Option<(&str, &str)> {
    let dot = name.bytes().rposition(|b| b == b'.')?;
    Some((&name[..dot], &name[dot..]))
}

/// [`slice::binary_search`] for `target` in `sorted`, galloping out from
/// `*hint` (then set to the position found): a few comparisons, near each
/// other in memory, when the target is near the hint.
pub(crate) fn search_near<S: AsRef<str>>(
    sorted: &[S],
    target: &str,
    hint: &mut usize,
) -> Result<usize, usize> {
    let n = sorted.len();
    let h = (*hint).min(n.saturating_sub(1));
    let at = |i: usize| sorted[i].as_ref().cmp(target);
    // The range the target is in (or would go in), galloping out from h.
    let (lo, hi) = match (n > 0).then(|| at(h)) {
        None => (0, 0),
        Some(std::cmp::Ordering::Equal) => (h, h + 1),
        Some(std::cmp::Ordering::Less) => {
            let (mut lo, mut step) = (h + 1, 1);
            while lo + step <= n && at(lo + step - 1).is_lt() {
                lo += step;
                step *= 2;
            }
            (lo, (lo + step).min(n))
        }
        Some(std::cmp::Ordering::Greater) => {
            let (mut hi, mut step) = (h, 1);
            while hi >= step && at(hi - step).is_gt() {
                hi -= step;
                step *= 2;
            }
            (hi.saturating_sub(step), hi)
        }
    };
    let found = sorted[lo..hi]
        .binary_search_by(|f| f.as_ref().cmp(target))
        .map(|i| lo + i)
        .map_err(|i| lo + i);
    *hint = match found {
        Ok(i) | Err(i) => i,
    };
    found
}

/// `dir/rest` (as `format!` would make it, with one allocation).
fn joined(mut dir: String, rest: &str) -> String {
    dir.reserve_exact(rest.len() + 1);
    dir.push('/');
    dir.push_str(rest);
    dir
}

/// Where `i18n/` first occurs in `path`.
fn find_i18n(path: &str) -> Option<usize> {
    memchr::memchr_iter(b'i', path.as_bytes()).find(|&i| path.as_bytes()[i..].starts_with(b"i18n/"))
}

fn split_dir(path: &str) -> (&str, &str) {
    match path.bytes().rposition(|b| b == b'/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    }
}

/// `NAME-xx`, `NAME.xx`, `NAME_xx` → (`NAME`, `xx`). Tries the shortest code
/// first so that `README-zh-CN` gives (`README`, `zh-CN`) only if `README-zh`
/// is not itself a name with a code.
fn split_code(stem: &str) -> impl Iterator<Item = (&str, &str)> {
    stem.char_indices()
        .filter(|&(i, c)| i > 0 && matches!(c, '-' | '.' | '_'))
        .map(move |(i, _)| (&stem[..i], &stem[i + 1..]))
}

fn zero_config<'a>(
    path: &'a str,
    files: &[String],
    dirs: &HashSet<String>,
    vitepress_tree: bool,
    source_lang: &str,
    known: &dyn Fn(&str) -> bool,
    hint: &std::cell::Cell<usize>,
) -> Option<(&'a str, String, &'static str)> {
    let (dir, name) = split_dir(path);
    let (stem, ext) = split_ext(name)?;
    let mut buf = String::with_capacity(path.len() + 8);
    let mut exists = |parts: &[&str], set: &dyn Fn(&str) -> bool| {
        buf.clear();
        parts.iter().for_each(|p| buf.push_str(p));
        set(&buf).then(|| buf.clone())
    };
    // (from the hint, which is left at the file found: the classifier's own
    // lookup of the source that is returned then takes one comparison)
    let is_file = |p: &str| {
        let mut h = hint.get();
        let found = search_near(files, p, &mut h).is_ok();
        hint.set(h);
        found
    };
    let is_dir = |p: &str| dirs.contains(p);

    // NAME-xx.md beside NAME.md.
    for (base, code) in split_code(stem) {
        if known(code)
            && let Some(source) = exists(&[dir, base, ext], &is_file)
        {
            return Some((code, source, rule::SUFFIX));
        }
    }
    // translations/NAME-xx.md below NAME.md.
    let (parent, last) = split_dir(dir.trim_end_matches('/'));
    if matches!(last, "translations" | "translation" | "i18n") {
        for (base, code) in split_code(stem) {
            if lang::is_code_shaped(code)
                && let Some(source) = exists(&[parent, base, ext], &is_file)
            {
                return Some((code, source, rule::TRANSLATIONS));
            }
        }
    }
    // Docusaurus: i18n/<lang>/docusaurus-plugin-content-docs/current/… is
    // docs/… (version-X/… is versioned_docs/version-X/…), -blog/ is blog/,
    // -pages/ is src/pages/ — before the folder rule below, which would
    // take an i18n/en/ folder for the source.
    if let Some(i) = find_i18n(path) {
        let (site, rest) = (&path[..i], &path[i + 5..]);
        if (site.is_empty() || site.ends_with('/'))
            && let Some((code, rest)) = rest.split_once('/')
            && lang::is_code_shaped(code)
            && let Some((plugin, rest)) = rest.split_once('/')
        {
            {
                let source = match plugin {
                    "docusaurus-plugin-content-docs" => match rest.split_once('/') {
                        Some(("current", r)) => Some(format!("{site}docs/{r}")),
                        Some((v, r)) if v.starts_with("version-") => {
                            Some(format!("{site}versioned_docs/{v}/{r}"))
                        }
                        _ => None,
                    },
                    "docusaurus-plugin-content-blog" => Some(format!("{site}blog/{rest}")),
                    "docusaurus-plugin-content-pages" => Some(format!("{site}src/pages/{rest}")),
                    _ => None,
                };
                if let Some(source) = source {
                    return Some((code, source, rule::DOCUSAURUS));
                }
            }
        }
    }
    // VitePress' root locale: D/xx/… translates D/… when D is a VitePress
    // site (D/.vitepress/) and D/… exists.
    if vitepress_tree {
        let mut start = 0;
        while let Some(len) = path.as_bytes()[start..].iter().position(|&b| b == b'/') {
            let end = start + len;
            let (prefix, comp, rest) = (&path[..start], &path[start..end], &path[end + 1..]);
            // `.vitepress/` beside the locale's parent, or one level up (a `srcDir`).
            let up = split_dir(prefix.trim_end_matches('/')).0;
            let vitepress = exists(&[prefix, ".vitepress"], &is_dir).is_some()
                || (!prefix.is_empty() && exists(&[up, ".vitepress"], &is_dir).is_some());
            if known(comp)
                && vitepress
                && let Some(source) = exists(&[prefix, rest], &is_file)
            {
                return Some((comp, source, rule::VITEPRESS));
            }
            start = end + 1;
        }
    }
    // D/xx/… beside D/en/…, and D.xx/… beside D/….
    let mut start = 0;
    while let Some(len) = path.as_bytes()[start..].iter().position(|&b| b == b'/') {
        let end = start + len;
        let (prefix, comp, rest) = (&path[..start], &path[start..end], &path[end + 1..]);
        if comp != source_lang
            && known(comp)
            && let Some(sibling) = exists(&[prefix, source_lang], &is_dir)
        {
            return Some((comp, joined(sibling, rest), rule::LANG_FOLDERS));
        }
        if let Some(dot) = comp.bytes().rposition(|b| b == b'.') {
            let (base, code) = (&comp[..dot], &comp[dot + 1..]);
            if !base.is_empty()
                && known(code)
                && let Some(sibling) = exists(&[prefix, base], &is_dir)
            {
                return Some((code, joined(sibling, rest), rule::SUFFIXED_FOLDERS));
            }
        }
        start = end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A classification by paths: language code, source path, convention.
    type ByPath = (String, String, &'static str);

    /// [`assemble`] as it was written first, with ordered maps and paths
    /// (the reference its property test compares with).
    fn assemble_by_map(markdown: &[String], found: Vec<Option<ByPath>>) -> Vec<DocGroup> {
        let files: HashSet<&str> = markdown.iter().map(String::as_str).collect();
        let number = |p: &str| {
            markdown
                .iter()
                .position(|m| m == p)
                .map_or(NOT_NUMBERED, |i| i as u32)
        };
        let mut groups: BTreeMap<String, Vec<Translation>> = BTreeMap::new();
        let mut translated: HashSet<&str> = HashSet::default();
        // `pt-br`, `pt-BR` and `pt_BR` are one language: every spelling becomes
        // the first one met (files are sorted, so the choice is stable).
        let mut spellings: BTreeMap<String, String> = BTreeMap::new();
        for (path, found) in markdown.iter().zip(found) {
            if let Some((lang, source, rule)) = found {
                let key = lang.to_ascii_lowercase().replace('_', "-");
                let lang = spellings.entry(key).or_insert(lang).clone();
                translated.insert(path);
                groups.entry(source).or_default().push(Translation {
                    lang: lang.into(),
                    path: path.clone(),
                    rule,
                    file: number(path),
                });
            }
        }
        for path in markdown {
            if !translated.contains(path.as_str()) {
                groups.entry(path.clone()).or_default();
            }
        }
        groups
            .into_iter()
            .map(|(source, mut translations)| {
                translations.sort();
                DocGroup {
                    source_exists: files.contains(source.as_str())
                        && !translated.contains(source.as_str()),
                    source_file: number(&source),
                    source,
                    translations,
                }
            })
            .collect()
    }

    /// A number that is the path's is taken; any other, or none, is only
    /// a hint: the path is searched for.
    #[test]
    fn numbered_paths_are_found_with_or_without_their_number() {
        let sorted = ["a.md", "b.md", "c/d.md", "e.md"];
        for (i, p) in sorted.iter().enumerate() {
            for hint in [i as u32, 0, 3, 7, NOT_NUMBERED] {
                assert_eq!(numbered(&sorted, p, hint), Some(i), "{p} {hint}");
            }
        }
        assert_eq!(numbered(&sorted, "c.md", 2), None);
        assert_eq!(numbered(&sorted, "z.md", NOT_NUMBERED), None);
        assert_eq!(numbered::<&str>(&[], "a.md", 0), None);
    }

    proptest::proptest! {
        #[test]
        fn searching_near_a_hint_is_binary_search(
            mut sorted in proptest::collection::vec("[a-d]{0,3}", 0..40),
            targets in proptest::collection::vec(("[a-d]{0,3}", 0usize..45), 1..20),
        ) {
            sorted.sort();
            sorted.dedup();
            for (target, hint) in targets {
                let mut h = hint;
                let expected = sorted.binary_search(&target);
                proptest::prop_assert_eq!(search_near(&sorted, &target, &mut h), expected);
                // and from where it left the hint
                proptest::prop_assert_eq!(search_near(&sorted, &target, &mut h), expected);
            }
        }

        #[test]
        fn groups_are_those_of_ordered_maps(
            files in proptest::collection::vec(("[ab]{1,2}", proptest::option::of(("(ko|KO|ko_kr|ko-KR|ja)", "[ab]{1,2}"))), 0..12)
        ) {
            let mut markdown: Vec<String> = files.iter().map(|(p, _)| format!("{p}.md")).collect();
            markdown.sort();
            markdown.dedup();
            let found = |m: &[String]| -> Vec<Option<ByPath>> {
                m.iter()
                    .map(|p| files.iter().find(|(q, _)| format!("{q}.md") == *p).and_then(|(_, f)| f.clone()))
                    .map(|f| f.map(|(lang, source)| (lang, format!("{source}.md"), rule::SUFFIX)))
                    .collect()
            };
            // As the classifier gives them: sources looked up among the files.
            let located = found(&markdown)
                .into_iter()
                .map(|f| {
                    f.map(|(lang, source, rule)| {
                        let source = match markdown.binary_search(&source) {
                            Ok(i) => Source::File(i as u32),
                            Err(_) => Source::Path(source),
                        };
                        (Cow::Owned(lang), source, rule)
                    })
                })
                .collect();
            proptest::prop_assert_eq!(
                assemble(&markdown, located),
                assemble_by_map(&markdown, found(&markdown))
            );
        }
    }

    type Grouped = (String, bool, Vec<(String, String)>);

    fn run(paths: &[&str], dirs: &[&str]) -> Vec<Grouped> {
        let md: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
        let dirs: HashSet<String> = dirs.iter().map(|s| s.to_string()).collect();
        group(&md, &dirs, &[], "en", &HashSet::default())
            .into_iter()
            .map(|g| {
                (
                    g.source,
                    g.source_exists,
                    g.translations
                        .into_iter()
                        .map(|t| (t.lang.to_string(), t.path))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn spellings_of_one_language_are_one_language() {
        let got = run(
            &[
                "README.md",
                "README.pt-BR.md",
                "docs/en/a.md",
                "docs/pt-br/a.md",
                "docs/pt_BR/b.md",
                "docs/en/b.md",
            ],
            &["docs", "docs/en", "docs/pt-br", "docs/pt_BR"],
        );
        let langs: Vec<&str> = got
            .iter()
            .flat_map(|g| g.2.iter().map(|(l, _)| l.as_str()))
            .collect();
        assert_eq!(langs, ["pt-BR", "pt-BR", "pt-BR"]);
    }

    fn t(lang: &str, path: &str) -> (String, String) {
        (lang.into(), path.into())
    }

    #[test]
    fn readme_conventions() {
        let got = run(
            &[
                "README-ko.md",
                "README.md",
                "README.ja.md",
                "README_de.md",
                "translations/README-ptbr.md",
                "translations/how-to.md",
                "README-dev.md",
            ],
            &["translations"],
        );
        assert_eq!(
            got,
            [
                ("README-dev.md".into(), true, vec![]),
                (
                    "README.md".into(),
                    true,
                    vec![
                        t("de", "README_de.md"),
                        t("ja", "README.ja.md"),
                        t("ko", "README-ko.md"),
                        t("ptbr", "translations/README-ptbr.md"),
                    ]
                ),
                ("translations/how-to.md".into(), true, vec![]),
            ]
        );
    }

    #[test]
    fn folder_conventions() {
        let got = run(
            &[
                "docs/en/a.md",
                "docs/ko/a.md",
                "docs/ko/only.md",
                "pages/common/tar.md",
                "pages.zh_TW/common/tar.md",
            ],
            &[
                "docs",
                "docs/en",
                "docs/ko",
                "pages",
                "pages/common",
                "pages.zh_TW",
                "pages.zh_TW/common",
            ],
        );
        assert_eq!(
            got,
            [
                ("docs/en/a.md".into(), true, vec![t("ko", "docs/ko/a.md")]),
                (
                    "docs/en/only.md".into(),
                    false,
                    vec![t("ko", "docs/ko/only.md")]
                ),
                (
                    "pages/common/tar.md".into(),
                    true,
                    vec![t("zh_TW", "pages.zh_TW/common/tar.md")]
                ),
            ]
        );
    }

    #[test]
    fn explicit_layouts() {
        let l = Layout::new("README.md", "translations/README-{lang}.md").unwrap();
        assert_eq!(
            l.match_translation("translations/README-kr.md", "en"),
            Some(("kr".into(), "README.md".into()))
        );
        let l = Layout::new("docs/{lang}/{path}", "docs/{lang}/{path}").unwrap();
        assert_eq!(l.match_translation("docs/en/a.md", "en"), None);
        assert_eq!(
            l.match_translation("docs/ko/x/a.md", "en"),
            Some(("ko".into(), "docs/en/x/a.md".into()))
        );
        assert!(Layout::new("a/{path}", "b/{path}").is_err());
        assert!(Layout::new("a/{file}", "b/{lang}").is_err());
    }
}
