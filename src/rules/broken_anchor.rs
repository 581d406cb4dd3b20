//! `broken-anchor`: a `#fragment` that matches no id in its target file.

use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::index::{AnchorSet, Target};
use crate::parse::{Link, dialect};
use crate::source::Span;

use super::{
    Check, FileContext, FixAvailability, Prepared, RuleId, RuleMeta, Scope, Severity,
};

pub(super) const META: RuleMeta = RuleMeta {
    name: "broken-anchor",
    summary: "A `#fragment` link matches no heading id, custom id or HTML anchor in its target",
    severity: Severity::Error,
    default_on: true,
    scope: Scope::Corpus,
    fix: FixAvailability::SafeAndUnsafe,
    docs: r#"## What it does
Checks every link with a fragment — `#id` in the same file or `other.md#id` in
another Markdown file of the tree — against the ids its target really has:
GitHub's heading ids (github-slugger, exact), `{#custom-id}` attributes and
HTML anchors (`<a name="…">`, `id="…"`). Fragments are percent-decoded before
they are compared.

## Why
Translating a heading changes its id. The table of contents and every
cross-reference that still uses the old id silently stop working: the reader
clicks and nothing happens.

## Example
```markdown
## MVC, MVP, MVVM, MVVM-C, VIPER

- [Patterns](#mvc-mvp-mvvm-mvvm-c-and-viper)   <!-- broken -->
```
lockstep reports the link and names the id that was most likely meant:
`expected #mvc-mvp-mvvm-mvvm-c-viper` — the id of a heading whose text
matches the link text, or else the closest id by similarity. (Finding the
closest id compares the fragment with every id of its target; a file's
broken anchors make at most two million such comparisons in all, and a
fragment past that says it was not compared.)

Ids are compared exactly, so `#SQL-query` does not reach `## SQL query` in
most renderers; such case-only mismatches are reported with their own message:
a warning for GitHub ids (github.com's page script retries the id in
lowercase, so the link works there but not in editors or on docs sites), an
error for the docs-site dialects (`anchor-style`), which match exactly. Set
`anchor-case = "error"`, `"warning"` or `"ignore"` in `lockstep.toml` to
decide yourself.

Ids follow the file's heading-id dialect (`anchor-style`, detected from the
docs framework): GitHub's by default, or GitLab's, Docusaurus', MkDocs',
Hugo's, VitePress', mdBook's or Bitbucket's. Explicit ids count in every
form: `{#id}`, `{ #id .class }` attribute lists, MDX's `{/* #id */}`.

## Fix safety
Safe when the intended id is certain: a case-only difference (`#SQL-query` → `#sql-query`,
also when percent-encoded) or a fragment written as heading text that slugs to an existing id
(`#Getting%20Started` → `#getting-started`). Unsafe (`--unsafe-fixes`) when the id is only the
closest match. Only the fragment after `#` is replaced. Links whose destination cannot be
located in the source (reference links) get no fix.
"#,
};

pub(super) const CHECK: Check = Check::File(check);

pub(super) fn check(ctx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    // TOC entries are `toc-drift`'s to judge, unless that rule is off (for
    // this file).
    let mut toc_entry = vec![false; ctx.doc.links.len()];
    if let Some(toc) = &ctx.doc.toc
        && ctx.settings.is_enabled_in(RuleId::TocDrift, &ctx.file.path)
    {
        for e in &toc.entries {
            toc_entry[e.link] = true;
        }
    }
    let mut suggesting = Suggesting::default();
    for (link, _) in ctx.doc.links.iter().zip(&toc_entry).filter(|(_, t)| !**t) {
        let dest = link.dest(&ctx.file.text);
        let (fragment, anchors, target_name) = match ctx.index.resolve(&ctx.file.path, dest) {
            Target::SameFile { fragment } => (fragment, ctx.index.anchors(ctx.id), None),
            Target::File {
                path,
                fragment: Some(fragment),
            } => match ctx.index.parsed_file(&path) {
                Some(id) => (fragment, ctx.index.anchors(id), Some(path)),
                None => continue,
            },
            _ => continue,
        };
        let Some(anchors) = anchors else { continue };
        if let Some(d) = judge(
            ctx,
            link,
            &fragment,
            anchors,
            target_name.as_deref(),
            &mut suggesting,
        ) {
            out.push(d);
        }
    }
}

/// Ids that always resolve: the empty fragment and `top` (HTML's scroll-to-top).
fn always_valid(fragment: &str) -> bool {
    fragment.is_empty() || fragment.eq_ignore_ascii_case("top")
}

