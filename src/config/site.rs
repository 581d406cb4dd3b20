//! Docs sites: which framework builds a folder of the documentation, and
//! how its URLs map to files.
//!
//! [`detect`] recognises VitePress (`.vitepress/config.*`), Hugo
//! (`hugo.*`, `config.*` beside `content/`, `config/_default/`), Docusaurus
//! (`docusaurus.config.*`), MkDocs (`mkdocs.yml`) and mdBook (`book.toml`)
//! from the walked tree and reads only the few settings that change link
//! resolution and heading ids, with line-anchored patterns (no JavaScript
//! or YAML evaluation). `[site]` in `lockstep.toml` sets the same fields by
//! hand ([`SiteOverride`]); what it names replaces what was detected.
//! The result is plain data the index resolves links with.

use crate::source::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use crate::discover::FileMap;
use regex::Regex;

use crate::parse::dialect::AnchorStyle;

/// The framework that builds a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    Vitepress,
    Hugo,
    Docusaurus,
    Mkdocs,
    Mdbook,
    /// Set by hand in `[site]` without a framework.
    Custom,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Framework::Vitepress => "vitepress",
            Framework::Hugo => "hugo",
            Framework::Docusaurus => "docusaurus",
            Framework::Mkdocs => "mkdocs",
            Framework::Mdbook => "mdbook",
            Framework::Custom => "custom",
        }
    }

    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "vitepress" => Framework::Vitepress,
            "hugo" => Framework::Hugo,
            "docusaurus" => Framework::Docusaurus,
            "mkdocs" => Framework::Mkdocs,
            "mdbook" => Framework::Mdbook,
            "custom" | "none" => Framework::Custom,
            _ => return None,
        })
    }
}

/// A content folder: site URLs map to files below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentRoot {
    /// The language whose URLs it serves (`None`: the default language, or
    /// a site without languages).
    pub lang: Option<String>,
    /// Relative to the documentation root, no trailing `/` (`""`: the root).
    pub dir: String,
    /// The URL prefix it is served under (`"/docs"` for Docusaurus docs, `""` for most).
    pub url: String,
}

/// One docs site inside the documentation root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub framework: Framework,
    /// The site's folder (where its configuration is), relative to the
    /// documentation root; `""` for the root. Site rules apply to files below it.
    pub dir: String,
    /// The configuration file it was detected from (relative to the root),
    /// or `lockstep.toml`.
    pub config: String,
    pub content: Vec<ContentRoot>,
    /// Folders served at the site's root (`public/`, `static/`).
    pub statics: Vec<String>,
    /// Folders served below a URL prefix (Hugo mounts into `static/x`): (folder, `/x`).
    pub static_mounts: Vec<(String, String)>,
    /// A link without extension (`guide/intro`, `guide/`) or ending in
    /// `.html` reaches `guide/intro.md`, `guide/index.md`, `guide/_index.md`.
    pub clean_urls: bool,
    /// Relative URLs resolve against the page's URL, which for `a/b.md` is
    /// `a/b/` (Hugo, MkDocs with `use_directory_urls`), as well as against
    /// the file's folder.
    pub page_relative: bool,
    /// A translation may use the source language's files (Hugo mounts,
    /// mkdocs-static-i18n's `fallback_to_default`, per-language MkDocs
    /// builds that copy the English files).
    pub fallback: bool,
    /// The URL path the site is served under (`/pinia/`), stripped from
    /// site-absolute links.
    pub base: String,
    /// Docusaurus: number prefixes (`01-intro.md`) are not part of URLs.
    pub number_prefixes: bool,
    /// The heading-id dialect the framework uses, when it is not GitHub's.
    pub anchor_style: Option<AnchorStyle>,
    /// Attribute-list delimiters other than `{` `}` (VitePress'
    /// `markdown.attrs.leftDelimiter` / `rightDelimiter`, e.g. `%{` `}%`).
    pub attr_delimiters: Option<(String, String)>,
    /// The renderer passes a Markdown link's `#fragment` through its slug
    /// function (VitePress 2: `#Getting Started` reaches `getting-started`).
    pub slugs_fragments: bool,
    /// URL prefixes built from files the tree does not have (Hugo mounts
    /// of generated or submodule folders): links below them cannot be judged.
    pub opaque: Vec<String>,
    /// Docusaurus blog folders (dated file names are served as `YYYY/MM/DD/slug`).
    pub blogs: Vec<String>,
}

