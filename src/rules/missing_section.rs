//! `missing-section`: a source section with no counterpart in a translation.

use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, SectionContext, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "missing-section",
    summary: "A section of the source edition has no counterpart in a translation",
    severity: Severity::Warning,
    default_on: true,
    scope: Scope::Section,
    fix: FixAvailability::None,
    docs: r#"## What it does
Aligns each translation with its source edition section by section (by heading level and
position, and by what survives translation: images, code blocks, link targets, numbers and
Latin tokens in headings, custom ids and HTML anchors) and reports source sections that have
no counterpart. A missing section with subsections is reported once, at the top of the
missing subtree. The finding points at the place in the translation where the section
belongs, and at the source section.

## Why
A section added to the English edition after a translation was made is invisible to readers
of that translation — and to its translators, unless something tells them.

## Example
```markdown
<!-- README.md -->          <!-- translations/README-ko.md -->
## Cache                    ## 캐시
## Kafka                    (nothing)
## Security                 ## 보안
```
reports `## Kafka` missing from the Korean edition, before `## 보안`.

## Fix safety
No automatic fix: the section needs translating.
"#,
};

pub(super) const CHECK: Check = Check::Section(check);

pub(super) fn check(ctx: &SectionContext<'_>, out: &mut Vec<Diagnostic>) {
    let cmp = ctx.comparison;
    for &(s, below) in &cmp.missing {
        let src_heading = ctx.source_heading(s);
        // Where it belongs: before the next source section that has a counterpart.
        let after = ctx.source.doc.sections[s].end();
        let at = (s + 1..ctx.source.doc.sections.len())
            .filter(|&i| ctx.source.doc.sections[i].span.start >= after)
            .find_map(|i| cmp.alignment.target_of(i))
            .map_or(ctx.target.file.text.len(), |t| {
                ctx.target.doc.sections[t].span.start
            });
        let sub = match below {
            0 => String::new(),
            1 => " (and its subsection)".into(),
            n => format!(" (and its {n} subsections)"),
        };
        let mut d = Diagnostic::new(
            RuleId::MissingSection,
            ctx.target.id,
            Span::empty(at),
            format!(
                "section `{}`{sub} of {} is missing from this translation",
                src_heading.0, ctx.source.file.path
            ),
        )
        .with_source(ctx.source_related(s));
        if let Some(next) = ctx.target_heading_at(at) {
            d = d.with_help(format!("it belongs here, before `{next}`"));
        }
        out.push(d);
    }
}
