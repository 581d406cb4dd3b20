//! Section alignment: which translated section renders which source section,
//! and how sure that is.
//!
//! Translators translate headings, so ids differ. Without history, [`align`]
//! makes one global, level-tolerant optimisation over the two heading
//! sequences: every candidate pair is scored from evidence that survives
//! translation ([`features`]: ids, images, code, inline code, link targets,
//! numbers, Latin tokens, list and table shape, relative length), a level
//! difference is a penalty (not a wall), and dynamic programming keeps the
//! order while leaving sections unpaired where that scores better. Then
//! every decision gets a **margin**: how much worse the best alignment that
//! decides otherwise is (forward and backward scores give it for every cell).
//! Sections that moved keep distinctive keys and are paired out of order.
//!
//! With history, [`compose`] pairs a translation with the source as it was
//! when the translation was synced (structures usually match one to one)
//! and follows the source's own changes to today with [`align_versions`]
//! (same language: headings and words compare directly).
//!
//! A decision whose margin is small is **uncertain**: the rules report no
//! missing, extra or stale section from it, but say it is uncertain. Pure
//! and deterministic.

mod features;
pub mod interrupt;
mod score;

use crate::source::HashSet;

pub use self::features::{
    Features, ImageKey, Resolutions, features, features_with_words, image_key,
};

use self::score::Scorer;

/// The evidence behind a pairing, as flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Evidence(u16);

impl Evidence {
    pub const ID: Evidence = Evidence(1);
    pub const IMAGE: Evidence = Evidence(1 << 1);
    pub const CODE: Evidence = Evidence(1 << 2);
    pub const INLINE_CODE: Evidence = Evidence(1 << 3);
    pub const LINK: Evidence = Evidence(1 << 4);
    pub const TOKEN: Evidence = Evidence(1 << 5);
    pub const LATIN: Evidence = Evidence(1 << 6);
    pub const NUMBER: Evidence = Evidence(1 << 7);
    pub const LEVEL: Evidence = Evidence(1 << 8);
    pub const LENGTH: Evidence = Evidence(1 << 9);
    pub const SHAPE: Evidence = Evidence(1 << 10);
    /// The order of the sections (the only evidence of a pair between two
    /// certain ones in a run of equal structure).
    pub const ORDER: Evidence = Evidence(1 << 11);
    /// The history: the translation was synced with a source version whose
    /// section this is.
    pub const HISTORY: Evidence = Evidence(1 << 12);
    /// Paired out of order: the section moved.
    pub const MOVED: Evidence = Evidence(1 << 13);
    /// Their subsections pair by content: so do they.
    pub const SUBSECTIONS: Evidence = Evidence(1 << 14);
    /// An unpaired translated section whose source section (at the sync
    /// point) the source has removed since.
    pub const DROPPED: Evidence = Evidence(1 << 15);

    const NAMES: [(Evidence, &'static str); 16] = [
        (Evidence::HISTORY, "history"),
        (Evidence::ID, "id"),
        (Evidence::IMAGE, "image"),
        (Evidence::CODE, "code"),
        (Evidence::INLINE_CODE, "inline code"),
        (Evidence::LINK, "link"),
        (Evidence::TOKEN, "heading token"),
        (Evidence::LATIN, "Latin words"),
        (Evidence::NUMBER, "number"),
        (Evidence::SUBSECTIONS, "subsections"),
        (Evidence::SHAPE, "shape"),
        (Evidence::LENGTH, "length"),
        (Evidence::LEVEL, "level"),
        (Evidence::ORDER, "order"),
        (Evidence::MOVED, "moved"),
        (Evidence::DROPPED, "dropped from the source"),
    ];

    pub const fn empty() -> Self {
        Evidence(0)
    }

    pub const fn bits(self) -> u16 {
        self.0
    }

    pub fn contains(self, other: Evidence) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the flags, strongest first.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(e, _)| self.contains(*e))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl std::ops::BitOr for Evidence {
    type Output = Evidence;
    fn bitor(self, o: Evidence) -> Evidence {
        Evidence(self.0 | o.0)
    }
}

impl std::ops::BitOrAssign for Evidence {
    fn bitor_assign(&mut self, o: Evidence) {
        self.0 |= o.0;
    }
}

/// Below this confidence a decision is uncertain.
pub const CONFIDENT: f64 = 0.5;

/// The margin (in score units) that makes a decision fully confident.
const FULL_MARGIN: f64 = 0.5;

/// One step of an alignment: a source section, a translated section, or
/// both, with how sure the decision is (0 to 1) and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub source: Option<usize>,
    pub target: Option<usize>,
    pub score: f64,
    pub confidence: f64,
    pub evidence: Evidence,
}

impl Pair {
    /// The preambles (section 0 of each side): they always pair.
    fn preambles() -> Self {
        Pair {
            source: Some(0),
            target: Some(0),
            score: 1.0,
            confidence: 1.0,
            evidence: Evidence::ORDER,
        }
    }

    /// A section of one side left unpaired (`source` or `target` is `None`).
    fn unpaired(
        source: Option<usize>,
        target: Option<usize>,
        confidence: f64,
        evidence: Evidence,
    ) -> Self {
        Pair {
            source,
            target,
            score: 0.0,
            confidence,
            evidence,
        }
    }

    pub fn is_certain(&self) -> bool {
        self.confidence >= CONFIDENT
    }

    /// Paired on position, level, length and shape only: no shared keys.
    fn evidence_is_weak(&self) -> bool {
        const CONTENT: [Evidence; 9] = [
            Evidence::ID,
            Evidence::IMAGE,
            Evidence::CODE,
            Evidence::INLINE_CODE,
            Evidence::LINK,
            Evidence::TOKEN,
            Evidence::LATIN,
            Evidence::NUMBER,
            Evidence::SUBSECTIONS,
        ];
        !CONTENT.iter().any(|e| self.evidence.contains(*e))
    }
}

/// The alignment of two editions, in document order (moved pairs last).
#[derive(Debug, Clone, Default)]
pub struct Alignment {
    pub pairs: Vec<Pair>,
    /// Per source section: its step in `pairs`.
    source_step: Vec<Option<usize>>,
    /// Per target section: its step in `pairs`.
    target_step: Vec<Option<usize>>,
}

impl Alignment {
    fn new(pairs: Vec<Pair>, n: usize, m: usize) -> Self {
        let mut source_step = vec![None; n];
        let mut target_step = vec![None; m];
        for (k, p) in pairs.iter().enumerate() {
            if let Some(s) = p.source {
                source_step[s] = Some(k);
            }
            if let Some(t) = p.target {
                target_step[t] = Some(k);
            }
        }
        Self {
            pairs,
            source_step,
            target_step,
        }
    }

    /// The same alignment seen from the other side (targets as sources).
    pub fn inverted(&self) -> Self {
        let pairs = self
            .pairs
            .iter()
            .map(|p| Pair {
                source: p.target,
                target: p.source,
                ..*p
            })
            .collect();
        Self::new(pairs, self.target_step.len(), self.source_step.len())
    }

    /// The translated section aligned with source section `s`.
    pub fn target_of(&self, s: usize) -> Option<usize> {
        self.source_step
            .get(s)
            .copied()
            .flatten()
            .and_then(|k| self.pairs[k].target)
    }

    /// The source section aligned with translated section `t`.
    pub fn source_of(&self, t: usize) -> Option<usize> {
        self.target_step
            .get(t)
            .copied()
            .flatten()
            .and_then(|k| self.pairs[k].source)
    }

    /// The decision about source section `s` (paired or missing).
    pub fn step_of_source(&self, s: usize) -> Option<&Pair> {
        self.source_step
            .get(s)
            .copied()
            .flatten()
            .map(|k| &self.pairs[k])
    }

    /// The decision about translated section `t` (paired or extra).
    pub fn step_of_target(&self, t: usize) -> Option<&Pair> {
        self.target_step
            .get(t)
            .copied()
            .flatten()
            .map(|k| &self.pairs[k])
    }

    /// Whether the decision about source section `s` is certain.
    pub fn source_certain(&self, s: usize) -> bool {
        self.step_of_source(s).is_some_and(Pair::is_certain)
    }

    /// Whether the decision about translated section `t` is certain.
    pub fn target_certain(&self, t: usize) -> bool {
        self.step_of_target(t).is_some_and(Pair::is_certain)
    }
}

/// A source edition's features, with what aligning any of its
/// translations to them needs of the source alone (see
/// [`score::SourceKeys`]): made once, shared by the alignments of all its
/// translations.
pub struct SourceFeatures {
    pub features: Vec<Features>,
    keys: score::SourceKeys,
}

impl SourceFeatures {
    pub fn new(features: Vec<Features>) -> Self {
        let keys = score::SourceKeys::new(&features);
        Self { features, keys }
    }
}

