//! Findings as data: what rules return and renderers print.
//!
//! A [`Diagnostic`] names its rule, a severity, a file and a byte [`Span`];
//! cross-edition findings also point at the source-language section, and
//! stale sections carry [`StaleInfo`] (a plain sync point and the source
//! diff — no git types). Nothing here knows how a diagnostic is printed.

use std::sync::Arc;

use crate::fix::Fix;
use crate::source::{FileId, SourceFile, Span};

pub use crate::registry::{RuleId, Severity};

/// A commit, as findings and reports show it: its id and committer time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Revision {
    pub id: String,
    /// Committer time, seconds since the epoch.
    pub time: i64,
}

impl Revision {
    /// The committer date, `YYYY-MM-DD` (UTC).
    pub fn date(&self) -> String {
        let days = self.time.div_euclid(86_400);
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = if m <= 2 { y + 1 } else { y };
        format!("{y:04}-{m:02}-{d:02}")
    }

    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(10)]
    }
}

/// Why a translated section is stale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaleInfo {
    /// The commit the translated section was last synced with.
    pub sync: Revision,
    /// The newest commit that changed the source section (`None`: uncommitted edits).
    pub changed: Option<Revision>,
    /// Unified diff of the source section from the sync point to now.
    pub diff: String,
    /// How far behind: the commits that changed the source section in
    /// substance since the sync point, newest first.
    pub behind: Vec<Revision>,
    /// Commits since the sync point that changed the source section only
    /// cosmetically (whitespace, emphasis markers, comments, navigation).
    pub cosmetic: usize,
    /// Whether uncommitted edits change the source section.
    pub uncommitted: bool,
    /// With `--changed-since`: the commits of the range that changed the
    /// source section in substance (and `uncommitted` counts too). Empty
    /// when the section was stale before the range.
    pub in_range: Vec<Revision>,
}

/// A place in another file (or elsewhere in the same one) that explains a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// For cross-edition findings: the source-language section.
    pub source: Option<Related>,
    /// Edits that would repair the finding. Shared: one TOC rebuild repairs
    /// every finding of that TOC.
    pub fix: Option<Arc<Fix>>,
    /// For `stale-section`: the sync point and the source diff.
    pub stale: Option<Arc<StaleInfo>>,
}

/// Lines (and findings) longer than this are fingerprinted by the part
/// around the finding.
const LONG_LINE: usize = 1000;

/// Bytes either side of a finding that stand for a long line.
const CONTEXT: usize = 200;

impl Diagnostic {
    /// A diagnostic at the rule's default severity; the engine applies the
    /// configured severity afterwards.
    pub fn new(rule: RuleId, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity(),
            file,
            span,
            message: message.into(),
            help: None,
            source: None,
            fix: None,
            stale: None,
        }
    }

    pub fn with_stale(mut self, stale: Arc<StaleInfo>) -> Self {
        self.stale = Some(stale);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_fix(self, fix: Fix) -> Self {
        self.with_shared_fix(Arc::new(fix))
    }

    pub fn with_shared_fix(mut self, fix: Arc<Fix>) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_source(mut self, source: Related) -> Self {
        self.source = Some(source);
        self
    }

    /// A fingerprint that survives unrelated edits (lines added above, a
    /// file reflowed elsewhere): the rule, the file, the finding's text and
    /// its line's text with whitespace collapsed, and the message with
    /// numbers masked — no line numbers. 16 hex digits (FNV-1a, 64 bits: the
    /// same on every platform and version).
    pub fn fingerprint(&self, file: &SourceFile) -> String {
        format!("{:016x}", self.fingerprint_hash(file))
    }

    /// [`Diagnostic::fingerprint`]'s 64 bits: FNV-1a over the rule's name,
    /// the file's path, the finding's text and its line's text (each with
    /// its runs of whitespace made one space, none at either end) and the
    /// message with its ASCII digits made `#`, each part followed by a 0
    /// byte. Fed byte by byte, without building the parts.
    pub fn fingerprint_hash(&self, file: &SourceFile) -> u64 {
        let (own, line) = self.fingerprint_spans(file);
        let mut h = Fnv::default();
        h.part(self.rule.name().bytes());
        h.part(file.path.as_str().bytes());
        h.collapsed(file.slice(own));
        h.collapsed(file.slice(line));
        h.part(
            self.message
                .bytes()
                .map(|b| if b.is_ascii_digit() { b'#' } else { b }),
        );
        h.0
    }

    /// What a fingerprint reads of the file: the finding's text (its first
    /// [`LONG_LINE`] bytes) and its line's — in a line longer than that, the
    /// [`CONTEXT`] bytes either side of the finding stand for the line:
    /// hashing every byte of it for every finding would be quadratic (40,000
    /// links on one line).
    fn fingerprint_spans(&self, file: &SourceFile) -> (Span, Span) {
        let line_no = file.line_col(self.span.start).line;
        let mut line = file.lines.line_span(&file.text, line_no);
        if line.len() > LONG_LINE {
            let start = crate::source::floor_char_boundary(
                &file.text,
                self.span.start.saturating_sub(CONTEXT).max(line.start),
            );
            let end = crate::source::ceil_char_boundary(
                &file.text,
                (self.span.end + CONTEXT).min(line.end),
            );
            line = Span::new(start, end.max(start));
        }
        let mut own = self.span;
        if own.len() > LONG_LINE {
            own = Span::new(
                own.start,
                crate::source::floor_char_boundary(&file.text, own.start + LONG_LINE),
            );
        }
        (own, line)
    }

    /// The order of output: file, then position, then rule.
    pub fn sort_key(&self) -> (FileId, usize, usize, RuleId, &str) {
        (
            self.file,
            self.span.start,
            self.span.end,
            self.rule,
            &self.message,
        )
    }
}

