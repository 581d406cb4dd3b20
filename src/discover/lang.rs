//! Language codes as they appear in documentation file names.
//!
//! Real projects use ISO 639-1 codes (`ko`), BCP 47 tags (`zh-CN`, `pt_BR`)
//! and odd codes of their own (`kr`, `cn`, `ptbr`, `kh`). This module decides
//! whether a name part is a language code and maps odd codes to the language
//! the text is written in.

/// ISO 639-1 two-letter codes.
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Codes used in real repositories that are not (or not meant as) ISO 639-1,
/// with the language they stand for. Where an odd code collides with an ISO
/// code (`kr` is Kanuri, `tw` Twi, `br` Breton), documentation projects almost
/// always mean the language listed here; `[languages]` in `lockstep.toml`
/// overrides it.
const ALIASES: &[(&str, &str)] = &[
    ("br", "pt-BR"),
    ("cn", "zh-Hans"),
    ("cz", "cs"),
    ("dk", "da"),
    ("fil", "tl"),
    ("gr", "el"),
    ("hk", "zh-Hant"),
    ("in", "id"),
    ("ir", "fa"),
    ("iw", "he"),
    ("jp", "ja"),
    ("kh", "km"),
    ("kr", "ko"),
    ("ptbr", "pt-BR"),
    ("ptpt", "pt"),
    ("tw", "zh-Hant"),
    ("ua", "uk"),
    ("vn", "vi"),
    ("zhcn", "zh-Hans"),
    ("zhtw", "zh-Hant"),
];

fn alias(code: &str) -> Option<&'static str> {
    ALIASES
        .binary_search_by(|(k, _)| (*k).cmp(code))
        .ok()
        .map(|i| ALIASES[i].1)
}

/// Whether `s` looks like a language tag: `ko`, `zh-CN`, `pt_BR`, `zh-Hans`, `ptbr`.
pub fn is_code_shaped(s: &str) -> bool {
    let mut parts = s.split(['-', '_']);
    let Some(primary) = parts.next() else {
        return false;
    };
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether `s` is a language code lockstep recognises without configuration:
/// an ISO 639-1 code or a known odd code, optionally with a region or script
/// subtag (`zh-CN`, `pt_BR`, `zh-Hant`).
pub fn is_known_code(s: &str) -> bool {
    // Called for several name parts of every file of a tree: byte by byte,
    // with the two-letter codes in a table (tldr-pages: 170,000 calls).
    let bytes = s.as_bytes();
    let primary_len = bytes
        .iter()
        .position(|&b| b == b'-' || b == b'_')
        .unwrap_or(bytes.len());
    let (primary, mut rest) = bytes.split_at(primary_len);
    if !(2..=8).contains(&primary.len()) || !primary.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    // Every subtag after the primary: 2 to 4 ASCII letters or digits.
    while let Some((_, tail)) = rest.split_first() {
        let len = tail
            .iter()
            .position(|&b| b == b'-' || b == b'_')
            .unwrap_or(tail.len());
        let (part, next) = tail.split_at(len);
        if !(2..=4).contains(&part.len()) || !part.iter().all(u8::is_ascii_alphanumeric) {
            return false;
        }
        rest = next;
    }
    let lower = |i: usize| primary[i].to_ascii_lowercase();
    match primary.len() {
        2 => TWO_LETTER[usize::from(lower(0) - b'a') * 26 + usize::from(lower(1) - b'a')],
        3 | 4 => ALIASES.iter().any(|(k, _)| {
            k.len() == primary.len() && k.bytes().enumerate().all(|(i, b)| b == lower(i))
        }),
        _ => false,
    }
}

/// Two-letter codes, ISO 639-1 and aliases alike, by `26 · first + second`.
static TWO_LETTER: [bool; 26 * 26] = {
    let mut table = [false; 26 * 26];
    let mut i = 0;
    while i < ISO_639_1.len() {
        let b = ISO_639_1[i].as_bytes();
        table[(b[0] - b'a') as usize * 26 + (b[1] - b'a') as usize] = true;
        i += 1;
    }
    let mut i = 0;
    while i < ALIASES.len() {
        let b = ALIASES[i].0.as_bytes();
        if b.len() == 2 {
            table[(b[0] - b'a') as usize * 26 + (b[1] - b'a') as usize] = true;
        }
        i += 1;
    }
    table
};

/// [`is_known_code`] as the rule reads (the reference its test compares with).
#[cfg(test)]
fn is_known_code_by_parts(s: &str) -> bool {
    if !is_code_shaped(s) {
        return false;
    }
    let mut parts = s.split(['-', '_']);
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    let rest_ok = parts.all(|p| (2..=4).contains(&p.len()));
    (ISO_639_1.binary_search(&primary.as_str()).is_ok() || alias(&primary).is_some()) && rest_ok
}

/// The language a file-name code stands for, as a BCP 47-ish tag:
/// `kr` → `ko`, `cn` → `zh-Hans`, `pt_BR` → `pt-BR`, `zh_TW` → `zh-Hant`.
pub fn canonical(code: &str) -> String {
    let lower = code.to_ascii_lowercase();
    if let Some(a) = alias(&lower) {
        return a.to_string();
    }
    let mut parts = lower.split(['-', '_']);
    let primary = parts.next().unwrap_or("").to_string();
    let rest: Vec<&str> = parts.collect();
    if primary == "zh"
        && let Some(sub) = rest.first()
    {
        return match *sub {
            "tw" | "hk" | "mo" | "hant" => "zh-Hant".into(),
            _ => "zh-Hans".into(),
        };
    }
    let mut out = primary;
    for sub in rest {
        out.push('-');
        match sub.len() {
            2 => out.push_str(&sub.to_ascii_uppercase()),
            4 => {
                let mut c = sub.chars();
                if let Some(f) = c.next() {
                    out.push(f.to_ascii_uppercase());
                    out.push_str(c.as_str());
                }
            }
            _ => out.push_str(sub),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte-level test says what the rule says, part by part.
        #[test]
        fn known_codes_by_bytes_are_those_by_parts(s in "[a-zA-Z]{1,9}([-_][a-zA-Z0-9]{0,9}){0,3}|[a-zA-Zé0-9_-]{0,10}") {
            proptest::prop_assert_eq!(is_known_code(&s), is_known_code_by_parts(&s), "{}", s);
        }
    }

    #[test]
    fn every_listed_code_is_known() {
        for code in ISO_639_1.iter().chain(ALIASES.iter().map(|(k, _)| k)) {
            assert!(is_known_code(code), "{code}");
            assert!(is_known_code(&code.to_ascii_uppercase()), "{code}");
            assert!(is_known_code(&format!("{code}-XY")), "{code}");
        }
    }

    #[test]
    fn tables_are_sorted() {
        assert!(ISO_639_1.windows(2).all(|w| w[0] < w[1]));
        assert!(ALIASES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn codes() {
        for c in ["ko", "zh-CN", "pt_BR", "ptbr", "kr", "zh-Hant", "es"] {
            assert!(is_known_code(c), "{c}");
        }
        for c in ["dev", "api", "old", "v2", "x", "draft", "ko-"] {
            assert!(!is_known_code(c), "{c}");
        }
        assert_eq!(canonical("kr"), "ko");
        assert_eq!(canonical("pt_br"), "pt-BR");
        assert_eq!(canonical("zh_TW"), "zh-Hant");
        assert_eq!(canonical("sr-latn"), "sr-Latn");
    }
}
