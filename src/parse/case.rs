//! Case, as the standard library has it, without its table searches for
//! the scripts that have no case: `str::to_lowercase` looks each
//! character of a Korean, Chinese or Hindi heading up in its tables (a
//! binary search each), and `char::is_alphanumeric` each one outside
//! ASCII. Ids, headings and TOC entries of translations are lowercased
//! and split many times a run.

/// `s.to_lowercase()`, the same string: ASCII is lowercased byte by byte
/// and the characters of [`caseless`] blocks are copied; a string with
/// any other character is left to the standard library (which also knows
/// the final sigma's context).
pub fn to_lowercase(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if caseless(c) {
            out.push(c);
        } else if let Some(&lower) = SMALL.get(c as usize).filter(|&&l| l != '\0') {
            out.push(lower);
        } else {
            return s.to_lowercase();
        }
    }
    out
}

/// Up to the end of the Cyrillic blocks (Latin with its accents, Greek,
/// Cyrillic): each character's lowercase, when it is one character that
/// depends on no context; else `'\0'` (`Σ`, whose lowercase depends on
/// where in a word it is, and `İ`, which lowercases to two).
static SMALL: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
    (0..0x530u32)
        .map(|k| {
            let c = char::from_u32(k).unwrap_or('\0');
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if c != 'Σ' => l,
                _ => '\0',
            }
        })
        .collect()
});

/// Whether `c` is in a block of which no character has case (a test
/// checks every one): Hebrew to Myanmar, Hangul Jamo, general
/// punctuation, CJK symbols to CJK ideographs (kana, Bopomofo, Hangul
/// compatibility Jamo among them), Hangul syllables.
fn caseless(c: char) -> bool {
    matches!(
        c as u32,
        0x0590..=0x109F | 0x1100..=0x11FF | 0x2000..=0x206F | 0x3000..=0x9FFF | 0xAC00..=0xD7A3
    )
}

/// `c.is_alphanumeric()`, answered without Unicode's tables for ASCII,
/// CJK ideographs (U+4E00–U+9FFF) and Hangul syllables, all of which are
/// letters (a test checks every one).
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(c as u32, 0x4E00..=0x9FFF | 0xAC00..=0xD7A3) || c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=0x10FFFFu32).filter_map(char::from_u32)
    }

    #[test]
    fn caseless_characters_lowercase_to_themselves() {
        for c in every_char().filter(|&c| caseless(c)) {
            assert!(c.to_lowercase().eq([c]), "{c:?} U+{:04X}", c as u32);
            assert!(c.to_uppercase().eq([c]), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn alphanumeric_is_the_standard_librarys_for_every_character() {
        for c in every_char() {
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn lowercase_is_the_standard_librarys() {
        for s in [
            "",
            "Hello World",
            "시스템 설계 API",
            "ΣΑΣ ΟΔΟΣ",
            "Σ",
            "İstanbul",
            "設計 Ⅻ",
            "ＡＢＣ",
            "Ꭰ 한국어",
            "נתונים ABC",
            "ডাইমেনশন (Dimension)",
            "Straße",
            "Кириллица",
        ] {
            assert_eq!(to_lowercase(s), s.to_lowercase(), "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn lowercase_is_the_standard_librarys_on_any_text(s in "\\PC{0,40}") {
            proptest::prop_assert_eq!(to_lowercase(&s), s.to_lowercase());
        }

        #[test]
        fn lowercase_is_the_standard_librarys_on_mixed_scripts(
            s in "[a-zA-Z0-9 \u{3131}-\u{318e}\u{ac00}-\u{d7a3}\u{4e00}-\u{4e40}\u{0900}-\u{097f}\u{0391}-\u{03c9}\u{0410}-\u{044f}\u{c0}-\u{17f}]{0,30}"
        ) {
            proptest::prop_assert_eq!(to_lowercase(&s), s.to_lowercase());
        }
    }
}
