//! Section alignment between the source edition and a translation.
//!
//! Translators translate headings, so ids differ. Alignment uses what
//! survives translation — heading level and position, the images a section
//! shows, its code blocks, its link targets, the numbers and Latin tokens in
//! its heading (`HTTP 1.0`, `CAP`, `gRPC`), custom ids and HTML anchors — and
//! a global sequence alignment (dynamic programming over a similarity score),
//! so that one missing section does not shift every pair after it.
//!
//! [`features`] extracts what is compared; [`align`] is pure and
//! deterministic.

use std::hash::{Hash, Hasher};

use crate::index::{Index, Target};
use crate::parse::Document;

/// What one section offers for comparison. Sets are sorted hashes.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub level: u8,
    /// Heading id, custom id and HTML anchors: equal ids are the same section.
    pub ids: Vec<u64>,
    /// Local images, by file name.
    pub images: Vec<u64>,
    pub code: Vec<u64>,
    /// Link targets: resolved local paths and external URLs, without fragments.
    pub links: Vec<u64>,
    /// Distinctive heading tokens: with a digit, or several capitals (`HTTP`, `1.0`, `gRPC`).
    pub tokens: Vec<u64>,
    /// Relative position in the document, 0 to 1.
    pub position: f64,
    /// The enclosing section.
    pub parent: Option<usize>,
}

fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v.dedup();
    v
}

/// A local image as compared across editions: the file it resolves to (when
/// it exists) and its file name. A broken path copied from the source still
/// names the same file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageKey {
    pub resolved: Option<String>,
    pub name: String,
}

impl ImageKey {
    /// Whether two keys name the same image: the same file, or — when either
    /// path is broken — the same file name.
    pub fn same(&self, other: &ImageKey) -> bool {
        match (&self.resolved, &other.resolved) {
            (Some(a), Some(b)) => a == b,
            _ => self.name == other.name,
        }
    }

    /// How to show it: the resolved path, else the name.
    pub fn display(&self) -> &str {
        self.resolved.as_deref().unwrap_or(&self.name)
    }
}

/// The key of a local image (`None` for remote images and data URIs).
pub fn image_key(index: &Index, from: &str, dest: &str) -> Option<ImageKey> {
    let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    match index.resolve(from, dest) {
        Target::File { path, .. } => Some(ImageKey {
            name: name(&path),
            resolved: Some(path),
        }),
        Target::Missing { path } | Target::OutsideLink { path } | Target::Dir { path } => {
            Some(ImageKey {
                resolved: None,
                name: name(&path),
            })
        }
        Target::EscapesRoot => Some(ImageKey {
            resolved: None,
            name: name(dest),
        }),
        _ => None,
    }
}

/// Distinctive tokens of a heading: containing a digit, two capitals, or a
/// capital after a lowercase letter.
fn tokens(text: &str) -> Vec<u64> {
    let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '#')));
    sorted(
        words
            .map(|w| w.trim_matches('.'))
            .filter(|w| !w.is_empty())
            .filter(|w| {
                w.chars().any(|c| c.is_ascii_digit())
                    || w.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
                    || w.chars().skip(1).any(|c| c.is_ascii_uppercase())
            })
            .map(|w| hash(&w.to_ascii_lowercase()))
            .collect(),
    )
}

/// Features of every section of `doc` (the file at `path`), section 0 (the
/// preamble) included.
pub fn features(doc: &Document, path: &str, index: &Index) -> Vec<Features> {
    let n = doc.sections.len().max(1);
    let mut out: Vec<Features> = doc
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut f = Features {
                level: s.level,
                position: i as f64 / n as f64,
                parent: s.parent,
                ..Features::default()
            };
            if let Some(h) = s.heading {
                let heading = &doc.headings[h];
                f.ids.push(hash(heading.id.as_str()));
                if let Some(c) = &heading.custom_id {
                    f.ids.push(hash(c.as_str()));
                }
                f.tokens = tokens(&heading.text);
            }
            f
        })
        .collect();
    for a in &doc.anchors {
        out[doc.section_at(a.span.start)]
            .ids
            .push(hash(a.id.as_str()));
    }
    for img in &doc.images {
        // Compared by file name: a broken path still names the same diagram.
        if let Some(key) = image_key(index, path, &img.dest) {
            out[doc.section_at(img.span.start)]
                .images
                .push(hash(&key.name));
        }
    }
    for c in &doc.code_blocks {
        out[doc.section_at(c.span.start)].code.push(c.hash);
    }
    for l in &doc.links {
        let key = match index.resolve(path, &l.dest) {
            Target::External if !l.dest.is_empty() => {
                Some(l.dest.split('#').next().unwrap_or("").to_string())
            }
            Target::File { path, .. } | Target::Dir { path } | Target::Missing { path } => {
                Some(path)
            }
            _ => None,
        };
        if let Some(key) = key.filter(|k| !k.is_empty()) {
            out[doc.section_at(l.span.start)].links.push(hash(&key));
        }
    }
    for f in &mut out {
        f.ids = sorted(std::mem::take(&mut f.ids));
        f.images = sorted(std::mem::take(&mut f.images));
        f.code = sorted(std::mem::take(&mut f.code));
        f.links = sorted(std::mem::take(&mut f.links));
    }
    out
}