/// Aligns `target` sections (a translation) to `source` sections. The
/// preambles (section 0) always pair.
pub fn align(source: &[Features], target: &[Features]) -> Alignment {
    align_with(source, None, target)
}

/// [`align`] to a source whose [`SourceFeatures`] are made.
pub fn align_to(source: &SourceFeatures, target: &[Features]) -> Alignment {
    align_with(&source.features, Some(&source.keys), target)
}

fn align_with(
    source: &[Features],
    keys: Option<&score::SourceKeys>,
    target: &[Features],
) -> Alignment {
    let (n, m) = (source.len(), target.len());
    if n == 0 || m == 0 || interrupt::fired() {
        return unpaired(n, m);
    }
    let mut scorer = match keys {
        Some(k) => Scorer::with_keys(source, std::borrow::Cow::Borrowed(k), target),
        None => Scorer::new(source, target),
    };
    // Large documents: sections that share an id found once in each
    // edition pair for certain; only the blocks between them are searched.
    let rows = match (n - 1).saturating_mul(m - 1) > ANCHORED_CELLS {
        true => {
            let anchors = scorer.unique_id_pairs();
            let rows = blocks(n - 1, m - 1, &anchors);
            let block_too_large = anchors
                .iter()
                .chain(std::iter::once(&(n - 1, m - 1)))
                .scan((0usize, 0usize), |prev, &(i, j)| {
                    let area = (i + 1).saturating_sub(prev.0) * (j + 1).saturating_sub(prev.1);
                    *prev = (i + 1, j + 1);
                    Some(area)
                })
                .any(|area| area > FULL_CELLS);
            if anchors.is_empty() || block_too_large {
                band(n - 1, m - 1)
            } else {
                rows
            }
        }
        false => band(n - 1, m - 1),
    };
    // The keys two sections share do not change between the passes: each
    // cell's content is computed once (and the checks after the passes
    // find it too).
    scorer.remember(&rows);
    // Made a source section (a row of the grid) at a time, from the
    // postings of the translation's keys — unless the grid computes few of
    // the cells (blocks between anchors): then cell by cell.
    let by_rows = cells(&rows).saturating_mul(4) >= (n - 1).saturating_mul(m - 1);
    let row = std::cell::RefCell::new(score::Row::new(if by_rows { m } else { 0 }));
    let columns = rows.clone();
    let cell = |scorer: &Scorer<'_>, i: usize, j: usize, k: usize| {
        let c = match scorer.remembered(k) {
            // (The second pass has always scored with the content rounded
            // as the grid's cells are.)
            Some((c, e)) => (f64::from(c as f32), e),
            None => {
                let found = if by_rows {
                    let mut row = row.borrow_mut();
                    // The grid's columns of this row (`j < hi`): sections lo+1..=hi.
                    let (lo, hi) = columns[i];
                    if !row.covers(i + 1, lo + 1, hi) {
                        scorer.shared_row_within(i + 1, lo + 1, hi, &mut row);
                    }
                    scorer.content_in_row(&row, j + 1)
                } else {
                    scorer.content(i + 1, j + 1)
                };
                scorer.keep(k, found);
                found
            }
        };
        scorer.score_with(i + 1, j + 1, c)
    };
    let mut grid = Grid::with_rows(n - 1, m - 1, rows.clone(), |i, j, k| {
        cell(&scorer, i, j, k).0
    });
    // Gale–Church needs the translation's length ratio: estimate it again
    // from the pairs the first pass found (a truncated translation is
    // shorter than its source, not written more tersely).
    // Parents of sections that pair by content pair too.
    if interrupt::fired() {
        return unpaired(n, m);
    }
    let first = grid.path();
    let mut again = false;
    if let Some(r) = refined_ratio(source, target, &scorer, &first) {
        scorer.set_ratio(r);
        again = true;
    }
    let support = supported(&scorer, source, target, &first);
    if !support.is_empty() {
        scorer.support = support;
        again = true;
    }
    if again {
        grid = Grid::with_rows(n - 1, m - 1, rows, |i, j, k| cell(&scorer, i, j, k).0);
    }
    if interrupt::fired() {
        return unpaired(n, m);
    }
    let path = grid.path();
    let alternatives = grid.alternatives();
    let mut pairs = vec![Pair::preambles()];
    for step in path {
        let (source, target) = (step.0.map(|i| i + 1), step.1.map(|j| j + 1));
        let margin = alternatives.margin(step.0, step.1);
        let (score, mut evidence) = match (source, target) {
            (Some(i), Some(j)) => scorer.score(i, j),
            _ => (0.0, Evidence::empty()),
        };
        if source.is_some() && target.is_some() {
            evidence |= Evidence::ORDER;
        }
        pairs.push(Pair {
            source,
            target,
            score,
            confidence: (margin / FULL_MARGIN).clamp(0.0, 1.0),
            evidence,
        });
    }
    doubt_uneven_gaps(&scorer, source, target, &mut pairs);
    doubt_rivals(&scorer, n, m, &mut pairs);
    doubt_swaps(&scorer, &mut pairs);
    pair_moved(&scorer, &mut pairs);
    doubt_merges(&scorer, source, target, &mut pairs);
    Alignment::new(pairs, n, m)
}

/// Two neighbouring pairs that rest on position alone, whose sections
/// would pair better the other way round (by level, length and shape):
/// their order and their text disagree.
fn doubt_swaps(scorer: &Scorer<'_>, pairs: &mut [Pair]) {
    for k in 1..pairs.len() {
        let (p, q) = (pairs[k - 1], pairs[k]);
        let (Some(i1), Some(j1), Some(i2), Some(j2)) = (p.source, p.target, q.source, q.target)
        else {
            continue;
        };
        if !p.evidence_is_weak() || !q.evidence_is_weak() {
            continue;
        }
        let straight = scorer.score(i1, j1).0 + scorer.score(i2, j2).0;
        let crossed = scorer.score(i1, j2).0 + scorer.score(i2, j1).0;
        if crossed > straight + SWAP_MARGIN {
            pairs[k - 1].confidence = pairs[k - 1].confidence.min(GUESS);
            pairs[k].confidence = pairs[k].confidence.min(GUESS);
        }
    }
}

/// How much better crossed than in order two neighbouring pairs must score
/// to be doubted.
const SWAP_MARGIN: f64 = 0.05;

/// A pair that rests on position alone while one of its sections matches
/// another section by content (an anchor's worth) is a guess, in an even
/// gap too.
fn doubt_rivals(scorer: &Scorer<'_>, n: usize, m: usize, pairs: &mut [Pair]) {
    if n.saturating_mul(m) > FULL_CELLS {
        return;
    }
    for p in pairs.iter_mut() {
        let (Some(i), Some(j)) = (p.source, p.target) else {
            continue;
        };
        if !p.evidence_is_weak() || scorer.support.contains(&(i, j)) {
            continue;
        }
        let rival = (1..m).any(|y| y != j && scorer.content(i, y).0 >= ANCHOR)
            || (1..n).any(|x| x != i && scorer.content(x, j).0 >= ANCHOR);
        if rival {
            p.confidence = p.confidence.min(GUESS);
        }
    }
}

