//! `redirected-link`: an external link that redirects elsewhere (only with
//! `--external --report-redirects`).

use crate::diagnostic::Diagnostic;
use crate::external::{Outcome, occurrences};
use crate::fix::{Edit, Fix};

use super::{Check, FileContext, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "redirected-link",
    summary: "An external link redirects to another URL (checked with --external --report-redirects)",
    severity: Severity::Info,
    default_on: false,
    scope: Scope::External,
    fix: FixAvailability::Unsafe,
    docs: r#"## What it does
With `--external --report-redirects`, reports links whose URL answers with a redirect (301, 302,
303, 307, 308, possibly several) that ends at a working page, naming the final URL.

## Why
A redirect works today, but it is a hint the page moved; the old address is the first to break,
and every reader pays for the extra round trip.

## Example
```markdown
[docs](http://example.com/docs)   <!-- redirected-link: redirects to `https://example.com/docs/` -->
```

## Fix safety
Unsafe fix (`--unsafe-fixes`): replace the URL with the final URL — a redirect can also lead to a
login page or a generic landing page, so check the result.
"#,
};

pub(super) const CHECK: Check = Check::File(check);

pub(super) fn check(ctx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(outcomes) = ctx.external else { return };
    for o in occurrences(ctx.doc, &ctx.file.text) {
        let Ok(request) = &o.request else { continue };
        let Some(Outcome::Ok {
            final_url: Some(final_url),
            ..
        }) = outcomes.get(request)
        else {
            continue;
        };
        let url = &o.url;
        let mut diag = Diagnostic::new(
            RuleId::RedirectedLink,
            ctx.id,
            o.span,
            format!("`{url}` redirects to `{final_url}`"),
        );
        // Offered where the URL is written literally (and had no fragment).
        let literal = ctx.file.text.get(o.span.range()) == Some(url.as_str());
        if literal && !url.contains('#') {
            diag = diag
                .with_help(format!("replace it with `{final_url}`"))
                .with_fix(Fix::unsafe_(vec![Edit::replace(o.span, final_url.clone())]));
        }
        out.push(diag);
    }
}