fn judge<'a>(
    ctx: &FileContext<'_>,
    link: &Link,
    fragment: &str,
    anchors: &'a AnchorSet,
    target: Option<&str>,
    suggesting: &mut Suggesting<'a>,
) -> Option<Diagnostic> {
    // GitHub prefixes ids with `user-content-`; links may use either form.
    let fragment = fragment.strip_prefix("user-content-").unwrap_or(fragment);
    if always_valid(fragment) || anchors.contains(fragment) {
        return None;
    }
    // The page includes content lockstep cannot see: the id may be there.
    if anchors.is_open() && anchors.case_insensitive(fragment).is_none() {
        return None;
    }
    let span = fragment_span(ctx, link);
    let prefix = link.dest(&ctx.file.text).split_once('#').map_or("", |(p, _)| p);
    let where_ = match target {
        Some(path) => format!("`{path}`"),
        None => "this file".to_string(),
    };
    // Replaces the fragment after `#`, when the destination is located.
    let repair = |id: &str, safe: bool| -> Option<Fix> {
        if span == link.target_span() && !ctx.file.slice(span).starts_with('#') {
            return None;
        }
        let edits = vec![Edit::replace(Span::new(span.start + 1, span.end), id)];
        Some(if safe {
            Fix::safe(edits)
        } else {
            Fix::unsafe_(edits)
        })
    };
    let style = ctx
        .settings
        .anchor_style_for(target.unwrap_or(ctx.file.path.as_str()));
    // VitePress 2 slugs a Markdown link's fragment before it looks it up.
    if ctx.settings.slugs_fragments_for(&ctx.file.path)
        && style.slugifies_link_fragments()
        && link.kind != crate::parse::LinkKind::Html
        && anchors.contains(&dialect::slug(style, fragment))
    {
        return None;
    }
    let (d, fix) = if let Some(id) = anchors.case_insensitive(fragment) {
        let (severity, why) = super::case_only(ctx.settings, style)?;
        let d = Diagnostic::new(
            RuleId::BrokenAnchor,
            ctx.id,
            span,
            format!("`#{fragment}` differs from the id `{id}` in {where_} only in letter case"),
        )
        .with_severity(severity)
        .with_help(format!("{why}: expected `{prefix}#{id}`"));
        (d, repair(id, true))
    } else if style.normalizes_nfd() && {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = fragment.nfd().collect();
        nfd != fragment && anchors.contains(&nfd)
    } {
        let d = Diagnostic::new(
            RuleId::BrokenAnchor,
            ctx.id,
            span,
            format!(
                "`#{fragment}` is written in composed Unicode (NFC), but the id in {where_} is decomposed (NFD)"
            ),
        )
        .with_help(format!(
            "{} ids keep the decomposed form (Hangul jamo, accents as combining marks), so a hand-written fragment does not match; copy the id from the rendered page's link",
            style.name()
        ));
        (d, None)
    } else {
        let message = format!("no heading or anchor in {where_} has the id `{fragment}`");
        let d = Diagnostic::new(RuleId::BrokenAnchor, ctx.id, span, message);
        // A fragment written as heading text (`#Getting%20Started`) slugs to the id.
        let slugged = dialect::slug(style, fragment);
        if anchors.contains(&slugged) {
            let d = d.with_help(format!(
                "fragments are heading ids, not heading text: expected `{prefix}#{slugged}`"
            ));
            (d, repair(&slugged, true))
        } else {
            match suggest(fragment, link.text(&ctx.file.text), anchors, style, suggesting) {
                Ok(Some(id)) => (
                    d.with_help(format!("expected `{prefix}#{id}`")),
                    repair(id, false),
                ),
                Ok(None) => (d, None),
                Err(OverBudget) => (
                    d.with_help(format!(
                        "not compared with the ids in {where_} for a likely match: this file has too many broken anchors to compare each with every id"
                    )),
                    None,
                ),
            }
        }
    };
    Some(match fix {
        Some(f) => d.with_fix(f),
        None => d,
    })
}

/// The span of `#fragment` inside the link's destination, when it can be found.
fn fragment_span(ctx: &FileContext<'_>, link: &Link) -> Span {
    let span = link.target_span();
    let src = ctx.file.slice(span);
    match src.find('#') {
        Some(i) => Span::new(span.start + i, span.end),
        None => span,
    }
}

/// What one file's suggestions share: the comparisons left (of a
/// fragment with an id), and the ids of the sets compared with so far,
/// made ready for comparisons (a file's links mostly point at one or two
/// files).
pub(crate) struct Suggesting<'a> {
    budget: usize,
    prepared: Vec<(&'a AnchorSet, Box<[Prepared]>)>,
}

impl Default for Suggesting<'_> {
    fn default() -> Self {
        Self {
            budget: SUGGEST_BUDGET,
            prepared: Vec::new(),
        }
    }
}

impl<'a> Suggesting<'a> {
    fn prepared(&mut self, anchors: &'a AnchorSet) -> &[Prepared] {
        let at = match self
            .prepared
            .iter()
            .position(|(set, _)| std::ptr::eq(*set, anchors))
        {
            Some(at) => at,
            None => {
                let ids = anchors.iter().map(Prepared::new).collect();
                self.prepared.push((anchors, ids));
                self.prepared.len() - 1
            }
        };
        &self.prepared[at].1
    }
}

