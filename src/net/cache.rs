//! `.lockstep-cache`: outcomes of external link checks, so that a CI run
//! after a cache restore only checks new or expired URLs.
//!
//! JSON, version 1: `{"version": 1, "entries": {"<url>": {"checked": <unix
//! seconds>, "outcome": {…}}}}`. Only facts about remote servers are kept (a
//! 2xx or a final 4xx/5xx), never timeouts, connection errors or blocked
//! addresses. A cache that cannot be read is ignored (and rewritten).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::external::Outcome;

pub const CACHE_FILE: &str = ".lockstep-cache";

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    checked: u64,
    outcome: Outcome,
}

#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    max_age: Duration,
    entries: BTreeMap<String, Entry>,
    changed: bool,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The largest cache file read.
pub const MAX_CACHE_SIZE: u64 = 32 << 20;

/// The cache file's text, if it is a regular file within the size cap.
fn read_capped(path: &Path) -> Option<String> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() || meta.len() > MAX_CACHE_SIZE {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_CACHE_SIZE + 1)
        .read_to_string(&mut text)
        .ok()?;
    (text.len() as u64 <= MAX_CACHE_SIZE).then_some(text)
}

impl Cache {
    /// The cache in `root`, entries younger than `max_age`. The file may
    /// come from a pull request: it is read only when it is a regular file
    /// (not a link, a FIFO or a device) of at most [`MAX_CACHE_SIZE`] bytes;
    /// otherwise it is ignored (and replaced when the cache is saved).
    pub fn load(root: &Path, max_age: Duration) -> Self {
        let path = root.join(CACHE_FILE);
        let entries = read_capped(&path)
            .and_then(|t| serde_json::from_str::<File>(&t).ok())
            .filter(|f| f.version == 1)
            .map(|f| f.entries)
            .unwrap_or_default();
        Self {
            path,
            max_age,
            entries,
            changed: false,
        }
    }

    /// A fresh outcome for `url`, if cached.
    pub fn get(&self, url: &str) -> Option<Outcome> {
        let e = self.entries.get(url)?;
        (now().saturating_sub(e.checked) < self.max_age.as_secs()).then(|| e.outcome.clone())
    }

    pub fn put(&mut self, url: &str, outcome: &Outcome) {
        if outcome.cacheable() {
            self.entries.insert(
                url.to_string(),
                Entry {
                    checked: now(),
                    outcome: outcome.clone(),
                },
            );
            self.changed = true;
        }
    }

    /// Writes the cache (atomically), without expired entries.
    pub fn save(mut self) -> std::io::Result<()> {
        let before = self.entries.len();
        let (max, t) = (self.max_age.as_secs(), now());
        self.entries
            .retain(|_, e| t.saturating_sub(e.checked) < max);
        if !self.changed && self.entries.len() == before {
            return Ok(());
        }
        let mut text = serde_json::to_string_pretty(&File {
            version: 1,
            entries: self.entries,
        })
        .map_err(std::io::Error::other)?;
        text.push('\n');
        crate::write::write_output(&self.path, text.as_bytes())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