/// A subsection left unpaired whose keys the counterpart of its parent
/// holds was merged into it (or, the other way, split out of it): its
/// content is there, so "missing" (or "extra") would be wrong — uncertain.
fn doubt_merges(scorer: &Scorer<'_>, source: &[Features], target: &[Features], pairs: &mut [Pair]) {
    let mut target_of = vec![None; source.len()];
    let mut source_of = vec![None; target.len()];
    for p in pairs.iter() {
        if let (Some(i), Some(j)) = (p.source, p.target) {
            target_of[i] = Some(j);
            source_of[j] = Some(i);
        }
    }
    // A section missing here and one extra there, in the same place and at
    // the same level, may be one section rewritten (or replaced): neither
    // is certain.
    let mut k = 0;
    while k < pairs.len() {
        let end = (k..pairs.len())
            .find(|&e| pairs[e].source.is_some() && pairs[e].target.is_some())
            .unwrap_or(pairs.len());
        let run = &mut pairs[k..end];
        let levels_s: Vec<u8> = run
            .iter()
            .filter_map(|p| p.source)
            .map(|i| source[i].level)
            .collect();
        let levels_t: Vec<u8> = run
            .iter()
            .filter_map(|p| p.target)
            .map(|j| target[j].level)
            .collect();
        for p in run.iter_mut() {
            let rival = match (p.source, p.target) {
                (Some(i), None) => levels_t.contains(&source[i].level),
                (None, Some(j)) => levels_s.contains(&target[j].level),
                _ => false,
            };
            if rival {
                p.confidence = p.confidence.min(GUESS);
            }
        }
        k = end + 1;
    }
    // A pair made by its subsections alone next to a section of its level
    // left unpaired: the subsections may have moved to another parent (the
    // source dropped a heading), so either may be the counterpart.
    // (Only when the neighbour's own text fits the other side's as well by
    // its length: otherwise it is the section the source dropped.)
    let unpaired_next = |i: usize, j: usize| {
        let lone_t = j > 1
            && source_of[j - 1].is_none()
            && target[j - 1].level == target[j].level
            && scorer.misfit(i, j - 1) <= scorer.misfit(i, j);
        let lone_s = i > 1
            && target_of[i - 1].is_none()
            && source[i - 1].level == source[i].level
            && scorer.misfit(i - 1, j) <= scorer.misfit(i, j);
        (
            lone_s.then(|| (Some(i - 1), None)),
            lone_t.then(|| (None, Some(j - 1))),
        )
    };
    let mut doubted: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for p in pairs.iter_mut() {
        let (Some(i), Some(j)) = (p.source, p.target) else {
            continue;
        };
        if scorer.support.contains(&(i, j)) && scorer.own_content(i, j) < ANCHOR {
            let (a, b) = unpaired_next(i, j);
            if a.is_some() || b.is_some() {
                p.confidence = p.confidence.min(GUESS);
                doubted.extend(a);
                doubted.extend(b);
            }
        }
    }
    for p in pairs.iter_mut() {
        if doubted.contains(&(p.source, p.target)) {
            p.confidence = p.confidence.min(GUESS);
        }
    }
    // The same among the subsections of one pair of sections.
    let unpaired_t: Vec<usize> = pairs
        .iter()
        .filter(|p| p.source.is_none())
        .filter_map(|p| p.target)
        .collect();
    let unpaired_s: Vec<usize> = pairs
        .iter()
        .filter(|p| p.target.is_none())
        .filter_map(|p| p.source)
        .collect();
    let expected = expected_sources(&source_of);
    let sibling = |i: usize, j: usize| {
        source[i].level == target[j].level
            && near(&expected, i, j)
            && matches!((source[i].parent, target[j].parent), (Some(a), Some(b)) if a != 0 && target_of[a] == Some(b))
    };
    for p in pairs.iter_mut() {
        let rival = match (p.source, p.target) {
            (Some(i), None) => unpaired_t.iter().any(|&j| sibling(i, j)),
            (None, Some(j)) => unpaired_s.iter().any(|&i| sibling(i, j)),
            _ => false,
        };
        if rival {
            p.confidence = p.confidence.min(GUESS);
        }
    }
    for p in pairs.iter_mut() {
        let merged = match (p.source, p.target) {
            (Some(i), None) => source[i]
                .parent
                .and_then(|up| target_of[up])
                .is_some_and(|t| scorer.own_content(i, t) >= MOVED_DOUBT),
            (None, Some(j)) => target[j]
                .parent
                .and_then(|up| source_of[up])
                .is_some_and(|s| scorer.own_content(s, j) >= MOVED_DOUBT),
            _ => false,
        };
        if merged {
            p.confidence = p.confidence.min(GUESS);
        }
    }
}

/// The pairs of sections whose subsections pair by content (anchors) in
/// `path`: every ancestor of the one with every ancestor of the other at
/// the same distance or less — structure, not a guess.
fn supported(
    scorer: &Scorer<'_>,
    source: &[Features],
    target: &[Features],
    path: &[(Option<usize>, Option<usize>)],
) -> HashSet<(usize, usize)> {
    let ancestors = |f: &[Features], mut i: usize| {
        let mut out = Vec::new();
        while let Some(p) = f[i].parent.filter(|&p| p != 0 && out.len() < 8) {
            out.push(p);
            i = p;
        }
        out
    };
    let mut out = HashSet::default();
    for &(i, j) in path {
        let (Some(i), Some(j)) = (i, j) else { continue };
        let (i, j) = (i + 1, j + 1);
        if scorer.content(i, j).0 < ANCHOR {
            continue;
        }
        for x in ancestors(source, i) {
            for y in ancestors(target, j) {
                out.insert((x, y));
            }
        }
    }
    out
}

/// Content evidence that fixes a pair on its own (an anchor).
const ANCHOR: f64 = 1.0;
/// Content evidence below which a pair rests on position alone.
const WEAK: f64 = 0.5;
/// The confidence a positional guess keeps (uncertain).
const GUESS: f64 = 0.3;

/// Between two anchors, as many source as translated sections pair one to
/// one by position — that is what a translation is. Where the counts
/// differ, something was added or dropped, and which section it was is a
/// guess unless content or the heading levels say so: a pair that rests on
/// position alone becomes uncertain when another alignment of the gap
/// matches the levels as well without it (and so do the sections left
/// unpaired beside it), however good the margin of the optimisation looks.
fn doubt_uneven_gaps(
    scorer: &Scorer<'_>,
    source: &[Features],
    target: &[Features],
    pairs: &mut [Pair],
) {
    let content = |p: &Pair| match (p.source, p.target) {
        (Some(i), Some(j)) if scorer.support.contains(&(i, j)) => Some(ANCHOR),
        (Some(i), Some(j)) => Some(scorer.content(i, j).0),
        _ => None,
    };
    let mut start = 0;
    for k in 0..=pairs.len() {
        let anchor = k == pairs.len() || k == 0 || content(&pairs[k]).is_some_and(|c| c >= ANCHOR);
        if !anchor {
            continue;
        }
        let last = k == pairs.len();
        let run = &mut pairs[start..k];
        start = k + 1;
        let gap_s: Vec<usize> = run.iter().filter_map(|p| p.source).collect();
        let gap_t: Vec<usize> = run.iter().filter_map(|p| p.target).collect();
        if gap_s.len() == gap_t.len()
            && run.iter().all(|p| p.source.is_some() && p.target.is_some())
        {
            continue;
        }
        // The end of a translation that stops early (or of a source that
        // dropped its last sections): the shorter side's last sections
        // pair, level for level, with the first of the other side's rest.
        let shorter = gap_s.len().min(gap_t.len());
        if last
            && gap_t.len() != gap_s.len()
            && run.iter().take(shorter).all(|p| {
                matches!((p.source, p.target), (Some(i), Some(j)) if source[i].level == target[j].level)
            })
        {
            continue;
        }
        let levels_s: Vec<u8> = gap_s.iter().map(|&i| source[i].level).collect();
        let levels_t: Vec<u8> = gap_t.iter().map(|&j| target[j].level).collect();
        let best = level_matching(&levels_s, &levels_t, None);
        let mut doubted = false;
        for p in run.iter_mut() {
            let (Some(i), Some(j)) = (p.source, p.target) else {
                continue;
            };
            if !content(p).is_some_and(|c| c < WEAK) {
                continue;
            }
            let forced = match (
                best,
                gap_s.iter().position(|&x| x == i),
                gap_t.iter().position(|&y| y == j),
            ) {
                (Some(best), Some(a), Some(b)) => {
                    level_matching(&levels_s, &levels_t, Some((a, b)))
                        .is_some_and(|without| without < best)
                }
                _ => false,
            };
            if !forced {
                p.confidence = p.confidence.min(GUESS);
                doubted = true;
            }
        }
        if doubted {
            for p in run
                .iter_mut()
                .filter(|p| p.source.is_none() || p.target.is_none())
            {
                p.confidence = p.confidence.min(GUESS);
            }
        }
    }
}

/// Gaps larger than this (sections on one side times the other) are not
/// searched for alternatives: every positional pair in them is a guess.
const GAP_CELLS: usize = 2_500;

/// The best order-keeping alignment of two level sequences (+1 for a pair
/// of equal levels, −1 for a pair of different levels, 0 for a section left
/// unpaired), without pairing `forbid`; `None` for gaps too large to search.
fn level_matching(a: &[u8], b: &[u8], forbid: Option<(usize, usize)>) -> Option<i32> {
    if a.len().saturating_mul(b.len()) > GAP_CELLS {
        return None;
    }
    let w = b.len() + 1;
    let mut best = vec![0i32; (a.len() + 1) * w];
    for x in 1..=a.len() {
        for y in 1..=b.len() {
            let mut v = best[(x - 1) * w + y].max(best[x * w + y - 1]);
            if forbid != Some((x - 1, y - 1)) {
                let pair = if a[x - 1] == b[y - 1] { 1 } else { -1 };
                v = v.max(best[(x - 1) * w + y - 1] + pair);
            }
            best[x * w + y] = v;
        }
    }
    Some(best[a.len() * w + b.len()])
}

