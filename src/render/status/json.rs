//! `lockstep status --format json`, version 1.

use serde::Serialize;

use crate::report::status::{SectionRow, StatusReport};

#[derive(Serialize)]
struct Language<'a> {
    lang: &'a str,
    documents: usize,
    sections: usize,
    translated: usize,
    partial: usize,
    untranslated: usize,
    stale: usize,
    uncertain: usize,
    missing: usize,
    extra: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    languages: Vec<Language<'a>>,
    sections: &'a [SectionRow],
}

pub(super) fn render(report: &StatusReport) -> String {
    let languages = report
        .languages
        .iter()
        .map(|(lang, c)| Language {
            lang,
            documents: c.documents,
            sections: c.sections,
            translated: c.translated,
            partial: c.partial,
            untranslated: c.untranslated,
            stale: c.stale,
            uncertain: c.uncertain,
            missing: c.missing,
            extra: c.extra,
        })
        .collect();
    let json = serde_json::to_vec_pretty(&Report {
        version: 1,
        languages,
        sections: &report.sections,
    })
    .expect("status serialises");
    // No `##[` for a CI log to take as a workflow command (same JSON value).
    let mut s = String::from_utf8(crate::render::safe::guard_json(json)).expect("JSON is UTF-8");
    s.push('\n');
    s
}
