//! The rule engine: every rule, and the contexts rules run in.
//!
//! Each built-in rule lives in its own file with its metadata (`META`: what
//! it sees, which fixes it offers, its documentation — What it does / Why /
//! Example / Fix safety — printed by `lockstep rules <id>`) and its check
//! (`CHECK`). The table in [`crate::registry::builtin_rules!`] lists them
//! once; this module makes the rule modules, [`RuleId::meta`] and the
//! dispatch ([`Enabled`]) from it. Declarative rules from rule files run
//! through [`declarative`].
//!
//! Rules are pure and infallible: no I/O, no printing, no threads, no
//! network and no git — what they need (the index, alignments, staleness,
//! external link outcomes) is computed before them and handed in.

pub mod declarative;

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Settings;
use crate::config::rule_file::{DeclaredRule, EditionInfo};
use crate::diagnostic::{Diagnostic, Related, StaleInfo};
use crate::external::Outcome;
use crate::index::Index;
use crate::parse::Document;
use crate::source::{FileId, SourceFile, Span};
use crate::translation::Comparison;

pub use crate::registry::{FixAvailability, RuleId, RuleMeta, Scope, Severity};

/// The check of a document, corpus or external rule: one file at a time.
pub type FileCheck = fn(&FileContext<'_>, &mut Vec<Diagnostic>);

/// The check of a section rule: one translation compared with its source.
pub type SectionCheck = fn(&SectionContext<'_>, &mut Vec<Diagnostic>);

/// How a rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    File(FileCheck),
    Section(SectionCheck),
    /// Reported by the pipeline itself (reading files, suppressions); the
    /// rule's module makes the diagnostics for it.
    Pipeline,
}

macro_rules! define_rules {
    ($($variant:ident => $module:ident),* $(,)?) => {
        $(mod $module;)*

        impl RuleId {
            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(RuleId::$variant => &$module::META,)*
                    RuleId::Declared(i) => crate::registry::declared_meta(i),
                }
            }
        }

        /// How a built-in rule runs (`None` for declarative rules, which run
        /// through [`declarative`]).
        pub fn check_of(rule: RuleId) -> Option<Check> {
            match rule {
                $(RuleId::$variant => Some($module::CHECK),)*
                RuleId::Declared(_) => None,
            }
        }
    };
}
crate::registry::builtin_rules!(define_rules);

/// The rules a run has on, worked out once from the settings.
pub struct Enabled<'a> {
    file: Vec<(RuleId, FileCheck)>,
    section: Vec<(RuleId, SectionCheck)>,
    /// The declarative rules that are on.
    declared: Vec<&'a DeclaredRule>,
}

impl<'a> Enabled<'a> {
    /// Every rule `settings` turns on.
    pub fn new(settings: &'a Settings) -> Self {
        Self::filtered(settings, |_| true)
    }

    /// Only the enabled rules that can fix something (a fix loop's passes).
    pub fn fixing(settings: &'a Settings) -> Self {
        Self::filtered(settings, |r| r.meta().fix.has_fixes())
    }

    fn filtered(settings: &'a Settings, keep: impl Fn(RuleId) -> bool) -> Self {
        let mut file = Vec::new();
        let mut section = Vec::new();
        for &rule in RuleId::ALL {
            if !settings.is_enabled(rule) || !keep(rule) {
                continue;
            }
            match check_of(rule) {
                Some(Check::File(f)) => file.push((rule, f)),
                Some(Check::Section(f)) => section.push((rule, f)),
                Some(Check::Pipeline) | None => {}
            }
        }
        let declared = settings
            .declared
            .rules
            .iter()
            .filter(|r| settings.is_enabled(r.id) && keep(r.id))
            .map(|r| r.as_ref())
            .collect();
        Self {
            file,
            section,
            declared,
        }
    }

    /// The same rules without the section rules (no alignment): what can
    /// be checked at once while a writer types.
    pub fn without_sections(mut self) -> Self {
        self.section.clear();
        self
    }

    /// The section rules only (a translation whose source changed: its
    /// own text did not).
    pub fn sections_only(mut self) -> Self {
        self.file.clear();
        self.declared.clear();
        self
    }