/// The length ratio of the pairs a first pass made with content evidence
/// (or all of them, if few have some), when it differs from the first guess.
fn refined_ratio(
    source: &[Features],
    target: &[Features],
    scorer: &Scorer<'_>,
    path: &[(Option<usize>, Option<usize>)],
) -> Option<f64> {
    let mut ratios: Vec<f64> = Vec::new();
    let mut any: Vec<f64> = Vec::new();
    for &(i, j) in path {
        let (Some(i), Some(j)) = (i, j) else { continue };
        let (a, b) = (&source[i + 1], &target[j + 1]);
        if a.length < 20.0 || b.length < 20.0 {
            continue;
        }
        let r = b.length / a.length;
        any.push(r);
        if scorer.content(i + 1, j + 1).0 >= 1.0 {
            ratios.push(r);
        }
    }
    let pick = if ratios.len() >= 3 { ratios } else { any };
    if pick.len() < 3 {
        return None;
    }
    let mut pick = pick;
    pick.sort_by(f64::total_cmp);
    let median = pick[pick.len() / 2];
    ((median / scorer.ratio() - 1.0).abs() > 0.1).then_some(median)
}

/// Whether source section `i` is within two sections of where translated
/// section `j` falls (after the nearest paired section before it): a
/// section unpaired there may be `j` moved a little, or rewritten.
/// `expected` is [`expected_sources`] of the alignment.
fn near(expected: &[usize], i: usize, j: usize) -> bool {
    i.abs_diff(expected[j]) <= 2
}

/// Per translated section: the source section it would pair with if it
/// followed the nearest paired section before it in order (`source_of`:
/// per translated section, its source section).
fn expected_sources(source_of: &[Option<usize>]) -> Vec<usize> {
    let mut last: Option<(usize, usize)> = None;
    source_of
        .iter()
        .enumerate()
        .map(|(j, s)| {
            let here = last.map_or(j, |(x, i)| i + (j - x));
            if let Some(i) = s {
                last = Some((j, *i));
            }
            here
        })
        .collect()
}

/// Content that pairs two sections out of order on its own.
const MOVED_ALONE: f64 = 2.0;
/// Content that pairs them out of order when nothing else comes close.
const MOVED_BEST: f64 = 1.2;
/// Content between an unpaired source section and an unpaired translated
/// one that makes "missing here, extra there" doubtful.
const MOVED_DOUBT: f64 = 1.0;

/// Sections left unpaired on both sides that share strong keys (an id, an
/// image, a code block; or many links and words, with nothing else coming
/// close) moved: pair them, out of order. Unpaired sections that share some
/// keys with an unpaired section on the other side may have moved: their
/// "missing" and "extra" become uncertain.
fn pair_moved(scorer: &Scorer<'_>, pairs: &mut Vec<Pair>) {
    // Unpaired sections, and those paired by a guess.
    let loose = |p: &Pair| p.confidence < CONFIDENT && p.evidence_is_weak();
    let missing: Vec<usize> = pairs
        .iter()
        .filter(|p| p.target.is_none() || loose(p))
        .filter_map(|p| p.source)
        .collect();
    let extra: Vec<usize> = pairs
        .iter()
        .filter(|p| p.source.is_none() || loose(p))
        .filter_map(|p| p.target)
        .collect();
    if missing.is_empty() || extra.is_empty() || missing.len() * extra.len() > FULL_CELLS {
        return;
    }
    let content: Vec<Vec<(f64, Evidence)>> = missing
        .iter()
        .map(|&i| extra.iter().map(|&j| scorer.content(i, j)).collect())
        .collect();
    // The best content of each row and column but one cell.
    let runner_up = |a: usize, b: usize| {
        let row = (0..extra.len())
            .filter(|&y| y != b)
            .map(|y| content[a][y].0);
        let col = (0..missing.len())
            .filter(|&x| x != a)
            .map(|x| content[x][b].0);
        row.chain(col).fold(0.0f64, f64::max)
    };
    let mut found: Vec<(f64, f64, usize, usize)> = Vec::new();
    for (a, row) in content.iter().enumerate() {
        for (b, &(c, _)) in row.iter().enumerate() {
            if c < MOVED_BEST {
                continue;
            }
            let second = runner_up(a, b);
            if c >= MOVED_ALONE || c >= 2.0 * second + 0.3 {
                found.push((c, second, a, b));
            }
        }
    }
    found.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut taken_a = vec![false; missing.len()];
    let mut taken_b = vec![false; extra.len()];
    for (c, second, a, b) in found {
        if taken_a[a] || taken_b[b] {
            continue;
        }
        taken_a[a] = true;
        taken_b[b] = true;
        let (i, j) = (missing[a], extra[b]);
        // The guesses they were in leave their other sections unpaired.
        let mut left = Vec::new();
        pairs.retain(|p| {
            let hit = p.source == Some(i) || p.target == Some(j);
            if hit {
                match (p.source, p.target) {
                    (Some(x), Some(_)) if x != i => left.push((Some(x), None)),
                    (Some(_), Some(y)) if y != j => left.push((None, Some(y))),
                    _ => {}
                }
            }
            !hit
        });
        for (source, target) in left {
            pairs.push(Pair::unpaired(source, target, GUESS, Evidence::empty()));
        }
        pairs.push(Pair {
            source: Some(i),
            target: Some(j),
            score: scorer.score(i, j).0,
            confidence: ((c - second) / 1.5).clamp(0.0, 1.0),
            evidence: content[a][b].1 | Evidence::MOVED,
        });
    }
    // What is left unpaired but resembles something unpaired on the other side.
    let mut source_of = vec![None; scorer.target_len()];
    for p in pairs.iter() {
        if let (Some(i), Some(j)) = (p.source, p.target) {
            source_of[j] = Some(i);
        }
    }
    let expected = expected_sources(&source_of);
    let (mut doubt_s, mut doubt_t) = (HashSet::default(), HashSet::default());
    for a in (0..missing.len()).filter(|&a| !taken_a[a]) {
        for b in (0..extra.len()).filter(|&b| !taken_b[b]) {
            let (i, j) = (missing[a], extra[b]);
            // Nothing but their text's length could tell two sections of
            // the same level apart once they are out of order.
            let alike = || {
                near(&expected, i, j) && {
                    let (score, evidence) = scorer.score(i, j);
                    evidence.contains(Evidence::LEVEL) && score >= 0.5
                }
            };
            if content[a][b].0 >= MOVED_DOUBT || alike() {
                doubt_s.insert(i);
                doubt_t.insert(j);
            }
        }
    }
    for p in pairs.iter_mut() {
        let doubted = match (p.source, p.target) {
            (Some(i), None) => doubt_s.contains(&i),
            (None, Some(j)) => doubt_t.contains(&j),
            _ => false,
        };
        if doubted {
            p.confidence = p.confidence.min(GUESS);
        }
    }
}

/// Two editions with a preamble and at most one section each (`n`, `m`:
/// 1 or 2): the sections pair (there is nothing else either could be).
pub fn single(n: usize, m: usize) -> Alignment {
    let mut pairs = vec![Pair::preambles()];
    if n == 2 && m == 2 {
        pairs.push(Pair {
            source: Some(1),
            target: Some(1),
            score: 1.0,
            confidence: 1.0,
            evidence: Evidence::ORDER,
        });
    } else {
        pairs.extend(certainly_unpaired(1..n, 1..m));
    }
    Alignment::new(pairs, n, m)
}

/// Source sections `sources` and translated sections `targets`, each left
/// unpaired, certainly.
fn certainly_unpaired(
    sources: std::ops::Range<usize>,
    targets: std::ops::Range<usize>,
) -> impl Iterator<Item = Pair> {
    let empty = Evidence::empty();
    (sources.map(move |s| Pair::unpaired(Some(s), None, 1.0, empty)))
        .chain(targets.map(move |t| Pair::unpaired(None, Some(t), 1.0, empty)))
}

fn unpaired(n: usize, m: usize) -> Alignment {
    Alignment::new(certainly_unpaired(0..n, 0..m).collect(), n, m)
}

/// Aligns two versions of the same edition (the source then and now): the
/// same language, so headings and words compare directly.
pub fn align_versions(then: &[Features], now: &[Features]) -> Alignment {
    let (n, m) = (then.len(), now.len());
    if n == 0 || m == 0 || interrupt::fired() {
        return unpaired(n, m);
    }
    let grid = Grid::new(n - 1, m - 1, |i, j| {
        score::same_edition(&then[i + 1], &now[j + 1])
    });
    let mut pairs = vec![Pair::preambles()];
    let alternatives = grid.alternatives();
    for step in grid.path() {
        let margin = alternatives.margin(step.0, step.1);
        let (source, target) = (step.0.map(|i| i + 1), step.1.map(|j| j + 1));
        let score = match (source, target) {
            (Some(i), Some(j)) => score::same_edition(&then[i], &now[j]),
            _ => 0.0,
        };
        pairs.push(Pair {
            source,
            target,
            score,
            confidence: (margin / FULL_MARGIN).clamp(0.0, 1.0),
            evidence: Evidence::HISTORY,
        });
    }
    Alignment::new(pairs, n, m)
}

