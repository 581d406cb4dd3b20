//! Sets of characters written as a regex class (`[^\p{L}\p{N} -]`), for the
//! per-character tests of the slug functions: the class is read with
//! `regex-syntax` (the same Unicode tables as `regex`), but never compiled
//! into an automaton — compiling the large Unicode classes took a third of a
//! small run's time. Membership is a binary search over the class's ranges.

/// A set of `char`s.
#[derive(Debug, Clone)]
pub struct CharSet {
    ascii: [bool; 128],
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
        Self { ascii, ranges }
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
        if c.is_ascii() {
            self.ascii[c as usize]
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
