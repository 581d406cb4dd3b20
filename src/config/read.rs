//! Reading configuration and rule files. They may come from a pull request:
//! only regular files inside the documentation root are read — a symbolic
//! link leaving the root, or a path that climbs out of it, is refused
//! without reading (so nothing of the outside file can be printed) — and
//! never more than [`MAX_FILE_SIZE`] bytes.

use std::io::Read;
use std::path::{Component, Path};

use super::ConfigError;

/// The largest configuration or rule file read.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// The text of `path`, a `what` ("configuration", "rule file"), which must
/// resolve to a regular file inside `root`.
pub fn read_inside(root: &Path, path: &Path, what: &str) -> Result<String, ConfigError> {
    let refuse = |why: &str| ConfigError::file(path, format!("the {what} was not read: {why}"));
    let root = root
        .canonicalize()
        .map_err(|e| refuse(&format!("the documentation root cannot be resolved ({e})")))?;
    let resolved = path
        .canonicalize()
        .map_err(|e| ConfigError::file(path, format!("cannot read the {what}: {e}")))?;
    if !resolved.starts_with(&root) {
        return Err(refuse(
            "it is (or links to) a file outside the documentation root",
        ));
    }
    read_capped(path, what)
}

/// The text of `path`, which must be a regular file of at most
/// [`MAX_FILE_SIZE`] bytes (following links: the caller decided where
/// they may lead).
pub fn read_capped(path: &Path, what: &str) -> Result<String, ConfigError> {
    let refuse = |why: &str| ConfigError::file(path, format!("the {what} was not read: {why}"));
    let meta = std::fs::metadata(path)
        .map_err(|e| ConfigError::file(path, format!("cannot read the {what}: {e}")))?;
    if !meta.is_file() {
        return Err(refuse("it is not a regular file"));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(refuse(&format!(
            "it is larger than {} KiB",
            MAX_FILE_SIZE / 1024
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
        .map_err(|e| ConfigError::file(path, format!("cannot read the {what}: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(refuse(&format!(
            "it is larger than {} KiB",
            MAX_FILE_SIZE / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|_| refuse("it is not valid UTF-8"))
}

/// Whether a relative path written in a configuration stays inside the
/// folder it is relative to: no root, no drive, no `..` climbing out.
pub fn stays_inside(rel: &str) -> bool {
    let mut depth: i64 = 0;
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert!(stays_inside("rules"));
        assert!(stays_inside("a/../rules"));
        assert!(!stays_inside("../rules"));
        assert!(!stays_inside("a/../../x"));
        assert!(!stays_inside("/etc"));
    }
}
