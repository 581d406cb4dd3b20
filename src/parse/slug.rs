//! GitHub's heading ids, exactly: a port of github-slugger 2.0.
//!
//! [`slug`] turns rendered heading text into an id; [`Slugger`] adds the
//! per-document collision loop (`-1`, `-2`, …). The character class is the one
//! github-slugger generates from Unicode 13.0 data: everything that is not
//! Alphabetic (letters, letter numbers and other alphabetic marks such as `Ⓐ`),
//! a Mark, a Decimal Number, Connector Punctuation, `-` or a space is removed —
//! and so is every code point that was still unassigned in Unicode 13.0, even
//! if a later version made it a letter. Spaces then become `-`, one for one,
//! without collapsing.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::charset::CharSet;

static REMOVE: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(r"[^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc} \-]&&\p{Age=13.0}]"));

/// The id GitHub gives a heading whose rendered text is `text`, before
/// de-duplication.
pub fn slug(text: &str) -> String {
    // Most headings are ASCII: of it the class keeps letters (lowercased),
    // digits, `_`, `-` and the space (which becomes `-`) — no lowercased
    // copy, no look-ups in the class (a test holds the two ways together).
    if text.is_ascii() {
        let mut id = String::with_capacity(text.len());
        for b in text.bytes() {
            match b {
                b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' => id.push(char::from(b)),
                b'A'..=b'Z' => id.push(char::from(b.to_ascii_lowercase())),
                b' ' => id.push('-'),
                _ => {}
            }
        }
        return id;
    }
    REMOVE.remove_then_dash(&super::case::to_lowercase(text))
}

/// Hands out unique ids in document order, like github-slugger's `Slugger`.
#[derive(Debug, Default, Clone)]
pub struct Slugger {
    occurrences: HashMap<String, usize>,
}

impl Slugger {
    pub fn new() -> Self {
        Self::default()
    }

    /// The unique id for the next heading with rendered text `text`.
    pub fn slug(&mut self, text: &str) -> String {
        self.claim(slug(text))
    }

    /// Registers `original` (an already slugged id) and returns it, or the first
    /// free `original-N`.
    pub fn claim(&mut self, original: String) -> String {
        // Most ids are new: one look-up, one copy (the map's).
        if !self.occurrences.contains_key(&original) {
            self.occurrences.insert(original.clone(), 0);
            return original;
        }
        let mut result = original.clone();
        while self.occurrences.contains_key(&result) {
            let count = self
                .occurrences
                .get_mut(&original)
                .expect("original is present whenever a collision happens");
            *count += 1;
            result = format!("{original}-{count}");
        }
        self.occurrences.insert(result.clone(), 0);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ASCII character, alone and around others: the ASCII way gives
    /// what the class gives.
    #[test]
    fn ascii_way_agrees_with_the_class() {
        for b in 0u8..128 {
            let c = char::from(b);
            for text in [c.to_string(), format!("A{c}b"), format!("{c} {c}-Z_9")] {
                assert!(text.is_ascii());
                assert_eq!(
                    slug(&text),
                    REMOVE.remove_then_dash(&text.to_lowercase()),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn basics() {
        assert_eq!(slug("Hello World"), "hello-world");
        assert_eq!(slug("C++ / C# / F#"), "c--c--f");
        assert_eq!(slug("½ fraction ² superscript"), "-fraction--superscript");
        assert_eq!(slug("Ⓐ"), "ⓐ");
        // Assigned in Unicode 13 (kept) vs. only later (removed, as github-slugger does).
        assert_eq!(slug("a\u{306F8}\u{105CB}b"), "a\u{306F8}b");
    }

    #[test]
    fn collisions_follow_github_slugger() {
        let mut s = Slugger::new();
        let got: Vec<_> = ["echo", "echo", "echo 1", "echo-1", "echo"]
            .iter()
            .map(|t| s.slug(t))
            .collect();
        assert_eq!(got, ["echo", "echo-1", "echo-1-1", "echo-1-2", "echo-2"]);
    }
}