/// |A ∩ B| of two sorted sets.
fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// |A ∩ B| / min(|A|, |B|): a translation may drop an image or a link.
fn overlap(a: &[u64], b: &[u64]) -> f64 {
    let min = a.len().min(b.len());
    if min == 0 {
        0.0
    } else {
        common(a, b) as f64 / min as f64
    }
}

/// How alike two sections are, 0 to 1.
pub fn similarity(a: &Features, b: &Features) -> f64 {
    if a.level == b.level && common(&a.ids, &b.ids) > 0 {
        return 1.0;
    }
    let mut score = 0.0;
    let mut weight = 0.0;
    // Images and code survive translation: one side without them is
    // evidence against. Links and heading tokens are often dropped or
    // translated away: they only count when both sides have some.
    for (x, y, w, one_sided) in [
        (&a.images, &b.images, 3.0, true),
        (&a.code, &b.code, 2.0, true),
        (&a.links, &b.links, 1.5, false),
        (&a.tokens, &b.tokens, 1.5, false),
    ] {
        let present = if one_sided {
            !x.is_empty() || !y.is_empty()
        } else {
            !x.is_empty() && !y.is_empty()
        };
        if present {
            weight += w;
            score += w * overlap(x, y);
        }
    }
    let content = if weight > 0.0 { score / weight } else { 0.5 };
    let closeness = 1.0 - ((a.position - b.position).abs() * 3.0).min(1.0);
    let mut s = 0.75 * content + 0.25 * closeness;
    if a.level != b.level {
        s *= 0.4;
    }
    s
}

/// Pairs below this similarity are never made.
pub const MIN_SIMILARITY: f64 = 0.3;

/// One step of an alignment: a source section, a translated section, or both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub source: Option<usize>,
    pub target: Option<usize>,
    pub score: f64,
}

/// The alignment of two editions, in document order.
#[derive(Debug, Clone, Default)]
pub struct Alignment {
    pub pairs: Vec<Pair>,
    target_of: Vec<Option<usize>>,
    source_of: Vec<Option<usize>>,
}

impl Alignment {
    /// The translated section aligned with source section `s`.
    pub fn target_of(&self, s: usize) -> Option<usize> {
        self.target_of.get(s).copied().flatten()
    }

    /// The source section aligned with translated section `t`.
    pub fn source_of(&self, t: usize) -> Option<usize> {
        self.source_of.get(t).copied().flatten()
    }
}

/// Aligns `target` sections to `source` sections. The preambles (section 0)
/// always pair. Sections that share an id, an image or a code block found
/// once in each edition become anchors (the longest run of them in order);
/// between anchors, a global alignment maximises the total similarity.
pub fn align(source: &[Features], target: &[Features]) -> Alignment {
    let (n, m) = (source.len(), target.len());
    let mut pairs = Vec::with_capacity(n.max(m));
    if n == 0 || m == 0 {
        pairs.extend((0..n).map(|s| Pair {
            source: Some(s),
            target: None,
            score: 0.0,
        }));
        pairs.extend((0..m).map(|t| Pair {
            source: None,
            target: Some(t),
            score: 0.0,
        }));
        return finish(pairs, n, m);
    }
    pairs.push(Pair {
        source: Some(0),
        target: Some(0),
        score: 1.0,
    });
    let anchored = anchors(source, target);
    // Parents of anchored pairs: the sections that hold the same subsections.
    let families: std::collections::HashSet<(usize, usize)> = anchored
        .iter()
        .filter_map(|&(i, j)| Some((source[i].parent?, target[j].parent?)))
        .collect();
    let (mut i0, mut j0) = (1, 1);
    for &(i, j) in &anchored {
        align_gap(source, target, i0..i, j0..j, &families, &mut pairs);
        pairs.push(Pair {
            source: Some(i),
            target: Some(j),
            score: similarity(&source[i], &target[j]),
        });
        (i0, j0) = (i + 1, j + 1);
    }
    align_gap(source, target, i0..n, j0..m, &families, &mut pairs);
    let mut alignment = finish(pairs, n, m);
    pair_moved(source, target, &mut alignment);
    alignment
}

