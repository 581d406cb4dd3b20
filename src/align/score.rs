//! How alike a source section and a translated section are, as a score
//! that adds evidence: shared keys weighted by how rare they are in each
//! document (an image used once in each is decisive; a link in every
//! section is not), the heading level, the section's length relative to the
//! document (Gale–Church: a text and its translation keep their length
//! ratio), and the shape of its lists and tables. A pair is worth making
//! when its score is positive; the alignment maximises the total.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::source::HashSet;

use super::Evidence;
use super::features::Features;

/// Keys are hashes already: a multiply mixes them enough for a table
/// (SipHash was a tenth of the time of a check).
#[derive(Default)]
pub(super) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyHash = std::hash::BuildHasherDefault<KeyHasher>;

/// Key kinds, with the weight of a full overlap.
const KINDS: [(Evidence, f64); 8] = [
    (Evidence::ID, 4.0),
    (Evidence::IMAGE, 2.5),
    (Evidence::CODE, 2.5),
    (Evidence::INLINE_CODE, 1.2),
    (Evidence::LINK, 1.2),
    (Evidence::TOKEN, 1.0),
    (Evidence::LATIN, 0.8),
    (Evidence::NUMBER, 0.6),
];

/// What pairing subsections by content says about their parents.
const SUBSECTIONS: f64 = 1.0;

fn keys(f: &Features, kind: Evidence) -> &[u64] {
    match kind {
        Evidence::ID => &f.ids,
        Evidence::IMAGE => &f.images,
        Evidence::CODE => &f.code,
        Evidence::INLINE_CODE => &f.inline,
        Evidence::LINK => &f.links,
        Evidence::TOKEN => &f.tokens,
        Evidence::LATIN => &f.latin,
        Evidence::NUMBER => &f.numbers,
        _ => &[],
    }
}

/// The score of every candidate pair of two editions.
pub(super) struct Scorer<'a> {
    source: &'a [Features],
    target: &'a [Features],
    /// Per key: in how many sections of the source and of the target.
    df: HashMap<(u16, u64), (u32, u32), KeyHash>,
    /// The translation's length per unit of source length.
    ratio: f64,
    /// `ln(length + 5)` of each translated section, its own and with its
    /// subsections'; the source's, scaled by `ratio` (Gale–Church's
    /// logarithm of a ratio, as a difference of logarithms taken once per
    /// section instead of once per pair).
    ln_target: Vec<f64>,
    ln_target_len: Vec<f64>,
    ln_source: Vec<f64>,
    ln_source_len: Vec<f64>,
    /// Pairs whose subsections pair by content.
    pub support: HashSet<(usize, usize)>,
    /// The source's keys and lengths, made once per source.
    side: Cow<'a, SourceKeys>,
    /// Per translated section with subsections: its keys and theirs, per
    /// kind (a translation may merge subsections into one section, or
    /// split one).
    target_deep: Vec<Option<Deep>>,
    /// What [`Self::content`] gave for the pairs of the alignment's grid
    /// (see [`Self::remember`]): the passes over the grid and the checks
    /// after them ask for the same pairs again.
    memo: Memo,
    /// Per key: the translated sections that have it (made when first
    /// needed, for [`Self::shared_row`]).
    postings: std::cell::OnceCell<Postings>,
}

/// Translated sections by key: `index[(kind, key)]` gives where in `list`
/// they are, and the key's weight (what one shared key adds).
#[derive(Default)]
struct Postings {
    index: HashMap<(u16, u64), (u32, u32, f64), KeyHash>,
    list: Vec<u32>,
}

/// What one source section shares with every translated section, kind by
/// kind (see [`Scorer::shared_row`]).
pub(super) struct Row {
    source: usize,
    /// The translated sections it covers.
    first: usize,
    last: usize,
    shared: Vec<[f64; KINDS.len()]>,
    touched: Vec<usize>,
}