    /// Whether any declarative rule runs (they need the edition's language).
    pub fn any_declared(&self) -> bool {
        !self.declared.is_empty()
    }

    /// Whether any section rule runs (alignment is only computed then).
    pub fn any_section(&self) -> bool {
        !self.section.is_empty()
    }

    /// Runs every enabled document, corpus and external rule on one file.
    pub fn check_file(&self, ctx: &FileContext<'_>) -> Vec<Diagnostic> {
        let run = |(_, check): &(RuleId, FileCheck)| {
            let mut out = Vec::new();
            check(ctx, &mut out);
            out
        };
        // A large document's rules run side by side (the language server
        // re-checks one file per edit; a run over a tree is otherwise left
        // waiting for its largest file). Same findings, same order.
        let mut out: Vec<Diagnostic> = if ctx.file.text.len() >= PARALLEL_RULES_FROM {
            use rayon::prelude::*;
            self.file.par_iter().flat_map_iter(run).collect()
        } else {
            self.file.iter().flat_map(run).collect()
        };
        for rule in &self.declared {
            if rule.applies_to(&ctx.file.path, ctx.edition) {
                declarative::check(rule, ctx.id, &ctx.file.text, ctx.doc, &mut out);
            }
        }
        out
    }

    /// Runs every enabled section rule on one translation.
    pub fn check_sections(&self, ctx: &SectionContext<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (_, check) in &self.section {
            check(ctx, &mut out);
        }
        out
    }
}

/// The size of a document (bytes) from which its rules run in parallel.
const PARALLEL_RULES_FROM: usize = 128 * 1024;

/// How similar a wanted id `a` is to an existing id `b`, from 0 to 1:
/// normalised Levenshtein, except that an id extending the wanted one at a
/// word boundary (`#linear-programming` for `## Linear Programming (videos)`)
/// counts as almost certain. (What the rules compute, with bounds, through
/// [`Wanted::similarity_above`]; the tests' reference.)
#[cfg(test)]
pub(crate) fn id_similarity(a: &str, b: &str) -> f64 {
    Wanted::new(a).similarity_above(b, 0.0)
}

/// An id compared with many (see [`Wanted::similarity_above`]): what the
/// comparisons need of it, made once.
pub(crate) struct Wanted<'a> {
    text: &'a str,
    /// For the bit-parallel distance (ids of up to 64 characters).
    bits: Option<Bits>,
    /// How many of each ASCII character it has, and of any other.
    ascii: [u32; 128],
    other: u32,
    /// Its length in characters and its characters, as an id compared
    /// with it has them.
    own: Prepared,
}

/// What [`Wanted::similarity_above_prepared`] needs of an id it is
/// compared with: its length in characters and the characters it has, as
/// bits (`char_bit`). Made once per id where the same ids meet many
/// wanted ones.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared {
    len: usize,
    mask: u64,
}

impl Prepared {
    pub(crate) fn new(s: &str) -> Self {
        let (mut len, mut mask) = (0, 0);
        for c in s.chars() {
            len += 1;
            mask |= char_bit(c);
        }
        Self { len, mask }
    }
}

/// A character's bit: each lowercase ASCII letter, digit and `-` its own,
/// the others shared by residue. Two texts differ by at least one
/// character for each bit only one of them has.
fn char_bit(c: char) -> u64 {
    let bit = match c {
        'a'..='z' => c as u32 - 'a' as u32,
        '0'..='9' => 26 + c as u32 - '0' as u32,
        '-' => 36,
        _ => 37 + c as u32 % 27,
    };
    1 << bit
}

