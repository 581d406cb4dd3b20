//! Writing user files: atomically, only what is meant, or not at all.
//!
//! The only module that writes a user's file. [`replace`] changes a file
//! only if it still holds the text that was read (an edit made meanwhile is
//! never overwritten), is a regular file (not a link), and is writable. It
//! writes the new contents to a temporary file in the same folder, gives it
//! the original's permissions, flushes it to disk and renames it over the
//! original — so a crash or a full disk leaves either the old file or the
//! new one, never half of each. A file with several hard links is rewritten
//! in place instead, so the links keep sharing it. Temporary files left by a
//! killed run are removed by the next write in their folder.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file changed since it was read (an edit made meanwhile).
    Changed,
    /// The file is read-only.
    ReadOnly,
    /// Not a regular file (a symbolic link, a folder …).
    NotRegular,
    Io(io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => {
                f.write_str("it changed since lockstep read it; it was left as it is (run again)")
            }
            WriteError::ReadOnly => {
                f.write_str("it is read-only; it was left as it is (make it writable to fix it)")
            }
            WriteError::NotRegular => {
                f.write_str("it is not a regular file (a link?); it was left as it is")
            }
            WriteError::Io(e) => e.fmt(f),
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// What a file looked like when it was checked before writing.
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
}

impl Seen {
    fn of(meta: &fs::Metadata) -> Self {
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    fn still(&self, path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|m| Seen::of(&m).same(self))
    }

    fn same(&self, other: &Seen) -> bool {
        self.len == other.len && self.modified == other.modified
    }
}

/// Replaces the contents of `path` with `contents` — only if it still holds
/// `expected` (the text that was read), is a regular file and is writable.
pub fn replace(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    let meta = fs::symlink_metadata(path)?;
    if !meta.file_type().is_file() {
        return Err(WriteError::NotRegular);
    }
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let seen = Seen::of(&meta);
    if fs::read(path)? != expected {
        return Err(WriteError::Changed);
    }
    if hard_links(&meta) > 1 {
        // Renaming would give this name a new file and leave the other links
        // on the old one: rewrite the shared file in place.
        if !seen.still(path) {
            return Err(WriteError::Changed);
        }
        let mut f = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)?;
        f.write_all(contents)?;
        f.sync_all()?;
        return Ok(());
    }
    write_via_temp(path, contents, Some(meta.permissions()), Some(&seen))
}

/// Writes an output file the user asked for (`--output`, a baseline):
/// atomically, creating it (with default permissions) if it does not exist.
pub fn write_output(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_output_with(path, |w| w.write_all(contents))
}

/// [`write_output`] of what `fill` writes (as it writes it: the contents
/// are never held whole).
pub fn write_output_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let permissions = match fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => default_permissions(),
        Err(e) => return Err(e),
    };
    write_via_temp_with(path, fill, permissions, None).map_err(|e| match e {
        WriteError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    })
}

#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

#[cfg(unix)]
fn hard_links(meta: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.nlink()
}

#[cfg(not(unix))]
fn hard_links(_: &fs::Metadata) -> u64 {
    1
}

/// The prefix of lockstep's temporary files: `.lockstep-<pid>-…tmp`.
const TEMP_PREFIX: &str = ".lockstep-";

/// A temporary file in `path`'s folder, written, synced, given
/// `permissions` (if any), then renamed over `path` — if `path` still looks
/// as it did when `seen`.
fn write_via_temp(
    path: &Path,
    contents: &[u8],
    permissions: Option<fs::Permissions>,
    seen: Option<&Seen>,
) -> Result<(), WriteError> {
    write_via_temp_with(path, |w| w.write_all(contents), permissions, seen)
}

/// [`write_via_temp`] of what `fill` writes.
fn write_via_temp_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    permissions: Option<fs::Permissions>,
    seen: Option<&Seen>,
) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    remove_stale_temps(dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    fill(&mut tmp)?;
    tmp.as_file().sync_all()?;
    if let Some(p) = permissions {
        fs::set_permissions(tmp.path(), p)?;
    }
    if seen.is_some_and(|s| !s.still(path)) {
        return Err(WriteError::Changed);
    }
    tmp.persist(path).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

/// Removes temporary files a killed lockstep left in `dir`: those of a
/// process that no longer runs (Linux), or older than an hour.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
            continue;
        };
        if !name.ends_with(".tmp") {
            continue;
        }
        let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        if pid == Some(std::process::id()) {
            continue;
        }
        let dead = pid.is_some_and(|p| {
            Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{p}")).exists()
        });
        let old = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if (dead || old) && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The temporary files of lockstep in `dir` (for tests).
pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(".tmp"))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_contents_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        }
        replace(&p, b"old", b"new\r\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o640
            );
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn an_edit_made_meanwhile_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, "edited by someone").unwrap();
        assert!(matches!(
            replace(&p, b"as read", b"fixed"),
            Err(WriteError::Changed)
        ));
        assert_eq!(fs::read(&p).unwrap(), b"edited by someone");
    }

    #[cfg(unix)]
    #[test]
    fn read_only_files_links_and_hard_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ro = dir.path().join("ro.md");
        fs::write(&ro, "x").unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
        assert!(matches!(
            replace(&ro, b"x", b"y"),
            Err(WriteError::ReadOnly)
        ));
        assert_eq!(fs::read(&ro).unwrap(), b"x");

        let target = dir.path().join("target.md");
        fs::write(&target, "x").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(
            replace(&link, b"x", b"y"),
            Err(WriteError::NotRegular)
        ));
        assert_eq!(fs::read(&target).unwrap(), b"x");

        let a = dir.path().join("a.md");
        let b = dir.path().join("b.md");
        fs::write(&a, "x").unwrap();
        fs::hard_link(&a, &b).unwrap();
        replace(&a, b"x", b"y").unwrap();
        assert_eq!(
            fs::read(&b).unwrap(),
            b"y",
            "the hard link still shares the file"
        );
    }

    #[test]
    fn temporary_files_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // A pid that cannot be running (above the kernel's pid_max).
        let stale = dir.path().join(".lockstep-4999999-abc.tmp");
        fs::write(&stale, "half").unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, "x").unwrap();
        replace(&p, b"x", b"y").unwrap();
        if Path::new("/proc/self").exists() {
            assert!(temp_files(dir.path()).is_empty());
        }
    }
}
