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
    if !is_code_shaped(s) {
        return false;
    }
    let mut parts = s.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    let rest_ok = parts.all(|p| (2..=4).contains(&p.len()));
    // Lowercased on the stack: a code-shaped primary subtag is 2 to 8
    // ASCII letters.
    let mut buf = [0u8; 8];
    let Some(lower) = buf.get_mut(..primary.len()) else {
        return false;
    };
    lower.copy_from_slice(primary.as_bytes());
    lower.make_ascii_lowercase();
    let Ok(primary) = std::str::from_utf8(lower) else {
        return false;
    };
    let known = ISO_639_1.binary_search(&primary).is_ok() || alias(primary).is_some();
    known && rest_ok
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
