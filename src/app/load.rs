//! Loading a documentation root: settings, discovery, reading and parsing
//! every Markdown file once (in parallel), the index.

use crate::source::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, ConfigError, Settings};
use crate::diagnostic::Diagnostic;
use crate::discover::{self, ReadError, layout};
use crate::index::{self, AnchorSet, Index};
use crate::parse::{self, Document, ParseOptions};
use crate::rules;
use crate::source::{FileId, SourceFile, Span};
use crate::workspace::{self, Workspace};

/// Loads the settings for `root`: `--config` if given, else `lockstep.toml`
/// at the root if present, else defaults.
pub fn load_settings(root: &Path, explicit: Option<&Path>) -> Result<Settings, ConfigError> {
    match explicit {
        Some(path) => Settings::load_explicit(path, root),
        None => {
            let path = root.join(CONFIG_FILE);
            // Present (as a file, a link, anything): it must be readable.
            if std::fs::symlink_metadata(&path).is_ok() {
                Settings::load(&path, root)
            } else {
                Ok(Settings::default())
            }
        }
    }
}

/// Discovers, reads and parses everything under `root`.
pub fn load(root: &Path, settings: Settings) -> Workspace {
    load_some(root, settings, Select::All, false).0
}

/// [`load`], also starting to read the git history (on a thread, while
/// the files are read) when `history` and the tree has translations.
pub fn load_prefetching(
    root: &Path,
    settings: Settings,
    history: bool,
) -> (Workspace, Option<crate::history::Prefetch>) {
    load_some(root, settings, Select::All, history)
}

