//! Writing user files: atomically, or not at all.
//!
//! The only module that writes a user's file. [`write_atomic`] writes the new
//! contents to a temporary file in the same folder, gives it the original's
//! permissions, flushes it to disk and renames it over the original — so a
//! crash or a full disk leaves either the old file or the new one, never half
//! of each.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Replaces the contents of `path` with `contents`, atomically.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let permissions = fs::metadata(path)?.permissions();
    write_via_temp(path, contents, Some(permissions))
}

/// Writes `path` atomically, creating it (with default permissions) if it
/// does not exist yet.
pub fn write_new_or_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    if path.exists() {
        return write_atomic(path, contents);
    }
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        Some(fs::Permissions::from_mode(0o644))
    };
    #[cfg(not(unix))]
    let permissions = None;
    write_via_temp(path, contents, permissions)
}

/// A temporary file in `path`'s folder, written, synced, given
/// `permissions` (if any), then renamed over `path`.
fn write_via_temp(
    path: &Path,
    contents: &[u8],
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".lockstep-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    if let Some(p) = permissions {
        fs::set_permissions(tmp.path(), p)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
        write_atomic(&p, b"new\r\n").unwrap();
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
}