impl Row {
    pub fn new(targets: usize) -> Self {
        Self {
            source: usize::MAX,
            first: 0,
            last: 0,
            shared: vec![[0.0; KINDS.len()]; targets],
            touched: Vec::new(),
        }
    }

    /// Whether it was made for source section `i` and translated sections
    /// `first..=last` (at least).
    pub fn covers(&self, i: usize, first: usize, last: usize) -> bool {
        self.source == i && self.first <= first && last <= self.last
    }
}

/// [`Scorer::content`] of the pairs of a grid, by the grid's cell index:
/// row `i` (source section `i + 1`) holds the columns `rows[i]` (translated
/// sections `lo + 1..=hi + 1`) from `offset[i]` on; NaN until computed.
#[derive(Default)]
struct Memo {
    rows: Vec<(usize, usize)>,
    offset: Vec<usize>,
    cells: Vec<std::cell::Cell<(f64, Evidence)>>,
}

impl Memo {
    /// The cell of source section `i` and translated section `j` (neither
    /// the preamble), when the grid has it.
    fn index(&self, i: usize, j: usize) -> Option<usize> {
        super::cell_index(
            &self.rows,
            &self.offset,
            i.checked_sub(1)?,
            j.checked_sub(1)?,
        )
    }
}

fn subtree_lengths(features: &[Features]) -> Vec<f64> {
    let mut len: Vec<f64> = features.iter().map(|f| f.length).collect();
    for i in (1..features.len()).rev() {
        if let Some(p) = features[i].parent.filter(|&p| p != 0 && p < i) {
            len[p] += len[i];
        }
    }
    len
}

/// The keys of a section and its subsections, per kind of [`KINDS`].
type Deep = [Vec<u64>; KINDS.len()];

/// What a section's keys and its subsections' keys together say counts
/// this much of what its own keys say.
const DEEP: f64 = 0.8;

fn deep_keys(features: &[Features]) -> Vec<Option<Deep>> {
    let mut deep: Vec<Option<Deep>> = vec![None; features.len()];
    // Children come after their parents: fold from the end.
    for i in (1..features.len()).rev() {
        let Some(p) = features[i].parent.filter(|&p| p != 0 && p < i) else {
            continue;
        };
        let child: Deep = match deep[i].take() {
            Some(d) => d,
            None => std::array::from_fn(|k| keys(&features[i], KINDS[k].0).to_vec()),
        };
        let parent = deep[p].get_or_insert_with(|| {
            std::array::from_fn(|k| keys(&features[p], KINDS[k].0).to_vec())
        });
        for (into, from) in parent.iter_mut().zip(child.iter()) {
            into.extend_from_slice(from);
        }
        deep[i] = Some(child);
    }
    for d in deep.iter_mut().flatten() {
        for v in d.iter_mut() {
            v.sort_unstable();
            v.dedup();
        }
    }
    deep
}

/// What scoring needs of a source edition whatever the translation: in
/// how many of its sections each key is, its sections' keys with their
/// subsections', their lengths. Made once per source and shared by the
/// alignments of its translations (a README with thirty).
#[derive(Clone)]
pub(crate) struct SourceKeys {
    /// Per key: in how many sections (the preamble left out), as the
    /// first count of [`Scorer`]'s table (the second is 0).
    df: HashMap<(u16, u64), (u32, u32), KeyHash>,
    /// Per section with subsections: see [`deep_keys`].
    deep: Vec<Option<Deep>>,
    /// Per section: its length with its subsections'.
    len: Vec<f64>,
    /// The length of all sections but the preamble.
    total: f64,
}

impl SourceKeys {
    pub fn new(source: &[Features]) -> Self {
        let mut df: HashMap<(u16, u64), (u32, u32), KeyHash> = HashMap::default();
        for f in source.iter().skip(1) {
            for (kind, _) in KINDS {
                for &k in keys(f, kind) {
                    df.entry((kind.bits(), k)).or_default().0 += 1;
                }
            }
        }
        Self {
            df,
            deep: deep_keys(source),
            len: subtree_lengths(source),
            total: source.iter().skip(1).map(|x| x.length).sum::<f64>(),
        }
    }
}

