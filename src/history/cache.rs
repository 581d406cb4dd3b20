//! The replay state, cached by commit, so that the next run reads only the
//! commits that are new since.
//!
//! Kept in the repository's git directory (`.git/lockstep/history-v1.bin`
//! for a documentation root at the top level, `history-v1-<hash of the
//! root>.bin` for one below it: never committed, shared by worktrees,
//! nothing to add to `.gitignore`).
//! A small binary format, all integers little-endian: a magic line, the
//! key (a hash of everything the replay depends on besides the commits:
//! the documentation root, skipped revisions and subjects, the editions),
//! the commit the state is at, then the state, and last the files left out
//! of it (their history needed git objects the clone lacks) with those
//! objects.
//! A file that cannot be read, or was written for another key, is ignored
//! and rewritten; it is written to a temporary file and renamed, so a
//! reader never sees half of one.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::{Hunk, HunkLog, Rename, Touches};
use crate::diagnostic::Revision;

const MAGIC: &[u8] = b"lockstep history cache v2\n";

/// The largest cache file read.
const MAX_SIZE: u64 = 512 << 20;

/// What a replay leaves behind, after the commits it read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct State {
    /// The first-parent tip the state is at (HEAD when it was written).
    pub head: String,
    pub commits: Vec<Revision>,
    pub committed: HashMap<String, Touches>,
    pub lengths: HashMap<String, usize>,
    pub renames: Vec<Rename>,
    pub log: HashMap<String, HunkLog>,
    /// Files left out, each with the object git could not read.
    pub excluded: Vec<(String, String)>,
}

/// The cache file of the documentation root at `prefix` (`""`: the
/// repository's top level) of the repository whose git directory is
/// `git_dir`: one file per root, so that roots checked in turn (a docs
/// folder, then the whole repository; two documentation roots in one run)
/// do not replace each other's state.
pub(super) fn path(git_dir: &Path, prefix: &str) -> PathBuf {
    file(git_dir, "history-v1", prefix)
}

/// The file named `stem` of the documentation root at `prefix` (as
/// [`path`] names the history's).
pub(super) fn file(git_dir: &Path, stem: &str, prefix: &str) -> PathBuf {
    let dir = git_dir.join("lockstep");
    if prefix.is_empty() {
        return dir.join(format!("{stem}.bin"));
    }
    let hash = crate::diagnostic::fnv1a(prefix.as_bytes());
    dir.join(format!("{stem}-{hash:016x}.bin"))
}

/// The key of a replay: everything it depends on besides the commits.
pub(super) fn key(parts: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    MAGIC.hash(&mut h);
    parts.hash(&mut h);
    h.finish()
}

pub(super) fn read(path: &Path, key: u64) -> Option<State> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() || meta.len() > MAX_SIZE {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let mut r = Reader {
        bytes: bytes.strip_prefix(MAGIC)?,
    };
    if r.u64()? != key {
        return None;
    }
    let mut state = State {
        head: r.string()?,
        ..State::default()
    };
    for _ in 0..r.len()? {
        let id = r.string()?;
        let time = r.u64()? as i64;
        state.commits.push(Revision { id, time });
    }
    for _ in 0..r.len()? {
        let path = r.string()?;
        let n = r.len()?;
        let mut touches = Vec::with_capacity(n);
        for _ in 0..n {
            touches.push(r.u32()?);
        }
        state.committed.insert(path, touches);
    }
    for _ in 0..r.len()? {
        let path = r.string()?;
        state.lengths.insert(path, r.u64()? as usize);
    }
    for _ in 0..r.len()? {
        let at = r.u32()?;
        state.renames.push((at, r.string()?, r.string()?));
    }
    for _ in 0..r.len()? {
        let path = r.string()?;
        let mut log = Vec::new();
        for _ in 0..r.len()? {
            let commit = r.u32()?;
            let mut hunks = Vec::new();
            for _ in 0..r.len()? {
                let (a, b, c, d) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
                hunks.push(Hunk {
                    a: a as usize,
                    b: b as usize,
                    c: c as usize,
                    d: d as usize,
                    cosmetic: r.u8()? == 1,
                });
            }
            log.push((commit, hunks));
        }
        state.log.insert(path, log);
    }
    for _ in 0..r.len()? {
        let path = r.string()?;
        state.excluded.push((path, r.string()?));
    }
    r.bytes.is_empty().then_some(state)
}

