//! The outcome of `lockstep status`: per language, per document and per
//! section, how far each translation is.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::StaleInfo;

pub use crate::translation::State;

/// Section counts for one language (or one document in one language).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub documents: usize,
    pub sections: usize,
    pub translated: usize,
    pub partial: usize,
    pub untranslated: usize,
    pub stale: usize,
    pub missing: usize,
    pub extra: usize,
    /// Sections whose counterpart could not be found with confidence.
    pub uncertain: usize,
}

impl Counts {
    pub fn add(&mut self, state: State) {
        match state {
            State::Translated => self.translated += 1,
            State::Partial => self.partial += 1,
            State::Untranslated => self.untranslated += 1,
            State::Stale => self.stale += 1,
            State::Missing => self.missing += 1,
            State::Extra => self.extra += 1,
            State::Uncertain => self.uncertain += 1,
        }
        if state != State::Extra {
            self.sections += 1;
        }
    }

    pub fn merge(&mut self, o: &Counts) {
        self.documents += o.documents;
        self.sections += o.sections;
        self.translated += o.translated;
        self.partial += o.partial;
        self.untranslated += o.untranslated;
        self.stale += o.stale;
        self.missing += o.missing;
        self.extra += o.extra;
        self.uncertain += o.uncertain;
    }

    /// Progress in percent: translated sections, partial ones counting half.
    pub fn percent(&self) -> f64 {
        if self.sections == 0 {
            return 100.0;
        }
        100.0 * (self.translated as f64 + 0.5 * self.partial as f64) / self.sections as f64
    }
}

/// One source section in one language (or one extra translated section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRow {
    pub lang: String,
    /// The translation file (for `missing`: the file that lacks it, when known).
    pub file: Option<String>,
    pub line: Option<usize>,
    pub heading: Option<String>,
    pub source_file: Option<String>,
    pub source_line: Option<usize>,
    pub source_heading: Option<String>,
    pub state: State,
    /// For a partial or untranslated section: its first line still in the
    /// source language (not part of the JSON format).
    #[serde(skip)]
    pub first_untranslated: Option<usize>,
    /// For a stale section: the sync point and the source diff (not part of
    /// the JSON format).
    #[serde(skip)]
    pub stale: Option<Arc<StaleInfo>>,
}

/// One source document in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentStatus {
    pub source: String,
    /// The translation file, if it exists.
    pub file: Option<String>,
    pub counts: Counts,
}

#[derive(Debug, Clone, Default)]
pub struct StatusReport {
    /// Why staleness was not checked (no usable git history), if it was not.
    pub note: Option<String>,
    /// Per language code: totals.
    pub languages: BTreeMap<String, Counts>,
    /// Per language code: per document.
    pub documents: BTreeMap<String, Vec<DocumentStatus>>,
    pub sections: Vec<SectionRow>,
}

impl StatusReport {
    /// Every source document of the report, sorted.
    pub fn sources(&self) -> Vec<&str> {
        let mut sources: Vec<&str> = self
            .documents
            .values()
            .flatten()
            .map(|d| d.source.as_str())
            .collect();
        sources.sort_unstable();
        sources.dedup();
        sources
    }
}
