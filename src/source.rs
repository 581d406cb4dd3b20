//! Source files as read from disk: their ids, their text and a line index.
//!
//! Discovery reads every file exactly once into a [`SourceFile`]; every later
//! stage refers to files by [`FileId`] and to places in them by byte [`Span`]s.
//! Only renderers turn spans into 1-based lines and columns (columns count
//! Unicode scalar values), through [`LineIndex`].

use std::fmt;
use std::ops::Range;

/// Index of a file in the run's file table.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

impl FileId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range into a file's text.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// The largest text lockstep reads (4 GiB − 1): offsets into a text fit
/// in a `u32`. `max-file-size` is capped at it.
pub const MAX_TEXT: u64 = u32::MAX as u64;

/// Byte offsets of line starts, for offset → line/column conversion.
///
/// A UTF-8 byte order mark at the start of the file is not part of line 1's
/// columns. Columns count characters; in long lines, checkpoints every
/// [`MARK_EVERY`] bytes keep each conversion short (a line of 40,000 links
/// must not cost 40,000 × its length).
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// (`u32`: a text lockstep reads is at most 4 GiB — see
    /// [`MAX_TEXT`] — and tens of thousands of indexes stay in memory.)
    starts: Box<[u32]>,
    /// In lines longer than [`MARK_EVERY`]: (byte offset, characters from
    /// the start of its line), sorted.
    marks: Box<[(usize, usize)]>,
}

/// Pushes `i + 1` for every LF at offset `i` of `bytes`, in order: 16
/// bytes at a time, compared at once into a bit mask (lines are short:
/// starting a `memchr` search after every one of them cost more than the
/// search — tldr-pages, 38,000 files: `LineIndex::new` with what it calls,
/// 73 → 49 M instructions).
#[cfg(target_arch = "x86_64")]
fn lf_starts(bytes: &[u8], starts: &mut Vec<u32>) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    let mut chunks = bytes.chunks_exact(16);
    // (u32: a text lockstep reads is at most `MAX_TEXT`)
    let mut base = 0u32;
    for chunk in &mut chunks {
        // SAFETY: SSE2 is part of every x86_64 processor; the load is
        // unaligned and reads the 16 bytes of `chunk`.
        let mut mask = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast());
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8))) as u32
        };
        while mask != 0 {
            starts.push(base + mask.trailing_zeros() + 1);
            mask &= mask - 1;
        }
        base += 16;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            starts.push(base + k as u32 + 1);
        }
    }
}

/// Pushes `i + 1` for every LF at offset `i` of `bytes`, in order.
#[cfg(not(target_arch = "x86_64"))]
fn lf_starts(bytes: &[u8], starts: &mut Vec<u32>) {
    starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| (i + 1) as u32));
}

/// Bytes between column checkpoints in long lines.
const MARK_EVERY: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(bom as u32);
        // Line endings are LF, CRLF, or a lone CR (CommonMark's, and
        // comrak's): old Mac files have only CRs.
        let bytes = text.as_bytes();
        if memchr::memchr(b'\r', bytes).is_none() {
            // LF only (most files): one byte to look for.
            lf_starts(bytes, &mut starts);
        } else {
            starts.extend(
                memchr::memchr2_iter(b'\n', b'\r', bytes)
                    .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                    .map(|i| (i + 1) as u32),
            );
        }
        let mut marks = Vec::new();
        // (no line of a text this short can need a checkpoint)
        let long_lines = if text.len() > MARK_EVERY {
            starts.len()
        } else {
            0
        };
        for (i, &start) in starts.iter().enumerate().take(long_lines) {
            let start = start as usize;
            let end = starts.get(i + 1).map_or(text.len(), |&e| e as usize);
            if end.saturating_sub(start) <= MARK_EVERY {
                continue;
            }
            let (mut at, mut chars) = (start, 0);
            loop {
                let next = floor_char_boundary(text, (at + MARK_EVERY).min(end));
                if next <= at || next >= end {
                    break;
                }
                chars += text[at..next].chars().count();
                marks.push((next, chars));
                at = next;
            }
        }
        // (boxed, without spare capacity: one index per file stays in memory)
        Self {
            starts: starts.into_boxed_slice(),
            marks: marks.into_boxed_slice(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.starts.len() - 1);
        self.starts[i] as usize
    }

    /// The 0-based line that contains `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line and column (in characters) of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let mut start = (self.starts[line] as usize).min(offset);
        let mut before = 0;
        if offset - start > MARK_EVERY {
            let k = self.marks.partition_point(|&(b, _)| b <= offset);
            if let Some(&(b, c)) = k.checked_sub(1).map(|k| &self.marks[k])
                && b >= start
            {
                (start, before) = (b, c);
            }
        }
        let column = before + text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a comrak-style position: 1-based line, 1-based byte column.
    pub fn offset(&self, line: usize, byte_column: usize) -> usize {
        self.line_start(line) + byte_column.saturating_sub(1)
    }

    /// Span of the whole 1-based `line`, without its line ending.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self
            .starts
            .get(line)
            .map_or(text.len(), |&e| e as usize)
            .min(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        // (a CR before it, or a lone CR, ends the line too)
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end)
    }
}

