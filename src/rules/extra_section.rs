//! `extra-section`: a translated section with no counterpart in the source.

use crate::align::Evidence;
use crate::diagnostic::Diagnostic;

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, SectionContext, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "extra-section",
    summary: "A translated section has no counterpart in the source edition",
    severity: Severity::Warning,
    default_on: true,
    scope: Scope::Section,
    fix: FixAvailability::None,
    docs: r#"## What it does
Reports sections of a translation that align with no section of the source edition (see
`missing-section` for how sections are aligned). A section with subsections is reported once.
Only certain decisions are reported (uncertain ones go to `uncertain-alignment`). In a git
repository, a section whose source section existed when the translation was synced and has been
removed from the source since is reported as such.

## Why
A section the source no longer has — removed or merged upstream — keeps misinforming readers
of the translation; a section only the translation has is often content that belongs in the
source too.

## Example
```markdown
<!-- README.md -->          <!-- translations/README-ko.md -->
## Cache                    ## 캐시
                            ## 레거시 설정   ← extra
## Security                 ## 보안
```

## Fix safety
No automatic fix.
"#,
};

pub(super) const CHECK: Check = Check::Section(check);

pub(super) fn check(ctx: &SectionContext<'_>, out: &mut Vec<Diagnostic>) {
    for &(t, below) in &ctx.comparison.extra {
        let doc = ctx.target.doc;
        let Some(h) = doc.sections[t].heading() else {
            continue;
        };
        let heading = &doc.headings[h];
        let sub = match below {
            0 => String::new(),
            1 => " (and its subsection)".into(),
            n => format!(" (and its {n} subsections)"),
        };
        // Through history: the source had this section when the
        // translation was synced, and has removed it since.
        let dropped = ctx
            .comparison
            .alignment
            .step_of_target(t)
            .is_some_and(|p| p.evidence.contains(Evidence::DROPPED));
        let (why, help) = if dropped {
            (
                ": the source has removed it since this translation was synced",
                "remove it too, or restore it in the source edition",
            )
        } else {
            ("", "remove it, or add it to the source edition")
        };
        out.push(
            Diagnostic::new(
                RuleId::ExtraSection,
                ctx.target.id,
                ctx.heading_line(ctx.target, heading.span),
                format!(
                    "section `{}`{sub} has no counterpart in {}{why}",
                    heading.text.trim(),
                    ctx.source.file.path
                ),
            )
            .with_help(help),
        );
    }
}