/// The id the author most likely meant: a heading whose id is the slug of
/// the link text, else the most similar id — if the file's budget of
/// comparisons covers comparing this fragment with every id; else
/// `OverBudget`, and the budget is left for fragments compared with fewer
/// ids.
pub(crate) fn suggest<'a>(
    fragment: &str,
    text: &str,
    anchors: &'a AnchorSet,
    style: dialect::AnchorStyle,
    suggesting: &mut Suggesting<'a>,
) -> Result<Option<&'a str>, OverBudget> {
    let from_text = dialect::slug(style, text.trim());
    if !from_text.is_empty()
        && let Some(id) = anchors.get(&from_text)
    {
        return Ok(Some(id));
    }
    suggesting.budget = (suggesting.budget)
        .checked_sub(anchors.len())
        .ok_or(OverBudget)?;
    let prepared = suggesting.prepared(anchors);
    let wanted = crate::parse::case::to_lowercase(fragment);
    let wanted = super::Wanted::new(&wanted);
    // Highest score wins; ties go to the alphabetically first id, so the
    // suggestion never depends on hash order. An id is only worth an exact
    // score when it can reach the best so far (a tie included): the bar
    // rises as ids are met, and more of them are ruled out by the bounds.
    let mut best: Option<(f64, &str)> = None;
    for (id, &prepared) in anchors.iter().zip(prepared) {
        let bar = best.map_or(SUGGEST_MIN, |(score, _)| score);
        let score = wanted.similarity_above_prepared(id, prepared, bar);
        if score < bar {
            continue;
        }
        if best.is_none_or(|(s, b)| score > s || (score == s && id < b)) {
            best = Some((score, id));
        }
    }
    Ok(best.map(|(_, id)| id))
}

/// A fragment not compared for a suggestion: the file's budget is spent.
#[derive(Debug, PartialEq)]
pub(crate) struct OverBudget;

/// The least similarity of a suggested id.
const SUGGEST_MIN: f64 = 0.6;

/// How many comparisons of a broken fragment with an id one file's
/// suggestions may make, in all: comparing every broken anchor with every
/// id is quadratic (10,000 broken anchors into 10,000 headings took 9 s).
/// About a fifth of a second at the most; two thousand broken anchors into
/// a file of a thousand ids are all compared.
const SUGGEST_BUDGET: usize = 2_000_000;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`suggest`]'s choice by similarity as it was written first: every
    /// id scored at the least similarity, the best taken.
    fn by_every_score<'a>(fragment: &str, anchors: &'a AnchorSet) -> Option<&'a str> {
        let wanted = fragment.to_lowercase();
        let wanted = crate::rules::Wanted::new(&wanted);
        anchors
            .iter()
            .map(|id| (wanted.similarity_above(id, SUGGEST_MIN), id))
            .filter(|(score, _)| *score >= SUGGEST_MIN)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, id)| id)
    }

    #[test]
    fn suggestions_stop_when_the_budget_is_spent() {
        let text = "# Install the tool\n\n# Configure it\n\n# Usage\n";
        let anchors = AnchorSet::from_document(&crate::parse::parse(text));
        let style = dialect::AnchorStyle::default();
        // Enough to compare the fragment with each of the three ids.
        let mut suggesting = Suggesting {
            budget: 4,
            ..Suggesting::default()
        };
        assert_eq!(
            suggest("instal-the-tool", "", &anchors, style, &mut suggesting),
            Ok(Some("install-the-tool"))
        );
        assert_eq!(suggesting.budget, 1);
        // Not enough for the next: not compared, and the budget is kept.
        assert_eq!(
            suggest("configur-it", "", &anchors, style, &mut suggesting),
            Err(OverBudget)
        );
        assert_eq!(suggesting.budget, 1);
        // The link text's slug is looked up, not compared: it costs nothing.
        assert_eq!(
            suggest("x", "Usage", &anchors, style, &mut suggesting),
            Ok(Some("usage"))
        );
        assert_eq!(suggesting.budget, 1);
    }

    proptest! {
        /// Raising the bar as better ids are met suggests what scoring
        /// every id does: ids over a few shared words (near misses, ties,
        /// prefixes), fragments made of the same words.
        #[test]
        fn a_rising_bar_suggests_what_every_score_does(
            headings in proptest::collection::vec("(setup|set|install|instal|a|the|api|apis|é|한|x1)( (setup|set|install|instal|a|the|api|apis|é|한|x1)){0,3}", 1..40),
            fragment in "(setup|set|install|instal|a|the|api|apis|é|한|x1|-){1,8}",
        ) {
            let text: String = headings.iter().map(|h| format!("# {h}\n\n")).collect();
            let anchors = AnchorSet::from_document(&crate::parse::parse(&text));
            prop_assert_eq!(
                suggest(&fragment, "", &anchors, dialect::AnchorStyle::default(), &mut Suggesting::default()).unwrap(),
                by_every_score(&fragment, &anchors)
            );
        }
    }
}