impl<'a> Scorer<'a> {
    pub fn new(source: &'a [Features], target: &'a [Features]) -> Self {
        Self::with_keys(source, Cow::Owned(SourceKeys::new(source)), target)
    }

    /// [`Self::new`] with the source's [`SourceKeys`] made already.
    pub fn with_keys(
        source: &'a [Features],
        side: Cow<'a, SourceKeys>,
        target: &'a [Features],
    ) -> Self {
        let mut df = side.df.clone();
        for f in target.iter().skip(1) {
            for (kind, _) in KINDS {
                for &k in keys(f, kind) {
                    df.entry((kind.bits(), k)).or_default().1 += 1;
                }
            }
        }
        let ts = side.total;
        let tt = target.iter().skip(1).map(|x| x.length).sum::<f64>();
        let ratio = if ts > 0.0 && tt > 0.0 { tt / ts } else { 1.0 };
        let target_len = subtree_lengths(target);
        let ln = |x: f64| (x + 5.0).ln();
        let mut scorer = Self {
            source,
            target,
            df,
            ratio,
            ln_target: target.iter().map(|f| ln(f.length)).collect(),
            ln_target_len: target_len.iter().map(|&l| ln(l)).collect(),
            ln_source: Vec::new(),
            ln_source_len: Vec::new(),
            support: HashSet::default(),
            side,
            target_deep: deep_keys(target),
            memo: Memo::default(),
            postings: std::cell::OnceCell::new(),
        };
        scorer.set_ratio(ratio);
        scorer
    }

    /// The translation's length per unit of source length.
    pub fn ratio(&self) -> f64 {
        self.ratio
    }

    /// Sets [`Self::ratio`] (and the source's scaled logarithms).
    pub fn set_ratio(&mut self, ratio: f64) {
        self.ratio = ratio;
        let ln = |x: f64| (ratio * x + 5.0).ln();
        self.ln_source = self.source.iter().map(|f| ln(f.length)).collect();
        self.ln_source_len = self.side.len.iter().map(|&l| ln(l)).collect();
    }

    fn postings(&self) -> &Postings {
        self.postings.get_or_init(|| {
            // Each key's sections lie together in `list`, in section order
            // (the sections are visited in order); how many there are is
            // the table's second count (it counted these same keys).
            let total: usize = (self.target.iter().skip(1))
                .map(|f| {
                    KINDS
                        .iter()
                        .map(|&(kind, _)| keys(f, kind).len())
                        .sum::<usize>()
                })
                .sum();
            let mut p = Postings {
                index: HashMap::default(),
                list: vec![0; total],
            };
            let mut next = 0u32;
            for (j, f) in self.target.iter().enumerate().skip(1) {
                for (kind, _) in KINDS {
                    for &key in keys(f, kind) {
                        let e = p.index.entry((kind.bits(), key)).or_insert_with(|| {
                            let (cs, ct) =
                                self.df.get(&(kind.bits(), key)).copied().unwrap_or((1, 1));
                            let start = next;
                            next += ct;
                            (start, 0, 1.0 / f64::from(cs.max(1) * ct.max(1)))
                        });
                        p.list[(e.0 + e.1) as usize] = j as u32;
                        e.1 += 1;
                    }
                }
            }
            p
        })
    }

    /// Makes `row` what source section `i` (not the preamble) shares with
    /// every translated section: per kind, the sum of the shared keys'
    /// weights, added in the order [`Self::content`]'s walk adds them (by
    /// key), so that [`Self::content_in_row`] is exactly [`Self::content`]
    /// — in the time of the keys two sections share, not of all their keys.
    #[cfg(test)]
    pub fn shared_row(&self, i: usize, row: &mut Row) {
        self.shared_row_within(i, 1, self.target.len().saturating_sub(1), row);
    }

