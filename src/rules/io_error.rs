//! `io-error`: a Markdown file that could not be read or is not UTF-8.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "io-error",
    summary: "A Markdown file could not be read or is not valid UTF-8",
    severity: Severity::Error,
    default_on: true,
    scope: Scope::System,
    fix: FixAvailability::None,
    docs: r#"## What it does
Reports a Markdown file of the tree that could not be read (permissions, a
vanished file) or whose bytes are not valid UTF-8 — with the line and column
of the first invalid byte. The file is left out of every other check; the run
goes on with the rest of the tree and exits with code 2.

## Why
A file that was not checked must never pass silently.

## Example
A `README-ko.md` saved as EUC-KR instead of UTF-8 is reported at its first
non-UTF-8 byte.

## Fix safety
No automatic fix: re-save the file as UTF-8. This diagnostic cannot be
switched off.
"#,
};

pub(super) const CHECK: Check = Check::Pipeline;

/// A read failure at `span` of `file`.
pub fn diagnostic(file: FileId, span: Span, message: String) -> Diagnostic {
    Diagnostic::new(RuleId::IoError, file, span, message)
}