/// Aligns a translation with the source as it was at the translation's
/// sync point. A translation is made from, and updated against, that
/// version, so its structure usually follows it section by section: when
/// the heading levels of the translation are those of the source then (or
/// of its first sections: a translation that stops early), and no pair
/// found by content says otherwise, the sections pair in order, certainly.
/// Otherwise it is [`align`].
pub fn align_at_sync(then: &[Features], target: &[Features]) -> Alignment {
    let found = align(then, target);
    let (n, m) = (then.len(), target.len());
    if interrupt::fired() {
        return found;
    }
    // A heading or two whose level the translator changed does not break
    // the structure.
    let changed = (1..m.min(n))
        .filter(|&k| then[k].level != target[k].level)
        .count();
    if m == 0 || m > n || changed > 1.max(m / 10) {
        return found;
    }
    // Nor may content pair a section with another than its counterpart in
    // order (sections reordered).
    let scorer = Scorer::new(then, target);
    let crossed = (1..m).any(|k| {
        let own = scorer.content(k, k).0;
        own < ANCHOR
            && (1..n)
                .filter(|&x| x != k && x.abs_diff(k) <= 3)
                .any(|x| scorer.content(x, k).0 >= ANCHOR.max(own + 0.5))
    });
    // Or their lengths say two neighbours were swapped (Gale–Church).
    let total = |f: &[Features]| f.iter().map(|x| x.length).sum::<f64>().max(1.0);
    let ratio = total(target) / total(then);
    let misfit = |i: usize, j: usize| {
        ((target[j].length + 5.0) / (ratio * then[i].length + 5.0))
            .ln()
            .abs()
    };
    let swapped = (1..m.saturating_sub(1)).any(|k| {
        target[k].level == target[k + 1].level
            && misfit(k, k + 1) + misfit(k + 1, k) + 1.0 < misfit(k, k) + misfit(k + 1, k + 1)
    });
    // A translation shorter than the source then may have stopped early —
    // or skipped sections: the first reading only when each of its sections
    // pairs at least as well with its counterpart in order as with any later
    // source section.
    let abridged = m < n
        && (1..m).any(|k| {
            let here = scorer.score(k, k).0;
            (k + 1..n).any(|x| scorer.score(x, k).0 > here + 0.1)
        });
    if crossed || swapped || abridged {
        return found;
    }
    // A pair resting on content that crosses the order-keeping one wins.
    let contradicted = found.pairs.iter().any(|p| match (p.source, p.target) {
        (Some(i), Some(j)) => i != j && p.is_certain() && !p.evidence_is_weak(),
        (None, Some(_)) => p.is_certain(),
        _ => false,
    });
    if contradicted {
        return found;
    }
    let mut pairs: Vec<Pair> = (0..m)
        .map(|k| {
            let (score, evidence) = match found.step_of_target(k) {
                Some(p) if p.source == Some(k) => (p.score, p.evidence),
                _ => scorer.score(k, k),
            };
            Pair {
                source: Some(k),
                target: Some(k),
                score,
                confidence: 1.0,
                evidence: evidence | Evidence::ORDER,
            }
        })
        .collect();

    pairs.extend((m..n).map(|i| Pair::unpaired(Some(i), None, 1.0, Evidence::ORDER)));
    Alignment::new(pairs, n, m)
}

/// The translation aligned with the source now, through history: `tr_then`
/// pairs the translation (target) with the source as it was when the
/// translation was synced (source); `then_now` pairs that version (source)
/// with the source now (target). Where both steps are certain the composed
/// pair is certain and carries [`Evidence::HISTORY`]; every other decision
/// is taken from `direct` (the alignment without history).
pub fn compose(tr_then: &Alignment, then_now: &Alignment, direct: &Alignment) -> Alignment {
    let n = direct.source_step.len();
    let m = direct.target_step.len();
    let mut target_of: Vec<Option<(usize, f64, Evidence)>> = vec![None; m];
    let mut source_taken = vec![false; n];
    for p in &tr_then.pairs {
        let (Some(old), Some(t)) = (p.source, p.target) else {
            continue;
        };
        let Some(q) = then_now.step_of_source(old) else {
            continue;
        };
        let Some(now) = q.target else { continue };
        if t < m && now < n && !source_taken[now] && p.is_certain() && q.is_certain() {
            source_taken[now] = true;
            let confidence = p.confidence.min(q.confidence);
            target_of[t] = Some((now, confidence, p.evidence | Evidence::HISTORY));
        }
    }
    // Certain through history, or taken from the direct alignment when it
    // does not conflict.
    let mut pairs: Vec<Pair> = Vec::with_capacity(n.max(m));
    let mut paired_s = vec![false; n];
    let mut paired_t = vec![false; m];
    for (t, entry) in target_of.iter().enumerate() {
        if let Some((s, confidence, evidence)) = *entry {
            paired_s[s] = true;
            paired_t[t] = true;
            let score = direct
                .step_of_target(t)
                .filter(|p| p.source == Some(s))
                .map_or(1.0, |p| p.score);
            pairs.push(Pair {
                source: Some(s),
                target: Some(t),
                score,
                confidence,
                evidence,
            });
        }
    }
    for p in &direct.pairs {
        match (p.source, p.target) {
            (Some(s), Some(t)) if !paired_s[s] && !paired_t[t] => {
                paired_s[s] = true;
                paired_t[t] = true;
                pairs.push(*p);
            }
            _ => {}
        }
    }
    // What stays unpaired: certain when history says so (the section is
    // new since the sync, or the translated one has no source then).
    for (s, &paired) in paired_s.iter().enumerate() {
        if !paired {
            // New since the sync, or its version then was not translated.
            let history_says = then_now.step_of_target(s).is_some_and(|q| {
                q.is_certain()
                    && q.source.is_none_or(|old| {
                        tr_then
                            .step_of_source(old)
                            .is_some_and(|p| p.target.is_none() && p.is_certain())
                    })
            });
            let direct_says = direct
                .step_of_source(s)
                .is_some_and(|p| p.target.is_none() && p.is_certain());
            let certain = if history_says || direct_says {
                1.0
            } else {
                0.0
            };
            let evidence = if history_says {
                Evidence::HISTORY
            } else {
                Evidence::empty()
            };
            pairs.push(Pair::unpaired(Some(s), None, certain, evidence));
        }
    }
    for (t, &paired) in paired_t.iter().enumerate() {
        if !paired {
            // Not translated from the source then, or translated from a
            // section the source has dropped since.
            let dropped_since = |old: usize| {
                then_now
                    .step_of_source(old)
                    .is_some_and(|p| p.target.is_none() && p.is_certain())
            };
            let then = tr_then.step_of_target(t).filter(|q| q.is_certain());
            let history_says = then.is_some_and(|q| q.source.is_none_or(dropped_since));
            let dropped = then.and_then(|q| q.source).is_some_and(dropped_since);
            let direct_says = direct
                .step_of_target(t)
                .is_some_and(|p| p.source.is_none() && p.is_certain());
            let certain = if history_says || direct_says {
                1.0
            } else {
                0.0
            };
            let evidence = match (history_says, dropped) {
                (true, true) => Evidence::HISTORY | Evidence::DROPPED,
                (true, false) => Evidence::HISTORY,
                _ => Evidence::empty(),
            };
            pairs.push(Pair::unpaired(None, Some(t), certain, evidence));
        }
    }
    // Document order: by the source, then unpaired translated sections
    // where they fall.
    pairs.sort_by_key(|p| {
        (
            p.source.unwrap_or(usize::MAX),
            p.target.unwrap_or(usize::MAX),
        )
    });
    Alignment::new(pairs, n, m)
}

/// Dynamic programming over the pair scores of two sequences (`n` × `m`),
/// forward and backward, so that both the best alignment and the best
/// alignment through any cell are known. Skipping a section scores 0.
/// Large grids are computed within a band around the diagonal.
struct Grid {
    n: usize,
    m: usize,
    /// Per prefix row `i` (0..=n): the columns computed, `lo..=hi`.
    rows: Vec<(usize, usize)>,
    /// Where each row starts in the flat arrays.
    offset: Vec<usize>,
    /// `fwd[(i, j)]`: the best score aligning the first `i` and `j`.
    fwd: Vec<f32>,
    /// `bwd[(i, j)]`: the best score aligning all from `i` and from `j`.
    bwd: Vec<f32>,
    /// `score[(i, j)]` of pairing section `i` with `j` (same layout).
    score: Vec<f32>,
}

/// A pair's score as the grid counts it: a pair that loses (a score not
/// above 0) is never made, -inf.
fn winning(score: f32) -> f32 {
    if score > 0.0 {
        score
    } else {
        f32::NEG_INFINITY
    }
}

/// Grids larger than this are computed within a band around the diagonal.
const FULL_CELLS: usize = 1_000_000;

