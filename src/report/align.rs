//! The outcome of `lockstep align`: how each translation of a document was
//! paired with its source edition, section by section, with the confidence
//! and the evidence of every decision.

use crate::diagnostic::Revision;

/// One section, as the alignment shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionRef {
    /// 1-based line of the heading.
    pub line: usize,
    pub level: u8,
    pub heading: String,
}

/// One decision of an alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignRow {
    /// `paired`, `missing` (a source section with no counterpart) or `extra`
    /// (a translated section with no source section).
    pub decision: &'static str,
    pub source: Option<SectionRef>,
    pub translation: Option<SectionRef>,
    /// How sure the decision is, 0 to 1; below 0.5 it is uncertain.
    pub confidence: f64,
    pub certain: bool,
    /// What the decision rests on (`id`, `image`, `code`, `history`, …).
    pub evidence: Vec<&'static str>,
}

/// One translation aligned with its source edition.
#[derive(Debug, Clone, PartialEq)]
pub struct DocAlignment {
    pub source: String,
    pub translation: String,
    pub lang: String,
    /// The source version the alignment went through (the translation's
    /// sync point), when the history was used.
    pub through: Option<Revision>,
    pub rows: Vec<AlignRow>,
}

impl DocAlignment {
    pub fn uncertain(&self) -> usize {
        self.rows.iter().filter(|r| !r.certain).count()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlignReport {
    pub alignments: Vec<DocAlignment>,
    /// Why the history was not used, when it was not.
    pub note: Option<String>,
}