/// Sections left unpaired on both sides that share a key found once in each
/// edition (an id, an image, a code block) were moved, not lost: pair them,
/// out of order.
fn pair_moved(source: &[Features], target: &[Features], alignment: &mut Alignment) {
    for (i, j) in unique_key_pairs(source, target) {
        if alignment.target_of[i].is_none() && alignment.source_of[j].is_none() {
            alignment.target_of[i] = Some(j);
            alignment.source_of[j] = Some(i);
            alignment
                .pairs
                .retain(|p| p.source != Some(i) && p.target != Some(j));
            alignment.pairs.push(Pair {
                source: Some(i),
                target: Some(j),
                score: similarity(&source[i], &target[j]),
            });
        }
    }
}

/// Pairs of sections (preambles excluded) sharing a key that occurs in no
/// other section of either edition, at the same level; the longest chain of
/// them in document order.
fn anchors(source: &[Features], target: &[Features]) -> Vec<(usize, usize)> {
    let candidates = unique_key_pairs(source, target);
    // Longest chain increasing in both coordinates (patience sorting).
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; candidates.len()];
    for (k, &(_, j)) in candidates.iter().enumerate() {
        let pos = tails.partition_point(|&t| candidates[t].1 < j);
        if pos > 0 {
            prev[k] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        out.push(candidates[k]);
        cur = prev[k];
    }
    out.reverse();
    out
}

/// Section pairs (preambles excluded, same level) sharing a key that occurs
/// in exactly one section of each edition, sorted.
fn unique_key_pairs(source: &[Features], target: &[Features]) -> Vec<(usize, usize)> {
    use std::collections::HashMap;
    // key → (occurrences in source, last section; occurrences in target, last section)
    let mut keys: HashMap<(u8, u64), (u32, usize, u32, usize)> = HashMap::new();
    let mut note = |features: &[Features], side: usize| {
        for (i, f) in features.iter().enumerate().skip(1) {
            for (tag, set) in [(0u8, &f.ids), (1, &f.images), (2, &f.code)] {
                for &k in set {
                    let e = keys.entry((tag, k)).or_insert((0, 0, 0, 0));
                    if side == 0 {
                        e.0 += 1;
                        e.1 = i;
                    } else {
                        e.2 += 1;
                        e.3 = i;
                    }
                }
            }
        }
    };
    note(source, 0);
    note(target, 1);
    let mut candidates: Vec<(usize, usize)> = keys
        .values()
        .filter(|(ca, i, cb, j)| *ca == 1 && *cb == 1 && source[*i].level == target[*j].level)
        .map(|&(_, i, _, j)| (i, j))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    // A section may match two sections through different keys: keep the
    // first, and let the chain decide.
    candidates.dedup_by_key(|(i, _)| *i);
    candidates
}

