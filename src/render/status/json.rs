//! `lockstep status --format json`, version 1.

use std::io::Write as _;

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
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes the report as JSON to `out` as it is serialised, never holding
/// the text (on tldr-pages, 166 MB), with no `##[` for a CI log to take as
/// a workflow command (the same JSON value).
pub fn write(report: &StatusReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
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
    // Guarded a buffer at a time, not serde's every piece.
    let mut guarded =
        std::io::BufWriter::with_capacity(1 << 16, crate::render::safe::GuardJson::new(out));
    serde_json::to_writer_pretty(
        &mut guarded,
        &Report {
            version: 1,
            since: report.since.as_deref(),
            languages,
            documents: report
                .documents
                .iter()
                .flat_map(|(lang, docs)| docs.iter().map(move |status| Document { lang, status }))
                .collect(),
            sections: &report.sections,
        },
    )
    // (an I/O error, such as a closed pipe, keeps its kind)
    .map_err(std::io::Error::from)?;
    guarded.write_all(b"\n")?;
    guarded.flush()
}
