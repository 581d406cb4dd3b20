//! The cross-file index: which paths exist and which anchors each file has.
//!
//! Built once after parsing, read by corpus rules. [`Index::resolve`] turns a
//! link destination into a [`Target`] (a file, a folder, something missing,
//! something outside the root, or not a local path at all), so rules never
//! touch the disk.

use crate::source::{HashMap, HashSet};
use std::sync::OnceLock;

use percent_encoding::percent_decode_str;

use crate::config::site::Site;
use crate::discover::Tree;
use crate::parse::Document;
use crate::source::FileId;

/// The ids a file's fragments may point at.
#[derive(Debug, Default)]
pub struct AnchorSet {
    /// Sorted, without repeats: searched by bisection (tens of thousands of
    /// sets stay in memory, most with a handful of ids; a hash set each
    /// cost several times the ids themselves).
    ids: Box<[Box<str>]>,
    /// Lowercased id → the smallest original id, built on the first
    /// case-only lookup (boxed: most sets never build it).
    folded: OnceLock<Box<HashMap<String, String>>>,
    /// The page includes content lockstep cannot see (a Hugo shortcode, an
    /// MDX import, a snippet): ids it lacks may come from there.
    open: bool,
}

impl AnchorSet {
    /// Whether two sets let the same fragments through.
    pub fn same(&self, other: &AnchorSet) -> bool {
        self.ids == other.ids && self.open == other.open
    }

    pub fn from_document(doc: &Document) -> Self {
        let mut ids: Vec<Box<str>> = doc.anchor_ids().map(Box::from).collect();
        ids.sort_unstable();
        ids.dedup();
        AnchorSet {
            ids: ids.into_boxed_slice(),
            folded: OnceLock::new(),
            open: false,
        }
    }

    /// The same ids, marked as possibly incomplete (see [`AnchorSet::is_open`]).
    pub fn opened(mut self) -> Self {
        self.open = true;
        self
    }

    /// Whether the page includes content lockstep cannot see (shortcodes,
    /// MDX imports, snippets), so an id it lacks may still exist.
    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// The set's own copy of `id`, if it has it.
    pub fn get(&self, id: &str) -> Option<&str> {
        let i = self.ids.binary_search_by(|x| (**x).cmp(id)).ok()?;
        Some(&self.ids[i])
    }

    /// The id that equals `id` ignoring case, if any.
    pub fn case_insensitive(&self, id: &str) -> Option<&str> {
        let folded = self.folded.get_or_init(|| {
            let mut m: HashMap<String, String> =
                HashMap::with_capacity_and_hasher(self.ids.len(), Default::default());
            for id in &self.ids {
                let e = m
                    .entry(crate::parse::case::to_lowercase(id))
                    .or_insert_with(|| id.to_string());
                if **id < **e {
                    *e = id.to_string();
                }
            }
            Box::new(m)
        });
        folded
            .get(&crate::parse::case::to_lowercase(id))
            .map(String::as_str)
    }

    /// How many ids the set has.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Every id, in byte order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(|id| &**id)
    }
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not a local path: a URL with a scheme, `//host/…`, or empty.
    External,
    /// A fragment in the same file.
    SameFile { fragment: String },
    /// An existing file inside the root (`path` relative to the root).
    File {
        path: String,
        fragment: Option<String>,
    },
    /// An existing folder inside the root.
    Dir { path: String },
    /// A path inside the root that does not exist.
    Missing { path: String },
    /// A symlink that leaves the root.
    OutsideLink { path: String },
    /// `..` climbs above the documentation root.
    EscapesRoot,
}

/// Every existing path and every file's anchors.
#[derive(Debug, Default)]
pub struct Index {
    /// Every file of the tree, by path, with its `FileId` when it is
    /// Markdown (`FileId(i)` is `paths[i]` of [`Index::of_paths`]; `NOT_MARKDOWN`
    /// otherwise) — one map, not a set and a map holding each path twice.
    files: HashMap<String, u32>,
    dirs: HashSet<String>,
    outside_links: HashSet<String>,
    /// Markdown files that are not in `files` (none, when the index is
    /// built from a walk), by path.
    unlisted: HashMap<Box<str>, FileId>,
    /// Which of them were parsed (had anchors) when the index was built.
    parsed: Vec<bool>,
    anchors: Vec<Option<AnchorSet>>,
    /// Docs sites, innermost first: links in their files resolve as the
    /// site serves them (see [`Index::set_sites`]).
    sites: Vec<Site>,
    /// A translation's source edition (for sites that fall back to it), by
    /// the translation's `FileId`: an index into `source_paths` (`u32::MAX`:
    /// none). Tens of thousands of translations share a few thousand
    /// sources; a map of path to path held both paths of every one.
    sources: Vec<u32>,
    source_paths: Vec<Box<str>>,
    /// Docusaurus routes: a path with number prefixes and extension
    /// dropped → the file that renders it.
    routes: HashMap<String, String>,
    /// `image-variants`, compiled.
    variants: Vec<regex::Regex>,
    /// Redirecting URLs (Hugo `aliases`) → the page's file.
    aliases: HashMap<String, String>,
}