/// Grids larger than this are computed between sections anchored by an
/// id found once in each edition (when that leaves no block larger than
/// [`FULL_CELLS`]).
const ANCHORED_CELLS: usize = 250_000;

/// The columns each row of a grid computes: all of them, or a band around
/// the diagonal for large grids.
fn band(n: usize, m: usize) -> Vec<(usize, usize)> {
    let width = (n.saturating_mul(m) > FULL_CELLS).then(|| n.abs_diff(m) + 150);
    (0..=n)
        .map(|i| match width {
            None => (0, m),
            Some(w) => {
                let center = (i * m).checked_div(n).unwrap_or(0);
                (center.saturating_sub(w), (center + w).min(m))
            }
        })
        .collect()
}

/// The columns each row computes when `anchors` (pairs of sections, in
/// order on both sides) are known to pair: only the blocks between them.
fn blocks(n: usize, m: usize, anchors: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut rows = Vec::with_capacity(n + 1);
    let mut b = 0;
    for &(i, j) in anchors.iter().chain(std::iter::once(&(n, m))) {
        // From the row after the previous anchor to this one's, the
        // columns from after the previous anchor's to this one's (the path
        // steps diagonally out of (i, j)).
        // (Column j + 1 too: a row scores the pairs of the columns before
        // its last.)
        while rows.len() <= i.min(n) {
            rows.push((b, (j + 1).min(m)));
        }
        b = j + 1;
    }
    rows
}

/// How many cells a grid with these rows computes.
fn cells(rows: &[(usize, usize)]) -> usize {
    rows.iter().map(|&(lo, hi)| hi + 1 - lo.min(hi + 1)).sum()
}

/// Where each row of a grid whose row `i` holds the columns `rows[i]`
/// starts in its flat arrays, and how many cells it has.
fn offsets(rows: &[(usize, usize)]) -> (Vec<usize>, usize) {
    let mut offset = Vec::with_capacity(rows.len());
    let mut total = 0;
    for &(lo, hi) in rows {
        offset.push(total);
        total += hi + 1 - lo.min(hi + 1);
    }
    (offset, total)
}

/// The index of cell `(i, j)` in the flat arrays of such a grid, if it has it.
fn cell_index(rows: &[(usize, usize)], offset: &[usize], i: usize, j: usize) -> Option<usize> {
    let &(lo, hi) = rows.get(i)?;
    (lo..=hi).contains(&j).then(|| offset[i] + j - lo)
}

impl Grid {
    fn new(n: usize, m: usize, score: impl Fn(usize, usize) -> f64) -> Self {
        Self::with_rows(n, m, band(n, m), |i, j, _| score(i, j))
    }

    /// A grid computing the columns `rows` gives each row; `score(i, j, k)`
    /// is told the cell's index `k` in the flat arrays (`0..cells(rows)`).
    fn with_rows(
        n: usize,
        m: usize,
        rows: Vec<(usize, usize)>,
        score: impl Fn(usize, usize, usize) -> f64,
    ) -> Self {
        let (offset, total) = offsets(&rows);
        let mut g = Grid {
            n,
            m,
            rows,
            offset,
            fwd: vec![f32::NEG_INFINITY; total],
            bwd: vec![f32::NEG_INFINITY; total],
            score: vec![f32::NEG_INFINITY; total],
        };
        for i in 0..n {
            // Nobody wants this alignment any more: the grid is finished
            // without scores (a path is still found; its pairs mean nothing).
            let wanted = !interrupt::fired();
            let (lo, hi) = g.rows[i];
            for j in lo..hi.min(m) {
                let k = g.at(i, j).expect("in band");
                g.score[k] = if wanted { score(i, j, k) as f32 } else { 0.0 };
            }
        }
        // Forward, then backward, a row at a time: the neighbours a cell
        // reads are in its own row and the one before (after) it, each a
        // slice of the flat arrays; outside a row's columns a neighbour is
        // -inf (the same maxima, in the same order, as looking each one up).
        for i in 0..=n {
            let (lo, hi) = g.rows[i];
            let here = g.offset[i];
            let (before, rest) = g.fwd.split_at_mut(here);
            let row = &mut rest[..hi + 1 - lo.min(hi + 1)];
            // The row before: its columns, totals and scores (none for row 0).
            let (plo, prev, scores): (usize, &[f32], &[f32]) = match i.checked_sub(1) {
                Some(p) => {
                    let (plo, phi) = g.rows[p];
                    let len = phi + 1 - plo.min(phi + 1);
                    let at = g.offset[p];
                    (plo, &before[at..at + len], &g.score[at..at + len])
                }
                None => (0, &[], &[]),
            };
            for x in 0..row.len() {
                let j = lo + x;
                if (i, j) == (0, 0) {
                    row[x] = 0.0;
                    continue;
                }
                let mut best = f32::NEG_INFINITY;
                if let Some(&up) = j.checked_sub(plo).and_then(|k| prev.get(k)) {
                    best = best.max(up);
                }
                if x > 0 {
                    best = best.max(row[x - 1]);
                }
                // (Row i - 1 < n and column j - 1 < m: a pair.)
                if let Some(k) = j.checked_sub(plo + 1)
                    && let (Some(&diag), Some(&s)) = (prev.get(k), scores.get(k))
                {
                    best = best.max(diag + winning(s));
                }
                row[x] = best;
            }
        }
        for i in (0..=n).rev() {
            let (lo, hi) = g.rows[i];
            let here = g.offset[i];
            let len = hi + 1 - lo.min(hi + 1);
            let (start, after) = g.bwd.split_at_mut(here + len);
            let row = &mut start[here..];
            let scores = &g.score[here..here + len];
            // The row after: its columns and totals (none after row n).
            let (nlo, next): (usize, &[f32]) = match (i < n).then(|| i + 1) {
                Some(x) => {
                    let (nlo, nhi) = g.rows[x];
                    let at = g.offset[x] - (here + len);
                    (nlo, &after[at..at + (nhi + 1 - nlo.min(nhi + 1))])
                }
                None => (0, &[]),
            };
            for x in (0..len).rev() {
                let j = lo + x;
                if (i, j) == (n, m) {
                    row[x] = 0.0;
                    continue;
                }
                let mut best = f32::NEG_INFINITY;
                if let Some(&down) = j.checked_sub(nlo).and_then(|k| next.get(k)) {
                    best = best.max(down);
                }
                if j < m && j < hi {
                    best = best.max(row[x + 1]);
                }
                if i < n
                    && j < m
                    && let Some(&diag) = (j + 1).checked_sub(nlo).and_then(|k| next.get(k))
                {
                    best = best.max(diag + winning(scores[x]));
                }
                row[x] = best;
            }
        }
        g
    }

    fn at(&self, i: usize, j: usize) -> Option<usize> {
        cell_index(&self.rows, &self.offset, i, j)
    }

    fn fwd_at(&self, i: usize, j: usize) -> f32 {
        self.at(i, j).map_or(f32::NEG_INFINITY, |k| self.fwd[k])
    }

    fn bwd_at(&self, i: usize, j: usize) -> f32 {
        self.at(i, j).map_or(f32::NEG_INFINITY, |k| self.bwd[k])
    }

    /// [`Self::pair`] of the cell `(i, j)`, which is in the grid at `k`.
    fn pair_at(&self, i: usize, j: usize, k: usize) -> f32 {
        match i < self.n && j < self.m {
            true => winning(self.score[k]),
            false => f32::NEG_INFINITY,
        }
    }

    /// The score of pairing `i` with `j`; pairs that lose are never made.
    fn pair(&self, i: usize, j: usize) -> f32 {
        self.at(i, j)
            .map_or(f32::NEG_INFINITY, |k| self.pair_at(i, j, k))
    }

    fn total(&self) -> f64 {
        f64::from(self.fwd_at(self.n, self.m))
    }

