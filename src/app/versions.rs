//! Old source versions, as staleness and the alignment through history use
//! them, kept between runs: where each version's sections are and their
//! features (with every word), so that a later run does not parse and
//! extract them again. What a file held at a commit never changes; what is
//! made of it depends only on the text, the file's path, the parse options,
//! lockstep's sources — and the rest of the tree, through the files its
//! links and images resolve to, which are kept with it and checked again.
//!
//! Kept in the git directory beside the history's cache
//! (`.git/lockstep/versions-v1.bin`, one file per documentation root; not
//! with `LOCKSTEP_NO_HISTORY_CACHE`). A small binary format, integers
//! little-endian: a magic line, the build's stamp, the number of entries,
//! each entry's key and length, then the entries. A file of another build,
//! or one that cannot be read, is ignored and rewritten; it is written to a
//! temporary file and renamed. A run that made new entries writes the file
//! again with the entries it used first, then earlier ones up to
//! [`MAX_SIZE`].

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::align::{Features, Resolutions};
use crate::history::{Reader, Writer, write_atomically};
use crate::index::Index;
use crate::parse::ParseOptions;
use crate::source::Span;

const MAGIC: &[u8] = b"lockstep versions cache v1\n";

/// The size a file is kept within (what a run uses is kept whatever its
/// size; earlier runs' entries only up to this).
const MAX_SIZE: u64 = 64 << 20;

/// What is kept of a version.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// Each section's span in the text.
    pub sections: Box<[Span]>,
    /// As [`crate::align::features_with_words`] makes them.
    pub words: Vec<Features>,
}

/// The cache file of one run.
pub struct Store {
    path: PathBuf,
    stamp: u64,
    /// The file as it was when the run started, with where each entry is.
    file: Option<Mutex<std::fs::File>>,
    at: HashMap<u64, (u64, u64)>,
    order: Vec<u64>,
    /// Entries of the file this run found valid.
    used: Mutex<Vec<u64>>,
    /// Entries this run made.
    made: Mutex<Vec<(u64, Vec<u8>)>>,
}

/// This build: its version and its sources (`LOCKSTEP_SOURCE_HASH`, made
/// by `build.rs` from `src/` and `Cargo.lock`): a lockstep built from other
/// sources, whose parse or features may differ, does not read what this
/// one made; copies of one build share their files.
fn stamp() -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        MAGIC,
        env!("CARGO_PKG_VERSION"),
        env!("LOCKSTEP_SOURCE_HASH"),
    )
        .hash(&mut h);
    h.finish()
}

/// The key of the version of the file at `path` whose text is `text`,
/// parsed with `opts` (foldhash with a fixed seed: the same from one run
/// to the next of one build, which the stamp pins).
pub fn key(path: &str, text: &str, opts: &ParseOptions) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x7665_7273_696f_6e73).hash_one((
        path,
        text,
        format!("{opts:?}"),
    ))
}

impl Store {
    /// The store at `path` (the file need not exist).
    pub fn open(path: PathBuf) -> Self {
        Self::open_as(path, stamp())
    }

    fn open_as(path: PathBuf, stamp: u64) -> Self {
        let mut store = Store {
            path,
            stamp,
            file: None,
            at: HashMap::new(),
            order: Vec::new(),
            used: Mutex::new(Vec::new()),
            made: Mutex::new(Vec::new()),
        };
        if let Some((file, at, order)) = read_index(&store.path, stamp) {
            store.file = Some(Mutex::new(file));
            store.at = at;
            store.order = order;
        }
        store
    }

    /// The version with `key`, when the file has it for a text of `len`
    /// bytes and its links and images resolve from `path` in `index` as
    /// they did.
    pub fn get(&self, key: u64, len: usize, index: &Index, path: &str) -> Option<Kept> {
        let &(offset, size) = self.at.get(&key)?;
        let bytes = {
            let mut file = self.file.as_ref()?.lock().ok()?;
            file.seek(SeekFrom::Start(offset)).ok()?;
            let mut bytes = vec![0; usize::try_from(size).ok()?];
            file.read_exact(&mut bytes).ok()?;
            bytes
        };
        let (kept_len, kept, resolutions) = decode(&bytes)?;
        if kept_len != len || !resolutions.hold(index, path) {
            return None;
        }
        self.used.lock().ok()?.push(key);
        Some(kept)
    }

    /// Keeps a version this run made: its text's length, its sections'
    /// spans, its features with words and what they resolved.
    pub fn add(
        &self,
        key: u64,
        len: usize,
        sections: &[Span],
        words: &[Features],
        resolutions: &Resolutions,
    ) {
        if let Ok(mut made) = self.made.lock() {
            made.push((key, encode(len, sections, words, resolutions)));
        }
    }