/// The value in [`Index::files`] of a file that is not Markdown.
const NOT_MARKDOWN: u32 = crate::discover::NOT_NUMBERED;

impl Index {
    /// The index of the tree's paths, without anchors yet (made while the
    /// files are parsed: it needs only their paths): `FileId(i)` is
    /// `paths[i]`. The tree's path sets move into the index.
    pub fn of_paths(tree: &mut Tree, paths: &[&str]) -> Self {
        // (every value is NOT_MARKDOWN: the walk made it so)
        let mut files = std::mem::take(&mut tree.files);
        let mut unlisted = HashMap::default();
        for (i, path) in paths.iter().enumerate() {
            match files.get_mut(*path) {
                Some(id) => *id = i as u32,
                None => {
                    unlisted.insert(Box::from(*path), FileId(i as u32));
                }
            }
        }
        Self {
            files,
            unlisted,
            dirs: std::mem::take(&mut tree.dirs),
            outside_links: std::mem::take(&mut tree.outside_links),
            parsed: Vec::new(),
            anchors: Vec::new(),
            sites: Vec::new(),
            sources: Vec::new(),
            source_paths: Vec::new(),
            routes: HashMap::default(),
            variants: Vec::new(),
            aliases: HashMap::default(),
        }
    }

    /// `anchors[i]`: the anchors of file `FileId(i)` (`None`: it was not
    /// read or not parsed).
    pub fn set_all_anchors(&mut self, anchors: Vec<Option<AnchorSet>>) {
        self.parsed = anchors.iter().map(Option::is_some).collect();
        self.anchors = anchors;
    }

