//! Git history: the only module that runs git.
//!
//! [`History::load`] runs one `git log` over the first-parent history of the
//! repository's Markdown files (`-p --unified=0`, oldest first) and replays
//! the hunks forward, so that for every line of every file it knows the
//! newest commit that changed it — or deleted lines right below it — in the
//! committed version. That is blame for all files from one process.
//! Working-tree edits are laid over it (changed lines count as "now"), and
//! [`History::show`] fetches old file versions in one `git cat-file --batch`.
//! Commits listed in `.git-blame-ignore-revs` (or passed in) are skipped:
//! their new lines inherit the commits of the lines they replaced.
//!
//! History is followed along first parents: a merged branch's changes are
//! attributed to the merge commit that brought them. Renames are followed
//! (`-M`): a moved file keeps its lines' history, and the rename's own
//! changes apply on top — `git mv` of a translation does not resync it.
//! Paths are read exactly as git writes them: C-quoted when they hold a
//! quote, a backslash or a control character, and with a TAB after names
//! that hold a space on `---`/`+++` lines; lists are read NUL-separated.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostic::Revision;
use crate::parse::substance::{self, Side};

mod cache;

pub(crate) use self::cache::{Reader, Writer, write_atomically};

/// Stands for "changed in the working tree, not committed".
pub const WORKTREE: u32 = u32::MAX;

/// Why there is no history to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// git is not installed or failed to run.
    NoGit(String),
    NotARepository,
    /// A shallow clone: its oldest commit pretends to add everything.
    Shallow,
    /// A repository without commits.
    NoCommits,
    /// Anything else, said in full.
    Other(String),
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NoGit(e) => write!(f, "git could not be run ({e})"),
            Unavailable::NotARepository => f.write_str("the documentation is not in a git repository"),
            Unavailable::Shallow => f.write_str(
                "the repository is a shallow clone, so its history does not reach back (fetch it whole: `fetch-depth: 0` in actions/checkout)",
            ),
            Unavailable::NoCommits => f.write_str("the repository has no commits yet"),
            Unavailable::Other(m) => f.write_str(m),
        }
    }
}

/// Per line of one file: the newest commit that changed it or deleted lines
/// just below it (an index into the commit list, or [`WORKTREE`]).
type Touches = Vec<u32>;

/// One hunk of a zero-context diff, `@@ -a,b +c,d @@`, and whether it
/// changes nothing of substance (see [`crate::parse::substance`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    pub a: usize,
    pub b: usize,
    pub c: usize,
    pub d: usize,
    pub cosmetic: bool,
}

impl Hunk {
    fn new((a, b, c, d): (usize, usize, usize, usize)) -> Self {
        Hunk {
            a,
            b,
            c,
            d,
            cosmetic: false,
        }
    }

    /// 0-based start of the old side (with zero context, `-a,0` means
    /// "after line a").
    fn old_start(&self) -> usize {
        if self.b == 0 {
            self.a
        } else {
            self.a.saturating_sub(1)
        }
    }

    fn new_start(&self) -> usize {
        if self.d == 0 {
            self.c
        } else {
            self.c.saturating_sub(1)
        }
    }
}

/// The editions the history is read for: which files are sources and which
/// translations (paths relative to the documentation root), and the
/// document each belongs to — so that edits of no substance can be told
/// apart (a translation's link fix; a source's language-switcher links).
#[derive(Debug, Default, Clone)]
pub struct Editions {
    files: HashMap<String, (Side, usize)>,
}

impl Editions {
    /// The editions, sorted (for a cache key).
    fn sorted(&self) -> Vec<(&str, bool, usize)> {
        let mut v: Vec<(&str, bool, usize)> = self
            .files
            .iter()
            .map(|(p, &(s, g))| (p.as_str(), s == Side::Source, g))
            .collect();
        v.sort_unstable();
        v
    }

    pub fn new(files: impl IntoIterator<Item = (String, Side, usize)>) -> Self {
        Editions {
            files: files.into_iter().map(|(p, s, g)| (p, (s, g))).collect(),
        }
    }

    pub fn side(&self, path: &str) -> Option<Side> {
        self.files.get(path).map(|f| f.0)
    }

    /// Whether `dest`, a link in the file at `path`, leads to another
    /// edition of the same document (a language switcher).
    pub fn is_navigation(&self, path: &str, dest: &str) -> bool {
        let Some(&(_, group)) = self.files.get(path) else {
            return false;
        };
        crate::index::link_path(path, dest)
            .filter(|p| p != path)
            .and_then(|p| self.files.get(&p))
            .is_some_and(|&(_, g)| g == group)
    }

    /// What of `text`, in the file at `path`, is of substance (see
    /// [`substance::substance`]): `None` for a file that is no edition.
    /// Two texts whose substances are equal differ only cosmetically.
    pub fn substance(&self, path: &str, text: &str) -> Option<String> {
        let side = self.side(path)?;
        Some(substance::substance(text, side, &|d| {
            self.is_navigation(path, d)
        }))
    }

    /// Whether `old` → `new` in the file at `path` changes nothing of substance.
    pub fn cosmetic(&self, path: &str, old: &str, new: &str) -> bool {
        match self.side(path) {
            Some(side) => !substance::differs(old, new, side, &|d| self.is_navigation(path, d)),
            None => false,
        }
    }
}

/// What [`History::load`] needs besides the repository.
#[derive(Debug, Default, Clone)]
pub struct HistoryOptions {
    /// Commits to skip, besides `.git-blame-ignore-revs`.
    pub ignore_revs: Vec<String>,
    /// Commits whose subject matches one of these (validated regexes) are skipped.
    pub skip_subjects: Vec<String>,
    pub editions: Editions,
    /// Limit git to Markdown files (`*.md` pathspecs): much faster where
    /// most files are not Markdown, slower where most are.
    pub markdown_only: bool,
}

#[derive(Debug)]
pub struct History {
    toplevel: PathBuf,
    /// The documentation root relative to the repository's top level (`""` or `docs/`).
    prefix: String,
    commits: Vec<Revision>,
    /// Committed state, by path relative to the documentation root.
    committed: HashMap<String, Touches>,
    /// Markdown files moved: `(commit, from, to)`, oldest first.
    renames: Vec<Rename>,
    /// Files whose working-tree text differs from HEAD, with the HEAD text.
    modified: HashMap<String, String>,
    /// Every commit of the first-parent history (oldest first) that the
    /// replay did not see — it touched nothing below the documentation root
    /// — with the replayed commit it is equivalent to: the newest at or
    /// before it (`None` before the first). A sync marker may name one.
    others: std::sync::OnceLock<Vec<(String, Option<u32>)>>,
    /// Every commit id, replayed or not, sorted, for finding one by a prefix:
    /// position `k` is `commits[k]` below `commits.len()`, else
    /// `others[k - commits.len()]` (made when a marker is first resolved).
    by_id: std::sync::OnceLock<Vec<u32>>,
    /// Per source file (by its path now): the hunks of the commits that
    /// changed it, for counting the commits that changed a section.
    log: HashMap<String, HunkLog>,
    /// The line counts of other files (see [`Replay::lengths`]).
    lengths: HashMap<String, usize>,
    editions: Editions,
    /// The repository's git directory (shared by its worktrees).
    git_dir: Option<PathBuf>,
    /// Files whose history could not be read (a git object is missing, as
    /// in a partial clone), relative to the root; and the objects.
    unreadable: Vec<String>,
    missing_objects: Vec<String>,
    /// Whether the replay state came from the cache (and how many commits
    /// were read on top of it).
    pub cache: CacheUse,
    /// See [`HistoryOptions::markdown_only`].
    markdown_only: bool,
}

/// The lines two texts begin and end with, left out: how many whole lines
/// they begin with, and the two texts between those and the whole lines
/// they end with. Both middles are whole lines (each ends with `\n`, or
/// where its text ends).
fn common_lines<'t>(old: &'t str, new: &'t str) -> (usize, (&'t str, &'t str)) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    // Back from the bytes in common to the end of the last whole line.
    let p = a[..crate::source::common_prefix(a, b)]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let start = a[..p].iter().filter(|&&c| c == b'\n').count();
    let (a, b) = (&a[p..], &b[p..]);
    let s = crate::source::common_suffix(a, b);
    // From the first whole line of the common end: after a newline both
    // have there.
    let tail = a[a.len() - s..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(0, |i| s - i - 1);
    (
        start,
        (&old[p..old.len() - tail], &new[p..new.len() - tail]),
    )
}

/// What [`History::prefetch`] reads before the editions are known.
struct Started {
    history: History,
    /// HEAD's commit id.
    head: String,
    worktree: Worktree,
}

/// Files changed in the working tree: `(path at HEAD, path now)` (relative
/// to the root) and the HEAD text (`None`: new).
type Worktree = Vec<((String, String), Option<String>)>;

/// The first-parent line to HEAD, oldest first: `git rev-list`.
fn first_parent_line(toplevel: &Path) -> Result<Vec<String>, Unavailable> {
    let list = run(
        toplevel,
        &["rev-list", "--first-parent", "--reverse", "HEAD"],
    )?;
    Ok(list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// The history being read (see [`History::prefetch`]).
pub struct Prefetch(std::thread::JoinHandle<Result<Started, Unavailable>>);

impl Prefetch {
    /// The history, read to the end for these editions.
    pub fn finish(self, opts: &HistoryOptions) -> Result<History, Unavailable> {
        self.finish_with(|| opts.clone())
    }

    /// [`Prefetch::finish`], with the options made only when there is a
    /// history to read (they list every edition of the tree).
    pub fn finish_with(
        self,
        opts: impl FnOnce() -> HistoryOptions,
    ) -> Result<History, Unavailable> {
        let started = self
            .0
            .join()
            .map_err(|_| Unavailable::Other("reading the git history failed".into()))??;
        History::finish(started, &opts())
    }
}

/// How the history cache served a load.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// Not used (no git directory, or switched off).
    #[default]
    Off,
    /// Nothing usable: the whole history was read.
    Miss,
    /// The cache was at HEAD, or this many newer commits were read on top.
    Hit { read: usize },
}

/// A Markdown file moved by a commit: `(commit, from, to)`, paths relative
/// to the documentation root.
type Rename = (u32, String, String);

/// The committed state a `git log -p` replay ends in.
#[derive(Debug, Default)]
struct Replayed {
    committed: HashMap<String, Touches>,
    renames: Vec<Rename>,
    log: HashMap<String, HunkLog>,
    lengths: HashMap<String, usize>,
    commits: Vec<Revision>,
    cache: CacheUse,
    /// Files left out (their history could not be read), with the object.
    excluded: Vec<(String, String)>,
    /// HEAD, and the first-parent line when it was read.
    head: String,
    first_parent: Option<Vec<String>>,
}

impl Replayed {
    fn state(&self) -> cache::State {
        cache::State {
            head: self.head.clone(),
            commits: self.commits.clone(),
            committed: self.committed.clone(),
            lengths: self.lengths.clone(),
            renames: self.renames.clone(),
            log: self.log.clone(),
            excluded: self.excluded.clone(),
        }
    }
}

/// Why a range of the history could not be read.
enum LogFailure {
    /// git could not read this object (a partial clone, a damaged repository).
    Missing(String),
    Other(Unavailable),
}

/// The object git says it could not read, from its error output
/// (`fatal: unable to read <id>`, `fatal: missing blob object '<id>'`).
fn missing_object(stderr: &str) -> Option<String> {
    static MISSING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?:unable to read|missing (?:blob|tree) object '?|bad object) ?([0-9a-f]{40,64})",
        )
        .expect("static regex")
    });
    MISSING.captures(stderr).map(|c| c[1].to_string())
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .arg("-c")
        .arg("core.quotePath=false")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    c
}

