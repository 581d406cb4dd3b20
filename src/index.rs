//! The cross-file index: which paths exist and which anchors each file has.
//!
//! Built once after parsing, read by corpus rules. [`Index::resolve`] turns a
//! link destination into a [`Target`] (a file, a folder, something missing,
//! something outside the root, or not a local path at all), so rules never
//! touch the disk.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use percent_encoding::percent_decode_str;

use crate::discover::Tree;
use crate::parse::Document;
use crate::source::FileId;

/// The ids a file's fragments may point at.
#[derive(Debug, Default)]
pub struct AnchorSet {
    ids: HashSet<String>,
    /// Lowercased id → the smallest original id, built on the first case-only lookup.
    folded: OnceLock<HashMap<String, String>>,
}

impl AnchorSet {
    pub fn from_document(doc: &Document) -> Self {
        AnchorSet {
            ids: doc.anchor_ids().map(str::to_string).collect(),
            folded: OnceLock::new(),
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// The id that equals `id` ignoring case, if any.
    pub fn case_insensitive(&self, id: &str) -> Option<&str> {
        let folded = self.folded.get_or_init(|| {
            let mut m: HashMap<String, String> = HashMap::with_capacity(self.ids.len());
            for id in &self.ids {
                let e = m.entry(id.to_lowercase()).or_insert_with(|| id.clone());
                if id < e {
                    *e = id.clone();
                }
            }
            m
        });
        folded.get(&id.to_lowercase()).map(String::as_str)
    }

    /// Every id, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not a local path: a URL with a scheme, `//host/…`, or empty.
    External,
    /// A fragment in the same file.
    SameFile { fragment: String },
    /// An existing file inside the root (`path` relative to the root).
    File {
        path: String,
        fragment: Option<String>,
    },
    /// An existing folder inside the root.
    Dir { path: String },
    /// A path inside the root that does not exist.
    Missing { path: String },
    /// A symlink that leaves the root.
    OutsideLink { path: String },
    /// `..` climbs above the documentation root.
    EscapesRoot,
}

/// Every existing path and every file's anchors.
#[derive(Debug, Default)]
pub struct Index {
    files: HashSet<String>,
    dirs: HashSet<String>,
    outside_links: HashSet<String>,
    /// Markdown files that were parsed, by path.
    parsed: HashMap<String, FileId>,
    anchors: Vec<Option<AnchorSet>>,
}

impl Index {
    /// `anchors[i]` are the anchors of file `FileId(i)` at `paths[i]` (`None`
    /// when it could not be read). The tree's path sets move into the index.
    pub fn build(tree: &mut Tree, paths: &[&str], anchors: Vec<Option<AnchorSet>>) -> Self {
        let parsed = paths
            .iter()
            .zip(&anchors)
            .enumerate()
            .filter(|(_, (_, a))| a.is_some())
            .map(|(i, (path, _))| (path.to_string(), FileId(i as u32)))
            .collect();
        Self {
            files: std::mem::take(&mut tree.files),
            dirs: std::mem::take(&mut tree.dirs),
            outside_links: std::mem::take(&mut tree.outside_links),
            parsed,
            anchors,
        }
    }

    /// Replaces a file's anchors after its text changed (a fix was applied).
    pub fn set_anchors(&mut self, file: FileId, anchors: AnchorSet) {
        if let Some(slot) = self.anchors.get_mut(file.index()) {
            *slot = Some(anchors);
        }
    }

    pub fn anchors(&self, file: FileId) -> Option<&AnchorSet> {
        self.anchors.get(file.index()).and_then(Option::as_ref)
    }

    /// The parsed Markdown file at `path`, if any.
    pub fn parsed_file(&self, path: &str) -> Option<FileId> {
        self.parsed.get(path).copied()
    }

    /// How many files (Markdown or not) the tree holds.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn file_exists(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// Resolves link destination `dest` written in the file at `from`.
    pub fn resolve(&self, from: &str, dest: &str) -> Target {
        let dest = dest.trim();
        if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
            return Target::External;
        }
        let (before_fragment, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(decode(f))),
            None => (dest, None),
        };
        let path_part = before_fragment
            .split_once('?')
            .map_or(before_fragment, |(p, _)| p);
        if path_part.is_empty() {
            return match fragment {
                Some(fragment) => Target::SameFile { fragment },
                // `?query` alone: the same page.
                None => Target::External,
            };
        }
        let decoded = decode(path_part);
        let Some(path) = join(from, &decoded) else {
            return Target::EscapesRoot;
        };
        if path.is_empty() || self.dirs.contains(&path) {
            return Target::Dir { path };
        }
        if self.files.contains(&path) {
            return Target::File { path, fragment };
        }
        if self.outside_links.contains(&path) {
            return Target::OutsideLink { path };
        }
        Target::Missing { path }
    }
}

/// The root-relative path a relative link points at (percent-decoded,
/// normalised), without looking at what exists; `None` for external links,
/// same-file fragments and paths that leave the root.
pub fn link_path(from: &str, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
        return None;
    }
    let before = dest.split_once('#').map_or(dest, |(p, _)| p);
    let path = before.split_once('?').map_or(before, |(p, _)| p);
    if path.is_empty() {
        return None;
    }
    join(from, &decode(path))
}

/// `scheme:` per RFC 3986 (`https:`, `mailto:`, `data:`); a Windows drive
/// letter is not a scheme.
fn has_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-decodes (lossily: invalid UTF-8 becomes U+FFFD).
pub fn decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Joins a relative link onto the folder of `from`, normalising `.` and `..`.
/// A leading `/` means the root. `None` when the path climbs above the root.
fn join(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if !link.starts_with('/') {
        parts.extend(from.split('/'));
        parts.pop();
    }
    for comp in link.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let mut tree = Tree {
            files: ["README.md", "images/a b.png", "docs/guide.md"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            dirs: ["images", "docs"].iter().map(|s| s.to_string()).collect(),
            ..Tree::default()
        };
        Index::build(&mut tree, &[], Vec::new())
    }

    #[test]
    fn resolves() {
        let ix = index();
        assert_eq!(ix.resolve("README.md", "https://x.y"), Target::External);
        assert_eq!(ix.resolve("README.md", "mailto:a@b"), Target::External);
        assert_eq!(
            ix.resolve("README.md", "#Intro%20x"),
            Target::SameFile {
                fragment: "Intro x".into()
            }
        );
        assert_eq!(
            ix.resolve("docs/guide.md", "../images/a%20b.png"),
            Target::File {
                path: "images/a b.png".into(),
                fragment: None
            }
        );
        assert_eq!(
            ix.resolve("docs/guide.md", "/README.md#x"),
            Target::File {
                path: "README.md".into(),
                fragment: Some("x".into())
            }
        );
        assert_eq!(
            ix.resolve("docs/guide.md", "./"),
            Target::Dir {
                path: "docs".into()
            }
        );
        assert_eq!(ix.resolve("README.md", "../../issues"), Target::EscapesRoot);
        assert_eq!(
            ix.resolve("README.md", "nope.md?x=1"),
            Target::Missing {
                path: "nope.md".into()
            }
        );
    }
}
