//! The rule registry and the contexts rules run in.
//!
//! Each rule lives in its own file with its documentation (What it does /
//! Why / Example / Fix safety), printed by `lockstep rules <id>`. Rules are
//! pure functions from a context to diagnostics: no I/O, no printing, no
//! threads. [`RuleId`] is the typed name of a rule; strings appear only at the
//! configuration and command-line boundary.

mod broken_anchor;
mod broken_link;
pub mod dead_link;
mod extra_section;
mod file_too_large;
mod glossary_term;
mod image_mismatch;
mod io_error;
mod missing_image;
mod missing_section;
mod redirected_link;
pub mod registry;
mod stale_section;
mod toc_drift;
mod untranslated_section;
mod unused_suppression;

use crate::app::StaleInfo;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::index::Index;
use crate::parse::Document;
use crate::source::{FileId, SourceFile, Span};
use crate::translation::Comparison;
use std::sync::Arc;

/// What a rule sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// One file of one edition.
    Document,
    /// One file plus the cross-file index.
    Corpus,
    /// One aligned section across editions.
    Section,
    /// Reported by the pipeline itself (reading files), not by a check.
    System,
    /// A pattern rule from a rule file (`rules/*.toml`).
    Declarative,
    /// Checks external URLs over the network (`--external`).
    External,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Document => "document",
            RuleKind::Corpus => "corpus",
            RuleKind::Section => "section",
            RuleKind::System => "system",
            RuleKind::Declarative => "declarative",
            RuleKind::External => "external",
        }
    }
}

/// A rule's static description.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub summary: &'static str,
    pub severity: Severity,
    /// Whether `check` runs the rule without being asked (`--select` or
    /// `[rules]` turn the others on).
    pub default_on: bool,
    pub kind: RuleKind,
    /// Markdown: What it does / Why / Example / Fix safety.
    pub docs: &'static str,
}

macro_rules! rules {
    ($($variant:ident => $module:ident),* $(,)?) => {
        /// A rule: a built-in one, or a declarative one (from a shipped pack
        /// or a project's rule folder) interned by name in [`registry`].
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($variant,)*
            /// A declarative rule: an index into the registry.
            Declared(u32),
        }

        impl RuleId {
            /// Every built-in rule.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(RuleId::$variant => &$module::META,)*
                    RuleId::Declared(i) => registry::meta(i),
                }
            }

            /// Position among the built-in rules (their order of precedence).
            fn builtin_index(self) -> Option<usize> {
                Self::ALL.iter().position(|r| *r == self)
            }
        }
    };
}

rules! {
    BrokenAnchor => broken_anchor,
    BrokenLink => broken_link,
    MissingImage => missing_image,
    TocDrift => toc_drift,
    MissingSection => missing_section,
    ExtraSection => extra_section,
    UntranslatedSection => untranslated_section,
    StaleSection => stale_section,
    GlossaryTerm => glossary_term,
    DeadLink => dead_link,
    RedirectedLink => redirected_link,
    UnusedSuppression => unused_suppression,
    ImageMismatch => image_mismatch,
    IoError => io_error,
    FileTooLarge => file_too_large,
}

