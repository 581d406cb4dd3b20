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
///
/// The strings rows repeat (the language, the files, a source heading in
/// every language) are shared: a report of a large site holds tens of
/// thousands of rows.
pub struct SectionRow {
    pub lang: Arc<str>,
    /// The translation file (for `missing`: the file that lacks it, when known).
    pub file: Option<Arc<str>>,
    pub line: Option<usize>,
    pub heading: Option<String>,
    pub source_file: Option<Arc<str>>,
    pub source_line: Option<usize>,
    pub source_heading: Option<Arc<str>>,
    pub state: State,
    /// For a partial or untranslated section: its first line still in the
    /// source language (not part of the JSON format).
    #[serde(skip)]
    pub first_untranslated: Option<usize>,
    /// For a stale section: the sync point and the source diff (not part of
    /// the JSON format).
    #[serde(skip)]
    pub stale: Option<Arc<StaleInfo>>,
    /// For a stale section: how far behind its source section it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behind: Option<Box<Behind>>,
}

/// How far a stale section (or a document) is behind its source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Behind {
    /// Source commits that changed it in substance since the sync point.
    pub commits: usize,
    /// Source commits since the sync point that changed it cosmetically only.
    pub cosmetic: usize,
    /// Whether uncommitted edits change the source too.
    pub uncommitted: bool,
    /// The sync commit (for a document: of its oldest stale section).
    pub synced: String,
    /// The sync commit's date: stale since then (`YYYY-MM-DD`).
    pub since: String,
    /// The newest source change's date, when committed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newest: Option<String>,
    /// With `--changed-since`: the commits of the change that staled it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub this_change: Vec<String>,
}

impl Behind {
    pub fn of(info: &StaleInfo) -> Self {
        Behind {
            commits: info.behind.len(),
            cosmetic: info.cosmetic,
            uncommitted: info.uncommitted,
            synced: info.sync.id.clone(),
            since: info.sync.date(),
            newest: info.behind.first().map(|c| c.date()),
            this_change: info.in_range.iter().map(|c| c.id.clone()).collect(),
        }
    }

    /// A document's: distinct commits over its stale sections, since the oldest sync.
    pub fn of_document<'a>(infos: impl Iterator<Item = &'a StaleInfo>) -> Option<Self> {
        let infos: Vec<&StaleInfo> = infos.collect();
        let oldest = infos.iter().min_by_key(|i| i.sync.time)?;
        let newest = infos
            .iter()
            .filter_map(|i| i.behind.first())
            .max_by_key(|c| c.time);
        let mut ids: Vec<&str> = infos
            .iter()
            .flat_map(|i| i.behind.iter().map(|c| c.id.as_str()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut this_change: Vec<String> = infos
            .iter()
            .flat_map(|i| i.in_range.iter().map(|c| c.id.clone()))
            .collect();
        this_change.sort_unstable();
        this_change.dedup();
        Some(Behind {
            commits: ids.len(),
            cosmetic: infos.iter().map(|i| i.cosmetic).max().unwrap_or(0),
            uncommitted: infos.iter().any(|i| i.uncommitted),
            synced: oldest.sync.id.clone(),
            since: oldest.sync.date(),
            newest: newest.map(|c| c.date()),
            this_change,
        })
    }

    /// `12 source commits behind since 2024-01-02`.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} source commit{} behind since {}",
            self.commits,
            if self.commits == 1 { "" } else { "s" },
            self.since
        );
        if self.uncommitted {
            s.push_str(", and uncommitted edits");
        }
        s
    }
}

/// One source document in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentStatus {
    /// (Shared with the document's rows, as `file` is.)
    pub source: Arc<str>,
    /// The translation file, if it exists.
    pub file: Option<Arc<str>>,
    pub counts: Counts,
    /// When sections are stale: how far behind the source the document is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behind: Option<Box<Behind>>,
}

#[derive(Debug, Clone, Default)]
pub struct StatusReport {
    /// Why staleness was not checked (no usable git history), if it was not.
    pub note: Option<String>,
    /// With `--changed-since`: the commit the change starts from.
    pub since: Option<String>,
    /// What links to files start with in the Markdown report (`--link-base`,
    /// e.g. `https://github.com/o/r/blob/<sha>/docs/`); empty: relative.
    pub link_base: String,
    /// Per language code: totals.
    pub languages: BTreeMap<String, Counts>,
    /// Per language code: per document.
    pub documents: BTreeMap<String, Vec<DocumentStatus>>,
    pub sections: Rows,
}

