//! `--format json`, version 1 (see DESIGN §4).

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::report::Report;

use super::Renderer;
use super::columns::{self, Columns};

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
        // The findings rendered in parallel into the report's empty list.
        let skeleton = JsonReport {
            version: 1,
            diagnostics: Vec::new(),
            summary: Summary {
                files: report.checked,
                errors: report.count(Severity::Error),
                warnings: report.count(Severity::Warning),
            },
            notes: &report.notes,
        };
        super::json_with_list(
            out,
            &skeleton,
            "diagnostics",
            2,
            &report.diagnostics,
            |d, columns| diagnostic(report, d, columns),
        )
    }
}

/// A finding as JSON.
fn diagnostic<'a>(
    report: &'a Report,
    d: &'a crate::diagnostic::Diagnostic,
    columns: &mut Columns,
) -> JsonDiagnostic<'a> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Related};
    use crate::registry::RuleId;
    use crate::render::safe;
    use crate::source::{FileId, SourceFile, Span};

    /// The report rendered in parallel, finding by finding, is the bytes
    /// serde writes for the whole report at once — across chunks and
    /// batches, with nested objects, `null`s and a `##[` to guard.
    #[test]
    fn parallel_rendering_is_the_whole_report_as_serde_writes_it() {
        let text: String = (0..300).map(|i| format!("line {i} ##[x]\n")).collect();
        let files = || {
            vec![
                SourceFile::new("a.md".to_string(), text.clone()),
                SourceFile::new("b/ko.md".to_string(), text.clone()),
            ]
        };
        let diagnostics: Vec<Diagnostic> = (0..5000)
            .map(|k| {
                let start = (k * 7) % 3000;
                let mut d = Diagnostic::new(
                    RuleId::BrokenAnchor,
                    FileId(u32::from(k % 3 == 0)),
                    Span::new(start, start + 5),
                    format!("finding {k} ##[error] \"quoted\" ✓"),
                );
                if k % 2 == 0 {
                    d.help = Some(format!("help {k}"));
                }
                if k % 5 == 0 {
                    d.source = Some(Related {
                        file: FileId(0),
                        span: Span::new(10, 12),
                        message: "source".to_string(),
                    });
                }
                d
            })
            .collect();
        for (notes, diagnostics) in [
            (vec!["a note ##[warning]".to_string()], diagnostics.clone()),
            (Vec::new(), diagnostics[..1].to_vec()),
            (Vec::new(), Vec::new()),
        ] {
            let report = Report {
                files: files(),
                langs: vec![Some("en".into()), Some("ko".into())],
                diagnostics,
                checked: 2,
                notes,
                ..Report::default()
            };
            let mut got = Vec::new();
            Json.render(&report, &mut got).unwrap();
            let mut columns = Columns::default();
            let whole = JsonReport {
                version: 1,
                diagnostics: (report.diagnostics.iter())
                    .map(|d| diagnostic(&report, d, &mut columns))
                    .collect(),
                summary: Summary {
                    files: report.checked,
                    errors: report.count(Severity::Error),
                    warnings: report.count(Severity::Warning),
                },
                notes: &report.notes,
            };
            let mut want = safe::guard_json(serde_json::to_vec_pretty(&whole).unwrap());
            want.push(b'\n');
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }
}
