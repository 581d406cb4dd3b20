//! Fixes as data, and applying them to text.
//!
//! A rule attaches a [`Fix`] to a diagnostic: byte-range [`Edit`]s on the
//! file's text, marked safe or unsafe. [`apply`] applies a set of fixes to one
//! text in one pass — identical fixes once, overlapping ones skipped for the
//! next pass — and never touches a byte outside the edits. The loop that
//! re-parses and re-checks until nothing changes lives in `app`.

use crate::source::Span;

/// Replace `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Self {
        Self {
            span,
            replacement: replacement.into(),
        }
    }
}

/// Whether a fix can be applied without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Keeps the author's intent exactly (e.g. an anchor whose target is certain).
    Safe,
    /// Probably right, but changes meaning or wording; needs `--unsafe-fixes`.
    Unsafe,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// Non-overlapping edits, sorted by position.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Safe)
    }

    pub fn unsafe_(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Unsafe)
    }

    fn new(mut edits: Vec<Edit>, applicability: Applicability) -> Self {
        edits.sort();
        Self {
            edits,
            applicability,
        }
    }

    /// The range this fix touches, from its first edit to its last.
    pub fn extent(&self) -> Span {
        let start = self.edits.first().map_or(0, |e| e.span.start);
        let end = self.edits.iter().map(|e| e.span.end).max().unwrap_or(start);
        Span::new(start, end)
    }

    /// Whether applying the fix to `text` would leave it unchanged.
    pub fn is_noop(&self, text: &str) -> bool {
        self.edits
            .iter()
            .all(|e| text.get(e.span.range()) == Some(e.replacement.as_str()))
    }
}

/// Applies as many of `fixes` as can go together: identical fixes once,
/// fixes that overlap an already chosen one left for a later pass. Returns
/// the new text and the indices of the fixes applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| (fixes[i].extent().start, fixes[i].extent().end));
    let mut chosen: Vec<usize> = Vec::new();
    let mut taken: Vec<Span> = Vec::new();
    for i in order {
        let fix = fixes[i];
        if fix.is_noop(text) || fix.edits.iter().any(|e| e.span.end > text.len()) {
            continue;
        }
        if chosen
            .iter()
            .any(|&c| std::ptr::eq(fixes[c], fix) || fixes[c] == fix)
        {
            chosen.push(i);
            continue;
        }
        let overlaps = fix.edits.iter().any(|e| {
            taken
                .iter()
                .any(|t| e.span.start < t.end && t.start < e.span.end || e.span == *t)
        });
        if overlaps {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.span));
        chosen.push(i);
    }
    let mut edits: Vec<&Edit> = Vec::new();
    let mut seen: Vec<&Fix> = Vec::new();
    for &i in &chosen {
        if !seen
            .iter()
            .any(|s| std::ptr::eq(*s, fixes[i]) || *s == fixes[i])
        {
            seen.push(fixes[i]);
            edits.extend(&fixes[i].edits);
        }
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    chosen.sort_unstable();
    (out, chosen)
}

/// The line ending a file uses: CRLF when its first line ends with one.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// A unified diff of `old` → `new` for `path` (empty when they are equal).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_identical_once_and_skips_overlaps() {
        let text = "abcdef";
        let a = Fix::safe(vec![Edit::replace(Span::new(1, 3), "X")]);
        let b = a.clone();
        let c = Fix::safe(vec![Edit::replace(Span::new(2, 4), "Y")]);
        let d = Fix::safe(vec![Edit::replace(Span::new(5, 5), "!")]);
        let (out, applied) = apply(text, &[&a, &b, &c, &d]);
        assert_eq!(out, "aXde!f");
        assert_eq!(applied, [0, 1, 3]);
    }

    #[test]
    fn noop_fixes_are_not_applied() {
        let f = Fix::safe(vec![Edit::replace(Span::new(0, 1), "a")]);
        let (out, applied) = apply("abc", &[&f]);
        assert_eq!(out, "abc");
        assert!(applied.is_empty());
    }

    #[test]
    fn endings() {
        assert_eq!(line_ending("a\r\nb\n"), "\r\n");
        assert_eq!(line_ending("a\nb\r\n"), "\n");
        assert_eq!(line_ending("a"), "\n");
    }
}
