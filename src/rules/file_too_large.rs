//! `file-too-large`: a Markdown file over the size cap, skipped unread.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "file-too-large",
    summary: "A Markdown file is larger than `max-file-size` and was not checked",
    severity: Severity::Warning,
    default_on: true,
    scope: Scope::System,
    fix: FixAvailability::None,
    docs: r#"## What it does
Reports a Markdown file larger than the size cap (`max-file-size` in
`lockstep.toml`, default 10 MiB). The file is not read at all, so it is left
out of every other check and its anchors are unknown: links into it are not
judged.

## Why
Generated or vendored Markdown can be huge; reading it would cost time and
memory for no benefit. Saying so keeps the skip visible.

## Example
```toml
# lockstep.toml
max-file-size = "20 MiB"
```

## Fix safety
No automatic fix. This diagnostic cannot be switched off; raise the cap or
exclude the file (`exclude = ["vendor/**"]`).
"#,
};

pub(super) const CHECK: Check = Check::Pipeline;

/// `file` was skipped because it has `size` bytes, over `max`.
pub fn diagnostic(file: FileId, size: u64, max: u64) -> Diagnostic {
    Diagnostic::new(
        RuleId::FileTooLarge,
        file,
        Span::empty(0),
        format!(
            "file is {size} bytes, over the {max}-byte limit (max-file-size); it was not checked"
        ),
    )
}
