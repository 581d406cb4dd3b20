//! `uncertain-alignment`: sections of a translation whose counterpart in the
//! source could not be found with confidence.

use crate::diagnostic::Diagnostic;
use crate::source::Span;

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, SectionContext, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "uncertain-alignment",
    summary: "Some sections of a translation could not be paired with the source with confidence",
    severity: Severity::Info,
    default_on: true,
    scope: Scope::Section,
    fix: FixAvailability::None,
    docs: r#"## What it does
Every judgement about a translation — a missing, extra or stale section, an image mismatch, a
glossary term, the numbers of `lockstep status` — rests on pairing each translated section with
its source section. lockstep pairs them through the git history when it can (the translation
with the source as it was when the translation was synced, then that version with today's),
and otherwise by what survives translation: ids, images, code, links, numbers, Latin words,
heading levels, list shapes and section lengths. Each decision gets a confidence.

Where the evidence is weak — a section added or dropped among sections that nothing but
their position tells apart, a section that may have been rewritten or moved — the decision is
*uncertain*: lockstep makes no missing, extra or stale finding from it. This rule says, once
per translation, which sections those are, so that the silence is not mistaken for a clean
bill. `lockstep align FILE` shows every decision with its confidence and evidence.

## Why
A wrong "missing section" in CI teaches a team to switch the rule off. Saying "not sure" is
better than being confidently wrong.

## Example
```markdown
<!-- README.md -->                <!-- README-ko.md -->
## Update Your Resume             ## 코딩 문제 연습   (an older section, kept)
## Interview Process              ## 이력서
```
Nothing but the position pairs these: the note lists them.

## How to make a pairing certain
- Give the translated heading the source heading's id: `## 이력서 {#update-your-resume}` (or an
  HTML anchor `<a id="update-your-resume"></a>`). Ids are decisive evidence.
- Once a translator has checked the translation against the current source, record it with
  `lockstep sync FILE`: the history then pairs the translation through that version.

## Fix safety
No automatic fix.
"#,
};

pub(super) const CHECK: Check = Check::Section(check);

/// Sections listed by name in the message, per side.
const LISTED: usize = 5;

pub(super) fn check(ctx: &SectionContext<'_>, out: &mut Vec<Diagnostic>) {
    let cmp = ctx.comparison;
    let targets = &cmp.uncertain_targets;
    let sources = &cmp.uncertain_sources;
    if targets.is_empty() && sources.is_empty() {
        return;
    }
    let doc = ctx.target.doc;
    let heading_of = |t: usize| doc.sections[t].heading().map(|h| &doc.headings[h]);
    let mut parts = Vec::new();
    for &t in targets.iter().take(LISTED) {
        if let Some(h) = heading_of(t) {
            let line = ctx.target.file.line_col(h.span.start).line;
            parts.push(format!("`{}` (line {line})", short(&h.text)));
        }
    }
    if targets.len() > LISTED {
        parts.push(format!("{} more", targets.len() - LISTED));
    }
    let mut message = if targets.is_empty() {
        String::new()
    } else {
        format!(
            "{} of this translation could not be paired with {} confidently: {}",
            sections(targets.len()),
            ctx.source.file.path,
            parts.join(", ")
        )
    };
    if !sources.is_empty() {
        let mut listed: Vec<String> = sources
            .iter()
            .take(LISTED)
            .map(|&s| {
                let (heading, span) = ctx.source_heading(s);
                let line = ctx.source.file.line_col(span.start).line;
                format!("`{}` (line {line})", short(heading.trim_start_matches('#')))
            })
            .collect();
        if sources.len() > LISTED {
            listed.push(format!("{} more", sources.len() - LISTED));
        }
        if message.is_empty() {
            message = format!(
                "whether {} of {} {} missing from this translation is uncertain: {}",
                sections(sources.len()),
                ctx.source.file.path,
                if sources.len() == 1 { "is" } else { "are" },
                listed.join(", ")
            );
        } else {
            message.push_str(&format!(
                "; and whether {} of the source {} missing: {}",
                sections(sources.len()),
                if sources.len() == 1 { "is" } else { "are" },
                listed.join(", ")
            ));
        }
    }
    message.push_str(" — no missing, extra or stale findings are made for them");
    let at = targets
        .first()
        .and_then(|&t| heading_of(t))
        .map_or(Span::empty(0), |h| ctx.heading_line(ctx.target, h.span));
    out.push(
        Diagnostic::new(RuleId::UncertainAlignment, ctx.target.id, at, message).with_help(
            "`lockstep align` on this file shows the evidence; to make a pairing certain, give the translated heading the source heading's id (`{#id}`), or mark a translation checked against the source with `lockstep sync`",
        ),
    );
}

fn sections(n: usize) -> String {
    if n == 1 {
        "1 section".into()
    } else {
        format!("{n} sections")
    }
}

/// A heading as one short line: whitespace collapsed, long text cut.
fn short(text: &str) -> String {
    const MAX: usize = 60;
    let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= MAX {
        return one;
    }
    let cut: String = one.chars().take(MAX - 1).collect();
    format!("{}…", cut.trim_end())
}
