//! `image-mismatch`: a section shows other images than its source section.

use crate::diagnostic::Diagnostic;

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, SectionContext, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "image-mismatch",
    summary: "A translated section shows other local images than its source section",
    severity: Severity::Warning,
    default_on: true,
    scope: Scope::Section,
    fix: FixAvailability::None,
    docs: r#"## What it does
Compares the local images of each aligned section with its source section's, resolved to
files — so `images/x.png` in `README.md` and `../images/x.png` in
`translations/README-ko.md` are the same diagram. Reports images the translation lacks and
images it shows that the source section does not. A path that does not resolve is compared
by file name (`missing-image` reports the broken path itself).

## Why
Diagrams are usually shared between editions. A translated section with another image — or
none — was translated from an older source, or lost its diagram on the way.

## Example
```markdown
<!-- README.md -->                  <!-- translations/README-ko.md -->
## OSI model                        ## OSI 모델
![OSI](images/osi-v2.png)           ![OSI](../images/osi-v1.png)   ← mismatch
```

## Fix safety
No automatic fix.
"#,
};

pub(super) const CHECK: Check = Check::Section(check);

pub(super) fn check(ctx: &SectionContext<'_>, out: &mut Vec<Diagnostic>) {
    for diff in &ctx.comparison.images {
        let doc = ctx.target.doc;
        let heading = doc.sections[diff.target]
            .heading()
            .map(|h| doc.headings[h].text.trim().to_string())
            .unwrap_or_else(|| "(before the first heading)".into());
        let mut parts = Vec::new();
        if !diff.missing.is_empty() {
            parts.push(format!("missing {}", quote_list(&diff.missing)));
        }
        if !diff.extra.is_empty() {
            let extra: Vec<String> = diff.extra.iter().map(|(k, _)| k.clone()).collect();
            parts.push(format!("not in the source: {}", quote_list(&extra)));
        }
        let span = match (diff.extra.first(), doc.sections[diff.target].heading()) {
            (Some((_, span)), _) => *span,
            (None, Some(h)) => ctx.heading_line(ctx.target, doc.headings[h].span),
            (None, None) => doc.sections[diff.target].span,
        };
        out.push(
            Diagnostic::new(
                RuleId::ImageMismatch,
                ctx.target.id,
                span,
                format!(
                    "images of section `{heading}` differ from its source section: {}",
                    parts.join("; ")
                ),
            )
            .with_source(ctx.source_related(diff.source)),
        );
    }
}

fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
