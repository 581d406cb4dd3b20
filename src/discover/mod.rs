//! Discovery: which files make up the documentation tree, and in which editions.
//!
//! [`walk`] lists the tree once (respecting `.gitignore`, never following a
//! symlink out of the root) and hands on every path — Markdown files to read,
//! all other files and folders for link checks. [`layout::group`] turns the
//! Markdown files into documents with editions, and [`read`] is the only place
//! that reads a documentation file (once, with a size cap).

pub mod lang;
pub mod layout;

use crate::source::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::WalkState;

/// The configuration file at a documentation root (it also marks the root).
pub const CONFIG_FILE: &str = "lockstep.toml";

/// Gitignore-style globs (`vendor/`, `*.ko.md`, `docs/**/draft.md`),
/// matched against paths relative to the documentation root.
#[derive(Debug, Clone)]
pub struct Globs(ignore::gitignore::Gitignore);

impl Default for Globs {
    fn default() -> Self {
        Globs(ignore::gitignore::Gitignore::empty())
    }
}

impl Globs {
    /// Builds the globs; on error, which glob (if known) and why.
    pub fn new<'a>(
        globs: impl IntoIterator<Item = &'a str>,
    ) -> Result<Globs, (Option<usize>, String)> {
        let mut b = ignore::gitignore::GitignoreBuilder::new("");
        for (i, glob) in globs.into_iter().enumerate() {
            b.add_line(None, glob)
                .map_err(|e| (Some(i), e.to_string()))?;
        }
        b.build().map(Globs).map_err(|e| (None, e.to_string()))
    }

    /// Whether `path` (relative to the root) or a folder above it matches.
    pub fn matches(&self, path: &str) -> bool {
        self.0.matched_path_or_any_parents(path, false).is_ignore()
    }
}

/// Extensions treated as Markdown.
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mdown", "mkd"];