fn run(dir: &Path, args: &[&str]) -> Result<String, Unavailable> {
    let out = git(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Unavailable::NoGit(e.to_string()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if err.contains("not a git repository") {
            return Err(Unavailable::NotARepository);
        }
        if err.contains("unknown revision")
            || err.contains("bad revision")
            || err.contains("does not have any commits")
        {
            return Err(Unavailable::NoCommits);
        }
        return Err(Unavailable::NoGit(err));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `.git-blame-ignore-revs`: one commit per line, `#` comments.
fn parse_ignore_revs(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| l.len() >= 7 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|l| l.to_ascii_lowercase())
        .collect()
}

/// A path as git prints it in diff headers: C-quoted (`"a\303\251\tb"`)
/// when it holds a quote, a backslash or a control character (non-ASCII
/// bytes stay raw with `core.quotePath=false`), and followed by a TAB on
/// `---`/`+++` lines when it holds a space. Anything after a quoted path's
/// closing quote is dropped.
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"') else {
        // An unquoted name holds no TAB of its own: a trailing one is git's.
        return s.strip_suffix('\t').unwrap_or(s).to_string();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        match b {
            b'"' => break,
            b'\\' => {}
            _ => {
                bytes.push(b);
                continue;
            }
        }
        match it.next() {
            Some(b'a') => bytes.push(0x07),
            Some(b'b') => bytes.push(0x08),
            Some(b't') => bytes.push(b'\t'),
            Some(b'n') => bytes.push(b'\n'),
            Some(b'v') => bytes.push(0x0b),
            Some(b'f') => bytes.push(0x0c),
            Some(b'r') => bytes.push(b'\r'),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = it.peek() {
                        v = v * 8 + u32::from(n - b'0');
                        it.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The path of a `diff --git a/P b/P` line (its text after `diff --git `)
/// when both sides name the same file — the only way to learn the path of a
/// diff without `---`/`+++` lines (an empty or binary file, a mode change).
/// Unquoted names may hold spaces, so the line is split in its middle.
fn header_path(rest: &str) -> Option<String> {
    if rest.starts_with('"') {
        let a = unquote(rest);
        let quoted_len = quoted_len(rest)?;
        let b = unquote(rest.get(quoted_len..)?.strip_prefix(' ')?);
        let (a, b) = (a.strip_prefix("a/")?, b.strip_prefix("b/")?);
        return (a == b).then(|| a.to_string());
    }
    // `a/P b/P`: 2 + len + 3 + len bytes.
    let len = rest.len().checked_sub(5)? / 2;
    let a = rest.get(..len + 2)?.strip_prefix("a/")?;
    let b = rest.get(len + 2..)?.strip_prefix(" b/")?;
    (a == b).then(|| a.to_string())
}

/// The length in bytes of the C-quoted string `s` starts with.
fn quoted_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// A path relative to the documentation root, if it lies below it.
fn relative(prefix: &str, path: &str) -> Option<String> {
    path.strip_prefix(prefix).map(str::to_string)
}

/// Paths as `git … -z` lists them: NUL-separated, never quoted.
fn nul_separated(list: &str) -> impl Iterator<Item = &str> {
    list.split('\0').filter(|p| !p.is_empty())
}

/// `@@ -a,b +c,d @@` → (a, b, c, d); a missing count means 1.
fn parse_hunk(line: &str) -> Option<(usize, usize, usize, usize)> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let new = rest.split_once(" @@")?.0;
    let pair = |s: &str| -> Option<(usize, usize)> {
        match s.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (a, b) = pair(old)?;
    let (c, d) = pair(new)?;
    Some((a, b, c, d))
}

/// Applies one file's hunks (in order) of commit `commit` to its touches.
/// An ignored commit's new lines — and a cosmetic hunk's — inherit from the
/// lines they replace.
fn apply_hunks(old: &[u32], hunks: &[Hunk], commit: u32, ignored: bool) -> Touches {
    let mut out = Vec::with_capacity(old.len() + 16);
    let mut pos = 0usize;
    for h in hunks {
        let (b, d) = (h.b, h.d);
        let ignored = ignored || h.cosmetic;
        let start = h.old_start().min(old.len()).max(pos);
        out.extend_from_slice(&old[pos..start]);
        let removed = &old[start..(start + b).min(old.len())];
        if d == 0 {
            // A pure deletion touches the line above it (same section).
            if !ignored {
                if let Some(last) = out.last_mut() {
                    *last = (*last).max(commit);
                } else if let Some(&next) = old.get(start + b) {
                    // Deleted at the top: the line below carries it.
                    out.push(next.max(commit));
                    pos = start + b + 1;
                    continue;
                }
            }
        } else if ignored {
            let fallback = removed.last().copied().or(out.last().copied()).unwrap_or(0);
            out.extend((0..d).map(|i| removed.get(i).copied().unwrap_or(fallback)));
        } else {
            out.extend(std::iter::repeat_n(commit, d));
        }
        pos = (start + b).min(old.len());
    }
    out.extend_from_slice(&old[pos.min(old.len())..]);
    out
}

/// What changed some lines since a commit: the commits that changed them
/// in substance (newest first), how many changed them cosmetically only,
/// and whether the working tree changes them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub commits: Vec<u32>,
    pub cosmetic: usize,
    pub uncommitted: bool,
}

/// A line boundary after a commit (0..=lines) → the same boundary before
/// it. A boundary inside a hunk moves to the hunk's start.
fn map_back(hunks: &[Hunk], x: usize) -> usize {
    let mut delta: isize = 0;
    for h in hunks {
        let ns = h.new_start();
        if ns + h.d <= x {
            delta += h.b as isize - h.d as isize;
        } else if ns < x {
            return h.old_start();
        } else {
            break;
        }
    }
    (x as isize + delta).max(0) as usize
}

/// [`map_back`] through a working-tree diff; `end`: an exclusive end
/// boundary inside a change moves to the change's end.
fn map_back_ops(ops: &[similar::DiffOp], x: usize, end: bool) -> usize {
    for op in ops {
        let (o, n) = (op.old_range(), op.new_range());
        if x < n.end || (x == n.end && x == n.start) {
            return match op {
                similar::DiffOp::Equal { .. } => o.start + (x - n.start),
                _ if end => o.end,
                _ => o.start,
            };
        }
    }
    ops.last().map_or(x, |op| op.old_range().end)
}

/// The lines of `text` that the changes of `ops` overlapping `lo..hi` cover
/// (old side when `old`).
fn op_text(text: &str, ops: &[similar::DiffOp], lo: usize, hi: usize, old: bool) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::new();
    for op in ops {
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        let n = op.new_range();
        let overlaps = n.start < hi && n.end > lo;
        let deleted_inside = n.is_empty() && n.start > lo && n.start <= hi;
        if !overlaps && !deleted_inside {
            continue;
        }
        let r = if old { op.old_range() } else { n };
        for l in lines
            .get(r.start.min(lines.len())..r.end.min(lines.len()))
            .unwrap_or(&[])
        {
            out.push_str(l);
        }
    }
    out
}

/// One file's part of a commit's diff, as read so far.
#[derive(Debug, Default)]
struct FileDiff {
    /// `--- a/…`: none for an added file.
    old: Option<String>,
    /// `+++ b/…`: none for a deleted file.
    new: Option<String>,
    /// `rename from …`, `rename to …`.
    rename_from: Option<String>,
    rename_to: Option<String>,
    /// The path of the `diff --git` line when both sides are the same.
    header: Option<String>,
    deleted: bool,
    hunks: Vec<Hunk>,
    /// The file's path relative to the root, once its first hunk is read,
    /// when it is an edition whose hunks are judged for substance.
    judged: Option<String>,
    /// The current hunk's removed and added lines (judged files only).
    removed: String,
    added: String,
    /// Whether the last hunk is still to be judged.
    pending: bool,
}

impl FileDiff {
    /// The path the diff leads to (its new path).
    fn path(&self) -> Option<&String> {
        self.new
            .as_ref()
            .or(self.rename_to.as_ref())
            .or(self.header.as_ref())
    }
}

/// The state of a `git log -p` replay: the touches so far, and the file
/// whose diff is being read.
#[derive(Default)]
struct Replay {
    /// Markdown files below the documentation root, by path relative to it.
    committed: HashMap<String, Touches>,
    /// The line counts of the other files below the root, so that a file
    /// renamed to Markdown (`README` → `README.md`) starts at its length.
    lengths: HashMap<String, usize>,
    /// Markdown files moved, oldest first.
    renames: Vec<Rename>,
    /// Per source file: the hunks of every commit that changed it.
    log: HashMap<String, HunkLog>,
    prefix: String,
    commit: u32,
    ignored: bool,
}

/// One commit of a `git log -p`, read: its file diffs, hunks judged.
#[derive(Debug)]
struct ParsedCommit {
    rev: Revision,
    /// Skipped (an ignored revision or a skipped subject).
    ignored: bool,
    files: Vec<FileDiff>,
}

/// Reads a `git log -p` into [`ParsedCommit`]s. Stateless across commits,
/// so ranges of the history can be read in parallel.
struct LogReader<'a> {
    prefix: &'a str,
    ignored: &'a [String],
    skip: &'a regex::RegexSet,
    editions: &'a Editions,
    /// The commit being read, and the file whose diff is being read.
    commit: Option<ParsedCommit>,
    file: Option<FileDiff>,
    out: Vec<ParsedCommit>,
}

/// The hunks of the commits that changed one file, oldest first.
pub type HunkLog = Vec<(u32, Vec<Hunk>)>;

impl LogReader<'_> {
    /// Judges the hunk just read: cosmetic when its removed and added lines
    /// are the same in substance.
    fn end_hunk(&mut self) {
        let Some(f) = self.file.as_mut() else { return };
        let Some(path) = f.judged.as_deref().filter(|_| f.pending) else {
            return;
        };
        f.pending = false;
        if let Some(h) = f.hunks.last_mut() {
            h.cosmetic = self.editions.cosmetic(path, &f.removed, &f.added);
        }
        f.removed = String::new();
        f.added = String::new();
    }

    /// Ends the current file's diff.
    fn flush(&mut self) {
        self.end_hunk();
        if let (Some(f), Some(c)) = (self.file.take(), self.commit.as_mut()) {
            c.files.push(f);
        }
    }

    /// Ends the commit just read. A translation's edit of no substance
    /// counts when the same commit changed its source in substance: the
    /// author changed every edition at once (a link updated everywhere),
    /// so the translation followed the source.
    fn end_commit(&mut self) {
        self.flush();
        let Some(mut c) = self.commit.take() else {
            return;
        };
        let editions = self.editions;
        let changed_sources: Vec<usize> = c
            .files
            .iter()
            .filter(|f| f.judged.is_some() && f.hunks.iter().any(|h| !h.cosmetic))
            .filter_map(|f| {
                let path = f.judged.as_deref()?;
                let &(side, group) = editions.files.get(path)?;
                (side == Side::Source).then_some(group)
            })
            .collect();
        if !changed_sources.is_empty() {
            for f in &mut c.files {
                if let Some(&(Side::Translation, group)) =
                    f.judged.as_deref().and_then(|p| editions.files.get(p))
                    && changed_sources.contains(&group)
                {
                    for h in &mut f.hunks {
                        h.cosmetic = false;
                    }
                }
            }
        }
        self.out.push(c);
    }

    fn start_commit(&mut self, header: &[u8]) {
        self.end_commit();
        let header = String::from_utf8_lossy(header);
        let (id, rest) = header.split_once(' ').unwrap_or((&header, "0"));
        let (time, subject) = rest.split_once(' ').unwrap_or((rest, ""));
        let ignored =
            self.ignored.iter().any(|i| id.starts_with(i.as_str())) || self.skip.is_match(subject);
        self.commit = Some(ParsedCommit {
            rev: Revision {
                id: id.to_string(),
                time: time.trim().parse().unwrap_or(0),
            },
            ignored,
            files: Vec::new(),
        });
    }
}

