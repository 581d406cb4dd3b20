//! `untranslated-section`: a translated section whose prose is still in the source language.

use crate::diagnostic::Diagnostic;
use crate::translation::State;

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, SectionContext, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "untranslated-section",
    summary: "A section of a translation is still (partly) in the source language",
    severity: Severity::Info,
    default_on: false,
    scope: Scope::Section,
    fix: FixAvailability::None,
    docs: r#"## What it does
Judges the prose of each aligned section — paragraphs and table cells; code blocks, inline
code, URLs, images and raw HTML are left out. A block is *untranslated* when it is identical
or nearly identical to a block of the source section (after normalising whitespace), or when
it is written in the source language:

- for a translation written in another script than the source (Korean, Japanese, Chinese,
  Russian, Arabic …), by the share of its letters in that script — so `Redis는 빠릅니다` is
  translated and a sentence with no Hangul is not;
- for a translation in the same script (German, Spanish …), by language identification
  (whatlang) between the two languages;
- for a language the identifier does not know (Malay, Swahili …), by whether it
  recognises the source language reliably among all the languages it knows: anything
  else counts as translated, never as the source language.

Blocks too short to tell (`Step 1`) are not judged. A section whose judged blocks are all
untranslated is *untranslated*; one with some is *partial*, and the finding names its first
untranslated line; a section with nothing to judge but its heading is judged by the heading.
A heading translated over an English body is untranslated.

## Why
Translations are often made part by part; sections left in English are easy to miss when
the headings and the TOC are already translated.

## Example
```markdown
<!-- translations/README-ko.md -->
### Redis는 왜 빠른가요?

Redis is fast for the following reasons ...   ← still English: untranslated
```

## Fix safety
No automatic fix.

Off by default in `lockstep check`: a translation in progress is not a CI failure, and the
rule runs language identification on every block of every translation. `lockstep status`
always judges sections; turn the rule on for `check` with `--select untranslated-section`
or `untranslated-section = "info"` (or `"warning"`) under `[rules]`.
"#,
};

pub(super) const CHECK: Check = Check::Section(check);

pub(super) fn check(ctx: &SectionContext<'_>, out: &mut Vec<Diagnostic>) {
    for (s, j) in ctx.comparison.judgements.iter().enumerate() {
        let Some(j) = j else { continue };
        if s == 0 || !matches!(j.state, State::Untranslated | State::Partial) {
            continue;
        }
        let Some(t) = ctx.comparison.alignment.target_of(s) else {
            continue;
        };
        let doc = ctx.target.doc;
        let heading = doc.sections[t]
            .heading()
            .map(|h| doc.headings[h].text.trim().to_string())
            .unwrap_or_default();
        let span = j.first_untranslated.unwrap_or(doc.sections[t].span);
        let span = ctx.heading_line(ctx.target, span);
        let line = ctx.target.file.line_col(span.start).line;
        let message = match j.state {
            State::Partial => format!(
                "section `{heading}` is partly translated: line {line} is still in the source language ({})",
                ctx.source_lang
            ),
            _ => format!(
                "section `{heading}` is still in the source language ({})",
                ctx.source_lang
            ),
        };
        out.push(
            Diagnostic::new(RuleId::UntranslatedSection, ctx.target.id, span, message)
                .with_source(ctx.source_related(s)),
        );
    }
}
