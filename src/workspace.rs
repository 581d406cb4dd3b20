//! A documentation root, loaded: its settings, every Markdown file read and
//! parsed, the documents they form (editions), and the index.
//!
//! `app::load` builds a [`Workspace`] (in parallel); this module holds it and
//! answers questions about it. A workspace is plain data: it can re-parse
//! one file ([`Workspace::update_file`], after a fix or an editor change)
//! without touching the disk.

use crate::source::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::discover::layout::{DocGroup, Translation};
use crate::index::{AnchorSet, Index};
use crate::parse::{self, Document, ParseOptions};
use crate::source::{FileId, SourceFile};

/// The edition a file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// Index into [`Workspace::groups`] (`usize::MAX`: no document group).
    pub group: usize,
    /// The file-name language code for a translation; the source language for
    /// the source edition of a multi-edition document; `None` for a
    /// single-edition document. (Shared: one string per language.)
    pub lang: Option<Arc<str>>,
    pub is_translation: bool,
}

/// One documentation root, discovered, read, parsed and indexed.
pub struct Workspace {
    pub root: PathBuf,
    pub settings: Settings,
    /// Every Markdown file, sorted by path; `FileId(i)` is `files[i]`.
    pub files: Vec<SourceFile>,
    /// Parsed documents; `None` for files that were not read or could not be.
    pub docs: Vec<Option<Document>>,
    pub editions: Vec<Edition>,
    pub groups: Vec<DocGroup>,
    pub index: Index,
    /// Files that could not be read (`io-error`, `file-too-large`).
    pub read_problems: Vec<Diagnostic>,
}

impl Workspace {
    /// The options every file of this workspace is parsed with.
    pub fn parse_options(&self) -> ParseOptions {
        parse_options(&self.settings)
    }

    /// Replaces a file's text (after a fix, or an edit in an editor):
    /// re-parses it and refreshes its anchors. A problem recorded when the file could not be read (see
    /// [`Workspace::set_unread`]) is taken back.
    pub fn update_file(&mut self, id: FileId, text: String) {
        let (file, opts) = self.replacing(id, text);
        let doc = parse::parse_with(&file.text, &file.lines, &opts);
        self.replace(id, file, doc);
    }

    /// [`Self::update_file`] for several files (each at most once), parsed
    /// in parallel.
    pub fn update_files(&mut self, texts: Vec<(FileId, String)>) {
        use rayon::prelude::*;
        let files: Vec<(FileId, SourceFile, ParseOptions)> = texts
            .into_iter()
            .map(|(id, text)| {
                let (file, opts) = self.replacing(id, text);
                (id, file, opts)
            })
            .collect();
        let parsed: Vec<(FileId, SourceFile, Document)> = files
            .into_par_iter()
            .map(|(id, file, opts)| {
                let doc = parse::parse_with(&file.text, &file.lines, &opts);
                (id, file, doc)
            })
            .collect();
        for (id, file, doc) in parsed {
            self.replace(id, file, doc);
        }
    }

    /// The new file of `id` (a read problem of the old one taken back) and
    /// the options to parse it with.
    fn replacing(&mut self, id: FileId, text: String) -> (SourceFile, ParseOptions) {
        self.read_problems.retain(|d| d.file != id);
        let path = self.files[id.index()].path.clone();
        let opts = self
            .parse_options()
            .with_anchor_style(self.settings.anchor_style_for(&path));
        (SourceFile::new(path, text), opts)
    }

    /// Puts `file` and its `doc` in place of file `id`'s; whether its
    /// anchors changed.
    fn replace(&mut self, id: FileId, file: SourceFile, doc: Document) -> bool {
        let anchors = AnchorSet::from_document(&doc);
        let changed = self.index.anchors(id).is_none_or(|a| !a.same(&anchors));
        self.index.set_anchors(id, anchors);
        self.files[id.index()] = file;
        self.docs[id.index()] = Some(doc);
        changed
    }