/// The smallest char boundary `>= offset` (at most `text.len()`).
pub fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// The largest char boundary `<= offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One file of the documentation tree, read once.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the documentation root, with `/` separators.
    pub path: String,
    /// The file's text (for a file that failed to decode: a lossy copy, for display).
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> Self {
        let lines = LineIndex::new(&text);
        Self { path, text, lines }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    pub fn slice(&self, span: Span) -> &str {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.min(self.text.len()));
        &self.text[start..end.max(start)]
    }
}

/// A change of a text: `old[start..old_end]` became `new[start..new_end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextChange {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl TextChange {
    /// The smallest change that makes `old` into `new`: the longest common
    /// start, then the longest common end of the rest (compared a block at
    /// a time: editors' buffers are megabytes).
    pub fn between(old: &str, new: &str) -> Self {
        let (o, n) = (old.as_bytes(), new.as_bytes());
        let start = common_prefix(o, n);
        let room = o.len().min(n.len()) - start;
        let suffix = common_suffix(&o[o.len() - room..], &n[n.len() - room..]);
        Self {
            start,
            old_end: o.len() - suffix,
            new_end: n.len() - suffix,
        }
    }

    /// Whether this change makes `old` into `new`, but for the replaced text.
    pub fn turns(self, old: &str, new: &str) -> bool {
        let (o, n) = (old.as_bytes(), new.as_bytes());
        self.start <= self.old_end
            && self.old_end <= o.len()
            && self.start <= self.new_end
            && self.new_end <= n.len()
            && o.len() - self.old_end == n.len() - self.new_end
            && o[..self.start] == n[..self.start]
            && o[self.old_end..] == n[self.new_end..]
    }

    /// How far what follows the change moved.
    pub fn delta(self) -> isize {
        self.new_end as isize - self.old_end as isize
    }

    /// Where `span` of the old text is in the new one; `None` when the
    /// change touched it.
    pub fn moved(self, span: Span) -> Option<Span> {
        let shift = |at: usize| at - self.old_end + self.new_end;
        if span.end <= self.start {
            Some(span)
        } else if span.start >= self.old_end {
            Some(Span::new(shift(span.start), shift(span.end)))
        } else {
            None
        }
    }
}

/// How many bytes two texts share at their start.
pub(crate) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many bytes two texts share at their end.
pub(crate) fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + 64 <= n && a[n - i - 64..n - i] == b[n - i - 64..n - i] {
        i += 64;
    }
    while i < n && a[n - 1 - i] == b[n - 1 - i] {
        i += 1;
    }
    i
}

/// Hash maps and sets keyed by paths and ids: foldhash instead of SipHash
/// (the keys are file paths and heading ids of the tree being checked;
/// SipHash was 3% of a large run).
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// See [`HashMap`].
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The 16-byte-mask scan finds the LFs `memchr` finds, across block
        /// boundaries and in the tail.
        #[test]
        fn line_feeds_are_those_memchr_finds(text in "[a\n\u{e9}]{0,300}") {
            let mut starts = Vec::new();
            lf_starts(text.as_bytes(), &mut starts);
            let expected: Vec<u32> = memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| (i + 1) as u32)
                .collect();
            proptest::prop_assert_eq!(starts, expected);
        }
    }

    #[test]
    fn columns_count_characters() {
        let text = "ab\n한국어 x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 5 });
        let last = text.find("last").unwrap();
        assert_eq!(idx.line_col(text, last), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_span(text, 2), Span::new(3, x + 1));
    }

    #[test]
    fn long_lines_count_columns_through_checkpoints() {
        let line: String = "한a".repeat(5000);
        let text = format!("x\n{line}\n{line}");
        let idx = LineIndex::new(&text);
        for (i, (offset, _)) in text.char_indices().enumerate().step_by(997) {
            let expected = text[..offset]
                .rsplit_once('\n')
                .map_or(text[..offset].chars().count(), |(_, l)| l.chars().count());
            let lc = idx.line_col(&text, offset);
            assert_eq!(lc.column, expected + 1, "char {i}");
        }
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let text = "a\rbc\r\nd\ne";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 2), LineCol { line: 2, column: 1 });
        assert_eq!(idx.line_col(text, 6), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_span(text, 1), Span::new(0, 1));
        assert_eq!(idx.line_span(text, 2), Span::new(2, 4));
    }

    #[test]
    fn bom_is_not_a_column() {
        let text = "\u{feff}# A\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 3), LineCol { line: 1, column: 1 });
    }
}
