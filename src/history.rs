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
//! attributed to the merge commit that brought them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostic::Revision;

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

#[derive(Debug)]
pub struct History {
    toplevel: PathBuf,
    /// The documentation root relative to the repository's top level (`""` or `docs/`).
    prefix: String,
    commits: Vec<Revision>,
    /// Committed state, by path relative to the documentation root.
    committed: HashMap<String, Touches>,
    /// Files whose working-tree text differs from HEAD, with the HEAD text.
    modified: HashMap<String, String>,
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

/// Unquotes a path as git prints it (`"a\303\251"` C-style quoting).
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'"') => bytes.push(b'"'),
            Some(b'\\') => bytes.push(b'\\'),
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
/// An ignored commit's new lines inherit from the lines they replace.
fn apply_hunks(
    old: &[u32],
    hunks: &[(usize, usize, usize, usize)],
    commit: u32,
    ignored: bool,
) -> Touches {
    let mut out = Vec::with_capacity(old.len() + 16);
    let mut pos = 0usize;
    for &(a, b, _, d) in hunks {
        // With zero context, `-a,0` means "insert after line a".
        let start = if b == 0 { a } else { a.saturating_sub(1) };
        let start = start.min(old.len()).max(pos);
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

/// The state of a `git log -p` replay: the touches so far, and the file
/// whose hunks are being read.
#[derive(Default)]
struct Replay {
    committed: HashMap<String, Touches>,
    commit: u32,
    ignored: bool,
    file: Option<String>,
    hunks: Vec<(usize, usize, usize, usize)>,
}

impl Replay {
    /// Applies the current file's hunks (or its deletion).
    fn flush(&mut self, deleted: bool) {
        if let Some(path) = self.file.take() {
            if deleted {
                self.committed.remove(&path);
            } else {
                let old = self.committed.remove(&path).unwrap_or_default();
                let new = apply_hunks(&old, &self.hunks, self.commit, self.ignored);
                self.committed.insert(path, new);
            }
        }
        self.hunks.clear();
    }
}

impl History {
    /// Reads the history of the repository around `root`. `ignore_revs`
    /// adds to the repository's `.git-blame-ignore-revs`.
    pub fn load(root: &Path, ignore_revs: &[String]) -> Result<Self, Unavailable> {
        let info = run(
            root,
            &[
                "rev-parse",
                "--show-toplevel",
                "--show-prefix",
                "--is-shallow-repository",
            ],
        )?;
        let mut lines = info.lines();
        let toplevel = PathBuf::from(lines.next().unwrap_or("").trim());
        let prefix = lines.next().unwrap_or("").trim().to_string();
        if lines.next().map(str::trim) == Some("true") {
            return Err(Unavailable::Shallow);
        }
        run(root, &["rev-parse", "--verify", "-q", "HEAD"]).map_err(|_| Unavailable::NoCommits)?;
        let mut ignored: Vec<String> = ignore_revs.iter().map(|s| s.to_ascii_lowercase()).collect();
        if let Ok(text) = std::fs::read_to_string(toplevel.join(".git-blame-ignore-revs")) {
            ignored.extend(parse_ignore_revs(&text));
        }
        let mut history = History {
            toplevel,
            prefix,
            commits: Vec::new(),
            committed: HashMap::new(),
            modified: HashMap::new(),
        };
        history.replay(&ignored)?;
        history.load_worktree()?;
        Ok(history)
    }

    /// Pathspecs limiting git to the documentation root. Extensions are
    /// filtered while parsing instead: glob pathspecs make `git log` several
    /// times slower on large trees.
    fn pathspecs(&self) -> Vec<String> {
        if self.prefix.is_empty() {
            Vec::new()
        } else {
            vec![self.prefix.trim_end_matches('/').to_string()]
        }
    }

    /// One `git log` pass, replayed forward.
    fn replay(&mut self, ignored: &[String]) -> Result<(), Unavailable> {
        let mut args: Vec<String> = [
            "log",
            "--first-parent",
            "-m",
            "--reverse",
            "--no-renames",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--format=%x00%H %ct",
            "-p",
            "--",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(self.pathspecs());
        let mut child = git(&self.toplevel)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Unavailable::NoGit(e.to_string()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut reader = BufReader::with_capacity(1 << 16, stdout);
        let mut line = Vec::new();
        let mut r = Replay::default();
        let mut deleted = false;
        let prefix = self.prefix.clone();
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Unavailable::NoGit(e.to_string()))?;
            if n == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\n', '\r']);
            if let Some(header) = text.strip_prefix('\0') {
                r.flush(deleted);
                let (id, time) = header.split_once(' ').unwrap_or((header, "0"));
                r.commit = self.commits.len() as u32;
                r.ignored = ignored.iter().any(|i| id.starts_with(i.as_str()));
                self.commits.push(Revision {
                    id: id.to_string(),
                    time: time.trim().parse().unwrap_or(0),
                });
            } else if text.starts_with("diff --git ") {
                r.flush(deleted);
                deleted = false;
            } else if let Some(path) = text.strip_prefix("+++ ") {
                if path == "/dev/null" {
                    deleted = true;
                } else {
                    let path = unquote(path);
                    let path = path.strip_prefix("b/").unwrap_or(&path);
                    r.file = path
                        .strip_prefix(prefix.as_str())
                        .filter(|p| crate::discover::is_markdown(p))
                        .map(str::to_string);
                }
            } else if let Some(path) = text.strip_prefix("--- ") {
                if deleted || path != "/dev/null" {
                    let path = unquote(path);
                    let path = path.strip_prefix("a/").unwrap_or(&path);
                    if r.file.is_none() {
                        r.file = path
                            .strip_prefix(prefix.as_str())
                            .filter(|p| crate::discover::is_markdown(p))
                            .map(str::to_string);
                    }
                }
            } else if text.starts_with("@@ ")
                && let Some(h) = parse_hunk(text)
            {
                r.hunks.push(h);
            }
        }
        r.flush(deleted);
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        let status = child
            .wait()
            .map_err(|e| Unavailable::NoGit(e.to_string()))?;
        if !status.success() {
            return Err(Unavailable::NoGit(stderr.trim().to_string()));
        }
        if self.commits.is_empty() {
            // No commit touched Markdown; HEAD exists, so keep going empty.
        }
        self.committed = r.committed;
        Ok(())
    }

    /// Files whose working-tree text differs from HEAD, and their HEAD text.
    fn load_worktree(&mut self) -> Result<(), Unavailable> {
        let mut args = vec![
            "diff".to_string(),
            "--name-only".into(),
            "--no-renames".into(),
            "HEAD".into(),
            "--".into(),
        ];
        args.extend(self.pathspecs());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let names = run(&self.toplevel, &args)?;
        let paths: Vec<String> = names
            .lines()
            .map(unquote)
            .filter_map(|p| p.strip_prefix(self.prefix.as_str()).map(str::to_string))
            .filter(|p| crate::discover::is_markdown(p))
            .collect();
        let requests: Vec<(String, String)> = paths
            .iter()
            .map(|p| ("HEAD".to_string(), format!("{}{p}", self.prefix)))
            .collect();
        let texts = cat_file(&self.toplevel, &requests)?;
        for (path, text) in paths.into_iter().zip(texts) {
            // Deleted or new in the working tree: no HEAD text.
            self.modified.insert(path, text.unwrap_or_default());
        }
        Ok(())
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

    /// The index of a commit given by its id or an unambiguous prefix (7+).
    pub fn resolve(&self, id: &str) -> Option<u32> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 7 {
            return None;
        }
        let mut found = self
            .commits
            .iter()
            .enumerate()
            .filter(|(_, c)| c.id.starts_with(&id));
        let first = found.next()?;
        found.next().is_none().then_some(first.0 as u32)
    }

    /// Per line of `text` (the current text of the file at `path`, relative
    /// to the documentation root): the newest commit that changed it, or
    /// [`WORKTREE`] for lines not committed as they are.
    pub fn touches(&self, path: &str, text: &str) -> Touches {
        let lines = text.lines().count().max(1);
        let committed = self.committed.get(path);
        match (committed, self.modified.get(path)) {
            (None, _) => vec![WORKTREE; lines],
            (Some(c), None) => {
                let mut t = c.clone();
                t.resize(lines, WORKTREE);
                t
            }
            (Some(c), Some(head_text)) => {
                let diff = similar::TextDiff::from_lines(head_text.as_str(), text);
                let mut out = Vec::with_capacity(lines);
                for op in diff.ops() {
                    match *op {
                        similar::DiffOp::Equal { old_index, len, .. } => {
                            out.extend(
                                (old_index..old_index + len)
                                    .map(|i| c.get(i).copied().unwrap_or(WORKTREE)),
                            );
                        }
                        similar::DiffOp::Insert { new_len, .. } => {
                            out.extend(std::iter::repeat_n(WORKTREE, new_len));
                        }
                        similar::DiffOp::Replace { new_len, .. } => {
                            out.extend(std::iter::repeat_n(WORKTREE, new_len));
                        }
                        similar::DiffOp::Delete { .. } => {
                            if let Some(last) = out.last_mut() {
                                *last = WORKTREE;
                            }
                        }
                    }
                }
                out.resize(lines, WORKTREE);
                out
            }
        }
    }

    /// The texts of `(commit, path)` pairs (paths relative to the root), in
    /// one `git cat-file --batch`; `None` where the file did not exist.
    pub fn show(&self, requests: &[(u32, String)]) -> Result<Vec<Option<String>>, Unavailable> {
        let requests: Vec<(String, String)> = requests
            .iter()
            .map(|(c, p)| {
                (
                    self.commits
                        .get(*c as usize)
                        .map_or("HEAD".to_string(), |c| c.id.clone()),
                    format!("{}{p}", self.prefix),
                )
            })
            .collect();
        cat_file(&self.toplevel, &requests)
    }
}

/// Files (relative to `root`) changed since `rev` — committed or not, on
/// this branch since it left `rev` (their merge base) — and untracked files.
pub fn changed_since(
    root: &Path,
    rev: &str,
) -> Result<std::collections::HashSet<String>, Unavailable> {
    let info = run(root, &["rev-parse", "--show-toplevel", "--show-prefix"])?;
    let mut lines = info.lines();
    let top = PathBuf::from(lines.next().unwrap_or("").trim());
    let prefix = lines.next().unwrap_or("").trim().to_string();
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
        vec!["diff", "--name-only", "--no-renames", base],
        vec!["ls-files", "--others", "--exclude-standard", "--full-name"],
    ] {
        let list = run(&top, &args)?;
        for line in list.lines() {
            let path = unquote(line);
            if let Some(rel) = path.strip_prefix(prefix.as_str()) {
                out.insert(rel.to_string());
            }
        }
    }
    Ok(out)
}

/// The Markdown files under `root` (tracked or untracked, not ignored) whose
/// text contains one of `needles` — a cheap pre-selection of the files that
/// may link to a changed file. Paths are relative to `root`.
pub fn files_mentioning(
    root: &Path,
    needles: &[String],
) -> Result<std::collections::HashSet<String>, Unavailable> {
    use std::io::Write as _;
    let mut out = std::collections::HashSet::new();
    let needles: Vec<&str> = needles
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty() && !n.contains('\n'))
        .collect();
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

/// `git cat-file --batch` for `(revision, path)` pairs: one process.
fn cat_file(dir: &Path, requests: &[(String, String)]) -> Result<Vec<Option<String>>, Unavailable> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Unavailable::NoGit(e.to_string()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input: String = requests
        .iter()
        .map(|(rev, path)| format!("{rev}:{path}\n"))
        .collect();
    // Write from a thread: git answers while we are still asking.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut reader = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped"));
    let mut out = Vec::with_capacity(requests.len());
    let mut header = String::new();
    for _ in requests {
        header.clear();
        reader
            .read_line(&mut header)
            .map_err(|e| Unavailable::NoGit(e.to_string()))?;
        let parts: Vec<&str> = header.split_whitespace().collect();
        match parts.as_slice() {
            [_, "blob", size] => {
                let size: usize = size.parse().unwrap_or(0);
                let mut buf = vec![0u8; size + 1];
                reader
                    .read_exact(&mut buf)
                    .map_err(|e| Unavailable::NoGit(e.to_string()))?;
                buf.truncate(size);
                out.push(Some(String::from_utf8_lossy(&buf).into_owned()));
            }
            [_, _, size] => {
                // Not a blob (a tree): skip its contents.
                let size: usize = size.parse().unwrap_or(0);
                let mut buf = vec![0u8; size + 1];
                let _ = reader.read_exact(&mut buf);
                out.push(None);
            }
            _ => out.push(None), // "<rev> missing"
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_replay_like_blame() {
        // Lines of commit 0: a b c d.
        let base = vec![0, 0, 0, 0];
        // Revision 1 replaces line 2 and inserts after line 4.
        let t = apply_hunks(&base, &[(2, 1, 2, 1), (4, 0, 5, 1)], 1, false);
        assert_eq!(t, [0, 1, 0, 0, 1]);
        // Revision 2 deletes line 3: the line above is touched.
        let t = apply_hunks(&t, &[(3, 1, 2, 0)], 2, false);
        assert_eq!(t, [0, 2, 0, 1]);
        // An ignored commit's replacements keep the old commits.
        let t = apply_hunks(&t, &[(1, 2, 1, 2)], 3, true);
        assert_eq!(t, [0, 2, 0, 1]);
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