    /// [`Self::update_file`] for a file edited again and again (the
    /// language server's open buffers): given the `state` the previous call
    /// left, only the top-level sections the edit touched are parsed again
    /// (the same document as a whole parse; see [`parse::incremental`]).
    /// Also says whether the file's anchors changed (links into it from
    /// other files are only worth checking again then).
    pub fn update_file_incrementally(
        &mut self,
        id: FileId,
        text: String,
        state: &mut Option<parse::incremental::State>,
    ) -> (parse::incremental::Outcome, bool) {
        use parse::incremental;
        let (file, opts) = self.replacing(id, text);
        let (doc, next, outcome) = match (state.take(), self.docs[id.index()].take()) {
            (Some(before), Some(old_doc)) => incremental::reparse(
                &self.files[id.index()].text,
                old_doc,
                before,
                &file.text,
                &file.lines,
                &opts,
            ),
            _ => {
                let (doc, state) = incremental::parse(&file.text, &file.lines, &opts);
                (doc, state, incremental::Outcome::Whole)
            }
        };
        *state = Some(next);
        (outcome, self.replace(id, file, doc))
    }

    /// Marks a file as not read (a buffer over `max-file-size`, say): no
    /// text, no document, no anchors; `problem` says why.
    pub fn set_unread(&mut self, id: FileId, problem: Diagnostic) {
        let path = std::mem::take(&mut self.files[id.index()].path);
        self.files[id.index()] = SourceFile::new(path, String::new());
        self.docs[id.index()] = None;
        self.index.clear_anchors(id);
        self.read_problems.retain(|d| d.file != id);
        self.read_problems.push(problem);
    }

    /// What reading the history needs: the revisions and subjects to skip,
    /// and the editions (so that edits of no substance can be told apart).
    pub fn history_options(&self) -> crate::history::HistoryOptions {
        use crate::parse::substance::Side;
        let editions = self.files.iter().zip(&self.editions).filter_map(|(f, e)| {
            let alone = self.groups.get(e.group)?.translations.is_empty();
            let side = if e.is_translation {
                Side::Translation
            } else {
                Side::Source
            };
            (!alone).then(|| (f.path.clone(), side, e.group))
        });
        crate::history::HistoryOptions {
            ignore_revs: self.settings.ignore_revs.clone(),
            skip_subjects: self.settings.skip_commits.clone(),
            editions: crate::history::Editions::new(editions),
            // Mostly other files (a code repository): git is told to diff
            // Markdown only, which spares it every other diff. (In a tree
            // of Markdown, such pathspecs only slow it down.)
            markdown_only: self.files.len() * 2 < self.index.file_count(),
        }
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| FileId(i as u32))
    }

    /// The file of a group's source edition, if it is one of the files:
    /// [`Workspace::file_id`] of its path, read at the number discovery
    /// gave it (one comparison, where a search of every path was ~17 of
    /// them on paths far apart in memory).
    pub fn source_file(&self, group: &DocGroup) -> Option<FileId> {
        self.numbered(&group.source, group.source_file)
    }

    /// The file of a translation, if it is one of the files (as
    /// [`Workspace::source_file`]).
    pub fn translation_file(&self, t: &Translation) -> Option<FileId> {
        self.numbered(&t.path, t.file)
    }

    fn numbered(&self, path: &str, hint: u32) -> Option<FileId> {
        match self.files.get(hint as usize) {
            Some(f) if f.path == path => Some(FileId(hint)),
            _ => self.file_id(path),
        }
    }

    /// The language an edition is written in (canonical tag).
    pub fn language(&self, id: FileId) -> String {
        let e = &self.editions[id.index()];
        self.settings
            .language_of(e.lang.as_deref().unwrap_or(&self.settings.source_lang))
    }

    /// The edition codes found (file-name codes of translations, and the
    /// source language when any document has translations), sorted.
    pub fn languages(&self) -> Vec<String> {
        let mut langs: Vec<String> = self
            .editions
            .iter()
            .filter_map(|e| e.lang.as_deref().map(str::to_string))
            .collect();
        langs.sort();
        langs.dedup();
        langs
    }
}

/// The parse options the settings call for.
pub fn parse_options(settings: &Settings) -> ParseOptions {
    ParseOptions::new(&settings.toc_titles).with_text_runs(settings.needs_text_runs())
}