/// The section rows of a report, in order: kept in the chunks they were
/// made in (one per document and language), so that a large site's tens of
/// thousands of rows are never copied into one vector, which held both
/// copies at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows(Vec<Vec<SectionRow>>);

impl Rows {
    /// Appends a chunk of rows.
    pub fn push_chunk(&mut self, rows: Vec<SectionRow>) {
        if !rows.is_empty() {
            self.0.push(rows);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &SectionRow> {
        self.0.iter().flatten()
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The rows of each language, in order, in one pass (not one pass per
    /// language: tldr-pages has 51 languages and 280,000 rows).
    pub fn by_lang(&self) -> BTreeMap<&str, Vec<&SectionRow>> {
        let mut by: BTreeMap<&str, Vec<&SectionRow>> = BTreeMap::new();
        for r in self.iter() {
            by.entry(&*r.lang).or_default().push(r);
        }
        by
    }
}

impl From<Vec<SectionRow>> for Rows {
    fn from(rows: Vec<SectionRow>) -> Self {
        let mut r = Rows::default();
        r.push_chunk(rows);
        r
    }
}

impl IntoIterator for Rows {
    type Item = SectionRow;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<SectionRow>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().flatten()
    }
}

/// A JSON array of the rows, as one vector of them serialises.
impl Serialize for Rows {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl StatusReport {
    /// Each document's status by language and source (the first, were there
    /// two), for looking documents up by the thousand.
    pub fn documents_by_source(&self) -> std::collections::HashMap<(&str, &str), &DocumentStatus> {
        let mut by = std::collections::HashMap::new();
        for (lang, docs) in &self.documents {
            for d in docs {
                by.entry((lang.as_str(), &*d.source)).or_insert(d);
            }
        }
        by
    }

    /// Every source document of the report, sorted.
    pub fn sources(&self) -> Vec<&str> {
        let mut sources: Vec<&str> = self
            .documents
            .values()
            .flatten()
            .map(|d| &*d.source)
            .collect();
        sources.sort_unstable();
        sources.dedup();
        sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(lang: &str, heading: &str, state: State) -> SectionRow {
        let shared: Arc<str> = Arc::from("docs/a.md");
        SectionRow {
            lang: Arc::from(lang),
            file: Some(shared.clone()),
            line: Some(3),
            heading: Some(heading.to_string()),
            source_file: Some(shared),
            source_line: None,
            source_heading: Some(Arc::from("Install")),
            state,
            first_untranslated: None,
            stale: None,
            behind: None,
        }
    }

    /// Rows in chunks are the rows of one vector: in order, in JSON (pretty
    /// and compact, empty or not), and taken apart.
    #[test]
    fn rows_in_chunks_are_one_vector_of_them() {
        let all = vec![
            row("ko", "설치", State::Translated),
            row("ko", "사용", State::Stale),
            row("ja", "インストール", State::Missing),
            row("ko", "끝", State::Partial),
        ];
        let mut rows = Rows::default();
        rows.push_chunk(all[..2].to_vec());
        rows.push_chunk(Vec::new());
        rows.push_chunk(all[2..].to_vec());
        assert_eq!(rows.len(), 4);
        assert!(!rows.is_empty());
        assert_eq!(rows.iter().cloned().collect::<Vec<_>>(), all);
        for (a, b) in [
            (
                serde_json::to_string(&rows).unwrap(),
                serde_json::to_string(&all).unwrap(),
            ),
            (
                serde_json::to_string_pretty(&rows).unwrap(),
                serde_json::to_string_pretty(&all).unwrap(),
            ),
            (
                serde_json::to_string_pretty(&Rows::default()).unwrap(),
                serde_json::to_string_pretty(&Vec::<SectionRow>::new()).unwrap(),
            ),
        ] {
            assert_eq!(a, b);
        }
        // Each language's rows, in order, as filtering by language gives them.
        let by_lang = rows.by_lang();
        assert_eq!(by_lang.keys().copied().collect::<Vec<_>>(), ["ja", "ko"]);
        for (lang, mine) in &by_lang {
            let filtered: Vec<&SectionRow> = rows.iter().filter(|r| &*r.lang == *lang).collect();
            assert_eq!(mine, &filtered);
        }
        assert!(Rows::default().is_empty());
        assert_eq!(Rows::from(all.clone()).into_iter().collect::<Vec<_>>(), all);
    }
}
