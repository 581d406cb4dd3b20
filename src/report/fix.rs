//! The outcome of `lockstep fix`: the files the fixes changed, what was
//! fixed, and what `check` still reports.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::RuleId;

use super::Report;

/// One file the fixes changed.
#[derive(Debug, Clone)]
pub struct Change {
    /// Path as displayed (relative to the root).
    pub path: String,
    /// Where to write it.
    pub abs: PathBuf,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Default)]
pub struct FixReport {
    pub changes: Vec<Change>,
    /// Fixes applied, per rule.
    pub applied: BTreeMap<RuleId, usize>,
    /// What `check` reports after the fixes.
    pub remaining: Report,
    pub passes: usize,
    /// Files whose fixes never settled (left as they were), with the rules
    /// involved.
    pub unsettled: Vec<(String, Vec<RuleId>)>,
}

impl FixReport {
    /// Fixes applied, over every rule.
    pub fn fixed(&self) -> usize {
        self.applied.values().sum()
    }
}
