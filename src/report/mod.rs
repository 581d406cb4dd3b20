//! Reports: what a run found, as plain data for the renderers.
//!
//! [`Report`] is the outcome of `lockstep check` (sorted findings, the files
//! they point into, a summary); [`status::StatusReport`] that of `lockstep
//! status`; [`align::AlignReport`] that of `lockstep align`; [`fix::FixReport`] that of `lockstep fix`; [`rules`] the rule
//! list and rule self-tests. Renderers take these and know nothing of how
//! they were made.

pub mod align;
pub mod docs;
pub mod fix;
pub mod rules;
pub mod status;

use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::source::{FileId, HashMap, SourceFile};

/// Deterministic order: file, position, rule, message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The outcome of `lockstep check` over one or more roots.
#[derive(Debug, Default)]
pub struct Report {
    /// Files by `FileId`; paths as they should be displayed.
    pub files: Vec<SourceFile>,
    /// Language of each file's edition (see `workspace::Edition::lang`).
    /// (Shared: one string per language.)
    pub langs: Vec<Option<std::sync::Arc<str>>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files checked.
    pub checked: usize,
    /// With one documentation root: the root as given on the command line
    /// (paths in `files` are relative to it); empty otherwise.
    pub base: String,
    /// Messages about the run itself (baseline entries that no longer occur).
    pub notes: Vec<String>,
    /// Per file: whether this run checked it (it was in scope and read).
    pub in_scope: Vec<bool>,
    /// Rules enabled in at least one root.
    pub rules: Vec<RuleId>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// A file's path relative to the current folder (for CI annotations and
    /// SARIF): the root joined with the path.
    pub fn display_path(&self, file: FileId) -> String {
        let path = &self.files[file.index()].path;
        let base = self.base.trim_end_matches('/');
        let joined = if base.is_empty() || base == "." {
            path.clone()
        } else {
            format!("{base}/{path}")
        };
        joined.strip_prefix("./").unwrap_or(&joined).to_string()
    }

    /// Fingerprints of the findings, in order: [`Diagnostic::fingerprint`],
    /// with `#2`, `#3` … appended to repeats of the same fingerprint.
    pub fn fingerprints(&self) -> Vec<String> {
        use rayon::prelude::*;
        let hashes: Vec<u64> = self
            .diagnostics
            .par_iter()
            .map(|d| d.fingerprint_hash(&self.files[d.file.index()]))
            .collect();
        let mut seen: HashMap<u64, usize> = HashMap::default();
        hashes
            .into_iter()
            .map(|h| {
                let n = seen.entry(h).or_default();
                *n += 1;
                if *n == 1 {
                    format!("{h:016x}")
                } else {
                    format!("{h:016x}#{n}")
                }
            })
            .collect()
    }

    /// Whether a file could not be read (exit code 2).
    pub fn has_io_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.rule == RuleId::IoError)
    }

    /// Files with at least one finding.
    pub fn files_with_findings(&self) -> usize {
        let mut files: Vec<FileId> = self.diagnostics.iter().map(|d| d.file).collect();
        files.sort_unstable();
        files.dedup();
        files.len()
    }
}