/// The edition of every file (at `paths[i]`), from the document groups.
pub fn editions(paths: &[&str], groups: &[DocGroup], source_lang: &str) -> Vec<Edition> {
    // Sorted paths (as the walk lists them) are looked up at the number
    // discovery gave each edition (`layout::numbered`: one comparison, a
    // search from there when the number is not the path's): no map of
    // every path beside the parsing. Any other order, through one.
    let sorted = paths.windows(2).all(|w| w[0] < w[1]);
    let by_path: HashMap<&str, usize> = match sorted {
        true => HashMap::default(),
        false => paths.iter().enumerate().map(|(i, &p)| (p, i)).collect(),
    };
    let find = |p: &str, number: u32| match sorted {
        true => crate::discover::layout::numbered(paths, p, number),
        false => by_path.get(p).copied(),
    };
    let mut out = vec![
        Edition {
            group: usize::MAX,
            lang: None,
            is_translation: false,
        };
        paths.len()
    ];
    let source_lang: Arc<str> = source_lang.into();
    for (g, group) in groups.iter().enumerate() {
        if let Some(i) = find(&group.source, group.source_file) {
            out[i] = Edition {
                group: g,
                lang: (!group.translations.is_empty()).then(|| source_lang.clone()),
                is_translation: false,
            };
        }
        for t in &group.translations {
            if let Some(i) = find(&t.path, t.file) {
                out[i] = Edition {
                    group: g,
                    lang: Some(t.lang.clone()),
                    is_translation: true,
                };
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(e: &[Edition]) -> Vec<(usize, Option<String>, bool)> {
        e.iter()
            .map(|e| {
                (
                    e.group,
                    e.lang.as_deref().map(str::to_string),
                    e.is_translation,
                )
            })
            .collect()
    }

    /// Each file gets the edition its path has in the groups (source,
    /// translation, single or none), whatever the order of the files.
    #[test]
    fn editions_are_those_of_the_paths_in_any_order() {
        let paths = [
            "README-ko.md",
            "README.md",
            "a.md",
            "docs/ko/x.md",
            "docs/x.md",
            "z.md",
        ];
        // (numbered as discovery numbers them: in the sorted list)
        let number = |path: &str| paths.iter().position(|&p| p == path).unwrap() as u32;
        let translation = |lang: &str, path: &str| Translation {
            lang: lang.into(),
            path: path.into(),
            rule: "suffix",
            file: number(path),
        };
        let groups = vec![
            DocGroup {
                source: "README.md".into(),
                source_exists: true,
                translations: vec![translation("ko", "README-ko.md")],
                source_file: number("README.md"),
            },
            DocGroup {
                source: "a.md".into(),
                source_exists: true,
                translations: Vec::new(),
                source_file: number("a.md"),
            },
            DocGroup {
                source: "docs/x.md".into(),
                source_exists: true,
                translations: vec![translation("ko", "docs/ko/x.md")],
                source_file: number("docs/x.md"),
            },
        ];
        let sorted = editions(&paths, &groups, "en");
        let expected = vec![
            (0, Some("ko".to_string()), true),
            (0, Some("en".to_string()), false),
            (1, None, false),
            (2, Some("ko".to_string()), true),
            (2, Some("en".to_string()), false),
            (usize::MAX, None, false),
        ];
        assert_eq!(summary(&sorted), expected);
        let mut reversed: Vec<&str> = paths.to_vec();
        reversed.reverse();
        let mut expected_reversed = expected.clone();
        expected_reversed.reverse();
        assert_eq!(
            summary(&editions(&reversed, &groups, "en")),
            expected_reversed
        );
        // Numbers that are not the paths' (or none) are only hints: the
        // paths are searched for.
        let mut unnumbered = groups.clone();
        for (k, g) in unnumbered.iter_mut().enumerate() {
            g.source_file = [crate::discover::NOT_NUMBERED, 5, 0][k];
            for t in &mut g.translations {
                t.file = 4;
            }
        }
        assert_eq!(summary(&editions(&paths, &unnumbered, "en")), expected);
    }
}