/// Built-in rules in their order, then declarative rules by name: the same
/// order in every run, whatever order rule files were loaded in.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.builtin_index(), other.builtin_index()) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => self.name().cmp(other.name()),
        }
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl RuleId {
    pub fn name(self) -> &'static str {
        self.meta().name
    }

    /// A built-in rule, or a declarative rule that has been loaded (the
    /// shipped packs always are).
    pub fn from_name(name: &str) -> Option<Self> {
        crate::declarative::packs::shipped();
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.name() == name)
            .or_else(|| registry::lookup(name).map(RuleId::Declared))
    }

    /// Built-in rules, then every declarative rule loaded so far (by name).
    pub fn all() -> Vec<RuleId> {
        crate::declarative::packs::shipped();
        let mut declared: Vec<RuleId> = registry::ids().into_iter().map(RuleId::Declared).collect();
        declared.sort();
        Self::ALL.iter().copied().chain(declared).collect()
    }

    /// Where the rule comes from: `built-in`, a shipped pack's name, or a
    /// project rule file.
    pub fn pack(self) -> &'static str {
        match self {
            RuleId::Declared(i) => registry::pack(i),
            _ => "built-in",
        }
    }

    pub fn default_severity(self) -> Severity {
        self.meta().severity
    }

    /// The rule's documentation page, as printed by `lockstep rules <id>`
    /// and kept in `docs/rules/<id>.md`.
    pub fn doc_page(self) -> String {
        let m = self.meta();
        let pack = match self {
            RuleId::Declared(_) => format!(" Pack: {}.", self.pack()),
            _ => String::new(),
        };
        format!(
            "# {}\n\n{}\n\nDefault severity: {}{}. Kind: {} rule.{pack}\n\n{}",
            m.name,
            m.summary,
            m.severity,
            if m.default_on {
                ""
            } else {
                ", off unless selected"
            },
            m.kind.as_str(),
            m.docs
        )
    }

    /// System diagnostics cannot be switched off: a file that was not checked
    /// must never pass silently.
    pub fn always_on(self) -> bool {
        self.meta().kind == RuleKind::System
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// " (did you mean `x`?)" for a misspelt rule name, or "".
pub fn did_you_mean(name: &str) -> String {
    RuleId::all()
        .iter()
        .map(|r| (strsim::jaro_winkler(name, r.name()), r.name()))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

/// How similar a wanted id `a` is to an existing id `b`, from 0 to 1:
/// normalised Levenshtein, except that an id extending the wanted one at a
/// word boundary (`#linear-programming` for `## Linear Programming (videos)`)
/// counts as almost certain.
pub(crate) fn id_similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.chars().count() >= 6 && b.starts_with(a) && b[a.len()..].starts_with(['-', ' ']) {
        return 0.9;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    // Cheap bound: very different lengths cannot be similar enough.
    if (la.min(lb) as f64) / (la.max(lb) as f64) < 0.4 {
        return 0.0;
    }
    strsim::normalized_levenshtein(a, b)
}

/// What a document or corpus rule sees: one parsed file and the index.
pub struct FileContext<'a> {
    pub id: FileId,
    pub file: &'a SourceFile,
    pub doc: &'a Document,
    pub index: &'a Index,
    pub settings: &'a Settings,
    /// The file's edition, for rules limited to some languages.
    pub edition: crate::declarative::EditionInfo<'a>,
    /// The declarative rules that are on (worked out once per run).
    pub declared: &'a [&'a crate::declarative::DeclaredRule],
}

/// Runs every enabled document and corpus rule on one file.
pub fn check_file(ctx: &FileContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let s = ctx.settings;
    if s.is_enabled(RuleId::BrokenAnchor) {
        broken_anchor::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::BrokenLink) {
        broken_link::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::MissingImage) {
        missing_image::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::TocDrift) {
        toc_drift::check(ctx, &mut out);
    }
    for rule in ctx.declared {
        if rule.applies_to(&ctx.file.path, ctx.edition) {
            crate::declarative::engine::check(rule, ctx.id, &ctx.file.text, ctx.doc, &mut out);
        }
    }
    out
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
        match doc.sections[s].heading {
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
            .heading
            .map(|h| doc.headings[h].text.trim().to_string())
    }

    /// `span` cut to its first line.
    pub fn heading_line(&self, at: FileRef<'_>, span: Span) -> Span {
        let line = at.file.line_col(span.start).line;
        let l = at.file.lines.line_span(&at.file.text, line);
        Span::new(span.start, span.end.min(l.end).max(span.start))
    }
}

/// Runs every enabled section rule on one translation.
pub fn check_sections(ctx: &SectionContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let s = ctx.settings;
    if s.is_enabled(RuleId::MissingSection) {
        missing_section::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::ExtraSection) {
        extra_section::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::UntranslatedSection) {
        untranslated_section::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::ImageMismatch) {
        image_mismatch::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::StaleSection) {
        stale_section::check(ctx, &mut out);
    }
    if s.is_enabled(RuleId::GlossaryTerm) {
        glossary_term::check(ctx, &mut out);
    }
    out
}

/// Whether any section rule is enabled (alignment is only computed then).
pub fn any_section_rule(settings: &Settings) -> bool {
    RuleId::ALL
        .iter()
        .any(|r| r.meta().kind == RuleKind::Section && settings.is_enabled(*r))
}

/// Diagnostics for a file that could not be read.
pub use self::file_too_large::diagnostic as file_too_large;
pub use self::io_error::diagnostic as io_error;
pub use self::stale_section::unchecked as stale_unchecked;
pub use self::unused_suppression::diagnostic as unused_suppression;