    /// [`Self::shared_row`] for the translated sections `first..=last`
    /// only (the columns of the grid's row): the others are left at 0.
    /// (Not inlined, nor is [`Self::content_in_row`]: inlined into the
    /// grid's loop by a change elsewhere in the crate, the two cost 5 M
    /// more instructions on coding-interview-university.)
    #[inline(never)]
    pub fn shared_row_within(&self, i: usize, first: usize, last: usize, row: &mut Row) {
        for &t in &row.touched {
            row.shared[t] = [0.0; KINDS.len()];
        }
        row.touched.clear();
        row.source = i;
        (row.first, row.last) = (first, last);
        let postings = self.postings();
        for (k, (kind, _)) in KINDS.into_iter().enumerate() {
            for &key in keys(&self.source[i], kind) {
                let Some(&(start, len, weight)) = postings.index.get(&(kind.bits(), key)) else {
                    continue;
                };
                let list = &postings.list[start as usize..(start + len) as usize];
                // Sorted by section: only those in the row's range.
                let from = list.partition_point(|&t| (t as usize) < first);
                for &t in list[from..].iter().take_while(|&&t| t as usize <= last) {
                    let shared = &mut row.shared[t as usize];
                    if shared.iter().all(|&w| w == 0.0) {
                        row.touched.push(t as usize);
                    }
                    shared[k] += weight;
                }
            }
        }
    }

    /// [`Self::content`] of source section `row.source()` and translated
    /// section `j` (neither the preamble), from the row.
    #[inline(never)]
    pub fn content_in_row(&self, row: &Row, j: usize) -> (f64, Evidence) {
        let i = row.source;
        if self.side.deep[i].is_some() != self.target_deep[j].is_some()
            || !(row.first..=row.last).contains(&j)
        {
            return self.content(i, j);
        }
        let (a, b) = (&self.source[i], &self.target[j]);
        Self::weighed(a, b, |k, kind| match row.shared[j][k] {
            0.0 => (0.0, 0),
            shared => (shared, keys(a, kind).len().min(keys(b, kind).len())),
        })
    }

    /// The evidence two sections share through keys: a weighted overlap per
    /// kind, each key counting less the more sections hold it. When one
    /// has subsections and the other none, their keys count too (a little
    /// less): a translation that merged subsections into their parent still
    /// matches it.
    pub fn content(&self, i: usize, j: usize) -> (f64, Evidence) {
        let k = self.memo.index(i, j);
        if let Some(known) = k.and_then(|k| self.remembered(k)) {
            return known;
        }
        let found = self.content_anew(i, j);
        if let Some(k) = k {
            self.keep(k, found);
        }
        found
    }

    /// Has [`Self::content`] keep what it gives for the pairs of a grid
    /// whose row `i` computes the columns `rows[i]` (grid coordinates: the
    /// preambles left out). The cells are numbered as the grid's.
    pub fn remember(&mut self, rows: &[(usize, usize)]) {
        let (offset, total) = super::offsets(rows);
        self.memo = Memo {
            rows: rows.to_vec(),
            offset,
            cells: vec![std::cell::Cell::new((f64::NAN, Evidence::empty())); total],
        };
    }

    /// What [`Self::content`] knows of cell `k` of the remembered grid.
    pub fn remembered(&self, k: usize) -> Option<(f64, Evidence)> {
        let known = self.memo.cells.get(k)?.get();
        (!known.0.is_nan()).then_some(known)
    }

    /// Keeps `found` as cell `k`'s [`Self::content`].
    pub fn keep(&self, k: usize, found: (f64, Evidence)) {
        if let Some(cell) = self.memo.cells.get(k) {
            cell.set(found);
        }
    }