impl Replay {
    /// Applies commit number `index`, read.
    fn apply_commit(&mut self, index: u32, c: ParsedCommit, editions: &Editions) {
        self.commit = index;
        self.ignored = c.ignored;
        for f in c.files {
            self.apply(f, editions);
        }
    }

    /// Applies one file's diff: its hunks (at its new path when it was
    /// renamed, starting from the old path's history) or its deletion.
    fn apply(&mut self, f: FileDiff, editions: &Editions) {
        let prefix = self.prefix.as_str();
        if f.deleted {
            if let Some(path) = f.old.or(f.header).and_then(|p| relative(prefix, &p)) {
                self.committed.remove(&path);
                self.lengths.remove(&path);
                self.log.remove(&path);
            }
            return;
        }
        let Some(path) = f
            .new
            .or_else(|| f.rename_to.clone())
            .or(f.header)
            .and_then(|p| relative(prefix, &p))
        else {
            return;
        };
        // Where the lines were before this commit. (A rename from outside
        // the root cannot be seen: git limits the diff to the root first and
        // shows an added file.)
        let from = match &f.rename_from {
            Some(r) => relative(prefix, r),
            None => Some(path.clone()),
        };
        let is_markdown = crate::discover::is_markdown;
        if let Some(from) = from.as_ref().filter(|&from| *from != path)
            && is_markdown(&path)
        {
            self.renames.push((self.commit, from.clone(), path.clone()));
        }
        if is_markdown(&path) {
            let mut log = match &from {
                Some(from) => self.log.remove(from),
                None => None,
            }
            .unwrap_or_default();
            let old = match from {
                Some(from) if is_markdown(&from) => {
                    self.committed.remove(&from).unwrap_or_default()
                }
                // Renamed to Markdown: its lines are new as of this commit.
                Some(from) => vec![self.commit; self.lengths.remove(&from).unwrap_or(0)],
                None => Vec::new(),
            };
            let new = apply_hunks(&old, &f.hunks, self.commit, self.ignored);
            if editions.side(&path) == Some(Side::Source) && !self.ignored {
                log.push((self.commit, f.hunks));
            }
            if !log.is_empty() {
                self.log.insert(path.clone(), log);
            }
            self.committed.insert(path, new);
        } else {
            let old = match from {
                Some(from) if is_markdown(&from) => {
                    self.committed.remove(&from).map_or(0, |t| t.len())
                }
                Some(from) => self.lengths.remove(&from).unwrap_or(0),
                None => 0,
            };
            let new = f.hunks.iter().fold(old, |n, h| n.saturating_sub(h.b) + h.d);
            self.lengths.insert(path, new);
        }
    }
}

/// Replays a `git log -p` as [`History::replay`] asks for it, read from
/// `log`: the touches of every Markdown file below `prefix` (by path
/// relative to it) after the last commit, and the renames on the way; the
/// commits are appended to `commits`, oldest first.
#[cfg(test)]
fn replay_log(
    log: impl BufRead,
    prefix: &str,
    ignored: &[String],
    skip: &regex::RegexSet,
    editions: &Editions,
    commits: &mut Vec<Revision>,
) -> std::io::Result<Replayed> {
    let mut r = Replay {
        prefix: prefix.to_string(),
        ..Replay::default()
    };
    for c in parse_log(log, prefix, ignored, skip, editions)? {
        commits.push(c.rev.clone());
        r.apply_commit(commits.len() as u32 - 1, c, editions);
    }
    Ok(Replayed {
        committed: r.committed,
        renames: r.renames,
        log: r.log,
        lengths: r.lengths,
        commits: commits.clone(),
        cache: CacheUse::Off,
        excluded: Vec::new(),
        head: String::new(),
        first_parent: None,
    })
}

