//! `dead-link`: an external `http(s)` link that does not answer with a
//! success (only with `--external`).
//!
//! The network is not touched here: `app` collects the URLs, the `net`
//! edge checks them, and this rule turns each outcome into diagnostics, one
//! per place the URL occurs.

use crate::diagnostic::Diagnostic;
use crate::external::{Outcome, describe_duration, describe_status, occurrences};

use super::{Check, FileContext, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "dead-link",
    summary: "An external link does not answer with a success (checked with --external)",
    severity: Severity::Error,
    default_on: false,
    scope: Scope::External,
    fix: FixAvailability::None,
    docs: r#"## What it does
With `--external` (or `external = true`), checks every `http(s)` URL in the documentation —
Markdown links and images, autolinks, bare URLs, HTML `href`/`src`, reference definitions — once
each, and reports every place a URL occurs when it is dead: an HTTP 4xx or 5xx status (5xx and
429 after retries), a DNS, connection or TLS failure, or a redirect loop. A timeout or a server
that keeps rate-limiting is a warning (the link may be fine), and so is a URL the run had no
time left for: the whole batch of checks has a deadline (`deadline` in `[external-links]`,
5 minutes by default). A URL whose host is not a public address (loopback, private, link-local,
documentation, benchmarking and the other special-purpose blocks of the IANA registries) is not
connected to and is reported as a note (`--allow-private` checks it). `#fragments` are not
checked remotely.

HEAD is tried first and GET when HEAD is refused (403, 405, 501); at most 5 redirects are
followed, each hop checked against the address policy again. Results are cached in
`.lockstep-cache` at the documentation root (1 day by default).

## Why
Links to the outside world rot too: pages move, sites close, and translations often copy a link
from an old version of the source. A CI run catches them before readers do.

## Example
```markdown
See the [RFC](https://www.rfc-editor.org/rfc/rfc9110).     <!-- 200: fine -->
See the [old docs](https://example.com/v1/gone).          <!-- dead-link: HTTP 404 Not Found -->
```

## Fix safety
No automatic fix. (`redirected-link` offers the final URL of a redirect as an unsafe fix.)
"#,
};

pub(super) const CHECK: Check = Check::File(check);

pub(super) fn check(ctx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(outcomes) = ctx.external else { return };
    for o in occurrences(ctx.doc, &ctx.file.text) {
        let outcome = match &o.request {
            Err(why) => Outcome::Failed { error: why.clone() },
            Ok(u) => match outcomes.get(u) {
                Some(outcome) => outcome.clone(),
                None => continue, // excluded
            },
        };
        let url = &o.url;
        let d = |severity: Severity, message: String| {
            Diagnostic::new(RuleId::DeadLink, ctx.id, o.span, message).with_severity(severity)
        };
        match outcome {
            Outcome::Ok { .. } => {}
            Outcome::Dead { status } => out.push(d(
                Severity::Error,
                format!("`{url}` is dead: {}", describe_status(status)),
            )),
            Outcome::RateLimited { status } => out.push(d(
                Severity::Warning,
                format!(
                    "`{url}` was not checked: the server keeps answering {}",
                    describe_status(status)
                ),
            )),
            Outcome::Timeout { seconds } => out.push(d(
                Severity::Warning,
                format!("`{url}` did not answer within {seconds} s"),
            )),
            Outcome::Failed { error } => out.push(d(
                Severity::Error,
                format!("`{url}` could not be reached: {error}"),
            )),
            Outcome::DeadlinePassed { deadline_ms } => out.push(
                d(
                    Severity::Warning,
                    format!(
                        "`{url}` was not checked: the run's deadline ({}) passed before its check finished",
                        describe_duration(deadline_ms)
                    ),
                )
                .with_help(
                    "raise `deadline` in `[external-links]` of lockstep.toml, or check fewer URLs (`include`, `exclude`)",
                ),
            ),
            Outcome::Blocked { reason } => out.push(
                d(Severity::Info, format!("`{url}` was not checked: {reason}")).with_help(
                    "lockstep connects only to public addresses; --allow-private lifts this",
                ),
            ),
        }
    }
}
