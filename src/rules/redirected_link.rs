//! `redirected-link`: an external link that redirects elsewhere (only with
//! `--external --report-redirects`). Diagnostics come from
//! [`super::dead_link::diagnostics`].

use crate::diagnostic::Severity;

use super::{RuleKind, RuleMeta};

pub(super) const META: RuleMeta = RuleMeta {
    name: "redirected-link",
    summary: "An external link redirects to another URL (checked with --external --report-redirects)",
    severity: Severity::Info,
    default_on: false,
    kind: RuleKind::External,
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