pub fn is_markdown(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| {
        MARKDOWN_EXTENSIONS
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// Paths of files, each with a number (see [`Tree::files`]).
pub type FileMap = crate::source::HashMap<String, u32>;

/// A file's number in [`Tree::files`] before any is given.
pub const NOT_NUMBERED: u32 = u32::MAX;

/// Everything found under a documentation root. Paths are relative to the
/// root, with `/` separators.
#[derive(Debug, Default)]
pub struct Tree {
    pub root: PathBuf,
    /// Markdown files to check, sorted.
    pub markdown: Vec<String>,
    /// Every file (Markdown or not), including symlinks to files inside the
    /// root, each with [`NOT_NUMBERED`] (the map the index numbers the
    /// Markdown files in: made once, here).
    pub files: FileMap,
    /// Every folder, including symlinks to folders inside the root.
    pub dirs: HashSet<String>,
    /// Symlinks that point outside the root (never followed).
    pub outside_links: HashSet<String>,
    /// Problems met while walking (unreadable folders, bad ignore files).
    pub errors: Vec<(String, String)>,
}

#[derive(Default)]
struct Found {
    markdown: Vec<String>,
    files: Vec<String>,
    dirs: Vec<String>,
    outside: Vec<String>,
    errors: Vec<(String, String)>,
}

fn rel_path(root: &Path, path: &Path) -> Option<String> {
    // The walker joins names to the root with `/`: the path is the root's
    // text, `/` and the relative path, already in this form unless it holds
    // `.` or empty components (checked without splitting paths into
    // components, which cost a tenth of the walk).
    if std::path::MAIN_SEPARATOR == '/'
        && let (Some(path), Some(root)) = (path.to_str(), root.to_str())
        && let Some(rest) = path.strip_prefix(root)
        && let Some(s) = rest
            .strip_prefix('/')
            .or(root.ends_with('/').then_some(rest))
        && !s.is_empty()
        && !s.starts_with('/')
        && !s.starts_with("./")
        && !s.ends_with('/')
        && !s.ends_with("/.")
        && !s.contains("//")
        && !s.contains("/./")
        && s != "."
    {
        return Some(s.to_owned());
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut s = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(c.as_os_str().to_str()?);
    }
    Some(s)
}

/// Trees with at most this many entries are walked on one thread.
const SEQUENTIAL_ENTRIES: usize = 500;

/// Walks `root`. Folders named `.git` are skipped, hidden files are not
/// (links to `.github/…` are common), and `.gitignore` and `.ignore` files
/// apply even outside a git repository. Markdown files matching the
/// `exclude` globs are not checked, but still exist for links.
///
/// A small tree is walked on this thread: the parallel walker's workers,
/// finding no work, sleep a millisecond at a time, and the walk ends only
/// when they wake — longer than a small tree's whole walk. A tree found
/// to have more than [`SEQUENTIAL_ENTRIES`] entries is walked again, in
/// parallel (what was found is dropped).
pub fn walk(root: &Path, exclude: &Globs) -> Tree {
    walk_with(root, exclude, SEQUENTIAL_ENTRIES)
}

/// [`walk`], on one thread while at most `sequential` entries are found.
fn walk_with(root: &Path, exclude: &Globs, sequential: usize) -> Tree {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git");
    let walker = Walker {
        root,
        canonical_root: &canonical_root,
        excluded: exclude,
    };
    let mut found = Found::default();
    let mut small = true;
    for (n, entry) in builder.build().enumerate() {
        if n >= sequential {
            small = false;
            break;
        }
        walker.visit(&mut found, entry);
    }
    let mut f = match small {
        true => found,
        false => walker.in_parallel(&builder),
    };
    f.markdown.sort_unstable();
    f.errors.sort();
    Tree {
        root: root.to_path_buf(),
        markdown: f.markdown,
        files: f.files.into_iter().map(|p| (p, NOT_NUMBERED)).collect(),
        dirs: f.dirs.into_iter().collect(),
        outside_links: f.outside.into_iter().collect(),
        errors: f.errors,
    }
}

/// What [`walk`] does with each entry.
#[derive(Clone, Copy)]
struct Walker<'a> {
    root: &'a Path,
    canonical_root: &'a Path,
    excluded: &'a Globs,
}

impl Walker<'_> {
    /// The walk on every thread, each finding into its own lists, added
    /// together at the end.
    fn in_parallel(self, builder: &ignore::WalkBuilder) -> Found {
        let found = Mutex::new(Found::default());
        builder.build_parallel().run(|| {
            struct Flush<'a> {
                local: Found,
                into: &'a Mutex<Found>,
            }
            impl Drop for Flush<'_> {
                fn drop(&mut self) {
                    let mut all = self.into.lock().unwrap_or_else(|p| p.into_inner());
                    let l = std::mem::take(&mut self.local);
                    all.markdown.extend(l.markdown);
                    all.files.extend(l.files);
                    all.dirs.extend(l.dirs);
                    all.outside.extend(l.outside);
                    all.errors.extend(l.errors);
                }
            }
            let mut local = Found::default();
            local.markdown.reserve(256);
            let mut flush = Flush {
                local,
                into: &found,
            };
            Box::new(move |entry| {
                self.visit(&mut flush.local, entry);
                WalkState::Continue
            })
        });
        found.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    fn visit(&self, local: &mut Found, entry: Result<ignore::DirEntry, ignore::Error>) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                local.errors.push((String::new(), e.to_string()));
                return;
            }
        };
        if entry.depth() == 0 {
            return;
        }
        let Some(rel) = rel_path(self.root, entry.path()) else {
            local.errors.push((
                entry.path().display().to_string(),
                "path is not valid UTF-8; skipped".into(),
            ));
            return;
        };
        let Some(ft) = entry.file_type() else {
            return;
        };
        if ft.is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(self.canonical_root) => {
                    if target.is_dir() {
                        local.dirs.push(rel);
                    } else {
                        local.files.push(rel);
                    }
                }
                _ => local.outside.push(rel),
            }
        } else if ft.is_dir() {
            local.dirs.push(rel);
        } else if ft.is_file() {
            if is_markdown(&rel) && !self.excluded.matches(&rel) {
                local.markdown.push(rel.clone());
            }
            local.files.push(rel);
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The file is larger than the configured cap; it was not read.
    TooLarge {
        size: u64,
        max: u64,
    },
    Io(String),
    /// Not UTF-8: the lossy text (for display) and the offset of the first bad byte.
    InvalidUtf8 {
        lossy: String,
        offset: usize,
    },
}

/// Reads one documentation file: a single open, a size check on the open
/// handle, one read.
pub fn read(root: &Path, rel: &str, max: u64) -> Result<String, ReadError> {
    let file = File::open(root.join(rel)).map_err(|e| ReadError::Io(e.to_string()))?;
    let size = file
        .metadata()
        .map_err(|e| ReadError::Io(e.to_string()))?
        .len();
    if size > max {
        return Err(ReadError::TooLarge { size, max });
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            max,
        });
    }
    // Validated with SIMD (the standard library's check was a tenth of
    // reading a tree of small files); the standard library's error, with
    // its offset, when it fails.
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: `bytes` was just validated as UTF-8.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ReadError::InvalidUtf8 {
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            offset,
        }
    })
}