/// FNV-1a, 64 bits, for [`Diagnostic::fingerprint_hash`] (and [`fnv1a`]).
struct Fnv(u64);

/// FNV-1a (64 bits) of `bytes`: a hash that stays the same from one build
/// to the next (a cache file's name).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    bytes.iter().for_each(|&b| h.byte(b));
    h.0
}

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }

    /// The bytes, then a 0 byte.
    fn part(&mut self, bytes: impl Iterator<Item = u8>) {
        for b in bytes {
            self.byte(b);
        }
        self.byte(0);
    }

    /// The words of `s` (as `str::split_whitespace` finds them) with one
    /// space between each two, then a 0 byte.
    fn collapsed(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let (mut i, mut words, mut space) = (0, false, false);
        while i < bytes.len() {
            let b = bytes[i];
            let (len, white) = if b < 0x80 {
                // `char::is_whitespace` in ASCII: tab to carriage return, space.
                (1, matches!(b, b'\t'..=b'\r' | b' '))
            } else {
                // A character starts here: `s` is a `str`, `i` at a boundary.
                let c = s[i..].chars().next().unwrap_or('\0');
                (c.len_utf8(), c.is_whitespace())
            };
            if white {
                space = words;
                i += len;
                continue;
            }
            if std::mem::take(&mut space) {
                self.byte(b' ');
            }
            words = true;
            // The word's bytes up to the next ASCII space or non-ASCII
            // byte, at once.
            let end = bytes[i + len..]
                .iter()
                .position(|&b| b >= 0x80 || matches!(b, b'\t'..=b'\r' | b' '))
                .map_or(bytes.len(), |k| i + len + k);
            for &b in &bytes[i..end] {
                self.byte(b);
            }
            i = end;
        }
        self.byte(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint's hashing as it was first written: the parts built
    /// as strings, then hashed. Baselines hold these values.
    fn reference_fingerprint(d: &Diagnostic, file: &SourceFile) -> String {
        fn collapse(s: &str) -> String {
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        let (own, line) = d.fingerprint_spans(file);
        let message: String = d
            .message
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [
            d.rule.name(),
            file.path.as_str(),
            &collapse(file.slice(own)),
            &collapse(file.slice(line)),
            &message,
        ] {
            for b in part.bytes().chain(std::iter::once(0)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }

    #[test]
    fn a_fingerprint_keeps_its_value() {
        // A baseline written by any earlier version still matches.
        let file = SourceFile::new(
            "docs/README-ko.md".into(),
            "# Title\n\nSee  [the\tguide](#guide) \u{a0}here.\n".into(),
        );
        let d = Diagnostic::new(
            RuleId::BrokenAnchor,
            FileId(0),
            Span::new(14, 32),
            "anchor `#guide` not found (2 candidates)",
        );
        assert_eq!(d.fingerprint(&file), reference_fingerprint(&d, &file));
        assert_eq!(d.fingerprint(&file), "b42ac0fb5d35397b");
    }

    proptest::proptest! {
        #[test]
        fn fingerprints_match_the_reference(
            text in "([ \t\r\n\u{b}\u{c}\u{85}\u{a0}\u{2003}\u{3000}\u{1c}]|[a-z0-9#é가]){0,60}",
            message in "[a-z0-9 é]{0,20}",
            a in 0usize..80,
            b in 0usize..80,
        ) {
            let file = SourceFile::new("a.md".into(), text.clone());
            let (a, b) = (a.min(text.len()), b.min(text.len()));
            let (a, b) = (a.min(b), a.max(b));
            let a = crate::source::floor_char_boundary(&text, a);
            let b = crate::source::floor_char_boundary(&text, b);
            let d = Diagnostic::new(RuleId::BrokenLink, FileId(0), Span::new(a, b), message);
            proptest::prop_assert_eq!(d.fingerprint(&file), reference_fingerprint(&d, &file));
        }

        #[test]
        fn long_lines_fingerprint_as_the_reference(
            words in "[a-z \u{a0}\u{3000}]{1,9}",
            n in 100usize..400,
            a in 0usize..4000,
            len in 0usize..1500,
        ) {
            let text = words.repeat(n);
            let a = crate::source::floor_char_boundary(&text, a.min(text.len()));
            let b = crate::source::floor_char_boundary(&text, (a + len).min(text.len()));
            let file = SourceFile::new("a.md".into(), text);
            let d = Diagnostic::new(RuleId::BrokenLink, FileId(0), Span::new(a, b), "m");
            proptest::prop_assert_eq!(d.fingerprint(&file), reference_fingerprint(&d, &file));
        }
    }

    #[test]
    fn dates() {
        let c = Revision {
            id: "x".into(),
            time: 1_700_000_000,
        };
        assert_eq!(c.date(), "2023-11-14");
    }
}
