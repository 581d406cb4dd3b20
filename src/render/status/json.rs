//! `lockstep status --format json`, version 1.

use serde::Serialize;

use crate::report::status::{DocumentStatus, Rows, StatusReport};

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
    /// With `--changed-since`: the commit the change starts from.
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<&'a str>,
    languages: Vec<Language<'a>>,
    documents: Vec<Document<'a>>,
    sections: &'a Rows,
}

#[derive(Serialize)]
struct Document<'a> {
    lang: &'a str,
    #[serde(flatten)]
    status: &'a DocumentStatus,
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
        since: report.since.as_deref(),
        languages,
        documents: report
            .documents
            .iter()
            .flat_map(|(lang, docs)| docs.iter().map(move |status| Document { lang, status }))
            .collect(),
        sections: &report.sections,
    })
    .expect("status serialises");
    // No `##[` for a CI log to take as a workflow command (same JSON value).
    let mut s = String::from_utf8(crate::render::safe::guard_json(json)).expect("JSON is UTF-8");
    s.push('\n');
    s
}