    /// Writes the file again when this run made entries (failures are
    /// ignored: the cache is an optimisation).
    pub fn save(self) {
        let made = self.made.into_inner().unwrap_or_default();
        if made.is_empty() {
            return;
        }
        let new: HashMap<u64, &[u8]> = made.iter().map(|(k, b)| (*k, b.as_slice())).collect();
        // This run's entries (by key: the same run writes the same file,
        // whatever order its threads found them in), then earlier ones
        // while the file stays small.
        let mut this_run = self.used.into_inner().unwrap_or_default();
        this_run.extend(new.keys());
        this_run.sort_unstable();
        let mut entries: Vec<(u64, u64)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut total = 0u64;
        for &key in &this_run {
            if seen.insert(key) {
                let size = new
                    .get(&key)
                    .map_or_else(|| self.at[&key].1, |b| b.len() as u64);
                total += size;
                entries.push((key, size));
            }
        }
        for &key in &self.order {
            let size = self.at[&key].1;
            if total + size > MAX_SIZE {
                break;
            }
            if seen.insert(key) {
                total += size;
                entries.push((key, size));
            }
        }
        let (stamp, at) = (self.stamp, &self.at);
        let mut old = self.file.and_then(|f| f.into_inner().ok());
        write_atomically(&self.path, |out| {
            let mut w = Writer(Vec::with_capacity(MAGIC.len() + 16 + 16 * entries.len()));
            w.0.extend_from_slice(MAGIC);
            w.u64(stamp);
            w.len(entries.len());
            for &(key, size) in &entries {
                w.u64(key);
                w.u64(size);
            }
            out.write_all(&w.0)?;
            for &(key, size) in &entries {
                match new.get(&key) {
                    Some(bytes) => out.write_all(bytes)?,
                    None => {
                        let file = old.as_mut().ok_or(std::io::ErrorKind::NotFound)?;
                        file.seek(SeekFrom::Start(at[&key].0))?;
                        // (a file cut short since: no half entry is written)
                        if std::io::copy(&mut Read::by_ref(file).take(size), out)? != size {
                            return Err(std::io::ErrorKind::UnexpectedEof.into());
                        }
                    }
                }
            }
            Ok(())
        });
    }
}

/// The file's entries (where each is) when it was written by this build.
type Table = (std::fs::File, HashMap<u64, (u64, u64)>, Vec<u64>);

fn read_index(path: &std::path::Path, stamp: u64) -> Option<Table> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = vec![0; MAGIC.len() + 16];
    file.read_exact(&mut head).ok()?;
    let mut r = Reader {
        bytes: head.strip_prefix(MAGIC)?,
    };
    if r.u64()? != stamp {
        return None;
    }
    let n = r.u64()?;
    let table_len = n.checked_mul(16)?;
    let mut offset = (head.len() as u64).checked_add(table_len)?;
    if offset > meta.len() {
        return None;
    }
    let mut table = vec![0; usize::try_from(table_len).ok()?];
    file.read_exact(&mut table).ok()?;
    let mut r = Reader { bytes: &table };
    let mut at = HashMap::new();
    let mut order = Vec::new();
    for _ in 0..n {
        let (key, size) = (r.u64()?, r.u64()?);
        at.insert(key, (offset, size));
        order.push(key);
        offset = offset.checked_add(size)?;
    }
    (offset == meta.len()).then_some((file, at, order))
}

fn encode(len: usize, sections: &[Span], words: &[Features], resolutions: &Resolutions) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.len(len);
    w.len(sections.len());
    for s in sections {
        w.len(s.start);
        w.len(s.end);
    }
    w.len(words.len());
    for f in words {
        w.u8(f.level);
        w.u64(f.parent.map_or(u64::MAX, |p| p as u64));
        w.u8(u8::from(f.slug.is_some()));
        w.u64(f.slug.unwrap_or(0));
        w.u64(f.heading);
        w.u32(f.list_items);
        w.u32(f.table_rows);
        w.u64(f.length.to_bits());
        for set in f.key_sets() {
            w.len(set.len());
            for &k in set {
                w.u64(k);
            }
        }
    }
    for list in [&resolutions.links, &resolutions.images] {
        w.len(list.len());
        for (dest, key) in list {
            w.string(dest);
            w.u8(u8::from(key.is_some()));
            w.u64(key.unwrap_or(0));
        }
    }
    w.0
}

