//! `stale-section`: a translated section whose source section changed since it was synced.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

use super::{Check, FixAvailability, RuleId, RuleMeta, Scope, SectionContext, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "stale-section",
    summary: "A translated section's source section changed since the translation was synced",
    severity: Severity::Warning,
    default_on: true,
    scope: Scope::Section,
    fix: FixAvailability::None,
    docs: r#"## What it does
Uses the git history to find translated sections that are out of date. The *sync point* of a
translated section is the newest commit that changed any of its lines in substance (deleting
lines inside it counts too), skipping the commits listed in `.git-blame-ignore-revs` and in
`ignore-revs` in `lockstep.toml`, and those whose subject matches `skip-commits`. A
`<!-- lockstep-synced: <commit> -->` marker inside the section — or before the first heading, or
`lockstep-synced`, `default_lang_commit` (OpenTelemetry) or `sourceCommit` (MDN) in front matter,
for the whole file — moves the sync point to that commit when it is newer; a marker naming a
commit the history lacks, or one older than the source file, is reported. Lines edited in the
working tree count as synced now.

*Substance* is what a translator must act on. Whitespace and wrapping, the emphasis marker
(`*x*` = `_x_`), bullet markers, table padding, HTML comments are never substance; in the source,
neither are links to the other editions of the same document (a language switcher); in a
translation, neither are link and image destinations, `id`/`href` attributes and `{#id}` — so a
`lockstep fix` of an anchor does not move the sync point.

The section is *stale* when its aligned source section changed in substance after the sync
point: lockstep takes the source file as it was at the sync point, finds the counterpart of the
section there, and compares its substance with the section now. The finding carries the unified
diff of the source section from the sync point to now, the sync commit and its date; with
`--changed-since REF`, only the sections the commits of `REF..HEAD` staled are reported (a note
counts the others; `--all-stale` lists them), each naming those commits.

Without usable history — not a git repository, or a shallow clone — lockstep says so once (a
note) and reports no stale sections. In CI, check out the whole history (`fetch-depth: 0` with
`actions/checkout`).

## Why
A translation is written against one version of the source. When the source changes, the
translation silently drifts; a per-file "last changed" date cannot tell which section needs
work, or what changed in it.

## Example
```text
warning[stale-section] translations/README-ko.md:42:1 section `캐시` is stale:
its source section changed since it was synced at 1a2b3c4d5e (2024-01-02)
--- README.md @ 1a2b3c4d5e (2024-01-02)
+++ README.md now
-A cache keeps data in memory.
+A cache keeps frequently read data in memory.
```

## Fix safety
No automatic fix. After reviewing a source change that needs no translation change, run
`lockstep sync FILE --section ID` to record the section as synced at HEAD.
"#,
};

pub(super) const CHECK: Check = Check::Section(check);

pub(super) fn check(ctx: &SectionContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stale) = ctx.stale else { return };
    for (s, info) in stale.iter().enumerate() {
        let Some(info) = info else { continue };
        let Some(t) = ctx.comparison.alignment.target_of(s) else {
            continue;
        };
        let doc = ctx.target.doc;
        let (heading, id, span) = match doc.sections[t].heading() {
            Some(h) => (
                doc.headings[h].text.trim().to_string(),
                doc.headings[h].id.clone(),
                doc.headings[h].span,
            ),
            None => continue,
        };
        let changed = match &info.changed {
            Some(c) => format!("in {} ({})", c.short(), c.date()),
            None => "in uncommitted edits".to_string(),
        };
        // With `--changed-since`: the commits of the change that staled it.
        let this_change = if info.in_range.is_empty() {
            String::new()
        } else {
            let ids: Vec<&str> = info.in_range.iter().map(|c| c.short()).collect();
            format!("; this change staled it in {}", ids.join(", "))
        };
        out.push(
            Diagnostic::new(
                RuleId::StaleSection,
                ctx.target.id,
                ctx.heading_line(ctx.target, span),
                format!(
                    "section `{heading}` is stale: its source section changed {changed} since it was synced at {} ({}){this_change}",
                    info.sync.short(),
                    info.sync.date()
                ),
            )
            .with_help(format!(
                "update the translation; if nothing needs changing, run `lockstep sync {} --section {id}`",
                ctx.target.file.path
            ))
            .with_source(ctx.source_related(s))
            .with_stale(Arc::clone(info)),
        );
    }
}

/// "Staleness was not checked: …", said once, on `file`.
/// A sync marker (a `lockstep-synced` comment, `default_lang_commit` or
/// `sourceCommit` in front matter) naming a commit the history does not
/// have: it is ignored, and the sync point comes from the history.
///
/// With `added` (the commit that added the source file `source`): the
/// marker names a commit older than the source.
pub fn unknown_marker(
    file: FileId,
    at: Span,
    commit: &str,
    added: Option<&crate::diagnostic::Revision>,
    source: &str,
) -> Diagnostic {
    let message = match added {
        None => format!(
            "sync marker names commit `{commit}`, which is not in this repository's history (unknown, or too short to be unambiguous): it is ignored"
        ),
        Some(a) => format!(
            "sync marker names commit `{commit}`, which is older than the source `{source}` (added in {} ({})): the translation cannot have been made from it",
            a.short(),
            a.date()
        ),
    };
    Diagnostic::new(RuleId::StaleSection, file, at, message)
        .with_help("run `lockstep sync` on this file to record the commit it is in sync with now")
}

pub fn unchecked(file: FileId, why: String) -> Diagnostic {
    Diagnostic::new(RuleId::StaleSection, file, Span::empty(0), why).with_severity(Severity::Info)
}
