//! `broken-link`: a relative link to a file or folder that does not exist.

use crate::diagnostic::Diagnostic;
use crate::index::Target;

use super::{Check, FileContext, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "broken-link",
    summary: "A relative link points to a file or folder that does not exist",
    severity: Severity::Error,
    default_on: true,
    scope: Scope::Corpus,
    fix: FixAvailability::Safe,
    docs: r#"## What it does
Resolves every relative link (Markdown inline, reference and HTML `<a href>`)
against the folder of the file it is written in — or the documentation root
for links starting with `/` — and reports links whose file or folder does not
exist in the tree. Paths are percent-decoded (`%20` is a space) and may
contain spaces; `?query` parts are ignored. A link that climbs above the
documentation root with `..`, or that reaches a symlink pointing outside it,
is reported and never followed. External URLs (`https:`, `mailto:`, `//host`)
are not checked here.

In a docs site (VitePress, Hugo, Docusaurus, MkDocs, mdBook — detected, or
`[site]` in `lockstep.toml`), links resolve as the site serves them: site URLs
(`/guide/intro`, `/ko/docs/x/`) through the content folders, clean URLs
(`intro`, `intro.html`, `guide/` reach `intro.md`, `guide/index.md`,
`_index.md`), static folders (`public/`, `static/`), page-relative URLs (Hugo,
MkDocs: `a/b.md` is served at `a/b/`), Docusaurus routes (number prefixes
dropped) and dated blog posts, and — where the framework falls back to it —
the source language's files. A site URL whose first folder is no part of the
site's content (a generated section, a redirect), or that lies below a mount
of files the tree lacks, cannot be judged and is not reported.

## Why
Translations usually live in another folder than the source
(`translations/README-ko.md`), so every relative link copied from the source
must be rewritten: `docs/guide.md` becomes `../docs/guide.md`. A missed one
is a dead link for every reader of that language.

## Example
```markdown
<!-- translations/README-ko.md -->
See the [guide](docs/guide.md).      <!-- broken: there is no translations/docs/ -->
See the [guide](../docs/guide.md).   <!-- ok -->
```

Files ignored by `.gitignore` are not part of the tree: a link to one is
reported, as it would be broken on GitHub.

## Fix safety
Safe in one case: a translation that kept its source's relative path (`images/x.png` in
`translations/README-ko.md`) where the same path, read from the source edition, reaches a file
that exists — the help names the path from the translation (`../images/x.png`) and the fix
writes it (the fragment and query are kept). Otherwise no automatic fix.
"#,
};

pub(super) const CHECK: Check = Check::File(check);

pub(super) fn check(ctx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    for link in &ctx.doc.links {
        let message = match ctx.index.resolve(&ctx.file.path, link.dest(&ctx.file.text)) {
            Target::Missing { path } => format!("link target `{path}` does not exist"),
            Target::EscapesRoot => format!(
                "link `{}` leaves the documentation root; it was not followed",
                link.dest(&ctx.file.text)
            ),
            Target::OutsideLink { path } => format!(
                "link target `{path}` is a symlink to a place outside the documentation root; it was not followed"
            ),
            _ => continue,
        };
        let mut d = Diagnostic::new(RuleId::BrokenLink, ctx.id, link.target_span(), message);
        if let Some((help, fix)) = super::kept_source_path(ctx, link) {
            d = d.with_help(help);
            if let Some(fix) = fix {
                d = d.with_fix(fix);
            }
        }
        out.push(d);
    }
}
