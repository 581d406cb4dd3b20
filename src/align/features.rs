//! What a section offers for alignment: evidence that survives translation
//! (ids, images, code, inline code, link targets, numbers, Latin tokens,
//! the shape of its lists and tables, its length) and, for aligning two
//! versions of the same edition, its words.

use std::hash::Hash;

use crate::index::{Index, Target};
use crate::parse::{Document, Shape};
use crate::source::SourceFile;

/// What one section offers for comparison. Sets are sorted hashes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    pub level: u8,
    /// The enclosing section.
    pub parent: Option<usize>,
    /// The heading's text, custom id and HTML anchors: equal ids are the
    /// same section.
    pub ids: Vec<u64>,
    /// The heading's generated id: the same section when the other side
    /// pins it (a custom id or an anchor), not when both generate it (`C++`
    /// and `C` are both `#c`).
    pub slug: Option<u64>,
    /// Local images, by file name.
    pub images: Vec<u64>,
    /// Code blocks (contents, indentation ignored).
    pub code: Vec<u64>,
    /// Inline code spans.
    pub inline: Vec<u64>,
    /// Link targets: resolved local paths and external URLs, without fragments.
    pub links: Vec<u64>,
    /// Numbers in the heading and prose (`2.0`, `404`, `1998`).
    pub numbers: Vec<u64>,
    /// Distinctive heading tokens: with a digit, or several capitals (`HTTP`, `1.0`, `gRPC`).
    pub tokens: Vec<u64>,
    /// Latin words of the prose that keep their form across languages:
    /// camelCase, with digits, all capitals, or any Latin word in a text
    /// written mostly in another script.
    pub latin: Vec<u64>,
    pub list_items: u32,
    pub table_rows: u32,
    /// Characters of prose in the section itself (not its subsections).
    pub length: f64,
    /// The heading's text, normalised (for versions of the same edition).
    pub heading: u64,
    /// Every word of the heading and prose, lowercased (same edition only).
    pub words: Vec<u64>,
}

impl Features {
    /// Every set of keys, in one order (the same in every call).
    pub fn key_sets(&self) -> [&Vec<u64>; 9] {
        [
            &self.ids,
            &self.images,
            &self.code,
            &self.inline,
            &self.links,
            &self.numbers,
            &self.tokens,
            &self.latin,
            &self.words,
        ]
    }

    /// [`Features::key_sets`], to change.
    pub fn key_sets_mut(&mut self) -> [&mut Vec<u64>; 9] {
        [
            &mut self.ids,
            &mut self.images,
            &mut self.code,
            &mut self.inline,
            &mut self.links,
            &mut self.numbers,
            &mut self.tokens,
            &mut self.latin,
            &mut self.words,
        ]
    }
}

/// A feature's key: foldhash with a fixed seed (the keys are compared
/// within one run only; SipHash cost a tenth of the alignment).
pub(crate) fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x6c6f636b73746570).hash_one(v)
}

/// `hash(&w.to_ascii_lowercase())`, without copying a word that has no
/// capital, nor allocating for a short one.
fn hash_ascii_lower(w: &str) -> u64 {
    if !w.bytes().any(|b| b.is_ascii_uppercase()) {
        return hash(w);
    }
    let mut buf = [0u8; 64];
    if let Some(slot) = buf.get_mut(..w.len()) {
        slot.copy_from_slice(w.as_bytes());
        slot.make_ascii_lowercase();
        // Lowercasing ASCII letters keeps UTF-8 valid (checked all the same).
        if let Ok(lower) = std::str::from_utf8(slot) {
            return hash(lower);
        }
    }
    hash(&w.to_ascii_lowercase())
}

/// `hash(&w.to_lowercase())`, without allocating for ASCII words.
fn hash_lower(w: &str) -> u64 {
    if w.is_ascii() {
        hash_ascii_lower(w)
    } else {
        hash(&crate::parse::case::to_lowercase(w))
    }
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
    /// The path as written (decoded, no fragment or query): an edition that
    /// mirrors the source's tree (Docusaurus `i18n/`, `docs/ko/`) keeps its
    /// own copy of an image at the same relative path.
    pub written: String,
}

impl ImageKey {
    /// Whether two keys name the same image: the same file, or — when either
    /// path is broken — the same file name.
    pub fn same(&self, other: &ImageKey) -> bool {
        let same_file = match (&self.resolved, &other.resolved) {
            (Some(a), Some(b)) => a == b,
            _ => self.name == other.name,
        };
        same_file || (!self.written.is_empty() && self.written == other.written)
    }

    /// How to show it: the resolved path, else the name.
    pub fn display(&self) -> &str {
        self.resolved.as_deref().unwrap_or(&self.name)
    }
}