/// `[site]` in `lockstep.toml`: every field optional; given fields replace
/// the detected ones (of the one detected site, or of a new one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteOverride {
    pub framework: Option<Framework>,
    pub dir: Option<String>,
    pub content: Option<Vec<String>>,
    pub statics: Option<Vec<String>>,
    pub clean_urls: Option<bool>,
    pub page_relative: Option<bool>,
    pub fallback: Option<bool>,
    pub base: Option<String>,
    /// Language codes whose URLs start with `/<code>/`, each served from
    /// `<content>/<code>` (Hugo-style).
    pub languages: Option<Vec<String>>,
    /// `false`: no detection at all.
    pub detect: bool,
}

impl Site {
    fn new(framework: Framework, dir: &str, config: &str) -> Self {
        Site {
            framework,
            dir: dir.to_string(),
            config: config.to_string(),
            content: Vec::new(),
            statics: Vec::new(),
            static_mounts: Vec::new(),
            clean_urls: true,
            page_relative: false,
            fallback: false,
            base: "/".into(),
            number_prefixes: false,
            anchor_style: None,
            attr_delimiters: None,
            slugs_fragments: false,
            opaque: Vec::new(),
            blogs: Vec::new(),
        }
    }

    /// Whether `path` (relative to the documentation root) is part of this site.
    pub fn contains(&self, path: &str) -> bool {
        self.dir.is_empty()
            || path
                .strip_prefix(self.dir.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

fn join(dir: &str, rest: &str) -> String {
    let rest = rest.trim_matches('/');
    match (dir.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => dir.to_string(),
        (false, false) => format!("{dir}/{rest}"),
    }
}

fn parent(path: &str) -> &str {
    path.bytes()
        .rposition(|b| b == b'/')
        .map_or("", |i| &path[..i])
}

fn file_name(path: &str) -> &str {
    path.bytes()
        .rposition(|b| b == b'/')
        .map_or(path, |i| &path[i + 1..])
}

/// Reads a small configuration file of a site (at most 1 MiB, inside the root).
fn read_config(root: &Path, rel: &str) -> String {
    super::read::read_inside(root, &root.join(rel), "site configuration").unwrap_or_default()
}

/// The configuration at `path` followed by the other files of folder
/// `dir` (at most `max`, in name order): VitePress' `config/*.ts`, Hugo's
/// `config/_default/*` split their settings across files.
fn read_with_siblings(root: &Path, files: &FileMap, path: &str, dir: &str, max: usize) -> String {
    let mut text = read_config(root, path);
    let mut others: Vec<&String> = files
        .keys()
        .filter(|f| parent(f) == dir && f.as_str() != path)
        .collect();
    others.sort();
    for f in others.into_iter().take(max) {
        text.push('\n');
        text.push_str(&read_config(root, f));
    }
    text
}

/// The first capture of `re` in `text`.
fn capture(re: &Regex, text: &str) -> Option<String> {
    re.captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
        .filter(|s| !s.is_empty())
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).expect("static regex"));
    };
}