    /// [`Self::content`], computed.
    fn content_anew(&self, i: usize, j: usize) -> (f64, Evidence) {
        let own = self.overlap(
            |k| keys(&self.source[i], KINDS[k].0),
            |k| keys(&self.target[j], KINDS[k].0),
            i,
            j,
        );
        let (ds, dt) = (&self.side.deep[i], &self.target_deep[j]);
        // Only a section with subsections against one without (a merge, or
        // a split): where both have them, the subsections pair themselves,
        // and a heading whose level changed must not take its new
        // subsections' keys to another section.
        if ds.is_some() == dt.is_some() {
            return own;
        }
        let deep = self.overlap(
            |k| {
                ds.as_ref()
                    .map_or(keys(&self.source[i], KINDS[k].0), |d| &d[k])
            },
            |k| {
                dt.as_ref()
                    .map_or(keys(&self.target[j], KINDS[k].0), |d| &d[k])
            },
            i,
            j,
        );
        if deep.0 * DEEP > own.0 {
            (deep.0 * DEEP, deep.1)
        } else {
            own
        }
    }

    /// How far the own lengths of two sections are from the translation's
    /// length ratio (Gale–Church; 0 is a perfect fit).
    pub fn misfit(&self, i: usize, j: usize) -> f64 {
        let (a, b) = (&self.source[i], &self.target[j]);
        ((b.length + 5.0) / (self.ratio * a.length + 5.0))
            .ln()
            .abs()
    }

    /// Pairs of sections (in order on both sides, grid coordinates: the
    /// preamble left out) that share an id no other section of either
    /// edition has.
    pub fn unique_id_pairs(&self) -> Vec<(usize, usize)> {
        let kind = Evidence::ID.bits();
        let unique = |k: &u64| self.df.get(&(kind, *k)) == Some(&(1, 1));
        let mut target_of: HashMap<u64, usize> = HashMap::new();
        for (j, f) in self.target.iter().enumerate().skip(1) {
            for k in f.ids.iter().filter(|k| unique(k)) {
                target_of.insert(*k, j);
            }
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, f) in self.source.iter().enumerate().skip(1) {
            if let Some(&j) = f.ids.iter().find_map(|k| target_of.get(k)) {
                pairs.push((i - 1, j - 1));
            }
        }
        longest_in_order(&pairs)
    }

    /// How many sections the translation has.
    pub fn target_len(&self) -> usize {
        self.target.len()
    }

    /// [`Self::content`] of the two sections' own keys only.
    pub fn own_content(&self, i: usize, j: usize) -> f64 {
        self.overlap(
            |k| keys(&self.source[i], KINDS[k].0),
            |k| keys(&self.target[j], KINDS[k].0),
            i,
            j,
        )
        .0
    }

