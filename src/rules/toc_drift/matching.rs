//! Pairing TOC entries with headings.
//!
//! Exact ids first; then certain matches (a case-only difference, a fragment
//! or entry text that slugs to the id, the same text); then, between pairs
//! already made, the remaining entries and headings by position and
//! similarity — so a renamed heading is recognised as the same entry with a
//! wrong anchor, not as a stale entry plus a missing one.

use crate::parse::{case, slug};
use crate::rules::Wanted;
use crate::source::HashMap;

/// What matching needs to know about an entry.
pub(super) struct EntryKey {
    /// Decoded fragment, without `user-content-`.
    pub fragment: String,
    /// Rendered link text, whitespace-normalised.
    pub text: String,
    /// List nesting depth.
    pub depth: usize,
}

/// What matching needs to know about a candidate heading.
pub(super) struct HeadingKey<'a> {
    /// Every id that reaches the heading: GitHub's, a custom id, anchors inside it.
    pub ids: Vec<&'a str>,
    pub text: String,
    /// The depth its entry belongs at.
    pub depth: usize,
}

/// `pairs[e]` is the index of the heading entry `e` is matched to.
/// Entries marked in `elsewhere` reach an id outside `headings` (a heading of
/// another level, an omitted heading, an HTML anchor): they are only paired
/// exactly, never by position.
pub(super) fn pair(
    entries: &[EntryKey],
    headings: &[HeadingKey<'_>],
    elsewhere: &[bool],
) -> Vec<Option<usize>> {
    let mut pairs = pair_certain(entries, headings);
    pair_by_position(entries, headings, elsewhere, &mut pairs);
    pairs
}

/// Exact and certain pairs only (steps 1 and 2).
pub(super) fn pair_certain(
    entries: &[EntryKey],
    headings: &[HeadingKey<'_>],
) -> Vec<Option<usize>> {
    let mut pairs: Vec<Option<usize>> = vec![None; entries.len()];
    let mut taken = vec![false; headings.len()];

    // 1. Exact ids.
    let mut by_id: HashMap<&str, usize> = HashMap::default();
    for (h, heading) in headings.iter().enumerate() {
        for id in &heading.ids {
            by_id.entry(id).or_insert(h);
        }
    }
    for (e, entry) in entries.iter().enumerate() {
        if let Some(&h) = by_id.get(entry.fragment.as_str())
            && !taken[h]
        {
            taken[h] = true;
            pairs[e] = Some(h);
        }
    }

    if pairs.iter().all(Option::is_some) {
        return pairs;
    }

    // 2. Certain: same id ignoring case, a fragment or text that slugs to the
    //    id, or the same text. The first untaken heading (in order) that
    //    matches any of these wins; lookups go through maps, so a TOC of
    //    100,000 entries is not compared with every heading.
    let mut by_lower: HashMap<String, Cursor> = HashMap::default();
    let mut by_exact: HashMap<&str, Cursor> = HashMap::default();
    let mut by_text: HashMap<&str, Cursor> = HashMap::default();
    for (h, heading) in headings.iter().enumerate() {
        for id in &heading.ids {
            by_lower.entry(case::to_lowercase(id)).or_default().push(h);
            by_exact.entry(id).or_default().push(h);
        }
        if !heading.text.is_empty() {
            by_text.entry(heading.text.as_str()).or_default().push(h);
        }
    }
    for (e, entry) in entries.iter().enumerate() {
        if pairs[e].is_some() {
            continue;
        }
        let frag_slug = slug::slug(&entry.fragment);
        let text_slug = slug::slug(&entry.text);
        let mut found: Option<usize> = None;
        let mut consider = |c: Option<&mut Cursor>| {
            if let Some(h) = c.and_then(|c| c.first_untaken(&taken)) {
                found = Some(found.map_or(h, |f| f.min(h)));
            }
        };
        consider(by_lower.get_mut(&case::to_lowercase(&entry.fragment)));
        consider(by_exact.get_mut(frag_slug.as_str()));
        if !text_slug.is_empty() {
            consider(by_exact.get_mut(text_slug.as_str()));
        }
        if !entry.text.is_empty() {
            consider(by_text.get_mut(entry.text.as_str()));
        }
        if let Some(h) = found {
            taken[h] = true;
            pairs[e] = Some(h);
        }
    }

    pairs
}

/// Headings sharing a key, in order, with how far the taken ones reach.
#[derive(Default)]
struct Cursor {
    headings: Vec<usize>,
    next: usize,
}

impl Cursor {
    fn push(&mut self, h: usize) {
        if self.headings.last() != Some(&h) {
            self.headings.push(h);
        }
    }

    /// The first heading not taken yet (headings are only ever taken, so
    /// the cursor never moves back).
    fn first_untaken(&mut self, taken: &[bool]) -> Option<usize> {
        while self.next < self.headings.len() && taken[self.headings[self.next]] {
            self.next += 1;
        }
        self.headings.get(self.next).copied()
    }
}

/// Step 3: by position and similarity, between the pairs made so far.
fn pair_by_position(
    entries: &[EntryKey],
    headings: &[HeadingKey<'_>],
    elsewhere: &[bool],
    pairs: &mut [Option<usize>],
) {
    let mut taken = vec![false; headings.len()];
    for h in pairs.iter().flatten() {
        taken[*h] = true;
    }
    let backbone = increasing_pairs(pairs);
    let mut bounds: Vec<(usize, usize)> = vec![(0, 0)];
    bounds.extend(
        backbone
            .iter()
            .map(|&e| (e + 1, pairs[e].expect("paired") + 1)),
    );
    let ends: Vec<(usize, usize)> = backbone
        .iter()
        .map(|&e| (e, pairs[e].expect("paired")))
        .chain(std::iter::once((entries.len(), headings.len())))
        .collect();
    for (&(e0, h0), &(e1, h1)) in bounds.iter().zip(&ends) {
        let gap_entries: Vec<usize> = (e0..e1.max(e0))
            .filter(|&e| pairs[e].is_none() && !elsewhere.get(e).copied().unwrap_or(false))
            .collect();
        let gap_headings: Vec<usize> = (h0..h1.max(h0)).filter(|&h| !taken[h]).collect();
        if gap_entries.is_empty() || gap_headings.is_empty() {
            continue;
        }
        for (e, h) in align_gap(entries, headings, &gap_entries, &gap_headings) {
            taken[h] = true;
            pairs[e] = Some(h);
        }
    }
}

/// Entries (in order) whose headings form the longest increasing run: the
/// pairs that are in the right order relative to each other.
pub(super) fn increasing_pairs(pairs: &[Option<usize>]) -> Vec<usize> {
    let paired: Vec<(usize, usize)> = pairs
        .iter()
        .enumerate()
        .filter_map(|(e, h)| h.map(|h| (e, h)))
        .collect();
    // Patience-sorting LIS over heading indices, O(n log n).
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; paired.len()];
    for (i, &(_, h)) in paired.iter().enumerate() {
        let pos = tails.partition_point(|&t| paired[t].1 < h);
        if pos > 0 {
            prev[i] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        out.push(paired[i].0);
        cur = prev[i];
    }
    out.reverse();
    out
}

/// Pairs the unmatched entries and headings of one gap. Equal counts pair in
/// order (the headings were renamed); so do equal counts at one nesting
/// depth. What remains is aligned by similarity of fragment or text.
fn align_gap(
    entries: &[EntryKey],
    headings: &[HeadingKey<'_>],
    gap_entries: &[usize],
    gap_headings: &[usize],
) -> Vec<(usize, usize)> {
    if gap_entries.len() == gap_headings.len() {
        return gap_entries
            .iter()
            .copied()
            .zip(gap_headings.iter().copied())
            .collect();
    }
    let mut out = Vec::new();
    let mut depths: Vec<usize> = gap_entries.iter().map(|&e| entries[e].depth).collect();
    depths.sort_unstable();
    depths.dedup();
    for d in depths {
        let es: Vec<usize> = gap_entries
            .iter()
            .copied()
            .filter(|&e| entries[e].depth == d)
            .collect();
        let hs: Vec<usize> = gap_headings
            .iter()
            .copied()
            .filter(|&h| headings[h].depth == d)
            .collect();
        if es.len() == hs.len() {
            out.extend(es.into_iter().zip(hs));
        }
    }
    let paired_e: std::collections::HashSet<usize> = out.iter().map(|(e, _)| *e).collect();
    let paired_h: std::collections::HashSet<usize> = out.iter().map(|(_, h)| *h).collect();
    let rest_e: Vec<usize> = gap_entries
        .iter()
        .copied()
        .filter(|e| !paired_e.contains(e))
        .collect();
    let rest_h: Vec<usize> = gap_headings
        .iter()
        .copied()
        .filter(|h| !paired_h.contains(h))
        .collect();
    out.extend(align_similar(entries, headings, &rest_e, &rest_h));
    out
}

/// Gaps up to this many entry × heading cells are aligned exactly; larger
/// ones within a band around the diagonal (a translation keeps its order).
const FULL_ALIGNMENT_CELLS: usize = 250_000;

/// The most cells a large gap's banded alignment computes: its band
/// narrows as the gap grows (from 200 to 8 columns either side), so no
/// gap costs more than a few hundred milliseconds.
const BANDED_ALIGNMENT_CELLS: usize = 250_000;

/// A pair's similarity must reach this to be aligned.
const THRESHOLD: f64 = 0.5;

/// The best monotonic alignment of pairs whose fragment or text is similar enough.
fn align_similar(
    entries: &[EntryKey],
    headings: &[HeadingKey<'_>],
    gap_entries: &[usize],
    gap_headings: &[usize],
) -> Vec<(usize, usize)> {
    align_similar_from(entries, headings, gap_entries, gap_headings, THRESHOLD)
}

/// [`align_similar`], with pairs' similarities exact from `exact_from` up
/// (below it, only known to be below it). A score below [`THRESHOLD`] is
/// never taken: the rule asks for exact scores from there, so that each
/// entry's fragment and text are compared through the bounds of
/// [`Wanted::similarity_above`], made ready once; its tests ask for every
/// score exact (0) and get the same pairs.
fn align_similar_from(
    entries: &[EntryKey],
    headings: &[HeadingKey<'_>],
    gap_entries: &[usize],
    gap_headings: &[usize],
    exact_from: f64,
) -> Vec<(usize, usize)> {
    let (m, n) = (gap_entries.len(), gap_headings.len());
    if m == 0 || n == 0 {
        return Vec::new();
    }
    let lower = case::to_lowercase;
    let e_frag: Vec<String> = gap_entries.iter().map(|&e| lower(&entries[e].fragment)).collect();
    let e_text: Vec<String> = gap_entries.iter().map(|&e| lower(&entries[e].text)).collect();
    let h_ids: Vec<Vec<String>> = gap_headings
        .iter()
        .map(|&h| headings[h].ids.iter().map(|id| lower(id)).collect())
        .collect();
    let h_text: Vec<String> = gap_headings.iter().map(|&h| lower(&headings[h].text)).collect();
    let frag: Vec<Wanted<'_>> = e_frag.iter().map(|f| Wanted::new(f)).collect();
    let text: Vec<Wanted<'_>> = e_text.iter().map(|t| Wanted::new(t)).collect();
    let score = |i: usize, j: usize| {
        let by_id = h_ids[j]
            .iter()
            .map(|id| frag[i].similarity_above(id, exact_from))
            .fold(0.0, f64::max);
        by_id.max(text[i].similarity_above(&h_text[j], exact_from))
    };
    // Columns considered in row i: all, or a band around the diagonal.
    let band = m.saturating_mul(n) > FULL_ALIGNMENT_CELLS;
    let width = (BANDED_ALIGNMENT_CELLS / (2 * m)).clamp(8, 200);
    let cols = |i: usize| -> (usize, usize) {
        if !band {
            return (0, n);
        }
        let center = i * n / m;
        (center.saturating_sub(width), (center + width + 1).min(n))
    };
    // best[i][j - lo(i)]: best total for entries i.. and headings j..;
    // outside a row's band, 0 (skipping everything is always possible).
    let mut best: Vec<Vec<f64>> = (0..=m)
        .map(|i| {
            let (lo, hi) = if i < m { cols(i) } else { (0, 0) };
            vec![0.0; hi - lo + 1]
        })
        .collect();
    let get = |best: &Vec<Vec<f64>>, i: usize, j: usize| -> f64 {
        if i >= m {
            return 0.0;
        }
        let (lo, hi) = cols(i);
        if j < lo || j > hi {
            0.0
        } else {
            best[i][j - lo]
        }
    };
    let mut scores: Vec<Vec<f64>> = Vec::with_capacity(m);
    for i in (0..m).rev() {
        let (lo, hi) = cols(i);
        let mut row_scores = vec![0.0; hi - lo];
        for j in (lo..hi).rev() {
            let s = score(i, j);
            row_scores[j - lo] = s;
            let take = if s >= THRESHOLD {
                s + get(&best, i + 1, j + 1)
            } else {
                0.0
            };
            let v = take
                .max(get(&best, i + 1, j))
                .max(get(&best, i, j + 1));
            best[i][j - lo] = v;
        }
        scores.push(row_scores);
    }
    scores.reverse();
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < m && j < n {
        let (lo, hi) = cols(i);
        if j < lo {
            j = lo;
            continue;
        }
        if j >= hi {
            i += 1;
            continue;
        }
        let s = scores[i][j - lo];
        let here = get(&best, i, j);
        if s >= THRESHOLD && (here - (s + get(&best, i + 1, j + 1))).abs() < 1e-9 {
            out.push((gap_entries[i], gap_headings[j]));
            i += 1;
            j += 1;
        } else if (here - get(&best, i + 1, j)).abs() < 1e-9 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(fragment: &str, text: &str) -> EntryKey {
        EntryKey {
            fragment: fragment.into(),
            text: text.into(),
            depth: 0,
        }
    }

    fn h<'a>(id: &'a str, text: &str) -> HeadingKey<'a> {
        HeadingKey {
            ids: vec![id],
            text: text.into(),
            depth: 0,
        }
    }

    #[test]
    fn renamed_heading_is_the_same_entry() {
        let entries = [
            e("intro", "Intro"),
            e("old-name", "Old name"),
            e("end", "End"),
        ];
        let headings = [
            h("intro", "Intro"),
            h("새-이름", "새 이름"),
            h("end", "End"),
        ];
        assert_eq!(pair(&entries, &headings, &[]), [Some(0), Some(1), Some(2)]);
        // An entry that reaches a heading elsewhere is not taken by position.
        assert_eq!(
            pair(&entries, &headings, &[false, true, false]),
            [Some(0), None, Some(2)]
        );
    }

    #[test]
    fn certain_matches_by_case_and_text() {
        let entries = [e("SQL-Query", "SQL query"), e("whatever", "MVC, MVP")];
        let headings = [h("mvc-mvp", "MVC, MVP"), h("sql-query", "SQL query")];
        assert_eq!(pair(&entries, &headings, &[]), [Some(1), Some(0)]);
    }

    #[test]
    fn stale_entry_and_missing_heading_by_similarity() {
        let entries = [
            e("a", "A"),
            e("caching", "Caching"),
            e("gone", "Gone"),
            e("z", "Z"),
        ];
        let headings = [
            h("a", "A"),
            h("caching-strategies", "Caching strategies"),
            h("z", "Z"),
        ];
        assert_eq!(
            pair(&entries, &headings, &[]),
            [Some(0), Some(1), None, Some(2)]
        );
    }

    proptest::proptest! {
        /// Scores below the threshold, left inexact, align as the exact
        /// ones do.
        #[test]
        fn bounded_scores_align_as_exact_ones(
            texts in proptest::collection::vec("[a-dé한]{1,3}( [a-dé한]{1,4}){0,2}", 1..9),
            ids in proptest::collection::vec("[a-dé한]{1,3}(-[a-dé한]{1,4}){0,2}", 1..9),
            frags in proptest::collection::vec("[a-dé한]{1,3}(-[a-dé한]{1,4}){0,2}", 1..9),
        ) {
            let entries: Vec<EntryKey> = frags
                .iter()
                .zip(texts.iter().cycle())
                .map(|(f, t)| e(f, t))
                .collect();
            let headings: Vec<HeadingKey<'_>> = ids
                .iter()
                .zip(texts.iter().rev().cycle())
                .map(|(id, t)| h(id, t))
                .collect();
            let ge: Vec<usize> = (0..entries.len()).collect();
            let gh: Vec<usize> = (0..headings.len()).collect();
            proptest::prop_assert_eq!(
                align_similar(&entries, &headings, &ge, &gh),
                align_similar_from(&entries, &headings, &ge, &gh, 0.0)
            );
        }
    }

    #[test]
    fn lis() {
        assert_eq!(
            increasing_pairs(&[Some(0), Some(2), Some(1), None, Some(3)]),
            [0, 2, 4]
        );
    }
}