/// The key of a local image (`None` for remote images and data URIs).
pub fn image_key(index: &Index, from: &str, dest: &str) -> Option<ImageKey> {
    let mut key = image_key_of_file(index, from, dest)?;
    // Relative paths only: `/img/x.png` names the same file from every edition.
    let path = dest.trim().split(['#', '?']).next().unwrap_or("");
    if !path.starts_with('/') {
        key.written = crate::index::decode(path.trim_start_matches("./"));
    }
    // A localised variant (`image-variants`) stands for its logical image.
    match index.logical_image(key.display()) {
        Some(name) => Some(ImageKey {
            resolved: None,
            name,
            written: String::new(),
        }),
        None => Some(key),
    }
}

fn image_key_of_file(index: &Index, from: &str, dest: &str) -> Option<ImageKey> {
    let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    match index.resolve(from, dest) {
        Target::File { path, .. } => Some(ImageKey {
            name: name(&path),
            resolved: Some(path),
            written: String::new(),
        }),
        Target::Missing { path } | Target::OutsideLink { path } | Target::Dir { path } => {
            Some(ImageKey {
                resolved: None,
                name: name(&path),
                written: String::new(),
            })
        }
        Target::EscapesRoot => Some(ImageKey {
            resolved: None,
            name: name(dest),
            written: String::new(),
        }),
        _ => None,
    }
}

/// Distinctive tokens of a heading: containing a digit, two capitals, or a
/// capital after a lowercase letter.
pub(crate) fn tokens(text: &str) -> Vec<u64> {
    let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '#')));
    sorted(
        words
            .map(|w| w.trim_matches('.'))
            .filter(|w| !w.is_empty())
            .filter(|w| distinctive(w))
            .map(hash_ascii_lower)
            .collect(),
    )
}

/// A heading's [`tokens`], and its Latin words of four letters or more:
/// a translated heading often keeps the source's term (`ডাইমেনশন
/// (Dimension)`, `Installation`).
///
/// Words of Latin letters (accents folded) are also kept by their first
/// five letters: cognates (`Configuración`, `Configuration`;
/// `Compatibilité`, `Compatibility`) share them.
fn heading_tokens(text: &str) -> Vec<u64> {
    let mut out = tokens(text);
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.len() >= 4 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            out.push(hash_ascii_lower(w));
        }
    }
    cognates(text, &mut out);
    sorted(out)
}

/// The first five letters of each word (a maximal run of alphanumeric
/// characters) made of five Latin letters or more, as keys. Whether a
/// character that is not a Latin letter is alphanumeric (so part of the
/// word, which it spoils) or not (so between words) matters only next to
/// a Latin letter: elsewhere both leave no Latin word, and Unicode's
/// tables are not asked (a property test holds this to splitting into
/// words first).
fn cognates(text: &str, out: &mut Vec<u64>) {
    let mut first = [0u8; 5];
    // The Latin letters of the word being read; whether it has anything else.
    let (mut len, mut spoilt) = (0usize, false);
    let mut end = |len: &mut usize, spoilt: &mut bool, first: &[u8; 5]| {
        if !*spoilt && *len >= 5 {
            out.push(hash(&("cognate", first)));
        }
        (*len, *spoilt) = (0, false);
    };
    let mut chars = text.chars().peekable();
    let mut after_latin = false;
    while let Some(c) = chars.next() {
        if let Some(f) = fold_latin(c) {
            if len < 5 {
                first[len] = f as u8;
            }
            len += 1;
            after_latin = true;
            continue;
        }
        let near_latin = after_latin || chars.peek().is_some_and(|&n| fold_latin(n).is_some());
        after_latin = false;
        let alphanumeric = if c.is_ascii() {
            c.is_ascii_digit()
        } else {
            !near_latin || crate::parse::case::is_alphanumeric(c)
        };
        if alphanumeric {
            spoilt = true;
        } else {
            end(&mut len, &mut spoilt, &first);
        }
    }
    end(&mut len, &mut spoilt, &first);
}

/// A heading's text as compared between versions: its words joined by
/// one space, lowercased (`split_whitespace`, `join(" ")`,
/// `to_lowercase`, without the list of words between).
fn normalised(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(w);
    }
    crate::parse::case::to_lowercase(&joined)
}

/// A Latin letter, lowercased and without its accent; `None` for any other
/// character.
fn fold_latin(c: char) -> Option<char> {
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then(|| c.to_ascii_lowercase());
    }
    // Nothing from U+0250 on lowercases to a letter below, but the Kelvin
    // and Ångström signs (a test checks every character).
    if c >= '\u{250}' && !matches!(c, '\u{212a}' | '\u{212b}') {
        return None;
    }
    fold_latin_slowly(c)
}

/// [`fold_latin`] by lowercasing first (for the characters before U+0250).
fn fold_latin_slowly(c: char) -> Option<char> {
    let c = c.to_lowercase().next().unwrap_or(c);
    Some(match c {
        'a'..='z' => c,
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' | 'ă' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' | 'ș' | 'ş' => 's',
        'ț' | 'ţ' | 'ť' => 't',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ď' => 'd',
        _ => return None,
    })
}