/// The documentation root for a path given on the command line: a folder is
/// a root; for a file, the nearest folder above it holding `lockstep.toml`
/// or `.git` (the current folder's ancestors included); else the current
/// folder when the file is inside it, else the file's folder. The root is
/// returned relative to the current folder when the path was relative.
pub fn root_for(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| c.canonicalize().ok());
    let Ok(start) = parent.canonicalize() else {
        return parent.to_path_buf();
    };
    let marked = start
        .ancestors()
        .find(|d| d.join(CONFIG_FILE).is_file() || d.join(".git").exists());
    let chosen = match (marked, &cwd) {
        (Some(d), _) => d.to_path_buf(),
        (None, Some(cwd)) if start.starts_with(cwd) => cwd.clone(),
        (None, _) => return parent.to_path_buf(),
    };
    if path.is_absolute() {
        return chosen;
    }
    match &cwd {
        Some(cwd) => relative_to(&chosen, cwd),
        None => chosen,
    }
}

/// `target` as a path relative to `base` (both absolute): `.`, `docs`, `../..`.
fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a walk found, in one order.
    fn sorted(tree: &Tree) -> [Vec<String>; 5] {
        let sort = |mut v: Vec<String>| {
            v.sort();
            v
        };
        [
            tree.markdown.clone(),
            sort(tree.files.keys().cloned().collect()),
            sort(tree.dirs.iter().cloned().collect()),
            sort(tree.outside_links.iter().cloned().collect()),
            sort(
                tree.errors
                    .iter()
                    .map(|(p, e)| format!("{p}: {e}"))
                    .collect(),
            ),
        ]
    }

    /// The walk on one thread, in parallel, and in parallel after giving up
    /// on one thread part of the way, finds the same entries: ignore files
    /// at the root and below, `.git` skipped, hidden folders kept, excluded
    /// Markdown, symlinks inside and out, a folder without permissions
    /// (unreadable unless the test runs as root).
    #[test]
    fn every_way_of_walking_finds_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(".gitignore", "vendor/\n*.tmp\n");
        write("vendor/x.md", "x");
        write(".git/info.md", "x");
        write(".github/TEMPLATE.md", "x");
        write("docs/.ignore", "secret.md\n");
        write("docs/secret.md", "x");
        write("docs/drafts/wip.md", "x");
        write("notes.tmp", "x");
        write("README.md", "x");
        for d in 0..30 {
            for f in 0..40 {
                write(&format!("pages/d{d}/page-{f}.md"), "x");
                write(&format!("pages/d{d}/page-{f}.png"), "x");
            }
        }
        std::fs::write(outside.path().join("out.md"), "x").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(outside.path(), root.join("linked")).unwrap();
            symlink(root.join("README.md"), root.join("alias.md")).unwrap();
            symlink(root.join("docs"), root.join("docs-alias")).unwrap();
            std::fs::create_dir(root.join("locked")).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o000))
                .unwrap();
        }
        let exclude = Globs::new(["docs/drafts/"]).unwrap();
        let one_thread = walk_with(root, &exclude, usize::MAX);
        let found = sorted(&one_thread);
        assert!(
            one_thread.files.len() > SEQUENTIAL_ENTRIES,
            "the tree is large"
        );
        assert!(found[0].contains(&".github/TEMPLATE.md".to_string()));
        assert!(
            !found[0]
                .iter()
                .any(|p| p.starts_with("vendor/") || p.starts_with(".git/"))
        );
        assert!(!found[0].contains(&"docs/drafts/wip.md".to_string()));
        assert!(found[1].contains(&"docs/drafts/wip.md".to_string()));
        assert!(!found[1].contains(&"docs/secret.md".to_string()));
        for (name, tree) in [
            ("parallel", walk_with(root, &exclude, 0)),
            ("switched after 100", walk_with(root, &exclude, 100)),
            ("as walk() does", walk(root, &exclude)),
        ] {
            assert_eq!(sorted(&tree), found, "{name}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(
                root.join("locked"),
                std::fs::Permissions::from_mode(0o755),
            );
        }
    }

    #[test]
    fn relative_paths_are_slash_separated_components() {
        for (root, path, want) in [
            ("docs", "docs/a/b.md", Some("a/b.md")),
            (".", "./a/b.md", Some("a/b.md")),
            ("docs/", "docs/a.md", Some("a.md")),
            ("docs", "docs/a//b.md", Some("a/b.md")),
            ("docs", "docs/a/./b.md", Some("a/b.md")),
            ("docs", "docs/a/", Some("a")),
            ("docs", "other/a.md", None),
            ("docs", "docsa/b.md", None),
            ("/", "/a/b.md", Some("a/b.md")),
            ("docs", "docs", Some("")),
        ] {
            assert_eq!(
                rel_path(Path::new(root), Path::new(path)).as_deref(),
                want,
                "{root} {path}"
            );
        }
    }
}