    /// Row `i`'s backward totals by column (what [`Self::bwd_at`] gives
    /// for row `i`, the row looked up once).
    fn bwd_row(&self, i: usize) -> impl Fn(usize) -> f32 + '_ {
        let row = self.rows.get(i).map(|&(l, h)| (l, h, self.offset[i]));
        move |j| match row {
            Some((l, h, off)) if (l..=h).contains(&j) => self.bwd[off + j - l],
            _ => f32::NEG_INFINITY,
        }
    }

    /// The best alignment, as steps (both, source only, target only).
    fn path(&self) -> Vec<(Option<usize>, Option<usize>)> {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::with_capacity(self.n.max(self.m));
        let eq = |a: f32, b: f32| (a - b).abs() <= 1e-4 * (1.0 + a.abs());
        while i < self.n || j < self.m {
            let here = self.bwd_at(i, j);
            if i < self.n && j < self.m && eq(here, self.pair(i, j) + self.bwd_at(i + 1, j + 1)) {
                out.push((Some(i), Some(j)));
                i += 1;
                j += 1;
            } else if i < self.n && eq(here, self.bwd_at(i + 1, j)) {
                out.push((Some(i), None));
                i += 1;
            } else if j < self.m && (i == self.n || eq(here, self.bwd_at(i, j + 1))) {
                out.push((None, Some(j)));
                j += 1;
            } else if i < self.n {
                out.push((Some(i), None));
                i += 1;
            } else {
                out.push((None, Some(j)));
                j += 1;
            }
        }
        out
    }

    /// What [`Alternatives::margin`] compares each step with, for every row
    /// and column at once: one pass over the cells, row by row (a margin
    /// found by scanning its row and column for each step of the path cost
    /// a tenth of the alignment; the tests keep those scans as the
    /// reference).
    fn alternatives(&self) -> Alternatives {
        let (n, m) = (self.n, self.m);
        let mut alt = Alternatives {
            total: self.total(),
            row: vec![Best::default(); n],
            column: vec![Best::default(); m],
            skipping_source: vec![f64::NEG_INFINITY; n],
            skipping_target: vec![f64::NEG_INFINITY; m],
        };
        for i in 0..=n {
            let (lo, hi) = self.rows[i];
            let here = self.offset[i];
            let fwd = &self.fwd[here..=here + hi - lo];
            let bwd = &self.bwd[here..=here + hi - lo];
            // Leaving target j unpaired: the forward total at (i, j) and the
            // backward one at (i, j + 1), in this row.
            for (k, &f) in fwd.iter().enumerate().take(m.saturating_sub(lo)) {
                let b = bwd.get(k + 1).copied().unwrap_or(f32::NEG_INFINITY);
                let t = &mut alt.skipping_target[lo + k];
                *t = t.max(f64::from(f + b));
            }
            if i == n {
                break;
            }
            let next = self.bwd_row(i + 1);
            // Leaving source i unpaired: forward at (i, j), backward at (i + 1, j).
            let mut skip = f64::NEG_INFINITY;
            for (k, &f) in fwd.iter().enumerate() {
                skip = skip.max(f64::from(f + next(lo + k)));
            }
            alt.skipping_source[i] = skip;
            // Pairing i with j: forward at (i, j), the pair, backward at
            // (i + 1, j + 1) — the same sum, in the same order, as the scans.
            for j in lo..hi.min(m) {
                let cell = here + j - lo;
                let pair = self.pair_at(i, j, cell);
                let through = f64::from(self.fwd[cell] + pair + next(j + 1));
                alt.row[i].offer(through, j);
                alt.column[j].offer(through, i);
            }
        }
        alt
    }
}

/// The best total through a row's (or column's) pairs, which pair it is,
/// and the best through any other.
#[derive(Clone, Copy)]
struct Best {
    best: f64,
    at: usize,
    second: f64,
}

impl Default for Best {
    fn default() -> Self {
        Best {
            best: f64::NEG_INFINITY,
            at: usize::MAX,
            second: f64::NEG_INFINITY,
        }
    }
}

impl Best {
    fn offer(&mut self, total: f64, at: usize) {
        if total > self.best {
            self.second = self.best;
            (self.best, self.at) = (total, at);
        } else if total > self.second {
            self.second = total;
        }
    }

    /// The best total through a pair other than the one at `except`.
    fn except(&self, except: Option<usize>) -> f64 {
        match except == Some(self.at) {
            true => self.second,
            false => self.best,
        }
    }
}

/// Per row and column of a grid: the best totals of the alignments that
/// pair its section, or leave it unpaired (see [`Grid::alternatives`]).
struct Alternatives {
    total: f64,
    row: Vec<Best>,
    column: Vec<Best>,
    skipping_source: Vec<f64>,
    skipping_target: Vec<f64>,
}

