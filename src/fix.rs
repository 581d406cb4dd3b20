//! Fixes as data, applying them to text, and the one convergence loop.
//!
//! A rule attaches a [`Fix`] to a diagnostic: byte-range [`Edit`]s on the
//! file's text, marked safe or unsafe. [`apply`] applies a set of fixes to one
//! text in one pass — identical fixes once, overlapping ones skipped for the
//! next pass — and never touches a byte outside the edits. [`converge`]
//! repeats check → apply until nothing changes; `lockstep fix` and the
//! declarative rules' self-tests both use it. Writing is not done here.

use std::collections::{BTreeMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use crate::registry::RuleId;
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

/// Passes before the fix loop gives up.
pub const MAX_PASSES: usize = 10;

/// A fix a rule offers for one of the texts being fixed.
#[derive(Debug, Clone)]
pub struct Offered<K> {
    pub key: K,
    pub rule: RuleId,
    pub fix: Arc<Fix>,
}

/// The texts a fix loop works on (a workspace's files, or one example).
pub trait Texts {
    type Key: Copy + Ord + Hash;
    fn text(&self, key: Self::Key) -> &str;
    /// Replaces a text (and whatever is derived from it: re-parse it).
    fn set_text(&mut self, key: Self::Key, text: String);
    /// Replaces several texts, each key at most once (a workspace re-parses
    /// them in parallel).
    fn set_texts(&mut self, texts: Vec<(Self::Key, String)>) {
        for (key, text) in texts {
            self.set_text(key, text);
        }
    }
}

/// One text on its own (a rule's example).
impl Texts for String {
    type Key = ();
    fn text(&self, _: ()) -> &str {
        self
    }
    fn set_text(&mut self, _: (), text: String) {
        *self = text;
    }
}

/// What a fix loop did.
#[derive(Debug)]
pub struct Converged<K> {
    /// Fixes applied to the texts that settled, per rule.
    pub applied: BTreeMap<RuleId, usize>,
    /// Each changed text that settled, as it was before the first fix.
    pub originals: BTreeMap<K, String>,
    pub passes: usize,
    /// Texts whose fixes never settled — still changing after
    /// [`MAX_PASSES`] passes, or back to an earlier state (fixes undoing
    /// each other) — with the rules involved. They are restored to their
    /// original text and left out; the others are fixed.
    pub unsettled: BTreeMap<K, Vec<RuleId>>,
}

impl<K> Converged<K> {
    /// Whether every text settled.
    pub fn settled(&self) -> bool {
        self.unsettled.is_empty()
    }
}

/// The fix loop: `check` the texts, apply every applicable fix that does not
/// overlap another, repeat until no fix changes anything. A text whose fixes
/// do not settle within [`MAX_PASSES`] passes, or that returns to an earlier
/// state, is restored and reported in [`Converged::unsettled`]; the loop goes
/// on with the others.
pub fn converge<T: Texts>(
    texts: &mut T,
    unsafe_fixes: bool,
    mut check: impl FnMut(&T) -> Vec<Offered<T::Key>>,
) -> Converged<T::Key> {
    let mut applied: BTreeMap<T::Key, BTreeMap<RuleId, usize>> = BTreeMap::new();
    let mut originals: BTreeMap<T::Key, String> = BTreeMap::new();
    let mut unsettled: BTreeMap<T::Key, Vec<RuleId>> = BTreeMap::new();
    let mut seen: HashSet<(T::Key, u64)> = HashSet::new();
    let mut passes = 0;
    for pass in 1..=MAX_PASSES {
        passes = pass;
        let offered = check(texts);
        let mut by_key: BTreeMap<T::Key, Vec<&Offered<T::Key>>> = BTreeMap::new();
        for o in &offered {
            let wanted = o.fix.applicability == Applicability::Safe || unsafe_fixes;
            if wanted && !unsettled.contains_key(&o.key) {
                by_key.entry(o.key).or_default().push(o);
            }
        }
        let mut changed = false;
        // The pass's new texts, set together once every text's fixes are applied.
        let mut updates: Vec<(T::Key, String)> = Vec::new();
        for (key, os) in by_key {
            let fixes: Vec<&Fix> = os.iter().map(|o| o.fix.as_ref()).collect();
            let old = texts.text(key);
            let (new, used) = apply(old, &fixes);
            if new == old {
                continue;
            }
            let mut rules: Vec<RuleId> = used.iter().map(|&i| os[i].rule).collect();
            rules.sort();
            rules.dedup();
            // Back to an earlier state (the fixes undo each other), or still
            // changing on the last pass: give this text up.
            if !seen.insert((key, hash(&new))) || pass == MAX_PASSES {
                if let Some(original) = originals.remove(&key) {
                    updates.push((key, original));
                }
                applied.remove(&key);
                unsettled.insert(key, rules);
                continue;
            }
            changed = true;
            let counts = applied.entry(key).or_default();
            for &i in &used {
                *counts.entry(os[i].rule).or_default() += 1;
            }
            let old = old.to_string();
            originals.entry(key).or_insert(old);
            updates.push((key, new));
        }
        texts.set_texts(updates);
        if !changed {
            break;
        }
    }
    let mut per_rule: BTreeMap<RuleId, usize> = BTreeMap::new();
    for counts in applied.values() {
        for (rule, n) in counts {
            *per_rule.entry(*rule).or_default() += n;
        }
    }
    Converged {
        applied: per_rule,
        originals,
        passes,
        unsettled,
    }
}

fn hash(s: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// The line ending a file uses: its first line's (LF, CRLF or a lone CR).
pub fn line_ending(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(i) if text.as_bytes()[i] == b'\r' => {
            if text.as_bytes().get(i + 1) == Some(&b'\n') {
                "\r\n"
            } else {
                "\r"
            }
        }
        _ => "\n",
    }
}

/// A unified diff of `old` → `new` for `path` (empty when they are equal).
/// The names in the header are quoted as git quotes them ([`quote_path`])
/// when `path` has a control character (a newline, say), so the header
/// stays two lines and the patch still applies.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    unified_diff_quoting(path, old, new, char::is_control)
}