impl<'a> Wanted<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut ascii = [0u32; 128];
        let mut other = 0;
        for &c in &chars {
            match ascii.get_mut(c as usize) {
                Some(n) => *n += 1,
                None => other += 1,
            }
        }
        Self {
            text,
            bits: Bits::new(&chars),
            ascii,
            other,
            own: Prepared::new(text),
        }
    }

    /// `id_similarity` of this id and `b` when it is at least `min`;
    /// else a score below `min` (0). Where only scores of at least `min`
    /// matter, a pair that cannot reach it (by its lengths, or by the
    /// letters one has and the other lacks, each of which costs an edit)
    /// scores 0 without the distance being computed.
    pub(crate) fn similarity_above(&self, b: &str, min: f64) -> f64 {
        self.similarity_above_prepared(b, Prepared::new(b), min)
    }

    /// [`Wanted::similarity_above`], with `b`'s [`Prepared`] made before.
    pub(crate) fn similarity_above_prepared(&self, b: &str, pb: Prepared, min: f64) -> f64 {
        let a = self.text;
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        if self.own.len >= 6 && b.starts_with(a) && b[a.len()..].starts_with(['-', ' ']) {
            return 0.9;
        }
        let (la, lb) = (self.own.len, pb.len);
        // Cheap bound: very different lengths cannot be similar enough.
        if (la.min(lb) as f64) / (la.max(lb) as f64) < 0.4 {
            return 0.0;
        }
        if min <= 0.0 {
            return strsim::normalized_levenshtein(a, b);
        }
        // At most this many edits reach `min`.
        let budget = (1.0 - min) * la.max(lb) as f64;
        if la.abs_diff(lb) as f64 > budget {
            return 0.0;
        }
        // A character one has and the other lacks costs an edit: the bits
        // only one side has bound the surplus counted below, at once.
        let lacking = (self.own.mask ^ pb.mask).count_ones();
        if f64::from(lacking).div_euclid(2.0) > budget {
            return 0.0;
        }
        // Every character one side has more of than the other needs an
        // edit (a substitution fixes one on each side): the characters the
        // two have in common bound the distance.
        let (mut ascii, mut other, mut common) = (self.ascii, self.other, 0usize);
        for c in b.chars() {
            let n = match ascii.get_mut(c as usize) {
                Some(n) => n,
                None => &mut other,
            };
            if *n > 0 {
                *n -= 1;
                common += 1;
            }
        }
        let surplus = la + lb - 2 * common;
        if (surplus as f64).div_euclid(2.0) > budget {
            return 0.0;
        }
        let longest = la.max(lb) as f64;
        let score = |d: usize| 1.0 - d as f64 / longest;
        let d = match &self.bits {
            Some(bits) => bits.distance(b),
            None => strsim::levenshtein(a, b),
        };
        if score(d) >= min { score(d) } else { 0.0 }
    }
}

/// A text of at most 64 characters, ready for the bit-parallel
/// Levenshtein distance (Myers 1999, as Hyyrö 2001 gives it for edit
/// distance): per character, the positions where the text has it.
struct Bits {
    len: usize,
    ascii: [u64; 128],
    other: Vec<(char, u64)>,
}

impl Bits {
    fn new(chars: &[char]) -> Option<Self> {
        if chars.is_empty() || chars.len() > 64 {
            return None;
        }
        let mut bits = Self {
            len: chars.len(),
            ascii: [0; 128],
            other: Vec::new(),
        };
        for (i, &c) in chars.iter().enumerate() {
            match bits.ascii.get_mut(c as usize) {
                Some(m) => *m |= 1 << i,
                None => match bits.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, m)) => *m |= 1 << i,
                    None => bits.other.push((c, 1 << i)),
                },
            }
        }
        Some(bits)
    }

    fn positions(&self, c: char) -> u64 {
        match self.ascii.get(c as usize) {
            Some(&m) => m,
            None => self
                .other
                .iter()
                .find(|(o, _)| *o == c)
                .map_or(0, |&(_, m)| m),
        }
    }

    /// The Levenshtein distance between the text and `b`, in one pass
    /// over `b`: column by column, the vertical differences of the
    /// dynamic-programming table as bit vectors.
    fn distance(&self, b: &str) -> usize {
        let last = 1u64 << (self.len - 1);
        let (mut pv, mut mv, mut score) = (!0u64, 0u64, self.len);
        for c in b.chars() {
            let eq = self.positions(c);
            let xv = eq | mv;
            let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
            let mut ph = mv | !(xh | pv);
            let mut mh = pv & xh;
            if ph & last != 0 {
                score += 1;
            } else if mh & last != 0 {
                score -= 1;
            }
            // The first row grows by one per column.
            ph = (ph << 1) | 1;
            mh <<= 1;
            pv = mh | !(xv | ph);
            mv = ph & xv;
        }
        score
    }
}