impl Alternatives {
    /// How much worse the best alignment that decides otherwise is: for a
    /// pair, than pairing either side elsewhere or not at all; for a section
    /// left unpaired, than pairing it with anything.
    fn margin(&self, i: Option<usize>, j: Option<usize>) -> f64 {
        let margin = match (i, j) {
            (Some(i), Some(j)) => {
                let alt = self.skipping_source[i]
                    .max(self.skipping_target[j])
                    .max(self.row[i].except(Some(j)))
                    .max(self.column[j].except(Some(i)));
                self.total - alt
            }
            (Some(i), None) => self.total - self.row[i].except(None),
            (None, Some(j)) => self.total - self.column[j].except(None),
            (None, None) => 0.0,
        };
        if margin.is_nan() { 0.0 } else { margin }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grid's margins as they were computed before [`Grid::alternatives`]:
    /// each step's own scans of its row and column (the reference).
    fn margin_by_scans(g: &Grid, i: Option<usize>, j: Option<usize>) -> f64 {
        // Per column: the rows that compute it (rows' ranges only move
        // right, so these are ranges too).
        let mut cols = vec![(usize::MAX, 0); g.m + 1];
        for (r, &(lo, hi)) in g.rows.iter().enumerate() {
            for c in &mut cols[lo..=hi.min(g.m)] {
                c.0 = c.0.min(r);
                c.1 = c.1.max(r);
            }
        }
        let skipping_source = |i: usize| {
            let (lo, hi) = g.rows[i];
            let here = g.offset[i];
            let next = g.bwd_row(i + 1);
            let mut best = f64::NEG_INFINITY;
            for j in lo..=hi {
                best = best.max(f64::from(g.fwd[here + j - lo] + next(j)));
            }
            best
        };
        let skipping_target = |j: usize| {
            let (lo, hi) = cols[j];
            let mut best = f64::NEG_INFINITY;
            for i in lo..=hi.min(g.n) {
                // Row i holds column j + 1 too when it holds j and j < its last.
                let (fwd, bwd) = match g.at(i, j) {
                    Some(cell) if j < g.rows[i].1 => (g.fwd[cell], g.bwd[cell + 1]),
                    Some(cell) => (g.fwd[cell], f32::NEG_INFINITY),
                    None => (f32::NEG_INFINITY, g.bwd_at(i, j + 1)),
                };
                best = best.max(f64::from(fwd + bwd));
            }
            best
        };
        let row = |i: usize, except: Option<usize>| {
            let (lo, hi) = g.rows[i];
            let here = g.offset[i];
            let next = g.bwd_row(i + 1);
            let mut best = f64::NEG_INFINITY;
            for k in lo..hi.min(g.m) {
                if Some(k) == except {
                    continue;
                }
                let cell = here + k - lo;
                let pair = g.pair_at(i, k, cell);
                best = best.max(f64::from(g.fwd[cell] + pair + next(k + 1)));
            }
            best
        };
        let column = |j: usize, except: Option<usize>| {
            let (lo, hi) = cols[j];
            let mut best = f64::NEG_INFINITY;
            for k in lo..=hi.min(g.n.saturating_sub(1)) {
                if Some(k) == except {
                    continue;
                }
                let Some(cell) = g.at(k, j) else { continue };
                let pair = g.pair_at(k, j, cell);
                best = best.max(f64::from(g.fwd[cell] + pair + g.bwd_at(k + 1, j + 1)));
            }
            best
        };
        let total = g.total();
        let margin = match (i, j) {
            (Some(i), Some(j)) => {
                let alt = skipping_source(i)
                    .max(skipping_target(j))
                    .max(row(i, Some(j)))
                    .max(column(j, Some(i)));
                total - alt
            }
            (Some(i), None) => total - row(i, None),
            (None, Some(j)) => total - column(j, None),
            (None, None) => 0.0,
        };
        if margin.is_nan() { 0.0 } else { margin }
    }

    /// The forward and backward totals as they were computed before the
    /// row-slice loops: every neighbour looked up by its coordinates.
    fn reference_totals(g: &Grid) -> (Vec<f32>, Vec<f32>) {
        let (n, m) = (g.n, g.m);
        let mut fwd = vec![f32::NEG_INFINITY; g.fwd.len()];
        let mut bwd = vec![f32::NEG_INFINITY; g.bwd.len()];
        let get = |v: &[f32], i: usize, j: usize| g.at(i, j).map_or(f32::NEG_INFINITY, |k| v[k]);
        if let Some(k) = g.at(0, 0) {
            fwd[k] = 0.0;
        }
        for i in 0..=n {
            let (lo, hi) = g.rows[i];
            for j in lo..=hi {
                if (i, j) == (0, 0) {
                    continue;
                }
                let mut best = f32::NEG_INFINITY;
                if i > 0 {
                    best = best.max(get(&fwd, i - 1, j));
                }
                if j > 0 {
                    best = best.max(get(&fwd, i, j - 1));
                }
                if i > 0 && j > 0 {
                    best = best.max(get(&fwd, i - 1, j - 1) + g.pair(i - 1, j - 1));
                }
                fwd[g.at(i, j).unwrap()] = best;
            }
        }
        if let Some(k) = g.at(n, m) {
            bwd[k] = 0.0;
        }
        for i in (0..=n).rev() {
            let (lo, hi) = g.rows[i];
            for j in (lo..=hi).rev() {
                if (i, j) == (n, m) {
                    continue;
                }
                let mut best = f32::NEG_INFINITY;
                if i < n {
                    best = best.max(get(&bwd, i + 1, j));
                }
                if j < m {
                    best = best.max(get(&bwd, i, j + 1));
                }
                if i < n && j < m {
                    best = best.max(get(&bwd, i + 1, j + 1) + g.pair(i, j));
                }
                bwd[g.at(i, j).unwrap()] = best;
            }
        }
        (fwd, bwd)
    }

    proptest::proptest! {
        /// The row-slice loops give every cell the totals that looking up
        /// each neighbour gives: full grids, narrow bands around the
        /// diagonal, and blocks between anchors.
        #[test]
        fn grid_totals_are_the_lookups_totals(
            n in 1usize..30,
            m in 1usize..30,
            width in proptest::option::of(0usize..6),
            anchors in proptest::collection::vec((0usize..30, 0usize..30), 0..4),
            scores in proptest::collection::vec(-3.0f64..5.0, 900),
        ) {
            let rows = match (width, anchors.is_empty()) {
                (Some(w), _) => (0..=n)
                    .map(|i| {
                        let center = i * m / n;
                        (center.saturating_sub(w), (center + w).min(m))
                    })
                    .collect(),
                (None, false) => {
                    let mut a: Vec<(usize, usize)> =
                        anchors.iter().map(|&(i, j)| (i % n, j % m)).collect();
                    a.sort_unstable();
                    // In order on both sides.
                    a.dedup_by(|b, a| b.0 == a.0 || b.1 <= a.1);
                    blocks(n, m, &a)
                }
                (None, true) => band(n, m),
            };
            let g = Grid::with_rows(n, m, rows, |i, j, _| scores[i * 30 + j]);
            let (fwd, bwd) = reference_totals(&g);
            proptest::prop_assert_eq!(&g.fwd, &fwd);
            proptest::prop_assert_eq!(&g.bwd, &bwd);
            // Every step's margin, from one pass, is the one its own scans
            // find: for each pair, and each section left unpaired.
            let alternatives = g.alternatives();
            for i in 0..n {
                for j in 0..m {
                    let a = alternatives.margin(Some(i), Some(j));
                    let b = margin_by_scans(&g, Some(i), Some(j));
                    proptest::prop_assert_eq!(a.to_bits(), b.to_bits(), "pair {} {}", i, j);
                }
                let a = alternatives.margin(Some(i), None);
                let b = margin_by_scans(&g, Some(i), None);
                proptest::prop_assert_eq!(a.to_bits(), b.to_bits(), "source {}", i);
            }
            for j in 0..m {
                let a = alternatives.margin(None, Some(j));
                let b = margin_by_scans(&g, None, Some(j));
                proptest::prop_assert_eq!(a.to_bits(), b.to_bits(), "target {}", j);
            }
        }
    }

    fn f(level: u8, images: &[u64], length: f64) -> Features {
        Features {
            level,
            images: images.to_vec(),
            length,
            ..Features::default()
        }
    }

    fn matched(a: &Alignment) -> Vec<(Option<usize>, Option<usize>)> {
        let mut v: Vec<_> = a.pairs.iter().map(|p| (p.source, p.target)).collect();
        v.sort_by_key(|(s, t)| (s.unwrap_or(usize::MAX), t.unwrap_or(usize::MAX)));
        v
    }

    /// A document too large for the full grid: sections that share a
    /// unique id anchor it, and the blocks between them are aligned as a
    /// small document would be (a dropped section, a renamed one).
    #[test]
    fn large_documents_align_between_unique_ids() {
        let section = |k: u64, id: Option<u64>| Features {
            level: 2,
            ids: id.into_iter().collect(),
            length: 100.0 + (k % 7) as f64 * 30.0,
            ..Features::default()
        };
        let src: Vec<Features> = std::iter::once(f(0, &[], 0.0))
            .chain((0..800).map(|k| section(k, Some(1000 + k))))
            .collect();
        // Section 300 dropped; section 500's id changed (renamed).
        let tr: Vec<Features> = std::iter::once(f(0, &[], 0.0))
            .chain(
                (0..800)
                    .filter(|&k| k != 300)
                    .map(|k| section(k, (k != 500).then_some(1000 + k))),
            )
            .collect();
        const { assert!(799 * 800 > ANCHORED_CELLS) };
        let a = align(&src, &tr);
        let missing: Vec<usize> = a
            .pairs
            .iter()
            .filter(|p| p.target.is_none())
            .filter_map(|p| p.source)
            .collect();
        assert_eq!(missing, vec![301]);
        assert!(a.source_certain(301));
        assert_eq!(
            a.target_of(501),
            Some(500),
            "the renamed section pairs by position"
        );
        assert_eq!(a.target_of(800), Some(799));
        assert_eq!(
            longest_in_order_for_test(&[(0, 5), (1, 1), (2, 2), (3, 0), (4, 3)]),
            vec![(1, 1), (2, 2), (4, 3)]
        );
        assert_eq!(
            blocks(4, 4, &[(1, 1)]),
            vec![(0, 2), (0, 2), (2, 4), (2, 4), (2, 4)]
        );
    }

    fn longest_in_order_for_test(p: &[(usize, usize)]) -> Vec<(usize, usize)> {
        super::score::longest_in_order(p)
    }

    #[test]
    fn a_missing_section_does_not_shift_the_rest() {
        let src = [
            f(0, &[], 0.0),
            f(2, &[1], 100.0),
            f(2, &[2], 100.0),
            f(2, &[3], 100.0),
            f(2, &[4], 100.0),
        ];
        let tr = [
            f(0, &[], 0.0),
            f(2, &[1], 100.0),
            f(2, &[3], 100.0),
            f(2, &[4], 100.0),
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
        assert!(a.source_certain(2), "the missing section is certain");
        assert!(a.source_certain(3));
    }

    #[test]
    fn an_extra_section_is_left_unpaired() {
        let src = [f(0, &[], 0.0), f(2, &[1], 50.0), f(2, &[2], 50.0)];
        let tr = [
            f(0, &[], 0.0),
            f(2, &[1], 50.0),
            f(3, &[9], 50.0),
            f(2, &[2], 50.0),
        ];
        let a = align(&src, &tr);
        assert_eq!(a.source_of(2), None);
        assert_eq!(a.target_of(2), Some(3));
    }

    #[test]
    fn featureless_sections_pair_in_order_and_certainly() {
        let src: Vec<_> = (0..5)
            .map(|i| f(if i == 0 { 0 } else { 2 }, &[], 10.0 * i as f64))
            .collect();
        let a = align(&src, &src);
        assert!(a.pairs.iter().all(|p| p.source == p.target));
        assert!((1..5).all(|s| a.source_certain(s)));
    }

    #[test]
    fn a_level_difference_is_a_penalty_not_a_wall() {
        // `####` made `###` in the translation: every pair still holds.
        let levels = [0, 2, 3, 4, 4, 4, 4, 2];
        let src: Vec<_> = levels
            .iter()
            .enumerate()
            .map(|(i, &l)| f(l, &[], 40.0 + 7.0 * i as f64))
            .collect();
        let mut tr = src.clone();
        tr[3].level = 3;
        let a = align(&src, &tr);
        assert!((0..levels.len()).all(|s| a.target_of(s) == Some(s)));
    }

    #[test]
    fn without_evidence_an_extra_section_is_uncertain() {
        // Equal lengths, no keys: which translated section is extra cannot
        // be known.
        let src: Vec<_> = (0..4)
            .map(|i| f(if i == 0 { 0 } else { 2 }, &[], 50.0))
            .collect();
        let tr: Vec<_> = (0..5)
            .map(|i| f(if i == 0 { 0 } else { 2 }, &[], 50.0))
            .collect();
        let a = align(&src, &tr);
        let extra = (1..5).find(|&t| a.source_of(t).is_none()).unwrap();
        assert!(!a.target_certain(extra), "{a:?}");
    }

    #[test]
    fn moved_sections_pair_out_of_order() {
        let src = [
            f(0, &[], 0.0),
            f(2, &[1], 50.0),
            f(2, &[2], 60.0),
            f(2, &[3], 70.0),
        ];
        let tr = [
            f(0, &[], 0.0),
            f(2, &[3], 70.0),
            f(2, &[1], 50.0),
            f(2, &[2], 60.0),
        ];
        let a = align(&src, &tr);
        assert_eq!(a.target_of(3), Some(1));
        assert_eq!(a.target_of(1), Some(2));
        assert!(
            a.step_of_source(3)
                .unwrap()
                .evidence
                .contains(Evidence::MOVED)
        );
    }
}