    fn overlap<'k>(
        &'k self,
        source_keys: impl Fn(usize) -> &'k [u64],
        target_keys: impl Fn(usize) -> &'k [u64],
        i: usize,
        j: usize,
    ) -> (f64, Evidence) {
        Self::weighed(&self.source[i], &self.target[j], |k, kind| {
            let (x, y) = (source_keys(k), target_keys(k));
            if x.is_empty() || y.is_empty() {
                return (0.0, 0);
            }
            let mut shared = 0.0;
            let (mut p, mut q) = (0, 0);
            while p < x.len() && q < y.len() {
                match x[p].cmp(&y[q]) {
                    std::cmp::Ordering::Less => p += 1,
                    std::cmp::Ordering::Greater => q += 1,
                    std::cmp::Ordering::Equal => {
                        let (cs, ct) = self.df.get(&(kind.bits(), x[p])).copied().unwrap_or((1, 1));
                        shared += 1.0 / f64::from(cs.max(1) * ct.max(1));
                        p += 1;
                        q += 1;
                    }
                }
            }
            (shared, x.len().min(y.len()))
        })
    }

    /// The content score of sections `a` and `b` given, per kind (index
    /// into [`KINDS`]), the summed weight of the keys they share and the
    /// smaller of their key counts: a weighted overlap per kind, then what
    /// their keys say beyond that.
    fn weighed(
        a: &Features,
        b: &Features,
        mut shared: impl FnMut(usize, Evidence) -> (f64, usize),
    ) -> (f64, Evidence) {
        let mut total = 0.0;
        let mut evidence = Evidence::empty();
        for (k, (kind, weight)) in KINDS.into_iter().enumerate() {
            let (shared, fewer) = shared(k, kind);
            if shared > 0.0 {
                let overlap = (shared / fewer as f64).min(1.0);
                total += weight * overlap;
                evidence |= kind;
            }
        }
        // An id one side pins to the other's generated id.
        if !evidence.contains(Evidence::ID) {
            let pinned = |f: &Features, o: &Features| f.slug.is_some_and(|s| o.ids.contains(&s));
            if pinned(a, b) || pinned(b, a) {
                total += KINDS[0].1;
                evidence |= Evidence::ID;
            }
        }
        // Images and code survive translation: one side without them is
        // evidence against (softly: translations do drop an image).
        for kind in [Evidence::IMAGE, Evidence::CODE] {
            if keys(a, kind).is_empty() != keys(b, kind).is_empty() {
                total -= 0.3;
            }
        }
        (total, evidence)
    }

    /// The score of pairing source section `i` with translated section `j`.
    pub fn score(&self, i: usize, j: usize) -> (f64, Evidence) {
        self.score_with(i, j, self.content(i, j))
    }

    /// [`Self::score`], given the two sections' [`Self::content`].
    pub fn score_with(&self, i: usize, j: usize, content: (f64, Evidence)) -> (f64, Evidence) {
        let (a, b) = (&self.source[i], &self.target[j]);
        let (content, mut evidence) = content;
        let mut s = 0.2 + content;
        if self.support.contains(&(i, j)) {
            s += SUBSECTIONS;
            evidence |= Evidence::SUBSECTIONS;
        }
        s += match a.level.abs_diff(b.level) {
            0 => {
                evidence |= Evidence::LEVEL;
                0.3
            }
            1 => -0.15,
            _ => -0.5,
        };
        // Gale–Church: the translated length, per unit of source length.
        // With subsections on either side, their lengths may count too (a
        // merge): the nearer of the two ratios.
        let mut r = (self.ln_target[j] - self.ln_source[i]).abs();
        if self.side.deep[i].is_some() || self.target_deep[j].is_some() {
            r = r.min((self.ln_target_len[j] - self.ln_source_len[i]).abs());
        }
        let length = 0.25 - 0.25 * (r / 2.5f64.ln()).min(2.0);
        if length > 0.1 {
            evidence |= Evidence::LENGTH;
        }
        s += length;
        let mut shape = 0.0;
        for (x, y) in [(a.list_items, b.list_items), (a.table_rows, b.table_rows)] {
            if x + y > 0 {
                let sim = 1.0 - f64::from(x.abs_diff(y)) / f64::from(x + y);
                shape += 0.15 * (2.0 * sim - 1.0);
            }
        }
        if shape > 0.05 {
            evidence |= Evidence::SHAPE;
        }
        (s + shape, evidence)
    }
}

/// Scores for two versions of the same edition: headings and words compare
/// directly (same language), so an edited section still matches itself.
pub(super) fn same_edition(a: &Features, b: &Features) -> f64 {
    let mut s: f64 = if a.heading == b.heading { 1.5 } else { 0.0 };
    s += match a.level.abs_diff(b.level) {
        0 => 0.2,
        1 => -0.1,
        _ => -0.4,
    };
    let (x, y) = (&a.words, &b.words);
    if !x.is_empty() || !y.is_empty() {
        let (mut p, mut q, mut shared) = (0, 0, 0usize);
        while p < x.len() && q < y.len() {
            match x[p].cmp(&y[q]) {
                std::cmp::Ordering::Less => p += 1,
                std::cmp::Ordering::Greater => q += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    p += 1;
                    q += 1;
                }
            }
        }
        let union = x.len() + y.len() - shared;
        s += 2.0 * shared as f64 / union.max(1) as f64 - 0.5;
    }
    s
}

