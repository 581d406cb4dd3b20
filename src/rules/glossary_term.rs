//! `glossary-term`: a translated section does not use the glossary's term
//! for a term its source section uses.

use crate::diagnostic::Diagnostic;
use crate::parse::Document;
use crate::source::Span;

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, SectionContext, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "glossary-term",
    summary: "A translated section does not use the glossary's term for a term its source section uses",
    severity: Severity::Warning,
    default_on: true,
    scope: Scope::Section,
    fix: FixAvailability::None,
    docs: r#"## What it does
Checks every aligned pair of sections against the glossary (`[[glossary]]` entries in the
project's rule files): when the source section uses a term, the translated section must use
the term the glossary gives for its language. Reported on the translated section — at the
source term when the translation kept it verbatim, else at the section's heading — with the
source section as the related location.

```toml
[[glossary]]
en = "cache"
ko = "캐시"
ja = ["キャッシュ", "キャッシング"]   # any of these forms
allow-source = false                 # true: keeping "cache" verbatim is fine too
```

Terms are matched case-insensitively in the text a reader sees (prose, headings, link text, alt
text; never code or URLs). A source term starting with a letter or digit must start at a word
boundary (`cache` matches `caches`, not `mustcache`); a translated term matches anywhere, so
particles and inflections may follow it (`캐시를`). A glossary key matches an edition's language
and its variants (`zh` matches `zh-CN` and `zh-TW`; the most specific key wins).

## Why
Consistent terminology is what makes a translated manual usable: a reader who learnt "캐시" in
one chapter should not meet "임시 저장소" in the next. Nothing else checks terminology across
editions section by section.

## Example
```markdown
<!-- README.md -->                      <!-- README-ko.md -->
## Caching                              ## 임시 저장
Put a cache in front of the database.   데이터베이스 앞에 임시 저장소를 둡니다.   ← no "캐시"
```

## Fix safety
No automatic fix: where the term goes in the sentence is the translator's call.
"#,
};

pub(super) const CHECK: Check = Check::Section(check);

/// The visible text runs of section `s`.
fn section_runs(doc: &Document, s: usize) -> impl Iterator<Item = crate::parse::TextRun<'_>> {
    doc.texts
        .starting_in(doc.sections[s].span)
        .filter(|r| r.scope.is_visible_text())
}

pub(super) fn check(ctx: &SectionContext<'_>, out: &mut Vec<Diagnostic>) {
    let glossary = &ctx.settings.declared.glossary;
    if glossary.is_empty() {
        return;
    }
    let source_language = ctx.settings.language_of(ctx.source_lang);
    for entry in glossary {
        let Some((_, _, source_re)) = entry.for_language(&source_language) else {
            continue;
        };
        let Some((_, target_forms, target_re)) = entry.for_language(ctx.target_lang) else {
            continue;
        };
        for pair in ctx.comparison.alignment.pairs.iter().filter(|p| p.is_certain()) {
            let (Some(s), Some(t)) = (pair.source, pair.target) else {
                continue;
            };
            // The source term as used in the source section.
            let Some(used) = section_runs(ctx.source.doc, s)
                .find_map(|r| source_re.find(r.text).map(|m| m.as_str().to_string()))
            else {
                continue;
            };
            let target_runs: Vec<_> = section_runs(ctx.target.doc, t).collect();
            if target_runs.iter().any(|r| target_re.is_match(r.text)) {
                continue;
            }
            // Kept verbatim: fine when the entry allows it; else the place.
            let verbatim = target_runs
                .iter()
                .find_map(|r| source_re.find(r.text).map(|m| r.span_of(m.range())));
            if verbatim.is_some() && entry.allow_source {
                continue;
            }
            let wanted = target_forms
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            let doc = ctx.target.doc;
            let heading = doc.sections[t]
                .heading()
                .map(|h| doc.headings[h].text.trim().to_string())
                .unwrap_or_else(|| "(before the first heading)".into());
            let (span, message) = match verbatim {
                Some(span) => (
                    span,
                    format!(
                        "`{}` is left untranslated in section `{heading}`: the glossary says {wanted}",
                        &ctx.target.file.text[span.range()]
                    ),
                ),
                None => (
                    match doc.sections[t].heading() {
                        Some(h) => ctx.heading_line(ctx.target, doc.headings[h].span),
                        None => Span::new(doc.sections[t].span.start, doc.sections[t].span.start),
                    },
                    format!(
                        "section `{heading}` does not use the glossary term {wanted} for `{used}`"
                    ),
                ),
            };
            out.push(
                Diagnostic::new(RuleId::GlossaryTerm, ctx.target.id, span, message)
                    .with_help(format!(
                        "the source section uses `{used}`; glossary entry at {}:{}",
                        entry.origin.file, entry.origin.line
                    ))
                    .with_source(ctx.source_related(s)),
            );
        }
    }
}