/// Reads a `git log -p` (see [`History::replay`]) into commits, oldest
/// first (as git wrote them).
fn parse_log(
    mut log: impl BufRead,
    prefix: &str,
    ignored: &[String],
    skip: &regex::RegexSet,
    editions: &Editions,
) -> std::io::Result<Vec<ParsedCommit>> {
    let mut line = Vec::new();
    let mut r = LogReader {
        prefix,
        ignored,
        skip,
        editions,
        commit: None,
        file: None,
        out: Vec::new(),
    };
    // Lines of the current hunk still to come: never read as headers (a
    // removed line `-- x` would look like a `--- ` header); kept only for
    // a file whose hunks are judged.
    let mut body = 0usize;
    loop {
        line.clear();
        let n = log.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        match line[0] {
            sign @ (b'+' | b'-') if body > 0 => {
                body -= 1;
                if let Some(f) = r.file.as_mut().filter(|f| f.judged.is_some()) {
                    let text = String::from_utf8_lossy(&line[1..]);
                    let into = if sign == b'-' {
                        &mut f.removed
                    } else {
                        &mut f.added
                    };
                    into.push_str(&text);
                    if !text.ends_with('\n') {
                        into.push('\n');
                    }
                }
                if body == 0 {
                    r.end_hunk();
                }
                continue;
            }
            // `\ No newline at end of file`
            b'\\' => continue,
            _ => body = 0,
        }
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        if let Some(header) = bytes.strip_prefix(b"\0") {
            r.start_commit(header);
            continue;
        }
        if bytes.starts_with(b"@@ ") {
            r.end_hunk();
            if let Some(h) = std::str::from_utf8(bytes).ok().and_then(parse_hunk) {
                body = h.1 + h.3;
                let ignored = r.commit.as_ref().is_none_or(|c| c.ignored);
                if let Some(f) = r.file.as_mut() {
                    if f.hunks.is_empty() && !ignored {
                        f.judged = f
                            .path()
                            .and_then(|p| relative(r.prefix, p))
                            .filter(|p| editions.side(p).is_some());
                    }
                    f.hunks.push(Hunk::new(h));
                    f.pending = true;
                }
            }
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        if let Some(rest) = text.strip_prefix("diff --git ") {
            r.flush();
            r.file = Some(FileDiff {
                header: header_path(rest),
                ..FileDiff::default()
            });
            continue;
        }
        // The extended header lines of the current file's diff.
        let Some(f) = r.file.as_mut().filter(|f| f.hunks.is_empty()) else {
            continue;
        };
        if let Some(path) = text.strip_prefix("+++ ") {
            if path == "/dev/null" {
                f.deleted = true;
            } else {
                let path = unquote(path);
                f.new = Some(path.strip_prefix("b/").unwrap_or(&path).to_string());
            }
        } else if let Some(path) = text.strip_prefix("--- ") {
            if path != "/dev/null" {
                let path = unquote(path);
                f.old = Some(path.strip_prefix("a/").unwrap_or(&path).to_string());
            }
        } else if let Some(path) = text.strip_prefix("rename from ") {
            f.rename_from = Some(unquote(path));
        } else if let Some(path) = text.strip_prefix("rename to ") {
            f.rename_to = Some(unquote(path));
        } else if text.starts_with("deleted file mode ") {
            f.deleted = true;
        }
    }
    r.end_commit();
    Ok(r.out)
}

/// `text.lines().count()`: its line breaks found with memchr, and a last
/// line without one.
fn line_count(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count()
        + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

impl History {
    /// A history of nothing yet, for the repository at `toplevel` (the
    /// documentation root at `prefix` in it).
    fn empty(toplevel: PathBuf, prefix: String, git_dir: Option<PathBuf>) -> Self {
        Self {
            toplevel,
            prefix,
            commits: Vec::new(),
            committed: HashMap::new(),
            renames: Vec::new(),
            modified: HashMap::new(),
            others: std::sync::OnceLock::new(),
            by_id: std::sync::OnceLock::new(),
            log: HashMap::new(),
            lengths: HashMap::new(),
            editions: Editions::default(),
            git_dir,
            unreadable: Vec::new(),
            missing_objects: Vec::new(),
            cache: CacheUse::Off,
            markdown_only: false,
        }
    }

    /// Reads the history of the repository around `root`. `ignore_revs`
    /// adds to the repository's `.git-blame-ignore-revs`.
    ///
    /// Commits whose subject matches one of `skip_subjects` (regexes,
    /// validated by the configuration) are skipped as ignored revisions are;
    /// so are the hunks of the `editions` that change nothing of substance.
    pub fn load(root: &Path, opts: &HistoryOptions) -> Result<Self, Unavailable> {
        Self::prefetch(root).finish(opts)
    }

    /// Starts reading what does not depend on the editions — the
    /// repository, its first-parent line, the working tree's changes — in
    /// a thread, so that it overlaps with reading the documentation;
    /// [`Prefetch::finish`] does the rest.
    pub fn prefetch(root: &Path) -> Prefetch {
        let root = root.to_path_buf();
        Prefetch(std::thread::spawn(move || Self::start(&root)))
    }

    fn start(root: &Path) -> Result<Started, Unavailable> {
        // No `.git` above the root (and no GIT_DIR): not a repository,
        // without starting git at all.
        if std::env::var_os("GIT_DIR").is_none() {
            let abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            // As git, not above a GIT_CEILING_DIRECTORIES entry.
            let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
                .map(|v| {
                    std::env::split_paths(&v)
                        .filter(|p| p.is_absolute())
                        .collect()
                })
                .unwrap_or_default();
            let mut found = false;
            for (i, d) in abs.ancestors().enumerate() {
                if i > 0 && ceilings.iter().any(|c| c == d) {
                    break;
                }
                if d.join(".git").exists() {
                    found = true;
                    break;
                }
            }
            if !found {
                return Err(Unavailable::NotARepository);
            }
        }
        // One process for the repository and HEAD; with no commit yet, git
        // fails quietly, and the same question without HEAD tells why.
        const INFO: [&str; 5] = [
            "rev-parse",
            "--show-toplevel",
            "--show-prefix",
            "--is-shallow-repository",
            "--git-common-dir",
        ];
        let mut args = INFO.to_vec();
        args.extend(["--verify", "-q", "HEAD"]);
        // The working tree's changes, asked at the same time (paths below
        // the root, named from it; git answers relative to the top level).
        let changes = {
            let root = root.to_path_buf();
            std::thread::spawn(move || worktree_diff(&root, "--no-renames"))
        };
        let info = match run(root, &args) {
            Ok(info) => info,
            Err(Unavailable::NotARepository) => return Err(Unavailable::NotARepository),
            Err(_) => {
                run(root, &INFO)?;
                return Err(Unavailable::NoCommits);
            }
        };
        let mut lines = info.lines();
        let toplevel = PathBuf::from(lines.next().unwrap_or(""));
        let prefix = lines.next().unwrap_or("").to_string();
        if lines.next().map(str::trim) == Some("true") {
            return Err(Unavailable::Shallow);
        }
        let git_dir = lines
            .next()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| root.join(d))
            .filter(|_| std::env::var_os("LOCKSTEP_NO_HISTORY_CACHE").is_none());
        let head = lines.next().unwrap_or("").trim().to_string();
        if head.is_empty() {
            return Err(Unavailable::NoCommits);
        }
        let history = History::empty(toplevel, prefix, git_dir);
        let changes = changes
            .join()
            .unwrap_or_else(|_| Err(Unavailable::Other("git diff failed".into())))?;
        let worktree = history.worktree(changes)?;
        Ok(Started {
            history,
            head,
            worktree,
        })
    }

    fn finish(started: Started, opts: &HistoryOptions) -> Result<Self, Unavailable> {
        let Started {
            mut history,
            head,
            worktree,
        } = started;
        history.editions = opts.editions.clone();
        // A root whose path holds glob characters is named literally only.
        history.markdown_only =
            opts.markdown_only && !history.prefix.contains(['*', '?', '[', '\\', ':']);
        let (ignore_revs, skip_subjects) = (&opts.ignore_revs, &opts.skip_subjects);
        let mut ignored: Vec<String> = ignore_revs.iter().map(|s| s.to_ascii_lowercase()).collect();
        if let Ok(text) = std::fs::read_to_string(history.toplevel.join(".git-blame-ignore-revs")) {
            ignored.extend(parse_ignore_revs(&text));
        }
        let skip = regex::RegexSet::new(skip_subjects).unwrap_or_else(|_| regex::RegexSet::empty());
        let replayed = history.replayed(&ignored, &skip, skip_subjects, &head)?;
        let replayed_line = replayed.first_parent;
        history.commits = replayed.commits;
        history.committed = replayed.committed;
        history.renames = replayed.renames;
        history.log = replayed.log;
        history.lengths = replayed.lengths;
        history.cache = replayed.cache;
        for (path, object) in replayed.excluded {
            if let Some(p) = relative(&history.prefix, &path) {
                history.unreadable.push(p);
            }
            if !history.missing_objects.contains(&object) {
                history.missing_objects.push(object);
            }
        }
        history.apply_worktree(worktree);
        if let Some(list) = &replayed_line {
            let _ = history.others.set(history.others_from(list));
        }
        Ok(history)
    }

    /// Pathspecs limiting git to the documentation root (literally: a
    /// folder named `docs [v2]` is no glob). Extensions are filtered while
    /// parsing instead: glob pathspecs make `git log` several times slower
    /// on large trees.
    fn pathspecs(&self) -> Vec<String> {
        if self.prefix.is_empty() {
            Vec::new()
        } else {
            vec![format!(":(literal){}", self.prefix.trim_end_matches('/'))]
        }
    }

    /// The replay state at HEAD: from the cache when it is at HEAD, else
    /// the cache (when it is at an older commit of the first-parent line)
    /// or nothing, with the newer commits read and replayed on top.
    fn replayed(
        &self,
        ignored: &[String],
        skip: &regex::RegexSet,
        skip_subjects: &[String],
        head: &str,
    ) -> Result<Replayed, Unavailable> {
        let key = cache::key((&self.prefix, ignored, skip_subjects, self.editions.sorted()));
        let cache_path = (self.git_dir.as_deref()).map(|d| cache::path(d, &self.prefix));
        let mut state = cache_path
            .as_deref()
            .and_then(|p| cache::read(p, key))
            .unwrap_or_default();
        // A state that left files out stands only at the commit it was
        // made at, and while the objects it lacked are still missing (a
        // clone that has them now reads everything again).
        if !state.excluded.is_empty()
            && (state.head != head || state.excluded.iter().any(|(_, o)| self.has_object(o)))
        {
            state = cache::State::default();
        }
        // The first-parent line, oldest first: what is read, in ranges (not
        // needed when the cache is at HEAD).
        let line: Option<Vec<String>> = if !state.head.is_empty() && state.head == head {
            None
        } else {
            Some(first_parent_line(&self.toplevel)?)
        };
        let first_parent: Vec<&str> = line.iter().flatten().map(String::as_str).collect();
        // Where the cached state is on the first-parent line.
        let at = if line.is_none() {
            Some(usize::MAX)
        } else {
            first_parent.iter().position(|id| *id == state.head)
        };
        if at.is_none() {
            state = cache::State::default();
        }
        let todo: &[&str] = match at {
            Some(usize::MAX) => &[],
            Some(a) => &first_parent[a + 1..],
            None => &first_parent[..],
        };
        let base = at.filter(|&a| a != usize::MAX).map(|a| first_parent[a]);
        let mut replay = Replay {
            prefix: self.prefix.clone(),
            committed: std::mem::take(&mut state.committed),
            lengths: std::mem::take(&mut state.lengths),
            renames: std::mem::take(&mut state.renames),
            log: std::mem::take(&mut state.log),
            ..Replay::default()
        };
        let mut commits = std::mem::take(&mut state.commits);
        let (parsed, excluded) = if todo.is_empty() {
            (Vec::new(), std::mem::take(&mut state.excluded))
        } else {
            self.read_log(todo, base, ignored, skip)?
        };
        let read = parsed.len();
        for c in parsed {
            commits.push(c.rev.clone());
            replay.apply_commit(commits.len() as u32 - 1, c, &self.editions);
        }
        let replayed = Replayed {
            committed: replay.committed,
            renames: replay.renames,
            log: replay.log,
            lengths: replay.lengths,
            commits,
            cache: match (&cache_path, at) {
                (None, _) => CacheUse::Off,
                (Some(_), None) => CacheUse::Miss,
                (Some(_), Some(_)) => CacheUse::Hit { read },
            },
            excluded,
            head: head.to_string(),
            first_parent: line.clone(),
        };
        // A partial history is kept with the files it left out (see above).
        if let Some(path) = &cache_path
            && !todo.is_empty()
        {
            cache::write(path, key, &replayed.state());
        }
        Ok(replayed)
    }

    /// Reads the commits `todo` (oldest first, on the first-parent line,
    /// after `base`) with `git log -p`, in ranges read in parallel. A file
    /// whose history git cannot read (an object is missing) is left out
    /// and named in the second value, with the objects.
    #[allow(clippy::type_complexity)]
    fn read_log(
        &self,
        todo: &[&str],
        base: Option<&str>,
        ignored: &[String],
        skip: &regex::RegexSet,
    ) -> Result<(Vec<ParsedCommit>, Vec<(String, String)>), Unavailable> {
        use rayon::prelude::*;
        // Ranges of about equal commit counts, more than there are threads,
        // so that a heavy range does not leave a core idle.
        let threads = rayon::current_num_threads().max(1);
        let chunks = if todo.len() < 2_000 || threads == 1 {
            1
        } else {
            (threads * 2).min(todo.len() / 1_000)
        };
        let size = todo.len().div_ceil(chunks);
        let ranges: Vec<(Option<&str>, &str)> = (0..chunks)
            .map(|i| {
                let start = i * size;
                let end = ((i + 1) * size).min(todo.len());
                let from = if start == 0 {
                    base
                } else {
                    Some(todo[start - 1])
                };
                (from, todo[end - 1])
            })
            .collect();
        let mut excluded: Vec<(String, String)> = Vec::new();
        for _attempt in 0..8 {
            let excludes: Vec<String> = excluded
                .iter()
                .map(|(p, _)| format!(":(exclude,literal){p}"))
                .collect();
            let results: Vec<Result<Vec<ParsedCommit>, LogFailure>> = ranges
                .par_iter()
                .map(|&(from, to)| self.read_range(from, to, &excludes, ignored, skip))
                .collect();
            let mut out = Vec::new();
            let mut missing = Vec::new();
            for r in results {
                match r {
                    Ok(commits) => out.extend(commits),
                    Err(LogFailure::Missing(object)) => missing.push(object),
                    Err(LogFailure::Other(e)) => return Err(e),
                }
            }
            if missing.is_empty() {
                return Ok((out, excluded));
            }
            missing.sort();
            missing.dedup();
            let before = excluded.len();
            for object in missing {
                for path in self.paths_of_object(&object) {
                    if !excluded.iter().any(|(p, _)| *p == path) {
                        excluded.push((path, object.clone()));
                    }
                }
            }
            if excluded.len() == before {
                break;
            }
        }
        Err(Unavailable::Other(
            "git could not read objects of the history (a partial clone?), and the files that need them could not be told".into(),
        ))
    }

    /// One range of the history: `git log -p to ^from` (all of it to `to`
    /// without `from`), read.
    fn read_range(
        &self,
        from: Option<&str>,
        to: &str,
        excludes: &[String],
        ignored: &[String],
        skip: &regex::RegexSet,
    ) -> Result<Vec<ParsedCommit>, LogFailure> {
        let mut args: Vec<String> = [
            "log",
            "--first-parent",
            "-m",
            "--reverse",
            "-M",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            // Whatever `diff.noprefix` or `diff.mnemonicPrefix` say.
            "--src-prefix=a/",
            "--dst-prefix=b/",
            // Id, time and subject (a subject has no line break).
            "--format=%x00%H %ct %s",
            "-p",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(to.to_string());
        if let Some(from) = from {
            args.push(format!("^{from}"));
        }
        args.push("--".into());
        let mut pathspecs = if self.markdown_only {
            // `*` matches `/` too: Markdown files at any depth below the root.
            crate::discover::MARKDOWN_EXTENSIONS
                .iter()
                .map(|e| format!(":(icase){}*.{e}", self.prefix))
                .collect()
        } else {
            self.pathspecs()
        };
        if pathspecs.is_empty() && !excludes.is_empty() {
            pathspecs.push(":/".into());
        }
        args.extend(pathspecs);
        args.extend(excludes.iter().cloned());
        let mut child = git(&self.toplevel)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| LogFailure::Other(Unavailable::NoGit(e.to_string())))?;
        let stdout = child.stdout.take().expect("piped");
        // Read from a thread: git's warnings (a rename limit reached) must
        // not fill a pipe nobody reads.
        let mut stderr_pipe = child.stderr.take().expect("piped");
        let stderr_reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr_pipe.read_to_string(&mut text);
            text
        });
        let reader = BufReader::with_capacity(1 << 16, stdout);
        let parsed = parse_log(reader, &self.prefix, ignored, skip, &self.editions);
        let stderr = stderr_reader.join().unwrap_or_default();
        let status = child
            .wait()
            .map_err(|e| LogFailure::Other(Unavailable::NoGit(e.to_string())))?;
        if !status.success() {
            if let Some(object) = missing_object(&stderr) {
                return Err(LogFailure::Missing(object));
            }
            return Err(LogFailure::Other(Unavailable::NoGit(
                stderr.trim().to_string(),
            )));
        }
        parsed.map_err(|e| LogFailure::Other(Unavailable::NoGit(e.to_string())))
    }

    /// Whether the repository has the object now (`git cat-file -e`). An
    /// id that is not one (a damaged cache) counts as had: the cached state
    /// is then not used.
    fn has_object(&self, object: &str) -> bool {
        if object.is_empty() || !object.bytes().all(|b| b.is_ascii_hexdigit()) {
            return true;
        }
        run(&self.toplevel, &["cat-file", "-e", object]).is_ok()
    }

    /// The paths (relative to the repository) that held git object
    /// `object` on the first-parent line: found from trees, without
    /// reading the object.
    fn paths_of_object(&self, object: &str) -> Vec<String> {
        let find = format!("--find-object={object}");
        let Ok(raw) = run(
            &self.toplevel,
            &[
                "log",
                "--first-parent",
                "-m",
                "--no-renames",
                "--format=",
                "--raw",
                "-z",
                &find,
                "HEAD",
            ],
        ) else {
            return Vec::new();
        };
        // `:<modes> <ids> <status>\0<path>\0`
        let mut out: Vec<String> = Vec::new();
        let mut fields = nul_separated(&raw);
        while let Some(meta) = fields.next() {
            if !meta.starts_with(':') {
                continue;
            }
            if let Some(path) = fields.next() {
                out.push(path.to_string());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Files whose working-tree text differs from HEAD, and their HEAD text.
    /// A file moved with `git mv` and not yet committed keeps its history,
    /// as a committed rename does.
    fn worktree(&self, mut list: String) -> Result<Worktree, Unavailable> {
        // Rename detection costs a walk of the whole tree: only when a file
        // was both removed and added can there be a rename.
        let statuses: Vec<&str> = nul_separated(&list).step_by(2).collect();
        if statuses.contains(&"A") && statuses.contains(&"D") {
            let root = self.toplevel.join(&self.prefix);
            list = worktree_diff(&root, "-M")?;
        }
        // `<status>\0<path>\0`, or `R<score>\0<from>\0<to>\0` for a rename.
        let mut fields = nul_separated(&list);
        // (the path at HEAD, the path now), relative to the root.
        let mut changed: Vec<(String, String)> = Vec::new();
        while let Some(status) = fields.next() {
            let Some(first) = fields.next() else { break };
            let pair = if status.starts_with(['R', 'C']) {
                let Some(second) = fields.next() else { break };
                if status.starts_with('R') {
                    // The old path is gone from the working tree.
                    changed.extend(relative(&self.prefix, first).map(|p| (p.clone(), p)));
                }
                (first, second)
            } else {
                (first, first)
            };
            if let (Some(then), Some(now)) = (
                relative(&self.prefix, pair.0),
                relative(&self.prefix, pair.1),
            ) {
                changed.push((then, now));
            }
        }
        changed.retain(|(_, now)| crate::discover::is_markdown(now));
        let requests: Vec<(String, String)> = changed
            .iter()
            .map(|(then, _)| ("HEAD".to_string(), format!("{}{then}", self.prefix)))
            .collect();
        let texts = cat_file(&self.toplevel, &requests)?;
        Ok(changed.into_iter().zip(texts).collect())
    }

    /// Lays the working tree's changes (see [`History::worktree`]) over
    /// the committed state.
    fn apply_worktree(&mut self, changed: Worktree) {
        for ((then, now), text) in changed {
            if then != now {
                if let Some(t) = self.committed.get(&then).cloned() {
                    self.committed.insert(now.clone(), t);
                }
                self.renames.push((WORKTREE, then, now.clone()));
            }
            // Deleted or new in the working tree: no HEAD text.
            self.modified.insert(now, text.unwrap_or_default());
        }
    }

    /// Records that the file at `path` held `on_disk` in the working tree,
    /// for a file changed in memory (by `fix`) and not written yet: its
    /// changed lines then count as the working tree's, as they will once it
    /// is written.
    pub fn assume_on_disk(&mut self, path: &str, on_disk: &str) {
        if !self.modified.contains_key(path) {
            self.modified.insert(path.to_string(), on_disk.to_string());
        }
    }

    /// The first commit that changed source file `path` (relative to the
    /// root; following renames): the one that added it, unless that one
    /// was skipped.
    pub fn added(&self, path: &str) -> Option<u32> {
        self.log.get(path)?.first().map(|(c, _)| *c)
    }

    /// Whether the history of the file at `path` could not be read (see
    /// [`History::unreadable`]).
    pub fn is_unreadable(&self, path: &str) -> bool {
        self.unreadable.iter().any(|p| p == path)
    }

    /// The files whose history could not be read (a git object is missing,
    /// as in a partial clone), and the objects: their staleness is unknown.
    pub fn unreadable(&self) -> (&[String], &[String]) {
        (&self.unreadable, &self.missing_objects)
    }

    /// A cache file named `stem` for this documentation root, beside the
    /// history's own (in the git directory; `None` with
    /// `LOCKSTEP_NO_HISTORY_CACHE`, which turns every cache off).
    pub fn cache_file(&self, stem: &str) -> Option<PathBuf> {
        (self.git_dir.as_deref()).map(|d| cache::file(d, stem, &self.prefix))
    }

    /// The editions this history was read for.
    pub fn editions(&self) -> &Editions {
        &self.editions
    }

    pub fn commits(&self) -> &[Revision] {
        &self.commits
    }

    pub fn commit(&self, index: u32) -> Option<&Revision> {
        self.commits.get(index as usize)
    }

    /// The newest commit of the first-parent history (HEAD).
    pub fn head(&self) -> Option<&Revision> {
        self.commits.last()
    }

    /// The commits the replay did not see (see [`History::others`]), from
    /// the first-parent line (oldest first).
    fn others_from(&self, first_parent: &[String]) -> Vec<(String, Option<u32>)> {
        let mut out = Vec::new();
        let mut next = 0usize;
        let mut last: Option<u32> = None;
        for id in first_parent {
            if self.commits.get(next).is_some_and(|c| c.id == *id) {
                last = Some(next as u32);
                next += 1;
            } else {
                out.push((id.clone(), last));
            }
        }
        out
    }

    /// [`History::others`], read when first needed (one `git rev-list`,
    /// without diffs). When it cannot be read, markers can name only
    /// replayed commits.
    fn others(&self) -> &[(String, Option<u32>)] {
        self.others.get_or_init(|| {
            first_parent_line(&self.toplevel).map_or_else(|_| Vec::new(), |l| self.others_from(&l))
        })
    }

    /// The first replayed commit after `base` (a commit id) on the
    /// first-parent line to HEAD: commits from there on are "this change".
    /// `commits().len()` when none is (only uncommitted edits are).
    pub fn range_start(&self, base: &str) -> Result<u32, Unavailable> {
        let range = format!("^{base}");
        let list = run(
            &self.toplevel,
            &["rev-list", "--first-parent", "HEAD", &range],
        )?;
        let ids: std::collections::HashSet<&str> = list.lines().map(str::trim).collect();
        Ok(self
            .commits
            .iter()
            .position(|c| ids.contains(c.id.as_str()))
            .unwrap_or(self.commits.len()) as u32)
    }

    /// The index of a commit given by its id or an unambiguous prefix (7+).
    /// A commit that touched nothing below the documentation root stands
    /// for the newest replayed commit before it.
    pub fn resolve(&self, id: &str) -> Option<u32> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 7 {
            return None;
        }
        let others = self.others();
        let n = self.commits.len();
        let id_at = |k: u32| -> &str {
            match self.commits.get(k as usize) {
                Some(c) => &c.id,
                None => &others[k as usize - n].0,
            }
        };
        let by_id = self.by_id.get_or_init(|| {
            let mut all: Vec<u32> = (0..(n + others.len()) as u32).collect();
            all.sort_unstable_by(|&a, &b| id_at(a).cmp(id_at(b)));
            all
        });
        // The ids with the prefix are together, from the first not below it.
        let from = by_id.partition_point(|&k| id_at(k) < id.as_str());
        let mut found = by_id[from..]
            .iter()
            .take_while(|&&k| id_at(k).starts_with(&id));
        let first = *found.next()?;
        if found.next().is_some() {
            return None;
        }
        match self.commits.get(first as usize) {
            Some(_) => Some(first),
            None => others[first as usize - n].1,
        }
    }

    /// Per line of `text` (the current text of the file at `path`, relative
    /// to the documentation root): the newest commit that changed it, or
    /// [`WORKTREE`] for lines not committed as they are.
    pub fn touches(&self, path: &str, text: &str) -> Touches {
        self.touches_diffing(path, text, true)
    }

    /// [`Self::touches`]; `trim`: the lines both texts begin and end with
    /// keep their commits and are left out of the diff, as git's diff
    /// leaves them out (xdiff's `xdl_trim_ends`) — without it, a 2 MB file
    /// is split and hashed line by line at every edit, and where lines
    /// repeat (blank lines) the diff may pair an unchanged line elsewhere.
    fn touches_diffing(&self, path: &str, text: &str, trim: bool) -> Touches {
        let lines = line_count(text).max(1);
        let committed = self.committed.get(path);
        match (committed, self.modified.get(path)) {
            (None, _) => vec![WORKTREE; lines],
            (Some(c), None) => {
                let mut t = c.clone();
                t.resize(lines, WORKTREE);
                t
            }
            (Some(c), Some(head_text)) => {
                let (start, (old_mid, new_mid)) = if trim {
                    common_lines(head_text, text)
                } else {
                    (0, (head_text.as_str(), text))
                };
                let diff = similar::TextDiff::from_lines(old_mid, new_mid);
                let old_lines: Vec<&str> = old_mid.split_inclusive('\n').collect();
                let new_lines: Vec<&str> = new_mid.split_inclusive('\n').collect();
                let join = |lines: &[&str], r: std::ops::Range<usize>| -> String {
                    lines
                        .get(r.start..r.end.min(lines.len()))
                        .unwrap_or(&[])
                        .concat()
                };
                let at = |i: usize| c.get(i).copied().unwrap_or(WORKTREE);
                // Old line `i` of the middle.
                let inherit = |i: usize| at(start + i);
                let mut out = Vec::with_capacity(lines);
                // The lines both begin with.
                out.extend((0..start).map(at));
                for op in diff.ops() {
                    match *op {
                        similar::DiffOp::Equal { old_index, len, .. } => {
                            out.extend((old_index..old_index + len).map(inherit));
                        }
                        similar::DiffOp::Insert {
                            old_index,
                            new_index,
                            new_len,
                        } => {
                            let added = join(&new_lines, new_index..new_index + new_len);
                            if self.editions.cosmetic(path, "", &added) {
                                let above = old_index.checked_sub(1).map_or(WORKTREE, inherit);
                                out.extend(std::iter::repeat_n(above, new_len));
                            } else {
                                out.extend(std::iter::repeat_n(WORKTREE, new_len));
                            }
                        }
                        similar::DiffOp::Replace {
                            old_index,
                            old_len,
                            new_index,
                            new_len,
                        } => {
                            let removed = join(&old_lines, old_index..old_index + old_len);
                            let added = join(&new_lines, new_index..new_index + new_len);
                            if self.editions.cosmetic(path, &removed, &added) {
                                // Like an ignored commit: lines inherit the lines they replace.
                                let last = inherit(old_index + old_len - 1);
                                out.extend((0..new_len).map(|i| {
                                    if i < old_len {
                                        inherit(old_index + i)
                                    } else {
                                        last
                                    }
                                }));
                            } else {
                                out.extend(std::iter::repeat_n(WORKTREE, new_len));
                            }
                        }
                        similar::DiffOp::Delete {
                            old_index, old_len, ..
                        } => {
                            let removed = join(&old_lines, old_index..old_index + old_len);
                            if !self.editions.cosmetic(path, &removed, "")
                                && let Some(last) = out.last_mut()
                            {
                                *last = WORKTREE;
                            }
                        }
                    }
                }
                // The lines both end with.
                let after = start + old_lines.len();
                let mid_end =
                    old_mid.as_ptr() as usize - head_text.as_ptr() as usize + old_mid.len();
                let tail = head_text[mid_end..].split_inclusive('\n').count();
                out.extend((after..after + tail).map(at));
                out.resize(lines, WORKTREE);
                out
            }
        }
    }

    /// The commits after `after` that changed lines `lines` (0-based, of
    /// `text`, the file at `path` now), walking its hunks back from HEAD the
    /// way `git log -L` does.
    pub fn changes_since(
        &self,
        path: &str,
        text: &str,
        lines: std::ops::Range<usize>,
        after: u32,
    ) -> Changes {
        let mut out = Changes::default();
        let (mut lo, mut hi) = (lines.start, lines.end.max(lines.start + 1));
        if let Some(head_text) = self.modified.get(path) {
            let diff = similar::TextDiff::from_lines(head_text.as_str(), text);
            let ops = diff.ops();
            let touched = ops.iter().any(|op| {
                let r = op.new_range();
                !matches!(op, similar::DiffOp::Equal { .. })
                    && ((r.start < hi && r.end > lo)
                        || (r.is_empty() && r.start > lo && r.start <= hi))
            });
            if touched {
                let old = op_text(head_text, ops, lo, hi, true);
                let new = op_text(text, ops, lo, hi, false);
                if self.editions.cosmetic(path, &old, &new) {
                    out.cosmetic += 1;
                } else {
                    out.uncommitted = true;
                }
            }
            (lo, hi) = (map_back_ops(ops, lo, false), map_back_ops(ops, hi, true));
        }
        let Some(log) = self.log.get(path) else {
            return out;
        };
        for (commit, hunks) in log.iter().rev() {
            if *commit <= after {
                break;
            }
            let mut substantive = None;
            for h in hunks {
                let ns = h.new_start();
                let touched = if h.d > 0 {
                    ns < hi && ns + h.d > lo
                } else {
                    // A deletion touches the line above it.
                    (lo..hi).contains(&h.c.saturating_sub(1))
                };
                if touched {
                    substantive = Some(substantive.unwrap_or(false) || !h.cosmetic);
                }
            }
            match substantive {
                Some(true) => out.commits.push(*commit),
                Some(false) => out.cosmetic += 1,
                None => {}
            }
            (lo, hi) = (map_back(hunks, lo), map_back(hunks, hi));
            if hi <= lo {
                // The lines were all added after this commit.
                break;
            }
        }
        out
    }

    /// The texts of `(commit, path)` pairs (paths relative to the root), in
    /// one `git cat-file --batch`; `None` where the file did not exist.
    pub fn show(&self, requests: &[(u32, String)]) -> Result<Vec<Option<String>>, Unavailable> {
        let requests: Vec<(String, String)> = requests
            .iter()
            .map(|(c, p)| match self.commits.get(*c as usize) {
                Some(commit) => (
                    commit.id.clone(),
                    format!("{}{}", self.prefix, self.path_at(p, *c)),
                ),
                None => ("HEAD".to_string(), format!("{}{p}", self.prefix)),
            })
            .collect();
        cat_file(&self.toplevel, &requests)
    }

    /// The path that the file now at `path` had after commit `commit`
    /// (renames since undone, newest first).
    fn path_at<'a>(&'a self, path: &'a str, commit: u32) -> &'a str {
        let mut path = path;
        for (at, from, to) in self.renames.iter().rev() {
            if *at <= commit {
                break;
            }
            if to == path {
                path = from;
            }
        }
        path
    }
}

/// Files (relative to `root`) changed since `rev` — committed or not, on
/// this branch since it left `rev` (their merge base) — and untracked
/// files; and the merge base.
pub fn changed_since(
    root: &Path,
    rev: &str,
) -> Result<(std::collections::HashSet<String>, String), Unavailable> {
    let info = run(root, &["rev-parse", "--show-toplevel", "--show-prefix"])?;
    let mut lines = info.lines();
    let top = PathBuf::from(lines.next().unwrap_or(""));
    let prefix = lines.next().unwrap_or("").to_string();
    let commit = format!("{rev}^{{commit}}");
    if run(root, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        return Err(Unavailable::Other(format!(
            "`{rev}` is not a commit in this repository (fetch it first?)"
        )));
    }
    let base = run(root, &["merge-base", rev, "HEAD"]).map_err(|e| match e {
        Unavailable::NoGit(m) if m.is_empty() => Unavailable::Other(format!(
            "`{rev}` and HEAD have no common history{}",
            if is_shallow(root) {
                " in this shallow clone (fetch the history: `fetch-depth: 0` in actions/checkout)"
            } else {
                ""
            }
        )),
        e => e,
    })?;
    let base = base.trim();
    let mut out = std::collections::HashSet::new();
    for args in [
        vec!["diff", "--name-only", "-z", "--no-renames", base],
        vec![
            "ls-files",
            "-z",
            "--others",
            "--exclude-standard",
            "--full-name",
        ],
    ] {
        let list = run(&top, &args)?;
        out.extend(nul_separated(&list).filter_map(|p| relative(&prefix, p)));
    }
    Ok((out, base.to_string()))
}

/// The ways a link may spell the file name `name`: as it is, and with the
/// characters a URL may not hold raw percent-encoded — all of them, or only
/// the ASCII ones (spaces, quotes, controls; editors keep other scripts
/// raw), in upper- and lowercase hex. A name with a newline or a carriage
/// return is only found encoded (one pattern per line; a link cannot hold
/// one raw).
fn spellings(name: &str) -> Vec<String> {
    let raw = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c);
    let encode = |all: bool, lower: bool| -> String {
        let mut out = String::with_capacity(name.len());
        for c in name.chars() {
            if raw(c) || (!all && !c.is_ascii()) {
                out.push(c);
                continue;
            }
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                if lower {
                    out.push_str(&format!("%{b:02x}"));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
        out
    };
    let mut out: Vec<String> = Vec::with_capacity(5);
    if !name.contains(['\n', '\r']) {
        out.push(name.to_string());
    }
    if !name.chars().all(raw) {
        for all in [false, true] {
            for lower in [false, true] {
                let spelt = encode(all, lower);
                if !out.contains(&spelt) {
                    out.push(spelt);
                }
            }
        }
    }
    out
}

/// The Markdown files under `root` (tracked or untracked, not ignored) whose
/// text contains one of `needles` (file names, in any of their
/// [`spellings`]) — a cheap pre-selection of the files that may link to a
/// changed file. Paths are relative to `root`.
pub fn files_mentioning(
    root: &Path,
    needles: &[String],
) -> Result<std::collections::HashSet<String>, Unavailable> {
    use std::io::Write as _;
    let mut out = std::collections::HashSet::new();
    let mut needles: Vec<String> = needles
        .iter()
        .filter(|n| !n.is_empty())
        .flat_map(|n| spellings(n))
        .collect();
    needles.sort_unstable();
    needles.dedup();
    if needles.is_empty() {
        return Ok(out);
    }
    let pathspecs: Vec<String> = crate::discover::MARKDOWN_EXTENSIONS
        .iter()
        .map(|e| format!(":(icase)*.{e}"))
        .collect();
    let mut child = git(root)
        .args(["grep", "-l", "-z", "--untracked", "-F", "-f", "-", "--"])
        .args(&pathspecs)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Unavailable::NoGit(e.to_string()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let patterns: String = needles.iter().map(|n| format!("{n}\n")).collect();
    // Written from a thread: git may fill its stdout pipe before reading all
    // the patterns.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(patterns.as_bytes());
    });
    let result = child
        .wait_with_output()
        .map_err(|e| Unavailable::NoGit(e.to_string()))?;
    let _ = writer.join();
    // Exit code 1: nothing matched.
    match result.status.code() {
        Some(0) => {}
        Some(1) if result.stderr.is_empty() => return Ok(out),
        _ => {
            return Err(Unavailable::NoGit(
                String::from_utf8_lossy(&result.stderr).trim().to_string(),
            ));
        }
    }
    for path in result.stdout.split(|&b| b == 0) {
        if !path.is_empty() {
            out.insert(String::from_utf8_lossy(path).into_owned());
        }
    }
    Ok(out)
}

fn is_shallow(dir: &Path) -> bool {
    run(dir, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|o| o.trim() == "true")
}

/// The commit HEAD points at, for the repository around `dir`.
pub fn head(dir: &Path) -> Result<Revision, Unavailable> {
    let out = run(dir, &["log", "-1", "--format=%H %ct", "HEAD"]).map_err(|e| match e {
        Unavailable::NoGit(ref m) if m.contains("does not have any commits") => {
            Unavailable::NoCommits
        }
        e => e,
    })?;
    let line = out.trim();
    let (id, time) = line.split_once(' ').ok_or(Unavailable::NoCommits)?;
    Ok(Revision {
        id: id.to_string(),
        time: time.parse().unwrap_or(0),
    })
}

/// `git diff --name-status HEAD` for the files below `dir` (paths relative
/// to the top level), with `renames` (`--no-renames` or `-M`).
fn worktree_diff(dir: &Path, renames: &str) -> Result<String, Unavailable> {
    run(
        dir,
        &[
            "diff",
            "--name-status",
            "-z",
            renames,
            "HEAD",
            "--",
            ":(literal).",
        ],
    )
}

/// `git cat-file --batch` for `(revision, path)` pairs: one process. A path
/// with a newline cannot be asked for one request per line: then requests
/// and answers are NUL-terminated (`-Z`, git 2.43 and later).
fn cat_file(dir: &Path, requests: &[(String, String)]) -> Result<Vec<Option<String>>, Unavailable> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let nul = requests.iter().any(|(_, p)| p.contains('\n'));
    let end = if nul { b'\0' } else { b'\n' };
    let mut command = git(dir);
    command.args(["cat-file", "--batch"]);
    if nul {
        command.arg("-Z");
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Unavailable::NoGit(e.to_string()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut input = Vec::new();
    for (rev, path) in requests {
        input.extend_from_slice(rev.as_bytes());
        input.push(b':');
        input.extend_from_slice(path.as_bytes());
        input.push(end);
    }
    // Write from a thread: git answers while we are still asking.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut reader = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped"));
    let mut out = Vec::with_capacity(requests.len());
    let mut header = Vec::new();
    for _ in requests {
        header.clear();
        reader
            .read_until(end, &mut header)
            .map_err(|e| Unavailable::NoGit(e.to_string()))?;
        let header = String::from_utf8_lossy(header.strip_suffix(&[end]).unwrap_or(&header));
        // `<object> missing` (or `ambiguous`) echoes the request, spaces
        // and all; an answer is `<id> <type> <size>`, then the contents and
        // one terminator.
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            out.push(None);
            continue;
        }
        let mut fields = header.rsplitn(3, ' ');
        let size = fields.next().and_then(|s| s.parse::<usize>().ok());
        let kind = fields.next();
        let Some(size) = size.filter(|_| fields.next().is_some()) else {
            out.push(None); // git stopped answering
            continue;
        };
        let mut buf = vec![0u8; size + 1];
        reader
            .read_exact(&mut buf)
            .map_err(|e| Unavailable::NoGit(e.to_string()))?;
        buf.truncate(size);
        // Not a blob (a tree): skipped.
        out.push((kind == Some("blob")).then(|| String::from_utf8_lossy(&buf).into_owned()));
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn line_count_is_lines_count(text in "[a\r\n]{0,12}") {
            proptest::prop_assert_eq!(line_count(&text), text.lines().count());
        }
    }

    /// A commit is found by a prefix of 7 or more characters when exactly
    /// one id, replayed or not, has it: as the first implementation, which
    /// compared every id, found it.
    #[test]
    fn markers_resolve_to_the_one_commit_with_the_prefix() {
        let mut h = History::empty(PathBuf::from("."), String::new(), None);
        let id =
            |head: &str, fill: char| format!("{head}{}", fill.to_string().repeat(40 - head.len()));
        h.commits = ["aaaaaaa", "aaaaaab2", "bbbbbbb3", "0123456"]
            .iter()
            .map(|head| Revision {
                id: id(head, '1'),
                time: 0,
            })
            .collect();
        let others = vec![
            (id("aaaaaac", '4'), Some(1)),
            (id("ccccccc", '5'), None),
            (id("aaaaaab9", '9'), Some(0)),
            (id("ffffffe", '0'), Some(3)),
        ];
        h.others.set(others.clone()).unwrap();
        let first_implementation = |id: &str| -> Option<u32> {
            let id = id.trim().to_ascii_lowercase();
            if id.len() < 7 {
                return None;
            }
            let replayed = (h.commits.iter().enumerate())
                .filter(|(_, c)| c.id.starts_with(&id))
                .map(|(k, _)| Some(k as u32));
            let rest = others
                .iter()
                .filter(|(c, _)| c.starts_with(&id))
                .map(|(_, k)| *k);
            let mut found = replayed.chain(rest);
            let first = found.next()?;
            found.next().is_none().then_some(first).flatten()
        };
        let expected = [
            ("bbbbbbb", Some(2)),
            (" BBBBBBB3 ", Some(2)),
            ("aaaaaab", None),
            ("aaaaaab2", Some(1)),
            ("aaaaaab9", Some(0)),
            ("aaaaaac", Some(1)),
            ("ccccccc", None),
            ("ddddddd", None),
            ("aaaaaa", None),
            ("aaaaaaa", Some(0)),
            ("0123456", Some(3)),
            ("ffffffe", Some(3)),
            ("fffffff", None),
        ];
        for (prefix, want) in expected {
            assert_eq!(h.resolve(prefix), want, "{prefix:?}");
            assert_eq!(
                h.resolve(prefix),
                first_implementation(prefix),
                "{prefix:?}"
            );
        }
        for c in h
            .commits
            .clone()
            .iter()
            .map(|c| c.id.clone())
            .chain(others.iter().map(|o| o.0.clone()))
        {
            for len in [7, 8, 12, 40] {
                assert_eq!(
                    h.resolve(&c[..len]),
                    first_implementation(&c[..len]),
                    "{c} {len}"
                );
            }
        }
    }

    /// Two texts are cosmetically different exactly when their substances
    /// are equal; a file that is no edition has none.
    #[test]
    fn substances_are_equal_exactly_for_cosmetic_edits() {
        use crate::parse::substance::Side;
        let editions = Editions::new([
            ("README.md".to_string(), Side::Source, 0),
            ("README-ko.md".to_string(), Side::Translation, 0),
        ]);
        let texts = [
            "## Caching\n\n* Keep data in memory.\n",
            "## Caching\n\n- Keep  data in memory.\n",
            "## Caching\n\n- Keep data in __memory__.\n",
            "## Caching\n\n- Keep data in memory. [한국어](README-ko.md)\n",
            "## Caching\n\n- Keep data on disk.\n",
            "## Caching\n\n- Keep data in [memory](https://example.com/a).\n",
            "## Caching\n\n- Keep data in [memory](https://example.com/b).\n",
        ];
        let mut cosmetic_pairs = 0;
        for path in ["README.md", "README-ko.md"] {
            for a in texts {
                for b in texts {
                    let same = editions.substance(path, a) == editions.substance(path, b);
                    assert_eq!(same, editions.cosmetic(path, a, b), "{path}: {a:?} {b:?}");
                    cosmetic_pairs += usize::from(same && a != b);
                }
            }
        }
        assert!(cosmetic_pairs > 0 && cosmetic_pairs < 2 * 7 * 6);
        assert_eq!(editions.substance("other.md", texts[0]), None);
        assert!(!editions.cosmetic("other.md", texts[0], texts[0]));
    }

    /// A history whose HEAD holds `head` as `a.md`, each line from its own
    /// commit.
    fn with_head(head: &str) -> History {
        let mut history = History::empty(PathBuf::new(), String::new(), None);
        let n = head.lines().count() as u32;
        history.committed.insert("a.md".into(), (0..n).collect());
        history.modified.insert("a.md".into(), head.to_string());
        history
    }

    proptest::proptest! {
        /// Where the diff is unique (no line repeats), leaving out the lines
        /// both texts begin and end with changes no line's commit; and
        /// those lines always keep theirs (but the line above a deletion).
        #[test]
        fn touches_keep_the_common_lines(
            old in 0usize..10,
            edits in proptest::collection::vec((0usize..12, 0usize..3), 0..4),
            newline_at_end in proptest::bool::ANY,
            repeat in proptest::bool::ANY,
        ) {
            // Distinct lines, or (`repeat`) lines of two kinds.
            let line = |i: usize, new: bool| match (repeat, new) {
                (true, _) => ["a", "", "b"][i % 3].to_string(),
                (false, false) => format!("l{i}"),
                (false, true) => format!("n{i}"),
            };
            let mut lines: Vec<String> = (0..old).map(|i| line(i, false)).collect();
            let join = |lines: &[String]| {
                let mut t = lines.join("\n");
                if newline_at_end && !t.is_empty() {
                    t.push('\n');
                }
                t
            };
            let head = join(&lines);
            for (k, (at, what)) in edits.into_iter().enumerate() {
                let at = at.min(lines.len());
                match what {
                    0 => lines.insert(at, line(100 + k, true)),
                    1 if at < lines.len() => lines[at] = line(100 + k, true),
                    _ if at < lines.len() => { lines.remove(at); }
                    _ => {}
                }
            }
            let text = join(&lines);
            let history = with_head(&head);
            let trimmed = history.touches_diffing("a.md", &text, true);
            if !repeat {
                proptest::prop_assert_eq!(&trimmed, &history.touches_diffing("a.md", &text, false));
            }
            let (start, (old_mid, new_mid)) = common_lines(&head, &text);
            let committed = &history.committed["a.md"];
            // (The line above a deleted line counts as changed.)
            for i in 0..start.saturating_sub(1) {
                proptest::prop_assert_eq!(trimmed[i], committed[i]);
            }
            let tail = text.len() - (new_mid.as_ptr() as usize - text.as_ptr() as usize) - new_mid.len();
            let tail_lines = text[text.len() - tail..].split_inclusive('\n').count();
            let old_tail_start = start + old_mid.split_inclusive('\n').count();
            let new_tail_start = start + new_mid.split_inclusive('\n').count();
            for k in 0..tail_lines {
                proptest::prop_assert_eq!(trimmed[new_tail_start + k], committed[old_tail_start + k]);
            }
        }
    }

    #[test]
    fn common_lines_are_whole_lines() {
        assert_eq!(common_lines("a\nb\nc\n", "a\nx\nc\n"), (1, ("b\n", "x\n")));
        assert_eq!(common_lines("a\nb", "a\nb\n"), (1, ("b", "b\n")));
        assert_eq!(common_lines("same\n", "same\n"), (1, ("", "")));
        assert_eq!(common_lines("", "x"), (0, ("", "x")));
        // A common end that does not start a line in both is not left out.
        assert_eq!(common_lines("xab\n", "yab\n"), (0, ("xab\n", "yab\n")));
        assert_eq!(
            common_lines("p\nq\nab\n", "p\nr\nab\n"),
            (1, ("q\n", "r\n"))
        );
        // A long common start, compared in blocks.
        let long = "line\n".repeat(100);
        assert_eq!(
            common_lines(&format!("{long}a\n{long}"), &format!("{long}b\n{long}")),
            (100, ("a\n", "b\n"))
        );
    }

    fn hunks(h: &[(usize, usize, usize, usize)]) -> Vec<Hunk> {
        h.iter().copied().map(Hunk::new).collect()
    }

    #[test]
    fn hunks_replay_like_blame() {
        // Lines of commit 0: a b c d.
        let base = vec![0, 0, 0, 0];
        // Revision 1 replaces line 2 and inserts after line 4.
        let t = apply_hunks(&base, &hunks(&[(2, 1, 2, 1), (4, 0, 5, 1)]), 1, false);
        assert_eq!(t, [0, 1, 0, 0, 1]);
        // Revision 2 deletes line 3: the line above is touched.
        let t = apply_hunks(&t, &hunks(&[(3, 1, 2, 0)]), 2, false);
        assert_eq!(t, [0, 2, 0, 1]);
        // An ignored commit's replacements keep the old commits.
        let t = apply_hunks(&t, &hunks(&[(1, 2, 1, 2)]), 3, true);
        assert_eq!(t, [0, 2, 0, 1]);
    }

    /// Paths as git 2.47 writes them with `core.quotePath=false`: names
    /// with a space get a TAB on `---`/`+++` lines; quotes, backslashes
    /// and control characters make the name C-quoted (the TAB follows the
    /// closing quote); other scripts stay raw.
    #[test]
    fn paths_as_git_writes_them() {
        assert_eq!(unquote("b/docs/a b.md\t"), "b/docs/a b.md");
        assert_eq!(unquote("b/docs/plain.md"), "b/docs/plain.md");
        assert_eq!(
            unquote(r#""b/docs/ko/설치 \"guide\".md""#),
            r#"b/docs/ko/설치 "guide".md"#
        );
        assert_eq!(
            unquote("\"b/docs/ko/설치 \\\"guide\\\".md\"\t"),
            "b/docs/ko/설치 \"guide\".md"
        );
        assert_eq!(unquote(r#""b/docs/tab\there.md""#), "b/docs/tab\there.md");
        assert_eq!(unquote(r#""b/docs/new\nline.md""#), "b/docs/new\nline.md");
        assert_eq!(unquote(r#""docs/back\\slash.md""#), "docs/back\\slash.md");
        assert_eq!(
            unquote(r#""docs/cr\r\a\b\v\f.md""#),
            "docs/cr\r\x07\x08\x0b\x0c.md"
        );
        // With core.quotePath=true (octal bytes).
        assert_eq!(unquote(r#""a/caf\303\251 x.md""#), "a/café x.md");
        // `rename from`/`rename to` values: no a/ b/, no TAB.
        assert_eq!(unquote("docs/a b.md"), "docs/a b.md");

        assert_eq!(
            header_path("a/docs/a b.md b/docs/a b.md").as_deref(),
            Some("docs/a b.md")
        );
        assert_eq!(header_path("a/x b/y b/x b/y").as_deref(), Some("x b/y"));
        assert_eq!(header_path("a/e.md b/e.md").as_deref(), Some("e.md"));
        assert_eq!(
            header_path(r#""a/docs/new\nline.md" "b/docs/new\nline.md""#).as_deref(),
            Some("docs/new\nline.md")
        );
        assert_eq!(
            header_path(r#""a/설치 \"g\".md" "b/설치 \"g\".md""#).as_deref(),
            Some("설치 \"g\".md")
        );
        // A rename names two paths: none.
        assert_eq!(header_path("a/docs/a b.md b/docs/c d.md"), None);
        assert_eq!(header_path(r#""a/x\ty.md" "b/z.md""#), None);
    }

    /// A `git log --first-parent -m --reverse -M --unified=0 -p` as git
    /// 2.47 writes it (one commit's changes each): odd names, renames with
    /// and without changes, a rename from a non-Markdown name, an empty file
    /// added and deleted, and hunk lines that look like headers.
    #[test]
    fn replaying_a_log_follows_renames_and_odd_paths() {
        let log = concat!(
            "\u{0}c0 100\n",
            "\n",
            "diff --git a/docs/a b.md b/docs/a b.md\n",
            "new file mode 100644\n",
            "index 0000000..587be6b\n",
            "--- /dev/null\n",
            "+++ b/docs/a b.md\t\n",
            "@@ -0,0 +1 @@\n",
            "+x\n",
            "diff --git \"a/docs/ko/설치 \\\"guide\\\".md\" \"b/docs/ko/설치 \\\"guide\\\".md\"\n",
            "new file mode 100644\n",
            "index 0000000..422c2b7\n",
            "--- /dev/null\n",
            "+++ \"b/docs/ko/설치 \\\"guide\\\".md\"\t\n",
            "@@ -0,0 +1,2 @@\n",
            "+a\n",
            "+b\n",
            "diff --git \"a/docs/new\\nline.md\" \"b/docs/new\\nline.md\"\n",
            "new file mode 100644\n",
            "index 0000000..b680253\n",
            "--- /dev/null\n",
            "+++ \"b/docs/new\\nline.md\"\n",
            "@@ -0,0 +1 @@\n",
            "+z\n",
            "diff --git a/docs/R b/docs/R\n",
            "new file mode 100644\n",
            "index 0000000..1206a43\n",
            "--- /dev/null\n",
            "+++ b/docs/R\n",
            "@@ -0,0 +1,2 @@\n",
            "+q\n",
            "+w\n",
            "\\ No newline at end of file\n",
            "diff --git a/docs/empty.md b/docs/empty.md\n",
            "new file mode 100644\n",
            "index 0000000..e69de29\n",
            "diff --git a/outside.md b/outside.md\n",
            "new file mode 100644\n",
            "index 0000000..e69de29\n",
            "--- /dev/null\n",
            "+++ b/outside.md\n",
            "@@ -0,0 +1 @@\n",
            "+o\n",
            "\u{0}c1 200\n",
            "\n",
            "diff --git a/docs/a b.md b/docs/a b.md\n",
            "index 587be6b..d735d34 100644\n",
            "--- a/docs/a b.md\t\n",
            "+++ b/docs/a b.md\t\n",
            "@@ -1 +1 @@\n",
            "-x\n",
            "+x2\n",
            "@@ -1,0 +2,3 @@ x2\n",
            "+++ not a header\n",
            "+-- nor this\n",
            "+diff --git a/x b/x\n",
            "diff --git \"a/docs/ko/설치 \\\"guide\\\".md\" \"b/docs/ko/설치 \\\"guide\\\".md\"\n",
            "index 422c2b7..0f7bc76 100644\n",
            "--- \"a/docs/ko/설치 \\\"guide\\\".md\"\t\n",
            "+++ \"b/docs/ko/설치 \\\"guide\\\".md\"\t\n",
            "@@ -2 +2 @@ a\n",
            "-b\n",
            "+c\n",
            "diff --git \"a/docs/new\\nline.md\" \"b/docs/new\\nline.md\"\n",
            "index b680253..1f2a4f5 100644\n",
            "--- \"a/docs/new\\nline.md\"\n",
            "+++ \"b/docs/new\\nline.md\"\n",
            "@@ -1,0 +2 @@ z\n",
            "+-- gone\n",
            "diff --git a/docs/empty.md b/docs/empty.md\n",
            "deleted file mode 100644\n",
            "index e69de29..0000000\n",
            "\u{0}c2 300\n",
            "\n",
            "diff --git a/docs/a b.md b/docs/c d.md\n",
            "similarity index 100%\n",
            "rename from docs/a b.md\n",
            "rename to docs/c d.md\n",
            "diff --git a/docs/R b/docs/R.md\n",
            "similarity index 100%\n",
            "rename from docs/R\n",
            "rename to docs/R.md\n",
            "diff --git \"a/docs/ko/설치 \\\"guide\\\".md\" \"b/docs/ko/t\\tab.md\"\n",
            "similarity index 100%\n",
            "rename from \"docs/ko/설치 \\\"guide\\\".md\"\n",
            "rename to \"docs/ko/t\\tab.md\"\n",
            "diff --git \"a/docs/new\\nline.md\" \"b/docs/new\\nline.md\"\n",
            "index 1f2a4f5..b680253 100644\n",
            "--- \"a/docs/new\\nline.md\"\n",
            "+++ \"b/docs/new\\nline.md\"\n",
            "@@ -2 +1,0 @@ z\n",
            "--- gone\n",
            "\u{0}c3 400\n",
            "\n",
            "diff --git a/docs/c d.md b/docs/e f.md\n",
            "similarity index 80%\n",
            "rename from docs/c d.md\n",
            "rename to docs/e f.md\n",
            "index 38bed61..68b1bf9 100644\n",
            "--- a/docs/c d.md\t\n",
            "+++ b/docs/e f.md\t\n",
            "@@ -4,0 +5 @@ ok\n",
            "+more\n",
        );
        let mut commits = Vec::new();
        let replayed = replay_log(
            log.as_bytes(),
            "docs/",
            &[],
            &regex::RegexSet::empty(),
            &Editions::default(),
            &mut commits,
        )
        .unwrap();
        let got = replayed.committed;
        assert_eq!(commits.len(), 4);
        assert_eq!(commits[3].id, "c3");
        assert_eq!(commits[3].time, 400);
        let mut got: Vec<(String, Touches)> = got.into_iter().collect();
        got.sort();
        let want: Vec<(String, Touches)> = vec![
            ("R.md".into(), vec![2, 2]),
            ("e f.md".into(), vec![1, 1, 1, 1, 3]),
            ("ko/t\tab.md".into(), vec![0, 1]),
            ("new\nline.md".into(), vec![2]),
        ];
        assert_eq!(got, want);
        let renames: Vec<(u32, &str, &str)> = replayed
            .renames
            .iter()
            .map(|(c, a, b)| (*c, a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            renames,
            [
                (2, "a b.md", "c d.md"),
                (2, "R", "R.md"),
                (2, "ko/설치 \"guide\".md", "ko/t\tab.md"),
                (3, "c d.md", "e f.md"),
            ]
        );
        // Old versions are asked for at the path of their time.
        let history = History {
            commits,
            renames: replayed.renames,
            ..History::empty(PathBuf::new(), "docs/".into(), None)
        };
        assert_eq!(history.path_at("e f.md", 3), "e f.md");
        assert_eq!(history.path_at("e f.md", 2), "c d.md");
        assert_eq!(history.path_at("e f.md", 1), "a b.md");
        assert_eq!(history.path_at("e f.md", 0), "a b.md");
        assert_eq!(history.path_at("ko/t\tab.md", 1), "ko/설치 \"guide\".md");
        assert_eq!(history.path_at("new\nline.md", 0), "new\nline.md");

        // The same with the rename's commit ignored: the moved lines keep
        // their commits all the same.
        let mut commits = Vec::new();
        let got = replay_log(
            log.as_bytes(),
            "docs/",
            &["c2".into()],
            &regex::RegexSet::empty(),
            &Editions::default(),
            &mut commits,
        )
        .unwrap()
        .committed;
        assert_eq!(got["e f.md"], [1, 1, 1, 1, 3]);
        assert_eq!(got["ko/t\tab.md"], [0, 1]);
    }

    #[test]
    fn links_may_spell_a_name_encoded() {
        assert_eq!(spellings("plain.md"), ["plain.md"]);
        assert_eq!(
            spellings("설치 \"guide\".md"),
            [
                "설치 \"guide\".md",
                "설치%20%22guide%22.md",
                "%EC%84%A4%EC%B9%98%20%22guide%22.md",
                "%ec%84%a4%ec%b9%98%20%22guide%22.md",
            ]
        );
        assert_eq!(
            spellings("new\nline.md"),
            ["new%0Aline.md", "new%0aline.md"]
        );
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_hunk("@@ -3 +3,0 @@ x"), Some((3, 1, 3, 0)));
        assert_eq!(parse_hunk("@@ -0,0 +1,5 @@"), Some((0, 0, 1, 5)));
        assert_eq!(unquote("\"a/caf\\303\\251 x.md\""), "a/café x.md");
        assert_eq!(
            parse_ignore_revs("# x\nabcdef1234 # y\nzzz\n"),
            ["abcdef1234"]
        );
    }
}