fn distinctive(w: &str) -> bool {
    // A digit, or a capital after the first character (two capitals have
    // one there): one pass.
    w.bytes()
        .enumerate()
        .any(|(i, b)| b.is_ascii_digit() || (i > 0 && b.is_ascii_uppercase()))
}

/// The maximal runs of `text` made of ASCII bytes that `keep` accepts — as
/// `text.split(|c| !keep(c))` without the empty pieces, scanning bytes (an
/// ASCII byte never sits inside a multi-byte character).
#[cfg(test)]
fn ascii_runs(text: &str, keep: impl Fn(u8) -> bool) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !(bytes[i].is_ascii() && keep(bytes[i])) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii() && keep(bytes[i]) {
            i += 1;
        }
        text.get(start..i)
    })
}

/// [`numbers`] and Latin words (see [`Features::latin`]) of a text in one
/// scan: in a text of another script every Latin word is kept, and the
/// text is read as bit masks ([`numbers_and_all_words`]); in a Latin-script
/// text only distinctive words are, each found from one of its digits,
/// underscores or inner capitals ([`numbers_and_distinctive_words`]).
/// Property tests hold both to [`numbers`] and [`latin_words`].
fn numbers_and_latin_words(
    text: &str,
    foreign_script: bool,
    numbers_out: &mut Vec<u64>,
    latin_out: &mut Vec<u64>,
) {
    if foreign_script {
        numbers_and_all_words(text, numbers_out, latin_out);
    } else {
        numbers_and_distinctive_words(text, numbers_out, latin_out);
    }
}

/// [`numbers_and_latin_words`] of a text in a Latin script, where only
/// distinctive words are kept (a digit, `_` or a capital after the first
/// byte, see [`latin_words`]): every such word and every number has a digit,
/// `_` or a capital in it, and most prose has few — so only the bytes that
/// are one of those are looked at (16 at a time), each number and word
/// found from one of its bytes. (A word or number met again from another of
/// its bytes is skipped; either list is sorted and deduplicated after.)
fn numbers_and_distinctive_words(text: &str, numbers_out: &mut Vec<u64>, latin_out: &mut Vec<u64>) {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let in_number = |b: u8| b.is_ascii_digit() || b == b'.' || b == b',';
    // Where the last word and number found end: a byte before them is in
    // them (or between them and the one before).
    let (mut word_end, mut number_end) = (0, 0);
    let mut i = 0;
    loop {
        i = next_candidate(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        let p = i;
        i += 1;
        let capital = b.is_ascii_uppercase();
        // A capital that starts its word says nothing (see `distinctive`).
        if capital && (p == 0 || !is_word(bytes[p - 1])) {
            continue;
        }
        if p >= word_end {
            let (start, end) = run_around(bytes, p, is_word);
            word_end = end;
            let letter = bytes[start..end].iter().any(u8::is_ascii_alphabetic);
            if end - start >= 3 && letter {
                // ASCII bytes: always on character boundaries.
                if let Some(w) = text.get(start..end) {
                    latin_out.push(hash_ascii_lower(w));
                }
            }
        }
        if b.is_ascii_digit() && p >= number_end {
            let (start, end) = run_around(bytes, p, in_number);
            number_end = end;
            if let Some(w) = text.get(start..end) {
                number(w, numbers_out);
            }
        }
    }
}

/// The maximal run of bytes that `in_run` accepts around byte `p` (which
/// it accepts): where it starts and ends.
fn run_around(bytes: &[u8], p: usize, in_run: impl Fn(u8) -> bool) -> (usize, usize) {
    let start = bytes[..p]
        .iter()
        .rposition(|&b| !in_run(b))
        .map_or(0, |k| k + 1);
    let end = bytes[p..]
        .iter()
        .position(|&b| !in_run(b))
        .map_or(bytes.len(), |k| p + k);
    (start, end)
}

/// What the 16-byte scans share.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_set1_epi8,
    };

    /// The bytes of `v` within `lo..=hi`, both ASCII (signed comparisons:
    /// bytes of 0x80 and up are negative, outside every such range).
    pub(super) fn within(v: __m128i, lo: u8, hi: u8) -> __m128i {
        // SAFETY (for each intrinsic): SSE2 is part of x86_64.
        unsafe {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
            )
        }
    }
}

/// The first byte from `i` on that is a digit, `_` or a capital, or the
/// end: 16 bytes at a time where SSE2 is there.
fn next_candidate(bytes: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use sse2::within;
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        };
        while i + 16 <= bytes.len() {
            // SAFETY: the 16 bytes from `i` are in the slice.
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr().add(i).cast()) };
            let found = unsafe {
                _mm_or_si128(
                    _mm_or_si128(within(v, b'0', b'9'), within(v, b'A', b'Z')),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8)),
                )
            };
            let mask = unsafe { _mm_movemask_epi8(found) } as u32;
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    while i < bytes.len()
        && !(bytes[i].is_ascii_digit() || bytes[i].is_ascii_uppercase() || bytes[i] == b'_')
    {
        i += 1;
    }
    i
}

