//! `lockstep status --format markdown`: the table and per-language lists,
//! for pasting into an issue or a wiki page.

use std::fmt::Write;

use crate::report::status::State;
use crate::report::status::StatusReport;

/// Rows of the per-document table shown at most.
const MAX_DOCUMENTS: usize = 200;

fn escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

pub(super) fn render(report: &StatusReport) -> String {
    let mut out = String::from("## Translation status\n\n");
    if report.languages.is_empty() {
        out.push_str("No translations found.\n");
        return out;
    }
    out.push_str("| language | documents | sections | translated | partial | untranslated | stale | missing | extra | progress |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (lang, c) in &report.languages {
        let _ = writeln!(
            out,
            "| `{lang}` | {} | {} | {} | {} | {} | {} | {} | {} | {} {:.0}% |",
            c.documents,
            c.sections,
            c.translated,
            c.partial,
            c.untranslated,
            c.stale,
            c.missing,
            c.extra,
            super::bar(c.percent(), 10),
            c.percent()
        );
    }
    // Per document, when there are several.
    let sources = report.sources();
    if sources.len() > 1 {
        out.push_str("\n### Documents\n\n| document |");
        for lang in report.languages.keys() {
            let _ = write!(out, " `{lang}` |");
        }
        out.push_str("\n|---|");
        for _ in report.languages.keys() {
            out.push_str("---:|");
        }
        out.push('\n');
        for source in sources.iter().take(MAX_DOCUMENTS) {
            let _ = write!(out, "| `{}` |", escape(source));
            for lang in report.languages.keys() {
                match report.documents[lang].iter().find(|d| d.source == *source) {
                    Some(d) if d.file.is_none() => out.push_str(" missing |"),
                    Some(d) if d.counts.documents == 0 => out.push_str(" no source |"),
                    Some(d) => {
                        let _ = write!(out, " {:.0}% |", d.counts.percent());
                    }
                    None => out.push_str(" — |"),
                }
            }
            out.push('\n');
        }
        if sources.len() > MAX_DOCUMENTS {
            let _ = writeln!(
                out,
                "\n{} more documents; `--format json` lists them all.",
                sources.len() - MAX_DOCUMENTS
            );
        }
    }
    for lang in report.languages.keys() {
        let rows: Vec<_> = report
            .sections
            .iter()
            .filter(|r| &r.lang == lang && r.state != State::Translated)
            .collect();
        let _ = writeln!(out, "\n### `{lang}`\n");
        if rows.is_empty() {
            out.push_str("Every section is translated.\n");
            continue;
        }
        for state in [
            State::Untranslated,
            State::Partial,
            State::Stale,
            State::Missing,
            State::Extra,
        ] {
            let of_state: Vec<_> = rows.iter().filter(|r| r.state == state).collect();
            if of_state.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<details><summary>{} ({})</summary>\n",
                state.as_str(),
                of_state.len()
            );
            for r in of_state {
                let heading = r
                    .heading
                    .as_deref()
                    .or(r.source_heading.as_deref())
                    .unwrap_or("(untitled)");
                let place = match (&r.file, r.line) {
                    (Some(f), Some(l)) => format!("[{}:{l}]({f}#L{l})", f),
                    (Some(f), None) => format!("`{f}`"),
                    _ => String::new(),
                };
                let source = match (&r.source_file, r.source_line) {
                    (Some(f), Some(l)) => format!(" — source [{}:{l}]({f}#L{l})", f),
                    _ => String::new(),
                };
                let _ = writeln!(out, "- {} {place}{source}", escape(heading));
            }
            out.push_str("\n</details>\n\n");
        }
    }
    out
}
