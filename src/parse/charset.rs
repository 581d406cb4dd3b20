//! Sets of characters written as a regex class (`[^\p{L}\p{N} -]`), for the
//! per-character tests of the slug functions: the class is read with
//! `regex-syntax` (the same Unicode tables as `regex`), but never compiled
//! into an automaton — compiling the large Unicode classes took a third of a
//! small run's time. Membership is a table look-up for ASCII, a bit of a
//! bitmap for the rest of the Basic Multilingual Plane (where nearly every
//! heading's characters are), a binary search over the class's ranges
//! beyond.

/// A set of `char`s.
#[derive(Debug, Clone)]
pub struct CharSet {
    ascii: [bool; 128],
    /// One bit per code point below U+10000 (8 KiB).
    bmp: Box<[u64; 1024]>,
    ranges: Vec<(char, char)>,
}

impl CharSet {
    /// The set a one-class regex pattern matches. Panics on any other
    /// pattern: the patterns are constants of this program.
    pub fn new(pattern: &str) -> Self {
        let hir = regex_syntax::Parser::new()
            .parse(pattern)
            .expect("a valid class pattern");
        let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) =
            hir.kind()
        else {
            panic!("not a Unicode class: {pattern}")
        };
        let ranges: Vec<(char, char)> = class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect();
        let mut ascii = [false; 128];
        for (i, slot) in ascii.iter_mut().enumerate() {
            let c = char::from(i as u8);
            *slot = Self::search(&ranges, c);
        }
        let mut bmp = Box::new([0u64; 1024]);
        for &(lo, hi) in &ranges {
            // The bits from `lo` to `hi`, a word at a time.
            let (mut a, end) = (u32::from(lo), (u32::from(hi) + 1).min(0x10000));
            while a < end {
                let n = (64 - a % 64).min(end - a);
                let bits = if n == 64 {
                    u64::MAX
                } else {
                    ((1 << n) - 1) << (a % 64)
                };
                bmp[(a / 64) as usize] |= bits;
                a += n;
            }
        }
        Self { ascii, bmp, ranges }
    }

    fn search(ranges: &[(char, char)], c: char) -> bool {
        ranges
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    pub fn contains(&self, c: char) -> bool {
        let k = u32::from(c);
        if c.is_ascii() {
            self.ascii[c as usize]
        } else if k <= 0xffff {
            self.bmp[(k / 64) as usize] & (1 << (k % 64)) != 0
        } else {
            Self::search(&self.ranges, c)
        }
    }

    /// `text` without the characters of this set, spaces turned into `-`
    /// one for one: the last step of the slug functions that remove a
    /// class (`re.replace_all(text, "").replace(' ', "-")`).
    pub fn remove_then_dash(&self, text: &str) -> String {
        text.chars()
            .filter(|&c| !self.contains(c))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::CharSet;

    /// Every code point: the set answers as the compiled regex does.
    #[test]
    fn agrees_with_the_regex_on_every_code_point() {
        for pattern in [
            r"[^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc} \-]&&\p{Age=13.0}]",
            r"[^\p{L}\p{M}\p{N}\p{Pc} \-]",
            r"\p{Mn}",
        ] {
            let set = CharSet::new(pattern);
            let re = regex::Regex::new(&format!("^{pattern}$")).unwrap();
            let mut buf = [0u8; 4];
            for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
                assert_eq!(
                    set.contains(c),
                    re.is_match(c.encode_utf8(&mut buf)),
                    "{pattern} {c:?}"
                );
            }
        }
    }
}