/// [`numbers_and_latin_words`] of a text in another script, where every
/// Latin word is kept: 64 bytes at a time, as bit masks of the bytes of
/// words (ASCII letters, digits, `_`) and of numbers (digits, `.`, `,`),
/// whose runs are the words and the numbers' runs — each kept when it has
/// a letter (a digit). A run still open at a block's end goes on in the
/// next.
fn numbers_and_all_words(text: &str, numbers_out: &mut Vec<u64>, latin_out: &mut Vec<u64>) {
    let bytes = text.as_bytes();
    // ASCII bytes: always on character boundaries.
    let mut word = |start: usize, end: usize, letter: bool| {
        if end - start >= 3
            && letter
            && let Some(w) = text.get(start..end)
        {
            latin_out.push(hash_ascii_lower(w));
        }
    };
    let mut number_run = |start: usize, end: usize, digit: bool| {
        if digit && let Some(w) = text.get(start..end) {
            number(w, numbers_out);
        }
    };
    // The runs open at the last block's end: where each started, and
    // whether it has a letter (a digit) so far.
    let (mut open_word, mut open_number) = (None, None);
    let mut base = 0;
    while base < bytes.len() {
        let masks = match bytes.get(base..base + 64) {
            Some(block) => block_masks(block),
            None => {
                // The last, short block, after which zeros (in no run).
                let mut buf = [0u8; 64];
                buf[..bytes.len() - base].copy_from_slice(&bytes[base..]);
                block_masks(&buf)
            }
        };
        runs(masks.word, masks.letter, base, &mut open_word, &mut word);
        runs(
            masks.number,
            masks.digit,
            base,
            &mut open_number,
            &mut number_run,
        );
        base += 64;
    }
    if let Some((start, letter)) = open_word {
        word(start, bytes.len(), letter);
    }
    if let Some((start, digit)) = open_number {
        number_run(start, bytes.len(), digit);
    }
}

/// Which of 64 bytes are in words, letters, in numbers, digits (bit `i`:
/// byte `i`).
struct Masks {
    word: u64,
    letter: u64,
    number: u64,
    digit: u64,
}

fn block_masks(block: &[u8]) -> Masks {
    let mut m = Masks {
        word: 0,
        letter: 0,
        number: 0,
        digit: 0,
    };
    #[cfg(target_arch = "x86_64")]
    {
        use sse2::within;
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        // SAFETY (for each intrinsic): SSE2 is part of x86_64.
        let is = |v: __m128i, b: u8| unsafe { _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)) };
        let bits = |v: __m128i| u64::from(unsafe { _mm_movemask_epi8(v) } as u16);
        for k in 0..4 {
            // SAFETY: the block has 64 bytes.
            let v = unsafe { _mm_loadu_si128(block[k * 16..k * 16 + 16].as_ptr().cast()) };
            // A letter of either case is a lowercase letter with 0x20 set.
            let letter = within(unsafe { _mm_or_si128(v, _mm_set1_epi8(0x20)) }, b'a', b'z');
            let digit = within(v, b'0', b'9');
            let word = unsafe { _mm_or_si128(_mm_or_si128(letter, digit), is(v, b'_')) };
            let number = unsafe { _mm_or_si128(digit, _mm_or_si128(is(v, b'.'), is(v, b','))) };
            let at = 16 * k;
            m.word |= bits(word) << at;
            m.letter |= bits(letter) << at;
            m.number |= bits(number) << at;
            m.digit |= bits(digit) << at;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (i, &b) in block.iter().enumerate().take(64) {
        let digit = b.is_ascii_digit();
        let letter = b.is_ascii_alphabetic();
        m.word |= u64::from(letter || digit || b == b'_') << i;
        m.letter |= u64::from(letter) << i;
        m.number |= u64::from(digit || b == b'.' || b == b',') << i;
        m.digit |= u64::from(digit) << i;
    }
    m
}

/// The runs of set bits of `mask` (the block at `base`), each given to
/// `done` with whether `flag` has a bit in it — `open` carries a run open
/// at the previous block's end in, and one open at this block's end out.
fn runs(
    mask: u64,
    flag: u64,
    base: usize,
    open: &mut Option<(usize, bool)>,
    done: &mut impl FnMut(usize, usize, bool),
) {
    if mask & 1 == 0
        && let Some((start, has)) = open.take()
    {
        done(start, base, has);
    }
    let mut m = mask;
    while m != 0 {
        let s = m.trailing_zeros();
        // (`trailing_zeros` of 0 is 64: a run to the block's end.)
        let len = (!(m >> s)).trailing_zeros();
        let e = s + len;
        let run = if len == 64 {
            u64::MAX
        } else {
            ((1u64 << len) - 1) << s
        };
        let (start, had) = match open.take() {
            Some(o) => o,
            None => (base + s as usize, false),
        };
        let has = had || flag & run != 0;
        if e == 64 {
            *open = Some((start, has));
            break;
        }
        done(start, base + e as usize, has);
        m &= u64::MAX << e;
    }
}

