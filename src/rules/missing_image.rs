//! `missing-image`: a local image whose file does not exist.

use crate::diagnostic::Diagnostic;
use crate::index::Target;

use super::{Check, FileContext, FixAvailability, RuleId, RuleMeta, Scope, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    name: "missing-image",
    summary: "A local image (Markdown or HTML) points to a file that does not exist",
    severity: Severity::Error,
    default_on: true,
    scope: Scope::Corpus,
    fix: FixAvailability::Safe,
    docs: r#"## What it does
Resolves every local image — Markdown `![alt](path)` and HTML `<img src>` /
`<source srcset>` — like `broken-link` resolves links (relative to the file,
percent-decoded, spaces allowed) and reports images whose file does not
exist, is a folder, or lies outside the documentation root. Remote images
(`https:`, `data:`) are not checked here.

## Why
Diagrams are shared between editions, but a translation in another folder
must reach them with a different relative path (`../images/x.png` instead of
`images/x.png`). A missed path is an empty box in the middle of the text.

## Example
```markdown
<!-- translations/README-ko.md -->
![OSI model](images/osi model.jpeg)      <!-- missing: translations/images/ does not exist -->
![OSI model](../images/osi model.jpeg)   <!-- ok -->
```

## Fix safety
Safe in one case: a translation that kept its source's relative path (`images/x.png` in
`translations/README-ko.md`) where the same path, read from the source edition, reaches a file
that exists — the help names the path from the translation (`../images/x.png`) and the fix
writes it (the fragment and query are kept). Otherwise no automatic fix.
"#,
};

pub(super) const CHECK: Check = Check::File(check);

pub(super) fn check(ctx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
    for image in &ctx.doc.images {
        let message = match ctx.index.resolve(&ctx.file.path, image.dest(&ctx.file.text)) {
            Target::Missing { path } => format!("image `{path}` does not exist"),
            Target::Dir { path } => format!("image path `{path}` is a folder, not a file"),
            Target::EscapesRoot => format!(
                "image `{}` lies outside the documentation root; it was not followed",
                image.dest(&ctx.file.text)
            ),
            Target::OutsideLink { path } => format!(
                "image `{path}` is a symlink to a place outside the documentation root; it was not followed"
            ),
            _ => continue,
        };
        let mut d = Diagnostic::new(RuleId::MissingImage, ctx.id, image.target_span(), message);
        if let Some((help, fix)) = super::kept_source_path(ctx, image) {
            d = d.with_help(help);
            if let Some(fix) = fix {
                d = d.with_fix(fix);
            }
        }
        out.push(d);
    }
}