/// The longest subsequence of `pairs` (in order of their first element)
/// whose second elements increase too.
pub(super) fn longest_in_order(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // Patience sorting: `tails[l]` ends the best subsequence of length l+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (k, &(_, j)) in pairs.iter().enumerate() {
        let l = tails.partition_point(|&t| pairs[t].1 < j);
        prev[k] = l.checked_sub(1).map(|p| tails[p]);
        if l == tails.len() {
            tails.push(k);
        } else {
            tails[l] = k;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(k) = at {
        out.push(pairs[k]);
        at = prev[k];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Sections with keys drawn from a small set (so that they share some),
    /// each possibly a subsection of an earlier one.
    fn sections() -> impl Strategy<Value = Vec<Features>> {
        let keys = || proptest::collection::btree_set(0u64..12, 0..5);
        let section = (
            1u8..4,
            proptest::option::of(0usize..8),
            [
                keys(),
                keys(),
                keys(),
                keys(),
                keys(),
                keys(),
                keys(),
                keys(),
            ],
            proptest::option::of(0u64..12),
        );
        proptest::collection::vec(section, 1..10).prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (level, parent, k, slug))| {
                    let v = |s: &std::collections::BTreeSet<u64>| s.iter().copied().collect();
                    Features {
                        level,
                        parent: parent.filter(|&p| p < i),
                        ids: v(&k[0]),
                        images: v(&k[1]),
                        code: v(&k[2]),
                        inline: v(&k[3]),
                        links: v(&k[4]),
                        tokens: v(&k[5]),
                        latin: v(&k[6]),
                        numbers: v(&k[7]),
                        slug,
                        length: 10.0,
                        ..Features::default()
                    }
                })
                .collect()
        })
    }

    proptest! {
        /// Made a row at a time from the postings, a cell's content is the
        /// one the walk over both sections' keys makes, bit for bit.
        #[test]
        fn rows_give_the_content_of_each_cell(source in sections(), target in sections()) {
            let scorer = Scorer::new(&source, &target);
            let mut row = Row::new(target.len());
            for i in 1..source.len() {
                scorer.shared_row(i, &mut row);
                for j in 1..target.len() {
                    let (a, b) = (scorer.content_in_row(&row, j), scorer.content(i, j));
                    prop_assert_eq!(a.0.to_bits(), b.0.to_bits());
                    prop_assert_eq!(a.1, b.1);
                }
                // A row made for a range of columns gives theirs.
                let (first, last) = (1 + i % 3, target.len().saturating_sub(1 + i % 2));
                scorer.shared_row_within(i, first, last, &mut row);
                for j in first..=last {
                    let (a, b) = (scorer.content_in_row(&row, j), scorer.content(i, j));
                    prop_assert_eq!(a.0.to_bits(), b.0.to_bits());
                    prop_assert_eq!(a.1, b.1);
                }
            }
        }

        /// Every word of a section (what `features_with_words` adds) is read
        /// only by the alignment of two versions of one edition: a source
        /// version aligned with a translation aligns the same with them or
        /// without them (so an old version's features with words serve as
        /// its plain ones).
        #[test]
        fn words_do_not_change_an_alignment_with_a_translation(
            source in sections(),
            target in sections(),
            words in proptest::collection::vec(proptest::collection::vec(0u64..12, 0..6), 10),
        ) {
            let mut with_words = source.clone();
            for (f, w) in with_words.iter_mut().zip(&words) {
                let mut w = w.clone();
                w.sort_unstable();
                w.dedup();
                f.words = w;
            }
            let dbg = |a: &super::super::Alignment| format!("{a:?}");
            prop_assert_eq!(
                dbg(&super::super::align_at_sync(&with_words, &target)),
                dbg(&super::super::align_at_sync(&source, &target))
            );
            prop_assert_eq!(
                dbg(&super::super::align(&with_words, &target)),
                dbg(&super::super::align(&source, &target))
            );
        }
    }
}
