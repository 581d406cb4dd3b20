//! `lockstep docs`: discovery shown, before it becomes findings — which
//! files were grouped into which documents by which convention, which docs
//! sites were detected and with what settings. Nothing is read but the
//! sites' configuration files.

use std::path::PathBuf;

use crate::discover::lang;
use crate::report::docs::{ContentRow, DocsReport, DocumentRow, EditionRow, SiteRow};

use super::{AppError, load, load_settings, scope};

#[derive(Debug, Clone, Default)]
pub struct DocsOptions {
    pub path: PathBuf,
    pub config: Option<PathBuf>,
}

pub fn docs(opts: &DocsOptions) -> Result<DocsReport, AppError> {
    let roots = scope::roots(std::slice::from_ref(&opts.path))?;
    let (root, _) = &roots[0];
    let mut settings = load_settings(root, opts.config.as_deref())?;
    let (_, groups, sites) = load::discover_with_sites(root, &settings);
    settings.sites = sites;
    let sites = settings
        .sites
        .iter()
        .map(|s| SiteRow {
            framework: s.framework.name().to_string(),
            dir: if s.dir.is_empty() {
                ".".into()
            } else {
                s.dir.clone()
            },
            config: s.config.clone(),
            content: s
                .content
                .iter()
                .map(|c| ContentRow {
                    dir: if c.dir.is_empty() {
                        ".".into()
                    } else {
                        c.dir.clone()
                    },
                    url: if c.url.is_empty() {
                        "/".into()
                    } else {
                        c.url.clone()
                    },
                    lang: c.lang.clone(),
                })
                .collect(),
            statics: s.statics.clone(),
            clean_urls: s.clean_urls,
            page_relative: s.page_relative,
            fallback: s.fallback,
            base: s.base.clone(),
            anchor_style: s.anchor_style.unwrap_or_default().name().to_string(),
            opaque: s.opaque.clone(),
        })
        .collect();
    let mut documents = Vec::new();
    let mut single = Vec::new();
    let mut notes = Vec::new();
    for g in &groups {
        if g.translations.is_empty() {
            single.push(g.source.clone());
            continue;
        }
        let editions: Vec<EditionRow> = g
            .translations
            .iter()
            .map(|t| EditionRow {
                lang: t.lang.to_string(),
                path: t.path.clone(),
                rule: t.rule.to_string(),
            })
            .collect();
        // A source whose own name ends in a language code (`list-zh.md`
        // with `list-zh_TW.md`): the "translation" may be a region of it,
        // or a sibling list, not a translation of it.
        let stem = g
            .source
            .rsplit('/')
            .next()
            .unwrap_or(&g.source)
            .split('.')
            .next()
            .unwrap_or("");
        if let Some((_, code)) = stem.rsplit_once(['-', '_'])
            && lang::is_known_code(code)
        {
            for t in &g.translations {
                notes.push(format!(
                    "`{}` is read as language `{}` of `{}`, whose own name ends in the language code `{code}`: check that it is a translation of it",
                    t.path, t.lang, g.source
                ));
            }
        }
        if !g.source_exists {
            notes.push(format!(
                "`{}` has translations but does not exist (or is itself a translation)",
                g.source
            ));
        }
        documents.push(DocumentRow {
            source: g.source.clone(),
            source_exists: g.source_exists,
            anchor_style: settings.anchor_style_for(&g.source).name().to_string(),
            editions,
        });
    }
    Ok(DocsReport {
        version: 1,
        source_lang: settings.source_lang.clone(),
        sites,
        documents,
        single,
        notes,
    })
}
