//! The terminal table: one row per language.

use std::fmt::Write;

use crate::render::safe;
use crate::report::status::{Behind, StatusReport};

const COLUMNS: [&str; 10] = [
    "lang",
    "documents",
    "sections",
    "translated",
    "partial",
    "untranslated",
    "stale",
    "uncertain",
    "missing",
    "extra",
];

pub(super) fn render(report: &StatusReport, color: bool) -> String {
    if report.languages.is_empty() {
        return "No translations found.\n".into();
    }
    let rows: Vec<[String; 10]> = report
        .languages
        .iter()
        .map(|(lang, c)| {
            [
                safe::escape(lang).into_owned(),
                c.documents.to_string(),
                c.sections.to_string(),
                c.translated.to_string(),
                c.partial.to_string(),
                c.untranslated.to_string(),
                c.stale.to_string(),
                c.uncertain.to_string(),
                c.missing.to_string(),
                c.extra.to_string(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..10)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(COLUMNS[i].len()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, h) in COLUMNS.iter().enumerate() {
        let _ = write!(out, "{:>w$}  ", h, w = widths[i]);
    }
    out.push_str("progress\n");
    for (row, (_, c)) in rows.iter().zip(&report.languages) {
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "{:<w$}  ", cell, w = widths[i]);
            } else {
                let _ = write!(out, "{:>w$}  ", cell, w = widths[i]);
            }
        }
        let pct = c.percent();
        let bar = super::bar(pct, 20);
        if color {
            let code = if pct >= 90.0 {
                32
            } else if pct >= 50.0 {
                33
            } else {
                31
            };
            let _ = writeln!(out, "\x1b[{code}m{bar}\x1b[0m {pct:>5.1}%");
        } else {
            let _ = writeln!(out, "{bar} {pct:>5.1}%");
        }
    }
    // How far behind, per language with stale sections.
    let by_lang = report.sections.by_lang();
    for lang in report.languages.keys() {
        let rows = by_lang.get(lang.as_str()).map_or(&[][..], Vec::as_slice);
        let stale = rows.iter().filter_map(|r| r.stale.as_deref());
        if let Some(b) = Behind::of_document(stale) {
            let _ = writeln!(
                out,
                "{}: stale sections are {} (oldest sync {})",
                safe::escape(lang),
                b.describe(),
                safe::escape(&b.synced[..b.synced.len().min(10)])
            );
        }
    }
    out
}