    /// Resolves links of files inside `sites` as those sites serve them:
    /// site-absolute URLs through their content folders and static
    /// folders, clean URLs, page-relative URLs, Docusaurus routes, and, for
    /// sites that fall back to the source language, the source edition's
    /// files (`sources`: translation → source path).
    pub fn set_sites(&mut self, sites: Vec<Site>) {
        let mut routes = HashMap::default();
        static DATED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"^(\d{4})-(\d{2})-(\d{2})-(.+?)(?:/index)?\.mdx?$")
                .expect("static regex")
        });
        for site in sites.iter().filter(|s| s.number_prefixes) {
            // Docusaurus blogs: `2020-03-16-4.7.0.md` is served at `2020/03/16/4.7.0`.
            for blog in &site.blogs {
                let prefix = format!("{blog}/");
                for f in self.files.keys() {
                    if let Some(c) = f
                        .strip_prefix(&prefix)
                        .and_then(|rest| DATED.captures(rest))
                    {
                        let url = format!("{blog}/{}/{}/{}/{}", &c[1], &c[2], &c[3], &c[4]);
                        routes.entry(route_key(&url)).or_insert_with(|| f.clone());
                    }
                }
            }
            for c in &site.content {
                let prefix = format!("{}/", c.dir);
                for f in self.files.keys() {
                    let Some(rest) = f.strip_prefix(&prefix) else {
                        continue;
                    };
                    if !(rest.ends_with(".md") || rest.ends_with(".mdx")) {
                        continue;
                    }
                    routes
                        .entry(format!("{}/{}", c.dir, route_key(rest)))
                        .or_insert_with(|| f.clone());
                }
            }
        }
        self.sites = sites;
        self.routes = routes;
    }

    /// Records URLs that redirect to pages (Hugo `aliases`).
    pub fn set_aliases(&mut self, aliases: HashMap<String, String>) {
        self.aliases = aliases;
    }

    /// Records each translation's source edition: (translation's file,
    /// source path), a source's pairs together (a group's translations
    /// share its source).
    pub fn set_sources<'p>(&mut self, pairs: impl IntoIterator<Item = (FileId, &'p str)>) {
        self.sources.clear();
        self.source_paths.clear();
        for (id, source) in pairs {
            if self.sources.len() <= id.index() {
                self.sources.resize(id.index() + 1, u32::MAX);
            }
            if self
                .source_paths
                .last()
                .is_none_or(|last| **last != *source)
            {
                self.source_paths.push(source.into());
            }
            self.sources[id.index()] = (self.source_paths.len() - 1) as u32;
        }
    }

    /// The source edition of the translation at `path`.
    pub fn source_of(&self, path: &str) -> Option<&str> {
        let id = self.markdown(path)?;
        let &slot = self.sources.get(id.index())?;
        self.source_paths.get(slot as usize).map(|p| &**p)
    }

    /// Compiles `image-variants` patterns (`{stem}.{lang}.{ext}`); see
    /// [`Index::logical_image`].
    pub fn set_image_variants(&mut self, patterns: &[String]) {
        self.variants = patterns.iter().filter_map(|p| variant_regex(p)).collect();
    }

    /// The logical image a localised image file stands for (`arch.ko.png`
    /// → `arch.png`), by the `image-variants` patterns its path matches
    /// (the shortest name wins: the most specific pattern).
    pub fn logical_image(&self, path: &str) -> Option<String> {
        self.variants
            .iter()
            .filter_map(|re| {
                let c = re.captures(path)?;
                // `diagram.old.png` is no variant: the code must be a language's.
                if let Some(code) = c.name("lang")
                    && !crate::discover::lang::is_known_code(code.as_str())
                {
                    return None;
                }
                let stem = c.name("stem")?.as_str();
                Some(match c.name("ext") {
                    Some(ext) => format!("{stem}.{}", ext.as_str()),
                    None => stem.to_string(),
                })
            })
            .min_by_key(|name| (name.len(), name.clone()))
    }

    /// Whether `path` is a fragment of pages rather than a page: below an
    /// `_includes/` folder of a docs site, or a Hugo archetype.
    fn is_included_fragment(&self, path: &str) -> bool {
        let Some(site) = self.site_of(path) else {
            return false;
        };
        let rel = if site.dir.is_empty() {
            path
        } else {
            &path[site.dir.len() + 1..]
        };
        path.contains("/_includes/")
            || path.starts_with("_includes/")
            || (site.framework == crate::config::site::Framework::Hugo
                && rel.starts_with("archetypes/"))
    }

    /// The site that serves `path`, if any (the innermost).
    pub fn site_of(&self, path: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.contains(path))
    }

    /// Every site, innermost first.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// Replaces a file's anchors after its text changed (a fix was applied).
    pub fn set_anchors(&mut self, file: FileId, anchors: AnchorSet) {
        if let Some(slot) = self.anchors.get_mut(file.index()) {
            *slot = Some(anchors);
        }
    }

    /// Forgets a file's anchors (it is no longer parsed): links into it
    /// are not checked for fragments, as for a file that was never read.
    pub fn clear_anchors(&mut self, file: FileId) {
        if let Some(slot) = self.anchors.get_mut(file.index()) {
            *slot = None;
        }
    }

    pub fn anchors(&self, file: FileId) -> Option<&AnchorSet> {
        self.anchors.get(file.index()).and_then(Option::as_ref)
    }

    /// The Markdown file at `path`, parsed or not.
    fn markdown(&self, path: &str) -> Option<FileId> {
        match self.files.get(path) {
            Some(&NOT_MARKDOWN) => None,
            Some(&id) => Some(FileId(id)),
            None => self.unlisted.get(path).copied(),
        }
    }

    /// The parsed Markdown file at `path`, if any.
    pub fn parsed_file(&self, path: &str) -> Option<FileId> {
        self.markdown(path)
            .filter(|id| self.parsed.get(id.index()).copied().unwrap_or(false))
    }

    /// How many files (Markdown or not) the tree holds.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn file_exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Resolves link destination `dest` written in the file at `from`.
    pub fn resolve(&self, from: &str, dest: &str) -> Target {
        let dest = dest.trim();
        if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
            return Target::External;
        }
        let (before_fragment, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(decode(f))),
            None => (dest, None),
        };
        let path_part = before_fragment
            .split_once('?')
            .map_or(before_fragment, |(p, _)| p);
        // Hugo/Jekyll includes and Hugo archetypes (templates): their links
        // resolve in the page they end up in, which the file cannot say.
        if self.is_included_fragment(from) {
            return Target::External;
        }
        if path_part.is_empty() {
            return match fragment {
                Some(fragment) => Target::SameFile { fragment },
                // `?query` alone: the same page.
                None => Target::External,
            };
        }
        // A docs site's templates (`{{% param url %}}`, `{{ page.url }}`)
        // are filled in when the site is built: not a path to judge.
        if (dest.contains("{{") || is_placeholder(dest)) && self.site_of(from).is_some() {
            return Target::External;
        }
        let decoded = decode(path_part);
        let Some(path) = join(from, &decoded) else {
            return Target::EscapesRoot;
        };
        if path.is_empty() || self.dirs.contains(&path) {
            return Target::Dir { path };
        }
        if self.files.contains_key(&path) {
            return Target::File { path, fragment };
        }
        if self.outside_links.contains(&path) {
            return Target::OutsideLink { path };
        }
        if let Some(site) = self.site_of(from)
            && let Some(found) = self.site_resolve(site, from, &decoded, fragment.clone())
        {
            return found;
        }
        Target::Missing { path }
    }

    /// What `link` (percent-decoded, no fragment or query) written in
    /// `from` reaches on `site`, when plain file resolution found nothing:
    /// `None` when nothing either (the link is missing), `External` for a
    /// site-absolute URL outside every section of the site (it may be
    /// generated, an alias or a redirect: left to `--external`).
    fn site_resolve(
        &self,
        site: &Site,
        from: &str,
        link: &str,
        fragment: Option<String>,
    ) -> Option<Target> {
        let mut bases: Vec<String> = Vec::new();
        let absolute = link.starts_with('/');
        // A site URL without the site's base path (`/docs/guide` under `base = "/docs/"`).
        let site_url = {
            let base = site.base.trim_end_matches('/');
            match link.strip_prefix(base) {
                Some(rest) if !base.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
                    rest
                }
                _ => link,
            }
        };
        if absolute {
            let url = site_url;
            // The longest URL prefix first (`/ko/…` before `/…`).
            let mut roots: Vec<&crate::config::site::ContentRoot> = site
                .content
                .iter()
                .filter(|c| url == c.url || url.starts_with(&format!("{}/", c.url)))
                .collect();
            roots.sort_by_key(|c| std::cmp::Reverse(c.url.len()));
            for c in roots {
                bases.extend(under(&c.dir, &url[c.url.len()..]));
            }
            for s in &site.statics {
                bases.extend(under(s, url));
            }
            for (dir, prefix) in &site.static_mounts {
                if let Some(rest) = url.strip_prefix(prefix.as_str())
                    && (rest.is_empty() || rest.starts_with('/'))
                {
                    bases.extend(under(dir, rest));
                }
            }
        } else {
            let mut froms = vec![from.to_string()];
            if site.fallback
                && let Some(src) = self.source_of(from)
            {
                froms.push(src.to_string());
            }
            for f in &froms {
                bases.extend(join(f, link));
                if site.page_relative && !is_index_page(f) {
                    // `a/b.md` is served at `a/b/`: relative URLs start there.
                    let page = f.rsplit_once('.').map_or(f.as_str(), |(stem, _)| stem);
                    bases.extend(join(&format!("{page}/x"), link));
                }
            }
        }
        for b in &bases {
            for form in url_forms(b, site.clean_urls) {
                if self.files.contains_key(&form) {
                    return Some(Target::File {
                        path: form,
                        fragment,
                    });
                }
                if self.dirs.contains(&form) && form == *b {
                    return Some(Target::Dir { path: form });
                }
            }
            if site.number_prefixes {
                let key = route_key(b);
                if let Some(f) = self.routes.get(&key) {
                    return Some(Target::File {
                        path: f.clone(),
                        fragment,
                    });
                }
            }
        }
        // A redirect to a page (Hugo `aliases`).
        if !self.aliases.is_empty() {
            let mut urls: Vec<String> = Vec::new();
            if absolute {
                urls.push(link.trim_end_matches('/').to_string());
            }
            for b in &bases {
                for c in &site.content {
                    if let Some(rest) = b.strip_prefix(&format!("{}/", c.dir)) {
                        urls.push(format!("{}/{}", c.url, rest.trim_end_matches('/')));
                    }
                }
            }
            if let Some(f) = urls.iter().find_map(|u| self.aliases.get(u)) {
                return Some(Target::File {
                    path: f.clone(),
                    fragment,
                });
            }
        }
        // Below a URL the tree cannot show (a mount of generated files).
        if !site.opaque.is_empty() {
            let urls = bases.iter().filter_map(|b| {
                if absolute {
                    return Some(site_url.to_string());
                }
                site.content.iter().find_map(|c| {
                    b.strip_prefix(&format!("{}/", c.dir))
                        .map(|rest| format!("{}/{rest}", c.url))
                })
            });
            for url in urls {
                if site
                    .opaque
                    .iter()
                    .any(|o| url == *o || url.starts_with(&format!("{o}/")))
                {
                    return Some(Target::External);
                }
            }
        }
        if absolute {
            // A URL whose first folder is no section of the site's content
            // (`/community/`, a taxonomy, a redirect) cannot be judged.
            let url = site_url.trim_start_matches('/');
            let first = url.split('/').next().unwrap_or("");
            let known = site
                .content
                .iter()
                .map(|c| c.dir.as_str())
                .chain(site.statics.iter().map(String::as_str))
                .any(|d| {
                    let p = format!("{d}/{first}");
                    first.is_empty()
                        || self.dirs.contains(&p)
                        || self.files.contains_key(&p)
                        || url_forms(&p, true)
                            .iter()
                            .any(|f| self.files.contains_key(f))
                });
            let in_url_space = site.content.iter().any(|c| {
                !c.url.is_empty()
                    && (site_url == c.url || site_url.starts_with(&format!("{}/", c.url)))
            });
            // A file with an extension (an image, a PDF) is looked for where
            // the site serves files from: missing is missing.
            let last = url.rsplit('/').next().unwrap_or("");
            let asset = last.rsplit_once('.').is_some_and(|(_, ext)| {
                ext != "html"
                    && (2..=5).contains(&ext.len())
                    && ext.starts_with(|c: char| c.is_ascii_alphabetic())
                    && ext.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if !known && !in_url_space && !asset {
                return Some(Target::External);
            }
        }
        None
    }
}