/// Writes `state` for `key`; failures are ignored (the cache is an
/// optimisation).
pub(super) fn write(path: &Path, key: u64, state: &State) {
    let mut w = Writer(Vec::with_capacity(1 << 20));
    w.0.extend_from_slice(MAGIC);
    w.u64(key);
    w.string(&state.head);
    w.len(state.commits.len());
    for c in &state.commits {
        w.string(&c.id);
        w.u64(c.time as u64);
    }
    w.len(state.committed.len());
    for (p, t) in &state.committed {
        w.string(p);
        w.len(t.len());
        for &c in t {
            w.u32(c);
        }
    }
    w.len(state.lengths.len());
    for (p, n) in &state.lengths {
        w.string(p);
        w.u64(*n as u64);
    }
    w.len(state.renames.len());
    for (at, from, to) in &state.renames {
        w.u32(*at);
        w.string(from);
        w.string(to);
    }
    w.len(state.log.len());
    for (p, log) in &state.log {
        w.string(p);
        w.len(log.len());
        for (commit, hunks) in log {
            w.u32(*commit);
            w.len(hunks.len());
            for h in hunks {
                for v in [h.a, h.b, h.c, h.d] {
                    w.u32(v as u32);
                }
                w.0.push(u8::from(h.cosmetic));
            }
        }
    }
    w.len(state.excluded.len());
    for (p, object) in &state.excluded {
        w.string(p);
        w.string(object);
    }
    write_atomically(path, |out| std::io::Write::write_all(out, &w.0));
}

/// Writes a cache file as `write` makes it: into a temporary file beside
/// it, renamed over it when complete (a reader never sees half of one);
/// failures are ignored (a cache is an optimisation).
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) {
    use std::io::Write;
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("history");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let mut out = std::io::BufWriter::new(f);
        write(&mut out)?;
        out.flush()
    });
    if written.is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Little-endian integers and length-prefixed strings, into a buffer.
pub(crate) struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    pub fn string(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
}

/// What [`Writer`] wrote, read back: `None` at the first thing missing or
/// malformed.
pub(crate) struct Reader<'a> {
    pub bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (a, b) = self.bytes.split_at(n);
        self.bytes = b;
        Some(a)
    }
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A count, never more than the bytes left could hold (a corrupt file
    /// cannot make us allocate much).
    pub fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.bytes.len()).then_some(n)
    }
    pub fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The top level keeps the first name; each root below it has its own,
    /// the same from one run (and build) to the next.
    #[test]
    fn each_root_has_its_own_file() {
        let git = Path::new("/r/.git");
        assert_eq!(path(git, ""), git.join("lockstep/history-v1.bin"));
        let (docs, site) = (path(git, "docs/"), path(git, "site/"));
        assert_ne!(docs, site);
        assert_eq!(docs, path(git, "docs/"));
        assert_eq!(docs, git.join("lockstep/history-v1-4370f3ab7380e507.bin"));
    }

    #[test]
    fn state_round_trips_and_bad_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path(), "");
        let state = State {
            head: "abc".into(),
            commits: vec![Revision {
                id: "abc".into(),
                time: 7,
            }],
            committed: [("a.md".to_string(), vec![0, 0, 1])].into_iter().collect(),
            lengths: [("b".to_string(), 3)].into_iter().collect(),
            renames: vec![(0, "x.md".into(), "a.md".into())],
            log: [(
                "a.md".to_string(),
                vec![(
                    0,
                    vec![Hunk {
                        a: 0,
                        b: 0,
                        c: 1,
                        d: 3,
                        cosmetic: true,
                    }],
                )],
            )]
            .into_iter()
            .collect(),
            excluded: vec![("c.md".into(), "0123abcd".into())],
        };
        write(&path, 42, &state);
        assert_eq!(read(&path, 42), Some(state));
        assert_eq!(read(&path, 43), None);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 1);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read(&path, 42), None);
        std::fs::write(&path, b"garbage").unwrap();
        assert_eq!(read(&path, 42), None);
    }
}