/// Numbers in a text (digits, with inner `.` or `,`), normalised.
fn numbers(text: &str, out: &mut Vec<u64>) {
    // Only runs with a digit give a number: from each digit not yet read,
    // the run of digits, `.` and `,` around it.
    let bytes = text.as_bytes();
    let in_run = |b: u8| b.is_ascii_digit() || b == b'.' || b == b',';
    let mut i = 0;
    while let Some(d) = bytes[i..].iter().position(u8::is_ascii_digit) {
        let d = i + d;
        let start = bytes[..d]
            .iter()
            .rposition(|&b| !in_run(b))
            .map_or(0, |k| k + 1)
            .max(i);
        let end = bytes[d..]
            .iter()
            .position(|&b| !in_run(b))
            .map_or(bytes.len(), |k| d + k);
        if let Some(w) = text.get(start..end) {
            number(w, out);
        }
        i = end;
    }
}

/// A number of [`numbers`] from the run of digits, `.` and `,` it is.
fn number(w: &str, out: &mut Vec<u64>) {
    let w = w.trim_matches(['.', ',']);
    if w.bytes().any(|b| b.is_ascii_digit()) {
        out.push(if w.contains(',') {
            hash(&w.replace(',', ""))
        } else {
            hash(w)
        });
    }
}

/// [`numbers`] from every run of digits, `.` and `,` (the reference its
/// test compares with).
#[cfg(test)]
fn numbers_by_runs(text: &str, out: &mut Vec<u64>) {
    for w in ascii_runs(text, |b| b.is_ascii_digit() || b == b'.' || b == b',') {
        number(w, out);
    }
}

/// Latin words that survive translation (see [`Features::latin`]): runs
/// of ASCII letters, digits and `_` of three bytes or more with a letter,
/// kept when the text is mostly in another script, or when the word has a
/// digit, a `_` or a capital after its first letter ([`distinctive`]).
/// The runs are found scanning bytes, with no iterator of runs between
/// (the reference of [`numbers_and_latin_words`]).
#[cfg(test)]
fn latin_words(text: &str, foreign_script: bool, out: &mut Vec<u64>) {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut letter = false;
        while let Some(&b) = bytes.get(i).filter(|&&b| word(b)) {
            letter |= b.is_ascii_alphabetic();
            i += 1;
        }
        // An ASCII run: always on a character boundary.
        let Some(w) = text.get(start..i).filter(|w| w.len() >= 3 && letter) else {
            continue;
        };
        if foreign_script || distinctive(w) || w.contains('_') {
            out.push(hash_ascii_lower(w));
        }
    }
}

/// [`latin_words`] from the runs and the tests on each (the reference its
/// test compares with).
#[cfg(test)]
fn latin_words_by_runs(text: &str, foreign_script: bool, out: &mut Vec<u64>) {
    for w in ascii_runs(text, |b| b.is_ascii_alphanumeric() || b == b'_') {
        if w.len() < 3 || !w.bytes().any(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        if foreign_script || distinctive(w) || w.contains('_') {
            out.push(hash_ascii_lower(w));
        }
    }
}

/// How many characters of `text` are not whitespace — as
/// `text.chars().filter(|c| !c.is_whitespace()).count()`, counting bytes:
/// every byte that does not continue a character starts one; ASCII
/// whitespace is `\t`–`\r` and the space; the other whitespace characters
/// (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
/// U+3000) start with 0xC2, 0xE1, 0xE2 or 0xE3 and are told by the bytes
/// after.
fn non_space_chars(text: &str) -> usize {
    let bytes = text.as_bytes();
    // Without branches, so that it runs on vectors: one per byte that
    // starts a character and is not ASCII whitespace, summed in bytes over
    // blocks short enough not to overflow one.
    let mut n = 0;
    for block in bytes.chunks(255) {
        let counted: u8 = block.iter().fold(0u8, |n, &b| {
            let starts = (b as i8) >= -0x40;
            let space = b == b' ' || (b'\t'..=b'\r').contains(&b);
            n + u8::from(starts & !space)
        });
        n += usize::from(counted);
    }
    // Then the non-ASCII whitespace, looked for only in the blocks that
    // have one of its lead bytes.
    for (k, block) in bytes.chunks(64).enumerate() {
        let lead = |b: u8| (b == 0xc2) | (b.wrapping_sub(0xe1) < 3);
        if block.iter().fold(0u8, |any, &b| any | u8::from(lead(b))) == 0 {
            continue;
        }
        for (i, &b) in block.iter().enumerate() {
            if lead(b) && unicode_space(&bytes[k * 64 + i..]) {
                n -= 1;
            }
        }
    }
    n
}

/// Whether the character at the start of `bytes` is a non-ASCII whitespace
/// character (see [`non_space_chars`]).
fn unicode_space(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [0xc2, 0x85 | 0xa0, ..]
            | [0xe1, 0x9a, 0x80, ..]
            | [0xe2, 0x80, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf, ..]
            | [0xe2, 0x81, 0x9f, ..]
            | [0xe3, 0x80, 0x80, ..]
    )
}