/// Which files [`load_some`] reads.
enum Select<'a> {
    All,
    /// These, their other editions and the files they link to.
    Needed(&'a dyn Fn(&str) -> bool),
    /// Every file but the translations in other languages (languages as
    /// given: `pt-br` is `pt_BR`).
    Languages(&'a [String]),
}

/// Discovers the tree but reads and parses no translation in a language
/// outside `langs` (what `status --lang` needs; empty: everything).
pub fn load_languages(root: &Path, settings: Settings, langs: &[String]) -> Workspace {
    if langs.is_empty() {
        return load(root, settings);
    }
    load_some(root, settings, Select::Languages(langs), false).0
}

/// Discovers the tree but reads and parses only the Markdown files that
/// `needed` accepts, their other editions, and the Markdown files those
/// link to (whose anchors the checks need). The other files exist for
/// link checks but are not read.
pub fn load_needed(root: &Path, settings: Settings, needed: &dyn Fn(&str) -> bool) -> Workspace {
    load_some(root, settings, Select::Needed(needed), false).0
}

/// [`load_needed`], prefetching the history as [`load_prefetching`] does.
pub fn load_needed_prefetching(
    root: &Path,
    settings: Settings,
    needed: &dyn Fn(&str) -> bool,
    history: bool,
) -> (Workspace, Option<crate::history::Prefetch>) {
    load_some(root, settings, Select::Needed(needed), history)
}

/// Walks `root` and groups its Markdown files into documents with editions
/// (nothing is read).
pub fn discover(root: &Path, settings: &Settings) -> (discover::Tree, Vec<layout::DocGroup>) {
    let tree = walked(root, settings);
    let groups = group(&tree, settings);
    (tree, groups)
}

/// [`discover`], and the docs sites ([`sites`]) found beside the grouping
/// (on another core: both only read the walked tree).
pub fn discover_with_sites(
    root: &Path,
    settings: &Settings,
) -> (
    discover::Tree,
    Vec<layout::DocGroup>,
    Vec<crate::config::site::Site>,
) {
    let tree = walked(root, settings);
    let (groups, sites) = rayon::join(|| group(&tree, settings), || sites(root, settings, &tree));
    (tree, groups, sites)
}

fn walked(root: &Path, settings: &Settings) -> discover::Tree {
    let tree = discover::walk(root, &settings.exclude);
    super::probe("walked");
    tree
}

/// Which files are editions of which document.
fn group(tree: &discover::Tree, settings: &Settings) -> Vec<layout::DocGroup> {
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
        .map_init(|| 0, |hint, p| classifier.classify_near(p, hint))
        .collect();
    let groups = layout::assemble(&tree.markdown, found);
    super::probe("grouped");
    groups
}

fn load_some(
    root: &Path,
    mut settings: Settings,
    select: Select<'_>,
    history: bool,
) -> (Workspace, Option<crate::history::Prefetch>) {
    let (mut tree, groups, sites) = discover_with_sites(root, &settings);
    settings.sites = sites;
    super::probe("sites");
    // Git runs while the files are read — only when there are translations
    // for the history to be about.
    let prefetch = (history && groups.iter().any(|g| !g.translations.is_empty()))
        .then(|| crate::history::History::prefetch(root));
    let needed = match select {
        Select::Needed(n) => Some(n),
        _ => None,
    };
    // Which files to read: all, or the needed ones with their editions.
    let mut wanted: Vec<bool> = match select {
        Select::All => vec![true; tree.markdown.len()],
        Select::Languages(langs) => {
            // Every file but the translations in other languages: a
            // source's sections are counted (as missing) in a language it
            // lacks too.
            let mut w = vec![true; tree.markdown.len()];
            let position = |p: &str, hint: u32| layout::numbered(&tree.markdown, p, hint);
            for g in &groups {
                for t in &g.translations {
                    if !langs.iter().any(|l| super::scope::same_code(l, &t.lang))
                        && let Some(i) = position(&t.path, t.file)
                    {
                        w[i] = false;
                    }
                }
            }
            // A file may be a translation in one reading and a source in
            // another (`brew-rm.md`): sources are read whatever else they are.
            for g in &groups {
                if let Some(i) = position(&g.source, g.source_file) {
                    w[i] = true;
                }
            }
            w
        }
        Select::Needed(needed) => {
            let mut w: Vec<bool> = tree.markdown.iter().map(|p| needed(p)).collect();
            let position = |(p, hint): (&str, u32)| layout::numbered(&tree.markdown, p, hint);
            for g in &groups {
                let members: Vec<usize> = std::iter::once((g.source.as_str(), g.source_file))
                    .chain(g.translations.iter().map(|t| (t.path.as_str(), t.file)))
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
    let parse_options = workspace::parse_options(&settings);
    let dialects = settings.has_dialects();
    let settings_ref = &settings;
    // Each site's attribute-list delimiters, compiled once.
    let attr_res: HashMap<&(String, String), ParseOptions> = settings
        .sites
        .iter()
        .filter_map(|s| s.attr_delimiters.as_ref())
        .map(|d| (d, parse_options.clone().with_attr_delimiters(&d.0, &d.1)))
        .collect();
    // Reads and parses the files `wanted` says: their texts, documents and
    // anchor sets (collected straight into lists, no list of whole results
    // in between), and the read problems. A document's anchors are found
    // as soon as it is parsed, while it is in the cache; in a docs site, a
    // page that includes other content (a Hugo shortcode, an MDX import, a
    // snippet) may get ids from it.
    type Read = (
        Vec<Option<SourceFile>>,
        Vec<Option<Document>>,
        Vec<Option<AnchorSet>>,
        Vec<Diagnostic>,
    );
    let anchors_of = |rel: &str, file: &SourceFile, doc: &Document| {
        let set = AnchorSet::from_document(doc);
        if settings_ref.site_for(rel).is_some() && includes_content(&file.text) {
            set.opened()
        } else {
            set
        }
    };
    let load = |wanted: &[bool], tree: &discover::Tree| -> Read {
        let (((f, d), a), p): (((Vec<_>, Vec<_>), Vec<_>), Vec<_>) = tree
            .markdown
            .par_iter()
            .enumerate()
            .map(|(i, rel)| {
                if !wanted[i] {
                    return (((None, None), None), None);
                }
                let (file, doc, problem) = 'read: {
                    if dialects {
                        let style = settings_ref.anchor_style_for(rel);
                        let attrs = settings_ref.attr_delimiters_for(rel);
                        if style != parse_options.anchor_style || attrs.is_some() {
                            let base = attrs
                                .and_then(|d| attr_res.get(d))
                                .unwrap_or(&parse_options);
                            let opts = base.clone().with_anchor_style(style);
                            break 'read load_file(root, rel, FileId(i as u32), max, &opts);
                        }
                    }
                    load_file(root, rel, FileId(i as u32), max, &parse_options)
                };
                let anchors = doc.as_ref().map(|d| anchors_of(rel, &file, d));
                (((Some(file), doc), anchors), problem.map(Box::new))
            })
            .unzip();
        let problems = p.into_iter().flatten().map(|b: Box<Diagnostic>| *b);
        (f, d, a, problems.collect())
    };
    // What needs only the paths is made while the files are parsed (one
    // task each, beside the parsing: not after it, on one core).
    let ((mut index, editions), (mut files, mut docs, mut anchors, mut read_problems)) = {
        let mut paths_only = discover::Tree {
            files: std::mem::take(&mut tree.files),
            dirs: std::mem::take(&mut tree.dirs),
            outside_links: std::mem::take(&mut tree.outside_links),
            ..discover::Tree::default()
        };
        let markdown: Vec<&str> = tree.markdown.iter().map(String::as_str).collect();
        rayon::join(
            || {
                rayon::join(
                    || index_of_paths(&mut paths_only, &markdown, &groups),
                    || workspace::editions(&markdown, &groups, &settings_ref.source_lang),
                )
            },
            || load(&wanted, &tree),
        )
    };
    super::probe("parsed");
    if needed.is_some() {
        // Second round: Markdown files the loaded ones link to.
        let known: HashSet<&str> = tree.markdown.iter().map(String::as_str).collect();
        let mut more = vec![false; wanted.len()];
        for (file, doc) in files.iter().zip(&docs) {
            let (Some(file), Some(doc)) = (file, doc) else {
                continue;
            };
            for link in &doc.links {
                let Some(target) = index::link_path(&file.path, link.dest(&file.text)) else {
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
            let (f, d, a, problems) = load(&more, &tree);
            for (i, ((file, doc), set)) in f.into_iter().zip(d).zip(a).enumerate() {
                if file.is_some() {
                    files[i] = file;
                    docs[i] = doc;
                    anchors[i] = set;
                }
            }
            read_problems.extend(problems);
            for (w, m) in wanted.iter_mut().zip(&more) {
                *w |= m;
            }
        }
    }
    // Files not read exist with no text.
    let files: Vec<SourceFile> = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| f.unwrap_or_else(|| SourceFile::new(tree.markdown[i].clone(), String::new())))
        .collect();
    index.set_all_anchors(anchors);
    super::probe("index");
    if !settings.sites.is_empty() {
        index.set_sites(settings.sites.clone());
        index.set_aliases(hugo_aliases(&settings.sites, &files, &docs));
    }
    if !settings.image_variants.is_empty() {
        index.set_image_variants(&settings.image_variants);
    }
    let ws = Workspace {
        root: root.to_path_buf(),
        settings,
        files,
        docs,
        editions,
        groups,
        index,
        read_problems,
    };
    (ws, prefetch)
}

/// The index of the tree's paths (`markdown[i]` is `FileId(i)`), with each
/// translation's source edition (sites that fall back to it, the help for a
/// translation that kept its source's relative paths); the path sets of
/// `tree` move into it.
fn index_of_paths(
    tree: &mut discover::Tree,
    markdown: &[&str],
    groups: &[layout::DocGroup],
) -> Index {
    let mut index = Index::of_paths(tree, markdown);
    index.set_sources(groups.iter().flat_map(|g| {
        g.translations.iter().filter_map(move |t| {
            let file = layout::numbered(markdown, &t.path, t.file)?;
            Some((FileId(file as u32), g.source.as_str()))
        })
    }));
    index
}

/// The docs sites of the root: detected from the walked tree (unless
/// `[site]` says `detect = false`), then `[site]` applied.
fn sites(
    root: &Path,
    settings: &Settings,
    tree: &discover::Tree,
) -> Vec<crate::config::site::Site> {
    use crate::config::site;
    let detect = settings.site.as_ref().is_none_or(|s| s.detect);
    let mut sites = if detect {
        site::detect(root, &tree.files, &tree.dirs)
    } else {
        Vec::new()
    };
    if let Some(o) = &settings.site {
        site::apply_override(&mut sites, o);
    }
    sites
}

/// Whether a page of a docs site pulls in content lockstep does not see:
/// Hugo shortcodes (`{{% x %}}`, `{{< x >}}`), Jinja/MkDocs-macros includes
/// (`{% include`), pymdownx snippets (`--8<--`), MDX imports.
fn includes_content(text: &str) -> bool {
    if !(text.contains("{{%")
        || text.contains("{{<")
        || text.contains("{% include")
        || text.contains("--8<--")
        || text.contains("import "))
    {
        return false;
    }
    // Outside fenced code blocks only.
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let t = line.trim_start();
        let marker = if t.starts_with("```") {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                continue;
            }
            (Some(f), Some(m)) if f == m => {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            _ => {}
        }
        if t.contains("{{%")
            || t.contains("{{<")
            || t.contains("{% include")
            || t.starts_with("--8<--")
            || (line.starts_with("import ") && line.contains(" from "))
        {
            return true;
        }
    }
    false
}

/// Hugo `aliases` in front matter: URLs that redirect to a page (`aliases:
/// [installation]` on `docs/collector/install/_index.md` serves
/// `/docs/collector/installation`). Relative aliases are taken both from
/// the page's folder and from its parent (lenient: an alias found is a
/// redirect that exists). URL (no trailing `/`) → the page's file.
fn hugo_aliases(
    sites: &[crate::config::site::Site],
    files: &[SourceFile],
    docs: &[Option<Document>],
) -> HashMap<String, String> {
    use crate::config::site::Framework;
    static LIST: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?m)^aliases\s*[:=]\s*\[([^\]\n]*)\]|^aliases\s*:\s*\n((?:[ \t]*-[^\n]*\n?)+)"#,
        )
        .expect("static regex")
    });
    static FROM: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"\{\s*from:\s*['"]?([^,'"}\s]+)"#).expect("static regex")
    });
    let mut out = HashMap::default();
    for (file, doc) in files.iter().zip(docs) {
        let Some(fm) = doc.as_ref().and_then(|d| d.front_matter) else {
            continue;
        };
        let Some(site) = sites
            .iter()
            .find(|s| s.framework == Framework::Hugo && s.contains(&file.path))
        else {
            continue;
        };
        let Some(root) = site
            .content
            .iter()
            .filter(|c| file.path.starts_with(&format!("{}/", c.dir)))
            .max_by_key(|c| c.dir.len())
        else {
            continue;
        };
        let text = &file.text[fm.range()];
        let mut items: Vec<String> = match LIST.captures(text) {
            Some(c) => match (c.get(1), c.get(2)) {
                (Some(inline), _) => inline.as_str().split(',').map(str::to_string).collect(),
                (_, Some(block)) => block
                    .as_str()
                    .lines()
                    .map(|l| l.trim().trim_start_matches('-').to_string())
                    .collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        // `redirects: - { from: x, to: … }` (Docsy sites such as OpenTelemetry's).
        if text.contains("redirects:") {
            items.extend(FROM.captures_iter(text).map(|c| c[1].to_string()));
        }
        if items.is_empty() {
            continue;
        }
        // The page's URL: `a/b.md` → a/b, `a/_index.md` → a.
        let rel = &file.path[root.dir.len() + 1..];
        let rel = rel.rsplit_once('.').map_or(rel, |(stem, _)| stem);
        let page = rel
            .strip_suffix("/_index")
            .or_else(|| rel.strip_suffix("/index"))
            .unwrap_or(if rel == "_index" || rel == "index" {
                ""
            } else {
                rel
            });
        let page_url = format!("{}/{page}", root.url);
        let parent = page_url.rsplit_once('/').map_or("", |(p, _)| p);
        for item in items {
            let alias = item.trim().trim_matches(['"', '\'']).trim_end_matches('/');
            if alias.is_empty() {
                continue;
            }
            if alias.starts_with('/') {
                out.insert(alias.to_string(), file.path.clone());
            } else {
                out.insert(format!("{page_url}/{alias}"), file.path.clone());
                out.insert(format!("{parent}/{alias}"), file.path.clone());
            }
        }
    }
    out
}

/// A file as read: its text, its document (if it parsed), a read problem.
type Loaded = (SourceFile, Option<Document>, Option<Diagnostic>);

fn load_file(root: &Path, rel: &str, id: FileId, max: u64, opts: &ParseOptions) -> Loaded {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A group's editions are found at the numbers discovery gave them,
    /// and by their paths when a number is not theirs.
    #[test]
    fn group_files_are_the_files_of_their_paths() {
        let dir = tempfile::tempdir().unwrap();
        for p in ["README.md", "README-ko.md", "a.md", "b.md", "b.ja.md"] {
            std::fs::write(dir.path().join(p), "# T\n").unwrap();
        }
        let mut ws = load(dir.path(), Settings::default());
        let members = |ws: &Workspace| -> Vec<(Option<FileId>, Option<FileId>)> {
            ws.groups
                .iter()
                .flat_map(|g| {
                    std::iter::once((ws.source_file(g), ws.file_id(&g.source))).chain(
                        g.translations
                            .iter()
                            .map(|t| (ws.translation_file(t), ws.file_id(&t.path))),
                    )
                })
                .collect()
        };
        let found = members(&ws);
        assert_eq!(found.len(), 5, "{:?}", ws.groups);
        assert!(
            found.iter().all(|(a, b)| a.is_some() && a == b),
            "{found:?}"
        );
        for g in &mut ws.groups {
            g.source_file = g.source_file.wrapping_add(1);
            for t in &mut g.translations {
                t.file = crate::discover::NOT_NUMBERED;
            }
        }
        assert_eq!(members(&ws), found);
    }
}
