//! Findings as data: what rules return and renderers print.
//!
//! A [`Diagnostic`] names its rule, a severity, a file and a byte [`Span`];
//! cross-edition findings also point at the source-language section. Nothing
//! here knows how a diagnostic is printed.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::fix::Fix;
use crate::rules::RuleId;
use crate::source::{FileId, SourceFile, Span};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in another file (or elsewhere in the same one) that explains a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// For cross-edition findings: the source-language section.
    pub source: Option<Related>,
    /// Edits that would repair the finding. Shared: one TOC rebuild repairs
    /// every finding of that TOC.
    pub fix: Option<Arc<Fix>>,
    /// For `stale-section`: the sync point and the source diff.
    pub stale: Option<Arc<crate::app::StaleInfo>>,
}

impl Diagnostic {
    /// A diagnostic at the rule's default severity; the engine applies the
    /// configured severity afterwards.
    pub fn new(rule: RuleId, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity(),
            file,
            span,
            message: message.into(),
            help: None,
            source: None,
            fix: None,
            stale: None,
        }
    }

    pub fn with_stale(mut self, stale: Arc<crate::app::StaleInfo>) -> Self {
        self.stale = Some(stale);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_fix(self, fix: Fix) -> Self {
        self.with_shared_fix(Arc::new(fix))
    }

    pub fn with_shared_fix(mut self, fix: Arc<Fix>) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_source(mut self, source: Related) -> Self {
        self.source = Some(source);
        self
    }

    /// A fingerprint that survives unrelated edits (lines added above, a
    /// file reflowed elsewhere): the rule, the file, the finding's text and
    /// its line's text with whitespace collapsed, and the message with
    /// numbers masked — no line numbers. 16 hex digits (FNV-1a, 64 bits: the
    /// same on every platform and version).
    pub fn fingerprint(&self, file: &SourceFile) -> String {
        fn collapse(s: &str) -> String {
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        let line_no = file.line_col(self.span.start).line;
        let line = file.lines.line_span(&file.text, line_no);
        let message: String = self
            .message
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [
            self.rule.name(),
            file.path.as_str(),
            &collapse(file.slice(self.span)),
            &collapse(file.slice(line)),
            &message,
        ] {
            for b in part.bytes().chain(std::iter::once(0)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }

    /// The order of output: file, then position, then rule.
    pub fn sort_key(&self) -> (FileId, usize, usize, RuleId, &str) {
        (
            self.file,
            self.span.start,
            self.span.end,
            self.rule,
            &self.message,
        )
    }
}