/// Words of a text, lowercased (any script).
fn all_words(text: &str, out: &mut Vec<u64>) {
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if !w.is_empty() {
            out.push(hash_lower(w));
        }
    }
}

/// Whether most letters of the document's prose are not Latin.
fn mostly_foreign(doc: &Document, text: &str) -> bool {
    let (mut latin, mut other) = (0usize, 0usize);
    // Unicode's table is searched once per character met, not per
    // occurrence (a text uses few characters).
    let mut known = [(u32::MAX, false); 256];
    let mut alphabetic = |c: char| {
        let k = c as u32;
        let slot = &mut known[((k ^ (k >> 8)) & 0xff) as usize];
        if slot.0 != k {
            *slot = (k, c.is_alphabetic());
        }
        slot.1
    };
    for p in doc.prose.iter(text).take(200) {
        for c in p.text.chars() {
            if c.is_ascii() {
                latin += usize::from(c.is_ascii_alphabetic());
            } else if alphabetic(c) {
                if ('\u{c0}'..='\u{24f}').contains(&c) {
                    latin += 1;
                } else {
                    other += 1;
                }
            }
        }
    }
    other > latin
}

/// Features of every section of `doc` (the file at `path`), section 0 (the
/// preamble) included. `words`: also collect every word (for aligning two
/// versions of the same edition).
pub fn features(doc: &Document, file: &SourceFile, index: &Index) -> Vec<Features> {
    extract(doc, file, index, false)
}

/// [`features`] with every word (versions of the same edition).
pub fn features_with_words(doc: &Document, file: &SourceFile, index: &Index) -> Vec<Features> {
    extract(doc, file, index, true)
}

/// A link's key: the file it resolves to (missing or not) or the external
/// URL, without the fragment; `None` for a link to the same page.
fn link_hash(index: &Index, path: &str, dest: &str) -> Option<u64> {
    // (hashed as the `str` it is: a `String` hashes as its `str` does)
    let resolved: String;
    let key = match index.resolve(path, dest) {
        Target::External if !dest.is_empty() => dest.split('#').next(),
        Target::File { path, .. } | Target::Dir { path } | Target::Missing { path } => {
            resolved = path;
            Some(resolved.as_str())
        }
        _ => None,
    };
    key.filter(|k| !k.is_empty()).map(hash)
}

/// A local image's key: its file name (a broken path still names the same
/// diagram).
fn image_hash(index: &Index, path: &str, dest: &str) -> Option<u64> {
    image_key(index, path, dest).map(|key| hash(&key.name))
}

/// What a document's features took from the rest of the tree: each link's
/// and image's key, which rests on the files there are (and the sites'
/// rules). Features kept from an earlier run hold while these do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolutions {
    pub links: Vec<(Box<str>, Option<u64>)>,
    pub images: Vec<(Box<str>, Option<u64>)>,
}

impl Resolutions {
    /// The resolutions `features` of `doc` made (`file` at its path).
    pub fn of(doc: &Document, file: &SourceFile, index: &Index) -> Self {
        let (path, text) = (file.path.as_str(), file.text.as_str());
        let mut seen = crate::source::HashSet::default();
        let mut r = Resolutions::default();
        for l in &doc.links {
            let dest = l.dest(text);
            if seen.insert((0u8, dest)) {
                r.links.push((dest.into(), link_hash(index, path, dest)));
            }
        }
        for img in &doc.images {
            let dest = img.dest(text);
            if seen.insert((1u8, dest)) {
                r.images.push((dest.into(), image_hash(index, path, dest)));
            }
        }
        r
    }

    /// Whether every link and image resolves as it did, from `path` in
    /// `index`.
    pub fn hold(&self, index: &Index, path: &str) -> bool {
        (self.links.iter()).all(|(dest, key)| link_hash(index, path, dest) == *key)
            && (self.images.iter()).all(|(dest, key)| image_hash(index, path, dest) == *key)
    }
}