re!(VP_SRC_DIR, r#"(?m)^\s*srcDir\s*:\s*['"`]([^'"`]+)['"`]"#);
re!(VP_BASE, r#"(?m)^\s*base\s*:\s*['"`]([^'"`]+)['"`]"#);
re!(VP_VERSION, r#""vitepress"\s*:\s*"[~^>=v]*(\d+)"#);
re!(VP_LEFT, r#"\bleftDelimiter\s*:\s*['"`]([^'"`]+)['"`]"#);
re!(VP_RIGHT, r#"\brightDelimiter\s*:\s*['"`]([^'"`]+)['"`]"#);
re!(
    HUGO_CONTENT_DIR,
    r#"(?m)^\s*contentDir\s*[:=]\s*['"]?([^'"\s#]+)"#
);
re!(
    HUGO_DEFAULT_LANG,
    r#"(?m)^\s*defaultContentLanguage\s*[:=]\s*['"]?([A-Za-z_-]+)"#
);
re!(
    HUGO_STATIC_DIR,
    r#"(?m)^\s*staticDir\s*[:=]\s*['"]?([^'"\s#\[]+)"#
);
re!(
    HUGO_HEADING_ID,
    r#"(?m)^\s*autoHeadingIDType\s*[:=]\s*['"]?([A-Za-z-]+)"#
);
re!(MK_DOCS_DIR, r#"(?m)^docs_dir\s*:\s*['"]?([^'"\s#]+)"#);
re!(
    MK_DIR_URLS,
    r#"(?m)^use_directory_urls\s*:\s*(true|false|True|False)"#
);
re!(MK_I18N, r#"(?m)^\s*-\s*i18n\s*:?\s*$|^INHERIT\s*:"#);
re!(
    MK_SLUGIFY_UNICODE,
    r#"(?m)slugify\s*:\s*!!python/(?:name|object/apply):pymdownx\.slugs\.(?:uslugify|slugify)"#
);
re!(BOOK_SRC, r#"(?m)^\s*src\s*=\s*["']([^"']+)["']"#);
re!(
    DOCU_BASE_URL,
    r#"(?m)^\s*baseUrl\s*:\s*['"`]([^'"`]+)['"`]"#
);
re!(DOCU_PATH, r#"(?m)^\s*path\s*:\s*['"`]([^'"`]+)['"`]"#);
re!(
    DOCU_ROUTE_BASE,
    r#"(?m)^\s*routeBasePath\s*:\s*['"`]([^'"`]*)['"`]"#
);

/// The sites of the documentation root, from the walked tree (`files`,
/// `dirs`: every path relative to the root). Each configuration file read
/// is small and inside the root; a file that cannot be read counts as empty.
pub fn detect(root: &Path, files: &FileMap, dirs: &HashSet<String>) -> Vec<Site> {
    let mut configs: Vec<&String> = files.keys().filter(|p| is_site_config(p, dirs)).collect();
    configs.sort();
    if configs.len() > 64 {
        // A monorepo of sites, or vendored themes: too many to guess from.
        return Vec::new();
    }
    let mut sites: Vec<Site> = Vec::new();
    for path in configs {
        let site = match file_name(path) {
            _ if path.contains(".vitepress/") => vitepress(root, path, files, dirs),
            n if n.starts_with("docusaurus.config.") => docusaurus(root, path, dirs),
            "mkdocs.yml" | "mkdocs.yaml" => mkdocs(root, path, dirs),
            "book.toml" => mdbook(root, path),
            _ => hugo(root, path, files, dirs),
        };
        // One site per folder (Hugo's `hugo.toml` and `config/_default/`).
        if !sites.iter().any(|s| s.dir == site.dir) {
            sites.push(site);
        }
    }
    // The innermost site wins for a file: longest folder first.
    sites.sort_by(|a, b| b.dir.len().cmp(&a.dir.len()).then(a.dir.cmp(&b.dir)));
    sites
}

fn is_site_config(p: &str, dirs: &HashSet<String>) -> bool {
    // Asked of every file of the tree: the name first, the folders only
    // for a name that could be a configuration file.
    is_config_named(p, dirs) && !p.split('/').any(|c| c == "node_modules" || c == "themes")
}

fn is_config_named(p: &str, dirs: &HashSet<String>) -> bool {
    let name = file_name(p);
    // Every configuration name starts so (tldr-pages: 38,000 files, none).
    const STARTS: [&str; 6] = [
        "config",
        "index",
        "docusaurus.config",
        "mkdocs.",
        "book.toml",
        "hugo.",
    ];
    if !STARTS.iter().any(|s| name.starts_with(s)) {
        return false;
    }
    let dir = parent(p);
    let ext_in = |stem: &str, exts: &[&str]| {
        name.strip_prefix(stem)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|e| exts.contains(&e))
    };
    const JS: &[&str] = &["js", "ts", "mjs", "mts", "cjs", "cts"];
    if file_name(dir) == ".vitepress" {
        return ext_in("config", JS);
    }
    if file_name(dir) == "config" && file_name(parent(dir)) == ".vitepress" {
        // .vitepress/config/index.ts
        return ext_in("index", JS);
    }
    if ext_in("docusaurus.config", JS) || name == "mkdocs.yml" || name == "mkdocs.yaml" {
        return true;
    }
    if name == "book.toml" {
        return true;
    }
    if ext_in("hugo", &["toml", "yaml", "yml", "json"]) {
        // hugo.* at a site root, or in config/_default/.
        return true;
    }
    if ext_in("config", &["toml", "yaml", "yml", "json"]) {
        // config.* counts only beside content/ and layouts/ or archetypes/.
        let sibling = |d: &str| dirs.contains(&join(dir, d));
        return sibling("content") && (sibling("layouts") || sibling("archetypes"));
    }
    false
}

fn vitepress(root: &Path, path: &str, files: &FileMap, dirs: &HashSet<String>) -> Site {
    let i = path.find(".vitepress/").expect("a VitePress configuration");
    let dir = path[..i].trim_end_matches('/');
    // config.ts, or config/index.ts with the shared parts beside it.
    let config_dir = join(dir, ".vitepress/config");
    let text = read_with_siblings(root, files, path, &config_dir, 8);
    let mut site = Site::new(Framework::Vitepress, dir, path);
    let src = capture(&VP_SRC_DIR, &text)
        .map(|s| join(dir, s.trim_start_matches("./")))
        .unwrap_or_else(|| dir.to_string());
    site.content.push(ContentRoot {
        lang: None,
        dir: src.clone(),
        url: String::new(),
    });
    let public = join(&src, "public");
    if dirs.contains(&public) {
        site.statics.push(public);
    }
    if let Some(base) = capture(&VP_BASE, &text) {
        site.base = base;
    }
    site.anchor_style = Some(AnchorStyle::Vitepress);
    if let (Some(l), Some(r)) = (capture(&VP_LEFT, &text), capture(&VP_RIGHT, &text)) {
        site.attr_delimiters = Some((l, r));
    }
    // VitePress 2 slugs link fragments; 1.x does not. The version is the
    // one package.json asks for, in the site's folder or above it.
    let mut d = dir.to_string();
    loop {
        let pkg = join(&d, "package.json");
        if files.contains_key(&pkg)
            && let Some(major) = capture(&VP_VERSION, &read_config(root, &pkg))
        {
            site.slugs_fragments = major.parse::<u32>().is_ok_and(|m| m >= 2);
            break;
        }
        if d.is_empty() {
            break;
        }
        d = parent(&d).to_string();
    }
    site
}

fn docusaurus(root: &Path, path: &str, dirs: &HashSet<String>) -> Site {
    let dir = parent(path);
    let text = read_config(root, path);
    let mut site = Site::new(Framework::Docusaurus, dir, path);
    site.number_prefixes = true;
    let route = capture(&DOCU_ROUTE_BASE, &text).unwrap_or_else(|| "docs".into());
    let route = format!("/{}", route.trim_matches('/'));
    let route = if route == "/" { String::new() } else { route };
    let has = |d: &str| dirs.contains(&join(dir, d));
    // Docs: the current version, then each versioned copy (lenient: a
    // versioned URL may name any of them).
    if has("docs") {
        site.content.push(ContentRoot {
            lang: None,
            dir: join(dir, "docs"),
            url: route.clone(),
        });
    }
    let mut versions: Vec<&String> = dirs
        .iter()
        .filter(|d| {
            parent(d) == join(dir, "versioned_docs") && file_name(d).starts_with("version-")
        })
        .collect();
    versions.sort();
    for v in versions {
        let name = file_name(v).trim_start_matches("version-");
        for url in [route.clone(), format!("{route}/{name}")] {
            site.content.push(ContentRoot {
                lang: None,
                dir: v.clone(),
                url,
            });
        }
    }
    if has("blog") {
        site.content.push(ContentRoot {
            lang: None,
            dir: join(dir, "blog"),
            url: "/blog".into(),
        });
        site.blogs.push(join(dir, "blog"));
    }
    // More plugin instances: `routeBasePath: "release-notes"` with
    // `path: "./release-notes"` a few lines away.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(url) = capture(&DOCU_ROUTE_BASE, line) else {
            continue;
        };
        let near = lines[i.saturating_sub(6)..(i + 7).min(lines.len())].join("\n");
        let Some(path) = capture(&DOCU_PATH, &near) else {
            continue;
        };
        let folder = join(dir, path.trim_start_matches("./"));
        let url = format!("/{}", url.trim_matches('/'));
        if dirs.contains(&folder) && !site.content.iter().any(|c| c.dir == folder) {
            site.content.push(ContentRoot {
                lang: None,
                dir: folder.clone(),
                url,
            });
            site.blogs.push(folder);
        }
    }
    if has("src/pages") {
        site.content.push(ContentRoot {
            lang: None,
            dir: join(dir, "src/pages"),
            url: String::new(),
        });
    }
    if has("static") {
        site.statics.push(join(dir, "static"));
    }
    // Translations: i18n/<lang>/docusaurus-plugin-content-docs/current/ at /<lang>/docs.
    let i18n = join(dir, "i18n");
    let mut locales: Vec<&String> = dirs.iter().filter(|d| parent(d) == i18n).collect();
    locales.sort();
    for l in locales {
        let code = file_name(l);
        let current = join(l, "docusaurus-plugin-content-docs/current");
        if dirs.contains(&current) {
            site.content.push(ContentRoot {
                lang: Some(code.to_string()),
                dir: current,
                url: format!("/{code}{route}"),
            });
        }
    }
    site.anchor_style = Some(AnchorStyle::Docusaurus);
    if let Some(base) = capture(&DOCU_BASE_URL, &text) {
        site.base = base;
    }
    site
}

fn mkdocs(root: &Path, path: &str, dirs: &HashSet<String>) -> Site {
    let dir = parent(path);
    let text = read_config(root, path);
    let mut site = Site::new(Framework::Mkdocs, dir, path);
    let docs_name = capture(&MK_DOCS_DIR, &text).unwrap_or_else(|| "docs".into());
    let docs_name = docs_name.trim_start_matches("./").to_string();
    let docs = join(dir, &docs_name);
    if dirs.contains(&docs) || docs.is_empty() {
        site.content.push(ContentRoot {
            lang: None,
            dir: docs,
            url: String::new(),
        });
    }
    // One build per language (FastAPI: docs/en/mkdocs.yml, docs/es/docs/):
    // the site is their common folder, each language's docs a content
    // root, and a build copies the default language's files in.
    let code = file_name(dir);
    if crate::discover::lang::is_known_code(code) && !dir.is_empty() {
        let common = parent(dir);
        let mut others: Vec<&String> = dirs
            .iter()
            .filter(|d| {
                parent(d) == common
                    && file_name(d) != code
                    && crate::discover::lang::is_known_code(file_name(d))
                    && dirs.contains(&join(d, &docs_name))
            })
            .collect();
        others.sort();
        if !others.is_empty() {
            site.dir = common.to_string();
            for d in others {
                site.content.push(ContentRoot {
                    lang: Some(file_name(d).to_string()),
                    dir: join(d, &docs_name),
                    url: format!("/{}", file_name(d)),
                });
            }
            site.fallback = true;
        }
    }
    site.page_relative =
        capture(&MK_DIR_URLS, &text).is_none_or(|v| v.eq_ignore_ascii_case("true"));
    // mkdocs-static-i18n falls back to the default language by default;
    // per-language builds that INHERIT a shared configuration (FastAPI)
    // copy the default language's files in.
    site.fallback |= MK_I18N.is_match(&text);
    site.anchor_style = Some(if MK_SLUGIFY_UNICODE.is_match(&text) {
        AnchorStyle::MkdocsUnicode
    } else {
        AnchorStyle::Mkdocs
    });
    site
}

fn mdbook(root: &Path, path: &str) -> Site {
    let dir = parent(path);
    let text = read_config(root, path);
    let mut site = Site::new(Framework::Mdbook, dir, path);
    let src = capture(&BOOK_SRC, &text).unwrap_or_else(|| "src".into());
    site.content.push(ContentRoot {
        lang: None,
        dir: join(dir, &src),
        url: String::new(),
    });
    site.anchor_style = Some(AnchorStyle::Mdbook);
    site
}

fn hugo(root: &Path, path: &str, files: &FileMap, dirs: &HashSet<String>) -> Site {
    // hugo.toml at the site root, or config/_default/hugo.yaml.
    let mut dir = parent(path);
    if dir.ends_with("config/_default") {
        dir = parent(parent(dir));
    } else if file_name(dir) == "config" && !dirs.contains(&join(dir, "content")) {
        dir = parent(dir);
    }
    // Every other configuration file of the site (config/_default/*.yaml,
    // module templates): mounts and languages are often split out.
    let config_dir = join(dir, "config/_default");
    let text = read_with_siblings(root, files, path, &config_dir, 16);
    let mut site = Site::new(Framework::Hugo, dir, path);
    site.page_relative = true;
    let content = join(
        dir,
        &capture(&HUGO_CONTENT_DIR, &text)
            .filter(|c| !c.contains('/'))
            .unwrap_or_else(|| "content".into()),
    );
    let default = capture(&HUGO_DEFAULT_LANG, &text).unwrap_or_else(|| "en".into());
    // content/<lang>/ folders: one content root per language.
    let mut langs: Vec<String> = dirs
        .iter()
        .filter(|d| parent(d) == content)
        .map(|d| file_name(d).to_string())
        .filter(|code| crate::discover::lang::is_known_code(code))
        .collect();
    langs.sort();
    if langs.contains(&default) {
        site.content.push(ContentRoot {
            lang: None,
            dir: join(&content, &default),
            url: String::new(),
        });
        for l in langs.iter().filter(|l| **l != default) {
            site.content.push(ContentRoot {
                lang: Some(l.clone()),
                dir: join(&content, l),
                url: format!("/{l}"),
            });
        }
        // Mounts of the default language's content into the others.
        let mount = format!("source: {content}/{default}");
        let mount_rel = format!(
            "source: {}/{default}",
            content.strip_prefix(&format!("{dir}/")).unwrap_or(&content)
        );
        site.fallback = text.contains(&mount) || text.contains(&mount_rel);
    } else {
        site.content.push(ContentRoot {
            lang: None,
            dir: content,
            url: String::new(),
        });
    }
    // Module mounts into content/: more content roots, or — when their
    // source is not in the tree (generated, an uninitialised submodule) —
    // URLs that cannot be judged.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(source) = line.trim().trim_start_matches("- ").strip_prefix("source:") else {
            continue;
        };
        let source = source.trim().trim_matches(['"', '\'']);
        let Some(target) = lines[i + 1..]
            .iter()
            .take(3)
            .find_map(|l| l.trim().strip_prefix("target:"))
        else {
            continue;
        };
        let target = target.trim().trim_matches(['"', '\'']);
        if let Some(url) = target.strip_prefix("static/") {
            let source_path = join(dir, source);
            let url = format!("/{}", url.trim_matches('/'));
            if dirs.contains(&source_path) {
                site.static_mounts.push((source_path, url));
            } else if !files.contains_key(&source_path) && !site.opaque.contains(&url) {
                site.opaque.push(url);
            }
            continue;
        }
        let Some(url) = target.strip_prefix("content") else {
            continue;
        };
        // A file mount's URL is its page's: `x/_index.md`, `x/index.md`, `x.md` are `x`.
        let url = url.trim_matches('/');
        let url = url
            .strip_suffix("/_index.md")
            .or_else(|| url.strip_suffix("/index.md"))
            .or_else(|| url.strip_suffix(".md"))
            .unwrap_or(url);
        let url = format!("/{}", url.trim_matches('/'));
        let url = if url == "/" { String::new() } else { url };
        let source_path = join(dir, source);
        if site.content.iter().any(|c| c.dir == source_path) || url.is_empty() {
            continue;
        }
        if dirs.contains(&source_path) {
            site.content.push(ContentRoot {
                lang: None,
                dir: source_path,
                url,
            });
        } else if !files.contains_key(&source_path) && !site.opaque.contains(&url) {
            site.opaque.push(url);
        }
    }
    let statics = capture(&HUGO_STATIC_DIR, &text).unwrap_or_else(|| "static".into());
    let statics = join(dir, &statics);
    if dirs.contains(&statics) {
        site.statics.push(statics);
    }
    site.anchor_style = Some(match capture(&HUGO_HEADING_ID, &text).as_deref() {
        Some("github-ascii") => AnchorStyle::HugoAscii,
        Some("blackfriday") => AnchorStyle::HugoBlackfriday,
        _ => AnchorStyle::Hugo,
    });
    site
}

/// Applies `[site]` to the detected sites: with one detected site (or one
/// in `dir`), its fields are replaced; with none, a new site is made.
pub fn apply_override(sites: &mut Vec<Site>, o: &SiteOverride) {
    let dir = o.dir.clone();
    let pos = match &dir {
        Some(d) => sites.iter().position(|s| s.dir == *d),
        None if sites.len() == 1 => Some(0),
        None => None,
    };
    let site = match pos {
        Some(i) => &mut sites[i],
        None => {
            let framework = o.framework.unwrap_or(Framework::Custom);
            let d = dir.clone().unwrap_or_default();
            sites.push(Site::new(framework, &d, "lockstep.toml"));
            sites.sort_by(|a, b| b.dir.len().cmp(&a.dir.len()).then(a.dir.cmp(&b.dir)));
            let i = sites.iter().position(|s| s.dir == d).expect("just pushed");
            &mut sites[i]
        }
    };
    if let Some(f) = o.framework {
        site.framework = f;
    }
    if let Some(content) = &o.content {
        site.content = content
            .iter()
            .map(|c| ContentRoot {
                lang: None,
                dir: join(&site.dir, c),
                url: String::new(),
            })
            .collect();
    } else if site.content.is_empty() {
        site.content.push(ContentRoot {
            lang: None,
            dir: site.dir.clone(),
            url: String::new(),
        });
    }
    if let Some(langs) = &o.languages {
        let base: Vec<ContentRoot> = site.content.clone();
        for l in langs {
            for c in &base {
                site.content.push(ContentRoot {
                    lang: Some(l.clone()),
                    dir: join(&c.dir, l),
                    url: format!("{}/{l}", c.url),
                });
            }
        }
    }
    if let Some(s) = &o.statics {
        site.statics = s.iter().map(|d| join(&site.dir, d)).collect();
    }
    if let Some(v) = o.clean_urls {
        site.clean_urls = v;
    }
    if let Some(v) = o.page_relative {
        site.page_relative = v;
    }
    if let Some(v) = o.fallback {
        site.fallback = v;
    }
    if let Some(b) = &o.base {
        site.base = b.clone();
    }
    site.config = "lockstep.toml".into();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_configuration_name_is_seen() {
        let dirs = set(&["s/content", "s/layouts", "t/content", "t/archetypes"]);
        for p in [
            "vp/.vitepress/config.ts",
            "vp/.vitepress/config.mjs",
            "vp/.vitepress/config/index.ts",
            "docusaurus.config.js",
            "site/docusaurus.config.ts",
            "mkdocs.yml",
            "m/mkdocs.yaml",
            "book.toml",
            "hugo.toml",
            "h/hugo.yaml",
            "h/config/_default/hugo.json",
            "s/config.toml",
            "t/config.yml",
        ] {
            assert!(is_site_config(p, &dirs), "{p}");
        }
        for p in [
            "config.toml",
            "u/config.yaml",
            "vp/.vitepress/theme.ts",
            "vp/.vitepress/config/shared.ts",
            "index.ts",
            "x/mkdocs.json",
            "books.toml",
            "hugo",
            "node_modules/x/mkdocs.yml",
            "themes/t/hugo.toml",
            "README.md",
        ] {
            assert!(!is_site_config(p, &dirs), "{p}");
        }
    }

    #[test]
    fn detects_each_framework_from_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for (p, text) in [
            (
                "vp/.vitepress/config.ts",
                "export default {\n  srcDir: 'src',\n}\n",
            ),
            (
                "hugo/hugo.toml",
                "defaultContentLanguage = 'en'\n[markup.goldmark.parser]\nautoHeadingIDType = 'github-ascii'\n",
            ),
            ("mk/mkdocs.yml", "site_name: x\nuse_directory_urls: false\n"),
            ("book/book.toml", "[book]\nsrc = \"pages\"\n"),
            (
                "docu/docusaurus.config.js",
                "module.exports = {\n  baseUrl: '/site/',\n}\n",
            ),
        ] {
            let full = root.join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let files: FileMap = set(&[
            "vp/.vitepress/config.ts",
            "hugo/hugo.toml",
            "mk/mkdocs.yml",
            "book/book.toml",
            "docu/docusaurus.config.js",
        ])
        .into_iter()
        .map(|p| (p, crate::discover::NOT_NUMBERED))
        .collect();
        let dirs = set(&[
            "vp",
            "vp/.vitepress",
            "vp/src",
            "vp/src/public",
            "hugo",
            "hugo/content",
            "hugo/content/en",
            "hugo/content/ko",
            "hugo/static",
            "mk",
            "mk/docs",
            "book",
            "book/pages",
            "docu",
            "docu/docs",
            "docu/static",
        ]);
        let sites = detect(root, &files, &dirs);
        let by = |d: &str| sites.iter().find(|s| s.dir == d).unwrap();
        let vp = by("vp");
        assert_eq!(vp.framework, Framework::Vitepress);
        assert_eq!(vp.content[0].dir, "vp/src");
        assert_eq!(vp.statics, ["vp/src/public"]);
        let hugo = by("hugo");
        assert_eq!(hugo.anchor_style, Some(AnchorStyle::HugoAscii));
        assert_eq!(hugo.content.len(), 2);
        assert_eq!(hugo.content[1].lang.as_deref(), Some("ko"));
        assert!(hugo.page_relative);
        let mk = by("mk");
        assert!(!mk.page_relative);
        assert_eq!(mk.content[0].dir, "mk/docs");
        assert_eq!(by("book").content[0].dir, "book/pages");
        let docu = by("docu");
        assert_eq!(docu.base, "/site/");
        assert_eq!(docu.content[0].url, "/docs");
        assert_eq!(docu.statics, ["docu/static"]);
    }
}