/// Aligns source sections `is` with target sections `js` (a gap between
/// anchors). The same number of sections at the same levels pair in order
/// (renamed, re-imaged, translated); otherwise dynamic programming within a
/// band around the diagonal decides, favouring the parents of anchored
/// subsections (`families`).
fn align_gap(
    source: &[Features],
    target: &[Features],
    is: std::ops::Range<usize>,
    js: std::ops::Range<usize>,
    families: &std::collections::HashSet<(usize, usize)>,
    pairs: &mut Vec<Pair>,
) {
    let (a, b) = (&source[is.clone()], &target[js.clone()]);
    let (n1, m1) = (a.len(), b.len());
    if n1 == 0 || m1 == 0 {
        pairs.extend(is.map(|s| Pair {
            source: Some(s),
            target: None,
            score: 0.0,
        }));
        pairs.extend(js.map(|t| Pair {
            source: None,
            target: Some(t),
            score: 0.0,
        }));
        return;
    }
    if n1 == m1 && a.iter().zip(b).all(|(x, y)| x.level == y.level) {
        pairs.extend(is.zip(js).map(|(i, j)| Pair {
            source: Some(i),
            target: Some(j),
            score: similarity(&source[i], &target[j]),
        }));
        return;
    }
    let band = (n1.max(m1) / 3).clamp(25, 200) + n1.abs_diff(m1);
    let in_band = |i: usize, j: usize| {
        let expected = i * m1 / n1;
        j.abs_diff(expected) <= band
    };
    let (si, sj) = (is.start, js.start);
    let sim = |i: usize, j: usize| {
        if !in_band(i, j) {
            return 0.0;
        }
        let s = similarity(&a[i], &b[j]);
        if families.contains(&(si + i, sj + j)) {
            (s + 0.3).min(1.0)
        } else {
            s
        }
    };
    // best[i * (m1 + 1) + j]: best total for a[i..] and b[j..].
    let w = m1 + 1;
    let mut best = vec![0.0f32; (n1 + 1) * w];
    for i in (0..n1).rev() {
        for j in (0..m1).rev() {
            let s = sim(i, j);
            let take = if s >= MIN_SIMILARITY {
                s as f32 + best[(i + 1) * w + j + 1]
            } else {
                f32::MIN
            };
            best[i * w + j] = take.max(best[(i + 1) * w + j]).max(best[i * w + j + 1]);
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n1 || j < m1 {
        if i < n1 && j < m1 {
            let s = sim(i, j);
            if s >= MIN_SIMILARITY && best[i * w + j] == s as f32 + best[(i + 1) * w + j + 1] {
                pairs.push(Pair {
                    source: Some(si + i),
                    target: Some(sj + j),
                    score: s,
                });
                i += 1;
                j += 1;
            } else if best[i * w + j] == best[(i + 1) * w + j] {
                pairs.push(Pair {
                    source: Some(si + i),
                    target: None,
                    score: 0.0,
                });
                i += 1;
            } else {
                pairs.push(Pair {
                    source: None,
                    target: Some(sj + j),
                    score: 0.0,
                });
                j += 1;
            }
        } else if i < n1 {
            pairs.push(Pair {
                source: Some(si + i),
                target: None,
                score: 0.0,
            });
            i += 1;
        } else {
            pairs.push(Pair {
                source: None,
                target: Some(sj + j),
                score: 0.0,
            });
            j += 1;
        }
    }
}

fn finish(pairs: Vec<Pair>, n: usize, m: usize) -> Alignment {
    let mut target_of = vec![None; n];
    let mut source_of = vec![None; m];
    for p in &pairs {
        if let (Some(s), Some(t)) = (p.source, p.target) {
            target_of[s] = Some(t);
            source_of[t] = Some(s);
        }
    }
    Alignment {
        pairs,
        target_of,
        source_of,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(level: u8, images: &[u64], position: f64) -> Features {
        Features {
            level,
            images: images.to_vec(),
            position,
            ..Features::default()
        }
    }

    fn matched(a: &Alignment) -> Vec<(Option<usize>, Option<usize>)> {
        a.pairs.iter().map(|p| (p.source, p.target)).collect()
    }

    #[test]
    fn a_missing_section_does_not_shift_the_rest() {
        let src = [
            f(0, &[], 0.0),
            f(2, &[1], 0.2),
            f(2, &[2], 0.4),
            f(2, &[3], 0.6),
            f(2, &[4], 0.8),
        ];
        let tr = [
            f(0, &[], 0.0),
            f(2, &[1], 0.25),
            f(2, &[3], 0.5),
            f(2, &[4], 0.75),
        ];
        let a = align(&src, &tr);
        assert_eq!(
            matched(&a),
            [
                (Some(0), Some(0)),
                (Some(1), Some(1)),
                (Some(2), None),
                (Some(3), Some(2)),
                (Some(4), Some(3)),
            ]
        );
        assert_eq!(a.target_of(3), Some(2));
        assert_eq!(a.source_of(2), Some(3));
    }

    #[test]
    fn an_extra_section_is_left_unpaired() {
        let src = [f(0, &[], 0.0), f(2, &[1], 0.3), f(2, &[2], 0.6)];
        let tr = [
            f(0, &[], 0.0),
            f(2, &[1], 0.25),
            f(3, &[9], 0.5),
            f(2, &[2], 0.75),
        ];
        let a = align(&src, &tr);
        assert_eq!(a.source_of(2), None);
        assert_eq!(a.target_of(2), Some(3));
    }

    #[test]
    fn featureless_sections_pair_in_order() {
        let src: Vec<_> = (0..5)
            .map(|i| f(if i == 0 { 0 } else { 2 }, &[], i as f64 / 5.0))
            .collect();
        let a = align(&src, &src);
        assert!(a.pairs.iter().all(|p| p.source == p.target));
    }

    #[test]
    fn tokens_keep_numbers_and_acronyms() {
        assert_eq!(
            tokens("HTTP 1.0 -> HTTP 2.0"),
            tokens("HTTP 2.0와 HTTP 1.0")
        );
        assert_eq!(
            tokens("How does gRPC work?"),
            tokens("gRPC는 어떻게 작동하나요?")
        );
        assert!(tokens("Why is it fast?").is_empty());
    }
}