/// What a document, corpus or external rule sees: one parsed file, the
/// index, and (with `--external`) the outcomes of the URL checks.
pub struct FileContext<'a> {
    pub id: FileId,
    pub file: &'a SourceFile,
    pub doc: &'a Document,
    pub index: &'a Index,
    pub settings: &'a Settings,
    /// The file's edition, for rules limited to some languages.
    pub edition: EditionInfo<'a>,
    /// Outcomes of the external link checks, by URL as requested.
    pub external: Option<&'a HashMap<String, Outcome>>,
}

/// One edition of a document, as a section rule sees it.
#[derive(Clone, Copy)]
pub struct FileRef<'a> {
    pub id: FileId,
    pub file: &'a SourceFile,
    pub doc: &'a Document,
}

/// What a section rule sees: a translation compared with its source edition,
/// section by section.
pub struct SectionContext<'a> {
    pub source: FileRef<'a>,
    pub target: FileRef<'a>,
    pub comparison: &'a Comparison,
    /// Per source section: why its counterpart is stale (when history was read).
    pub stale: Option<&'a [Option<Arc<StaleInfo>>]>,
    pub source_lang: &'a str,
    /// The translation's language (canonical tag: `ko`, `zh-Hant`).
    pub target_lang: &'a str,
    pub settings: &'a Settings,
}

impl SectionContext<'_> {
    /// The text and span of source section `s`'s heading.
    pub fn source_heading(&self, s: usize) -> (String, Span) {
        let doc = self.source.doc;
        match doc.sections[s].heading() {
            Some(h) => (
                format!(
                    "{} {}",
                    "#".repeat(doc.headings[h].level as usize),
                    doc.headings[h].text.trim()
                ),
                doc.headings[h].span,
            ),
            None => ("(before the first heading)".into(), Span::empty(0)),
        }
    }

    /// The source section, as the related location of a finding.
    pub fn source_related(&self, s: usize) -> Related {
        let (_, span) = self.source_heading(s);
        Related {
            file: self.source.id,
            span: self.heading_line(self.source, span),
            message: "the source section".into(),
        }
    }

    /// The heading text of the translated section that starts at `offset`.
    pub fn target_heading_at(&self, offset: usize) -> Option<String> {
        let doc = self.target.doc;
        let s = doc.sections.iter().position(|s| s.span.start == offset)?;
        doc.sections[s]
            .heading()
            .map(|h| doc.headings[h].text.trim().to_string())
    }

    /// `span` cut to its first line.
    pub fn heading_line(&self, at: FileRef<'_>, span: Span) -> Span {
        let line = at.file.line_col(span.start).line;
        let l = at.file.lines.line_span(&at.file.text, line);
        Span::new(span.start, span.end.min(l.end).max(span.start))
    }
}

/// Diagnostics the pipeline reports itself, made by their rules' modules.
pub use self::file_too_large::diagnostic as file_too_large;
pub use self::io_error::diagnostic as io_error;
pub use self::stale_section::unchecked as stale_unchecked;
pub use self::stale_section::unknown_marker as stale_marker_unknown;
pub use self::unused_suppression::diagnostic as unused_suppression;

/// How a `#fragment` that matches an id only ignoring letter case is
/// reported in a file of heading-id dialect `style`: `None` when it is
/// accepted (`anchor-case = "ignore"`), else the severity and why.
pub(crate) fn case_only(
    settings: &crate::config::Settings,
    style: crate::parse::dialect::AnchorStyle,
) -> Option<(Severity, &'static str)> {
    use crate::config::AnchorCase;
    const FORGIVEN: &str = "github.com finds it (its page script retries the id in lowercase), but \
other renderers — editors, docs sites, GitLab — match ids exactly";
    const EXACT: &str = "ids are matched exactly";
    match settings.anchor_case {
        AnchorCase::Ignore => None,
        AnchorCase::Error => Some((Severity::Error, EXACT)),
        AnchorCase::Warning => Some((Severity::Warning, FORGIVEN)),
        AnchorCase::Auto if !style.case_sensitive_fragments() => {
            Some((Severity::Warning, FORGIVEN))
        }
        AnchorCase::Auto => Some((Severity::Error, EXACT)),
    }
}

