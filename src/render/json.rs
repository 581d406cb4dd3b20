//! `--format json`, version 1 (see DESIGN §4).

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::report::Report;

use super::columns::{self, Columns};
use super::{Renderer, safe};

pub struct Json;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
    /// Messages about the run (baseline entries that no longer occur).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    lang: Option<&'a str>,
    source: Option<JsonSource<'a>>,
    /// For stale sections: the source section's diff since the sync point.
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
    /// For stale sections: the sync commit and the newest commit that
    /// changed the source section (`null`: uncommitted edits).
    #[serde(skip_serializing_if = "Option::is_none")]
    commits: Option<JsonCommits<'a>>,
}

#[derive(Serialize)]
struct JsonCommit<'a> {
    id: &'a str,
    date: String,
}

#[derive(Serialize)]
struct JsonCommits<'a> {
    synced: JsonCommit<'a>,
    changed: Option<JsonCommit<'a>>,
    /// Source commits that changed the section in substance since the sync point.
    behind: usize,
    /// Source commits since the sync point that changed it cosmetically only.
    cosmetic: usize,
    /// With `--changed-since`: the commits of the change that staled it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    this_change: Vec<JsonCommit<'a>>,
}

#[derive(Serialize)]
struct JsonSource<'a> {
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

impl Renderer for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut columns = Columns::default();
        let diagnostics = report
            .diagnostics
            .iter()
            .map(|d| {
                let file = &report.files[d.file.index()];
                let start = columns.line_col(file, d.span.start);
                let end = columns.line_col(file, d.span.end);
                JsonDiagnostic {
                    rule: d.rule.name(),
                    severity: d.severity,
                    file: &file.path,
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    message: &d.message,
                    help: d.help.as_deref(),
                    lang: report.langs[d.file.index()].as_deref(),
                    source: d.source.as_ref().map(|s| {
                        let f = &report.files[s.file.index()];
                        JsonSource {
                            file: &f.path,
                            line: columns::line(f, s.span.start),
                        }
                    }),
                    diff: d.stale.as_ref().map(|s| s.diff.as_str()),
                    commits: d.stale.as_ref().map(|s| JsonCommits {
                        synced: JsonCommit {
                            id: &s.sync.id,
                            date: s.sync.date(),
                        },
                        changed: s.changed.as_ref().map(|c| JsonCommit {
                            id: &c.id,
                            date: c.date(),
                        }),
                        behind: s.behind.len(),
                        cosmetic: s.cosmetic,
                        this_change: s
                            .in_range
                            .iter()
                            .map(|c| JsonCommit {
                                id: &c.id,
                                date: c.date(),
                            })
                            .collect(),
                    }),
                }
            })
            .collect();
        let doc = JsonReport {
            version: 1,
            diagnostics,
            summary: Summary {
                files: report.checked,
                errors: report.count(Severity::Error),
                warnings: report.count(Severity::Warning),
            },
            notes: &report.notes,
        };
        // No `##[` for a CI log to take as a workflow command (same JSON value).
        let json = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
        out.write_all(&safe::guard_json(json))?;
        writeln!(out)
    }
}
