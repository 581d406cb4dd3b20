//! `unused-suppression`: a `lockstep-disable` comment that suppresses nothing.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    summary: "An inline suppression comment suppresses nothing, or names an unknown rule",
    severity: Severity::Info,
    default_on: true,
    scope: Scope::Document,
    fix: FixAvailability::None,
    docs: r#"## What it does
Findings can be suppressed inline:

- `<!-- lockstep-disable RULE[, RULE] -->` … `<!-- lockstep-enable RULE -->` for the text
  between the two comments;
- `<!-- lockstep-disable-next-line RULE -->` for the next line;
- `<!-- lockstep-disable-file RULE -->` for the whole file.

Without a rule, a comment applies to every rule. This rule reports suppressions that
suppressed nothing in the run — the problem was fixed, or the rule name is misspelt — and
names that are not rules.

## Why
Stale suppressions hide future problems of the same kind and make the file harder to read.

## Example
```markdown
<!-- lockstep-disable-next-line broken-link -->
See the [guide](docs/guide.md).    <!-- the link works now: the comment can go -->
```

## Fix safety
No automatic fix: remove the comment. A suppression of a rule that did not run (left out with
`--select`, switched off, or `stale-section` without git history) is not reported: whether it
is still needed cannot be known.
"#,
};

pub(super) const CHECK: Check = Check::Pipeline;

/// An unused or unknown suppression at `span`.
pub fn diagnostic(file: FileId, span: Span, message: String) -> Diagnostic {
    Diagnostic::new(RuleId::UnusedSuppression, file, span, message)
}