fn extract(doc: &Document, file: &SourceFile, index: &Index, with_words: bool) -> Vec<Features> {
    let (path, text) = (file.path.as_str(), file.text.as_str());
    if super::interrupt::fired() {
        // Nobody waits for the alignment these would serve.
        return doc
            .sections
            .iter()
            .map(|s| Features {
                level: s.level,
                parent: s.parent(),
                ..Features::default()
            })
            .collect();
    }
    let foreign = mostly_foreign(doc, text);
    let mut out: Vec<Features> = doc
        .sections
        .iter()
        .map(|s| {
            let mut f = Features {
                level: s.level,
                parent: s.parent(),
                ..Features::default()
            };
            if let Some(h) = s.heading() {
                let heading = &doc.headings[h];
                let normal = normalised(&heading.text);
                // The same heading text (an untranslated heading) — not the
                // same generated id: `C++` and `C` are both `#c`.
                f.ids.push(hash(&("heading", normal.as_str())));
                f.slug = Some(hash(heading.id.as_str()));
                if let Some(c) = &heading.custom_id {
                    f.ids.push(hash(c.as_str()));
                }
                f.tokens = heading_tokens(&heading.text);
                numbers(&heading.text, &mut f.numbers);
                f.heading = hash(&normal);
                if with_words {
                    all_words(&heading.text, &mut f.words);
                }
            }
            f
        })
        .collect();
    if out.is_empty() {
        return out;
    }
    let at = |offset: usize| doc.section_at(offset);
    // An anchor with nothing but markup between it and the next heading
    // (`<a id="install"></a>` on the line above `## Installation`) names
    // that heading: it belongs to the next section, not to the end of this one.
    let mut content: Vec<usize> = Vec::new();
    if !doc.anchors.is_empty() {
        content = (doc.prose.iter(text).map(|p| p.span.start))
            .chain(doc.images.iter().map(|i| i.span.start))
            .chain(doc.links.iter().map(|l| l.span.start))
            .chain(doc.code_blocks.iter().map(|c| c.span.start))
            .chain(doc.inline_code.iter().map(|c| c.start as usize))
            .collect();
        content.sort_unstable();
    }
    for a in &doc.anchors {
        let mut s = at(a.span.start);
        if let Some(next) = doc.sections.get(s + 1) {
            let after = content.partition_point(|&c| c < a.span.end);
            if content.get(after).is_none_or(|&c| c >= next.span.start) {
                s += 1;
            }
        }
        out[s].ids.push(hash(a.id.as_str()));
    }
    for img in &doc.images {
        if let Some(key) = image_hash(index, path, img.dest(text)) {
            out[at(img.span.start)].images.push(key);
        }
    }
    for c in &doc.code_blocks {
        out[at(c.span.start)].code.push(c.hash);
    }
    for c in &doc.inline_code {
        out[at(c.start as usize)].inline.push(c.hash);
    }
    for l in &doc.links {
        if super::interrupt::fired() {
            break;
        }
        if let Some(key) = link_hash(index, path, l.dest(text)) {
            out[at(l.span.start)].links.push(key);
        }
    }
    for p in doc.prose.iter(text) {
        if super::interrupt::fired() {
            break;
        }
        let f = &mut out[at(p.span.start)];
        f.length += non_space_chars(p.text) as f64;
        numbers_and_latin_words(p.text, foreign, &mut f.numbers, &mut f.latin);
        if with_words {
            all_words(p.text, &mut f.words);
        }
    }
    for &(start, shape) in &doc.shape {
        let f = &mut out[at(start as usize)];
        match shape {
            Shape::ListItem => f.list_items += 1,
            Shape::TableRow => f.table_rows += 1,
        }
    }
    for f in &mut out {
        // (the heading's tokens are sorted already: sorting them again
        // leaves them as they are)
        for set in f.key_sets_mut() {
            *set = sorted(std::mem::take(set));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `features` is `features_with_words` without the words (an old
    /// version's features with words serve as its plain ones).
    #[test]
    fn features_are_those_with_words_without_the_words() {
        let texts = [
            "# Guide\n\nIntro with 2 numbers 1998 and `code`.\n\n## Install\n\nRun [it](b.md#x) and \
             see ![d](img/d.png).\n\n```sh\nmake\n```\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "# 指南\n\n安装 HTTP/2 服务器，参见 [文档](https://example.com/docs#a)。\n\n## 安装 {#install}\n\n<a id=\"x\"></a>\n\n运行 `make` 和 gRPC。\n",
            "Preamble only, no heading: Words Words words.\n",
        ];
        let index = crate::index::Index::default();
        for text in texts {
            let doc = crate::parse::parse(text);
            let file = SourceFile::new("docs/README.md".into(), text.into());
            let mut with_words = features_with_words(&doc, &file, &index);
            assert!(with_words.iter().any(|f| !f.words.is_empty()), "{text}");
            for f in &mut with_words {
                f.words.clear();
            }
            assert_eq!(with_words, features(&doc, &file, &index), "{text}");
        }
    }

    #[test]
    fn fold_latin_is_its_slow_form_for_every_character() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(fold_latin(c), fold_latin_slowly(c), "U+{:04X}", c as u32);
        }
    }

    /// [`cognates`] by splitting into words first (the reference).
    fn cognates_by_words(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for w in text.split(|c: char| !c.is_alphanumeric()) {
            let mut first = [0u8; 5];
            let mut len = 0;
            let latin = w.chars().all(|c| match fold_latin(c) {
                Some(f) => {
                    if len < 5 {
                        first[len] = f as u8;
                    }
                    len += 1;
                    true
                }
                None => false,
            });
            if latin && len >= 5 {
                out.push(hash(&("cognate", &first)));
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn cognates_are_those_of_words(
            text in "[a-zA-Z0-9 .éÉçß\u{130}\u{212a}\u{3131}\u{ac00}-\u{ac10}\u{4e00}\u{0905}\u{0410}-\u{0415}\u{3000}\u{2160}\u{0300}_-]{0,30}"
        ) {
            let mut fast = Vec::new();
            cognates(&text, &mut fast);
            proptest::prop_assert_eq!(fast, cognates_by_words(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_lowercase_hash_is_the_lowercased_words(w in "[a-zA-Z0-9_é]{0,70}") {
            proptest::prop_assert_eq!(hash_ascii_lower(&w), hash(&w.to_ascii_lowercase()));
        }
    }

    #[test]
    fn normalised_is_split_join_lowercase() {
        for t in [
            "",
            "  A  b\tC ",
            "시스템  설계",
            "Ünïcode\u{3000}Text",
            "ΣΑΣ ΟΔΟΣ",
        ] {
            let reference = t
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            assert_eq!(normalised(t), reference, "{t:?}");
        }
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

    #[test]
    fn distinctive_words() {
        for (w, yes) in [
            ("HTTP", true),
            ("gRPC", true),
            ("x86", true),
            ("Http", false),
            ("word", false),
            ("A", false),
            ("AB", true),
            ("ÉA", true),
            ("é", false),
            ("", false),
        ] {
            assert_eq!(distinctive(w), yes, "{w}");
        }
    }

    proptest::proptest! {
        /// Numbers found from their digits are those of every run.
        #[test]
        fn numbers_from_digits_are_those_of_runs(text in "[0-9.,a é]{0,30}") {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            numbers(&text, &mut a);
            numbers_by_runs(&text, &mut b);
            proptest::prop_assert_eq!(a, b);
        }
    }

    /// Every character, alone and between others, counts as
    /// `char::is_whitespace` says.
    #[test]
    fn non_space_chars_is_is_whitespace_for_every_character() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let alone = c.to_string();
            assert_eq!(
                non_space_chars(&alone),
                usize::from(!c.is_whitespace()),
                "{c:?}"
            );
            let between = format!("a{c}\u{3000}b");
            assert_eq!(
                non_space_chars(&between),
                between.chars().filter(|c| !c.is_whitespace()).count(),
                "{c:?}"
            );
        }
    }

    proptest::proptest! {
        /// Numbers and Latin words found in one scan are those found apart
        /// (as sets: [`extract`] sorts and deduplicates both lists, and a
        /// Latin-script text's scan finds each number and word from any
        /// of its bytes, in no set order).
        #[test]
        fn numbers_and_latin_words_in_one_scan_are_those_found_apart(
            text in "([a-zA-Z0-9_ .,é한\u{3000}-]|[a-z]{2,40}|[A-Z][a-z]{1,20}|[0-9][0-9.,]{0,12}|한국어 문장 ){0,100}",
            foreign: bool,
        ) {
            let (mut numbers_a, mut latin_a) = (Vec::new(), Vec::new());
            numbers_and_latin_words(&text, foreign, &mut numbers_a, &mut latin_a);
            let (mut numbers_b, mut latin_b) = (Vec::new(), Vec::new());
            numbers(&text, &mut numbers_b);
            latin_words(&text, foreign, &mut latin_b);
            proptest::prop_assert_eq!(sorted(numbers_a), sorted(numbers_b));
            proptest::prop_assert_eq!(sorted(latin_a), sorted(latin_b));
        }

        /// Latin words found in one pass are those of every run.
        #[test]
        fn latin_words_in_one_pass_are_those_of_runs(
            text in "[a-zA-Z0-9_ .é한\u{3000}-]{0,40}",
            foreign: bool,
        ) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            latin_words(&text, foreign, &mut a);
            latin_words_by_runs(&text, foreign, &mut b);
            proptest::prop_assert_eq!(a, b);
        }

        /// Characters counted from bytes are those `chars()` counts.
        #[test]
        fn non_space_chars_counts_as_chars_does(text in "(\\PC|[ \u{3000}\u{a0}]){0,400}") {
            proptest::prop_assert_eq!(
                non_space_chars(&text),
                text.chars().filter(|c| !c.is_whitespace()).count()
            );
        }
    }

    #[test]
    fn numbers_are_normalised() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        numbers("In 1998, version 2.0 had 10,000 users.", &mut a);
        numbers("1998년 버전 2.0의 사용자는 10000명", &mut b);
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
}