/// A translation that kept its source's relative path (`images/x.png` in
/// `translations/README-ko.md`, where the source `README.md` reaches
/// `images/x.png`): the path from this file to what the source reaches,
/// with a help and — when the destination is written plainly in the file —
/// a safe fix replacing the path (the fragment and query are kept).
pub(crate) fn kept_source_path(
    ctx: &FileContext<'_>,
    link: &crate::parse::Link,
) -> Option<(String, Option<crate::fix::Fix>)> {
    use crate::index::Target;
    let source = ctx.index.source_of(&ctx.file.path)?;
    let Target::File { path, .. } = ctx.index.resolve(source, link.dest(&ctx.file.text)) else {
        return None;
    };
    let rel = relative_path(&ctx.file.path, &path);
    let dest = link.dest(&ctx.file.text).trim();
    let cut = dest.find(['#', '?']).unwrap_or(dest.len());
    let (old_path, tail) = dest.split_at(cut);
    // Written as the file spells it (spaces encoded when the link encoded them).
    let new_path = if old_path.contains("%20") {
        rel.replace(' ', "%20")
    } else {
        rel.clone()
    };
    let span = link.target_span();
    let fix = (link.dest_span().is_some()
        && ctx.file.slice(span) == link.dest(&ctx.file.text)
        && !new_path.contains(['(', ')', '<', '>']))
    .then(|| {
        crate::fix::Fix::safe(vec![crate::fix::Edit::replace(
            span,
            format!("{new_path}{tail}"),
        )])
    });
    Some((
        format!(
            "the source edition `{source}` reaches `{path}` with this path; from this file it is `{new_path}`"
        ),
        fix,
    ))
}

/// The relative path from the file at `from` to `to` (both relative to the root).
pub(crate) fn relative_path(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len().saturating_sub(1));
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The bit-parallel distance is Levenshtein's.
        #[test]
        fn bits_give_the_levenshtein_distance(
            a in "[a-c\\-é한]{1,70}",
            b in "[a-c\\-é한]{0,70}",
        ) {
            let chars: Vec<char> = a.chars().collect();
            if let Some(bits) = Bits::new(&chars) {
                proptest::prop_assert_eq!(bits.distance(&b), strsim::levenshtein(&a, &b));
            } else {
                proptest::prop_assert!(chars.len() > 64);
            }
        }

        /// The bounds only skip what cannot reach `min`: where the
        /// similarity reaches it, it is the one `strsim` gives.
        #[test]
        fn similarity_above_agrees_with_the_distance(
            a in "[a-e\\-é한]{0,14}",
            b in "[a-e\\-é한]{0,14}",
            min in proptest::sample::select(vec![0.3, 0.5, 0.6, 0.8]),
        ) {
            let exact = id_similarity(&a, &b);
            let above = Wanted::new(&a).similarity_above(&b, min);
            if exact >= min {
                proptest::prop_assert_eq!(above, exact);
            } else {
                proptest::prop_assert!(above < min, "{} for {}", above, exact);
            }
        }
    }

    /// A rule's `META` and `CHECK` agree on what it sees.
    #[test]
    fn scopes_match_checks() {
        for &rule in RuleId::ALL {
            let check = check_of(rule).expect("built-in");
            let ok = match (rule.scope(), check) {
                (Scope::Document | Scope::Corpus | Scope::External, Check::File(_)) => true,
                (Scope::Section, Check::Section(_)) => true,
                (Scope::System, Check::Pipeline) => true,
                // Suppressions are applied by the pipeline, per file.
                (Scope::Document, Check::Pipeline) => rule == RuleId::UnusedSuppression,
                _ => false,
            };
            assert!(
                ok,
                "{rule}: scope {:?} does not match its check",
                rule.scope()
            );
        }
    }
}