/// [`unified_diff`], quoting the names also when `special` holds for one of
/// their characters (the renderer adds invisible and bidi characters).
pub fn unified_diff_quoting(
    path: &str,
    old: &str,
    new: &str,
    special: impl Fn(char) -> bool,
) -> String {
    if old == new {
        return String::new();
    }
    let a = format!("a/{path}");
    let b = format!("b/{path}");
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&quote_path(&a, &special), &quote_path(&b, &special))
        .to_string()
}

/// `name` as git writes it in a diff header: as is, or — when it has a
/// control character, a character `special` holds for, a `"` or a `\` — in
/// double quotes, with `\n`, `\t`, `\"`, `\\` … for those characters and
/// octal bytes (`\342\200\256`) for the others among them. `git apply` and
/// `patch` read both forms.
pub fn quote_path(name: &str, special: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    let quoted = |c: char| c.is_control() || c == '"' || c == '\\' || special(c);
    if !name.chars().any(quoted) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    out.push('"');
    for c in name.chars() {
        match c {
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0b' => out.push_str("\\v"),
            '\x0c' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if quoted(c) => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_headers_quote_names_as_git_does() {
        let d = unified_diff("x\ny.md", "a\n", "b\n");
        assert!(
            d.starts_with("--- \"a/x\\ny.md\"\n+++ \"b/x\\ny.md\"\n@@"),
            "{d}"
        );
        assert_eq!(
            quote_path("a/plain 한.md", char::is_control),
            "a/plain 한.md"
        );
        assert_eq!(
            quote_path("a/q\"\\\t\x1b\u{202E}.md", |c| c == '\u{202E}'),
            "\"a/q\\\"\\\\\\t\\033\\342\\200\\256.md\""
        );
    }

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

    fn offer(fix: Fix) -> Vec<Offered<()>> {
        vec![Offered {
            key: (),
            rule: RuleId::TocDrift,
            fix: Arc::new(fix),
        }]
    }

    #[test]
    fn a_fix_that_never_settles_is_given_up_naming_its_rule() {
        let mut text = String::from("a");
        // Always appends: every pass changes the text.
        let done = converge(&mut text, false, |t| {
            offer(Fix::safe(vec![Edit::replace(Span::empty(t.len()), "a")]))
        });
        assert_eq!(done.unsettled[&()], [RuleId::TocDrift]);
        assert_eq!(text, "a", "restored");
        assert!(done.applied.is_empty() && done.originals.is_empty());
    }

    #[test]
    fn fixes_that_undo_each_other_are_caught() {
        let mut text = String::from("a");
        let done = converge(&mut text, false, |t| {
            let next = if t == "a" { "b" } else { "a" };
            offer(Fix::safe(vec![Edit::replace(Span::new(0, 1), next)]))
        });
        assert_eq!(done.unsettled[&()], [RuleId::TocDrift]);
        assert_eq!(text, "a");
    }

    /// One text that never settles does not stop the others.
    #[test]
    fn the_others_are_fixed_when_one_text_does_not_settle() {
        struct Two([String; 2]);
        impl Texts for Two {
            type Key = usize;
            fn text(&self, k: usize) -> &str {
                &self.0[k]
            }
            fn set_text(&mut self, k: usize, t: String) {
                self.0[k] = t;
            }
        }
        let mut texts = Two(["a".into(), "x".into()]);
        let done = converge(&mut texts, false, |t: &Two| {
            let mut out = Vec::new();
            // Text 0 grows forever; text 1 is fixed once.
            out.push(Offered {
                key: 0,
                rule: RuleId::TocDrift,
                fix: Arc::new(Fix::safe(vec![Edit::replace(
                    Span::empty(t.0[0].len()),
                    "a",
                )])),
            });
            if t.0[1] == "x" {
                out.push(Offered {
                    key: 1,
                    rule: RuleId::BrokenAnchor,
                    fix: Arc::new(Fix::safe(vec![Edit::replace(Span::new(0, 1), "y")])),
                });
            }
            out
        });
        assert_eq!(texts.0, ["a", "y"]);
        assert_eq!(done.unsettled.keys().copied().collect::<Vec<_>>(), [0]);
        assert_eq!(done.applied[&RuleId::BrokenAnchor], 1);
        assert!(!done.applied.contains_key(&RuleId::TocDrift));
        assert_eq!(done.originals.keys().copied().collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn unsafe_fixes_wait_for_the_flag() {
        let check = |t: &String| {
            if t == "a" {
                offer(Fix::unsafe_(vec![Edit::replace(Span::new(0, 1), "b")]))
            } else {
                Vec::new()
            }
        };
        let mut text = String::from("a");
        let done = converge(&mut text, false, check);
        assert!(done.applied.is_empty() && done.originals.is_empty());
        let done = converge(&mut text, true, check);
        assert_eq!(done.applied[&RuleId::TocDrift], 1);
        assert_eq!(done.originals[&()], "a");
        assert_eq!(text, "b");
        assert_eq!(done.passes, 2);
    }

    #[test]
    fn endings() {
        assert_eq!(line_ending("a\r\nb\n"), "\r\n");
        assert_eq!(line_ending("a\nb\r\n"), "\n");
        assert_eq!(line_ending("a"), "\n");
        assert_eq!(line_ending("a\rb\r"), "\r");
    }
}