fn decode(bytes: &[u8]) -> Option<(usize, Kept, Resolutions)> {
    let mut r = Reader { bytes };
    let len = usize::try_from(r.u64()?).ok()?;
    let mut sections = Vec::new();
    for _ in 0..r.len()? {
        let (start, end) = (r.u64()?, r.u64()?);
        sections.push(Span::new(
            usize::try_from(start).ok()?,
            usize::try_from(end).ok()?,
        ));
    }
    let mut words = Vec::new();
    for _ in 0..r.len()? {
        let level = r.u8()?;
        let parent = match r.u64()? {
            u64::MAX => None,
            p => Some(usize::try_from(p).ok()?),
        };
        let has_slug = r.u8()? == 1;
        let slug = r.u64()?;
        let mut f = Features {
            level,
            parent,
            slug: has_slug.then_some(slug),
            heading: r.u64()?,
            list_items: r.u32()?,
            table_rows: r.u32()?,
            length: f64::from_bits(r.u64()?),
            ..Features::default()
        };
        for set in f.key_sets_mut() {
            let n = r.len()?;
            set.reserve(n);
            for _ in 0..n {
                set.push(r.u64()?);
            }
        }
        words.push(f);
    }
    let mut resolutions = Resolutions::default();
    for list in [&mut resolutions.links, &mut resolutions.images] {
        for _ in 0..r.len()? {
            let dest = r.string()?.into_boxed_str();
            let has = r.u8()? == 1;
            let key = r.u64()?;
            list.push((dest, has.then_some(key)));
        }
    }
    if !r.bytes.is_empty() || sections.len() != words.len() {
        return None;
    }
    let kept = Kept {
        sections: sections.into_boxed_slice(),
        words,
    };
    Some((len, kept, resolutions))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept() -> (Kept, Resolutions) {
        let text =
            "# Guide\n\nSee [b](b.md) and ![d](d.png).\n\n## Install\n\nRun `make` 2 times.\n";
        let doc = crate::parse::parse(text);
        let file = crate::source::SourceFile::new("README.md".into(), text.into());
        let index = Index::default();
        let kept = Kept {
            sections: doc.sections.iter().map(|s| s.span).collect(),
            words: crate::align::features_with_words(&doc, &file, &index),
        };
        (kept, Resolutions::of(&doc, &file, &index))
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let (kept, res) = kept();
        assert!(!res.links.is_empty() && !res.images.is_empty());
        let bytes = encode(77, &kept.sections, &kept.words, &res);
        assert_eq!(decode(&bytes), Some((77, kept, res)));
        // Cut anywhere, or with a byte more, it is refused.
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
    }

    #[test]
    fn the_file_keeps_what_runs_made_for_the_same_build_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lockstep/versions-v1.bin");
        let (kept, res) = kept();
        let index = Index::default();
        let store = Store::open_as(path.clone(), 1);
        assert_eq!(store.get(7, 10, &index, "README.md"), None);
        store.add(7, 10, &kept.sections, &kept.words, &res);
        store.save();
        // The next run finds it, for the same text length only.
        let store = Store::open_as(path.clone(), 1);
        assert_eq!(store.get(7, 10, &index, "README.md"), Some(kept.clone()));
        assert_eq!(store.get(7, 11, &index, "README.md"), None);
        assert_eq!(store.get(8, 10, &index, "README.md"), None);
        // It adds another; both are kept.
        store.add(8, 12, &kept.sections, &kept.words, &res);
        store.save();
        let store = Store::open_as(path.clone(), 1);
        assert!(store.get(7, 10, &index, "README.md").is_some());
        assert!(store.get(8, 12, &index, "README.md").is_some());
        // A run that uses neither but makes another keeps them too.
        let store = Store::open_as(path.clone(), 1);
        store.add(9, 13, &kept.sections, &kept.words, &res);
        store.save();
        let store = Store::open_as(path.clone(), 1);
        for (key, len) in [(7, 10), (8, 12), (9, 13)] {
            assert_eq!(store.get(key, len, &index, "README.md"), Some(kept.clone()));
        }
        // Another build reads nothing.
        let other = Store::open_as(path.clone(), 2);
        assert_eq!(other.get(7, 10, &index, "README.md"), None);
        // A damaged file is ignored.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let store = Store::open_as(path.clone(), 1);
        assert_eq!(store.get(7, 10, &index, "README.md"), None);
        assert!(crate::write::temp_files(path.parent().unwrap()).is_empty());
    }

    /// A link that resolves elsewhere now (here: read from another folder)
    /// makes the kept features void.
    #[test]
    fn features_hold_while_links_resolve_as_they_did() {
        let (_, res) = kept();
        let empty = Index::default();
        assert!(res.hold(&empty, "README.md"));
        // From another folder, `b.md` is another file.
        assert!(!res.hold(&empty, "docs/README.md"));
    }
}