/// The root-relative path a relative link points at (percent-decoded,
/// normalised), without looking at what exists; `None` for external links,
/// same-file fragments and paths that leave the root.
pub fn link_path(from: &str, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
        return None;
    }
    let before = dest.split_once('#').map_or(dest, |(p, _)| p);
    let path = before.split_once('?').map_or(before, |(p, _)| p);
    if path.is_empty() {
        return None;
    }
    join(from, &decode(path))
}

/// An `image-variants` pattern as a regex over a path's end: `{stem}`,
/// `{ext}` captured, `{lang}` any language code, `*` anything but `/`.
fn variant_regex(pattern: &str) -> Option<regex::Regex> {
    let mut re = String::from("(?:^|/)");
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("{stem}") {
            re.push_str("(?P<stem>[^/]+?)");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("{lang}") {
            re.push_str("(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("{ext}") {
            re.push_str("(?P<ext>[A-Za-z0-9]+)");
            rest = r;
        } else if let Some(r) = rest.strip_prefix('*') {
            re.push_str("[^/]*");
            rest = r;
        } else {
            let c = rest.chars().next()?;
            re.push_str(&regex::escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
        }
    }
    re.push('$');
    regex::Regex::new(&re).ok()
}

/// An upper-case identifier with underscores (`ENGLISH_VERSION_URL`): a
/// placeholder a site's build replaces, not a file name.
fn is_placeholder(dest: &str) -> bool {
    let d = dest.trim();
    d.contains('_')
        && d.starts_with(|c: char| c.is_ascii_uppercase())
        && d.split('_').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// `rest` (a URL path) below folder `dir` (`""`: the root), normalised.
fn under(dir: &str, rest: &str) -> Option<String> {
    let rest = rest.trim_start_matches('/');
    if dir.is_empty() {
        join("x", rest)
    } else {
        join(&format!("{dir}/x"), rest)
    }
}

/// Whether a page is its folder's page (`index.md`, `_index.md`,
/// `README.md`): its URL is the folder's.
fn is_index_page(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    matches!(stem, "index" | "_index" | "README" | "readme")
}

/// The files a clean URL may be served from: `p`, `p.md`, `p/index.md`,
/// `p/_index.md`, `p/README.md` (and `.mdx`); `p.html` is `p.md`.
fn url_forms(p: &str, clean: bool) -> Vec<String> {
    let p = p.trim_end_matches('/');
    let mut out = vec![p.to_string()];
    if !clean {
        return out;
    }
    let stem = p.strip_suffix(".html").unwrap_or(p);
    for ext in [".md", ".mdx"] {
        out.push(format!("{stem}{ext}"));
    }
    for name in ["index.md", "_index.md", "README.md", "index.mdx"] {
        out.push(if stem.is_empty() {
            name.to_string()
        } else {
            format!("{stem}/{name}")
        });
    }
    out
}

/// A Docusaurus route key: every folder's and the file's number prefix
/// (`01-`, `2_`, `3.`) dropped, the extension and a final `index` or
/// `README` dropped.
fn route_key(path: &str) -> String {
    static PREFIX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^\d+\s*[-_.]+\s*([^-_.\s].*)$").expect("static regex")
    });
    let path = path.trim_end_matches('/');
    let path = path
        .strip_suffix(".mdx")
        .or_else(|| path.strip_suffix(".md"))
        .or_else(|| path.strip_suffix(".html"))
        .unwrap_or(path);
    let mut parts: Vec<String> = path
        .split('/')
        .map(|seg| match PREFIX.captures(seg) {
            Some(c) => c[1].to_string(),
            None => seg.to_string(),
        })
        .collect();
    if parts.len() > 1 && matches!(parts.last().map(String::as_str), Some("index" | "README")) {
        parts.pop();
    }
    parts.join("/")
}

/// `scheme:` per RFC 3986 (`https:`, `mailto:`, `data:`); a Windows drive
/// letter is not a scheme.
fn has_scheme(s: &str) -> bool {
    // A letter, then letters, digits, `+`, `-` or `.` up to the first `:`
    // (more than one character): read up to the first byte that is not.
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    for (i, &c) in b.iter().enumerate().skip(1) {
        if c == b':' {
            return i > 1;
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')) {
            return false;
        }
    }
    false
}

/// Percent-decodes (lossily: invalid UTF-8 becomes U+FFFD).
pub fn decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Joins a relative link onto the folder of `from`, normalising `.` and `..`.
/// A leading `/` means the root. `None` when the path climbs above the root.
fn join(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if !link.starts_with('/') {
        parts.extend(from.split('/'));
        parts.pop();
    }
    for comp in link.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let mut tree = Tree {
            files: ["README.md", "images/a b.png", "docs/guide.md"]
                .iter()
                .map(|s| (s.to_string(), crate::discover::NOT_NUMBERED))
                .collect(),
            dirs: ["images", "docs"].iter().map(|s| s.to_string()).collect(),
            ..Tree::default()
        };
        Index::of_paths(&mut tree, &[])
    }

    #[test]
    fn schemes() {
        for (s, yes) in [
            ("https://x", true),
            ("mailto:a@b", true),
            ("git+ssh://h", true),
            ("a.b-c+d:x", true),
            ("c:/windows", false),
            ("1http://x", false),
            ("ht tp://x", false),
            ("./a:b", false),
            ("docs/a:b.md", false),
            ("", false),
            ("https", false),
            ("é:x", false),
            (":x", false),
        ] {
            assert_eq!(has_scheme(s), yes, "{s}");
        }
    }

    #[test]
    fn resolves() {
        let ix = index();
        assert_eq!(ix.resolve("README.md", "https://x.y"), Target::External);
        assert_eq!(ix.resolve("README.md", "mailto:a@b"), Target::External);
        assert_eq!(
            ix.resolve("README.md", "#Intro%20x"),
            Target::SameFile {
                fragment: "Intro x".into()
            }
        );
        assert_eq!(
            ix.resolve("docs/guide.md", "../images/a%20b.png"),
            Target::File {
                path: "images/a b.png".into(),
                fragment: None
            }
        );
        assert_eq!(
            ix.resolve("docs/guide.md", "/README.md#x"),
            Target::File {
                path: "README.md".into(),
                fragment: Some("x".into())
            }
        );
        assert_eq!(
            ix.resolve("docs/guide.md", "./"),
            Target::Dir {
                path: "docs".into()
            }
        );
        assert_eq!(ix.resolve("README.md", "../../issues"), Target::EscapesRoot);
        assert_eq!(
            ix.resolve("README.md", "nope.md?x=1"),
            Target::Missing {
                path: "nope.md".into()
            }
        );
    }
}
